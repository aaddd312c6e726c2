//! `partyctl report commune|admissions` and `partyctl freshness`: the reporting service's answers
//! as Vietnamese tables.

use partyregistry_kit::date;
use partyregistry_proto::reporting::v1::{
    AdmissionsReport, Bucket, CommuneReport, Freshness, GetAdmissionsReportRequest,
    GetCommuneReportRequest, GetFreshnessRequest,
};

use super::Context;
use crate::args::ReportCommand;
use crate::client::{self, commune_name};
use crate::error::CliError;
use crate::output::{self, Fields, Table, label, yes_no};

/// Runs one `report` subcommand.
pub async fn run(context: &Context, command: ReportCommand) -> Result<(), CliError> {
    let mut reporting = client::reporting(&context.reporting).await?;
    match command {
        ReportCommand::Commune { commune, as_of } => {
            let request = GetCommuneReportRequest {
                commune: commune_name(&commune)?,
                as_of_date: as_of.unwrap_or_default(),
            };
            let report = reporting.get_commune_report(request).await?.into_inner();
            if context.json {
                return output::print_json(&report);
            }
            print!("{}", render_commune_report(&report));
            Ok(())
        }
        ReportCommand::Admissions { commune, from, to } => {
            let first_year =
                from.unwrap_or_else(|| chrono::Datelike::year(&date::today_in_vietnam()));
            let request = GetAdmissionsReportRequest {
                commune: commune_name(&commune)?,
                first_year,
                last_year: to.unwrap_or(first_year),
            };
            let report = reporting.get_admissions_report(request).await?.into_inner();
            if context.json {
                return output::print_json(&report);
            }
            print!("{}", render_admissions_report(&report));
            Ok(())
        }
    }
}

/// `partyctl freshness`.
pub async fn freshness(context: &Context) -> Result<(), CliError> {
    let mut reporting = client::reporting(&context.reporting).await?;
    let freshness = reporting
        .get_freshness(GetFreshnessRequest {})
        .await?
        .into_inner();
    if context.json {
        return output::print_json(&freshness);
    }
    print!("{}", freshness_fields(&freshness).render());
    Ok(())
}

fn bucket_label(bucket: &Bucket) -> String {
    if bucket.label.is_empty() {
        label(&bucket.key).to_owned()
    } else {
        bucket.label.clone()
    }
}

fn bucket_table(heading: &str, buckets: &[Bucket]) -> Table {
    let mut table = Table::new([heading, "Đảng viên"]);
    for bucket in buckets {
        table.row([bucket_label(bucket), bucket.members.to_string()]);
    }
    table
}

/// The commune report as text: totals, breakdowns, then one row per cell.
pub fn render_commune_report(report: &CommuneReport) -> String {
    let mut out = format!(
        "Báo cáo đảng viên — {} ({}), ngày {}\n\n",
        report.display_name, report.commune, report.as_of_date
    );
    let mut totals = Fields::new();
    totals
        .add("Tổng số đảng viên", report.total_members.to_string())
        .add("Chính thức", report.official_members.to_string())
        .add("Dự bị", report.probationary_members.to_string())
        .add("Nữ", report.women.to_string())
        .add("Tuổi bình quân", format!("{:.1}", report.average_age));
    out.push_str(&totals.render());

    let mut kinds = Table::new(["Loại chi bộ", "Số chi bộ", "Đảng viên"]);
    for cells in &report.cells_by_kind {
        let members = report
            .by_cell_kind
            .iter()
            .find(|b| b.key == cells.key)
            .map_or(0, |b| b.members);
        kinds.row([
            bucket_label(cells),
            cells.members.to_string(),
            members.to_string(),
        ]);
    }
    for members in report
        .by_cell_kind
        .iter()
        .filter(|b| !report.cells_by_kind.iter().any(|c| c.key == b.key))
    {
        kinds.row([
            bucket_label(members),
            "0".to_owned(),
            members.members.to_string(),
        ]);
    }
    for (title, table) in [
        ("Theo loại chi bộ", kinds),
        ("Theo độ tuổi", bucket_table("Độ tuổi", &report.age_bands)),
        ("Theo dân tộc", bucket_table("Dân tộc", &report.ethnicity)),
        (
            "Theo trình độ giáo dục phổ thông",
            bucket_table("Trình độ", &report.general_education),
        ),
        (
            "Theo trình độ lý luận chính trị",
            bucket_table("Trình độ", &report.political_theory),
        ),
    ] {
        out.push_str(&format!("\n{title}\n"));
        out.push_str(&table.render());
    }

    let mut cells = Table::new([
        "Chi bộ",
        "Loại",
        "Đảng viên",
        "Tại chỗ",
        "Biệt phái",
        "Kết nạp gần nhất",
        "Số năm chưa kết nạp",
    ]);
    for cell in &report.cells {
        cells.row([
            cell.display_name.clone(),
            label(&cell.kind).to_owned(),
            cell.members.to_string(),
            cell.local_members.to_string(),
            cell.seconded_members.to_string(),
            cell.last_admission_date.clone(),
            if cell.years_since_last_admission < 0 {
                "chưa có".to_owned()
            } else {
                cell.years_since_last_admission.to_string()
            },
        ]);
    }
    out.push_str("\nTheo chi bộ\n");
    out.push_str(&cells.render());
    if let Some(freshness) = &report.freshness {
        out.push_str(&format!("\n{}\n", freshness_line(freshness)));
    }
    out
}

