//! The reporting service: a read model that follows the membership service's change feed into its
//! own database and answers a provincial office's questions for any date.
//!
//! # Layout
//! The crate is built in floors; a module uses only its own floor and the floors below, never
//! one above, so that no two modules import each other:
//!
//! ```text
//!   grpc (api, service, request, error, access, export)           the gRPC edge
//!      |            \
//!   report           ingest (consumer, projection)             figures | following the feed
//!      |                 |
//!      |               store                                   SQL
//!      |                 |
//!   model (rows, stint, candidate, admission, commune, history, units, feed, vocabulary)
//! ```
//!
//! - [`grpc`]: the edge. [`grpc::api::ReportingApi`] validates a request, reads the facts from
//!   the store in one snapshot and hands them to the report; [`grpc::service`] implements the
//!   generated traits, every call through [`grpc::access`] (who may read what: the table the
//!   kit's gate checks, small-cell suppression, the audit entries); [`grpc::request`] and
//!   [`grpc::error`] read request fields and shape the errors; [`grpc::export`] writes any report
//!   as a CSV file or an XLSX workbook, streamed.
//! - [`report`]: the report arithmetic, plain Rust over [`model`] facts, building `reporting.v1`
//!   messages and never reading `membership.v1`: the commune report, the admission pipeline,
//!   deadlines, units on a day, the provincial statistics, party badges.
//! - [`ingest`]: [`ingest::consumer`] follows `WatchChanges` from the stored cursor, reconnecting
//!   with backoff; [`ingest::projection`] reads each change of the contract into reporting's own
//!   rows, the one place where the projection meets `membership.v1`.
//! - [`store`]: sqlx storage on SQLite or PostgreSQL: applying projected rows with the cursor in
//!   one transaction, reading grouped report facts in one snapshot; tables hold reporting's own
//!   columns, never the feed's messages.
//! - [`model`]: the bottom floor, plain data: the rows a change writes, members' stints, the
//!   facts the store reads for each report, and how reporting spells its enums.
//! - [`config`]: flags and environment.
//!
//! Tests live beside the code of each floor; the feed-to-answer tests that cross every floor
//! (`conformance`, on SQLite and PostgreSQL) sit above all of them, like the `testing` helpers.
//!
//! Does not own: any write to membership data (the feed is the only input), token verification
//! and TLS (the kit's server layer and client transport), or membership's database (never
//! shared).

pub mod config;
pub mod grpc;
pub mod ingest;
pub mod model;
pub mod report;
pub mod store;

#[cfg(test)]
mod conformance;
#[cfg(test)]
mod testing;

use std::sync::Arc;

use partyregistry_kit::audit::AuditLog;
use partyregistry_kit::server::{self, ServerSecurity};
use partyregistry_kit::{BoxError, compressed, db, observe};
use partyregistry_proto::audit::v1::audit_service_server::AuditServiceServer;
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::Config;

/// The fully qualified gRPC service name, as reported by the health check.
pub const SERVICE_NAME: &str = "partyregistry.reporting.v1.ReportingService";
/// The audit service every server answers for its own trail.
pub const AUDIT_SERVICE_NAME: &str = "partyregistry.audit.v1.AuditService";
/// Every service this server answers, for health and reflection.
pub const SERVICE_NAMES: &[&str] = &[SERVICE_NAME, AUDIT_SERVICE_NAME];

pub use store::MIGRATIONS;

/// Opens the projection database, starts following the membership feed, and serves reports on
/// `listener` until `shutdown` is cancelled; then stops the consumer (which commits what it has
/// applied) and closes the database.
///
/// Refuses to start without TLS (`--tls-cert/--tls-key`) unless `--plaintext` is given, without a
/// way to verify tokens unless `--allow-unauthenticated` is given, and without TLS to membership
/// (`--membership-ca`) unless `--plaintext` is given; both escapes are logged as warnings.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), BoxError> {
    // Every check of the flags, and every file but the server's TLS files, before anything
    // opens.
    config.check()?;
    let verifier = config.security_flags().verifier()?;
    let membership_security = config.membership_security()?;
    if membership_security.ca_pem.is_none() {
        tracing::warn!(
            "following membership WITHOUT TLS (--plaintext): for local development only"
        );
    }

    let acquire_timeout = db::acquire_timeout(config.db_acquire_timeout_seconds)?;
    let database = db::connect_with(&config.database_url, &MIGRATIONS, acquire_timeout).await?;
    observe::start_metrics("reporting", config.metrics_listen, &database, &shutdown).await?;
    let store = store::Store::new(database);
    let audit = AuditLog::open(store.database()).await?;
    // Reads and checks the TLS files (a key that does not match its certificate stops the
    // start-up here), and warns of plain text and unauthenticated calls.
    let security =
        match ServerSecurity::from_flags(&config.security_flags(), verifier, audit.clone()) {
            Ok(security) => security,
            Err(error) => {
                store.close().await;
                return Err(error);
            }
        };
    tracing::info!(address = %listener.local_addr()?, backend = ?store.backend(), tls = config.tls_cert.is_some(), "reporting service listening");
    // A replay a migration asked for is carried out before the first report, which it refuses
    // until the feed's head is reached again, as after a divergence: the cursor then says a
    // rebuild is under way, as it does after a restart in the middle of one.
    store.replay_if_requested().await?;
    let feed = Arc::new(ingest::consumer::FeedState::from_cursor(
        &store.cursor().await?,
    ));

    // A child token: the consumer stops with the service, and also if serving fails on its own.
    let consumer_stop = shutdown.child_token();
    let consumer = ingest::consumer::Consumer::new(
        store.clone(),
        feed.clone(),
        config.membership_url,
        membership_security,
    );
    let consumer_task = tokio::spawn(consumer.run(consumer_stop.clone()));

    let access = grpc::access::Access::new(store.clone(), audit, config.min_cell_size)
        .with_period(config.disclosure_period)
        .with_feed(feed.clone());
    // Reports are refused while the projection is rebuilt after a divergence; health says so.
    let readiness = {
        let feed = feed.clone();
        server::Readiness::of(store.database().clone()).and(move || !feed.is_rebuilding())
    };
    let api = grpc::api::ReportingApi::new(store.clone(), feed, access.clone());
    let routes = tonic::service::Routes::new(compressed!(ReportingServiceServer::new(api)))
        .add_service(compressed!(AuditServiceServer::new(
            grpc::service::AuditApi::new(access)
        )));
    let served = server::serve(
        listener,
        routes,
        SERVICE_NAMES,
        shutdown,
        security,
        Some(readiness),
    )
    .await;

    consumer_stop.cancel();
    if let Err(error) = consumer_task.await {
        tracing::error!(%error, "feed consumer task failed");
    }
    store.close().await;
    served?;
    Ok(())
}
