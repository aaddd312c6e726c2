//! Who may read what, in one place: the table from every RPC to the right it needs and the request
//! field naming its scope ([`RULES`]), the one check every handler goes through
//! ([`Access::answer`], [`Access::authorise`]), small-cell suppression for callers who may read
//! aggregates only ([`suppress`]), and the audit entries of this service.
//!
//! Owns the authorisation decisions and what is audited. Does not own token verification (the
//! kit's server layer puts the verified [`Caller`] into each request) nor the audit table (the
//! kit's [`AuditLog`]).

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use partyregistry_kit::audit::{AuditLog, AuditRecord, code_name};
use partyregistry_kit::auth::{self, Caller, Right};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::audit::v1::{ListAuditEntriesRequest, ListAuditEntriesResponse};
use partyregistry_proto::reporting::v1::export_report_request::Report;
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, Bucket, CellHealth, CellRatingSummary, CommuneReport,
    ExportReportRequest, Freshness, GetAdmissionProgressRequest, GetAdmissionsReportRequest,
    GetCellHealthRequest, GetCellRatingSummaryRequest, GetCommuneReportRequest,
    GetFreshnessRequest, GetMonthlyBriefingRequest, GetMovementsRequest, GetPipelineRequest,
    GetStatisticsRequest, ListBadgesDueRequest, ListBadgesDueResponse, ListDeadlinesRequest,
    ListDeadlinesResponse, MonthlyBriefing, Movements, Pipeline, RankCommunesRequest,
    RankCommunesResponse, Statistics,
};
use partyregistry_vocab::date;
use tonic::{Request, Response, Status};

use crate::grpc::error::ERROR_DOMAIN;
use crate::report::units::Scope;
use crate::store::Store;

/// Where a request names what it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeField {
    /// Nothing scoped: the right alone decides.
    Unscoped,
    /// The string field with this name: `communes/{code}`, `provinces/{code}` or `country`.
    Field(&'static str),
    /// `ExportReport`: the rule of the report inside applies.
    Report,
}

/// What a method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The right needed; `None`: a valid token is enough (or, for an export, the report's right).
    pub right: Option<Right>,
    /// Where the scope is read.
    pub scope: ScopeField,
    /// Whether every call is audited, whatever its outcome (reports naming people, exports,
    /// audit reads). Refused calls are audited whatever this says.
    pub audited: bool,
}

const fn rule(right: Option<Right>, scope: ScopeField, audited: bool) -> Rule {
    Rule {
        right,
        scope,
        audited,
    }
}

const AGGREGATES: Option<Right> = Some(Right::Aggregates);
const RECORDS: Option<Right> = Some(Right::Records);
const COMMUNE: ScopeField = ScopeField::Field("commune");
const SCOPE: ScopeField = ScopeField::Field("scope");

/// Every method this server answers, by full gRPC method name. A method missing here is refused
/// (a unit test walks the service descriptors so that none is forgotten).
pub const RULES: &[(&str, Rule)] = &[
    // Aggregate reports: counts only.
    (GET_COMMUNE_REPORT, rule(AGGREGATES, COMMUNE, false)),
    (GET_ADMISSIONS_REPORT, rule(AGGREGATES, COMMUNE, false)),
    (GET_ADMISSION_PROGRESS, rule(AGGREGATES, COMMUNE, false)),
    (GET_PIPELINE, rule(AGGREGATES, COMMUNE, false)),
    (GET_CELL_RATING_SUMMARY, rule(AGGREGATES, COMMUNE, false)),
    (GET_CELL_HEALTH, rule(AGGREGATES, COMMUNE, false)),
    (GET_STATISTICS, rule(AGGREGATES, SCOPE, false)),
    (GET_MOVEMENTS, rule(AGGREGATES, SCOPE, false)),
    (
        RANK_COMMUNES,
        rule(AGGREGATES, ScopeField::Field("province"), false),
    ),
    // Reports that name people.
    (LIST_DEADLINES, rule(RECORDS, COMMUNE, true)),
    (GET_MONTHLY_BRIEFING, rule(RECORDS, COMMUNE, true)),
    (LIST_BADGES_DUE, rule(RECORDS, SCOPE, true)),
    // Exports follow the report inside.
    (EXPORT_REPORT, rule(None, ScopeField::Report, true)),
    // How fresh the projection is says nothing about anyone.
    (GET_FRESHNESS, rule(None, ScopeField::Unscoped, false)),
    // The audit trail.
    (
        LIST_AUDIT_ENTRIES,
        rule(Some(Right::Admin), ScopeField::Unscoped, true),
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

/// The rule of `method`; `None` for a method nobody may call.
pub fn rule_of(method: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, rule)| rule)
}

