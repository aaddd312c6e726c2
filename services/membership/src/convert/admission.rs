//! Request validation of the admission pipeline: candidates, targets, plans, ratings, holidays
//! and the resource names of the AdmissionService. Every bad field is reported at once, named by
//! its path in the request; text is normalised to NFC.

use chrono::{Datelike, Weekday};
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::DayKind;
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;

use super::{ethnicity_field, name_fields, rederive_name_parts, text_field};
use crate::domain::admission::{
    self, CandidateProgress, Eligibility, plan_violations, target_violations, vote_violations,
};
use crate::domain::{
    Assignment, Gender, GeneralEducation, Person, PoliticalTheory, Qualification, VoteTally,
};
use partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID;

/// The most introducers a candidate may list.
const MAX_INTRODUCERS: usize = 5;
/// The most months an introducer may claim (a working life).
const MAX_MONTHS_TOGETHER: i32 = 1200;

/// `candidates/{id}` → the id.
pub fn parse_candidate(field: &str, name: &str) -> Result<i64, ApiError> {
    Ok(names::parse_candidate(field, name)?)
}

/// `ruleVersions/{YYYY-MM-DD}` → the first day in force.
pub fn parse_rule_version(field: &str, name: &str) -> Result<Date, ApiError> {
    name.strip_prefix("ruleVersions/")
        .and_then(|day| date::parse(day).ok())
        .ok_or_else(|| ApiError::invalid(field, "must be ruleVersions/{YYYY-MM-DD}"))
}

/// `holidays/{YYYY-MM-DD}` → the day.
pub fn parse_holiday(field: &str, name: &str) -> Result<Date, ApiError> {
    name.strip_prefix("holidays/")
        .and_then(|day| date::parse(day).ok())
        .ok_or_else(|| ApiError::invalid(field, "must be holidays/{YYYY-MM-DD}"))
}

fn known_enum<P: TryFrom<i32>>(v: &mut Violations, field: &str, value: i32, required: bool) {
    if required && value == 0 {
        v.add(field, "is required");
    } else if P::try_from(value).is_err() {
        v.add(field, "is not a known value");
    }
}

/// A date field that may be empty, must parse and must not be after `today`. Returns the
/// normalised text.
fn past_date(v: &mut Violations, field: &str, value: &str, required: bool, today: Date) -> String {
    if value.is_empty() {
        if required {
            v.add(field, "is required (YYYY-MM-DD)");
        }
        return String::new();
    }
    match date::parse(value) {
        Ok(day) if day > today => {
            v.add(
                field,
                format!(
                    "{value} is in the future (today is {} in Vietnam)",
                    date::format(today)
                ),
            );
            String::new()
        }
        Ok(day) => date::format(day),
        Err(error) => {
            v.add(field, error.to_string());
            String::new()
        }
    }
}

/// A vote as sent: an absent or all-zero tally is a vote not taken.
fn vote(v: &mut Violations, field: &str, tally: Option<&pb::VoteTally>) -> Option<pb::VoteTally> {
    let tally = tally.filter(|t| **t != pb::VoteTally::default())?;
    for (field, problem) in vote_violations(&tally_of(tally), field) {
        v.add(field, problem);
    }
    Some(*tally)
}

