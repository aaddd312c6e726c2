//! Reporting's own vocabulary of rows and facts, in plain Rust (no sqlx, no tonic, no contract
//! types): what the projection makes of a feed change ([`rows`], [`stint`]), and what the store
//! reads back for the reports ([`commune`], [`admission`], [`candidate`], [`history`], [`units`], [`feed`]).
//!
//! The bottom floor: every other module may use it, it uses none of them. Owns the data and the
//! questions a record answers about itself (is a cell open on a day, which stage a candidate had
//! reached); does not own how a change is read (`crate::ingest`), how rows are stored
//! (`crate::store`) or the report arithmetic (`crate::report`).

pub mod admission;
pub mod aggregate;
pub mod candidate;
pub mod commune;
pub mod feed;
pub mod history;
pub mod rows;
pub mod stint;
pub mod units;
pub mod vocabulary;
