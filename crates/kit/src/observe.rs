//! What an operator sees of a running service: one access line per call at `info` (method, gRPC
//! status, latency, caller subject, request id, trace id — never a request's content), and
//! Prometheus metrics served on a port of their own.
//!
//! Metrics (`partyregistry_*`, each labelled with the service):
//! - `calls_total{method, code}` and `call_seconds{method}` (a histogram) for every call that
//!   passed authentication (refusals before it are in the audit trail), `calls_in_flight`;
//! - `feed_head_sequence` (membership: the head as its feed streams last read it),
//!   `feed_applied_sequence`, `feed_lag_events`, `feed_lag_seconds`, `feed_applied_total`
//!   (reporting: what it applied, how far behind the announced head it is, and since when);
//! - `db_connections{state}` (in use and idle) for each service's pool.
//!
//! A server stream is timed to its first answer and counted then; its end is not seen here.
//! Both services may run in one process (`partyctl dev`, the tests): they share the process's
//! registry, and each endpoint serves all of it, told apart by the `service` label.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::codegen::http;

use crate::audit::code_name;
use crate::auth::Caller;
use crate::db::Database;

/// Upper bounds of the latency histograms, in seconds: from a cached read to the longest call a
/// server allows.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// How often each service's pool use is sampled.
const POOL_SAMPLE_EVERY: Duration = Duration::from_secs(5);

static REGISTRY: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's metrics registry, installed on first use; `None` when another recorder was
/// installed first (then nothing is recorded here and the endpoint says so).
pub fn registry() -> Option<&'static PrometheusHandle> {
    REGISTRY
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::error!(%error, "metrics registry not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Serves the metrics on `listener` (`GET /metrics`, Prometheus text format) until `shutdown`.
pub async fn serve_metrics(listener: TcpListener, shutdown: CancellationToken) {
    let Some(registry) = registry() else {
        return;
    };
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "metrics endpoint listening");
    }
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((connection, _)) = accepted else {
            continue;
        };
        tokio::spawn(async move {
            let answer = hyper::service::service_fn(|request: http::Request<_>| async move {
                let (status, body) = if request.uri().path() == "/metrics" {
                    (http::StatusCode::OK, registry.render())
                } else {
                    (http::StatusCode::NOT_FOUND, "see /metrics\n".to_owned())
                };
                http::Response::builder()
                    .status(status)
                    .header("content-type", "text/plain; version=0.0.4")
                    .body(body)
            });
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(connection), answer)
                .await;
            if let Err(error) = served {
                tracing::debug!(%error, "metrics connection ended");
            }
        });
    }
}

/// Starts the metrics of `service` when `listen` is given: its endpoint there and the sampling
/// of its pool, both until `shutdown`. Binding now makes a taken port fail the start.
pub async fn start_metrics(
    service: &'static str,
    listen: Option<SocketAddr>,
    database: &Database,
    shutdown: &CancellationToken,
) -> std::io::Result<()> {
    let Some(address) = listen else {
        return Ok(());
    };
    let listener = TcpListener::bind(address).await?;
    tokio::spawn(serve_metrics(listener, shutdown.clone()));
    tokio::spawn(sample_pool(service, database.clone(), shutdown.clone()));
    Ok(())
}

/// Samples the use of a service's connection pool every few seconds until `shutdown`.
async fn sample_pool(service: &'static str, database: Database, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(POOL_SAMPLE_EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        let (in_use, idle) = database.pool_use();
        metrics::gauge!("partyregistry_db_connections", "service" => service, "state" => "idle")
            .set(idle as f64);
        metrics::gauge!("partyregistry_db_connections", "service" => service, "state" => "in_use")
            .set(in_use as f64);
    }
}

/// The tower layer that logs and measures every call; see the module documentation.
#[derive(Debug, Clone, Copy)]
pub struct ObserveLayer {
    service: &'static str,
}

impl ObserveLayer {
    /// Observes the calls of `service` (a short name such as `membership`).
    pub fn new(service: &'static str) -> Self {
        Self { service }
    }
}

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Observe {
            inner,
            service: self.service,
        }
    }
}

/// The service [`ObserveLayer`] wraps around the routes.
#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
    service: &'static str,
}

/// The trace id of a W3C `traceparent` header (`00-<trace id>-<parent id>-<flags>`).
fn trace_id(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get("traceparent")?.to_str().ok()?;
    let trace = value.split('-').nth(1)?;
    (trace.len() == 32 && trace.bytes().all(|b| b.is_ascii_hexdigit())).then(|| trace.to_owned())
}

/// A header's value when it is short printable text; anything else is not logged.
fn printable_header(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    (value.len() <= 100 && value.bytes().all(|b| b.is_ascii_graphic())).then(|| value.to_owned())
}

/// The gRPC status of an answer as far as its head tells: a trailers-only answer (every error a
/// handler returns) carries it there; an answer with a body ends with OK unless its stream fails.
fn status_of(headers: &http::HeaderMap) -> Code {
    headers
        .get("grpc-status")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<i32>().ok())
        .map_or(Code::Ok, Code::from_i32)
}

impl<S, B, ResBody> tower::Service<http::Request<B>> for Observe<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let service = self.service;
        let method = request.uri().path().to_owned();
        let subject = request
            .extensions()
            .get::<Caller>()
            .map(|caller| caller.subject.clone());
        let request_id = printable_header(request.headers(), "x-request-id");
        let trace = trace_id(request.headers());
        let span = crate::telemetry::server_span(&method, request.headers());
        let started = Instant::now();
        let in_flight = metrics::gauge!("partyregistry_calls_in_flight", "service" => service);
        in_flight.increment(1.0);
        // The handler's future is made and run inside the call's span, so that its own spans and
        // the calls it makes belong to the caller's trace.
        let call = span.in_scope(|| self.inner.call(request));
        let traced = span.clone();
        Box::pin(tracing::Instrument::instrument(
            async move {
                let answered = call.await;
                in_flight.decrement(1.0);
                let elapsed = started.elapsed();
                let code = match &answered {
                    Ok(response) => status_of(response.headers()),
                    Err(_) => Code::Internal,
                };
                traced.record("rpc.grpc.status_code", code as i32);
                metrics::counter!(
                    "partyregistry_calls_total",
                    "service" => service,
                    "method" => method.clone(),
                    "code" => code_name(code),
                )
                .increment(1);
                metrics::histogram!(
                    "partyregistry_call_seconds",
                    "service" => service,
                    "method" => method.clone(),
                )
                .record(elapsed.as_secs_f64());
                tracing::info!(
                    target: "access",
                    service,
                    method,
                    code = code_name(code),
                    latency_ms = elapsed.as_secs_f64() * 1000.0,
                    subject = subject.as_deref().unwrap_or("-"),
                    request_id = request_id.as_deref().unwrap_or("-"),
                    trace_id = trace.as_deref().unwrap_or("-"),
                    "call"
                );
                answered
            },
            span,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trace_id_is_read_from_a_well_formed_traceparent_only() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(trace_id(&headers), None);
        headers.insert(
            "traceparent",
            http::HeaderValue::from_static(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
        );
        assert_eq!(
            trace_id(&headers).as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        headers.insert("traceparent", http::HeaderValue::from_static("00-xyz-1-01"));
        assert_eq!(trace_id(&headers), None);
    }

    #[test]
    fn the_status_comes_from_a_trailers_only_answer() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(status_of(&headers), Code::Ok);
        headers.insert("grpc-status", http::HeaderValue::from_static("5"));
        assert_eq!(status_of(&headers), Code::NotFound);
    }
}
