//! Communes (with their dated area flags) and Party cells.

use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date;
use partyregistry_vocab::names;
use partyregistry_vocab::text::collation_key;
use sqlx::{AnyConnection, Row};

use super::columns::{Columns, insert_versioned, update_versioned};
use super::{
    corrupt, is_unique_violation, optional_date_text, parse_date, parse_optional_date,
    parse_page_token,
};
use crate::domain::{AreaFlag, AreaKind, Cell, CellKind, Commune};

const COMMUNE_TYPE: &str = "partyregistry.membership.v1.Commune";
const CELL_TYPE: &str = "partyregistry.membership.v1.Cell";

/// A stored commune with its bookkeeping.
#[derive(Debug, Clone)]
pub struct CommuneRecord {
    /// The commune.
    pub commune: Commune,
    /// Incremented on every update; the etag.
    pub version: i64,
    /// Creation time, µs.
    pub create_time_us: i64,
    /// Last update time, µs.
    pub update_time_us: i64,
}

/// A stored cell with its bookkeeping.
#[derive(Debug, Clone)]
pub struct CellRecord {
    /// The cell.
    pub cell: Cell,
    /// Incremented on every update; the etag.
    pub version: i64,
    /// Creation time, µs.
    pub create_time_us: i64,
    /// Last update time, µs.
    pub update_time_us: i64,
}

const COMMUNE_COLUMNS: &str = "code, display_name, province_code, valid_from, valid_to, version, create_time_us, update_time_us";

async fn area_flags(conn: &mut AnyConnection, code: &str) -> Result<Vec<AreaFlag>, ApiError> {
    let rows = sqlx::query("select kind, valid_from, valid_to from commune_area_flags where commune_code = $1 order by position")
        .bind(code)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(AreaFlag {
                kind: AreaKind::from_name(&kind).ok_or_else(|| corrupt("area kind", &kind))?,
                valid_from: parse_date("area flag date", &row.try_get::<String, _>("valid_from")?)?,
                valid_to: parse_optional_date("area flag date", row.try_get("valid_to")?)?,
            })
        })
        .collect()
}

async fn write_area_flags(conn: &mut AnyConnection, commune: &Commune) -> Result<(), ApiError> {
    sqlx::query("delete from commune_area_flags where commune_code = $1")
        .bind(&commune.code)
        .execute(&mut *conn)
        .await?;
    for (position, flag) in commune.area_flags.iter().enumerate() {
        sqlx::query(
            "insert into commune_area_flags (commune_code, position, kind, valid_from, valid_to) values ($1, $2, $3, $4, $5)",
        )
        .bind(&commune.code)
        .bind(position as i64)
        .bind(flag.kind.name())
        .bind(date::format(flag.valid_from))
        .bind(optional_date_text(flag.valid_to))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn commune_from_row(
    conn: &mut AnyConnection,
    row: &sqlx::any::AnyRow,
) -> Result<CommuneRecord, ApiError> {
    let code: String = row.try_get("code")?;
    let area_flags = area_flags(conn, &code).await?;
    Ok(CommuneRecord {
        commune: Commune {
            display_name: row.try_get("display_name")?,
            province_code: row.try_get("province_code")?,
            valid_from: parse_date("commune date", &row.try_get::<String, _>("valid_from")?)?,
            valid_to: parse_optional_date("commune date", row.try_get("valid_to")?)?,
            area_flags,
            code,
        },
        version: row.try_get("version")?,
        create_time_us: row.try_get("create_time_us")?,
        update_time_us: row.try_get("update_time_us")?,
    })
}

/// Reads a commune.
pub async fn get_commune(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<CommuneRecord>, ApiError> {
    let row = sqlx::query(&format!(
        "select {COMMUNE_COLUMNS} from communes where code = $1"
    ))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(commune_from_row(conn, &row).await?)),
        None => Ok(None),
    }
}

/// Reads a commune that must exist.
pub async fn require_commune(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<CommuneRecord, ApiError> {
    get_commune(conn, code)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource_type: COMMUNE_TYPE,
            name: names::commune(code),
        })
}

