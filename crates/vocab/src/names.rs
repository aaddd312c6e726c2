//! Resource names of the contracts (`communes/{code}`, `communes/{code}/cells/{id}`,
//! `members/{id}`, `candidates/{id}`): parsing with the field named on failure, and formatting.

/// A malformed resource name, with the request field that held it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {description}")]
pub struct NameError {
    /// The request field, as the API names it.
    pub field: String,
    /// What the name must look like.
    pub description: &'static str,
}

impl NameError {
    fn new(field: &str, description: &'static str) -> Self {
        Self {
            field: field.to_owned(),
            description,
        }
    }
}

/// A commune code: exactly five ASCII digits.
pub fn is_commune_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

/// A cell id: 1 to 40 lower-case ASCII letters, digits and hyphens, not starting with a hyphen.
pub fn is_cell_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `communes/{code}` → the code.
pub fn parse_commune(field: &str, name: &str) -> Result<String, NameError> {
    match name.strip_prefix("communes/") {
        Some(code) if is_commune_code(code) => Ok(code.to_owned()),
        _ => Err(NameError::new(
            field,
            "must be communes/{code} with a 5-digit commune code",
        )),
    }
}

/// `communes/{code}/cells/{id}` → (code, id).
pub fn parse_cell(field: &str, name: &str) -> Result<(String, String), NameError> {
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        ["communes", code, "cells", id] if is_commune_code(code) && is_cell_id(id) => {
            Ok(((*code).to_owned(), (*id).to_owned()))
        }
        _ => Err(NameError::new(
            field,
            "must be communes/{code}/cells/{cell_id}",
        )),
    }
}

/// `members/{id}` → the id.
pub fn parse_member(field: &str, name: &str) -> Result<i64, NameError> {
    parse_id(name, "members/")
        .ok_or_else(|| NameError::new(field, "must be members/{member_id} with a positive number"))
}

/// `candidates/{id}` → the id.
pub fn parse_candidate(field: &str, name: &str) -> Result<i64, NameError> {
    parse_id(name, "candidates/").ok_or_else(|| {
        NameError::new(
            field,
            "must be candidates/{candidate_id} with a positive number",
        )
    })
}

/// `{prefix}{id}` with a positive id of at most 18 digits → the id.
fn parse_id(name: &str, prefix: &str) -> Option<i64> {
    name.strip_prefix(prefix)
        .filter(|id| !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
}

/// `communes/{code}`.
pub fn commune(code: &str) -> String {
    format!("communes/{code}")
}

/// `communes/{code}/cells/{id}`.
pub fn cell(commune_code: &str, cell_id: &str) -> String {
    format!("communes/{commune_code}/cells/{cell_id}")
}

/// `members/{id}`.
pub fn member(id: i64) -> String {
    format!("members/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_names() {
        assert_eq!(
            parse_commune("name", "communes/02680").ok(),
            Some("02680".to_owned())
        );
        assert_eq!(
            parse_cell("cell", "communes/02680/cells/tuong-1").ok(),
            Some(("02680".to_owned(), "tuong-1".to_owned()))
        );
        assert_eq!(parse_member("name", "members/42").ok(), Some(42));
    }

    #[test]
    fn rejects_malformed_names() {
        for bad in [
            "communes/2680",
            "communes/02680/",
            "communes/abcde",
            "cells/02680",
        ] {
            assert!(parse_commune("name", bad).is_err(), "{bad}");
        }
        for bad in [
            "communes/02680/cells/Tuong",
            "communes/02680/cells/",
            "communes/02680/cells/-x",
        ] {
            assert!(parse_cell("cell", bad).is_err(), "{bad}");
        }
        for bad in [
            "members/0",
            "members/-1",
            "members/x",
            "members/99999999999999999999",
        ] {
            assert!(parse_member("name", bad).is_err(), "{bad}");
        }
    }
}
