//! Every class of bad input gets a clear error naming the field, and writes nothing.

use partyregistry_kit::BoxError;
use partyregistry_kit::server::UNDECODABLE_REQUEST;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_tests::{Backend, on_each_backend};
use prost::Message;
use tonic::Code;
use tonic_types::StatusExt;

use crate::fixtures::{self, Membership, admission, assert_rejected, new_member};

on_each_backend! {
    unknown_resources_are_not_found;
    malformed_names_and_dates_are_invalid;
    admission_date_rules_are_enforced;
    text_fields_are_checked_and_normalised;
    illegal_transitions_are_refused;
    stale_etag_is_aborted;
    retried_request_returns_the_first_result;
    undecodable_bodies_are_invalid_arguments;
    invisible_and_bidi_characters_are_refused;
}

async fn unknown_resources_are_not_found(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "notfound").await?;
    let client = &mut service.client;
    let status = client
        .get_commune(pb::GetCommuneRequest {
            name: "communes/99999".into(),
        })
        .await
        .expect_err("unknown");
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("communes/99999"), "{status:?}");
    let status = client
        .get_member(pb::GetMemberRequest {
            name: "members/424242".into(),
        })
        .await
        .expect_err("unknown");
    assert_eq!(status.code(), Code::NotFound);
    fixtures::small_commune(client).await?;
    let head = service.head().await?;
    let member = new_member(
        "communes/02680/cells/zzz",
        "Lý Văn Tài",
        "1990-01-01",
        "2022-01-10",
        "",
    );
    let status = service
        .client
        .record_admission(admission(member, ""))
        .await
        .expect_err("unknown cell");
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("communes/02680/cells/zzz"),
        "{status:?}"
    );
    assert_eq!(service.head().await?, head, "nothing written");
    service.finish().await
}

async fn malformed_names_and_dates_are_invalid(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "malformed").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let head = service.head().await?;
    let client = &mut service.client;
    assert_rejected(
        client
            .get_commune(pb::GetCommuneRequest {
                name: "communes/2680".into(),
            })
            .await,
        Code::InvalidArgument,
        "name",
    );
    assert_rejected(
        client
            .get_member(pb::GetMemberRequest {
                name: "members/abc".into(),
            })
            .await,
        Code::InvalidArgument,
        "name",
    );
    let mut member = new_member(&a, "Lý Văn Tài", "1990-02-30", "2022-01-10", "");
    assert_rejected(
        client.record_admission(admission(member.clone(), "")).await,
        Code::InvalidArgument,
        "member.birth_date",
    );
    member.birth_date = "1990-01-01".into();
    member.cell = "cells/a".into();
    assert_rejected(
        client.record_admission(admission(member, "")).await,
        Code::InvalidArgument,
        "member.cell",
    );
    let bad_code = pb::Commune {
        code: "ABCDE".into(),
        display_name: "Xã".into(),
        province_code: "10".into(),
        valid_from: "2000-01-01".into(),
        ..Default::default()
    };
    assert_rejected(
        client
            .create_commune(pb::CreateCommuneRequest {
                commune: Some(bad_code),
                request_id: String::new(),
            })
            .await,
        Code::InvalidArgument,
        "commune.code",
    );
    let vote = pb::VoteTally {
        eligible: 9,
        present: 5,
        yes: 6,
        no: 0,
    };
    let request = pb::RecordAdmissionRequest {
        cell_vote: Some(vote),
        ..admission(
            new_member(&a, "Lý Văn Tài", "1990-01-01", "2022-01-10", ""),
            "",
        )
    };
    assert_rejected(
        client.record_admission(request).await,
        Code::InvalidArgument,
        "cell_vote.yes",
    );
    assert_eq!(service.head().await?, head, "nothing written");
    service.finish().await
}

