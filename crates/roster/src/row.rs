//! One roster row as typed values ([`RosterRow`]), parsed from a file's record cell by cell;
//! every cell that cannot be read becomes a [`Problem`] naming the row, the column as the file
//! heads it, the value and the reason in Vietnamese.

use partyregistry_vocab::date::Date;
use partyregistry_vocab::reference::ListKind;
use partyregistry_vocab::text::normalize;

use crate::cells::{
    self, Badge, CellKind, Gap, Gender, ReferenceMemo, Standing, parse_badges, parse_card_number,
    parse_citizen_id, parse_date, parse_gaps, parse_phone, text_of,
};
use crate::columns::{Field, column};
use crate::heading::ColumnUse;
use crate::source::{Record, Value};

/// A member as one row of a roster holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    /// The row in the file.
    pub row_number: usize,
    /// The source's own key; `None` when the file has no ID column.
    pub source_id: Option<String>,
    /// Two-digit province code, when the file gives it.
    pub province_code: Option<String>,
    /// Five-digit commune code.
    pub commune_code: String,
    /// The commune's name, when the file gives it.
    pub commune_name: Option<String>,
    /// The cell's name, NFC.
    pub cell_name: String,
    /// The cell's kind: from its column, or else from its name.
    pub cell_kind: CellKind,
    /// Full name, NFC.
    pub full_name: String,
    /// Gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: Date,
    /// Two-digit code of the ethnic group.
    pub ethnicity_code: &'static str,
    /// Religion name; empty for none.
    pub religion: String,
    /// 12-digit citizen id.
    pub citizen_id: Option<String>,
    /// Party card number.
    pub card_number: Option<String>,
    /// Home town.
    pub home_town: String,
    /// Current address.
    pub address: String,
    /// Phone.
    pub phone: Option<String>,
    /// General education, the contract's value name.
    pub education: &'static str,
    /// Qualification, the contract's value name.
    pub qualification: Option<&'static str>,
    /// Political theory, the contract's value name.
    pub theory: Option<&'static str>,
    /// Occupation.
    pub occupation: String,
    /// The admission decision's date, when the file gives it.
    pub decision_date: Option<Date>,
    /// The admission decision's number.
    pub decision_number: String,
    /// The day the cell received the admission decision, when the file gives it.
    pub decision_received_date: Option<Date>,
    /// The ceremony (Ngày vào Đảng).
    pub ceremony_date: Date,
    /// Recognition as official member.
    pub official_date: Option<Date>,
    /// On the roll, exempt, or left.
    pub standing: Standing,
    /// The day the member left or was exempted.
    pub status_date: Option<Date>,
    /// Badges handed over.
    pub badges: Vec<Badge>,
    /// Periods outside party age.
    pub gaps: Vec<Gap>,
}

impl RosterRow {
    /// The row's key within its file: the source's ID, else the row number.
    pub fn row_key(&self) -> String {
        self.source_id
            .clone()
            .unwrap_or_else(|| format!("dong-{}", self.row_number))
    }
}

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    /// The row in the file.
    pub row_number: usize,
    /// The column as the file heads it (or the template's heading when the column is missing).
    pub column: String,
    /// The value in the cell.
    pub value: String,
    /// Why, in Vietnamese.
    pub reason: String,
}

/// The columns of a file: where each field is and how the file heads it.
#[derive(Debug, Clone)]
pub struct Layout {
    positions: Vec<(Field, usize)>,
    headings: Vec<String>,
}

impl Layout {
    /// A layout from the heading row and the use of each of its columns.
    pub fn new(headings: Vec<String>, uses: &[ColumnUse]) -> Self {
        let positions = uses
            .iter()
            .enumerate()
            .filter_map(|(index, used)| match used {
                ColumnUse::Field(field) => Some((*field, index)),
                _ => None,
            })
            .collect();
        Self {
            positions,
            headings,
        }
    }

    /// Whether the file has a column for `field`.
    pub fn has(&self, field: Field) -> bool {
        self.positions.iter().any(|(f, _)| *f == field)
    }

    /// The heading of `field` as the file writes it, or the template's.
    pub fn heading(&self, field: Field) -> String {
        self.positions
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, index)| self.headings.get(*index))
            .map(|heading| normalize(heading))
            .unwrap_or_else(|| column(field).heading.to_owned())
    }

    /// The file's headings.
    pub fn headings(&self) -> &[String] {
        &self.headings
    }

    /// The cell of `field` in `record`; empty when the file has no such column.
    pub fn value<'a>(&self, record: &'a Record, field: Field) -> &'a Value {
        self.positions
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, index)| record.values.get(*index))
            .unwrap_or(&Value::Empty)
    }
}

