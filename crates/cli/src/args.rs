//! The command line of `partyctl` (clap derive). The help texts are what a person reads, so they
//! are in Vietnamese; every RPC of both services has a command.

use clap::{Args, Parser, Subcommand};
use partyregistry_proto::membership::v1 as pb;

use crate::client::{
    parse_area_flag, parse_assignment, parse_background_check, parse_candidate_source,
    parse_candidate_stage, parse_cell_kind, parse_date, parse_departure_kind, parse_education,
    parse_gender, parse_introducer, parse_month, parse_optional_date, parse_political_theory,
    parse_qualification, parse_rating_level, parse_status, parse_tally, parse_transfer_kind,
};
use crate::dev::DevOptions;

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
    /// Kiểm tra sức khỏe (grpc.health.v1); mã thoát khác 0 nếu dịch vụ chưa sẵn sàng.
    Health(HealthArgs),
    /// Nạp bộ dữ liệu mẫu Hợp Thành (tổng hợp, không phải người thật) qua API; chạy lại không tạo trùng.
    Seed,
    /// Chạy cả hai dịch vụ trong một tiến trình trên SQLite, nạp dữ liệu mẫu ở lần đầu.
    Dev(DevOptions),
}

/// Paging of list commands.
#[derive(Debug, Clone, Args)]
pub struct PageArgs {
    /// Số bản ghi mỗi trang (mặc định của dịch vụ: 50, tối đa 500).
    #[arg(long)]
    pub page_size: Option<i32>,
    /// Mã trang tiếp theo từ lần gọi trước.
    #[arg(long)]
    pub page_token: Option<String>,
    /// Lấy tất cả các trang.
    #[arg(long)]
    pub all_pages: bool,
}

