//! The statistics a provincial office files, in plain Rust: point-in-time breakdowns over the
//! communes a scope counts, movements over a period reconciled by construction, and the ranking
//! of a province's communes. No sqlx, no I/O.
//!
//! Owns: which member is in a scope on a day (on the roll of every report, from the admission
//! ceremony or the transfer in until the departure, or on the line "decided, awaiting the
//! ceremony"), how a roll entry or exit is classified, the breakdown tables and the ranking.
//! Does not own unit resolution ([`crate::report::units`]) or the bucket arithmetic shared with
//! the commune report ([`crate::report::commune`]).

use std::collections::BTreeSet;

use partyregistry_proto::reporting::v1::{
    AdmissionMovements, AdmissionProgress, Breakdown, Bucket, CellRatingSummary, CountedUnit,
    Freshness, Movements, RankedCommune, Reconciliation, Statistics,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use partyregistry_vocab::reference::{NO_RELIGION, OTHER_RELIGION, ethnic_group, religion_label};

use crate::model::aggregate::{
    ADMITTED_ETHNIC_MINORITY, ADMITTED_READMITTED, ADMITTED_TOTAL, ADMITTED_UNDER_30,
    ADMITTED_WOMEN, ADMITTED_YOUTH_UNION, MovementCounts, PartyAgeInputs, RollCounts, UNEXPLAINED,
    admission_breakdowns, movement, profile, roll,
};
use crate::model::commune::ProfileCount;
use crate::model::history::MemberHistory;
use crate::model::stint::Stint;
use crate::model::vocabulary::{
    EDUCATIONS, EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory,
    QUALIFICATION_ORDER, education_key,
};
use crate::report::commune::{self as reports, bucket};
use crate::report::units::{CountedCommune, Resolved, province_name};

/// The breakdowns of GetStatistics, in the order they are listed, with their headings.
pub const BREAKDOWNS: [(&str, &str); 8] = [
    ("ethnicity", "Dân tộc"),
    ("religion", "Tôn giáo"),
    ("age", "Độ tuổi"),
    ("general_education", "Trình độ giáo dục phổ thông"),
    ("qualification", "Trình độ chuyên môn"),
    ("political_theory", "Trình độ lý luận chính trị"),
    ("party_age", "Tuổi đảng"),
    ("gender", "Giới tính"),
];

/// Default upper bounds of the party-age bands in whole years.
pub const DEFAULT_PARTY_AGE_BOUNDS: [i32; 5] = [9, 19, 29, 39, 49];

/// Key of the bucket of members whose value is not known (no birth date, no decision date).
const UNKNOWN: &str = "unknown";
/// Its label.
const UNKNOWN_LABEL: &str = "Không rõ";
/// Key and label of the ethnicity bucket of codes outside the 54 groups.
const OTHER_ETHNICITY: (&str, &str) = ("other", "Khác");

/// What GetStatistics was asked for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsOptions {
    /// The breakdown kinds, in the order of [`BREAKDOWNS`].
    pub breakdowns: Vec<&'static str>,
    /// Age band bounds.
    pub age_bounds: Vec<i32>,
    /// Party-age band bounds.
    pub party_age_bounds: Vec<i32>,
}

impl StatisticsOptions {
    /// Applies the defaults and checks the request; the field at fault and why on failure.
    pub fn from_request(
        breakdowns: &[String],
        age_bounds: &[i32],
        party_age_bounds: &[i32],
    ) -> Result<Self, (String, String)> {
        let mut asked = BTreeSet::new();
        for (index, kind) in breakdowns.iter().enumerate() {
            if !BREAKDOWNS.iter().any(|(known, _)| known == kind) {
                let known: Vec<&str> = BREAKDOWNS.iter().map(|(k, _)| *k).collect();
                return Err((
                    format!("breakdowns[{index}]"),
                    format!("unknown breakdown; one of {}", known.join(", ")),
                ));
            }
            asked.insert(kind.as_str());
        }
        let bounds = |field: &str, given: &[i32], default: &[i32]| {
            if given.is_empty() {
                return Ok(default.to_vec());
            }
            if given.len() > 20
                || given.iter().any(|b| !(0..=150).contains(b))
                || given.windows(2).any(|w| w[0] >= w[1])
            {
                return Err((
                    field.to_owned(),
                    "must be at most 20 increasing bounds between 0 and 150".to_owned(),
                ));
            }
            Ok(given.to_vec())
        };
        Ok(Self {
            breakdowns: BREAKDOWNS
                .iter()
                .map(|(kind, _)| *kind)
                .filter(|kind| asked.is_empty() || asked.contains(kind))
                .collect(),
            age_bounds: bounds(
                "age_band_upper_bounds",
                age_bounds,
                &reports::DEFAULT_AGE_BOUNDS,
            )?,
            party_age_bounds: bounds(
                "party_age_band_upper_bounds",
                party_age_bounds,
                &DEFAULT_PARTY_AGE_BOUNDS,
            )?,
        })
    }
}

