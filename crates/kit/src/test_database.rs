//! Throwaway databases for tests, on either backend: a temporary SQLite file, or a fresh
//! database on the PostgreSQL server `TEST_DATABASE_URL` names, dropped afterwards. Every crate's
//! tests use these, so that a test database is named, created and removed one way.
//!
//! Owns no schema: a test connects to [`TestDatabase::url`] and migrates as its service does.

use sqlx::{Connection, Executor};

use crate::BoxError;
use crate::db::Backend;

/// A name no other test database has, on any backend, for throwaway test databases: the label,
/// the process id, a per-process counter (two names asked for in the same nanosecond differ) and
/// the clock (a later process with a recycled id differs).
pub fn unique_test_name(label: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{label}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// The database server the PostgreSQL variants use, if any.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// A database made for one test, removed when [`TestDatabase::remove`] is called.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL the service connects to.
    pub url: String,
    backend: Backend,
    name: String,
}

impl TestDatabase {
    /// Creates an empty database on `backend`.
    pub async fn create(backend: Backend, label: &str) -> Result<Self, BoxError> {
        sqlx::any::install_default_drivers();
        let name = unique_test_name(label);
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("partyregistry-tests");
                std::fs::create_dir_all(&dir)?;
                let path = dir.join(format!("{name}.db"));
                Ok(Self {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    name: path.display().to_string(),
                })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url().ok_or("TEST_DATABASE_URL is not set")?;
                let mut connection = sqlx::AnyConnection::connect(&admin).await?;
                connection
                    .execute(format!("create database {name}").as_str())
                    .await?;
                let base = admin
                    .rsplit_once('/')
                    .map(|(base, _)| base.to_owned())
                    .ok_or("TEST_DATABASE_URL has no database")?;
                Ok(Self {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                })
            }
        }
    }

    /// Removes the database; failures are reported but do not fail the test that is ending.
    pub async fn remove(self) {
        let outcome: Result<(), BoxError> = async {
            match self.backend {
                Backend::Sqlite => {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                    }
                }
                Backend::Postgres => {
                    let admin = postgres_admin_url().ok_or("TEST_DATABASE_URL is not set")?;
                    let mut connection = sqlx::AnyConnection::connect(&admin).await?;
                    connection
                        .execute(
                            format!("drop database if exists {} with (force)", self.name).as_str(),
                        )
                        .await?;
                }
            }
            Ok(())
        }
        .await;
        if let Err(error) = outcome {
            eprintln!("could not remove test database {}: {error}", self.name);
        }
    }
}
