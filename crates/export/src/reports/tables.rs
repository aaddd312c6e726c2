//! The parts every report's document is made of: a summary of label–value pairs, a breakdown
//! with its shares and total, total rows that say when hidden counts are left out, how fresh the
//! projection was, and the Vietnamese dates and ASCII file names of titles and files.
//!
//! Owns: the labels these parts share across reports. Does not own: any one report's layout.

use partyregistry_proto::reporting::v1::{Bucket, Freshness};
use partyregistry_rules::eligibility::BlockerCode;
use partyregistry_vocab::{date, reference, text};

use crate::document::{Cell, Date, Layout, Table};

/// Headings of a summary table.
const SUMMARY_HEADERS: [&str; 2] = ["Chỉ tiêu", "Giá trị"];
/// Sheet and title of the summary table most reports open with.
pub const SUMMARY: &str = "Tổng hợp";
/// The label of a total row.
pub const TOTAL_LABEL: &str = "Tổng cộng";
/// The total row's label when some counts above it are hidden: it sums the shown ones only.
pub const SHOWN_TOTAL_LABEL: &str = "Tổng cộng (không kể số ẩn)";
/// The same two labels in a terminal's narrow first column.
const TERMINAL_TOTAL_LABEL: &str = "Cộng";
const TERMINAL_SHOWN_TOTAL_LABEL: &str = "Cộng (không kể số ẩn)";
/// Yes and no, as a cell.
pub const YES: &str = "Có";
const NO: &str = "Không";
/// What a report says when a commune has no admission target for the year.
pub const NO_TARGET: &str = "Chưa có chỉ tiêu";
/// The line of people admitted by a decision and awaiting their ceremony: not on the roll, so
/// the label says it is outside the totals beside it.
const AWAITING_CEREMONY_LABEL: &str =
    "Đã có quyết định kết nạp, chờ lễ kết nạp (không tính vào tổng số)";

/// A summary table: one label–value pair per row.
pub fn summary_table(sheet: &str, title: &str) -> Table {
    Table::new(sheet, title, &SUMMARY_HEADERS).laid_out(Layout::Pairs)
}

/// A row of a summary table.
pub fn pair(label: impl Into<Cell>, value: impl Into<Cell>) -> Vec<Cell> {
    vec![label.into(), value.into()]
}

/// The summary row of the people awaiting their ceremony on the day, hidden when the report
/// lists `awaiting_ceremony_members` among its suppressed fields.
pub fn awaiting_ceremony(value: i64, suppressed_fields: &[String]) -> Vec<Cell> {
    pair(
        AWAITING_CEREMONY_LABEL,
        figure(value, "awaiting_ceremony_members", suppressed_fields),
    )
}

/// "Có" or "Không".
pub fn yes_no(value: bool) -> Cell {
    if value { YES } else { NO }.into()
}

