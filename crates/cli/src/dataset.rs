//! The reference dataset: the Party organisation of Hợp Thành commune (Lào Cai) as the 2022
//! newspaper article describes it, with SYNTHETIC people.
//!
//! Every count of the article is reproduced exactly as of [`REFERENCE_AS_OF`]: 16 cells (12
//! residential, 3 school, 1 police), 172 members, 6 admissions in 2021 and 2 in 2022, and the cell
//! of Tượng 1 with 9 members of whom 4 are local and 5 seconded, with no admission for years. The
//! people are made up by a small deterministic generator (no `rand`: the data must be the same on
//! every machine and every run); citizen ids follow the CCCD layout with the Lào Cai prefix `010`
//! but are random digits, and no phone numbers are generated because a made-up number can ring a
//! real person.
//!
//! The admission story of the article is part of it: the commune's term target (6 admissions a
//! year, 80 % of cells rated good or better), the 2021 ratings of the 16 cells, the cells' 2022
//! plans, and eight admission sources as of [`REFERENCE_AS_OF`] — four who finished the awareness
//! class in 2022 (two of them with primary education only), two demobilised soldiers without
//! their unit's referral letter, two Youth Union members working away — with none in Tượng 1.
//!
//! Since the 2025 reform the dataset also holds the neighbouring commune of Tả Phời (02677, 40
//! synthetic members in 4 cells), the recorded merge of Tả Phời and Hợp Thành into Hợp Thành on
//! 1 July 2025, the transfer of Tả Phời's members into new cells of Hợp Thành opened that day
//! (Tả Phời's cells closed), and the party-age fields (a gap, a serious illness, badges handed) of
//! a few Hợp Thành members. None of it changes what the article's figures describe: Tả Phời's
//! admissions end in 2019 and its members reach Hợp Thành only in 2025.
//!
//! The data is loaded through the gRPC API with stable request ids, so seeding twice creates
//! nothing twice, and the end-to-end tests can check the reports against the constants below:
//! [`seed`] loads Hợp Thành as of 2022, [`seed_all`] everything.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::membership::v1::{
    Admission, Assignment, AwarenessCertificate, BackgroundCheck, BadgeAward, Candidate,
    CandidateSource, CandidateStage, Cell, CellKind, CellPlan as CellPlanMessage, CellRating,
    Commune, CreateCandidateRequest, CreateCellRequest, CreateCommuneRequest, CreateMergeRequest,
    Gender, GeneralEducation, GetCommuneRequest, GetMemberRequest, Introducer,
    ListCandidatesRequest, ListCellPlansRequest, ListCellRatingsRequest, ListCellsRequest,
    ListMembersRequest, ListMergesRequest, ListTargetsRequest, Member, MemberRating, PartyAgeGap,
    PoliticalTheory, Qualification, RateCellRequest, RateMemberRequest, RatingLevel,
    RecordAdmissionRequest, SetCellPlanRequest, SetTargetRequest, Target, TransferKind,
    TransferMemberRequest, UnitLevel, UnitMerge, UpdateCellRequest, UpdateMemberRequest, VoteTally,
};
use partyregistry_vocab::{date, names, text};

/// The day the article's figures describe.
pub const REFERENCE_AS_OF: &str = "2022-06-30";
/// The commune's statistics-office code.
pub const COMMUNE_CODE: &str = "02680";
/// The commune's resource name.
pub const COMMUNE: &str = "communes/02680";
/// The commune's display name.
pub const COMMUNE_DISPLAY_NAME: &str = "Xã Hợp Thành";
/// Lào Cai's province code before the 2025 merge.
pub const PROVINCE_CODE: &str = "10";
/// First day of the commune's validity as recorded here.
pub const COMMUNE_VALID_FROM: &str = "2008-01-01";
/// The body that decides admissions.
pub const DECIDING_BODY: &str = "Đảng ủy xã Hợp Thành";

/// Members on the roll on [`REFERENCE_AS_OF`].
pub const EXPECTED_MEMBERS: i64 = 172;
/// Of which official on [`REFERENCE_AS_OF`].
pub const EXPECTED_OFFICIAL: i64 = 166;
/// Of which probationary on [`REFERENCE_AS_OF`] (the 2022 admissions and the 2021 ones whose
/// ceremony was after 30 June 2021).
pub const EXPECTED_PROBATIONARY: i64 = 6;
/// Women among the members.
pub const EXPECTED_WOMEN: i64 = 57;
/// Cells of the commune.
pub const EXPECTED_CELLS: i64 = 16;
/// Residential-area (thôn) cells.
pub const RESIDENTIAL_CELLS: i64 = 12;
/// School cells.
pub const SCHOOL_CELLS: i64 = 3;
/// Commune police cells.
pub const POLICE_CELLS: i64 = 1;
/// Admissions decided by the commune in 2021.
pub const ADMISSIONS_2021: i64 = 6;
/// Admissions decided by the commune from 1 January to 30 June 2022.
pub const ADMISSIONS_2022: i64 = 2;
/// The cell of Tượng 1.
pub const TUONG_1_CELL: &str = "communes/02680/cells/tuong-1";
/// Members of Tượng 1.
pub const TUONG_1_MEMBERS: i64 = 9;
/// Local members of Tượng 1.
pub const TUONG_1_LOCAL: i64 = 4;
/// Commune officials seconded to Tượng 1.
pub const TUONG_1_SECONDED: i64 = 5;
/// Tượng 1 has admitted nobody from this year on.
pub const TUONG_1_NO_ADMISSION_SINCE: i32 = 2015;
/// The earliest admission year of the dataset.
pub const FIRST_ADMISSION_YEAR: i32 = 1965;

/// The commune's target for the 2020–2025 congress term.
pub const TARGET_NAME: &str = "communes/02680/targets/2020";
/// First year of the term.
pub const TARGET_FIRST_YEAR: i32 = 2020;
/// Last year of the term.
pub const TARGET_LAST_YEAR: i32 = 2025;
/// Admissions to reach every year of the term.
pub const TARGET_ADMISSIONS_PER_YEAR: i64 = 6;
/// Percentage of cells to be rated GOOD or better every year.
pub const TARGET_GOOD_CELLS_PERCENT: i64 = 80;

/// The year of the cell ratings of the dataset.
pub const RATING_YEAR: i32 = 2021;
/// Cells rated in 2021 (all 16).
pub const RATED_CELLS_2021: i64 = 16;
/// Cells rated EXCELLENT in 2021.
pub const EXCELLENT_CELLS_2021: i64 = 3;
/// Cells rated GOOD or better in 2021 (3 EXCELLENT + 10 GOOD): 81.25 %, above the 80 % target.
pub const GOOD_CELLS_2021: i64 = 13;
/// Cells rated COMPLETED in 2021.
pub const COMPLETED_CELLS_2021: i64 = 3;
/// Good-or-better cells the 80 % target needs out of 16: ceil(0.8 × 16).
pub const GOOD_CELLS_NEEDED_2021: i64 = 13;
/// Members rated for 2021 (a few long-standing official members; nobody exempt).
pub const MEMBER_RATINGS_2021: i64 = 5;

/// The year of the cell plans of the dataset.
pub const PLAN_YEAR: i32 = 2022;
/// Admissions planned by the cells for 2022: they add up to the target.
pub const PLANNED_ADMISSIONS_2022: i64 = 6;
/// Admission sources the cells planned to develop in 2022.
pub const PLANNED_SOURCES_2022: i64 = 15;

/// Admission sources recorded, all open on [`REFERENCE_AS_OF`].
pub const CANDIDATES: i64 = 8;
/// Open candidates on [`REFERENCE_AS_OF`].
pub const OPEN_CANDIDATES_2022: i64 = 8;
/// Open candidates with no blocker on [`REFERENCE_AS_OF`].
pub const ELIGIBLE_CANDIDATES_2022: i64 = 2;
/// Candidates who finished the awareness class in 2022 (certificate issued in 2022).
pub const CLASS_DONE_2022: i64 = 4;
/// Of which blocked by primary education only (EDUCATION_BELOW_MINIMUM).
pub const EDUCATION_BLOCKED_2022: i64 = 2;
/// Demobilised soldiers without the unit's referral (MILITARY_REFERRAL_MISSING).
pub const MILITARY_REFERRAL_MISSING_2022: i64 = 2;
/// Youth Union members living or working away (LIVES_AWAY).
pub const LIVES_AWAY_2022: i64 = 2;
/// Candidates without an awareness-class certificate (CERTIFICATE_MISSING): the second soldier
/// and the two Youth Union members away.
pub const CERTIFICATE_MISSING_2022: i64 = 3;
/// Candidates without their two introducers (INTRODUCERS_MISSING): the same three.
pub const INTRODUCERS_MISSING_2022: i64 = 3;
/// Still to admit in 2022 on [`REFERENCE_AS_OF`]: target minus admitted.
pub const REMAINING_2022: i64 = TARGET_ADMISSIONS_PER_YEAR - ADMISSIONS_2022;
/// The most 2022 can reach from the known pipeline: admitted plus eligible, below the target.
pub const BEST_CASE_2022: i64 = ADMISSIONS_2022 + ELIGIBLE_CANDIDATES_2022;
/// Open candidates of Tượng 1: none, the cell has no source.
pub const TUONG_1_CANDIDATES: i64 = 0;
/// The candidate whose cell approved the admission, so the committee's decision clock runs.
pub const CELL_APPROVED_CANDIDATE: &str = "Nông Văn Hưng";
/// The day that cell voted: the admission-decision deadline counts from it.
pub const CELL_APPROVED_DATE: &str = "2022-06-24";

/// The seed of the generator: changing it changes every person (and the request ids' meaning in
/// an existing dev database), so it is fixed for good.
const SEED: u64 = 0x4850_5448_414e_4822;

/// The whole dataset as the requests that load it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The commune.
    pub commune: CreateCommuneRequest,
    /// The 16 cells, in a fixed order.
    pub cells: Vec<CreateCellRequest>,
    /// The 172 admissions, in a fixed order; the request ids are stable.
    pub members: Vec<RecordAdmissionRequest>,
    /// The commune's 2020–2025 target.
    pub target: SetTargetRequest,
    /// The 2022 plan of every cell.
    pub cell_plans: Vec<SetCellPlanRequest>,
    /// The 2021 rating of every cell.
    pub cell_ratings: Vec<RateCellRequest>,
    /// The eight admission sources.
    pub candidates: Vec<SeedCandidate>,
    /// A few 2021 member ratings.
    pub member_ratings: Vec<SeedMemberRating>,
    /// Tả Phời and its merge into Hợp Thành on 1 July 2025.
    pub ta_phoi: TaPhoi,
    /// Party-age gaps, serious illness and badges of a few Hợp Thành members.
    pub member_updates: Vec<SeedMemberUpdate>,
}

/// A candidate of the dataset. Member ids are assigned by the service, so the introducers are
/// named by the full name of a member of the dataset and resolved when seeding.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedCandidate {
    /// The request, with `introducers` empty.
    pub request: CreateCandidateRequest,
    /// Introducing members: (full name, months worked with the candidate).
    pub introducers: Vec<(String, i32)>,
}

/// A member rating of the dataset, the member named by full name (resolved when seeding).
#[derive(Debug, Clone, PartialEq)]
pub struct SeedMemberRating {
    /// The member's full name in the dataset.
    pub member_full_name: String,
    /// The rating (year and level).
    pub rating: MemberRating,
}

/// What a [`seed`] run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeedSummary {
    /// Communes created by this run.
    pub communes_created: u32,
    /// Communes that were already there.
    pub communes_present: u32,
    /// Cells created by this run.
    pub cells_created: u32,
    /// Cells that were already there.
    pub cells_present: u32,
    /// Members admitted by this run.
    pub members_created: u32,
    /// Members that were already on the roll.
    pub members_present: u32,
    /// Targets set by this run.
    pub targets_created: u32,
    /// Targets that were already there.
    pub targets_present: u32,
    /// Cell plans set by this run.
    pub plans_created: u32,
    /// Cell plans that were already there.
    pub plans_present: u32,
    /// Candidates created by this run.
    pub candidates_created: u32,
    /// Candidates that were already there.
    pub candidates_present: u32,
    /// Cell ratings recorded by this run.
    pub cell_ratings_created: u32,
    /// Cell ratings that were already there.
    pub cell_ratings_present: u32,
    /// Member ratings recorded by this run.
    pub member_ratings_created: u32,
    /// Member ratings that were already there.
    pub member_ratings_present: u32,
    /// Tả Phời created by this run (0 or 1).
    pub ta_phoi_communes_created: u32,
    /// Tả Phời already there (0 or 1).
    pub ta_phoi_communes_present: u32,
    /// Tả Phời's cells created by this run.
    pub ta_phoi_cells_created: u32,
    /// Tả Phời's cells already there.
    pub ta_phoi_cells_present: u32,
    /// Tả Phời's members admitted by this run.
    pub ta_phoi_members_created: u32,
    /// Tả Phời's members already on a roll.
    pub ta_phoi_members_present: u32,
    /// Merges recorded by this run.
    pub merges_created: u32,
    /// Merges already recorded.
    pub merges_present: u32,
    /// Hợp Thành's cells for Tả Phời's villages created by this run.
    pub merged_cells_created: u32,
    /// Those cells already there.
    pub merged_cells_present: u32,
    /// Tả Phời members transferred to Hợp Thành by this run.
    pub transfers_made: u32,
    /// Tả Phời members already in Hợp Thành.
    pub transfers_present: u32,
    /// Tả Phời cells closed by this run.
    pub cells_closed: u32,
    /// Tả Phời cells already closed.
    pub cells_closed_present: u32,
    /// Party-age fields of Hợp Thành members set by this run.
    pub member_updates_made: u32,
    /// Party-age fields already set.
    pub member_updates_present: u32,
}

