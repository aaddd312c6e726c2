//! The command line of `partyctl` (clap derive). The help texts are what a person reads, so they
//! are in Vietnamese; every RPC of both services has a command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use partyregistry_proto::membership::v1 as pb;

use partyregistry_proto::reporting::v1::{AwardRound, ExportFormat, RankingIndicator};

use crate::client::{
    parse_area_flag, parse_assignment, parse_award_round, parse_background_check, parse_badge,
    parse_breakdown, parse_candidate_source, parse_candidate_stage, parse_cell_kind, parse_date,
    parse_departure_kind, parse_education, parse_gender, parse_introducer, parse_month,
    parse_optional_date, parse_party_age_gap, parse_political_theory, parse_province,
    parse_qualification, parse_rating_level, parse_scope, parse_status, parse_tally,
    parse_transfer_kind, parse_unit_level,
};
use crate::dev::DevOptions;
use partyregistry_kit::auth::Right;

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
    /// TLS và mã truy cập.
    #[command(flatten)]
    pub security: SecurityArgs,
    /// Lệnh cần chạy.
    #[command(subcommand)]
    pub command: Command,
}

/// The global flags of transport security and identity. Files are read only by commands that
/// call a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct SecurityArgs {
    /// Tệp PEM chứng chỉ CA dùng để xác minh máy chủ (cần cho địa chỉ https://).
    #[arg(long, global = true, env = "PARTYCTL_CA", value_name = "PEM")]
    pub ca: Option<PathBuf>,
    /// Tệp PEM chứng chỉ máy khách (TLS hai chiều); đi kèm --key.
    #[arg(long, global = true, env = "PARTYCTL_CERT", value_name = "PEM")]
    pub cert: Option<PathBuf>,
    /// Tệp PEM khóa riêng của chứng chỉ máy khách.
    #[arg(long, global = true, env = "PARTYCTL_KEY", value_name = "PEM")]
    pub key: Option<PathBuf>,
    /// Mã truy cập (bearer token) gửi kèm mỗi lệnh gọi.
    #[arg(
        long,
        global = true,
        env = "PARTYCTL_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Tệp chứa mã truy cập (thay cho --token, để mã không hiện trong danh sách tiến trình).
    #[arg(long, global = true, env = "PARTYCTL_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
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

/// Who a person is: the fields a member and a candidate share.
#[derive(Debug, Clone, Default, Args)]
pub struct IdentityArgs {
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
}

/// The fields of a member or a candidate that [`IdentityArgs`] fills; both messages name them
/// alike, so [`identity_target!`](crate::identity_target) builds it from either.
#[derive(Debug)]
pub struct IdentityTarget<'a> {
    /// `full_name`.
    pub full_name: &'a mut String,
    /// `family_name`.
    pub family_name: &'a mut String,
    /// `middle_name`.
    pub middle_name: &'a mut String,
    /// `given_name`.
    pub given_name: &'a mut String,
    /// `birth_date`.
    pub birth_date: &'a mut String,
    /// `ethnicity_code`.
    pub ethnicity_code: &'a mut String,
    /// `occupation`.
    pub occupation: &'a mut String,
    /// `citizen_id`.
    pub citizen_id: &'a mut String,
    /// `gender`.
    pub gender: &'a mut i32,
    /// `general_education`.
    pub general_education: &'a mut i32,
    /// `youth_union`.
    pub youth_union: &'a mut bool,
}

/// The [`IdentityTarget`] of a `Member` or a `Candidate` value.
#[macro_export]
macro_rules! identity_target {
    ($message:expr) => {
        $crate::args::IdentityTarget {
            full_name: &mut $message.full_name,
            family_name: &mut $message.family_name,
            middle_name: &mut $message.middle_name,
            given_name: &mut $message.given_name,
            birth_date: &mut $message.birth_date,
            ethnicity_code: &mut $message.ethnicity_code,
            occupation: &mut $message.occupation,
            citizen_id: &mut $message.citizen_id,
            gender: &mut $message.gender,
            general_education: &mut $message.general_education,
            youth_union: &mut $message.youth_union,
        }
    };
}

