//! The harness of the end-to-end suite: fresh databases per test on each backend, both services
//! started in-process on port 0, clients, and bounded polling (never a bare sleep).
//!
//! SQLite always runs. PostgreSQL runs when `TEST_DATABASE_URL` names a server the tests may
//! create databases on (for example `postgres://postgres@127.0.0.1:5432/test`); each test gets
//! its own database, dropped at the end.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use partyregistry_kit::auth::{Claims, Right};
use partyregistry_kit::client::{ClientSecurity, Transport};
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::reporting::v1::GetFreshnessRequest;
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub mod bench;
pub mod raw_statistics;

pub use partyregistry_kit::db::Backend;
pub use partyregistry_kit::test_database::{TestDatabase, postgres_admin_url};

/// A service running in the test process.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    /// Cancel to shut it down.
    pub shutdown: CancellationToken,
    /// What the harness's own clients present: nothing in the local mode, the CA, a client
    /// certificate and an administrator's token on a secured pair.
    pub security: ClientSecurity,
    handle: JoinHandle<Result<(), BoxError>>,
}

impl Running {
    /// `http://address`, for clients (TLS clients switch to `https`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A transport to the service with the harness's own credentials.
    pub async fn connect(&self) -> Result<Transport, BoxError> {
        partyregistry_kit::client::connect(&self.url(), &self.security).await
    }

    /// A transport to the service with other credentials.
    pub async fn connect_as(&self, security: &ClientSecurity) -> Result<Transport, BoxError> {
        partyregistry_kit::client::connect(&self.url(), security).await
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
    security: ClientSecurity,
    run: F,
) -> Result<Running, BoxError>
where
    F: std::future::Future<Output = Result<(), BoxError>> + Send + 'static,
{
    let mut handle = tokio::spawn(run);
    let url = format!("http://{address}");
    // A service that fails to start says why at once, instead of leaving the health check to
    // time out on a closed port.
    tokio::select! {
        serving = wait_serving(&url, &security) => serving?,
        ended = &mut handle => {
            return Err(match ended {
                Ok(Ok(())) => "the service stopped before it served".into(),
                Ok(Err(error)) => format!("the service failed to start: {error}").into(),
                Err(error) => format!("the service's task failed: {error}").into(),
            });
        }
    }
    Ok(Running {
        address,
        shutdown,
        security,
        handle,
    })
}

/// Starts the membership service on `listener` (port 0 unless a test restarts on a known port)
/// in the local development mode.
pub async fn start_membership(
    database_url: &str,
    listener: TcpListener,
) -> Result<Running, BoxError> {
    let config = partyregistry_membership::Config::for_database(database_url);
    start_membership_with(config, listener, ClientSecurity::default()).await
}

/// Starts the membership service with `config`; the harness's clients present `security`.
pub async fn start_membership_with(
    config: partyregistry_membership::Config,
    listener: TcpListener,
    security: ClientSecurity,
) -> Result<Running, BoxError> {
    let shutdown = CancellationToken::new();
    spawn_serving(
        listener.local_addr()?,
        shutdown.clone(),
        security,
        partyregistry_membership::run(config, listener, shutdown),
    )
    .await
}

/// Starts the reporting service with `config`; the harness's clients present `security`.
pub async fn start_reporting_with(
    config: partyregistry_reporting::Config,
    security: ClientSecurity,
) -> Result<Running, BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let shutdown = CancellationToken::new();
    spawn_serving(
        listener.local_addr()?,
        shutdown.clone(),
        security,
        partyregistry_reporting::run(config, listener, shutdown),
    )
    .await
}

