//! The lifecycle state machine of domain.md §3. Each function checks that a step is allowed from
//! the member's current state and with the given dates, changes the member, and returns the event
//! to append. A refused step changes nothing.

use partyregistry_rules::RuleTable;
use partyregistry_vocab::date::{self, Date};

use super::{
    AdmissionDates, Cell, DepartureKind, Discipline, DisciplineForm, EventType, Member,
    MemberEvent, MemberStatus, Person, RuleError, VoteTally,
};
use checks::{
    cell_open, check_admission_age, check_admission_dates, check_decision_receipt, check_probation,
    illegal, not_after, not_before, not_in_future, status_from_dates,
};

mod checks;

pub use checks::{
    AGE_OUT_OF_RANGE, CELL_CLOSED, DATE_RULE, ILLEGAL_TRANSITION, VOTE_BELOW_THRESHOLD, check_vote,
};

/// Where the parts of an admission sit in the request, so that a refused admission names the
/// field the caller sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionFields {
    /// Prefix of the date fields, with its trailing dot (or empty).
    pub dates: &'static str,
    /// The birth date.
    pub birth_date: &'static str,
    /// The cell.
    pub cell: &'static str,
    /// The cell's vote.
    pub cell_vote: &'static str,
    /// The day of the cell's vote.
    pub cell_vote_date: &'static str,
}

impl AdmissionFields {
    /// RecordAdmission: the member and the vote are in the request.
    pub const RECORD_ADMISSION: Self = Self {
        dates: "member.admission.",
        birth_date: "member.birth_date",
        cell: "member.cell",
        cell_vote: "cell_vote",
        cell_vote_date: "cell_vote_date",
    };
    /// AdmitCandidate: the dates are in the request; the person, cell and vote are the
    /// candidate's, named by `name`.
    pub const ADMIT_CANDIDATE: Self = Self {
        dates: "",
        birth_date: "name",
        cell: "name",
        cell_vote: "name",
        cell_vote_date: "name",
    };
}

/// What an admission recorded by this commune needs besides the person and the dates.
#[derive(Debug, Clone)]
pub struct AdmissionContext {
    /// The cell's vote; required unless the record is historical (it has an official date).
    pub cell_vote: Option<VoteTally>,
    /// The day the cell voted; the age limits and the vote's regulation are judged on it. `None`
    /// lets the decision date stand in for it.
    pub cell_vote_date: Option<Date>,
    /// The deciding body.
    pub deciding_body: String,
    /// Where the request carries each part.
    pub fields: AdmissionFields,
    /// The provincial consent to admit a person over the maximum age is recorded (a candidate's
    /// OVER_AGE_CONSENT exception decided by the decision day).
    pub over_age_consent: bool,
}

/// Records an admission decided by this commune in `cell`. Returns the new member (id 0) and the
/// events of each date given: decision, ceremony, recognition. A record loaded with its official
/// date is historical (see [`admit_historical`]).
pub fn admit(
    person: Person,
    admission: AdmissionDates,
    cell: &Cell,
    context: AdmissionContext,
    today: Date,
    rules: &RuleTable,
) -> Result<(Member, Vec<MemberEvent>), RuleError> {
    let historical = admission.official_date.is_some();
    admit_with(person, admission, cell, context, historical, today, rules)
}

/// Records an admission that a record of the past documents (a roster being loaded), whatever
/// its dates: the same checks as [`admit`] for the order of the dates, the probation and the
/// minimum age, but the member goes to their current cell, which need not have existed when they
/// were admitted, without the cell's vote (the record does not hold it) and without the maximum
/// age (a provincial consent the record does not hold either).
pub fn admit_historical(
    person: Person,
    admission: AdmissionDates,
    cell: &Cell,
    context: AdmissionContext,
    today: Date,
    rules: &RuleTable,
) -> Result<(Member, Vec<MemberEvent>), RuleError> {
    admit_with(person, admission, cell, context, true, today, rules)
}

