use super::*;
use crate::RuleTable;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid test date")
}

/// A Youth Union member with everything in order on 2022-06-30.
fn ready() -> CandidateFacts {
    CandidateFacts {
        birth_date: d("2000-03-15"),
        education: Education::UpperSecondary,
        flagged_area: false,
        certificate_date: Some(d("2022-03-01")),
        introducers: vec![
            IntroducerFacts {
                youth_union_committee: true,
                official_member: false,
                months_worked_together: 0,
            },
            IntroducerFacts {
                youth_union_committee: false,
                official_member: true,
                months_worked_together: 24,
            },
        ],
        youth_union: true,
        demobilised_soldier: false,
        has_military_referral: false,
        class_retaken_locally: false,
        lives_away: false,
        away_comment_date: None,
        papers_date: Some(d("2022-05-01")),
        cell_vote: None,
        background_check_failed: false,
        exceptions: Vec::new(),
        youth_union_organisation: true,
        failed_cell_votes: 0,
    }
}

/// The two regulation versions and a day under each, either side of 1 July 2025.
fn both_versions() -> [(NaiveDate, RuleVersion); 2] {
    let table = RuleTable::reference();
    let before = d("2025-06-30");
    let after = d("2025-07-01");
    [
        (before, table.in_force_on(before).clone()),
        (after, table.in_force_on(after).clone()),
    ]
}

fn codes(found: &[Blocker]) -> Vec<&'static str> {
    found.iter().map(|b| b.code.code()).collect()
}

/// Moves every date of `facts` so that it stands on `on` as it stood on 2022-06-30.
fn shifted(facts: &CandidateFacts, on: NaiveDate) -> CandidateFacts {
    let shift = on - d("2022-06-30");
    CandidateFacts {
        birth_date: facts.birth_date + shift,
        certificate_date: facts.certificate_date.map(|x| x + shift),
        papers_date: facts.papers_date.map(|x| x + shift),
        away_comment_date: facts.away_comment_date.map(|x| x + shift),
        ..facts.clone()
    }
}

#[test]
fn ready_candidate_has_no_blocker_under_either_version() {
    for (on, rules) in both_versions() {
        assert_eq!(
            codes(&blockers(&shifted(&ready(), on), on, &rules)),
            Vec::<&str>::new(),
            "{}",
            rules.code
        );
    }
}

#[test]
fn age_is_counted_in_months_under_both_versions() {
    for (on, rules) in both_versions() {
        let mut young = shifted(&ready(), on);
        young.birth_date =
            on.checked_sub_months(Months::new(18 * 12)).expect("valid") + chrono::Duration::days(1);
        assert_eq!(
            codes(&blockers(&young, on, &rules)),
            ["AGE_UNDER_MINIMUM"],
            "{}",
            rules.code
        );
        young.birth_date = on.checked_sub_months(Months::new(18 * 12)).expect("valid");
        assert!(
            blockers(&young, on, &rules).is_empty(),
            "18 years 0 months is enough"
        );
        let mut old = shifted(&ready(), on);
        old.birth_date = on
            .checked_sub_months(Months::new(60 * 12 + 1))
            .expect("valid");
        assert_eq!(codes(&blockers(&old, on, &rules)), ["AGE_OVER_MAXIMUM"]);
        old.birth_date = on.checked_sub_months(Months::new(60 * 12)).expect("valid");
        assert!(
            blockers(&old, on, &rules).is_empty(),
            "60 years 0 months is still allowed"
        );
    }
}

#[test]
fn primary_education_suffices_only_in_a_flagged_area() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.education = Education::Primary;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["EDUCATION_BELOW_MINIMUM"]
        );
        facts.flagged_area = true;
        assert!(blockers(&facts, on, &rules).is_empty());
        facts.education = Education::LowerSecondary;
        facts.flagged_area = false;
        assert!(blockers(&facts, on, &rules).is_empty());
    }
}

#[test]
fn certificate_must_exist_and_be_under_60_months_old() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.certificate_date = None;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["CERTIFICATE_MISSING"]
        );
        facts.certificate_date = Some(on + chrono::Duration::days(1));
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["CERTIFICATE_MISSING"],
            "a future certificate is not held yet"
        );
        facts.certificate_date = on.checked_sub_months(Months::new(60));
        assert!(
            blockers(&facts, on, &rules).is_empty(),
            "exactly 60 months is still valid"
        );
        facts.certificate_date = facts
            .certificate_date
            .map(|x| x - chrono::Duration::days(1));
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["CERTIFICATE_EXPIRED"]
        );
    }
}

#[test]
fn introducers_must_be_two_and_qualified() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.introducers.truncate(1);
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["INTRODUCERS_MISSING"]
        );
        let mut facts = shifted(&ready(), on);
        facts.introducers[1].months_worked_together = 11;
        let found = blockers(&facts, on, &rules);
        assert_eq!(codes(&found), ["INTRODUCER_NOT_QUALIFIED"]);
        assert_eq!(found[0].field, "introducers[1]");
        facts.introducers[1] = IntroducerFacts {
            youth_union_committee: false,
            official_member: false,
            months_worked_together: 30,
        };
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["INTRODUCER_NOT_QUALIFIED"],
            "a probationary introducer"
        );
        let mut facts = shifted(&ready(), on);
        facts.youth_union = false;
        facts.youth_union_organisation = false;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["INTRODUCER_NOT_QUALIFIED"],
            "the committee introduces only its members"
        );
    }
}

