//! The filter subset of the List methods (AIP-160): conditions `field = value` or
//! `field : "words"` joined by ` AND `; values may be quoted with double quotes.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::{names, text};

use crate::domain::{Assignment, CellKind, MemberStatus};
use crate::store::{CandidateFilter, MemberFilter};

/// One parsed condition.
#[derive(Debug, PartialEq, Eq)]
struct Condition {
    field: String,
    operator: char,
    value: String,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid("filter", message)
}

fn parse_conditions(filter: &str) -> Result<Vec<Condition>, ApiError> {
    let filter = filter.trim();
    if filter.is_empty() {
        return Ok(Vec::new());
    }
    if filter.chars().count() > 500 {
        return Err(bad("must be at most 500 characters"));
    }
    filter
        .split(" AND ")
        .map(|term| {
            let term = term.trim();
            let position = term.find(['=', ':']).ok_or_else(|| {
                bad(format!(
                    "`{term}` is not `field = value` or `field : value`"
                ))
            })?;
            let field = term[..position].trim().to_owned();
            let operator = term[position..].chars().next().unwrap_or('=');
            let raw = term[position + 1..].trim();
            let value = match raw.strip_prefix('"') {
                Some(rest) => rest
                    .strip_suffix('"')
                    .ok_or_else(|| bad(format!("unterminated quote in `{term}`")))?,
                None => raw,
            };
            if field.is_empty() || value.is_empty() {
                return Err(bad(format!("`{term}` needs a field and a value")));
            }
            Ok(Condition {
                field,
                operator,
                value: value.to_owned(),
            })
        })
        .collect()
}

fn enum_value<T>(value: &str, prefix: &str, from_name: impl Fn(&str) -> Option<T>) -> Option<T> {
    from_name(value).or_else(|| from_name(&format!("{prefix}{value}")))
}

/// The value of an `=` condition on an enum field `what`, by its full or short name.
fn enum_condition<T>(
    value: &str,
    prefix: &str,
    what: &str,
    from_name: impl Fn(&str) -> Option<T>,
) -> Result<T, ApiError> {
    enum_value(value, prefix, from_name).ok_or_else(|| bad(format!("unknown {what} {value}")))
}

/// The folded words of a `name :` condition.
fn name_words(value: &str) -> Vec<String> {
    text::fold(value).split(' ').map(str::to_owned).collect()
}

/// Parses the ListMembers filter: `cell`, `status`, `assignment` with `=`, `name` with `:`.
pub fn parse_member_filter(
    filter: &str,
    commune_code: Option<String>,
) -> Result<MemberFilter, ApiError> {
    let mut parsed = MemberFilter {
        commune_code,
        ..MemberFilter::default()
    };
    for condition in parse_conditions(filter)? {
        match (condition.field.as_str(), condition.operator) {
            ("cell", '=') => {
                let (code, cell_id) = names::parse_cell("filter", &condition.value)?;
                match &parsed.commune_code {
                    Some(commune) if *commune != code => {
                        return Err(bad("the cell is not in the parent commune"));
                    }
                    _ => parsed.commune_code = Some(code),
                }
                parsed.cell_id = Some(cell_id);
            }
            ("status", '=') => {
                parsed.status = Some(enum_condition(
                    &condition.value,
                    "MEMBER_STATUS_",
                    "status",
                    MemberStatus::from_name,
                )?);
            }
            ("assignment", '=') => {
                parsed.assignment = Some(enum_condition(
                    &condition.value,
                    "ASSIGNMENT_",
                    "assignment",
                    Assignment::from_name,
                )?);
            }
            ("name", ':') => parsed.name_words.extend(name_words(&condition.value)),
            (field, operator) => {
                return Err(bad(format!(
                    "`{field} {operator}` is not supported; use cell =, status =, assignment = or name :"
                )));
            }
        }
    }
    Ok(parsed)
}

