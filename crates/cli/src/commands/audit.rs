//! `partyctl audit list`: the audit trail of one server (`partyregistry.audit.v1.AuditService`,
//! served by both), newest first; `partyctl audit verify`: the server recomputes its trail's hash
//! chain and names the first entry edited, deleted or moved (exit code 10). Both need a token
//! with the `admin` right.

use clap::{Args, Subcommand};
use partyregistry_proto::audit::v1::{
    AuditEntry, ListAuditEntriesRequest, ListAuditEntriesResponse, VerifyAuditTrailRequest,
    VerifyAuditTrailResponse,
};

use super::Context;
use super::paging::{PageArgs, collect_pages, print_next_page};
use crate::client;
use crate::error::CliError;
use crate::output::{self, Table, timestamp, yes_no};

/// Which server's audit trail to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditTarget {
    /// Dịch vụ đảng viên (--membership).
    Membership,
    /// Dịch vụ báo cáo (--reporting).
    Reporting,
}

/// `partyctl audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Liệt kê nhật ký truy cập, mới nhất trước.
    List(AuditListArgs),
    /// Kiểm tra chuỗi băm của nhật ký truy cập: báo mục đầu tiên bị sửa, xoá hay đổi chỗ.
    Verify(AuditVerifyArgs),
}

/// `partyctl audit verify`.
#[derive(Debug, Clone, Args)]
pub struct AuditVerifyArgs {
    /// Dịch vụ có nhật ký cần kiểm tra.
    #[arg(long, value_enum)]
    pub service: AuditTarget,
}

/// `partyctl audit list`.
#[derive(Debug, Clone, Args)]
pub struct AuditListArgs {
    /// Dịch vụ có nhật ký cần xem.
    #[arg(long, value_enum)]
    pub service: AuditTarget,
    /// Chỉ các lệnh gọi của chủ thể này.
    #[arg(long, value_parser = parse_filter_value)]
    pub subject: Option<String>,
    /// Chỉ lệnh gọi này, viết đầy đủ, ví dụ /partyregistry.membership.v1.MembershipService/GetMember.
    #[arg(long, value_parser = parse_filter_value)]
    pub method: Option<String>,
    /// Chỉ kết quả này (mã gRPC: ok, unauthenticated, permission-denied, …).
    #[arg(long, value_parser = parse_outcome)]
    pub outcome: Option<String>,
    /// Phân trang.
    #[command(flatten)]
    pub page: PageArgs,
}

/// A value of an audit filter; it goes between double quotes, so it may not contain one.
pub fn parse_filter_value(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() || value.contains(['"', '\\']) || value.chars().any(char::is_control) {
        Err(format!(
            "giá trị lọc không được rỗng hay chứa dấu \" hoặc \\ (nhận được: {value})"
        ))
    } else {
        Ok(value.to_owned())
    }
}

/// The gRPC status codes, by the names the audit trail records.
pub const OUTCOMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// An outcome as a person types it (`permission-denied`) → its code name (`PERMISSION_DENIED`).
pub fn parse_outcome(value: &str) -> Result<String, String> {
    let wanted = value.trim().to_uppercase().replace(['-', ' '], "_");
    if OUTCOMES.contains(&wanted.as_str()) {
        Ok(wanted)
    } else {
        Err(format!(
            "kết quả không hợp lệ: {value} (chọn trong: {})",
            OUTCOMES.join(", ").to_lowercase().replace('_', "-")
        ))
    }
}

/// Runs one `audit` subcommand.
pub async fn run(context: &Context, command: AuditCommand) -> Result<(), CliError> {
    match command {
        AuditCommand::List(args) => list(context, args).await,
        AuditCommand::Verify(args) => verify(context, args).await,
    }
}

async fn verify(context: &Context, args: AuditVerifyArgs) -> Result<(), CliError> {
    let url = match args.service {
        AuditTarget::Membership => &context.membership,
        AuditTarget::Reporting => &context.reporting,
    };
    let response = client::audit(url, &context.security)
        .await?
        .verify_audit_trail(VerifyAuditTrailRequest {})
        .await?
        .into_inner();
    if context.json {
        output::print_json(&response)?;
    } else {
        print!("{}", describe_verification(&response));
    }
    if response.intact {
        Ok(())
    } else {
        Err(CliError::Tampered(format!(
            "{}: {}",
            response.first_bad_entry, response.problem
        )))
    }
}

