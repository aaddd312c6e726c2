//! Loads the reference dataset through the gRPC API: the membership service (communes, cells,
//! members, transfers), the admission service (targets, plans, candidates, ratings) and the
//! reference service (the merge). What exists already is counted as present and not sent again;
//! what is sent carries a stable request id. Generates nothing itself: the requests come from
//! [`crate::dataset::people`].

pub mod summary;

use std::collections::{HashMap, HashSet};

use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::membership::v1::{
    Cell, CreateCellRequest, CreateCommuneRequest, GetCommuneRequest, GetMemberRequest, Introducer,
    ListCandidatesRequest, ListCellPlansRequest, ListCellRatingsRequest, ListCellsRequest,
    ListMembersRequest, ListMergesRequest, ListTargetsRequest, Member, RateCellRequest,
    RateMemberRequest, TransferMemberRequest, UnitLevel, UpdateCellRequest, UpdateMemberRequest,
};
use partyregistry_vocab::{names, text};

use crate::dataset::figures::{COMMUNE, PLAN_YEAR, RATING_YEAR, TA_PHOI, TA_PHOI_CELLS_CLOSE_DATE};
use crate::dataset::loader::summary::SeedSummary;
use crate::dataset::people::ta_phoi::PartyAgeFields;
use crate::dataset::people::{Dataset, reference_dataset};
use crate::progress::Progress;

/// Loads the reference dataset through the membership and admission APIs (both served by the
/// membership server). What exists already is counted as present and not sent again; what is
/// sent carries a stable request id where the API takes one, so that even a run interrupted
/// between a create and its answer cannot create a duplicate. A complete dataset is left
/// untouched: seeding it again writes nothing to the change feed.
pub async fn seed(
    membership: &mut MembershipServiceClient<Transport>,
    admission: &mut AdmissionServiceClient<Transport>,
) -> Result<SeedSummary, tonic::Status> {
    let dataset = reference_dataset();
    Ok(
        seed_hop_thanh(membership, admission, &dataset, &Progress::hidden())
            .await?
            .0,
    )
}

/// Hợp Thành's part of the dataset; returns the summary and the members' resource names by full
/// name (NFC).
pub(in crate::dataset) async fn seed_hop_thanh(
    membership: &mut MembershipServiceClient<Transport>,
    admission: &mut AdmissionServiceClient<Transport>,
    dataset: &Dataset,
    progress: &Progress,
) -> Result<(SeedSummary, HashMap<String, String>), tonic::Status> {
    let mut summary = SeedSummary::default();
    progress.set_message("Hợp Thành: đảng viên");
    if ensure_commune(membership, &dataset.commune).await? {
        summary.communes_created += 1;
    } else {
        summary.communes_present += 1;
    }
    (summary.cells_created, summary.cells_present) =
        ensure_cells(membership, COMMUNE, &dataset.cells).await?;

    let existing_members: HashMap<(String, String), String> = list_members(membership, COMMUNE)
        .await?
        .into_iter()
        .map(|m| (member_key(Some(&m)), m.name))
        .collect();
    let mut member_names: HashMap<String, String> = existing_members
        .iter()
        .map(|((full_name, _), name)| (full_name.clone(), name.clone()))
        .collect();
    for request in &dataset.members {
        let key = member_key(request.member.as_ref());
        if existing_members.contains_key(&key) {
            summary.members_present += 1;
        } else {
            let member = membership
                .record_admission(request.clone())
                .await?
                .into_inner();
            member_names.insert(key.0, member.name);
            summary.members_created += 1;
        }
        progress.advance(1);
    }

    progress.set_message("Hợp Thành: nguồn kết nạp, đánh giá");
    seed_admission(admission, dataset, &member_names, &mut summary, progress).await?;
    Ok((summary, member_names))
}

