//! `partyctl dev` end to end on port 0: both services start in this process on fresh SQLite
//! files, the reference dataset is seeded once, and the reporting service's figures as of the
//! article's date match the dataset's constants. A second start on the same data directory seeds
//! nothing. The synthetic province loads into the same set-up, and the roll it leaves matches the
//! figures its generator computed.

use std::collections::HashMap;
use std::time::Duration;

use partyregistry_cli::dataset::{self, REFERENCE_AS_OF};
use partyregistry_cli::dev::{DevOptions, start};
use partyregistry_cli::progress::Progress;
use partyregistry_cli::synthetic::{self, SpecialCase};
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::membership::v1::{GetCommuneRequest, ListMembersRequest, MemberStatus};
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use partyregistry_proto::reporting::v1::{
    GetAdmissionProgressRequest, GetAdmissionsReportRequest, GetCommuneReportRequest,
    GetFreshnessRequest, GetMovementsRequest, GetStatisticsRequest,
};

/// The kit's client transport to a dev-mode service: plaintext, no token.
async fn plaintext(url: &str) -> Transport {
    partyregistry_kit::client::connect(url, &partyregistry_cli::client::plaintext())
        .await
        .expect("connects")
}

/// A fresh directory under the system's temporary directory; removed at the end of the test.
fn scratch_dir(test: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "partyctl-{test}-test-{}-{nanos}",
        std::process::id()
    ))
}

/// The membership feed's head: the last change replayed before the first heartbeat of a new
/// watch from the start.
async fn feed_head(membership_url: &str) -> i64 {
    use partyregistry_proto::membership::v1::WatchChangesRequest;
    use partyregistry_proto::membership::v1::watch_changes_response::Event;
    let mut membership = MembershipServiceClient::new(plaintext(membership_url).await);
    let mut stream = membership
        .watch_changes(WatchChangesRequest { after_sequence: 0 })
        .await
        .expect("watch")
        .into_inner();
    let mut last = 0;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), stream.message())
            .await
            .expect("the feed answers")
            .expect("the feed streams")
            .expect("the feed does not end before its first heartbeat");
        match message.event {
            Some(Event::Change(change)) => last = change.sequence,
            Some(Event::Heartbeat(heartbeat)) => return heartbeat.head_sequence.max(last),
            None => {}
        }
    }
}

