//! Country-shaped synthetic rosters: `partyctl generate` writes, for N members over P of the 34
//! provinces, one CSV per province in the import template's layout (the unit columns — province,
//! commune, cell and its kind — in every row, so the files are what `partyctl import` reads) and a
//! `manifest.json` of the totals the generator knows: members on the roll today per province and
//! per commune, official, probationary, exempt, women, and departures by kind.
//!
//! Deterministic from the seed and the day it counts to; streamed: a province's rows go to its
//! file as they are drawn, and the memory held is one commune's names and the manifest's counts,
//! whatever N is.
//!
//! Sizes: each province's share of N follows its population; its communes are its real count when
//! there are enough members (about 250 per commune at least), fewer otherwise, down to one; a
//! commune has a police and a military cell, agencies, schools and enterprises as its size allows,
//! and residential cells of about thirty members for the rest.

mod member;
mod provinces;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use partyregistry_roster::write::{BOM, push_csv_line, template_headings};
use partyregistry_roster::{COLUMNS, CellKind, Departure, Standing};

use crate::atomic::AtomicFile;
use crate::dataset::people::identity::SplitMix64;
use crate::error::CliError;
use member::{CitizenIds, Place};
use provinces::{PLACE_WORDS, PROVINCES, ProvinceShape};

/// Members per commune below which a province gets fewer communes than it has.
const MEMBERS_PER_COMMUNE_FLOOR: u64 = 250;
/// Bytes gathered before a write to the file.
const WRITE_CHUNK: usize = 1 << 20;
/// The first synthetic commune code: above every real code (which end near 32,300), so that
/// generated communes never meet real ones in a database.
const FIRST_COMMUNE_CODE: u32 = 40_000;

/// What to generate.
#[derive(Debug, Clone)]
pub struct CountryOptions {
    /// Members in all files.
    pub members: u64,
    /// Provinces, the first ones in code order (1 to 34).
    pub provinces: usize,
    /// Seed: the same seed and day give the same files.
    pub seed: u64,
    /// The day histories end and the manifest counts.
    pub today: NaiveDate,
}

/// Counts the generator knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Rows in the files.
    pub rows: u64,
    /// On the roll today: official (exempt included) and probationary.
    pub on_roll: u64,
    /// Official members on the roll, exempt included.
    pub official: u64,
    /// Probationary members on the roll.
    pub probationary: u64,
    /// Exempt members on the roll.
    pub exempt: u64,
    /// Women on the roll.
    pub women: u64,
    /// Rows of members who died.
    pub died: u64,
    /// Rows of members removed from the roll.
    pub removed: u64,
    /// Rows of members who resigned.
    pub resigned: u64,
    /// Rows of members expelled.
    pub expelled: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.rows += other.rows;
        self.on_roll += other.on_roll;
        self.official += other.official;
        self.probationary += other.probationary;
        self.exempt += other.exempt;
        self.women += other.women;
        self.died += other.died;
        self.removed += other.removed;
        self.resigned += other.resigned;
        self.expelled += other.expelled;
    }

    fn count(&mut self, member: &member::GeneratedMember) {
        self.rows += 1;
        match member.standing {
            Standing::Left(Departure::Death) => self.died += 1,
            Standing::Left(Departure::Removal) => self.removed += 1,
            Standing::Left(Departure::Resignation) => self.resigned += 1,
            Standing::Left(Departure::Expulsion) => self.expelled += 1,
            Standing::Active | Standing::Exempt => {
                self.on_roll += 1;
                if member.official {
                    self.official += 1;
                } else {
                    self.probationary += 1;
                }
                if member.standing == Standing::Exempt {
                    self.exempt += 1;
                }
                if member.woman {
                    self.women += 1;
                }
            }
        }
    }
}

