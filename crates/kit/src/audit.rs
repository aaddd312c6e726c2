//! The audit trail: an append-only table in each service's own database recording every read of
//! member records and every write — who (the token's subject), what (method, resource names,
//! whether personal fields were returned), when, and how the call ended — including calls that
//! failed authentication or authorisation. Served by `partyregistry.audit.v1.AuditService`.
//!
//! Entries are hash-chained (see [`chain`]): `partyctl audit verify` and the `VerifyAuditTrail`
//! method recompute the chain and name the first entry that was edited, deleted or moved.
//!
//! Nothing here updates or deletes an entry. [`AuditLog::record_durably`] tells its caller when the
//! entry could not be stored, so that an answer carrying records is withheld (UNAVAILABLE) rather
//! than sent unaccounted for; [`AuditLog::record`], for refusals and failures that disclose
//! nothing, logs such a failure (without the entry's content) and lets the call carry on.
//!
//! Call [`AuditLog::record`] after the handler's own transaction has ended: on SQLite there is one
//! writer at a time, and an open write transaction would make the audit insert wait.

use std::sync::{Arc, OnceLock};

use partyregistry_proto::audit::v1 as audit_pb;
use sqlx::{Executor, Row};
use tokio::sync::{mpsc, oneshot};
use tonic::Code;

use crate::db::{Backend, Database, multi_row, now_micros, timestamp};
use crate::error::ApiError;

mod chain;
pub use chain::{AUDIT_CHAIN_SQL, GENESIS, Verification};

/// The DDL of the audit trail, one text for SQLite and PostgreSQL. Each service copies it into its
/// migration `0004_audit.sql` (migrations are embedded per service, so the text lives there too;
/// a test of the service may compare the two).
///
/// - `audit_head` holds the last id handed out. The writer adds the number of entries it commits
///   inside their transaction: the row lock serialises concurrent writers on PostgreSQL, so ids are
///   unique and increase in commit order on both backends without either database's own
///   auto-increment (the convention of the services' other id counters).
/// - `audit_entries` is the trail: times in microseconds since the Unix epoch like every other
///   table, `personal_fields` a 0/1 integer, `resources` a JSON array of resource names.
/// - The indexes serve the three filters of `ListAuditEntries`, newest first.
pub const AUDIT_TABLE_SQL: &str = r#"-- The audit trail (partyregistry.audit.v1): append-only, one row per audited call.
-- The last id handed out; incremented inside each insert's transaction.
create table audit_head (
    id              bigint  not null constraint audit_head_pk primary key constraint audit_head_single check (id = 1),
    last_id         bigint  not null
);
insert into audit_head (id, last_id) values (1, 0);

-- One audited call. resources is a JSON array of resource names; personal_fields is 0 or 1;
-- outcome is the gRPC code name (OK, UNAUTHENTICATED, PERMISSION_DENIED, ...); detail never holds
-- personal data.
create table audit_entries (
    id              bigint  not null constraint audit_entries_pk primary key,
    time_us         bigint  not null,
    subject         text    not null,
    method          text    not null,
    resources       text    not null,
    personal_fields bigint  not null,
    outcome         text    not null,
    detail          text    not null
);
create index audit_entries_subject_idx on audit_entries (subject, id);
create index audit_entries_method_idx on audit_entries (method, id);
create index audit_entries_outcome_idx on audit_entries (outcome, id);
"#;

/// Default and maximum page sizes of `ListAuditEntries`.
const DEFAULT_PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 500;

/// One audited call, as the service describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditRecord {
    /// The token's subject; empty when the token could not be read.
    pub subject: String,
    /// The full gRPC method, for example `/partyregistry.membership.v1.MembershipService/GetMember`.
    pub method: String,
    /// Resource names the call addressed or returned.
    pub resources: Vec<String>,
    /// Whether personal fields were returned.
    pub personal_fields: bool,
    /// The gRPC code name, see [`code_name`].
    pub outcome: String,
    /// Why, for failures; never personal data.
    pub detail: String,
}

/// The SQLite triggers that keep `audit_entries` append-only.
const SQLITE_APPEND_ONLY: &[&str] = &[
    "create trigger if not exists audit_entries_no_update before update on audit_entries \
     begin select raise(abort, 'the audit trail is append-only'); end",
    "create trigger if not exists audit_entries_no_delete before delete on audit_entries \
     begin select raise(abort, 'the audit trail is append-only'); end",
];

