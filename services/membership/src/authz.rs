//! Authorisation of every RPC of the membership server, in one place: [`METHODS`] says, for each
//! full method name, which right the caller needs and where the scope of the call comes from;
//! [`Authz::check`] applies it before any handler looks at the request, and [`Grant::finish`]
//! clears personal fields from the reply and writes the audit entry. The `handlers!` macro of
//! [`crate::grpc`] routes every unary handler through both, and `WatchChanges` calls them itself.
//!
//! Scope: a scoped (non-national) caller may address a resource only when its commune is one the
//! token lists, or that commune's province today, after the recorded province merges, is one of
//! the token's provinces (the merges are followed only for callers scoped to provinces). A
//! resource that does not exist, or a name that cannot be read, is refused with the same
//! PERMISSION_DENIED as one in another province, so that a refusal never tells whether something
//! exists. National callers are not resolved at all: they get the handlers' usual
//! INVALID_ARGUMENT and NOT_FOUND.

use std::collections::HashMap;
use std::sync::Arc;

use partyregistry_kit::audit::{AuditLog, AuditRecord, code_name};
use partyregistry_kit::auth::{Caller, Right};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::audit::v1 as audit_pb;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_vocab::{date, names};
use sqlx::Row;
use tonic::Status;

use crate::convert::admission::parse_candidate;
use crate::domain::units::UnitLevel;
use crate::service::Membership;
use crate::store::units::{list_merges, successor_of};

/// The most successive province merges followed from one province.
const MAX_MERGE_CHAIN: usize = 64;

pub use partyregistry_kit::auth::OUT_OF_SCOPE;

/// A token whose communes lie outside its provinces.
pub const SCOPE_MISMATCH: &str = "phạm vi của mã thông báo có xã nằm ngoài các tỉnh của nó (scope names a commune outside its province)";

const ERROR_DOMAIN: &str = "membership.partyregistry";

/// Where the scope of a call comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Reference data (provinces, merges, reference lists, rule versions, holidays) and the audit
    /// trail: no territorial scope.
    Open,
    /// A write of national reference data: the caller must hold a national token.
    National,
    /// The resources the request names ([`Addressed::targets`]): each must be in scope.
    Addressed,
    /// A list without a parent (ListCommunes): answered with the caller's scope only.
    Filtered,
    /// The change feed: each change is sent only when in scope.
    Feed,
}

/// What a method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The right, or `None` when any valid token will do.
    pub right: Option<Right>,
    /// Where the scope comes from.
    pub scope: Scope,
}

impl Rule {
    /// Reads of member or candidate records and every write are audited, whatever the outcome.
    pub fn audited(&self) -> bool {
        matches!(self.right, Some(Right::Records | Right::Write))
    }
}

const fn rule(right: Right, scope: Scope) -> Rule {
    Rule {
        right: Some(right),
        scope,
    }
}

const OPEN: Rule = Rule {
    right: None,
    scope: Scope::Open,
};

macro_rules! membership {
    ($method:literal) => {
        concat!("/partyregistry.membership.v1.MembershipService/", $method)
    };
}
macro_rules! admission {
    ($method:literal) => {
        concat!("/partyregistry.membership.v1.AdmissionService/", $method)
    };
}
macro_rules! reference {
    ($method:literal) => {
        concat!("/partyregistry.membership.v1.ReferenceService/", $method)
    };
}
pub(crate) use {admission, membership, reference};

use Right::{Admin, Aggregates, Records, Write};
use Scope::{Addressed as A, Feed, Filtered, National};