impl IdentityArgs {
    /// Copies the fields given on the command line into `target` and returns their mask paths.
    pub fn apply(self, target: IdentityTarget<'_>) -> Vec<&'static str> {
        let mut paths = Vec::new();
        for (field, value, path) in [
            (target.full_name, self.full_name, "full_name"),
            (target.family_name, self.family_name, "family_name"),
            (target.middle_name, self.middle_name, "middle_name"),
            (target.given_name, self.given_name, "given_name"),
            (target.birth_date, self.birth_date, "birth_date"),
            (target.ethnicity_code, self.ethnicity, "ethnicity_code"),
            (target.occupation, self.occupation, "occupation"),
            (target.citizen_id, self.citizen_id, "citizen_id"),
        ] {
            if let Some(value) = value {
                *field = value;
                paths.push(path);
            }
        }
        if let Some(value) = self.gender {
            *target.gender = value as i32;
            paths.push("gender");
        }
        if let Some(value) = self.education {
            *target.general_education = value as i32;
            paths.push("general_education");
        }
        if let Some(value) = self.youth_union {
            *target.youth_union = value;
            paths.push("youth_union");
        }
        paths
    }
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
    /// Kết nạp lại (người đã ra khỏi Đảng ít nhất 36 tháng).
    #[arg(long)]
    pub readmission: bool,
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
    /// Thống kê đảng viên tại một ngày của xã, tỉnh hoặc cả nước, theo các tiêu chí.
    Statistics(StatisticsArgs),
    /// Biến động đảng viên trong một khoảng thời gian, có dòng đối chiếu đầu kỳ – cuối kỳ.
    Movements(MovementsArgs),
    /// Đảng viên đến hạn xét tặng Huy hiệu Đảng trong các đợt của một năm.
    Badges(BadgesArgs),
    /// Xếp hạng các xã của một tỉnh theo một chỉ tiêu.
    Ranking(RankingArgs),
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

/// `partyctl provinces …`.
#[derive(Debug, Subcommand)]
pub enum ProvinceCommand {
    /// Liệt kê các tỉnh, cả các tỉnh đã hết hiệu lực.
    List {
        /// Chỉ các tỉnh có hiệu lực vào ngày này.
        #[arg(long, value_parser = parse_date)]
        in_force_on: Option<String>,
    },
    /// Xem một tỉnh.
    Get {
        /// Mã tỉnh (15) hoặc provinces/15.
        #[arg(value_parser = parse_province)]
        province: String,
    },
    /// Tạo một tỉnh.
    Create(ProvinceCreateArgs),
    /// Sửa tên hoặc thời gian hiệu lực của một tỉnh.
    Update(ProvinceUpdateArgs),
}

/// `partyctl provinces create`.
#[derive(Debug, Args)]
pub struct ProvinceCreateArgs {
    /// Mã tỉnh 2 chữ số.
    #[arg(long)]
    pub code: String,
    /// Tên có dấu, ví dụ "Tỉnh Lào Cai".
    #[arg(long)]
    pub display_name: String,
    /// Ngày bắt đầu hiệu lực.
    #[arg(long, value_parser = parse_date)]
    pub valid_from: String,
    /// Ngày cuối cùng còn hiệu lực.
    #[arg(long, value_parser = parse_date)]
    pub valid_to: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl provinces update`.
#[derive(Debug, Args)]
pub struct ProvinceUpdateArgs {
    /// Mã tỉnh (15) hoặc provinces/15.
    #[arg(value_parser = parse_province)]
    pub province: String,
    /// Tên mới.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Ngày bắt đầu hiệu lực mới.
    #[arg(long, value_parser = parse_date)]
    pub valid_from: Option<String>,
    /// Ngày cuối cùng còn hiệu lực; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub valid_to: Option<String>,
    /// Etag đã đọc; mặc định đọc lại tỉnh và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// `partyctl merges …`.
#[derive(Debug, Subcommand)]
pub enum MergeCommand {
    /// Các lần sáp nhập đã ghi, theo ngày có hiệu lực.
    List {
        /// Chỉ cấp này: province hoặc commune.
        #[arg(long, value_parser = parse_unit_level)]
        level: Option<pb::UnitLevel>,
    },
    /// Ghi nhận một lần sáp nhập: các đơn vị cũ kết thúc ngày hôm trước, đơn vị mới có từ ngày đó.
    Create(MergeCreateArgs),
}

/// `partyctl merges create`.
#[derive(Debug, Args)]
pub struct MergeCreateArgs {
    /// Cấp: province hoặc commune.
    #[arg(long, value_parser = parse_unit_level)]
    pub level: pb::UnitLevel,
    /// Mã đơn vị được sáp nhập; lặp lại hoặc ngăn bằng dấu phẩy.
    #[arg(long = "from", required = true, value_delimiter = ',')]
    pub predecessors: Vec<String>,
    /// Mã đơn vị sau sáp nhập.
    #[arg(long = "into")]
    pub successor: String,
    /// Ngày có hiệu lực (ngày đầu tiên của đơn vị mới).
    #[arg(long, value_parser = parse_date)]
    pub effective_date: String,
    /// Căn cứ pháp lý, ví dụ "Nghị quyết 1673/NQ-UBTVQH15".
    #[arg(long)]
    pub legal_basis: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// Which reference list `partyctl reference` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReferenceKindArg {
    /// 54 dân tộc.
    Ethnicity,
    /// Tôn giáo.
    Religion,
    /// Trình độ giáo dục phổ thông.
    GeneralEducation,
    /// Trình độ chuyên môn.
    Qualification,
    /// Trình độ lý luận chính trị.
    PoliticalTheory,
}

impl ReferenceKindArg {
    /// The contract's value.
    pub fn kind(self) -> pb::ReferenceListKind {
        match self {
            Self::Ethnicity => pb::ReferenceListKind::Ethnicity,
            Self::Religion => pb::ReferenceListKind::Religion,
            Self::GeneralEducation => pb::ReferenceListKind::GeneralEducation,
            Self::Qualification => pb::ReferenceListKind::Qualification,
            Self::PoliticalTheory => pb::ReferenceListKind::PoliticalTheory,
        }
    }
}

/// `partyctl reference`.
#[derive(Debug, Args)]
pub struct ReferenceArgs {
    /// Danh mục.
    #[arg(value_enum)]
    pub kind: ReferenceKindArg,
}

/// `partyctl seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Nạp thêm một tỉnh tổng hợp (Lai Châu, mã 12: bốn xã, một cặp sáp nhập năm 2025).
    #[arg(long)]
    pub synthetic_province: bool,
    /// Hạt giống của tỉnh tổng hợp: cùng hạt giống, cùng dữ liệu.
    #[arg(long, default_value_t = crate::synthetic::DEFAULT_SEED, requires = "synthetic_province")]
    pub synthetic_seed: u64,
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

/// `partyctl tokens …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Ký một mã truy cập JWT (HS256) cho một phạm vi và in ra; máy chủ kiểm tra xã có thuộc tỉnh đã nêu.
    Issue(TokenIssueArgs),
}

/// `partyctl tokens issue`.
#[derive(Debug, Clone, Args)]
#[command(group(
    clap::ArgGroup::new("scope")
        .required(true)
        .multiple(true)
        .args(["national", "provinces", "communes"])
))]
pub struct TokenIssueArgs {
    /// Tệp khóa bí mật HS256 (byte thô, ít nhất 32 byte), ví dụ jwt.key do `certs init` tạo.
    #[arg(long, value_name = "FILE")]
    pub key_file: PathBuf,
    /// Bên phát hành; phải trùng --jwt-issuer của các dịch vụ.
    #[arg(long)]
    pub issuer: String,
    /// Chủ thể (hệ thống hoặc người dùng), ghi vào nhật ký truy cập.
    #[arg(long)]
    pub subject: String,
    /// Phạm vi toàn quốc.
    #[arg(long, conflicts_with_all = ["provinces", "communes"])]
    pub national: bool,
    /// Mã tỉnh 2 chữ số trong phạm vi (15 hoặc provinces/15); lặp lại hoặc cách nhau bằng dấu phẩy.
    #[arg(long = "province", value_delimiter = ',', value_parser = parse_province_code)]
    pub provinces: Vec<String>,
    /// Mã xã 5 chữ số trong phạm vi (02680 hoặc communes/02680); lặp lại hoặc cách nhau bằng dấu phẩy.
    #[arg(long = "commune", value_delimiter = ',', value_parser = parse_commune_code)]
    pub communes: Vec<String>,
    /// Quyền, cách nhau bằng dấu phẩy: aggregates (số liệu tổng hợp), records (hồ sơ), personal (trường cá nhân), write (ghi), admin (nhật ký truy cập).
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_right)]
    pub rights: Vec<Right>,
    /// Thời hạn: số kèm đơn vị s, m, h hoặc d, ví dụ 30m, 24h, 7d.
    #[arg(long, default_value = "24h", value_parser = parse_ttl)]
    pub ttl: std::time::Duration,
}

