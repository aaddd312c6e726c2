//! `ExportReport`: any report as a CSV file or an XLSX workbook, streamed in chunks.
//!
//! The report is computed by this service's own handler for it, authorised and suppressed for the
//! caller by the same rules, so a file always says exactly what the RPC says and fails exactly as
//! the RPC fails. Each response is converted into
//! a [`Document`] with Vietnamese headings (the conversions are plain functions, tested on
//! hand-built responses) and rendered by `partyregistry_export`. The whole file is rendered
//! before the first chunk leaves, so an error never leaves a partial file behind.

use std::pin::Pin;

use chrono::{DateTime, FixedOffset};
use partyregistry_export::{Cell, Chart, ChartKind, ChartSeries, Document, Format, Table};
use partyregistry_kit::auth::{self, Caller};
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::reporting::v1::export_report_request::Report;
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, AwardRound, Bucket, CellHealth, CellRatingSummary,
    CommuneReport, ExportChunk, ExportFormat, ExportReportRequest, Freshness, ListBadgesDueRequest,
    ListBadgesDueResponse, ListDeadlinesRequest, ListDeadlinesResponse, Movements, Pipeline,
    RankCommunesRequest, RankCommunesResponse, RankingIndicator, Statistics,
};
use partyregistry_vocab::reference;
use partyregistry_vocab::text;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::access::{self, Access, SmallCells};
use crate::grpc::api::ReportingApi;
use crate::grpc::error::ERROR_DOMAIN;

#[cfg(test)]
mod tests;

/// The stream of an exported file's chunks.
pub type ExportStream = Pin<Box<dyn Stream<Item = Result<ExportChunk, Status>> + Send + 'static>>;

/// The largest `data` of one chunk: 64 KiB, well under gRPC's default 4 MiB message limit.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Handles `ExportReport`: authorises the report inside as its own RPC would be, validates the
/// request, computes the report with the caller's suppression, renders the file and streams it.
/// Every export is audited, whatever its outcome, with the report's scope.
pub async fn export(
    api: &ReportingApi,
    request: Request<ExportReportRequest>,
) -> Result<Response<ExportStream>, Status> {
    let caller = auth::caller(&request);
    let request = request.into_inner();
    let access = api.access();
    let authorised = access
        .authorise(access::EXPORT_REPORT, &caller, &request)
        .await?;
    let result = render_file(api, &caller, request)
        .await
        .map_err(|error| error.into_status(ERROR_DOMAIN));
    access
        .record(
            &caller,
            access::EXPORT_REPORT,
            authorised.resources,
            access::outcome_of(&result),
        )
        .await;
    let chunks = result?;
    let stream: ExportStream = Box::pin(tokio_stream::iter(chunks.into_iter().map(Ok)));
    Ok(Response::new(stream))
}

/// The whole file of an authorised request, in chunks.
async fn render_file(
    api: &ReportingApi,
    caller: &Caller,
    request: ExportReportRequest,
) -> Result<Vec<ExportChunk>, ApiError> {
    let (report, format) = validate(request)?;
    let document = compute(api, caller, report).await?;
    let bytes = partyregistry_export::render(&document, format)
        .map_err(|error| ApiError::Internal(format!("export: {error}")))?;
    Ok(chunks(
        document.file_name(format),
        format.content_type(),
        bytes.as_slice(),
    ))
}

/// The report asked for and the file format; both are required.
pub fn validate(request: ExportReportRequest) -> Result<(Report, Format), ApiError> {
    let mut violations = Violations::new();
    let format = match ExportFormat::try_from(request.format) {
        Ok(ExportFormat::Csv) => Some(Format::Csv),
        Ok(ExportFormat::Xlsx) => Some(Format::Xlsx),
        Ok(ExportFormat::Unspecified) => {
            violations.add("format", "must be EXPORT_FORMAT_CSV or EXPORT_FORMAT_XLSX");
            None
        }
        Err(_) => {
            violations.add(
                "format",
                format!(
                    "unsupported format {}; must be EXPORT_FORMAT_CSV or EXPORT_FORMAT_XLSX",
                    request.format
                ),
            );
            None
        }
    };
    if request.report.is_none() {
        violations.add("report", "must name the report to export");
    }
    violations.finish()?;
    match (request.report, format) {
        (Some(report), Some(format)) => Ok((report, format)),
        // Both were checked just above.
        _ => Err(ApiError::Internal(
            "export request checked but incomplete".into(),
        )),
    }
}