/// The member resource name of a dataset member, by full name.
pub(in crate::dataset) fn resolve_member(
    member_names: &HashMap<String, String>,
    full_name: &str,
) -> Result<String, tonic::Status> {
    member_names
        .get(&text::normalize(full_name))
        .cloned()
        .ok_or_else(|| {
            tonic::Status::failed_precondition(format!(
                "the reference member {full_name} is not on the roll"
            ))
        })
}

/// The admission part of the dataset: target, plans, candidates, then member and cell ratings.
pub(in crate::dataset) async fn seed_admission(
    admission: &mut AdmissionServiceClient<Transport>,
    dataset: &Dataset,
    member_names: &HashMap<String, String>,
    summary: &mut SeedSummary,
    progress: &Progress,
) -> Result<(), tonic::Status> {
    let targets = admission
        .list_targets(ListTargetsRequest {
            parent: COMMUNE.to_owned(),
        })
        .await?
        .into_inner()
        .targets;
    let wanted_year = dataset
        .target
        .target
        .as_ref()
        .map(|t| t.first_year)
        .unwrap_or_default();
    if targets.iter().any(|t| t.first_year == wanted_year) {
        summary.targets_present += 1;
    } else {
        admission.set_target(dataset.target.clone()).await?;
        summary.targets_created += 1;
    }

    let plans: HashSet<String> = admission
        .list_cell_plans(ListCellPlansRequest {
            parent: COMMUNE.to_owned(),
            year: PLAN_YEAR,
        })
        .await?
        .into_inner()
        .plans
        .into_iter()
        .map(|plan| plan.name)
        .collect();
    (summary.plans_created, summary.plans_present) = create_missing(
        &dataset.cell_plans,
        &plans,
        |request| format!("{}/plans/{PLAN_YEAR}", request.parent),
        |request| {
            let mut admission = admission.clone();
            async move { admission.set_cell_plan(request).await.map(drop) }
        },
    )
    .await?;

    let candidates = existing_candidates(admission).await?;
    for seed in &dataset.candidates {
        progress.advance(1);
        let full_name = seed
            .request
            .candidate
            .as_ref()
            .map(|c| text::normalize(&c.full_name))
            .unwrap_or_default();
        if candidates.contains(&full_name) {
            summary.candidates_present += 1;
            continue;
        }
        let mut request = seed.request.clone();
        if let Some(candidate) = request.candidate.as_mut() {
            if seed.youth_union_committee {
                candidate.introducers.push(Introducer {
                    member: String::new(),
                    youth_union_committee: true,
                    months_worked_together: 0,
                });
            }
            for (introducer, months) in &seed.introducers {
                candidate.introducers.push(Introducer {
                    member: resolve_member(member_names, introducer)?,
                    youth_union_committee: false,
                    months_worked_together: *months,
                });
            }
        }
        admission.create_candidate(request).await?;
        summary.candidates_created += 1;
    }

    // Member ratings cannot be listed, so the cell ratings, recorded after them, mark that they
    // are done: a complete set of cell ratings means an earlier run rated the members too.
    let cell_ratings: HashSet<String> = admission
        .list_cell_ratings(ListCellRatingsRequest {
            parent: COMMUNE.to_owned(),
            year: RATING_YEAR,
        })
        .await?
        .into_inner()
        .ratings
        .into_iter()
        .map(|rating| rating.name)
        .collect();
    let rating_name =
        |request: &RateCellRequest| format!("{}/ratings/{RATING_YEAR}", request.parent);
    let all_cells_rated = dataset
        .cell_ratings
        .iter()
        .all(|request| cell_ratings.contains(&rating_name(request)));
    for seed in &dataset.member_ratings {
        progress.advance(1);
        if all_cells_rated {
            summary.member_ratings_present += 1;
            continue;
        }
        admission
            .rate_member(RateMemberRequest {
                parent: resolve_member(member_names, &seed.member_full_name)?,
                rating: Some(seed.rating.clone()),
            })
            .await?;
        summary.member_ratings_created += 1;
    }
    (summary.cell_ratings_created, summary.cell_ratings_present) = create_missing(
        &dataset.cell_ratings,
        &cell_ratings,
        rating_name,
        |request| {
            let mut admission = admission.clone();
            async move { admission.rate_cell(request).await.map(drop) }
        },
    )
    .await?;
    Ok(())
}