/// Every method the membership server answers, with what it needs. A unit test checks it against
/// the service descriptors, so a new RPC cannot be served without an entry.
pub const METHODS: &[(&str, Rule)] = &[
    (membership!("GetCommune"), rule(Aggregates, A)),
    (membership!("ListCommunes"), rule(Aggregates, Filtered)),
    (membership!("CreateCommune"), rule(Write, A)),
    (membership!("UpdateCommune"), rule(Write, A)),
    (membership!("GetCell"), rule(Aggregates, A)),
    (membership!("ListCells"), rule(Aggregates, A)),
    (membership!("CreateCell"), rule(Write, A)),
    (membership!("UpdateCell"), rule(Write, A)),
    (membership!("GetMember"), rule(Records, A)),
    (membership!("ListMembers"), rule(Records, A)),
    (membership!("CreateMember"), rule(Write, A)),
    (membership!("UpdateMember"), rule(Write, A)),
    (membership!("RecordAdmission"), rule(Write, A)),
    (membership!("RecordCeremony"), rule(Write, A)),
    (membership!("RecognizeOfficial"), rule(Write, A)),
    (membership!("TransferMember"), rule(Write, A)),
    (membership!("ExemptMember"), rule(Write, A)),
    (membership!("EndExemption"), rule(Write, A)),
    (membership!("RecordDeparture"), rule(Write, A)),
    (membership!("ListMemberEvents"), rule(Records, A)),
    (membership!("WatchChanges"), rule(Records, Feed)),
    (admission!("GetCandidate"), rule(Records, A)),
    (admission!("ListCandidates"), rule(Records, A)),
    (admission!("CreateCandidate"), rule(Write, A)),
    (admission!("UpdateCandidate"), rule(Write, A)),
    (admission!("AdvanceCandidate"), rule(Write, A)),
    (admission!("CheckEligibility"), rule(Records, A)),
    (admission!("AdmitCandidate"), rule(Write, A)),
    (admission!("ListRuleVersions"), OPEN),
    (admission!("CreateRuleVersion"), rule(Write, National)),
    (admission!("UpdateRuleVersion"), rule(Write, National)),
    (admission!("ListHolidays"), OPEN),
    (admission!("SetHoliday"), rule(Write, National)),
    (admission!("DeleteHoliday"), rule(Write, National)),
    (admission!("SetTarget"), rule(Write, A)),
    (admission!("ListTargets"), rule(Aggregates, A)),
    (admission!("SetCellPlan"), rule(Write, A)),
    (admission!("ListCellPlans"), rule(Aggregates, A)),
    (admission!("RateCell"), rule(Write, A)),
    (admission!("ListCellRatings"), rule(Aggregates, A)),
    (admission!("RateMember"), rule(Write, A)),
    (reference!("ListProvinces"), OPEN),
    (reference!("GetProvince"), OPEN),
    (reference!("CreateProvince"), rule(Write, National)),
    (reference!("UpdateProvince"), rule(Write, National)),
    (reference!("ListMerges"), OPEN),
    (reference!("CreateMerge"), rule(Write, National)),
    (reference!("GetReferenceList"), OPEN),
    (
        "/partyregistry.audit.v1.AuditService/ListAuditEntries",
        rule(Admin, Scope::Open),
    ),
];

/// The rule of `method`; `None` for a method missing from [`METHODS`] (refused).
pub fn rule_of(method: &str) -> Option<Rule> {
    METHODS
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, rule)| *rule)
}

/// A resource a request names, as sent (not yet validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `communes/{c}`.
    Commune(String),
    /// `communes/{c}/cells/{id}`.
    Cell(String),
    /// `members/{id}`.
    Member(String),
    /// `candidates/{id}`.
    Candidate(String),
    /// A commune being created: its code and province code from the request body.
    NewCommune {
        /// The commune code.
        code: String,
        /// The province code it is created in.
        province: String,
    },
    /// A required resource that the request does not carry.
    Missing,
}

impl Target {
    /// The name for the audit trail.
    pub fn name(&self) -> String {
        match self {
            Self::Commune(n) | Self::Cell(n) | Self::Member(n) | Self::Candidate(n) => n.clone(),
            Self::NewCommune { code, .. } => names::commune(code),
            Self::Missing => String::new(),
        }
    }
}