/// Party age on `day` in whole months of a member on the roll (alive): see
/// [`partyregistry_rules::party_age`].
pub fn party_age_months(decided: Date, gaps: &[(Date, Date)], day: Date) -> i64 {
    partyregistry_rules::party_age::party_age_months(decided, gaps, day, None)
}

/// Members on the statistics roll of one of `communes` on `day`, with the period covering it.
pub fn on_roll<'a>(
    members: &'a [MemberHistory],
    communes: &BTreeSet<&str>,
    day: Date,
) -> Vec<(&'a MemberHistory, Stint)> {
    members
        .iter()
        .filter_map(|m| {
            m.period_on(day)
                .filter(|p| communes.contains(p.commune_code.as_str()))
                .map(|p| (m, p))
        })
        .collect()
}

/// The members on the roll of one of `communes` on `day` counted from their histories: the
/// recomputation the aggregate read model is checked against.
pub fn roll_counts_of(
    members: &[MemberHistory],
    communes: &BTreeSet<&str>,
    day: Date,
) -> RollCounts {
    let mut counts = RollCounts {
        awaiting: members
            .iter()
            .filter_map(MemberHistory::awaiting_period)
            .filter(|waiting| {
                waiting.covers(day) && communes.contains(waiting.commune_code.as_str())
            })
            .count() as i64,
        ..RollCounts::default()
    };
    for (m, period) in on_roll(members, communes, day) {
        let mut tally = |dimension: &str, value: &str| {
            // The values are the ones the model spells, so they read back.
            let _ = counts.add(&period.commune_code, dimension, value, 1);
        };
        tally(roll::TOTAL, "");
        tally(roll::PROFILE, &profile(m));
        tally(
            roll::BIRTH,
            &m.birth_date.map(date::format).unwrap_or_default(),
        );
        let official = match m.official_date {
            Some(official) => official <= day,
            None => m.status == MemberStatus::Exempt,
        };
        if official {
            tally(roll::OFFICIAL, "");
        }
        let party_age = m.decision_date.filter(|d| *d <= day).map(|decided| {
            PartyAgeInputs {
                decided,
                gaps: m.gaps.clone(),
            }
            .key()
        });
        tally(roll::PARTY_AGE, &party_age.unwrap_or_default());
    }
    counts
}

fn band_buckets(
    keys: &[String],
    label_of: impl Fn(&str) -> String,
    counts: &[i64],
    unknown: i64,
) -> Vec<Bucket> {
    let mut rows: Vec<Bucket> = keys
        .iter()
        .zip(counts)
        .map(|(key, count)| bucket(key, &label_of(key), *count))
        .collect();
    if unknown > 0 {
        rows.push(bucket(UNKNOWN, UNKNOWN_LABEL, unknown));
    }
    rows
}

fn age_label(key: &str) -> String {
    if let Some(bound) = key.strip_prefix("<=") {
        format!("Đến {bound} tuổi")
    } else if let Some(bound) = key.strip_prefix(">=") {
        format!("Từ {bound} tuổi trở lên")
    } else {
        format!("{} tuổi", key.replace('-', "–"))
    }
}

fn party_age_label(key: &str) -> String {
    if let Some(bound) = key.strip_prefix("<=") {
        format!("Dưới {} năm", bound.parse::<i32>().map_or(0, |b| b + 1))
    } else if let Some(bound) = key.strip_prefix(">=") {
        format!("Từ {bound} năm trở lên")
    } else {
        format!("{} năm", key.replace('-', "–"))
    }
}

