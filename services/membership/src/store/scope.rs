//! Where things are recorded, as authorisation asks it: the commune of a member or candidate, the
//! province a commune is stored in, and the province merges in effect on a day.
//!
//! Owns these lookups' SQL. Does not own the decision (the kit's authorisation gate and
//! [`crate::authz`]) nor the walk through successive merges (the kit follows the pairs read here).

use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use crate::domain::units::UnitLevel;

/// The province commune `code` is stored in; `None` when there is no such commune.
pub async fn commune_province(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<String>, ApiError> {
    let row = sqlx::query("select province_code from communes where code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|row| row.try_get("province_code")).transpose()?)
}

/// The commune member `id` belongs to and that commune's province, in one statement; `None` when
/// there is no such member.
pub async fn member_place(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, String)>, ApiError> {
    owner_place(
        conn,
        "select o.commune_code, c.province_code from members o \
         join communes c on c.code = o.commune_code where o.id = $1",
        id,
    )
    .await
}

/// The commune candidate `id` belongs to and that commune's province; `None` when there is no
/// such candidate.
pub async fn candidate_place(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, String)>, ApiError> {
    owner_place(
        conn,
        "select o.commune_code, c.province_code from candidates o \
         join communes c on c.code = o.commune_code where o.id = $1",
        id,
    )
    .await
}

/// The commune and province of the person `sql` selects by `id`: one round trip on every scoped
/// read of a person, which an authorised read pays before its own (the text is a constant, so the
/// hot path builds no statement).
async fn owner_place(
    conn: &mut AnyConnection,
    sql: &'static str,
    id: i64,
) -> Result<Option<(String, String)>, ApiError> {
    let row = sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await?;
    row.map(|row| Ok((row.try_get("commune_code")?, row.try_get("province_code")?)))
        .transpose()
}

/// `(predecessor, successor)` of every province merge in effect on `day`, in the order the merges
/// took effect; a province that continues under its own code is left out.
pub async fn province_successions(
    conn: &mut AnyConnection,
    day: Date,
) -> Result<Vec<(String, String)>, ApiError> {
    let rows = sqlx::query(
        "select p.code as predecessor_code, m.successor_code from unit_merges m \
         join unit_merge_predecessors p on p.merge_id = m.id \
         where m.level = $1 and m.effective_date <= $2 and p.code <> m.successor_code \
         order by m.effective_date, m.id, p.position",
    )
    .bind(UnitLevel::Province.name())
    .bind(date::format(day))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("predecessor_code")?,
                row.try_get("successor_code")?,
            ))
        })
        .collect()
}
