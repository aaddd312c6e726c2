//! The XLSX writer: one sheet per table, the table's title in row 1, bold headings in row 2
//! (frozen, so they stay visible while scrolling), the data from row 3; numbers written as
//! numbers, dates as dates (`dd/mm/yyyy`, as Vietnamese readers write them); columns sized to
//! their content; the document's chart drawn on its table's sheet, right of the data. Sheet
//! names are repaired to what Excel accepts.

use rust_xlsxwriter::{
    Chart as XlsxChart, ChartType, Color, DocProperties, ExcelDateTime, Format as CellFormat,
    FormatBorder, Workbook, Worksheet,
};

use crate::document::{Cell, Chart, ChartKind, Document, SUPPRESSED_LABEL, Table};

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workbook writer refused the content (too many rows, text too long for a cell, …).
    #[error("workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The chart refers to a table or column that does not exist.
    #[error("chart: {0}")]
    Chart(String),
}

/// Row of each table's title (zero-based).
pub const TITLE_ROW: u32 = 0;
/// Row of each table's headings.
pub const HEADER_ROW: u32 = 1;
/// First row of each table's data.
pub const FIRST_DATA_ROW: u32 = 2;

/// Narrowest and widest column, in character widths.
const MIN_COLUMN_WIDTH: usize = 8;
const MAX_COLUMN_WIDTH: usize = 60;

/// Writes `document` as an XLSX workbook.
pub fn write(document: &Document) -> Result<Vec<u8>, ExportError> {
    if let Some(chart) = &document.chart {
        check_chart(document, chart)?;
    }
    let styles = Styles::new();
    let names = sheet_names(document);
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(document.title.as_str()));

    if document.tables.is_empty() {
        // A workbook needs a sheet; an empty report still says what it is.
        let sheet = workbook.add_worksheet();
        sheet.write_string_with_format(TITLE_ROW, 0, document.title.as_str(), &styles.title)?;
    }
    for (index, (table, name)) in document.tables.iter().zip(&names).enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name.as_str())?;
        write_table(sheet, table, &styles)?;
        if let Some(chart) = document.chart.as_ref().filter(|chart| chart.table == index) {
            insert_chart(sheet, name, table, chart)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Checks that `chart` plots existing columns of an existing table.
fn check_chart(document: &Document, chart: &Chart) -> Result<(), ExportError> {
    let Some(table) = document.tables.get(chart.table) else {
        return Err(ExportError::Chart(format!(
            "table {} does not exist ({} tables)",
            chart.table,
            document.tables.len()
        )));
    };
    if chart.series.is_empty() {
        return Err(ExportError::Chart("no series".into()));
    }
    let width = table.width();
    let columns =
        std::iter::once(chart.category_column).chain(chart.series.iter().map(|s| s.column));
    for col in columns {
        if col >= width {
            return Err(ExportError::Chart(format!(
                "column {col} is outside the table ({width} columns)"
            )));
        }
    }
    Ok(())
}

struct Styles {
    title: CellFormat,
    header: CellFormat,
    date: CellFormat,
    /// Number formats for 1, 2, 3 … decimal places; index 0 is for whole numbers.
    decimals: Vec<CellFormat>,
}

impl Styles {
    fn new() -> Self {
        Self {
            title: CellFormat::new().set_bold().set_font_size(13),
            header: CellFormat::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            date: CellFormat::new().set_num_format("dd/mm/yyyy"),
            decimals: (0..=6)
                .map(|places| CellFormat::new().set_num_format(number_format(places)))
                .collect(),
        }
    }

    fn decimal(&self, places: u8) -> &CellFormat {
        let last = self.decimals.len() - 1;
        &self.decimals[usize::from(places).min(last)]
    }
}

fn number_format(places: usize) -> String {
    if places == 0 {
        "0".to_owned()
    } else {
        format!("0.{}", "0".repeat(places))
    }
}

fn write_table(sheet: &mut Worksheet, table: &Table, styles: &Styles) -> Result<(), ExportError> {
    sheet.write_string_with_format(TITLE_ROW, 0, table.title.as_str(), &styles.title)?;
    let width = table.width();
    let mut widths = vec![MIN_COLUMN_WIDTH; width];
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(
            HEADER_ROW,
            sheet_column(col),
            header.as_str(),
            &styles.header,
        )?;
        // Bold text is a little wider.
        widths[col] = widths[col].max(header.chars().count() * 11 / 10 + 2);
    }
    for (offset, row) in table.rows.iter().enumerate() {
        let row_number = sheet_row(offset);
        for (col, cell) in row.iter().enumerate() {
            write_cell(sheet, row_number, sheet_column(col), cell, styles)?;
            widths[col] = widths[col].max(cell.display().chars().count() + 2);
        }
    }
    for (col, chars) in widths.into_iter().enumerate() {
        let chars = chars.min(MAX_COLUMN_WIDTH);
        // Column widths are tiny integers; the conversion to f64 is exact.
        sheet.set_column_width(sheet_column(col), chars as f64)?;
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    styles: &Styles,
) -> Result<(), ExportError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            sheet.write_string(row, col, text.as_str())?;
        }
        Cell::Integer(value) => {
            // Counts and years: far below 2^53, exact as f64.
            sheet.write_number(row, col, *value as f64)?;
        }
        Cell::Decimal { value, places } => {
            if value.is_finite() {
                sheet.write_number_with_format(row, col, *value, styles.decimal(*places))?;
            }
        }
        Cell::Date(date) => {
            let serial = ExcelDateTime::from_ymd(date.year(), date.month(), date.day())?;
            sheet.write_datetime_with_format(row, col, &serial, &styles.date)?;
        }
        Cell::Suppressed => {
            sheet.write_string(row, col, SUPPRESSED_LABEL)?;
        }
        Cell::Worded { cell, .. } => write_cell(sheet, row, col, cell, styles)?,
    }
    Ok(())
}

