//! What a change of the membership feed means for the projection, in plain Rust (no sqlx, no
//! tonic): the rows a change writes, and how a member's roll periods per cell (stints) evolve.
//!
//! Owns the reading of the feed's semantics. Does not own storage (see [`crate::store`]) or the
//! report arithmetic (see [`crate::reports`]).

use partyregistry_kit::date::{self, Date};
use partyregistry_kit::names;
use partyregistry_proto::membership::v1::{
    Assignment, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member, MemberStatus,
    PoliticalTheory, change::Resource,
};

/// Why a change could not be projected. Messages name the field, never its value, so that logging
/// them leaks no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedChange {
    /// The change carries no resource (a newer feed version, or a bug upstream).
    #[error("the change carries no resource")]
    NoResource,
    /// A field does not have the form the contract promises.
    #[error("{field}: {problem}")]
    Field {
        /// The offending field, for example `member.cell`.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

/// The projection rows one change writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Projected {
    /// A created or updated commune.
    Commune(CommuneRow),
    /// A created or updated cell.
    Cell(CellRow),
    /// A created or updated member, including every lifecycle step.
    Member(MemberRow),
}

/// A commune as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneRow {
    /// Five-digit statistics-office code.
    pub code: String,
    /// Display name with diacritics.
    pub display_name: String,
    /// Two-digit province code.
    pub province_code: String,
}

/// A cell as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRow {
    /// Code of the commune the cell belongs to.
    pub commune_code: String,
    /// The cell id within the commune.
    pub cell_id: String,
    /// Display name with diacritics.
    pub display_name: String,
    /// `CellKind` value name.
    pub kind: &'static str,
    /// Day the cell was founded.
    pub open_date: Option<Date>,
    /// Day the cell was dissolved.
    pub close_date: Option<Date>,
}

/// A member as the projection keeps it: the facts the reports read, nothing personal beyond the
/// birth date and gender the age and women figures need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// The member id of `members/{id}`.
    pub id: i64,
    /// Commune of the current cell.
    pub commune_code: String,
    /// The current cell.
    pub cell_id: String,
    /// The day the member joined the current cell.
    pub cell_since: Option<Date>,
    /// `Gender` value name.
    pub gender: &'static str,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Two-digit ethnic group code.
    pub ethnicity_code: String,
    /// `GeneralEducation` value name.
    pub general_education: &'static str,
    /// `PoliticalTheory` value name; unspecified reads as none.
    pub political_theory: &'static str,
    /// `Assignment` value name; unspecified reads as local.
    pub assignment: &'static str,
    /// `MemberStatus` value name.
    pub status: &'static str,
    /// Admission decision date.
    pub decision_date: Option<Date>,
    /// Admission ceremony date.
    pub ceremony_date: Option<Date>,
    /// Recognition as official member.
    pub official_date: Option<Date>,
    /// The day the member joined this roll by transfer.
    pub joined_date: Option<Date>,
    /// The day the member left the roll.
    pub left_date: Option<Date>,
    /// (commune code, cell id) of the cell in which this commune admitted the member.
    pub admitted_in: Option<(String, String)>,
}

impl MemberRow {
    /// First day on the roll: the transfer-in day, else the ceremony day. An admitted member
    /// whose ceremony has not taken place is not on the roll yet.
    pub fn roll_start(&self) -> Option<Date> {
        self.joined_date.or(self.ceremony_date)
    }
}

/// A period during which a member is on the roll of one cell: from `from` (inclusive) to `to`
/// (exclusive, `None` while it lasts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stint {
    /// Commune of the cell.
    pub commune_code: String,
    /// The cell.
    pub cell_id: String,
    /// First day on the cell's roll.
    pub from: Date,
    /// First day no longer on it.
    pub to: Option<Date>,
}

impl Stint {
    fn is_in(&self, commune_code: &str, cell_id: &str) -> bool {
        self.commune_code == commune_code && self.cell_id == cell_id
    }
}

