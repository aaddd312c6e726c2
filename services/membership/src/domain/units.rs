//! Administrative units as data: provinces with their validity, and merges of units recorded as
//! facts (old units → new unit from an effective date). The checks a merge must pass against
//! the units it joins live here; the reference provinces of 2025 are data below.

use partyregistry_vocab::date::{self, Date};

use super::{DATE_RULE, RuleError};

/// Reason of a merge whose only predecessor is its successor.
pub const MERGE_INTO_ITSELF: &str = "MERGE_INTO_ITSELF";
/// Reason of a commune that names a province that does not exist.
pub const PROVINCE_NOT_FOUND: &str = "PROVINCE_NOT_FOUND";

named_enum!(
    /// Which level of unit a merge joins.
    UnitLevel {
        /// Provinces.
        Province = "UNIT_LEVEL_PROVINCE",
        /// Communes.
        Commune = "UNIT_LEVEL_COMMUNE",
    }
);

impl UnitLevel {
    /// Whether `code` has the shape of a code of this level: 2 digits for a province, 5 for a
    /// commune.
    pub fn is_code(self, code: &str) -> bool {
        let digits = match self {
            Self::Province => 2,
            Self::Commune => 5,
        };
        code.len() == digits && code.bytes().all(|b| b.is_ascii_digit())
    }

    /// The resource name of the unit `code` of this level.
    pub fn resource_name(self, code: &str) -> String {
        match self {
            Self::Province => province_name(code),
            Self::Commune => partyregistry_vocab::names::commune(code),
        }
    }
}

/// `provinces/{code}`.
pub fn province_name(code: &str) -> String {
    format!("provinces/{code}")
}

/// A province-level unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// 2-digit statistics code.
    pub code: String,
    /// Display name, NFC.
    pub display_name: String,
    /// First day.
    pub valid_from: Date,
    /// Last day, if it ended.
    pub valid_to: Option<Date>,
}

/// A recorded merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMerge {
    /// Service-assigned id; 0 before the insert.
    pub id: i64,
    /// Provinces or communes.
    pub level: UnitLevel,
    /// The joined units.
    pub predecessor_codes: Vec<String>,
    /// The resulting unit.
    pub successor_code: String,
    /// The successor's first day as the merged unit.
    pub effective_date: Date,
    /// Legal basis.
    pub legal_basis: String,
}

impl UnitMerge {
    /// Whether the successor keeps the code of one of its predecessors.
    pub fn continues(&self) -> bool {
        self.predecessor_codes.contains(&self.successor_code)
    }
}

/// The validity of a unit a merge names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First day.
    pub valid_from: Date,
    /// Last day, if it ended.
    pub valid_to: Option<Date>,
}

