//! Reading a roster file into its raw records: CSV (UTF-8, with or without a byte-order mark,
//! comma or semicolon, detected) or an XLSX sheet (the first, or one named). Cells keep what the
//! file holds — text, a number, an Excel date — so that the field parsers can tell a numeric
//! citizen id that lost its leading zero from a text one.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use chrono::{Duration, NaiveDate};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing.
    Empty,
    /// Text, as typed.
    Text(String),
    /// A number cell.
    Number(f64),
    /// An Excel date cell: its serial number (days since the workbook's epoch).
    Date {
        /// The serial.
        serial: f64,
        /// Whether the workbook counts from 1904.
        epoch_1904: bool,
    },
}

impl Value {
    /// The value as the report shows it: text as typed, numbers without a needless `.0`, dates as
    /// `dd/mm/yyyy`.
    pub fn display(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => text.clone(),
            Self::Number(number) => number_text(*number),
            Self::Date { serial, epoch_1904 } => date_from_serial(*serial, *epoch_1904)
                .map(|date| date.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|| number_text(*serial)),
        }
    }

    /// Whether the cell holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// A number written without a fractional part when it has none (`12345678901`, not
/// `12345678901.0`).
pub fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// An Excel date serial as a date: 1900 epoch with Excel's invented 29 February 1900, or the
/// 1904 epoch. The time of day is dropped.
pub fn date_from_serial(serial: f64, epoch_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = if epoch_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else if days == 60 {
        // 29 February 1900 does not exist; Excel shows it because Lotus 1-2-3 did.
        return None;
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_signed(Duration::days(days))
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based row number in the file (the line an office sees in its spreadsheet).
    pub number: usize,
    /// The cells, left to right.
    pub values: Vec<Value>,
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened or read.
    #[error("không đọc được tệp {path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Not UTF-8.
    #[error("tệp {path} không phải văn bản UTF-8 (hãy lưu lại dưới dạng CSV UTF-8)")]
    NotUtf8 {
        /// The file.
        path: String,
    },
    /// An extension this reader does not know.
    #[error("tệp {path}: chỉ đọc được .csv và .xlsx")]
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// The sheet named does not exist.
    #[error("tệp {path} không có trang tính «{sheet}»; các trang: {available}")]
    NoSuchSheet {
        /// The file.
        path: String,
        /// The sheet asked for.
        sheet: String,
        /// The sheets there are.
        available: String,
    },
}

/// The records of a file: a CSV parsed as it is read, or a workbook's sheet.
#[derive(Debug)]
pub enum Records {
    /// A CSV file.
    Csv(CsvRecords),
    /// A sheet, read whole (the workbook format stores it so).
    Sheet(std::vec::IntoIter<Record>),
}

impl Iterator for Records {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        match self {
            Self::Csv(records) => records.next(),
            Self::Sheet(records) => records.next(),
        }
    }
}

/// Reads the records of a roster file; `sheet` chooses an XLSX sheet (the first by default).
pub fn read_records(path: &Path, sheet: Option<&str>) -> Result<Records, SourceError> {
    let shown = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") | Some("txt") => {
            let bytes = std::fs::read(path).map_err(|error| SourceError::Io {
                path: shown.clone(),
                reason: error.to_string(),
            })?;
            let text =
                String::from_utf8(bytes).map_err(|_| SourceError::NotUtf8 { path: shown })?;
            Ok(Records::Csv(CsvRecords::new(text)))
        }
        Some("xlsx") | Some("xlsm") | Some("xls") | Some("ods") => {
            read_workbook(path, sheet).map(|records| Records::Sheet(records.into_iter()))
        }
        _ => Err(SourceError::UnknownFormat { path: shown }),
    }
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Vec<Record>, SourceError> {
    let shown = path.display().to_string();
    let io = |reason: String| SourceError::Io {
        path: shown.clone(),
        reason,
    };
    let mut workbook = open_workbook_auto(path).map_err(|error| io(error.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|name| name.as_str() == wanted || name.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .ok_or_else(|| SourceError::NoSuchSheet {
                path: shown.clone(),
                sheet: wanted.to_owned(),
                available: names.join(", "),
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| io("không có trang tính nào".to_owned()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|error| io(error.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let mut values = vec![Value::Empty; first_column];
            values.extend(cells.iter().map(value_of));
            Record {
                number: first_row + index + 1,
                values,
            }
        })
        .collect())
}

fn value_of(cell: &Data) -> Value {
    match cell {
        Data::Empty | Data::Error(_) => Value::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Value::Text(text.clone())
        }
        Data::Int(number) => Value::Number(*number as f64),
        Data::Float(number) => Value::Number(*number),
        Data::Bool(true) => Value::Text("x".to_owned()),
        Data::Bool(false) => Value::Empty,
        Data::DateTime(moment) => {
            // calamine keeps the workbook's epoch private; its own conversion reveals it.
            let (year, month, day, ..) = moment.to_ymd_hms_milli();
            let shown =
                chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day));
            let serial = moment.as_f64();
            Value::Date {
                serial,
                epoch_1904: shown.is_some() && shown != date_from_serial(serial, false),
            }
        }
    }
}