/// A commune's totals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommuneTotals {
    /// Five-digit code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its cells.
    pub cells: u64,
    /// Its members.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A province's totals and its communes'.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvinceTotals {
    /// Two-digit code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The file its rows are in, inside the output directory.
    pub file: String,
    /// Its members.
    #[serde(flatten)]
    pub counts: Counts,
    /// Its communes, in code order.
    pub communes: Vec<CommuneTotals>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The seed.
    pub seed: u64,
    /// The day the counts are as of (`YYYY-MM-DD`).
    pub as_of: String,
    /// All members.
    #[serde(flatten)]
    pub counts: Counts,
    /// Communes in all files.
    pub communes: u64,
    /// Cells in all files.
    pub cells: u64,
    /// The provinces, in code order.
    pub provinces: Vec<ProvinceTotals>,
}

/// Splits `total` by `weights` (largest remainder), so that the parts sum to `total`.
fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let mut remainders: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(index, w)| ((total * w) % sum, index))
        .collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total - parts.iter().sum::<u64>();
    for (_, index) in remainders.into_iter().take(short as usize) {
        parts[index] += 1;
    }
    parts
}

/// The cells of a commune with `members` members: name, kind, size. Sizes sum to `members`.
fn plan_cells(rng: &mut SplitMix64, members: u64, city: bool) -> Vec<(String, CellKind, u64)> {
    let unit = if city { "phường" } else { "xã" };
    let mut specials: Vec<(String, CellKind, u64)> = Vec::new();
    let mut remaining = members;
    let mut take = |name: String, kind: CellKind, size: i64, at_least: u64, remaining: &mut u64| {
        let size = size as u64;
        if *remaining >= size + at_least {
            *remaining -= size;
            specials.push((name, kind, size));
        }
    };
    take(
        format!("Chi bộ Công an {unit}"),
        CellKind::Police,
        rng.range(4, 12),
        10,
        &mut remaining,
    );
    take(
        format!("Chi bộ Quân sự {unit}"),
        CellKind::Military,
        rng.range(3, 8),
        40,
        &mut remaining,
    );
    take(
        format!("Chi bộ Cơ quan Ủy ban nhân dân {unit}"),
        CellKind::Agency,
        rng.range(10, 30),
        60,
        &mut remaining,
    );
    for school in ["Mầm non", "Tiểu học", "Trung học cơ sở"] {
        take(
            format!("Chi bộ Trường {school}"),
            CellKind::School,
            rng.range(6, 20),
            100,
            &mut remaining,
        );
    }
    take(
        "Chi bộ Trạm Y tế".to_owned(),
        CellKind::Agency,
        rng.range(4, 12),
        200,
        &mut remaining,
    );
    for index in 1..=2 {
        take(
            format!("Chi bộ Công ty {} {index}", rng.pick(&PLACE_WORDS)),
            CellKind::Enterprise,
            rng.range(5, 20),
            300,
            &mut remaining,
        );
    }
    let residential = ((remaining + 15) / 30).max(1);
    let weights: Vec<u64> = (0..residential)
        .map(|_| rng.range(60, 140) as u64)
        .collect();
    let village = if city {
        "Chi bộ tổ dân phố"
    } else {
        "Chi bộ thôn"
    };
    let mut cells = specials;
    for (index, size) in apportion(remaining, &weights).into_iter().enumerate() {
        if size > 0 {
            cells.push((
                format!("{village} {}", index + 1),
                CellKind::Residential,
                size,
            ));
        }
    }
    cells
}

/// The province's name from the membership service's reference provinces.
fn province_name(code: &str) -> &'static str {
    partyregistry_membership::domain::units::REFERENCE_PROVINCES
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or("", |(_, name, ..)| *name)
}

/// Collects a file's text and writes it in chunks.
struct ChunkedFile {
    file: AtomicFile,
    buffer: String,
}

