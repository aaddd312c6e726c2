//! What protecting the membership service costs a caller: the same calls against a server in the
//! local development mode (plain text, no token) and against one over mutual TLS with signed
//! tokens, each on its own database holding Hợp Thành's reference data.
//!
//! `cargo bench -p partyregistry-tests --bench security_overhead` (add
//! `TEST_DATABASE_URL=postgres://…` to run on PostgreSQL too). The machines are shared and noisy,
//! so the two servers are measured in alternating rounds within one run and the result is the
//! ratio of their medians. Both servers audit the same calls (reads of member records), so the
//! ratio isolates TLS, token verification and the scope check; the secured server is called with
//! the commune's own token, and for one read also with a token for its province (whose scope
//! check follows the province merges) and a national token (no scope to look up).
//!
//! Then audited reads against the probe: `GetMember` on the local-mode server (audited, its answer
//! held until its entry is committed) and a bare tonic server whose one method runs one query on
//! the same database (the member's row), at 1, 16 and 64 calls in flight, in alternating rounds:
//! calls per second and p50/p99 latency, with their ratios. `SECURITY_BENCH_PROBE_ONLY=1` runs
//! only this part.

use std::future::Future;
use std::time::{Duration, Instant};

use partyregistry_cli::dataset;
use partyregistry_kit::BoxError;
use partyregistry_kit::auth::{Claims, Right};
use partyregistry_kit::client::{ClientSecurity, Transport};
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::{
    GetCommuneRequest, GetMemberRequest, ListMembersRequest, Member,
};
use partyregistry_tests::bench::{Budget, in_flight, median, median_sample, start_probe};
use partyregistry_tests::{Backend, Running, Secrets, TestDatabase, postgres_admin_url};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic_health::pb::HealthCheckRequest;

/// Alternating rounds per workload; the median round counts.
const ROUNDS: usize = 7;
/// Calls per round on one connection.
const CALLS: usize = 150;
/// Callers at once, each making `CALLS / CALLERS` calls, in the concurrent workload.
const CALLERS: usize = 15;
/// Pages of members per round.
const PAGES: usize = 30;
/// New connections per round in the connection workload.
const CONNECTIONS: usize = 20;

type Client = MembershipServiceClient<Transport>;

/// One membership server, its database and the credentials of the caller measured.
struct Server {
    running: Running,
    database: TestDatabase,
    caller: ClientSecurity,
    /// A caller scoped to the commune's province, and a national one: to tell the scope check's
    /// cost from the transport's and the token's.
    provincial: ClientSecurity,
    national: ClientSecurity,
    /// A member of the reference data (names are generated per database).
    member: String,
}

impl Server {
    async fn client(&self) -> Result<Client, BoxError> {
        self.client_as(&self.caller).await
    }

    async fn client_as(&self, caller: &ClientSecurity) -> Result<Client, BoxError> {
        Ok(MembershipServiceClient::new(
            self.running.connect_as(caller).await?,
        ))
    }

    async fn finish(self) -> Result<(), BoxError> {
        self.running.stop().await?;
        self.database.remove().await;
        Ok(())
    }
}

/// Starts a server with `config`, seeds it through the harness's own credentials (which also serve
/// as the national caller's) and returns it with the commune's and the province's callers.
async fn start(
    config: partyregistry_membership::Config,
    database: TestDatabase,
    harness: ClientSecurity,
    [caller, provincial]: [ClientSecurity; 2],
) -> Result<Server, BoxError> {
    let national = harness.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let running = partyregistry_tests::start_membership_with(config, listener, harness).await?;
    let transport = running.connect().await?;
    let mut membership = MembershipServiceClient::new(transport.clone());
    dataset::seed(&mut membership, &mut AdmissionServiceClient::new(transport)).await?;
    let member = members_page(&mut membership, 1)
        .await?
        .into_iter()
        .next()
        .ok_or("the reference data has no member")?
        .name;
    Ok(Server {
        running,
        database,
        caller,
        provincial,
        national,
        member,
    })
}

