//! The review queue's two handlers, `ListIdentityConflicts` and `ResolveIdentityConflict`. Their rule scopes are `Filtered`: a
//! conflict names two members, and the handlers keep only the conflicts whose two records both
//! lie in the caller's scope; one outside it is refused like one that does not exist.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;

use super::writer::scope_of;
use super::{MembershipApi, short_text};
use crate::authz::{Grant, OUT_OF_SCOPE};
use crate::convert::identity::{conflict_to_proto, state_from_proto};
use crate::domain::identity::{ConflictState, conflict_name, parse_conflict_name};
use crate::service::Writer;
use crate::store::{PlacedConflict, effective_page_size};

/// `k{id}`: the position after conflict `id` in the newest-first order.
fn page_token(id: i64) -> String {
    format!("k{id}")
}

fn parse_page_token(token: &str) -> Result<i64, ApiError> {
    if token.is_empty() {
        return Ok(i64::MAX);
    }
    token
        .strip_prefix('k')
        .filter(|id| !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| ApiError::invalid("page_token", "is not a token returned by this method"))
}

/// Whether `sees` covers both records of `placed`.
fn covers_both(sees: &impl Fn(&str, &str) -> bool, placed: &PlacedConflict) -> bool {
    let (member, existing) = (&placed.member_place, &placed.existing_place);
    sees(&member.0, &member.1) && sees(&existing.0, &existing.1)
}

impl MembershipApi {
    /// Reads pages of the queue, newest first, keeping what the caller covers, until the page is
    /// full; the token continues after the last conflict returned.
    pub(super) async fn list_identity_conflicts_impl(
        &self,
        request: pb::ListIdentityConflictsRequest,
        grant: &Grant,
    ) -> Result<pb::ListIdentityConflictsResponse, ApiError> {
        let size = effective_page_size(request.page_size)?;
        let mut before = parse_page_token(&request.page_token)?;
        let state = state_from_proto(request.state, "state", true)?;
        let sees = scope_of(&self.authz, &grant.caller).await?;
        let mut kept = Vec::new();
        let mut more = false;
        'pages: loop {
            let page = self
                .membership
                .identity_conflicts(state, before, size)
                .await?;
            let full = page.len() as i64 == size;
            for placed in page {
                before = placed.conflict.id;
                if covers_both(&sees, &placed) {
                    if kept.len() as i64 == size {
                        more = true;
                        break 'pages;
                    }
                    kept.push(placed.conflict);
                }
            }
            if !full {
                break;
            }
        }
        let next_page_token = match kept.last() {
            Some(last) if more => page_token(last.id),
            _ => String::new(),
        };
        Ok(pb::ListIdentityConflictsResponse {
            identity_conflicts: kept.iter().map(conflict_to_proto).collect(),
            next_page_token,
        })
    }

    /// A scoped caller hears PERMISSION_DENIED for a name it cannot read, a conflict that does
    /// not exist and one it does not cover alike, before anything else of the request is checked.
    pub(super) async fn resolve_identity_conflict_impl(
        &self,
        request: pb::ResolveIdentityConflictRequest,
        grant: &Grant,
    ) -> Result<pb::IdentityConflict, ApiError> {
        let national = grant.caller.national;
        let out_of_scope = || ApiError::PermissionDenied(OUT_OF_SCOPE.to_owned());
        let id = match parse_conflict_name(&request.name) {
            Some(id) => id,
            None if national => {
                return Err(ApiError::invalid(
                    "name",
                    "must be identityConflicts/{conflict_id}",
                ));
            }
            None => return Err(out_of_scope()),
        };
        let sees = scope_of(&self.authz, &grant.caller).await?;
        match self.membership.identity_conflict(id).await? {
            Some(placed) if covers_both(&sees, &placed) => {}
            _ if !national => return Err(out_of_scope()),
            Some(_) => {}
            None => {
                return Err(ApiError::NotFound {
                    resource_type: "partyregistry.membership.v1.IdentityConflict",
                    name: conflict_name(id),
                });
            }
        }
        let resolution = match state_from_proto(request.resolution, "resolution", false)? {
            Some(state @ (ConflictState::Resolved | ConflictState::Dismissed)) => state,
            _ => {
                return Err(ApiError::invalid(
                    "resolution",
                    "must be IDENTITY_CONFLICT_STATE_RESOLVED or IDENTITY_CONFLICT_STATE_DISMISSED",
                ));
            }
        };
        let note = short_text(
            "note",
            &request.note,
            500,
            resolution == ConflictState::Dismissed,
        )?;
        let writer = Writer::new(&grant.caller.subject, "ResolveIdentityConflict", sees);
        let placed = self
            .membership
            .resolve_identity_conflict(id, resolution, &note, &writer)
            .await?;
        Ok(conflict_to_proto(&placed.conflict))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_refuse_anything_else() {
        assert_eq!(parse_page_token("").ok(), Some(i64::MAX));
        assert_eq!(parse_page_token(&page_token(17)).ok(), Some(17));
        for bad in ["k", "17", "k-1", "kx", "k9999999999999999999"] {
            assert!(parse_page_token(bad).is_err(), "{bad}");
        }
    }
}
