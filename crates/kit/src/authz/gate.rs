//! The decision and its audit: [`Gate::check`] runs before a handler reads or validates its
//! request, refuses with the one answer every refusal gets (UNAUTHENTICATED for a call without a
//! verified caller or with an inconsistent token, PERMISSION_DENIED otherwise, with
//! [`OUT_OF_SCOPE`] whenever the scope is what fails, whether or not the resource exists) and
//! writes the refusal to the audit trail; a call it lets through gets a [`Grant`], which shapes
//! and audits the handler's result.
//!
//! Owns the order of the checks, the scope rules and the audit entries of decisions and answers.
//! Does not own storage: a service's [`ScopeResolver`] reads where things are recorded.

use std::collections::HashSet;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use tonic::Status;

use super::table::{Audit, Rule, Scope, rule_of};
use super::target::{Addressed, RecordedPlace, Reply, Target};
use crate::audit::{AuditLog, AuditRecord, code_name};
use crate::auth::{Caller, OUT_OF_SCOPE, Right};
use crate::error::ApiError;
use partyregistry_vocab::merges::Successions;

/// The answer to a request that never passed the server layer's authentication: it must not
/// reach even open reference data.
const NO_VERIFIED_CALLER: &str = "lời gọi không có người gọi đã xác thực (no verified caller)";

/// How a resolver knows the administrative units, which decides how a token's communes are
/// checked against its provinces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// It is their record: a commune it does not know does not exist (the token is refused), and
    /// every call is checked again, as a commune may move to another province.
    Recorded,
    /// It follows their record (a read model): a commune it does not know yet is checked again
    /// on a later call, and a scope found consistent is remembered.
    Followed,
}

/// One service's view of where things are: what the [`Gate`] asks of its storage.
pub trait ScopeResolver: Send + Sync {
    /// How the units are known.
    const UNITS: Units;
    /// The message of the UNAUTHENTICATED answer to a token listing both provinces and a commune
    /// outside them.
    const SCOPE_MISMATCH: &'static str;

    /// Where `target` is recorded; `None` when its name cannot be read or it does not exist.
    /// Asked only of the targets the service's own requests name, and of communes by name.
    fn recorded_place(
        &self,
        target: &Target,
    ) -> impl Future<Output = Result<Option<RecordedPlace>, ApiError>> + Send;

    /// The province merges in effect on `day`.
    fn province_successions(
        &self,
        day: Date,
    ) -> impl Future<Output = Result<Successions, ApiError>> + Send;
}

/// Applies a service's method table over its [`ScopeResolver`] and writes the audit trail.
#[derive(Debug, Clone)]
pub struct Gate<R> {
    table: &'static [(&'static str, Rule)],
    resolver: R,
    audit: AuditLog,
    /// The ErrorInfo domain of the answers.
    domain: &'static str,
    /// Keys of the token scopes found consistent, for [`Units::Followed`].
    consistent_scopes: Arc<Mutex<HashSet<String>>>,
}

/// A call that passed [`Gate::check`]: who called, what the method needs, what the request named;
/// [`Grant::finish`] turns the handler's result into the answer.
#[derive(Debug, Clone)]
pub struct Grant<R> {
    /// The full method name.
    pub method: &'static str,
    /// Who called.
    pub caller: Caller,
    /// The method's rule.
    pub rule: Rule,
    /// The names the request addressed.
    pub resources: Vec<String>,
    audit: AuditLog,
    domain: &'static str,
    resolver: PhantomData<fn() -> R>,
}

