//! `partyctl` against a membership server set up the way `certs init` and `tokens issue` intend:
//! mutual TLS with the generated certificates, HS256 tokens signed with the generated key. The
//! commands run through the library's `run`, exactly as the binary runs them.

use std::time::Duration;

use clap::Parser;
use partyregistry_cli::commands::health::{MEMBERSHIP_SERVICE, check};
use partyregistry_cli::commands::tokens;
use partyregistry_cli::commands::tokens::TokenIssueArgs;
use partyregistry_cli::{Cli, CliError, certs, client};
use partyregistry_kit::auth::Right;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_proto::audit::v1::ListAuditEntriesRequest;
use tokio_util::sync::CancellationToken;
use tonic_health::pb::health_check_response::ServingStatus;

const ISSUER: &str = "partyregistry-test";

fn scratch_dir() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "partyctl-secure-test-{}-{nanos}",
        std::process::id()
    ))
}

/// A token signed with the issuer's Ed25519 key in `dir`, national, with `rights`, bound to the
/// province's client certificate (the one the CLI presents).
fn token(dir: &std::path::Path, subject: &str, rights: Vec<Right>) -> String {
    let args = TokenIssueArgs {
        key_file: dir.join("jwt-signing-key.pem"),
        bind_certificate: Some(dir.join("client-15.pem")),
        issuer: ISSUER.to_owned(),
        subject: subject.to_owned(),
        audiences: vec![partyregistry_kit::auth::MEMBERSHIP_AUDIENCE.to_owned()],
        national: true,
        provinces: Vec::new(),
        communes: Vec::new(),
        rights,
        ttl: Duration::from_secs(600),
    };
    let key = tokens::read_key(&args.key_file).expect("the generated Ed25519 key");
    let mut claims = tokens::claims(&args, chrono::Utc::now().timestamp());
    claims.cnf = args
        .bind_certificate
        .as_deref()
        .map(|certificate| tokens::read_binding(certificate).expect("the client certificate"));
    tokens::sign(&claims, &key).expect("signs")
}

