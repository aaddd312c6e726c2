//! Starts the reporting service from flags and environment.

use clap::Parser;
use partyregistry_kit::server;
use partyregistry_reporting::{Config, run};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> Result<(), partyregistry_kit::BoxError> {
    let config = Config::parse();
    server::init_tracing(config.json_logs);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let shutdown = CancellationToken::new();
    server::cancel_on_signal(shutdown.clone());
    run(config, listener, shutdown).await
}
