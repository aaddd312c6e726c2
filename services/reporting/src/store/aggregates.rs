//! The aggregate read model's tables (`roll_deltas`, `roll_movements`; see
//! [`crate::model::aggregate`]): kept up to date with each member change in the apply
//! transaction, summed over a scope's communes for the statistics, rebuilt from the stored
//! members, and checked against a recomputation from them.
//!
//! Owns the SQL of the two ledgers and the reading of member histories by id range. Does not own
//! what a member contributes (the model) or what the sums mean (the reports).

use std::collections::BTreeMap;

use partyregistry_kit::db::Backend;
use partyregistry_kit::db::multi_row::JsonRows;
use partyregistry_rules::DisciplineForm;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::{
    Store, StoreError, set_wise, spelled, stint_of, stored_date, stored_optional_date, unreadable,
};
use crate::model::aggregate::{
    Contribution, Ledger, MovementCounts, RollCounts, breakdowns, contribution, merge_into,
    read_by_ledgers, roll,
};
use crate::model::history::{EventFact, MemberHistory};
use crate::model::rows::MemberChange;
use crate::model::stint::Stint;
use crate::model::vocabulary::{
    EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory, Qualification,
};

pub(super) const HISTORY_COLUMNS: &str = "id, full_name, status, gender, birth_date, ethnicity_code, \
     religion_code, general_education, qualification, political_theory, youth_union, \
     seriously_ill, readmission, decision_date, ceremony_date, official_date, joined_date, \
     left_date, admitted_in_commune, admitted_in_cell, first_decision_date";

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
        first_decision_date: stored_optional_date(row.try_get(20)?)?,
        ..MemberHistory::default()
    })
}

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

/// Which members' histories to read.
#[derive(Debug, Clone, Copy)]
enum Selection<'a> {
    /// Ids in `low..=high`.
    Range(i64, i64),
    /// These ids.
    Ids(&'a [i64]),
}

/// The rows of `sql`, whose `{members}` is replaced by the condition on the member id column
/// that selects `selection` (in chunks of ids: the rows of each chunk in turn).
async fn rows_for(
    connection: &mut AnyConnection,
    sql: &str,
    selection: Selection<'_>,
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    match selection {
        Selection::Range(low, high) => {
            Ok(sqlx::query(&sql.replace("{members}", "between $1 and $2"))
                .bind(low)
                .bind(high)
                .fetch_all(&mut *connection)
                .await?)
        }
        Selection::Ids(ids) => {
            set_wise::for_ids(connection, &sql.replace("{members}", "in ({ids})"), ids).await
        }
    }
}

/// A member as stored, as the ledgers read it, with the name and feed sequence of each of its
/// events the ledgers read (in the order of `history.events`): what a change of the member is
/// applied to.
#[derive(Debug, Default)]
struct StoredMember {
    history: MemberHistory,
    event_keys: Vec<(String, i64)>,
    /// Its badges by years and its disciplines oldest first, as stored: no figure of the ledgers
    /// depends on them, but a change rewrites them only when they differ ([`Followed::lists_of`]).
    badges: Vec<(i32, Option<Date>)>,
    disciplines: Vec<(DisciplineForm, Date)>,
}

impl StoredMember {
    /// Takes a change of the member, applied in feed order: its new state, and the events it
    /// carried that the ledgers read ([`read_by_ledgers`]), each written over the one of the same
    /// name (keeping that one's sequence, as the stored row does) or added with the change's
    /// sequence; an event named again as one the ledgers do not read leaves them.
    fn follow(&mut self, (member, events, sequence): &MemberChange<'_>) {
        self.history.take_state(member);
        self.badges = badges_by_years(&member.badges);
        self.disciplines.clone_from(&member.disciplines);
        for event in *events {
            let named = self
                .event_keys
                .iter()
                .position(|(name, _)| *name == event.name);
            if !read_by_ledgers(event.event_type) {
                if let Some(at) = named {
                    self.history.events.remove(at);
                    self.event_keys.remove(at);
                }
                continue;
            }
            let fact = EventFact {
                event_type: event.event_type,
                date: event.effective_date,
            };
            match named.and_then(|at| self.history.events.get_mut(at)) {
                Some(stored) => *stored = fact,
                None => {
                    self.history.events.push(fact);
                    self.event_keys.push((event.name.clone(), *sequence));
                }
            }
        }
    }

    /// The history as [`stored_members`] would read it back: events by day, sequence and name.
    fn into_history(self) -> MemberHistory {
        let mut history = self.history;
        let mut events: Vec<(EventFact, (String, i64))> =
            history.events.into_iter().zip(self.event_keys).collect();
        events.sort_by(|(a, (a_name, a_sequence)), (b, (b_name, b_sequence))| {
            (a.date, a_sequence, a_name).cmp(&(b.date, b_sequence, b_name))
        });
        history.events = events.into_iter().map(|(event, _)| event).collect();
        history
    }
}

