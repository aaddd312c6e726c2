//! The cells of Hợp Thành and their SYNTHETIC members: the cell table, the recent admissions the
//! article names, the person generator shared with Tả Phời (a `Locality` says where), and the
//! admission requests that put each person on the roll.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_proto::membership::v1::{
    Admission, Assignment, CellKind, Gender, GeneralEducation, Member, PoliticalTheory,
    Qualification, RecordAdmissionRequest, VoteTally,
};
use partyregistry_vocab::{date, names, text};

use crate::dataset::figures::{
    COMMUNE_CODE, DECIDING_BODY, FIRST_ADMISSION_YEAR, TUONG_1_NO_ADMISSION_SINCE,
};
use crate::dataset::people::identity::{
    RESIDENT_ETHNICITIES, STAFF_ETHNICITIES, SplitMix64, full_name, ymd,
};

/// What kind of cell a plan is, which decides the profile of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::dataset) enum Profile {
    Residential,
    School,
    Police,
}

/// One cell of the commune and how many members it has on the reference date.
pub(in crate::dataset) struct CellPlan {
    pub(in crate::dataset) id: &'static str,
    pub(in crate::dataset) display_name: &'static str,
    pub(in crate::dataset) kind: CellKind,
    pub(in crate::dataset) profile: Profile,
    /// Founding date: before the first admission decided in the cell.
    pub(in crate::dataset) open: (i32, u32, u32),
    /// Members on the reference date, the recent admissions included.
    pub(in crate::dataset) members: usize,
    /// The village, for addresses; empty for schools and the police.
    pub(in crate::dataset) village: &'static str,
    /// Admissions in the cell are generated from this year on.
    pub(in crate::dataset) first_year: i32,
    /// … up to this year.
    pub(in crate::dataset) last_year: i32,
}

pub(in crate::dataset) const fn residential(
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
pub(in crate::dataset) const CELLS: [CellPlan; 16] = [
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
pub(in crate::dataset) struct Recent {
    pub(in crate::dataset) cell: &'static str,
    pub(in crate::dataset) full_name: &'static str,
    pub(in crate::dataset) gender: Gender,
    pub(in crate::dataset) birth: (i32, u32, u32),
    pub(in crate::dataset) ethnicity: &'static str,
    pub(in crate::dataset) education: GeneralEducation,
    pub(in crate::dataset) qualification: Qualification,
    pub(in crate::dataset) occupation: &'static str,
    pub(in crate::dataset) decision: (i32, u32, u32),
    pub(in crate::dataset) ceremony: (i32, u32, u32),
}

pub(in crate::dataset) const RECENT_ADMISSIONS: [Recent; 8] = [
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
pub(in crate::dataset) enum Role {
    Resident,
    Seconded,
    Teacher,
    Police,
}

/// A person before being turned into a request.
#[derive(Debug, Clone)]
pub(in crate::dataset) struct Person {
    pub(in crate::dataset) cell: &'static str,
    pub(in crate::dataset) full_name: String,
    pub(in crate::dataset) gender: Gender,
    pub(in crate::dataset) birth: NaiveDate,
    pub(in crate::dataset) ethnicity: &'static str,
    pub(in crate::dataset) home_town: &'static str,
    pub(in crate::dataset) address: String,
    pub(in crate::dataset) citizen_id: String,
    pub(in crate::dataset) education: GeneralEducation,
    pub(in crate::dataset) qualification: Qualification,
    pub(in crate::dataset) theory: PoliticalTheory,
    pub(in crate::dataset) occupation: &'static str,
    pub(in crate::dataset) assignment: Assignment,
    pub(in crate::dataset) decision: NaiveDate,
    pub(in crate::dataset) decision_number: String,
    pub(in crate::dataset) ceremony: NaiveDate,
}

pub(in crate::dataset) const HOME_TOWNS: [(&str, u32); 6] = [
    ("Xã Hợp Thành, Lào Cai", 70),
    ("Xã Tả Phời, Lào Cai", 8),
    ("Huyện Bảo Thắng, Lào Cai", 8),
    ("Tỉnh Nam Định", 5),
    ("Tỉnh Thái Bình", 5),
    ("Tỉnh Phú Thọ", 4),
];

/// Where generated people live and who decides their admission: what differs between the
/// communes of the dataset.
pub(in crate::dataset) struct Locality {
    /// The commune's code.
    pub(in crate::dataset) commune_code: &'static str,
    /// `xã Hợp Thành`, as written inside an address.
    pub(in crate::dataset) commune_label: &'static str,
    /// `thành phố Lào Cai, tỉnh Lào Cai`: the rest of an address.
    pub(in crate::dataset) region: &'static str,
    /// The body deciding admissions.
    pub(in crate::dataset) deciding_body: &'static str,
    /// Request ids of the admissions are this prefix and a number.
    pub(in crate::dataset) request_prefix: &'static str,
    /// The ethnic mix of residents.
    pub(in crate::dataset) resident_ethnicities: &'static [(&'static str, u32)],
    /// Home towns by weight.
    pub(in crate::dataset) home_towns: &'static [(&'static str, u32)],
    /// Villages where staff of schools and the police live.
    pub(in crate::dataset) staff_villages: &'static [&'static str],
}

impl Locality {
    fn address(&self, village: &str) -> String {
        format!("Thôn {village}, {}, {}", self.commune_label, self.region)
    }
}

/// Hợp Thành: the tables as they always were, so that its people stay the same.
pub(in crate::dataset) const HOP_THANH: Locality = Locality {
    commune_code: COMMUNE_CODE,
    commune_label: "xã Hợp Thành",
    region: "thành phố Lào Cai, tỉnh Lào Cai",
    deciding_body: DECIDING_BODY,
    request_prefix: "seed-hop-thanh-member",
    resident_ethnicities: &RESIDENT_ETHNICITIES,
    home_towns: &HOME_TOWNS,
    staff_villages: &["Tượng 2", "Trung Tâm", "Hợp Thành 1", "Làng Mới"],
};

pub(in crate::dataset) fn village_address(village: &str) -> String {
    HOP_THANH.address(village)
}

/// Generates one member of a cell. Ages: at least 19 years at the decision (so at least 18 years
/// in months with a margin, and at least 20 on the reference date), at most 45, and born in 1937
/// or later so that nobody is older than 85 on the reference date.
pub(in crate::dataset) fn generate_person(
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

pub(in crate::dataset) fn recent_person(recent: &Recent) -> Person {
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

/// Numbers the decisions of each year in date order, the way a committee's register does.
pub(in crate::dataset) fn assign_decision_numbers(rng: &mut SplitMix64, people: &mut [Person]) {
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

pub(in crate::dataset) fn admission_request(
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
        ethnicity_code_system: partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned(),
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
            ..Admission::default()
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
        // The reference roll does not keep the vote days; the decision date stands in.
        cell_vote_date: String::new(),
    }
}