/// `partyctl certs …`.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Tạo CA, chứng chỉ máy chủ, chứng chỉ máy khách của một tỉnh và khóa JWT trong một thư mục mới (không ghi đè tệp có sẵn).
    Init(CertInitArgs),
}

/// `partyctl certs init`.
#[derive(Debug, Clone, Args)]
pub struct CertInitArgs {
    /// Thư mục ghi các tệp (tạo nếu chưa có).
    #[arg(long)]
    pub dir: PathBuf,
    /// Mã tỉnh 2 chữ số của hệ thống máy khách (15 hoặc provinces/15).
    #[arg(long, value_parser = parse_province_code)]
    pub province: String,
    /// Tên máy chủ ghi vào chứng chỉ máy chủ (ngoài localhost và 127.0.0.1); lặp lại được.
    #[arg(long = "server-name", value_parser = parse_server_name)]
    pub server_names: Vec<String>,
    /// Số ngày hiệu lực của các chứng chỉ (1–3650).
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
}

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

/// A right of a token: `aggregates`, `records`, `personal`, `write`, `admin`.
pub fn parse_right(value: &str) -> Result<Right, String> {
    match value.trim().to_lowercase().as_str() {
        "aggregates" => Ok(Right::Aggregates),
        "records" => Ok(Right::Records),
        "personal" => Ok(Right::Personal),
        "write" => Ok(Right::Write),
        "admin" => Ok(Right::Admin),
        _ => Err(format!(
            "quyền không hợp lệ: {value} (chọn trong: aggregates, records, personal, write, admin)"
        )),
    }
}

