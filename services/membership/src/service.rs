//! The commands of the membership service. Each one runs in a single write transaction: load the
//! current state and the regulation table, apply a domain rule, write the new state and its
//! events, append the change(s) to the feed, record the request id — then commit, and wake the
//! feed's followers. Most commands change one resource; AdmitCandidate changes two (the new
//! member, then the closed candidate) and appends both changes, in that order, before committing.
//! A member change written by a lifecycle command carries the events the command recorded
//! (`Change.events`), so that followers count movements by their effective dates.
//!
//! Modules: `outbox` (the write transaction around every command: the feed, request ids,
//! conflict retries), `organisations` (communes and cells), `members` (admissions, lifecycle
//! steps, rosters), `admission` (the admission pipeline), `units` (provinces and merges), `import` (the roster import, a batch per transaction), `identity` (citizen IDs checked against the writer's scope, the review queue of identity conflicts).
//!
//! A retried request (same request id) returns the state its first execution produced (the first
//! change it appended), read back from the feed, and writes nothing.

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use prost::Message;
use tokio::sync::watch;

use crate::store::{self, Store};

/// The error of a command whose first written (or replayed) resource is not of the type its
/// method writes: a bug, since a request id is bound to one method.
fn other_resource_type() -> ApiError {
    ApiError::Internal("request id replayed a change of another resource type".into())
}

/// The `$variant` resource a command wrote or a retried request id replayed.
macro_rules! expect_resource {
    ($resource:expr, $variant:ident) => {
        match $resource {
            Resource::$variant(value) => Ok(value),
            _ => Err(super::other_resource_type()),
        }
    };
}

mod admission;
mod candidate_votes;
mod identity;
mod import;
mod members;
mod organisations;
mod outbox;
mod rule_versions;
mod units;

pub use admission::AdmitDecision;
pub use identity::Writer;
pub use import::{CellRow, ImportBatch, ImportReport, ImportRow, MemberRow, Sees};
pub use members::{CellKey, Step};
pub use outbox::{Written, noting_commits};

/// An idempotency key with what identifies the request it came with.
#[derive(Debug, Clone)]
pub struct RequestKey {
    /// Whose request id it is ([`partyregistry_kit::auth::Caller::request_scope`]).
    pub caller: String,
    /// The caller's request id.
    pub id: String,
    /// The method, so that an id cannot be replayed against another method.
    pub method: &'static str,
    /// The request's encoding with the request id cleared: a reused id with a different request
    /// is refused rather than silently answered with the first result.
    pub fingerprint: Vec<u8>,
}

/// The membership commands and queries over one store.
#[derive(Debug)]
pub struct Membership {
    store: Store,
    head: watch::Sender<i64>,
    bare_ethnicity_codes: crate::convert::BareEthnicityCodes,
}

impl Membership {
    /// Serves commands over `store`.
    pub fn new(store: Store) -> Self {
        let (head, _) = watch::channel(0);
        Self {
            store,
            head,
            bare_ethnicity_codes: crate::convert::BareEthnicityCodes::default(),
        }
    }

    /// Reads bare ethnicity codes as `bare` says (by default they are refused).
    pub fn with_bare_ethnicity_codes(mut self, bare: crate::convert::BareEthnicityCodes) -> Self {
        self.bare_ethnicity_codes = bare;
        self
    }

    /// How bare ethnicity codes are read.
    pub fn bare_ethnicity_codes(&self) -> crate::convert::BareEthnicityCodes {
        self.bare_ethnicity_codes
    }

    /// The store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A receiver woken with the new head after every commit of this process and, on
    /// PostgreSQL, of every other process writing to the same database (see
    /// [`Membership::commit_seen`]).
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    /// Wakes the feed's followers for a commit announced by the database: `Some(sequence)` for
    /// the change of that sequence (ignored when this process already announced it or a later
    /// one), `None` when announcements may have been missed (the listening connection was lost),
    /// which wakes every follower to read the feed again.
    pub fn commit_seen(&self, sequence: Option<i64>) {
        match sequence {
            Some(sequence) => {
                self.head.send_if_modified(|head| {
                    let newer = sequence > *head;
                    if newer {
                        *head = sequence;
                    }
                    newer
                });
            }
            None => self.head.send_modify(|_| {}),
        }
    }

    /// The sequence of the last committed change; 0 for an empty feed.
    pub async fn feed_head(&self) -> Result<i64, ApiError> {
        let mut tx = self.store.read().await?;
        tx.head().await
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