/// Parses the ListCandidates filter: `cell`, `stage` with `=`, `name` with `:`, within the
/// commune `commune_code`.
pub fn parse_candidate_filter(
    filter: &str,
    commune_code: String,
) -> Result<CandidateFilter, ApiError> {
    let mut parsed = CandidateFilter {
        commune_code,
        ..CandidateFilter::default()
    };
    for condition in parse_conditions(filter)? {
        match (condition.field.as_str(), condition.operator) {
            ("cell", '=') => {
                let (code, cell_id) = names::parse_cell("filter", &condition.value)?;
                if code != parsed.commune_code {
                    return Err(bad("the cell is not in the parent commune"));
                }
                parsed.cell_id = Some(cell_id);
            }
            ("stage", '=') => {
                parsed.stage = Some(enum_condition(
                    &condition.value,
                    "CANDIDATE_STAGE_",
                    "stage",
                    |name| {
                        pb::CandidateStage::from_str_name(name)
                            .filter(|stage| *stage != pb::CandidateStage::Unspecified)
                    },
                )?);
            }
            ("name", ':') => parsed.name_words.extend(name_words(&condition.value)),
            (field, operator) => {
                return Err(bad(format!(
                    "`{field} {operator}` is not supported; use cell =, stage = or name :"
                )));
            }
        }
    }
    Ok(parsed)
}

/// Parses the ListCells filter: `kind = SCHOOL`.
pub fn parse_cell_filter(filter: &str) -> Result<Option<CellKind>, ApiError> {
    let mut kind = None;
    for condition in parse_conditions(filter)? {
        match (condition.field.as_str(), condition.operator) {
            ("kind", '=') => {
                kind = Some(enum_condition(
                    &condition.value,
                    "CELL_KIND_",
                    "kind",
                    CellKind::from_name,
                )?);
            }
            (field, operator) => {
                return Err(bad(format!(
                    "`{field} {operator}` is not supported; use kind ="
                )));
            }
        }
    }
    Ok(kind)
}

/// Parses the ListCommunes filter: `province_code = "10"`.
pub fn parse_commune_filter(filter: &str) -> Result<Option<String>, ApiError> {
    let mut province = None;
    for condition in parse_conditions(filter)? {
        match (condition.field.as_str(), condition.operator) {
            ("province_code", '=') => province = Some(condition.value),
            (field, operator) => {
                return Err(bad(format!(
                    "`{field} {operator}` is not supported; use province_code ="
                )));
            }
        }
    }
    Ok(province)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_filter_parses_every_condition() {
        let filter = parse_member_filter(
            r#"cell = "communes/02680/cells/tuong-1" AND status = OFFICIAL AND assignment = ASSIGNMENT_SECONDED AND name : "Đặng Hoàng""#,
            Some("02680".into()),
        )
        .expect("valid");
        assert_eq!(filter.cell_id.as_deref(), Some("tuong-1"));
        assert_eq!(filter.status, Some(MemberStatus::Official));
        assert_eq!(filter.assignment, Some(Assignment::Seconded));
        assert_eq!(filter.name_words, ["dang", "hoang"]);
    }

    #[test]
    fn member_filter_rejects_unknown_fields_and_foreign_cells() {
        assert!(parse_member_filter("birth_date = 1990-01-01", None).is_err());
        assert!(parse_member_filter("status = SLEEPING", None).is_err());
        assert!(
            parse_member_filter(r#"cell = "communes/02677/cells/a""#, Some("02680".into()))
                .is_err()
        );
        assert!(parse_member_filter(r#"name : "unterminated"#, None).is_err());
    }

    #[test]
    fn candidate_filter_parses_cell_stage_and_name() {
        let filter = parse_candidate_filter(
            r#"cell = "communes/02680/cells/tuong-1" AND stage = CLASS_DONE AND name : "Lò Thị""#,
            "02680".into(),
        )
        .expect("valid");
        assert_eq!(filter.cell_id.as_deref(), Some("tuong-1"));
        assert_eq!(filter.stage, Some(pb::CandidateStage::ClassDone));
        assert_eq!(filter.name_words, ["lo", "thi"]);
        assert_eq!(
            parse_candidate_filter("stage = CANDIDATE_STAGE_ADMITTED", "02680".into())
                .map(|f| f.stage)
                .ok(),
            Some(Some(pb::CandidateStage::Admitted))
        );
        assert!(parse_candidate_filter("stage = UNSPECIFIED", "02680".into()).is_err());
        assert!(
            parse_candidate_filter(r#"cell = "communes/02677/cells/a""#, "02680".into()).is_err()
        );
        assert!(parse_candidate_filter("status = OFFICIAL", "02680".into()).is_err());
    }

    #[test]
    fn cell_filter_accepts_short_and_full_names() {
        assert_eq!(
            parse_cell_filter("kind = SCHOOL").ok(),
            Some(Some(CellKind::School))
        );
        assert_eq!(
            parse_cell_filter("kind = CELL_KIND_POLICE").ok(),
            Some(Some(CellKind::Police))
        );
        assert_eq!(parse_cell_filter("").ok(), Some(None));
    }
}
