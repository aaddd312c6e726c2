//! The method table against the service descriptors, small-cell suppression on hand-built
//! responses, and the decisions, suppression and audit entries of the handlers over a small
//! projection on SQLite and, when `TEST_DATABASE_URL` names a PostgreSQL server, PostgreSQL.

use std::collections::BTreeSet;
use std::sync::Arc;

use partyregistry_kit::auth::{Caller, Right};
use partyregistry_kit::db::{self, Backend, Database};
use partyregistry_kit::test_database::{TestDatabase, postgres_admin_url};
use partyregistry_proto::audit::v1::audit_service_server::AuditService;
use partyregistry_proto::membership::v1::{
    Admission, Assignment, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member,
    MemberStatus, Province, UnitLevel, UnitMerge, change::Resource,
};
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
use partyregistry_proto::reporting::v1::{
    Breakdown, Bucket, CellFigures, CellHealthRow, CellPipeline, CountedUnit, ExportFormat,
};
use prost::Message;
use prost_types::field_descriptor_proto::Type;
use tonic::Code;

use super::*;
use crate::grpc::api::ReportingApi;
use crate::grpc::service::AuditApi;
use crate::ingest::consumer::FeedState;
use crate::testing::request_as;

mod differencing;

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

/// The services this server answers, as their descriptors say.
const SERVED: [&str; 2] = [
    "partyregistry.reporting.v1.ReportingService",
    "partyregistry.audit.v1.AuditService",
];

fn descriptors() -> prost_types::FileDescriptorSet {
    prost_types::FileDescriptorSet::decode(partyregistry_proto::FILE_DESCRIPTOR_SET)
        .expect("the compiled descriptor set decodes")
}

fn message<'a>(
    set: &'a prost_types::FileDescriptorSet,
    full_name: &str,
) -> &'a prost_types::DescriptorProto {
    set.file
        .iter()
        .flat_map(|file| {
            file.message_type
                .iter()
                .map(move |message| (format!(".{}.{}", file.package(), message.name()), message))
        })
        .find(|(name, _)| name == full_name)
        .map(|(_, message)| message)
        .unwrap_or_else(|| panic!("no message {full_name}"))
}

/// The field naming the scope of the request message `input_type` (`.package.Message`).
fn scope_field(input_type: &str) -> Option<&'static str> {
    let message = input_type.rsplit('.').next()?;
    SCOPE_FIELDS
        .iter()
        .find(|(request, _)| *request == message)
        .map(|(_, field)| *field)
}

