//! Exceptions recorded with who decided, when and under which reference; the Youth Union's
//! introduction of youth-age applicants; the cell's unsuccessful votes; the local class that
//! stands for a soldier's referral and the comment that admits a candidate living away, through
//! the commands on each backend.

use super::vote_day::{blocker_codes, cell_approved, decision, recorded, seeded, verified};
use super::*;

fn exception(kind: pb::ExceptionKind, decided: &str) -> pb::AdmissionException {
    pb::AdmissionException {
        kind: kind.into(),
        decided_by: "Ban Thường vụ Tỉnh ủy Lào Cai".into(),
        decision_date: decided.into(),
        reference_number: "125-CV/TU".into(),
        note: String::new(),
    }
}

async fn over_60_is_admitted_only_with_the_recorded_consent(membership: &Membership) {
    let introducer = seeded(membership).await;
    // 63 years old when the cell votes on 10 June 2025.
    let id = cell_approved(
        membership,
        &introducer,
        ("Vàng Văn Sình", "1962-03-01"),
        ("2025-03-01", "2025-04-01"),
        "2025-06-10",
    )
    .await;
    assert_eq!(
        refused_step(
            membership,
            id,
            pb::CandidateStage::CommitteeApproved,
            "2025-07-15",
            "over 60 without consent"
        )
        .await,
        ("CANDIDATE_NOT_ELIGIBLE".into(), "name".into())
    );

    // A consent without its reference number is refused, naming the field.
    let mut stored = membership.candidate(id).await.expect("stored");
    stored.exceptions = vec![pb::AdmissionException {
        reference_number: String::new(),
        ..exception(pb::ExceptionKind::OverAgeConsent, "2025-07-01")
    }];
    let refused = update(membership, &stored).await.expect_err("no reference");
    assert_eq!(
        rejection(refused),
        (
            "INVALID_ARGUMENT".into(),
            "candidate.exceptions[0].reference_number".into()
        )
    );
    stored.exceptions = vec![exception(pb::ExceptionKind::OverAgeConsent, "2025-07-01")];
    let recorded = update(membership, &stored).await.expect("consent recorded");
    assert_eq!(recorded.exceptions, stored.exceptions, "read back whole");

    // The consent counts from its day: asked before it, the age still blocks.
    assert_eq!(
        blocker_codes(membership, id, "2025-06-20").await,
        ["AGE_OVER_MAXIMUM"]
    );
    assert!(blocker_codes(membership, id, "2025-07-15").await.is_empty());
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("approved with the consent");
    let admitted = membership
        .admit_candidate(id, decision("2025-07-20"), (None, &super::national()))
        .await
        .expect("admitted with the consent");
    assert_eq!(admitted.status(), pb::MemberStatus::Admitted);
}

async fn education_exceptions_lower_the_minimum(membership: &Membership) {
    let introducer = seeded(membership).await;
    let mut elder = verified(
        &introducer,
        ("Giàng A Páo", "1970-05-05"),
        ("2025-03-01", "2025-04-01"),
    );
    elder.general_education = pb::GeneralEducation::Literate.into();
    let (elder_id, elder) = recorded(membership, elder).await;
    let mut villager = verified(
        &introducer,
        ("Lý Thị Sử", "1999-05-05"),
        ("2025-03-01", "2025-04-01"),
    );
    villager.general_education = pb::GeneralEducation::Primary.into();
    let (villager_id, villager) = recorded(membership, villager).await;
    for id in [elder_id, villager_id] {
        assert_eq!(
            blocker_codes(membership, id, "2025-06-10").await,
            ["EDUCATION_BELOW_MINIMUM"],
            "the commune carries no flag"
        );
    }

    let mut by_village = villager.clone();
    by_village.exceptions = vec![pb::AdmissionException {
        decided_by: "Ban Thường vụ Đảng ủy xã Hợp Thành".into(),
        note: "Thôn Sơn Hải thuộc vùng đặc biệt khó khăn".into(),
        ..exception(pb::ExceptionKind::EducationByVillage, "2025-05-20")
    }];
    update(membership, &by_village).await.expect("recorded");
    assert!(
        blocker_codes(membership, villager_id, "2025-06-10")
            .await
            .is_empty()
    );

    // The village exception does not reach a literate elder: only the elder's exception does.
    let mut wrong = elder.clone();
    wrong.exceptions = vec![exception(
        pb::ExceptionKind::EducationByVillage,
        "2025-05-20",
    )];
    let wrong = update(membership, &wrong).await.expect("recorded");
    assert_eq!(
        blocker_codes(membership, elder_id, "2025-06-10").await,
        ["EDUCATION_BELOW_MINIMUM"]
    );
    let mut literate = wrong;
    literate.exceptions = vec![exception(
        pb::ExceptionKind::VillageElderLiteracy,
        "2025-05-20",
    )];
    update(membership, &literate).await.expect("recorded");
    assert!(
        blocker_codes(membership, elder_id, "2025-06-10")
            .await
            .is_empty()
    );
}