/// Collects the problems of one record while its cells are parsed.
struct RowReader<'a> {
    layout: &'a Layout,
    record: &'a Record,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    fn value(&self, field: Field) -> &Value {
        self.layout.value(self.record, field)
    }

    fn problem(&mut self, field: Field, reason: String) {
        self.problems.push(Problem {
            row_number: self.record.number,
            column: self.layout.heading(field),
            value: self.value(field).display(),
            reason,
        });
    }

    /// Parses a field; a failure is recorded and gives `None`.
    fn parse<T>(
        &mut self,
        field: Field,
        mut parser: impl FnMut(&Value) -> Result<T, String>,
    ) -> Option<T> {
        match parser(self.value(field)) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.problem(field, reason);
                None
            }
        }
    }

    fn text(&self, field: Field) -> String {
        normalize(&text_of(self.value(field)))
    }

    /// Free text up to `limit` characters.
    fn limited(&mut self, field: Field, limit: usize) -> String {
        let text = self.text(field);
        if text.chars().count() > limit {
            self.problem(field, format!("dài quá {limit} ký tự"));
        }
        text
    }

    /// A required text field.
    fn required(&mut self, field: Field, limit: usize) -> Option<String> {
        let text = self.limited(field, limit);
        if text.is_empty() {
            self.problem(
                field,
                format!("thiếu {}", column(field).heading.to_lowercase()),
            );
            return None;
        }
        Some(text)
    }

    fn required_date(&mut self, field: Field) -> Option<Date> {
        match self.parse(field, parse_date) {
            Some(Some(date)) => Some(date),
            Some(None) => {
                self.problem(
                    field,
                    format!("thiếu {}", column(field).heading.to_lowercase()),
                );
                None
            }
            None => None,
        }
    }
}

/// Whether a record holds data: at least two filled cells (a title line, a signature or a
/// group label holds one; a blank row none).
pub fn holds_data(record: &Record) -> bool {
    record
        .values
        .iter()
        .filter(|value| !value.is_blank())
        .count()
        >= 2
}

/// Whether a record is the column-number row some forms put under the heading (1, 2, 3 …).
pub fn is_column_numbers(record: &Record) -> bool {
    let numbers: Vec<u32> = record
        .values
        .iter()
        .filter(|value| !value.is_blank())
        .map(|value| text_of(value).parse::<u32>().ok())
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    numbers.len() >= 3 && numbers.windows(2).all(|pair| pair[0] < pair[1]) && numbers[0] <= 2
}

