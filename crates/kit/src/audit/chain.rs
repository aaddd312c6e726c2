//! The hash chain of the audit trail. Each entry stores the SHA-256 of its own stored columns
//! together with the hash of the entry before it (`previous_hash`), so that editing, deleting or
//! reordering an entry breaks the chain at that entry; `audit_head` keeps the id and hash of the
//! last entry, so that removing the newest entries shows too.
//!
//! Entries written before the chain existed (a trail migrated from an earlier version) keep no
//! hash: the chain starts at `audit_head.chain_start` with [`GENESIS`] as the previous hash, and
//! [`AuditLog::verify`] reports the older entries as unchained rather than checking them.

use partyregistry_proto::audit::v1 as audit_pb;
use ring::digest::{Context, SHA256};
use sqlx::Row;
use tokio_stream::StreamExt;

use super::AuditLog;
use crate::error::ApiError;

/// The previous hash of the first chained entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The DDL that adds the chain to a trail made by [`super::AUDIT_TABLE_SQL`]. Each service
/// copies it into a migration of its own (a test of the service compares the two). Existing
/// entries stay unchained: SQLite has no SHA-256 to chain them in SQL, and rewriting them would
/// defeat the append-only guard; the chain starts after the last of them.
pub const AUDIT_CHAIN_SQL: &str = r#"-- The audit trail's hash chain: each entry's SHA-256 over its columns and the previous entry's hash.
-- Entries written before this migration stay unchained (null hashes); the chain starts at
-- chain_start with a previous hash of 64 zeros. The head keeps the hash of the last entry.
alter table audit_entries add column previous_hash text;
alter table audit_entries add column hash text;
alter table audit_head add column chain_start bigint not null default 1;
alter table audit_head add column last_hash text not null default '0000000000000000000000000000000000000000000000000000000000000000';
update audit_head set chain_start = last_id + 1;
"#;

/// An entry as stored: the columns its hash covers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stored<'a> {
    pub id: i64,
    pub time_us: i64,
    pub subject: &'a str,
    pub method: &'a str,
    /// The JSON array as stored, so that a check hashes exactly the stored text.
    pub resources: &'a str,
    pub personal_fields: i64,
    pub outcome: &'a str,
    pub detail: &'a str,
}

/// The hash of `entry` following `previous`, in lowercase hex. Every field is length-prefixed,
/// so that no two different entries encode to the same bytes.
pub(super) fn entry_hash(previous: &str, entry: &Stored<'_>) -> String {
    let mut context = Context::new(&SHA256);
    context.update(b"partyregistry.audit.v1 entry\n");
    {
        let mut field = |bytes: &[u8]| {
            context.update(&(bytes.len() as u64).to_be_bytes());
            context.update(bytes);
        };
        field(previous.as_bytes());
        field(&entry.id.to_be_bytes());
        field(&entry.time_us.to_be_bytes());
        field(entry.subject.as_bytes());
        field(entry.method.as_bytes());
        field(entry.resources.as_bytes());
        field(&entry.personal_fields.to_be_bytes());
        field(entry.outcome.as_bytes());
        field(entry.detail.as_bytes());
    }
    hex::encode(context.finish().as_ref())
}

/// What [`AuditLog::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// Chained entries whose hash and link were checked (up to the first bad one).
    pub checked: i64,
    /// Entries before the chain began, which carry no hash.
    pub unchained: i64,
    /// The id of the last entry the trail handed out (0 for an empty trail).
    pub head_id: i64,
    /// The hash the head records for it.
    pub head_hash: String,
    /// The first entry where the chain breaks and why, if it does.
    pub first_bad: Option<(i64, String)>,
}

impl Verification {
    /// Whether the whole trail checked out.
    pub fn intact(&self) -> bool {
        self.first_bad.is_none()
    }

    /// The answer of `VerifyAuditTrail`.
    pub fn to_proto(&self) -> audit_pb::VerifyAuditTrailResponse {
        let (first_bad_entry, problem) = match &self.first_bad {
            Some((id, problem)) => (format!("auditEntries/{id}"), problem.clone()),
            None => (String::new(), String::new()),
        };
        audit_pb::VerifyAuditTrailResponse {
            intact: self.intact(),
            checked_entries: self.checked,
            unchained_entries: self.unchained,
            head: if self.head_id > 0 {
                format!("auditEntries/{}", self.head_id)
            } else {
                String::new()
            },
            head_hash: self.head_hash.clone(),
            first_bad_entry,
            problem,
        }
    }
}

