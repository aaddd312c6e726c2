//! The roster import's own statements: the rows an import has already brought in (keyed by the
//! caller's tenant, the import id and the row key) and the set-wise lookups that find the same
//! person again among stored members. Every lookup takes the whole batch's keys and runs a few
//! statements of at most [`KEYS_PER_STATEMENT`] keys, never one statement per row.

use partyregistry_kit::db::multi_row;
use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::columns::{Columns, insert_rows};
use super::{is_unique_violation, parse_date};

/// Keys bound by one lookup statement.
const KEYS_PER_STATEMENT: usize = 1_000;

/// A member row an import brought in earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// The row key within the import.
    pub row_key: String,
    /// The row of the source file it came from.
    pub row_number: i64,
    /// The member it created, `members/{id}`.
    pub resource_name: String,
}

/// A stored member as the duplicate search compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIdentity {
    /// Commune code.
    pub commune_code: String,
    /// Birth date.
    pub birth_date: Date,
    /// Full name, NFC.
    pub full_name: String,
}

/// `$first, $first+1, …` for `count` parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of `row_keys` that import `import_id` of `tenant` has already brought in.
///
/// Each key is one probe of the primary key, so that the lookup costs the same in the last batch
/// of a large import as in the first. On PostgreSQL that needs saying: the table fills during the
/// import, before it has ever been analysed, so the planner takes `(tenant, import_id)` for a
/// unique prefix and filters every row of the import against the bound keys (a prepared `in`
/// list of parameters is searched linearly) — a cost that grew with each batch until it was most
/// of a 165k-member import. The keys are joined as a `values` list through a lateral subquery
/// (`offset 0` keeps it from being flattened into a hash join over the whole import), which
/// the planner can only answer with one index probe per key. SQLite probes the primary key for
/// each member of an `in` list by itself.
pub async fn imported_rows(
    conn: &mut AnyConnection,
    tenant: &str,
    import_id: &str,
    row_keys: &[String],
) -> Result<Vec<ImportedRow>, ApiError> {
    let postgres = conn.backend_name() == super::POSTGRES_BACKEND;
    let mut found = Vec::new();
    for chunk in row_keys.chunks(KEYS_PER_STATEMENT) {
        let sql = if postgres {
            let keys = (3..3 + chunk.len())
                .map(|i| format!("(${i})"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "select k.row_key, r.row_number, r.resource_name from (values {keys}) k (row_key) \
                 join lateral (select i.row_number, i.resource_name from imported_rows i \
                 where i.tenant = $1 and i.import_id = $2 and i.row_key = k.row_key offset 0) r \
                 on true"
            )
        } else {
            format!(
                "select row_key, row_number, resource_name from imported_rows \
                 where tenant = $1 and import_id = $2 and row_key in ({})",
                placeholders(3, chunk.len())
            )
        };
        let mut query = sqlx::query(&sql)
            .persistent(multi_row::kept_prepared(chunk.len(), KEYS_PER_STATEMENT))
            .bind(tenant)
            .bind(import_id);
        for key in chunk {
            query = query.bind(key);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.push(ImportedRow {
                row_key: row.try_get("row_key")?,
                row_number: row.try_get("row_number")?,
                resource_name: row.try_get("resource_name")?,
            });
        }
    }
    Ok(found)
}

/// Records `rows` as brought in by import `import_id` of `tenant`.
pub async fn record_imported_rows(
    conn: &mut AnyConnection,
    tenant: &str,
    import_id: &str,
    rows: &[ImportedRow],
    now: i64,
) -> Result<(), ApiError> {
    let rows: Vec<Columns> = rows
        .iter()
        .map(|row| {
            vec![
                ("tenant", tenant.into()),
                ("import_id", import_id.into()),
                ("row_key", (&row.row_key).into()),
                ("row_number", row.row_number.into()),
                ("resource_name", (&row.resource_name).into()),
                ("create_time_us", now.into()),
            ]
        })
        .collect();
    match insert_rows(conn, "imported_rows", &rows).await {
        // Another batch of the same import, sent at the same time, imported one of these rows
        // first: this batch rolls back, and sent again it answers those rows ALREADY_IMPORTED.
        Err(error) if is_unique_violation(&error) => Err(ApiError::Aborted {
            name: format!("imports/{import_id}"),
        }),
        other => Ok(other?),
    }
}

/// Which of `citizen_ids` a stored member already holds, wherever that member is.
pub async fn stored_citizen_ids(
    conn: &mut AnyConnection,
    citizen_ids: &[String],
) -> Result<Vec<String>, ApiError> {
    let mut found = Vec::new();
    for chunk in citizen_ids.chunks(KEYS_PER_STATEMENT) {
        let sql = format!(
            "select citizen_id from members where citizen_id in ({})",
            placeholders(1, chunk.len())
        );
        let mut query =
            sqlx::query(&sql).persistent(multi_row::kept_prepared(chunk.len(), KEYS_PER_STATEMENT));
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.push(row.try_get("citizen_id")?);
        }
    }
    Ok(found)
}

/// The stored members born on one of the days of `keys` in the commune paired with it: the
/// candidates for "the same person" (the names are compared by the caller).
pub async fn members_born(
    conn: &mut AnyConnection,
    keys: &[(String, Date)],
) -> Result<Vec<StoredIdentity>, ApiError> {
    let mut found = Vec::new();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let pairs: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "with wanted (commune_code, birth_date) as (values {}) \
             select m.commune_code, m.birth_date, m.full_name from members m \
             join wanted w on m.commune_code = w.commune_code and m.birth_date = w.birth_date",
            pairs.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (commune, born) in chunk {
            query = query.bind(commune).bind(date::format(*born));
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.push(StoredIdentity {
                commune_code: row.try_get("commune_code")?,
                birth_date: parse_date("birth date", &row.try_get::<String, _>("birth_date")?)?,
                full_name: row.try_get("full_name")?,
            });
        }
    }
    Ok(found)
}