/// The result of a check, for a person.
pub fn describe_verification(response: &VerifyAuditTrailResponse) -> String {
    let mut text = if response.intact {
        format!(
            "Nhật ký truy cập nguyên vẹn: đã kiểm tra {} mục theo chuỗi băm.\n",
            response.checked_entries
        )
    } else {
        format!(
            "Nhật ký truy cập KHÔNG nguyên vẹn: mục đầu tiên có vấn đề là {} — {}.\n\
             (đã kiểm tra đúng {} mục trước đó)\n",
            response.first_bad_entry, response.problem, response.checked_entries
        )
    };
    if response.unchained_entries > 0 {
        text.push_str(&format!(
            "{} mục ghi trước khi có chuỗi băm không được kiểm tra.\n",
            response.unchained_entries
        ));
    }
    if !response.head.is_empty() {
        text.push_str(&format!(
            "Mục cuối: {}, mã băm {} (ghi lại ở nơi khác để lần kiểm tra sau đối chiếu).\n",
            response.head, response.head_hash
        ));
    }
    text
}

async fn list(context: &Context, args: AuditListArgs) -> Result<(), CliError> {
    let url = match args.service {
        AuditTarget::Membership => &context.membership,
        AuditTarget::Reporting => &context.reporting,
    };
    let audit = client::audit(url, &context.security).await?;
    let filter = filter(&args);
    let (entries, next_page_token) =
        collect_pages(args.page.page_token, args.page.all_pages, |page_token| {
            let request = ListAuditEntriesRequest {
                page_size: args.page.page_size.unwrap_or_default(),
                page_token,
                filter: filter.clone(),
            };
            let mut audit = audit.clone();
            async move {
                let response = audit.list_audit_entries(request).await?.into_inner();
                Ok((response.entries, response.next_page_token))
            }
        })
        .await?;
    let response = ListAuditEntriesResponse {
        entries,
        next_page_token,
    };
    if context.json {
        return output::print_json(&response);
    }
    if response.entries.is_empty() {
        println!("Không có mục nào trong nhật ký truy cập.");
    } else {
        print!("{}", table(&response.entries).render());
    }
    print_next_page(&response.next_page_token);
    Ok(())
}

/// The contract's filter: the given conditions joined by ` AND `. The values were checked on the
/// command line to hold no double quote.
pub fn filter(args: &AuditListArgs) -> String {
    let mut conditions = Vec::new();
    for (field, value) in [
        ("subject", &args.subject),
        ("method", &args.method),
        ("outcome", &args.outcome),
    ] {
        if let Some(value) = value {
            conditions.push(format!("{field} = \"{value}\""));
        }
    }
    conditions.join(" AND ")
}

/// `/partyregistry.membership.v1.MembershipService/GetMember` → `MembershipService/GetMember`:
/// the package says nothing the service name does not.
fn short_method(method: &str) -> &str {
    let trimmed = method.trim_start_matches('/');
    match trimmed.split_once('/') {
        Some((service, _)) => {
            let package_end = service.rfind('.').map_or(0, |dot| dot + 1);
            &trimmed[package_end..]
        }
        None => trimmed,
    }
}

