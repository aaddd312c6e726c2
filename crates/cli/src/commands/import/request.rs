//! Roster rows made into ImportRoster batches: each batch carries its members and the communes
//! and cells they name (so that a dry run, which creates nothing, still finds them), and the
//! server's field paths are mapped back to the file's columns for the report.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use partyregistry_proto::membership::v1::{
    Admission, BadgeAward, CellKind as ProtoCellKind, DepartureKind, Gender as ProtoGender,
    GeneralEducation, ImportCell, ImportCommune, ImportMember, ImportRosterRequest, Member,
    PartyAgeGap, PoliticalTheory, Qualification,
};
use partyregistry_roster::{CellKind, Field, Gender, RosterRow, Standing};
use partyregistry_vocab::date;
use partyregistry_vocab::text::normalize;

/// A commune as the rows give it.
#[derive(Debug, Clone)]
struct CommuneUnit {
    row_number: usize,
    name: Option<String>,
    province: Option<String>,
    earliest: NaiveDate,
}

/// A cell as the rows give it.
#[derive(Debug, Clone)]
struct CellUnit {
    row_number: usize,
    commune_code: String,
    name: String,
    kind: CellKind,
    earliest: NaiveDate,
}

/// The units of a file: every commune and cell its rows name, with the earliest admission in
/// the file as the first day (a unit cannot be younger than the members it admitted). Units the
/// service already holds are not sent: their stored dates stand, so a later file (or a fixed
/// report) naming them with other first days does not conflict with them.
#[derive(Debug, Clone, Default)]
pub struct Units {
    communes: BTreeMap<String, CommuneUnit>,
    cells: BTreeMap<(String, String), CellUnit>,
    stored_communes: HashSet<String>,
    stored_cells: HashSet<(String, String)>,
}

/// The key of a cell: its commune and its name in NFC, case folded, as the service compares them.
pub fn cell_key(commune_code: &str, name: &str) -> (String, String) {
    (commune_code.to_owned(), normalize(name).to_lowercase())
}

impl Units {
    /// The units of `rows`.
    pub fn of(rows: &[RosterRow]) -> Self {
        let mut units = Self::default();
        for row in rows {
            let earliest = row.decision_date.unwrap_or(row.ceremony_date);
            let commune = units
                .communes
                .entry(row.commune_code.clone())
                .or_insert_with(|| CommuneUnit {
                    row_number: row.row_number,
                    name: None,
                    province: None,
                    earliest,
                });
            commune.earliest = commune.earliest.min(earliest);
            if commune.name.is_none() {
                commune.name.clone_from(&row.commune_name);
            }
            if commune.province.is_none() {
                commune.province.clone_from(&row.province_code);
            }
            let cell = units
                .cells
                .entry(cell_key(&row.commune_code, &row.cell_name))
                .or_insert_with(|| CellUnit {
                    row_number: row.row_number,
                    commune_code: row.commune_code.clone(),
                    name: row.cell_name.clone(),
                    kind: row.cell_kind,
                    earliest,
                });
            cell.earliest = cell.earliest.min(earliest);
        }
        units
    }

    /// The communes the rows name.
    pub fn commune_codes(&self) -> impl Iterator<Item = &str> {
        self.communes.keys().map(String::as_str)
    }

    /// Records that the service holds the commune `code`.
    pub fn commune_stored(&mut self, code: &str) {
        self.stored_communes.insert(code.to_owned());
    }

    /// Records that the service holds a cell of `commune_code` named `name`.
    pub fn cell_stored(&mut self, commune_code: &str, name: &str) {
        self.stored_cells.insert(cell_key(commune_code, name));
    }

    /// How many of the communes and cells the rows name the service already holds.
    pub fn stored_counts(&self) -> (u64, u64) {
        let communes = self
            .communes
            .keys()
            .filter(|code| self.stored_communes.contains(*code))
            .count();
        let cells = self
            .cells
            .keys()
            .filter(|key| self.stored_cells.contains(*key))
            .count();
        (communes as u64, cells as u64)
    }

