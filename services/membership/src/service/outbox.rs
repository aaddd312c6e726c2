//! The write transaction around every command: a retried request id is answered from the feed;
//! otherwise the command runs, each resource it wrote is appended to the feed (with the events it
//! recorded and the commune a person left), the request id is recorded, and the transaction
//! commits. A command that lost a race on a row version is run again from a fresh read.

use std::future::Future;
use std::pin::Pin;

use partyregistry_kit::db::now_micros;
use partyregistry_kit::error::ApiError;
use partyregistry_kit::telemetry;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use prost::Message;

use super::{Membership, RequestKey, decode_change, person_commune, resource_name};
use crate::store::{self, Tx};

pub(super) type CommandFuture<'c> =
    Pin<Box<dyn Future<Output = Result<Resource, ApiError>> + Send + 'c>>;

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
pub(super) type MemberFuture<'c> =
    Pin<Box<dyn Future<Output = Result<Written, ApiError>> + Send + 'c>>;

/// A command that writes several resources: their changes are appended in this order, and the
/// first one is the command's reply (and what a retried request id replays).
pub(super) type ChangesFuture<'c> =
    Pin<Box<dyn Future<Output = Result<Vec<Written>, ApiError>> + Send + 'c>>;

/// How many times a lifecycle command is retried when a concurrent writer changed the same
/// member between its read and its write (PostgreSQL only; SQLite writers are serialised).
const CONFLICT_RETRIES: usize = 5;

/// The commune a member or candidate leaves with this change: the commune it was in before the
/// command (`previous_commune`) when that differs from the one it is in now; empty otherwise (and
/// for other resources).
fn moved_from_commune(written: &Written) -> String {
    match (&written.previous_commune, person_commune(&written.resource)) {
        (Some(before), Some(now_in)) if *before != now_in => before.clone(),
        _ => String::new(),
    }
}

tokio::task_local! {
    /// The feed sequence of the last change the current call committed (or replayed), for its
    /// answer's `x-feed-sequence`.
    static COMMITTED: std::cell::Cell<Option<i64>>;
}

/// Notes `sequence` as committed by the current call; outside [`noting_commits`] nothing is noted.
pub(super) fn note_commit(sequence: i64) {
    let _ = COMMITTED.try_with(|committed| {
        committed.set(Some(
            committed.get().map_or(sequence, |seen| seen.max(sequence)),
        ));
    });
}

/// Runs `call`, returning its output and the feed sequence of the last change it committed.
pub async fn noting_commits<T>(call: impl std::future::Future<Output = T>) -> (T, Option<i64>) {
    COMMITTED
        .scope(std::cell::Cell::new(None), async {
            let output = call.await;
            (output, COMMITTED.with(std::cell::Cell::get))
        })
        .await
}

/// Appends the changes of the resources `written`, in order, as the last writes of `tx`, traced
/// to the current call; returns the last sequence.
pub(super) async fn append_written(
    tx: &mut Tx,
    written: &[Written],
    now: i64,
) -> Result<i64, ApiError> {
    let trace_parent = telemetry::current_trace_parent();
    let changes = written
        .iter()
        .map(|written| {
            (
                resource_name(&written.resource).to_owned(),
                change_payload(written, &trace_parent),
            )
        })
        .collect();
    tx.append_changes(changes, now).await
}

/// The stored form of the change of `written`: the encoded `Change` without its sequence and
/// commit time (they are columns of the feed).
pub(super) fn change_payload(written: &Written, trace_parent: &str) -> Vec<u8> {
    pb::Change {
        sequence: 0,
        commit_time: None,
        resource: Some(written.resource.clone()),
        events: written.events.clone(),
        moved_from_commune: moved_from_commune(written),
        trace_parent: trace_parent.to_owned(),
    }
    .encode_to_vec()
}

impl Membership {
    /// Runs `command` in a write transaction with the feed and idempotency bookkeeping. With
    /// `retry_conflicts`, a concurrent change of the same row (ABORTED from the version check) is
    /// retried from a fresh read; commands that carry the caller's etag report it instead.
    pub(super) async fn mutate<F>(
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
    pub(super) async fn mutate_member<F>(
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
            Some(resource) => expect_resource!(resource, Member),
            None => Err(ApiError::Internal("a command wrote no resource".into())),
        }
    }

    /// Like [`Self::mutate`] for a command that writes several resources in one transaction:
    /// one change per resource, in order, with consecutive sequences. Returns the resources
    /// written; a replayed request id returns only the first. A command that writes nothing
    /// commits nothing.
    pub(super) async fn mutate_all<F>(
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
                Ok(resources) => return Ok(resources),
                Err(ApiError::Aborted { .. }) if retry_conflicts => {}
                Err(error) => return Err(error),
            }
        }
        Err(ApiError::Unavailable(
            "too much contention on this resource; retry later".into(),
        ))
    }

    /// One attempt: the command's resources, or the first answer to the same request.
    pub(super) async fn mutate_once<F>(
        &self,
        request: Option<&RequestKey>,
        command: &F,
    ) -> Result<Vec<Resource>, ApiError>
    where
        F: for<'c> Fn(&'c mut Tx, i64) -> ChangesFuture<'c>,
    {
        let mut tx = self.store.begin_command().await?;
        let now = now_micros();
        // The request's key is the transaction's first write: a concurrent retry of the same
        // request waits here until this one ends, then replays its answer (see
        // store::feed::claim_request).
        if let Some(key) = request
            && !tx
                .claim_request(&key.caller, &key.id, key.method, &key.fingerprint, now)
                .await?
        {
            let previous = tx
                .find_request(&key.caller, &key.id)
                .await?
                .ok_or_else(|| {
                    ApiError::Unavailable("the request id was just forgotten; retry".into())
                })?;
            let replayed = self.replay(&mut tx, key, &previous).await?;
            // The first answer may be a command of the same group, not yet committed.
            tx.rollback().await?;
            note_commit(previous.sequence);
            return Ok(vec![replayed]);
        }
        let written = command(&mut tx, now).await?;
        if written.is_empty() {
            // Whatever the command read or locked is let go.
            tx.rollback().await?;
            return Ok(Vec::new());
        }
        // The changes are the command's last writes: the feed head's row lock is then held
        // only from the group's first append to its commit (see store::feed, store::group).
        let sequence = append_written(&mut tx, &written, now).await?;
        let first_sequence = sequence - written.len() as i64 + 1;
        let resources: Vec<Resource> = written.into_iter().map(|w| w.resource).collect();
        if let Some(key) = request {
            tx.settle_request(&key.caller, &key.id, first_sequence)
                .await?;
        }
        tx.commit().await?;
        tracing::debug!(
            sequence,
            changes = resources.len(),
            resource = resources.first().map(resource_name),
            "committed"
        );
        self.head.send_replace(sequence);
        note_commit(sequence);
        Ok(resources)
    }

    /// Forgets the request ids recorded before `before_us` (µs since the epoch): the retention
    /// of `--request-retention-hours`. Returns how many were forgotten.
    pub async fn forget_requests_before(&self, before_us: i64) -> Result<u64, ApiError> {
        let mut tx = self.store.begin().await?;
        let forgotten = tx.purge_requests(before_us).await?;
        tx.commit().await?;
        Ok(forgotten)
    }

    pub(super) async fn replay(
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
}
