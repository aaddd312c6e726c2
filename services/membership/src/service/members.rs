//! Commands and queries on members: admissions, transfers in, updates of personal fields, the
//! lifecycle steps, rosters and event histories.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_vocab::date::{self, Date};

use super::identity::{Writer, insert_member_checked, update_member_checked};
use super::outbox::Written;
use super::{Membership, RequestKey, check_etag};
use crate::convert;
use crate::domain::{
    self, AdmissionContext, AdmissionDates, DepartureKind, Member, MemberEvent, Person, Transfer,
    VoteTally,
};
use crate::store::{self, MemberFilter, MemberRecord, Tx};

/// A cell named by its commune code and cell id, not yet looked up.
pub type CellKey = (String, String);

/// A lifecycle step on an existing member.
#[derive(Debug, Clone)]
pub enum Step {
    /// Ceremony.
    Ceremony {
        /// The ceremony date.
        ceremony_date: Date,
        /// The day the cell received the decision, when given with the ceremony.
        decision_received_date: Option<Date>,
    },
    /// Recognition.
    Recognize {
        /// Official date.
        official_date: Date,
        /// Decision number.
        decision_number: String,
        /// The cell's vote.
        vote: VoteTally,
    },
    /// Transfer.
    Transfer {
        /// Which.
        transfer: Transfer<CellKey>,
        /// Effective date.
        effective_date: Date,
        /// Decision number.
        decision_number: String,
    },
    /// Exemption.
    Exempt {
        /// Effective date.
        effective_date: Date,
        /// Reason.
        reason: String,
    },
    /// End of exemption.
    EndExemption(Date),
    /// Departure.
    Depart {
        /// How.
        kind: DepartureKind,
        /// Effective date.
        effective_date: Date,
        /// Decision number.
        decision_number: String,
        /// Reason.
        reason: String,
    },
    /// A Party discipline short of expulsion.
    Discipline {
        /// The discipline.
        record: domain::Discipline,
        /// Reason.
        reason: String,
    },
}

/// Records `events` of member `member_id` and returns them as the feed carries them.
async fn record_events(
    tx: &mut Tx,
    member_id: i64,
    events: &[MemberEvent],
    now: i64,
) -> Result<Vec<pb::MemberEvent>, ApiError> {
    let mut recorded = Vec::with_capacity(events.len());
    for event in events {
        let position = tx.insert_event(member_id, event, now).await?;
        recorded.push(convert::event_to_proto(
            member_id,
            &store::EventRecord {
                position,
                event: event.clone(),
                create_time_us: now,
            },
        ));
    }
    Ok(recorded)
}

/// Admits a member into a cell: the one code path of RecordAdmission and AdmitCandidate.
pub(super) async fn admit_member(
    tx: &mut Tx,
    person: Person,
    admission: AdmissionDates,
    (commune_code, cell_id): (&str, &str),
    context: AdmissionContext,
    rules: &partyregistry_rules::RuleTable,
    (writer, now): (&Writer, i64),
) -> Result<(MemberRecord, Vec<pb::MemberEvent>), ApiError> {
    let cell = tx.require_cell(commune_code, cell_id).await?.cell;
    let earlier = match admission.previous_member {
        Some(previous) => {
            let earlier = tx.require_member(previous).await?.member;
            // An earlier record outside the writer's scope is answered as if there were none:
            // its status, its leaving date or its citizen ID would otherwise show through the
            // refusal, and a re-admission across the scope would read and supersede it.
            let province = tx.commune_province(&earlier.commune_code).await?;
            if !province.is_some_and(|province| writer.sees(&earlier.commune_code, &province)) {
                return Err(store::members::member_not_found(previous));
            }
            domain::check_readmission(&earlier, &person, &admission)?;
            // The earlier record keeps the citizen ID; the new one takes it over.
            tx.mark_superseded(previous).await?;
            Some(earlier)
        }
        None => None,
    };
    let (mut member, events) = domain::admit(
        person,
        admission,
        &cell,
        context,
        date::today_in_vietnam(),
        rules,
    )?;
    if let Some(earlier) = &earlier {
        domain::continue_party_age(&mut member, earlier);
    }
    let record = insert_member_checked(tx, writer, &member, now).await?;
    let events = record_events(tx, record.member.id, &events, now).await?;
    Ok((record, events))
}