/// The delimiter of a CSV text: semicolon when the first lines hold more semicolons than commas
/// outside quotes (spreadsheets with a comma as decimal mark save so), comma otherwise.
fn delimiter(text: &str) -> char {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for c in text
        .lines()
        .take(20)
        .flat_map(|line| line.chars().chain(['\n']))
    {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { ';' } else { ',' }
}

/// Parses CSV text (RFC 4180 quoting, line breaks inside quotes kept, CRLF or LF, a leading
/// byte-order mark dropped). Record numbers count physical lines, as a spreadsheet shows them.
pub fn parse_csv(text: &str) -> Vec<Record> {
    CsvRecords::new(text.to_owned()).collect()
}

/// The records of a CSV text, parsed one at a time as they are asked for, so that a large file
/// is held as its text and the rows made of it, not also as every record at once.
#[derive(Debug)]
pub struct CsvRecords {
    text: String,
    position: usize,
    line: usize,
    separator: char,
}

impl CsvRecords {
    /// The records of `text`.
    pub fn new(mut text: String) -> Self {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let separator = delimiter(&text);
        Self {
            text,
            position: 0,
            line: 1,
            separator,
        }
    }
}

impl Iterator for CsvRecords {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let rest = self
            .text
            .get(self.position..)
            .filter(|rest| !rest.is_empty())?;
        let number = self.line;
        let mut values = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = rest.char_indices().peekable();
        let finish_field = |field: &mut String, values: &mut Vec<Value>| {
            let taken = std::mem::take(field);
            values.push(if taken.is_empty() {
                Value::Empty
            } else {
                Value::Text(taken)
            });
        };
        while let Some((offset, c)) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek().map(|(_, next)| *next) == Some('"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        self.line += 1;
                        field.push('\n');
                    }
                    other => field.push(other),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() => quoted = true,
                '\r' if chars.peek().map(|(_, next)| *next) == Some('\n') => {}
                '\n' | '\r' => {
                    finish_field(&mut field, &mut values);
                    self.position += offset + c.len_utf8();
                    self.line += 1;
                    return Some(Record { number, values });
                }
                other if other == self.separator => finish_field(&mut field, &mut values),
                other => field.push(other),
            }
        }
        self.position = self.text.len();
        finish_field(&mut field, &mut values);
        Some(Record { number, values })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(record: &Record) -> Vec<String> {
        record.values.iter().map(Value::display).collect()
    }

    #[test]
    fn csv_with_bom_and_commas_is_read() {
        let records = parse_csv("\u{feff}Họ và tên,Dân tộc\r\n\"Lò, Văn A\",Thái\r\n");
        assert_eq!(records.len(), 2);
        assert_eq!(texts(&records[0]), ["Họ và tên", "Dân tộc"]);
        assert_eq!(texts(&records[1]), ["Lò, Văn A", "Thái"]);
        assert_eq!(records[1].number, 2);
    }

    #[test]
    fn csv_with_semicolons_is_detected() {
        let records = parse_csv("Họ và tên;Ngày sinh;Ghi chú\nLò Văn A;01/02/1980;\"a; b\"\n");
        assert_eq!(texts(&records[1]), ["Lò Văn A", "01/02/1980", "a; b"]);
        assert_eq!(records[1].values.len(), 3);
    }

    #[test]
    fn quoted_line_breaks_keep_the_physical_line_numbers() {
        let records = parse_csv("A,B\n\"x\ny\",\"say \"\"hi\"\"\"\nlast,row");
        assert_eq!(texts(&records[1]), ["x\ny", "say \"hi\""]);
        assert_eq!(records[2].number, 4);
        assert_eq!(texts(&records[2]), ["last", "row"]);
    }

    #[test]
    fn xlsx_date_cells_and_numeric_ids_are_read_as_the_office_typed_them() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut workbook = Workbook::new();
        let date_format = Format::new().set_num_format("dd/mm/yyyy");
        let first = workbook.add_worksheet();
        first.set_name("Bìa").expect("a sheet name");
        first.write_string(0, 0, "Trang bìa").expect("a cell");
        let roster = workbook.add_worksheet();
        roster.set_name("Danh sách").expect("a sheet name");
        roster.write_string(0, 0, "Sinh ngày").expect("a cell");
        roster.write_string(0, 1, "Số CCCD").expect("a cell");
        let birth = ExcelDateTime::from_ymd(1985, 9, 2).expect("a date");
        roster
            .write_datetime_with_format(1, 0, &birth, &date_format)
            .expect("a cell");
        roster.write_number(1, 1, 15185000123.0).expect("a cell");
        let path = std::env::temp_dir().join(format!("roster-source-{}.xlsx", std::process::id()));
        workbook.save(&path).expect("saved");
        let records = read_records(&path, Some("Danh sách"));
        let first_sheet = read_records(&path, None);
        let missing = read_records(&path, Some("Không có"));
        std::fs::remove_file(&path).ok();
        let records: Vec<Record> = records.expect("the named sheet").collect();
        assert_eq!(records[1].values[0].display(), "02/09/1985");
        assert_eq!(
            crate::cells::parse_date(&records[1].values[0]),
            Ok(NaiveDate::from_ymd_opt(1985, 9, 2))
        );
        assert_eq!(
            crate::cells::parse_citizen_id(&records[1].values[1]),
            Ok(Some("015185000123".to_owned()))
        );
        let first_sheet: Vec<Record> = first_sheet.expect("the first sheet").collect();
        assert_eq!(first_sheet[0].values[0].display(), "Trang bìa");
        assert!(matches!(missing, Err(SourceError::NoSuchSheet { .. })));
    }

    #[test]
    fn numbers_lose_no_digits_in_display() {
        assert_eq!(Value::Number(12345678901.0).display(), "12345678901");
        assert_eq!(Value::Number(1.5).display(), "1.5");
        assert!(Value::Text("  ".into()).is_blank());
    }
}
