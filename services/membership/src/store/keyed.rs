//! The small keyed tables of yearly records (targets, cell plans, ratings): one upsert checked
//! against the stored version, and the reading of a commune's cell records for a year.

use partyregistry_kit::error::ApiError;
use sqlx::{AnyConnection, Row};

use super::columns::Value;
use super::columns::bind_values;
use super::{corrupt, is_unique_violation};

/// Creates or replaces the row of `table` identified by `keys`; when `etag` is given it must be
/// the stored version. Returns the new version. `name` is the resource name, for errors.
pub async fn upsert(
    conn: &mut AnyConnection,
    table: &str,
    keys: &[(&str, Value)],
    data: &[(&str, Value)],
    (name, etag): (&str, &str),
    now: i64,
) -> Result<i64, ApiError> {
    let key_condition: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ${}", i + 1))
        .collect();
    let key_values: Vec<&Value> = keys.iter().map(|(_, v)| v).collect();
    let current: Option<i64> = bind_values(
        sqlx::query(&format!(
            "select version from {table} where {}",
            key_condition.join(" and ")
        )),
        key_values.iter().copied(),
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get("version"))
    .transpose()?;
    let aborted = || ApiError::Aborted {
        name: name.to_owned(),
    };
    if !etag.is_empty() && current.map(|v| v.to_string()).as_deref() != Some(etag) {
        return Err(aborted());
    }
    let data_values: Vec<&Value> = data.iter().map(|(_, v)| v).collect();
    match current {
        None => {
            let columns: Vec<&str> = keys.iter().chain(data).map(|(c, _)| *c).collect();
            let count = columns.len();
            let placeholders: Vec<String> = (1..=count).map(|i| format!("${i}")).collect();
            let sql = format!(
                "insert into {table} ({}, version, create_time_us, update_time_us) values ({}, 1, ${}, ${})",
                columns.join(", "),
                placeholders.join(", "),
                count + 1,
                count + 1
            );
            let values: Vec<&Value> = key_values.iter().chain(&data_values).copied().collect();
            let inserted = bind_values(sqlx::query(&sql), values.iter().copied())
                .bind(now)
                .execute(&mut *conn)
                .await;
            match inserted {
                // A concurrent writer created it first: the command is retried from a fresh read.
                Err(error) if is_unique_violation(&error) => Err(aborted()),
                Err(error) => Err(error.into()),
                Ok(_) => Ok(1),
            }
        }
        Some(version) => {
            let assignments: Vec<String> = data
                .iter()
                .enumerate()
                .map(|(i, (column, _))| format!("{column} = ${}", i + 1))
                .collect();
            let n = data.len();
            let conditions: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, (column, _))| format!("{column} = ${}", n + 3 + i))
                .collect();
            let sql = format!(
                "update {table} set {}, version = version + 1, update_time_us = ${} where version = ${} and {}",
                assignments.join(", "),
                n + 1,
                n + 2,
                conditions.join(" and ")
            );
            let updated = bind_values(sqlx::query(&sql), data_values.iter().copied())
                .bind(now)
                .bind(version);
            let updated = bind_values(updated, key_values.iter().copied())
                .execute(&mut *conn)
                .await?;
            if updated.rows_affected() == 0 {
                return Err(aborted());
            }
            Ok(version + 1)
        }
    }
}

pub(super) fn year_of(row: &sqlx::any::AnyRow, column: &str) -> Result<i32, ApiError> {
    let value: i64 = row.try_get(column)?;
    i32::try_from(value).map_err(|_| corrupt("year", &value.to_string()))
}

pub(super) fn small_of(row: &sqlx::any::AnyRow, column: &str) -> Result<i32, ApiError> {
    let value: i64 = row.try_get(column)?;
    i32::try_from(value).map_err(|_| corrupt(column, &value.to_string()))
}

/// The key of a yearly record of a cell (a plan, a rating): commune, cell and year.
pub(super) fn cell_year_key(
    (commune_code, cell_id): (&str, &str),
    (year_column, year): (&'static str, i32),
) -> [(&'static str, Value); 3] {
    [
        ("commune_code", Value::Text(commune_code.to_owned())),
        ("cell_id", Value::Text(cell_id.to_owned())),
        (year_column, Value::Int(i64::from(year))),
    ]
}

/// The `columns` (of `r`, the rows of `table`) of a commune's yearly cell records for `year`,
/// in the cells' display order.
pub(super) async fn cell_year_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &str,
    (year_column, commune_code, year): (&str, &str, i32),
) -> Result<Vec<sqlx::any::AnyRow>, ApiError> {
    Ok(sqlx::query(&format!(
        "select {columns} from {table} r \
         join cells c on c.commune_code = r.commune_code and c.cell_id = r.cell_id \
         where r.commune_code = $1 and r.{year_column} = $2 order by c.sort_key, r.cell_id"
    ))
    .bind(commune_code)
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?)
}
