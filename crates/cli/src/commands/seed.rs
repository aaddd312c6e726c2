//! `partyctl seed`: loads the reference dataset through the membership and admission APIs, and
//! with `--synthetic-province` the generated province too.

use clap::Args;

use super::Context;
use crate::error::CliError;
use crate::progress::Progress;
use crate::{client, dataset, synthetic};

/// `partyctl seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Nạp thêm một tỉnh tổng hợp (Lai Châu, mã 12: bốn xã, một cặp sáp nhập năm 2025).
    #[arg(long)]
    pub synthetic_province: bool,
    /// Hạt giống của tỉnh tổng hợp: cùng hạt giống, cùng dữ liệu.
    #[arg(long, default_value_t = synthetic::DEFAULT_SEED, requires = "synthetic_province")]
    pub synthetic_seed: u64,
}

/// Prints a serialisable summary: JSON with `--json`, else its rendering.
fn print_summary<S: serde::Serialize>(
    context: &Context,
    summary: &S,
    render: impl FnOnce(&S) -> String,
) -> Result<(), CliError> {
    if context.json {
        let json =
            serde_json::to_string_pretty(summary).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{json}");
    } else {
        print!("{}", render(summary));
    }
    Ok(())
}

/// `partyctl seed`: loads the reference dataset through the membership and admission APIs, and
/// with `--synthetic-province` the generated province too.
pub async fn run(context: &Context, args: SeedArgs) -> Result<(), CliError> {
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let mut reference = client::reference(&context.membership, &context.security).await?;
    let progress = Progress::counted(0, "bản ghi", context.json);
    if args.synthetic_province {
        let summary = synthetic::seed_province(
            &mut membership,
            &mut reference,
            args.synthetic_seed,
            &progress,
        )
        .await?;
        drop(progress);
        return print_summary(context, &summary, synthetic::SyntheticProvince::render);
    }
    let mut admission = client::admission(&context.membership, &context.security).await?;
    let summary =
        dataset::seed_all(&mut membership, &mut admission, &mut reference, &progress).await?;
    drop(progress);
    print_summary(context, &summary, dataset::SeedSummary::render)
}
