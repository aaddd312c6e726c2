//! A second, generated province for the end-to-end tests of the statistics: Lai Châu (code 12)
//! with four communes, two of which merge on 1 July 2025 into a new commune, and SYNTHETIC members
//! whose lives between 2015 and mid-2026 touch every movement the statistics count: admissions
//! (one a re-admission), recognitions, transfers between the communes, in from and out to other
//! provinces, temporary transfers, exemptions, deaths, removals, expulsions and resignations.
//! A member has a party-age gap, one is seriously ill, one died a few months before a badge
//! milestone, one has been handed a badge.
//!
//! [`plan`] is pure and deterministic from its seed; [`seed_province`] loads it through the
//! membership and reference APIs. The expected figures of [`SyntheticProvince`] are computed
//! from the generated history, never written by hand: a member is on a commune's roll from the
//! day of its admission decision (or its arrival) up to the day before it leaves, and no
//! generated event falls on one of the [`COUNT_DATES`], so either reading of a boundary day gives
//! the same counts.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::reference_service_client::ReferenceServiceClient;
use partyregistry_proto::membership::v1::{
    Admission, BadgeAward, Cell, CellKind, Commune, CreateCellRequest, CreateCommuneRequest,
    CreateMemberRequest, CreateMergeRequest, DepartureKind, EndExemptionRequest,
    ExemptMemberRequest, Gender, GeneralEducation, ListMergesRequest, Member, PartyAgeGap,
    PoliticalTheory, Qualification, RecognizeOfficialRequest, RecordAdmissionRequest,
    RecordDepartureRequest, TransferKind, TransferMemberRequest, UnitLevel, UnitMerge,
};
use partyregistry_vocab::{date, names, text};

use crate::dataset::loader::{ensure_cells, ensure_commune, list_members};
use crate::dataset::people::identity::{SplitMix64, citizen_id_in, full_name, ymd};
use crate::dataset::people::members::cell_vote;
use crate::dataset::people::ta_phoi::PartyAgeFields;

/// The seed of `partyctl seed --synthetic-province` when none is given.
pub const DEFAULT_SEED: u64 = 2025;
/// Lai Châu's province code.
pub const PROVINCE_CODE: &str = "12";
/// Lai Châu's resource name.
pub const PROVINCE: &str = "provinces/12";
/// The first day of the merged commune.
pub const MERGE_DATE: &str = "2025-07-01";
/// The legal basis recorded on the merge.
pub const MERGE_LEGAL_BASIS: &str = "Nghị quyết 1670/NQ-UBTVQH15";
/// First day of the generated events.
pub const FIRST_EVENT_DATE: &str = "2015-01-01";
/// Nothing is generated after this day.
pub const LAST_DATE: &str = "2026-06-30";
/// The days the summary counts members on.
pub const COUNT_DATES: [&str; 6] = [
    "2014-12-31",
    "2019-12-31",
    "2024-12-31",
    "2025-06-30",
    "2025-07-01",
    "2026-06-30",
];

/// A commune of the generated province.
struct CommuneSpec {
    code: &'static str,
    display_name: &'static str,
    valid_from: (i32, u32, u32),
    /// (cell id, display name, kind).
    cells: [(&'static str, &'static str, CellKind); 3],
    /// Members admitted before 2015 (on the roll when the events begin).
    veterans: usize,
    /// Members admitted from 2015.
    newcomers: usize,
}

/// The four communes; the last two merge into [`SUCCESSOR`].
const COMMUNES: [CommuneSpec; 4] = [
    CommuneSpec {
        code: "03190",
        display_name: "Xã Sơn Bình",
        valid_from: (2004, 1, 1),
        cells: [
            ("ban-hon", "Chi bộ bản Hon", CellKind::Residential),
            ("ban-thang", "Chi bộ bản Thẳng", CellKind::Residential),
            (
                "truong-son-binh",
                "Chi bộ Trường THCS Sơn Bình",
                CellKind::School,
            ),
        ],
        veterans: 26,
        newcomers: 7,
    },
    CommuneSpec {
        code: "03193",
        display_name: "Xã Bản Giang",
        valid_from: (2004, 1, 1),
        cells: [
            ("ban-giang", "Chi bộ bản Giang", CellKind::Residential),
            ("na-luong", "Chi bộ bản Nà Lương", CellKind::Residential),
            (
                "cong-an-ban-giang",
                "Chi bộ Công an xã Bản Giang",
                CellKind::Police,
            ),
        ],
        veterans: 22,
        newcomers: 6,
    },
    CommuneSpec {
        code: "03196",
        display_name: "Xã Hồ Thầu",
        valid_from: (2004, 1, 1),
        cells: [
            ("ho-thau", "Chi bộ bản Hồ Thầu", CellKind::Residential),
            ("can-ho", "Chi bộ bản Căn Hồ", CellKind::Residential),
            (
                "truong-ho-thau",
                "Chi bộ Trường Tiểu học Hồ Thầu",
                CellKind::School,
            ),
        ],
        veterans: 18,
        newcomers: 5,
    },
    CommuneSpec {
        code: "03199",
        display_name: "Xã Nùng Nàng",
        valid_from: (2004, 1, 1),
        cells: [
            ("nung-nang", "Chi bộ bản Nùng Nàng", CellKind::Residential),
            (
                "lo-suoi-tung",
                "Chi bộ bản Lở Suối Tủng",
                CellKind::Residential,
            ),
            (
                "tram-y-te",
                "Chi bộ Trạm Y tế xã Nùng Nàng",
                CellKind::Agency,
            ),
        ],
        veterans: 16,
        newcomers: 4,
    },
];

