//! The statistics a provincial office files: `report statistics|movements|badges|ranking`, and
//! `export`, which streams any exportable report into a file written atomically. Each report is
//! printed as its document from `partyregistry_export::reports`, the one an export writes.

use partyregistry_export::{reports, terminal};
use partyregistry_proto::reporting::v1::{
    AwardRound, GetMovementsRequest, GetStatisticsRequest, ListBadgesDueRequest,
    ListBadgesDueResponse, Movements, RankCommunesRequest, RankCommunesResponse, Statistics,
};

use crate::error::CliError;
use crate::parse::{parse_award_round, parse_breakdown, parse_date, parse_province, parse_scope};
use clap::Args;
use partyregistry_proto::reporting::v1::RankingIndicator;

pub use partyregistry_export::reports::{reconciliation_lines, round_label};

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

/// `partyctl report statistics`.
#[derive(Debug, Clone, Args)]
pub struct StatisticsArgs {
    /// Phạm vi: provinces/15, communes/02680, country (hoặc mã 2 chữ số của tỉnh, 5 chữ số của xã).
    #[arg(long, value_parser = parse_scope)]
    pub scope: String,
    /// Ngày thống kê; mặc định ngày cuối năm nay hoặc hôm nay, ngày nào sớm hơn.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<String>,
    /// Tiêu chí: ethnicity, religion, age, general-education, qualification, political-theory, party-age, gender; lặp lại hoặc ngăn bằng dấu phẩy; mặc định tất cả.
    #[arg(long = "breakdown", value_delimiter = ',', value_parser = parse_breakdown)]
    pub breakdowns: Vec<String>,
    /// Các mốc trên của nhóm tuổi, tăng dần, ví dụ 30,40,50,60,70.
    #[arg(long, value_delimiter = ',')]
    pub age_bands: Vec<i32>,
    /// Các mốc trên của nhóm tuổi đảng (năm), tăng dần, ví dụ 9,19,29,39,49.
    #[arg(long, value_delimiter = ',')]
    pub party_age_bands: Vec<i32>,
}

/// `partyctl report movements`.
#[derive(Debug, Clone, Args)]
pub struct MovementsArgs {
    /// Phạm vi: provinces/15, communes/02680 hoặc country.
    #[arg(long, value_parser = parse_scope)]
    pub scope: String,
    /// Ngày đầu kỳ.
    #[arg(long, value_parser = parse_date)]
    pub from: String,
    /// Ngày cuối kỳ.
    #[arg(long, value_parser = parse_date)]
    pub to: String,
}

/// `partyctl report badges`.
#[derive(Debug, Clone, Args)]
pub struct BadgesArgs {
    /// Phạm vi: provinces/15, communes/02680 hoặc country.
    #[arg(long, value_parser = parse_scope)]
    pub scope: String,
    /// Năm của các đợt xét tặng.
    #[arg(long)]
    pub year: i32,
    /// Chỉ một đợt: 3-2, 19-5, 2-9, 7-11; mặc định cả bốn đợt.
    #[arg(long, value_parser = parse_award_round)]
    pub round: Option<AwardRound>,
}

/// `partyctl report ranking`.
#[derive(Debug, Clone, Args)]
pub struct RankingArgs {
    /// Mã tỉnh (15) hoặc provinces/15.
    #[arg(long, value_parser = parse_province)]
    pub province: String,
    /// Chỉ tiêu xếp hạng.
    #[arg(long, value_enum)]
    pub indicator: RankingIndicatorArg,
    /// Năm (kết nạp, xếp loại chi bộ); mặc định năm của --as-of.
    #[arg(long)]
    pub year: Option<i32>,
    /// Ngày tính số đảng viên; mặc định hôm nay, không quá ngày cuối năm.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<String>,
}

/// What `partyctl report ranking` ranks communes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankingIndicatorArg {
    /// Số đảng viên.
    Members,
    /// Kết nạp so với chỉ tiêu năm (%).
    Admissions,
    /// Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên (%).
    GoodCells,
}

