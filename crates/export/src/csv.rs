//! The CSV form of a document, written by the `csv` crate: UTF-8 with a byte-order mark (so
//! spreadsheet programs do not read Vietnamese as a legacy code page), CRLF line ends and RFC 4180
//! quoting.
//!
//! Layout: the document title, a blank line, then each table as its title line, its heading line
//! and its rows, with a blank line between tables. Every row of a table has the table's width.
//! The chart has no CSV form; its numbers are in its table.

use crate::document::{Cell, Document};

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// Writes `document` as CSV.
pub fn write(document: &Document) -> Vec<u8> {
    let mut out = BOM.as_bytes().to_vec();
    // Writing into memory cannot fail; a failure would only lose the rest of the document.
    let _ = write_sections(&mut out, document);
    out
}

/// A writer for one section: title lines have one field, table lines the table's width.
fn section(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(out)
}

fn write_sections(out: &mut Vec<u8>, document: &Document) -> csv::Result<()> {
    section(out).write_record([document.title.as_str()])?;
    for table in &document.tables {
        // The blank line between tables goes around the writer, which would quote an empty
        // record.
        out.extend_from_slice(b"\r\n");
        let mut writer = section(out);
        writer.write_record([table.title.as_str()])?;
        let width = table.width();
        let mut headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
        headers.resize(width, "");
        writer.write_record(headers)?;
        for row in &table.rows {
            let mut fields: Vec<String> = row.iter().map(field_text).collect();
            fields.resize(width, String::new());
            writer.write_record(fields)?;
        }
        writer.flush()?;
    }
    Ok(())
}

/// The text of one cell. Text that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading apostrophe: names and notes come from
/// data entry, and opening an export must never execute what someone typed. Numbers are
/// written bare, so negative counts stay numbers.
fn field_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{text}")
        }
        Cell::Worded { cell, .. } => field_text(cell),
        other => other.display(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Date, Table};

    fn sample() -> Document {
        let mut document = Document::new("Thống kê đảng viên", "thong-ke");
        let mut members = Table::new("Tổng hợp", "Tổng hợp", &["Chỉ tiêu", "Số lượng"]);
        members
            .push_row(vec!["Tổng số đảng viên".into(), 172_i64.into()])
            .push_row(vec!["Nữ, trong đó \"dân tộc\"".into(), 48_i64.into()])
            .push_row(vec!["Ghi chú\nhai dòng".into()]);
        document.push(members);
        let mut cells = Table::new("Chi bộ", "Theo chi bộ", &["Chi bộ", "Ngày", "Tuổi"]);
        cells.push_row(vec![
            "Chi bộ thôn Đội Hội".into(),
            Cell::Date(Date::new(2022, 6, 30).expect("a valid date")),
            Cell::decimal(47.26, 1),
        ]);
        cells.push_row(vec![
            "=HYPERLINK(\"x\")".into(),
            Cell::Empty,
            (-2_i64).into(),
        ]);
        document.push(cells);
        document
    }

    #[test]
    fn csv_starts_with_a_bom_and_keeps_vietnamese_text() {
        let bytes = write(&sample());
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with("\u{feff}Thống kê đảng viên\r\n\r\nTổng hợp\r\n"));
        assert!(text.contains("Chi bộ thôn Đội Hội,2022-06-30,47.3\r\n"));
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let text = String::from_utf8(write(&sample())).expect("UTF-8");
        assert!(text.contains("Tổng số đảng viên,172\r\n"));
        assert!(text.contains("\"Nữ, trong đó \"\"dân tộc\"\"\",48\r\n"));
        // A short row is padded to the table's width.
        assert!(text.contains("\"Ghi chú\nhai dòng\",\r\n"));
    }

    #[test]
    fn csv_separates_tables_by_a_blank_line_under_their_titles() {
        let text = String::from_utf8(write(&sample())).expect("UTF-8");
        let lines: Vec<&str> = text.trim_start_matches(BOM).split("\r\n").collect();
        assert_eq!(lines[0], "Thống kê đảng viên");
        assert_eq!(lines[1], "");
        assert_eq!(lines[2], "Tổng hợp");
        assert_eq!(lines[3], "Chỉ tiêu,Số lượng");
        let second = lines
            .iter()
            .position(|l| *l == "Theo chi bộ")
            .expect("second table title");
        assert_eq!(lines[second - 1], "");
        assert_eq!(lines[second + 1], "Chi bộ,Ngày,Tuổi");
    }

    #[test]
    fn csv_neutralises_formulas_but_not_negative_numbers() {
        let text = String::from_utf8(write(&sample())).expect("UTF-8");
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\",,-2\r\n"));
    }

    #[test]
    fn csv_words_suppressed_counts_and_keeps_the_file_form_of_worded_cells() {
        let mut document = Document::new("Báo cáo", "bao-cao");
        let mut table = Table::new("Bảng", "Bảng", &["Tháng", "Tỷ lệ (%)", "Số"]);
        table.push_row(vec![
            Cell::worded("Tháng 1", "T1"),
            Cell::worded(Cell::decimal(75.0, 1), "75.0 %"),
            Cell::Suppressed,
        ]);
        document.push(table);
        let text = String::from_utf8(write(&document)).expect("UTF-8");
        assert!(
            text.contains("\r\nTháng 1,75.0,Ẩn (dưới ngưỡng)\r\n"),
            "{text}"
        );
    }
}
