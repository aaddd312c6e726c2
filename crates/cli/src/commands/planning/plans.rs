//! `partyctl plans list|set`: the cells' plans for a year (sources to develop, admissions).

use clap::{Args, Subcommand};
use partyregistry_proto::membership::v1::{CellPlan, ListCellPlansRequest, SetCellPlanRequest};

use super::{cell_of, this_year};
use crate::client;
use crate::commands::Context;
use crate::error::CliError;
use crate::output::{self, Table};
use crate::parse::{cell_name, commune_name};

/// `partyctl plans …`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Kế hoạch một năm của các chi bộ trong xã.
    List {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
        /// Năm; mặc định năm nay.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Đặt (hoặc thay) kế hoạch năm của một chi bộ.
    Set(PlanSetArgs),
}

/// `partyctl plans set`.
#[derive(Debug, Args)]
pub struct PlanSetArgs {
    /// Chi bộ (communes/02680/cells/tuong-1, hoặc tuong-1 với --commune).
    pub cell: String,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Năm.
    #[arg(long)]
    pub year: i32,
    /// Số nguồn cần phát triển trong năm.
    #[arg(long, default_value_t = 0)]
    pub sources: i32,
    /// Số đảng viên dự kiến kết nạp trong năm.
    #[arg(long, default_value_t = 0)]
    pub admissions: i32,
    /// Ghi chú (tối đa 500 ký tự).
    #[arg(long)]
    pub notes: Option<String>,
}

/// Runs one `plans` subcommand.
pub async fn run(context: &Context, command: PlanCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        PlanCommand::List { commune, year } => {
            let response = admission
                .list_cell_plans(ListCellPlansRequest {
                    parent: commune_name(&commune)?,
                    year: year.unwrap_or_else(this_year),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", plan_table(&response.plans).render());
            let sources: i64 = response
                .plans
                .iter()
                .map(|p| i64::from(p.sources_to_develop))
                .sum();
            let admissions: i64 = response.plans.iter().map(|p| i64::from(p.admissions)).sum();
            println!(
                "\nCộng: {} nguồn cần phát triển, {} đảng viên dự kiến kết nạp",
                sources, admissions
            );
            Ok(())
        }
        PlanCommand::Set(args) => {
            let request = plan_request(args)?;
            let plan = admission.set_cell_plan(request).await?.into_inner();
            if context.json {
                return output::print_json(&plan);
            }
            print!("{}", plan_table(std::slice::from_ref(&plan)).render());
            Ok(())
        }
    }
}

fn plan_request(args: PlanSetArgs) -> Result<SetCellPlanRequest, CliError> {
    Ok(SetCellPlanRequest {
        parent: cell_name(&args.cell, args.commune.as_deref())?,
        plan: Some(CellPlan {
            year: args.year,
            sources_to_develop: args.sources,
            admissions: args.admissions,
            notes: args.notes.unwrap_or_default(),
            ..CellPlan::default()
        }),
    })
}

fn plan_table(plans: &[CellPlan]) -> Table {
    let mut table = Table::new([
        "Chi bộ",
        "Năm",
        "Nguồn cần phát triển",
        "Dự kiến kết nạp",
        "Ghi chú",
    ]);
    for plan in plans {
        table.row([
            cell_of(&plan.name).to_owned(),
            plan.year.to_string(),
            plan.sources_to_develop.to_string(),
            plan.admissions.to_string(),
            plan.notes.clone(),
        ]);
    }
    table
}
