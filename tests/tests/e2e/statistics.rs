//! Provincial statistics end to end: units resolved across a merge, breakdowns that sum to the
//! total, reconciled movements, badge lists against hand-computed cases, exports that open as
//! workbooks, and the bad-input classes of the statistics.

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, on_each_backend};
use tonic::Code;

use crate::fixtures::{Client, admission, assert_rejected, new_member};
use partyregistry_cli::progress::Progress;
use partyregistry_cli::{dataset, synthetic};

on_each_backend! {
    synthetic_province_statistics_sum_and_reconcile;
    reference_province_rolls_up_across_the_2025_merger;
    merged_communes_roll_up_before_and_after_the_merge;
    badges_are_due_as_computed_by_hand;
    exports_open_as_workbooks_and_refuse_bad_requests;
}

/// Creates commune `code` in province `province`, valid from `valid_from`, with one cell `c`
/// opened that day; returns the cell's name.
async fn commune_with_cell(
    client: &mut Client,
    code: &str,
    display_name: &str,
    province: &str,
    valid_from: &str,
) -> Result<String, BoxError> {
    client
        .create_commune(pb::CreateCommuneRequest {
            commune: Some(pb::Commune {
                code: code.into(),
                display_name: display_name.into(),
                province_code: province.into(),
                valid_from: valid_from.into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await?;
    let cell = client
        .create_cell(pb::CreateCellRequest {
            parent: format!("communes/{code}"),
            cell_id: "c".into(),
            cell: Some(pb::Cell {
                display_name: format!("Chi bộ thôn Trung Tâm ({code})"),
                kind: pb::CellKind::Residential.into(),
                open_date: valid_from.into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await?
        .into_inner();
    Ok(cell.name)
}

/// Loads an official member of `cell` admitted on `decided`.
async fn official(
    client: &mut Client,
    cell: &str,
    full_name: &str,
    decided: &str,
) -> Result<pb::Member, BoxError> {
    let year: i32 = decided[..4].parse()?;
    let ceremony = format!("{year}{}", &decided[4..]);
    let mut member = new_member(cell, full_name, "1970-02-02", decided, &ceremony);
    if let Some(admission) = member.admission.as_mut() {
        admission.official_date = format!("{}{}", year + 1, &decided[4..]);
    }
    Ok(client
        .record_admission(admission(member, ""))
        .await?
        .into_inner())
}

async fn statistics(
    pair: &mut Pair,
    scope: &str,
    as_of: &str,
) -> Result<report::Statistics, tonic::Status> {
    pair.reports
        .get_statistics(report::GetStatisticsRequest {
            scope: scope.into(),
            as_of_date: as_of.into(),
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn movements(
    pair: &mut Pair,
    scope: &str,
    from: &str,
    to: &str,
) -> Result<report::Movements, tonic::Status> {
    pair.reports
        .get_movements(report::GetMovementsRequest {
            scope: scope.into(),
            from_date: from.into(),
            to_date: to.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

/// Every breakdown of `statistics` sums to its total.
pub fn assert_breakdowns_sum(statistics: &report::Statistics) {
    assert!(!statistics.breakdowns.is_empty());
    for breakdown in &statistics.breakdowns {
        assert_eq!(
            breakdown.rows.iter().map(|row| row.members).sum::<i64>(),
            statistics.total_members,
            "{} sums to the total",
            breakdown.kind
        );
    }
    assert_eq!(
        statistics.official_members + statistics.probationary_members,
        statistics.total_members
    );
    assert_eq!(
        statistics.units.iter().map(|u| u.members).sum::<i64>(),
        statistics.total_members
    );
}

/// The reconciliation of `movements` balances and matches its counts: the roll, entered at the
/// ceremony or by a transfer in, and the line awaiting the ceremony, entered at the decision.
pub fn assert_reconciled(movements: &report::Movements) {
    let check = movements
        .reconciliation
        .as_ref()
        .expect("movements carry a reconciliation");
    let admitted = movements.admitted.as_ref().map_or(0, |a| a.total);
    assert_eq!(
        check.movements_in,
        movements.ceremonies + movements.transferred_in
    );
    assert_eq!(
        check.movements_out,
        movements.transferred_out
            + movements.died
            + movements.removed
            + movements.expelled
            + movements.resigned
    );
    assert_eq!(
        check.members_at_start + check.movements_in,
        check.members_at_end + check.movements_out,
        "{movements:?}"
    );
    assert_eq!(
        check.awaiting_at_start + admitted,
        movements.ceremonies + movements.left_awaiting_ceremony + check.awaiting_at_end,
        "{movements:?}"
    );
    assert!(check.balanced);
}

async fn merged_communes_roll_up_before_and_after_the_merge(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "merge").await?;
    let x = commune_with_cell(
        &mut pair.membership,
        "03001",
        "Xã Nậm Tăm",
        "12",
        "2010-01-01",
    )
    .await?;
    let y = commune_with_cell(
        &mut pair.membership,
        "03002",
        "Xã Pa Vây Sử",
        "12",
        "2010-01-01",
    )
    .await?;
    let z = commune_with_cell(
        &mut pair.membership,
        "03009",
        "Xã Nậm Hàng",
        "12",
        "2025-07-01",
    )
    .await?;
    let mut members = Vec::new();
    for (cell, name) in [
        (&x, "Lò Văn Pánh"),
        (&x, "Tòng Thị Ún"),
        (&y, "Giàng A Chá"),
        (&y, "Sùng Thị Mai"),
        (&y, "Vàng A Dơ"),
    ] {
        members.push(official(&mut pair.membership, cell, name, "2015-04-20").await?);
    }
    pair.reference
        .create_merge(pb::CreateMergeRequest {
            merge: Some(pb::UnitMerge {
                level: pb::UnitLevel::Commune.into(),
                predecessor_codes: vec!["03001".into(), "03002".into()],
                successor_code: "03009".into(),
                effective_date: "2025-07-01".into(),
                legal_basis: "Nghị quyết 1670/NQ-UBTVQH15".into(),
                ..Default::default()
            }),
            request_id: "merge-nam-hang".into(),
        })
        .await?;
    for member in &members {
        pair.membership
            .transfer_member(pb::TransferMemberRequest {
                name: member.name.clone(),
                kind: pb::TransferKind::ToCommune.into(),
                effective_date: "2025-07-01".into(),
                to_cell: z.clone(),
                ..Default::default()
            })
            .await?;
    }
    // One death after the merge, one admission before it.
    pair.membership
        .record_departure(pb::RecordDepartureRequest {
            name: members[4].name.clone(),
            kind: pb::DepartureKind::Death.into(),
            effective_date: "2026-02-10".into(),
            ..Default::default()
        })
        .await?;
    let newcomer = new_member(
        &x,
        "Lường Văn Thanh",
        "1999-08-08",
        "2024-03-01",
        "2024-03-20",
    );
    pair.membership
        .record_admission(admission(newcomer, "thanh"))
        .await?;
    let newcomer_name = pair
        .membership
        .list_members(pb::ListMembersRequest {
            parent: "communes/03001".into(),
            page_size: 50,
            filter: "name : \"thanh\"".into(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .members
        .first()
        .map(|m| m.name.clone())
        .ok_or("the newcomer is listed")?;
    pair.membership
        .transfer_member(pb::TransferMemberRequest {
            name: newcomer_name,
            kind: pb::TransferKind::ToCommune.into(),
            effective_date: "2025-07-01".into(),
            to_cell: z.clone(),
            ..Default::default()
        })
        .await?;
    pair.caught_up().await?;

    // Before its creation the new commune counts its predecessors.
    let before = statistics(&mut pair, "communes/03009", "2024-12-31").await?;
    assert_eq!(before.total_members, 6);
    let units: Vec<&str> = before.units.iter().map(|u| u.commune.as_str()).collect();
    assert_eq!(units, ["communes/03001", "communes/03002"]);
    assert!(!before.notes.is_empty(), "the predecessors are named");
    assert_breakdowns_sum(&before);
    let after = statistics(&mut pair, "communes/03009", "2026-06-30").await?;
    assert_eq!(after.total_members, 5, "one died in February 2026");
    assert_eq!(after.units.len(), 1);
    assert_breakdowns_sum(&after);
    // An old unit after its end says so.
    assert_rejected(
        statistics(&mut pair, "communes/03001", "2026-06-30")
            .await
            .map(tonic::Response::new),
        Code::FailedPrecondition,
        "scope",
    );
    assert_eq!(
        statistics(&mut pair, "communes/03001", "2024-12-31")
            .await?
            .total_members,
        3
    );
    // The province holds the same people on both sides of the merge.
    assert_eq!(
        statistics(&mut pair, "provinces/12", "2024-12-31")
            .await?
            .total_members,
        6
    );
    assert_eq!(
        statistics(&mut pair, "country", "2026-06-30")
            .await?
            .total_members,
        5
    );

    // Movements reconcile for every period; a transfer inside the province is not a movement.
    for (scope, from, to) in [
        ("provinces/12", "2024-01-01", "2024-12-31"),
        ("provinces/12", "2025-01-01", "2025-12-31"),
        ("provinces/12", "2026-01-01", "2026-06-30"),
        ("provinces/12", "2015-01-01", "2026-06-30"),
        ("communes/03009", "2025-07-01", "2026-06-30"),
        ("communes/03001", "2015-01-01", "2025-06-30"),
        ("country", "2010-01-01", "2026-06-30"),
    ] {
        let found = movements(&mut pair, scope, from, to).await?;
        assert_reconciled(&found);
    }
    let year_2025 = movements(&mut pair, "provinces/12", "2025-01-01", "2025-12-31").await?;
    assert_eq!(
        (year_2025.transferred_in, year_2025.transferred_out),
        (0, 0)
    );
    let year_2024 = movements(&mut pair, "provinces/12", "2024-01-01", "2024-12-31").await?;
    assert_eq!(year_2024.ceremonies, 1, "the newcomer entered the roll");
    let admitted = year_2024.admitted.ok_or("admissions are counted")?;
    assert_eq!(
        (admitted.total, admitted.under_30, admitted.women),
        (1, 1, 1)
    );
    // Between the decision (1 March 2024) and the ceremony (20 March) the newcomer is admitted
    // but not on the roll: a line of its own.
    let decided = movements(&mut pair, "provinces/12", "2024-01-01", "2024-03-10").await?;
    let check = decided.reconciliation.ok_or("reconciled")?;
    assert_eq!(
        (
            decided.admitted.map_or(0, |a| a.total),
            decided.ceremonies,
            check.awaiting_at_end,
            check.members_at_end
        ),
        (1, 0, 1, 5)
    );
    let awaiting = statistics(&mut pair, "provinces/12", "2024-03-10").await?;
    assert_eq!(
        (awaiting.total_members, awaiting.awaiting_ceremony_members),
        (5, 1)
    );
    assert_breakdowns_sum(&awaiting);
    let into_successor = movements(&mut pair, "communes/03009", "2025-07-01", "2026-06-30").await?;
    assert_eq!((into_successor.died, into_successor.transferred_in), (1, 6));
    let out_of_predecessor =
        movements(&mut pair, "communes/03001", "2025-01-01", "2025-06-30").await?;
    let check = out_of_predecessor.reconciliation.ok_or("reconciled")?;
    assert_eq!((check.members_at_start, check.members_at_end), (3, 3));

    // The ranking of the province's communes on members.
    let ranking = pair
        .reports
        .rank_communes(report::RankCommunesRequest {
            province: "provinces/12".into(),
            indicator: report::RankingIndicator::Members.into(),
            year: 2024,
            as_of_date: "2024-12-31".into(),
        })
        .await?
        .into_inner();
    let mut ranked: Vec<(&str, i32, f64)> = ranking
        .communes
        .iter()
        .map(|c| (c.commune.as_str(), c.rank, c.value))
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(
        ranked,
        [("communes/03001", 1, 3.0), ("communes/03002", 1, 3.0)],
        "equal values share a rank; the successor did not exist yet"
    );

    // Errors: a period ending before it starts, an unknown province, a date before any data, an
    // unknown breakdown.
    assert_rejected(
        movements(&mut pair, "provinces/12", "2025-12-31", "2025-01-01")
            .await
            .map(tonic::Response::new),
        Code::InvalidArgument,
        "to_date",
    );
    let unknown = statistics(&mut pair, "provinces/99", "2025-01-01").await;
    assert_eq!(
        unknown.map(|_| ()).map_err(|s| s.code()),
        Err(Code::NotFound)
    );
    // A province merged on 1 July 2025 (Bà Rịa - Vũng Tàu into Hồ Chí Minh City) is refused after
    // its end with its successor named.
    let ended = statistics(&mut pair, "provinces/77", "2025-07-01")
        .await
        .expect_err("ended");
    assert_eq!(ended.code(), Code::FailedPrecondition);
    assert!(
        ended.message().contains("provinces/79"),
        "{}",
        ended.message()
    );
    assert_rejected(
        statistics(&mut pair, "communes/03001", "1999-01-01")
            .await
            .map(tonic::Response::new),
        Code::InvalidArgument,
        "as_of_date",
    );
    assert_rejected(
        pair.reports
            .get_statistics(report::GetStatisticsRequest {
                scope: "provinces/12".into(),
                as_of_date: "2025-01-01".into(),
                breakdowns: vec!["ethnicity".into(), "star_sign".into()],
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
        "breakdowns[1]",
    );
    pair.finish().await
}

fn badge<'a>(list: &'a [report::BadgeDue], member: &pb::Member) -> Option<&'a report::BadgeDue> {
    list.iter().find(|b| b.member == member.name)
}

async fn badges(pair: &mut Pair, year: i32) -> Result<Vec<report::BadgeDue>, BoxError> {
    Ok(pair
        .reports
        .list_badges_due(report::ListBadgesDueRequest {
            scope: "communes/02680".into(),
            year,
            round: report::AwardRound::Unspecified.into(),
        })
        .await?
        .into_inner()
        .badges)
}

async fn update_member(
    client: &mut Client,
    member: &pb::Member,
    change: impl FnOnce(&mut pb::Member),
    paths: &[&str],
) -> Result<pb::Member, BoxError> {
    let mut updated = member.clone();
    change(&mut updated);
    Ok(client
        .update_member(pb::UpdateMemberRequest {
            member: Some(updated),
            update_mask: Some(prost_types::FieldMask {
                paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            }),
        })
        .await?
        .into_inner())
}

async fn badges_are_due_as_computed_by_hand(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "badges").await?;
    let (cell, _) = crate::fixtures::small_commune(&mut pair.membership).await?;
    // 30 years on 10 May 2026: the round of 19 May 2026.
    let plain = official(&mut pair.membership, &cell, "Hoàng Văn Bút", "1996-05-10").await?;
    // 30 years on 15 January 2025, plus a gap of twelve months (the year 2000): 15 January 2026,
    // so the round of 3 February 2026 rather than one of 2025.
    let gap = official(&mut pair.membership, &cell, "Đặng Thị Lan", "1995-01-15").await?;
    let gap = update_member(
        &mut pair.membership,
        &gap,
        |m| {
            m.party_age_gaps = vec![pb::PartyAgeGap {
                from_date: "2000-01-01".into(),
                to_date: "2000-12-31".into(),
                reason: "Mất liên lạc".into(),
            }]
        },
        &["party_age_gaps"],
    )
    .await?;
    // Seriously ill, 30 years on 1 October 2026: may receive it at 7 November 2025.
    let ill = official(&mut pair.membership, &cell, "Triệu Văn Sinh", "1996-10-01").await?;
    update_member(
        &mut pair.membership,
        &ill,
        |m| m.seriously_ill = true,
        &["seriously_ill"],
    )
    .await?;
    // Died on 1 December 2025, 30 years on 1 March 2026: posthumously at 3 February 2026.
    let deceased = official(&mut pair.membership, &cell, "Lý Văn Tài", "1996-03-01").await?;
    pair.membership
        .record_departure(pb::RecordDepartureRequest {
            name: deceased.name.clone(),
            kind: pb::DepartureKind::Death.into(),
            effective_date: "2025-12-01".into(),
            ..Default::default()
        })
        .await?;
    // Already handed its 30-year badge: not due again.
    let awarded = official(&mut pair.membership, &cell, "Phạm Thị Hòa", "1996-01-20").await?;
    update_member(
        &mut pair.membership,
        &awarded,
        |m| {
            m.badges = vec![pb::BadgeAward {
                years: 30,
                award_date: "2025-11-07".into(),
            }]
        },
        &["badges"],
    )
    .await?;
    pair.caught_up().await?;

    let due_2026 = badges(&mut pair, 2026).await?;
    let found = badge(&due_2026, &plain).ok_or("the plain case is due in 2026")?;
    assert_eq!(
        (found.badge_years, found.round(), found.round_date.as_str()),
        (30, report::AwardRound::May19, "2026-05-19")
    );
    assert_eq!(found.milestone_date, "2026-05-10");
    assert!(found.early_reason.is_empty() && !found.deceased);
    let found = badge(&due_2026, &gap).ok_or("the gap case is due in 2026")?;
    assert_eq!(found.milestone_date, "2026-01-15");
    assert_eq!(found.round(), report::AwardRound::February3);
    // Party age on 3 February 2026: 31 years and 19 days minus the gap, 30 whole years.
    assert_eq!(found.party_age_months, 360);
    let found = badge(&due_2026, &deceased).ok_or("the posthumous case is due in 2026")?;
    assert_eq!(
        (found.round(), found.early_reason.as_str(), found.deceased),
        (report::AwardRound::February3, "POSTHUMOUS", true)
    );
    assert!(badge(&due_2026, &awarded).is_none(), "handed already");
    // Not recorded as handed in May: still due at the rounds after it.
    let plain_rounds: Vec<&str> = due_2026
        .iter()
        .filter(|b| b.member == plain.name)
        .map(|b| b.round_date.as_str())
        .collect();
    assert_eq!(plain_rounds, ["2026-05-19", "2026-09-02", "2026-11-07"]);

    let due_2025 = badges(&mut pair, 2025).await?;
    assert!(badge(&due_2025, &gap).is_none(), "the gap moves it to 2026");
    let found = badge(&due_2025, &ill).ok_or("the seriously ill case is due early")?;
    assert_eq!(
        (found.round(), found.early_reason.as_str()),
        (report::AwardRound::November7, "SERIOUSLY_ILL")
    );
    assert!(badge(&due_2025, &plain).is_none());

    // One round only.
    let may = pair
        .reports
        .list_badges_due(report::ListBadgesDueRequest {
            scope: "communes/02680".into(),
            year: 2026,
            round: report::AwardRound::May19.into(),
        })
        .await?
        .into_inner()
        .badges;
    assert!(may.iter().all(|b| b.round() == report::AwardRound::May19));
    assert!(badge(&may, &plain).is_some());
    pair.finish().await
}

async fn export(
    pair: &mut Pair,
    request: report::ExportReportRequest,
) -> Result<(String, String, Vec<u8>), tonic::Status> {
    let mut stream = pair.reports.export_report(request).await?.into_inner();
    let (mut file_name, mut content_type, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Some(chunk) = stream.message().await? {
        if file_name.is_empty() {
            file_name = chunk.file_name;
            content_type = chunk.content_type;
        }
        bytes.extend_from_slice(&chunk.data);
    }
    Ok((file_name, content_type, bytes))
}

async fn exports_open_as_workbooks_and_refuse_bad_requests(
    backend: Backend,
) -> Result<(), BoxError> {
    use calamine::Reader;
    let mut pair = Pair::start(backend, "export").await?;
    let (cell, _) = crate::fixtures::small_commune(&mut pair.membership).await?;
    official(&mut pair.membership, &cell, "Hoàng Văn Bút", "1996-05-10").await?;
    crate::fixtures::admit(&mut pair.membership, &cell, "Vàng Thị Dung").await?;
    pair.caught_up().await?;
    let statistics_request = report::GetStatisticsRequest {
        scope: "communes/02680".into(),
        as_of_date: "2025-06-30".into(),
        ..Default::default()
    };
    let shown = pair
        .reports
        .get_statistics(statistics_request.clone())
        .await?
        .into_inner();

    let (file_name, content_type, bytes) = export(
        &mut pair,
        report::ExportReportRequest {
            report: Some(report::export_report_request::Report::Statistics(
                statistics_request.clone(),
            )),
            format: report::ExportFormat::Xlsx.into(),
        },
    )
    .await?;
    assert!(file_name.ends_with(".xlsx"), "{file_name}");
    assert!(content_type.contains("spreadsheetml"));
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))?;
    let sheets = workbook.sheet_names();
    assert!(
        sheets.len() > shown.breakdowns.len(),
        "a sheet per table: {sheets:?}"
    );
    let mut cells_text = String::new();
    for sheet in &sheets {
        let range = workbook.worksheet_range(sheet)?;
        for row in range.rows() {
            for cell in row {
                cells_text.push_str(&cell.to_string());
                cells_text.push('\t');
            }
        }
    }
    assert!(cells_text.contains("Dân tộc"), "Vietnamese headings");

    let (file_name, content_type, bytes) = export(
        &mut pair,
        report::ExportReportRequest {
            report: Some(report::export_report_request::Report::Statistics(
                statistics_request.clone(),
            )),
            format: report::ExportFormat::Csv.into(),
        },
    )
    .await?;
    assert!(file_name.ends_with(".csv") && content_type.starts_with("text/csv"));
    let text = String::from_utf8(bytes)?;
    assert!(
        text.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheet programs"
    );
    assert!(text.contains("Dân tộc"));

    // Admission progress carries its chart; the workbook still opens.
    pair.admission
        .set_target(pb::SetTargetRequest {
            parent: "communes/02680".into(),
            target: Some(pb::Target {
                first_year: 2020,
                last_year: 2025,
                admissions_per_year: 6,
                good_cells_percent: 80,
                ..Default::default()
            }),
        })
        .await?;
    pair.caught_up().await?;
    let (_, _, bytes) = export(
        &mut pair,
        report::ExportReportRequest {
            report: Some(report::export_report_request::Report::AdmissionProgress(
                report::GetAdmissionProgressRequest {
                    commune: "communes/02680".into(),
                    year: 2022,
                    as_of_date: "2022-12-31".into(),
                },
            )),
            format: report::ExportFormat::Xlsx.into(),
        },
    )
    .await?;
    let workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))?;
    assert!(!workbook.sheet_names().is_empty());

    // No format, no report, a report that fails: a clear error and no file.
    assert_rejected(
        export(
            &mut pair,
            report::ExportReportRequest {
                report: Some(report::export_report_request::Report::Statistics(
                    statistics_request.clone(),
                )),
                format: report::ExportFormat::Unspecified.into(),
            },
        )
        .await
        .map(tonic::Response::new),
        Code::InvalidArgument,
        "format",
    );
    assert_rejected(
        export(
            &mut pair,
            report::ExportReportRequest {
                report: None,
                format: report::ExportFormat::Csv.into(),
            },
        )
        .await
        .map(tonic::Response::new),
        Code::InvalidArgument,
        "report",
    );
    let failed = export(
        &mut pair,
        report::ExportReportRequest {
            report: Some(report::export_report_request::Report::Statistics(
                report::GetStatisticsRequest {
                    scope: "provinces/99".into(),
                    ..Default::default()
                },
            )),
            format: report::ExportFormat::Csv.into(),
        },
    )
    .await;
    assert_eq!(
        failed.map(|_| ()).map_err(|s| s.code()),
        Err(Code::NotFound)
    );
    pair.finish().await
}

async fn synthetic_province_statistics_sum_and_reconcile(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "synthetic").await?;
    let province = synthetic::seed_province(
        &mut pair.membership,
        &mut pair.reference,
        synthetic::DEFAULT_SEED,
        &Progress::hidden(),
    )
    .await?;
    pair.caught_up().await?;
    assert!(
        province.merged.len() >= 2,
        "one pair of communes merged in 2025"
    );

    for ((day, expected), (_, awaiting)) in province
        .province_counts
        .iter()
        .zip(&province.province_awaiting)
    {
        let found = statistics(&mut pair, &province.province, day).await?;
        assert_eq!(
            (found.total_members, found.awaiting_ceremony_members),
            (*expected, *awaiting),
            "{} on {day}: on the roll, awaiting the ceremony",
            province.province
        );
        assert_breakdowns_sum(&found);
        for unit in &found.units {
            assert_eq!(
                Some(unit.members),
                province.members_on(&unit.commune, day),
                "{} on {day}",
                unit.commune
            );
        }
    }
    for count in &province.counts {
        let found = statistics(&mut pair, &count.commune, &count.date).await?;
        assert_eq!(
            found.total_members, count.members,
            "{} on {}",
            count.commune, count.date
        );
        assert_breakdowns_sum(&found);
    }

    // Before the merge the successor counts the merged pair; after it the pair has ended.
    let before = "2024-12-31";
    let predecessors: i64 = province
        .merged
        .iter()
        .map(|commune| province.members_on(commune, before).unwrap_or(0))
        .sum();
    let successor = statistics(&mut pair, &province.successor, before).await?;
    assert_eq!(successor.total_members, predecessors);
    let mut counted: Vec<&str> = successor.units.iter().map(|u| u.commune.as_str()).collect();
    counted.sort_unstable();
    let mut merged: Vec<&str> = province.merged.iter().map(String::as_str).collect();
    merged.sort_unstable();
    assert_eq!(counted, merged);
    for commune in &province.merged {
        assert_rejected(
            statistics(&mut pair, commune, "2026-06-30")
                .await
                .map(tonic::Response::new),
            Code::FailedPrecondition,
            "scope",
        );
    }
    // Every other report on an ended commune answers the same way, naming the commune.
    for commune in &province.merged {
        let report = pair
            .reports
            .get_commune_report(report::GetCommuneReportRequest {
                commune: commune.clone(),
                as_of_date: "2026-06-30".into(),
            })
            .await;
        assert_rejected(report, Code::FailedPrecondition, "commune");
        let pipeline = pair
            .reports
            .get_pipeline(report::GetPipelineRequest {
                commune: commune.clone(),
                as_of_date: "2026-06-30".into(),
            })
            .await;
        assert_rejected(pipeline, Code::FailedPrecondition, "commune");
    }

    for expected in &province.movements {
        let found = movements(&mut pair, &province.province, &expected.from, &expected.to).await?;
        assert_reconciled(&found);
        let check = found.reconciliation.unwrap_or_default();
        let admitted = found.admitted.unwrap_or_default();
        assert_eq!(
            (
                check.members_at_start,
                found.ceremonies,
                found.transferred_in,
                found.transferred_out,
                found.died,
                found.removed,
                found.expelled,
                found.resigned,
                check.members_at_end,
            ),
            (
                expected.members_at_start,
                expected.ceremonies,
                expected.transferred_in,
                expected.transferred_out,
                expected.died,
                expected.removed,
                expected.expelled,
                expected.resigned,
                expected.members_at_end,
            ),
            "the roll's movements {} … {}",
            expected.from,
            expected.to
        );
        assert_eq!(
            (
                check.awaiting_at_start,
                admitted.total,
                found.left_awaiting_ceremony,
                check.awaiting_at_end,
            ),
            (
                expected.awaiting_at_start,
                expected.admitted,
                expected.left_awaiting_ceremony,
                expected.awaiting_at_end,
            ),
            "the line awaiting the ceremony {} … {}",
            expected.from,
            expected.to
        );
        // Every commune's movements reconcile too, the merged ones up to their end.
        for (commune, _) in &province.commune_names {
            match movements(&mut pair, commune, &expected.from, &expected.to).await {
                Ok(found) => assert_reconciled(&found),
                Err(status) => assert!(
                    matches!(
                        status.code(),
                        Code::FailedPrecondition | Code::InvalidArgument
                    ),
                    "{commune} {}: {status:?}",
                    expected.from
                ),
            }
        }
    }
    pair.finish().await
}

async fn reference_province_rolls_up_across_the_2025_merger(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "reference_rollup").await?;
    dataset::seed_all(
        &mut pair.membership,
        &mut pair.admission,
        &mut pair.reference,
        &Progress::hidden(),
    )
    .await?;
    pair.caught_up().await?;

    // 2022: the former province 10 holds Hợp Thành and Tả Phời; the new province 15, created in
    // 2025, counts its predecessor.
    let old = statistics(&mut pair, "provinces/10", dataset::REFERENCE_AS_OF).await?;
    assert_eq!(old.total_members, dataset::PROVINCE_10_MEMBERS_2022);
    assert_breakdowns_sum(&old);
    let hop_thanh = old
        .units
        .iter()
        .find(|u| u.commune == dataset::COMMUNE)
        .ok_or("Hợp Thành is counted")?;
    assert_eq!(hop_thanh.members, dataset::EXPECTED_MEMBERS);
    let new_before = statistics(&mut pair, "provinces/15", dataset::REFERENCE_AS_OF).await?;
    assert_eq!(new_before.total_members, dataset::PROVINCE_10_MEMBERS_2022);
    assert!(!new_before.notes.is_empty(), "the predecessor is named");
    assert_eq!(
        statistics(&mut pair, dataset::COMMUNE, dataset::REFERENCE_AS_OF)
            .await?
            .total_members,
        dataset::EXPECTED_MEMBERS,
        "the continuing commune counts only itself before the merge"
    );

    // 2026: province 10 and Tả Phời have ended; Hợp Thành holds everyone in province 15.
    let after = statistics(&mut pair, "provinces/15", "2026-06-30").await?;
    assert_eq!(after.total_members, dataset::MEMBERS_AFTER_MERGE);
    assert_breakdowns_sum(&after);
    assert_eq!(after.units.len(), 1);
    for scope in ["provinces/10", dataset::TA_PHOI] {
        assert_rejected(
            statistics(&mut pair, scope, "2026-06-30")
                .await
                .map(tonic::Response::new),
            Code::FailedPrecondition,
            "scope",
        );
    }
    let merger = movements(&mut pair, dataset::COMMUNE, "2025-01-01", "2025-12-31").await?;
    assert_reconciled(&merger);
    assert_eq!(merger.transferred_in, dataset::TA_PHOI_MEMBERS);

    let ranking = pair
        .reports
        .rank_communes(report::RankCommunesRequest {
            province: "provinces/10".into(),
            indicator: report::RankingIndicator::Members.into(),
            year: 2022,
            as_of_date: dataset::REFERENCE_AS_OF.into(),
        })
        .await?
        .into_inner();
    let ranked: Vec<(&str, i32)> = ranking
        .communes
        .iter()
        .map(|c| (c.commune.as_str(), c.rank))
        .collect();
    assert_eq!(ranked, [(dataset::COMMUNE, 1), (dataset::TA_PHOI, 2)]);
    pair.finish().await
}
