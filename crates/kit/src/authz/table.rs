//! What one RPC needs, as a service's method table states it: the right, where the scope of the
//! call comes from, and which outcomes are audited.
//!
//! Owns the vocabulary of the tables. Does not own any table (each service writes its own and
//! tests it against its service descriptors) nor the decision ([`super::Gate`]).

use crate::auth::Right;

/// Where the scope of a call comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No territorial scope: the right alone decides (reference data, freshness, the audit
    /// trail).
    Open,
    /// A write of national reference data: the caller must hold a national token.
    National,
    /// The resources the request names ([`super::Addressed::targets`]): each must be in scope,
    /// and a request naming none is refused.
    Addressed,
    /// A list without a parent: answered with the caller's scope only, by the handler.
    Filtered,
    /// The change feed: each change is sent only when in scope, by the handler.
    Feed,
    /// The rule of the request carried inside applies (an export carries the report it
    /// exports, [`super::Addressed::carried`]). A request carrying none goes on, to hear what is
    /// missing, only for a national caller holding this right, the least any carried request
    /// needs.
    Carried(Right),
}

/// Which outcomes of a call are written to the audit trail. Refusals by authorisation are
/// audited whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    /// Every call, whatever its outcome: reads naming people, writes, exports, the trail itself.
    Every,
    /// Calls that fail (invalid, not found, refused by a rule, …), not the answered ones.
    Failures,
    /// Only the refusals by authorisation.
    Refusals,
}

/// What a method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The right, or `None` when any valid token will do (for [`Scope::Carried`]: the carried
    /// request's right decides).
    pub right: Option<Right>,
    /// Where the scope comes from.
    pub scope: Scope,
    /// Which outcomes are audited.
    pub audit: Audit,
}

/// The rule of `method` in `table`; `None` for a method the table does not list (refused).
pub fn rule_of(table: &'static [(&'static str, Rule)], method: &str) -> Option<&'static Rule> {
    table
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, rule)| rule)
}
