//! Reads scale out: a second reporting instance, on a database of its own, follows the same
//! membership service and answers every report exactly as the first does once both have applied
//! the same head — the commune report, the admission pipeline, statistics, movements and the
//! ranking of the reference dataset, before and after the 2025 merger.

use partyregistry_cli::dataset;
use partyregistry_cli::progress::Progress;
use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{
    Backend, Pair, TestDatabase, on_each_backend, reporting_client, start_reporting_with,
    wait_caught_up,
};

on_each_backend! {
    two_reporting_instances_answer_alike;
}

/// `report` without its freshness, which tells when each instance last heard from membership.
fn figures<M: Clone>(report: &M, clear: impl Fn(&mut M)) -> M {
    let mut figures = report.clone();
    clear(&mut figures);
    figures
}

async fn two_reporting_instances_answer_alike(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "horizontal").await?;
    dataset::seed_all(
        &mut pair.membership,
        &mut pair.admission,
        &mut pair.reference,
        &Progress::hidden(),
    )
    .await?;
    let head = pair.caught_up().await?;

    let database = TestDatabase::create(backend, "horizontal_second").await?;
    let config =
        partyregistry_reporting::Config::new(&database.url, pair.membership_service()?.url());
    let second = start_reporting_with(config, ClientSecurity::default()).await?;
    let mut replica = reporting_client(&second).await?;
    wait_caught_up(&mut replica, head).await?;

    let instances = [pair.reports.clone(), replica];
    for as_of in [dataset::REFERENCE_AS_OF, "2026-06-30"] {
        let mut answers = Vec::new();
        for mut reports in instances.clone() {
            let commune = reports
                .get_commune_report(report::GetCommuneReportRequest {
                    commune: dataset::COMMUNE.into(),
                    as_of_date: as_of.into(),
                })
                .await?
                .into_inner();
            let pipeline = reports
                .get_pipeline(report::GetPipelineRequest {
                    commune: dataset::COMMUNE.into(),
                    as_of_date: as_of.into(),
                })
                .await?
                .into_inner();
            let statistics = reports
                .get_statistics(report::GetStatisticsRequest {
                    scope: "provinces/15".into(),
                    as_of_date: as_of.into(),
                    breakdowns: vec!["ethnicity".into(), "religion".into()],
                    ..Default::default()
                })
                .await?
                .into_inner();
            let movements = reports
                .get_movements(report::GetMovementsRequest {
                    scope: "provinces/15".into(),
                    from_date: "2021-01-01".into(),
                    to_date: as_of.into(),
                })
                .await?
                .into_inner();
            let ranking = reports
                .rank_communes(report::RankCommunesRequest {
                    province: "provinces/15".into(),
                    indicator: report::RankingIndicator::Members.into(),
                    year: 2022,
                    as_of_date: as_of.into(),
                })
                .await?
                .into_inner();
            answers.push((
                figures(&commune, |r| r.freshness = None),
                figures(&pipeline, |r| r.freshness = None),
                figures(&statistics, |r| r.freshness = None),
                figures(&movements, |r| r.freshness = None),
                figures(&ranking, |r| r.freshness = None),
            ));
        }
        let (first, second) = (&answers[0], &answers[1]);
        assert!(
            first.0.total_members > 0,
            "the dataset is counted on {as_of}"
        );
        assert_eq!(first.0, second.0, "commune report on {as_of}");
        assert_eq!(first.1, second.1, "pipeline on {as_of}");
        assert_eq!(first.2, second.2, "statistics on {as_of}");
        assert_eq!(first.3, second.3, "movements to {as_of}");
        assert_eq!(first.4, second.4, "ranking on {as_of}");
    }

    second.stop().await?;
    database.remove().await;
    pair.finish().await
}
