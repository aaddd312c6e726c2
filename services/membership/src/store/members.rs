//! Members and their event history.

use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use partyregistry_vocab::text::{NameParts, fold, roster_key};
use sqlx::{AnyConnection, Row};

use super::columns::{
    Columns, insert_numbered, insert_rows, insert_versioned, update_versioned, versioned,
};
use super::{
    RosterConditions, corrupt, is_unique_violation, parse_date, parse_optional_date,
    roster_next_token, roster_page,
};
use crate::domain::admission::CellRoll;
use crate::domain::{
    AdmissionDates, Assignment, BadgeAward, Discipline, DisciplineForm, EventType, Gender,
    GeneralEducation, Member, MemberEvent, MemberStatus, PartyAgeGap, Person, PoliticalTheory,
    Qualification, VoteTally,
};

const MEMBER_TYPE: &str = "partyregistry.membership.v1.Member";

/// A stored member with its bookkeeping.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    /// The member.
    pub member: Member,
    /// Incremented on every change; the etag.
    pub version: i64,
    /// Creation time, µs.
    pub create_time_us: i64,
    /// Last update time, µs.
    pub update_time_us: i64,
}

/// The conditions of a roster listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFilter {
    /// Only this commune; `None` for every commune.
    pub commune_code: Option<String>,
    /// Only this cell of the commune.
    pub cell_id: Option<String>,
    /// Only this status.
    pub status: Option<MemberStatus>,
    /// Only this assignment.
    pub assignment: Option<Assignment>,
    /// Folded words the folded full name must contain.
    pub name_words: Vec<String>,
}

fn named<T>(
    what: &str,
    text: String,
    from_name: impl Fn(&str) -> Option<T>,
) -> Result<T, ApiError> {
    from_name(&text).ok_or_else(|| corrupt(what, &text))
}

fn member_from_row(row: &sqlx::any::AnyRow) -> Result<MemberRecord, ApiError> {
    let person = Person {
        full_name: row.try_get("full_name")?,
        family_name: row.try_get("family_name")?,
        middle_name: row.try_get("middle_name")?,
        given_name: row.try_get("given_name")?,
        gender: named("gender", row.try_get("gender")?, Gender::from_name)?,
        birth_date: parse_date("birth date", &row.try_get::<String, _>("birth_date")?)?,
        ethnicity_code: row.try_get("ethnicity_code")?,
        religion: row.try_get("religion")?,
        home_town: row.try_get("home_town")?,
        citizen_id: row.try_get("citizen_id")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        general_education: named(
            "education",
            row.try_get("general_education")?,
            GeneralEducation::from_name,
        )?,
        qualification: named(
            "qualification",
            row.try_get("qualification")?,
            Qualification::from_name,
        )?,
        political_theory: named(
            "political theory",
            row.try_get("political_theory")?,
            PoliticalTheory::from_name,
        )?,
        occupation: row.try_get("occupation")?,
        youth_union: row.try_get::<i64, _>("youth_union")? != 0,
        card_number: row.try_get("card_number")?,
        assignment: named(
            "assignment",
            row.try_get("assignment")?,
            Assignment::from_name,
        )?,
    };
    let member = Member {
        id: row.try_get("id")?,
        admission: AdmissionDates {
            decision_date: parse_date(
                "decision date",
                &row.try_get::<String, _>("decision_date")?,
            )?,
            decision_number: row.try_get("decision_number")?,
            ceremony_date: parse_optional_date("ceremony date", row.try_get("ceremony_date")?)?,
            official_date: parse_optional_date("official date", row.try_get("official_date")?)?,
            readmission: row.try_get::<i64, _>("readmission")? != 0,
            previous_member: row.try_get("previous_member_id")?,
            first_decision_date: parse_optional_date(
                "first decision date",
                row.try_get("first_decision_date")?,
            )?,
            decision_received_date: parse_optional_date(
                "decision receipt date",
                row.try_get("decision_received_date")?,
            )?,
        },
        status: named("status", row.try_get("status")?, MemberStatus::from_name)?,
        commune_code: row.try_get("commune_code")?,
        cell_id: row.try_get("cell_id")?,
        cell_since: parse_date("cell date", &row.try_get::<String, _>("cell_since")?)?,
        temporarily_away: row.try_get::<i64, _>("temporarily_away")? != 0,
        away_until: parse_optional_date("away date", row.try_get("away_until")?)?,
        joined_date: parse_optional_date("joined date", row.try_get("joined_date")?)?,
        left_date: parse_optional_date("left date", row.try_get("left_date")?)?,
        admitted_in_cell: row.try_get("admitted_in_cell")?,
        // Read from their JSON columns by `member_with_extras`.
        party_age_gaps: Vec::new(),
        seriously_ill: row.try_get::<i64, _>("seriously_ill")? != 0,
        badges: Vec::new(),
        disciplines: Vec::new(),
        person,
    };
    Ok(MemberRecord {
        member,
        version: row.try_get("version")?,
        create_time_us: row.try_get("create_time_us")?,
        update_time_us: row.try_get("update_time_us")?,
    })
}

