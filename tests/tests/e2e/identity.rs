//! No existence oracle: a write token of one commune learns nothing, from CreateMember,
//! RecordAdmission, UpdateMember or ImportRoster, about whether a citizen ID belongs to a member
//! of another province — the answer is the one a fresh ID gets — while a member inside its scope
//! still answers ALREADY_EXISTS. The pairs met that way are queued for review, listed only to a
//! caller whose scope covers both records, closed with ResolveIdentityConflict, and audited.

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_kit::auth::{Claims, OUT_OF_SCOPE, Right};
use partyregistry_kit::client::ClientSecurity;
use partyregistry_proto::audit::v1 as audit;
use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_tests::{Backend, Pair, Secrets, on_each_backend};
use tonic::Code;

use crate::fixtures::{self, Client};

on_each_backend! {
    a_citizen_id_held_in_another_province_is_answered_like_a_free_one;
}

const WRITER: &str = "xa-02680-nhap-lieu";

/// A member of `cell` holding `citizen_id`.
fn person(cell: &str, full_name: &str, citizen_id: &str) -> pb::Member {
    let mut member =
        fixtures::new_member(cell, full_name, "1990-05-17", "2024-03-01", "2024-03-20");
    member.citizen_id = citizen_id.into();
    member
}

/// `member` without what differs between two records of equal fields: its name, etag, times,
/// citizen ID.
fn shape(mut member: pb::Member) -> pb::Member {
    member.name.clear();
    member.etag.clear();
    member.create_time = None;
    member.update_time = None;
    member.citizen_id.clear();
    member
}

/// The code of an answer, and its shape when it is OK.
fn answer(
    result: Result<tonic::Response<pb::Member>, tonic::Status>,
) -> (Code, Option<pb::Member>) {
    match result {
        Ok(response) => {
            assert!(
                response.metadata().contains_key("x-feed-sequence"),
                "a committed write carries its feed sequence"
            );
            (Code::Ok, Some(shape(response.into_inner())))
        }
        Err(status) => (status.code(), None),
    }
}

async fn client(pair: &Pair, security: &ClientSecurity) -> Result<Client, BoxError> {
    Ok(MembershipServiceClient::new(
        pair.membership_service()?.connect_as(security).await?,
    ))
}

async fn listed(client: &mut Client) -> Result<Vec<pb::IdentityConflict>, BoxError> {
    Ok(client
        .list_identity_conflicts(pb::ListIdentityConflictsRequest::default())
        .await?
        .into_inner()
        .identity_conflicts)
}

fn update_citizen_id(member: &pb::Member, citizen_id: &str) -> pb::UpdateMemberRequest {
    pb::UpdateMemberRequest {
        member: Some(pb::Member {
            name: member.name.clone(),
            etag: member.etag.clone(),
            citizen_id: citizen_id.into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["citizen_id".into()],
        }),
    }
}