fn admit_with(
    person: Person,
    admission: AdmissionDates,
    cell: &Cell,
    context: AdmissionContext,
    historical: bool,
    today: Date,
    rules: &RuleTable,
) -> Result<(Member, Vec<MemberEvent>), RuleError> {
    let fields = context.fields;
    check_admission_dates(fields.dates, &admission, today, rules)?;
    let voted = context.cell_vote_date.unwrap_or(admission.decision_date);
    not_after(
        fields.cell_vote_date,
        voted,
        admission.decision_date,
        "the admission decision",
    )?;
    let beyond_maximum = historical || context.over_age_consent;
    check_admission_age(fields.birth_date, &person, voted, beyond_maximum, rules)?;
    // A historical record goes to the member's current cell, which need not have existed when
    // they were admitted.
    if !historical {
        cell_open(fields.cell, cell, admission.decision_date)?;
    }
    match (&context.cell_vote, historical) {
        (Some(vote), _) => check_vote(fields.cell_vote, vote, voted, rules)?,
        (None, false) => {
            return Err(RuleError::invalid(
                fields.cell_vote,
                "the cell's vote is required for a new admission",
            ));
        }
        (None, true) => {}
    }
    let mut events = vec![MemberEvent {
        decision_number: admission.decision_number.clone(),
        deciding_body: context.deciding_body,
        to_organization: partyregistry_vocab::names::cell(&cell.commune_code, &cell.cell_id),
        vote: context.cell_vote,
        ..MemberEvent::on(EventType::AdmissionDecided, admission.decision_date, rules)
    }];
    if let Some(ceremony) = admission.ceremony_date {
        events.push(MemberEvent::on(EventType::CeremonyHeld, ceremony, rules));
    }
    if let Some(official) = admission.official_date {
        events.push(MemberEvent::on(
            EventType::RecognizedOfficial,
            official,
            rules,
        ));
    }
    let member = Member {
        id: 0,
        status: status_from_dates(&admission),
        commune_code: cell.commune_code.clone(),
        cell_id: cell.cell_id.clone(),
        cell_since: admission.decision_date,
        temporarily_away: false,
        away_until: None,
        joined_date: None,
        left_date: None,
        admitted_in_cell: Some(partyregistry_vocab::names::cell(
            &cell.commune_code,
            &cell.cell_id,
        )),
        party_age_gaps: Vec::new(),
        seriously_ill: false,
        badges: Vec::new(),
        disciplines: Vec::new(),
        person,
        admission,
    };
    Ok((member, events))
}

/// Puts on the roll a member admitted elsewhere, joining `cell` on `joined` from `from`.
pub fn transfer_in(
    person: Person,
    admission: AdmissionDates,
    cell: &Cell,
    joined: Date,
    from: String,
    today: Date,
    rules: &RuleTable,
) -> Result<(Member, MemberEvent), RuleError> {
    check_admission_dates("member.admission.", &admission, today, rules)?;
    // Admitted elsewhere: the vote day is not known here, the decision date stands in for it.
    check_admission_age(
        "member.birth_date",
        &person,
        admission.decision_date,
        true,
        rules,
    )?;
    let Some(ceremony) = admission.ceremony_date else {
        return Err(RuleError::invalid(
            "member.admission.ceremony_date",
            "a member joining by transfer has had the ceremony",
        ));
    };
    not_before("joined_date", joined, ceremony, "the ceremony")?;
    not_in_future("joined_date", joined, today)?;
    cell_open("member.cell", cell, joined)?;
    let event = MemberEvent {
        from_organization: from,
        to_organization: partyregistry_vocab::names::cell(&cell.commune_code, &cell.cell_id),
        ..MemberEvent::on(EventType::TransferredIn, joined, rules)
    };
    let member = Member {
        id: 0,
        status: status_from_dates(&admission),
        commune_code: cell.commune_code.clone(),
        cell_id: cell.cell_id.clone(),
        cell_since: joined,
        temporarily_away: false,
        away_until: None,
        joined_date: Some(joined),
        left_date: None,
        admitted_in_cell: None,
        party_age_gaps: Vec::new(),
        seriously_ill: false,
        badges: Vec::new(),
        disciplines: Vec::new(),
        person,
        admission,
    };
    Ok((member, event))
}