/// The first `page_size` members of the reference commune.
async fn members_page(client: &mut Client, page_size: i32) -> Result<Vec<Member>, BoxError> {
    Ok(client
        .list_members(ListMembersRequest {
            parent: dataset::COMMUNE.to_owned(),
            page_size,
            ..ListMembersRequest::default()
        })
        .await?
        .into_inner()
        .members)
}

/// Mean time per call over `calls` calls of `call`, in microseconds.
async fn per_call<F, Fut>(calls: usize, mut call: F) -> Result<f64, BoxError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), BoxError>>,
{
    let started = Instant::now();
    for _ in 0..calls {
        call().await?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / calls as f64)
}

/// What is measured.
#[derive(Debug, Clone, Copy)]
enum Workload {
    GetCommune,
    GetCommuneProvincial,
    GetCommuneNational,
    GetMember,
    ConcurrentGetMember,
    ListMembers,
    ConnectAndCall,
}

impl Workload {
    const ALL: [Workload; 7] = [
        Workload::GetCommune,
        Workload::GetCommuneProvincial,
        Workload::GetCommuneNational,
        Workload::GetMember,
        Workload::ConcurrentGetMember,
        Workload::ListMembers,
        Workload::ConnectAndCall,
    ];

    fn describe(self) -> String {
        match self {
            Workload::GetCommune => format!("GetCommune ×{CALLS} (not audited)"),
            Workload::GetCommuneProvincial => format!("GetCommune ×{CALLS}, province token"),
            Workload::GetCommuneNational => format!("GetCommune ×{CALLS}, national token"),
            Workload::GetMember => format!("GetMember ×{CALLS} (audited, personal fields)"),
            Workload::ConcurrentGetMember => {
                format!("GetMember ×{CALLS} by {CALLERS} callers at once")
            }
            Workload::ListMembers => format!("ListMembers ×{PAGES} (100 members per page)"),
            Workload::ConnectAndCall => format!("new connection + GetCommune ×{CONNECTIONS}"),
        }
    }

    /// One round on `server`: microseconds per call.
    async fn round(self, server: &Server) -> Result<f64, BoxError> {
        match self {
            Workload::GetCommune => get_commune(server.client().await?).await,
            Workload::GetCommuneProvincial => {
                get_commune(server.client_as(&server.provincial).await?).await
            }
            Workload::GetCommuneNational => {
                get_commune(server.client_as(&server.national).await?).await
            }
            Workload::GetMember => get_member(server).await,
            Workload::ConcurrentGetMember => concurrent_get_member(server).await,
            Workload::ListMembers => list_members(server).await,
            Workload::ConnectAndCall => connect_and_call(server).await,
        }
    }

    /// Measured on both servers in alternating rounds: the medians in microseconds.
    async fn compare(self, plain: &Server, secured: &Server) -> Result<(f64, f64), BoxError> {
        let (mut plain_times, mut secured_times) = (Vec::new(), Vec::new());
        // A warm-up round each, not counted.
        self.round(plain).await?;
        self.round(secured).await?;
        for round in 0..ROUNDS {
            if round % 2 == 0 {
                plain_times.push(self.round(plain).await?);
                secured_times.push(self.round(secured).await?);
            } else {
                secured_times.push(self.round(secured).await?);
                plain_times.push(self.round(plain).await?);
            }
        }
        Ok((median(plain_times), median(secured_times)))
    }
}

async fn get_commune(client: Client) -> Result<f64, BoxError> {
    per_call(CALLS, || {
        let mut client = client.clone();
        async move {
            client
                .get_commune(GetCommuneRequest {
                    name: dataset::COMMUNE.to_owned(),
                })
                .await?;
            Ok(())
        }
    })
    .await
}