/// Parses one record: the row, or the problems that keep it from being one. `memo` keeps the
/// reference lookups of the file's earlier rows.
pub fn parse_record(
    layout: &Layout,
    memo: &mut ReferenceMemo,
    record: &Record,
) -> Result<RosterRow, Vec<Problem>> {
    let mut reader = RowReader {
        layout,
        record,
        problems: Vec::new(),
    };
    let source_id = Some(reader.limited(Field::SourceId, 100)).filter(|id| !id.is_empty());
    let province_code = Some(reader.text(Field::ProvinceCode)).filter(|code| !code.is_empty());
    if let Some(code) = &province_code
        && !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()))
    {
        reader.problem(Field::ProvinceCode, "mã tỉnh gồm 2 chữ số".to_owned());
    }
    let commune_code = reader.parse(Field::CommuneCode, |value| {
        let digits = match value {
            Value::Number(number) => crate::source::number_text(*number),
            _ => text_of(value),
        };
        match digits.len() {
            0 => Err("thiếu mã xã".to_owned()),
            1..=5 if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("{digits:0>5}")),
            _ => Err("mã xã gồm 5 chữ số".to_owned()),
        }
    });
    let commune_name = Some(reader.limited(Field::CommuneName, 100)).filter(|n| !n.is_empty());
    let cell_name = reader.required(Field::CellName, 100);
    let typed_kind = reader.text(Field::CellKind);
    let cell_kind = if typed_kind.is_empty() {
        cell_name
            .as_deref()
            .map(|name| memo.cell_kind_of_name(name))
    } else {
        reader.parse(Field::CellKind, |_| {
            memo.cell_kind(&typed_kind).ok_or_else(|| {
                "loại chi bộ phải là Khu dân cư, Nhà trường, Công an, Quân sự, Cơ quan, Doanh nghiệp hoặc Khác".to_owned()
            })
        })
    };
    let full_name = reader.required(Field::FullName, 100);
    let gender = reader.parse(Field::Gender, |value| memo.gender(value));
    let birth_date = reader.required_date(Field::BirthDate);
    let ethnicity_code = reader.parse(Field::Ethnicity, |value| memo.ethnicity(value));
    let religion = memo.religion(reader.value(Field::Religion));
    if religion.chars().count() > 50 {
        reader.problem(Field::Religion, "dài quá 50 ký tự".to_owned());
    }
    let citizen_id = reader.parse(Field::CitizenId, parse_citizen_id).flatten();
    let card_number = reader.parse(Field::CardNumber, parse_card_number).flatten();
    let home_town = reader.limited(Field::HomeTown, 200);
    let address = reader.limited(Field::Address, 200);
    let phone = reader.parse(Field::Phone, parse_phone).flatten();
    let education = match reader.parse(Field::Education, |value| {
        memo.level(ListKind::GeneralEducation, value)
    }) {
        Some(Some(level)) => Some(level),
        Some(None) => {
            reader.problem(
                Field::Education,
                "thiếu trình độ giáo dục phổ thông".to_owned(),
            );
            None
        }
        None => None,
    };
    let qualification = reader
        .parse(Field::Qualification, |value| {
            memo.level(ListKind::Qualification, value)
        })
        .flatten();
    let theory = reader
        .parse(Field::Theory, |value| {
            memo.level(ListKind::PoliticalTheory, value)
        })
        .flatten();
    let occupation = reader.limited(Field::Occupation, 100);
    let decision_date = reader.parse(Field::DecisionDate, parse_date).flatten();
    let decision_number = reader.limited(Field::DecisionNumber, 50);
    let decision_received_date = reader
        .parse(Field::DecisionReceivedDate, parse_date)
        .flatten();
    let ceremony_date = reader.required_date(Field::CeremonyDate);
    let official_date = reader.parse(Field::OfficialDate, parse_date).flatten();
    let standing = reader.parse(Field::Status, |value| memo.standing(value));
    let status_date = reader.parse(Field::StatusDate, parse_date).flatten();
    if standing.is_some_and(|s| s != Standing::Active) && status_date.is_none() {
        reader.problem(
            Field::StatusDate,
            format!(
                "trạng thái «{}» cần ngày rời khỏi, ngày mất hoặc ngày miễn sinh hoạt",
                standing.map_or("", Standing::label)
            ),
        );
    }
    let badges = reader
        .parse(Field::Badges, parse_badges)
        .unwrap_or_default();
    let gaps = reader.parse(Field::Gaps, parse_gaps).unwrap_or_default();

    let parsed = (
        commune_code,
        cell_name,
        cell_kind,
        full_name,
        gender,
        birth_date,
        ethnicity_code,
        education,
        ceremony_date,
        standing,
    );
    let (
        Some(commune_code),
        Some(cell_name),
        Some(cell_kind),
        Some(full_name),
        Some(gender),
        Some(birth_date),
        Some(ethnicity_code),
        Some(education),
        Some(ceremony_date),
        Some(standing),
    ) = parsed
    else {
        return Err(reader.problems);
    };
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    Ok(RosterRow {
        row_number: record.number,
        source_id,
        province_code,
        commune_code,
        commune_name,
        cell_name,
        cell_kind,
        full_name,
        gender,
        birth_date,
        ethnicity_code,
        religion,
        citizen_id,
        card_number,
        home_town,
        address,
        phone,
        education,
        qualification,
        theory,
        occupation,
        decision_date,
        decision_number,
        decision_received_date,
        ceremony_date,
        official_date,
        standing,
        status_date,
        badges,
        gaps,
    })
}

/// A valid row for the tests of the modules that take rows: an official member of cell
/// "Tượng 1" of commune 02680, admitted in 2012.
#[cfg(test)]
pub(crate) fn sample_row(
    row_number: usize,
    full_name: &str,
    birth: &str,
    citizen_id: Option<&str>,
) -> RosterRow {
    let day = |text: &str| partyregistry_vocab::date::parse(text).expect("a test date");
    RosterRow {
        row_number,
        source_id: None,
        province_code: None,
        commune_code: "02680".into(),
        commune_name: None,
        cell_name: "Tượng 1".into(),
        cell_kind: CellKind::Residential,
        full_name: full_name.into(),
        gender: Gender::Female,
        birth_date: day(birth),
        ethnicity_code: "03",
        religion: String::new(),
        citizen_id: citizen_id.map(str::to_owned),
        card_number: None,
        home_town: String::new(),
        address: String::new(),
        phone: None,
        education: "GENERAL_EDUCATION_UPPER_SECONDARY",
        qualification: None,
        theory: None,
        occupation: String::new(),
        decision_date: None,
        decision_number: String::new(),
        decision_received_date: None,
        ceremony_date: day("2012-06-01"),
        official_date: Some(day("2013-06-01")),
        standing: Standing::Active,
        status_date: None,
        badges: Vec::new(),
        gaps: Vec::new(),
    }
}

