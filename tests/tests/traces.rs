//! Traces across the hop: with an OTLP endpoint, a call's span continues the trace of the
//! `traceparent` its caller sent, the reporting service's feed subscription and the membership
//! stream that serves it are one trace, and a `partyctl` run, the write it makes and reporting's
//! apply of that write share one trace id — seen by an OTLP collector run here.
//!
//! A binary of its own: the exporter is part of the process's one tracing subscriber. Traces do
//! not touch the database, so the pair runs on SQLite only.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::Span;
use partyregistry_kit::BoxError;
use partyregistry_kit::telemetry::Traces;
use partyregistry_proto::reporting::v1::GetFreshnessRequest;
use partyregistry_tests::{Backend, Pair};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

/// An OTLP trace collector that keeps every span it receives.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let spans = request
            .into_inner()
            .resource_spans
            .into_iter()
            .flat_map(|resource| resource.scope_spans)
            .flat_map(|scope| scope.spans);
        self.0
            .lock()
            .map_err(|_| tonic::Status::internal("poisoned"))?
            .extend(spans);
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

impl Collector {
    fn spans(&self) -> Vec<Span> {
        self.0.lock().map(|spans| spans.clone()).unwrap_or_default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_callers_trace_continues_into_reporting_and_the_feed_hop_is_one_trace()
-> Result<(), BoxError> {
    let collector = Collector::default();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let traces = Traces::to_collector(&endpoint, "partyregistry-tests")?;
    partyregistry_kit::telemetry::init_tracing(false, Some(&traces));

    let mut pair = Pair::start(Backend::Sqlite, "traces").await?;
    pair.caught_up().await?;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_id = "00f067aa0ba902b7";
    let mut request = tonic::Request::new(GetFreshnessRequest::default());
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-{parent_id}-01").parse()?,
    );
    pair.reports.get_freshness(request).await?;

    // A write made by partyctl, and its projection by reporting, in the trace of that run.
    let cli_trace_id = "0af7651916cd43dd8448eb211c80319c";
    let cli_parent_id = "b7ad6b7169203331";
    let written = pair
        .partyctl(
            env!("CARGO_BIN_EXE_partyctl-e2e"),
            &[
                "--traceparent",
                &format!("00-{cli_trace_id}-{cli_parent_id}-01"),
                "communes",
                "create",
                "--code",
                "02680",
                "--display-name",
                "Xã Hợp Thành",
                "--province-code",
                "10",
                "--valid-from",
                "2000-01-01",
            ],
        )
        .await?;
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    pair.caught_up().await?;
    // Streams end, and their spans with them, when the services stop.
    pair.finish().await?;

    let mut spans = Vec::new();
    for _ in 0..100 {
        traces.flush()?;
        spans = collector.spans();
        let served = spans
            .iter()
            .any(|span| span.name.ends_with("/GetFreshness"));
        let streamed = spans
            .iter()
            .any(|span| span.name.ends_with("/WatchChanges"));
        let applied = spans.iter().any(|span| span.name == "feed.apply");
        if served && streamed && applied {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let names: Vec<&str> = spans.iter().map(|span| span.name.as_str()).collect();

    // The harness asked for freshness too (waiting for the feed), in traces of its own.
    let continued = spans.iter().any(|span| {
        span.name == "partyregistry.reporting.v1.ReportingService/GetFreshness"
            && hex(&span.trace_id) == trace_id
            && hex(&span.parent_span_id) == parent_id
    });
    assert!(
        continued,
        "GetFreshness continues the caller's trace: {names:?}"
    );

    let subscriptions: Vec<&Span> = spans
        .iter()
        .filter(|span| span.name == "feed.subscribe")
        .collect();
    let streams: Vec<&Span> = spans
        .iter()
        .filter(|span| span.name == "partyregistry.membership.v1.MembershipService/WatchChanges")
        .collect();
    assert!(
        streams
            .iter()
            .any(|stream| subscriptions.iter().any(|subscription| {
                subscription.trace_id == stream.trace_id
                    && subscription.span_id == stream.parent_span_id
            })),
        "membership's stream is a child of reporting's subscription: {names:?}"
    );
    traces.shutdown();
    let writes: Vec<&Span> = spans
        .iter()
        .filter(|span| {
            span.name == "partyregistry.membership.v1.MembershipService/CreateCommune"
                && hex(&span.trace_id) == cli_trace_id
                && hex(&span.parent_span_id) == cli_parent_id
        })
        .collect();
    assert_eq!(
        writes.len(),
        1,
        "membership's write continues the trace of the partyctl run: {names:?}"
    );
    assert!(
        spans.iter().any(|span| span.name == "feed.apply"
            && hex(&span.trace_id) == cli_trace_id
            && span.parent_span_id == writes[0].span_id),
        "reporting's apply of the written change is a child of the write: {names:?}"
    );
    Ok(())
}
