//! The commands of the membership service. Each one runs in a single write transaction: load the
//! current state and the regulation table, apply a domain rule, write the new state and its
//! events, append the change(s) to the feed, record the request id — then commit, and wake the
//! feed's followers. Most commands change one resource; AdmitCandidate changes two (the new
//! member, then the closed candidate) and appends both changes, in that order, before committing.
//! A member change written by a lifecycle command carries the events the command recorded
//! (`Change.events`), so that followers count movements by their effective dates.
//! The admission pipeline's commands are in `service/admission.rs`; provinces and merges in
//! `service/units.rs`.
//!
//! A retried request (same request id) returns the state its first execution produced (the first
//! change it appended), read back from the feed, and writes nothing.

use std::future::Future;
use std::pin::Pin;

use partyregistry_kit::db::{now_micros, timestamp};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_vocab::date::{self, Date};
use prost::Message;
use tokio::sync::watch;

use crate::convert;
use crate::domain::{
    self, AdmissionContext, AdmissionDates, Cell, Commune, DepartureKind, Member, MemberEvent,
    Person, Transfer, VoteTally,
};
use crate::store::{self, MemberFilter, MemberRecord, Store, Tx};

mod admission;
mod units;

pub use admission::AdmitDecision;

/// An idempotency key with what identifies the request it came with.
#[derive(Debug, Clone)]
pub struct RequestKey {
    /// The caller's request id.
    pub id: String,
    /// The method, so that an id cannot be replayed against another method.
    pub method: &'static str,
    /// The request's encoding with the request id cleared: a reused id with a different request
    /// is refused rather than silently answered with the first result.
    pub fingerprint: Vec<u8>,
}

type CommandFuture<'c> = Pin<Box<dyn Future<Output = Result<Resource, ApiError>> + Send + 'c>>;

/// A resource a command wrote, with the member events it recorded (for the change's `events`).
#[derive(Debug, Clone)]
pub struct Written {
    /// The new state.
    pub resource: Resource,
    /// The events recorded with it; empty but for members.
    pub events: Vec<pb::MemberEvent>,
    /// The commune a member or candidate was in before the command changed it; `None` for a new
    /// resource or another kind of resource.
    pub previous_commune: Option<String>,
}

impl From<Resource> for Written {
    fn from(resource: Resource) -> Self {
        Self {
            resource,
            events: Vec::new(),
            previous_commune: None,
        }
    }
}

/// A command that writes one member and records events.
type MemberFuture<'c> = Pin<Box<dyn Future<Output = Result<Written, ApiError>> + Send + 'c>>;

/// A command that writes several resources: their changes are appended in this order, and the
/// first one is the command's reply (and what a retried request id replays).
type ChangesFuture<'c> = Pin<Box<dyn Future<Output = Result<Vec<Written>, ApiError>> + Send + 'c>>;

/// How many times a lifecycle command is retried when a concurrent writer changed the same
/// member between its read and its write (PostgreSQL only; SQLite writers are serialised).
const CONFLICT_RETRIES: usize = 5;

/// The membership commands and queries over one store.
#[derive(Debug)]
pub struct Membership {
    store: Store,
    head: watch::Sender<i64>,
}

/// A cell named by its commune code and cell id, not yet looked up.
pub type CellKey = (String, String);

/// A lifecycle step on an existing member.
#[derive(Debug, Clone)]
pub enum Step {
    /// Ceremony.
    Ceremony(Date),
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
}

fn expect_commune(resource: Resource) -> Result<pb::Commune, ApiError> {
    match resource {
        Resource::Commune(commune) => Ok(commune),
        _ => Err(ApiError::Internal(
            "request id replayed a change of another resource type".into(),
        )),
    }
}

fn expect_cell(resource: Resource) -> Result<pb::Cell, ApiError> {
    match resource {
        Resource::Cell(cell) => Ok(cell),
        _ => Err(ApiError::Internal(
            "request id replayed a change of another resource type".into(),
        )),
    }
}

fn expect_member(resource: Resource) -> Result<pb::Member, ApiError> {
    match resource {
        Resource::Member(member) => Ok(member),
        _ => Err(ApiError::Internal(
            "request id replayed a change of another resource type".into(),
        )),
    }
}

