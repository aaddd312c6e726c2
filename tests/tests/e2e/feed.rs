//! The change feed and the reporting projection that follows it: replay and live follow, resume
//! after restarts with nothing lost or applied twice, concurrent writers, and shutdown.

use std::collections::BTreeMap;
use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::watch_changes_response::Event;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, ReportingClient, TestDatabase, on_each_backend};

use crate::fixtures::{self, Client, Membership};

on_each_backend! {
    watch_replays_history_then_follows_live_commits;
    shutdown_ends_open_watch_streams;
    reporting_catches_up_after_membership_restart;
    concurrent_writers_leave_projection_equal_to_membership;
}

pub(crate) async fn next_event(
    stream: &mut tonic::Streaming<pb::WatchChangesResponse>,
) -> Result<Event, BoxError> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), stream.message())
            .await??
            .ok_or("the feed ended")?;
        if let Some(event) = message.event {
            return Ok(event);
        }
    }
}

async fn watch_replays_history_then_follows_live_commits(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "watch").await?;
    // A new server starts with the reference rule versions and holidays in its feed.
    let seeded = service.head().await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let mut stream = service
        .client
        .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
        .await?
        .into_inner();
    let mut sequences = Vec::new();
    loop {
        match next_event(&mut stream).await? {
            Event::Change(change) => sequences.push(change.sequence),
            Event::Heartbeat(heartbeat) => {
                assert_eq!(heartbeat.head_sequence, seeded + 3);
                break;
            }
        }
    }
    let expected: Vec<i64> = (1..=seeded + 3).collect();
    assert_eq!(
        sequences, expected,
        "the seed, the commune and two cells, in order"
    );
    let admitted = fixtures::admit(&mut service.client, &a, "Lò Thị Xuân").await?;
    let live = loop {
        if let Event::Change(change) = next_event(&mut stream).await? {
            break change;
        }
    };
    assert_eq!(live.sequence, seeded + 4);
    assert!(live.commit_time.is_some());
    assert_eq!(
        live.resource,
        Some(pb::change::Resource::Member(admitted)),
        "the full new state"
    );
    let mut resumed = service
        .client
        .watch_changes(pb::WatchChangesRequest {
            after_sequence: seeded + 2,
        })
        .await?
        .into_inner();
    let Event::Change(first) = next_event(&mut resumed).await? else {
        return Err("expected a change".into());
    };
    assert_eq!(first.sequence, seeded + 3, "resumes right after the cursor");
    drop((stream, resumed));
    service.finish().await
}

async fn shutdown_ends_open_watch_streams(backend: Backend) -> Result<(), BoxError> {
    let database = TestDatabase::create(backend, "shutdown").await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let running = partyregistry_tests::start_membership(&database.url, listener).await?;
    let mut client = partyregistry_tests::membership_client(&running).await?;
    let mut stream = client
        .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
        .await?
        .into_inner();
    // The replay of the seeded reference data comes first, then the heartbeat of a live stream.
    while !matches!(next_event(&mut stream).await?, Event::Heartbeat(_)) {}
    // stop() fails if the server has not finished within its bound: an open stream must not hold it.
    running.stop().await?;
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        while let Ok(Some(_)) = stream.message().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ends with the server");
    database.remove().await;
    Ok(())
}

/// Members on the roll today per cell, by status, as membership sees them.
async fn roll_by_cell(client: &mut Client) -> Result<BTreeMap<String, (i64, i64)>, BoxError> {
    let mut counts: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut page_token = String::new();
    loop {
        let request = pb::ListMembersRequest {
            parent: "communes/02680".into(),
            page_size: 500,
            page_token,
            filter: String::new(),
        };
        let page = client.list_members(request).await?.into_inner();
        for member in page.members {
            let entry = counts.entry(member.cell.clone()).or_default();
            match pb::MemberStatus::try_from(member.status) {
                Ok(pb::MemberStatus::Official | pb::MemberStatus::Exempt) => entry.0 += 1,
                Ok(pb::MemberStatus::Probationary) => entry.1 += 1,
                _ => {}
            }
        }
        if page.next_page_token.is_empty() {
            return Ok(counts);
        }
        page_token = page.next_page_token;
    }
}

/// Today's report of commune 02680.
async fn commune_report(
    reporting: &mut ReportingClient,
) -> Result<report::CommuneReport, BoxError> {
    let request = report::GetCommuneReportRequest {
        commune: "communes/02680".into(),
        as_of_date: String::new(),
    };
    Ok(reporting.get_commune_report(request).await?.into_inner())
}

/// Checks that the commune report equals membership's data, cell by cell.
async fn assert_projection_matches(
    client: &mut Client,
    reporting: &mut ReportingClient,
) -> Result<(), BoxError> {
    let expected = roll_by_cell(client).await?;
    let report = commune_report(reporting).await?;
    let official: i64 = expected.values().map(|c| c.0).sum();
    let probationary: i64 = expected.values().map(|c| c.1).sum();
    assert_eq!(
        (report.official_members, report.probationary_members),
        (official, probationary)
    );
    assert_eq!(report.total_members, official + probationary);
    for cell in &report.cells {
        let (o, p) = expected.get(&cell.cell).copied().unwrap_or_default();
        assert_eq!(cell.members, o + p, "members of {}", cell.cell);
    }
    Ok(())
}

