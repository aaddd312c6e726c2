//! Provinces and recorded merges of administrative units.

use std::collections::HashMap;

use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::columns::{Columns, insert_versioned, update_versioned};
use super::{corrupt, is_unique_violation, parse_date, parse_optional_date};
use crate::domain::units::{Province, UnitLevel, UnitMerge, province_name};

const PROVINCE_TYPE: &str = "partyregistry.membership.v1.Province";

/// A stored province with its bookkeeping.
#[derive(Debug, Clone)]
pub struct ProvinceRecord {
    /// The province.
    pub province: Province,
    /// Incremented on every update; the etag.
    pub version: i64,
}

const PROVINCE_COLUMNS: &str = "code, display_name, valid_from, valid_to, version";

fn province_from_row(row: &sqlx::any::AnyRow) -> Result<ProvinceRecord, ApiError> {
    Ok(ProvinceRecord {
        province: Province {
            code: row.try_get("code")?,
            display_name: row.try_get("display_name")?,
            valid_from: parse_date("province date", &row.try_get::<String, _>("valid_from")?)?,
            valid_to: parse_optional_date("province date", row.try_get("valid_to")?)?,
        },
        version: row.try_get("version")?,
    })
}

/// Whether any province is stored: the reference provinces were seeded.
pub async fn has_provinces(conn: &mut AnyConnection) -> Result<bool, ApiError> {
    Ok(sqlx::query("select code from provinces limit 1")
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
}

/// Reads a province.
pub async fn get_province(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<ProvinceRecord>, ApiError> {
    let row = sqlx::query(&format!(
        "select {PROVINCE_COLUMNS} from provinces where code = $1"
    ))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(province_from_row).transpose()
}

/// Reads a province that must exist.
pub async fn require_province(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<ProvinceRecord, ApiError> {
    get_province(conn, code)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource_type: PROVINCE_TYPE,
            name: province_name(code),
        })
}

/// Provinces by code; with `in_force_on`, only those in force that day.
pub async fn list_provinces(
    conn: &mut AnyConnection,
    in_force_on: Option<Date>,
) -> Result<Vec<ProvinceRecord>, ApiError> {
    let day = in_force_on.map(date::format).unwrap_or_default();
    let rows = sqlx::query(&format!(
        "select {PROVINCE_COLUMNS} from provinces where $1 = '' or (valid_from <= $1 and (valid_to is null or valid_to >= $1)) order by code"
    ))
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(province_from_row).collect()
}

/// A province as the columns of `provinces`.
fn province_columns(province: &Province) -> Columns {
    vec![
        ("code", (&province.code).into()),
        ("display_name", (&province.display_name).into()),
        ("valid_from", province.valid_from.into()),
        ("valid_to", province.valid_to.into()),
    ]
}

/// Inserts a new province.
pub async fn insert_province(
    conn: &mut AnyConnection,
    province: &Province,
    now: i64,
) -> Result<ProvinceRecord, ApiError> {
    let inserted = insert_versioned(conn, "provinces", province_columns(province), now).await;
    match inserted {
        Err(error) if is_unique_violation(&error) => Err(ApiError::AlreadyExists {
            resource_type: PROVINCE_TYPE,
            name: province_name(&province.code),
        }),
        Err(error) => Err(error.into()),
        Ok(_) => Ok(ProvinceRecord {
            province: province.clone(),
            version: 1,
        }),
    }
}

/// Replaces a province's fields if its version is still `expected_version`.
pub async fn update_province(
    conn: &mut AnyConnection,
    province: &Province,
    expected_version: i64,
    now: i64,
) -> Result<ProvinceRecord, ApiError> {
    let updated = update_versioned(
        conn,
        "provinces",
        province_columns(province),
        &["code"],
        expected_version,
        now,
    )
    .await?;
    if updated.rows_affected() == 0 {
        require_province(conn, &province.code).await?;
        return Err(ApiError::Aborted {
            name: province_name(&province.code),
        });
    }
    require_province(conn, &province.code).await
}

/// Inserts a merge and returns it with its id.
pub async fn insert_merge(
    conn: &mut AnyConnection,
    merge: &UnitMerge,
    now: i64,
) -> Result<UnitMerge, ApiError> {
    let id: i64 = sqlx::query("update id_sequences set last_value = last_value + 1 where name = 'merges' returning last_value")
        .fetch_one(&mut *conn)
        .await?
        .try_get("last_value")?;
    sqlx::query(
        "insert into unit_merges (id, level, successor_code, effective_date, legal_basis, create_time_us) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(merge.level.name())
    .bind(&merge.successor_code)
    .bind(date::format(merge.effective_date))
    .bind(&merge.legal_basis)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (position, code) in merge.predecessor_codes.iter().enumerate() {
        sqlx::query(
            "insert into unit_merge_predecessors (merge_id, position, code) values ($1, $2, $3)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(code)
        .execute(&mut *conn)
        .await?;
    }
    Ok(UnitMerge {
        id,
        ..merge.clone()
    })
}

/// Merges by effective date, optionally of one level.
pub async fn list_merges(
    conn: &mut AnyConnection,
    level: Option<UnitLevel>,
) -> Result<Vec<UnitMerge>, ApiError> {
    let rows = sqlx::query(
        "select id, level, successor_code, effective_date, legal_basis from unit_merges \
         where $1 = '' or level = $1 order by effective_date, id",
    )
    .bind(level.map(UnitLevel::name).unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let mut merges = Vec::with_capacity(rows.len());
    for row in &rows {
        let level: String = row.try_get("level")?;
        merges.push(UnitMerge {
            id: row.try_get("id")?,
            level: UnitLevel::from_name(&level).ok_or_else(|| corrupt("unit level", &level))?,
            predecessor_codes: Vec::new(),
            successor_code: row.try_get("successor_code")?,
            effective_date: parse_date("merge date", &row.try_get::<String, _>("effective_date")?)?,
            legal_basis: row.try_get("legal_basis")?,
        });
    }
    let predecessors = sqlx::query(
        "select p.merge_id, p.code from unit_merge_predecessors p \
         join unit_merges m on m.id = p.merge_id \
         where $1 = '' or m.level = $1 order by p.merge_id, p.position",
    )
    .bind(level.map(UnitLevel::name).unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let position: HashMap<i64, usize> = merges
        .iter()
        .enumerate()
        .map(|(index, merge)| (merge.id, index))
        .collect();
    for row in &predecessors {
        let id: i64 = row.try_get("merge_id")?;
        if let Some(&index) = position.get(&id) {
            merges[index].predecessor_codes.push(row.try_get("code")?);
        }
    }
    Ok(merges)
}
