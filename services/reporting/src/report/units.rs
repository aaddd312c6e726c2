//! Administrative units on a day, in plain Rust: which communes a scope (`communes/{code}`,
//! `provinces/{code}`, `country`) counts on a day, through the units' validity and the recorded
//! merges. A unit asked for before it existed counts its predecessors; a unit asked for after it
//! ended is refused, naming its successor.
//!
//! Owns the reading of scopes and the resolution rules. Does not own the units themselves (the
//! store reads the [`Directory`] of [`crate::model::units`]) nor the figures.

use std::collections::BTreeSet;

use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::merges::{Succession, follow_merges};
use partyregistry_vocab::names;

use crate::model::units::{
    CommuneUnit, Directory, Merge, ProvinceUnit, is_province_code, valid_on,
};
use crate::model::vocabulary::UnitLevel;

/// Merge chains are short; a longer walk means the recorded merges form a cycle.
const MAX_DEPTH: usize = 32;

/// What a report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `communes/{code}`.
    Commune(String),
    /// `provinces/{code}`.
    Province(String),
    /// `country`.
    Country,
}

impl Scope {
    /// Reads a scope string; `None` when it has none of the three forms.
    pub fn parse(text: &str) -> Option<Self> {
        if text == "country" {
            return Some(Self::Country);
        }
        if let Some(code) = text.strip_prefix("provinces/") {
            return is_province_code(code).then(|| Self::Province(code.to_owned()));
        }
        let code = text.strip_prefix("communes/")?;
        names::is_commune_code(code).then(|| Self::Commune(code.to_owned()))
    }

    /// The scope string.
    pub fn name(&self) -> String {
        match self {
            Self::Commune(code) => names::commune(code),
            Self::Province(code) => province_name(code),
            Self::Country => "country".to_owned(),
        }
    }
}

/// `provinces/{code}`.
pub fn province_name(code: &str) -> String {
    format!("provinces/{code}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitError {
    /// No such province or commune.
    NotFound {
        /// `true` for a province.
        province: bool,
    },
    /// The unit had ended by the day; the message names the successor.
    Ended(String),
    /// The day is before the first day of the scope's units.
    BeforeData(Date),
}

/// A commune counted on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedCommune {
    /// Code.
    pub code: String,
    /// Display name.
    pub display_name: String,
    /// Its province on the day (merges applied).
    pub province_code: String,
}

/// The communes a scope counts on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// By code.
    pub communes: Vec<CountedCommune>,
    /// Notes in Vietnamese (predecessors counted).
    pub notes: Vec<String>,
}

impl Directory {
    /// Applies the ends the merges imply: a unit merged into another one ends the day before the
    /// merge, even when the feed has not carried its corrected validity (yet).
    pub fn with_merge_ends(mut self) -> Self {
        for merge in &self.merges {
            let Some(last) = merge.effective_date.pred_opt() else {
                continue;
            };
            let end = |valid_to: &mut Option<Date>| {
                *valid_to = Some(valid_to.map_or(last, |to| to.min(last)));
            };
            for predecessor in merge.predecessors.iter().filter(|p| **p != merge.successor) {
                if merge.level == UnitLevel::Province {
                    self.provinces
                        .iter_mut()
                        .filter(|p| p.code == *predecessor)
                        .for_each(|p| end(&mut p.valid_to));
                } else {
                    self.communes
                        .iter_mut()
                        .filter(|c| c.code == *predecessor)
                        .for_each(|c| end(&mut c.valid_to));
                }
            }
        }
        self
    }

    /// The commune with `code`.
    pub fn commune(&self, code: &str) -> Option<&CommuneUnit> {
        self.communes.iter().find(|c| c.code == code)
    }

    /// The province with `code`.
    pub fn province(&self, code: &str) -> Option<&ProvinceUnit> {
        self.provinces.iter().find(|p| p.code == code)
    }

    /// The display name of a scope (the code when the unit is unknown).
    pub fn display_name(&self, scope: &Scope) -> String {
        match scope {
            Scope::Commune(code) => self
                .commune(code)
                .map_or_else(|| code.clone(), |c| c.display_name.clone()),
            Scope::Province(code) => self
                .province(code)
                .map_or_else(|| code.clone(), |p| p.display_name.clone()),
            Scope::Country => "Cả nước".to_owned(),
        }
    }