on_both_backends! {
    over_60_is_admitted_only_with_the_recorded_consent =>
        sqlite_over_60_is_admitted_only_with_the_recorded_consent,
        postgres_over_60_is_admitted_only_with_the_recorded_consent;
    education_exceptions_lower_the_minimum =>
        sqlite_education_exceptions_lower_the_minimum,
        postgres_education_exceptions_lower_the_minimum;
}

async fn a_youth_age_applicant_needs_the_youth_union_committee(membership: &Membership) {
    let introducer = seeded(membership).await;
    let second = member(
        membership,
        "Lục Văn Thái",
        ("2010-03-01", "2010-03-20", "2011-03-20"),
    )
    .await;
    // 24 years old at the vote, introduced by two official members; the cell has two.
    let mut sent = verified(
        &introducer,
        ("Hoàng Thị Nhung", "2001-02-14"),
        ("2025-03-01", "2025-04-01"),
    );
    sent.introducers[0] = pb::Introducer {
        member: second.name.clone(),
        youth_union_committee: false,
        months_worked_together: 24,
    };
    sent.cell_vote = Some(pb::VoteTally {
        eligible: 2,
        present: 2,
        yes: 2,
        no: 0,
    });
    let (id, _) = recorded(membership, sent).await;
    step(
        membership,
        id,
        pb::CandidateStage::CellApproved,
        "2025-06-10",
    )
    .await
    .expect("the cell approved");
    assert_eq!(
        blocker_codes(membership, id, "2025-07-15").await,
        ["YOUTH_UNION_INTRODUCTION_MISSING"]
    );
    let refused = step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect_err("no Youth Union introduction");
    assert_eq!(
        rejection(refused),
        ("CANDIDATE_NOT_ELIGIBLE".into(), "name".into())
    );
    // Where no Youth Union organisation exists, two official members introduce.
    let mut stored = membership.candidate(id).await.expect("stored");
    stored.no_youth_union_organisation = true;
    update(membership, &stored).await.expect("recorded");
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("approved");
}

fn failed(voted: &str) -> pb::FailedCellVote {
    pb::FailedCellVote {
        tally: Some(pb::VoteTally {
            eligible: 1,
            present: 1,
            yes: 0,
            no: 1,
        }),
        vote_date: voted.into(),
    }
}

async fn the_third_failed_vote_sends_the_case_up(membership: &Membership) {
    let introducer = seeded(membership).await;
    let mut sent = verified(
        &introducer,
        ("Sùng Thị Máy", "2000-02-14"),
        ("2025-03-01", "2025-04-01"),
    );
    sent.failed_cell_votes = vec![failed("2025-04-10")];
    sent.failed_cell_votes[0].tally = sent.cell_vote;
    let refused = create(membership, &sent, None)
        .await
        .expect_err("a passing vote is not a failed one");
    assert_eq!(
        rejection(refused),
        (
            "VOTE_NOT_FAILED".into(),
            "candidate.failed_cell_votes[0].tally".into()
        )
    );
    sent.failed_cell_votes = vec![failed("2025-03-10"), failed("2025-04-10")];
    let (id, created) = recorded(membership, sent).await;
    assert!(blocker_codes(membership, id, "2025-05-01").await.is_empty());

    let mut third = created.clone();
    third.failed_cell_votes.push(failed("2025-05-10"));
    let third = update(membership, &third)
        .await
        .expect("the third failed vote");
    assert_eq!(third.failed_cell_votes.len(), 3);
    assert_eq!(
        blocker_codes(membership, id, "2025-05-09").await,
        Vec::<String>::new(),
        "two failed votes by then"
    );
    assert_eq!(
        blocker_codes(membership, id, "2025-06-01").await,
        ["CELL_VOTES_EXHAUSTED"]
    );
    let mut fourth = third.clone();
    fourth.failed_cell_votes.push(failed("2025-05-30"));
    let refused = update(membership, &fourth)
        .await
        .expect_err("no fourth vote of the cell");
    assert_eq!(
        rejection(refused),
        (
            "CELL_VOTES_EXHAUSTED".into(),
            "candidate.failed_cell_votes[3]".into()
        )
    );
    assert_eq!(
        refused_step(
            membership,
            id,
            pb::CandidateStage::CellApproved,
            "2025-06-10",
            "the case has gone to the committee above"
        )
        .await,
        (
            "CELL_VOTES_EXHAUSTED".into(),
            "candidate.cell_vote_date".into()
        )
    );
}

on_both_backends! {
    a_youth_age_applicant_needs_the_youth_union_committee =>
        sqlite_a_youth_age_applicant_needs_the_youth_union_committee,
        postgres_a_youth_age_applicant_needs_the_youth_union_committee;
    the_third_failed_vote_sends_the_case_up =>
        sqlite_the_third_failed_vote_sends_the_case_up,
        postgres_the_third_failed_vote_sends_the_case_up;
}

