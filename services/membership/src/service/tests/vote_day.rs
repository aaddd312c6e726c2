//! Eligibility judged on the day the cell votes, through the commands: approval by the
//! committee, admission and the eligibility check, on each backend.

use super::*;

/// A member who may introduce: official since 2011.
async fn introducer(membership: &Membership) -> pb::Member {
    member(
        membership,
        "Hoàng Văn Bút",
        ("2010-03-01", "2010-03-20", "2011-03-20"),
    )
    .await
}

/// A verified candidate born on `birth`, with a certificate and papers of the given days, whose
/// cell voted on `voted` (its one official member, the introducer, in favour); returns its id
/// once the cell approved on that day.
async fn cell_approved(
    membership: &Membership,
    introducer: &pb::Member,
    (full_name, birth): (&str, &str),
    (certificate, papers): (&str, &str),
    voted: &str,
) -> i64 {
    let sent = pb::Candidate {
        stage: pb::CandidateStage::Verified.into(),
        birth_date: birth.into(),
        certificate: Some(pb::AwarenessCertificate {
            issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
            issue_date: certificate.into(),
        }),
        introducers: vec![
            pb::Introducer {
                member: String::new(),
                youth_union_committee: true,
                months_worked_together: 12,
            },
            pb::Introducer {
                member: introducer.name.clone(),
                youth_union_committee: false,
                months_worked_together: 24,
            },
        ],
        papers_date: papers.into(),
        background_check: pb::BackgroundCheck::Passed.into(),
        cell_vote: Some(pb::VoteTally {
            eligible: 1,
            present: 1,
            yes: 1,
            no: 0,
        }),
        committee_vote: Some(pb::VoteTally {
            eligible: 11,
            present: 11,
            yes: 9,
            no: 2,
        }),
        ..candidate_message(full_name)
    };
    let created = create(membership, &sent, None).await.expect("created");
    let id = convert_admission::parse_candidate("name", &created.name).expect("id");
    let approved = step(membership, id, pb::CandidateStage::CellApproved, voted)
        .await
        .expect("the cell approved");
    assert_eq!(approved.cell_vote_date, voted, "the vote day is recorded");
    id
}

fn decision(on: &str) -> AdmitDecision {
    AdmitDecision {
        decision_date: d(on),
        decision_number: "152-QĐ/ĐU".into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        ceremony_date: None,
    }
}

async fn seeded(membership: &Membership) -> pb::Member {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    introducer(membership).await
}

async fn too_young_at_the_vote_is_refused_though_18_at_the_decision(membership: &Membership) {
    let introducer = seeded(membership).await;
    // Born 2007-07-01: 17 years 11 months at the vote (2025-06-10), 18 by the committee's day.
    let id = cell_approved(
        membership,
        &introducer,
        ("Lò Thị Mai", "2007-07-01"),
        ("2025-03-01", "2025-04-01"),
        "2025-06-10",
    )
    .await;
    let check = membership
        .check_eligibility(id, d("2025-07-15"))
        .await
        .expect("assessed");
    assert_eq!(
        (
            check.eligible,
            check.judged_on.as_str(),
            check.blockers[0].code.as_str()
        ),
        (false, "2025-06-10", "AGE_UNDER_MINIMUM")
    );
    let before = head(membership).await;
    let refused = step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect_err("too young at the vote");
    assert_eq!(
        rejection(refused),
        ("CANDIDATE_NOT_ELIGIBLE".into(), "name".into())
    );
    assert_eq!(head(membership).await, before, "nothing written");
}

async fn nearly_60_at_the_vote_is_admitted_though_older_at_the_decision(membership: &Membership) {
    let introducer = seeded(membership).await;
    // Born 1965-07-01: 59 years 11 months at the vote, past 60 at the decision.
    let id = cell_approved(
        membership,
        &introducer,
        ("Vàng Thị Dính", "1965-07-01"),
        ("2025-03-01", "2025-04-01"),
        "2025-06-10",
    )
    .await;
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("eligible at the vote");
    let admitted = membership
        .admit_candidate(id, decision("2025-08-15"), None)
        .await
        .expect("admitted: the age is judged at the vote");
    assert_eq!(admitted.status(), pb::MemberStatus::Admitted);
}

