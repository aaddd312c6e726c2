//! Reporting in a process of its own, so that its memory is measured apart from what the
//! benchmark's own process holds (membership, the probe, the clients and the first reporting
//! instance): this benchmark's program started again with [`ALONE`] set runs nothing but a
//! reporting server following the pair's membership into a database of its own — a second
//! reporting instance, as a deployment adds one to scale reads.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use partyregistry_tests::bench::{Budget, in_flight, memory_mb_of, restart_peak_memory_of};
use partyregistry_tests::{Backend, ReportingClient, TestDatabase, wait_caught_up_within};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::rounds::Workload;

/// Set to `<reporting database URL> <membership URL>`, the program serves reporting alone: it
/// prints the address it listens on and serves until its standard input closes (the benchmark
/// ended, or died).
const ALONE: &str = "SCALE_REPORTING_ALONE";

/// How long the second instance may take to apply the whole feed of a loaded province.
const REPLAY_LIMIT: Duration = Duration::from_secs(900);

/// Callers at once of each report while reporting's memory is watched.
const REPORT_CALLERS: usize = 4;

/// When this process was started as reporting alone: serves, and returns how that ended.
pub fn serve_if_asked() -> Option<Result<(), BoxError>> {
    let value = std::env::var(ALONE).ok()?;
    Some(serve(&value))
}

/// Serves reporting over the database and membership `value` names, on a runtime like the
/// service program's own (one worker per core).
fn serve(value: &str) -> Result<(), BoxError> {
    let (database, membership) = value
        .split_once(' ')
        .ok_or_else(|| format!("{ALONE} is `<database URL> <membership URL>`"))?;
    let config = partyregistry_reporting::Config::new(database, membership);
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        println!("{}", listener.local_addr()?);
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        std::thread::spawn(move || {
            // Whatever ends the input (the parent closing it or exiting) ends the server.
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            stop.cancel();
        });
        partyregistry_reporting::run(config, listener, shutdown).await
    })
}

/// A reporting server running alone in a child process, and its database.
struct Alone {
    child: Child,
    process: String,
    reports: ReportingClient,
    database: TestDatabase,
}

impl Alone {
    /// Starts the child following `membership_url` into a fresh database on `backend`.
    async fn start(backend: Backend, membership_url: &str, label: &str) -> Result<Self, BoxError> {
        let database = TestDatabase::create(backend, label).await?;
        let mut child = Command::new(std::env::current_exe()?)
            .env(ALONE, format!("{} {membership_url}", database.url))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("the child's output is piped")?;
        let address = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout).read_line(&mut line)?;
            Ok::<_, std::io::Error>(line.trim().to_owned())
        })
        .await??;
        if address.is_empty() {
            return Err("reporting alone ended before it listened".into());
        }
        let url = format!("http://{address}");
        let security = ClientSecurity::default();
        partyregistry_tests::wait_serving(&url, &security).await?;
        let reports =
            ReportingServiceClient::new(partyregistry_kit::client::connect(&url, &security).await?);
        Ok(Self {
            process: child.id().to_string(),
            child,
            reports,
            database,
        })
    }

    /// Closes the child's input, waits for it to end, and removes its database.
    async fn stop(mut self) -> Result<(), BoxError> {
        drop(self.child.stdin.take());
        let mut child = self.child;
        let ended = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::task::spawn_blocking(move || child.wait()),
        )
        .await;
        self.database.remove().await;
        match ended {
            Ok(status) => {
                let status = status??;
                if status.success() {
                    Ok(())
                } else {
                    Err(format!("reporting alone ended with {status}").into())
                }
            }
            Err(_) => Err("reporting alone did not stop within 30 s".into()),
        }
    }
}

/// A second reporting instance in its own process replays the whole feed up to `head` from
/// membership at `membership_url`, then answers `reports(its client)` ([`REPORT_CALLERS`] callers
/// of each for `budget`); prints the replay's rate and the child's memory (resident, and its
/// peak while replaying and while the reports ran), and returns the peak while the reports ran.
pub async fn measure(
    backend: Backend,
    membership_url: &str,
    head: i64,
    budget: Budget,
    reports: impl FnOnce(ReportingClient) -> Vec<Workload>,
) -> Result<u64, BoxError> {
    let mut alone = Alone::start(backend, membership_url, "scale_alone").await?;
    let measured = async {
        let started = Instant::now();
        wait_caught_up_within(&mut alone.reports, head, REPLAY_LIMIT).await?;
        let replay = started.elapsed().as_secs_f64();
        let (after_replay, replay_peak) = memory_mb_of(&alone.process);
        restart_peak_memory_of(&alone.process);
        let workloads = reports(alone.reports.clone());
        for workload in &workloads {
            let call = workload.call.clone();
            in_flight(REPORT_CALLERS, budget, move || call()).await?;
        }
        let (_, reports_peak) = memory_mb_of(&alone.process);
        println!(
            "{backend:?}: reporting alone (its own process and database) applied {head} changes in {replay:.1} s ({:.0}/s), peak {replay_peak} MB; {after_replay} MB resident after, peak {reports_peak} MB while {} reports ran {REPORT_CALLERS} at a time",
            head as f64 / replay,
            workloads.len()
        );
        Ok::<_, BoxError>(reports_peak)
    }
    .await;
    let stopped = alone.stop().await;
    let peak = measured?;
    stopped?;
    Ok(peak)
}
