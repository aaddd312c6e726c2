//! The lifecycle commands: `admit`, `ceremony`, `recognize`, `transfer`, `exempt`,
//! `end-exemption`, `depart`. Each sends a request id, so that re-running the same command line
//! with `--request-id` returns the first result instead of acting twice.

use clap::Args;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::{
    Admission, EndExemptionRequest, ExemptMemberRequest, RecognizeOfficialRequest,
    RecordAdmissionRequest, RecordCeremonyRequest, RecordDepartureRequest, TransferKind,
    TransferMemberRequest,
};
use partyregistry_vocab::date;

use super::Context;
use super::members::{PersonArgs, new_member, show};
use crate::client::{self, request_id};
use crate::error::CliError;
use crate::parse::{cell_name, member_name, parse_date, parse_departure_kind, parse_transfer_kind};

/// A vote tally given on the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct VoteArgs {
    /// Số đảng viên chính thức có quyền biểu quyết.
    #[arg(long)]
    pub eligible: Option<i32>,
    /// Số có mặt (mặc định: bằng số có quyền biểu quyết).
    #[arg(long)]
    pub present: Option<i32>,
    /// Số tán thành (mặc định: bằng số có mặt).
    #[arg(long)]
    pub yes: Option<i32>,
    /// Số không tán thành (mặc định: có mặt trừ tán thành).
    #[arg(long)]
    pub no: Option<i32>,
}

impl VoteArgs {
    /// The tally, when `--eligible` was given; the other numbers default as documented.
    pub fn tally(&self) -> Option<pb::VoteTally> {
        let eligible = self.eligible?;
        let present = self.present.unwrap_or(eligible);
        let yes = self.yes.unwrap_or(present);
        let no = self.no.unwrap_or(present.saturating_sub(yes).max(0));
        Some(pb::VoteTally {
            eligible,
            present,
            yes,
            no,
        })
    }
}

