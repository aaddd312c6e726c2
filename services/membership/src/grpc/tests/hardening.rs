//! Request ids per caller and under concurrent retries, and replies shaped by the caller's
//! rights, through the handlers on both backends.

use std::collections::BTreeSet;

use partyregistry_kit::audit::AUDIT_UNAVAILABLE;
use partyregistry_kit::auth::{Caller, Right};
use partyregistry_proto::audit::v1::audit_service_server::AuditService;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use tonic::Code;

use tokio_stream::StreamExt;

use super::{Server, TestDb, admin, call, commune_with_people, open, replay, scoped};
use crate::authz::Reply;

on_both_backends! {
    request_ids_are_the_callers_own =>
        sqlite_request_ids_are_the_callers_own, postgres_request_ids_are_the_callers_own;
    concurrent_retries_all_get_the_first_answer =>
        sqlite_concurrent_retries_all_get_the_first_answer,
        postgres_concurrent_retries_all_get_the_first_answer;
    request_ids_past_retention_are_forgotten =>
        sqlite_request_ids_past_retention_are_forgotten,
        postgres_request_ids_past_retention_are_forgotten;
    write_only_callers_get_replies_without_records =>
        sqlite_write_only_callers_get_replies_without_records,
        postgres_write_only_callers_get_replies_without_records;
    records_are_withheld_when_their_audit_entry_cannot_be_stored =>
        sqlite_records_are_withheld_when_their_audit_entry_cannot_be_stored,
        postgres_records_are_withheld_when_their_audit_entry_cannot_be_stored;
}

fn new_cell(parent: &str, request_id: &str) -> pb::CreateCellRequest {
    pb::CreateCellRequest {
        parent: parent.into(),
        cell_id: "b".into(),
        cell: Some(pb::Cell {
            display_name: "Chi bộ thôn Bình Minh".into(),
            kind: pb::CellKind::Residential.into(),
            open_date: "2001-01-01".into(),
            ..Default::default()
        }),
        request_id: request_id.into(),
    }
}

/// Two tenants using the same request id each get their own request carried out: neither is
/// told the id is taken (which would reveal the other's activity, or block it).
async fn request_ids_are_the_callers_own(server: &Server) {
    commune_with_people(server, "02680", "10").await;
    commune_with_people(server, "03100", "12").await;
    let writer = |subject: &str, province: &str| {
        scoped(subject, &[province], &[], &[Right::Records, Right::Write])
    };
    let lao_cai = writer("tinh-15", "15");
    let other = writer("tinh-12", "12");
    let first = server
        .api
        .create_cell(call(&lao_cai, new_cell("communes/02680", "same-id")))
        .await
        .expect("the first tenant's cell")
        .into_inner();
    let second = server
        .api
        .create_cell(call(&other, new_cell("communes/03100", "same-id")))
        .await
        .expect("the second tenant's id is its own")
        .into_inner();
    assert_eq!(first.name, "communes/02680/cells/b");
    assert_eq!(second.name, "communes/03100/cells/b");

    // The same subject with another scope is another caller too.
    let narrower = scoped("tinh-15", &[], &["02680"], &[Right::Records, Right::Write]);
    let refused = server
        .api
        .create_cell(call(&narrower, new_cell("communes/02680", "same-id")))
        .await
        .expect_err("the narrower token's request runs and finds the cell");
    assert_eq!(refused.code(), Code::AlreadyExists, "{refused:?}");

    // The first tenant's retry still replays its own answer.
    let replayed = server
        .api
        .create_cell(call(&lao_cai, new_cell("communes/02680", "same-id")))
        .await
        .expect("a retry replays")
        .into_inner();
    assert_eq!(replayed, first);
}