#[test]
fn rules_cover_every_method_of_the_served_services() {
    let set = descriptors();
    let mut described = BTreeSet::new();
    for file in &set.file {
        for service in &file.service {
            let service_name = format!("{}.{}", file.package(), service.name());
            if !SERVED.contains(&service_name.as_str()) {
                continue;
            }
            for method in &service.method {
                let full = format!("/{service_name}/{}", method.name());
                let rule = rule_of(&full).unwrap_or_else(|| panic!("{full} has no access rule"));
                let input = message(&set, method.input_type());
                match rule.scope {
                    Scope::Addressed => {
                        let field = scope_field(method.input_type())
                            .unwrap_or_else(|| panic!("{full}: no field names its scope"));
                        let found = input
                            .field
                            .iter()
                            .find(|f| f.name() == field)
                            .unwrap_or_else(|| panic!("{full}: no field {field}"));
                        assert_eq!(found.r#type(), Type::String, "{full}: {field}");
                    }
                    Scope::Carried(_) => {
                        assert!(
                            input.oneof_decl.iter().any(|o| o.name() == "report"),
                            "{full} has no report inside"
                        );
                    }
                    _ => {}
                }
                described.insert(full);
            }
        }
    }
    let listed: BTreeSet<String> = RULES.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(
        listed, described,
        "the table lists exactly the served methods"
    );
    assert_eq!(listed.len(), RULES.len(), "no method is listed twice");
}

#[test]
fn every_exportable_report_maps_to_its_method() {
    let set = descriptors();
    let export = message(&set, ".partyregistry.reporting.v1.ExportReportRequest");
    let service = set
        .file
        .iter()
        .flat_map(|f| &f.service)
        .find(|s| s.name() == "ReportingService")
        .expect("the reporting service");
    let variants = [
        Report::CommuneReport(Default::default()),
        Report::AdmissionsReport(Default::default()),
        Report::AdmissionProgress(Default::default()),
        Report::Pipeline(Default::default()),
        Report::CellRatingSummary(Default::default()),
        Report::CellHealth(Default::default()),
        Report::Deadlines(Default::default()),
        Report::Statistics(Default::default()),
        Report::Movements(Default::default()),
        Report::BadgesDue(Default::default()),
        Report::Ranking(Default::default()),
    ];
    let in_oneof = export
        .field
        .iter()
        .filter(|f| f.oneof_index.is_some())
        .count();
    assert_eq!(variants.len(), in_oneof, "every exportable report is tried");
    for report in variants {
        let request = ExportReportRequest {
            report: Some(report),
            format: ExportFormat::Csv as i32,
        };
        let (method, inner) = request.carried().expect("a report inside");
        let rule = rule_of(method).expect("the inner method has a rule");
        assert_eq!(
            rule.scope,
            Scope::Addressed,
            "{method} is scoped by a field"
        );
        assert_eq!(inner.targets().len(), 1, "{method}: its scope field");
        let name = method.rsplit('/').next().expect("a method name");
        let described = service
            .method
            .iter()
            .find(|m| m.name() == name)
            .expect("described");
        let oneof_type = export
            .field
            .iter()
            .filter(|f| f.oneof_index.is_some())
            .any(|f| f.type_name() == described.input_type());
        assert!(oneof_type, "{method} takes a request the export can carry");
    }
    assert!(ExportReportRequest::default().carried().is_none());
}

#[test]
fn reports_naming_people_need_records_and_are_audited() {
    for method in [LIST_DEADLINES, GET_MONTHLY_BRIEFING, LIST_BADGES_DUE] {
        let rule = rule_of(method).expect("listed");
        assert_eq!(rule.right, Some(Right::Records), "{method}");
        assert_eq!(rule.audit, Audit::Every, "{method}");
    }
    let freshness = rule_of(GET_FRESHNESS).expect("listed");
    assert_eq!((freshness.right, freshness.scope), (None, Scope::Open));
    assert_eq!(
        rule_of(LIST_AUDIT_ENTRIES).expect("listed").right,
        Some(Right::Admin)
    );
    assert_eq!(rule_of(EXPORT_REPORT).expect("listed").audit, Audit::Every);
    assert!(rule_of("/partyregistry.reporting.v1.ReportingService/Nothing").is_none());
}

#[test]
fn migration_holds_the_kit_audit_table() {
    assert_eq!(
        include_str!("../../../migrations/0004_audit.sql"),
        partyregistry_kit::audit::AUDIT_TABLE_SQL
    );
    assert_eq!(
        include_str!("../../../migrations/0010_audit_chain.sql"),
        partyregistry_kit::audit::AUDIT_CHAIN_SQL
    );
}

// ---------------------------------------------------------------------------------------------
// Suppression on hand-built responses.
// ---------------------------------------------------------------------------------------------

fn bucket(key: &str, members: i64) -> Bucket {
    Bucket {
        key: key.into(),
        label: String::new(),
        members,
        suppressed: false,
    }
}

fn counts(buckets: &[Bucket]) -> Vec<(i64, bool)> {
    buckets.iter().map(|b| (b.members, b.suppressed)).collect()
}

#[test]
fn suppress_hides_small_buckets_and_the_totals_that_split_small() {
    let mut report = CommuneReport {
        total_members: 12,
        official_members: 10,
        probationary_members: 2,
        women: 3,
        average_age: 51.5,
        ethnicity: vec![
            bucket("01", 5),
            bucket("02", 4),
            bucket("03", 2),
            bucket("08", 1),
        ],
        age_bands: vec![bucket("<=30", 0), bucket("31-40", 5), bucket("41-50", 7)],
        cells_by_kind: vec![bucket("CELL_KIND_RESIDENTIAL", 2)],
        cells: vec![cell_of(2, 1)],
        ..CommuneReport::default()
    };
    suppress(&mut report, 5);
    // Three small groups hide 7 people together: the 5 can stay.
    assert_eq!(
        counts(&report.ethnicity),
        [(5, false), (0, true), (0, true), (0, true)]
    );
    // Zero is not a small cell, and the minimum itself is shown.
    assert_eq!(
        counts(&report.age_bands),
        [(0, false), (5, false), (7, false)]
    );
    // Cells are counted, not people.
    assert_eq!(counts(&report.cells_by_kind), [(2, false)]);
    assert_wholly_hidden(&report.cells[0]);
    assert_eq!(
        (
            report.total_members,
            report.official_members,
            report.probationary_members,
            report.women,
            report.average_age
        ),
        (12, 0, 0, 0, 51.5)
    );
    // Two probationary members would be the total minus the official ones; three women, the
    // total minus the men: each pair is hidden, the total stays.
    assert_eq!(
        report.suppressed_fields,
        ["official_members", "probationary_members", "women"]
    );
}

/// A cell of a commune report with its local and seconded members.
fn cell_of(local_members: i64, seconded_members: i64) -> CellFigures {
    CellFigures {
        members: local_members + seconded_members,
        local_members,
        seconded_members,
        ..CellFigures::default()
    }
}

/// A cell whose members, and so its local and seconded members, are all hidden and marked.
fn assert_wholly_hidden(cell: &CellFigures) {
    assert_eq!(
        (cell.members, cell.local_members, cell.seconded_members),
        (0, 0, 0)
    );
    assert_eq!(
        cell.suppressed_fields,
        ["members", "local_members", "seconded_members"]
    );
}

/// The rule on counts adding up to a shown total, with a minimum cell size of 5.
#[test]
fn a_hidden_count_cannot_be_recovered_by_subtraction() {
    let rule = Suppression::new(5);
    let hidden = |counts: &[i64]| rule.partition(counts);
    // One small group alone would be the total minus the rest: the next smallest goes too.
    assert_eq!(hidden(&[9, 6, 2]), [false, true, true]);
    assert_eq!(hidden(&[10, 10, 1]), [true, false, true]);
    // Two small groups holding fewer than 5 together: more are hidden until they hold 5.
    assert_eq!(hidden(&[2, 2, 100, 7]), [true, true, false, true]);
    assert_eq!(hidden(&[4, 4, 100]), [true, true, false]);
    assert_eq!(hidden(&[3, 1]), [true, true]);
    // Zeros are shown and never hidden to protect others; nothing small, nothing hidden.
    assert_eq!(hidden(&[0, 2]), [false, true]);
    assert_eq!(hidden(&[0, 0, 7]), [false, false, false]);
    assert_eq!(hidden(&[]), Vec::<bool>::new());
}

#[test]
fn equal_counts_listed_in_another_order_hide_the_same_buckets() {
    let hidden_keys = |buckets: Vec<Bucket>| {
        let mut report = CommuneReport {
            total_members: 35,
            ethnicity: buckets,
            ..CommuneReport::default()
        };
        suppress(&mut report, 5);
        let mut keys: Vec<String> = report
            .ethnicity
            .into_iter()
            .filter(|b| b.suppressed)
            .map(|b| b.key)
            .collect();
        keys.sort();
        keys
    };
    let by_code = vec![
        bucket("01", 20),
        bucket("02", 3),
        bucket("03", 6),
        bucket("04", 6),
    ];
    let largest_first = vec![
        bucket("01", 20),
        bucket("04", 6),
        bucket("03", 6),
        bucket("02", 3),
    ];
    // The 3 needs a companion: of the two sixes, the first by key in either listing.
    assert_eq!(hidden_keys(by_code), ["02", "03"]);
    assert_eq!(hidden_keys(largest_first), ["02", "03"]);
}

#[test]
fn a_cell_hidden_to_protect_another_hides_its_own_parts() {
    let mut report = CommuneReport {
        total_members: 23,
        cells: vec![cell_of(15, 5), cell_of(3, 0), CellFigures::default()],
        ..CommuneReport::default()
    };
    suppress(&mut report, 5);
    // The 3 is small; the 20 would give it back (23 − 20), so it is hidden too, and so are its
    // local and seconded members, which add up to it.
    report.cells[..2].iter().for_each(assert_wholly_hidden);
    // An empty cell is shown as empty.
    assert!(report.cells[2].suppressed_fields.is_empty());

    let mut report = CommuneReport {
        cells: vec![cell_of(10, 2)],
        ..CommuneReport::default()
    };
    suppress(&mut report, 5);
    // 2 seconded of 12 members would be 12 − 10: both parts are hidden, the members stay.
    let cell = &report.cells[0];
    assert_eq!(
        (cell.members, cell.local_members, cell.seconded_members),
        (12, 0, 0)
    );
    assert_eq!(
        cell.suppressed_fields,
        ["local_members", "seconded_members"]
    );
}

#[test]
fn suppress_covers_statistics_pipeline_health_and_movements() {
    let mut statistics = Statistics {
        total_members: 3,
        average_age: 44.0,
        breakdowns: vec![Breakdown {
            kind: "gender".into(),
            rows: vec![bucket("GENDER_MALE", 2), bucket("GENDER_FEMALE", 1)],
            ..Breakdown::default()
        }],
        units: vec![CountedUnit {
            members: 3,
            ..CountedUnit::default()
        }],
        ..Statistics::default()
    };
    suppress(&mut statistics, 5);
    assert_eq!(
        counts(&statistics.breakdowns[0].rows),
        [(0, true), (0, true)]
    );
    assert_eq!(statistics.units[0].members, 0);
    assert_eq!(statistics.units[0].suppressed_fields, ["members"]);
    // A unit of three people is hidden whole, its total and average age included.
    assert_eq!((statistics.total_members, statistics.average_age), (0, 0.0));
    assert!(
        statistics
            .suppressed_fields
            .iter()
            .any(|f| f == "total_members")
    );
    // The line awaiting the ceremony is outside the roll: hidden when small, shown otherwise.
    let mut large = Statistics {
        total_members: 40,
        official_members: 30,
        probationary_members: 10,
        women: 20,
        awaiting_ceremony_members: 2,
        ..Statistics::default()
    };
    suppress(&mut large, 5);
    assert_eq!(
        (large.total_members, large.awaiting_ceremony_members),
        (40, 0)
    );
    assert_eq!(large.suppressed_fields, ["awaiting_ceremony_members"]);
    let mut waiting = Statistics {
        awaiting_ceremony_members: 6,
        ..large.clone()
    };
    waiting.suppressed_fields.clear();
    suppress(&mut waiting, 5);
    assert_eq!(waiting.awaiting_ceremony_members, 6);

    let mut pipeline = Pipeline {
        open_candidates: 4,
        by_stage: vec![bucket("CANDIDATE_STAGE_SOURCE", 4)],
        by_blocker: vec![bucket("NO_CERTIFICATE", 6)],
        cells: vec![CellPipeline {
            open_candidates: 4,
            eligible_candidates: 1,
            by_stage: vec![bucket("CANDIDATE_STAGE_SOURCE", 4)],
            ..CellPipeline::default()
        }],
        ..Pipeline::default()
    };
    suppress(&mut pipeline, 5);
    assert_eq!(counts(&pipeline.by_stage), [(0, true)]);
    assert_eq!(counts(&pipeline.by_blocker), [(6, false)]);
    assert_eq!(
        (
            pipeline.cells[0].open_candidates,
            pipeline.cells[0].eligible_candidates
        ),
        (0, 0)
    );
    assert_eq!(
        pipeline.cells[0].suppressed_fields,
        ["open_candidates", "eligible_candidates"]
    );
    assert_eq!(counts(&pipeline.cells[0].by_stage), [(0, true)]);
    assert_eq!(pipeline.open_candidates, 4);

    let mut health = CellHealth {
        cells: vec![CellHealthRow {
            members: 2,
            seconded_members: 1,
            ageing_members: 2,
            open_candidates: 7,
            average_age: 63.0,
            ..CellHealthRow::default()
        }],
        ..CellHealth::default()
    };
    suppress(&mut health, 5);
    let row = &health.cells[0];
    assert_eq!(
        (
            row.members,
            row.seconded_members,
            row.ageing_members,
            row.open_candidates,
            row.average_age
        ),
        (0, 0, 0, 7, 0.0)
    );
    // A suppressed count is told apart from a real 0; the 7 open candidates stay unmarked.
    assert_eq!(
        row.suppressed_fields,
        [
            "members",
            "average_age",
            "seconded_members",
            "ageing_members"
        ]
    );

    let mut movements = Movements {
        admitted: Some(partyregistry_proto::reporting::v1::AdmissionMovements {
            total: 3,
            women: 1,
            under_30: 2,
            ..Default::default()
        }),
        died: 1,
        ..Movements::default()
    };
    suppress(&mut movements, 5);
    let admitted = movements.admitted.as_ref().expect("kept");
    assert_eq!(
        (admitted.total, admitted.women, admitted.under_30),
        (3, 0, 0)
    );
    assert_eq!(admitted.suppressed_fields, ["under_30", "women"]);
    assert_eq!(movements.died, 1, "movement totals reconcile and stay");
}

// ---------------------------------------------------------------------------------------------
// The handlers over a projection with a commune in province 15 and one in province 12.
// ---------------------------------------------------------------------------------------------

fn change(sequence: i64, resource: Resource) -> Change {
    Change {
        trace_parent: String::new(),
        moved_from_commune: String::new(),
        events: Vec::new(),
        sequence,
        commit_time: Some(db::timestamp(1_650_000_000_000_000 + sequence)),
        resource: Some(resource),
    }
}

fn commune(code: &str, province: &str) -> Resource {
    Resource::Commune(Commune {
        name: format!("communes/{code}"),
        code: code.into(),
        display_name: format!("Xã {code}"),
        province_code: province.into(),
        valid_from: "2020-01-01".into(),
        ..Commune::default()
    })
}

fn cell(commune: &str) -> Resource {
    Resource::Cell(Cell {
        name: format!("communes/{commune}/cells/thon-1"),
        display_name: "Chi bộ thôn 1".into(),
        kind: CellKind::Residential as i32,
        open_date: "2000-01-01".into(),
        ..Cell::default()
    })
}

fn member(id: i64, commune: &str) -> Resource {
    Resource::Member(Member {
        name: format!("members/{id}"),
        full_name: format!("Đảng Viên Số {id}"),
        gender: Gender::Female as i32,
        birth_date: "1980-03-15".into(),
        ethnicity_code: "02".into(),
        general_education: GeneralEducation::UpperSecondary as i32,
        admission: Some(Admission {
            decision_date: "2010-01-10".into(),
            ceremony_date: "2010-01-20".into(),
            official_date: "2011-01-20".into(),
            ..Admission::default()
        }),
        status: MemberStatus::Official as i32,
        cell: format!("communes/{commune}/cells/thon-1"),
        cell_since: "2010-01-20".into(),
        assignment: Assignment::Local as i32,
        admitted_in_cell: format!("communes/{commune}/cells/thon-1"),
        ..Member::default()
    })
}

fn province(code: &str, valid_to: &str) -> Resource {
    Resource::Province(Province {
        name: format!("provinces/{code}"),
        code: code.into(),
        display_name: format!("Tỉnh {code}"),
        valid_from: "2000-01-01".into(),
        valid_to: valid_to.into(),
        ..Province::default()
    })
}

/// Province 15: commune 02680 with three members. Province 12: commune 03001 with one. Province
/// 14, merged into 15 on 2025-07-01: commune 01999, recorded in 14.
fn feed() -> Vec<Change> {
    vec![
        change(9, province("15", "")),
        change(10, province("12", "")),
        change(11, province("14", "2025-06-30")),
        change(12, commune("01999", "14")),
        change(
            13,
            Resource::Merge(UnitMerge {
                name: "merges/1".into(),
                level: UnitLevel::Province as i32,
                predecessor_codes: vec!["14".into(), "15".into()],
                successor_code: "15".into(),
                effective_date: "2025-07-01".into(),
                legal_basis: "Nghị quyết 202/2025/QH15".into(),
            }),
        ),
        change(1, commune("02680", "15")),
        change(2, cell("02680")),
        change(3, member(1, "02680")),
        change(4, member(2, "02680")),
        change(5, member(3, "02680")),
        change(6, commune("03001", "12")),
        change(7, cell("03001")),
        change(8, member(4, "03001")),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, change)| Change {
        sequence: i as i64 + 1,
        ..change
    })
    .collect()
}