async fn admission_date_rules_are_enforced(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "dates").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let head = service.head().await?;
    let client = &mut service.client;
    // A ceremony before the decision.
    let member = new_member(&a, "Lý Văn Tài", "1990-01-01", "2022-01-10", "2022-01-09");
    assert_rejected(
        client.record_admission(admission(member, "")).await,
        Code::FailedPrecondition,
        "member.admission.ceremony_date",
    );
    // An official date before the 12 months of probation.
    let mut member = new_member(&a, "Lý Văn Tài", "1990-01-01", "2021-01-10", "2021-01-20");
    if let Some(dates) = member.admission.as_mut() {
        dates.official_date = "2022-01-19".into();
    }
    assert_rejected(
        client.record_admission(admission(member, "")).await,
        Code::FailedPrecondition,
        "member.admission.official_date",
    );
    // Under 18 at the decision, by one day.
    let member = new_member(&a, "Lý Văn Tài", "2004-01-11", "2022-01-10", "");
    assert_rejected(
        client.record_admission(admission(member, "")).await,
        Code::FailedPrecondition,
        "member.birth_date",
    );
    // A vote below two thirds.
    let request = pb::RecordAdmissionRequest {
        cell_vote: Some(pb::VoteTally {
            eligible: 9,
            present: 9,
            yes: 5,
            no: 4,
        }),
        ..admission(
            new_member(&a, "Lý Văn Tài", "1990-01-01", "2022-01-10", ""),
            "",
        )
    };
    assert_rejected(
        client.record_admission(request).await,
        Code::FailedPrecondition,
        "cell_vote",
    );
    assert_eq!(service.head().await?, head, "nothing written");
    service.finish().await
}

async fn text_fields_are_checked_and_normalised(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "text").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let head = service.head().await?;
    let client = &mut service.client;
    let empty = new_member(&a, "   ", "1990-01-01", "2022-01-10", "");
    assert_rejected(
        client.record_admission(admission(empty, "")).await,
        Code::InvalidArgument,
        "member.full_name",
    );
    let long = new_member(&a, &"Nguyễn ".repeat(30), "1990-01-01", "2022-01-10", "");
    assert_rejected(
        client.record_admission(admission(long, "")).await,
        Code::InvalidArgument,
        "member.full_name",
    );
    let mut control = new_member(&a, "Lý Văn Tài", "1990-01-01", "2022-01-10", "");
    control.home_town = "Lào\u{7}Cai".into();
    assert_rejected(
        client.record_admission(admission(control, "")).await,
        Code::InvalidArgument,
        "member.home_town",
    );
    assert_eq!(service.head().await?, head, "nothing written");
    // Decomposed input is stored composed, and the name parts are derived.
    let decomposed = "Đăng Hoa\u{300}ng Long";
    let created = service
        .client
        .record_admission(admission(
            new_member(&a, decomposed, "1990-01-01", "2022-01-10", ""),
            "",
        ))
        .await?
        .into_inner();
    assert_eq!(created.full_name, "Đăng Hoàng Long");
    assert_eq!(
        (
            created.family_name.as_str(),
            created.middle_name.as_str(),
            created.given_name.as_str()
        ),
        ("Đăng", "Hoàng", "Long")
    );
    service.finish().await
}

