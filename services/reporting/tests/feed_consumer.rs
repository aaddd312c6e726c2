//! The consumer against a scripted membership feed over real gRPC: it catches up, keeps serving
//! while membership is away, resumes from its cursor after a restart, and skips changes the feed
//! sends again. (The end-to-end suite in the workspace `tests/` crate runs the real pair.)

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use partyregistry_kit::admission::rule_version_to_proto;
use partyregistry_kit::db;
use partyregistry_kit::error::describe_status;
use partyregistry_proto::membership::v1 as m;
use partyregistry_proto::membership::v1::membership_service_server::{
    MembershipService, MembershipServiceServer,
};
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use partyregistry_proto::reporting::v1::{
    Freshness, GetAdmissionProgressRequest, GetAdmissionsReportRequest, GetCellHealthRequest,
    GetCellRatingSummaryRequest, GetCommuneReportRequest, GetFreshnessRequest,
    GetMonthlyBriefingRequest, GetPipelineRequest, ListDeadlinesRequest,
};
use partyregistry_reporting::{Config, run};
use partyregistry_rules::RuleVersion;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// A membership service that only serves `WatchChanges` from a scripted log.
#[derive(Clone)]
struct ScriptedFeed {
    log: Arc<Mutex<Vec<m::Change>>>,
    /// The `after_sequence` of every subscription, in order.
    subscriptions: Arc<Mutex<Vec<i64>>>,
    /// Send everything from the start whatever the cursor (a misbehaving replay).
    replay_everything: bool,
    shutdown: CancellationToken,
}

/// Implements the service: `WatchChanges` through [`ScriptedFeed::watch`], every other method
/// UNIMPLEMENTED. (A macro around the whole impl, so that `async_trait` sees expanded methods.)
macro_rules! scripted_service {
    ($($method:ident($request:ty) -> $response:ty;)*) => {
        #[tonic::async_trait]
        impl MembershipService for ScriptedFeed {
            $(async fn $method(&self, _: Request<$request>) -> Result<Response<$response>, Status> {
                Err(Status::unimplemented("scripted feed"))
            })*

            type WatchChangesStream = ReceiverStream<Result<m::WatchChangesResponse, Status>>;

            async fn watch_changes(
                &self,
                request: Request<m::WatchChangesRequest>,
            ) -> Result<Response<Self::WatchChangesStream>, Status> {
                Ok(Response::new(self.watch(request.into_inner().after_sequence)))
            }
        }
    };
}

scripted_service! {
    get_commune(m::GetCommuneRequest) -> m::Commune;
    list_communes(m::ListCommunesRequest) -> m::ListCommunesResponse;
    create_commune(m::CreateCommuneRequest) -> m::Commune;
    update_commune(m::UpdateCommuneRequest) -> m::Commune;
    get_cell(m::GetCellRequest) -> m::Cell;
    list_cells(m::ListCellsRequest) -> m::ListCellsResponse;
    create_cell(m::CreateCellRequest) -> m::Cell;
    update_cell(m::UpdateCellRequest) -> m::Cell;
    get_member(m::GetMemberRequest) -> m::Member;
    list_members(m::ListMembersRequest) -> m::ListMembersResponse;
    create_member(m::CreateMemberRequest) -> m::Member;
    update_member(m::UpdateMemberRequest) -> m::Member;
    record_admission(m::RecordAdmissionRequest) -> m::Member;
    record_ceremony(m::RecordCeremonyRequest) -> m::Member;
    recognize_official(m::RecognizeOfficialRequest) -> m::Member;
    transfer_member(m::TransferMemberRequest) -> m::Member;
    exempt_member(m::ExemptMemberRequest) -> m::Member;
    end_exemption(m::EndExemptionRequest) -> m::Member;
    record_departure(m::RecordDepartureRequest) -> m::Member;
    record_discipline(m::RecordDisciplineRequest) -> m::Member;
    list_member_events(m::ListMemberEventsRequest) -> m::ListMemberEventsResponse;
    get_feed_head(m::GetFeedHeadRequest) -> m::FeedHead;
    import_roster(m::ImportRosterRequest) -> m::ImportRosterResponse;
    list_identity_conflicts(m::ListIdentityConflictsRequest) -> m::ListIdentityConflictsResponse;
    resolve_identity_conflict(m::ResolveIdentityConflictRequest) -> m::IdentityConflict;
}