/// The entries as a table with Vietnamese headings.
pub fn table(entries: &[AuditEntry]) -> Table {
    let mut table = Table::new([
        "Thời điểm",
        "Chủ thể",
        "Lệnh gọi",
        "Kết quả",
        "Trường cá nhân",
        "Tài nguyên",
        "Chi tiết",
    ]);
    for entry in entries {
        let subject = if entry.subject.is_empty() {
            "(không xác định)".to_owned()
        } else {
            entry.subject.clone()
        };
        table.row([
            timestamp(entry.time.as_ref()),
            subject,
            short_method(&entry.method).to_owned(),
            entry.outcome.clone(),
            yes_no(entry.personal_fields).to_owned(),
            entry.resources.join(", "),
            entry.detail.clone(),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn list_args(line: &[&str]) -> AuditListArgs {
        let mut full = vec!["partyctl", "audit", "list"];
        full.extend_from_slice(line);
        match Cli::try_parse_from(full).expect("parses").command {
            Command::Audit(AuditCommand::List(args)) => args,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn filters_join_the_given_conditions() {
        let args = list_args(&[
            "--service",
            "membership",
            "--subject",
            "lai-chau",
            "--outcome",
            "permission-denied",
            "--all-pages",
        ]);
        assert_eq!(args.service, AuditTarget::Membership);
        assert!(args.page.all_pages);
        assert_eq!(
            filter(&args),
            "subject = \"lai-chau\" AND outcome = \"PERMISSION_DENIED\""
        );
        let args = list_args(&[
            "--service",
            "reporting",
            "--method",
            "/partyregistry.reporting.v1.ReportingService/GetStatistics",
        ]);
        assert_eq!(
            filter(&args),
            "method = \"/partyregistry.reporting.v1.ReportingService/GetStatistics\""
        );
        assert_eq!(filter(&list_args(&["--service", "reporting"])), "");
    }

    #[test]
    fn verify_parses_and_reports_the_first_bad_entry() {
        match Cli::try_parse_from(["partyctl", "audit", "verify", "--service", "reporting"])
            .expect("parses")
            .command
        {
            Command::Audit(AuditCommand::Verify(args)) => {
                assert_eq!(args.service, AuditTarget::Reporting);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Cli::try_parse_from(["partyctl", "audit", "verify"]).is_err());
        let broken = VerifyAuditTrailResponse {
            intact: false,
            checked_entries: 2,
            unchained_entries: 4,
            head: "auditEntries/9".into(),
            head_hash: "ab".repeat(32),
            first_bad_entry: "auditEntries/7".into(),
            problem: "nội dung không khớp mã băm đã lưu (đã bị sửa)".into(),
        };
        let text = describe_verification(&broken);
        assert!(text.contains("KHÔNG nguyên vẹn"), "{text}");
        assert!(text.contains("auditEntries/7"), "{text}");
        assert!(text.contains("4 mục ghi trước"), "{text}");
        let intact = describe_verification(&VerifyAuditTrailResponse {
            intact: true,
            checked_entries: 9,
            ..broken
        });
        assert!(intact.contains("nguyên vẹn: đã kiểm tra 9 mục"), "{intact}");
    }

    #[test]
    fn bad_filters_are_refused_before_any_call() {
        for bad in [
            &["audit", "list"][..],
            &["audit", "list", "--service", "both"],
            &[
                "audit",
                "list",
                "--service",
                "membership",
                "--outcome",
                "fine",
            ],
            &[
                "audit",
                "list",
                "--service",
                "membership",
                "--subject",
                "a\" OR subject = \"b",
            ],
        ] {
            let mut line = vec!["partyctl"];
            line.extend_from_slice(bad);
            assert!(Cli::try_parse_from(line).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_table_shows_short_methods_and_vietnamese_values() {
        let entries = [AuditEntry {
            name: "auditEntries/1".into(),
            time: Some(prost_types::Timestamp {
                seconds: 1_656_547_200,
                nanos: 0,
            }),
            subject: String::new(),
            method: "/partyregistry.membership.v1.MembershipService/GetMember".into(),
            resources: vec!["members/17".into()],
            personal_fields: true,
            outcome: "OK".into(),
            detail: String::new(),
            hash: String::new(),
        }];
        let rendered = table(&entries).render();
        assert!(rendered.contains("Thời điểm"), "{rendered}");
        assert!(
            rendered.contains("2022-06-30 07:00:00 +07:00"),
            "{rendered}"
        );
        assert!(
            rendered.contains("MembershipService/GetMember"),
            "{rendered}"
        );
        assert!(!rendered.contains("partyregistry.membership"), "{rendered}");
        assert!(rendered.contains("(không xác định)"), "{rendered}");
        assert!(rendered.contains("Có"), "{rendered}");
        assert_eq!(short_method("GetMember"), "GetMember");
    }
}
