//! Authorisation, personal-data protection and the audit trail, through the gRPC handlers with
//! the caller the server layer would have inserted. Each scenario runs on a fresh SQLite database
//! and, when `TEST_DATABASE_URL` names a PostgreSQL server, on a fresh PostgreSQL database.
//!
//! Data: commune 02680 of the former province 10 (merged into 15 on 2025-07-01) and commune
//! 03100 of province 12, each with a cell `a` and one member and one candidate.

use std::collections::BTreeSet;
use std::sync::Arc;

use partyregistry_kit::audit::AuditLog;
use partyregistry_kit::auth::{Caller, Right};
use partyregistry_kit::db;
use partyregistry_proto::audit::v1 as audit_pb;
use partyregistry_proto::audit::v1::audit_service_server::AuditService;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::admission_service_server::AdmissionService;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use partyregistry_proto::membership::v1::reference_service_server::ReferenceService;
use sqlx::Executor;
use tokio_stream::StreamExt;
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request, Status};

use super::{AdmissionApi, AuditApi, MembershipApi, ReferenceApi};
use crate::authz::{Authz, OUT_OF_SCOPE};
use crate::service::Membership;
use crate::store::Store;

/// Where a test's database lives, to remove it afterwards.
enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres { admin: sqlx::AnyPool, name: String },
}

impl TestDb {
    fn sqlite() -> (String, Self) {
        let path = std::env::temp_dir().join(format!(
            "{}.db",
            partyregistry_kit::test_database::unique_test_name("membership_authz")
        ));
        (format!("sqlite://{}", path.display()), Self::Sqlite(path))
    }

    async fn postgres() -> Option<(String, Self)> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL authorisation test skipped");
            return None;
        };
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&admin_url)
            .await
            .expect("PostgreSQL admin connection");
        let name = partyregistry_kit::test_database::unique_test_name("membership_authz");
        admin
            .execute(format!("create database {name}").as_str())
            .await
            .expect("test database is created");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        Some((format!("{base}/{name}"), Self::Postgres { admin, name }))
    }

    async fn remove(self) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Self::Postgres { admin, name } => {
                admin
                    .execute(format!("drop database {name} with (force)").as_str())
                    .await
                    .expect("test database is dropped");
                admin.close().await;
            }
        }
    }
}

/// The four handler sets over one database, as `run` wires them.
struct Server {
    membership: Arc<Membership>,
    api: MembershipApi,
    admission: AdmissionApi,
    reference: ReferenceApi,
    audit: AuditApi,
    shutdown: CancellationToken,
}

async fn open(url: &str) -> Server {
    // The fixtures send bare codes of the 1979 list, as `Config::for_database` reads them.
    open_reading(url, crate::convert::BareEthnicityCodes::In1979List).await
}

/// [`open`] with bare ethnicity codes read as `bare` says.
async fn open_reading(url: &str, bare: crate::convert::BareEthnicityCodes) -> Server {
    let database = db::connect(url, &crate::MIGRATIONS)
        .await
        .expect("database opens");
    let membership =
        Arc::new(Membership::new(Store::new(database)).with_bare_ethnicity_codes(bare));
    membership
        .seed_reference_data()
        .await
        .expect("reference data seeded");
    let log = AuditLog::new(membership.store().database());
    let authz = Authz::new(membership.clone(), log);
    let shutdown = CancellationToken::new();
    Server {
        api: MembershipApi::new(membership.clone(), authz.clone(), shutdown.clone()),
        admission: AdmissionApi::new(membership.clone(), authz.clone()),
        reference: ReferenceApi::new(membership.clone(), authz.clone()),
        audit: AuditApi::new(authz),
        membership,
        shutdown,
    }
}