async fn get_member(server: &Server) -> Result<f64, BoxError> {
    let client = server.client().await?;
    per_call(CALLS, || {
        let mut client = client.clone();
        let name = server.member.clone();
        async move {
            client.get_member(GetMemberRequest { name }).await?;
            Ok(())
        }
    })
    .await
}

/// `CALLERS` callers on one connection at once: the wall time per call.
async fn concurrent_get_member(server: &Server) -> Result<f64, BoxError> {
    let client = server.client().await?;
    let started = Instant::now();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let mut client = client.clone();
            let name = server.member.clone();
            tokio::spawn(async move {
                for _ in 0..CALLS / CALLERS {
                    client
                        .get_member(GetMemberRequest { name: name.clone() })
                        .await?;
                }
                Ok::<_, BoxError>(())
            })
        })
        .collect();
    for caller in callers {
        caller.await??;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / (CALLS / CALLERS * CALLERS) as f64)
}

async fn list_members(server: &Server) -> Result<f64, BoxError> {
    let client = server.client().await?;
    per_call(PAGES, || {
        let mut client = client.clone();
        async move {
            let page = members_page(&mut client, 100).await?;
            if page.len() != 100 {
                return Err(format!("a page of {} members", page.len()).into());
            }
            Ok(())
        }
    })
    .await
}

/// A new connection (with its TLS handshake on the secured server) and one call on it.
async fn connect_and_call(server: &Server) -> Result<f64, BoxError> {
    per_call(CONNECTIONS, || async {
        server
            .client()
            .await?
            .get_commune(GetCommuneRequest {
                name: dataset::COMMUNE.to_owned(),
            })
            .await?;
        Ok(())
    })
    .await
}

/// Calls per round of the probe comparison, shared among the callers in flight.
const PROBE_CALLS: usize = 320;
/// Callers in flight in the probe comparison.
const IN_FLIGHT: [usize; 3] = [1, 16, 64];

/// A round of the probe comparison at `callers` in flight: `PROBE_CALLS` calls among them.
fn probe_round(callers: usize) -> Budget {
    Budget {
        calls_per_caller: PROBE_CALLS / callers,
        at_least: Duration::ZERO,
    }
}

/// Audited `GetMember` on the local-mode server against the probe over its database, in
/// alternating rounds at each number of callers in flight.
async fn against_probe(
    backend: Backend,
    server: &Server,
    database_url: &str,
) -> Result<(), BoxError> {
    let shutdown = CancellationToken::new();
    let probe = start_probe(database_url, &server.member, shutdown.clone()).await?;
    let client = server.client().await?;
    let name = server.member.clone();
    let get_member = move || {
        let mut client = client.clone();
        let name = name.clone();
        async move {
            client.get_member(GetMemberRequest { name }).await?;
            Ok(())
        }
    };
    let check = move || {
        let mut probe = probe.clone();
        async move {
            probe.check(HealthCheckRequest::default()).await?;
            Ok(())
        }
    };
    println!(
        "\nGetMember (audited) against the probe on {backend:?}: {PROBE_CALLS} calls a round, median of {ROUNDS} alternating rounds"
    );
    println!(
        "{:>9} {:>9} {:>11} {:>7} {:>10} {:>14} {:>7} {:>10} {:>14}",
        "in flight",
        "probe/s",
        "GetMember/s",
        "ratio",
        "probe p50",
        "GetMember p50",
        "ratio",
        "probe p99",
        "GetMember p99"
    );
    let mut ratios = Vec::new();
    let mut p50_at_one = f64::NAN;
    for callers in IN_FLIGHT {
        let (mut probes, mut reads) = (Vec::new(), Vec::new());
        in_flight(callers, probe_round(callers), check.clone()).await?;
        in_flight(callers, probe_round(callers), get_member.clone()).await?;
        for round in 0..ROUNDS {
            if round % 2 == 0 {
                probes.push(in_flight(callers, probe_round(callers), check.clone()).await?);
                reads.push(in_flight(callers, probe_round(callers), get_member.clone()).await?);
            } else {
                reads.push(in_flight(callers, probe_round(callers), get_member.clone()).await?);
                probes.push(in_flight(callers, probe_round(callers), check.clone()).await?);
            }
        }
        let (probe, read) = (median_sample(&probes), median_sample(&reads));
        ratios.push(read.per_second / probe.per_second);
        if callers == 1 {
            p50_at_one = read.p50 / probe.p50;
        }
        println!(
            "{callers:>9} {:>9.0} {:>11.0} {:>6.2}× {:>10.0} {:>14.0} {:>6.2}× {:>10.0} {:>14.0}",
            probe.per_second,
            read.per_second,
            read.per_second / probe.per_second,
            probe.p50,
            read.p50,
            read.p50 / probe.p50,
            probe.p99,
            read.p99,
        );
    }
    shutdown.cancel();
    let ratios: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    println!(
        "audited reads on {backend:?}: GetMember {}× the probe at {} in flight, p50 {p50_at_one:.2}× the probe's at 1",
        ratios.join(" / "),
        IN_FLIGHT.map(|n| n.to_string()).join(" / ")
    );
    Ok(())
}