impl RankingIndicatorArg {
    /// The contract's value.
    pub fn indicator(self) -> RankingIndicator {
        match self {
            Self::Members => RankingIndicator::Members,
            Self::Admissions => RankingIndicator::AdmissionsAgainstTarget,
            Self::GoodCells => RankingIndicator::GoodCellsPercent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use partyregistry_proto::reporting::v1::{
        AdmissionMovements, BadgeDue, Breakdown, Bucket, CountedUnit, RankedCommune,
        RankingIndicator, Reconciliation,
    };

    #[test]
    fn statistics_show_breakdowns_with_their_total_and_the_units() {
        let statistics = Statistics {
            suppressed_fields: Vec::new(),
            awaiting_ceremony_members: 1,
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
        assert!(
            text.contains("Đã có quyết định kết nạp, chờ lễ kết nạp (không tính vào tổng số): 1"),
            "{text}"
        );
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
            suppressed_fields: vec!["awaiting_ceremony_members".into()],
            awaiting_ceremony_members: 0,
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
        let awaiting = text
            .lines()
            .find(|line| line.starts_with("Đã có quyết định kết nạp, chờ lễ kết nạp"))
            .unwrap_or_default();
        assert!(awaiting.ends_with("ẩn*"), "{text}");
        assert!(text.contains("Cộng (không kể số ẩn)"), "{text}");
        assert!(text.contains("* ẩn: số quá nhỏ"), "{text}");
    }

    #[test]
    fn suppressed_row_figures_are_marked_not_shown_as_zero() {
        let statistics = Statistics {
            suppressed_fields: Vec::new(),
            awaiting_ceremony_members: 0,
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
            suppressed_fields: vec!["ceremonies".into(), "awaiting_at_end".into()],
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
        assert!(line("Lễ kết nạp").ends_with("ẩn*"), "{text}");
        assert!(line("Chờ lễ kết nạp cuối kỳ").ends_with("ẩn*"), "{text}");
        assert!(line("Chờ lễ kết nạp đầu kỳ").ends_with(" 0"), "{text}");
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
            ceremonies: 3,
            died: 2,
            reconciliation: Some(Reconciliation {
                members_at_start: 100,
                movements_in: 4,
                movements_out: 2,
                members_at_end: 102,
                balanced: true,
                awaiting_at_start: 0,
                awaiting_at_end: 0,
            }),
            ..Movements::default()
        };
        let text = render_movements(&movements);
        let [roll, awaiting] = reconciliation_lines(&movements);
        assert_eq!(
            roll,
            "ĐỐI CHIẾU: đầu kỳ 100 + tăng 4 = 104; cuối kỳ 102 + giảm 2 = 104 → KHỚP"
        );
        assert_eq!(
            awaiting,
            "ĐỐI CHIẾU CHỜ LỄ KẾT NẠP: chờ lễ đầu kỳ 0 + kết nạp 3 = 3; \
             lễ kết nạp 3 + rời trước lễ 0 + chờ lễ cuối kỳ 0 = 3 → KHỚP"
        );
        // The terminal prints both checks as they are spelled out here.
        assert!(text.contains(&roll) && text.contains(&awaiting), "{text}");
        assert!(text.contains("Lễ kết nạp (vào danh sách): 3"), "{text}");
        assert!(text.contains("Kết nạp (theo ngày quyết định): 3"), "{text}");
        assert!(text.contains("Chờ lễ kết nạp đầu kỳ: 0"), "{text}");
        assert!(text.contains("Rời trước lễ kết nạp: 0"), "{text}");
        assert!(text.contains("Chờ lễ kết nạp cuối kỳ: 0"), "{text}");
        assert!(text.contains("Kết nạp — trong đó dưới 30 tuổi"));
        let unbalanced = Movements {
            reconciliation: Some(Reconciliation {
                members_at_start: 10,
                movements_in: 1,
                movements_out: 0,
                members_at_end: 10,
                balanced: false,
                ..Reconciliation::default()
            }),
            ceremonies: 1,
            admitted: Some(AdmissionMovements {
                total: 1,
                ..AdmissionMovements::default()
            }),
            ..Movements::default()
        };
        let [roll, awaiting] = reconciliation_lines(&unbalanced);
        assert!(roll.ends_with("KHÔNG KHỚP (chênh lệch 1)"), "{roll}");
        assert!(awaiting.ends_with("→ KHỚP"), "{awaiting}");
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
            as_of_date: "2022-06-30".into(),
            year: 2022,
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
                    ..RankedCommune::default()
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
}