/// `partyctl admit`.
#[derive(Debug, Args)]
pub struct AdmitArgs {
    /// Thông tin cá nhân.
    #[command(flatten)]
    pub person: PersonArgs,
    /// Chi bộ (communes/02680/cells/tuong-1, hoặc tuong-1 với --commune).
    #[arg(long)]
    pub cell: String,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Ngày quyết định kết nạp.
    #[arg(long, value_parser = parse_date)]
    pub decision_date: String,
    /// Số quyết định kết nạp, ví dụ 125-QĐ/ĐU.
    #[arg(long)]
    pub decision_number: Option<String>,
    /// Ngày chi bộ nhận quyết định kết nạp: thời hạn 30 ngày làm việc để tổ chức lễ kết nạp
    /// tính từ ngày này (chưa ghi thì tính từ ngày quyết định).
    #[arg(long, value_parser = parse_date)]
    pub decision_received_date: Option<String>,
    /// Ngày lễ kết nạp, nếu đã tổ chức.
    #[arg(long, value_parser = parse_date)]
    pub ceremony_date: Option<String>,
    /// Ngày công nhận chính thức, nếu đã có (nạp dữ liệu lịch sử).
    #[arg(long, value_parser = parse_date)]
    pub official_date: Option<String>,
    /// Kết nạp lại (người đã ra khỏi Đảng ít nhất 36 tháng).
    #[arg(long)]
    pub readmission: bool,
    /// Hồ sơ đảng viên trước đây của cùng người khi kết nạp lại (members/17 hoặc 17).
    #[arg(long, requires = "readmission")]
    pub previous_member: Option<String>,
    /// Biểu quyết của chi bộ.
    #[command(flatten)]
    pub vote: VoteArgs,
    /// Ngày chi bộ họp xét kết nạp (tuổi được tính đến ngày này; mặc định là ngày quyết định).
    #[arg(long, value_parser = parse_date)]
    pub cell_vote_date: Option<String>,
    /// Cơ quan quyết định, ví dụ "Đảng ủy xã Hợp Thành".
    #[arg(long)]
    pub deciding_body: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl ceremony`.
#[derive(Debug, Args)]
pub struct CeremonyArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Ngày lễ kết nạp; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Ngày chi bộ nhận quyết định kết nạp, nếu chưa ghi trước đó (không sau ngày lễ kết nạp).
    #[arg(long, value_parser = parse_date)]
    pub decision_received_date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl recognize`.
#[derive(Debug, Args)]
pub struct RecognizeArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Ngày công nhận chính thức; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Số quyết định công nhận.
    #[arg(long)]
    pub decision_number: Option<String>,
    /// Biểu quyết của chi bộ.
    #[command(flatten)]
    pub vote: VoteArgs,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Loại chuyển: between-cells, to-commune, out-of-system, temporary-out, temporary-return.
    #[arg(long, value_parser = parse_transfer_kind)]
    pub kind: pb::TransferKind,
    /// Ngày có hiệu lực; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Chi bộ đến (between-cells, to-commune): communes/…/cells/…, hoặc mã chi bộ với --commune.
    #[arg(long)]
    pub to_cell: Option<String>,
    /// Mã xã khi --to-cell chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Tổ chức đến (out-of-system, temporary-out).
    #[arg(long)]
    pub to_organization: Option<String>,
    /// Ngày kết thúc sinh hoạt tạm thời.
    #[arg(long, value_parser = parse_date)]
    pub away_until: Option<String>,
    /// Sinh hoạt tạm thời để đi học (cho phép đến 2 năm).
    #[arg(long)]
    pub for_study: bool,
    /// Số quyết định.
    #[arg(long)]
    pub decision_number: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl exempt`.
#[derive(Debug, Args)]
pub struct ExemptArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Ngày bắt đầu miễn; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Lý do, ví dụ "Tuổi cao".
    #[arg(long)]
    pub reason: String,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl end-exemption`.
#[derive(Debug, Args)]
pub struct EndExemptionArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Ngày trở lại sinh hoạt; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl depart`.
#[derive(Debug, Args)]
pub struct DepartArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Hình thức: death, removal, resignation, expulsion.
    #[arg(long, value_parser = parse_departure_kind)]
    pub kind: pb::DepartureKind,
    /// Ngày có hiệu lực; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Số quyết định (bắt buộc trừ trường hợp từ trần).
    #[arg(long)]
    pub decision_number: Option<String>,
    /// Lý do.
    #[arg(long)]
    pub reason: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// The effective date: the one given, or today in Vietnam.
fn date_or_today(value: Option<String>) -> String {
    value.unwrap_or_else(|| date::format(date::today_in_vietnam()))
}

/// `partyctl admit`: RecordAdmission.
pub async fn admit(context: &Context, args: AdmitArgs) -> Result<(), CliError> {
    let cell = cell_name(&args.cell, args.commune.as_deref())?;
    let admission = Admission {
        decision_date: args.decision_date,
        decision_number: args.decision_number.unwrap_or_default(),
        decision_received_date: args.decision_received_date.unwrap_or_default(),
        ceremony_date: args.ceremony_date.unwrap_or_default(),
        official_date: args.official_date.unwrap_or_default(),
        readmission: args.readmission,
        previous_member: args
            .previous_member
            .map(|member| member_name(&member))
            .transpose()?
            .unwrap_or_default(),
        ..Admission::default()
    };
    let request = RecordAdmissionRequest {
        member: Some(new_member(args.person, cell, admission)),
        cell_vote: args.vote.tally(),
        deciding_body: args.deciding_body.unwrap_or_default(),
        request_id: request_id(args.request_id.as_deref()),
        cell_vote_date: args.cell_vote_date.unwrap_or_default(),
    };
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.record_admission(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

/// `partyctl ceremony`: RecordCeremony.
pub async fn ceremony(context: &Context, args: CeremonyArgs) -> Result<(), CliError> {
    let request = ceremony_request(args)?;
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.record_ceremony(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

fn ceremony_request(args: CeremonyArgs) -> Result<RecordCeremonyRequest, CliError> {
    Ok(RecordCeremonyRequest {
        name: member_name(&args.member)?,
        ceremony_date: date_or_today(args.date),
        request_id: request_id(args.request_id.as_deref()),
        decision_received_date: args.decision_received_date.unwrap_or_default(),
    })
}

/// `partyctl recognize`: RecognizeOfficial.
pub async fn recognize(context: &Context, args: RecognizeArgs) -> Result<(), CliError> {
    let request = RecognizeOfficialRequest {
        name: member_name(&args.member)?,
        official_date: date_or_today(args.date),
        decision_number: args.decision_number.unwrap_or_default(),
        cell_vote: args.vote.tally(),
        request_id: request_id(args.request_id.as_deref()),
    };
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.recognize_official(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

/// `partyctl transfer`: TransferMember, every kind.
pub async fn transfer(context: &Context, args: TransferArgs) -> Result<(), CliError> {
    let request = transfer_request(args)?;
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.transfer_member(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

/// Checks locally what each kind needs, so that the person gets the Vietnamese flag name rather
/// than the request field's.
fn transfer_request(args: TransferArgs) -> Result<TransferMemberRequest, CliError> {
    let to_cell = match &args.to_cell {
        Some(cell) => cell_name(cell, args.commune.as_deref())?,
        None => String::new(),
    };
    match args.kind {
        TransferKind::BetweenCells | TransferKind::ToCommune if to_cell.is_empty() => {
            return Err(CliError::usage("loại chuyển này cần --to-cell"));
        }
        TransferKind::OutOfSystem if args.to_organization.is_none() => {
            return Err(CliError::usage(
                "chuyển ra ngoài hệ thống cần --to-organization",
            ));
        }
        TransferKind::TemporaryOut if args.away_until.is_none() => {
            return Err(CliError::usage(
                "chuyển sinh hoạt tạm thời cần --away-until",
            ));
        }
        _ => {}
    }
    Ok(TransferMemberRequest {
        name: member_name(&args.member)?,
        kind: args.kind as i32,
        effective_date: date_or_today(args.date),
        to_cell,
        to_organization: args.to_organization.unwrap_or_default(),
        away_until: args.away_until.unwrap_or_default(),
        for_study: args.for_study,
        decision_number: args.decision_number.unwrap_or_default(),
        request_id: request_id(args.request_id.as_deref()),
    })
}

/// `partyctl exempt`: ExemptMember.
pub async fn exempt(context: &Context, args: ExemptArgs) -> Result<(), CliError> {
    let request = ExemptMemberRequest {
        name: member_name(&args.member)?,
        effective_date: date_or_today(args.date),
        reason: args.reason,
        request_id: request_id(args.request_id.as_deref()),
    };
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.exempt_member(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

/// `partyctl end-exemption`: EndExemption.
pub async fn end_exemption(context: &Context, args: EndExemptionArgs) -> Result<(), CliError> {
    let request = EndExemptionRequest {
        name: member_name(&args.member)?,
        effective_date: date_or_today(args.date),
        request_id: request_id(args.request_id.as_deref()),
    };
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.end_exemption(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

/// `partyctl depart`: RecordDeparture.
pub async fn depart(context: &Context, args: DepartArgs) -> Result<(), CliError> {
    let request = RecordDepartureRequest {
        name: member_name(&args.member)?,
        kind: args.kind as i32,
        effective_date: date_or_today(args.date),
        decision_number: args.decision_number.unwrap_or_default(),
        reason: args.reason.unwrap_or_default(),
        request_id: request_id(args.request_id.as_deref()),
    };
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let member = membership.record_departure(request).await?.into_inner();
    show(context, &mut membership, &member).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer_args(kind: TransferKind) -> TransferArgs {
        TransferArgs {
            member: "5".into(),
            kind,
            date: Some("2022-01-10".into()),
            to_cell: None,
            commune: None,
            to_organization: None,
            away_until: None,
            for_study: false,
            decision_number: None,
            request_id: Some("t-1".into()),
        }
    }

    #[test]
    fn the_ceremony_carries_the_day_the_decision_was_received() {
        let request = ceremony_request(CeremonyArgs {
            member: "17".into(),
            date: Some("2025-03-25".into()),
            decision_received_date: Some("2025-03-20".into()),
            request_id: None,
        })
        .expect("valid");
        assert_eq!(
            (
                request.name.as_str(),
                request.ceremony_date.as_str(),
                request.decision_received_date.as_str()
            ),
            ("members/17", "2025-03-25", "2025-03-20")
        );
    }

    #[test]
    fn transfers_check_what_each_kind_needs() {
        assert!(transfer_request(transfer_args(TransferKind::BetweenCells)).is_err());
        assert!(transfer_request(transfer_args(TransferKind::OutOfSystem)).is_err());
        assert!(transfer_request(transfer_args(TransferKind::TemporaryOut)).is_err());
        let request = transfer_request(transfer_args(TransferKind::TemporaryReturn))
            .expect("needs nothing more");
        assert_eq!(request.name, "members/5");
        assert_eq!(request.request_id, "t-1");

        let mut args = transfer_args(TransferKind::BetweenCells);
        args.to_cell = Some("tuong-2".into());
        args.commune = Some("02680".into());
        let request = transfer_request(args).expect("to_cell given");
        assert_eq!(request.to_cell, "communes/02680/cells/tuong-2");
    }
}
