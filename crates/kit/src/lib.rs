//! The small kit both services and the CLI share.
//!
//! # Layout
//! - [`error`]: the one error type and its `google.rpc` status mapping.
//! - [`db`]: SQLite/PostgreSQL connection and migrations behind one pool.
//! - [`server`]: TLS, the authentication layer, health, reflection, tracing and graceful shutdown.
//! - [`auth`]: bearer tokens (signed JWTs or a static token file) and the verified [`auth::Caller`];
//!   [`signing`]: the HS256 and Ed25519 keys that sign and verify them, and certificate binding.
//! - [`authz`]: the authorisation skeleton of both services: method rules, addressed targets, the
//!   gate that decides and audits refusals, the grant that shapes and audits answers, and the walk
//!   through administrative merges; each service brings its table and a scope resolver.
//! - [`audit`]: the append-only audit trail in each service's database.
//! - [`test_database`]: throwaway test databases on either backend.
//! - [`client`]: the client transport (TLS, mutual TLS, bearer token, trace context).
//! - [`telemetry`]: spans per call exported over OTLP, W3C trace context across every hop.
//! - [`admission`]: candidates and rule versions between the contracts and `partyregistry_rules`.
//!
//! Owns no business rule (those live in each service's `domain` module) and no vocabulary
//! (Vietnamese text, dates, resource names and reference lists are `partyregistry_vocab`).

pub mod admission;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod client;
pub mod db;
pub mod error;
pub mod health;
pub mod localized;
pub mod observe;
pub mod revocation;
pub mod server;
pub mod signing;
pub mod streams;
pub mod telemetry;
pub mod test_database;
pub mod tls;

/// The error type of start-up and run functions, where any failure ends the process.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