#[test]
fn cell_vote_must_reach_two_thirds_of_official_members() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.cell_vote = Some(Vote {
            eligible: 9,
            yes: 5,
        });
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["VOTE_BELOW_THRESHOLD"]
        );
        facts.cell_vote = Some(Vote {
            eligible: 9,
            yes: 6,
        });
        assert!(blockers(&facts, on, &rules).is_empty());
    }
}

#[test]
fn papers_older_than_12_months_must_be_redone() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.papers_date = on.checked_sub_months(Months::new(12));
        assert!(blockers(&facts, on, &rules).is_empty());
        facts.papers_date = facts.papers_date.map(|x| x - chrono::Duration::days(1));
        assert_eq!(codes(&blockers(&facts, on, &rules)), ["PAPERS_EXPIRED"]);
    }
}

#[test]
fn soldier_without_referral_and_people_away_are_blocked() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.demobilised_soldier = true;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["MILITARY_REFERRAL_MISSING"]
        );
        facts.has_military_referral = true;
        facts.lives_away = true;
        facts.background_check_failed = true;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["LIVES_AWAY", "BACKGROUND_CHECK_FAILED"]
        );
    }
}

#[test]
fn a_soldier_who_retook_the_class_locally_needs_no_referral() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.demobilised_soldier = true;
        facts.class_retaken_locally = true;
        assert_eq!(codes(&blockers(&facts, on, &rules)), Vec::<&str>::new());
        // The local class stands for the referral of a demobilised soldier only.
        facts.demobilised_soldier = false;
        facts.class_retaken_locally = false;
        assert_eq!(codes(&blockers(&facts, on, &rules)), Vec::<&str>::new());
        facts.demobilised_soldier = true;
        let found = blockers(&facts, on, &rules);
        assert_eq!(codes(&found), ["MILITARY_REFERRAL_MISSING"]);
        assert_eq!(found[0].field, "has_military_referral");
    }
}

#[test]
fn the_comment_of_the_organisation_where_they_live_lifts_living_away() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.lives_away = true;
        let found = blockers(&facts, on, &rules);
        assert_eq!(codes(&found), ["LIVES_AWAY"], "no comment yet");
        assert_eq!(found[0].field, "lives_away");
        facts.away_comment_date = Some(on + chrono::Duration::days(1));
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["LIVES_AWAY"],
            "a comment given after the day judged does not count"
        );
        facts.away_comment_date = Some(on);
        assert_eq!(codes(&blockers(&facts, on, &rules)), Vec::<&str>::new());
        facts.away_comment_date = Some(on - chrono::Duration::days(40));
        assert_eq!(codes(&blockers(&facts, on, &rules)), Vec::<&str>::new());
        // A comment on record for somebody who no longer lives away changes nothing.
        facts.lives_away = false;
        facts.away_comment_date = Some(on + chrono::Duration::days(1));
        assert_eq!(codes(&blockers(&facts, on, &rules)), Vec::<&str>::new());
    }
}

#[test]
fn messages_name_the_regulation_applied() {
    let (on, rules) = both_versions()[1].clone();
    let mut facts = shifted(&ready(), on);
    facts.education = Education::Primary;
    let found = blockers(&facts, on, &rules);
    assert!(
        found[0].message.contains("294-QĐ/TW"),
        "{}",
        found[0].message
    );
}

#[test]
fn every_code_reads_back_from_its_spelling() {
    for code in BlockerCode::ALL {
        assert_eq!(BlockerCode::from_code(code.code()), Some(code));
    }
    assert_eq!(BlockerCode::from_code("NOT_A_CODE"), None);
}

#[test]
fn eligibility_is_judged_on_the_cells_vote_day() {
    let vote = d("2025-06-10");
    let decision = d("2025-07-15");
    assert_eq!(judgement_day(Some(vote), decision), vote);
    assert_eq!(judgement_day(None, decision), decision, "no vote yet");
    assert_eq!(
        judgement_day(Some(decision), vote),
        vote,
        "a vote after the day asked is not taken yet"
    );
    let rules = RuleTable::reference();
    // 17 years 11 months at the vote, 18 at the decision: too young.
    let mut young = shifted(&ready(), vote);
    young.birth_date = d("2007-07-01");
    let day = judgement_day(Some(vote), decision);
    assert_eq!(
        codes(&blockers(&young, day, rules.in_force_on(day))),
        ["AGE_UNDER_MINIMUM"]
    );
    // 59 years 11 months at the vote, over 60 at the decision: still admissible.
    let mut older = shifted(&ready(), vote);
    older.birth_date = d("1965-07-01");
    assert!(blockers(&older, day, rules.in_force_on(day)).is_empty());
    // A certificate and papers valid at the vote that lapse before the decision do not block.
    let mut lapsing = shifted(&ready(), vote);
    lapsing.certificate_date = vote.checked_sub_months(Months::new(60));
    lapsing.papers_date = vote.checked_sub_months(Months::new(12));
    assert!(blockers(&lapsing, day, rules.in_force_on(day)).is_empty());
    assert_eq!(
        codes(&blockers(&lapsing, decision, rules.in_force_on(decision))),
        ["CERTIFICATE_EXPIRED", "PAPERS_EXPIRED"]
    );
}