/// The PostgreSQL function and triggers that keep `audit_entries` append-only.
const POSTGRES_APPEND_ONLY: &[&str] = &[
    "create or replace function audit_entries_append_only() returns trigger language plpgsql \
     as $$ begin raise exception 'the audit trail is append-only'; end $$",
    "create or replace trigger audit_entries_no_change before update or delete on audit_entries \
     for each row execute function audit_entries_append_only()",
    "create or replace trigger audit_entries_no_truncate before truncate on audit_entries \
     for each statement execute function audit_entries_append_only()",
];

/// Most entries one commit of the writer carries.
const MAX_BATCH: usize = 256;
/// Entries that may wait for the writer before a caller waits to queue one.
const QUEUE_CAPACITY: usize = 4096;

/// An entry waiting for the writer: when the call was answered, the record, and the channel its
/// caller waits on until the entry is committed (`true`) or could not be (`false`).
type Pending = (i64, AuditRecord, oneshot::Sender<bool>);

/// The message of a call whose answer was withheld because its audit entry could not be stored.
pub const AUDIT_UNAVAILABLE: &str = "nhật ký truy cập tạm thời không ghi được nên câu trả lời không được gửi; hãy thử lại sau (audit trail unavailable, nothing disclosed; retry later)";

/// The audit trail of one service's database.
///
/// Entries are written by one writer task per trail, started by the first
/// [`AuditLog::record`]: it commits every entry that is waiting in one transaction, so that
/// concurrent calls share one durable commit instead of queueing for one each. A call still
/// waits until its own entry is committed before it is answered.
#[derive(Debug, Clone)]
pub struct AuditLog {
    database: Database,
    queue: Arc<OnceLock<mpsc::Sender<Pending>>>,
}

impl AuditLog {
    /// The trail in `database`, whose migrations include [`AUDIT_TABLE_SQL`]. Each commit takes
    /// the database's writer lock, shared with the service's own writes.
    pub fn new(database: &Database) -> Self {
        Self {
            database: database.clone(),
            queue: Arc::new(OnceLock::new()),
        }
    }

    /// The trail in `database`, made append-only in the database itself: triggers refuse every
    /// update and delete of an entry (and, on PostgreSQL, a truncate), so that neither a bug nor
    /// a hand-typed statement can rewrite who read what. Installing them is idempotent; the
    /// trigger text differs between the backends, so it is not a portable migration.
    pub async fn open(database: &Database) -> Result<Self, sqlx::Error> {
        let guards = match database.backend {
            Backend::Sqlite => SQLITE_APPEND_ONLY,
            Backend::Postgres => POSTGRES_APPEND_ONLY,
        };
        let _writer = database.lock_writer().await;
        let mut transaction = database.pool.begin().await?;
        for statement in guards {
            transaction.execute(*statement).await?;
        }
        transaction.commit().await?;
        Ok(Self::new(database))
    }

    /// Appends one entry and returns once it is committed. Never fails the call: a failure is
    /// logged with the method and the database error only (no subject, no resources) and the
    /// call carries on. For entries of calls that disclose nothing (refusals, failures); an answer
    /// that carries records uses [`AuditLog::record_durably`].
    pub async fn record(&self, record: AuditRecord) {
        // The writer has logged the failure; a refusal goes out whatever becomes of its entry.
        let _ = self.record_durably(record).await;
    }

    /// Appends one entry and returns once it is committed, or UNAVAILABLE when it could not be
    /// (the database refused the batch, or the writer stopped): the caller then withholds its
    /// answer, so that nothing is disclosed without its entry. Entries waiting together share one
    /// commit (group commit).
    pub async fn record_durably(&self, record: AuditRecord) -> Result<(), ApiError> {
        let method = record.method.clone();
        let (committed, wait) = oneshot::channel();
        let queue = self.queue.get_or_init(|| {
            let (queue, entries) = mpsc::channel(QUEUE_CAPACITY);
            // `record` runs on the runtime, so the writer can be spawned here; it ends when the
            // last clone of this trail is dropped.
            tokio::spawn(write_batches(self.database.clone(), entries));
            queue
        });
        let queued = queue.send((now_micros(), record, committed)).await;
        if queued.is_err() {
            tracing::warn!(%method, "audit entry could not be stored: the audit writer has stopped");
            return Err(ApiError::Unavailable(AUDIT_UNAVAILABLE.into()));
        }
        match wait.await {
            Ok(true) => Ok(()),
            // The writer logged why.
            Ok(false) | Err(_) => Err(ApiError::Unavailable(AUDIT_UNAVAILABLE.into())),
        }
    }

