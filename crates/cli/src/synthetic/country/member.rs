//! One generated member of the country and the roster row that records them: a synthetic person
//! (the shared [`Person`] generator) admitted between 1950 and today, with recognition, and for
//! some a departure, an exemption, a gap in party age and the badges handed so far.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_proto::membership::v1::Gender;
use partyregistry_roster::cells::BADGE_YEARS;
use partyregistry_roster::{CellKind, Departure, Field, Standing};
use partyregistry_vocab::date;
use partyregistry_vocab::reference::{self, ETHNIC_GROUPS};

use crate::dataset::people::identity::{SplitMix64, citizen_id_of, ymd};
use crate::synthetic::people::person::Person;

/// Admission decades (first year) and their weights: few members admitted in the 1950s are
/// alive, most were admitted since 2000.
const DECADES: [(i32, u32); 8] = [
    (1950, 1),
    (1960, 3),
    (1970, 7),
    (1980, 10),
    (1990, 14),
    (2000, 22),
    (2010, 28),
    (2020, 15),
];

/// Days of the Party badge rounds: 3/2, 19/5, 2/9, 7/11.
const BADGE_ROUNDS: [(u32, u32); 4] = [(2, 3), (5, 19), (9, 2), (11, 7)];

/// Where a member is.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place<'a> {
    pub province_code: &'a str,
    pub province_name: &'a str,
    pub commune_code: &'a str,
    pub commune_name: &'a str,
    pub cell_name: &'a str,
    pub cell_kind: CellKind,
    pub ethnicities: &'a [(&'static str, u32)],
}

/// A generated member: the row's values and what the manifest counts.
#[derive(Debug, Clone)]
pub(super) struct GeneratedMember {
    /// The row, by the template's columns.
    pub values: Vec<(Field, String)>,
    /// Woman.
    pub woman: bool,
    /// Recognised official by today.
    pub official: bool,
    /// On the roll, exempt, or left.
    pub standing: Standing,
}

/// Draws a day uniformly in `from..=to`.
fn day_between(rng: &mut SplitMix64, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.range(0, span))
}

fn shown(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// The first badge round on or after `due`.
fn badge_round(due: NaiveDate) -> NaiveDate {
    for year in due.year()..=due.year() + 1 {
        for (month, day) in BADGE_ROUNDS {
            let round = ymd(year, month, day);
            if round >= due {
                return round;
            }
        }
    }
    due
}

/// Spellings clerks use, so that imports of generated files go through the aliases.
fn ethnic_spelling(rng: &mut SplitMix64, code: &str) -> String {
    let name = ETHNIC_GROUPS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, name)| *name);
    match code {
        "08" if rng.chance(20) => "H'Mông".to_owned(),
        "05" if rng.chance(20) => "Khmer".to_owned(),
        "01" if rng.chance(5) => "Kinh (Việt)".to_owned(),
        _ => name.to_owned(),
    }
}

fn education_spelling(rng: &mut SplitMix64, code: &str) -> String {
    let list = reference::reference_list(reference::ListKind::GeneralEducation);
    let entry = list.entries.iter().find(|e| e.code == code);
    match entry {
        Some(entry) if !entry.aliases.is_empty() && rng.chance(50) => {
            rng.pick(entry.aliases).to_owned()
        }
        Some(entry) => entry.label.to_owned(),
        None => code.to_owned(),
    }
}

fn occupation(rng: &mut SplitMix64, kind: CellKind, retired: bool) -> &'static str {
    if retired {
        return "Hưu trí";
    }
    match kind {
        CellKind::School => "Giáo viên",
        CellKind::Police => "Công an",
        CellKind::Military => "Quân nhân",
        CellKind::Agency => "Cán bộ, công chức",
        CellKind::Enterprise => "Công nhân",
        CellKind::Residential | CellKind::Other => rng.pick(&[
            "Làm nông nghiệp",
            "Làm nông nghiệp",
            "Kinh doanh",
            "Lao động tự do",
            "Công nhân",
        ]),
    }
}

/// Serials each seed draws from: a seed's last digit picks one tenth of the million, so the
/// rosters of seeds with different last digits never share a citizen id.
const SERIALS_PER_SEED: u64 = 100_000;

