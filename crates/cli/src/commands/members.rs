//! `partyctl members list|get|create|update|events|discipline`.
//!
//! List tables leave out the personal fields (citizen id, phone, address, full birth date): a
//! roster is often shown on a shared screen. Only `members get` prints them.

use std::collections::HashMap;

use clap::{Args, Subcommand};
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::membership::v1::{
    Admission, Assignment, CreateMemberRequest, EventType, Gender, GeneralEducation,
    GetMemberRequest, ListCellsRequest, ListMemberEventsRequest, ListMembersRequest,
    ListMembersResponse, Member, MemberEvent, MemberStatus, PoliticalTheory, Qualification,
    RecordDisciplineRequest, UpdateMemberRequest, VoteTally,
};
use partyregistry_vocab::{date, names};

use super::identity::IdentityArgs;
use super::paging::{PageArgs, collect_pages, print_next_page};
use super::{Context, mask};
use crate::client::{self, enum_name, request_id};
use crate::error::CliError;
use crate::output::{self, Fields, Table, label, yes_no};
use crate::parse::{
    cell_name, commune_name, member_name, parse_assignment, parse_badge, parse_date,
    parse_discipline_form, parse_party_age_gap, parse_political_theory, parse_qualification,
    parse_status, short_id,
};

/// `partyctl members …`.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Danh sách đảng viên theo thứ tự tên (không in số CCCD, điện thoại, địa chỉ).
    List(MemberListArgs),
    /// Xem đầy đủ hồ sơ một đảng viên.
    Get {
        /// Mã đảng viên (17) hoặc members/17.
        member: String,
    },
    /// Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống.
    Create(MemberCreateArgs),
    /// Sửa thông tin cá nhân; chỉ các trường được nêu trên dòng lệnh được cập nhật.
    Update(MemberUpdateArgs),
    /// Lịch sử của một đảng viên.
    Events {
        /// Mã đảng viên (17) hoặc members/17.
        member: String,
    },
    /// Ghi nhận kỷ luật đảng: khiển trách, cảnh cáo, cách chức (cảnh cáo trở lên làm chậm việc
    /// xét tặng Huy hiệu Đảng).
    Discipline(DisciplineArgs),
}

/// `partyctl members list`.
#[derive(Debug, Args)]
pub struct MemberListArgs {
    /// Mã xã (02680) hoặc communes/02680; mặc định mọi xã.
    #[arg(long, alias = "commune", default_value = "communes/-")]
    pub parent: String,
    /// Chỉ đảng viên của chi bộ này (communes/02680/cells/tuong-1, hoặc tuong-1 với --parent).
    #[arg(long)]
    pub cell: Option<String>,
    /// Chỉ đảng viên ở trạng thái này (official, probationary, …).
    #[arg(long, value_parser = parse_status)]
    pub status: Option<pb::MemberStatus>,
    /// Chỉ đảng viên tại chỗ (local) hoặc biệt phái (seconded).
    #[arg(long, value_parser = parse_assignment)]
    pub assignment: Option<pb::Assignment>,
    /// Tìm theo tên, không phân biệt dấu và hoa thường, ví dụ "dang hoang long".
    #[arg(long)]
    pub name: Option<String>,
    /// Phân trang.
    #[command(flatten)]
    pub page: PageArgs,
}

/// Personal fields of a member, shared by create, update and admit.
#[derive(Debug, Clone, Default, Args)]
pub struct PersonArgs {
    /// Họ tên, giới tính, ngày sinh, dân tộc, học vấn, nghề nghiệp, CCCD, đoàn viên.
    #[command(flatten)]
    pub identity: IdentityArgs,
    /// Tôn giáo.
    #[arg(long)]
    pub religion: Option<String>,
    /// Quê quán.
    #[arg(long)]
    pub home_town: Option<String>,
    /// Số điện thoại.
    #[arg(long)]
    pub phone: Option<String>,
    /// Nơi ở hiện nay.
    #[arg(long)]
    pub address: Option<String>,
    /// Trình độ chuyên môn: none, vocational, college, university, master, doctorate.
    #[arg(long, value_parser = parse_qualification)]
    pub qualification: Option<pb::Qualification>,
    /// Lý luận chính trị: none, elementary, intermediate, advanced.
    #[arg(long, value_parser = parse_political_theory)]
    pub political_theory: Option<pb::PoliticalTheory>,
    /// Số thẻ đảng viên.
    #[arg(long)]
    pub card_number: Option<String>,
    /// Tại chỗ (local) hoặc biệt phái (seconded).
    #[arg(long, value_parser = parse_assignment)]
    pub assignment: Option<pb::Assignment>,
}