/// A request whose scope can be read by the field name the table gives.
pub trait Addressed: Sync {
    /// The value of the string field `name`; `None` when the message has no such field.
    fn field(&self, name: &str) -> Option<&str>;

    /// For an export: the method and request of the report inside, `None` when none is named.
    fn inner(&self) -> Option<(&'static str, &dyn Addressed)> {
        None
    }
}

macro_rules! addressed {
    ($($request:ty => [$($field:ident),*];)*) => {
        $(impl Addressed for $request {
            #[allow(unused_variables)]
            fn field(&self, name: &str) -> Option<&str> {
                match name {
                    $(stringify!($field) => Some(self.$field.as_str()),)*
                    _ => None,
                }
            }
        })*
    };
}

addressed! {
    GetCommuneReportRequest => [commune];
    GetAdmissionsReportRequest => [commune];
    GetAdmissionProgressRequest => [commune];
    GetPipelineRequest => [commune];
    GetCellRatingSummaryRequest => [commune];
    GetCellHealthRequest => [commune];
    ListDeadlinesRequest => [commune];
    GetMonthlyBriefingRequest => [commune];
    GetStatisticsRequest => [scope];
    GetMovementsRequest => [scope];
    ListBadgesDueRequest => [scope];
    RankCommunesRequest => [province];
    GetFreshnessRequest => [];
    ListAuditEntriesRequest => [];
}

impl Addressed for ExportReportRequest {
    fn field(&self, _name: &str) -> Option<&str> {
        None
    }