/// One breakdown of the members counted on `as_of`.
fn breakdown(
    kind: &'static str,
    counts: &RollCounts,
    as_of: Date,
    options: &StatisticsOptions,
) -> Vec<Bucket> {
    match kind {
        "ethnicity" => {
            let profiles: Vec<ProfileCount> = counts
                .ethnicities
                .iter()
                .map(|(code, members)| ProfileCount {
                    gender: Gender::default(),
                    ethnicity_code: code.clone(),
                    general_education: GeneralEducation::default(),
                    political_theory: PoliticalTheory::default(),
                    members: *members,
                })
                .collect();
            // Codes outside the 54 groups are folded into one "other" row.
            let mut rows: Vec<Bucket> = Vec::new();
            let mut other = 0;
            for row in reports::ethnicity(&profiles) {
                if ethnic_group(&row.key).is_some() {
                    rows.push(row);
                } else {
                    other += row.members;
                }
            }
            if other > 0 {
                rows.push(bucket(OTHER_ETHNICITY.0, OTHER_ETHNICITY.1, other));
            }
            rows
        }
        "religion" => {
            let mut rows: Vec<(&str, i64)> = counts
                .religions
                .iter()
                .map(|(code, count)| (code.as_str(), *count))
                .collect();
            if !counts.religions.contains_key(NO_RELIGION) {
                rows.push((NO_RELIGION, 0));
            }
            // By code, the "other" code last as the list has it.
            rows.sort_by_key(|(code, _)| (*code == OTHER_RELIGION, *code));
            rows.into_iter()
                .map(|(code, count)| bucket(code, religion_label(code), count))
                .collect()
        }
        "age" => {
            let (rows, unknown) =
                reports::age_bands_cut(&counts.birth_counts(), as_of, &options.age_bounds);
            let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
            let counts: Vec<i64> = rows.iter().map(|r| r.members).collect();
            band_buckets(&keys, age_label, &counts, unknown)
        }
        "general_education" => {
            let levels = EDUCATIONS.map(education_key);
            reports::by_level(
                &levels,
                counts.educations.iter().map(|(level, n)| (level.key(), *n)),
            )
        }
        "political_theory" => reports::by_level(
            PoliticalTheory::KEYS,
            counts.theories.iter().map(|(level, n)| (level.key(), *n)),
        ),
        "qualification" => reports::by_level(
            &QUALIFICATION_ORDER,
            counts
                .qualifications
                .iter()
                .map(|(level, n)| (level.key(), *n)),
        ),
        "party_age" => {
            let keys = reports::band_keys(&options.party_age_bounds);
            let mut bands = vec![0_i64; keys.len()];
            let mut unknown = 0;
            for (inputs, members) in &counts.party_ages {
                match inputs.as_ref().filter(|i| i.decided <= as_of) {
                    Some(inputs) => {
                        let years =
                            party_age_months(inputs.decided, &inputs.gaps, as_of).div_euclid(12);
                        bands[reports::band_index(&options.party_age_bounds, years)] += members;
                    }
                    None => unknown += members,
                }
            }
            band_buckets(&keys, party_age_label, &bands, unknown)
        }
        _ => reports::by_level(
            &[Gender::Male.key(), Gender::Female.key()],
            counts.genders.iter().map(|(gender, n)| (gender.key(), *n)),
        )
        .into_iter()
        .map(|row| {
            if row.label == row.key {
                bucket(&row.key, UNKNOWN_LABEL, row.members)
            } else {
                row
            }
        })
        .collect(),
    }
}

