//! Differencing attacks by a caller who may read aggregates only, each against the handlers over a
//! projection on SQLite and, when `TEST_DATABASE_URL` names a PostgreSQL server, PostgreSQL:
//! within one report (a cell kind minus its shown cells), across scopes (a small commune's own
//! reports and its province's ranking against the province's rows) and across dates (two
//! reports a day apart around one admission).
//!
//! Province 15 holds 02680 (three members, one cell), 02681 (26 members in cells of 10 and 6
//! residential, 3 school and 7 police members, and one more admitted on 2022-06-03 to the
//! first), 02682 (30 members) and 02683 (12 members, the smallest beside 02680).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use partyregistry_kit::auth::{Caller, Right};
use partyregistry_kit::db::{self, Backend, Database};
use partyregistry_kit::test_database::{TestDatabase, postgres_admin_url};
use partyregistry_proto::membership::v1::{
    Admission, Assignment, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member,
    MemberStatus, Province, change::Resource,
};
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
use partyregistry_proto::reporting::v1::{
    CommuneReport, GetCellHealthRequest, GetCommuneReportRequest, GetMovementsRequest,
    GetStatisticsRequest, RankCommunesRequest, RankingIndicator, Statistics,
};
use tonic::Code;

use crate::grpc::access::Access;
use crate::grpc::api::ReportingApi;
use crate::ingest::consumer::FeedState;
use crate::store::Store;
use crate::testing::request_as;

const SMALL: &str = "02680";
const CELLS: &str = "02681";
const LARGE: &str = "02682";
const BESIDE: &str = "02683";

fn commune(code: &str) -> Resource {
    Resource::Commune(Commune {
        name: format!("communes/{code}"),
        code: code.into(),
        display_name: format!("Xã {code}"),
        province_code: "15".into(),
        valid_from: "2020-01-01".into(),
        ..Commune::default()
    })
}

fn cell(commune: &str, id: &str, kind: CellKind) -> Resource {
    Resource::Cell(Cell {
        name: format!("communes/{commune}/cells/{id}"),
        display_name: format!("Chi bộ {id}"),
        kind: kind as i32,
        open_date: "2000-01-01".into(),
        ..Cell::default()
    })
}

/// A woman of the Kinh, born 1980, official since 2011 — or, with `admitted`, admitted (and
/// sworn in) that day.
fn member(id: i64, commune: &str, cell: &str, admitted: Option<&str>) -> Resource {
    let cell = format!("communes/{commune}/cells/{cell}");
    let (admission, status, since) = match admitted {
        Some(day) => (
            Admission {
                decision_date: day.into(),
                ceremony_date: day.into(),
                ..Admission::default()
            },
            MemberStatus::Probationary,
            day,
        ),
        None => (
            Admission {
                decision_date: "2010-01-10".into(),
                ceremony_date: "2010-01-20".into(),
                official_date: "2011-01-20".into(),
                ..Admission::default()
            },
            MemberStatus::Official,
            "2010-01-20",
        ),
    };
    Resource::Member(Member {
        name: format!("members/{id}"),
        full_name: format!("Đảng Viên Số {id}"),
        gender: Gender::Female as i32,
        birth_date: "1980-03-15".into(),
        ethnicity_code: "01".into(),
        general_education: GeneralEducation::UpperSecondary as i32,
        admission: Some(admission),
        status: status as i32,
        cell: cell.clone(),
        cell_since: since.into(),
        assignment: Assignment::Local as i32,
        admitted_in_cell: cell,
        ..Member::default()
    })
}

