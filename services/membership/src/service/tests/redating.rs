//! Re-dating a regulation version: the boundary between two versions whose numbers differ moves,
//! and the eligibility judged on each side of it follows; a re-dating that would reorder the
//! versions or make two start on one day is refused, nothing written.

use super::vote_day::{blocker_codes, recorded, seeded, verified};
use super::*;

async fn redating_moves_the_boundary_of_eligibility(membership: &Membership) {
    let introducer = seeded(membership).await;
    // A later version asking for 20 years of age where 294-QĐ/TW asks for 18.
    let stricter = partyregistry_rules::RuleVersion {
        code: "300-QĐ/TW".into(),
        in_force_from: d("2026-01-01"),
        min_age_months: 20 * 12,
        ..partyregistry_rules::RuleVersion::regulation_2025()
    };
    let created = membership
        .create_rule_version(stricter, None)
        .await
        .expect("created");
    // Born 2006-06-01: 19 years 8 months on 2026-02-01, 19 years 9 months on 2026-03-01. No
    // vote day yet, so each check is judged on its own day.
    let sent = verified(
        &introducer,
        ("Lò Thị Mai", "2006-06-01"),
        ("2025-09-01", "2025-10-01"),
    );
    let (id, _) = recorded(membership, sent).await;
    let age = vec!["AGE_UNDER_MINIMUM".to_owned()];
    assert_eq!(
        blocker_codes(membership, id, "2025-12-31").await,
        Vec::<String>::new()
    );
    assert_eq!(blocker_codes(membership, id, "2026-02-01").await, age);

    // Refused: before 294-QĐ/TW's start, on it, and a version moved past its successor.
    let before = head(membership).await;
    for (from, etag, to) in [
        ("2026-01-01", "1", "2025-06-30"),
        ("2026-01-01", "1", "2025-07-01"),
        ("2025-07-01", "1", "2026-01-01"),
        ("2025-07-01", "1", "2026-02-01"),
    ] {
        let moved = pb::RuleVersion {
            in_force_from: to.into(),
            ..created.clone()
        };
        let refused = membership
            .update_rule_version(d(from), etag, moved, (Vec::new(), Some(d(to))))
            .await
            .expect_err("out of order");
        assert_eq!(
            rejection(refused),
            (
                "RULE_VERSION_ORDER".into(),
                "rule_version.in_force_from".into()
            ),
            "{from} -> {to}"
        );
    }
    assert_eq!(head(membership).await, before, "nothing written");

    // Moved to 1 March 2026: February is judged by 294-QĐ/TW again, March by the new version.
    let moved = pb::RuleVersion {
        in_force_from: "2026-03-01".into(),
        ..created.clone()
    };
    let redated = membership
        .update_rule_version(
            d("2026-01-01"),
            "1",
            moved,
            (Vec::new(), Some(d("2026-03-01"))),
        )
        .await
        .expect("re-dated");
    assert_eq!(
        (
            redated.name.as_str(),
            redated.code.as_str(),
            redated.min_age_months,
            redated.etag.as_str()
        ),
        ("ruleVersions/2026-03-01", "300-QĐ/TW", 240, "2")
    );
    assert_eq!(
        blocker_codes(membership, id, "2026-02-01").await,
        Vec::<String>::new()
    );
    assert_eq!(
        blocker_codes(membership, id, "2026-02-28").await,
        Vec::<String>::new()
    );
    assert_eq!(blocker_codes(membership, id, "2026-03-01").await, age);
    let starts: Vec<String> = membership
        .rule_versions()
        .await
        .expect("listed")
        .into_iter()
        .map(|v| v.in_force_from)
        .collect();
    assert_eq!(
        starts,
        [
            "2016-07-25",
            "2021-07-30",
            "2025-01-20",
            "2025-07-01",
            "2026-03-01"
        ]
    );
    // The feed carries the old name as deleted, then the version under its new name.
    let changes = changes_since(membership, before).await;
    let resources: Vec<Option<Resource>> = changes.into_iter().map(|c| c.resource).collect();
    assert_eq!(
        resources,
        [
            Some(Resource::DeletedResource("ruleVersions/2026-01-01".into())),
            Some(Resource::RuleVersion(redated.clone())),
        ]
    );
    // The old name is gone; the etag moved on.
    let stale = membership
        .update_rule_version(
            d("2026-03-01"),
            "1",
            redated.clone(),
            (Vec::new(), Some(d("2026-04-01"))),
        )
        .await
        .expect_err("stale etag");
    assert!(matches!(stale, ApiError::Aborted { .. }), "{stale:?}");
}

/// The badge deferrals of each version: the reference values on the seeded versions, a later
/// version's own once stored, read back as given.
async fn badge_deferrals_are_kept_per_version(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    let deferrals = |v: &pb::RuleVersion| {
        (
            v.badge_deferral_reprimand_months,
            v.badge_deferral_warning_months,
            v.badge_deferral_dismissal_months,
        )
    };
    let seeded = membership.rule_versions().await.expect("versions");
    assert_eq!(seeded.len(), 4);
    for version in &seeded {
        assert_eq!(
            deferrals(version),
            (Some(0), Some(6), Some(12)),
            "{}",
            version.code
        );
    }
    let longer = partyregistry_rules::RuleVersion {
        code: "300-QĐ/TW".into(),
        in_force_from: d("2026-01-01"),
        badge_deferral_warning_months: 9,
        badge_deferral_dismissal_months: 18,
        ..partyregistry_rules::RuleVersion::regulation_2025()
    };
    let created = membership
        .create_rule_version(longer, None)
        .await
        .expect("created");
    assert_eq!(deferrals(&created), (Some(0), Some(9), Some(18)));
    let stored = membership.rule_versions().await.expect("versions");
    assert_eq!(
        stored.last().map(deferrals),
        Some((Some(0), Some(9), Some(18)))
    );
}

on_both_backends! {
    redating_moves_the_boundary_of_eligibility =>
        sqlite_redating_moves_the_boundary_of_eligibility,
        postgres_redating_moves_the_boundary_of_eligibility;
    badge_deferrals_are_kept_per_version =>
        sqlite_badge_deferrals_are_kept_per_version,
        postgres_badge_deferrals_are_kept_per_version;
}