/// Every page of a list call: `fetch` gets the page for a token and returns its items and the
/// next token. Pages are bounded so that a faulty server returning tokens forever cannot hang the
/// seed.
pub(in crate::dataset) async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, tonic::Status>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, String), tonic::Status>>,
{
    let mut found = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let (items, next) = fetch(page_token).await?;
        found.extend(items);
        if next.is_empty() {
            break;
        }
        page_token = next;
    }
    Ok(found)
}

/// Full names (NFC) of the commune's candidates: the dataset's candidate names are unique.
pub(in crate::dataset) async fn existing_candidates(
    admission: &mut AdmissionServiceClient<Transport>,
) -> Result<HashSet<String>, tonic::Status> {
    let candidates = all_pages(|page_token| {
        let mut admission = admission.clone();
        async move {
            let response = admission
                .list_candidates(ListCandidatesRequest {
                    parent: COMMUNE.to_owned(),
                    page_size: 500,
                    page_token,
                    filter: String::new(),
                })
                .await?
                .into_inner();
            Ok((response.candidates, response.next_page_token))
        }
    })
    .await?;
    Ok(candidates
        .iter()
        .map(|c| text::normalize(&c.full_name))
        .collect())
}

/// Pages are bounded so that a faulty server returning tokens forever cannot hang the seed.
pub(in crate::dataset) const MAX_PAGES: usize = 1000;

/// The cells of `parent` by resource name.
pub(in crate::dataset) async fn existing_cells(
    membership: &mut MembershipServiceClient<Transport>,
    parent: &str,
) -> Result<HashMap<String, Cell>, tonic::Status> {
    let cells = all_pages(|page_token| {
        let mut membership = membership.clone();
        let parent = parent.to_owned();
        async move {
            let response = membership
                .list_cells(ListCellsRequest {
                    parent,
                    page_size: 500,
                    page_token,
                    filter: String::new(),
                })
                .await?
                .into_inner();
            Ok((response.cells, response.next_page_token))
        }
    })
    .await?;
    Ok(cells
        .into_iter()
        .map(|cell| (cell.name.clone(), cell))
        .collect())
}

/// The members of `parent`.
pub(crate) async fn list_members(
    membership: &mut MembershipServiceClient<Transport>,
    parent: &str,
) -> Result<Vec<Member>, tonic::Status> {
    all_pages(|page_token| {
        let mut membership = membership.clone();
        let parent = parent.to_owned();
        async move {
            let response = membership
                .list_members(ListMembersRequest {
                    parent,
                    page_size: 500,
                    page_token,
                    filter: String::new(),
                })
                .await?
                .into_inner();
            Ok((response.members, response.next_page_token))
        }
    })
    .await
}

/// Members are recognised by full name and decision date: the dataset's names are unique, and
/// neither is a personal field a server may withhold from a list.
pub(in crate::dataset) fn member_key(member: Option<&Member>) -> (String, String) {
    let name = member
        .map(|m| text::normalize(&m.full_name))
        .unwrap_or_default();
    let decided = member
        .and_then(|m| m.admission.as_ref())
        .map(|a| a.decision_date.clone())
        .unwrap_or_default();
    (name, decided)
}

