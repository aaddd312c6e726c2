//! The admission pipeline end to end: a candidate driven from admission source to official
//! member through gRPC, every report of the reporting service along the way, the rules and the
//! holiday calendar edited as data, and each bad-input class of the pipeline.

use chrono::NaiveDate;
use partyregistry_kit::BoxError;
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_rules::Calendar;
use partyregistry_tests::{Backend, Pair, on_each_backend};
use tonic::Code;

use crate::fixtures::{
    Client, admission, assert_rejected, new_member, passing_vote, small_commune,
};

type Admission = AdmissionServiceClient<Transport>;

on_each_backend! {
    candidate_goes_from_source_to_official_member;
    pipeline_bad_input_is_rejected_and_nothing_is_written;
    holidays_and_rule_versions_are_data_that_reach_the_reports;
    reporting_finds_the_blockers_membership_finds;
}

fn day(text: &str) -> NaiveDate {
    partyregistry_vocab::date::parse(text).expect("test dates are valid")
}

fn reference_calendar() -> Calendar {
    Calendar::reference()
}

/// Loads a member who has been official since 2011: qualified to introduce candidates.
async fn official_member(
    client: &mut Client,
    cell: &str,
    name: &str,
) -> Result<pb::Member, BoxError> {
    let mut member = new_member(cell, name, "1975-06-02", "2010-03-01", "2010-03-20");
    if let Some(admission) = member.admission.as_mut() {
        admission.official_date = "2011-03-20".into();
    }
    Ok(client
        .record_admission(admission(member, ""))
        .await?
        .into_inner())
}

fn youth_union_candidate(cell: &str) -> pb::Candidate {
    pb::Candidate {
        cell: cell.into(),
        full_name: "Lò Thị Ngọc Mai".into(),
        gender: pb::Gender::Female.into(),
        birth_date: "2001-02-14".into(),
        ethnicity_code: "09".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        occupation: "Nông nghiệp".into(),
        youth_union: true,
        source: pb::CandidateSource::YouthUnion.into(),
        stage_date: "2025-01-10".into(),
        ..Default::default()
    }
}