impl SeedSummary {
    /// True when the run created nothing: the dataset was complete already.
    pub fn nothing_created(&self) -> bool {
        self.communes_created == 0
            && self.cells_created == 0
            && self.members_created == 0
            && self.targets_created == 0
            && self.plans_created == 0
            && self.candidates_created == 0
            && self.cell_ratings_created == 0
            && self.member_ratings_created == 0
            && self.ta_phoi_communes_created == 0
            && self.ta_phoi_cells_created == 0
            && self.ta_phoi_members_created == 0
            && self.merges_created == 0
            && self.merged_cells_created == 0
            && self.transfers_made == 0
            && self.cells_closed == 0
            && self.member_updates_made == 0
    }

    /// The summary as Vietnamese text.
    pub fn render(&self) -> String {
        let mut out = format!("Dữ liệu mẫu {COMMUNE_DISPLAY_NAME} ({COMMUNE}):\n");
        for (what, created, present) in [
            ("xã", self.communes_created, self.communes_present),
            ("chi bộ", self.cells_created, self.cells_present),
            ("đảng viên", self.members_created, self.members_present),
            (
                "chỉ tiêu nhiệm kỳ",
                self.targets_created,
                self.targets_present,
            ),
            ("kế hoạch chi bộ", self.plans_created, self.plans_present),
            (
                "nguồn phát triển đảng viên",
                self.candidates_created,
                self.candidates_present,
            ),
            (
                "xếp loại chi bộ",
                self.cell_ratings_created,
                self.cell_ratings_present,
            ),
            (
                "xếp loại đảng viên",
                self.member_ratings_created,
                self.member_ratings_present,
            ),
        ] {
            out.push_str(&format!("  {what}: tạo mới {created}, đã có {present}\n"));
        }
        let merge_lines = [
            (
                "xã Tả Phời",
                self.ta_phoi_communes_created,
                self.ta_phoi_communes_present,
            ),
            (
                "chi bộ xã Tả Phời",
                self.ta_phoi_cells_created,
                self.ta_phoi_cells_present,
            ),
            (
                "đảng viên xã Tả Phời",
                self.ta_phoi_members_created,
                self.ta_phoi_members_present,
            ),
            ("sáp nhập", self.merges_created, self.merges_present),
            (
                "chi bộ mới của Hợp Thành (từ 2025-07-01)",
                self.merged_cells_created,
                self.merged_cells_present,
            ),
            (
                "chuyển sinh hoạt về Hợp Thành",
                self.transfers_made,
                self.transfers_present,
            ),
            (
                "chi bộ Tả Phời giải thể",
                self.cells_closed,
                self.cells_closed_present,
            ),
            (
                "tuổi đảng, huy hiệu",
                self.member_updates_made,
                self.member_updates_present,
            ),
        ];
        if merge_lines
            .iter()
            .any(|(_, created, present)| created + present > 0)
        {
            out.push_str(&format!(
                "Xã Tả Phời và sáp nhập vào {COMMUNE_DISPLAY_NAME} ngày {MERGE_EFFECTIVE_DATE}:\n"
            ));
            for (what, created, present) in merge_lines {
                out.push_str(&format!("  {what}: tạo mới {created}, đã có {present}\n"));
            }
        }
        out
    }
}

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
    Ok(seed_hop_thanh(membership, admission, &dataset).await?.0)
}

/// Hợp Thành's part of the dataset; returns the summary and the members' resource names by full
/// name (NFC).
async fn seed_hop_thanh(
    membership: &mut MembershipServiceClient<Transport>,
    admission: &mut AdmissionServiceClient<Transport>,
    dataset: &Dataset,
) -> Result<(SeedSummary, HashMap<String, String>), tonic::Status> {
    let mut summary = SeedSummary::default();
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
    }

    seed_admission(admission, dataset, &member_names, &mut summary).await?;
    Ok((summary, member_names))
}

