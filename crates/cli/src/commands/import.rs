//! `partyctl import FILE…`: reads rosters (XLSX or CSV), refuses locally what cannot be read,
//! fails the rules or repeats a row, and sends the rest to ImportRoster in batches, each with the
//! communes and cells its members name. The import id is derived from the file's content (and the
//! sheet and mapping used), so running the same file again creates nothing twice and an
//! interrupted import resumes: the batches already committed answer ALREADY_IMPORTED.
//! `--template FILE.xlsx` writes the import template instead.
//!
//! - [`request`]: rows into batches, and the server's field paths back to the file's columns.
//! - [`report`]: the counts, the problems and the report file.

pub mod report;
pub mod request;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::{
    GetCommuneRequest, ImportOutcome, ImportRosterResponse, ListCellsRequest,
};
use partyregistry_roster::cells::text_of;
use partyregistry_roster::{Mapping, ReadOptions, Record, Roster, read_roster, reread_records};
use partyregistry_vocab::date;
use partyregistry_vocab::names;
use tonic::Code;

use super::Context;
use crate::atomic::AtomicFile;
use crate::client;
use crate::error::CliError;
use crate::progress::Progress;
use report::{Issue, Refusal, RefusedRow, Summary, Tally};
use request::{Units, batches, field_of_path};

/// `partyctl import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Các tệp danh sách (.xlsx hoặc .csv).
    #[arg(required_unless_present = "template")]
    pub files: Vec<PathBuf>,
    /// Ghi tệp mẫu nhập liệu (XLSX) vào đường dẫn này rồi dừng.
    #[arg(long, conflicts_with = "files")]
    pub template: Option<PathBuf>,
    /// Trang tính cần đọc (mặc định: trang đầu tiên).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Tệp ánh xạ tiêu đề riêng của đơn vị: mỗi dòng «tiêu đề = trường».
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Chỉ kiểm tra: không ghi gì.
    #[arg(long)]
    pub dry_run: bool,
    /// Chạy thử trước; không ghi gì nếu có dòng bị từ chối hoặc trùng.
    #[arg(long)]
    pub all_or_nothing: bool,
    /// Ghi các dòng không nhập được ra tệp (.csv hoặc .xlsx) để sửa và nhập lại.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Số đảng viên mỗi lô (tối đa 5000: một lô phải dưới giới hạn 4 MB của một lời gọi gRPC).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=5_000))]
    pub batch: u64,
}

/// One file read.
struct FileRoster {
    path: PathBuf,
    shown: String,
    import_id: String,
    roster: Roster,
}

/// The import id of a file: a digest of its bytes, the sheet and the mapping.
fn import_id(bytes: &[u8], sheet: Option<&str>, mapping: &str) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    context.update(bytes);
    context.update(b"\0sheet\0");
    context.update(sheet.unwrap_or_default().as_bytes());
    context.update(b"\0mapping\0");
    context.update(mapping.as_bytes());
    let digest = context.finish();
    format!("roster-{}", hex::encode(&digest.as_ref()[..16]))
}

