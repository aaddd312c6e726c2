//! Read-your-writes: a write's answer carries the feed sequence it committed at, and a report
//! asked with that sequence as `x-min-feed-sequence` reflects the write at once; a sequence that
//! never comes is refused by the call's deadline, naming the header. `partyctl` itself, run as a
//! program, shows each write in the report run right after it.

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::reporting::v1::GetCommuneReportRequest;
use partyregistry_tests::{Backend, Pair, on_each_backend};
use tonic::Code;

use crate::fixtures::{self, admission, new_member};

on_each_backend! {
    a_report_asked_after_a_write_shows_it;
    a_partyctl_report_run_right_after_a_partyctl_write_shows_it;
}

/// The `partyctl` program built with these tests.
const PARTYCTL: &str = env!("CARGO_BIN_EXE_partyctl-e2e");

/// The report of commune 02680 today, reflecting at least the change `sequence`.
fn report_after(sequence: i64) -> tonic::Request<GetCommuneReportRequest> {
    let mut request = tonic::Request::new(GetCommuneReportRequest {
        commune: "communes/02680".into(),
        as_of_date: String::new(),
    });
    request
        .metadata_mut()
        .insert("x-min-feed-sequence", sequence.into());
    request
}

async fn a_report_asked_after_a_write_shows_it(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "read_your_writes").await?;
    let (cell, _) = fixtures::small_commune(&mut pair.membership).await?;
    let mut previous = 0;
    for (written, name) in ["Lò Thị Hoa", "Vàng Thị Mai", "Giàng A Páo"]
        .iter()
        .enumerate()
    {
        let member = new_member(&cell, name, "1995-04-12", "2022-03-01", "2022-03-20");
        let answer = pair
            .membership
            .record_admission(admission(member, &format!("ryw-{written}")))
            .await?;
        let sequence: i64 = answer
            .metadata()
            .get("x-feed-sequence")
            .ok_or("a write's answer carries its feed sequence")?
            .to_str()?
            .parse()?;
        assert!(sequence > previous, "{sequence} after {previous}");
        previous = sequence;
        let report = pair
            .reports
            .get_commune_report(report_after(sequence))
            .await?
            .into_inner();
        assert_eq!(
            report.total_members,
            written as i64 + 1,
            "right after write {sequence}"
        );
    }

    // The head agrees with the last write, and a sequence beyond it is refused in time.
    let head = pair
        .membership
        .get_feed_head(pb::GetFeedHeadRequest {})
        .await?
        .into_inner()
        .head_sequence;
    assert_eq!(head, previous);
    let mut beyond = report_after(head + 1_000);
    beyond.set_timeout(Duration::from_millis(300));
    let refused = pair.reports.get_commune_report(beyond).await;
    let status = refused.expect_err("a change that never comes");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    pair.finish().await
}

async fn a_partyctl_report_run_right_after_a_partyctl_write_shows_it(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "read_your_writes_cli").await?;
    let (cell, _) = fixtures::small_commune(&mut pair.membership).await?;
    for (written, name) in ["Lò Thị Hoa", "Vàng Thị Mai", "Giàng Thị Sua", "Thào Thị Dợ"]
        .iter()
        .enumerate()
    {
        let admitted = pair
            .partyctl(
                PARTYCTL,
                &[
                    "admit",
                    "--cell",
                    &cell,
                    "--full-name",
                    name,
                    "--gender",
                    "nữ",
                    "--birth-date",
                    "1995-04-12",
                    "--ethnicity",
                    "09",
                    "--education",
                    "upper-secondary",
                    "--decision-date",
                    "2022-03-01",
                    "--ceremony-date",
                    "2022-03-20",
                    "--eligible",
                    "9",
                    "--present",
                    "8",
                    "--yes",
                    "6",
                    "--no",
                    "2",
                ],
            )
            .await?;
        assert!(
            admitted.status.success(),
            "partyctl admit: {}",
            String::from_utf8_lossy(&admitted.stderr)
        );
        let report = pair
            .partyctl(
                PARTYCTL,
                &["--json", "report", "commune", "--commune", "02680"],
            )
            .await?;
        assert!(
            report.status.success(),
            "partyctl report: {}",
            String::from_utf8_lossy(&report.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&report.stdout)?;
        // Canonical protobuf JSON writes 64-bit integers as strings.
        let total = report["totalMembers"]
            .as_str()
            .and_then(|total| total.parse::<usize>().ok());
        assert_eq!(total, Some(written + 1), "after {name}: {report}");
    }
    pair.finish().await
}
