//! The consumer of membership's `WatchChanges` feed: resumes from the stored cursor, applies the
//! changes in batches (projection and cursor in one transaction each), records heartbeats, and
//! reconnects with exponential backoff while membership is away. Reports keep being served from
//! what was applied meanwhile.
//!
//! Owns the connection state shared with the API ([`FeedState`]). Does not own what a change means
//! (see [`crate::ingest::projection`]) nor the SQL (see [`crate::store`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use partyregistry_kit::client::{self, CallHeaders, ClientSecurity};
use partyregistry_kit::db::{micros_of, now_micros};
use partyregistry_kit::telemetry;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::watch_changes_response::Event;
use partyregistry_proto::membership::v1::{Change, WatchChangesRequest, WatchChangesResponse};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tonic::Streaming;
use tonic::service::interceptor::InterceptedService;

use crate::ingest::projection::project_change;
use crate::model::feed::{FeedContact, FeedPosition};
use crate::store::{BatchOutcome, Store, StoreError, StoredCursor};

/// First wait before reconnecting.
const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How long a connection attempt (TCP, TLS and the subscription) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Membership sends a heartbeat every few seconds while idle: this much silence means the
/// connection is dead even if TCP has not noticed (a half-open connection).
const SILENCE_LIMIT: Duration = Duration::from_secs(30);
/// Most changes applied in one transaction: large enough to replay history quickly (each batch
/// reads its members, sums their ledger rows and commits once: replaying an imported roster was a
/// third faster at 8,000 than at 2,000, and no faster at 16,000, in `cargo bench --bench import`),
/// small enough to keep a batch's memory and transaction short (replaying a province, reporting
/// peaked at 195 MB against 84 MB with batches of 2,000: the memory is the batch's, not the
/// history's). Live writes arrive a few at a time and are applied as they come, whatever this
/// limit.
const MAX_BATCH: usize = 8_000;
/// Messages received ahead of the batch being written.
const READ_AHEAD: usize = 2 * MAX_BATCH;

impl Store {
    /// Reads `changes` (in feed order) through the projection and applies them with the cursor
    /// in one transaction (see [`Store::apply_projected`]). `contact_us` is stored as the last
    /// contact time.
    pub async fn apply_changes(
        &self,
        changes: &[Change],
        contact_us: i64,
    ) -> Result<BatchOutcome, StoreError> {
        let projected: Vec<_> = changes.iter().map(project_change).collect();
        self.apply_projected(&projected, contact_us).await
    }
}

/// The consumer's connection state, in memory and shared with the API. The applied position is
/// not here: it lives in the database, next to the rows it describes.
#[derive(Debug, Default)]
pub struct FeedState {
    connected: AtomicBool,
    head_sequence: AtomicI64,
    last_contact_us: AtomicI64,
    /// The last sequence applied, as committed by the consumer (the database stays the record).
    applied_sequence: AtomicI64,
    /// Woken after every applied batch, for readers waiting for their write.
    applied_changed: tokio::sync::Notify,
    /// Set when the projection was reset to replay the feed from the start — the feed was found
    /// to have diverged (membership restored from a backup behind what was applied), or a
    /// migration asked for a replay — until the replay reaches the head membership announces:
    /// meanwhile the projection is partial and no report is answered.
    rebuilding: AtomicBool,
    /// Set once membership announced its head on the current connection (after the feed was found
    /// to hold the last change applied), cleared when the connection ends: the head remembered
    /// from an earlier connection does not say where membership stands now.
    head_confirmed: AtomicBool,
}

impl FeedState {
    /// A state starting from what the database remembers of the last run (disconnected), a
    /// replay under way included.
    pub fn from_cursor(cursor: &StoredCursor) -> Self {
        Self {
            connected: AtomicBool::new(false),
            head_sequence: AtomicI64::new(cursor.head_sequence),
            last_contact_us: AtomicI64::new(cursor.last_contact_us),
            applied_sequence: AtomicI64::new(cursor.position.last_sequence),
            applied_changed: tokio::sync::Notify::new(),
            rebuilding: AtomicBool::new(cursor.rebuilding),
            head_confirmed: AtomicBool::new(false),
        }
    }

