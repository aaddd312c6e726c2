//! The planner's statistics of the tables a bulk path grows, kept fresh by that path itself.
//!
//! PostgreSQL plans from the row counts and value distributions that `ANALYZE` last sampled.
//! Autovacuum samples a table again once a tenth of it has changed, but only where it is enabled
//! and only at its next round, and an import of millions of rows outruns it. A members table
//! that was never analysed, at 4.2 million rows, had its lookup of a batch's 2,000 citizen ids
//! planned as a scan of the whole table (1.5 s per batch, growing with every batch); once
//! analysed, the same lookup went through the index and the import ran six times faster.
//!
//! So the paths that write in bulk (the roster import, the projection's batches) report the rows
//! each commit wrote, and the tables they grow are analysed in the background whenever the rows
//! written since the last analysis reach a quarter of the table (at least
//! [`MIN_ROWS_BETWEEN`]). Nothing on SQLite, whose planner takes an index on an equality or a
//! list without statistics.

use std::sync::{Arc, Mutex, PoisonError};

use sqlx::Row;

use super::{Backend, Database};

/// Fewest rows written between two analyses of the same tables.
pub const MIN_ROWS_BETWEEN: usize = 10_000;

/// Where a keeper stands: rows written by this process so far, the count at which the tables are
/// analysed next, and whether an analysis is running.
#[derive(Debug, Default)]
struct Growth {
    written: usize,
    next_at: usize,
    running: bool,
}

/// Keeps the statistics of `tables` fresh as a bulk path writes into them (see the module).
#[derive(Debug, Clone)]
pub struct PlannerStatistics {
    /// The tables analysed together; the first is the one whose size sets the next threshold.
    tables: &'static [&'static str],
    growth: Arc<Mutex<Growth>>,
}

impl PlannerStatistics {
    /// A keeper of `tables` (the first, the table the path grows most), with nothing written yet.
    pub fn new(tables: &'static [&'static str]) -> Self {
        Self {
            tables,
            growth: Arc::new(Mutex::new(Growth {
                next_at: MIN_ROWS_BETWEEN,
                ..Growth::default()
            })),
        }
    }

    /// Records that a commit on `database` wrote `rows` rows into the tables; on PostgreSQL,
    /// starts an analysis of them in the background when enough has been written since the last
    /// one and none is running. Returns at once: the commit's caller does not wait for it.
    pub fn committed(&self, database: &Database, rows: usize) {
        if database.backend != Backend::Postgres || rows == 0 || self.tables.is_empty() {
            return;
        }
        {
            let mut growth = self.growth.lock().unwrap_or_else(PoisonError::into_inner);
            growth.written = growth.written.saturating_add(rows);
            if growth.running || growth.written < growth.next_at {
                return;
            }
            growth.running = true;
        }
        let keeper = self.clone();
        let database = database.clone();
        tokio::spawn(async move {
            let rows_now = keeper.analyse(&database).await;
            let mut growth = keeper.growth.lock().unwrap_or_else(PoisonError::into_inner);
            growth.running = false;
            growth.next_at = growth
                .written
                .saturating_add((rows_now / 4).max(MIN_ROWS_BETWEEN));
        });
    }

    /// Analyses the tables and returns the rows of the first as the analysis counted them (0 when
    /// it failed: the next threshold is then the nearest).
    async fn analyse(&self, database: &Database) -> usize {
        let started = std::time::Instant::now();
        let analysed = sqlx::query(&format!("analyze {}", self.tables.join(", ")))
            .execute(&database.pool)
            .await;
        if let Err(error) = analysed {
            tracing::warn!(tables = ?self.tables, %error, "the planner's statistics could not be refreshed");
            return 0;
        }
        let counted = sqlx::query(
            "select coalesce(max(reltuples), 0)::bigint from pg_class where relname = $1",
        )
        .bind(self.tables[0])
        .fetch_one(&database.pool)
        .await
        .and_then(|row| row.try_get::<i64, _>(0));
        let rows = counted.map_or(0, |rows| usize::try_from(rows).unwrap_or(0));
        tracing::info!(
            tables = ?self.tables,
            rows,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "the planner's statistics refreshed after a bulk write"
        );
        rows
    }

    /// Whether an analysis is running, for tests.
    #[cfg(test)]
    fn running(&self) -> bool {
        self.growth
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .running
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_database::{TestDatabase, postgres_admin_url};

    /// When the table was last analysed by anyone, as PostgreSQL records it.
    async fn analysed(database: &Database) -> bool {
        sqlx::query(
            "select count(*) from pg_stat_user_tables where relname = 'grown' and last_analyze is not null",
        )
        .fetch_one(&database.pool)
        .await
        .and_then(|row| row.try_get::<i64, _>(0))
        .expect("the statistics view is readable")
            == 1
    }

    /// An empty database on `backend`, connected.
    async fn empty_database(backend: Backend) -> (TestDatabase, Database) {
        let test = TestDatabase::create(backend, "kit_planner_statistics")
            .await
            .expect("a test database can be created");
        let database = super::super::connect(&test.url, &sqlx::migrate::Migrator::DEFAULT)
            .await
            .expect("the test database answers");
        (test, database)
    }

    #[tokio::test]
    async fn a_table_grown_in_bulk_is_analysed_once_enough_was_written() {
        let Some(_) = postgres_admin_url() else {
            return;
        };
        let (test, database) = empty_database(Backend::Postgres).await;
        sqlx::query("create table grown (id bigint primary key)")
            .execute(&database.pool)
            .await
            .expect("the table is created");
        sqlx::query("insert into grown select generate_series(1, 12000)")
            .execute(&database.pool)
            .await
            .expect("the rows are written");
        let keeper = PlannerStatistics::new(&["grown"]);

        keeper.committed(&database, MIN_ROWS_BETWEEN - 1);
        assert!(!keeper.running(), "below the threshold nothing starts");
        keeper.committed(&database, 2_001);
        let mut waited = 0;
        while keeper.running() && waited < 200 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            waited += 1;
        }
        assert!(!keeper.running(), "the analysis ended within 10 s");
        assert!(analysed(&database).await);
        let growth = keeper.growth.lock().map(|g| (g.written, g.next_at));
        assert_eq!(
            growth.ok(),
            Some((12_000, 12_000 + MIN_ROWS_BETWEEN)),
            "the next analysis waits for a quarter of the table, and at least the minimum"
        );

        database.close().await;
        test.remove().await;
    }

    #[tokio::test]
    async fn nothing_is_analysed_on_sqlite() {
        let (test, database) = empty_database(Backend::Sqlite).await;
        let keeper = PlannerStatistics::new(&["grown"]);
        keeper.committed(&database, 1_000_000);
        assert!(!keeper.running());
        database.close().await;
        test.remove().await;
    }
}
