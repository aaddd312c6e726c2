//! Who may read what, in one place: the table from every RPC to the right it needs and where its
//! scope is named ([`RULES`]), what each request addresses, and the one check every handler goes
//! through ([`Access::answer`], [`Access::authorise`]) — the kit's authorisation gate over this
//! service's projection ([`ReportScope`]) — then small-cell suppression for callers who may read
//! aggregates only ([`suppress`]), with their days moved to the ends of whole periods
//! ([`Periods`]).
//!
//! Owns the table, the reading of a request's scope, the resolver over the projection and the
//! suppression. Does not own the decision, its order and the audit entries (the kit's `authz`),
//! token verification (the kit's server layer puts the verified [`Caller`] into each request),
//! the audit table (the kit's [`AuditLog`]) nor any SQL (`store::scope`).

mod periods;
mod suppression;

use std::future::Future;
use std::sync::Arc;

use partyregistry_kit::audit::AuditLog;
use partyregistry_kit::auth::{self, Caller, Right};
use partyregistry_kit::authz::{
    Addressed, Audit, Gate, RecordedPlace, Reply, Rule, Scope, ScopeResolver, Successions, Target,
    Units,
};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::audit::v1::{
    ListAuditEntriesRequest, ListAuditEntriesResponse, VerifyAuditTrailRequest,
    VerifyAuditTrailResponse,
};
use partyregistry_proto::reporting::v1::export_report_request::Report;
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, CellHealth, CellRatingSummary, CommuneReport, ExportChunk,
    ExportReportRequest, Freshness, GetAdmissionProgressRequest, GetAdmissionsReportRequest,
    GetCellHealthRequest, GetCellRatingSummaryRequest, GetCommuneReportRequest,
    GetFreshnessRequest, GetMonthlyBriefingRequest, GetMovementsRequest, GetPipelineRequest,
    GetStatisticsRequest, ListBadgesDueRequest, ListBadgesDueResponse, ListDeadlinesRequest,
    ListDeadlinesResponse, MonthlyBriefing, Movements, Pipeline, RankCommunesRequest,
    RankCommunesResponse, Statistics,
};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use tonic::{Request, Response, Status};

use crate::grpc::catch_up;
use crate::grpc::error::ERROR_DOMAIN;
use crate::ingest::consumer::FeedState;
use crate::report::units;
use crate::store::Store;

pub use periods::{Period, Periods};
pub use suppression::{SmallCells, Suppression, suppress};

pub use partyregistry_kit::auth::OUT_OF_SCOPE;

/// A token whose communes lie outside its provinces.
const SCOPE_MISMATCH: &str = "scope names a commune outside its province";

/// `right`, scoped by `scope`; `audited`: every call is audited, whatever its outcome (reports
/// naming people, exports, audit reads), else only refusals are.
const fn rule(right: Option<Right>, scope: Scope, audited: bool) -> Rule {
    Rule {
        right,
        scope,
        audit: if audited {
            Audit::Every
        } else {
            Audit::Refusals
        },
    }
}

const AGGREGATES: Option<Right> = Some(Right::Aggregates);
const RECORDS: Option<Right> = Some(Right::Records);
/// The scope named by a request field (see [`Addressed`] below): `communes/{code}`,
/// `provinces/{code}` or `country`.
const FIELD: Scope = Scope::Addressed;