fn caller(subject: &str, provinces: &[&str], communes: &[&str], rights: &[Right]) -> Caller {
    Caller {
        subject: subject.into(),
        national: false,
        provinces: provinces.iter().map(|p| (*p).to_owned()).collect(),
        communes: communes.iter().map(|c| (*c).to_owned()).collect(),
        rights: rights.iter().copied().collect(),
    }
}

/// Province 15, every right but admin: what the end-to-end test uses against province 12.
fn province_15_all() -> Caller {
    caller(
        "tinh-15",
        &["15"],
        &[],
        &[
            Right::Aggregates,
            Right::Records,
            Right::Personal,
            Right::Write,
        ],
    )
}

fn code<T>(result: Result<T, Status>) -> Code {
    match result {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

/// Calls every ReportingService method addressing `commune` (or `scope`, `province`), returning
/// each method's outcome and message.
async fn call_every_report(
    api: &ReportingApi,
    who: &Caller,
    commune: &str,
    scope: &str,
    province: &str,
) -> Vec<(&'static str, Code, String)> {
    use partyregistry_proto::reporting::v1 as r;
    let mut outcomes = Vec::new();
    let mut note = |method: &'static str, result: Result<(), Status>| {
        let (code, message) = match result {
            Ok(()) => (Code::Ok, String::new()),
            Err(status) => (status.code(), status.message().to_owned()),
        };
        outcomes.push((method, code, message));
    };
    let c = || commune.to_owned();
    let s = || scope.to_owned();
    let day = || "2026-06-30".to_owned();
    macro_rules! call {
        ($method:ident, $constant:ident, $request:expr) => {
            note(
                $constant,
                api.$method(request_as(who, $request)).await.map(|_| ()),
            )
        };
    }
    call!(
        get_commune_report,
        GET_COMMUNE_REPORT,
        r::GetCommuneReportRequest {
            commune: c(),
            as_of_date: day(),
        }
    );
    call!(
        get_admissions_report,
        GET_ADMISSIONS_REPORT,
        r::GetAdmissionsReportRequest {
            commune: c(),
            first_year: 2025,
            last_year: 2026,
        }
    );
    call!(
        get_admission_progress,
        GET_ADMISSION_PROGRESS,
        r::GetAdmissionProgressRequest {
            commune: c(),
            year: 2026,
            as_of_date: day(),
        }
    );
    call!(
        get_pipeline,
        GET_PIPELINE,
        r::GetPipelineRequest {
            commune: c(),
            as_of_date: day(),
        }
    );
    call!(
        get_cell_rating_summary,
        GET_CELL_RATING_SUMMARY,
        r::GetCellRatingSummaryRequest {
            commune: c(),
            year: 2025,
        }
    );
    call!(
        get_cell_health,
        GET_CELL_HEALTH,
        r::GetCellHealthRequest {
            commune: c(),
            as_of_date: day(),
            ..Default::default()
        }
    );
    call!(
        list_deadlines,
        LIST_DEADLINES,
        r::ListDeadlinesRequest {
            commune: c(),
            as_of_date: day(),
            until_date: String::new(),
        }
    );
    call!(
        get_monthly_briefing,
        GET_MONTHLY_BRIEFING,
        r::GetMonthlyBriefingRequest {
            commune: c(),
            month: "2026-06".into(),
        }
    );
    call!(
        get_statistics,
        GET_STATISTICS,
        r::GetStatisticsRequest {
            scope: s(),
            as_of_date: day(),
            ..Default::default()
        }
    );
    call!(
        get_movements,
        GET_MOVEMENTS,
        r::GetMovementsRequest {
            scope: s(),
            from_date: "2026-01-01".into(),
            to_date: day(),
        }
    );
    call!(
        list_badges_due,
        LIST_BADGES_DUE,
        r::ListBadgesDueRequest {
            scope: s(),
            year: 2026,
            round: 0,
        }
    );
    call!(
        rank_communes,
        RANK_COMMUNES,
        r::RankCommunesRequest {
            province: province.to_owned(),
            indicator: r::RankingIndicator::Members as i32,
            year: 2026,
            as_of_date: day(),
        }
    );
    let export = |report| ExportReportRequest {
        report: Some(report),
        format: ExportFormat::Csv as i32,
    };
    call!(
        export_report,
        EXPORT_REPORT,
        export(Report::CommuneReport(r::GetCommuneReportRequest {
            commune: c(),
            as_of_date: day(),
        }))
    );
    call!(
        export_report,
        EXPORT_REPORT,
        export(Report::Statistics(r::GetStatisticsRequest {
            scope: s(),
            as_of_date: day(),
            ..Default::default()
        }))
    );
    call!(
        export_report,
        EXPORT_REPORT,
        export(Report::Deadlines(r::ListDeadlinesRequest {
            commune: c(),
            as_of_date: day(),
            until_date: String::new(),
        }))
    );
    outcomes
}

async fn entries(api: &AuditApi, filter: &str) -> Vec<partyregistry_proto::audit::v1::AuditEntry> {
    let admin = caller("admin", &[], &[], &[Right::Admin]);
    api.list_audit_entries(request_as(
        &admin,
        ListAuditEntriesRequest {
            page_size: 500,
            filter: filter.to_owned(),
            ..ListAuditEntriesRequest::default()
        },
    ))
    .await
    .expect("an admin reads the trail")
    .into_inner()
    .entries
}

/// The whole story over one database.
async fn access_is_decided_suppressed_and_audited(database: Database) {
    let audit = AuditLog::new(&database);
    let store = Store::new(database);
    let outcome = store.apply_changes(&feed(), 1).await.expect("feed applies");
    assert_eq!(outcome.malformed, 0);
    let access = Access::new(store.clone(), audit, 5);
    let api = ReportingApi::new(
        store.clone(),
        Arc::new(FeedState::default()),
        access.clone(),
    );
    let audit_api = AuditApi::new(access);

    // A province-15 token with every right but admin: province 12 is refused everywhere, and so
    // is a commune that does not exist and a request naming nothing, with the same message.
    let scoped = province_15_all();
    for (commune, scope) in [
        ("communes/03001", "provinces/12"),
        ("communes/09999", "communes/09999"),
        ("", ""),
        ("communes/03001", "country"),
        ("nonsense", "communes/03001"),
    ] {
        let outcomes = call_every_report(&api, &scoped, commune, scope, "provinces/12").await;
        assert_eq!(outcomes.len(), 15);
        for (method, code, message) in outcomes {
            assert_eq!(code, Code::PermissionDenied, "{method} {commune} {scope}");
            assert_eq!(message, OUT_OF_SCOPE, "{method} {commune} {scope}");
        }
    }
    // Freshness needs only a valid token.
    assert_eq!(
        code(
            api.get_freshness(request_as(&scoped, GetFreshnessRequest {}))
                .await
        ),
        Code::Ok
    );
    // The same caller reads its own province.
    let own = call_every_report(
        &api,
        &scoped,
        "communes/02680",
        "provinces/15",
        "provinces/15",
    )
    .await;
    for (method, code, message) in own {
        assert_ne!(code, Code::PermissionDenied, "{method}: {message}");
    }
    // A national caller learns that a commune does not exist.
    let national = Caller {
        national: true,
        ..caller("quoc-gia", &[], &[], &[Right::Aggregates])
    };
    let missing = GetCommuneReportRequest {
        commune: "communes/09999".into(),
        as_of_date: "2026-06-30".into(),
    };
    assert_eq!(
        code(api.get_commune_report(request_as(&national, missing)).await),
        Code::NotFound
    );

    // A commune recorded in province 14 belongs to 15 today, through the merge.
    let merged = GetCommuneReportRequest {
        commune: "communes/01999".into(),
        as_of_date: "2026-06-30".into(),
    };
    assert_eq!(
        code(api.get_commune_report(request_as(&scoped, merged)).await),
        Code::Ok
    );

    // A commune-scoped caller sees its commune, not its province as a whole.
    let one_commune = caller("xa-02680", &[], &["02680"], &[Right::Aggregates]);
    let report = GetCommuneReportRequest {
        commune: "communes/02680".into(),
        as_of_date: "2026-06-30".into(),
    };
    assert_eq!(
        code(
            api.get_commune_report(request_as(&one_commune, report.clone()))
                .await
        ),
        Code::Ok
    );
    let province = GetStatisticsRequest {
        scope: "provinces/15".into(),
        as_of_date: "2026-06-30".into(),
        ..GetStatisticsRequest::default()
    };
    assert_eq!(
        code(
            api.get_statistics(request_as(&one_commune, province.clone()))
                .await
        ),
        Code::PermissionDenied
    );

    // Aggregates only: 02680 has three members, so it is hidden whole, its totals included. A
    // records caller sees the counts.
    let aggregates = caller("thong-ke-15", &["15"], &[], &[Right::Aggregates]);
    let hidden = api
        .get_commune_report(request_as(&aggregates, report.clone()))
        .await
        .expect("in scope")
        .into_inner();
    assert_eq!(hidden.total_members, 0);
    assert!(
        hidden
            .suppressed_fields
            .iter()
            .any(|f| f == "total_members")
    );
    assert_eq!(counts(&hidden.ethnicity), [(0, true)]);
    assert!(hidden.age_bands.iter().all(|b| b.members == 0));
    assert!(hidden.age_bands.iter().any(|b| b.suppressed));
    assert_eq!(hidden.cells[0].members, 0);
    let shown = api
        .get_commune_report(request_as(&scoped, report.clone()))
        .await
        .expect("in scope")
        .into_inner();
    assert_eq!(counts(&shown.ethnicity), [(3, false)]);
    assert_eq!(shown.cells[0].members, 3);
    let statistics = api
        .get_statistics(request_as(&aggregates, province.clone()))
        .await
        .expect("in scope")
        .into_inner();
    assert_eq!(statistics.total_members, 0);
    assert!(
        statistics
            .breakdowns
            .iter()
            .all(|b| { b.rows.iter().all(|row| row.members == 0) })
    );
    assert!(
        statistics
            .breakdowns
            .iter()
            .flat_map(|b| &b.rows)
            .any(|row| row.suppressed)
    );
    // The export of the same report is suppressed the same way.
    let file = api
        .export_report(request_as(
            &aggregates,
            ExportReportRequest {
                report: Some(Report::CommuneReport(report.clone())),
                format: ExportFormat::Csv as i32,
            },
        ))
        .await
        .expect("exported")
        .into_inner();
    let bytes: Vec<u8> = tokio_stream::StreamExt::collect::<Vec<_>>(file)
        .await
        .into_iter()
        .flat_map(|chunk| chunk.expect("a chunk").data)
        .collect();
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("Ẩn (dưới ngưỡng)"), "{text}");

    // Names need the records right.
    let deadlines = ListDeadlinesRequest {
        commune: "communes/02680".into(),
        as_of_date: "2026-06-30".into(),
        until_date: String::new(),
    };
    assert_eq!(
        code(
            api.list_deadlines(request_as(&aggregates, deadlines.clone()))
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(api.list_deadlines(request_as(&scoped, deadlines)).await),
        Code::Ok
    );

    // A token naming a commune outside its provinces is refused as unauthenticated.
    let inconsistent = caller("lech-pham-vi", &["12"], &["02680"], &[Right::Aggregates]);
    let status = api
        .get_commune_report(request_as(&inconsistent, report.clone()))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);

    // The audit trail: refusals with subject and scope, the reads of names, the exports; no
    // personal data anywhere.
    let refused = entries(&audit_api, "outcome = \"PERMISSION_DENIED\"").await;
    assert!(refused.len() >= 5 * 15, "{}", refused.len());
    assert!(refused.iter().any(|e| e.subject == "tinh-15"
        && e.method == GET_STATISTICS
        && e.resources == ["provinces/12"]));
    assert!(refused.iter().any(|e| e.subject == "thong-ke-15"
        && e.method == LIST_DEADLINES
        && e.detail.contains("records")));
    let named = entries(&audit_api, &format!("method = \"{LIST_DEADLINES}\"")).await;
    assert!(named.iter().any(|e| e.subject == "tinh-15"
        && e.outcome == "OK"
        && e.resources == ["communes/02680"]
        && !e.personal_fields));
    let exports = entries(&audit_api, &format!("method = \"{EXPORT_REPORT}\"")).await;
    assert!(exports.iter().any(|e| e.subject == "thong-ke-15"
        && e.outcome == "OK"
        && e.resources == ["communes/02680"]));
    let unauthenticated = entries(&audit_api, "outcome = \"UNAUTHENTICATED\"").await;
    assert!(unauthenticated.iter().any(|e| e.subject == "lech-pham-vi"));
    let everything = entries(&audit_api, "").await;
    for entry in &everything {
        assert!(!entry.detail.contains("Đảng Viên"), "{entry:?}");
        assert!(!entry.detail.contains("1980-03-15"), "{entry:?}");
    }
    // Aggregate reads are not audited; only refusals of them are.
    assert!(
        !everything
            .iter()
            .any(|e| e.method == GET_COMMUNE_REPORT && e.outcome == "OK")
    );

    // The trail itself needs admin, and its reads are audited.
    let status = audit_api
        .list_audit_entries(request_as(&scoped, ListAuditEntriesRequest::default()))
        .await
        .expect_err("not an admin");
    assert_eq!(status.code(), Code::PermissionDenied);
    let reads = entries(&audit_api, &format!("method = \"{LIST_AUDIT_ENTRIES}\"")).await;
    assert!(
        reads
            .iter()
            .any(|e| e.subject == "admin" && e.outcome == "OK")
    );
    assert!(
        reads
            .iter()
            .any(|e| e.subject == "tinh-15" && e.outcome == "PERMISSION_DENIED")
    );
    store.close().await;
}

