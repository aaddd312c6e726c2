//! The authorisation skeleton both services share: what each RPC needs ([`Rule`], looked up in a
//! service's method table with [`rule_of`]), what a request addresses ([`Target`], through
//! [`Addressed`]), the decision made before any handler reads the request ([`Gate::check`]: the
//! verified caller, the token's own consistency, the right, the scope), and what the handler gets
//! back ([`Grant`]: the caller and its entitlements, the addressed names, and
//! [`Grant::finish`], which clears personal fields and writes the audit entry). Every refusal is
//! answered and audited here, the same way on both services.
//!
//! A service keeps its table (method → [`Rule`]), the [`Addressed`] and [`Reply`] descriptions of
//! its contracts' messages, and one [`ScopeResolver`] over its own storage: where a resource is
//! recorded and which province merges are in effect. The province a commune belongs to today is
//! its recorded province followed through those merges ([`follow_merges`]), the one place that
//! walk is written.
//!
//! Owns no table, no SQL and no contract message: those are the services'. Does not own token
//! verification ([`crate::auth`]) nor the audit table ([`crate::audit`]). Small-cell suppression
//! and which fields are personal stay with the services that answer them.

mod gate;
mod table;
mod target;

pub use gate::{Gate, Grant, ScopeResolver, Units, failure_detail};
pub use partyregistry_vocab::merges::{MAX_MERGE_CHAIN, Succession, Successions, follow_merges};
pub use table::{Audit, Rule, Scope, rule_of};
pub use target::{Addressed, RecordedPlace, Reply, Target};

/// The one message of every out-of-scope refusal on both services, whether or not the resource
/// exists, so that a refusal never tells which.
pub use crate::auth::OUT_OF_SCOPE;

#[cfg(test)]
mod tests;
