//! The statistics a provincial office files: `report statistics|movements|badges|ranking`, and
//! `export`, which streams any exportable report into a file written atomically. Each report is
//! printed as its document from `partyregistry_export::reports`, the one an export writes.

use std::path::{Path, PathBuf};

use partyregistry_export::{reports, terminal};
use partyregistry_proto::reporting::v1::{
    AwardRound, ExportReportRequest, GetMovementsRequest, GetStatisticsRequest,
    ListBadgesDueRequest, ListBadgesDueResponse, Movements, RankCommunesRequest,
    RankCommunesResponse, Statistics,
};

use super::Context;
use super::reports::{ReportRequest, report_request};
use crate::args::{BadgesArgs, ExportArgs, MovementsArgs, RankingArgs, StatisticsArgs};
use crate::atomic::AtomicFile;
use crate::client;
use crate::error::CliError;

pub use partyregistry_export::reports::{reconciliation_line, round_label};

/// GetStatistics from `report statistics`.
pub fn statistics_request(args: StatisticsArgs) -> GetStatisticsRequest {
    GetStatisticsRequest {
        scope: args.scope,
        as_of_date: args.as_of.unwrap_or_default(),
        breakdowns: args.breakdowns,
        age_band_upper_bounds: args.age_bands,
        party_age_band_upper_bounds: args.party_age_bands,
    }
}

/// GetMovements from `report movements`; a period ending before it starts is refused before any
/// call, with the flag's name.
pub fn movements_request(args: MovementsArgs) -> Result<GetMovementsRequest, CliError> {
    if args.to < args.from {
        return Err(CliError::usage(format!(
            "--to {} trước --from {}",
            args.to, args.from
        )));
    }
    Ok(GetMovementsRequest {
        scope: args.scope,
        from_date: args.from,
        to_date: args.to,
    })
}

/// ListBadgesDue from `report badges`.
pub fn badges_request(args: BadgesArgs) -> ListBadgesDueRequest {
    ListBadgesDueRequest {
        scope: args.scope,
        year: args.year,
        round: args.round.unwrap_or(AwardRound::Unspecified) as i32,
    }
}

/// RankCommunes from `report ranking`.
pub fn ranking_request(args: RankingArgs) -> RankCommunesRequest {
    RankCommunesRequest {
        province: args.province,
        indicator: args.indicator.indicator() as i32,
        year: args.year.unwrap_or_default(),
        as_of_date: args.as_of.unwrap_or_default(),
    }
}

/// Point-in-time statistics: totals, every breakdown with its share, the communes counted and
/// the notes (predecessors counted, and so on).
pub fn render_statistics(statistics: &Statistics) -> String {
    terminal::write(&reports::statistics(statistics))
}

/// Movements over a period, the admissions and of whom, and the reconciliation spelled out.
pub fn render_movements(movements: &Movements) -> String {
    terminal::write(&reports::movements(movements))
}

/// The members due a badge, with the counts per round and badge.
pub fn render_badges(request: &ListBadgesDueRequest, response: &ListBadgesDueResponse) -> String {
    terminal::write(&reports::badges_due(request, response))
}

/// The communes of a province, best first.
pub fn render_ranking(request: &RankCommunesRequest, ranking: &RankCommunesResponse) -> String {
    terminal::write(&reports::ranking(request, ranking))
}

/// Where the file goes: `output` itself, or the suggested name inside it when it is a directory.
fn target_path(output: &Path, suggested: &str) -> Result<PathBuf, CliError> {
    if !output.is_dir() {
        return Ok(output.to_path_buf());
    }
    // Only the last component of the suggestion counts: a server cannot steer the file elsewhere.
    let name = Path::new(suggested)
        .file_name()
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            CliError::usage(format!(
                "{} là thư mục và dịch vụ không gợi ý tên tệp: hãy ghi rõ tên tệp",
                output.display()
            ))
        })?;
    Ok(output.join(name))
}

/// What `export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    /// The file written.
    pub output: String,
    /// Its size.
    pub bytes: u64,
    /// The name the service suggested.
    pub file_name: String,
    /// The MIME type the service gave.
    pub content_type: String,
}

