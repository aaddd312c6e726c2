//! The health the gRPC health service reports: SERVING while the service's database answers (and
//! a condition of the service's own holds), NOT_SERVING otherwise, followed within a probe
//! interval.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;

use crate::db::Database;

/// What the health check follows: the database, and optionally a condition of the service's own
/// (reporting: not while its projection is rebuilt).
#[derive(Clone)]
pub struct Readiness {
    database: Database,
    condition: Option<Arc<dyn Fn() -> bool + Send + Sync>>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness")
            .field("condition", &self.condition.is_some())
            .finish_non_exhaustive()
    }
}

impl Readiness {
    /// Serving while `database` answers.
    pub fn of(database: Database) -> Self {
        Self {
            database,
            condition: None,
        }
    }

    /// Serving while the database answers and `ready` holds.
    pub fn and(mut self, ready: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.condition = Some(Arc::new(ready));
        self
    }
}

/// How often the database is probed for the health check: health follows an outage and a
/// recovery within this interval plus [`DATABASE_PROBE_TIMEOUT`].
pub const DATABASE_PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// How long one probe of the database may take before it counts as unreachable.
pub const DATABASE_PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Sets the health of every service of the server (and of the server as a whole, `""`).
pub(crate) async fn set_health(
    health: &tonic_health::server::HealthReporter,
    service_names: &[&'static str],
    status: ServingStatus,
) {
    for name in service_names.iter().copied().chain([""]) {
        health.set_service_status(name, status).await;
    }
}

/// Probes the database (and the service's own condition) until `shutdown` and turns health
/// NOT_SERVING while it fails, so that load balancers send calls elsewhere instead of to a server
/// that can only refuse them.
pub(crate) async fn follow_database(
    readiness: Readiness,
    health: tonic_health::server::HealthReporter,
    service_names: &'static [&'static str],
    shutdown: CancellationToken,
) {
    let mut serving = true;
    loop {
        let reachable = tokio::select! {
            () = shutdown.cancelled() => return,
            reachable = readiness.database.reachable(DATABASE_PROBE_TIMEOUT) => reachable,
        };
        let reachable = reachable && readiness.condition.as_ref().is_none_or(|ready| ready());
        // After shutdown, health stays NOT_SERVING whatever the database does.
        if reachable != serving && !shutdown.is_cancelled() {
            serving = reachable;
            if reachable {
                tracing::info!(services = ?service_names, "ready again: serving");
                set_health(&health, service_names, ServingStatus::Serving).await;
            } else {
                tracing::warn!(
                    services = ?service_names,
                    "database unreachable or the service not ready: not serving"
                );
                set_health(&health, service_names, ServingStatus::NotServing).await;
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(DATABASE_PROBE_INTERVAL) => {}
        }
    }
}
