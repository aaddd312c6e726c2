//! Serving plumbing shared by both services: transport security (TLS, optionally mutual), one
//! authentication layer in front of every route, health (`grpc.health.v1`), reflection (`v1` and
//! `v1alpha`, so that both current and older stock clients work), and a shutdown that flips health
//! to NOT_SERVING, lets in-flight calls finish, and gives up after a deadline so that a long
//! stream can never hold the process.
//!
//! Authentication: the layer reads `authorization: Bearer …`, verifies it with the configured
//! [`Verifier`], and puts the [`Caller`] into the request's extensions (read back with
//! [`crate::auth::caller`]). A call without a valid token is answered UNAUTHENTICATED and recorded
//! in the audit trail before any handler runs. Client addresses are never taken from
//! `x-forwarded-*` or `x-real-ip` headers: nothing here reads them. Health and reflection stay
//! open, so that probes and stock tools work without a token; they reveal no member data.
//!
//! Limits ([`EdgeLimits`]): the same layer admits at most `max_concurrent_calls` calls at once and
//! refuses the next at once with UNAVAILABLE (load shedding; queueing would only slow every
//! waiting caller), and ends a call that runs past `call_timeout` with DEADLINE_EXCEEDED, its
//! transaction dropped and the timeout audited. Server streams count against a limit of their
//! own for as long as they run, beyond which they are refused with RESOURCE_EXHAUSTED. Health and
//! reflection are not limited.
//!
//! Transport: HTTP/2 gRPC, and gRPC-Web over HTTP/1.1 or HTTP/2 (`application/grpc-web`, for
//! browsers and HTTP/1-only systems) on the same port, behind the same authentication; messages
//! compressed with gzip or zstd are accepted and answers are compressed when the caller asks
//! ([`compressed!`]).

use std::collections::HashSet;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic::codegen::http;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use crate::BoxError;
use crate::audit::{AuditLog, AuditRecord, code_name};
use crate::auth::{Caller, Verifier};
use crate::error::ApiError;
pub use crate::health::Readiness;
use crate::health::{follow_database, set_health};
use crate::observe::ObserveLayer;
use crate::revocation::Revocations;
use crate::streams::{Guarded, STREAMS_FULL, streaming_paths};
use crate::tls::{ServerTls, send_without_delay};

/// How the server protects its calls: the transport and who may call.
#[derive(Clone)]
pub struct ServerSecurity {
    /// TLS identity and, for mutual TLS, the client CA; `None` serves plaintext.
    pub tls: Option<ServerTls>,
    /// Checks the bearer token of every call.
    pub verifier: Arc<Verifier>,
    /// Where failed authentications are recorded.
    pub audit: AuditLog,
    /// How many calls run at once and for how long.
    pub limits: EdgeLimits,
    /// Token ids refused (`--revoked-tokens-file`).
    pub revoked: Revocations,
}

/// Limits at the edge: how many calls a server runs at once — a call beyond them is refused at
/// once with UNAVAILABLE (load shedding) rather than queued behind the others — and how long a
/// call may run before it is ended with DEADLINE_EXCEEDED (a shorter `grpc-timeout` of the
/// client wins). Health checks and reflection are never refused. A stream counts as a call until
/// its first answer, so open `WatchChanges` streams do not hold calls back, and against
/// `max_concurrent_streams` until it ends (see [`crate::streams`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeLimits {
    /// Calls served at once (`--max-concurrent-calls`).
    pub max_concurrent_calls: usize,
    /// The longest a call may run (`--call-timeout-seconds`).
    pub call_timeout: Duration,
    /// Server streams open at once (`--max-concurrent-streams`), counted apart from calls for as
    /// long as they run; one beyond them is refused at once with RESOURCE_EXHAUSTED.
    pub max_concurrent_streams: usize,
}

/// Default of `--max-concurrent-calls`.
pub const DEFAULT_MAX_CONCURRENT_CALLS: usize = 512;
/// Default of `--call-timeout-seconds`: long enough for a national export.
pub const DEFAULT_CALL_TIMEOUT_SECONDS: u64 = 120;
/// Default of `--max-concurrent-streams`: every reporting replica's feed consumer, the exports of
/// a busy office and some `partyctl watch` sessions.
pub const DEFAULT_MAX_CONCURRENT_STREAMS: usize = 64;

impl Default for EdgeLimits {
    fn default() -> Self {
        Self {
            max_concurrent_calls: DEFAULT_MAX_CONCURRENT_CALLS,
            call_timeout: Duration::from_secs(DEFAULT_CALL_TIMEOUT_SECONDS),
            max_concurrent_streams: DEFAULT_MAX_CONCURRENT_STREAMS,
        }
    }
}

impl EdgeLimits {
    /// Refuses a limit of zero, which would refuse every call.
    pub fn check(&self) -> Result<(), BoxError> {
        if self.max_concurrent_calls == 0 {
            return Err("--max-concurrent-calls must be at least 1".into());
        }
        if self.max_concurrent_streams == 0 {
            return Err("--max-concurrent-streams must be at least 1".into());
        }
        if self.call_timeout.is_zero() {
            return Err("--call-timeout-seconds must be at least 1".into());
        }
        Ok(())
    }
}

