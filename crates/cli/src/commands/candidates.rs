//! `partyctl candidates list|get|create|update|advance|eligibility|admit`: the admission sources
//! of a commune, through the AdmissionService.
//!
//! As with members, list tables leave out the personal fields (citizen id, full birth date); only
//! `candidates get` prints them.

use std::collections::HashMap;

use clap::{Args, Subcommand};
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::admission_service_client::AdmissionServiceClient;
use partyregistry_proto::membership::v1::{
    AdmitCandidateRequest, AdvanceCandidateRequest, BackgroundCheck, Candidate, CandidateSource,
    CandidateStage, CheckEligibilityRequest, CreateCandidateRequest, Eligibility, Gender,
    GeneralEducation, GetCandidateRequest, GetCellRequest, GetMemberRequest, ListCandidatesRequest,
    ListCandidatesResponse, UpdateCandidateRequest, VoteTally,
};
use partyregistry_vocab::date;

use super::identity::IdentityArgs;
use super::paging::{PageArgs, collect_pages, print_next_page};
use super::{Context, mask};
use crate::client::{self, request_id};
use crate::error::CliError;
use crate::output::{self, Fields, Table, blocker_label, enum_label, yes_no};
use crate::parse::{
    candidate_name, cell_name, commune_name, parse_background_check, parse_candidate_source,
    parse_candidate_stage, parse_date, parse_introducer, parse_optional_date, parse_tally,
    short_id,
};

/// `partyctl candidates …`.
#[derive(Debug, Subcommand)]
pub enum CandidateCommand {
    /// Danh sách nguồn phát triển đảng viên của một xã (không in số CCCD, ngày sinh đầy đủ).
    List(CandidateListArgs),
    /// Xem đầy đủ hồ sơ một người (kèm các vướng mắc hôm nay).
    Get {
        /// Mã (5) hoặc candidates/5.
        candidate: String,
    },
    /// Ghi nhận một nguồn mới (mặc định ở bước quần chúng ưu tú).
    Create(CandidateCreateArgs),
    /// Sửa thông tin; chỉ các trường được nêu trên dòng lệnh được cập nhật. Bước chỉ đổi qua `advance`.
    Update(CandidateUpdateArgs),
    /// Chuyển sang bước tiếp theo, hoặc rút khỏi nguồn / không đủ điều kiện.
    Advance(CandidateAdvanceArgs),
    /// Xét điều kiện vào Đảng tại một ngày theo quy định có hiệu lực ngày đó.
    Eligibility {
        /// Mã (5) hoặc candidates/5.
        candidate: String,
        /// Ngày xét; mặc định hôm nay.
        #[arg(long = "on", alias = "as-of", value_parser = parse_date)]
        on_date: Option<String>,
    },
    /// Kết nạp người đã được đảng ủy đồng ý: tạo đảng viên và đóng hồ sơ nguồn.
    Admit(CandidateAdmitArgs),
}

/// `partyctl candidates list`.
#[derive(Debug, Args)]
pub struct CandidateListArgs {
    /// Mã xã (02680) hoặc communes/02680.
    #[arg(long, alias = "parent")]
    pub commune: String,
    /// Chỉ nguồn của chi bộ này (communes/02680/cells/tuong-2, hoặc tuong-2).
    #[arg(long)]
    pub cell: Option<String>,
    /// Chỉ nguồn ở bước này (identified, class-done, dossier, verified, cell-approved, …).
    #[arg(long, value_parser = parse_candidate_stage)]
    pub stage: Option<pb::CandidateStage>,
    /// Tìm theo tên, không phân biệt dấu.
    #[arg(long)]
    pub name: Option<String>,
    /// Phân trang.
    #[command(flatten)]
    pub page: PageArgs,
}