/// The commune created by the merge.
const SUCCESSOR: CommuneSpec = CommuneSpec {
    code: "03226",
    display_name: "Xã Tả Lèng",
    valid_from: (2025, 7, 1),
    cells: [
        ("ho-thau", "Chi bộ bản Hồ Thầu", CellKind::Residential),
        ("nung-nang", "Chi bộ bản Nùng Nàng", CellKind::Residential),
        (
            "truong-ta-leng",
            "Chi bộ Trường PTDTBT Tả Lèng",
            CellKind::School,
        ),
    ],
    veterans: 0,
    newcomers: 3,
};

/// Indexes into [`COMMUNES`] of the merged pair.
const MERGED: [usize; 2] = [2, 3];

/// Lai Châu's ethnic mix.
const ETHNICITIES: [(&str, u32); 7] = [
    ("03", 30),
    ("08", 25),
    ("01", 15),
    ("09", 12),
    ("35", 8),
    ("25", 5),
    ("42", 5),
];

/// Religion as typed by clerks: empty, `Không`, and several spellings of the same faiths.
const RELIGIONS: [(&str, u32); 9] = [
    ("", 60),
    ("Không", 14),
    ("Tin Lành", 7),
    ("Đạo Tin lành", 4),
    ("Công giáo", 4),
    ("Thiên Chúa giáo", 3),
    ("Phật giáo", 4),
    ("Phật Giáo", 2),
    ("Đạo Phật", 2),
];

/// What happens to a member after the admission.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// RecognizeOfficial.
    Recognize,
    /// TransferMember between cells of a commune.
    BetweenCells {
        /// The destination cell.
        to_cell: String,
    },
    /// TransferMember to a cell of another commune of the province.
    ToCommune {
        /// The destination cell.
        to_cell: String,
    },
    /// TransferMember out of the system (to another province's organisation).
    OutOfSystem {
        /// Where to.
        to_organization: String,
    },
    /// A temporary transfer away.
    TemporaryOut {
        /// Where to.
        to_organization: String,
        /// Planned end.
        away_until: NaiveDate,
    },
    /// Back from the temporary transfer.
    TemporaryReturn,
    /// ExemptMember.
    Exempt,
    /// EndExemption.
    EndExemption,
    /// RecordDeparture.
    Depart(DepartureKind),
}

/// One step of a member's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its effective date.
    pub date: NaiveDate,
    /// What it is.
    pub kind: StepKind,
}

/// A generated member: how it enters the roll, then its steps in date order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMember {
    /// The full name (unique in the province).
    pub full_name: String,
    /// Admitted by a commune of the province (RecordAdmission) …
    pub admission: Option<RecordAdmissionRequest>,
    /// … or arrived from another province (CreateMember).
    pub arrival: Option<CreateMemberRequest>,
    /// Later steps, by date.
    pub steps: Vec<Step>,
    /// Party-age gaps, serious illness and badges, set by UpdateMember when any is given.
    pub party_age: PartyAgeFields,
    /// Which special case this member is, if any.
    pub role: Option<SpecialCase>,
}

/// The hand-made cases an end-to-end test looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCase {
    /// Lost contact for a year: every milestone moves by 366 days.
    PartyAgeGap,
    /// Seriously ill, 30 years on 15 September 2026.
    SeriouslyIll,
    /// Died on 15 January 2026, 40 years on 10 April 2026.
    DiedBeforeMilestone,
    /// Handed the 40-year badge on 19 May 2025.
    BadgeHanded,
    /// Re-admitted in 2019.
    Readmitted,
}

/// The whole generated province.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The seed it was generated from.
    pub seed: u64,
    /// The four communes and the successor.
    pub communes: Vec<CreateCommuneRequest>,
    /// Every cell.
    pub cells: Vec<CreateCellRequest>,
    /// The merge.
    pub merge: CreateMergeRequest,
    /// The members.
    pub members: Vec<PlannedMember>,
}

/// Members of a commune on a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommuneCount {
    /// The day.
    pub date: String,
    /// `communes/{code}`.
    pub commune: String,
    /// Members on its roll that day.
    pub members: i64,
}

/// The province's movements over a period, as the reconciliation counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProvinceMovements {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// On the roll the day before `from`.
    pub members_at_start: i64,
    /// Admission decisions.
    pub admitted: i64,
    /// Arrivals from outside the province.
    pub transferred_in: i64,
    /// Departures to outside the province.
    pub transferred_out: i64,
    /// Deaths.
    pub died: i64,
    /// Removals.
    pub removed: i64,
    /// Expulsions.
    pub expelled: i64,
    /// Resignations.
    pub resigned: i64,
    /// On the roll on `to`.
    pub members_at_end: i64,
}

/// What an end-to-end test needs to know about the loaded province.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SyntheticProvince {
    /// The seed.
    pub seed: u64,
    /// `provinces/12`.
    pub province: String,
    /// `communes/{code}` → display name, the successor included.
    pub commune_names: Vec<(String, String)>,
    /// The merged pair, `communes/{code}`.
    pub merged: Vec<String>,
    /// The successor, `communes/{code}`.
    pub successor: String,
    /// [`MERGE_DATE`].
    pub merge_date: String,
    /// Members per commune valid on each of the [`COUNT_DATES`].
    pub counts: Vec<CommuneCount>,
    /// Members of the province on each of the [`COUNT_DATES`].
    pub province_counts: Vec<(String, i64)>,
    /// The province's movements per calendar year from 2015 (2026 up to [`LAST_DATE`]).
    pub movements: Vec<ProvinceMovements>,
    /// Resource names of the special cases.
    pub special: Vec<(SpecialCase, String)>,
    /// Members created by this run.
    pub members_created: u32,
    /// Members already there.
    pub members_present: u32,
    /// Lifecycle steps applied by this run.
    pub steps_applied: u32,
}

