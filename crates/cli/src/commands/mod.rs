//! The implementations of the commands: each builds its request from the parsed command line,
//! makes one or a few calls, and prints the answer as a table or as JSON.

pub mod audit;
pub mod candidates;
pub mod cells;
pub mod certs;
pub mod communes;
pub mod health;
pub mod lifecycle;
pub mod members;
pub mod planning;
pub mod reference;
pub mod reports;
pub mod statistics;
pub mod tokens;
pub mod watch;

use std::sync::Arc;

use partyregistry_kit::client::ClientSecurity;

use crate::args::{Cli, Command};
use crate::client::load_security;
use crate::error::CliError;

/// What every command that calls a service needs from the global flags. Its debug print shows
/// whether a token and keys are set, never them.
#[derive(Debug, Clone)]
pub struct Context {
    /// Endpoint of the membership service.
    pub membership: String,
    /// Endpoint of the reporting service.
    pub reporting: String,
    /// Print canonical protobuf JSON instead of tables.
    pub json: bool,
    /// The CA, client certificate and token, read once; shared by every client of the command.
    pub security: Arc<ClientSecurity>,
}

/// Runs the command of a parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Commands that call no service run before the security files are read: `certs init` may be
    // creating the very CA that PARTYCTL_CA already names.
    let command = match cli.command {
        Command::Tokens(command) => return tokens::run(command, cli.json),
        Command::Certs(command) => return certs::run(command, cli.json),
        Command::Dev(options) => return crate::dev::run(options).await,
        command => command,
    };
    let context = Context {
        membership: cli.membership,
        reporting: cli.reporting,
        json: cli.json,
        security: Arc::new(load_security(&cli.security)?),
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
        Command::Rules(command) => planning::rules(&context, command).await,
        Command::Holidays(command) => planning::holidays(&context, command).await,
        Command::Targets(command) => planning::targets(&context, command).await,
        Command::Plans(command) => planning::plans(&context, command).await,
        Command::Ratings(command) => planning::ratings(&context, command).await,
        Command::Watch(args) => watch::run(&context, args).await,
        Command::Report(command) => reports::run(&context, command).await,
        Command::Freshness => reports::freshness(&context).await,
        Command::Health(args) => health::run(&context, args).await,
        Command::Provinces(command) => reference::provinces(&context, command).await,
        Command::Merges(command) => reference::merges(&context, command).await,
        Command::Reference(args) => reference::reference_list(&context, args).await,
        Command::Export(args) => statistics::export(&context, args).await,
        Command::Seed(args) => seed(&context, args).await,
        Command::Audit(command) => audit::run(&context, command).await,
        // Answered above, before the security files were read.
        Command::Tokens(_) | Command::Certs(_) | Command::Dev(_) => Ok(()),
    }
}

/// Prints a serialisable summary: JSON with `--json`, else its rendering.
fn print_summary<S: serde::Serialize>(
    context: &Context,
    summary: &S,
    render: impl FnOnce(&S) -> String,
) -> Result<(), CliError> {
    if context.json {
        let json =
            serde_json::to_string_pretty(summary).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{json}");
    } else {
        print!("{}", render(summary));
    }
    Ok(())
}

/// `partyctl seed`: loads the reference dataset through the membership and admission APIs, and
/// with `--synthetic-province` the generated province too.
async fn seed(context: &Context, args: crate::args::SeedArgs) -> Result<(), CliError> {
    let mut membership = crate::client::membership(&context.membership, &context.security).await?;
    let mut reference = crate::client::reference(&context.membership, &context.security).await?;
    if args.synthetic_province {
        let summary =
            crate::synthetic::seed_province(&mut membership, &mut reference, args.synthetic_seed)
                .await?;
        return print_summary(
            context,
            &summary,
            crate::synthetic::SyntheticProvince::render,
        );
    }
    let mut admission = crate::client::admission(&context.membership, &context.security).await?;
    let summary = crate::dataset::seed_all(&mut membership, &mut admission, &mut reference).await?;
    print_summary(context, &summary, crate::dataset::SeedSummary::render)
}

/// Pulls every page of a list call: `fetch` gets the page for a token and returns its items and
/// the next token. Stops after one page unless `all_pages`, and also if a server ever returned the
/// same token twice, so that a faulty server cannot make the CLI loop forever.
pub(crate) async fn collect_pages<T, F, Fut>(
    first_token: Option<String>,
    all_pages: bool,
    mut fetch: F,
) -> Result<(Vec<T>, String), CliError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, String), CliError>>,
{
    let mut items = Vec::new();
    let mut token = first_token.unwrap_or_default();
    loop {
        let (page, next) = fetch(token.clone()).await?;
        items.extend(page);
        if !all_pages || next.is_empty() || next == token {
            return Ok((items, next));
        }
        token = next;
    }
}
