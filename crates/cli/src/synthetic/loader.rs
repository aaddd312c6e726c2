//! Loads the generated province through the membership and reference APIs: communes, cells,
//! admissions and arrivals, the merge, then every later step, each with a stable request id.

use std::collections::HashMap;

use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::membership::v1::{
    DepartureKind, EndExemptionRequest, ExemptMemberRequest, ListMergesRequest, Member,
    RecognizeOfficialRequest, RecordDepartureRequest, TransferKind, TransferMemberRequest,
    UnitLevel,
};
use partyregistry_vocab::{date, names, text};

use crate::dataset::loader::{ensure_cells, ensure_commune, list_members};
use crate::progress::Progress;
use crate::synthetic::figures::SyntheticProvince;
use crate::synthetic::people::members::{PlannedMember, Step, StepKind};
use crate::synthetic::people::plan;
use crate::synthetic::province::SUCCESSOR;

/// Loads the province generated from `seed` through the membership and reference APIs, and
/// returns the figures an end-to-end test compares the reports with. The reference provinces
/// (12 among them) must exist: the membership service creates them on first start. Every create
/// carries a request id derived from the seed; members already on a roll are left as they are.
pub async fn seed_province(
    membership: &mut MembershipServiceClient<Transport>,
    reference: &mut ReferenceServiceClient<Transport>,
    seed: u64,
    progress: &Progress,
) -> Result<SyntheticProvince, tonic::Status> {
    let plan = plan(seed);
    let mut summary = plan.summary();
    // One item per member and one per later step; a member already loaded counts with its steps.
    let steps = |member: &PlannedMember| member.steps.len() as u64;
    progress.set_total(plan.members.iter().map(|member| 1 + steps(member)).sum());
    progress.set_message("Tỉnh tổng hợp: đảng viên");

    let mut roll: HashMap<String, Member> = HashMap::new();
    for request in &plan.communes {
        ensure_commune(membership, request).await?;
        let parent = names::commune(
            request
                .commune
                .as_ref()
                .map(|c| c.code.as_str())
                .unwrap_or_default(),
        );
        ensure_cells(membership, &parent, &plan.cells).await?;
        roll.extend(
            list_members(membership, &parent)
                .await?
                .into_iter()
                .map(|m| (text::normalize(&m.full_name), m)),
        );
    }

    // Admissions and arrivals first, then the merge, then every later step: the same order as a
    // commune office records a history it takes over.
    let mut created: Vec<(usize, String)> = Vec::new();
    for (index, member) in plan.members.iter().enumerate() {
        progress.advance(1);
        if let Some(existing) = roll.get(&text::normalize(&member.full_name)) {
            progress.advance(steps(member));
            summary.members_present += 1;
            if let Some(case) = member.role {
                summary.special.push((case, existing.name.clone()));
            }
            continue;
        }
        let recorded = match (&member.admission, &member.arrival) {
            (Some(request), _) => membership.record_admission(request.clone()).await?,
            (None, Some(request)) => membership.create_member(request.clone()).await?,
            (None, None) => {
                progress.advance(steps(member));
                continue;
            }
        }
        .into_inner();
        summary.members_created += 1;
        if let Some(case) = member.role {
            summary.special.push((case, recorded.name.clone()));
        }
        created.push((index, recorded.name));
    }

    let merges = reference
        .list_merges(ListMergesRequest {
            level: UnitLevel::Commune as i32,
        })
        .await?
        .into_inner()
        .merges;
    if !merges.iter().any(|m| m.successor_code == SUCCESSOR.code) {
        reference.create_merge(plan.merge.clone()).await?;
    }

    progress.set_message("Tỉnh tổng hợp: các bước sau");
    for (index, name) in created {
        let member = &plan.members[index];
        for (number, step) in member.steps.iter().enumerate() {
            let request_id = format!("synthetic-{seed}-step-{index:03}-{number}");
            apply_step(membership, name.clone(), step, request_id).await?;
            summary.steps_applied += 1;
            progress.advance(1);
        }
        if !member.party_age.is_empty() {
            member.party_age.apply(membership, name).await?;
        }
    }
    Ok(summary)
}

pub(in crate::synthetic) async fn apply_step(
    membership: &mut MembershipServiceClient<Transport>,
    name: String,
    step: &Step,
    request_id: String,
) -> Result<(), tonic::Status> {
    let effective_date = date::format(step.date);
    let transfer = |kind: TransferKind| TransferMemberRequest {
        name: name.clone(),
        kind: kind as i32,
        effective_date: effective_date.clone(),
        decision_number: "15-QĐ/ĐU".to_owned(),
        request_id: request_id.clone(),
        ..TransferMemberRequest::default()
    };
    match &step.kind {
        StepKind::Recognize => {
            membership
                .recognize_official(RecognizeOfficialRequest {
                    name,
                    official_date: effective_date,
                    decision_number: "20-QĐ/ĐU".to_owned(),
                    cell_vote: Some(partyregistry_proto::membership::v1::VoteTally {
                        eligible: 9,
                        present: 9,
                        yes: 9,
                        no: 0,
                    }),
                    request_id,
                })
                .await?;
        }
        StepKind::BetweenCells { to_cell } => {
            membership
                .transfer_member(TransferMemberRequest {
                    to_cell: to_cell.clone(),
                    ..transfer(TransferKind::BetweenCells)
                })
                .await?;
        }
        StepKind::ToCommune { to_cell } => {
            membership
                .transfer_member(TransferMemberRequest {
                    to_cell: to_cell.clone(),
                    ..transfer(TransferKind::ToCommune)
                })
                .await?;
        }
        StepKind::OutOfSystem { to_organization } => {
            membership
                .transfer_member(TransferMemberRequest {
                    to_organization: to_organization.clone(),
                    ..transfer(TransferKind::OutOfSystem)
                })
                .await?;
        }
        StepKind::TemporaryOut {
            to_organization,
            away_until,
        } => {
            membership
                .transfer_member(TransferMemberRequest {
                    to_organization: to_organization.clone(),
                    away_until: date::format(*away_until),
                    ..transfer(TransferKind::TemporaryOut)
                })
                .await?;
        }
        StepKind::TemporaryReturn => {
            membership
                .transfer_member(transfer(TransferKind::TemporaryReturn))
                .await?;
        }
        StepKind::Exempt => {
            membership
                .exempt_member(ExemptMemberRequest {
                    name,
                    effective_date,
                    reason: "Tuổi cao, sức yếu".to_owned(),
                    request_id,
                })
                .await?;
        }
        StepKind::EndExemption => {
            membership
                .end_exemption(EndExemptionRequest {
                    name,
                    effective_date,
                    request_id,
                })
                .await?;
        }
        StepKind::Depart(kind) => {
            let (decision_number, reason) = match kind {
                DepartureKind::Death => (String::new(), "Từ trần"),
                DepartureKind::Removal => ("31-QĐ/ĐU".to_owned(), "Không sinh hoạt đảng"),
                DepartureKind::Expulsion => ("42-QĐ/ĐU".to_owned(), "Vi phạm kỷ luật"),
                _ => ("44-QĐ/ĐU".to_owned(), "Xin ra khỏi Đảng"),
            };
            membership
                .record_departure(RecordDepartureRequest {
                    name,
                    kind: *kind as i32,
                    effective_date,
                    decision_number,
                    reason: reason.to_owned(),
                    request_id,
                })
                .await?;
        }
    }
    Ok(())
}