fn feed() -> Vec<Change> {
    let mut resources = vec![
        Resource::Province(Province {
            name: "provinces/15".into(),
            code: "15".into(),
            display_name: "Tỉnh 15".into(),
            valid_from: "2000-01-01".into(),
            ..Province::default()
        }),
        commune(SMALL),
        cell(SMALL, "thon-1", CellKind::Residential),
        commune(CELLS),
        cell(CELLS, "thon-1", CellKind::Residential),
        cell(CELLS, "thon-2", CellKind::Residential),
        cell(CELLS, "truong", CellKind::School),
        cell(CELLS, "cong-an", CellKind::Police),
        commune(LARGE),
        cell(LARGE, "thon-1", CellKind::Residential),
        commune(BESIDE),
        cell(BESIDE, "thon-1", CellKind::Residential),
    ];
    let mut id = 0;
    let mut add = |commune: &str, cell: &str, count: usize, admitted: Option<&str>| {
        (0..count)
            .map(|_| {
                id += 1;
                member(id, commune, cell, admitted)
            })
            .collect::<Vec<_>>()
    };
    resources.extend(add(SMALL, "thon-1", 3, None));
    resources.extend(add(CELLS, "thon-1", 10, None));
    resources.extend(add(CELLS, "thon-2", 6, None));
    resources.extend(add(CELLS, "truong", 3, None));
    resources.extend(add(CELLS, "cong-an", 7, None));
    resources.extend(add(LARGE, "thon-1", 30, None));
    resources.extend(add(BESIDE, "thon-1", 12, None));
    resources.extend(add(CELLS, "thon-1", 1, Some("2022-06-03")));
    resources
        .into_iter()
        .enumerate()
        .map(|(index, resource)| {
            let sequence = index as i64 + 1;
            Change {
                trace_parent: String::new(),
                moved_from_commune: String::new(),
                events: Vec::new(),
                sequence,
                commit_time: Some(db::timestamp(1_650_000_000_000_000 + sequence)),
                resource: Some(resource),
            }
        })
        .collect()
}

fn caller(subject: &str, rights: &[Right]) -> Caller {
    Caller {
        subject: subject.into(),
        national: false,
        provinces: BTreeSet::from(["15".to_owned()]),
        communes: BTreeSet::new(),
        rights: rights.iter().copied().collect(),
    }
}

fn aggregates() -> Caller {
    caller("thong-ke-15", &[Right::Aggregates])
}

fn records() -> Caller {
    caller("tinh-15", &[Right::Aggregates, Right::Records])
}

async fn api_over(database: Database) -> (ReportingApi, Store) {
    let store = Store::new(database.clone());
    let outcome = store.apply_changes(&feed(), 1).await.expect("feed applies");
    assert_eq!(outcome.malformed, 0);
    let access = Access::new(
        store.clone(),
        partyregistry_kit::audit::AuditLog::new(&database),
        5,
    );
    let api = ReportingApi::new(store.clone(), Arc::new(FeedState::default()), access);
    (api, store)
}

async fn commune_report(api: &ReportingApi, who: &Caller, code: &str, day: &str) -> CommuneReport {
    let mut report = api
        .get_commune_report(request_as(
            who,
            GetCommuneReportRequest {
                commune: format!("communes/{code}"),
                as_of_date: day.into(),
            },
        ))
        .await
        .expect("in scope")
        .into_inner();
    report.freshness = None;
    report
}

async fn statistics(api: &ReportingApi, who: &Caller, scope: &str, day: &str) -> Statistics {
    let mut statistics = api
        .get_statistics(request_as(
            who,
            GetStatisticsRequest {
                scope: scope.into(),
                as_of_date: day.into(),
                ..GetStatisticsRequest::default()
            },
        ))
        .await
        .expect("in scope")
        .into_inner();
    statistics.freshness = None;
    statistics
}