/// The sheet row of a table's row `offset`. Out-of-range values saturate, and the workbook
/// writer then refuses them with its own error rather than wrapping around.
fn sheet_row(offset: usize) -> u32 {
    u32::try_from(offset)
        .unwrap_or(u32::MAX)
        .saturating_add(FIRST_DATA_ROW)
}

/// The sheet column of a table's column `index`, saturating like [`sheet_row`].
fn sheet_column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn chart_type(kind: ChartKind) -> ChartType {
    match kind {
        ChartKind::Column => ChartType::Column,
        ChartKind::Line => ChartType::Line,
    }
}

/// Draws `chart` over `table`'s rows on its sheet. Series of the first series' kind go on the
/// chart itself; series of the other kind on a combined chart sharing the axes, which is how
/// Excel draws columns under a line.
fn insert_chart(
    sheet: &mut Worksheet,
    sheet_name: &str,
    table: &Table,
    chart: &Chart,
) -> Result<(), ExportError> {
    // Checked by `check_chart`; an empty table has nothing to plot, and an empty range would
    // make the file invalid.
    let (Some(first), false) = (chart.series.first(), table.rows.is_empty()) else {
        return Ok(());
    };
    let last_row = sheet_row(table.rows.len() - 1);
    let categories = sheet_column(chart.category_column);

    let mut primary = XlsxChart::new(chart_type(first.kind));
    let mut secondary: Option<XlsxChart> = None;
    for series in &chart.series {
        let target = if series.kind == first.kind {
            &mut primary
        } else {
            secondary.get_or_insert_with(|| XlsxChart::new(chart_type(series.kind)))
        };
        let values = sheet_column(series.column);
        target
            .add_series()
            .set_name((sheet_name, HEADER_ROW, values))
            .set_categories((sheet_name, FIRST_DATA_ROW, categories, last_row, categories))
            .set_values((sheet_name, FIRST_DATA_ROW, values, last_row, values));
    }
    if let Some(secondary) = &secondary {
        primary.combine(secondary);
    }
    primary.title().set_name(chart.title.as_str());
    primary.x_axis().set_name(chart.x_axis.as_str());
    primary.y_axis().set_name(chart.y_axis.as_str());
    primary.set_width(720).set_height(360);
    sheet.insert_chart(HEADER_ROW, sheet_column(table.width() + 1), &primary)?;
    Ok(())
}