async fn partyctl(line: &[&str]) -> Result<(), CliError> {
    let mut full = vec!["partyctl"];
    full.extend_from_slice(line);
    partyregistry_cli::run(Cli::try_parse_from(full).expect("parses")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_speaks_mutual_tls_with_tokens_and_reads_the_audit_trail() {
    let dir = scratch_dir();
    let generated = certs::generate("15", &[], 30).expect("generates");
    certs::write(&dir, &generated).expect("writes");

    let mut config = partyregistry_membership::Config::for_database(format!(
        "sqlite://{}",
        dir.join("membership.db").display()
    ));
    config.plaintext = false;
    config.allow_unauthenticated = false;
    config.tls_cert = Some(dir.join("server.pem"));
    config.tls_key = Some(dir.join("server-key.pem"));
    config.client_ca = Some(dir.join("ca.pem"));
    // The service holds only the issuer's public key.
    config.jwt_public_key_file = Some(dir.join("jwt-public-key.pem"));
    config.jwt_issuer = Some(ISSUER.to_owned());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let port = listener.local_addr().expect("bound").port();
    config.listen = listener.local_addr().expect("bound");
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(partyregistry_membership::run(
        config,
        listener,
        shutdown.clone(),
    ));

    let url = format!("https://localhost:{port}");
    let ca = dir.join("ca.pem").display().to_string();
    let cert = dir.join("client-15.pem").display().to_string();
    let key = dir.join("client-15-key.pem").display().to_string();
    let tls = ClientSecurity {
        ca_pem: Some(generated.ca_pem.as_bytes().to_vec()),
        identity: Some((
            generated.client_pem.as_bytes().to_vec(),
            generated.client_key_pem.as_bytes().to_vec(),
        )),
        token: None,
    };

    // Health needs no token.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let status = check(&url, MEMBERSHIP_SERVICE, Duration::from_secs(2), &tls).await;
        if status == Ok(ServingStatus::Serving) {
            break;
        }
        assert!(!server.is_finished(), "the server stopped: {status:?}");
        assert!(
            tokio::time::Instant::now() < deadline,
            "not healthy: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    partyctl(&[
        "health",
        "--service",
        "membership",
        "--membership",
        &url,
        "--ca",
        &ca,
        "--cert",
        &cert,
        "--key",
        &key,
    ])
    .await
    .expect("health over mutual TLS without a token");

    let tls_flags = [
        "--membership",
        url.as_str(),
        "--ca",
        &ca,
        "--cert",
        &cert,
        "--key",
        &key,
    ];
    let with = |extra: &[&str], token: Option<&str>| {
        let mut line: Vec<String> = tls_flags.iter().map(|s| (*s).to_owned()).collect();
        if let Some(token) = token {
            line.push("--token".to_owned());
            line.push(token.to_owned());
        }
        line.extend(extra.iter().map(|s| (*s).to_owned()));
        line
    };

    // No token: refused.
    let line = with(&["provinces", "list"], None);
    let refused = partyctl(&line.iter().map(String::as_str).collect::<Vec<_>>()).await;
    match refused {
        Err(CliError::Status(status)) => {
            assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
        }
        other => panic!("expected UNAUTHENTICATED, got {other:?}"),
    }

    // A token from `tokens issue`: reference data is readable.
    let reader = token(&dir, "reader", vec![Right::Aggregates]);
    let line = with(&["provinces", "list"], Some(&reader));
    partyctl(&line.iter().map(String::as_str).collect::<Vec<_>>())
        .await
        .expect("reference data with a valid token");

    // The audit trail needs admin, and shows the refused call.
    let line = with(&["audit", "list", "--service", "membership"], Some(&reader));
    match partyctl(&line.iter().map(String::as_str).collect::<Vec<_>>()).await {
        Err(CliError::Status(status)) => {
            assert_eq!(status.code(), tonic::Code::PermissionDenied, "{status:?}");
        }
        other => panic!("expected PERMISSION_DENIED, got {other:?}"),
    }
    let admin = token(&dir, "auditor", vec![Right::Admin]);
    for extra in [
        &["audit", "list", "--service", "membership", "--all-pages"][..],
        &[
            "audit",
            "list",
            "--service",
            "membership",
            "--outcome",
            "unauthenticated",
            "--json",
        ],
    ] {
        let line = with(extra, Some(&admin));
        partyctl(&line.iter().map(String::as_str).collect::<Vec<_>>())
            .await
            .expect("admin reads the audit trail");
    }
    let mut audit = client::audit(
        &url,
        &ClientSecurity {
            token: Some(admin.clone()),
            ..tls.clone()
        },
    )
    .await
    .expect("connects");
    let entries = audit
        .list_audit_entries(ListAuditEntriesRequest {
            filter: "outcome = \"UNAUTHENTICATED\"".to_owned(),
            ..Default::default()
        })
        .await
        .expect("lists")
        .into_inner()
        .entries;
    assert!(
        entries
            .iter()
            .any(|entry| entry.method.ends_with("/ListProvinces")),
        "{entries:?}"
    );

    // The token file flag works as the inline token does; https:// without --ca does not start.
    let token_file = dir.join("token.txt");
    std::fs::write(&token_file, format!("{reader}\n")).expect("written");
    let token_file = token_file.display().to_string();
    let line = with(&["provinces", "list", "--token-file", &token_file], None);
    partyctl(&line.iter().map(String::as_str).collect::<Vec<_>>())
        .await
        .expect("token from a file");
    assert!(matches!(
        partyctl(&[
            "--membership",
            &url,
            "--token",
            &reader,
            "provinces",
            "list"
        ])
        .await,
        Err(CliError::Usage(_))
    ));

    shutdown.cancel();
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
}
