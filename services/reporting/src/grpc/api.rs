//! [`ReportingApi`]: one method per report, called by the service (through [`Access::answer`]:
//! authorisation before anything else, small-cell suppression, audit) and by the export. Each
//! validates the request, reads the facts from the store in one snapshot and hands them to the
//! report layer: [`crate::report::commune`], [`crate::report::admission`],
//! [`crate::report::deadlines`], [`crate::report::statistics`] or [`crate::report::badges`]
//! (statistics first resolve their scope's communes on the day through
//! [`crate::report::units`]). Every error is an [`ApiError`], mapped to a status with
//! `google.rpc` details by the caller.
//!
//! Owns the order of those steps. Does not own the generated service traits
//! ([`crate::grpc::service`]), SQL, or any figure.

use std::sync::Arc;

use chrono::Datelike;
use partyregistry_kit::db::now_micros;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, AwardRound, CellHealth, CellRatingSummary, CommuneReport,
    Freshness, GetAdmissionProgressRequest, GetAdmissionsReportRequest, GetCellHealthRequest,
    GetCellRatingSummaryRequest, GetCommuneReportRequest, GetMonthlyBriefingRequest,
    GetMovementsRequest, GetPipelineRequest, GetStatisticsRequest, ListBadgesDueRequest,
    ListBadgesDueResponse, ListDeadlinesRequest, ListDeadlinesResponse, MonthlyBriefing, Movements,
    Pipeline, RankCommunesRequest, RankCommunesResponse, RankingIndicator, Statistics,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;

use crate::grpc::access::Access;
use crate::grpc::error::{COMMUNE_TYPE, unit_error};
use crate::grpc::request::{day_or_today, on_day, parse_day, parse_scope, year_bound};
use crate::ingest::consumer::FeedState;
use crate::model::units::Directory;
use crate::report::admission::{self as admission_reports, HealthThresholds};
use crate::report::commune as reports;
use crate::report::statistics::{self, CommuneValue, StatisticsOptions};
use crate::report::units::{self, Scope, UnitError};
use crate::report::{badges, deadlines};
use crate::store::{AdmissionSnapshot, AdmissionWindow, Reader, Store, StoredCursor};

/// What a statistics report reads in one snapshot: the units, the communes it counts, and the
/// snapshot still open for the sums.
struct Scoped {
    directory: std::sync::Arc<Directory>,
    resolved: units::Resolved,
    codes: Vec<String>,
    reader: Reader,
}

/// The handlers of `partyregistry.reporting.v1.ReportingService`.
#[derive(Debug, Clone)]
pub struct ReportingApi {
    store: Store,
    feed: Arc<FeedState>,
    access: Access,
}

impl ReportingApi {
    /// Handlers reading `store`, reporting the consumer's `feed` state in freshness figures, every
    /// call decided and audited by `access`.
    pub fn new(store: Store, feed: Arc<FeedState>, access: Access) -> Self {
        Self {
            store,
            feed,
            access,
        }
    }

    /// The authorisation, suppression and audit of the calls.
    pub fn access(&self) -> &Access {
        &self.access
    }

    fn freshness_of(&self, cursor: &StoredCursor) -> Freshness {
        let mut contact = self.feed.contact();
        // The stored head survives restarts; the in-memory one is newer while running.
        contact.head_sequence = contact.head_sequence.max(cursor.head_sequence);
        reports::freshness(cursor.position, contact, now_micros())
    }

    /// Refuses a report on the commune `code` for a day after the commune ended, naming its
    /// successor, as the statistics and movements of an ended unit do; other answers of the
    /// directory (an unknown commune, a day before its data) are the report's own to give.
    async fn refuse_ended(&self, code: &str, day: Date, field: &str) -> Result<(), ApiError> {
        // One indexed lookup on every report; the directory, which names the successor, is read
        // only for a commune that has ended.
        if !self.store.commune_ended_before(code, day).await? {
            return Ok(());
        }
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        reader.finish().await?;
        let scope = Scope::Commune(code.to_owned());
        match directory.resolve(&scope, day) {
            Err(ended @ UnitError::Ended(_)) => Err(unit_error(ended, &scope, field, field)),
            _ => Ok(()),
        }
    }

