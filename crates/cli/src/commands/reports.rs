//! `partyctl report …` and `partyctl freshness`: the reporting service's answers as Vietnamese
//! tables. The statistics of provincial offices are rendered in [`super::statistics`].

use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, BriefingCell, Bucket, CellHealth, CellRatingSummary,
    CommuneReport, Deadline, DeadlineKind, Freshness, GetAdmissionProgressRequest,
    GetAdmissionsReportRequest, GetCellHealthRequest, GetCellRatingSummaryRequest,
    GetCommuneReportRequest, GetFreshnessRequest, GetMonthlyBriefingRequest, GetPipelineRequest,
    ListDeadlinesRequest, ListDeadlinesResponse, MonthlyBriefing, Pipeline,
};
use partyregistry_vocab::date;

use partyregistry_proto::reporting::v1::export_report_request::Report;

use super::{Context, statistics};
use crate::client;
use crate::error::CliError;
use crate::output::{self, Fields, ProtoMessage, Table, blocker_label, enum_label, label, yes_no};
use crate::parse::{
    commune_name, parse_award_round, parse_breakdown, parse_date, parse_month, parse_province,
    parse_scope, short_id,
};
use clap::{Args, Subcommand};
use partyregistry_proto::reporting::v1::{AwardRound, RankingIndicator};

/// The request of a `report` subcommand. Every report but the monthly briefing can also be
/// exported, so they are built as the export call carries them: one builder serves both `report`
/// and `export`.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportRequest {
    /// A report ExportReport can also produce.
    Exportable(Report),
    /// The monthly briefing (shown only).
    Briefing(GetMonthlyBriefingRequest),
}

/// Builds the request of a `report` subcommand.
pub fn report_request(command: ReportCommand) -> Result<ReportRequest, CliError> {
    if let ReportCommand::Briefing { commune, month } = command {
        return Ok(ReportRequest::Briefing(GetMonthlyBriefingRequest {
            commune: commune_name(&commune)?,
            month: month.unwrap_or_default(),
        }));
    }
    Ok(ReportRequest::Exportable(match command {
        ReportCommand::Commune { commune, as_of } => {
            Report::CommuneReport(GetCommuneReportRequest {
                commune: commune_name(&commune)?,
                as_of_date: as_of.unwrap_or_default(),
            })
        }
        ReportCommand::Admissions { commune, from, to } => {
            let first_year =
                from.unwrap_or_else(|| chrono::Datelike::year(&date::today_in_vietnam()));
            Report::AdmissionsReport(GetAdmissionsReportRequest {
                commune: commune_name(&commune)?,
                first_year,
                last_year: to.unwrap_or(first_year),
            })
        }
        ReportCommand::Progress {
            commune,
            year,
            as_of,
        } => Report::AdmissionProgress(GetAdmissionProgressRequest {
            commune: commune_name(&commune)?,
            year: year.unwrap_or_default(),
            as_of_date: as_of.unwrap_or_default(),
        }),
        ReportCommand::Pipeline { commune, as_of } => Report::Pipeline(GetPipelineRequest {
            commune: commune_name(&commune)?,
            as_of_date: as_of.unwrap_or_default(),
        }),
        ReportCommand::Ratings { commune, year } => {
            Report::CellRatingSummary(GetCellRatingSummaryRequest {
                commune: commune_name(&commune)?,
                year,
            })
        }
        ReportCommand::CellHealth {
            commune,
            as_of,
            years_without_admission,
            seconded_percent,
            ageing_age,
        } => Report::CellHealth(GetCellHealthRequest {
            commune: commune_name(&commune)?,
            as_of_date: as_of.unwrap_or_default(),
            years_without_admission: years_without_admission.unwrap_or_default(),
            seconded_percent: seconded_percent.unwrap_or_default(),
            ageing_age: ageing_age.unwrap_or_default(),
        }),
        ReportCommand::Deadlines {
            commune,
            as_of,
            until,
        } => Report::Deadlines(ListDeadlinesRequest {
            commune: commune_name(&commune)?,
            as_of_date: as_of.unwrap_or_default(),
            until_date: until.unwrap_or_default(),
        }),
        ReportCommand::Briefing { .. } => {
            return Err(CliError::usage("bản tin tháng không xuất ra tệp được"));
        }
        ReportCommand::Statistics(args) => Report::Statistics(statistics::statistics_request(args)),
        ReportCommand::Movements(args) => Report::Movements(statistics::movements_request(args)?),
        ReportCommand::Badges(args) => Report::BadgesDue(statistics::badges_request(args)),
        ReportCommand::Ranking(args) => Report::Ranking(statistics::ranking_request(args)),
    }))
}

/// Prints a report: canonical JSON with `--json`, else its Vietnamese rendering.
pub(crate) fn emit<M: ProtoMessage>(
    context: &Context,
    report: &M,
    render: impl FnOnce(&M) -> String,
) -> Result<(), CliError> {
    if context.json {
        return output::print_json(report);
    }
    print!("{}", render(report));
    Ok(())
}

/// `Some(value)` unless empty: the optional flags as they were given.
fn given(value: &str) -> Option<&str> {
    Some(value).filter(|v| !v.is_empty())
}

