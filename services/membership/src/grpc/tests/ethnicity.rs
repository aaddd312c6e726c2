//! Ethnic-group codes and their code system through the handlers on both backends, on a server
//! with its default setting: a bare code is refused, naming the field, with nothing written; a
//! code with its list or a group's name is taken, and answered as the 1979 list's code.

use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::admission_service_server::AdmissionService;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use tonic::Code;

use super::{Server, TestDb, admin, call, fields, open_reading};
use crate::convert::BareEthnicityCodes;

#[tokio::test]
async fn sqlite_bare_ethnicity_codes_are_refused() {
    let (url, database) = TestDb::sqlite();
    let server = open_reading(&url, BareEthnicityCodes::Refused).await;
    bare_ethnicity_codes_are_refused(&server).await;
    server.shutdown.cancel();
    server.membership.store().pool().close().await;
    database.remove().await;
}

#[tokio::test]
async fn postgres_bare_ethnicity_codes_are_refused() {
    let Some((url, database)) = TestDb::postgres().await else {
        return;
    };
    let server = open_reading(&url, BareEthnicityCodes::Refused).await;
    bare_ethnicity_codes_are_refused(&server).await;
    server.shutdown.cancel();
    server.membership.store().pool().close().await;
    database.remove().await;
}

/// A member of Hợp Thành's cell `a` whose ethnic group is sent as `code` in `system`.
fn admission(full_name: &str, code: &str, system: &str) -> pb::RecordAdmissionRequest {
    pb::RecordAdmissionRequest {
        member: Some(pb::Member {
            cell: "communes/02680/cells/a".into(),
            full_name: full_name.into(),
            gender: pb::Gender::Female.into(),
            birth_date: "1980-04-30".into(),
            ethnicity_code: code.into(),
            ethnicity_code_system: system.into(),
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
    }
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

async fn commune(server: &Server) {
    let admin = admin();
    server
        .api
        .create_commune(call(
            &admin,
            pb::CreateCommuneRequest {
                commune: Some(pb::Commune {
                    code: "02680".into(),
                    display_name: "Xã Hợp Thành".into(),
                    province_code: "10".into(),
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
                parent: "communes/02680".into(),
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
}

async fn bare_ethnicity_codes_are_refused(server: &Server) {
    commune(server).await;
    let admin = admin();
    let before = head(server).await;

    // 04 is Hoa in the 1979 list and another group in later ones: refused without its list.
    let refused = server
        .api
        .record_admission(call(&admin, admission("Lý Thị Hoa", "04", "")))
        .await
        .expect_err("a bare code");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(fields(&refused), ["member.ethnicity_code"]);
    let refused = server
        .api
        .record_admission(call(
            &admin,
            admission("Lý Thị Hoa", "04", "QĐ 1019/QĐ-TCTK"),
        ))
        .await
        .expect_err("a list the registry does not read");
    assert_eq!(fields(&refused), ["member.ethnicity_code_system"]);
    assert_eq!(head(server).await, before, "nothing written");

    // With its list, or by name: stored as the 1979 list's code.
    let hoa = server
        .api
        .record_admission(call(&admin, admission("Lý Thị Hoa", "04", "121-TCTK")))
        .await
        .expect("a code with its list")
        .into_inner();
    assert_eq!(
        (
            hoa.ethnicity_code.as_str(),
            hoa.ethnicity_code_system.as_str()
        ),
        ("04", "121-TCTK")
    );
    let muong = server
        .api
        .record_admission(call(&admin, admission("Bùi Thị Mường", "Mường", "")))
        .await
        .expect("a name")
        .into_inner();
    assert_eq!(
        (
            muong.ethnicity_code.as_str(),
            muong.ethnicity_code_system.as_str()
        ),
        ("06", "121-TCTK")
    );

    // An update of the code follows the same rule; the list goes with the code.
    let update = |code: &str, system: &str, etag: &str| pb::UpdateMemberRequest {
        member: Some(pb::Member {
            name: muong.name.clone(),
            etag: etag.into(),
            ethnicity_code: code.into(),
            ethnicity_code_system: system.into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["ethnicity_code".into()],
        }),
    };
    let refused = server
        .api
        .update_member(call(&admin, update("05", "", &muong.etag)))
        .await
        .expect_err("a bare code");
    assert_eq!(fields(&refused), ["member.ethnicity_code"]);
    let updated = server
        .api
        .update_member(call(&admin, update("05", "121-TCTK", &muong.etag)))
        .await
        .expect("a code with its list")
        .into_inner();
    assert_eq!(updated.ethnicity_code, "05");

    // Candidates likewise.
    let candidate = |code: &str| pb::CreateCandidateRequest {
        candidate: Some(pb::Candidate {
            cell: "communes/02680/cells/a".into(),
            full_name: "Triệu Văn Dao".into(),
            gender: pb::Gender::Male.into(),
            birth_date: "2001-03-04".into(),
            ethnicity_code: code.into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            source: pb::CandidateSource::Other.into(),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let refused = server
        .admission
        .create_candidate(call(&admin, candidate("09")))
        .await
        .expect_err("a bare code");
    assert_eq!(fields(&refused), ["candidate.ethnicity_code"]);
    let dao = server
        .admission
        .create_candidate(call(&admin, candidate("Dao")))
        .await
        .expect("a name")
        .into_inner();
    assert_eq!(
        (
            dao.ethnicity_code.as_str(),
            dao.ethnicity_code_system.as_str()
        ),
        ("09", "121-TCTK")
    );
}
