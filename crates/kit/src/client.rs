//! The one client transport of the CLI, the tests and reporting's feed consumer: plaintext or TLS
//! (a CA to trust, optionally a client identity for mutual TLS), and the bearer token added to
//! every call.

use std::time::Duration;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Request, Status};

use crate::BoxError;

/// How long establishing a connection may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a client presents and trusts.
#[derive(Clone, Default)]
pub struct ClientSecurity {
    /// PEM of the CA that signed the server's certificate; with it the connection uses TLS.
    pub ca_pem: Option<Vec<u8>>,
    /// PEM certificate and key for mutual TLS.
    pub identity: Option<(Vec<u8>, Vec<u8>)>,
    /// Bearer token sent with every call.
    pub token: Option<String>,
}

// Keys and tokens must never reach a log line.
impl std::fmt::Debug for ClientSecurity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecurity")
            .field("tls", &self.ca_pem.is_some())
            .field("client_certificate", &self.identity.is_some())
            .field("token", &self.token.is_some())
            .finish()
    }
}

/// The headers every call of a transport carries: the trace context of the span the call is made
/// in (see [`crate::telemetry`]) or a fixed `traceparent`, `authorization: Bearer …` when a token
/// is configured, and `x-min-feed-sequence` when the reports asked must reflect the writes up to a
/// feed sequence (see the reporting contract).
#[derive(Clone, Default)]
pub struct CallHeaders {
    bearer: Option<MetadataValue<Ascii>>,
    min_feed_sequence: Option<MetadataValue<Ascii>>,
    trace_parent: Option<MetadataValue<Ascii>>,
}

impl std::fmt::Debug for CallHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallHeaders")
            .field("bearer", &self.bearer.as_ref().map(|_| ".."))
            .field("min_feed_sequence", &self.min_feed_sequence)
            .finish()
    }
}

impl CallHeaders {
    /// The headers for `token`; `None` sends no authorization header.
    pub fn new(token: Option<&str>) -> Result<Self, BoxError> {
        let Some(token) = token else {
            return Ok(Self::default());
        };
        let mut value: MetadataValue<Ascii> = format!("Bearer {}", token.trim())
            .parse()
            .map_err(|_| "the token holds characters not allowed in a header")?;
        // Keeps the value out of debug output and HPACK tables.
        value.set_sensitive(true);
        Ok(Self {
            bearer: Some(value),
            ..Self::default()
        })
    }

    /// These headers, sending the W3C `traceparent` given with every call: for a caller that is
    /// not itself traced (one `partyctl` run), so that all its calls share one trace. A span the
    /// call is made in, when traces are exported, takes precedence.
    pub fn with_trace_parent(mut self, trace_parent: &str) -> Result<Self, BoxError> {
        self.trace_parent = Some(
            trace_parent
                .parse()
                .map_err(|_| "the traceparent holds characters not allowed in a header")?,
        );
        Ok(self)
    }

    /// These headers, asking every report to reflect the feed up to `sequence`.
    pub fn after_feed_sequence(mut self, sequence: i64) -> Self {
        self.min_feed_sequence = Some(sequence.into());
        self
    }
}

impl Interceptor for CallHeaders {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.bearer {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        if let Some(value) = &self.min_feed_sequence {
            request
                .metadata_mut()
                .insert("x-min-feed-sequence", value.clone());
        }
        if let Some(value) = &self.trace_parent {
            request.metadata_mut().insert("traceparent", value.clone());
        }
        crate::telemetry::inject_current(request.metadata_mut());
        Ok(request)
    }
}

/// A channel that sends the configured headers with every call; wrap it in any generated client.
pub type Transport = InterceptedService<Channel, CallHeaders>;

/// The endpoint for `url`: TLS (the scheme becomes `https`) when a CA is given, checking the
/// server's certificate against the URL's host name; plaintext otherwise. Exposed so that a
/// caller can add its own settings (keep-alive) before connecting.
pub fn endpoint(url: &str, security: &ClientSecurity) -> Result<Endpoint, BoxError> {
    let endpoint = match &security.ca_pem {
        Some(ca) => {
            let url = match url.strip_prefix("http://") {
                Some(rest) => format!("https://{rest}"),
                None => url.to_owned(),
            };
            let uri: tonic::codegen::http::Uri = url
                .parse()
                .map_err(|error| format!("invalid URL {url}: {error}"))?;
            let host = uri
                .host()
                .ok_or_else(|| format!("the URL {url} names no host"))?;
            // IPv6 literals come bracketed in a URL but not in a certificate name.
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let mut tls = ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(ca))
                .domain_name(host);
            if let Some((cert, key)) = &security.identity {
                tls = tls.identity(Identity::from_pem(cert, key));
            }
            Endpoint::from_shared(url)?.tls_config(tls)?
        }
        None => {
            if security.identity.is_some() {
                return Err("a client certificate needs a CA (TLS)".into());
            }
            if url.starts_with("https://") {
                return Err(format!("{url} needs a CA certificate to trust (--ca)").into());
            }
            Endpoint::from_shared(url.to_owned())?
        }
    };
    Ok(endpoint.connect_timeout(CONNECT_TIMEOUT))
}

/// Connects now, failing when the server cannot be reached or its certificate is not trusted.
pub async fn connect(url: &str, security: &ClientSecurity) -> Result<Transport, BoxError> {
    connect_with(url, security, CallHeaders::new(security.token.as_deref())?).await
}

/// Like [`connect`], with `headers` on every call (the token among them).
pub async fn connect_with(
    url: &str,
    security: &ClientSecurity,
    headers: CallHeaders,
) -> Result<Transport, BoxError> {
    let channel = endpoint(url, security)?.connect().await?;
    Ok(InterceptedService::new(channel, headers))
}

/// Connects on first use (and reconnects after failures).
pub fn lazy(url: &str, security: &ClientSecurity) -> Result<Transport, BoxError> {
    let token = CallHeaders::new(security.token.as_deref())?;
    let channel = endpoint(url, security)?.connect_lazy();
    Ok(InterceptedService::new(channel, token))
}