/// The statistics of the members on the roll of the `resolved` communes on `as_of`, from their
/// `counts` on that day.
pub fn statistics(
    scope: &str,
    display_name: &str,
    as_of: Date,
    resolved: &Resolved,
    counts: &RollCounts,
    options: &StatisticsOptions,
    freshness: Freshness,
) -> Statistics {
    let births = counts.birth_counts();
    let average = reports::average_age(&births, as_of);
    let mut notes = resolved.notes.clone();
    let without_birth = counts.births.get(&None).copied().unwrap_or(0);
    if without_birth > 0 {
        notes.push(format!(
            "{without_birth} đảng viên không có ngày sinh: không tính vào tuổi bình quân"
        ));
    }
    Statistics {
        scope: scope.to_owned(),
        display_name: display_name.to_owned(),
        as_of_date: date::format(as_of),
        total_members: counts.total,
        official_members: counts.official,
        probationary_members: counts.total - counts.official,
        women: counts.genders.get(&Gender::Female).copied().unwrap_or(0),
        average_age: (average * 10.0).round() / 10.0,
        breakdowns: options
            .breakdowns
            .iter()
            .map(|kind| Breakdown {
                kind: (*kind).to_owned(),
                title: BREAKDOWNS
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map_or(*kind, |(_, title)| title)
                    .to_owned(),
                rows: breakdown(kind, counts, as_of, options),
            })
            .collect(),
        units: resolved
            .communes
            .iter()
            .map(|c| CountedUnit {
                suppressed_fields: Vec::new(),
                commune: names::commune(&c.code),
                display_name: c.display_name.clone(),
                province: province_name(&c.province_code),
                members: counts.by_commune.get(&c.code).copied().unwrap_or(0),
            })
            .collect(),
        notes,
        freshness: Some(freshness),
        suppressed_fields: Vec::new(),
        awaiting_ceremony_members: counts.awaiting,
    }
}

/// The roll and the line awaiting the ceremony of a territory, the day before a period and on its
/// last day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodEnds {
    /// Members on the roll: (the day before the first, the last day).
    pub members: (i64, i64),
    /// Decided, awaiting the ceremony: (the day before the first, the last day).
    pub awaiting: (i64, i64),
}

/// Movements of `territory` (the communes a scope counts on some day of the period) over
/// `from..=to`, from its roll and line awaiting the ceremony at both `ends` and the movement
/// ledger summed over the period and the territory. An entry from a commune of the territory or
/// an exit into one is a move inside it and not counted; every other entry is a ceremony or a
/// transfer in and every other exit a transfer out or a departure, so that start + in = end + out
/// holds by construction; admissions enter the line awaiting the ceremony, which ceremonies and
/// departures before one leave. Recognitions, temporary transfers and exemptions do not change
/// the roll: they are the events of members on the territory's roll that day.
pub fn movements(
    scope: &str,
    display_name: &str,
    (from, to): (Date, Date),
    territory: &Resolved,
    ends: PeriodEnds,
    counts: &MovementCounts,
    freshness: Freshness,
) -> Movements {
    let inside: BTreeSet<&str> = territory.communes.iter().map(|c| c.code.as_str()).collect();
    let mut result = Movements {
        scope: scope.to_owned(),
        display_name: display_name.to_owned(),
        from_date: date::format(from),
        to_date: date::format(to),
        notes: territory.notes.clone(),
        freshness: Some(freshness),
        suppressed_fields: Vec::new(),
        ..Movements::default()
    };
    let mut admitted = AdmissionMovements::default();
    let mut unexplained = 0;
    for ((dimension, value), count) in counts {
        let count = *count;
        let crosses = value.is_empty() || !inside.contains(value.as_str());
        match dimension.as_str() {
            movement::ENTERED_FROM if crosses => result.transferred_in += count,
            movement::LEFT_TO if crosses => result.transferred_out += count,
            movement::CEREMONY => result.ceremonies += count,
            movement::LEFT_AWAITING => result.left_awaiting_ceremony += count,
            movement::ADMITTED => {
                for breakdown in admission_breakdowns(value) {
                    match breakdown {
                        ADMITTED_TOTAL => admitted.total += count,
                        ADMITTED_UNDER_30 => admitted.under_30 += count,
                        ADMITTED_YOUTH_UNION => admitted.youth_union += count,
                        ADMITTED_ETHNIC_MINORITY => admitted.ethnic_minority += count,
                        ADMITTED_WOMEN => admitted.women += count,
                        ADMITTED_READMITTED => admitted.readmitted += count,
                        _ => {}
                    }
                }
            }
            movement::EXITED => match value.as_str() {
                "died" => result.died += count,
                "removed" => result.removed += count,
                "expelled" => result.expelled += count,
                "resigned" => result.resigned += count,
                UNEXPLAINED => {
                    // Every exit must be counted for the check to hold; the note says how.
                    unexplained += count;
                    result.transferred_out += count;
                }
                _ => result.transferred_out += count,
            },
            movement::EVENT => match EventType::from_key(value) {
                Some(EventType::RecognizedOfficial) => result.recognized_official += count,
                Some(EventType::TemporaryTransferStarted) => result.temporary_out += count,
                Some(EventType::TemporaryTransferEnded) => result.temporary_returned += count,
                Some(EventType::Exempted) => result.exempted += count,
                _ => {}
            },
            _ => {}
        }
    }
    close_movements(result, admitted, ends, unexplained)
}