/// Reads the rows a change writes.
pub fn project(change: &Change) -> Result<Projected, MalformedChange> {
    match &change.resource {
        Some(Resource::Commune(commune)) => project_commune(commune).map(Projected::Commune),
        Some(Resource::Cell(cell)) => project_cell(cell).map(Projected::Cell),
        Some(Resource::Member(member)) => project_member(member).map(Projected::Member),
        None => Err(MalformedChange::NoResource),
    }
}

fn field_error(field: &'static str, problem: impl ToString) -> MalformedChange {
    MalformedChange::Field {
        field,
        problem: problem.to_string(),
    }
}

fn optional_date(field: &'static str, text: &str) -> Result<Option<Date>, MalformedChange> {
    date::parse_optional(text).map_err(|error| field_error(field, error))
}

fn project_commune(commune: &Commune) -> Result<CommuneRow, MalformedChange> {
    // The name is authoritative; `code` repeats it.
    let code = names::parse_commune("commune.name", &commune.name)
        .map_err(|_| field_error("commune.name", "must be communes/{code}"))?;
    Ok(CommuneRow {
        code,
        display_name: commune.display_name.clone(),
        province_code: commune.province_code.clone(),
    })
}

fn project_cell(cell: &Cell) -> Result<CellRow, MalformedChange> {
    let (commune_code, cell_id) = names::parse_cell("cell.name", &cell.name)
        .map_err(|_| field_error("cell.name", "must be communes/{code}/cells/{cell_id}"))?;
    Ok(CellRow {
        commune_code,
        cell_id,
        display_name: cell.display_name.clone(),
        kind: CellKind::try_from(cell.kind)
            .unwrap_or(CellKind::Unspecified)
            .as_str_name(),
        open_date: optional_date("cell.open_date", &cell.open_date)?,
        close_date: optional_date("cell.close_date", &cell.close_date)?,
    })
}

fn project_member(member: &Member) -> Result<MemberRow, MalformedChange> {
    let id = names::parse_member("member.name", &member.name)
        .map_err(|_| field_error("member.name", "must be members/{id}"))?;
    let (commune_code, cell_id) = names::parse_cell("member.cell", &member.cell)
        .map_err(|_| field_error("member.cell", "must be communes/{code}/cells/{cell_id}"))?;
    let admitted_in = if member.admitted_in_cell.is_empty() {
        None
    } else {
        Some(
            names::parse_cell("member.admitted_in_cell", &member.admitted_in_cell).map_err(
                |_| {
                    field_error(
                        "member.admitted_in_cell",
                        "must be communes/{code}/cells/{cell_id}",
                    )
                },
            )?,
        )
    };
    let admission = member.admission.clone().unwrap_or_default();
    let political_theory = match PoliticalTheory::try_from(member.political_theory) {
        Ok(PoliticalTheory::Unspecified) | Err(_) => PoliticalTheory::None,
        Ok(level) => level,
    };
    let assignment = match Assignment::try_from(member.assignment) {
        Ok(Assignment::Seconded) => Assignment::Seconded,
        _ => Assignment::Local,
    };
    Ok(MemberRow {
        id,
        commune_code,
        cell_id,
        cell_since: optional_date("member.cell_since", &member.cell_since)?,
        gender: Gender::try_from(member.gender)
            .unwrap_or(Gender::Unspecified)
            .as_str_name(),
        birth_date: optional_date("member.birth_date", &member.birth_date)?,
        ethnicity_code: member.ethnicity_code.clone(),
        general_education: GeneralEducation::try_from(member.general_education)
            .unwrap_or(GeneralEducation::Unspecified)
            .as_str_name(),
        political_theory: political_theory.as_str_name(),
        assignment: assignment.as_str_name(),
        status: MemberStatus::try_from(member.status)
            .unwrap_or(MemberStatus::Unspecified)
            .as_str_name(),
        decision_date: optional_date("member.admission.decision_date", &admission.decision_date)?,
        ceremony_date: optional_date("member.admission.ceremony_date", &admission.ceremony_date)?,
        official_date: optional_date("member.admission.official_date", &admission.official_date)?,
        joined_date: optional_date("member.joined_date", &member.joined_date)?,
        left_date: optional_date("member.left_date", &member.left_date)?,
        admitted_in,
    })
}