async fn advance(
    admission: &mut Admission,
    candidate: &str,
    stage: pb::CandidateStage,
    on: &str,
) -> Result<pb::Candidate, tonic::Status> {
    admission
        .advance_candidate(pb::AdvanceCandidateRequest {
            name: candidate.into(),
            stage: stage.into(),
            stage_date: on.into(),
            reason: String::new(),
            request_id: format!("{candidate}-{on}-{}", stage.as_str_name()),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn update(
    admission: &mut Admission,
    candidate: pb::Candidate,
) -> Result<pb::Candidate, tonic::Status> {
    admission
        .update_candidate(pb::UpdateCandidateRequest {
            candidate: Some(candidate),
            update_mask: None,
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn deadlines(
    pair: &mut Pair,
    as_of: &str,
    until: &str,
) -> Result<report::ListDeadlinesResponse, BoxError> {
    Ok(pair
        .reports
        .list_deadlines(report::ListDeadlinesRequest {
            commune: "communes/02680".into(),
            as_of_date: as_of.into(),
            until_date: until.into(),
        })
        .await?
        .into_inner())
}

fn deadline_of<'a>(
    list: &'a report::ListDeadlinesResponse,
    subject: &str,
    kind: report::DeadlineKind,
) -> Option<&'a report::Deadline> {
    list.deadlines
        .iter()
        .find(|d| d.subject == subject && d.kind() == kind)
}

fn bucket(buckets: &[report::Bucket], key: &str) -> i64 {
    buckets
        .iter()
        .find(|b| b.key == key)
        .map(|b| b.members)
        .unwrap_or(0)
}

fn blocker_codes(eligibility: &pb::Eligibility) -> Vec<&str> {
    eligibility
        .blockers
        .iter()
        .map(|b| b.code.as_str())
        .collect()
}

async fn eligibility(
    admission: &mut Admission,
    candidate: &str,
    on: &str,
) -> Result<pb::Eligibility, BoxError> {
    Ok(admission
        .check_eligibility(pb::CheckEligibilityRequest {
            name: candidate.into(),
            on_date: on.into(),
        })
        .await?
        .into_inner())
}

async fn candidate_goes_from_source_to_official_member(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "pipeline").await?;
    let (cell_a, cell_b) = small_commune(&mut pair.membership).await?;
    let introducer = official_member(&mut pair.membership, &cell_a, "Hoàng Văn Bút").await?;
    // Probationary since March 2022 and never recognised: an overdue recognition.
    let overdue = crate::fixtures::admit(&mut pair.membership, &cell_a, "Vàng Thị Dung").await?;

    pair.admission
        .set_target(pb::SetTargetRequest {
            parent: "communes/02680".into(),
            target: Some(pb::Target {
                first_year: 2025,
                last_year: 2030,
                admissions_per_year: 2,
                good_cells_percent: 80,
                ..Default::default()
            }),
        })
        .await?;
    pair.admission
        .set_cell_plan(pb::SetCellPlanRequest {
            parent: cell_a.clone(),
            plan: Some(pb::CellPlan {
                year: 2025,
                sources_to_develop: 2,
                admissions: 1,
                notes: "Bồi dưỡng đoàn viên chi đoàn thôn".into(),
                ..Default::default()
            }),
        })
        .await?;

    // Identified: no certificate and no introducers yet, under the 2021 regulation.
    let created = pair
        .admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(youth_union_candidate(&cell_a)),
            request_id: "candidate-mai".into(),
        })
        .await?
        .into_inner();
    assert_eq!(created.stage(), pb::CandidateStage::Identified);
    assert_eq!(created.full_name, "Lò Thị Ngọc Mai");
    let retried = pair
        .admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(youth_union_candidate(&cell_a)),
            request_id: "candidate-mai".into(),
        })
        .await?
        .into_inner();
    assert_eq!(
        retried.name, created.name,
        "a retry returns the first result"
    );
    let name = created.name.clone();
    let check = eligibility(&mut pair.admission, &name, "2025-01-10").await?;
    assert!(!check.eligible);
    assert_eq!(check.rule_version, "24-QĐ/TW");
    let codes = blocker_codes(&check);
    assert!(codes.contains(&"CERTIFICATE_MISSING"), "{codes:?}");
    assert!(codes.contains(&"INTRODUCERS_MISSING"), "{codes:?}");
    assert!(
        check
            .blockers
            .iter()
            .all(|b| !b.message.is_empty() && !b.field.is_empty())
    );

    pair.caught_up().await?;
    let pipeline = pair
        .reports
        .get_pipeline(report::GetPipelineRequest {
            commune: "communes/02680".into(),
            as_of_date: "2025-02-01".into(),
        })
        .await?
        .into_inner();
    assert_eq!(
        (pipeline.open_candidates, pipeline.eligible_candidates),
        (1, 0)
    );
    assert_eq!(bucket(&pipeline.by_stage, "CANDIDATE_STAGE_IDENTIFIED"), 1);
    assert_eq!(bucket(&pipeline.by_blocker, "CERTIFICATE_MISSING"), 1);
    assert_eq!(pipeline.cells.len(), 2, "every open cell is listed");
    let before_identified = pair
        .reports
        .get_pipeline(report::GetPipelineRequest {
            commune: "communes/02680".into(),
            as_of_date: "2024-12-31".into(),
        })
        .await?
        .into_inner();
    assert_eq!(
        before_identified.open_candidates, 0,
        "not a source yet on that day"
    );

    // The class, the dossier, the introducers (the Youth Union committee and one official
    // member) and the verification.
    let mut facts = created.clone();
    facts.certificate = Some(pb::AwarenessCertificate {
        issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
        issue_date: "2025-03-01".into(),
    });
    facts.introducers = vec![
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
    ];
    facts.papers_date = "2025-04-01".into();
    facts.background_check = pb::BackgroundCheck::Passed.into();
    let updated = update(&mut pair.admission, facts).await?;
    assert_eq!(
        updated.stage(),
        pb::CandidateStage::Identified,
        "facts do not move the stage"
    );
    advance(
        &mut pair.admission,
        &name,
        pb::CandidateStage::ClassDone,
        "2025-03-01",
    )
    .await?;
    advance(
        &mut pair.admission,
        &name,
        pb::CandidateStage::Dossier,
        "2025-04-01",
    )
    .await?;
    let verified = advance(
        &mut pair.admission,
        &name,
        pb::CandidateStage::Verified,
        "2025-05-10",
    )
    .await?;
    assert!(
        eligibility(&mut pair.admission, &name, "2025-05-10")
            .await?
            .eligible
    );

    // The cell cannot approve without a vote, nor with a tally typed apart from its roll (9
    // entitled, while the cell has one official member that day); with its one member's yes it
    // can.
    let tally = |eligible, yes| pb::VoteTally {
        eligible,
        present: eligible,
        yes,
        no: eligible - yes,
    };
    let mut voted = verified.clone();
    for (vote, why) in [
        (None, "no vote"),
        (Some(tally(9, 7)), "a typed denominator"),
    ] {
        if let Some(vote) = vote {
            voted.cell_vote = Some(vote);
            voted.cell_vote_date = "2025-06-10".into();
            voted = update(&mut pair.admission, voted).await?;
        }
        let refused = advance(
            &mut pair.admission,
            &name,
            pb::CandidateStage::CellApproved,
            "2025-06-10",
        )
        .await;
        assert_eq!(
            refused.map(|_| ()).map_err(|s| s.code()),
            Err(Code::FailedPrecondition),
            "{why}"
        );
    }
    voted.cell_vote = Some(tally(1, 1));
    update(&mut pair.admission, voted).await?;
    let approved = advance(
        &mut pair.admission,
        &name,
        pb::CandidateStage::CellApproved,
        "2025-06-10",
    )
    .await?;
    assert_eq!(approved.stage(), pb::CandidateStage::CellApproved);

    // The committee's decision is due 60 working days after the cell's approval.
    pair.caught_up().await?;
    let list = deadlines(&mut pair, "2025-06-20", "").await?;
    let decision = deadline_of(&list, &name, report::DeadlineKind::AdmissionDecision)
        .ok_or("the admission decision deadline is listed")?;
    let calendar = reference_calendar();
    assert_eq!(decision.start_date, "2025-06-10");
    assert_eq!(
        decision.due_date,
        partyregistry_vocab::date::format(calendar.add_working_days(day("2025-06-10"), 60))
    );
    // The cell approved on 10 June 2025, under 232-QĐ/TW (20 January to 30 June 2025).
    assert_eq!(decision.rule_version, "232-QĐ/TW");
    assert!(!decision.overdue && decision.working_days_left > 0);
    let recognition = deadline_of(&list, &overdue.name, report::DeadlineKind::Recognition)
        .ok_or("the unrecognised probationary member is listed")?;
    assert!(recognition.overdue && recognition.working_days_left < 0);
    assert_eq!(list.overdue, 1);

    let briefing = pair
        .reports
        .get_monthly_briefing(report::GetMonthlyBriefingRequest {
            commune: "communes/02680".into(),
            month: "2025-07".into(),
        })
        .await?
        .into_inner();
    let cell = briefing
        .cells
        .iter()
        .find(|c| c.cell == cell_a)
        .ok_or("cell a is briefed")?;
    assert!(cell.has_plan);
    assert_eq!((cell.planned_sources, cell.planned_admissions), (2, 1));
    assert_eq!((cell.admitted, cell.sources), (0, 1));
    let briefed = cell.candidates.first().ok_or("the candidate is briefed")?;
    assert_eq!(briefed.stage, "CANDIDATE_STAGE_CELL_APPROVED");
    assert!(!briefed.next_step.is_empty() && briefed.blockers.is_empty());
    assert!(
        cell.deadlines
            .iter()
            .any(|d| d.subject == overdue.name && d.overdue),
        "overdue deadlines reach the briefing"
    );
    let progress = briefing
        .progress
        .ok_or("the briefing carries the progress")?;
    assert_eq!((progress.target, progress.admitted), (2, 0));

    // The committee approves after 1 July 2025: the 2025 regulation applies.
    let mut committee = approved.clone();
    committee.committee_vote = Some(pb::VoteTally {
        eligible: 11,
        present: 10,
        yes: 9,
        no: 1,
    });
    committee.committee_vote_date = "2025-07-15".into();
    update(&mut pair.admission, committee).await?;
    advance(
        &mut pair.admission,
        &name,
        pb::CandidateStage::CommitteeApproved,
        "2025-07-15",
    )
    .await?;
    let check = eligibility(&mut pair.admission, &name, "2025-07-15").await?;
    assert!(check.eligible, "{:?}", check.blockers);
    // Judged on the cell's vote day (10 June 2025), under the regulation then in force.
    assert_eq!(
        (check.judged_on.as_str(), check.rule_version.as_str()),
        ("2025-06-10", "232-QĐ/TW")
    );

    let admit = |request_id: &str| pb::AdmitCandidateRequest {
        name: name.clone(),
        decision_date: "2025-07-20".into(),
        decision_number: "152-QĐ/ĐU".into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        ceremony_date: String::new(),
        request_id: request_id.into(),
        decision_received_date: String::new(),
    };
    let member = pair
        .admission
        .admit_candidate(admit("admit-mai"))
        .await?
        .into_inner();
    assert_eq!(member.status(), pb::MemberStatus::Admitted);
    assert_eq!(member.cell, cell_a);
    assert_eq!(member.full_name, "Lò Thị Ngọc Mai");
    let replay = pair
        .admission
        .admit_candidate(admit("admit-mai"))
        .await?
        .into_inner();
    assert_eq!(
        replay.name, member.name,
        "the same request returns the first member"
    );
    let head = pair.caught_up().await?;
    assert_rejected(
        pair.admission
            .admit_candidate(admit("admit-mai-again"))
            .await,
        Code::FailedPrecondition,
        "name",
    );
    assert_eq!(
        partyregistry_tests::feed_head(&mut pair.membership).await?,
        head
    );
    let closed = pair
        .admission
        .get_candidate(pb::GetCandidateRequest { name: name.clone() })
        .await?
        .into_inner();
    assert_eq!(closed.stage(), pb::CandidateStage::Admitted);
    assert_eq!(closed.admitted_member, member.name);

    // The ceremony is due 30 working days after the decision.
    let list = deadlines(&mut pair, "2025-07-25", "").await?;
    let ceremony = deadline_of(&list, &member.name, report::DeadlineKind::Ceremony)
        .ok_or("the ceremony deadline is listed")?;
    assert_eq!(
        ceremony.due_date,
        partyregistry_vocab::date::format(calendar.add_working_days(day("2025-07-20"), 30))
    );
    assert_eq!(ceremony.rule_version, "294-QĐ/TW");
    assert!(deadline_of(&list, &name, report::DeadlineKind::AdmissionDecision).is_none());

    pair.membership
        .record_ceremony(pb::RecordCeremonyRequest {
            name: member.name.clone(),
            ceremony_date: "2025-08-01".into(),
            request_id: "ceremony-mai".into(),
            decision_received_date: String::new(),
        })
        .await?;
    let official = pair
        .membership
        .recognize_official(pb::RecognizeOfficialRequest {
            name: member.name.clone(),
            official_date: "2026-08-01".into(),
            decision_number: "201-QĐ/ĐU".into(),
            cell_vote: Some(passing_vote()),
            request_id: "recognise-mai".into(),
        })
        .await?
        .into_inner();
    assert_eq!(official.status(), pb::MemberStatus::Official);

    pair.caught_up().await?;
    let progress = pair
        .reports
        .get_admission_progress(report::GetAdmissionProgressRequest {
            commune: "communes/02680".into(),
            year: 2025,
            as_of_date: "2025-12-31".into(),
        })
        .await?
        .into_inner();
    assert!(progress.has_target);
    assert_eq!((progress.target, progress.admitted), (2, 1));
    assert_eq!(progress.by_month.len(), 12);
    assert_eq!(progress.by_month[6], 1, "decided in July");
    assert_eq!(
        (progress.open_candidates, progress.eligible_candidates),
        (0, 0)
    );
    assert_eq!((progress.best_case, progress.remaining), (1, 1));
    assert!(progress.at_risk && !progress.reasons.is_empty());
    let pipeline = pair
        .reports
        .get_pipeline(report::GetPipelineRequest {
            commune: "communes/02680".into(),
            as_of_date: "2025-12-31".into(),
        })
        .await?
        .into_inner();
    assert_eq!(bucket(&pipeline.by_stage, "CANDIDATE_STAGE_ADMITTED"), 1);
    assert_eq!(pipeline.open_candidates, 0);
    let list = deadlines(&mut pair, "2026-09-01", "").await?;
    assert!(
        deadline_of(&list, &member.name, report::DeadlineKind::Recognition).is_none(),
        "recognised members have no deadline"
    );

    // Ratings of 2025: one good cell of two, against 80 %.
    for (cell, level) in [
        (&cell_a, pb::RatingLevel::Good),
        (&cell_b, pb::RatingLevel::Completed),
    ] {
        pair.admission
            .rate_cell(pb::RateCellRequest {
                parent: cell.clone(),
                rating: Some(pb::CellRating {
                    year: 2025,
                    level: level.into(),
                    ..Default::default()
                }),
            })
            .await?;
    }
    pair.admission
        .rate_member(pb::RateMemberRequest {
            parent: introducer.name.clone(),
            rating: Some(pb::MemberRating {
                year: 2025,
                level: pb::RatingLevel::Excellent.into(),
                ..Default::default()
            }),
        })
        .await?;
    pair.caught_up().await?;
    let summary = pair
        .reports
        .get_cell_rating_summary(report::GetCellRatingSummaryRequest {
            commune: "communes/02680".into(),
            year: 2025,
        })
        .await?
        .into_inner();
    assert_eq!((summary.numerator, summary.denominator), (1, 2));
    assert_eq!((summary.target_percent, summary.needed), (80, 2));
    assert!(summary.has_target && !summary.meets_target);
    assert!((summary.percent - 50.0).abs() < 1e-9);
    assert!(summary.exclusions.is_empty());

    let health = pair
        .reports
        .get_cell_health(report::GetCellHealthRequest {
            commune: "communes/02680".into(),
            as_of_date: "2025-12-31".into(),
            years_without_admission: 3,
            seconded_percent: 50,
            ageing_age: 60,
        })
        .await?
        .into_inner();
    let row_b = health
        .cells
        .iter()
        .find(|c| c.cell == cell_b)
        .ok_or("cell b is listed")?;
    assert!(row_b.no_recent_admission && row_b.members == 0);
    let row_a = health
        .cells
        .iter()
        .find(|c| c.cell == cell_a)
        .ok_or("cell a is listed")?;
    assert_eq!(row_a.last_admission_date, "2025-07-20");
    assert!(!row_a.no_recent_admission);
    assert_eq!(row_a.members, 3);

    pair.finish().await
}

