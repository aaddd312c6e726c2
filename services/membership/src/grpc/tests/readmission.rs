//! Re-admission across scopes, through the handlers on both backends: an earlier record the
//! caller's scope does not cover is answered exactly as a record that does not exist, whatever
//! the request would have run into (its status, its leaving date, its citizen ID).

use partyregistry_kit::auth::Right;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use tonic::{Code, Status};

use super::{Server, TestDb, admin, call, commune_with_people, open, scoped};

on_both_backends! {
    an_earlier_record_outside_the_scope_is_answered_as_unknown =>
        sqlite_an_earlier_record_outside_the_scope_is_answered_as_unknown,
        postgres_an_earlier_record_outside_the_scope_is_answered_as_unknown;
}

/// The citizen ID of the person who left the roll in commune 03100 (province 12).
const DEPARTED_03100: &str = "001075031001";
/// The citizen ID of the person who left the roll in commune 02680 (province 10, now 15).
const DEPARTED_02680: &str = "001075026801";

fn admission_request(
    commune: &str,
    citizen_id: &str,
    admission: pb::Admission,
) -> pb::RecordAdmissionRequest {
    pb::RecordAdmissionRequest {
        member: Some(pb::Member {
            cell: format!("communes/{commune}/cells/a"),
            full_name: "Hoàng Văn Tám".into(),
            gender: pb::Gender::Male.into(),
            birth_date: "1975-06-02".into(),
            ethnicity_code: "02".into(),
            citizen_id: citizen_id.into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            admission: Some(admission),
            ..Default::default()
        }),
        cell_vote: Some(pb::VoteTally {
            eligible: 9,
            present: 9,
            yes: 9,
            no: 0,
        }),
        deciding_body: "Đảng ủy xã".into(),
        request_id: String::new(),
        cell_vote_date: String::new(),
    }
}

fn readmitted(previous: &str, decision: &str) -> pb::Admission {
    pb::Admission {
        decision_date: decision.into(),
        readmission: true,
        previous_member: previous.into(),
        ..Default::default()
    }
}

/// A person admitted in commune `commune` in 2001 and expelled on 2010-06-01; its name.
async fn departed(server: &Server, commune: &str, citizen_id: &str) -> String {
    let admin = admin();
    let first = server
        .api
        .record_admission(call(
            &admin,
            admission_request(
                commune,
                citizen_id,
                pb::Admission {
                    decision_date: "2001-03-10".into(),
                    ceremony_date: "2001-04-01".into(),
                    official_date: "2002-04-01".into(),
                    ..Default::default()
                },
            ),
        ))
        .await
        .expect("first admission")
        .into_inner();
    server
        .api
        .record_departure(call(
            &admin,
            pb::RecordDepartureRequest {
                name: first.name.clone(),
                kind: pb::DepartureKind::Expulsion.into(),
                effective_date: "2010-06-01".into(),
                decision_number: "05-QĐ/ĐU".into(),
                reason: "Vi phạm kỷ luật".into(),
                request_id: String::new(),
            },
        ))
        .await
        .expect("expelled");
    first.name
}

async fn head(server: &Server) -> i64 {
    server
        .api
        .get_feed_head(call(&admin(), pb::GetFeedHeadRequest {}))
        .await
        .expect("the head is readable")
        .into_inner()
        .head_sequence
}

/// A member name of the same length as `name` that no record has (checked by the caller).
fn unknown_like(name: &str) -> String {
    let digits = name.trim_start_matches("members/").len();
    format!("members/{}", "9".repeat(digits))
}

/// What a caller reads of a refusal, with the member name it asked about written as `{name}`
/// (two names of the same length, so that the encoded details differ only in those bytes).
fn shape(status: &Status, name: &str) -> (Code, String, Vec<u8>) {
    let placeholder = "{".to_owned() + &"x".repeat(name.len() - 2) + "}";
    let mut details = status.details().to_vec();
    let (from, to) = (name.as_bytes(), placeholder.as_bytes());
    let mut at = 0;
    while let Some(found) = details[at..]
        .windows(from.len())
        .position(|window| window == from)
    {
        let start = at + found;
        details[start..start + from.len()].copy_from_slice(to);
        at = start + from.len();
    }
    (
        status.code(),
        status.message().replace(name, &placeholder),
        details,
    )
}

async fn an_earlier_record_outside_the_scope_is_answered_as_unknown(server: &Server) {
    let (_, _) = commune_with_people(server, "02680", "10").await;
    let (active_03100, _) = commune_with_people(server, "03100", "12").await;
    let departed_03100 = departed(server, "03100", DEPARTED_03100).await;
    let departed_02680 = departed(server, "02680", DEPARTED_02680).await;
    let rights = [Right::Records, Right::Write];
    let province_15 = scoped("tinh-15", &["15"], &[], &rights);

    // Each request names a record of province 12 that would have answered something of its own:
    // a re-admission that would have gone through, one too early (the leaving date), an active
    // member (its status), another person's citizen ID.
    let cases = [
        (&departed_03100, DEPARTED_03100, "2015-09-15"),
        (&departed_03100, DEPARTED_03100, "2012-05-31"),
        (&active_03100, "001075031002", "2015-09-15"),
        (&departed_03100, "001075031003", "2015-09-15"),
    ];
    for (previous, citizen_id, decision) in cases {
        let unknown = unknown_like(previous);
        let missing = server
            .api
            .get_member(call(
                &admin(),
                pb::GetMemberRequest {
                    name: unknown.clone(),
                },
            ))
            .await
            .expect_err("no record has the unknown name");
        assert_eq!(missing.code(), Code::NotFound, "{missing:?}");

        let before = head(server).await;
        let outside = server
            .api
            .record_admission(call(
                &province_15,
                admission_request("02680", citizen_id, readmitted(previous, decision)),
            ))
            .await
            .expect_err("a record outside the scope is not re-admitted");
        assert_eq!(head(server).await, before, "nothing written");
        let nonexistent = server
            .api
            .record_admission(call(
                &province_15,
                admission_request("02680", citizen_id, readmitted(&unknown, decision)),
            ))
            .await
            .expect_err("no such record");
        assert_eq!(nonexistent.code(), Code::NotFound, "{nonexistent:?}");
        assert_eq!(
            shape(&outside, previous),
            shape(&nonexistent, &unknown),
            "{previous} decided {decision}: {outside:?}"
        );
    }

    // A record the scope covers, through the merge of province 10 into 15, is re-admitted.
    let again = server
        .api
        .record_admission(call(
            &province_15,
            admission_request(
                "02680",
                DEPARTED_02680,
                readmitted(&departed_02680, "2015-09-15"),
            ),
        ))
        .await
        .expect("re-admitted within the scope")
        .into_inner();
    assert_eq!(
        again.admission.as_ref().map(|a| a.previous_member.as_str()),
        Some(departed_02680.as_str())
    );

    // A caller whose scope covers both provinces re-admits the person of province 12 into 15.
    let both = scoped("hai-tinh", &["15", "12"], &[], &rights);
    let moved = server
        .api
        .record_admission(call(
            &both,
            admission_request(
                "02680",
                DEPARTED_03100,
                readmitted(&departed_03100, "2015-09-15"),
            ),
        ))
        .await
        .expect("re-admitted by a caller covering the earlier record")
        .into_inner();
    assert_eq!(
        moved.admission.as_ref().map(|a| a.previous_member.as_str()),
        Some(departed_03100.as_str())
    );
    assert_eq!(
        moved
            .admission
            .as_ref()
            .map(|a| a.first_decision_date.as_str()),
        Some("2001-03-10"),
        "party age continues from the earlier record"
    );
}
