//! One synthetic person of the province: name, gender, birth date, ethnicity, religion and the
//! other personal fields, drawn from the province's tables by the shared random source.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_proto::membership::v1::{
    Admission, Gender, GeneralEducation, Member, PoliticalTheory, Qualification,
    RecordAdmissionRequest,
};
use partyregistry_vocab::{date, names, text};

use crate::dataset::people::identity::{SplitMix64, citizen_id_in, full_name, ymd};
use crate::dataset::people::members::cell_vote;
use crate::dataset::people::ta_phoi::PartyAgeFields;
use crate::synthetic::people::members::PlannedMember;
use crate::synthetic::province::{CommuneSpec, LAST_DATE, day};

/// Lai Châu's ethnic mix.
pub(in crate::synthetic) const ETHNICITIES: [(&str, u32); 7] = [
    ("03", 30),
    ("08", 25),
    ("01", 15),
    ("09", 12),
    ("35", 8),
    ("25", 5),
    ("42", 5),
];

/// Religion as typed by clerks: empty, `Không`, and several spellings of the same faiths.
pub(in crate::synthetic) const RELIGIONS: [(&str, u32); 9] = [
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

/// A generated person before admission.
pub(in crate::synthetic) struct Person {
    pub(in crate::synthetic) full_name: String,
    pub(in crate::synthetic) gender: Gender,
    pub(in crate::synthetic) birth: NaiveDate,
    pub(in crate::synthetic) ethnicity: &'static str,
    pub(in crate::synthetic) religion: &'static str,
    pub(in crate::synthetic) education: GeneralEducation,
    pub(in crate::synthetic) qualification: Qualification,
    pub(in crate::synthetic) theory: PoliticalTheory,
}

impl Person {
    /// A person of Lai Châu admitted on `decision`.
    pub(in crate::synthetic) fn generate(
        rng: &mut SplitMix64,
        decision: NaiveDate,
        used: &mut HashSet<String>,
    ) -> Self {
        Self::generate_in(rng, decision, used, &ETHNICITIES, ymd(1940, 1, 1))
    }

    /// A person admitted on `decision` at 19 to 42 years of age, drawn from the ethnic mix
    /// `ethnicities`, born no earlier than `earliest_birth`; the name is not in `used`.
    pub(in crate::synthetic) fn generate_in(
        rng: &mut SplitMix64,
        decision: NaiveDate,
        used: &mut HashSet<String>,
        ethnicities: &[(&'static str, u32)],
        earliest_birth: NaiveDate,
    ) -> Self {
        let gender = if rng.chance(36) {
            Gender::Female
        } else {
            Gender::Male
        };
        let ethnicity = rng.weighted(ethnicities);
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
        let birth = (decision - Duration::days(age_days)).max(earliest_birth);
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
    pub(in crate::synthetic) fn admitted(
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
            ethnicity_code_system: partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID
                .to_owned(),
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
                ..Admission::default()
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
                cell_vote_date: String::new(),
            }),
            arrival: None,
            steps: Vec::new(),
            party_age: PartyAgeFields::default(),
            role: None,
        }
    }
}