/// The ready candidate aged `years` and `months` on `on`.
fn aged(on: NaiveDate, years: u32, months: u32) -> CandidateFacts {
    let mut facts = shifted(&ready(), on);
    facts.birth_date = on
        .checked_sub_months(Months::new(years * 12 + months))
        .expect("valid");
    facts
}

#[test]
fn over_60_is_admissible_only_with_the_recorded_provincial_consent() {
    for (on, rules) in both_versions() {
        let mut facts = aged(on, 62, 0);
        assert_eq!(codes(&blockers(&facts, on, &rules)), ["AGE_OVER_MAXIMUM"]);
        facts.exceptions = vec![ExceptionKind::EducationByVillage];
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["AGE_OVER_MAXIMUM"],
            "another exception does not lift the age limit"
        );
        facts.exceptions = vec![ExceptionKind::OverAgeConsent];
        assert!(blockers(&facts, on, &rules).is_empty());
    }
}

#[test]
fn a_literate_village_elder_needs_the_exception() {
    for (on, rules) in both_versions() {
        let mut facts = aged(on, 55, 0);
        facts.education = Education::Literate;
        facts.flagged_area = true;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["EDUCATION_BELOW_MINIMUM"],
            "literacy is below primary even in a flagged area"
        );
        facts.exceptions = vec![ExceptionKind::VillageElderLiteracy];
        assert!(blockers(&facts, on, &rules).is_empty());
    }
}

#[test]
fn primary_education_suffices_by_the_persons_village_or_situation() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.education = Education::Primary;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["EDUCATION_BELOW_MINIMUM"],
            "the commune carries no flag"
        );
        for kind in [
            ExceptionKind::EducationByVillage,
            ExceptionKind::EducationByPersonalSituation,
        ] {
            facts.exceptions = vec![kind];
            assert!(blockers(&facts, on, &rules).is_empty(), "{kind:?}");
        }
        facts.education = Education::Literate;
        assert_eq!(
            codes(&blockers(&facts, on, &rules)),
            ["EDUCATION_BELOW_MINIMUM"],
            "the area exceptions still need primary school"
        );
    }
}

#[test]
fn youth_age_applicants_are_introduced_by_the_youth_union_committee() {
    let member = IntroducerFacts {
        youth_union_committee: false,
        official_member: true,
        months_worked_together: 24,
    };
    for (on, rules) in both_versions() {
        // 30 years 11 months is still youth age; two members do not suffice.
        let mut facts = aged(on, 30, 11);
        facts.introducers = vec![member, member];
        let found = blockers(&facts, on, &rules);
        assert_eq!(codes(&found), ["YOUTH_UNION_INTRODUCTION_MISSING"]);
        assert_eq!(found[0].field, "introducers");
        // Not a Youth Union member at all.
        facts.youth_union = false;
        let found = blockers(&facts, on, &rules);
        assert_eq!(codes(&found), ["YOUTH_UNION_INTRODUCTION_MISSING"]);
        assert_eq!(found[0].field, "youth_union");
        // Where no Youth Union organisation exists, two official members introduce.
        facts.youth_union_organisation = false;
        assert!(blockers(&facts, on, &rules).is_empty());
        // At 31 the rule no longer applies.
        let mut older = aged(on, 31, 0);
        older.youth_union = false;
        older.introducers = vec![member, member];
        assert!(blockers(&older, on, &rules).is_empty());
    }
}

#[test]
fn the_youth_age_is_the_version_s_number() {
    let on = d("2025-07-01");
    let member = IntroducerFacts {
        youth_union_committee: false,
        official_member: true,
        months_worked_together: 24,
    };
    let mut facts = aged(on, 29, 0);
    facts.introducers = vec![member, member];
    let narrower = RuleVersion {
        youth_age_max_months: 28 * 12 + 11,
        ..RuleVersion::regulation_2025()
    };
    assert!(blockers(&facts, on, &narrower).is_empty());
    assert_eq!(
        codes(&blockers(&facts, on, &RuleVersion::regulation_2025())),
        ["YOUTH_UNION_INTRODUCTION_MISSING"]
    );
}

#[test]
fn the_third_failed_vote_sends_the_case_up() {
    for (on, rules) in both_versions() {
        let mut facts = shifted(&ready(), on);
        facts.failed_cell_votes = 2;
        assert!(blockers(&facts, on, &rules).is_empty());
        facts.failed_cell_votes = 3;
        let found = blockers(&facts, on, &rules);
        assert_eq!(codes(&found), ["CELL_VOTES_EXHAUSTED"]);
        assert!(found[0].message.contains("cấp ủy cấp trên"));
    }
}