    fn inner(&self) -> Option<(&'static str, &dyn Addressed)> {
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

pub use partyregistry_kit::auth::OUT_OF_SCOPE;

/// A call that passed [`Access::authorise`].
#[derive(Debug, Clone)]
pub struct Authorised {
    /// The rule applied (for an export, the export's own).
    pub rule: &'static Rule,
    /// The scope addressed, for the audit trail.
    pub resources: Vec<String>,
}

/// The authorisation, suppression and audit of this server's calls.
#[derive(Debug, Clone)]
pub struct Access {
    store: Store,
    audit: AuditLog,
    min_cell_size: i64,
    /// Tokens whose communes were checked against their provinces (see
    /// [`Access::check_token_scope`]), by a key of their scope.
    checked_scopes: Arc<Mutex<HashSet<String>>>,
}

impl Access {
    /// Decisions over the units of `store`, audited into `audit`, suppressing counts below
    /// `min_cell_size` for aggregates-only callers.
    pub fn new(store: Store, audit: AuditLog, min_cell_size: i64) -> Self {
        Self {
            store,
            audit,
            min_cell_size,
            checked_scopes: Arc::default(),
        }
    }

    /// The audit trail.
    pub fn audit_log(&self) -> &AuditLog {
        &self.audit
    }

    /// Answers a unary call: authorises it (before anything reads or validates the request),
    /// runs `body`, suppresses small cells for an aggregates-only caller, and audits what the
    /// table says to audit.
    pub async fn answer<Req, Resp, Fut>(
        &self,
        method: &'static str,
        request: Request<Req>,
        body: impl FnOnce(Req) -> Fut,
    ) -> Result<Response<Resp>, Status>
    where
        Req: Addressed,
        Resp: SmallCells,
        Fut: Future<Output = Result<Resp, ApiError>>,
    {
        let caller = auth::caller(&request);
        let request = request.into_inner();
        let authorised = self.authorise(method, &caller, &request).await?;
        let result = body(request)
            .await
            .map(|mut response| {
                self.protect(&caller, &mut response);
                Response::new(response)
            })
            .map_err(|error| error.into_status(ERROR_DOMAIN));
        if authorised.rule.audited {
            self.record(&caller, method, authorised.resources, outcome_of(&result))
                .await;
        }
        result
    }

    /// Decides whether `caller` may call `method` with `request`: the method's right, then its
    /// scope. Runs before any validation, so that a scoped caller learns nothing from the
    /// request's errors. A refusal is audited and leaves as PERMISSION_DENIED (UNAUTHENTICATED
    /// for a token whose communes lie outside its provinces).
    pub async fn authorise(
        &self,
        method: &str,
        caller: &Caller,
        request: &dyn Addressed,
    ) -> Result<Authorised, Status> {
        let Some(rule) = rule_of(method) else {
            // Unreachable while the table covers the descriptors (tested); refuse rather than
            // serve a method nobody decided about.
            let error = ApiError::PermissionDenied(format!("{method} has no access rule"));
            self.refused(caller, method, Vec::new(), &error).await;
            return Err(error.into_status(ERROR_DOMAIN));
        };
        if let Err(error) = self.check_token_scope(caller).await {
            self.refused(caller, method, Vec::new(), &error).await;
            return Err(error.into_status(ERROR_DOMAIN));
        }
        let (inner_rule, addressed) = match rule.scope {
            ScopeField::Report => match request.inner() {
                Some((inner, addressed)) => match rule_of(inner) {
                    Some(inner_rule) => (inner_rule, Some(addressed)),
                    None => (rule, None),
                },
                // No report named: only a national caller goes on to hear why.
                None => (rule, None),
            },
            _ => (rule, Some(request)),
        };
        let resources = addressed
            .and_then(|a| scope_text(inner_rule, a))
            .filter(|text| Scope::parse(text).is_some())
            .map(str::to_owned)
            .into_iter()
            .collect::<Vec<_>>();
        if let Err(error) = self.decide(rule, inner_rule, caller, addressed).await {
            self.refused(caller, method, resources, &error).await;
            return Err(error.into_status(ERROR_DOMAIN));
        }
        Ok(Authorised { rule, resources })
    }

    async fn decide(
        &self,
        rule: &Rule,
        inner_rule: &Rule,
        caller: &Caller,
        addressed: Option<&dyn Addressed>,
    ) -> Result<(), ApiError> {
        let Some(addressed) = addressed else {
            // An export naming no report (or an unknown one): the least right any report needs,
            // and national scope, before validation says what is missing.
            caller.require(Right::Aggregates)?;
            return if caller.national {
                Ok(())
            } else {
                Err(ApiError::PermissionDenied(OUT_OF_SCOPE.into()))
            };
        };
        for right in [rule.right, inner_rule.right].into_iter().flatten() {
            caller.require(right)?;
        }
        match inner_rule.scope {
            ScopeField::Unscoped => Ok(()),
            ScopeField::Field(_) | ScopeField::Report => {
                let text = scope_text(inner_rule, addressed).unwrap_or_default();
                self.check_scope(caller, text).await
            }
        }
    }

    /// Whether `caller` sees the scope `text`: `country` needs national; `provinces/P` needs P
    /// or national; `communes/C` needs C, its province today (through the projected merges) or
    /// national. Anything else, from a scoped caller, is refused like an out-of-scope resource;
    /// a national caller goes on to the handler's own checks.
    async fn check_scope(&self, caller: &Caller, text: &str) -> Result<(), ApiError> {
        if caller.national {
            return Ok(());
        }
        let allowed = match Scope::parse(text) {
            Some(Scope::Country) | None => false,
            Some(Scope::Province(code)) => caller.sees_province(&code),
            Some(Scope::Commune(code)) => {
                // A commune listed by name needs no lookup.
                caller.sees_commune(&code, "")
                    || match self.province_today(&code).await? {
                        Some(province) => caller.sees_commune(&code, &province),
                        None => false,
                    }
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::PermissionDenied(OUT_OF_SCOPE.into()))
        }
    }

    /// The province commune `code` belongs to today, through the projected province merges;
    /// `None` for a commune the projection does not know.
    async fn province_today(&self, code: &str) -> Result<Option<String>, ApiError> {
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        reader.finish().await?;
        let today = date::today_in_vietnam();
        Ok(directory
            .commune(code)
            .map(|commune| directory.province_on(&commune.province_code, today)))
    }

    /// A token listing both provinces and communes may only list communes of those provinces;
    /// checked against the projection the first time the token's scope is seen. A commune the
    /// projection does not know (yet) is neither accepted nor refused: it is checked again later.
    async fn check_token_scope(&self, caller: &Caller) -> Result<(), ApiError> {
        if caller.national || caller.provinces.is_empty() || caller.communes.is_empty() {
            return Ok(());
        }
        let key = format!(
            "{}|{:?}|{:?}",
            caller.subject, caller.provinces, caller.communes
        );
        if self.checked().contains(&key) {
            return Ok(());
        }
        let mut reader = self.store.reader().await?;
        let directory = reader.directory().await?;
        reader.finish().await?;
        let today = date::today_in_vietnam();
        let mut complete = true;
        for code in &caller.communes {
            match directory.commune(code) {
                Some(commune) => {
                    let province = directory.province_on(&commune.province_code, today);
                    if !caller.provinces.contains(&province) {
                        return Err(ApiError::Unauthenticated(
                            "scope names a commune outside its province".into(),
                        ));
                    }
                }
                None => complete = false,
            }
        }
        if complete {
            self.checked().insert(key);
        }
        Ok(())
    }

    fn checked(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // The set is only a cache: a panic elsewhere while holding the lock leaves it usable.
        self.checked_scopes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Applies small-cell suppression to `response` unless `caller` may read records.
    pub fn protect(&self, caller: &Caller, response: &mut impl SmallCells) {
        if !caller.has(Right::Records) {
            suppress(response, self.min_cell_size);
        }
    }

    /// Audits a refused call.
    async fn refused(
        &self,
        caller: &Caller,
        method: &str,
        resources: Vec<String>,
        error: &ApiError,
    ) {
        let outcome = Outcome {
            code: error_code(error),
            detail: error.to_string(),
        };
        self.record(caller, method, resources, outcome).await;
    }

    /// Writes one audit entry. Reporting never returns personal fields (citizen ID, birth date,
    /// phone, address), so `personal_fields` is always false here.
    pub async fn record(
        &self,
        caller: &Caller,
        method: &str,
        resources: Vec<String>,
        outcome: Outcome,
    ) {
        self.audit
            .record(AuditRecord {
                subject: caller.subject.clone(),
                method: method.to_owned(),
                resources,
                personal_fields: false,
                outcome: outcome.code.to_owned(),
                detail: outcome.detail,
            })
            .await;
    }
}

/// The scope string a request names under `rule`.
fn scope_text<'a>(rule: &Rule, addressed: &'a dyn Addressed) -> Option<&'a str> {
    match rule.scope {
        ScopeField::Field(name) => addressed.field(name),
        ScopeField::Unscoped | ScopeField::Report => None,
    }
}

/// How a call ended, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The gRPC code name, `OK`, `PERMISSION_DENIED`, …
    pub code: &'static str,
    /// Why, for failures: the status message, which names fields and resources, never personal
    /// data (internal causes are never in it).
    pub detail: String,
}