impl SyntheticProvince {
    /// Members of `commune` (`communes/{code}`) on `day`, one of the [`COUNT_DATES`].
    pub fn members_on(&self, commune: &str, day: &str) -> Option<i64> {
        self.counts
            .iter()
            .find(|c| c.commune == commune && c.date == day)
            .map(|c| c.members)
    }

    /// The resource name of a special case.
    pub fn special(&self, case: SpecialCase) -> Option<&str> {
        self.special
            .iter()
            .find(|(c, _)| *c == case)
            .map(|(_, name)| name.as_str())
    }

    /// The summary as Vietnamese text.
    pub fn render(&self) -> String {
        let mut out = format!(
            "Tỉnh tổng hợp {} (hạt giống {}): tạo mới {} đảng viên, đã có {}, {} bước đã ghi\n",
            self.province,
            self.seed,
            self.members_created,
            self.members_present,
            self.steps_applied
        );
        out.push_str(&format!(
            "Sáp nhập {} → {} từ {}\n",
            self.merged.join(", "),
            self.successor,
            self.merge_date
        ));
        for (name, display) in &self.commune_names {
            let counts: Vec<String> = self
                .counts
                .iter()
                .filter(|c| &c.commune == name)
                .map(|c| format!("{}: {}", c.date, c.members))
                .collect();
            out.push_str(&format!("  {display} ({name}) — {}\n", counts.join("; ")));
        }
        out
    }
}

fn day(value: &str) -> NaiveDate {
    // The constants of this module are valid dates (a unit test checks them).
    date::parse(value).unwrap_or_default()
}

fn tuple(value: (i32, u32, u32)) -> NaiveDate {
    ymd(value.0, value.1, value.2)
}

/// A day between `from` and `to` (inclusive) that is none of the [`COUNT_DATES`] and not the
/// merge day.
fn random_day(rng: &mut SplitMix64, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    avoid_count_dates(from + Duration::days(rng.range(0, span)))
}

/// `value`, moved on by two days at a time while it is one of the [`COUNT_DATES`] or the merge
/// day.
fn avoid_count_dates(mut value: NaiveDate) -> NaiveDate {
    let avoided: Vec<NaiveDate> = COUNT_DATES
        .iter()
        .map(|d| day(d))
        .chain([day(MERGE_DATE)])
        .collect();
    while avoided.contains(&value) {
        value += Duration::days(2);
    }
    value
}

fn commune_spec(code: &str) -> &'static CommuneSpec {
    COMMUNES
        .iter()
        .find(|c| c.code == code)
        .unwrap_or(&SUCCESSOR)
}

/// The communes a member may move to on `on` from `from_code`.
fn destinations(from_code: &str, on: NaiveDate) -> Vec<&'static CommuneSpec> {
    let merged = on >= day(MERGE_DATE);
    COMMUNES
        .iter()
        .enumerate()
        .filter(|(index, _)| !(merged && MERGED.contains(index)))
        .map(|(_, spec)| spec)
        .chain(merged.then_some(&SUCCESSOR))
        .filter(|spec| spec.code != from_code)
        .collect()
}

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

/// A generated person before admission.
struct Person {
    full_name: String,
    gender: Gender,
    birth: NaiveDate,
    ethnicity: &'static str,
    religion: &'static str,
    education: GeneralEducation,
    qualification: Qualification,
    theory: PoliticalTheory,
}

