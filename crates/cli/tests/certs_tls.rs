//! The certificates of `partyctl certs init` work for what they are made for: a tonic server with
//! the server certificate and the CA as client CA accepts the province's client certificate over
//! mutual TLS (by name and by IP address), and the CLI's health check gets through. A client
//! without a certificate, with one from another CA, or trusting another CA gets nothing.

use std::time::Duration;

use partyregistry_cli::commands::certs::{GeneratedCertificates, generate};
use partyregistry_cli::commands::health::check;
use partyregistry_kit::client::ClientSecurity;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic_health::pb::health_check_response::ServingStatus;

/// The service name the test server reports as serving.
const SERVICE: &str = "partyregistry.test.Probe";

/// Starts a health server with mutual TLS from `set` on a free port; returns its port.
async fn serve(set: &GeneratedCertificates, shutdown: CancellationToken) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let port = listener.local_addr().expect("bound").port();
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_service_status(SERVICE, tonic_health::ServingStatus::Serving)
        .await;
    let tls = ServerTlsConfig::new()
        .identity(Identity::from_pem(&set.server_pem, &set.server_key_pem))
        .client_ca_root(Certificate::from_pem(&set.ca_pem));
    let server = Server::builder()
        .tls_config(tls)
        .expect("TLS configuration")
        .add_service(health)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            shutdown.cancelled().await;
        });
    tokio::spawn(server);
    port
}

fn security(ca: &GeneratedCertificates, client: Option<&GeneratedCertificates>) -> ClientSecurity {
    ClientSecurity {
        ca_pem: Some(ca.ca_pem.as_bytes().to_vec()),
        identity: client.map(|set| {
            (
                set.client_pem.as_bytes().to_vec(),
                set.client_key_pem.as_bytes().to_vec(),
            )
        }),
        token: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_certificates_carry_mutual_tls() {
    let set = generate("15", &[], 30).expect("generates");
    let stranger = generate("15", &[], 30).expect("generates");
    let shutdown = CancellationToken::new();
    let port = serve(&set, shutdown.clone()).await;
    let timeout = Duration::from_secs(10);

    for host in ["localhost", "127.0.0.1"] {
        let url = format!("https://{host}:{port}");
        let status = check(&url, SERVICE, timeout, &security(&set, Some(&set))).await;
        assert_eq!(status, Ok(ServingStatus::Serving), "{url}");
    }

    let url = format!("https://localhost:{port}");
    // No client certificate: the server requires one.
    let refused = check(&url, SERVICE, timeout, &security(&set, None)).await;
    assert!(refused.is_err(), "{refused:?}");
    // A client certificate from another CA.
    let refused = check(&url, SERVICE, timeout, &security(&set, Some(&stranger))).await;
    assert!(refused.is_err(), "{refused:?}");
    // Trusting another CA: the server's certificate is not accepted.
    let refused = check(&url, SERVICE, timeout, &security(&stranger, Some(&set))).await;
    assert!(refused.is_err(), "{refused:?}");
    // https:// without a CA is refused by the CLI before dialling.
    let no_ca = ClientSecurity {
        ca_pem: None,
        identity: None,
        token: None,
    };
    let refused = check(&url, SERVICE, timeout, &no_ca).await;
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("--ca")),
        "{refused:?}"
    );

    shutdown.cancel();
}
