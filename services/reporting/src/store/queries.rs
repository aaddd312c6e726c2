//! Reading the facts of the reports: small grouped counts over one commune, all from one
//! consistent snapshot so that the totals and the breakdowns of a report agree even while the
//! consumer writes.

use partyregistry_kit::date::{self, Date};
use partyregistry_kit::db::Backend;
use sqlx::{Any, AnyConnection, Row, Transaction};

use super::{Store, StoredCursor, read_cursor, stored_date, stored_optional_date};
use crate::reports::{
    BirthCount, CellInfo, CellRoll, CommuneFacts, LastAdmission, ProfileCount, SECONDED,
};

/// The members on the commune's roll on the day: their stint in the commune covers it (`$1`
/// commune code, `$2` the day). Stints of one member never overlap, so nobody counts twice.
const ROLL_ON_DAY: &str = "from member_stints s join members m on m.id = s.member_id \
     where s.commune_code = $1 and s.from_date <= $2 and (s.to_date is null or s.to_date > $2)";

/// A commune report's facts with the cursor read in the same snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneSnapshot {
    /// The facts.
    pub facts: CommuneFacts,
    /// The cursor at that moment.
    pub cursor: StoredCursor,
}

/// Admission decisions of a commune per month, with the cursor read in the same snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionsSnapshot {
    /// `(YYYY-MM, decisions)`.
    pub monthly: Vec<(String, i64)>,
    /// The cursor at that moment.
    pub cursor: StoredCursor,
}

impl Store {
    /// Opens a read transaction that sees one snapshot for all its statements: SQLite's read
    /// transactions do so already; PostgreSQL needs REPEATABLE READ for it.
    async fn snapshot(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("set transaction isolation level repeatable read, read only")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// The facts of a commune's report on `as_of`; `None` if the commune was never on the feed.
    pub async fn commune_snapshot(
        &self,
        commune_code: &str,
        as_of: Date,
    ) -> Result<Option<CommuneSnapshot>, sqlx::Error> {
        let mut tx = self.snapshot().await?;
        let Some(display_name) = commune_display_name(&mut tx, commune_code).await? else {
            return Ok(None);
        };
        let day = date::format(as_of);
        let facts = CommuneFacts {
            commune_code: commune_code.to_owned(),
            display_name,
            as_of,
            cells: cells(&mut tx, commune_code).await?,
            cell_rolls: cell_rolls(&mut tx, commune_code, &day).await?,
            profiles: profiles(&mut tx, commune_code, &day).await?,
            births: births(&mut tx, commune_code, &day).await?,
            last_admissions: last_admissions(&mut tx, commune_code, &day).await?,
        };
        let cursor = read_cursor(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(CommuneSnapshot { facts, cursor }))
    }

    /// Admission decisions of a commune per month between two days inclusive; `None` if the
    /// commune was never on the feed.
    pub async fn admissions_snapshot(
        &self,
        commune_code: &str,
        first_day: Date,
        last_day: Date,
    ) -> Result<Option<AdmissionsSnapshot>, sqlx::Error> {
        let mut tx = self.snapshot().await?;
        if commune_display_name(&mut tx, commune_code).await?.is_none() {
            return Ok(None);
        }
        let rows = sqlx::query(
            "select substr(decision_date, 1, 7) as month, count(*) from members \
             where admitted_in_commune = $1 and decision_date >= $2 and decision_date <= $3 \
             group by substr(decision_date, 1, 7)",
        )
        .bind(commune_code)
        .bind(date::format(first_day))
        .bind(date::format(last_day))
        .fetch_all(&mut *tx)
        .await?;
        let monthly = rows
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let cursor = read_cursor(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(AdmissionsSnapshot { monthly, cursor }))
    }
}

async fn commune_display_name(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("select display_name from communes where code = $1")
        .bind(code)
        .fetch_optional(connection)
        .await?;
    row.map(|row| row.try_get(0)).transpose()
}

async fn cells(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<CellInfo>, sqlx::Error> {
    let rows = sqlx::query("select cell_id, display_name, kind, open_date, close_date from cells where commune_code = $1")
        .bind(commune_code)
        .fetch_all(connection)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(CellInfo {
                cell_id: row.try_get(0)?,
                display_name: row.try_get(1)?,
                kind: row.try_get(2)?,
                open_date: stored_optional_date(row.try_get(3)?)?,
                close_date: stored_optional_date(row.try_get(4)?)?,
            })
        })
        .collect()
}

async fn cell_rolls(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<CellRoll>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select s.cell_id, m.assignment, count(*), \
             count(case when m.official_date is not null and m.official_date <= $2 then 1 end) \
         {ROLL_ON_DAY} group by s.cell_id, m.assignment"
    ))
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CellRoll {
                cell_id: row.try_get(0)?,
                seconded: row.try_get::<String, _>(1)? == SECONDED,
                members: row.try_get(2)?,
                official: row.try_get(3)?,
            })
        })
        .collect()
}

async fn profiles(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<ProfileCount>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select m.gender, m.ethnicity_code, m.general_education, m.political_theory, count(*) \
         {ROLL_ON_DAY} group by m.gender, m.ethnicity_code, m.general_education, m.political_theory"
    ))
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ProfileCount {
                gender: row.try_get(0)?,
                ethnicity_code: row.try_get(1)?,
                general_education: row.try_get(2)?,
                political_theory: row.try_get(3)?,
                members: row.try_get(4)?,
            })
        })
        .collect()
}

async fn births(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<BirthCount>, sqlx::Error> {
    // Grouping by the birth day keeps the rows few; the ages are computed in Rust, where whole
    // years follow the birthday rule of `kit::date`.
    let rows = sqlx::query(&format!(
        "select m.birth_date, count(*) {ROLL_ON_DAY} group by m.birth_date"
    ))
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BirthCount {
                birth_date: stored_optional_date(row.try_get(0)?)?,
                members: row.try_get(1)?,
            })
        })
        .collect()
}

async fn last_admissions(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<LastAdmission>, sqlx::Error> {
    let rows = sqlx::query(
        "select admitted_in_cell, max(decision_date) from members \
         where admitted_in_commune = $1 and decision_date <= $2 group by admitted_in_cell",
    )
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LastAdmission {
                cell_id: row.try_get(0)?,
                decision_date: stored_date(&row.try_get::<String, _>(1)?)?,
            })
        })
        .collect()
}
