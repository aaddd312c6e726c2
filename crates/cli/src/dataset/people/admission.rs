//! The admission story of the article as requests: the 2021 cell ratings, the cells' 2022 plans,
//! the eight admission sources as of
//! [`REFERENCE_AS_OF`](crate::dataset::figures::REFERENCE_AS_OF) and a few 2021 member ratings.
//! Owns the hand-written specifications of the sources; the figures they must reproduce live in
//! [`crate::dataset::figures`].

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use partyregistry_proto::membership::v1::{
    AwarenessCertificate, BackgroundCheck, Candidate, CandidateSource, CandidateStage,
    CreateCandidateRequest, Gender, GeneralEducation, MemberRating, RatingLevel, VoteTally,
};
use partyregistry_vocab::{date, names, text};

use crate::dataset::figures::{CELL_APPROVED_CANDIDATE, COMMUNE_CODE, RATING_YEAR};
use crate::dataset::people::identity::{SplitMix64, citizen_id, ymd};
use crate::dataset::people::members::Person;

/// A candidate of the dataset. Member ids are assigned by the service, so the introducers are
/// named by the full name of a member of the dataset and resolved when seeding.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedCandidate {
    /// The request, with `introducers` empty.
    pub request: CreateCandidateRequest,
    /// Introducing members: (full name, months worked with the candidate).
    pub introducers: Vec<(String, i32)>,
    /// The Youth Union committee introduces too, before the members: a Youth Union member of
    /// youth age is introduced by its committee plus one official member (Điều lệ Đảng, Điều 4).
    pub youth_union_committee: bool,
}

/// A member rating of the dataset, the member named by full name (resolved when seeding).
#[derive(Debug, Clone, PartialEq)]
pub struct SeedMemberRating {
    /// The member's full name in the dataset.
    pub member_full_name: String,
    /// The rating (year and level).
    pub rating: MemberRating,
}

/// Mixed into [`SEED`](super::identity::SEED) for the candidates' generator.
pub(in crate::dataset) const CANDIDATE_SEED_SALT: u64 = 0x4341_4e44_4944_4154;

/// The 2021 rating of every cell: 3 EXCELLENT, 10 GOOD, 3 COMPLETED. Tượng 1, with its ageing
/// local members and no admission for years, is among the COMPLETED.
pub(in crate::dataset) const CELL_RATINGS_2021: [(&str, RatingLevel); 16] = [
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
pub(in crate::dataset) const CELL_PLANS_2022: [(&str, i32, i32, &str); 16] = [
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
pub(in crate::dataset) type Day = (i32, u32, u32);

/// One admission source of the dataset, written by hand.
pub(in crate::dataset) struct CandidateSpec {
    pub(in crate::dataset) cell: &'static str,
    pub(in crate::dataset) full_name: &'static str,
    pub(in crate::dataset) gender: Gender,
    pub(in crate::dataset) birth: Day,
    pub(in crate::dataset) ethnicity: &'static str,
    pub(in crate::dataset) education: GeneralEducation,
    pub(in crate::dataset) occupation: &'static str,
    pub(in crate::dataset) youth_union: bool,
    pub(in crate::dataset) source: CandidateSource,
    /// Issuer and day of the awareness-class certificate.
    pub(in crate::dataset) certificate: Option<(&'static str, Day)>,
    /// Months each of the two introducing members has worked with the candidate; empty for no
    /// introducer yet.
    pub(in crate::dataset) introducer_months: &'static [i32],
    pub(in crate::dataset) background_check: BackgroundCheck,
    pub(in crate::dataset) papers: Option<Day>,
    pub(in crate::dataset) lives_away: bool,
    /// The cell's vote (eligible, present, yes) and its day.
    pub(in crate::dataset) cell_vote: Option<((i32, i32, i32), Day)>,
    pub(in crate::dataset) stage: CandidateStage,
    pub(in crate::dataset) stage_date: Day,
}

/// Where the commune's awareness classes are held.
pub(in crate::dataset) const CLASS_ISSUER: &str = "Trung tâm Chính trị thành phố Lào Cai";

/// The eight sources of 30 June 2022, none in Tượng 1.
/// A source with nothing recorded beyond the person and the stage: no certificate, introducer,
/// check, papers or vote, living in the commune. The table below overrides what it knows.
#[allow(clippy::too_many_arguments)]
pub(in crate::dataset) const fn source(
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

pub(in crate::dataset) const CANDIDATE_SPECS: [CandidateSpec; 8] = [
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
            // Past youth age (31 and over on the vote day), so two official members introduce
            // him although he is not a Youth Union member.
            (1989, 7, 3),
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
        // The cell's 12 official members on the vote day are the vote's denominator (the
        // Statute's "số đảng viên chính thức"), not a number typed apart from the roll.
        cell_vote: Some(((12, 11, 11), (2022, 6, 24))),
        ..source(
            "hop-thanh-2",
            CELL_APPROVED_CANDIDATE,
            Gender::Male,
            // Past youth age, as Thào A Chư.
            (1990, 5, 9),
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

pub(in crate::dataset) fn day(value: Day) -> NaiveDate {
    ymd(value.0, value.1, value.2)
}

/// The introducers of a candidate: long-standing members of the candidate's cell, admitted
/// between 1995 and 2012 and so official long before 30 June 2022 and still today (the dataset
/// records no departure), the earliest admitted first.
pub(in crate::dataset) fn introducers_for(
    cell: &str,
    people: &[Person],
    count: usize,
) -> Vec<String> {
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

pub(in crate::dataset) fn seed_candidate(
    rng: &mut SplitMix64,
    index: usize,
    spec: &CandidateSpec,
    people: &[Person],
    used_ids: &mut HashSet<String>,
) -> SeedCandidate {
    let parts = text::split_full_name(spec.full_name);
    let birth = day(spec.birth);
    // For a Youth Union member the committee takes the first introducer's place.
    let youth_union_committee = spec.youth_union && !spec.introducer_months.is_empty();
    let member_months = &spec.introducer_months[usize::from(youth_union_committee)..];
    let introducers = introducers_for(spec.cell, people, member_months.len())
        .into_iter()
        .zip(member_months.iter().copied())
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
        ethnicity_code_system: partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned(),
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
        youth_union_committee,
    }
}

/// The 2021 ratings of the first introducer of each introduced candidate: long-standing official
/// members, none exempt.
pub(in crate::dataset) fn member_ratings(candidates: &[SeedCandidate]) -> Vec<SeedMemberRating> {
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
