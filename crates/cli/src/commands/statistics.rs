//! The statistics a provincial office files: `report statistics|movements|badges|ranking`, and
//! `export`, which streams any exportable report into a file written atomically.

use std::path::{Path, PathBuf};

use partyregistry_proto::reporting::v1::{
    AwardRound, BadgeDue, ExportReportRequest, GetMovementsRequest, GetStatisticsRequest,
    ListBadgesDueRequest, ListBadgesDueResponse, Movements, RankCommunesRequest,
    RankCommunesResponse, RankingIndicator, Reconciliation, Statistics,
};

use super::Context;
use super::reports::{BadgesArgs, MovementsArgs, RankingArgs, ReportCommand, StatisticsArgs};
use super::reports::{
    ReportRequest, any_suppressed, bucket_count, bucket_label, figure_count, freshness_text,
    report_request, suppressed_note,
};
use crate::atomic::AtomicFile;
use crate::client::{self, enum_name};
use crate::error::CliError;
use crate::output::{Fields, Table};
use crate::parse::short_id;
use clap::Args;
use partyregistry_proto::reporting::v1::ExportFormat;

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

fn notes_text(notes: &[String]) -> String {
    notes.iter().map(|note| format!("  • {note}\n")).collect()
}

/// `part` as a percentage of `whole`, one decimal; a dash for an empty whole.
fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".to_owned()
    } else {
        format!("{:.1} %", part as f64 * 100.0 / whole as f64)
    }
}

/// Point-in-time statistics: totals, every breakdown with its share, the communes counted and
/// the notes (predecessors counted, and so on).
pub fn render_statistics(statistics: &Statistics) -> String {
    let mut out = format!(
        "THỐNG KÊ ĐẢNG VIÊN — {} ({}), ngày {}\n\n",
        statistics.display_name, statistics.scope, statistics.as_of_date
    );
    let total = statistics.total_members;
    let mut totals = Fields::new();
    totals
        .add("Tổng số đảng viên", total.to_string())
        .add(
            "Chính thức",
            format!(
                "{} ({})",
                statistics.official_members,
                percent(statistics.official_members, total)
            ),
        )
        .add(
            "Dự bị",
            format!(
                "{} ({})",
                statistics.probationary_members,
                percent(statistics.probationary_members, total)
            ),
        )
        .add(
            "Nữ",
            format!(
                "{} ({})",
                statistics.women,
                percent(statistics.women, total)
            ),
        )
        .add("Tuổi bình quân", format!("{:.1}", statistics.average_age));
    out.push_str(&totals.render());
    for breakdown in &statistics.breakdowns {
        let title = if breakdown.title.is_empty() {
            breakdown.kind.clone()
        } else {
            breakdown.title.clone()
        };
        let mut table = Table::new([title.as_str(), "Đảng viên", "Tỷ lệ"]);
        for row in &breakdown.rows {
            table.row([
                bucket_label(row),
                bucket_count(row),
                if row.suppressed {
                    String::new()
                } else {
                    percent(row.members, total)
                },
            ]);
        }
        table.row([
            if any_suppressed(&breakdown.rows) {
                "Cộng (không kể số ẩn)"
            } else {
                "Cộng"
            }
            .to_owned(),
            breakdown
                .rows
                .iter()
                .map(|row| row.members)
                .sum::<i64>()
                .to_string(),
            String::new(),
        ]);
        out.push_str(&format!("\nTheo {}\n", title.to_lowercase()));
        out.push_str(&table.render());
    }
    if !statistics.units.is_empty() {
        let mut units = Table::new(["Mã xã", "Tên xã", "Tỉnh", "Đảng viên"]);
        for unit in &statistics.units {
            units.row([
                short_id(&unit.commune).to_owned(),
                unit.display_name.clone(),
                short_id(&unit.province).to_owned(),
                figure_count(unit.members, "members", &unit.suppressed_fields),
            ]);
        }
        out.push_str(&format!(
            "\nCác xã được tính ({} xã)\n",
            statistics.units.len()
        ));
        out.push_str(&units.render());
    }
    if !statistics.notes.is_empty() {
        out.push_str("\nGhi chú\n");
        out.push_str(&notes_text(&statistics.notes));
    }
    out.push_str(suppressed_note(
        any_suppressed(statistics.breakdowns.iter().flat_map(|b| b.rows.iter()))
            || statistics
                .units
                .iter()
                .any(|unit| !unit.suppressed_fields.is_empty()),
    ));
    out.push_str(&freshness_text(statistics.freshness.as_ref()));
    out
}

