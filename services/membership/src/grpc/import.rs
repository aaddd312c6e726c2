//! `ImportRoster`: the thin handler of the roster import. It checks the call as a whole (an import
//! id, a batch of bounded size), validates each row into the service's rows
//! ([`crate::convert::import`]), hands the batch to [`Membership::import_roster`] with the
//! caller's scope (its [`crate::service::Writer`]) and its tenant, and shows the report. A bad row is a result of
//! the call, never its error.

use partyregistry_kit::auth::Caller;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date;

use super::{MembershipApi, short_text};
use crate::authz::Grant;
use crate::convert::import::{import_cell, import_commune, import_member, import_report_to_proto};
use crate::service::ImportBatch;

/// Most rows (communes, cells and members together) one call may carry: a batch is one
/// transaction, and a client sends a large file in many batches.
pub const MAX_BATCH_ROWS: usize = 20_000;

/// The tenant of a caller's imports: rows are already imported only for the same scope, so that
/// two provinces choosing the same import id never meet.
fn tenant(caller: &Caller) -> String {
    if caller.national {
        return "national".to_owned();
    }
    let join = |codes: &std::collections::BTreeSet<String>| {
        codes.iter().cloned().collect::<Vec<_>>().join(",")
    };
    format!(
        "provinces={};communes={}",
        join(&caller.provinces),
        join(&caller.communes)
    )
}

impl MembershipApi {
    pub(super) async fn import_roster_impl(
        &self,
        request: pb::ImportRosterRequest,
        grant: &Grant,
    ) -> Result<pb::ImportRosterResponse, ApiError> {
        let import_id = short_text("import_id", &request.import_id, 100, true)?;
        let rows = request.communes.len() + request.cells.len() + request.members.len();
        if rows > MAX_BATCH_ROWS {
            return Err(ApiError::invalid(
                "members",
                format!("a batch holds at most {MAX_BATCH_ROWS} rows; send the file in batches"),
            ));
        }
        let today = date::today_in_vietnam();
        let batch = ImportBatch {
            import_id,
            tenant: tenant(&grant.caller),
            dry_run: request.dry_run,
            communes: request.communes.iter().map(import_commune).collect(),
            cells: request.cells.iter().map(import_cell).collect(),
            members: request
                .members
                .iter()
                .map(|row| {
                    let mut row = row.clone();
                    if let Some(member) = row.member.as_mut() {
                        self.membership
                            .bare_ethnicity_codes()
                            .qualify(&member.ethnicity_code, &mut member.ethnicity_code_system);
                    }
                    import_member(&row, today)
                })
                .collect(),
        };
        let writer = super::writer::writer_of(&self.authz, grant, "ImportRoster").await?;
        let report = self.membership.import_roster(batch, &writer).await?;
        super::writer::audit_queued(&self.authz, grant, &writer);
        Ok(import_report_to_proto(&report))
    }
}
