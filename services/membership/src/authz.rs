//! Authorisation of every RPC of the membership server, in one place: [`METHODS`] says, for each
//! full method name, which right the caller needs and where the scope of the call comes from; the
//! kit's authorisation gate applies it ([`Authz::check`]) before any handler looks at the
//! request, and [`Grant::finish`] clears personal fields from the reply and writes the audit
//! entry. The gRPC handlers route every unary call through both; `WatchChanges` calls them
//! itself.
//!
//! Scope: a scoped (non-national) caller may address a resource only when its commune is one the
//! token lists, or that commune's province today, after the recorded province merges, is one of
//! the token's provinces (the merges are followed only for callers scoped to provinces). A
//! resource that does not exist, or a name that cannot be read, is refused with the same
//! PERMISSION_DENIED as one in another province, so that a refusal never tells whether something
//! exists. National callers are not resolved at all: they get the handlers' usual
//! INVALID_ARGUMENT and NOT_FOUND.
//!
//! Owns the table, what each message of the contracts addresses and which of its fields are
//! personal (`messages`), and the resolver over this service's store (`resolver`). Does not
//! own the decision and the audit entries (the kit's `authz`) nor any SQL (`store::scope`).

mod messages;
mod resolver;

use std::sync::Arc;

use partyregistry_kit::audit::AuditLog;
use partyregistry_kit::auth::{Caller, Right};
use partyregistry_kit::authz::{Addressed, Audit, Gate, Rule, Scope, Successions};
use partyregistry_kit::error::ApiError;
use tonic::Status;

use crate::service::Membership;

pub use partyregistry_kit::authz::{OUT_OF_SCOPE, RecordedPlace, Reply, Target};
pub use resolver::MembershipScope;

/// A token whose communes lie outside its provinces.
pub const SCOPE_MISMATCH: &str = "phạm vi của mã thông báo có xã nằm ngoài các tỉnh của nó (scope names a commune outside its province)";

const ERROR_DOMAIN: &str = "membership.partyregistry";

/// Reads of member or candidate records and every write are audited, whatever the outcome; the
/// other calls when they fail.
const fn rule(right: Right, scope: Scope) -> Rule {
    Rule {
        right: Some(right),
        scope,
        audit: match right {
            Right::Records | Right::Write => Audit::Every,
            Right::Aggregates | Right::Personal | Right::Admin => Audit::Failures,
        },
    }
}

/// Reference data: any valid token, no territorial scope.
const OPEN: Rule = Rule {
    right: None,
    scope: Scope::Open,
    audit: Audit::Failures,
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
    (membership!("RecordDiscipline"), rule(Write, A)),
    (membership!("ListMemberEvents"), rule(Records, A)),
    (membership!("WatchChanges"), rule(Records, Feed)),
    // A count of changes, the same for every caller: no scope to check.
    (membership!("GetFeedHead"), OPEN),
    // Each row names its own commune: the handler refuses, row by row, those outside the scope.
    (membership!("ImportRoster"), rule(Write, Filtered)),
    // A conflict names two members: the handlers keep or refuse by whether the caller covers both.
    (
        membership!("ListIdentityConflicts"),
        rule(Records, Filtered),
    ),
    (
        membership!("ResolveIdentityConflict"),
        rule(Write, Filtered),
    ),
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
    (
        "/partyregistry.audit.v1.AuditService/VerifyAuditTrail",
        rule(Admin, Scope::Open),
    ),
];

/// The rule of `method`; `None` for a method missing from [`METHODS`] (refused).
pub fn rule_of(method: &str) -> Option<Rule> {
    partyregistry_kit::authz::rule_of(METHODS, method).copied()
}

/// A call that passed [`Authz::check`]: what [`Grant::finish`] needs to shape and audit the reply.
pub type Grant = partyregistry_kit::authz::Grant<MembershipScope>;

/// Applies [`METHODS`] over this service's store and writes the audit trail.
#[derive(Debug, Clone)]
pub struct Authz {
    gate: Gate<MembershipScope>,
}

impl Authz {
    /// Checks over `membership`'s database, auditing into `audit`.
    pub fn new(membership: Arc<Membership>, audit: AuditLog) -> Self {
        let resolver = MembershipScope::new(membership.store().clone());
        Self {
            gate: Gate::new(METHODS, resolver, audit, ERROR_DOMAIN),
        }
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        self.gate.audit()
    }

    /// Decides whether `caller` may call `method` with `request`; a refusal is audited and
    /// returned as the status to answer.
    pub async fn check<R: Addressed<MembershipScope>>(
        &self,
        method: &'static str,
        caller: &Caller,
        request: &R,
    ) -> Result<Grant, Status> {
        self.gate.check(method, caller, request).await
    }

    /// Whether `caller` sees a resource recorded at `recorded`. A commune the token lists needs no
    /// further lookup; only a caller scoped to provinces makes the province merges be followed.
    pub async fn sees_recorded(
        &self,
        caller: &Caller,
        recorded: RecordedPlace,
    ) -> Result<bool, ApiError> {
        self.gate.sees_recorded(caller, &recorded).await
    }

    /// The commune (and its province as stored) of a target; `None` when it cannot be read or
    /// does not exist.
    pub async fn recorded_place_of(
        &self,
        target: &Target,
    ) -> Result<Option<RecordedPlace>, ApiError> {
        self.gate.recorded_place(target).await
    }

    /// A stored commune with its province as stored; `None` when there is no such commune.
    pub async fn recorded_commune_place(
        &self,
        code: &str,
    ) -> Result<Option<RecordedPlace>, ApiError> {
        self.gate.resolver().recorded_commune(code).await
    }

    /// Predecessor → successor of every province merge in effect today.
    pub async fn province_successors(&self) -> Result<Successions, ApiError> {
        self.gate.province_successions().await
    }
}

/// Follows `code` through `successors`: the province it belongs to today.
pub fn follow(successors: &Successions, code: &str) -> String {
    successors.follow(code)
}

#[cfg(test)]
mod tests;
