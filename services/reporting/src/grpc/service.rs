//! The gRPC services: `ReportingService` and `AuditService`, each call passing through
//! [`Access::answer`] (authorisation before anything else, small-cell suppression, audit) to the
//! report behind it in [`ReportingApi`], or to the export.

use partyregistry_proto::audit::v1::audit_service_server::AuditService;
use partyregistry_proto::audit::v1::{
    ListAuditEntriesRequest, ListAuditEntriesResponse, VerifyAuditTrailRequest,
    VerifyAuditTrailResponse,
};
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, CellHealth, CellRatingSummary, CommuneReport,
    ExportReportRequest, Freshness, GetAdmissionProgressRequest, GetAdmissionsReportRequest,
    GetCellHealthRequest, GetCellRatingSummaryRequest, GetCommuneReportRequest,
    GetFreshnessRequest, GetMonthlyBriefingRequest, GetMovementsRequest, GetPipelineRequest,
    GetStatisticsRequest, ListBadgesDueRequest, ListBadgesDueResponse, ListDeadlinesRequest,
    ListDeadlinesResponse, MonthlyBriefing, Movements, Pipeline, RankCommunesRequest,
    RankCommunesResponse, Statistics,
};
use tonic::{Request, Response, Status};

use crate::grpc::access::{self, Access};
use crate::grpc::api::ReportingApi;
use crate::grpc::export;

#[tonic::async_trait]
impl ReportingService for ReportingApi {
    async fn get_commune_report(
        &self,
        request: Request<GetCommuneReportRequest>,
    ) -> Result<Response<CommuneReport>, Status> {
        self.access()
            .answer(access::GET_COMMUNE_REPORT, request, |request| {
                self.commune_report(request)
            })
            .await
    }

    async fn get_admissions_report(
        &self,
        request: Request<GetAdmissionsReportRequest>,
    ) -> Result<Response<AdmissionsReport>, Status> {
        self.access()
            .answer(access::GET_ADMISSIONS_REPORT, request, |request| {
                self.admissions_report(request)
            })
            .await
    }

    async fn get_freshness(
        &self,
        request: Request<GetFreshnessRequest>,
    ) -> Result<Response<Freshness>, Status> {
        self.access()
            .answer(access::GET_FRESHNESS, request, |_| self.freshness())
            .await
    }

    async fn get_admission_progress(
        &self,
        request: Request<GetAdmissionProgressRequest>,
    ) -> Result<Response<AdmissionProgress>, Status> {
        self.access()
            .answer(access::GET_ADMISSION_PROGRESS, request, |request| {
                self.admission_progress(request)
            })
            .await
    }

    async fn get_pipeline(
        &self,
        request: Request<GetPipelineRequest>,
    ) -> Result<Response<Pipeline>, Status> {
        self.access()
            .answer(access::GET_PIPELINE, request, |request| {
                self.pipeline(request)
            })
            .await
    }

    async fn get_cell_rating_summary(
        &self,
        request: Request<GetCellRatingSummaryRequest>,
    ) -> Result<Response<CellRatingSummary>, Status> {
        self.access()
            .answer(access::GET_CELL_RATING_SUMMARY, request, |request| {
                self.cell_rating_summary(request)
            })
            .await
    }

    async fn get_cell_health(
        &self,
        request: Request<GetCellHealthRequest>,
    ) -> Result<Response<CellHealth>, Status> {
        self.access()
            .answer(access::GET_CELL_HEALTH, request, |request| {
                self.cell_health(request)
            })
            .await
    }

    async fn list_deadlines(
        &self,
        request: Request<ListDeadlinesRequest>,
    ) -> Result<Response<ListDeadlinesResponse>, Status> {
        self.access()
            .answer(access::LIST_DEADLINES, request, |request| {
                self.deadlines(request)
            })
            .await
    }

    async fn get_statistics(
        &self,
        request: Request<GetStatisticsRequest>,
    ) -> Result<Response<Statistics>, Status> {
        self.access()
            .answer(access::GET_STATISTICS, request, |request| {
                self.statistics(request)
            })
            .await
    }

    async fn get_movements(
        &self,
        request: Request<GetMovementsRequest>,
    ) -> Result<Response<Movements>, Status> {
        self.access()
            .answer(access::GET_MOVEMENTS, request, |request| {
                self.movements(request)
            })
            .await
    }

    async fn list_badges_due(
        &self,
        request: Request<ListBadgesDueRequest>,
    ) -> Result<Response<ListBadgesDueResponse>, Status> {
        self.access()
            .answer(access::LIST_BADGES_DUE, request, |request| {
                self.badges_due(request)
            })
            .await
    }

    async fn rank_communes(
        &self,
        request: Request<RankCommunesRequest>,
    ) -> Result<Response<RankCommunesResponse>, Status> {
        self.access()
            .answer(access::RANK_COMMUNES, request, |request| {
                self.ranking(request)
            })
            .await
    }

    type ExportReportStream = export::ExportStream;
    async fn export_report(
        &self,
        request: Request<ExportReportRequest>,
    ) -> Result<Response<Self::ExportReportStream>, Status> {
        export::export(self, request).await
    }

    async fn get_monthly_briefing(
        &self,
        request: Request<GetMonthlyBriefingRequest>,
    ) -> Result<Response<MonthlyBriefing>, Status> {
        self.access()
            .answer(access::GET_MONTHLY_BRIEFING, request, |request| {
                self.monthly_briefing(request)
            })
            .await
    }
}

/// The handlers of `partyregistry.audit.v1.AuditService` over this server's audit trail.
#[derive(Debug, Clone)]
pub struct AuditApi {
    access: Access,
}

impl AuditApi {
    /// Reads the trail `access` writes, deciding and auditing through it too.
    pub fn new(access: Access) -> Self {
        Self { access }
    }
}

#[tonic::async_trait]
impl AuditService for AuditApi {
    async fn list_audit_entries(
        &self,
        request: Request<ListAuditEntriesRequest>,
    ) -> Result<Response<ListAuditEntriesResponse>, Status> {
        let log = self.access.audit_log();
        self.access
            .answer(access::LIST_AUDIT_ENTRIES, request, |request| async move {
                log.list(&request).await
            })
            .await
    }

    async fn verify_audit_trail(
        &self,
        request: Request<VerifyAuditTrailRequest>,
    ) -> Result<Response<VerifyAuditTrailResponse>, Status> {
        let log = self.access.audit_log();
        self.access
            .answer(access::VERIFY_AUDIT_TRAIL, request, |_request| async move {
                Ok(log.verify().await?.to_proto())
            })
            .await
    }
}
