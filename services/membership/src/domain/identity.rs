//! Identity conflicts: two member records holding one citizen ID because the later one was
//! written by a caller who could not see the earlier one. The write went ahead as if the ID were
//! free (an ALREADY_EXISTS would have told the caller that the ID belongs to a member somewhere
//! else), and the pair waits for review by an office whose scope covers both records.

/// The field two records share in every conflict recorded so far.
pub const CITIZEN_ID_FIELD: &str = "citizen_id";

/// Reason of a RESOLVED closing while the two records still share the citizen ID.
pub const IDENTITY_STILL_SHARED: &str = "IDENTITY_STILL_SHARED";
/// Reason of a closing of a conflict that is already closed.
pub const CONFLICT_ALREADY_CLOSED: &str = "CONFLICT_ALREADY_CLOSED";

named_enum!(
    /// Where the review of a conflict stands.
    ConflictState {
        /// Waiting for review.
        Open = "IDENTITY_CONFLICT_STATE_OPEN",
        /// Closed: the records no longer share the citizen ID.
        Resolved = "IDENTITY_CONFLICT_STATE_RESOLVED",
        /// Closed without a correction, for the reason in the note.
        Dismissed = "IDENTITY_CONFLICT_STATE_DISMISSED",
    }
);

/// A conflict as it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConflict {
    /// The record written with the citizen ID.
    pub member_id: i64,
    /// The record that already held it.
    pub existing_member_id: i64,
    /// The method that wrote `member_id`, for example `CreateMember`.
    pub method: &'static str,
    /// The subject of the token that wrote it.
    pub writer: String,
}

/// A queued conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityConflict {
    /// Its id: `identityConflicts/{id}`.
    pub id: i64,
    /// The record written with the citizen ID.
    pub member_id: i64,
    /// The record that already held it.
    pub existing_member_id: i64,
    /// The field shared.
    pub field: String,
    /// The method that wrote `member_id`.
    pub method: String,
    /// The subject of the token that wrote it.
    pub writer: String,
    /// Review state.
    pub state: ConflictState,
    /// The reviewer's note.
    pub note: String,
    /// The subject of the token that closed it; empty while open.
    pub resolved_by: String,
    /// When it was queued, µs.
    pub create_time_us: i64,
    /// When it was closed, µs.
    pub resolve_time_us: Option<i64>,
}

/// The resource name of conflict `id`.
pub fn conflict_name(id: i64) -> String {
    format!("identityConflicts/{id}")
}

/// The id in a conflict's resource name; `None` when `name` is not one.
pub fn parse_conflict_name(name: &str) -> Option<i64> {
    let id = name.strip_prefix("identityConflicts/")?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_names_round_trip_and_refuse_anything_else() {
        assert_eq!(parse_conflict_name(&conflict_name(42)), Some(42));
        for bad in [
            "",
            "identityConflicts/",
            "identityConflicts/0",
            "identityConflicts/-1",
            "identityConflicts/1a",
            "members/1",
            "identityConflicts/99999999999999999999",
        ] {
            assert_eq!(parse_conflict_name(bad), None, "{bad}");
        }
    }
}
