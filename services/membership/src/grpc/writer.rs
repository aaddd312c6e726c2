//! The citizen-ID checks' side of the handlers: the [`Writer`] of a call (its caller's scope, read
//! once with the province merges) and the audit entry of each identity conflict it queued.

use partyregistry_kit::audit::AuditRecord;
use partyregistry_kit::auth::Caller;
use partyregistry_kit::error::ApiError;
use partyregistry_vocab::names;

use crate::authz::{Authz, Grant, follow};
use crate::domain::identity::conflict_name;
use crate::service::Writer;

/// The detail of the audit entry of a queued conflict.
pub const QUEUED_DETAIL: &str = "identity conflict queued for review: citizen_id";

/// Whether `caller` sees a commune (code, province as stored), with the province merges read once.
pub(super) async fn scope_of(
    authz: &Authz,
    caller: &Caller,
) -> Result<impl Fn(&str, &str) -> bool + Send + Sync + 'static, ApiError> {
    // Only a caller scoped to provinces needs the merges; the others are not made to read them.
    let successors = if caller.national || caller.provinces.is_empty() {
        None
    } else {
        Some(authz.province_successors().await?)
    };
    let caller = caller.clone();
    Ok(move |commune: &str, province: &str| {
        caller.national
            || caller.communes.contains(commune)
            || successors
                .as_ref()
                .is_some_and(|s| caller.provinces.contains(&follow(s, province)))
    })
}

/// The writer of a call to `method` (its short name) by the caller `grant` admitted.
pub(crate) async fn writer_of(
    authz: &Authz,
    grant: &Grant,
    method: &'static str,
) -> Result<Writer, ApiError> {
    let sees = scope_of(authz, &grant.caller).await?;
    Ok(Writer::new(&grant.caller.subject, method, sees))
}

/// Writes an audit entry for each conflict `writer` queued, naming the conflict and both records.
/// The answer does not wait for them: a call that met a record outside its scope must not take
/// longer than one with a free ID. They join the call's own entry in the writer's next commit.
pub(crate) fn audit_queued(authz: &Authz, grant: &Grant, writer: &Writer) {
    let conflicts = writer.queued();
    if conflicts.is_empty() {
        return;
    }
    let audit = authz.audit().clone();
    let (subject, method) = (grant.caller.subject.clone(), grant.method.to_owned());
    tokio::spawn(async move {
        for conflict in conflicts {
            audit
                .record(AuditRecord {
                    subject: subject.clone(),
                    method: method.clone(),
                    resources: vec![
                        conflict_name(conflict.id),
                        names::member(conflict.member_id),
                        names::member(conflict.existing_member_id),
                    ],
                    personal_fields: false,
                    outcome: "OK".to_owned(),
                    detail: QUEUED_DETAIL.to_owned(),
                })
                .await;
        }
    });
}
