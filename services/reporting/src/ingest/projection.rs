//! What a change of the membership feed means for the projection, in plain Rust (no sqlx): the
//! contract's resources read into reporting's own rows ([`crate::model::rows`]), enums as
//! reporting spells them, names parsed, dates checked.
//!
//! Owns the reading of the feed's semantics: the one place where `membership.v1` meets the
//! projection. Does not own storage (see [`crate::store`]), how a member's stints move
//! ([`crate::model::stint`]) or the report arithmetic (see [`crate::report`]).

use partyregistry_kit::admission;
use partyregistry_proto::membership::v1::{
    AreaKind, Assignment, Candidate, CandidateStage, Cell, CellKind, CellPlan, CellRating, Change,
    Commune, DisciplineForm, EventType, Gender, GeneralEducation, Holiday, Member, MemberEvent,
    MemberRating, MemberStatus, PoliticalTheory, Province, Qualification, RatingLevel, RuleVersion,
    Target, UnitLevel, UnitMerge, change::Resource,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::{names, reference};

use crate::model::candidate::{CandidateDetails, Exception, Introducer};
use crate::model::rows::{
    AreaFlagRow, CandidateRow, CellPlanRow, CellRatingRow, CellRow, CommuneRow, EventRow,
    HolidayRow, MalformedChange, MemberRatingRow, MemberRow, MergeRow, Projected, ProjectedChange,
    ProvinceRow, TargetRow,
};
use crate::model::units::is_province_code;
use crate::model::vocabulary::{self as own, RatingLevel as Level};
use partyregistry_kit::db::micros_of;
use partyregistry_rules::{self as rules, RuleVersion as RuleVersionRules};

/// Reporting's value of a contract enum value: the one spelled the same (a test holds every
/// spelling of [`crate::model::vocabulary`] to the contract's value names).
fn own<T>(contract_value_name: &str, from_key: fn(&str) -> Option<T>) -> Option<T> {
    from_key(contract_value_name)
}

/// Reads a change into the rows it writes, keeping its place in the feed.
pub fn project_change(change: &Change) -> ProjectedChange {
    ProjectedChange {
        sequence: change.sequence,
        commit_time_us: change.commit_time.as_ref().map_or(0, micros_of),
        rows: project(change),
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
            Ok(Projected::Member(Box::new(row), events))
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
                    .as_str_name()
                    .to_owned(),
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
        level: own(level.as_str_name(), own::UnitLevel::from_key)
            .ok_or_else(|| field_error("merge.level", "must be a unit level"))?,
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
                event_type: own(
                    EventType::try_from(event.r#type)
                        .unwrap_or(EventType::Unspecified)
                        .as_str_name(),
                    own::EventType::from_key,
                )
                .unwrap_or(own::EventType::Unspecified),
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
        kind: own(
            CellKind::try_from(cell.kind)
                .unwrap_or(CellKind::Unspecified)
                .as_str_name(),
            own::CellKind::from_key,
        )
        .unwrap_or(own::CellKind::Unspecified),
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
    let mut disciplines = member
        .disciplines
        .iter()
        .map(|discipline| {
            let form = match DisciplineForm::try_from(discipline.form) {
                Ok(DisciplineForm::Reprimand) => rules::DisciplineForm::Reprimand,
                Ok(DisciplineForm::Warning) => rules::DisciplineForm::Warning,
                Ok(DisciplineForm::Dismissal) => rules::DisciplineForm::Dismissal,
                Ok(DisciplineForm::Unspecified) | Err(_) => {
                    return Err(field_error(
                        "member.disciplines.form",
                        "must be a discipline form",
                    ));
                }
            };
            let decided = date::parse(&discipline.discipline_date)
                .map_err(|error| field_error("member.disciplines.discipline_date", error))?;
            Ok((form, decided))
        })
        .collect::<Result<Vec<_>, MalformedChange>>()?;
    disciplines.sort_by_key(|(_, decided)| *decided);
    Ok(MemberRow {
        id,
        full_name: member.full_name.clone(),
        commune_code,
        cell_id,
        cell_since: optional_date("member.cell_since", &member.cell_since)?,
        gender: own(
            Gender::try_from(member.gender)
                .unwrap_or(Gender::Unspecified)
                .as_str_name(),
            own::Gender::from_key,
        )
        .unwrap_or_default(),
        birth_date: optional_date("member.birth_date", &member.birth_date)?,
        ethnicity_code: member.ethnicity_code.clone(),
        general_education: own(
            GeneralEducation::try_from(member.general_education)
                .unwrap_or(GeneralEducation::Unspecified)
                .as_str_name(),
            own::GeneralEducation::from_key,
        )
        .unwrap_or_default(),
        political_theory: own(
            political_theory.as_str_name(),
            own::PoliticalTheory::from_key,
        )
        .unwrap_or_default(),
        assignment: own(assignment.as_str_name(), own::Assignment::from_key)
            .unwrap_or(own::Assignment::Local),
        status: own(
            MemberStatus::try_from(member.status)
                .unwrap_or(MemberStatus::Unspecified)
                .as_str_name(),
            own::MemberStatus::from_key,
        )
        .unwrap_or_default(),
        decision_date: optional_date("member.admission.decision_date", &admission.decision_date)?,
        decision_received_date: optional_date(
            "member.admission.decision_received_date",
            &admission.decision_received_date,
        )?,
        ceremony_date: optional_date("member.admission.ceremony_date", &admission.ceremony_date)?,
        official_date: optional_date("member.admission.official_date", &admission.official_date)?,
        joined_date: optional_date("member.joined_date", &member.joined_date)?,
        left_date: optional_date("member.left_date", &member.left_date)?,
        admitted_in,
        religion_code: reference::religion_code(&member.religion).to_owned(),
        qualification: own(qualification.as_str_name(), own::Qualification::from_key)
            .unwrap_or_default(),
        youth_union: member.youth_union,
        seriously_ill: member.seriously_ill,
        readmission: admission.readmission,
        first_decision_date: optional_date(
            "member.admission.first_decision_date",
            &admission.first_decision_date,
        )?,
        party_age_gaps,
        badges,
        disciplines,
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
        .and_then(admission::stage)
        .ok_or_else(|| field_error("candidate.stage", "must be a candidate stage"))?;
    Ok(CandidateRow {
        id,
        commune_code,
        cell_id,
        stage,
        stage_date: optional_date("candidate.stage_date", &candidate.stage_date)?,
        details: candidate_details(candidate)?,
    })
}

/// What the reports read of a candidate; never the citizen id. The dates and levels the rules
/// judge must read: a candidate the rules cannot read would only fail later, report after report.
/// The days and names the deadlines merely look at are kept when they read and dropped otherwise.
fn candidate_details(candidate: &Candidate) -> Result<CandidateDetails, MalformedChange> {
    let facts = admission::candidate_facts(candidate, false, |_| false)
        .map_err(|_| field_error("candidate", "birth date or general education unreadable"))?;
    Ok(CandidateDetails {
        full_name: candidate.full_name.clone(),
        family_name: candidate.family_name.clone(),
        middle_name: candidate.middle_name.clone(),
        given_name: candidate.given_name.clone(),
        birth_date: facts.birth_date,
        education: facts.education,
        certificate_date: facts.certificate_date,
        papers_date: facts.papers_date,
        introducers: candidate
            .introducers
            .iter()
            .map(|introducer| Introducer {
                member_id: names::parse_member("member", &introducer.member).ok(),
                youth_union_committee: introducer.youth_union_committee,
                months_worked_together: i64::from(introducer.months_worked_together),
            })
            .collect(),
        youth_union: facts.youth_union,
        demobilised_soldier: facts.demobilised_soldier,
        has_military_referral: facts.has_military_referral,
        class_retaken_locally: facts.class_retaken_locally,
        lives_away: facts.lives_away,
        away_comment_date: facts.away_comment_date,
        cell_vote: facts.cell_vote,
        background_check_failed: facts.background_check_failed,
        cell_vote_date: date::parse(&candidate.cell_vote_date).ok(),
        decision_extended: candidate.decision_extended,
        admitted_member: names::parse_member("member", &candidate.admitted_member).ok(),
        // An exception or a failed vote the membership service could not read would not count
        // there either (`admission::exceptions_by`, `admission::failed_cell_votes_by`).
        exceptions: candidate
            .exceptions
            .iter()
            .filter_map(|exception| {
                Some(Exception {
                    kind: admission::exception_kind(exception.kind())?,
                    decision_date: date::parse(&exception.decision_date).ok()?,
                })
            })
            .collect(),
        youth_union_organisation: facts.youth_union_organisation,
        failed_cell_votes: candidate
            .failed_cell_votes
            .iter()
            .filter_map(|vote| date::parse(&vote.vote_date).ok())
            .collect(),
    })
}

fn project_rule_version(version: &RuleVersion) -> Result<RuleVersionRules, MalformedChange> {
    admission::rule_version_from_proto(version, "rule_version")
        .map_err(|_| field_error("rule_version", "is not a readable regulation version"))
}

fn project_holiday(holiday: &Holiday) -> Result<HolidayRow, MalformedChange> {
    let date = date::parse(&holiday.date).map_err(|error| field_error("holiday.date", error))?;
    Ok(HolidayRow {
        date,
        display_name: holiday.display_name.clone(),
        make_up_working_day: holiday.make_up_working_day,
    })
}

fn project_deletion(name: &str) -> Result<Projected, MalformedChange> {
    // Holidays are deleted; a re-dated regulation version leaves its old name.
    let day = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|day| date::parse(day).ok())
    };
    day("holidays/")
        .map(Projected::HolidayDeleted)
        .or_else(|| day("ruleVersions/").map(Projected::RuleVersionDeleted))
        .ok_or_else(|| {
            field_error(
                "deleted_resource",
                "must be holidays/{date} or ruleVersions/{date}",
            )
        })
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

fn rating_level(field: &'static str, level: i32) -> Result<Level, MalformedChange> {
    match RatingLevel::try_from(level) {
        Ok(RatingLevel::Excellent) => Ok(Level::Excellent),
        Ok(RatingLevel::Good) => Ok(Level::Good),
        Ok(RatingLevel::Completed) => Ok(Level::Completed),
        Ok(RatingLevel::NotCompleted) => Ok(Level::NotCompleted),
        Ok(RatingLevel::Unspecified) | Err(_) => Err(field_error(field, "must be a rating level")),
    }
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

#[cfg(test)]
mod tests;
