//! Starts the membership service from flags and environment.

use clap::Parser;
use partyregistry_kit::server;
use partyregistry_kit::telemetry::Traces;
use partyregistry_membership::{Config, run};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> Result<(), partyregistry_kit::BoxError> {
    let config = Config::parse();
    let traces = config
        .otlp_endpoint
        .as_deref()
        .map(|endpoint| Traces::to_collector(endpoint, "partyregistry-membership"))
        .transpose()?;
    partyregistry_kit::telemetry::init_tracing(config.json_logs, traces.as_ref());
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let shutdown = CancellationToken::new();
    server::cancel_on_signal(shutdown.clone());
    let served = run(config, listener, shutdown).await;
    // The spans of the last calls are still buffered.
    if let Some(traces) = traces {
        traces.shutdown();
    }
    served
}
