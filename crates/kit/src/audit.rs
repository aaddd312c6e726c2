//! The audit trail: an append-only table in each service's own database recording every read of
//! member records and every write — who (the token's subject), what (method, resource names,
//! whether personal fields were returned), when, and how the call ended — including calls that
//! failed authentication or authorisation. Served by `partyregistry.audit.v1.AuditService`.
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

use crate::db::{Backend, Database, now_micros, timestamp};
use crate::error::ApiError;

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
            "select id, time_us, subject, method, resources, personal_fields, outcome, detail \
             from audit_entries where id < $1",
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
/// transaction, then lets their callers go on.
async fn write_batches(database: Database, mut entries: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while entries.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let stored = match insert_batch(&database, &batch).await {
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

/// Commits `batch` with consecutive ids.
async fn insert_batch(database: &Database, batch: &[Pending]) -> Result<(), sqlx::Error> {
    let resources = batch
        .iter()
        .map(|(_, record, _)| serde_json::to_string(&record.resources))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let count = i64::try_from(batch.len()).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let _writer = database.lock_writer().await;
    let mut transaction = database.pool.begin().await?;
    let last_id: i64 =
        sqlx::query("update audit_head set last_id = last_id + $1 where id = 1 returning last_id")
            .bind(count)
            .fetch_one(&mut *transaction)
            .await?
            .try_get("last_id")?;
    for ((id, (time_us, record, _)), resources) in (last_id - count + 1..).zip(batch).zip(resources)
    {
        sqlx::query(
            "insert into audit_entries \
             (id, time_us, subject, method, resources, personal_fields, outcome, detail) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(*time_us)
        .bind(&record.subject)
        .bind(&record.method)
        .bind(resources)
        .bind(i64::from(record.personal_fields))
        .bind(&record.outcome)
        .bind(&record.detail)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await
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
pub(crate) mod tests {
    use super::*;
    use sqlx::AnyPool;
    use sqlx::any::AnyPoolOptions;

    #[test]
    fn filters_parse() {
        assert_eq!(parse_filter(""), Ok(vec![]));
        assert_eq!(
            parse_filter(r#"subject = "a \"b\"" AND outcome="OK""#),
            Ok(vec![
                (Field::Subject, r#"a "b""#.to_owned()),
                (Field::Outcome, "OK".to_owned())
            ])
        );
        assert_eq!(
            parse_filter(r#"method = "x AND y""#),
            Ok(vec![(Field::Method, "x AND y".to_owned())])
        );
        for bad in [
            r#"subject = a"#,
            r#"subject = "a""#.trim_end_matches('"'),
            r#"name = "a""#,
            r#"subject = "a" subject = "b""#,
            r#"subject = "a" AND subject = "b""#,
            r#"subject = "a" AND"#,
            r#"subject = "a" OR outcome = "OK""#,
            r#"subject != "a""#,
            r#"subject = "\n""#,
        ] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_tokens_parse() {
        assert_eq!(parse_page_token(""), Ok(i64::MAX));
        assert_eq!(parse_page_token("a42"), Ok(42));
        for bad in ["42", "a", "a-1", "a0", "a+4", "ax"] {
            assert!(parse_page_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn code_names_are_upper_snake_case() {
        assert_eq!(code_name(Code::Ok), "OK");
        assert_eq!(code_name(Code::PermissionDenied), "PERMISSION_DENIED");
        assert_eq!(code_name(Code::Unauthenticated), "UNAUTHENTICATED");
    }

    /// A temporary SQLite database holding the audit table, and its file.
    pub(crate) async fn sqlite_pool() -> (AnyPool, std::path::PathBuf) {
        sqlx::any::install_default_drivers();
        let path = std::env::temp_dir().join(format!(
            "kit-audit-{}-{}.db",
            std::process::id(),
            now_micros()
        ));
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("temporary SQLite database opens");
        pool.execute(AUDIT_TABLE_SQL)
            .await
            .expect("audit DDL runs on SQLite");
        (pool, path)
    }

    fn record(subject: &str, method: &str, outcome: &str) -> AuditRecord {
        AuditRecord {
            subject: subject.into(),
            method: method.into(),
            resources: vec!["members/1".into(), "communes/15001".into()],
            personal_fields: subject == "alice",
            outcome: outcome.into(),
            detail: String::new(),
        }
    }

    /// The same story on each backend: record, list newest first, page, filter, reject bad input.
    async fn trail_lists_newest_first(log: &AuditLog) {
        for i in 0..7 {
            let subject = if i % 2 == 0 { "alice" } else { "bob" };
            let outcome = if i == 3 { "PERMISSION_DENIED" } else { "OK" };
            log.record(record(subject, &format!("/s/M{i}"), outcome))
                .await;
        }
        let all = log
            .list(&audit_pb::ListAuditEntriesRequest::default())
            .await
            .expect("list");
        let methods: Vec<_> = all.entries.iter().map(|e| e.method.as_str()).collect();
        assert_eq!(
            methods,
            [
                "/s/M6", "/s/M5", "/s/M4", "/s/M3", "/s/M2", "/s/M1", "/s/M0"
            ]
        );
        assert!(all.next_page_token.is_empty());
        let first = &all.entries[0];
        assert_eq!(first.name, "auditEntries/7");
        assert_eq!(first.resources, ["members/1", "communes/15001"]);
        assert!(first.personal_fields);
        assert!(first.time.is_some());

        let mut pages = Vec::new();
        let mut token = String::new();
        loop {
            let page = log
                .list(&audit_pb::ListAuditEntriesRequest {
                    page_size: 3,
                    page_token: token.clone(),
                    filter: String::new(),
                })
                .await
                .expect("page");
            pages.push(page.entries.len());
            token = page.next_page_token;
            if token.is_empty() {
                break;
            }
        }
        assert_eq!(pages, [3, 3, 1]);

        let bob = log
            .list(&audit_pb::ListAuditEntriesRequest {
                filter: r#"subject = "bob" AND outcome = "OK""#.into(),
                ..Default::default()
            })
            .await
            .expect("filtered");
        let methods: Vec<_> = bob.entries.iter().map(|e| e.method.as_str()).collect();
        assert_eq!(methods, ["/s/M5", "/s/M1"]);
        let denied = log
            .list(&audit_pb::ListAuditEntriesRequest {
                filter: r#"outcome = "PERMISSION_DENIED""#.into(),
                ..Default::default()
            })
            .await
            .expect("filtered");
        assert_eq!(denied.entries.len(), 1);

        for request in [
            audit_pb::ListAuditEntriesRequest {
                page_size: -1,
                ..Default::default()
            },
            audit_pb::ListAuditEntriesRequest {
                page_token: "garbage".into(),
                ..Default::default()
            },
            audit_pb::ListAuditEntriesRequest {
                filter: "subject = bob".into(),
                ..Default::default()
            },
        ] {
            assert!(matches!(
                log.list(&request).await,
                Err(ApiError::InvalidArgument(_))
            ));
        }
    }

    /// Concurrent calls never collide on an id, and each returns only once its own entry is
    /// committed (whichever batch carried it).
    async fn concurrent_records_all_land(log: &AuditLog) {
        let entries = |filter: String| {
            let log = log.clone();
            async move {
                log.list(&audit_pb::ListAuditEntriesRequest {
                    page_size: 500,
                    filter,
                    ..Default::default()
                })
                .await
                .expect("list")
                .entries
            }
        };
        let before = entries(String::new()).await.len();
        let calls: Vec<_> = (0..64)
            .map(|i| {
                let log = log.clone();
                tokio::spawn(async move {
                    let method = format!("/c/{i}");
                    log.record(record("carol", &method, "OK")).await;
                    log.list(&audit_pb::ListAuditEntriesRequest {
                        filter: format!("method = \"{method}\""),
                        ..Default::default()
                    })
                    .await
                    .expect("list")
                    .entries
                    .len()
                })
            })
            .collect();
        for call in calls {
            assert_eq!(
                call.await.expect("call task"),
                1,
                "committed before returning"
            );
        }
        let after = entries(String::new()).await;
        assert_eq!(after.len(), before + 64);
        let names: std::collections::BTreeSet<_> = after.iter().map(|e| &e.name).collect();
        assert_eq!(names.len(), after.len(), "ids are unique");
    }

    /// Every way of rewriting the trail is refused by the database, and the entries stay; a
    /// second `open` (a restart) installs the guards again without error.
    async fn entries_cannot_be_rewritten(pool: &AnyPool, backend: Backend) {
        let count = || async {
            sqlx::query("select count(*) as n from audit_entries")
                .fetch_one(pool)
                .await
                .expect("count")
                .get::<i64, _>("n")
        };
        let before = count().await;
        assert!(before > 0);
        let mut attempts = vec![
            "update audit_entries set subject = 'mallory'",
            "delete from audit_entries",
        ];
        if backend == Backend::Postgres {
            attempts.push("truncate audit_entries");
        }
        for attempt in attempts {
            let error = pool
                .execute(attempt)
                .await
                .expect_err("the trail refuses to be rewritten");
            assert!(
                error.to_string().contains("append-only"),
                "{attempt}: {error}"
            );
        }
        assert_eq!(count().await, before);
        AuditLog::open(&Database::new(pool.clone(), backend))
            .await
            .expect("guards reinstall on restart");
    }

    #[tokio::test]
    async fn sqlite_trail_records_and_lists() {
        let (pool, path) = sqlite_pool().await;
        let log = AuditLog::open(&Database::new(pool.clone(), Backend::Sqlite))
            .await
            .expect("append-only guards install on SQLite");
        trail_lists_newest_first(&log).await;
        concurrent_records_all_land(&log).await;
        entries_cannot_be_rewritten(&pool, Backend::Sqlite).await;
        pool.close().await;
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn record_without_table_does_not_fail() {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite opens");
        // No table: the write fails, is logged, and record returns normally.
        AuditLog::new(&Database::new(pool, Backend::Sqlite))
            .record(record("alice", "/s/M", "OK"))
            .await;
    }

    #[tokio::test]
    async fn postgres_trail_records_and_lists() {
        if crate::test_database::postgres_admin_url().is_none() {
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL audit test skipped");
            return;
        }
        let database = crate::test_database::TestDatabase::create(Backend::Postgres, "kit_audit")
            .await
            .expect("test database is created");
        let pool = AnyPool::connect(&database.url)
            .await
            .expect("test database opens");
        pool.execute(AUDIT_TABLE_SQL)
            .await
            .expect("audit DDL runs on PostgreSQL");
        let log = AuditLog::open(&Database::new(pool.clone(), Backend::Postgres))
            .await
            .expect("append-only guards install on PostgreSQL");
        trail_lists_newest_first(&log).await;
        concurrent_records_all_land(&log).await;
        entries_cannot_be_rewritten(&pool, Backend::Postgres).await;
        pool.close().await;
        database.remove().await;
    }
}