/// `partyctl communes …`.
#[derive(Debug, Subcommand)]
pub enum CommuneCommand {
    /// Liệt kê các xã.
    List {
        /// Chỉ các xã của tỉnh có mã này, ví dụ 10.
        #[arg(long)]
        province: Option<String>,
        /// Phân trang.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Xem một xã.
    Get {
        /// Mã xã (02680) hoặc communes/02680.
        commune: String,
    },
    /// Tạo một xã.
    Create(CommuneCreateArgs),
    /// Sửa một xã; chỉ các trường được nêu trên dòng lệnh được cập nhật.
    Update(CommuneUpdateArgs),
}

/// `partyctl communes create`.
#[derive(Debug, Args)]
pub struct CommuneCreateArgs {
    /// Mã xã 5 chữ số của Tổng cục Thống kê.
    #[arg(long)]
    pub code: String,
    /// Tên xã có dấu, ví dụ "Xã Hợp Thành".
    #[arg(long)]
    pub display_name: String,
    /// Mã tỉnh 2 chữ số.
    #[arg(long)]
    pub province_code: String,
    /// Ngày bắt đầu hiệu lực (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub valid_from: String,
    /// Ngày hết hiệu lực (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub valid_to: Option<String>,
    /// Phân loại vùng LOẠI:TỪ_NGÀY hoặc LOẠI:TỪ_NGÀY:ĐẾN_NGÀY, ví dụ mountainous:2008-01-01; lặp lại được.
    #[arg(long = "area-flag", value_parser = parse_area_flag)]
    pub area_flags: Vec<pb::AreaFlag>,
    /// Khóa chống trùng: chạy lại với cùng khóa trả về kết quả lần đầu.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl communes update`.
#[derive(Debug, Args)]
pub struct CommuneUpdateArgs {
    /// Mã xã (02680) hoặc communes/02680.
    pub commune: String,
    /// Tên xã mới.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Mã tỉnh mới.
    #[arg(long)]
    pub province_code: Option<String>,
    /// Ngày bắt đầu hiệu lực mới.
    #[arg(long, value_parser = parse_date)]
    pub valid_from: Option<String>,
    /// Ngày hết hiệu lực; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub valid_to: Option<String>,
    /// Thay toàn bộ phân loại vùng bằng các giá trị này (LOẠI:TỪ_NGÀY hoặc LOẠI:TỪ_NGÀY:ĐẾN_NGÀY).
    #[arg(long = "area-flag", value_parser = parse_area_flag)]
    pub area_flags: Vec<pb::AreaFlag>,
    /// Xóa mọi phân loại vùng.
    #[arg(long, conflicts_with = "area_flags")]
    pub clear_area_flags: bool,
    /// Etag đã đọc; mặc định đọc lại xã và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// `partyctl cells …`.
#[derive(Debug, Subcommand)]
pub enum CellCommand {
    /// Liệt kê các chi bộ của một xã.
    List {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
        /// Chỉ các chi bộ loại này (residential, school, police, …).
        #[arg(long, value_parser = parse_cell_kind)]
        kind: Option<pb::CellKind>,
        /// Phân trang.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Xem một chi bộ.
    Get {
        /// communes/02680/cells/tuong-1, hoặc tuong-1 kèm --commune.
        cell: String,
        /// Mã xã khi chỉ ghi mã chi bộ.
        #[arg(long)]
        commune: Option<String>,
    },
    /// Tạo một chi bộ.
    Create(CellCreateArgs),
    /// Sửa một chi bộ; chỉ các trường được nêu trên dòng lệnh được cập nhật.
    Update(CellUpdateArgs),
}

/// `partyctl cells create`.
#[derive(Debug, Args)]
pub struct CellCreateArgs {
    /// Mã xã (02680) hoặc communes/02680.
    #[arg(long, alias = "parent")]
    pub commune: String,
    /// Mã chi bộ: chữ thường không dấu, chữ số, dấu gạch nối, ví dụ tuong-1.
    #[arg(long = "id")]
    pub cell_id: String,
    /// Tên chi bộ có dấu, ví dụ "Chi bộ thôn Tượng 1".
    #[arg(long)]
    pub display_name: String,
    /// Loại chi bộ (residential, school, police, military, agency, enterprise, other).
    #[arg(long, value_parser = parse_cell_kind)]
    pub kind: pb::CellKind,
    /// Ngày thành lập.
    #[arg(long, value_parser = parse_date)]
    pub open_date: String,
    /// Ngày giải thể.
    #[arg(long, value_parser = parse_date)]
    pub close_date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl cells update`.
#[derive(Debug, Args)]
pub struct CellUpdateArgs {
    /// communes/02680/cells/tuong-1, hoặc tuong-1 kèm --commune.
    pub cell: String,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Tên mới.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Loại mới.
    #[arg(long, value_parser = parse_cell_kind)]
    pub kind: Option<pb::CellKind>,
    /// Ngày thành lập mới.
    #[arg(long, value_parser = parse_date)]
    pub open_date: Option<String>,
    /// Ngày giải thể; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub close_date: Option<String>,
    /// Etag đã đọc; mặc định đọc lại chi bộ và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

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
    /// Họ và tên đầy đủ, ví dụ "Đặng Hoàng Long".
    #[arg(long)]
    pub full_name: Option<String>,
    /// Họ.
    #[arg(long)]
    pub family_name: Option<String>,
    /// Tên đệm.
    #[arg(long)]
    pub middle_name: Option<String>,
    /// Tên.
    #[arg(long)]
    pub given_name: Option<String>,
    /// Giới tính: nam / nữ (male / female).
    #[arg(long, value_parser = parse_gender)]
    pub gender: Option<pb::Gender>,
    /// Ngày sinh.
    #[arg(long, value_parser = parse_date)]
    pub birth_date: Option<String>,
    /// Mã dân tộc 2 chữ số (01 Kinh, 02 Tày, 09 Dao, …).
    #[arg(long)]
    pub ethnicity: Option<String>,
    /// Tôn giáo.
    #[arg(long)]
    pub religion: Option<String>,
    /// Quê quán.
    #[arg(long)]
    pub home_town: Option<String>,
    /// Số căn cước công dân (12 chữ số).
    #[arg(long)]
    pub citizen_id: Option<String>,
    /// Số điện thoại.
    #[arg(long)]
    pub phone: Option<String>,
    /// Nơi ở hiện nay.
    #[arg(long)]
    pub address: Option<String>,
    /// Trình độ giáo dục phổ thông: primary, lower-secondary, upper-secondary.
    #[arg(long, value_parser = parse_education)]
    pub education: Option<pb::GeneralEducation>,
    /// Trình độ chuyên môn: none, vocational, college, university, master, doctorate.
    #[arg(long, value_parser = parse_qualification)]
    pub qualification: Option<pb::Qualification>,
    /// Lý luận chính trị: none, elementary, intermediate, advanced.
    #[arg(long, value_parser = parse_political_theory)]
    pub political_theory: Option<pb::PoliticalTheory>,
    /// Nghề nghiệp.
    #[arg(long)]
    pub occupation: Option<String>,
    /// Là đoàn viên (true / false).
    #[arg(long)]
    pub youth_union: Option<bool>,
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
    /// Etag đã đọc; mặc định đọc lại đảng viên và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

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
    /// Ngày lễ kết nạp, nếu đã tổ chức.
    #[arg(long, value_parser = parse_date)]
    pub ceremony_date: Option<String>,
    /// Ngày công nhận chính thức, nếu đã có (nạp dữ liệu lịch sử).
    #[arg(long, value_parser = parse_date)]
    pub official_date: Option<String>,
    /// Biểu quyết của chi bộ.
    #[command(flatten)]
    pub vote: VoteArgs,
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

/// `partyctl watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Chỉ các thay đổi có số thứ tự lớn hơn số này.
    #[arg(long, default_value_t = 0)]
    pub after: i64,
    /// Dừng sau chừng này thay đổi.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Dừng khi đã đọc hết lịch sử (lần báo nhịp đầu tiên) thay vì theo dõi tiếp.
    #[arg(long)]
    pub until_caught_up: bool,
}

/// `partyctl report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Báo cáo đảng viên của một xã tại một ngày.
    Commune {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày báo cáo; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
    },
    /// Số đảng viên được kết nạp theo năm và tháng.
    Admissions {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Năm đầu; mặc định năm nay.
        #[arg(long)]
        from: Option<i32>,
        /// Năm cuối; mặc định bằng năm đầu.
        #[arg(long)]
        to: Option<i32>,
    },
    /// Tiến độ kết nạp trong năm so với chỉ tiêu, nguồn đủ điều kiện và dự báo.
    Progress {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Năm; mặc định năm của --as-of.
        #[arg(long)]
        year: Option<i32>,
        /// Ngày đánh giá; mặc định hôm nay (không quá ngày cuối năm).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
    },
    /// Nguồn phát triển đảng viên theo bước và theo vướng mắc, từng chi bộ.
    Pipeline {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày xét vướng mắc; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
    },
    /// Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên so với chỉ tiêu.
    Ratings {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
    },
    /// Chi bộ cần quan tâm: lâu không kết nạp, nhiều đảng viên biệt phái, già hóa.
    CellHealth {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày đánh giá; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
        /// Đánh dấu chi bộ không kết nạp ít nhất chừng này năm (mặc định 3).
        #[arg(long)]
        years_without_admission: Option<i32>,
        /// Đánh dấu chi bộ có đảng viên biệt phái trên tỷ lệ này (%, mặc định 50).
        #[arg(long)]
        seconded_percent: Option<i32>,
        /// Tuổi tính là cao tuổi (mặc định 60).
        #[arg(long)]
        ageing_age: Option<i32>,
    },
    /// Các thời hạn (quyết định kết nạp, lễ kết nạp, công nhận chính thức) tính theo ngày làm việc.
    Deadlines {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Ngày đánh giá; mặc định hôm nay.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<String>,
        /// Liệt kê cả các thời hạn đến hạn tới ngày này.
        #[arg(long, value_parser = parse_date)]
        until: Option<String>,
    },
    /// Bản tin tháng cho bí thư chi bộ: kế hoạch và thực hiện, nguồn và bước tiếp theo, thời hạn.
    Briefing {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long)]
        commune: String,
        /// Tháng họp, YYYY-MM; mặc định tháng này.
        #[arg(long, value_parser = parse_month)]
        month: Option<String>,
    },
}

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
    /// Họ và tên đầy đủ.
    #[arg(long)]
    pub full_name: Option<String>,
    /// Họ.
    #[arg(long)]
    pub family_name: Option<String>,
    /// Tên đệm.
    #[arg(long)]
    pub middle_name: Option<String>,
    /// Tên.
    #[arg(long)]
    pub given_name: Option<String>,
    /// Giới tính: nam / nữ.
    #[arg(long, value_parser = parse_gender)]
    pub gender: Option<pb::Gender>,
    /// Ngày sinh.
    #[arg(long, value_parser = parse_date)]
    pub birth_date: Option<String>,
    /// Mã dân tộc 2 chữ số (01 Kinh, 02 Tày, 08 Mông, 09 Dao, …).
    #[arg(long)]
    pub ethnicity: Option<String>,
    /// Trình độ giáo dục phổ thông: primary, lower-secondary, upper-secondary.
    #[arg(long, value_parser = parse_education)]
    pub education: Option<pb::GeneralEducation>,
    /// Nghề nghiệp.
    #[arg(long)]
    pub occupation: Option<String>,
    /// Số căn cước công dân (12 chữ số).
    #[arg(long)]
    pub citizen_id: Option<String>,
    /// Là đoàn viên (true / false).
    #[arg(long)]
    pub youth_union: Option<bool>,
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
    /// Đang đi làm ăn, sinh sống xa địa phương.
    #[arg(long)]
    pub lives_away: Option<bool>,
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
    /// Ngày lễ kết nạp, nếu đã tổ chức.
    #[arg(long, value_parser = parse_date)]
    pub ceremony_date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl rules …`.
#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Liệt kê các phiên bản quy định, cũ nhất trước.
    List,
    /// Thêm phiên bản có hiệu lực từ một ngày; các số không nêu lấy theo phiên bản mới nhất.
    Create(RuleCreateArgs),
    /// Sửa các con số của một phiên bản.
    Update(RuleUpdateArgs),
}

/// The numbers of a regulation version, every one optional on the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleNumbers {
    /// Tuổi tối thiểu, tính bằng tháng (216 = 18 tuổi).
    #[arg(long)]
    pub min_age_months: Option<i32>,
    /// Tuổi tối đa, tính bằng tháng (720 = 60 tuổi).
    #[arg(long)]
    pub max_age_months: Option<i32>,
    /// Trình độ học vấn tối thiểu.
    #[arg(long, value_parser = parse_education)]
    pub min_education: Option<pb::GeneralEducation>,
    /// Trình độ tối thiểu ở vùng đặc biệt khó khăn, miền núi, dân tộc thiểu số.
    #[arg(long, value_parser = parse_education)]
    pub min_education_flagged_area: Option<pb::GeneralEducation>,
    /// Số tháng giấy chứng nhận lớp nhận thức về Đảng còn giá trị.
    #[arg(long)]
    pub certificate_valid_months: Option<i32>,
    /// Số người giới thiệu.
    #[arg(long)]
    pub introducers_required: Option<i32>,
    /// Số tháng tối thiểu người giới thiệu công tác cùng.
    #[arg(long)]
    pub introducer_min_months: Option<i32>,
    /// Tử số của tỷ lệ biểu quyết (2 trong 2/3).
    #[arg(long)]
    pub vote_numerator: Option<i32>,
    /// Mẫu số của tỷ lệ biểu quyết (3 trong 2/3).
    #[arg(long)]
    pub vote_denominator: Option<i32>,
    /// Số tháng hồ sơ còn giá trị.
    #[arg(long)]
    pub papers_valid_months: Option<i32>,
    /// Số tháng dự bị.
    #[arg(long)]
    pub probation_months: Option<i32>,
    /// Số ngày làm việc để ra quyết định kết nạp.
    #[arg(long)]
    pub decision_working_days: Option<i32>,
    /// Số ngày làm việc được gia hạn (một lần).
    #[arg(long)]
    pub decision_extension_working_days: Option<i32>,
    /// Số ngày làm việc để tổ chức lễ kết nạp.
    #[arg(long)]
    pub ceremony_working_days: Option<i32>,
    /// Số ngày làm việc để công nhận chính thức sau khi hết dự bị.
    #[arg(long)]
    pub recognition_working_days: Option<i32>,
    /// Số tháng tối thiểu của sinh hoạt tạm thời.
    #[arg(long)]
    pub min_temporary_transfer_months: Option<i32>,
    /// Sinh hoạt tạm thời dưới số tháng này (trừ đi học).
    #[arg(long)]
    pub max_temporary_transfer_months: Option<i32>,
    /// Số tháng tối đa sinh hoạt tạm thời để đi học.
    #[arg(long)]
    pub max_study_transfer_months: Option<i32>,
}

/// `partyctl rules create`.
#[derive(Debug, Args)]
pub struct RuleCreateArgs {
    /// Số hiệu quy định, ví dụ 294-QĐ/TW.
    #[arg(long)]
    pub code: String,
    /// Ngày bắt đầu có hiệu lực.
    #[arg(long, value_parser = parse_date)]
    pub in_force_from: String,
    /// Các con số khác với phiên bản mới nhất.
    #[command(flatten)]
    pub numbers: RuleNumbers,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl rules update`.
#[derive(Debug, Args)]
pub struct RuleUpdateArgs {
    /// Ngày hiệu lực của phiên bản (2025-07-01) hoặc ruleVersions/2025-07-01.
    pub version: String,
    /// Số hiệu mới.
    #[arg(long)]
    pub code: Option<String>,
    /// Các con số cần sửa.
    #[command(flatten)]
    pub numbers: RuleNumbers,
    /// Etag đã đọc; mặc định đọc lại và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// `partyctl holidays …`.
#[derive(Debug, Subcommand)]
pub enum HolidayCommand {
    /// Các ngày nghỉ lễ của một năm.
    List {
        /// Năm; mặc định năm nay.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Thêm hoặc đổi tên ngày nghỉ lễ.
    Set {
        /// Ngày (YYYY-MM-DD).
        #[arg(value_parser = parse_date)]
        date: String,
        /// Tên ngày lễ, ví dụ "Quốc khánh".
        #[arg(long = "name")]
        display_name: String,
    },
    /// Bỏ một ngày nghỉ lễ.
    Delete {
        /// Ngày (YYYY-MM-DD).
        #[arg(value_parser = parse_date)]
        date: String,
    },
}

/// `partyctl targets …`.
#[derive(Debug, Subcommand)]
pub enum TargetCommand {
    /// Chỉ tiêu các nhiệm kỳ của một xã.
    List {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
    },
    /// Đặt (hoặc thay) chỉ tiêu một nhiệm kỳ.
    Set(TargetSetArgs),
}

/// `partyctl targets set`.
#[derive(Debug, Args)]
pub struct TargetSetArgs {
    /// Mã xã (02680) hoặc communes/02680.
    #[arg(long, alias = "parent")]
    pub commune: String,
    /// Năm đầu nhiệm kỳ, ví dụ 2020.
    #[arg(long)]
    pub first_year: i32,
    /// Năm cuối nhiệm kỳ, ví dụ 2025.
    #[arg(long)]
    pub last_year: i32,
    /// Số đảng viên kết nạp mỗi năm.
    #[arg(long)]
    pub admissions_per_year: i32,
    /// Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên (%).
    #[arg(long)]
    pub good_cells_percent: i32,
}

/// `partyctl plans …`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Kế hoạch một năm của các chi bộ trong xã.
    List {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
        /// Năm; mặc định năm nay.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Đặt (hoặc thay) kế hoạch năm của một chi bộ.
    Set(PlanSetArgs),
}

/// `partyctl plans set`.
#[derive(Debug, Args)]
pub struct PlanSetArgs {
    /// Chi bộ (communes/02680/cells/tuong-1, hoặc tuong-1 với --commune).
    pub cell: String,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Năm.
    #[arg(long)]
    pub year: i32,
    /// Số nguồn cần phát triển trong năm.
    #[arg(long, default_value_t = 0)]
    pub sources: i32,
    /// Số đảng viên dự kiến kết nạp trong năm.
    #[arg(long, default_value_t = 0)]
    pub admissions: i32,
    /// Ghi chú (tối đa 500 ký tự).
    #[arg(long)]
    pub notes: Option<String>,
}

/// `partyctl ratings …`.
#[derive(Debug, Subcommand)]
pub enum RatingCommand {
    /// Xếp loại các chi bộ của một xã trong một năm.
    Cells {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
    },
    /// Ghi (hoặc sửa) xếp loại một chi bộ.
    Cell {
        /// Chi bộ (communes/02680/cells/tuong-1, hoặc tuong-1 với --commune).
        cell: String,
        /// Mã xã khi chỉ ghi mã chi bộ.
        #[arg(long)]
        commune: Option<String>,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
        /// Mức: excellent, good, completed, not-completed.
        #[arg(long, value_parser = parse_rating_level)]
        level: pb::RatingLevel,
    },
    /// Ghi (hoặc sửa) xếp loại một đảng viên (đảng viên được miễn sinh hoạt không xếp loại).
    Member {
        /// Mã đảng viên (17) hoặc members/17.
        member: String,
        /// Năm được đánh giá.
        #[arg(long)]
        year: i32,
        /// Mức: excellent, good, completed, not-completed.
        #[arg(long, value_parser = parse_rating_level)]
        level: pb::RatingLevel,
    },
}

/// Which services `partyctl health` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HealthTarget {
    /// Dịch vụ đảng viên.
    Membership,
    /// Dịch vụ báo cáo.
    Reporting,
    /// Cả hai.
    Both,
}

/// `partyctl health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Dịch vụ cần kiểm tra.
    #[arg(long, value_enum, default_value_t = HealthTarget::Both)]
    pub service: HealthTarget,
    /// Thời gian chờ tối đa cho mỗi dịch vụ, tính bằng giây.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

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