/// Every method this server answers, by full gRPC method name. A method missing here is refused
/// (a unit test walks the service descriptors so that none is forgotten).
pub const RULES: &[(&str, Rule)] = &[
    // Aggregate reports: counts only.
    (GET_COMMUNE_REPORT, rule(AGGREGATES, FIELD, false)),
    (GET_ADMISSIONS_REPORT, rule(AGGREGATES, FIELD, false)),
    (GET_ADMISSION_PROGRESS, rule(AGGREGATES, FIELD, false)),
    (GET_PIPELINE, rule(AGGREGATES, FIELD, false)),
    (GET_CELL_RATING_SUMMARY, rule(AGGREGATES, FIELD, false)),
    (GET_CELL_HEALTH, rule(AGGREGATES, FIELD, false)),
    (GET_STATISTICS, rule(AGGREGATES, FIELD, false)),
    (GET_MOVEMENTS, rule(AGGREGATES, FIELD, false)),
    (RANK_COMMUNES, rule(AGGREGATES, FIELD, false)),
    // Reports that name people.
    (LIST_DEADLINES, rule(RECORDS, FIELD, true)),
    (GET_MONTHLY_BRIEFING, rule(RECORDS, FIELD, true)),
    (LIST_BADGES_DUE, rule(RECORDS, FIELD, true)),
    // Exports follow the report inside; naming none, they need at least what every report
    // needs.
    (
        EXPORT_REPORT,
        rule(None, Scope::Carried(Right::Aggregates), true),
    ),
    // How fresh the projection is says nothing about anyone.
    (GET_FRESHNESS, rule(None, Scope::Open, false)),
    // The audit trail.
    (
        LIST_AUDIT_ENTRIES,
        rule(Some(Right::Admin), Scope::Open, true),
    ),
    (
        VERIFY_AUDIT_TRAIL,
        rule(Some(Right::Admin), Scope::Open, true),
    ),
];

/// `/partyregistry.reporting.v1.ReportingService/GetCommuneReport`.
pub const GET_COMMUNE_REPORT: &str =
    "/partyregistry.reporting.v1.ReportingService/GetCommuneReport";
/// `…/GetAdmissionsReport`.
pub const GET_ADMISSIONS_REPORT: &str =
    "/partyregistry.reporting.v1.ReportingService/GetAdmissionsReport";
/// `…/GetFreshness`.
pub const GET_FRESHNESS: &str = "/partyregistry.reporting.v1.ReportingService/GetFreshness";
/// `…/GetAdmissionProgress`.
pub const GET_ADMISSION_PROGRESS: &str =
    "/partyregistry.reporting.v1.ReportingService/GetAdmissionProgress";
/// `…/GetPipeline`.
pub const GET_PIPELINE: &str = "/partyregistry.reporting.v1.ReportingService/GetPipeline";
/// `…/GetCellRatingSummary`.
pub const GET_CELL_RATING_SUMMARY: &str =
    "/partyregistry.reporting.v1.ReportingService/GetCellRatingSummary";
/// `…/GetCellHealth`.
pub const GET_CELL_HEALTH: &str = "/partyregistry.reporting.v1.ReportingService/GetCellHealth";
/// `…/ListDeadlines`.
pub const LIST_DEADLINES: &str = "/partyregistry.reporting.v1.ReportingService/ListDeadlines";
/// `…/GetMonthlyBriefing`.
pub const GET_MONTHLY_BRIEFING: &str =
    "/partyregistry.reporting.v1.ReportingService/GetMonthlyBriefing";
/// `…/GetStatistics`.
pub const GET_STATISTICS: &str = "/partyregistry.reporting.v1.ReportingService/GetStatistics";
/// `…/GetMovements`.
pub const GET_MOVEMENTS: &str = "/partyregistry.reporting.v1.ReportingService/GetMovements";
/// `…/ListBadgesDue`.
pub const LIST_BADGES_DUE: &str = "/partyregistry.reporting.v1.ReportingService/ListBadgesDue";
/// `…/RankCommunes`.
pub const RANK_COMMUNES: &str = "/partyregistry.reporting.v1.ReportingService/RankCommunes";
/// `…/ExportReport`.
pub const EXPORT_REPORT: &str = "/partyregistry.reporting.v1.ReportingService/ExportReport";
/// `/partyregistry.audit.v1.AuditService/ListAuditEntries`.
pub const LIST_AUDIT_ENTRIES: &str = "/partyregistry.audit.v1.AuditService/ListAuditEntries";
/// `/partyregistry.audit.v1.AuditService/VerifyAuditTrail`.
pub const VERIFY_AUDIT_TRAIL: &str = "/partyregistry.audit.v1.AuditService/VerifyAuditTrail";

/// The rule of `method`; `None` for a method nobody may call.
pub fn rule_of(method: &str) -> Option<&'static Rule> {
    partyregistry_kit::authz::rule_of(RULES, method)
}