/// The reconciliation as one line a person can check by hand.
pub fn reconciliation_line(check: &Reconciliation) -> String {
    let left = check.members_at_start + check.movements_in;
    let right = check.members_at_end + check.movements_out;
    let verdict = if check.balanced && left == right {
        "KHỚP".to_owned()
    } else {
        format!("KHÔNG KHỚP (chênh lệch {})", left - right)
    };
    format!(
        "ĐỐI CHIẾU: đầu kỳ {} + tăng {} = {left}; cuối kỳ {} + giảm {} = {right} → {verdict}",
        check.members_at_start, check.movements_in, check.members_at_end, check.movements_out
    )
}

/// Movements over a period, the admissions and of whom, then the reconciliation line.
pub fn render_movements(movements: &Movements) -> String {
    let mut out = format!(
        "BIẾN ĐỘNG ĐẢNG VIÊN — {} ({}), từ {} đến {}\n\n",
        movements.display_name, movements.scope, movements.from_date, movements.to_date
    );
    let admitted = movements.admitted.clone().unwrap_or_default();
    let of_admitted =
        |value: i64, field: &str| figure_count(value, field, &admitted.suppressed_fields);
    let mut table = Table::new(["Chỉ tiêu", "Số lượng"]);
    for (what, count) in [
        ("Kết nạp", admitted.total.to_string()),
        (
            "Kết nạp — trong đó dưới 30 tuổi",
            of_admitted(admitted.under_30, "under_30"),
        ),
        (
            "Kết nạp — trong đó đoàn viên",
            of_admitted(admitted.youth_union, "youth_union"),
        ),
        (
            "Kết nạp — trong đó dân tộc thiểu số",
            of_admitted(admitted.ethnic_minority, "ethnic_minority"),
        ),
        (
            "Kết nạp — trong đó nữ",
            of_admitted(admitted.women, "women"),
        ),
        (
            "Kết nạp — trong đó kết nạp lại",
            of_admitted(admitted.readmitted, "readmitted"),
        ),
        (
            "Công nhận chính thức",
            movements.recognized_official.to_string(),
        ),
        (
            "Chuyển đến (chính thức)",
            movements.transferred_in.to_string(),
        ),
        (
            "Chuyển đi (chính thức)",
            movements.transferred_out.to_string(),
        ),
        (
            "Chuyển sinh hoạt tạm thời đi",
            movements.temporary_out.to_string(),
        ),
        (
            "Trở về sau sinh hoạt tạm thời",
            movements.temporary_returned.to_string(),
        ),
        ("Miễn công tác và sinh hoạt", movements.exempted.to_string()),
        ("Từ trần", movements.died.to_string()),
        ("Xóa tên", movements.removed.to_string()),
        ("Khai trừ", movements.expelled.to_string()),
        ("Xin ra khỏi Đảng", movements.resigned.to_string()),
    ] {
        table.row([what.to_owned(), count]);
    }
    out.push_str(&table.render());
    out.push_str(suppressed_note(!admitted.suppressed_fields.is_empty()));
    out.push('\n');
    match &movements.reconciliation {
        Some(check) => {
            out.push_str(&format!("{}\n", reconciliation_line(check)));
            out.push_str(
                "  (tăng = kết nạp + chuyển đến; giảm = chuyển đi + từ trần + xóa tên + khai trừ + xin ra khỏi Đảng)\n",
            );
        }
        None => out.push_str("ĐỐI CHIẾU: dịch vụ không gửi số liệu đối chiếu\n"),
    }
    if !movements.notes.is_empty() {
        out.push_str("\nGhi chú\n");
        out.push_str(&notes_text(&movements.notes));
    }
    out.push_str(&freshness_text(movements.freshness.as_ref()));
    out
}

/// `3/2`, `19/5`, `2/9`, `7/11`.
pub fn round_label(round: i32) -> String {
    match AwardRound::try_from(round) {
        Ok(AwardRound::February3) => "3/2".to_owned(),
        Ok(AwardRound::May19) => "19/5".to_owned(),
        Ok(AwardRound::September2) => "2/9".to_owned(),
        Ok(AwardRound::November7) => "7/11".to_owned(),
        _ => enum_name(round, |r: AwardRound| r.as_str_name()),
    }
}

fn early_label(badge: &BadgeDue) -> String {
    let mut notes = Vec::new();
    match badge.early_reason.as_str() {
        "" => {}
        "SERIOUSLY_ILL" => notes.push("trao sớm (bệnh hiểm nghèo)".to_owned()),
        "POSTHUMOUS" => notes.push("truy tặng".to_owned()),
        other => notes.push(format!("trao sớm ({other})")),
    }
    if badge.deceased && badge.early_reason != "POSTHUMOUS" {
        notes.push("đã từ trần".to_owned());
    }
    notes.join(", ")
}

