//! `ExportReport`: any report as a CSV file or an XLSX workbook, streamed in chunks.
//!
//! The report is computed by this service's own handler for it, authorised and suppressed for the
//! caller by the same rules, so a file always says exactly what the RPC says and fails exactly as
//! the RPC fails. Each response becomes the report's [`Document`] through
//! `partyregistry_export::reports` — the same document `partyctl` prints — and is rendered by
//! `partyregistry_export`. The whole file is rendered before the first chunk leaves, so an error
//! never leaves a partial file behind.
//!
//! Owns: the `ExportReport` handler, its request check and the chunking. Does not own: what a
//! file says (the export crate) nor the reports themselves (their handlers).

use std::pin::Pin;

use partyregistry_export::{Document, Format, reports};
use partyregistry_kit::auth::{self, Caller};
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::reporting::v1::export_report_request::Report;
use partyregistry_proto::reporting::v1::{ExportChunk, ExportFormat, ExportReportRequest};
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::grpc::access;
use crate::grpc::api::ReportingApi;

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
    let grant = access
        .authorise(access::EXPORT_REPORT, &caller, &request)
        .await?;
    let rendered = match access.serving(access::EXPORT_REPORT) {
        Ok(()) => render_file(api, &caller, request).await,
        Err(error) => Err(error),
    };
    let chunks = grant.finish(rendered).await?;
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

/// Computes `report` through the service's own handler, on the days and suppressed for `caller`
/// as the RPC would be, and converts it into its document.
async fn compute(
    api: &ReportingApi,
    caller: &Caller,
    report: Report,
) -> Result<Document, ApiError> {
    let access = api.access();
    Ok(match report {
        Report::CommuneReport(request) => reports::commune_report(
            &access
                .disclosed(caller, request, |r| api.commune_report(r))
                .await?,
        ),
        Report::AdmissionsReport(request) => reports::admissions_report(
            &access
                .disclosed(caller, request, |r| api.admissions_report(r))
                .await?,
        ),
        Report::AdmissionProgress(request) => reports::admission_progress(
            &access
                .disclosed(caller, request, |r| api.admission_progress(r))
                .await?,
        ),
        Report::Pipeline(request) => reports::pipeline(
            &access
                .disclosed(caller, request, |r| api.pipeline(r))
                .await?,
        ),
        Report::CellRatingSummary(request) => reports::cell_rating_summary(
            &access
                .disclosed(caller, request, |r| api.cell_rating_summary(r))
                .await?,
        ),
        Report::CellHealth(request) => reports::cell_health(
            &access
                .disclosed(caller, request, |r| api.cell_health(r))
                .await?,
        ),
        Report::Deadlines(request) => {
            let response = access
                .disclosed(caller, request.clone(), |r| api.deadlines(r))
                .await?;
            reports::deadlines(&request, &response)
        }
        Report::Statistics(request) => reports::statistics(
            &access
                .disclosed(caller, request, |r| api.statistics(r))
                .await?,
        ),
        Report::Movements(request) => reports::movements(
            &access
                .disclosed(caller, request, |r| api.movements(r))
                .await?,
        ),
        Report::BadgesDue(request) => {
            let response = access
                .disclosed(caller, request.clone(), |r| api.badges_due(r))
                .await?;
            reports::badges_due(&request, &response)
        }
        Report::Ranking(request) => {
            let response = access
                .disclosed(caller, request.clone(), |r| api.ranking(r))
                .await?;
            reports::ranking(&request, &response)
        }
    })
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
