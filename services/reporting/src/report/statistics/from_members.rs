//! The movements counted from member histories, as they were before the aggregate read model:
//! the reference the ledger sums are compared with in tests.

use std::collections::BTreeSet;

use partyregistry_proto::reporting::v1::{AdmissionMovements, Freshness, Movements};
use partyregistry_vocab::date::{self, Date};

use crate::model::aggregate::{KINH, Ledger, MovementCounts, RollCounts, contribution, exit_kind};
use crate::model::history::MemberHistory;
use crate::model::stint::Stint;
use crate::model::vocabulary::{EventType, Gender};
use crate::report::units::Resolved;

use super::PeriodEnds;

/// Movements of the members of `territory` (the communes a scope counts on some day of the
/// period) over `from..=to`. Members at the start and at the end are read from the roll periods
/// and the line awaiting the ceremony from its periods, and every entry into or exit from the
/// territory's roll in the period is classified (an entry is a ceremony or a transfer in, an exit
/// a transfer out or a departure), so that start + in = end + out holds by construction.
/// Admissions are counted on the day of the decision. Recognitions, temporary transfers and exemptions do not
/// change the roll: they are counted from the events of members on the territory's roll that day.
pub fn movements_of_members(
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
    let mut ends = PeriodEnds::default();
    let mut unexplained = 0;
    let counts_on = |period: &Stint, (at_start, at_end): &mut (i64, i64)| {
        if period.from < from && period.to.is_none_or(|end| end >= from) {
            *at_start += 1;
        }
        if period.from <= to && period.to.is_none_or(|end| end > to) {
            *at_end += 1;
        }
    };
    for member in members {
        let periods = member.roll_periods();
        let admitted_here = member.joined_date.is_none() && member.admitted_in.is_some();
        if let Some(waiting) = member
            .awaiting_period()
            .filter(|w| inside.contains(w.commune_code.as_str()))
        {
            counts_on(&waiting, &mut ends.awaiting);
            if waiting.to.is_some_and(within) && periods.is_empty() {
                result.left_awaiting_ceremony += 1;
            }
        }
        let decided = member.decision_date.or(periods.first().map(|p| p.from));
        let admitted_in = member
            .admitted_in
            .as_ref()
            .map(|(commune, _)| commune.as_str());
        if let (true, Some(decided), Some(commune)) = (admitted_here, decided, admitted_in)
            && within(decided)
            && inside.contains(commune)
        {
            admitted.total += 1;
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
        for (index, period) in periods.iter().enumerate() {
            if !inside.contains(period.commune_code.as_str()) {
                continue;
            }
            let previous = index
                .checked_sub(1)
                .and_then(|i| periods.get(i))
                .filter(|p| p.to == Some(period.from));
            let next = periods.get(index + 1).filter(|n| Some(n.from) == period.to);
            counts_on(period, &mut ends.members);
            if within(period.from) {
                match previous {
                    Some(p) if inside.contains(p.commune_code.as_str()) => {}
                    Some(_) => result.transferred_in += 1,
                    None if index == 0 && admitted_here => result.ceremonies += 1,
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
    super::close_movements(result, admitted, ends, unexplained)
}

/// The roll ledger of `members` summed in memory as the store sums it: the members on the roll
/// of `communes` on `day`.
pub fn ledger_roll(members: &[MemberHistory], communes: &BTreeSet<&str>, day: Date) -> RollCounts {
    let mut counts = RollCounts::default();
    for member in members {
        for (key, delta) in contribution(member) {
            if key.ledger == Ledger::Roll
                && key.day <= day
                && communes.contains(key.commune_code.as_str())
            {
                counts
                    .add(&key.commune_code, key.dimension, &key.value, delta)
                    .expect("the model spells what it reads");
            }
        }
    }
    counts.without_zeros()
}

/// The movements of `territory` over `from..=to` from the ledgers of `members` summed in memory.
pub fn ledger_movements(
    scope: &str,
    display_name: &str,
    (from, to): (Date, Date),
    territory: &Resolved,
    members: &[MemberHistory],
) -> Movements {
    let inside: BTreeSet<&str> = territory.communes.iter().map(|c| c.code.as_str()).collect();
    let mut counts = MovementCounts::new();
    for member in members {
        for (key, count) in contribution(member) {
            if key.ledger == Ledger::Movement
                && from <= key.day
                && key.day <= to
                && inside.contains(key.commune_code.as_str())
            {
                *counts
                    .entry((key.dimension.to_owned(), key.value.clone()))
                    .or_default() += count;
            }
        }
    }
    let lines = |day: Date| {
        let counts = ledger_roll(members, &inside, day);
        (counts.total, counts.awaiting)
    };
    let start = from.pred_opt().map_or((0, 0), lines);
    let end = lines(to);
    super::movements(
        scope,
        display_name,
        (from, to),
        territory,
        PeriodEnds {
            members: (start.0, end.0),
            awaiting: (start.1, end.1),
        },
        &counts,
        Freshness::default(),
    )
}