    pub(crate) async fn commune_report(
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
        self.refuse_ended(&code, as_of, "commune").await?;
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

    pub(crate) async fn admissions_report(
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
        self.refuse_ended(&code, last_day, "commune").await?;
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
        self.refuse_ended(code, window.roll_day, "commune").await?;
        self.store
            .admission_snapshot(code, window)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                resource_type: COMMUNE_TYPE,
                name: commune.to_owned(),
            })
    }

    pub(crate) async fn admission_progress(
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

    pub(crate) async fn pipeline(&self, request: GetPipelineRequest) -> Result<Pipeline, ApiError> {
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

    pub(crate) async fn cell_rating_summary(
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

    pub(crate) async fn cell_health(
        &self,
        request: GetCellHealthRequest,
    ) -> Result<CellHealth, ApiError> {
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

    pub(crate) async fn deadlines(
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
        Ok(deadlines::deadlines(
            &snapshot.facts,
            as_of,
            until,
            self.freshness_of(&snapshot.cursor),
        ))
    }

    pub(crate) async fn monthly_briefing(
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

    /// Resolves the communes of a report in a new snapshot with `resolve`.
    async fn scoped(
        &self,
        resolve: impl FnOnce(&Directory) -> Result<units::Resolved, ApiError>,
    ) -> Result<Scoped, ApiError> {
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        let resolved = resolve(&directory)?;
        let codes: Vec<String> = resolved.communes.iter().map(|c| c.code.clone()).collect();
        Ok(Scoped {
            directory,
            resolved,
            codes,
            reader,
        })
    }

    pub(crate) async fn statistics(
        &self,
        request: GetStatisticsRequest,
    ) -> Result<Statistics, ApiError> {
        let scope = parse_scope("scope", &request.scope)?;
        let as_of = day_or_today("as_of_date", &request.as_of_date)?;
        let options = StatisticsOptions::from_request(
            &request.breakdowns,
            &request.age_band_upper_bounds,
            &request.party_age_band_upper_bounds,
        )
        .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let mut scoped = self
            .scoped(|directory| {
                directory
                    .resolve(&scope, as_of)
                    .map_err(|e| unit_error(e, &scope, "scope", "as_of_date"))
            })
            .await?;
        let counts = scoped.reader.roll_counts(&scoped.codes, as_of).await?;
        let cursor = scoped.reader.finish().await?;
        Ok(statistics::statistics(
            &scope.name(),
            &scoped.directory.display_name(&scope),
            as_of,
            &scoped.resolved,
            &counts,
            &options,
            self.freshness_of(&cursor),
        ))
    }

    pub(crate) async fn movements(
        &self,
        request: GetMovementsRequest,
    ) -> Result<Movements, ApiError> {
        let scope = parse_scope("scope", &request.scope)?;
        let from = parse_day("from_date", &request.from_date)?;
        let to = parse_day("to_date", &request.to_date)?;
        if to < from {
            return Err(ApiError::invalid("to_date", "must not be before from_date"));
        }
        let mut scoped = self
            .scoped(|directory| {
                directory
                    .territory(&scope, from, to)
                    .map_err(|e| unit_error(e, &scope, "to_date", "from_date"))
            })
            .await?;
        // On the roll and awaiting the ceremony the day before the period and on its last day.
        let start = match from.pred_opt() {
            Some(before) => scoped.reader.roll_lines(&scoped.codes, before).await?,
            None => (0, 0),
        };
        let end = scoped.reader.roll_lines(&scoped.codes, to).await?;
        let counts = scoped
            .reader
            .movement_counts(&scoped.codes, from, to)
            .await?;
        let cursor = scoped.reader.finish().await?;
        Ok(statistics::movements(
            &scope.name(),
            &scoped.directory.display_name(&scope),
            (from, to),
            &scoped.resolved,
            statistics::PeriodEnds {
                members: (start.0, end.0),
                awaiting: (start.1, end.1),
            },
            &counts,
            self.freshness_of(&cursor),
        ))
    }

    pub(crate) async fn badges_due(
        &self,
        request: ListBadgesDueRequest,
    ) -> Result<ListBadgesDueResponse, ApiError> {
        let scope = parse_scope("scope", &request.scope)?;
        let year = admission_reports::rating_year(request.year)
            .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let round = AwardRound::try_from(request.round)
            .map_err(|_| ApiError::invalid("round", "must be an award round"))?;
        let rounds: Vec<(AwardRound, Date)> = badges::rounds_of(year)
            .into_iter()
            .filter(|(r, _)| round == AwardRound::Unspecified || *r == round)
            .collect();
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        // Each round counts the scope's communes of its day; rounds after the unit's end or
        // before any data are skipped, and only when every round is, the request is refused.
        let mut resolved = Vec::new();
        let mut first_error = None;
        for (round, day) in &rounds {
            match directory.resolve(&scope, *day) {
                Ok(found) => resolved.push((*round, *day, found)),
                Err(UnitError::NotFound { province }) => {
                    return Err(unit_error(
                        UnitError::NotFound { province },
                        &scope,
                        "scope",
                        "year",
                    ));
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if resolved.is_empty()
            && let Some(error) = first_error
        {
            return Err(unit_error(error, &scope, "year", "year"));
        }
        let mut codes: Vec<String> = resolved
            .iter()
            .flat_map(|(_, _, r)| r.communes.iter().map(|c| c.code.clone()))
            .collect();
        // The deceased of a commune merged since are listed with its successor.
        for (_, day, found) in &resolved {
            codes.extend(
                directory
                    .communes
                    .iter()
                    .filter(|c| {
                        let now = directory.commune_on(&c.code, *day);
                        now != c.code && found.communes.iter().any(|f| f.code == now)
                    })
                    .map(|c| c.code.clone()),
            );
        }
        codes.sort();
        codes.dedup();
        let members = reader.histories(&codes).await?;
        let rules = reader.rules().await?;
        let cursor = reader.finish().await?;
        Ok(ListBadgesDueResponse {
            badges: badges::listed(&directory, &rules, &resolved, &members),
            freshness: Some(self.freshness_of(&cursor)),
        })
    }

    pub(crate) async fn ranking(
        &self,
        request: RankCommunesRequest,
    ) -> Result<RankCommunesResponse, ApiError> {
        let scope = match parse_scope("province", &request.province)? {
            Scope::Province(code) => Scope::Province(code),
            _ => return Err(ApiError::invalid("province", "must be provinces/{code}")),
        };
        let indicator = RankingIndicator::try_from(request.indicator)
            .ok()
            .filter(|i| *i != RankingIndicator::Unspecified)
            .ok_or_else(|| ApiError::invalid("indicator", "must be a ranking indicator"))?;
        let today = date::today_in_vietnam();
        let (year, as_of) = match (request.year, request.as_of_date.is_empty()) {
            (0, _) => {
                let as_of = day_or_today("as_of_date", &request.as_of_date)?;
                (as_of.year(), as_of)
            }
            (year, true) => {
                let year = admission_reports::rating_year(year)
                    .map_err(|(field, description)| ApiError::invalid(field, description))?;
                (year, today.min(year_bound(year, 12, 31)?))
            }
            (year, false) => (year, parse_day("as_of_date", &request.as_of_date)?),
        };
        let (year, as_of) = admission_reports::progress_period(year, as_of)
            .map_err(|(field, description)| ApiError::invalid(field, description))?;
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        let resolved = directory
            .resolve(&scope, as_of)
            .map_err(|e| unit_error(e, &scope, "province", "as_of_date"))?;
        let codes: Vec<String> = resolved.communes.iter().map(|c| c.code.clone()).collect();
        let mut values = Vec::with_capacity(codes.len());
        if indicator == RankingIndicator::Members {
            let totals = reader.roll_totals(&codes, as_of).await?;
            for commune in &resolved.communes {
                let count = totals.get(&commune.code).copied().unwrap_or(0);
                values.push(CommuneValue {
                    code: commune.code.clone(),
                    display_name: commune.display_name.clone(),
                    province_code: commune.province_code.clone(),
                    value: Some(count as f64),
                    detail: format!("{count} đảng viên"),
                });
            }
        } else {
            let window = AdmissionWindow {
                roll_day: as_of,
                admissions_from: year_bound(year, 1, 1)?,
                admissions_to: as_of,
            };
            for commune in &resolved.communes {
                let Some(facts) = reader.admission_facts(&commune.code, window).await? else {
                    continue;
                };
                values.push(if indicator == RankingIndicator::AdmissionsAgainstTarget {
                    let progress = admission_reports::admission_progress(
                        &facts,
                        year,
                        as_of,
                        Freshness::default(),
                    );
                    statistics::admissions_against_target(commune, &progress)
                } else {
                    let summary =
                        admission_reports::cell_rating_summary(&facts, year, Freshness::default());
                    statistics::good_cells_percent(commune, &summary)
                });
            }
        }
        let cursor = reader.finish().await?;
        Ok(RankCommunesResponse {
            province: scope.name(),
            indicator: indicator.into(),
            communes: statistics::rank(values),
            freshness: Some(self.freshness_of(&cursor)),
            as_of_date: date::format(as_of),
            year,
        })
    }

    pub(crate) async fn freshness(&self) -> Result<Freshness, ApiError> {
        let cursor = self.store.cursor().await?;
        Ok(self.freshness_of(&cursor))
    }
}
