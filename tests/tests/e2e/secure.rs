//! Both services over mutual TLS with signed tokens. A token for one province reaches nothing of
//! another whichever RPC it calls: every method of the service descriptors is called by its path,
//! so an RPC added later without a request here fails the sweep. Personal fields need their right,
//! reads and writes of member data land in the audit trail, bad credentials are refused and
//! audited, and neither service starts in plain text unless asked to.

use std::collections::BTreeSet;
use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_kit::auth::{
    Claims, MEMBERSHIP_AUDIENCE, OUT_OF_SCOPE, REPORTING_AUDIENCE, Right,
};
use partyregistry_kit::client::{ClientSecurity, Transport};
use partyregistry_proto::audit::v1 as audit;
use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_proto::reporting::v1::export_report_request::Report as Export;
use partyregistry_tests::{Backend, Pair, Running, Secrets, on_each_backend};
use prost::Message;
use prost::bytes::{Buf, BufMut};
use tonic::{Code, Status};

use crate::fixtures;

on_each_backend! {
    no_rpc_reaches_another_province;
    personal_fields_and_the_audit_trail_follow_the_token;
    bad_credentials_are_refused_and_audited;
    a_member_moving_out_of_scope_reaches_its_old_follower_as_a_notice;
}

/// Passes messages through as their encoded bytes, so that any method can be called by path.
#[derive(Debug, Clone, Copy, Default)]
struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(
        &mut self,
        item: Vec<u8>,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut tonic::codec::DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut message = vec![0; src.remaining()];
        src.copy_to_slice(&mut message);
        Ok(Some(message))
    }
}

/// One RPC of the contracts, as the descriptors describe it.
#[derive(Debug, Clone)]
struct Method {
    /// `/package.Service/Method`.
    path: String,
    /// The proto package, which says which server answers it.
    package: String,
    server_streaming: bool,
}

/// Every RPC of the project's own packages, read from the compiled descriptor set.
fn every_method() -> Result<Vec<Method>, BoxError> {
    let set = prost_types::FileDescriptorSet::decode(partyregistry_proto::FILE_DESCRIPTOR_SET)?;
    let mut methods = Vec::new();
    for file in set.file {
        let package = file.package().to_owned();
        if !package.starts_with("partyregistry.") {
            continue;
        }
        for service in &file.service {
            for method in &service.method {
                methods.push(Method {
                    path: format!("/{package}.{}/{}", service.name(), method.name()),
                    package: package.clone(),
                    server_streaming: method.server_streaming(),
                });
            }
        }
    }
    Ok(methods)
}

/// Which servers answer a package: the audit trail is served by both.
fn servers_of<'a>(pair: &'a Pair, package: &str) -> Result<Vec<&'a Running>, BoxError> {
    Ok(match package {
        "partyregistry.membership.v1" => vec![pair.membership_service()?],
        "partyregistry.reporting.v1" => vec![pair.reporting_service()],
        "partyregistry.audit.v1" => vec![pair.membership_service()?, pair.reporting_service()],
        other => return Err(format!("no server is known to serve {other}").into()),
    })
}

/// Calls `method` with an encoded request; a stream is read to its end, or for the change feed
/// to the first heartbeat (the end of the replay).
async fn call(
    transport: Transport,
    method: &Method,
    body: Vec<u8>,
) -> Result<Vec<Vec<u8>>, Status> {
    let mut grpc = tonic::client::Grpc::new(transport);
    grpc.ready()
        .await
        .map_err(|error| Status::unavailable(error.to_string()))?;
    let path: tonic::codegen::http::uri::PathAndQuery = method
        .path
        .parse()
        .map_err(|_| Status::internal(format!("bad path {}", method.path)))?;
    let request = tonic::Request::new(body);
    if !method.server_streaming {
        return Ok(vec![
            grpc.unary(request, path, RawCodec).await?.into_inner(),
        ]);
    }
    let feed = method.path.ends_with("/WatchChanges");
    let mut stream = grpc
        .server_streaming(request, path, RawCodec)
        .await?
        .into_inner();
    let mut messages = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(30), stream.message())
            .await
            .map_err(|_| Status::deadline_exceeded("the stream stalled"))??;
        let Some(message) = next else { break };
        let heartbeat = feed
            && matches!(
                pb::WatchChangesResponse::decode(message.as_slice()),
                Ok(pb::WatchChangesResponse {
                    event: Some(pb::watch_changes_response::Event::Heartbeat(_))
                })
            );
        messages.push(message);
        if heartbeat {
            break;
        }
    }
    Ok(messages)
}

/// The resources of one commune a sweep aims at.
#[derive(Debug, Clone)]
struct Unit {
    province: String,
    commune: String,
    cell: String,
    member: String,
    member_full_name: String,
    candidate: String,
}

impl Unit {
    fn commune_name(&self) -> String {
        format!("communes/{}", self.commune)
    }

    /// A commune of `province` that was never created, with names that were never issued.
    fn ghost(province: &str, commune: &str) -> Self {
        Self {
            province: province.into(),
            commune: commune.into(),
            cell: format!("communes/{commune}/cells/khong-co"),
            member: "members/987654321".into(),
            member_full_name: "Không Có Ai".into(),
            candidate: "candidates/987654321".into(),
        }
    }

    /// Byte strings that no answer to a caller outside this unit may contain.
    fn markers(&self) -> Vec<String> {
        vec![
            self.commune_name(),
            self.member.clone(),
            self.member_full_name.clone(),
            self.candidate.clone(),
        ]
    }
}