/// Which of `unknowns` variables the linear `equations` (coefficients; the constants do not
/// matter) pin down: variable `i` is determined when the unit vector `e_i` lies in the span of
/// the equations.
fn determined(equations: &[Vec<f64>], unknowns: usize) -> Vec<bool> {
    fn rank(mut rows: Vec<Vec<f64>>, columns: usize) -> usize {
        let mut rank = 0;
        for column in 0..columns {
            let Some(pivot) = (rank..rows.len()).find(|&r| rows[r][column].abs() > 1e-9) else {
                continue;
            };
            rows.swap(rank, pivot);
            let pivot_row = rows[rank].clone();
            for (r, row) in rows.iter_mut().enumerate() {
                if r != rank {
                    let factor = row[column] / pivot_row[column];
                    for (value, pivot_value) in row.iter_mut().zip(&pivot_row) {
                        *value -= factor * pivot_value;
                    }
                }
            }
            rank += 1;
        }
        rank
    }
    let base = rank(equations.to_vec(), unknowns);
    (0..unknowns)
        .map(|i| {
            let mut rows = equations.to_vec();
            let mut unit = vec![0.0; unknowns];
            unit[i] = 1.0;
            rows.push(unit);
            rank(rows, unknowns) == base
        })
        .collect()
}

/// What an attacker learns from one commune report: the hidden counts of people among the cells
/// and the cell kinds that the report's sums pin down, by name.
fn recovered_from(report: &CommuneReport) -> Vec<String> {
    let hidden_kinds: Vec<usize> = (0..report.by_cell_kind.len())
        .filter(|&k| report.by_cell_kind[k].suppressed)
        .collect();
    let hidden_cells: Vec<usize> = (0..report.cells.len())
        .filter(|&c| {
            report.cells[c]
                .suppressed_fields
                .iter()
                .any(|f| f == "members")
        })
        .collect();
    let unknowns = hidden_kinds.len() + hidden_cells.len();
    let kind_variable = |k: usize| hidden_kinds.iter().position(|&h| h == k);
    let cell_variable = |c: usize| {
        hidden_cells
            .iter()
            .position(|&h| h == c)
            .map(|v| v + hidden_kinds.len())
    };
    let total_shown = !report
        .suppressed_fields
        .iter()
        .any(|f| f == "total_members");
    let mut equations = Vec::new();
    let row = |variables: Vec<Option<usize>>| {
        let mut equation = vec![0.0; unknowns];
        variables
            .into_iter()
            .flatten()
            .for_each(|v| equation[v] += 1.0);
        equation
    };
    if total_shown {
        // The kinds add up to the total; so do the cells.
        equations.push(row((0..report.by_cell_kind.len())
            .map(kind_variable)
            .collect()));
        equations.push(row((0..report.cells.len()).map(cell_variable).collect()));
    }
    // The cells of one kind add up to the kind.
    for (k, bucket) in report.by_cell_kind.iter().enumerate() {
        let mut variables: Vec<Option<usize>> = (0..report.cells.len())
            .filter(|&c| report.cells[c].kind == bucket.key)
            .map(cell_variable)
            .collect();
        let mut equation = row(std::mem::take(&mut variables));
        if let Some(v) = kind_variable(k) {
            equation[v] -= 1.0;
        }
        equations.push(equation);
    }
    let names: Vec<String> = hidden_kinds
        .iter()
        .map(|&k| report.by_cell_kind[k].key.clone())
        .chain(hidden_cells.iter().map(|&c| report.cells[c].cell.clone()))
        .collect();
    determined(&equations, unknowns)
        .into_iter()
        .zip(names)
        .filter(|(found, _)| *found)
        .map(|(_, name)| name)
        .collect()
}