impl ScriptedFeed {
    /// Streams the log after `after` (or all of it), then a heartbeat, then stays open until the
    /// scripted service stops, as the real feed does.
    fn watch(&self, after: i64) -> ReceiverStream<Result<m::WatchChangesResponse, Status>> {
        self.subscriptions.lock().expect("lock").push(after);
        let from = if self.replay_everything { 0 } else { after };
        let log = self.log.lock().expect("lock").clone();
        let head = log.last().map_or(0, |c| c.sequence);
        let changes: Vec<m::Change> = log.into_iter().filter(|c| c.sequence > from).collect();
        let (sender, receiver) = mpsc::channel(16);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            for change in changes {
                let event = m::watch_changes_response::Event::Change(change);
                if sender
                    .send(Ok(m::WatchChangesResponse { event: Some(event) }))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            let event = m::watch_changes_response::Event::Heartbeat(m::Heartbeat {
                head_sequence: head,
                time: None,
            });
            let _ = sender
                .send(Ok(m::WatchChangesResponse { event: Some(event) }))
                .await;
            shutdown.cancelled().await;
        });
        ReceiverStream::new(receiver)
    }
}

/// Serves `feed` on `address` until its token is cancelled.
async fn serve_feed(feed: ScriptedFeed, listener: TcpListener) -> tokio::task::JoinHandle<()> {
    let shutdown = feed.shutdown.clone();
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(MembershipServiceServer::new(feed))
            .serve_with_incoming_shutdown(
                TcpListenerStream::new(listener),
                shutdown.cancelled_owned(),
            )
            .await
            .expect("scripted feed serves");
    })
}

fn change(sequence: i64, resource: m::change::Resource) -> m::Change {
    m::Change {
        trace_parent: String::new(),
        moved_from_commune: String::new(),
        sequence,
        commit_time: Some(db::timestamp(1_650_000_000_000_000 + sequence)),
        resource: Some(resource),
        events: Vec::new(),
    }
}

fn member(id: i64, cell: &str, assignment: m::Assignment, decided: &str) -> m::change::Resource {
    m::change::Resource::Member(m::Member {
        name: format!("members/{id}"),
        gender: m::Gender::Male as i32,
        birth_date: "1985-06-01".into(),
        ethnicity_code: "01".into(),
        general_education: m::GeneralEducation::UpperSecondary as i32,
        admission: Some(m::Admission {
            decision_date: decided.into(),
            ceremony_date: decided.into(),
            ..m::Admission::default()
        }),
        status: m::MemberStatus::Probationary as i32,
        cell: format!("communes/02680/cells/{cell}"),
        cell_since: decided.into(),
        assignment: assignment as i32,
        admitted_in_cell: format!("communes/02680/cells/{cell}"),
        ..m::Member::default()
    })
}

fn first_changes() -> Vec<m::Change> {
    vec![
        change(
            1,
            m::change::Resource::Commune(m::Commune {
                name: "communes/02680".into(),
                code: "02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province_code: "15".into(),
                ..m::Commune::default()
            }),
        ),
        change(
            2,
            m::change::Resource::Cell(m::Cell {
                name: "communes/02680/cells/tuong-1".into(),
                display_name: "Chi bộ thôn Tượng 1".into(),
                kind: m::CellKind::Residential as i32,
                open_date: "2000-01-01".into(),
                ..m::Cell::default()
            }),
        ),
        change(3, member(1, "tuong-1", m::Assignment::Local, "2021-02-01")),
        change(
            4,
            member(2, "tuong-1", m::Assignment::Seconded, "2021-05-01"),
        ),
        change(5, member(3, "tuong-1", m::Assignment::Local, "2021-09-01")),
    ]
}

