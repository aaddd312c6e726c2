//! What a change of the membership feed means for the projection, in plain Rust (no sqlx, no
//! tonic): the rows a change writes, and how a member's roll periods per cell (stints) evolve.
//!
//! Owns the reading of the feed's semantics. Does not own storage (see [`crate::store`]) or the
//! report arithmetic (see [`crate::reports`]).

use partyregistry_kit::admission;
use partyregistry_proto::membership::v1::{
    AreaKind, Assignment, Candidate, CandidateStage, Cell, CellKind, CellPlan, CellRating, Change,
    Commune, EventType, Gender, GeneralEducation, Holiday, Member, MemberEvent, MemberRating,
    MemberStatus, PoliticalTheory, Province, Qualification, RatingLevel, RuleVersion, Target,
    UnitLevel, UnitMerge, change::Resource,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::{names, reference};

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
    /// A created or updated member, including every lifecycle step, with the events the change
    /// recorded.
    Member(MemberRow, Vec<EventRow>),
    /// A created or updated admission candidate (boxed: the message is large).
    Candidate(Box<CandidateRow>),
    /// A created or updated regulation version.
    RuleVersion(RuleVersionRow),
    /// A created or renamed public holiday.
    Holiday(HolidayRow),
    /// A public holiday removed from the calendar (`deleted_resource = "holidays/{date}"`).
    HolidayDeleted(Date),
    /// A created or replaced commune target.
    Target(TargetRow),
    /// A created or replaced cell plan.
    CellPlan(CellPlanRow),
    /// A recorded or corrected cell rating.
    CellRating(CellRatingRow),
    /// A recorded or corrected member rating.
    MemberRating(MemberRatingRow),
    /// A created or updated province.
    Province(ProvinceRow),
    /// A recorded merge of units.
    Merge(MergeRow),
}

/// A province as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceRow {
    /// Two-digit code.
    pub code: String,
    /// Display name.
    pub display_name: String,
    /// First day in force.
    pub valid_from: Date,
    /// Last day in force; `None` while in force.
    pub valid_to: Option<Date>,
}

/// A recorded merge of administrative units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRow {
    /// The merge id of `merges/{id}`.
    pub id: String,
    /// `UnitLevel` value name.
    pub level: &'static str,
    /// Codes of the joined units.
    pub predecessor_codes: Vec<String>,
    /// Code of the resulting unit.
    pub successor_code: String,
    /// First day of the successor as the merged unit.
    pub effective_date: Date,
    /// The legal basis.
    pub legal_basis: String,
}

/// A member event carried by a member change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// `members/{id}/events/{event_id}`.
    pub name: String,
    /// The member id.
    pub member_id: i64,
    /// `EventType` value name.
    pub event_type: &'static str,
    /// The day it took effect.
    pub effective_date: Date,
    /// Organisation the member came from.
    pub from_organization: String,
    /// Organisation the member went to.
    pub to_organization: String,
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
    /// First day the unit exists; `None` if the feed did not carry it (then: since always).
    pub valid_from: Option<Date>,
    /// Last day the unit exists; `None` while in force.
    pub valid_to: Option<Date>,
    /// The dated area classifications, in the order the feed lists them.
    pub area_flags: Vec<AreaFlagRow>,
}

/// A period during which a commune is a flagged area (primary education then suffices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaFlagRow {
    /// `AreaKind` value name.
    pub kind: &'static str,
    /// First day the classification applies.
    pub valid_from: Date,
    /// Last day it applies (inclusive); `None` while in force.
    pub valid_to: Option<Date>,
}

impl AreaFlagRow {
    /// Whether the classification applies on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|last| day <= last)
    }
}

/// A candidate as the projection keeps it: the row's keys, and the feed's message without the
/// citizen id (the eligibility rules need the other facts, birth date included).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRow {
    /// The candidate id of `candidates/{id}`.
    pub id: String,
    /// Commune of the developing cell.
    pub commune_code: String,
    /// The developing cell.
    pub cell_id: String,
    /// `CandidateStage` value name.
    pub stage: &'static str,
    /// The day the stage was reached; `None` if the feed did not carry it (then the stage is not
    /// added to the history that dated reports read).
    pub stage_date: Option<Date>,
    /// The Candidate message with `citizen_id` cleared.
    pub candidate: Candidate,
}

/// A regulation version: its key and the feed's message, checked to be a readable version.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleVersionRow {
    /// First day in force.
    pub in_force_from: Date,
    /// The regulation's code.
    pub code: String,
    /// The RuleVersion message.
    pub version: RuleVersion,
}

