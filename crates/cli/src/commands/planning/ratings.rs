//! `partyctl ratings cells|cell|member`: the yearly quality ratings of cells and members.

use clap::Subcommand;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::{
    CellRating, ListCellRatingsRequest, MemberRating, RateCellRequest, RateMemberRequest,
    RatingLevel,
};

use super::cell_of;
use crate::client;
use crate::commands::Context;
use crate::error::CliError;
use crate::output::{self, Table, enum_label};
use crate::parse::{cell_name, commune_name, member_name, parse_rating_level, short_id};

/// `partyctl ratings …`.
#[derive(Debug, Subcommand)]
pub enum RatingCommand {
    /// Xếp loại các chi bộ của một xã trong một năm.
    Cells {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
    },
    /// Ghi (hoặc sửa) xếp loại một chi bộ.
    Cell {
        /// Chi bộ (communes/02680/cells/tuong-1, hoặc tuong-1 với --commune).
        cell: String,
        /// Mã xã khi chỉ ghi mã chi bộ.
        #[arg(long)]
        commune: Option<String>,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
        /// Mức: excellent, good, completed, not-completed.
        #[arg(long, value_parser = parse_rating_level)]
        level: pb::RatingLevel,
    },
    /// Ghi (hoặc sửa) xếp loại một đảng viên (đảng viên được miễn sinh hoạt không xếp loại).
    Member {
        /// Mã đảng viên (17) hoặc members/17.
        member: String,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
        /// Mức: excellent, good, completed, not-completed.
        #[arg(long, value_parser = parse_rating_level)]
        level: pb::RatingLevel,
    },
}

/// The Vietnamese label of a rating level.
pub(crate) fn rating_label(level: i32) -> String {
    enum_label(level, |l: RatingLevel| l.as_str_name())
}

/// Runs one `ratings` subcommand.
pub async fn run(context: &Context, command: RatingCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        RatingCommand::Cells { commune, year } => {
            let response = admission
                .list_cell_ratings(ListCellRatingsRequest {
                    parent: commune_name(&commune)?,
                    year,
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", cell_rating_table(&response.ratings).render());
            let good = response
                .ratings
                .iter()
                .filter(|r| {
                    r.level == RatingLevel::Excellent as i32 || r.level == RatingLevel::Good as i32
                })
                .count();
            println!(
                "\n{} chi bộ được xếp loại, {} hoàn thành tốt nhiệm vụ trở lên",
                response.ratings.len(),
                good
            );
            Ok(())
        }
        RatingCommand::Cell {
            cell,
            commune,
            year,
            level,
        } => {
            let rating = admission
                .rate_cell(RateCellRequest {
                    parent: cell_name(&cell, commune.as_deref())?,
                    rating: Some(CellRating {
                        year,
                        level: level as i32,
                        ..CellRating::default()
                    }),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&rating);
            }
            print!(
                "{}",
                cell_rating_table(std::slice::from_ref(&rating)).render()
            );
            Ok(())
        }
        RatingCommand::Member {
            member,
            year,
            level,
        } => {
            let rating = admission
                .rate_member(RateMemberRequest {
                    parent: member_name(&member)?,
                    rating: Some(MemberRating {
                        year,
                        level: level as i32,
                        ..MemberRating::default()
                    }),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&rating);
            }
            println!(
                "Đảng viên {} năm {}: {}",
                rating
                    .name
                    .split("/ratings/")
                    .next()
                    .map(short_id)
                    .unwrap_or_default(),
                rating.year,
                rating_label(rating.level)
            );
            Ok(())
        }
    }
}

fn cell_rating_table(ratings: &[CellRating]) -> Table {
    let mut table = Table::new(["Chi bộ", "Năm", "Xếp loại"]);
    for rating in ratings {
        table.row([
            cell_of(&rating.name).to_owned(),
            rating.year.to_string(),
            rating_label(rating.level),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_and_ratings_show_the_cell_id() {
        assert_eq!(
            cell_of("communes/02680/cells/tuong-1/plans/2022"),
            "tuong-1"
        );
        let table = cell_rating_table(&[CellRating {
            name: "communes/02680/cells/tuong-1/ratings/2021".into(),
            year: 2021,
            level: RatingLevel::Completed as i32,
            etag: String::new(),
        }])
        .render();
        assert!(table.contains("tuong-1") && table.contains("Hoàn thành nhiệm vụ"));
    }
}