impl std::fmt::Debug for ServerSecurity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSecurity")
            .field("tls", &self.tls.is_some())
            .field("verifier", &self.verifier)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The security flags both services take, as given on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecurityFlags<'a> {
    /// `--tls-cert`: the server's PEM certificate chain.
    pub tls_cert: Option<&'a Path>,
    /// `--tls-key`: its PEM private key.
    pub tls_key: Option<&'a Path>,
    /// `--client-ca`: the PEM CA whose client certificates are required (mutual TLS).
    pub client_ca: Option<&'a Path>,
    /// `--plaintext`: serve without TLS (local development only).
    pub plaintext: bool,
    /// `--jwt-key-file`: the HS256 key.
    pub jwt_key_file: Option<&'a Path>,
    /// `--jwt-public-key-file`: the token issuer's Ed25519 public key.
    pub jwt_public_key_file: Option<&'a Path>,
    /// `--jwt-issuer`: the expected `iss`.
    pub jwt_issuer: Option<&'a str>,
    /// The service's audience, which signed tokens must name.
    pub audience: &'static str,
    /// `--max-token-lifetime-days`: the furthest ahead a signed token's expiry may lie.
    pub max_token_lifetime_days: u64,
    /// `--token-file`: static tokens.
    pub token_file: Option<&'a Path>,
    /// `--revoked-tokens-file`: the ids of revoked tokens.
    pub revoked_tokens_file: Option<&'a Path>,
    /// `--allow-unauthenticated`: accept calls without a token (local development only).
    pub allow_unauthenticated: bool,
    /// `--max-concurrent-calls` and `--call-timeout-seconds`.
    pub limits: EdgeLimits,
}

/// The [`SecurityFlags`] of a service's configuration: both services' clap types carry fields of
/// these names (each with its own environment prefix, which is why they are separate types).
#[macro_export]
macro_rules! security_flags_of {
    ($config:expr, $audience:expr) => {
        $crate::server::SecurityFlags {
            tls_cert: $config.tls_cert.as_deref(),
            tls_key: $config.tls_key.as_deref(),
            client_ca: $config.client_ca.as_deref(),
            plaintext: $config.plaintext,
            jwt_key_file: $config.jwt_key_file.as_deref(),
            jwt_public_key_file: $config.jwt_public_key_file.as_deref(),
            jwt_issuer: $config.jwt_issuer.as_deref(),
            token_file: $config.token_file.as_deref(),
            revoked_tokens_file: $config.revoked_tokens_file.as_deref(),
            allow_unauthenticated: $config.allow_unauthenticated,
            audience: $audience,
            max_token_lifetime_days: $config.max_token_lifetime_days,
            limits: $crate::server::EdgeLimits {
                max_concurrent_calls: $config.max_concurrent_calls,
                call_timeout: ::std::time::Duration::from_secs($config.call_timeout_seconds),
                max_concurrent_streams: $config.max_concurrent_streams,
            },
        }
    };
}

impl SecurityFlags<'_> {
    /// Refuses flags that would serve without TLS or without authentication unless each was
    /// asked for explicitly, or that are ambiguous or half given. Reads no file, so a service can
    /// call it before opening anything.
    pub fn check(&self) -> Result<(), BoxError> {
        check_transport_flags(self.tls_cert, self.tls_key, self.client_ca, self.plaintext)?;
        self.limits.check()?;
        if self.max_token_lifetime_days == 0 {
            return Err("--max-token-lifetime-days must be at least 1".into());
        }
        crate::auth::check_flags(&self.token_source())
    }

    /// Where tokens are verified from.
    fn token_source(&self) -> crate::auth::TokenSource<'_> {
        crate::auth::TokenSource {
            jwt_key_file: self.jwt_key_file,
            jwt_public_key_file: self.jwt_public_key_file,
            jwt_issuer: self.jwt_issuer,
            token_file: self.token_file,
            allow_unauthenticated: self.allow_unauthenticated,
        }
    }

    /// The token verifier the flags choose (reads the key or the token file).
    pub fn verifier(&self) -> Result<Verifier, BoxError> {
        Verifier::from_config(
            &self.token_source(),
            self.audience,
            std::time::Duration::from_secs(self.max_token_lifetime_days.saturating_mul(86_400)),
        )
    }
}