/// `partyctl import`: runs [`execute`] and prints what happened.
pub async fn run(context: &Context, args: ImportArgs) -> Result<(), CliError> {
    let Some(done) = execute(context, &args).await? else {
        if let Some(path) = &args.template
            && !context.json
        {
            println!("Đã ghi tệp mẫu {}", path.display());
        }
        return Ok(());
    };
    if context.json {
        let text = serde_json::to_string_pretty(&done.summary)
            .map_err(|e| CliError::Other(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", done.summary.render());
        for (file, columns) in &done.unknown_columns {
            println!("{file}: bỏ qua các cột không dùng: {}", columns.join(", "));
        }
    }
    Ok(())
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Counts and problems.
    pub summary: Summary,
    /// Per file, the headings of the columns nothing read.
    pub unknown_columns: Vec<(String, Vec<String>)>,
}

/// Writes the template (`None`), or imports the files and writes the report.
pub async fn execute(context: &Context, args: &ImportArgs) -> Result<Option<Imported>, CliError> {
    if let Some(path) = &args.template {
        let bytes = partyregistry_roster::write::template_xlsx()
            .map_err(|e| CliError::Other(format!("không tạo được tệp mẫu: {e}")))?;
        let mut file = AtomicFile::create(path)?;
        file.write(&bytes)?;
        file.commit()?;
        return Ok(None);
    }
    let mapping_text = match &args.mapping {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("--mapping {}: {e}", path.display())))?,
        None => String::new(),
    };
    let mapping =
        Mapping::parse(&mapping_text).map_err(|e| CliError::usage(format!("--mapping: {e}")))?;
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        mapping: &mapping,
        today: date::today_in_vietnam(),
    };
    let mut files = Vec::new();
    for path in &args.files {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::usage(format!("không đọc được {shown}: {e}")))?;
        let roster =
            read_roster(path, &options).map_err(|e| CliError::usage(format!("{shown}: {e}")))?;
        files.push(FileRoster {
            import_id: import_id(&bytes, args.sheet.as_deref(), &mapping_text),
            path: path.clone(),
            shown,
            roster,
        });
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    let watcher = {
        let interrupted = interrupted.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::SeqCst);
            }
        })
    };
    let result = import_files(context, args, &files, &interrupted).await;
    watcher.abort();
    let mut summary = result?;
    // The records of rows refused by the service, or repeating another, were not kept: read
    // them again for their values and the report.
    let mut reread: Vec<Vec<Record>> = Vec::with_capacity(files.len());
    for file in &files {
        let missing: HashSet<usize> = summary
            .issues
            .iter()
            .filter(|issue| issue.file == file.shown && file.roster.record(issue.row).is_none())
            .map(|issue| issue.row)
            .collect();
        if missing.is_empty() {
            reread.push(Vec::new());
            continue;
        }
        let records = reread_records(&file.path, args.sheet.as_deref(), &missing)
            .map_err(|e| CliError::Other(e.to_string()))?;
        for issue in summary.issues.iter_mut().filter(|i| i.file == file.shown) {
            if let (Some(field), Ok(at)) = (
                issue.field.take(),
                records.binary_search_by_key(&issue.row, |r| r.number),
            ) {
                issue.value = text_of(file.roster.layout.value(&records[at], field));
            }
        }
        reread.push(records);
    }
    if let Some(path) = &args.report {
        let refused: HashSet<(&str, usize)> = summary
            .issues
            .iter()
            .map(|issue| (issue.file.as_str(), issue.row))
            .collect();
        let mut rows: Vec<RefusedRow<'_>> = files
            .iter()
            .zip(&reread)
            .flat_map(|(file, again)| {
                file.roster
                    .records
                    .iter()
                    .chain(again)
                    .filter(|record| refused.contains(&(file.shown.as_str(), record.number)))
                    .map(move |record| RefusedRow {
                        file: &file.shown,
                        roster: &file.roster,
                        record,
                    })
            })
            .collect();
        rows.sort_by(|a, b| {
            a.file
                .cmp(b.file)
                .then(a.record.number.cmp(&b.record.number))
        });
        report::write_report(path, &rows, &summary.issues)?;
    }
    Ok(Some(Imported {
        summary,
        unknown_columns: files
            .iter()
            .filter(|file| !file.roster.unknown_columns.is_empty())
            .map(|file| (file.shown.clone(), file.roster.unknown_columns.clone()))
            .collect(),
    }))
}

