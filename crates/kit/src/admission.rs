//! The admission pipeline's glue between the contracts and the pure rules of
//! `partyregistry_rules`: both services read candidates and rule versions from protobuf, and both
//! must judge them identically, so the conversions live here once.

use chrono::NaiveDate;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::eligibility::{
    Blocker, BlockerCode, CandidateFacts, ExceptionKind, IntroducerFacts, Vote,
};
use partyregistry_rules::{CandidateStage, Education, RuleVersion};

use crate::error::{ApiError, Violations};
use partyregistry_vocab::date;

/// The rules' education level of a contract value; `None` when unset.
pub fn education(level: pb::GeneralEducation) -> Option<Education> {
    match level {
        pb::GeneralEducation::Unspecified => None,
        pb::GeneralEducation::Literate => Some(Education::Literate),
        pb::GeneralEducation::Primary => Some(Education::Primary),
        pb::GeneralEducation::LowerSecondary => Some(Education::LowerSecondary),
        pb::GeneralEducation::UpperSecondary => Some(Education::UpperSecondary),
    }
}

/// The contract value of an education level.
pub fn education_to_proto(level: Education) -> pb::GeneralEducation {
    match level {
        Education::Literate => pb::GeneralEducation::Literate,
        Education::Primary => pb::GeneralEducation::Primary,
        Education::LowerSecondary => pb::GeneralEducation::LowerSecondary,
        Education::UpperSecondary => pb::GeneralEducation::UpperSecondary,
    }
}

/// The resource name of the version in force from `in_force_from`.
pub fn rule_version_name(in_force_from: NaiveDate) -> String {
    format!("ruleVersions/{}", date::format(in_force_from))
}

/// The longest regulation code accepted.
const MAX_RULE_CODE_CHARS: usize = 50;

