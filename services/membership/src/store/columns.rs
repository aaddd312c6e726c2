//! Named columns: a row to write is a list of `(column, value)` pairs, and the statements are
//! built from those names, so that each column is written beside its value, once, and rows are
//! read back by column name. No statement depends on the position of a column or a parameter
//! beyond the lists built here.

use partyregistry_kit::db::multi_row::{self, JsonRows};
use partyregistry_vocab::date::{self, Date};
use sqlx::AnyConnection;
use sqlx::any::AnyQueryResult;

use super::AnyQuery;

/// A value to bind, in the store's encoding (dates as `YYYY-MM-DD` text, flags as 0/1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text.
    Text(String),
    /// Text or NULL.
    OptionalText(Option<String>),
    /// An integer.
    Int(i64),
    /// An integer or NULL.
    OptionalInt(Option<i64>),
    /// Bytes (sort keys).
    Bytes(Vec<u8>),
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

impl From<Option<String>> for Value {
    fn from(text: Option<String>) -> Self {
        Self::OptionalText(text)
    }
}

impl From<&Option<String>> for Value {
    fn from(text: &Option<String>) -> Self {
        Self::OptionalText(text.clone())
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Self::Int(number)
    }
}

impl From<i32> for Value {
    fn from(number: i32) -> Self {
        Self::Int(i64::from(number))
    }
}

impl From<u32> for Value {
    fn from(number: u32) -> Self {
        Self::Int(i64::from(number))
    }
}

impl From<Option<i64>> for Value {
    fn from(number: Option<i64>) -> Self {
        Self::OptionalInt(number)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Self::Int(i64::from(flag))
    }
}

impl From<Vec<u8>> for Value {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Bytes(bytes)
    }
}

impl From<Date> for Value {
    fn from(day: Date) -> Self {
        Self::Text(date::format(day))
    }
}

impl From<Option<Date>> for Value {
    fn from(day: Option<Date>) -> Self {
        Self::OptionalText(day.map(date::format))
    }
}

/// A row to write: each column with its value.
pub type Columns = Vec<(&'static str, Value)>;

/// Binds `values` as the next parameters of `query`, in order.
pub(super) fn bind_values<'q, 'v>(
    mut query: AnyQuery<'q>,
    values: impl IntoIterator<Item = &'v Value>,
) -> AnyQuery<'q> {
    for value in values {
        query = match value {
            Value::Text(text) => query.bind(text.clone()),
            Value::OptionalText(text) => query.bind(text.clone()),
            Value::Int(number) => query.bind(*number),
            Value::OptionalInt(number) => query.bind(*number),
            Value::Bytes(bytes) => query.bind(bytes.clone()),
        };
    }
    query
}

/// Binds the values of `columns`, in order.
fn bind_columns<'q>(query: AnyQuery<'q>, columns: &[(&str, Value)]) -> AnyQuery<'q> {
    bind_values(query, columns.iter().map(|(_, value)| value))
}

