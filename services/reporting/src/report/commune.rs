//! The commune report's arithmetic, and the pieces the other reports share, in plain Rust: from
//! the small grouped facts the store reads ([`crate::model::commune`]: counts per cell, per birth
//! date, per profile) to the messages of `reporting.v1`. No sqlx, no I/O, so every figure is
//! unit-tested here.
//!
//! Owns: age bands, the average age, the order of buckets and cells, the point-in-time rules for
//! cells (open on the date) and the freshness arithmetic. Does not own which members are on a roll
//! on a date: the store selects them from the stints.

use std::collections::BTreeMap;

use chrono::Datelike;
use partyregistry_kit::db;
use partyregistry_proto::reporting::v1::{
    Bucket, CellFigures, CommuneReport, Freshness, YearAdmissions,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::reference::{ethnic_group, label};
use partyregistry_vocab::{names, text};

use crate::model::commune::{BirthCount, CellInfo, CellRoll, CommuneFacts, ProfileCount};
use crate::model::feed::{FeedContact, FeedPosition};
use crate::model::vocabulary::{CellKind, EDUCATIONS, Gender, PoliticalTheory, education_key};

/// Mean length of a Gregorian year in days: turns an age in days into fractional years.
const DAYS_PER_YEAR: f64 = 365.2425;

/// The age bands of domain §5, as the oldest whole age of each band but the last, which is open:
/// `<=30`, `31-40`, `41-50`, `51-60`, `61-70`, `>=71`.
pub const DEFAULT_AGE_BOUNDS: [i32; 5] = [30, 40, 50, 60, 70];

/// `value` as an `i32`, saturating at the bounds.
pub fn to_i32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

/// Computes the commune report from its facts. `freshness` is attached as is.
pub fn commune_report(facts: &CommuneFacts, freshness: Freshness) -> CommuneReport {
    let as_of = facts.as_of;
    let total_members: i64 = facts.cell_rolls.iter().map(|roll| roll.members).sum();
    let official_members: i64 = facts.cell_rolls.iter().map(|roll| roll.official).sum();
    let women = facts
        .profiles
        .iter()
        .filter(|p| p.gender == Gender::Female)
        .map(|p| p.members)
        .sum();
    CommuneReport {
        commune: names::commune(&facts.commune_code),
        display_name: facts.display_name.clone(),
        as_of_date: date::format(as_of),
        total_members,
        official_members,
        probationary_members: total_members - official_members,
        women,
        by_cell_kind: members_by_cell_kind(&facts.cells, &facts.cell_rolls, as_of),
        cells_by_kind: cells_by_kind(&facts.cells, as_of),
        age_bands: age_bands(&facts.births, as_of),
        average_age: average_age(&facts.births, as_of),
        ethnicity: ethnicity(&facts.profiles),
        general_education: general_education(&facts.profiles),
        political_theory: political_theory(&facts.profiles),
        cells: cell_figures(facts),
        freshness: Some(freshness),
        suppressed_fields: Vec::new(),
        awaiting_ceremony_members: facts.awaiting_ceremony,
    }
}

/// A bucket.
pub fn bucket(key: &str, label: &str, members: i64) -> Bucket {
    Bucket {
        key: key.to_owned(),
        label: label.to_owned(),
        members,
        suppressed: false,
    }
}

/// Cells open on `as_of`, per kind, in the enum order of the kinds.
pub fn cells_by_kind(cells: &[CellInfo], as_of: Date) -> Vec<Bucket> {
    let mut counts: BTreeMap<CellKind, i64> = BTreeMap::new();
    for cell in cells.iter().filter(|cell| cell.is_open_on(as_of)) {
        *counts.entry(cell.kind).or_default() += 1;
    }
    kind_buckets(counts)
}

/// Members per kind of their cell. Every kind that has a cell open on `as_of` is listed (with 0
/// if nobody is on those rolls), and so is any kind that has members.
pub fn members_by_cell_kind(cells: &[CellInfo], rolls: &[CellRoll], as_of: Date) -> Vec<Bucket> {
    let mut counts: BTreeMap<CellKind, i64> = BTreeMap::new();
    for cell in cells.iter().filter(|cell| cell.is_open_on(as_of)) {
        counts.entry(cell.kind).or_default();
    }
    for roll in rolls.iter().filter(|roll| roll.members > 0) {
        // A member's stint may point at a cell whose row has not arrived (partial replay).
        let kind = cells
            .iter()
            .find(|cell| cell.cell_id == roll.cell_id)
            .map_or(CellKind::Unspecified, |cell| cell.kind);
        *counts.entry(kind).or_default() += roll.members;
    }
    kind_buckets(counts)
}

/// One bucket per kind, in the enum order of the kinds.
fn kind_buckets(counts: BTreeMap<CellKind, i64>) -> Vec<Bucket> {
    counts
        .into_iter()
        .map(|(kind, count)| bucket(kind.key(), label(kind.key()), count))
        .collect()
}

/// The band key of a whole age in years, in the default bands.
pub fn age_band(age: i64) -> String {
    band_keys(&DEFAULT_AGE_BOUNDS).swap_remove(band_index(&DEFAULT_AGE_BOUNDS, age))
}

/// The keys of the bands cut at `bounds` (the highest value of each band but the last, which is
/// open; increasing): `<=30`, `31-40`, …, `>=71`.
pub fn band_keys(bounds: &[i32]) -> Vec<String> {
    let mut keys = Vec::with_capacity(bounds.len() + 1);
    let mut lower: Option<i32> = None;
    for bound in bounds {
        keys.push(match lower {
            None => format!("<={bound}"),
            Some(lower) => format!("{lower}-{bound}"),
        });
        lower = Some(bound + 1);
    }
    keys.push(match lower {
        None => "all".to_owned(),
        Some(lower) => format!(">={lower}"),
    });
    keys
}

/// The index of the band of `value` among the bands cut at `bounds`.
pub fn band_index(bounds: &[i32], value: i64) -> usize {
    bounds
        .iter()
        .position(|bound| value <= i64::from(*bound))
        .unwrap_or(bounds.len())
}

/// Members per age band on `as_of`, always all six default bands in order. Members without a
/// birth date are in no band.
pub fn age_bands(births: &[BirthCount], as_of: Date) -> Vec<Bucket> {
    age_bands_cut(births, as_of, &DEFAULT_AGE_BOUNDS).0
}

/// Members per age band on `as_of` with the bands cut at `bounds`, every band listed; and the
/// members without a birth date (in no band).
pub fn age_bands_cut(births: &[BirthCount], as_of: Date, bounds: &[i32]) -> (Vec<Bucket>, i64) {
    let keys = band_keys(bounds);
    let mut counts = vec![0_i64; keys.len()];
    let mut unknown = 0;
    for birth in births {
        match birth.birth_date {
            Some(born) => {
                counts[band_index(bounds, date::age_in_years(born, as_of))] += birth.members
            }
            None => unknown += birth.members,
        }
    }
    let buckets = keys
        .iter()
        .zip(counts)
        .map(|(key, count)| bucket(key, key, count))
        .collect();
    (buckets, unknown)
}

/// Average exact age in years on `as_of` (days / 365.2425) over members with a birth date; 0 when
/// there are none.
pub fn average_age(births: &[BirthCount], as_of: Date) -> f64 {
    let (mut total_days, mut members) = (0_f64, 0_i64);
    for birth in births {
        if let Some(born) = birth.birth_date {
            total_days += (as_of - born).num_days() as f64 * birth.members as f64;
            members += birth.members;
        }
    }
    if members == 0 {
        0.0
    } else {
        total_days / DAYS_PER_YEAR / members as f64
    }
}

/// Members per ethnic group, largest first, ties by code.
pub fn ethnicity(profiles: &[ProfileCount]) -> Vec<Bucket> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for profile in profiles {
        *counts.entry(profile.ethnicity_code.as_str()).or_default() += profile.members;
    }
    let mut buckets: Vec<Bucket> = counts
        .into_iter()
        .map(|(code, count)| bucket(code, ethnic_group(code).unwrap_or(code), count))
        .collect();
    // The map iterates by code, and the sort is stable: equal counts stay in code order.
    buckets.sort_by_key(|bucket| std::cmp::Reverse(bucket.members));
    buckets
}

