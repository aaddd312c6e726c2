//! Group commit of the commands' write transactions: one commit (one flush of the log to disk)
//! serves every command that was waiting to write while the previous ones ran.
//!
//! Commands run one after the other in a shared transaction, each inside a savepoint of its own:
//! a command that fails rolls back to its savepoint and leaves the others' writes in place; one
//! that succeeds releases its savepoint and waits for the group's commit before it answers, so
//! that nothing is acknowledged that is not durable. Whoever ends a command checks whether
//! another command is queued for the group: if none is, it commits the group at once — a lone
//! writer waits for exactly its own commit, never for a timer —; otherwise the next command takes
//! the transaction over and the commit falls to the last of them. A group is therefore never
//! larger than the number of commands in flight (a command waiting for its group's commit cannot
//! queue another), and never larger than [`MAX_GROUP`].
//!
//! The feed stays ordered as before: the group's transaction takes the feed head's row lock at
//! its first append and keeps it until the commit (see [`super::feed`]); on SQLite the group holds
//! the process's writer lock from its first command to its commit.
//!
//! What the group's commands would each repeat is done once per group: a command's savepoint is
//! released together with the next command's start (or by the commit), the feed's new head is
//! announced once before the commit, and the rule table is read once while the group holds the
//! feed head — from then until the commit no other writer can commit anything, since every
//! mutation ends by appending to the feed, so the table cannot change but by the group's own
//! commands (whose rule writes drop the group's copy).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use partyregistry_kit::db::Database;
use partyregistry_kit::error::ApiError;
use partyregistry_rules::RuleTable;
use sqlx::{Any, AnyConnection, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// The most commands one commit serves.
const MAX_GROUP: usize = 128;

/// What a command is told when the commit of its group failed: nothing of it was written.
const GROUP_NOT_COMMITTED: &str =
    "the write could not be committed and nothing of it was stored; retry";

/// The transaction of the group being built, with the commands waiting for its commit.
struct OpenGroup {
    transaction: Transaction<'static, Any>,
    /// The process's writer lock on SQLite, held until the group ends.
    _writer: Option<OwnedMutexGuard<()>>,
    /// One per command whose writes are in the group: told whether the commit succeeded.
    waiting: Vec<oneshot::Sender<bool>>,
    /// The last command left its savepoint open, to be released with the next one's start.
    savepoint_left: bool,
    /// The feed's head after the last kept command that appended to it: announced at the commit.
    /// Once set, the group's transaction holds the feed head's row lock until it ends.
    feed_head: Option<i64>,
    /// The rule table as read while the group held the feed head (see the module's text).
    rules: Option<RuleTable>,
}

/// The slot holding the open group, if any; whoever holds its lock runs the next command.
type Slot = Option<OpenGroup>;

/// The group commit of one database's commands.
#[derive(Clone)]
pub(super) struct WriteGroups {
    database: Database,
    slot: Arc<Mutex<Slot>>,
    /// Commands waiting for the slot: whoever ends a command leaves the group open for them.
    queued: Arc<AtomicUsize>,
}

impl std::fmt::Debug for WriteGroups {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WriteGroups")
            .field("queued", &self.queued.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl WriteGroups {
    pub(super) fn new(database: Database) -> Self {
        Self {
            database,
            slot: Arc::new(Mutex::new(None)),
            queued: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Joins the open group (opening one when there is none) and starts the command's savepoint.
    pub(super) async fn join(&self) -> Result<GroupedWrite, ApiError> {
        let queue_place = QueuePlace::take(self.clone());
        let mut slot = self.slot.clone().lock_owned().await;
        queue_place.leave();
        if slot.is_none() {
            let writer = self.database.lock_writer().await;
            let transaction = self.database.pool.begin().await?;
            *slot = Some(OpenGroup {
                transaction,
                _writer: writer,
                waiting: Vec::new(),
                savepoint_left: false,
                feed_head: None,
                rules: None,
            });
        }
        let mut write = GroupedWrite {
            groups: self.clone(),
            slot: Some(slot),
            appended: None,
            wrote_rules: false,
        };
        let group = write.group()?;
        // One round trip for both statements: a script without parameters.
        let start = if std::mem::take(&mut group.savepoint_left) {
            "release savepoint command; savepoint command"
        } else {
            "savepoint command"
        };
        let connection: &mut AnyConnection = &mut group.transaction;
        connection.execute(start).await?;
        Ok(write)
    }

    /// How many commands wait for the slot.
    pub(super) fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }

    fn nobody_queued(&self) -> bool {
        self.queued() == 0
    }

    /// Ends the group when no command is queued for it (or it is full); otherwise leaves it to
    /// the next command. Called by whoever releases the slot with a group open.
    async fn hand_on(&self, slot: &mut Slot) {
        let full = slot
            .as_ref()
            .is_some_and(|group| group.waiting.len() >= MAX_GROUP);
        if full || self.nobody_queued() {
            end_group(slot).await;
        }
    }
}

/// Commits the open group (rolls it back when no command's writes are in it) and tells every
/// waiting command the outcome; the writer lock goes with it.
async fn end_group(slot: &mut Slot) {
    let Some(group) = slot.take() else {
        return;
    };
    metrics::histogram!("partyregistry_write_group_commands").record(group.waiting.len() as f64);
    let OpenGroup {
        mut transaction,
        waiting,
        feed_head,
        ..
    } = group;
    let committed = if waiting.is_empty() {
        // Only rolled-back commands ran in it: nothing to make durable.
        let _ = transaction.rollback().await;
        true
    } else {
        // The commit releases the last command's savepoint with the transaction.
        let announced = match feed_head {
            Some(sequence) => super::feed::announce(&mut transaction, sequence).await,
            None => Ok(()),
        };
        let outcome = match announced {
            Ok(()) => transaction.commit().await.map_err(ApiError::from),
            Err(error) => {
                let _ = transaction.rollback().await;
                Err(error)
            }
        };
        match outcome {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, commands = waiting.len(), "a group of writes could not be committed");
                false
            }
        }
    };
    for waiting in waiting {
        // A command whose call was cancelled no longer listens; its writes stand or fall with
        // the group regardless.
        let _ = waiting.send(committed);
    }
}

/// Rolls the group back and tells its waiting commands, after a statement that should not fail
/// (a savepoint's release or rollback) did: the transaction can no longer be trusted.
async fn fail_group(slot: &mut Slot) {
    if let Some(group) = slot.take() {
        let _ = group.transaction.rollback().await;
        for waiting in group.waiting {
            let _ = waiting.send(false);
        }
    }
}

/// Ends the command's savepoint, keeping its writes in the group or rolling them back; the
/// savepoint itself is left for the next command's start (or the commit) to release.
async fn end_savepoint(group: &mut OpenGroup, keep: bool) -> Result<(), sqlx::Error> {
    if !keep {
        sqlx::query("rollback to savepoint command")
            .execute(&mut *group.transaction)
            .await?;
    }
    group.savepoint_left = true;
    Ok(())
}

/// A command's place in the queue for the slot. Dropped while still waiting (the call was
/// cancelled), it hands the open group on in its stead, since the command that released the
/// slot left the group open for it.
struct QueuePlace {
    groups: WriteGroups,
    waiting: bool,
}

impl QueuePlace {
    fn take(groups: WriteGroups) -> Self {
        groups.queued.fetch_add(1, Ordering::SeqCst);
        Self {
            groups,
            waiting: true,
        }
    }

    fn leave(mut self) {
        self.groups.queued.fetch_sub(1, Ordering::SeqCst);
        self.waiting = false;
    }
}

impl Drop for QueuePlace {
    fn drop(&mut self) {
        if !self.waiting {
            return;
        }
        self.groups.queued.fetch_sub(1, Ordering::SeqCst);
        let groups = self.groups.clone();
        spawn_or_drop(async move {
            let mut slot = groups.slot.clone().lock_owned().await;
            groups.hand_on(&mut slot).await;
        });
    }
}

/// Runs `task` on the current runtime; outside one (the process is ending) there is nothing to
/// run it on, and the open transaction rolls back when its connection is dropped.
fn spawn_or_drop(task: impl std::future::Future<Output = ()> + Send + 'static) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(task);
    }
}

/// One command's part of a group: the slot, held from its savepoint until it is settled.
pub struct GroupedWrite {
    groups: WriteGroups,
    /// `Some` until the command is settled.
    slot: Option<OwnedMutexGuard<Slot>>,
    /// The feed's head after this command's last append, if it appended.
    appended: Option<i64>,
    /// The command wrote the rule table: the group's copy is not to be kept from its reads.
    wrote_rules: bool,
}

impl GroupedWrite {
    /// The open group, held from `join` until `settle` or `drop` consume the write.
    fn group(&mut self) -> Result<&mut OpenGroup, ApiError> {
        self.slot
            .as_mut()
            .and_then(|slot| slot.as_mut())
            .ok_or_else(|| ApiError::Unavailable(GROUP_NOT_COMMITTED.into()))
    }

    /// The group's transaction.
    pub(super) fn conn(&mut self) -> &mut AnyConnection {
        // The slot is held with an open group from `join` until `settle` takes it; a rolled-back
        // or failed group is only ever left behind by `settle` or `drop`, which consume the write.
        let group = self
            .slot
            .as_mut()
            .and_then(|slot| slot.as_mut())
            .expect("a grouped write holds an open group until it is settled");
        &mut group.transaction
    }

    /// Notes that the command appended to the feed, up to `head`.
    pub(super) fn appended(&mut self, head: i64) {
        self.appended = Some(head);
    }

    /// Notes that the command wrote the rule table: the group's copy no longer holds, and none is
    /// kept from this command's reads (which may be rolled back with it), so that the group has
    /// no copy when the command ends, whether its writes are kept or not.
    pub(super) fn wrote_rules(&mut self) {
        self.wrote_rules = true;
        if let Ok(group) = self.group() {
            group.rules = None;
        }
    }

    /// The rule table: the group's copy when it has one, else read — and kept for the group's
    /// later commands when read while the group holds the feed head (see the module's text).
    pub(super) async fn rule_table(&mut self) -> Result<RuleTable, ApiError> {
        let wrote_rules = self.wrote_rules;
        let group = self.group()?;
        if let Some(rules) = &group.rules {
            return Ok(rules.clone());
        }
        let rules = super::rules::rule_table(&mut group.transaction).await?;
        if group.feed_head.is_some() && !wrote_rules {
            group.rules = Some(rules.clone());
        }
        Ok(rules)
    }

    /// Keeps (`keep`) or rolls back the command's writes, then waits until the group's commit is
    /// durable: after a rollback too, since what the command read may be another command's
    /// writes, not yet committed.
    pub(super) async fn settle(mut self, keep: bool) -> Result<(), ApiError> {
        let Some(mut slot) = self.slot.take() else {
            return Err(ApiError::Internal(
                "a grouped write was settled twice".into(),
            ));
        };
        let (told, outcome) = oneshot::channel();
        match slot.as_mut() {
            Some(group) => match end_savepoint(group, keep).await {
                Ok(_) => {
                    if keep && self.appended.is_some() {
                        group.feed_head = self.appended;
                    }
                    group.waiting.push(told);
                }
                Err(error) => {
                    tracing::warn!(%error, "a savepoint could not be ended");
                    fail_group(&mut slot).await;
                    return Err(ApiError::Unavailable(GROUP_NOT_COMMITTED.into()));
                }
            },
            None => return Err(ApiError::Unavailable(GROUP_NOT_COMMITTED.into())),
        }
        self.groups.hand_on(&mut slot).await;
        drop(slot);
        match outcome.await {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(ApiError::Unavailable(GROUP_NOT_COMMITTED.into())),
        }
    }
}

impl Drop for GroupedWrite {
    /// A command dropped before it was settled (it failed, or its call was cancelled): its
    /// savepoint is rolled back and the group handed on, on a task since both take statements.
    fn drop(&mut self) {
        let Some(mut slot) = self.slot.take() else {
            return;
        };
        let groups = self.groups.clone();
        spawn_or_drop(async move {
            let rolled_back = match slot.as_mut() {
                Some(group) => end_savepoint(group, false).await.is_ok(),
                None => true,
            };
            if rolled_back {
                groups.hand_on(&mut slot).await;
            } else {
                fail_group(&mut slot).await;
            }
        });
    }
}
