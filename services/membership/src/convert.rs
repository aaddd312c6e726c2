//! Protobuf ↔ domain conversions. Requests are validated here, every bad field reported at once
//! with its path; text is normalised to NFC. Output conversions are total. A masked update goes
//! through [`apply_mask`]: the stored state in its contract form, the named fields replaced, the
//! result validated like a new request.
//!
//! Modules: [`organisations`] (communes, cells), [`members`] (people, admissions, party age,
//! events), [`admission`] (the admission pipeline), [`units`] (provinces, merges), [`import`] (the roster import's rows and report), [`identity`] (identity conflicts). The shared
//! field checks are here.

use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::reference::{self, ethnic_group};
use partyregistry_vocab::text;

/// Declares the fields of a message that a masked update may change, once: `$list` names them
/// (in this order, which `update_mask` errors show) and `$merge` copies those named in a mask
/// from an update onto the stored message: `clone` fields with `clone_from`, `copy` fields by
/// assignment. Paths outside the list are left to the caller.
macro_rules! updatable_fields {
    ($(#[$doc:meta])* $list:ident, $merge:ident: $message:ty { $($field:ident: $how:ident),* $(,)? }) => {
        $(#[$doc])*
        pub const $list: &[&str] = &[$(stringify!($field)),*];

        /// Copies the fields of `update` named in `paths` onto `current`.
        fn $merge(current: &mut $message, update: &$message, paths: &[&str]) {
            for path in paths {
                match *path {
                    $(stringify!($field) => updatable_fields!(@$how current.$field, update.$field),)*
                    _ => {}
                }
            }
        }
    };
    (@clone $current:expr, $update:expr) => {
        $current.clone_from(&$update)
    };
    (@copy $current:expr, $update:expr) => {
        $current = $update
    };
}

pub mod admission;
pub mod identity;
pub mod import;
pub mod members;
pub mod organisations;
pub mod units;

pub use members::*;
pub use organisations::*;

/// When the full name changes but none of its parts is given, clears the parts so that
/// validation derives them again from the new full name.
pub(crate) fn rederive_name_parts(paths: &[&str], parts: [&mut String; 3]) {
    let parts_given = paths
        .iter()
        .any(|p| matches!(*p, "family_name" | "middle_name" | "given_name"));
    if paths.contains(&"full_name") && !parts_given {
        for part in parts {
            part.clear();
        }
    }
}

/// Normalises and checks a text field: NFC, trimmed, no control characters, at most `max`
/// characters, and non-empty when `required`.
pub fn text_field(
    violations: &mut Violations,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let normalized = text::normalize(value);
    if required && normalized.is_empty() {
        violations.add(field, "must not be empty");
    } else if normalized.chars().count() > max {
        violations.add(field, format!("must be at most {max} characters"));
    } else if let Some(refused) = text::refused_character(&normalized) {
        violations.add(
            field,
            format!(
                "must not contain control, zero-width or bidirectional control characters (found U+{:04X})",
                u32::from(refused)
            ),
        );
    }
    normalized
}

pub(crate) fn required_date(violations: &mut Violations, field: &str, value: &str) -> Option<Date> {
    if value.is_empty() {
        violations.add(field, "is required (YYYY-MM-DD)");
        return None;
    }
    violations.check(field, date::parse(value))
}

pub(crate) fn optional_date(violations: &mut Violations, field: &str, value: &str) -> Option<Date> {
    violations
        .check(field, date::parse_optional(value))
        .flatten()
}

/// Converts a proto enum value to the domain enum through its name; `UNSPECIFIED` and unknown
/// numbers are violations unless a default is given.
pub(crate) fn enum_field<P, D>(
    violations: &mut Violations,
    field: &str,
    value: i32,
    default: Option<D>,
    name_of: impl Fn(&P) -> &'static str,
    from_name: impl Fn(&str) -> Option<D>,
) -> Option<D>
where
    P: TryFrom<i32>,
{
    match P::try_from(value)
        .ok()
        .map(|p| name_of(&p))
        .and_then(from_name)
    {
        Some(value) => Some(value),
        None if value == 0 && default.is_some() => default,
        None => {
            violations.add(
                field,
                if value == 0 {
                    "is required"
                } else {
                    "is not a known value"
                },
            );
            None
        }
    }
}

pub(crate) fn proto_enum<P: Default>(from_str_name: impl Fn(&str) -> Option<P>, name: &str) -> P {
    from_str_name(name).unwrap_or_default()
}

/// Validates the name fields of a person under `prefix` (`member`, `candidate`): the full name
/// (required) and its family, middle and given parts, derived from it when none is given.
pub fn name_fields(
    v: &mut Violations,
    prefix: &str,
    [full_name, family_name, middle_name, given_name]: [&str; 4],
) -> (String, text::NameParts) {
    let full_name = text_field(v, &format!("{prefix}.full_name"), full_name, 100, true);
    let family = text_field(v, &format!("{prefix}.family_name"), family_name, 50, false);
    let middle = text_field(v, &format!("{prefix}.middle_name"), middle_name, 50, false);
    let given = text_field(v, &format!("{prefix}.given_name"), given_name, 50, false);
    if family.is_empty() && given.is_empty() {
        let parts = text::split_full_name(&full_name);
        return (full_name, parts);
    }
    if given.is_empty() {
        v.add(
            format!("{prefix}.given_name"),
            "must not be empty when family_name is given",
        );
    }
    (
        full_name,
        text::NameParts {
            family,
            middle,
            given,
        },
    )
}

/// How a bare ethnic-group code (digits, `ethnicity_code_system` empty) is read: domain.md §3
/// says other lists number the groups differently, so such a code is refused unless the server
/// is configured to read it in the 1979 list (`--ethnicity-code-system 121-TCTK`, [A]: the
/// setting for installations whose clients all send that list's codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BareEthnicityCodes {
    /// Refused: the request must name the list or send the group's name.
    #[default]
    Refused,
    /// Read in the 1979 list (QĐ 121-TCTK/PPCĐ).
    In1979List,
}

impl BareEthnicityCodes {
    /// Names the 1979 list in `system` when `code` is a bare code sent without its list and bare
    /// codes are read in it; otherwise changes nothing.
    pub fn qualify(self, code: &str, system: &mut String) {
        if self == Self::In1979List && system.trim().is_empty() && is_bare_code(code) {
            *system = reference::ETHNICITY_CODE_SYSTEM_ID.to_owned();
        }
    }
}

fn is_bare_code(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Validates an ethnic group given as a code of the list `system` names (only the 1979 list,
/// `121-TCTK`, is known) or as a name of one of the 54 groups, and returns the 1979 list's
/// two-digit code. Fields are `{prefix}.ethnicity_code` and `{prefix}.ethnicity_code_system`.
pub fn ethnicity_field(v: &mut Violations, prefix: &str, value: &str, system: &str) -> String {
    let field = format!("{prefix}.ethnicity_code");
    let value = text::normalize(value.trim());
    if value.is_empty() {
        v.add(
            field,
            "is required: a code with its list, or the group's name",
        );
        return value;
    }
    if !is_bare_code(&value) {
        return match reference::ethnic_group_code(&value) {
            Some(code) => code.to_owned(),
            None => {
                v.add(field, "must be the name of one of the 54 ethnic groups");
                value
            }
        };
    }
    if system.trim().is_empty() {
        v.add(
            field,
            format!(
                "a bare code must say which list it is in: set ethnicity_code_system to {} ({}), \
                 or send the group's name",
                reference::ETHNICITY_CODE_SYSTEM_ID,
                reference::ETHNICITY_CODE_SYSTEM
            ),
        );
        return value;
    }
    if reference::ethnicity_code_system(system).is_none() {
        v.add(
            format!("{prefix}.ethnicity_code_system"),
            format!(
                "only {} ({}) is known; send the group's name for a code of another list",
                reference::ETHNICITY_CODE_SYSTEM_ID,
                reference::ETHNICITY_CODE_SYSTEM
            ),
        );
        return value;
    }
    let code = format!("{value:0>2}");
    if ethnic_group(&code).is_none() {
        v.add(
            field,
            "must be the code of one of the 54 ethnic groups (01-54)",
        );
    }
    code
}

/// The paths of an update mask, or every updatable path when the mask is empty; unknown paths are
/// a violation of `update_mask`.
pub fn mask_paths(
    mask: Option<&prost_types::FieldMask>,
    allowed: &[&'static str],
) -> Result<Vec<&'static str>, ApiError> {
    let Some(mask) = mask.filter(|m| !m.paths.is_empty()) else {
        return Ok(allowed.to_vec());
    };
    mask.paths
        .iter()
        .map(|path| {
            allowed
                .iter()
                .find(|a| **a == path.as_str())
                .copied()
                .ok_or_else(|| {
                    ApiError::invalid(
                        "update_mask",
                        format!(
                            "{path} cannot be updated; updatable: {}",
                            allowed.join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// The state a masked update asks for: the fields of `update` named in `paths` replace those of
/// `stored` (the stored state as the contract shows it) by `merge`, every other field keeps its
/// stored value, and `parse` validates the result back into the domain.
pub fn apply_mask<P, D>(
    stored: P,
    update: &P,
    paths: &[&str],
    merge: fn(&mut P, &P, &[&str]),
    parse: impl FnOnce(&P) -> Result<D, ApiError>,
) -> Result<D, ApiError> {
    let mut merged = stored;
    merge(&mut merged, update, paths);
    parse(&merged)
}