/// Members per level: every level of `levels` in order (zeros included, so tables keep their
/// rows), then any other value met, so that no member disappears from the breakdown.
pub fn by_level(
    levels: &[&'static str],
    values: impl Iterator<Item = (&'static str, i64)>,
) -> Vec<Bucket> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for (value, members) in values {
        *counts.entry(value).or_default() += members;
    }
    let mut buckets: Vec<Bucket> = levels
        .iter()
        .map(|level| bucket(level, label(level), counts.remove(*level).unwrap_or(0)))
        .collect();
    buckets.extend(
        counts
            .into_iter()
            .map(|(value, count)| bucket(value, label(value), count)),
    );
    buckets
}

/// Members per general education level, primary first.
pub fn general_education(profiles: &[ProfileCount]) -> Vec<Bucket> {
    let levels = EDUCATIONS.map(education_key);
    by_level(
        &levels,
        profiles
            .iter()
            .map(|p| (p.general_education.key(), p.members)),
    )
}

/// Members per political theory level, none first.
pub fn political_theory(profiles: &[ProfileCount]) -> Vec<Bucket> {
    by_level(
        PoliticalTheory::KEYS,
        profiles
            .iter()
            .map(|p| (p.political_theory.key(), p.members)),
    )
}

/// Cells open on the date, in Vietnamese collation order of their display names (cell id breaks
/// ties), with their rolls and last admission.
pub fn cell_figures(facts: &CommuneFacts) -> Vec<CellFigures> {
    let mut open: Vec<&CellInfo> = facts
        .cells
        .iter()
        .filter(|cell| cell.is_open_on(facts.as_of))
        .collect();
    sort_by_collation(&mut open);
    open.into_iter()
        .map(|cell| {
            let rolls = facts
                .cell_rolls
                .iter()
                .filter(|roll| roll.cell_id == cell.cell_id);
            let (mut local, mut seconded) = (0, 0);
            for roll in rolls {
                if roll.seconded {
                    seconded += roll.members;
                } else {
                    local += roll.members;
                }
            }
            let last_admission = facts
                .last_admissions
                .iter()
                .filter(|admission| {
                    admission.cell_id == cell.cell_id && admission.decision_date <= facts.as_of
                })
                .map(|admission| admission.decision_date)
                .max();
            CellFigures {
                suppressed_fields: Vec::new(),
                cell: names::cell(&facts.commune_code, &cell.cell_id),
                display_name: cell.display_name.clone(),
                kind: cell.kind.key().to_owned(),
                members: local + seconded,
                local_members: local,
                seconded_members: seconded,
                last_admission_date: date::format_optional(last_admission),
                years_since_last_admission: last_admission.map_or(-1, |admitted| {
                    i32::try_from(date::age_in_years(admitted, facts.as_of)).unwrap_or(i32::MAX)
                }),
            }
        })
        .collect()
}

/// Sorts cells by the Vietnamese collation of their display names, then by id.
pub fn sort_by_collation(cells: &mut [&CellInfo]) {
    cells.sort_by_cached_key(|cell| {
        (
            text::collation_key(&[&cell.display_name]),
            cell.cell_id.clone(),
        )
    });
}

/// One entry per year of `first_year..=last_year` with twelve monthly counts, from the
/// `(year-month, decisions)` counts read by the store (`YYYY-MM` keys; others are ignored).
pub fn admissions_by_year(
    first_year: i32,
    last_year: i32,
    monthly: &[(String, i64)],
) -> Vec<YearAdmissions> {
    (first_year..=last_year)
        .map(|year| {
            let mut by_month = vec![0_i64; 12];
            for (month_key, count) in monthly {
                if let Some((key_year, month)) = parse_year_month(month_key)
                    && key_year == year
                {
                    by_month[month - 1] += count;
                }
            }
            YearAdmissions {
                year,
                total: by_month.iter().sum(),
                by_month,
            }
        })
        .collect()
}

/// `YYYY-MM` → (year, month 1..=12).
fn parse_year_month(key: &str) -> Option<(i32, usize)> {
    let (year, month) = key.split_once('-')?;
    let month: usize = month.parse().ok()?;
    (1..=12).contains(&month).then_some(())?;
    Some((year.parse().ok()?, month))
}

/// The years of an admissions request: defaults applied (first = the current year, last =
/// first), then checked (last not before first, at most 50 years after it). Returns the field at
/// fault and why on failure.
pub fn admissions_years(
    first_year: i32,
    last_year: i32,
    today: Date,
) -> Result<(i32, i32), (&'static str, String)> {
    const MAX_SPAN_YEARS: i32 = 50;
    let first = if first_year == 0 {
        today.year()
    } else {
        first_year
    };
    if !(1900..=2200).contains(&first) {
        return Err(("first_year", "must be a year between 1900 and 2200".into()));
    }
    let last = if last_year == 0 { first } else { last_year };
    if last < first {
        return Err(("last_year", "must not be before first_year".into()));
    }
    if last - first > MAX_SPAN_YEARS {
        return Err((
            "last_year",
            format!("must be at most {MAX_SPAN_YEARS} years after first_year"),
        ));
    }
    Ok((first, last))
}

/// The freshness message: pending = head − applied (never negative); lag 0 when the head is
/// applied, otherwise the age of the last applied commit (0 while nothing was applied: there is
/// no commit to measure from, and `pending_changes` tells how far behind the projection is).
/// Caught up only when the head was confirmed on a live connection: a head remembered from an
/// earlier one says nothing of where membership stands now.
pub fn freshness(position: FeedPosition, contact: FeedContact, now_us: i64) -> Freshness {
    let head_sequence = contact.head_sequence.max(position.last_sequence);
    let head_applied = position.last_sequence >= head_sequence;
    let lag_seconds = if head_applied || position.last_commit_time_us == 0 {
        0.0
    } else {
        (now_us - position.last_commit_time_us).max(0) as f64 / 1_000_000.0
    };
    Freshness {
        last_applied_sequence: position.last_sequence,
        last_applied_commit_time: (position.last_commit_time_us != 0)
            .then(|| db::timestamp(position.last_commit_time_us)),
        head_sequence,
        pending_changes: (head_sequence - position.last_sequence).max(0),
        connected: contact.connected,
        last_contact_time: (contact.last_contact_us != 0)
            .then(|| db::timestamp(contact.last_contact_us)),
        lag_seconds,
        caught_up: head_applied && contact.connected && contact.head_confirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::commune::LastAdmission;
    use crate::model::vocabulary::GeneralEducation;

    fn d(text: &str) -> Date {
        date::parse(text).expect("test dates are valid")
    }

    fn cell(id: &str, name: &str, kind: CellKind) -> CellInfo {
        CellInfo {
            cell_id: id.into(),
            display_name: name.into(),
            kind,
            open_date: Some(d("2000-01-01")),
            close_date: None,
        }
    }

    fn born(text: &str, members: i64) -> BirthCount {
        BirthCount {
            birth_date: Some(d(text)),
            members,
        }
    }

    #[test]
    fn age_band_boundaries_follow_whole_years() {
        assert_eq!(age_band(18), "<=30");
        assert_eq!(age_band(30), "<=30");
        assert_eq!(age_band(31), "31-40");
        assert_eq!(age_band(40), "31-40");
        assert_eq!(age_band(60), "51-60");
        assert_eq!(age_band(70), "61-70");
        assert_eq!(age_band(71), ">=71");
        assert_eq!(age_band(104), ">=71");
        assert_eq!(age_band(-1), "<=30");
    }

    #[test]
    fn age_bands_always_list_six_buckets_and_change_on_the_birthday() {
        let as_of = d("2022-06-30");
        // 31 the day before the 32nd birthday; 30 until the 31st birthday.
        let births = [
            born("1991-07-01", 2),
            born("1991-06-30", 1),
            born("1950-01-01", 1),
        ];
        let bands = age_bands(&births, as_of);
        let keys: Vec<&str> = bands.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["<=30", "31-40", "41-50", "51-60", "61-70", ">=71"]);
        let counts: Vec<i64> = bands.iter().map(|b| b.members).collect();
        assert_eq!(counts, [2, 1, 0, 0, 0, 1]);
    }

    #[test]
    fn average_age_is_exact_in_fractional_years() {
        let as_of = d("2022-01-01");
        let births = [born("2002-01-01", 1), born("1982-01-01", 3)];
        let days = (as_of - d("2002-01-01")).num_days() + 3 * (as_of - d("1982-01-01")).num_days();
        let expected = days as f64 / 365.2425 / 4.0;
        assert!((average_age(&births, as_of) - expected).abs() < 1e-9);
        assert!((average_age(&births, as_of) - 35.0).abs() < 0.01);
        assert_eq!(average_age(&[], as_of), 0.0);
    }

    #[test]
    fn cells_follow_vietnamese_collation_not_byte_order() {
        let facts = CommuneFacts {
            commune_code: "02680".into(),
            display_name: "Xã Hợp Thành".into(),
            as_of: d("2022-06-30"),
            cells: vec![
                cell("dong", "Chi bộ Đồng Tâm", CellKind::Residential),
                cell("duong", "Chi bộ Dương Hồng", CellKind::Residential),
                cell("an", "Chi bộ Ăn Mai", CellKind::Residential),
                cell("zeta", "Chi bộ Zê", CellKind::Residential),
                cell("anh", "Chi bộ Anh Sơn", CellKind::Residential),
            ],
            cell_rolls: vec![],
            profiles: vec![],
            births: vec![],
            last_admissions: vec![],
            awaiting_ceremony: 0,
        };
        let order: Vec<String> = cell_figures(&facts)
            .into_iter()
            .map(|c| c.display_name)
            .collect();
        assert_eq!(
            order,
            [
                "Chi bộ Anh Sơn",
                "Chi bộ Ăn Mai",
                "Chi bộ Dương Hồng",
                "Chi bộ Đồng Tâm",
                "Chi bộ Zê"
            ]
        );
    }

    #[test]
    fn commune_report_adds_up_rolls_kinds_and_last_admissions() {
        let mut closed = cell("old", "Chi bộ cũ", CellKind::Other);
        closed.close_date = Some(d("2021-01-01"));
        let facts = CommuneFacts {
            commune_code: "02680".into(),
            display_name: "Xã Hợp Thành".into(),
            as_of: d("2022-06-30"),
            cells: vec![
                cell("tuong-1", "Chi bộ thôn Tượng 1", CellKind::Residential),
                cell("truong-th", "Chi bộ Trường Tiểu học", CellKind::School),
                closed,
            ],
            cell_rolls: vec![
                CellRoll {
                    cell_id: "tuong-1".into(),
                    seconded: false,
                    members: 4,
                    official: 3,
                },
                CellRoll {
                    cell_id: "tuong-1".into(),
                    seconded: true,
                    members: 5,
                    official: 5,
                },
            ],
            profiles: vec![
                ProfileCount {
                    gender: Gender::Female,
                    ethnicity_code: "02".into(),
                    general_education: GeneralEducation::UpperSecondary,
                    political_theory: PoliticalTheory::Elementary,
                    members: 3,
                },
                ProfileCount {
                    gender: Gender::Male,
                    ethnicity_code: "01".into(),
                    general_education: GeneralEducation::LowerSecondary,
                    political_theory: PoliticalTheory::None,
                    members: 6,
                },
            ],
            births: vec![born("1990-01-01", 9)],
            last_admissions: vec![
                LastAdmission {
                    cell_id: "tuong-1".into(),
                    decision_date: d("2015-07-01"),
                },
                // A later admission than the report's date does not count.
                LastAdmission {
                    cell_id: "truong-th".into(),
                    decision_date: d("2023-01-01"),
                },
            ],
            awaiting_ceremony: 2,
        };
        let report = commune_report(&facts, Freshness::default());
        // Those awaiting the ceremony are a line of their own, outside the roll.
        assert_eq!(
            (
                report.total_members,
                report.official_members,
                report.probationary_members,
                report.awaiting_ceremony_members
            ),
            (9, 8, 1, 2)
        );
        assert_eq!(report.women, 3);
        let kinds: Vec<(&str, i64)> = report
            .by_cell_kind
            .iter()
            .map(|b| (b.key.as_str(), b.members))
            .collect();
        assert_eq!(
            kinds,
            [("CELL_KIND_RESIDENTIAL", 9), ("CELL_KIND_SCHOOL", 0)]
        );
        assert_eq!(report.by_cell_kind[0].label, "Khu dân cư");
        let cells: Vec<(&str, i64)> = report
            .cells_by_kind
            .iter()
            .map(|b| (b.key.as_str(), b.members))
            .collect();
        assert_eq!(
            cells,
            [("CELL_KIND_RESIDENTIAL", 1), ("CELL_KIND_SCHOOL", 1)]
        );
        assert_eq!(report.ethnicity[0].key, "01");
        assert_eq!(report.ethnicity[1].label, "Tày");
        // Literate, primary, lower and upper secondary.
        assert_eq!(report.general_education.len(), 4);
        assert_eq!(report.general_education[2].label, "Trung học cơ sở");
        assert_eq!(report.political_theory[0].members, 6);
        let tuong = report
            .cells
            .iter()
            .find(|c| c.cell.ends_with("/tuong-1"))
            .expect("open cell is listed");
        assert_eq!(
            (tuong.members, tuong.local_members, tuong.seconded_members),
            (9, 4, 5)
        );
        assert_eq!(
            (
                tuong.last_admission_date.as_str(),
                tuong.years_since_last_admission
            ),
            ("2015-07-01", 6)
        );
        let school = report
            .cells
            .iter()
            .find(|c| c.cell.ends_with("/truong-th"))
            .expect("open cell is listed");
        assert_eq!(
            (
                school.last_admission_date.as_str(),
                school.years_since_last_admission
            ),
            ("", -1)
        );
        assert_eq!(report.cells.len(), 2, "the closed cell is not listed");
    }

    #[test]
    fn admissions_fill_twelve_months_per_year() {
        let monthly = [
            ("2021-03".to_owned(), 2),
            ("2021-11".to_owned(), 4),
            ("2022-02".to_owned(), 2),
        ];
        let years = admissions_by_year(2021, 2023, &monthly);
        assert_eq!(
            years.iter().map(|y| (y.year, y.total)).collect::<Vec<_>>(),
            [(2021, 6), (2022, 2), (2023, 0)]
        );
        assert_eq!(years[0].by_month.len(), 12);
        assert_eq!(years[0].by_month[2], 2);
        assert_eq!(years[0].by_month[10], 4);
    }

    #[test]
    fn admissions_years_apply_defaults_and_limits() {
        let today = d("2022-06-30");
        assert_eq!(admissions_years(0, 0, today), Ok((2022, 2022)));
        assert_eq!(admissions_years(2020, 0, today), Ok((2020, 2020)));
        assert_eq!(admissions_years(2000, 2050, today), Ok((2000, 2050)));
        assert_eq!(
            admissions_years(2000, 2051, today).map_err(|e| e.0),
            Err("last_year")
        );
        assert_eq!(
            admissions_years(2022, 2021, today).map_err(|e| e.0),
            Err("last_year")
        );
        assert_eq!(
            admissions_years(-5, 0, today).map_err(|e| e.0),
            Err("first_year")
        );
    }

    #[test]
    fn freshness_lags_only_when_behind() {
        let position = FeedPosition {
            last_sequence: 10,
            last_commit_time_us: 1_000_000,
        };
        let caught_up = freshness(
            position,
            FeedContact {
                connected: true,
                head_sequence: 10,
                last_contact_us: 5,
                head_confirmed: true,
            },
            9_000_000,
        );
        assert_eq!((caught_up.pending_changes, caught_up.lag_seconds), (0, 0.0));
        assert!(caught_up.caught_up);
        let behind = freshness(
            position,
            FeedContact {
                connected: false,
                head_sequence: 15,
                last_contact_us: 5,
                head_confirmed: false,
            },
            9_000_000,
        );
        assert_eq!((behind.pending_changes, behind.lag_seconds), (5, 8.0));
        assert!(!behind.connected && !behind.caught_up);
        let unknown_head = freshness(position, FeedContact::default(), 9_000_000);
        assert_eq!(
            (unknown_head.head_sequence, unknown_head.pending_changes),
            (10, 0)
        );
        assert!(!unknown_head.caught_up, "no head heard of: not confirmed");
    }

    /// The last head heard of is applied, but membership cannot be reached (or its head was not
    /// announced on this connection yet): it may have moved on, or been restored behind, so the
    /// projection is not presented as caught up.
    #[test]
    fn an_applied_head_is_caught_up_only_on_a_confirmed_connection() {
        let position = FeedPosition {
            last_sequence: 10,
            last_commit_time_us: 1_000_000,
        };
        let contact = |connected, head_confirmed| FeedContact {
            connected,
            head_sequence: 10,
            last_contact_us: 5,
            head_confirmed,
        };
        for (connected, confirmed, caught_up) in [
            (true, true, true),
            (false, false, false),
            (true, false, false),
        ] {
            let answer = freshness(position, contact(connected, confirmed), 9_000_000);
            assert_eq!(answer.caught_up, caught_up, "{connected} {confirmed}");
            assert_eq!(answer.pending_changes, 0);
        }
    }
}