    /// The communes and cells `rows` name, as the request sends them. A commune whose rows give
    /// no name or province is not sent: it must exist already.
    fn for_rows(&self, rows: &[&RosterRow]) -> (Vec<ImportCommune>, Vec<ImportCell>) {
        let mut communes = BTreeMap::new();
        let mut cells = BTreeMap::new();
        for row in rows {
            if let Some(commune) = self.communes.get(&row.commune_code)
                && !self.stored_communes.contains(&row.commune_code)
                && let (Some(name), Some(province)) = (&commune.name, &commune.province)
            {
                communes
                    .entry(row.commune_code.clone())
                    .or_insert_with(|| ImportCommune {
                        row_number: commune.row_number as i64,
                        code: row.commune_code.clone(),
                        display_name: name.clone(),
                        province_code: province.clone(),
                        valid_from: date::format(commune.earliest),
                    });
            }
            let key = cell_key(&row.commune_code, &row.cell_name);
            if let Some(cell) = self.cells.get(&key)
                && !self.stored_cells.contains(&key)
            {
                cells.entry(key).or_insert_with(|| ImportCell {
                    row_number: cell.row_number as i64,
                    commune_code: cell.commune_code.clone(),
                    display_name: cell.name.clone(),
                    kind: proto_cell_kind(cell.kind) as i32,
                    open_date: date::format(cell.earliest),
                });
            }
        }
        (
            communes.into_values().collect(),
            cells.into_values().collect(),
        )
    }
}

fn proto_cell_kind(kind: CellKind) -> ProtoCellKind {
    ProtoCellKind::from_str_name(kind.contract_name()).unwrap_or(ProtoCellKind::Other)
}

/// The member of a row, as ImportMember carries it.
pub fn import_member(row: &RosterRow) -> ImportMember {
    let gender = match row.gender {
        Gender::Male => ProtoGender::Male,
        Gender::Female => ProtoGender::Female,
    };
    let level = |name: Option<&str>, parse: fn(&str) -> Option<i32>| {
        name.and_then(parse).unwrap_or_default()
    };
    let member = Member {
        full_name: row.full_name.clone(),
        gender: gender as i32,
        birth_date: date::format(row.birth_date),
        ethnicity_code: row.ethnicity_code.to_owned(),
        ethnicity_code_system: partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned(),
        religion: row.religion.clone(),
        home_town: row.home_town.clone(),
        citizen_id: row.citizen_id.clone().unwrap_or_default(),
        phone: row.phone.clone().unwrap_or_default(),
        address: row.address.clone(),
        general_education: level(Some(row.education), |n| {
            GeneralEducation::from_str_name(n).map(|v| v as i32)
        }),
        qualification: level(row.qualification, |n| {
            Qualification::from_str_name(n).map(|v| v as i32)
        }),
        political_theory: level(row.theory, |n| {
            PoliticalTheory::from_str_name(n).map(|v| v as i32)
        }),
        occupation: row.occupation.clone(),
        card_number: row.card_number.clone().unwrap_or_default(),
        party_age_gaps: row
            .gaps
            .iter()
            .map(|gap| PartyAgeGap {
                from_date: date::format(gap.from),
                to_date: date::format(gap.to),
                reason: gap.reason.clone(),
            })
            .collect(),
        badges: row
            .badges
            .iter()
            .map(|badge| BadgeAward {
                years: badge.years as i32,
                award_date: date::format(badge.awarded),
            })
            .collect(),
        ..Member::default()
    };
    let (departure_kind, departure_date, exempt_since) = match row.standing {
        Standing::Active => (DepartureKind::Unspecified, String::new(), String::new()),
        Standing::Exempt => (
            DepartureKind::Unspecified,
            String::new(),
            date::format_optional(row.status_date),
        ),
        Standing::Left(kind) => (
            DepartureKind::from_str_name(kind.contract_name()).unwrap_or_default(),
            date::format_optional(row.status_date),
            String::new(),
        ),
    };
    ImportMember {
        row_number: row.row_number as i64,
        row_key: row.row_key(),
        commune_code: row.commune_code.clone(),
        cell_display_name: row.cell_name.clone(),
        member: Some(member),
        admission: Some(Admission {
            decision_date: date::format(row.decision_date.unwrap_or(row.ceremony_date)),
            decision_number: row.decision_number.clone(),
            decision_received_date: date::format_optional(row.decision_received_date),
            ceremony_date: date::format(row.ceremony_date),
            official_date: date::format_optional(row.official_date),
            readmission: false,
            // Output only, or a link a roster does not hold.
            ..Default::default()
        }),
        departure_kind: departure_kind as i32,
        departure_date,
        exempt_since,
    }
}