/// The member resource name of a dataset member, by full name.
fn resolve_member(
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
async fn seed_admission(
    admission: &mut AdmissionServiceClient<Transport>,
    dataset: &Dataset,
    member_names: &HashMap<String, String>,
    summary: &mut SeedSummary,
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
async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, tonic::Status>
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
async fn existing_candidates(
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
const MAX_PAGES: usize = 1000;

/// The cells of `parent` by resource name.
async fn existing_cells(
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
fn member_key(member: Option<&Member>) -> (String, String) {
    let name = member
        .map(|m| text::normalize(&m.full_name))
        .unwrap_or_default();
    let decided = member
        .and_then(|m| m.admission.as_ref())
        .map(|a| a.decision_date.clone())
        .unwrap_or_default();
    (name, decided)
}

/// The dataset as of today: recognition dates that are still in the future are left out, so the
/// latest admissions stay probationary until their twelve months are over.
pub fn reference_dataset() -> Dataset {
    reference_dataset_on(date::today_in_vietnam())
}

/// The dataset as it would be loaded on `today`. Pure and deterministic.
pub fn reference_dataset_on(today: NaiveDate) -> Dataset {
    let mut rng = SplitMix64(SEED);
    let commune = CreateCommuneRequest {
        commune: Some(Commune {
            code: COMMUNE_CODE.to_owned(),
            display_name: COMMUNE_DISPLAY_NAME.to_owned(),
            province_code: PROVINCE_CODE.to_owned(),
            valid_from: COMMUNE_VALID_FROM.to_owned(),
            ..Commune::default()
        }),
        request_id: "seed-hop-thanh-commune".to_owned(),
    };
    let cells = CELLS
        .iter()
        .map(|plan| CreateCellRequest {
            parent: COMMUNE.to_owned(),
            cell_id: plan.id.to_owned(),
            cell: Some(Cell {
                display_name: plan.display_name.to_owned(),
                kind: plan.kind as i32,
                open_date: date::format(ymd(plan.open.0, plan.open.1, plan.open.2)),
                ..Cell::default()
            }),
            request_id: format!("seed-hop-thanh-cell-{}", plan.id),
        })
        .collect();

    let mut people = Vec::new();
    let mut used_names = HashSet::new();
    let mut used_ids = HashSet::new();
    for recent in &RECENT_ADMISSIONS {
        used_names.insert(recent.full_name.to_owned());
    }
    for plan in &CELLS {
        let recent: Vec<&Recent> = RECENT_ADMISSIONS
            .iter()
            .filter(|r| r.cell == plan.id)
            .collect();
        let generated = plan.members.saturating_sub(recent.len());
        for index in 0..generated {
            let role = match plan.profile {
                Profile::Residential
                    if plan.id == "tuong-1" && index < TUONG_1_SECONDED as usize =>
                {
                    Role::Seconded
                }
                Profile::Residential => Role::Resident,
                Profile::School => Role::Teacher,
                Profile::Police => Role::Police,
            };
            people.push(generate_person(
                &mut rng,
                plan,
                role,
                index,
                &mut used_names,
                &HOP_THANH,
            ));
        }
        people.extend(recent.into_iter().map(recent_person));
    }
    for person in &mut people {
        person.citizen_id = citizen_id(&mut rng, person.birth, person.gender, &mut used_ids);
    }
    assign_decision_numbers(&mut rng, &mut people);

    let members = people
        .iter()
        .enumerate()
        .map(|(index, person)| admission_request(&mut rng, index, person, today, &HOP_THANH))
        .collect();

    // The admission part draws from its own generator so that the roll above stays exactly as
    // it was before the admission data existed.
    let mut candidate_rng = SplitMix64(SEED ^ CANDIDATE_SEED_SALT);
    let candidates: Vec<SeedCandidate> = CANDIDATE_SPECS
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            seed_candidate(&mut candidate_rng, index, spec, &people, &mut used_ids)
        })
        .collect();
    let member_ratings = member_ratings(&candidates);
    // Tả Phời draws from its own generator, after everything above, so Hợp Thành stays as it was.
    let ta_phoi = ta_phoi(today, &mut used_names, &mut used_ids);
    let member_updates = member_updates(&people);
    Dataset {
        commune,
        cells,
        members,
        target: SetTargetRequest {
            parent: COMMUNE.to_owned(),
            target: Some(Target {
                first_year: TARGET_FIRST_YEAR,
                last_year: TARGET_LAST_YEAR,
                admissions_per_year: TARGET_ADMISSIONS_PER_YEAR as i32,
                good_cells_percent: TARGET_GOOD_CELLS_PERCENT as i32,
                ..Target::default()
            }),
        },
        cell_plans: CELL_PLANS_2022
            .iter()
            .map(|(cell, sources, admissions, notes)| SetCellPlanRequest {
                parent: names::cell(COMMUNE_CODE, cell),
                plan: Some(CellPlanMessage {
                    year: PLAN_YEAR,
                    sources_to_develop: *sources,
                    admissions: *admissions,
                    notes: (*notes).to_owned(),
                    ..CellPlanMessage::default()
                }),
            })
            .collect(),
        cell_ratings: CELL_RATINGS_2021
            .iter()
            .map(|(cell, level)| RateCellRequest {
                parent: names::cell(COMMUNE_CODE, cell),
                rating: Some(CellRating {
                    year: RATING_YEAR,
                    level: *level as i32,
                    ..CellRating::default()
                }),
            })
            .collect(),
        candidates,
        member_ratings,
        ta_phoi,
        member_updates,
    }
}

/// Mixed into [`SEED`] for the candidates' generator.
const CANDIDATE_SEED_SALT: u64 = 0x4341_4e44_4944_4154;

/// The 2021 rating of every cell: 3 EXCELLENT, 10 GOOD, 3 COMPLETED. Tượng 1, with its ageing
/// local members and no admission for years, is among the COMPLETED.
const CELL_RATINGS_2021: [(&str, RatingLevel); 16] = [
    ("tuong-1", RatingLevel::Completed),
    ("tuong-2", RatingLevel::Good),
    ("tuong-3", RatingLevel::Good),
    ("canh-chin", RatingLevel::Good),
    ("lang-moi", RatingLevel::Good),
    ("son-hai", RatingLevel::Good),
    ("khe-chan", RatingLevel::Good),
    ("trung-tam", RatingLevel::Excellent),
    ("hop-thanh-1", RatingLevel::Good),
    ("hop-thanh-2", RatingLevel::Good),
    ("khe-lech", RatingLevel::Completed),
    ("tan-lap", RatingLevel::Completed),
    ("mam-non", RatingLevel::Good),
    ("tieu-hoc", RatingLevel::Good),
    ("thcs", RatingLevel::Excellent),
    ("cong-an", RatingLevel::Excellent),
];

/// The 2022 plan of every cell: (cell, sources to develop, admissions, notes). The admissions add
/// up to the target of 6; Tượng 1 plans nothing because it has no source.
const CELL_PLANS_2022: [(&str, i32, i32, &str); 16] = [
    (
        "tuong-1",
        0,
        0,
        "Chưa có nguồn: thanh niên đi làm ăn xa, đảng viên tại chỗ cao tuổi",
    ),
    ("tuong-2", 1, 1, ""),
    ("tuong-3", 1, 0, ""),
    ("canh-chin", 1, 0, ""),
    ("lang-moi", 2, 1, ""),
    ("son-hai", 1, 1, ""),
    ("khe-chan", 1, 0, ""),
    ("trung-tam", 2, 1, "Tạo nguồn từ quân nhân xuất ngũ"),
    ("hop-thanh-1", 1, 0, ""),
    ("hop-thanh-2", 1, 1, ""),
    ("khe-lech", 1, 0, ""),
    ("tan-lap", 1, 0, ""),
    ("mam-non", 0, 0, ""),
    ("tieu-hoc", 1, 1, ""),
    ("thcs", 1, 0, ""),
    ("cong-an", 0, 0, ""),
];

/// A day written as a tuple in the hand-written tables.
type Day = (i32, u32, u32);

/// One admission source of the dataset, written by hand.
struct CandidateSpec {
    cell: &'static str,
    full_name: &'static str,
    gender: Gender,
    birth: Day,
    ethnicity: &'static str,
    education: GeneralEducation,
    occupation: &'static str,
    youth_union: bool,
    source: CandidateSource,
    /// Issuer and day of the awareness-class certificate.
    certificate: Option<(&'static str, Day)>,
    /// Months each of the two introducing members has worked with the candidate; empty for no
    /// introducer yet.
    introducer_months: &'static [i32],
    background_check: BackgroundCheck,
    papers: Option<Day>,
    lives_away: bool,
    /// The cell's vote (eligible, present, yes) and its day.
    cell_vote: Option<((i32, i32, i32), Day)>,
    stage: CandidateStage,
    stage_date: Day,
}

/// Where the commune's awareness classes are held.
const CLASS_ISSUER: &str = "Trung tâm Chính trị thành phố Lào Cai";

/// The eight sources of 30 June 2022, none in Tượng 1.
/// A source with nothing recorded beyond the person and the stage: no certificate, introducer,
/// check, papers or vote, living in the commune. The table below overrides what it knows.
#[allow(clippy::too_many_arguments)]
const fn source(
    cell: &'static str,
    full_name: &'static str,
    gender: Gender,
    birth: Day,
    ethnicity: &'static str,
    education: GeneralEducation,
    occupation: &'static str,
    youth_union: bool,
    source: CandidateSource,
    stage: CandidateStage,
    stage_date: Day,
) -> CandidateSpec {
    CandidateSpec {
        cell,
        full_name,
        gender,
        birth,
        ethnicity,
        education,
        occupation,
        youth_union,
        source,
        certificate: None,
        introducer_months: &[],
        background_check: BackgroundCheck::Unspecified,
        papers: None,
        lives_away: false,
        cell_vote: None,
        stage,
        stage_date,
    }
}

const CANDIDATE_SPECS: [CandidateSpec; 8] = [
    // Finished the class in 2022, complete but for primary education (the commune is not a
    // flagged area, so lower-secondary is required).
    CandidateSpec {
        certificate: Some((CLASS_ISSUER, (2022, 4, 15))),
        introducer_months: &[30, 26],
        background_check: BackgroundCheck::InProgress,
        papers: Some((2022, 5, 20)),
        ..source(
            "son-hai",
            "Giàng Thị Súa",
            Gender::Female,
            (2000, 2, 11),
            "08",
            GeneralEducation::Primary,
            "Làm nông nghiệp",
            true,
            CandidateSource::YouthUnion,
            CandidateStage::Dossier,
            (2022, 5, 20),
        )
    },
    CandidateSpec {
        certificate: Some((CLASS_ISSUER, (2022, 4, 15))),
        introducer_months: &[48, 24],
        papers: Some((2022, 6, 10)),
        ..source(
            "khe-lech",
            "Thào A Chư",
            Gender::Male,
            (1996, 7, 3),
            "08",
            GeneralEducation::Primary,
            "Làm nông nghiệp",
            false,
            CandidateSource::Other,
            CandidateStage::ClassDone,
            (2022, 4, 15),
        )
    },
    // Finished the class in 2022 and eligible on 30 June 2022.
    CandidateSpec {
        certificate: Some((CLASS_ISSUER, (2022, 3, 25))),
        introducer_months: &[36, 18],
        background_check: BackgroundCheck::Passed,
        papers: Some((2022, 5, 5)),
        ..source(
            "lang-moi",
            "Triệu Thị Xuân",
            Gender::Female,
            (1998, 10, 22),
            "09",
            GeneralEducation::LowerSecondary,
            "Làm nông nghiệp",
            true,
            CandidateSource::YouthUnion,
            CandidateStage::Verified,
            (2022, 6, 15),
        )
    },
    CandidateSpec {
        certificate: Some((CLASS_ISSUER, (2022, 3, 25))),
        introducer_months: &[40, 28],
        background_check: BackgroundCheck::Passed,
        papers: Some((2022, 5, 12)),
        cell_vote: Some(((11, 10, 10), (2022, 6, 24))),
        ..source(
            "hop-thanh-2",
            CELL_APPROVED_CANDIDATE,
            Gender::Male,
            (1994, 5, 9),
            "02",
            GeneralEducation::UpperSecondary,
            "Kinh doanh",
            false,
            CandidateSource::Other,
            CandidateStage::CellApproved,
            (2022, 6, 24),
        )
    },
    // Demobilised soldiers without the unit's referral letter; the first took the class in his
    // unit before leaving the army.
    CandidateSpec {
        certificate: Some((
            "Trung đoàn 254, Bộ Chỉ huy Quân sự tỉnh Lào Cai",
            (2020, 11, 20),
        )),
        introducer_months: &[15, 15],
        ..source(
            "trung-tam",
            "Vi Văn Thịnh",
            Gender::Male,
            (2000, 8, 17),
            "02",
            GeneralEducation::UpperSecondary,
            "Bộ đội xuất ngũ",
            true,
            CandidateSource::DemobilisedSoldier,
            CandidateStage::ClassDone,
            (2022, 3, 2),
        )
    },
    source(
        "canh-chin",
        "Chảo Văn Lâm",
        Gender::Male,
        (2001, 1, 30),
        "09",
        GeneralEducation::LowerSecondary,
        "Bộ đội xuất ngũ",
        true,
        CandidateSource::DemobilisedSoldier,
        CandidateStage::Identified,
        (2022, 4, 8),
    ),
    // Youth Union members working away from the commune.
    CandidateSpec {
        lives_away: true,
        ..source(
            "tuong-3",
            "Lò Thị Hạnh",
            Gender::Female,
            (2002, 3, 14),
            "25",
            GeneralEducation::UpperSecondary,
            "Công nhân khu công nghiệp tỉnh Bắc Ninh",
            true,
            CandidateSource::YouthUnion,
            CandidateStage::Identified,
            (2022, 2, 21),
        )
    },
    CandidateSpec {
        lives_away: true,
        ..source(
            "tan-lap",
            "Ma Văn Khải",
            Gender::Male,
            (2000, 11, 5),
            "02",
            GeneralEducation::UpperSecondary,
            "Lao động tự do tại Hà Nội",
            true,
            CandidateSource::YouthUnion,
            CandidateStage::Identified,
            (2022, 1, 17),
        )
    },
];

fn day(value: Day) -> NaiveDate {
    ymd(value.0, value.1, value.2)
}

/// The introducers of a candidate: long-standing members of the candidate's cell, admitted
/// between 1995 and 2012 and so official long before 30 June 2022 and still today (the dataset
/// records no departure), the earliest admitted first.
fn introducers_for(cell: &str, people: &[Person], count: usize) -> Vec<String> {
    let mut long_standing: Vec<&Person> = people
        .iter()
        .filter(|p| p.cell == cell && (1995..=2012).contains(&p.decision.year()))
        .collect();
    if long_standing.len() < count {
        // Any member admitted before 2016 is official well before the reference date.
        long_standing = people
            .iter()
            .filter(|p| p.cell == cell && p.decision.year() < 2016)
            .collect();
    }
    long_standing.sort_by_key(|p| (p.decision, p.full_name.clone()));
    long_standing
        .into_iter()
        .take(count)
        .map(|p| p.full_name.clone())
        .collect()
}

fn seed_candidate(
    rng: &mut SplitMix64,
    index: usize,
    spec: &CandidateSpec,
    people: &[Person],
    used_ids: &mut HashSet<String>,
) -> SeedCandidate {
    let parts = text::split_full_name(spec.full_name);
    let birth = day(spec.birth);
    let introducers = introducers_for(spec.cell, people, spec.introducer_months.len())
        .into_iter()
        .zip(spec.introducer_months.iter().copied())
        .collect();
    let (cell_vote, cell_vote_date) = match spec.cell_vote {
        Some(((eligible, present, yes), vote_day)) => (
            Some(VoteTally {
                eligible,
                present,
                yes,
                no: present - yes,
            }),
            date::format(day(vote_day)),
        ),
        None => (None, String::new()),
    };
    let candidate = Candidate {
        cell: names::cell(COMMUNE_CODE, spec.cell),
        full_name: spec.full_name.to_owned(),
        family_name: parts.family,
        middle_name: parts.middle,
        given_name: parts.given,
        gender: spec.gender as i32,
        birth_date: date::format(birth),
        ethnicity_code: spec.ethnicity.to_owned(),
        general_education: spec.education as i32,
        occupation: spec.occupation.to_owned(),
        citizen_id: citizen_id(rng, birth, spec.gender, used_ids),
        youth_union: spec.youth_union,
        source: spec.source as i32,
        certificate: spec
            .certificate
            .map(|(issuer, issued)| AwarenessCertificate {
                issuer: issuer.to_owned(),
                issue_date: date::format(day(issued)),
            }),
        background_check: spec.background_check as i32,
        papers_date: spec
            .papers
            .map(|papers| date::format(day(papers)))
            .unwrap_or_default(),
        has_military_referral: false,
        lives_away: spec.lives_away,
        cell_vote,
        cell_vote_date,
        stage: spec.stage as i32,
        stage_date: date::format(day(spec.stage_date)),
        ..Candidate::default()
    };
    SeedCandidate {
        request: CreateCandidateRequest {
            candidate: Some(candidate),
            request_id: format!("seed-hop-thanh-candidate-{}", index + 1),
        },
        introducers,
    }
}

/// The 2021 ratings of the first introducer of each introduced candidate: long-standing official
/// members, none exempt.
fn member_ratings(candidates: &[SeedCandidate]) -> Vec<SeedMemberRating> {
    const LEVELS: [RatingLevel; 5] = [
        RatingLevel::Excellent,
        RatingLevel::Good,
        RatingLevel::Good,
        RatingLevel::Completed,
        RatingLevel::Good,
    ];
    candidates
        .iter()
        .filter_map(|c| c.introducers.first())
        .zip(LEVELS)
        .map(|((full_name, _), level)| SeedMemberRating {
            member_full_name: full_name.clone(),
            rating: MemberRating {
                year: RATING_YEAR,
                level: level as i32,
                ..MemberRating::default()
            },
        })
        .collect()
}

/// What kind of cell a plan is, which decides the profile of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    Residential,
    School,
    Police,
}

/// One cell of the commune and how many members it has on the reference date.
struct CellPlan {
    id: &'static str,
    display_name: &'static str,
    kind: CellKind,
    profile: Profile,
    /// Founding date: before the first admission decided in the cell.
    open: (i32, u32, u32),
    /// Members on the reference date, the recent admissions included.
    members: usize,
    /// The village, for addresses; empty for schools and the police.
    village: &'static str,
    /// Admissions in the cell are generated from this year on.
    first_year: i32,
    /// … up to this year.
    last_year: i32,
}

const fn residential(
    id: &'static str,
    display_name: &'static str,
    village: &'static str,
    members: usize,
    open_year: i32,
) -> CellPlan {
    CellPlan {
        id,
        display_name,
        kind: CellKind::Residential,
        profile: Profile::Residential,
        open: (open_year, 3, 3),
        members,
        village,
        first_year: FIRST_ADMISSION_YEAR,
        last_year: 2020,
    }
}

/// The 16 cells: 12 residential, 3 school, 1 police. The member counts add up to 172.
const CELLS: [CellPlan; 16] = [
    CellPlan {
        last_year: TUONG_1_NO_ADMISSION_SINCE - 2,
        ..residential("tuong-1", "Chi bộ thôn Tượng 1", "Tượng 1", 9, 1962)
    },
    residential("tuong-2", "Chi bộ thôn Tượng 2", "Tượng 2", 13, 1962),
    residential("tuong-3", "Chi bộ thôn Tượng 3", "Tượng 3", 12, 1963),
    residential("canh-chin", "Chi bộ thôn Cánh Chín", "Cánh Chín", 11, 1961),
    residential("lang-moi", "Chi bộ thôn Làng Mới", "Làng Mới", 13, 1964),
    residential("son-hai", "Chi bộ thôn Sơn Hải", "Sơn Hải", 10, 1963),
    residential("khe-chan", "Chi bộ thôn Khe Chấn", "Khe Chấn", 14, 1962),
    residential("trung-tam", "Chi bộ thôn Trung Tâm", "Trung Tâm", 15, 1960),
    residential(
        "hop-thanh-1",
        "Chi bộ thôn Hợp Thành 1",
        "Hợp Thành 1",
        13,
        1960,
    ),
    residential(
        "hop-thanh-2",
        "Chi bộ thôn Hợp Thành 2",
        "Hợp Thành 2",
        12,
        1961,
    ),
    residential("khe-lech", "Chi bộ thôn Khe Lếch", "Khe Lếch", 11, 1964),
    residential("tan-lap", "Chi bộ thôn Tân Lập", "Tân Lập", 9, 1963),
    CellPlan {
        id: "mam-non",
        display_name: "Chi bộ Trường Mầm non Hợp Thành",
        kind: CellKind::School,
        profile: Profile::School,
        open: (1998, 9, 5),
        members: 7,
        village: "",
        first_year: 1999,
        last_year: 2020,
    },
    CellPlan {
        id: "tieu-hoc",
        display_name: "Chi bộ Trường Tiểu học Hợp Thành",
        kind: CellKind::School,
        profile: Profile::School,
        open: (1990, 9, 5),
        members: 8,
        village: "",
        first_year: 1991,
        last_year: 2020,
    },
    CellPlan {
        id: "thcs",
        display_name: "Chi bộ Trường THCS Hợp Thành",
        kind: CellKind::School,
        profile: Profile::School,
        open: (1994, 9, 5),
        members: 9,
        village: "",
        first_year: 1995,
        last_year: 2020,
    },
    CellPlan {
        id: "cong-an",
        display_name: "Chi bộ Công an xã",
        kind: CellKind::Police,
        profile: Profile::Police,
        open: (2008, 9, 1),
        members: 6,
        village: "",
        first_year: 2009,
        last_year: 2020,
    },
];

/// An admission of 2021 or 2022, written by hand so that the article's counts and the
/// probationary figures on the reference date are exact.
struct Recent {
    cell: &'static str,
    full_name: &'static str,
    gender: Gender,
    birth: (i32, u32, u32),
    ethnicity: &'static str,
    education: GeneralEducation,
    qualification: Qualification,
    occupation: &'static str,
    decision: (i32, u32, u32),
    ceremony: (i32, u32, u32),
}

const RECENT_ADMISSIONS: [Recent; 8] = [
    Recent {
        cell: "khe-chan",
        full_name: "Hoàng Thị Thu Hà",
        gender: Gender::Female,
        birth: (1998, 8, 14),
        ethnicity: "02",
        education: GeneralEducation::UpperSecondary,
        qualification: Qualification::College,
        occupation: "Nhân viên y tế thôn bản",
        decision: (2021, 3, 18),
        ceremony: (2021, 4, 2),
    },
    Recent {
        cell: "lang-moi",
        full_name: "Bàn Văn Quý",
        gender: Gender::Male,
        birth: (1996, 11, 3),
        ethnicity: "09",
        education: GeneralEducation::LowerSecondary,
        qualification: Qualification::None,
        occupation: "Làm nông nghiệp",
        decision: (2021, 5, 20),
        ceremony: (2021, 6, 4),
    },
    Recent {
        cell: "cong-an",
        full_name: "Lò Văn Khánh",
        gender: Gender::Male,
        birth: (1999, 2, 27),
        ethnicity: "25",
        education: GeneralEducation::UpperSecondary,
        qualification: Qualification::Vocational,
        occupation: "Công an xã",
        decision: (2021, 7, 9),
        ceremony: (2021, 7, 27),
    },
    Recent {
        cell: "thcs",
        full_name: "Nguyễn Thị Hồng Nhung",
        gender: Gender::Female,
        birth: (1995, 6, 30),
        ethnicity: "01",
        education: GeneralEducation::UpperSecondary,
        qualification: Qualification::University,
        occupation: "Giáo viên",
        decision: (2021, 8, 26),
        ceremony: (2021, 9, 10),
    },
    Recent {
        cell: "trung-tam",
        full_name: "Đặng Văn Chiến",
        gender: Gender::Male,
        birth: (2000, 4, 19),
        ethnicity: "09",
        education: GeneralEducation::UpperSecondary,
        qualification: Qualification::None,
        occupation: "Bộ đội xuất ngũ",
        decision: (2021, 10, 14),
        ceremony: (2021, 10, 29),
    },
    Recent {
        cell: "hop-thanh-1",
        full_name: "Vàng Thị Mỷ",
        gender: Gender::Female,
        birth: (1997, 12, 5),
        ethnicity: "08",
        education: GeneralEducation::LowerSecondary,
        qualification: Qualification::None,
        occupation: "Làm nông nghiệp",
        decision: (2021, 12, 2),
        ceremony: (2021, 12, 17),
    },
    Recent {
        cell: "tuong-2",
        full_name: "Lý Văn Tiến",
        gender: Gender::Male,
        birth: (2001, 9, 21),
        ethnicity: "40",
        education: GeneralEducation::UpperSecondary,
        qualification: Qualification::Vocational,
        occupation: "Công nhân",
        decision: (2022, 3, 10),
        ceremony: (2022, 3, 25),
    },
    Recent {
        cell: "tieu-hoc",
        full_name: "Trần Thị Ngọc Ánh",
        gender: Gender::Female,
        birth: (1997, 1, 8),
        ethnicity: "01",
        education: GeneralEducation::UpperSecondary,
        qualification: Qualification::University,
        occupation: "Giáo viên",
        decision: (2022, 5, 19),
        ceremony: (2022, 6, 3),
    },
];

/// What a generated member does, which shapes age, education and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Resident,
    Seconded,
    Teacher,
    Police,
}

/// A person before being turned into a request.
#[derive(Debug, Clone)]
struct Person {
    cell: &'static str,
    full_name: String,
    gender: Gender,
    birth: NaiveDate,
    ethnicity: &'static str,
    home_town: &'static str,
    address: String,
    citizen_id: String,
    education: GeneralEducation,
    qualification: Qualification,
    theory: PoliticalTheory,
    occupation: &'static str,
    assignment: Assignment,
    decision: NaiveDate,
    decision_number: String,
    ceremony: NaiveDate,
}

/// A calendar date. The generator passes days of at most 28 and the hand-written tables real
/// days (a unit test checks them), so the fallback is unreachable; it exists so that no code path
/// can panic.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// SplitMix64: a tiny, well-mixed generator whose output is the same on every platform.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high` (the modulo bias is irrelevant at these sizes).
    pub(crate) fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = (high - low + 1) as u64;
        low + (self.next_u64() % span) as i64
    }

    /// True with the given probability in percent.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items`, which are never empty (they are the constant tables below).
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let index = (self.next_u64() % items.len().max(1) as u64) as usize;
        items[index.min(items.len().saturating_sub(1))]
    }

    /// One of `items` by weight.
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.next_u64() % total.max(1);
        for (item, weight) in items {
            if roll < u64::from(*weight) {
                return *item;
            }
            roll -= u64::from(*weight);
        }
        items[items.len().saturating_sub(1)].0
    }
}