    /// Lists entries newest first, `ListAuditEntries` semantics: page size default 50, at most
    /// 500; filter conditions `subject = "…"`, `method = "…"`, `outcome = "…"` joined by ` AND `.
    /// The caller checks the Admin right first.
    pub async fn list(
        &self,
        request: &audit_pb::ListAuditEntriesRequest,
    ) -> Result<audit_pb::ListAuditEntriesResponse, ApiError> {
        let mut violations = crate::error::Violations::new();
        let page_size = match i64::from(request.page_size) {
            0 => Some(DEFAULT_PAGE_SIZE),
            size if size < 0 => {
                violations.add("page_size", "must not be negative");
                None
            }
            size => Some(size.min(MAX_PAGE_SIZE)),
        };
        let before = violations.check("page_token", parse_page_token(&request.page_token));
        let conditions = violations.check("filter", parse_filter(&request.filter));
        violations.finish()?;
        let (Some(page_size), Some(before), Some(conditions)) = (page_size, before, conditions)
        else {
            return Err(ApiError::Internal("validated values missing".into()));
        };

        let mut sql = String::from(
            "select id, time_us, subject, method, resources, personal_fields, outcome, detail, \
             hash from audit_entries where id < $1",
        );
        for (index, (column, _)) in conditions.iter().enumerate() {
            sql.push_str(&format!(" and {} = ${}", column.column(), index + 2));
        }
        sql.push_str(&format!(
            " order by id desc limit ${}",
            conditions.len() + 2
        ));
        let mut query = sqlx::query(&sql).bind(before);
        for (_, value) in &conditions {
            query = query.bind(value.as_str());
        }
        // One row more than the page tells whether another page follows.
        let rows = query
            .bind(page_size + 1)
            .fetch_all(&self.database.pool)
            .await?;

        let mut entries = Vec::with_capacity(rows.len());
        let mut last_id = None;
        for row in rows.iter().take(page_size as usize) {
            let id: i64 = row.try_get("id")?;
            let resources: String = row.try_get("resources")?;
            let resources: Vec<String> = serde_json::from_str(&resources)
                .map_err(|error| ApiError::Internal(format!("audit entry {id}: {error}")))?;
            entries.push(audit_pb::AuditEntry {
                name: format!("auditEntries/{id}"),
                time: Some(timestamp(row.try_get("time_us")?)),
                subject: row.try_get("subject")?,
                method: row.try_get("method")?,
                resources,
                personal_fields: row.try_get::<i64, _>("personal_fields")? != 0,
                outcome: row.try_get("outcome")?,
                detail: row.try_get("detail")?,
                hash: row
                    .try_get::<Option<String>, _>("hash")?
                    .unwrap_or_default(),
            });
            last_id = Some(id);
        }
        let next_page_token = match last_id {
            Some(id) if rows.len() as i64 > page_size => format!("a{id}"),
            _ => String::new(),
        };
        Ok(audit_pb::ListAuditEntriesResponse {
            entries,
            next_page_token,
        })
    }
}

/// The writer of one trail: takes every entry waiting (up to [`MAX_BATCH`]), commits them in one
/// transaction, then lets their callers go on. Whatever waited while a commit ran goes into the
/// next one, so that under load one commit serves many calls and a lone call waits for just its
/// own commit (no timer).
async fn write_batches(database: Database, mut entries: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The head this writer committed last; `None` until its first commit and after a failure.
    let mut known = None;
    while entries.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let stored = match insert_batch(&database, &batch, &mut known).await {
            Ok(()) => true,
            Err(error) => {
                for (_, record, _) in &batch {
                    tracing::warn!(method = %record.method, %error, "audit entry could not be stored");
                }
                false
            }
        };
        for (_, _, committed) in batch.drain(..) {
            // The caller may have gone (its call was cancelled); the entry stands regardless.
            let _ = committed.send(stored);
        }
    }
}

/// The last entry of the chain: its id and hash, as `audit_head` records them.
#[derive(Debug, Clone)]
struct ChainHead {
    last_id: i64,
    last_hash: String,
}

