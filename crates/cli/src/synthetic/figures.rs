//! The expected figures of the generated province, computed from the plan's history, never written
//! by hand: a member is on a commune's roll from the day of its admission ceremony (or its
//! arrival) up to the day before it leaves; from its admission decision to the day before its
//! ceremony it is awaiting the ceremony, off the roll; admissions count on the decision day. Owns
//! [`SyntheticProvince`], what a seed run reports.

use chrono::{Duration, NaiveDate};
use partyregistry_proto::membership::v1::DepartureKind;
use partyregistry_vocab::{date, names};

use crate::dataset::people::identity::ymd;
use crate::synthetic::people::members::{
    Plan, PlannedMember, SpecialCase, StepKind, admission_of, code_of, entry_cell,
};
use crate::synthetic::province::{
    COMMUNES, COUNT_DATES, LAST_DATE, MERGE_DATE, MERGED, PROVINCE, SUCCESSOR, day,
};

/// Members of a commune on a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommuneCount {
    /// The day.
    pub date: String,
    /// `communes/{code}`.
    pub commune: String,
    /// Members on its roll that day.
    pub members: i64,
}

/// The province's movements over a period, as the reconciliation counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProvinceMovements {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// On the roll the day before `from`.
    pub members_at_start: i64,
    /// Admission decisions, on the decision day.
    pub admitted: i64,
    /// Admission ceremonies: the admitted entering the roll.
    pub ceremonies: i64,
    /// Arrivals from outside the province.
    pub transferred_in: i64,
    /// Departures to outside the province, of members on the roll.
    pub transferred_out: i64,
    /// Deaths on the roll.
    pub died: i64,
    /// Removals.
    pub removed: i64,
    /// Expulsions.
    pub expelled: i64,
    /// Resignations.
    pub resigned: i64,
    /// On the roll on `to`.
    pub members_at_end: i64,
    /// Admitted who left before their ceremony, never on the roll.
    pub left_awaiting_ceremony: i64,
    /// Decided and not yet at their ceremony the day before `from`.
    pub awaiting_at_start: i64,
    /// Decided and not yet at their ceremony on `to`.
    pub awaiting_at_end: i64,
}

/// What an end-to-end test needs to know about the loaded province.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SyntheticProvince {
    /// The seed.
    pub seed: u64,
    /// `provinces/12`.
    pub province: String,
    /// `communes/{code}` → display name, the successor included.
    pub commune_names: Vec<(String, String)>,
    /// The merged pair, `communes/{code}`.
    pub merged: Vec<String>,
    /// The successor, `communes/{code}`.
    pub successor: String,
    /// [`MERGE_DATE`].
    pub merge_date: String,
    /// Members per commune valid on each of the [`COUNT_DATES`].
    pub counts: Vec<CommuneCount>,
    /// Members of the province on each of the [`COUNT_DATES`].
    pub province_counts: Vec<(String, i64)>,
    /// Members of the province decided and awaiting their ceremony on each of the
    /// [`COUNT_DATES`], off the roll.
    pub province_awaiting: Vec<(String, i64)>,
    /// The province's movements per calendar year from 2015 (2026 up to [`LAST_DATE`]).
    pub movements: Vec<ProvinceMovements>,
    /// Resource names of the special cases.
    pub special: Vec<(SpecialCase, String)>,
    /// Members created by this run.
    pub members_created: u32,
    /// Members already there.
    pub members_present: u32,
    /// Lifecycle steps applied by this run.
    pub steps_applied: u32,
}

impl SyntheticProvince {
    /// Members of `commune` (`communes/{code}`) on `day`, one of the [`COUNT_DATES`].
    pub fn members_on(&self, commune: &str, day: &str) -> Option<i64> {
        self.counts
            .iter()
            .find(|c| c.commune == commune && c.date == day)
            .map(|c| c.members)
    }

    /// The resource name of a special case.
    pub fn special(&self, case: SpecialCase) -> Option<&str> {
        self.special
            .iter()
            .find(|(c, _)| *c == case)
            .map(|(_, name)| name.as_str())
    }

