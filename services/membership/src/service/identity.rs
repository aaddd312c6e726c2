//! No existence oracle. A write that gives a member a citizen ID checks who else holds it: a
//! record the writer sees answers ALREADY_EXISTS as before (it discloses nothing the writer
//! could not read); records it does not see change nothing in the answer — the member is
//! written as if the ID were free, kept out of the database's uniqueness (`shared`), and each
//! pair is queued as an identity conflict for an office whose scope covers both records.
//! Re-admission is untouched: the earlier record it links is superseded before the new one is
//! written, and a superseded record holds no ID.
//!
//! Also the review queue's commands: list (the handler keeps what the caller sees) and close.

use std::sync::{Arc, Mutex, PoisonError};

use partyregistry_kit::db::now_micros;
use partyregistry_kit::error::ApiError;

use super::Membership;
use crate::domain::Member;
use crate::domain::identity::{
    CONFLICT_ALREADY_CLOSED, ConflictState, IDENTITY_STILL_SHARED, IdentityConflict, NewConflict,
    conflict_name,
};
use crate::store::members::citizen_id_taken;
use crate::store::{MemberRecord, PlacedConflict, Tx};

/// Whether a caller sees a commune: its code and its province as stored.
type SeesFn = dyn Fn(&str, &str) -> bool + Send + Sync;

/// How many times a write looks again at who holds a citizen ID after a concurrent commit took it
/// between the look and the write (PostgreSQL only; SQLite writers are serialised).
const CLAIM_ATTEMPTS: usize = 3;