/// `insert into {table} (…) values ($1, …)` for `columns`, bound by [`bind_columns`].
fn insert_statement(table: &str, columns: &[(&str, Value)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    format!(
        "insert into {table} ({}) values ({})",
        names.join(", "),
        placeholders.join(", ")
    )
}

/// `column = $1, …` for `columns`, bound by [`bind_columns`]; the next parameter is
/// `$(columns.len() + 1)`.
fn assignments(columns: &[(&str, Value)]) -> String {
    columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{name} = ${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `columns` of a new row of a versioned table: version 1, created and updated at `now`.
pub(super) fn versioned(mut columns: Columns, now: i64) -> Columns {
    columns.extend([
        ("version", 1_i64.into()),
        ("create_time_us", now.into()),
        ("update_time_us", now.into()),
    ]);
    columns
}

/// Inserts a row of a versioned table: `columns`, version 1, created and updated at `now`.
pub(super) async fn insert_versioned(
    conn: &mut AnyConnection,
    table: &str,
    columns: Columns,
    now: i64,
) -> Result<AnyQueryResult, sqlx::Error> {
    let columns = versioned(columns, now);
    bind_columns(sqlx::query(&insert_statement(table, &columns)), &columns)
        .execute(conn)
        .await
}

/// Inserts `columns` as the next row of a numbered list: the row's `number` column is one past
/// the highest of the rows sharing its first column (`1` for the first), taken in the insert
/// itself instead of a read before it. Returns the number given. The caller holds what keeps the
/// list from growing concurrently (for a member's events, the member's row written before).
pub(super) async fn insert_numbered(
    conn: &mut AnyConnection,
    table: &str,
    number: &str,
    columns: &[(&str, Value)],
) -> Result<i64, sqlx::Error> {
    let owner = columns.first().map_or("", |(name, _)| *name);
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "insert into {table} ({number}, {}) select coalesce(max({number}), 0) + 1, {} \
         from {table} where {owner} = $1 returning {number}",
        names.join(", "),
        placeholders.join(", ")
    );
    let row = bind_columns(sqlx::query(&sql), columns)
        .fetch_one(conn)
        .await?;
    sqlx::Row::try_get(&row, 0)
}

/// Rows per statement of the PostgreSQL path of [`insert_rows`]: one JSON document of a few
/// megabytes.
const JSON_ROWS_PER_STATEMENT: usize = 5_000;

/// `rows` as a JSON array of objects keyed by column name (see [`JsonRows`]).
fn json_rows(rows: &[Columns]) -> String {
    let mut json = JsonRows::with_capacity(rows.len());
    for row in rows {
        json.row();
        for (name, value) in row {
            match value {
                Value::Text(text) | Value::OptionalText(Some(text)) => json.text(name, text),
                Value::Int(number) | Value::OptionalInt(Some(number)) => json.int(name, *number),
                Value::OptionalText(None) | Value::OptionalInt(None) => json.null(name),
                Value::Bytes(bytes) => json.bytes(name, bytes),
            };
        }
    }
    json.finish()
}

/// Inserts `rows` (each with the same columns, in the same order) into `table` set-wise. On
/// PostgreSQL the rows travel as one JSON parameter that `json_populate_recordset` turns into
/// rows of the table's own type inside the server: one statement per few thousand rows, parsed
/// and typed in C, instead of tens of thousands of parameters to plan. On SQLite, multi-row
/// `insert … values (?, …), (?, …)` statements of up to the parameter limit, each prepared once.
pub(super) async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    rows: &[Columns],
) -> Result<(), sqlx::Error> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let width = first.len();
    let names = first
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ");
    if conn.backend_name() != "SQLite" {
        let sql = format!(
            "insert into {table} ({names}) select {names} from json_populate_recordset(null::{table}, $1::json)"
        );
        for chunk in rows.chunks(JSON_ROWS_PER_STATEMENT) {
            sqlx::query(&sql)
                .bind(json_rows(chunk))
                .execute(&mut *conn)
                .await?;
        }
        return Ok(());
    }
    let full = multi_row::rows_per_statement(width);
    for chunk in rows.chunks(full) {
        let sql = format!(
            "insert into {table} ({names}) values {}",
            multi_row::placeholders(conn, chunk.len(), width)
        );
        let values = chunk
            .iter()
            .flat_map(|row| row.iter().map(|(_, value)| value));
        let query = sqlx::query(&sql).persistent(multi_row::kept_prepared(chunk.len(), full));
        bind_values(query, values).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes `columns` over the row of a versioned table identified by the columns named in `key`
/// (which `columns` holds, and which are not changed), if its version is still
/// `expected_version`, and advances its version and update time. No row is affected when the row
/// is missing or was changed since it was read.
pub(super) async fn update_versioned(
    conn: &mut AnyConnection,
    table: &str,
    columns: Columns,
    key: &[&str],
    expected_version: i64,
    now: i64,
) -> Result<AnyQueryResult, sqlx::Error> {
    let (key_columns, mut columns): (Columns, Columns) = columns
        .into_iter()
        .partition(|(name, _)| key.contains(name));
    columns.push(("update_time_us", now.into()));
    let n = columns.len();
    let conditions: Vec<String> = key_columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{name} = ${}", n + 1 + i))
        .collect();
    let sql = format!(
        "update {table} set {}, version = version + 1 where {} and version = ${}",
        assignments(&columns),
        conditions.join(" and "),
        n + key_columns.len() + 1
    );
    bind_columns(bind_columns(sqlx::query(&sql), &columns), &key_columns)
        .bind(expected_version)
        .execute(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_travel_to_postgresql_as_json_of_the_column_types() {
        let rows: Vec<Columns> = vec![vec![
            ("a", "Lò \"Thị\" \\ Hà\n".into()),
            ("b", Value::OptionalText(None)),
            ("c", 7_i64.into()),
            ("d", vec![0_u8, 255].into()),
        ]];
        assert_eq!(
            json_rows(&rows),
            r#"[{"a":"Lò \"Thị\" \\ Hà\u000a","b":null,"c":7,"d":"\\x00ff"}]"#
        );
    }

    #[test]
    fn statements_name_their_columns_in_order() {
        let columns: Columns = vec![("a", 1_i64.into()), ("b", "x".into())];
        assert_eq!(
            insert_statement("t", &columns),
            "insert into t (a, b) values ($1, $2)"
        );
        assert_eq!(assignments(&columns), "a = $1, b = $2");
    }
}