async fn papers_lapsing_after_the_vote_do_not_block_the_admission(membership: &Membership) {
    let introducer = seeded(membership).await;
    // The certificate is exactly 60 months old and the papers exactly 12 months old at the vote;
    // both have lapsed by the committee's day and the decision.
    let id = cell_approved(
        membership,
        &introducer,
        ("Lù Văn Páo", "1995-02-14"),
        ("2020-06-10", "2024-06-10"),
        "2025-06-10",
    )
    .await;
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("valid at the vote");
    let admitted = membership
        .admit_candidate(id, decision("2025-07-20"), None)
        .await
        .expect("admitted");
    assert_eq!(
        admitted.admission.map(|a| a.decision_date),
        Some("2025-07-20".into())
    );
}

on_both_backends! {
    too_young_at_the_vote_is_refused_though_18_at_the_decision =>
        sqlite_too_young_at_the_vote_is_refused_though_18_at_the_decision,
        postgres_too_young_at_the_vote_is_refused_though_18_at_the_decision;
    nearly_60_at_the_vote_is_admitted_though_older_at_the_decision =>
        sqlite_nearly_60_at_the_vote_is_admitted_though_older_at_the_decision,
        postgres_nearly_60_at_the_vote_is_admitted_though_older_at_the_decision;
    papers_lapsing_after_the_vote_do_not_block_the_admission =>
        sqlite_papers_lapsing_after_the_vote_do_not_block_the_admission,
        postgres_papers_lapsing_after_the_vote_do_not_block_the_admission;
}

async fn a_vote_counted_on_a_typed_denominator_is_refused(membership: &Membership) {
    let introducer = seeded(membership).await;
    // Nine official members on the vote day: the introducer and eight more.
    for i in 0..8 {
        member(
            membership,
            &format!("Đảng Viên Số {i}"),
            ("2010-03-01", "2010-03-20", "2011-03-20"),
        )
        .await;
    }
    let sent = pb::Candidate {
        stage: pb::CandidateStage::Verified.into(),
        certificate: Some(pb::AwarenessCertificate {
            issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
            issue_date: "2025-03-01".into(),
        }),
        introducers: vec![
            pb::Introducer {
                member: String::new(),
                youth_union_committee: true,
                months_worked_together: 12,
            },
            pb::Introducer {
                member: introducer.name.clone(),
                youth_union_committee: false,
                months_worked_together: 24,
            },
        ],
        papers_date: "2025-04-01".into(),
        background_check: pb::BackgroundCheck::Passed.into(),
        cell_vote: Some(pb::VoteTally {
            eligible: 3,
            present: 3,
            yes: 2,
            no: 1,
        }),
        cell_vote_date: "2025-06-10".into(),
        ..candidate_message("Lò Thị Mai")
    };
    let created = create(membership, &sent, None).await.expect("created");
    let id = convert_admission::parse_candidate("name", &created.name).expect("id");
    let before = head(membership).await;
    let refused = step(
        membership,
        id,
        pb::CandidateStage::CellApproved,
        "2025-06-10",
    )
    .await
    .expect_err("2 of 3 typed, but the cell has 9 official members");
    assert_eq!(
        rejection(refused),
        (
            "VOTE_ELIGIBLE_MISMATCH".into(),
            "candidate.cell_vote.eligible".into()
        )
    );
    assert_eq!(head(membership).await, before, "nothing written");

    let mut counted = created.clone();
    counted.cell_vote = Some(pb::VoteTally {
        eligible: 9,
        present: 9,
        yes: 6,
        no: 3,
    });
    update(membership, &counted).await.expect("the real tally");
    step(
        membership,
        id,
        pb::CandidateStage::CellApproved,
        "2025-06-10",
    )
    .await
    .expect("6 of the 9 official members");
}

on_both_backends! {
    a_vote_counted_on_a_typed_denominator_is_refused =>
        sqlite_a_vote_counted_on_a_typed_denominator_is_refused,
        postgres_a_vote_counted_on_a_typed_denominator_is_refused;
}