impl ServerSecurity {
    /// Builds the security of a server from its flags: `--tls-cert` and `--tls-key` (PEM files),
    /// optionally `--client-ca` (PEM; clients must then present a certificate it signed), or
    /// `--plaintext`. Refuses to start with neither, with both, or with half a TLS pair. Plaintext
    /// and an unauthenticated verifier are logged as warnings.
    pub fn from_flags(
        flags: &SecurityFlags<'_>,
        verifier: Verifier,
        audit: AuditLog,
    ) -> Result<Self, BoxError> {
        let SecurityFlags {
            tls_cert,
            tls_key,
            client_ca,
            plaintext,
            limits,
            revoked_tokens_file,
            ..
        } = *flags;
        let read = |flag: &str, path: &Path| {
            std::fs::read(path)
                .map_err(|error| format!("cannot read {flag} {}: {error}", path.display()))
        };
        check_transport_flags(tls_cert, tls_key, client_ca, plaintext)?;
        limits.check()?;
        let tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => {
                let cert = read("--tls-cert", cert)?;
                let key = read("--tls-key", key)?;
                if !contains(&cert, b"-----BEGIN CERTIFICATE-----") {
                    return Err("--tls-cert holds no PEM certificate".into());
                }
                if !contains(&key, b"PRIVATE KEY-----") {
                    return Err("--tls-key holds no PEM private key".into());
                }
                let ca = match client_ca {
                    Some(ca) => {
                        let ca = read("--client-ca", ca)?;
                        if !contains(&ca, b"-----BEGIN CERTIFICATE-----") {
                            return Err("--client-ca holds no PEM certificate".into());
                        }
                        Some(ca)
                    }
                    None => None,
                };
                // Client authentication is required (not optional) once a CA is configured. The
                // files are parsed now, so that a key that does not match its certificate stops
                // the start-up with the flags named rather than at serve().
                let tls = ServerTls::from_pem(&cert, &key, ca.as_deref()).map_err(|error| {
                    format!(
                        "--tls-cert/--tls-key{}: {error}",
                        if client_ca.is_some() {
                            "/--client-ca"
                        } else {
                            ""
                        }
                    )
                })?;
                Some(tls)
            }
            // Plain text, as asked (the check above refuses anything else).
            _ => {
                tracing::warn!(
                    "serving without TLS (--plaintext): tokens and member data cross the network \
                     in clear; for local development only"
                );
                None
            }
        };
        if verifier.is_disabled() {
            tracing::warn!(
                "accepting calls without a token (--allow-unauthenticated): every caller is \
                 unrestricted; for local development only"
            );
        }
        Ok(Self {
            tls,
            verifier: Arc::new(verifier),
            audit,
            limits,
            revoked: Revocations::load(revoked_tokens_file)?,
        })
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Refuses transport flags that ask for neither TLS nor `--plaintext`, for both, for half of the
/// TLS pair, or for a client CA without TLS. Reads no file.
fn check_transport_flags(
    tls_cert: Option<&Path>,
    tls_key: Option<&Path>,
    client_ca: Option<&Path>,
    plaintext: bool,
) -> Result<(), BoxError> {
    match (tls_cert.is_some(), tls_key.is_some(), plaintext) {
        (true, true, true) => {
            Err("give either --tls-cert/--tls-key or --plaintext, not both".into())
        }
        (true, false, _) | (false, true, _) => Err("--tls-cert and --tls-key go together".into()),
        (false, false, true) if client_ca.is_some() => {
            Err("--client-ca needs --tls-cert and --tls-key".into())
        }
        (false, false, false) => Err("no transport security configured: give --tls-cert and \
             --tls-key (optionally --client-ca), or --plaintext for local development"
            .into()),
        _ => Ok(()),
    }
}

/// A generated gRPC server that accepts requests compressed with gzip or zstd and compresses its
/// answers with the encoding the caller asks for in `grpc-accept-encoding` (none when it asks
/// none).
#[macro_export]
macro_rules! compressed {
    ($server:expr) => {
        $server
            .accept_compressed(::tonic::codec::CompressionEncoding::Gzip)
            .accept_compressed(::tonic::codec::CompressionEncoding::Zstd)
            .send_compressed(::tonic::codec::CompressionEncoding::Gzip)
            .send_compressed(::tonic::codec::CompressionEncoding::Zstd)
    };
}

/// The message of a call refused because the server is running as many calls as it may.
pub const SERVER_FULL: &str =
    "máy chủ đang xử lý tối đa số lời gọi cho phép; hãy thử lại sau (server busy, retry later)";

/// The message of a call ended because it ran past the server's time limit.
pub const CALL_TOO_LONG: &str = "lời gọi chạy quá thời gian cho phép và đã bị dừng, không ghi gì (call took too long; nothing written)";

/// How long in-flight calls may run after shutdown is requested.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// Serves `routes` on `listener` together with health and reflection until `shutdown` is
/// cancelled. `service_names` are the fully qualified gRPC services served, reported by the
/// health check and listed by reflection; the first one also names the ErrorInfo domain of
/// UNAUTHENTICATED answers. `security` chooses TLS or plaintext and verifies the token of every
/// call except health and reflection.
///
/// While serving, `database` is probed every [`crate::health::DATABASE_PROBE_INTERVAL`]: health answers
/// NOT_SERVING while it does not answer, and SERVING again at the first probe that it does.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    service_names: &'static [&'static str],
    shutdown: CancellationToken,
    security: ServerSecurity,
    readiness: Option<Readiness>,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    set_health(&health, service_names, ServingStatus::Serving).await;
    if let Some(readiness) = readiness {
        tokio::spawn(follow_database(
            readiness,
            health.clone(),
            service_names,
            shutdown.clone(),
        ));
    }