async fn pipeline_bad_input_is_rejected_and_nothing_is_written(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "pipeline_bad").await?;
    let (cell_a, _) = small_commune(&mut pair.membership).await?;
    let introducer = official_member(&mut pair.membership, &cell_a, "Hoàng Văn Bút").await?;
    let probationary =
        crate::fixtures::admit(&mut pair.membership, &cell_a, "Vàng Thị Dung").await?;
    let candidate = pair
        .admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(youth_union_candidate(&cell_a)),
            request_id: String::new(),
        })
        .await?
        .into_inner();
    let head = pair.caught_up().await?;

    // A certificate dated in the future.
    let tomorrow = partyregistry_vocab::date::today_in_vietnam() + chrono::Days::new(30);
    let mut future = youth_union_candidate(&cell_a);
    future.certificate = Some(pb::AwarenessCertificate {
        issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
        issue_date: partyregistry_vocab::date::format(tomorrow),
    });
    assert_rejected(
        pair.admission
            .create_candidate(pb::CreateCandidateRequest {
                candidate: Some(future),
                request_id: String::new(),
            })
            .await,
        Code::InvalidArgument,
        "candidate.certificate.issue_date",
    );

    // More yeses than people present.
    let mut vote = candidate.clone();
    vote.cell_vote = Some(pb::VoteTally {
        eligible: 9,
        present: 6,
        yes: 7,
        no: 0,
    });
    vote.cell_vote_date = "2025-06-10".into();
    assert_rejected(
        pair.admission
            .update_candidate(pb::UpdateCandidateRequest {
                candidate: Some(vote),
                update_mask: None,
            })
            .await,
        Code::InvalidArgument,
        "candidate.cell_vote.yes",
    );

    // A probationary introducer.
    let mut introduced = candidate.clone();
    introduced.introducers = vec![
        pb::Introducer {
            member: probationary.name.clone(),
            youth_union_committee: false,
            months_worked_together: 14,
        },
        pb::Introducer {
            member: introducer.name.clone(),
            youth_union_committee: false,
            months_worked_together: 30,
        },
    ];
    assert_rejected(
        pair.admission
            .update_candidate(pb::UpdateCandidateRequest {
                candidate: Some(introduced),
                update_mask: None,
            })
            .await,
        Code::FailedPrecondition,
        "candidate.introducers[0].member",
    );

    // A rating for a year in which the cell did not exist (it opened in 2000).
    let status = pair
        .admission
        .rate_cell(pb::RateCellRequest {
            parent: cell_a.clone(),
            rating: Some(pb::CellRating {
                year: 1999,
                level: pb::RatingLevel::Good.into(),
                ..Default::default()
            }),
        })
        .await;
    let code = status.as_ref().map(|_| ()).map_err(|s| s.code()).err();
    assert!(
        matches!(code, Some(Code::FailedPrecondition | Code::InvalidArgument)),
        "{status:?}"
    );
    assert_rejected(status, code.unwrap_or(Code::Ok), "rating.year");

    // A target below zero.
    assert_rejected(
        pair.admission
            .set_target(pb::SetTargetRequest {
                parent: "communes/02680".into(),
                target: Some(pb::Target {
                    first_year: 2025,
                    last_year: 2030,
                    admissions_per_year: -1,
                    good_cells_percent: 80,
                    ..Default::default()
                }),
            })
            .await,
        Code::InvalidArgument,
        "target.admissions_per_year",
    );

    // Admission before the committee approved.
    assert_rejected(
        pair.admission
            .admit_candidate(pb::AdmitCandidateRequest {
                name: candidate.name.clone(),
                decision_date: "2025-07-20".into(),
                decision_number: "152-QĐ/ĐU".into(),
                deciding_body: "Đảng ủy xã Hợp Thành".into(),
                ceremony_date: String::new(),
                request_id: String::new(),
                decision_received_date: String::new(),
            })
            .await,
        Code::FailedPrecondition,
        "name",
    );

    // Skipping stages.
    let skipped = advance(
        &mut pair.admission,
        &candidate.name,
        pb::CandidateStage::Verified,
        "2025-05-01",
    )
    .await;
    assert_eq!(
        skipped.map(|_| ()).map_err(|s| s.code()),
        Err(Code::FailedPrecondition)
    );

    // An unknown candidate and an unknown cell.
    let missing = pair
        .admission
        .get_candidate(pb::GetCandidateRequest {
            name: "candidates/999999".into(),
        })
        .await;
    assert_eq!(
        missing.map(|_| ()).map_err(|s| s.code()),
        Err(Code::NotFound)
    );
    let mut elsewhere = youth_union_candidate("communes/02680/cells/nowhere");
    elsewhere.full_name = "Giàng A Sình".into();
    let missing = pair
        .admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(elsewhere),
            request_id: String::new(),
        })
        .await;
    assert_eq!(
        missing.map(|_| ()).map_err(|s| s.code()),
        Err(Code::NotFound)
    );

    assert_eq!(
        partyregistry_tests::feed_head(&mut pair.membership).await?,
        head,
        "nothing written"
    );
    let unchanged = pair
        .admission
        .get_candidate(pb::GetCandidateRequest {
            name: candidate.name.clone(),
        })
        .await?
        .into_inner();
    assert_eq!(unchanged, candidate);
    pair.finish().await
}