/// A count of things in a list.
pub fn count(value: usize) -> Cell {
    Cell::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

/// A number of years, or nothing when the service says there is none (a negative number).
pub fn years_or_empty(years: i32) -> Cell {
    if years < 0 { Cell::Empty } else { years.into() }
}

/// A percentage with one decimal place: a number in a file (its heading names the unit), with
/// the unit on a terminal.
pub fn percent(value: f64) -> Cell {
    Cell::worded(Cell::decimal(value, 1), format!("{value:.1} %"))
}

/// The last segment of a resource name (`communes/02680` → `02680`): the code people use.
pub fn code(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Adds how fresh the projection was, so that a file read later still says so.
pub fn push_freshness(table: &mut Table, freshness: Option<&Freshness>) {
    let Some(freshness) = freshness else {
        return;
    };
    let applied = freshness
        .last_applied_commit_time
        .as_ref()
        .and_then(|t| date::format_vietnam_time(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
        .unwrap_or_default();
    table
        .push_row(pair("Dữ liệu cập nhật đến (giờ Việt Nam)", applied))
        .push_row(pair("Số thay đổi chưa cập nhật", freshness.pending_changes))
        .push_row(pair(
            "Đã xác nhận cập nhật đầy đủ",
            yes_no(freshness.caught_up),
        ));
}

/// A breakdown as a table: label, count, share of the total, key; and a total row.
pub fn bucket_table(
    sheet: &str,
    title: &str,
    label_header: &str,
    count_header: &str,
    buckets: &[Bucket],
) -> Table {
    let mut table = Table::new(
        sheet,
        title,
        &[label_header, count_header, "Tỷ lệ (%)", "Mã"],
    );
    let total: i64 = buckets.iter().map(|b| b.members).sum();
    let share = |members: i64| {
        if total > 0 {
            // Counts of people: exact as f64.
            percent(members as f64 * 100.0 / total as f64)
        } else {
            Cell::Empty
        }
    };
    for bucket in buckets {
        // A suppressed count is shown as such, never as a real zero.
        let (count, share) = if bucket.suppressed {
            (Cell::Suppressed, Cell::Empty)
        } else {
            (bucket.members.into(), share(bucket.members))
        };
        table.push_row(vec![
            bucket_label(bucket).into(),
            count,
            share,
            bucket.key.as_str().into(),
        ]);
    }
    let any_hidden = buckets.iter().any(|bucket| bucket.suppressed);
    table.push_row(vec![total_label(any_hidden), total.into(), share(total)]);
    table
}

/// A bucket's Vietnamese label: its own, else the name of its key — an ethnic group code, an
/// eligibility blocker or an enum value name — else the key.
pub fn bucket_label(bucket: &Bucket) -> String {
    if !bucket.label.is_empty() {
        return bucket.label.clone();
    }
    reference::ethnic_group(&bucket.key)
        .or_else(|| BlockerCode::from_code(&bucket.key).map(BlockerCode::label))
        .unwrap_or_else(|| reference::label(&bucket.key))
        .to_owned()
}

/// Whether a report row names `field` among its suppressed fields.
pub fn is_hidden(suppressed_fields: &[String], field: &str) -> bool {
    suppressed_fields.iter().any(|name| name == field)
}

/// An average age, or [`Cell::Suppressed`] when the report lists `average_age` among its
/// suppressed fields.
pub fn average(value: f64, suppressed_fields: &[String]) -> Cell {
    if is_hidden(suppressed_fields, "average_age") {
        Cell::Suppressed
    } else {
        Cell::decimal(value, 1)
    }
}

/// A count of a report row, or [`Cell::Suppressed`] when the row lists it among its suppressed
/// fields: a suppressed count is never shown as a real zero.
pub fn figure(value: i64, field: &str, suppressed_fields: &[String]) -> Cell {
    if is_hidden(suppressed_fields, field) {
        Cell::Suppressed
    } else {
        value.into()
    }
}

/// The label of a total row, saying so when counts above it are hidden and left out of it.
fn total_label(any_hidden: bool) -> Cell {
    if any_hidden {
        Cell::worded(SHOWN_TOTAL_LABEL, TERMINAL_SHOWN_TOTAL_LABEL)
    } else {
        Cell::worded(TOTAL_LABEL, TERMINAL_TOTAL_LABEL)
    }
}

/// Appends a total row: `label_column` says "Tổng cộng" (or, when a summed column hides counts,
/// that the hidden ones are not included), the `summed` columns hold the sums of their integer
/// cells, the rest stay empty; the row ends at its last sum. Nothing is added to an empty table.
pub fn push_total(table: &mut Table, label_column: usize, summed: &[usize]) {
    if table.rows.is_empty() {
        return;
    }
    let any_hidden = table.rows.iter().any(|row| {
        summed
            .iter()
            .any(|&column| matches!(row.get(column), Some(Cell::Suppressed)))
    });
    let end = summed
        .iter()
        .copied()
        .chain([label_column])
        .max()
        .unwrap_or(0)
        + 1;
    let mut row = vec![Cell::Empty; end.min(table.width())];
    if let Some(cell) = row.get_mut(label_column) {
        *cell = total_label(any_hidden);
    }
    for &column in summed {
        let sum: i64 = table
            .rows
            .iter()
            .filter_map(|r| match r.get(column) {
                Some(Cell::Integer(value)) => Some(*value),
                _ => None,
            })
            .sum();
        if let Some(cell) = row.get_mut(column) {
            *cell = sum.into();
        }
    }
    table.push_row(row);
}

/// A table of sentences, one per row, under `title`; none for no sentences.
pub fn sentences_table(sheet: &str, title: &str, sentences: &[String]) -> Option<Table> {
    if sentences.is_empty() {
        return None;
    }
    let mut table = Table::new(sheet, title, &[sheet]).laid_out(Layout::List);
    for sentence in sentences {
        table.push_row(vec![sentence.as_str().into()]);
    }
    Some(table)
}

/// `2026-06-30` as `30/06/2026`, the way dates are written in Vietnamese documents; anything
/// else unchanged.
pub fn vietnamese_date(iso: &str) -> String {
    match Date::parse_iso(iso) {
        Some(date) => format!("{:02}/{:02}/{}", date.day(), date.month(), date.year()),
        None => iso.to_owned(),
    }
}

/// `text` with its first letter in lower case, to run on inside a sentence.
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An ASCII file name stem: Vietnamese folded to plain letters, everything else but letters and
/// digits turned into single dashes (`Thống kê provinces/15 2026-06-30` →
/// `thong-ke-provinces-15-2026-06-30`).
pub fn slug(text: &str) -> String {
    let folded = text::fold(text);
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "bao-cao".to_owned()
    } else {
        slug.to_owned()
    }
}