/// A member's lists as stored, for [`Followed::lists_of`].
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct StoredLists<'a> {
    pub gaps: &'a [(Date, Date)],
    /// By years, as [`badges_by_years`] orders them.
    pub badges: &'a [(i32, Option<Date>)],
    pub disciplines: &'a [(DisciplineForm, Date)],
}

/// `badges` ordered by years, the order they are read back in (a member has one badge of each).
pub(super) fn badges_by_years(badges: &[(i32, Option<Date>)]) -> Vec<(i32, Option<Date>)> {
    let mut ordered = badges.to_vec();
    ordered.sort_by_key(|(years, _)| *years);
    ordered
}

/// Reads the badges (by years) and disciplines (oldest first) of the stored `members`.
async fn read_badges_and_disciplines(
    connection: &mut AnyConnection,
    members: &mut BTreeMap<i64, StoredMember>,
) -> Result<(), StoreError> {
    let ids: Vec<i64> = members.keys().copied().collect();
    let rows = set_wise::for_ids(
        connection,
        "select member_id, years, award_date from member_badges \
         where member_id in ({ids}) order by member_id, years",
        &ids,
    )
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            let years: i64 = row.try_get(1)?;
            member.badges.push((
                i32::try_from(years).map_err(|_| unreadable("badge years", &years.to_string()))?,
                stored_optional_date(row.try_get(2)?)?,
            ));
        }
    }
    let rows = set_wise::for_ids(
        connection,
        "select member_id, form, decision_date from member_disciplines \
         where member_id in ({ids}) order by member_id, position",
        &ids,
    )
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.disciplines.push((
                spelled(row, 1, DisciplineForm::from_key)?,
                stored_date(&row.try_get::<String, _>(2)?)?,
            ));
        }
    }
    Ok(())
}

/// The `selection`ed members as stored, as the ledgers read them (badges and disciplines are
/// not: no figure of the ledgers depends on them; [`Followed::before`] reads them apart). Four
/// statements per chunk of members, whatever their number.
async fn stored_members(
    connection: &mut AnyConnection,
    selection: Selection<'_>,
) -> Result<BTreeMap<i64, StoredMember>, StoreError> {
    let mut members: BTreeMap<i64, StoredMember> = BTreeMap::new();
    if matches!(selection, Selection::Ids([])) {
        return Ok(members);
    }
    let rows = rows_for(
        connection,
        &format!("select {HISTORY_COLUMNS} from members where id {{members}}"),
        selection,
    )
    .await?;
    for row in &rows {
        let history = history(row)?;
        members.insert(
            history.id,
            StoredMember {
                history,
                ..StoredMember::default()
            },
        );
    }
    if members.is_empty() {
        return Ok(members);
    }
    let rows = rows_for(
        connection,
        "select member_id, commune_code, cell_id, from_date, to_date from member_stints \
         where member_id {members} order by member_id, from_date",
        selection,
    )
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.history.stints.push(stint_of(row, 1)?);
        }
    }
    let rows = rows_for(
        connection,
        "select member_id, from_date, to_date from member_party_age_gaps \
         where member_id {members} order by member_id, position",
        selection,
    )
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.history.gaps.push((
                stored_date(&row.try_get::<String, _>(1)?)?,
                stored_date(&row.try_get::<String, _>(2)?)?,
            ));
        }
    }
    let ledger_events: Vec<String> = EventType::ALL
        .iter()
        .filter(|event_type| read_by_ledgers(**event_type))
        .map(|event_type| format!("'{}'", event_type.key()))
        .collect();
    let rows = rows_for(
        connection,
        &format!(
            "select member_id, event_type, effective_date, event_name, sequence from member_events \
             where member_id {{members}} and event_type in ({}) \
             order by member_id, effective_date, sequence, event_name",
            ledger_events.join(", ")
        ),
        selection,
    )
    .await?;
    for row in &rows {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            member.history.events.push(EventFact {
                event_type: spelled(row, 1, EventType::from_key)?,
                date: stored_date(&row.try_get::<String, _>(2)?)?,
            });
            member.event_keys.push((row.try_get(3)?, row.try_get(4)?));
        }
    }
    Ok(members)
}

/// The histories of the `selection`ed members, as the ledgers read them.
async fn histories(
    connection: &mut AnyConnection,
    selection: Selection<'_>,
) -> Result<Vec<MemberHistory>, StoreError> {
    Ok(stored_members(connection, selection)
        .await?
        .into_values()
        .map(|member| member.history)
        .collect())
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
        let mut statement = sqlx::query(&query).bind(&low).bind(&high).bind(sign);
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