    /// Starts over after the projection was reset: nothing applied, no head known.
    fn restart(&self) {
        self.rebuilding.store(true, Ordering::SeqCst);
        self.head_confirmed.store(false, Ordering::SeqCst);
        self.head_sequence.store(0, Ordering::SeqCst);
        self.applied_sequence.store(0, Ordering::SeqCst);
        self.applied_changed.notify_waiters();
    }

    /// The state after a divergence was found, for tests of the API above.
    #[cfg(test)]
    pub(crate) fn diverged_for_tests(&self) {
        self.restart();
    }

    /// The state once a replay applied up to `head`, which membership then announced.
    #[cfg(test)]
    pub(crate) fn replayed_for_tests(&self, head: i64) {
        self.connected();
        self.applied(head);
        self.announce_head(head);
    }

    /// The state once the connection to membership was lost, for tests of the API above.
    #[cfg(test)]
    pub(crate) fn disconnected_for_tests(&self) {
        self.disconnected();
    }

    /// Whether the projection is being rebuilt after a divergence (see [`FeedState::restart`]).
    pub fn is_rebuilding(&self) -> bool {
        self.rebuilding.load(Ordering::SeqCst)
    }

    /// Records that everything up to `sequence` is applied (committed) and wakes the waiters.
    /// Whether this ended a rebuild: a rebuild ends as soon as it reaches the head membership
    /// announced, not at the next heartbeat, so that a reader waiting for its write is answered
    /// once the write is applied.
    pub(crate) fn applied(&self, sequence: i64) -> bool {
        self.applied_sequence.fetch_max(sequence, Ordering::SeqCst);
        let ended = self.end_rebuild_at_head();
        self.applied_changed.notify_waiters();
        ended
    }

    /// Ends a rebuild once the head membership announced is applied; whether this call ended it
    /// (exactly one caller sees a rebuild end).
    fn end_rebuild_at_head(&self) -> bool {
        self.head_confirmed.load(Ordering::SeqCst)
            && self.applied_sequence.load(Ordering::SeqCst)
                >= self.head_sequence.load(Ordering::SeqCst)
            && self.rebuilding.swap(false, Ordering::SeqCst)
    }

    /// Waits until the change `sequence` is applied, for at most `limit`. `Err` carries the
    /// sequence applied when the time ran out.
    pub async fn wait_applied(&self, sequence: i64, limit: Duration) -> Result<(), i64> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Registered before the check, so that a batch applied in between still wakes it.
            let changed = self.applied_changed.notified();
            let applied = self.applied_sequence.load(Ordering::SeqCst);
            if applied >= sequence {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                let applied = self.applied_sequence.load(Ordering::SeqCst);
                return if applied >= sequence {
                    Ok(())
                } else {
                    Err(applied)
                };
            }
        }
    }

    /// The current connection state.
    pub fn contact(&self) -> FeedContact {
        let connected = self.connected.load(Ordering::SeqCst);
        FeedContact {
            connected,
            head_sequence: self.head_sequence.load(Ordering::SeqCst),
            last_contact_us: self.last_contact_us.load(Ordering::Relaxed),
            head_confirmed: connected
                && self.head_confirmed.load(Ordering::SeqCst)
                && !self.is_rebuilding(),
        }
    }

    fn heard_from(&self, at_us: i64) {
        self.last_contact_us.store(at_us, Ordering::Relaxed);
    }

    /// Records that the feed is followed: subscribed, and (when something was applied before)
    /// found to hold the last change applied. Not earlier, so that a feed restored behind the
    /// projection is never shown as connected before the divergence is handled.
    fn connected(&self) {
        self.connected.store(true, Ordering::SeqCst);
    }

    /// Records the head membership announced; a rebuild ends once everything up to it is
    /// applied. Whether this ended a rebuild.
    fn announce_head(&self, head_sequence: i64) -> bool {
        self.head_sequence
            .fetch_max(head_sequence, Ordering::SeqCst);
        self.head_confirmed.store(true, Ordering::SeqCst);
        self.end_rebuild_at_head()
    }

    fn disconnected(&self) {
        self.head_confirmed.store(false, Ordering::SeqCst);
        self.connected.store(false, Ordering::SeqCst);
    }
}