/// Creates the commune of `request` unless it exists; returns whether it was created.
pub(crate) async fn ensure_commune(
    membership: &mut MembershipServiceClient<Transport>,
    request: &CreateCommuneRequest,
) -> Result<bool, tonic::Status> {
    let code = request
        .commune
        .as_ref()
        .map(|c| c.code.as_str())
        .unwrap_or_default();
    match membership
        .get_commune(GetCommuneRequest {
            name: names::commune(code),
        })
        .await
    {
        Ok(_) => Ok(false),
        Err(status) if status.code() == tonic::Code::NotFound => {
            membership.create_commune(request.clone()).await?;
            Ok(true)
        }
        Err(status) => Err(status),
    }
}

/// Creates the cells of `requests` (all of commune `parent`) that do not exist; returns how many
/// were created and how many were there.
pub(crate) async fn ensure_cells(
    membership: &mut MembershipServiceClient<Transport>,
    parent: &str,
    requests: &[CreateCellRequest],
) -> Result<(u32, u32), tonic::Status> {
    let existing: HashSet<String> = existing_cells(membership, parent)
        .await?
        .into_keys()
        .collect();
    let of_parent: Vec<CreateCellRequest> = requests
        .iter()
        .filter(|r| r.parent == parent)
        .cloned()
        .collect();
    create_missing(
        &of_parent,
        &existing,
        |request| format!("{parent}/cells/{}", request.cell_id),
        |request| {
            let mut membership = membership.clone();
            async move { membership.create_cell(request).await.map(drop) }
        },
    )
    .await
}

/// Sends `create` for each of `requests` whose resource name (`name_of`) is not in `existing`;
/// returns how many were created and how many were there already.
pub(in crate::dataset) async fn create_missing<R, F, Fut>(
    requests: &[R],
    existing: &HashSet<String>,
    name_of: impl Fn(&R) -> String,
    mut create: F,
) -> Result<(u32, u32), tonic::Status>
where
    R: Clone,
    F: FnMut(R) -> Fut,
    Fut: std::future::Future<Output = Result<(), tonic::Status>>,
{
    let (mut created, mut present) = (0, 0);
    for request in requests {
        if existing.contains(&name_of(request)) {
            present += 1;
        } else {
            create(request.clone()).await?;
            created += 1;
        }
    }
    Ok((created, present))
}

impl PartyAgeFields {
    /// True when `member` already carries these values.
    fn is_applied_to(&self, member: &Member) -> bool {
        member.party_age_gaps == self.party_age_gaps
            && member.seriously_ill == self.seriously_ill
            && member.badges == self.badges
    }

    /// Sets these fields on member `name` unless it carries them already; returns whether an
    /// update was written.
    pub(crate) async fn apply(
        &self,
        membership: &mut MembershipServiceClient<Transport>,
        name: String,
    ) -> Result<bool, tonic::Status> {
        let member = membership
            .get_member(GetMemberRequest { name })
            .await?
            .into_inner();
        if self.is_applied_to(&member) {
            return Ok(false);
        }
        membership
            .update_member(UpdateMemberRequest {
                member: Some(Member {
                    party_age_gaps: self.party_age_gaps.clone(),
                    seriously_ill: self.seriously_ill,
                    badges: self.badges.clone(),
                    ..member
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec![
                        "party_age_gaps".to_owned(),
                        "seriously_ill".to_owned(),
                        "badges".to_owned(),
                    ],
                }),
            })
            .await?;
        Ok(true)
    }
}