/// A request that names the resources its scope is checked against.
pub trait Addressed {
    /// The resources, in scope order; empty for requests whose rule is not [`Scope::Addressed`].
    fn targets(&self) -> Vec<Target>;
}

macro_rules! addressed {
    ($($request:ty => |$r:ident| $targets:expr;)*) => {
        $(
            impl Addressed for $request {
                fn targets(&self) -> Vec<Target> {
                    let $r = self;
                    $targets
                }
            }
        )*
    };
}

fn inner<T>(value: Option<&T>, name: impl Fn(&T) -> Target) -> Vec<Target> {
    vec![value.map_or(Target::Missing, name)]
}

addressed! {
    pb::GetCommuneRequest => |r| vec![Target::Commune(r.name.clone())];
    pb::ListCommunesRequest => |_r| Vec::new();
    pb::CreateCommuneRequest => |r| inner(r.commune.as_ref(), |c| Target::NewCommune {
        code: c.code.trim().to_owned(),
        province: c.province_code.trim().to_owned(),
    });
    // An update may move a commune to another province, or a candidate to another cell: the
    // destination must be in scope as well.
    pb::UpdateCommuneRequest => |r| {
        let mut targets = inner(r.commune.as_ref(), |c| Target::Commune(c.name.clone()));
        if let Some(c) = r.commune.as_ref().filter(|c| !c.province_code.trim().is_empty()) {
            targets.push(Target::NewCommune {
                code: c.name.strip_prefix("communes/").unwrap_or_default().to_owned(),
                province: c.province_code.trim().to_owned(),
            });
        }
        targets
    };
    pb::GetCellRequest => |r| vec![Target::Cell(r.name.clone())];
    pb::ListCellsRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::CreateCellRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::UpdateCellRequest => |r| inner(r.cell.as_ref(), |c| Target::Cell(c.name.clone()));
    pb::GetMemberRequest => |r| vec![Target::Member(r.name.clone())];
    pb::ListMembersRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::CreateMemberRequest => |r| inner(r.member.as_ref(), |m| Target::Cell(m.cell.clone()));
    pb::UpdateMemberRequest => |r| inner(r.member.as_ref(), |m| Target::Member(m.name.clone()));
    pb::RecordAdmissionRequest => |r| inner(r.member.as_ref(), |m| Target::Cell(m.cell.clone()));
    pb::RecordCeremonyRequest => |r| vec![Target::Member(r.name.clone())];
    pb::RecognizeOfficialRequest => |r| vec![Target::Member(r.name.clone())];
    // A transfer writes into the destination cell's commune too: both must be in scope.
    pb::TransferMemberRequest => |r| {
        let mut targets = vec![Target::Member(r.name.clone())];
        if !r.to_cell.is_empty() {
            targets.push(Target::Cell(r.to_cell.clone()));
        }
        targets
    };
    pb::ExemptMemberRequest => |r| vec![Target::Member(r.name.clone())];
    pb::EndExemptionRequest => |r| vec![Target::Member(r.name.clone())];
    pb::RecordDepartureRequest => |r| vec![Target::Member(r.name.clone())];
    pb::ListMemberEventsRequest => |r| vec![Target::Member(r.parent.clone())];
    pb::WatchChangesRequest => |_r| Vec::new();
    pb::GetCandidateRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::ListCandidatesRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::CreateCandidateRequest => |r| inner(r.candidate.as_ref(), |c| Target::Cell(c.cell.clone()));
    pb::UpdateCandidateRequest => |r| {
        let mut targets = inner(r.candidate.as_ref(), |c| Target::Candidate(c.name.clone()));
        if let Some(c) = r.candidate.as_ref().filter(|c| !c.cell.is_empty()) {
            targets.push(Target::Cell(c.cell.clone()));
        }
        targets
    };
    pb::AdvanceCandidateRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::CheckEligibilityRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::AdmitCandidateRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::ListRuleVersionsRequest => |_r| Vec::new();
    pb::CreateRuleVersionRequest => |_r| Vec::new();
    pb::UpdateRuleVersionRequest => |_r| Vec::new();
    pb::ListHolidaysRequest => |_r| Vec::new();
    pb::SetHolidayRequest => |_r| Vec::new();
    pb::DeleteHolidayRequest => |_r| Vec::new();
    pb::SetTargetRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::ListTargetsRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::SetCellPlanRequest => |r| vec![Target::Cell(r.parent.clone())];
    pb::ListCellPlansRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::RateCellRequest => |r| vec![Target::Cell(r.parent.clone())];
    pb::ListCellRatingsRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::RateMemberRequest => |r| vec![Target::Member(r.parent.clone())];
    pb::ListProvincesRequest => |_r| Vec::new();
    pb::GetProvinceRequest => |_r| Vec::new();
    pb::CreateProvinceRequest => |_r| Vec::new();
    pb::UpdateProvinceRequest => |_r| Vec::new();
    pb::ListMergesRequest => |_r| Vec::new();
    pb::CreateMergeRequest => |_r| Vec::new();
    pb::GetReferenceListRequest => |_r| Vec::new();
    audit_pb::ListAuditEntriesRequest => |_r| Vec::new();
}

