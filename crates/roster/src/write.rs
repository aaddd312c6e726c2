//! Files in the template's layout: CSV lines (UTF-8 with a byte-order mark, RFC 4180 quoting),
//! an XLSX sheet of text cells, and the import template itself — the headings, an example row
//! of a synthetic person and a sheet that explains every column.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::columns::COLUMNS;

/// The UTF-8 byte-order mark that tells spreadsheet programs the encoding.
pub const BOM: &str = "\u{feff}";

/// Appends one CSV line (CRLF) to `out`. A field holding a comma, a quote or a line break is
/// quoted; text a spreadsheet would run as a formula gets a leading apostrophe, which the reader
/// drops again.
pub fn push_csv_line<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let field = field.as_ref();
        let guarded;
        let field = if field.starts_with(['=', '+', '@']) {
            guarded = format!("'{field}");
            guarded.as_str()
        } else {
            field
        };
        if field.contains([',', ';', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// The template's heading row.
pub fn template_headings() -> Vec<&'static str> {
    COLUMNS.iter().map(|column| column.heading).collect()
}

/// A workbook with one sheet of text: bold frozen headings, then the rows. Every cell is text,
/// so that ids keep their leading zeros when the office opens and saves the file.
pub fn table_xlsx(
    sheet_name: &str,
    headings: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (col, heading) in headings.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, heading.as_str(), &bold)?;
        sheet.set_column_width(col, (heading.chars().count().clamp(10, 30) + 2) as f64)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (col, value) in row.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            sheet.write_string_with_format(line, col, value.as_str(), &text)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// The import template: a sheet with the headings and the example row, and a sheet "Hướng dẫn"
/// with each column's heading, other accepted headings, format and requirement.
pub fn template_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let text = Format::new().set_num_format("@");
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Danh sách đảng viên")?;
    for (index, column) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(index).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, column.heading, &bold)?;
        sheet.write_string_with_format(1, col, column.example, &text)?;
        sheet.set_column_width(
            col,
            (column.heading.chars().count().clamp(12, 30) + 2) as f64,
        )?;
        // Whole columns as text: ids and dates typed later keep their zeros and their form.
        sheet.set_column_format(col, &text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let guide = workbook.add_worksheet();
    guide.set_name("Hướng dẫn")?;
    for (col, (title, width)) in [
        ("Cột", 6.0),
        ("Tiêu đề", 30.0),
        ("Tiêu đề khác được nhận", 45.0),
        ("Định dạng", 60.0),
        ("Bắt buộc", 16.0),
        ("Ví dụ", 24.0),
    ]
    .into_iter()
    .enumerate()
    {
        let col = col as u16;
        guide.write_string_with_format(0, col, title, &bold)?;
        guide.set_column_width(col, width)?;
    }
    for (index, column) in COLUMNS.iter().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        guide.write_number(line, 0, (index + 1) as f64)?;
        guide.write_string(line, 1, column.heading)?;
        guide.write_string_with_format(line, 2, column.aliases.join("; "), &wrap)?;
        guide.write_string_with_format(line, 3, column.format, &wrap)?;
        guide.write_string(line, 4, column.requirement.label())?;
        guide.write_string_with_format(line, 5, column.example, &text)?;
    }
    guide.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// The template's columns as a Markdown table, the one `docs/import-template.md` shows (a test
/// keeps the two equal).
pub fn template_markdown_table() -> String {
    let mut out = String::from(
        "| # | Tiêu đề | Tiêu đề khác được nhận | Định dạng | Bắt buộc | Ví dụ |\n|---|---|---|---|---|---|\n",
    );
    for (index, column) in COLUMNS.iter().enumerate() {
        let aliases = if column.aliases.is_empty() {
            "—".to_owned()
        } else {
            column.aliases.join("; ")
        };
        let example = if column.example.is_empty() {
            String::new()
        } else {
            format!("`{}`", column.example)
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            index + 1,
            column.heading,
            aliases,
            column.format.replace('|', "\\|"),
            column.requirement.label(),
            example
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReadOptions;
    use crate::heading::Mapping;
    use crate::source::{Value, parse_csv};
    use partyregistry_vocab::date;

    #[test]
    fn the_documentation_shows_the_columns_of_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/import-template.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        let table = template_markdown_table();
        assert!(
            doc.contains(&table),
            "docs/import-template.md must hold the table of the columns:\n{table}"
        );
    }

    #[test]
    fn csv_lines_quote_and_guard() {
        let mut out = String::new();
        push_csv_line(&mut out, &["a,b", "say \"x\"", "=1+1", "plain"]);
        assert_eq!(out, "\"a,b\",\"say \"\"x\"\"\",'=1+1,plain\r\n");
        let records = parse_csv(&out);
        assert_eq!(records[0].values[0], Value::Text("a,b".into()));
    }

    #[test]
    fn the_template_reads_back_as_one_valid_row() {
        let bytes = template_xlsx().expect("the template is written");
        let path = std::env::temp_dir().join(format!("mau-nhap-{}.xlsx", std::process::id()));
        std::fs::write(&path, bytes).expect("a temporary file");
        let mapping = Mapping::default();
        let options = ReadOptions {
            sheet: None,
            mapping: &mapping,
            today: date::parse("2026-12-03").expect("a test date"),
        };
        let roster = crate::read_roster(&path, &options);
        let guide = crate::source::read_records(&path, Some("Hướng dẫn"));
        std::fs::remove_file(&path).ok();
        let roster = roster.expect("the template is a roster");
        assert!(roster.problems.is_empty(), "{:?}", roster.problems);
        assert_eq!(roster.rows.len(), 1);
        assert_eq!(roster.rows[0].full_name, "Nguyễn Thị Mẫu");
        assert_eq!(roster.rows[0].citizen_id.as_deref(), Some("015185000123"));
        let guide: Vec<crate::source::Record> = guide.expect("the guide sheet is there").collect();
        assert_eq!(guide.len(), COLUMNS.len() + 1);
        assert_eq!(guide[1].values[1], Value::Text("ID".into()));
    }
}