impl<R: ScopeResolver> Gate<R> {
    /// Decisions by `table` over `resolver`, audited into `audit`, answered with ErrorInfo
    /// `domain` (for example `membership.partyregistry`).
    pub fn new(
        table: &'static [(&'static str, Rule)],
        resolver: R,
        audit: AuditLog,
        domain: &'static str,
    ) -> Self {
        Self {
            table,
            resolver,
            audit,
            domain,
            consistent_scopes: Arc::default(),
        }
    }

    /// The audit trail.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// The resolver.
    pub fn resolver(&self) -> &R {
        &self.resolver
    }

    /// Decides whether `caller` may call `method` with `request`, before anything validates the
    /// request, so that a scoped caller learns nothing from its errors. In order: the method's
    /// rule, a verified caller, the token's consistency, the right(s), then the scope (national
    /// callers are not resolved at all). A refusal is audited and returned as the status to
    /// answer.
    pub async fn check<Q>(
        &self,
        method: &'static str,
        caller: &Caller,
        request: &Q,
    ) -> Result<Grant<R>, Status>
    where
        Q: Addressed<R> + ?Sized,
    {
        let Some(rule) = rule_of(self.table, method) else {
            // Unreachable while the table covers the descriptors (each service tests it); refuse
            // rather than serve a method nobody decided about.
            let error = ApiError::PermissionDenied(format!("{method} has no access rule"));
            return Err(self.refuse(caller, method, Vec::new(), error).await);
        };
        // The rule whose scope applies, and what the request names under it.
        let (scoped_by, targets) = match rule.scope {
            Scope::Carried(_) => match request
                .carried()
                .and_then(|(inner, carried)| Some((rule_of(self.table, inner)?, carried)))
            {
                Some((inner_rule, carried)) => (Some(inner_rule), carried.targets()),
                None => (None, Vec::new()),
            },
            _ => (Some(rule), request.targets()),
        };
        let resources: Vec<String> = targets
            .iter()
            .map(Target::name)
            .filter(|name| !name.is_empty())
            .collect();
        match self.decide(rule, scoped_by, caller, &targets).await {
            Ok(()) => Ok(Grant {
                method,
                caller: caller.clone(),
                rule: *rule,
                resources,
                audit: self.audit.clone(),
                domain: self.domain,
                resolver: PhantomData,
            }),
            Err(error) => Err(self.refuse(caller, method, resources, error).await),
        }
    }

    async fn decide(
        &self,
        rule: &Rule,
        scoped_by: Option<&Rule>,
        caller: &Caller,
        targets: &[Target],
    ) -> Result<(), ApiError> {
        // The server layer always inserts the verified caller; a request that never passed it
        // has an empty subject.
        if caller.subject.is_empty() {
            return Err(ApiError::Unauthenticated(NO_VERIFIED_CALLER.to_owned()));
        }
        self.check_token_scope(caller).await?;
        let Some(scoped_by) = scoped_by else {
            // A carrying request with nothing (known) inside: only a national caller goes on to
            // hear what is missing.
            if let Scope::Carried(least) = rule.scope {
                caller.require(least)?;
            }
            return national_only(caller);
        };
        for right in [rule.right, scoped_by.right].into_iter().flatten() {
            caller.require(right)?;
        }
        if caller.national {
            return Ok(());
        }
        match scoped_by.scope {
            Scope::Open | Scope::Filtered | Scope::Feed => Ok(()),
            Scope::National | Scope::Carried(_) => Err(out_of_scope()),
            Scope::Addressed => {
                if targets.is_empty() {
                    return Err(out_of_scope());
                }
                for target in targets {
                    if !self.sees(caller, target).await? {
                        return Err(out_of_scope());
                    }
                }
                Ok(())
            }
        }
    }

    /// Whether `caller` sees `target`: the country needs a national token, a province as a whole
    /// one that lists it, and anything recorded in a commune the rules of
    /// [`Gate::sees_recorded`]. What cannot be read or does not exist is not seen.
    pub async fn sees(&self, caller: &Caller, target: &Target) -> Result<bool, ApiError> {
        match target {
            Target::Country => Ok(caller.national),
            Target::Province(code) => Ok(caller.sees_province(code)),
            _ => match self.recorded_place(target).await? {
                Some(recorded) => self.sees_recorded(caller, &recorded).await,
                None => Ok(false),
            },
        }
    }

    /// Whether `caller` sees a resource recorded at `recorded`: a national caller or one listing
    /// the commune does without a lookup; a caller scoped to provinces sees it when the commune's
    /// province today, after the recorded province merges, is one of them.
    pub async fn sees_recorded(
        &self,
        caller: &Caller,
        recorded: &RecordedPlace,
    ) -> Result<bool, ApiError> {
        if caller.national || caller.communes.contains(&recorded.commune) {
            return Ok(true);
        }
        let Some(province) = &recorded.province else {
            return Ok(false);
        };
        if caller.provinces.is_empty() {
            return Ok(false);
        }
        let today = self.province_successions().await?.follow(province);
        Ok(caller.sees_commune(&recorded.commune, &today))
    }

    /// Where `target` is recorded: a commune being created is where the request puts it (when its
    /// code and province can be read); anything else is the resolver's answer.
    pub async fn recorded_place(&self, target: &Target) -> Result<Option<RecordedPlace>, ApiError> {
        match target {
            Target::NewCommune { code, province } => {
                if !names::is_commune_code(code) || province.is_empty() {
                    return Ok(None);
                }
                Ok(Some(RecordedPlace {
                    commune: code.clone(),
                    province: Some(province.clone()),
                }))
            }
            Target::Country | Target::Province(_) | Target::Missing => Ok(None),
            _ => self.resolver.recorded_place(target).await,
        }
    }

    /// The province merges in effect today.
    pub async fn province_successions(&self) -> Result<Successions, ApiError> {
        self.resolver
            .province_successions(date::today_in_vietnam())
            .await
    }

    /// A token listing both provinces and communes must not name a commune outside its
    /// provinces (today, after the province merges): such a token is refused as UNAUTHENTICATED.
    async fn check_token_scope(&self, caller: &Caller) -> Result<(), ApiError> {
        if caller.national || caller.provinces.is_empty() || caller.communes.is_empty() {
            return Ok(());
        }
        let remember = R::UNITS == Units::Followed;
        let key = format!(
            "{}|{:?}|{:?}",
            caller.subject, caller.provinces, caller.communes
        );
        if remember && self.consistent().contains(&key) {
            return Ok(());
        }
        let mismatch = || ApiError::Unauthenticated(R::SCOPE_MISMATCH.to_owned());
        let successions = self.province_successions().await?;
        let mut complete = true;
        for code in &caller.communes {
            let recorded = self
                .resolver
                .recorded_place(&Target::Commune(names::commune(code)))
                .await?;
            match recorded.and_then(|recorded| recorded.province) {
                Some(province) => {
                    if !caller.provinces.contains(&successions.follow(&province)) {
                        return Err(mismatch());
                    }
                }
                // An unknown commune cannot be shown to lie in the token's provinces.
                None => match R::UNITS {
                    Units::Recorded => return Err(mismatch()),
                    Units::Followed => complete = false,
                },
            }
        }
        if remember && complete {
            self.consistent().insert(key);
        }
        Ok(())
    }

    fn consistent(&self) -> MutexGuard<'_, HashSet<String>> {
        // The set is only a cache: a panic elsewhere while holding the lock leaves it usable.
        self.consistent_scopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Audits a refusal and returns its status.
    async fn refuse(
        &self,
        caller: &Caller,
        method: &str,
        resources: Vec<String>,
        error: ApiError,
    ) -> Status {
        let detail = failure_detail(&error);
        let status = error.into_status(self.domain);
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
        status
    }
}

