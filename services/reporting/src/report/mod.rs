//! The report arithmetic, in plain Rust over the facts of [`crate::model`]: no sqlx, no I/O, no
//! membership contract. Each module turns the facts the store read in one snapshot into the
//! messages of `reporting.v1`.
//!
//! - [`commune`]: the commune report, the admissions per month, age bands, averages, collation
//!   order and freshness.
//! - [`admission`]: the admission-pipeline reports (progress against the target, pipeline, cell
//!   ratings, cell health, the monthly briefing) over the rules of `partyregistry_rules`.
//! - [`deadlines`]: the working-day deadlines of the admission steps.
//! - [`units`]: which communes a scope counts on a day, through validity and merges.
//! - [`statistics`]: the provincial statistics, movements and rankings.
//! - [`badges`]: party-badge milestones and award rounds.
//!
//! Does not own where the facts come from (`crate::store`) nor authorisation and the wire edge
//! (`crate::grpc`).

pub mod admission;
pub mod badges;
pub mod commune;
pub mod deadlines;
pub mod statistics;
pub mod units;
