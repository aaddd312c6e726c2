//! The document model: a report as titled tables of typed cells and at most one chart, with the
//! few hints a terminal needs (captions, layout, column order, remarks) and the file formats a
//! document is exported in.
//!
//! Owns: what a document can hold and how a cell reads in a file ([`Cell::display`],
//! [`Cell::filed`]). Does not own: any report's content ([`crate::reports`]) nor any writer.

use std::fmt;

/// A report ready to be written: its tables in order and at most one chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Title of the whole report, in Vietnamese: the first line of the CSV, the workbook's
    /// title property and the terminal's heading.
    pub title: String,
    /// The heading a terminal prints instead of `title`, when it words it as a banner of its own.
    pub caption: Option<String>,
    /// Suggested file name without extension, ASCII (for example
    /// `thong-ke-provinces-15-2026-06-30`).
    pub file_stem: String,
    /// The tables, in reading order; each becomes a sheet of the workbook.
    pub tables: Vec<Table>,
    /// A chart over the columns of one table, drawn on that table's sheet (XLSX only: CSV has no
    /// way to carry it, and its data is in the table anyway).
    pub chart: Option<Chart>,
    /// Closing sentences a terminal prints under the tables. A file carries the same figures in
    /// its tables, where a spreadsheet reads them better than as prose.
    pub remarks: Vec<String>,
}

impl Document {
    /// An empty document.
    pub fn new(title: impl Into<String>, file_stem: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            caption: None,
            file_stem: file_stem.into(),
            tables: Vec::new(),
            chart: None,
            remarks: Vec::new(),
        }
    }

    /// Appends `table` and returns its index, for a [`Chart`] to refer to.
    pub fn push(&mut self, table: Table) -> usize {
        self.tables.push(table);
        self.tables.len() - 1
    }

    /// The suggested file name in `format`: the stem and the format's extension.
    pub fn file_name(&self, format: Format) -> String {
        format!("{}.{}", self.file_stem, format.extension())
    }

    /// The document as a file holds it: every cell in its [`Cell::filed`] form.
    pub fn filed(&self) -> Self {
        Self {
            tables: self.tables.iter().map(Table::filed).collect(),
            ..self.clone()
        }
    }
}

/// How a terminal lays a table out; files always write a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Headings over aligned columns.
    #[default]
    Grid,
    /// A summary of two columns, label and value: one `label: value` line per row.
    Pairs,
    /// One column of sentences (notes, reasons): one bulleted line per row.
    List,
}

/// One table: a sheet of the workbook, a titled block of the CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Name of the sheet. Excel allows at most 31 characters, none of `[]:*?/\`, unique without
    /// regard to case; the XLSX writer repairs names that break these rules (see
    /// [`sheet_names`]), so a converter may pass any short label.
    pub sheet_name: String,
    /// Title shown above the table, in Vietnamese.
    pub title: String,
    /// Column headings, in Vietnamese.
    pub headers: Vec<String>,
    /// The rows; a row shorter than the headings is padded with empty cells.
    pub rows: Vec<Vec<Cell>>,
    /// The heading a terminal prints above the table instead of `title`, when it words it
    /// differently.
    pub caption: Option<String>,
    /// How a terminal lays the table out.
    pub layout: Layout,
    /// The columns a terminal shows, in the order it shows them; `None` shows every column in
    /// order. A terminal is narrow and reads a code first; a spreadsheet can hide and move
    /// columns itself.
    pub terminal_columns: Option<Vec<usize>>,
}

impl Table {
    /// A table with `headers` and no rows yet.
    pub fn new(sheet_name: impl Into<String>, title: impl Into<String>, headers: &[&str]) -> Self {
        Self {
            sheet_name: sheet_name.into(),
            title: title.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            caption: None,
            layout: Layout::Grid,
            terminal_columns: None,
        }
    }

    /// The same table, laid out as `layout` on a terminal.
    pub fn laid_out(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// The same table under `caption` on a terminal.
    pub fn captioned(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// The same table showing only `columns`, in that order, on a terminal.
    pub fn terminal_columns(mut self, columns: &[usize]) -> Self {
        self.terminal_columns = Some(columns.to_vec());
        self
    }

    /// Appends a row.
    pub fn push_row(&mut self, row: Vec<Cell>) -> &mut Self {
        self.rows.push(row);
        self
    }

    /// The number of columns: the headings or the longest row, whichever is wider.
    pub fn width(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0)
            .max(self.headers.len())
    }

    /// The table as a file holds it: every cell in its [`Cell::filed`] form.
    pub fn filed(&self) -> Self {
        Self {
            rows: self
                .rows
                .iter()
                .map(|row| row.iter().map(Cell::filed).collect())
                .collect(),
            ..self.clone()
        }
    }
}

/// How a file words a count hidden by small-cell suppression.
pub const SUPPRESSED_LABEL: &str = "Ẩn (dưới ngưỡng)";

/// A typed value: numbers stay numbers and dates stay dates in the workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text, written as is.
    Text(String),
    /// A whole number (a count, a year).
    Integer(i64),
    /// A number with a fixed count of decimal places for display (an average, a percentage).
    /// Not-a-number and infinities are written as empty cells.
    Decimal {
        /// The value.
        value: f64,
        /// Decimal places shown.
        places: u8,
    },
    /// A calendar date.
    Date(Date),
    /// A count hidden from this reader because it is small enough to point at a person
    /// (small-cell suppression). Never written as a zero: a file says [`SUPPRESSED_LABEL`], a
    /// terminal a short mark explained under the report.
    Suppressed,
    /// A value a terminal words differently from a file: a file holds `cell`, a terminal shows
    /// `terminal` — `T1` for a month column a file calls `Tháng 1`, `75.0 %` for a share a file
    /// keeps as the number 75.0 under a `Tỷ lệ (%)` heading.
    Worded {
        /// What a file holds.
        cell: Box<Cell>,
        /// What a terminal shows.
        terminal: String,
    },
}