/// Validates and normalises a candidate from a request. Returns the candidate with its person
/// fields normalised (output-only fields are copied unchanged: the caller decides them) and its
/// cell as (commune code, cell id).
pub fn candidate_from_proto(
    c: &pb::Candidate,
    today: Date,
) -> Result<(pb::Candidate, (String, String)), ApiError> {
    let mut v = Violations::new();
    let cell = match names::parse_cell("candidate.cell", &c.cell) {
        Ok(cell) => Some(cell),
        Err(_) => {
            v.add("candidate.cell", "must be communes/{code}/cells/{cell_id}");
            None
        }
    };
    let (full_name, parts) = name_fields(
        &mut v,
        "candidate",
        [&c.full_name, &c.family_name, &c.middle_name, &c.given_name],
    );
    known_enum::<pb::Gender>(&mut v, "candidate.gender", c.gender, true);
    let birth_date = past_date(&mut v, "candidate.birth_date", &c.birth_date, true, today);
    let ethnicity_code = ethnicity_field(
        &mut v,
        "candidate",
        &c.ethnicity_code,
        &c.ethnicity_code_system,
    );
    known_enum::<pb::GeneralEducation>(
        &mut v,
        "candidate.general_education",
        c.general_education,
        true,
    );
    let occupation = text_field(&mut v, "candidate.occupation", &c.occupation, 100, false);
    let citizen_id = c.citizen_id.trim().to_owned();
    if !citizen_id.is_empty()
        && (citizen_id.len() != 12 || !citizen_id.bytes().all(|b| b.is_ascii_digit()))
    {
        v.add("candidate.citizen_id", "must be 12 digits");
    }
    known_enum::<pb::CandidateSource>(&mut v, "candidate.source", c.source, true);
    // An empty certificate message is no certificate.
    let certificate = c
        .certificate
        .as_ref()
        .filter(|cert| **cert != pb::AwarenessCertificate::default())
        .map(|cert| pb::AwarenessCertificate {
            issuer: text_field(
                &mut v,
                "candidate.certificate.issuer",
                &cert.issuer,
                200,
                false,
            ),
            issue_date: past_date(
                &mut v,
                "candidate.certificate.issue_date",
                &cert.issue_date,
                true,
                today,
            ),
        });
    if c.introducers.len() > MAX_INTRODUCERS {
        v.add(
            "candidate.introducers",
            format!("must list at most {MAX_INTRODUCERS} introducers"),
        );
    }
    let mut introducers = Vec::with_capacity(c.introducers.len());
    for (i, introducer) in c.introducers.iter().enumerate() {
        let field = format!("candidate.introducers[{i}]");
        let member = introducer.member.trim();
        if introducer.youth_union_committee {
            if !member.is_empty() {
                v.add(
                    format!("{field}.member"),
                    "must be empty when the Youth Union committee introduces",
                );
            }
        } else if names::parse_member("", member).is_err() {
            v.add(
                format!("{field}.member"),
                "must be members/{member_id}, or set youth_union_committee",
            );
        }
        if !(0..=MAX_MONTHS_TOGETHER).contains(&introducer.months_worked_together) {
            v.add(
                format!("{field}.months_worked_together"),
                format!("must be from 0 to {MAX_MONTHS_TOGETHER}"),
            );
        }
        introducers.push(pb::Introducer {
            member: member.to_owned(),
            ..*introducer
        });
    }
    if introducers
        .iter()
        .filter(|i| i.youth_union_committee)
        .count()
        > 1
    {
        v.add(
            "candidate.introducers",
            "the Youth Union committee introduces at most once",
        );
    }
    known_enum::<pb::BackgroundCheck>(
        &mut v,
        "candidate.background_check",
        c.background_check,
        false,
    );
    let papers_date = past_date(
        &mut v,
        "candidate.papers_date",
        &c.papers_date,
        false,
        today,
    );
    let away_comment_date = past_date(
        &mut v,
        "candidate.away_comment_date",
        &c.away_comment_date,
        false,
        today,
    );
    let cell_vote = vote(&mut v, "candidate.cell_vote", c.cell_vote.as_ref());
    let cell_vote_date = past_date(
        &mut v,
        "candidate.cell_vote_date",
        &c.cell_vote_date,
        false,
        today,
    );
    let committee_vote = vote(
        &mut v,
        "candidate.committee_vote",
        c.committee_vote.as_ref(),
    );
    let committee_vote_date = past_date(
        &mut v,
        "candidate.committee_vote_date",
        &c.committee_vote_date,
        false,
        today,
    );
    known_enum::<pb::CandidateStage>(&mut v, "candidate.stage", c.stage, false);
    let exceptions = records::exceptions(&mut v, &c.exceptions, today);
    let failed_cell_votes = records::failed_votes(&mut v, &c.failed_cell_votes, today);
    v.finish()?;
    let cell = cell.ok_or_else(|| ApiError::Internal("validation passed without a cell".into()))?;
    Ok((
        pb::Candidate {
            cell: names::cell(&cell.0, &cell.1),
            full_name,
            family_name: parts.family,
            middle_name: parts.middle,
            given_name: parts.given,
            birth_date,
            ethnicity_code,
            ethnicity_code_system: ETHNICITY_CODE_SYSTEM_ID.to_owned(),
            occupation,
            citizen_id,
            certificate,
            introducers,
            papers_date,
            away_comment_date,
            cell_vote,
            cell_vote_date,
            committee_vote,
            committee_vote_date,
            exceptions,
            failed_cell_votes,
            ..c.clone()
        },
        cell,
    ))
}

