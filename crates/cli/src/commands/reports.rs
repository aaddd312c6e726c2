//! `partyctl report …` and `partyctl freshness`: the reporting service's answers as Vietnamese
//! text. Every report the export can also write is printed as its document from
//! `partyregistry_export::reports`, through the terminal writer, so the terminal and an exported
//! file say the same under the same labels; the monthly briefing, shown only here, is laid out
//! here. The statistics of provincial offices are requested in [`super::statistics`].

use partyregistry_export::{reports, terminal};
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, BriefingCell, CellHealth, CellRatingSummary,
    CommuneReport, Freshness, GetAdmissionProgressRequest, GetAdmissionsReportRequest,
    GetCellHealthRequest, GetCellRatingSummaryRequest, GetCommuneReportRequest,
    GetFreshnessRequest, GetMonthlyBriefingRequest, GetPipelineRequest, ListDeadlinesRequest,
    ListDeadlinesResponse, MonthlyBriefing, Pipeline,
};
use partyregistry_vocab::date;

use partyregistry_proto::reporting::v1::export_report_request::Report;
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;

use super::Context;
use super::statistics::{self, BadgesArgs, MovementsArgs, RankingArgs, StatisticsArgs};
use crate::client;
use crate::error::CliError;
use crate::output::{self, Fields, ProtoMessage, Table, blocker_label, label, yes_no};
use crate::parse::{commune_name, parse_date, parse_month};
use clap::Subcommand;

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

/// Runs one `report` subcommand.
pub async fn run(context: &Context, command: ReportCommand) -> Result<(), CliError> {
    let request = match report_request(command)? {
        ReportRequest::Exportable(request) => request,
        ReportRequest::Briefing(request) => {
            let mut reporting =
                client::reporting(&context.reporting, &context.membership, &context.security)
                    .await?;
            let report = reporting.get_monthly_briefing(request).await?;
            return emit(context, &report.into_inner(), render_briefing);
        }
    };
    let mut reporting =
        client::reporting(&context.reporting, &context.membership, &context.security).await?;
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
            let request = r.clone();
            show!(list_deadlines, r, |report| render_deadlines(
                &request, report
            ))
        }
        Report::Statistics(r) => show!(get_statistics, r, statistics::render_statistics),
        Report::Movements(r) => show!(get_movements, r, statistics::render_movements),
        Report::BadgesDue(r) => {
            let request = r.clone();
            show!(list_badges_due, r, |report| {
                statistics::render_badges(&request, report)
            })
        }
        Report::Ranking(r) => {
            let request = r.clone();
            show!(rank_communes, r, |report| {
                statistics::render_ranking(&request, report)
            })
        }
    }
}

/// `partyctl freshness`.
pub async fn freshness(context: &Context) -> Result<(), CliError> {
    // Asked as it stands: waiting for membership's head would hide the very lag it reports.
    let mut reporting = ReportingServiceClient::new(
        client::transport(&context.reporting, &context.security).await?,
    );
    let freshness = reporting
        .get_freshness(GetFreshnessRequest {})
        .await?
        .into_inner();
    emit(context, &freshness, |freshness| {
        freshness_fields(freshness).render()
    })
}

/// The commune report: totals, breakdowns, then one row per cell.
pub fn render_commune_report(report: &CommuneReport) -> String {
    terminal::write(&reports::commune_report(report))
}

/// The admissions report: one row per year with the twelve months.
pub fn render_admissions_report(report: &AdmissionsReport) -> String {
    terminal::write(&reports::admissions_report(report))
}

/// The admission progress: target, admitted, remaining, the eligible pipeline and the verdict
/// with its reasons, then the months.
pub fn render_progress(progress: &AdmissionProgress) -> String {
    terminal::write(&reports::admission_progress(progress))
}

/// The pipeline by stage and by blocker, then per cell.
pub fn render_pipeline(pipeline: &Pipeline) -> String {
    terminal::write(&reports::pipeline(pipeline))
}

/// Cells rated good or better against the target, with the figures to recompute it.
pub fn render_rating_summary(summary: &CellRatingSummary) -> String {
    terminal::write(&reports::cell_rating_summary(summary))
}

/// Cells needing attention: one row per cell, flags spelled out.
pub fn render_cell_health(health: &CellHealth) -> String {
    terminal::write(&reports::cell_health(health))
}

/// The deadlines asked for, overdue first.
pub fn render_deadlines(
    request: &ListDeadlinesRequest,
    response: &ListDeadlinesResponse,
) -> String {
    terminal::write(&reports::deadlines(request, response))
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
        // The cell is the heading already.
        let deadlines =
            reports::deadline_table(&cell.deadlines).terminal_columns(&[0, 1, 3, 4, 6, 7]);
        for line in terminal::write_table(&deadlines).lines() {
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
        out.push_str(&terminal::write_table(&reports::progress_summary(progress)));
        if let Some(reasons) = reports::progress_reasons(progress) {
            out.push_str("Lý do:\n");
            out.push_str(&terminal::write_table(&reasons));
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
fn freshness_text(freshness: Option<&Freshness>) -> String {
    freshness.map_or_else(String::new, |f| format!("\n{}\n", freshness_line(f)))
}

/// One line saying how fresh a report is.
fn freshness_line(freshness: &Freshness) -> String {
    if freshness.pending_changes == 0 && freshness.caught_up {
        format!(
            "Dữ liệu cập nhật đến thay đổi #{}.",
            freshness.last_applied_sequence
        )
    } else if freshness.pending_changes == 0 {
        // Nothing known to be pending, but membership could not confirm its head: it may have
        // moved on, or been restored behind what was applied.
        format!(
            "Dữ liệu cập nhật đến thay đổi #{}; chưa xác nhận được đây là dữ liệu mới nhất.",
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
        .add("Đã xác nhận cập nhật đầy đủ", yes_no(freshness.caught_up))
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
    use partyregistry_proto::reporting::v1::{
        Bucket, CellFigures, Deadline, DeadlineKind, YearAdmissions,
    };

    #[test]
    fn freshness_not_confirmed_is_not_shown_as_current() {
        let confirmed = Freshness {
            last_applied_sequence: 12,
            head_sequence: 12,
            connected: true,
            caught_up: true,
            ..Freshness::default()
        };
        assert_eq!(
            freshness_line(&confirmed),
            "Dữ liệu cập nhật đến thay đổi #12."
        );
        let away = Freshness {
            connected: false,
            caught_up: false,
            ..confirmed
        };
        assert_eq!(
            freshness_line(&away),
            "Dữ liệu cập nhật đến thay đổi #12; chưa xác nhận được đây là dữ liệu mới nhất."
        );
    }

    #[test]
    fn commune_report_shows_cells_with_labels() {
        let report = CommuneReport {
            commune: "communes/02680".into(),
            display_name: "Xã Hợp Thành".into(),
            as_of_date: "2022-06-30".into(),
            total_members: 172,
            awaiting_ceremony_members: 2,
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
        assert!(
            text.contains("Đã có quyết định kết nạp, chờ lễ kết nạp (không tính vào tổng số): 2"),
            "{text}"
        );
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
        let request = ListDeadlinesRequest {
            commune: "communes/02680".into(),
            as_of_date: "2022-06-30".into(),
            until_date: String::new(),
        };
        let text = render_deadlines(&request, &response);
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