/// Runs one `report` subcommand.
pub async fn run(context: &Context, command: ReportCommand) -> Result<(), CliError> {
    let request = match report_request(command)? {
        ReportRequest::Exportable(request) => request,
        ReportRequest::Briefing(request) => {
            let mut reporting = client::reporting(&context.reporting, &context.security).await?;
            let report = reporting.get_monthly_briefing(request).await?;
            return emit(context, &report.into_inner(), render_briefing);
        }
    };
    let mut reporting = client::reporting(&context.reporting, &context.security).await?;
    // Each report: call its RPC, then print it as JSON or through its renderer.
    macro_rules! show {
        ($rpc:ident, $request:expr, $render:expr) => {{
            let report = reporting.$rpc($request).await?.into_inner();
            emit(context, &report, $render)
        }};
    }
    match request {
        Report::CommuneReport(r) => show!(get_commune_report, r, render_commune_report),
        Report::AdmissionsReport(r) => show!(get_admissions_report, r, render_admissions_report),
        Report::AdmissionProgress(r) => show!(get_admission_progress, r, render_progress),
        Report::Pipeline(r) => show!(get_pipeline, r, render_pipeline),
        Report::CellRatingSummary(r) => show!(get_cell_rating_summary, r, render_rating_summary),
        Report::CellHealth(r) => show!(get_cell_health, r, render_cell_health),
        Report::Deadlines(r) => {
            let (as_of, until) = (r.as_of_date.clone(), r.until_date.clone());
            show!(list_deadlines, r, |report| {
                render_deadlines(report, given(&as_of), given(&until))
            })
        }
        Report::Statistics(r) => show!(get_statistics, r, statistics::render_statistics),
        Report::Movements(r) => show!(get_movements, r, statistics::render_movements),
        Report::BadgesDue(r) => {
            let (scope, year) = (r.scope.clone(), r.year);
            show!(list_badges_due, r, |report| {
                statistics::render_badges(report, &scope, year)
            })
        }
        Report::Ranking(r) => show!(rank_communes, r, statistics::render_ranking),
    }
}

/// `partyctl freshness`.
pub async fn freshness(context: &Context) -> Result<(), CliError> {
    let mut reporting = client::reporting(&context.reporting, &context.security).await?;
    let freshness = reporting
        .get_freshness(GetFreshnessRequest {})
        .await?
        .into_inner();
    emit(context, &freshness, |freshness| {
        freshness_fields(freshness).render()
    })
}

pub(crate) fn bucket_label(bucket: &Bucket) -> String {
    if bucket.label.is_empty() {
        label(&bucket.key).to_owned()
    } else {
        bucket.label.clone()
    }
}

/// A bucket's count as printed: a suppressed count (too small to show to a caller who may read
/// aggregates only) is marked rather than shown as a real 0.
pub(crate) fn bucket_count(bucket: &Bucket) -> String {
    if bucket.suppressed {
        SUPPRESSED_MARK.to_owned()
    } else {
        bucket.members.to_string()
    }
}

/// How a suppressed count is shown.
pub(crate) const SUPPRESSED_MARK: &str = "ẩn*";

/// The line under a report with suppressed counts.
pub(crate) const SUPPRESSED_NOTE: &str = "\n* ẩn: số quá nhỏ, có thể làm lộ người cụ thể; cần quyền xem hồ sơ (records) để thấy số thật.\n";

/// Whether a report row names `field` among its suppressed fields.
fn is_suppressed(suppressed_fields: &[String], field: &str) -> bool {
    suppressed_fields.iter().any(|name| name == field)
}

/// A row's count as printed: marked when the row names it among its suppressed fields.
pub(crate) fn figure_count(value: i64, field: &str, suppressed_fields: &[String]) -> String {
    if is_suppressed(suppressed_fields, field) {
        SUPPRESSED_MARK.to_owned()
    } else {
        value.to_string()
    }
}

/// Whether any of `buckets` was suppressed.
pub(crate) fn any_suppressed<'a>(buckets: impl IntoIterator<Item = &'a Bucket>) -> bool {
    buckets.into_iter().any(|bucket| bucket.suppressed)
}

/// The note when a report shows suppressed counts, else nothing.
pub(crate) fn suppressed_note(any_suppressed: bool) -> &'static str {
    if any_suppressed { SUPPRESSED_NOTE } else { "" }
}

