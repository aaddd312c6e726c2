//! `partyctl` as the end-to-end tests run it, as a process of its own: the same program as the
//! CLI's binary, built with the tests so that a test never runs a stale copy.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    partyregistry_cli::process::main().await
}