/// A reply: which people it carries (for the audit trail) and how to clear their personal fields.
pub trait Reply {
    /// Names of the members and candidates in the reply.
    fn people(&self) -> Vec<String> {
        Vec::new()
    }
    /// Clears citizen ID, birth date, phone and address of every person in the reply.
    fn redact(&mut self) {}
}

/// Clears a member's personal fields.
pub fn redact_member(member: &mut pb::Member) {
    member.citizen_id.clear();
    member.birth_date.clear();
    member.phone.clear();
    member.address.clear();
}

/// Clears a candidate's personal fields.
pub fn redact_candidate(candidate: &mut pb::Candidate) {
    candidate.citizen_id.clear();
    candidate.birth_date.clear();
}

impl Reply for pb::Member {
    fn people(&self) -> Vec<String> {
        vec![self.name.clone()]
    }
    fn redact(&mut self) {
        redact_member(self);
    }
}

impl Reply for pb::ListMembersResponse {
    fn people(&self) -> Vec<String> {
        self.members.iter().map(|m| m.name.clone()).collect()
    }
    fn redact(&mut self) {
        self.members.iter_mut().for_each(redact_member);
    }
}

impl Reply for pb::Candidate {
    fn people(&self) -> Vec<String> {
        vec![self.name.clone()]
    }
    fn redact(&mut self) {
        redact_candidate(self);
    }
}

impl Reply for pb::ListCandidatesResponse {
    fn people(&self) -> Vec<String> {
        self.candidates.iter().map(|c| c.name.clone()).collect()
    }
    fn redact(&mut self) {
        self.candidates.iter_mut().for_each(redact_candidate);
    }
}

impl Reply for pb::Change {
    fn people(&self) -> Vec<String> {
        match &self.resource {
            Some(Resource::Member(m)) => vec![m.name.clone()],
            Some(Resource::Candidate(c)) => vec![c.name.clone()],
            _ => Vec::new(),
        }
    }
    fn redact(&mut self) {
        match &mut self.resource {
            Some(Resource::Member(m)) => redact_member(m),
            Some(Resource::Candidate(c)) => redact_candidate(c),
            _ => {}
        }
    }
}

macro_rules! no_people {
    ($($reply:ty),* $(,)?) => { $(impl Reply for $reply {})* };
}