/// Ethnic groups of residents: the mix of a commune near Lào Cai city.
const RESIDENT_ETHNICITIES: [(&str, u32); 7] = [
    ("01", 40),
    ("02", 18),
    ("09", 15),
    ("25", 9),
    ("08", 7),
    ("07", 6),
    ("40", 5),
];
/// Ethnic groups of teachers, police and officials, more often Kinh.
const STAFF_ETHNICITIES: [(&str, u32); 5] =
    [("01", 62), ("02", 16), ("25", 10), ("09", 7), ("07", 5)];

fn family_names(ethnicity: &str) -> &'static [&'static str] {
    match ethnicity {
        "02" => &["Hoàng", "Nông", "Lương", "Ma", "Vi", "Hà"],
        "09" => &["Bàn", "Đặng", "Triệu", "Lý", "Chảo"],
        "25" => &["Lò", "Vàng", "Hoàng", "Sần"],
        "08" => &["Giàng", "Vàng", "Sùng", "Thào", "Lù", "Lý"],
        "07" => &["Nông", "Hoàng", "Lục", "Vi"],
        "40" => &["Pờ", "Lý", "Vàng", "Sần"],
        "03" => &["Lò", "Tòng", "Lường", "Quàng", "Cầm", "Điêu"],
        "35" => &["Lỳ", "Chu", "Pờ", "Phìn", "Sừ"],
        "42" => &["Lò", "Tao", "Vàng", "Pòng"],
        _ => &[
            "Nguyễn", "Trần", "Phạm", "Lê", "Vũ", "Hoàng", "Đỗ", "Bùi", "Đặng", "Ngô",
        ],
    }
}

fn given_names(ethnicity: &str, gender: Gender) -> &'static [&'static str] {
    match (ethnicity, gender) {
        ("08", Gender::Female) => &["Mỷ", "Súa", "Dế", "Pà", "Mai", "Sênh"],
        ("08", _) => &["Páo", "Chư", "Sình", "Dình", "Chứ", "Lử", "Pao"],
        ("09", Gender::Female) => &["Mẩy", "Xuân", "Dung", "Liên", "Hoa", "Vân"],
        ("09", _) => &["Phú", "Quẩy", "Chòi", "Kiềm", "Vần", "Sơn", "Lâm", "Tiến"],
        (_, Gender::Female) => &[
            "Hoa", "Lan", "Hương", "Mai", "Hằng", "Thủy", "Nga", "Thảo", "Linh", "Huyền", "Dung",
            "Yến", "Liên", "Nhung", "Phương", "Hà", "Loan", "Xuân", "Hạnh", "Oanh",
        ],
        _ => &[
            "Hùng", "Dũng", "Long", "Thắng", "Tuấn", "Cường", "Hải", "Sơn", "Phú", "Quý", "Bình",
            "Toàn", "Thành", "Hưng", "Tiến", "Lâm", "Vinh", "Hòa", "Kiên", "Trung", "Đức", "Phong",
            "Nam", "Việt", "Thịnh", "Khải",
        ],
    }
}

fn middle_name(rng: &mut SplitMix64, ethnicity: &str, gender: Gender) -> &'static str {
    match (ethnicity, gender) {
        ("08", Gender::Female) => "Thị",
        ("08", _) => rng.pick(&["A", "Seo", "Mí", "A"]),
        ("01", Gender::Female) => rng.weighted(&[
            ("Thị", 70),
            ("Thị Thu", 10),
            ("Thị Hồng", 8),
            ("Thu", 6),
            ("Ngọc", 6),
        ]),
        ("01", _) => rng.weighted(&[
            ("Văn", 55),
            ("Đức", 10),
            ("Minh", 10),
            ("Quang", 8),
            ("Hữu", 7),
            ("Xuân", 5),
            ("Ngọc", 5),
        ]),
        ("09", Gender::Male) => rng.weighted(&[("Văn", 70), ("Tả", 15), ("Kiềm", 15)]),
        (_, Gender::Female) => "Thị",
        _ => rng.weighted(&[("Văn", 85), ("Đức", 8), ("Minh", 7)]),
    }
}

/// A Vietnamese full name; about one Kinh name in twenty-five has no middle name, and some have
/// two middle words, because names are not always three words.
pub(crate) fn full_name(rng: &mut SplitMix64, ethnicity: &'static str, gender: Gender) -> String {
    let family = rng.pick(family_names(ethnicity));
    let given = rng.pick(given_names(ethnicity, gender));
    if ethnicity == "01" && rng.chance(4) {
        return format!("{family} {given}");
    }
    format!("{family} {} {given}", middle_name(rng, ethnicity, gender))
}

const HOME_TOWNS: [(&str, u32); 6] = [
    ("Xã Hợp Thành, Lào Cai", 70),
    ("Xã Tả Phời, Lào Cai", 8),
    ("Huyện Bảo Thắng, Lào Cai", 8),
    ("Tỉnh Nam Định", 5),
    ("Tỉnh Thái Bình", 5),
    ("Tỉnh Phú Thọ", 4),
];

/// Where generated people live and who decides their admission: what differs between the
/// communes of the dataset.
pub(crate) struct Locality {
    /// The commune's code.
    pub(crate) commune_code: &'static str,
    /// `xã Hợp Thành`, as written inside an address.
    pub(crate) commune_label: &'static str,
    /// `thành phố Lào Cai, tỉnh Lào Cai`: the rest of an address.
    pub(crate) region: &'static str,
    /// The body deciding admissions.
    pub(crate) deciding_body: &'static str,
    /// Request ids of the admissions are this prefix and a number.
    pub(crate) request_prefix: &'static str,
    /// The ethnic mix of residents.
    pub(crate) resident_ethnicities: &'static [(&'static str, u32)],
    /// Home towns by weight.
    pub(crate) home_towns: &'static [(&'static str, u32)],
    /// Villages where staff of schools and the police live.
    pub(crate) staff_villages: &'static [&'static str],
}

impl Locality {
    fn address(&self, village: &str) -> String {
        format!("Thôn {village}, {}, {}", self.commune_label, self.region)
    }
}

/// Hợp Thành: the tables as they always were, so that its people stay the same.
const HOP_THANH: Locality = Locality {
    commune_code: COMMUNE_CODE,
    commune_label: "xã Hợp Thành",
    region: "thành phố Lào Cai, tỉnh Lào Cai",
    deciding_body: DECIDING_BODY,
    request_prefix: "seed-hop-thanh-member",
    resident_ethnicities: &RESIDENT_ETHNICITIES,
    home_towns: &HOME_TOWNS,
    staff_villages: &["Tượng 2", "Trung Tâm", "Hợp Thành 1", "Làng Mới"],
};

fn village_address(village: &str) -> String {
    HOP_THANH.address(village)
}

/// Generates one member of a cell. Ages: at least 19 years at the decision (so at least 18 years
/// in months with a margin, and at least 20 on the reference date), at most 45, and born in 1937
/// or later so that nobody is older than 85 on the reference date.
fn generate_person(
    rng: &mut SplitMix64,
    plan: &CellPlan,
    role: Role,
    index: usize,
    used_names: &mut HashSet<String>,
    locality: &Locality,
) -> Person {
    let (first_year, last_year) = match role {
        // Officials seconded to Tượng 1: admitted in their working life, before the cell's drought.
        Role::Seconded => (1995, plan.last_year),
        _ => (plan.first_year, plan.last_year),
    };
    let decision = ymd(
        rng.range(first_year.into(), last_year.into()) as i32,
        rng.range(1, 12) as u32,
        rng.range(1, 28) as u32,
    );
    let earliest_birth = ymd(1937, 1, 1);
    let (min_age, max_age) = match role {
        Role::Resident => (19, 40),
        Role::Seconded => (22, 35),
        Role::Teacher => (22, 38),
        Role::Police => (20, 32),
    };
    let oldest = (decision - Duration::days(max_age * 365)).max(earliest_birth);
    let youngest = decision - Duration::days(min_age * 365 + 10);
    let birth = oldest + Duration::days(rng.range(0, (youngest - oldest).num_days().max(0)));

    let female_percent = match (role, plan.id) {
        (Role::Teacher, "mam-non") => 100,
        (Role::Teacher, _) => 65,
        (Role::Police, _) => 10,
        (Role::Seconded, _) => 40,
        (Role::Resident, _) => 33,
    };
    // A quota rather than a coin toss: every cell gets its share of women, whatever the seed.
    let is_female = (index + 1) * female_percent / 100 > index * female_percent / 100;
    let gender = if is_female {
        Gender::Female
    } else {
        Gender::Male
    };
    let ethnicity = match role {
        Role::Resident => rng.weighted(locality.resident_ethnicities),
        _ => rng.weighted(&STAFF_ETHNICITIES),
    };
    let mut name = full_name(rng, ethnicity, gender);
    // Names are unique in the dataset so that a person can be found by name in the demo; a few
    // retries always suffice with these tables, and the suffix-free fallback keeps it total.
    for _ in 0..50 {
        if !used_names.contains(&name) {
            break;
        }
        name = full_name(rng, ethnicity, gender);
    }
    used_names.insert(name.clone());

    let born = birth.year();
    let education = match role {
        Role::Resident if born < 1955 => rng.weighted(&[
            (GeneralEducation::Primary, 35),
            (GeneralEducation::LowerSecondary, 55),
            (GeneralEducation::UpperSecondary, 10),
        ]),
        Role::Resident if born < 1976 => rng.weighted(&[
            (GeneralEducation::LowerSecondary, 55),
            (GeneralEducation::UpperSecondary, 45),
        ]),
        Role::Resident => rng.weighted(&[
            (GeneralEducation::LowerSecondary, 15),
            (GeneralEducation::UpperSecondary, 85),
        ]),
        _ => GeneralEducation::UpperSecondary,
    };
    let qualification = match role {
        Role::Resident if born < 1960 => {
            rng.weighted(&[(Qualification::None, 85), (Qualification::Vocational, 15)])
        }
        Role::Resident => rng.weighted(&[
            (Qualification::None, 50),
            (Qualification::Vocational, 32),
            (Qualification::College, 8),
            (Qualification::University, 10),
        ]),
        Role::Seconded => {
            rng.weighted(&[(Qualification::University, 85), (Qualification::Master, 15)])
        }
        Role::Teacher => rng.weighted(&[
            (Qualification::College, 40),
            (Qualification::University, 60),
        ]),
        Role::Police => rng.weighted(&[
            (Qualification::Vocational, 60),
            (Qualification::University, 40),
        ]),
    };
    let theory = match role {
        Role::Resident => rng.weighted(&[
            (PoliticalTheory::None, 52),
            (PoliticalTheory::Elementary, 40),
            (PoliticalTheory::Intermediate, 8),
        ]),
        Role::Seconded => PoliticalTheory::Intermediate,
        Role::Teacher | Role::Police => rng.weighted(&[
            (PoliticalTheory::Elementary, 75),
            (PoliticalTheory::Intermediate, 25),
        ]),
    };
    let age_on_reference = 2022 - born;
    let occupation = match role {
        Role::Resident if age_on_reference >= 62 => {
            rng.weighted(&[("Nghỉ hưu", 45), ("Làm nông nghiệp", 55)])
        }
        Role::Resident => rng.weighted(&[
            ("Làm nông nghiệp", 55),
            ("Kinh doanh", 15),
            ("Công nhân", 12),
            ("Lao động tự do", 10),
            ("Trưởng thôn", 8),
        ]),
        Role::Seconded => rng.pick(&["Công chức xã", "Cán bộ xã"]),
        Role::Teacher => "Giáo viên",
        Role::Police => "Công an xã",
    };
    let address = if plan.village.is_empty() || role == Role::Seconded {
        let village = rng.pick(locality.staff_villages);
        locality.address(village)
    } else {
        locality.address(plan.village)
    };
    let ceremony = decision + Duration::days(rng.range(7, 28));
    Person {
        cell: plan.id,
        full_name: name,
        gender,
        birth,
        ethnicity,
        home_town: rng.weighted(locality.home_towns),
        address,
        citizen_id: String::new(),
        education,
        qualification,
        theory,
        occupation,
        assignment: if role == Role::Seconded {
            Assignment::Seconded
        } else {
            Assignment::Local
        },
        decision,
        decision_number: String::new(),
        ceremony,
    }
}