fn admission(code: &str, request_id: &str) -> pb::RecordAdmissionRequest {
    pb::RecordAdmissionRequest {
        member: Some(pb::Member {
            cell: format!("communes/{code}/cells/a"),
            full_name: "Lê Thị Cúc".into(),
            gender: pb::Gender::Female.into(),
            birth_date: "1990-02-03".into(),
            ethnicity_code: "01".into(),
            citizen_id: "001190000777".into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            admission: Some(pb::Admission {
                decision_date: "2021-05-10".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        cell_vote: Some(pb::VoteTally {
            eligible: 9,
            present: 9,
            yes: 9,
            no: 0,
        }),
        deciding_body: "Đảng ủy xã".into(),
        request_id: request_id.into(),
        cell_vote_date: String::new(),
    }
}

/// 16 concurrent retries of one RecordAdmission and 8 of one CreateCommune: every one is
/// answered OK with the one resource the first of them created.
async fn concurrent_retries_all_get_the_first_answer(server: &Server) {
    commune_with_people(server, "02680", "10").await;
    let caller: Caller = admin();
    let admissions: Vec<_> = (0..16)
        .map(|_| {
            let api = server.api.clone();
            let caller = caller.clone();
            tokio::spawn(async move {
                api.record_admission(call(&caller, admission("02680", "admit-cuc")))
                    .await
                    .map(|reply| reply.into_inner().name)
            })
        })
        .collect();
    let mut members = BTreeSet::new();
    for task in admissions {
        let answer = task.await.expect("the task ran");
        members.insert(answer.expect("every retry is answered OK"));
    }
    assert_eq!(members.len(), 1, "one member: {members:?}");

    let communes: Vec<_> = (0..8)
        .map(|_| {
            let api = server.api.clone();
            let caller = caller.clone();
            tokio::spawn(async move {
                api.create_commune(call(
                    &caller,
                    pb::CreateCommuneRequest {
                        commune: Some(pb::Commune {
                            code: "02677".into(),
                            display_name: "Xã Tả Phời".into(),
                            province_code: "10".into(),
                            valid_from: "2000-01-01".into(),
                            ..Default::default()
                        }),
                        request_id: "create-ta-phoi".into(),
                    },
                ))
                .await
                .map(|reply| reply.into_inner())
            })
        })
        .collect();
    let mut created = Vec::new();
    for task in communes {
        created.push(
            task.await
                .expect("the task ran")
                .expect("every retry is OK"),
        );
    }
    assert!(created.iter().all(|commune| *commune == created[0]));
}

/// A request id is answered from its record until the record is purged; afterwards the same id
/// names a new request (here refused, as the commune it would create exists).
async fn request_ids_past_retention_are_forgotten(server: &Server) {
    let caller = admin();
    let create = || pb::CreateCommuneRequest {
        commune: Some(pb::Commune {
            code: "02677".into(),
            display_name: "Xã Tả Phời".into(),
            province_code: "10".into(),
            valid_from: "2000-01-01".into(),
            ..Default::default()
        }),
        request_id: "create-ta-phoi".into(),
    };
    server
        .api
        .create_commune(call(&caller, create()))
        .await
        .expect("created");
    let long_ago = partyregistry_kit::db::now_micros() - 3_600_000_000;
    let forgotten = server
        .membership
        .forget_requests_before(long_ago)
        .await
        .expect("purge runs");
    assert_eq!(forgotten, 0, "a fresh record is kept");
    server
        .api
        .create_commune(call(&caller, create()))
        .await
        .expect("within the retention, a retry replays");
    let later = partyregistry_kit::db::now_micros() + 1;
    let forgotten = server
        .membership
        .forget_requests_before(later)
        .await
        .expect("purge runs");
    assert!(forgotten >= 1, "the record is purged");
    let again = server
        .api
        .create_commune(call(&caller, create()))
        .await
        .expect_err("after the retention the id names a new request");
    assert_eq!(again.code(), Code::AlreadyExists, "{again:?}");
}

/// A token that may write but not read records learns nothing from its commands' replies beyond
/// the record's name and etag; one with `records` gets the record without personal fields.
async fn write_only_callers_get_replies_without_records(server: &Server) {
    let (member, _) = commune_with_people(server, "02680", "10").await;
    let admin = admin();
    server
        .api
        .record_ceremony(call(
            &admin,
            pb::RecordCeremonyRequest {
                name: member.clone(),
                ceremony_date: "2020-02-03".into(),
                request_id: String::new(),
                decision_received_date: String::new(),
            },
        ))
        .await
        .expect("ceremony");
    server
        .api
        .recognize_official(call(
            &admin,
            pb::RecognizeOfficialRequest {
                name: member.clone(),
                official_date: "2021-02-03".into(),
                decision_number: "12-QĐ/ĐU".into(),
                cell_vote: Some(pb::VoteTally {
                    eligible: 9,
                    present: 9,
                    yes: 9,
                    no: 0,
                }),
                request_id: String::new(),
            },
        ))
        .await
        .expect("recognised");
    let write_only = scoped("nhap-lieu", &["15"], &[], &[Right::Write]);
    let exempted = server
        .api
        .exempt_member(call(
            &write_only,
            pb::ExemptMemberRequest {
                name: member.clone(),
                effective_date: "2024-03-01".into(),
                reason: "Tuổi cao, sức yếu".into(),
                request_id: String::new(),
            },
        ))
        .await
        .expect("the writer may exempt")
        .into_inner();
    assert_eq!(exempted.name, member);
    assert!(!exempted.etag.is_empty(), "the etag lets the writer go on");
    assert_eq!(
        exempted,
        pb::Member {
            name: member.clone(),
            etag: exempted.etag.clone(),
            update_time: exempted.update_time,
            ..Default::default()
        },
        "nothing else of the record"
    );

    let admitted = server
        .api
        .record_admission(call(&write_only, admission("02680", "")))
        .await
        .expect("the writer may record an admission")
        .into_inner();
    assert!(admitted.full_name.is_empty() && admitted.citizen_id.is_empty());
    assert!(admitted.cell.is_empty() && admitted.birth_date.is_empty());

    let reader_writer = scoped("ho-so", &["15"], &[], &[Right::Records, Right::Write]);
    let ended = server
        .api
        .end_exemption(call(
            &reader_writer,
            pb::EndExemptionRequest {
                name: member,
                effective_date: "2024-09-01".into(),
                request_id: String::new(),
            },
        ))
        .await
        .expect("the reader-writer may end it")
        .into_inner();
    assert_eq!(ended.full_name, "Nguyễn Văn An", "records are readable");
    assert!(ended.citizen_id.is_empty(), "personal fields are not");
}

/// Makes every insert into the audit trail fail (`refuse`) or succeed again.
async fn audit_inserts_fail(server: &Server, refuse: bool) {
    use sqlx::Executor;
    let pool = server.membership.store().pool();
    let statements: &[&str] = match (server.membership.store().database().backend, refuse) {
        (partyregistry_kit::db::Backend::Sqlite, true) => &[
            "create trigger audit_refused before insert on audit_entries \
             begin select raise(abort, 'audit storage full'); end",
        ],
        (partyregistry_kit::db::Backend::Sqlite, false) => &["drop trigger audit_refused"],
        (partyregistry_kit::db::Backend::Postgres, true) => &[
            "create function audit_refused() returns trigger language plpgsql \
             as $$ begin raise exception 'audit storage full'; end $$",
            "create trigger audit_refused before insert on audit_entries \
             for each row execute function audit_refused()",
        ],
        (partyregistry_kit::db::Backend::Postgres, false) => &[
            "drop trigger audit_refused on audit_entries",
            "drop function audit_refused()",
        ],
    };
    for statement in statements {
        pool.execute(*statement).await.expect("test DDL runs");
    }
}

/// With the audit trail refusing inserts, reads of member records answer UNAVAILABLE and
/// disclose nothing; once it stores again, the same reads answer and are in the trail.
async fn records_are_withheld_when_their_audit_entry_cannot_be_stored(server: &Server) {
    let (member, _) = commune_with_people(server, "02680", "10").await;
    let reader = scoped(
        "doc-ho-so",
        &["15"],
        &[],
        &[Right::Records, Right::Personal],
    );
    audit_inserts_fail(server, true).await;
    let get = || pb::GetMemberRequest {
        name: member.clone(),
    };
    let withheld = server
        .api
        .get_member(call(&reader, get()))
        .await
        .expect_err("no audit entry, no record");
    assert_eq!(withheld.code(), Code::Unavailable, "{withheld:?}");
    assert!(withheld.message().contains(AUDIT_UNAVAILABLE));
    assert!(!format!("{withheld:?}").contains("001075002680"));
    let listed = server
        .api
        .list_members(call(
            &reader,
            pb::ListMembersRequest {
                parent: "communes/02680".into(),
                ..Default::default()
            },
        ))
        .await
        .expect_err("no audit entry, no roster");
    assert_eq!(listed.code(), Code::Unavailable, "{listed:?}");

    // The feed withholds a page carrying records just the same: the stream ends UNAVAILABLE
    // before any of them.
    let mut stream = server
        .api
        .watch_changes(call(&reader, pb::WatchChangesRequest { after_sequence: 0 }))
        .await
        .expect("the feed opens")
        .into_inner();
    let mut first_error = None;
    while let Some(message) = stream.next().await {
        match message {
            Ok(pb::WatchChangesResponse {
                event: Some(pb::watch_changes_response::Event::Change(change)),
            }) => assert!(change.people().is_empty(), "a record left: {change:?}"),
            Ok(_) => {}
            Err(status) => {
                first_error = Some(status);
                break;
            }
        }
    }
    let stopped = first_error.expect("the stream stops at the page with records");
    assert_eq!(stopped.code(), Code::Unavailable, "{stopped:?}");

    audit_inserts_fail(server, false).await;
    let after = replay(server, &reader).await;
    assert!(
        after
            .iter()
            .any(|change| change.people() == [member.clone()])
    );
    let answered = server
        .api
        .get_member(call(&reader, get()))
        .await
        .expect("the trail stores again")
        .into_inner();
    assert_eq!(answered.citizen_id, "001075002680");
    let entries = server
        .audit
        .list_audit_entries(call(
            &admin(),
            partyregistry_proto::audit::v1::ListAuditEntriesRequest {
                filter: "subject = \"doc-ho-so\"".into(),
                ..Default::default()
            },
        ))
        .await
        .expect("trail")
        .into_inner()
        .entries;
    let answered_reads: Vec<_> = entries
        .iter()
        .filter(|e| e.outcome == "OK" && e.method.ends_with("/GetMember"))
        .collect();
    assert_eq!(
        answered_reads.len(),
        1,
        "only the answered read: {entries:?}"
    );
    assert!(answered_reads[0].resources.contains(&member));
    assert!(answered_reads[0].personal_fields);
    // The feed's records were accounted for before they were sent, with the people named.
    assert!(entries.iter().any(|e| e.method.ends_with("/WatchChanges")
        && e.personal_fields
        && e.resources.contains(&member)));
}