    /// The summary as Vietnamese text.
    pub fn render(&self) -> String {
        let mut out = format!(
            "Tỉnh tổng hợp {} (hạt giống {}): tạo mới {} đảng viên, đã có {}, {} bước đã ghi\n",
            self.province,
            self.seed,
            self.members_created,
            self.members_present,
            self.steps_applied
        );
        out.push_str(&format!(
            "Sáp nhập {} → {} từ {}\n",
            self.merged.join(", "),
            self.successor,
            self.merge_date
        ));
        for (name, display) in &self.commune_names {
            let counts: Vec<String> = self
                .counts
                .iter()
                .filter(|c| &c.commune == name)
                .map(|c| format!("{}: {}", c.date, c.members))
                .collect();
            out.push_str(&format!("  {display} ({name}) — {}\n", counts.join("; ")));
        }
        out
    }
}

/// The day a member leaves the province's records (a transfer out of it or a departure).
fn leaves(member: &PlannedMember) -> Option<NaiveDate> {
    member
        .steps
        .iter()
        .find(|step| {
            matches!(
                step.kind,
                StepKind::OutOfSystem { .. } | StepKind::Depart(_)
            )
        })
        .map(|step| step.date)
}

/// The day a member enters the roll: its arrival, else its admission ceremony; none for a
/// member who leaves before.
fn enters(member: &PlannedMember) -> Option<NaiveDate> {
    let admission = admission_of(member)?;
    let day = match &member.arrival {
        Some(arrival) => date::parse(&arrival.joined_date).ok()?,
        None => date::parse(&admission.ceremony_date).ok()?,
    };
    leaves(member).is_none_or(|left| day < left).then_some(day)
}

/// The days an admitted member awaits its ceremony: from the decision to the day before the
/// ceremony, or before it leaves when that comes first. None for an arrival, admitted elsewhere.
fn awaiting(member: &PlannedMember) -> Option<(NaiveDate, NaiveDate)> {
    if member.arrival.is_some() {
        return None;
    }
    let admission = admission_of(member)?;
    let decided = date::parse(&admission.decision_date).ok()?;
    let ceremony = date::parse(&admission.ceremony_date).ok()?;
    Some((
        decided,
        leaves(member).map_or(ceremony, |left| left.min(ceremony)),
    ))
}

/// A member's roll periods: (commune code, first day, first day off the roll).
pub(in crate::synthetic) fn periods(
    member: &PlannedMember,
) -> Vec<(String, NaiveDate, Option<NaiveDate>)> {
    let Some(start) = enters(member) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut code = code_of(&entry_cell(member));
    let mut from = start;
    for step in &member.steps {
        match &step.kind {
            StepKind::ToCommune { to_cell } => {
                // A move before the ceremony only says where the member enters the roll.
                if step.date > from {
                    out.push((code.clone(), from, Some(step.date)));
                    from = step.date;
                }
                code = code_of(to_cell);
            }
            StepKind::OutOfSystem { .. } | StepKind::Depart(_) => {
                out.push((code.clone(), from, Some(step.date)));
                return out;
            }
            _ => {}
        }
    }
    out.push((code, from, None));
    out
}

pub(in crate::synthetic) fn on_roll(
    periods: &[(String, NaiveDate, Option<NaiveDate>)],
    code: Option<&str>,
    on: NaiveDate,
) -> bool {
    periods.iter().any(|(c, from, until)| {
        code.is_none_or(|code| code == c) && *from <= on && until.is_none_or(|u| on < u)
    })
}

impl Plan {
    /// Members of commune `code` on `on`; `None` counts the whole province.
    pub fn members_on(&self, code: Option<&str>, on: NaiveDate) -> i64 {
        self.members
            .iter()
            .filter(|m| on_roll(&periods(m), code, on))
            .count() as i64
    }

    /// Members of the province decided and not yet at their ceremony on `on`.
    pub fn awaiting_on(&self, on: NaiveDate) -> i64 {
        self.members
            .iter()
            .filter_map(awaiting)
            .filter(|(decided, until)| *decided <= on && on < *until)
            .count() as i64
    }

