//! The aggregate read model of the provincial statistics: what one member contributes to the
//! per-commune counts the store keeps, so that a province or the country is answered by summing
//! stored rows instead of loading members.
//!
//! Two ledgers, both keyed by (commune, dimension, value, day):
//! - the **roll** ledger holds dated deltas: +1 on the first day a member counts under a value in
//!   a commune, −1 on the first day they no longer do; the members under a value on day D are the
//!   sum of the deltas dated on or before D. The roll is the one of every report, from the
//!   admission ceremony or the transfer in ([`MemberHistory::roll_periods`]); the line awaiting
//!   the ceremony is an interval of its own in the admitting commune, outside the roll. Values
//!   that change with the day (official, a known party age) are intervals of their own, and the
//!   inputs of ages (birth date, admission decision and party-age gaps) are stored whole, so that
//!   ages on any day stay exact;
//! - the **movement** ledger holds what happened on a day: admissions with their breakdown on the
//!   day of the decision, ceremonies and departures before one, roll entries with the commune the
//!   member came from, exits with the commune they went to or how they left, and the events
//!   counted while on the roll. The scope's own communes decide at read time which entries and
//!   exits cross its border.
//!
//! Owns the contribution of one member history. Does not own how the ledgers are stored and
//! summed (`crate::store`) or what the reports make of the sums (`crate::report::statistics`).

use std::collections::BTreeMap;

use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::reference;

use super::commune::BirthCount;
use super::history::MemberHistory;
use super::stint::Stint;
use super::vocabulary::{
    EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory, Qualification,
};

/// Dimensions of the roll ledger.
pub mod roll {
    /// Every member on the roll (value empty).
    pub const TOTAL: &str = "total";
    /// Official members (value empty).
    pub const OFFICIAL: &str = "official";
    /// Members decided but awaiting the ceremony, not on the roll (value empty).
    pub const AWAITING: &str = "awaiting";
    /// Gender value name.
    pub const GENDER: &str = "gender";
    /// Ethnic group code.
    pub const ETHNICITY: &str = "ethnicity";
    /// Religion code (`00` for none).
    pub const RELIGION: &str = "religion";
    /// General education value name.
    pub const GENERAL_EDUCATION: &str = "general_education";
    /// Political theory value name.
    pub const POLITICAL_THEORY: &str = "political_theory";
    /// Qualification value name.
    pub const QUALIFICATION: &str = "qualification";
    /// The values of every breakdown a member keeps for a whole roll period — gender, ethnic
    /// group, religion, general education, political theory, qualification — in one value
    /// ([`super::profile`]): one dated row per period instead of one per breakdown. The sum at
    /// the pivot holds each breakdown apart ([`super::breakdowns`]), since profiles are nearly
    /// as many as members while each breakdown has a handful of values, and most answers read
    /// that sum. The birth date is a row of its own.
    pub const PROFILE: &str = "profile";
    /// Birth date, empty when unknown.
    pub const BIRTH: &str = "birth";
    /// Party-age inputs ([`super::PartyAgeInputs::key`]), empty while unknown (no decision yet).
    pub const PARTY_AGE: &str = "party_age";
}

/// Dimensions of the movement ledger.
pub mod movement {
    /// A roll entry not by admission; value: the commune of the adjacent period before, empty
    /// when there was none.
    pub const ENTERED_FROM: &str = "entered_from";
    /// An admission decision; value: [`super::ADMITTED_TOTAL`] and the breakdown keys the
    /// admitted member counts under, in one value ([`super::admission_breakdowns`]), so that an
    /// admission is one row.
    pub const ADMITTED: &str = "admitted";
    /// An admission ceremony: the admitted entering the roll (value empty).
    pub const CEREMONY: &str = "ceremony";
    /// A departure of an admitted member before the ceremony; value: how
    /// ([`super::exit_kind`]), or [`super::UNEXPLAINED`].
    pub const LEFT_AWAITING: &str = "left_awaiting";
    /// A roll exit into an adjacent period; value: its commune.
    pub const LEFT_TO: &str = "left_to";
    /// A roll exit with no period after; value: how ([`super::exit_kind`]), or
    /// [`super::UNEXPLAINED`].
    pub const EXITED: &str = "exited";
    /// An event counted while on the roll; value: the event type's value name.
    pub const EVENT: &str = "event";
}