/// The outcome of an answered call.
pub fn outcome_of<T>(result: &Result<T, Status>) -> Outcome {
    match result {
        Ok(_) => Outcome {
            code: "OK",
            detail: String::new(),
        },
        Err(status) => Outcome {
            code: code_name(status.code()),
            detail: status.message().to_owned(),
        },
    }
}

fn error_code(error: &ApiError) -> &'static str {
    match error {
        // Their reasons are rule names, not codes.
        ApiError::FailedPrecondition { .. } => "FAILED_PRECONDITION",
        ApiError::Aborted { .. } => "ABORTED",
        // The others' reasons are their code names.
        other => other.reason(),
    }
}

// ---------------------------------------------------------------------------------------------
// Small-cell suppression.
// ---------------------------------------------------------------------------------------------

/// The small-cell rule for a caller who may read aggregates only: a count with
/// `0 < count < min_cell_size` is hidden (shown as 0 and marked: a bucket's `suppressed`, a row's
/// `suppressed_fields`), and so is an average over so few people. Totals stay.
#[derive(Debug, Clone, Copy)]
pub struct Suppression {
    min_cell_size: i64,
}

impl Suppression {
    fn small(self, count: i64) -> bool {
        0 < count && count < self.min_cell_size
    }

    /// Which of `counts`, adding up to a total the caller sees, to hide. Hiding only the small
    /// ones would let the caller subtract the shown ones from the total, so more are hidden (the
    /// smallest non-zero ones first) until at least two are hidden and together they hold at
    /// least `min_cell_size` people — or all are.
    pub fn partition(self, counts: &[i64]) -> Vec<bool> {
        let mut hidden: Vec<bool> = counts.iter().map(|&count| self.small(count)).collect();
        loop {
            let (parts, people) = counts
                .iter()
                .zip(&hidden)
                .filter(|(_, hidden)| **hidden)
                .fold((0, 0), |(parts, people), (count, _)| {
                    (parts + 1, people + count)
                });
            if parts == 0 || (parts >= 2 && people >= self.min_cell_size) {
                return hidden;
            }
            let next = counts
                .iter()
                .enumerate()
                .filter(|&(index, &count)| !hidden[index] && count > 0)
                .min_by_key(|&(_, &count)| count)
                .map(|(index, _)| index);
            match next {
                Some(index) => hidden[index] = true,
                None => return hidden,
            }
        }
    }

