//! `partyctl`: parses the command line, runs the command, prints any error with its `google.rpc`
//! details and exits with code 1 on failure.

use clap::Parser;
use partyregistry_cli::{Cli, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Lỗi: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
