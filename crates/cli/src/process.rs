//! The `partyctl` process around a command line: parses it (its help and its mistakes in
//! Vietnamese), runs the command, and on failure prints the error (its Vietnamese message and
//! details, or one JSON object with `--json`) and ends with the code of its class. The binary
//! is this and nothing else, so that the end-to-end tests can build the same program.

use crate::usage::{self, NotRun};
use crate::{CliError, client, run};

/// Runs `partyctl` on the process's own arguments; returns its exit code.
pub async fn main() -> std::process::ExitCode {
    // `--json` is known before parsing succeeds, so that a mistake on the command line is
    // reported in the form the caller asked for.
    let json = std::env::args_os().any(|arg| arg == "--json");
    let mut trace_parent = None;
    let outcome = match usage::parse(std::env::args_os()) {
        Ok(mut cli) => {
            trace_parent = Some(
                cli.traceparent
                    .get_or_insert_with(client::new_trace_parent)
                    .clone(),
            );
            run(cli).await
        }
        Err(NotRun::Shown(text)) => {
            print!("{text}");
            return std::process::ExitCode::SUCCESS;
        }
        Err(NotRun::Mistake(error)) => Err(error),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => report(&error, json, trace_parent.as_deref()),
    }
}

/// Prints `error` for a person or, under `--json`, as JSON, with the run's trace id when a
/// service was called (the services log it beside the call); returns its exit code.
fn report(error: &CliError, json: bool, trace_parent: Option<&str>) -> std::process::ExitCode {
    let trace_id = trace_parent
        .filter(|_| matches!(error, CliError::Status(_) | CliError::Connect { .. }))
        .map(client::trace_id);
    if json {
        let mut value = error.to_json();
        if let Some(trace_id) = trace_id {
            value["error"]["trace_id"] = trace_id.into();
        }
        eprintln!("{value}");
    } else {
        eprintln!("Lỗi: {error}");
        if let Some(trace_id) = trace_id {
            eprintln!("Mã truy vết: {trace_id}");
        }
    }
    std::process::ExitCode::from(error.exit_code())
}