    /// A breakdown whose buckets add up to a total the caller sees.
    fn breakdown(self, buckets: &mut [Bucket]) {
        let counts: Vec<i64> = buckets.iter().map(|bucket| bucket.members).collect();
        for (bucket, hidden) in buckets.iter_mut().zip(self.partition(&counts)) {
            if hidden {
                hide_bucket(bucket);
            }
        }
    }

    /// Buckets whose counts overlap (one person in several), so add up to nothing shown: each
    /// is hidden when small.
    fn overlapping(self, buckets: &mut [Bucket]) {
        for bucket in buckets
            .iter_mut()
            .filter(|bucket| self.small(bucket.members))
        {
            hide_bucket(bucket);
        }
    }

    /// One figure of each of `rows`, adding up to a total the caller sees; `figure` gives a
    /// row's count and its list of suppressed fields.
    fn across_rows<R>(
        self,
        rows: &mut [R],
        field: &'static str,
        figure: impl Fn(&mut R) -> (&mut i64, &mut Vec<String>),
    ) {
        let counts: Vec<i64> = rows.iter_mut().map(|row| *figure(row).0).collect();
        for (row, hidden) in rows.iter_mut().zip(self.partition(&counts)) {
            if hidden {
                let (value, marks) = figure(row);
                hide_figure(field, value, marks);
            }
        }
    }