/// The longest sheet name Excel accepts, in characters.
pub const MAX_SHEET_NAME_CHARS: usize = 31;

/// The sheet names the workbook uses for `document`'s tables, in order: each table's
/// `sheet_name` without the characters Excel forbids (`[]:*?/\`, and apostrophes at either end),
/// cut to 31 characters, and made unique without regard to case by a ` (2)`, ` (3)` … suffix.
/// An empty name becomes `Bảng {n}`.
pub fn sheet_names(document: &Document) -> Vec<String> {
    let mut taken: Vec<String> = Vec::with_capacity(document.tables.len());
    let mut names = Vec::with_capacity(document.tables.len());
    for (index, table) in document.tables.iter().enumerate() {
        let cleaned: String = table
            .sheet_name
            .chars()
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => ' ',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let cleaned = cleaned.trim_matches('\'').trim();
        // "History" is reserved by Excel for its change tracking.
        let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
            format!("Bảng {}", index + 1)
        } else {
            cleaned.to_owned()
        };
        let mut candidate = truncate_chars(&base, MAX_SHEET_NAME_CHARS);
        let mut counter = 2;
        while taken.contains(&candidate.to_lowercase()) {
            let suffix = format!(" ({counter})");
            let room = MAX_SHEET_NAME_CHARS - suffix.chars().count();
            candidate = format!("{}{suffix}", truncate_chars(&base, room).trim_end());
            counter += 1;
        }
        taken.push(candidate.to_lowercase());
        names.push(candidate);
    }
    names
}

