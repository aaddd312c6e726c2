//! The citizen IDs of stored members as a write checks them, and the review queue of identity
//! conflicts (see [`crate::domain::identity`]).
//!
//! Owns their SQL. Does not own the decision whether a holder is inside the writer's scope (the
//! service asks the caller's scope) nor who may see a conflict (the handlers).

use partyregistry_kit::error::ApiError;
use sqlx::{AnyConnection, Row};

use super::columns::{Columns, insert_rows};
use super::corrupt;
use crate::domain::identity::{CITIZEN_ID_FIELD, ConflictState, IdentityConflict, NewConflict};

/// Keys bound by one lookup statement.
const KEYS_PER_STATEMENT: usize = 1_000;

/// A stored member holding a citizen ID, with where it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenIdHolder {
    /// The citizen ID.
    pub citizen_id: String,
    /// The member.
    pub member_id: i64,
    /// Its commune.
    pub commune_code: String,
    /// That commune's province as stored.
    pub province_code: String,
    /// Whether the record was superseded by a re-admission (it no longer holds the ID alone).
    pub superseded: bool,
}

/// A conflict with where its two records are recorded: (commune, province as stored) of the
/// member written, then of the member that held the ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedConflict {
    /// The conflict.
    pub conflict: IdentityConflict,
    /// Where the record written is.
    pub member_place: (String, String),
    /// Where the record that held the ID is.
    pub existing_place: (String, String),
}

/// Every stored member other than `except` holding one of `citizen_ids`, superseded or not.
pub async fn citizen_id_holders(
    conn: &mut AnyConnection,
    citizen_ids: &[String],
    except: i64,
) -> Result<Vec<CitizenIdHolder>, ApiError> {
    let mut found = Vec::new();
    for chunk in citizen_ids.chunks(KEYS_PER_STATEMENT) {
        let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "select m.citizen_id, m.id, m.commune_code, c.province_code, m.superseded \
             from members m join communes c on c.code = m.commune_code \
             where m.citizen_id in ({}) and m.id <> $1 order by m.id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(except);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.push(CitizenIdHolder {
                citizen_id: row.try_get("citizen_id")?,
                member_id: row.try_get("id")?,
                commune_code: row.try_get("commune_code")?,
                province_code: row.try_get("province_code")?,
                superseded: row.try_get::<i64, _>("superseded")? != 0,
            });
        }
    }
    Ok(found)
}

/// Whether members `a` and `b`, neither superseded, hold the same citizen ID.
pub async fn share_citizen_id(conn: &mut AnyConnection, a: i64, b: i64) -> Result<bool, ApiError> {
    let row = sqlx::query(
        "select count(*) as shared from members a join members b on a.citizen_id = b.citizen_id \
         where a.id = $1 and b.id = $2 and a.superseded = 0 and b.superseded = 0",
    )
    .bind(a)
    .bind(b)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>("shared")? > 0)
}