/// Runs the import (with `--all-or-nothing`, a dry run first), and returns what happened.
async fn import_files(
    context: &Context,
    args: &ImportArgs,
    files: &[FileRoster],
    interrupted: &AtomicBool,
) -> Result<Summary, CliError> {
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let mut dry_run = args.dry_run || args.all_or_nothing;
    loop {
        let mut summary = Summary {
            dry_run,
            ..Summary::default()
        };
        let total: u64 = files.iter().map(|f| f.roster.rows.len() as u64).sum();
        let progress = Progress::counted(total, "đảng viên", context.json);
        progress.set_message(if dry_run { "Kiểm tra" } else { "Nhập" });
        for file in files {
            local_issues(file, &mut summary);
            let mut units = Units::of(&file.roster.rows);
            look_up_stored_units(&mut membership, &mut units).await?;
            let (stored_communes, stored_cells) = units.stored_counts();
            summary.communes.unchanged += stored_communes;
            summary.cells.unchanged += stored_cells;
            let requests = batches(
                &file.import_id,
                &file.roster.rows,
                &units,
                args.batch as usize,
                dry_run,
            );
            let mut units_seen = UnitsSeen::default();
            for request in requests {
                if interrupted.load(Ordering::SeqCst) {
                    return Err(interruption());
                }
                let members = request.members.len() as u64;
                let sent = request.clone();
                let answer = tokio::select! {
                    answer = membership.import_roster(request) => answer?.into_inner(),
                    _ = wait_for(interrupted) => return Err(interruption()),
                };
                tally(file, &sent, &answer, &mut summary, &mut units_seen);
                progress.advance(members);
            }
            units_seen.add_to(&mut summary);
        }
        let refused = summary.members.rejected
            + summary.members.duplicates
            + summary.communes.rejected
            + summary.cells.rejected;
        if args.all_or_nothing && !args.dry_run && dry_run {
            if refused > 0 {
                summary.stopped_by_all_or_nothing = true;
                return Ok(summary);
            }
            dry_run = false;
            continue;
        }
        return Ok(summary);
    }
}

