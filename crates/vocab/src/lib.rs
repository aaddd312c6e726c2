//! The vocabulary both services, the CLI and the report math share, in plain Rust: no tonic, no
//! sqlx, no rustls, so that a domain depending on it depends on nothing of the transport.
//!
//! # Layout
//! - [`text`]: Vietnamese normalisation, search folding, name splitting, collation keys.
//! - [`date`]: `YYYY-MM-DD` dates and month arithmetic.
//! - [`names`]: resource names of the contracts (`communes/{code}`, `members/{id}`), parsed with
//!   the field named on failure.
//! - [`merges`]: following administrative merges from a unit's code to the unit it is today.
//! - [`reference`]: reference code lists (ethnic groups, religions, levels) with import aliases,
//!   and Vietnamese labels.
//!
//! Owns no business rule (those live in `partyregistry_rules` and each service's `domain`) and no
//! protocol: the kit maps this crate's errors to the API error.

pub mod date;
pub mod merges;
pub mod names;
pub mod reference;
pub mod text;