/// Computes `report` through the service's own handler, suppressed for `caller` as the RPC would
/// be, and converts it.
async fn compute(
    api: &ReportingApi,
    caller: &Caller,
    report: Report,
) -> Result<Document, ApiError> {
    let access = api.access();
    Ok(match report {
        Report::CommuneReport(request) => commune_report(&protected(
            access,
            caller,
            api.commune_report(request).await?,
        )),
        Report::AdmissionsReport(request) => admissions_report(&protected(
            access,
            caller,
            api.admissions_report(request).await?,
        )),
        Report::AdmissionProgress(request) => admission_progress(&protected(
            access,
            caller,
            api.admission_progress(request).await?,
        )),
        Report::Pipeline(request) => {
            pipeline(&protected(access, caller, api.pipeline(request).await?))
        }
        Report::CellRatingSummary(request) => cell_rating_summary(&protected(
            access,
            caller,
            api.cell_rating_summary(request).await?,
        )),
        Report::CellHealth(request) => {
            cell_health(&protected(access, caller, api.cell_health(request).await?))
        }
        Report::Deadlines(request) => {
            let response = protected(access, caller, api.deadlines(request.clone()).await?);
            deadlines(&request, &response)
        }
        Report::Statistics(request) => {
            statistics(&protected(access, caller, api.statistics(request).await?))
        }
        Report::Movements(request) => {
            movements(&protected(access, caller, api.movements(request).await?))
        }
        Report::BadgesDue(request) => {
            let response = protected(access, caller, api.badges_due(request.clone()).await?);
            badges_due(&request, &response)
        }
        Report::Ranking(request) => {
            let response = protected(access, caller, api.ranking(request.clone()).await?);
            ranking(&request, &response)
        }
    })
}

/// `response` suppressed for `caller`.
fn protected<R: SmallCells>(access: &Access, caller: &Caller, mut response: R) -> R {
    access.protect(caller, &mut response);
    response
}

/// Splits `bytes` into chunks of at most [`CHUNK_BYTES`]; the first names the file. An empty
/// file is still one chunk, so the receiver always learns the name.
pub fn chunks(file_name: String, content_type: &str, bytes: &[u8]) -> Vec<ExportChunk> {
    let mut pieces: Vec<ExportChunk> = bytes
        .chunks(CHUNK_BYTES)
        .map(|piece| ExportChunk {
            data: piece.to_vec(),
            ..ExportChunk::default()
        })
        .collect();
    if pieces.is_empty() {
        pieces.push(ExportChunk::default());
    }
    pieces[0].file_name = file_name;
    pieces[0].content_type = content_type.to_owned();
    pieces
}

// ---------------------------------------------------------------------------------------------
// Conversions: one function per report, response (and, where the response does not repeat it,
// request) in, document out.
// ---------------------------------------------------------------------------------------------

/// Headings of a key/value summary table.
const SUMMARY_HEADERS: [&str; 2] = ["Chỉ tiêu", "Giá trị"];
const SUMMARY_SHEET: &str = "Tổng hợp";
const TOTAL_LABEL: &str = "Tổng cộng";
/// The total row's label when some counts above it are hidden: it sums the shown ones only.
const SHOWN_TOTAL_LABEL: &str = "Tổng cộng (không kể số ẩn)";
const YES: &str = "Có";
const NO: &str = "Không";
/// Shown instead of a count below the minimum cell size (small-cell suppression).
const SUPPRESSED_LABEL: &str = "Ẩn (dưới ngưỡng)";

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
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Xã", report.display_name.as_str()))
        .push_row(pair("Mã xã", report.commune.as_str()))
        .push_row(pair("Ngày số liệu", Cell::date(&report.as_of_date)))
        .push_row(pair("Tổng số đảng viên", report.total_members))
        .push_row(pair("Đảng viên chính thức", report.official_members))
        .push_row(pair("Đảng viên dự bị", report.probationary_members))
        .push_row(pair("Đảng viên nữ", report.women))
        .push_row(pair("Tuổi bình quân", Cell::decimal(report.average_age, 1)));
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
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
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