impl ChunkedFile {
    fn line(&mut self, fields: &[String]) -> Result<(), CliError> {
        push_csv_line(&mut self.buffer, fields);
        if self.buffer.len() >= WRITE_CHUNK {
            self.file.write(self.buffer.as_bytes())?;
            self.buffer.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), CliError> {
        self.file.write(self.buffer.as_bytes())?;
        self.file.commit().map(|_| ())
    }
}

/// The first commune code of each province: blocks of three codes per real commune, in code
/// order, so a province's codes do not depend on how many provinces are generated.
fn first_code(position: usize) -> u32 {
    FIRST_COMMUNE_CODE
        + 3 * PROVINCES[..position]
            .iter()
            .map(|p| p.communes)
            .sum::<u32>()
}

/// Writes the files into `directory` and returns the manifest (also written there). `progress`
/// hears each province as it is finished.
pub fn generate(
    options: &CountryOptions,
    directory: &Path,
    mut progress: impl FnMut(&ProvinceTotals),
) -> Result<Manifest, CliError> {
    if options.provinces == 0 || options.provinces > PROVINCES.len() {
        return Err(CliError::usage("--provinces phải từ 1 đến 34"));
    }
    if options.members == 0 {
        return Err(CliError::usage("--members phải lớn hơn 0"));
    }
    std::fs::create_dir_all(directory)?;
    let mut rng = SplitMix64(options.seed ^ 0x434f_554e_5452_5931);
    let chosen: &[ProvinceShape] = &PROVINCES[..options.provinces];
    let weights: Vec<u64> = chosen.iter().map(|p| u64::from(p.population)).collect();
    let shares = apportion(options.members, &weights);
    let headings: Vec<String> = template_headings().into_iter().map(str::to_owned).collect();
    let mut manifest = Manifest {
        seed: options.seed,
        as_of: partyregistry_vocab::date::format(options.today),
        counts: Counts::default(),
        communes: 0,
        cells: 0,
        provinces: Vec::new(),
    };
    for (position, (shape, share)) in chosen.iter().zip(shares).enumerate() {
        if share == 0 {
            continue;
        }
        let name = province_name(shape.code);
        let file_name = format!("tinh-{}.csv", shape.code);
        let mut file = ChunkedFile {
            file: AtomicFile::create(&directory.join(&file_name))?,
            buffer: String::from(BOM),
        };
        file.line(&headings)?;
        let communes = u64::from(shape.communes)
            .min(share.div_ceil(MEMBERS_PER_COMMUNE_FLOOR))
            .max(1);
        let commune_weights: Vec<u64> = (0..communes).map(|_| rng.range(50, 200) as u64).collect();
        let mut totals = ProvinceTotals {
            code: shape.code.to_owned(),
            name: name.to_owned(),
            file: file_name,
            counts: Counts::default(),
            communes: Vec::new(),
        };
        let mut ids = CitizenIds::for_seed(options.seed);
        let mut serial = 0u64;
        let unit = if shape.city { "Phường" } else { "Xã" };
        for (index, size) in apportion(share, &commune_weights).into_iter().enumerate() {
            let code = format!("{:05}", first_code(position) + 3 * index as u32);
            let commune_name = format!(
                "{unit} {} {}",
                rng.pick(&PLACE_WORDS),
                rng.pick(&PLACE_WORDS)
            );
            let cells = plan_cells(&mut rng, size, shape.city);
            let mut commune = CommuneTotals {
                code: code.clone(),
                name: commune_name.clone(),
                cells: cells.len() as u64,
                counts: Counts::default(),
            };
            let mut in_commune = HashSet::new();
            for (cell_name, kind, members) in &cells {
                let place = Place {
                    province_code: shape.code,
                    province_name: name,
                    commune_code: &code,
                    commune_name: &commune_name,
                    cell_name,
                    cell_kind: *kind,
                    ethnicities: shape.ethnicities,
                };
                for _ in 0..*members {
                    serial += 1;
                    let source_id = format!("{}-{serial:07}", shape.code);
                    let generated = member::generate(
                        &mut rng,
                        &place,
                        options.today,
                        source_id,
                        &mut in_commune,
                        &mut ids,
                    );
                    commune.counts.count(&generated);
                    let mut row = vec![String::new(); COLUMNS.len()];
                    for (field, value) in generated.values {
                        if let Some(at) = COLUMNS.iter().position(|c| c.field == field) {
                            row[at] = value;
                        }
                    }
                    file.line(&row)?;
                }
            }
            totals.counts.add(&commune.counts);
            manifest.cells += commune.cells;
            totals.communes.push(commune);
        }
        file.finish()?;
        manifest.communes += totals.communes.len() as u64;
        manifest.counts.add(&totals.counts);
        progress(&totals);
        manifest.provinces.push(totals);
    }
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| CliError::Other(e.to_string()))?;
    let mut file = AtomicFile::create(&manifest_path(directory))?;
    file.write(&json)?;
    file.commit()?;
    Ok(manifest)
}