/// The target a report's scope string names; an unreadable one names nothing (and is refused to
/// a scoped caller like an out-of-scope one).
fn scope_target(text: &str) -> Target {
    match units::Scope::parse(text) {
        Some(units::Scope::Commune(_)) => Target::Commune(text.to_owned()),
        Some(units::Scope::Province(code)) => Target::Province(code),
        Some(units::Scope::Country) => Target::Country,
        None => Target::Missing,
    }
}

/// Each request's scope is the string field named here (none: the right alone decides).
macro_rules! addressed {
    ($($request:ident => $($field:ident)?;)*) => {
        $(impl Addressed<ReportScope> for $request {
            fn targets(&self) -> Vec<Target> {
                vec![$(scope_target(&self.$field))?]
            }
        })*

        /// Request message → the field naming its scope, for the test against the descriptors.
        #[cfg(test)]
        const SCOPE_FIELDS: &[(&str, &str)] =
            &[$($((stringify!($request), stringify!($field)),)?)*];
    };
}

addressed! {
    GetCommuneReportRequest => commune;
    GetAdmissionsReportRequest => commune;
    GetAdmissionProgressRequest => commune;
    GetPipelineRequest => commune;
    GetCellRatingSummaryRequest => commune;
    GetCellHealthRequest => commune;
    ListDeadlinesRequest => commune;
    GetMonthlyBriefingRequest => commune;
    GetStatisticsRequest => scope;
    GetMovementsRequest => scope;
    ListBadgesDueRequest => scope;
    RankCommunesRequest => province;
    GetFreshnessRequest => ;
    ListAuditEntriesRequest => ;
    VerifyAuditTrailRequest => ;
}

impl Addressed<ReportScope> for ExportReportRequest {
    fn targets(&self) -> Vec<Target> {
        Vec::new()
    }

    fn carried(&self) -> Option<(&'static str, &dyn Addressed<ReportScope>)> {
        Some(match self.report.as_ref()? {
            Report::CommuneReport(r) => (GET_COMMUNE_REPORT, r),
            Report::AdmissionsReport(r) => (GET_ADMISSIONS_REPORT, r),
            Report::AdmissionProgress(r) => (GET_ADMISSION_PROGRESS, r),
            Report::Pipeline(r) => (GET_PIPELINE, r),
            Report::CellRatingSummary(r) => (GET_CELL_RATING_SUMMARY, r),
            Report::CellHealth(r) => (GET_CELL_HEALTH, r),
            Report::Deadlines(r) => (LIST_DEADLINES, r),
            Report::Statistics(r) => (GET_STATISTICS, r),
            Report::Movements(r) => (GET_MOVEMENTS, r),
            Report::BadgesDue(r) => (LIST_BADGES_DUE, r),
            Report::Ranking(r) => (RANK_COMMUNES, r),
        })
    }
}

/// Reporting never returns personal fields (citizen ID, birth date, phone, address), and its
/// audit entries name the scope asked for, not the people a report lists.
macro_rules! no_people {
    ($($reply:ty),* $(,)?) => { $(impl Reply<ReportScope> for $reply {})* };
}

no_people!(
    CommuneReport,
    AdmissionsReport,
    AdmissionProgress,
    Pipeline,
    CellRatingSummary,
    CellHealth,
    ListDeadlinesResponse,
    MonthlyBriefing,
    Statistics,
    Movements,
    ListBadgesDueResponse,
    RankCommunesResponse,
    Freshness,
    ListAuditEntriesResponse,
    VerifyAuditTrailResponse,
    Vec<ExportChunk>,
);

/// The projection as the authorisation gate sees it: it follows membership's record of the units,
/// so a commune it has not seen yet is known by name only.
#[derive(Debug, Clone)]
pub struct ReportScope {
    store: Store,
}

impl ScopeResolver for ReportScope {
    const UNITS: Units = Units::Followed;
    const SCOPE_MISMATCH: &'static str = SCOPE_MISMATCH;

