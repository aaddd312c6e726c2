//! Provinces, unit merges and reference lists: request validation and protos.

use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date;
use partyregistry_vocab::reference::{self, ListKind};

use super::{enum_field, optional_date, proto_enum, required_date, text_field};
use crate::domain::units::{Province, UnitLevel, UnitMerge, province_name};
use crate::store::units::ProvinceRecord;

/// `provinces/{code}` → the code.
pub fn parse_province(field: &str, name: &str) -> Result<String, ApiError> {
    match name.strip_prefix("provinces/") {
        Some(code) if UnitLevel::Province.is_code(code) => Ok(code.to_owned()),
        _ => Err(ApiError::invalid(
            field,
            "must be provinces/{code} with a 2-digit province code",
        )),
    }
}

/// Validates a province from a request. `code` comes from the request or the resource name.
pub fn province_from_proto(province: &pb::Province, code: &str) -> Result<Province, ApiError> {
    let mut v = Violations::new();
    if !UnitLevel::Province.is_code(code) {
        v.add("province.code", "must be 2 digits");
    }
    let display_name = text_field(
        &mut v,
        "province.display_name",
        &province.display_name,
        100,
        true,
    );
    let valid_from = required_date(&mut v, "province.valid_from", &province.valid_from);
    let valid_to = optional_date(&mut v, "province.valid_to", &province.valid_to);
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        v.add("province.valid_to", "must not be before valid_from");
    }
    v.finish()?;
    Ok(Province {
        code: code.to_owned(),
        display_name,
        valid_from: valid_from.unwrap_or_default(),
        valid_to,
    })
}

/// The proto of a stored province.
pub fn province_to_proto(record: &ProvinceRecord) -> pb::Province {
    let p = &record.province;
    pb::Province {
        name: province_name(&p.code),
        code: p.code.clone(),
        display_name: p.display_name.clone(),
        valid_from: date::format(p.valid_from),
        valid_to: date::format_optional(p.valid_to),
        etag: record.version.to_string(),
    }
}

updatable_fields! {
    /// Updatable province fields.
    PROVINCE_UPDATABLE, merge_province_fields: pb::Province {
        display_name: clone,
        valid_from: clone,
        valid_to: clone,
    }
}

/// Copies the masked fields of `update` onto `current`.
pub fn merge_province(current: &mut pb::Province, update: &pb::Province, paths: &[&str]) {
    merge_province_fields(current, update, paths);
}

/// The level of a request's `field`; unspecified is a violation unless `optional`.
pub fn unit_level(field: &str, value: i32, optional: bool) -> Result<Option<UnitLevel>, ApiError> {
    if optional && value == 0 {
        return Ok(None);
    }
    let mut v = Violations::new();
    let level = enum_field(
        &mut v,
        field,
        value,
        None,
        pb::UnitLevel::as_str_name,
        UnitLevel::from_name,
    );
    v.finish()?;
    Ok(level)
}

/// Validates a merge from a request: level, code shapes (2 or 5 digits), no repeated
/// predecessor, the effective date and the legal basis.
pub fn merge_from_proto(merge: &pb::UnitMerge) -> Result<UnitMerge, ApiError> {
    let level = unit_level("merge.level", merge.level, false)?
        .ok_or_else(|| ApiError::invalid("merge.level", "is required"))?;
    let mut v = Violations::new();
    let shape = match level {
        UnitLevel::Province => "must be a 2-digit province code",
        UnitLevel::Commune => "must be a 5-digit commune code",
    };
    if merge.predecessor_codes.is_empty() {
        v.add("merge.predecessor_codes", "must name at least one unit");
    }
    let mut predecessor_codes: Vec<String> = Vec::new();
    for (i, code) in merge.predecessor_codes.iter().enumerate() {
        let code = code.trim();
        let field = format!("merge.predecessor_codes[{i}]");
        if !level.is_code(code) {
            v.add(field, shape);
        } else if predecessor_codes.iter().any(|c| c == code) {
            v.add(field, format!("{code} is named twice"));
        } else {
            predecessor_codes.push(code.to_owned());
        }
    }
    let successor_code = merge.successor_code.trim().to_owned();
    if !level.is_code(&successor_code) {
        v.add("merge.successor_code", shape);
    }
    let effective_date = required_date(&mut v, "merge.effective_date", &merge.effective_date);
    let legal_basis = text_field(&mut v, "merge.legal_basis", &merge.legal_basis, 200, false);
    v.finish()?;
    Ok(UnitMerge {
        id: 0,
        level,
        predecessor_codes,
        successor_code,
        effective_date: effective_date.unwrap_or_default(),
        legal_basis,
    })
}

