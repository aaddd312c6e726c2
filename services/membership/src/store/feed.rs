//! The change feed (a transactional outbox) and the idempotency records that point into it.
//!
//! Ordering on PostgreSQL: a plain sequence lets transaction 8 commit before 7, and a reader that
//! saw 8 would skip 7 for ever. Here the sequence comes from incrementing the single `feed_head`
//! row as the last write of each mutation; the row lock is held until commit, so a transaction
//! can take sequence 8 only after 7 has committed (or rolled back, releasing 7 unused). Readers
//! therefore never see a gap that is later filled.

use partyregistry_kit::error::ApiError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::POSTGRES_BACKEND;
use super::columns::{Columns, insert_rows};

/// The PostgreSQL notification channel on which each commit announces its feed sequence.
pub const FEED_CHANNEL: &str = "partyregistry_feed";

/// A change as stored.
#[derive(Debug, Clone)]
pub struct StoredChange {
    /// Feed sequence.
    pub sequence: i64,
    /// Commit time, µs.
    pub commit_time_us: i64,
    /// The resource that changed, for logs.
    pub resource_name: String,
    /// The encoded `Change` without sequence and time.
    pub payload: Vec<u8>,
}

/// Reads a row of `changes` selected with all four columns.
fn stored_change(row: &AnyRow) -> Result<StoredChange, ApiError> {
    Ok(StoredChange {
        sequence: row.try_get("sequence")?,
        commit_time_us: row.try_get("commit_time_us")?,
        resource_name: row.try_get("resource_name")?,
        payload: row.try_get("payload")?,
    })
}

/// Advances the feed head by `count` and returns the new head: the last of the `count` sequences
/// taken. The head row stays locked until the transaction ends.
async fn advance_head(conn: &mut AnyConnection, count: i64) -> Result<i64, ApiError> {
    Ok(sqlx::query("update feed_head set last_sequence = last_sequence + $1 where id = 1 returning last_sequence")
        .bind(count)
        .fetch_one(&mut *conn)
        .await?
        .try_get("last_sequence")?)
}

