//! Database connections for both services: SQLite (the embedded default, a file under `./data/`)
//! or PostgreSQL (a `postgres://` URL), behind one sqlx `Any` pool so that the services keep one
//! query text for both backends. Each service embeds one set of portable migrations, run at
//! start-up.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

mod planner_statistics;
pub use planner_statistics::PlannerStatistics;

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file: one writer at a time.
    Sqlite,
    /// PostgreSQL: concurrent writers.
    Postgres,
}

impl Backend {
    /// Recognises the backend of a URL.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// Multi-row statements (`insert … values (…), (…)`): how many rows of `width` columns one
/// statement binds on the backend of `connection`, and its placeholders.
pub mod multi_row {
    use sqlx::AnyConnection;

    /// Most parameters one statement binds: below SQLite's limit (32,766) and PostgreSQL's
    /// (65,535), so that a batch takes a few large statements per table.
    const MAX_PARAMETERS: usize = 30_000;

    /// Rows of `width` columns per statement (at least one).
    pub fn rows_per_statement(width: usize) -> usize {
        (MAX_PARAMETERS / width.max(1)).max(1)
    }

    /// Most rows (or listed values) of a statement whose text depends on their number that is
    /// kept prepared on its connection after use, whatever their number.
    const KEPT_ROWS: usize = 64;

    /// Whether a statement shaped for `rows` rows (or values in a list), of a loop that binds at
    /// most `full` per statement, is kept prepared on its connection (sqlx's `persistent`). The
    /// shapes that recur are kept: the small ones of single changes, and the full statements of
    /// large batches. The rest of a large batch is a shape seldom seen twice: kept, it would hold
    /// its compiled program (SQLite, in the service's own memory) or its parameter types
    /// (PostgreSQL) for nothing, and sqlx keeps up to a hundred statements per connection — a
    /// hundred shapes of thousands of parameters on each connection held hundreds of megabytes.
    pub fn kept_prepared(rows: usize, full: usize) -> bool {
        rows <= KEPT_ROWS || rows == full
    }

    /// The placeholders of `rows` rows of `width` parameters for the backend of `connection`:
    /// `($1, $2), ($3, $4)` on PostgreSQL, `(?, ?), (?, ?)` on SQLite. SQLite keeps the names of
    /// `$n` and `?n` parameters in a list it searches while parsing and again for each value
    /// bound, so that a statement of many named or numbered parameters costs the square of their
    /// number; anonymous `?` parameters are bound in order at no such cost.
    pub fn placeholders(connection: &AnyConnection, rows: usize, width: usize) -> String {
        let sqlite = connection.backend_name() == "SQLite";
        let mut text = String::with_capacity(rows * width * 7);
        for row in 0..rows {
            if row > 0 {
                text.push_str(", ");
            }
            text.push('(');
            for column in 0..width {
                if column > 0 {
                    text.push_str(", ");
                }
                if sqlite {
                    text.push('?');
                } else {
                    text.push('$');
                    text.push_str(&(row * width + column + 1).to_string());
                }
            }
            text.push(')');
        }
        text
    }

    /// Rows as one JSON array of objects keyed by column name, for PostgreSQL's
    /// `json_populate_recordset(null::table, $1::json)`: a whole batch of rows travels as one
    /// parameter, parsed and typed by the server in C, instead of tens of thousands of parameters
    /// to plan. Values are written in the form PostgreSQL reads into the columns' types (bytes as
    /// `\x…` hex text).
    #[derive(Debug)]
    pub struct JsonRows {
        json: String,
        rows: usize,
        columns_in_row: usize,
    }

    impl JsonRows {
        /// An empty array, with room for about `rows` rows.
        pub fn with_capacity(rows: usize) -> Self {
            let mut json = String::with_capacity(rows * 256 + 2);
            json.push('[');
            Self {
                json,
                rows: 0,
                columns_in_row: 0,
            }
        }

        /// Starts the next row.
        pub fn row(&mut self) -> &mut Self {
            if self.rows > 0 {
                self.json.push_str("},");
            }
            self.json.push('{');
            self.rows += 1;
            self.columns_in_row = 0;
            self
        }

        fn key(&mut self, name: &str) {
            if self.columns_in_row > 0 {
                self.json.push(',');
            }
            self.columns_in_row += 1;
            push_string(&mut self.json, name);
            self.json.push(':');
        }

        /// A text column.
        pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
            self.key(name);
            push_string(&mut self.json, value);
            self
        }

        /// An integer column.
        pub fn int(&mut self, name: &str, value: i64) -> &mut Self {
            self.key(name);
            self.json.push_str(&value.to_string());
            self
        }

        /// A NULL column.
        pub fn null(&mut self, name: &str) -> &mut Self {
            self.key(name);
            self.json.push_str("null");
            self
        }