    async fn recorded_place(&self, target: &Target) -> Result<Option<RecordedPlace>, ApiError> {
        // Reports name communes only (provinces and the country need no lookup).
        let Target::Commune(name) = target else {
            return Ok(None);
        };
        let Ok(code) = names::parse_commune("scope", name) else {
            return Ok(None);
        };
        Ok(Some(RecordedPlace {
            province: self.store.commune_province(&code).await?,
            commune: code,
        }))
    }

    async fn province_successions(&self, day: Date) -> Result<Successions, ApiError> {
        Ok(Successions::from_merges(
            self.store.province_successions(day).await?,
        ))
    }
}

/// A call that passed [`Access::authorise`].
pub type Grant = partyregistry_kit::authz::Grant<ReportScope>;

/// The authorisation, suppression and audit of this server's calls.
/// The reason of a report refused while the projection is rebuilt after a divergence.
pub const PROJECTION_REBUILDING: &str = "PROJECTION_REBUILDING";

/// The refusal of a report while the projection is rebuilt: membership's feed no longer holds
/// what had been applied (a restore from a backup), so the figures would mix two histories; or
/// an upgrade counts the figures again from the start of the feed, so they would be partial.
fn rebuilding() -> ApiError {
    ApiError::precondition(
        PROJECTION_REBUILDING,
        "feed",
        "the figures are being rebuilt from the start of the membership feed (after membership \
         was restored behind what this service had applied, or after an upgrade that counts \
         them again) and no report is answered until they reach its head (GetFreshness tells \
         the progress)",
    )
}

#[derive(Debug, Clone)]
pub struct Access {
    gate: Gate<ReportScope>,
    /// The units and rolls a suppression decision looks up.
    store: Store,
    min_cell_size: i64,
    /// The periods whose ends an aggregates-only caller's reports describe.
    period: Period,
    /// The consumer's state, for reports that must reflect a given write; without it such a
    /// report is answered without waiting.
    feed: Option<Arc<FeedState>>,
}

impl Access {
    /// Decisions over the units of `store`, audited into `audit`, suppressing counts below
    /// `min_cell_size` for aggregates-only callers, whose reports describe month ends.
    pub fn new(store: Store, audit: AuditLog, min_cell_size: i64) -> Self {
        Self {
            gate: Gate::new(
                RULES,
                ReportScope {
                    store: store.clone(),
                },
                audit,
                ERROR_DOMAIN,
            ),
            store,
            min_cell_size,
            period: Period::default(),
            feed: None,
        }
    }

    /// These decisions, with aggregates-only callers' reports describing the ends of `period`.
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    /// These decisions, with reports waiting on `feed` for the write they must reflect.
    pub fn with_feed(mut self, feed: Arc<FeedState>) -> Self {
        self.feed = Some(feed);
        self
    }

    /// The audit trail.
    pub fn audit_log(&self) -> &AuditLog {
        self.gate.audit()
    }

    /// Answers a unary call: authorises it (before anything reads or validates the request),
    /// moves its days to period ends and runs `body`, then suppresses small cells, both for an
    /// aggregates-only caller, and audits what the table says to audit.
    pub async fn answer<Req, Resp, Fut>(
        &self,
        method: &'static str,
        request: Request<Req>,
        body: impl FnOnce(Req) -> Fut,
    ) -> Result<Response<Resp>, Status>
    where
        Req: Addressed<ReportScope> + Periods,
        Resp: SmallCells + Reply<ReportScope>,
        Fut: Future<Output = Result<Resp, ApiError>>,
    {
        let caller = auth::caller(&request);
        let catch_up = catch_up::requested(request.metadata());
        let request = request.into_inner();
        let grant = self.authorise(method, &caller, &request).await?;
        // Authorised first: a caller out of scope learns nothing of the feed's progress.
        if let Err(error) = self.serving(method) {
            return grant.finish(Err(error)).await.map(Response::new);
        }
        let caught_up = match (catch_up, &self.feed) {
            (Ok(Some((sequence, wait))), Some(feed)) => catch_up::wait(feed, sequence, wait).await,
            (Ok(_), _) => Ok(()),
            (Err(error), _) => Err(error),
        };
        let result = match caught_up {
            Ok(()) => self.disclosed(&caller, request, body).await,
            Err(error) => Err(error),
        };
        grant.finish(result).await.map(Response::new)
    }

