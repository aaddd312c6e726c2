//! Storage of the membership service on SQLite or PostgreSQL through one sqlx `Any` pool and one
//! query text: `$n` placeholders (SQLite accepts them), dates as `YYYY-MM-DD` text, times as
//! microseconds, flags as 0/1.
//!
//! Writes happen inside a [`Tx`]; the service layer puts a mutation, its events, its
//! change-feed row(s) and its idempotency record in the same one.
//!
//! Modules: [`organisations`] (communes, cells), [`members`] (members, events), [`candidates`]
//! (candidates and introducers), [`rules`] (rule versions, the rule table), [`holidays`],
//! [`planning`] (targets, cell plans), [`ratings`], `keyed` (their shared upsert), [`units`]
//! (provinces and merges), [`import`] (rows already imported, duplicate lookups), [`identity`] (who holds a citizen ID, the review queue of identity conflicts), [`scope`] (where a resource lives, for authorization), [`feed`] (the
//! outbox and request ids). [`Tx`] offers them all to the commands as methods. `columns` builds
//! the statements that write a row from its named columns.

mod candidate_records;

/// What sqlx calls PostgreSQL, for the few statements written per backend.
pub(crate) const POSTGRES_BACKEND: &str = "PostgreSQL";

pub mod candidates;
mod columns;
pub mod feed;
mod group;
pub mod holidays;
pub mod identity;
pub mod import;
mod keyed;
pub mod members;
pub mod organisations;
pub mod planning;
pub mod ratings;
pub mod rules;
pub mod scope;
mod tx;
pub mod units;

pub use candidates::{CandidateFilter, CandidateRecord};
pub use feed::{FEED_CHANNEL, StoredChange, StoredRequest};
pub use identity::{CitizenIdHolder, PlacedConflict};
pub use import::{ImportedRow, StoredIdentity};
pub use members::{EventRecord, MemberFilter, MemberRecord};
pub use organisations::{CellRecord, CommuneRecord};
pub use rules::RuleVersionRecord;
pub use tx::{Store, Tx};

use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::{self, Date};
use sqlx::AnyConnection;

/// The embedded migrations: one SQL text for SQLite and PostgreSQL.
pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!();

/// A statement with its parameters bound so far.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A stored value that could not be read back: a bug or a damaged database.
fn corrupt(what: &str, value: &str) -> ApiError {
    ApiError::Internal(format!("stored {what} {value:?} is not valid"))
}

/// The stored name of a contract enum value (`value` as the contract numbers it).
fn enum_name<E: TryFrom<i32>>(value: i32, name: impl Fn(&E) -> &'static str) -> String {
    E::try_from(value)
        .map(|e| name(&e))
        .unwrap_or_default()
        .to_owned()
}

/// The contract number of an enum value stored by its name.
fn enum_value<E: Into<i32>>(
    what: &str,
    text: &str,
    from_name: impl Fn(&str) -> Option<E>,
) -> Result<i32, ApiError> {
    from_name(text)
        .map(Into::into)
        .ok_or_else(|| corrupt(what, text))
}

fn parse_date(what: &str, text: &str) -> Result<Date, ApiError> {
    date::parse(text).map_err(|_| corrupt(what, text))
}

fn parse_optional_date(what: &str, text: Option<String>) -> Result<Option<Date>, ApiError> {
    text.filter(|t| !t.is_empty())
        .map(|t| parse_date(what, &t))
        .transpose()
}

fn optional_date_text(value: Option<Date>) -> Option<String> {
    value.map(date::format)
}

/// Whether a database error is a unique-constraint violation (an id or a key taken).
fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Encodes a keyset position as an opaque page token.
pub(crate) fn page_token(sort_key: &[u8], tiebreak: &str) -> String {
    format!("{}.{}", hex::encode(sort_key), hex::encode(tiebreak))
}

/// Decodes a page token produced by [`page_token`].
fn parse_page_token(token: &str) -> Result<(Vec<u8>, String), ApiError> {
    let bad = || ApiError::invalid("page_token", "is not a token returned by this method");
    let (key, tiebreak) = token.split_once('.').ok_or_else(bad)?;
    let key = hex::decode(key).map_err(|_| bad())?;
    let tiebreak =
        String::from_utf8(hex::decode(tiebreak).map_err(|_| bad())?).map_err(|_| bad())?;
    Ok((key, tiebreak))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `escape '\'`.
fn like_escape(word: &str) -> String {
    word.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect()
}

/// The conditions of a roster-ordered listing (members, candidates): equalities on text columns
/// and folded words the `search_name` column must contain.
#[derive(Debug, Default)]
struct RosterConditions<'a> {
    equal: Vec<(&'static str, String)>,
    name_words: &'a [String],
}

/// One page of rows of `table`, in roster order (`sort_key`, then `id`) after the position of
/// `page_token`, under `conditions`. Returns at most `page_size` rows and whether more follow.
async fn roster_page(
    conn: &mut AnyConnection,
    (columns, table): (&str, &str),
    conditions: RosterConditions<'_>,
    page_token: &str,
    page_size: i64,
) -> Result<(Vec<sqlx::any::AnyRow>, bool), ApiError> {
    let (after_key, after_id) = if page_token.is_empty() {
        (Vec::new(), 0)
    } else {
        let (key, id) = parse_page_token(page_token)?;
        (
            key,
            id.parse::<i64>().map_err(|_| {
                ApiError::invalid("page_token", "is not a token returned by this method")
            })?,
        )
    };
    // A row-value comparison, so that the roster index seeks to the page's first row on both
    // backends instead of filtering every row before it.
    let mut sql = format!("select {columns} from {table} where (sort_key, id) > ($1, $2)");
    let mut texts: Vec<String> = Vec::new();
    for (column, value) in conditions.equal {
        texts.push(value);
        sql.push_str(&format!(" and {column} = ${}", texts.len() + 2));
    }
    for word in conditions.name_words {
        texts.push(format!("%{}%", like_escape(word)));
        sql.push_str(&format!(
            " and search_name like ${} escape '\\'",
            texts.len() + 2
        ));
    }
    sql.push_str(&format!(
        " order by sort_key, id limit ${}",
        texts.len() + 3
    ));
    let mut query = sqlx::query(&sql).bind(after_key).bind(after_id);
    for text in texts {
        query = query.bind(text);
    }
    let mut rows = query.bind(page_size + 1).fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > page_size;
    rows.truncate(page_size as usize);
    Ok((rows, more))
}

/// The token of the page after a roster page whose last row has `sort_key` and `id`; empty
/// when no more rows follow.
fn roster_next_token(more: bool, last: Option<(Vec<u8>, i64)>) -> String {
    match last {
        Some((sort_key, id)) if more => page_token(&sort_key, &id.to_string()),
        _ => String::new(),
    }
}

/// The page size to use: default 50, at most 500.
pub fn effective_page_size(requested: i32) -> Result<i64, ApiError> {
    match requested {
        ..0 => Err(ApiError::invalid("page_size", "must not be negative")),
        0 => Ok(50),
        n => Ok(i64::from(n.min(500))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip() {
        let token = page_token(&[0, 1, 255], "42");
        assert_eq!(
            parse_page_token(&token).ok(),
            Some((vec![0, 1, 255], "42".to_owned()))
        );
        assert!(parse_page_token("zz.00").is_err());
        assert!(parse_page_token("no-dot").is_err());
    }

    #[test]
    fn page_size_defaults_and_caps() {
        assert_eq!(effective_page_size(0).ok(), Some(50));
        assert_eq!(effective_page_size(10_000).ok(), Some(500));
        assert!(effective_page_size(-1).is_err());
    }
}
