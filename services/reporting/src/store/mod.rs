//! The projection database (sqlx, SQLite or PostgreSQL through one `Any` pool and one query text):
//! applying projected changes together with the cursor, and reading the grouped facts the reports
//! are computed from. It writes and reads reporting's own rows and facts ([`crate::model`]); no
//! table holds a message of the membership contract.
//!
//! Owns every SQL statement of the service. Does not own what a change means (see
//! [`crate::ingest::projection`]) nor the report arithmetic (see [`crate::report`]).
//!
//! Portability rules kept by every statement: `$n` placeholders (SQLite accepts them), dates as
//! `YYYY-MM-DD` text bound from Rust, timestamps as BIGINT micros, no bare `SUM()` (PostgreSQL
//! returns NUMERIC, which the `Any` driver cannot decode): counts use `COUNT(CASE WHEN … THEN 1
//! END)`, and the sums of the aggregate ledgers are cast back, `CAST(SUM(delta) AS BIGINT)`.

mod aggregates;
mod apply;
mod apply_members;
mod queries;
mod scope;
mod set_wise;
mod statistics;
mod stored_members;

use partyregistry_kit::db::{Backend, Database, PlannerStatistics};
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

pub use aggregates::AggregateAudit;
pub use apply::BatchOutcome;
pub use queries::{AdmissionSnapshot, AdmissionWindow, AdmissionsSnapshot, CommuneSnapshot};
pub use statistics::Reader;

use crate::model::feed::FeedPosition;
use crate::model::stint::Stint;

/// The projection database.
#[derive(Debug, Clone)]
pub struct Store {
    database: Database,
    /// The units directory last read, shared by every report of this process.
    units: statistics::UnitsCache,
    /// The statistics of the tables the feed's batches grow (see [`PlannerStatistics`]), so that
    /// a replay of millions of changes keeps its statements planned on their indexes.
    applied: PlannerStatistics,
}

/// The tables the feed's batches grow, the members first (whose size paces their analysis).
const APPLIED_TABLES: &[&str] = &[
    "members",
    "member_events",
    "member_stints",
    "roll_deltas",
    "roll_movements",
    "roll_base",
];

/// The feed cursor row as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredCursor {
    /// The applied position.
    pub position: FeedPosition,
    /// Highest sequence announced by a heartbeat.
    pub head_sequence: i64,
    /// Last time the membership service was heard from, micros; 0 for never.
    pub last_contact_us: i64,
    /// Whether a replay of the feed from its start is under way (see [`Store::finish_rebuild`]).
    pub rebuilding: bool,
}

/// Every table the projection derives from the feed (the audit trail is not one of them).
const PROJECTED_TABLES: &[&str] = &[
    "member_stints",
    "members",
    "cells",
    "communes",
    "commune_area_flags",
    "candidates",
    "candidate_introducers",
    "candidate_exceptions",
    "candidate_failed_votes",
    "candidate_stages",
    "targets",
    "cell_plans",
    "cell_ratings",
    "member_ratings",
    "provinces",
    "unit_merges",
    "unit_merge_predecessors",
    "member_events",
    "member_party_age_gaps",
    "member_badges",
    "member_disciplines",
    "holidays",
    "rule_versions",
    "roll_deltas",
    "roll_movements",
    "roll_base",
];

/// Empties every projected table and rewinds the cursor, in the caller's transaction; the units
/// directory read so far is stale from then on.
async fn forget_projection(connection: &mut AnyConnection) -> Result<(), StoreError> {
    for table in PROJECTED_TABLES {
        sqlx::query(&format!("delete from {table}"))
            .execute(&mut *connection)
            .await?;
    }
    sqlx::query(
        "update feed_cursor set last_sequence = 0, last_commit_time_us = 0, head_sequence = 0, \
         units_version = units_version + 1, rebuilding = 1 where id = 1",
    )
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The embedded migrations: one SQL text for SQLite and PostgreSQL.
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!();

/// What a store operation fails with. The floors above name this error, never the driver's; the
/// gRPC edge maps it to the API error once (`grpc::error`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value could not be read back as what the projection wrote.
    #[error("stored {column}: unreadable value {value:?}")]
    Unreadable {
        /// The column or field read.
        column: String,
        /// The text found.
        value: String,
    },
}

impl Store {
    /// Wraps a connected, migrated database.
    pub fn new(database: Database) -> Self {
        Self {
            database,
            units: statistics::UnitsCache::default(),
            applied: PlannerStatistics::new(APPLIED_TABLES),
        }
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.database.backend
    }

    /// The database, for the audit trail, which shares its writer lock.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Closes the pool, letting SQLite checkpoint its write-ahead log.
    pub async fn close(&self) {
        self.database.close().await;
    }

