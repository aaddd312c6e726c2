//! Each report's document, read as a file holds it ([`Document::filed`]), from hand-built
//! responses; and that every document renders in both file formats.

use crate::document::{Cell, ChartKind, Date, Document, Format, SUPPRESSED_LABEL, Table};
use partyregistry_proto::reporting::v1::{
    AdmissionMovements, AdmissionProgress, AdmissionsReport, AwardRound, BadgeDue, Breakdown,
    Bucket, CellFigures, CellHealth, CellHealthRow, CellPipeline, CellRatingSummary, CommuneReport,
    CountedUnit, Deadline, DeadlineKind, Freshness, ListBadgesDueRequest, ListBadgesDueResponse,
    ListDeadlinesRequest, ListDeadlinesResponse, Movements, Pipeline, RankCommunesRequest,
    RankCommunesResponse, RankedCommune, RankingIndicator, RatingExclusion, Reconciliation,
    Statistics, YearAdmissions,
};

use super::*;

fn bucket(key: &str, label: &str, members: i64) -> Bucket {
    Bucket {
        key: key.into(),
        label: label.into(),
        members,
        suppressed: false,
    }
}

fn freshness() -> Option<Freshness> {
    Some(Freshness {
        last_applied_sequence: 41,
        last_applied_commit_time: Some(prost_types::Timestamp {
            // 2026-06-30T03:00:00Z, 10:00 in Vietnam.
            seconds: 1_782_788_400,
            nanos: 0,
        }),
        head_sequence: 42,
        pending_changes: 1,
        ..Freshness::default()
    })
}

/// The table on sheet `sheet`.
fn table<'a>(document: &'a Document, sheet: &str) -> &'a Table {
    document
        .tables
        .iter()
        .find(|t| t.sheet_name == sheet)
        .unwrap_or_else(|| panic!("no sheet {sheet} in {:?}", sheet_list(document)))
}

fn sheet_list(document: &Document) -> Vec<&str> {
    document
        .tables
        .iter()
        .map(|t| t.sheet_name.as_str())
        .collect()
}

/// The value next to `label` in a key/value table.
fn value<'a>(table: &'a Table, label: &str) -> &'a Cell {
    table
        .rows
        .iter()
        .find(|row| row.first() == Some(&Cell::Text(label.into())))
        .and_then(|row| row.get(1))
        .unwrap_or_else(|| panic!("no row {label} in {}", table.title))
}

fn text(value: &str) -> Cell {
    Cell::Text(value.into())
}

fn date(iso: &str) -> Cell {
    Cell::Date(Date::parse_iso(iso).expect("a valid date"))
}

/// The integer cells of `column`, total row excluded.
fn column(table: &Table, column: usize) -> Vec<i64> {
    table
        .rows
        .iter()
        .filter(|row| row.first() != Some(&text(TOTAL_LABEL)))
        .map(|row| match row.get(column) {
            Some(Cell::Integer(value)) => *value,
            other => panic!("not an integer: {other:?}"),
        })
        .collect()
}

fn total_row(table: &Table) -> &Vec<Cell> {
    table
        .rows
        .last()
        .filter(|row| {
            [TOTAL_LABEL, SHOWN_TOTAL_LABEL]
                .iter()
                .any(|label| row.first() == Some(&text(label)))
        })
        .unwrap_or_else(|| panic!("{} has no total row", table.title))
}

/// Every document renders in both formats and its sheet names are unique.
fn renders(document: &Document) {
    for format in [Format::Csv, Format::Xlsx] {
        let bytes = crate::render(document, format)
            .unwrap_or_else(|error| panic!("{} as {format:?}: {error}", document.title));
        assert!(!bytes.is_empty());
    }
    let names = crate::xlsx::sheet_names(document);
    let mut lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    lowered.sort();
    lowered.dedup();
    assert_eq!(lowered.len(), names.len(), "{names:?}");
    assert!(document.file_stem.is_ascii());
}

/// The summary row of the people decided and awaiting their ceremony.
const AWAITING_CEREMONY: &str = "Đã có quyết định kết nạp, chờ lễ kết nạp (không tính vào tổng số)";

