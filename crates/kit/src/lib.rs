//! The small kit both services and the CLI share.
//!
//! # Layout
//! - [`text`]: Vietnamese normalisation, search folding, name splitting, collation keys.
//! - [`date`]: `YYYY-MM-DD` dates and month arithmetic.
//! - [`error`]: the one error type and its `google.rpc` status mapping.
//! - [`db`]: SQLite/PostgreSQL connection and migrations behind one pool.
//! - [`server`]: TLS, the authentication layer, health, reflection, tracing and graceful shutdown.
//! - [`auth`]: bearer tokens (HS256 JWTs or a static token file) and the verified [`auth::Caller`].
//! - [`audit`]: the append-only audit trail in each service's database.
//! - [`client`]: the client transport (TLS, mutual TLS, bearer token).
//! - [`names`]: resource-name parsing shared by servers and clients.
//! - [`reference`]: reference code lists (ethnic groups, religions, levels) with import aliases, and
//!   Vietnamese labels.
//! - [`admission`]: candidates and rule versions between the contracts and `partyregistry_rules`.
//!
//! Owns no business rule: those live in each service's `domain` module.

pub mod admission;
pub mod audit;
pub mod auth;
pub mod client;
pub mod date;
pub mod db;
pub mod error;
pub mod names;
pub mod reference;
pub mod server;
pub mod text;
pub mod tls;

/// The error type of start-up and run functions, where any failure ends the process.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
