//! The reports of one commune's cells and members: the commune report, the admissions by year
//! and month, the cell ratings against the target, and the health of each cell.
//!
//! Owns: these four documents. Does not own: the parts they share (`super::tables`).

use partyregistry_proto::reporting::v1::{
    AdmissionsReport, Bucket, CellHealth, CellRatingSummary, CommuneReport,
};
use partyregistry_vocab::reference;

use super::tables::{
    NO_TARGET, SUMMARY, average, awaiting_ceremony, bucket_table, count, figure, is_hidden, pair,
    push_freshness, push_total, slug, summary_table, vietnamese_date, years_or_empty, yes_no,
};
use crate::document::{Cell, Document, Table};

/// `GetCommuneReport`: totals, each breakdown, and the cells.
pub fn commune_report(report: &CommuneReport) -> Document {
    let mut document = Document::new(
        format!(
            "Báo cáo đảng viên {} ngày {}",
            report.display_name,
            vietnamese_date(&report.as_of_date)
        ),
        slug(&format!("bao cao {} {}", report.commune, report.as_of_date)),
    );
    let hidden = &report.suppressed_fields;
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Xã", report.display_name.as_str()))
        .push_row(pair("Mã xã", report.commune.as_str()))
        .push_row(pair("Ngày số liệu", Cell::date(&report.as_of_date)))
        .push_row(pair(
            "Tổng số đảng viên",
            figure(report.total_members, "total_members", hidden),
        ))
        .push_row(pair(
            "Đảng viên chính thức",
            figure(report.official_members, "official_members", hidden),
        ))
        .push_row(pair(
            "Đảng viên dự bị",
            figure(report.probationary_members, "probationary_members", hidden),
        ))
        .push_row(pair("Đảng viên nữ", figure(report.women, "women", hidden)))
        .push_row(pair("Tuổi bình quân", average(report.average_age, hidden)))
        .push_row(awaiting_ceremony(report.awaiting_ceremony_members, hidden));
    push_freshness(&mut summary, report.freshness.as_ref());
    document.push(summary);

    let members = "Số đảng viên";
    let breakdowns: [(&str, &str, &str, &str, &[Bucket]); 6] = [
        (
            "Loại chi bộ",
            "Đảng viên theo loại chi bộ",
            "Loại chi bộ",
            members,
            &report.by_cell_kind,
        ),
        (
            "Số chi bộ",
            "Số chi bộ theo loại",
            "Loại chi bộ",
            "Số chi bộ",
            &report.cells_by_kind,
        ),
        (
            "Độ tuổi",
            "Đảng viên theo độ tuổi",
            "Độ tuổi",
            members,
            &report.age_bands,
        ),
        (
            "Dân tộc",
            "Đảng viên theo dân tộc",
            "Dân tộc",
            members,
            &report.ethnicity,
        ),
        (
            "Giáo dục phổ thông",
            "Đảng viên theo trình độ giáo dục phổ thông",
            "Giáo dục phổ thông",
            members,
            &report.general_education,
        ),
        (
            "Lý luận chính trị",
            "Đảng viên theo trình độ lý luận chính trị",
            "Lý luận chính trị",
            members,
            &report.political_theory,
        ),
    ];
    for (sheet, title, label_header, count_header, buckets) in breakdowns {
        document.push(bucket_table(
            sheet,
            title,
            label_header,
            count_header,
            buckets,
        ));
    }

    let mut cells = Table::new(
        "Chi bộ",
        "Số liệu theo chi bộ",
        &[
            "Chi bộ",
            "Loại chi bộ",
            "Số đảng viên",
            "Tại chỗ",
            "Biệt phái",
            "Ngày kết nạp gần nhất",
            "Số năm chưa kết nạp",
            "Mã chi bộ",
        ],
    );
    for cell in &report.cells {
        cells.push_row(vec![
            cell.display_name.as_str().into(),
            reference::label(&cell.kind).into(),
            figure(cell.members, "members", &cell.suppressed_fields),
            figure(cell.local_members, "local_members", &cell.suppressed_fields),
            figure(
                cell.seconded_members,
                "seconded_members",
                &cell.suppressed_fields,
            ),
            Cell::date(&cell.last_admission_date),
            years_or_empty(cell.years_since_last_admission),
            cell.cell.as_str().into(),
        ]);
    }
    push_total(&mut cells, 0, &[2, 3, 4]);
    document.push(cells);
    document
}

/// `GetAdmissionsReport`: one row per year, one column per month.
pub fn admissions_report(report: &AdmissionsReport) -> Document {
    let first = report.years.first().map(|y| y.year).unwrap_or_default();
    let last = report.years.last().map(|y| y.year).unwrap_or_default();
    let period = if first == last {
        format!("năm {first}")
    } else {
        format!("năm {first}–{last}")
    };
    let mut document = Document::new(
        format!("Kết nạp đảng viên {} {period}", report.commune),
        slug(&format!("ket nap {} {first} {last}", report.commune)),
    );
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Xã", report.commune.as_str()))
        .push_row(pair("Từ năm", first))
        .push_row(pair("Đến năm", last))
        .push_row(pair(
            "Tổng số kết nạp",
            report.years.iter().map(|y| y.total).sum::<i64>(),
        ));
    push_freshness(&mut summary, report.freshness.as_ref());
    document.push(summary);

    let month_headers: Vec<String> = (1..=12).map(|m| format!("Tháng {m}")).collect();
    let mut headers = vec!["Năm"];
    headers.extend(month_headers.iter().map(String::as_str));
    headers.push("Cả năm");
    let mut years = Table::new("Theo tháng", "Số kết nạp theo năm và tháng", &headers);
    for year in &report.years {
        let mut row: Vec<Cell> = vec![year.year.into()];
        row.extend((0..12).map(|m| Cell::from(year.by_month.get(m).copied().unwrap_or(0))));
        row.push(year.total.into());
        years.push_row(row);
    }
    if report.years.len() > 1 {
        push_total(&mut years, 0, &(1..=13).collect::<Vec<_>>());
    }
    document.push(years);
    document
}