    // The descriptor set holds both services' contracts; each server lists only what it serves,
    // health included, so that stock clients can call it by reflection.
    let reflection = || {
        service_names.iter().fold(
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(partyregistry_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
                .with_service_name("grpc.health.v1.Health"),
            |builder, name| builder.with_service_name(*name),
        )
    };
    let reflection_v1 = reflection().build_v1();
    let reflection_v1alpha = reflection().build_v1alpha();
    let mut routes = routes.add_service(health_service);
    // The descriptor set is compiled into the binary by the build script, so these only fail if
    // the build itself is broken; serve without reflection rather than not at all.
    match (reflection_v1, reflection_v1alpha) {
        (Ok(v1), Ok(v1alpha)) => routes = routes.add_service(v1).add_service(v1alpha),
        (Err(error), _) | (_, Err(error)) => tracing::error!(%error, "reflection disabled"),
    }

    let stop_signal = {
        let shutdown = shutdown.clone();
        async move {
            shutdown.cancelled().await;
            set_health(&health, service_names, ServingStatus::NotServing).await;
            tracing::info!(services = ?service_names, "shutting down");
        }
    };
    security.revoked.follow(shutdown.clone());
    let authenticate = AuthLayer {
        revoked: security.revoked,
        verifier: security.verifier,
        audit: security.audit.clone(),
        domain: error_domain(service_names).into(),
        capacity: Arc::new(Semaphore::new(security.limits.max_concurrent_calls)),
        call_timeout: security.limits.call_timeout,
        streams: Arc::new(Semaphore::new(security.limits.max_concurrent_streams)),
        streaming: Arc::new(streaming_paths(service_names)),
    };
    // gRPC-Web is translated to gRPC before authentication, so that both meet the same checks.
    let router = Server::builder()
        .accept_http1(true)
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(authenticate)
        .layer(ObserveLayer::new(service_label(service_names)))
        .add_routes(routes);
    let server: BoxFuture<Result<(), tonic::transport::Error>> = match security.tls {
        Some(tls) => Box::pin(
            router
                .serve_with_incoming_shutdown(tls.incoming(listener, security.audit), stop_signal),
        ),
        None => Box::pin(
            router.serve_with_incoming_shutdown(
                TcpListenerStream::new(listener)
                    .map(|connection| connection.inspect(send_without_delay)),
                stop_signal,
            ),
        ),
    };
    let deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(DRAIN_DEADLINE).await;
        tracing::warn!(services = ?service_names, "drain deadline passed; closing remaining calls");
    };
    tokio::select! {
        result = server => result,
        () = deadline => Ok(()),
    }
}

/// The ErrorInfo domain of a server, from its first service:
/// `partyregistry.membership.v1.MembershipService` → `membership.partyregistry`.
fn error_domain(service_names: &[&str]) -> String {
    match service_names
        .first()
        .map(|name| name.split('.').collect::<Vec<_>>())
    {
        Some(parts) if parts.len() > 2 => format!("{}.{}", parts[1], parts[0]),
        _ => "partyregistry".to_owned(),
    }
}

/// The short name of a service in logs and metrics: `membership` for
/// `partyregistry.membership.v1.MembershipService`.
fn service_label(service_names: &'static [&'static str]) -> &'static str {
    service_names
        .first()
        .and_then(|name| name.split('.').nth(1))
        .unwrap_or("partyregistry")
}