/// Where the manifest of a generated directory is.
pub fn manifest_path(directory: &Path) -> PathBuf {
    directory.join("manifest.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use partyregistry_roster::{Mapping, ReadOptions, read_roster};
    use partyregistry_vocab::date;

    #[test]
    fn apportion_keeps_the_total() {
        assert_eq!(apportion(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(apportion(0, &[5, 7]), [0, 0]);
        assert_eq!(apportion(7, &[0, 3]), [0, 7]);
    }

    #[test]
    fn a_small_country_reads_back_as_its_manifest_says() {
        let directory =
            std::env::temp_dir().join(format!("partyctl-generate-{}", std::process::id()));
        let today = date::parse("2026-12-03").expect("a test date");
        let options = CountryOptions {
            members: 1_500,
            provinces: 3,
            seed: 7,
            today,
        };
        let manifest = generate(&options, &directory, |_| {}).expect("generated");
        let again = generate(&options, &directory.join("again"), |_| {}).expect("generated");
        assert_eq!(manifest, again, "the same seed and day give the same data");
        assert_eq!(manifest.counts.rows, 1_500);
        assert_eq!(manifest.provinces.len(), 3);
        let mapping = Mapping::default();
        let read = ReadOptions {
            sheet: None,
            mapping: &mapping,
            today,
        };
        for province in &manifest.provinces {
            let path = directory.join(&province.file);
            let roster = read_roster(&path, &read).expect("a roster");
            let first = std::fs::read(&path).expect("the file");
            assert_eq!(
                first,
                std::fs::read(directory.join("again").join(&province.file)).expect("the file")
            );
            assert!(
                roster.problems.is_empty(),
                "{:?}",
                &roster.problems[..3.min(roster.problems.len())]
            );
            assert!(roster.duplicates.is_empty(), "{:?}", roster.duplicates);
            assert_eq!(roster.rows.len() as u64, province.counts.rows);
            for commune in &province.communes {
                let rows: Vec<_> = roster
                    .rows
                    .iter()
                    .filter(|r| r.commune_code == commune.code)
                    .collect();
                let on_roll: Vec<_> = rows
                    .iter()
                    .filter(|r| matches!(r.standing, Standing::Active | Standing::Exempt))
                    .collect();
                assert_eq!(rows.len() as u64, commune.counts.rows);
                assert_eq!(on_roll.len() as u64, commune.counts.on_roll);
                assert_eq!(
                    on_roll.iter().filter(|r| r.official_date.is_some()).count() as u64,
                    commune.counts.official
                );
                assert_eq!(
                    on_roll
                        .iter()
                        .filter(|r| r.gender == partyregistry_roster::Gender::Female)
                        .count() as u64,
                    commune.counts.women
                );
                let cells: HashSet<&str> = rows.iter().map(|r| r.cell_name.as_str()).collect();
                assert_eq!(cells.len() as u64, commune.cells);
            }
        }
        let written: Manifest = serde_json::from_slice(
            &std::fs::read(manifest_path(&directory)).expect("the manifest"),
        )
        .expect("valid JSON");
        assert_eq!(written, manifest);
        std::fs::remove_dir_all(&directory).ok();
    }
}
