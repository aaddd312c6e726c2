//! The day the cell received the admission decision: given with the admission, with the ceremony,
//! or on its own (UpdateMember, mask path `admission.decision_received_date`) while the member
//! awaits the ceremony; read back and carried by the feed; refused before the decision, after the
//! ceremony or in the future, nothing written.

use super::*;
use crate::convert::DECISION_RECEIPT_PATH;
use crate::domain::{DATE_RULE, ILLEGAL_TRANSITION};
use crate::service::Step;

/// A new admission decided on 2025-03-03, with the day of receipt and ceremony given.
fn admission(name: &str, received: &str, ceremony: &str) -> pb::Member {
    pb::Member {
        full_name: name.into(),
        gender: pb::Gender::Female.into(),
        birth_date: "1990-04-05".into(),
        ethnicity_code: "01".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        admission: Some(pb::Admission {
            decision_date: "2025-03-03".into(),
            decision_number: "152-QĐ/ĐU".into(),
            decision_received_date: received.into(),
            ceremony_date: ceremony.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn received(member: &pb::Member) -> &str {
    member
        .admission
        .as_ref()
        .map_or("", |a| a.decision_received_date.as_str())
}

fn id_of(member: &pb::Member) -> i64 {
    partyregistry_vocab::names::parse_member("name", &member.name).expect("member name")
}

fn tomorrow() -> String {
    date::format(
        date::today_in_vietnam()
            .succ_opt()
            .expect("tomorrow exists"),
    )
}

/// An UpdateMember naming only the day of receipt.
async fn set_receipt(
    membership: &Membership,
    member: &pb::Member,
    day: &str,
) -> Result<pb::Member, ApiError> {
    let update = pb::Member {
        name: member.name.clone(),
        admission: Some(pb::Admission {
            decision_received_date: day.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    membership
        .update_member(
            id_of(member),
            &member.etag,
            update,
            (vec![DECISION_RECEIPT_PATH], &national()),
        )
        .await
}

async fn ceremony(
    membership: &Membership,
    member: &pb::Member,
    (ceremony_date, received): (&str, Option<&str>),
) -> Result<pb::Member, ApiError> {
    membership
        .apply_step(
            id_of(member),
            Step::Ceremony {
                ceremony_date: d(ceremony_date),
                decision_received_date: received.map(d),
            },
            None,
        )
        .await
}

async fn receipt_is_given_with_the_admission(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    let field = "member.admission.decision_received_date";
    let before = head(membership).await;
    for (day, ceremony_day, expected) in [
        ("2025-03-01", "", (DATE_RULE, field)),
        ("2025-03-20", "2025-03-10", (DATE_RULE, field)),
        (tomorrow().as_str(), "", (DATE_RULE, field)),
        ("2025-03-32", "", ("INVALID_ARGUMENT", field)),
    ] {
        let refused = try_record_member(
            membership,
            &admission("Lò Thị Hoa", day, ceremony_day),
            Some(VoteTally {
                eligible: 9,
                present: 9,
                yes: 9,
                no: 0,
            }),
        )
        .await
        .expect_err("out of order");
        assert_eq!(
            rejection(refused),
            (expected.0.into(), expected.1.into()),
            "{day}"
        );
    }
    assert_eq!(head(membership).await, before, "nothing written");

    let admitted = record_member(membership, &admission("Lò Thị Hoa", "2025-03-20", "")).await;
    assert_eq!(received(&admitted), "2025-03-20");
    let stored = membership.member(id_of(&admitted)).await.expect("stored");
    assert_eq!(received(&stored), "2025-03-20");
    // The feed sends the member as stored.
    let fed = changes_since(membership, before).await;
    let Some(Resource::Member(fed)) = fed.last().and_then(|c| c.resource.clone()) else {
        panic!("the admission reaches the feed as a member: {fed:?}")
    };
    assert_eq!(received(&fed), "2025-03-20");

    // Received on the day of the ceremony: accepted.
    let held = record_member(
        membership,
        &admission("Lò Văn Tâm", "2025-03-20", "2025-03-20"),
    )
    .await;
    assert_eq!(received(&held), "2025-03-20");
    assert_eq!(held.status, i32::from(pb::MemberStatus::Probationary));
}

async fn receipt_is_set_on_its_own_before_the_ceremony(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    let admitted = record_member(membership, &admission("Lò Thị Hoa", "", "")).await;
    assert_eq!(received(&admitted), "");

    let field = "member.admission.decision_received_date";
    let before = head(membership).await;
    for (day, expected) in [
        ("2025-03-02", (DATE_RULE, field)),
        (tomorrow().as_str(), (DATE_RULE, field)),
        ("20-03-2025", ("INVALID_ARGUMENT", field)),
    ] {
        let refused = set_receipt(membership, &admitted, day)
            .await
            .expect_err("refused");
        assert_eq!(
            rejection(refused),
            (expected.0.into(), expected.1.into()),
            "{day}"
        );
    }
    assert_eq!(head(membership).await, before, "nothing written");

    let updated = set_receipt(membership, &admitted, "2025-03-20")
        .await
        .expect("set");
    assert_eq!(received(&updated), "2025-03-20");
    let stored = membership.member(id_of(&admitted)).await.expect("stored");
    assert_eq!(received(&stored), "2025-03-20");

    // An update of the personal fields, with an empty mask, leaves the day as it is.
    let renamed = membership
        .update_member(
            id_of(&updated),
            &updated.etag,
            pb::Member {
                full_name: "Lò Thị Hoa Mai".into(),
                ..updated.clone()
            },
            (
                convert::member_mask_paths(None).expect("every personal field"),
                &national(),
            ),
        )
        .await
        .expect("renamed");
    assert_eq!(received(&renamed), "2025-03-20");

    // The ceremony may not precede the day the decision arrived.
    let before = head(membership).await;
    let refused = ceremony(membership, &renamed, ("2025-03-19", None))
        .await
        .expect_err("before the receipt");
    assert_eq!(
        rejection(refused),
        (DATE_RULE.into(), "ceremony_date".into())
    );
    assert_eq!(head(membership).await, before, "nothing written");
    let held = ceremony(membership, &renamed, ("2025-03-25", None))
        .await
        .expect("held");
    assert_eq!(received(&held), "2025-03-20");

    // After the ceremony the day is part of the record it closed; the same day still passes.
    let before = head(membership).await;
    let refused = set_receipt(membership, &held, "2025-03-21")
        .await
        .expect_err("after the ceremony");
    assert_eq!(
        rejection(refused),
        (ILLEGAL_TRANSITION.into(), field.into())
    );
    assert_eq!(head(membership).await, before, "nothing written");
    let echoed = set_receipt(membership, &held, "2025-03-20")
        .await
        .expect("unchanged");
    assert_eq!(received(&echoed), "2025-03-20");
}

async fn receipt_is_given_with_the_ceremony(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    let admitted = record_member(membership, &admission("Lò Thị Hoa", "", "")).await;

    let before = head(membership).await;
    for (ceremony_day, day) in [("2025-03-25", "2025-03-28"), ("2025-03-25", "2025-03-01")] {
        let refused = ceremony(membership, &admitted, (ceremony_day, Some(day)))
            .await
            .expect_err("out of order");
        assert_eq!(
            rejection(refused),
            (DATE_RULE.into(), "decision_received_date".into()),
            "{day}"
        );
    }
    assert_eq!(head(membership).await, before, "nothing written");
    let stored = membership.member(id_of(&admitted)).await.expect("stored");
    assert_eq!(stored.status, i32::from(pb::MemberStatus::Admitted));
    assert_eq!(received(&stored), "");

    let held = ceremony(membership, &admitted, ("2025-03-25", Some("2025-03-20")))
        .await
        .expect("held");
    assert_eq!(received(&held), "2025-03-20");
    assert_eq!(held.status, i32::from(pb::MemberStatus::Probationary));
    let stored = membership.member(id_of(&admitted)).await.expect("stored");
    assert_eq!(received(&stored), "2025-03-20");
}

on_both_backends! {
    receipt_is_given_with_the_admission =>
        sqlite_receipt_is_given_with_the_admission,
        postgres_receipt_is_given_with_the_admission;
    receipt_is_set_on_its_own_before_the_ceremony =>
        sqlite_receipt_is_set_on_its_own_before_the_ceremony,
        postgres_receipt_is_set_on_its_own_before_the_ceremony;
    receipt_is_given_with_the_ceremony =>
        sqlite_receipt_is_given_with_the_ceremony,
        postgres_receipt_is_given_with_the_ceremony;
}