pub(crate) fn resource_name(resource: &Resource) -> &str {
    match resource {
        Resource::Commune(c) => &c.name,
        Resource::Cell(c) => &c.name,
        Resource::Member(m) => &m.name,
        Resource::Candidate(c) => &c.name,
        Resource::RuleVersion(r) => &r.name,
        Resource::Holiday(h) => &h.name,
        Resource::Target(t) => &t.name,
        Resource::CellPlan(p) => &p.name,
        Resource::CellRating(r) => &r.name,
        Resource::MemberRating(r) => &r.name,
        Resource::Province(p) => &p.name,
        Resource::Merge(m) => &m.name,
        Resource::DeletedResource(name) | Resource::LeftScope(name) => name,
    }
}

/// The commune code of a member's or candidate's cell; `None` for other resources.
pub fn person_commune(resource: &Resource) -> Option<String> {
    let cell = match resource {
        Resource::Member(member) => &member.cell,
        Resource::Candidate(candidate) => &candidate.cell,
        _ => return None,
    };
    partyregistry_vocab::names::parse_cell("cell", cell)
        .ok()
        .map(|(code, _)| code)
}

/// The commune a member or candidate leaves with this change: the commune it was in before the
/// command (`previous_commune`) when that differs from the one it is in now; empty otherwise (and
/// for other resources).
fn moved_from_commune(written: &Written) -> String {
    match (&written.previous_commune, person_commune(&written.resource)) {
        (Some(before), Some(now_in)) if *before != now_in => before.clone(),
        _ => String::new(),
    }
}

