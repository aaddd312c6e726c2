//! A member's periods on the roll of one cell (stints), and how a member's new state moves them.

use partyregistry_vocab::date::Date;

use super::rows::MemberRow;

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
    /// Whether the member is on this cell's roll on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }

    fn is_in(&self, commune_code: &str, cell_id: &str) -> bool {
        self.commune_code == commune_code && self.cell_id == cell_id
    }
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
    use partyregistry_vocab::date;

    use super::*;
    use crate::model::vocabulary::{
        Assignment, Gender, GeneralEducation, MemberStatus, PoliticalTheory, Qualification,
    };

    fn d(text: &str) -> Date {
        date::parse(text).expect("test dates are valid")
    }

    fn member_in(cell: &str) -> MemberRow {
        MemberRow {
            id: 7,
            full_name: "Người Thử Nghiệm".into(),
            commune_code: "02680".into(),
            cell_id: cell.into(),
            cell_since: Some(d("2020-01-10")),
            gender: Gender::Female,
            birth_date: Some(d("1990-05-01")),
            ethnicity_code: "01".into(),
            general_education: GeneralEducation::UpperSecondary,
            political_theory: PoliticalTheory::None,
            assignment: Assignment::Local,
            status: MemberStatus::Probationary,
            decision_date: Some(d("2020-01-10")),
            decision_received_date: None,
            ceremony_date: Some(d("2020-02-01")),
            official_date: None,
            joined_date: None,
            left_date: None,
            admitted_in: Some(("02680".into(), cell.into())),
            religion_code: "00".into(),
            qualification: Qualification::None,
            youth_union: false,
            seriously_ill: false,
            readmission: false,
            first_decision_date: None,
            party_age_gaps: Vec::new(),
            badges: Vec::new(),
            disciplines: Vec::new(),
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
}