/// Polls `grpc.health.v1` until the server answers SERVING, for at most 30 s.
pub async fn wait_serving(url: &str, security: &ClientSecurity) -> Result<(), BoxError> {
    use tonic_health::pb::health_client::HealthClient;
    use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};
    poll(Duration::from_secs(30), || async {
        let channel = partyregistry_kit::client::connect(url, security).await?;
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
    Ok(MembershipServiceClient::new(running.connect().await?))
}

/// A client of the admission pipeline, served by the membership server.
pub async fn admission_client(
    running: &Running,
) -> Result<AdmissionServiceClient<Transport>, BoxError> {
    Ok(AdmissionServiceClient::new(running.connect().await?))
}

/// A client of the administrative units and reference lists, served by the membership server.
pub async fn reference_client(
    running: &Running,
) -> Result<ReferenceServiceClient<Transport>, BoxError> {
    Ok(ReferenceServiceClient::new(running.connect().await?))
}

/// A client of the reporting service.
pub async fn reporting_client(
    running: &Running,
) -> Result<ReportingServiceClient<Transport>, BoxError> {
    Ok(ReportingServiceClient::new(running.connect().await?))
}

/// Waits until reporting has applied every change up to `head`.
pub async fn wait_caught_up(
    reporting: &mut ReportingServiceClient<Transport>,
    head: i64,
) -> Result<(), BoxError> {
    wait_caught_up_within(reporting, head, Duration::from_secs(60)).await
}

/// Like [`wait_caught_up`], for at most `limit` (a benchmark's replay of a large feed).
pub async fn wait_caught_up_within(
    reporting: &mut ReportingServiceClient<Transport>,
    head: i64,
    limit: Duration,
) -> Result<(), BoxError> {
    poll(limit, || {
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

                // Reported as ignored when the suite was built without TEST_DATABASE_URL.
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                #[cfg_attr(
                    not(postgres_tests),
                    ignore = "set TEST_DATABASE_URL to run on PostgreSQL"
                )]
                async fn postgres() -> Result<(), partyregistry_kit::BoxError> {
                    if $crate::postgres_admin_url().is_none() {
                        return Err("TEST_DATABASE_URL is not set: the PostgreSQL variant cannot run".into());
                    }
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}

/// A small deterministic generator (a 64-bit linear congruential one) for the benchmarks'
/// synthetic data: the same numbers on every run and on both backends.
#[derive(Debug, Clone)]
pub struct Dice(pub u64);

impl Dice {
    /// A number from 0 to `n - 1`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    /// An index from 0 to `n - 1`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A day `YYYY-MM-DD` of one of the `years` years from `first_year` (days 1 to 28).
    pub fn day(&mut self, first_year: u64, years: u64) -> String {
        format!(
            "{}-{:02}-{:02}",
            first_year + self.below(years),
            1 + self.below(12),
            1 + self.below(28)
        )
    }
}

/// The reporting client type the tests use.
pub type ReportingClient = ReportingServiceClient<Transport>;

/// The issuer of every token a secured pair accepts.
pub const ISSUER: &str = "partyregistry-tests";

/// The subject of the harness's own national token (every right, the audit trail included).
pub const ADMIN_SUBJECT: &str = "quan-tri-kiem-thu";

/// The subject of the token reporting follows the feed with.
pub const FEED_SUBJECT: &str = "bao-cao-theo-doi";

/// Sets the server flags the two services' configurations share (they are separate types): mutual
/// TLS with the pair's certificates and tokens signed with its key, no local-only flags.
macro_rules! serve_secured {
    ($config:ident, $secrets:expr) => {
        $config.plaintext = false;
        $config.allow_unauthenticated = false;
        $config.tls_cert = Some($secrets.path("server.pem"));
        $config.tls_key = Some($secrets.path("server-key.pem"));
        $config.client_ca = Some($secrets.path("ca.pem"));
        // The services hold only the issuer's public key; the harness signs with the private one.
        $config.jwt_public_key_file = Some($secrets.path("jwt-public-key.pem"));
        $config.jwt_issuer = Some(ISSUER.to_owned());
        $config.revoked_tokens_file = Some($secrets.path(REVOKED_TOKENS));
    };
}

/// The file of revoked token ids both services of a secured pair follow, in [`Secrets::path`].
pub const REVOKED_TOKENS: &str = "revoked-tokens";

/// What a secured pair runs with: a CA, the services' certificate, a client certificate signed by
/// the same CA (`partyctl certs init`'s set, for province 15) and the token signing keys, written to a
/// temporary directory that [`Secrets::remove`] deletes.
#[derive(Debug)]
pub struct Secrets {
    dir: std::path::PathBuf,
    certificates: partyregistry_cli::certs::GeneratedCertificates,
}

impl Secrets {
    /// Generates a fresh set and writes it to disk, as `partyctl certs init` would.
    pub fn create(label: &str) -> Result<Self, BoxError> {
        let certificates = partyregistry_cli::certs::generate("15", &[], 1)?;
        let dir = std::env::temp_dir()
            .join("partyregistry-tests")
            .join(partyregistry_kit::test_database::unique_test_name(label));
        std::fs::create_dir_all(&dir)?;
        for (name, content, _) in certificates.files() {
            std::fs::write(dir.join(name), content)?;
        }
        std::fs::write(dir.join(REVOKED_TOKENS), "# no token revoked\n")?;
        Ok(Self { dir, certificates })
    }

    /// The path of one of the generated files (`ca.pem`, `server.pem`, `jwt.key`, …).
    pub fn path(&self, file: &str) -> std::path::PathBuf {
        self.dir.join(file)
    }

    /// The certificates and keys, in memory.
    pub fn certificates(&self) -> &partyregistry_cli::certs::GeneratedCertificates {
        &self.certificates
    }

    /// A token signed with the pair's key for `claims`; an empty issuer becomes [`ISSUER`], no
    /// audience both services, and a zero expiry one hour from now.
    pub fn token(&self, mut claims: Claims) -> Result<String, BoxError> {
        let now = chrono::Utc::now().timestamp();
        if claims.iss.is_empty() {
            claims.iss = ISSUER.to_owned();
        }
        if claims.aud.is_empty() {
            claims.aud = vec![
                partyregistry_kit::auth::MEMBERSHIP_AUDIENCE.to_owned(),
                partyregistry_kit::auth::REPORTING_AUDIENCE.to_owned(),
            ];
        }
        if claims.exp == 0 {
            claims.exp = now + 3600;
        }
        claims.iat = now;
        let key = partyregistry_kit::signing::SigningKey::from_file_bytes(
            self.certificates.jwt_signing_key_pem.clone().into_bytes(),
        )?;
        partyregistry_kit::auth::sign_jwt(&claims, &key)
    }

    /// What a client of the pair presents: the CA, the province's client certificate and `token`.
    pub fn client(&self, token: Option<String>) -> ClientSecurity {
        ClientSecurity {
            ca_pem: Some(self.certificates.ca_pem.clone().into_bytes()),
            identity: Some((
                self.certificates.client_pem.clone().into_bytes(),
                self.certificates.client_key_pem.clone().into_bytes(),
            )),
            token,
        }
    }

    /// The harness's own credentials: a national token with every right.
    pub fn admin(&self) -> Result<ClientSecurity, BoxError> {
        let token = self.token(Claims {
            sub: ADMIN_SUBJECT.to_owned(),
            national: true,
            rights: Right::ALL.to_vec(),
            ..Claims::default()
        })?;
        Ok(self.client(Some(token)))
    }

    /// The membership service over mutual TLS with signed tokens, on `database_url`.
    pub fn membership_config(&self, database_url: &str) -> partyregistry_membership::Config {
        let mut config = partyregistry_membership::Config::for_database(database_url);
        serve_secured!(config, self);
        config
    }

    /// The reporting service likewise, following membership over mutual TLS with a national
    /// token that may read records and personal fields (the projection needs birth dates).
    pub fn reporting_config(
        &self,
        database_url: &str,
        membership_url: &str,
    ) -> Result<partyregistry_reporting::Config, BoxError> {
        let feed_token = self.token(Claims {
            sub: FEED_SUBJECT.to_owned(),
            national: true,
            rights: vec![Right::Records, Right::Personal],
            ..Claims::default()
        })?;
        let token_file = self.path("feed.token");
        std::fs::write(&token_file, feed_token)?;
        let mut config = partyregistry_reporting::Config::new(database_url, membership_url);
        serve_secured!(config, self);
        config.membership_ca = Some(self.path("ca.pem"));
        config.membership_cert = Some(self.path("client-15.pem"));
        config.membership_key = Some(self.path("client-15-key.pem"));
        config.membership_token_file = Some(token_file);
        Ok(config)
    }

    /// Deletes the files.
    pub fn remove(self) {
        if let Err(error) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("could not remove {}: {error}", self.dir.display());
        }
    }
}

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
    membership_config: partyregistry_membership::Config,
    reporting_service: Running,
    membership_database: TestDatabase,
    reporting_database: TestDatabase,
}

