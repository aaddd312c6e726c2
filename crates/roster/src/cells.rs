//! Parsing one cell of a roster into a typed value, with the reason in Vietnamese when the cell
//! cannot be read. Reference values (ethnic groups, religions, levels) go through the vocabulary's
//! lists and aliases; this module adds only what files do to them (numbers that lost zeros, Excel
//! date serials, abbreviations inside longer text).

use std::collections::HashMap;

use chrono::NaiveDate;
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::reference::{self, ListKind};
use partyregistry_vocab::text::{fold, normalize};

use crate::source::{Value, date_from_serial, number_text};

/// Gender as a roster records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Gender {
    /// The contract's value name.
    pub fn contract_name(self) -> &'static str {
        match self {
            Self::Male => "GENDER_MALE",
            Self::Female => "GENDER_FEMALE",
        }
    }
}

/// What a cell is attached to, by the contract's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellKind {
    /// Khu dân cư, thôn, bản, tổ dân phố.
    Residential,
    /// Nhà trường.
    School,
    /// Công an.
    Police,
    /// Quân sự.
    Military,
    /// Cơ quan.
    Agency,
    /// Doanh nghiệp.
    Enterprise,
    /// Khác.
    Other,
}

/// Cell kinds with the words that name them, in a cell kind column or at the start of a cell's
/// name ("Chi bộ Trường Tiểu học…", "Chi bộ thôn Tượng 1"). Folded, checked in order.
const CELL_KIND_WORDS: [(CellKind, &[&str]); 7] = [
    (CellKind::School, &["nha truong", "truong", "giao duc"]),
    (CellKind::Police, &["cong an"]),
    (
        CellKind::Military,
        &["quan su", "quan doi", "bo doi", "bien phong"],
    ),
    (
        CellKind::Agency,
        &[
            "co quan",
            "uy ban",
            "ubnd",
            "hanh chinh",
            "tram y te",
            "y te",
        ],
    ),
    (
        CellKind::Enterprise,
        &["doanh nghiep", "cong ty", "hop tac xa", "htx", "nha may"],
    ),
    (
        CellKind::Residential,
        &[
            "khu dan cu",
            "thon",
            "ban",
            "to dan pho",
            "khu pho",
            "khu",
            "ap",
            "xom",
            "lang",
            "buon",
            "plei",
            "soc",
            "to",
        ],
    ),
    (CellKind::Other, &["khac"]),
];

impl CellKind {
    /// The contract's value name.
    pub fn contract_name(self) -> &'static str {
        match self {
            Self::Residential => "CELL_KIND_RESIDENTIAL",
            Self::School => "CELL_KIND_SCHOOL",
            Self::Police => "CELL_KIND_POLICE",
            Self::Military => "CELL_KIND_MILITARY",
            Self::Agency => "CELL_KIND_AGENCY",
            Self::Enterprise => "CELL_KIND_ENTERPRISE",
            Self::Other => "CELL_KIND_OTHER",
        }
    }

    /// The kind a cell kind column names: its Vietnamese label, a word of it, or the contract
    /// name.
    pub fn parse(text: &str) -> Option<Self> {
        let key = fold(text);
        CELL_KIND_WORDS
            .iter()
            .find(|(kind, words)| {
                key == fold(reference::label(kind.contract_name()))
                    || words.contains(&key.as_str())
                    || text.trim() == kind.contract_name()
            })
            .map(|(kind, _)| *kind)
    }

    /// The kind a cell's name suggests; residential when nothing does (most cells are).
    pub fn from_cell_name(name: &str) -> Self {
        let folded = fold(name);
        let rest = folded.strip_prefix("chi bo ").unwrap_or(&folded);
        CELL_KIND_WORDS
            .iter()
            .find(|(_, words)| {
                words
                    .iter()
                    .any(|word| rest == *word || rest.starts_with(&format!("{word} ")))
            })
            .map_or(Self::Residential, |(kind, _)| *kind)
    }
}

