//! The calls measured on a loaded pair, each group with its baselines.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::bench::{ProbeCall, member_id};
use partyregistry_tests::raw_statistics::{self, RawScope};
use partyregistry_tests::{Backend, ReportingClient};
use partyregistry_vocab::date::{self, Date};
use sqlx::AnyPool;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;

use crate::rounds::{Call, Row, Workload, call};
use crate::visibility::{Notes, Visibility};

/// Callers in flight for the member reads and writes.
pub const IN_FLIGHT: [usize; 3] = [1, 16, 64];
/// Members per page of `ListMembers`, the service's default.
const PAGE: i32 = 50;
/// The occupations a write switches a member between.
const OCCUPATIONS: [&str; 2] = ["Nông dân", "Công nhân"];

type Membership =
    pb::membership_service_client::MembershipServiceClient<partyregistry_kit::client::Transport>;

/// What the calls run against.
#[derive(Clone)]
pub struct Target {
    pub membership: Membership,
    pub reports: ReportingClient,
    pub probe: HealthClient<Channel>,
    /// Reporting's database, for the raw SQL.
    pub reporting_pool: AnyPool,
    pub today: Date,
}

/// A raw SQL baseline: `query` run over reporting's database.
fn raw<F, Fut>(target: &Target, measure: &str, size: &str, query: F) -> Workload
where
    F: Fn(AnyPool, Date) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<usize, BoxError>> + Send + 'static,
{
    let (pool, today) = (target.reporting_pool.clone(), target.today);
    let query = Arc::new(query);
    Workload::new(
        format!("raw SQL: {measure}"),
        size,
        1,
        call(move || {
            let (pool, query) = (pool.clone(), query.clone());
            async move {
                query(pool, today).await?;
                Ok(())
            }
        }),
    )
}

/// The probe making `what` (chosen afresh for each call).
fn probe(target: &Target, what: impl Fn() -> ProbeCall + Send + Sync + 'static) -> Call {
    let (client, what) = (target.probe.clone(), Arc::new(what));
    call(move || {
        let (mut client, request) = (client.clone(), what().request());
        async move {
            client.check(request).await?;
            Ok(())
        }
    })
}

/// `GetCommuneReport` of `commune` against the raw SQL of its statistics.
pub fn commune(target: &Target, commune: &str, size: &str) -> Vec<Workload> {
    let (reports, today) = (target.reports.clone(), date::format(target.today));
    let name = format!("communes/{commune}");
    let scope = RawScope::Commune(commune.to_owned());
    vec![
        Workload::new(
            "GetCommuneReport",
            size,
            1,
            call(move || {
                let mut reports = reports.clone();
                let request = report::GetCommuneReportRequest {
                    commune: name.clone(),
                    as_of_date: today.clone(),
                };
                async move {
                    reports.get_commune_report(request).await?;
                    Ok(())
                }
            }),
        )
        .against(1),
        raw(target, "commune statistics", size, move |pool, today| {
            let scope = scope.clone();
            async move { raw_statistics::statistics(&pool, &scope, today).await }
        }),
    ]
}

/// `GetStatistics` of `scope` (`provinces/{code}` or `country`) against its raw SQL.
pub fn statistics(target: &Target, scope: &str, raw_scope: RawScope, size: &str) -> Vec<Workload> {
    let (reports, today) = (target.reports.clone(), date::format(target.today));
    let name = scope.to_owned();
    let label = if raw_scope == RawScope::Country {
        "statistics, full scan"
    } else {
        "statistics"
    };
    vec![
        Workload::new(
            format!("GetStatistics {scope}"),
            size,
            1,
            call(move || {
                let mut reports = reports.clone();
                let request = report::GetStatisticsRequest {
                    scope: name.clone(),
                    as_of_date: today.clone(),
                    ..Default::default()
                };
                async move {
                    reports.get_statistics(request).await?;
                    Ok(())
                }
            }),
        )
        .against(1),
        raw(target, label, size, move |pool, today| {
            let scope = raw_scope.clone();
            async move { raw_statistics::statistics(&pool, &scope, today).await }
        }),
    ]
}