impl Pair {
    /// Starts membership on port 0 and reporting following it, both in the local development
    /// mode (plain text, no tokens).
    pub async fn start(backend: Backend, label: &str) -> Result<Self, BoxError> {
        Self::start_with(backend, label, None).await
    }

    /// Starts both services over mutual TLS with signed tokens; the pair's clients carry the
    /// administrator's token of `secrets`.
    pub async fn start_secured(
        backend: Backend,
        label: &str,
        secrets: &Secrets,
    ) -> Result<Self, BoxError> {
        Self::start_with(backend, label, Some(secrets)).await
    }

    async fn start_with(
        backend: Backend,
        label: &str,
        secrets: Option<&Secrets>,
    ) -> Result<Self, BoxError> {
        let membership_database = TestDatabase::create(backend, &format!("{label}_m")).await?;
        let reporting_database = TestDatabase::create(backend, &format!("{label}_r")).await?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let membership_url = format!("http://{}", listener.local_addr()?);
        let (membership_config, reporting_config, security) = match secrets {
            Some(secrets) => (
                secrets.membership_config(&membership_database.url),
                secrets.reporting_config(&reporting_database.url, &membership_url)?,
                secrets.admin()?,
            ),
            None => (
                partyregistry_membership::Config::for_database(&membership_database.url),
                partyregistry_reporting::Config::new(&reporting_database.url, &membership_url),
                ClientSecurity::default(),
            ),
        };
        let membership_service =
            start_membership_with(membership_config.clone(), listener, security.clone()).await?;
        let reporting_service = start_reporting_with(reporting_config, security).await?;
        Ok(Self {
            membership: membership_client(&membership_service).await?,
            admission: admission_client(&membership_service).await?,
            reference: reference_client(&membership_service).await?,
            reports: reporting_client(&reporting_service).await?,
            membership_address: membership_service.address,
            membership_service: Some(membership_service),
            membership_config,
            reporting_service,
            membership_database,
            reporting_database,
        })
    }

