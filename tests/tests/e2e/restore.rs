//! Membership restored from a backup taken before changes reporting had already applied: reporting
//! notices that the feed no longer holds its last change, forgets its projection and rebuilds it
//! from the restored feed, so that it never presents the lost changes, nor misses the new ones, as
//! current. While membership is away, nothing is presented as caught up either.

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1::{Freshness, GetCommuneReportRequest, GetFreshnessRequest};
use partyregistry_tests::{Backend, Pair, feed_head, on_each_backend, poll};

use crate::fixtures::{self, admit};

on_each_backend! {
    reporting_rebuilds_after_membership_is_restored_behind_it;
}

async fn freshness(pair: &Pair) -> Result<Freshness, BoxError> {
    Ok(pair
        .reports
        .clone()
        .get_freshness(GetFreshnessRequest {})
        .await?
        .into_inner())
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
    poll(Duration::from_secs(30), || async {
        Ok(freshness(&pair).await?.caught_up)
    })
    .await?;

    // Membership goes away for the restore: what was applied is still there, but nothing can
    // confirm it is current any more.
    pair.stop_membership().await?;
    poll(Duration::from_secs(30), || async {
        Ok(!freshness(&pair).await?.connected)
    })
    .await?;
    let away = freshness(&pair).await?;
    assert!(!away.caught_up, "{away:?}");
    assert_eq!(away.last_applied_sequence, applied_before, "{away:?}");

    pair.restore_membership(&backup).await?;
    admit(&mut pair.membership, &cell, "Thào Thị Mỷ").await?;
    let head = feed_head(&mut pair.membership).await?;
    assert!(
        head < applied_before,
        "the restored feed is behind reporting"
    );

    // Two members from before the backup and the one written since; none of the three lost. No
    // freshness on the way claims to be caught up with a position the restored feed does not hold.
    poll(Duration::from_secs(90), || async {
        let freshness = freshness(&pair).await?;
        assert!(
            !freshness.caught_up || freshness.last_applied_sequence <= head,
            "{freshness:?}"
        );
        Ok(freshness.caught_up
            && freshness.last_applied_sequence == head
            && members_reported(&pair).await? == 3)
    })
    .await?;
    let freshness = freshness(&pair).await?;
    assert!(freshness.last_applied_sequence <= head, "{freshness:?}");
    backup.remove().await;
    pair.finish().await
}
