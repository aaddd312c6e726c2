//! RecordDiscipline through the handlers on both backends: bad input named field by field with
//! nothing written, the lifecycle's refusals, the discipline on the record, its events and the
//! feed, audited, and shown only to callers entitled to records.

use partyregistry_kit::auth::Right;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use partyregistry_vocab::date;
use tonic::Code;

use super::{
    Server, TestDb, admin, call, commune_with_people, entries, fields, open, reason, replay, scoped,
};

on_both_backends! {
    disciplines_are_recorded_as_member_events =>
        sqlite_disciplines_are_recorded_as_member_events,
        postgres_disciplines_are_recorded_as_member_events;
}

fn discipline(name: &str, form: pb::DisciplineForm, day: &str) -> pb::RecordDisciplineRequest {
    pb::RecordDisciplineRequest {
        name: name.into(),
        form: form.into(),
        discipline_date: day.into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        decision_number: "07-QĐ/ĐU".into(),
        reason: "Vi phạm quy định về những điều đảng viên không được làm".into(),
        request_id: String::new(),
    }
}

/// An official member of Hợp Thành loaded with its history (admitted 2005-03-10).
async fn official(server: &Server) -> String {
    server
        .api
        .record_admission(call(
            &admin(),
            pb::RecordAdmissionRequest {
                member: Some(pb::Member {
                    cell: "communes/02680/cells/a".into(),
                    full_name: "Lò Văn Chín".into(),
                    gender: pb::Gender::Male.into(),
                    birth_date: "1978-09-02".into(),
                    ethnicity_code: "01".into(),
                    general_education: pb::GeneralEducation::UpperSecondary.into(),
                    admission: Some(pb::Admission {
                        decision_date: "2005-03-10".into(),
                        ceremony_date: "2005-03-24".into(),
                        official_date: "2006-03-24".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                cell_vote: None,
                deciding_body: "Đảng ủy xã Hợp Thành".into(),
                request_id: String::new(),
                cell_vote_date: String::new(),
            },
        ))
        .await
        .expect("historical member loaded")
        .into_inner()
        .name
}

async fn events(server: &Server, name: &str) -> Vec<pb::MemberEvent> {
    server
        .api
        .list_member_events(call(
            &admin(),
            pb::ListMemberEventsRequest {
                parent: name.into(),
            },
        ))
        .await
        .expect("events")
        .into_inner()
        .events
}

async fn head(server: &Server) -> i64 {
    server
        .api
        .get_feed_head(call(&admin(), pb::GetFeedHeadRequest {}))
        .await
        .expect("head")
        .into_inner()
        .head_sequence
}

async fn disciplines_are_recorded_as_member_events(server: &Server) {
    let (admitted, _) = commune_with_people(server, "02680", "10").await;
    let member = official(server).await;
    let writer = scoped("to-chuc", &["15"], &[], &[Right::Records, Right::Write]);

    // A member whose ceremony has not taken place is not disciplined.
    let refused = server
        .api
        .record_discipline(call(
            &writer,
            discipline(&admitted, pb::DisciplineForm::Reprimand, "2026-03-19"),
        ))
        .await
        .expect_err("not a member yet");
    assert_eq!(
        (refused.code(), reason(&refused)),
        (Code::FailedPrecondition, "ILLEGAL_TRANSITION".into())
    );
    server
        .api
        .record_ceremony(call(
            &admin(),
            pb::RecordCeremonyRequest {
                name: admitted.clone(),
                ceremony_date: "2020-02-03".into(),
                request_id: String::new(),
                decision_received_date: String::new(),
            },
        ))
        .await
        .expect("ceremony");

    // Bad input: every field named, nothing written.
    let before = (head(server).await, events(server, &member).await);
    let refused = server
        .api
        .record_discipline(call(
            &writer,
            pb::RecordDisciplineRequest {
                name: member.clone(),
                form: pb::DisciplineForm::Unspecified.into(),
                discipline_date: "2026-02-30".into(),
                deciding_body: " ".into(),
                decision_number: String::new(),
                reason: String::new(),
                request_id: String::new(),
            },
        ))
        .await
        .expect_err("bad input");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        fields(&refused),
        [
            "form",
            "discipline_date",
            "deciding_body",
            "decision_number"
        ]
    );
    // Expulsion is not a form of this call: the value is unknown to the enum.
    let mut expelled = discipline(&member, pb::DisciplineForm::Warning, "2026-03-19");
    expelled.form = 4;
    let refused = server
        .api
        .record_discipline(call(&writer, expelled))
        .await
        .expect_err("no such form");
    assert_eq!(fields(&refused), ["form"]);

    // The lifecycle's refusals: a dismissal of a probationary member, a date in the future or
    // before the admission.
    let refused = server
        .api
        .record_discipline(call(
            &writer,
            discipline(&admitted, pb::DisciplineForm::Dismissal, "2020-06-01"),
        ))
        .await
        .expect_err("a probationary member is not dismissed");
    assert_eq!(reason(&refused), "ILLEGAL_TRANSITION");
    let tomorrow = date::format(
        date::today_in_vietnam()
            .succ_opt()
            .expect("tomorrow is a date"),
    );
    for day in [tomorrow.as_str(), "2005-03-09"] {
        let refused = server
            .api
            .record_discipline(call(
                &writer,
                discipline(&member, pb::DisciplineForm::Warning, day),
            ))
            .await
            .expect_err("date out of bounds");
        assert_eq!(
            (refused.code(), fields(&refused)),
            (Code::FailedPrecondition, vec!["discipline_date".to_owned()]),
            "{day}"
        );
    }
    assert_eq!(
        (head(server).await, events(server, &member).await),
        before,
        "nothing written"
    );

    // A warning, then a reprimand decided earlier: oldest first on the record.
    let mut warning = discipline(&member, pb::DisciplineForm::Warning, "2026-03-19");
    warning.request_id = "canh-cao-07".into();
    let warned = server
        .api
        .record_discipline(call(&writer, warning.clone()))
        .await
        .expect("warning recorded")
        .into_inner();
    let expected_warning = pb::Discipline {
        form: pb::DisciplineForm::Warning.into(),
        discipline_date: "2026-03-19".into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        decision_number: "07-QĐ/ĐU".into(),
    };
    assert_eq!(warned.disciplines, [expected_warning]);
    assert_eq!(warned.status(), pb::MemberStatus::Official, "status kept");
    // A retry answers the first reply and records nothing more.
    let retried = server
        .api
        .record_discipline(call(&writer, warning))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(retried, warned);
    let reprimanded = server
        .api
        .record_discipline(call(
            &writer,
            pb::RecordDisciplineRequest {
                decision_number: "02-QĐ/ĐU".into(),
                ..discipline(&member, pb::DisciplineForm::Reprimand, "2025-01-06")
            },
        ))
        .await
        .expect("reprimand recorded")
        .into_inner();
    let forms: Vec<(pb::DisciplineForm, &str)> = reprimanded
        .disciplines
        .iter()
        .map(|d| (d.form(), d.discipline_date.as_str()))
        .collect();
    assert_eq!(
        forms,
        [
            (pb::DisciplineForm::Reprimand, "2025-01-06"),
            (pb::DisciplineForm::Warning, "2026-03-19")
        ]
    );
    let read = server
        .api
        .get_member(call(
            &writer,
            pb::GetMemberRequest {
                name: member.clone(),
            },
        ))
        .await
        .expect("read")
        .into_inner();
    assert_eq!(read.disciplines, reprimanded.disciplines);

    // Kept as events, with their form, and carried by the feed.
    let recorded = events(server, &member).await;
    let disciplined: Vec<(pb::DisciplineForm, &str, &str)> = recorded
        .iter()
        .filter(|e| e.r#type() == pb::EventType::Disciplined)
        .map(|e| {
            (
                e.discipline_form(),
                e.effective_date.as_str(),
                e.decision_number.as_str(),
            )
        })
        .collect();
    assert_eq!(
        disciplined,
        [
            (pb::DisciplineForm::Warning, "2026-03-19", "07-QĐ/ĐU"),
            (pb::DisciplineForm::Reprimand, "2025-01-06", "02-QĐ/ĐU")
        ]
    );
    assert_eq!(
        recorded[recorded.len() - 1].deciding_body,
        "Đảng ủy xã Hợp Thành"
    );
    let feed = replay(server, &admin()).await;
    let last = feed.last().expect("a change");
    assert!(matches!(
        &last.resource,
        Some(pb::change::Resource::Member(m)) if m.disciplines == reprimanded.disciplines
    ));
    assert_eq!(
        last.events
            .iter()
            .map(|e| e.discipline_form())
            .collect::<Vec<_>>(),
        [pb::DisciplineForm::Reprimand]
    );

    // Audited, like every write.
    let trail = entries(server, r#"subject = "to-chuc""#).await;
    assert!(
        trail
            .iter()
            .any(|e| e.method.ends_with("/RecordDiscipline") && e.outcome == "OK"),
        "{trail:?}"
    );
    assert!(
        trail
            .iter()
            .any(|e| e.method.ends_with("/RecordDiscipline") && e.outcome == "INVALID_ARGUMENT"),
        "{trail:?}"
    );

    // A caller without the right to read records learns nothing of it.
    let write_only = scoped("nhap-lieu", &["15"], &[], &[Right::Write]);
    let withheld = server
        .api
        .record_discipline(call(
            &write_only,
            discipline(&member, pb::DisciplineForm::Dismissal, "2026-04-01"),
        ))
        .await
        .expect("the writer may record it")
        .into_inner();
    assert!(withheld.disciplines.is_empty() && withheld.full_name.is_empty());
    assert!(!withheld.etag.is_empty());
}
