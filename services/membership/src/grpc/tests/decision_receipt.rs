//! The day the cell received the admission decision through the handlers on both backends: set
//! alone by UpdateMember's mask path while the member awaits the ceremony, given with
//! RecordCeremony, malformed days named by field, and refused once the ceremony is held.

use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use tonic::{Code, Status};

use super::{Server, TestDb, admin, call, commune_with_people, fields, open, reason};

on_both_backends! {
    the_receipt_is_set_alone_or_with_the_ceremony =>
        sqlite_the_receipt_is_set_alone_or_with_the_ceremony,
        postgres_the_receipt_is_set_alone_or_with_the_ceremony;
}

fn received(member: &pb::Member) -> &str {
    member
        .admission
        .as_ref()
        .map_or("", |a| a.decision_received_date.as_str())
}

async fn stored(server: &Server, name: &str) -> pb::Member {
    server
        .api
        .get_member(call(&admin(), pb::GetMemberRequest { name: name.into() }))
        .await
        .expect("member read")
        .into_inner()
}

async fn set_receipt(server: &Server, name: &str, day: &str) -> Result<pb::Member, Status> {
    let etag = stored(server, name).await.etag;
    server
        .api
        .update_member(call(
            &admin(),
            pb::UpdateMemberRequest {
                member: Some(pb::Member {
                    name: name.into(),
                    etag,
                    admission: Some(pb::Admission {
                        decision_received_date: day.into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["admission.decision_received_date".into()],
                }),
            },
        ))
        .await
        .map(tonic::Response::into_inner)
}

async fn ceremony(
    server: &Server,
    name: &str,
    day: &str,
    received: &str,
) -> Result<pb::Member, Status> {
    server
        .api
        .record_ceremony(call(
            &admin(),
            pb::RecordCeremonyRequest {
                name: name.into(),
                ceremony_date: day.into(),
                request_id: String::new(),
                decision_received_date: received.into(),
            },
        ))
        .await
        .map(tonic::Response::into_inner)
}

/// The member of `commune_with_people` was decided on 2020-01-10 and awaits the ceremony.
async fn the_receipt_is_set_alone_or_with_the_ceremony(server: &Server) {
    let (member, _) = commune_with_people(server, "02680", "15").await;

    let refused = set_receipt(server, &member, "2020-01-09")
        .await
        .expect_err("before the decision");
    assert_eq!(
        (refused.code(), reason(&refused)),
        (Code::FailedPrecondition, "DATE_RULE_VIOLATED".into())
    );
    let updated = set_receipt(server, &member, "2020-01-15")
        .await
        .expect("set alone");
    assert_eq!(received(&updated), "2020-01-15");

    let malformed = ceremony(server, &member, "2020-02-01", "2020-02-30")
        .await
        .expect_err("not a day");
    assert_eq!(malformed.code(), Code::InvalidArgument);
    assert_eq!(fields(&malformed), ["decision_received_date"]);
    let after = ceremony(server, &member, "2020-02-01", "2020-02-03")
        .await
        .expect_err("after the ceremony");
    assert_eq!(
        (after.code(), reason(&after)),
        (Code::FailedPrecondition, "DATE_RULE_VIOLATED".into())
    );
    assert_eq!(received(&stored(server, &member).await), "2020-01-15");

    let held = ceremony(server, &member, "2020-02-01", "2020-01-20")
        .await
        .expect("held with the day of receipt");
    assert_eq!(received(&held), "2020-01-20");
    assert_eq!(held.status, i32::from(pb::MemberStatus::Probationary));

    let closed = set_receipt(server, &member, "2020-01-21")
        .await
        .expect_err("after the ceremony");
    assert_eq!(
        (closed.code(), reason(&closed)),
        (Code::FailedPrecondition, "ILLEGAL_TRANSITION".into())
    );
    assert_eq!(received(&stored(server, &member).await), "2020-01-20");
}
