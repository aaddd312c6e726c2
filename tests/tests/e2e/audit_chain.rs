//! `partyctl audit verify` end to end: both services' trails verify while untouched, and an
//! entry edited, deleted or moved behind a service's back (its append-only guard dropped first,
//! as someone with DDL rights could) is named as the first bad one, with exit code 10.

use partyregistry_cli::args::Cli;
use partyregistry_cli::error::{CliError, exit};
use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, postgres_admin_url};
use sqlx::Executor;

use crate::fixtures;

/// `partyctl audit verify --service <service>` against the pair.
async fn verify(pair: &Pair, service: &str) -> Result<(), CliError> {
    let membership = pair
        .membership_service()
        .map_err(|error| CliError::Other(error.to_string()))?
        .url();
    let reporting = pair.reporting_service().url();
    let cli = <Cli as clap::Parser>::try_parse_from([
        "partyctl",
        "--membership",
        &membership,
        "--reporting",
        &reporting,
        "audit",
        "verify",
        "--service",
        service,
    ])
    .map_err(|error| CliError::Usage(error.to_string()))?;
    partyregistry_cli::run(cli).await
}

/// Drops the append-only guards of the trail at `url`, then runs `statements` on it.
async fn tamper(backend: Backend, url: &str, statements: &[&str]) -> Result<(), BoxError> {
    let pool = sqlx::AnyPool::connect(url).await?;
    let guards: &[&str] = match backend {
        Backend::Sqlite => &[
            "drop trigger audit_entries_no_update",
            "drop trigger audit_entries_no_delete",
        ],
        Backend::Postgres => &["drop trigger audit_entries_no_change on audit_entries"],
    };
    for statement in guards.iter().chain(statements) {
        pool.execute(*statement).await?;
    }
    pool.close().await;
    Ok(())
}

/// The first bad entry `verify` names, from its error.
fn named_bad_entry(result: Result<(), CliError>) -> String {
    match result {
        Err(error @ CliError::Tampered(_)) => {
            assert_eq!(error.exit_code(), exit::TAMPERED);
            error.to_string()
        }
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

async fn trails_verify_and_tampering_is_named(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "audit_chain").await?;
    // Writes on membership, reads of records on reporting: entries on both trails.
    fixtures::small_commune(&mut pair.membership).await?;
    pair.caught_up().await?;
    for _ in 0..3 {
        pair.reports
            .list_deadlines(report::ListDeadlinesRequest {
                commune: "communes/02680".into(),
                ..Default::default()
            })
            .await?;
    }
    verify(&pair, "membership").await?;
    verify(&pair, "reporting").await?;

    let membership_url = pair.membership_database_url().to_owned();
    tamper(
        backend,
        &membership_url,
        &["update audit_entries set detail = 'đã sửa' where id = 2"],
    )
    .await?;
    let named = named_bad_entry(verify(&pair, "membership").await);
    assert!(named.contains("auditEntries/2"), "{named}");

    let reporting_url = pair.reporting_database_url().to_owned();
    tamper(
        backend,
        &reporting_url,
        &["delete from audit_entries where id = 2"],
    )
    .await?;
    let named = named_bad_entry(verify(&pair, "reporting").await);
    assert!(named.contains("auditEntries/2"), "{named}");

    pair.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_audit_trails_verify_and_tampering_is_named() -> Result<(), BoxError> {
    trails_verify_and_tampering_is_named(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_audit_trails_verify_and_tampering_is_named() -> Result<(), BoxError> {
    if postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL audit chain test skipped");
        return Ok(());
    }
    trails_verify_and_tampering_is_named(Backend::Postgres).await
}
