//! `partyctl dev` end to end on port 0: both services start in this process on fresh SQLite
//! files, the reference dataset is seeded once, and the reporting service's figures as of the
//! article's date match the dataset's constants. A second start on the same data directory seeds
//! nothing.

use std::time::Duration;

use partyregistry_cli::dataset::{self, REFERENCE_AS_OF};
use partyregistry_cli::dev::{DevOptions, start};
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use partyregistry_proto::reporting::v1::{
    GetAdmissionProgressRequest, GetAdmissionsReportRequest, GetCommuneReportRequest,
    GetFreshnessRequest,
};

/// A fresh directory under the system's temporary directory; removed at the end of the test.
fn scratch_dir() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("partyctl-dev-test-{}-{nanos}", std::process::id()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_seeds_once_and_reports_the_article_figures() {
    let data_dir = scratch_dir();
    let options = DevOptions {
        data_dir: data_dir.clone(),
        membership_port: 0,
        reporting_port: 0,
    };

    let handles = start(&options).await.expect("dev mode starts");
    let seeded = handles.seeded.clone().expect("the first start seeds");
    assert_eq!(i64::from(seeded.members_created), dataset::EXPECTED_MEMBERS);
    assert_eq!(i64::from(seeded.cells_created), dataset::EXPECTED_CELLS);
    assert_eq!(seeded.communes_created, 1);

    // Seeding again through the API creates nothing.
    let mut membership = MembershipServiceClient::connect(handles.membership_url.clone())
        .await
        .expect("connects");
    let mut admission = AdmissionServiceClient::connect(handles.membership_url.clone())
        .await
        .expect("connects");
    assert_eq!(i64::from(seeded.candidates_created), dataset::CANDIDATES);
    let again = dataset::seed(&mut membership, &mut admission)
        .await
        .expect("second seed");
    assert!(again.nothing_created(), "{again:?}");
    assert_eq!(i64::from(again.members_present), dataset::EXPECTED_MEMBERS);
    assert_eq!(i64::from(again.candidates_present), dataset::CANDIDATES);
    assert_eq!(
        i64::from(again.cell_ratings_present),
        dataset::RATED_CELLS_2021
    );

    // Wait, with a bound, until the projection has applied the whole feed.
    let mut reporting = ReportingServiceClient::connect(handles.reporting_url.clone())
        .await
        .expect("connects");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let freshness = reporting
            .get_freshness(GetFreshnessRequest {})
            .await
            .expect("freshness")
            .into_inner();
        if freshness.last_applied_sequence > 0
            && freshness.pending_changes == 0
            && freshness.connected
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "projection did not catch up: {freshness:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

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