/// A reporting client once reporting has applied every change membership holds now: the head
/// reporting knows from its own heartbeats may be older than the last write.
async fn caught_up(url: &str, membership_url: &str) -> ReportingServiceClient<Transport> {
    let head = feed_head(membership_url).await;
    let mut reporting = ReportingServiceClient::new(plaintext(url).await);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let freshness = reporting
            .get_freshness(GetFreshnessRequest {})
            .await
            .expect("freshness")
            .into_inner();
        if freshness.last_applied_sequence >= head && freshness.connected {
            return reporting;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "projection did not catch up with {head}: {freshness:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_seeds_once_and_reports_the_article_figures() {
    let data_dir = scratch_dir("dev");
    let options = DevOptions {
        data_dir: data_dir.clone(),
        membership_port: 0,
        reporting_port: 0,
        metrics_port: 0,
    };

    let handles = start(&options).await.expect("dev mode starts");
    let seeded = handles.seeded.clone().expect("the first start seeds");
    assert_eq!(i64::from(seeded.members_created), dataset::EXPECTED_MEMBERS);
    assert_eq!(i64::from(seeded.cells_created), dataset::EXPECTED_CELLS);
    assert_eq!(seeded.communes_created, 1);

    // Seeding again through the API creates nothing.
    let mut membership = MembershipServiceClient::new(plaintext(&handles.membership_url).await);
    let mut admission = AdmissionServiceClient::new(plaintext(&handles.membership_url).await);
    assert_eq!(i64::from(seeded.candidates_created), dataset::CANDIDATES);
    let again = dataset::seed(&mut membership, &mut admission)
        .await
        .expect("second seed");
    assert!(again.nothing_created(), "{again:?}");

    // Tả Phời, the merge and what followed it were loaded too, and loading it all again writes
    // nothing.
    assert_eq!(
        i64::from(seeded.ta_phoi_members_created),
        dataset::TA_PHOI_MEMBERS
    );
    assert_eq!(
        i64::from(seeded.ta_phoi_cells_created),
        dataset::TA_PHOI_CELLS
    );
    assert_eq!(i64::from(seeded.transfers_made), dataset::TA_PHOI_MEMBERS);
    assert_eq!(
        i64::from(seeded.merged_cells_created),
        dataset::TA_PHOI_CELLS
    );
    assert_eq!(i64::from(seeded.cells_closed), dataset::TA_PHOI_CELLS);
    assert_eq!(seeded.merges_created, 1);
    let mut reference = ReferenceServiceClient::new(plaintext(&handles.membership_url).await);
    let all_again = dataset::seed_all(
        &mut membership,
        &mut admission,
        &mut reference,
        &Progress::hidden(),
    )
    .await
    .expect("third seed");
    assert!(all_again.nothing_created(), "{all_again:?}");
    assert_eq!(
        i64::from(all_again.transfers_present),
        dataset::TA_PHOI_MEMBERS
    );
    let ta_phoi = membership
        .get_commune(GetCommuneRequest {
            name: dataset::TA_PHOI.to_owned(),
        })
        .await
        .expect("Tả Phời")
        .into_inner();
    assert_eq!(ta_phoi.valid_to, dataset::TA_PHOI_VALID_TO);
    let roll = membership
        .list_members(ListMembersRequest {
            parent: dataset::COMMUNE.to_owned(),
            page_size: 500,
            ..ListMembersRequest::default()
        })
        .await
        .expect("roll")
        .into_inner()
        .members;
    assert_eq!(roll.len() as i64, dataset::MEMBERS_AFTER_MERGE);
    let updated = roll
        .iter()
        .filter(|m| !m.badges.is_empty() || m.seriously_ill || !m.party_age_gaps.is_empty())
        .count() as i64;
    assert!(updated >= dataset::BADGE_HOLDERS + dataset::SERIOUSLY_ILL_MEMBERS);
    assert_eq!(i64::from(again.members_present), dataset::EXPECTED_MEMBERS);
    assert_eq!(i64::from(again.candidates_present), dataset::CANDIDATES);
    assert_eq!(
        i64::from(again.cell_ratings_present),
        dataset::RATED_CELLS_2021
    );

    let mut reporting = caught_up(&handles.reporting_url, &handles.membership_url).await;
    let report = reporting
        .get_commune_report(GetCommuneReportRequest {
            commune: dataset::COMMUNE.to_owned(),
            as_of_date: REFERENCE_AS_OF.to_owned(),
        })
        .await
        .expect("commune report")
        .into_inner();
    assert_eq!(report.total_members, dataset::EXPECTED_MEMBERS);
    assert_eq!(report.official_members, dataset::EXPECTED_OFFICIAL);
    assert_eq!(report.probationary_members, dataset::EXPECTED_PROBATIONARY);
    assert_eq!(report.women, dataset::EXPECTED_WOMEN);
    assert_eq!(report.cells.len() as i64, dataset::EXPECTED_CELLS);
    let tuong_1 = report
        .cells
        .iter()
        .find(|c| c.cell == dataset::TUONG_1_CELL)
        .expect("Tượng 1 in the report");
    assert_eq!(tuong_1.members, dataset::TUONG_1_MEMBERS);
    assert_eq!(tuong_1.local_members, dataset::TUONG_1_LOCAL);
    assert_eq!(tuong_1.seconded_members, dataset::TUONG_1_SECONDED);
    assert!(tuong_1.last_admission_date.as_str() < "2015-01-01");

    let admissions = reporting
        .get_admissions_report(GetAdmissionsReportRequest {
            commune: dataset::COMMUNE.to_owned(),
            first_year: 2021,
            last_year: 2022,
        })
        .await
        .expect("admissions report")
        .into_inner();
    let totals: Vec<(i32, i64)> = admissions.years.iter().map(|y| (y.year, y.total)).collect();
    assert_eq!(
        totals,
        [
            (2021, dataset::ADMISSIONS_2021),
            (2022, dataset::ADMISSIONS_2022)
        ]
    );

    let progress = reporting
        .get_admission_progress(GetAdmissionProgressRequest {
            commune: dataset::COMMUNE.to_owned(),
            year: 2022,
            as_of_date: REFERENCE_AS_OF.to_owned(),
        })
        .await
        .expect("admission progress")
        .into_inner();
    assert_eq!(
        i64::from(progress.target),
        dataset::TARGET_ADMISSIONS_PER_YEAR
    );
    assert_eq!(progress.admitted, dataset::ADMISSIONS_2022);
    assert_eq!(progress.open_candidates, dataset::OPEN_CANDIDATES_2022);
    assert_eq!(
        progress.eligible_candidates,
        dataset::ELIGIBLE_CANDIDATES_2022
    );
    assert_eq!(progress.best_case, dataset::BEST_CASE_2022);
    assert!(progress.at_risk);

    handles.stop().await.expect("stops cleanly");

    // A second start on the same directory finds the data and seeds nothing.
    let handles = start(&options).await.expect("dev mode restarts");
    assert!(handles.seeded.is_none());
    handles.stop().await.expect("stops cleanly");

    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_synthetic_province_loads_and_its_roll_matches_the_plan() {
    let data_dir = scratch_dir("synthetic");
    let options = DevOptions {
        data_dir: data_dir.clone(),
        membership_port: 0,
        reporting_port: 0,
        metrics_port: 0,
    };
    let handles = start(&options).await.expect("dev mode starts");
    let mut membership = MembershipServiceClient::new(plaintext(&handles.membership_url).await);
    let mut reference = ReferenceServiceClient::new(plaintext(&handles.membership_url).await);

    let summary = synthetic::seed_province(
        &mut membership,
        &mut reference,
        synthetic::DEFAULT_SEED,
        &Progress::hidden(),
    )
    .await
    .expect("the generated histories are accepted");
    let plan = synthetic::plan(synthetic::DEFAULT_SEED);
    assert_eq!(summary.members_created as usize, plan.members.len());
    assert!(summary.steps_applied > 0);
    assert!(summary.special(SpecialCase::PartyAgeGap).is_some());

    // Nothing is generated after the last date, ceremonies included, so today's roll is the roll
    // of that day, and so is the line awaiting a ceremony.
    let mut on_roll: HashMap<String, i64> = HashMap::new();
    let mut awaiting = 0;
    for (commune, _) in &summary.commune_names {
        let members = membership
            .list_members(ListMembersRequest {
                parent: commune.clone(),
                page_size: 500,
                ..ListMembersRequest::default()
            })
            .await
            .expect("roll")
            .into_inner()
            .members;
        let status = |wanted: &[MemberStatus]| {
            members
                .iter()
                .filter(|m| MemberStatus::try_from(m.status).is_ok_and(|s| wanted.contains(&s)))
                .count() as i64
        };
        // On the roll from the ceremony; decided and awaiting it is a line of its own.
        let active = status(&[
            MemberStatus::Probationary,
            MemberStatus::Official,
            MemberStatus::Exempt,
        ]);
        on_roll.insert(commune.clone(), active);
        awaiting += status(&[MemberStatus::Admitted]);
    }
    for (commune, _) in &summary.commune_names {
        let expected = summary
            .members_on(commune, synthetic::LAST_DATE)
            .unwrap_or(0);
        assert_eq!(on_roll.get(commune).copied(), Some(expected), "{commune}");
    }
    let awaiting_on = |day: &str| {
        summary
            .province_awaiting
            .iter()
            .find(|(counted, _)| counted == day)
            .map(|(_, n)| *n)
    };
    assert_eq!(Some(awaiting), awaiting_on(synthetic::LAST_DATE));

    // The reporting service counts the province as the generator did, on both sides of the
    // merge, and its movements reconcile with the generator's.
    let mut reporting = caught_up(&handles.reporting_url, &handles.membership_url).await;
    for (day, expected) in &summary.province_counts {
        let statistics = reporting
            .get_statistics(GetStatisticsRequest {
                scope: synthetic::PROVINCE.to_owned(),
                as_of_date: day.clone(),
                ..GetStatisticsRequest::default()
            })
            .await
            .expect("statistics")
            .into_inner();
        assert_eq!(statistics.total_members, *expected, "{day}");
        assert_eq!(
            Some(statistics.awaiting_ceremony_members),
            awaiting_on(day),
            "awaiting the ceremony on {day}"
        );
        for unit in &statistics.units {
            assert_eq!(
                Some(unit.members),
                summary.members_on(&unit.commune, day),
                "{} on {day}",
                unit.commune
            );
        }
    }
    for expected in &summary.movements {
        let movements = reporting
            .get_movements(GetMovementsRequest {
                scope: synthetic::PROVINCE.to_owned(),
                from_date: expected.from.clone(),
                to_date: expected.to.clone(),
            })
            .await
            .expect("movements")
            .into_inner();
        let check = movements.reconciliation.expect("reconciled");
        assert!(check.balanced);
        // The roll, then the line awaiting the ceremony.
        assert_eq!(
            (
                (
                    check.members_at_start,
                    movements.ceremonies,
                    movements.transferred_in,
                    movements.transferred_out,
                    movements.died,
                    check.members_at_end
                ),
                (
                    check.awaiting_at_start,
                    movements.admitted.map_or(0, |a| a.total),
                    movements.left_awaiting_ceremony,
                    check.awaiting_at_end
                )
            ),
            (
                (
                    expected.members_at_start,
                    expected.ceremonies,
                    expected.transferred_in,
                    expected.transferred_out,
                    expected.died,
                    expected.members_at_end
                ),
                (
                    expected.awaiting_at_start,
                    expected.admitted,
                    expected.left_awaiting_ceremony,
                    expected.awaiting_at_end
                )
            ),
            "{} – {}",
            expected.from,
            expected.to
        );
    }

    // Loading the same seed again creates nobody.
    let again = synthetic::seed_province(
        &mut membership,
        &mut reference,
        synthetic::DEFAULT_SEED,
        &Progress::hidden(),
    )
    .await
    .expect("second load");
    assert_eq!(again.members_created, 0);
    assert_eq!(again.members_present as usize, plan.members.len());

    handles.stop().await.expect("stops cleanly");
    let _ = std::fs::remove_dir_all(&data_dir);
}