/// While the projection is rebuilt after a divergence, every report is refused with the reason
/// named and freshness still answers; once the replay reaches the announced head, reports answer.
async fn reports_wait_out_a_rebuild(database: Database) {
    let audit = AuditLog::new(&database);
    let store = Store::new(database);
    store.apply_changes(&feed(), 1).await.expect("feed applies");
    let feed_state = Arc::new(FeedState::default());
    let access = Access::new(store.clone(), audit, 5).with_feed(feed_state.clone());
    let api = ReportingApi::new(store.clone(), feed_state.clone(), access);
    let national = Caller {
        national: true,
        ..caller("quoc-gia", &[], &[], &[Right::Records])
    };
    let report = || {
        request_as(
            &national,
            GetCommuneReportRequest {
                commune: "communes/02680".into(),
                as_of_date: String::new(),
            },
        )
    };
    assert_eq!(code(api.get_commune_report(report()).await), Code::Ok);

    feed_state.diverged_for_tests();
    let refused = api
        .get_commune_report(report())
        .await
        .expect_err("no report while rebuilding");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert!(
        refused.message().contains("rebuilt"),
        "{}",
        refused.message()
    );
    let freshness = || async {
        api.get_freshness(request_as(&national, GetFreshnessRequest {}))
            .await
            .expect("freshness answers while rebuilding")
            .into_inner()
    };
    let rebuilding = freshness().await;
    assert!(!rebuilding.caught_up, "{rebuilding:?}");
    let outcomes = call_every_report(
        &api,
        &national,
        "communes/02680",
        "provinces/15",
        "provinces/15",
    )
    .await;
    for (method, code, _) in outcomes {
        assert_eq!(code, Code::FailedPrecondition, "{method}");
    }

    // The replay reaches the head membership announces.
    feed_state.replayed_for_tests(feed().len() as i64);
    assert_eq!(code(api.get_commune_report(report()).await), Code::Ok);
    assert!(freshness().await.caught_up);

    // Membership goes away again: what was applied is still answered, never as caught up.
    feed_state.disconnected_for_tests();
    let answer = api
        .get_commune_report(report())
        .await
        .expect("reports answer while membership is away")
        .into_inner();
    let stale = answer.freshness.expect("a report says how fresh it is");
    assert!(!stale.caught_up && !stale.connected, "{stale:?}");
    assert!(!freshness().await.caught_up);
    store.close().await;
}