impl Person {
    fn generate(rng: &mut SplitMix64, decision: NaiveDate, used: &mut HashSet<String>) -> Self {
        let gender = if rng.chance(36) {
            Gender::Female
        } else {
            Gender::Male
        };
        let ethnicity = rng.weighted(&ETHNICITIES);
        let mut name = full_name(rng, ethnicity, gender);
        let mut attempt = 0;
        while used.contains(&name) {
            attempt += 1;
            name = full_name(rng, ethnicity, gender);
            if attempt > 40 {
                // The tables are small for some groups: a second given name keeps names unique.
                name = format!(
                    "{name} {}",
                    rng.pick(&["Anh", "Minh", "Hải", "Xuân", "Thu"])
                );
            }
        }
        used.insert(name.clone());
        let age_days = rng.range(19 * 365 + 10, 42 * 365);
        let birth = (decision - Duration::days(age_days)).max(ymd(1940, 1, 1));
        let education = if birth.year() < 1960 {
            rng.weighted(&[
                (GeneralEducation::Primary, 40),
                (GeneralEducation::LowerSecondary, 50),
                (GeneralEducation::UpperSecondary, 10),
            ])
        } else {
            rng.weighted(&[
                (GeneralEducation::LowerSecondary, 35),
                (GeneralEducation::UpperSecondary, 65),
            ])
        };
        let qualification = rng.weighted(&[
            (Qualification::None, 45),
            (Qualification::Vocational, 22),
            (Qualification::College, 13),
            (Qualification::University, 17),
            (Qualification::Master, 3),
        ]);
        let theory = rng.weighted(&[
            (PoliticalTheory::None, 45),
            (PoliticalTheory::Elementary, 38),
            (PoliticalTheory::Intermediate, 15),
            (PoliticalTheory::Advanced, 2),
        ]);
        let religion = if ethnicity == "08" && rng.chance(40) {
            rng.pick(&["Tin Lành", "Đạo Tin lành"])
        } else {
            rng.weighted(&RELIGIONS)
        };
        Self {
            full_name: name,
            gender,
            birth,
            ethnicity,
            religion,
            education,
            qualification,
            theory,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn admitted(
        self,
        rng: &mut SplitMix64,
        seed: u64,
        counter: usize,
        spec: &CommuneSpec,
        cell: &str,
        decision: NaiveDate,
        used_ids: &mut HashSet<String>,
    ) -> PlannedMember {
        let ceremony = decision + Duration::days(rng.range(7, 28));
        let official = date::add_months(ceremony, 12);
        let parts = text::split_full_name(&self.full_name);
        let member = Member {
            full_name: self.full_name.clone(),
            family_name: parts.family,
            middle_name: parts.middle,
            given_name: parts.given,
            gender: self.gender as i32,
            birth_date: date::format(self.birth),
            ethnicity_code: self.ethnicity.to_owned(),
            religion: self.religion.to_owned(),
            home_town: format!("{}, tỉnh Lai Châu", spec.display_name),
            citizen_id: citizen_id_in(rng, "012", self.birth, self.gender, used_ids),
            general_education: self.education as i32,
            qualification: self.qualification as i32,
            political_theory: self.theory as i32,
            occupation: rng
                .pick(&[
                    "Làm nông nghiệp",
                    "Làm nông nghiệp",
                    "Giáo viên",
                    "Cán bộ xã",
                    "Kinh doanh",
                ])
                .to_owned(),
            youth_union: date::age_in_years(self.birth, decision) <= 30,
            admission: Some(Admission {
                decision_date: date::format(decision),
                decision_number: format!("{}-QĐ/ĐU", rng.range(3, 150)),
                ceremony_date: date::format(ceremony),
                official_date: if official <= day(LAST_DATE) {
                    date::format(official)
                } else {
                    String::new()
                },
                readmission: false,
            }),
            cell: names::cell(spec.code, cell),
            ..Member::default()
        };
        PlannedMember {
            full_name: self.full_name,
            admission: Some(RecordAdmissionRequest {
                member: Some(member),
                cell_vote: Some(cell_vote(rng)),
                deciding_body: format!("Đảng ủy {}", spec.display_name.replacen("Xã ", "xã ", 1)),
                request_id: format!("synthetic-{seed}-member-{counter:03}"),
            }),
            arrival: None,
            steps: Vec::new(),
            party_age: PartyAgeFields::default(),
            role: None,
        }
    }
}

/// The member's admission, from whichever entry it has.
pub fn admission_of(member: &PlannedMember) -> Option<&Admission> {
    member
        .admission
        .as_ref()
        .and_then(|r| r.member.as_ref())
        .or_else(|| member.arrival.as_ref().and_then(|r| r.member.as_ref()))
        .and_then(|m| m.admission.as_ref())
}

fn entry_cell(member: &PlannedMember) -> String {
    member
        .admission
        .as_ref()
        .and_then(|r| r.member.as_ref())
        .or_else(|| member.arrival.as_ref().and_then(|r| r.member.as_ref()))
        .map(|m| m.cell.clone())
        .unwrap_or_default()
}

/// The day the member's record allows later steps from: its official date, else its ceremony.
fn settled(member: &PlannedMember) -> Option<NaiveDate> {
    let admission = admission_of(member)?;
    let arrival = member
        .arrival
        .as_ref()
        .and_then(|a| date::parse(&a.joined_date).ok());
    let official = date::parse(&admission.official_date).ok()?;
    Some(arrival.map_or(official, |joined| joined.max(official)))
}

fn code_of(cell: &str) -> String {
    names::parse_cell("cell", cell)
        .map(|(code, _)| code)
        .unwrap_or_default()
}

/// Zero, one or two steps after the member is official, between `first` and `last`.
fn random_steps(
    rng: &mut SplitMix64,
    spec: &CommuneSpec,
    cell: &str,
    member: &PlannedMember,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Step> {
    let Some(settled) = settled(member) else {
        return Vec::new();
    };
    let start = (settled + Duration::days(1)).max(first);
    if start + Duration::days(200) >= last {
        return Vec::new();
    }
    let merge_day = day(MERGE_DATE);
    let in_merged = MERGED.iter().any(|i| COMMUNES[*i].code == spec.code);
    // Members of the merged communes change only before the merge (their later life is the
    // successor's, reached by the merge transfer).
    let end = if in_merged {
        merge_day - Duration::days(10)
    } else {
        last - Duration::days(190)
    };
    if start >= end {
        return Vec::new();
    }
    let roll = rng.range(0, 99);
    let when = random_day(rng, start, end);
    let mut steps = Vec::new();
    match roll {
        0..=44 => {}
        45..=52 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Death),
        }),
        53..=60 => {
            let targets = destinations(spec.code, when);
            let target = rng.pick(&targets);
            let to_cell = names::cell(target.code, target.cells[rng.range(0, 2) as usize].0);
            steps.push(Step {
                date: when,
                kind: StepKind::ToCommune { to_cell },
            });
        }
        61..=65 => steps.push(Step {
            date: when,
            kind: StepKind::OutOfSystem {
                to_organization: "Đảng bộ phường Mường Thanh, tỉnh Điện Biên".to_owned(),
            },
        }),
        66..=73 => {
            // A temporary transfer never spans the merge of the member's commune.
            let mut out = when;
            if in_merged && out < merge_day && out + Duration::days(200) >= merge_day {
                out = merge_day - Duration::days(400);
            }
            if out < start {
                return steps;
            }
            let back = out + Duration::days(rng.range(120, 170));
            steps.push(Step {
                date: out,
                kind: StepKind::TemporaryOut {
                    to_organization: "Chi bộ Công ty TNHH Điện tử, tỉnh Bắc Ninh".to_owned(),
                    away_until: date::add_months(out, 6),
                },
            });
            steps.push(Step {
                date: avoid_count_dates(back),
                kind: StepKind::TemporaryReturn,
            });
        }
        74..=81 => {
            steps.push(Step {
                date: when,
                kind: StepKind::Exempt,
            });
            let later = when + Duration::days(rng.range(60, 180));
            if rng.chance(50) {
                steps.push(Step {
                    date: avoid_count_dates(later),
                    kind: StepKind::Depart(DepartureKind::Death),
                });
            } else if rng.chance(50) {
                steps.push(Step {
                    date: avoid_count_dates(later),
                    kind: StepKind::EndExemption,
                });
            }
        }
        82..=85 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Removal),
        }),
        86..=88 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Expulsion),
        }),
        89..=91 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Resignation),
        }),
        _ => {
            let other = spec
                .cells
                .iter()
                .map(|(id, _, _)| *id)
                .find(|id| *id != cell)
                .unwrap_or(cell);
            steps.push(Step {
                date: when,
                kind: StepKind::BetweenCells {
                    to_cell: names::cell(spec.code, other),
                },
            });
        }
    }
    steps
}