/// Updates only the fields named by `paths`, as an update mask does.
async fn update_masked(
    membership: &Membership,
    c: &pb::Candidate,
    paths: &[&'static str],
) -> Result<pb::Candidate, ApiError> {
    let id = convert_admission::parse_candidate("name", &c.name)?;
    membership
        .update_candidate(id, &c.etag, c.clone(), paths.to_vec())
        .await
}

/// Records `sent`; returns its id and the candidate as stored.
async fn a_soldier_who_retook_the_class_locally_needs_no_referral(membership: &Membership) {
    let introducer = seeded(membership).await;
    let soldier = pb::Candidate {
        source: pb::CandidateSource::DemobilisedSoldier.into(),
        ..verified(
            &introducer,
            ("Vương Văn Quân", "1999-05-05"),
            ("2025-03-01", "2025-04-01"),
        )
    };
    let (id, created) = recorded(membership, soldier).await;
    assert_eq!(
        blocker_codes(membership, id, "2025-06-10").await,
        ["MILITARY_REFERRAL_MISSING"]
    );

    // Only the masked fact changes; it is read back.
    let mut retaken = created.clone();
    retaken.class_retaken_locally = true;
    retaken.occupation = "ignored: not in the mask".into();
    let stored = update_masked(membership, &retaken, &["class_retaken_locally"])
        .await
        .expect("recorded");
    assert!(stored.class_retaken_locally && !stored.has_military_referral);
    assert_eq!(stored.occupation, created.occupation);
    assert_eq!(
        membership.candidate(id).await.expect("stored"),
        stored,
        "read back whole"
    );
    assert!(blocker_codes(membership, id, "2025-06-10").await.is_empty());
    step(
        membership,
        id,
        pb::CandidateStage::CellApproved,
        "2025-06-10",
    )
    .await
    .expect("the cell approved");
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("approved without the unit's referral");
}

async fn living_away_is_lifted_by_the_comment_of_the_organisation_there(membership: &Membership) {
    let introducer = seeded(membership).await;
    let away = pb::Candidate {
        lives_away: true,
        ..verified(
            &introducer,
            ("Lầu Thị Xa", "1999-05-05"),
            ("2025-03-01", "2025-04-01"),
        )
    };
    let (id, _) = recorded(membership, away).await;
    let approved = step(
        membership,
        id,
        pb::CandidateStage::CellApproved,
        "2025-06-10",
    )
    .await
    .expect("the cell approved");
    assert_eq!(
        blocker_codes(membership, id, "2025-07-15").await,
        ["LIVES_AWAY"]
    );

    // A comment dated in the future is refused, naming the field, and writes nothing.
    let mut commented = approved.clone();
    commented.away_comment_date = "2099-01-01".into();
    let before = head(membership).await;
    let refused = update_masked(membership, &commented, &["away_comment_date"])
        .await
        .expect_err("a comment not given yet");
    assert_eq!(
        rejection(refused),
        (
            "INVALID_ARGUMENT".into(),
            "candidate.away_comment_date".into()
        )
    );
    assert_eq!(head(membership).await, before, "nothing written");

    // Given after the cell's vote, the day eligibility is judged on, the comment does not count.
    commented.away_comment_date = "2025-06-20".into();
    let late = update_masked(membership, &commented, &["away_comment_date"])
        .await
        .expect("recorded");
    assert_eq!(late.away_comment_date, "2025-06-20");
    assert_eq!(
        blocker_codes(membership, id, "2025-07-15").await,
        ["LIVES_AWAY"]
    );
    assert_eq!(
        refused_step(
            membership,
            id,
            pb::CandidateStage::CommitteeApproved,
            "2025-07-15",
            "the comment came after the vote"
        )
        .await,
        ("CANDIDATE_NOT_ELIGIBLE".into(), "name".into())
    );

    let mut in_time = late.clone();
    in_time.away_comment_date = "2025-06-01".into();
    update_masked(membership, &in_time, &["away_comment_date"])
        .await
        .expect("recorded");
    assert_eq!(
        membership
            .candidate(id)
            .await
            .expect("stored")
            .away_comment_date,
        "2025-06-01"
    );
    assert!(blocker_codes(membership, id, "2025-07-15").await.is_empty());
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("approved with the comment");
}

on_both_backends! {
    a_soldier_who_retook_the_class_locally_needs_no_referral =>
        sqlite_a_soldier_who_retook_the_class_locally_needs_no_referral,
        postgres_a_soldier_who_retook_the_class_locally_needs_no_referral;
    living_away_is_lifted_by_the_comment_of_the_organisation_there =>
        sqlite_living_away_is_lifted_by_the_comment_of_the_organisation_there,
        postgres_living_away_is_lifted_by_the_comment_of_the_organisation_there;
}