/// `partyctl members create`.
#[derive(Debug, Args)]
pub struct MemberCreateArgs {
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
    /// Số quyết định kết nạp.
    #[arg(long)]
    pub decision_number: Option<String>,
    /// Ngày chi bộ nhận quyết định kết nạp, nếu hồ sơ có ghi.
    #[arg(long, value_parser = parse_date)]
    pub decision_received_date: Option<String>,
    /// Ngày lễ kết nạp.
    #[arg(long, value_parser = parse_date)]
    pub ceremony_date: String,
    /// Ngày công nhận chính thức.
    #[arg(long, value_parser = parse_date)]
    pub official_date: Option<String>,
    /// Ngày tiếp nhận vào đảng bộ.
    #[arg(long, value_parser = parse_date)]
    pub joined_date: String,
    /// Nơi chuyển đến, ví dụ "Đảng bộ phường Cốc Lếu".
    #[arg(long)]
    pub from_organization: String,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl members update`.
#[derive(Debug, Args)]
pub struct MemberUpdateArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Các trường cần sửa.
    #[command(flatten)]
    pub person: PersonArgs,
    /// Thời gian không tính tuổi đảng TỪ_NGÀY:ĐẾN_NGÀY[:LÝ_DO]; lặp lại được, thay toàn bộ danh sách.
    #[arg(long = "party-age-gap", value_parser = parse_party_age_gap)]
    pub party_age_gaps: Vec<pb::PartyAgeGap>,
    /// Xóa mọi khoảng thời gian không tính tuổi đảng.
    #[arg(long, conflicts_with = "party_age_gaps")]
    pub clear_party_age_gaps: bool,
    /// Đang bị bệnh hiểm nghèo (true / false): huy hiệu có thể được trao sớm.
    #[arg(long)]
    pub seriously_ill: Option<bool>,
    /// Huy hiệu đã trao SỐ_NĂM:NGÀY_TRAO, ví dụ 30:2025-11-07; lặp lại được, thay toàn bộ danh sách.
    #[arg(long = "badge", value_parser = parse_badge)]
    pub badges: Vec<pb::BadgeAward>,
    /// Xóa mọi huy hiệu đã ghi.
    #[arg(long, conflicts_with = "badges")]
    pub clear_badges: bool,
    /// Ngày chi bộ nhận quyết định kết nạp, khi đảng viên đang chờ lễ kết nạp: thời hạn 30 ngày
    /// làm việc để tổ chức lễ tính từ ngày này.
    #[arg(long, value_parser = parse_date)]
    pub decision_received_date: Option<String>,
    /// Etag đã đọc; mặc định đọc lại đảng viên và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// Runs one `members` subcommand.
pub async fn run(context: &Context, command: MemberCommand) -> Result<(), CliError> {
    let mut membership = client::membership(&context.membership, &context.security).await?;
    match command {
        MemberCommand::List(args) => list(context, &mut membership, args).await,
        MemberCommand::Get { member } => {
            let name = member_name(&member)?;
            let member = membership
                .get_member(GetMemberRequest { name })
                .await?
                .into_inner();
            show(context, &mut membership, &member).await
        }
        MemberCommand::Create(args) => {
            let request = create_request(args)?;
            let member = membership.create_member(request).await?.into_inner();
            show(context, &mut membership, &member).await
        }
        MemberCommand::Update(args) => {
            let name = member_name(&args.member)?;
            let etag = match &args.etag {
                Some(etag) => etag.clone(),
                None => {
                    membership
                        .get_member(GetMemberRequest { name: name.clone() })
                        .await?
                        .into_inner()
                        .etag
                }
            };
            let request = update_request(name, etag, args)?;
            let member = membership.update_member(request).await?.into_inner();
            show(context, &mut membership, &member).await
        }
        MemberCommand::Discipline(args) => discipline(context, &mut membership, args).await,
        MemberCommand::Events { member } => {
            let parent = member_name(&member)?;
            let response = membership
                .list_member_events(ListMemberEventsRequest { parent })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", events_table(&response.events).render());
            Ok(())
        }
    }
}

async fn list(
    context: &Context,
    membership: &mut MembershipServiceClient<Transport>,
    args: MemberListArgs,
) -> Result<(), CliError> {
    let parent = commune_name(&args.parent)?;
    let commune_code = parent.strip_prefix("communes/").filter(|code| *code != "-");
    let filter = list_filter(&args, commune_code)?;
    let (members, next_page_token) =
        collect_pages(args.page.page_token, args.page.all_pages, |page_token| {
            let request = ListMembersRequest {
                parent: parent.clone(),
                page_size: args.page.page_size.unwrap_or_default(),
                page_token,
                filter: filter.clone(),
            };
            let mut membership = membership.clone();
            async move {
                let response = membership.list_members(request).await?.into_inner();
                Ok((response.members, response.next_page_token))
            }
        })
        .await?;
    let response = ListMembersResponse {
        members,
        next_page_token,
    };
    if context.json {
        return output::print_json(&response);
    }
    let cells = cell_names(membership, &response.members).await;
    print!("{}", list_table(&response.members, &cells).render());
    println!("\n{} đảng viên", response.members.len());
    print_next_page(&response.next_page_token);
    Ok(())
}

/// The ListMembers filter for the options given, joined by ` AND `.
fn list_filter(args: &MemberListArgs, commune_code: Option<&str>) -> Result<String, CliError> {
    let mut conditions = Vec::new();
    if let Some(cell) = &args.cell {
        conditions.push(format!("cell = \"{}\"", cell_name(cell, commune_code)?));
    }
    if let Some(status) = args.status {
        conditions.push(format!("status = {}", status.as_str_name()));
    }
    if let Some(assignment) = args.assignment {
        conditions.push(format!("assignment = {}", assignment.as_str_name()));
    }
    if let Some(name) = &args.name {
        // Quotes and backslashes never occur in names; dropping them keeps the filter well formed.
        let words: String = name.chars().filter(|c| *c != '"' && *c != '\\').collect();
        conditions.push(format!("name : \"{}\"", words.trim()));
    }
    Ok(conditions.join(" AND "))
}

/// Display names of the cells the members belong to, one ListCells per commune. A failure only
/// costs the nicer names (the table falls back to cell ids), so it is not an error.
async fn cell_names(
    membership: &mut MembershipServiceClient<Transport>,
    members: &[Member],
) -> HashMap<String, String> {
    let mut communes: Vec<String> = members
        .iter()
        .filter_map(|m| names::parse_cell("cell", &m.cell).ok())
        .map(|(code, _)| code)
        .collect();
    communes.sort();
    communes.dedup();
    let mut display = HashMap::new();
    for code in communes {
        let mut page_token = String::new();
        // Bounded: a commune has tens of cells, 500 per page.
        for _ in 0..100 {
            let request = ListCellsRequest {
                parent: names::commune(&code),
                page_size: 500,
                page_token,
                filter: String::new(),
            };
            let Ok(response) = membership.list_cells(request).await else {
                break;
            };
            let response = response.into_inner();
            display.extend(
                response
                    .cells
                    .into_iter()
                    .map(|cell| (cell.name, cell.display_name)),
            );
            if response.next_page_token.is_empty() {
                break;
            }
            page_token = response.next_page_token;
        }
    }
    display
}

/// Copies the personal fields given on the command line into `member` and returns their mask
/// paths.
fn apply_person(member: &mut Member, person: PersonArgs) -> Vec<&'static str> {
    let mut paths = person.identity.apply(crate::identity_target!(member));
    let mut text = |target: &mut String, value: Option<String>, path: &'static str| {
        if let Some(value) = value {
            *target = value;
            paths.push(path);
        }
    };
    text(&mut member.religion, person.religion, "religion");
    text(&mut member.home_town, person.home_town, "home_town");
    text(&mut member.phone, person.phone, "phone");
    text(&mut member.address, person.address, "address");
    text(&mut member.card_number, person.card_number, "card_number");
    if let Some(value) = person.qualification {
        member.qualification = value as i32;
        paths.push("qualification");
    }
    if let Some(value) = person.political_theory {
        member.political_theory = value as i32;
        paths.push("political_theory");
    }
    if let Some(value) = person.assignment {
        member.assignment = value as i32;
        paths.push("assignment");
    }
    paths
}

/// A new member from the person fields and the cell.
pub(crate) fn new_member(person: PersonArgs, cell: String, admission: Admission) -> Member {
    let mut member = Member {
        cell,
        admission: Some(admission),
        ..Member::default()
    };
    apply_person(&mut member, person);
    member
}

fn create_request(args: MemberCreateArgs) -> Result<CreateMemberRequest, CliError> {
    let cell = cell_name(&args.cell, args.commune.as_deref())?;
    let admission = Admission {
        decision_date: args.decision_date,
        decision_number: args.decision_number.unwrap_or_default(),
        decision_received_date: args.decision_received_date.unwrap_or_default(),
        ceremony_date: args.ceremony_date,
        official_date: args.official_date.unwrap_or_default(),
        ..Admission::default()
    };
    Ok(CreateMemberRequest {
        member: Some(new_member(args.person, cell, admission)),
        joined_date: args.joined_date,
        from_organization: args.from_organization,
        request_id: request_id(args.request_id.as_deref()),
    })
}

/// Builds the update with a mask of exactly the fields given on the command line.
fn update_request(
    name: String,
    etag: String,
    args: MemberUpdateArgs,
) -> Result<UpdateMemberRequest, CliError> {
    let mut member = Member {
        name,
        etag,
        ..Member::default()
    };
    let mut paths = apply_person(&mut member, args.person);
    if !args.party_age_gaps.is_empty() || args.clear_party_age_gaps {
        member.party_age_gaps = args.party_age_gaps;
        paths.push("party_age_gaps");
    }
    if let Some(value) = args.seriously_ill {
        member.seriously_ill = value;
        paths.push("seriously_ill");
    }
    if !args.badges.is_empty() || args.clear_badges {
        member.badges = args.badges;
        paths.push("badges");
    }
    if let Some(received) = args.decision_received_date {
        member.admission = Some(Admission {
            decision_received_date: received,
            ..Admission::default()
        });
        paths.push("admission.decision_received_date");
    }
    if paths.is_empty() {
        // An empty mask means "every field" to the service: refuse rather than blank the member.
        return Err(CliError::usage("không có trường nào cần sửa"));
    }
    Ok(UpdateMemberRequest {
        member: Some(member),
        update_mask: Some(mask(&paths)),
    })
}

/// `partyctl members discipline`.
#[derive(Debug, Args)]
pub struct DisciplineArgs {
    /// Mã đảng viên (17) hoặc members/17.
    pub member: String,
    /// Hình thức: reprimand (khiển trách), warning (cảnh cáo), dismissal (cách chức). Khai trừ
    /// ghi bằng `partyctl depart --kind expulsion`.
    #[arg(long, value_parser = parse_discipline_form)]
    pub form: pb::DisciplineForm,
    /// Ngày quyết định kỷ luật; mặc định hôm nay.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<String>,
    /// Cấp ra quyết định, ví dụ "Đảng ủy xã Hợp Thành".
    #[arg(long)]
    pub deciding_body: String,
    /// Số quyết định kỷ luật, ví dụ 07-QĐ/ĐU.
    #[arg(long)]
    pub decision_number: String,
    /// Lý do.
    #[arg(long)]
    pub reason: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl members discipline`: RecordDiscipline.
async fn discipline(
    context: &Context,
    membership: &mut MembershipServiceClient<Transport>,
    args: DisciplineArgs,
) -> Result<(), CliError> {
    let request = discipline_request(args)?;
    let member = membership.record_discipline(request).await?.into_inner();
    show(context, membership, &member).await
}

fn discipline_request(args: DisciplineArgs) -> Result<RecordDisciplineRequest, CliError> {
    Ok(RecordDisciplineRequest {
        name: member_name(&args.member)?,
        form: args.form as i32,
        discipline_date: args
            .date
            .unwrap_or_else(|| date::format(date::today_in_vietnam())),
        deciding_body: args.deciding_body,
        decision_number: args.decision_number,
        reason: args.reason.unwrap_or_default(),
        request_id: request_id(args.request_id.as_deref()),
    })
}

/// Prints one member with every field, personal ones included.
pub(crate) async fn show(
    context: &Context,
    membership: &mut MembershipServiceClient<Transport>,
    member: &Member,
) -> Result<(), CliError> {
    if context.json {
        return output::print_json(member);
    }
    let cells = cell_names(membership, std::slice::from_ref(member)).await;
    print!("{}", details(member, &cells).render());
    Ok(())
}

fn status_label(status: i32) -> String {
    label(&enum_name(status, |s: MemberStatus| s.as_str_name())).to_owned()
}

fn assignment_label(assignment: i32) -> String {
    // UNSPECIFIED is treated as LOCAL by the service.
    let assignment = if assignment == 0 {
        Assignment::Local as i32
    } else {
        assignment
    };
    label(&enum_name(assignment, |a: Assignment| a.as_str_name())).to_owned()
}

fn gender_label(gender: i32) -> String {
    label(&enum_name(gender, |g: Gender| g.as_str_name())).to_owned()
}

fn cell_label(cell: &str, cells: &HashMap<String, String>) -> String {
    cells
        .get(cell)
        .cloned()
        .unwrap_or_else(|| short_id(cell).to_owned())
}

fn list_table(members: &[Member], cells: &HashMap<String, String>) -> Table {
    let mut table = Table::new([
        "Mã",
        "Họ và tên",
        "Giới tính",
        "Năm sinh",
        "Dân tộc",
        "Chi bộ",
        "Trạng thái",
        "Ngày kết nạp",
        "Tại chỗ/Biệt phái",
    ]);
    for member in members {
        table.row([
            short_id(&member.name).to_owned(),
            member.full_name.clone(),
            gender_label(member.gender),
            member.birth_date.chars().take(4).collect(),
            output::ethnicity(&member.ethnicity_code),
            cell_label(&member.cell, cells),
            status_label(member.status),
            member
                .admission
                .as_ref()
                .map(|a| a.decision_date.clone())
                .unwrap_or_default(),
            assignment_label(member.assignment),
        ]);
    }
    table
}

fn details(member: &Member, cells: &HashMap<String, String>) -> Fields {
    let admission = member.admission.clone().unwrap_or_default();
    let mut fields = Fields::new();
    fields
        .add("Tên tài nguyên", &member.name)
        .add("Họ và tên", &member.full_name)
        .add("Họ", &member.family_name)
        .add("Tên đệm", &member.middle_name)
        .add("Tên", &member.given_name)
        .add("Giới tính", gender_label(member.gender))
        .add("Ngày sinh", &member.birth_date)
        .add("Dân tộc", output::ethnicity(&member.ethnicity_code))
        .add("Tôn giáo", &member.religion)
        .add("Quê quán", &member.home_town)
        .add("Số CCCD", &member.citizen_id)
        .add("Điện thoại", &member.phone)
        .add("Nơi ở hiện nay", &member.address)
        .add(
            "Giáo dục phổ thông",
            label(&enum_name(
                member.general_education,
                |e: GeneralEducation| e.as_str_name(),
            )),
        )
        .add(
            "Chuyên môn",
            label(&enum_name(member.qualification, |q: Qualification| {
                q.as_str_name()
            })),
        )
        .add(
            "Lý luận chính trị",
            label(&enum_name(member.political_theory, |p: PoliticalTheory| {
                p.as_str_name()
            })),
        )
        .add("Nghề nghiệp", &member.occupation)
        .add("Đoàn viên", yes_no(member.youth_union))
        .add("Số thẻ đảng viên", &member.card_number)
        .add("Ngày kết nạp", &admission.decision_date)
        .add("Số quyết định kết nạp", &admission.decision_number)
        .add(
            "Ngày chi bộ nhận quyết định kết nạp",
            &admission.decision_received_date,
        )
        .add("Ngày lễ kết nạp", &admission.ceremony_date)
        .add("Ngày chính thức", &admission.official_date)
        .add("Trạng thái", status_label(member.status))
        .add("Chi bộ", cell_label(&member.cell, cells))
        .add("Sinh hoạt tại chi bộ từ", &member.cell_since)
        .add("Tại chỗ/Biệt phái", assignment_label(member.assignment))
        .add(
            "Đang sinh hoạt tạm thời nơi khác",
            yes_no(member.temporarily_away),
        )
        .add("Tạm thời đến ngày", &member.away_until)
        .add("Chuyển đến ngày", &member.joined_date)
        .add("Ra khỏi danh sách ngày", &member.left_date)
        .add(
            "Kết nạp tại chi bộ",
            if member.admitted_in_cell.is_empty() {
                String::new()
            } else {
                cell_label(&member.admitted_in_cell, cells)
            },
        )
        .add(
            "Thời gian không tính tuổi đảng",
            member
                .party_age_gaps
                .iter()
                .map(|gap| {
                    let reason = if gap.reason.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", gap.reason)
                    };
                    format!("{} – {}{reason}", gap.from_date, gap.to_date)
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
        .add("Bệnh hiểm nghèo", yes_no(member.seriously_ill))
        .add(
            "Huy hiệu Đảng đã trao",
            member
                .badges
                .iter()
                .map(|badge| format!("{} năm ({})", badge.years, badge.award_date))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .add(
            "Kỷ luật",
            member
                .disciplines
                .iter()
                .map(|d| {
                    format!(
                        "{} ({}, {}, {})",
                        label(&enum_name(d.form, |f: pb::DisciplineForm| f.as_str_name())),
                        d.discipline_date,
                        d.decision_number,
                        d.deciding_body
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
        .add("Etag", &member.etag)
        .add("Tạo lúc", output::timestamp(member.create_time.as_ref()))
        .add(
            "Cập nhật lúc",
            output::timestamp(member.update_time.as_ref()),
        );
    fields
}

fn vote_text(vote: Option<&VoteTally>) -> String {
    match vote {
        Some(v) if v.eligible > 0 => {
            format!("{}/{} tán thành, {} có mặt", v.yes, v.eligible, v.present)
        }
        _ => String::new(),
    }
}

fn events_table(events: &[MemberEvent]) -> Table {
    let mut table = Table::new([
        "Ngày hiệu lực",
        "Sự kiện",
        "Số quyết định",
        "Cơ quan quyết định",
        "Từ",
        "Đến",
        "Lý do",
        "Biểu quyết",
        "Quy định",
    ]);
    for event in events {
        let mut what = label(&enum_name(event.r#type, |t: EventType| t.as_str_name())).to_owned();
        if event.discipline_form() != pb::DisciplineForm::Unspecified {
            let form = enum_name(event.discipline_form, |f: pb::DisciplineForm| {
                f.as_str_name()
            });
            what = format!("{what}: {}", label(&form).to_lowercase());
        }
        table.row([
            event.effective_date.clone(),
            what,
            event.decision_number.clone(),
            event.deciding_body.clone(),
            event.from_organization.clone(),
            event.to_organization.clone(),
            event.reason.clone(),
            vote_text(event.vote.as_ref()),
            event.rule_version.clone(),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_discipline_is_named_in_english_or_in_vietnamese() {
        for form in ["warning", "cảnh cáo", "DISCIPLINE_FORM_WARNING"] {
            assert_eq!(parse_discipline_form(form), Ok(pb::DisciplineForm::Warning));
        }
        assert!(parse_discipline_form("expulsion").is_err());
        let request = discipline_request(DisciplineArgs {
            member: "17".into(),
            form: pb::DisciplineForm::Dismissal,
            date: Some("2026-03-19".into()),
            deciding_body: "Đảng ủy xã Hợp Thành".into(),
            decision_number: "07-QĐ/ĐU".into(),
            reason: None,
            request_id: Some("kl-1".into()),
        })
        .expect("valid");
        assert_eq!(
            (
                request.name.as_str(),
                request.form(),
                request.discipline_date.as_str(),
                request.request_id.as_str()
            ),
            (
                "members/17",
                pb::DisciplineForm::Dismissal,
                "2026-03-19",
                "kl-1"
            )
        );
    }

    fn list_args() -> MemberListArgs {
        MemberListArgs {
            parent: "02680".into(),
            cell: None,
            status: None,
            assignment: None,
            name: None,
            page: PageArgs {
                page_size: None,
                page_token: None,
                all_pages: false,
            },
        }
    }

    #[test]
    fn filter_joins_conditions_with_and() {
        let mut args = list_args();
        args.cell = Some("tuong-1".into());
        args.status = Some(MemberStatus::Official);
        args.name = Some("dang \"hoang\"".into());
        let filter = list_filter(&args, Some("02680")).expect("valid");
        assert_eq!(
            filter,
            "cell = \"communes/02680/cells/tuong-1\" AND status = MEMBER_STATUS_OFFICIAL AND name : \"dang hoang\""
        );
        assert_eq!(list_filter(&list_args(), None).expect("valid"), "");
    }

    #[test]
    fn update_mask_holds_exactly_the_given_fields() {
        let args = MemberUpdateArgs {
            member: "17".into(),
            person: PersonArgs {
                phone: Some("0912 000 000".into()),
                identity: crate::commands::identity::IdentityArgs {
                    youth_union: Some(false),
                    gender: Some(Gender::Female),
                    ..Default::default()
                },
                ..PersonArgs::default()
            },
            party_age_gaps: Vec::new(),
            clear_party_age_gaps: false,
            seriously_ill: None,
            badges: Vec::new(),
            clear_badges: false,
            decision_received_date: None,
            etag: Some("e".into()),
        };
        let request = update_request("members/17".into(), "e".into(), args).expect("fields given");
        let mut paths = request.update_mask.map(|m| m.paths).unwrap_or_default();
        paths.sort();
        assert_eq!(paths, ["gender", "phone", "youth_union"]);
    }

    #[test]
    fn badge_fields_are_masked_and_cleared_on_request() {
        let args = MemberUpdateArgs {
            member: "17".into(),
            person: PersonArgs::default(),
            party_age_gaps: Vec::new(),
            clear_party_age_gaps: true,
            seriously_ill: Some(true),
            badges: vec![crate::parse::parse_badge("30:2025-11-07").expect("valid")],
            clear_badges: false,
            decision_received_date: None,
            etag: None,
        };
        let request = update_request("members/17".into(), "e".into(), args).expect("fields");
        let member = request.member.expect("member");
        assert!(member.seriously_ill && member.party_age_gaps.is_empty());
        assert_eq!(member.badges.len(), 1);
        assert_eq!(
            request.update_mask.map(|m| m.paths).unwrap_or_default(),
            ["party_age_gaps", "seriously_ill", "badges"]
        );
    }

    #[test]
    fn the_day_the_decision_was_received_is_updated_by_its_path() {
        let args = MemberUpdateArgs {
            member: "17".into(),
            person: PersonArgs::default(),
            party_age_gaps: Vec::new(),
            clear_party_age_gaps: false,
            seriously_ill: None,
            badges: Vec::new(),
            clear_badges: false,
            decision_received_date: Some("2025-03-20".into()),
            etag: None,
        };
        let request = update_request("members/17".into(), "e".into(), args).expect("fields");
        assert_eq!(
            request
                .member
                .and_then(|m| m.admission)
                .map(|a| a.decision_received_date),
            Some("2025-03-20".to_owned())
        );
        assert_eq!(
            request.update_mask.map(|m| m.paths).unwrap_or_default(),
            ["admission.decision_received_date"]
        );
    }

    #[test]
    fn list_table_leaves_out_personal_fields() {
        let member = Member {
            name: "members/3".into(),
            full_name: "Lò Thị Mai".into(),
            birth_date: "1990-04-12".into(),
            citizen_id: "010190000001".into(),
            phone: "0912345678".into(),
            address: "Thôn Tượng 1".into(),
            cell: "communes/02680/cells/tuong-1".into(),
            ..Member::default()
        };
        let mut cells = HashMap::new();
        cells.insert(member.cell.clone(), "Chi bộ thôn Tượng 1".to_owned());
        let rendered = list_table(&[member], &cells).render();
        assert!(rendered.contains("Lò Thị Mai") && rendered.contains("Chi bộ thôn Tượng 1"));
        assert!(rendered.contains("1990") && !rendered.contains("1990-04-12"));
        assert!(!rendered.contains("010190000001") && !rendered.contains("0912345678"));
        assert!(!rendered.contains("Thôn Tượng 1"));
    }
}
