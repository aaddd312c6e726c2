//! The same person twice in one file: the same citizen id, or the same name (NFC, case folded)
//! with the same birth date in the same commune (import-layouts §1.4). The first row stands; each
//! later one is reported with the row it repeats and is not imported.

use std::collections::HashMap;

use partyregistry_vocab::date::Date;
use partyregistry_vocab::text::normalize;

use crate::columns::Field;
use crate::row::RosterRow;

/// A row that repeats an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The repeating row.
    pub row_number: usize,
    /// The row it repeats.
    pub first_row: usize,
    /// The field that matched: the citizen id, or the full name (with birth date and commune).
    pub field: Field,
    /// The matching value as the report shows it.
    pub value: String,
    /// Why, in Vietnamese, naming both rows.
    pub reason: String,
}

/// The identity key of a person without a citizen id: name, birth date, commune.
fn person_key(row: &RosterRow) -> (String, Date, String) {
    (
        normalize(&row.full_name).to_lowercase(),
        row.birth_date,
        row.commune_code.clone(),
    )
}

/// The duplicates among `rows`, in row order.
pub fn find_duplicates(rows: &[RosterRow]) -> Vec<Duplicate> {
    let mut by_citizen_id: HashMap<&str, usize> = HashMap::new();
    let mut by_person: HashMap<(String, Date, String), usize> = HashMap::new();
    let mut found = Vec::new();
    for row in rows {
        if let Some(id) = row.citizen_id.as_deref() {
            if let Some(first) = by_citizen_id.get(id) {
                found.push(Duplicate {
                    row_number: row.row_number,
                    first_row: *first,
                    field: Field::CitizenId,
                    value: id.to_owned(),
                    reason: format!(
                        "trùng số định danh cá nhân với dòng {first}; dòng {} không được nhập",
                        row.row_number
                    ),
                });
                continue;
            }
            by_citizen_id.insert(id, row.row_number);
        }
        let key = person_key(row);
        if let Some(first) = by_person.get(&key) {
            found.push(Duplicate {
                row_number: row.row_number,
                first_row: *first,
                field: Field::FullName,
                value: row.full_name.clone(),
                reason: format!(
                    "trùng họ tên, ngày sinh và xã với dòng {first}; dòng {} không được nhập",
                    row.row_number
                ),
            });
            continue;
        }
        by_person.insert(key, row.row_number);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: usize, name: &str, birth: &str, id: Option<&str>) -> RosterRow {
        crate::row::sample_row(number, name, birth, id)
    }

    #[test]
    fn same_citizen_id_names_both_rows() {
        let rows = [
            row(2, "Lò Văn A", "1980-01-01", Some("015080000001")),
            row(3, "Lò Văn B", "1981-01-01", Some("015080000002")),
            row(5, "Lò Văn C", "1982-01-01", Some("015080000001")),
        ];
        let found = find_duplicates(&rows);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].row_number, found[0].first_row), (5, 2));
        assert_eq!(found[0].field, Field::CitizenId);
        assert!(found[0].reason.contains("dòng 2") && found[0].reason.contains("dòng 5"));
    }

    #[test]
    fn same_name_birth_and_commune_in_any_case_or_normal_form() {
        let rows = [
            row(2, "Hoàng Văn Hòa", "1980-01-01", None),
            row(3, "HOA\u{300}NG VĂN HÒA", "1980-01-01", None),
            row(4, "Hoàng Văn Hòa", "1980-01-02", None),
        ];
        let found = find_duplicates(&rows);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].row_number, found[0].first_row), (3, 2));
        assert_eq!(found[0].field, Field::FullName);
    }
}