    /// The province's movements over `[from, to]`.
    pub fn movements(&self, from: NaiveDate, to: NaiveDate) -> ProvinceMovements {
        let before = from - Duration::days(1);
        let mut result = ProvinceMovements {
            from: date::format(from),
            to: date::format(to),
            members_at_start: self.members_on(None, before),
            members_at_end: self.members_on(None, to),
            awaiting_at_start: self.awaiting_on(before),
            awaiting_at_end: self.awaiting_on(to),
            ..ProvinceMovements::default()
        };
        let within = |d: NaiveDate| from <= d && d <= to;
        for member in &self.members {
            let entered = enters(member);
            match (&member.arrival, admission_of(member)) {
                (Some(_), _) => {
                    if entered.is_some_and(within) {
                        result.transferred_in += 1;
                    }
                }
                (None, Some(admission)) => {
                    if date::parse(&admission.decision_date).is_ok_and(within) {
                        result.admitted += 1;
                    }
                    if entered.is_some_and(within) {
                        result.ceremonies += 1;
                    }
                }
                (None, None) => {}
            }
            for step in member.steps.iter().filter(|s| within(s.date)) {
                let leaving = matches!(
                    step.kind,
                    StepKind::OutOfSystem { .. } | StepKind::Depart(_)
                );
                // Leaving before the ceremony is a movement of the line awaiting it, not of the
                // roll.
                if leaving && entered.is_none() {
                    result.left_awaiting_ceremony += 1;
                    continue;
                }
                match step.kind {
                    StepKind::OutOfSystem { .. } => result.transferred_out += 1,
                    StepKind::Depart(DepartureKind::Death) => result.died += 1,
                    StepKind::Depart(DepartureKind::Removal) => result.removed += 1,
                    StepKind::Depart(DepartureKind::Expulsion) => result.expelled += 1,
                    StepKind::Depart(DepartureKind::Resignation) => result.resigned += 1,
                    _ => {}
                }
            }
        }
        result
    }

    /// The communes valid on `on`, `communes/{code}`.
    fn valid_communes(&self, on: NaiveDate) -> Vec<String> {
        let merge_day = day(MERGE_DATE);
        COMMUNES
            .iter()
            .enumerate()
            .filter(|(i, _)| on < merge_day || !MERGED.contains(i))
            .map(|(_, c)| c.code)
            .chain((on >= merge_day).then_some(SUCCESSOR.code))
            .map(names::commune)
            .collect()
    }

    /// The summary of this plan, before loading (no resource names, nothing created).
    pub fn summary(&self) -> SyntheticProvince {
        let mut counts = Vec::new();
        let mut province_counts = Vec::new();
        let mut province_awaiting = Vec::new();
        for day_text in COUNT_DATES {
            let on = day(day_text);
            for commune in self.valid_communes(on) {
                let code = commune.trim_start_matches("communes/").to_owned();
                counts.push(CommuneCount {
                    date: day_text.to_owned(),
                    members: self.members_on(Some(&code), on),
                    commune,
                });
            }
            province_counts.push((day_text.to_owned(), self.members_on(None, on)));
            province_awaiting.push((day_text.to_owned(), self.awaiting_on(on)));
        }
        let movements = (2015..=2026)
            .map(|year| {
                let to = if year == 2026 {
                    day(LAST_DATE)
                } else {
                    ymd(year, 12, 31)
                };
                self.movements(ymd(year, 1, 1), to)
            })
            .collect();
        SyntheticProvince {
            seed: self.seed,
            province: PROVINCE.to_owned(),
            commune_names: COMMUNES
                .iter()
                .chain([&SUCCESSOR])
                .map(|c| (names::commune(c.code), c.display_name.to_owned()))
                .collect(),
            merged: MERGED
                .iter()
                .map(|i| names::commune(COMMUNES[*i].code))
                .collect(),
            successor: names::commune(SUCCESSOR.code),
            merge_date: MERGE_DATE.to_owned(),
            counts,
            province_counts,
            province_awaiting,
            movements,
            special: Vec::new(),
            members_created: 0,
            members_present: 0,
            steps_applied: 0,
        }
    }
}
