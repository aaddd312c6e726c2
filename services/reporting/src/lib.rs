//! The reporting service: a read model that follows the membership service's change feed into its
//! own database and answers a provincial office's questions for any date.
//!
//! # Layout
//! - [`config`]: flags and environment.
//! - [`projection`]: what a feed change means for the projection (rows, roll periods per cell),
//!   plain Rust.
//! - [`store`]: sqlx storage on SQLite or PostgreSQL: applying changes with the cursor in one
//!   transaction, reading grouped report facts in one snapshot.
//! - [`consumer`]: follows `WatchChanges` from the stored cursor, reconnecting with backoff.
//! - [`reports`]: the report arithmetic (age bands, averages, collation order, freshness), plain
//!   Rust.
//! - [`admission_reports`]: the admission-pipeline reports (progress against the target,
//!   pipeline, ratings, cell health, deadlines, the monthly briefing), plain Rust over the rules
//!   of `partyregistry_rules`.
//! - [`units`]: which communes a scope (commune, province, country) counts on a day, through the
//!   units' validity and the recorded merges, plain Rust.
//! - [`statistics`]: the provincial statistics (breakdowns, reconciled movements, rankings) over
//!   the statistics roll, plain Rust.
//! - [`badges`]: party-badge milestones and the award rounds members are due at, plain Rust.
//! - [`export`]: any report as a CSV file or an XLSX workbook, streamed.
//! - [`grpc`]: the thin `ReportingApi` handlers.
//!
//! Does not own: any write to membership data (the feed is the only input), authentication, or
//! membership's database (never shared).

pub mod admission_reports;
pub mod badges;
pub mod config;
pub mod consumer;
pub mod export;
pub mod grpc;
pub mod projection;
pub mod reports;
pub mod statistics;
pub mod store;
pub mod units;

use std::sync::Arc;

use partyregistry_kit::{BoxError, db, server};
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::Config;

/// The fully qualified gRPC service name, as reported by the health check.
pub const SERVICE_NAME: &str = "partyregistry.reporting.v1.ReportingService";

/// The embedded migrations: one SQL text for SQLite and PostgreSQL.
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!();

/// Opens the projection database, starts following the membership feed, and serves reports on
/// `listener` until `shutdown` is cancelled; then stops the consumer (which commits what it has
/// applied) and closes the database.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), BoxError> {
    let database = db::connect(&config.database_url, &MIGRATIONS).await?;
    tracing::info!(address = %listener.local_addr()?, backend = ?database.backend, "reporting service listening");
    let store = store::Store::new(database);
    let feed = Arc::new(consumer::FeedState::from_cursor(&store.cursor().await?));

    // A child token: the consumer stops with the service, and also if serving fails on its own.
    let consumer_stop = shutdown.child_token();
    let consumer = consumer::Consumer::new(store.clone(), feed.clone(), config.membership_url);
    let consumer_task = tokio::spawn(consumer.run(consumer_stop.clone()));

    let api = grpc::ReportingApi::new(store.clone(), feed);
    let routes = tonic::service::Routes::new(ReportingServiceServer::new(api));
    let served = server::serve(listener, routes, &[SERVICE_NAME], shutdown).await;

    consumer_stop.cancel();
    if let Err(error) = consumer_task.await {
        tracing::error!(%error, "feed consumer task failed");
    }
    store.close().await;
    served?;
    Ok(())
}