/// Who writes, as the citizen-ID checks see them: the token's subject and method (recorded with a
/// conflict), the caller's scope, and the conflicts the command queued.
#[derive(Clone)]
pub struct Writer {
    subject: String,
    method: &'static str,
    sees: Arc<SeesFn>,
    queued: Arc<Mutex<Vec<IdentityConflict>>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("subject", &self.subject)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// `subject` calling `method` (its short name, `CreateMember`), seeing the communes for which
    /// `sees(commune code, province code as stored)` holds.
    pub fn new(
        subject: &str,
        method: &'static str,
        sees: impl Fn(&str, &str) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            subject: subject.to_owned(),
            method,
            sees: Arc::new(sees),
            queued: Arc::default(),
        }
    }

    /// A writer that sees every commune: a national caller.
    pub fn everywhere(subject: &str, method: &'static str) -> Self {
        Self::new(subject, method, |_, _| true)
    }

    /// Whether the writer sees commune `code`, stored in province `province`.
    pub fn sees(&self, code: &str, province: &str) -> bool {
        (self.sees)(code, province)
    }

    /// The token's subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The conflicts the command queued, once it has committed (nothing for a command that
    /// failed, a dry run or a replayed request id).
    pub fn queued(&self) -> Vec<IdentityConflict> {
        self.queue().clone()
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<IdentityConflict>> {
        // A plain list: a panic elsewhere while holding the lock leaves it usable.
        self.queued.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets what an earlier attempt of the command queued: it was rolled back.
    pub(super) fn start_attempt(&self) {
        self.queue().clear();
    }

    /// Queues a conflict between `member_id` (being written) and each of `holders`.
    pub(super) async fn queue_conflicts(
        &self,
        tx: &mut Tx,
        member_id: i64,
        holders: &[i64],
        now: i64,
    ) -> Result<(), ApiError> {
        let new: Vec<NewConflict> = holders
            .iter()
            .map(|&existing_member_id| NewConflict {
                member_id,
                existing_member_id,
                method: self.method,
                writer: self.subject.clone(),
            })
            .collect();
        let stored = tx.insert_conflicts(&new, now).await?;
        self.queue().extend(stored);
        Ok(())
    }
}

/// The records not superseded, other than `except`, that hold `citizen_id`: ALREADY_EXISTS when
/// the writer sees one of them; otherwise the ids of those it does not see (none when the ID is
/// free).
pub(super) async fn unseen_holders(
    tx: &mut Tx,
    writer: &Writer,
    citizen_id: Option<&str>,
    except: i64,
) -> Result<Vec<i64>, ApiError> {
    let Some(citizen_id) = citizen_id else {
        return Ok(Vec::new());
    };
    let holders = tx
        .citizen_id_holders(&[citizen_id.to_owned()], except)
        .await?;
    let mut unseen = Vec::new();
    for holder in holders.into_iter().filter(|h| !h.superseded) {
        if writer.sees(&holder.commune_code, &holder.province_code) {
            return Err(citizen_id_taken());
        }
        unseen.push(holder.member_id);
    }
    Ok(unseen)
}

/// Inserts `member` after checking its citizen ID (see the module documentation).
pub(super) async fn insert_member_checked(
    tx: &mut Tx,
    writer: &Writer,
    member: &Member,
    now: i64,
) -> Result<MemberRecord, ApiError> {
    let citizen_id = member.person.citizen_id.as_deref();
    for _ in 0..CLAIM_ATTEMPTS {
        let unseen = unseen_holders(tx, writer, citizen_id, 0).await?;
        if let Some(record) = tx.insert_member(member, !unseen.is_empty(), now).await? {
            writer
                .queue_conflicts(tx, record.member.id, &unseen, now)
                .await?;
            return Ok(record);
        }
    }
    Err(contended())
}

/// Writes `member` over `current`; a changed citizen ID is checked like a new member's.
pub(super) async fn update_member_checked(
    tx: &mut Tx,
    writer: &Writer,
    current: &MemberRecord,
    member: &Member,
    now: i64,
) -> Result<MemberRecord, ApiError> {
    let citizen_id = member.person.citizen_id.as_deref();
    if citizen_id == current.member.person.citizen_id.as_deref() {
        return tx.update_member(member, current, now).await;
    }
    for _ in 0..CLAIM_ATTEMPTS {
        let unseen = unseen_holders(tx, writer, citizen_id, member.id).await?;
        let shared = !unseen.is_empty();
        if let Some(record) = tx
            .update_member_citizen_id(member, (current, shared), now)
            .await?
        {
            writer.queue_conflicts(tx, member.id, &unseen, now).await?;
            return Ok(record);
        }
    }
    Err(contended())
}

fn contended() -> ApiError {
    ApiError::Unavailable("too much contention on this citizen ID; retry later".into())
}

impl Membership {
    /// Up to `limit` conflicts with an id below `before`, newest first, in `state` if given.
    pub async fn identity_conflicts(
        &self,
        state: Option<ConflictState>,
        before: i64,
        limit: i64,
    ) -> Result<Vec<PlacedConflict>, ApiError> {
        let mut tx = self.store.read().await?;
        tx.list_conflicts(state, before, limit).await
    }

    /// Conflict `id`; `None` when there is none.
    pub async fn identity_conflict(&self, id: i64) -> Result<Option<PlacedConflict>, ApiError> {
        let mut tx = self.store.read().await?;
        tx.get_conflict(id).await
    }

    /// Closes open conflict `id` as `resolution` (RESOLVED or DISMISSED) with `note`, by
    /// `writer`. RESOLVED needs the two records to no longer share the citizen ID. A record left
    /// alone with its ID goes back under the database's uniqueness.
    pub async fn resolve_identity_conflict(
        &self,
        id: i64,
        resolution: ConflictState,
        note: &str,
        writer: &Writer,
    ) -> Result<PlacedConflict, ApiError> {
        let name = conflict_name(id);
        let not_found = || ApiError::NotFound {
            resource_type: "partyregistry.membership.v1.IdentityConflict",
            name: name.clone(),
        };
        let mut tx = self.store.begin().await?;
        let now = now_micros();
        let conflict = tx.get_conflict(id).await?.ok_or_else(not_found)?.conflict;
        let closed = || {
            ApiError::precondition(
                CONFLICT_ALREADY_CLOSED,
                "name",
                format!("{name} is already closed"),
            )
        };
        if conflict.state != ConflictState::Open {
            return Err(closed());
        }
        if resolution == ConflictState::Resolved
            && tx
                .share_citizen_id(conflict.member_id, conflict.existing_member_id)
                .await?
        {
            return Err(ApiError::precondition(
                IDENTITY_STILL_SHARED,
                "resolution",
                "the two records still hold the same citizen ID: correct one of them first, or dismiss with a note",
            ));
        }
        if !tx
            .close_conflict(id, (resolution, note, writer.subject()), now)
            .await?
        {
            return Err(closed());
        }
        for member_id in [conflict.member_id, conflict.existing_member_id] {
            let record = tx.require_member(member_id).await?;
            let Some(citizen_id) = record.member.person.citizen_id else {
                continue;
            };
            let others = tx.citizen_id_holders(&[citizen_id], member_id).await?;
            if others.iter().all(|other| other.superseded) {
                tx.unshare_citizen_id(member_id).await?;
            }
        }
        let placed = tx.get_conflict(id).await?.ok_or_else(not_found)?;
        tx.commit().await?;
        Ok(placed)
    }
}