/// Reads and checks a regulation version; violations name fields under `prefix`
/// (`rule_version`).
pub fn rule_version_from_proto(
    version: &pb::RuleVersion,
    prefix: &str,
) -> Result<RuleVersion, ApiError> {
    let mut violations = Violations::new();
    let field = |name: &str| format!("{prefix}.{name}");
    let code = partyregistry_vocab::text::normalize(version.code.trim());
    if code.is_empty() || code.chars().count() > MAX_RULE_CODE_CHARS {
        violations.add(
            field("code"),
            format!("must be 1 to {MAX_RULE_CODE_CHARS} characters"),
        );
    }
    let in_force_from =
        violations.check(&field("in_force_from"), date::parse(&version.in_force_from));
    let mut positive = |name: &str, value: i32| -> u32 {
        match u32::try_from(value) {
            Ok(value) if value > 0 => value,
            _ => {
                violations.add(field(name), "must be positive");
                0
            }
        }
    };
    let min_age_months = positive("min_age_months", version.min_age_months);
    let max_age_months = positive("max_age_months", version.max_age_months);
    let certificate_valid_months =
        positive("certificate_valid_months", version.certificate_valid_months);
    let introducers_required = positive("introducers_required", version.introducers_required);
    let introducer_min_months = positive("introducer_min_months", version.introducer_min_months);
    let vote_numerator = positive("vote_numerator", version.vote_numerator);
    let vote_denominator = positive("vote_denominator", version.vote_denominator);
    let papers_valid_months = positive("papers_valid_months", version.papers_valid_months);
    let probation_months = positive("probation_months", version.probation_months);
    let decision_working_days = positive("decision_working_days", version.decision_working_days);
    let ceremony_working_days = positive("ceremony_working_days", version.ceremony_working_days);
    let recognition_working_days =
        positive("recognition_working_days", version.recognition_working_days);
    let min_temporary_transfer_months = positive(
        "min_temporary_transfer_months",
        version.min_temporary_transfer_months,
    );
    let max_temporary_transfer_months = positive(
        "max_temporary_transfer_months",
        version.max_temporary_transfer_months,
    );
    let max_study_transfer_months = positive(
        "max_study_transfer_months",
        version.max_study_transfer_months,
    );
    // The numbers added after the first contract: unset (an older client, or a change recorded
    // before them) means the reference value.
    let reference = RuleVersion::regulation_2021();
    let youth_age_max_months = match version.youth_age_max_months {
        0 => reference.youth_age_max_months,
        value => i64::from(positive("youth_age_max_months", value)),
    };
    let failed_cell_votes_limit = match version.failed_cell_votes_limit {
        0 => reference.failed_cell_votes_limit,
        value => positive("failed_cell_votes_limit", value),
    };
    // Unset is the reference value; 0, set, defers nothing.
    let mut deferral = |name: &str, value: Option<i32>, reference: u32| match value {
        None => reference,
        Some(value) => u32::try_from(value).unwrap_or_else(|_| {
            violations.add(field(name), "must not be negative");
            0
        }),
    };
    let badge_deferral_reprimand_months = deferral(
        "badge_deferral_reprimand_months",
        version.badge_deferral_reprimand_months,
        reference.badge_deferral_reprimand_months,
    );
    let badge_deferral_warning_months = deferral(
        "badge_deferral_warning_months",
        version.badge_deferral_warning_months,
        reference.badge_deferral_warning_months,
    );
    let badge_deferral_dismissal_months = deferral(
        "badge_deferral_dismissal_months",
        version.badge_deferral_dismissal_months,
        reference.badge_deferral_dismissal_months,
    );
    let decision_extension_working_days = u32::try_from(version.decision_extension_working_days)
        .unwrap_or_else(|_| {
            violations.add(
                field("decision_extension_working_days"),
                "must not be negative",
            );
            0
        });
    if min_age_months >= max_age_months && max_age_months > 0 {
        violations.add(
            field("max_age_months"),
            "must be greater than min_age_months",
        );
    }
    if vote_numerator > vote_denominator {
        violations.add(field("vote_numerator"), "must not exceed vote_denominator");
    }
    if min_temporary_transfer_months >= max_temporary_transfer_months
        && max_temporary_transfer_months > 0
    {
        violations.add(
            field("max_temporary_transfer_months"),
            "must be greater than min_temporary_transfer_months",
        );
    }
    let mut level = |name: &str, value: i32| {
        let level = pb::GeneralEducation::try_from(value)
            .ok()
            .and_then(education);
        if level.is_none() {
            violations.add(field(name), "must be a general education level");
        }
        level.unwrap_or(Education::Primary)
    };
    let min_education = level("min_education", version.min_education);
    let min_education_flagged_area = level(
        "min_education_flagged_area",
        version.min_education_flagged_area,
    );
    let min_education_village_elder = match version.min_education_village_elder {
        0 => reference.min_education_village_elder,
        value => level("min_education_village_elder", value),
    };
    violations.finish()?;
    Ok(RuleVersion {
        code,
        // `finish` returned early when the date did not parse.
        in_force_from: in_force_from.unwrap_or(NaiveDate::MIN),
        min_age_months: i64::from(min_age_months),
        max_age_months: i64::from(max_age_months),
        min_education,
        min_education_flagged_area,
        certificate_valid_months,
        introducers_required: introducers_required as usize,
        introducer_min_months: i64::from(introducer_min_months),
        vote_numerator: i64::from(vote_numerator),
        vote_denominator: i64::from(vote_denominator),
        papers_valid_months,
        probation_months,
        decision_working_days,
        decision_extension_working_days,
        ceremony_working_days,
        recognition_working_days,
        min_temporary_transfer_months,
        max_temporary_transfer_months,
        max_study_transfer_months,
        min_education_village_elder,
        youth_age_max_months,
        failed_cell_votes_limit,
        badge_deferral_reprimand_months,
        badge_deferral_warning_months,
        badge_deferral_dismissal_months,
    })
}

/// Saturates instead of failing: every number of a stored version came through
/// [`rule_version_from_proto`], far below `i32::MAX`.
fn to_i32(value: impl TryInto<i32>) -> i32 {
    value.try_into().unwrap_or(i32::MAX)
}