fn truncate_chars(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    // A cut may leave a trailing space or apostrophe, which Excel rejects at the end.
    cut.trim_end_matches([' ', '\'']).to_owned()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::document::{ChartSeries, Date};

    fn sample() -> Document {
        let mut document = Document::new("Tiến độ kết nạp năm 2026", "tien-do-ket-nap");
        let mut summary = Table::new("Tổng hợp", "Tổng hợp", &["Chỉ tiêu", "Giá trị"]);
        summary
            .push_row(vec!["Xã".into(), "Xã Hợp Thành".into()])
            .push_row(vec![
                "Ngày đánh giá".into(),
                Cell::Date(Date::new(2026, 6, 30).expect("a valid date")),
            ])
            .push_row(vec!["Đã kết nạp".into(), 7_i64.into()])
            .push_row(vec!["Tỷ lệ (%)".into(), Cell::decimal(58.333, 1)]);
        document.push(summary);
        let mut months = Table::new(
            "Theo tháng",
            "Kết nạp theo tháng",
            &["Tháng", "Kết nạp", "Lũy kế", "Chỉ tiêu"],
        );
        let mut cumulative = 0;
        for month in 1..=12_i64 {
            let admitted = month % 3;
            cumulative += admitted;
            months.push_row(vec![
                format!("Tháng {month}").into(),
                admitted.into(),
                cumulative.into(),
                12_i64.into(),
            ]);
        }
        let chart_table = document.push(months);
        // The same sheet name again, differing in case only: must be repaired, not rejected.
        document.push(Table::new("theo tháng", "Trống", &["Ghi chú"]));
        document.chart = Some(Chart {
            title: "Kết nạp so với chỉ tiêu".into(),
            table: chart_table,
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
            y_axis: "Đảng viên".into(),
        });
        document
    }

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("a valid workbook")
    }

    #[test]
    fn xlsx_opens_with_one_sheet_per_table() {
        let bytes = write(&sample()).expect("written");
        let workbook = open(bytes);
        assert_eq!(
            workbook.sheet_names(),
            ["Tổng hợp", "Theo tháng", "theo tháng (2)"]
        );
    }

    #[test]
    fn xlsx_keeps_headings_numbers_and_dates() {
        let mut workbook = open(write(&sample()).expect("written"));
        let summary = workbook.worksheet_range("Tổng hợp").expect("summary sheet");
        assert_eq!(
            summary.get_value((0, 0)),
            Some(&Data::String("Tổng hợp".into()))
        );
        assert_eq!(
            summary.get_value((1, 0)),
            Some(&Data::String("Chỉ tiêu".into()))
        );
        assert_eq!(
            summary.get_value((2, 1)),
            Some(&Data::String("Xã Hợp Thành".into()))
        );
        match summary.get_value((3, 1)) {
            // 46203 is 2026-06-30 as an Excel serial day.
            Some(Data::DateTime(date)) => assert_eq!(date.as_f64(), 46203.0),
            other => panic!("expected a date, got {other:?}"),
        }
        assert_eq!(summary.get_value((4, 1)), Some(&Data::Float(7.0)));
        assert_eq!(summary.get_value((5, 1)), Some(&Data::Float(58.333)));

        let months = workbook.worksheet_range("Theo tháng").expect("month sheet");
        assert_eq!(
            months.get_value((1, 2)),
            Some(&Data::String("Lũy kế".into()))
        );
        assert_eq!(
            months.get_value((13, 0)),
            Some(&Data::String("Tháng 12".into()))
        );
        // 1+2+0 per quarter, four quarters.
        assert_eq!(months.get_value((13, 2)), Some(&Data::Float(12.0)));
    }

    #[test]
    fn xlsx_carries_the_chart() {
        let bytes = write(&sample()).expect("written");
        // Zip entry names are stored uncompressed in the archive's headers.
        let holds = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
        assert!(holds(b"xl/charts/chart1.xml"));
        assert!(holds(b"xl/drawings/drawing1.xml"));
        open(bytes);
    }

    #[test]
    fn xlsx_rejects_a_chart_outside_its_table() {
        let mut document = sample();
        if let Some(chart) = document.chart.as_mut() {
            chart.series[0].column = 9;
        }
        assert!(matches!(write(&document), Err(ExportError::Chart(_))));
        if let Some(chart) = document.chart.as_mut() {
            chart.series[0].column = 1;
            chart.table = 7;
        }
        assert!(matches!(write(&document), Err(ExportError::Chart(_))));
    }

    #[test]
    fn xlsx_of_an_empty_document_is_still_a_workbook() {
        let workbook = open(write(&Document::new("Trống", "trong")).expect("written"));
        assert_eq!(workbook.sheet_names().len(), 1);
    }

    fn document_with_sheets(names: &[&str]) -> Document {
        let mut document = Document::new("Báo cáo", "bao-cao");
        for name in names {
            document.push(Table::new(*name, "Bảng", &["A"]));
        }
        document
    }

    #[test]
    fn sheet_names_are_cleaned_cut_and_unique() {
        let long = "Số đảng viên theo trình độ lý luận chính trị";
        let document = document_with_sheets(&[
            "Tổng hợp",
            "tổng hợp",
            "Tỷ lệ [%]: a/b",
            long,
            long,
            "",
            "'x'",
        ]);
        let names = sheet_names(&document);
        assert_eq!(names[0], "Tổng hợp");
        assert_eq!(names[1], "tổng hợp (2)");
        assert_eq!(names[2], "Tỷ lệ % a b");
        assert_eq!(names[3], "Số đảng viên theo trình độ lý l");
        assert_eq!(names[4], "Số đảng viên theo trình độ (2)");
        assert_eq!(names[5], "Bảng 6");
        assert_eq!(names[6], "x");
        for name in &names {
            assert!(name.chars().count() <= MAX_SHEET_NAME_CHARS, "{name}");
        }
    }
}
