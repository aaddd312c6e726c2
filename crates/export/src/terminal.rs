//! The terminal writer: a document as the plain text `partyctl` prints — the heading, each table
//! under its heading (aligned columns, `label: value` lines or a bulleted list, as the table's
//! [`Layout`] says), the remarks, and the note explaining the suppression mark when a count is
//! hidden.
//!
//! Widths are display columns of the NFC form, never bytes: "Nguyễn" is six columns wide although
//! it takes nine bytes in UTF-8, text typed in NFD would otherwise count its combining marks as
//! columns, and a wide (CJK) character takes two. Columns are laid out by comfy-table.
//!
//! Owns: how a document reads on a terminal. Does not own: what it says (the document does, for
//! files and terminal alike).

use comfy_table::{ContentLineStyle, LineStyle, TableStyle};
use partyregistry_vocab::text;
use unicode_width::UnicodeWidthStr;

use crate::document::{Cell, Document, Layout, Table};

/// How a terminal shows a count hidden by small-cell suppression.
pub const SUPPRESSED_MARK: &str = "ẩn*";

/// The line under a report that shows [`SUPPRESSED_MARK`].
pub const SUPPRESSED_NOTE: &str =
    "* ẩn: số quá nhỏ, có thể làm lộ người cụ thể; cần quyền xem hồ sơ (records) để thấy số thật.";

/// How a terminal shows a cell with nothing in it, so that "not set" is visible.
pub const NOTHING: &str = "—";

/// What a terminal prints for a table without rows.
const NO_ROWS: &str = "Không có.";

/// Display width of `value` in terminal columns after NFC composition: a combining mark takes
/// none, a wide (CJK, emoji) character two.
pub fn width(value: &str) -> usize {
    UnicodeWidthStr::width(text::normalize(value).as_str())
}

/// Writes `document` as terminal text, ending with a line break.
pub fn write(document: &Document) -> String {
    let mut out = String::new();
    out.push_str(document.caption.as_deref().unwrap_or(&document.title));
    out.push('\n');
    for table in &document.tables {
        out.push('\n');
        out.push_str(table.caption.as_deref().unwrap_or(&table.title));
        out.push('\n');
        out.push_str(&write_table(table));
    }
    if !document.remarks.is_empty() {
        out.push('\n');
        for remark in &document.remarks {
            out.push_str(remark);
            out.push('\n');
        }
    }
    let any_suppressed = document
        .tables
        .iter()
        .flat_map(|table| &table.rows)
        .flatten()
        .any(|cell| matches!(cell, Cell::Suppressed));
    if any_suppressed {
        out.push('\n');
        out.push_str(SUPPRESSED_NOTE);
        out.push('\n');
    }
    out
}

/// Writes one table, without its heading, in its layout.
pub fn write_table(table: &Table) -> String {
    if table.rows.is_empty() {
        return format!("{NO_ROWS}\n");
    }
    match table.layout {
        Layout::Grid => write_grid(table),
        Layout::Pairs => table
            .rows
            .iter()
            .map(|row| {
                let label = row.first().map(word).unwrap_or_default();
                let value = row.get(1).map(word).filter(|value| !value.is_empty());
                format!("{label}: {}\n", value.as_deref().unwrap_or(NOTHING))
            })
            .collect(),
        Layout::List => table
            .rows
            .iter()
            .map(|row| {
                let words: Vec<String> = row.iter().map(word).collect();
                format!("  • {}\n", words.join(", "))
            })
            .collect(),
    }
}

/// How a terminal words one cell: dates as ISO 8601, decimals with their places, an empty cell
/// as nothing (a summary line shows [`NOTHING`] instead), a suppressed count as
/// [`SUPPRESSED_MARK`], a worded value as its terminal form.
pub fn word(cell: &Cell) -> String {
    match cell {
        Cell::Suppressed => SUPPRESSED_MARK.to_owned(),
        Cell::Worded { terminal, .. } => terminal.clone(),
        other => other.display(),
    }
}

fn write_grid(table: &Table) -> String {
    let all: Vec<usize>;
    let columns = match &table.terminal_columns {
        Some(columns) => columns.as_slice(),
        None => {
            all = (0..table.width()).collect();
            &all
        }
    };
    let headings: Vec<String> = columns
        .iter()
        .map(|&column| table.headers.get(column).cloned().unwrap_or_default())
        .collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|&column| row.get(column).map(word).unwrap_or_default())
                .collect()
        })
        .collect();
    grid(&headings, &rows)
}