/// Inserts the transfer into the successor on the merge day for a member who is then in one of
/// the merged communes and still on the roll; moves a recognition due after it behind it.
fn add_merge_transfer(member: &mut PlannedMember, merge_day: NaiveDate) {
    let entry = admission_of(member)
        .and_then(|a| date::parse(&a.decision_date).ok())
        .unwrap_or(merge_day);
    let joined = member
        .arrival
        .as_ref()
        .and_then(|a| date::parse(&a.joined_date).ok())
        .unwrap_or(entry);
    if joined >= merge_day {
        return;
    }
    let mut cell = entry_cell(member);
    for step in member.steps.iter().filter(|s| s.date < merge_day) {
        match &step.kind {
            StepKind::ToCommune { to_cell } | StepKind::BetweenCells { to_cell } => {
                cell = to_cell.clone();
            }
            StepKind::OutOfSystem { .. } | StepKind::Depart(_) => return,
            _ => {}
        }
    }
    let code = code_of(&cell);
    let Some(position) = MERGED.iter().position(|i| COMMUNES[*i].code == code) else {
        return;
    };
    let source = commune_spec(&code);
    let index = source
        .cells
        .iter()
        .position(|(id, _, _)| names::cell(&code, id) == cell)
        .unwrap_or(0);
    let target = match (position, index) {
        (_, 2) => SUCCESSOR.cells[2].0,
        (0, _) => SUCCESSOR.cells[0].0,
        _ => SUCCESSOR.cells[1].0,
    };
    member.steps.push(Step {
        date: merge_day,
        kind: StepKind::ToCommune {
            to_cell: names::cell(SUCCESSOR.code, target),
        },
    });
    // An admission recorded with an official date after the merge could not be transferred on
    // the merge day: it is recorded probationary and recognised later in the new commune.
    if let Some(request) = member.admission.as_mut()
        && let Some(admission) = request.member.as_mut().and_then(|m| m.admission.as_mut())
        && let Ok(official) = date::parse(&admission.official_date)
        && official > merge_day
    {
        admission.official_date = String::new();
        member.steps.push(Step {
            date: official,
            kind: StepKind::Recognize,
        });
    }
    member.steps.sort_by_key(|s| s.date);
}

/// The hand-made members: a gap, a seriously ill veteran, a death before a milestone, a badge
/// handed, a re-admission. All in Sơn Bình, which is not merged.
fn special_cases(
    rng: &mut SplitMix64,
    seed: u64,
    counter: &mut usize,
    members: &mut Vec<PlannedMember>,
    used_names: &mut HashSet<String>,
    used_ids: &mut HashSet<String>,
) {
    let spec = &COMMUNES[0];
    let cases = [
        (SpecialCase::PartyAgeGap, ymd(1995, 1, 15)),
        (SpecialCase::SeriouslyIll, ymd(1996, 9, 15)),
        (SpecialCase::DiedBeforeMilestone, ymd(1986, 4, 10)),
        (SpecialCase::BadgeHanded, ymd(1985, 3, 1)),
        (SpecialCase::Readmitted, ymd(2019, 8, 20)),
    ];
    for (case, decision) in cases {
        *counter += 1;
        let person = Person::generate(rng, decision, used_names);
        let mut member = person.admitted(
            rng,
            seed,
            *counter,
            spec,
            spec.cells[0].0,
            decision,
            used_ids,
        );
        member.role = Some(case);
        match case {
            SpecialCase::PartyAgeGap => {
                member.party_age.party_age_gaps = vec![PartyAgeGap {
                    from_date: "2000-01-01".to_owned(),
                    to_date: "2000-12-31".to_owned(),
                    reason: "Mất liên lạc".to_owned(),
                }];
            }
            SpecialCase::SeriouslyIll => member.party_age.seriously_ill = true,
            SpecialCase::DiedBeforeMilestone => member.steps.push(Step {
                date: ymd(2026, 1, 15),
                kind: StepKind::Depart(DepartureKind::Death),
            }),
            SpecialCase::BadgeHanded => {
                member.party_age.badges = vec![
                    BadgeAward {
                        years: 30,
                        award_date: "2015-05-19".to_owned(),
                    },
                    BadgeAward {
                        years: 40,
                        award_date: "2025-05-19".to_owned(),
                    },
                ];
            }
            SpecialCase::Readmitted => {
                if let Some(admission) = member
                    .admission
                    .as_mut()
                    .and_then(|r| r.member.as_mut())
                    .and_then(|m| m.admission.as_mut())
                {
                    admission.readmission = true;
                }
            }
        }
        members.push(member);
    }
}