/// The contract form of a regulation version.
pub fn rule_version_to_proto(version: &RuleVersion, etag: String) -> pb::RuleVersion {
    pb::RuleVersion {
        name: rule_version_name(version.in_force_from),
        code: version.code.clone(),
        in_force_from: date::format(version.in_force_from),
        min_age_months: to_i32(version.min_age_months),
        max_age_months: to_i32(version.max_age_months),
        min_education: education_to_proto(version.min_education).into(),
        min_education_flagged_area: education_to_proto(version.min_education_flagged_area).into(),
        certificate_valid_months: to_i32(version.certificate_valid_months),
        introducers_required: to_i32(version.introducers_required),
        introducer_min_months: to_i32(version.introducer_min_months),
        vote_numerator: to_i32(version.vote_numerator),
        vote_denominator: to_i32(version.vote_denominator),
        papers_valid_months: to_i32(version.papers_valid_months),
        probation_months: to_i32(version.probation_months),
        decision_working_days: to_i32(version.decision_working_days),
        decision_extension_working_days: to_i32(version.decision_extension_working_days),
        ceremony_working_days: to_i32(version.ceremony_working_days),
        recognition_working_days: to_i32(version.recognition_working_days),
        min_temporary_transfer_months: to_i32(version.min_temporary_transfer_months),
        max_temporary_transfer_months: to_i32(version.max_temporary_transfer_months),
        max_study_transfer_months: to_i32(version.max_study_transfer_months),
        min_education_village_elder: education_to_proto(version.min_education_village_elder).into(),
        youth_age_max_months: to_i32(version.youth_age_max_months),
        failed_cell_votes_limit: to_i32(version.failed_cell_votes_limit),
        badge_deferral_reprimand_months: Some(to_i32(version.badge_deferral_reprimand_months)),
        badge_deferral_warning_months: Some(to_i32(version.badge_deferral_warning_months)),
        badge_deferral_dismissal_months: Some(to_i32(version.badge_deferral_dismissal_months)),
        etag,
    }
}

/// The facts the eligibility rules judge, read from a stored candidate. `flagged_area` says
/// whether the commune carries an area flag on the day assessed; `official_on_day` whether an
/// introducing member (`members/{id}`) is an official member that day.
pub fn candidate_facts(
    candidate: &pb::Candidate,
    flagged_area: bool,
    official_on_day: impl Fn(&str) -> bool,
) -> Result<CandidateFacts, ApiError> {
    let mut violations = Violations::new();
    let birth_date = violations.check("candidate.birth_date", date::parse(&candidate.birth_date));
    let education = education(candidate.general_education());
    if education.is_none() {
        violations.add("candidate.general_education", "is required");
    }
    let certificate_date = match &candidate.certificate {
        Some(certificate) => violations
            .check(
                "candidate.certificate.issue_date",
                date::parse_optional(&certificate.issue_date),
            )
            .flatten(),
        None => None,
    };
    let papers_date = violations
        .check(
            "candidate.papers_date",
            date::parse_optional(&candidate.papers_date),
        )
        .flatten();
    let away_comment_date = violations
        .check(
            "candidate.away_comment_date",
            date::parse_optional(&candidate.away_comment_date),
        )
        .flatten();
    violations.finish()?;
    let introducers = candidate
        .introducers
        .iter()
        .map(|introducer| IntroducerFacts {
            youth_union_committee: introducer.youth_union_committee,
            official_member: !introducer.youth_union_committee
                && official_on_day(&introducer.member),
            months_worked_together: i64::from(introducer.months_worked_together),
        })
        .collect();
    Ok(CandidateFacts {
        // `finish` returned early when either was missing.
        birth_date: birth_date.unwrap_or(NaiveDate::MIN),
        education: education.unwrap_or(Education::Primary),
        flagged_area,
        certificate_date,
        introducers,
        youth_union: candidate.youth_union,
        demobilised_soldier: candidate.source() == pb::CandidateSource::DemobilisedSoldier,
        has_military_referral: candidate.has_military_referral,
        class_retaken_locally: candidate.class_retaken_locally,
        lives_away: candidate.lives_away,
        away_comment_date,
        papers_date,
        cell_vote: taken_vote(candidate.cell_vote.as_ref()),
        background_check_failed: candidate.background_check() == pb::BackgroundCheck::Failed,
        exceptions: exceptions_by(candidate, NaiveDate::MAX),
        youth_union_organisation: !candidate.no_youth_union_organisation,
        failed_cell_votes: failed_cell_votes_by(candidate, NaiveDate::MAX),
    })
}

/// The rules' kind of an exception; `None` when unset.
pub fn exception_kind(kind: pb::ExceptionKind) -> Option<ExceptionKind> {
    match kind {
        pb::ExceptionKind::Unspecified => None,
        pb::ExceptionKind::OverAgeConsent => Some(ExceptionKind::OverAgeConsent),
        pb::ExceptionKind::VillageElderLiteracy => Some(ExceptionKind::VillageElderLiteracy),
        pb::ExceptionKind::EducationByVillage => Some(ExceptionKind::EducationByVillage),
        pb::ExceptionKind::EducationByPersonalSituation => {
            Some(ExceptionKind::EducationByPersonalSituation)
        }
    }
}