    /// The membership server, while it runs.
    pub fn membership_service(&self) -> Result<&Running, BoxError> {
        self.membership_service
            .as_ref()
            .ok_or_else(|| "membership is stopped".into())
    }

    /// The reporting server.
    pub fn reporting_service(&self) -> &Running {
        &self.reporting_service
    }

    /// What `partyctl`'s commands need to call this pair, as the program would set it up without
    /// TLS or a token, with JSON output.
    pub fn cli_context(&self) -> Result<partyregistry_cli::commands::Context, BoxError> {
        Ok(partyregistry_cli::commands::Context {
            membership: self.membership_service()?.url(),
            reporting: self.reporting_service().url(),
            json: true,
            security: std::sync::Arc::new(ClientSecurity::default()),
        })
    }

    /// Runs the `partyctl` program at `program` (a test's `CARGO_BIN_EXE_partyctl-e2e`) as a
    /// process of its own against this pair, with `args` after the service addresses; returns
    /// its output whatever its exit code. Nothing of the test's environment configures it.
    pub async fn partyctl(
        &self,
        program: &str,
        args: &[&str],
    ) -> Result<std::process::Output, BoxError> {
        let mut command = std::process::Command::new(program);
        command
            .arg("--membership")
            .arg(self.membership_service()?.url())
            .arg("--reporting")
            .arg(self.reporting_service().url())
            .args(args);
        for variable in [
            "PARTYCTL_MEMBERSHIP",
            "PARTYCTL_REPORTING",
            "PARTYCTL_CA",
            "PARTYCTL_CERT",
            "PARTYCTL_KEY",
            "PARTYCTL_TOKEN",
            "PARTYCTL_TOKEN_FILE",
            "TRACEPARENT",
        ] {
            command.env_remove(variable);
        }
        // The services run on this process's runtime: the wait must not hold one of its threads.
        Ok(tokio::task::spawn_blocking(move || command.output()).await??)
    }