impl AuditLog {
    /// Walks the whole trail in id order and recomputes the chain: ids must run 1, 2, … up to
    /// the head's last id with none missing or added, every chained entry must link to the one
    /// before and hash to what it stores, and the last must be the head's. Stops at the first
    /// entry that does not, naming it. Reads row by row, so a long trail takes time, not memory.
    pub async fn verify(&self) -> Result<Verification, ApiError> {
        let head =
            sqlx::query("select last_id, chain_start, last_hash from audit_head where id = 1")
                .fetch_one(&self.database.pool)
                .await?;
        let mut found = Verification {
            head_id: head.try_get("last_id")?,
            head_hash: head.try_get("last_hash")?,
            ..Verification::default()
        };
        let chain_start: i64 = head.try_get("chain_start")?;
        let mut expected_id = 1;
        let mut previous = GENESIS.to_owned();
        // Entries committed while this runs lie beyond the head read above; they are checked
        // by the next verification.
        let mut rows = sqlx::query(
            "select id, time_us, subject, method, resources, personal_fields, outcome, detail, \
             previous_hash, hash from audit_entries where id <= $1 order by id",
        )
        .bind(found.head_id)
        .fetch(&self.database.pool);
        while let Some(row) = rows.next().await {
            let row = row?;
            let id: i64 = row.try_get("id")?;
            let bad = if id != expected_id {
                Some((expected_id, "đã bị xoá (thiếu trong chuỗi)".to_owned()))
            } else if id < chain_start {
                found.unchained += 1;
                None
            } else {
                let stored_previous: Option<String> = row.try_get("previous_hash")?;
                let stored_hash: Option<String> = row.try_get("hash")?;
                let entry = Stored {
                    id,
                    time_us: row.try_get("time_us")?,
                    subject: &row.try_get::<String, _>("subject")?,
                    method: &row.try_get::<String, _>("method")?,
                    resources: &row.try_get::<String, _>("resources")?,
                    personal_fields: row.try_get("personal_fields")?,
                    outcome: &row.try_get::<String, _>("outcome")?,
                    detail: &row.try_get::<String, _>("detail")?,
                };
                match (stored_previous, stored_hash) {
                    (Some(stored_previous), Some(stored_hash)) => {
                        if stored_previous != previous {
                            Some((
                                id,
                                format!("không nối tiếp mục {} (mã băm trước không khớp)", id - 1),
                            ))
                        } else if entry_hash(&previous, &entry) != stored_hash {
                            Some((
                                id,
                                "nội dung không khớp mã băm đã lưu (đã bị sửa)".to_owned(),
                            ))
                        } else {
                            found.checked += 1;
                            previous = stored_hash;
                            None
                        }
                    }
                    _ => Some((id, "thiếu mã băm".to_owned())),
                }
            };
            if let Some(bad) = bad {
                found.first_bad = Some(bad);
                return Ok(found);
            }
            expected_id += 1;
        }
        drop(rows);
        // An entry beyond the head as one statement sees both was not handed out by the writer.
        let beyond: Option<i64> = sqlx::query(
            "select min(id) as id from audit_entries \
             where id > (select last_id from audit_head where id = 1)",
        )
        .fetch_one(&self.database.pool)
        .await?
        .try_get("id")?;
        if expected_id <= found.head_id {
            found.first_bad = Some((expected_id, "đã bị xoá (thiếu trong chuỗi)".to_owned()));
        } else if found.head_id >= chain_start && previous != found.head_hash {
            found.first_bad = Some((
                found.head_id,
                "mã băm khác với mã băm ghi ở đầu chuỗi".to_owned(),
            ));
        } else if let Some(id) = beyond {
            found.first_bad = Some((
                id,
                "không do nhật ký cấp số (nằm sau mục cuối ghi ở đầu chuỗi)".to_owned(),
            ));
        }
        Ok(found)
    }
}
