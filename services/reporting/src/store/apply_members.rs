//! Member changes applied set-wise: a run of consecutive member changes of a batch (each member
//! once) is written with a few multi-row statements per table instead of several statements per
//! member, so that a replay of a large import catches up in seconds. Used for a single change
//! too, so that there is one way of writing a member.

use partyregistry_vocab::date;
use sqlx::AnyConnection;

use super::aggregates::Followed;
use super::set_wise::{AnyQuery, for_ids, for_rows};
use super::stored_members::badges_by_years;
use super::{StoreError, date_text};
use crate::model::rows::{EventRow, MemberChange, MemberRow};
use crate::model::stint::{Stint, plan_stints};

const MEMBER_COLUMNS: &str = "id, commune_code, cell_id, cell_since, gender, birth_date, \
     ethnicity_code, general_education, political_theory, assignment, status, decision_date, \
     ceremony_date, official_date, joined_date, left_date, admitted_in_commune, admitted_in_cell, \
     last_sequence, full_name, religion_code, qualification, youth_union, seriously_ill, \
     readmission, first_decision_date, decision_received_date";
const MEMBER_WIDTH: usize = 27;
const MEMBER_UPDATE: &str = "on conflict (id) do update set commune_code = excluded.commune_code, \
     cell_id = excluded.cell_id, cell_since = excluded.cell_since, gender = excluded.gender, \
     birth_date = excluded.birth_date, ethnicity_code = excluded.ethnicity_code, \
     general_education = excluded.general_education, \
     political_theory = excluded.political_theory, assignment = excluded.assignment, \
     status = excluded.status, decision_date = excluded.decision_date, \
     ceremony_date = excluded.ceremony_date, official_date = excluded.official_date, \
     joined_date = excluded.joined_date, left_date = excluded.left_date, \
     admitted_in_commune = excluded.admitted_in_commune, \
     admitted_in_cell = excluded.admitted_in_cell, last_sequence = excluded.last_sequence, \
     full_name = excluded.full_name, religion_code = excluded.religion_code, \
     qualification = excluded.qualification, youth_union = excluded.youth_union, \
     seriously_ill = excluded.seriously_ill, readmission = excluded.readmission, \
     first_decision_date = excluded.first_decision_date, \
     decision_received_date = excluded.decision_received_date";

/// Binds a member's columns (owned: the statement text is built per chunk).
fn bind_member<'q>(query: AnyQuery<'q>, member: &MemberRow, sequence: i64) -> AnyQuery<'q> {
    let (admitted_in_commune, admitted_in_cell) = match &member.admitted_in {
        Some((commune, cell)) => (Some(commune.clone()), Some(cell.clone())),
        None => (None, None),
    };
    query
        .bind(member.id)
        .bind(member.commune_code.clone())
        .bind(member.cell_id.clone())
        .bind(date_text(member.cell_since))
        .bind(member.gender.key())
        .bind(date_text(member.birth_date))
        .bind(member.ethnicity_code.clone())
        .bind(member.general_education.key())
        .bind(member.political_theory.key())
        .bind(member.assignment.key())
        .bind(member.status.key())
        .bind(date_text(member.decision_date))
        .bind(date_text(member.ceremony_date))
        .bind(date_text(member.official_date))
        .bind(date_text(member.joined_date))
        .bind(date_text(member.left_date))
        .bind(admitted_in_commune)
        .bind(admitted_in_cell)
        .bind(sequence)
        .bind(member.full_name.clone())
        .bind(member.religion_code.clone())
        .bind(member.qualification.key())
        .bind(i64::from(member.youth_union))
        .bind(i64::from(member.seriously_ill))
        .bind(i64::from(member.readmission))
        .bind(date_text(member.first_decision_date))
        .bind(date_text(member.decision_received_date))
}