async fn holidays_and_rule_versions_are_data_that_reach_the_reports(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "pipeline_rules").await?;
    let (cell_a, _) = small_commune(&mut pair.membership).await?;
    // Decided on Monday 2 March 2026, no ceremony yet: the ceremony clock runs.
    let member = new_member(&cell_a, "Sùng Thị Hoa", "1998-09-09", "2026-03-02", "");
    let member = pair
        .membership
        .record_admission(admission(member, "hoa"))
        .await?
        .into_inner();

    let versions = pair
        .admission
        .list_rule_versions(pb::ListRuleVersionsRequest {})
        .await?
        .into_inner()
        .rule_versions;
    let codes: Vec<&str> = versions.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(
        codes,
        ["29-QĐ/TW", "24-QĐ/TW", "232-QĐ/TW", "294-QĐ/TW"],
        "the reference table is seeded"
    );
    let holidays = pair
        .admission
        .list_holidays(pb::ListHolidaysRequest { year: 2026 })
        .await?
        .into_inner()
        .holidays;
    assert!(
        holidays.iter().any(|h| h.date == "2026-09-02"),
        "Quốc khánh"
    );

    pair.caught_up().await?;
    let due_of = |list: &report::ListDeadlinesResponse| {
        deadline_of(list, &member.name, report::DeadlineKind::Ceremony).map(|d| d.due_date.clone())
    };
    let before = due_of(&deadlines(&mut pair, "2026-03-03", "").await?)
        .ok_or("the ceremony deadline is listed")?;

    // A local holiday inside the window pushes the deadline by one working day.
    pair.admission
        .set_holiday(pb::SetHolidayRequest {
            holiday: Some(pb::Holiday {
                date: "2026-03-10".into(),
                display_name: "Ngày nghỉ bù".into(),
                ..Default::default()
            }),
        })
        .await?;
    pair.caught_up().await?;
    let with_holiday =
        due_of(&deadlines(&mut pair, "2026-03-03", "").await?).ok_or("still listed")?;
    assert_eq!(
        partyregistry_vocab::date::format(reference_calendar().add_working_days(day(&before), 1)),
        with_holiday
    );
    pair.admission
        .delete_holiday(pb::DeleteHolidayRequest {
            name: "holidays/2026-03-10".into(),
        })
        .await?;
    pair.caught_up().await?;
    assert_eq!(
        due_of(&deadlines(&mut pair, "2026-03-03", "").await?).as_deref(),
        Some(before.as_str())
    );

    // A new regulation version with a longer ceremony window applies from its first day.
    let mut next = versions.last().cloned().ok_or("a version exists")?;
    next.name = String::new();
    next.etag = String::new();
    next.code = "300-QĐ/TW".into();
    next.in_force_from = "2026-01-01".into();
    next.ceremony_working_days = 40;
    let created = pair
        .admission
        .create_rule_version(pb::CreateRuleVersionRequest {
            rule_version: Some(next),
            request_id: "rules-2026".into(),
        })
        .await?
        .into_inner();
    assert_eq!(created.name, "ruleVersions/2026-01-01");
    pair.caught_up().await?;
    let list = deadlines(&mut pair, "2026-03-03", "").await?;
    let ceremony =
        deadline_of(&list, &member.name, report::DeadlineKind::Ceremony).ok_or("still listed")?;
    assert_eq!(ceremony.rule_version, "300-QĐ/TW");
    assert_eq!(
        ceremony.due_date,
        partyregistry_vocab::date::format(
            reference_calendar().add_working_days(day("2026-03-02"), 40)
        )
    );
    // A version starting on a day another one starts on is refused; an older one is inserted
    // (history is corrected, not only appended).
    let mut taken = created.clone();
    taken.in_force_from = "2025-01-20".into();
    taken.name = String::new();
    let refused = pair
        .admission
        .create_rule_version(pb::CreateRuleVersionRequest {
            rule_version: Some(taken.clone()),
            request_id: String::new(),
        })
        .await;
    assert_eq!(
        refused.err().map(|status| status.code()),
        Some(tonic::Code::FailedPrecondition)
    );
    taken.in_force_from = "2011-01-01".into();
    taken.code = "23-QĐ/TW".into();
    let inserted = pair
        .admission
        .create_rule_version(pb::CreateRuleVersionRequest {
            rule_version: Some(taken),
            request_id: String::new(),
        })
        .await?
        .into_inner();
    assert_eq!(inserted.name, "ruleVersions/2011-01-01");

    // A restart finds the table in place and seeds nothing again.
    let head = partyregistry_tests::feed_head(&mut pair.membership).await?;
    pair.restart_membership().await?;
    assert_eq!(
        partyregistry_tests::feed_head(&mut pair.membership).await?,
        head
    );
    let versions = pair
        .admission
        .list_rule_versions(pb::ListRuleVersionsRequest {})
        .await?
        .into_inner()
        .rule_versions;
    // The four reference versions, the one of 2026 and the one inserted before them all.
    assert_eq!(versions.len(), 6);
    assert_eq!(versions[0].code, "23-QĐ/TW");

    // Re-dating is asked for by naming `in_force_from` in the mask; an empty mask keeps the
    // start, and a start past a neighbour's is refused naming the field.
    let redate = |to: &str, mask: &[&str]| pb::UpdateRuleVersionRequest {
        rule_version: Some(pb::RuleVersion {
            in_force_from: to.into(),
            ..versions[0].clone()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: mask.iter().map(|p| (*p).to_owned()).collect(),
        }),
    };
    crate::fixtures::assert_rejected(
        pair.admission
            .update_rule_version(redate("2016-07-25", &["in_force_from"]))
            .await,
        Code::FailedPrecondition,
        "rule_version.in_force_from",
    );
    let kept = pair
        .admission
        .update_rule_version(redate("2012-01-01", &[]))
        .await?
        .into_inner();
    assert_eq!(kept.name, "ruleVersions/2011-01-01");
    let redated = pair
        .admission
        .update_rule_version(pb::UpdateRuleVersionRequest {
            rule_version: Some(pb::RuleVersion {
                etag: kept.etag.clone(),
                ..redate("2012-01-01", &[]).rule_version.unwrap_or_default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["in_force_from".into()],
            }),
        })
        .await?
        .into_inner();
    assert_eq!(
        (redated.name.as_str(), redated.code.as_str()),
        ("ruleVersions/2012-01-01", "23-QĐ/TW")
    );
    pair.finish().await
}

