//! `partyctl`: parses the command line (its help and its mistakes in Vietnamese), runs the
//! command, and on failure prints the error (its Vietnamese message and details, or one JSON
//! object with `--json`) and exits with the code of its class.

use partyregistry_cli::usage::{self, NotRun};
use partyregistry_cli::{CliError, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // `--json` is known before parsing succeeds, so that a mistake on the command line is
    // reported in the form the caller asked for.
    let json = std::env::args_os().any(|arg| arg == "--json");
    let outcome = match usage::parse(std::env::args_os()) {
        Ok(cli) => run(cli).await,
        Err(NotRun::Shown(text)) => {
            print!("{text}");
            return std::process::ExitCode::SUCCESS;
        }
        Err(NotRun::Mistake(error)) => Err(error),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => report(&error, json),
    }
}

/// Prints `error` for a person or, under `--json`, as JSON; returns its exit code.
fn report(error: &CliError, json: bool) -> std::process::ExitCode {
    if json {
        eprintln!("{}", error.to_json());
    } else {
        eprintln!("Lỗi: {error}");
    }
    std::process::ExitCode::from(error.exit_code())
}