fn sample_statistics() -> Statistics {
    Statistics {
        suppressed_fields: Vec::new(),
        awaiting_ceremony_members: 2,
        scope: "provinces/15".into(),
        display_name: "Tỉnh Lào Cai".into(),
        as_of_date: "2026-06-30".into(),
        total_members: 300,
        official_members: 280,
        probationary_members: 20,
        women: 110,
        average_age: 47.36,
        breakdowns: vec![
            Breakdown {
                kind: "ethnicity".into(),
                title: "Dân tộc".into(),
                rows: vec![
                    bucket("08", "Mông", 150),
                    bucket("01", "Kinh", 100),
                    bucket("09", "", 50),
                ],
            },
            Breakdown {
                kind: "general_education".into(),
                title: "Giáo dục phổ thông".into(),
                rows: vec![
                    bucket("GENERAL_EDUCATION_LOWER_SECONDARY", "", 120),
                    bucket("GENERAL_EDUCATION_UPPER_SECONDARY", "", 180),
                ],
            },
        ],
        units: vec![
            CountedUnit {
                suppressed_fields: Vec::new(),
                commune: "communes/02677".into(),
                display_name: "Xã Tả Phời".into(),
                province: "provinces/10".into(),
                members: 128,
            },
            CountedUnit {
                suppressed_fields: Vec::new(),
                commune: "communes/02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province: "provinces/15".into(),
                members: 172,
            },
        ],
        notes: vec!["Đã tính các xã trước sáp nhập".into()],
        freshness: freshness(),
    }
}

#[test]
fn statistics_has_totals_one_table_per_breakdown_and_the_units() {
    let document = statistics(&sample_statistics()).filed();
    assert_eq!(document.file_stem, "thong-ke-provinces-15-2026-06-30");
    assert_eq!(
        document.file_name(Format::Xlsx),
        "thong-ke-provinces-15-2026-06-30.xlsx"
    );
    assert_eq!(
        document.title,
        "Thống kê đảng viên Tỉnh Lào Cai ngày 30/06/2026"
    );
    assert_eq!(
        sheet_list(&document),
        [
            "Tổng hợp",
            "Dân tộc",
            "Giáo dục phổ thông",
            "Đơn vị",
            "Ghi chú"
        ]
    );
    let summary = table(&document, "Tổng hợp");
    assert_eq!(value(summary, "Tổng số đảng viên"), &Cell::Integer(300));
    // Off the roll, so a line of its own beside the total, not in it.
    assert_eq!(value(summary, AWAITING_CEREMONY), &Cell::Integer(2));
    assert_eq!(value(summary, "Ngày số liệu"), &date("2026-06-30"));
    assert_eq!(value(summary, "Tuổi bình quân"), &Cell::decimal(47.36, 1));
    assert_eq!(
        value(summary, "Dữ liệu cập nhật đến (giờ Việt Nam)"),
        &text("2026-06-30 10:00:00 +07:00")
    );
    // One change pending: not confirmed as the latest, and the file says so.
    assert_eq!(
        value(summary, "Đã xác nhận cập nhật đầy đủ"),
        &text("Không")
    );

    let ethnicity = table(&document, "Dân tộc");
    assert_eq!(
        ethnicity.headers,
        ["Dân tộc", "Số đảng viên", "Tỷ lệ (%)", "Mã"]
    );
    assert_eq!(column(ethnicity, 1).iter().sum::<i64>(), 300);
    // A bucket without a label takes the reference name of its key.
    assert_eq!(ethnicity.rows[2][0], text("Dao"));
    assert_eq!(ethnicity.rows[0][2], Cell::decimal(50.0, 1));
    assert_eq!(
        total_row(ethnicity)[..3],
        [
            text(TOTAL_LABEL),
            Cell::Integer(300),
            Cell::decimal(100.0, 1)
        ]
    );
    let education = table(&document, "Giáo dục phổ thông");
    assert_eq!(education.rows[0][0], text("Trung học cơ sở"));

    let units = table(&document, "Đơn vị");
    assert_eq!(units.rows[0][0], text("Xã Tả Phời"));
    assert_eq!(total_row(units)[3], Cell::Integer(300));
    renders(&document);
}

#[test]
fn a_suppressed_row_figure_is_labelled_not_written_as_zero() {
    let mut sample = sample_statistics();
    sample.units[1].members = 0;
    sample.units[1].suppressed_fields = vec!["members".into()];
    let document = statistics(&sample).filed();
    let units = table(&document, "Đơn vị");
    assert_eq!(units.rows[1][3], text(SUPPRESSED_LABEL));
    assert_eq!(units.rows[0][3], Cell::Integer(128));
    // The total says it leaves the hidden count out.
    assert_eq!(total_row(units)[0], text(SHOWN_TOTAL_LABEL));
    assert_eq!(total_row(units)[3], Cell::Integer(128));
    renders(&document);
}