    fn unit_name(&self, level: UnitLevel, code: &str) -> String {
        if level == UnitLevel::Province {
            self.province(code)
                .map_or_else(|| code.to_owned(), |p| p.display_name.clone())
        } else {
            self.commune(code)
                .map_or_else(|| code.to_owned(), |c| c.display_name.clone())
        }
    }

    fn validity(&self, level: UnitLevel, code: &str) -> Option<(Option<Date>, Option<Date>)> {
        if level == UnitLevel::Province {
            self.province(code)
                .map(|p| (Some(p.valid_from), p.valid_to))
        } else {
            self.commune(code).map(|c| (c.valid_from, c.valid_to))
        }
    }

    /// The direct predecessors of `code` (a successor keeping a predecessor's code continues it
    /// and is not its own predecessor).
    fn predecessors(&self, level: UnitLevel, code: &str) -> Vec<&str> {
        let mut found: Vec<&str> = self
            .merges
            .iter()
            .filter(|m| m.level == level && m.successor == code)
            .flat_map(|m| m.predecessors.iter().map(String::as_str))
            .filter(|p| *p != code)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The merge that ended `code`, if recorded.
    fn successor(&self, level: UnitLevel, code: &str) -> Option<&Merge> {
        self.merges.iter().find(|m| {
            m.level == level && m.successor != code && m.predecessors.iter().any(|p| p == code)
        })
    }

    /// Predecessors of `code` valid on `day`, looking further back through units that did not
    /// exist yet on `day`.
    fn predecessors_on(
        &self,
        level: UnitLevel,
        code: &str,
        day: Date,
        depth: usize,
    ) -> Vec<String> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let mut found = Vec::new();
        for predecessor in self.predecessors(level, code) {
            match self.validity(level, predecessor) {
                Some((from, to)) if valid_on(from, to, day) => found.push(predecessor.to_owned()),
                Some((Some(from), _)) if day < from => {
                    found.extend(self.predecessors_on(level, predecessor, day, depth + 1));
                }
                _ => {}
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// The earliest first day of `code` and its predecessors, recursively.
    fn earliest(&self, level: UnitLevel, code: &str, depth: usize) -> Option<Date> {
        let own = self.validity(level, code)?.0;
        if depth > MAX_DEPTH {
            return own;
        }
        let mut earliest = own?;
        for predecessor in self.predecessors(level, code) {
            match self.earliest(level, predecessor, depth + 1) {
                Some(day) => earliest = earliest.min(day),
                // A predecessor existing since always: so does the data.
                None if self.validity(level, predecessor).is_some() => return None,
                None => {}
            }
        }
        Some(earliest)
    }

    /// The province a commune recorded in `province_code` belongs to on `day`: the recorded
    /// province mapped forward through the province merges in effect by then.
    pub fn province_on(&self, province_code: &str, day: Date) -> String {
        self.forward(UnitLevel::Province, province_code, day)
    }

    fn forward(&self, level: UnitLevel, code: &str, day: Date) -> String {
        follow_merges(
            &MergesInForce {
                directory: self,
                level,
                day,
            },
            code,
        )
    }

    /// The commune `code` became by `day`: mapped forward through the commune merges in effect.
    pub fn commune_on(&self, code: &str, day: Date) -> String {
        self.forward(UnitLevel::Commune, code, day)
    }

    fn ended(&self, level: UnitLevel, code: &str, last_day: Date) -> UnitError {
        let name = self.unit_name(level, code);
        let last = date::format(last_day);
        UnitError::Ended(match self.successor(level, code) {
            Some(merge) => {
                let successor = if level == UnitLevel::Province {
                    province_name(&merge.successor)
                } else {
                    names::commune(&merge.successor)
                };
                format!("{name} đã kết thúc ngày {last}, sáp nhập vào {successor}")
            }
            None => format!("{name} đã kết thúc ngày {last}"),
        })
    }

    fn predecessors_note(
        &self,
        level: UnitLevel,
        code: &str,
        day: Date,
        found: &[String],
    ) -> String {
        let listed: Vec<String> = found
            .iter()
            .map(|p| {
                let name = if level == UnitLevel::Province {
                    province_name(p)
                } else {
                    names::commune(p)
                };
                format!("{} ({name})", self.unit_name(level, p))
            })
            .collect();
        format!(
            "{} chưa thành lập ngày {}: số liệu gộp từ các đơn vị tiền thân {}",
            self.unit_name(level, code),
            date::format(day),
            listed.join(", ")
        )
    }

    fn counted(&self, commune: &CommuneUnit, day: Date) -> CountedCommune {
        CountedCommune {
            code: commune.code.clone(),
            display_name: commune.display_name.clone(),
            province_code: self.province_on(&commune.province_code, day),
        }
    }

    /// The communes `scope` counts on `day`.
    pub fn resolve(&self, scope: &Scope, day: Date) -> Result<Resolved, UnitError> {
        let mut resolved = Resolved::default();
        match scope {
            Scope::Commune(code) => {
                let commune = self
                    .commune(code)
                    .ok_or(UnitError::NotFound { province: false })?;
                if commune.valid_on(day) {
                    resolved.communes.push(self.counted(commune, day));
                } else if let Some(last) = commune.valid_to.filter(|last| *last < day) {
                    return Err(self.ended(UnitLevel::Commune, code, last));
                } else {
                    self.check_data(UnitLevel::Commune, code, day)?;
                    let found = self.predecessors_on(UnitLevel::Commune, code, day, 0);
                    if !found.is_empty() {
                        resolved.notes.push(self.predecessors_note(
                            UnitLevel::Commune,
                            code,
                            day,
                            &found,
                        ));
                    }
                    resolved.communes.extend(
                        found
                            .iter()
                            .filter_map(|p| self.commune(p))
                            .map(|c| self.counted(c, day)),
                    );
                }
            }
            Scope::Province(code) => {
                let province = self
                    .province(code)
                    .ok_or(UnitError::NotFound { province: true })?;
                let mut provinces = vec![code.clone()];
                if !province.valid_on(day) {
                    if let Some(last) = province.valid_to.filter(|last| *last < day) {
                        return Err(self.ended(UnitLevel::Province, code, last));
                    }
                    self.check_data(UnitLevel::Province, code, day)?;
                    let found = self.predecessors_on(UnitLevel::Province, code, day, 0);
                    if !found.is_empty() {
                        resolved.notes.push(self.predecessors_note(
                            UnitLevel::Province,
                            code,
                            day,
                            &found,
                        ));
                    }
                    provinces.extend(found);
                }
                resolved.communes.extend(
                    self.communes
                        .iter()
                        .filter(|c| c.valid_on(day))
                        .map(|c| self.counted(c, day))
                        .filter(|c| provinces.contains(&c.province_code)),
                );
            }
            Scope::Country => {
                let earliest = self.communes.iter().map(|c| c.valid_from).min().flatten();
                if earliest.is_some_and(|earliest| day < earliest) {
                    return Err(UnitError::BeforeData(day));
                }
                resolved.communes.extend(
                    self.communes
                        .iter()
                        .filter(|c| c.valid_on(day))
                        .map(|c| self.counted(c, day)),
                );
            }
        }
        resolved.communes.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(resolved)
    }

    fn check_data(&self, level: UnitLevel, code: &str, day: Date) -> Result<(), UnitError> {
        match self.earliest(level, code, 0) {
            Some(earliest) if day < earliest => Err(UnitError::BeforeData(day)),
            _ => Ok(()),
        }
    }

    /// The communes `scope` counts on any day of `from..=to`, with the notes of the first and
    /// last days: the scope's territory over a period. Errors of the first day (before any
    /// data) and of the last day (ended) come first.
    pub fn territory(&self, scope: &Scope, from: Date, to: Date) -> Result<Resolved, UnitError> {
        let first = self.resolve(scope, from)?;
        let last = self.resolve(scope, to)?;
        // The resolution changes only on a unit's first day, the day after its last, or a merge.
        let mut days: BTreeSet<Date> = BTreeSet::new();
        let mut add = |day: Date| {
            if from < day && day < to {
                days.insert(day);
            }
        };
        for commune in &self.communes {
            commune.valid_from.into_iter().for_each(&mut add);
            commune
                .valid_to
                .and_then(|d| d.succ_opt())
                .into_iter()
                .for_each(&mut add);
        }
        for province in &self.provinces {
            add(province.valid_from);
            province
                .valid_to
                .and_then(|d| d.succ_opt())
                .into_iter()
                .for_each(&mut add);
        }
        for merge in &self.merges {
            add(merge.effective_date);
        }
        let mut territory = first;
        for day in days {
            territory
                .communes
                .extend(self.resolve(scope, day)?.communes);
        }
        territory.communes.extend(last.communes);
        territory.notes.extend(last.notes);
        territory.communes.sort_by(|a, b| a.code.cmp(&b.code));
        territory.communes.dedup_by(|a, b| a.code == b.code);
        territory.notes.dedup();
        Ok(territory)
    }
}

/// The merges of one level in effect by a day, as the merge walk follows them.
struct MergesInForce<'a> {
    directory: &'a Directory,
    level: UnitLevel,
    day: Date,
}

impl Succession for MergesInForce<'_> {
    fn successor(&self, code: &str) -> Option<&str> {
        self.directory
            .successor(self.level, code)
            .filter(|merge| merge.effective_date <= self.day)
            .map(|merge| merge.successor.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        date::parse(text).expect("test dates are valid")
    }

    fn commune(
        code: &str,
        name: &str,
        province: &str,
        from: &str,
        to: Option<&str>,
    ) -> CommuneUnit {
        CommuneUnit {
            code: code.into(),
            display_name: name.into(),
            province_code: province.into(),
            valid_from: Some(d(from)),
            valid_to: to.map(d),
        }
    }

    /// The reference units: Tả Phời and the old Hợp Thành merged into 02680, old Lào Cai (10)
    /// into the new one (15).
    fn directory() -> Directory {
        Directory {
            communes: vec![
                commune(
                    "02677",
                    "Xã Tả Phời",
                    "10",
                    "2008-01-01",
                    Some("2025-06-30"),
                ),
                commune("02680", "Xã Hợp Thành", "10", "2000-01-01", None),
                commune(
                    "03001",
                    "Xã Nậm Tăm",
                    "12",
                    "2010-01-01",
                    Some("2025-06-30"),
                ),
                commune(
                    "03002",
                    "Xã Pa Vây Sử",
                    "12",
                    "2010-01-01",
                    Some("2025-06-30"),
                ),
                commune("03009", "Xã Nậm Hàng", "12", "2025-07-01", None),
            ],
            provinces: vec![
                ProvinceUnit {
                    code: "10".into(),
                    display_name: "Tỉnh Lào Cai (cũ)".into(),
                    valid_from: d("1991-10-01"),
                    valid_to: Some(d("2025-06-30")),
                },
                ProvinceUnit {
                    code: "12".into(),
                    display_name: "Tỉnh Lai Châu".into(),
                    valid_from: d("1976-01-01"),
                    valid_to: None,
                },
                ProvinceUnit {
                    code: "15".into(),
                    display_name: "Tỉnh Lào Cai".into(),
                    valid_from: d("2025-07-01"),
                    valid_to: None,
                },
            ],
            merges: vec![
                Merge {
                    level: UnitLevel::Province,
                    predecessors: vec!["10".into()],
                    successor: "15".into(),
                    effective_date: d("2025-07-01"),
                },
                Merge {
                    level: UnitLevel::Commune,
                    predecessors: vec!["02677".into(), "02680".into()],
                    successor: "02680".into(),
                    effective_date: d("2025-07-01"),
                },
                Merge {
                    level: UnitLevel::Commune,
                    predecessors: vec!["03001".into(), "03002".into()],
                    successor: "03009".into(),
                    effective_date: d("2025-07-01"),
                },
            ],
        }
    }

    fn codes(resolved: &Resolved) -> Vec<&str> {
        resolved.communes.iter().map(|c| c.code.as_str()).collect()
    }

    #[test]
    fn scopes_read_their_three_forms() {
        assert_eq!(Scope::parse("country"), Some(Scope::Country));
        assert_eq!(
            Scope::parse("provinces/15"),
            Some(Scope::Province("15".into()))
        );
        assert_eq!(
            Scope::parse("communes/02680"),
            Some(Scope::Commune("02680".into()))
        );
        assert_eq!(Scope::parse("provinces/1"), None);
        assert_eq!(Scope::parse("districts/001"), None);
    }

    #[test]
    fn a_new_commune_before_its_creation_counts_its_predecessors() {
        let units = directory();
        let scope = Scope::Commune("03009".into());
        let before = units.resolve(&scope, d("2024-12-31")).expect("resolves");
        assert_eq!(codes(&before), ["03001", "03002"]);
        assert_eq!(before.notes.len(), 1);
        assert!(before.notes[0].contains("Xã Nậm Tăm (communes/03001)"));
        let after = units.resolve(&scope, d("2025-07-01")).expect("resolves");
        assert_eq!(codes(&after), ["03009"]);
        assert!(after.notes.is_empty());
        assert_eq!(
            units.resolve(&scope, d("2009-12-31")),
            Err(UnitError::BeforeData(d("2009-12-31")))
        );
    }

    #[test]
    fn an_old_commune_after_its_end_names_its_successor() {
        let units = directory();
        let Err(UnitError::Ended(message)) =
            units.resolve(&Scope::Commune("02677".into()), d("2025-07-01"))
        else {
            panic!("Tả Phời has ended")
        };
        assert_eq!(
            message,
            "Xã Tả Phời đã kết thúc ngày 2025-06-30, sáp nhập vào communes/02680"
        );
        // A unit that continues under its own code is itself on both sides of the merge.
        let scope = Scope::Commune("02680".into());
        assert_eq!(
            codes(&units.resolve(&scope, d("2022-06-30")).expect("resolves")),
            ["02680"]
        );
        assert_eq!(
            codes(&units.resolve(&scope, d("2026-01-01")).expect("resolves")),
            ["02680"]
        );
        assert_eq!(
            units.resolve(&Scope::Commune("09999".into()), d("2022-06-30")),
            Err(UnitError::NotFound { province: false })
        );
    }

    #[test]
    fn communes_move_province_with_the_province_merge() {
        let units = directory();
        assert_eq!(units.province_on("10", d("2022-06-30")), "10");
        assert_eq!(units.province_on("10", d("2026-01-01")), "15");
        let new_province = Scope::Province("15".into());
        let after = units
            .resolve(&new_province, d("2026-01-01"))
            .expect("resolves");
        assert_eq!(codes(&after), ["02680"]);
        assert_eq!(after.communes[0].province_code, "15");
        let before = units
            .resolve(&new_province, d("2022-06-30"))
            .expect("resolves");
        assert_eq!(codes(&before), ["02677", "02680"]);
        assert_eq!(before.notes.len(), 1);
        assert!(matches!(
            units.resolve(&Scope::Province("10".into()), d("2025-07-01")),
            Err(UnitError::Ended(message)) if message.ends_with("sáp nhập vào provinces/15")
        ));
        assert_eq!(
            units.resolve(&new_province, d("1990-01-01")),
            Err(UnitError::BeforeData(d("1990-01-01")))
        );
        assert_eq!(
            units.resolve(&Scope::Province("77".into()), d("2022-06-30")),
            Err(UnitError::NotFound { province: true })
        );
    }

    #[test]
    fn a_merge_ends_its_predecessors_even_without_their_validity() {
        let mut units = directory();
        for commune in &mut units.communes {
            commune.valid_to = None;
        }
        units.provinces[0].valid_to = None;
        let units = units.with_merge_ends();
        assert!(matches!(
            units.resolve(&Scope::Commune("03001".into()), d("2025-07-01")),
            Err(UnitError::Ended(_))
        ));
        assert_eq!(units.commune("02680").and_then(|c| c.valid_to), None);
        assert_eq!(
            units.province("10").and_then(|p| p.valid_to),
            Some(d("2025-06-30"))
        );
        assert_eq!(units.commune_on("02677", d("2025-07-01")), "02680");
    }

    #[test]
    fn country_counts_every_commune_valid_on_the_day() {
        let units = directory();
        let before = units
            .resolve(&Scope::Country, d("2024-12-31"))
            .expect("resolves");
        assert_eq!(codes(&before), ["02677", "02680", "03001", "03002"]);
        let after = units
            .resolve(&Scope::Country, d("2025-07-01"))
            .expect("resolves");
        assert_eq!(codes(&after), ["02680", "03009"]);
        assert!(units.resolve(&Scope::Country, d("1999-12-31")).is_err());
    }

    #[test]
    fn a_territory_spans_the_merge() {
        let units = directory();
        let scope = Scope::Commune("03009".into());
        let spanning = units
            .territory(&scope, d("2025-01-01"), d("2025-12-31"))
            .expect("resolves");
        assert_eq!(codes(&spanning), ["03001", "03002", "03009"]);
        assert!(
            units
                .territory(
                    &Scope::Commune("03001".into()),
                    d("2025-01-01"),
                    d("2025-12-31")
                )
                .is_err()
        );
    }
}