/// A member's roll periods: (commune code, first day, first day off the roll).
fn periods(member: &PlannedMember) -> Vec<(String, NaiveDate, Option<NaiveDate>)> {
    let Some(admission) = admission_of(member) else {
        return Vec::new();
    };
    let start = match &member.arrival {
        Some(arrival) => date::parse(&arrival.joined_date).ok(),
        None => date::parse(&admission.decision_date).ok(),
    };
    let Some(start) = start else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut code = code_of(&entry_cell(member));
    let mut from = start;
    for step in &member.steps {
        match &step.kind {
            StepKind::ToCommune { to_cell } => {
                out.push((code.clone(), from, Some(step.date)));
                code = code_of(to_cell);
                from = step.date;
            }
            StepKind::OutOfSystem { .. } | StepKind::Depart(_) => {
                out.push((code.clone(), from, Some(step.date)));
                return out;
            }
            _ => {}
        }
    }
    out.push((code, from, None));
    out
}

fn on_roll(
    periods: &[(String, NaiveDate, Option<NaiveDate>)],
    code: Option<&str>,
    on: NaiveDate,
) -> bool {
    periods.iter().any(|(c, from, until)| {
        code.is_none_or(|code| code == c) && *from <= on && until.is_none_or(|u| on < u)
    })
}

impl Plan {
    /// Members of commune `code` on `on`; `None` counts the whole province.
    pub fn members_on(&self, code: Option<&str>, on: NaiveDate) -> i64 {
        self.members
            .iter()
            .filter(|m| on_roll(&periods(m), code, on))
            .count() as i64
    }

    /// The province's movements over `[from, to]`.
    pub fn movements(&self, from: NaiveDate, to: NaiveDate) -> ProvinceMovements {
        let mut result = ProvinceMovements {
            from: date::format(from),
            to: date::format(to),
            members_at_start: self.members_on(None, from - Duration::days(1)),
            members_at_end: self.members_on(None, to),
            ..ProvinceMovements::default()
        };
        let within = |d: NaiveDate| from <= d && d <= to;
        for member in &self.members {
            match (&member.arrival, admission_of(member)) {
                (Some(arrival), _) => {
                    if date::parse(&arrival.joined_date).is_ok_and(within) {
                        result.transferred_in += 1;
                    }
                }
                (None, Some(admission)) => {
                    if date::parse(&admission.decision_date).is_ok_and(within) {
                        result.admitted += 1;
                    }
                }
                (None, None) => {}
            }
            for step in member.steps.iter().filter(|s| within(s.date)) {
                match step.kind {
                    StepKind::OutOfSystem { .. } => result.transferred_out += 1,
                    StepKind::Depart(DepartureKind::Death) => result.died += 1,
                    StepKind::Depart(DepartureKind::Removal) => result.removed += 1,
                    StepKind::Depart(DepartureKind::Expulsion) => result.expelled += 1,
                    StepKind::Depart(DepartureKind::Resignation) => result.resigned += 1,
                    _ => {}
                }
            }
        }
        result
    }

    /// The communes valid on `on`, `communes/{code}`.
    fn valid_communes(&self, on: NaiveDate) -> Vec<String> {
        let merge_day = day(MERGE_DATE);
        COMMUNES
            .iter()
            .enumerate()
            .filter(|(i, _)| on < merge_day || !MERGED.contains(i))
            .map(|(_, c)| c.code)
            .chain((on >= merge_day).then_some(SUCCESSOR.code))
            .map(names::commune)
            .collect()
    }

    /// The summary of this plan, before loading (no resource names, nothing created).
    pub fn summary(&self) -> SyntheticProvince {
        let mut counts = Vec::new();
        let mut province_counts = Vec::new();
        for day_text in COUNT_DATES {
            let on = day(day_text);
            for commune in self.valid_communes(on) {
                let code = commune.trim_start_matches("communes/").to_owned();
                counts.push(CommuneCount {
                    date: day_text.to_owned(),
                    members: self.members_on(Some(&code), on),
                    commune,
                });
            }
            province_counts.push((day_text.to_owned(), self.members_on(None, on)));
        }
        let movements = (2015..=2026)
            .map(|year| {
                let to = if year == 2026 {
                    day(LAST_DATE)
                } else {
                    ymd(year, 12, 31)
                };
                self.movements(ymd(year, 1, 1), to)
            })
            .collect();
        SyntheticProvince {
            seed: self.seed,
            province: PROVINCE.to_owned(),
            commune_names: COMMUNES
                .iter()
                .chain([&SUCCESSOR])
                .map(|c| (names::commune(c.code), c.display_name.to_owned()))
                .collect(),
            merged: MERGED
                .iter()
                .map(|i| names::commune(COMMUNES[*i].code))
                .collect(),
            successor: names::commune(SUCCESSOR.code),
            merge_date: MERGE_DATE.to_owned(),
            counts,
            province_counts,
            movements,
            special: Vec::new(),
            members_created: 0,
            members_present: 0,
            steps_applied: 0,
        }
    }
}