/// `partyctl export`: streams ExportReport into a temporary file next to the output and renames
/// it into place only when the whole stream has arrived; on any error the temporary file is
/// removed and nothing is left at the output path.
pub async fn export(context: &Context, args: ExportArgs) -> Result<(), CliError> {
    let format = args
        .format
        .ok_or_else(|| CliError::usage("cần --format csv hoặc --format xlsx"))?;
    let output = args
        .output
        .ok_or_else(|| CliError::usage("cần --output TỆP"))?;
    let report = match report_request(args.report)? {
        ReportRequest::Exportable(report) => report,
        ReportRequest::Briefing(_) => {
            return Err(CliError::usage("bản tin tháng không xuất ra tệp được"));
        }
    };
    let request = ExportReportRequest {
        report: Some(report),
        format: format.format() as i32,
    };
    let mut reporting = client::reporting(&context.reporting, &context.security).await?;
    let mut stream = reporting.export_report(request).await?.into_inner();
    // The first chunk names the file; nothing is created before it has arrived.
    let first = stream
        .message()
        .await?
        .ok_or_else(|| CliError::Other("dịch vụ báo cáo không gửi dữ liệu nào".to_owned()))?;
    let target = target_path(&output, &first.file_name)?;
    let mut file = AtomicFile::create(&target)?;
    file.write(&first.data)?;
    while let Some(chunk) = stream.message().await? {
        file.write(&chunk.data)?;
    }
    let bytes = file.commit()?;
    let exported = Exported {
        output: target.display().to_string(),
        bytes,
        file_name: first.file_name,
        content_type: first.content_type,
    };
    if context.json {
        let json =
            serde_json::to_string_pretty(&exported).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{json}");
        return Ok(());
    }
    println!(
        "Đã ghi {} ({} byte, {}).",
        exported.output,
        exported.bytes,
        if exported.content_type.is_empty() {
            &exported.file_name
        } else {
            &exported.content_type
        }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::RankingIndicatorArg;
    use partyregistry_proto::reporting::v1::{
        AdmissionMovements, BadgeDue, Breakdown, Bucket, CountedUnit, RankedCommune,
        RankingIndicator, Reconciliation,
    };

    #[test]
    fn statistics_show_breakdowns_with_their_total_and_the_units() {
        let statistics = Statistics {
            scope: "provinces/15".into(),
            display_name: "Tỉnh Lào Cai".into(),
            as_of_date: "2026-06-30".into(),
            total_members: 4,
            official_members: 3,
            probationary_members: 1,
            women: 2,
            average_age: 44.25,
            breakdowns: vec![Breakdown {
                kind: "ethnicity".into(),
                title: "Dân tộc".into(),
                rows: vec![
                    Bucket {
                        key: "01".into(),
                        label: "Kinh".into(),
                        members: 3,
                        suppressed: false,
                    },
                    Bucket {
                        key: "08".into(),
                        label: "Mông".into(),
                        members: 1,
                        suppressed: false,
                    },
                ],
            }],
            units: vec![CountedUnit {
                suppressed_fields: Vec::new(),
                commune: "communes/02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province: "provinces/15".into(),
                members: 4,
            }],
            notes: vec!["Tính cả Xã Tả Phời".into()],
            freshness: None,
        };
        let text = render_statistics(&statistics);
        assert!(text.contains("Tổng số đảng viên: 4"), "{text}");
        assert!(text.contains("Theo dân tộc"), "{text}");
        assert!(text.contains("Kinh") && text.contains("75.0 %"), "{text}");
        assert!(text.contains("Xã Hợp Thành") && text.contains("02680"));
        assert!(text.contains("• Tính cả Xã Tả Phời"));
        assert!(text.contains("Tuổi bình quân:    44.2") || text.contains("44.2"));
        assert!(!text.contains("ẩn"), "{text}");
    }

    #[test]
    fn suppressed_counts_are_marked_not_shown_as_zero() {
        let statistics = Statistics {
            scope: "provinces/15".into(),
            total_members: 40,
            breakdowns: vec![Breakdown {
                kind: "ethnicity".into(),
                title: "Dân tộc".into(),
                rows: vec![
                    Bucket {
                        key: "01".into(),
                        label: "Kinh".into(),
                        members: 38,
                        suppressed: false,
                    },
                    Bucket {
                        key: "08".into(),
                        label: "Mông".into(),
                        members: 0,
                        suppressed: true,
                    },
                ],
            }],
            ..Statistics::default()
        };
        let text = render_statistics(&statistics);
        let mong = text
            .lines()
            .find(|line| line.starts_with("Mông"))
            .unwrap_or_default();
        assert!(mong.contains("ẩn*") && !mong.contains('%'), "{text}");
        assert!(text.contains("Cộng (không kể số ẩn)"), "{text}");
        assert!(text.contains("* ẩn: số quá nhỏ"), "{text}");
    }

    #[test]
    fn suppressed_row_figures_are_marked_not_shown_as_zero() {
        let statistics = Statistics {
            scope: "provinces/15".into(),
            total_members: 40,
            units: vec![CountedUnit {
                commune: "communes/02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province: "provinces/15".into(),
                members: 0,
                suppressed_fields: vec!["members".into()],
            }],
            ..Statistics::default()
        };
        let text = render_statistics(&statistics);
        let unit = text
            .lines()
            .find(|line| line.starts_with("02680"))
            .unwrap_or_default();
        assert!(unit.ends_with("ẩn*"), "{text}");
        assert!(text.contains("* ẩn: số quá nhỏ"), "{text}");

        let movements = Movements {
            admitted: Some(AdmissionMovements {
                total: 3,
                women: 0,
                under_30: 0,
                suppressed_fields: vec!["women".into()],
                ..AdmissionMovements::default()
            }),
            ..Movements::default()
        };
        let text = render_movements(&movements);
        let line = |label: &str| {
            text.lines()
                .find(|line| line.starts_with(label))
                .unwrap_or_default()
                .to_owned()
        };
        assert!(line("Kết nạp — trong đó nữ").ends_with("ẩn*"), "{text}");
        // A real 0 stays a 0.
        assert!(line("Kết nạp — trong đó dưới 30").ends_with(" 0"), "{text}");
        assert!(text.contains("* ẩn: số quá nhỏ"), "{text}");
    }

    #[test]
    fn movements_spell_out_the_reconciliation() {
        let movements = Movements {
            scope: "provinces/12".into(),
            display_name: "Tỉnh Lai Châu".into(),
            from_date: "2025-01-01".into(),
            to_date: "2025-12-31".into(),
            admitted: Some(AdmissionMovements {
                total: 3,
                under_30: 2,
                ..AdmissionMovements::default()
            }),
            transferred_in: 1,
            died: 2,
            reconciliation: Some(Reconciliation {
                members_at_start: 100,
                movements_in: 4,
                movements_out: 2,
                members_at_end: 102,
                balanced: true,
            }),
            ..Movements::default()
        };
        let text = render_movements(&movements);
        assert!(
            text.contains(
                "ĐỐI CHIẾU: đầu kỳ 100 + tăng 4 = 104; cuối kỳ 102 + giảm 2 = 104 → KHỚP"
            ),
            "{text}"
        );
        assert!(text.contains("Kết nạp — trong đó dưới 30 tuổi"));
        let unbalanced = Reconciliation {
            members_at_start: 10,
            movements_in: 1,
            movements_out: 0,
            members_at_end: 10,
            balanced: false,
        };
        assert!(reconciliation_line(&unbalanced).contains("KHÔNG KHỚP (chênh lệch 1)"));
    }

    #[test]
    fn badges_name_the_round_and_the_early_reason() {
        let response = ListBadgesDueResponse {
            badges: vec![BadgeDue {
                member: "members/7".into(),
                full_name: "Lý Văn Tài".into(),
                cell: "communes/02680/cells/tuong-1".into(),
                badge_years: 30,
                round: AwardRound::February3 as i32,
                round_date: "2026-02-03".into(),
                milestone_date: "2026-03-01".into(),
                party_age_months: 359,
                early_reason: "POSTHUMOUS".into(),
                deceased: true,
            }],
            freshness: None,
        };
        let request = ListBadgesDueRequest {
            scope: "communes/02680".into(),
            year: 2026,
            round: AwardRound::Unspecified as i32,
        };
        let text = render_badges(&request, &response);
        assert!(text.contains("3/2") && text.contains("truy tặng"), "{text}");
        assert!(text.contains("29 năm 11 tháng") && text.contains("30 năm: 1"));
        assert_eq!(round_label(AwardRound::September2 as i32), "2/9");
    }

    #[test]
    fn ranking_shows_percentages_and_missing_values() {
        let ranking = RankCommunesResponse {
            province: "provinces/15".into(),
            indicator: RankingIndicator::GoodCellsPercent as i32,
            communes: vec![
                RankedCommune {
                    rank: 1,
                    commune: "communes/02680".into(),
                    display_name: "Xã Hợp Thành".into(),
                    value: 81.25,
                    has_value: true,
                    detail: "13/16 chi bộ".into(),
                },
                RankedCommune {
                    rank: 2,
                    commune: "communes/02677".into(),
                    display_name: "Xã Tả Phời".into(),
                    has_value: false,
                    ..RankedCommune::default()
                },
            ],
            freshness: None,
        };
        let request = RankCommunesRequest {
            province: "provinces/15".into(),
            indicator: RankingIndicator::GoodCellsPercent as i32,
            year: 0,
            as_of_date: String::new(),
        };
        let text = render_ranking(&request, &ranking);
        assert!(text.contains("81.2 %") || text.contains("81.3 %"), "{text}");
        assert!(text.contains("—") && text.contains("13/16 chi bộ"));
    }

    #[test]
    fn requests_carry_the_flags() {
        let request = ranking_request(RankingArgs {
            province: "provinces/15".into(),
            indicator: RankingIndicatorArg::GoodCells,
            year: Some(2025),
            as_of: None,
        });
        assert_eq!(request.indicator, RankingIndicator::GoodCellsPercent as i32);
        assert!(
            movements_request(MovementsArgs {
                scope: "country".into(),
                from: "2025-12-31".into(),
                to: "2025-01-01".into(),
            })
            .is_err()
        );
    }

    #[test]
    fn a_directory_output_takes_the_suggested_name_only() {
        let dir = std::env::temp_dir();
        let path = target_path(&dir, "../../etc/thong-ke.csv").expect("a name");
        assert_eq!(path, dir.join("thong-ke.csv"));
        let file = dir.join("no-such-dir-partyctl").join("x.csv");
        assert_eq!(target_path(&file, "").expect("a file"), file);
    }
}
