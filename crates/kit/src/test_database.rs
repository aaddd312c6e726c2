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

    /// A consistent copy of this database, as an operator's backup would be: SQLite's
    /// `VACUUM INTO`, PostgreSQL a database made from this one as its template (nothing may be
    /// connected to this one meanwhile).
    pub async fn backup(&self, label: &str) -> Result<Self, BoxError> {
        let copy = Self::create(self.backend, label).await?;
        match self.backend {
            Backend::Sqlite => {
                // `VACUUM INTO` wants a file that does not exist yet.
                let _ = std::fs::remove_file(&copy.name);
                let mut connection = sqlx::AnyConnection::connect(&self.url).await?;
                sqlx::query("vacuum into $1")
                    .bind(&copy.name)
                    .execute(&mut connection)
                    .await?;
                // Closed before the service opens the file again, not whenever the driver gets
                // round to it.
                connection.close().await?;
            }
            Backend::Postgres => {
                let admin = postgres_admin_url().ok_or("TEST_DATABASE_URL is not set")?;
                let mut connection = sqlx::AnyConnection::connect(&admin).await?;
                connection
                    .execute(format!("drop database {}", copy.name).as_str())
                    .await?;
                connection
                    .execute(
                        format!("create database {} template {}", copy.name, self.name).as_str(),
                    )
                    .await?;
            }
        }
        Ok(copy)
    }

    /// Replaces this database's content with `backup`'s, as an operator's restore would
    /// (nothing may be connected to either meanwhile).
    pub async fn restore_from(&self, backup: &Self) -> Result<(), BoxError> {
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
                std::fs::copy(&backup.name, &self.name)?;
            }
            Backend::Postgres => {
                let admin = postgres_admin_url().ok_or("TEST_DATABASE_URL is not set")?;
                let mut connection = sqlx::AnyConnection::connect(&admin).await?;
                connection
                    .execute(format!("drop database {} with (force)", self.name).as_str())
                    .await?;
                connection
                    .execute(
                        format!("create database {} template {}", self.name, backup.name).as_str(),
                    )
                    .await?;
            }
        }
        Ok(())
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