/// A commune as the columns of `communes` (its area flags have their own table).
fn commune_columns(commune: &Commune) -> Columns {
    vec![
        ("code", (&commune.code).into()),
        ("display_name", (&commune.display_name).into()),
        ("province_code", (&commune.province_code).into()),
        ("valid_from", commune.valid_from.into()),
        ("valid_to", commune.valid_to.into()),
    ]
}

/// Inserts a new commune.
pub async fn insert_commune(
    conn: &mut AnyConnection,
    commune: &Commune,
    now: i64,
) -> Result<CommuneRecord, ApiError> {
    let inserted = insert_versioned(conn, "communes", commune_columns(commune), now).await;
    match inserted {
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::AlreadyExists {
                resource_type: COMMUNE_TYPE,
                name: names::commune(&commune.code),
            });
        }
        other => other?,
    };
    write_area_flags(conn, commune).await?;
    Ok(CommuneRecord {
        commune: commune.clone(),
        version: 1,
        create_time_us: now,
        update_time_us: now,
    })
}

/// Replaces a commune's fields if its version is still `expected_version`.
pub async fn update_commune(
    conn: &mut AnyConnection,
    commune: &Commune,
    expected_version: i64,
    now: i64,
) -> Result<CommuneRecord, ApiError> {
    let updated = update_versioned(
        conn,
        "communes",
        commune_columns(commune),
        &["code"],
        expected_version,
        now,
    )
    .await?;
    if updated.rows_affected() == 0 {
        require_commune(conn, &commune.code).await?;
        return Err(ApiError::Aborted {
            name: names::commune(&commune.code),
        });
    }
    write_area_flags(conn, commune).await?;
    require_commune(conn, &commune.code).await
}

/// One page of communes ordered by code, optionally of one province.
pub async fn list_communes(
    conn: &mut AnyConnection,
    province_code: Option<&str>,
    page_token: &str,
    page_size: i64,
) -> Result<(Vec<CommuneRecord>, String), ApiError> {
    let after = if page_token.is_empty() {
        String::new()
    } else {
        parse_page_token(page_token)?.1
    };
    let rows = sqlx::query(&format!(
        "select {COMMUNE_COLUMNS} from communes where code > $1 and ($2 = '' or province_code = $2) order by code limit $3"
    ))
    .bind(&after)
    .bind(province_code.unwrap_or_default())
    .bind(page_size + 1)
    .fetch_all(&mut *conn)
    .await?;
    let mut communes = Vec::with_capacity(rows.len());
    for row in rows.iter().take(page_size as usize) {
        communes.push(commune_from_row(conn, row).await?);
    }
    let next = match communes.last() {
        Some(last) if rows.len() as i64 > page_size => super::page_token(&[], &last.commune.code),
        _ => String::new(),
    };
    Ok((communes, next))
}

const CELL_COLUMNS: &str = "commune_code, cell_id, display_name, sort_key, kind, open_date, close_date, version, create_time_us, update_time_us";

fn cell_from_row(row: &sqlx::any::AnyRow) -> Result<CellRecord, ApiError> {
    let kind: String = row.try_get("kind")?;
    Ok(CellRecord {
        cell: Cell {
            commune_code: row.try_get("commune_code")?,
            cell_id: row.try_get("cell_id")?,
            display_name: row.try_get("display_name")?,
            kind: CellKind::from_name(&kind).ok_or_else(|| corrupt("cell kind", &kind))?,
            open_date: parse_date("cell date", &row.try_get::<String, _>("open_date")?)?,
            close_date: parse_optional_date("cell date", row.try_get("close_date")?)?,
        },
        version: row.try_get("version")?,
        create_time_us: row.try_get("create_time_us")?,
        update_time_us: row.try_get("update_time_us")?,
    })
}

/// Reads a cell.
pub async fn get_cell(
    conn: &mut AnyConnection,
    commune_code: &str,
    cell_id: &str,
) -> Result<Option<CellRecord>, ApiError> {
    let row = sqlx::query(&format!(
        "select {CELL_COLUMNS} from cells where commune_code = $1 and cell_id = $2"
    ))
    .bind(commune_code)
    .bind(cell_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(cell_from_row).transpose()
}

/// Reads a cell that must exist.
pub async fn require_cell(
    conn: &mut AnyConnection,
    commune_code: &str,
    cell_id: &str,
) -> Result<CellRecord, ApiError> {
    get_cell(conn, commune_code, cell_id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource_type: CELL_TYPE,
            name: names::cell(commune_code, cell_id),
        })
}