fn sort_key(person: &Person) -> Vec<u8> {
    roster_key(&NameParts {
        family: person.family_name.clone(),
        middle: person.middle_name.clone(),
        given: person.given_name.clone(),
    })
}

/// The answer to a write whose citizen ID a record inside the writer's scope already holds.
pub(crate) fn citizen_id_taken() -> ApiError {
    ApiError::AlreadyExists {
        resource_type: MEMBER_TYPE,
        name: "member.citizen_id".into(),
    }
}

/// What an earlier version kept beside a member's row, spelled as the JSON arrays the row keeps
/// now (see [`member_with_extras`]): its party-age gaps and badges from their own tables, in
/// position order, and its disciplines from its events, by decision date. The JSON functions differ
/// between the backends; the arrays read the same.
fn legacy_extras(conn: &AnyConnection) -> &'static str {
    if conn.backend_name() == "PostgreSQL" {
        "party_age_gaps = coalesce((select json_agg(json_build_array(g.from_date, g.to_date, \
           g.reason) order by g.position)::text from member_party_age_gaps g \
           where g.member_id = members.id), '[]'), \
         badges = coalesce((select json_agg(json_build_array(b.years, b.award_date) \
           order by b.position)::text from member_badges b \
           where b.member_id = members.id), '[]'), \
         disciplines = coalesce((select json_agg(json_build_array(e.discipline_form, \
           e.effective_date, e.deciding_body, e.decision_number) \
           order by e.effective_date, e.position)::text \
           from member_events e where e.member_id = members.id \
           and e.event_type = 'EVENT_TYPE_DISCIPLINED'), '[]')"
    } else {
        "party_age_gaps = (select json_group_array(json_array(g.from_date, g.to_date, g.reason) \
           order by g.position) from member_party_age_gaps g \
           where g.member_id = members.id), \
         badges = (select json_group_array(json_array(b.years, b.award_date) \
           order by b.position) from member_badges b \
           where b.member_id = members.id), \
         disciplines = (select json_group_array(json_array(e.discipline_form, e.effective_date, \
           e.deciding_body, e.decision_number) order by e.effective_date, e.position) \
           from member_events e where e.member_id = members.id \
           and e.event_type = 'EVENT_TYPE_DISCIPLINED')"
    }
}

