//! The top of `partyctl`'s command line (clap derive): the global flags (service addresses,
//! `--json`, transport security) and the list of commands. Each command's own arguments live with
//! the command, in [`crate::commands`]; `dev`'s in [`crate::dev`]. The help texts are what a person
//! reads, so they are in Vietnamese; every RPC of both services has a command.

use clap::{Parser, Subcommand};

use crate::commands::aggregates::AggregatesCommand;
use crate::commands::audit::AuditCommand;
use crate::commands::candidates::CandidateCommand;
use crate::commands::cells::CellCommand;
use crate::commands::certs::CertCommand;
use crate::commands::communes::CommuneCommand;
use crate::commands::completions::CompletionsArgs;
use crate::commands::export::ExportArgs;
use crate::commands::generate::GenerateArgs;
use crate::commands::health::HealthArgs;
use crate::commands::import::ImportArgs;
use crate::commands::lifecycle::{
    AdmitArgs, CeremonyArgs, DepartArgs, EndExemptionArgs, ExemptArgs, RecognizeArgs, TransferArgs,
};
use crate::commands::members::MemberCommand;
use crate::commands::planning::holidays::HolidayCommand;
use crate::commands::planning::plans::PlanCommand;
use crate::commands::planning::ratings::RatingCommand;
use crate::commands::planning::rules::RuleCommand;
use crate::commands::planning::targets::TargetCommand;
use crate::commands::reference::{MergeCommand, ProvinceCommand, ReferenceArgs};
use crate::commands::reports::ReportCommand;
use crate::commands::seed::SeedArgs;
use crate::commands::tokens::TokenCommand;
use crate::commands::watch::WatchArgs;
use crate::dev::DevOptions;
use crate::parse::parse_trace_parent;
use crate::security::SecurityArgs;