/// Loads the whole reference dataset: Hợp Thành as [`seed`] does, then Tả Phời, the merge of
/// 1 July 2025, the transfers of Tả Phời's members into Hợp Thành's new cells, the closing of
/// Tả Phời's cells, and the party-age fields of a few Hợp Thành members. Idempotent like
/// [`seed`]: what is there already is counted as present and not sent again.
pub async fn seed_all(
    membership: &mut MembershipServiceClient<Transport>,
    admission: &mut AdmissionServiceClient<Transport>,
    reference: &mut ReferenceServiceClient<Transport>,
    progress: &Progress,
) -> Result<SeedSummary, tonic::Status> {
    let dataset = reference_dataset();
    let ta_phoi = &dataset.ta_phoi;
    progress.set_total(
        [
            dataset.members.len(),
            dataset.candidates.len(),
            dataset.member_ratings.len(),
            ta_phoi.members.len(),
            ta_phoi.transfers.len(),
        ]
        .iter()
        .sum::<usize>() as u64,
    );
    let (mut summary, member_names) =
        seed_hop_thanh(membership, admission, &dataset, progress).await?;
    progress.set_message("Tả Phời: đảng viên, sáp nhập");

    if ensure_commune(membership, &ta_phoi.commune).await? {
        summary.ta_phoi_communes_created += 1;
    } else {
        summary.ta_phoi_communes_present += 1;
    }
    (summary.ta_phoi_cells_created, summary.ta_phoi_cells_present) =
        ensure_cells(membership, TA_PHOI, &ta_phoi.cells).await?;

    // Tả Phời's members are found in Tả Phời before the merge and in Hợp Thành after it.
    let mut roll: HashMap<(String, String), Member> = HashMap::new();
    for parent in [TA_PHOI, COMMUNE] {
        for member in list_members(membership, parent).await? {
            roll.insert(member_key(Some(&member)), member);
        }
    }
    for request in &ta_phoi.members {
        progress.advance(1);
        let key = member_key(request.member.as_ref());
        if let std::collections::hash_map::Entry::Vacant(entry) = roll.entry(key) {
            let member = membership
                .record_admission(request.clone())
                .await?
                .into_inner();
            entry.insert(member);
            summary.ta_phoi_members_created += 1;
        } else {
            summary.ta_phoi_members_present += 1;
        }
    }

    let merges = reference
        .list_merges(ListMergesRequest {
            level: UnitLevel::Commune as i32,
        })
        .await?
        .into_inner()
        .merges;
    let wanted = ta_phoi.merge.merge.clone().unwrap_or_default();
    if merges.iter().any(|m| {
        m.successor_code == wanted.successor_code && m.effective_date == wanted.effective_date
    }) {
        summary.merges_present += 1;
    } else {
        reference.create_merge(ta_phoi.merge.clone()).await?;
        summary.merges_created += 1;
    }

    (summary.merged_cells_created, summary.merged_cells_present) =
        ensure_cells(membership, COMMUNE, &ta_phoi.merged_cells).await?;

    let by_name: HashMap<String, &Member> = roll
        .values()
        .map(|m| (text::normalize(&m.full_name), m))
        .collect();
    for (full_name, request) in &ta_phoi.transfers {
        progress.advance(1);
        let member = by_name.get(&text::normalize(full_name)).ok_or_else(|| {
            tonic::Status::failed_precondition(format!(
                "the reference member {full_name} is not on the roll"
            ))
        })?;
        if member.cell == request.to_cell {
            summary.transfers_present += 1;
            continue;
        }
        membership
            .transfer_member(TransferMemberRequest {
                name: member.name.clone(),
                ..request.clone()
            })
            .await?;
        summary.transfers_made += 1;
    }

    // Closed only now: the members left the cells on the merge day.
    for cell in existing_cells(membership, TA_PHOI).await?.into_values() {
        if !cell.close_date.is_empty() {
            summary.cells_closed_present += 1;
            continue;
        }
        membership
            .update_cell(UpdateCellRequest {
                cell: Some(Cell {
                    name: cell.name.clone(),
                    etag: cell.etag.clone(),
                    close_date: TA_PHOI_CELLS_CLOSE_DATE.to_owned(),
                    ..Cell::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["close_date".to_owned()],
                }),
            })
            .await?;
        summary.cells_closed += 1;
    }

    for update in &dataset.member_updates {
        let name = resolve_member(&member_names, &update.member_full_name)?;
        if update.fields.apply(membership, name).await? {
            summary.member_updates_made += 1;
        } else {
            summary.member_updates_present += 1;
        }
    }
    Ok(summary)
}
