//! `partyctl generate`: country-shaped synthetic rosters as import files, with their manifest.
//! Calls no service.

use std::path::PathBuf;

use clap::Args;
use partyregistry_vocab::date;

use crate::error::CliError;
use crate::parse::parse_date;
use crate::progress::Progress;
use crate::synthetic::country::{CountryOptions, generate};

/// `partyctl generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Tổng số đảng viên (từ vài chục đến 5,6 triệu).
    #[arg(long)]
    pub members: u64,
    /// Số tỉnh (1–34, lấy theo thứ tự mã).
    #[arg(long, default_value_t = 34)]
    pub provinces: usize,
    /// Hạt giống: cùng hạt giống và cùng ngày, cùng dữ liệu.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Ngày kết thúc lịch sử và ngày tính số liệu của manifest.json (mặc định: hôm nay).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<String>,
    /// Thư mục ghi các tệp tinh-NN.csv và manifest.json.
    #[arg(long)]
    pub output: PathBuf,
}

/// What `generate` wrote, for `--json`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Generated {
    output: String,
    members: u64,
    on_roll: u64,
    provinces: usize,
    communes: u64,
    cells: u64,
    seconds: f64,
}

/// `partyctl generate`: writes the files, one line per province as it is finished.
pub fn run(args: GenerateArgs, json: bool) -> Result<(), CliError> {
    let today = match &args.as_of {
        Some(text) => date::parse(text)
            .map_err(|e| CliError::usage(format!("--as-of: {}", e.vietnamese())))?,
        None => date::today_in_vietnam(),
    };
    let options = CountryOptions {
        members: args.members,
        provinces: args.provinces,
        seed: args.seed,
        today,
    };
    let started = std::time::Instant::now();
    let progress = Progress::counted(args.members, "đảng viên", json);
    let manifest = generate(&options, &args.output, |province| {
        progress.advance(province.counts.rows);
        progress.set_message(province.name.clone());
        if !json {
            progress.above(|| {
                println!(
                    "{} {}: {} đảng viên, {} xã ({:.1} giây)",
                    province.file,
                    province.name,
                    province.counts.rows,
                    province.communes.len(),
                    started.elapsed().as_secs_f64()
                )
            });
        }
    })?;
    drop(progress);
    let summary = Generated {
        output: args.output.display().to_string(),
        members: manifest.counts.rows,
        on_roll: manifest.counts.on_roll,
        provinces: manifest.provinces.len(),
        communes: manifest.communes,
        cells: manifest.cells,
        seconds: started.elapsed().as_secs_f64(),
    };
    if json {
        let text =
            serde_json::to_string_pretty(&summary).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{text}");
    } else {
        println!(
            "Đã ghi {} đảng viên ({} đang sinh hoạt), {} tỉnh, {} xã, {} chi bộ vào {} trong {:.1} giây; tổng số trong manifest.json.",
            summary.members,
            summary.on_roll,
            summary.provinces,
            summary.communes,
            summary.cells,
            summary.output,
            summary.seconds
        );
    }
    Ok(())
}
