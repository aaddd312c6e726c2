//! The gRPC face of the reporting service: thin handlers that validate the request, read the
//! facts from the store and hand them to [`crate::reports`]. Every error leaves as an
//! [`ApiError`] mapped to a status with `google.rpc` details.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use partyregistry_kit::date::{self, Date};
use partyregistry_kit::db::now_micros;
use partyregistry_kit::error::ApiError;
use partyregistry_kit::names;
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, CellHealth, CellRatingSummary, CommuneReport, Freshness,
    GetAdmissionProgressRequest, GetAdmissionsReportRequest, GetCellHealthRequest,
    GetCellRatingSummaryRequest, GetCommuneReportRequest, GetFreshnessRequest,
    GetMonthlyBriefingRequest, GetPipelineRequest, ListDeadlinesRequest, ListDeadlinesResponse,
    MonthlyBriefing, Pipeline,
};
use tonic::{Request, Response, Status};

use crate::admission_reports::{self, HealthThresholds};
use crate::consumer::FeedState;
use crate::reports;
use crate::store::{AdmissionSnapshot, AdmissionWindow, Store, StoredCursor};

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

    /// Reads the admission facts of the commune named `commune` (already parsed to `code`).
    async fn admission_snapshot(
        &self,
        commune: &str,
        code: &str,
        window: AdmissionWindow,
    ) -> Result<AdmissionSnapshot, ApiError> {
        self.store
            .admission_snapshot(code, window)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                resource_type: COMMUNE_TYPE,
                name: commune.to_owned(),
            })
    }

    async fn admission_progress(
        &self,
        request: GetAdmissionProgressRequest,
    ) -> Result<AdmissionProgress, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let as_of = day_or_today("as_of_date", &request.as_of_date)?;
        let (year, as_of) = admission_reports::progress_period(request.year, as_of)
            .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let window = AdmissionWindow {
            roll_day: as_of,
            admissions_from: year_bound(year, 1, 1)?,
            admissions_to: as_of,
        };
        let snapshot = self
            .admission_snapshot(&request.commune, &code, window)
            .await?;
        Ok(admission_reports::admission_progress(
            &snapshot.facts,
            year,
            as_of,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn pipeline(&self, request: GetPipelineRequest) -> Result<Pipeline, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let as_of = day_or_today("as_of_date", &request.as_of_date)?;
        let snapshot = self
            .admission_snapshot(&request.commune, &code, on_day(as_of))
            .await?;
        Ok(admission_reports::pipeline(
            &snapshot.facts,
            as_of,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn cell_rating_summary(
        &self,
        request: GetCellRatingSummaryRequest,
    ) -> Result<CellRatingSummary, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let year = admission_reports::rating_year(request.year)
            .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let snapshot = self
            .admission_snapshot(&request.commune, &code, on_day(year_bound(year, 12, 31)?))
            .await?;
        Ok(admission_reports::cell_rating_summary(
            &snapshot.facts,
            year,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn cell_health(&self, request: GetCellHealthRequest) -> Result<CellHealth, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let as_of = day_or_today("as_of_date", &request.as_of_date)?;
        let thresholds = HealthThresholds::from_request(
            request.years_without_admission,
            request.seconded_percent,
            request.ageing_age,
        )
        .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let snapshot = self
            .admission_snapshot(&request.commune, &code, on_day(as_of))
            .await?;
        Ok(admission_reports::cell_health(
            &snapshot.facts,
            as_of,
            thresholds,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn deadlines(
        &self,
        request: ListDeadlinesRequest,
    ) -> Result<ListDeadlinesResponse, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let as_of = day_or_today("as_of_date", &request.as_of_date)?;
        let until = if request.until_date.is_empty() {
            as_of
        } else {
            parse_day("until_date", &request.until_date)?
        };
        if until < as_of {
            return Err(ApiError::invalid(
                "until_date",
                "must not be before as_of_date",
            ));
        }
        let snapshot = self
            .admission_snapshot(&request.commune, &code, on_day(as_of))
            .await?;
        Ok(admission_reports::deadlines(
            &snapshot.facts,
            as_of,
            until,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn monthly_briefing(
        &self,
        request: GetMonthlyBriefingRequest,
    ) -> Result<MonthlyBriefing, ApiError> {
        let code = names::parse_commune("commune", &request.commune)?;
        let month = if request.month.is_empty() {
            date::today_in_vietnam().format("%Y-%m").to_string()
        } else {
            request.month.clone()
        };
        let (first_day, last_day) = admission_reports::parse_month(&month)
            .map_err(|description| ApiError::invalid("month", description))?;
        let window = AdmissionWindow {
            roll_day: first_day,
            admissions_from: year_bound(first_day.year(), 1, 1)?,
            admissions_to: first_day,
        };
        let snapshot = self
            .admission_snapshot(&request.commune, &code, window)
            .await?;
        Ok(admission_reports::monthly_briefing(
            &snapshot.facts,
            first_day,
            last_day,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    async fn freshness(&self) -> Result<Freshness, ApiError> {
        let cursor = self.store.cursor().await?;
        Ok(self.freshness_of(&cursor))
    }
}

/// Parses a required day, naming `field` on failure.
fn parse_day(field: &str, text: &str) -> Result<Date, ApiError> {
    date::parse(text).map_err(|error| ApiError::invalid(field, error.to_string()))
}

/// Parses an optional day; empty means today in Vietnam.
fn day_or_today(field: &str, text: &str) -> Result<Date, ApiError> {
    if text.is_empty() {
        Ok(date::today_in_vietnam())
    } else {
        parse_day(field, text)
    }
}

/// The window of a report that counts no admissions: rolls on `day`.
fn on_day(day: Date) -> AdmissionWindow {
    AdmissionWindow {
        roll_day: day,
        admissions_from: day,
        admissions_to: day,
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

    async fn get_admission_progress(
        &self,
        request: Request<GetAdmissionProgressRequest>,
    ) -> Result<Response<AdmissionProgress>, Status> {
        self.admission_progress(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn get_pipeline(
        &self,
        request: Request<GetPipelineRequest>,
    ) -> Result<Response<Pipeline>, Status> {
        self.pipeline(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn get_cell_rating_summary(
        &self,
        request: Request<GetCellRatingSummaryRequest>,
    ) -> Result<Response<CellRatingSummary>, Status> {
        self.cell_rating_summary(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn get_cell_health(
        &self,
        request: Request<GetCellHealthRequest>,
    ) -> Result<Response<CellHealth>, Status> {
        self.cell_health(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn list_deadlines(
        &self,
        request: Request<ListDeadlinesRequest>,
    ) -> Result<Response<ListDeadlinesResponse>, Status> {
        self.deadlines(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }

    async fn get_monthly_briefing(
        &self,
        request: Request<GetMonthlyBriefingRequest>,
    ) -> Result<Response<MonthlyBriefing>, Status> {
        self.monthly_briefing(request.into_inner())
            .await
            .map(Response::new)
            .map_err(|e| e.into_status(ERROR_DOMAIN))
    }
}