    /// The URL of membership's database, for a test that works on it behind the service.
    pub fn membership_database_url(&self) -> &str {
        &self.membership_database.url
    }

    /// The URL of reporting's database, for a test that works on it behind the service.
    pub fn reporting_database_url(&self) -> &str {
        &self.reporting_database.url
    }

    /// Stops the membership service; reporting keeps running.
    pub async fn stop_membership(&mut self) -> Result<(), BoxError> {
        match self.membership_service.take() {
            Some(running) => running.stop().await,
            None => Ok(()),
        }
    }

    /// Starts membership again on its old address, database and configuration.
    pub async fn restart_membership(&mut self) -> Result<(), BoxError> {
        self.stop_membership().await?;
        let listener = TcpListener::bind(self.membership_address).await?;
        let running = start_membership_with(
            self.membership_config.clone(),
            listener,
            self.reporting_service.security.clone(),
        )
        .await?;
        self.membership = membership_client(&running).await?;
        self.admission = admission_client(&running).await?;
        self.reference = reference_client(&running).await?;
        self.membership_service = Some(running);
        Ok(())
    }

    /// Takes a backup of membership's database, with membership stopped meanwhile.
    pub async fn back_up_membership(&mut self, label: &str) -> Result<TestDatabase, BoxError> {
        self.stop_membership().await?;
        let backup = self.membership_database.backup(label).await?;
        self.restart_membership().await?;
        Ok(backup)
    }

    /// Restores membership's database from `backup` and starts membership on it.
    pub async fn restore_membership(&mut self, backup: &TestDatabase) -> Result<(), BoxError> {
        self.stop_membership().await?;
        self.membership_database.restore_from(backup).await?;
        self.restart_membership().await
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

/// `partyctl import FILE…` with its defaults, sending `batch` members per call.
pub fn import_args(
    files: Vec<std::path::PathBuf>,
    batch: u64,
) -> partyregistry_cli::commands::import::ImportArgs {
    partyregistry_cli::commands::import::ImportArgs {
        files,
        template: None,
        sheet: None,
        mapping: None,
        dry_run: false,
        all_or_nothing: false,
        report: None,
        batch,
    }
}

/// How long an import into a pair took and how long reporting then took to apply its feed.
#[derive(Debug, Clone, Copy)]
pub struct ImportTimes {
    /// Seconds `partyctl import` took.
    pub import_seconds: f64,
    /// The feed's head after the import.
    pub head: i64,
    /// Seconds from the import's end until reporting applied the head.
    pub catch_up_seconds: f64,
}

/// Imports `files` through `partyctl import`'s own code into `pair`, `batch` members per call,
/// checks that exactly `expected_rows` members were created without an issue, and waits until
/// reporting has applied the feed (a minute, and a second per 500 changes beyond it: a province's
/// feed takes minutes).
pub async fn import_and_catch_up(
    pair: &mut Pair,
    files: Vec<std::path::PathBuf>,
    batch: u64,
    expected_rows: u64,
) -> Result<ImportTimes, BoxError> {
    let context = pair.cli_context()?;
    let started = Instant::now();
    let imported =
        partyregistry_cli::commands::import::execute(&context, &import_args(files, batch))
            .await?
            .ok_or("an import, not the template")?
            .summary;
    let import_seconds = started.elapsed().as_secs_f64();
    if imported.members.created != expected_rows || !imported.issues.is_empty() {
        return Err(format!(
            "{} of {expected_rows} rows created; first issue {:?}",
            imported.members.created,
            imported.issues.first()
        )
        .into());
    }
    let head = feed_head(&mut pair.membership).await?;
    let limit = Duration::from_secs(60 + u64::try_from(head / 500).unwrap_or(0));
    let caught_up = Instant::now();
    wait_caught_up_within(&mut pair.reports, head, limit).await?;
    Ok(ImportTimes {
        import_seconds,
        head,
        catch_up_seconds: caught_up.elapsed().as_secs_f64(),
    })
}
