//! `partyctl`: the command-line client of the membership and reporting services, the reference
//! dataset of Hợp Thành, and the `dev` mode that runs both services in one process.
//!
//! Owns: the command line, human-readable output (Vietnamese tables and labels) and JSON output,
//! the synthetic reference dataset and how it is loaded. Does not own: any business rule (the
//! services decide; the CLI only shows their answers and errors) or any storage.
//!
//! # Layout
//! - [`args`]: the clap definition of every command and flag.
//! - [`commands`]: one module per group of commands; each builds requests, calls, prints. Three
//!   call no service: `tokens issue` (signed JWTs for a scope), `certs init` (CA, server and
//!   client certificates, JWT key; [`commands::certs::generate`] for tests) and `dev`. `audit list`
//!   reads either server's audit trail.
//! - [`client`]: dialling the services through the kit's one transport (plaintext for `http://`,
//!   TLS with `--ca` and optionally `--cert/--key` for `https://`, the bearer token of `--token` or
//!   `--token-file`), resource names as typed, request ids, enum parsing.
//! - [`output`]: tables aligned by character width, label–value blocks, canonical protobuf JSON
//!   through the descriptor pool, Vietnamese labels.
//! - [`error`]: the one error type and how it is shown.
//! - [`dataset`]: the reference dataset (synthetic people, the article's exact counts, Tả Phời
//!   and the 2025 merge) and [`dataset::seed_all`], which loads it through the gRPC API.
//! - [`synthetic`]: a generated second province (Lai Châu) with a 2025 commune merge, for the
//!   end-to-end tests of the statistics.
//! - [`atomic`]: files written whole or not at all (exports).
//! - [`dev`]: both services in one process on SQLite, seeded on first start; plaintext and without
//!   authentication, on 127.0.0.1 only.

pub mod args;
pub mod atomic;
pub mod client;
pub mod commands;
pub mod dataset;
pub mod dev;
pub mod error;
pub mod output;
pub mod synthetic;

pub use args::Cli;
/// `partyctl certs init`'s generator, for tests that need a CA and certificates.
pub use commands::certs;
pub use error::CliError;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    commands::run(cli).await
}