async fn client(address: SocketAddr) -> ReportingServiceClient<Channel> {
    for _ in 0..100 {
        if let Ok(client) = ReportingServiceClient::connect(format!("http://{address}")).await {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("reporting did not start");
}

/// A reporting service on a temporary SQLite file, following the feed at `feed_address`.
struct Reporting {
    path: std::path::PathBuf,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<Result<(), partyregistry_kit::BoxError>>,
    client: ReportingServiceClient<Channel>,
}

impl Reporting {
    async fn start(label: &str, feed_address: SocketAddr) -> Self {
        let path =
            std::env::temp_dir().join(format!("reporting_{label}_test_{}.db", std::process::id()));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind reporting");
        let address = listener.local_addr().expect("reporting address");
        let stop = CancellationToken::new();
        let config = Config::new(
            format!("sqlite://{}", path.display()),
            format!("http://{feed_address}"),
        );
        let task = tokio::spawn(run(config, listener, stop.clone()));
        Self {
            path,
            stop,
            task,
            client: client(address).await,
        }
    }

    /// Stops the service (promptly, even with the feed stream open) and removes its files.
    async fn stop(self) {
        self.stop.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("reporting stops promptly")
            .expect("join")
            .expect("run ends cleanly");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// Serves a scripted feed of `log` on `listener`; returns its stop token and task.
async fn start_feed(
    log: Arc<Mutex<Vec<m::Change>>>,
    subscriptions: Arc<Mutex<Vec<i64>>>,
    replay_everything: bool,
    listener: TcpListener,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let feed = ScriptedFeed {
        log,
        subscriptions,
        replay_everything,
        shutdown: CancellationToken::new(),
    };
    let stop = feed.shutdown.clone();
    (stop, serve_feed(feed, listener).await)
}

/// Polls freshness until `done` holds, for at most 20 s.
async fn wait_for(
    client: &mut ReportingServiceClient<Channel>,
    done: impl Fn(&Freshness) -> bool,
) -> Freshness {
    for _ in 0..400 {
        let freshness = client
            .get_freshness(GetFreshnessRequest {})
            .await
            .expect("freshness answers")
            .into_inner();
        if done(&freshness) {
            return freshness;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition not reached in time");
}

#[tokio::test]
async fn consumer_catches_up_resumes_after_restart_and_skips_replays() {
    let feed_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind feed");
    let feed_address = feed_listener.local_addr().expect("feed address");
    let log = Arc::new(Mutex::new(first_changes()));
    let subscriptions = Arc::new(Mutex::new(Vec::new()));
    let (feed_stop, feed_task) =
        start_feed(log.clone(), subscriptions.clone(), false, feed_listener).await;
    let reporting = Reporting::start("consumer", feed_address).await;
    let mut client = reporting.client.clone();

    let freshness = wait_for(&mut client, |f| f.last_applied_sequence == 5 && f.caught_up).await;
    assert_eq!(
        (
            freshness.head_sequence,
            freshness.pending_changes,
            freshness.lag_seconds,
            freshness.connected
        ),
        (5, 0, 0.0, true)
    );
    let report = client
        .get_commune_report(GetCommuneReportRequest {
            commune: "communes/02680".into(),
            as_of_date: "2022-01-01".into(),
        })
        .await
        .expect("report answers")
        .into_inner();
    assert_eq!(
        (
            report.total_members,
            report.cells[0].local_members,
            report.cells[0].seconded_members
        ),
        (3, 2, 1)
    );

    // Membership goes away: reports are still served, from what was applied, but neither they
    // nor freshness claim to be caught up: membership may have moved on, or been restored
    // behind what was applied, and nothing confirms either way.
    feed_stop.cancel();
    feed_task.await.expect("feed stops");
    let down = wait_for(&mut client, |f| !f.connected).await;
    assert!(!down.caught_up, "{down:?}");
    assert_eq!((down.last_applied_sequence, down.pending_changes), (5, 0));
    let report = client
        .get_commune_report(GetCommuneReportRequest {
            commune: "communes/02680".into(),
            as_of_date: "2022-01-01".into(),
        })
        .await
        .expect("report answers while membership is down")
        .into_inner();
    assert_eq!(report.total_members, 3);
    let stale = report.freshness.expect("a report says how fresh it is");
    assert!(!stale.caught_up && !stale.connected, "{stale:?}");

    // Meanwhile two more admissions commit; membership comes back on the same address and sends
    // its whole history again: only the new changes may take effect.
    log.lock().expect("lock").extend([
        change(6, member(4, "tuong-1", m::Assignment::Local, "2022-03-01")),
        change(
            7,
            member(5, "tuong-1", m::Assignment::Seconded, "2022-03-15"),
        ),
    ]);
    let feed_listener = TcpListener::bind(feed_address).await.expect("rebind feed");
    let (feed_stop, feed_task) =
        start_feed(log.clone(), subscriptions.clone(), true, feed_listener).await;
    wait_for(&mut client, |f| f.last_applied_sequence == 7 && f.caught_up).await;
    // Resumed from the stored cursor, asking for the last applied change again to check that the
    // feed still holds it.
    assert_eq!(
        subscriptions.lock().expect("lock").last(),
        Some(&4),
        "resumed from the stored cursor"
    );

    let report = client
        .get_commune_report(GetCommuneReportRequest {
            commune: "communes/02680".into(),
            as_of_date: "2022-12-31".into(),
        })
        .await
        .expect("report answers")
        .into_inner();
    assert_eq!(
        (
            report.total_members,
            report.cells[0].local_members,
            report.cells[0].seconded_members
        ),
        (5, 3, 2)
    );
    assert_eq!(report.cells[0].last_admission_date, "2022-03-15");
    let admissions = client
        .get_admissions_report(GetAdmissionsReportRequest {
            commune: "communes/02680".into(),
            first_year: 2021,
            last_year: 2022,
        })
        .await
        .expect("admissions answer")
        .into_inner();
    assert_eq!(
        admissions.years.iter().map(|y| y.total).collect::<Vec<_>>(),
        [3, 2]
    );

    // Errors name the field or the resource.
    let missing = client
        .get_commune_report(GetCommuneReportRequest {
            commune: "communes/99999".into(),
            as_of_date: String::new(),
        })
        .await
        .expect_err("unknown commune");
    assert_eq!(missing.code(), tonic::Code::NotFound);
    let malformed = client
        .get_commune_report(GetCommuneReportRequest {
            commune: "communes/02680".into(),
            as_of_date: "2022-02-30".into(),
        })
        .await
        .expect_err("impossible date");
    assert_eq!(malformed.code(), tonic::Code::InvalidArgument);
    let span = client
        .get_admissions_report(GetAdmissionsReportRequest {
            commune: "communes/02680".into(),
            first_year: 1950,
            last_year: 2022,
        })
        .await
        .expect_err("span over 50 years");
    assert_eq!(span.code(), tonic::Code::InvalidArgument);

    // Shutdown is prompt even with the feed stream open.
    reporting.stop().await;
    feed_stop.cancel();
    feed_task.await.expect("feed stops");
}

/// The admission pipeline of a small commune: two official introducers, one admission in 2022,
/// an eligible candidate and one living away, a target of 3 a year.
fn admission_changes() -> Vec<m::Change> {
    use m::change::Resource;
    let official = |id: i64| {
        let Resource::Member(mut member) =
            member(id, "tuong-1", m::Assignment::Local, "2010-01-10")
        else {
            unreachable!("member() builds a member")
        };
        member.full_name = format!("Đảng Viên {id}");
        member.status = m::MemberStatus::Official as i32;
        if let Some(admission) = member.admission.as_mut() {
            admission.official_date = "2011-01-10".into();
        }
        Resource::Member(member)
    };
    let candidate = |id: i64, name: &str, lives_away: bool| {
        Resource::Candidate(m::Candidate {
            name: format!("candidates/{id}"),
            cell: "communes/02680/cells/tuong-1".into(),
            full_name: name.into(),
            birth_date: "2000-02-02".into(),
            ethnicity_code: "01".into(),
            general_education: m::GeneralEducation::UpperSecondary as i32,
            citizen_id: "001200012345".into(),
            source: m::CandidateSource::Other as i32,
            certificate: Some(m::AwarenessCertificate {
                issuer: "Trung tâm Chính trị".into(),
                issue_date: "2022-03-01".into(),
            }),
            introducers: [1, 2]
                .map(|member| m::Introducer {
                    member: format!("members/{member}"),
                    youth_union_committee: false,
                    months_worked_together: 18,
                })
                .to_vec(),
            lives_away,
            stage: m::CandidateStage::ClassDone as i32,
            stage_date: "2022-03-01".into(),
            // Of youth age and not Youth Union members: where they live no Youth Union
            // organisation exists, so its introduction is not required of them.
            no_youth_union_organisation: true,
            ..m::Candidate::default()
        })
    };
    let mut resources = first_changes()
        .into_iter()
        .take(2)
        .filter_map(|c| c.resource)
        .collect::<Vec<_>>();
    resources.extend([
        Resource::RuleVersion(rule_version_to_proto(
            &RuleVersion::regulation_2021(),
            "1".into(),
        )),
        official(1),
        official(2),
        member(3, "tuong-1", m::Assignment::Local, "2022-02-01"),
        Resource::Target(m::Target {
            name: "communes/02680/targets/2020".into(),
            first_year: 2020,
            last_year: 2025,
            admissions_per_year: 3,
            good_cells_percent: 80,
            etag: String::new(),
        }),
        Resource::CellPlan(m::CellPlan {
            name: "communes/02680/cells/tuong-1/plans/2022".into(),
            year: 2022,
            sources_to_develop: 2,
            admissions: 1,
            ..m::CellPlan::default()
        }),
        Resource::CellRating(m::CellRating {
            name: "communes/02680/cells/tuong-1/ratings/2021".into(),
            year: 2021,
            level: m::RatingLevel::Good as i32,
            etag: String::new(),
        }),
        candidate(10, "Nguyễn Văn An", false),
        candidate(11, "Lý Thị Hoa", true),
    ]);
    resources
        .into_iter()
        .enumerate()
        .map(|(i, resource)| change(i as i64 + 1, resource))
        .collect()
}

/// The field violations of an INVALID_ARGUMENT status, or the message of another one.
fn problem(status: &Status) -> (tonic::Code, String) {
    (status.code(), describe_status(status))
}

#[tokio::test]
async fn admission_reports_are_served_and_bad_input_is_named() {
    let feed_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind feed");
    let feed_address = feed_listener.local_addr().expect("feed address");
    let changes = admission_changes();
    let head = changes.len() as i64;
    let (feed_stop, feed_task) = start_feed(
        Arc::new(Mutex::new(changes)),
        Arc::new(Mutex::new(Vec::new())),
        false,
        feed_listener,
    )
    .await;
    let reporting = Reporting::start("admission_grpc", feed_address).await;
    let mut client = reporting.client.clone();
    wait_for(&mut client, |f| f.last_applied_sequence == head).await;
    let commune = || "communes/02680".to_owned();

    let progress = client
        .get_admission_progress(GetAdmissionProgressRequest {
            commune: commune(),
            year: 2022,
            as_of_date: "2022-06-30".into(),
        })
        .await
        .expect("progress answers")
        .into_inner();
    assert_eq!(
        (
            progress.target,
            progress.admitted,
            progress.open_candidates,
            progress.eligible_candidates,
            progress.best_case,
            progress.at_risk
        ),
        (3, 1, 2, 1, 2, true)
    );
    assert_eq!(
        progress.reasons.last().map(String::as_str),
        Some("Đi làm ăn xa: 1 người")
    );
    assert_eq!(
        progress.freshness.map(|f| f.last_applied_sequence),
        Some(head)
    );

    let pipeline = client
        .get_pipeline(GetPipelineRequest {
            commune: commune(),
            as_of_date: "2022-06-30".into(),
        })
        .await
        .expect("pipeline answers")
        .into_inner();
    assert_eq!(pipeline.cells.len(), 1);
    assert_eq!(pipeline.cells[0].by_blocker[0].key, "LIVES_AWAY");

    let summary = client
        .get_cell_rating_summary(GetCellRatingSummaryRequest {
            commune: commune(),
            year: 2021,
        })
        .await
        .expect("summary answers")
        .into_inner();
    assert_eq!(
        (summary.numerator, summary.denominator, summary.meets_target),
        (1, 1, true)
    );

    let health = client
        .get_cell_health(GetCellHealthRequest {
            commune: commune(),
            as_of_date: "2022-06-30".into(),
            ..GetCellHealthRequest::default()
        })
        .await
        .expect("health answers")
        .into_inner();
    assert_eq!(
        (health.cells[0].members, health.cells[0].open_candidates),
        (3, 2)
    );

    let deadlines = client
        .list_deadlines(ListDeadlinesRequest {
            commune: commune(),
            as_of_date: "2022-06-30".into(),
            until_date: "2023-03-31".into(),
        })
        .await
        .expect("deadlines answer")
        .into_inner();
    // Member 3's probation (ceremony 1 February 2022) ends on 1 February 2023.
    assert_eq!(deadlines.deadlines.len(), 1);
    assert_eq!(deadlines.deadlines[0].start_date, "2023-02-01");
    assert_eq!(deadlines.overdue, 0);

    let briefing = client
        .get_monthly_briefing(GetMonthlyBriefingRequest {
            commune: commune(),
            month: "2022-07".into(),
        })
        .await
        .expect("briefing answers")
        .into_inner();
    let cell = &briefing.cells[0];
    assert_eq!(
        (cell.planned_admissions, cell.admitted, cell.sources),
        (1, 1, 2)
    );
    assert_eq!(cell.candidates[0].full_name, "Nguyễn Văn An");
    assert_eq!(
        briefing.progress.map(|p| p.as_of_date),
        Some("2022-07-01".to_owned())
    );

    // Bad input names the field or the commune, and unknown communes are NOT_FOUND.
    let unknown = client
        .get_pipeline(GetPipelineRequest {
            commune: "communes/99999".into(),
            as_of_date: String::new(),
        })
        .await
        .expect_err("unknown commune");
    let (code, text) = problem(&unknown);
    assert_eq!(code, tonic::Code::NotFound);
    assert!(text.contains("communes/99999"), "{text}");
    let cases = [
        (
            client
                .get_admission_progress(GetAdmissionProgressRequest {
                    commune: commune(),
                    year: 0,
                    as_of_date: "2022-02-30".into(),
                })
                .await,
            "as_of_date",
        ),
        (
            client
                .get_admission_progress(GetAdmissionProgressRequest {
                    commune: commune(),
                    year: -1,
                    as_of_date: String::new(),
                })
                .await,
            "year",
        ),
    ];
    for (result, field) in cases {
        let (code, text) = problem(&result.expect_err("invalid"));
        assert_eq!(code, tonic::Code::InvalidArgument);
        assert!(text.contains(&format!("- {field}:")), "{text}");
    }
    let month = client
        .get_monthly_briefing(GetMonthlyBriefingRequest {
            commune: commune(),
            month: "2022-13".into(),
        })
        .await
        .expect_err("no 13th month");
    assert!(problem(&month).1.contains("- month:"));
    let year = client
        .get_cell_rating_summary(GetCellRatingSummaryRequest {
            commune: commune(),
            year: 0,
        })
        .await
        .expect_err("year required");
    assert!(problem(&year).1.contains("- year:"));
    let threshold = client
        .get_cell_health(GetCellHealthRequest {
            commune: commune(),
            seconded_percent: -5,
            ..GetCellHealthRequest::default()
        })
        .await
        .expect_err("negative threshold");
    assert!(problem(&threshold).1.contains("- seconded_percent:"));
    let until = client
        .list_deadlines(ListDeadlinesRequest {
            commune: commune(),
            as_of_date: "2022-06-30".into(),
            until_date: "2022-06-01".into(),
        })
        .await
        .expect_err("until before as_of");
    assert!(problem(&until).1.contains("- until_date:"));
    let commune_name = client
        .get_pipeline(GetPipelineRequest {
            commune: "02680".into(),
            as_of_date: String::new(),
        })
        .await
        .expect_err("not a resource name");
    assert!(problem(&commune_name).1.contains("- commune:"));

    reporting.stop().await;
    feed_stop.cancel();
    feed_task.await.expect("feed stops");
}