/// Puts member `id` back under the database's uniqueness of citizen IDs, once nobody else holds
/// its ID.
pub async fn unshare_citizen_id(conn: &mut AnyConnection, id: i64) -> Result<(), ApiError> {
    sqlx::query("update members set citizen_id_shared = 0 where id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Queues `conflicts`, OPEN, with consecutive ids; returns them as stored.
pub async fn insert_conflicts(
    conn: &mut AnyConnection,
    conflicts: &[NewConflict],
    now: i64,
) -> Result<Vec<IdentityConflict>, ApiError> {
    if conflicts.is_empty() {
        return Ok(Vec::new());
    }
    let count = conflicts.len() as i64;
    let last: i64 = sqlx::query(
        "update id_sequences set last_value = last_value + $1 where name = 'identity_conflicts' returning last_value",
    )
    .bind(count)
    .fetch_one(&mut *conn)
    .await?
    .try_get("last_value")?;
    let stored: Vec<IdentityConflict> = conflicts
        .iter()
        .zip(last - count + 1..)
        .map(|(new, id)| IdentityConflict {
            id,
            member_id: new.member_id,
            existing_member_id: new.existing_member_id,
            field: CITIZEN_ID_FIELD.to_owned(),
            method: new.method.to_owned(),
            writer: new.writer.clone(),
            state: ConflictState::Open,
            note: String::new(),
            resolved_by: String::new(),
            create_time_us: now,
            resolve_time_us: None,
        })
        .collect();
    let rows: Vec<Columns> = stored
        .iter()
        .map(|c| {
            vec![
                ("id", c.id.into()),
                ("member_id", c.member_id.into()),
                ("existing_member_id", c.existing_member_id.into()),
                ("field", (&c.field).into()),
                ("method", (&c.method).into()),
                ("writer", (&c.writer).into()),
                ("state", c.state.name().into()),
                ("note", "".into()),
                ("resolved_by", "".into()),
                ("resolve_time_us", None::<i64>.into()),
                ("version", 1_i64.into()),
                ("create_time_us", now.into()),
                ("update_time_us", now.into()),
            ]
        })
        .collect();
    insert_rows(conn, "identity_conflicts", &rows).await?;
    Ok(stored)
}

const PLACED: &str = "select k.*, m.commune_code as member_commune, mc.province_code as member_province, \
     e.commune_code as existing_commune, ec.province_code as existing_province \
     from identity_conflicts k \
     join members m on m.id = k.member_id join communes mc on mc.code = m.commune_code \
     join members e on e.id = k.existing_member_id join communes ec on ec.code = e.commune_code";

fn placed_from_row(row: &sqlx::any::AnyRow) -> Result<PlacedConflict, ApiError> {
    let state: String = row.try_get("state")?;
    Ok(PlacedConflict {
        conflict: IdentityConflict {
            id: row.try_get("id")?,
            member_id: row.try_get("member_id")?,
            existing_member_id: row.try_get("existing_member_id")?,
            field: row.try_get("field")?,
            method: row.try_get("method")?,
            writer: row.try_get("writer")?,
            state: ConflictState::from_name(&state)
                .ok_or_else(|| corrupt("conflict state", &state))?,
            note: row.try_get("note")?,
            resolved_by: row.try_get("resolved_by")?,
            create_time_us: row.try_get("create_time_us")?,
            resolve_time_us: row.try_get("resolve_time_us")?,
        },
        member_place: (
            row.try_get("member_commune")?,
            row.try_get("member_province")?,
        ),
        existing_place: (
            row.try_get("existing_commune")?,
            row.try_get("existing_province")?,
        ),
    })
}

/// Conflict `id` with its places; `None` when there is none.
pub async fn get_conflict(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<PlacedConflict>, ApiError> {
    let row = sqlx::query(&format!("{PLACED} where k.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(placed_from_row).transpose()
}

/// Up to `limit` conflicts with an id below `before` (newest first), in `state` if given.
pub async fn list_conflicts(
    conn: &mut AnyConnection,
    state: Option<ConflictState>,
    before: i64,
    limit: i64,
) -> Result<Vec<PlacedConflict>, ApiError> {
    let rows = match state {
        Some(state) => {
            sqlx::query(&format!(
                "{PLACED} where k.id < $1 and k.state = $2 order by k.id desc limit $3"
            ))
            .bind(before)
            .bind(state.name())
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{PLACED} where k.id < $1 order by k.id desc limit $2"
            ))
            .bind(before)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter().map(placed_from_row).collect()
}

/// Closes OPEN conflict `id` as `state` with `note` by `resolved_by`; `false` when it is no longer
/// open (closed by a concurrent call).
pub async fn close_conflict(
    conn: &mut AnyConnection,
    id: i64,
    (state, note, resolved_by): (ConflictState, &str, &str),
    now: i64,
) -> Result<bool, ApiError> {
    let closed = sqlx::query(
        "update identity_conflicts set state = $1, note = $2, resolved_by = $3, resolve_time_us = $4, \
         update_time_us = $4, version = version + 1 where id = $5 and state = $6",
    )
    .bind(state.name())
    .bind(note)
    .bind(resolved_by)
    .bind(now)
    .bind(id)
    .bind(ConflictState::Open.name())
    .execute(&mut *conn)
    .await?;
    Ok(closed.rows_affected() > 0)
}
