//! `partyctl holidays list|set|delete`: the days off and make-up working days of the working-day
//! calendar the deadlines are counted in; loading a new year needs no new release.

use chrono::Datelike;
use clap::Subcommand;
use partyregistry_proto::membership::v1::{
    DeleteHolidayRequest, Holiday, ListHolidaysRequest, SetHolidayRequest,
};
use partyregistry_vocab::date;

use super::this_year;
use crate::client;
use crate::commands::Context;
use crate::error::CliError;
use crate::output::{self, Table};
use crate::parse::parse_date;

/// `partyctl holidays …`.
#[derive(Debug, Subcommand)]
pub enum HolidayCommand {
    /// Các ngày nghỉ lễ của một năm.
    List {
        /// Năm; mặc định năm nay.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Thêm hoặc sửa một ngày nghỉ (lễ, nghỉ bù, nghỉ hoán đổi) hoặc một ngày làm bù.
    Set {
        /// Ngày (YYYY-MM-DD).
        #[arg(value_parser = parse_date)]
        date: String,
        /// Tên ngày, ví dụ "Quốc khánh" hoặc "Làm bù".
        #[arg(long = "name")]
        display_name: String,
        /// Ngày làm bù (thứ Bảy hoặc Chủ nhật đi làm để đổi lấy ngày nghỉ hoán đổi).
        #[arg(long)]
        make_up_working_day: bool,
    },
    /// Bỏ một ngày nghỉ lễ.
    Delete {
        /// Ngày (YYYY-MM-DD).
        #[arg(value_parser = parse_date)]
        date: String,
    },
}

/// Runs one `holidays` subcommand.
pub async fn run(context: &Context, command: HolidayCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        HolidayCommand::List { year } => {
            let response = admission
                .list_holidays(ListHolidaysRequest {
                    year: year.unwrap_or_else(this_year),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            let mut table = Table::new(["Ngày", "Thứ", "Ngày lễ", "Loại"]);
            for holiday in &response.holidays {
                table.row([
                    holiday.date.clone(),
                    weekday(&holiday.date),
                    holiday.display_name.clone(),
                    kind_label(holiday).to_owned(),
                ]);
            }
            print!("{}", table.render());
            println!("\n{} ngày nghỉ lễ", response.holidays.len());
            Ok(())
        }
        HolidayCommand::Set {
            date,
            display_name,
            make_up_working_day,
        } => {
            let holiday = admission
                .set_holiday(SetHolidayRequest {
                    holiday: Some(Holiday {
                        date,
                        display_name,
                        make_up_working_day,
                        ..Holiday::default()
                    }),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&holiday);
            }
            println!(
                "Đã ghi {} {} {}",
                kind_label(&holiday).to_lowercase(),
                holiday.date,
                holiday.display_name
            );
            Ok(())
        }
        HolidayCommand::Delete { date } => {
            admission
                .delete_holiday(DeleteHolidayRequest {
                    name: format!("holidays/{date}"),
                })
                .await?;
            if context.json {
                println!("{{}}");
            } else {
                println!("Đã bỏ ngày nghỉ lễ {date}");
            }
            Ok(())
        }
    }
}

/// Whether the day is off or worked, in Vietnamese.
fn kind_label(holiday: &Holiday) -> &'static str {
    if holiday.make_up_working_day {
        "Ngày làm bù"
    } else {
        "Ngày nghỉ"
    }
}

/// The Vietnamese weekday of a `YYYY-MM-DD` date; empty when it does not parse.
fn weekday(day: &str) -> String {
    match date::parse(day) {
        Ok(day) => match day.weekday() {
            chrono::Weekday::Mon => "Thứ Hai",
            chrono::Weekday::Tue => "Thứ Ba",
            chrono::Weekday::Wed => "Thứ Tư",
            chrono::Weekday::Thu => "Thứ Năm",
            chrono::Weekday::Fri => "Thứ Sáu",
            chrono::Weekday::Sat => "Thứ Bảy",
            chrono::Weekday::Sun => "Chủ Nhật",
        }
        .to_owned(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_show_the_weekday() {
        assert_eq!(weekday("2022-09-02"), "Thứ Sáu");
        assert_eq!(weekday("x"), "");
    }
}
