//! Identity conflicts ⇄ the contract: the stored conflict as `IdentityConflict`, and the states
//! a request names.

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::names;

use crate::domain::identity::{ConflictState, IdentityConflict, conflict_name};

/// The contract form of `conflict`.
pub fn conflict_to_proto(conflict: &IdentityConflict) -> pb::IdentityConflict {
    let state = match conflict.state {
        ConflictState::Open => pb::IdentityConflictState::Open,
        ConflictState::Resolved => pb::IdentityConflictState::Resolved,
        ConflictState::Dismissed => pb::IdentityConflictState::Dismissed,
    };
    pb::IdentityConflict {
        name: conflict_name(conflict.id),
        member: names::member(conflict.member_id),
        existing_member: names::member(conflict.existing_member_id),
        field: conflict.field.clone(),
        method: conflict.method.clone(),
        writer: conflict.writer.clone(),
        state: state.into(),
        note: conflict.note.clone(),
        resolved_by: conflict.resolved_by.clone(),
        create_time: Some(timestamp(conflict.create_time_us)),
        resolve_time: conflict.resolve_time_us.map(timestamp),
    }
}

/// The state a request names in `field`: `None` for unspecified when `optional`.
pub fn state_from_proto(
    value: i32,
    field: &str,
    optional: bool,
) -> Result<Option<ConflictState>, ApiError> {
    match pb::IdentityConflictState::try_from(value) {
        Ok(pb::IdentityConflictState::Unspecified) if optional => Ok(None),
        Ok(pb::IdentityConflictState::Open) => Ok(Some(ConflictState::Open)),
        Ok(pb::IdentityConflictState::Resolved) => Ok(Some(ConflictState::Resolved)),
        Ok(pb::IdentityConflictState::Dismissed) => Ok(Some(ConflictState::Dismissed)),
        _ => Err(ApiError::invalid(
            field,
            "must be one of the IdentityConflictState values",
        )),
    }
}