impl Cell {
    /// A decimal shown with `places` decimal places.
    pub fn decimal(value: f64, places: u8) -> Self {
        Self::Decimal { value, places }
    }

    /// An ISO 8601 date `YYYY-MM-DD` as a date cell; an empty string as an empty cell; anything
    /// else as text, so that nothing a report says is lost.
    pub fn date(iso: &str) -> Self {
        if iso.is_empty() {
            return Self::Empty;
        }
        match Date::parse_iso(iso) {
            Some(date) => Self::Date(date),
            None => Self::Text(iso.to_owned()),
        }
    }

    /// `cell` in a file, `terminal` on a terminal.
    pub fn worded(cell: impl Into<Cell>, terminal: impl Into<String>) -> Self {
        Self::Worded {
            cell: Box::new(cell.into()),
            terminal: terminal.into(),
        }
    }

    /// The cell as a file holds it: a suppressed count as [`SUPPRESSED_LABEL`], a worded value as
    /// its file form, anything else as it is.
    pub fn filed(&self) -> Self {
        match self {
            Self::Suppressed => Self::Text(SUPPRESSED_LABEL.to_owned()),
            Self::Worded { cell, .. } => cell.filed(),
            other => other.clone(),
        }
    }

    /// The text shown for the cell in CSV and used to size columns: dates as ISO 8601, decimals
    /// with their places and `.` as the separator.
    pub fn display(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => text.clone(),
            Self::Integer(value) => value.to_string(),
            Self::Decimal { value, places } if value.is_finite() => {
                format!("{value:.prec$}", prec = usize::from(*places))
            }
            Self::Decimal { .. } => String::new(),
            Self::Date(date) => date.to_string(),
            Self::Suppressed => SUPPRESSED_LABEL.to_owned(),
            Self::Worded { cell, .. } => cell.display(),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&String> for Cell {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Self::Integer(i64::from(value))
    }
}

impl From<Date> for Cell {
    fn from(date: Date) -> Self {
        Self::Date(date)
    }
}

/// A valid calendar date between the years 1900 and 9999 (the range a workbook can hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists and lies in 1900..=9999.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (day <= days).then_some(Self { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = text.get(range)?;
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let year = number(0..4)?;
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        Self::new(year, month, day)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How a chart series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Vertical bars.
    Column,
    /// A line through the points.
    Line,
}

/// A chart over the rows of one table: one category column (the x axis) and one or more value
/// columns. Series may mix kinds — columns of monthly admissions under a line of the target —
/// the kind of the first series being the chart's own.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Title shown above the chart, in Vietnamese.
    pub title: String,
    /// Index of the table in [`Document::tables`].
    pub table: usize,
    /// The column whose cells label the x axis.
    pub category_column: usize,
    /// The plotted columns; each series is named after its column heading.
    pub series: Vec<ChartSeries>,
    /// Name of the x axis.
    pub x_axis: String,
    /// Name of the y axis.
    pub y_axis: String,
}

/// One plotted column of a [`Chart`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSeries {
    /// The column of the table holding the values.
    pub column: usize,
    /// How the series is drawn.
    pub kind: ChartKind,
}

/// A file format of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, UTF-8 with a byte-order mark.
    Csv,
    /// An Office Open XML workbook.
    Xlsx,
}

impl Format {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_parsed_strictly() {
        assert_eq!(
            Date::parse_iso("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".to_owned())
        );
        assert_eq!(Date::parse_iso("2025-02-29"), None);
        assert_eq!(Date::parse_iso("2025-13-01"), None);
        assert_eq!(Date::parse_iso("2025-1-01"), None);
        assert_eq!(Date::parse_iso("+025-01-01"), None);
        assert_eq!(Cell::date(""), Cell::Empty);
        assert_eq!(Cell::date("không rõ"), Cell::Text("không rõ".to_owned()));
    }

    #[test]
    fn decimals_display_with_their_places() {
        assert_eq!(Cell::decimal(83.3333, 1).display(), "83.3");
        assert_eq!(Cell::decimal(50.0, 2).display(), "50.00");
        assert_eq!(Cell::decimal(f64::NAN, 1).display(), "");
        assert_eq!(Cell::from(-3_i32).display(), "-3");
    }

    #[test]
    fn suppressed_and_worded_cells_file_their_file_form() {
        assert_eq!(Cell::Suppressed.display(), "Ẩn (dưới ngưỡng)");
        let month = Cell::worded("Tháng 1", "T1");
        assert_eq!(month.display(), "Tháng 1");
        assert_eq!(month.filed(), Cell::Text("Tháng 1".to_owned()));
        assert_eq!(
            Cell::worded(Cell::decimal(75.0, 1), "75.0 %").filed(),
            Cell::decimal(75.0, 1)
        );
    }

    #[test]
    fn file_names_carry_the_format_extension() {
        let document = Document::new("Thống kê", "thong-ke-provinces-15-2026-06-30");
        assert_eq!(
            document.file_name(Format::Xlsx),
            "thong-ke-provinces-15-2026-06-30.xlsx"
        );
        assert_eq!(Format::Csv.content_type(), "text/csv; charset=utf-8");
    }
}
