//! The aggregate read model's tables (`roll_deltas`, `roll_movements`; see
//! [`crate::model::aggregate`]): kept up to date with each member change in the apply
//! transaction, summed over a scope's communes for the statistics, rebuilt from the stored
//! members, and checked against a recomputation from them.
//!
//! Owns the SQL of the two ledgers. Does not own the reading of stored members
//! (`stored_members`), what a member contributes (the model) or what the sums mean (the reports).

use std::collections::BTreeMap;

use partyregistry_kit::db::Backend;
use partyregistry_kit::db::multi_row::{self, JsonRows};
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::stored_members::{
    Selection, StoredLists, StoredMember, histories, read_badges_and_disciplines, stored_members,
};
use super::{Store, StoreError, set_wise, stored_date, unreadable};
use crate::model::aggregate::{
    Contribution, Ledger, MovementCounts, RollCounts, breakdowns, contribution, merge_into, roll,
};
use crate::model::rows::MemberChange;
use crate::model::stint::Stint;

/// The tables of the read model: name, count column, key.
const LEDGER_TABLES: [(&str, &str, &str); 3] = [
    (
        "roll_deltas",
        "delta",
        "commune_code, dimension, value, day",
    ),
    (
        "roll_movements",
        "count",
        "commune_code, dimension, value, day",
    ),
    ("roll_base", "members", "commune_code, dimension, value"),
];

/// Members read at once when the ledgers are rebuilt or checked.
const MEMBERS_PER_CHUNK: i64 = 500;
/// Communes bound in one statement (well under both databases' parameter limits).
const COMMUNES_PER_STATEMENT: usize = 500;

/// What a rebuild or a check found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AggregateAudit {
    /// Members read.
    pub members: i64,
    /// Ledger rows a recomputation from the members gives.
    pub expected_rows: i64,
    /// Ledger rows stored (after a rebuild: the same).
    pub stored_rows: i64,
    /// Stored rows the recomputation does not give, plus recomputed rows not stored.
    pub differing_rows: i64,
}

fn table_of(ledger: Ledger) -> (&'static str, &'static str) {
    match ledger {
        Ledger::Roll => ("roll_deltas", "delta"),
        Ledger::Movement => ("roll_movements", "count"),
    }
}

/// The ledgers following a batch of member changes: the members the batch changes as stored
/// before it, and what they contributed then, read once before the batch is written; each change
/// is then followed in memory as it is written, so that the difference is added in a few
/// statements without reading the members back. A ledger row is a function of the stored
/// members, so the difference over the whole batch is the same as the sum of the differences of
/// each change.
#[derive(Debug)]
pub(super) struct Followed {
    members: BTreeMap<i64, StoredMember>,
    before: Contribution,
}

impl Followed {
    /// Reads the members with `ids` (each once) and what they contribute now, before they change.
    pub(super) async fn before(
        connection: &mut AnyConnection,
        ids: &[i64],
    ) -> Result<Self, StoreError> {
        let mut members = stored_members(connection, Selection::Ids(ids)).await?;
        read_badges_and_disciplines(connection, &mut members).await?;
        let mut before = Contribution::new();
        for member in members.values() {
            merge_into(&mut before, &contribution(&member.history), 1);
        }
        Ok(Self { members, before })
    }

    /// The stints of member `id` as stored now: as read before the batch, or as the last run of
    /// the batch that changed it wrote them (only [`super::apply_members`] writes stints, and it
    /// has every change it writes followed). None for a member not stored.
    pub(super) fn stints_of(&self, id: i64) -> &[Stint] {
        self.members
            .get(&id)
            .map_or(&[], |member| member.history.stints.as_slice())
    }

    /// The party-age gaps, badges and disciplines of member `id` as stored now (read before the
    /// batch, or as the last run of the batch that changed it wrote them); empty for a member not
    /// stored.
    pub(super) fn lists_of(&self, id: i64) -> StoredLists<'_> {
        self.members
            .get(&id)
            .map_or_else(StoredLists::default, |member| StoredLists {
                gaps: &member.history.gaps,
                badges: &member.badges,
                disciplines: &member.disciplines,
            })
    }

    /// Follows member changes as they are written, in feed order, with the stints each member
    /// has once they are.
    pub(super) fn follow(&mut self, changes: &[MemberChange<'_>], stints: Vec<(i64, Vec<Stint>)>) {
        for change in changes {
            self.members.entry(change.0.id).or_default().follow(change);
        }
        for (id, stints) in stints {
            self.members.entry(id).or_default().history.stints = stints;
        }
    }

    /// Replaces what the members contributed before the batch by what they contribute now that
    /// it is written.
    pub(super) async fn record(self, connection: &mut AnyConnection) -> Result<(), StoreError> {
        let mut change = Contribution::new();
        for member in self.members.into_values() {
            merge_into(&mut change, &contribution(&member.into_history()), 1);
        }
        merge_into(&mut change, &self.before, -1);
        add_rows(connection, &change, "").await
    }
}

