//! `partyctl`: the command-line client of the membership and reporting services, the reference
//! dataset of Hợp Thành, and the `dev` mode that runs both services in one process.
//!
//! Owns: the command line, human-readable output (Vietnamese tables and labels) and JSON output,
//! the synthetic reference dataset and how it is loaded. Does not own: any business rule (the
//! services decide; the CLI only shows their answers and errors) or any storage.
//!
//! # Layout
//! - [`process`]: the program around a command line: parse, run, print the error, exit code.
//! - [`args`]: the global flags and the list of commands; nothing else. [`usage`] gives them
//!   clap's help layout and parse errors in Vietnamese. [`run`] dispatches a
//!   parsed command line to its command.
//! - [`commands`]: one module per command or group of commands; each owns its clap arguments,
//!   builds requests, calls, prints. Four call no service: `generate` (country-shaped rosters,
//!   [`synthetic::country`]), `tokens issue` (signed JWTs for a
//!   scope), `certs init` (CA, server and client certificates, JWT key; [`commands::certs::generate`]
//!   for tests) and `dev`. `audit list` reads either server's audit trail.
//! - [`parse`]: what a person types (resource names, dates, enum values, tallies, …) made into what
//!   the services take; the value parsers of every command.
//! - [`security`]: the global TLS and token flags, read into the kit's client security.
//! - [`client`]: dialling the services through the kit's one transport (plaintext for `http://`,
//!   TLS with `--ca` and optionally `--cert/--key` for `https://`, the bearer token), request ids,
//!   enum names.
//! - [`output`]: tables aligned by display width (comfy-table), label–value blocks, canonical protobuf JSON
//!   through the descriptor pool, Vietnamese labels.
//! - [`error`]: the one error type and how it is shown.
//! - [`dataset`]: the reference dataset: its [`dataset::figures`] (the article's exact counts, the
//!   oracle the tests compare the reports with), its [`dataset::people`] (the deterministic
//!   generator of synthetic people, Tả Phời and the 2025 merge) and its [`dataset::loader`]
//!   ([`dataset::seed_all`], which loads it through the gRPC API).
//! - [`synthetic`]: a generated second province (Lai Châu) with a 2025 commune merge, for the
//!   end-to-end tests of the statistics; split the same way.
//! - [`atomic`]: files written whole or not at all (exports).
//! - [`progress`]: progress bars of long work, drawn on a terminal only.
//! - [`dev`]: both services in one process on SQLite, seeded on first start; plaintext and without
//!   authentication, on 127.0.0.1 only.
//!
//! Imports run one way, from the command line down to the error type: the crate root ([`run`]) →
//! [`args`] → [`commands`], [`dev`], [`security`]; the commands and `dev` → [`synthetic`] →
//! [`dataset`], and → [`parse`], [`output`], [`progress`] → [`client`] → [`error`]. No module imports one that
//! imports it, and no command module imports the list of all commands.

pub mod args;
pub mod atomic;
pub mod client;
pub mod commands;
pub mod dataset;
pub mod dev;
pub mod error;
pub mod output;
pub mod parse;
pub mod process;
pub mod progress;
pub mod security;
pub mod synthetic;
pub mod usage;

use std::sync::Arc;

pub use args::Cli;
use args::Command;
/// `partyctl certs init`'s generator, for tests that need a CA and certificates.
pub use commands::certs;
use commands::planning::{holidays, plans, ratings, rules, targets};
use commands::{
    Context, aggregates, audit, candidates, cells, communes, completions, export, generate, health,
    import, lifecycle, members, reference, reports, seed, tokens, watch,
};
pub use error::CliError;

/// Runs a parsed command line; every call it makes carries the run's `traceparent` (given, or
/// new).
pub async fn run(mut cli: Cli) -> Result<(), CliError> {
    let trace_parent = cli
        .traceparent
        .take()
        .unwrap_or_else(client::new_trace_parent);
    client::traced(trace_parent, dispatch(cli)).await
}

/// Runs the command of `cli`.
async fn dispatch(cli: Cli) -> Result<(), CliError> {
    // Commands that call no service run before the security files are read: `certs init` may be
    // creating the very CA that PARTYCTL_CA already names.
    let command = match cli.command {
        Command::Tokens(command) => return tokens::run(command, cli.json),
        Command::Certs(command) => return certs::run(command, cli.json),
        Command::Dev(options) => return dev::run(options).await,
        Command::Generate(args) => return generate::run(args, cli.json),
        Command::Aggregates(command) => return aggregates::run(command, cli.json).await,
        Command::Completions(args) => {
            completions::write(args.shell, &mut usage::command(), &mut std::io::stdout());
            return Ok(());
        }
        command => command,
    };
    let context = Context {
        membership: cli.membership,
        reporting: cli.reporting,
        json: cli.json,
        security: Arc::new(security::load_security(&cli.security)?),
    };
    match command {
        Command::Communes(command) => communes::run(&context, command).await,
        Command::Cells(command) => cells::run(&context, command).await,
        Command::Members(command) => members::run(&context, command).await,
        Command::Admit(args) => lifecycle::admit(&context, args).await,
        Command::Ceremony(args) => lifecycle::ceremony(&context, args).await,
        Command::Recognize(args) => lifecycle::recognize(&context, args).await,
        Command::Transfer(args) => lifecycle::transfer(&context, args).await,
        Command::Exempt(args) => lifecycle::exempt(&context, args).await,
        Command::EndExemption(args) => lifecycle::end_exemption(&context, args).await,
        Command::Depart(args) => lifecycle::depart(&context, args).await,
        Command::Candidates(command) => candidates::run(&context, command).await,
        Command::Rules(command) => rules::run(&context, command).await,
        Command::Holidays(command) => holidays::run(&context, command).await,
        Command::Targets(command) => targets::run(&context, command).await,
        Command::Plans(command) => plans::run(&context, command).await,
        Command::Ratings(command) => ratings::run(&context, command).await,
        Command::Watch(args) => watch::run(&context, args).await,
        Command::Report(command) => reports::run(&context, command).await,
        Command::Freshness => reports::freshness(&context).await,
        Command::Health(args) => health::run(&context, args).await,
        Command::Provinces(command) => reference::provinces(&context, command).await,
        Command::Merges(command) => reference::merges(&context, command).await,
        Command::Reference(args) => reference::reference_list(&context, args).await,
        Command::Export(args) => export::export(&context, args).await,
        Command::Import(args) => import::run(&context, args).await,
        Command::Seed(args) => seed::run(&context, args).await,
        Command::Audit(command) => audit::run(&context, command).await,
        // Answered above, before the security files were read.
        Command::Tokens(_)
        | Command::Certs(_)
        | Command::Dev(_)
        | Command::Generate(_)
        | Command::Completions(_)
        | Command::Aggregates(_) => Ok(()),
    }
}
