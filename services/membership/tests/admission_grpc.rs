//! The admission pipeline over real gRPC: the membership server started in-process on port 0
//! (SQLite always; PostgreSQL too when `TEST_DATABASE_URL` names a server), driven through the
//! generated `AdmissionService` and `MembershipService` clients.

use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use sqlx::Executor;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;

type Admission = AdmissionServiceClient<Channel>;
type Members = MembershipServiceClient<Channel>;

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{}", std::process::id(), nanos)
}

/// A membership server on a fresh database, with clients of both services.
struct Server {
    url: String,
    admission: Admission,
    members: Members,
    shutdown: CancellationToken,
    handle: tokio::task::JoinHandle<Result<(), BoxError>>,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { admin: sqlx::AnyPool, name: String },
}

impl Server {
    async fn start(postgres: bool) -> Result<Option<Self>, BoxError> {
        let (url, cleanup) = if postgres {
            let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
                eprintln!("TEST_DATABASE_URL not set: PostgreSQL variant skipped");
                return Ok(None);
            };
            sqlx::any::install_default_drivers();
            let admin = sqlx::AnyPool::connect(&admin_url).await?;
            let name = format!("membership_grpc_{}", unique_suffix());
            admin
                .execute(format!("create database {name}").as_str())
                .await?;
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base);
            (format!("{base}/{name}"), Cleanup::Postgres { admin, name })
        } else {
            let path = std::env::temp_dir().join(format!("membership_grpc_{}.db", unique_suffix()));
            (
                format!("sqlite://{}", path.display()),
                Cleanup::Sqlite(path),
            )
        };
        Self::launch(url, cleanup).await.map(Some)
    }

    /// Starts the server on an existing database.
    async fn launch(url: String, cleanup: Cleanup) -> Result<Self, BoxError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = format!("http://{}", listener.local_addr()?);
        let shutdown = CancellationToken::new();
        let config = partyregistry_membership::Config::for_database(url.clone());
        let handle = tokio::spawn(partyregistry_membership::run(
            config,
            listener,
            shutdown.clone(),
        ));
        // Poll with a bound until the server answers (migrations and seeding run first).
        let started = Instant::now();
        let mut admission = loop {
            if let Ok(mut client) = AdmissionServiceClient::connect(address.clone()).await
                && client
                    .list_rule_versions(pb::ListRuleVersionsRequest {})
                    .await
                    .is_ok()
            {
                break client;
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err("the membership server did not answer within 30 s".into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        admission
            .list_rule_versions(pb::ListRuleVersionsRequest {})
            .await?;
        let members = MembershipServiceClient::connect(address).await?;
        Ok(Self {
            url,
            admission,
            members,
            shutdown,
            handle,
            cleanup,
        })
    }

    /// Stops the server and starts it again on the same database.
    async fn restart(self) -> Result<Self, BoxError> {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(20), self.handle).await???;
        Self::launch(self.url, self.cleanup).await
    }

    async fn stop(self) -> Result<(), BoxError> {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(20), self.handle).await???;
        match self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin, name } => {
                admin
                    .execute(format!("drop database {name} with (force)").as_str())
                    .await?;
                admin.close().await;
            }
        }
        Ok(())
    }

    /// The feed's head, from the heartbeat that follows the replay.
    async fn head(&mut self) -> Result<i64, BoxError> {
        use pb::watch_changes_response::Event;
        let mut stream = self
            .members
            .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
            .await?
            .into_inner();
        let mut last = 0;
        while let Some(message) =
            tokio::time::timeout(Duration::from_secs(30), stream.message()).await??
        {
            match message.event {
                Some(Event::Change(change)) => last = change.sequence,
                Some(Event::Heartbeat(heartbeat)) => return Ok(heartbeat.head_sequence.max(last)),
                None => {}
            }
        }
        Err("the feed ended without a heartbeat".into())
    }

    /// A commune `02680` with cells `a` (open since 2000) and `b`; an official member since 2011
    /// and a probationary one since 2022, both of cell `a`.
    async fn commune(&mut self) -> Result<(pb::Member, pb::Member), BoxError> {
        self.members
            .create_commune(pb::CreateCommuneRequest {
                commune: Some(pb::Commune {
                    code: "02680".into(),
                    display_name: "Xã Hợp Thành".into(),
                    province_code: "10".into(),
                    valid_from: "2008-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await?;
        for (id, display_name) in [("a", "Chi bộ thôn Ánh Dương"), ("b", "Chi bộ Trường")]
        {
            self.members
                .create_cell(pb::CreateCellRequest {
                    parent: "communes/02680".into(),
                    cell_id: id.into(),
                    cell: Some(pb::Cell {
                        display_name: display_name.into(),
                        kind: pb::CellKind::Residential.into(),
                        open_date: "2000-01-01".into(),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                })
                .await?;
        }
        let official = self
            .record("Hoàng Văn Bút", ("2010-03-01", "2010-03-20", "2011-03-20"))
            .await?;
        let probationary = self
            .record("Vàng Thị Dung", ("2022-03-01", "2022-03-20", ""))
            .await?;
        Ok((official, probationary))
    }

    async fn record(
        &mut self,
        full_name: &str,
        (decision, ceremony, official): (&str, &str, &str),
    ) -> Result<pb::Member, BoxError> {
        Ok(self
            .members
            .record_admission(pb::RecordAdmissionRequest {
                member: Some(pb::Member {
                    full_name: full_name.into(),
                    gender: pb::Gender::Male.into(),
                    birth_date: "1975-06-02".into(),
                    ethnicity_code: "02".into(),
                    general_education: pb::GeneralEducation::UpperSecondary.into(),
                    cell: CELL_A.into(),
                    admission: Some(pb::Admission {
                        decision_date: decision.into(),
                        decision_number: "01-QĐ/ĐU".into(),
                        ceremony_date: ceremony.into(),
                        official_date: official.into(),
                    }),
                    ..Default::default()
                }),
                cell_vote: Some(pb::VoteTally {
                    eligible: 9,
                    present: 8,
                    yes: 6,
                    no: 2,
                }),
                deciding_body: "Đảng ủy xã".into(),
                request_id: String::new(),
            })
            .await?
            .into_inner())
    }
}

const CELL_A: &str = "communes/02680/cells/a";

fn candidate(full_name: &str) -> pb::Candidate {
    pb::Candidate {
        cell: CELL_A.into(),
        full_name: full_name.into(),
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

/// Asserts a rejection with `code`, a violation of `field` and an ErrorInfo reason; returns the
/// reason.
fn rejected<T: std::fmt::Debug>(
    result: Result<tonic::Response<T>, tonic::Status>,
    code: Code,
    field: &str,
) -> String {
    let status = result.expect_err("the request must be rejected");
    assert_eq!(status.code(), code, "{status:?}");
    let details = status.get_error_details();
    let fields: Vec<String> = details
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default();
    assert!(
        fields.iter().any(|f| f == field),
        "expected a violation of {field}, got {fields:?} ({status:?})"
    );
    details
        .error_info()
        .map(|info| info.reason.clone())
        .expect("ErrorInfo with a reason is attached")
}

async fn advance(
    admission: &mut Admission,
    name: &str,
    stage: pb::CandidateStage,
    on: &str,
) -> Result<tonic::Response<pb::Candidate>, tonic::Status> {
    admission
        .advance_candidate(pb::AdvanceCandidateRequest {
            name: name.into(),
            stage: stage.into(),
            stage_date: on.into(),
            reason: String::new(),
            request_id: format!("{name}-{}", stage.as_str_name()),
        })
        .await
}

async fn update(
    admission: &mut Admission,
    candidate: pb::Candidate,
) -> Result<tonic::Response<pb::Candidate>, tonic::Status> {
    admission
        .update_candidate(pb::UpdateCandidateRequest {
            candidate: Some(candidate),
            update_mask: None,
        })
        .await
}

async fn candidate_goes_from_source_to_official_member(postgres: bool) -> Result<(), BoxError> {
    let Some(mut server) = Server::start(postgres).await? else {
        return Ok(());
    };
    let (introducer, _) = server.commune().await?;
    let admission = &mut server.admission;

    let request = pb::CreateCandidateRequest {
        candidate: Some(candidate("Lò Thị Ngọc Mai")),
        request_id: "candidate-mai".into(),
    };
    let created = admission
        .create_candidate(request.clone())
        .await?
        .into_inner();
    assert_eq!(created.stage(), pb::CandidateStage::Identified);
    assert_eq!(created.stage_date, "2025-01-10");
    let retried = admission.create_candidate(request).await?.into_inner();
    assert_eq!(retried, created, "a retry returns the first result");
    let name = created.name.clone();
    let check = admission
        .check_eligibility(pb::CheckEligibilityRequest {
            name: name.clone(),
            on_date: "2025-01-10".into(),
        })
        .await?
        .into_inner();
    assert_eq!(check.rule_version, "24-QĐ/TW");
    let codes: Vec<&str> = check.blockers.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, ["CERTIFICATE_MISSING", "INTRODUCERS_MISSING"]);

    let listed = admission
        .list_candidates(pb::ListCandidatesRequest {
            parent: "communes/02680".into(),
            filter: r#"name : "lo thi ngoc" AND stage = IDENTIFIED"#.into(),
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(listed.candidates, std::slice::from_ref(&created));

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
    let updated = update(admission, facts).await?.into_inner();
    assert_eq!(updated.stage(), pb::CandidateStage::Identified);
    use pb::CandidateStage::*;
    for (stage, on) in [
        (ClassDone, "2025-03-01"),
        (Dossier, "2025-04-01"),
        (Verified, "2025-05-10"),
    ] {
        advance(admission, &name, stage, on).await?;
    }
    let reason = rejected(
        advance(admission, &name, CellApproved, "2025-06-10").await,
        Code::FailedPrecondition,
        "candidate.cell_vote",
    );
    assert_eq!(reason, "VOTE_MISSING");
    let mut voted = admission
        .get_candidate(pb::GetCandidateRequest { name: name.clone() })
        .await?
        .into_inner();
    voted.cell_vote = Some(pb::VoteTally {
        eligible: 9,
        present: 8,
        yes: 7,
        no: 1,
    });
    voted.cell_vote_date = "2025-06-10".into();
    voted.committee_vote = Some(pb::VoteTally {
        eligible: 11,
        present: 10,
        yes: 9,
        no: 1,
    });
    voted.committee_vote_date = "2025-07-15".into();
    update(admission, voted).await?;
    advance(admission, &name, CellApproved, "2025-06-10").await?;
    advance(admission, &name, CommitteeApproved, "2025-07-15").await?;

    let admit = |request_id: &str| pb::AdmitCandidateRequest {
        name: name.clone(),
        decision_date: "2025-07-20".into(),
        decision_number: "152-QĐ/ĐU".into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        ceremony_date: String::new(),
        request_id: request_id.into(),
    };
    let member = admission
        .admit_candidate(admit("admit-mai"))
        .await?
        .into_inner();
    assert_eq!(member.status(), pb::MemberStatus::Admitted);
    assert_eq!(
        (member.full_name.as_str(), member.cell.as_str()),
        ("Lò Thị Ngọc Mai", CELL_A)
    );
    let replay = admission
        .admit_candidate(admit("admit-mai"))
        .await?
        .into_inner();
    assert_eq!(replay, member, "the same request returns the first member");
    let head = server.head().await?;
    let reason = rejected(
        server
            .admission
            .admit_candidate(admit("admit-mai-again"))
            .await,
        Code::FailedPrecondition,
        "name",
    );
    assert_eq!(reason, "CANDIDATE_ALREADY_ADMITTED");
    assert_eq!(server.head().await?, head, "nothing written");
    let closed = server
        .admission
        .get_candidate(pb::GetCandidateRequest { name: name.clone() })
        .await?
        .into_inner();
    assert_eq!(closed.stage(), Admitted);
    assert_eq!(closed.admitted_member, member.name);
    let events = server
        .members
        .list_member_events(pb::ListMemberEventsRequest {
            parent: member.name.clone(),
        })
        .await?
        .into_inner()
        .events;
    assert_eq!(events[0].rule_version, "294-QĐ/TW");

    server
        .members
        .record_ceremony(pb::RecordCeremonyRequest {
            name: member.name.clone(),
            ceremony_date: "2025-08-01".into(),
            request_id: String::new(),
        })
        .await?;
    let official = server
        .members
        .recognize_official(pb::RecognizeOfficialRequest {
            name: member.name.clone(),
            official_date: "2026-08-01".into(),
            decision_number: "201-QĐ/ĐU".into(),
            cell_vote: Some(pb::VoteTally {
                eligible: 9,
                present: 8,
                yes: 6,
                no: 2,
            }),
            request_id: String::new(),
        })
        .await?
        .into_inner();
    assert_eq!(official.status(), pb::MemberStatus::Official);
    server.stop().await
}

async fn pipeline_bad_input_is_rejected_and_nothing_is_written(
    postgres: bool,
) -> Result<(), BoxError> {
    let Some(mut server) = Server::start(postgres).await? else {
        return Ok(());
    };
    let (introducer, probationary) = server.commune().await?;
    let created = server
        .admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(candidate("Lò Thị Ngọc Mai")),
            request_id: String::new(),
        })
        .await?
        .into_inner();
    let head = server.head().await?;
    let admission = &mut server.admission;

    let mut future = candidate("Giàng A Sình");
    future.certificate = Some(pb::AwarenessCertificate {
        issuer: "Trung tâm Chính trị".into(),
        issue_date: partyregistry_kit::date::format(
            partyregistry_kit::date::today_in_vietnam() + chrono::Days::new(30),
        ),
    });
    let request = pb::CreateCandidateRequest {
        candidate: Some(future),
        request_id: String::new(),
    };
    rejected(
        admission.create_candidate(request).await,
        Code::InvalidArgument,
        "candidate.certificate.issue_date",
    );

    let mut vote = created.clone();
    vote.cell_vote = Some(pb::VoteTally {
        eligible: 9,
        present: 6,
        yes: 7,
        no: 0,
    });
    rejected(
        update(admission, vote).await,
        Code::InvalidArgument,
        "candidate.cell_vote.yes",
    );

    let mut introduced = created.clone();
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
    let reason = rejected(
        update(admission, introduced).await,
        Code::FailedPrecondition,
        "candidate.introducers[0].member",
    );
    assert_eq!(reason, "INTRODUCER_NOT_OFFICIAL");

    let reason = rejected(
        admission
            .rate_cell(pb::RateCellRequest {
                parent: CELL_A.into(),
                rating: Some(pb::CellRating {
                    year: 1999,
                    level: pb::RatingLevel::Good.into(),
                    ..Default::default()
                }),
            })
            .await,
        Code::FailedPrecondition,
        "rating.year",
    );
    assert_eq!(reason, "CELL_CLOSED");

    rejected(
        admission
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
    rejected(
        admission
            .set_target(pb::SetTargetRequest {
                parent: "communes/02680".into(),
                target: Some(pb::Target {
                    first_year: 2025,
                    last_year: 2030,
                    admissions_per_year: 6,
                    good_cells_percent: 120,
                    ..Default::default()
                }),
            })
            .await,
        Code::InvalidArgument,
        "target.good_cells_percent",
    );

    let reason = rejected(
        admission
            .admit_candidate(pb::AdmitCandidateRequest {
                name: created.name.clone(),
                decision_date: "2025-07-20".into(),
                ..Default::default()
            })
            .await,
        Code::FailedPrecondition,
        "name",
    );
    assert_eq!(reason, "ILLEGAL_TRANSITION");
    rejected(
        advance(
            admission,
            &created.name,
            pb::CandidateStage::Verified,
            "2025-05-01",
        )
        .await,
        Code::FailedPrecondition,
        "stage",
    );
    rejected(
        admission
            .advance_candidate(pb::AdvanceCandidateRequest {
                name: created.name.clone(),
                stage: pb::CandidateStage::Withdrawn.into(),
                stage_date: "2025-05-01".into(),
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
        "reason",
    );
    let missing = admission
        .get_candidate(pb::GetCandidateRequest {
            name: "candidates/999999".into(),
        })
        .await;
    assert_eq!(
        missing.map(|_| ()).map_err(|s| s.code()),
        Err(Code::NotFound)
    );
    let missing = admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(pb::Candidate {
                cell: "communes/02680/cells/nowhere".into(),
                ..candidate("Giàng A Sình")
            }),
            request_id: String::new(),
        })
        .await;
    assert_eq!(
        missing.map(|_| ()).map_err(|s| s.code()),
        Err(Code::NotFound)
    );

    assert_eq!(server.head().await?, head, "nothing written");
    let unchanged = server
        .admission
        .get_candidate(pb::GetCandidateRequest {
            name: created.name.clone(),
        })
        .await?
        .into_inner();
    assert_eq!(unchanged, created);
    server.stop().await
}

async fn rules_and_holidays_are_data(postgres: bool) -> Result<(), BoxError> {
    let Some(mut server) = Server::start(postgres).await? else {
        return Ok(());
    };
    let admission = &mut server.admission;
    let versions = admission
        .list_rule_versions(pb::ListRuleVersionsRequest {})
        .await?
        .into_inner()
        .rule_versions;
    let codes: Vec<&str> = versions.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(codes, ["24-QĐ/TW", "294-QĐ/TW"]);
    let holidays = admission
        .list_holidays(pb::ListHolidaysRequest { year: 2026 })
        .await?
        .into_inner()
        .holidays;
    assert!(holidays.iter().any(|h| h.date == "2026-09-02"));

    let set = admission
        .set_holiday(pb::SetHolidayRequest {
            holiday: Some(pb::Holiday {
                date: "2026-03-10".into(),
                display_name: "Ngày nghỉ bù".into(),
                ..Default::default()
            }),
        })
        .await?
        .into_inner();
    assert_eq!(set.name, "holidays/2026-03-10");
    admission
        .delete_holiday(pb::DeleteHolidayRequest {
            name: set.name.clone(),
        })
        .await?;
    let gone = admission
        .delete_holiday(pb::DeleteHolidayRequest { name: set.name })
        .await;
    assert_eq!(gone.map(|_| ()).map_err(|s| s.code()), Err(Code::NotFound));

    let mut next = versions.last().cloned().ok_or("a version exists")?;
    next.name = String::new();
    next.etag = String::new();
    next.code = "300-QĐ/TW".into();
    next.in_force_from = "2026-01-01".into();
    next.ceremony_working_days = 40;
    let created = admission
        .create_rule_version(pb::CreateRuleVersionRequest {
            rule_version: Some(next.clone()),
            request_id: "rules-2026".into(),
        })
        .await?
        .into_inner();
    assert_eq!(created.name, "ruleVersions/2026-01-01");
    let replayed = admission
        .create_rule_version(pb::CreateRuleVersionRequest {
            rule_version: Some(next.clone()),
            request_id: "rules-2026".into(),
        })
        .await?
        .into_inner();
    assert_eq!(replayed, created);
    let mut older = created.clone();
    older.in_force_from = "2024-01-01".into();
    older.name = String::new();
    let reason = rejected(
        admission
            .create_rule_version(pb::CreateRuleVersionRequest {
                rule_version: Some(older),
                request_id: String::new(),
            })
            .await,
        Code::FailedPrecondition,
        "rule_version.in_force_from",
    );
    assert_eq!(reason, "RULE_VERSION_NOT_LATEST");
    let mut corrected = created.clone();
    corrected.probation_months = 12;
    corrected.code = "300-QĐ/TW (sửa)".into();
    let corrected = admission
        .update_rule_version(pb::UpdateRuleVersionRequest {
            rule_version: Some(corrected),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["code".into()],
            }),
        })
        .await?
        .into_inner();
    assert_eq!(
        (corrected.code.as_str(), corrected.etag.as_str()),
        ("300-QĐ/TW (sửa)", "2")
    );

    // A restart does not seed again.
    let head = server.head().await?;
    let mut again = server.restart().await?;
    assert_eq!(again.head().await?, head);
    let versions = again
        .admission
        .list_rule_versions(pb::ListRuleVersionsRequest {})
        .await?
        .into_inner()
        .rule_versions;
    assert_eq!(versions.len(), 3);
    again.stop().await
}

#[tokio::test]
async fn sqlite_candidate_goes_from_source_to_official_member() -> Result<(), BoxError> {
    candidate_goes_from_source_to_official_member(false).await
}

#[tokio::test]
async fn postgres_candidate_goes_from_source_to_official_member() -> Result<(), BoxError> {
    candidate_goes_from_source_to_official_member(true).await
}

#[tokio::test]
async fn sqlite_pipeline_bad_input_is_rejected_and_nothing_is_written() -> Result<(), BoxError> {
    pipeline_bad_input_is_rejected_and_nothing_is_written(false).await
}

#[tokio::test]
async fn postgres_pipeline_bad_input_is_rejected_and_nothing_is_written() -> Result<(), BoxError> {
    pipeline_bad_input_is_rejected_and_nothing_is_written(true).await
}

#[tokio::test]
async fn sqlite_rules_and_holidays_are_data() -> Result<(), BoxError> {
    rules_and_holidays_are_data(false).await
}

#[tokio::test]
async fn postgres_rules_and_holidays_are_data() -> Result<(), BoxError> {
    rules_and_holidays_are_data(true).await
}
