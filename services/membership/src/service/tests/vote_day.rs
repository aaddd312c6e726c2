//! Eligibility judged on the day the cell votes, through the commands: approval by the
//! committee, admission and the eligibility check, on each backend.

use super::*;

/// A member who may introduce: official since 2011.
pub(super) async fn introducer(membership: &Membership) -> pb::Member {
    member(
        membership,
        "Hoàng Văn Bút",
        ("2010-03-01", "2010-03-20", "2011-03-20"),
    )
    .await
}

/// A verified candidate born on `birth`, with a certificate and papers of the given days and
/// the cell's vote of [`approved_candidate`] (its one official member, the introducer, in
/// favour), its day not yet recorded.
pub(super) fn verified(
    introducer: &pb::Member,
    (full_name, birth): (&str, &str),
    (certificate, papers): (&str, &str),
) -> pb::Candidate {
    let approved = approved_candidate(full_name, &introducer.name);
    pb::Candidate {
        stage: pb::CandidateStage::Verified.into(),
        birth_date: birth.into(),
        certificate: approved
            .certificate
            .clone()
            .map(|issued| pb::AwarenessCertificate {
                issue_date: certificate.into(),
                ..issued
            }),
        papers_date: papers.into(),
        cell_vote_date: String::new(),
        ..approved
    }
}

/// Records the candidate `sent`; returns its id and the candidate as recorded.
pub(super) async fn recorded(membership: &Membership, sent: pb::Candidate) -> (i64, pb::Candidate) {
    let created = create(membership, &sent, None).await.expect("created");
    let id = convert_admission::parse_candidate("name", &created.name).expect("id");
    (id, created)
}

/// The blocker codes of the candidate `id` judged on `on`.
pub(super) async fn blocker_codes(membership: &Membership, id: i64, on: &str) -> Vec<String> {
    let check = membership
        .check_eligibility(id, d(on))
        .await
        .expect("assessed");
    check.blockers.into_iter().map(|b| b.code).collect()
}

/// The candidate of [`verified`], recorded and approved by its cell on `voted`; returns its id.
pub(super) async fn cell_approved(
    membership: &Membership,
    introducer: &pb::Member,
    person: (&str, &str),
    papers: (&str, &str),
    voted: &str,
) -> i64 {
    let (id, _) = recorded(membership, verified(introducer, person, papers)).await;
    let approved = step(membership, id, pb::CandidateStage::CellApproved, voted)
        .await
        .expect("the cell approved");
    assert_eq!(approved.cell_vote_date, voted, "the vote day is recorded");
    id
}

pub(super) fn decision(on: &str) -> AdmitDecision {
    AdmitDecision {
        decision_date: d(on),
        decision_number: "152-QĐ/ĐU".into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        ceremony_date: None,
        decision_received_date: None,
    }
}

pub(super) async fn seeded(membership: &Membership) -> pb::Member {
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
    assert_eq!(
        refused_step(
            membership,
            id,
            pb::CandidateStage::CommitteeApproved,
            "2025-07-15",
            "too young at the vote"
        )
        .await,
        ("CANDIDATE_NOT_ELIGIBLE".into(), "name".into())
    );
}

/// A candidate whose cell voted on 10 June 2025 and whose committee approved on 15 July 2025,
/// admitted by the decision of `decided`.
async fn admitted_after_the_vote(
    membership: &Membership,
    person: (&str, &str),
    papers: (&str, &str),
    decided: &str,
) -> pb::Member {
    let introducer = seeded(membership).await;
    let id = cell_approved(membership, &introducer, person, papers, "2025-06-10").await;
    step(
        membership,
        id,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await
    .expect("eligible at the vote");
    membership
        .admit_candidate(id, decision(decided), (None, &super::national()))
        .await
        .expect("admitted: judged at the vote")
}

async fn nearly_60_at_the_vote_is_admitted_though_older_at_the_decision(membership: &Membership) {
    // Born 1965-07-01: 59 years 11 months at the vote, past 60 at the decision.
    let admitted = admitted_after_the_vote(
        membership,
        ("Vàng Thị Dính", "1965-07-01"),
        ("2025-03-01", "2025-04-01"),
        "2025-08-15",
    )
    .await;
    assert_eq!(admitted.status(), pb::MemberStatus::Admitted);
}

async fn papers_lapsing_after_the_vote_do_not_block_the_admission(membership: &Membership) {
    // The certificate is exactly 60 months old and the papers exactly 12 months old at the vote;
    // both have lapsed by the committee's day and the decision.
    let admitted = admitted_after_the_vote(
        membership,
        ("Lù Văn Páo", "1995-02-14"),
        ("2020-06-10", "2024-06-10"),
        "2025-07-20",
    )
    .await;
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
        cell_vote: Some(pb::VoteTally {
            eligible: 3,
            present: 3,
            yes: 2,
            no: 1,
        }),
        ..verified(
            &introducer,
            ("Lò Thị Mai", "2001-02-14"),
            ("2025-03-01", "2025-04-01"),
        )
    };
    let (id, created) = recorded(membership, sent).await;
    assert_eq!(
        refused_step(
            membership,
            id,
            pb::CandidateStage::CellApproved,
            "2025-06-10",
            "2 of 3 typed, but the cell has 9 official members"
        )
        .await,
        (
            "VOTE_ELIGIBLE_MISMATCH".into(),
            "candidate.cell_vote.eligible".into()
        )
    );

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
