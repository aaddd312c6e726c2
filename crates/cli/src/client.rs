//! Talking to the services: dialling an endpoint through the kit's one client transport
//! (plaintext for `http://`, TLS with the given CA for `https://`, a client certificate for mutual
//! TLS, a bearer token), one constructor per service client, request ids, and the proto names of
//! the enum numbers the services answer with. Does not own how the security flags are read
//! ([`crate::security`]) nor what a person types ([`crate::parse`]).

use std::time::Duration;

use partyregistry_kit::client::{CallHeaders, ClientSecurity, Transport};
use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
use partyregistry_proto::membership::v1::GetFeedHeadRequest;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;

use crate::error::{CliError, error_chain};

/// How long to wait for a connection (TCP and, for `https://`, the TLS handshake) before giving
/// up: long enough for a busy machine, short enough that a typo in the URL is reported quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// No TLS, no token: what `partyctl dev` and its health checks use against its own services.
pub fn plaintext() -> ClientSecurity {
    ClientSecurity::default()
}

/// The security actually used for `url`: `http://` stays plaintext (the CA and the client
/// certificate are not used, the token still is: a server may run `--plaintext` with
/// authentication on a trusted network); `https://` needs the CA, because the CLI trusts no
/// certificate store of the system.
fn security_for(url: &str, security: &ClientSecurity) -> Result<ClientSecurity, CliError> {
    if url.starts_with("http://") {
        Ok(ClientSecurity {
            ca_pem: None,
            identity: None,
            token: security.token.clone(),
        })
    } else if url.starts_with("https://") {
        if security.ca_pem.is_none() {
            return Err(CliError::usage(format!(
                "địa chỉ {url} dùng TLS: cần --ca (chứng chỉ CA đã ký chứng chỉ máy chủ)"
            )));
        }
        Ok(ClientSecurity {
            ca_pem: security.ca_pem.clone(),
            identity: security.identity.clone(),
            token: security.token.clone(),
        })
    } else {
        Err(CliError::usage(format!(
            "địa chỉ {url} phải bắt đầu bằng http:// hoặc https://"
        )))
    }
}

tokio::task_local! {
    /// The W3C `traceparent` of the running command, sent with every call it makes.
    static TRACE_PARENT: String;
}

/// Runs `command` with every call it makes carrying `trace_parent`: one `partyctl` run is one
/// trace, which the services continue (and log the id of) and the membership service stores with
/// what the run wrote.
pub async fn traced<T>(trace_parent: String, command: impl std::future::Future<Output = T>) -> T {
    TRACE_PARENT.scope(trace_parent, command).await
}

/// A fresh W3C `traceparent` (version 00, sampled) with random trace and parent ids.
pub fn new_trace_parent() -> String {
    let mut bytes = [0u8; 24];
    // The ids only need to be unique; should the system generator fail, a timestamp-derived id
    // still is, and a run must not fail for want of a trace id.
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_nanos());
        bytes[..16].copy_from_slice(&nanos.to_be_bytes());
        bytes[16..].copy_from_slice(&u64::from(std::process::id()).to_be_bytes());
    }
    // All-zero ids are invalid in W3C trace context.
    bytes[15] |= 1;
    bytes[23] |= 1;
    format!(
        "00-{}-{}-01",
        hex::encode(&bytes[..16]),
        hex::encode(&bytes[16..])
    )
}

/// The trace id inside a W3C `traceparent`.
pub fn trace_id(trace_parent: &str) -> &str {
    trace_parent.split('-').nth(1).unwrap_or_default()
}

/// Opens a connection to `url` through the kit's one client transport.
pub async fn transport(url: &str, security: &ClientSecurity) -> Result<Transport, CliError> {
    transport_with(url, security, None).await
}