/// How a member left the roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Departure {
    /// Từ trần.
    Death,
    /// Xóa tên.
    Removal,
    /// Xin ra khỏi Đảng.
    Resignation,
    /// Khai trừ.
    Expulsion,
}

impl Departure {
    /// The contract's value name.
    pub fn contract_name(self) -> &'static str {
        match self {
            Self::Death => "DEPARTURE_KIND_DEATH",
            Self::Removal => "DEPARTURE_KIND_REMOVAL",
            Self::Resignation => "DEPARTURE_KIND_RESIGNATION",
            Self::Expulsion => "DEPARTURE_KIND_EXPULSION",
        }
    }
}

/// Where a member stands, from the status column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// On the roll and active (probationary or official, by the dates).
    Active,
    /// Exempt from Party work and meetings.
    Exempt,
    /// Left the roll.
    Left(Departure),
}

impl Standing {
    /// The words the template writes.
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Đang sinh hoạt Đảng",
            Self::Exempt => "Miễn sinh hoạt",
            Self::Left(Departure::Death) => "Từ trần",
            Self::Left(Departure::Removal) => "Xóa tên",
            Self::Left(Departure::Resignation) => "Xin ra khỏi Đảng",
            Self::Left(Departure::Expulsion) => "Khai trừ",
        }
    }
}

/// Status spellings (folded) and what they mean; the HCMC ward codes among them (§2.8).
const STANDINGS: [(&str, Standing); 22] = [
    ("dang sinh hoat dang", Standing::Active),
    ("dang sinh hoat", Standing::Active),
    ("dang quan ly", Standing::Active),
    ("dsh", Standing::Active),
    ("chinh thuc", Standing::Active),
    ("ct", Standing::Active),
    ("du bi", Standing::Active),
    ("mien sinh hoat", Standing::Exempt),
    ("mien sinh hoat dang", Standing::Exempt),
    ("mien cong tac va sinh hoat", Standing::Exempt),
    ("msh", Standing::Exempt),
    ("tu tran", Standing::Left(Departure::Death)),
    ("da tu tran", Standing::Left(Departure::Death)),
    ("chet", Standing::Left(Departure::Death)),
    ("tt", Standing::Left(Departure::Death)),
    ("xoa ten", Standing::Left(Departure::Removal)),
    ("xt", Standing::Left(Departure::Removal)),
    ("xin ra khoi dang", Standing::Left(Departure::Resignation)),
    ("cho ra khoi dang", Standing::Left(Departure::Resignation)),
    ("cr", Standing::Left(Departure::Resignation)),
    ("khai tru", Standing::Left(Departure::Expulsion)),
    ("kt", Standing::Left(Departure::Expulsion)),
];

/// Ethnic-group codes that name the same group in the 1979 and the 2008 statistics lists; any
/// other bare number depends on the list (04 is Hoa in one and Mường in the other) and is refused
/// (import-layouts §2.1).
const UNAMBIGUOUS_ETHNIC_CODES: [&str; 8] = ["01", "02", "03", "05", "07", "08", "09", "10"];

/// The text of a cell, trimmed, with a leading apostrophe (the spreadsheet's "keep as text")
/// removed.
pub fn text_of(value: &Value) -> String {
    let shown = value.display();
    let trimmed = shown.trim();
    trimmed
        .strip_prefix('\'')
        .unwrap_or(trimmed)
        .trim()
        .to_owned()
}