/// The proto of a stored merge.
pub fn merge_to_proto(merge: &UnitMerge) -> pb::UnitMerge {
    pb::UnitMerge {
        name: format!("merges/{}", merge.id),
        level: proto_enum(pb::UnitLevel::from_str_name, merge.level.name()) as i32,
        predecessor_codes: merge.predecessor_codes.clone(),
        successor_code: merge.successor_code.clone(),
        effective_date: date::format(merge.effective_date),
        legal_basis: merge.legal_basis.clone(),
    }
}

/// The reference list of a request's `kind`.
pub fn reference_list(kind: i32) -> Result<pb::ReferenceList, ApiError> {
    let (proto_kind, list_kind) = match pb::ReferenceListKind::try_from(kind) {
        Ok(pb::ReferenceListKind::Ethnicity) => {
            (pb::ReferenceListKind::Ethnicity, ListKind::Ethnicity)
        }
        Ok(pb::ReferenceListKind::Religion) => {
            (pb::ReferenceListKind::Religion, ListKind::Religion)
        }
        Ok(pb::ReferenceListKind::GeneralEducation) => (
            pb::ReferenceListKind::GeneralEducation,
            ListKind::GeneralEducation,
        ),
        Ok(pb::ReferenceListKind::Qualification) => (
            pb::ReferenceListKind::Qualification,
            ListKind::Qualification,
        ),
        Ok(pb::ReferenceListKind::PoliticalTheory) => (
            pb::ReferenceListKind::PoliticalTheory,
            ListKind::PoliticalTheory,
        ),
        Ok(pb::ReferenceListKind::Unspecified) => {
            return Err(ApiError::invalid("kind", "is required"));
        }
        Err(_) => return Err(ApiError::invalid("kind", "is not a known value")),
    };
    let list = reference::reference_list(list_kind);
    Ok(pb::ReferenceList {
        kind: proto_kind.into(),
        code_system: list.code_system.to_owned(),
        entries: list
            .entries
            .iter()
            .map(|entry| pb::ReferenceEntry {
                code: entry.code.to_owned(),
                label: entry.label.to_owned(),
                aliases: entry.aliases.iter().map(|a| (*a).to_owned()).collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_lists_come_with_their_code_system() {
        let ethnicity = reference_list(pb::ReferenceListKind::Ethnicity.into()).expect("list");
        assert_eq!(ethnicity.entries.len(), 54);
        assert_eq!(ethnicity.code_system, "QĐ 121-TCTK/PPCĐ (1979)");
        let mong = &ethnicity.entries[7];
        assert_eq!((mong.code.as_str(), mong.label.as_str()), ("08", "Mông"));
        assert!(mong.aliases.iter().any(|a| a == "Mèo"));
        let religions = reference_list(pb::ReferenceListKind::Religion.into()).expect("list");
        assert_eq!(religions.entries[0].code, "00");
        let theory = reference_list(pb::ReferenceListKind::PoliticalTheory.into()).expect("list");
        assert_eq!(theory.entries[3].label, "Cao cấp");
        for kind in [0, 99] {
            let Err(ApiError::InvalidArgument(violations)) = reference_list(kind) else {
                panic!("kind {kind} must be refused")
            };
            assert_eq!(violations[0].field, "kind");
        }
    }

    #[test]
    fn province_names_parse() {
        assert_eq!(
            parse_province("name", "provinces/15").ok().as_deref(),
            Some("15")
        );
        assert!(parse_province("name", "provinces/150").is_err());
        assert!(parse_province("name", "communes/02680").is_err());
    }
}
