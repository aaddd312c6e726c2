//! Tả Phời (02677), its recorded merge into Hợp Thành on 1 July 2025, the transfer of its members
//! into new cells of Hợp Thành, and the party-age fields (a gap, a serious illness, badges handed)
//! of a few Hợp Thành members. Generates requests only; the loader sends them.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use partyregistry_proto::membership::v1::{
    BadgeAward, Cell, CellKind, Commune, CreateCellRequest, CreateCommuneRequest,
    CreateMergeRequest, PartyAgeGap, RecordAdmissionRequest, TransferKind, TransferMemberRequest,
    UnitLevel, UnitMerge,
};
use partyregistry_vocab::{date, names};

use crate::dataset::figures::{
    AWARD_ROUNDS, BADGE_HOLDERS, BADGE_YEARS, COMMUNE_CODE, MERGE_EFFECTIVE_DATE,
    MERGE_LEGAL_BASIS, MERGED_CELLS_OPEN_DATE, PROVINCE_CODE, TA_PHOI_CODE, TA_PHOI_DISPLAY_NAME,
    TA_PHOI_VALID_FROM,
};
use crate::dataset::people::identity::{SEED, SplitMix64, citizen_id, ymd};
use crate::dataset::people::members::{
    CellPlan, Locality, Person, Profile, Role, admission_request, assign_decision_numbers,
    generate_person, residential,
};

/// Mixed into [`SEED`] for Tả Phời's generator.
pub(in crate::dataset) const TA_PHOI_SEED_SALT: u64 = 0x5441_5048_4f49_2025;

/// Tả Phời's villages and school, all tables of the dataset.
pub(in crate::dataset) const TA_PHOI_LOCALITY: Locality = Locality {
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
pub(in crate::dataset) const TA_PHOI_CELL_PLANS: [CellPlan; 4] = [
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
}

/// An update of a Hợp Thành member's party-age fields, the member named by full name.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedMemberUpdate {
    /// The member's full name in the dataset.
    pub member_full_name: String,
    /// What to set.
    pub fields: PartyAgeFields,
}

pub(in crate::dataset) fn cell_request(
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

pub(in crate::dataset) fn ta_phoi(
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
pub(in crate::dataset) fn badges_handed(decision: NaiveDate) -> Vec<BadgeAward> {
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
pub(in crate::dataset) fn earliest_in<'a>(
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
pub(in crate::dataset) fn member_updates(people: &[Person]) -> Vec<SeedMemberUpdate> {
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