/// The reporting service's pipeline finds, code by code, the blockers the membership service
/// finds, on the rules that need a candidate's exceptions and Youth Union organisation: a
/// provincial consent lifts the age of a candidate over sixty in both, a candidate without one is
/// blocked in both, an applicant of youth age where a Youth Union organisation exists must be
/// introduced by its committee in both, a demobilised soldier who took the class again locally
/// needs no referral in both, and a candidate living away is blocked in both until the day the
/// organisation where they live commented.
async fn reporting_finds_the_blockers_membership_finds(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "pipeline_exceptions").await?;
    let (cell_a, _) = small_commune(&mut pair.membership).await?;
    let candidate = |full_name: &str, birth_date: &str| pb::Candidate {
        cell: cell_a.clone(),
        full_name: full_name.into(),
        gender: pb::Gender::Male.into(),
        birth_date: birth_date.into(),
        ethnicity_code: "01".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        occupation: "Nông nghiệp".into(),
        source: pb::CandidateSource::Other.into(),
        stage_date: "2025-01-10".into(),
        ..Default::default()
    };
    let consented = pb::Candidate {
        exceptions: vec![pb::AdmissionException {
            kind: pb::ExceptionKind::OverAgeConsent.into(),
            decided_by: "Ban Thường vụ Tỉnh ủy Lào Cai".into(),
            decision_date: "2025-01-05".into(),
            reference_number: "125-CV/TU".into(),
            note: String::new(),
        }],
        ..candidate("Sùng Văn Đồng", "1960-05-01")
    };
    let soldier = |full_name: &str, retaken: bool| pb::Candidate {
        source: pb::CandidateSource::DemobilisedSoldier.into(),
        class_retaken_locally: retaken,
        ..candidate(full_name, "1990-04-01")
    };
    let away = |full_name: &str, commented: &str| pb::Candidate {
        lives_away: true,
        away_comment_date: commented.into(),
        ..candidate(full_name, "1990-04-01")
    };
    let mut names = Vec::new();
    for (request_id, wanted) in [
        ("consented", consented),
        ("over-sixty", candidate("Giàng Văn Chờ", "1960-05-01")),
        ("youth", candidate("Lù Văn Trẻ", "2001-02-14")),
        ("retaken", soldier("Vương Văn Học Lại", true)),
        ("referral", soldier("Đinh Văn Chờ Giấy", false)),
        ("commented", away("Lầu Thị Sớm", "2025-01-20")),
        // Commented after the day asked about.
        ("late", away("Thào Văn Muộn", "2025-03-01")),
    ] {
        let created = pair
            .admission
            .create_candidate(pb::CreateCandidateRequest {
                candidate: Some(wanted),
                request_id: request_id.into(),
            })
            .await?
            .into_inner();
        names.push(created.name);
    }

    let mut expected: std::collections::BTreeMap<String, i64> = Default::default();
    let mut by_candidate = Vec::new();
    for name in &names {
        let check = eligibility(&mut pair.admission, name, "2025-02-01").await?;
        let mut codes: Vec<String> = blocker_codes(&check)
            .into_iter()
            .map(str::to_owned)
            .collect();
        codes.dedup();
        for code in &codes {
            *expected.entry(code.clone()).or_default() += 1;
        }
        by_candidate.push(codes);
    }
    assert!(!by_candidate[0].contains(&"AGE_OVER_MAXIMUM".to_owned()));
    assert!(by_candidate[1].contains(&"AGE_OVER_MAXIMUM".to_owned()));
    assert!(by_candidate[2].contains(&"YOUTH_UNION_INTRODUCTION_MISSING".to_owned()));
    let has = |i: usize, code: &str| by_candidate[i].iter().any(|c| c == code);
    assert!(!has(3, "MILITARY_REFERRAL_MISSING") && has(4, "MILITARY_REFERRAL_MISSING"));
    assert!(!has(5, "LIVES_AWAY") && has(6, "LIVES_AWAY"));

    pair.caught_up().await?;
    let pipeline = pair
        .reports
        .get_pipeline(report::GetPipelineRequest {
            commune: "communes/02680".into(),
            as_of_date: "2025-02-01".into(),
        })
        .await?
        .into_inner();
    let found: std::collections::BTreeMap<String, i64> = pipeline
        .by_blocker
        .iter()
        .map(|b| (b.key.clone(), b.members))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(bucket(&pipeline.by_blocker, "AGE_OVER_MAXIMUM"), 1);
    assert_eq!(bucket(&pipeline.by_blocker, "MILITARY_REFERRAL_MISSING"), 1);
    assert_eq!(bucket(&pipeline.by_blocker, "LIVES_AWAY"), 1);
    Ok(())
}