        /// A bytea column.
        pub fn bytes(&mut self, name: &str, value: &[u8]) -> &mut Self {
            self.key(name);
            self.json.push_str("\"\\\\x");
            self.json.push_str(&hex::encode(value));
            self.json.push('"');
            self
        }

        /// The JSON text of the rows.
        pub fn finish(mut self) -> String {
            if self.rows > 0 {
                self.json.push('}');
            }
            self.json.push(']');
            self.json
        }
    }

    /// Appends `text` to `json` as a JSON string.
    fn push_string(json: &mut String, text: &str) {
        json.push('"');
        for c in text.chars() {
            match c {
                '"' => json.push_str("\\\""),
                '\\' => json.push_str("\\\\"),
                c if (c as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", c as u32)),
                c => json.push(c),
            }
        }
        json.push('"');
    }
}

/// A connected, migrated database.
#[derive(Debug, Clone)]
pub struct Database {
    /// The pool; every query goes through it.
    pub pool: AnyPool,
    /// The backend behind the pool.
    pub backend: Backend,
    /// One writer at a time in this process, on SQLite: see [`Database::lock_writer`].
    writer: Arc<Mutex<()>>,
}

impl Database {
    /// The pool's connections in use and idle, for the metrics.
    pub fn pool_use(&self) -> (usize, usize) {
        let idle = self.pool.num_idle();
        let open = usize::try_from(self.pool.size()).unwrap_or(usize::MAX);
        (open.saturating_sub(idle), idle)
    }

    /// Wraps a pool whose migrations have run.
    pub fn new(pool: AnyPool, backend: Backend) -> Self {
        Self {
            pool,
            backend,
            writer: Arc::new(Mutex::new(())),
        }
    }

    /// Takes the process's writer lock on SQLite (`None` on PostgreSQL, whose writers run
    /// concurrently). SQLite allows one writer at a time: a writer that waits on another's lock
    /// gives up after the busy timeout, and a deferred transaction that upgrades its read
    /// snapshot after another writer committed fails at once. Every write of the process — the
    /// service's own transactions and the audit trail's inserts — takes this lock first, so that
    /// writers queue here instead.
    pub async fn lock_writer(&self) -> Option<OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }

    /// Closes the pool and waits until none of its connections is open any more. sqlx's own
    /// `close` closes the idle connections, then waits for the checked-out ones to be released;
    /// one released during that wait goes back to the idle list and stays open. On SQLite such a
    /// connection, closed later as the last one on the file, checkpoints its write-ahead log into
    /// the file and deletes the log: into whatever file is there by then, a restored backup
    /// included. So the idle list is closed again until the pool holds no connection.
    pub async fn close(&self) {
        loop {
            self.pool.close().await;
            if self.pool.size() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Whether the database answers a trivial query within `within`: the health check's probe.
    pub async fn reachable(&self, within: Duration) -> bool {
        let probe = sqlx::query("select 1").execute(&self.pool);
        matches!(tokio::time::timeout(within, probe).await, Ok(Ok(_)))
    }
}

/// Follows the PostgreSQL notifications of `channel` at `url` until `shutdown`, calling
/// `notified` with each payload, and with `None` after the listening connection was lost (what
/// was announced meanwhile is missed). Reconnects after a pause. Nothing on SQLite, whose one
/// writing process needs no announcement.
pub fn follow_notifications<F>(
    url: &str,
    channel: &'static str,
    shutdown: tokio_util::sync::CancellationToken,
    notified: F,
) where
    F: Fn(Option<&str>) + Send + 'static,
{
    if Backend::of_url(url) != Some(Backend::Postgres) {
        return;
    }
    let url = url.to_owned();
    tokio::spawn(async move {
        let mut listener = None;
        loop {
            if listener.is_none() {
                match sqlx::postgres::PgListener::connect(&url).await {
                    Ok(mut connected) => match connected.listen(channel).await {
                        Ok(()) => {
                            listener = Some(connected);
                            // Commits made while nobody listened were not announced.
                            notified(None);
                        }
                        Err(error) => tracing::warn!(%error, channel, "cannot listen"),
                    },
                    Err(error) => tracing::warn!(%error, channel, "cannot connect to listen"),
                }
            }
            let Some(connected) = listener.as_mut() else {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(LISTEN_RETRY) => continue,
                }
            };
            let received = tokio::select! {
                () = shutdown.cancelled() => return,
                received = connected.try_recv() => received,
            };
            match received {
                Ok(Some(notification)) => notified(Some(notification.payload())),
                // The connection was lost; the next try_recv reconnects.
                Ok(None) => notified(None),
                Err(error) => {
                    tracing::warn!(%error, channel, "listening failed; reconnecting");
                    listener = None;
                    tokio::select! {
                        () = shutdown.cancelled() => return,
                        () = tokio::time::sleep(LISTEN_RETRY) => {}
                    }
                }
            }
        }
    });
}

/// The pause before listening again after the connection failed.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is neither `sqlite:` nor `postgres://`.
    #[error("unsupported database URL scheme (use sqlite:PATH or postgres://…)")]
    UnsupportedUrl,
    /// The SQLite file's folder could not be created.
    #[error("cannot create the database folder: {0}")]
    Folder(#[from] std::io::Error),
    /// Connecting failed.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] sqlx::Error),
    /// A migration failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Default of `--db-acquire-timeout-seconds`: how long a call waits for a database connection
/// before it is answered UNAVAILABLE (the database is down, or every connection is busy).
pub const DEFAULT_ACQUIRE_TIMEOUT_SECONDS: u64 = 5;

/// The acquire timeout `--db-acquire-timeout-seconds` asks for; zero, which would refuse every
/// call, is refused.
pub fn acquire_timeout(seconds: u64) -> Result<Duration, crate::BoxError> {
    if seconds == 0 {
        return Err("--db-acquire-timeout-seconds must be at least 1".into());
    }
    Ok(Duration::from_secs(seconds))
}

/// Seconds a pooled connection may sit unused before it is closed.
const IDLE_CONNECTION_SECONDS: u64 = 300;

/// Opens the database at `url` like [`connect_with`], with the default acquire timeout.
pub async fn connect(url: &str, migrations: &Migrator) -> Result<Database, ConnectError> {
    connect_with(
        url,
        migrations,
        Duration::from_secs(DEFAULT_ACQUIRE_TIMEOUT_SECONDS),
    )
    .await
}

/// Opens the database at `url`, creating an SQLite file (and its folder) on first use, and runs
/// the service's migrations (one SQL text for both backends). A call waits at most
/// `acquire_timeout` for a connection (sqlx keeps retrying a refused connection until then).
pub async fn connect_with(
    url: &str,
    migrations: &Migrator,
    acquire_timeout: Duration,
) -> Result<Database, ConnectError> {
    install_default_drivers();
    let backend = Backend::of_url(url).ok_or(ConnectError::UnsupportedUrl)?;
    let (url, max_connections) = match backend {
        Backend::Sqlite => (prepare_sqlite_url(url)?, 4),
        Backend::Postgres => (url.to_owned(), 16),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(acquire_timeout)
        // A connection is not pinged each time it is handed out: that was one round trip more
        // on every read and every audit entry. A connection the database dropped (a restart)
        // fails its next statement instead, which sqlx then closes; that call answers
        // UNAVAILABLE and its retry gets a new connection. Connections idle for long are closed
        // before the database or a firewall forgets them.
        .test_before_acquire(false)
        .idle_timeout(Duration::from_secs(IDLE_CONNECTION_SECONDS))
        .after_connect(move |connection, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers run beside the writer; FULL makes a commit durable;
                    // foreign keys are off by default in SQLite.
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    migrations.run(&pool).await?;
    Ok(Database::new(pool, backend))
}

/// Creates the folder of an SQLite file and asks sqlx to create the file if it is missing.
fn prepare_sqlite_url(url: &str) -> Result<String, std::io::Error> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// The current time as microseconds since the Unix epoch: how both services store timestamps, so
/// that the backends never format them differently.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Converts stored microseconds to a protobuf timestamp.
pub fn timestamp(micros: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: (micros.rem_euclid(1_000_000) * 1_000) as i32,
    }
}

/// Converts a protobuf timestamp to microseconds.
pub fn micros_of(timestamp: &prost_types::Timestamp) -> i64 {
    timestamp
        .seconds
        .saturating_mul(1_000_000)
        .saturating_add(i64::from(timestamp.nanos / 1_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_rows_carry_every_kind_of_value_escaped() {
        let mut json = multi_row::JsonRows::with_capacity(2);
        json.row()
            .text("name", "Lò \"Páo\" \\ \n")
            .int("count", -3)
            .null("left_date")
            .bytes("key", &[0, 171]);
        json.row().text("name", "").int("count", 0);
        assert_eq!(
            json.finish(),
            r#"[{"name":"Lò \"Páo\" \\ \u000a","count":-3,"left_date":null,"key":"\\x00ab"},{"name":"","count":0}]"#
        );
        assert_eq!(multi_row::JsonRows::with_capacity(0).finish(), "[]");
    }

    #[test]
    fn timestamps_round_trip_through_micros() {
        for micros in [0, 1, -1, 1_656_547_200_123_456] {
            assert_eq!(micros_of(&timestamp(micros)), micros);
        }
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join("partyregistry-kit-test");
        let url = format!("sqlite://{}/x.db", dir.display());
        assert!(
            prepare_sqlite_url(&url)
                .expect("temp dir is writable")
                .ends_with("x.db?mode=rwc")
        );
        assert_eq!(Backend::of_url("postgres://h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }
}
