//! Finding the fields in a roster's heading row: headings are compared after the normalisation of
//! import-layouts §1.2, against the aliases of [`crate::columns`] and an office's own mapping.

use std::collections::HashMap;

use partyregistry_vocab::text::fold;
use unicode_normalization::UnicodeNormalization;

use crate::columns::{COLUMNS, Field, IGNORED_HEADINGS};

/// How many rows above the data may hold titles before the heading row.
pub const HEADING_SEARCH_ROWS: usize = 15;
/// How many recognised headings make a row the heading row.
const MIN_RECOGNISED: usize = 3;

/// Normalises a heading for comparison: NFC, lower case, `đ` → `d`, no marks, no `*`, no text in
/// brackets, one space between words, no surrounding punctuation.
pub fn normalize_heading(heading: &str) -> String {
    let composed: String = heading.nfc().collect();
    let mut without_brackets = String::with_capacity(composed.len());
    let mut depth = 0usize;
    for c in composed.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '*' => {}
            other if depth == 0 => without_brackets.push(other),
            _ => {}
        }
    }
    // `fold` lower-cases, maps đ to d, strips the marks and collapses whitespace.
    let folded = fold(&without_brackets);
    folded
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnUse {
    /// A field of the row.
    Field(Field),
    /// A helper column read and ignored.
    Ignored,
    /// A heading nothing knows.
    Unknown,
}

/// Headings an office maps to fields itself: one `heading = field` per line, where `field` is a
/// field's key (`birth_date`) or a template heading; `#` starts a comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    by_heading: HashMap<String, Field>,
}

/// Why a mapping file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// A line without `=`.
    #[error("dòng {line}: cần dạng «tiêu đề = trường»")]
    Malformed {
        /// 1-based line number.
        line: usize,
    },
    /// A field nobody knows.
    #[error("dòng {line}: không có trường «{field}»")]
    UnknownField {
        /// 1-based line number.
        line: usize,
        /// As written.
        field: String,
    },
}

impl Mapping {
    /// Parses a mapping file's text.
    pub fn parse(text: &str) -> Result<Self, MappingError> {
        let mut by_heading = HashMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((heading, field)) = line.rsplit_once('=') else {
                return Err(MappingError::Malformed { line: index + 1 });
            };
            let field_name = field.trim().trim_matches('"');
            let wanted = normalize_heading(field_name);
            let found = COLUMNS.iter().find(|column| {
                column.key == field_name || normalize_heading(column.heading) == wanted
            });
            let Some(column) = found else {
                return Err(MappingError::UnknownField {
                    line: index + 1,
                    field: field_name.to_owned(),
                });
            };
            by_heading.insert(
                normalize_heading(heading.trim().trim_matches('"')),
                column.field,
            );
        }
        Ok(Self { by_heading })
    }
}

/// Recognises headings: the mapping first, then the template's headings and aliases.
#[derive(Debug, Clone)]
pub struct HeadingMatcher {
    known: HashMap<String, ColumnUse>,
}

impl HeadingMatcher {
    /// A matcher with an office's `mapping` on top of the built-in aliases.
    pub fn new(mapping: &Mapping) -> Self {
        let mut known = HashMap::new();
        for heading in IGNORED_HEADINGS {
            known.insert(normalize_heading(heading), ColumnUse::Ignored);
        }
        for column in &COLUMNS {
            for heading in std::iter::once(&column.heading).chain(column.aliases) {
                known.insert(normalize_heading(heading), ColumnUse::Field(column.field));
            }
        }
        for (heading, field) in &mapping.by_heading {
            known.insert(heading.clone(), ColumnUse::Field(*field));
        }
        Self { known }
    }

    /// What a heading names.
    pub fn recognise(&self, heading: &str) -> ColumnUse {
        let key = normalize_heading(heading);
        if key.is_empty() {
            return ColumnUse::Unknown;
        }
        self.known.get(&key).copied().unwrap_or(ColumnUse::Unknown)
    }

    /// The uses of a heading row. When two columns name one field, the first wins and the
    /// later one is ignored (the HCMC form repeats "Họ tên" as "Họ tên đang dùng").
    pub fn uses(&self, headings: &[String]) -> Vec<ColumnUse> {
        let mut taken = Vec::new();
        headings
            .iter()
            .map(|heading| match self.recognise(heading) {
                ColumnUse::Field(field) if taken.contains(&field) => ColumnUse::Ignored,
                ColumnUse::Field(field) => {
                    taken.push(field);
                    ColumnUse::Field(field)
                }
                other => other,
            })
            .collect()
    }

