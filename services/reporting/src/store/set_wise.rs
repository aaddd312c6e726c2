//! Statements over many rows at once: multi-row `values` lists and id lists bound in as few
//! statements as the backend's parameter limit allows, so that applying a batch of the feed takes
//! a few statements per table instead of a few per member.
//!
//! Owns the statement shapes only. Does not own which tables are written (`apply_members`,
//! `aggregates`).

use partyregistry_kit::db::multi_row;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::StoreError;

/// A statement with its parameters bound so far.
pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A statement around a `values` list: the text before it, the parameters per row, the text
/// after it.
pub(super) type Shape<'s> = (&'s str, usize, &'s str);

/// The text of `head values (…), (…) tail` for `rows` rows of `width` parameters.
fn statement(connection: &AnyConnection, (head, width, tail): Shape<'_>, rows: usize) -> String {
    format!(
        "{head} values {} {tail}",
        multi_row::placeholders(connection, rows, width)
    )
}

/// Runs `head values (…), (…) tail` over `items`, each row bound by `bind`.
pub(super) async fn for_rows<T>(
    connection: &mut AnyConnection,
    shape: Shape<'_>,
    items: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &T) -> AnyQuery<'q>,
) -> Result<(), StoreError> {
    let full = multi_row::rows_per_statement(shape.1);
    for chunk in items.chunks(full) {
        let sql = statement(connection, shape, chunk.len());
        let mut query = sqlx::query(&sql).persistent(multi_row::kept_prepared(chunk.len(), full));
        for item in chunk {
            query = bind(query, item);
        }
        query.execute(&mut *connection).await?;
    }
    Ok(())
}

/// Runs `sql_with_ids` (containing `{ids}`, where a list of ids goes) for `ids`, in chunks; the
/// rows of every chunk, chunk after chunk.
pub(super) async fn for_ids(
    connection: &mut AnyConnection,
    sql_with_ids: &str,
    ids: &[i64],
) -> Result<Vec<AnyRow>, StoreError> {
    let mut rows = Vec::new();
    let full = multi_row::rows_per_statement(1);
    for chunk in ids.chunks(full) {
        let list = multi_row::placeholders(connection, 1, chunk.len());
        let list = list.trim_start_matches('(').trim_end_matches(')');
        let sql = sql_with_ids.replace("{ids}", list);
        let mut query = sqlx::query(&sql).persistent(multi_row::kept_prepared(chunk.len(), full));
        for id in chunk {
            query = query.bind(*id);
        }
        rows.extend(query.fetch_all(&mut *connection).await?);
    }
    Ok(rows)
}