/// partyctl: dòng lệnh quản lý đảng viên cấp xã (dịch vụ đảng viên và dịch vụ báo cáo).
#[derive(Debug, Parser)]
#[command(name = "partyctl", version)]
pub struct Cli {
    /// Địa chỉ dịch vụ đảng viên.
    #[arg(
        long,
        global = true,
        env = "PARTYCTL_MEMBERSHIP",
        default_value = "http://127.0.0.1:50051"
    )]
    pub membership: String,
    /// Địa chỉ dịch vụ báo cáo.
    #[arg(
        long,
        global = true,
        env = "PARTYCTL_REPORTING",
        default_value = "http://127.0.0.1:50052"
    )]
    pub reporting: String,
    /// In kết quả dạng JSON chuẩn protobuf thay cho bảng.
    #[arg(long, global = true)]
    pub json: bool,
    /// Ngữ cảnh truy vết W3C của lần chạy (mặc định: tạo mới); mã truy vết in kèm lỗi.
    #[arg(long, global = true, env = "TRACEPARENT", value_parser = parse_trace_parent)]
    pub traceparent: Option<String>,
    /// TLS và mã truy cập.
    #[command(flatten)]
    pub security: SecurityArgs,
    /// Lệnh cần chạy.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Xã (đơn vị hành chính và đảng bộ xã).
    #[command(subcommand)]
    Communes(CommuneCommand),
    /// Chi bộ của đảng bộ xã.
    #[command(subcommand)]
    Cells(CellCommand),
    /// Đảng viên.
    #[command(subcommand)]
    Members(MemberCommand),
    /// Ghi nhận quyết định kết nạp của đảng ủy xã (kèm lễ kết nạp, công nhận chính thức nếu có).
    Admit(AdmitArgs),
    /// Ghi nhận lễ kết nạp: đảng viên trở thành dự bị.
    Ceremony(CeremonyArgs),
    /// Công nhận đảng viên chính thức sau 12 tháng dự bị.
    Recognize(RecognizeArgs),
    /// Chuyển sinh hoạt đảng: giữa các chi bộ, sang xã khác, ra ngoài hệ thống, tạm thời.
    Transfer(TransferArgs),
    /// Miễn công tác và sinh hoạt đảng cho đảng viên chính thức.
    Exempt(ExemptArgs),
    /// Thôi miễn công tác và sinh hoạt đảng.
    EndExemption(EndExemptionArgs),
    /// Ghi nhận đảng viên ra khỏi danh sách: từ trần, xóa tên, xin ra khỏi Đảng, khai trừ.
    Depart(DepartArgs),
    /// Nguồn phát triển đảng viên (quần chúng ưu tú): hồ sơ, điều kiện, các bước kết nạp.
    #[command(subcommand)]
    Candidates(CandidateCommand),
    /// Các phiên bản quy định (24-QĐ/TW, 294-QĐ/TW …) dùng để xét điều kiện và tính thời hạn.
    #[command(subcommand)]
    Rules(RuleCommand),
    /// Ngày nghỉ lễ (lịch ngày làm việc dùng để tính thời hạn).
    #[command(subcommand)]
    Holidays(HolidayCommand),
    /// Chỉ tiêu nhiệm kỳ của đảng bộ xã (kết nạp mỗi năm, tỷ lệ chi bộ tốt).
    #[command(subcommand)]
    Targets(TargetCommand),
    /// Kế hoạch năm của các chi bộ (nguồn cần phát triển, số kết nạp).
    #[command(subcommand)]
    Plans(PlanCommand),
    /// Đánh giá, xếp loại chất lượng chi bộ và đảng viên hằng năm.
    #[command(subcommand)]
    Ratings(RatingCommand),
    /// Theo dõi dòng thay đổi của dịch vụ đảng viên.
    Watch(WatchArgs),
    /// Báo cáo.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Độ cập nhật của dịch vụ báo cáo so với dịch vụ đảng viên.
    Freshness,
    /// Số liệu tổng hợp của dịch vụ báo cáo (thống kê tỉnh, toàn quốc): kiểm tra, tính lại.
    #[command(subcommand)]
    Aggregates(AggregatesCommand),
    /// Kiểm tra sức khỏe (grpc.health.v1); mã thoát khác 0 nếu dịch vụ chưa sẵn sàng.
    Health(HealthArgs),
    /// Tỉnh, thành phố (mã 2 chữ số) và thời gian hiệu lực.
    #[command(subcommand)]
    Provinces(ProvinceCommand),
    /// Sáp nhập đơn vị hành chính (tỉnh, xã) ghi nhận như dữ liệu.
    #[command(subcommand)]
    Merges(MergeCommand),
    /// Danh mục dùng cho thống kê: dân tộc, tôn giáo, trình độ, lý luận chính trị.
    Reference(ReferenceArgs),
    /// Xuất một báo cáo ra tệp CSV hoặc XLSX (ghi trọn vẹn hoặc không ghi gì).
    Export(ExportArgs),
    /// Nhập danh sách đảng viên từ tệp XLSX hoặc CSV (kiểm tra trước, báo lỗi từng ô, chạy lại không tạo trùng); --template ghi tệp mẫu.
    Import(ImportArgs),
    /// Sinh dữ liệu tổng hợp theo hình dạng cả nước (tệp nhập theo mẫu và manifest.json); không gọi dịch vụ.
    Generate(GenerateArgs),
    /// In tập lệnh gợi ý hoàn thành lệnh cho shell (bash, zsh, fish …).
    Completions(CompletionsArgs),
    /// Nạp bộ dữ liệu mẫu Hợp Thành và Tả Phời, sáp nhập 2025 (tổng hợp, không phải người thật) qua API; chạy lại không tạo trùng.
    Seed(SeedArgs),
    /// Chạy cả hai dịch vụ trong một tiến trình trên SQLite, nạp dữ liệu mẫu ở lần đầu (không mã hóa, không xác thực: chỉ dùng trên máy này).
    Dev(DevOptions),
    /// Mã truy cập (JWT) cho một phạm vi: tỉnh, xã, toàn quốc.
    #[command(subcommand)]
    Tokens(TokenCommand),
    /// Chứng chỉ TLS: CA, chứng chỉ máy chủ, chứng chỉ máy khách của một tỉnh.
    #[command(subcommand)]
    Certs(CertCommand),
    /// Nhật ký truy cập (ai đọc, ghi gì, khi nào, kết quả) của một dịch vụ; cần quyền admin.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use partyregistry_kit::auth::Right;
    use partyregistry_proto::membership::v1 as pb;
    use partyregistry_proto::reporting::v1::AwardRound;
    use std::path::PathBuf;

    use crate::commands::audit::{AuditListArgs, AuditTarget, parse_outcome};
    use crate::commands::candidates::CandidateAdvanceArgs;
    use crate::commands::certs::parse_server_name;
    use crate::commands::export::ExportFormatArg;
    use crate::commands::lifecycle::VoteArgs;
    use crate::commands::planning::plans::PlanSetArgs;
    use crate::commands::reference::ReferenceKindArg;
    use crate::commands::statistics::RankingIndicatorArg;
    use crate::commands::tokens::{parse_right, parse_ttl};
    use crate::parse::{parse_commune_code, parse_province_code};

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn members_list_parses_the_documented_example() {
        let cli = Cli::try_parse_from([
            "partyctl",
            "members",
            "list",
            "--parent",
            "communes/02680",
            "--name",
            "hoang",
        ])
        .expect("parses");
        match cli.command {
            Command::Members(MemberCommand::List(args)) => {
                assert_eq!(args.parent, "communes/02680");
                assert_eq!(args.name.as_deref(), Some("hoang"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn global_flags_work_after_the_command() {
        let cli = Cli::try_parse_from([
            "partyctl",
            "freshness",
            "--json",
            "--reporting",
            "http://x:1",
        ])
        .expect("parses");
        assert!(cli.json);
        assert_eq!(cli.reporting, "http://x:1");
    }

    #[test]
    fn security_flags_are_global_and_read_nothing_while_parsing() {
        let cli = Cli::try_parse_from([
            "partyctl",
            "members",
            "get",
            "17",
            "--ca",
            "pki/ca.pem",
            "--cert",
            "pki/client-15.pem",
            "--key",
            "pki/client-15-key.pem",
            "--token-file",
            "token.txt",
            "--membership",
            "https://localhost:50051",
        ])
        .expect("parses");
        assert_eq!(
            cli.security,
            SecurityArgs {
                ca: Some(PathBuf::from("pki/ca.pem")),
                cert: Some(PathBuf::from("pki/client-15.pem")),
                key: Some(PathBuf::from("pki/client-15-key.pem")),
                token: None,
                token_file: Some(PathBuf::from("token.txt")),
            }
        );
        let cli = Cli::try_parse_from(["partyctl", "--token", "abc", "health"]).expect("parses");
        assert_eq!(cli.security.token.as_deref(), Some("abc"));
    }

    #[test]
    fn certs_init_and_audit_list_parse() {
        match parse(&[
            "certs",
            "init",
            "--dir",
            "pki",
            "--province",
            "provinces/15",
            "--server-name",
            "Registry.Example.vn",
            "--server-name",
            "10.0.0.5",
        ]) {
            Command::Certs(CertCommand::Init(args)) => {
                assert_eq!(args.province, "15");
                assert_eq!(args.server_names, ["registry.example.vn", "10.0.0.5"]);
                assert_eq!(args.days, 365);
            }
            other => panic!("unexpected {other:?}"),
        }
        for bad in [
            &["certs", "init", "--dir", "pki"][..],
            &["certs", "init", "--dir", "pki", "--province", "1"],
            &[
                "certs",
                "init",
                "--dir",
                "pki",
                "--province",
                "15",
                "--days",
                "0",
            ],
            &[
                "certs",
                "init",
                "--dir",
                "pki",
                "--province",
                "15",
                "--server-name",
                "bad name",
            ],
        ] {
            let mut line = vec!["partyctl"];
            line.extend_from_slice(bad);
            assert!(Cli::try_parse_from(line).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse(&[
                "audit",
                "list",
                "--service",
                "reporting",
                "--page-size",
                "10"
            ]),
            Command::Audit(AuditCommand::List(AuditListArgs {
                service: AuditTarget::Reporting,
                ..
            }))
        ));
    }

    #[test]
    fn ttls_and_codes_parse() {
        assert_eq!(parse_ttl("90s"), Ok(std::time::Duration::from_secs(90)));
        assert_eq!(parse_ttl("24h"), Ok(std::time::Duration::from_secs(86_400)));
        assert_eq!(parse_ttl("7d"), Ok(std::time::Duration::from_secs(604_800)));
        assert_eq!(parse_ttl("1w"), Ok(std::time::Duration::from_secs(604_800)));
        assert_eq!(
            parse_ttl("1h 30m"),
            Ok(std::time::Duration::from_secs(5_400))
        );
        assert_eq!(parse_ttl("1.5h"), Ok(std::time::Duration::from_secs(5_400)));
        for bad in ["", "h", "-1h", "1x", "0s", "3651d", "99999999999999999999d"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_commune_code("communes/02680").as_deref(), Ok("02680"));
        assert!(parse_commune_code("0268a").is_err());
        assert_eq!(parse_province_code("provinces/12").as_deref(), Ok("12"));
        assert_eq!(parse_right("Personal"), Ok(Right::Personal));
        assert_eq!(parse_outcome("ok").as_deref(), Ok("OK"));
        assert!(parse_server_name("-x.example").is_err());
        assert_eq!(parse_server_name("::1").as_deref(), Ok("::1"));
    }

    #[test]
    fn vote_defaults_fill_in_a_unanimous_tally() {
        let vote = VoteArgs {
            eligible: Some(9),
            ..VoteArgs::default()
        };
        assert_eq!(
            vote.tally(),
            Some(pb::VoteTally {
                eligible: 9,
                present: 9,
                yes: 9,
                no: 0
            })
        );
        assert_eq!(VoteArgs::default().tally(), None);
    }

    fn parse(args: &[&str]) -> Command {
        let mut line = vec!["partyctl"];
        line.extend_from_slice(args);
        Cli::try_parse_from(line).expect("parses").command
    }

    #[test]
    fn report_progress_parses_the_documented_example() {
        match parse(&[
            "report",
            "progress",
            "--commune",
            "02680",
            "--year",
            "2022",
            "--as-of",
            "2022-06-30",
        ]) {
            Command::Report(ReportCommand::Progress {
                commune,
                year,
                as_of,
            }) => {
                assert_eq!(commune, "02680");
                assert_eq!(year, Some(2022));
                assert_eq!(as_of.as_deref(), Some("2022-06-30"));
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse(&[
            "report",
            "briefing",
            "--commune",
            "02680",
            "--month",
            "2022-07",
        ]) {
            Command::Report(ReportCommand::Briefing { month, .. }) => {
                assert_eq!(month.as_deref(), Some("2022-07"));
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse(&[
            "report",
            "deadlines",
            "--commune",
            "02680",
            "--as-of",
            "2022-06-30",
            "--until",
            "2022-07-31",
        ]) {
            Command::Report(ReportCommand::Deadlines { as_of, until, .. }) => {
                assert_eq!(as_of.as_deref(), Some("2022-06-30"));
                assert_eq!(until.as_deref(), Some("2022-07-31"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse(&["report", "cell-health", "--commune", "02680"]),
            Command::Report(ReportCommand::CellHealth { .. })
        ));
        assert!(
            Cli::try_parse_from([
                "partyctl",
                "report",
                "briefing",
                "--commune",
                "02680",
                "--month",
                "2022-7"
            ])
            .is_err()
        );
    }

    #[test]
    fn candidate_create_parses_introducers_votes_and_stage() {
        match parse(&[
            "candidates",
            "create",
            "--cell",
            "lang-moi",
            "--commune",
            "02680",
            "--full-name",
            "Triệu Thị Xuân",
            "--gender",
            "nữ",
            "--birth-date",
            "1998-10-22",
            "--ethnicity",
            "09",
            "--education",
            "lower-secondary",
            "--source",
            "youth-union",
            "--introducer",
            "17:36",
            "--introducer",
            "doan",
            "--cell-vote",
            "11:10:10",
            "--stage",
            "verified",
            "--stage-date",
            "2022-06-15",
        ]) {
            Command::Candidates(CandidateCommand::Create(args)) => {
                assert_eq!(args.fields.introducers.len(), 2);
                assert_eq!(args.fields.introducers[0].member, "members/17");
                assert!(args.fields.introducers[1].youth_union_committee);
                assert_eq!(args.fields.cell_vote.map(|v| v.no), Some(0));
                assert_eq!(args.stage, Some(pb::CandidateStage::Verified));
                assert_eq!(args.fields.source, Some(pb::CandidateSource::YouthUnion));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn pipeline_commands_parse() {
        assert!(matches!(
            parse(&[
                "candidates",
                "advance",
                "5",
                "--stage",
                "withdrawn",
                "--reason",
                "Chuyển đi"
            ]),
            Command::Candidates(CandidateCommand::Advance(CandidateAdvanceArgs {
                stage: pb::CandidateStage::Withdrawn,
                ..
            }))
        ));
        assert!(matches!(
            parse(&["candidates", "eligibility", "5", "--on", "2022-06-30"]),
            Command::Candidates(CandidateCommand::Eligibility { .. })
        ));
        assert!(matches!(
            parse(&[
                "ratings",
                "cell",
                "tuong-1",
                "--commune",
                "02680",
                "--year",
                "2021",
                "--level",
                "completed"
            ]),
            Command::Ratings(RatingCommand::Cell {
                level: pb::RatingLevel::Completed,
                ..
            })
        ));
        assert!(matches!(
            parse(&[
                "ratings", "member", "17", "--year", "2021", "--level", "good"
            ]),
            Command::Ratings(RatingCommand::Member { .. })
        ));
        assert!(matches!(
            parse(&["holidays", "set", "2022-09-02", "--name", "Quốc khánh"]),
            Command::Holidays(HolidayCommand::Set { .. })
        ));
        assert!(matches!(
            parse(&["rules", "update", "2025-07-01", "--probation-months", "12"]),
            Command::Rules(RuleCommand::Update(_))
        ));
        assert!(matches!(
            parse(&[
                "targets",
                "set",
                "--commune",
                "02680",
                "--first-year",
                "2020",
                "--last-year",
                "2025",
                "--admissions-per-year",
                "6",
                "--good-cells-percent",
                "80"
            ]),
            Command::Targets(TargetCommand::Set(_))
        ));
        assert!(matches!(
            parse(&[
                "plans",
                "set",
                "tuong-1",
                "--commune",
                "02680",
                "--year",
                "2022"
            ]),
            Command::Plans(PlanCommand::Set(PlanSetArgs {
                sources: 0,
                admissions: 0,
                ..
            }))
        ));
        assert!(
            Cli::try_parse_from([
                "partyctl", "ratings", "member", "17", "--year", "2021", "--level", "great"
            ])
            .is_err()
        );
    }

    #[test]
    fn statistics_reports_parse_their_flags() {
        match parse(&[
            "report",
            "statistics",
            "--scope",
            "provinces/15",
            "--as-of",
            "2026-06-30",
            "--breakdown",
            "ethnicity",
            "--breakdown",
            "general-education,party-age",
            "--age-bands",
            "30,40,50,60,70",
        ]) {
            Command::Report(ReportCommand::Statistics(args)) => {
                assert_eq!(args.scope, "provinces/15");
                assert_eq!(args.as_of.as_deref(), Some("2026-06-30"));
                assert_eq!(
                    args.breakdowns,
                    ["ethnicity", "general_education", "party_age"]
                );
                assert_eq!(args.age_bands, [30, 40, 50, 60, 70]);
                assert!(args.party_age_bands.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse(&[
            "report",
            "movements",
            "--scope",
            "15",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
        ]) {
            Command::Report(ReportCommand::Movements(args)) => {
                assert_eq!(args.scope, "provinces/15");
                assert_eq!(
                    (args.from.as_str(), args.to.as_str()),
                    ("2025-01-01", "2025-12-31")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse(&[
            "report", "badges", "--scope", "02680", "--year", "2026", "--round", "2-9",
        ]) {
            Command::Report(ReportCommand::Badges(args)) => {
                assert_eq!(args.scope, "communes/02680");
                assert_eq!(args.round, Some(AwardRound::September2));
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse(&[
            "report",
            "ranking",
            "--province",
            "15",
            "--indicator",
            "good-cells",
            "--year",
            "2025",
        ]) {
            Command::Report(ReportCommand::Ranking(args)) => {
                assert_eq!(args.province, "provinces/15");
                assert_eq!(args.indicator, RankingIndicatorArg::GoodCells);
            }
            other => panic!("unexpected {other:?}"),
        }
        for bad in [
            &["report", "statistics", "--scope", "province/15"][..],
            &[
                "report",
                "statistics",
                "--scope",
                "15",
                "--breakdown",
                "star-sign",
            ],
            &[
                "report", "badges", "--scope", "15", "--year", "2026", "--round", "1-5",
            ],
            &[
                "report",
                "ranking",
                "--province",
                "15",
                "--indicator",
                "votes",
            ],
        ] {
            let mut line = vec!["partyctl"];
            line.extend_from_slice(bad);
            assert!(Cli::try_parse_from(line).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn export_takes_the_report_flags_then_format_and_output() {
        match parse(&[
            "export",
            "statistics",
            "--scope",
            "provinces/15",
            "--as-of",
            "2026-06-30",
            "--format",
            "xlsx",
            "--output",
            "thong-ke.xlsx",
        ]) {
            Command::Export(args) => {
                assert_eq!(args.format, Some(ExportFormatArg::Xlsx));
                assert_eq!(
                    args.output.as_deref(),
                    Some(std::path::Path::new("thong-ke.xlsx"))
                );
                assert!(matches!(args.report, ReportCommand::Statistics(_)));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            Cli::try_parse_from([
                "partyctl",
                "export",
                "statistics",
                "--scope",
                "15",
                "--format",
                "pdf",
                "--output",
                "x"
            ])
            .is_err()
        );
    }

    #[test]
    fn units_merges_and_reference_lists_parse() {
        assert!(matches!(
            parse(&["provinces", "list", "--in-force-on", "2025-07-01"]),
            Command::Provinces(ProvinceCommand::List {
                in_force_on: Some(_)
            })
        ));
        match parse(&["provinces", "get", "15"]) {
            Command::Provinces(ProvinceCommand::Get { province }) => {
                assert_eq!(province, "provinces/15");
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse(&[
            "merges",
            "create",
            "--level",
            "commune",
            "--from",
            "02677,02680",
            "--into",
            "02680",
            "--effective-date",
            "2025-07-01",
            "--legal-basis",
            "Nghị quyết 1673/NQ-UBTVQH15",
        ]) {
            Command::Merges(MergeCommand::Create(args)) => {
                assert_eq!(args.level, pb::UnitLevel::Commune);
                assert_eq!(args.predecessors, ["02677", "02680"]);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse(&["reference", "general-education"]),
            Command::Reference(ReferenceArgs {
                kind: ReferenceKindArg::GeneralEducation
            })
        ));
        match parse(&[
            "members",
            "update",
            "17",
            "--party-age-gap",
            "2000-01-01:2000-12-31:Mất liên lạc",
            "--seriously-ill",
            "true",
            "--badge",
            "30:2025-11-07",
        ]) {
            Command::Members(MemberCommand::Update(args)) => {
                assert_eq!(args.party_age_gaps.len(), 1);
                assert_eq!(args.seriously_ill, Some(true));
                assert_eq!(args.badges[0].years, 30);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse(&["seed", "--synthetic-province", "--synthetic-seed", "7"]),
            Command::Seed(SeedArgs {
                synthetic_province: true,
                synthetic_seed: 7
            })
        ));
        assert!(matches!(
            parse(&["seed"]),
            Command::Seed(SeedArgs {
                synthetic_province: false,
                ..
            })
        ));
    }

    #[test]
    fn bad_dates_are_refused_before_any_call() {
        assert!(
            Cli::try_parse_from([
                "partyctl",
                "report",
                "commune",
                "--commune",
                "02680",
                "--as-of",
                "2022-02-30"
            ])
            .is_err()
        );
    }
}