/// The pivot day of the roll's base (`roll_base`).
async fn pivot(connection: &mut AnyConnection) -> Result<Date, StoreError> {
    let day: String = sqlx::query("select day from roll_pivot where id = 1")
        .fetch_one(&mut *connection)
        .await?
        .try_get(0)?;
    stored_date(&day)
}

/// Rows per upsert on PostgreSQL: one JSON document of a few hundred kilobytes.
const JSON_ROWS_PER_STATEMENT: usize = 5_000;

/// The key columns of the dated ledgers and of the roll's base.
const DATED_KEY: [&str; 4] = ["commune_code", "dimension", "value", "day"];
const BASE_KEY: [&str; 3] = ["commune_code", "dimension", "value"];

/// Adds each count of `rows` (key values in the order of `key`, count) to the row of `table` so
/// keyed, creating the rows missing and deleting those that reach zero: one multi-row upsert per
/// chunk of rows, then one delete read from the table's index of zero rows.
async fn add_counts<const N: usize>(
    connection: &mut AnyConnection,
    table: &str,
    column: &str,
    key: [&str; N],
    rows: &[([&str; N], i64)],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let names = key.join(", ");
    let head = format!("insert into {table} ({names}, {column})");
    let tail = format!(
        "on conflict ({names}) do update set {column} = {table}.{column} + excluded.{column}"
    );
    if connection.backend_name() != "SQLite" {
        // One JSON parameter per few thousand rows, typed by the server, instead of a `values`
        // list of tens of thousands of parameters to plan (see `multi_row::JsonRows`).
        let sql = format!(
            "{head} select {names}, {column} \
             from json_populate_recordset(null::{table}, $1::json) {tail}"
        );
        for chunk in rows.chunks(JSON_ROWS_PER_STATEMENT) {
            let mut json = JsonRows::with_capacity(chunk.len());
            for (values, count) in chunk {
                json.row();
                for (name, value) in key.iter().zip(values) {
                    json.text(name, value);
                }
                json.int(column, *count);
            }
            sqlx::query(&sql)
                .bind(json.finish())
                .execute(&mut *connection)
                .await?;
        }
    } else {
        set_wise::for_rows(
            connection,
            (&head, N + 1, &tail),
            rows,
            |query, (values, count)| {
                let mut query = query;
                for value in values {
                    query = query.bind(value.to_string());
                }
                query.bind(*count)
            },
        )
        .await?;
    }
    sqlx::query(&format!("delete from {table} where {column} = 0"))
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Adds `rows` to the ledgers (the tables named with `prefix`), and the roll's rows dated on or
/// before the pivot to its base.
async fn add_rows(
    connection: &mut AnyConnection,
    rows: &Contribution,
    prefix: &str,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let pivot = pivot(connection).await?;
    let days: BTreeMap<Date, String> = rows
        .keys()
        .map(|key| (key.day, date::format(key.day)))
        .collect();
    let mut roll: Vec<([&str; 4], i64)> = Vec::new();
    let mut movements: Vec<([&str; 4], i64)> = Vec::new();
    let mut base: BTreeMap<[&str; 3], i64> = BTreeMap::new();
    for (key, count) in rows {
        let day = days.get(&key.day).map_or("", String::as_str);
        let dated = (
            [
                key.commune_code.as_str(),
                key.dimension,
                key.value.as_str(),
                day,
            ],
            *count,
        );
        match key.ledger {
            Ledger::Roll => {
                roll.push(dated);
                if key.day <= pivot {
                    // The sum at the pivot keeps each breakdown of a profile apart: few rows per
                    // commune, however many profiles.
                    let counted = breakdowns(key.dimension, &key.value)
                        .ok_or_else(|| unreadable(key.dimension, &key.value))?;
                    for (dimension, value) in counted {
                        *base
                            .entry([key.commune_code.as_str(), dimension, value])
                            .or_default() += count;
                    }
                }
            }
            Ledger::Movement => movements.push(dated),
        }
    }
    let base: Vec<([&str; 3], i64)> = base.into_iter().filter(|(_, n)| *n != 0).collect();
    for (ledger, mut rows) in [(Ledger::Roll, roll), (Ledger::Movement, movements)] {
        // In the order of the tables' key (commune, day, dimension, value): the upsert then walks
        // the index forward instead of jumping about it.
        rows.sort_unstable_by(|(a, _), (b, _)| {
            (a[0], a[3], a[1], a[2]).cmp(&(b[0], b[3], b[1], b[2]))
        });
        let (table, column) = table_of(ledger);
        add_counts(
            connection,
            &format!("{prefix}{table}"),
            column,
            DATED_KEY,
            &rows,
        )
        .await?;
    }
    add_counts(
        connection,
        &format!("{prefix}roll_base"),
        "members",
        BASE_KEY,
        &base,
    )
    .await
}

/// Recomputes both ledgers from every stored member into the tables named with `prefix`, a chunk
/// of members at a time; the members read.
async fn recompute_into(connection: &mut AnyConnection, prefix: &str) -> Result<i64, StoreError> {
    let mut after = i64::MIN;
    let mut members = 0;
    loop {
        let rows = sqlx::query("select id from members where id > $1 order by id limit $2")
            .bind(after)
            .bind(MEMBERS_PER_CHUNK)
            .fetch_all(&mut *connection)
            .await?;
        let Some(last) = rows.last() else {
            break;
        };
        let high: i64 = last.try_get(0)?;
        let chunk = histories(connection, Selection::Range(after.saturating_add(1), high)).await?;
        let mut rows = Contribution::new();
        for member in &chunk {
            merge_into(&mut rows, &contribution(member), 1);
        }
        add_rows(connection, &rows, prefix).await?;
        members += i64::try_from(chunk.len()).unwrap_or(i64::MAX);
        after = high;
    }
    Ok(members)
}

async fn count_rows(connection: &mut AnyConnection, query: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query(query)
        .fetch_one(&mut *connection)
        .await?
        .try_get(0)?)
}