/// The member's stints after applying the member's new state to the stints recorded so far
/// (ordered by `from`).
///
/// - Not on the roll (no roll start): no stints.
/// - First stint: in the current cell, from the roll start.
/// - The cell changed: the open stint ends at `cell_since` and a new one starts that day; when the
///   move is dated on or before the open stint's start, the open stint is re-pointed instead, so
///   that periods never overlap.
/// - `left_date` set: the last stint ends that day; cleared again: the last stint reopens.
///
/// Stints that end up empty are dropped. Applying the same state twice changes nothing.
pub fn plan_stints(existing: &[Stint], member: &MemberRow) -> Vec<Stint> {
    let Some(roll_start) = member.roll_start() else {
        return Vec::new();
    };
    let mut stints: Vec<Stint> = existing.to_vec();
    match stints.last_mut() {
        None => stints.push(Stint {
            commune_code: member.commune_code.clone(),
            cell_id: member.cell_id.clone(),
            from: roll_start,
            to: None,
        }),
        Some(last) if last.is_in(&member.commune_code, &member.cell_id) => {
            // Same cell: a departure that was cleared (a correction) reopens the stint.
            if member.left_date.is_none() {
                last.to = None;
            }
        }
        Some(last) => {
            // The move is dated by cell_since; never before the roll start.
            let moved_on = member.cell_since.unwrap_or(roll_start).max(roll_start);
            let starts_before_move = match last.to {
                None => last.from < moved_on,
                Some(_) => true,
            };
            if starts_before_move {
                let from = match last.to {
                    Some(end) => moved_on.max(end),
                    None => moved_on,
                };
                if last.to.is_none() {
                    last.to = Some(moved_on);
                }
                stints.push(Stint {
                    commune_code: member.commune_code.clone(),
                    cell_id: member.cell_id.clone(),
                    from,
                    to: None,
                });
            } else {
                last.commune_code = member.commune_code.clone();
                last.cell_id = member.cell_id.clone();
            }
        }
    }
    // The roll start is the first stint's start (it may have been corrected upstream).
    if let Some(first) = stints.first_mut()
        && first.to.is_none_or(|to| roll_start < to)
    {
        first.from = roll_start;
    }
    if let Some(left) = member.left_date {
        // Nothing of the roll survives the departure day.
        stints.retain(|stint| stint.from < left);
        for stint in &mut stints {
            if stint.to.is_none_or(|to| to > left) {
                stint.to = Some(left);
            }
        }
    }
    stints.retain(|stint| stint.to.is_none_or(|to| to > stint.from));
    stints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        date::parse(text).expect("test dates are valid")
    }

    fn member_in(cell: &str) -> MemberRow {
        MemberRow {
            id: 7,
            commune_code: "02680".into(),
            cell_id: cell.into(),
            cell_since: Some(d("2020-01-10")),
            gender: "GENDER_FEMALE",
            birth_date: Some(d("1990-05-01")),
            ethnicity_code: "01".into(),
            general_education: "GENERAL_EDUCATION_UPPER_SECONDARY",
            political_theory: "POLITICAL_THEORY_NONE",
            assignment: "ASSIGNMENT_LOCAL",
            status: "MEMBER_STATUS_PROBATIONARY",
            decision_date: Some(d("2020-01-10")),
            ceremony_date: Some(d("2020-02-01")),
            official_date: None,
            joined_date: None,
            left_date: None,
            admitted_in: Some(("02680".into(), cell.into())),
        }
    }

    fn stint(cell: &str, from: &str, to: Option<&str>) -> Stint {
        Stint {
            commune_code: "02680".into(),
            cell_id: cell.into(),
            from: d(from),
            to: to.map(d),
        }
    }

    #[test]
    fn admitted_member_without_ceremony_has_no_stint() {
        let mut member = member_in("tuong-1");
        member.ceremony_date = None;
        assert!(plan_stints(&[], &member).is_empty());
    }

    #[test]
    fn first_stint_starts_at_the_ceremony() {
        assert_eq!(
            plan_stints(&[], &member_in("tuong-1")),
            [stint("tuong-1", "2020-02-01", None)]
        );
    }

    #[test]
    fn transfer_in_starts_at_the_joined_date() {
        let mut member = member_in("tuong-1");
        member.joined_date = Some(d("2021-03-01"));
        assert_eq!(
            plan_stints(&[], &member),
            [stint("tuong-1", "2021-03-01", None)]
        );
    }

    #[test]
    fn moving_cells_closes_the_open_stint_and_opens_one() {
        let existing = [stint("tuong-1", "2020-02-01", None)];
        let mut member = member_in("tuong-2");
        member.cell_since = Some(d("2022-06-01"));
        assert_eq!(
            plan_stints(&existing, &member),
            [
                stint("tuong-1", "2020-02-01", Some("2022-06-01")),
                stint("tuong-2", "2022-06-01", None)
            ]
        );
    }

    #[test]
    fn reapplying_the_same_state_changes_nothing() {
        let existing = [
            stint("tuong-1", "2020-02-01", Some("2022-06-01")),
            stint("tuong-2", "2022-06-01", None),
        ];
        let mut member = member_in("tuong-2");
        member.cell_since = Some(d("2022-06-01"));
        assert_eq!(plan_stints(&existing, &member), existing);
    }

    #[test]
    fn move_dated_on_the_stint_start_repoints_the_stint() {
        let existing = [stint("tuong-1", "2020-02-01", None)];
        let mut member = member_in("tuong-2");
        member.cell_since = Some(d("2020-02-01"));
        assert_eq!(
            plan_stints(&existing, &member),
            [stint("tuong-2", "2020-02-01", None)]
        );
    }

    #[test]
    fn departure_closes_the_open_stint() {
        let existing = [stint("tuong-1", "2020-02-01", None)];
        let mut member = member_in("tuong-1");
        member.left_date = Some(d("2023-09-02"));
        assert_eq!(
            plan_stints(&existing, &member),
            [stint("tuong-1", "2020-02-01", Some("2023-09-02"))]
        );
    }

    #[test]
    fn move_to_another_commune_keeps_the_old_commune_period() {
        let existing = [stint("tuong-1", "2020-02-01", None)];
        let mut member = member_in("ta-phoi");
        member.commune_code = "02677".into();
        member.cell_since = Some(d("2024-01-01"));
        let planned = plan_stints(&existing, &member);
        assert_eq!(
            planned[0],
            stint("tuong-1", "2020-02-01", Some("2024-01-01"))
        );
        assert_eq!(planned[1].commune_code, "02677");
        assert_eq!(planned[1].from, d("2024-01-01"));
    }

    #[test]
    fn members_without_a_resource_are_malformed() {
        let change = Change {
            sequence: 1,
            commit_time: None,
            resource: None,
        };
        assert_eq!(project(&change), Err(MalformedChange::NoResource));
    }

    #[test]
    fn unspecified_theory_and_assignment_read_as_defaults() {
        let member = Member {
            name: "members/3".into(),
            cell: "communes/02680/cells/tuong-1".into(),
            ..Member::default()
        };
        let Ok(row) = project_member(&member) else {
            panic!("a minimal member projects")
        };
        assert_eq!(row.political_theory, "POLITICAL_THEORY_NONE");
        assert_eq!(row.assignment, "ASSIGNMENT_LOCAL");
        assert_eq!(row.admitted_in, None);
    }
}