#[tokio::test]
async fn sqlite_reports_wait_out_a_rebuild() {
    on_fresh_database(Backend::Sqlite, reports_wait_out_a_rebuild).await;
}

#[tokio::test]
async fn postgres_reports_wait_out_a_rebuild() {
    on_fresh_database(Backend::Postgres, reports_wait_out_a_rebuild).await;
}

/// `test` on a fresh database of `backend`; skipped on PostgreSQL without `TEST_DATABASE_URL`.
async fn on_fresh_database<Fut>(backend: Backend, test: impl FnOnce(Database) -> Fut)
where
    Fut: Future<Output = ()>,
{
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL access test skipped");
        return;
    }
    let test_database = TestDatabase::create(backend, "reporting_access")
        .await
        .expect("test database is created");
    let database = db::connect(&test_database.url, &crate::MIGRATIONS)
        .await
        .expect("test database opens");
    test(database).await;
    test_database.remove().await;
}

#[tokio::test]
async fn sqlite_access_is_decided_suppressed_and_audited() {
    on_fresh_database(Backend::Sqlite, access_is_decided_suppressed_and_audited).await;
}

#[tokio::test]
async fn postgres_access_is_decided_suppressed_and_audited() {
    on_fresh_database(Backend::Postgres, access_is_decided_suppressed_and_audited).await;
}