fn recent_person(recent: &Recent) -> Person {
    let plan_village = CELLS
        .iter()
        .find(|plan| plan.id == recent.cell)
        .map_or("", |plan| plan.village);
    Person {
        cell: recent.cell,
        full_name: recent.full_name.to_owned(),
        gender: recent.gender,
        birth: ymd(recent.birth.0, recent.birth.1, recent.birth.2),
        ethnicity: recent.ethnicity,
        home_town: "Xã Hợp Thành, Lào Cai",
        address: village_address(if plan_village.is_empty() {
            "Trung Tâm"
        } else {
            plan_village
        }),
        citizen_id: String::new(),
        education: recent.education,
        qualification: recent.qualification,
        theory: PoliticalTheory::None,
        occupation: recent.occupation,
        assignment: Assignment::Local,
        decision: ymd(recent.decision.0, recent.decision.1, recent.decision.2),
        decision_number: String::new(),
        ceremony: ymd(recent.ceremony.0, recent.ceremony.1, recent.ceremony.2),
    }
}

/// A 12-digit citizen id in the CCCD layout: province `010`, a digit for century and gender, the
/// two digits of the birth year, then six random digits. Unique within the dataset.
fn citizen_id(
    rng: &mut SplitMix64,
    birth: NaiveDate,
    gender: Gender,
    used: &mut HashSet<String>,
) -> String {
    citizen_id_in(rng, "010", birth, gender, used)
}

/// [`citizen_id`] with the 3-digit province prefix of another province.
pub(crate) fn citizen_id_in(
    rng: &mut SplitMix64,
    province: &str,
    birth: NaiveDate,
    gender: Gender,
    used: &mut HashSet<String>,
) -> String {
    let century_gender = match (birth.year() >= 2000, gender == Gender::Female) {
        (false, false) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (true, true) => 3,
    };
    let mut id = String::new();
    // A clash among 172 draws from a million is rare; a few retries make it impossible in practice
    // and the generator is deterministic, so the unit test proves it for this seed.
    for _ in 0..20 {
        id = format!(
            "{province}{century_gender}{:02}{:06}",
            birth.year().rem_euclid(100),
            rng.range(0, 999_999)
        );
        if used.insert(id.clone()) {
            break;
        }
    }
    id
}

/// Numbers the decisions of each year in date order, the way a committee's register does.
fn assign_decision_numbers(rng: &mut SplitMix64, people: &mut [Person]) {
    let mut order: Vec<usize> = (0..people.len()).collect();
    order.sort_by_key(|&index| (people[index].decision, index));
    let mut year = 0;
    let mut number = 0;
    for index in order {
        let person = &mut people[index];
        if person.decision.year() != year {
            year = person.decision.year();
            number = rng.range(3, 20);
        }
        person.decision_number = format!("{number}-QĐ/ĐU");
        number += rng.range(1, 12);
    }
}

/// A cell vote that passes: at least 3 eligible, yes votes reaching two thirds of them.
pub(crate) fn cell_vote(rng: &mut SplitMix64) -> VoteTally {
    let eligible = rng.range(3, 15) as i32;
    let present = eligible - rng.range(0, i64::from(eligible / 5)) as i32;
    let needed = (2 * eligible + 2) / 3;
    let yes = (present - rng.range(0, 1) as i32).max(needed);
    VoteTally {
        eligible,
        present,
        yes,
        no: present - yes,
    }
}

fn admission_request(
    rng: &mut SplitMix64,
    index: usize,
    person: &Person,
    today: NaiveDate,
    locality: &Locality,
) -> RecordAdmissionRequest {
    let parts = text::split_full_name(&person.full_name);
    let official = date::add_months(person.ceremony, 12);
    let age_on_reference = date::age_in_years(person.birth, ymd(2022, 6, 30));
    let member = Member {
        full_name: person.full_name.clone(),
        family_name: parts.family,
        middle_name: parts.middle,
        given_name: parts.given,
        gender: person.gender as i32,
        birth_date: date::format(person.birth),
        ethnicity_code: person.ethnicity.to_owned(),
        home_town: person.home_town.to_owned(),
        citizen_id: person.citizen_id.clone(),
        address: person.address.clone(),
        general_education: person.education as i32,
        qualification: person.qualification as i32,
        political_theory: person.theory as i32,
        occupation: person.occupation.to_owned(),
        youth_union: age_on_reference <= 30,
        admission: Some(Admission {
            decision_date: date::format(person.decision),
            decision_number: person.decision_number.clone(),
            ceremony_date: date::format(person.ceremony),
            official_date: if official <= today {
                date::format(official)
            } else {
                String::new()
            },
            readmission: false,
        }),
        cell: names::cell(locality.commune_code, person.cell),
        assignment: person.assignment as i32,
        ..Member::default()
    };
    RecordAdmissionRequest {
        member: Some(member),
        cell_vote: Some(cell_vote(rng)),
        deciding_body: locality.deciding_body.to_owned(),
        request_id: format!("{}-{:03}", locality.request_prefix, index + 1),
    }
}

// ---------------------------------------------------------------------------------------------
// Tả Phời and the merge of 1 July 2025.
// ---------------------------------------------------------------------------------------------

/// Tả Phời's statistics-office code.
pub const TA_PHOI_CODE: &str = "02677";
/// Tả Phời's resource name.
pub const TA_PHOI: &str = "communes/02677";
/// Tả Phời's display name.
pub const TA_PHOI_DISPLAY_NAME: &str = "Xã Tả Phời";
/// First day of Tả Phời as recorded here.
pub const TA_PHOI_VALID_FROM: &str = "2008-01-01";
/// Last day of Tả Phời: the merge sets it.
pub const TA_PHOI_VALID_TO: &str = "2025-06-30";
/// Tả Phời's cells.
pub const TA_PHOI_CELLS: i64 = 4;
/// Tả Phời's members, all of them on the roll until the merge and transferred to Hợp Thành.
pub const TA_PHOI_MEMBERS: i64 = 40;
/// The first day of the merged Hợp Thành.
pub const MERGE_EFFECTIVE_DATE: &str = "2025-07-01";
/// The legal basis of the commune merge.
pub const MERGE_LEGAL_BASIS: &str = "Nghị quyết 1673/NQ-UBTVQH15";
/// The close date recorded on Tả Phời's cells: the day they were dissolved, the merge's first day,
/// so that they are open through the commune's last day.
pub const TA_PHOI_CELLS_CLOSE_DATE: &str = "2025-07-01";
/// The day Hợp Thành's cells for the villages of Tả Phời open.
pub const MERGED_CELLS_OPEN_DATE: &str = "2025-07-01";
/// Cells of Hợp Thành open on and after [`MERGE_EFFECTIVE_DATE`].
pub const CELLS_AFTER_MERGE: i64 = EXPECTED_CELLS + TA_PHOI_CELLS;
/// Members of Hợp Thành on [`MERGE_EFFECTIVE_DATE`] (the dataset records no departure).
pub const MEMBERS_AFTER_MERGE: i64 = EXPECTED_MEMBERS + TA_PHOI_MEMBERS;
/// Members of the former province 10 on [`REFERENCE_AS_OF`]: Hợp Thành and Tả Phời.
pub const PROVINCE_10_MEMBERS_2022: i64 = EXPECTED_MEMBERS + TA_PHOI_MEMBERS;
/// Hợp Thành members with a recorded party-age gap.
pub const MEMBERS_WITH_GAPS: i64 = 1;
/// Hợp Thành members recorded as seriously ill.
pub const SERIOUSLY_ILL_MEMBERS: i64 = 1;
/// Hợp Thành members with badges already handed.
pub const BADGE_HOLDERS: i64 = 3;
/// The award rounds as (month, day).
pub const AWARD_ROUNDS: [(u32, u32); 4] = [(2, 3), (5, 19), (9, 2), (11, 7)];
/// Badges are recorded as handed up to this round.
pub const BADGES_HANDED_UNTIL: &str = "2025-11-07";
/// The years of party age a badge marks.
pub const BADGE_YEARS: [i32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

/// Mixed into [`SEED`] for Tả Phời's generator.
const TA_PHOI_SEED_SALT: u64 = 0x5441_5048_4f49_2025;

/// Tả Phời's villages and school, all tables of the dataset.
const TA_PHOI_LOCALITY: Locality = Locality {
    commune_code: TA_PHOI_CODE,
    commune_label: "xã Tả Phời",
    region: "thành phố Lào Cai, tỉnh Lào Cai",
    deciding_body: "Đảng ủy xã Tả Phời",
    request_prefix: "seed-ta-phoi-member",
    resident_ethnicities: &[
        ("08", 34),
        ("09", 22),
        ("01", 16),
        ("02", 14),
        ("25", 8),
        ("40", 6),
    ],
    home_towns: &[
        ("Xã Tả Phời, Lào Cai", 80),
        ("Xã Hợp Thành, Lào Cai", 6),
        ("Huyện Bảo Thắng, Lào Cai", 6),
        ("Tỉnh Nam Định", 4),
        ("Tỉnh Thái Bình", 4),
    ],
    staff_villages: &["Tả Phời", "Phìn Hồ Thầu", "Cáng Cấu"],
};

/// Tả Phời's four cells; the member counts add up to [`TA_PHOI_MEMBERS`]. Admissions end in 2019,
/// so that the merge finds everyone official and Hợp Thành's 2021–2022 figures are untouched.
const TA_PHOI_CELL_PLANS: [CellPlan; 4] = [
    CellPlan {
        last_year: 2019,
        ..residential(
            "phin-ho-thau",
            "Chi bộ thôn Phìn Hồ Thầu",
            "Phìn Hồ Thầu",
            12,
            1974,
        )
    },
    CellPlan {
        last_year: 2019,
        ..residential("cang-cau", "Chi bộ thôn Cáng Cấu", "Cáng Cấu", 11, 1976)
    },
    CellPlan {
        last_year: 2019,
        ..residential("lang-ngam", "Chi bộ thôn Làng Ngầm", "Làng Ngầm", 10, 1978)
    },
    CellPlan {
        id: "truong-ta-phoi",
        display_name: "Chi bộ Trường PTDTBT Tiểu học và THCS Tả Phời",
        kind: CellKind::School,
        profile: Profile::School,
        open: (1996, 9, 5),
        members: 7,
        village: "",
        first_year: 1997,
        last_year: 2019,
    },
];

/// Tả Phời, the merge, and the moves it caused.
#[derive(Debug, Clone, PartialEq)]
pub struct TaPhoi {
    /// The commune, open-ended: the merge sets its last day.
    pub commune: CreateCommuneRequest,
    /// Its cells, open-ended: closed after the transfers.
    pub cells: Vec<CreateCellRequest>,
    /// Its members.
    pub members: Vec<RecordAdmissionRequest>,
    /// The merge of Tả Phời and Hợp Thành into Hợp Thành.
    pub merge: CreateMergeRequest,
    /// Hợp Thành's cells for Tả Phời's villages, opened on the merge day.
    pub merged_cells: Vec<CreateCellRequest>,
    /// One transfer per member, `name` empty (resolved when seeding by the member's full name).
    pub transfers: Vec<(String, TransferMemberRequest)>,
}

/// The party-age fields of a member that UpdateMember sets: gaps, serious illness, badges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartyAgeFields {
    /// Periods not counting towards party age.
    pub party_age_gaps: Vec<PartyAgeGap>,
    /// Seriously ill.
    pub seriously_ill: bool,
    /// Badges handed.
    pub badges: Vec<BadgeAward>,
}

