//! The people of the generated province: [`plan`] draws, from its seed alone, every member and
//! its history as the requests that record them. Pure and deterministic; calls no service.

pub mod history;
pub mod members;
pub mod person;

use std::collections::HashSet;

use chrono::Duration;
use partyregistry_proto::membership::v1::{
    Cell, Commune, CreateCellRequest, CreateCommuneRequest, CreateMemberRequest,
    CreateMergeRequest, UnitLevel, UnitMerge,
};
use partyregistry_vocab::{date, names};

use crate::dataset::people::identity::{SplitMix64, ymd};
use crate::synthetic::people::history::{add_merge_transfer, random_steps, special_cases};
use crate::synthetic::people::members::Plan;
use crate::synthetic::people::person::Person;
use crate::synthetic::province::{
    COMMUNES, FIRST_EVENT_DATE, LAST_DATE, MERGE_DATE, MERGE_LEGAL_BASIS, MERGED, PROVINCE_CODE,
    SUCCESSOR, day, random_day, tuple,
};

/// Generates the province. Pure and deterministic.
pub fn plan(seed: u64) -> Plan {
    let mut rng = SplitMix64(seed ^ 0x4c41_4943_4841_5531);
    let merge_day = day(MERGE_DATE);
    let last = day(LAST_DATE);
    let first_event = day(FIRST_EVENT_DATE);
    let communes = COMMUNES
        .iter()
        .chain([&SUCCESSOR])
        .map(|spec| CreateCommuneRequest {
            commune: Some(Commune {
                code: spec.code.to_owned(),
                display_name: spec.display_name.to_owned(),
                province_code: PROVINCE_CODE.to_owned(),
                valid_from: date::format(tuple(spec.valid_from)),
                ..Commune::default()
            }),
            request_id: format!("synthetic-{seed}-commune-{}", spec.code),
        })
        .collect();
    let cells = COMMUNES
        .iter()
        .chain([&SUCCESSOR])
        .flat_map(|spec| {
            spec.cells
                .iter()
                .map(move |(id, display_name, kind)| CreateCellRequest {
                    parent: names::commune(spec.code),
                    cell_id: (*id).to_owned(),
                    cell: Some(Cell {
                        display_name: (*display_name).to_owned(),
                        kind: *kind as i32,
                        open_date: date::format(tuple(spec.valid_from)),
                        ..Cell::default()
                    }),
                    request_id: format!("synthetic-{seed}-cell-{}-{id}", spec.code),
                })
        })
        .collect();
    let merge = CreateMergeRequest {
        merge: Some(UnitMerge {
            level: UnitLevel::Commune as i32,
            predecessor_codes: MERGED
                .iter()
                .map(|i| COMMUNES[*i].code.to_owned())
                .collect(),
            successor_code: SUCCESSOR.code.to_owned(),
            effective_date: MERGE_DATE.to_owned(),
            legal_basis: MERGE_LEGAL_BASIS.to_owned(),
            ..UnitMerge::default()
        }),
        request_id: format!("synthetic-{seed}-merge"),
    };

    let mut used_names = HashSet::new();
    let mut used_ids = HashSet::new();
    let mut members = Vec::new();
    let mut counter = 0usize;
    for (position, spec) in COMMUNES.iter().chain([&SUCCESSOR]).enumerate() {
        // Admissions stop in the merged communes two months before their end and begin in the
        // successor the day after its creation.
        let newcomers_from = if position == COMMUNES.len() {
            merge_day + Duration::days(1)
        } else {
            first_event
        };
        let newcomers_until = if MERGED.contains(&position) {
            ymd(2025, 4, 30)
        } else {
            ymd(2026, 5, 31)
        };
        for index in 0..spec.veterans + spec.newcomers {
            counter += 1;
            let newcomer = index >= spec.veterans;
            let cell = spec.cells[index % 3].0;
            let decision = if newcomer {
                random_day(&mut rng, newcomers_from, newcomers_until)
            } else {
                random_day(&mut rng, ymd(1975, 1, 1), ymd(2014, 6, 30))
            };
            let person = Person::generate(&mut rng, decision, &mut used_names);
            let mut member =
                person.admitted(&mut rng, seed, counter, spec, cell, decision, &mut used_ids);
            member.steps = random_steps(&mut rng, spec, cell, &member, first_event, last);
            members.push(member);
        }
    }
    // Arrivals from other provinces.
    for index in 0..4 {
        counter += 1;
        let spec = &COMMUNES[index % 2];
        let joined = random_day(&mut rng, first_event, ymd(2026, 3, 31));
        let decision = random_day(&mut rng, ymd(1990, 1, 1), ymd(2012, 12, 31));
        let person = Person::generate(&mut rng, decision, &mut used_names);
        let mut member = person.admitted(
            &mut rng,
            seed,
            counter,
            spec,
            spec.cells[index % 3].0,
            decision,
            &mut used_ids,
        );
        if let Some(request) = member.admission.take() {
            member.arrival = Some(CreateMemberRequest {
                member: request.member,
                joined_date: date::format(joined),
                from_organization: "Đảng bộ xã Mường Phăng, tỉnh Điện Biên".to_owned(),
                request_id: format!("synthetic-{seed}-arrival-{counter:03}"),
            });
        }
        members.push(member);
    }
    special_cases(
        &mut rng,
        seed,
        &mut counter,
        &mut members,
        &mut used_names,
        &mut used_ids,
    );
    for member in &mut members {
        add_merge_transfer(member, merge_day);
    }
    Plan {
        seed,
        communes,
        cells,
        merge,
        members,
    }
}
