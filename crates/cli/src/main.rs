//! `partyctl`: parses the command line, runs the command, and on failure prints the error (its
//! Vietnamese message and details, or one JSON object with `--json`) and exits with the code of
//! its class.

use clap::Parser;
use partyregistry_cli::{Cli, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            if json {
                eprintln!("{}", error.to_json());
            } else {
                eprintln!("Lỗi: {error}");
            }
            std::process::ExitCode::from(error.exit_code())
        }
    }
}
