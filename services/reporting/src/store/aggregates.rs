//! The aggregate read model's tables (`roll_deltas`, `roll_movements`; see
//! [`crate::model::aggregate`]): kept up to date with each member change in the apply
//! transaction, summed over a scope's communes for the statistics, rebuilt from the stored
//! members, and checked against a recomputation from them.
//!
//! Owns the SQL of the two ledgers and the reading of member histories by id range. Does not own
//! what a member contributes (the model) or what the sums mean (the reports).

use std::collections::BTreeMap;

use partyregistry_kit::db::Backend;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::{Store, StoreError, spelled, stint_of, stored_date, stored_optional_date, unreadable};
use crate::model::aggregate::{
    Contribution, Ledger, MovementCounts, RollCounts, contribution, merge_into, roll,
};
use crate::model::history::{EventFact, MemberHistory};
use crate::model::vocabulary::{
    EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory, Qualification,
};

pub(super) const HISTORY_COLUMNS: &str = "id, full_name, status, gender, birth_date, ethnicity_code, \
     religion_code, general_education, qualification, political_theory, youth_union, \
     seriously_ill, readmission, decision_date, ceremony_date, official_date, joined_date, \
     left_date, admitted_in_commune, admitted_in_cell";

fn text(row: &sqlx::any::AnyRow, index: usize) -> Result<String, StoreError> {
    Ok(row.try_get::<Option<String>, _>(index)?.unwrap_or_default())
}

fn flag(row: &sqlx::any::AnyRow, index: usize) -> Result<bool, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(index)?.unwrap_or(0) != 0)
}

pub(super) fn history(row: &sqlx::any::AnyRow) -> Result<MemberHistory, StoreError> {
    let admitted_in_commune: Option<String> = row.try_get(18)?;
    let admitted_in_cell: Option<String> = row.try_get(19)?;
    Ok(MemberHistory {
        id: row.try_get(0)?,
        full_name: text(row, 1)?,
        status: spelled(row, 2, MemberStatus::from_key)?,
        gender: spelled(row, 3, Gender::from_key)?,
        birth_date: stored_optional_date(row.try_get(4)?)?,
        ethnicity_code: text(row, 5)?,
        religion_code: text(row, 6)?,
        general_education: spelled(row, 7, GeneralEducation::from_key)?,
        // Rows written before the column existed read as none, as the contract says.
        qualification: match row.try_get::<Option<String>, _>(8)? {
            None => Qualification::None,
            Some(_) => spelled(row, 8, Qualification::from_key)?,
        },
        political_theory: spelled(row, 9, PoliticalTheory::from_key)?,
        youth_union: flag(row, 10)?,
        seriously_ill: flag(row, 11)?,
        readmission: flag(row, 12)?,
        decision_date: stored_optional_date(row.try_get(13)?)?,
        ceremony_date: stored_optional_date(row.try_get(14)?)?,
        official_date: stored_optional_date(row.try_get(15)?)?,
        joined_date: stored_optional_date(row.try_get(16)?)?,
        left_date: stored_optional_date(row.try_get(17)?)?,
        admitted_in: admitted_in_commune.zip(admitted_in_cell),
        ..MemberHistory::default()
    })
}

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

/// The histories of the members with ids in `low..=high`, as the ledgers read them (badges are
/// not read: no figure of the ledgers depends on them).
async fn histories_in(
    connection: &mut AnyConnection,
    low: i64,
    high: i64,
) -> Result<Vec<MemberHistory>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {HISTORY_COLUMNS} from members where id between $1 and $2 order by id"
    ))
    .bind(low)
    .bind(high)
    .fetch_all(&mut *connection)
    .await?;
    let mut members: BTreeMap<i64, MemberHistory> = BTreeMap::new();
    for row in &rows {
        let member = history(row)?;
        members.insert(member.id, member);
    }
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "select member_id, commune_code, cell_id, from_date, to_date from member_stints \
         where member_id between $1 and $2 order by member_id, from_date",
    )
    .bind(low)
    .bind(high)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.stints.push(stint_of(row, 1)?);
        }
    }
    let rows = sqlx::query(
        "select member_id, from_date, to_date from member_party_age_gaps \
         where member_id between $1 and $2 order by member_id, position",
    )
    .bind(low)
    .bind(high)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.gaps.push((
                stored_date(&row.try_get::<String, _>(1)?)?,
                stored_date(&row.try_get::<String, _>(2)?)?,
            ));
        }
    }
    let rows = sqlx::query(
        "select member_id, event_type, effective_date from member_events \
         where member_id between $1 and $2 order by member_id, effective_date, sequence",
    )
    .bind(low)
    .bind(high)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.events.push(EventFact {
                event_type: spelled(row, 1, EventType::from_key)?,
                date: stored_date(&row.try_get::<String, _>(2)?)?,
            });
        }
    }
    Ok(members.into_values().collect())
}

