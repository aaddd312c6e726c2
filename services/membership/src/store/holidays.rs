//! The holiday calendar that working-day deadlines skip.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::{is_unique_violation, parse_date};

const HOLIDAY_TYPE: &str = "partyregistry.membership.v1.Holiday";

/// The resource name of the holiday on `day`.
pub fn holiday_name(day: Date) -> String {
    format!("holidays/{}", date::format(day))
}

/// Creates or replaces the calendar day on `day`: a day off, or a make-up working day.
pub async fn set_holiday(
    conn: &mut AnyConnection,
    day: Date,
    (display_name, make_up_working_day): (&str, bool),
    now: i64,
) -> Result<pb::Holiday, ApiError> {
    let updated = sqlx::query(
        "update holidays set display_name = $1, make_up_working_day = $2, update_time_us = $3 where holiday_date = $4",
    )
    .bind(display_name)
    .bind(i64::from(make_up_working_day))
    .bind(now)
    .bind(date::format(day))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        let inserted = sqlx::query(
            "insert into holidays (holiday_date, display_name, make_up_working_day, create_time_us, update_time_us) values ($1, $2, $3, $4, $4)",
        )
        .bind(date::format(day))
        .bind(display_name)
        .bind(i64::from(make_up_working_day))
        .bind(now)
        .execute(&mut *conn)
        .await;
        match inserted {
            // A concurrent writer created it between the update and the insert.
            Err(error) if is_unique_violation(&error) => {
                return Err(ApiError::Aborted {
                    name: holiday_name(day),
                });
            }
            other => other?,
        };
    }
    Ok(pb::Holiday {
        name: holiday_name(day),
        date: date::format(day),
        display_name: display_name.to_owned(),
        make_up_working_day,
    })
}

/// Deletes the holiday on `day`, which must exist.
pub async fn delete_holiday(conn: &mut AnyConnection, day: Date) -> Result<(), ApiError> {
    let deleted = sqlx::query("delete from holidays where holiday_date = $1")
        .bind(date::format(day))
        .execute(&mut *conn)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApiError::NotFound {
            resource_type: HOLIDAY_TYPE,
            name: holiday_name(day),
        });
    }
    Ok(())
}

/// The holidays between `from` and `to`, in date order.
pub async fn list_holidays(
    conn: &mut AnyConnection,
    from: Date,
    to: Date,
) -> Result<Vec<pb::Holiday>, ApiError> {
    let rows = sqlx::query(
        "select holiday_date, display_name, make_up_working_day from holidays where holiday_date >= $1 and holiday_date <= $2 order by holiday_date",
    )
    .bind(date::format(from))
    .bind(date::format(to))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let day = parse_date("holiday", &row.try_get::<String, _>("holiday_date")?)?;
            Ok(pb::Holiday {
                name: holiday_name(day),
                date: date::format(day),
                display_name: row.try_get("display_name")?,
                make_up_working_day: row.try_get::<i64, _>("make_up_working_day")? != 0,
            })
        })
        .collect()
}