/// The kinds of the candidate's exceptions decided on or before `day`: a consent counts from
/// its decision, so an admission decided before it does not see it.
pub fn exceptions_by(candidate: &pb::Candidate, day: NaiveDate) -> Vec<ExceptionKind> {
    candidate
        .exceptions
        .iter()
        .filter(|e| date::parse(&e.decision_date).is_ok_and(|decided| decided <= day))
        .filter_map(|e| exception_kind(e.kind()))
        .collect()
}

/// The candidate's unsuccessful cell votes taken on or before `day`.
pub fn failed_cell_votes_by(candidate: &pb::Candidate, day: NaiveDate) -> u32 {
    let count = candidate
        .failed_cell_votes
        .iter()
        .filter(|v| date::parse(&v.vote_date).is_ok_and(|voted| voted <= day))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// A vote counts once somebody was entitled to cast it; an empty tally means not yet taken.
pub fn taken_vote(tally: Option<&pb::VoteTally>) -> Option<Vote> {
    tally.filter(|t| t.eligible > 0).map(|t| Vote {
        eligible: i64::from(t.eligible),
        yes: i64::from(t.yes),
    })
}

/// The contract form of a blocker.
pub fn blocker_to_proto(blocker: &Blocker) -> pb::Blocker {
    pb::Blocker {
        code: blocker.code.code().to_owned(),
        message: blocker.message.clone(),
        field: blocker.field.clone(),
    }
}

/// The domain form of a contract stage; `None` for the unset value.
pub fn stage(stage: pb::CandidateStage) -> Option<CandidateStage> {
    use pb::CandidateStage as Pb;
    Some(match stage {
        Pb::Unspecified => return None,
        Pb::Identified => CandidateStage::Identified,
        Pb::ClassDone => CandidateStage::ClassDone,
        Pb::Dossier => CandidateStage::Dossier,
        Pb::Verified => CandidateStage::Verified,
        Pb::CellApproved => CandidateStage::CellApproved,
        Pb::CommitteeApproved => CandidateStage::CommitteeApproved,
        Pb::Admitted => CandidateStage::Admitted,
        Pb::Withdrawn => CandidateStage::Withdrawn,
        Pb::Ineligible => CandidateStage::Ineligible,
    })
}

/// The contract form of a domain stage.
pub fn stage_to_proto(stage: CandidateStage) -> pb::CandidateStage {
    use pb::CandidateStage as Pb;
    match stage {
        CandidateStage::Identified => Pb::Identified,
        CandidateStage::ClassDone => Pb::ClassDone,
        CandidateStage::Dossier => Pb::Dossier,
        CandidateStage::Verified => Pb::Verified,
        CandidateStage::CellApproved => Pb::CellApproved,
        CandidateStage::CommitteeApproved => Pb::CommitteeApproved,
        CandidateStage::Admitted => Pb::Admitted,
        CandidateStage::Withdrawn => Pb::Withdrawn,
        CandidateStage::Ineligible => Pb::Ineligible,
    }
}

/// Whether a candidate at `stage` is still in the pipeline.
pub fn is_open(stage: pb::CandidateStage) -> bool {
    self::stage(stage).is_some_and(CandidateStage::is_open)
}

/// The stage after `stage` on the way to admission; `None` from a closed or unset stage.
pub fn next_stage(stage: pb::CandidateStage) -> Option<pb::CandidateStage> {
    self::stage(stage)
        .and_then(CandidateStage::next)
        .map(stage_to_proto)
}

/// What a cell secretary should do next for a candidate at `stage`, in Vietnamese (an unset
/// stage reads as out of the pipeline).
pub fn next_step(stage: pb::CandidateStage, first_blocker: Option<BlockerCode>) -> String {
    self::stage(stage).map_or_else(
        || CandidateStage::Withdrawn.next_step(None),
        |stage| stage.next_step(first_blocker),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference_2021() -> pb::RuleVersion {
        rule_version_to_proto(&RuleVersion::regulation_2021(), "1".into())
    }

    #[test]
    fn rule_versions_round_trip_through_the_contract() {
        for version in [
            RuleVersion::regulation_2021(),
            RuleVersion::regulation_2025(),
        ] {
            let message = rule_version_to_proto(&version, "3".into());
            assert_eq!(message.name, rule_version_name(version.in_force_from));
            let read = rule_version_from_proto(&message, "rule_version").expect("valid version");
            assert_eq!(read, version);
        }
    }

    #[test]
    fn badge_deferrals_read_unset_as_the_reference_and_zero_as_none() {
        let mut message = reference_2021();
        message.badge_deferral_warning_months = None;
        message.badge_deferral_dismissal_months = Some(0);
        message.badge_deferral_reprimand_months = Some(-1);
        let Err(ApiError::InvalidArgument(violations)) =
            rule_version_from_proto(&message, "rule_version")
        else {
            panic!("expected INVALID_ARGUMENT");
        };
        let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["rule_version.badge_deferral_reprimand_months"]);
        message.badge_deferral_reprimand_months = Some(3);
        let read = rule_version_from_proto(&message, "rule_version").expect("valid version");
        assert_eq!(
            (
                read.badge_deferral_reprimand_months,
                read.badge_deferral_warning_months,
                read.badge_deferral_dismissal_months
            ),
            (3, 6, 0)
        );
    }

    #[test]
    fn a_rule_version_with_bad_numbers_names_each_field() {
        let mut message = reference_2021();
        message.min_age_months = -1;
        message.vote_numerator = 4;
        message.code = String::new();
        let Err(ApiError::InvalidArgument(violations)) =
            rule_version_from_proto(&message, "rule_version")
        else {
            panic!("expected INVALID_ARGUMENT");
        };
        let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rule_version.code",
                "rule_version.min_age_months",
                "rule_version.vote_numerator"
            ]
        );
    }

    #[test]
    fn candidate_facts_read_introducers_votes_and_soldiers() {
        let candidate = pb::Candidate {
            birth_date: "2000-05-01".into(),
            general_education: pb::GeneralEducation::Primary.into(),
            source: pb::CandidateSource::DemobilisedSoldier.into(),
            certificate: Some(pb::AwarenessCertificate {
                issuer: "Trung đoàn 254".into(),
                issue_date: "2022-03-01".into(),
            }),
            introducers: vec![
                pb::Introducer {
                    member: "members/7".into(),
                    youth_union_committee: false,
                    months_worked_together: 14,
                },
                pb::Introducer {
                    member: "members/8".into(),
                    youth_union_committee: false,
                    months_worked_together: 20,
                },
            ],
            cell_vote: Some(pb::VoteTally::default()),
            class_retaken_locally: true,
            lives_away: true,
            away_comment_date: "2022-04-02".into(),
            ..Default::default()
        };
        let facts = candidate_facts(&candidate, false, |member| member == "members/7")
            .expect("complete candidate");
        assert_eq!(facts.education, Education::Primary);
        assert!(facts.demobilised_soldier && !facts.has_military_referral);
        assert!(facts.class_retaken_locally && facts.lives_away);
        assert_eq!(facts.away_comment_date, NaiveDate::from_ymd_opt(2022, 4, 2));
        assert_eq!(
            facts
                .introducers
                .iter()
                .map(|i| i.official_member)
                .collect::<Vec<_>>(),
            [true, false]
        );
        assert_eq!(
            facts.cell_vote, None,
            "an empty tally is a vote not yet taken"
        );
        assert_eq!(facts.certificate_date, NaiveDate::from_ymd_opt(2022, 3, 1));
    }

    #[test]
    fn candidate_facts_name_missing_and_unreadable_fields() {
        let unreadable = pb::Candidate {
            away_comment_date: "2022-02-30".into(),
            ..Default::default()
        };
        let Err(ApiError::InvalidArgument(violations)) =
            candidate_facts(&unreadable, false, |_| true)
        else {
            panic!("expected INVALID_ARGUMENT");
        };
        let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "candidate.birth_date",
                "candidate.general_education",
                "candidate.away_comment_date"
            ]
        );
    }

    #[test]
    fn stages_advance_in_order_and_close() {
        let mut stage = pb::CandidateStage::Identified;
        let mut steps = 0;
        while let Some(next) = next_stage(stage) {
            assert!(is_open(stage));
            stage = next;
            steps += 1;
        }
        assert_eq!((stage, steps), (pb::CandidateStage::Admitted, 6));
        assert!(!is_open(pb::CandidateStage::Withdrawn));
    }

    #[test]
    fn the_next_step_addresses_the_first_blocker() {
        let blocked = next_step(
            pb::CandidateStage::ClassDone,
            Some(BlockerCode::EducationBelowMinimum),
        );
        assert_eq!(blocked, "Tháo gỡ vướng mắc — Chưa đủ trình độ học vấn");
        assert_eq!(
            next_step(pb::CandidateStage::Verified, None),
            "Chi bộ họp xét, biểu quyết đề nghị kết nạp"
        );
    }
}
