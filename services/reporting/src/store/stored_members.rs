//! Members as stored, as the ledgers read them: their histories (state, stints, party-age gaps
//! and the events the ledgers read) by id range or by ids, and for a batch of changes also their
//! badges and disciplines, which a change rewrites only when it alters them.
//!
//! Owns the reading of stored members for the ledgers. Does not own the ledgers (`aggregates`)
//! or what a member contributes to them (the model).

use std::collections::BTreeMap;

use partyregistry_rules::DisciplineForm;
use partyregistry_vocab::date::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{
    StoreError, set_wise, spelled, stint_of, stored_date, stored_optional_date, unreadable,
};
use crate::model::aggregate::read_by_ledgers;
use crate::model::history::{EventFact, MemberHistory};
use crate::model::rows::MemberChange;
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

/// Which members' histories to read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Selection<'a> {
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
pub(super) struct StoredMember {
    pub(super) history: MemberHistory,
    event_keys: Vec<(String, i64)>,
    /// Its badges by years and its disciplines oldest first, as stored: no figure of the ledgers
    /// depends on them, but a change rewrites them only when they differ ([`Followed::lists_of`]).
    pub(super) badges: Vec<(i32, Option<Date>)>,
    pub(super) disciplines: Vec<(DisciplineForm, Date)>,
}

impl StoredMember {
    /// Takes a change of the member, applied in feed order: its new state, and the events it
    /// carried that the ledgers read ([`read_by_ledgers`]), each written over the one of the same
    /// name (keeping that one's sequence, as the stored row does) or added with the change's
    /// sequence; an event named again as one the ledgers do not read leaves them.
    pub(super) fn follow(&mut self, (member, events, sequence): &MemberChange<'_>) {
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
    pub(super) fn into_history(self) -> MemberHistory {
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
pub(super) async fn read_badges_and_disciplines(
    connection: &mut AnyConnection,
    members: &mut BTreeMap<i64, StoredMember>,
) -> Result<(), StoreError> {
    each_member_row(
        connection,
        "select member_id, years, award_date from member_badges \
         where member_id in ({ids}) order by member_id, years",
        members,
        |member, row| {
            let years: i64 = row.try_get(1)?;
            member.badges.push((
                i32::try_from(years).map_err(|_| unreadable("badge years", &years.to_string()))?,
                stored_optional_date(row.try_get(2)?)?,
            ));
            Ok(())
        },
    )
    .await?;
    each_member_row(
        connection,
        "select member_id, form, decision_date from member_disciplines \
         where member_id in ({ids}) order by member_id, position",
        members,
        |member, row| {
            member.disciplines.push((
                spelled(row, 1, DisciplineForm::from_key)?,
                stored_date(&row.try_get::<String, _>(2)?)?,
            ));
            Ok(())
        },
    )
    .await
}

/// Runs `sql` (whose first column is the member id, over `{ids}`) for `members` and has `take`
/// read each row into its member.
async fn each_member_row(
    connection: &mut AnyConnection,
    sql: &str,
    members: &mut BTreeMap<i64, StoredMember>,
    mut take: impl FnMut(&mut StoredMember, &AnyRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let ids: Vec<i64> = members.keys().copied().collect();
    for row in &set_wise::for_ids(connection, sql, &ids).await? {
        if let Some(member) = members.get_mut(&row.try_get::<i64, _>(0)?) {
            take(member, row)?;
        }
    }
    Ok(())
}

/// The `selection`ed members as stored, as the ledgers read them (badges and disciplines are
/// not: no figure of the ledgers depends on them; [`Followed::before`] reads them apart). Four
/// statements per chunk of members, whatever their number.
pub(super) async fn stored_members(
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
pub(super) async fn histories(
    connection: &mut AnyConnection,
    selection: Selection<'_>,
) -> Result<Vec<MemberHistory>, StoreError> {
    Ok(stored_members(connection, selection)
        .await?
        .into_values()
        .map(|member| member.history)
        .collect())
}