/// The batches of a file: `batch` members each, with their units; built one at a time as the
/// import sends them, so that a large file is not held twice.
pub fn batches<'a>(
    import_id: &'a str,
    rows: &'a [RosterRow],
    units: &'a Units,
    batch: usize,
    dry_run: bool,
) -> impl ExactSizeIterator<Item = ImportRosterRequest> + 'a {
    rows.chunks(batch.max(1)).map(move |chunk| {
        let refs: Vec<&RosterRow> = chunk.iter().collect();
        let (communes, cells) = units.for_rows(&refs);
        ImportRosterRequest {
            import_id: import_id.to_owned(),
            communes,
            cells,
            members: chunk.iter().map(import_member).collect(),
            dry_run,
        }
    })
}

/// The file column a server field path names (`members[3].member.birth_date` → birth date).
pub fn field_of_path(path: &str) -> Option<Field> {
    const SUFFIXES: [(&str, Field); 28] = [
        ("member.full_name", Field::FullName),
        ("member.family_name", Field::FullName),
        ("member.given_name", Field::FullName),
        ("member.gender", Field::Gender),
        ("member.birth_date", Field::BirthDate),
        ("member.ethnicity_code", Field::Ethnicity),
        ("member.religion", Field::Religion),
        ("member.home_town", Field::HomeTown),
        ("member.citizen_id", Field::CitizenId),
        ("member.phone", Field::Phone),
        ("member.address", Field::Address),
        ("member.general_education", Field::Education),
        ("member.qualification", Field::Qualification),
        ("member.political_theory", Field::Theory),
        ("member.occupation", Field::Occupation),
        ("member.card_number", Field::CardNumber),
        ("member.party_age_gaps", Field::Gaps),
        ("member.badges", Field::Badges),
        ("admission.decision_date", Field::DecisionDate),
        ("admission.decision_number", Field::DecisionNumber),
        (
            "admission.decision_received_date",
            Field::DecisionReceivedDate,
        ),
        ("admission.ceremony_date", Field::CeremonyDate),
        ("admission.official_date", Field::OfficialDate),
        ("cell_display_name", Field::CellName),
        ("commune_code", Field::CommuneCode),
        ("departure_kind", Field::Status),
        ("departure_date", Field::StatusDate),
        ("exempt_since", Field::StatusDate),
    ];
    let tail = path.split_once("].").map_or(path, |(_, rest)| rest);
    SUFFIXES
        .iter()
        .find(|(suffix, _)| {
            tail == *suffix
                || tail.starts_with(&format!("{suffix}["))
                || tail.starts_with(&format!("{suffix}."))
        })
        .map(|(_, field)| *field)
        .or(match tail {
            "code" | "province_code" | "display_name" | "valid_from"
                if path.starts_with("communes") =>
            {
                Some(Field::CommuneCode)
            }
            _ if path.starts_with("cells") => Some(Field::CellName),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_name_the_file_columns() {
        assert_eq!(
            field_of_path("members[3].member.birth_date"),
            Some(Field::BirthDate)
        );
        assert_eq!(
            field_of_path("members[0].admission.ceremony_date"),
            Some(Field::CeremonyDate)
        );
        assert_eq!(
            field_of_path("members[1].member.badges[0].award_date"),
            Some(Field::Badges)
        );
        assert_eq!(
            field_of_path("members[2].cell_display_name"),
            Some(Field::CellName)
        );
        assert_eq!(
            field_of_path("communes[0].province_code"),
            Some(Field::CommuneCode)
        );
        assert_eq!(field_of_path("cells[4].kind"), Some(Field::CellName));
        assert_eq!(field_of_path("import_id"), None);
    }
}
