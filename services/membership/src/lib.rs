//! The membership service: the system of record for communes, their Party cells and members, and
//! the change feed that every other system follows.
//!
//! # Layout
//! - [`config`]: flags and environment.
//! - [`domain`]: the rules (lifecycle state machine, admission checks, rule versions), plain Rust
//!   with no tonic or sqlx; a refused value or step is a [`domain::RuleError`].
//! - [`error`]: the one mapping of the domain's errors to the API error the handlers answer with.
//! - [`store`]: sqlx storage on SQLite or PostgreSQL, one module per resource (organisations,
//!   members, candidates, rules, holidays, planning, ratings, units, the feed), rows written and
//!   read by column name. [`store::Store`] hands out a [`store::Tx`] that owns its connection and
//!   offers every statement as a method: the commands never see sqlx.
//! - [`service`]: the commands on a `Tx`: load, apply a domain rule, write the new state and its
//!   change in one transaction (`service/outbox.rs`), filed by resource.
//! - [`convert`]: protobuf ↔ domain conversions, request validation and the one masked-update
//!   helper.
//! - [`filter`]: the listing filters of the contract, parsed.
//! - [`authz`]: the one table of what each RPC needs (right and scope), the scope check, the
//!   clearing of personal fields and the audit entries.
//! - [`grpc`]: the thin `MembershipApi`, `AdmissionApi`, `ReferenceApi` and `AuditApi` handlers
//!   and the `WatchChanges` stream.
//!
//! Does not own: reports (the reporting service projects the feed) or token verification (the
//! kit's server layer verifies the bearer token and hands each handler its caller).

pub mod authz;
pub mod config;
pub mod convert;
pub mod domain;
pub mod error;
pub mod filter;
pub mod grpc;
pub mod service;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use partyregistry_kit::audit::AuditLog;
use partyregistry_kit::server::ServerSecurity;
use partyregistry_kit::{BoxError, compressed, db, observe, server};
use partyregistry_proto::audit::v1::audit_service_server::AuditServiceServer;
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

/// The audit trail of this server, served by the same server.
pub const AUDIT_SERVICE_NAME: &str = "partyregistry.audit.v1.AuditService";

pub use store::MIGRATIONS;

/// Checks the configuration (TLS or an explicit `--plaintext`; a token source or an explicit
/// `--allow-unauthenticated`), opens the database, seeds the reference rule table, holidays,
/// provinces and merges on first start, then serves `MembershipService`, `AdmissionService`,
/// `ReferenceService` and `AuditService` on `listener` until `shutdown` is cancelled. Open
/// `WatchChanges` streams end when `shutdown` is cancelled.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), BoxError> {
    config.check()?;
    let verifier = config.security_flags().verifier()?;
    let acquire_timeout = db::acquire_timeout(config.db_acquire_timeout_seconds)?;
    let database = db::connect_with(&config.database_url, &MIGRATIONS, acquire_timeout).await?;
    let probed = database.clone();
    observe::start_metrics("membership", config.metrics_listen, &database, &shutdown).await?;
    tracing::info!(address = %listener.local_addr()?, backend = ?database.backend, tls = config.tls_cert.is_some(), "membership service listening");
    let store = store::Store::new(database);
    let folded = store.fold_legacy_member_lists().await?;
    if folded > 0 {
        tracing::info!(
            members = folded,
            "member lists folded into the members' rows"
        );
    }
    let service = Arc::new(
        service::Membership::new(store).with_bare_ethnicity_codes(config.bare_ethnicity_codes()?),
    );
    service.seed_reference_data().await?;
    let followers = service.clone();
    db::follow_notifications(
        &config.database_url,
        store::FEED_CHANNEL,
        shutdown.clone(),
        move |payload| followers.commit_seen(payload.and_then(|p| p.parse().ok())),
    );
    forget_old_requests(
        service.clone(),
        Duration::from_secs(config.request_retention_hours.saturating_mul(3600)),
        shutdown.clone(),
    );
    let audit = AuditLog::open(service.store().database()).await?;
    let authz = authz::Authz::new(service.clone(), audit.clone());
    let admission = grpc::AdmissionApi::new(service.clone(), authz.clone());
    let reference = grpc::ReferenceApi::new(service.clone(), authz.clone());
    let audit_api = grpc::AuditApi::new(authz.clone());
    let api = grpc::MembershipApi::new(service, authz, shutdown.clone());
    let routes = tonic::service::Routes::new(compressed!(MembershipServiceServer::new(api)))
        .add_service(compressed!(AdmissionServiceServer::new(admission)))
        .add_service(compressed!(ReferenceServiceServer::new(reference)))
        .add_service(compressed!(AuditServiceServer::new(audit_api)));
    let security = ServerSecurity::from_flags(&config.security_flags(), verifier, audit)?;
    server::serve(
        listener,
        routes,
        &[
            SERVICE_NAME,
            ADMISSION_SERVICE_NAME,
            REFERENCE_SERVICE_NAME,
            AUDIT_SERVICE_NAME,
        ],
        shutdown,
        security,
        Some(server::Readiness::of(probed.clone())),
    )
    .await?;
    // The connections are closed before the service returns, so that whoever stopped it may
    // move, back up or restore the database files at once; a connection still held past the
    // bound is dropped with the process.
    if tokio::time::timeout(Duration::from_secs(5), probed.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still open 5 s after shutdown");
    }
    Ok(())
}

/// How often request ids past their retention are purged.
const REQUEST_PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// Purges request ids older than `retention` now and then every [`REQUEST_PURGE_INTERVAL`], until
/// `shutdown`. A failed purge is logged and tried again at the next tick.
fn forget_old_requests(
    service: Arc<service::Membership>,
    retention: Duration,
    shutdown: CancellationToken,
) {
    let retention_us = i64::try_from(retention.as_micros()).unwrap_or(i64::MAX);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(REQUEST_PURGE_INTERVAL);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let cutoff = db::now_micros().saturating_sub(retention_us);
            match service.forget_requests_before(cutoff).await {
                Ok(forgotten) => tracing::debug!(forgotten, "request ids past retention purged"),
                Err(error) => tracing::warn!(%error, "request ids could not be purged"),
            }
        }
    });
}
