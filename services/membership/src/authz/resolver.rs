//! Where the resources of the membership contracts are recorded, read from this service's store:
//! the kit's scope resolver for [`super::Authz`].
//!
//! Owns the reading of resource names into store lookups. Does not own the SQL
//! (`store::scope`) nor the decision (the kit's gate).

use partyregistry_kit::authz::{RecordedPlace, ScopeResolver, Successions, Target, Units};
use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::Date;
use partyregistry_vocab::names;

use super::SCOPE_MISMATCH;
use crate::store::Store;

/// The membership store as the authorisation gate sees it. This service is the record of the
/// units: a commune it does not know does not exist.
#[derive(Debug, Clone)]
pub struct MembershipScope {
    store: Store,
}

impl MembershipScope {
    /// Lookups in `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// A stored commune with its province as stored; `None` when there is no such commune.
    pub async fn recorded_commune(&self, code: &str) -> Result<Option<RecordedPlace>, ApiError> {
        let province = self.store.read().await?.commune_province(code).await?;
        Ok(province.map(|province| RecordedPlace {
            commune: code.to_owned(),
            province: Some(province),
        }))
    }

    /// The recorded place of the commune a member or candidate belongs to, in one statement.
    async fn recorded_owner(&self, owner: Owner) -> Result<Option<RecordedPlace>, ApiError> {
        let mut store = self.store.read().await?;
        let place = match owner {
            Owner::Member(id) => store.member_place(id).await?,
            Owner::Candidate(id) => store.candidate_place(id).await?,
        };
        Ok(place.map(|(commune, province)| RecordedPlace {
            commune,
            province: Some(province),
        }))
    }
}

/// A person whose commune decides the scope.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Member(i64),
    Candidate(i64),
}

impl ScopeResolver for MembershipScope {
    const UNITS: Units = Units::Recorded;
    const SCOPE_MISMATCH: &'static str = SCOPE_MISMATCH;

    async fn recorded_place(&self, target: &Target) -> Result<Option<RecordedPlace>, ApiError> {
        match target {
            Target::Commune(name) => match names::parse_commune("name", name) {
                Ok(code) => self.recorded_commune(&code).await,
                Err(_) => Ok(None),
            },
            Target::Cell(name) => match names::parse_cell("name", name) {
                Ok((code, _)) => self.recorded_commune(&code).await,
                Err(_) => Ok(None),
            },
            Target::Member(name) => match names::parse_member("name", name) {
                Ok(id) => self.recorded_owner(Owner::Member(id)).await,
                Err(_) => Ok(None),
            },
            Target::Candidate(name) => match names::parse_candidate("name", name) {
                Ok(id) => self.recorded_owner(Owner::Candidate(id)).await,
                Err(_) => Ok(None),
            },
            // The gate places new communes itself; provinces and the country are not recorded
            // in a commune.
            Target::NewCommune { .. } | Target::Province(_) | Target::Country | Target::Missing => {
                Ok(None)
            }
        }
    }

    async fn province_successions(&self, day: Date) -> Result<Successions, ApiError> {
        let mut store = self.store.read().await?;
        Ok(Successions::from_merges(
            store.province_successions(day).await?,
        ))
    }
}