    /// Forgets everything projected from the feed, in one transaction, so that the consumer
    /// replays it from the start: for a membership feed that no longer holds what was applied
    /// (membership restored from an older backup). The audit trail stays.
    pub async fn reset_projection(&self) -> Result<(), StoreError> {
        let _writer = self.database.lock_writer().await;
        let mut tx = self.database.pool.begin().await?;
        forget_projection(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Carries out the replays of the feed that migrations asked for
    /// (`projection_replay_requests`): forgets everything projected, as
    /// [`Store::reset_projection`] does, and the requests with it, in one transaction. Whether it
    /// did: the service then answers no report until the replay reaches the feed's head.
    pub async fn replay_if_requested(&self) -> Result<bool, StoreError> {
        let _writer = self.database.lock_writer().await;
        let mut tx = self.database.pool.begin().await?;
        let requests: i64 = sqlx::query("select count(*) from projection_replay_requests")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if requests == 0 {
            return Ok(false);
        }
        // A new database — nothing applied, no head ever heard of — has nothing to count again:
        // the requests are dropped and the feed is followed as usual, reports answered. (Older
        // migrations rewound the cursor themselves but kept the head membership announced.)
        let cursor = read_cursor(&mut tx).await?;
        let applied_anything = cursor.position.last_sequence > 0 || cursor.head_sequence > 0;
        if applied_anything {
            forget_projection(&mut tx).await?;
        }
        sqlx::query("delete from projection_replay_requests")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(applied_anything)
    }

    /// Records that the replay of the feed from its start reached the head membership announced:
    /// a restart from here on answers reports at once.
    pub async fn finish_rebuild(&self) -> Result<(), StoreError> {
        let _writer = self.database.lock_writer().await;
        sqlx::query("update feed_cursor set rebuilding = 0 where id = 1")
            .execute(&self.database.pool)
            .await?;
        Ok(())
    }

    /// Reads the cursor row.
    pub async fn cursor(&self) -> Result<StoredCursor, StoreError> {
        let mut connection = self.database.pool.acquire().await?;
        read_cursor(&mut connection).await
    }

    /// Records a heartbeat: the announced head (never moving backwards) and the contact time.
    pub async fn record_heartbeat(
        &self,
        head_sequence: i64,
        contact_us: i64,
    ) -> Result<(), StoreError> {
        let _writer = self.database.lock_writer().await;
        sqlx::query(
            "update feed_cursor \
             set head_sequence = case when head_sequence > $1 then head_sequence else $1 end, \
                 last_contact_us = $2 \
             where id = 1",
        )
        .bind(head_sequence)
        .bind(contact_us)
        .execute(&self.database.pool)
        .await?;
        Ok(())
    }
}

/// Reads the cursor row on `connection` (inside a transaction: in its snapshot).
async fn read_cursor(connection: &mut AnyConnection) -> Result<StoredCursor, StoreError> {
    let row = sqlx::query(
        "select last_sequence, last_commit_time_us, head_sequence, last_contact_us, rebuilding \
         from feed_cursor where id = 1",
    )
    .fetch_one(connection)
    .await?;
    Ok(StoredCursor {
        position: FeedPosition {
            last_sequence: row.try_get(0)?,
            last_commit_time_us: row.try_get(1)?,
        },
        head_sequence: row.try_get(2)?,
        last_contact_us: row.try_get(3)?,
        rebuilding: row.try_get::<i64, _>(4)? != 0,
    })
}

/// Formats an optional date for a nullable TEXT column.
fn date_text(value: Option<Date>) -> Option<String> {
    value.map(date::format)
}

/// Reads a date the projection wrote; a malformed one means the database was edited by hand.
fn stored_date(text: &str) -> Result<Date, StoreError> {
    date::parse(text).map_err(|_| unreadable("date", text))
}

/// Reads a stint from the columns `commune_code, cell_id, from_date, to_date` starting at
/// `first`.
fn stint_of(row: &sqlx::any::AnyRow, first: usize) -> Result<Stint, StoreError> {
    Ok(Stint {
        commune_code: row.try_get(first)?,
        cell_id: row.try_get(first + 1)?,
        from: stored_date(&row.try_get::<String, _>(first + 2)?)?,
        to: stored_optional_date(row.try_get(first + 3)?)?,
    })
}

/// A value the projection wrote that does not read back (only a hand-edited database gets here).
fn unreadable(column: impl std::fmt::Display, value: &str) -> StoreError {
    StoreError::Unreadable {
        column: column.to_string(),
        value: value.to_owned(),
    }
}

/// Reads a column holding one of reporting's spelled enums ([`crate::model::vocabulary`]).
fn spelled<T, I>(
    row: &sqlx::any::AnyRow,
    column: I,
    from_key: fn(&str) -> Option<T>,
) -> Result<T, StoreError>
where
    I: sqlx::ColumnIndex<sqlx::any::AnyRow> + std::fmt::Display + Copy,
{
    let key: String = row.try_get(column)?;
    from_key(&key).ok_or_else(|| unreadable(column, &key))
}

/// Reads an optional date the projection wrote.
fn stored_optional_date(text: Option<String>) -> Result<Option<Date>, StoreError> {
    text.as_deref().map(stored_date).transpose()
}