/// The admissions report: one row per year with the twelve months.
pub fn render_admissions_report(report: &AdmissionsReport) -> String {
    let mut headings = vec!["Năm".to_owned(), "Tổng".to_owned()];
    headings.extend((1..=12).map(|month| format!("T{month}")));
    let mut table = Table::new(headings);
    for year in &report.years {
        let mut row = vec![year.year.to_string(), year.total.to_string()];
        row.extend(year.by_month.iter().map(ToString::to_string));
        table.row(row);
    }
    let mut out = format!("Kết nạp đảng viên — {}\n\n", report.commune);
    out.push_str(&table.render());
    if let Some(freshness) = &report.freshness {
        out.push_str(&format!("\n{}\n", freshness_line(freshness)));
    }
    out
}

/// One line saying how fresh a report is.
fn freshness_line(freshness: &Freshness) -> String {
    if freshness.pending_changes == 0 {
        format!(
            "Dữ liệu cập nhật đến thay đổi #{}.",
            freshness.last_applied_sequence
        )
    } else {
        format!(
            "Dữ liệu cập nhật đến thay đổi #{}; còn {} thay đổi chưa xử lý (chậm {:.0} giây).",
            freshness.last_applied_sequence, freshness.pending_changes, freshness.lag_seconds
        )
    }
}

fn freshness_fields(freshness: &Freshness) -> Fields {
    let mut fields = Fields::new();
    fields
        .add(
            "Thay đổi đã xử lý",
            freshness.last_applied_sequence.to_string(),
        )
        .add(
            "Thời điểm ghi của thay đổi đó",
            output::timestamp(freshness.last_applied_commit_time.as_ref()),
        )
        .add(
            "Thay đổi mới nhất đã biết",
            freshness.head_sequence.to_string(),
        )
        .add("Còn chờ xử lý", freshness.pending_changes.to_string())
        .add(
            "Đang kết nối dịch vụ đảng viên",
            yes_no(freshness.connected),
        )
        .add(
            "Liên lạc gần nhất",
            output::timestamp(freshness.last_contact_time.as_ref()),
        )
        .add("Độ trễ (giây)", format!("{:.1}", freshness.lag_seconds));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use partyregistry_proto::reporting::v1::{CellFigures, YearAdmissions};

    #[test]
    fn commune_report_shows_cells_with_labels() {
        let report = CommuneReport {
            commune: "communes/02680".into(),
            display_name: "Xã Hợp Thành".into(),
            as_of_date: "2022-06-30".into(),
            total_members: 172,
            cells_by_kind: vec![Bucket {
                key: "CELL_KIND_SCHOOL".into(),
                label: String::new(),
                members: 3,
            }],
            by_cell_kind: vec![Bucket {
                key: "CELL_KIND_SCHOOL".into(),
                label: String::new(),
                members: 24,
            }],
            cells: vec![CellFigures {
                cell: "communes/02680/cells/tuong-1".into(),
                display_name: "Chi bộ thôn Tượng 1".into(),
                kind: "CELL_KIND_RESIDENTIAL".into(),
                members: 9,
                local_members: 4,
                seconded_members: 5,
                last_admission_date: "2013-05-10".into(),
                years_since_last_admission: 9,
            }],
            ..CommuneReport::default()
        };
        let text = render_commune_report(&report);
        assert!(text.contains("Tổng số đảng viên: 172"));
        assert!(text.contains("Nhà trường") && text.contains("24"));
        assert!(text.contains("Chi bộ thôn Tượng 1") && text.contains("Khu dân cư"));
    }

    #[test]
    fn admissions_report_has_twelve_months() {
        let report = AdmissionsReport {
            commune: "communes/02680".into(),
            years: vec![YearAdmissions {
                year: 2021,
                total: 6,
                by_month: vec![0, 1, 0, 1, 0, 2, 0, 0, 1, 0, 1, 0],
            }],
            freshness: None,
        };
        let text = render_admissions_report(&report);
        let row = text
            .lines()
            .find(|line| line.starts_with("2021"))
            .expect("a row for 2021");
        assert_eq!(row.split_whitespace().count(), 14);
    }
}