/// (a) Within one report: no hidden cell or kind follows from the report's own sums, and the
/// cell health report hides the same cells.
async fn no_hidden_count_follows_from_one_report(api: &ReportingApi) {
    let report = commune_report(api, &aggregates(), CELLS, "2022-05-31").await;
    assert_eq!(report.total_members, 26);
    let hidden: BTreeSet<&str> = report
        .cells
        .iter()
        .filter(|c| c.suppressed_fields.iter().any(|f| f == "members"))
        .map(|c| c.cell.as_str())
        .collect();
    assert!(hidden.contains("communes/02681/cells/truong"), "{report:?}");
    assert_eq!(recovered_from(&report), Vec::<String>::new(), "{report:?}");
    let health = api
        .get_cell_health(request_as(
            &aggregates(),
            GetCellHealthRequest {
                commune: format!("communes/{CELLS}"),
                as_of_date: "2022-05-31".into(),
                ..GetCellHealthRequest::default()
            },
        ))
        .await
        .expect("in scope")
        .into_inner();
    let health_hidden: BTreeSet<&str> = health
        .cells
        .iter()
        .filter(|c| c.suppressed_fields.iter().any(|f| f == "members"))
        .map(|c| c.cell.as_str())
        .collect();
    assert_eq!(health_hidden, hidden);
    // A caller with the records right sees every count.
    let exact = commune_report(api, &records(), CELLS, "2022-05-31").await;
    assert!(exact.cells.iter().all(|c| c.suppressed_fields.is_empty()));
    assert!(exact.by_cell_kind.iter().all(|b| !b.suppressed));
}

/// (b) Across scopes: the small commune's members are hidden in its own reports and in the
/// province's ranking, and are not the one unknown the province's total would give back.
async fn a_small_commune_is_hidden_at_every_scope(api: &ReportingApi) {
    let who = aggregates();
    let day = "2022-05-31";
    let province = statistics(api, &who, "provinces/15", day).await;
    assert_eq!(province.total_members, 71);
    let mut known: BTreeMap<String, i64> = BTreeMap::new();
    for unit in &province.units {
        if unit.suppressed_fields.is_empty() {
            known.insert(unit.commune.clone(), unit.members);
        }
    }
    let ranking = api
        .rank_communes(request_as(
            &who,
            RankCommunesRequest {
                province: "provinces/15".into(),
                indicator: RankingIndicator::Members as i32,
                year: 0,
                as_of_date: day.into(),
            },
        ))
        .await
        .expect("in scope")
        .into_inner();
    for ranked in &ranking.communes {
        if !ranked.suppressed {
            known.insert(ranked.commune.clone(), ranked.value as i64);
        }
    }
    for code in [SMALL, CELLS, LARGE, BESIDE] {
        let own = commune_report(api, &who, code, day).await;
        if !own.suppressed_fields.iter().any(|f| f == "total_members") {
            known.insert(own.commune.clone(), own.total_members);
        } else {
            assert_eq!((own.total_members, own.women), (0, 0), "{own:?}");
        }
        let scoped = statistics(api, &who, &format!("communes/{code}"), day).await;
        if !scoped
            .suppressed_fields
            .iter()
            .any(|f| f == "total_members")
        {
            known.insert(scoped.scope.clone(), scoped.total_members);
        }
    }
    let unknown: Vec<&str> = province
        .units
        .iter()
        .map(|u| u.commune.as_str())
        .filter(|c| !known.contains_key(*c))
        .collect();
    assert!(
        unknown.contains(&"communes/02680"),
        "the small commune is shown somewhere: {known:?}"
    );
    assert!(
        unknown.len() != 1,
        "the province's total minus the others gives {unknown:?} back"
    );
    // With the records right, the small commune's own report is exact.
    let exact = commune_report(api, &records(), SMALL, day).await;
    assert_eq!((exact.total_members, exact.women), (3, 3));
}

