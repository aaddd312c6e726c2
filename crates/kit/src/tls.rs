//! TLS termination in front of the gRPC server. The server accepts TCP connections itself and
//! runs the rustls handshake, instead of leaving it to tonic, so that a refused handshake — a
//! client certificate from another CA, none where mutual TLS requires one, a client that does not
//! trust the server, or a client that does not speak TLS — is recorded in the audit trail like any
//! other refused call. Connections that close before saying anything (port probes) are only
//! logged at debug level, so that health checkers do not flood the trail.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;

use crate::BoxError;
use crate::audit::{AuditLog, AuditRecord};

/// The method recorded in the audit trail for a refused handshake (no gRPC method was reached).
pub const TLS_HANDSHAKE: &str = "tls-handshake";

/// How long a client may take to complete the handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshakes in flight that have completed but not yet been taken by the server.
const ACCEPTED_BACKLOG: usize = 64;

/// The server side of TLS: its certificate and key and, for mutual TLS, the CA whose client
/// certificates are accepted (a certificate is then required).
#[derive(Clone)]
pub struct ServerTls {
    config: Arc<rustls::ServerConfig>,
    mutual: bool,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls")
            .field("mutual", &self.mutual)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Parses a PEM certificate chain, its private key and an optional client CA, and checks that
    /// the key belongs to the certificate. Errors say which part is wrong.
    pub fn from_pem(cert: &[u8], key: &[u8], client_ca: Option<&[u8]>) -> Result<Self, BoxError> {
        let chain = CertificateDer::pem_slice_iter(cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| format!("the certificate is not valid PEM: {error}"))?;
        if chain.is_empty() {
            return Err("no PEM certificate found".into());
        }
        let key = PrivateKeyDer::from_pem_slice(key)
            .map_err(|error| format!("the private key is not valid PEM: {error}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?;
        let builder = match client_ca {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for certificate in CertificateDer::pem_slice_iter(ca) {
                    let certificate = certificate
                        .map_err(|error| format!("the client CA is not valid PEM: {error}"))?;
                    roots
                        .add(certificate)
                        .map_err(|error| format!("the client CA is not usable: {error}"))?;
                }
                if roots.is_empty() {
                    return Err("the client CA holds no certificate".into());
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|error| format!("the client CA is not usable: {error}"))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|error| format!("the key does not fit the certificate: {error}"))?;
        // gRPC runs over HTTP/2 only.
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Self {
            config: Arc::new(config),
            mutual: client_ca.is_some(),
        })
    }

    /// Whether clients must present a certificate.
    pub fn is_mutual(&self) -> bool {
        self.mutual
    }

    /// Accepts connections on `listener` and hands the server those whose handshake succeeded;
    /// refused handshakes go to `audit`. Accepting stops when the server drops the stream.
    pub fn incoming(
        &self,
        listener: TcpListener,
        audit: AuditLog,
    ) -> ReceiverStream<Result<TlsStream<TcpStream>, io::Error>> {
        let (accepted, stream) = mpsc::channel(ACCEPTED_BACKLOG);
        let acceptor = TlsAcceptor::from(self.config.clone());
        tokio::spawn(async move {
            loop {
                let (connection, peer) = tokio::select! {
                    () = accepted.closed() => return,
                    next = listener.accept() => match next {
                        Ok(next) => next,
                        Err(error) => {
                            // Out of file descriptors and the like: wait rather than spin.
                            tracing::warn!(%error, "accepting a connection failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                send_without_delay(&connection);
                let acceptor = acceptor.clone();
                let accepted = accepted.clone();
                let audit = audit.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(connection)).await
                    {
                        Ok(Ok(stream)) => {
                            // The server is shutting down when nobody takes it.
                            let _ = accepted.send(Ok(stream)).await;
                        }
                        Ok(Err(error)) => refused(&audit, peer, &error).await,
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        ReceiverStream::new(stream)
    }
}

/// Records a handshake the TLS layer refused; a connection that merely closed is only logged.
async fn refused(audit: &AuditLog, peer: SocketAddr, error: &io::Error) {
    let Some(why) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        tracing::debug!(%peer, %error, "connection closed during the TLS handshake");
        return;
    };
    let detail = format!("TLS handshake from {peer} refused: {}", describe(why));
    tracing::warn!(%peer, reason = %why, "TLS handshake refused");
    audit
        .record(AuditRecord {
            subject: String::new(),
            method: TLS_HANDSHAKE.to_owned(),
            resources: Vec::new(),
            personal_fields: false,
            outcome: "UNAUTHENTICATED".to_owned(),
            detail,
        })
        .await;
}

/// The reason in the words of the audit trail.
fn describe(error: &rustls::Error) -> String {
    use rustls::{CertificateError, Error};
    match error {
        Error::NoCertificatesPresented => "the client presented no certificate".into(),
        // A bad signature: the certificate names the configured CA but was not signed by it.
        Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => "the client certificate was not issued by the configured CA".into(),
        Error::InvalidCertificate(CertificateError::Expired) => {
            "the client certificate has expired".into()
        }
        Error::InvalidCertificate(other) => format!("the client certificate is invalid: {other:?}"),
        Error::AlertReceived(alert) => format!("the client ended the handshake: {alert:?}"),
        Error::InvalidMessage(_) => "the client does not speak TLS".into(),
        other => other.to_string(),
    }
}

/// Turns Nagle's algorithm off on an accepted connection, as tonic does on the connections it
/// accepts itself: with it on, the last frames of an answer written in two parts wait for the
/// client's delayed acknowledgement (tens of milliseconds) before they are sent.
pub(crate) fn send_without_delay(connection: &tokio::net::TcpStream) {
    if let Err(error) = connection.set_nodelay(true) {
        tracing::warn!(%error, "could not turn off Nagle's algorithm on a connection");
    }
}
