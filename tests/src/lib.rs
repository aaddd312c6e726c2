//! The harness of the end-to-end suite: fresh databases per test on each backend, both services
//! started in-process on port 0, clients, and bounded polling (never a bare sleep).
//!
//! SQLite always runs. PostgreSQL runs when `TEST_DATABASE_URL` names a server the tests may
//! create databases on (for example `postgres://postgres@127.0.0.1:5432/test`); each test gets
//! its own database, dropped at the end.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use partyregistry_kit::client::{ClientSecurity, Transport};
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::reporting::v1::GetFreshnessRequest;
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use sqlx::{Connection, Executor};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The database server the PostgreSQL variants use, if any.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// A backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{label}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database made for one test, removed when [`TestDatabase::remove`] is called.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL the service connects to.
    pub url: String,
    backend: Backend,
    name: String,
}

impl TestDatabase {
    /// Creates an empty database on `backend`.
    pub async fn create(backend: Backend, label: &str) -> Result<Self, BoxError> {
        sqlx::any::install_default_drivers();
        let name = unique_name(label);
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("partyregistry-tests");
                std::fs::create_dir_all(&dir)?;
                let path = dir.join(format!("{name}.db"));
                Ok(Self {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    name: path.display().to_string(),
                })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url().ok_or("TEST_DATABASE_URL is not set")?;
                let mut connection = sqlx::AnyConnection::connect(&admin).await?;
                connection
                    .execute(format!("create database {name}").as_str())
                    .await?;
                let base = admin
                    .rsplit_once('/')
                    .map(|(base, _)| base.to_owned())
                    .ok_or("TEST_DATABASE_URL has no database")?;
                Ok(Self {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                })
            }
        }
    }

    /// Removes the database; failures are reported but do not fail the test that is ending.
    pub async fn remove(self) {
        let outcome: Result<(), BoxError> = async {
            match self.backend {
                Backend::Sqlite => {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                    }
                }
                Backend::Postgres => {
                    let admin = postgres_admin_url().ok_or("TEST_DATABASE_URL is not set")?;
                    let mut connection = sqlx::AnyConnection::connect(&admin).await?;
                    connection
                        .execute(
                            format!("drop database if exists {} with (force)", self.name).as_str(),
                        )
                        .await?;
                }
            }
            Ok(())
        }
        .await;
        if let Err(error) = outcome {
            eprintln!("could not remove test database {}: {error}", self.name);
        }
    }
}

/// A service running in the test process.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    /// Cancel to shut it down.
    pub shutdown: CancellationToken,
    handle: JoinHandle<Result<(), BoxError>>,
}

impl Running {
    /// `http://address`, for clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Shuts the service down and waits (bounded) for it to finish.
    pub async fn stop(self) -> Result<(), BoxError> {
        self.shutdown.cancel();
        match tokio::time::timeout(Duration::from_secs(20), self.handle).await {
            Ok(joined) => joined?,
            Err(_) => Err("service did not stop within 20 s".into()),
        }
    }
}

/// Spawns a service's `run` future and waits until it answers its health check.
async fn spawn_serving<F>(
    address: SocketAddr,
    shutdown: CancellationToken,
    run: F,
) -> Result<Running, BoxError>
where
    F: std::future::Future<Output = Result<(), BoxError>> + Send + 'static,
{
    let running = Running {
        address,
        shutdown,
        handle: tokio::spawn(run),
    };
    wait_serving(&running.url()).await?;
    Ok(running)
}

/// Starts the membership service on `listener` (port 0 unless a test restarts on a known port).
pub async fn start_membership(
    database_url: &str,
    listener: TcpListener,
) -> Result<Running, BoxError> {
    let shutdown = CancellationToken::new();
    let config = partyregistry_membership::Config::for_database(database_url);
    spawn_serving(
        listener.local_addr()?,
        shutdown.clone(),
        partyregistry_membership::run(config, listener, shutdown),
    )
    .await
}

/// Starts the reporting service following `membership_url`.
pub async fn start_reporting(
    database_url: &str,
    membership_url: &str,
) -> Result<Running, BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let shutdown = CancellationToken::new();
    let config = partyregistry_reporting::Config::new(database_url, membership_url);
    spawn_serving(
        listener.local_addr()?,
        shutdown.clone(),
        partyregistry_reporting::run(config, listener, shutdown),
    )
    .await
}

/// Polls `grpc.health.v1` until the server answers SERVING, for at most 30 s.
pub async fn wait_serving(url: &str) -> Result<(), BoxError> {
    use tonic_health::pb::health_client::HealthClient;
    use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};
    poll(Duration::from_secs(30), || async {
        let channel = connect(url).await?;
        let response = HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await?;
        Ok(response.into_inner().status == ServingStatus::Serving as i32)
    })
    .await
}

