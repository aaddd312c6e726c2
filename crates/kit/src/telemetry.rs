//! Distributed traces: every call a service serves is a span, exported over OTLP/gRPC to an
//! OpenTelemetry collector (`--otlp-endpoint`, or the standard `OTEL_EXPORTER_OTLP_ENDPOINT`), and
//! W3C trace context (`traceparent`, `tracestate`) crosses every hop:
//!
//! - a server span continues the trace of the `traceparent` its caller sent (an integrator's
//!   trace reaches into the services), or starts one;
//! - every call a service or the CLI makes through [`crate::client`] carries the context of the
//!   span it is made in, so the reporting service's feed follower and the membership stream it
//!   reads are one trace.
//!
//! Without an endpoint nothing is exported and nothing is injected: spans stay local to the logs.

use std::collections::{HashMap, HashSet};

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tonic::codegen::http;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::BoxError;

/// The exporter of one process; [`Traces::shutdown`] sends what is still buffered.
#[derive(Debug, Clone)]
pub struct Traces {
    provider: SdkTracerProvider,
}

impl Traces {
    /// A batch exporter to the collector at `endpoint` (`http://host:4317`), naming the process
    /// `service_name` (the resource attribute `service.name`). Needs a Tokio runtime.
    pub fn to_collector(endpoint: &str, service_name: &str) -> Result<Self, BoxError> {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint)
            .build()
            .map_err(|error| format!("--otlp-endpoint {endpoint}: {error}"))?;
        let resource = opentelemetry_sdk::Resource::builder()
            .with_service_name(service_name.to_owned())
            .build();
        let provider = SdkTracerProvider::builder()
            .with_resource(resource)
            .with_batch_exporter(exporter)
            .build();
        Ok(Self { provider })
    }

    /// The `tracing` layer that turns spans into OpenTelemetry spans of this exporter.
    pub fn layer<S>(&self) -> impl tracing_subscriber::Layer<S> + use<S>
    where
        S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("partyregistry"))
    }

    /// Sends every finished span still buffered.
    pub fn flush(&self) -> Result<(), BoxError> {
        Ok(self.provider.force_flush()?)
    }

    /// Sends what is buffered and stops the exporter (at the end of `main`).
    pub fn shutdown(&self) {
        if let Err(error) = self.provider.shutdown() {
            tracing::warn!(%error, "the trace exporter did not shut down cleanly");
        }
    }
}

/// Installs the tracing subscriber once: human-readable by default, JSON lines when `json` is set,
/// and spans exported to an OpenTelemetry collector when `traces` is given. `RUST_LOG` overrides
/// the `info` default.
pub fn init_tracing(json: bool, traces: Option<&crate::telemetry::Traces>) {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to standard error, so that a command's own output on standard out stays clean.
    // Colours only on a terminal: a redirected log stays plain text.
    let lines = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let lines = if json {
        lines.json().boxed()
    } else {
        lines.boxed()
    };
    // try_init fails only when a subscriber is already installed (tests, the dev command); keeping
    // the existing one is right.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(traces.map(crate::telemetry::Traces::layer))
        .try_init();
}

/// The span of one served call, continuing the trace its caller sent in `headers`.
pub fn server_span(method: &str, headers: &http::HeaderMap) -> tracing::Span {
    let (service, rpc) = split_method(method);
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %method.trim_start_matches('/'),
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.service = %service,
        rpc.method = %rpc,
        rpc.grpc.status_code = tracing::field::Empty,
    );
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    // Without an exporter the span is not an OpenTelemetry span and this changes nothing.
    let _ = span.set_parent(parent);
    span
}

/// Writes the trace context of the current span into an outgoing call's metadata (nothing when
/// no exporter is installed, or outside any span).
pub fn inject_current(metadata: &mut tonic::metadata::MetadataMap) {
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut MetadataInjector(metadata));
}

/// The W3C `traceparent` of the current span; empty when no exporter is installed or outside any
/// span. Stored with what a call writes, so that whoever processes it later can join its trace.
pub fn current_trace_parent() -> String {
    let context = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove("traceparent").unwrap_or_default()
}

/// At most this many writes are linked from one follower span: the SDK's default limit of links
/// per span, beyond which it would drop them anyway.
const MAX_LINKED_WRITES: usize = 128;

/// The span of a follower's work on changes other calls wrote (`trace_parents`, each change's
/// [`current_trace_parent`] at its write): a child of the first write's trace — so that a single
/// write and its processing share one trace id — and linked to every other write's. Empty and
/// malformed contexts are passed over.
pub fn follower_span<'a>(trace_parents: impl IntoIterator<Item = &'a str>) -> tracing::Span {
    let span = tracing::info_span!("feed.apply", otel.kind = "consumer");
    let propagator = TraceContextPropagator::new();
    let mut seen = HashSet::new();
    for trace_parent in trace_parents {
        if trace_parent.is_empty() || !seen.insert(trace_parent) {
            continue;
        }
        let carrier = HashMap::from([("traceparent".to_owned(), trace_parent.to_owned())]);
        let context = propagator.extract(&carrier);
        let write = context.span().span_context().clone();
        if !write.is_valid() {
            continue;
        }
        if seen.len() == 1 {
            let _ = span.set_parent(context);
        } else {
            span.add_link(write);
        }
        if seen.len() > MAX_LINKED_WRITES {
            break;
        }
    }
    span
}

/// `/package.Service/Method` → (`package.Service`, `Method`).
fn split_method(path: &str) -> (&str, &str) {
    let path = path.trim_start_matches('/');
    path.split_once('/').unwrap_or((path, ""))
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        let key = tonic::metadata::MetadataKey::from_bytes(key.as_bytes());
        if let (Ok(key), Ok(value)) = (key, value.parse()) {
            self.0.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_split_into_service_and_rpc() {
        assert_eq!(
            split_method("/partyregistry.membership.v1.MembershipService/GetMember"),
            ("partyregistry.membership.v1.MembershipService", "GetMember")
        );
        assert_eq!(split_method("odd"), ("odd", ""));
    }

    #[test]
    fn without_an_exporter_there_is_no_trace_parent_to_store() {
        assert_eq!(current_trace_parent(), "");
    }

    #[test]
    fn outside_any_traced_span_nothing_is_injected() {
        let mut metadata = tonic::metadata::MetadataMap::new();
        inject_current(&mut metadata);
        assert!(metadata.get("traceparent").is_none());
    }
}