/// `GetMovements` over last year and `RankCommunes` by members today for `province`, each
/// against its raw SQL.
pub fn province_reports(target: &Target, province: &str, size: &str) -> Vec<Workload> {
    let year = date::format(target.today)[..4]
        .parse::<i32>()
        .unwrap_or(2026)
        - 1;
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let (reports, today) = (target.reports.clone(), date::format(target.today));
    let scope = format!("provinces/{province}");
    let movements = {
        let (reports, scope, from, to) = (reports.clone(), scope.clone(), from.clone(), to.clone());
        call(move || {
            let mut reports = reports.clone();
            let request = report::GetMovementsRequest {
                scope: scope.clone(),
                from_date: from.clone(),
                to_date: to.clone(),
            };
            async move {
                reports.get_movements(request).await?;
                Ok(())
            }
        })
    };
    let rank = call(move || {
        let mut reports = reports.clone();
        let request = report::RankCommunesRequest {
            province: scope.clone(),
            indicator: report::RankingIndicator::Members.into(),
            as_of_date: today.clone(),
            ..Default::default()
        };
        async move {
            reports.rank_communes(request).await?;
            Ok(())
        }
    });
    let raw_scope = RawScope::Province(province.to_owned());
    let scope_for_rank = raw_scope.clone();
    let (first, last) = (
        date::parse(&from).unwrap_or(target.today),
        date::parse(&to).unwrap_or(target.today),
    );
    vec![
        Workload::new(format!("GetMovements {year}"), size, 1, movements).against(1),
        raw(target, "movements", size, move |pool, _| {
            let scope = raw_scope.clone();
            async move { raw_statistics::movements(&pool, &scope, first, last).await }
        }),
        Workload::new("RankCommunes by members", size, 1, rank).against(3),
        raw(target, "members by commune", size, move |pool, today| {
            let scope = scope_for_rank.clone();
            async move { raw_statistics::members_by_commune(&pool, &scope, today).await }
        }),
    ]
}

/// The next of `items` each time, round and round.
fn rotation<T>(items: Vec<T>) -> impl Fn() -> T + Clone + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
{
    let (items, next) = (Arc::new(items), Arc::new(AtomicUsize::new(0)));
    move || items[next.fetch_add(1, Ordering::Relaxed) % items.len()].clone()
}

/// Audited `GetMember` of `members` in turn, `callers` at once, against the probe reading the
/// same rows and a bare hello.
pub fn get_member(
    target: &Target,
    members: &[pb::Member],
    callers: usize,
    size: &str,
) -> Result<Vec<Workload>, BoxError> {
    let names = rotation(members.iter().map(|m| m.name.clone()).collect());
    let ids = rotation(
        members
            .iter()
            .map(|m| member_id(&m.name))
            .collect::<Result<Vec<_>, _>>()?,
    );
    let client = target.membership.clone();
    let read = call(move || {
        let (mut client, name) = (client.clone(), names());
        async move {
            client.get_member(pb::GetMemberRequest { name }).await?;
            Ok(())
        }
    });
    Ok(vec![
        Workload::new(
            format!("GetMember (audited), {callers} in flight"),
            size,
            callers,
            read,
        )
        .against(1),
        Workload::new(
            format!("probe: member row, {callers} in flight"),
            size,
            callers,
            probe(target, move || ProbeCall::Member(ids())),
        )
        .against(2),
        Workload::new(
            format!("hello, {callers} in flight"),
            size,
            callers,
            probe(target, || ProbeCall::Hello),
        ),
    ])
}