/// Creates commune `code` of `province` with a cell, a member with personal fields, a candidate,
/// a target and a cell rating, as the administrator.
async fn unit_with_people(
    pair: &mut Pair,
    province: &str,
    code: &str,
    full_name: &str,
) -> Result<Unit, BoxError> {
    fixtures::commune_in(&mut pair.membership, code, province).await?;
    let cell = fixtures::cell(
        &mut pair.membership,
        code,
        "a",
        "Chi bộ thôn Bản Mới",
        pb::CellKind::Residential,
    )
    .await?;
    let mut member = fixtures::new_member(
        &cell.name,
        full_name,
        "1990-05-17",
        "2024-03-01",
        "2024-03-20",
    );
    member.citizen_id = format!("0011900{code}");
    member.phone = "0912345678".into();
    member.address = "Thôn Bản Mới".into();
    let member = pair
        .membership
        .record_admission(fixtures::admission(member, ""))
        .await?
        .into_inner();
    let candidate = pair
        .admission
        .create_candidate(pb::CreateCandidateRequest {
            candidate: Some(pb::Candidate {
                cell: cell.name.clone(),
                full_name: format!("{full_name} Con"),
                gender: pb::Gender::Male.into(),
                birth_date: "2002-09-02".into(),
                citizen_id: format!("0012020{code}"),
                ethnicity_code: "01".into(),
                general_education: pb::GeneralEducation::UpperSecondary.into(),
                source: pb::CandidateSource::YouthUnion.into(),
                youth_union: true,
                stage_date: "2026-01-10".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await?
        .into_inner();
    pair.admission
        .set_target(pb::SetTargetRequest {
            parent: format!("communes/{code}"),
            target: Some(pb::Target {
                first_year: 2025,
                last_year: 2030,
                admissions_per_year: 3,
                good_cells_percent: 80,
                ..Default::default()
            }),
        })
        .await?;
    pair.admission
        .rate_cell(pb::RateCellRequest {
            parent: cell.name.clone(),
            rating: Some(pb::CellRating {
                year: 2025,
                level: pb::RatingLevel::Good.into(),
                ..Default::default()
            }),
        })
        .await?;
    Ok(Unit {
        province: province.into(),
        commune: code.into(),
        cell: cell.name,
        member: member.name,
        member_full_name: full_name.into(),
        candidate: candidate.name,
    })
}

fn membership_method(name: &str) -> String {
    format!("/partyregistry.membership.v1.MembershipService/{name}")
}

fn admission_method(name: &str) -> String {
    format!("/partyregistry.membership.v1.AdmissionService/{name}")
}

fn reference_method(name: &str) -> String {
    format!("/partyregistry.membership.v1.ReferenceService/{name}")
}

fn reporting_method(name: &str) -> String {
    format!("/partyregistry.reporting.v1.ReportingService/{name}")
}

const AUDIT_METHOD: &str = "/partyregistry.audit.v1.AuditService/ListAuditEntries";
const VERIFY_AUDIT_METHOD: &str = "/partyregistry.audit.v1.AuditService/VerifyAuditTrail";

/// Methods any valid token may call: reference data, the projection's freshness, and the two
/// reads that answer with the caller's scope only.
const ANSWERED_FOR_ANY_SCOPE: &[&str] = &[
    "/partyregistry.membership.v1.ReferenceService/ListProvinces",
    "/partyregistry.membership.v1.ReferenceService/GetProvince",
    "/partyregistry.membership.v1.ReferenceService/ListMerges",
    "/partyregistry.membership.v1.ReferenceService/GetReferenceList",
    "/partyregistry.membership.v1.AdmissionService/ListRuleVersions",
    "/partyregistry.membership.v1.AdmissionService/ListHolidays",
    "/partyregistry.membership.v1.MembershipService/ListCommunes",
    "/partyregistry.membership.v1.MembershipService/WatchChanges",
    "/partyregistry.membership.v1.MembershipService/GetFeedHead",
    // Each row is judged against the caller's scope: a row outside it is answered REJECTED,
    // in words that say nothing of what the scope holds.
    "/partyregistry.membership.v1.MembershipService/ImportRoster",
    // The review queue lists only the conflicts whose two records both lie in the caller's scope.
    "/partyregistry.membership.v1.MembershipService/ListIdentityConflicts",
    "/partyregistry.reporting.v1.ReportingService/GetFreshness",
];

/// Requests aimed at `unit`, at least one per RPC: reads, lists, writes, the feed and an export
/// of every report. Writes carry plausible bodies, so that only the scope can refuse them.
fn requests_aimed_at(unit: &Unit) -> Vec<(String, Vec<u8>)> {
    let commune = unit.commune_name();
    let province = format!("provinces/{}", unit.province);
    let cell = unit.cell.clone();
    let member = unit.member.clone();
    let candidate = unit.candidate.clone();
    let new_member = fixtures::new_member(&cell, "Lường Văn Mới", "1996-01-01", "2026-03-01", "");
    let mut requests: Vec<(String, Vec<u8>)> = vec![
        (
            membership_method("GetCommune"),
            pb::GetCommuneRequest {
                name: commune.clone(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ListCommunes"),
            pb::ListCommunesRequest {
                filter: format!("province_code = \"{}\"", unit.province),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ListCommunes"),
            pb::ListCommunesRequest::default().encode_to_vec(),
        ),
        (
            membership_method("CreateCommune"),
            pb::CreateCommuneRequest {
                commune: Some(pb::Commune {
                    code: "09999".into(),
                    display_name: "Xã Mới Lập".into(),
                    province_code: unit.province.clone(),
                    valid_from: "2026-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("UpdateCommune"),
            pb::UpdateCommuneRequest {
                commune: Some(pb::Commune {
                    name: commune.clone(),
                    display_name: "Xã Đổi Tên".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("GetCell"),
            pb::GetCellRequest { name: cell.clone() }.encode_to_vec(),
        ),
        (
            membership_method("ListCells"),
            pb::ListCellsRequest {
                parent: commune.clone(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("CreateCell"),
            pb::CreateCellRequest {
                parent: commune.clone(),
                cell_id: "b".into(),
                cell: Some(pb::Cell {
                    display_name: "Chi bộ thôn Mới".into(),
                    kind: pb::CellKind::Residential.into(),
                    open_date: "2026-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("UpdateCell"),
            pb::UpdateCellRequest {
                cell: Some(pb::Cell {
                    name: cell.clone(),
                    display_name: "Chi bộ Đổi Tên".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("GetMember"),
            pb::GetMemberRequest {
                name: member.clone(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ListMembers"),
            pb::ListMembersRequest {
                parent: commune.clone(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ListMembers"),
            pb::ListMembersRequest {
                parent: cell.clone(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("CreateMember"),
            pb::CreateMemberRequest {
                member: Some(new_member.clone()),
                joined_date: "2026-02-01".into(),
                from_organization: "Đảng bộ xã khác".into(),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("UpdateMember"),
            pb::UpdateMemberRequest {
                member: Some(pb::Member {
                    name: member.clone(),
                    phone: "0900000000".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["phone".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("RecordAdmission"),
            fixtures::admission(new_member, "").encode_to_vec(),
        ),
        (
            membership_method("RecordCeremony"),
            pb::RecordCeremonyRequest {
                name: member.clone(),
                ceremony_date: "2026-04-01".into(),
                request_id: String::new(),
                decision_received_date: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("RecognizeOfficial"),
            pb::RecognizeOfficialRequest {
                name: member.clone(),
                official_date: "2025-03-20".into(),
                decision_number: "02-QĐ/ĐU".into(),
                cell_vote: Some(fixtures::passing_vote()),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("TransferMember"),
            pb::TransferMemberRequest {
                name: member.clone(),
                kind: pb::TransferKind::BetweenCells.into(),
                effective_date: "2026-05-01".into(),
                to_cell: cell.clone(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ExemptMember"),
            pb::ExemptMemberRequest {
                name: member.clone(),
                effective_date: "2026-05-01".into(),
                reason: "Tuổi cao".into(),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("EndExemption"),
            pb::EndExemptionRequest {
                name: member.clone(),
                effective_date: "2026-06-01".into(),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("RecordDeparture"),
            pb::RecordDepartureRequest {
                name: member.clone(),
                kind: pb::DepartureKind::Death.into(),
                effective_date: "2026-06-01".into(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("RecordDiscipline"),
            pb::RecordDisciplineRequest {
                name: member.clone(),
                form: pb::DisciplineForm::Warning.into(),
                discipline_date: "2026-05-01".into(),
                deciding_body: "Đảng ủy xã".into(),
                decision_number: "03-QĐ/ĐU".into(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ListMemberEvents"),
            pb::ListMemberEventsRequest {
                parent: member.clone(),
            }
            .encode_to_vec(),
        ),
        (
            membership_method("WatchChanges"),
            pb::WatchChangesRequest { after_sequence: 0 }.encode_to_vec(),
        ),
        (
            membership_method("GetFeedHead"),
            pb::GetFeedHeadRequest {}.encode_to_vec(),
        ),
        (
            membership_method("ImportRoster"),
            pb::ImportRosterRequest {
                import_id: "sweep".into(),
                members: vec![pb::ImportMember {
                    row_number: 1,
                    row_key: "1".into(),
                    commune_code: unit.commune.clone(),
                    cell_display_name: "Chi bộ thôn Mới".into(),
                    member: Some(pb::Member {
                        full_name: "Hà Thị Nhập".into(),
                        gender: pb::Gender::Female as i32,
                        birth_date: "1990-01-01".into(),
                        ethnicity_code: "01".into(),
                        general_education: pb::GeneralEducation::UpperSecondary as i32,
                        ..Default::default()
                    }),
                    admission: Some(pb::Admission {
                        decision_date: "2015-01-01".into(),
                        ceremony_date: "2015-01-10".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                // Judged and answered, never written, whoever asks.
                dry_run: true,
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            membership_method("ListIdentityConflicts"),
            pb::ListIdentityConflictsRequest::default().encode_to_vec(),
        ),
        (
            membership_method("ResolveIdentityConflict"),
            pb::ResolveIdentityConflictRequest {
                name: "identityConflicts/1".into(),
                resolution: pb::IdentityConflictState::Dismissed.into(),
                note: "Đã xác minh".into(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("GetCandidate"),
            pb::GetCandidateRequest {
                name: candidate.clone(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("ListCandidates"),
            pb::ListCandidatesRequest {
                parent: commune.clone(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            admission_method("CreateCandidate"),
            pb::CreateCandidateRequest {
                candidate: Some(pb::Candidate {
                    cell: cell.clone(),
                    full_name: "Vàng Thị Mới".into(),
                    gender: pb::Gender::Female.into(),
                    birth_date: "2003-03-03".into(),
                    source: pb::CandidateSource::YouthUnion.into(),
                    stage_date: "2026-02-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("UpdateCandidate"),
            pb::UpdateCandidateRequest {
                candidate: Some(pb::Candidate {
                    name: candidate.clone(),
                    occupation: "Giáo viên".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["occupation".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("AdvanceCandidate"),
            pb::AdvanceCandidateRequest {
                name: candidate.clone(),
                stage: pb::CandidateStage::Identified.into(),
                stage_date: "2026-02-01".into(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            admission_method("CheckEligibility"),
            pb::CheckEligibilityRequest {
                name: candidate.clone(),
                on_date: "2026-06-01".into(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("AdmitCandidate"),
            pb::AdmitCandidateRequest {
                name: candidate.clone(),
                decision_date: "2026-06-01".into(),
                decision_number: "03-QĐ/ĐU".into(),
                deciding_body: "Đảng ủy xã".into(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            admission_method("ListRuleVersions"),
            pb::ListRuleVersionsRequest::default().encode_to_vec(),
        ),
        (
            admission_method("CreateRuleVersion"),
            pb::CreateRuleVersionRequest {
                rule_version: Some(pb::RuleVersion {
                    code: "thu-nghiem".into(),
                    in_force_from: "2027-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("UpdateRuleVersion"),
            pb::UpdateRuleVersionRequest {
                rule_version: Some(pb::RuleVersion {
                    name: "ruleVersions/294-QĐ-TW".into(),
                    probation_months: 6,
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["probation_months".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("ListHolidays"),
            pb::ListHolidaysRequest { year: 2026 }.encode_to_vec(),
        ),
        (
            admission_method("SetHoliday"),
            pb::SetHolidayRequest {
                holiday: Some(pb::Holiday {
                    date: "2026-12-31".into(),
                    display_name: "Nghỉ bù".into(),
                    ..Default::default()
                }),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("DeleteHoliday"),
            pb::DeleteHolidayRequest {
                name: "holidays/2026-09-02".into(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("SetTarget"),
            pb::SetTargetRequest {
                parent: commune.clone(),
                target: Some(pb::Target {
                    first_year: 2025,
                    last_year: 2030,
                    admissions_per_year: 9,
                    good_cells_percent: 90,
                    ..Default::default()
                }),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("ListTargets"),
            pb::ListTargetsRequest {
                parent: commune.clone(),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("SetCellPlan"),
            pb::SetCellPlanRequest {
                parent: cell.clone(),
                plan: Some(pb::CellPlan {
                    year: 2026,
                    sources_to_develop: 2,
                    admissions: 1,
                    ..Default::default()
                }),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("ListCellPlans"),
            pb::ListCellPlansRequest {
                parent: commune.clone(),
                year: 2026,
            }
            .encode_to_vec(),
        ),
        (
            admission_method("RateCell"),
            pb::RateCellRequest {
                parent: cell.clone(),
                rating: Some(pb::CellRating {
                    year: 2025,
                    level: pb::RatingLevel::Excellent.into(),
                    ..Default::default()
                }),
            }
            .encode_to_vec(),
        ),
        (
            admission_method("ListCellRatings"),
            pb::ListCellRatingsRequest {
                parent: commune.clone(),
                year: 2025,
            }
            .encode_to_vec(),
        ),
        (
            admission_method("RateMember"),
            pb::RateMemberRequest {
                parent: member.clone(),
                rating: Some(pb::MemberRating {
                    year: 2025,
                    level: pb::RatingLevel::Good.into(),
                    ..Default::default()
                }),
            }
            .encode_to_vec(),
        ),
        (
            reference_method("ListProvinces"),
            pb::ListProvincesRequest::default().encode_to_vec(),
        ),
        (
            reference_method("GetProvince"),
            pb::GetProvinceRequest {
                name: province.clone(),
            }
            .encode_to_vec(),
        ),
        (
            reference_method("CreateProvince"),
            pb::CreateProvinceRequest {
                province: Some(pb::Province {
                    code: "99".into(),
                    display_name: "Tỉnh Thử Nghiệm".into(),
                    valid_from: "2026-01-01".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            reference_method("UpdateProvince"),
            pb::UpdateProvinceRequest {
                province: Some(pb::Province {
                    name: province.clone(),
                    display_name: "Tỉnh Đổi Tên".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["display_name".into()],
                }),
            }
            .encode_to_vec(),
        ),
        (
            reference_method("ListMerges"),
            pb::ListMergesRequest::default().encode_to_vec(),
        ),
        (
            reference_method("CreateMerge"),
            pb::CreateMergeRequest {
                merge: Some(pb::UnitMerge {
                    level: pb::UnitLevel::Commune.into(),
                    predecessor_codes: vec![unit.commune.clone()],
                    successor_code: "09998".into(),
                    effective_date: "2026-07-01".into(),
                    legal_basis: "Nghị quyết thử nghiệm".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            }
            .encode_to_vec(),
        ),
        (
            reference_method("GetReferenceList"),
            pb::GetReferenceListRequest {
                kind: pb::ReferenceListKind::Ethnicity.into(),
            }
            .encode_to_vec(),
        ),
        (
            reporting_method("GetFreshness"),
            report::GetFreshnessRequest {}.encode_to_vec(),
        ),
        (
            AUDIT_METHOD.to_owned(),
            audit::ListAuditEntriesRequest::default().encode_to_vec(),
        ),
        (
            VERIFY_AUDIT_METHOD.to_owned(),
            audit::VerifyAuditTrailRequest::default().encode_to_vec(),
        ),
    ];

    // Every report, asked directly and as an export; statistics, movements and badges for the
    // commune, its province and the country.
    let scopes = [commune.clone(), province.clone(), "country".to_owned()];
    let mut reports: Vec<(&str, Export)> = vec![
        (
            "GetCommuneReport",
            Export::CommuneReport(report::GetCommuneReportRequest {
                commune: commune.clone(),
                as_of_date: String::new(),
            }),
        ),
        (
            "GetAdmissionsReport",
            Export::AdmissionsReport(report::GetAdmissionsReportRequest {
                commune: commune.clone(),
                first_year: 2024,
                last_year: 2026,
            }),
        ),
        (
            "GetAdmissionProgress",
            Export::AdmissionProgress(report::GetAdmissionProgressRequest {
                commune: commune.clone(),
                year: 2026,
                as_of_date: String::new(),
            }),
        ),
        (
            "GetPipeline",
            Export::Pipeline(report::GetPipelineRequest {
                commune: commune.clone(),
                as_of_date: String::new(),
            }),
        ),
        (
            "GetCellRatingSummary",
            Export::CellRatingSummary(report::GetCellRatingSummaryRequest {
                commune: commune.clone(),
                year: 2025,
            }),
        ),
        (
            "GetCellHealth",
            Export::CellHealth(report::GetCellHealthRequest {
                commune: commune.clone(),
                ..Default::default()
            }),
        ),
        (
            "ListDeadlines",
            Export::Deadlines(report::ListDeadlinesRequest {
                commune: commune.clone(),
                ..Default::default()
            }),
        ),
        (
            "RankCommunes",
            Export::Ranking(report::RankCommunesRequest {
                province: province.clone(),
                indicator: report::RankingIndicator::Members.into(),
                year: 2026,
                as_of_date: String::new(),
            }),
        ),
    ];
    for scope in &scopes {
        reports.push((
            "GetStatistics",
            Export::Statistics(report::GetStatisticsRequest {
                scope: scope.clone(),
                ..Default::default()
            }),
        ));
        reports.push((
            "GetMovements",
            Export::Movements(report::GetMovementsRequest {
                scope: scope.clone(),
                from_date: "2026-01-01".into(),
                to_date: "2026-11-01".into(),
            }),
        ));
        reports.push((
            "ListBadgesDue",
            Export::BadgesDue(report::ListBadgesDueRequest {
                scope: scope.clone(),
                year: 2026,
                ..Default::default()
            }),
        ));
    }
    for (method, export) in reports {
        let direct = match &export {
            Export::CommuneReport(r) => r.encode_to_vec(),
            Export::AdmissionsReport(r) => r.encode_to_vec(),
            Export::AdmissionProgress(r) => r.encode_to_vec(),
            Export::Pipeline(r) => r.encode_to_vec(),
            Export::CellRatingSummary(r) => r.encode_to_vec(),
            Export::CellHealth(r) => r.encode_to_vec(),
            Export::Deadlines(r) => r.encode_to_vec(),
            Export::Statistics(r) => r.encode_to_vec(),
            Export::Movements(r) => r.encode_to_vec(),
            Export::BadgesDue(r) => r.encode_to_vec(),
            Export::Ranking(r) => r.encode_to_vec(),
        };
        requests.push((reporting_method(method), direct));
        for format in [report::ExportFormat::Csv, report::ExportFormat::Xlsx] {
            requests.push((
                reporting_method("ExportReport"),
                report::ExportReportRequest {
                    report: Some(export.clone()),
                    format: format.into(),
                }
                .encode_to_vec(),
            ));
        }
    }
    requests.push((
        reporting_method("GetMonthlyBriefing"),
        report::GetMonthlyBriefingRequest {
            commune: commune.clone(),
            month: "2026-11".into(),
        }
        .encode_to_vec(),
    ));
    requests
}

/// What one call answered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Answered(Vec<Vec<u8>>),
    Refused(Code, String),
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Calls every request aimed at `target` as `security` on every server that answers it, and
/// checks that each RPC of the descriptors was called. Returns (server, method, outcome) in order.
async fn sweep(
    pair: &Pair,
    security: &ClientSecurity,
    target: &Unit,
) -> Result<Vec<(String, String, Outcome)>, BoxError> {
    let methods = every_method()?;
    let requests = requests_aimed_at(target);
    let mut outcomes = Vec::new();
    for method in &methods {
        let bodies: Vec<&Vec<u8>> = requests
            .iter()
            .filter(|(path, _)| *path == method.path)
            .map(|(_, body)| body)
            .collect();
        assert!(
            !bodies.is_empty(),
            "{} has no request in the sweep: add one to requests_aimed_at",
            method.path
        );
        for server in servers_of(pair, &method.package)? {
            for body in &bodies {
                let transport = server.connect_as(security).await?;
                let outcome = match call(transport, method, (*body).clone()).await {
                    Ok(messages) => Outcome::Answered(messages),
                    Err(status) => Outcome::Refused(status.code(), status.message().to_owned()),
                };
                outcomes.push((server.url(), method.path.clone(), outcome));
            }
        }
    }
    let known: BTreeSet<&str> = methods.iter().map(|m| m.path.as_str()).collect();
    for (path, _) in &requests {
        assert!(
            known.contains(path.as_str()),
            "{path} is not in the descriptors"
        );
    }
    Ok(outcomes)
}

/// Checks a sweep of a caller that may not see `target`: refused everywhere except the methods
/// answered for any scope, whose answers hold nothing of `target`.
fn assert_nothing_of(target: &Unit, outcomes: &[(String, String, Outcome)]) {
    for (server, method, outcome) in outcomes {
        match outcome {
            Outcome::Answered(messages) => {
                assert!(
                    ANSWERED_FOR_ANY_SCOPE.contains(&method.as_str()),
                    "{method} on {server} answered a caller outside {}",
                    target.commune_name()
                );
                for message in messages {
                    for marker in target.markers() {
                        assert!(
                            !contains(message, &marker),
                            "{method} on {server} revealed {marker}"
                        );
                    }
                }
            }
            Outcome::Refused(code, message) => {
                assert!(
                    !ANSWERED_FOR_ANY_SCOPE.contains(&method.as_str()),
                    "{method} on {server} refused with {code:?}: {message}"
                );
                assert_eq!(
                    *code,
                    Code::PermissionDenied,
                    "{method} on {server}: {message}"
                );
                // Only the audit trail's methods are refused for a right; everything else for its scope,
                // in the one message that says nothing about existence.
                if method != AUDIT_METHOD && method != VERIFY_AUDIT_METHOD {
                    assert_eq!(message, OUT_OF_SCOPE, "{method} on {server}");
                }
                for marker in target.markers() {
                    assert!(
                        !message.contains(&marker),
                        "{method} on {server} named {marker} in its refusal"
                    );
                }
            }
        }
    }
}

/// The current head of the feed, as the administrator sees it.
async fn head(pair: &mut Pair) -> Result<i64, BoxError> {
    partyregistry_tests::feed_head(&mut pair.membership).await
}

/// Every audit entry of `server` matching `filter`, newest first, read as the administrator.
async fn audit_entries(server: &Running, filter: &str) -> Result<Vec<audit::AuditEntry>, BoxError> {
    let mut client = AuditServiceClient::new(server.connect().await?);
    let mut entries = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_audit_entries(audit::ListAuditEntriesRequest {
                page_size: 500,
                page_token: page_token.clone(),
                filter: filter.to_owned(),
            })
            .await?
            .into_inner();
        entries.extend(page.entries);
        if page.next_page_token.is_empty() {
            return Ok(entries);
        }
        page_token = page.next_page_token;
    }
}

const PROVINCE_A: &str = "tinh-15-he-thong";
const COMMUNE_SCOPED: &str = "xa-03101-he-thong";

async fn no_rpc_reaches_another_province(backend: Backend) -> Result<(), BoxError> {
    let secrets = Secrets::create("sweep")?;
    let mut pair = Pair::start_secured(backend, "sweep", &secrets).await?;
    let own = unit_with_people(&mut pair, "15", "02680", "Sùng Thị Dân").await?;
    let other = unit_with_people(&mut pair, "12", "03100", "Lò Văn Khác").await?;
    let neighbour = unit_with_people(&mut pair, "12", "03101", "Pờ Thị Gần").await?;
    pair.caught_up().await?;
    let head_before = head(&mut pair).await?;

    // A province's system with every right but the audit trail.
    let province_a = secrets.client(Some(secrets.token(Claims {
        sub: PROVINCE_A.into(),
        provinces: vec!["15".into()],
        rights: vec![Right::Records, Right::Personal, Right::Write],
        ..Claims::default()
    })?));
    let against_other = sweep(&pair, &province_a, &other).await?;
    assert_nothing_of(&other, &against_other);

    // A resource that does not exist is refused exactly like one that does.
    let ghost = Unit::ghost("12", "03199");
    let against_ghost = sweep(&pair, &province_a, &ghost).await?;
    assert_nothing_of(&ghost, &against_ghost);
    for ((server, method, real), (_, _, imagined)) in against_other.iter().zip(&against_ghost) {
        if let (Outcome::Refused(..), Outcome::Refused(..)) = (real, imagined) {
            assert_eq!(real, imagined, "{method} on {server} tells existence apart");
        }
    }

    // A commune's system does not see its neighbour in the same province.
    let commune_scoped = secrets.client(Some(secrets.token(Claims {
        sub: COMMUNE_SCOPED.into(),
        communes: vec![neighbour.commune.clone()],
        rights: vec![Right::Records, Right::Personal, Right::Write],
        ..Claims::default()
    })?));
    assert_nothing_of(&other, &sweep(&pair, &commune_scoped, &other).await?);

    // The filtered reads still answer with the caller's own scope.
    let mut as_a =
        MembershipServiceClient::new(pair.membership_service()?.connect_as(&province_a).await?);
    let listed: Vec<String> = as_a
        .list_communes(pb::ListCommunesRequest::default())
        .await?
        .into_inner()
        .communes
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(listed, vec![own.commune_name()]);
    let mut feed = as_a
        .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
        .await?
        .into_inner();
    let mut members_seen = Vec::new();
    while let Some(message) =
        tokio::time::timeout(Duration::from_secs(30), feed.message()).await??
    {
        match message.event {
            Some(pb::watch_changes_response::Event::Change(change)) => {
                if let Some(pb::change::Resource::Member(member)) = change.resource {
                    members_seen.push(member.name);
                }
            }
            Some(pb::watch_changes_response::Event::Heartbeat(_)) => break,
            None => {}
        }
    }
    assert_eq!(members_seen, vec![own.member.clone()]);

    // Nothing was written, and every refusal is in the trail of the server that refused it.
    assert_eq!(head(&mut pair).await?, head_before, "no write got through");
    for (subject, outcomes) in [(PROVINCE_A, &against_other)] {
        for server in [pair.membership_service()?, pair.reporting_service()] {
            let refused: BTreeSet<String> = audit_entries(
                server,
                &format!(r#"subject = "{subject}" AND outcome = "PERMISSION_DENIED""#),
            )
            .await?
            .into_iter()
            .map(|entry| entry.method)
            .collect();
            for (url, method, outcome) in outcomes {
                if *url == server.url() && matches!(outcome, Outcome::Refused(..)) {
                    assert!(
                        refused.contains(method),
                        "the refusal of {method} is not in the audit trail"
                    );
                }
            }
        }
    }

    pair.finish().await?;
    secrets.remove();
    Ok(())
}

async fn personal_fields_and_the_audit_trail_follow_the_token(
    backend: Backend,
) -> Result<(), BoxError> {
    let secrets = Secrets::create("personal")?;
    let mut pair = Pair::start_secured(backend, "personal", &secrets).await?;
    let unit = unit_with_people(&mut pair, "12", "03100", "Lò Văn Khác").await?;
    let server = pair.membership_service()?;
    let token = |subject: &str, rights: Vec<Right>| -> Result<ClientSecurity, BoxError> {
        Ok(secrets.client(Some(secrets.token(Claims {
            sub: subject.into(),
            provinces: vec!["12".into()],
            rights,
            ..Claims::default()
        })?)))
    };
    let records_only = token("doc-ho-so", vec![Right::Records])?;
    let personal = token("doc-ca-nhan", vec![Right::Records, Right::Personal])?;
    let aggregates_only = token("chi-so-lieu", vec![Right::Aggregates])?;

    let mut without = MembershipServiceClient::new(server.connect_as(&records_only).await?);
    let cleared = without
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await?
        .into_inner();
    assert_eq!(cleared.full_name, unit.member_full_name);
    for (field, value) in [
        ("citizen_id", &cleared.citizen_id),
        ("birth_date", &cleared.birth_date),
        ("phone", &cleared.phone),
        ("address", &cleared.address),
    ] {
        assert!(
            value.is_empty(),
            "{field} reached a caller without the right"
        );
    }
    let listed = without
        .list_members(pb::ListMembersRequest {
            parent: unit.commune_name(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .members;
    assert!(
        listed
            .iter()
            .all(|m| m.citizen_id.is_empty() && m.birth_date.is_empty() && m.phone.is_empty())
    );
    let candidate = pair
        .admission
        .clone()
        .get_candidate(pb::GetCandidateRequest {
            name: unit.candidate.clone(),
        })
        .await?
        .into_inner();
    assert!(
        !candidate.citizen_id.is_empty(),
        "the administrator sees it"
    );
    let mut admission_without =
        partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient::new(
            server.connect_as(&records_only).await?,
        );
    let cleared_candidate = admission_without
        .get_candidate(pb::GetCandidateRequest {
            name: unit.candidate.clone(),
        })
        .await?
        .into_inner();
    assert!(cleared_candidate.citizen_id.is_empty() && cleared_candidate.birth_date.is_empty());

    let full = MembershipServiceClient::new(server.connect_as(&personal).await?)
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await?
        .into_inner();
    assert_eq!(full.birth_date, "1990-05-17");
    assert_eq!(full.phone, "0912345678");
    assert_eq!(full.address, "Thôn Bản Mới");
    assert!(!full.citizen_id.is_empty());

    // Aggregates only: no records at all.
    let refused = MembershipServiceClient::new(server.connect_as(&aggregates_only).await?)
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await
        .expect_err("records need the records right");
    assert_eq!(refused.code(), Code::PermissionDenied);

    // A write by the administrator, a failed write, and the reads above are all in the trail.
    let mut admin = pair.membership.clone();
    let current = admin
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await?
        .into_inner();
    admin
        .update_member(pb::UpdateMemberRequest {
            member: Some(pb::Member {
                name: unit.member.clone(),
                occupation: "Làm ruộng".into(),
                etag: current.etag,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["occupation".into()],
            }),
        })
        .await?;
    let failed = admin
        .record_ceremony(pb::RecordCeremonyRequest {
            name: unit.member.clone(),
            ceremony_date: "not a date".into(),
            request_id: String::new(),
            decision_received_date: String::new(),
        })
        .await
        .expect_err("a malformed date");
    assert_eq!(failed.code(), Code::InvalidArgument);

    let trail = audit_entries(server, "").await?;
    let find = |subject: &str, method: &str| {
        trail
            .iter()
            .filter(|e| e.subject == subject && e.method == membership_method(method))
            .collect::<Vec<_>>()
    };
    let read_cleared = find("doc-ho-so", "GetMember");
    assert_eq!(read_cleared.len(), 1, "{trail:?}");
    assert!(!read_cleared[0].personal_fields);
    assert!(read_cleared[0].resources.contains(&unit.member));
    assert_eq!(read_cleared[0].outcome, "OK");
    let listed_entry = find("doc-ho-so", "ListMembers");
    assert_eq!(listed_entry.len(), 1);
    assert!(listed_entry[0].resources.contains(&unit.member));
    let read_full = find("doc-ca-nhan", "GetMember");
    assert_eq!(read_full.len(), 1);
    assert!(read_full[0].personal_fields);
    let refused_entry = find("chi-so-lieu", "GetMember");
    assert_eq!(refused_entry.len(), 1);
    assert_eq!(refused_entry[0].outcome, "PERMISSION_DENIED");
    let written = find(partyregistry_tests::ADMIN_SUBJECT, "UpdateMember");
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].outcome, "OK");
    assert!(written[0].resources.contains(&unit.member));
    let failed_write = find(partyregistry_tests::ADMIN_SUBJECT, "RecordCeremony");
    assert_eq!(failed_write.len(), 1);
    assert_eq!(failed_write[0].outcome, "INVALID_ARGUMENT");
    // The creates of the fixture were writes too.
    assert_eq!(
        find(partyregistry_tests::ADMIN_SUBJECT, "RecordAdmission").len(),
        1
    );
    assert!(
        trail
            .iter()
            .all(|e| !e.detail.contains("0912345678") && !e.detail.contains("Thôn Bản Mới")),
        "no personal data in the trail"
    );
    // The trail itself is for administrators only.
    let denied = AuditServiceClient::new(server.connect_as(&personal).await?)
        .list_audit_entries(audit::ListAuditEntriesRequest::default())
        .await
        .expect_err("the audit trail needs the admin right");
    assert_eq!(denied.code(), Code::PermissionDenied);

    pair.finish().await?;
    secrets.remove();
    Ok(())
}

async fn bad_credentials_are_refused_and_audited(backend: Backend) -> Result<(), BoxError> {
    let secrets = Secrets::create("credentials")?;
    let mut pair = Pair::start_secured(backend, "credentials", &secrets).await?;
    let unit = unit_with_people(&mut pair, "12", "03100", "Lò Văn Khác").await?;
    pair.caught_up().await?;
    let province_12 = || Claims {
        sub: "tinh-12-he-thong".into(),
        provinces: vec!["12".into()],
        rights: vec![Right::Records],
        ..Claims::default()
    };
    let valid = secrets.token(province_12())?;
    let now = chrono::Utc::now().timestamp();

    let expired = secrets.token(Claims {
        exp: now - 3600,
        ..province_12()
    })?;
    let tampered = {
        // Widen the scope in the payload and keep the signature.
        let parts: Vec<&str> = valid.split('.').collect();
        let payload = r#"{"iss":"partyregistry-tests","sub":"tinh-12-he-thong","exp":4102444800,"national":true,"rights":["records","personal","write","admin"]}"#;
        format!(
            "{}.{}.{}",
            parts[0],
            base64_url(payload.as_bytes()),
            parts[2]
        )
    };
    let wrong_key = partyregistry_kit::auth::issue_jwt(
        &Claims {
            iss: partyregistry_tests::ISSUER.into(),
            exp: now + 3600,
            ..province_12()
        },
        &[7u8; 32],
    )?;
    let wrong_issuer = secrets.token(Claims {
        iss: "someone-else".into(),
        ..province_12()
    })?;
    let commune_outside = secrets.token(Claims {
        provinces: vec!["15".into()],
        communes: vec![unit.commune.clone()],
        ..province_12()
    })?;

    let membership = pair.membership_service()?;
    let reporting = pair.reporting_service();
    let before = audit_entries(membership, r#"outcome = "UNAUTHENTICATED""#)
        .await?
        .len();
    let cases = [
        ("expired", Some(expired)),
        ("tampered", Some(tampered)),
        ("wrong key", Some(wrong_key)),
        ("wrong issuer", Some(wrong_issuer)),
        (
            "commune outside its province",
            Some(commune_outside.clone()),
        ),
        ("no token", None),
        ("not a JWT", Some("khong-phai-ma".to_owned())),
    ];
    for (case, token) in &cases {
        let refused = MembershipServiceClient::new(
            membership
                .connect_as(&secrets.client(token.clone()))
                .await?,
        )
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await
        .expect_err(case);
        assert_eq!(refused.code(), Code::Unauthenticated, "{case}: {refused:?}");
        assert!(!refused.message().contains(&unit.member_full_name));
    }
    let after = audit_entries(membership, r#"outcome = "UNAUTHENTICATED""#).await?;
    assert_eq!(
        after.len(),
        before + cases.len(),
        "every refusal is audited"
    );

    // Reporting refuses the same tokens.
    for (case, token) in &cases {
        let refused = partyregistry_tests::ReportingClient::new(
            reporting.connect_as(&secrets.client(token.clone())).await?,
        )
        .get_statistics(report::GetStatisticsRequest {
            scope: unit.commune_name(),
            ..Default::default()
        })
        .await
        .expect_err(case);
        assert_eq!(refused.code(), Code::Unauthenticated, "{case}: {refused:?}");
    }
    assert!(
        audit_entries(reporting, r#"outcome = "UNAUTHENTICATED""#)
            .await?
            .len()
            >= cases.len()
    );

    // A token is for the services it names: membership's is no key to reporting, nor the
    // reverse, and a token valid for a century is refused by both.
    let for_service = |audience: &str| {
        secrets.token(Claims {
            aud: vec![audience.to_owned()],
            ..province_12()
        })
    };
    let century = secrets.token(Claims {
        exp: now + 100 * 365 * 86_400,
        ..province_12()
    })?;
    for (case, token) in [
        ("a reporting token", for_service(REPORTING_AUDIENCE)?),
        ("a century", century.clone()),
    ] {
        let refused = MembershipServiceClient::new(
            membership.connect_as(&secrets.client(Some(token))).await?,
        )
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await
        .expect_err(case);
        assert_eq!(refused.code(), Code::Unauthenticated, "{case}: {refused:?}");
    }
    for (case, token) in [
        ("a membership token", for_service(MEMBERSHIP_AUDIENCE)?),
        ("a century", century),
    ] {
        let refused = partyregistry_tests::ReportingClient::new(
            reporting.connect_as(&secrets.client(Some(token))).await?,
        )
        .get_statistics(report::GetStatisticsRequest {
            scope: unit.commune_name(),
            ..Default::default()
        })
        .await
        .expect_err(case);
        assert_eq!(refused.code(), Code::Unauthenticated, "{case}: {refused:?}");
    }
    MembershipServiceClient::new(
        membership
            .connect_as(&secrets.client(Some(for_service(MEMBERSHIP_AUDIENCE)?)))
            .await?,
    )
    .get_member(pb::GetMemberRequest {
        name: unit.member.clone(),
    })
    .await?;

    // Headers a proxy would add change nothing: the token alone decides.
    let province_15 = secrets.token(Claims {
        sub: "tinh-15-he-thong".into(),
        provinces: vec!["15".into()],
        rights: vec![Right::Records],
        ..Claims::default()
    })?;
    let mut forged = tonic::Request::new(pb::GetMemberRequest {
        name: unit.member.clone(),
    });
    for (header, value) in [
        ("x-forwarded-for", "10.0.0.1"),
        ("x-forwarded-user", partyregistry_tests::ADMIN_SUBJECT),
        ("x-real-ip", "127.0.0.1"),
        ("x-forwarded-client-cert", "By=spiffe://quan-tri"),
    ] {
        forged.metadata_mut().insert(header, value.parse()?);
    }
    let refused = MembershipServiceClient::new(
        membership
            .connect_as(&secrets.client(Some(province_15)))
            .await?,
    )
    .get_member(forged)
    .await
    .expect_err("the forged headers grant nothing");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let entry = audit_entries(membership, r#"subject = "tinh-15-he-thong""#).await?;
    assert_eq!(entry.len(), 1);
    assert_eq!(entry[0].outcome, "PERMISSION_DENIED");

    // Mutual TLS: a client certificate from another CA, or none, never gets a call through.
    let stranger = partyregistry_cli::certs::generate("15", &[], 1)?;
    let other_ca_client = ClientSecurity {
        identity: Some((
            stranger.client_pem.clone().into_bytes(),
            stranger.client_key_pem.clone().into_bytes(),
        )),
        ..secrets.client(Some(valid.clone()))
    };
    let no_certificate = ClientSecurity {
        identity: None,
        ..secrets.client(Some(valid.clone()))
    };
    let untrusted_server = ClientSecurity {
        ca_pem: Some(stranger.ca_pem.clone().into_bytes()),
        ..secrets.client(Some(valid.clone()))
    };
    for (case, security) in [
        ("client certificate from another CA", other_ca_client),
        ("no client certificate", no_certificate),
        ("server certificate not trusted", untrusted_server),
    ] {
        for server in [membership, reporting] {
            let attempt = match server.connect_as(&security).await {
                Err(_) => None,
                Ok(transport) => Some(
                    MembershipServiceClient::new(transport)
                        .get_member(pb::GetMemberRequest {
                            name: unit.member.clone(),
                        })
                        .await,
                ),
            };
            if let Some(result) = attempt {
                // The handshake fails: the call ends as a transport error (how it surfaces
                // depends on when the client notices), never as an answer.
                assert!(result.is_err(), "{case}: {result:?}");
            }
        }
    }
    // Plain text to a TLS server gets nowhere either.
    for server in [membership, reporting] {
        let plaintext = ClientSecurity {
            token: Some(valid.clone()),
            ..ClientSecurity::default()
        };
        if let Ok(transport) = server.connect_as(&plaintext).await {
            let answered = MembershipServiceClient::new(transport)
                .get_member(pb::GetMemberRequest {
                    name: unit.member.clone(),
                })
                .await;
            assert!(answered.is_err(), "plain text to a TLS port: {answered:?}");
        }
    }
    // Every refused handshake is in the trail of the server that refused it.
    for server in [membership, reporting] {
        let expected = [
            "not issued by the configured CA",
            "presented no certificate",
            "the client ended the handshake",
            "the client does not speak TLS",
        ];
        partyregistry_tests::poll(Duration::from_secs(10), || async {
            let details: Vec<String> = audit_entries(
                server,
                &format!(r#"method = "{}""#, partyregistry_kit::tls::TLS_HANDSHAKE),
            )
            .await?
            .into_iter()
            .map(|entry| entry.detail)
            .collect();
            Ok(expected
                .iter()
                .all(|reason| details.iter().any(|detail| detail.contains(reason))))
        })
        .await?;
    }
    // The valid token with the right certificate does get through.
    MembershipServiceClient::new(membership.connect_as(&secrets.client(Some(valid))).await?)
        .get_member(pb::GetMemberRequest {
            name: unit.member.clone(),
        })
        .await?;

    pair.finish().await?;
    secrets.remove();
    plaintext_needs_its_flag(backend).await
}

/// Reads a feed until `stop` accepts a change (kept as the last) or a heartbeat arrives, waiting
/// at most 30 s per message; returns the changes read.
async fn follow(
    stream: &mut tonic::Streaming<pb::WatchChangesResponse>,
    stop: impl Fn(&pb::Change) -> bool,
) -> Result<Vec<pb::Change>, BoxError> {
    let mut changes = Vec::new();
    while let Some(message) =
        tokio::time::timeout(Duration::from_secs(30), stream.message()).await??
    {
        match message.event {
            Some(pb::watch_changes_response::Event::Change(change)) => {
                let done = stop(&change);
                changes.push(change);
                if done {
                    return Ok(changes);
                }
            }
            Some(pb::watch_changes_response::Event::Heartbeat(_)) => return Ok(changes),
            None => {}
        }
    }
    Err("the feed ended".into())
}

async fn a_member_moving_out_of_scope_reaches_its_old_follower_as_a_notice(
    backend: Backend,
) -> Result<(), BoxError> {
    let secrets = Secrets::create("moves")?;
    let mut pair = Pair::start_secured(backend, "moves", &secrets).await?;
    let own = unit_with_people(&mut pair, "15", "02680", "Sùng Thị Dân").await?;
    let other = unit_with_people(&mut pair, "12", "03100", "Lò Văn Khác").await?;
    let follower = |province: &str| -> Result<ClientSecurity, BoxError> {
        Ok(secrets.client(Some(secrets.token(Claims {
            sub: format!("theo-doi-{province}"),
            provinces: vec![province.into()],
            rights: vec![Right::Records],
            ..Claims::default()
        })?)))
    };
    let mut admin = pair.membership.clone();
    let membership = pair.membership_service()?;
    let mut live = MembershipServiceClient::new(membership.connect_as(&follower("15")?).await?)
        .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
        .await?
        .into_inner();
    let replayed = follow(&mut live, |_| false).await?;
    assert!(replayed.iter().any(|c| matches!(
        &c.resource,
        Some(pb::change::Resource::Member(m)) if m.name == own.member
    )));

    let moved = admin
        .transfer_member(pb::TransferMemberRequest {
            name: own.member.clone(),
            kind: pb::TransferKind::ToCommune.into(),
            effective_date: "2026-06-01".into(),
            to_cell: other.cell.clone(),
            decision_number: "15-QĐ/HU".into(),
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(moved.cell, other.cell);

    // The old follower is told to drop the member, without the new state.
    let is_notice = |c: &pb::Change| matches!(&c.resource, Some(pb::change::Resource::LeftScope(name)) if *name == own.member);
    let after_move = follow(&mut live, is_notice).await?;
    let notice = after_move.last().ok_or("no change after the move")?;
    assert!(is_notice(notice), "{after_move:?}");
    assert!(notice.events.is_empty() && notice.moved_from_commune.is_empty());
    for change in &after_move {
        let encoded = change.encode_to_vec();
        assert!(!contains(&encoded, &other.commune_name()), "{change:?}");
    }
    // A replay tells the same story at the same sequence.
    let mut replay = MembershipServiceClient::new(membership.connect_as(&follower("15")?).await?)
        .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
        .await?
        .into_inner();
    let replayed = follow(&mut replay, is_notice).await?;
    assert_eq!(replayed.last().map(|c| c.sequence), Some(notice.sequence));

    // The new province receives the member, without learning where they came from; a national
    // follower learns it.
    let arrival = |security: ClientSecurity| {
        let url = membership.url();
        async move {
            let mut stream = MembershipServiceClient::new(
                partyregistry_kit::client::connect(&url, &security).await?,
            )
            .watch_changes(pb::WatchChangesRequest {
                after_sequence: notice.sequence - 1,
            })
            .await?
            .into_inner();
            let changes = follow(&mut stream, |_| true).await?;
            changes
                .into_iter()
                .next()
                .ok_or_else(|| BoxError::from("no change"))
        }
    };
    let to_new_province = arrival(follower("12")?).await?;
    match &to_new_province.resource {
        Some(pb::change::Resource::Member(member)) => assert_eq!(member.cell, other.cell),
        other => panic!("expected the member, got {other:?}"),
    }
    assert_eq!(to_new_province.moved_from_commune, "");
    let to_national = arrival(secrets.admin()?).await?;
    assert_eq!(to_national.moved_from_commune, own.commune);

    pair.finish().await?;
    secrets.remove();
    Ok(())
}

/// Neither service starts without TLS unless `--plaintext` is given, nor without a token source
/// unless `--allow-unauthenticated` is.
async fn plaintext_needs_its_flag(backend: Backend) -> Result<(), BoxError> {
    let database = partyregistry_tests::TestDatabase::create(backend, "plaintext").await?;
    let mut membership = partyregistry_membership::Config::for_database(&database.url);
    membership.plaintext = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let refused = partyregistry_membership::run(
        membership.clone(),
        listener,
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .expect_err("membership without TLS or --plaintext");
    assert!(refused.to_string().contains("--plaintext"), "{refused}");

    let mut reporting = partyregistry_reporting::Config::new(&database.url, "http://127.0.0.1:1");
    reporting.plaintext = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let refused = partyregistry_reporting::run(
        reporting,
        listener,
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .expect_err("reporting without TLS or --plaintext");
    assert!(refused.to_string().contains("--plaintext"), "{refused}");

    membership.plaintext = true;
    membership.allow_unauthenticated = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let refused = partyregistry_membership::run(
        membership,
        listener,
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .expect_err("membership without a token source or --allow-unauthenticated");
    assert!(
        refused.to_string().contains("--allow-unauthenticated"),
        "{refused}"
    );
    database.remove().await;
    Ok(())
}

/// Unpadded base64url, as JWTs encode their parts.
fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}