/// The members due a badge, round by round, with a count per badge.
pub fn render_badges(response: &ListBadgesDueResponse, scope: &str, year: i32) -> String {
    let mut out = format!("XÉT TẶNG HUY HIỆU ĐẢNG NĂM {year} — {scope}\n\n");
    if response.badges.is_empty() {
        out.push_str("Không có đảng viên nào đến hạn.\n");
    } else {
        let mut table = Table::new([
            "Đợt",
            "Ngày",
            "Họ và tên",
            "Chi bộ",
            "Huy hiệu",
            "Đủ tuổi đảng ngày",
            "Tuổi đảng",
            "Ghi chú",
        ]);
        for badge in &response.badges {
            table.row([
                round_label(badge.round),
                badge.round_date.clone(),
                badge.full_name.clone(),
                short_id(&badge.cell).to_owned(),
                format!("{} năm", badge.badge_years),
                badge.milestone_date.clone(),
                format!(
                    "{} năm {} tháng",
                    badge.party_age_months.div_euclid(12),
                    badge.party_age_months.rem_euclid(12)
                ),
                early_label(badge),
            ]);
        }
        out.push_str(&table.render());
        let mut years: Vec<i32> = response.badges.iter().map(|b| b.badge_years).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let counts: Vec<String> = years
            .iter()
            .map(|y| {
                let n = response
                    .badges
                    .iter()
                    .filter(|b| b.badge_years == *y)
                    .count();
                format!("{y} năm: {n}")
            })
            .collect();
        out.push_str(&format!(
            "\n{} đảng viên ({})\n",
            response.badges.len(),
            counts.join("; ")
        ));
    }
    out.push_str(&freshness_text(response.freshness.as_ref()));
    out
}

fn indicator_label(indicator: i32) -> &'static str {
    match RankingIndicator::try_from(indicator) {
        Ok(RankingIndicator::Members) => "số đảng viên",
        Ok(RankingIndicator::AdmissionsAgainstTarget) => "kết nạp so với chỉ tiêu (%)",
        Ok(RankingIndicator::GoodCellsPercent) => "tỷ lệ chi bộ hoàn thành tốt nhiệm vụ (%)",
        _ => "chỉ tiêu",
    }
}

/// The communes of a province, best first.
pub fn render_ranking(ranking: &RankCommunesResponse) -> String {
    let mut out = format!(
        "XẾP HẠNG CÁC XÃ — {} — theo {}\n\n",
        ranking.province,
        indicator_label(ranking.indicator)
    );
    let members = ranking.indicator == RankingIndicator::Members as i32;
    let mut table = Table::new(["Hạng", "Mã xã", "Tên xã", "Giá trị", "Cách tính"]);
    for commune in &ranking.communes {
        let value = match (commune.has_value, members) {
            (false, _) => "—".to_owned(),
            (true, true) => format!("{:.0}", commune.value),
            (true, false) => format!("{:.1} %", commune.value),
        };
        table.row([
            commune.rank.to_string(),
            short_id(&commune.commune).to_owned(),
            commune.display_name.clone(),
            value,
            commune.detail.clone(),
        ]);
    }
    out.push_str(&table.render());
    out.push_str(&freshness_text(ranking.freshness.as_ref()));
    out
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
    use crate::commands::reports::RankingIndicatorArg;
    use partyregistry_proto::reporting::v1::{
        AdmissionMovements, Breakdown, Bucket, CountedUnit, RankedCommune,
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
        let text = render_badges(&response, "communes/02680", 2026);
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
        let text = render_ranking(&ranking);
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

// ---------------------------------------------------------------------------------------------
// The command line of `partyctl export …`: the file format and path, then the report.
// ---------------------------------------------------------------------------------------------

/// File formats of `partyctl export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    /// CSV, UTF-8 có BOM.
    Csv,
    /// Sổ tính Excel (Office Open XML).
    Xlsx,
}

impl ExportFormatArg {
    /// The contract's value.
    pub fn format(self) -> ExportFormat {
        match self {
            Self::Csv => ExportFormat::Csv,
            Self::Xlsx => ExportFormat::Xlsx,
        }
    }
}

/// `partyctl export <báo cáo> … --format csv|xlsx --output TỆP`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Định dạng tệp: csv hoặc xlsx (bắt buộc).
    #[arg(long, value_enum, global = true)]
    pub format: Option<ExportFormatArg>,
    /// Tệp cần ghi (bắt buộc); nếu là thư mục, ghi vào đó với tên do dịch vụ gợi ý.
    #[arg(long, global = true)]
    pub output: Option<std::path::PathBuf>,
    /// Báo cáo cần xuất, với các tham số như lệnh `report` tương ứng.
    #[command(subcommand)]
    pub report: ReportCommand,
}