/// Decodes a stored change into the protocol message.
pub fn decode_change(change: &store::StoredChange) -> Result<pb::Change, ApiError> {
    let mut decoded = pb::Change::decode(change.payload.as_slice()).map_err(|error| {
        ApiError::Internal(format!(
            "change {} cannot be decoded: {error}",
            change.sequence
        ))
    })?;
    decoded.sequence = change.sequence;
    decoded.commit_time = Some(timestamp(change.commit_time_us));
    Ok(decoded)
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
async fn admit_member(
    tx: &mut Tx,
    person: Person,
    admission: AdmissionDates,
    (commune_code, cell_id): (&str, &str),
    context: AdmissionContext,
    rules: &partyregistry_rules::RuleTable,
    now: i64,
) -> Result<(MemberRecord, Vec<pb::MemberEvent>), ApiError> {
    let cell = tx.require_cell(commune_code, cell_id).await?.cell;
    let (member, events) = domain::admit(
        person,
        admission,
        &cell,
        context,
        date::today_in_vietnam(),
        rules,
    )?;
    let record = tx.insert_member(&member, now).await?;
    let events = record_events(tx, record.member.id, &events, now).await?;
    Ok((record, events))
}

async fn write_member_step(
    tx: &mut Tx,
    record: &MemberRecord,
    member: &Member,
    event: &MemberEvent,
    now: i64,
) -> Result<Written, ApiError> {
    let written = tx.update_member(member, record.version, now).await?;
    let events = record_events(tx, member.id, std::slice::from_ref(event), now).await?;
    Ok(Written {
        resource: Resource::Member(convert::member_to_proto(&written)),
        events,
        previous_commune: Some(record.member.commune_code.clone()),
    })
}

impl Membership {
    /// Serves commands over `store`.
    pub fn new(store: Store) -> Self {
        let (head, _) = watch::channel(0);
        Self { store, head }
    }

    /// The store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A receiver woken with the new head after every commit of this process.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    /// Runs `command` in a write transaction with the feed and idempotency bookkeeping. With
    /// `retry_conflicts`, a concurrent change of the same row (ABORTED from the version check) is
    /// retried from a fresh read; commands that carry the caller's etag report it instead.
    async fn mutate<F>(
        &self,
        request: Option<&RequestKey>,
        retry_conflicts: bool,
        command: F,
    ) -> Result<Resource, ApiError>
    where
        F: for<'c> Fn(&'c mut Tx, i64) -> CommandFuture<'c>,
    {
        let written = self
            .mutate_all(request, retry_conflicts, |tx, now| {
                let single = command(tx, now);
                Box::pin(async move { single.await.map(|resource| vec![resource.into()]) })
            })
            .await?;
        written
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::Internal("a command wrote no resource".into()))
    }

    /// Like [`Self::mutate`] for a command on one member that records events: the change
    /// carries them. Returns the member.
    async fn mutate_member<F>(
        &self,
        request: Option<&RequestKey>,
        retry_conflicts: bool,
        command: F,
    ) -> Result<pb::Member, ApiError>
    where
        F: for<'c> Fn(&'c mut Tx, i64) -> MemberFuture<'c>,
    {
        let written = self
            .mutate_all(request, retry_conflicts, |tx, now| {
                let single = command(tx, now);
                Box::pin(async move { single.await.map(|written| vec![written]) })
            })
            .await?;
        match written.into_iter().next() {
            Some(resource) => expect_member(resource),
            None => Err(ApiError::Internal("a command wrote no resource".into())),
        }
    }

    /// Like [`Self::mutate`] for a command that writes several resources in one transaction:
    /// one change per resource, in order, with consecutive sequences. Returns the resources
    /// written; a replayed request id returns only the first. A command that writes nothing
    /// commits nothing.
    async fn mutate_all<F>(
        &self,
        request: Option<&RequestKey>,
        retry_conflicts: bool,
        command: F,
    ) -> Result<Vec<Resource>, ApiError>
    where
        F: for<'c> Fn(&'c mut Tx, i64) -> ChangesFuture<'c>,
    {
        for _ in 0..CONFLICT_RETRIES {
            match self.mutate_once(request, &command).await {
                Ok(Some(resources)) => return Ok(resources),
                // A concurrent retry recorded the same request id first: the next attempt replays it.
                Ok(None) => {}
                Err(ApiError::Aborted { .. }) if retry_conflicts => {}
                Err(error) => return Err(error),
            }
        }
        Err(ApiError::Unavailable(
            "too much contention on this resource; retry later".into(),
        ))
    }

    /// One attempt; `Ok(None)` when a concurrent transaction recorded the same request id.
    async fn mutate_once<F>(
        &self,
        request: Option<&RequestKey>,
        command: &F,
    ) -> Result<Option<Vec<Resource>>, ApiError>
    where
        F: for<'c> Fn(&'c mut Tx, i64) -> ChangesFuture<'c>,
    {
        let mut tx = self.store.begin().await?;
        if let Some(key) = request
            && let Some(previous) = tx.find_request(&key.id).await?
        {
            return self
                .replay(&mut tx, key, &previous)
                .await
                .map(|resource| Some(vec![resource]));
        }
        let now = now_micros();
        let written = command(&mut tx, now).await?;
        if written.is_empty() {
            // Dropping the transaction rolls back whatever the command read or locked.
            return Ok(Some(Vec::new()));
        }
        // The changes are the transaction's last writes: the feed head's row lock is then held
        // only from the first append to the commit (see store::feed).
        let mut first_sequence = None;
        let mut sequence = 0;
        for written in &written {
            let resource = &written.resource;
            let payload = pb::Change {
                sequence: 0,
                commit_time: None,
                resource: Some(resource.clone()),
                events: written.events.clone(),
                moved_from_commune: moved_from_commune(written),
            }
            .encode_to_vec();
            sequence = tx
                .append_change(resource_name(resource), &payload, now)
                .await?;
            first_sequence.get_or_insert(sequence);
        }
        let resources: Vec<Resource> = written.into_iter().map(|w| w.resource).collect();
        if let Some(key) = request
            && !tx
                .record_request(
                    &key.id,
                    key.method,
                    &key.fingerprint,
                    first_sequence.unwrap_or(sequence),
                    now,
                )
                .await?
        {
            return Ok(None);
        }
        tx.commit().await?;
        tracing::debug!(
            sequence,
            changes = resources.len(),
            resource = resources.first().map(resource_name),
            "committed"
        );
        self.head.send_replace(sequence);
        Ok(Some(resources))
    }

    async fn replay(
        &self,
        tx: &mut Tx,
        key: &RequestKey,
        previous: &store::StoredRequest,
    ) -> Result<Resource, ApiError> {
        if previous.method != key.method || previous.fingerprint != key.fingerprint {
            return Err(ApiError::invalid(
                "request_id",
                "was already used for a different request",
            ));
        }
        let change = tx.change(previous.sequence).await?.ok_or_else(|| {
            ApiError::Internal(format!(
                "request id points at missing change {}",
                previous.sequence
            ))
        })?;
        decode_change(&change)?
            .resource
            .ok_or_else(|| ApiError::Internal("stored change has no resource".into()))
    }

    /// Creates a commune.
    pub async fn create_commune(
        &self,
        commune: Commune,
        request: Option<RequestKey>,
    ) -> Result<pb::Commune, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let commune = commune.clone();
                Box::pin(async move {
                    units::require_commune_province(tx, &commune.province_code).await?;
                    let record = tx.insert_commune(&commune, now).await?;
                    Ok(Resource::Commune(convert::commune_to_proto(&record)))
                })
            })
            .await?;
        expect_commune(resource)
    }

    /// Updates the fields of a commune named in `paths` from `update`, if `etag` is current.
    pub async fn update_commune(
        &self,
        code: &str,
        etag: &str,
        update: pb::Commune,
        paths: Vec<&'static str>,
    ) -> Result<pb::Commune, ApiError> {
        let resource = self
            .mutate(None, false, |tx, now| {
                let (code, etag, update, paths) = (
                    code.to_owned(),
                    etag.to_owned(),
                    update.clone(),
                    paths.clone(),
                );
                Box::pin(async move {
                    let current = tx.require_commune(&code).await?;
                    check_etag(
                        &etag,
                        current.version,
                        &partyregistry_vocab::names::commune(&code),
                    )?;
                    let mut merged = convert::commune_to_proto(&current);
                    convert::merge_commune(&mut merged, &update, &paths);
                    let commune = convert::commune_from_proto(&merged, &code)?;
                    if commune.province_code != current.commune.province_code {
                        units::require_commune_province(tx, &commune.province_code).await?;
                    }
                    let updated = tx.update_commune(&commune, current.version, now).await?;
                    Ok(Resource::Commune(convert::commune_to_proto(&updated)))
                })
            })
            .await?;
        expect_commune(resource)
    }

    /// Creates a cell.
    pub async fn create_cell(
        &self,
        cell: Cell,
        request: Option<RequestKey>,
    ) -> Result<pb::Cell, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let cell = cell.clone();
                Box::pin(async move {
                    let record = tx.insert_cell(&cell, now).await?;
                    Ok(Resource::Cell(convert::cell_to_proto(&record)))
                })
            })
            .await?;
        expect_cell(resource)
    }

    /// Updates the fields of a cell named in `paths` from `update`, if `etag` is current.
    pub async fn update_cell(
        &self,
        (commune_code, cell_id): (&str, &str),
        etag: &str,
        update: pb::Cell,
        paths: Vec<&'static str>,
    ) -> Result<pb::Cell, ApiError> {
        let resource = self
            .mutate(None, false, |tx, now| {
                let (commune_code, cell_id, etag, update, paths) = (
                    commune_code.to_owned(),
                    cell_id.to_owned(),
                    etag.to_owned(),
                    update.clone(),
                    paths.clone(),
                );
                Box::pin(async move {
                    let current = tx.require_cell(&commune_code, &cell_id).await?;
                    check_etag(
                        &etag,
                        current.version,
                        &partyregistry_vocab::names::cell(&commune_code, &cell_id),
                    )?;
                    let mut merged = convert::cell_to_proto(&current);
                    convert::merge_cell(&mut merged, &update, &paths);
                    let cell = convert::cell_from_proto(&merged, &commune_code, &cell_id)?;
                    let updated = tx.update_cell(&cell, current.version, now).await?;
                    Ok(Resource::Cell(convert::cell_to_proto(&updated)))
                })
            })
            .await?;
        expect_cell(resource)
    }

    /// Records an admission decided by the commune of `cell`.
    pub async fn record_admission(
        &self,
        person: Person,
        admission: AdmissionDates,
        (commune_code, cell_id): (String, String),
        context: AdmissionContext,
        request: Option<RequestKey>,
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(request.as_ref(), true, |tx, now| {
            let (person, admission, commune_code, cell_id, context) = (
                person.clone(),
                admission.clone(),
                commune_code.clone(),
                cell_id.clone(),
                context.clone(),
            );
            Box::pin(async move {
                let rules = tx.rule_table().await?;
                let (record, events) = admit_member(
                    tx,
                    person,
                    admission,
                    (&commune_code, &cell_id),
                    context,
                    &rules,
                    now,
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
        request: Option<RequestKey>,
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(request.as_ref(), true, |tx, now| {
            let (person, admission, commune_code, cell_id, from) = (
                person.clone(),
                admission.clone(),
                commune_code.clone(),
                cell_id.clone(),
                from.clone(),
            );
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
                let record = tx.insert_member(&member, now).await?;
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
        paths: Vec<&'static str>,
    ) -> Result<pb::Member, ApiError> {
        self.mutate_member(None, false, |tx, now| {
            let (etag, update, paths) = (etag.to_owned(), update.clone(), paths.clone());
            Box::pin(async move {
                let current = tx.require_member(id).await?;
                check_etag(
                    &etag,
                    current.version,
                    &partyregistry_vocab::names::member(id),
                )?;
                let mut merged = convert::member_to_proto(&current);
                convert::merge_member(&mut merged, &update, &paths);
                let mut violations = partyregistry_kit::error::Violations::new();
                let person = convert::person_from_proto(&merged, &mut violations);
                let (party_age_gaps, badges) = convert::party_age_from_proto(
                    &merged,
                    current.member.admission.decision_date,
                    date::today_in_vietnam(),
                    &mut violations,
                );
                violations.finish()?;
                let person = person
                    .ok_or_else(|| ApiError::Internal("validation passed without values".into()))?;
                let member = Member {
                    person,
                    party_age_gaps,
                    seriously_ill: merged.seriously_ill,
                    badges,
                    ..current.member.clone()
                };
                let event = MemberEvent::on(
                    domain::EventType::DetailsUpdated,
                    date::today_in_vietnam(),
                    &tx.rule_table().await?,
                );
                write_member_step(tx, &current, &member, &event, now).await
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
                    Step::Ceremony(ceremony) => {
                        domain::record_ceremony(&mut member, ceremony, today, rules)?
                    }
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
                };
                write_member_step(tx, &current, &member, &event, now).await
            })
        })
        .await
    }

    /// Reads a commune.
    pub async fn commune(&self, code: &str) -> Result<pb::Commune, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert::commune_to_proto(&tx.require_commune(code).await?))
    }

    /// Lists communes.
    pub async fn communes(
        &self,
        province: Option<&str>,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Commune>, String), ApiError> {
        let mut tx = self.store.read().await?;
        let (records, next) = tx.list_communes(province, token, size).await?;
        Ok((
            records.iter().map(convert::commune_to_proto).collect(),
            next,
        ))
    }

    /// Reads a cell.
    pub async fn cell(&self, commune_code: &str, cell_id: &str) -> Result<pb::Cell, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert::cell_to_proto(
            &tx.require_cell(commune_code, cell_id).await?,
        ))
    }

    /// Lists a commune's cells.
    pub async fn cells(
        &self,
        commune_code: &str,
        kind: Option<domain::CellKind>,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Cell>, String), ApiError> {
        let mut tx = self.store.read().await?;
        let (records, next) = tx.list_cells(commune_code, kind, token, size).await?;
        Ok((records.iter().map(convert::cell_to_proto).collect(), next))
    }

    /// Reads a member.
    pub async fn member(&self, id: i64) -> Result<pb::Member, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert::member_to_proto(&tx.require_member(id).await?))
    }

    /// Lists a roster; the commune, if given, must exist.
    pub async fn members(
        &self,
        filter: &MemberFilter,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Member>, String), ApiError> {
        let mut tx = self.store.read().await?;
        if let Some(code) = &filter.commune_code {
            tx.require_commune(code).await?;
            if let Some(cell_id) = &filter.cell_id {
                tx.require_cell(code, cell_id).await?;
            }
        }
        let (records, next) = tx.list_members(filter, token, size).await?;
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

    /// Up to `limit` changes after `after`, and the head.
    pub async fn changes_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<pb::Change>, i64), ApiError> {
        let mut tx = self.store.read().await?;
        let head = tx.head().await?;
        let changes = tx.changes_after(after, limit).await?;
        Ok((
            changes
                .iter()
                .map(decode_change)
                .collect::<Result<_, _>>()?,
            head,
        ))
    }
}

/// An etag must be given and match the stored version.
fn check_etag(etag: &str, version: i64, name: &str) -> Result<(), ApiError> {
    if etag.is_empty() {
        return Err(ApiError::invalid(
            "etag",
            "is required; read the resource and send its etag back",
        ));
    }
    if etag != version.to_string() {
        return Err(ApiError::Aborted {
            name: name.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