/// Re-exported for the callers that build rows (the generator) without a file.
pub use cells::Departure;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heading::{HeadingMatcher, Mapping};

    fn record(number: usize, cells: &[&str]) -> Record {
        Record {
            number,
            values: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Value::Empty
                    } else {
                        Value::Text((*c).to_owned())
                    }
                })
                .collect(),
        }
    }

    fn layout(headings: &[&str]) -> Layout {
        let headings: Vec<String> = headings.iter().map(|h| (*h).to_owned()).collect();
        let uses = HeadingMatcher::new(&Mapping::default()).uses(&headings);
        Layout::new(headings, &uses)
    }

    const HEADINGS: [&str; 10] = [
        "Mã xã",
        "Chi bộ",
        "Họ và tên",
        "Giới tính",
        "Sinh ngày",
        "Dân tộc",
        "Số CCCD",
        "Văn hóa",
        "Ngày kết nạp",
        "Ngày chính thức",
    ];

    /// A good row under [`HEADINGS`].
    const GOOD: [&str; 10] = [
        "2680",
        "Chi bộ Trường Mầm non",
        "nguyễn  thị mẫu",
        "Nữ",
        "15/03/1985",
        "Kinh",
        "15185000123",
        "12/12",
        "20/09/2010",
        "2011-09-20",
    ];

    #[test]
    fn a_good_row_becomes_typed_values() {
        let layout = layout(&HEADINGS);
        let row = parse_record(&layout, &mut ReferenceMemo::default(), &record(7, &GOOD))
            .expect("a valid row");
        assert_eq!(row.commune_code, "02680");
        assert_eq!(row.cell_kind, CellKind::School);
        assert_eq!(row.full_name, "nguyễn thị mẫu");
        assert_eq!(row.citizen_id.as_deref(), Some("015185000123"));
        assert_eq!(row.education, "GENERAL_EDUCATION_UPPER_SECONDARY");
        assert_eq!(row.standing, Standing::Active);
        assert_eq!(row.row_key(), "dong-7");
    }

    #[test]
    fn the_day_the_decision_was_received_is_read_under_its_headings() {
        for heading in ["Ngày nhận quyết định kết nạp", "Ngay nhan QD ket nap"] {
            let mut headings = HEADINGS.to_vec();
            headings.push(heading);
            let mut cells = GOOD.to_vec();
            cells.push("10/09/2010");
            let row = parse_record(
                &layout(&headings),
                &mut ReferenceMemo::default(),
                &record(7, &cells),
            )
            .expect("a valid row");
            assert_eq!(
                row.decision_received_date,
                Some(partyregistry_vocab::date::parse("2010-09-10").expect("a date")),
                "{heading}"
            );
        }
        let row = parse_record(
            &layout(&HEADINGS),
            &mut ReferenceMemo::default(),
            &record(7, &GOOD),
        )
        .expect("a valid row");
        assert_eq!(row.decision_received_date, None, "the column is optional");
    }

    #[test]
    fn each_bad_cell_is_a_problem_on_its_row_and_column() {
        let layout = layout(&HEADINGS);
        let mut bad = GOOD;
        bad[4] = "31/02/1980";
        bad[5] = "Người sao Hỏa";
        bad[8] = "";
        bad[9] = "";
        let problems = parse_record(&layout, &mut ReferenceMemo::default(), &record(9, &bad))
            .expect_err("three bad cells");
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["Sinh ngày", "Dân tộc", "Ngày kết nạp"]);
        assert!(problems.iter().all(|p| p.row_number == 9));
        assert_eq!(problems[0].value, "31/02/1980");
        assert!(problems[2].reason.contains("thiếu"));
    }

    #[test]
    fn helper_rows_are_recognised() {
        assert!(!holds_data(&record(1, &["DANH SÁCH ĐẢNG VIÊN", "", ""])));
        assert!(holds_data(&record(1, &["a", "b"])));
        assert!(is_column_numbers(&record(2, &["1", "2", "3", "5"])));
        assert!(!is_column_numbers(&record(2, &["1975", "Lò Văn A", "3"])));
    }
}