/// The admitted value counting every admission.
pub const ADMITTED_TOTAL: &str = "total";
/// Breakdown keys of admissions.
pub const ADMITTED_UNDER_30: &str = "under_30";
/// Admitted Youth Union members.
pub const ADMITTED_YOUTH_UNION: &str = "youth_union";
/// Admitted members of an ethnic minority.
pub const ADMITTED_ETHNIC_MINORITY: &str = "ethnic_minority";
/// Admitted women.
pub const ADMITTED_WOMEN: &str = "women";
/// Re-admissions.
pub const ADMITTED_READMITTED: &str = "readmitted";
/// An exit that neither an event of the day nor the status explains.
pub const UNEXPLAINED: &str = "unexplained";
/// The Kinh majority's code; every other group is an ethnic minority.
pub const KINH: &str = "01";

/// Which ledger a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ledger {
    /// Dated deltas of the roll.
    Roll,
    /// Counts of what happened on a day.
    Movement,
}

/// One row of a ledger.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AggregateKey {
    /// The ledger.
    pub ledger: Ledger,
    /// Commune of the roll period.
    pub commune_code: String,
    /// One of [`roll`] or [`movement`].
    pub dimension: &'static str,
    /// The value under the dimension.
    pub value: String,
    /// The day.
    pub day: Date,
}

/// What members contribute: a count per ledger row (zeros dropped).
pub type Contribution = BTreeMap<AggregateKey, i64>;

/// Adds `other` times `sign` into `into`, dropping rows that reach zero.
pub fn merge_into(into: &mut Contribution, other: &Contribution, sign: i64) {
    for (key, count) in other {
        let entry = into.entry(key.clone()).or_default();
        *entry += sign * count;
        if *entry == 0 {
            into.remove(key);
        }
    }
}

/// The events that tell how a member left the roll, with the kind of exit each tells.
const EXIT_EVENTS: [(EventType, &str); 6] = [
    (EventType::Died, "died"),
    (EventType::Removed, "removed"),
    (EventType::Expelled, "expelled"),
    (EventType::Resigned, "resigned"),
    (EventType::TransferredOut, "transferred_out"),
    (EventType::TransferredToCommune, "transferred_out"),
];

/// The events the movements count where they happen (`movement::EVENT`).
const MOVEMENT_EVENTS: [EventType; 4] = [
    EventType::RecognizedOfficial,
    EventType::TemporaryTransferStarted,
    EventType::TemporaryTransferEnded,
    EventType::Exempted,
];

/// Whether the ledgers read events of `event_type`: an exit's or a counted movement's. Every
/// other event (a details update, a ceremony, a discipline…) moves no ledger row, so that the
/// ledgers follow a member by these alone, however long its history grows.
pub fn read_by_ledgers(event_type: EventType) -> bool {
    MOVEMENT_EVENTS.contains(&event_type) || EXIT_EVENTS.iter().any(|(exit, _)| *exit == event_type)
}

