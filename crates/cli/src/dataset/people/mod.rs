//! The people of the reference dataset: a small deterministic generator (no `rand`: the data must
//! be the same on every machine and every run) that makes the commune, its cells, its SYNTHETIC
//! members, the admission story and Tả Phời as the requests that load them ([`Dataset`]). Calls
//! no service; [`crate::dataset::loader`] sends the requests.
//!
//! - [`identity`]: the random source and who a person is (names by ethnicity, citizen ids).
//! - [`members`]: the cells and their members, the recent admissions of the article.
//! - [`admission`]: the term target, plans, ratings and the eight admission sources.
//! - [`ta_phoi`]: Tả Phời, the 2025 merge, and the party-age fields of a few members.

pub mod admission;
pub mod identity;
pub mod members;
pub mod ta_phoi;

use std::collections::HashSet;

use chrono::NaiveDate;
use partyregistry_proto::membership::v1::{
    Cell, CellPlan as CellPlanMessage, CellRating, Commune, CreateCellRequest,
    CreateCommuneRequest, RateCellRequest, RecordAdmissionRequest, SetCellPlanRequest,
    SetTargetRequest, Target,
};
use partyregistry_vocab::{date, names};

use crate::dataset::figures::{
    COMMUNE, COMMUNE_CODE, COMMUNE_DISPLAY_NAME, COMMUNE_VALID_FROM, PLAN_YEAR, PROVINCE_CODE,
    RATING_YEAR, TARGET_ADMISSIONS_PER_YEAR, TARGET_FIRST_YEAR, TARGET_GOOD_CELLS_PERCENT,
    TARGET_LAST_YEAR, TUONG_1_SECONDED,
};
use crate::dataset::people::admission::{
    CANDIDATE_SEED_SALT, CANDIDATE_SPECS, CELL_PLANS_2022, CELL_RATINGS_2021, SeedCandidate,
    SeedMemberRating, member_ratings, seed_candidate,
};
use crate::dataset::people::identity::{SEED, SplitMix64, citizen_id, ymd};
use crate::dataset::people::members::{
    CELLS, HOP_THANH, Profile, RECENT_ADMISSIONS, Recent, Role, admission_request,
    assign_decision_numbers, generate_person, recent_person,
};
use crate::dataset::people::ta_phoi::{SeedMemberUpdate, TaPhoi, member_updates, ta_phoi};

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