/// Per-province counters of citizen-id serials by (gender, birth year): each draws the next
/// serial through a bijection of its seed's range, so ids are unique without remembering them
/// (up to 100,000 people of one province, gender and birth year).
#[derive(Debug)]
pub(super) struct CitizenIds {
    first_serial: u64,
    next: std::collections::HashMap<(bool, i32), u64>,
}

impl CitizenIds {
    /// The ids of a roster generated with `seed`.
    pub(super) fn for_seed(seed: u64) -> Self {
        Self {
            first_serial: (seed % 10) * SERIALS_PER_SEED,
            next: std::collections::HashMap::new(),
        }
    }

    fn next(&mut self, province: &str, birth: NaiveDate, gender: Gender) -> String {
        let counter = self
            .next
            .entry((gender == Gender::Female, birth.year()))
            .or_insert(0);
        // 7,919 is prime and coprime with 100,000: n ↦ 7,919·n + 4,729 mod 100,000 is a
        // bijection, so the first 100,000 serials never repeat.
        let serial = self.first_serial + (*counter * 7_919 + 4_729) % SERIALS_PER_SEED;
        *counter += 1;
        citizen_id_of(&format!("0{province}"), birth, gender, serial as u32)
    }
}

/// Draws one member admitted in `place`, unique in the commune by name and birth date.
pub(super) fn generate(
    rng: &mut SplitMix64,
    place: &Place<'_>,
    today: NaiveDate,
    source_id: String,
    in_commune: &mut HashSet<(String, NaiveDate)>,
    ids: &mut CitizenIds,
) -> GeneratedMember {
    let latest_decision = today - Duration::days(30);
    let (person, decision) = loop {
        let decade = rng.weighted(&DECADES);
        let from = ymd(decade, 1, 1);
        let to = ymd(decade + 9, 12, 31).min(latest_decision);
        let decision = day_between(rng, from, to);
        // Names repeat in a country; only the same name and birth date in one commune would be
        // one person twice, so that alone is drawn again.
        let person = Person::generate_in(
            rng,
            decision,
            &mut HashSet::new(),
            place.ethnicities,
            ymd(1900, 1, 1),
        );
        if in_commune.insert((person.full_name.clone(), person.birth)) {
            break (person, decision);
        }
    };
    let ceremony = (decision + Duration::days(rng.range(7, 28))).min(today);
    // Official on the day the 12-month probation ends, whenever the cell recognised it.
    let official_day = date::add_months(ceremony, 12);
    let official = (official_day <= today).then_some(official_day);
    let age_today = date::age_in_years(person.birth, today);

    let mut standing = Standing::Active;
    let mut status_date = None;
    if let Some(official) = official.filter(|day| *day + Duration::days(2) <= today) {
        let death_chance = match age_today {
            101.. => 100,
            91..=100 => 85,
            81..=90 => 45,
            71..=80 => 15,
            61..=70 => 5,
            _ => 1,
        };
        let roll = rng.range(0, 999);
        let leave = |rng: &mut SplitMix64, from: NaiveDate| {
            day_between(rng, from.max(today - Duration::days(365 * 20)), today)
        };
        if roll < death_chance * 10 {
            standing = Standing::Left(Departure::Death);
            status_date = Some(leave(rng, official + Duration::days(1)));
        } else if roll < death_chance * 10 + 10 {
            standing = Standing::Left(Departure::Removal);
            status_date = Some(leave(rng, official + Duration::days(1)));
        } else if roll < death_chance * 10 + 13 {
            standing = Standing::Left(Departure::Resignation);
            status_date = Some(leave(rng, official + Duration::days(1)));
        } else if roll < death_chance * 10 + 16 {
            standing = Standing::Left(Departure::Expulsion);
            status_date = Some(leave(rng, official + Duration::days(1)));
        } else if age_today >= 72 && rng.chance(30) {
            standing = Standing::Exempt;
            let seventy = date::add_months(person.birth, 70 * 12);
            status_date = Some(day_between(rng, official.max(seventy), today));
        }
    }
    let end = status_date
        .filter(|_| matches!(standing, Standing::Left(_)))
        .unwrap_or(today);

    let mut gaps = Vec::new();
    let mut gap_days = 0;
    if let Some(official) = official {
        let start = official + Duration::days(730);
        if start + Duration::days(1_500) < end && rng.chance(1) {
            let to = start + Duration::days(rng.range(365, 1_100));
            gap_days = (to - start).num_days() + 1;
            gaps.push(format!(
                "{} - {}: {}",
                shown(start),
                shown(to),
                rng.pick(&["Mất liên lạc", "Chuyển sinh hoạt chậm"])
            ));
        }
    }
    let mut badges = Vec::new();
    for years in BADGE_YEARS {
        let due = date::add_months(decision, years * 12) + Duration::days(gap_days);
        let round = badge_round(due);
        if round < end && round <= today && rng.chance(95) {
            badges.push(format!("{years} - {}", shown(round)));
        }
    }

    let woman = person.gender == Gender::Female;
    let citizen_id = ids.next(place.province_code, person.birth, person.gender);
    let retired = age_today >= 60 && place.cell_kind == CellKind::Residential;
    let iso_dates = rng.chance(5);
    let written = |day: NaiveDate| {
        if iso_dates {
            date::format(day)
        } else {
            shown(day)
        }
    };
    let education = person.education.as_str_name();
    let values = vec![
        (Field::SourceId, source_id),
        (Field::ProvinceCode, place.province_code.to_owned()),
        (Field::CommuneCode, place.commune_code.to_owned()),
        (Field::CommuneName, place.commune_name.to_owned()),
        (Field::CellName, place.cell_name.to_owned()),
        (
            Field::CellKind,
            reference::label(place.cell_kind.contract_name()).to_owned(),
        ),
        (Field::FullName, person.full_name.clone()),
        (Field::Gender, if woman { "Nữ" } else { "Nam" }.to_owned()),
        (Field::BirthDate, written(person.birth)),
        (Field::Ethnicity, ethnic_spelling(rng, person.ethnicity)),
        (Field::Religion, person.religion.to_owned()),
        (Field::CitizenId, citizen_id.clone()),
        (
            Field::CardNumber,
            if official.is_some() {
                citizen_id
            } else {
                String::new()
            },
        ),
        (
            Field::HomeTown,
            format!("{}, {}", place.commune_name, place.province_name),
        ),
        (
            Field::Address,
            format!(
                "{}, {}, {}",
                place.cell_name.trim_start_matches("Chi bộ "),
                place.commune_name,
                place.province_name
            ),
        ),
        (Field::Phone, String::new()),
        (Field::Education, education_spelling(rng, education)),
        (
            Field::Qualification,
            reference::label(person.qualification.as_str_name()).to_owned(),
        ),
        (
            Field::Theory,
            reference::label(person.theory.as_str_name()).to_owned(),
        ),
        (
            Field::Occupation,
            occupation(rng, place.cell_kind, retired).to_owned(),
        ),
        (Field::DecisionDate, written(decision)),
        (
            Field::DecisionNumber,
            format!("{}-QĐ/ĐU", rng.range(1, 400)),
        ),
        (Field::CeremonyDate, written(ceremony)),
        (
            Field::OfficialDate,
            official.map(written).unwrap_or_default(),
        ),
        (Field::Status, standing.label().to_owned()),
        (
            Field::StatusDate,
            status_date.map(written).unwrap_or_default(),
        ),
        (Field::Badges, badges.join("; ")),
        (Field::Gaps, gaps.join("; ")),
    ];
    GeneratedMember {
        values,
        woman,
        official: official.is_some(),
        standing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_are_handed_at_the_next_round() {
        assert_eq!(badge_round(ymd(2020, 2, 3)), ymd(2020, 2, 3));
        assert_eq!(badge_round(ymd(2020, 2, 4)), ymd(2020, 5, 19));
        assert_eq!(badge_round(ymd(2020, 11, 8)), ymd(2021, 2, 3));
    }

    #[test]
    fn citizen_ids_do_not_repeat_within_a_birth_year_or_across_seeds() {
        let birth = ymd(1980, 1, 1);
        let draw = |seed: u64| -> HashSet<String> {
            let mut ids = CitizenIds::for_seed(seed);
            (0..10_000)
                .map(|_| ids.next("15", birth, Gender::Male))
                .collect()
        };
        let (one, two) = (draw(1), draw(2));
        assert_eq!(one.len(), 10_000);
        assert!(
            one.iter()
                .all(|id| id.len() == 12 && id.starts_with("015080"))
        );
        assert!(
            one.is_disjoint(&two),
            "seeds with other last digits share no id"
        );
    }
}