/// Parses a date cell: `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `yyyy-mm-dd` (a time
/// after it is dropped), or an Excel date. Empty is `None`; a year alone or a month and year
/// are refused, since the rules count in days.
pub fn parse_date(value: &Value) -> Result<Option<Date>, String> {
    let found = match value {
        Value::Empty => return Ok(None),
        Value::Date { serial, epoch_1904 } => date_from_serial(*serial, *epoch_1904),
        Value::Number(number) if (1900.0..=2200.0).contains(number) => {
            return Err(format!(
                "chỉ có năm ({}); cần ngày đầy đủ dd/mm/yyyy",
                number_text(*number)
            ));
        }
        Value::Number(number) => date_from_serial(*number, false),
        Value::Text(_) => {
            let text = text_of(value);
            if text.is_empty() {
                return Ok(None);
            }
            return parse_date_text(&text).map(Some);
        }
    };
    let date = found.ok_or_else(|| "không phải ngày hợp lệ".to_owned())?;
    in_range(date).map(Some)
}

fn in_range(found: Date) -> Result<Date, String> {
    date::parse(&date::format(found)).map_err(|_| {
        format!(
            "ngày {} nằm ngoài khoảng 1900–2200",
            found.format("%d/%m/%Y")
        )
    })
}

/// Parses a date typed as text.
pub fn parse_date_text(text: &str) -> Result<Date, String> {
    let first = text.split_whitespace().next().unwrap_or_default();
    let parts: Vec<&str> = first.split(['/', '-', '.']).collect();
    let number = |part: &str| -> Option<u32> {
        (!part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let malformed = || {
        format!("«{text}» không phải ngày; hãy ghi dd/mm/yyyy (ví dụ 02/09/1985) hoặc yyyy-mm-dd")
    };
    let (year, month, day) = match parts.as_slice() {
        [year] if number(year).is_some() && year.len() == 4 => {
            return Err(format!("chỉ có năm ({year}); cần ngày đầy đủ dd/mm/yyyy"));
        }
        [month, year] if number(month).is_some() && number(year).is_some() => {
            return Err(format!(
                "chỉ có tháng và năm ({month}/{year}); cần ngày đầy đủ dd/mm/yyyy"
            ));
        }
        [year, month, day] if year.len() == 4 => (number(year), number(month), number(day)),
        [day, month, year] if year.len() == 4 => (number(year), number(month), number(day)),
        _ => return Err(malformed()),
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(malformed());
    };
    let found = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("«{text}» không có trong lịch (ngày {day} tháng {month})"))?;
    in_range(found)
}

/// Parses `Nam` / `Nữ` (also `nam`, `nu`, `1` = Nam, `0` = Nữ, `x` is not accepted: it needs the
/// column's meaning).
pub fn parse_gender(value: &Value) -> Result<Gender, String> {
    match fold(&text_of(value)).as_str() {
        "nam" | "1" | "m" | "male" => Ok(Gender::Male),
        "nu" | "0" | "f" | "female" => Ok(Gender::Female),
        "" => Err("thiếu giới tính (Nam hoặc Nữ)".to_owned()),
        _ => Err("giới tính phải là Nam hoặc Nữ".to_owned()),
    }
}

/// Digits of a number cell, or of text with spaces, dots of thousands and a spreadsheet's `.0`
/// removed; `None` when anything else is there.
fn digits_of(value: &Value) -> Option<String> {
    let text = match value {
        Value::Number(number) if *number >= 0.0 && number.fract() == 0.0 => number_text(*number),
        _ => text_of(value),
    };
    let text = text.strip_suffix(".0").unwrap_or(&text);
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// A citizen identity number: 12 digits. A number cell, or digits that are one or two short
/// (Excel drops the leading zeros of the province code), are padded on the left.
pub fn parse_citizen_id(value: &Value) -> Result<Option<String>, String> {
    if value.is_blank() {
        return Ok(None);
    }
    let digits =
        digits_of(value).ok_or_else(|| "số định danh cá nhân chỉ gồm chữ số".to_owned())?;
    let numeric = matches!(value, Value::Number(_));
    match digits.len() {
        12 => Ok(Some(digits)),
        len if len < 12 && (numeric || len >= 10) => Ok(Some(format!("{digits:0>12}"))),
        9 => Err("9 chữ số là số CMND cũ; cần số định danh cá nhân 12 chữ số".to_owned()),
        len => Err(format!("số định danh cá nhân cần 12 chữ số, ô có {len}")),
    }
}

/// A party card number: 12 digits (the new card) or 8 (the 2003 card); padded like
/// [`parse_citizen_id`] when a number cell lost its zeros.
pub fn parse_card_number(value: &Value) -> Result<Option<String>, String> {
    if value.is_blank() {
        return Ok(None);
    }
    let digits = digits_of(value).ok_or_else(|| "số thẻ đảng viên chỉ gồm chữ số".to_owned())?;
    match digits.len() {
        8 | 12 => Ok(Some(digits)),
        6 | 7 => Ok(Some(format!("{digits:0>8}"))),
        10 | 11 => Ok(Some(format!("{digits:0>12}"))),
        len => Err(format!(
            "số thẻ đảng viên cần 12 (thẻ mới) hoặc 8 chữ số (thẻ cũ), ô có {len}"
        )),
    }
}

/// A phone number: digits, spaces and `+`, up to 20 characters; a number cell of nine digits
/// gets back its leading zero.
pub fn parse_phone(value: &Value) -> Result<Option<String>, String> {
    if value.is_blank() {
        return Ok(None);
    }
    let text = match value {
        Value::Number(number) => {
            let digits = number_text(*number);
            if digits.len() == 9 {
                format!("0{digits}")
            } else {
                digits
            }
        }
        _ => text_of(value),
    };
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '+' || c == '.' || c == '-');
    let cleaned: String = text.chars().filter(|c| *c != '.' && *c != '-').collect();
    if !allowed || cleaned.chars().count() > 20 {
        return Err("số điện thoại chỉ gồm chữ số, dấu cách và +, tối đa 20 ký tự".to_owned());
    }
    Ok(Some(cleaned))
}

/// The ethnic group's code, by name, spelling variant or an unambiguous code.
pub fn parse_ethnicity(value: &Value) -> Result<&'static str, String> {
    let text = text_of(value);
    if text.is_empty() {
        return Err("thiếu dân tộc".to_owned());
    }
    let is_number = text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit());
    if is_number {
        let code = format!("{:0>2}", text);
        if !UNAMBIGUOUS_ETHNIC_CODES.contains(&code.as_str()) {
            return Err(format!(
                "mã dân tộc {code} có nghĩa khác nhau giữa các danh mục thống kê; hãy ghi tên dân tộc"
            ));
        }
    }
    reference::ethnic_group_code(&text)
        .ok_or_else(|| format!("không có dân tộc «{text}» trong danh mục 54 dân tộc"))
}