no_people!(
    (),
    pb::Commune,
    pb::ListCommunesResponse,
    pb::Cell,
    pb::ListCellsResponse,
    pb::ListMemberEventsResponse,
    pb::Eligibility,
    pb::RuleVersion,
    pb::ListRuleVersionsResponse,
    pb::Holiday,
    pb::ListHolidaysResponse,
    pb::Target,
    pb::ListTargetsResponse,
    pb::CellPlan,
    pb::ListCellPlansResponse,
    pb::CellRating,
    pb::ListCellRatingsResponse,
    pb::MemberRating,
    pb::Province,
    pb::ListProvincesResponse,
    pb::UnitMerge,
    pb::ListMergesResponse,
    pb::ReferenceList,
    audit_pb::ListAuditEntriesResponse,
);

/// The audit detail of a failure: the kind of error and the fields or resource concerned, never
/// the values sent (a violation's description may quote a citizen ID or a phone number).
pub fn failure_detail(error: &ApiError) -> String {
    match error {
        ApiError::InvalidArgument(violations) => {
            let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
            format!("invalid fields: {}", fields.join(", "))
        }
        ApiError::NotFound { name, .. } => format!("not found: {name}"),
        ApiError::AlreadyExists { name, .. } => format!("already exists: {name}"),
        ApiError::Aborted { name } => format!("stale etag: {name}"),
        ApiError::FailedPrecondition { .. } => format!("precondition failed: {}", error.reason()),
        ApiError::PermissionDenied(message) | ApiError::Unauthenticated(message) => message.clone(),
        ApiError::Unavailable(_) => "unavailable".to_owned(),
        ApiError::DeadlineExceeded(_) => "deadline exceeded".to_owned(),
        ApiError::Internal(_) => "internal error".to_owned(),
    }
}

fn status(error: ApiError) -> Status {
    error.into_status(ERROR_DOMAIN)
}

fn denied() -> ApiError {
    ApiError::PermissionDenied(OUT_OF_SCOPE.to_owned())
}

/// The scope of one resource: its commune and that commune's province today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Commune code.
    pub commune: String,
    /// Province code today, after recorded province merges.
    pub province: String,
}

/// Where a resource is recorded: its commune, and that commune's province as stored (before the
/// province merges are followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPlace {
    /// Commune code.
    pub commune: String,
    /// Province code as stored with the commune.
    pub province: String,
}

/// Applies [`METHODS`] and writes the audit trail.
#[derive(Debug, Clone)]
pub struct Authz {
    membership: Arc<Membership>,
    audit: AuditLog,
}

/// A call that passed [`Authz::check`]: what [`Grant::finish`] needs to shape and audit the reply.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The full method name.
    pub method: &'static str,
    /// Who called.
    pub caller: Caller,
    /// The method's rule.
    pub rule: Rule,
    /// The names the request addressed.
    pub resources: Vec<String>,
    audit: AuditLog,
}