updatable_fields! {
    /// Candidate fields UpdateCandidate may change: every field that is not output only.
    CANDIDATE_UPDATABLE, merge_candidate_fields: pb::Candidate {
        cell: clone,
        full_name: clone,
        family_name: clone,
        middle_name: clone,
        given_name: clone,
        gender: copy,
        birth_date: clone,
        ethnicity_code: clone,
        general_education: copy,
        occupation: clone,
        citizen_id: clone,
        youth_union: copy,
        source: copy,
        certificate: clone,
        introducers: clone,
        background_check: copy,
        papers_date: clone,
        has_military_referral: copy,
        lives_away: copy,
        class_retaken_locally: copy,
        away_comment_date: clone,
        cell_vote: copy,
        cell_vote_date: clone,
        committee_vote: copy,
        committee_vote_date: clone,
        decision_extended: copy,
        exceptions: clone,
        no_youth_union_organisation: copy,
        failed_cell_votes: clone,
    }
}

/// Copies the masked fields of `update` onto `current`. When the full name changes but its parts
/// are not given, the parts are derived again from it.
pub fn merge_candidate(current: &mut pb::Candidate, update: &pb::Candidate, paths: &[&str]) {
    merge_candidate_fields(current, update, paths);
    // A code goes with the list it is in.
    if paths.contains(&"ethnicity_code") {
        current
            .ethnicity_code_system
            .clone_from(&update.ethnicity_code_system);
    }
    rederive_name_parts(
        paths,
        [
            &mut current.family_name,
            &mut current.middle_name,
            &mut current.given_name,
        ],
    );
}

/// The person a candidate becomes on admission: the candidate's own fields; the member's other
/// personal fields start empty and are completed with UpdateMember.
pub fn person_of_candidate(c: &pb::Candidate) -> Result<Person, ApiError> {
    let corrupt = |what: &str| ApiError::Internal(format!("stored candidate has no valid {what}"));
    Ok(Person {
        full_name: c.full_name.clone(),
        family_name: c.family_name.clone(),
        middle_name: c.middle_name.clone(),
        given_name: c.given_name.clone(),
        gender: Gender::from_name(c.gender().as_str_name()).ok_or_else(|| corrupt("gender"))?,
        birth_date: date::parse(&c.birth_date).map_err(|_| corrupt("birth date"))?,
        ethnicity_code: c.ethnicity_code.clone(),
        religion: String::new(),
        home_town: String::new(),
        citizen_id: (!c.citizen_id.is_empty()).then(|| c.citizen_id.clone()),
        phone: String::new(),
        address: String::new(),
        general_education: GeneralEducation::from_name(c.general_education().as_str_name())
            .ok_or_else(|| corrupt("education"))?,
        qualification: Qualification::None,
        political_theory: PoliticalTheory::None,
        occupation: c.occupation.clone(),
        youth_union: c.youth_union,
        card_number: String::new(),
        assignment: Assignment::Local,
    })
}

/// The domain form of a tally's numbers, as sent.
fn tally_of(t: &pb::VoteTally) -> VoteTally {
    VoteTally {
        eligible: i64::from(t.eligible),
        present: i64::from(t.present),
        yes: i64::from(t.yes),
        no: i64::from(t.no),
    }
}

/// The domain form of a stored vote: an empty tally is a vote not taken.
pub fn tally(vote: Option<&pb::VoteTally>) -> Option<VoteTally> {
    vote.filter(|t| t.eligible > 0).map(tally_of)
}