    /// Refuses every report but freshness while the projection is rebuilt after a divergence.
    pub fn serving(&self, method: &str) -> Result<(), ApiError> {
        if method != GET_FRESHNESS && self.feed.as_ref().is_some_and(|feed| feed.is_rebuilding()) {
            return Err(rebuilding());
        }
        Ok(())
    }

    /// Runs `body` on `request` as `caller` may see it: for an aggregates-only caller, on the
    /// request's days moved to period ends and with the answer's small cells suppressed.
    pub async fn disclosed<Req, Resp, Fut>(
        &self,
        caller: &Caller,
        mut request: Req,
        body: impl FnOnce(Req) -> Fut,
    ) -> Result<Resp, ApiError>
    where
        Req: Periods,
        Resp: SmallCells,
        Fut: Future<Output = Result<Resp, ApiError>>,
    {
        let exact = caller.has(Right::Records);
        if !exact {
            request.snap(self.period, date::today_in_vietnam())?;
        }
        let mut response = body(request).await?;
        if !exact {
            self.protect(&mut response).await?;
        }
        Ok(response)
    }

    /// Decides whether `caller` may call `method` with `request`: the method's right, then its
    /// scope. Runs before any validation, so that a scoped caller learns nothing from the
    /// request's errors. A refusal is audited and leaves as PERMISSION_DENIED (UNAUTHENTICATED
    /// for a token whose communes lie outside its provinces).
    pub async fn authorise<Q>(
        &self,
        method: &'static str,
        caller: &Caller,
        request: &Q,
    ) -> Result<Grant, Status>
    where
        Q: Addressed<ReportScope> + ?Sized,
    {
        self.gate.check(method, caller, request).await
    }

    /// Applies small-cell suppression to `response`, hiding it whole when the commune it
    /// describes is hidden in its province's rows on one of its days.
    async fn protect(&self, response: &mut impl SmallCells) -> Result<(), ApiError> {
        let mut rule = Suppression::new(self.min_cell_size);
        for (commune, day) in response.units() {
            if self.hidden_in_province(rule, &commune, &day).await? {
                rule.unit_hidden = true;
                break;
            }
        }
        response.small_cells(rule);
        Ok(())
    }

    /// Whether the commune named `commune` (or one of the predecessors it counts on `day`) is
    /// hidden among its province's communes on `day` by `rule` — small, or hidden beside a small
    /// one so that the province's total does not give that one back — as the province's and the
    /// country's statistics and the province's ranking hide it. An unreadable name or day, or a
    /// unit the directory does not resolve, hides nothing here: the report refused it already.
    async fn hidden_in_province(
        &self,
        rule: Suppression,
        commune: &str,
        day: &str,
    ) -> Result<bool, ApiError> {
        let (Ok(code), Ok(day)) = (names::parse_commune("commune", commune), date::parse(day))
        else {
            return Ok(false);
        };
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        let Ok(own) = directory.resolve(&units::Scope::Commune(code), day) else {
            reader.finish().await?;
            return Ok(false);
        };
        let mut hidden = false;
        let mut provinces: Vec<String> = own
            .communes
            .iter()
            .map(|c| c.province_code.clone())
            .collect();
        provinces.sort();
        provinces.dedup();
        for province in provinces {
            let Ok(siblings) = directory.resolve(&units::Scope::Province(province.clone()), day)
            else {
                continue;
            };
            let group: Vec<String> = siblings
                .communes
                .iter()
                .filter(|c| c.province_code == province)
                .map(|c| c.code.clone())
                .collect();
            let totals = reader.roll_totals(&group, day).await?;
            let counts: Vec<i64> = group
                .iter()
                .map(|code| totals.get(code).copied().unwrap_or(0))
                .collect();
            hidden |= group
                .iter()
                .zip(rule.partition(&counts))
                .any(|(code, hidden)| hidden && own.communes.iter().any(|c| &c.code == code));
        }
        reader.finish().await?;
        Ok(hidden)
    }
}

#[cfg(test)]
mod tests;