impl Authz {
    /// Checks over `membership`'s database, auditing into `audit`.
    pub fn new(membership: Arc<Membership>, audit: AuditLog) -> Self {
        Self { membership, audit }
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// Decides whether `caller` may call `method` with `request`; a refusal is audited and
    /// returned as the status to answer.
    pub async fn check<R: Addressed>(
        &self,
        method: &'static str,
        caller: &Caller,
        request: &R,
    ) -> Result<Grant, Status> {
        let targets = request.targets();
        let resources: Vec<String> = targets
            .iter()
            .map(Target::name)
            .filter(|n| !n.is_empty())
            .collect();
        match self.decide(method, caller, &targets).await {
            Ok(rule) => Ok(Grant {
                method,
                caller: caller.clone(),
                rule,
                resources,
                audit: self.audit.clone(),
            }),
            Err(error) => {
                let detail = failure_detail(&error);
                let status = status(error);
                self.audit
                    .record(AuditRecord {
                        subject: caller.subject.clone(),
                        method: method.to_owned(),
                        resources,
                        personal_fields: false,
                        outcome: code_name(status.code()).to_owned(),
                        detail,
                    })
                    .await;
                Err(status)
            }
        }
    }

    async fn decide(
        &self,
        method: &str,
        caller: &Caller,
        targets: &[Target],
    ) -> Result<Rule, ApiError> {
        let rule = rule_of(method)
            .ok_or_else(|| ApiError::PermissionDenied(format!("{method} is not authorised")))?;
        // The server layer always inserts the verified caller; the kit answers a request that never
        // passed it with an empty subject, which must not reach even open reference data.
        if caller.subject.is_empty() {
            return Err(ApiError::Unauthenticated(
                "lời gọi không có người gọi đã xác thực (no verified caller)".to_owned(),
            ));
        }
        self.check_token_scope(caller).await?;
        if let Some(right) = rule.right {
            caller.require(right)?;
        }
        if caller.national {
            return Ok(rule);
        }
        match rule.scope {
            Scope::Open | Scope::Filtered | Scope::Feed => Ok(rule),
            Scope::National => Err(denied()),
            Scope::Addressed => {
                if targets.is_empty() {
                    return Err(denied());
                }
                for target in targets {
                    let seen = match self.recorded_place_of(target).await? {
                        Some(recorded) => self.sees_recorded(caller, recorded).await?,
                        None => false,
                    };
                    if !seen {
                        return Err(denied());
                    }
                }
                Ok(rule)
            }
        }
    }

    /// Whether `caller` sees `place`.
    pub fn sees(&self, caller: &Caller, place: &Place) -> bool {
        caller.sees_commune(&place.commune, &place.province)
    }

    /// Whether `caller` sees a resource recorded at `recorded`. A commune the token lists needs no
    /// further lookup; only a caller scoped to provinces makes the province merges be followed.
    pub async fn sees_recorded(
        &self,
        caller: &Caller,
        recorded: RecordedPlace,
    ) -> Result<bool, ApiError> {
        if caller.national || caller.communes.contains(&recorded.commune) {
            return Ok(true);
        }
        if caller.provinces.is_empty() {
            return Ok(false);
        }
        Ok(self.sees(caller, &self.resolve(recorded).await?))
    }

    /// A token listing both provinces and communes must not name a commune outside its
    /// provinces.
    async fn check_token_scope(&self, caller: &Caller) -> Result<(), ApiError> {
        if caller.national || caller.provinces.is_empty() || caller.communes.is_empty() {
            return Ok(());
        }
        for code in &caller.communes {
            let inside = match self.commune_place(code).await? {
                Some(place) => caller.provinces.contains(&place.province),
                // An unknown commune cannot be shown to lie in the token's provinces.
                None => false,
            };
            if !inside {
                return Err(ApiError::Unauthenticated(SCOPE_MISMATCH.to_owned()));
            }
        }
        Ok(())
    }

    /// The commune (and its province as stored) of a target; `None` when it cannot be read or
    /// does not exist.
    pub async fn recorded_place_of(
        &self,
        target: &Target,
    ) -> Result<Option<RecordedPlace>, ApiError> {
        match target {
            Target::Commune(name) => match names::parse_commune("name", name) {
                Ok(code) => self.recorded_commune_place(&code).await,
                Err(_) => Ok(None),
            },
            Target::Cell(name) => match names::parse_cell("name", name) {
                Ok((code, _)) => self.recorded_commune_place(&code).await,
                Err(_) => Ok(None),
            },
            Target::Member(name) => match names::parse_member("name", name) {
                Ok(id) => self.recorded_owner_place("members", id).await,
                Err(_) => Ok(None),
            },
            Target::Candidate(name) => match parse_candidate("name", name) {
                Ok(id) => self.recorded_owner_place("candidates", id).await,
                Err(_) => Ok(None),
            },
            Target::NewCommune { code, province } => {
                if !names::is_commune_code(code) || province.is_empty() {
                    return Ok(None);
                }
                Ok(Some(RecordedPlace {
                    commune: code.clone(),
                    province: province.clone(),
                }))
            }
            Target::Missing => Ok(None),
        }
    }

    /// The recorded place of the commune a member or candidate belongs to.
    async fn recorded_owner_place(
        &self,
        table: &'static str,
        id: i64,
    ) -> Result<Option<RecordedPlace>, ApiError> {
        let row = sqlx::query(&format!("select commune_code from {table} where id = $1"))
            .bind(id)
            .fetch_optional(self.membership.store().pool())
            .await?;
        match row {
            Some(row) => {
                let code: String = row.try_get("commune_code")?;
                self.recorded_commune_place(&code).await
            }
            None => Ok(None),
        }
    }

    /// A stored commune's place; `None` when there is no such commune.
    pub async fn commune_place(&self, code: &str) -> Result<Option<Place>, ApiError> {
        match self.recorded_commune_place(code).await? {
            Some(recorded) => Ok(Some(self.resolve(recorded).await?)),
            None => Ok(None),
        }
    }

    /// A stored commune with its province as stored; `None` when there is no such commune.
    pub async fn recorded_commune_place(
        &self,
        code: &str,
    ) -> Result<Option<RecordedPlace>, ApiError> {
        let row = sqlx::query("select province_code from communes where code = $1")
            .bind(code)
            .fetch_optional(self.membership.store().pool())
            .await?;
        match row {
            Some(row) => Ok(Some(RecordedPlace {
                commune: code.to_owned(),
                province: row.try_get("province_code")?,
            })),
            None => Ok(None),
        }
    }

    /// The place today of a recorded place: its province after the province merges.
    async fn resolve(&self, recorded: RecordedPlace) -> Result<Place, ApiError> {
        Ok(Place {
            province: self.province_today(&recorded.province).await?,
            commune: recorded.commune,
        })
    }

    /// `code`, or the province it was merged into by merges in effect today (followed through
    /// successive merges).
    pub async fn province_today(&self, code: &str) -> Result<String, ApiError> {
        let mut conn = self.membership.store().pool().acquire().await?;
        let today = date::today_in_vietnam();
        let mut current = code.to_owned();
        // Chains of merges are short; a cycle, which recorded merges should never form, stops
        // after MAX_MERGE_CHAIN steps.
        for _ in 0..MAX_MERGE_CHAIN {
            match successor_of(&mut conn, UnitLevel::Province, &current, today).await? {
                Some(next) => current = next,
                None => break,
            }
        }
        Ok(current)
    }

    /// Predecessor → successor of every province merge in effect today.
    pub async fn province_successors(&self) -> Result<HashMap<String, String>, ApiError> {
        let mut conn = self.membership.store().pool().acquire().await?;
        let today = date::today_in_vietnam();
        let merges = list_merges(&mut conn, Some(UnitLevel::Province)).await?;
        Ok(merges
            .into_iter()
            .filter(|m| m.effective_date <= today)
            .flat_map(|m| {
                let successor = m.successor_code.clone();
                m.predecessor_codes
                    .into_iter()
                    .filter(move |p| *p != successor)
                    .map(move |p| (p, m.successor_code.clone()))
            })
            .collect())
    }
}

/// Follows `code` through `successors`; a cycle (which recorded merges should never form) stops
/// after as many steps as there are merges.
pub fn follow(successors: &HashMap<String, String>, code: &str) -> String {
    let mut current = code.to_owned();
    for _ in 0..=successors.len() {
        match successors.get(&current) {
            Some(next) => current = next.clone(),
            None => break,
        }
    }
    current
}

impl Grant {
    /// Shapes the handler's result for the caller (personal fields cleared without the
    /// `personal` right), audits it when the method is audited or the call failed, and turns it
    /// into the answer.
    pub async fn finish<T: Reply>(&self, result: Result<T, ApiError>) -> Result<T, Status> {
        let personal = self.caller.has(Right::Personal);
        match result {
            Ok(mut reply) => {
                if !personal {
                    reply.redact();
                }
                if self.rule.audited() {
                    let people = reply.people();
                    let mut resources = self.resources.clone();
                    for name in &people {
                        if !resources.contains(name) {
                            resources.push(name.clone());
                        }
                    }
                    self.record(
                        resources,
                        personal && !people.is_empty(),
                        "OK",
                        String::new(),
                    )
                    .await;
                }
                Ok(reply)
            }
            Err(error) => {
                let detail = failure_detail(&error);
                let status = status(error);
                self.record(
                    self.resources.clone(),
                    false,
                    code_name(status.code()),
                    detail,
                )
                .await;
                Err(status)
            }
        }
    }

