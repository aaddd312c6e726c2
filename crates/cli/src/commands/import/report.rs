//! What an import did, row by row: the counts, the problems (file, row, column, value, reason)
//! printed as a table or JSON, and the report file — every row not imported, under the template's
//! headings, with its source row, its outcome and its problems — that an office fixes and
//! imports again (the added columns are ignored on import).

use std::collections::BTreeMap;
use std::path::Path;

use partyregistry_roster::write::{BOM, push_csv_line, table_xlsx, template_headings};
use partyregistry_roster::{COLUMNS, Record, Roster};

use crate::atomic::AtomicFile;
use crate::error::CliError;
use crate::output::Table;

/// Problems the terminal shows; the report file and `--json` hold all of them.
const SHOWN_ISSUES: usize = 200;

/// Counts of one kind of row.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    /// Created, or with a dry run, would be.
    pub created: u64,
    /// Units that existed with the same values.
    pub unchanged: u64,
    /// Rows imported by an earlier run of the same file.
    pub already_imported: u64,
    /// Duplicates, in the file or of a member already stored.
    pub duplicates: u64,
    /// Rows refused.
    pub rejected: u64,
}

/// How a refused row is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Refusal {
    /// Invalid.
    Rejected,
    /// The same person as another row or a stored member.
    Duplicate,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Self::Rejected => "Bị từ chối",
            Self::Duplicate => "Trùng",
        }
    }
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// The file.
    pub file: String,
    /// The row in the file.
    pub row: usize,
    /// The column as the file heads it.
    pub column: String,
    /// The value in the cell.
    pub value: String,
    /// Why, in Vietnamese.
    pub reason: String,
    /// Rejected or duplicate.
    pub outcome: Refusal,
    /// For a duplicate within the file, the row it repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of_row: Option<usize>,
    /// The field the column holds, when the value is still to be read from the file.
    #[serde(skip)]
    pub field: Option<partyregistry_roster::Field>,
}

/// The whole import.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Nothing was written.
    pub dry_run: bool,
    /// Written nothing because a row was refused and `--all-or-nothing` was given.
    pub stopped_by_all_or_nothing: bool,
    /// Rows read.
    pub rows: u64,
    /// Members.
    pub members: Tally,
    /// Communes.
    pub communes: Tally,
    /// Cells.
    pub cells: Tally,
    /// Every problem, by file and row.
    pub issues: Vec<Issue>,
}

impl Summary {
    /// The summary as the terminal shows it.
    pub fn render(&self) -> String {
        let verb = if self.dry_run || self.stopped_by_all_or_nothing {
            "sẽ tạo"
        } else {
            "đã tạo"
        };
        let mut out = String::new();
        if self.stopped_by_all_or_nothing {
            out.push_str("Không ghi gì (--all-or-nothing): có dòng bị từ chối hoặc trùng.\n");
        } else if self.dry_run {
            out.push_str("Chạy thử (--dry-run): không ghi gì.\n");
        }
        let mut table = Table::new([
            "",
            verb,
            "không đổi",
            "đã nhập trước",
            "trùng",
            "bị từ chối",
        ]);
        for (label, tally) in [
            ("Đảng viên", &self.members),
            ("Xã", &self.communes),
            ("Chi bộ", &self.cells),
        ] {
            table.row([
                label.to_owned(),
                tally.created.to_string(),
                tally.unchanged.to_string(),
                tally.already_imported.to_string(),
                tally.duplicates.to_string(),
                tally.rejected.to_string(),
            ]);
        }
        out.push_str(&format!("Đã đọc {} dòng.\n", self.rows));
        out.push_str(&table.render());
        if !self.issues.is_empty() {
            out.push_str(&format!("\n{} lỗi:\n", self.issues.len()));
            let mut issues = Table::new(["Tệp", "Dòng", "Cột", "Giá trị", "Lý do"]);
            for issue in self.issues.iter().take(SHOWN_ISSUES) {
                issues.row([
                    issue.file.clone(),
                    issue.row.to_string(),
                    issue.column.clone(),
                    issue.value.clone(),
                    issue.reason.clone(),
                ]);
            }
            out.push_str(&issues.render());
            if self.issues.len() > SHOWN_ISSUES {
                out.push_str(&format!(
                    "… và {} lỗi nữa: xem đủ với --report TỆP hoặc --json\n",
                    self.issues.len() - SHOWN_ISSUES
                ));
            }
        }
        out
    }
}

/// A row the report repeats: its file's roster and its record.
pub struct RefusedRow<'a> {
    /// The file's name as shown.
    pub file: &'a str,
    /// The file's roster (its layout places the values).
    pub roster: &'a Roster,
    /// The record.
    pub record: &'a Record,
}

/// Writes the report file: CSV, or XLSX when the name ends in `.xlsx`.
pub fn write_report(
    path: &Path,
    rows: &[RefusedRow<'_>],
    issues: &[Issue],
) -> Result<(), CliError> {
    let mut headings: Vec<String> = template_headings().into_iter().map(str::to_owned).collect();
    headings.extend(
        ["Tệp", "Dòng gốc", "Kết quả kiểm tra", "Chi tiết lỗi"]
            .into_iter()
            .map(str::to_owned),
    );
    let mut by_row: BTreeMap<(&str, usize), Vec<&Issue>> = BTreeMap::new();
    for issue in issues {
        by_row
            .entry((issue.file.as_str(), issue.row))
            .or_default()
            .push(issue);
    }
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|refused| {
            let mut line: Vec<String> = COLUMNS
                .iter()
                .map(|column| {
                    partyregistry_roster::cells::text_of(
                        refused.roster.layout.value(refused.record, column.field),
                    )
                })
                .collect();
            let found = by_row
                .get(&(refused.file, refused.record.number))
                .cloned()
                .unwrap_or_default();
            let outcome = found
                .iter()
                .map(|i| i.outcome)
                .min()
                .unwrap_or(Refusal::Rejected);
            line.push(refused.file.to_owned());
            line.push(refused.record.number.to_string());
            line.push(outcome.label().to_owned());
            line.push(
                found
                    .iter()
                    .map(|i| format!("{} «{}»: {}", i.column, i.value, i.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            line
        })
        .collect();
    let bytes = if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        table_xlsx("Báo cáo nhập", &headings, &lines)
            .map_err(|e| CliError::Other(format!("không tạo được tệp XLSX: {e}")))?
    } else {
        let mut text = String::from(BOM);
        push_csv_line(&mut text, &headings);
        for line in &lines {
            push_csv_line(&mut text, line);
        }
        text.into_bytes()
    };
    let mut file = AtomicFile::create(path)?;
    file.write(&bytes)?;
    file.commit()?;
    Ok(())
}