/// The religion as the member record keeps it: empty for none, the list's name for a known
/// religion, the text as typed for another.
pub fn parse_religion(value: &Value) -> String {
    let text = normalize(&text_of(value));
    match reference::religion_code(&text) {
        reference::NO_RELIGION => String::new(),
        reference::OTHER_RELIGION => text,
        code => reference::religion_label(code).to_owned(),
    }
}

/// A level of `kind` (education, qualification, political theory) by name, abbreviation, or a
/// longer text that starts with one ("Cử nhân luật", "Trung cấp thú y"): the longest match
/// wins. Returns the contract's value name.
pub fn parse_level(kind: ListKind, value: &Value) -> Result<Option<&'static str>, String> {
    let text = text_of(value);
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(code) = reference::lookup(kind, &text) {
        return Ok(Some(code));
    }
    let key = fold(&text);
    let list = reference::reference_list(kind);
    let best = list
        .entries
        .iter()
        .flat_map(|entry| {
            std::iter::once(entry.label)
                .chain(entry.aliases.iter().copied())
                .map(move |name| (entry.code, fold(name)))
        })
        .filter(|(_, name)| key.starts_with(&format!("{name} ")))
        .max_by_key(|(_, name)| name.len());
    best.map(|(code, _)| Some(code)).ok_or_else(|| {
        let names: Vec<&str> = list.entries.iter().map(|entry| entry.label).collect();
        format!(
            "không nhận ra «{text}»; dùng một trong: {}",
            names.join(", ")
        )
    })
}