/// `15` or `provinces/15` → `15`: tokens and certificates carry the bare code.
pub fn parse_province_code(value: &str) -> Result<String, String> {
    parse_province(value).map(|name| name.trim_start_matches("provinces/").to_owned())
}

/// `02680` or `communes/02680` → `02680`.
pub fn parse_commune_code(value: &str) -> Result<String, String> {
    let code = value
        .trim()
        .strip_prefix("communes/")
        .unwrap_or(value.trim());
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(format!(
            "mã xã phải gồm 5 chữ số, ví dụ 02680 hoặc communes/02680 (nhận được: {value})"
        ))
    }
}

/// The longest token lifetime `tokens issue` signs: ten years, far beyond any sensible token, but
/// a bound that keeps the expiry arithmetic away from overflow.
const MAX_TTL_SECONDS: u64 = 3650 * 86_400;

/// A lifetime `30s`, `30m`, `24h` or `7d`.
pub fn parse_ttl(value: &str) -> Result<std::time::Duration, String> {
    let value = value.trim();
    let error = || {
        format!(
            "thời hạn phải là số dương kèm đơn vị s, m, h hoặc d, ví dụ 24h (nhận được: {value})"
        )
    };
    let unit_at = value.len().checked_sub(1).ok_or_else(error)?;
    let (number, unit) = value.split_at(unit_at);
    let multiplier = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(error()),
    };
    let number: u64 = number.parse().map_err(|_| error())?;
    let seconds = number.checked_mul(multiplier).ok_or_else(error)?;
    if seconds == 0 {
        return Err(error());
    }
    if seconds > MAX_TTL_SECONDS {
        return Err(format!("thời hạn tối đa 3650d (nhận được: {value})"));
    }
    Ok(std::time::Duration::from_secs(seconds))
}

/// A DNS name or an IP address for the server certificate.
pub fn parse_server_name(value: &str) -> Result<String, String> {
    let name = value.trim().to_lowercase();
    if name.parse::<std::net::IpAddr>().is_ok() {
        return Ok(name);
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !name.is_empty() && name.len() <= 253 && name.split('.').all(label_ok) {
        Ok(name)
    } else {
        Err(format!(
            "tên máy chủ phải là tên miền (chữ không dấu, chữ số, dấu gạch nối, dấu chấm) hoặc địa chỉ IP (nhận được: {value})"
        ))
    }
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
        for bad in ["", "h", "-1h", "1.5h", "1w", "99999999999999999999d"] {
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
