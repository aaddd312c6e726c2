//! The gRPC face of the reporting service: thin handlers that validate the request, read the
//! facts from the store and hand them to [`crate::reports`]. Every error leaves as an
//! [`ApiError`] mapped to a status with `google.rpc` details.

use std::sync::Arc;

use chrono::NaiveDate;
use partyregistry_kit::date;
use partyregistry_kit::db::now_micros;
use partyregistry_kit::error::ApiError;
use partyregistry_kit::names;
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
use partyregistry_proto::reporting::v1::{
    AdmissionsReport, CommuneReport, Freshness, GetAdmissionsReportRequest,
    GetCommuneReportRequest, GetFreshnessRequest,
};
use tonic::{Request, Response, Status};

use crate::consumer::FeedState;
use crate::reports;
use crate::store::{Store, StoredCursor};

/// The `ErrorInfo` domain of this service's errors.
pub const ERROR_DOMAIN: &str = "reporting.partyregistry";

/// The resource type named by NOT_FOUND for an unknown commune.
const COMMUNE_TYPE: &str = "partyregistry.membership.v1.Commune";

/// The handlers of `partyregistry.reporting.v1.ReportingService`.
#[derive(Debug, Clone)]
pub struct ReportingApi {
    store: Store,
    feed: Arc<FeedState>,
}

impl ReportingApi {
    /// Handlers reading `store`, reporting the consumer's `feed` state in freshness figures.
    pub fn new(store: Store, feed: Arc<FeedState>) -> Self {
        Self { store, feed }
    }

    fn freshness_of(&self, cursor: &StoredCursor) -> Freshness {
        let mut contact = self.feed.contact();
        // The stored head survives restarts; the in-memory one is newer while running.
        contact.head_sequence = contact.head_sequence.max(cursor.head_sequence);
        reports::freshness(cursor.position, contact, now_micros())
    }

    async fn commune_report(
        &self,
        request: GetCommuneReportRequest,
    ) -> Result<CommuneReport, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let as_of = if request.as_of_date.is_empty() {
            date::today_in_vietnam()
        } else {
            date::parse(&request.as_of_date)
                .map_err(|error| ApiError::invalid("as_of_date", error.to_string()))?
        };
        let snapshot = self
            .store
            .commune_snapshot(&code, as_of)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                resource_type: COMMUNE_TYPE,
                name: request.commune.clone(),
            })?;
        Ok(reports::commune_report(
            &snapshot.facts,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn admissions_report(
        &self,
        request: GetAdmissionsReportRequest,
    ) -> Result<AdmissionsReport, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let (first_year, last_year) = reports::admissions_years(
            request.first_year,
            request.last_year,
            date::today_in_vietnam(),
        )
        .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let first_day = year_bound(first_year, 1, 1)?;
        let last_day = year_bound(last_year, 12, 31)?;
        let snapshot = self
            .store
            .admissions_snapshot(&code, first_day, last_day)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                resource_type: COMMUNE_TYPE,
                name: request.commune.clone(),
            })?;
        Ok(AdmissionsReport {
            commune: names::commune(&code),
            years: reports::admissions_by_year(first_year, last_year, &snapshot.monthly),
            freshness: Some(self.freshness_of(&snapshot.cursor)),
        })
    }

    async fn freshness(&self) -> Result<Freshness, ApiError> {
        let cursor = self.store.cursor().await?;
        Ok(self.freshness_of(&cursor))
    }
}

/// The first or last day of a year already checked to lie in 1900..=2200.
fn year_bound(year: i32, month: u32, day: u32) -> Result<NaiveDate, ApiError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| ApiError::Internal(format!("year {year} out of range")))
}

#[tonic::async_trait]
impl ReportingService for ReportingApi {
    async fn get_commune_report(
        &self,
        request: Request<GetCommuneReportRequest>,
    ) -> Result<Response<CommuneReport>, Status> {
        self.commune_report(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn get_admissions_report(
        &self,
        request: Request<GetAdmissionsReportRequest>,
    ) -> Result<Response<AdmissionsReport>, Status> {
        self.admissions_report(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn get_freshness(
        &self,
        _request: Request<GetFreshnessRequest>,
    ) -> Result<Response<Freshness>, Status> {
        self.freshness()
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }
}