/// The hashes of `batch` numbered from `head.last_id + 1` and chained onto `head`.
fn chain_hashes(head: &ChainHead, batch: &[Pending], resources: &[String]) -> Vec<String> {
    let mut previous = head.last_hash.clone();
    let mut hashes = Vec::with_capacity(batch.len());
    for ((id, (time_us, record, _)), resources) in (head.last_id + 1..).zip(batch).zip(resources) {
        let hash = chain::entry_hash(
            &previous,
            &chain::Stored {
                id,
                time_us: *time_us,
                subject: &record.subject,
                method: &record.method,
                resources,
                personal_fields: i64::from(record.personal_fields),
                outcome: &record.outcome,
                detail: &record.detail,
            },
        );
        previous = hash.clone();
        hashes.push(hash);
    }
    hashes
}

/// Commits `batch` with consecutive ids, chained onto the head. When `known` is the head this
/// writer left, one statement both checks that nobody else moved it and moves it (the row lock
/// serialises writers on PostgreSQL); otherwise the head is read under that lock first. `known`
/// is the new head after a commit, `None` after a failure.
async fn insert_batch(
    database: &Database,
    batch: &[Pending],
    known: &mut Option<ChainHead>,
) -> Result<(), sqlx::Error> {
    let resources = batch
        .iter()
        .map(|(_, record, _)| serde_json::to_string(&record.resources))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let count = i64::try_from(batch.len()).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    // A head taken and not confirmed leaves `known` empty: the transaction below reads it.
    if database.backend == Backend::Postgres
        && let Some(head) = known.take()
        && let Some(last_hash) = insert_after_known_head(database, &head, batch, &resources).await?
    {
        *known = Some(ChainHead {
            last_id: head.last_id + count,
            last_hash,
        });
        return Ok(());
    }
    let _writer = database.lock_writer().await;
    let mut transaction = database.pool.begin().await?;
    let mut chained = None;
    if let Some(head) = known.take() {
        let hashes = chain_hashes(&head, batch, &resources);
        let moved = sqlx::query(
            "update audit_head set last_id = $1, last_hash = $2 where id = 1 and last_id = $3",
        )
        .bind(head.last_id + count)
        .bind(hashes.last().map(String::as_str).unwrap_or(&head.last_hash))
        .bind(head.last_id)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        if moved == 1 {
            chained = Some((head, hashes));
        }
    }
    let (head, hashes) = match chained {
        Some(chained) => chained,
        None => {
            let row = sqlx::query(
                "update audit_head set last_id = last_id + $1 where id = 1 \
                 returning last_id, last_hash",
            )
            .bind(count)
            .fetch_one(&mut *transaction)
            .await?;
            let head = ChainHead {
                last_id: row.try_get::<i64, _>("last_id")? - count,
                last_hash: row.try_get("last_hash")?,
            };
            let hashes = chain_hashes(&head, batch, &resources);
            sqlx::query("update audit_head set last_hash = $1 where id = 1")
                .bind(hashes.last().map(String::as_str).unwrap_or(&head.last_hash))
                .execute(&mut *transaction)
                .await?;
            (head, hashes)
        }
    };

    // One statement for the whole batch.
    let sql = format!(
        "insert into audit_entries ({ENTRY_COLUMNS}) values {}",
        entry_values(batch.len(), 0)
    );
    let query = sqlx::query(&sql).persistent(multi_row::kept_prepared(batch.len(), MAX_BATCH));
    bind_entries(query, &head, batch, &resources, &hashes)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    *known = Some(ChainHead {
        last_id: head.last_id + count,
        last_hash: hashes.last().cloned().unwrap_or(head.last_hash),
    });
    Ok(())
}

/// The columns an insert of entries names, in the order [`bind_entries`] binds them.
const ENTRY_COLUMNS: &str = "id, time_us, subject, method, resources, personal_fields, outcome, \
                             detail, previous_hash, hash";