fn bucket_table(heading: &str, buckets: &[Bucket]) -> Table {
    let mut table = Table::new([heading, "Đảng viên"]);
    for bucket in buckets {
        table.row([bucket_label(bucket), bucket_count(bucket)]);
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
            .map_or_else(|| "0".to_owned(), bucket_count);
        kinds.row([bucket_label(cells), bucket_count(cells), members]);
    }
    for members in report
        .by_cell_kind
        .iter()
        .filter(|b| !report.cells_by_kind.iter().any(|c| c.key == b.key))
    {
        kinds.row([bucket_label(members), "0".to_owned(), bucket_count(members)]);
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
            figure_count(cell.members, "members", &cell.suppressed_fields),
            figure_count(cell.local_members, "local_members", &cell.suppressed_fields),
            figure_count(
                cell.seconded_members,
                "seconded_members",
                &cell.suppressed_fields,
            ),
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
    out.push_str(suppressed_note(
        any_suppressed(
            report
                .cells_by_kind
                .iter()
                .chain(&report.by_cell_kind)
                .chain(&report.age_bands)
                .chain(&report.ethnicity)
                .chain(&report.general_education)
                .chain(&report.political_theory),
        ) || report
            .cells
            .iter()
            .any(|cell| !cell.suppressed_fields.is_empty()),
    ));
    out.push_str(&freshness_text(report.freshness.as_ref()));
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
    out.push_str(&freshness_text(report.freshness.as_ref()));
    out
}

/// The twelve months as a one-row table.
fn months_table(by_month: &[i64]) -> Table {
    let mut table = Table::new((1..=12).map(|month| format!("T{month}")));
    table.row(by_month.iter().map(ToString::to_string));
    table
}

/// The verdict on a year's target, in one line.
fn verdict(progress: &AdmissionProgress) -> String {
    if !progress.has_target {
        return "Chưa có chỉ tiêu cho năm này".to_owned();
    }
    if progress.remaining == 0 {
        return "ĐÃ ĐẠT CHỈ TIÊU".to_owned();
    }
    if progress.at_risk {
        format!(
            "CÓ NGUY CƠ KHÔNG ĐẠT CHỈ TIÊU: nhiều nhất đạt {}/{}, thiếu {}",
            progress.best_case,
            progress.target,
            i64::from(progress.target) - progress.best_case
        )
    } else {
        format!(
            "Có thể đạt chỉ tiêu nếu kết nạp đủ {} người còn lại",
            progress.remaining
        )
    }
}

/// The figures of a year's progress as label–value lines.
fn progress_fields(progress: &AdmissionProgress) -> Fields {
    let mut fields = Fields::new();
    fields
        .add(
            "Chỉ tiêu kết nạp cả năm",
            if progress.has_target {
                progress.target.to_string()
            } else {
                "chưa có".to_owned()
            },
        )
        .add("Đã kết nạp", progress.admitted.to_string())
        .add("Còn phải kết nạp", progress.remaining.to_string())
        .add("Nguồn đang theo dõi", progress.open_candidates.to_string())
        .add(
            "Nguồn đủ điều kiện kết nạp",
            progress.eligible_candidates.to_string(),
        )
        .add(
            "Khả năng cao nhất cả năm",
            format!(
                "{} (đã kết nạp {} + đủ điều kiện {})",
                progress.best_case, progress.admitted, progress.eligible_candidates
            ),
        )
        .add("Đánh giá", verdict(progress));
    fields
}

fn reasons_text(reasons: &[String]) -> String {
    let mut out = String::new();
    for reason in reasons {
        out.push_str(&format!("  • {reason}\n"));
    }
    out
}

/// The admission progress: target, admitted, remaining, the eligible pipeline and the forecast
/// with its reasons.
pub fn render_progress(progress: &AdmissionProgress) -> String {
    let mut out = format!(
        "TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN NĂM {} — {}\nTính đến ngày {}\n\n",
        progress.year, progress.commune, progress.as_of_date
    );
    out.push_str(&progress_fields(progress).render());
    if !progress.reasons.is_empty() {
        out.push_str("\nNhận định và lý do\n");
        out.push_str(&reasons_text(&progress.reasons));
    }
    if progress.by_month.len() == 12 {
        out.push_str("\nKết nạp theo tháng\n");
        out.push_str(&months_table(&progress.by_month).render());
    }
    out.push_str(&freshness_text(progress.freshness.as_ref()));
    out
}

/// A bucket's label: the one the service gave, else the Vietnamese label of its key (a stage or
/// a blocker code).
fn pipeline_label(bucket: &Bucket) -> String {
    if !bucket.label.is_empty() {
        bucket.label.clone()
    } else if bucket.key.starts_with("CANDIDATE_STAGE_") {
        label(&bucket.key).to_owned()
    } else {
        blocker_label(&bucket.key)
    }
}

/// `label n; label n` for the non-empty buckets.
fn bucket_summary(buckets: &[Bucket]) -> String {
    buckets
        .iter()
        .filter(|b| b.members > 0 || b.suppressed)
        .map(|b| format!("{} {}", pipeline_label(b), bucket_count(b)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The pipeline by stage and by blocker, then per cell.
pub fn render_pipeline(pipeline: &Pipeline) -> String {
    let mut out = format!(
        "NGUỒN PHÁT TRIỂN ĐẢNG VIÊN — {}, ngày {}\n\n",
        pipeline.commune, pipeline.as_of_date
    );
    let mut totals = Fields::new();
    totals
        .add("Nguồn đang theo dõi", pipeline.open_candidates.to_string())
        .add("Đủ điều kiện", pipeline.eligible_candidates.to_string());
    out.push_str(&totals.render());
    let mut stages = Table::new(["Bước", "Số người"]);
    for bucket in &pipeline.by_stage {
        stages.row([pipeline_label(bucket), bucket_count(bucket)]);
    }
    out.push_str("\nTheo bước\n");
    out.push_str(&stages.render());
    let mut blockers = Table::new(["Vướng mắc", "Số người"]);
    for bucket in pipeline
        .by_blocker
        .iter()
        .filter(|b| b.members > 0 || b.suppressed)
    {
        blockers.row([pipeline_label(bucket), bucket_count(bucket)]);
    }
    out.push_str("\nTheo vướng mắc (một người có thể có nhiều vướng mắc)\n");
    if blockers.is_empty() {
        out.push_str("Không có vướng mắc.\n");
    } else {
        out.push_str(&blockers.render());
    }
    let mut cells = Table::new(["Chi bộ", "Nguồn", "Đủ ĐK", "Theo bước", "Vướng mắc"]);
    for cell in &pipeline.cells {
        cells.row([
            cell.display_name.clone(),
            figure_count(
                cell.open_candidates,
                "open_candidates",
                &cell.suppressed_fields,
            ),
            figure_count(
                cell.eligible_candidates,
                "eligible_candidates",
                &cell.suppressed_fields,
            ),
            if cell.open_candidates == 0 && cell.suppressed_fields.is_empty() {
                "chưa có nguồn".to_owned()
            } else {
                bucket_summary(&cell.by_stage)
            },
            bucket_summary(&cell.by_blocker),
        ]);
    }
    out.push_str("\nTheo chi bộ\n");
    out.push_str(&cells.render());
    out.push_str(suppressed_note(
        any_suppressed(
            pipeline.by_stage.iter().chain(&pipeline.by_blocker).chain(
                pipeline
                    .cells
                    .iter()
                    .flat_map(|cell| cell.by_stage.iter().chain(&cell.by_blocker)),
            ),
        ) || pipeline
            .cells
            .iter()
            .any(|cell| !cell.suppressed_fields.is_empty()),
    ));
    out.push_str(&freshness_text(pipeline.freshness.as_ref()));
    out
}

/// Cells rated good or better against the target, with the figures to recompute it.
pub fn render_rating_summary(summary: &CellRatingSummary) -> String {
    let mut out = format!(
        "XẾP LOẠI CHI BỘ NĂM {} — {}\n\n",
        summary.year, summary.commune
    );
    let mut fields = Fields::new();
    fields
        .add(
            "Hoàn thành tốt nhiệm vụ trở lên",
            format!(
                "{}/{} chi bộ = {:.2} %",
                summary.numerator, summary.denominator, summary.percent
            ),
        )
        .add(
            "Chỉ tiêu",
            if summary.has_target {
                format!(
                    "{} % (cần ít nhất {} chi bộ)",
                    summary.target_percent, summary.needed
                )
            } else {
                "chưa có".to_owned()
            },
        )
        .add(
            "Đánh giá",
            if !summary.has_target {
                "—"
            } else if summary.meets_target {
                "ĐẠT CHỈ TIÊU"
            } else {
                "KHÔNG ĐẠT CHỈ TIÊU"
            },
        );
    out.push_str(&fields.render());
    let mut levels = Table::new(["Xếp loại", "Số chi bộ"]);
    for bucket in &summary.by_level {
        levels.row([bucket_label(bucket), bucket_count(bucket)]);
    }
    out.push_str("\nTheo mức xếp loại\n");
    out.push_str(&levels.render());
    if !summary.exclusions.is_empty() {
        let mut exclusions = Table::new(["Chi bộ không tính", "Lý do"]);
        for exclusion in &summary.exclusions {
            exclusions.row([exclusion.display_name.clone(), exclusion.reason.clone()]);
        }
        out.push('\n');
        out.push_str(&exclusions.render());
    }
    out.push_str(&freshness_text(summary.freshness.as_ref()));
    out
}

/// Cells needing attention: one row per cell, flags spelled out.
pub fn render_cell_health(health: &CellHealth) -> String {
    let mut out = format!(
        "CHI BỘ CẦN QUAN TÂM — {}, ngày {}\n\n",
        health.commune, health.as_of_date
    );
    let mut table = Table::new([
        "Chi bộ",
        "Đảng viên",
        "Biệt phái",
        "Kết nạp gần nhất",
        "Số năm",
        "Tuổi BQ",
        "Cao tuổi",
        "Nguồn",
        "Cảnh báo",
    ]);
    for cell in &health.cells {
        let mut flags = Vec::new();
        if cell.no_recent_admission {
            flags.push("lâu không kết nạp");
        }
        if cell.seconded_dominated {
            flags.push("nhiều biệt phái");
        }
        let marked = |value: i64, field: &str| figure_count(value, field, &cell.suppressed_fields);
        if cell.open_candidates == 0 && cell.suppressed_fields.is_empty() {
            flags.push("chưa có nguồn");
        }
        table.row([
            cell.display_name.clone(),
            marked(cell.members, "members"),
            marked(cell.seconded_members, "seconded_members"),
            cell.last_admission_date.clone(),
            if cell.years_since_last_admission < 0 {
                "chưa có".to_owned()
            } else {
                cell.years_since_last_admission.to_string()
            },
            if is_suppressed(&cell.suppressed_fields, "average_age") {
                SUPPRESSED_MARK.to_owned()
            } else {
                format!("{:.1}", cell.average_age)
            },
            marked(cell.ageing_members, "ageing_members"),
            marked(cell.open_candidates, "open_candidates"),
            flags.join(", "),
        ]);
    }
    out.push_str(&table.render());
    out.push_str(&format!(
        "\n{} chi bộ lâu không kết nạp; {} chi bộ có nhiều đảng viên biệt phái.\n",
        health.cells_without_recent_admission, health.seconded_dominated_cells
    ));
    out.push_str(suppressed_note(
        health
            .cells
            .iter()
            .any(|cell| !cell.suppressed_fields.is_empty()),
    ));
    if let Some(freshness) = &health.freshness {
        out.push_str(&format!("{}\n", freshness_line(freshness)));
    }
    out
}

fn deadline_kind_label(kind: i32) -> String {
    enum_label(kind, |k: DeadlineKind| k.as_str_name())
}

/// "còn 12 ngày" / "quá hạn 3 ngày" (working days).
fn days_left(deadline: &Deadline) -> String {
    if deadline.overdue || deadline.working_days_left < 0 {
        format!(
            "QUÁ HẠN {} ngày LV",
            deadline.working_days_left.unsigned_abs()
        )
    } else {
        format!("còn {} ngày LV", deadline.working_days_left)
    }
}

fn deadline_table(deadlines: &[Deadline], with_cell: bool) -> Table {
    let mut headings = vec!["Việc", "Họ và tên"];
    if with_cell {
        headings.push("Chi bộ");
    }
    headings.extend(["Bắt đầu", "Hạn", "Tình trạng", "Quy định"]);
    let mut table = Table::new(headings);
    for deadline in deadlines {
        let mut row = vec![
            deadline_kind_label(deadline.kind),
            deadline.full_name.clone(),
        ];
        if with_cell {
            row.push(short_id(&deadline.cell).to_owned());
        }
        row.extend([
            deadline.start_date.clone(),
            deadline.due_date.clone(),
            days_left(deadline),
            deadline.rule_version.clone(),
        ]);
        table.row(row);
    }
    table
}

/// The deadlines as of a day, overdue first.
pub fn render_deadlines(
    response: &ListDeadlinesResponse,
    as_of: Option<&str>,
    until: Option<&str>,
) -> String {
    let mut out = String::from("THỜI HẠN (tính theo ngày làm việc)");
    if let Some(as_of) = as_of {
        out.push_str(&format!(", ngày {as_of}"));
    }
    if let Some(until) = until {
        out.push_str(&format!(", đến hạn tới ngày {until}"));
    }
    out.push_str("\n\n");
    if response.deadlines.is_empty() {
        out.push_str("Không có thời hạn nào.\n");
    } else {
        out.push_str(&deadline_table(&response.deadlines, true).render());
        out.push_str(&format!(
            "\n{} thời hạn, {} quá hạn.\n",
            response.deadlines.len(),
            response.overdue
        ));
    }
    if let Some(freshness) = &response.freshness {
        out.push_str(&format!("{}\n", freshness_line(freshness)));
    }
    out
}

/// `2022-07` → `07/2022`.
fn month_heading(month: &str) -> String {
    match month.split_once('-') {
        Some((year, month)) => format!("{month}/{year}"),
        None => month.to_owned(),
    }
}

fn briefing_cell(cell: &BriefingCell, year: i32) -> String {
    let mut out = format!("■ {}\n", cell.display_name);
    if cell.has_plan {
        out.push_str(&format!(
            "  Kế hoạch {year}: phát triển {} nguồn, kết nạp {} — thực hiện: đã kết nạp {}, đang có {} nguồn\n",
            cell.planned_sources, cell.planned_admissions, cell.admitted, cell.sources
        ));
    } else {
        out.push_str(&format!(
            "  Chưa có kế hoạch năm {year} — đã kết nạp {}, đang có {} nguồn\n",
            cell.admitted, cell.sources
        ));
    }
    if cell.sources == 0 {
        out.push_str("  ⚠ Chưa có nguồn phát triển đảng viên: cần tạo nguồn.\n");
    } else if cell.has_plan && cell.sources < i64::from(cell.planned_sources) {
        out.push_str(&format!(
            "  ⚠ Còn thiếu {} nguồn so với kế hoạch.\n",
            i64::from(cell.planned_sources) - cell.sources
        ));
    }
    if !cell.candidates.is_empty() {
        let mut table = Table::new(["Họ và tên", "Bước hiện tại", "Bước tiếp theo", "Vướng mắc"]);
        for candidate in &cell.candidates {
            table.row([
                candidate.full_name.clone(),
                label(&candidate.stage).to_owned(),
                candidate.next_step.clone(),
                if candidate.blockers.is_empty() {
                    "không".to_owned()
                } else {
                    candidate
                        .blockers
                        .iter()
                        .map(|code| blocker_label(code))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            ]);
        }
        for line in table.render().lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if !cell.deadlines.is_empty() {
        out.push_str("  Thời hạn:\n");
        for line in deadline_table(&cell.deadlines, false).render().lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// The monthly briefing: the commune's progress, a plan-against-actual table, then each cell with
/// its candidates, next steps, blockers and deadlines.
pub fn render_briefing(briefing: &MonthlyBriefing) -> String {
    let year = briefing
        .month
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .unwrap_or_default();
    let mut out = format!(
        "BẢN TIN THÁNG {} CHO BÍ THƯ CHI BỘ — {}\n",
        month_heading(&briefing.month),
        briefing.commune
    );
    if let Some(progress) = &briefing.progress {
        out.push_str(&format!(
            "Số liệu tính đến ngày {}; thời hạn trong tháng.\n\n",
            progress.as_of_date
        ));
        out.push_str(&format!("I. TIẾN ĐỘ KẾT NẠP NĂM {}\n", progress.year));
        out.push_str(&progress_fields(progress).render());
        if !progress.reasons.is_empty() {
            out.push_str("Lý do:\n");
            out.push_str(&reasons_text(&progress.reasons));
        }
    }
    out.push_str(&format!(
        "\nII. KẾ HOẠCH VÀ THỰC HIỆN NĂM {year} THEO CHI BỘ\n"
    ));
    let mut table = Table::new([
        "Chi bộ",
        "KH nguồn",
        "Nguồn hiện có",
        "KH kết nạp",
        "Đã kết nạp",
        "Thời hạn",
    ]);
    for cell in &briefing.cells {
        table.row([
            cell.display_name.clone(),
            if cell.has_plan {
                cell.planned_sources.to_string()
            } else {
                "—".to_owned()
            },
            cell.sources.to_string(),
            if cell.has_plan {
                cell.planned_admissions.to_string()
            } else {
                "—".to_owned()
            },
            cell.admitted.to_string(),
            cell.deadlines.len().to_string(),
        ]);
    }
    let planned: i64 = briefing
        .cells
        .iter()
        .map(|c| i64::from(c.planned_admissions))
        .sum();
    let planned_sources: i64 = briefing
        .cells
        .iter()
        .map(|c| i64::from(c.planned_sources))
        .sum();
    let sources: i64 = briefing.cells.iter().map(|c| c.sources).sum();
    let admitted: i64 = briefing.cells.iter().map(|c| c.admitted).sum();
    let deadlines: usize = briefing.cells.iter().map(|c| c.deadlines.len()).sum();
    table.row([
        "Cộng".to_owned(),
        planned_sources.to_string(),
        sources.to_string(),
        planned.to_string(),
        admitted.to_string(),
        deadlines.to_string(),
    ]);
    out.push_str(&table.render());

    out.push_str("\nIII. TỪNG CHI BỘ: NGUỒN, BƯỚC TIẾP THEO, VƯỚNG MẮC, THỜI HẠN\n");
    for cell in &briefing.cells {
        out.push('\n');
        out.push_str(&briefing_cell(cell, year));
    }
    out.push_str(&freshness_text(briefing.freshness.as_ref()));
    out
}

/// The freshness line of a report after a blank line; nothing when the report has none.
pub(crate) fn freshness_text(freshness: Option<&Freshness>) -> String {
    freshness.map_or_else(String::new, |f| format!("\n{}\n", freshness_line(f)))
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
                suppressed: false,
            }],
            by_cell_kind: vec![Bucket {
                key: "CELL_KIND_SCHOOL".into(),
                label: String::new(),
                members: 24,
                suppressed: false,
            }],
            cells: vec![CellFigures {
                suppressed_fields: Vec::new(),
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

    fn progress_2022() -> AdmissionProgress {
        AdmissionProgress {
            commune: "communes/02680".into(),
            year: 2022,
            as_of_date: "2022-06-30".into(),
            target: 6,
            has_target: true,
            admitted: 2,
            by_month: vec![0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0],
            remaining: 4,
            eligible_candidates: 2,
            open_candidates: 8,
            best_case: 4,
            at_risk: true,
            reasons: vec!["2 nguồn chưa đủ trình độ học vấn".into()],
            freshness: None,
        }
    }

    #[test]
    fn progress_says_target_admitted_eligible_and_risk() {
        let text = render_progress(&progress_2022());
        assert!(text.contains("NĂM 2022"), "{text}");
        assert!(text.contains("Chỉ tiêu kết nạp cả năm:"), "{text}");
        assert!(
            text.contains("Đã kết nạp:") && text.contains(" 2\n"),
            "{text}"
        );
        assert!(
            text.contains("Còn phải kết nạp:") && text.contains(" 4\n"),
            "{text}"
        );
        assert!(text.contains("CÓ NGUY CƠ KHÔNG ĐẠT CHỈ TIÊU: nhiều nhất đạt 4/6, thiếu 2"));
        assert!(text.contains("• 2 nguồn chưa đủ trình độ học vấn"));
        assert!(text.contains("T12"));
    }

    #[test]
    fn briefing_lists_cells_candidates_and_deadlines() {
        use partyregistry_proto::reporting::v1::BriefingCandidate;
        let briefing = MonthlyBriefing {
            commune: "communes/02680".into(),
            month: "2022-07".into(),
            progress: Some(progress_2022()),
            cells: vec![
                BriefingCell {
                    cell: "communes/02680/cells/tuong-1".into(),
                    display_name: "Chi bộ thôn Tượng 1".into(),
                    has_plan: true,
                    ..BriefingCell::default()
                },
                BriefingCell {
                    cell: "communes/02680/cells/son-hai".into(),
                    display_name: "Chi bộ thôn Sơn Hải".into(),
                    planned_sources: 1,
                    planned_admissions: 1,
                    has_plan: true,
                    admitted: 0,
                    sources: 1,
                    candidates: vec![BriefingCandidate {
                        candidate: "candidates/1".into(),
                        full_name: "Giàng Thị Súa".into(),
                        stage: "CANDIDATE_STAGE_DOSSIER".into(),
                        next_step: "Tháo gỡ vướng mắc — Chưa đủ trình độ học vấn".into(),
                        blockers: vec!["EDUCATION_BELOW_MINIMUM".into()],
                    }],
                    deadlines: vec![Deadline {
                        kind: DeadlineKind::AdmissionDecision as i32,
                        full_name: "Nông Văn Hưng".into(),
                        due_date: "2022-07-20".into(),
                        working_days_left: 14,
                        rule_version: "24-QĐ/TW".into(),
                        ..Deadline::default()
                    }],
                },
            ],
            freshness: None,
        };
        let text = render_briefing(&briefing);
        assert!(text.contains("BẢN TIN THÁNG 07/2022"), "{text}");
        assert!(
            text.contains("Chưa có nguồn phát triển đảng viên"),
            "{text}"
        );
        assert!(
            text.contains("Kế hoạch 2022: phát triển 1 nguồn, kết nạp 1"),
            "{text}"
        );
        assert!(text.contains("Giàng Thị Súa") && text.contains("Đang hoàn thiện hồ sơ"));
        assert!(text.contains("Chưa đủ trình độ học vấn"));
        assert!(text.contains("Quyết định kết nạp") && text.contains("còn 14 ngày LV"));
        assert!(text.contains("CÓ NGUY CƠ"));
    }

    #[test]
    fn overdue_deadlines_are_spelled_out() {
        let response = ListDeadlinesResponse {
            deadlines: vec![Deadline {
                kind: DeadlineKind::Recognition as i32,
                subject: "members/9".into(),
                full_name: "Lò Văn Khánh".into(),
                cell: "communes/02680/cells/cong-an".into(),
                due_date: "2022-06-01".into(),
                overdue: true,
                working_days_left: -21,
                ..Deadline::default()
            }],
            overdue: 1,
            freshness: None,
        };
        let text = render_deadlines(&response, Some("2022-06-30"), None);
        assert!(text.contains("QUÁ HẠN 21 ngày LV") && text.contains("Công nhận chính thức"));
        assert!(text.contains("cong-an") && text.contains("1 quá hạn"));
    }

    #[test]
    fn pipeline_labels_stages_and_blockers() {
        let pipeline = Pipeline {
            commune: "communes/02680".into(),
            as_of_date: "2022-06-30".into(),
            open_candidates: 2,
            by_stage: vec![Bucket {
                key: "CANDIDATE_STAGE_IDENTIFIED".into(),
                label: String::new(),
                members: 2,
                suppressed: false,
            }],
            by_blocker: vec![Bucket {
                key: "LIVES_AWAY".into(),
                label: String::new(),
                members: 2,
                suppressed: false,
            }],
            ..Pipeline::default()
        };
        let text = render_pipeline(&pipeline);
        assert!(text.contains("Quần chúng ưu tú") && text.contains("Đi làm ăn xa"));
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

// ---------------------------------------------------------------------------------------------
// The command line of `partyctl report …`: its subcommands and their flags.
// ---------------------------------------------------------------------------------------------

/// `partyctl report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Báo cáo đảng viên của một xã tại một ngày.
    Commune {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày báo cáo; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
    },
    /// Số đảng viên được kết nạp theo năm và tháng.
    Admissions {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Năm đầu; mặc định năm nay.
        #[arg(long)]
        from: Option<i32>,
        /// Năm cuối; mặc định bằng năm đầu.
        #[arg(long)]
        to: Option<i32>,
    },
    /// Tiến độ kết nạp trong năm so với chỉ tiêu, nguồn đủ điều kiện và dự báo.
    Progress {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Năm; mặc định năm của --as-of.
        #[arg(long)]
        year: Option<i32>,
        /// Ngày đánh giá; mặc định hôm nay (không quá ngày cuối năm).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
    },
    /// Nguồn phát triển đảng viên theo bước và theo vướng mắc, từng chi bộ.
    Pipeline {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày xét vướng mắc; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
    },
    /// Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên so với chỉ tiêu.
    Ratings {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
    },
    /// Chi bộ cần quan tâm: lâu không kết nạp, nhiều đảng viên biệt phái, già hóa.
    CellHealth {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày đánh giá; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
        /// Đánh dấu chi bộ không kết nạp ít nhất chừng này năm (mặc định 3).
        #[arg(long)]
        years_without_admission: Option<i32>,
        /// Đánh dấu chi bộ có đảng viên biệt phái trên tỷ lệ này (%, mặc định 50).
        #[arg(long)]
        seconded_percent: Option<i32>,
        /// Tuổi tính là cao tuổi (mặc định 60).
        #[arg(long)]
        ageing_age: Option<i32>,
    },
    /// Các thời hạn (quyết định kết nạp, lễ kết nạp, công nhận chính thức) tính theo ngày làm việc.
    Deadlines {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày đánh giá; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
        /// Liệt kê cả các thời hạn đến hạn tới ngày này.
        #[arg(long, value_parser = parse_date)]
        until: Option<String>,
    },
    /// Bản tin tháng cho bí thư chi bộ: kế hoạch và thực hiện, nguồn và bước tiếp theo, thời hạn.
    Briefing {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Tháng họp, YYYY-MM; mặc định tháng này.
        #[arg(long, value_parser = parse_month)]
        month: Option<String>,
    },
    /// Thống kê đảng viên tại một ngày của xã, tỉnh hoặc cả nước, theo các tiêu chí.
    Statistics(StatisticsArgs),
    /// Biến động đảng viên trong một khoảng thời gian, có dòng đối chiếu đầu kỳ – cuối kỳ.
    Movements(MovementsArgs),
    /// Đảng viên đến hạn xét tặng Huy hiệu Đảng trong các đợt của một năm.
    Badges(BadgesArgs),
    /// Xếp hạng các xã của một tỉnh theo một chỉ tiêu.
    Ranking(RankingArgs),
}

/// `partyctl report statistics`.
#[derive(Debug, Clone, Args)]
pub struct StatisticsArgs {
    /// Phạm vi: provinces/15, communes/02680, country (hoặc mã 2 chữ số của tỉnh, 5 chữ số của xã).
    #[arg(long, value_parser = parse_scope)]
    pub scope: String,
    /// Ngày thống kê; mặc định ngày cuối năm nay hoặc hôm nay, ngày nào sớm hơn.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<String>,
    /// Tiêu chí: ethnicity, religion, age, general-education, qualification, political-theory, party-age, gender; lặp lại hoặc ngăn bằng dấu phẩy; mặc định tất cả.
    #[arg(long = "breakdown", value_delimiter = ',', value_parser = parse_breakdown)]
    pub breakdowns: Vec<String>,
    /// Các mốc trên của nhóm tuổi, tăng dần, ví dụ 30,40,50,60,70.
    #[arg(long, value_delimiter = ',')]
    pub age_bands: Vec<i32>,
    /// Các mốc trên của nhóm tuổi đảng (năm), tăng dần, ví dụ 9,19,29,39,49.
    #[arg(long, value_delimiter = ',')]
    pub party_age_bands: Vec<i32>,
}

/// `partyctl report movements`.
#[derive(Debug, Clone, Args)]
pub struct MovementsArgs {
    /// Phạm vi: provinces/15, communes/02680 hoặc country.
    #[arg(long, value_parser = parse_scope)]
    pub scope: String,
    /// Ngày đầu kỳ.
    #[arg(long, value_parser = parse_date)]
    pub from: String,
    /// Ngày cuối kỳ.
    #[arg(long, value_parser = parse_date)]
    pub to: String,
}

/// `partyctl report badges`.
#[derive(Debug, Clone, Args)]
pub struct BadgesArgs {
    /// Phạm vi: provinces/15, communes/02680 hoặc country.
    #[arg(long, value_parser = parse_scope)]
    pub scope: String,
    /// Năm của các đợt xét tặng.
    #[arg(long)]
    pub year: i32,
    /// Chỉ một đợt: 3-2, 19-5, 2-9, 7-11; mặc định cả bốn đợt.
    #[arg(long, value_parser = parse_award_round)]
    pub round: Option<AwardRound>,
}

/// `partyctl report ranking`.
#[derive(Debug, Clone, Args)]
pub struct RankingArgs {
    /// Mã tỉnh (15) hoặc provinces/15.
    #[arg(long, value_parser = parse_province)]
    pub province: String,
    /// Chỉ tiêu xếp hạng.
    #[arg(long, value_enum)]
    pub indicator: RankingIndicatorArg,
    /// Năm (kết nạp, xếp loại chi bộ); mặc định năm của --as-of.
    #[arg(long)]
    pub year: Option<i32>,
    /// Ngày tính số đảng viên; mặc định hôm nay, không quá ngày cuối năm.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<String>,
}

/// What `partyctl report ranking` ranks communes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankingIndicatorArg {
    /// Số đảng viên.
    Members,
    /// Kết nạp so với chỉ tiêu năm (%).
    Admissions,
    /// Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên (%).
    GoodCells,
}

impl RankingIndicatorArg {
    /// The contract's value.
    pub fn indicator(self) -> RankingIndicator {
        match self {
            Self::Members => RankingIndicator::Members,
            Self::Admissions => RankingIndicator::AdmissionsAgainstTarget,
            Self::GoodCells => RankingIndicator::GoodCellsPercent,
        }
    }
}