/// Remembers what the reference lookups gave for each spelling: a roster repeats a few dozen
/// spellings of ethnic groups, religions and levels over thousands of rows, and each lookup folds
/// every name of its list.
#[derive(Debug, Default)]
pub struct ReferenceMemo {
    ethnicity: HashMap<String, Result<&'static str, String>>,
    religion: HashMap<String, String>,
    levels: HashMap<(u8, String), Result<Option<&'static str>, String>>,
    genders: HashMap<String, Result<Gender, String>>,
    standings: HashMap<String, Result<Standing, String>>,
    cell_kinds: HashMap<(bool, String), Option<CellKind>>,
}

impl ReferenceMemo {
    /// [`parse_gender`], remembered.
    pub fn gender(&mut self, value: &Value) -> Result<Gender, String> {
        self.genders
            .entry(text_of(value))
            .or_insert_with(|| parse_gender(value))
            .clone()
    }

    /// [`parse_standing`], remembered.
    pub fn standing(&mut self, value: &Value) -> Result<Standing, String> {
        self.standings
            .entry(text_of(value))
            .or_insert_with(|| parse_standing(value))
            .clone()
    }

    /// [`CellKind::parse`] of a kind column's text, remembered.
    pub fn cell_kind(&mut self, typed: &str) -> Option<CellKind> {
        *self
            .cell_kinds
            .entry((true, typed.to_owned()))
            .or_insert_with(|| CellKind::parse(typed))
    }

    /// [`CellKind::from_cell_name`], remembered.
    pub fn cell_kind_of_name(&mut self, name: &str) -> CellKind {
        self.cell_kinds
            .entry((false, name.to_owned()))
            .or_insert_with(|| Some(CellKind::from_cell_name(name)))
            .unwrap_or(CellKind::Residential)
    }

    /// [`parse_ethnicity`], remembered.
    pub fn ethnicity(&mut self, value: &Value) -> Result<&'static str, String> {
        let key = text_of(value);
        self.ethnicity
            .entry(key)
            .or_insert_with(|| parse_ethnicity(value))
            .clone()
    }

    /// [`parse_religion`], remembered.
    pub fn religion(&mut self, value: &Value) -> String {
        let key = text_of(value);
        self.religion
            .entry(key)
            .or_insert_with(|| parse_religion(value))
            .clone()
    }

    /// [`parse_level`], remembered.
    pub fn level(&mut self, kind: ListKind, value: &Value) -> Result<Option<&'static str>, String> {
        let list = match kind {
            ListKind::Ethnicity => 0,
            ListKind::Religion => 1,
            ListKind::GeneralEducation => 2,
            ListKind::Qualification => 3,
            ListKind::PoliticalTheory => 4,
        };
        self.levels
            .entry((list, text_of(value)))
            .or_insert_with(|| parse_level(kind, value))
            .clone()
    }
}

/// The status column.
pub fn parse_standing(value: &Value) -> Result<Standing, String> {
    let key = fold(&text_of(value));
    if key.is_empty() {
        return Ok(Standing::Active);
    }
    if key.contains("chuyen") {
        return Err(
            "đảng viên đã chuyển sinh hoạt đi không thuộc danh sách của đơn vị; bỏ dòng này"
                .to_owned(),
        );
    }
    STANDINGS
        .iter()
        .find(|(spelling, _)| *spelling == key)
        .map(|(_, standing)| *standing)
        .ok_or_else(|| {
            "trạng thái phải là Đang sinh hoạt Đảng, Miễn sinh hoạt, Từ trần, Xóa tên, Xin ra khỏi Đảng hoặc Khai trừ".to_owned()
        })
}

/// The party-age milestones a badge marks.
pub const BADGE_YEARS: [u32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

/// A badge handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Badge {
    /// Years of party age.
    pub years: u32,
    /// The day it was handed over.
    pub awarded: Date,
}

