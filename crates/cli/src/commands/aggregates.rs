//! `partyctl aggregates …`: the reporting service's aggregate read model (the per-commune
//! ledgers the provincial statistics are summed from), checked against or rebuilt from the
//! members stored in its own database. It opens that database directly (migrating it as the
//! service would), so it needs no running service and no token; it reads or writes nothing else.

use clap::{Args, Subcommand};
use partyregistry_kit::db;
use partyregistry_reporting::store::{AggregateAudit, MIGRATIONS, Store};

use crate::error::CliError;

/// `partyctl aggregates …`.
#[derive(Debug, Subcommand)]
pub enum AggregatesCommand {
    /// So sánh số liệu tổng hợp đã lưu với số liệu tính lại từ đầu theo từng đảng viên; mã thoát khác 0 nếu lệch.
    Check(DatabaseArgs),
    /// Tính lại số liệu tổng hợp từ các đảng viên đã lưu (trong một giao dịch).
    Rebuild(DatabaseArgs),
}

/// The reporting database to open.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Cơ sở dữ liệu của dịch vụ báo cáo (sqlite://… hoặc postgres://…).
    #[arg(long, env = "REPORTING_DATABASE_URL")]
    pub database_url: String,
}

fn describe(audit: &AggregateAudit) -> String {
    format!(
        "đảng viên đã đọc: {}\ndòng tổng hợp đã lưu: {}\ndòng tổng hợp tính lại: {}\ndòng lệch: {}\n",
        audit.members, audit.stored_rows, audit.expected_rows, audit.differing_rows
    )
}

/// Runs one `aggregates` subcommand; `json` prints the figures as one JSON object.
pub async fn run(command: AggregatesCommand, json: bool) -> Result<(), CliError> {
    let url = match &command {
        AggregatesCommand::Check(args) | AggregatesCommand::Rebuild(args) => &args.database_url,
    };
    let database = db::connect(url, &MIGRATIONS).await.map_err(|error| {
        CliError::Other(format!("không mở được cơ sở dữ liệu báo cáo: {error}"))
    })?;
    let store = Store::new(database);
    let outcome = match command {
        AggregatesCommand::Check(_) => store.check_aggregates().await,
        AggregatesCommand::Rebuild(_) => store.rebuild_aggregates().await,
    };
    store.close().await;
    let audit =
        outcome.map_err(|error| CliError::Other(format!("lỗi cơ sở dữ liệu báo cáo: {error}")))?;
    if json {
        println!(
            "{{\"members\":{},\"storedRows\":{},\"expectedRows\":{},\"differingRows\":{}}}",
            audit.members, audit.stored_rows, audit.expected_rows, audit.differing_rows
        );
    } else {
        print!("{}", describe(&audit));
    }
    if audit.differing_rows > 0 {
        return Err(CliError::Other(format!(
            "số liệu tổng hợp lệch {} dòng so với tính lại: chạy `partyctl aggregates rebuild`",
            audit.differing_rows
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_described_in_vietnamese() {
        let text = describe(&AggregateAudit {
            members: 3,
            expected_rows: 40,
            stored_rows: 41,
            differing_rows: 1,
        });
        assert!(text.contains("đảng viên đã đọc: 3"));
        assert!(text.contains("dòng lệch: 1"));
    }
}