/// Writes a member's new state and the event of the step. A change of the citizen ID (only
/// UpdateMember makes one, and passes its `writer`) is checked like a new member's.
async fn write_member_step(
    tx: &mut Tx,
    (record, writer): (&MemberRecord, Option<&Writer>),
    member: &Member,
    event: &MemberEvent,
    now: i64,
) -> Result<Written, ApiError> {
    let written = match writer {
        Some(writer) => update_member_checked(tx, writer, record, member, now).await?,
        None => tx.update_member(member, record, now).await?,
    };
    let events = record_events(tx, member.id, std::slice::from_ref(event), now).await?;
    Ok(Written {
        resource: Resource::Member(convert::member_to_proto(&written)),
        events,
        previous_commune: Some(record.member.commune_code.clone()),
    })
}

impl Membership {
    /// Records an admission decided by the commune of `cell`.
    pub async fn record_admission(
        &self,
        person: Person,
        admission: AdmissionDates,
        (commune_code, cell_id): (String, String),
        context: AdmissionContext,
        (request, writer): (Option<RequestKey>, &Writer),
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(request.as_ref(), true, |tx, now| {
            let (person, admission, commune_code, cell_id, context, writer) = (
                person.clone(),
                admission.clone(),
                commune_code.clone(),
                cell_id.clone(),
                context.clone(),
                writer.clone(),
            );
            writer.start_attempt();
            Box::pin(async move {
                let rules = tx.rule_table().await?;
                let (record, events) = admit_member(
                    tx,
                    person,
                    admission,
                    (&commune_code, &cell_id),
                    context,
                    &rules,
                    (&writer, now),
                )
                .await?;
                Ok(Written {
                    resource: Resource::Member(convert::member_to_proto(&record)),
                    events,
                    previous_commune: None,
                })
            })
        })
        .await
    }

    /// Puts on the roll a member who joins by transfer from outside the system.
    pub async fn create_member(
        &self,
        person: Person,
        admission: AdmissionDates,
        (commune_code, cell_id): (String, String),
        (joined, from): (Date, String),
        (request, writer): (Option<RequestKey>, &Writer),
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(request.as_ref(), true, |tx, now| {
            let (person, admission, commune_code, cell_id, from, writer) = (
                person.clone(),
                admission.clone(),
                commune_code.clone(),
                cell_id.clone(),
                from.clone(),
                writer.clone(),
            );
            writer.start_attempt();
            Box::pin(async move {
                let cell = tx.require_cell(&commune_code, &cell_id).await?.cell;
                let (member, event) = domain::transfer_in(
                    person,
                    admission,
                    &cell,
                    joined,
                    from,
                    date::today_in_vietnam(),
                    &tx.rule_table().await?,
                )?;
                let record = insert_member_checked(tx, &writer, &member, now).await?;
                let events = record_events(tx, record.member.id, &[event], now).await?;
                Ok(Written {
                    resource: Resource::Member(convert::member_to_proto(&record)),
                    events,
                    previous_commune: None,
                })
            })
        })
        .await
    }

