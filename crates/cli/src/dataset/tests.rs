//! Checks that the generated people reproduce every figure of the article, and what the loader
//! sends.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_proto::membership::v1::{
    Assignment, Candidate, CandidateSource, CandidateStage, CellKind, CellPlan as CellPlanMessage,
    Gender, GeneralEducation, Introducer, Member, PoliticalTheory, RatingLevel, TransferKind,
    UnitLevel,
};
use partyregistry_vocab::{date, names, text};

use crate::dataset::figures::{
    ADMISSIONS_2021, ADMISSIONS_2022, AWARD_ROUNDS, BADGE_HOLDERS, BADGE_YEARS,
    BADGES_HANDED_UNTIL, BEST_CASE_2022, CANDIDATES, CELL_APPROVED_CANDIDATE, CELL_APPROVED_DATE,
    CELLS_AFTER_MERGE, CERTIFICATE_MISSING_2022, CLASS_DONE_2022, COMMUNE, COMMUNE_CODE,
    COMPLETED_CELLS_2021, DECIDING_BODY, EDUCATION_BLOCKED_2022, ELIGIBLE_CANDIDATES_2022,
    EXCELLENT_CELLS_2021, EXPECTED_CELLS, EXPECTED_MEMBERS, EXPECTED_OFFICIAL,
    EXPECTED_PROBATIONARY, EXPECTED_WOMEN, FIRST_ADMISSION_YEAR, GOOD_CELLS_2021,
    GOOD_CELLS_NEEDED_2021, INTRODUCERS_MISSING_2022, LIVES_AWAY_2022, MEMBER_RATINGS_2021,
    MEMBERS_AFTER_MERGE, MEMBERS_WITH_GAPS, MERGE_EFFECTIVE_DATE, MERGE_LEGAL_BASIS,
    MERGED_CELLS_OPEN_DATE, MILITARY_REFERRAL_MISSING_2022, OPEN_CANDIDATES_2022, PLAN_YEAR,
    PLANNED_ADMISSIONS_2022, PLANNED_SOURCES_2022, POLICE_CELLS, PROVINCE_CODE, RATED_CELLS_2021,
    RATING_YEAR, REFERENCE_AS_OF, REMAINING_2022, RESIDENTIAL_CELLS, SCHOOL_CELLS,
    SERIOUSLY_ILL_MEMBERS, TA_PHOI_CELLS, TA_PHOI_CELLS_CLOSE_DATE, TA_PHOI_CODE,
    TA_PHOI_DISPLAY_NAME, TA_PHOI_MEMBERS, TA_PHOI_VALID_FROM, TA_PHOI_VALID_TO,
    TARGET_ADMISSIONS_PER_YEAR, TARGET_FIRST_YEAR, TARGET_GOOD_CELLS_PERCENT, TARGET_LAST_YEAR,
    TARGET_NAME, TUONG_1_CELL, TUONG_1_LOCAL, TUONG_1_MEMBERS, TUONG_1_NO_ADMISSION_SINCE,
    TUONG_1_SECONDED,
};
use crate::dataset::loader::summary::SeedSummary;
use crate::dataset::people::identity::ymd;
use crate::dataset::people::members::{CELLS, RECENT_ADMISSIONS};
use crate::dataset::people::ta_phoi::{SeedMemberUpdate, first_round_on_or_after};
use crate::dataset::people::{Dataset, reference_dataset_on};

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
    // The roll counts a member from the admission ceremony: every one of the 172 has had it by
    // the reference date, none is still awaiting it.
    for member in &members {
        let admission = member.admission.as_ref().expect("admission");
        let ceremony = date::parse(&admission.ceremony_date).expect("ceremony");
        assert!(ceremony <= reference_date(), "{}", member.full_name);
    }
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
            let committee = seed.youth_union_committee.then(|| Introducer {
                member: String::new(),
                youth_union_committee: true,
                months_worked_together: 0,
            });
            candidate.introducers = committee
                .into_iter()
                .chain(seed.introducers.iter().map(|(name, months)| Introducer {
                    member: name.clone(),
                    youth_union_committee: false,
                    months_worked_together: *months,
                }))
                .collect();
            let facts = partyregistry_kit::admission::candidate_facts(&candidate, false, |name| {
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
        assert!(partyregistry_vocab::reference::ethnic_group(&candidate.ethnicity_code).is_some());
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
        "YOUTH_UNION_INTRODUCTION_MISSING",
        "CELL_VOTES_EXHAUSTED",
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
            let committee = usize::from(seed.youth_union_committee);
            assert!(
                seed.introducers.len() + committee == 2 || seed.introducers.is_empty(),
                "two introducers, the Youth Union committee counting as one"
            );
            assert_eq!(
                seed.youth_union_committee,
                candidate.youth_union && committee + seed.introducers.len() > 0
            );
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
