//! Roster files, the way provincial offices keep them, as plain Rust: reading a CSV or XLSX roster
//! into typed rows ([`read_roster`]) with a problem for every cell that cannot be read, the row
//! checks of the rules and the duplicates within a file; and writing the import template and the
//! files that use its layout (the generator's rosters, the import report an office fixes and
//! imports again).
//!
//! # Layout
//! - [`columns`]: the template's columns as data — headings, aliases, formats, requirement.
//! - [`heading`]: heading normalisation and matching, an office's own mapping.
//! - [`source`]: raw records of a CSV or an XLSX sheet.
//! - [`cells`]: one cell into a typed value (dates, ids, reference values, status, badges).
//! - [`row`]: one record into a [`RosterRow`] or its problems.
//! - [`checks`]: the checks across a row's dates and the rules.
//! - [`duplicates`]: the same person twice in a file.
//! - [`write`]: CSV and XLSX output in the template's layout; the template itself.
//!
//! Knows no transport, no storage and no contract: callers turn rows into requests.

pub mod cells;
pub mod checks;
pub mod columns;
pub mod duplicates;
pub mod heading;
pub mod row;
pub mod source;
pub mod write;

use std::collections::HashSet;
use std::path::Path;

use partyregistry_rules::RuleTable;
use partyregistry_vocab::date::Date;

pub use cells::{Badge, CellKind, Departure, Gap, Gender, Standing};
pub use columns::{COLUMNS, Field, Requirement};
pub use duplicates::Duplicate;
pub use heading::{HeadingMatcher, Mapping, MappingError};
pub use row::{Layout, Problem, RosterRow};
pub use source::{Record, SourceError, Value};

use crate::columns::column;
use crate::heading::ColumnUse;

/// How to read a roster.
#[derive(Debug, Clone)]
pub struct ReadOptions<'a> {
    /// The XLSX sheet; the first when `None`.
    pub sheet: Option<&'a str>,
    /// An office's own headings.
    pub mapping: &'a Mapping,
    /// The day dates in the future are counted from.
    pub today: Date,
}

/// Why a file could not be read as a roster at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file itself.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// No row looks like a heading row.
    #[error(
        "không tìm thấy dòng tiêu đề trong {rows} dòng đầu (cần ít nhất 3 cột như «Họ và tên», «Sinh ngày», «Chi bộ»)"
    )]
    NoHeading {
        /// How many rows were searched.
        rows: usize,
    },
    /// Required columns are missing.
    #[error("thiếu cột bắt buộc: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
}

/// A roster read from a file.
#[derive(Debug, Clone)]
pub struct Roster {
    /// Where the fields are.
    pub layout: Layout,
    /// How many records below the heading row hold data.
    pub data_rows: usize,
    /// The records of the rows refused for their cells or the rules, in file order: the report
    /// repeats them. (The records of other rows are not kept; [`reread_records`] finds them.)
    pub records: Vec<Record>,
    /// The rows to import: readable, passing the checks, not duplicates.
    pub rows: Vec<RosterRow>,
    /// Problems of the rows that cannot be imported, in row order.
    pub problems: Vec<Problem>,
    /// Rows repeating an earlier row.
    pub duplicates: Vec<Duplicate>,
    /// Headings of columns nothing reads.
    pub unknown_columns: Vec<String>,
}

impl Roster {
    /// The record of a row number.
    pub fn record(&self, row_number: usize) -> Option<&Record> {
        self.records
            .binary_search_by_key(&row_number, |record| record.number)
            .ok()
            .and_then(|index| self.records.get(index))
    }

    /// Rows refused here: with problems, or duplicates.
    pub fn refused_rows(&self) -> HashSet<usize> {
        self.problems
            .iter()
            .map(|p| p.row_number)
            .chain(self.duplicates.iter().map(|d| d.row_number))
            .collect()
    }
}

/// Reads a roster file: finds the heading row, parses every data row, checks it, and sets
/// aside duplicates.
pub fn read_roster(path: &Path, options: &ReadOptions<'_>) -> Result<Roster, ReadError> {
    let records = source::read_records(path, options.sheet)?;
    roster_from_records(records, options)
}