/// The first day a later step may take effect: no step precedes the member's latest recorded
/// fact.
fn latest_fact(member: &Member) -> Date {
    [
        Some(member.cell_since),
        member.admission.ceremony_date,
        member.admission.official_date,
        member.joined_date,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(member.admission.decision_date)
}

fn check_effective(member: &Member, effective: Date, today: Date) -> Result<(), RuleError> {
    not_in_future("effective_date", effective, today)?;
    not_before(
        "effective_date",
        effective,
        latest_fact(member),
        "the member's latest recorded step",
    )
}

/// ADMITTED → PROBATIONARY on the ceremony date. `received`, when given, records the day the
/// cell received the decision with it; otherwise the day recorded before, if any, stays and the
/// ceremony may not precede it.
pub fn record_ceremony(
    member: &mut Member,
    ceremony: Date,
    received: Option<Date>,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    if member.status != MemberStatus::Admitted {
        return Err(illegal(member.status, "given an admission ceremony"));
    }
    not_before(
        "ceremony_date",
        ceremony,
        member.admission.decision_date,
        "the admission decision",
    )?;
    not_in_future("ceremony_date", ceremony, today)?;
    let mut admission = member.admission.clone();
    admission.ceremony_date = Some(ceremony);
    match received {
        Some(received) => {
            admission.decision_received_date = Some(received);
            check_decision_receipt("decision_received_date", &admission, today)?;
        }
        None => {
            if let Some(stored) = admission.decision_received_date {
                not_before(
                    "ceremony_date",
                    ceremony,
                    stored,
                    "the day the cell received the admission decision",
                )?;
            }
        }
    }
    member.admission = admission;
    member.status = MemberStatus::Probationary;
    Ok(MemberEvent::on(EventType::CeremonyHeld, ceremony, rules))
}

/// Sets (or clears, with `None`) the day the cell received the admission decision of a member
/// awaiting the ceremony. After the ceremony the day belongs to the record the ceremony closed:
/// only the same day is accepted, so that an update echoing the stored record passes.
pub fn set_decision_receipt(
    member: &mut Member,
    field: &str,
    received: Option<Date>,
    today: Date,
) -> Result<(), RuleError> {
    if received == member.admission.decision_received_date {
        return Ok(());
    }
    if member.status != MemberStatus::Admitted {
        return Err(RuleError::precondition(
            ILLEGAL_TRANSITION,
            field,
            format!(
                "a member with status {} is past the admission ceremony; the day the cell received the decision is given before or with it",
                member.status.name()
            ),
        ));
    }
    let mut admission = member.admission.clone();
    admission.decision_received_date = received;
    check_decision_receipt(field, &admission, today)?;
    member.admission = admission;
    Ok(())
}

/// PROBATIONARY → OFFICIAL once the probation is over and the cell voted for it.
pub fn recognize(
    member: &mut Member,
    official: Date,
    decision_number: String,
    vote: VoteTally,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    if member.status != MemberStatus::Probationary {
        return Err(illegal(member.status, "recognised as official"));
    }
    let Some(ceremony) = member.admission.ceremony_date else {
        return Err(illegal(
            member.status,
            "recognised as official without a ceremony date",
        ));
    };
    check_probation("official_date", ceremony, official, rules)?;
    not_in_future("official_date", official, today)?;
    check_vote("cell_vote", &vote, official, rules)?;
    member.admission.official_date = Some(official);
    member.status = MemberStatus::Official;
    Ok(MemberEvent {
        decision_number,
        vote: Some(vote),
        ..MemberEvent::on(EventType::RecognizedOfficial, official, rules)
    })
}

/// A transfer with its destination.
#[derive(Debug, Clone)]
pub enum Transfer<Destination = Cell> {
    /// To another cell of the member's commune.
    BetweenCells(Destination),
    /// To a cell of another commune of the system.
    ToCommune(Destination),
    /// Out of the system, to the named organisation.
    OutOfSystem(String),
    /// Temporarily away.
    TemporaryOut {
        /// Where to.
        to_organization: String,
        /// Planned end.
        away_until: Date,
        /// For study (longer limit).
        for_study: bool,
    },
    /// Back from a temporary transfer.
    TemporaryReturn,
}

impl<Destination> Transfer<Destination> {
    /// The destination cell, for the transfers that have one.
    pub fn destination(&self) -> Option<&Destination> {
        match self {
            Self::BetweenCells(destination) | Self::ToCommune(destination) => Some(destination),
            _ => None,
        }
    }

    /// The same transfer with its destination replaced by `resolved` (a cell looked up from its
    /// name, say); `resolved` is called only for transfers that have a destination.
    pub fn resolve<Resolved, E>(
        self,
        resolved: impl FnOnce() -> Result<Resolved, E>,
    ) -> Result<Transfer<Resolved>, E> {
        Ok(match self {
            Self::BetweenCells(_) => Transfer::BetweenCells(resolved()?),
            Self::ToCommune(_) => Transfer::ToCommune(resolved()?),
            Self::OutOfSystem(to) => Transfer::OutOfSystem(to),
            Self::TemporaryOut {
                to_organization,
                away_until,
                for_study,
            } => Transfer::TemporaryOut {
                to_organization,
                away_until,
                for_study,
            },
            Self::TemporaryReturn => Transfer::TemporaryReturn,
        })
    }
}

/// Applies a transfer effective on `effective`.
pub fn transfer(
    member: &mut Member,
    transfer: Transfer,
    effective: Date,
    decision_number: String,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    let on_roll = matches!(
        member.status,
        MemberStatus::Probationary | MemberStatus::Official | MemberStatus::Exempt
    );
    if !on_roll {
        return Err(illegal(member.status, "transferred"));
    }
    check_effective(member, effective, today)?;
    let from_cell = partyregistry_vocab::names::cell(&member.commune_code, &member.cell_id);
    let base = MemberEvent {
        decision_number,
        from_organization: from_cell.clone(),
        ..MemberEvent::on(EventType::TransferredOut, effective, rules)
    };
    let event = match transfer {
        Transfer::BetweenCells(cell) | Transfer::ToCommune(cell)
            if cell.commune_code == member.commune_code && cell.cell_id == member.cell_id =>
        {
            return Err(RuleError::precondition(
                ILLEGAL_TRANSITION,
                "to_cell",
                "the member is already in this cell",
            ));
        }
        Transfer::BetweenCells(cell) if cell.commune_code != member.commune_code => {
            return Err(RuleError::invalid(
                "to_cell",
                "a transfer between cells stays in the member's commune; use TRANSFER_KIND_TO_COMMUNE",
            ));
        }
        Transfer::ToCommune(cell) if cell.commune_code == member.commune_code => {
            return Err(RuleError::invalid(
                "to_cell",
                "the cell is in the member's own commune; use TRANSFER_KIND_BETWEEN_CELLS",
            ));
        }
        Transfer::BetweenCells(cell) | Transfer::ToCommune(cell) => {
            cell_open("to_cell", &cell, effective)?;
            if member.temporarily_away {
                return Err(illegal(
                    member.status,
                    "moved to another cell while away on a temporary transfer",
                ));
            }
            let event_type = if cell.commune_code == member.commune_code {
                EventType::TransferredBetweenCells
            } else {
                EventType::TransferredToCommune
            };
            let to = partyregistry_vocab::names::cell(&cell.commune_code, &cell.cell_id);
            member.commune_code = cell.commune_code;
            member.cell_id = cell.cell_id;
            member.cell_since = effective;
            MemberEvent {
                event_type,
                to_organization: to,
                ..base
            }
        }
        Transfer::OutOfSystem(to) => {
            member.status = MemberStatus::TransferredOut;
            member.left_date = Some(effective);
            member.temporarily_away = false;
            member.away_until = None;
            MemberEvent {
                to_organization: to,
                ..base
            }
        }
        Transfer::TemporaryOut {
            to_organization,
            away_until,
            for_study,
        } => {
            if member.temporarily_away {
                return Err(illegal(
                    member.status,
                    "sent on a temporary transfer while already away",
                ));
            }
            let rules = rules.in_force_on(effective);
            let shortest_end = date::add_months(effective, rules.min_temporary_transfer_months);
            let within_limit = if for_study {
                away_until <= date::add_months(effective, rules.max_study_transfer_months)
            } else {
                away_until < date::add_months(effective, rules.max_temporary_transfer_months)
            };
            if away_until < shortest_end || !within_limit {
                return Err(RuleError::precondition(
                    DATE_RULE,
                    "away_until",
                    format!(
                        "a temporary transfer lasts {} months to under {} months ({} months for study) under {}",
                        rules.min_temporary_transfer_months,
                        rules.max_temporary_transfer_months,
                        rules.max_study_transfer_months,
                        rules.code
                    ),
                ));
            }
            member.temporarily_away = true;
            member.away_until = Some(away_until);
            MemberEvent {
                event_type: EventType::TemporaryTransferStarted,
                to_organization,
                ..base
            }
        }
        Transfer::TemporaryReturn => {
            if !member.temporarily_away {
                return Err(illegal(
                    member.status,
                    "returned from a temporary transfer without being away",
                ));
            }
            member.temporarily_away = false;
            member.away_until = None;
            MemberEvent {
                event_type: EventType::TemporaryTransferEnded,
                from_organization: String::new(),
                to_organization: from_cell,
                ..base
            }
        }
    };
    Ok(event)
}

/// OFFICIAL → EXEMPT.
pub fn exempt(
    member: &mut Member,
    effective: Date,
    reason: String,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    if member.status != MemberStatus::Official {
        return Err(illegal(member.status, "exempted"));
    }
    check_effective(member, effective, today)?;
    member.status = MemberStatus::Exempt;
    Ok(MemberEvent {
        reason,
        ..MemberEvent::on(EventType::Exempted, effective, rules)
    })
}

/// EXEMPT → OFFICIAL.
pub fn end_exemption(
    member: &mut Member,
    effective: Date,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    if member.status != MemberStatus::Exempt {
        return Err(illegal(member.status, "brought back from an exemption"));
    }
    check_effective(member, effective, today)?;
    member.status = MemberStatus::Official;
    Ok(MemberEvent::on(EventType::ExemptionEnded, effective, rules))
}

/// Records a Party discipline short of expulsion on a member on the roll: a reprimand or a
/// warning on a probationary, official or exempt member, a dismissal from post on an official or
/// exempt one only (Điều lệ Đảng, art. 35: a probationary member is reprimanded or warned). The
/// decision may be recorded late, but not before the admission decision nor in the future. The
/// status does not change.
pub fn discipline(
    member: &mut Member,
    record: Discipline,
    reason: String,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    use MemberStatus::{Exempt, Official, Probationary};
    let allowed = match record.form {
        DisciplineForm::Reprimand | DisciplineForm::Warning => {
            matches!(member.status, Probationary | Official | Exempt)
        }
        DisciplineForm::Dismissal => matches!(member.status, Official | Exempt),
    };
    if !allowed {
        return Err(illegal(
            member.status,
            &format!("disciplined ({})", record.form.key()),
        ));
    }
    not_in_future("discipline_date", record.decision_date, today)?;
    not_before(
        "discipline_date",
        record.decision_date,
        member.admission.decision_date,
        "the admission decision",
    )?;
    let event = MemberEvent {
        decision_number: record.decision_number.clone(),
        deciding_body: record.deciding_body.clone(),
        reason,
        discipline_form: Some(record.form),
        ..MemberEvent::on(EventType::Disciplined, record.decision_date, rules)
    };
    // Oldest first, whatever order they are recorded in.
    let at = member
        .disciplines
        .partition_point(|d| d.decision_date <= record.decision_date);
    member.disciplines.insert(at, record);
    Ok(event)
}

/// Leaves the roll: death from any active state; removal of official or probationary members;
/// resignation and expulsion of official members only (probationary members are never
/// expelled). A removal, resignation or expulsion needs its decision number.
pub fn depart(
    member: &mut Member,
    kind: DepartureKind,
    effective: Date,
    decision_number: String,
    reason: String,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    let record = Departure {
        kind,
        effective,
        decision_number,
        reason,
        decision_required: true,
    };
    leave_roll(member, record, today, rules)
}

/// [`depart`] for a departure a record of the past documents without its decision number (a
/// roster names how and when a member left, not the decision): the same rules of state and
/// dates.
pub fn depart_recorded(
    member: &mut Member,
    kind: DepartureKind,
    effective: Date,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    let record = Departure {
        kind,
        effective,
        decision_number: String::new(),
        reason: String::new(),
        decision_required: false,
    };
    leave_roll(member, record, today, rules)
}

/// A departure to record.
struct Departure {
    kind: DepartureKind,
    effective: Date,
    decision_number: String,
    reason: String,
    /// Whether a removal, resignation or expulsion must carry its decision number.
    decision_required: bool,
}

fn leave_roll(
    member: &mut Member,
    departure: Departure,
    today: Date,
    rules: &RuleTable,
) -> Result<MemberEvent, RuleError> {
    use MemberStatus::{Admitted, Exempt, Official, Probationary};
    let Departure {
        kind,
        effective,
        decision_number,
        reason,
        decision_required,
    } = departure;
    let (allowed, new_status, event_type, step) = match kind {
        DepartureKind::Death => (
            matches!(member.status, Admitted | Probationary | Official | Exempt),
            MemberStatus::Deceased,
            EventType::Died,
            "recorded as deceased",
        ),
        DepartureKind::Removal => (
            matches!(member.status, Probationary | Official | Exempt),
            MemberStatus::Removed,
            EventType::Removed,
            "removed",
        ),
        DepartureKind::Resignation => (
            matches!(member.status, Official | Exempt),
            MemberStatus::Resigned,
            EventType::Resigned,
            "resigned",
        ),
        DepartureKind::Expulsion => (
            matches!(member.status, Official | Exempt),
            MemberStatus::Expelled,
            EventType::Expelled,
            "expelled",
        ),
    };
    if !allowed {
        return Err(illegal(member.status, step));
    }
    if decision_required && kind != DepartureKind::Death && decision_number.is_empty() {
        return Err(RuleError::invalid(
            "decision_number",
            "a removal, resignation or expulsion needs its decision number",
        ));
    }
    check_effective(member, effective, today)?;
    member.status = new_status;
    member.left_date = Some(effective);
    member.temporarily_away = false;
    member.away_until = None;
    Ok(MemberEvent {
        decision_number,
        reason,
        ..MemberEvent::on(event_type, effective, rules)
    })
}

#[cfg(test)]
mod tests;
