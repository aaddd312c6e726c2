//! The membership service: the system of record for communes, their Party cells and members, and
//! the change feed that every other system follows.
//!
//! # Layout
//! - [`config`]: flags and environment.
//! - [`domain`]: the rules (lifecycle state machine, admission checks, rule versions), plain Rust
//!   with no tonic or sqlx.
//! - [`store`]: sqlx storage on SQLite or PostgreSQL: resources, events, the change feed and
//!   idempotency records, one transaction per mutation.
//! - [`service`]: the commands: load, apply a domain rule, write the new state and its change in
//!   one transaction.
//! - [`convert`]: protobuf ↔ domain conversions and request validation.
//! - [`grpc`]: the thin `MembershipApi`, `AdmissionApi` and `ReferenceApi` handlers and the
//!   `WatchChanges` stream.
//!
//! Does not own: reports (the reporting service projects the feed) or authentication.

pub mod config;
pub mod convert;
pub mod domain;
pub mod filter;
pub mod grpc;
pub mod service;
pub mod store;

use std::sync::Arc;

use partyregistry_kit::{BoxError, db, server};
use partyregistry_proto::membership::v1::admission_service_server::AdmissionServiceServer;
use partyregistry_proto::membership::v1::membership_service_server::MembershipServiceServer;
use partyregistry_proto::membership::v1::reference_service_server::ReferenceServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::Config;

/// The fully qualified gRPC service name, as reported by the health check.
pub const SERVICE_NAME: &str = "partyregistry.membership.v1.MembershipService";

/// The admission pipeline's gRPC service, served by the same server.
pub const ADMISSION_SERVICE_NAME: &str = "partyregistry.membership.v1.AdmissionService";

/// Provinces, unit merges and reference lists, served by the same server.
pub const REFERENCE_SERVICE_NAME: &str = "partyregistry.membership.v1.ReferenceService";

/// The embedded migrations: one SQL text for SQLite and PostgreSQL.
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!();

/// Opens the database, seeds the reference rule table, holidays, provinces and merges on first
/// start, then serves `MembershipService`, `AdmissionService` and `ReferenceService` on
/// `listener` until `shutdown` is cancelled. Open `WatchChanges` streams end when `shutdown` is
/// cancelled.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), BoxError> {
    let database = db::connect(&config.database_url, &MIGRATIONS).await?;
    tracing::info!(address = %listener.local_addr()?, backend = ?database.backend, "membership service listening");
    let service = Arc::new(service::Membership::new(store::Store::new(database)));
    service.seed_reference_data().await?;
    let admission = grpc::AdmissionApi::new(service.clone());
    let reference = grpc::ReferenceApi::new(service.clone());
    let api = grpc::MembershipApi::new(service, shutdown.clone());
    let routes = tonic::service::Routes::new(MembershipServiceServer::new(api))
        .add_service(AdmissionServiceServer::new(admission))
        .add_service(ReferenceServiceServer::new(reference));
    server::serve(
        listener,
        routes,
        &[SERVICE_NAME, ADMISSION_SERVICE_NAME, REFERENCE_SERVICE_NAME],
        shutdown,
    )
    .await?;
    Ok(())
}
