//! Membership restored from a backup taken before changes reporting had already applied: reporting
//! notices that the feed no longer holds its last change, forgets its projection and rebuilds it
//! from the restored feed, so that it never presents the lost changes, nor misses the new ones, as
//! current.

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1::{GetCommuneReportRequest, GetFreshnessRequest};
use partyregistry_tests::{Backend, Pair, feed_head, poll};

use crate::fixtures::{self, admit};

// On PostgreSQL only for now: on SQLite, restoring the file under the full suite's load left
// membership unable to start on it now and then, for a reason not yet found; README's SQLite
// procedure (`vacuum into`, copy back with the service stopped) is the same in kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run on PostgreSQL"
)]
async fn reporting_rebuilds_after_membership_is_restored_behind_it_on_postgres()
-> Result<(), BoxError> {
    reporting_rebuilds_after_membership_is_restored_behind_it(Backend::Postgres).await
}

async fn members_reported(pair: &Pair) -> Result<i64, BoxError> {
    Ok(pair
        .reports
        .clone()
        .get_commune_report(GetCommuneReportRequest {
            commune: "communes/02680".into(),
            as_of_date: String::new(),
        })
        .await?
        .into_inner()
        .total_members)
}

async fn reporting_rebuilds_after_membership_is_restored_behind_it(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "restore").await?;
    let (cell, _) = fixtures::small_commune(&mut pair.membership).await?;
    for name in ["Lò Thị Hoa", "Vàng Thị Mai"] {
        admit(&mut pair.membership, &cell, name).await?;
    }
    pair.caught_up().await?;
    let backup = pair.back_up_membership("restore_backup").await?;
    for name in ["Giàng A Páo", "Sùng Thị Dế", "Hờ A Sình"] {
        admit(&mut pair.membership, &cell, name).await?;
    }
    let applied_before = pair.caught_up().await?;
    assert_eq!(members_reported(&pair).await?, 5);

    pair.restore_membership(&backup).await?;
    admit(&mut pair.membership, &cell, "Thào Thị Mỷ").await?;
    let head = feed_head(&mut pair.membership).await?;
    assert!(
        head < applied_before,
        "the restored feed is behind reporting"
    );

    // Two members from before the backup and the one written since; none of the three lost.
    poll(Duration::from_secs(90), || async {
        let freshness = pair
            .reports
            .clone()
            .get_freshness(GetFreshnessRequest {})
            .await?
            .into_inner();
        Ok(freshness.last_applied_sequence == head && members_reported(&pair).await? == 3)
    })
    .await?;
    let freshness = pair
        .reports
        .clone()
        .get_freshness(GetFreshnessRequest {})
        .await?
        .into_inner();
    assert!(freshness.last_applied_sequence <= head, "{freshness:?}");
    backup.remove().await;
    pair.finish().await
}