impl Store {
    /// Recomputes the aggregate read model from the stored members, in one transaction (reports
    /// read the old ledgers until it commits).
    pub async fn rebuild_aggregates(&self) -> Result<AggregateAudit, StoreError> {
        let _writer = self.database.lock_writer().await;
        let mut tx = self.database.pool.begin().await?;
        // Taking the cursor row first keeps the feed consumer out until the rebuild commits.
        sqlx::query("update feed_cursor set last_sequence = last_sequence where id = 1")
            .execute(&mut *tx)
            .await?;
        for (table, _, _) in LEDGER_TABLES {
            sqlx::query(&format!("delete from {table}"))
                .execute(&mut *tx)
                .await?;
        }
        // Answers near the day of the rebuild read the fewest deltas.
        sqlx::query("update roll_pivot set day = $1 where id = 1")
            .bind(date::format(date::today_in_vietnam()))
            .execute(&mut *tx)
            .await?;
        let members = recompute_into(&mut tx, "").await?;
        let rows = count_rows(
            &mut tx,
            "select (select count(*) from roll_deltas) + (select count(*) from roll_movements) \
             + (select count(*) from roll_base)",
        )
        .await?;
        tx.commit().await?;
        Ok(AggregateAudit {
            members,
            expected_rows: rows,
            stored_rows: rows,
            differing_rows: 0,
        })
    }