/// Announces the feed's new head `sequence`. PostgreSQL delivers the notification at commit, to
/// every process listening (other replicas' feed followers); a rolled-back transaction announces
/// nothing. SQLite has one writing process, which wakes its own followers. A transaction
/// announces once, after its last append: the followers read on from where they are.
pub async fn announce(conn: &mut AnyConnection, sequence: i64) -> Result<(), ApiError> {
    if conn.backend_name() == POSTGRES_BACKEND {
        sqlx::query("select pg_notify($1, $2)")
            .bind(FEED_CHANNEL)
            .bind(sequence.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Appends `changes` (resource name, encoded change), in order and with consecutive sequences, as
/// the last writes of a transaction: one head update and a few multi-row inserts for the whole
/// slice — on PostgreSQL a single change is one statement. Returns the last sequence; 0 when
/// `changes` is empty (nothing is written). The new head is not announced: see [`announce`].
pub async fn append_changes(
    conn: &mut AnyConnection,
    mut changes: Vec<(String, Vec<u8>)>,
    commit_time_us: i64,
) -> Result<i64, ApiError> {
    if changes.len() == 1 && conn.backend_name() == POSTGRES_BACKEND {
        let (resource_name, payload) = changes.remove(0);
        return Ok(sqlx::query(
            "with head as (update feed_head set last_sequence = last_sequence + 1 where id = 1 \
             returning last_sequence) \
             insert into changes (sequence, commit_time_us, resource_name, payload) \
             select last_sequence, $1, $2, $3 from head returning sequence",
        )
        .bind(commit_time_us)
        .bind(resource_name)
        .bind(payload)
        .fetch_one(&mut *conn)
        .await?
        .try_get("sequence")?);
    }
    if changes.is_empty() {
        return Ok(0);
    }
    let last = advance_head(conn, changes.len() as i64).await?;
    let first = last - changes.len() as i64 + 1;
    let rows: Vec<Columns> = changes
        .into_iter()
        .zip(first..)
        .map(|((resource_name, payload), sequence)| {
            vec![
                ("sequence", sequence.into()),
                ("commit_time_us", commit_time_us.into()),
                ("resource_name", resource_name.into()),
                ("payload", payload.into()),
            ]
        })
        .collect();
    insert_rows(conn, "changes", &rows).await?;
    Ok(last)
}

/// Takes the feed head's row lock without appending: the transaction then runs alone among
/// writers until it ends. For rare commands whose check must see every concurrent commit (the
/// first seeding of the rule table, a new rule version that must start after every other one).
pub async fn lock_head(conn: &mut AnyConnection) -> Result<(), ApiError> {
    sqlx::query("update feed_head set last_sequence = last_sequence where id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Up to `limit` changes after `after_sequence`, in order.
pub async fn changes_after(
    conn: &mut AnyConnection,
    after_sequence: i64,
    limit: i64,
) -> Result<Vec<StoredChange>, ApiError> {
    let rows = sqlx::query(
        "select sequence, commit_time_us, resource_name, payload from changes where sequence > $1 order by sequence limit $2",
    )
    .bind(after_sequence)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(stored_change).collect()
}

/// One change by sequence.
pub async fn change(
    conn: &mut AnyConnection,
    sequence: i64,
) -> Result<Option<StoredChange>, ApiError> {
    Ok(changes_after(conn, sequence - 1, 1)
        .await?
        .into_iter()
        .find(|c| c.sequence == sequence))
}

/// The highest committed sequence.
pub async fn head(conn: &mut AnyConnection) -> Result<i64, ApiError> {
    Ok(
        sqlx::query("select last_sequence from feed_head where id = 1")
            .fetch_one(&mut *conn)
            .await?
            .try_get("last_sequence")?,
    )
}

/// A request already carried out.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    /// The method it was sent to.
    pub method: String,
    /// The request's encoding without its request id.
    pub fingerprint: Vec<u8>,
    /// The change it produced.
    pub sequence: i64,
}

/// Finds a request `caller` already carried out under `request_id`.
pub async fn find_request(
    conn: &mut AnyConnection,
    caller: &str,
    request_id: &str,
) -> Result<Option<StoredRequest>, ApiError> {
    let row = sqlx::query(
        "select method, fingerprint, sequence from caller_requests where caller = $1 and request_id = $2",
    )
    .bind(caller)
    .bind(request_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(StoredRequest {
            method: row.try_get("method")?,
            fingerprint: row.try_get("fingerprint")?,
            sequence: row.try_get("sequence")?,
        })
    })
    .transpose()
}

/// Claims `caller`'s `request_id` as the first write of a transaction, before the command runs.
/// Returns false when the id is already recorded. On PostgreSQL a concurrent transaction that
/// claimed the same id first makes this statement wait for its end: it then answers false when
/// that one committed (the caller replays its answer) and claims the id when it rolled back, so
/// concurrent retries of one request are serialised on the key and all get the first answer.
pub async fn claim_request(
    conn: &mut AnyConnection,
    caller: &str,
    request_id: &str,
    method: &str,
    fingerprint: &[u8],
    now: i64,
) -> Result<bool, ApiError> {
    let claimed = sqlx::query(
        "insert into caller_requests (caller, request_id, method, fingerprint, sequence, create_time_us) \
         values ($1, $2, $3, $4, 0, $5) on conflict (caller, request_id) do nothing",
    )
    .bind(caller)
    .bind(request_id)
    .bind(method)
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Points a request claimed in this transaction at the first change it produced.
pub async fn settle_request(
    conn: &mut AnyConnection,
    caller: &str,
    request_id: &str,
    sequence: i64,
) -> Result<(), ApiError> {
    sqlx::query("update caller_requests set sequence = $1 where caller = $2 and request_id = $3")
        .bind(sequence)
        .bind(caller)
        .bind(request_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets the requests recorded before `before_us`: a retry of one of them after the retention
/// runs as a new request. Returns how many were forgotten.
pub async fn purge_requests(conn: &mut AnyConnection, before_us: i64) -> Result<u64, ApiError> {
    Ok(
        sqlx::query("delete from caller_requests where create_time_us < $1")
            .bind(before_us)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}
