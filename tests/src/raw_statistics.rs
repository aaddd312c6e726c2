//! The statistics of a scope as raw SQL over reporting's member and stint tables, the baseline the
//! benchmarks hold the service's answers against: the roll on the day, one GROUP BY per breakdown,
//! age and party-age bands from cut-off dates bound from Rust. It reads what the service reads
//! and hands back rows, without the service's resolution of units, checks or answer.

use partyregistry_kit::BoxError;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyPool, Row};

/// Which communes the raw SQL counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawScope {
    /// One commune, by code.
    Commune(String),
    /// The communes of one province, by code.
    Province(String),
    /// Every commune: a scan of the whole roll.
    Country,
}

impl RawScope {
    /// The condition on `communes c` that keeps the scope's communes. The codes are digits
    /// (checked), so they are written into the statement rather than bound: every query then
    /// keeps its own parameter numbers.
    fn condition(&self) -> Result<String, BoxError> {
        let digits = |code: &str| -> Result<String, BoxError> {
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("a unit code is digits, not {code:?}").into());
            }
            Ok(code.to_owned())
        };
        Ok(match self {
            RawScope::Commune(code) => format!("c.code = '{}'", digits(code)?),
            RawScope::Province(code) => format!("c.province_code = '{}'", digits(code)?),
            RawScope::Country => "1 = 1".to_owned(),
        })
    }

    /// `with roll as (…)`: the members on the roll on `$1` in the scope's communes — a stint
    /// covering the day, or decided there and awaiting the ceremony — each with the commune it
    /// counts in as `roll_commune`.
    pub fn roll(&self) -> Result<String, BoxError> {
        let condition = self.condition()?;
        Ok(format!(
            "with roll as ( \
             select m.*, s.commune_code as roll_commune from member_stints s \
               join members m on m.id = s.member_id \
               join communes c on c.code = s.commune_code and {condition} \
               where s.from_date <= $1 and (s.to_date is null or s.to_date > $1) \
             union all \
             select m.*, m.admitted_in_commune from members m \
               join communes c on c.code = m.admitted_in_commune and {condition} \
               where m.joined_date is null and m.decision_date <= $1 \
                 and (m.ceremony_date is null or m.ceremony_date > $1) \
                 and (m.left_date is null or m.left_date > $1)) "
        ))
    }
}

/// The day `years` years before `as_of`, as text (empty if out of range).
fn years_before(as_of: Date, years: u32) -> String {
    as_of
        .checked_sub_months(chrono::Months::new(12 * years))
        .map(date::format)
        .unwrap_or_default()
}

/// The figures of `GetStatistics` for `scope` on `as_of` as raw SQL: the totals, one GROUP BY per
/// breakdown, the age and party-age bands. Returns the number of rows read back.
pub async fn statistics(pool: &AnyPool, scope: &RawScope, as_of: Date) -> Result<usize, BoxError> {
    let roll = scope.roll()?;
    let day = date::format(as_of);
    let mut rows = 0;
    let totals = sqlx::query(&format!(
        "{roll} select count(*), \
             count(case when official_date <= $1 or (official_date is null and status = 'MEMBER_STATUS_EXEMPT') then 1 end), \
             count(case when gender = 'GENDER_FEMALE' then 1 end) from roll"
    ))
    .bind(&day)
    .fetch_one(pool)
    .await?;
    let _: i64 = totals.try_get(0)?;
    rows += 1;
    for column in [
        "roll_commune",
        "gender",
        "ethnicity_code",
        "religion_code",
        "general_education",
        "political_theory",
        "qualification",
    ] {
        rows += sqlx::query(&format!(
            "{roll} select {column}, count(*) from roll group by {column}"
        ))
        .bind(&day)
        .fetch_all(pool)
        .await?
        .len();
    }
    rows += sqlx::query(&format!(
        "{roll} select count(case when birth_date > $2 then 1 end), \
             count(case when birth_date <= $2 and birth_date > $3 then 1 end), \
             count(case when birth_date <= $3 and birth_date > $4 then 1 end), \
             count(case when birth_date <= $4 and birth_date > $5 then 1 end), \
             count(case when birth_date <= $5 and birth_date > $6 then 1 end), \
             count(case when birth_date <= $6 then 1 end), \
             count(case when birth_date is null then 1 end) from roll"
    ))
    .bind(&day)
    .bind(years_before(as_of, 31))
    .bind(years_before(as_of, 41))
    .bind(years_before(as_of, 51))
    .bind(years_before(as_of, 61))
    .bind(years_before(as_of, 71))
    .fetch_all(pool)
    .await?
    .len();
    // The average age, from the birth dates' days.
    rows += sqlx::query(&format!(
        "{roll} select birth_date, count(*) from roll group by birth_date"
    ))
    .bind(&day)
    .fetch_all(pool)
    .await?
    .len();
    rows += sqlx::query(&format!(
        "{roll} select count(case when decision_date > $2 then 1 end), \
             count(case when decision_date <= $2 and decision_date > $3 then 1 end), \
             count(case when decision_date <= $3 and decision_date > $4 then 1 end), \
             count(case when decision_date <= $4 and decision_date > $5 then 1 end), \
             count(case when decision_date <= $5 and decision_date > $6 then 1 end), \
             count(case when decision_date <= $6 then 1 end) from roll"
    ))
    .bind(&day)
    .bind(years_before(as_of, 10))
    .bind(years_before(as_of, 20))
    .bind(years_before(as_of, 30))
    .bind(years_before(as_of, 40))
    .bind(years_before(as_of, 50))
    .fetch_all(pool)
    .await?
    .len();
    Ok(rows)
}

/// The members on the roll of each commune of `scope` on `as_of`, largest first: what
/// `RankCommunes` ranks on by members. Returns the number of communes.
pub async fn members_by_commune(
    pool: &AnyPool,
    scope: &RawScope,
    as_of: Date,
) -> Result<usize, BoxError> {
    let roll = scope.roll()?;
    Ok(sqlx::query(&format!(
        "{roll} select roll_commune, count(*) from roll group by roll_commune order by 2 desc, 1"
    ))
    .bind(date::format(as_of))
    .fetch_all(pool)
    .await?
    .len())
}

/// The movements of `scope` from `from` to `to` as raw SQL: the roll on the first day and on the
/// day after the last, and the stints in the scope's communes that began and that ended within
/// the period, by commune. Returns the number of rows read back.
pub async fn movements(
    pool: &AnyPool,
    scope: &RawScope,
    from: Date,
    to: Date,
) -> Result<usize, BoxError> {
    let roll = scope.roll()?;
    let after = to
        .succ_opt()
        .ok_or("the period ends before the end of time")?;
    let mut rows = 0;
    for day in [from, after] {
        let count = sqlx::query(&format!("{roll} select count(*) from roll"))
            .bind(date::format(day))
            .fetch_one(pool)
            .await?;
        let _: i64 = count.try_get(0)?;
        rows += 1;
    }
    let condition = scope.condition()?;
    for column in ["from_date", "to_date"] {
        rows += sqlx::query(&format!(
            "select s.commune_code, count(*) from member_stints s \
               join communes c on c.code = s.commune_code and {condition} \
               where s.{column} >= $1 and s.{column} <= $2 group by s.commune_code"
        ))
        .bind(date::format(from))
        .bind(date::format(after))
        .fetch_all(pool)
        .await?
        .len();
    }
    Ok(rows)
}