/// A public holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRow {
    /// The day.
    pub date: Date,
    /// What it is.
    pub display_name: String,
}

/// A commune's targets for a congress term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// Commune code.
    pub commune_code: String,
    /// First year of the term.
    pub first_year: i32,
    /// Last year of the term.
    pub last_year: i32,
    /// Admissions to reach every year.
    pub admissions_per_year: i32,
    /// Percentage of cells to be rated GOOD or better.
    pub good_cells_percent: i32,
}

/// A cell's plan for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellPlanRow {
    /// Commune code.
    pub commune_code: String,
    /// The cell.
    pub cell_id: String,
    /// The year.
    pub year: i32,
    /// Admission sources to develop.
    pub sources_to_develop: i32,
    /// Admissions planned.
    pub admissions: i32,
}

/// A cell's rating for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRatingRow {
    /// Commune code.
    pub commune_code: String,
    /// The cell.
    pub cell_id: String,
    /// The year.
    pub year: i32,
    /// `RatingLevel` value name.
    pub level: &'static str,
}

/// A member's rating for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRatingRow {
    /// The member id.
    pub member_id: i64,
    /// The year.
    pub year: i32,
    /// `RatingLevel` value name.
    pub level: &'static str,
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
/// birth date and gender the age and women figures need, and the name deadlines are listed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// The member id of `members/{id}`.
    pub id: i64,
    /// Full name: deadlines name the person a secretary must follow up.
    pub full_name: String,
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
    /// Religion code of the reference list (`00` for none).
    pub religion_code: String,
    /// `Qualification` value name; unspecified reads as none.
    pub qualification: &'static str,
    /// Also a Youth Union member.
    pub youth_union: bool,
    /// Seriously ill (badges may come early).
    pub seriously_ill: bool,
    /// The admission is a re-admission.
    pub readmission: bool,
    /// Periods not counting towards party age, (first day, last day).
    pub party_age_gaps: Vec<(Date, Date)>,
    /// Badges handed over: (years, award day).
    pub badges: Vec<(i32, Option<Date>)>,
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
    /// Whether the member is on this cell's roll on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }

    fn is_in(&self, commune_code: &str, cell_id: &str) -> bool {
        self.commune_code == commune_code && self.cell_id == cell_id
    }
}