impl PartyAgeFields {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

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

/// An update of a Hợp Thành member's party-age fields, the member named by full name.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedMemberUpdate {
    /// The member's full name in the dataset.
    pub member_full_name: String,
    /// What to set.
    pub fields: PartyAgeFields,
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
async fn create_missing<R, F, Fut>(
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

fn cell_request(
    commune_code: &str,
    plan: &CellPlan,
    open_date: String,
    request_prefix: &str,
) -> CreateCellRequest {
    CreateCellRequest {
        parent: names::commune(commune_code),
        cell_id: plan.id.to_owned(),
        cell: Some(Cell {
            display_name: plan.display_name.to_owned(),
            kind: plan.kind as i32,
            open_date,
            ..Cell::default()
        }),
        request_id: format!("{request_prefix}-{}", plan.id),
    }
}

fn ta_phoi(
    today: NaiveDate,
    used_names: &mut HashSet<String>,
    used_ids: &mut HashSet<String>,
) -> TaPhoi {
    let mut rng = SplitMix64(SEED ^ TA_PHOI_SEED_SALT);
    let mut people = Vec::new();
    for plan in &TA_PHOI_CELL_PLANS {
        let role = match plan.profile {
            Profile::School => Role::Teacher,
            _ => Role::Resident,
        };
        for index in 0..plan.members {
            people.push(generate_person(
                &mut rng,
                plan,
                role,
                index,
                used_names,
                &TA_PHOI_LOCALITY,
            ));
        }
    }
    for person in &mut people {
        person.citizen_id = citizen_id(&mut rng, person.birth, person.gender, used_ids);
    }
    assign_decision_numbers(&mut rng, &mut people);
    let members = people
        .iter()
        .enumerate()
        .map(|(index, person)| admission_request(&mut rng, index, person, today, &TA_PHOI_LOCALITY))
        .collect();
    let transfers = people
        .iter()
        .enumerate()
        .map(|(index, person)| {
            (
                person.full_name.clone(),
                TransferMemberRequest {
                    name: String::new(),
                    kind: TransferKind::ToCommune as i32,
                    effective_date: MERGE_EFFECTIVE_DATE.to_owned(),
                    to_cell: names::cell(COMMUNE_CODE, person.cell),
                    decision_number: "01-QĐ/ĐU".to_owned(),
                    request_id: format!("seed-ta-phoi-transfer-{:03}", index + 1),
                    ..TransferMemberRequest::default()
                },
            )
        })
        .collect();
    TaPhoi {
        commune: CreateCommuneRequest {
            commune: Some(Commune {
                code: TA_PHOI_CODE.to_owned(),
                display_name: TA_PHOI_DISPLAY_NAME.to_owned(),
                province_code: PROVINCE_CODE.to_owned(),
                valid_from: TA_PHOI_VALID_FROM.to_owned(),
                ..Commune::default()
            }),
            request_id: "seed-ta-phoi-commune".to_owned(),
        },
        cells: TA_PHOI_CELL_PLANS
            .iter()
            .map(|plan| {
                let open = date::format(ymd(plan.open.0, plan.open.1, plan.open.2));
                cell_request(TA_PHOI_CODE, plan, open, "seed-ta-phoi-cell")
            })
            .collect(),
        members,
        merge: CreateMergeRequest {
            merge: Some(UnitMerge {
                level: UnitLevel::Commune as i32,
                predecessor_codes: vec![TA_PHOI_CODE.to_owned(), COMMUNE_CODE.to_owned()],
                successor_code: COMMUNE_CODE.to_owned(),
                effective_date: MERGE_EFFECTIVE_DATE.to_owned(),
                legal_basis: MERGE_LEGAL_BASIS.to_owned(),
                ..UnitMerge::default()
            }),
            request_id: "seed-merge-ta-phoi-hop-thanh".to_owned(),
        },
        merged_cells: TA_PHOI_CELL_PLANS
            .iter()
            .map(|plan| {
                cell_request(
                    COMMUNE_CODE,
                    plan,
                    MERGED_CELLS_OPEN_DATE.to_owned(),
                    "seed-hop-thanh-merged-cell",
                )
            })
            .collect(),
        transfers,
    }
}

/// The first award round on or after `day`.
pub fn first_round_on_or_after(day: NaiveDate) -> NaiveDate {
    AWARD_ROUNDS
        .iter()
        .map(|(month, dom)| ymd(day.year(), *month, *dom))
        .find(|round| *round >= day)
        .unwrap_or_else(|| ymd(day.year() + 1, AWARD_ROUNDS[0].0, AWARD_ROUNDS[0].1))
}

/// Every badge whose milestone (no gap) fell before [`BADGES_HANDED_UNTIL`], handed at the first
/// round after it.
fn badges_handed(decision: NaiveDate) -> Vec<BadgeAward> {
    let until = ymd(2025, 11, 7);
    BADGE_YEARS
        .iter()
        .filter_map(|years| {
            let milestone = date::add_months(decision, (*years as u32) * 12);
            let round = first_round_on_or_after(milestone);
            (round <= until).then(|| BadgeAward {
                years: *years,
                award_date: date::format(round),
            })
        })
        .collect()
}

/// The earliest admitted person of `cell` decided in `years`, by decision date then name.
fn earliest_in<'a>(
    people: &'a [Person],
    cell: &str,
    years: std::ops::RangeInclusive<i32>,
) -> Option<&'a Person> {
    people
        .iter()
        .filter(|p| p.cell == cell && years.contains(&p.decision.year()))
        .min_by_key(|p| (p.decision, p.full_name.clone()))
}

/// A member who lost contact for a year and a half, a seriously ill veteran, and three long-serving
/// members of Trung Tâm and Hợp Thành 1 with the badges they have been handed.
fn member_updates(people: &[Person]) -> Vec<SeedMemberUpdate> {
    let mut updates = Vec::new();
    if let Some(person) = earliest_in(people, "khe-chan", 1980..=1996)
        .or_else(|| earliest_in(people, "khe-chan", 1965..=2012))
    {
        let year = person.decision.year() + 10;
        let gap_start = date::format(ymd(year, 3, 1));
        updates.push(SeedMemberUpdate {
            member_full_name: person.full_name.clone(),
            fields: PartyAgeFields {
                // The gap postpones every milestone after it: only the badges handed before it
                // stay.
                badges: badges_handed(person.decision)
                    .into_iter()
                    .filter(|badge| badge.award_date < gap_start)
                    .collect(),
                party_age_gaps: vec![PartyAgeGap {
                    from_date: gap_start,
                    to_date: date::format(ymd(year + 1, 8, 31)),
                    reason: "Mất liên lạc khi đi làm ăn xa".to_owned(),
                }],
                seriously_ill: false,
            },
        });
    }
    if let Some(person) = earliest_in(people, "tuong-2", 1970..=1985)
        .or_else(|| earliest_in(people, "tuong-2", 1965..=2012))
    {
        updates.push(SeedMemberUpdate {
            member_full_name: person.full_name.clone(),
            fields: PartyAgeFields {
                seriously_ill: true,
                badges: badges_handed(person.decision),
                ..PartyAgeFields::default()
            },
        });
    }
    let mut veterans: Vec<&Person> = people
        .iter()
        .filter(|p| (p.cell == "trung-tam" || p.cell == "hop-thanh-1") && p.decision.year() <= 1990)
        .collect();
    veterans.sort_by_key(|p| (p.decision, p.full_name.clone()));
    for person in veterans.into_iter().take(BADGE_HOLDERS as usize) {
        updates.push(SeedMemberUpdate {
            member_full_name: person.full_name.clone(),
            fields: PartyAgeFields {
                badges: badges_handed(person.decision),
                ..PartyAgeFields::default()
            },
        });
    }
    updates
}