/// Folds into the rows of members stored by an earlier version (whose lists are NULL, see
/// migration `0017_member_lists_on_the_row.sql`) what that version kept apart, and empties the
/// tables it kept them in, in one transaction of the caller's. Returns how many members were
/// folded; none once done.
pub async fn fold_legacy_extras(conn: &mut AnyConnection) -> Result<u64, ApiError> {
    let folded = sqlx::query(&format!(
        "update members set {} where party_age_gaps is null",
        legacy_extras(conn)
    ))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    for table in ["member_party_age_gaps", "member_badges"] {
        sqlx::query(&format!("delete from {table}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(folded)
}

/// The party-age gaps, badges and disciplines of `member` as the JSON arrays its row keeps:
/// `[from, to, reason]`, `[years, award date]` and `[form, decision date, deciding body,
/// decision number]`, each list in the member's order (disciplines oldest first).
fn extras_columns(member: &Member) -> Columns {
    let gaps: Vec<serde_json::Value> = member
        .party_age_gaps
        .iter()
        .map(|gap| {
            serde_json::json!([
                date::format(gap.from_date),
                date::format(gap.to_date),
                gap.reason
            ])
        })
        .collect();
    let badges: Vec<serde_json::Value> = member
        .badges
        .iter()
        .map(|badge| serde_json::json!([badge.years, date::format(badge.award_date)]))
        .collect();
    let disciplines: Vec<serde_json::Value> = member
        .disciplines
        .iter()
        .map(|discipline| {
            serde_json::json!([
                discipline.form.key(),
                date::format(discipline.decision_date),
                discipline.deciding_body,
                discipline.decision_number
            ])
        })
        .collect();
    vec![
        (
            "party_age_gaps",
            serde_json::Value::from(gaps).to_string().into(),
        ),
        ("badges", serde_json::Value::from(badges).to_string().into()),
        (
            "disciplines",
            serde_json::Value::from(disciplines).to_string().into(),
        ),
    ]
}

/// The form of a stored event: empty for every event but a discipline.
fn discipline_form(key: String) -> Result<Option<DisciplineForm>, ApiError> {
    if key.is_empty() {
        return Ok(None);
    }
    DisciplineForm::from_key(&key)
        .map(Some)
        .ok_or_else(|| corrupt("discipline", &key))
}

/// The lists a member's row keeps as JSON text (see [`extras_columns`]); NULL only in a row an
/// earlier version stored and [`fold_legacy_extras`] has not yet folded.
fn stored_list(row: &sqlx::any::AnyRow, column: &str) -> Result<String, ApiError> {
    row.try_get::<Option<String>, _>(column)?
        .ok_or_else(|| corrupt(column, "not folded"))
}

/// A member's row with its party-age gaps, badges and disciplines.
fn member_with_extras(row: &sqlx::any::AnyRow) -> Result<MemberRecord, ApiError> {
    let mut record = member_from_row(row)?;
    // Neither the stored text nor the parser's message (which may quote it) goes into an error.
    let gaps = stored_list(row, "party_age_gaps")?;
    let gaps: Vec<(String, String, String)> =
        serde_json::from_str(&gaps).map_err(|_| corrupt("party-age gaps", "JSON"))?;
    for (from_date, to_date, reason) in gaps {
        record.member.party_age_gaps.push(PartyAgeGap {
            from_date: parse_date("gap date", &from_date)?,
            to_date: parse_date("gap date", &to_date)?,
            reason,
        });
    }
    let badges = stored_list(row, "badges")?;
    let badges: Vec<(i64, String)> =
        serde_json::from_str(&badges).map_err(|_| corrupt("badges", "JSON"))?;
    for (years, award_date) in badges {
        record.member.badges.push(BadgeAward {
            years: i32::try_from(years).map_err(|_| corrupt("badge years", &years.to_string()))?,
            award_date: parse_date("award date", &award_date)?,
        });
    }
    let disciplines = stored_list(row, "disciplines")?;
    let disciplines: Vec<(String, String, String, String)> =
        serde_json::from_str(&disciplines).map_err(|_| corrupt("disciplines", "JSON"))?;
    for (form, decision_date, deciding_body, decision_number) in disciplines {
        record.member.disciplines.push(Discipline {
            form: DisciplineForm::from_key(&form).ok_or_else(|| corrupt("discipline", &form))?,
            decision_date: parse_date("discipline date", &decision_date)?,
            deciding_body,
            decision_number,
        });
    }
    Ok(record)
}

/// Reads a member: its row.
pub async fn get_member(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<MemberRecord>, ApiError> {
    let row = sqlx::query("select * from members where id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(member_with_extras).transpose()
}

/// Reads a member that must exist.
pub async fn require_member(conn: &mut AnyConnection, id: i64) -> Result<MemberRecord, ApiError> {
    get_member(conn, id)
        .await?
        .ok_or_else(|| member_not_found(id))
}

/// The answer about member `id` when there is no such member, or when the caller must not learn
/// that there is one.
pub(crate) fn member_not_found(id: i64) -> ApiError {
    ApiError::NotFound {
        resource_type: MEMBER_TYPE,
        name: names::member(id),
    }
}

/// A member's state as the columns of `members`: the one place where a member field meets its
/// column on the way in ([`member_from_row`] reads them back by the same names).
fn member_columns(member: &Member) -> Columns {
    let p = &member.person;
    let a = &member.admission;
    vec![
        ("commune_code", (&member.commune_code).into()),
        ("cell_id", (&member.cell_id).into()),
        ("full_name", (&p.full_name).into()),
        ("family_name", (&p.family_name).into()),
        ("middle_name", (&p.middle_name).into()),
        ("given_name", (&p.given_name).into()),
        ("sort_key", sort_key(p).into()),
        ("search_name", fold(&p.full_name).into()),
        ("gender", p.gender.name().into()),
        ("birth_date", p.birth_date.into()),
        ("ethnicity_code", (&p.ethnicity_code).into()),
        ("religion", (&p.religion).into()),
        ("home_town", (&p.home_town).into()),
        ("citizen_id", (&p.citizen_id).into()),
        ("phone", (&p.phone).into()),
        ("address", (&p.address).into()),
        ("general_education", p.general_education.name().into()),
        ("qualification", p.qualification.name().into()),
        ("political_theory", p.political_theory.name().into()),
        ("occupation", (&p.occupation).into()),
        ("youth_union", p.youth_union.into()),
        ("card_number", (&p.card_number).into()),
        ("decision_date", a.decision_date.into()),
        ("decision_number", (&a.decision_number).into()),
        ("ceremony_date", a.ceremony_date.into()),
        ("official_date", a.official_date.into()),
        ("status", member.status.name().into()),
        ("cell_since", member.cell_since.into()),
        ("assignment", p.assignment.name().into()),
        ("temporarily_away", member.temporarily_away.into()),
        ("away_until", member.away_until.into()),
        ("joined_date", member.joined_date.into()),
        ("left_date", member.left_date.into()),
        ("admitted_in_cell", (&member.admitted_in_cell).into()),
        ("readmission", a.readmission.into()),
        ("previous_member_id", a.previous_member.into()),
        ("first_decision_date", a.first_decision_date.into()),
        ("decision_received_date", a.decision_received_date.into()),
        ("seriously_ill", member.seriously_ill.into()),
    ]
    .into_iter()
    .chain(extras_columns(member))
    .collect()
}

/// Allocates `count` consecutive member ids and returns the first. The counter row stays locked
/// until the transaction ends, so ids are unique on both backends without relying on either one's
/// auto-increment.
async fn allocate_member_ids(conn: &mut AnyConnection, count: i64) -> Result<i64, ApiError> {
    let last: i64 = sqlx::query("update id_sequences set last_value = last_value + $1 where name = 'members' returning last_value")
        .bind(count)
        .fetch_one(&mut *conn)
        .await?
        .try_get("last_value")?;
    Ok(last - count + 1)
}

/// The savepoint around a write that may find its citizen ID taken by a concurrent commit.
const CLAIM: &str = "citizen_id_claim";

/// Runs `statement` (a write of `members`) inside a savepoint: a unique violation rolls back to it
/// and answers `None`, leaving the transaction usable, so that the command can look at who holds
/// the citizen ID now (on PostgreSQL, a writer that committed it meanwhile) and decide again.
async fn claiming<T>(
    conn: &mut AnyConnection,
    statement: impl AsyncFnOnce(&mut AnyConnection) -> Result<T, sqlx::Error>,
) -> Result<Option<T>, ApiError> {
    sqlx::query(&format!("savepoint {CLAIM}"))
        .execute(&mut *conn)
        .await?;
    match statement(&mut *conn).await {
        Ok(done) => {
            sqlx::query(&format!("release savepoint {CLAIM}"))
                .execute(&mut *conn)
                .await?;
            Ok(Some(done))
        }
        Err(error) if is_unique_violation(&error) => {
            sqlx::query(&format!("rollback to savepoint {CLAIM}"))
                .execute(&mut *conn)
                .await?;
            sqlx::query(&format!("release savepoint {CLAIM}"))
                .execute(&mut *conn)
                .await?;
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// Inserts a new member and returns it with its id; `None`, with nothing written, when a record
/// not superseded already holds its citizen ID and `shared` is false. With `shared` the record is
/// kept out of the database's uniqueness of citizen IDs: its ID is held by a record outside the
/// writer's scope, and the pair is queued for review.
pub async fn insert_member(
    conn: &mut AnyConnection,
    member: &Member,
    shared: bool,
    now: i64,
) -> Result<Option<MemberRecord>, ApiError> {
    let id = allocate_member_ids(conn, 1).await?;
    let mut columns = member_columns(member);
    columns.push(("id", id.into()));
    columns.push(("citizen_id_shared", shared.into()));
    let inserted = claiming(conn, async |conn| {
        insert_versioned(conn, "members", columns, now).await
    })
    .await?;
    if inserted.is_none() {
        return Ok(None);
    }
    Ok(Some(MemberRecord {
        member: Member {
            id,
            ..member.clone()
        },
        version: 1,
        create_time_us: now,
        update_time_us: now,
    }))
}

/// Like [`update_member`] for a change of the member's citizen ID: `shared` says whether the new
/// ID is held by a record outside the writer's scope (see [`insert_member`]); `None`, with nothing
/// written, when a record not superseded holds it and `shared` is false.
pub async fn update_member_citizen_id(
    conn: &mut AnyConnection,
    member: &Member,
    (current, shared): (&MemberRecord, bool),
    now: i64,
) -> Result<Option<MemberRecord>, ApiError> {
    let mut columns = member_columns(member);
    columns.push(("citizen_id_shared", shared.into()));
    columns.push(("id", member.id.into()));
    let updated = claiming(conn, async |conn| {
        update_versioned(conn, "members", columns, &["id"], current.version, now).await
    })
    .await?;
    match updated {
        Some(updated) => finish_update(conn, member, current, (updated.rows_affected(), now))
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Writes a member's new state over `current`, the state the command read, if its version is
/// still the one read.
pub async fn update_member(
    conn: &mut AnyConnection,
    member: &Member,
    current: &MemberRecord,
    now: i64,
) -> Result<MemberRecord, ApiError> {
    let mut columns = member_columns(member);
    columns.push(("id", member.id.into()));
    let updated = update_versioned(conn, "members", columns, &["id"], current.version, now).await;
    let updated = match updated {
        Err(error) if is_unique_violation(&error) => return Err(citizen_id_taken()),
        other => other?,
    };
    finish_update(conn, member, current, (updated.rows_affected(), now)).await
}

/// After the row of `member` was written over `current` (`rows_affected` 1) or not (0: missing or
/// changed since it was read): the state now stored — the one written, so that it is not read
/// back (like a new member's, see [`insert_member`]).
async fn finish_update(
    conn: &mut AnyConnection,
    member: &Member,
    current: &MemberRecord,
    (rows_affected, now): (u64, i64),
) -> Result<MemberRecord, ApiError> {
    if rows_affected == 0 {
        require_member(conn, member.id).await?;
        return Err(ApiError::Aborted {
            name: names::member(member.id),
        });
    }
    Ok(MemberRecord {
        member: member.clone(),
        version: current.version + 1,
        create_time_us: current.create_time_us,
        update_time_us: now,
    })
}

/// One page of a roster: ordered by given, middle and family name in Vietnamese collation.
pub async fn list_members(
    conn: &mut AnyConnection,
    filter: &MemberFilter,
    page_token: &str,
    page_size: i64,
) -> Result<(Vec<MemberRecord>, String), ApiError> {
    let mut equal = Vec::new();
    if let Some(code) = &filter.commune_code {
        equal.push(("commune_code", code.clone()));
    }
    if let Some(cell) = &filter.cell_id {
        equal.push(("cell_id", cell.clone()));
    }
    if let Some(status) = filter.status {
        equal.push(("status", status.name().to_owned()));
    }
    if let Some(assignment) = filter.assignment {
        equal.push(("assignment", assignment.name().to_owned()));
    }
    let conditions = RosterConditions {
        equal,
        name_words: &filter.name_words,
    };
    let (rows, more) =
        roster_page(conn, ("*", "members"), conditions, page_token, page_size).await?;
    let members = rows
        .iter()
        .map(member_with_extras)
        .collect::<Result<Vec<_>, _>>()?;
    let next = roster_next_token(
        more,
        members
            .last()
            .map(|last| (sort_key(&last.member.person), last.member.id)),
    );
    Ok((members, next))
}

/// An event as a row of `member_events` without its position in the member's history, which
/// [`insert_event`] takes in its insert and [`insert_members`] adds; the member comes first, as
/// the list an event is numbered in.
fn event_columns(member_id: i64, event: &MemberEvent, now: i64) -> Columns {
    vec![
        ("member_id", member_id.into()),
        ("event_type", event.event_type.name().into()),
        ("effective_date", event.effective_date.into()),
        ("decision_number", (&event.decision_number).into()),
        ("deciding_body", (&event.deciding_body).into()),
        ("from_organization", (&event.from_organization).into()),
        ("to_organization", (&event.to_organization).into()),
        ("reason", (&event.reason).into()),
        ("vote_eligible", event.vote.map(|v| v.eligible).into()),
        ("vote_present", event.vote.map(|v| v.present).into()),
        ("vote_yes", event.vote.map(|v| v.yes).into()),
        ("vote_no", event.vote.map(|v| v.no).into()),
        ("rule_version", (&event.rule_version).into()),
        (
            "discipline_form",
            event.discipline_form.map_or("", DisciplineForm::key).into(),
        ),
        ("create_time_us", now.into()),
    ]
}

/// Marks the earlier record `id` of a re-admitted person as superseded, so that the new record
/// may carry the same citizen ID (unique per person, not per record).
pub async fn mark_superseded(conn: &mut AnyConnection, id: i64) -> Result<(), ApiError> {
    sqlx::query("update members set superseded = 1 where id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The official members of a cell on `day` (recognised by then, in the cell since then at the
/// latest, not gone before it) and how many of them are exempt now: the cell's roll as it
/// stands in the members' records (a member who moved to another cell since is not counted).
pub async fn cell_roll_on(
    conn: &mut AnyConnection,
    (commune_code, cell_id): (&str, &str),
    day: Date,
) -> Result<CellRoll, ApiError> {
    let day = date::format(day);
    let row = sqlx::query(
        "select count(*) as official, \
         coalesce(sum(case when status = $4 then 1 else 0 end), 0) as exempt \
         from members where commune_code = $1 and cell_id = $2 \
         and official_date is not null and official_date <= $3 and cell_since <= $3 \
         and (left_date is null or left_date > $3)",
    )
    .bind(commune_code)
    .bind(cell_id)
    .bind(&day)
    .bind(MemberStatus::Exempt.name())
    .fetch_one(&mut *conn)
    .await?;
    Ok(CellRoll {
        official: row.try_get("official")?,
        exempt: row.try_get("exempt")?,
    })
}

/// Appends an event to a member's history and returns its position in it.
pub async fn insert_event(
    conn: &mut AnyConnection,
    member_id: i64,
    event: &MemberEvent,
    now: i64,
) -> Result<i64, ApiError> {
    let columns = event_columns(member_id, event, now);
    Ok(insert_numbered(conn, "member_events", "position", &columns).await?)
}

/// Inserts new members with their histories (events numbered 1, 2, … in the order given),
/// set-wise: one id allocation and a few multi-row statements per table for the
/// whole slice. Returns the members with their ids, in order.
pub async fn insert_members(
    conn: &mut AnyConnection,
    members: &[(Member, Vec<MemberEvent>)],
    now: i64,
) -> Result<Vec<MemberRecord>, ApiError> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let first_id = allocate_member_ids(conn, members.len() as i64).await?;
    let stored: Vec<Member> = members
        .iter()
        .zip(first_id..)
        .map(|((member, _), id)| Member {
            id,
            ..member.clone()
        })
        .collect();
    let rows: Vec<Columns> = stored
        .iter()
        .map(|member| {
            let mut columns = member_columns(member);
            columns.push(("id", member.id.into()));
            versioned(columns, now)
        })
        .collect();
    match insert_rows(conn, "members", &rows).await {
        Err(error) if is_unique_violation(&error) => return Err(citizen_id_taken()),
        other => other?,
    }
    let events: Vec<Columns> = stored
        .iter()
        .zip(members)
        .flat_map(|(member, (_, events))| {
            events.iter().zip(1..).map(|(event, position): (_, i64)| {
                let mut columns = event_columns(member.id, event, now);
                columns.push(("position", position.into()));
                columns
            })
        })
        .collect();
    insert_rows(conn, "member_events", &events).await?;
    Ok(stored
        .into_iter()
        .map(|member| MemberRecord {
            member,
            version: 1,
            create_time_us: now,
            update_time_us: now,
        })
        .collect())
}

/// A stored event with its id and recording time.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// The event's number in the member's history: 1, 2, …
    pub position: i64,
    /// The event.
    pub event: MemberEvent,
    /// Recording time, µs.
    pub create_time_us: i64,
}

/// A member's events, oldest first; the member must exist.
pub async fn list_events(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Vec<EventRecord>, ApiError> {
    require_member(conn, member_id).await?;
    let rows = sqlx::query(
        "select position, event_type, effective_date, decision_number, deciding_body, from_organization, to_organization, reason, \
         vote_eligible, vote_present, vote_yes, vote_no, rule_version, discipline_form, create_time_us \
         from member_events \
         where member_id = $1 order by position",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let vote = match (
                row.try_get::<Option<i64>, _>("vote_eligible")?,
                row.try_get::<Option<i64>, _>("vote_present")?,
                row.try_get::<Option<i64>, _>("vote_yes")?,
                row.try_get::<Option<i64>, _>("vote_no")?,
            ) {
                (Some(eligible), Some(present), Some(yes), Some(no)) => Some(VoteTally {
                    eligible,
                    present,
                    yes,
                    no,
                }),
                _ => None,
            };
            Ok(EventRecord {
                position: row.try_get("position")?,
                event: MemberEvent {
                    event_type: named(
                        "event type",
                        row.try_get("event_type")?,
                        EventType::from_name,
                    )?,
                    effective_date: parse_date(
                        "event date",
                        &row.try_get::<String, _>("effective_date")?,
                    )?,
                    decision_number: row.try_get("decision_number")?,
                    deciding_body: row.try_get("deciding_body")?,
                    from_organization: row.try_get("from_organization")?,
                    to_organization: row.try_get("to_organization")?,
                    reason: row.try_get("reason")?,
                    vote,
                    rule_version: row.try_get("rule_version")?,
                    discipline_form: discipline_form(row.try_get("discipline_form")?)?,
                },
                create_time_us: row.try_get("create_time_us")?,
            })
        })
        .collect()
}