/// Reads the rows a change writes.
pub fn project(change: &Change) -> Result<Projected, MalformedChange> {
    match &change.resource {
        Some(Resource::Commune(commune)) => project_commune(commune).map(Projected::Commune),
        Some(Resource::Cell(cell)) => project_cell(cell).map(Projected::Cell),
        Some(Resource::Member(member)) => {
            let row = project_member(member)?;
            let events = project_events(row.id, change.sequence, &change.events)?;
            Ok(Projected::Member(row, events))
        }
        Some(Resource::Province(province)) => project_province(province).map(Projected::Province),
        Some(Resource::Merge(merge)) => project_merge(merge).map(Projected::Merge),
        Some(Resource::Candidate(candidate)) => {
            project_candidate(candidate).map(|row| Projected::Candidate(Box::new(row)))
        }
        Some(Resource::RuleVersion(version)) => {
            project_rule_version(version).map(Projected::RuleVersion)
        }
        Some(Resource::Holiday(holiday)) => project_holiday(holiday).map(Projected::Holiday),
        Some(Resource::Target(target)) => project_target(target).map(Projected::Target),
        Some(Resource::CellPlan(plan)) => project_cell_plan(plan).map(Projected::CellPlan),
        Some(Resource::CellRating(rating)) => {
            project_cell_rating(rating).map(Projected::CellRating)
        }
        Some(Resource::MemberRating(rating)) => {
            project_member_rating(rating).map(Projected::MemberRating)
        }
        Some(Resource::DeletedResource(name)) => project_deletion(name),
        // Only a scoped follower receives these; the projection needs the whole feed.
        Some(Resource::LeftScope(_)) => Err(field_error(
            "left_scope",
            "reporting needs a national feed token (--membership-token-file)",
        )),
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
    let area_flags = commune
        .area_flags
        .iter()
        .map(|flag| {
            let valid_from = date::parse(&flag.valid_from)
                .map_err(|error| field_error("commune.area_flags.valid_from", error))?;
            Ok(AreaFlagRow {
                kind: AreaKind::try_from(flag.kind)
                    .unwrap_or(AreaKind::Unspecified)
                    .as_str_name(),
                valid_from,
                valid_to: optional_date("commune.area_flags.valid_to", &flag.valid_to)?,
            })
        })
        .collect::<Result<_, MalformedChange>>()?;
    Ok(CommuneRow {
        code,
        display_name: commune.display_name.clone(),
        province_code: commune.province_code.clone(),
        valid_from: optional_date("commune.valid_from", &commune.valid_from)?,
        valid_to: optional_date("commune.valid_to", &commune.valid_to)?,
        area_flags,
    })
}

/// A two-digit province code of the statistics office.
pub fn is_province_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

fn project_province(province: &Province) -> Result<ProvinceRow, MalformedChange> {
    let code = province
        .name
        .strip_prefix("provinces/")
        .filter(|code| is_province_code(code))
        .ok_or_else(|| field_error("province.name", "must be provinces/{code}"))?;
    Ok(ProvinceRow {
        code: code.to_owned(),
        display_name: province.display_name.clone(),
        valid_from: date::parse(&province.valid_from)
            .map_err(|error| field_error("province.valid_from", error))?,
        valid_to: optional_date("province.valid_to", &province.valid_to)?,
    })
}

fn project_merge(merge: &UnitMerge) -> Result<MergeRow, MalformedChange> {
    let id = merge
        .name
        .strip_prefix("merges/")
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .ok_or_else(|| field_error("merge.name", "must be merges/{merge_id}"))?;
    let level = UnitLevel::try_from(merge.level)
        .ok()
        .filter(|level| *level != UnitLevel::Unspecified)
        .ok_or_else(|| field_error("merge.level", "must be a unit level"))?;
    if merge.predecessor_codes.is_empty() || merge.successor_code.is_empty() {
        return Err(field_error(
            "merge.predecessor_codes",
            "a merge joins at least one unit into a successor",
        ));
    }
    Ok(MergeRow {
        id: id.to_owned(),
        level: level.as_str_name(),
        predecessor_codes: merge.predecessor_codes.clone(),
        successor_code: merge.successor_code.clone(),
        effective_date: date::parse(&merge.effective_date)
            .map_err(|error| field_error("merge.effective_date", error))?,
        legal_basis: merge.legal_basis.clone(),
    })
}

/// The events of a member change. An event without a name (a feed that does not name them) is
/// keyed by the change's sequence and its position, so that it is still recorded once.
fn project_events(
    member_id: i64,
    sequence: i64,
    events: &[MemberEvent],
) -> Result<Vec<EventRow>, MalformedChange> {
    events
        .iter()
        .enumerate()
        .map(|(position, event)| {
            Ok(EventRow {
                name: if event.name.is_empty() {
                    format!("members/{member_id}/events/change-{sequence}-{position}")
                } else {
                    event.name.clone()
                },
                member_id,
                event_type: EventType::try_from(event.r#type)
                    .unwrap_or(EventType::Unspecified)
                    .as_str_name(),
                effective_date: date::parse(&event.effective_date)
                    .map_err(|error| field_error("events.effective_date", error))?,
                from_organization: event.from_organization.clone(),
                to_organization: event.to_organization.clone(),
            })
        })
        .collect()
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
    let qualification = match Qualification::try_from(member.qualification) {
        Ok(Qualification::Unspecified) | Err(_) => Qualification::None,
        Ok(level) => level,
    };
    let party_age_gaps = member
        .party_age_gaps
        .iter()
        .map(|gap| {
            let from = date::parse(&gap.from_date)
                .map_err(|error| field_error("member.party_age_gaps.from_date", error))?;
            let to = date::parse(&gap.to_date)
                .map_err(|error| field_error("member.party_age_gaps.to_date", error))?;
            Ok((from, to.max(from)))
        })
        .collect::<Result<Vec<_>, MalformedChange>>()?;
    let mut badges = Vec::new();
    for badge in &member.badges {
        let awarded = optional_date("member.badges.award_date", &badge.award_date)?;
        // A badge is handed once; a repeated entry would break the table's key.
        if !badges.iter().any(|(years, _)| *years == badge.years) {
            badges.push((badge.years, awarded));
        }
    }
    Ok(MemberRow {
        id,
        full_name: member.full_name.clone(),
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
        religion_code: reference::religion_code(&member.religion).to_owned(),
        qualification: qualification.as_str_name(),
        youth_union: member.youth_union,
        seriously_ill: member.seriously_ill,
        readmission: admission.readmission,
        party_age_gaps,
        badges,
    })
}

/// `candidates/{id}`: the id is opaque to the projection but kept to a plain shape.
fn parse_candidate_name(name: &str) -> Option<String> {
    name.strip_prefix("candidates/")
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

/// A year segment of a resource name, within the range of the contracts' dates.
fn parse_year(text: &str) -> Option<i32> {
    text.parse::<i32>()
        .ok()
        .filter(|year| (1900..=2200).contains(year) && text.len() == 4)
}

fn project_candidate(candidate: &Candidate) -> Result<CandidateRow, MalformedChange> {
    let id = parse_candidate_name(&candidate.name)
        .ok_or_else(|| field_error("candidate.name", "must be candidates/{candidate_id}"))?;
    let (commune_code, cell_id) = names::parse_cell("candidate.cell", &candidate.cell)
        .map_err(|_| field_error("candidate.cell", "must be communes/{code}/cells/{cell_id}"))?;
    let stage = CandidateStage::try_from(candidate.stage)
        .ok()
        .filter(|stage| *stage != CandidateStage::Unspecified)
        .ok_or_else(|| field_error("candidate.stage", "must be a candidate stage"))?;
    // Reports judge eligibility from these facts; a candidate the rules cannot read would only
    // fail later, report after report.
    admission::candidate_facts(candidate, false, |_| false)
        .map_err(|_| field_error("candidate", "birth date or general education unreadable"))?;
    let mut kept = candidate.clone();
    kept.citizen_id.clear();
    Ok(CandidateRow {
        id,
        commune_code,
        cell_id,
        stage: stage.as_str_name(),
        stage_date: optional_date("candidate.stage_date", &candidate.stage_date)?,
        candidate: kept,
    })
}

fn project_rule_version(version: &RuleVersion) -> Result<RuleVersionRow, MalformedChange> {
    let rules = admission::rule_version_from_proto(version, "rule_version")
        .map_err(|_| field_error("rule_version", "is not a readable regulation version"))?;
    Ok(RuleVersionRow {
        in_force_from: rules.in_force_from,
        code: rules.code,
        version: version.clone(),
    })
}

fn project_holiday(holiday: &Holiday) -> Result<HolidayRow, MalformedChange> {
    let date = date::parse(&holiday.date).map_err(|error| field_error("holiday.date", error))?;
    Ok(HolidayRow {
        date,
        display_name: holiday.display_name.clone(),
    })
}

fn project_deletion(name: &str) -> Result<Projected, MalformedChange> {
    // Only holidays are ever deleted.
    name.strip_prefix("holidays/")
        .and_then(|day| date::parse(day).ok())
        .map(Projected::HolidayDeleted)
        .ok_or_else(|| field_error("deleted_resource", "must be holidays/{date}"))
}

fn project_target(target: &Target) -> Result<TargetRow, MalformedChange> {
    const SHAPE: &str = "must be communes/{code}/targets/{first_year}";
    let parts: Vec<&str> = target.name.split('/').collect();
    let (commune_code, first_year) = match parts.as_slice() {
        ["communes", code, "targets", year] if names::is_commune_code(code) => {
            ((*code).to_owned(), parse_year(year))
        }
        _ => return Err(field_error("target.name", SHAPE)),
    };
    let first_year = first_year.ok_or_else(|| field_error("target.name", SHAPE))?;
    if target.last_year < first_year {
        return Err(field_error(
            "target.last_year",
            "must not be before first_year",
        ));
    }
    Ok(TargetRow {
        commune_code,
        first_year,
        last_year: target.last_year,
        admissions_per_year: target.admissions_per_year.max(0),
        good_cells_percent: target.good_cells_percent.clamp(0, 100),
    })
}

/// `communes/{code}/cells/{id}/{collection}/{year}` → (code, id, year).
fn parse_cell_year(name: &str, collection: &str) -> Option<(String, String, i32)> {
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        ["communes", code, "cells", id, segment, year]
            if names::is_commune_code(code) && names::is_cell_id(id) && *segment == collection =>
        {
            Some(((*code).to_owned(), (*id).to_owned(), parse_year(year)?))
        }
        _ => None,
    }
}

fn rating_level(field: &'static str, level: i32) -> Result<&'static str, MalformedChange> {
    RatingLevel::try_from(level)
        .ok()
        .filter(|level| *level != RatingLevel::Unspecified)
        .map(|level| level.as_str_name())
        .ok_or_else(|| field_error(field, "must be a rating level"))
}

fn project_cell_plan(plan: &CellPlan) -> Result<CellPlanRow, MalformedChange> {
    let (commune_code, cell_id, year) = parse_cell_year(&plan.name, "plans").ok_or_else(|| {
        field_error(
            "cell_plan.name",
            "must be communes/{code}/cells/{cell_id}/plans/{year}",
        )
    })?;
    Ok(CellPlanRow {
        commune_code,
        cell_id,
        year,
        sources_to_develop: plan.sources_to_develop.max(0),
        admissions: plan.admissions.max(0),
    })
}

fn project_cell_rating(rating: &CellRating) -> Result<CellRatingRow, MalformedChange> {
    let (commune_code, cell_id, year) =
        parse_cell_year(&rating.name, "ratings").ok_or_else(|| {
            field_error(
                "cell_rating.name",
                "must be communes/{code}/cells/{cell_id}/ratings/{year}",
            )
        })?;
    Ok(CellRatingRow {
        commune_code,
        cell_id,
        year,
        level: rating_level("cell_rating.level", rating.level)?,
    })
}

fn project_member_rating(rating: &MemberRating) -> Result<MemberRatingRow, MalformedChange> {
    const SHAPE: &str = "must be members/{member_id}/ratings/{year}";
    let parts: Vec<&str> = rating.name.split('/').collect();
    let (member_id, year) = match parts.as_slice() {
        ["members", id, "ratings", year] => (
            names::parse_member("member_rating.name", &format!("members/{id}"))
                .map_err(|_| field_error("member_rating.name", SHAPE))?,
            parse_year(year).ok_or_else(|| field_error("member_rating.name", SHAPE))?,
        ),
        _ => return Err(field_error("member_rating.name", SHAPE)),
    };
    Ok(MemberRatingRow {
        member_id,
        year,
        level: rating_level("member_rating.level", rating.level)?,
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
    use partyregistry_proto::membership::v1::{Admission, BadgeAward};

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
            religion_code: "00".into(),
            qualification: "QUALIFICATION_NONE",
            youth_union: false,
            seriously_ill: false,
            readmission: false,
            party_age_gaps: Vec::new(),
            badges: Vec::new(),
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
            moved_from_commune: String::new(),
            sequence: 1,
            commit_time: None,
            resource: None,
            events: Vec::new(),
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

    fn project_resource(resource: Resource) -> Result<Projected, MalformedChange> {
        project(&Change {
            moved_from_commune: String::new(),
            sequence: 1,
            commit_time: None,
            resource: Some(resource),
            events: Vec::new(),
        })
    }

    #[test]
    fn candidates_are_kept_without_the_citizen_id() {
        let candidate = Candidate {
            name: "candidates/17".into(),
            cell: "communes/02680/cells/tuong-1".into(),
            full_name: "Lý Thị Hoa".into(),
            birth_date: "2001-01-01".into(),
            general_education: GeneralEducation::UpperSecondary.into(),
            citizen_id: "001201012345".into(),
            stage: CandidateStage::ClassDone.into(),
            stage_date: "2022-03-01".into(),
            ..Candidate::default()
        };
        let Ok(Projected::Candidate(row)) =
            project_resource(Resource::Candidate(candidate.clone()))
        else {
            panic!("a complete candidate projects")
        };
        assert_eq!((row.id.as_str(), row.cell_id.as_str()), ("17", "tuong-1"));
        assert_eq!(row.stage, "CANDIDATE_STAGE_CLASS_DONE");
        assert_eq!(row.stage_date, Some(d("2022-03-01")));
        assert!(row.candidate.citizen_id.is_empty());
        assert_eq!(row.candidate.birth_date, "2001-01-01");

        let without_birth_date = Candidate {
            birth_date: String::new(),
            ..candidate
        };
        assert!(matches!(
            project_resource(Resource::Candidate(without_birth_date)),
            Err(MalformedChange::Field {
                field: "candidate",
                ..
            })
        ));
    }

    #[test]
    fn holiday_deletions_name_the_day() {
        assert_eq!(
            project_resource(Resource::DeletedResource("holidays/2022-09-02".into())),
            Ok(Projected::HolidayDeleted(d("2022-09-02")))
        );
        assert!(project_resource(Resource::DeletedResource("members/3".into())).is_err());
    }

    #[test]
    fn plans_ratings_and_targets_read_their_names() {
        let plan = CellPlan {
            name: "communes/02680/cells/tuong-1/plans/2022".into(),
            year: 2022,
            sources_to_develop: 2,
            admissions: 1,
            ..CellPlan::default()
        };
        assert_eq!(
            project_resource(Resource::CellPlan(plan)),
            Ok(Projected::CellPlan(CellPlanRow {
                commune_code: "02680".into(),
                cell_id: "tuong-1".into(),
                year: 2022,
                sources_to_develop: 2,
                admissions: 1,
            }))
        );
        let unrated = CellRating {
            name: "communes/02680/cells/tuong-1/ratings/2021".into(),
            year: 2021,
            level: RatingLevel::Unspecified.into(),
            etag: String::new(),
        };
        assert!(project_resource(Resource::CellRating(unrated)).is_err());
        let rating = MemberRating {
            name: "members/5/ratings/2021".into(),
            year: 2021,
            level: RatingLevel::Good.into(),
            etag: String::new(),
        };
        assert_eq!(
            project_resource(Resource::MemberRating(rating)),
            Ok(Projected::MemberRating(MemberRatingRow {
                member_id: 5,
                year: 2021,
                level: "RATING_LEVEL_GOOD",
            }))
        );
        let target = Target {
            name: "communes/02680/targets/20x0".into(),
            first_year: 2020,
            last_year: 2025,
            ..Target::default()
        };
        assert!(project_resource(Resource::Target(target)).is_err());
    }

    #[test]
    fn provinces_merges_and_member_events_are_read() {
        let province = Province {
            name: "provinces/15".into(),
            code: "15".into(),
            display_name: "Tỉnh Lào Cai".into(),
            valid_from: "2025-07-01".into(),
            ..Province::default()
        };
        assert_eq!(
            project_resource(Resource::Province(province)),
            Ok(Projected::Province(ProvinceRow {
                code: "15".into(),
                display_name: "Tỉnh Lào Cai".into(),
                valid_from: d("2025-07-01"),
                valid_to: None,
            }))
        );
        let merge = UnitMerge {
            name: "merges/7".into(),
            level: UnitLevel::Commune as i32,
            predecessor_codes: vec!["02677".into(), "02680".into()],
            successor_code: "02680".into(),
            effective_date: "2025-07-01".into(),
            legal_basis: "Nghị quyết 1673/NQ-UBTVQH15".into(),
        };
        let Ok(Projected::Merge(row)) = project_resource(Resource::Merge(merge.clone())) else {
            panic!("a merge projects")
        };
        assert_eq!((row.id.as_str(), row.level), ("7", "UNIT_LEVEL_COMMUNE"));
        let unleveled = UnitMerge {
            level: UnitLevel::Unspecified as i32,
            ..merge
        };
        assert!(project_resource(Resource::Merge(unleveled)).is_err());

        let member = Member {
            name: "members/3".into(),
            cell: "communes/02680/cells/tuong-1".into(),
            religion: "Phật giáo".into(),
            admission: Some(Admission {
                readmission: true,
                ..Admission::default()
            }),
            badges: vec![
                BadgeAward {
                    years: 30,
                    award_date: "2020-02-03".into(),
                },
                BadgeAward {
                    years: 30,
                    award_date: "2020-02-03".into(),
                },
            ],
            ..Member::default()
        };
        let change = Change {
            moved_from_commune: String::new(),
            sequence: 9,
            commit_time: None,
            resource: Some(Resource::Member(member)),
            events: vec![
                MemberEvent {
                    name: "members/3/events/1".into(),
                    r#type: EventType::Died as i32,
                    effective_date: "2025-12-01".into(),
                    ..MemberEvent::default()
                },
                MemberEvent {
                    r#type: EventType::Exempted as i32,
                    effective_date: "2025-01-01".into(),
                    ..MemberEvent::default()
                },
            ],
        };
        let Ok(Projected::Member(row, events)) = project(&change) else {
            panic!("a member projects")
        };
        assert!(row.readmission);
        assert_ne!(row.religion_code, "00");
        assert_eq!(row.badges, [(30, Some(d("2020-02-03")))]);
        assert_eq!(events[0].event_type, "EVENT_TYPE_DIED");
        assert_eq!(events[1].name, "members/3/events/change-9-1");
    }

    #[test]
    fn area_flags_cover_their_last_day() {
        let flag = AreaFlagRow {
            kind: "AREA_KIND_MOUNTAINOUS",
            valid_from: d("2020-01-01"),
            valid_to: Some(d("2022-06-30")),
        };
        assert!(flag.covers(d("2022-06-30")));
        assert!(!flag.covers(d("2022-07-01")));
        assert!(!flag.covers(d("2019-12-31")));
    }
}