    /// Compares the stored aggregate read model with a recomputation from the stored members,
    /// in one snapshot; nothing is written.
    pub async fn check_aggregates(&self) -> Result<AggregateAudit, StoreError> {
        let mut tx = self.database.pool.begin().await?;
        if self.database.backend == Backend::Postgres {
            sqlx::query("set transaction isolation level repeatable read")
                .execute(&mut *tx)
                .await?;
        }
        for (table, column, key) in LEDGER_TABLES {
            sqlx::query(&format!(
                "create temporary table expected_{table} as select * from {table} where 1 = 0"
            ))
            .execute(&mut *tx)
            .await?;
            // The temporary copy needs the key the upsert names, and the index of rows at zero
            // it deletes from (see `add_counts`).
            sqlx::query(&format!(
                "create unique index expected_{table}_key on expected_{table} ({key})"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "create index expected_{table}_zero on expected_{table} (commune_code) \
                 where {column} = 0"
            ))
            .execute(&mut *tx)
            .await?;
        }
        let members = recompute_into(&mut tx, "expected_").await?;
        let mut audit = AggregateAudit {
            members,
            ..AggregateAudit::default()
        };
        for (table, column, key) in LEDGER_TABLES {
            let columns = format!("{key}, {column}");
            audit.stored_rows +=
                count_rows(&mut tx, &format!("select count(*) from {table}")).await?;
            audit.expected_rows +=
                count_rows(&mut tx, &format!("select count(*) from expected_{table}")).await?;
            for (left, right) in [(table.to_owned(), format!("expected_{table}"))]
                .into_iter()
                .flat_map(|(a, b)| [(a.clone(), b.clone()), (b, a)])
            {
                audit.differing_rows += count_rows(
                    &mut tx,
                    &format!(
                        "select count(*) from (select {columns} from {left} \
                         except select {columns} from {right}) differing"
                    ),
                )
                .await?;
            }
            sqlx::query(&format!("drop table expected_{table}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.rollback().await?;
        Ok(audit)
    }
}

fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The roll of `communes` on `day` summed per `group` (an expression over the columns), dimension
/// and value, from the base and the deltas between the pivot and the day; `only` restricts the
/// dimensions read (an SQL condition). Rows: group, dimension, value, members.
async fn roll_sums(
    connection: &mut AnyConnection,
    communes: &[String],
    day: Date,
    group: &str,
    only: &str,
) -> Result<Vec<(String, String, String, i64)>, StoreError> {
    let pivot = pivot(connection).await?;
    // After the pivot the deltas up to the day are added; before it, those after it taken away.
    let (low, high, sign) = if day >= pivot {
        (pivot, day, 1_i64)
    } else {
        (day, pivot, -1_i64)
    };
    let (low, high) = (date::format(low), date::format(high));
    let mut sums = Vec::new();
    for chunk in communes.chunks(COMMUNES_PER_STATEMENT) {
        let list = placeholders(4, chunk.len());
        let query = format!(
            "select {group}, dimension, value, cast(sum(n) as bigint) from ( \
                 select commune_code, dimension, value, members as n from roll_base \
                 where commune_code in ({list}) and {only} \
                 union all \
                 select commune_code, dimension, value, $3 * delta as n from roll_deltas \
                 where day > $1 and day <= $2 and commune_code in ({list}) and {only} \
             ) summed group by {group}, dimension, value"
        );
        let mut statement = sqlx::query(&query)
            .persistent(multi_row::kept_prepared(
                chunk.len(),
                COMMUNES_PER_STATEMENT,
            ))
            .bind(&low)
            .bind(&high)
            .bind(sign);
        for code in chunk {
            statement = statement.bind(code);
        }
        for row in &statement.fetch_all(&mut *connection).await? {
            sums.push((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ));
        }
    }
    Ok(sums)
}

/// The members on the roll of `communes` on `day`, by every breakdown: sums of the roll
/// ledger, per commune for the totals only.
pub(super) async fn roll_counts(
    connection: &mut AnyConnection,
    communes: &[String],
    day: Date,
) -> Result<RollCounts, StoreError> {
    let group = format!(
        "case when dimension = '{}' then commune_code else '' end",
        roll::TOTAL
    );
    let mut counts = RollCounts::default();
    for (commune, dimension, value, members) in
        roll_sums(connection, communes, day, &group, "1 = 1").await?
    {
        counts
            .add(&commune, &dimension, &value, members)
            .map_err(|(dimension, value)| unreadable(dimension, &value))?;
    }
    Ok(counts.without_zeros())
}

/// Members on the roll of each of `communes` on `day`.
pub(super) async fn roll_totals(
    connection: &mut AnyConnection,
    communes: &[String],
    day: Date,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let only = format!("dimension = '{}'", roll::TOTAL);
    Ok(roll_sums(connection, communes, day, "commune_code", &only)
        .await?
        .into_iter()
        .map(|(commune, _, _, members)| (commune, members))
        .collect())
}

/// Members on the roll of `communes` on `day` and members decided, awaiting the ceremony there.
pub(super) async fn roll_lines(
    connection: &mut AnyConnection,
    communes: &[String],
    day: Date,
) -> Result<(i64, i64), StoreError> {
    let only = format!("dimension in ('{}', '{}')", roll::TOTAL, roll::AWAITING);
    let mut lines = (0, 0);
    for (_, dimension, _, members) in
        roll_sums(connection, communes, day, "commune_code", &only).await?
    {
        if dimension == roll::AWAITING {
            lines.1 += members;
        } else {
            lines.0 += members;
        }
    }
    Ok(lines)
}

/// The movement ledger of `communes` summed over `from..=to` by dimension and value.
pub(super) async fn movement_counts(
    connection: &mut AnyConnection,
    communes: &[String],
    from: Date,
    to: Date,
) -> Result<MovementCounts, StoreError> {
    let (from, to) = (date::format(from), date::format(to));
    let mut counts = MovementCounts::new();
    for chunk in communes.chunks(COMMUNES_PER_STATEMENT) {
        let query = format!(
            "select dimension, value, cast(sum(count) as bigint) from roll_movements \
             where day >= $1 and day <= $2 and commune_code in ({list}) \
             group by dimension, value",
            list = placeholders(3, chunk.len()),
        );
        let mut statement = sqlx::query(&query)
            .persistent(multi_row::kept_prepared(
                chunk.len(),
                COMMUNES_PER_STATEMENT,
            ))
            .bind(&from)
            .bind(&to);
        for code in chunk {
            statement = statement.bind(code);
        }
        for row in &statement.fetch_all(&mut *connection).await? {
            *counts
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default() += row.try_get::<i64, _>(2)?;
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
    }

    #[test]
    fn ledgers_name_their_tables() {
        assert_eq!(table_of(Ledger::Roll), ("roll_deltas", "delta"));
        assert_eq!(table_of(Ledger::Movement), ("roll_movements", "count"));
    }
}
