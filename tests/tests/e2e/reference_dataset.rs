//! The reference dataset of Hợp Thành, seeded through gRPC, reproduces every number of the
//! source article in the reports.

use partyregistry_cli::dataset;
use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, on_each_backend};

on_each_backend! {
    reference_dataset_report_shows_the_article_numbers;
}

fn bucket(buckets: &[report::Bucket], key: &str) -> i64 {
    buckets
        .iter()
        .find(|b| b.key == key)
        .map(|b| b.members)
        .unwrap_or(0)
}

async fn reference_dataset_report_shows_the_article_numbers(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "reference").await?;
    let first = dataset::seed(&mut pair.membership).await?;
    assert_eq!(first.members_created as i64, dataset::EXPECTED_MEMBERS);
    let head = pair.caught_up().await?;
    let again = dataset::seed(&mut pair.membership).await?;
    assert!(
        again.nothing_created(),
        "seeding twice creates nothing: {again:?}"
    );
    assert_eq!(
        partyregistry_tests::feed_head(&mut pair.membership).await?,
        head
    );

    let request = report::GetCommuneReportRequest {
        commune: dataset::COMMUNE.into(),
        as_of_date: dataset::REFERENCE_AS_OF.into(),
    };
    let report = pair.reports.get_commune_report(request).await?.into_inner();
    assert_eq!(report.display_name, dataset::COMMUNE_DISPLAY_NAME);
    assert_eq!(report.total_members, 172);
    assert_eq!(report.official_members + report.probationary_members, 172);
    assert_eq!(report.official_members, dataset::EXPECTED_OFFICIAL);
    assert_eq!(report.women, dataset::EXPECTED_WOMEN);
    assert_eq!(report.cells.len(), 16);
    assert_eq!(bucket(&report.cells_by_kind, "CELL_KIND_RESIDENTIAL"), 12);
    assert_eq!(bucket(&report.cells_by_kind, "CELL_KIND_SCHOOL"), 3);
    assert_eq!(bucket(&report.cells_by_kind, "CELL_KIND_POLICE"), 1);
    assert_eq!(
        report.by_cell_kind.iter().map(|b| b.members).sum::<i64>(),
        172
    );
    assert_eq!(report.age_bands.iter().map(|b| b.members).sum::<i64>(), 172);
    assert_eq!(report.ethnicity.iter().map(|b| b.members).sum::<i64>(), 172);
    assert_eq!(
        report
            .general_education
            .iter()
            .map(|b| b.members)
            .sum::<i64>(),
        172
    );
    assert!(report.average_age > 18.0 && report.average_age < 90.0);
    let tuong = report
        .cells
        .iter()
        .find(|c| c.cell == dataset::TUONG_1_CELL)
        .ok_or("Tượng 1 is listed")?;
    assert_eq!(
        (tuong.members, tuong.local_members, tuong.seconded_members),
        (9, 4, 5)
    );
    assert!(tuong.years_since_last_admission >= 2022 - dataset::TUONG_1_NO_ADMISSION_SINCE - 1);
    assert_eq!(report.cells.iter().map(|c| c.members).sum::<i64>(), 172);

    let admissions = pair
        .reports
        .get_admissions_report(report::GetAdmissionsReportRequest {
            commune: dataset::COMMUNE.into(),
            first_year: 2021,
            last_year: 2022,
        })
        .await?
        .into_inner();
    let per_year: Vec<(i32, i64)> = admissions.years.iter().map(|y| (y.year, y.total)).collect();
    assert_eq!(per_year, [(2021, 6), (2022, 2)]);
    for year in &admissions.years {
        assert_eq!(year.by_month.len(), 12);
        assert_eq!(year.by_month.iter().sum::<i64>(), year.total);
    }

    pair.finish().await
}