macro_rules! on_both_backends {
    ($($scenario:ident => $sqlite:ident, $postgres:ident;)*) => {
        $(
            #[tokio::test]
            async fn $sqlite() {
                let (url, database) = TestDb::sqlite();
                let server = open(&url).await;
                $scenario(&server).await;
                server.shutdown.cancel();
                server.membership.store().pool().close().await;
                database.remove().await;
            }

            #[tokio::test]
            async fn $postgres() {
                let Some((url, database)) = TestDb::postgres().await else {
                    return;
                };
                let server = open(&url).await;
                $scenario(&server).await;
                server.shutdown.cancel();
                server.membership.store().pool().close().await;
                database.remove().await;
            }
        )*
    };
}

on_both_backends! {
    scoped_callers_see_only_their_scope =>
        sqlite_scoped_callers_see_only_their_scope, postgres_scoped_callers_see_only_their_scope;
    personal_fields_need_the_personal_right =>
        sqlite_personal_fields_need_the_personal_right,
        postgres_personal_fields_need_the_personal_right;
    the_feed_is_filtered_by_scope =>
        sqlite_the_feed_is_filtered_by_scope, postgres_the_feed_is_filtered_by_scope;
    reads_writes_and_refusals_are_audited =>
        sqlite_reads_writes_and_refusals_are_audited,
        postgres_reads_writes_and_refusals_are_audited;
}

fn admin() -> Caller {
    Caller::unrestricted("admin")
}

/// A caller scoped to `provinces` and `communes` with `rights`.
fn scoped(subject: &str, provinces: &[&str], communes: &[&str], rights: &[Right]) -> Caller {
    Caller {
        subject: subject.into(),
        national: false,
        provinces: provinces.iter().map(|p| (*p).to_owned()).collect(),
        communes: communes.iter().map(|c| (*c).to_owned()).collect(),
        rights: rights.iter().copied().collect::<BTreeSet<_>>(),
    }
}

/// Province 15 with every right but admin: the end-to-end suite's caller.
fn province_15() -> Caller {
    scoped(
        "tinh-15",
        &["15"],
        &[],
        &[
            Right::Aggregates,
            Right::Records,
            Right::Personal,
            Right::Write,
        ],
    )
}

/// The rule a refusal names (`ErrorInfo.reason`), empty when it names none.
fn reason(status: &Status) -> String {
    tonic_types::StatusExt::get_error_details(status)
        .error_info()
        .map(|info| info.reason.clone())
        .unwrap_or_default()
}

