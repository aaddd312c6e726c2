//! Communes and cells: their contract messages, validated into the domain and back, and the
//! fields a masked update may change.

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date::{self};
use partyregistry_vocab::names;

use crate::domain::{AreaFlag, AreaKind, Cell, CellKind, Commune};
use crate::store::{CellRecord, CommuneRecord};

use super::{enum_field, optional_date, proto_enum, required_date, text_field};

/// Validates a commune from a request. `code` comes from the request or the resource name.
pub fn commune_from_proto(commune: &pb::Commune, code: &str) -> Result<Commune, ApiError> {
    let mut v = Violations::new();
    if !names::is_commune_code(code) {
        v.add("commune.code", "must be 5 digits");
    }
    let display_name = text_field(
        &mut v,
        "commune.display_name",
        &commune.display_name,
        100,
        true,
    );
    let province_code = commune.province_code.trim().to_owned();
    if province_code.len() != 2 || !province_code.bytes().all(|b| b.is_ascii_digit()) {
        v.add("commune.province_code", "must be 2 digits");
    }
    let valid_from = required_date(&mut v, "commune.valid_from", &commune.valid_from);
    let valid_to = optional_date(&mut v, "commune.valid_to", &commune.valid_to);
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        v.add("commune.valid_to", "must not be before valid_from");
    }
    let mut area_flags = Vec::new();
    for (i, flag) in commune.area_flags.iter().enumerate() {
        let field = format!("commune.area_flags[{i}]");
        let kind = enum_field(
            &mut v,
            &format!("{field}.kind"),
            flag.kind,
            None,
            pb::AreaKind::as_str_name,
            AreaKind::from_name,
        );
        let from = required_date(&mut v, &format!("{field}.valid_from"), &flag.valid_from);
        let to = optional_date(&mut v, &format!("{field}.valid_to"), &flag.valid_to);
        if let (Some(kind), Some(valid_from)) = (kind, from) {
            if to.is_some_and(|to| to < valid_from) {
                v.add(format!("{field}.valid_to"), "must not be before valid_from");
            }
            area_flags.push(AreaFlag {
                kind,
                valid_from,
                valid_to: to,
            });
        }
    }
    v.finish()?;
    Ok(Commune {
        code: code.to_owned(),
        display_name,
        province_code,
        valid_from: valid_from.unwrap_or_default(),
        valid_to,
        area_flags,
    })
}

/// The proto of a stored commune.
pub fn commune_to_proto(record: &CommuneRecord) -> pb::Commune {
    let c = &record.commune;
    pb::Commune {
        name: names::commune(&c.code),
        code: c.code.clone(),
        display_name: c.display_name.clone(),
        province_code: c.province_code.clone(),
        valid_from: date::format(c.valid_from),
        valid_to: date::format_optional(c.valid_to),
        area_flags: c
            .area_flags
            .iter()
            .map(|f| pb::AreaFlag {
                kind: proto_enum(pb::AreaKind::from_str_name, f.kind.name()) as i32,
                valid_from: date::format(f.valid_from),
                valid_to: date::format_optional(f.valid_to),
            })
            .collect(),
        etag: record.version.to_string(),
        create_time: Some(timestamp(record.create_time_us)),
        update_time: Some(timestamp(record.update_time_us)),
        // Filled where the merges are at hand (GetCommune, ListCommunes); not part of the record.
        current_province_code: String::new(),
    }
}

/// Validates a cell from a request.
pub fn cell_from_proto(
    cell: &pb::Cell,
    commune_code: &str,
    cell_id: &str,
) -> Result<Cell, ApiError> {
    let mut v = Violations::new();
    let display_name = text_field(&mut v, "cell.display_name", &cell.display_name, 100, true);
    let kind = enum_field(
        &mut v,
        "cell.kind",
        cell.kind,
        None,
        pb::CellKind::as_str_name,
        CellKind::from_name,
    );
    let open_date = required_date(&mut v, "cell.open_date", &cell.open_date);
    let close_date = optional_date(&mut v, "cell.close_date", &cell.close_date);
    if let (Some(open), Some(close)) = (open_date, close_date)
        && close < open
    {
        v.add("cell.close_date", "must not be before open_date");
    }
    v.finish()?;
    Ok(Cell {
        commune_code: commune_code.to_owned(),
        cell_id: cell_id.to_owned(),
        display_name,
        kind: kind.unwrap_or(CellKind::Other),
        open_date: open_date.unwrap_or_default(),
        close_date,
    })
}

/// The proto of a stored cell.
pub fn cell_to_proto(record: &CellRecord) -> pb::Cell {
    let c = &record.cell;
    pb::Cell {
        name: names::cell(&c.commune_code, &c.cell_id),
        display_name: c.display_name.clone(),
        kind: proto_enum(pb::CellKind::from_str_name, c.kind.name()) as i32,
        open_date: date::format(c.open_date),
        close_date: date::format_optional(c.close_date),
        etag: record.version.to_string(),
        create_time: Some(timestamp(record.create_time_us)),
        update_time: Some(timestamp(record.update_time_us)),
    }
}

updatable_fields! {
    /// Updatable commune fields.
    COMMUNE_UPDATABLE, merge_commune_fields: pb::Commune {
        display_name: clone,
        province_code: clone,
        valid_from: clone,
        valid_to: clone,
        area_flags: clone,
    }
}

/// Copies the masked fields of `update` onto `current`.
pub fn merge_commune(current: &mut pb::Commune, update: &pb::Commune, paths: &[&str]) {
    merge_commune_fields(current, update, paths);
}

updatable_fields! {
    /// Updatable cell fields.
    CELL_UPDATABLE, merge_cell_fields: pb::Cell {
        display_name: clone,
        kind: copy,
        open_date: clone,
        close_date: clone,
    }
}

/// Copies the masked fields of `update` onto `current`.
pub fn merge_cell(current: &mut pb::Cell, update: &pb::Cell, paths: &[&str]) {
    merge_cell_fields(current, update, paths);
}