/// `GetCellRatingSummary`: the percentage with its numerator and denominator, by level, and the
/// cells left out.
pub fn cell_rating_summary(summary: &CellRatingSummary) -> Document {
    let mut document = Document::new(
        format!(
            "Xếp loại chất lượng chi bộ năm {} — {}",
            summary.year, summary.commune
        ),
        slug(&format!(
            "xep loai chi bo {} {}",
            summary.commune, summary.year
        )),
    );
    let mut table = summary_table(SUMMARY, SUMMARY);
    table
        .push_row(pair("Xã", summary.commune.as_str()))
        .push_row(pair("Năm", summary.year))
        .push_row(pair(
            "Chi bộ hoàn thành tốt nhiệm vụ trở lên",
            summary.numerator,
        ))
        .push_row(pair("Chi bộ được xếp loại", summary.denominator))
        .push_row(pair("Tỷ lệ (%)", Cell::decimal(summary.percent, 1)))
        .push_row(pair(
            "Chỉ tiêu (%)",
            if summary.has_target {
                Cell::from(summary.target_percent)
            } else {
                Cell::from(NO_TARGET)
            },
        ))
        .push_row(pair(
            "Đạt chỉ tiêu",
            if summary.has_target {
                yes_no(summary.meets_target)
            } else {
                Cell::Empty
            },
        ))
        .push_row(pair(
            "Số chi bộ tốt trở lên cần có",
            if summary.has_target {
                Cell::from(summary.needed)
            } else {
                Cell::Empty
            },
        ));
    push_freshness(&mut table, summary.freshness.as_ref());
    document.push(table);
    document.push(bucket_table(
        "Theo mức xếp loại",
        "Chi bộ theo mức xếp loại",
        "Mức xếp loại",
        "Số chi bộ",
        &summary.by_level,
    ));
    let mut exclusions = Table::new(
        "Không tính",
        "Chi bộ không tính vào tỷ lệ",
        &["Chi bộ", "Lý do", "Mã chi bộ"],
    );
    for exclusion in &summary.exclusions {
        exclusions.push_row(vec![
            exclusion.display_name.as_str().into(),
            exclusion.reason.as_str().into(),
            exclusion.cell.as_str().into(),
        ]);
    }
    document.push(exclusions);
    document
}

/// `GetCellHealth`: the flags' counts and one row per cell.
pub fn cell_health(health: &CellHealth) -> Document {
    let mut document = Document::new(
        format!(
            "Tình hình chi bộ — {} ngày {}",
            health.commune,
            vietnamese_date(&health.as_of_date)
        ),
        slug(&format!(
            "tinh hinh chi bo {} {}",
            health.commune, health.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Xã", health.commune.as_str()))
        .push_row(pair("Ngày đánh giá", Cell::date(&health.as_of_date)))
        .push_row(pair("Số chi bộ", count(health.cells.len())))
        .push_row(pair(
            "Chi bộ lâu chưa kết nạp đảng viên",
            health.cells_without_recent_admission,
        ))
        .push_row(pair(
            "Chi bộ có nhiều đảng viên biệt phái",
            health.seconded_dominated_cells,
        ));
    push_freshness(&mut summary, health.freshness.as_ref());
    document.push(summary);
    let mut cells = Table::new(
        "Chi bộ",
        "Tình hình từng chi bộ",
        &[
            "Chi bộ",
            "Số đảng viên",
            "Biệt phái",
            "Ngày kết nạp gần nhất",
            "Số năm chưa kết nạp",
            "Lâu chưa kết nạp",
            "Nhiều đảng viên biệt phái",
            "Tuổi bình quân",
            "Đảng viên cao tuổi",
            "Nguồn kết nạp",
            "Mã chi bộ",
        ],
    )
    // The resource name is long and the cell's name says the same on a terminal.
    .terminal_columns(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for cell in &health.cells {
        let hidden = &cell.suppressed_fields;
        cells.push_row(vec![
            cell.display_name.as_str().into(),
            figure(cell.members, "members", hidden),
            figure(cell.seconded_members, "seconded_members", hidden),
            Cell::date(&cell.last_admission_date),
            years_or_empty(cell.years_since_last_admission),
            yes_no(cell.no_recent_admission),
            yes_no(cell.seconded_dominated),
            if is_hidden(hidden, "average_age") {
                Cell::Suppressed
            } else {
                Cell::decimal(cell.average_age, 1)
            },
            figure(cell.ageing_members, "ageing_members", hidden),
            figure(cell.open_candidates, "open_candidates", hidden),
            cell.cell.as_str().into(),
        ]);
    }
    document.push(cells);
    document
}