    /// Updates the personal fields of a member named in `paths` from `update`, if `etag` is
    /// current.
    pub async fn update_member(
        &self,
        id: i64,
        etag: &str,
        update: pb::Member,
        (paths, writer): (Vec<&'static str>, &Writer),
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(None, false, |tx, now| {
            let (etag, update, paths, writer) = (
                etag.to_owned(),
                update.clone(),
                paths.clone(),
                writer.clone(),
            );
            writer.start_attempt();
            Box::pin(async move {
                let current = tx.require_member(id).await?;
                check_etag(
                    &etag,
                    current.version,
                    &partyregistry_vocab::names::member(id),
                )?;
                let member = convert::apply_mask(
                    convert::member_to_proto(&current),
                    &update,
                    &paths,
                    convert::merge_member,
                    |merged| {
                        convert::updated_member_from_proto(
                            merged,
                            &current.member,
                            date::today_in_vietnam(),
                        )
                    },
                )?;
                let event = MemberEvent::on(
                    domain::EventType::DetailsUpdated,
                    date::today_in_vietnam(),
                    &tx.rule_table().await?,
                );
                write_member_step(tx, (&current, Some(&writer)), &member, &event, now).await
            })
        })
        .await
    }

    /// Applies a lifecycle step to a member.
    pub async fn apply_step(
        &self,
        id: i64,
        step: Step,
        request: Option<RequestKey>,
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(request.as_ref(), true, |tx, now| {
            let step = step.clone();
            Box::pin(async move {
                let current = tx.require_member(id).await?;
                let mut member = current.member.clone();
                let today = date::today_in_vietnam();
                let rules = tx.rule_table().await?;
                let rules = &rules;
                let event = match step {
                    Step::Ceremony {
                        ceremony_date,
                        decision_received_date,
                    } => domain::record_ceremony(
                        &mut member,
                        ceremony_date,
                        decision_received_date,
                        today,
                        rules,
                    )?,
                    Step::Recognize {
                        official_date,
                        decision_number,
                        vote,
                    } => domain::recognize(
                        &mut member,
                        official_date,
                        decision_number,
                        vote,
                        today,
                        rules,
                    )?,
                    Step::Transfer {
                        transfer,
                        effective_date,
                        decision_number,
                    } => {
                        let destination = match transfer.destination() {
                            Some((commune_code, cell_id)) => {
                                Some(tx.require_cell(commune_code, cell_id).await?.cell)
                            }
                            None => None,
                        };
                        let transfer = transfer.resolve(|| {
                            destination.ok_or_else(|| {
                                ApiError::Internal("transfer destination was not looked up".into())
                            })
                        })?;
                        domain::transfer(
                            &mut member,
                            transfer,
                            effective_date,
                            decision_number,
                            today,
                            rules,
                        )?
                    }
                    Step::Exempt {
                        effective_date,
                        reason,
                    } => domain::exempt(&mut member, effective_date, reason, today, rules)?,
                    Step::EndExemption(effective_date) => {
                        domain::end_exemption(&mut member, effective_date, today, rules)?
                    }
                    Step::Depart {
                        kind,
                        effective_date,
                        decision_number,
                        reason,
                    } => domain::depart(
                        &mut member,
                        kind,
                        effective_date,
                        decision_number,
                        reason,
                        today,
                        rules,
                    )?,
                    Step::Discipline { record, reason } => {
                        domain::discipline(&mut member, record, reason, today, rules)?
                    }
                };
                write_member_step(tx, (&current, None), &member, &event, now).await
            })
        })
        .await
    }

    /// Reads a member.
    pub async fn member(&self, id: i64) -> Result<pb::Member, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert::member_to_proto(&tx.require_member(id).await?))
    }

    /// Lists a roster; the commune, if given, must exist. A page with members shows that it does
    /// (they are filtered by it), so only an empty page costs the lookups.
    pub async fn members(
        &self,
        filter: &MemberFilter,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Member>, String), ApiError> {
        let mut tx = self.store.read().await?;
        let (records, next) = tx.list_members(filter, token, size).await?;
        if records.is_empty()
            && let Some(code) = &filter.commune_code
        {
            tx.require_commune(code).await?;
            if let Some(cell_id) = &filter.cell_id {
                tx.require_cell(code, cell_id).await?;
            }
        }
        Ok((records.iter().map(convert::member_to_proto).collect(), next))
    }

    /// A member's events.
    pub async fn events(&self, id: i64) -> Result<Vec<pb::MemberEvent>, ApiError> {
        let mut tx = self.store.read().await?;
        let events = tx.list_events(id).await?;
        Ok(events
            .iter()
            .map(|e| convert::event_to_proto(id, e))
            .collect())
    }
}