/// Every cell of the communes `codes`.
pub async fn cells_of_communes(
    conn: &mut AnyConnection,
    codes: &[String],
) -> Result<Vec<CellRecord>, ApiError> {
    let mut cells = Vec::new();
    for chunk in codes.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "select {CELL_COLUMNS} from cells where commune_code in ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for code in chunk {
            query = query.bind(code);
        }
        for row in query.fetch_all(&mut *conn).await? {
            cells.push(cell_from_row(&row)?);
        }
    }
    Ok(cells)
}

/// A cell as the columns of `cells`.
fn cell_columns(cell: &Cell) -> Columns {
    vec![
        ("commune_code", (&cell.commune_code).into()),
        ("cell_id", (&cell.cell_id).into()),
        ("display_name", (&cell.display_name).into()),
        ("sort_key", collation_key(&[&cell.display_name]).into()),
        ("kind", cell.kind.name().into()),
        ("open_date", cell.open_date.into()),
        ("close_date", cell.close_date.into()),
    ]
}

/// Inserts a new cell; its commune must exist.
pub async fn insert_cell(
    conn: &mut AnyConnection,
    cell: &Cell,
    now: i64,
) -> Result<CellRecord, ApiError> {
    require_commune(conn, &cell.commune_code).await?;
    let inserted = insert_versioned(conn, "cells", cell_columns(cell), now).await;
    match inserted {
        Err(error) if is_unique_violation(&error) => Err(ApiError::AlreadyExists {
            resource_type: CELL_TYPE,
            name: names::cell(&cell.commune_code, &cell.cell_id),
        }),
        Err(error) => Err(error.into()),
        Ok(_) => Ok(CellRecord {
            cell: cell.clone(),
            version: 1,
            create_time_us: now,
            update_time_us: now,
        }),
    }
}

/// Replaces a cell's fields if its version is still `expected_version`.
pub async fn update_cell(
    conn: &mut AnyConnection,
    cell: &Cell,
    expected_version: i64,
    now: i64,
) -> Result<CellRecord, ApiError> {
    let updated = update_versioned(
        conn,
        "cells",
        cell_columns(cell),
        &["commune_code", "cell_id"],
        expected_version,
        now,
    )
    .await?;
    if updated.rows_affected() == 0 {
        require_cell(conn, &cell.commune_code, &cell.cell_id).await?;
        return Err(ApiError::Aborted {
            name: names::cell(&cell.commune_code, &cell.cell_id),
        });
    }
    require_cell(conn, &cell.commune_code, &cell.cell_id).await
}

/// One page of a commune's cells in Vietnamese collation order of their display names.
pub async fn list_cells(
    conn: &mut AnyConnection,
    commune_code: &str,
    kind: Option<CellKind>,
    page_token: &str,
    page_size: i64,
) -> Result<(Vec<CellRecord>, String), ApiError> {
    require_commune(conn, commune_code).await?;
    let (after_key, after_id) = if page_token.is_empty() {
        (Vec::new(), String::new())
    } else {
        parse_page_token(page_token)?
    };
    let rows = sqlx::query(&format!(
        "select {CELL_COLUMNS} from cells where commune_code = $1 and ($2 = '' or kind = $2) \
         and (sort_key > $3 or (sort_key = $3 and cell_id > $4)) order by sort_key, cell_id limit $5"
    ))
    .bind(commune_code)
    .bind(kind.map(CellKind::name).unwrap_or_default())
    .bind(after_key)
    .bind(after_id)
    .bind(page_size + 1)
    .fetch_all(&mut *conn)
    .await?;
    let cells = rows
        .iter()
        .take(page_size as usize)
        .map(cell_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = match cells.last() {
        Some(last) if rows.len() as i64 > page_size => super::page_token(
            &collation_key(&[&last.cell.display_name]),
            &last.cell.cell_id,
        ),
        _ => String::new(),
    };
    Ok((cells, next))
}