/// (c) Across dates: reports on consecutive days describe the same month end, so the one person
/// admitted in between is not described; a caller with the records right keeps exact days.
async fn reports_a_day_apart_describe_the_same_month_end(api: &ReportingApi) {
    let who = aggregates();
    let before = commune_report(api, &who, CELLS, "2022-06-02").await;
    let after = commune_report(api, &who, CELLS, "2022-06-03").await;
    // The figures first (the days asked for differ): nothing tells the newcomer apart.
    let figures = |report: &CommuneReport| CommuneReport {
        as_of_date: String::new(),
        ..report.clone()
    };
    assert_eq!(figures(&before), figures(&after));
    assert_eq!(before.as_of_date, "2022-05-31");
    assert_eq!(before, after);
    let province_before = statistics(api, &who, "provinces/15", "2022-06-02").await;
    let province_after = statistics(api, &who, "provinces/15", "2022-06-03").await;
    assert_eq!(province_before, province_after);
    // Movements over whole months only.
    let movements = api
        .get_movements(request_as(
            &who,
            GetMovementsRequest {
                scope: "provinces/15".into(),
                from_date: "2022-06-03".into(),
                to_date: "2022-06-03".into(),
            },
        ))
        .await
        .expect("in scope")
        .into_inner();
    assert_eq!(
        (movements.from_date.as_str(), movements.to_date.as_str()),
        ("2022-06-01", "2022-06-30")
    );
    // The ranking names the day it describes.
    let ranking = api
        .rank_communes(request_as(
            &who,
            RankCommunesRequest {
                province: "provinces/15".into(),
                indicator: RankingIndicator::Members as i32,
                year: 0,
                as_of_date: "2022-06-03".into(),
            },
        ))
        .await
        .expect("in scope")
        .into_inner();
    assert_eq!(
        (ranking.as_of_date.as_str(), ranking.year),
        ("2022-05-31", 2022)
    );
    // A month that has not ended yet is refused, naming the field.
    let today = partyregistry_vocab::date::format(partyregistry_vocab::date::today_in_vietnam());
    let status = api
        .get_movements(request_as(
            &who,
            GetMovementsRequest {
                scope: "provinces/15".into(),
                from_date: today.clone(),
                to_date: today,
            },
        ))
        .await
        .expect_err("the month is running");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("to_date"), "{}", status.message());
    // The records right: the exact day, and the admission shows.
    let exact_before = commune_report(api, &records(), CELLS, "2022-06-02").await;
    let exact_after = commune_report(api, &records(), CELLS, "2022-06-03").await;
    assert_eq!(exact_after.as_of_date, "2022-06-03");
    assert_eq!(
        exact_after.total_members,
        exact_before.total_members + 1,
        "{exact_after:?}"
    );
}

async fn on_fresh_database(backend: Backend, attack: &str) {
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL differencing test skipped");
        return;
    }
    let test_database = TestDatabase::create(backend, "reporting_differencing")
        .await
        .expect("test database is created");
    let database = db::connect(&test_database.url, &crate::MIGRATIONS)
        .await
        .expect("test database opens");
    let (api, store) = api_over(database).await;
    match attack {
        "within" => no_hidden_count_follows_from_one_report(&api).await,
        "scopes" => a_small_commune_is_hidden_at_every_scope(&api).await,
        _ => reports_a_day_apart_describe_the_same_month_end(&api).await,
    }
    store.close().await;
    test_database.remove().await;
}

#[tokio::test]
async fn sqlite_no_hidden_count_follows_from_one_report() {
    on_fresh_database(Backend::Sqlite, "within").await;
}

#[tokio::test]
async fn postgres_no_hidden_count_follows_from_one_report() {
    on_fresh_database(Backend::Postgres, "within").await;
}

#[tokio::test]
async fn sqlite_a_small_commune_is_hidden_at_every_scope() {
    on_fresh_database(Backend::Sqlite, "scopes").await;
}

#[tokio::test]
async fn postgres_a_small_commune_is_hidden_at_every_scope() {
    on_fresh_database(Backend::Postgres, "scopes").await;
}

#[tokio::test]
async fn sqlite_reports_a_day_apart_describe_the_same_month_end() {
    on_fresh_database(Backend::Sqlite, "dates").await;
}

#[tokio::test]
async fn postgres_reports_a_day_apart_describe_the_same_month_end() {
    on_fresh_database(Backend::Postgres, "dates").await;
}