/// The badges column: `30 - 03/02/2020; 40 - 07/11/2030`.
pub fn parse_badges(value: &Value) -> Result<Vec<Badge>, String> {
    let text = text_of(value);
    let mut badges = Vec::new();
    for entry in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let digits: String = entry.chars().take_while(char::is_ascii_digit).collect();
        let years: u32 = digits
            .parse()
            .map_err(|_| format!("«{entry}»: cần số năm rồi ngày trao, ví dụ 30 - 03/02/2020"))?;
        if !BADGE_YEARS.contains(&years) {
            return Err(format!("không có Huy hiệu {years} năm tuổi Đảng"));
        }
        let rest = entry[digits.len()..].trim_start_matches(|c: char| !c.is_ascii_digit());
        if rest.is_empty() {
            return Err(format!("Huy hiệu {years} năm: thiếu ngày trao"));
        }
        let awarded = parse_date_text(rest)?;
        badges.push(Badge { years, awarded });
    }
    Ok(badges)
}

/// A period that does not count towards party age.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gap {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Why.
    pub reason: String,
}

/// The gaps column: `01/02/1990 - 31/03/1992: Mất liên lạc; …`.
pub fn parse_gaps(value: &Value) -> Result<Vec<Gap>, String> {
    let text = text_of(value);
    let mut gaps = Vec::new();
    for entry in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let (dates, reason) = entry.split_once(':').unwrap_or((entry, ""));
        let shape = || format!("«{entry}»: cần dạng «từ ngày - đến ngày: lý do»");
        let (from, to) = dates
            .split_once(" - ")
            .or_else(|| dates.split_once('–'))
            .or_else(|| dates.split_once(" đến "))
            .ok_or_else(shape)?;
        let from = from.trim().trim_start_matches("từ").trim();
        let (from, to) = (parse_date_text(from)?, parse_date_text(to.trim())?);
        if to < from {
            return Err(format!("«{entry}»: ngày kết thúc trước ngày bắt đầu"));
        }
        gaps.push(Gap {
            from,
            to,
            reason: normalize(reason),
        });
    }
    Ok(gaps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    fn day(y: i32, m: u32, d: u32) -> Date {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real day")
    }

    #[test]
    fn dates_in_every_accepted_form() {
        for typed in [
            "02/09/1985",
            "2/9/1985",
            "02-09-1985",
            "1985-09-02",
            "'02/09/1985",
            "1985-09-02 08:41:20",
        ] {
            assert_eq!(
                parse_date(&text(typed)),
                Ok(Some(day(1985, 9, 2))),
                "{typed}"
            );
        }
        assert_eq!(parse_date(&Value::Empty), Ok(None));
        assert!(parse_date(&text("31/02/1974")).is_err());
        assert!(
            parse_date(&text("1975"))
                .expect_err("refused")
                .contains("chỉ có năm")
        );
        assert!(
            parse_date(&text("5/1975"))
                .expect_err("refused")
                .contains("tháng và năm")
        );
        assert!(parse_date(&text("02/09/85")).is_err());
        assert!(parse_date(&text("hôm qua")).is_err());
        assert!(parse_date(&text("01/01/1899")).is_err());
    }

    #[test]
    fn excel_serials_count_from_their_epoch() {
        let serial = |s: f64| Value::Date {
            serial: s,
            epoch_1904: false,
        };
        assert_eq!(parse_date(&serial(45943.5)), Ok(Some(day(2025, 10, 13))));
        assert_eq!(date_from_serial(61.0, false), Some(day(1900, 3, 1)));
        assert_eq!(date_from_serial(59.0, false), Some(day(1900, 2, 28)));
        assert_eq!(date_from_serial(60.0, false), None);
        assert_eq!(date_from_serial(0.0, true), None);
        assert_eq!(date_from_serial(1.0, true), Some(day(1904, 1, 2)));
        // A plain number cell in a date column is a serial whose format was lost.
        assert_eq!(
            parse_date(&Value::Number(31292.0)),
            Ok(Some(day(1985, 9, 2)))
        );
        assert!(parse_date(&Value::Number(1975.0)).is_err());
    }

    #[test]
    fn gender_accepts_the_usual_spellings() {
        assert_eq!(parse_gender(&text("Nữ")), Ok(Gender::Female));
        assert_eq!(parse_gender(&text("NAM")), Ok(Gender::Male));
        assert_eq!(parse_gender(&text("nu")), Ok(Gender::Female));
        assert_eq!(parse_gender(&Value::Number(1.0)), Ok(Gender::Male));
        assert!(parse_gender(&text("Khác")).is_err());
        assert!(parse_gender(&Value::Empty).is_err());
    }

    #[test]
    fn citizen_ids_get_back_their_leading_zeros() {
        assert_eq!(
            parse_citizen_id(&Value::Number(15185000123.0)),
            Ok(Some("015185000123".to_owned()))
        );
        assert_eq!(
            parse_citizen_id(&text("15185000123.0")),
            Ok(Some("015185000123".to_owned()))
        );
        assert_eq!(
            parse_citizen_id(&text("'001075456789")),
            Ok(Some("001075456789".to_owned()))
        );
        assert_eq!(parse_citizen_id(&text("")), Ok(None));
        assert!(
            parse_citizen_id(&text("123456789"))
                .expect_err("refused")
                .contains("CMND")
        );
        assert!(parse_citizen_id(&text("0010754567A9")).is_err());
        assert!(parse_citizen_id(&text("0010754567891")).is_err());
        assert_eq!(
            parse_card_number(&Value::Number(1234567.0)),
            Ok(Some("01234567".to_owned()))
        );
        assert_eq!(
            parse_phone(&Value::Number(912345678.0)),
            Ok(Some("0912345678".to_owned()))
        );
        assert!(parse_phone(&text("gọi sau")).is_err());
    }

    #[test]
    fn ethnic_groups_by_name_variant_or_unambiguous_code() {
        assert_eq!(parse_ethnicity(&text("H'Mông")), Ok("08"));
        assert_eq!(parse_ethnicity(&text("Mèo")), Ok("08"));
        assert_eq!(parse_ethnicity(&text("kinh")), Ok("01"));
        assert_eq!(parse_ethnicity(&text("1")), Ok("01"));
        assert_eq!(parse_ethnicity(&Value::Number(3.0)), Ok("03"));
        assert!(
            parse_ethnicity(&text("04"))
                .expect_err("refused")
                .contains("khác nhau")
        );
        assert!(
            parse_ethnicity(&text("Người sao Hỏa"))
                .expect_err("refused")
                .contains("danh mục")
        );
        assert!(parse_ethnicity(&Value::Empty).is_err());
    }

    #[test]
    fn religions_and_levels_through_the_reference_lists() {
        assert_eq!(parse_religion(&text("không")), "");
        assert_eq!(parse_religion(&text("Đạo Phật")), "Phật giáo");
        assert_eq!(parse_religion(&text("Thờ Mẫu")), "Thờ Mẫu");
        assert_eq!(
            parse_level(ListKind::GeneralEducation, &text("12/12")),
            Ok(Some("GENERAL_EDUCATION_UPPER_SECONDARY"))
        );
        assert_eq!(
            parse_level(ListKind::Qualification, &text("Cử nhân luật")),
            Ok(Some("QUALIFICATION_UNIVERSITY"))
        );
        // Sơ cấp and trung cấp are kept apart; a text naming neither keeps the merged value.
        for (written, level) in [
            ("Trung cấp thú y", "QUALIFICATION_INTERMEDIATE"),
            ("Trung cấp", "QUALIFICATION_INTERMEDIATE"),
            ("Trung học chuyên nghiệp", "QUALIFICATION_INTERMEDIATE"),
            ("THCN", "QUALIFICATION_INTERMEDIATE"),
            ("Sơ cấp", "QUALIFICATION_ELEMENTARY"),
            ("sơ cấp nghề may", "QUALIFICATION_ELEMENTARY"),
            ("Công nhân kỹ thuật bậc 3", "QUALIFICATION_VOCATIONAL"),
            ("Sơ cấp, trung cấp", "QUALIFICATION_VOCATIONAL"),
        ] {
            assert_eq!(
                parse_level(ListKind::Qualification, &text(written)),
                Ok(Some(level)),
                "{written}"
            );
        }
        assert_eq!(
            parse_level(ListKind::PoliticalTheory, &text("TC")),
            Ok(Some("POLITICAL_THEORY_INTERMEDIATE"))
        );
        assert_eq!(
            parse_level(ListKind::PoliticalTheory, &Value::Empty),
            Ok(None)
        );
        assert!(parse_level(ListKind::GeneralEducation, &text("rất cao")).is_err());
    }

    #[test]
    fn the_memo_answers_as_the_lookups_do() {
        let mut memo = ReferenceMemo::default();
        for _ in 0..2 {
            assert_eq!(memo.ethnicity(&text("Mèo")), Ok("08"));
            assert_eq!(memo.ethnicity(&text("04")), parse_ethnicity(&text("04")));
            assert_eq!(memo.religion(&text("Đạo Phật")), "Phật giáo");
            assert_eq!(
                memo.level(ListKind::PoliticalTheory, &text("TC")),
                Ok(Some("POLITICAL_THEORY_INTERMEDIATE"))
            );
            assert_eq!(
                memo.level(ListKind::Qualification, &text("TC")),
                Ok(Some("QUALIFICATION_INTERMEDIATE"))
            );
        }
    }

    #[test]
    fn status_badges_gaps_and_cell_kinds() {
        assert_eq!(parse_standing(&text("")), Ok(Standing::Active));
        assert_eq!(
            parse_standing(&text("Từ trần")),
            Ok(Standing::Left(Departure::Death))
        );
        assert_eq!(parse_standing(&text("MSH")), Ok(Standing::Exempt));
        assert!(parse_standing(&text("Đã chuyển sinh hoạt")).is_err());
        assert!(parse_standing(&text("Đi vắng")).is_err());
        assert_eq!(
            parse_badges(&text("30 - 03/02/2020; 40 năm - 07/11/2030")),
            Ok(vec![
                Badge {
                    years: 30,
                    awarded: day(2020, 2, 3)
                },
                Badge {
                    years: 40,
                    awarded: day(2030, 11, 7)
                }
            ])
        );
        assert!(parse_badges(&text("35 - 03/02/2020")).is_err());
        assert!(
            parse_badges(&text("30"))
                .expect_err("refused")
                .contains("thiếu ngày")
        );
        assert_eq!(
            parse_gaps(&text("01/02/1990 - 31/03/1992: Mất liên lạc")),
            Ok(vec![Gap {
                from: day(1990, 2, 1),
                to: day(1992, 3, 31),
                reason: "Mất liên lạc".into()
            }])
        );
        assert!(parse_gaps(&text("31/03/1992 - 01/02/1990")).is_err());
        assert_eq!(CellKind::parse("Nhà trường"), Some(CellKind::School));
        assert_eq!(CellKind::parse("công an"), Some(CellKind::Police));
        assert_eq!(CellKind::parse("Vũ trụ"), None);
        assert_eq!(
            CellKind::from_cell_name("Chi bộ Trường Tiểu học Hợp Thành"),
            CellKind::School
        );
        assert_eq!(
            CellKind::from_cell_name("Chi bộ Công an xã"),
            CellKind::Police
        );
        assert_eq!(
            CellKind::from_cell_name("Chi bộ thôn Tượng 1"),
            CellKind::Residential
        );
        assert_eq!(CellKind::from_cell_name("Tượng 2"), CellKind::Residential);
    }
}