/// The facts of a candidate, shared by create and update.
#[derive(Debug, Clone, Default, Args)]
pub struct CandidateFields {
    /// Họ tên, giới tính, ngày sinh, dân tộc, học vấn, nghề nghiệp, CCCD, đoàn viên.
    #[command(flatten)]
    pub identity: IdentityArgs,
    /// Nguồn: youth-union, demobilised-soldier, school, other.
    #[arg(long, value_parser = parse_candidate_source)]
    pub source: Option<pb::CandidateSource>,
    /// Nơi cấp giấy chứng nhận lớp nhận thức về Đảng.
    #[arg(long)]
    pub certificate_issuer: Option<String>,
    /// Ngày cấp giấy chứng nhận.
    #[arg(long, value_parser = parse_date)]
    pub certificate_date: Option<String>,
    /// Người giới thiệu ĐẢNG_VIÊN:SỐ_THÁNG (ví dụ 17:24) hoặc doan (Ban Chấp hành Đoàn); lặp lại được, thay toàn bộ danh sách.
    #[arg(long = "introducer", value_parser = parse_introducer)]
    pub introducers: Vec<pb::Introducer>,
    /// Thẩm tra lý lịch: in-progress, passed, failed.
    #[arg(long, value_parser = parse_background_check)]
    pub background_check: Option<pb::BackgroundCheck>,
    /// Ngày hoàn thành hồ sơ.
    #[arg(long, value_parser = parse_optional_date)]
    pub papers_date: Option<String>,
    /// Đã có giấy giới thiệu của đơn vị quân đội (quân nhân xuất ngũ).
    #[arg(long)]
    pub military_referral: Option<bool>,
    /// Quân nhân xuất ngũ đã học lại lớp bồi dưỡng nhận thức về Đảng ở địa phương (giấy chứng nhận do địa phương cấp; không cần giấy giới thiệu của đơn vị quân đội).
    #[arg(long)]
    pub class_retaken_locally: Option<bool>,
    /// Đang đi làm ăn, sinh sống xa địa phương.
    #[arg(long)]
    pub lives_away: Option<bool>,
    /// Ngày tổ chức đảng nơi cư trú hoặc nơi làm việc có nhận xét bằng văn bản về người đi làm ăn xa; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub away_comment_date: Option<String>,
    /// Biểu quyết của chi bộ CÓ_QUYỀN:CÓ_MẶT:TÁN_THÀNH[:KHÔNG], ví dụ 9:8:7.
    #[arg(long, value_parser = parse_tally)]
    pub cell_vote: Option<pb::VoteTally>,
    /// Ngày chi bộ biểu quyết.
    #[arg(long, value_parser = parse_date)]
    pub cell_vote_date: Option<String>,
    /// Biểu quyết của đảng ủy xã CÓ_QUYỀN:CÓ_MẶT:TÁN_THÀNH[:KHÔNG].
    #[arg(long, value_parser = parse_tally)]
    pub committee_vote: Option<pb::VoteTally>,
    /// Ngày đảng ủy biểu quyết.
    #[arg(long, value_parser = parse_date)]
    pub committee_vote_date: Option<String>,
    /// Đảng ủy đã gia hạn thời hạn ra quyết định kết nạp (một lần).
    #[arg(long)]
    pub decision_extended: Option<bool>,
}