/// Completes a movements answer: the note on members who left without an event, the admissions,
/// and the reconciliation of the roll and of the line awaiting the ceremony at both ends against
/// what came in and went out.
pub(crate) fn close_movements(
    mut result: Movements,
    admitted: AdmissionMovements,
    ends: PeriodEnds,
    unexplained: i64,
) -> Movements {
    let ((at_start, at_end), (awaiting_at_start, awaiting_at_end)) = (ends.members, ends.awaiting);
    if unexplained > 0 {
        result.notes.push(format!(
            "{unexplained} đảng viên rời danh sách không kèm sự kiện: tính là chuyển đi"
        ));
    }
    let movements_in = result.ceremonies + result.transferred_in;
    let awaiting_balanced = awaiting_at_start + admitted.total
        == result.ceremonies + result.left_awaiting_ceremony + awaiting_at_end;
    let movements_out =
        result.transferred_out + result.died + result.removed + result.expelled + result.resigned;
    result.admitted = Some(admitted);
    result.reconciliation = Some(Reconciliation {
        members_at_start: at_start,
        movements_in,
        movements_out,
        members_at_end: at_end,
        balanced: at_start + movements_in == at_end + movements_out && awaiting_balanced,
        awaiting_at_start,
        awaiting_at_end,
    });
    result
}

/// A commune's value on a ranking indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneValue {
    /// Code.
    pub code: String,
    /// Display name.
    pub display_name: String,
    /// Its province on the day.
    pub province_code: String,
    /// The value; `None` when the commune lacks what the indicator needs.
    pub value: Option<f64>,
    /// How it was computed.
    pub detail: String,
}

/// A commune's admissions of the year as a percentage of its target (no value without a target).
pub fn admissions_against_target(
    commune: &CountedCommune,
    progress: &AdmissionProgress,
) -> CommuneValue {
    let value = (progress.has_target && progress.target > 0)
        .then(|| 100.0 * progress.admitted as f64 / f64::from(progress.target));
    CommuneValue {
        code: commune.code.clone(),
        display_name: commune.display_name.clone(),
        province_code: commune.province_code.clone(),
        value,
        detail: if progress.has_target {
            format!("{}/{} đảng viên", progress.admitted, progress.target)
        } else {
            format!("{} đảng viên, chưa có chỉ tiêu", progress.admitted)
        },
    }
}

/// A commune's percentage of cells rated GOOD or better (no value without rated cells).
pub fn good_cells_percent(commune: &CountedCommune, summary: &CellRatingSummary) -> CommuneValue {
    CommuneValue {
        code: commune.code.clone(),
        display_name: commune.display_name.clone(),
        province_code: commune.province_code.clone(),
        value: (summary.denominator > 0).then_some(summary.percent),
        detail: format!("{}/{} chi bộ", summary.numerator, summary.denominator),
    }
}

/// Ranks communes, best (highest) first: equal values share a rank, communes without a value come
/// last and share the rank after the last valued one; code order breaks ties.
pub fn rank(mut values: Vec<CommuneValue>) -> Vec<RankedCommune> {
    values.sort_by(|a, b| {
        let key = |v: &CommuneValue| v.value.unwrap_or(f64::NEG_INFINITY);
        (b.value.is_some())
            .cmp(&a.value.is_some())
            .then(key(b).total_cmp(&key(a)))
            .then(a.code.cmp(&b.code))
    });
    let mut ranked: Vec<RankedCommune> = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let position = i32::try_from(index + 1).unwrap_or(i32::MAX);
        let rank = match ranked.last() {
            Some(last)
                if last.has_value == value.value.is_some()
                    && (!last.has_value || Some(last.value) == value.value) =>
            {
                last.rank
            }
            _ => position,
        };
        ranked.push(RankedCommune {
            rank,
            commune: names::commune(&value.code),
            display_name: value.display_name,
            value: value.value.unwrap_or(0.0),
            has_value: value.value.is_some(),
            detail: value.detail,
            suppressed: false,
            province: province_name(&value.province_code),
        });
    }
    ranked
}

#[cfg(test)]
pub(crate) mod from_members;
#[cfg(test)]
mod tests;
