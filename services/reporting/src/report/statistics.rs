//! The statistics a provincial office files, in plain Rust: point-in-time breakdowns over the
//! communes a scope counts, movements over a period reconciled by construction, and the ranking
//! of a province's communes. No sqlx, no I/O.
//!
//! Owns: the statistics roll (a member is on it from the admission decision, or the transfer in,
//! until the departure: the contract counts members awaiting the ceremony), which member is in a
//! scope on a day, how a roll entry or exit is classified, the breakdown tables and the ranking.
//! Does not own unit resolution ([`crate::report::units`]) or the bucket arithmetic shared with
//! the commune report ([`crate::report::commune`]).

use std::collections::{BTreeMap, BTreeSet};

use partyregistry_proto::reporting::v1::{
    AdmissionMovements, AdmissionProgress, Breakdown, Bucket, CellRatingSummary, CountedUnit,
    Freshness, Movements, RankedCommune, Reconciliation, Statistics,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use partyregistry_vocab::reference::{self, OTHER_RELIGION, ethnic_group, religion_label};

use crate::model::commune::{BirthCount, ProfileCount};
use crate::model::history::MemberHistory;
use crate::model::stint::Stint;
use crate::model::vocabulary::{EventType, Gender, MemberStatus, Qualification};
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
/// The Kinh majority's code; every other group is an ethnic minority.
const KINH: &str = "01";

impl MemberHistory {
    /// The day party age counts from: the person's first admission decision (a re-admitted
    /// member's earlier one), else the decision.
    pub fn party_age_start(&self) -> Option<Date> {
        self.first_decision_date.or(self.decision_date)
    }

    /// The statistics roll: the stints, preceded for a member admitted here (not transferred in)
    /// by the days from the admission decision to the ceremony (or the departure), in the
    /// admitting cell.
    pub fn roll_periods(&self) -> Vec<Stint> {
        let mut periods = Vec::with_capacity(self.stints.len() + 1);
        if let (None, Some(decided), Some((commune, cell))) =
            (self.joined_date, self.decision_date, &self.admitted_in)
        {
            let end = match (self.stints.first(), self.ceremony_date) {
                (Some(first), _) => Some(first.from),
                (None, Some(ceremony)) => Some(ceremony),
                (None, None) => self.left_date,
            };
            let end = match (end, self.left_date) {
                (Some(end), Some(left)) => Some(end.min(left)),
                (end, left) => end.or(left),
            };
            if end.is_none_or(|end| decided < end) {
                periods.push(Stint {
                    commune_code: commune.clone(),
                    cell_id: cell.clone(),
                    from: decided,
                    to: end,
                });
            }
        }
        periods.extend(self.stints.iter().cloned());
        periods
    }

    /// The roll period covering `day`.
    pub fn period_on(&self, day: Date) -> Option<Stint> {
        self.roll_periods().into_iter().find(|p| p.covers(day))
    }
}

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

/// One breakdown of the members on the roll on `as_of`.
fn breakdown(
    kind: &'static str,
    members: &[(&MemberHistory, Stint)],
    as_of: Date,
    options: &StatisticsOptions,
) -> Vec<Bucket> {
    let profiles: Vec<ProfileCount> = members
        .iter()
        .map(|(m, _)| ProfileCount {
            gender: m.gender,
            ethnicity_code: m.ethnicity_code.clone(),
            general_education: m.general_education,
            political_theory: m.political_theory,
            members: 1,
        })
        .collect();
    match kind {
        "ethnicity" => {
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
            let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
            for (m, _) in members {
                let code = if m.religion_code.is_empty() {
                    reference::NO_RELIGION
                } else {
                    m.religion_code.as_str()
                };
                *counts.entry(code).or_default() += 1;
            }
            counts.entry(reference::NO_RELIGION).or_default();
            // By code, the "other" code last as the list has it.
            let mut rows: Vec<(&str, i64)> = counts.into_iter().collect();
            rows.sort_by_key(|(code, _)| (*code == OTHER_RELIGION, *code));
            rows.into_iter()
                .map(|(code, count)| bucket(code, religion_label(code), count))
                .collect()
        }
        "age" => {
            let births: Vec<BirthCount> = members
                .iter()
                .map(|(m, _)| BirthCount {
                    birth_date: m.birth_date,
                    members: 1,
                })
                .collect();
            let (rows, unknown) = reports::age_bands_cut(&births, as_of, &options.age_bounds);
            let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
            let counts: Vec<i64> = rows.iter().map(|r| r.members).collect();
            band_buckets(&keys, age_label, &counts, unknown)
        }
        "general_education" => reports::general_education(&profiles),
        "political_theory" => reports::political_theory(&profiles),
        "qualification" => reports::by_level(
            Qualification::KEYS,
            members.iter().map(|(m, _)| (m.qualification.key(), 1)),
        ),
        "party_age" => {
            let keys = reports::band_keys(&options.party_age_bounds);
            let mut counts = vec![0_i64; keys.len()];
            let mut unknown = 0;
            for (m, _) in members {
                match m
                    .decision_date
                    .filter(|d| *d <= as_of)
                    .and(m.party_age_start())
                {
                    Some(decided) => {
                        let years = party_age_months(decided, &m.gaps, as_of).div_euclid(12);
                        counts[reports::band_index(&options.party_age_bounds, years)] += 1;
                    }
                    None => unknown += 1,
                }
            }
            band_buckets(&keys, party_age_label, &counts, unknown)
        }
        _ => reports::by_level(
            &[Gender::Male.key(), Gender::Female.key()],
            members.iter().map(|(m, _)| (m.gender.key(), 1)),
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

/// The statistics of the members on the roll of the `resolved` communes on `as_of`.
pub fn statistics(
    scope: &str,
    display_name: &str,
    as_of: Date,
    resolved: &Resolved,
    members: &[MemberHistory],
    options: &StatisticsOptions,
    freshness: Freshness,
) -> Statistics {
    let communes: BTreeSet<&str> = resolved.communes.iter().map(|c| c.code.as_str()).collect();
    let counted = on_roll(members, &communes, as_of);
    let total = counted.len() as i64;
    let official = counted
        .iter()
        // An exempt member is official, whether or not the feed dated the recognition.
        .filter(|(m, _)| match m.official_date {
            Some(official) => official <= as_of,
            None => m.status == MemberStatus::Exempt,
        })
        .count() as i64;
    let births: Vec<BirthCount> = counted
        .iter()
        .map(|(m, _)| BirthCount {
            birth_date: m.birth_date,
            members: 1,
        })
        .collect();
    let average = reports::average_age(&births, as_of);
    let mut notes = resolved.notes.clone();
    let awaiting = counted
        .iter()
        .filter(|(m, _)| {
            m.joined_date.is_none() && m.ceremony_date.is_none_or(|ceremony| ceremony > as_of)
        })
        .count();
    if awaiting > 0 {
        notes.push(format!(
            "{awaiting} đảng viên đã có quyết định kết nạp, chưa tổ chức lễ kết nạp: tính là dự bị"
        ));
    }
    let without_birth = births.iter().filter(|b| b.birth_date.is_none()).count();
    if without_birth > 0 {
        notes.push(format!(
            "{without_birth} đảng viên không có ngày sinh: không tính vào tuổi bình quân"
        ));
    }
    Statistics {
        scope: scope.to_owned(),
        display_name: display_name.to_owned(),
        as_of_date: date::format(as_of),
        total_members: total,
        official_members: official,
        probationary_members: total - official,
        women: counted
            .iter()
            .filter(|(m, _)| m.gender == Gender::Female)
            .count() as i64,
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
                rows: breakdown(kind, &counted, as_of, options),
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
                members: counted
                    .iter()
                    .filter(|(_, p)| p.commune_code == c.code)
                    .count() as i64,
            })
            .collect(),
        notes,
        freshness: Some(freshness),
    }
}

/// How a member left the roll of a scope, from the events of the day or else the status; `None`
/// when neither tells.
fn exit_kind(member: &MemberHistory, day: Date) -> Option<&'static str> {
    let of_day = member
        .events
        .iter()
        .filter(|e| e.date == day)
        .map(|e| e.event_type);
    for event in of_day {
        match event {
            EventType::Died => return Some("died"),
            EventType::Removed => return Some("removed"),
            EventType::Expelled => return Some("expelled"),
            EventType::Resigned => return Some("resigned"),
            EventType::TransferredOut | EventType::TransferredToCommune => {
                return Some("transferred_out");
            }
            _ => {}
        }
    }
    match member.status {
        MemberStatus::Deceased => Some("died"),
        MemberStatus::Removed => Some("removed"),
        MemberStatus::Expelled => Some("expelled"),
        MemberStatus::Resigned => Some("resigned"),
        MemberStatus::TransferredOut => Some("transferred_out"),
        _ => None,
    }
}

/// Movements of the members of `territory` (the communes a scope counts on some day of the
/// period) over `from..=to`. Members at the start and at the end are read from the roll periods,
/// and every entry into or exit from the territory's roll in the period is classified (an entry
/// is an admission or a transfer in, an exit a transfer out or a departure), so that start + in
/// = end + out holds by construction. Recognitions, temporary transfers and exemptions do not
/// change the roll: they are counted from the events of members on the territory's roll that day.
pub fn movements(
    scope: &str,
    display_name: &str,
    from: Date,
    to: Date,
    territory: &Resolved,
    members: &[MemberHistory],
    freshness: Freshness,
) -> Movements {
    let inside: BTreeSet<&str> = territory.communes.iter().map(|c| c.code.as_str()).collect();
    let within = |day: Date| from <= day && day <= to;
    let mut result = Movements {
        scope: scope.to_owned(),
        display_name: display_name.to_owned(),
        from_date: date::format(from),
        to_date: date::format(to),
        admitted: Some(AdmissionMovements::default()),
        notes: territory.notes.clone(),
        freshness: Some(freshness),
        ..Movements::default()
    };
    let mut admitted = AdmissionMovements::default();
    let (mut at_start, mut at_end) = (0_i64, 0_i64);
    let mut unexplained = 0;
    for member in members {
        let periods = member.roll_periods();
        for (index, period) in periods.iter().enumerate() {
            if !inside.contains(period.commune_code.as_str()) {
                continue;
            }
            let previous = index
                .checked_sub(1)
                .and_then(|i| periods.get(i))
                .filter(|p| p.to == Some(period.from));
            let next = periods.get(index + 1).filter(|n| Some(n.from) == period.to);
            if period.from < from && period.to.is_none_or(|end| end >= from) {
                at_start += 1;
            }
            if period.from <= to && period.to.is_none_or(|end| end > to) {
                at_end += 1;
            }
            if within(period.from) {
                match previous {
                    Some(p) if inside.contains(p.commune_code.as_str()) => {}
                    Some(_) => result.transferred_in += 1,
                    None if index == 0
                        && member.joined_date.is_none()
                        && member.admitted_in.is_some() =>
                    {
                        admitted.total += 1;
                        let decided = member.decision_date.unwrap_or(period.from);
                        if member
                            .birth_date
                            .is_some_and(|born| date::age_in_years(born, decided) < 30)
                        {
                            admitted.under_30 += 1;
                        }
                        admitted.youth_union += i64::from(member.youth_union);
                        admitted.ethnic_minority += i64::from(member.ethnicity_code != KINH);
                        admitted.women += i64::from(member.gender == Gender::Female);
                        admitted.readmitted += i64::from(member.readmission);
                    }
                    None => result.transferred_in += 1,
                }
            }
            if let Some(end) = period.to.filter(|end| within(*end)) {
                match next {
                    Some(n) if inside.contains(n.commune_code.as_str()) => {}
                    Some(_) => result.transferred_out += 1,
                    None => match exit_kind(member, end) {
                        Some("died") => result.died += 1,
                        Some("removed") => result.removed += 1,
                        Some("expelled") => result.expelled += 1,
                        Some("resigned") => result.resigned += 1,
                        Some(_) => result.transferred_out += 1,
                        // Every exit must be counted for the check to hold; the note says how.
                        None => {
                            unexplained += 1;
                            result.transferred_out += 1;
                        }
                    },
                }
            }
        }
        for event in member.events.iter().filter(|e| within(e.date)) {
            let counted = periods
                .iter()
                .any(|p| p.covers(event.date) && inside.contains(p.commune_code.as_str()));
            if !counted {
                continue;
            }
            match event.event_type {
                EventType::RecognizedOfficial => result.recognized_official += 1,
                EventType::TemporaryTransferStarted => result.temporary_out += 1,
                EventType::TemporaryTransferEnded => result.temporary_returned += 1,
                EventType::Exempted => result.exempted += 1,
                _ => {}
            }
        }
    }
    if unexplained > 0 {
        result.notes.push(format!(
            "{unexplained} đảng viên rời danh sách không kèm sự kiện: tính là chuyển đi"
        ));
    }
    let movements_in = admitted.total + result.transferred_in;
    let movements_out =
        result.transferred_out + result.died + result.removed + result.expelled + result.resigned;
    result.admitted = Some(admitted);
    result.reconciliation = Some(Reconciliation {
        members_at_start: at_start,
        movements_in,
        movements_out,
        members_at_end: at_end,
        balanced: at_start + movements_in == at_end + movements_out,
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
        });
    }
    ranked
}

#[cfg(test)]
mod tests;