/// `rows` rows of placeholders for [`ENTRY_COLUMNS`], numbered after the first `before`.
fn entry_values(rows: usize, before: usize) -> String {
    (0..rows)
        .map(|row| {
            let columns: Vec<String> = (1..=10)
                .map(|column| format!("${}", before + row * 10 + column))
                .collect();
            format!("({})", columns.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds the entries of `batch`, numbered and chained after `head`, to [`entry_values`].
fn bind_entries<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    head: &'q ChainHead,
    batch: &'q [Pending],
    resources: &'q [String],
    hashes: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut previous = head.last_hash.as_str();
    for (((id, (time_us, record, _)), resources), hash) in
        (head.last_id + 1..).zip(batch).zip(resources).zip(hashes)
    {
        query = query
            .bind(id)
            .bind(*time_us)
            .bind(record.subject.as_str())
            .bind(record.method.as_str())
            .bind(resources.as_str())
            .bind(i64::from(record.personal_fields))
            .bind(record.outcome.as_str())
            .bind(record.detail.as_str())
            .bind(previous)
            .bind(hash.as_str());
        previous = hash;
    }
    query
}

/// On PostgreSQL, commits `batch` after `head` in one statement, so that a commit costs one
/// round trip besides its flush: the head moves and the entries are inserted only if the head is
/// still `head` (another writer may share the database). The new head's hash, or `None` when
/// the head had moved and nothing was written.
async fn insert_after_known_head(
    database: &Database,
    head: &ChainHead,
    batch: &[Pending],
    resources: &[String],
) -> Result<Option<String>, sqlx::Error> {
    let hashes = chain_hashes(head, batch, resources);
    let count = i64::try_from(batch.len()).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let sql = format!(
        "with head as (update audit_head set last_id = $1, last_hash = $2 \
         where id = 1 and last_id = $3 returning last_id) \
         insert into audit_entries ({ENTRY_COLUMNS}) \
         select * from (values {}) as entries where exists (select 1 from head)",
        entry_values(batch.len(), 3)
    );
    let query = sqlx::query(&sql)
        .persistent(multi_row::kept_prepared(batch.len(), MAX_BATCH))
        .bind(head.last_id + count)
        .bind(hashes.last().map(String::as_str).unwrap_or(&head.last_hash))
        .bind(head.last_id);
    let inserted = bind_entries(query, head, batch, resources, &hashes)
        .execute(&database.pool)
        .await?
        .rows_affected();
    Ok((inserted == batch.len() as u64).then(|| {
        hashes
            .last()
            .cloned()
            .unwrap_or_else(|| head.last_hash.clone())
    }))
}

/// The name of a gRPC code as the audit trail stores it: `OK`, `PERMISSION_DENIED`, …
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// A page token is `a` followed by the id of the last entry of the previous page; the next page
/// starts below it. No token starts above every id.
fn parse_page_token(token: &str) -> Result<i64, &'static str> {
    if token.is_empty() {
        return Ok(i64::MAX);
    }
    token
        .strip_prefix('a')
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0 && !token[1..].starts_with('+'))
        .ok_or("is not a token returned by this method")
}

/// A filterable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Subject,
    Method,
    Outcome,
}

impl Field {
    fn column(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Method => "method",
            Self::Outcome => "outcome",
        }
    }
}

/// Parses `field = "value"` conditions joined by ` AND ` (`\"` and `\\` escape inside a value).
/// Each field at most once.
fn parse_filter(filter: &str) -> Result<Vec<(Field, String)>, String> {
    let mut conditions: Vec<(Field, String)> = Vec::new();
    let mut rest = filter.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let field = match &rest[..name_end] {
            "subject" => Field::Subject,
            "method" => Field::Method,
            "outcome" => Field::Outcome,
            other => {
                return Err(format!(
                    "unknown field {other:?}: filter on subject, method or outcome"
                ));
            }
        };
        if conditions.iter().any(|(seen, _)| *seen == field) {
            return Err(format!("{} appears twice", field.column()));
        }
        rest = rest[name_end..].trim_start();
        rest = rest
            .strip_prefix('=')
            .ok_or_else(|| format!("expected = after {}", field.column()))?
            .trim_start();
        rest = rest
            .strip_prefix('"')
            .ok_or_else(|| format!("the value of {} must be in double quotes", field.column()))?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                Some((index, '"')) => break index,
                Some((_, '\\')) => match chars.next() {
                    Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                    _ => return Err("only \\\" and \\\\ may be escaped".into()),
                },
                Some((_, c)) => value.push(c),
                None => return Err(format!("the value of {} is not closed", field.column())),
            }
        };
        conditions.push((field, value));
        rest = rest[end + 1..].trim_start();
        if rest.is_empty() {
            break;
        }
        rest = rest
            .strip_prefix("AND")
            .filter(|after| after.starts_with(char::is_whitespace))
            .ok_or("conditions must be joined by AND")?
            .trim_start();
        if rest.is_empty() {
            return Err("a condition must follow AND".into());
        }
    }
    Ok(conditions)
}

#[cfg(test)]
pub(crate) mod tests;