/// Follows the membership feed into the store.
#[derive(Debug)]
pub struct Consumer {
    store: Store,
    state: Arc<FeedState>,
    membership_url: String,
    /// TLS (CA, client certificate) and the bearer token of the hop to membership.
    security: ClientSecurity,
    /// When the projection last reached the announced head, for the lag metric.
    caught_up_at: std::sync::Mutex<Instant>,
}

/// Why a session with the feed ended.
#[derive(Debug, thiserror::Error)]
enum SessionError {
    #[error("cannot connect: {0}")]
    Connect(#[source] BoxError),
    #[error("connection attempt timed out")]
    ConnectTimeout,
    #[error("feed error: {0}")]
    Feed(#[from] tonic::Status),
    #[error("the feed ended")]
    Ended,
    #[error("no message for {}s", SILENCE_LIMIT.as_secs())]
    Silent,
    #[error("database: {0}")]
    Database(#[from] StoreError),
    #[error(
        "membership's feed no longer holds change {0} as applied here (restored from an older \
         backup?): the projection was reset and is rebuilt from the feed"
    )]
    Diverged(i64),
}

/// How a session ended, and whether it got anywhere (which resets the backoff).
struct SessionEnd {
    /// `None`: stopped by the cancellation token.
    error: Option<SessionError>,
    /// Whether any message arrived.
    made_progress: bool,
}

impl Consumer {
    /// A consumer of the feed at `membership_url` into `store`, publishing its state to `state`,
    /// connecting with `security` (TLS when it has a CA; its token on every call).
    pub fn new(
        store: Store,
        state: Arc<FeedState>,
        membership_url: impl Into<String>,
        security: ClientSecurity,
    ) -> Self {
        Self {
            store,
            state,
            membership_url: membership_url.into(),
            security,
            caught_up_at: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// Follows the feed until `shutdown` is cancelled. A batch being applied when the token fires
    /// is committed first, so that the stored cursor always matches the projection.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut backoff = INITIAL_BACKOFF;
        loop {
            let end = self.session(&shutdown).await;
            self.state.disconnected();
            let Some(error) = end.error else { break };
            if end.made_progress {
                backoff = INITIAL_BACKOFF;
            }
            tracing::warn!(%error, retry_in_ms = backoff.as_millis() as u64, "membership feed unavailable");
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        tracing::info!("feed consumer stopped");
    }

    /// One connection: subscribe after the stored cursor and apply until the stream fails, ends,
    /// or `shutdown` fires.
    async fn session(&self, shutdown: &CancellationToken) -> SessionEnd {
        let mut made_progress = false;
        let error = self.follow(shutdown, &mut made_progress).await.err();
        SessionEnd {
            error,
            made_progress,
        }
    }

    async fn follow(
        &self,
        shutdown: &CancellationToken,
        made_progress: &mut bool,
    ) -> Result<(), SessionError> {
        let cursor = self.store.cursor().await?.position;
        let after_sequence = cursor.last_sequence;
        // The last change applied is asked for again, to check that the feed still holds it.
        let resume_after = (after_sequence - 1).max(0);
        let subscribe = async {
            let token =
                CallHeaders::new(self.security.token.as_deref()).map_err(SessionError::Connect)?;
            // Keep-alive on top of the kit's endpoint, so that a dead peer is noticed even while
            // the feed is idle.
            let channel = client::endpoint(&self.membership_url, &self.security)
                .map_err(SessionError::Connect)?
                .http2_keep_alive_interval(Duration::from_secs(20))
                .keep_alive_timeout(Duration::from_secs(10))
                .connect()
                .await
                .map_err(|error| SessionError::Connect(error.into()))?;
            let mut client = MembershipServiceClient::new(InterceptedService::new(channel, token));
            let stream = client
                .watch_changes(WatchChangesRequest {
                    after_sequence: resume_after,
                })
                .await?
                .into_inner();
            Ok::<_, SessionError>(stream)
        };
        // A span of its own, so that the trace context the subscription carries makes
        // membership's stream a child of this follower in the collector.
        let subscribe = tracing::Instrument::instrument(
            subscribe,
            tracing::info_span!(
                "feed.subscribe",
                otel.kind = "client",
                after_sequence = resume_after
            ),
        );
        let mut stream = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            result = tokio::time::timeout(CONNECT_TIMEOUT, subscribe) => {
                result.map_err(|_| SessionError::ConnectTimeout)??
            }
        };
        tracing::info!(after_sequence, url = %self.membership_url, "following the membership feed");
        if after_sequence > 0 {
            // Changes before the cursor (a feed that sends its history again) are passed over;
            // the first one at or after it, or a heartbeat, decides.
            let first = loop {
                let message = tokio::select! {
                    biased;
                    () = shutdown.cancelled() => return Ok(()),
                    result = tokio::time::timeout(SILENCE_LIMIT, stream.message()) => {
                        result.map_err(|_| SessionError::Silent)??.ok_or(SessionError::Ended)?
                    }
                };
                *made_progress = true;
                self.state.heard_from(now_micros());
                match &message.event {
                    Some(Event::Change(change)) if change.sequence < after_sequence => {}
                    _ => break message,
                }
            };
            if !holds_applied(&first, cursor) {
                // Reports are refused from here on, before the projection is reset: neither the
                // old history nor a partial replay is ever answered as current.
                self.state.restart();
                self.store.reset_projection().await?;
                let error = SessionError::Diverged(after_sequence);
                tracing::error!(%error, "feed diverged");
                return Err(error);
            }
        }
        self.state.connected();
        // The stream is read ahead by a task of its own, so that the next changes arrive and are
        // decoded while a batch is being written.
        let (sender, mut received) = mpsc::channel(READ_AHEAD);
        tokio::spawn(read_ahead(stream, sender));
        loop {
            let message = tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                message = received.recv() => message.ok_or(SessionError::Ended)??,
            };
            *made_progress = true;
            self.state.heard_from(now_micros());
            match message.event {
                Some(Event::Change(change)) => {
                    // Take every change already received, so that history replays in large
                    // transactions; stop at anything else and handle it after the batch.
                    let mut batch = vec![change];
                    let mut after_batch = None;
                    while batch.len() < MAX_BATCH {
                        match received.try_recv() {
                            Ok(Ok(WatchChangesResponse {
                                event: Some(Event::Change(change)),
                            })) => batch.push(change),
                            Ok(other) => {
                                after_batch = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    self.apply(&batch).await?;
                    if let Some(next) = after_batch
                        && let Some(Event::Heartbeat(heartbeat)) = next?.event
                    {
                        self.heartbeat(heartbeat.head_sequence).await?;
                    }
                }
                Some(Event::Heartbeat(heartbeat)) => {
                    self.heartbeat(heartbeat.head_sequence).await?
                }
                None => tracing::debug!("feed message without an event ignored"),
            }
        }
    }

    async fn apply(&self, batch: &[Change]) -> Result<(), SessionError> {
        // The batch's span joins the trace of the write that produced its first change and links
        // to the others', so that a write can be followed into its projection.
        let span =
            telemetry::follower_span(batch.iter().map(|change| change.trace_parent.as_str()));
        let outcome =
            tracing::Instrument::instrument(self.store.apply_changes(batch, now_micros()), span)
                .await?;
        if self.state.applied(outcome.position.last_sequence) {
            self.persist_rebuild_end().await?;
        }
        self.record_position(outcome.position.last_sequence, outcome.applied);
        tracing::debug!(
            applied = outcome.applied,
            replayed = outcome.replayed,
            malformed = outcome.malformed,
            last_sequence = outcome.position.last_sequence,
            "batch committed"
        );
        Ok(())
    }

    /// The feed's metrics after a batch: what was applied, how far behind the announced head
    /// the projection is, and for how long it has been behind.
    fn record_position(&self, applied_sequence: i64, applied: usize) {
        let behind = (self.state.contact().head_sequence - applied_sequence).max(0);
        let behind_for = {
            let mut caught_up_at = self
                .caught_up_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if behind == 0 {
                *caught_up_at = Instant::now();
            }
            caught_up_at.elapsed()
        };
        let service = "reporting";
        metrics::counter!("partyregistry_feed_applied_total", "service" => service)
            .increment(applied as u64);
        metrics::gauge!("partyregistry_feed_applied_sequence", "service" => service)
            .set(applied_sequence as f64);
        metrics::gauge!("partyregistry_feed_lag_events", "service" => service).set(behind as f64);
        metrics::gauge!("partyregistry_feed_lag_seconds", "service" => service)
            .set(behind_for.as_secs_f64());
    }

    /// Records in the store that the rebuild has ended, so that a restart does not resume it.
    async fn persist_rebuild_end(&self) -> Result<(), SessionError> {
        self.store.finish_rebuild().await?;
        tracing::info!("the projection has been rebuilt up to the feed's head");
        Ok(())
    }

    async fn heartbeat(&self, head_sequence: i64) -> Result<(), SessionError> {
        if self.state.announce_head(head_sequence) {
            self.persist_rebuild_end().await?;
        }
        self.store
            .record_heartbeat(head_sequence, now_micros())
            .await?;
        Ok(())
    }
}

/// Whether the first answer of a resumed feed is the change applied last, as it was applied: the
/// same sequence and commit time. A heartbeat instead (the feed's head is behind the cursor) or
/// another change means membership's history is not the one the projection was built from.
fn holds_applied(first: &WatchChangesResponse, applied: FeedPosition) -> bool {
    match &first.event {
        Some(Event::Change(change)) => {
            let commit_time_us = change.commit_time.as_ref().map_or(0, micros_of);
            change.sequence == applied.last_sequence
                // A position stored without its time (an old cursor) is taken on its sequence.
                && (applied.last_commit_time_us == 0 || commit_time_us == applied.last_commit_time_us)
        }
        _ => false,
    }
}

/// Reads `stream` into `sender` until the stream fails, ends or goes silent (the last thing sent
/// is then why), or until the receiver is dropped.
async fn read_ahead(
    mut stream: Streaming<WatchChangesResponse>,
    sender: mpsc::Sender<Result<WatchChangesResponse, SessionError>>,
) {
    loop {
        let next = tokio::select! {
            () = sender.closed() => return,
            result = tokio::time::timeout(SILENCE_LIMIT, stream.message()) => match result {
                Err(_) => Err(SessionError::Silent),
                Ok(Err(status)) => Err(SessionError::Feed(status)),
                Ok(Ok(None)) => Err(SessionError::Ended),
                Ok(Ok(Some(message))) => Ok(message),
            },
        };
        let last = next.is_err();
        if sender.send(next).await.is_err() || last {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rebuild ends when the change at the announced head is applied, without waiting for
    /// the next heartbeat, so that a caller waiting for its write gets its report.
    #[test]
    fn a_rebuild_ends_when_the_announced_head_is_applied() {
        let state = FeedState::default();
        state.restart();
        state.connected();
        state.applied(3);
        state.announce_head(5);
        assert!(state.is_rebuilding(), "3 of 5 applied");
        state.applied(4);
        assert!(state.is_rebuilding(), "4 of 5 applied");
        state.applied(5);
        assert!(!state.is_rebuilding(), "the head is applied");
    }

    /// A service restarted in the middle of a replay starts rebuilding where the replay stood.
    #[test]
    fn a_restart_in_the_middle_of_a_replay_goes_on_rebuilding() {
        let cursor = StoredCursor {
            position: FeedPosition {
                last_sequence: 40,
                last_commit_time_us: 7,
            },
            head_sequence: 0,
            last_contact_us: 0,
            rebuilding: true,
        };
        let state = FeedState::from_cursor(&cursor);
        assert!(state.is_rebuilding());
        state.connected();
        state.announce_head(90);
        assert!(state.is_rebuilding(), "40 of 90 applied");
        state.applied(90);
        assert!(!state.is_rebuilding());
    }

    /// Before membership announced its head, nothing applied says the rebuild is over.
    #[test]
    fn a_rebuild_waits_for_the_head_to_be_announced() {
        let state = FeedState::default();
        state.restart();
        state.connected();
        state.applied(7);
        assert!(state.is_rebuilding());
        state.announce_head(7);
        assert!(!state.is_rebuilding());
    }
}