/// [`read_roster`] over records, taken one at a time.
pub fn roster_from_records(
    records: impl IntoIterator<Item = Record>,
    options: &ReadOptions<'_>,
) -> Result<Roster, ReadError> {
    let matcher = HeadingMatcher::new(options.mapping);
    let texts =
        |record: &Record| -> Vec<String> { record.values.iter().map(Value::display).collect() };
    let mut records = records.into_iter();
    let top: Vec<Record> = records
        .by_ref()
        .take(heading::HEADING_SEARCH_ROWS)
        .collect();
    let first: Vec<Vec<String>> = top.iter().map(texts).collect();
    let heading_index = matcher
        .heading_row(&first)
        .ok_or(ReadError::NoHeading { rows: first.len() })?;
    let headings = first[heading_index].clone();
    let uses = matcher.uses(&headings);
    let layout = Layout::new(headings.clone(), &uses);
    let missing: Vec<String> = COLUMNS
        .iter()
        .filter(|c| c.requirement == Requirement::Required && !layout.has(c.field))
        .map(|c| format!("«{}»", c.heading))
        .collect();
    if !missing.is_empty() {
        return Err(ReadError::MissingColumns(missing));
    }
    let unknown_columns = headings
        .iter()
        .zip(&uses)
        .filter(|(heading, used)| **used == ColumnUse::Unknown && !heading.trim().is_empty())
        .map(|(heading, _)| heading.clone())
        .collect();
    let rules = RuleTable::reference();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut refused = Vec::new();
    let mut read = 0;
    let mut memo = cells::ReferenceMemo::default();
    let data = top
        .into_iter()
        .skip(heading_index + 1)
        .chain(records)
        .filter(|record| row::holds_data(record) && !row::is_column_numbers(record));
    // Each record is dropped once it is a row: a province's file is held once, as rows.
    for record in data {
        read += 1;
        let found = match row::parse_record(&layout, &mut memo, &record) {
            Ok(parsed) => {
                let found = checks::check_row(&parsed, &layout, &rules, options.today);
                if found.is_empty() {
                    rows.push(parsed);
                }
                found
            }
            Err(found) => found,
        };
        if !found.is_empty() {
            problems.extend(found);
            refused.push(record);
        }
    }
    let duplicates = duplicates::find_duplicates(&rows);
    let repeated: HashSet<usize> = duplicates.iter().map(|d| d.row_number).collect();
    rows.retain(|row| !repeated.contains(&row.row_number));
    Ok(Roster {
        layout,
        data_rows: read,
        records: refused,
        rows,
        problems,
        duplicates,
        unknown_columns,
    })
}

/// The records of `rows` (row numbers) of a roster file, read again: for the report of rows the
/// service refused, whose records the [`Roster`] did not keep.
pub fn reread_records(
    path: &Path,
    sheet: Option<&str>,
    rows: &HashSet<usize>,
) -> Result<Vec<Record>, SourceError> {
    Ok(source::read_records(path, sheet)?
        .filter(|record| rows.contains(&record.number))
        .collect())
}

/// The template heading of a field.
pub fn heading_of(field: Field) -> &'static str {
    column(field).heading
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_csv;
    use partyregistry_vocab::date;

    fn options(mapping: &Mapping) -> ReadOptions<'_> {
        ReadOptions {
            sheet: None,
            mapping,
            today: date::parse("2026-12-03").expect("a test date"),
        }
    }

    #[test]
    fn a_messy_file_reads_with_its_problems_and_duplicates() {
        let text = "\u{feff}DANH SÁCH ĐẢNG VIÊN;;;;;;;;;\n\
            STT;Mã xã;Chi bộ;Họ và tên *;Giới tính;Sinh ngày * (dd/mm/yyyy);Dân tộc;Số CCCD;Văn hóa;Ngày kết nạp;Sở thích\n\
            1;2;3;4;5;6;7;8;9;10;11\n\
            1;02680;Tượng 1;Lò Văn An;Nam;01/02/1980;Thái;015080000001;12/12;01/06/2005;cờ\n\
            2;02680;Tượng 1;Lò Thị Bình;Nữ;31/02/1981;Thái;015081000002;12/12;01/06/2005;\n\
            3;02680;Tượng 1;Lò Văn Cường;Nam;01/02/1982;Thái;015080000001;12/12;01/06/2005;\n\
            4;02680;Tượng 2;Vàng Seo Dình;Nam;01/02/1990;Sao Hỏa;;9/12;01/06/2007;\n\
            \n\
            ;;;T/M ĐẢNG ỦY;;;;;;;\n";
        let mapping = Mapping::default();
        let roster = roster_from_records(parse_csv(text), &options(&mapping)).expect("a roster");
        assert_eq!(roster.rows.len(), 1);
        assert_eq!(roster.rows[0].row_number, 4);
        let problems: Vec<(usize, &str)> = roster
            .problems
            .iter()
            .map(|p| (p.row_number, p.column.as_str()))
            .collect();
        assert_eq!(problems, [(5, "Sinh ngày * (dd/mm/yyyy)"), (7, "Dân tộc")]);
        assert_eq!(roster.duplicates.len(), 1);
        assert_eq!(
            (
                roster.duplicates[0].row_number,
                roster.duplicates[0].first_row
            ),
            (6, 4)
        );
        assert_eq!(roster.unknown_columns, ["Sở thích"]);
        assert_eq!(roster.refused_rows().len(), 3);
        assert!(roster.record(5).is_some(), "a refused row's record is kept");
        assert!(roster.record(4).is_none(), "a good row's record is not");
        assert_eq!(roster.data_rows, 4);
    }

    #[test]
    fn missing_required_columns_are_named() {
        let mapping = Mapping::default();
        let text = "Họ và tên,Sinh ngày,Dân tộc\nLò Văn An,01/02/1980,Thái\n";
        let error = roster_from_records(parse_csv(text), &options(&mapping))
            .expect_err("no commune or cell");
        let message = error.to_string();
        assert!(
            message.contains("«Mã xã»") && message.contains("«Chi bộ»"),
            "{message}"
        );
        let error = roster_from_records(parse_csv("a,b\n1,2\n"), &options(&mapping))
            .expect_err("no heading");
        assert!(matches!(error, ReadError::NoHeading { .. }));
    }
}