    /// Figures of one row adding up to another figure of the row: hidden all together when
    /// that figure is (else they would give it back), by [`Suppression::partition`] otherwise.
    fn within_row<const N: usize>(
        self,
        marks: &mut Vec<String>,
        whole_hidden: bool,
        figures: [(&'static str, &mut i64); N],
    ) {
        let counts = figures.each_ref().map(|(_, value)| **value);
        let hidden = if whole_hidden {
            vec![true; N]
        } else {
            self.partition(&counts)
        };
        for ((field, value), hidden) in figures.into_iter().zip(hidden) {
            if hidden {
                hide_figure(field, value, marks);
            }
        }
    }

    /// A figure whose complement the caller does not see (a subset of a shown total): hidden
    /// when small, or when `whole_hidden` (the row's total it is part of is hidden).
    fn subset(
        self,
        whole_hidden: bool,
        field: &'static str,
        value: &mut i64,
        marks: &mut Vec<String>,
    ) {
        if whole_hidden || self.small(*value) {
            hide_figure(field, value, marks);
        }
    }

    /// An average over `members` people (the average age of one person is their age): cleared
    /// when `members` is small or hidden (`members_hidden`), and listed as `average_age` among
    /// the row's `marks` if it has any.
    fn average(
        self,
        members: i64,
        members_hidden: bool,
        value: &mut f64,
        marks: Option<&mut Vec<String>>,
    ) {
        if members_hidden || self.small(members) {
            *value = 0.0;
            if let Some(marks) = marks {
                marks.push("average_age".to_owned());
            }
        }
    }
}

fn hide_bucket(bucket: &mut Bucket) {
    bucket.members = 0;
    bucket.suppressed = true;
}

fn hide_figure(field: &'static str, value: &mut i64, marks: &mut Vec<String>) {
    *value = 0;
    if !is_hidden(marks, field) {
        marks.push(field.to_owned());
    }
}

/// Whether a row lists `field` among its suppressed fields.
pub(crate) fn is_hidden(marks: &[String], field: &str) -> bool {
    marks.iter().any(|mark| mark == field)
}

/// A response that applies [`Suppression`] to its counts of people.
pub trait SmallCells {
    /// Hides the counts of people the rule says to hide.
    fn small_cells(&mut self, rule: Suppression);
}

/// Small-cell suppression, the one entry for every report.
pub fn suppress(response: &mut impl SmallCells, min_cell_size: i64) {
    response.small_cells(Suppression { min_cell_size });
}

impl SmallCells for CommuneReport {
    fn small_cells(&mut self, rule: Suppression) {
        rule.average(self.total_members, false, &mut self.average_age, None);
        // `cells_by_kind` counts cells, not people.
        for buckets in [
            &mut self.by_cell_kind,
            &mut self.age_bands,
            &mut self.ethnicity,
            &mut self.general_education,
            &mut self.political_theory,
        ] {
            rule.breakdown(buckets);
        }
        // The cells' members add up to the commune's; each cell's are local plus seconded.
        rule.across_rows(&mut self.cells, "members", |cell| {
            (&mut cell.members, &mut cell.suppressed_fields)
        });
        for cell in &mut self.cells {
            let members_hidden = is_hidden(&cell.suppressed_fields, "members");
            rule.within_row(
                &mut cell.suppressed_fields,
                members_hidden,
                [
                    ("local_members", &mut cell.local_members),
                    ("seconded_members", &mut cell.seconded_members),
                ],
            );
        }
    }
}

impl SmallCells for Pipeline {
    fn small_cells(&mut self, rule: Suppression) {
        rule.breakdown(&mut self.by_stage);
        rule.overlapping(&mut self.by_blocker);
        // The cells' open candidates add up to the commune's; each cell's stages add up to its.
        rule.across_rows(&mut self.cells, "open_candidates", |cell| {
            (&mut cell.open_candidates, &mut cell.suppressed_fields)
        });
        for cell in &mut self.cells {
            let open_hidden = is_hidden(&cell.suppressed_fields, "open_candidates");
            rule.subset(
                open_hidden,
                "eligible_candidates",
                &mut cell.eligible_candidates,
                &mut cell.suppressed_fields,
            );
            if open_hidden {
                cell.by_stage.iter_mut().for_each(hide_bucket);
            } else {
                rule.breakdown(&mut cell.by_stage);
            }
            rule.overlapping(&mut cell.by_blocker);
        }
    }
}

impl SmallCells for CellHealth {
    fn small_cells(&mut self, rule: Suppression) {
        // The same members per cell as the commune report, hidden by the same rule; the open
        // candidates add up to the pipeline's.
        rule.across_rows(&mut self.cells, "members", |row| {
            (&mut row.members, &mut row.suppressed_fields)
        });
        rule.across_rows(&mut self.cells, "open_candidates", |row| {
            (&mut row.open_candidates, &mut row.suppressed_fields)
        });
        for row in &mut self.cells {
            let members_hidden = is_hidden(&row.suppressed_fields, "members");
            rule.average(
                row.members,
                members_hidden,
                &mut row.average_age,
                Some(&mut row.suppressed_fields),
            );
            for (field, value) in [
                ("seconded_members", &mut row.seconded_members),
                ("ageing_members", &mut row.ageing_members),
            ] {
                rule.subset(members_hidden, field, value, &mut row.suppressed_fields);
            }
        }
    }
}

impl SmallCells for Statistics {
    fn small_cells(&mut self, rule: Suppression) {
        rule.average(self.total_members, false, &mut self.average_age, None);
        for counted in &mut self.breakdowns {
            rule.breakdown(&mut counted.rows);
        }
        rule.across_rows(&mut self.units, "members", |unit| {
            (&mut unit.members, &mut unit.suppressed_fields)
        });
    }
}

impl SmallCells for Movements {
    fn small_cells(&mut self, rule: Suppression) {
        // Of whom the admissions were: overlapping subsets of the admitted, each shown against
        // the total only. The movement totals feed the reconciliation and stay.
        if let Some(admitted) = &mut self.admitted {
            for (field, value) in [
                ("under_30", &mut admitted.under_30),
                ("youth_union", &mut admitted.youth_union),
                ("ethnic_minority", &mut admitted.ethnic_minority),
                ("women", &mut admitted.women),
                ("readmitted", &mut admitted.readmitted),
            ] {
                rule.subset(false, field, value, &mut admitted.suppressed_fields);
            }
        }
    }
}

/// Responses with no count below their totals, or read only by callers with the records right
/// (who are never suppressed): nothing to hide.
macro_rules! no_small_cells {
    ($($response:ty),*) => {
        $(impl SmallCells for $response {
            fn small_cells(&mut self, _rule: Suppression) {}
        })*
    };
}

no_small_cells!(
    // Commune totals per year and month.
    AdmissionsReport,
    // Commune totals of the year.
    AdmissionProgress,
    // Counts cells, not people.
    CellRatingSummary,
    // Per-commune totals.
    RankCommunesResponse,
    // Records right needed.
    ListDeadlinesResponse,
    MonthlyBriefing,
    ListBadgesDueResponse,
    // No figures.
    Freshness,
    ListAuditEntriesResponse
);

#[cfg(test)]
mod tests;