/// The fields a refusal names, in order.
fn fields(status: &Status) -> Vec<String> {
    tonic_types::StatusExt::get_error_details(status)
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

fn call<T>(caller: &Caller, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(caller.clone());
    request
}

fn assert_out_of_scope<T: std::fmt::Debug>(result: Result<T, Status>, what: &str) {
    match result {
        Err(status) => {
            assert_eq!(status.code(), Code::PermissionDenied, "{what}: {status:?}");
            assert_eq!(status.message(), OUT_OF_SCOPE, "{what}");
        }
        Ok(reply) => panic!("{what} answered {reply:?}"),
    }
}

/// Creates commune `code` of `province` with cell `a`, one member and one candidate; returns the
/// member's and the candidate's names.
async fn commune_with_people(server: &Server, code: &str, province: &str) -> (String, String) {
    let admin = admin();
    server
        .api
        .create_commune(call(
            &admin,
            pb::CreateCommuneRequest {
                commune: Some(pb::Commune {
                    code: code.into(),
                    display_name: format!("Xã {code}"),
                    province_code: province.into(),
                    valid_from: "2000-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .expect("commune created");
    server
        .api
        .create_cell(call(
            &admin,
            pb::CreateCellRequest {
                parent: format!("communes/{code}"),
                cell_id: "a".into(),
                cell: Some(pb::Cell {
                    display_name: "Chi bộ thôn Ánh Dương".into(),
                    kind: pb::CellKind::Residential.into(),
                    open_date: "2000-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .expect("cell created");
    let member = server
        .api
        .record_admission(call(
            &admin,
            pb::RecordAdmissionRequest {
                member: Some(pb::Member {
                    cell: format!("communes/{code}/cells/a"),
                    full_name: "Nguyễn Văn An".into(),
                    gender: pb::Gender::Male.into(),
                    birth_date: "1975-06-02".into(),
                    ethnicity_code: "01".into(),
                    citizen_id: format!("0010750{code}"),
                    phone: "0912345678".into(),
                    address: "Thôn Ánh Dương".into(),
                    general_education: pb::GeneralEducation::UpperSecondary.into(),
                    admission: Some(pb::Admission {
                        decision_date: "2020-01-10".into(),
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
                request_id: String::new(),
                cell_vote_date: String::new(),
            },
        ))
        .await
        .expect("member recorded")
        .into_inner();
    let candidate = server
        .admission
        .create_candidate(call(
            &admin,
            pb::CreateCandidateRequest {
                candidate: Some(pb::Candidate {
                    cell: format!("communes/{code}/cells/a"),
                    full_name: "Trần Thị Bình".into(),
                    gender: pb::Gender::Female.into(),
                    birth_date: "2000-03-04".into(),
                    ethnicity_code: "01".into(),
                    citizen_id: format!("0013000{code}"),
                    general_education: pb::GeneralEducation::UpperSecondary.into(),
                    source: pb::CandidateSource::Other.into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .expect("candidate created")
        .into_inner();
    assert_eq!(
        member.citizen_id.len(),
        12,
        "the admin sees personal fields"
    );
    (member.name, candidate.name)
}

async fn scoped_callers_see_only_their_scope(server: &Server) {
    let (own_member, own_candidate) = commune_with_people(server, "02680", "10").await;
    let (other_member, other_candidate) = commune_with_people(server, "03100", "12").await;
    let caller = province_15();

    // Its own commune, reached through the merge of province 10 into 15.
    let got = server
        .api
        .get_member(call(&caller, pb::GetMemberRequest { name: own_member }))
        .await
        .expect("own member is readable");
    assert_eq!(got.get_ref().cell, "communes/02680/cells/a");
    server
        .admission
        .get_candidate(call(
            &caller,
            pb::GetCandidateRequest {
                name: own_candidate,
            },
        ))
        .await
        .expect("own candidate is readable");

    // Another province: the same refusal whether or not the resource exists.
    let api = &server.api;
    assert_out_of_scope(
        api.get_member(call(
            &caller,
            pb::GetMemberRequest {
                name: other_member.clone(),
            },
        ))
        .await,
        "GetMember of province 12",
    );
    assert_out_of_scope(
        api.get_member(call(
            &caller,
            pb::GetMemberRequest {
                name: "members/999999".into(),
            },
        ))
        .await,
        "GetMember of a member that does not exist",
    );
    assert_out_of_scope(
        api.get_member(call(
            &caller,
            pb::GetMemberRequest {
                name: "not a name".into(),
            },
        ))
        .await,
        "GetMember with a malformed name",
    );
    assert_out_of_scope(
        api.get_commune(call(
            &caller,
            pb::GetCommuneRequest {
                name: "communes/03100".into(),
            },
        ))
        .await,
        "GetCommune of province 12",
    );
    assert_out_of_scope(
        api.get_commune(call(
            &caller,
            pb::GetCommuneRequest {
                name: "communes/99999".into(),
            },
        ))
        .await,
        "GetCommune of a commune that does not exist",
    );
    assert_out_of_scope(
        api.list_members(call(
            &caller,
            pb::ListMembersRequest {
                parent: "communes/03100".into(),
                ..Default::default()
            },
        ))
        .await,
        "ListMembers of province 12",
    );
    assert_out_of_scope(
        api.list_members(call(
            &caller,
            pb::ListMembersRequest {
                parent: "communes/-".into(),
                ..Default::default()
            },
        ))
        .await,
        "ListMembers across communes",
    );
    assert_out_of_scope(
        server
            .admission
            .get_candidate(call(
                &caller,
                pb::GetCandidateRequest {
                    name: other_candidate.clone(),
                },
            ))
            .await,
        "GetCandidate of province 12",
    );
    assert_out_of_scope(
        server
            .admission
            .list_candidates(call(
                &caller,
                pb::ListCandidatesRequest {
                    parent: "communes/03100".into(),
                    ..Default::default()
                },
            ))
            .await,
        "ListCandidates of province 12",
    );
    // Writes, even malformed ones, are refused before validation.
    assert_out_of_scope(
        api.update_member(call(
            &caller,
            pb::UpdateMemberRequest {
                member: Some(pb::Member {
                    name: other_member.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ))
        .await,
        "UpdateMember of province 12",
    );
    assert_out_of_scope(
        api.record_ceremony(call(
            &caller,
            pb::RecordCeremonyRequest {
                name: other_member.clone(),
                ..Default::default()
            },
        ))
        .await,
        "RecordCeremony of province 12",
    );
    assert_out_of_scope(
        api.create_member(call(
            &caller,
            pb::CreateMemberRequest {
                member: Some(pb::Member {
                    cell: "communes/03100/cells/a".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ))
        .await,
        "CreateMember in province 12",
    );
    assert_out_of_scope(
        api.create_commune(call(
            &caller,
            pb::CreateCommuneRequest {
                commune: Some(pb::Commune {
                    code: "03101".into(),
                    province_code: "12".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ))
        .await,
        "CreateCommune in province 12",
    );
    assert_out_of_scope(
        api.update_commune(call(
            &caller,
            pb::UpdateCommuneRequest {
                commune: Some(pb::Commune {
                    name: "communes/02680".into(),
                    province_code: "12".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ))
        .await,
        "UpdateCommune moving a commune into province 12",
    );
    assert_out_of_scope(
        api.create_commune(call(&caller, pb::CreateCommuneRequest::default()))
            .await,
        "CreateCommune without a commune",
    );
    assert_out_of_scope(
        api.transfer_member(call(
            &caller,
            pb::TransferMemberRequest {
                name: "members/1".into(),
                to_cell: "communes/03100/cells/a".into(),
                ..Default::default()
            },
        ))
        .await,
        "TransferMember into province 12",
    );
    assert_out_of_scope(
        server
            .admission
            .admit_candidate(call(
                &caller,
                pb::AdmitCandidateRequest {
                    name: other_candidate,
                    ..Default::default()
                },
            ))
            .await,
        "AdmitCandidate of province 12",
    );
    // National reference data needs a national token, even with the write right.
    assert_out_of_scope(
        server
            .reference
            .create_province(call(&caller, pb::CreateProvinceRequest::default()))
            .await,
        "CreateProvince by a provincial token",
    );
    // Reference reads need only a valid token.
    let provinces = server
        .reference
        .list_provinces(call(
            &scoped("no-rights", &["15"], &[], &[]),
            pb::ListProvincesRequest::default(),
        ))
        .await
        .expect("reference data is open to every valid token");
    assert!(!provinces.get_ref().provinces.is_empty());
    // A right the token lacks.
    let aggregates = scoped("tong-hop", &["15"], &[], &[Right::Aggregates]);
    let refused = api
        .get_member(call(
            &aggregates,
            pb::GetMemberRequest {
                name: "members/1".into(),
            },
        ))
        .await
        .expect_err("records need the records right");
    assert_eq!(refused.code(), Code::PermissionDenied);
    // A request that never passed the server layer sees nothing.
    let refused = server
        .reference
        .list_provinces(Request::new(pb::ListProvincesRequest::default()))
        .await
        .expect_err("no caller, no answer");
    assert_eq!(refused.code(), Code::Unauthenticated);

    // ListCommunes without a parent: only the caller's scope, page by page.
    let mut names = Vec::new();
    let mut token = String::new();
    loop {
        let page = api
            .list_communes(call(
                &caller,
                pb::ListCommunesRequest {
                    page_size: 1,
                    page_token: token.clone(),
                    ..Default::default()
                },
            ))
            .await
            .expect("communes are listed")
            .into_inner();
        names.extend(page.communes.into_iter().map(|c| c.name));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(names, ["communes/02680"]);
    let all = api
        .list_communes(call(&admin(), pb::ListCommunesRequest::default()))
        .await
        .expect("communes are listed");
    assert_eq!(all.get_ref().communes.len(), 2);

    // A commune-scoped token sees its commune only.
    let commune = scoped("xa-02680", &[], &["02680"], &[Right::Records]);
    api.list_members(call(
        &commune,
        pb::ListMembersRequest {
            parent: "communes/02680".into(),
            ..Default::default()
        },
    ))
    .await
    .expect("its commune");
    assert_out_of_scope(
        api.get_commune(call(
            &commune,
            pb::GetCommuneRequest {
                name: "communes/03100".into(),
            },
        ))
        .await,
        "another commune",
    );

    // A token whose commune lies outside its provinces is not accepted at all.
    let mismatched = scoped("sai-pham-vi", &["15"], &["03100"], &[Right::Records]);
    let refused = api
        .get_commune(call(
            &mismatched,
            pb::GetCommuneRequest {
                name: "communes/02680".into(),
            },
        ))
        .await
        .expect_err("the scope is inconsistent");
    assert_eq!(refused.code(), Code::Unauthenticated);
}

async fn personal_fields_need_the_personal_right(server: &Server) {
    let (member, candidate) = commune_with_people(server, "02680", "10").await;
    let records = scoped("ho-so", &["15"], &[], &[Right::Records, Right::Write]);
    let personal = scoped("ca-nhan", &["15"], &[], &[Right::Records, Right::Personal]);

    let cleared = server
        .api
        .get_member(call(
            &records,
            pb::GetMemberRequest {
                name: member.clone(),
            },
        ))
        .await
        .expect("member")
        .into_inner();
    assert_eq!(
        (
            cleared.citizen_id.as_str(),
            cleared.birth_date.as_str(),
            cleared.phone.as_str(),
            cleared.address.as_str()
        ),
        ("", "", "", "")
    );
    assert_eq!(cleared.full_name, "Nguyễn Văn An");
    let full = server
        .api
        .get_member(call(
            &personal,
            pb::GetMemberRequest {
                name: member.clone(),
            },
        ))
        .await
        .expect("member")
        .into_inner();
    assert_eq!(full.citizen_id, "001075002680");
    assert_eq!(full.phone, "0912345678");

    let listed = server
        .api
        .list_members(call(
            &records,
            pb::ListMembersRequest {
                parent: "communes/02680".into(),
                ..Default::default()
            },
        ))
        .await
        .expect("members")
        .into_inner();
    assert!(!listed.members.is_empty());
    assert!(listed.members.iter().all(|m| m.citizen_id.is_empty()
        && m.birth_date.is_empty()
        && m.phone.is_empty()
        && m.address.is_empty()));

    let candidate_reply = server
        .admission
        .get_candidate(call(
            &records,
            pb::GetCandidateRequest {
                name: candidate.clone(),
            },
        ))
        .await
        .expect("candidate")
        .into_inner();
    assert!(candidate_reply.citizen_id.is_empty() && candidate_reply.birth_date.is_empty());
    let candidates = server
        .admission
        .list_candidates(call(
            &records,
            pb::ListCandidatesRequest {
                parent: "communes/02680".into(),
                ..Default::default()
            },
        ))
        .await
        .expect("candidates")
        .into_inner();
    assert!(
        candidates
            .candidates
            .iter()
            .all(|c| c.citizen_id.is_empty())
    );

    // A write's reply is cleared too.
    let updated = server
        .api
        .update_member(call(
            &records,
            pb::UpdateMemberRequest {
                member: Some(pb::Member {
                    name: member.clone(),
                    etag: full.etag.clone(),
                    occupation: "Nông dân".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["occupation".into()],
                }),
            },
        ))
        .await
        .expect("member updated")
        .into_inner();
    assert_eq!(updated.occupation, "Nông dân");
    assert!(updated.citizen_id.is_empty() && updated.phone.is_empty());
}

/// Reads the stream until its first heartbeat: the replay of everything committed so far.
async fn replay(server: &Server, caller: &Caller) -> Vec<pb::Change> {
    let mut stream = server
        .api
        .watch_changes(call(caller, pb::WatchChangesRequest { after_sequence: 0 }))
        .await
        .expect("the feed opens")
        .into_inner();
    let mut changes = Vec::new();
    while let Some(message) = stream.next().await {
        match message.expect("feed message").event {
            Some(pb::watch_changes_response::Event::Change(change)) => changes.push(change),
            Some(pb::watch_changes_response::Event::Heartbeat(_)) => break,
            None => {}
        }
    }
    changes
}

async fn the_feed_is_filtered_by_scope(server: &Server) {
    let (own_member, _) = commune_with_people(server, "02680", "10").await;
    let (other_member, _) = commune_with_people(server, "03100", "12").await;

    let everything = replay(server, &admin()).await;
    let scoped_changes = replay(server, &scoped("tinh-15", &["15"], &[], &[Right::Records])).await;
    assert!(scoped_changes.len() < everything.len());
    let names: Vec<&str> = scoped_changes
        .iter()
        .filter_map(|c| c.resource.as_ref().map(crate::service::resource_name))
        .collect();
    assert!(names.contains(&own_member.as_str()), "{names:?}");
    assert!(names.contains(&"communes/02680"));
    assert!(!names.contains(&other_member.as_str()), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("communes/03100")),
        "{names:?}"
    );
    // Reference data goes to everyone.
    assert!(
        names.iter().any(|n| n.starts_with("provinces/")),
        "{names:?}"
    );
    // Without the personal right, member and candidate payloads are cleared.
    for change in &scoped_changes {
        match &change.resource {
            Some(pb::change::Resource::Member(m)) => {
                assert!(m.citizen_id.is_empty() && m.phone.is_empty() && m.birth_date.is_empty());
            }
            Some(pb::change::Resource::Candidate(c)) => assert!(c.citizen_id.is_empty()),
            _ => {}
        }
    }
    // With it, they are not.
    let personal = replay(
        server,
        &scoped("tinh-15", &["15"], &[], &[Right::Records, Right::Personal]),
    )
    .await;
    assert!(personal.iter().any(|c| matches!(
        &c.resource,
        Some(pb::change::Resource::Member(m)) if !m.citizen_id.is_empty()
    )));
}

async fn entries(server: &Server, filter: &str) -> Vec<audit_pb::AuditEntry> {
    server
        .audit
        .list_audit_entries(call(
            &admin(),
            audit_pb::ListAuditEntriesRequest {
                page_size: 500,
                filter: filter.into(),
                ..Default::default()
            },
        ))
        .await
        .expect("the audit trail is readable by an admin")
        .into_inner()
        .entries
}

async fn reads_writes_and_refusals_are_audited(server: &Server) {
    let (member, _) = commune_with_people(server, "02680", "10").await;
    let (other_member, _) = commune_with_people(server, "03100", "12").await;
    let caller = scoped(
        "kiem-toan",
        &["15"],
        &[],
        &[Right::Records, Right::Personal, Right::Write],
    );

    // Writes by the administrator that set up the data.
    let writes = entries(server, r#"subject = "admin" AND outcome = "OK""#).await;
    for method in [
        "CreateCommune",
        "CreateCell",
        "RecordAdmission",
        "CreateCandidate",
    ] {
        assert!(
            writes
                .iter()
                .any(|e| e.method.ends_with(&format!("/{method}"))),
            "{method} is audited: {writes:?}"
        );
    }

    server
        .api
        .get_member(call(
            &caller,
            pb::GetMemberRequest {
                name: member.clone(),
            },
        ))
        .await
        .expect("own member");
    let _ = server
        .api
        .get_member(call(
            &caller,
            pb::GetMemberRequest {
                name: other_member.clone(),
            },
        ))
        .await;
    let _ = server
        .api
        .record_ceremony(call(
            &caller,
            pb::RecordCeremonyRequest {
                name: member.clone(),
                ceremony_date: "not a date".into(),
                request_id: String::new(),
                decision_received_date: String::new(),
            },
        ))
        .await;

    let trail = entries(server, r#"subject = "kiem-toan""#).await;
    let read = trail
        .iter()
        .find(|e| e.method.ends_with("/GetMember") && e.outcome == "OK")
        .expect("the read is audited");
    assert_eq!(read.resources, std::slice::from_ref(&member));
    assert!(read.personal_fields);
    let denied = trail
        .iter()
        .find(|e| e.outcome == "PERMISSION_DENIED")
        .expect("the refusal is audited");
    assert_eq!(denied.resources, [other_member]);
    assert!(!denied.personal_fields);
    let invalid = trail
        .iter()
        .find(|e| e.outcome == "INVALID_ARGUMENT")
        .expect("the failed write is audited");
    assert!(invalid.method.ends_with("/RecordCeremony"));
    assert!(
        invalid.detail.contains("ceremony_date"),
        "{}",
        invalid.detail
    );
    // No personal data in any detail.
    let everything = entries(server, "").await;
    for entry in &everything {
        assert!(
            !entry.detail.contains("0010750") && !entry.detail.contains("0912345678"),
            "{entry:?}"
        );
    }
    // Reference reads are not audited; the audit trail needs the admin right.
    let refused = server
        .audit
        .list_audit_entries(call(&caller, audit_pb::ListAuditEntriesRequest::default()))
        .await
        .expect_err("admin only");
    assert_eq!(refused.code(), Code::PermissionDenied);

    // A stream writes one entry when it ends, with the count.
    let watcher = scoped("theo-doi", &["15"], &[], &[Right::Records]);
    let seen = replay(server, &watcher).await;
    let mut found = Vec::new();
    for _ in 0..50 {
        found = entries(server, r#"subject = "theo-doi""#).await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stream = found.first().expect("the stream is audited when it ends");
    assert!(stream.method.ends_with("/WatchChanges"));
    assert!(
        stream
            .detail
            .starts_with(&format!("{} changes sent", seen.len())),
        "{} after {} changes",
        stream.detail,
        seen.len()
    );
    assert!(!stream.personal_fields);
}

#[tokio::test]
async fn run_refuses_to_start_without_tls_or_authentication() {
    let mut config = crate::Config::for_database("sqlite::memory:");
    config.plaintext = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let error = crate::run(config.clone(), listener, CancellationToken::new())
        .await
        .expect_err("no TLS, no --plaintext");
    assert!(error.to_string().contains("--plaintext"), "{error}");
    assert!(error.to_string().contains("--tls-cert"), "{error}");

    config.plaintext = true;
    config.allow_unauthenticated = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let error = crate::run(config.clone(), listener, CancellationToken::new())
        .await
        .expect_err("no token source, no --allow-unauthenticated");
    assert!(
        error.to_string().contains("--allow-unauthenticated"),
        "{error}"
    );
    assert!(error.to_string().contains("--jwt-key-file"), "{error}");

    // Half a TLS pair, or mutual TLS without TLS, is refused too.
    config.allow_unauthenticated = true;
    config.plaintext = false;
    config.tls_cert = Some("server.pem".into());
    assert!(config.check().is_err());
    config.tls_cert = None;
    config.plaintext = true;
    config.client_ca = Some("ca.pem".into());
    assert!(config.check().is_err());
    assert!(
        crate::Config::for_database("sqlite::memory:")
            .check()
            .is_ok()
    );
}

fn client_for(url: &str, token: Option<&str>) -> partyregistry_kit::client::Transport {
    let security = partyregistry_kit::client::ClientSecurity {
        token: token.map(str::to_owned),
        ..Default::default()
    };
    partyregistry_kit::client::lazy(url, &security).expect("a client")
}

/// The whole served stack: the kit's layer verifies static tokens and hands the handlers their
/// caller; the handlers scope and audit.
#[tokio::test]
async fn the_served_stack_authenticates_scopes_and_audits() {
    use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
    use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
    use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;

    const PROVINCE: &str = "tinh-15-token-0123456789";
    const ADMIN: &str = "quan-tri-token-0123456789";
    let (url, database) = TestDb::sqlite();
    let token_file = std::env::temp_dir().join(format!(
        "{}.json",
        partyregistry_kit::test_database::unique_test_name("membership_tokens")
    ));
    std::fs::write(
        &token_file,
        format!(
            r#"{{"tokens":[
                {{"token":"{PROVINCE}","claims":{{"iss":"test","sub":"tinh-15","exp":4102444800,"provinces":["15"],"rights":["records","personal","write"]}}}},
                {{"token":"{ADMIN}","claims":{{"iss":"test","sub":"quan-tri","exp":4102444800,"national":true,"rights":["records","personal","write","admin"]}}}}
            ]}}"#
        ),
    )
    .expect("token file written");
    let mut config = crate::Config::for_database(url);
    config.allow_unauthenticated = false;
    config.token_file = Some(token_file.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = format!("http://{}", listener.local_addr().expect("an address"));
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(crate::run(config, listener, shutdown.clone()));

    let mut admin = MembershipServiceClient::new(client_for(&address, Some(ADMIN)));
    let mut created = None;
    for _ in 0..100 {
        let attempt = admin
            .create_commune(pb::CreateCommuneRequest {
                commune: Some(pb::Commune {
                    code: "03100".into(),
                    display_name: "Xã Mường Tè".into(),
                    province_code: "12".into(),
                    valid_from: "2000-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await;
        match attempt {
            Err(status) if status.code() == Code::Unavailable => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            other => {
                created = Some(other);
                break;
            }
        }
    }
    created
        .expect("the server answers")
        .expect("the national token writes");

    let mut province = MembershipServiceClient::new(client_for(&address, Some(PROVINCE)));
    let refused = province
        .get_commune(pb::GetCommuneRequest {
            name: "communes/03100".into(),
        })
        .await
        .expect_err("another province");
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(refused.message(), OUT_OF_SCOPE);
    ReferenceServiceClient::new(client_for(&address, Some(PROVINCE)))
        .list_provinces(pb::ListProvincesRequest::default())
        .await
        .expect("reference data with any valid token");
    let anonymous = ReferenceServiceClient::new(client_for(&address, None))
        .list_provinces(pb::ListProvincesRequest::default())
        .await
        .expect_err("no token");
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let forged = MembershipServiceClient::new(client_for(&address, Some("not-a-token-at-all-000")))
        .get_commune(pb::GetCommuneRequest {
            name: "communes/03100".into(),
        })
        .await
        .expect_err("unknown token");
    assert_eq!(forged.code(), Code::Unauthenticated);

    let trail = AuditServiceClient::new(client_for(&address, Some(ADMIN)))
        .list_audit_entries(audit_pb::ListAuditEntriesRequest {
            page_size: 100,
            ..Default::default()
        })
        .await
        .expect("the admin reads the trail")
        .into_inner()
        .entries;
    let outcomes: Vec<(&str, &str)> = trail
        .iter()
        .map(|e| (e.subject.as_str(), e.outcome.as_str()))
        .collect();
    assert!(outcomes.contains(&("quan-tri", "OK")), "{outcomes:?}");
    assert!(
        outcomes.contains(&("tinh-15", "PERMISSION_DENIED")),
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|(_, outcome)| *outcome == "UNAUTHENTICATED"),
        "{outcomes:?}"
    );
    let refused_audit = AuditServiceClient::new(client_for(&address, Some(PROVINCE)))
        .list_audit_entries(audit_pb::ListAuditEntriesRequest::default())
        .await
        .expect_err("the trail needs the admin right");
    assert_eq!(refused_audit.code(), Code::PermissionDenied);

    shutdown.cancel();
    server
        .await
        .expect("the server task ends")
        .expect("the server ends cleanly");
    let _ = std::fs::remove_file(token_file);
    database.remove().await;
}

mod decision_receipt;
mod discipline;
mod ethnicity;
mod hardening;
mod import;
mod readmission;
