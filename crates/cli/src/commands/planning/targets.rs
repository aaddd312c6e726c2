//! `partyctl targets list|set`: a commune committee's term targets (admissions a year, the share
//! of cells rated good or better).

use clap::{Args, Subcommand};
use partyregistry_proto::membership::v1::{ListTargetsRequest, SetTargetRequest, Target};

use crate::client;
use crate::commands::Context;
use crate::error::CliError;
use crate::output::{self, Table};
use crate::parse::commune_name;

/// `partyctl targets …`.
#[derive(Debug, Subcommand)]
pub enum TargetCommand {
    /// Chỉ tiêu các nhiệm kỳ của một xã.
    List {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
    },
    /// Đặt (hoặc thay) chỉ tiêu một nhiệm kỳ.
    Set(TargetSetArgs),
}

/// `partyctl targets set`.
#[derive(Debug, Args)]
pub struct TargetSetArgs {
    /// Mã xã (02680) hoặc communes/02680.
    #[arg(long, alias = "parent")]
    pub commune: String,
    /// Năm đầu nhiệm kỳ, ví dụ 2020.
    #[arg(long)]
    pub first_year: i32,
    /// Năm cuối nhiệm kỳ, ví dụ 2025.
    #[arg(long)]
    pub last_year: i32,
    /// Số đảng viên kết nạp mỗi năm.
    #[arg(long)]
    pub admissions_per_year: i32,
    /// Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên (%).
    #[arg(long)]
    pub good_cells_percent: i32,
}

/// Runs one `targets` subcommand.
pub async fn run(context: &Context, command: TargetCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        TargetCommand::List { commune } => {
            let response = admission
                .list_targets(ListTargetsRequest {
                    parent: commune_name(&commune)?,
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", target_table(&response.targets).render());
            Ok(())
        }
        TargetCommand::Set(args) => {
            let request = target_request(args)?;
            let target = admission.set_target(request).await?.into_inner();
            if context.json {
                return output::print_json(&target);
            }
            print!("{}", target_table(std::slice::from_ref(&target)).render());
            Ok(())
        }
    }
}

fn target_request(args: TargetSetArgs) -> Result<SetTargetRequest, CliError> {
    Ok(SetTargetRequest {
        parent: commune_name(&args.commune)?,
        target: Some(Target {
            first_year: args.first_year,
            last_year: args.last_year,
            admissions_per_year: args.admissions_per_year,
            good_cells_percent: args.good_cells_percent,
            ..Target::default()
        }),
    })
}

fn target_table(targets: &[Target]) -> Table {
    let mut table = Table::new([
        "Nhiệm kỳ",
        "Kết nạp mỗi năm",
        "Chi bộ hoàn thành tốt trở lên",
        "Tên tài nguyên",
    ]);
    for target in targets {
        table.row([
            format!("{}–{}", target.first_year, target.last_year),
            target.admissions_per_year.to_string(),
            format!("{} %", target.good_cells_percent),
            target.name.clone(),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_request_names_the_commune() {
        let request = target_request(TargetSetArgs {
            commune: "02680".into(),
            first_year: 2020,
            last_year: 2025,
            admissions_per_year: 6,
            good_cells_percent: 80,
        })
        .expect("valid");
        assert_eq!(request.parent, "communes/02680");
        assert_eq!(request.target.map(|t| t.admissions_per_year), Some(6));
    }
}