/// Paths served without a token: health checks and reflection (schemas only, no data).
fn is_open(path: &str) -> bool {
    [
        "/grpc.health.v1.Health/",
        "/grpc.reflection.v1.ServerReflection/",
        "/grpc.reflection.v1alpha.ServerReflection/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

/// The bearer token of a request: exactly one `authorization` header with the `Bearer` scheme
/// (any case). Several headers, another scheme or a non-ASCII value read as a bad token (`Err`).
fn bearer_of(headers: &http::HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::Unauthenticated(
            "the call carries more than one authorization header".into(),
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthenticated("the authorization header is not ASCII".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::Unauthenticated(
            "the authorization header is not a bearer token".into(),
        )),
    }
}

/// The tower layer that authenticates, admits and times every call; see the module documentation.
#[derive(Clone)]
struct AuthLayer {
    verifier: Arc<Verifier>,
    audit: AuditLog,
    domain: Arc<str>,
    /// One permit per call that may run at once.
    capacity: Arc<Semaphore>,
    /// The longest a call may run (a client's shorter `grpc-timeout` is applied by tonic).
    call_timeout: Duration,
    /// Token ids refused.
    revoked: Revocations,
    /// One permit per server stream that may be open at once.
    streams: Arc<Semaphore>,
    /// The paths of the server-streaming methods.
    streaming: Arc<HashSet<String>>,
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = Authenticate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authenticate {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`AuthLayer`] wraps around the routes.
#[derive(Clone)]
struct Authenticate<S> {
    inner: S,
    layer: AuthLayer,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S, B, ResBody> tower::Service<http::Request<B>> for Authenticate<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<Guarded<ResBody>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        if is_open(request.uri().path()) {
            return guarded(self.inner.call(request), None);
        }
        // Shed the call at once when the server is full: queueing it would only make every
        // waiting caller slower.
        let Ok(permit) = self.layer.capacity.clone().try_acquire_owned() else {
            tracing::debug!(method = %request.uri().path(), "server full: call refused");
            let status = ApiError::Unavailable(SERVER_FULL.into()).into_status(&self.layer.domain);
            return Box::pin(async move { Ok(status.into_http()) });
        };
        let verified = bearer_of(request.headers())
            .and_then(|bearer| self.layer.verifier.verify_claims(bearer.as_deref()))
            .and_then(|claims| self.layer.revoked.check(claims))
            .and_then(|claims| {
                let presented = client_certificate(request.extensions());
                crate::signing::check_binding(claims.cnf.as_ref(), presented).map(|()| claims)
            })
            .map(|claims| Caller::from_claims(&claims));
        match verified {
            Ok(caller) => {
                // A stream holds a stream permit for as long as it runs (in its body).
                let stream_permit = if self.layer.streaming.contains(request.uri().path()) {
                    match self.layer.streams.clone().try_acquire_owned() {
                        Ok(stream_permit) => Some(stream_permit),
                        Err(_) => {
                            tracing::debug!(method = %request.uri().path(), "too many streams: refused");
                            let status = ApiError::ResourceExhausted(STREAMS_FULL.into())
                                .into_status(&self.layer.domain);
                            return Box::pin(async move { Ok(status.into_http()) });
                        }
                    }
                } else {
                    None
                };
                let subject = caller.subject.clone();
                let method = request.uri().path().to_owned();
                request.extensions_mut().insert::<Caller>(caller);
                let call = self.inner.call(request);
                let layer = self.layer.clone();
                Box::pin(async move {
                    // Running out of time drops the handler's future, and with it any open
                    // transaction: nothing of the call is written.
                    let answered = tokio::time::timeout(layer.call_timeout, call).await;
                    drop(permit);
                    match answered {
                        Ok(response) => response.map(|response| {
                            undecodable_is_invalid(response, &layer.domain)
                                .map(|body| Guarded::new(body, stream_permit))
                        }),
                        Err(_) => {
                            let status = ApiError::DeadlineExceeded(CALL_TOO_LONG.into())
                                .into_status(&layer.domain);
                            // The handler's own audit entry went with it; this one is written in
                            // the background, as the database may be what held the call up.
                            let record = AuditRecord {
                                subject,
                                method,
                                resources: Vec::new(),
                                personal_fields: false,
                                outcome: code_name(status.code()).to_owned(),
                                detail: CALL_TOO_LONG.to_owned(),
                            };
                            tokio::spawn(async move { layer.audit.record(record).await });
                            Ok(status.into_http())
                        }
                    }
                })
            }
            Err(error) => {
                let method = request.uri().path().to_owned();
                let audit = self.layer.audit.clone();
                let status = error.into_status(&self.layer.domain);
                Box::pin(async move {
                    // A flood of bad tokens is bounded like any other call.
                    let _permit = permit;
                    audit
                        .record(AuditRecord {
                            subject: String::new(),
                            method,
                            resources: Vec::new(),
                            personal_fields: false,
                            outcome: code_name(status.code()).to_owned(),
                            detail: status.message().to_owned(),
                        })
                        .await;
                    Ok(status.into_http())
                })
            }
        }
    }
}

/// The leaf certificate (DER) the client presented on this call's connection, under TLS.
fn client_certificate(connection: &http::Extensions) -> Option<Vec<u8>> {
    let info = connection
        .get::<tonic::transport::server::TlsConnectInfo<tonic::transport::server::TcpConnectInfo>>(
        )?;
    info.peer_certs()?
        .first()
        .map(|leaf| leaf.as_ref().to_vec())
}

/// What tonic's decoder says of a request body that is not a message of the method: prost's
/// decode errors and a frame with an invalid compression flag.
const UNDECODABLE: [&str; 2] = [
    "failed to decode Protobuf message",
    "protocol error: received message with invalid compression flag",
];

/// The message of a call whose request body could not be decoded.
pub const UNDECODABLE_REQUEST: &str = "không giải mã được thông điệp của lời gọi (the request body is not a valid message of this method)";

/// tonic answers a request body it cannot decode with INTERNAL, which tells the client the
/// server failed and invites a retry of the same bytes. It is the caller's error: the answer
/// becomes INVALID_ARGUMENT with a `BadRequest` naming the request body. No handler ever answers
/// INTERNAL with these messages (ours say only "internal error").
fn undecodable_is_invalid<ResBody: Default>(
    response: http::Response<ResBody>,
    domain: &str,
) -> http::Response<ResBody> {
    let undecodable = tonic::Status::from_header_map(response.headers()).is_some_and(|status| {
        status.code() == tonic::Code::Internal
            && UNDECODABLE
                .iter()
                .any(|prefix| status.message().starts_with(prefix))
    });
    if !undecodable {
        return response;
    }
    tracing::debug!("undecodable request body refused");
    ApiError::invalid("request", UNDECODABLE_REQUEST)
        .into_status(domain)
        .into_http()
}

/// The inner service's answer with its body in a [`Guarded`] holding `stream_permit`.
fn guarded<F, ResBody, E>(
    call: F,
    stream_permit: Option<tokio::sync::OwnedSemaphorePermit>,
) -> BoxFuture<Result<http::Response<Guarded<ResBody>>, E>>
where
    F: Future<Output = Result<http::Response<ResBody>, E>> + Send + 'static,
    ResBody: Send + 'static,
{
    Box::pin(async move {
        call.await
            .map(|response| response.map(|body| Guarded::new(body, stream_permit)))
    })
}

/// Cancels `token` on Ctrl-C or SIGTERM.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut terminate =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(signal) => signal,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for SIGTERM");
                        let _ = ctrl_c.await;
                        token.cancel();
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {},
                _ = terminate.recv() => {},
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        token.cancel();
    });
}

#[cfg(test)]
mod tests {
    //! A server over TLS (and mutual TLS) with the audit service as the protected route, called
    //! through [`crate::client`] with and without a token.