/// Writes `changes` (each member at most once, in feed order): the members, their stints where
/// the new state changes them, their party-age gaps and badges, and the events they carried; and
/// has `ledgers` follow them as written, whose difference the caller records once for a whole
/// batch (`aggregates::Followed`).
pub(super) async fn apply_members(
    connection: &mut AnyConnection,
    changes: &[MemberChange<'_>],
    ledgers: &mut Followed,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    for_rows(
        connection,
        (
            &format!("insert into members ({MEMBER_COLUMNS})"),
            MEMBER_WIDTH,
            MEMBER_UPDATE,
        ),
        changes,
        |query, (member, _, sequence)| bind_member(query, member, *sequence),
    )
    .await?;
    let mut replaced = Vec::new();
    let mut stints: Vec<(i64, Stint)> = Vec::new();
    let mut written = Vec::with_capacity(changes.len());
    for (member, _, _) in changes {
        // The stints the member has now are the ones the ledgers follow: not read again.
        let before = ledgers.stints_of(member.id);
        let planned = plan_stints(before, member);
        if planned != before {
            replaced.push(member.id);
            stints.extend(planned.iter().map(|stint| (member.id, stint.clone())));
        }
        written.push((member.id, planned));
    }
    for_ids(
        connection,
        "delete from member_stints where member_id in ({ids})",
        &replaced,
    )
    .await?;
    for_rows(
        connection,
        (
            "insert into member_stints (member_id, commune_code, cell_id, from_date, to_date)",
            5,
            "",
        ),
        &stints,
        |query, (id, stint)| {
            query
                .bind(*id)
                .bind(stint.commune_code.clone())
                .bind(stint.cell_id.clone())
                .bind(date::format(stint.from))
                .bind(date_text(stint.to))
        },
    )
    .await?;
    write_party_age(connection, changes, ledgers).await?;
    write_events(connection, changes).await?;
    ledgers.follow(changes, written);
    Ok(())
}

/// Writes the events `changes` carried (an event named again is written over).
async fn write_events(
    connection: &mut AnyConnection,
    changes: &[MemberChange<'_>],
) -> Result<(), StoreError> {
    let events: Vec<(&EventRow, i64)> = changes
        .iter()
        .flat_map(|(_, events, sequence)| events.iter().map(move |event| (event, *sequence)))
        .collect();
    for_rows(
        connection,
        (
            "insert into member_events (event_name, member_id, event_type, effective_date, \
             from_organization, to_organization, sequence)",
            7,
            "on conflict (event_name) do update set event_type = excluded.event_type, \
             effective_date = excluded.effective_date, \
             from_organization = excluded.from_organization, \
             to_organization = excluded.to_organization",
        ),
        &events,
        |query, (event, sequence)| {
            query
                .bind(event.name.clone())
                .bind(event.member_id)
                .bind(event.event_type.key())
                .bind(date::format(event.effective_date))
                .bind(event.from_organization.clone())
                .bind(event.to_organization.clone())
                .bind(*sequence)
        },
    )
    .await
}

/// The rows of one of a member's lists that a batch rewrites: the members whose stored rows go,
/// and the new rows (member, position, item).
struct Rewrite<T> {
    cleared: Vec<i64>,
    rows: Vec<(i64, i64, T)>,
}

impl<T: PartialEq + Clone> Rewrite<T> {
    fn new() -> Self {
        Self {
            cleared: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Member `id`'s list goes from `stored` to `now`: nothing to write when they are equal (most
    /// changes alter neither list), the stored rows deleted when there are any, the new written.
    fn take(&mut self, id: i64, stored: &[T], now: &[T]) {
        if stored == now {
            return;
        }
        if !stored.is_empty() {
            self.cleared.push(id);
        }
        self.rows.extend(
            now.iter()
                .zip(0_i64..)
                .map(|(item, position)| (id, position, item.clone())),
        );
    }

    async fn clear(&self, connection: &mut AnyConnection, table: &str) -> Result<(), StoreError> {
        for_ids(
            connection,
            &format!("delete from {table} where member_id in ({{ids}})"),
            &self.cleared,
        )
        .await?;
        Ok(())
    }
}

/// Rewrites the party-age gaps, badges and disciplines of the members whose lists the changes
/// alter, compared with the lists `ledgers` follow as stored: a change that leaves a list as it
/// was (an update of a member's details) writes none of its rows, so that rewriting a member does
/// not cost more the more often it was rewritten.
async fn write_party_age(
    connection: &mut AnyConnection,
    changes: &[MemberChange<'_>],
    ledgers: &Followed,
) -> Result<(), StoreError> {
    let (mut gaps, mut badges, mut disciplines) = (Rewrite::new(), Rewrite::new(), Rewrite::new());
    for (member, _, _) in changes {
        let stored = ledgers.lists_of(member.id);
        gaps.take(member.id, stored.gaps, &member.party_age_gaps);
        badges.take(member.id, stored.badges, &badges_by_years(&member.badges));
        disciplines.take(member.id, stored.disciplines, &member.disciplines);
    }
    gaps.clear(connection, "member_party_age_gaps").await?;
    badges.clear(connection, "member_badges").await?;
    disciplines.clear(connection, "member_disciplines").await?;
    for_rows(
        connection,
        (
            "insert into member_party_age_gaps (member_id, position, from_date, to_date)",
            4,
            "",
        ),
        &gaps.rows,
        |query, (id, position, (from, to))| {
            query
                .bind(*id)
                .bind(*position)
                .bind(date::format(*from))
                .bind(date::format(*to))
        },
    )
    .await?;
    for_rows(
        connection,
        (
            "insert into member_badges (member_id, years, award_date)",
            3,
            "",
        ),
        &badges.rows,
        |query, (id, _, (years, awarded))| {
            query
                .bind(*id)
                .bind(i64::from(*years))
                .bind(date_text(*awarded))
        },
    )
    .await?;
    for_rows(
        connection,
        (
            "insert into member_disciplines (member_id, position, form, decision_date)",
            4,
            "",
        ),
        &disciplines.rows,
        |query, (id, position, (form, decided))| {
            query
                .bind(*id)
                .bind(*position)
                .bind(form.key())
                .bind(date::format(*decided))
        },
    )
    .await
}
