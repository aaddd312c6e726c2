//! A second, generated province for the end-to-end tests of the statistics: Lai Châu (code 12)
//! with four communes, two of which merge on 1 July 2025 into a new commune, and SYNTHETIC members
//! whose lives between 2015 and mid-2026 touch every movement the statistics count: admissions
//! (one a re-admission), recognitions, transfers between the communes, in from and out to other
//! provinces, temporary transfers, exemptions, deaths, removals, expulsions and resignations.
//! A member has a party-age gap, one is seriously ill, one died a few months before a badge
//! milestone, one has been handed a badge.
//!
//! [`plan`] is pure and deterministic from its seed; [`seed_province`] loads it through the
//! membership and reference APIs. The expected figures of [`SyntheticProvince`] are computed
//! from the generated history, never written by hand: a member is on a commune's roll from the
//! day of its admission decision (or its arrival) up to the day before it leaves, and no
//! generated event falls on one of the [`COUNT_DATES`], so either reading of a boundary day gives
//! the same counts.
//!
//! # Layout
//! - [`province`]: the province, its communes and cells, the merge and the counting dates.
//! - [`people`]: the deterministic plan of members and their histories, as requests.
//! - [`figures`]: the expected figures computed from the plan, and the run's [`SyntheticProvince`].
//! - [`loader`]: the gRPC calls that record the plan.
//!
//! [`country`] is apart: the country-shaped rosters of `partyctl generate`, drawn with the same
//! people generator.
//!
//! Imports run one way: `loader` → `figures` → `people` → `province`. The public items are
//! re-exported here.

pub mod country;
pub mod figures;
pub mod loader;
pub mod people;
pub mod province;
#[cfg(test)]
mod tests;

pub use figures::{CommuneCount, ProvinceMovements, SyntheticProvince};
pub use loader::seed_province;
pub use people::members::{Plan, PlannedMember, SpecialCase, Step, StepKind, admission_of};
pub use people::plan;
pub use province::{
    COUNT_DATES, DEFAULT_SEED, FIRST_EVENT_DATE, LAST_DATE, MERGE_DATE, MERGE_LEGAL_BASIS,
    PROVINCE, PROVINCE_CODE,
};