/// `partyctl candidates create`.
#[derive(Debug, Args)]
pub struct CandidateCreateArgs {
    /// Chi bộ phát triển nguồn (communes/02680/cells/tuong-2, hoặc tuong-2 với --commune).
    #[arg(long)]
    pub cell: String,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Thông tin của người được phát triển.
    #[command(flatten)]
    pub fields: CandidateFields,
    /// Bước đã đạt (ghi nhận nguồn đang dở dang); mặc định identified.
    #[arg(long, value_parser = parse_candidate_stage)]
    pub stage: Option<pb::CandidateStage>,
    /// Ngày đạt bước đó; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub stage_date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl candidates update`.
#[derive(Debug, Args)]
pub struct CandidateUpdateArgs {
    /// Mã (5) hoặc candidates/5.
    pub candidate: String,
    /// Chuyển sang chi bộ khác.
    #[arg(long)]
    pub cell: Option<String>,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Các trường cần sửa.
    #[command(flatten)]
    pub fields: CandidateFields,
    /// Xóa mọi người giới thiệu.
    #[arg(long, conflicts_with = "introducers")]
    pub clear_introducers: bool,
    /// Etag đã đọc; mặc định đọc lại và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// `partyctl candidates advance`.
#[derive(Debug, Args)]
pub struct CandidateAdvanceArgs {
    /// Mã (5) hoặc candidates/5.
    pub candidate: String,
    /// Bước mới: class-done, dossier, verified, cell-approved, committee-approved, withdrawn, ineligible.
    #[arg(long, value_parser = parse_candidate_stage)]
    pub stage: pb::CandidateStage,
    /// Ngày đạt bước; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Lý do (bắt buộc khi rút khỏi nguồn hoặc không đủ điều kiện).
    #[arg(long)]
    pub reason: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl candidates admit`.
#[derive(Debug, Args)]
pub struct CandidateAdmitArgs {
    /// Mã (5) hoặc candidates/5.
    pub candidate: String,
    /// Ngày quyết định kết nạp; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub decision_date: Option<String>,
    /// Số quyết định, ví dụ 125-QĐ/ĐU.
    #[arg(long)]
    pub decision_number: Option<String>,
    /// Cơ quan quyết định, ví dụ "Đảng ủy xã Hợp Thành".
    #[arg(long)]
    pub deciding_body: Option<String>,
    /// Ngày chi bộ nhận quyết định kết nạp: thời hạn 30 ngày làm việc để tổ chức lễ kết nạp
    /// tính từ ngày này (chưa ghi thì tính từ ngày quyết định).
    #[arg(long, value_parser = parse_date)]
    pub decision_received_date: Option<String>,
    /// Ngày lễ kết nạp, nếu đã tổ chức.
    #[arg(long, value_parser = parse_date)]
    pub ceremony_date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// Runs one `candidates` subcommand.
pub async fn run(context: &Context, command: CandidateCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        CandidateCommand::List(args) => list(context, &mut admission, args).await,
        CandidateCommand::Get { candidate } => {
            let name = candidate_name(&candidate)?;
            let candidate = admission
                .get_candidate(GetCandidateRequest { name })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&candidate);
            }
            // The blockers of today complete the picture; a failure to compute them (an old
            // server) must not hide the candidate.
            let eligibility = admission
                .check_eligibility(CheckEligibilityRequest {
                    name: candidate.name.clone(),
                    on_date: String::new(),
                })
                .await
                .ok()
                .map(tonic::Response::into_inner);
            let names = display_names(context, &candidate).await;
            print!("{}", details(&candidate, &names).render());
            if let Some(eligibility) = eligibility {
                print!("\n{}", render_eligibility(&eligibility));
            }
            Ok(())
        }
        CandidateCommand::Create(args) => {
            let request = create_request(args)?;
            let candidate = admission.create_candidate(request).await?.into_inner();
            show(context, &candidate)
        }
        CandidateCommand::Update(args) => {
            let name = candidate_name(&args.candidate)?;
            let etag = match &args.etag {
                Some(etag) => etag.clone(),
                None => {
                    admission
                        .get_candidate(GetCandidateRequest { name: name.clone() })
                        .await?
                        .into_inner()
                        .etag
                }
            };
            let request = update_request(name, etag, args)?;
            let candidate = admission.update_candidate(request).await?.into_inner();
            show(context, &candidate)
        }
        CandidateCommand::Advance(args) => {
            let request = advance_request(args)?;
            let candidate = admission.advance_candidate(request).await?.into_inner();
            show(context, &candidate)
        }
        CandidateCommand::Eligibility { candidate, on_date } => {
            let request = CheckEligibilityRequest {
                name: candidate_name(&candidate)?,
                on_date: on_date.unwrap_or_default(),
            };
            let eligibility = admission.check_eligibility(request).await?.into_inner();
            if context.json {
                return output::print_json(&eligibility);
            }
            print!("{}", render_eligibility(&eligibility));
            Ok(())
        }
        CandidateCommand::Admit(args) => {
            let request = admit_request(args)?;
            let member = admission.admit_candidate(request).await?.into_inner();
            let mut membership = client::membership(&context.membership, &context.security).await?;
            super::members::show(context, &mut membership, &member).await
        }
    }
}

async fn list(
    context: &Context,
    admission: &mut AdmissionServiceClient<Transport>,
    args: CandidateListArgs,
) -> Result<(), CliError> {
    let parent = commune_name(&args.commune)?;
    let filter = list_filter(&args, parent.strip_prefix("communes/"))?;
    let (candidates, next_page_token) =
        collect_pages(args.page.page_token, args.page.all_pages, |page_token| {
            let request = ListCandidatesRequest {
                parent: parent.clone(),
                page_size: args.page.page_size.unwrap_or_default(),
                page_token,
                filter: filter.clone(),
            };
            let mut admission = admission.clone();
            async move {
                let response = admission.list_candidates(request).await?.into_inner();
                Ok((response.candidates, response.next_page_token))
            }
        })
        .await?;
    let response = ListCandidatesResponse {
        candidates,
        next_page_token,
    };
    if context.json {
        return output::print_json(&response);
    }
    print!("{}", list_table(&response.candidates).render());
    println!("\n{} người", response.candidates.len());
    print_next_page(&response.next_page_token);
    Ok(())
}

/// The ListCandidates filter for the options given, joined by ` AND `.
fn list_filter(args: &CandidateListArgs, commune_code: Option<&str>) -> Result<String, CliError> {
    let mut conditions = Vec::new();
    if let Some(cell) = &args.cell {
        conditions.push(format!("cell = \"{}\"", cell_name(cell, commune_code)?));
    }
    if let Some(stage) = args.stage {
        conditions.push(format!("stage = {}", stage.as_str_name()));
    }
    if let Some(name) = &args.name {
        // Quotes and backslashes never occur in names; dropping them keeps the filter well formed.
        let words: String = name.chars().filter(|c| *c != '"' && *c != '\\').collect();
        conditions.push(format!("name : \"{}\"", words.trim()));
    }
    Ok(conditions.join(" AND "))
}

/// Copies the facts given on the command line into `candidate` and returns their mask paths.
fn apply_fields(candidate: &mut Candidate, fields: CandidateFields) -> Vec<&'static str> {
    let mut paths = fields.identity.apply(crate::identity_target!(candidate));
    let mut text = |target: &mut String, value: Option<String>, path: &'static str| {
        if let Some(value) = value {
            *target = value;
            paths.push(path);
        }
    };
    text(
        &mut candidate.papers_date,
        fields.papers_date,
        "papers_date",
    );
    text(
        &mut candidate.cell_vote_date,
        fields.cell_vote_date,
        "cell_vote_date",
    );
    text(
        &mut candidate.committee_vote_date,
        fields.committee_vote_date,
        "committee_vote_date",
    );
    text(
        &mut candidate.away_comment_date,
        fields.away_comment_date,
        "away_comment_date",
    );
    if let Some(value) = fields.source {
        candidate.source = value as i32;
        paths.push("source");
    }
    if fields.certificate_issuer.is_some() || fields.certificate_date.is_some() {
        let certificate = candidate.certificate.get_or_insert_with(Default::default);
        if let Some(issuer) = fields.certificate_issuer {
            certificate.issuer = issuer;
        }
        if let Some(issue_date) = fields.certificate_date {
            certificate.issue_date = issue_date;
        }
        paths.push("certificate");
    }
    if !fields.introducers.is_empty() {
        candidate.introducers = fields.introducers;
        paths.push("introducers");
    }
    if let Some(value) = fields.background_check {
        candidate.background_check = value as i32;
        paths.push("background_check");
    }
    if let Some(value) = fields.military_referral {
        candidate.has_military_referral = value;
        paths.push("has_military_referral");
    }
    if let Some(value) = fields.class_retaken_locally {
        candidate.class_retaken_locally = value;
        paths.push("class_retaken_locally");
    }
    if let Some(value) = fields.lives_away {
        candidate.lives_away = value;
        paths.push("lives_away");
    }
    if let Some(value) = fields.cell_vote {
        candidate.cell_vote = Some(value);
        paths.push("cell_vote");
    }
    if let Some(value) = fields.committee_vote {
        candidate.committee_vote = Some(value);
        paths.push("committee_vote");
    }
    if let Some(value) = fields.decision_extended {
        candidate.decision_extended = value;
        paths.push("decision_extended");
    }
    paths
}

fn create_request(args: CandidateCreateArgs) -> Result<CreateCandidateRequest, CliError> {
    let mut candidate = Candidate {
        cell: cell_name(&args.cell, args.commune.as_deref())?,
        stage: args.stage.map(|s| s as i32).unwrap_or_default(),
        stage_date: args.stage_date.unwrap_or_default(),
        ..Candidate::default()
    };
    apply_fields(&mut candidate, args.fields);
    Ok(CreateCandidateRequest {
        candidate: Some(candidate),
        request_id: request_id(args.request_id.as_deref()),
    })
}

/// Builds the update with a mask of exactly the fields given on the command line.
fn update_request(
    name: String,
    etag: String,
    args: CandidateUpdateArgs,
) -> Result<UpdateCandidateRequest, CliError> {
    let mut candidate = Candidate {
        name,
        etag,
        ..Candidate::default()
    };
    let mut paths = Vec::new();
    if let Some(cell) = &args.cell {
        candidate.cell = cell_name(cell, args.commune.as_deref())?;
        paths.push("cell");
    }
    paths.extend(apply_fields(&mut candidate, args.fields));
    if args.clear_introducers {
        paths.push("introducers");
    }
    if paths.is_empty() {
        // An empty mask means "every field" to the service: refuse rather than blank the record.
        return Err(CliError::usage("không có trường nào cần sửa"));
    }
    Ok(UpdateCandidateRequest {
        candidate: Some(candidate),
        update_mask: Some(mask(&paths)),
    })
}

fn advance_request(args: CandidateAdvanceArgs) -> Result<AdvanceCandidateRequest, CliError> {
    let closing = matches!(
        args.stage,
        CandidateStage::Withdrawn | CandidateStage::Ineligible
    );
    if closing && args.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(CliError::usage(
            "rút khỏi nguồn hoặc không đủ điều kiện cần --reason",
        ));
    }
    if args.stage == CandidateStage::Admitted {
        return Err(CliError::usage(
            "kết nạp bằng lệnh `partyctl candidates admit`",
        ));
    }
    Ok(AdvanceCandidateRequest {
        name: candidate_name(&args.candidate)?,
        stage: args.stage as i32,
        stage_date: args
            .date
            .unwrap_or_else(|| date::format(date::today_in_vietnam())),
        reason: args.reason.unwrap_or_default(),
        request_id: request_id(args.request_id.as_deref()),
    })
}

fn admit_request(args: CandidateAdmitArgs) -> Result<AdmitCandidateRequest, CliError> {
    Ok(AdmitCandidateRequest {
        name: candidate_name(&args.candidate)?,
        decision_date: args
            .decision_date
            .unwrap_or_else(|| date::format(date::today_in_vietnam())),
        decision_number: args.decision_number.unwrap_or_default(),
        deciding_body: args.deciding_body.unwrap_or_default(),
        ceremony_date: args.ceremony_date.unwrap_or_default(),
        request_id: request_id(args.request_id.as_deref()),
        decision_received_date: args.decision_received_date.unwrap_or_default(),
    })
}

fn show(context: &Context, candidate: &Candidate) -> Result<(), CliError> {
    if context.json {
        return output::print_json(candidate);
    }
    print!("{}", details(candidate, &HashMap::new()).render());
    Ok(())
}

/// Display names of the candidate's cell and introducing members. A failure only costs the nicer
/// names (the resource names are shown instead), so it is not an error.
async fn display_names(context: &Context, candidate: &Candidate) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let Ok(mut membership) = client::membership(&context.membership, &context.security).await
    else {
        return names;
    };
    if let Ok(cell) = membership
        .get_cell(GetCellRequest {
            name: candidate.cell.clone(),
        })
        .await
    {
        names.insert(candidate.cell.clone(), cell.into_inner().display_name);
    }
    for introducer in candidate
        .introducers
        .iter()
        .filter(|i| !i.member.is_empty())
    {
        if let Ok(member) = membership
            .get_member(GetMemberRequest {
                name: introducer.member.clone(),
            })
            .await
        {
            names.insert(introducer.member.clone(), member.into_inner().full_name);
        }
    }
    names
}

/// The Vietnamese label of a stage.
pub(crate) fn stage_label(stage: i32) -> String {
    enum_label(stage, |s: CandidateStage| s.as_str_name())
}

fn source_label(source: i32) -> String {
    enum_label(source, |s: CandidateSource| s.as_str_name())
}

fn vote_text(vote: Option<&VoteTally>, day: &str) -> String {
    match vote.filter(|v| v.eligible > 0) {
        Some(v) => {
            let mut text = format!(
                "{}/{} tán thành ({} có mặt, {} không tán thành)",
                v.yes, v.eligible, v.present, v.no
            );
            if !day.is_empty() {
                text.push_str(&format!(", ngày {day}"));
            }
            text
        }
        None => String::new(),
    }
}

fn list_table(candidates: &[Candidate]) -> Table {
    let mut table = Table::new([
        "Mã",
        "Họ và tên",
        "Năm sinh",
        "Dân tộc",
        "Chi bộ",
        "Nguồn",
        "Bước",
        "Từ ngày",
    ]);
    for candidate in candidates {
        table.row([
            short_id(&candidate.name).to_owned(),
            candidate.full_name.clone(),
            candidate.birth_date.chars().take(4).collect(),
            output::ethnicity(&candidate.ethnicity_code),
            short_id(&candidate.cell).to_owned(),
            source_label(candidate.source),
            stage_label(candidate.stage),
            candidate.stage_date.clone(),
        ]);
    }
    table
}

fn details(candidate: &Candidate, names: &HashMap<String, String>) -> Fields {
    let named = |name: &str| match names.get(name) {
        Some(display) => format!("{display} ({name})"),
        None => name.to_owned(),
    };
    let certificate = candidate.certificate.clone().unwrap_or_default();
    let introducers: Vec<String> = candidate
        .introducers
        .iter()
        .map(|i| {
            if i.youth_union_committee {
                "Ban Chấp hành Đoàn".to_owned()
            } else {
                format!(
                    "{}, {} tháng công tác cùng",
                    named(&i.member),
                    i.months_worked_together
                )
            }
        })
        .collect();
    let mut fields = Fields::new();
    fields
        .add("Tên tài nguyên", &candidate.name)
        .add("Họ và tên", &candidate.full_name)
        .add(
            "Giới tính",
            enum_label(candidate.gender, |g: Gender| g.as_str_name()),
        )
        .add("Ngày sinh", &candidate.birth_date)
        .add("Dân tộc", output::ethnicity(&candidate.ethnicity_code))
        .add(
            "Giáo dục phổ thông",
            enum_label(candidate.general_education, |e: GeneralEducation| {
                e.as_str_name()
            }),
        )
        .add("Nghề nghiệp", &candidate.occupation)
        .add("Số CCCD", &candidate.citizen_id)
        .add("Đoàn viên", yes_no(candidate.youth_union))
        .add("Chi bộ", named(&candidate.cell))
        .add("Nguồn", source_label(candidate.source))
        .add("Bước", stage_label(candidate.stage))
        .add("Ngày đạt bước", &candidate.stage_date)
        .add("Giấy chứng nhận cấp ngày", &certificate.issue_date)
        .add("Nơi cấp", &certificate.issuer)
        .add("Người giới thiệu", introducers.join("; "))
        .add(
            "Thẩm tra lý lịch",
            if candidate.background_check == 0 {
                "Chưa thẩm tra".to_owned()
            } else {
                enum_label(candidate.background_check, |b: BackgroundCheck| {
                    b.as_str_name()
                })
            },
        )
        .add("Hồ sơ hoàn thành ngày", &candidate.papers_date)
        .add(
            "Giấy giới thiệu của đơn vị quân đội",
            if candidate.source == CandidateSource::DemobilisedSoldier as i32 {
                yes_no(candidate.has_military_referral)
            } else {
                ""
            },
        )
        .add(
            "Học lại lớp nhận thức về Đảng ở địa phương",
            if candidate.source == CandidateSource::DemobilisedSoldier as i32 {
                yes_no(candidate.class_retaken_locally)
            } else {
                ""
            },
        )
        .add("Đi làm ăn xa", yes_no(candidate.lives_away))
        .add(
            "Ngày tổ chức đảng nơi cư trú, làm việc nhận xét",
            &candidate.away_comment_date,
        )
        .add(
            "Chi bộ biểu quyết",
            vote_text(candidate.cell_vote.as_ref(), &candidate.cell_vote_date),
        )
        .add(
            "Đảng ủy biểu quyết",
            vote_text(
                candidate.committee_vote.as_ref(),
                &candidate.committee_vote_date,
            ),
        )
        .add(
            "Đã gia hạn thời hạn quyết định",
            yes_no(candidate.decision_extended),
        )
        .add("Đảng viên sau kết nạp", &candidate.admitted_member)
        .add("Lý do đóng hồ sơ", &candidate.closing_reason)
        .add("Etag", &candidate.etag)
        .add("Tạo lúc", output::timestamp(candidate.create_time.as_ref()))
        .add(
            "Cập nhật lúc",
            output::timestamp(candidate.update_time.as_ref()),
        );
    fields
}

/// The eligibility as text: the verdict, the regulation, then one line per blocker.
pub fn render_eligibility(eligibility: &Eligibility) -> String {
    let mut out = format!(
        "Xét điều kiện {} ngày {} theo {}: {}\n",
        eligibility.candidate,
        eligibility.on_date,
        if eligibility.rule_version.is_empty() {
            "quy định hiện hành"
        } else {
            &eligibility.rule_version
        },
        if eligibility.eligible {
            "ĐỦ ĐIỀU KIỆN"
        } else {
            "CHƯA ĐỦ ĐIỀU KIỆN"
        }
    );
    if !eligibility.judged_on.is_empty() && eligibility.judged_on != eligibility.on_date {
        out.push_str(&format!(
            "Xét tại ngày chi bộ họp xét kết nạp: {}\n",
            eligibility.judged_on
        ));
    }
    if !eligibility.blockers.is_empty() {
        let mut table = Table::new(["Vướng mắc", "Giải thích", "Trường"]);
        for blocker in &eligibility.blockers {
            table.row([
                blocker_label(&blocker.code),
                blocker.message.clone(),
                blocker.field.clone(),
            ]);
        }
        out.push_str(&table.render());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use partyregistry_proto::membership::v1::{Blocker, Introducer};

    fn fields() -> CandidateFields {
        CandidateFields::default()
    }

    #[test]
    fn update_mask_holds_exactly_the_given_fields() {
        let args = CandidateUpdateArgs {
            candidate: "5".into(),
            cell: None,
            commune: None,
            fields: CandidateFields {
                papers_date: Some("2022-05-12".into()),
                certificate_date: Some("2022-03-25".into()),
                lives_away: Some(false),
                ..fields()
            },
            clear_introducers: true,
            etag: Some("e".into()),
        };
        let request = update_request("candidates/5".into(), "e".into(), args).expect("fields");
        let paths = request.update_mask.map(|m| m.paths).unwrap_or_default();
        assert_eq!(
            paths,
            ["papers_date", "certificate", "lives_away", "introducers"]
        );
        let candidate = request.candidate.expect("candidate");
        assert!(candidate.introducers.is_empty());
        assert_eq!(
            candidate.certificate.map(|c| c.issue_date),
            Some("2022-03-25".to_owned())
        );
    }

    #[test]
    fn the_local_class_and_the_away_comment_are_updated_by_their_paths() {
        let update = |fields: CandidateFields| {
            let args = CandidateUpdateArgs {
                candidate: "5".into(),
                cell: None,
                commune: None,
                fields,
                clear_introducers: false,
                etag: None,
            };
            update_request("candidates/5".into(), "e".into(), args).expect("fields")
        };
        let request = update(CandidateFields {
            class_retaken_locally: Some(true),
            away_comment_date: Some("2025-06-01".into()),
            ..fields()
        });
        assert_eq!(
            request.update_mask.map(|m| m.paths).unwrap_or_default(),
            ["away_comment_date", "class_retaken_locally"]
        );
        let candidate = request.candidate.expect("candidate");
        assert!(candidate.class_retaken_locally);
        assert_eq!(candidate.away_comment_date, "2025-06-01");
        // An empty day clears the comment.
        let request = update(CandidateFields {
            away_comment_date: Some(String::new()),
            ..fields()
        });
        assert_eq!(
            request.update_mask.map(|m| m.paths).unwrap_or_default(),
            ["away_comment_date"]
        );
        assert_eq!(request.candidate.expect("candidate").away_comment_date, "");
    }

    #[test]
    fn details_show_the_local_class_of_a_soldier_and_the_away_comment() {
        let candidate = Candidate {
            name: "candidates/3".into(),
            source: CandidateSource::DemobilisedSoldier as i32,
            class_retaken_locally: true,
            lives_away: true,
            away_comment_date: "2025-06-01".into(),
            ..Candidate::default()
        };
        let rendered = details(&candidate, &HashMap::new()).render();
        let line = |label: &str| {
            rendered
                .lines()
                .find(|line| line.starts_with(label))
                .unwrap_or_else(|| panic!("{label} in {rendered}"))
                .to_owned()
        };
        assert!(line("Học lại lớp nhận thức về Đảng ở địa phương").ends_with("Có"));
        assert!(line("Ngày tổ chức đảng nơi cư trú, làm việc nhận xét").ends_with("2025-06-01"));
        let other = Candidate {
            source: CandidateSource::YouthUnion as i32,
            ..candidate
        };
        let rendered = details(&other, &HashMap::new()).render();
        assert!(rendered.lines().any(|line| {
            line.starts_with("Học lại lớp nhận thức về Đảng ở địa phương") && line.ends_with('—')
        }));
    }

    #[test]
    fn an_update_without_fields_is_refused() {
        let args = CandidateUpdateArgs {
            candidate: "5".into(),
            cell: None,
            commune: None,
            fields: fields(),
            clear_introducers: false,
            etag: None,
        };
        assert!(update_request("candidates/5".into(), "e".into(), args).is_err());
    }

    #[test]
    fn closing_a_candidate_needs_a_reason_and_admission_its_own_command() {
        let advance = |stage, reason: Option<&str>| CandidateAdvanceArgs {
            candidate: "5".into(),
            stage,
            date: Some("2022-06-30".into()),
            reason: reason.map(str::to_owned),
            request_id: Some("r".into()),
        };
        assert!(advance_request(advance(CandidateStage::Withdrawn, None)).is_err());
        assert!(advance_request(advance(CandidateStage::Admitted, None)).is_err());
        let request = advance_request(advance(CandidateStage::Ineligible, Some("Chuyển đi")))
            .expect("reason given");
        assert_eq!(request.name, "candidates/5");
        assert_eq!(request.stage, CandidateStage::Ineligible as i32);
        assert_eq!(request.request_id, "r");
    }

    #[test]
    fn create_request_keeps_stage_and_introducers() {
        let args = CandidateCreateArgs {
            cell: "lang-moi".into(),
            commune: Some("02680".into()),
            fields: CandidateFields {
                identity: crate::commands::identity::IdentityArgs {
                    full_name: Some("Triệu Thị Xuân".into()),
                    ..Default::default()
                },
                introducers: vec![Introducer {
                    member: "members/17".into(),
                    youth_union_committee: false,
                    months_worked_together: 36,
                }],
                ..fields()
            },
            stage: Some(CandidateStage::Verified),
            stage_date: Some("2022-06-15".into()),
            request_id: Some("c-1".into()),
        };
        let request = create_request(args).expect("valid");
        let candidate = request.candidate.expect("candidate");
        assert_eq!(candidate.cell, "communes/02680/cells/lang-moi");
        assert_eq!(candidate.stage, CandidateStage::Verified as i32);
        assert_eq!(candidate.introducers.len(), 1);
        assert_eq!(request.request_id, "c-1");
    }

    #[test]
    fn eligibility_lists_blockers_with_labels() {
        let eligibility = Eligibility {
            candidate: "candidates/3".into(),
            on_date: "2022-06-30".into(),
            eligible: false,
            blockers: vec![Blocker {
                code: "EDUCATION_BELOW_MINIMUM".into(),
                message: "Trình độ Tiểu học — cần tối thiểu Trung học cơ sở (24-QĐ/TW)".into(),
                field: "general_education".into(),
            }],
            rule_version: "24-QĐ/TW".into(),
            judged_on: "2022-05-16".into(),
        };
        let text = render_eligibility(&eligibility);
        assert!(text.contains("chi bộ họp xét kết nạp: 2022-05-16"));
        assert!(text.contains("CHƯA ĐỦ ĐIỀU KIỆN"));
        assert!(text.contains("theo 24-QĐ/TW"));
        assert!(text.contains("Chưa đủ trình độ học vấn"));
    }

    #[test]
    fn list_table_leaves_out_personal_fields() {
        let candidate = Candidate {
            name: "candidates/3".into(),
            full_name: "Giàng Thị Súa".into(),
            birth_date: "2000-02-11".into(),
            citizen_id: "010300123456".into(),
            stage: CandidateStage::Dossier as i32,
            ..Candidate::default()
        };
        let rendered = list_table(&[candidate]).render();
        assert!(rendered.contains("Giàng Thị Súa") && rendered.contains("2000"));
        assert!(!rendered.contains("2000-02-11") && !rendered.contains("010300123456"));
        assert!(rendered.contains("Đang hoàn thiện hồ sơ"));
    }
}