/// Calls `check` every 50 ms until it returns true, for at most `limit`.
pub async fn poll<F, Fut>(limit: Duration, mut check: F) -> Result<(), BoxError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, BoxError>>,
{
    let start = Instant::now();
    let mut last_error = None;
    while start.elapsed() < limit {
        match check().await {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("condition not met within {limit:?}; last error: {last_error:?}").into())
}

/// A client of the membership service.
pub async fn membership_client(
    running: &Running,
) -> Result<MembershipServiceClient<Transport>, BoxError> {
    Ok(MembershipServiceClient::new(connect(&running.url()).await?))
}

/// A plaintext, token-less transport to `url`, for the services the tests start in their explicit
/// local mode.
pub async fn connect(url: &str) -> Result<Transport, BoxError> {
    partyregistry_kit::client::connect(url, &ClientSecurity::default()).await
}

/// A client of the admission pipeline, served by the membership server.
pub async fn admission_client(
    running: &Running,
) -> Result<AdmissionServiceClient<Transport>, BoxError> {
    Ok(AdmissionServiceClient::new(connect(&running.url()).await?))
}

/// A client of the administrative units and reference lists, served by the membership server.
pub async fn reference_client(
    running: &Running,
) -> Result<ReferenceServiceClient<Transport>, BoxError> {
    Ok(ReferenceServiceClient::new(connect(&running.url()).await?))
}

/// A client of the reporting service.
pub async fn reporting_client(
    running: &Running,
) -> Result<ReportingServiceClient<Transport>, BoxError> {
    Ok(ReportingServiceClient::new(connect(&running.url()).await?))
}

/// Waits until reporting has applied every change up to `head`.
pub async fn wait_caught_up(
    reporting: &mut ReportingServiceClient<Transport>,
    head: i64,
) -> Result<(), BoxError> {
    poll(Duration::from_secs(60), || {
        let mut reporting = reporting.clone();
        async move {
            let freshness = reporting
                .get_freshness(GetFreshnessRequest {})
                .await?
                .into_inner();
            Ok(freshness.last_applied_sequence >= head)
        }
    })
    .await
}

/// The feed's head as the membership service announces it: the sequence of the last change, read
/// through `WatchChanges` (the first heartbeat after the replay).
pub async fn feed_head(
    membership: &mut MembershipServiceClient<Transport>,
) -> Result<i64, BoxError> {
    use partyregistry_proto::membership::v1::{WatchChangesRequest, watch_changes_response::Event};
    let mut stream = membership
        .watch_changes(WatchChangesRequest { after_sequence: 0 })
        .await?
        .into_inner();
    let mut last = 0;
    while let Some(message) =
        tokio::time::timeout(Duration::from_secs(30), stream.message()).await??
    {
        match message.event {
            Some(Event::Change(change)) => last = change.sequence,
            Some(Event::Heartbeat(heartbeat)) => return Ok(heartbeat.head_sequence.max(last)),
            None => {}
        }
    }
    Err("the feed ended before its first heartbeat".into())
}

/// Runs each named async test body (`async fn name(backend: Backend) -> Result<(), BoxError>`) on
/// every configured backend: as `name::sqlite` always, and as `name::postgres`, which says it was
/// skipped when `TEST_DATABASE_URL` is not set.
#[macro_export]
macro_rules! on_each_backend {
    ($($name:ident;)*) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() -> Result<(), partyregistry_kit::BoxError> {
                    super::$name($crate::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() -> Result<(), partyregistry_kit::BoxError> {
                    if $crate::postgres_admin_url().is_none() {
                        eprintln!("skipped: set TEST_DATABASE_URL to run on PostgreSQL");
                        return Ok(());
                    }
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}

/// The reporting client type the tests use.
pub type ReportingClient = ReportingServiceClient<Transport>;

/// Both services on fresh databases of one backend, with a client for each.
#[derive(Debug)]
pub struct Pair {
    /// A membership client; replaced when membership restarts.
    pub membership: MembershipServiceClient<Transport>,
    /// An admission-pipeline client of the same server; replaced when membership restarts.
    pub admission: AdmissionServiceClient<Transport>,
    /// A client of provinces, merges and reference lists; replaced when membership restarts.
    pub reference: ReferenceServiceClient<Transport>,
    /// A reporting client.
    pub reports: ReportingClient,
    membership_service: Option<Running>,
    membership_address: SocketAddr,
    reporting_service: Running,
    membership_database: TestDatabase,
    reporting_database: TestDatabase,
}

impl Pair {
    /// Starts membership on port 0 and reporting following it.
    pub async fn start(backend: Backend, label: &str) -> Result<Self, BoxError> {
        let membership_database = TestDatabase::create(backend, &format!("{label}_m")).await?;
        let reporting_database = TestDatabase::create(backend, &format!("{label}_r")).await?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let membership_service = start_membership(&membership_database.url, listener).await?;
        let reporting_service =
            start_reporting(&reporting_database.url, &membership_service.url()).await?;
        Ok(Self {
            membership: membership_client(&membership_service).await?,
            admission: admission_client(&membership_service).await?,
            reference: reference_client(&membership_service).await?,
            reports: reporting_client(&reporting_service).await?,
            membership_address: membership_service.address,
            membership_service: Some(membership_service),
            reporting_service,
            membership_database,
            reporting_database,
        })
    }

    /// Stops the membership service; reporting keeps running.
    pub async fn stop_membership(&mut self) -> Result<(), BoxError> {
        match self.membership_service.take() {
            Some(running) => running.stop().await,
            None => Ok(()),
        }
    }

    /// Starts membership again on its old address and database.
    pub async fn restart_membership(&mut self) -> Result<(), BoxError> {
        self.stop_membership().await?;
        let listener = TcpListener::bind(self.membership_address).await?;
        let running = start_membership(&self.membership_database.url, listener).await?;
        self.membership = membership_client(&running).await?;
        self.admission = admission_client(&running).await?;
        self.reference = reference_client(&running).await?;
        self.membership_service = Some(running);
        Ok(())
    }

    /// Waits until reporting has applied everything membership has committed; returns the head.
    pub async fn caught_up(&mut self) -> Result<i64, BoxError> {
        let head = feed_head(&mut self.membership).await?;
        wait_caught_up(&mut self.reports, head).await?;
        Ok(head)
    }

    /// Stops both services and removes their databases.
    pub async fn finish(mut self) -> Result<(), BoxError> {
        self.stop_membership().await?;
        self.reporting_service.stop().await?;
        self.membership_database.remove().await;
        self.reporting_database.remove().await;
        Ok(())
    }
}
