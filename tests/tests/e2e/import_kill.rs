//! An import survives the membership process being killed (`SIGKILL`, no shutdown) in the middle:
//! the server runs as a child process on the test's database, `partyctl import` sends a generated
//! roster in small batches, the child is killed once part of it is committed, a new child is
//! started on the same database, and the same import run again completes it. Every member is then
//! stored once, with one change on the feed, and the totals are the generator's.
//!
//! The child is this test binary run again with only [`membership_process`] selected: it serves
//! the database named in its environment and prints the address it listens on.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use partyregistry_cli::commands::Context;
use partyregistry_cli::commands::import::{ImportArgs, execute};
use partyregistry_cli::synthetic::country::{CountryOptions, generate};
use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_tests::{Backend, TestDatabase, feed_head, import_args, on_each_backend, poll};
use partyregistry_vocab::date;
use sqlx::{Connection, Row};
use tokio::net::TcpListener;

on_each_backend! {
    an_import_killed_with_the_server_completes_when_run_again;
}

/// The database the child serves; its presence makes [`membership_process`] serve.
const CHILD_DATABASE: &str = "PARTYREGISTRY_KILL_TEST_DATABASE";
/// What the child prints before the address it listens on.
const LISTENING: &str = "membership listening on ";

/// The child's side: serves the membership database named in [`CHILD_DATABASE`] until killed.
/// Ignored in a normal run; the parent selects it explicitly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the membership process of the kill test, started by that test"]
async fn membership_process() -> Result<(), BoxError> {
    let url = std::env::var(CHILD_DATABASE)
        .map_err(|_| format!("{CHILD_DATABASE} names the database to serve"))?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let _running = partyregistry_tests::start_membership(&url, listener).await?;
    println!("{LISTENING}{address}");
    // Serves until the parent kills the process.
    std::future::pending::<()>().await;
    Ok(())
}

/// A membership server in a child process.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts this binary again as [`membership_process`] on `database_url`, and waits for the
    /// address it listens on.
    async fn start(database_url: &str) -> Result<Self, BoxError> {
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "--exact",
                "import_kill::membership_process",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DATABASE, database_url)
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("the child's output is piped")?;
        // The child's output is read to its end, so that it never writes into a closed pipe.
        let (found, address) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // The test harness may print the test's name before it on the same line.
                if let Some((_, address)) = line.split_once(LISTENING)
                    && let Some(found) = found.take()
                {
                    found.send(address.to_owned()).ok();
                }
            }
        });
        let address = address.await.ok();
        match address {
            Some(address) => Ok(Self {
                child,
                url: format!("http://{address}"),
            }),
            None => {
                child.kill().ok();
                child.wait().ok();
                Err("the membership process ended before listening".into())
            }
        }
    }

    /// Kills the process with SIGKILL: no shutdown, no flush, connections dropped mid-statement.
    fn kill(mut self) -> Result<(), BoxError> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    fn context(&self) -> Context {
        Context {
            membership: self.url.clone(),
            reporting: String::new(),
            json: true,
            security: Arc::new(ClientSecurity::default()),
        }
    }

    async fn feed_head(&self) -> Result<i64, BoxError> {
        let transport =
            partyregistry_kit::client::connect(&self.url, &ClientSecurity::default()).await?;
        feed_head(&mut MembershipServiceClient::new(transport)).await
    }
}

fn args(files: Vec<PathBuf>) -> ImportArgs {
    import_args(files, 25)
}

/// The stored totals: members, distinct people (name, birth date, commune), member changes on the
/// feed, imported-row records.
async fn totals(database: &TestDatabase) -> Result<[i64; 4], BoxError> {
    let mut connection = sqlx::AnyConnection::connect(&database.url).await?;
    let mut figures = [0; 4];
    for (figure, sql) in figures.iter_mut().zip([
        "select count(*) as n from members",
        "select count(*) as n from (select distinct full_name, birth_date, commune_code from members) people",
        "select count(*) as n from changes where resource_name like 'members/%'",
        "select count(*) as n from imported_rows",
    ]) {
        *figure = sqlx::query(sql).fetch_one(&mut connection).await?.try_get("n")?;
    }
    connection.close().await?;
    Ok(figures)
}

async fn an_import_killed_with_the_server_completes_when_run_again(
    backend: Backend,
) -> Result<(), BoxError> {
    sqlx::any::install_default_drivers();
    let database = TestDatabase::create(backend, "import_kill").await?;
    let directory = std::env::temp_dir().join(format!(
        "partyctl-import-kill-{backend:?}-{}",
        std::process::id()
    ));
    let options = CountryOptions {
        members: 1_000,
        provinces: 1,
        seed: 5,
        today: date::today_in_vietnam(),
    };
    let manifest = generate(&options, &directory, |_| {})?;
    let files: Vec<PathBuf> = manifest
        .provinces
        .iter()
        .map(|province| directory.join(&province.file))
        .collect();
    let rows = i64::try_from(manifest.counts.rows)?;

    // Killed once a few batches are in: the import in flight fails with the server gone.
    let server = Server::start(&database.url).await?;
    let context = server.context();
    // The reference data seeded at start-up is on the feed already.
    let seeded = server.feed_head().await?;
    let interrupted_args = args(files.clone());
    let import = tokio::spawn(async move { execute(&context, &interrupted_args).await });
    let watched = &server;
    poll(Duration::from_secs(120), || async move {
        Ok(watched.feed_head().await? > seeded + rows / 3)
    })
    .await?;
    server.kill()?;
    assert!(
        import.await?.is_err(),
        "the import in flight fails when its server is killed"
    );
    let [members, _, _, _] = totals(&database).await?;
    assert!(
        members > 0 && members < rows,
        "killed mid-way: {members} of {rows} members committed"
    );

    // A new server on the same database; the same import run again completes it.
    let server = Server::start(&database.url).await?;
    let summary = execute(&server.context(), &args(files.clone()))
        .await?
        .ok_or("an import, not the template")?
        .summary;
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    assert_eq!(
        (summary.members.created + summary.members.already_imported) as i64,
        rows
    );
    assert_eq!(summary.members.already_imported as i64, members);
    assert_eq!(totals(&database).await?, [rows; 4], "each member once");
    let head = server.feed_head().await?;

    // A third run creates nothing.
    let again = execute(&server.context(), &args(files))
        .await?
        .ok_or("an import, not the template")?
        .summary;
    assert_eq!(again.members.created, 0);
    assert_eq!(again.members.already_imported as i64, rows);
    assert_eq!(server.feed_head().await?, head, "nothing written again");
    assert_eq!(totals(&database).await?, [rows; 4]);

    server.kill()?;
    std::fs::remove_dir_all(&directory).ok();
    database.remove().await;
    Ok(())
}