/// How a member left the roll on `day`, from the events of the day or else the status; `None`
/// when neither tells. Values: `died`, `removed`, `expelled`, `resigned`, `transferred_out`.
pub fn exit_kind(member: &MemberHistory, day: Date) -> Option<&'static str> {
    let of_day = member
        .events
        .iter()
        .filter(|e| e.date == day)
        .map(|e| e.event_type);
    for event in of_day {
        if let Some((_, kind)) = EXIT_EVENTS.iter().find(|(exit, _)| *exit == event) {
            return Some(kind);
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

/// What party age on a day is computed from: the admission decision (the first one of a
/// re-admitted member) and the gaps.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartyAgeInputs {
    /// The admission decision.
    pub decided: Date,
    /// Gaps (first day, last day).
    pub gaps: Vec<(Date, Date)>,
}

impl PartyAgeInputs {
    /// The stored value: `decided` then `;from/to` per gap.
    pub fn key(&self) -> String {
        let mut key = date::format(self.decided);
        for (from, to) in &self.gaps {
            key.push(';');
            key.push_str(&date::format(*from));
            key.push('/');
            key.push_str(&date::format(*to));
        }
        key
    }

    /// Reads a stored value back; `None` if it is not one.
    pub fn from_key(key: &str) -> Option<Self> {
        let mut parts = key.split(';');
        let decided = date::parse(parts.next()?).ok()?;
        let gaps = parts
            .map(|gap| {
                let (from, to) = gap.split_once('/')?;
                Some((date::parse(from).ok()?, date::parse(to).ok()?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self { decided, gaps })
    }
}

/// Adds one member to `[from, to)` of a value (nothing for an empty interval).
fn interval(
    into: &mut Contribution,
    commune: &str,
    dimension: &'static str,
    value: &str,
    from: Date,
    to: Option<Date>,
) {
    if to.is_some_and(|to| to <= from) {
        return;
    }
    let mut add = |day: Date, delta: i64| {
        let key = AggregateKey {
            ledger: Ledger::Roll,
            commune_code: commune.to_owned(),
            dimension,
            value: value.to_owned(),
            day,
        };
        let entry = into.entry(key.clone()).or_default();
        *entry += delta;
        if *entry == 0 {
            into.remove(&key);
        }
    };
    add(from, 1);
    if let Some(to) = to {
        add(to, -1);
    }
}

fn happened(
    into: &mut Contribution,
    commune: &str,
    dimension: &'static str,
    value: &str,
    day: Date,
) {
    *into
        .entry(AggregateKey {
            ledger: Ledger::Movement,
            commune_code: commune.to_owned(),
            dimension,
            value: value.to_owned(),
            day,
        })
        .or_default() += 1;
}

fn earlier(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The roll periods as the statistics count them on a day: the first period covering the day
/// wins, so a period's days already covered by an earlier one are left out.
fn counted_periods(periods: &[Stint]) -> Vec<Stint> {
    let mut counted: Vec<Stint> = Vec::with_capacity(periods.len());
    // The end of what earlier periods cover, `None` once one of them is open.
    let mut covered_until: Option<Option<Date>> = None;
    for period in periods {
        let from = match covered_until {
            None => period.from,
            Some(None) => break,
            Some(Some(end)) => period.from.max(end),
        };
        if period.to.is_none_or(|to| from < to) {
            counted.push(Stint {
                from,
                ..period.clone()
            });
        }
        covered_until = Some(match covered_until {
            None => period.to,
            Some(Some(end)) => period.to.map(|to| to.max(end)),
            Some(None) => None,
        });
    }
    counted
}

/// The breakdowns a [`roll::PROFILE`] value holds, in its order.
const PROFILE_DIMENSIONS: [&str; 6] = [
    roll::GENDER,
    roll::ETHNICITY,
    roll::RELIGION,
    roll::GENERAL_EDUCATION,
    roll::POLITICAL_THEORY,
    roll::QUALIFICATION,
];
/// Between the values of a profile or of an admission's breakdowns: neither a reference code nor
/// a value name holds it.
const LIST_SEPARATOR: &str = "|";

/// The breakdown keys of an [`movement::ADMITTED`] value, [`ADMITTED_TOTAL`] first.
pub fn admission_breakdowns(value: &str) -> impl Iterator<Item = &str> {
    value.split(LIST_SEPARATOR)
}

/// A member's [`roll::PROFILE`] value: their values under [`PROFILE_DIMENSIONS`], in order.
pub fn profile(member: &MemberHistory) -> String {
    let religion = if member.religion_code.is_empty() {
        reference::NO_RELIGION
    } else {
        member.religion_code.as_str()
    };
    let values: [&str; PROFILE_DIMENSIONS.len()] = [
        member.gender.key(),
        member.ethnicity_code.as_str(),
        religion,
        member.general_education.key(),
        member.political_theory.key(),
        member.qualification.key(),
    ];
    values.join(LIST_SEPARATOR)
}

/// The (dimension, value) pairs a roll ledger row counts under: each breakdown of a
/// [`roll::PROFILE`] row, else the row's own; `None` for a profile value that does not read.
pub fn breakdowns<'v>(
    dimension: &'static str,
    value: &'v str,
) -> Option<Vec<(&'static str, &'v str)>> {
    if dimension != roll::PROFILE {
        return Some(vec![(dimension, value)]);
    }
    let values: Vec<&str> = value.split(LIST_SEPARATOR).collect();
    (values.len() == PROFILE_DIMENSIONS.len())
        .then(|| PROFILE_DIMENSIONS.into_iter().zip(values).collect())
}

/// What one member contributes to both ledgers.
pub fn contribution(member: &MemberHistory) -> Contribution {
    let mut into = Contribution::new();
    let periods = member.roll_periods();
    let profile = profile(member);
    let birth = member.birth_date.map(date::format).unwrap_or_default();
    // Counted from the first admission decision of a re-admitted member (party_age_start).
    let party_age = member.party_age_start().map(|decided| {
        PartyAgeInputs {
            decided,
            gaps: member.gaps.clone(),
        }
        .key()
    });
    for period in counted_periods(periods) {
        let (commune, from, to) = (period.commune_code.as_str(), period.from, period.to);
        for (dimension, value) in [
            (roll::TOTAL, ""),
            (roll::PROFILE, profile.as_str()),
            (roll::BIRTH, birth.as_str()),
        ] {
            interval(&mut into, commune, dimension, value, from, to);
        }
        // An exempt member is official, whether or not the feed dated the recognition.
        match member.official_date {
            Some(official) => interval(
                &mut into,
                commune,
                roll::OFFICIAL,
                "",
                from.max(official),
                to,
            ),
            None if member.status == MemberStatus::Exempt => {
                interval(&mut into, commune, roll::OFFICIAL, "", from, to);
            }
            None => {}
        }
        match (member.decision_date, &party_age) {
            (Some(decided), Some(key)) => {
                interval(
                    &mut into,
                    commune,
                    roll::PARTY_AGE,
                    "",
                    from,
                    earlier(to, Some(decided)),
                );
                interval(
                    &mut into,
                    commune,
                    roll::PARTY_AGE,
                    key,
                    from.max(decided),
                    to,
                );
            }
            _ => interval(&mut into, commune, roll::PARTY_AGE, "", from, to),
        }
    }
    let admitted_here = member.joined_date.is_none() && member.admitted_in.is_some();
    if let Some(waiting) = member.awaiting_period() {
        let commune = waiting.commune_code.as_str();
        interval(
            &mut into,
            commune,
            roll::AWAITING,
            "",
            waiting.from,
            waiting.to,
        );
        if let (Some(end), true) = (waiting.to, periods.is_empty()) {
            let kind = exit_kind(member, end).unwrap_or(UNEXPLAINED);
            happened(&mut into, commune, movement::LEFT_AWAITING, kind, end);
        }
    }
    // Admissions on the day of the decision (the ceremony's, when the feed gave no decision).
    let decided = member.decision_date.or(periods.first().map(|p| p.from));
    if let (true, Some(decided), Some((commune, _))) = (admitted_here, decided, &member.admitted_in)
    {
        let under_30 = member
            .birth_date
            .is_some_and(|born| date::age_in_years(born, decided) < 30);
        let breakdowns: Vec<&str> = [
            (ADMITTED_TOTAL, true),
            (ADMITTED_UNDER_30, under_30),
            (ADMITTED_YOUTH_UNION, member.youth_union),
            (ADMITTED_ETHNIC_MINORITY, member.ethnicity_code != KINH),
            (ADMITTED_WOMEN, member.gender == Gender::Female),
            (ADMITTED_READMITTED, member.readmission),
        ]
        .into_iter()
        .filter_map(|(key, counts)| counts.then_some(key))
        .collect();
        let value = breakdowns.join(LIST_SEPARATOR);
        happened(&mut into, commune, movement::ADMITTED, &value, decided);
    }
    for (index, period) in periods.iter().enumerate() {
        let commune = period.commune_code.as_str();
        let previous = index
            .checked_sub(1)
            .and_then(|i| periods.get(i))
            .filter(|p| p.to == Some(period.from));
        let next = periods.get(index + 1).filter(|n| Some(n.from) == period.to);
        match previous {
            Some(p) => happened(
                &mut into,
                commune,
                movement::ENTERED_FROM,
                &p.commune_code,
                period.from,
            ),
            None if index == 0 && admitted_here => {
                happened(&mut into, commune, movement::CEREMONY, "", period.from);
            }
            None => happened(&mut into, commune, movement::ENTERED_FROM, "", period.from),
        }
        if let Some(end) = period.to {
            match next {
                Some(n) => happened(&mut into, commune, movement::LEFT_TO, &n.commune_code, end),
                None => {
                    let kind = exit_kind(member, end).unwrap_or(UNEXPLAINED);
                    happened(&mut into, commune, movement::EXITED, kind, end);
                }
            }
        }
    }
    for event in &member.events {
        if !MOVEMENT_EVENTS.contains(&event.event_type) {
            continue;
        }
        if let Some(period) = periods.iter().find(|p| p.covers(event.date)) {
            happened(
                &mut into,
                &period.commune_code,
                movement::EVENT,
                event.event_type.key(),
                event.date,
            );
        }
    }
    into
}

/// The members on the roll of a set of communes on one day, by every breakdown dimension: what
/// the statistics are computed from, whether summed from the roll ledger or counted from members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollCounts {
    /// Members on the roll.
    pub total: i64,
    /// Official members.
    pub official: i64,
    /// Members decided, awaiting the ceremony (not on the roll, not in `total`).
    pub awaiting: i64,
    /// Members per commune of their roll period.
    pub by_commune: BTreeMap<String, i64>,
    /// Members per gender.
    pub genders: BTreeMap<Gender, i64>,
    /// Members per ethnic group code.
    pub ethnicities: BTreeMap<String, i64>,
    /// Members per religion code.
    pub religions: BTreeMap<String, i64>,
    /// Members per general education level.
    pub educations: BTreeMap<GeneralEducation, i64>,
    /// Members per political theory level.
    pub theories: BTreeMap<PoliticalTheory, i64>,
    /// Members per qualification.
    pub qualifications: BTreeMap<Qualification, i64>,
    /// Members per birth date (`None`: unknown).
    pub births: BTreeMap<Option<Date>, i64>,
    /// Members per party-age inputs (`None`: no decision on the day).
    pub party_ages: BTreeMap<Option<PartyAgeInputs>, i64>,
}

impl RollCounts {
    /// Adds `count` members under `value` of the roll ledger's `dimension` in `commune`; the
    /// dimension and value that could not be read on failure.
    pub fn add(
        &mut self,
        commune: &str,
        dimension: &str,
        value: &str,
        count: i64,
    ) -> Result<(), (String, String)> {
        let unreadable = || (dimension.to_owned(), value.to_owned());
        fn tally<K: Ord>(map: &mut BTreeMap<K, i64>, key: K, count: i64) {
            let entry = map.entry(key).or_default();
            *entry += count;
        }
        match dimension {
            roll::TOTAL => {
                self.total += count;
                tally(&mut self.by_commune, commune.to_owned(), count);
            }
            roll::OFFICIAL => self.official += count,
            roll::AWAITING => self.awaiting += count,
            roll::PROFILE => {
                for (dimension, value) in breakdowns(roll::PROFILE, value).ok_or_else(unreadable)? {
                    self.add(commune, dimension, value, count)?;
                }
            }
            roll::GENDER => tally(
                &mut self.genders,
                Gender::from_key(value).ok_or_else(unreadable)?,
                count,
            ),
            roll::ETHNICITY => tally(&mut self.ethnicities, value.to_owned(), count),
            roll::RELIGION => tally(&mut self.religions, value.to_owned(), count),
            roll::GENERAL_EDUCATION => tally(
                &mut self.educations,
                GeneralEducation::from_key(value).ok_or_else(unreadable)?,
                count,
            ),
            roll::POLITICAL_THEORY => tally(
                &mut self.theories,
                PoliticalTheory::from_key(value).ok_or_else(unreadable)?,
                count,
            ),
            roll::QUALIFICATION => tally(
                &mut self.qualifications,
                Qualification::from_key(value).ok_or_else(unreadable)?,
                count,
            ),
            roll::BIRTH => {
                let born = date::parse_optional(value).map_err(|_| unreadable())?;
                tally(&mut self.births, born, count);
            }
            roll::PARTY_AGE => {
                let inputs = if value.is_empty() {
                    None
                } else {
                    Some(PartyAgeInputs::from_key(value).ok_or_else(unreadable)?)
                };
                tally(&mut self.party_ages, inputs, count);
            }
            _ => return Err(unreadable()),
        }
        Ok(())
    }

    /// Drops the values no member is counted under (a ledger sum can reach zero).
    pub fn without_zeros(mut self) -> Self {
        self.genders.retain(|_, c| *c != 0);
        self.ethnicities.retain(|_, c| *c != 0);
        self.religions.retain(|_, c| *c != 0);
        self.educations.retain(|_, c| *c != 0);
        self.theories.retain(|_, c| *c != 0);
        self.qualifications.retain(|_, c| *c != 0);
        self.births.retain(|_, c| *c != 0);
        self.party_ages.retain(|_, c| *c != 0);
        self.by_commune.retain(|_, c| *c != 0);
        self
    }

    /// The birth dates as the age arithmetic reads them.
    pub fn birth_counts(&self) -> Vec<BirthCount> {
        self.births
            .iter()
            .map(|(birth_date, members)| BirthCount {
                birth_date: *birth_date,
                members: *members,
            })
            .collect()
    }
}

/// The movement ledger summed over a period and a territory's communes: count per (dimension,
/// value).
pub type MovementCounts = BTreeMap<(String, String), i64>;