async fn illegal_transitions_are_refused(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "transitions").await?;
    let (a, b) = fixtures::small_commune(&mut service.client).await?;
    let member = fixtures::admit(&mut service.client, &a, "Hoàng Thị Hoa").await?;
    let client = &mut service.client;
    let recognize = |name: &str| pb::RecognizeOfficialRequest {
        name: name.into(),
        official_date: "2023-03-20".into(),
        decision_number: "7-QĐ/ĐU".into(),
        cell_vote: Some(fixtures::passing_vote()),
        request_id: String::new(),
    };
    let official = client
        .recognize_official(recognize(&member.name))
        .await?
        .into_inner();
    assert_eq!(official.status, pb::MemberStatus::Official as i32);
    let head = service.head().await?;
    let client = &mut service.client;
    assert_rejected(
        client.recognize_official(recognize(&member.name)).await,
        Code::FailedPrecondition,
        "name",
    );
    let death = pb::RecordDepartureRequest {
        name: member.name.clone(),
        kind: pb::DepartureKind::Death as i32,
        effective_date: "2024-01-05".into(),
        ..Default::default()
    };
    client.record_departure(death).await?;
    let head_after_death = service.head().await?;
    assert_eq!(head_after_death, head + 1);
    let transfer = pb::TransferMemberRequest {
        name: member.name.clone(),
        kind: pb::TransferKind::BetweenCells as i32,
        effective_date: "2024-02-01".into(),
        to_cell: b,
        ..Default::default()
    };
    assert_rejected(
        service.client.transfer_member(transfer).await,
        Code::FailedPrecondition,
        "name",
    );
    assert_eq!(service.head().await?, head_after_death, "nothing written");
    let events = service
        .client
        .list_member_events(pb::ListMemberEventsRequest {
            parent: member.name.clone(),
        })
        .await?
        .into_inner()
        .events;
    let types: Vec<_> = events.iter().map(|e| e.r#type).collect();
    assert_eq!(
        types,
        [
            pb::EventType::AdmissionDecided,
            pb::EventType::CeremonyHeld,
            pb::EventType::RecognizedOfficial,
            pb::EventType::Died
        ]
        .map(|t| t as i32)
    );
    service.finish().await
}

async fn stale_etag_is_aborted(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "etag").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let member = fixtures::admit(&mut service.client, &a, "Vàng Thị Dung").await?;
    let update = |etag: &str, occupation: &str| pb::UpdateMemberRequest {
        member: Some(pb::Member {
            name: member.name.clone(),
            etag: etag.into(),
            occupation: occupation.into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["occupation".into()],
        }),
    };
    let updated = service
        .client
        .update_member(update(&member.etag, "Giáo viên"))
        .await?
        .into_inner();
    assert_eq!(updated.occupation, "Giáo viên");
    assert_eq!(
        updated.full_name, "Vàng Thị Dung",
        "fields outside the mask are kept"
    );
    assert_ne!(updated.etag, member.etag);
    let head = service.head().await?;
    assert_rejected(
        service
            .client
            .update_member(update(&member.etag, "Nông dân"))
            .await,
        Code::Aborted,
        "etag",
    );
    assert_eq!(service.head().await?, head, "nothing written");
    let unchanged = service
        .client
        .get_member(pb::GetMemberRequest {
            name: member.name.clone(),
        })
        .await?
        .into_inner();
    assert_eq!(unchanged.occupation, "Giáo viên");
    service.finish().await
}

async fn retried_request_returns_the_first_result(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "retry").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let request = admission(
        new_member(&a, "Giàng A Páo", "1999-09-09", "2022-05-05", "2022-05-20"),
        "admit-giang-a-pao",
    );
    let first = service
        .client
        .record_admission(request.clone())
        .await?
        .into_inner();
    let head = service.head().await?;
    let second = service
        .client
        .record_admission(request.clone())
        .await?
        .into_inner();
    assert_eq!(first, second, "a retry returns the first result");
    assert_eq!(service.head().await?, head, "and writes nothing");
    let listed = service
        .client
        .list_members(pb::ListMembersRequest {
            parent: "communes/02680".into(),
            ..Default::default()
        })
        .await?;
    assert_eq!(listed.into_inner().members.len(), 1, "never a duplicate");
    let mut changed = request;
    if let Some(member) = changed.member.as_mut() {
        member.full_name = "Giàng A Tủa".into();
    }
    assert_rejected(
        service.client.record_admission(changed).await,
        Code::InvalidArgument,
        "request_id",
    );
    service.finish().await
}