#[test]
fn a_hidden_total_is_labelled_not_written_as_zero() {
    let mut sample = sample_statistics();
    sample.total_members = 0;
    sample.women = 0;
    sample.average_age = 0.0;
    sample.awaiting_ceremony_members = 0;
    sample.suppressed_fields = vec![
        "total_members".into(),
        "women".into(),
        "average_age".into(),
        "awaiting_ceremony_members".into(),
    ];
    let document = statistics(&sample).filed();
    let summary = table(&document, "Tổng hợp");
    let value = |label: &str| {
        summary
            .rows
            .iter()
            .find(|row| row[0] == text(label))
            .map(|row| row[1].clone())
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    assert_eq!(value("Tổng số đảng viên"), text(SUPPRESSED_LABEL));
    assert_eq!(value("Đảng viên nữ"), text(SUPPRESSED_LABEL));
    assert_eq!(value("Tuổi bình quân"), text(SUPPRESSED_LABEL));
    assert_eq!(value(AWAITING_CEREMONY), text(SUPPRESSED_LABEL));
    assert_eq!(value("Đảng viên chính thức"), Cell::Integer(280));
    renders(&document);
}

#[test]
fn statistics_csv_carries_the_vietnamese_headings() {
    let document = statistics(&sample_statistics());
    let bytes = crate::render(&document, Format::Csv).expect("rendered");
    let csv = String::from_utf8(bytes).expect("UTF-8");
    assert!(csv.starts_with("\u{feff}Thống kê đảng viên Tỉnh Lào Cai ngày 30/06/2026\r\n"));
    assert!(csv.contains(
        "\r\nĐảng viên theo dân tộc\r\nDân tộc,Số đảng viên,Tỷ lệ (%),Mã\r\nMông,150,50.0,08\r\n"
    ));
}

#[test]
fn admission_progress_runs_the_total_against_the_target_with_a_chart() {
    let mut by_month = vec![0_i64; 12];
    by_month[1] = 2;
    by_month[4] = 3;
    let progress = AdmissionProgress {
        commune: "communes/02680".into(),
        year: 2026,
        as_of_date: "2026-06-30".into(),
        target: 12,
        has_target: true,
        admitted: 5,
        by_month,
        remaining: 7,
        eligible_candidates: 4,
        open_candidates: 9,
        best_case: 9,
        at_risk: true,
        reasons: vec!["3 quần chúng chưa học lớp nhận thức về Đảng".into()],
        freshness: freshness(),
    };
    let document = admission_progress(&progress).filed();
    assert_eq!(
        document.file_stem,
        "tien-do-ket-nap-communes-02680-2026-2026-06-30"
    );
    assert_eq!(sheet_list(&document), ["Tổng hợp", "Lý do", "Theo tháng"]);
    let summary = table(&document, "Tổng hợp");
    assert_eq!(
        value(summary, "Chỉ tiêu kết nạp trong năm"),
        &Cell::Integer(12)
    );
    assert_eq!(value(summary, "Nguy cơ không đạt chỉ tiêu"), &text("Có"));

    let months = table(&document, "Theo tháng");
    assert_eq!(months.rows.len(), 12);
    assert_eq!(months.rows[0][0], text("Tháng 1"));
    assert_eq!(
        column(months, 2),
        [0, 2, 2, 2, 5, 5, 5, 5, 5, 5, 5, 5],
        "cumulative admissions"
    );
    assert_eq!(column(months, 3), [12; 12], "the target line");

    let chart = document.chart.as_ref().expect("a chart");
    assert_eq!(chart.table, 2);
    assert_eq!(chart.category_column, 0);
    let plotted: Vec<(usize, ChartKind)> =
        chart.series.iter().map(|s| (s.column, s.kind)).collect();
    assert_eq!(
        plotted,
        [
            (1, ChartKind::Column),
            (2, ChartKind::Line),
            (3, ChartKind::Line)
        ]
    );
    renders(&document);
}

#[test]
fn admission_progress_without_target_leaves_the_target_line_empty() {
    let progress = AdmissionProgress {
        commune: "communes/02680".into(),
        year: 2026,
        as_of_date: "2026-06-30".into(),
        by_month: vec![0; 12],
        ..AdmissionProgress::default()
    };
    let document = admission_progress(&progress).filed();
    assert_eq!(sheet_list(&document), ["Tổng hợp", "Theo tháng"]);
    assert_eq!(
        value(table(&document, "Tổng hợp"), "Chỉ tiêu kết nạp trong năm"),
        &text("Chưa có chỉ tiêu")
    );
    assert!(
        table(&document, "Theo tháng")
            .rows
            .iter()
            .all(|row| row[3] == Cell::Empty)
    );
    renders(&document);
}

/// A commune's year: 6 admitted, 6 ceremonies (one of them of the one awaiting at the start),
/// one awaiting at the end; both checks hold.
fn sample_movements() -> Movements {
    Movements {
        suppressed_fields: Vec::new(),
        scope: "communes/02680".into(),
        display_name: "Xã Hợp Thành".into(),
        from_date: "2025-01-01".into(),
        to_date: "2025-12-31".into(),
        admitted: Some(AdmissionMovements {
            suppressed_fields: Vec::new(),
            total: 6,
            under_30: 4,
            youth_union: 3,
            ethnic_minority: 5,
            women: 2,
            readmitted: 1,
        }),
        recognized_official: 5,
        transferred_in: 130,
        transferred_out: 2,
        temporary_out: 1,
        temporary_returned: 1,
        exempted: 1,
        died: 3,
        removed: 1,
        expelled: 0,
        resigned: 0,
        ceremonies: 6,
        left_awaiting_ceremony: 0,
        reconciliation: Some(Reconciliation {
            members_at_start: 170,
            movements_in: 136,
            movements_out: 6,
            members_at_end: 300,
            balanced: true,
            awaiting_at_start: 1,
            awaiting_at_end: 1,
        }),
        notes: vec!["Xã Tả Phời sáp nhập vào xã Hợp Thành ngày 01/07/2025".into()],
        freshness: freshness(),
    }
}

/// The label–value rows of a movements table, as a file holds them.
fn labels(table: &Table) -> Vec<String> {
    table
        .rows
        .iter()
        .map(|row| match row.first() {
            Some(Cell::Text(label)) => label.clone(),
            other => panic!("not a label: {other:?}"),
        })
        .collect()
}

#[test]
fn movements_is_one_table_that_shows_the_reconciliation() {
    let document = super::movements(&sample_movements()).filed();
    assert_eq!(
        document.file_stem,
        "bien-dong-communes-02680-2025-01-01-2025-12-31"
    );
    assert_eq!(document.tables.len(), 1);
    let table = &document.tables[0];
    // The roll, entered at the ceremony, then the line awaiting it, entered at the decision.
    let rows = labels(table);
    let position = |label: &str| {
        rows.iter()
            .position(|row| row == label)
            .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
    };
    let order = [
        "Đảng viên đầu kỳ",
        "Lễ kết nạp (vào danh sách)",
        "Chuyển sinh hoạt chính thức đến",
        "Cộng tăng",
        "Cộng giảm",
        "Đảng viên cuối kỳ",
        "Đối chiếu: đầu kỳ + tăng = cuối kỳ + giảm",
        "Chờ lễ kết nạp đầu kỳ",
        "Kết nạp (theo ngày quyết định)",
        "Trong đó: kết nạp lại",
        "Rời trước lễ kết nạp",
        "Chờ lễ kết nạp cuối kỳ",
        "Đối chiếu chờ lễ kết nạp: đầu kỳ + kết nạp = lễ kết nạp + rời trước lễ + cuối kỳ",
        "Công nhận đảng viên chính thức",
    ]
    .map(position);
    assert!(order.is_sorted(), "{rows:?}");
    assert_eq!(value(table, "Đảng viên đầu kỳ"), &Cell::Integer(170));
    assert_eq!(
        value(table, "Lễ kết nạp (vào danh sách)"),
        &Cell::Integer(6)
    );
    assert_eq!(value(table, "Cộng tăng"), &Cell::Integer(136));
    assert_eq!(value(table, "Cộng giảm"), &Cell::Integer(6));
    assert_eq!(value(table, "Đảng viên cuối kỳ"), &Cell::Integer(300));
    assert_eq!(
        value(table, "Đối chiếu: đầu kỳ + tăng = cuối kỳ + giảm"),
        &text("Khớp")
    );
    assert_eq!(value(table, "Chờ lễ kết nạp đầu kỳ"), &Cell::Integer(1));
    assert_eq!(
        value(table, "Kết nạp (theo ngày quyết định)"),
        &Cell::Integer(6)
    );
    assert_eq!(value(table, "Trong đó: kết nạp lại"), &Cell::Integer(1));
    assert_eq!(value(table, "Rời trước lễ kết nạp"), &Cell::Integer(0));
    assert_eq!(value(table, "Chờ lễ kết nạp cuối kỳ"), &Cell::Integer(1));
    assert_eq!(
        value(
            table,
            "Đối chiếu chờ lễ kết nạp: đầu kỳ + kết nạp = lễ kết nạp + rời trước lễ + cuối kỳ"
        ),
        &text("Khớp")
    );
    assert_eq!(
        value(table, "Ghi chú"),
        &text("Xã Tả Phời sáp nhập vào xã Hợp Thành ngày 01/07/2025")
    );
    assert_eq!(
        reconciliation_lines(&sample_movements()),
        [
            "ĐỐI CHIẾU: đầu kỳ 170 + tăng 136 = 306; cuối kỳ 300 + giảm 6 = 306 → KHỚP",
            "ĐỐI CHIẾU CHỜ LỄ KẾT NẠP: chờ lễ đầu kỳ 1 + kết nạp 6 = 7; \
             lễ kết nạp 6 + rời trước lễ 0 + chờ lễ cuối kỳ 1 = 7 → KHỚP",
        ]
    );
    renders(&document);
}

#[test]
fn each_check_of_the_movements_says_whether_it_holds() {
    // The line awaiting the ceremony ends one short of what explains it: the roll still
    // reconciles, that line does not.
    let mut short = sample_movements();
    if let Some(check) = short.reconciliation.as_mut() {
        check.awaiting_at_end = 0;
        check.balanced = false;
    }
    let table = &super::movements(&short).filed().tables[0];
    assert_eq!(
        value(table, "Đối chiếu: đầu kỳ + tăng = cuối kỳ + giảm"),
        &text("Khớp")
    );
    assert_eq!(
        value(
            table,
            "Đối chiếu chờ lễ kết nạp: đầu kỳ + kết nạp = lễ kết nạp + rời trước lễ + cuối kỳ"
        ),
        &text("Không khớp")
    );
    let [roll, awaiting] = reconciliation_lines(&short);
    assert!(roll.ends_with("→ KHỚP"), "{roll}");
    assert!(
        awaiting.ends_with("= 6 → KHÔNG KHỚP (chênh lệch 1)"),
        "{awaiting}"
    );

    // Unbalanced by the service's count while both sums, with hidden figures read as 0, agree:
    // neither check is said to hold.
    let hidden = Movements {
        reconciliation: Some(Reconciliation {
            balanced: false,
            ..Reconciliation::default()
        }),
        ..Movements::default()
    };
    for line in reconciliation_lines(&hidden) {
        assert!(line.ends_with("KHÔNG KHỚP (chênh lệch 0)"), "{line}");
    }
}

#[test]
fn hidden_movement_figures_are_labelled_not_written_as_zero() {
    let mut sample = sample_movements();
    sample.ceremonies = 0;
    sample.left_awaiting_ceremony = 0;
    if let Some(check) = sample.reconciliation.as_mut() {
        check.awaiting_at_start = 0;
        check.awaiting_at_end = 0;
    }
    sample.suppressed_fields = [
        "ceremonies",
        "left_awaiting_ceremony",
        "awaiting_at_start",
        "awaiting_at_end",
    ]
    .map(String::from)
    .to_vec();
    let document = super::movements(&sample).filed();
    let table = &document.tables[0];
    for label in [
        "Lễ kết nạp (vào danh sách)",
        "Rời trước lễ kết nạp",
        "Chờ lễ kết nạp đầu kỳ",
        "Chờ lễ kết nạp cuối kỳ",
    ] {
        assert_eq!(value(table, label), &text(SUPPRESSED_LABEL), "{label}");
    }
    assert_eq!(value(table, "Đảng viên đầu kỳ"), &Cell::Integer(170));
    renders(&document);
}

#[test]
fn badges_due_counts_each_round_and_badge_and_lists_the_members() {
    let badge = |member: &str, years: i32, round: AwardRound, day: &str, reason: &str| BadgeDue {
        member: member.into(),
        full_name: format!("Đảng viên {member}"),
        cell: "communes/02680/cells/c01".into(),
        badge_years: years,
        round: round as i32,
        round_date: day.into(),
        milestone_date: day.into(),
        party_age_months: years * 12,
        early_reason: reason.into(),
        deceased: reason == "POSTHUMOUS",
    };
    let request = ListBadgesDueRequest {
        scope: "provinces/15".into(),
        year: 2026,
        round: AwardRound::Unspecified as i32,
    };
    let response = ListBadgesDueResponse {
        badges: vec![
            badge("members/1", 50, AwardRound::February3, "2026-02-03", ""),
            badge(
                "members/2",
                50,
                AwardRound::February3,
                "2026-02-03",
                "SERIOUSLY_ILL",
            ),
            badge("members/3", 30, AwardRound::February3, "2026-02-03", ""),
            badge(
                "members/4",
                40,
                AwardRound::September2,
                "2026-09-02",
                "POSTHUMOUS",
            ),
        ],
        freshness: freshness(),
    };
    let document = badges_due(&request, &response).filed();
    assert_eq!(document.file_stem, "huy-hieu-dang-provinces-15-2026");
    let summary = table(&document, "Tổng hợp");
    assert_eq!(value(summary, "Đợt"), &text("Cả bốn đợt"));
    assert_eq!(value(summary, "Số đảng viên"), &Cell::Integer(4));
    assert_eq!(
        value(summary, "Trong đó: tặng sớm do ốm nặng"),
        &Cell::Integer(1)
    );
    assert_eq!(value(summary, "Trong đó: truy tặng"), &Cell::Integer(1));

    let groups = table(&document, "Theo đợt");
    assert_eq!(
        groups.rows[0][..4],
        [
            text("Đợt 3/2"),
            date("2026-02-03"),
            Cell::Integer(50),
            Cell::Integer(2)
        ]
    );
    assert_eq!(groups.rows[1][2..4], [Cell::Integer(30), Cell::Integer(1)]);
    assert_eq!(groups.rows[2][0], text("Đợt 2/9"));
    assert_eq!(total_row(groups)[3], Cell::Integer(4));

    let list = table(&document, "Danh sách");
    assert_eq!(list.rows.len(), 4);
    assert_eq!(list.rows[1][8], text("Ốm nặng"));
    assert_eq!(list.rows[3][8], text("Truy tặng"));
    assert_eq!(list.rows[3][9], text("Có"));
    assert_eq!(list.rows[3][0], Cell::Integer(4));

    let one_round = ListBadgesDueRequest {
        round: AwardRound::September2 as i32,
        ..request
    };
    let document = badges_due(&one_round, &ListBadgesDueResponse::default()).filed();
    assert_eq!(document.file_stem, "huy-hieu-dang-provinces-15-2026-02-09");
    assert!(document.title.contains("đợt 2/9"));
    renders(&document);
}

#[test]
fn ranking_shows_percentages_and_leaves_missing_values_empty() {
    let request = RankCommunesRequest {
        province: "provinces/15".into(),
        indicator: RankingIndicator::AdmissionsAgainstTarget as i32,
        year: 2026,
        as_of_date: String::new(),
    };
    let response = RankCommunesResponse {
        as_of_date: "2022-06-30".into(),
        year: 2022,
        province: "provinces/15".into(),
        indicator: RankingIndicator::AdmissionsAgainstTarget as i32,
        communes: vec![
            RankedCommune {
                suppressed: false,
                province: "provinces/15".into(),
                rank: 1,
                commune: "communes/02680".into(),
                display_name: "Xã Hợp Thành".into(),
                value: 83.333,
                has_value: true,
                detail: "5/6 đảng viên".into(),
            },
            RankedCommune {
                suppressed: false,
                province: "provinces/15".into(),
                rank: 2,
                commune: "communes/02690".into(),
                display_name: "Xã Bản Xèo".into(),
                value: 0.0,
                has_value: false,
                detail: "Chưa có chỉ tiêu".into(),
            },
        ],
        freshness: freshness(),
    };
    let document = ranking(&request, &response).filed();
    assert_eq!(document.file_stem, "xep-hang-provinces-15-ket-nap-2026");
    let table = table(&document, "Xếp hạng");
    assert_eq!(table.headers[2], "Kết nạp so với chỉ tiêu (%)");
    assert_eq!(table.rows[0][2], Cell::decimal(83.333, 1));
    assert_eq!(table.rows[1][2], Cell::Empty);
    assert_eq!(table.rows[1][3], text("Chưa có chỉ tiêu"));
    renders(&document);
}

#[test]
fn commune_report_has_totals_each_breakdown_and_the_cells() {
    let report = CommuneReport {
        suppressed_fields: Vec::new(),
        awaiting_ceremony_members: 1,
        commune: "communes/02680".into(),
        display_name: "Xã Hợp Thành".into(),
        as_of_date: "2022-06-30".into(),
        total_members: 172,
        official_members: 160,
        probationary_members: 12,
        women: 60,
        by_cell_kind: vec![
            bucket("CELL_KIND_RESIDENTIAL", "", 150),
            bucket("CELL_KIND_SCHOOL", "", 22),
        ],
        cells_by_kind: vec![
            bucket("CELL_KIND_RESIDENTIAL", "", 13),
            bucket("CELL_KIND_SCHOOL", "", 3),
        ],
        age_bands: vec![bucket("<=30", "≤ 30", 40), bucket(">=71", "≥ 71", 132)],
        average_age: 51.25,
        ethnicity: vec![bucket("02", "Tày", 172)],
        general_education: vec![bucket("GENERAL_EDUCATION_UPPER_SECONDARY", "", 172)],
        political_theory: vec![bucket("POLITICAL_THEORY_ELEMENTARY", "", 172)],
        cells: vec![
            CellFigures {
                suppressed_fields: Vec::new(),
                cell: "communes/02680/cells/c01".into(),
                display_name: "Chi bộ thôn Đội Hội".into(),
                kind: "CELL_KIND_RESIDENTIAL".into(),
                members: 20,
                local_members: 18,
                seconded_members: 2,
                last_admission_date: "2021-05-19".into(),
                years_since_last_admission: 1,
            },
            CellFigures {
                suppressed_fields: Vec::new(),
                cell: "communes/02680/cells/c02".into(),
                display_name: "Chi bộ Trường Tiểu học".into(),
                kind: "CELL_KIND_SCHOOL".into(),
                members: 9,
                local_members: 9,
                seconded_members: 0,
                last_admission_date: String::new(),
                years_since_last_admission: -1,
            },
        ],
        freshness: freshness(),
    };
    let document = commune_report(&report).filed();
    assert_eq!(document.file_stem, "bao-cao-communes-02680-2022-06-30");
    assert_eq!(
        sheet_list(&document),
        [
            "Tổng hợp",
            "Loại chi bộ",
            "Số chi bộ",
            "Độ tuổi",
            "Dân tộc",
            "Giáo dục phổ thông",
            "Lý luận chính trị",
            "Chi bộ"
        ]
    );
    assert_eq!(
        value(table(&document, "Tổng hợp"), "Tổng số đảng viên"),
        &Cell::Integer(172)
    );
    assert_eq!(
        value(table(&document, "Tổng hợp"), AWAITING_CEREMONY),
        &Cell::Integer(1)
    );
    let kinds = table(&document, "Loại chi bộ");
    assert_eq!(kinds.rows[0][0], text("Khu dân cư"));
    assert_eq!(total_row(kinds)[1], Cell::Integer(172));
    let cells_by_kind = table(&document, "Số chi bộ");
    assert_eq!(cells_by_kind.headers[1], "Số chi bộ");
    assert_eq!(total_row(cells_by_kind)[1], Cell::Integer(16));
    assert_eq!(table(&document, "Độ tuổi").rows[0][0], text("≤ 30"));
    assert_eq!(
        table(&document, "Lý luận chính trị").rows[0][0],
        text("Sơ cấp")
    );
    let cells = table(&document, "Chi bộ");
    assert_eq!(cells.rows[0][1], text("Khu dân cư"));
    assert_eq!(cells.rows[0][5], date("2021-05-19"));
    assert_eq!(cells.rows[1][5], Cell::Empty);
    assert_eq!(cells.rows[1][6], Cell::Empty, "no admission: no year count");
    assert_eq!(
        total_row(cells)[2..5],
        [Cell::Integer(29), Cell::Integer(27), Cell::Integer(2)]
    );
    renders(&document);
}

#[test]
fn admissions_report_has_a_row_per_year_and_a_column_per_month() {
    let year = |year: i32, month: usize, count: i64| {
        let mut by_month = vec![0; 12];
        by_month[month] = count;
        YearAdmissions {
            year,
            total: count,
            by_month,
        }
    };
    let report = AdmissionsReport {
        commune: "communes/02680".into(),
        years: vec![year(2024, 2, 3), year(2025, 11, 4)],
        freshness: freshness(),
    };
    let document = admissions_report(&report).filed();
    assert_eq!(document.file_stem, "ket-nap-communes-02680-2024-2025");
    let years = table(&document, "Theo tháng");
    assert_eq!(years.headers.len(), 14);
    assert_eq!(years.headers[12], "Tháng 12");
    assert_eq!(years.rows[0][0], Cell::Integer(2024));
    assert_eq!(years.rows[0][3], Cell::Integer(3));
    assert_eq!(years.rows[1][12], Cell::Integer(4));
    assert_eq!(total_row(years)[13], Cell::Integer(7));
    assert_eq!(
        value(table(&document, "Tổng hợp"), "Tổng số kết nạp"),
        &Cell::Integer(7)
    );
    renders(&document);
}

#[test]
fn pipeline_gives_each_cell_a_column_per_stage() {
    let pipeline = Pipeline {
        commune: "communes/02680".into(),
        as_of_date: "2026-06-30".into(),
        open_candidates: 5,
        eligible_candidates: 3,
        by_stage: vec![
            bucket("CANDIDATE_STAGE_IDENTIFIED", "", 3),
            bucket("CANDIDATE_STAGE_DOSSIER", "", 2),
        ],
        by_blocker: vec![bucket(
            "CLASS_CERTIFICATE_MISSING",
            "Chưa có giấy chứng nhận",
            2,
        )],
        cells: vec![CellPipeline {
            suppressed_fields: Vec::new(),
            cell: "communes/02680/cells/c01".into(),
            display_name: "Chi bộ thôn Đội Hội".into(),
            open_candidates: 5,
            eligible_candidates: 3,
            by_stage: vec![bucket("CANDIDATE_STAGE_DOSSIER", "", 2)],
            by_blocker: vec![bucket(
                "CLASS_CERTIFICATE_MISSING",
                "Chưa có giấy chứng nhận",
                2,
            )],
        }],
        freshness: freshness(),
    };
    let document = super::pipeline(&pipeline).filed();
    let cells = table(&document, "Chi bộ");
    assert_eq!(cells.headers[3], "Quần chúng ưu tú");
    assert_eq!(cells.headers[4], "Đang hoàn thiện hồ sơ");
    assert_eq!(
        cells.rows[0][3..6],
        [
            Cell::Integer(0),
            Cell::Integer(2),
            text("Chưa có giấy chứng nhận: 2")
        ]
    );
    assert_eq!(
        total_row(cells)[1..5],
        [
            Cell::Integer(5),
            Cell::Integer(3),
            Cell::Integer(0),
            Cell::Integer(2)
        ]
    );
    assert_eq!(
        table(&document, "Vướng mắc").rows[0][0],
        text("Chưa có giấy chứng nhận")
    );
    renders(&document);
}

#[test]
fn rating_summary_without_target_says_so() {
    let summary = CellRatingSummary {
        commune: "communes/02680".into(),
        year: 2025,
        numerator: 10,
        denominator: 12,
        percent: 83.3333,
        by_level: vec![
            bucket("RATING_LEVEL_EXCELLENT", "", 2),
            bucket("RATING_LEVEL_GOOD", "", 8),
            bucket("RATING_LEVEL_COMPLETED", "", 2),
        ],
        exclusions: vec![RatingExclusion {
            cell: "communes/02680/cells/c09".into(),
            display_name: "Chi bộ thôn Cốc Né".into(),
            reason: "Chưa được đánh giá".into(),
        }],
        ..CellRatingSummary::default()
    };
    let document = cell_rating_summary(&summary).filed();
    assert_eq!(document.file_stem, "xep-loai-chi-bo-communes-02680-2025");
    let totals = table(&document, "Tổng hợp");
    assert_eq!(value(totals, "Tỷ lệ (%)"), &Cell::decimal(83.3333, 1));
    assert_eq!(value(totals, "Chỉ tiêu (%)"), &text("Chưa có chỉ tiêu"));
    assert_eq!(value(totals, "Đạt chỉ tiêu"), &Cell::Empty);
    assert_eq!(
        table(&document, "Theo mức xếp loại").rows[1][0],
        text("Hoàn thành tốt nhiệm vụ")
    );
    assert_eq!(
        table(&document, "Không tính").rows[0][1],
        text("Chưa được đánh giá")
    );
    renders(&document);
}

#[test]
fn cell_health_and_deadlines_convert_flags_and_dates() {
    let health = CellHealth {
        commune: "communes/02680".into(),
        as_of_date: "2026-06-30".into(),
        cells: vec![CellHealthRow {
            kind: "CELL_KIND_RESIDENTIAL".into(),
            suppressed_fields: Vec::new(),
            cell: "communes/02680/cells/c01".into(),
            display_name: "Chi bộ thôn Đội Hội".into(),
            members: 20,
            seconded_members: 12,
            last_admission_date: String::new(),
            years_since_last_admission: -1,
            no_recent_admission: true,
            seconded_dominated: true,
            average_age: 58.04,
            ageing_members: 9,
            open_candidates: 0,
        }],
        cells_without_recent_admission: 1,
        seconded_dominated_cells: 1,
        freshness: None,
    };
    let document = cell_health(&health).filed();
    let row = &table(&document, "Chi bộ").rows[0];
    assert_eq!(row[4..7], [Cell::Empty, text("Có"), text("Có")]);
    assert_eq!(row[7], Cell::decimal(58.04, 1));
    renders(&document);

    let request = ListDeadlinesRequest {
        commune: "communes/02680".into(),
        as_of_date: "2026-06-30".into(),
        until_date: "2026-07-31".into(),
    };
    let response = ListDeadlinesResponse {
        deadlines: vec![Deadline {
            kind: DeadlineKind::Recognition as i32,
            subject: "members/7".into(),
            full_name: "Lò Thị Mai".into(),
            cell: "communes/02680/cells/c01".into(),
            start_date: "2025-06-01".into(),
            due_date: "2026-06-20".into(),
            overdue: true,
            working_days_left: -6,
            rule_version: "rules/2021-01-01".into(),
            calendar_missing_years: Vec::new(),
        }],
        overdue: 1,
        freshness: freshness(),
    };
    let document = deadlines(&request, &response).filed();
    assert_eq!(document.file_stem, "thoi-han-communes-02680-2026-06-30");
    let row = &table(&document, "Thời hạn").rows[0];
    assert_eq!(row[0], text("Công nhận chính thức"));
    assert_eq!(row[4], date("2026-06-20"));
    assert_eq!(row[6], Cell::Integer(-6));
    assert_eq!(
        value(table(&document, "Tổng hợp"), "Đến ngày"),
        &date("2026-07-31")
    );
    renders(&document);
}

#[test]
fn slugs_are_ascii_without_diacritics() {
    assert_eq!(
        slug("Thống kê provinces/15 2026-06-30"),
        "thong-ke-provinces-15-2026-06-30"
    );
    assert_eq!(slug("  Đắk Lắk — Ơ Đu  "), "dak-lak-o-du");
    assert_eq!(slug("—"), "bao-cao");
}
