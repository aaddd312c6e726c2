//! The roster import against the raw loaders of each database, in one run: synthetic members
//! imported through `ImportRoster` over gRPC (batches of [`BATCH`] members, the units in the first
//! one) on SQLite and on PostgreSQL; the same member rows, read back from the imported database,
//! loaded raw into a fresh database with the same schema (PostgreSQL `COPY … FROM STDIN` through
//! sqlx's copy-in; the `sqlite3` command line's `.import` of a CSV file, one transaction); and the
//! reporting service catching up on the imported feed from an empty projection, its schema created
//! beforehand (replay).
//!
//! The last line reads `import: <SQLite members/s> (<ratio>× .import), <PostgreSQL members/s>
//! (<ratio>× COPY), replay <SQLite events/s>/<PostgreSQL events/s>`, each replay into a reporting
//! database of the same backend as the membership database it follows.
//!
//! `cargo bench -p partyregistry-tests --bench import` (SQLite only), with
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` for PostgreSQL too. Sizes:
//! `IMPORT_BENCH_MEMBERS` (default 20,000), `IMPORT_BENCH_PG_MEMBERS` (default the same),
//! `IMPORT_BENCH_ROUNDS` (default 3; the median round counts). The import and the raw load
//! alternate within each round, so that the machine's noise falls on both alike.
//!
//! With `IMPORT_BENCH_GENERATED=N` (e.g. 165000), a province of N generated members is then
//! imported through `partyctl import`'s code into an empty pair (PostgreSQL when configured) and
//! reporting's count today — the province's and three random communes' — is checked against the
//! generator's manifest; its rate is given against the raw load of the same run.
//!
//! The raw load writes the `members` rows only (with the table's indexes): the roster as a table.
//! The import writes, per member, that row, its events, its change on the feed and its
//! imported-row record, and checks every rule and duplicate on the way.

use std::time::{Duration, Instant};

use partyregistry_cli::synthetic::country::{CountryOptions, generate};
use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_kit::test_database::unique_test_name;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{
    Backend, Dice, ImportTimes, Pair, TestDatabase, feed_head, import_and_catch_up,
    postgres_admin_url, reporting_client, start_membership, start_reporting_with,
    wait_caught_up_within,
};
use partyregistry_vocab::date;
use sqlx::Connection;
use tokio::net::TcpListener;
use tokio_stream::StreamExt;

/// Members per `ImportRoster` call.
const BATCH: usize = 2_000;
/// Members per synthetic commune, about a commune's roll.
const MEMBERS_PER_COMMUNE: usize = 1_700;
/// Cells per synthetic commune.
const CELLS_PER_COMMUNE: usize = 12;

const FAMILY: [&str; 10] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Vàng",
];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Đức", "Thanh", "Minh", "Ngọc", "A", "Hữu"];
const GIVEN: [&str; 12] = [
    "An", "Bình", "Cường", "Dung", "Giang", "Hoa", "Khánh", "Lan", "Mai", "Páo", "Sáng", "Tâm",
];

fn commune_code(c: usize) -> String {
    format!("{:05}", 90_000 + c)
}

fn cell_name(k: usize) -> String {
    format!("Chi bộ thôn Bản {}", k + 1)
}

/// The units and the `count` synthetic members of province 15, in batches of [`BATCH`].
fn roster(count: usize, import_id: &str) -> Vec<pb::ImportRosterRequest> {
    let communes = count.div_ceil(MEMBERS_PER_COMMUNE).max(1);
    let mut random = Dice(42);
    let members: Vec<pb::ImportMember> = (0..count)
        .map(|i| {
            // A birth day of its own for each member of a commune (so that no two rows are the
            // same person), spread over 1940-1980.
            let k = i / communes;
            let birth_year = 1940 + 8 * (k / 336) + (k % 336) % 8;
            let (month, day) = (1 + (k % 336) / 28, 1 + k % 28);
            let ceremony_year = (birth_year + 19 + random.index(30)).min(2025);
            let probationary = ceremony_year >= 2025;
            let mut row = pb::ImportMember {
                row_number: i as i64 + 2,
                row_key: i.to_string(),
                commune_code: commune_code(i % communes),
                cell_display_name: cell_name(random.index(CELLS_PER_COMMUNE)),
                member: Some(pb::Member {
                    full_name: format!(
                        "{} {} {}",
                        FAMILY[random.index(FAMILY.len())],
                        MIDDLE[random.index(MIDDLE.len())],
                        GIVEN[random.index(GIVEN.len())]
                    ),
                    gender: (1 + random.index(2)) as i32,
                    birth_date: format!("{birth_year}-{month:02}-{day:02}"),
                    ethnicity_code: format!("{:02}", 1 + random.index(12)),
                    citizen_id: format!("{:012}", 15_000_000_000 + i),
                    home_town: "Xã Bản Lầu, tỉnh Lào Cai".into(),
                    general_education: (1 + random.index(3)) as i32,
                    qualification: (1 + random.index(6)) as i32,
                    political_theory: (1 + random.index(4)) as i32,
                    occupation: "Nông dân".into(),
                    card_number: format!("{:012}", 15_000_000_000 + i),
                    ..Default::default()
                }),
                admission: Some(pb::Admission {
                    ceremony_date: format!("{ceremony_year}-{month:02}-{day:02}"),
                    official_date: if probationary {
                        String::new()
                    } else {
                        format!("{}-{month:02}-{day:02}", ceremony_year + 1)
                    },
                    ..Default::default()
                }),
                ..Default::default()
            };
            let long_standing = ceremony_year < 2020;
            if long_standing && random.index(40) == 0 {
                row.departure_kind = pb::DepartureKind::Death.into();
                row.departure_date = "2024-06-01".into();
            } else if long_standing && random.index(30) == 0 {
                row.exempt_since = "2024-01-01".into();
            }
            row
        })
        .collect();
    let mut batches: Vec<pb::ImportRosterRequest> = members
        .chunks(BATCH)
        .map(|chunk| pb::ImportRosterRequest {
            import_id: import_id.into(),
            members: chunk.to_vec(),
            ..Default::default()
        })
        .collect();
    if let Some(first) = batches.first_mut() {
        first.communes = (0..communes)
            .map(|c| pb::ImportCommune {
                row_number: 1,
                code: commune_code(c),
                display_name: format!("Xã Thử Nghiệm {}", c + 1),
                province_code: "15".into(),
                valid_from: "2025-07-01".into(),
            })
            .collect();
        first.cells = (0..communes)
            .flat_map(|c| {
                (0..CELLS_PER_COMMUNE).map(move |k| pb::ImportCell {
                    row_number: 1,
                    commune_code: commune_code(c),
                    display_name: cell_name(k),
                    kind: pb::CellKind::Residential.into(),
                    open_date: "1960-01-01".into(),
                })
            })
            .collect();
    }
    batches
}

/// One round's figures.
#[derive(Debug, Clone, Copy)]
struct Round {
    import_per_s: f64,
    raw_per_s: f64,
    replay_per_s: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Imports `batches` into a fresh membership database; returns the members per second, the
/// database (kept for the raw load and the replay) and the running server.
async fn import_round(
    backend: Backend,
    batches: &[pb::ImportRosterRequest],
    count: usize,
) -> Result<(f64, TestDatabase, partyregistry_tests::Running), BoxError> {
    let database = TestDatabase::create(backend, "import_bench").await?;
    let running = start_membership(&database.url, TcpListener::bind("127.0.0.1:0").await?).await?;
    let mut client = MembershipServiceClient::new(running.connect().await?)
        .max_decoding_message_size(64 << 20)
        .max_encoding_message_size(64 << 20);
    let units: usize = batches
        .iter()
        .map(|b| b.communes.len() + b.cells.len())
        .sum();
    let started = Instant::now();
    let mut created = 0;
    for batch in batches {
        let response = client.import_roster(batch.clone()).await?.into_inner();
        if response.rejected + response.duplicates > 0 {
            let first = response.results.iter().find(|r| !r.problems.is_empty());
            return Err(format!("the synthetic roster was refused: {first:?}").into());
        }
        created += response.created as usize;
    }
    let elapsed = started.elapsed();
    if created != count + units {
        return Err(format!("{created} rows created of {count} members and {units} units").into());
    }
    Ok((count as f64 / elapsed.as_secs_f64(), database, running))
}

/// Reporting on a fresh database follows the imported feed from zero: changes per second until it
/// has applied the head.
async fn replay(
    backend: Backend,
    membership: &partyregistry_tests::Running,
) -> Result<f64, BoxError> {
    let mut client = MembershipServiceClient::new(membership.connect().await?);
    let head = feed_head(&mut client).await?;
    let database = TestDatabase::create(backend, "import_bench_r").await?;
    // The schema is created before the clock starts: the replay is the feed's catch-up, not the
    // creation of an empty database's tables.
    partyregistry_kit::db::connect(&database.url, &partyregistry_reporting::MIGRATIONS)
        .await?
        .pool
        .close()
        .await;
    let config = partyregistry_reporting::Config::new(&database.url, membership.url());
    let started = Instant::now();
    let reporting = start_reporting_with(config, ClientSecurity::default()).await?;
    let mut reports = reporting_client(&reporting).await?;
    // A minute, and a second per 500 changes beyond it: a province's feed takes minutes.
    let limit = Duration::from_secs(60 + u64::try_from(head / 500).unwrap_or(0));
    wait_caught_up_within(&mut reports, head, limit).await?;
    let elapsed = started.elapsed();
    reporting.stop().await?;
    database.remove().await;
    Ok(head as f64 / elapsed.as_secs_f64())
}

/// A fresh database with the membership schema and the units of `source`, ready for the raw load.
async fn target_with_units(backend: Backend) -> Result<TestDatabase, BoxError> {
    let target = TestDatabase::create(backend, "import_bench_raw").await?;
    let database =
        partyregistry_kit::db::connect(&target.url, &partyregistry_membership::MIGRATIONS).await?;
    database.pool.close().await;
    Ok(target)
}

fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite://")
}

/// Runs the `sqlite3` command line on `database` with `options`, then one command.
fn sqlite3(database: &str, options: &[&str], command: &str) -> Result<Vec<u8>, BoxError> {
    // The running membership server keeps the source open and may hold its lock for a moment
    // (a checkpoint, an audit entry): wait for it as the services do instead of failing at once.
    let output = std::process::Command::new("sqlite3")
        .args(["-cmd", ".timeout 10000"])
        .args(options)
        .arg(database)
        .arg(command)
        .output()?;
    if !output.status.success() {
        return Err(format!("sqlite3: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    Ok(output.stdout)
}

/// SQLite: the members of `source` written to CSV (the sort key as hex text, since CSV holds
/// no bytes), then `.import`ed by the `sqlite3` command line into a fresh database holding the
/// same units. Members per second of the `.import` alone.
async fn raw_sqlite(source: &TestDatabase, count: usize) -> Result<f64, BoxError> {
    let target = target_with_units(Backend::Sqlite).await?;
    let (from, to) = (sqlite_path(&source.url), sqlite_path(&target.url));
    sqlite3(
        to,
        &[],
        &format!(
            "attach '{from}' as source; insert into communes select * from source.communes; \
             insert into cells select * from source.cells;"
        ),
    )?;
    let columns = String::from_utf8(sqlite3(
        from,
        &[],
        "select group_concat(case when name = 'sort_key' then 'hex(sort_key)' else name end, ', ') \
         from pragma_table_info('members')",
    )?)?;
    let csv = std::env::temp_dir().join(format!("import_bench_{}.csv", std::process::id()));
    let rows = sqlite3(
        from,
        &["-csv"],
        &format!("select {} from members", columns.trim()),
    )?;
    std::fs::write(&csv, rows)?;
    let started = Instant::now();
    sqlite3(to, &[], &format!(".import --csv {} members", csv.display()))?;
    let elapsed = started.elapsed();
    let loaded = String::from_utf8(sqlite3(to, &[], "select count(*) from members")?)?;
    std::fs::remove_file(&csv)?;
    target.remove().await;
    if loaded.trim() != count.to_string() {
        return Err(format!(".import loaded {} rows of {count}", loaded.trim()).into());
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

async fn copy_out(connection: &mut sqlx::PgConnection, table: &str) -> Result<Vec<u8>, BoxError> {
    let mut stream = connection
        .copy_out_raw(&format!("copy {table} to stdout (format csv)"))
        .await?;
    let mut data = Vec::new();
    while let Some(chunk) = stream.next().await {
        data.extend_from_slice(&chunk?);
    }
    Ok(data)
}

async fn copy_in(
    connection: &mut sqlx::PgConnection,
    table: &str,
    data: &[u8],
) -> Result<u64, BoxError> {
    let mut copy = connection
        .copy_in_raw(&format!("copy {table} from stdin (format csv)"))
        .await?;
    copy.send(data).await?;
    Ok(copy.finish().await?)
}

/// PostgreSQL: the members of `source` copied out as CSV, then `COPY`ed into a fresh database
/// holding the same units. Members per second of the `COPY … FROM STDIN` alone.
async fn raw_postgres(source: &TestDatabase, count: usize) -> Result<f64, BoxError> {
    let target = target_with_units(Backend::Postgres).await?;
    let mut from = sqlx::PgConnection::connect(&source.url).await?;
    let mut to = sqlx::PgConnection::connect(&target.url).await?;
    for table in ["communes", "cells"] {
        let data = copy_out(&mut from, table).await?;
        copy_in(&mut to, table, &data).await?;
    }
    let members = copy_out(&mut from, "members").await?;
    let started = Instant::now();
    let loaded = copy_in(&mut to, "members", &members).await?;
    let elapsed = started.elapsed();
    from.close().await?;
    to.close().await?;
    target.remove().await;
    if loaded != count as u64 {
        return Err(format!("COPY loaded {loaded} rows of {count}").into());
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

async fn measure(backend: Backend, count: usize, rounds: usize) -> Result<Round, BoxError> {
    let batches = roster(count, "import-bench");
    let mut figures = Vec::new();
    for round in 0..rounds {
        let (import_per_s, database, running) = import_round(backend, &batches, count).await?;
        let raw_per_s = match backend {
            Backend::Sqlite => raw_sqlite(&database, count).await?,
            Backend::Postgres => raw_postgres(&database, count).await?,
        };
        let replay_per_s = replay(backend, &running).await?;
        running.stop().await?;
        database.remove().await;
        println!(
            "{backend:?} round {}: import {import_per_s:.0} members/s, raw {raw_per_s:.0} members/s \
             ({:.2}×), replay {replay_per_s:.0} events/s",
            round + 1,
            import_per_s / raw_per_s
        );
        figures.push(Round {
            import_per_s,
            raw_per_s,
            replay_per_s,
        });
    }
    Ok(Round {
        import_per_s: median(figures.iter().map(|r| r.import_per_s).collect()),
        raw_per_s: median(figures.iter().map(|r| r.raw_per_s).collect()),
        replay_per_s: median(figures.iter().map(|r| r.replay_per_s).collect()),
    })
}

/// A generated province (`partyctl generate`'s files) imported by `partyctl import`'s own code,
/// in batches of [`BATCH`], into an empty pair, then checked against the generator's manifest as
/// reporting counts it today: the province's members (official, probationary, women) and three
/// communes drawn at random. Returns the import's members per second and reporting's changes per
/// second catching up from the end of the import.
async fn generated_province(backend: Backend, members: u64) -> Result<Round, BoxError> {
    let today = date::today_in_vietnam();
    let directory = std::env::temp_dir().join(unique_test_name("import_bench_generated"));
    let options = CountryOptions {
        members,
        provinces: 1,
        seed: 1,
        today,
    };
    let manifest = generate(&options, &directory, |_| {})?;
    let province = manifest.provinces.first().ok_or("one province generated")?;
    let mut pair = Pair::start(backend, "import_bench_generated").await?;
    let ImportTimes {
        import_seconds,
        head,
        catch_up_seconds: replay_seconds,
    } = import_and_catch_up(
        &mut pair,
        vec![directory.join(&province.file)],
        BATCH as u64,
        manifest.counts.rows,
    )
    .await?;

    let as_of_date = date::format(today);
    let statistics = pair
        .reports
        .get_statistics(report::GetStatisticsRequest {
            scope: format!("provinces/{}", province.code),
            as_of_date: as_of_date.clone(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let counted = |total: i64, official: i64, probationary: i64, women: i64| {
        [total, official, probationary, women].map(|n| u64::try_from(n).unwrap_or(u64::MAX))
    };
    let expected = |counts: &partyregistry_cli::synthetic::country::Counts| {
        [
            counts.on_roll,
            counts.official,
            counts.probationary,
            counts.women,
        ]
    };
    let found = counted(
        statistics.total_members,
        statistics.official_members,
        statistics.probationary_members,
        statistics.women,
    );
    if found != expected(&province.counts) {
        return Err(format!(
            "province {}: reporting counts {found:?} (on roll, official, probationary, women), the manifest {:?}",
            province.code,
            expected(&province.counts)
        )
        .into());
    }
    let mut dice = Dice(members);
    for _ in 0..3 {
        let commune = &province.communes[dice.index(province.communes.len())];
        let figures = pair
            .reports
            .get_commune_report(report::GetCommuneReportRequest {
                commune: format!("communes/{}", commune.code),
                as_of_date: as_of_date.clone(),
            })
            .await?
            .into_inner();
        let found = counted(
            figures.total_members,
            figures.official_members,
            figures.probationary_members,
            figures.women,
        );
        if found != expected(&commune.counts) {
            return Err(format!(
                "commune {}: reporting counts {found:?}, the manifest {:?}",
                commune.code,
                expected(&commune.counts)
            )
            .into());
        }
        println!(
            "{backend:?} generated province: commune {} as the manifest says: {found:?}",
            commune.code
        );
    }
    println!(
        "{backend:?} generated province {} ({} rows, {} on the roll today): imported in {import_seconds:.1} s, reporting caught up {replay_seconds:.1} s later; its count today equals the manifest",
        province.code, manifest.counts.rows, manifest.counts.on_roll
    );
    pair.finish().await?;
    std::fs::remove_dir_all(&directory).ok();
    Ok(Round {
        import_per_s: manifest.counts.rows as f64 / import_seconds,
        raw_per_s: 0.0,
        replay_per_s: head as f64 / replay_seconds,
    })
}

fn size(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> Result<(), BoxError> {
    let members = size("IMPORT_BENCH_MEMBERS", 20_000);
    let pg_members = size("IMPORT_BENCH_PG_MEMBERS", members);
    let rounds = size("IMPORT_BENCH_ROUNDS", 3).max(1);
    let sqlite = measure(Backend::Sqlite, members, rounds).await?;
    let postgres = match postgres_admin_url() {
        Some(_) => Some(measure(Backend::Postgres, pg_members, rounds).await?),
        None => {
            println!("PostgreSQL skipped: set TEST_DATABASE_URL");
            None
        }
    };
    println!();
    println!("| backend | members | import members/s | raw members/s | ratio | replay events/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut rows = vec![("SQLite (.import)", members, sqlite)];
    if let Some(pg) = postgres {
        rows.push(("PostgreSQL (COPY)", pg_members, pg));
    }
    for (name, count, r) in &rows {
        println!(
            "| {name} | {count} | {:.0} | {:.0} | {:.2} | {:.0} |",
            r.import_per_s,
            r.raw_per_s,
            r.import_per_s / r.raw_per_s,
            r.replay_per_s
        );
    }
    let (pg_part, pg_replay) = match postgres {
        Some(pg) => (
            format!(
                "{:.0} ({:.2}× COPY)",
                pg.import_per_s,
                pg.import_per_s / pg.raw_per_s
            ),
            format!("{:.0}", pg.replay_per_s),
        ),
        None => ("n/a (× COPY)".to_owned(), "n/a".to_owned()),
    };
    println!(
        "import: {:.0} ({:.2}× .import), {pg_part}, replay {:.0}/{pg_replay}",
        sqlite.import_per_s,
        sqlite.import_per_s / sqlite.raw_per_s,
        sqlite.replay_per_s
    );
    let generated = size("IMPORT_BENCH_GENERATED", 0) as u64;
    if generated > 0 {
        // On PostgreSQL when it is configured, against the raw load measured above.
        let (backend, raw) = match postgres {
            Some(pg) => (Backend::Postgres, pg.raw_per_s),
            None => (Backend::Sqlite, sqlite.raw_per_s),
        };
        let province = generated_province(backend, generated).await?;
        println!(
            "generated province: {generated} members imported by partyctl import at {:.0}/s ({:.2}× the raw load above), replay {:.0}/s; reporting equals the manifest",
            province.import_per_s,
            province.import_per_s / raw,
            province.replay_per_s
        );
    }
    Ok(())
}