/// The cell's unsuccessful votes of a validated candidate, with their days, oldest first; one
/// without a readable day or tally (never stored so) is left out.
pub fn failed_votes(candidate: &pb::Candidate) -> Vec<(Date, VoteTally)> {
    candidate
        .failed_cell_votes
        .iter()
        .filter_map(|v| Some((date::parse(&v.vote_date).ok()?, tally(v.tally.as_ref())?)))
        .collect()
}

/// Where a stored candidate stands in the pipeline. Stored dates were validated on the way in;
/// one that does not parse reads as not recorded.
pub fn progress(candidate: &pb::Candidate) -> CandidateProgress {
    CandidateProgress {
        stage: partyregistry_kit::admission::stage(candidate.stage()),
        stage_date: date::parse(&candidate.stage_date).ok(),
        cell_vote: tally(candidate.cell_vote.as_ref()),
        cell_vote_date: date::parse(&candidate.cell_vote_date).ok(),
        committee_vote: tally(candidate.committee_vote.as_ref()),
        committee_vote_date: date::parse(&candidate.committee_vote_date).ok(),
        admitted_member: candidate.admitted_member.clone(),
        closing_reason: candidate.closing_reason.clone(),
    }
}

/// Writes the pipeline's part of `progress` (stage, its day, the closing reason, the admitted
/// member, and the cell's vote day recorded on its approval) back into `candidate`; the tallies
/// are the candidate's facts and are not written.
pub fn set_progress(candidate: &mut pb::Candidate, progress: &CandidateProgress) {
    candidate.stage = progress
        .stage
        .map_or(pb::CandidateStage::Unspecified, |stage| {
            partyregistry_kit::admission::stage_to_proto(stage)
        })
        .into();
    candidate.stage_date = date::format_optional(progress.stage_date);
    if let Some(voted) = progress.cell_vote_date {
        candidate.cell_vote_date = date::format(voted);
    }
    candidate
        .admitted_member
        .clone_from(&progress.admitted_member);
    candidate
        .closing_reason
        .clone_from(&progress.closing_reason);
}

/// The contract form of an eligibility.
pub fn eligibility_to_proto(assessment: &Eligibility) -> pb::Eligibility {
    pb::Eligibility {
        candidate: assessment.candidate.clone(),
        on_date: date::format(assessment.on),
        judged_on: date::format(assessment.judged_on),
        eligible: assessment.eligible(),
        blockers: assessment
            .blockers
            .iter()
            .map(partyregistry_kit::admission::blocker_to_proto)
            .collect(),
        rule_version: assessment.rule_version.clone(),
    }
}

/// The numbers of a target as sent.
fn target_numbers(target: &pb::Target) -> admission::Target {
    admission::Target {
        first_year: target.first_year,
        last_year: target.last_year,
        admissions_per_year: target.admissions_per_year,
        good_cells_percent: target.good_cells_percent,
    }
}

/// The numbers of a plan as sent.
fn plan_numbers(plan: &pb::CellPlan) -> admission::CellPlan {
    admission::CellPlan {
        year: plan.year,
        sources_to_develop: plan.sources_to_develop,
        admissions: plan.admissions,
    }
}

/// Validates a target.
pub fn target_from_proto(target: Option<&pb::Target>) -> Result<pb::Target, ApiError> {
    let target = target.ok_or_else(|| ApiError::invalid("target", "is required"))?;
    let mut v = Violations::new();
    for (field, problem) in target_violations(&target_numbers(target)) {
        v.add(field, problem);
    }
    v.finish()?;
    Ok(target.clone())
}

/// Validates a cell plan.
pub fn plan_from_proto(plan: Option<&pb::CellPlan>) -> Result<pb::CellPlan, ApiError> {
    let plan = plan.ok_or_else(|| ApiError::invalid("plan", "is required"))?;
    let mut v = Violations::new();
    for (field, problem) in plan_violations(&plan_numbers(plan)) {
        v.add(field, problem);
    }
    let notes = text_field(&mut v, "plan.notes", &plan.notes, 500, false);
    v.finish()?;
    Ok(pb::CellPlan {
        notes,
        ..plan.clone()
    })
}

