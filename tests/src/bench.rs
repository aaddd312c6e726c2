//! What the benchmarks share: the probe (a bare tonic server that answers with nothing, or after
//! one query on the service's database), calls timed at a number in flight, and the process's
//! CPU time and resident memory.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

/// What the probe's `Check` does, named by the request's `service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeCall {
    /// Answers at once: the floor of a call through tonic.
    Hello,
    /// Reads the member's row (`GetMember`'s row); an empty `service` reads the probe's member.
    Member(i64),
    /// Reads a commune's first page of 50 members in roster order (`ListMembers`' query).
    Page(String),
    /// Rewrites a member's row unchanged: one single-row write.
    Touch(i64),
}

impl ProbeCall {
    /// The request that asks for it.
    pub fn request(&self) -> HealthCheckRequest {
        let service = match self {
            ProbeCall::Hello => "hello".to_owned(),
            ProbeCall::Member(id) => format!("member {id}"),
            ProbeCall::Page(commune) => format!("page {commune}"),
            ProbeCall::Touch(id) => format!("touch {id}"),
        };
        HealthCheckRequest { service }
    }

    fn parse(service: &str, member_id: i64) -> Result<Self, Status> {
        let id = |text: &str| {
            text.parse()
                .map_err(|_| Status::invalid_argument("a member id is a number"))
        };
        Ok(match service.split_once(' ') {
            None if service.is_empty() => ProbeCall::Member(member_id),
            None if service == "hello" => ProbeCall::Hello,
            Some(("member", text)) => ProbeCall::Member(id(text)?),
            Some(("page", commune)) => ProbeCall::Page(commune.to_owned()),
            Some(("touch", text)) => ProbeCall::Touch(id(text)?),
            _ => return Err(Status::invalid_argument("not a probe call")),
        })
    }
}

/// The probe: a bare tonic server whose `Check` runs at most one query on the service's
/// database and answers. What a call costs without the service's own work.
struct Probe {
    pool: sqlx::AnyPool,
    member_id: i64,
}

impl Probe {
    async fn run(&self, call: ProbeCall) -> Result<(), sqlx::Error> {
        match call {
            ProbeCall::Hello => {}
            ProbeCall::Member(id) => {
                sqlx::query("select * from members where id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
            }
            ProbeCall::Page(commune) => {
                sqlx::query(
                    "select * from members where commune_code = $1 order by sort_key, id limit 51",
                )
                .bind(commune)
                .fetch_all(&self.pool)
                .await?;
            }
            ProbeCall::Touch(id) => {
                sqlx::query("update members set occupation = occupation where id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }
}

#[tonic::async_trait]
impl Health for Probe {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let call = ProbeCall::parse(&request.into_inner().service, self.member_id)?;
        self.run(call)
            .await
            .map_err(|error| Status::unavailable(error.to_string()))?;
        Ok(Response::new(HealthCheckResponse { status: 1 }))
    }

    type WatchStream = Pin<
        Box<dyn tokio_stream::Stream<Item = Result<HealthCheckResponse, Status>> + Send + 'static>,
    >;

    async fn watch(
        &self,
        _request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("the probe only answers Check"))
    }
}

/// The id of `members/{id}`.
pub fn member_id(name: &str) -> Result<i64, BoxError> {
    name.strip_prefix("members/")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("a member name is members/{{id}}, not {name}").into())
}

/// Starts the probe over the membership database at `database_url` (an empty `Check` reads
/// `member`'s row); it serves until `shutdown`.
pub async fn start_probe(
    database_url: &str,
    member: &str,
    shutdown: CancellationToken,
) -> Result<HealthClient<Channel>, BoxError> {
    let member_id = member_id(member)?;
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(10)
        .connect(database_url)
        .await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(HealthServer::new(Probe { pool, member_id }))
            .serve_with_incoming_shutdown(incoming, shutdown.cancelled_owned()),
    );
    let channel = Channel::from_shared(format!("http://{address}"))?
        .connect()
        .await?;
    Ok(HealthClient::new(channel))
}

/// One round of calls: calls per second, the p50 and p99 latencies in µs, and the process's CPU
/// time per call in µs.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub per_second: f64,
    pub p50: f64,
    pub p99: f64,
    pub cpu_per_call: f64,
}

/// How long a round lasts: each caller makes at least `calls_per_caller` calls and goes on
/// until `at_least` has passed.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub calls_per_caller: usize,
    pub at_least: Duration,
}

/// The `fraction` quantile of sorted `values` (0 when there are none).
pub fn quantile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * fraction) as usize).min(sorted.len() - 1)]
}

/// Calls of `call` by `callers` callers at once, for `budget`.
pub async fn in_flight<F, Fut>(callers: usize, budget: Budget, call: F) -> Result<Sample, BoxError>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), BoxError>> + Send,
{
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(budget.calls_per_caller);
                while latencies.len() < budget.calls_per_caller
                    || started.elapsed() < budget.at_least
                {
                    let sent = Instant::now();
                    call().await?;
                    latencies.push(sent.elapsed().as_secs_f64() * 1e6);
                }
                Ok::<_, BoxError>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds() - cpu_before;
    latencies.sort_by(f64::total_cmp);
    let calls = latencies.len().max(1) as f64;
    Ok(Sample {
        per_second: latencies.len() as f64 / wall,
        p50: quantile(&latencies, 0.5),
        p99: quantile(&latencies, 0.99),
        cpu_per_call: cpu * 1e6 / calls,
    })
}

/// The median of `values` (0 when there are none).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The medians of each figure over rounds.
pub fn median_sample(samples: &[Sample]) -> Sample {
    let of = |figure: fn(&Sample) -> f64| median(samples.iter().map(figure).collect());
    Sample {
        per_second: of(|s| s.per_second),
        p50: of(|s| s.p50),
        p99: of(|s| s.p99),
        cpu_per_call: of(|s| s.cpu_per_call),
    }
}

/// The process's resident memory now and at its peak, in MB (Linux; zeros elsewhere).
pub fn memory_mb() -> (u64, u64) {
    memory_mb_of("self")
}

/// The resident memory now and at its peak, in MB, of `process` (`self` or a process id under
/// `/proc`: this process's children; zeros where it cannot be read).
pub fn memory_mb_of(process: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Starts the process's peak resident memory (`VmHWM`) over from what is resident now, so that a
/// later [`memory_mb`] gives the peak of what ran in between (Linux's `clear_refs`; where it
/// cannot be written the peak stays the process's own, an upper bound).
pub fn restart_peak_memory() {
    restart_peak_memory_of("self");
}

/// [`restart_peak_memory`] of `process` (as [`memory_mb_of`] names it).
pub fn restart_peak_memory_of(process: &str) {
    let _ = std::fs::write(format!("/proc/{process}/clear_refs"), "5");
}

/// Clock ticks per second of `/proc`'s CPU times: Linux reports them in USER_HZ, which is 100
/// on every architecture it runs on.
const TICKS_PER_SECOND: f64 = 100.0;

/// The CPU time the process has used, user and system, all threads, in seconds (Linux; 0
/// elsewhere). Ten-millisecond steps: a round's figure is only meaningful over many calls.
pub fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let Some((_, after_name)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    // After the name come state (field 3) … utime (14) and stime (15).
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |at: usize| {
        fields
            .get(at)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / TICKS_PER_SECOND
}
