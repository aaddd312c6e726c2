//! What a request addresses and what a reply carries, as the decision and the audit trail see
//! them: the [`Target`]s a request names, where a resource is recorded ([`RecordedPlace`]), and
//! the people of a reply ([`Reply`]).
//!
//! Owns these shapes. Does not own how a service's messages fill them: each service describes its
//! contracts' messages by implementing [`Addressed`] and [`Reply`], parameterised by its own
//! [`super::ScopeResolver`] so that a service may describe messages it does not define.

use partyregistry_vocab::names;

/// A resource a request names, as sent (not yet validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The whole country.
    Country,
    /// A province by its code, as a whole.
    Province(String),
    /// `communes/{c}`.
    Commune(String),
    /// `communes/{c}/cells/{id}`.
    Cell(String),
    /// `members/{id}`.
    Member(String),
    /// `candidates/{id}`.
    Candidate(String),
    /// A commune being created or moved: its code and the province code the request puts it in.
    NewCommune {
        /// The commune code.
        code: String,
        /// The province code it is put in.
        province: String,
    },
    /// A required resource the request does not name (or names unreadably, where the service
    /// does not record what was sent).
    Missing,
}

impl Target {
    /// The name for the audit trail; empty for [`Target::Missing`].
    pub fn name(&self) -> String {
        match self {
            Self::Country => "country".to_owned(),
            Self::Province(code) => format!("provinces/{code}"),
            Self::Commune(n) | Self::Cell(n) | Self::Member(n) | Self::Candidate(n) => n.clone(),
            Self::NewCommune { code, .. } => names::commune(code),
            Self::Missing => String::new(),
        }
    }
}

/// Where a resource is recorded: its commune, and that commune's province as stored (before the
/// province merges are followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPlace {
    /// Commune code.
    pub commune: String,
    /// Province code as stored with the commune; `None` when the resolver knows the commune by
    /// name only (a read model that has not seen it yet): then only a caller listing the commune
    /// sees it.
    pub province: Option<String>,
}

/// A request that names the resources its scope is checked against. `S` is the service's
/// [`super::ScopeResolver`], which lets each service describe the contracts' messages.
pub trait Addressed<S>: Sync {
    /// The resources, in scope order; empty for requests whose rule is not
    /// [`super::Scope::Addressed`].
    fn targets(&self) -> Vec<Target>;

    /// For a [`super::Scope::Carried`] request: the method and request carried inside; `None`
    /// when none is named.
    fn carried(&self) -> Option<(&'static str, &dyn Addressed<S>)> {
        None
    }
}

/// A reply: which people it carries (for the audit trail) and how to clear their personal
/// fields. `S` as for [`Addressed`]. Replies naming nobody keep both defaults.
pub trait Reply<S> {
    /// Names of the people (members, candidates) in the reply.
    fn people(&self) -> Vec<String> {
        Vec::new()
    }

    /// Clears the personal fields (citizen ID, birth date, phone, address) of every person in
    /// the reply, for a caller without the personal right.
    fn redact(&mut self) {}

    /// Leaves of every person in the reply only what identifies the record (its name, etag and
    /// update time), for a caller that may change records but not read them (a `write` token
    /// without `records`): the reply to its command must not show what it may not read.
    /// Replies naming nobody keep nothing back beyond [`Reply::redact`].
    fn withhold(&mut self) {
        self.redact();
    }
}