async fn run_on(backend: Backend) -> Result<(), BoxError> {
    let secrets = Secrets::create("bench-security")?;
    let plain_database = TestDatabase::create(backend, "bench_plain").await?;
    let plain_url = plain_database.url.clone();
    let plain = start(
        partyregistry_membership::Config::for_database(&plain_database.url),
        plain_database,
        ClientSecurity::default(),
        [ClientSecurity::default(), ClientSecurity::default()],
    )
    .await?;
    let secured_database = TestDatabase::create(backend, "bench_secured").await?;
    // The commune's own system and the province's (Lào Cai, 15 since the 2025 merger), which may
    // read member records with their personal fields.
    let reader = |subject: &str, provinces: &[&str], communes: &[&str]| {
        secrets
            .token(Claims {
                sub: subject.to_owned(),
                provinces: provinces.iter().map(|code| code.to_string()).collect(),
                communes: communes.iter().map(|code| code.to_string()).collect(),
                rights: vec![Right::Aggregates, Right::Records, Right::Personal],
                ..Claims::default()
            })
            .map(|token| secrets.client(Some(token)))
    };
    let secured = start(
        secrets.membership_config(&secured_database.url),
        secured_database,
        secrets.admin()?,
        [
            reader("he-thong-xa-02680", &[], &[dataset::COMMUNE_CODE])?,
            reader("he-thong-tinh-15", &["15"], &[])?,
        ],
    )
    .await?;

    if std::env::var_os("SECURITY_BENCH_PROBE_ONLY").is_some() {
        against_probe(backend, &plain, &plain_url).await?;
        plain.finish().await?;
        secured.finish().await?;
        secrets.remove();
        return Ok(());
    }
    println!(
        "\nmembership on {backend:?}: median of {ROUNDS} alternating rounds, microseconds per call"
    );
    println!(
        "{:<44} {:>10} {:>10} {:>8}",
        "workload", "plain", "secured", "ratio"
    );
    for workload in Workload::ALL {
        let (plain_time, secured_time) = workload.compare(&plain, &secured).await?;
        println!(
            "{:<44} {plain_time:>10.0} {secured_time:>10.0} {:>7.2}×",
            workload.describe(),
            secured_time / plain_time
        );
    }
    against_probe(backend, &plain, &plain_url).await?;
    plain.finish().await?;
    secured.finish().await?;
    secrets.remove();
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        run_on(Backend::Sqlite).await?;
        if postgres_admin_url().is_some() {
            run_on(Backend::Postgres).await?;
        } else {
            println!("\nTEST_DATABASE_URL is not set: PostgreSQL not measured");
        }
        Ok(())
    })
}
