//! `partyctl export`: any exportable report written to a CSV or XLSX file, atomically, with the
//! file format and path flags before the report's own subcommand.

use std::path::{Path, PathBuf};

use clap::Args;
use partyregistry_proto::reporting::v1::{ExportFormat, ExportReportRequest};

use super::Context;
use super::reports::{ReportCommand, ReportRequest, report_request};
use crate::atomic::AtomicFile;
use crate::client;
use crate::error::CliError;
use crate::progress::Progress;

/// Where the file goes: `output` itself, or the suggested name inside it when it is a directory.
fn target_path(output: &Path, suggested: &str) -> Result<PathBuf, CliError> {
    if !output.is_dir() {
        return Ok(output.to_path_buf());
    }
    // Only the last component of the suggestion counts: a server cannot steer the file elsewhere.
    let name = Path::new(suggested)
        .file_name()
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            CliError::usage(format!(
                "{} là thư mục và dịch vụ không gợi ý tên tệp: hãy ghi rõ tên tệp",
                output.display()
            ))
        })?;
    Ok(output.join(name))
}

/// What `export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    /// The file written.
    pub output: String,
    /// Its size.
    pub bytes: u64,
    /// The name the service suggested.
    pub file_name: String,
    /// The MIME type the service gave.
    pub content_type: String,
}

/// `partyctl export`: streams ExportReport into a temporary file next to the output and renames
/// it into place only when the whole stream has arrived; on any error the temporary file is
/// removed and nothing is left at the output path.
pub async fn export(context: &Context, args: ExportArgs) -> Result<(), CliError> {
    let format = args
        .format
        .ok_or_else(|| CliError::usage("cần --format csv hoặc --format xlsx"))?;
    let output = args
        .output
        .ok_or_else(|| CliError::usage("cần --output TỆP"))?;
    let report = match report_request(args.report)? {
        ReportRequest::Exportable(report) => report,
        ReportRequest::Briefing(_) => {
            return Err(CliError::usage("bản tin tháng không xuất ra tệp được"));
        }
    };
    let request = ExportReportRequest {
        report: Some(report),
        format: format.format() as i32,
    };
    let mut reporting =
        client::reporting(&context.reporting, &context.membership, &context.security).await?;
    let mut stream = reporting.export_report(request).await?.into_inner();
    // The first chunk names the file; nothing is created before it has arrived.
    let first = stream
        .message()
        .await?
        .ok_or_else(|| CliError::Other("dịch vụ báo cáo không gửi dữ liệu nào".to_owned()))?;
    let target = target_path(&output, &first.file_name)?;
    let mut file = AtomicFile::create(&target)?;
    let progress = Progress::streamed(context.json);
    progress.set_message(first.file_name.clone());
    file.write(&first.data)?;
    progress.advance(first.data.len() as u64);
    while let Some(chunk) = stream.message().await? {
        file.write(&chunk.data)?;
        progress.advance(chunk.data.len() as u64);
    }
    drop(progress);
    let bytes = file.commit()?;
    let exported = Exported {
        output: target.display().to_string(),
        bytes,
        file_name: first.file_name,
        content_type: first.content_type,
    };
    if context.json {
        let json =
            serde_json::to_string_pretty(&exported).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{json}");
        return Ok(());
    }
    println!(
        "Đã ghi {} ({} byte, {}).",
        exported.output,
        exported.bytes,
        if exported.content_type.is_empty() {
            &exported.file_name
        } else {
            &exported.content_type
        }
    );
    Ok(())
}

/// File formats of `partyctl export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    /// CSV, UTF-8 có BOM.
    Csv,
    /// Sổ tính Excel (Office Open XML).
    Xlsx,
}

impl ExportFormatArg {
    /// The contract's value.
    pub fn format(self) -> ExportFormat {
        match self {
            Self::Csv => ExportFormat::Csv,
            Self::Xlsx => ExportFormat::Xlsx,
        }
    }
}

/// `partyctl export <báo cáo> … --format csv|xlsx --output TỆP`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Định dạng tệp: csv hoặc xlsx (bắt buộc).
    #[arg(long, value_enum, global = true)]
    pub format: Option<ExportFormatArg>,
    /// Tệp cần ghi (bắt buộc); nếu là thư mục, ghi vào đó với tên do dịch vụ gợi ý.
    #[arg(long, global = true)]
    pub output: Option<std::path::PathBuf>,
    /// Báo cáo cần xuất, với các tham số như lệnh `report` tương ứng.
    #[command(subcommand)]
    pub report: ReportCommand,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_output_takes_the_suggested_name_only() {
        let dir = std::env::temp_dir();
        let path = target_path(&dir, "../../etc/thong-ke.csv").expect("a name");
        assert_eq!(path, dir.join("thong-ke.csv"));
        let file = dir.join("no-such-dir-partyctl").join("x.csv");
        assert_eq!(target_path(&file, "").expect("a file"), file);
    }
}