/// No borders; a space between columns (with the padding, two) and a rule under the headings.
const GRID: TableStyle = TableStyle::new()
    .header_lines(ContentLineStyle::none().junction(' '))
    .header_separator(LineStyle::none().fill('─').junction(' '))
    .content_lines(ContentLineStyle::none().junction(' '));

/// Text in aligned columns: the headings, a rule, then the rows; two spaces between columns and
/// no trailing spaces. A row shorter than the headings is padded with blanks; cells beyond the
/// headings are left out, so a row can never break the layout. Text is composed (NFC) first, so
/// that the table crate measures what the terminal shows.
pub fn grid(headings: &[String], rows: &[Vec<String>]) -> String {
    let normal = |cells: &[String]| -> Vec<String> {
        let mut cells: Vec<String> = cells.iter().map(|cell| text::normalize(cell)).collect();
        cells.resize(headings.len(), String::new());
        cells
    };
    let mut table = comfy_table::Table::new();
    table
        .load_style(GRID)
        .set_header(normal(headings))
        .add_rows(rows.iter().map(|row| normal(row)));
    // One space of padding and the space of the column line: two spaces between columns.
    let last = headings.len().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, u16::from(index < last)));
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut document = Document::new("Thống kê đảng viên", "thong-ke");
        let mut summary =
            Table::new("Tổng hợp", "Tổng hợp", &["Chỉ tiêu", "Giá trị"]).laid_out(Layout::Pairs);
        summary
            .push_row(vec!["Tổng số đảng viên".into(), 172_i64.into()])
            .push_row(vec!["Ngày số liệu".into(), Cell::Empty]);
        document.push(summary);
        let mut units = Table::new("Đơn vị", "Các xã", &["Xã", "Mã xã", "Đảng viên"])
            .captioned("Các xã được tính")
            .terminal_columns(&[1, 0, 2]);
        units
            .push_row(vec![
                "Xã Hợp Thành".into(),
                "02680".into(),
                Cell::Suppressed,
            ])
            .push_row(vec![
                "Xã Tả Phời".into(),
                "02677".into(),
                Cell::worded(128_i64, "128 người"),
            ])
            .push_row(vec!["Cộng".into(), Cell::Empty, 128_i64.into()]);
        document.push(units);
        let mut notes = Table::new("Ghi chú", "Ghi chú", &["Ghi chú"]).laid_out(Layout::List);
        notes.push_row(vec!["Tính cả xã trước sáp nhập".into()]);
        document.push(notes);
        document.remarks.push("2 xã.".into());
        document
    }

    #[test]
    fn terminal_text_lays_out_pairs_grids_and_lists() {
        let text = write(&sample());
        assert!(
            text.starts_with("Thống kê đảng viên\n\nTổng hợp\n"),
            "{text}"
        );
        assert!(
            text.contains("Tổng số đảng viên: 172\nNgày số liệu: —\n"),
            "{text}"
        );
        assert!(text.contains("\nCác xã được tính\nMã xã  Xã"), "{text}");
        assert!(text.contains("\n02680  Xã Hợp Thành  ẩn*\n"), "{text}");
        assert!(
            text.contains("\n02677  Xã Tả Phời    128 người\n"),
            "{text}"
        );
        assert!(text.contains("\n       Cộng          128\n"), "{text}");
        assert!(text.contains("\n  • Tính cả xã trước sáp nhập\n"), "{text}");
        assert!(text.contains("\n2 xã.\n"), "{text}");
        assert!(text.ends_with(&format!("\n{SUPPRESSED_NOTE}\n")), "{text}");
    }

    #[test]
    fn grid_aligns_vietnamese_by_characters() {
        let text = grid(
            &["Họ và tên".into(), "Chi bộ".into()],
            &[
                vec!["Nguye\u{302}\u{303}n".into(), "Tượng 1".into()],
                vec!["Lý A".into()],
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Họ và tên  Chi bộ");
        assert_eq!(lines[2], "Nguyễn     Tượng 1");
        assert_eq!(lines[3], "Lý A");
    }

    #[test]
    fn grid_aligns_wide_characters_by_display_columns() {
        let text = grid(
            &["Tên".into(), "Ghi chú".into()],
            &[
                vec!["河内".into(), "x".into()],
                vec!["Hà".into(), "y".into()],
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "河内  x");
        assert_eq!(lines[3], "Hà    y");
    }
}
