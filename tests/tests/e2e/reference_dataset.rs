//! The reference dataset of Hợp Thành, seeded through gRPC, reproduces every number of the
//! source article in the reports.

use partyregistry_cli::dataset;
use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, on_each_backend};

on_each_backend! {
    reference_dataset_report_shows_the_article_numbers;
    reference_dataset_admission_reports_tell_the_story;
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
    let first = dataset::seed(&mut pair.membership, &mut pair.admission).await?;
    assert_eq!(first.members_created as i64, dataset::EXPECTED_MEMBERS);
    let head = pair.caught_up().await?;
    let again = dataset::seed(&mut pair.membership, &mut pair.admission).await?;
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

/// The 2022 story of the article: target 6, two admitted by mid-year, two of the four who
/// finished the awareness class blocked on education, soldiers without referral, Youth Union
/// members working away, Tượng 1 without a source — the target is at risk.
async fn reference_dataset_admission_reports_tell_the_story(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "reference_admission").await?;
    dataset::seed(&mut pair.membership, &mut pair.admission).await?;
    pair.caught_up().await?;

    let progress = pair
        .reports
        .get_admission_progress(report::GetAdmissionProgressRequest {
            commune: dataset::COMMUNE.into(),
            year: 2022,
            as_of_date: dataset::REFERENCE_AS_OF.into(),
        })
        .await?
        .into_inner();
    assert!(progress.has_target);
    assert_eq!(
        i64::from(progress.target),
        dataset::TARGET_ADMISSIONS_PER_YEAR
    );
    assert_eq!(progress.admitted, dataset::ADMISSIONS_2022);
    assert_eq!(
        progress.eligible_candidates,
        dataset::ELIGIBLE_CANDIDATES_2022
    );
    assert_eq!(progress.open_candidates, dataset::OPEN_CANDIDATES_2022);
    assert_eq!(
        progress.best_case,
        dataset::ADMISSIONS_2022 + dataset::ELIGIBLE_CANDIDATES_2022
    );
    assert_eq!(progress.remaining, 4);
    assert!(progress.at_risk);
    assert!(
        progress.reasons.iter().any(|r| r.contains("học vấn")),
        "education is named among the reasons: {:?}",
        progress.reasons
    );
    assert_eq!(progress.by_month.iter().sum::<i64>(), progress.admitted);

    let pipeline = pair
        .reports
        .get_pipeline(report::GetPipelineRequest {
            commune: dataset::COMMUNE.into(),
            as_of_date: dataset::REFERENCE_AS_OF.into(),
        })
        .await?
        .into_inner();
    assert_eq!(pipeline.open_candidates, dataset::OPEN_CANDIDATES_2022);
    assert_eq!(bucket(&pipeline.by_blocker, "EDUCATION_BELOW_MINIMUM"), 2);
    assert_eq!(bucket(&pipeline.by_blocker, "MILITARY_REFERRAL_MISSING"), 2);
    assert_eq!(bucket(&pipeline.by_blocker, "LIVES_AWAY"), 2);
    assert_eq!(pipeline.cells.len(), 16);
    assert_eq!(
        pipeline
            .cells
            .iter()
            .map(|c| c.open_candidates)
            .sum::<i64>(),
        pipeline.open_candidates
    );
    let tuong = pipeline
        .cells
        .iter()
        .find(|c| c.cell == dataset::TUONG_1_CELL)
        .ok_or("Tượng 1 is listed")?;
    assert_eq!(tuong.open_candidates, 0, "Tượng 1 has no source");

    let ratings = pair
        .reports
        .get_cell_rating_summary(report::GetCellRatingSummaryRequest {
            commune: dataset::COMMUNE.into(),
            year: 2021,
        })
        .await?
        .into_inner();
    assert_eq!(
        (ratings.numerator, ratings.denominator),
        (dataset::GOOD_CELLS_2021, dataset::RATED_CELLS_2021)
    );
    assert_eq!(
        i64::from(ratings.target_percent),
        dataset::TARGET_GOOD_CELLS_PERCENT
    );
    assert_eq!(ratings.needed, 13, "80 % of 16 cells means at least 13");
    assert!(ratings.meets_target);
    assert_eq!(
        ratings.by_level.iter().map(|b| b.members).sum::<i64>(),
        ratings.denominator
    );

    let health = pair
        .reports
        .get_cell_health(report::GetCellHealthRequest {
            commune: dataset::COMMUNE.into(),
            as_of_date: dataset::REFERENCE_AS_OF.into(),
            years_without_admission: 3,
            seconded_percent: 50,
            ageing_age: 60,
        })
        .await?
        .into_inner();
    let tuong = health
        .cells
        .iter()
        .find(|c| c.cell == dataset::TUONG_1_CELL)
        .ok_or("Tượng 1 is listed")?;
    assert_eq!(
        (tuong.members, tuong.seconded_members),
        (dataset::TUONG_1_MEMBERS, dataset::TUONG_1_SECONDED)
    );
    assert!(tuong.seconded_dominated && tuong.no_recent_admission);
    assert_eq!(health.cells.iter().map(|c| c.members).sum::<i64>(), 172);

    let briefing = pair
        .reports
        .get_monthly_briefing(report::GetMonthlyBriefingRequest {
            commune: dataset::COMMUNE.into(),
            month: "2022-07".into(),
        })
        .await?
        .into_inner();
    assert_eq!(briefing.cells.len(), 16);
    let planned: i64 = briefing
        .cells
        .iter()
        .map(|c| i64::from(c.planned_admissions))
        .sum();
    assert_eq!(planned, dataset::TARGET_ADMISSIONS_PER_YEAR);
    assert_eq!(
        briefing.cells.iter().map(|c| c.sources).sum::<i64>(),
        dataset::OPEN_CANDIDATES_2022
    );
    let progress = briefing
        .progress
        .ok_or("the briefing carries the progress")?;
    assert!(progress.at_risk);
    for cell in &briefing.cells {
        for candidate in &cell.candidates {
            assert!(!candidate.next_step.is_empty());
        }
    }

    let deadlines = pair
        .reports
        .list_deadlines(report::ListDeadlinesRequest {
            commune: dataset::COMMUNE.into(),
            as_of_date: dataset::REFERENCE_AS_OF.into(),
            until_date: "2022-07-31".into(),
        })
        .await?
        .into_inner();
    assert_eq!(
        deadlines.overdue,
        deadlines.deadlines.iter().filter(|d| d.overdue).count() as i64
    );
    for deadline in &deadlines.deadlines {
        assert_eq!(
            deadline.overdue,
            deadline.due_date.as_str() < dataset::REFERENCE_AS_OF,
            "{deadline:?}"
        );
    }

    pair.finish().await
}