impl Span {
    fn in_force_on(self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

fn describe(span: Span) -> String {
    format!(
        "{} to {}",
        date::format(span.valid_from),
        span.valid_to.map_or_else(|| "now".to_owned(), date::format)
    )
}

/// Checks `merge` against the validity of its predecessors (in its order) and its successor.
/// Returns the positions of the predecessors to close: those still open, other than a
/// successor that continues. Each predecessor must be in force on the day before the merge and
/// end then if it has ended; the successor must be in force from the effective date.
pub fn check_merge(
    merge: &UnitMerge,
    predecessors: &[Span],
    successor: Span,
) -> Result<Vec<usize>, RuleError> {
    if merge.predecessor_codes.len() == 1 && merge.continues() {
        return Err(RuleError::precondition(
            MERGE_INTO_ITSELF,
            "merge.successor_code",
            format!(
                "{} cannot be merged into itself alone",
                merge.level.resource_name(&merge.successor_code)
            ),
        ));
    }
    let Some(day_before) = merge.effective_date.pred_opt() else {
        return Err(RuleError::invalid(
            "merge.effective_date",
            "is out of range",
        ));
    };
    let mut to_close = Vec::new();
    for (i, (code, span)) in merge
        .predecessor_codes
        .iter()
        .zip(predecessors.iter().copied())
        .enumerate()
    {
        let field = format!("merge.predecessor_codes[{i}]");
        let name = merge.level.resource_name(code);
        if span.valid_from > day_before {
            return Err(RuleError::precondition(
                DATE_RULE,
                field,
                format!(
                    "{name} starts on {}, not before the merge",
                    date::format(span.valid_from)
                ),
            ));
        }
        if *code == merge.successor_code {
            continue;
        }
        match span.valid_to {
            None => to_close.push(i),
            Some(to) if to == day_before => {}
            Some(to) => {
                return Err(RuleError::precondition(
                    DATE_RULE,
                    field,
                    format!(
                        "{name} ends on {}; a predecessor ends the day before the merge ({})",
                        date::format(to),
                        date::format(day_before)
                    ),
                ));
            }
        }
    }
    if !successor.in_force_on(merge.effective_date) {
        return Err(RuleError::precondition(
            DATE_RULE,
            "merge.successor_code",
            format!(
                "{} is in force {}, not on {}",
                merge.level.resource_name(&merge.successor_code),
                describe(successor),
                date::format(merge.effective_date)
            ),
        ));
    }
    Ok(to_close)
}

/// The provinces created on first start: the 34 provinces of 2025 by their statistics codes and
/// the 29 provinces that ended on 30 June 2025 when Nghị quyết 202/2025/QH15 merged them (a code
/// kept by a new province is that province's from 1976: the model keys a unit on its code, so the
/// former province that held it before is not listed apart). All are taken as existing since 1976
/// except Lào Cai (15), new on 1 July 2025 from the former Lào Cai (10) and Yên Bái, and the
/// former Lào Cai, in force from 1 October 1991. Code, display name, first day, last day.
pub const REFERENCE_PROVINCES: [(&str, &str, &str, &str); 63] = [
    ("01", "Thành phố Hà Nội", "1976-01-01", ""),
    ("02", "Tỉnh Hà Giang", "1976-01-01", "2025-06-30"),
    ("04", "Tỉnh Cao Bằng", "1976-01-01", ""),
    ("06", "Tỉnh Bắc Kạn", "1976-01-01", "2025-06-30"),
    ("08", "Tỉnh Tuyên Quang", "1976-01-01", ""),
    ("10", "Tỉnh Lào Cai (cũ)", "1991-10-01", "2025-06-30"),
    ("11", "Tỉnh Điện Biên", "1976-01-01", ""),
    ("12", "Tỉnh Lai Châu", "1976-01-01", ""),
    ("14", "Tỉnh Sơn La", "1976-01-01", ""),
    ("15", "Tỉnh Lào Cai", "2025-07-01", ""),
    ("17", "Tỉnh Hòa Bình", "1976-01-01", "2025-06-30"),
    ("19", "Tỉnh Thái Nguyên", "1976-01-01", ""),
    ("20", "Tỉnh Lạng Sơn", "1976-01-01", ""),
    ("22", "Tỉnh Quảng Ninh", "1976-01-01", ""),
    ("24", "Tỉnh Bắc Ninh", "1976-01-01", ""),
    ("25", "Tỉnh Phú Thọ", "1976-01-01", ""),
    ("26", "Tỉnh Vĩnh Phúc", "1976-01-01", "2025-06-30"),
    ("27", "Tỉnh Bắc Ninh (cũ)", "1976-01-01", "2025-06-30"),
    ("30", "Tỉnh Hải Dương", "1976-01-01", "2025-06-30"),
    ("31", "Thành phố Hải Phòng", "1976-01-01", ""),
    ("33", "Tỉnh Hưng Yên", "1976-01-01", ""),
    ("34", "Tỉnh Thái Bình", "1976-01-01", "2025-06-30"),
    ("35", "Tỉnh Hà Nam", "1976-01-01", "2025-06-30"),
    ("36", "Tỉnh Nam Định", "1976-01-01", "2025-06-30"),
    ("37", "Tỉnh Ninh Bình", "1976-01-01", ""),
    ("38", "Tỉnh Thanh Hóa", "1976-01-01", ""),
    ("40", "Tỉnh Nghệ An", "1976-01-01", ""),
    ("42", "Tỉnh Hà Tĩnh", "1976-01-01", ""),
    ("44", "Tỉnh Quảng Trị", "1976-01-01", ""),
    ("45", "Tỉnh Quảng Trị (cũ)", "1976-01-01", "2025-06-30"),
    ("46", "Thành phố Huế", "1976-01-01", ""),
    ("48", "Thành phố Đà Nẵng", "1976-01-01", ""),
    ("49", "Tỉnh Quảng Nam", "1976-01-01", "2025-06-30"),
    ("51", "Tỉnh Quảng Ngãi", "1976-01-01", ""),
    ("52", "Tỉnh Gia Lai", "1976-01-01", ""),
    ("54", "Tỉnh Phú Yên", "1976-01-01", "2025-06-30"),
    ("56", "Tỉnh Khánh Hòa", "1976-01-01", ""),
    ("58", "Tỉnh Ninh Thuận", "1976-01-01", "2025-06-30"),
    ("60", "Tỉnh Bình Thuận", "1976-01-01", "2025-06-30"),
    ("62", "Tỉnh Kon Tum", "1976-01-01", "2025-06-30"),
    ("64", "Tỉnh Gia Lai (cũ)", "1976-01-01", "2025-06-30"),
    ("66", "Tỉnh Đắk Lắk", "1976-01-01", ""),
    ("67", "Tỉnh Đắk Nông", "1976-01-01", "2025-06-30"),
    ("68", "Tỉnh Lâm Đồng", "1976-01-01", ""),
    ("70", "Tỉnh Bình Phước", "1976-01-01", "2025-06-30"),
    ("72", "Tỉnh Tây Ninh (cũ)", "1976-01-01", "2025-06-30"),
    ("74", "Tỉnh Bình Dương", "1976-01-01", "2025-06-30"),
    ("75", "Tỉnh Đồng Nai", "1976-01-01", ""),
    ("77", "Tỉnh Bà Rịa - Vũng Tàu", "1976-01-01", "2025-06-30"),
    ("79", "Thành phố Hồ Chí Minh", "1976-01-01", ""),
    ("80", "Tỉnh Tây Ninh", "1976-01-01", ""),
    ("82", "Tỉnh Đồng Tháp", "1976-01-01", ""),
    ("83", "Tỉnh Bến Tre", "1976-01-01", "2025-06-30"),
    ("84", "Tỉnh Trà Vinh", "1976-01-01", "2025-06-30"),
    ("86", "Tỉnh Vĩnh Long", "1976-01-01", ""),
    ("87", "Tỉnh Đồng Tháp (cũ)", "1976-01-01", "2025-06-30"),
    ("89", "Tỉnh An Giang (cũ)", "1976-01-01", "2025-06-30"),
    ("91", "Tỉnh An Giang", "1976-01-01", ""),
    ("92", "Thành phố Cần Thơ", "1976-01-01", ""),
    ("93", "Tỉnh Hậu Giang", "1976-01-01", "2025-06-30"),
    ("94", "Tỉnh Sóc Trăng", "1976-01-01", "2025-06-30"),
    ("95", "Tỉnh Bạc Liêu", "1976-01-01", "2025-06-30"),
    ("96", "Tỉnh Cà Mau", "1976-01-01", ""),
];

/// The province merges of 1 July 2025 (Nghị quyết 202/2025/QH15), created on first start: level,
/// predecessors, successor, effective date, legal basis.
pub const REFERENCE_MERGES: [(UnitLevel, &[&str], &str, &str, &str); 23] = [
    (
        UnitLevel::Province,
        &["02"],
        "08",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["10"],
        "15",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["06"],
        "19",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["27"],
        "24",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["17", "26"],
        "25",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["30"],
        "31",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["34"],
        "33",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["35", "36"],
        "37",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["45"],
        "44",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["49"],
        "48",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["62"],
        "51",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["64"],
        "52",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["58"],
        "56",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["54"],
        "66",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["60", "67"],
        "68",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["70"],
        "75",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["74", "77"],
        "79",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["72"],
        "80",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["87"],
        "82",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["83", "84"],
        "86",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["89"],
        "91",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["93", "94"],
        "92",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
    (
        UnitLevel::Province,
        &["95"],
        "96",
        "2025-07-01",
        "Nghị quyết 202/2025/QH15",
    ),
];

/// The reference provinces as values.
pub fn reference_provinces() -> Result<Vec<Province>, RuleError> {
    REFERENCE_PROVINCES
        .iter()
        .map(|(code, name, from, to)| {
            Ok(Province {
                code: (*code).to_owned(),
                display_name: (*name).to_owned(),
                valid_from: reference_date(from)?,
                valid_to: (!to.is_empty()).then(|| reference_date(to)).transpose()?,
            })
        })
        .collect()
}

/// The reference merges as values.
pub fn reference_merges() -> Result<Vec<UnitMerge>, RuleError> {
    REFERENCE_MERGES
        .iter()
        .map(|(level, predecessors, successor, effective, basis)| {
            Ok(UnitMerge {
                id: 0,
                level: *level,
                predecessor_codes: predecessors.iter().map(|c| (*c).to_owned()).collect(),
                successor_code: (*successor).to_owned(),
                effective_date: reference_date(effective)?,
                legal_basis: (*basis).to_owned(),
            })
        })
        .collect()
}

fn reference_date(text: &str) -> Result<Date, RuleError> {
    date::parse(text).map_err(|_| RuleError::Internal(format!("reference date {text} is invalid")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        date::parse(text).expect("test dates are valid")
    }

    fn span(from: &str, to: Option<&str>) -> Span {
        Span {
            valid_from: d(from),
            valid_to: to.map(d),
        }
    }

    fn merge(predecessors: &[&str], successor: &str) -> UnitMerge {
        UnitMerge {
            id: 0,
            level: UnitLevel::Commune,
            predecessor_codes: predecessors.iter().map(|c| (*c).to_owned()).collect(),
            successor_code: successor.into(),
            effective_date: d("2025-07-01"),
            legal_basis: String::new(),
        }
    }

    fn reason(error: RuleError) -> (&'static str, String) {
        match error {
            RuleError::Broken { reason, field, .. } => (reason, field),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn open_predecessors_are_closed_and_a_continuing_successor_is_not() {
        let to_close = check_merge(
            &merge(&["02677", "02680"], "02680"),
            &[span("2008-01-01", None), span("2000-01-01", None)],
            span("2000-01-01", None),
        )
        .expect("valid merge");
        assert_eq!(to_close, [0]);
        let already_closed = check_merge(
            &merge(&["02677", "02680"], "02680"),
            &[
                span("2008-01-01", Some("2025-06-30")),
                span("2000-01-01", None),
            ],
            span("2000-01-01", None),
        )
        .expect("valid merge");
        assert!(already_closed.is_empty());
    }

    #[test]
    fn bad_merges_name_the_field() {
        assert_eq!(
            reason(
                check_merge(
                    &merge(&["02680"], "02680"),
                    &[span("2000-01-01", None)],
                    span("2000-01-01", None)
                )
                .expect_err("into itself")
            ),
            (MERGE_INTO_ITSELF, "merge.successor_code".into())
        );
        assert_eq!(
            reason(
                check_merge(
                    &merge(&["02677"], "02690"),
                    &[span("2025-07-01", None)],
                    span("2025-07-01", None)
                )
                .expect_err("starts too late")
            ),
            (DATE_RULE, "merge.predecessor_codes[0]".into())
        );
        assert_eq!(
            reason(
                check_merge(
                    &merge(&["02677"], "02690"),
                    &[span("2000-01-01", Some("2026-01-01"))],
                    span("2025-07-01", None)
                )
                .expect_err("ends after")
            ),
            (DATE_RULE, "merge.predecessor_codes[0]".into())
        );
        assert_eq!(
            reason(
                check_merge(
                    &merge(&["02677"], "02690"),
                    &[span("2000-01-01", None)],
                    span("2025-08-01", None)
                )
                .expect_err("successor too late")
            ),
            (DATE_RULE, "merge.successor_code".into())
        );
    }

    #[test]
    fn reference_units_are_consistent() {
        let provinces = reference_provinces().expect("valid");
        assert_eq!(provinces.len(), 63);
        let merges = reference_merges().expect("valid");
        let find = |code: &str| {
            provinces
                .iter()
                .find(|p| p.code == code)
                .map(|p| Span {
                    valid_from: p.valid_from,
                    valid_to: p.valid_to,
                })
                .expect("reference province")
        };
        for merge in &merges {
            let predecessors: Vec<Span> = merge.predecessor_codes.iter().map(|c| find(c)).collect();
            check_merge(merge, &predecessors, find(&merge.successor_code)).expect("valid");
        }
    }

    #[test]
    fn every_province_ended_in_2025_merged_into_one_of_the_34() {
        let provinces = reference_provinces().expect("valid");
        let in_force = |day: &str| {
            provinces
                .iter()
                .filter(|p| p.valid_from <= d(day) && p.valid_to.is_none_or(|to| to >= d(day)))
                .count()
        };
        // 63 provinces before the merges, Yên Bái's code (15) being the new Lào Cai's.
        assert_eq!((in_force("2025-06-30"), in_force("2025-07-01")), (62, 34));
        let merges = reference_merges().expect("valid");
        for ended in provinces.iter().filter(|p| p.valid_to.is_some()) {
            let into: Vec<&str> = merges
                .iter()
                .filter(|m| m.predecessor_codes.contains(&ended.code))
                .map(|m| m.successor_code.as_str())
                .collect();
            assert_eq!(into.len(), 1, "{} merges once", ended.code);
            let successor = provinces
                .iter()
                .find(|p| p.code == into[0])
                .expect("successor is a reference province");
            assert!(successor.valid_to.is_none(), "{} is one of the 34", into[0]);
        }
        // Hà Nam and Nam Định into Ninh Bình; Bình Dương and Bà Rịa - Vũng Tàu into the city.
        let into = |code: &str| {
            merges
                .iter()
                .find(|m| m.successor_code == code)
                .map(|m| m.predecessor_codes.clone())
        };
        assert_eq!(into("37"), Some(vec!["35".to_owned(), "36".to_owned()]));
        assert_eq!(into("79"), Some(vec!["74".to_owned(), "77".to_owned()]));
        assert_eq!(into("01"), None);
    }
}