    use partyregistry_proto::audit::v1 as audit_pb;
    use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
    use partyregistry_proto::audit::v1::audit_service_server::{AuditService, AuditServiceServer};
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose,
    };
    use sqlx::Executor;
    use tonic::Code;
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;
    use tonic_types::StatusExt;

    use super::*;
    use crate::audit::{AUDIT_CHAIN_SQL, AUDIT_TABLE_SQL};
    use crate::auth::{Claims, Right, caller, issue_jwt};
    use crate::client::{ClientSecurity, connect};

    const KEY: &[u8] = b"a test key of thirty-two bytes!!";
    const ISSUER: &str = "kit-test";
    const SERVICES: &[&str] = &["partyregistry.audit.v1.AuditService"];

    /// The audit service: needs Admin, answers the trail.
    struct Api(AuditLog);

    #[tonic::async_trait]
    impl AuditService for Api {
        async fn list_audit_entries(
            &self,
            request: tonic::Request<audit_pb::ListAuditEntriesRequest>,
        ) -> Result<tonic::Response<audit_pb::ListAuditEntriesResponse>, tonic::Status> {
            caller(&request)
                .require(Right::Admin)
                .map_err(|e| e.into_status("test"))?;
            self.0
                .list(request.get_ref())
                .await
                .map(tonic::Response::new)
                .map_err(|e| e.into_status("test"))
        }

        async fn verify_audit_trail(
            &self,
            request: tonic::Request<audit_pb::VerifyAuditTrailRequest>,
        ) -> Result<tonic::Response<audit_pb::VerifyAuditTrailResponse>, tonic::Status> {
            caller(&request)
                .require(Right::Admin)
                .map_err(|e| e.into_status("test"))?;
            self.0
                .verify()
                .await
                .map(|verified| tonic::Response::new(verified.to_proto()))
                .map_err(|e| e.into_status("test"))
        }
    }

    fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key generation"))
            .expect("CA certificate")
    }

    /// A certificate and key (PEM) signed by `issuer`.
    fn leaf(
        issuer: &CertifiedIssuer<'static, KeyPair>,
        name: &str,
        client: bool,
    ) -> (Vec<u8>, Vec<u8>) {
        let key = KeyPair::generate().expect("key generation");
        let mut params = CertificateParams::new(vec![name.to_owned()]).expect("valid name");
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![if client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        let cert = params.signed_by(&key, issuer).expect("leaf certificate");
        (cert.pem().into_bytes(), key.serialize_pem().into_bytes())
    }

    struct Running {
        url: String,
        shutdown: CancellationToken,
        server: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
        database: std::path::PathBuf,
    }

    impl Running {
        async fn stop(self) {
            self.shutdown.cancel();
            let _ = self.server.await;
            let _ = std::fs::remove_file(&self.database);
        }
    }

    async fn start(tls: ServerTls) -> Running {
        sqlx::any::install_default_drivers();
        let database = std::env::temp_dir().join(format!(
            "kit-server-{}-{}.db",
            std::process::id(),
            crate::db::now_micros()
        ));
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}?mode=rwc", database.display()))
            .await
            .expect("temporary SQLite database opens");
        pool.execute(AUDIT_TABLE_SQL).await.expect("audit DDL");
        pool.execute(AUDIT_CHAIN_SQL).await.expect("chain DDL");
        let audit = AuditLog::new(&crate::db::Database::new(pool, crate::db::Backend::Sqlite));
        let security = ServerSecurity {
            tls: Some(tls),
            verifier: Arc::new(Verifier::Jwt {
                key: crate::signing::VerificationKey::Shared(KEY.to_vec()),
                issuer: ISSUER.into(),
                audience: crate::auth::MEMBERSHIP_AUDIENCE.into(),
                max_lifetime: Duration::from_secs(86_400),
            }),
            audit: audit.clone(),
            limits: EdgeLimits::default(),
            revoked: Revocations::default(),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("bound address").port()
        );
        let routes = Routes::new(AuditServiceServer::new(Api(audit.clone())));
        let shutdown = CancellationToken::new();
        let server = tokio::spawn(serve(
            listener,
            routes,
            SERVICES,
            shutdown.clone(),
            security,
            None,
        ));
        Running {
            url,
            shutdown,
            server,
            database,
        }
    }

    fn admin_token() -> String {
        let now = chrono::Utc::now().timestamp();
        issue_jwt(
            &Claims {
                iss: ISSUER.into(),
                aud: vec![crate::auth::MEMBERSHIP_AUDIENCE.into()],
                sub: "admin-1".into(),
                exp: now + 600,
                iat: now,
                national: true,
                rights: vec![Right::Admin],
                ..Claims::default()
            },
            KEY,
        )
        .expect("valid claims")
    }

    async fn list(
        url: &str,
        security: &ClientSecurity,
    ) -> Result<Vec<audit_pb::AuditEntry>, tonic::Status> {
        let transport = connect(url, security)
            .await
            .map_err(|error| tonic::Status::unavailable(error.to_string()))?;
        AuditServiceClient::new(transport)
            .list_audit_entries(audit_pb::ListAuditEntriesRequest::default())
            .await
            .map(|response| response.into_inner().entries)
    }

    #[tokio::test]
    async fn tls_server_demands_a_token_and_audits_refusals() {
        let authority = ca("test CA");
        let (cert, key) = leaf(&authority, "127.0.0.1", false);
        let running = start(ServerTls::from_pem(&cert, &key, None).expect("TLS")).await;
        let ca_pem = authority.pem().into_bytes();
        let anonymous = ClientSecurity {
            ca_pem: Some(ca_pem.clone()),
            ..ClientSecurity::default()
        };

        // Health is open over TLS.
        let transport = connect(&running.url, &anonymous)
            .await
            .expect("TLS connects");
        let health = HealthClient::new(transport)
            .check(HealthCheckRequest {
                service: SERVICES[0].into(),
            })
            .await
            .expect("health needs no token");
        assert_eq!(health.into_inner().status, 1, "SERVING");

        // No token, a garbage token, a forged forwarding header: UNAUTHENTICATED with details.
        let status = list(&running.url, &anonymous).await.expect_err("no token");
        assert_eq!(status.code(), Code::Unauthenticated);
        let info = status.get_error_details().error_info().cloned();
        assert_eq!(
            info.map(|i| (i.reason, i.domain)),
            Some(("UNAUTHENTICATED".into(), "audit.partyregistry".into()))
        );
        let garbage = ClientSecurity {
            token: Some("not-a-jwt".into()),
            ..anonymous.clone()
        };
        assert_eq!(
            list(&running.url, &garbage)
                .await
                .expect_err("bad token")
                .code(),
            Code::Unauthenticated
        );
        let transport = connect(&running.url, &anonymous)
            .await
            .expect("TLS connects");
        let mut request = tonic::Request::new(audit_pb::ListAuditEntriesRequest::default());
        for header in ["x-forwarded-for", "x-real-ip", "x-forwarded-user"] {
            request
                .metadata_mut()
                .insert(header, "127.0.0.1".parse().expect("ASCII"));
        }
        let status = AuditServiceClient::new(transport)
            .list_audit_entries(request)
            .await
            .expect_err("forwarding headers are not credentials");
        assert_eq!(status.code(), Code::Unauthenticated);

        // A valid token: OK, and the three refusals are in the trail.
        let admin = ClientSecurity {
            token: Some(admin_token()),
            ..anonymous.clone()
        };
        let entries = list(&running.url, &admin).await.expect("admin token");
        assert_eq!(entries.len(), 3);
        for entry in &entries {
            assert_eq!(entry.outcome, "UNAUTHENTICATED");
            assert_eq!(
                entry.method,
                "/partyregistry.audit.v1.AuditService/ListAuditEntries"
            );
            assert_eq!(entry.subject, "");
        }

        // The handler sees the verified caller: a valid token without the admin right is denied.
        let now = chrono::Utc::now().timestamp();
        let reader = issue_jwt(
            &Claims {
                iss: ISSUER.into(),
                aud: vec![crate::auth::MEMBERSHIP_AUDIENCE.into()],
                sub: "reader-1".into(),
                exp: now + 600,
                national: true,
                rights: vec![Right::Records, Right::Personal],
                ..Claims::default()
            },
            KEY,
        )
        .expect("valid claims");
        let reader = ClientSecurity {
            token: Some(reader),
            ..anonymous.clone()
        };
        assert_eq!(
            list(&running.url, &reader)
                .await
                .expect_err("not admin")
                .code(),
            Code::PermissionDenied
        );

        // Plaintext against a TLS server, or TLS trusting another CA, never gets an answer.
        let plain = ClientSecurity {
            token: Some(admin_token()),
            ..ClientSecurity::default()
        };
        assert!(list(&running.url, &plain).await.is_err());
        let stranger = ClientSecurity {
            ca_pem: Some(ca("other CA").pem().into_bytes()),
            token: Some(admin_token()),
            ..ClientSecurity::default()
        };
        assert!(list(&running.url, &stranger).await.is_err());
        running.stop().await;
    }

    #[tokio::test]
    async fn mutual_tls_refuses_clients_without_a_certificate_of_the_ca() {
        let authority = ca("test CA");
        let clients = ca("client CA");
        let rogue = ca("rogue CA");
        let (cert, key) = leaf(&authority, "127.0.0.1", false);
        let running = start(
            ServerTls::from_pem(&cert, &key, Some(clients.pem().as_bytes())).expect("mutual TLS"),
        )
        .await;
        let base = ClientSecurity {
            ca_pem: Some(authority.pem().into_bytes()),
            token: Some(admin_token()),
            identity: None,
        };
        assert!(list(&running.url, &base).await.is_err(), "no certificate");
        let forged = ClientSecurity {
            identity: Some(leaf(&rogue, "reporting", true)),
            ..base.clone()
        };
        assert!(list(&running.url, &forged).await.is_err(), "another CA");
        let good = ClientSecurity {
            identity: Some(leaf(&clients, "reporting", true)),
            ..base.clone()
        };
        list(&running.url, &good)
            .await
            .expect("certificate of the client CA");
        // Both refused handshakes are in the trail; the server records them as the handshake
        // fails, which the client may notice first.
        let mut refused = Vec::new();
        for _ in 0..100 {
            refused = list(&running.url, &good)
                .await
                .expect("the trail")
                .into_iter()
                .filter(|entry| entry.method == crate::tls::TLS_HANDSHAKE)
                .collect();
            if refused.len() >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let mut reasons: Vec<&str> = refused.iter().map(|e| e.detail.as_str()).collect();
        reasons.sort();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("presented no certificate")),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("not issued by the configured CA")),
            "{reasons:?}"
        );
        assert!(
            refused
                .iter()
                .all(|e| e.outcome == "UNAUTHENTICATED" && e.subject.is_empty())
        );
        running.stop().await;
    }

    #[tokio::test]
    async fn a_bound_token_passes_only_with_its_client_certificate() {
        let authority = ca("test CA");
        let clients = ca("client CA");
        let (cert, key) = leaf(&authority, "127.0.0.1", false);
        let running = start(
            ServerTls::from_pem(&cert, &key, Some(clients.pem().as_bytes())).expect("mutual TLS"),
        )
        .await;
        let holder = leaf(&clients, "province-15", true);
        let other = leaf(&clients, "province-16", true);
        let now = chrono::Utc::now().timestamp();
        let bound = issue_jwt(
            &Claims {
                iss: ISSUER.into(),
                aud: vec![crate::auth::MEMBERSHIP_AUDIENCE.into()],
                sub: "province-15".into(),
                exp: now + 600,
                iat: now,
                national: true,
                rights: vec![Right::Admin],
                cnf: Some(
                    crate::signing::Confirmation::of_certificate_pem(&holder.0)
                        .expect("a PEM certificate"),
                ),
                ..Claims::default()
            },
            KEY,
        )
        .expect("valid claims");
        let client = |identity| ClientSecurity {
            ca_pem: Some(authority.pem().into_bytes()),
            token: Some(bound.clone()),
            identity: Some(identity),
        };
        list(&running.url, &client(holder.clone()))
            .await
            .expect("the certificate the token is bound to");
        let refused = list(&running.url, &client(other))
            .await
            .expect_err("another certificate of the same CA");
        assert_eq!(refused.code(), tonic::Code::Unauthenticated);
        assert_eq!(refused.message(), crate::signing::TOKEN_BOUND_ELSEWHERE);
        running.stop().await;
    }

    #[test]
    fn from_flags_refuses_unsafe_or_ambiguous_transport() {
        let dir = std::env::temp_dir().join(format!("kit-flags-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir is writable");
        let authority = ca("test CA");
        let (cert, key) = leaf(&authority, "localhost", false);
        let (cert_path, key_path, ca_path) = (
            dir.join("cert.pem"),
            dir.join("key.pem"),
            dir.join("ca.pem"),
        );
        std::fs::write(&cert_path, cert).expect("write");
        std::fs::write(&key_path, key).expect("write");
        std::fs::write(&ca_path, authority.pem()).expect("write");

        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let _guard = runtime.enter();
        sqlx::any::install_default_drivers();
        // A lazy pool never connects in this test.
        let audit = AuditLog::new(&crate::db::Database::new(
            sqlx::any::AnyPoolOptions::new()
                .connect_lazy("sqlite::memory:")
                .expect("lazy pool"),
            crate::db::Backend::Sqlite,
        ));
        let flags = |tls_cert: Option<&Path>,
                     tls_key: Option<&Path>,
                     client_ca: Option<&Path>,
                     plaintext: bool| {
            let flags = SecurityFlags {
                tls_cert,
                tls_key,
                client_ca,
                plaintext,
                ..SecurityFlags::default()
            };
            ServerSecurity::from_flags(&flags, Verifier::Disabled, audit.clone())
        };
        let error = flags(None, None, None, false)
            .expect_err("neither")
            .to_string();
        assert!(
            error.contains("--tls-cert") && error.contains("--plaintext"),
            "{error}"
        );
        assert!(flags(Some(&cert_path), None, None, false).is_err());
        assert!(flags(Some(&cert_path), Some(&key_path), None, true).is_err());
        assert!(flags(None, None, Some(&ca_path), true).is_err());
        assert!(flags(Some(&key_path), Some(&cert_path), None, false).is_err());
        // A key that does not belong to the certificate is refused at start-up.
        let other_key = dir.join("other-key.pem");
        std::fs::write(&other_key, leaf(&authority, "localhost", false).1).expect("write");
        let error = flags(Some(&cert_path), Some(&other_key), None, false)
            .expect_err("mismatched key")
            .to_string();
        assert!(error.starts_with("--tls-cert/--tls-key"), "{error}");
        assert!(
            flags(Some(&cert_path), Some(&key_path), Some(&ca_path), false)
                .expect("TLS")
                .tls
                .is_some()
        );
        assert!(
            flags(None, None, None, true)
                .expect("plaintext")
                .tls
                .is_none()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bearer_headers_are_read_strictly() {
        let mut headers = http::HeaderMap::new();
        assert!(matches!(bearer_of(&headers), Ok(None)));
        headers.insert("authorization", "bearer abc".parse().expect("ASCII"));
        assert_eq!(bearer_of(&headers).ok().flatten().as_deref(), Some("abc"));
        headers.insert("authorization", "Basic abc".parse().expect("ASCII"));
        assert!(bearer_of(&headers).is_err());
        headers.insert("authorization", "Bearer a".parse().expect("ASCII"));
        headers.append("authorization", "Bearer b".parse().expect("ASCII"));
        assert!(bearer_of(&headers).is_err());
        assert!(is_open("/grpc.health.v1.Health/Check"));
        assert!(!is_open("/grpc.health.v1.HealthX/Check"));
        assert!(!is_open(
            "/partyregistry.audit.v1.AuditService/ListAuditEntries"
        ));
        assert_eq!(
            error_domain(&["partyregistry.membership.v1.MembershipService"]),
            "membership.partyregistry"
        );
    }
}