/// Loads the province generated from `seed` through the membership and reference APIs, and
/// returns the figures an end-to-end test compares the reports with. The reference provinces
/// (12 among them) must exist: the membership service creates them on first start. Every create
/// carries a request id derived from the seed; members already on a roll are left as they are.
pub async fn seed_province(
    membership: &mut MembershipServiceClient<Transport>,
    reference: &mut ReferenceServiceClient<Transport>,
    seed: u64,
) -> Result<SyntheticProvince, tonic::Status> {
    let plan = plan(seed);
    let mut summary = plan.summary();

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
        if let Some(existing) = roll.get(&text::normalize(&member.full_name)) {
            summary.members_present += 1;
            if let Some(case) = member.role {
                summary.special.push((case, existing.name.clone()));
            }
            continue;
        }
        let recorded = match (&member.admission, &member.arrival) {
            (Some(request), _) => membership.record_admission(request.clone()).await?,
            (None, Some(request)) => membership.create_member(request.clone()).await?,
            (None, None) => continue,
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

    for (index, name) in created {
        let member = &plan.members[index];
        for (number, step) in member.steps.iter().enumerate() {
            let request_id = format!("synthetic-{seed}-step-{index:03}-{number}");
            apply_step(membership, name.clone(), step, request_id).await?;
            summary.steps_applied += 1;
        }
        if !member.party_age.is_empty() {
            member.party_age.apply(membership, name).await?;
        }
    }
    Ok(summary)
}

async fn apply_step(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn steps_of<'a>(plan: &'a Plan, kind: impl Fn(&StepKind) -> bool + 'a) -> usize {
        plan.members
            .iter()
            .flat_map(|m| m.steps.iter())
            .filter(|s| kind(&s.kind))
            .count()
    }

    #[test]
    fn constants_are_dates_and_the_plan_is_deterministic() {
        for value in COUNT_DATES
            .iter()
            .chain(&[MERGE_DATE, FIRST_EVENT_DATE, LAST_DATE])
        {
            assert!(date::parse(value).is_ok(), "{value}");
        }
        assert_eq!(plan(DEFAULT_SEED), plan(DEFAULT_SEED));
        assert_ne!(plan(DEFAULT_SEED), plan(DEFAULT_SEED + 1));
    }

    #[test]
    fn four_communes_and_a_new_successor_in_province_12() {
        let plan = plan(DEFAULT_SEED);
        assert_eq!(plan.communes.len(), 5);
        let codes: HashSet<String> = plan
            .communes
            .iter()
            .filter_map(|c| c.commune.as_ref())
            .map(|c| {
                assert_eq!(c.province_code, PROVINCE_CODE);
                assert!(c.code.starts_with("03") && c.code.len() == 5);
                c.code.clone()
            })
            .collect();
        assert_eq!(codes.len(), 5);
        let merge = plan.merge.merge.as_ref().expect("merge");
        assert_eq!(merge.predecessor_codes.len(), 2);
        assert!(!merge.predecessor_codes.contains(&merge.successor_code));
        let successor = plan
            .communes
            .iter()
            .filter_map(|c| c.commune.as_ref())
            .find(|c| c.code == merge.successor_code)
            .expect("the successor is created");
        assert_eq!(successor.valid_from, MERGE_DATE);
        for cell in plan
            .cells
            .iter()
            .filter(|c| c.parent.ends_with(&merge.successor_code))
        {
            assert_eq!(cell.cell.as_ref().expect("cell").open_date, MERGE_DATE);
        }
    }

    #[test]
    fn every_movement_kind_and_special_case_occurs() {
        let plan = plan(DEFAULT_SEED);
        assert!(
            steps_of(&plan, |k| matches!(
                k,
                StepKind::Depart(DepartureKind::Death)
            )) > 0
        );
        for kind in [
            DepartureKind::Removal,
            DepartureKind::Expulsion,
            DepartureKind::Resignation,
        ] {
            assert!(
                steps_of(&plan, move |k| *k == StepKind::Depart(kind)) > 0,
                "{kind:?}"
            );
        }
        assert!(steps_of(&plan, |k| matches!(k, StepKind::OutOfSystem { .. })) > 0);
        assert!(steps_of(&plan, |k| matches!(k, StepKind::TemporaryOut { .. })) > 0);
        assert!(steps_of(&plan, |k| *k == StepKind::TemporaryReturn) > 0);
        assert!(steps_of(&plan, |k| *k == StepKind::Exempt) > 0);
        assert!(steps_of(&plan, |k| matches!(k, StepKind::ToCommune { .. })) > 0);
        assert!(plan.members.iter().any(|m| m.arrival.is_some()));
        for case in [
            SpecialCase::PartyAgeGap,
            SpecialCase::SeriouslyIll,
            SpecialCase::DiedBeforeMilestone,
            SpecialCase::BadgeHanded,
            SpecialCase::Readmitted,
        ] {
            assert_eq!(
                plan.members.iter().filter(|m| m.role == Some(case)).count(),
                1,
                "{case:?}"
            );
        }
        let religions: HashSet<&str> = plan
            .members
            .iter()
            .filter_map(|m| m.admission.as_ref()?.member.as_ref())
            .map(|m| m.religion.as_str())
            .collect();
        assert!(religions.contains("Tin Lành") || religions.contains("Đạo Tin lành"));
        assert!(religions.len() >= 4, "{religions:?}");
        let ethnicities: HashSet<&str> = plan
            .members
            .iter()
            .filter_map(|m| m.admission.as_ref()?.member.as_ref())
            .map(|m| m.ethnicity_code.as_str())
            .collect();
        assert!(ethnicities.len() >= 5, "{ethnicities:?}");
    }

    #[test]
    fn histories_are_ordered_and_follow_the_lifecycle() {
        let plan = plan(DEFAULT_SEED);
        let merge_day = day(MERGE_DATE);
        let last = day(LAST_DATE);
        let mut names_seen = HashSet::new();
        for member in &plan.members {
            assert!(
                names_seen.insert(member.full_name.clone()),
                "{}",
                member.full_name
            );
            let admission = admission_of(member).expect("every member has an admission");
            let decided = date::parse(&admission.decision_date).expect("decision");
            let ceremony = date::parse(&admission.ceremony_date).expect("ceremony");
            assert!(ceremony > decided && decided <= last);
            let birth = member
                .admission
                .as_ref()
                .and_then(|r| r.member.as_ref())
                .or_else(|| member.arrival.as_ref().and_then(|r| r.member.as_ref()))
                .and_then(|m| date::parse(&m.birth_date).ok())
                .expect("birth");
            let months = date::whole_months_between(birth, decided);
            assert!(
                (18 * 12..=60 * 12).contains(&months),
                "{}",
                member.full_name
            );
            let mut previous = decided;
            let mut away = false;
            let mut ended = false;
            for step in &member.steps {
                assert!(!ended, "nothing after leaving: {}", member.full_name);
                assert!(step.date >= previous, "{}: {step:?}", member.full_name);
                assert!(step.date <= last);
                // The merge transfers are the one change of the roll on a counting day, and
                // recognitions do not change it.
                if step.date != merge_day && step.kind != StepKind::Recognize {
                    assert!(!COUNT_DATES.contains(&date::format(step.date).as_str()));
                }
                previous = step.date;
                match &step.kind {
                    StepKind::TemporaryOut { away_until, .. } => {
                        assert!(!away);
                        assert!(*away_until >= date::add_months(step.date, 3));
                        away = true;
                    }
                    StepKind::TemporaryReturn => {
                        assert!(away);
                        away = false;
                    }
                    StepKind::ToCommune { to_cell } | StepKind::BetweenCells { to_cell } => {
                        assert!(!away, "no move while away: {}", member.full_name);
                        let code = code_of(to_cell);
                        let spec = commune_spec(&code);
                        if code == SUCCESSOR.code {
                            assert!(step.date >= merge_day);
                        } else if MERGED.iter().any(|i| COMMUNES[*i].code == code) {
                            assert!(step.date < merge_day);
                        }
                        assert!(
                            spec.cells
                                .iter()
                                .any(|(id, _, _)| names::cell(&code, id) == *to_cell)
                        );
                    }
                    StepKind::OutOfSystem { .. } | StepKind::Depart(_) => ended = true,
                    _ => {}
                }
            }
            // Nobody stays in a merged commune after the merge.
            let periods = periods(member);
            for (code, _, until) in &periods {
                if MERGED.iter().any(|i| COMMUNES[*i].code == *code) {
                    assert!(
                        until.is_some_and(|u| u <= merge_day),
                        "{}",
                        member.full_name
                    );
                }
            }
        }
    }

    #[test]
    fn counts_add_up_and_the_successor_holds_its_predecessors() {
        let plan = plan(DEFAULT_SEED);
        let summary = plan.summary();
        for (day_text, total) in &summary.province_counts {
            let sum: i64 = summary
                .counts
                .iter()
                .filter(|c| &c.date == day_text)
                .map(|c| c.members)
                .sum();
            assert_eq!(sum, *total, "{day_text}");
        }
        let on = |commune: &str, d: &str| summary.members_on(commune, d).expect("counted");
        let [a, b] = [&summary.merged[0], &summary.merged[1]];
        // The merge moves exactly the members of the pair.
        assert_eq!(
            on(a, "2025-06-30") + on(b, "2025-06-30"),
            on(&summary.successor, "2025-07-01")
        );
        assert!(
            summary
                .members_on(&summary.successor, "2025-06-30")
                .is_none()
        );
        assert!(summary.members_on(a, "2025-07-01").is_none());
        let province = |d: &str| {
            summary
                .province_counts
                .iter()
                .find(|(day, _)| day == d)
                .map(|(_, n)| *n)
                .expect("counted")
        };
        assert_eq!(province("2025-06-30"), province("2025-07-01"));
        assert!(province("2014-12-31") > 50);
    }

    #[test]
    fn the_province_movements_reconcile_every_year() {
        let plan = plan(DEFAULT_SEED);
        let summary = plan.summary();
        assert_eq!(summary.movements.len(), 12);
        let mut any_out = false;
        for m in &summary.movements {
            let inflow = m.admitted + m.transferred_in;
            let outflow = m.transferred_out + m.died + m.removed + m.expelled + m.resigned;
            assert_eq!(
                m.members_at_start + inflow,
                m.members_at_end + outflow,
                "{m:?}"
            );
            any_out |= outflow > 0;
        }
        assert!(any_out);
        let whole = plan.movements(ymd(2015, 1, 1), day(LAST_DATE));
        assert_eq!(
            whole.members_at_start + whole.admitted + whole.transferred_in,
            whole.members_at_end
                + whole.transferred_out
                + whole.died
                + whole.removed
                + whole.expelled
                + whole.resigned
        );
        assert!(whole.admitted > 10 && whole.transferred_in > 0);
    }

    #[test]
    fn special_cases_sit_where_the_badge_rules_need_them() {
        let plan = plan(DEFAULT_SEED);
        let find = |case| {
            plan.members
                .iter()
                .find(|m| m.role == Some(case))
                .expect("present")
        };
        let gap = find(SpecialCase::PartyAgeGap);
        assert_eq!(gap.party_age.party_age_gaps.len(), 1);
        let died = find(SpecialCase::DiedBeforeMilestone);
        let death = died.steps.last().expect("a death");
        assert_eq!(death.kind, StepKind::Depart(DepartureKind::Death));
        let decided =
            date::parse(&admission_of(died).expect("admission").decision_date).expect("date");
        let milestone = date::add_months(decided, 40 * 12);
        assert!(death.date < milestone && milestone - death.date < Duration::days(365));
        assert!(find(SpecialCase::SeriouslyIll).party_age.seriously_ill);
        assert!(!find(SpecialCase::BadgeHanded).party_age.badges.is_empty());
        assert!(admission_of(find(SpecialCase::Readmitted)).is_some_and(|a| a.readmission));
    }
}