/// What the member with `id` contributes to the ledgers as stored now (nothing before the first
/// change of the member).
pub(super) async fn member_contribution(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Contribution, StoreError> {
    let mut total = Contribution::new();
    for member in histories_in(connection, id, id).await? {
        merge_into(&mut total, &contribution(&member), 1);
    }
    Ok(total)
}

/// Replaces `before`, what the member with `id` contributed before the change just applied, by
/// what it contributes now.
pub(super) async fn record_member_change(
    connection: &mut AnyConnection,
    id: i64,
    before: Contribution,
) -> Result<(), StoreError> {
    let mut change = member_contribution(connection, id).await?;
    merge_into(&mut change, &before, -1);
    add_rows(connection, &change, "").await
}

/// Adds `rows` to the ledgers (the tables named with `prefix`), deleting rows that reach zero.
async fn add_rows(
    connection: &mut AnyConnection,
    rows: &Contribution,
    prefix: &str,
) -> Result<(), StoreError> {
    for (key, count) in rows {
        let (table, column) = table_of(key.ledger);
        let day = date::format(key.day);
        let row = sqlx::query(&format!(
            "insert into {prefix}{table} (commune_code, dimension, value, day, {column}) \
             values ($1, $2, $3, $4, $5) \
             on conflict (commune_code, dimension, value, day) \
             do update set {column} = {prefix}{table}.{column} + excluded.{column} \
             returning {column}"
        ))
        .bind(&key.commune_code)
        .bind(key.dimension)
        .bind(&key.value)
        .bind(&day)
        .bind(count)
        .fetch_one(&mut *connection)
        .await?;
        if row.try_get::<i64, _>(0)? == 0 {
            sqlx::query(&format!(
                "delete from {prefix}{table} where commune_code = $1 and dimension = $2 \
                 and value = $3 and day = $4"
            ))
            .bind(&key.commune_code)
            .bind(key.dimension)
            .bind(&key.value)
            .bind(&day)
            .execute(&mut *connection)
            .await?;
        }
    }
    Ok(())
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
        let chunk = histories_in(connection, after.saturating_add(1), high).await?;
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
        sqlx::query("delete from roll_deltas")
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from roll_movements")
            .execute(&mut *tx)
            .await?;
        let members = recompute_into(&mut tx, "").await?;
        let rows = count_rows(
            &mut tx,
            "select (select count(*) from roll_deltas) + (select count(*) from roll_movements)",
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
        for table in ["roll_deltas", "roll_movements"] {
            sqlx::query(&format!(
                "create temporary table expected_{table} as select * from {table} where 1 = 0"
            ))
            .execute(&mut *tx)
            .await?;
            // The temporary copy needs the key the upsert names.
            sqlx::query(&format!(
                "create unique index expected_{table}_key on expected_{table} \
                 (commune_code, dimension, value, day)"
            ))
            .execute(&mut *tx)
            .await?;
        }
        let members = recompute_into(&mut tx, "expected_").await?;
        let mut audit = AggregateAudit {
            members,
            ..AggregateAudit::default()
        };
        for (table, column) in [("roll_deltas", "delta"), ("roll_movements", "count")] {
            let columns = format!("commune_code, dimension, value, day, {column}");
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

/// The members on the roll of `communes` on `day`, by every breakdown: sums of the roll
/// ledger, per commune for the totals only.
pub(super) async fn roll_counts(
    connection: &mut AnyConnection,
    communes: &[String],
    day: Date,
) -> Result<RollCounts, StoreError> {
    let day = date::format(day);
    let mut counts = RollCounts::default();
    for chunk in communes.chunks(COMMUNES_PER_STATEMENT) {
        let query = format!(
            "select case when dimension = '{total}' then commune_code else '' end, \
                 dimension, value, cast(sum(delta) as bigint) \
             from roll_deltas where day <= $1 and commune_code in ({list}) \
             group by case when dimension = '{total}' then commune_code else '' end, \
                 dimension, value",
            total = roll::TOTAL,
            list = placeholders(2, chunk.len()),
        );
        let mut statement = sqlx::query(&query).bind(&day);
        for code in chunk {
            statement = statement.bind(code);
        }
        let rows = statement.fetch_all(&mut *connection).await?;
        for row in &rows {
            let commune: String = row.try_get(0)?;
            let dimension: String = row.try_get(1)?;
            let value: String = row.try_get(2)?;
            counts
                .add(&commune, &dimension, &value, row.try_get(3)?)
                .map_err(|(dimension, value)| unreadable(dimension, &value))?;
        }
    }
    Ok(counts.without_zeros())
}

/// Members on the roll of each of `communes` on `day`.
pub(super) async fn roll_totals(
    connection: &mut AnyConnection,
    communes: &[String],
    day: Date,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let day = date::format(day);
    let mut totals = BTreeMap::new();
    for chunk in communes.chunks(COMMUNES_PER_STATEMENT) {
        let query = format!(
            "select commune_code, cast(sum(delta) as bigint) from roll_deltas \
             where dimension = $1 and day <= $2 and commune_code in ({list}) \
             group by commune_code",
            list = placeholders(3, chunk.len()),
        );
        let mut statement = sqlx::query(&query).bind(roll::TOTAL).bind(&day);
        for code in chunk {
            statement = statement.bind(code);
        }
        for row in &statement.fetch_all(&mut *connection).await? {
            totals.insert(row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?);
        }
    }
    Ok(totals)
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
        let mut statement = sqlx::query(&query).bind(&from).bind(&to);
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
