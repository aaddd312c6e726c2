//! Re-admission as a link to the earlier record of the same person, on each backend.

use super::*;
use crate::domain::DepartureKind;
use crate::service::Step;

/// The person of both records: the same citizen ID.
const CITIZEN_ID: &str = "001060001234";

/// A member with the person's citizen ID and the given admission, recorded in cell `a`.
async fn record(membership: &Membership, admission: pb::Admission) -> Result<pb::Member, ApiError> {
    let sent = pb::Member {
        full_name: "Hoàng Văn Tám".into(),
        gender: pb::Gender::Male.into(),
        birth_date: "1960-02-02".into(),
        ethnicity_code: "02".into(),
        citizen_id: CITIZEN_ID.into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        admission: Some(admission),
        ..Default::default()
    };
    try_record_member(membership, &sent, None).await
}

fn readmitted(previous: &str, decision: &str) -> pb::Admission {
    pb::Admission {
        decision_date: decision.into(),
        ceremony_date: "2000-10-01".into(),
        official_date: "2001-10-01".into(),
        readmission: true,
        previous_member: previous.into(),
        ..Default::default()
    }
}

async fn a_readmission_links_the_earlier_record_of_the_same_person(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    // Admitted 1985-03-10, expelled 1995-06-01.
    let first = record(
        membership,
        pb::Admission {
            decision_date: "1985-03-10".into(),
            ceremony_date: "1985-04-01".into(),
            official_date: "1986-04-01".into(),
            ..Default::default()
        },
    )
    .await
    .expect("first admission");
    let first_id = partyregistry_vocab::names::parse_member("name", &first.name).expect("id");
    membership
        .apply_step(
            first_id,
            Step::Depart {
                kind: DepartureKind::Expulsion,
                effective_date: d("1995-06-01"),
                decision_number: "05-QĐ/ĐU".into(),
                reason: "Vi phạm kỷ luật".into(),
            },
            None,
        )
        .await
        .expect("expelled");

    // Without a link the citizen ID belongs to the earlier record.
    let unlinked = record(membership, readmitted("", "2000-09-15"))
        .await
        .expect_err("another record with the same citizen ID");
    assert!(
        matches!(unlinked, ApiError::AlreadyExists { .. }),
        "{unlinked:?}"
    );
    // Within 36 months of leaving: too early.
    let early = record(membership, readmitted(&first.name, "1998-05-31"))
        .await
        .expect_err("the wait is not over");
    assert_eq!(
        rejection(early),
        (
            "READMISSION_TOO_EARLY".into(),
            "member.admission.decision_date".into()
        )
    );

    // Re-admitted 2000-09-15: the same person, the same citizen ID.
    let again = record(membership, readmitted(&first.name, "2000-09-15"))
        .await
        .expect("re-admitted");
    assert_eq!(
        again.admission.as_ref().map(|a| a.previous_member.as_str()),
        Some(first.name.as_str())
    );
    assert_eq!(again.citizen_id, CITIZEN_ID);
    // Party age counts from the first decision, less the time away.
    assert_eq!(
        again
            .admission
            .as_ref()
            .map(|a| a.first_decision_date.as_str()),
        Some("1985-03-10")
    );
    let gaps: Vec<(&str, &str)> = again
        .party_age_gaps
        .iter()
        .map(|gap| (gap.from_date.as_str(), gap.to_date.as_str()))
        .collect();
    assert_eq!(gaps, [("1995-06-01", "2000-09-14")]);

    // Once only: a re-admission of the re-admitted record is refused.
    let again_id = partyregistry_vocab::names::parse_member("name", &again.name).expect("id");
    membership
        .apply_step(
            again_id,
            Step::Depart {
                kind: DepartureKind::Resignation,
                effective_date: d("2005-01-10"),
                decision_number: "07-QĐ/ĐU".into(),
                reason: "Xin ra khỏi Đảng".into(),
            },
            None,
        )
        .await
        .expect("resigned");
    let twice = record(membership, readmitted(&again.name, "2010-09-15"))
        .await
        .expect_err("once only");
    assert_eq!(
        rejection(twice),
        (
            "READMISSION_NOT_ALLOWED".into(),
            "member.admission.previous_member".into()
        )
    );
}

on_both_backends! {
    a_readmission_links_the_earlier_record_of_the_same_person =>
        sqlite_a_readmission_links_the_earlier_record_of_the_same_person,
        postgres_a_readmission_links_the_earlier_record_of_the_same_person;
}