impl<R> Grant<R> {
    /// Whether the caller may read personal fields.
    pub fn personal(&self) -> bool {
        self.caller.has(Right::Personal)
    }

    /// Shapes the handler's result for the caller (records reduced to their names without the
    /// `records` right, personal fields cleared without the `personal` right), audits it as the
    /// rule says (an answered call with the people it carries, a failure with
    /// [`failure_detail`]) and turns it into the answer. A reply carrying people is sent only
    /// once its audit entry is committed; when it cannot be, the answer is UNAVAILABLE and
    /// discloses nothing.
    pub async fn finish<T: Reply<R>>(&self, result: Result<T, ApiError>) -> Result<T, Status> {
        let personal = self.personal();
        match result {
            Ok(mut reply) => {
                // The reply to a command is held to what the caller may read, as a read would be.
                if !self.caller.has(Right::Records) {
                    reply.withhold();
                } else if !personal {
                    reply.redact();
                }
                if self.rule.audit == Audit::Every {
                    let people = reply.people();
                    let mut resources = self.resources.clone();
                    for name in &people {
                        if !resources.contains(name) {
                            resources.push(name.clone());
                        }
                    }
                    let entry = self.entry(
                        resources,
                        personal && !people.is_empty(),
                        "OK",
                        String::new(),
                    );
                    if people.is_empty() {
                        self.audit.record(entry).await;
                    } else if let Err(error) = self.audit.record_durably(entry).await {
                        // Records leave only with their audit entry stored: fail closed.
                        return Err(error.into_status(self.domain));
                    }
                }
                Ok(reply)
            }
            Err(error) => {
                let detail = failure_detail(&error);
                let status = error.into_status(self.domain);
                if self.rule.audit != Audit::Refusals {
                    self.record(
                        self.resources.clone(),
                        false,
                        code_name(status.code()),
                        detail,
                    )
                    .await;
                }
                Err(status)
            }
        }
    }

    /// Writes one audit entry of this call (a long stream writes several).
    pub async fn record(
        &self,
        resources: Vec<String>,
        personal_fields: bool,
        outcome: &str,
        detail: String,
    ) {
        let entry = self.entry(resources, personal_fields, outcome, detail);
        self.audit.record(entry).await;
    }

    /// Like [`Grant::record`], returning once the entry is committed, or UNAVAILABLE when it
    /// cannot be: for a stream, before it sends the records the entry accounts for.
    pub async fn record_durably(
        &self,
        resources: Vec<String>,
        personal_fields: bool,
        outcome: &str,
        detail: String,
    ) -> Result<(), ApiError> {
        let entry = self.entry(resources, personal_fields, outcome, detail);
        self.audit.record_durably(entry).await
    }

    /// The audit entry of this call with these contents.
    fn entry(
        &self,
        resources: Vec<String>,
        personal_fields: bool,
        outcome: &str,
        detail: String,
    ) -> AuditRecord {
        AuditRecord {
            subject: self.caller.subject.clone(),
            method: self.method.to_owned(),
            resources,
            personal_fields,
            outcome: outcome.to_owned(),
            detail,
        }
    }
}

/// The audit detail of a failure: the kind of error and the fields or resource concerned, never
/// the values sent (a violation's description may quote a citizen ID or a phone number) nor an
/// internal cause.
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
        ApiError::ResourceExhausted(_) => "resource exhausted".to_owned(),
        ApiError::Internal(_) => "internal error".to_owned(),
    }
}

fn out_of_scope() -> ApiError {
    ApiError::PermissionDenied(OUT_OF_SCOPE.to_owned())
}

fn national_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.national {
        Ok(())
    } else {
        Err(out_of_scope())
    }
}