async fn reporting_catches_up_after_membership_restart(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "restart").await?;
    let (a, b) = fixtures::small_commune(&mut pair.membership).await?;
    for i in 0..5 {
        let cell = if i % 2 == 0 { &a } else { &b };
        fixtures::admit(&mut pair.membership, cell, &format!("Hoàng Văn Khánh {i}")).await?;
    }
    pair.caught_up().await?;

    pair.stop_membership().await?;
    // Reporting keeps answering from its projection while membership is away, and says so.
    let reports = pair.reports.clone();
    partyregistry_tests::poll(Duration::from_secs(30), || {
        let mut reports = reports.clone();
        async move {
            let freshness = reports
                .get_freshness(report::GetFreshnessRequest {})
                .await?;
            Ok(!freshness.into_inner().connected)
        }
    })
    .await?;
    assert_eq!(commune_report(&mut pair.reports).await?.total_members, 5);

    pair.restart_membership().await?;
    for i in 0..3 {
        fixtures::admit(&mut pair.membership, &b, &format!("Lý Thị Mai {i}")).await?;
    }
    let listed = pair
        .membership
        .list_members(pb::ListMembersRequest {
            parent: "communes/02680".into(),
            ..Default::default()
        })
        .await?;
    let moved = listed
        .into_inner()
        .members
        .into_iter()
        .find(|m| m.cell == a)
        .ok_or("a member of cell a")?;
    let transfer = pb::TransferMemberRequest {
        name: moved.name,
        kind: pb::TransferKind::BetweenCells as i32,
        effective_date: "2023-01-01".into(),
        to_cell: b.clone(),
        ..Default::default()
    };
    pair.membership.transfer_member(transfer).await?;
    let head = pair.caught_up().await?;
    let freshness = pair
        .reports
        .get_freshness(report::GetFreshnessRequest {})
        .await?
        .into_inner();
    assert_eq!(
        freshness.last_applied_sequence, head,
        "nothing lost, nothing beyond the head"
    );
    assert_projection_matches(&mut pair.membership, &mut pair.reports).await?;
    let report = commune_report(&mut pair.reports).await?;
    assert_eq!(
        report.total_members, 8,
        "every admission counted exactly once"
    );
    let in_b = report.cells.iter().find(|c| c.cell == b).map(|c| c.members);
    assert_eq!(in_b, Some(6), "2 + 3 admitted into b, 1 moved in from a");
    pair.finish().await
}

/// One step after an admission, chosen by `i`: a transfer to the other cell, a recognition, or a
/// death.
async fn follow_up(
    client: &mut Client,
    member: &pb::Member,
    other_cell: &str,
    i: usize,
) -> Result<(), BoxError> {
    match i % 3 {
        0 => {
            let transfer = pb::TransferMemberRequest {
                name: member.name.clone(),
                kind: pb::TransferKind::BetweenCells as i32,
                effective_date: "2023-02-01".into(),
                to_cell: other_cell.into(),
                ..Default::default()
            };
            client.transfer_member(transfer).await?;
        }
        1 => {
            let recognize = pb::RecognizeOfficialRequest {
                name: member.name.clone(),
                official_date: "2023-03-20".into(),
                cell_vote: Some(fixtures::passing_vote()),
                ..Default::default()
            };
            client.recognize_official(recognize).await?;
        }
        _ => {
            let death = pb::RecordDepartureRequest {
                name: member.name.clone(),
                kind: pb::DepartureKind::Death as i32,
                effective_date: "2023-04-01".into(),
                ..Default::default()
            };
            client.record_departure(death).await?;
        }
    }
    Ok(())
}

async fn concurrent_writers_leave_projection_equal_to_membership(
    backend: Backend,
) -> Result<(), BoxError> {
    const WRITERS: usize = 8;
    const ADMISSIONS_PER_WRITER: usize = 6;
    let mut pair = Pair::start(backend, "concurrent").await?;
    let seeded = partyregistry_tests::feed_head(&mut pair.membership).await?;
    let (a, b) = fixtures::small_commune(&mut pair.membership).await?;
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let mut client = pair.membership.clone();
        let (a, b) = (a.clone(), b.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..ADMISSIONS_PER_WRITER {
                let (home, other) = if (writer + i) % 2 == 0 {
                    (&a, &b)
                } else {
                    (&b, &a)
                };
                let member = fixtures::admit(
                    &mut client,
                    home,
                    &format!("Nguyễn Văn Writer {writer} {i}"),
                )
                .await?;
                follow_up(&mut client, &member, other, i).await?;
            }
            Ok::<(), BoxError>(())
        }));
    }
    for writer in writers {
        writer.await??;
    }
    let head = pair.caught_up().await?;
    assert_eq!(
        head,
        seeded + 3 + (WRITERS * ADMISSIONS_PER_WRITER * 2) as i64,
        "one change per command"
    );
    assert_projection_matches(&mut pair.membership, &mut pair.reports).await?;
    pair.finish().await
}