/// Checks a rating level: one of the four levels.
pub fn rating_level(field: &str, level: i32) -> Result<(), ApiError> {
    match pb::RatingLevel::try_from(level) {
        Ok(pb::RatingLevel::Unspecified) => Err(ApiError::invalid(field, "is required")),
        Ok(_) => Ok(()),
        Err(_) => Err(ApiError::invalid(field, "is not a known value")),
    }
}

/// Validates a holiday: its date and display name.
pub fn holiday_from_proto(
    holiday: Option<&pb::Holiday>,
) -> Result<(Date, String, DayKind), ApiError> {
    let holiday = holiday.ok_or_else(|| ApiError::invalid("holiday", "is required"))?;
    let mut v = Violations::new();
    let day = if holiday.date.is_empty() {
        v.add("holiday.date", "is required (YYYY-MM-DD)");
        None
    } else {
        v.check("holiday.date", date::parse(&holiday.date))
    };
    let display_name = text_field(
        &mut v,
        "holiday.display_name",
        &holiday.display_name,
        100,
        true,
    );
    let kind = if holiday.make_up_working_day {
        DayKind::MakeUpWorkingDay
    } else {
        DayKind::DayOff
    };
    // A weekday is worked anyway: only a weekend day can be made up.
    if kind == DayKind::MakeUpWorkingDay
        && day.is_some_and(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
    {
        v.add(
            "holiday.make_up_working_day",
            "a make-up working day falls on a Saturday or Sunday",
        );
    }
    v.finish()?;
    let day = day.ok_or_else(|| ApiError::Internal("validation passed without a date".into()))?;
    Ok((day, display_name, kind))
}

updatable_fields! {
    /// Regulation fields UpdateRuleVersion may change: all but `name` and `in_force_from`.
    RULE_VERSION_UPDATABLE, merge_rule_version_fields: pb::RuleVersion {
        code: clone,
        min_age_months: copy,
        max_age_months: copy,
        min_education: copy,
        min_education_flagged_area: copy,
        certificate_valid_months: copy,
        introducers_required: copy,
        introducer_min_months: copy,
        vote_numerator: copy,
        vote_denominator: copy,
        papers_valid_months: copy,
        probation_months: copy,
        decision_working_days: copy,
        decision_extension_working_days: copy,
        ceremony_working_days: copy,
        recognition_working_days: copy,
        min_temporary_transfer_months: copy,
        max_temporary_transfer_months: copy,
        max_study_transfer_months: copy,
        min_education_village_elder: copy,
        youth_age_max_months: copy,
        failed_cell_votes_limit: copy,
        badge_deferral_reprimand_months: copy,
        badge_deferral_warning_months: copy,
        badge_deferral_dismissal_months: copy,
    }
}

/// The update-mask path that re-dates a regulation version: accepted only when the mask names
/// it, never implied by an empty mask (the version's name changes with it).
pub const RULE_VERSION_START: &str = "in_force_from";

/// Copies the masked fields of `update` onto `current`.
pub fn merge_rule_version(current: &mut pb::RuleVersion, update: &pb::RuleVersion, paths: &[&str]) {
    merge_rule_version_fields(current, update, paths);
}

mod records;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        date::parse("2026-11-28").expect("valid")
    }

    fn valid() -> pb::Candidate {
        pb::Candidate {
            cell: "communes/02680/cells/a".into(),
            full_name: "Lo\u{300} Thị Mai".into(),
            gender: pb::Gender::Female.into(),
            birth_date: "2001-02-14".into(),
            ethnicity_code: "09".into(),
            ethnicity_code_system: "121-TCTK".into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            source: pb::CandidateSource::YouthUnion.into(),
            ..Default::default()
        }
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::InvalidArgument(violations) => {
                violations.into_iter().map(|v| v.field).collect()
            }
            other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
        }
    }

    #[test]
    fn candidate_is_normalised_and_split() {
        let (candidate, cell) = candidate_from_proto(&valid(), today()).expect("valid");
        assert_eq!(candidate.full_name, "Lò Thị Mai");
        assert_eq!(
            (
                candidate.family_name.as_str(),
                candidate.given_name.as_str()
            ),
            ("Lò", "Mai")
        );
        assert_eq!(cell, ("02680".to_owned(), "a".to_owned()));
        assert_eq!(candidate.cell_vote, None);
    }

    #[test]
    fn candidate_with_future_certificate_and_bad_vote_names_each_field() {
        let mut candidate = valid();
        candidate.certificate = Some(pb::AwarenessCertificate {
            issuer: "Trung tâm Chính trị".into(),
            issue_date: "2026-12-01".into(),
        });
        candidate.cell_vote = Some(pb::VoteTally {
            eligible: 9,
            present: 6,
            yes: 7,
            no: 0,
        });
        candidate.introducers = vec![pb::Introducer {
            member: "people/1".into(),
            youth_union_committee: false,
            months_worked_together: -1,
        }];
        let found = fields(candidate_from_proto(&candidate, today()).expect_err("invalid"));
        for expected in [
            "candidate.certificate.issue_date",
            "candidate.cell_vote.yes",
            "candidate.introducers[0].member",
            "candidate.introducers[0].months_worked_together",
        ] {
            assert!(
                found.iter().any(|f| f == expected),
                "{expected} in {found:?}"
            );
        }
    }

    #[test]
    fn the_away_comment_is_a_past_date() {
        let mut candidate = valid();
        candidate.lives_away = true;
        for refused in ["2026-12-01", "2026-02-30", "28/11/2026"] {
            candidate.away_comment_date = refused.into();
            let found = fields(candidate_from_proto(&candidate, today()).expect_err(refused));
            assert_eq!(found, ["candidate.away_comment_date"], "{refused}");
        }
        candidate.away_comment_date = "2026-11-28".into();
        let (read, _) = candidate_from_proto(&candidate, today()).expect("today is not future");
        assert_eq!(read.away_comment_date, "2026-11-28");
        candidate.away_comment_date = String::new();
        let (read, _) = candidate_from_proto(&candidate, today()).expect("none yet");
        assert_eq!(read.away_comment_date, "");
    }

    #[test]
    fn empty_candidate_names_every_required_field() {
        let found =
            fields(candidate_from_proto(&pb::Candidate::default(), today()).expect_err("invalid"));
        for expected in [
            "candidate.cell",
            "candidate.full_name",
            "candidate.gender",
            "candidate.birth_date",
            "candidate.ethnicity_code",
            "candidate.general_education",
            "candidate.source",
        ] {
            assert!(
                found.iter().any(|f| f == expected),
                "{expected} in {found:?}"
            );
        }
    }

    #[test]
    fn resource_names_parse() {
        assert_eq!(parse_candidate("name", "candidates/12").ok(), Some(12));
        assert!(parse_candidate("name", "candidates/0").is_err());
        assert!(parse_candidate("name", "members/12").is_err());
        assert_eq!(
            parse_rule_version("name", "ruleVersions/2025-07-01").ok(),
            date::parse("2025-07-01").ok()
        );
        assert!(parse_holiday("name", "holidays/2025-02-30").is_err());
    }

    #[test]
    fn negative_target_and_bad_percent_are_rejected() {
        let target = pb::Target {
            first_year: 2025,
            last_year: 2020,
            admissions_per_year: -1,
            good_cells_percent: 101,
            ..Default::default()
        };
        let found = fields(target_from_proto(Some(&target)).expect_err("invalid"));
        assert_eq!(
            found,
            [
                "target.last_year",
                "target.admissions_per_year",
                "target.good_cells_percent"
            ]
        );
    }

    #[test]
    fn a_make_up_working_day_must_fall_on_a_weekend() {
        let holiday = |day: &str| pb::Holiday {
            date: day.into(),
            display_name: "Làm bù".into(),
            make_up_working_day: true,
            ..Default::default()
        };
        let weekday = holiday_from_proto(Some(&holiday("2024-05-03"))).expect_err("a Friday");
        assert_eq!(fields(weekday), ["holiday.make_up_working_day"]);
        let (_, _, kind) = holiday_from_proto(Some(&holiday("2024-05-04"))).expect("a Saturday");
        assert_eq!(kind, DayKind::MakeUpWorkingDay);
    }
}
