//! `AuditApi`: the audit trail of this server, for callers with the `admin` right.

use std::pin::Pin;

use partyregistry_kit::error::ApiError;
use partyregistry_proto::audit::v1 as audit_pb;
use partyregistry_proto::audit::v1::audit_service_server::AuditService;
use tonic::{Request, Response, Status};

use crate::authz::{Authz, Grant};

/// The audit service's gRPC handler.
#[derive(Debug, Clone)]
pub struct AuditApi {
    authz: Authz,
}

impl AuditApi {
    /// Reads the audit log `authz` writes.
    pub fn new(authz: Authz) -> Self {
        Self { authz }
    }

    async fn list_audit_entries_impl(
        &self,
        request: audit_pb::ListAuditEntriesRequest,
        _grant: &Grant,
    ) -> Result<audit_pb::ListAuditEntriesResponse, ApiError> {
        self.authz.audit().list(&request).await
    }

    async fn verify_audit_trail_impl(
        &self,
        _request: audit_pb::VerifyAuditTrailRequest,
        _grant: &Grant,
    ) -> Result<audit_pb::VerifyAuditTrailResponse, ApiError> {
        Ok(self.authz.audit().verify().await?.to_proto())
    }
}

#[tonic::async_trait]
impl AuditService for AuditApi {
    handlers! {
        list_audit_entries["/partyregistry.audit.v1.AuditService/ListAuditEntries"](audit_pb::ListAuditEntriesRequest) -> audit_pb::ListAuditEntriesResponse => list_audit_entries_impl;
        verify_audit_trail["/partyregistry.audit.v1.AuditService/VerifyAuditTrail"](audit_pb::VerifyAuditTrailRequest) -> audit_pb::VerifyAuditTrailResponse => verify_audit_trail_impl;
    }
}