/// Marks the communes and cells of `units` the service already holds (those the caller may see).
async fn look_up_stored_units(
    membership: &mut MembershipServiceClient<Transport>,
    units: &mut Units,
) -> Result<(), CliError> {
    let codes: Vec<String> = units.commune_codes().map(str::to_owned).collect();
    for code in codes {
        let found = membership
            .get_commune(GetCommuneRequest {
                name: names::commune(&code),
            })
            .await;
        match found {
            Ok(_) => units.commune_stored(&code),
            Err(status) if matches!(status.code(), Code::NotFound | Code::PermissionDenied) => {
                continue;
            }
            Err(status) => return Err(status.into()),
        }
        let mut page_token = String::new();
        loop {
            let page = membership
                .list_cells(ListCellsRequest {
                    parent: names::commune(&code),
                    page_size: 500,
                    page_token,
                    filter: String::new(),
                })
                .await?
                .into_inner();
            for cell in &page.cells {
                units.cell_stored(&code, &cell.display_name);
            }
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
    }
    Ok(())
}

async fn wait_for(flag: &AtomicBool) {
    while !flag.load(Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn interruption() -> CliError {
    CliError::Other(
        "đã dừng theo yêu cầu (Ctrl-C): các lô đã ghi được giữ lại; chạy lại đúng lệnh này để nhập tiếp".to_owned(),
    )
}

/// The rows refused before anything is sent: unreadable, against the rules, duplicates.
fn local_issues(file: &FileRoster, summary: &mut Summary) {
    summary.rows += file.roster.data_rows as u64;
    let mut rejected = HashSet::new();
    for problem in &file.roster.problems {
        rejected.insert(problem.row_number);
        summary.issues.push(Issue {
            file: file.shown.clone(),
            row: problem.row_number,
            column: problem.column.clone(),
            value: problem.value.clone(),
            reason: problem.reason.clone(),
            outcome: Refusal::Rejected,
            duplicate_of_row: None,
            field: None,
        });
    }
    summary.members.rejected += rejected.len() as u64;
    for duplicate in &file.roster.duplicates {
        summary.members.duplicates += 1;
        summary.issues.push(Issue {
            file: file.shown.clone(),
            row: duplicate.row_number,
            column: file.roster.layout.heading(duplicate.field),
            value: duplicate.value.clone(),
            reason: duplicate.reason.clone(),
            outcome: Refusal::Duplicate,
            duplicate_of_row: Some(duplicate.first_row),
            field: None,
        });
    }
}

/// The best outcome seen for each unit over the batches (a unit travels with every batch that
/// names it; it is created once).
#[derive(Default)]
struct UnitsSeen {
    communes: std::collections::HashMap<String, ImportOutcome>,
    cells: std::collections::HashMap<String, ImportOutcome>,
}

impl UnitsSeen {
    fn note(
        map: &mut std::collections::HashMap<String, ImportOutcome>,
        key: String,
        outcome: ImportOutcome,
    ) {
        let entry = map.entry(key).or_insert(outcome);
        if outcome == ImportOutcome::Created {
            *entry = outcome;
        }
    }

    fn add_to(self, summary: &mut Summary) {
        for (map, tally) in [
            (self.communes, &mut summary.communes),
            (self.cells, &mut summary.cells),
        ] {
            for outcome in map.into_values() {
                count(tally, outcome);
            }
        }
    }
}

fn count(tally: &mut Tally, outcome: ImportOutcome) {
    match outcome {
        ImportOutcome::Created => tally.created += 1,
        ImportOutcome::Unchanged => tally.unchanged += 1,
        ImportOutcome::AlreadyImported => tally.already_imported += 1,
        ImportOutcome::Duplicate => tally.duplicates += 1,
        ImportOutcome::Rejected => tally.rejected += 1,
        ImportOutcome::Unspecified => {}
    }
}

/// Reads one answer: results come communes first, then cells, then members, in request order.
fn tally(
    file: &FileRoster,
    sent: &partyregistry_proto::membership::v1::ImportRosterRequest,
    answer: &ImportRosterResponse,
    summary: &mut Summary,
    units: &mut UnitsSeen,
) {
    let communes = sent.communes.len();
    let cells = sent.cells.len();
    for (index, result) in answer.results.iter().enumerate() {
        let outcome = result.outcome();
        if index < communes {
            let key = sent.communes[index].code.clone();
            UnitsSeen::note(&mut units.communes, key, outcome);
        } else if index < communes + cells {
            let cell = &sent.cells[index - communes];
            UnitsSeen::note(
                &mut units.cells,
                format!("{}/{}", cell.commune_code, cell.display_name),
                outcome,
            );
        } else {
            count(&mut summary.members, outcome);
        }
        if matches!(outcome, ImportOutcome::Rejected | ImportOutcome::Duplicate) {
            let row = result.row_number.max(0) as usize;
            let record = file.roster.record(row);
            let refusal = if outcome == ImportOutcome::Duplicate {
                Refusal::Duplicate
            } else {
                Refusal::Rejected
            };
            let problems = if result.problems.is_empty() {
                vec![Default::default()]
            } else {
                result.problems.clone()
            };
            for problem in problems {
                let field = field_of_path(&problem.field);
                let column = field.map_or_else(
                    || problem.field.clone(),
                    |field| file.roster.layout.heading(field),
                );
                let value = match (field, record) {
                    (Some(field), Some(record)) => text_of(file.roster.layout.value(record, field)),
                    _ => String::new(),
                };
                let reason = if problem.reason.is_empty() && outcome == ImportOutcome::Duplicate {
                    "trùng với một đảng viên đã có".to_owned()
                } else {
                    problem.reason
                };
                summary.issues.push(Issue {
                    file: file.shown.clone(),
                    row,
                    column,
                    value,
                    reason,
                    outcome: refusal,
                    duplicate_of_row: (result.duplicate_of_row > 0)
                        .then_some(result.duplicate_of_row as usize),
                    field: field.filter(|_| record.is_none()),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_import_id_follows_the_content_the_sheet_and_the_mapping() {
        let id = import_id(b"a,b\n", None, "");
        assert_eq!(id, import_id(b"a,b\n", None, ""));
        assert!(id.starts_with("roster-") && id.len() <= 100);
        assert_ne!(id, import_id(b"a,b\n\n", None, ""));
        assert_ne!(id, import_id(b"a,b\n", Some("Trang 2"), ""));
        assert_ne!(id, import_id(b"a,b\n", None, "x = full_name"));
    }
}