fn import_row(row: i64, citizen_id: &str) -> pb::ImportMember {
    pb::ImportMember {
        row_number: row,
        row_key: row.to_string(),
        commune_code: "02680".into(),
        cell_display_name: "Chi bộ thôn Một".into(),
        member: Some(pb::Member {
            full_name: format!("Hà Thị Nhập {row}"),
            gender: pb::Gender::Female.into(),
            birth_date: "1991-01-01".into(),
            ethnicity_code: "01".into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            citizen_id: citizen_id.into(),
            ..Default::default()
        }),
        admission: Some(pb::Admission {
            decision_date: "2015-01-01".into(),
            ceremony_date: "2015-01-10".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn a_citizen_id_held_in_another_province_is_answered_like_a_free_one(
    backend: Backend,
) -> Result<(), BoxError> {
    let secrets = Secrets::create("identity")?;
    let mut pair = Pair::start_secured(backend, "identity", &secrets).await?;
    // Commune A (province 15) and commune B (province 12), as the administrator.
    fixtures::commune_in(&mut pair.membership, "02680", "15").await?;
    fixtures::commune_in(&mut pair.membership, "03100", "12").await?;
    let cell_a = fixtures::cell(
        &mut pair.membership,
        "02680",
        "a",
        "Chi bộ thôn Một",
        pb::CellKind::Residential,
    )
    .await?
    .name;
    let cell_b = fixtures::cell(
        &mut pair.membership,
        "03100",
        "a",
        "Chi bộ thôn Hai",
        pb::CellKind::Residential,
    )
    .await?
    .name;
    for (name, id) in [
        ("Lò Văn Một", "001090000001"),
        ("Lò Văn Hai", "001090000002"),
        ("Lò Văn Ba", "001090000003"),
        ("Lò Văn Bốn", "001090000004"),
    ] {
        pair.membership
            .record_admission(fixtures::admission(person(&cell_b, name, id), ""))
            .await?;
    }
    let own = pair
        .membership
        .record_admission(fixtures::admission(
            person(&cell_a, "Sùng Thị Nhà", "001090000009"),
            "",
        ))
        .await?
        .into_inner();

    let token = |sub: &str, provinces: &[&str], communes: &[&str], rights: Vec<Right>| {
        secrets.token(Claims {
            sub: sub.into(),
            provinces: provinces.iter().map(|p| (*p).to_owned()).collect(),
            communes: communes.iter().map(|c| (*c).to_owned()).collect(),
            rights,
            ..Claims::default()
        })
    };
    let every_right = || vec![Right::Records, Right::Personal, Right::Write];
    let writer = secrets.client(Some(token(WRITER, &[], &["02680"], every_right())?));
    let mut as_writer = client(&pair, &writer).await?;

    // CreateMember: a citizen ID of province 12 answers exactly like a fresh one.
    let create = |citizen_id: &str| pb::CreateMemberRequest {
        member: Some(person(&cell_a, "Vàng Thị Chuyển", citizen_id)),
        joined_date: "2025-01-02".into(),
        from_organization: "Đảng bộ Quân sự tỉnh".into(),
        request_id: String::new(),
    };
    let fresh = answer(as_writer.create_member(create("001090000101")).await);
    let held = answer(as_writer.create_member(create("001090000001")).await);
    assert_eq!(fresh.0, Code::Ok);
    assert_eq!(
        held, fresh,
        "CreateMember tells a citizen ID of another province apart"
    );

    // RecordAdmission likewise.
    let admit =
        |citizen_id: &str| fixtures::admission(person(&cell_a, "Giàng Thị Mới", citizen_id), "");
    let fresh = answer(as_writer.record_admission(admit("001090000102")).await);
    let held = answer(as_writer.record_admission(admit("001090000002")).await);
    assert_eq!(fresh.0, Code::Ok);
    assert_eq!(
        held, fresh,
        "RecordAdmission tells a citizen ID of another province apart"
    );

    // UpdateMember likewise, on two members of the writer's own commune.
    let first = as_writer
        .record_admission(admit("001090000103"))
        .await?
        .into_inner();
    let second = as_writer
        .record_admission(admit("001090000104"))
        .await?
        .into_inner();
    let fresh = answer(
        as_writer
            .update_member(update_citizen_id(&first, "001090000105"))
            .await,
    );
    let held = answer(
        as_writer
            .update_member(update_citizen_id(&second, "001090000003"))
            .await,
    );
    assert_eq!(fresh.0, Code::Ok);
    assert_eq!(
        held, fresh,
        "UpdateMember tells a citizen ID of another province apart"
    );

    // ImportRoster likewise: both rows are created.
    let report = as_writer
        .import_roster(pb::ImportRosterRequest {
            import_id: "nhap-1".into(),
            members: vec![import_row(1, "001090000106"), import_row(2, "001090000004")],
            ..Default::default()
        })
        .await?
        .into_inner();
    let outcomes: Vec<i32> = report.results.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        vec![pb::ImportOutcome::Created as i32; 2],
        "{report:?}"
    );

    // A member inside the writer's scope still answers ALREADY_EXISTS, as before.
    assert_eq!(
        answer(as_writer.record_admission(admit(&own.citizen_id)).await).0,
        Code::AlreadyExists
    );
    assert_eq!(
        answer(as_writer.create_member(create("001090000001")).await).0,
        Code::AlreadyExists
    );

    // The queue: four conflicts, seen only by a caller covering both provinces.
    for (subject, provinces, communes) in [
        ("xa-02680-doc", &[][..], &["02680"][..]),
        ("tinh-15", &["15"][..], &[][..]),
        ("tinh-12", &["12"][..], &[][..]),
    ] {
        let security = secrets.client(Some(token(subject, provinces, communes, every_right())?));
        assert_eq!(
            listed(&mut client(&pair, &security).await?).await?,
            Vec::new(),
            "{subject} sees a conflict"
        );
    }
    let reviewer_security = secrets.client(Some(token(
        "ban-to-chuc",
        &["15", "12"],
        &[],
        every_right(),
    )?));
    let mut reviewer = client(&pair, &reviewer_security).await?;
    let queue = listed(&mut reviewer).await?;
    assert_eq!(
        queue,
        listed(&mut pair.membership).await?,
        "the national view and the reviewer's agree"
    );
    let methods: Vec<&str> = queue.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        vec![
            "ImportRoster",
            "UpdateMember",
            "RecordAdmission",
            "CreateMember"
        ]
    );
    assert!(
        queue
            .iter()
            .all(|c| c.state == pb::IdentityConflictState::Open as i32
                && c.writer == WRITER
                && c.field == "citizen_id")
    );
    let paged = reviewer
        .list_identity_conflicts(pb::ListIdentityConflictsRequest {
            page_size: 3,
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(paged.identity_conflicts, queue[..3].to_vec());
    let rest = reviewer
        .list_identity_conflicts(pb::ListIdentityConflictsRequest {
            page_size: 3,
            page_token: paged.next_page_token,
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(rest.identity_conflicts, queue[3..].to_vec());
    assert!(rest.next_page_token.is_empty());

    // The writer cannot close one, and hears what a conflict that does not exist gets.
    let updated_conflict = queue[1].clone();
    let resolve = |name: &str, resolution: pb::IdentityConflictState, note: &str| {
        pb::ResolveIdentityConflictRequest {
            name: name.into(),
            resolution: resolution.into(),
            note: note.into(),
        }
    };
    for name in [
        updated_conflict.name.as_str(),
        "identityConflicts/987654",
        "rác",
    ] {
        let refused = as_writer
            .resolve_identity_conflict(resolve(name, pb::IdentityConflictState::Resolved, ""))
            .await
            .expect_err("refused");
        assert_eq!(
            (refused.code(), refused.message()),
            (Code::PermissionDenied, OUT_OF_SCOPE),
            "{name}"
        );
    }

    // RESOLVED needs the records corrected first; then it closes, once.
    let still = reviewer
        .resolve_identity_conflict(resolve(
            &updated_conflict.name,
            pb::IdentityConflictState::Resolved,
            "",
        ))
        .await
        .expect_err("still shared");
    assert_eq!(still.code(), Code::FailedPrecondition, "{still:?}");
    let corrected = reviewer
        .get_member(pb::GetMemberRequest {
            name: updated_conflict.member.clone(),
        })
        .await?
        .into_inner();
    reviewer
        .update_member(update_citizen_id(&corrected, "001090000107"))
        .await?;
    let closed = reviewer
        .resolve_identity_conflict(resolve(
            &updated_conflict.name,
            pb::IdentityConflictState::Resolved,
            "Sửa số định danh",
        ))
        .await?
        .into_inner();
    assert_eq!(closed.state, pb::IdentityConflictState::Resolved as i32);
    assert_eq!(closed.resolved_by, "ban-to-chuc");
    assert!(closed.resolve_time.is_some());
    let again = reviewer
        .resolve_identity_conflict(resolve(
            &updated_conflict.name,
            pb::IdentityConflictState::Dismissed,
            "Lần hai",
        ))
        .await
        .expect_err("closed");
    assert_eq!(again.code(), Code::FailedPrecondition);
    // The corrected record is back under the uniqueness: its new ID answers ALREADY_EXISTS in scope.
    assert_eq!(
        answer(as_writer.record_admission(admit("001090000107")).await).0,
        Code::AlreadyExists
    );

    // DISMISSED needs a note.
    let no_note = reviewer
        .resolve_identity_conflict(resolve(
            &queue[0].name,
            pb::IdentityConflictState::Dismissed,
            "",
        ))
        .await
        .expect_err("a note is required");
    assert_eq!(no_note.code(), Code::InvalidArgument);
    let dismissed = reviewer
        .resolve_identity_conflict(resolve(
            &queue[0].name,
            pb::IdentityConflictState::Dismissed,
            "Hai hồ sơ của cùng một người, đang xác minh",
        ))
        .await?
        .into_inner();
    assert_eq!(dismissed.state, pb::IdentityConflictState::Dismissed as i32);
    let open = reviewer
        .list_identity_conflicts(pb::ListIdentityConflictsRequest {
            state: pb::IdentityConflictState::Open.into(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .identity_conflicts;
    assert_eq!(open.len(), 2);

    // The trail: each conflict queued under the writer, each closing under the reviewer.
    let mut trail = AuditServiceClient::new(pair.membership_service()?.connect().await?);
    let mut queued = Vec::new();
    for _ in 0..100 {
        queued = trail
            .list_audit_entries(audit::ListAuditEntriesRequest {
                page_size: 500,
                filter: format!(r#"subject = "{WRITER}""#),
                ..Default::default()
            })
            .await?
            .into_inner()
            .entries
            .into_iter()
            .filter(|e| e.detail.starts_with("identity conflict queued"))
            .collect();
        if queued.len() == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(queued.len(), 4, "{queued:?}");
    for conflict in &queue {
        assert!(
            queued.iter().any(|e| e.resources.contains(&conflict.name)
                && e.resources.contains(&conflict.member)
                && e.resources.contains(&conflict.existing_member)),
            "{} is not in the trail",
            conflict.name
        );
    }
    let closings = trail
        .list_audit_entries(audit::ListAuditEntriesRequest {
            page_size: 500,
            filter: r#"subject = "ban-to-chuc" AND method = "/partyregistry.membership.v1.MembershipService/ResolveIdentityConflict" AND outcome = "OK""#.into(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .entries;
    assert_eq!(closings.len(), 2, "{closings:?}");

    pair.finish().await?;
    secrets.remove();
    Ok(())
}