/// `GetAdmissionProgress`: the figures, the reasons, and month by month the admissions, their
/// running total and the target, with the chart of admissions against the target.
pub fn admission_progress(progress: &AdmissionProgress) -> Document {
    let mut document = Document::new(
        format!(
            "Tiến độ kết nạp đảng viên năm {} — {} (đến ngày {})",
            progress.year,
            progress.commune,
            vietnamese_date(&progress.as_of_date)
        ),
        slug(&format!(
            "tien do ket nap {} {} {}",
            progress.commune, progress.year, progress.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Xã", progress.commune.as_str()))
        .push_row(pair("Năm", progress.year))
        .push_row(pair("Ngày đánh giá", Cell::date(&progress.as_of_date)))
        .push_row(pair("Chỉ tiêu kết nạp trong năm", target_cell(progress)))
        .push_row(pair("Đã kết nạp", progress.admitted))
        .push_row(pair("Còn phải kết nạp", progress.remaining))
        .push_row(pair(
            "Quần chúng đủ điều kiện",
            progress.eligible_candidates,
        ))
        .push_row(pair(
            "Tổng số nguồn đang theo dõi",
            progress.open_candidates,
        ))
        .push_row(pair("Khả năng cao nhất", progress.best_case))
        .push_row(pair("Nguy cơ không đạt chỉ tiêu", yes_no(progress.at_risk)));
    push_freshness(&mut summary, progress.freshness.as_ref());
    document.push(summary);

    if !progress.reasons.is_empty() {
        let mut reasons = Table::new("Lý do", "Lý do có nguy cơ không đạt", &["Lý do"]);
        for reason in &progress.reasons {
            reasons.push_row(vec![reason.as_str().into()]);
        }
        document.push(reasons);
    }

    let mut months = Table::new(
        "Theo tháng",
        format!("Kết nạp theo tháng năm {}", progress.year),
        &["Tháng", "Kết nạp trong tháng", "Lũy kế", "Chỉ tiêu năm"],
    );
    let mut cumulative = 0_i64;
    for month in 0..12 {
        let admitted = progress.by_month.get(month).copied().unwrap_or(0);
        cumulative += admitted;
        months.push_row(vec![
            format!("Tháng {}", month + 1).into(),
            admitted.into(),
            cumulative.into(),
            if progress.has_target {
                progress.target.into()
            } else {
                Cell::Empty
            },
        ]);
    }
    let table = document.push(months);
    document.chart = Some(Chart {
        title: format!("Kết nạp so với chỉ tiêu năm {}", progress.year),
        table,
        category_column: 0,
        series: vec![
            ChartSeries {
                column: 1,
                kind: ChartKind::Column,
            },
            ChartSeries {
                column: 2,
                kind: ChartKind::Line,
            },
            ChartSeries {
                column: 3,
                kind: ChartKind::Line,
            },
        ],
        x_axis: "Tháng".into(),
        y_axis: "Số đảng viên".into(),
    });
    document
}

/// `GetPipeline`: totals, by stage, by blocker, and per cell with a column per stage.
pub fn pipeline(pipeline: &Pipeline) -> Document {
    let mut document = Document::new(
        format!(
            "Nguồn kết nạp đảng viên — {} ngày {}",
            pipeline.commune,
            vietnamese_date(&pipeline.as_of_date)
        ),
        slug(&format!(
            "nguon ket nap {} {}",
            pipeline.commune, pipeline.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Xã", pipeline.commune.as_str()))
        .push_row(pair("Ngày đánh giá", Cell::date(&pipeline.as_of_date)))
        .push_row(pair("Nguồn đang theo dõi", pipeline.open_candidates))
        .push_row(pair("Nguồn không vướng mắc", pipeline.eligible_candidates));
    push_freshness(&mut summary, pipeline.freshness.as_ref());
    document.push(summary);
    document.push(bucket_table(
        "Theo giai đoạn",
        "Quần chúng theo giai đoạn",
        "Giai đoạn",
        "Số quần chúng",
        &pipeline.by_stage,
    ));
    document.push(bucket_table(
        "Vướng mắc",
        "Vướng mắc của nguồn đang theo dõi",
        "Vướng mắc",
        "Số quần chúng",
        &pipeline.by_blocker,
    ));

    let stage_labels: Vec<String> = pipeline.by_stage.iter().map(bucket_label).collect();
    let mut headers = vec!["Chi bộ", "Nguồn đang theo dõi", "Nguồn không vướng mắc"];
    headers.extend(stage_labels.iter().map(String::as_str));
    headers.extend(["Vướng mắc", "Mã chi bộ"]);
    let mut cells = Table::new("Chi bộ", "Nguồn kết nạp theo chi bộ", &headers);
    for cell in &pipeline.cells {
        let mut row: Vec<Cell> = vec![
            cell.display_name.as_str().into(),
            figure(
                cell.open_candidates,
                "open_candidates",
                &cell.suppressed_fields,
            ),
            figure(
                cell.eligible_candidates,
                "eligible_candidates",
                &cell.suppressed_fields,
            ),
        ];
        row.extend(pipeline.by_stage.iter().map(|stage| {
            Cell::from(
                cell.by_stage
                    .iter()
                    .find(|b| b.key == stage.key)
                    .map_or(0, |b| b.members),
            )
        }));
        row.push(
            cell.by_blocker
                .iter()
                .map(|b| format!("{}: {}", bucket_label(b), b.members))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        );
        row.push(cell.cell.as_str().into());
        cells.push_row(row);
    }
    let counted: Vec<usize> = (1..3 + stage_labels.len()).collect();
    push_total(&mut cells, 0, &counted);
    document.push(cells);
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
    let mut table = summary_table(SUMMARY_SHEET, "Tổng hợp");
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
                Cell::from("Chưa có chỉ tiêu")
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
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
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
    );
    for cell in &health.cells {
        cells.push_row(vec![
            cell.display_name.as_str().into(),
            figure(cell.members, "members", &cell.suppressed_fields),
            figure(
                cell.seconded_members,
                "seconded_members",
                &cell.suppressed_fields,
            ),
            Cell::date(&cell.last_admission_date),
            years_or_empty(cell.years_since_last_admission),
            yes_no(cell.no_recent_admission),
            yes_no(cell.seconded_dominated),
            if access::is_hidden(&cell.suppressed_fields, "average_age") {
                SUPPRESSED_LABEL.into()
            } else {
                Cell::decimal(cell.average_age, 1)
            },
            figure(
                cell.ageing_members,
                "ageing_members",
                &cell.suppressed_fields,
            ),
            figure(
                cell.open_candidates,
                "open_candidates",
                &cell.suppressed_fields,
            ),
            cell.cell.as_str().into(),
        ]);
    }
    document.push(cells);
    document
}

/// `ListDeadlines`: the response does not repeat the commune nor the days, so they come from
/// the request.
pub fn deadlines(request: &ListDeadlinesRequest, response: &ListDeadlinesResponse) -> Document {
    let day = if request.as_of_date.is_empty() {
        String::new()
    } else {
        format!(" ngày {}", vietnamese_date(&request.as_of_date))
    };
    let mut document = Document::new(
        format!("Thời hạn cần theo dõi — {}{day}", request.commune),
        slug(&format!(
            "thoi han {} {}",
            request.commune, request.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Xã", request.commune.as_str()))
        .push_row(pair("Ngày đánh giá", Cell::date(&request.as_of_date)))
        .push_row(pair("Đến ngày", Cell::date(&request.until_date)))
        .push_row(pair("Số thời hạn", count(response.deadlines.len())))
        .push_row(pair("Đã quá hạn", response.overdue));
    push_freshness(&mut summary, response.freshness.as_ref());
    document.push(summary);
    let mut table = Table::new(
        "Thời hạn",
        "Danh sách thời hạn",
        &[
            "Việc",
            "Họ và tên",
            "Chi bộ",
            "Ngày bắt đầu",
            "Hạn cuối",
            "Quá hạn",
            "Số ngày làm việc còn lại",
            "Quy định",
            "Mã hồ sơ",
        ],
    );
    for deadline in &response.deadlines {
        table.push_row(vec![
            reference::label(deadline.kind().as_str_name()).into(),
            deadline.full_name.as_str().into(),
            deadline.cell.as_str().into(),
            Cell::date(&deadline.start_date),
            Cell::date(&deadline.due_date),
            yes_no(deadline.overdue),
            deadline.working_days_left.into(),
            deadline.rule_version.as_str().into(),
            deadline.subject.as_str().into(),
        ]);
    }
    document.push(table);
    document
}

/// `GetStatistics`: totals, one table per breakdown, the communes counted, and the notes.
pub fn statistics(statistics: &Statistics) -> Document {
    let mut document = Document::new(
        format!(
            "Thống kê đảng viên {} ngày {}",
            statistics.display_name,
            vietnamese_date(&statistics.as_of_date)
        ),
        slug(&format!(
            "thong ke {} {}",
            statistics.scope, statistics.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Đơn vị", statistics.display_name.as_str()))
        .push_row(pair("Phạm vi", statistics.scope.as_str()))
        .push_row(pair("Ngày số liệu", Cell::date(&statistics.as_of_date)))
        .push_row(pair("Tổng số đảng viên", statistics.total_members))
        .push_row(pair("Đảng viên chính thức", statistics.official_members))
        .push_row(pair("Đảng viên dự bị", statistics.probationary_members))
        .push_row(pair("Đảng viên nữ", statistics.women))
        .push_row(pair(
            "Tuổi bình quân",
            Cell::decimal(statistics.average_age, 1),
        ));
    push_freshness(&mut summary, statistics.freshness.as_ref());
    document.push(summary);
    for breakdown in &statistics.breakdowns {
        let title = if breakdown.title.is_empty() {
            breakdown.kind.as_str()
        } else {
            breakdown.title.as_str()
        };
        document.push(bucket_table(
            title,
            &format!("Đảng viên theo {}", lowercase_first(title)),
            title,
            "Số đảng viên",
            &breakdown.rows,
        ));
    }
    let mut units = Table::new(
        "Đơn vị",
        "Các xã được tính",
        &["Xã", "Mã xã", "Tỉnh", "Số đảng viên"],
    );
    for unit in &statistics.units {
        units.push_row(vec![
            unit.display_name.as_str().into(),
            unit.commune.as_str().into(),
            unit.province.as_str().into(),
            figure(unit.members, "members", &unit.suppressed_fields),
        ]);
    }
    push_total(&mut units, 0, &[3]);
    document.push(units);
    if let Some(notes) = notes_table(&statistics.notes) {
        document.push(notes);
    }
    document
}

/// `GetMovements`: one table, from the members at the start through the movements in and out to
/// the members at the end, with the check that they reconcile.
pub fn movements(movements: &Movements) -> Document {
    let mut document = Document::new(
        format!(
            "Biến động đảng viên {} từ ngày {} đến ngày {}",
            movements.display_name,
            vietnamese_date(&movements.from_date),
            vietnamese_date(&movements.to_date)
        ),
        slug(&format!(
            "bien dong {} {} {}",
            movements.scope, movements.from_date, movements.to_date
        )),
    );
    let admitted = movements.admitted.clone().unwrap_or_default();
    let of_admitted = |value: i64, field: &str| figure(value, field, &admitted.suppressed_fields);
    let reconciliation = movements.reconciliation.unwrap_or_default();
    let mut table = summary_table("Biến động", "Biến động đảng viên và đối chiếu");
    table
        .push_row(pair("Đơn vị", movements.display_name.as_str()))
        .push_row(pair("Phạm vi", movements.scope.as_str()))
        .push_row(pair("Từ ngày", Cell::date(&movements.from_date)))
        .push_row(pair("Đến ngày", Cell::date(&movements.to_date)))
        .push_row(pair("Đảng viên đầu kỳ", reconciliation.members_at_start))
        .push_row(pair("Kết nạp", admitted.total))
        .push_row(pair(
            "Trong đó: dưới 30 tuổi",
            of_admitted(admitted.under_30, "under_30"),
        ))
        .push_row(pair(
            "Trong đó: đoàn viên thanh niên",
            of_admitted(admitted.youth_union, "youth_union"),
        ))
        .push_row(pair(
            "Trong đó: dân tộc thiểu số",
            of_admitted(admitted.ethnic_minority, "ethnic_minority"),
        ))
        .push_row(pair("Trong đó: nữ", of_admitted(admitted.women, "women")))
        .push_row(pair(
            "Trong đó: kết nạp lại",
            of_admitted(admitted.readmitted, "readmitted"),
        ))
        .push_row(pair(
            "Chuyển sinh hoạt chính thức đến",
            movements.transferred_in,
        ))
        .push_row(pair("Cộng tăng", reconciliation.movements_in))
        .push_row(pair(
            "Chuyển sinh hoạt chính thức đi",
            movements.transferred_out,
        ))
        .push_row(pair("Từ trần", movements.died))
        .push_row(pair("Xóa tên", movements.removed))
        .push_row(pair("Khai trừ", movements.expelled))
        .push_row(pair("Xin ra khỏi Đảng", movements.resigned))
        .push_row(pair("Cộng giảm", reconciliation.movements_out))
        .push_row(pair("Đảng viên cuối kỳ", reconciliation.members_at_end))
        .push_row(pair(
            "Đối chiếu: đầu kỳ + tăng = cuối kỳ + giảm",
            if reconciliation.balanced {
                "Khớp"
            } else {
                "Không khớp"
            },
        ))
        .push_row(pair(
            "Công nhận đảng viên chính thức",
            movements.recognized_official,
        ))
        .push_row(pair(
            "Chuyển sinh hoạt tạm thời đi",
            movements.temporary_out,
        ))
        .push_row(pair(
            "Trở về sau sinh hoạt tạm thời",
            movements.temporary_returned,
        ))
        .push_row(pair("Miễn công tác và sinh hoạt", movements.exempted));
    for note in &movements.notes {
        table.push_row(pair("Ghi chú", note.as_str()));
    }
    push_freshness(&mut table, movements.freshness.as_ref());
    document.push(table);
    document
}

/// `ListBadgesDue`: counts per round and badge, then the list. The response does not repeat the
/// scope nor the year, so they come from the request.
pub fn badges_due(request: &ListBadgesDueRequest, response: &ListBadgesDueResponse) -> Document {
    let round = request.round();
    let round_text = if round == AwardRound::Unspecified {
        String::new()
    } else {
        format!(", {}", lowercase_first(round_label(round)))
    };
    let round_slug = match round {
        AwardRound::Unspecified => "",
        AwardRound::February3 => "03-02",
        AwardRound::May19 => "19-05",
        AwardRound::September2 => "02-09",
        AwardRound::November7 => "07-11",
    };
    let mut document = Document::new(
        format!(
            "Đảng viên được xét tặng Huy hiệu Đảng năm {}{round_text} — {}",
            request.year, request.scope
        ),
        slug(&format!(
            "huy hieu dang {} {} {round_slug}",
            request.scope, request.year
        )),
    );
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Phạm vi", request.scope.as_str()))
        .push_row(pair("Năm", request.year))
        .push_row(pair("Đợt", round_label(round)))
        .push_row(pair("Số đảng viên", count(response.badges.len())))
        .push_row(pair(
            "Trong đó: tặng sớm do ốm nặng",
            count(
                response
                    .badges
                    .iter()
                    .filter(|b| b.early_reason == "SERIOUSLY_ILL")
                    .count(),
            ),
        ))
        .push_row(pair(
            "Trong đó: truy tặng",
            count(response.badges.iter().filter(|b| b.deceased).count()),
        ));
    push_freshness(&mut summary, response.freshness.as_ref());
    document.push(summary);

    // The list is ordered by round, then badge years: equal pairs are adjacent.
    let mut groups = Table::new(
        "Theo đợt",
        "Số đảng viên theo đợt và loại huy hiệu",
        &[
            "Đợt",
            "Ngày trao",
            "Huy hiệu (năm tuổi Đảng)",
            "Số đảng viên",
        ],
    );
    let mut previous: Option<(i32, i32)> = None;
    for badge in &response.badges {
        let key = (badge.round, badge.badge_years);
        if previous == Some(key) {
            if let Some(Cell::Integer(members)) = groups.rows.last_mut().and_then(|r| r.get_mut(3))
            {
                *members += 1;
            }
        } else {
            groups.push_row(vec![
                round_label(badge.round()).into(),
                Cell::date(&badge.round_date),
                badge.badge_years.into(),
                1_i64.into(),
            ]);
            previous = Some(key);
        }
    }
    push_total(&mut groups, 0, &[3]);
    document.push(groups);

    let mut list = Table::new(
        "Danh sách",
        "Danh sách đảng viên được xét tặng Huy hiệu Đảng",
        &[
            "STT",
            "Họ và tên",
            "Chi bộ",
            "Huy hiệu (năm tuổi Đảng)",
            "Đợt",
            "Ngày trao",
            "Ngày đủ tuổi Đảng",
            "Tuổi Đảng (tháng)",
            "Tặng sớm",
            "Đã từ trần",
            "Mã đảng viên",
        ],
    );
    for (index, badge) in response.badges.iter().enumerate() {
        list.push_row(vec![
            count(index + 1),
            badge.full_name.as_str().into(),
            badge.cell.as_str().into(),
            badge.badge_years.into(),
            round_label(badge.round()).into(),
            Cell::date(&badge.round_date),
            Cell::date(&badge.milestone_date),
            badge.party_age_months.into(),
            early_reason_label(&badge.early_reason).into(),
            if badge.deceased {
                YES.into()
            } else {
                Cell::Empty
            },
            badge.member.as_str().into(),
        ]);
    }
    document.push(list);
    document
}

/// `RankCommunes`: the ranking; the year and day come from the request, which the response does
/// not repeat.
pub fn ranking(request: &RankCommunesRequest, response: &RankCommunesResponse) -> Document {
    let indicator = response.indicator();
    let (indicator_slug, places) = match indicator {
        RankingIndicator::Members => ("dang vien", 0),
        RankingIndicator::AdmissionsAgainstTarget => ("ket nap", 1),
        RankingIndicator::GoodCellsPercent => ("chi bo tot", 1),
        RankingIndicator::Unspecified => ("", 1),
    };
    let period = if request.year != 0 {
        request.year.to_string()
    } else {
        request.as_of_date.clone()
    };
    let mut document = Document::new(
        format!(
            "Xếp hạng các xã của {} theo {}",
            response.province,
            lowercase_first(indicator_label(indicator))
        ),
        slug(&format!(
            "xep hang {} {indicator_slug} {period}",
            response.province
        )),
    );
    let mut summary = summary_table(SUMMARY_SHEET, "Tổng hợp");
    summary
        .push_row(pair("Tỉnh", response.province.as_str()))
        .push_row(pair("Chỉ tiêu xếp hạng", indicator_label(indicator)))
        .push_row(pair(
            "Năm",
            if request.year != 0 {
                Cell::from(request.year)
            } else {
                Cell::Empty
            },
        ))
        .push_row(pair("Ngày", Cell::date(&request.as_of_date)))
        .push_row(pair("Số xã", count(response.communes.len())));
    push_freshness(&mut summary, response.freshness.as_ref());
    document.push(summary);
    let mut table = Table::new(
        "Xếp hạng",
        format!(
            "Xếp hạng theo {}",
            lowercase_first(indicator_label(indicator))
        ),
        &[
            "Hạng",
            "Xã",
            indicator_label(indicator),
            "Cách tính",
            "Mã xã",
        ],
    );
    for commune in &response.communes {
        table.push_row(vec![
            commune.rank.into(),
            commune.display_name.as_str().into(),
            if commune.has_value {
                Cell::decimal(commune.value, places)
            } else {
                Cell::Empty
            },
            commune.detail.as_str().into(),
            commune.commune.as_str().into(),
        ]);
    }
    document.push(table);
    document
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

fn summary_table(sheet: &str, title: &str) -> Table {
    Table::new(sheet, title, &SUMMARY_HEADERS)
}

fn pair(label: &str, value: impl Into<Cell>) -> Vec<Cell> {
    vec![label.into(), value.into()]
}

fn yes_no(value: bool) -> Cell {
    if value { YES } else { NO }.into()
}

fn count(value: usize) -> Cell {
    Cell::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

fn years_or_empty(years: i32) -> Cell {
    if years < 0 { Cell::Empty } else { years.into() }
}

fn target_cell(progress: &AdmissionProgress) -> Cell {
    if progress.has_target {
        progress.target.into()
    } else {
        "Chưa có chỉ tiêu".into()
    }
}

/// Adds how fresh the projection was, so that a file read later still says so.
fn push_freshness(table: &mut Table, freshness: Option<&Freshness>) {
    let Some(freshness) = freshness else {
        return;
    };
    let applied = freshness
        .last_applied_commit_time
        .as_ref()
        .and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
        // Vietnam keeps UTC+7 all year.
        .zip(FixedOffset::east_opt(7 * 3600))
        .map(|(time, vietnam)| {
            time.with_timezone(&vietnam)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    table
        .push_row(pair("Dữ liệu cập nhật đến (giờ Việt Nam)", applied))
        .push_row(pair("Số thay đổi chưa cập nhật", freshness.pending_changes));
}

/// A breakdown as a table: label, count, share of the total, key; and a total row.
fn bucket_table(
    sheet: &str,
    title: &str,
    label_header: &str,
    count_header: &str,
    buckets: &[Bucket],
) -> Table {
    let mut table = Table::new(
        sheet,
        title,
        &[label_header, count_header, "Tỷ lệ (%)", "Mã"],
    );
    let total: i64 = buckets.iter().map(|b| b.members).sum();
    let share = |members: i64| {
        if total > 0 {
            // Counts of people: exact as f64.
            Cell::decimal(members as f64 * 100.0 / total as f64, 1)
        } else {
            Cell::Empty
        }
    };
    for bucket in buckets {
        // A suppressed count is shown as such, never as a real zero.
        let (count, share) = if bucket.suppressed {
            (SUPPRESSED_LABEL.into(), Cell::Empty)
        } else {
            (bucket.members.into(), share(bucket.members))
        };
        table.push_row(vec![
            bucket_label(bucket).into(),
            count,
            share,
            bucket.key.as_str().into(),
        ]);
    }
    let label = total_label(buckets.iter().any(|bucket| bucket.suppressed));
    table.push_row(vec![label.into(), total.into(), share(total)]);
    table
}

/// A bucket's Vietnamese label: its own, else the reference label of its key (an enum value
/// name or an ethnic group code), else the key.
fn bucket_label(bucket: &Bucket) -> String {
    if !bucket.label.is_empty() {
        return bucket.label.clone();
    }
    reference::ethnic_group(&bucket.key)
        .unwrap_or_else(|| reference::label(&bucket.key))
        .to_owned()
}

/// A count of a report row, or the suppression label when the row lists it among its suppressed
/// fields: a suppressed count is never shown as a real zero.
fn figure(value: i64, field: &str, suppressed: &[String]) -> Cell {
    if access::is_hidden(suppressed, field) {
        SUPPRESSED_LABEL.into()
    } else {
        value.into()
    }
}

/// The label of a total row, saying so when counts above it are hidden and left out of it.
fn total_label(any_hidden: bool) -> &'static str {
    if any_hidden {
        SHOWN_TOTAL_LABEL
    } else {
        TOTAL_LABEL
    }
}

/// Appends a total row: `label_column` says "Tổng cộng" (or, when a summed column hides counts,
/// that the hidden ones are not included), the `summed` columns hold the sums of their integer
/// cells, the rest stay empty. Nothing is added to an empty table.
fn push_total(table: &mut Table, label_column: usize, summed: &[usize]) {
    if table.rows.is_empty() {
        return;
    }
    let suppressed = Cell::from(SUPPRESSED_LABEL);
    let any_hidden = table.rows.iter().any(|r| {
        summed
            .iter()
            .any(|&column| r.get(column) == Some(&suppressed))
    });
    let mut row = vec![Cell::Empty; table.width()];
    row[label_column] = total_label(any_hidden).into();
    for &column in summed {
        let sum: i64 = table
            .rows
            .iter()
            .filter_map(|r| match r.get(column) {
                Some(Cell::Integer(value)) => Some(*value),
                _ => None,
            })
            .sum();
        if let Some(cell) = row.get_mut(column) {
            *cell = sum.into();
        }
    }
    table.push_row(row);
}

fn notes_table(notes: &[String]) -> Option<Table> {
    if notes.is_empty() {
        return None;
    }
    let mut table = Table::new("Ghi chú", "Ghi chú", &["Ghi chú"]);
    for note in notes {
        table.push_row(vec![note.as_str().into()]);
    }
    Some(table)
}

fn round_label(round: AwardRound) -> &'static str {
    let key = round.as_str_name();
    let shared = reference::label(key);
    if shared != key {
        return shared;
    }
    match round {
        AwardRound::Unspecified => "Cả bốn đợt",
        AwardRound::February3 => "Đợt 3/2",
        AwardRound::May19 => "Đợt 19/5",
        AwardRound::September2 => "Đợt 2/9",
        AwardRound::November7 => "Đợt 7/11",
    }
}

fn indicator_label(indicator: RankingIndicator) -> &'static str {
    let key = indicator.as_str_name();
    let shared = reference::label(key);
    if shared != key {
        return shared;
    }
    match indicator {
        RankingIndicator::Unspecified => "Chỉ tiêu",
        RankingIndicator::Members => "Số đảng viên",
        RankingIndicator::AdmissionsAgainstTarget => "Kết nạp so với chỉ tiêu (%)",
        RankingIndicator::GoodCellsPercent => "Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên (%)",
    }
}

fn early_reason_label(reason: &str) -> &str {
    match reason {
        "SERIOUSLY_ILL" => "Ốm nặng",
        "POSTHUMOUS" => "Truy tặng",
        other => reference::label(other),
    }
}

/// `2026-06-30` as `30/06/2026`, the way dates are written in Vietnamese documents; anything
/// else unchanged.
fn vietnamese_date(iso: &str) -> String {
    match partyregistry_export::Date::parse_iso(iso) {
        Some(date) => format!("{:02}/{:02}/{}", date.day(), date.month(), date.year()),
        None => iso.to_owned(),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An ASCII file name stem: Vietnamese folded to plain letters, everything else but letters and
/// digits turned into single dashes (`Thống kê provinces/15 2026-06-30` →
/// `thong-ke-provinces-15-2026-06-30`).
pub fn slug(text: &str) -> String {
    let folded = text::fold(text);
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "bao-cao".to_owned()
    } else {
        slug.to_owned()
    }
}