/// `ListMembers`' first page of `commune` against the probe running the same page query.
pub fn list_members(target: &Target, commune: &str, size: &str) -> Vec<Workload> {
    let client = target.membership.clone();
    let parent = format!("communes/{commune}");
    let page = call(move || {
        let mut client = client.clone();
        let request = pb::ListMembersRequest {
            parent: parent.clone(),
            page_size: PAGE,
            ..Default::default()
        };
        async move {
            client.list_members(request).await?;
            Ok(())
        }
    });
    let commune = commune.to_owned();
    vec![
        Workload::new(format!("ListMembers, page of {PAGE}"), size, 1, page).against(1),
        Workload::new(
            format!("probe: page of {PAGE}"),
            size,
            1,
            probe(target, move || ProbeCall::Page(commune.clone())),
        ),
    ]
}

/// The members the writes take in turn, each with its last etag: shared by every round of
/// writes, so that each writes on the state the previous one left.
pub type Writable = Arc<Mutex<VecDeque<pb::Member>>>;

/// A queue of `members` to write.
pub fn writable(members: &[pb::Member]) -> Writable {
    Arc::new(Mutex::new(members.iter().cloned().collect()))
}

/// The feed sequence a write's answer carries.
fn feed_sequence<T>(answer: &tonic::Response<T>) -> Result<i64, BoxError> {
    Ok(answer
        .metadata()
        .get("x-feed-sequence")
        .ok_or("a write's answer carries its feed sequence")?
        .to_str()?
        .parse()?)
}

/// `UpdateMember` (the occupation, switched back and forth) of the members of `queue`, each
/// written by one caller at a time, `callers` at once, against the probe rewriting the same rows
/// unchanged (which leaves their etags as they are). Each write's feed sequence is noted in
/// `visibility`.
pub fn update_member(
    target: &Target,
    queue: &Writable,
    callers: usize,
    size: &str,
    visibility: Notes,
) -> Result<Vec<Workload>, BoxError> {
    let members: Vec<String> = queue
        .lock()
        .expect("no caller panics holding the queue")
        .iter()
        .map(|m| m.name.clone())
        .collect();
    let ids = rotation(
        members
            .iter()
            .map(|name| member_id(name))
            .collect::<Result<Vec<_>, _>>()?,
    );
    let queue = queue.clone();
    let client = target.membership.clone();
    let write = call(move || {
        let mut client = client.clone();
        let (queue, visibility) = (queue.clone(), visibility.clone());
        async move {
            let taken = queue
                .lock()
                .expect("no caller panics holding the queue")
                .pop_front();
            let mut member = taken.ok_or("fewer members than writers")?;
            member.occupation = if member.occupation == OCCUPATIONS[0] {
                OCCUPATIONS[1]
            } else {
                OCCUPATIONS[0]
            }
            .to_owned();
            let answer = client
                .update_member(pb::UpdateMemberRequest {
                    member: Some(member),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["occupation".into()],
                    }),
                })
                .await?;
            let written = Instant::now();
            let sequence = feed_sequence(&answer)?;
            queue
                .lock()
                .expect("no caller panics holding the queue")
                .push_back(answer.into_inner());
            visibility.written(sequence, written);
            Ok(())
        }
    });
    Ok(vec![
        Workload::new(
            format!("UpdateMember, {callers} in flight"),
            size,
            callers,
            write,
        )
        .against(1),
        Workload::new(
            format!("probe: row write, {callers} in flight"),
            size,
            callers,
            probe(target, move || ProbeCall::Touch(ids())),
        ),
    ])
}

/// The row of the writes' visibility in reporting: p50 and p99 over every write noted.
pub async fn visibility_row(
    visibility: Visibility,
    backend: Backend,
    callers: usize,
    size: &str,
) -> Result<Row, BoxError> {
    let (writes, p50_ms, p99_ms) = visibility.finish().await?;
    println!(
        "  {backend:?} {writes} writes visible in reporting after p50 {p50_ms:.1} ms, p99 {p99_ms:.1} ms"
    );
    Ok(Row {
        measure: format!("UpdateMember visible in reporting, {callers} in flight"),
        size: size.to_owned(),
        backend,
        p50_ms,
        p99_ms,
        per_second: None,
        cpu_ms_per_call: None,
        ratio: None,
        baseline_per_second: None,
    })
}