    /// Writes one audit entry of this call.
    pub async fn record(
        &self,
        resources: Vec<String>,
        personal_fields: bool,
        outcome: &str,
        detail: String,
    ) {
        self.audit
            .record(AuditRecord {
                subject: self.caller.subject.clone(),
                method: self.method.to_owned(),
                resources,
                personal_fields,
                outcome: outcome.to_owned(),
                detail,
            })
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn every_served_method_has_a_rule() {
        let set = prost_types::FileDescriptorSet::decode(partyregistry_proto::FILE_DESCRIPTOR_SET)
            .expect("the compiled descriptor set decodes");
        let served = [
            "partyregistry.membership.v1.MembershipService",
            "partyregistry.membership.v1.AdmissionService",
            "partyregistry.membership.v1.ReferenceService",
            "partyregistry.audit.v1.AuditService",
        ];
        let mut seen = 0;
        for file in &set.file {
            for service in &file.service {
                let full = format!("{}.{}", file.package(), service.name());
                if !served.contains(&full.as_str()) {
                    continue;
                }
                seen += 1;
                for method in &service.method {
                    let name = format!("/{full}/{}", method.name());
                    assert!(rule_of(&name).is_some(), "{name} has no authorisation rule");
                }
            }
        }
        assert_eq!(
            seen,
            served.len(),
            "every served service is in the descriptors"
        );
        // And nothing in the table that is not served.
        for (name, _) in METHODS {
            let (service, method) = name
                .trim_start_matches('/')
                .split_once('/')
                .expect("full method names have a slash");
            let exists = set.file.iter().any(|file| {
                file.service.iter().any(|s| {
                    format!("{}.{}", file.package(), s.name()) == service
                        && s.method.iter().any(|m| m.name() == method)
                })
            });
            assert!(exists, "{name} is not a method of the descriptors");
        }
    }

    #[test]
    fn the_audit_migration_is_the_kit_table() {
        assert_eq!(
            include_str!("../migrations/0004_audit.sql"),
            partyregistry_kit::audit::AUDIT_TABLE_SQL
        );
    }

    #[test]
    fn merges_are_followed() {
        let successors: HashMap<String, String> =
            [("01", "02"), ("02", "03"), ("09", "08"), ("08", "09")]
                .into_iter()
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .collect();
        assert_eq!(follow(&successors, "01"), "03");
        assert_eq!(follow(&successors, "05"), "05");
        // A cycle ends.
        let _ = follow(&successors, "09");
    }

    #[test]
    fn personal_fields_are_cleared() {
        let mut member = pb::Member {
            name: "members/1".into(),
            full_name: "Nguyễn Văn A".into(),
            citizen_id: "001099000001".into(),
            birth_date: "1990-01-01".into(),
            phone: "0900000000".into(),
            address: "Hà Nội".into(),
            ..Default::default()
        };
        member.redact();
        assert_eq!(
            (
                member.citizen_id.as_str(),
                member.birth_date.as_str(),
                member.phone.as_str(),
                member.address.as_str(),
                member.full_name.as_str()
            ),
            ("", "", "", "", "Nguyễn Văn A")
        );
        let mut candidate = pb::Candidate {
            citizen_id: "001099000002".into(),
            birth_date: "1999-01-01".into(),
            ..Default::default()
        };
        candidate.redact();
        assert!(candidate.citizen_id.is_empty() && candidate.birth_date.is_empty());
    }
}
