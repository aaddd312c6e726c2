//! Where a commune lies, as authorisation asks it of the projection: the province a commune is
//! recorded in, and the province merges in effect on a day.
//!
//! Owns these lookups' SQL. Does not own the decision (the kit's authorisation gate and
//! [`crate::grpc::access`]) nor the walk through successive merges (the kit follows the pairs read
//! here).

use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::{Store, StoreError};
use crate::model::vocabulary::UnitLevel;

impl Store {
    /// The province commune `code` is recorded in; `None` for a commune the projection does not
    /// know (yet).
    pub async fn commune_province(&self, code: &str) -> Result<Option<String>, StoreError> {
        let mut connection = self.database.pool.acquire().await?;
        commune_province(&mut connection, code).await
    }

    /// Whether commune `code` had ended by `day` (its last day is before it); `false` for a
    /// commune the projection does not know.
    pub async fn commune_ended_before(&self, code: &str, day: Date) -> Result<bool, StoreError> {
        let mut connection = self.database.pool.acquire().await?;
        let row = sqlx::query(
            "select count(*) from communes where code = $1 and valid_to is not null \
             and valid_to < $2",
        )
        .bind(code)
        .bind(date::format(day))
        .fetch_one(&mut *connection)
        .await?;
        Ok(row.try_get::<i64, _>(0)? > 0)
    }

    /// `(predecessor, successor)` of every province merge in effect on `day`, in the order the
    /// merges took effect.
    pub async fn province_successions(
        &self,
        day: Date,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut connection = self.database.pool.acquire().await?;
        province_successions(&mut connection, day).await
    }
}

/// The province commune `code` is recorded in, on `connection`.
async fn commune_province(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("select province_code from communes where code = $1")
        .bind(code)
        .fetch_optional(&mut *connection)
        .await?;
    Ok(row.map(|row| row.try_get("province_code")).transpose()?)
}

/// The province merges in effect on `day`, on `connection`; a province that continues under its
/// own code is left out.
async fn province_successions(
    connection: &mut AnyConnection,
    day: Date,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "select p.predecessor_code, m.successor_code from unit_merges m \
         join unit_merge_predecessors p on p.merge_id = m.merge_id \
         where m.level = $1 and m.effective_date <= $2 and p.predecessor_code <> m.successor_code \
         order by m.effective_date, m.merge_id, p.position",
    )
    .bind(UnitLevel::Province.key())
    .bind(date::format(day))
    .fetch_all(&mut *connection)
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