/// Loads the whole reference dataset: Hợp Thành as [`seed`] does, then Tả Phời, the merge of
/// 1 July 2025, the transfers of Tả Phời's members into Hợp Thành's new cells, the closing of
/// Tả Phời's cells, and the party-age fields of a few Hợp Thành members. Idempotent like
/// [`seed`]: what is there already is counted as present and not sent again.
pub async fn seed_all(
    membership: &mut MembershipServiceClient<Transport>,
    admission: &mut AdmissionServiceClient<Transport>,
    reference: &mut ReferenceServiceClient<Transport>,
) -> Result<SeedSummary, tonic::Status> {
    let dataset = reference_dataset();
    let (mut summary, member_names) = seed_hop_thanh(membership, admission, &dataset).await?;
    let ta_phoi = &dataset.ta_phoi;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn reference_date() -> NaiveDate {
        date::parse(REFERENCE_AS_OF).expect("constant is a date")
    }

    fn dataset() -> Dataset {
        // Loaded on a fixed day so the test does not depend on the clock.
        reference_dataset_on(ymd(2025, 1, 15))
    }

    fn members(dataset: &Dataset) -> Vec<&Member> {
        dataset
            .members
            .iter()
            .map(|r| r.member.as_ref().expect("every request has a member"))
            .collect()
    }

    fn decision(member: &Member) -> NaiveDate {
        date::parse(&member.admission.as_ref().expect("admission").decision_date)
            .expect("decision date")
    }

    fn count(members: &[&Member], predicate: impl Fn(&Member) -> bool) -> i64 {
        members.iter().filter(|m| predicate(m)).count() as i64
    }

    #[test]
    fn hand_written_dates_are_real_days() {
        for recent in &RECENT_ADMISSIONS {
            for (y, m, d) in [recent.birth, recent.decision, recent.ceremony] {
                assert!(NaiveDate::from_ymd_opt(y, m, d).is_some(), "{y}-{m}-{d}");
            }
        }
        for plan in &CELLS {
            assert!(NaiveDate::from_ymd_opt(plan.open.0, plan.open.1, plan.open.2).is_some());
        }
    }

    #[test]
    fn dataset_is_deterministic() {
        assert_eq!(dataset(), dataset());
    }

    #[test]
    fn commune_matches_the_article() {
        let commune = dataset().commune.commune.expect("commune");
        assert_eq!(commune.code, COMMUNE_CODE);
        assert_eq!(commune.display_name, "Xã Hợp Thành");
        assert_eq!(commune.province_code, "10");
        assert_eq!(commune.valid_from, "2008-01-01");
        assert!(commune.area_flags.is_empty());
    }

    #[test]
    fn cells_are_twelve_residential_three_school_one_police() {
        let dataset = dataset();
        assert_eq!(dataset.cells.len() as i64, EXPECTED_CELLS);
        let kinds: Vec<i32> = dataset
            .cells
            .iter()
            .map(|c| c.cell.as_ref().expect("cell").kind)
            .collect();
        let of = |kind: CellKind| kinds.iter().filter(|k| **k == kind as i32).count() as i64;
        assert_eq!(of(CellKind::Residential), RESIDENTIAL_CELLS);
        assert_eq!(of(CellKind::School), SCHOOL_CELLS);
        assert_eq!(of(CellKind::Police), POLICE_CELLS);
        for request in &dataset.cells {
            assert!(names::is_cell_id(&request.cell_id), "{}", request.cell_id);
            let cell = request.cell.as_ref().expect("cell");
            assert!(date::parse(&cell.open_date).expect("open date").year() < 2010);
            assert!(cell.close_date.is_empty());
        }
        let tuong_1 = dataset
            .cells
            .iter()
            .find(|c| names::cell(COMMUNE_CODE, &c.cell_id) == TUONG_1_CELL);
        assert_eq!(
            tuong_1
                .and_then(|c| c.cell.as_ref())
                .map(|c| c.display_name.as_str()),
            Some("Chi bộ thôn Tượng 1")
        );
    }

    #[test]
    fn roll_has_172_members_in_known_cells() {
        let dataset = dataset();
        let members = members(&dataset);
        assert_eq!(members.len() as i64, EXPECTED_MEMBERS);
        let mut per_cell: HashMap<&str, usize> = HashMap::new();
        for member in &members {
            *per_cell.entry(member.cell.as_str()).or_default() += 1;
        }
        for request in &dataset.cells {
            let name = names::cell(COMMUNE_CODE, &request.cell_id);
            assert!(
                per_cell.get(name.as_str()).copied().unwrap_or(0) > 0,
                "{name} has no member"
            );
        }
        assert_eq!(per_cell.values().sum::<usize>(), members.len());
        assert_eq!(per_cell.len(), dataset.cells.len());
    }

    #[test]
    fn admissions_per_year_match_the_article() {
        let dataset = dataset();
        let members = members(&dataset);
        let in_year = |year: i32| count(&members, |m| decision(m).year() == year);
        assert_eq!(in_year(2021), ADMISSIONS_2021);
        assert_eq!(in_year(2022), ADMISSIONS_2022);
        assert_eq!(count(&members, |m| decision(m) > reference_date()), 0);
        for member in &members {
            let year = decision(member).year();
            assert!((FIRST_ADMISSION_YEAR..=2022).contains(&year), "{year}");
        }
    }

    #[test]
    fn tuong_1_has_four_local_and_five_seconded_and_no_recent_admission() {
        let dataset = dataset();
        let members = members(&dataset);
        let tuong_1: Vec<&Member> = members
            .iter()
            .copied()
            .filter(|m| m.cell == TUONG_1_CELL)
            .collect();
        assert_eq!(tuong_1.len() as i64, TUONG_1_MEMBERS);
        assert_eq!(
            count(&tuong_1, |m| m.assignment == Assignment::Local as i32),
            TUONG_1_LOCAL
        );
        assert_eq!(
            count(&tuong_1, |m| m.assignment == Assignment::Seconded as i32),
            TUONG_1_SECONDED
        );
        assert!(
            tuong_1
                .iter()
                .all(|m| decision(m).year() < TUONG_1_NO_ADMISSION_SINCE)
        );
        let others: Vec<&Member> = members
            .iter()
            .copied()
            .filter(|m| m.cell != TUONG_1_CELL)
            .collect();
        assert!(
            others
                .iter()
                .all(|m| m.assignment == Assignment::Local as i32)
        );
    }

    #[test]
    fn everyone_was_adult_at_the_decision_and_ages_span_the_generations() {
        let dataset = dataset();
        let members = members(&dataset);
        let mut ages = Vec::new();
        for member in &members {
            let birth = date::parse(&member.birth_date).expect("birth date");
            let months = date::whole_months_between(birth, decision(member));
            assert!(
                months >= 18 * 12,
                "{} was {months} months old",
                member.full_name
            );
            assert!(
                months <= 60 * 12,
                "{} was {months} months old",
                member.full_name
            );
            ages.push(date::age_in_years(birth, reference_date()));
        }
        let youngest = ages.iter().copied().min().unwrap_or_default();
        let oldest = ages.iter().copied().max().unwrap_or_default();
        assert!((20..=22).contains(&youngest), "youngest {youngest}");
        assert!((80..=85).contains(&oldest), "oldest {oldest}");
    }

    #[test]
    fn admission_dates_follow_the_rules() {
        let today = ymd(2025, 1, 15);
        let dataset = reference_dataset_on(today);
        for member in members(&dataset) {
            let admission = member.admission.as_ref().expect("admission");
            let decided = decision(member);
            let ceremony = date::parse(&admission.ceremony_date).expect("ceremony");
            assert!(
                ceremony > decided && ceremony <= decided + Duration::days(30),
                "{}",
                member.full_name
            );
            assert!(!admission.decision_number.is_empty());
            let official = date::add_months(ceremony, 12);
            let expected = if official <= today {
                date::format(official)
            } else {
                String::new()
            };
            assert_eq!(admission.official_date, expected);
        }
        // Loaded in mid-2022, the 2022 admissions would still be probationary.
        let early = reference_dataset_on(ymd(2022, 7, 1));
        let unrecognised = members(&early)
            .iter()
            .filter(|m| {
                m.admission
                    .as_ref()
                    .is_some_and(|a| a.official_date.is_empty())
            })
            .count();
        assert_eq!(unrecognised, 6);
    }

    #[test]
    fn official_and_probationary_counts_on_the_reference_date() {
        let dataset = dataset();
        let members = members(&dataset);
        let on = reference_date();
        let official = count(&members, |m| {
            let a = m.admission.as_ref().expect("admission");
            date::parse_optional(&a.official_date)
                .ok()
                .flatten()
                .is_some_and(|d| d <= on)
        });
        assert_eq!(official, EXPECTED_OFFICIAL);
        assert_eq!(EXPECTED_MEMBERS - official, EXPECTED_PROBATIONARY);
        assert_eq!(
            count(&members, |m| m.gender == Gender::Female as i32),
            EXPECTED_WOMEN
        );
    }

    #[test]
    fn votes_pass_with_two_thirds() {
        for request in dataset().members {
            let vote = request.cell_vote.expect("vote");
            assert!(vote.eligible >= 3);
            assert!(vote.present <= vote.eligible);
            assert!(vote.yes + vote.no <= vote.present && vote.no >= 0);
            assert!(3 * vote.yes >= 2 * vote.eligible, "{vote:?}");
            assert_eq!(request.deciding_body, DECIDING_BODY);
        }
    }

    #[test]
    fn people_are_valid_and_plausible() {
        let dataset = dataset();
        let members = members(&dataset);
        let mut names_seen = HashSet::new();
        let mut ids_seen = HashSet::new();
        let mut two_words = 0;
        let mut four_words = 0;
        for member in &members {
            assert_eq!(member.full_name, text::normalize(&member.full_name));
            assert!(!member.given_name.is_empty() && !member.family_name.is_empty());
            assert!(
                names_seen.insert(member.full_name.clone()),
                "duplicate {}",
                member.full_name
            );
            match member.full_name.split_whitespace().count() {
                2 => two_words += 1,
                4 => four_words += 1,
                _ => {}
            }
            assert_ne!(member.gender, Gender::Unspecified as i32);
            assert_ne!(
                member.general_education,
                GeneralEducation::Unspecified as i32
            );
            assert!(partyregistry_vocab::reference::ethnic_group(&member.ethnicity_code).is_some());
            assert!(
                member.phone.is_empty(),
                "no phone numbers: they could reach real people"
            );
            assert_eq!(member.citizen_id.len(), 12);
            assert!(
                member.citizen_id.starts_with("010")
                    && member.citizen_id.bytes().all(|b| b.is_ascii_digit())
            );
            assert!(ids_seen.insert(member.citizen_id.clone()), "duplicate id");
            assert!(names::parse_cell("cell", &member.cell).is_ok());
        }
        assert!(
            two_words > 0 && four_words > 0,
            "names of 2 and 4 words: {two_words} {four_words}"
        );
        let women =
            count(&members, |m| m.gender == Gender::Female as i32) as f64 / members.len() as f64;
        assert!((0.30..=0.40).contains(&women), "{women}");
        let kinh = count(&members, |m| m.ethnicity_code == "01") as f64 / members.len() as f64;
        assert!((0.35..=0.60).contains(&kinh), "{kinh}");
        let primary = count(&members, |m| {
            m.general_education == GeneralEducation::Primary as i32
        });
        assert!(primary > 0 && primary < 20, "{primary}");
        let intermediate = count(&members, |m| {
            m.political_theory == PoliticalTheory::Intermediate as i32
        });
        assert!(intermediate > 5 && intermediate < 50, "{intermediate}");
    }

    #[test]
    fn primary_education_only_among_the_elderly_and_recent_admissions_are_qualified() {
        for member in members(&dataset()) {
            if member.general_education == GeneralEducation::Primary as i32 {
                assert!(
                    member.birth_date.as_str() < "1955-01-01",
                    "{}",
                    member.full_name
                );
            }
            if decision(member).year() >= 2021 {
                assert_ne!(member.general_education, GeneralEducation::Primary as i32);
            }
        }
    }

    #[test]
    fn decisions_fall_on_open_cells() {
        let dataset = dataset();
        for member in members(&dataset) {
            let cell = dataset
                .cells
                .iter()
                .find(|c| names::cell(COMMUNE_CODE, &c.cell_id) == member.cell)
                .and_then(|c| c.cell.as_ref())
                .expect("the member's cell is in the dataset");
            assert!(date::parse(&cell.open_date).expect("open date") < decision(member));
        }
    }

    #[test]
    fn request_ids_are_stable_and_unique() {
        let dataset = dataset();
        let ids: HashSet<&str> = dataset
            .members
            .iter()
            .map(|r| r.request_id.as_str())
            .collect();
        assert_eq!(ids.len(), dataset.members.len());
        assert_eq!(dataset.members[16].request_id, "seed-hop-thanh-member-017");
        assert_eq!(dataset.cells[0].request_id, "seed-hop-thanh-cell-tuong-1");
        assert_eq!(dataset.commune.request_id, "seed-hop-thanh-commune");
    }

    /// The official date of a dataset member, by full name.
    fn official_date(dataset: &Dataset, full_name: &str) -> Option<NaiveDate> {
        members(dataset)
            .into_iter()
            .find(|m| m.full_name == full_name)
            .and_then(|m| m.admission.as_ref())
            .and_then(|a| date::parse_optional(&a.official_date).ok().flatten())
    }

    fn candidates(dataset: &Dataset) -> Vec<&Candidate> {
        dataset
            .candidates
            .iter()
            .map(|c| {
                c.request
                    .candidate
                    .as_ref()
                    .expect("every request has a candidate")
            })
            .collect()
    }

    /// The blocker codes of every candidate on the reference date, judged by the same rules the
    /// services apply, with the introducers resolved against the dataset's roll.
    fn blockers_on_reference_date(dataset: &Dataset) -> Vec<Vec<&'static str>> {
        let on = reference_date();
        let table = partyregistry_rules::table::RuleTable::reference();
        let rules = table.in_force_on(on);
        dataset
            .candidates
            .iter()
            .map(|seed| {
                let mut candidate = seed.request.candidate.clone().expect("candidate");
                candidate.introducers = seed
                    .introducers
                    .iter()
                    .map(|(name, months)| Introducer {
                        member: name.clone(),
                        youth_union_committee: false,
                        months_worked_together: *months,
                    })
                    .collect();
                let facts =
                    partyregistry_kit::admission::candidate_facts(&candidate, false, |name| {
                        official_date(dataset, name).is_some_and(|d| d <= on)
                    })
                    .expect("complete facts");
                partyregistry_rules::eligibility::blockers(&facts, on, rules)
                    .iter()
                    .map(|b| b.code.code())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn target_is_six_a_year_and_eighty_percent() {
        let target = dataset().target;
        assert_eq!(target.parent, COMMUNE);
        let target = target.target.expect("target");
        assert_eq!(
            format!("{COMMUNE}/targets/{}", target.first_year),
            TARGET_NAME
        );
        assert_eq!(
            (target.first_year, target.last_year),
            (TARGET_FIRST_YEAR, TARGET_LAST_YEAR)
        );
        assert_eq!(
            i64::from(target.admissions_per_year),
            TARGET_ADMISSIONS_PER_YEAR
        );
        assert_eq!(
            i64::from(target.good_cells_percent),
            TARGET_GOOD_CELLS_PERCENT
        );
        const { assert!(REMAINING_2022 > 0 && BEST_CASE_2022 < TARGET_ADMISSIONS_PER_YEAR) };
    }

    #[test]
    fn every_cell_is_rated_for_2021_and_thirteen_are_good_or_better() {
        let dataset = dataset();
        assert_eq!(dataset.cell_ratings.len() as i64, RATED_CELLS_2021);
        let cells: HashSet<String> = dataset
            .cells
            .iter()
            .map(|c| names::cell(COMMUNE_CODE, &c.cell_id))
            .collect();
        let rated: HashSet<&str> = dataset
            .cell_ratings
            .iter()
            .map(|r| r.parent.as_str())
            .collect();
        assert_eq!(rated.len(), cells.len());
        assert!(rated.iter().all(|cell| cells.contains(*cell)));
        let levels: Vec<i32> = dataset
            .cell_ratings
            .iter()
            .map(|r| {
                let rating = r.rating.as_ref().expect("rating");
                assert_eq!(rating.year, RATING_YEAR);
                rating.level
            })
            .collect();
        let of = |level: RatingLevel| levels.iter().filter(|l| **l == level as i32).count() as i64;
        assert_eq!(of(RatingLevel::Excellent), EXCELLENT_CELLS_2021);
        assert_eq!(
            of(RatingLevel::Excellent) + of(RatingLevel::Good),
            GOOD_CELLS_2021
        );
        assert_eq!(of(RatingLevel::Completed), COMPLETED_CELLS_2021);
        assert_eq!(of(RatingLevel::NotCompleted), 0);
        // 13/16 = 81.25 % meets 80 %, and 80 % of 16 needs 13.
        const { assert!(GOOD_CELLS_2021 * 100 >= TARGET_GOOD_CELLS_PERCENT * RATED_CELLS_2021) };
        assert_eq!(
            (TARGET_GOOD_CELLS_PERCENT * RATED_CELLS_2021 + 99) / 100,
            GOOD_CELLS_NEEDED_2021
        );
        // Every cell existed during the rated year.
        for request in &dataset.cells {
            let open = request.cell.as_ref().expect("cell").open_date.as_str();
            assert!(open < "2021-01-01");
        }
    }

    #[test]
    fn cell_plans_cover_every_cell_and_add_up_to_the_target() {
        let dataset = dataset();
        assert_eq!(dataset.cell_plans.len() as i64, EXPECTED_CELLS);
        let plans: Vec<&CellPlanMessage> = dataset
            .cell_plans
            .iter()
            .map(|p| p.plan.as_ref().expect("plan"))
            .collect();
        assert!(plans.iter().all(|p| p.year == PLAN_YEAR));
        assert_eq!(
            plans.iter().map(|p| i64::from(p.admissions)).sum::<i64>(),
            PLANNED_ADMISSIONS_2022
        );
        assert_eq!(PLANNED_ADMISSIONS_2022, TARGET_ADMISSIONS_PER_YEAR);
        assert_eq!(
            plans
                .iter()
                .map(|p| i64::from(p.sources_to_develop))
                .sum::<i64>(),
            PLANNED_SOURCES_2022
        );
        let parents: HashSet<&str> = dataset
            .cell_plans
            .iter()
            .map(|p| p.parent.as_str())
            .collect();
        assert_eq!(parents.len(), dataset.cells.len());
        let tuong_1 = dataset
            .cell_plans
            .iter()
            .find(|p| p.parent == TUONG_1_CELL)
            .and_then(|p| p.plan.as_ref())
            .expect("Tượng 1 has a plan");
        assert_eq!((tuong_1.sources_to_develop, tuong_1.admissions), (0, 0));
        assert!(plans.iter().all(|p| p.notes.chars().count() <= 500));
    }

    #[test]
    fn candidates_tell_the_story_of_mid_2022() {
        let dataset = dataset();
        let candidates = candidates(&dataset);
        assert_eq!(candidates.len() as i64, CANDIDATES);
        let reference = reference_date();
        let mut open = 0;
        for candidate in &candidates {
            assert_ne!(candidate.cell, TUONG_1_CELL, "Tượng 1 has no source");
            let stage = CandidateStage::try_from(candidate.stage).expect("known stage");
            if partyregistry_kit::admission::is_open(stage) {
                open += 1;
            }
            let stage_date = date::parse(&candidate.stage_date).expect("stage date");
            assert!(stage_date <= reference, "{}", candidate.full_name);
            if let Some(certificate) = &candidate.certificate {
                let issued = date::parse(&certificate.issue_date).expect("issue date");
                assert!(issued <= stage_date && !certificate.issuer.is_empty());
            }
            if !candidate.papers_date.is_empty() {
                assert!(candidate.papers_date.as_str() <= REFERENCE_AS_OF);
            }
            if !candidate.cell_vote_date.is_empty() {
                let vote = candidate.cell_vote.expect("a vote with its date");
                assert!(vote.yes + vote.no <= vote.present && vote.present <= vote.eligible);
                assert!(3 * vote.yes >= 2 * vote.eligible);
            }
            assert_ne!(candidate.source, CandidateSource::Unspecified as i32);
            assert!(
                partyregistry_vocab::reference::ethnic_group(&candidate.ethnicity_code).is_some()
            );
        }
        assert_eq!(open, OPEN_CANDIDATES_2022);
        let class_2022 = candidates
            .iter()
            .filter(|c| {
                c.certificate
                    .as_ref()
                    .is_some_and(|cert| cert.issue_date.starts_with("2022-"))
                    && c.stage >= CandidateStage::ClassDone as i32
            })
            .count() as i64;
        assert_eq!(class_2022, CLASS_DONE_2022);
        let approved = candidates
            .iter()
            .find(|c| c.full_name == CELL_APPROVED_CANDIDATE)
            .expect("the cell-approved candidate");
        assert_eq!(approved.stage, CandidateStage::CellApproved as i32);
        assert_eq!(approved.cell_vote_date, CELL_APPROVED_DATE);
    }

    #[test]
    fn blockers_on_the_reference_date_match_the_constants() {
        let dataset = dataset();
        let blockers = blockers_on_reference_date(&dataset);
        let eligible = blockers.iter().filter(|b| b.is_empty()).count() as i64;
        assert_eq!(eligible, ELIGIBLE_CANDIDATES_2022, "{blockers:?}");
        let with = |code: &str| blockers.iter().filter(|b| b.contains(&code)).count() as i64;
        assert_eq!(with("EDUCATION_BELOW_MINIMUM"), EDUCATION_BLOCKED_2022);
        assert_eq!(
            with("MILITARY_REFERRAL_MISSING"),
            MILITARY_REFERRAL_MISSING_2022
        );
        assert_eq!(with("LIVES_AWAY"), LIVES_AWAY_2022);
        assert_eq!(with("CERTIFICATE_MISSING"), CERTIFICATE_MISSING_2022);
        assert_eq!(with("INTRODUCERS_MISSING"), INTRODUCERS_MISSING_2022);
        for code in [
            "AGE_UNDER_MINIMUM",
            "AGE_OVER_MAXIMUM",
            "CERTIFICATE_EXPIRED",
            "INTRODUCER_NOT_QUALIFIED",
            "VOTE_BELOW_THRESHOLD",
            "PAPERS_EXPIRED",
            "BACKGROUND_CHECK_FAILED",
        ] {
            assert_eq!(with(code), 0, "{code}: {blockers:?}");
        }
        // The two blocked on education are otherwise complete.
        for b in blockers
            .iter()
            .filter(|b| b.contains(&"EDUCATION_BELOW_MINIMUM"))
        {
            assert_eq!(b.as_slice(), ["EDUCATION_BELOW_MINIMUM"]);
        }
    }

    #[test]
    fn introducers_are_long_standing_official_members_of_the_cell() {
        // Loaded on the reference date itself and on a later day: official on both.
        for today in [reference_date(), ymd(2025, 1, 15)] {
            let dataset = reference_dataset_on(today);
            for seed in &dataset.candidates {
                let candidate = seed.request.candidate.as_ref().expect("candidate");
                assert!(seed.introducers.len() == 2 || seed.introducers.is_empty());
                assert!(candidate.introducers.is_empty(), "resolved when seeding");
                let distinct: HashSet<&str> =
                    seed.introducers.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(distinct.len(), seed.introducers.len());
                for (name, months) in &seed.introducers {
                    assert!(*months >= 12, "{name}");
                    let member = members(&dataset)
                        .into_iter()
                        .find(|m| &m.full_name == name)
                        .expect("an introducer is a member of the dataset");
                    assert_eq!(member.cell, candidate.cell);
                    let official = official_date(&dataset, name).expect("official");
                    assert!(official <= reference_date() && official <= today, "{name}");
                }
            }
        }
    }

    #[test]
    fn candidates_are_new_people_with_unique_names_and_ids() {
        let dataset = dataset();
        let member_names: HashSet<&str> = members(&dataset)
            .iter()
            .map(|m| m.full_name.as_str())
            .collect();
        let member_ids: HashSet<&str> = members(&dataset)
            .iter()
            .map(|m| m.citizen_id.as_str())
            .collect();
        let mut names_seen = HashSet::new();
        let mut ids_seen = HashSet::new();
        for candidate in candidates(&dataset) {
            assert_eq!(candidate.full_name, text::normalize(&candidate.full_name));
            assert!(!member_names.contains(candidate.full_name.as_str()));
            assert!(names_seen.insert(candidate.full_name.clone()));
            assert_eq!(candidate.citizen_id.len(), 12);
            assert!(candidate.citizen_id.starts_with("010"));
            assert!(!member_ids.contains(candidate.citizen_id.as_str()));
            assert!(ids_seen.insert(candidate.citizen_id.clone()));
            assert!(!candidate.given_name.is_empty() && !candidate.family_name.is_empty());
        }
        let ids: HashSet<&str> = dataset
            .candidates
            .iter()
            .map(|c| c.request.request_id.as_str())
            .collect();
        assert_eq!(ids.len(), dataset.candidates.len());
        assert_eq!(
            dataset.candidates[0].request.request_id,
            "seed-hop-thanh-candidate-1"
        );
    }

    #[test]
    fn a_few_long_standing_members_are_rated_for_2021() {
        let dataset = dataset();
        assert_eq!(dataset.member_ratings.len() as i64, MEMBER_RATINGS_2021);
        let distinct: HashSet<&str> = dataset
            .member_ratings
            .iter()
            .map(|r| r.member_full_name.as_str())
            .collect();
        assert_eq!(distinct.len(), dataset.member_ratings.len());
        for rating in &dataset.member_ratings {
            assert_eq!(rating.rating.year, RATING_YEAR);
            assert_ne!(rating.rating.level, RatingLevel::Unspecified as i32);
            let official = official_date(&dataset, &rating.member_full_name).expect("official");
            assert!(official.year() < RATING_YEAR);
        }
    }

    #[test]
    fn seed_summary_renders_in_vietnamese() {
        let summary = SeedSummary {
            members_created: 172,
            ..SeedSummary::default()
        };
        assert!(
            summary
                .render()
                .contains("  đảng viên: tạo mới 172, đã có 0")
        );
        assert!(
            summary
                .render()
                .contains("nguồn phát triển đảng viên: tạo mới 0, đã có 0")
        );
        let candidates_only = SeedSummary {
            candidates_created: 1,
            ..SeedSummary::default()
        };
        assert!(!candidates_only.nothing_created());
        assert!(!summary.nothing_created());
        assert!(SeedSummary::default().nothing_created());
    }

    #[test]
    fn ta_phoi_has_four_cells_and_forty_members_admitted_before_2020() {
        let dataset = dataset();
        let ta_phoi = &dataset.ta_phoi;
        let commune = ta_phoi.commune.commune.as_ref().expect("commune");
        assert_eq!(
            (commune.code.as_str(), commune.display_name.as_str()),
            (TA_PHOI_CODE, TA_PHOI_DISPLAY_NAME)
        );
        assert_eq!(commune.province_code, PROVINCE_CODE);
        assert_eq!(commune.valid_from, TA_PHOI_VALID_FROM);
        assert!(commune.valid_to.is_empty(), "the merge sets the last day");
        assert_eq!(ta_phoi.cells.len() as i64, TA_PHOI_CELLS);
        assert_eq!(ta_phoi.merged_cells.len() as i64, TA_PHOI_CELLS);
        assert_eq!(ta_phoi.members.len() as i64, TA_PHOI_MEMBERS);
        let cells: HashSet<String> = ta_phoi
            .cells
            .iter()
            .map(|c| names::cell(TA_PHOI_CODE, &c.cell_id))
            .collect();
        let hop_thanh: HashSet<&str> = members(&dataset)
            .iter()
            .map(|m| m.full_name.as_str())
            .collect();
        let mut names_seen = HashSet::new();
        let mut years = HashSet::new();
        for request in &ta_phoi.members {
            let member = request.member.as_ref().expect("member");
            assert!(cells.contains(&member.cell), "{}", member.cell);
            assert!(!hop_thanh.contains(member.full_name.as_str()));
            assert!(names_seen.insert(member.full_name.clone()));
            let decided = decision(member);
            assert!(decided.year() < 2020, "{decided}");
            years.insert(decided.year() / 10);
            let admission = member.admission.as_ref().expect("admission");
            assert!(
                !admission.official_date.is_empty(),
                "official before the merge"
            );
            assert!(admission.official_date.as_str() < MERGE_EFFECTIVE_DATE);
            assert_eq!(request.deciding_body, "Đảng ủy xã Tả Phời");
            assert!(request.request_id.starts_with("seed-ta-phoi-member-"));
            assert!(partyregistry_vocab::reference::ethnic_group(&member.ethnicity_code).is_some());
        }
        assert!(
            years.len() >= 4,
            "admissions spread over decades: {years:?}"
        );
        let ethnic_groups: HashSet<&str> = ta_phoi
            .members
            .iter()
            .filter_map(|r| r.member.as_ref())
            .map(|m| m.ethnicity_code.as_str())
            .collect();
        assert!(ethnic_groups.contains("08") && ethnic_groups.len() >= 4);
    }

    #[test]
    fn the_merge_moves_every_ta_phoi_member_into_a_new_cell_of_hop_thanh() {
        let dataset = dataset();
        let ta_phoi = &dataset.ta_phoi;
        let merge = ta_phoi.merge.merge.as_ref().expect("merge");
        assert_eq!(merge.predecessor_codes, [TA_PHOI_CODE, COMMUNE_CODE]);
        assert_eq!(merge.successor_code, COMMUNE_CODE);
        assert_eq!(merge.effective_date, MERGE_EFFECTIVE_DATE);
        assert_eq!(merge.legal_basis, MERGE_LEGAL_BASIS);
        assert_eq!(merge.level, UnitLevel::Commune as i32);
        let new_cells: HashSet<String> = ta_phoi
            .merged_cells
            .iter()
            .map(|c| {
                assert_eq!(c.parent, COMMUNE);
                let cell = c.cell.as_ref().expect("cell");
                assert_eq!(cell.open_date, MERGED_CELLS_OPEN_DATE);
                names::cell(COMMUNE_CODE, &c.cell_id)
            })
            .collect();
        // No id of the new cells clashes with the 16 cells of 2022.
        for request in &dataset.cells {
            assert!(!new_cells.contains(&names::cell(COMMUNE_CODE, &request.cell_id)));
        }
        assert_eq!(ta_phoi.transfers.len(), ta_phoi.members.len());
        for ((full_name, transfer), request) in ta_phoi.transfers.iter().zip(&ta_phoi.members) {
            let member = request.member.as_ref().expect("member");
            assert_eq!(full_name, &member.full_name);
            assert_eq!(transfer.kind, TransferKind::ToCommune as i32);
            assert_eq!(transfer.effective_date, MERGE_EFFECTIVE_DATE);
            assert!(new_cells.contains(&transfer.to_cell));
            assert_eq!(short(&transfer.to_cell), short(&member.cell));
        }
        const { assert!(CELLS_AFTER_MERGE == 20 && MEMBERS_AFTER_MERGE == 212) };
        assert_eq!(TA_PHOI_CELLS_CLOSE_DATE, MERGED_CELLS_OPEN_DATE);
        assert!(TA_PHOI_VALID_TO < MERGE_EFFECTIVE_DATE);
    }

    fn short(name: &str) -> &str {
        name.rsplit('/').next().unwrap_or(name)
    }

    #[test]
    fn hop_thanh_as_of_2022_is_untouched_by_the_merge() {
        // The 2022 roll does not depend on Tả Phời: the same members, cells and admissions.
        let dataset = dataset();
        assert_eq!(dataset.members.len() as i64, EXPECTED_MEMBERS);
        assert_eq!(dataset.cells.len() as i64, EXPECTED_CELLS);
        let ids: HashSet<&str> = members(&dataset)
            .iter()
            .map(|m| m.citizen_id.as_str())
            .collect();
        for request in &dataset.ta_phoi.members {
            let member = request.member.as_ref().expect("member");
            assert!(!ids.contains(member.citizen_id.as_str()));
        }
    }

    #[test]
    fn a_few_hop_thanh_members_have_gaps_illness_and_badges() {
        let dataset = dataset();
        let updates = &dataset.member_updates;
        let count =
            |f: &dyn Fn(&SeedMemberUpdate) -> bool| updates.iter().filter(|u| f(u)).count() as i64;
        assert_eq!(
            count(&|u| !u.fields.party_age_gaps.is_empty()),
            MEMBERS_WITH_GAPS
        );
        assert_eq!(count(&|u| u.fields.seriously_ill), SERIOUSLY_ILL_MEMBERS);
        assert!(count(&|u| !u.fields.badges.is_empty()) >= BADGE_HOLDERS);
        let roll: HashMap<&str, &Member> = members(&dataset)
            .into_iter()
            .map(|m| (m.full_name.as_str(), m))
            .collect();
        for update in updates {
            let member = roll
                .get(update.member_full_name.as_str())
                .expect("an update names a Hợp Thành member");
            let decided = decision(member);
            for gap in &update.fields.party_age_gaps {
                assert!(gap.from_date <= gap.to_date);
                assert!(date::parse(&gap.from_date).expect("date") > decided);
            }
            for badge in &update.fields.badges {
                assert!(BADGE_YEARS.contains(&badge.years));
                let handed = date::parse(&badge.award_date).expect("date");
                let milestone = date::add_months(decided, badge.years as u32 * 12);
                assert!(handed >= milestone, "{badge:?}");
                assert!(badge.award_date.as_str() <= BADGES_HANDED_UNTIL);
                assert!(
                    AWARD_ROUNDS.contains(&(handed.month(), handed.day())),
                    "{badge:?}"
                );
            }
        }
        assert_eq!(first_round_on_or_after(ymd(2025, 11, 8)), ymd(2026, 2, 3));
        assert_eq!(first_round_on_or_after(ymd(2025, 5, 19)), ymd(2025, 5, 19));
    }

    #[test]
    fn seed_summary_counts_the_merge_apart() {
        let summary = SeedSummary {
            members_created: 172,
            ta_phoi_members_created: 40,
            transfers_made: 40,
            ..SeedSummary::default()
        };
        let text = summary.render();
        assert!(text.contains("đảng viên xã Tả Phời: tạo mới 40"), "{text}");
        assert!(text.contains("chuyển sinh hoạt về Hợp Thành: tạo mới 40"));
        assert!(
            !SeedSummary::default().render().contains("Tả Phời"),
            "no merge section when nothing of it was touched"
        );
        let only_closing = SeedSummary {
            cells_closed: 1,
            ..SeedSummary::default()
        };
        assert!(!only_closing.nothing_created());
    }
}