    /// How many headings of a row are recognised as fields.
    pub fn recognised_count(&self, row: &[String]) -> usize {
        row.iter()
            .filter(|heading| matches!(self.recognise(heading), ColumnUse::Field(_)))
            .count()
    }

    /// The index of the heading row among the first rows of a sheet: the first row with at
    /// least three recognised headings, so that title lines above the table are skipped.
    pub fn heading_row(&self, first_rows: &[Vec<String>]) -> Option<usize> {
        first_rows
            .iter()
            .take(HEADING_SEARCH_ROWS)
            .position(|row| self.recognised_count(row) >= MIN_RECOGNISED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn normalisation_follows_the_layout_rules() {
        assert_eq!(
            normalize_heading("Ngày vào Đảng* (dd/mm/yyyy)"),
            "ngay vao dang"
        );
        assert_eq!(normalize_heading("NGÀY VÀO ĐẢNG"), "ngay vao dang");
        assert_eq!(
            normalize_heading("Số thẻ Đảng* (12 số theo HD38-HD/BTCTW)"),
            "so the dang"
        );
        assert_eq!(normalize_heading("Họ và\n  tên *"), "ho va ten");
        assert_eq!(normalize_heading("Ngay\u{300} sinh:"), "ngay sinh");
        assert_eq!(normalize_heading("  Dân tộc [tên] "), "dan toc");
    }

    #[test]
    fn aliases_with_and_without_diacritics_name_the_same_field() {
        let matcher = HeadingMatcher::new(&Mapping::default());
        for heading in [
            "Ngày vào Đảng",
            "ngay vao dang",
            "Ngày kết nạp",
            "NGÀY KẾT NẠP",
            "Ngày vào Đảng* (dd/mm/yyyy)",
        ] {
            assert_eq!(
                matcher.recognise(heading),
                ColumnUse::Field(Field::CeremonyDate),
                "{heading}"
            );
        }
        assert_eq!(
            matcher.recognise("Số CCCD"),
            ColumnUse::Field(Field::CitizenId)
        );
        assert_eq!(matcher.recognise("STT"), ColumnUse::Ignored);
        assert_eq!(matcher.recognise("Sở thích"), ColumnUse::Unknown);
    }

    #[test]
    fn a_mapping_names_an_offices_own_headings() {
        let mapping = Mapping::parse(
            "# our layout\nNgày sinh nhật = birth_date\n\"Đơn vị quản lý\" = Chi bộ\n",
        )
        .expect("a valid mapping");
        let matcher = HeadingMatcher::new(&mapping);
        assert_eq!(
            matcher.recognise("NGÀY SINH NHẬT"),
            ColumnUse::Field(Field::BirthDate)
        );
        assert_eq!(
            matcher.recognise("Đơn vị quản lý"),
            ColumnUse::Field(Field::CellName)
        );
        assert_eq!(
            Mapping::parse("Ngày sinh nhật birth_date"),
            Err(MappingError::Malformed { line: 1 })
        );
        assert!(matches!(
            Mapping::parse("A = hair_colour"),
            Err(MappingError::UnknownField { line: 1, .. })
        ));
    }

    #[test]
    fn the_heading_row_is_found_below_title_lines() {
        let matcher = HeadingMatcher::new(&Mapping::default());
        let rows = vec![
            strings(&["ĐẢNG BỘ XÃ HỢP THÀNH"]),
            strings(&["DANH SÁCH ĐẢNG VIÊN", ""]),
            strings(&[
                "STT",
                "Họ và tên *",
                "Sinh ngày * (dd/mm/yyyy)",
                "Dân tộc *",
            ]),
        ];
        assert_eq!(matcher.heading_row(&rows), Some(2));
        assert_eq!(matcher.heading_row(&rows[..2]), None);
        let uses = matcher.uses(&strings(&["Họ tên", "Họ tên đang dùng", "Ghi chú"]));
        assert_eq!(
            uses,
            [
                ColumnUse::Field(Field::FullName),
                ColumnUse::Ignored,
                ColumnUse::Ignored
            ]
        );
    }
}