/// Like [`transport`]; with `min_feed_sequence`, every call asks for answers that reflect the
/// membership feed up to it.
async fn transport_with(
    url: &str,
    security: &ClientSecurity,
    min_feed_sequence: Option<i64>,
) -> Result<Transport, CliError> {
    let security = security_for(url, security)?;
    let mut headers = CallHeaders::new(security.token.as_deref()).map_err(CliError::from)?;
    if let Ok(trace_parent) = TRACE_PARENT.try_with(Clone::clone) {
        headers = headers
            .with_trace_parent(&trace_parent)
            .map_err(CliError::from)?;
    }
    if let Some(sequence) = min_feed_sequence {
        headers = headers.after_feed_sequence(sequence);
    }
    let connect = partyregistry_kit::client::connect_with(url, &security, headers);
    match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(Ok(transport)) => Ok(transport),
        Ok(Err(error)) => Err(CliError::Connect {
            url: url.to_owned(),
            cause: error_chain(error.as_ref()),
        }),
        Err(_) => Err(CliError::Connect {
            url: url.to_owned(),
            cause: format!("quá {} giây không kết nối được", CONNECT_TIMEOUT.as_secs()),
        }),
    }
}

/// A client of the membership service at `url`.
pub async fn membership(
    url: &str,
    security: &ClientSecurity,
) -> Result<MembershipServiceClient<Transport>, CliError> {
    Ok(MembershipServiceClient::new(
        transport(url, security).await?,
    ))
}

/// A client of the admission pipeline, served by the membership server at `url`.
pub async fn admission(
    url: &str,
    security: &ClientSecurity,
) -> Result<AdmissionServiceClient<Transport>, CliError> {
    Ok(AdmissionServiceClient::new(transport(url, security).await?))
}

/// A client of provinces, merges and reference lists, served by the membership server at `url`.
pub async fn reference(
    url: &str,
    security: &ClientSecurity,
) -> Result<ReferenceServiceClient<Transport>, CliError> {
    Ok(ReferenceServiceClient::new(transport(url, security).await?))
}

/// A client of the reporting service at `url` whose reports reflect every change membership (at
/// `membership_url`) has committed when the client is made: a report run right after a write
/// shows it. When membership cannot be asked, the reports answer with what is applied.
pub async fn reporting(
    url: &str,
    membership_url: &str,
    security: &ClientSecurity,
) -> Result<ReportingServiceClient<Transport>, CliError> {
    let head = match membership(membership_url, security).await {
        Ok(mut membership) => membership
            .get_feed_head(GetFeedHeadRequest {})
            .await
            .ok()
            .map(|answer| answer.into_inner().head_sequence),
        Err(_) => None,
    };
    Ok(ReportingServiceClient::new(
        transport_with(url, security, head).await?,
    ))
}

/// A client of the audit trail of whichever server is at `url` (both serve it).
pub async fn audit(
    url: &str,
    security: &ClientSecurity,
) -> Result<AuditServiceClient<Transport>, CliError> {
    Ok(AuditServiceClient::new(transport(url, security).await?))
}

/// The request id to send: the one given on the command line (so that re-running the same
/// command line is idempotent), or a fresh one from the clock and the process id.
pub fn request_id(explicit: Option<&str>) -> String {
    match explicit {
        Some(id) => id.to_owned(),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            format!("partyctl-{nanos}-{}", std::process::id())
        }
    }
}
/// The proto name of an enum number, or the number itself when this build does not know it.
pub fn enum_name<T: TryFrom<i32>>(number: i32, name: impl Fn(T) -> &'static str) -> String {
    match T::try_from(number) {
        Ok(value) => name(value).to_owned(),
        Err(_) => number.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_stays_plaintext_and_https_needs_the_ca() {
        let full = ClientSecurity {
            ca_pem: Some(b"ca".to_vec()),
            identity: Some((b"cert".to_vec(), b"key".to_vec())),
            token: Some("t".to_owned()),
        };
        let plain = security_for("http://127.0.0.1:50051", &full).expect("plaintext");
        assert!(plain.ca_pem.is_none() && plain.identity.is_none());
        assert_eq!(plain.token.as_deref(), Some("t"));
        let tls = security_for("https://localhost:50051", &full).expect("TLS");
        assert!(tls.ca_pem.is_some() && tls.identity.is_some());
        assert!(security_for("https://localhost:50051", &plaintext()).is_err());
        assert!(security_for("localhost:50051", &full).is_err());
    }

    #[test]
    fn explicit_request_ids_are_kept() {
        assert_eq!(request_id(Some("abc")), "abc");
        assert!(request_id(None).starts_with("partyctl-"));
    }
}
