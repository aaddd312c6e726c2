//! The services at a province's scale, in one run per backend: a generated roster is loaded
//! through the real import path (`partyctl generate`'s files imported by `partyctl import`'s code
//! into a running pair, until reporting has applied the whole feed: load time and rate printed),
//! then each call is measured against its baseline in interleaved rounds (A B, B A, …; the median
//! round counts):
//!
//! - reports against raw SQL of the same figures over reporting's database (the roll on the day,
//!   one GROUP BY per breakdown, as `province_statistics` writes it): `GetCommuneReport` of the
//!   commune whose roll is nearest 1,700 members; `GetStatistics`, `GetMovements` (last year) and
//!   `RankCommunes` (by members) of the province; `GetStatistics` of the `country` scope against
//!   a scan of the whole roll when a country is loaded;
//! - audited `GetMember` at 1, 16 and 64 calls in flight against the probe (a bare tonic server
//!   in this process running one query on membership's database: the member's row) and a bare
//!   tonic hello at the same number in flight; `ListMembers` (a page of 50) against the probe
//!   running the same page query;
//! - `UpdateMember` of different members at 1, 16 and 64 in flight against the probe rewriting
//!   the same rows unchanged (one single-row write), and how long until each write is visible in
//!   reporting: its answer's `x-feed-sequence` asked of reporting as `x-min-feed-sequence`, which
//!   answers once its consumer has applied it (p50 and p99 over every write; one such call in
//!   flight settles every write up to the sequence reporting answers with).
//!
//! The services, the probe and the clients run in this one process: "CPU ms/call" is the
//! process's CPU time (user and system, `/proc/self/stat`) over a round divided by its calls,
//! clients and servers together, and PostgreSQL's own work is not in it; the resident memory
//! (`VmRSS`, peak `VmHWM` from `/proc/self/status`) is the process's too: its peak is started over
//! (`/proc/self/clear_refs`) before each size's report rounds, and the peak while they ran is
//! printed beside what the process held before them. Reporting's own memory is measured apart:
//! after a province's rounds, a second reporting instance — this program started again as a
//! reporting server alone (`scale/alone.rs`), on a database of its own — replays the whole feed
//! and answers the commune and province reports (4 callers of each for a round), and its replay
//! rate and peaks (while replaying, while the reports ran) are printed. The ratio column is the
//! call's p50 over its baseline's p50. The last line reads `scale: province <x>× raw, country
//! <y>× raw scan, GetMember <z>× probe, rss <n> MB`: x the province's `GetStatistics` p50 over
//! its raw SQL's, y the country's `GetStatistics` p99 over the raw scan's (`n/a` without a
//! country), z `GetMember`'s calls per second over the probe's at 16 in flight — PostgreSQL's
//! when it ran, SQLite's otherwise — and n the highest peak of reporting alone while the reports
//! ran (with a country, also this process's peak while the country's report ran).
//!
//! `cargo bench -p partyregistry-tests --bench scale` (SQLite), with
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` for PostgreSQL too. Sizes:
//! `SCALE_PROVINCE_MEMBERS` (default 165,000 on PostgreSQL, a province's roll, and 20,000 on
//! SQLite, to keep its load short — at that size the generator's communes hold a few hundred
//! members each, so SQLite's commune is the largest, not one of 1,700); `SCALE_COUNTRY_MEMBERS`
//! (PostgreSQL only, off unless set: 5,600,000 is the country, which at a province's load rate
//! of about 2,300 members/s takes the better part of an hour) loads every province into a second
//! pair. A default run takes about twelve minutes on two cores. `SCALE_ROUNDS` (default 5)
//! and `SCALE_ROUND_MS` (default 1000: each caller makes at least 3 calls and goes on until the
//! round has lasted that long).

#[path = "scale/alone.rs"]
mod alone;
#[path = "scale/calls.rs"]
mod calls;
#[path = "scale/load.rs"]
mod load;
#[path = "scale/rounds.rs"]
mod rounds;
#[path = "scale/visibility.rs"]
mod visibility;

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_tests::bench::{Budget, memory_mb, restart_peak_memory, start_probe};
use partyregistry_tests::raw_statistics::RawScope;
use partyregistry_tests::{Backend, postgres_admin_url};
use tokio_util::sync::CancellationToken;

use calls::{IN_FLIGHT, Target};
use load::Loaded;
use rounds::{Plan, Row, grouped, interleaved, print_table};
use visibility::Visibility;

/// Official members read and written in turn by `GetMember` and `UpdateMember`: a page.
const MEMBERS_USED: i32 = 500;

fn env_number(variable: &str) -> Option<u64> {
    std::env::var(variable).ok().and_then(|v| v.parse().ok())
}

/// The probe, a pool on reporting's database and the clients, for the pair of `loaded`.
async fn target(
    loaded: &Loaded,
    member: &str,
    shutdown: &CancellationToken,
) -> Result<Target, BoxError> {
    let probe = start_probe(
        loaded.pair.membership_database_url(),
        member,
        shutdown.clone(),
    )
    .await?;
    let reporting_pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(4)
        .connect(loaded.pair.reporting_database_url())
        .await?;
    Ok(Target {
        membership: loaded.pair.membership.clone(),
        reports: loaded.pair.reports.clone(),
        probe,
        reporting_pool,
        today: loaded.today,
    })
}

/// Measured rows, with the peak resident memory (MB) while the reports ran: at a province, that of
/// a reporting instance in a process of its own; at the country, this process's (an upper bound).
type Measured = (Vec<Row>, u64);

/// Runs `reports` with the process's peak memory started over: their rows and the peak while they
/// ran, printed beside what the process held before them (both services, the probe, the clients).
async fn reports_in_memory(
    backend: Backend,
    reports: impl std::future::Future<Output = Result<Vec<Row>, BoxError>>,
) -> Result<Measured, BoxError> {
    let (before, _) = memory_mb();
    restart_peak_memory();
    let rows = reports.await?;
    let (_, peak) = memory_mb();
    println!(
        "{backend:?}: {before} MB resident before the reports, peak {peak} MB while they ran (+{} MB)",
        peak.saturating_sub(before)
    );
    Ok((rows, peak))
}

/// The province: loaded, then every call but the country's measured; last, a second reporting
/// instance in a process of its own replays the feed and answers the reports, for its memory.
async fn province(backend: Backend, members: u64, plan: Plan) -> Result<Measured, BoxError> {
    let mut loaded = load::load(backend, members, 1, "scale_province").await?;
    let (rss, _) = memory_mb();
    println!("{backend:?}: {rss} MB resident after the load");
    let officials = loaded.officials(MEMBERS_USED).await?;
    let shutdown = CancellationToken::new();
    let target = target(&loaded, &officials[0].name, &shutdown).await?;
    let commune_size = format!(
        "commune {}, {} members",
        loaded.commune,
        grouped(loaded.commune_members)
    );
    let province_size = format!(
        "province {}, {} members",
        loaded.province,
        grouped(loaded.province_members)
    );
    let (mut rows, _) = reports_in_memory(backend, async {
        let mut rows = interleaved(
            backend,
            plan,
            &calls::commune(&target, &loaded.commune, &commune_size),
        )
        .await?;
        let mut province_calls = calls::statistics(
            &target,
            &format!("provinces/{}", loaded.province),
            RawScope::Province(loaded.province.clone()),
            &province_size,
        );
        // The movements' and the ranking's baselines follow the two statistics workloads.
        province_calls.extend(
            calls::province_reports(&target, &loaded.province, &province_size)
                .into_iter()
                .map(|mut workload| {
                    workload.baseline = workload.baseline.map(|b| b + 2);
                    workload
                }),
        );
        rows.extend(interleaved(backend, plan, &province_calls).await?);
        Ok(rows)
    })
    .await?;
    for callers in IN_FLIGHT {
        let workloads = calls::get_member(&target, &officials, callers, &province_size)?;
        rows.extend(interleaved(backend, plan, &workloads).await?);
    }
    rows.extend(
        interleaved(
            backend,
            plan,
            &calls::list_members(&target, &loaded.commune, &commune_size),
        )
        .await?,
    );
    let queue = calls::writable(&officials);
    for callers in IN_FLIGHT {
        let visibility = Visibility::start(target.reports.clone());
        let workloads =
            calls::update_member(&target, &queue, callers, &province_size, visibility.notes())?;
        rows.extend(interleaved(backend, plan, &workloads).await?);
        rows.push(calls::visibility_row(visibility, backend, callers, &province_size).await?);
    }
    let head = loaded.pair.caught_up().await?;
    let budget = Budget {
        calls_per_caller: 3,
        at_least: plan.round,
    };
    let alone_peak = alone::measure(
        backend,
        &loaded.pair.membership_service()?.url(),
        head,
        budget,
        |reports| {
            let target = Target {
                reports,
                ..target.clone()
            };
            let mut workloads = calls::commune(&target, &loaded.commune, &commune_size);
            workloads.extend(calls::statistics(
                &target,
                &format!("provinces/{}", loaded.province),
                RawScope::Province(loaded.province.clone()),
                &province_size,
            ));
            workloads.extend(calls::province_reports(
                &target,
                &loaded.province,
                &province_size,
            ));
            // Reporting's own calls, not their raw SQL.
            workloads.retain(|workload| workload.baseline.is_some());
            workloads
        },
    )
    .await?;
    shutdown.cancel();
    target.reporting_pool.close().await;
    loaded.pair.finish().await?;
    Ok((rows, alone_peak))
}

/// The country: every province loaded into a second pair, then its statistics measured.
async fn country(backend: Backend, members: u64, plan: Plan) -> Result<Measured, BoxError> {
    let mut loaded = load::load(backend, members, 34, "scale_country").await?;
    let officials = loaded.officials(1).await?;
    let shutdown = CancellationToken::new();
    let target = target(&loaded, &officials[0].name, &shutdown).await?;
    let size = format!("country, {} members", grouped(loaded.members));
    let measured = reports_in_memory(
        backend,
        interleaved(
            backend,
            plan,
            &calls::statistics(&target, "country", RawScope::Country, &size),
        ),
    )
    .await?;
    shutdown.cancel();
    target.reporting_pool.close().await;
    loaded.pair.finish().await?;
    Ok(measured)
}

/// The row of `rows` whose measure starts with `measure`.
fn find<'a>(rows: &'a [Row], measure: &str) -> Option<&'a Row> {
    rows.iter().find(|row| row.measure.starts_with(measure))
}

/// The last line: the figures of PostgreSQL's rows when it ran, SQLite's otherwise.
fn summary(rows: &[Row], reports_peak: u64) -> String {
    let backend = if rows.iter().any(|r| r.backend == Backend::Postgres) {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let rows: Vec<Row> = rows
        .iter()
        .filter(|r| r.backend == backend)
        .cloned()
        .collect();
    let figure = |value: Option<f64>| value.map_or("n/a".to_owned(), |v| format!("{v:.2}"));
    let province = find(&rows, "GetStatistics provinces/").and_then(|r| r.ratio);
    let country = find(&rows, "GetStatistics country")
        .zip(find(&rows, "raw SQL: statistics, full scan"))
        .map(|(service, raw)| service.p99_ms / raw.p99_ms);
    let get_member = find(&rows, "GetMember (audited), 16 in flight")
        .and_then(|r| Some(r.per_second? / r.baseline_per_second?));
    format!(
        "scale: province {}× raw, country {}× raw scan, GetMember {}× probe, rss {reports_peak} MB",
        figure(province),
        figure(country),
        figure(get_member)
    )
}

fn main() -> Result<(), BoxError> {
    if let Some(served) = alone::serve_if_asked() {
        return served;
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()?
        .block_on(measure())
}

/// Loads and measures each size on each backend, and prints the table and the summary.
async fn measure() -> Result<(), BoxError> {
    let plan = Plan {
        rounds: env_number("SCALE_ROUNDS").unwrap_or(5).max(1) as usize,
        round: Duration::from_millis(env_number("SCALE_ROUND_MS").unwrap_or(1000)),
    };
    let province_members = env_number("SCALE_PROVINCE_MEMBERS");
    let country_members = env_number("SCALE_COUNTRY_MEMBERS").filter(|n| *n > 0);
    let (mut rows, mut reports_peak) =
        province(Backend::Sqlite, province_members.unwrap_or(20_000), plan).await?;
    let mut add = |(measured, peak): Measured| {
        rows.extend(measured);
        reports_peak = reports_peak.max(peak);
    };
    if postgres_admin_url().is_some() {
        add(province(Backend::Postgres, province_members.unwrap_or(165_000), plan).await?);
        if let Some(members) = country_members {
            add(country(Backend::Postgres, members, plan).await?);
        }
    } else {
        println!("PostgreSQL skipped: set TEST_DATABASE_URL");
        if country_members.is_some() {
            println!("the country is loaded on PostgreSQL only: SCALE_COUNTRY_MEMBERS ignored");
        }
    }
    print_table(&rows);
    let (rss, _) = memory_mb();
    println!("\nresident memory of the process now: {rss} MB");
    println!("{}", summary(&rows, reports_peak));
    Ok(())
}
