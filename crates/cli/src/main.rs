//! `partyctl`: see [`partyregistry_cli::process`].

#[tokio::main]
async fn main() -> std::process::ExitCode {
    partyregistry_cli::process::main().await
}