/// Zero-width and bidirectional control characters would make a name look like another (and hide
/// it from search): every text field refuses them, naming the field, and nothing is written.
async fn invisible_and_bidi_characters_are_refused(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "invisible").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    let head = service.head().await?;
    let client = &mut service.client;
    for hidden in ["\u{200B}", "\u{200D}", "\u{FEFF}", "\u{202E}", "\u{2067}"] {
        let name = format!("Lý Văn{hidden} Tài");
        let member = new_member(&a, &name, "1990-01-01", "2022-01-10", "");
        assert_rejected(
            client.record_admission(admission(member, "")).await,
            Code::InvalidArgument,
            "member.full_name",
        );
        let mut member = new_member(&a, "Lý Văn Tài", "1990-01-01", "2022-01-10", "");
        member.address = format!("Thôn{hidden} Ánh Dương");
        assert_rejected(
            client.record_admission(admission(member, "")).await,
            Code::InvalidArgument,
            "member.address",
        );
    }
    let cell = client
        .create_cell(pb::CreateCellRequest {
            parent: "communes/02680".into(),
            cell_id: "an-hien".into(),
            cell: Some(pb::Cell {
                display_name: "Chi bộ\u{200C} thôn An Hiền".into(),
                kind: pb::CellKind::Residential.into(),
                open_date: "2000-01-01".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    assert_rejected(cell, Code::InvalidArgument, "cell.display_name");
    assert_eq!(service.head().await?, head, "nothing written");
    service.finish().await
}

/// A body whose field 1 is bytes that are not UTF-8: no string field of any request decodes from
/// it.
#[derive(Clone, PartialEq, prost::Message)]
struct NotUtf8 {
    #[prost(bytes = "vec", tag = "1")]
    name: Vec<u8>,
}

/// A body whose field 1 is a number where every request of the tests below has a string.
#[derive(Clone, PartialEq, prost::Message)]
struct WrongWireType {
    #[prost(int64, tag = "1")]
    name: i64,
}

async fn undecodable_bodies_are_invalid_arguments(backend: Backend) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "undecodable").await?;
    let head = service.head().await?;
    let mut grpc = tonic::client::Grpc::new(service.transport().await?);
    let paths = [
        "/partyregistry.membership.v1.MembershipService/GetCommune",
        "/partyregistry.membership.v1.MembershipService/CreateCell",
    ];
    for path in paths {
        for body in [
            NotUtf8 {
                name: vec![0xff, 0xfe, 0xfd],
            }
            .encode_to_vec(),
            WrongWireType { name: 7 }.encode_to_vec(),
        ] {
            grpc.ready().await?;
            let answer: Result<tonic::Response<pb::Commune>, tonic::Status> = grpc
                .unary(
                    tonic::Request::new(RawBody(body)),
                    tonic::codegen::http::uri::PathAndQuery::from_static(path),
                    tonic_prost::ProstCodec::default(),
                )
                .await;
            let status = answer.expect_err("an undecodable body is refused");
            assert_eq!(status.code(), Code::InvalidArgument, "{path}: {status:?}");
            assert!(status.message().contains(UNDECODABLE_REQUEST), "{status:?}");
            let fields: Vec<String> = status
                .get_details_bad_request()
                .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
                .unwrap_or_default();
            assert_eq!(fields, ["request"], "{path}");
        }
    }
    assert_eq!(service.head().await?, head, "nothing written");
    service.finish().await
}

/// Bytes sent as they are: a message whose encoding is its content.
#[derive(Clone, PartialEq, Default)]
struct RawBody(Vec<u8>);

impl prost::Message for RawBody {
    fn encode_raw(&self, buffer: &mut impl prost::bytes::BufMut) {
        buffer.put_slice(&self.0);
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: prost::encoding::WireType,
        buffer: &mut impl prost::bytes::Buf,
        context: prost::encoding::DecodeContext,
    ) -> Result<(), prost::DecodeError> {
        prost::encoding::skip_field(wire_type, tag, buffer, context)
    }

    fn encoded_len(&self) -> usize {
        self.0.len()
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

impl std::fmt::Debug for RawBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawBody({} bytes)", self.0.len())
    }
}
