//! The columns of the import template as one table of data: each field's canonical Vietnamese
//! heading, the other headings real rosters use for it (import-layouts §1.3), whether it is
//! required, its value format and an example. The reader, the template writer, the generator and
//! `docs/import-template.md` all follow this table.

/// A field of a roster row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The source's own key of the row (ID, Mã hồ sơ).
    SourceId,
    /// Two-digit province code.
    ProvinceCode,
    /// Five-digit commune code.
    CommuneCode,
    /// The commune's name.
    CommuneName,
    /// The cell the member belongs to.
    CellName,
    /// What the cell is attached to.
    CellKind,
    /// Full name.
    FullName,
    /// Nam / Nữ.
    Gender,
    /// Birth date.
    BirthDate,
    /// Ethnic group.
    Ethnicity,
    /// Religion.
    Religion,
    /// Citizen identity number (CCCD).
    CitizenId,
    /// Party card number.
    CardNumber,
    /// Home town.
    HomeTown,
    /// Current address.
    Address,
    /// Phone number.
    Phone,
    /// General education.
    Education,
    /// Professional qualification.
    Qualification,
    /// Political theory.
    Theory,
    /// Occupation.
    Occupation,
    /// Date of the admission decision.
    DecisionDate,
    /// Number of the admission decision.
    DecisionNumber,
    /// The day the cell received the admission decision.
    DecisionReceivedDate,
    /// Date of the admission ceremony (Ngày vào Đảng).
    CeremonyDate,
    /// Date of recognition as official member.
    OfficialDate,
    /// Status on the roll, or how the member left it.
    Status,
    /// The day the member left the roll, died or was exempted.
    StatusDate,
    /// Party badges handed over.
    Badges,
    /// Periods that do not count towards party age.
    Gaps,
}

/// Whether a column must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Always.
    Required,
    /// In the cases the column's format says.
    Conditional,
    /// Never.
    Optional,
}

impl Requirement {
    /// The Vietnamese word of the template.
    pub fn label(self) -> &'static str {
        match self {
            Self::Required => "Bắt buộc",
            Self::Conditional => "Tùy trường hợp",
            Self::Optional => "Không bắt buộc",
        }
    }
}

/// One column of the template.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field.
    pub field: Field,
    /// The name a mapping file may use for the field.
    pub key: &'static str,
    /// The heading the template writes.
    pub heading: &'static str,
    /// Other headings that name the field.
    pub aliases: &'static [&'static str],
    /// Whether it must be filled.
    pub requirement: Requirement,
    /// The value format, in Vietnamese.
    pub format: &'static str,
    /// The example row's value (a synthetic person).
    pub example: &'static str,
}

/// The template's columns, in order.
pub const COLUMNS: [Column; 29] = [
    Column {
        field: Field::SourceId,
        key: "source_id",
        heading: "ID",
        aliases: &[
            "ID (UUID)",
            "Mã hồ sơ",
            "Mã số",
            "MSCB/MSSV",
            "Mã đảng viên",
        ],
        requirement: Requirement::Optional,
        format: "văn bản; khóa của dòng trong tệp (khi trống: số dòng)",
        example: "DV-000123",
    },
    Column {
        field: Field::ProvinceCode,
        key: "province_code",
        heading: "Mã tỉnh",
        aliases: &[
            "Mã tỉnh/thành phố",
            "Mã tỉnh, thành phố",
            "Mã đơn vị cấp tỉnh",
        ],
        requirement: Requirement::Conditional,
        format: "2 chữ số theo danh mục của Tổng cục Thống kê; bắt buộc khi xã chưa có trong hệ thống",
        example: "15",
    },
    Column {
        field: Field::CommuneCode,
        key: "commune_code",
        heading: "Mã xã",
        aliases: &[
            "Mã xã/phường",
            "Mã xã, phường",
            "Mã đơn vị hành chính",
            "Mã đơn vị cấp xã",
        ],
        requirement: Requirement::Required,
        format: "5 chữ số theo danh mục của Tổng cục Thống kê",
        example: "02680",
    },
    Column {
        field: Field::CommuneName,
        key: "commune_name",
        heading: "Tên xã",
        aliases: &[
            "Xã/phường",
            "Xã, phường",
            "Đảng bộ xã",
            "Đảng bộ cơ sở",
            "Tên đơn vị hành chính",
        ],
        requirement: Requirement::Conditional,
        format: "văn bản; bắt buộc khi xã chưa có trong hệ thống",
        example: "Xã Hợp Thành",
    },
    Column {
        field: Field::CellName,
        key: "cell_name",
        heading: "Chi bộ",
        aliases: &[
            "Tổ chức Đảng đang sinh hoạt",
            "Tổ chức Đảng sinh hoạt",
            "Chi bộ đang sinh hoạt",
            "Chi bộ cơ sở",
            "Tên chi bộ",
            "Đơn vị",
        ],
        requirement: Requirement::Required,
        format: "văn bản; tên chi bộ, duy nhất trong xã",
        example: "Chi bộ thôn Tượng 1",
    },
    Column {
        field: Field::CellKind,
        key: "cell_kind",
        heading: "Loại chi bộ",
        aliases: &["Loại hình chi bộ"],
        requirement: Requirement::Optional,
        format: "Khu dân cư, Nhà trường, Công an, Quân sự, Cơ quan, Doanh nghiệp hoặc Khác; khi trống: suy ra từ tên chi bộ",
        example: "Khu dân cư",
    },
    Column {
        field: Field::FullName,
        key: "full_name",
        heading: "Họ và tên",
        aliases: &[
            "Họ tên",
            "Họ và tên khai sinh",
            "Họ tên khai sinh",
            "Tên khai sinh",
            "Họ tên đang dùng",
            "Họ và tên đang dùng",
        ],
        requirement: Requirement::Required,
        format: "văn bản, có dấu; chữ hoa hay thường đều được",
        example: "Nguyễn Thị Mẫu",
    },
    Column {
        field: Field::Gender,
        key: "gender",
        heading: "Giới tính",
        aliases: &["Nam/Nữ", "Nam, nữ", "GT", "Phái"],
        requirement: Requirement::Required,
        format: "Nam hoặc Nữ (cũng nhận: nam, nu, 1 = Nam, 0 = Nữ)",
        example: "Nữ",
    },
    Column {
        field: Field::BirthDate,
        key: "birth_date",
        heading: "Sinh ngày",
        aliases: &[
            "Ngày sinh",
            "Ngày tháng năm sinh",
            "Ngày, tháng, năm sinh",
            "Năm sinh",
        ],
        requirement: Requirement::Required,
        format: "ngày: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, yyyy-mm-dd hoặc ô ngày của Excel",
        example: "15/03/1985",
    },
    Column {
        field: Field::Ethnicity,
        key: "ethnicity",
        heading: "Dân tộc",
        aliases: &["Dân tộc (tên)"],
        requirement: Requirement::Required,
        format: "tên dân tộc (Kinh, Tày, Mông, H'Mông, Mèo…) hoặc mã 2 chữ số của danh mục 54 dân tộc",
        example: "Kinh",
    },
    Column {
        field: Field::Religion,
        key: "religion",
        heading: "Tôn giáo",
        aliases: &["Tôn giáo (tên)"],
        requirement: Requirement::Optional,
        format: "tên tôn giáo; trống hoặc Không = không theo tôn giáo",
        example: "Không",
    },
    Column {
        field: Field::CitizenId,
        key: "citizen_id",
        heading: "Số định danh cá nhân",
        aliases: &[
            "Số CCCD",
            "CCCD",
            "Căn cước công dân",
            "Số căn cước",
            "Số căn cước công dân",
            "CMND/CCCD",
            "Số CMND/CCCD",
        ],
        requirement: Requirement::Conditional,
        format: "12 chữ số (ô số mất số 0 đầu được bù lại); bắt buộc với tệp theo mẫu 2025",
        example: "015185000123",
    },
    Column {
        field: Field::CardNumber,
        key: "card_number",
        heading: "Số thẻ đảng viên",
        aliases: &[
            "Số thẻ Đảng",
            "Số thẻ đảng",
            "Số TĐV",
            "Mã thẻ đảng",
            "Số thẻ Đảng viên",
        ],
        requirement: Requirement::Optional,
        format: "12 chữ số (thẻ mới) hoặc 8 chữ số (thẻ cũ); trống với đảng viên dự bị",
        example: "015185000123",
    },
    Column {
        field: Field::HomeTown,
        key: "home_town",
        heading: "Quê quán",
        aliases: &["Quê quán (theo mô hình 2 cấp)", "Nguyên quán"],
        requirement: Requirement::Optional,
        format: "văn bản, đến 200 ký tự",
        example: "Xã Hợp Thành, tỉnh Lào Cai",
    },
    Column {
        field: Field::Address,
        key: "address",
        heading: "Nơi ở hiện nay",
        aliases: &[
            "Địa chỉ",
            "Nơi thường trú",
            "Thường trú",
            "Hộ khẩu thường trú",
            "Nơi tạm trú",
            "Tạm trú",
            "Nơi thực tế cư trú",
            "Địa chỉ ở hiện tại",
        ],
        requirement: Requirement::Optional,
        format: "văn bản, đến 200 ký tự",
        example: "Thôn Tượng 1, xã Hợp Thành, tỉnh Lào Cai",
    },
    Column {
        field: Field::Phone,
        key: "phone",
        heading: "Số điện thoại",
        aliases: &["Điện thoại", "SĐT", "Di động"],
        requirement: Requirement::Optional,
        format: "chữ số, dấu cách và +, đến 20 ký tự; giữ số 0 đầu",
        example: "",
    },
    Column {
        field: Field::Education,
        key: "education",
        heading: "Giáo dục phổ thông",
        aliases: &["Văn hóa", "Trình độ văn hóa", "Trình độ học vấn", "Học vấn"],
        requirement: Requirement::Required,
        format: "Tiểu học, Trung học cơ sở, Trung học phổ thông, hoặc 5/12, 9/12, 12/12, 10/10, THCS, THPT",
        example: "12/12",
    },
    Column {
        field: Field::Qualification,
        key: "qualification",
        heading: "Chuyên môn nghiệp vụ",
        aliases: &[
            "CMNV",
            "Trình độ chuyên môn",
            "Chuyên môn",
            "Trình độ chuyên môn nghiệp vụ",
            "Học vị",
        ],
        requirement: Requirement::Optional,
        format: "Chưa qua đào tạo, Sơ cấp, Trung cấp, Cao đẳng, Đại học, Thạc sĩ, Tiến sĩ, hoặc viết tắt TC, CĐ, ĐH, ThS, TS; \"Cử nhân luật\" được hiểu là Đại học",
        example: "Đại học",
    },
    Column {
        field: Field::Theory,
        key: "theory",
        heading: "Lý luận chính trị",
        aliases: &[
            "Lý luận",
            "Trình độ chính trị",
            "Trình độ lý luận chính trị",
            "LLCT",
        ],
        requirement: Requirement::Optional,
        format: "Sơ cấp, Trung cấp, Cao cấp, Cử nhân, hoặc viết tắt SC, TC, CC",
        example: "Sơ cấp",
    },
    Column {
        field: Field::Occupation,
        key: "occupation",
        heading: "Nghề nghiệp hiện nay",
        aliases: &["Nghề nghiệp", "Công việc hiện nay"],
        requirement: Requirement::Optional,
        format: "văn bản, đến 100 ký tự",
        example: "Giáo viên",
    },
    Column {
        field: Field::DecisionDate,
        key: "decision_date",
        heading: "Ngày quyết định kết nạp",
        aliases: &[
            "Ngày cấp có thẩm quyền ra quyết định kết nạp",
            "Ngày cấp thẩm quyền vào đảng",
            "Ngày ra quyết định kết nạp",
        ],
        requirement: Requirement::Optional,
        format: "ngày; khi trống: lấy ngày vào Đảng",
        example: "02/09/2010",
    },
    Column {
        field: Field::DecisionNumber,
        key: "decision_number",
        heading: "Số quyết định kết nạp",
        aliases: &["Số QĐ kết nạp", "Quyết định kết nạp số"],
        requirement: Requirement::Optional,
        format: "văn bản, đến 50 ký tự, ví dụ 125-QĐ/ĐU",
        example: "125-QĐ/ĐU",
    },
    Column {
        field: Field::DecisionReceivedDate,
        key: "decision_received_date",
        heading: "Ngày nhận quyết định kết nạp",
        aliases: &[
            "Ngày chi bộ nhận quyết định kết nạp",
            "Ngay nhan QD ket nap",
        ],
        requirement: Requirement::Optional,
        format: "ngày chi bộ nhận quyết định; không trước ngày quyết định, không sau ngày vào Đảng",
        example: "10/09/2010",
    },
    Column {
        field: Field::CeremonyDate,
        key: "ceremony_date",
        heading: "Ngày vào Đảng",
        aliases: &[
            "Ngày kết nạp",
            "Ngày vào Đảng dự bị",
            "Ngày kết nạp Đảng",
            "Ngày vào Đảng lần đầu",
        ],
        requirement: Requirement::Required,
        format: "ngày lễ kết nạp; không trước ngày quyết định, đủ 18 tuổi (tính theo tháng)",
        example: "20/09/2010",
    },
    Column {
        field: Field::OfficialDate,
        key: "official_date",
        heading: "Ngày chính thức",
        aliases: &[
            "Ngày vào Đảng chính thức",
            "Ngày chuyển chính thức",
            "Ngày công nhận chính thức",
            "Ngày công nhận đảng viên chính thức",
        ],
        requirement: Requirement::Conditional,
        format: "ngày; sau ngày vào Đảng ít nhất 12 tháng; trống khi còn dự bị",
        example: "20/09/2011",
    },
    Column {
        field: Field::Status,
        key: "status",
        heading: "Trạng thái",
        aliases: &["Trạng thái hoạt động", "Tình trạng quản lý", "Tình trạng"],
        requirement: Requirement::Optional,
        format: "Đang sinh hoạt Đảng (khi trống), Miễn sinh hoạt, Từ trần, Xóa tên, Xin ra khỏi Đảng, Khai trừ",
        example: "Đang sinh hoạt Đảng",
    },
    Column {
        field: Field::StatusDate,
        key: "status_date",
        heading: "Ngày rời khỏi/ Ngày mất/ Ngày miễn sinh hoạt Đảng",
        aliases: &[
            "Ngày rời/mất/miễn SH",
            "Ngày rời khỏi",
            "Ngày ra khỏi Đảng",
            "Ngày từ trần",
            "Ngày miễn sinh hoạt",
        ],
        requirement: Requirement::Conditional,
        format: "ngày; bắt buộc khi trạng thái không phải Đang sinh hoạt Đảng",
        example: "",
    },
    Column {
        field: Field::Badges,
        key: "badges",
        heading: "Huy hiệu Đảng",
        aliases: &["Đã nhận Huy hiệu Đảng", "Huy hiệu"],
        requirement: Requirement::Optional,
        format: "các huy hiệu đã trao, cách nhau bởi dấu chấm phẩy: số năm - ngày trao, ví dụ 30 - 03/02/2020; 40 - 07/11/2030",
        example: "",
    },
    Column {
        field: Field::Gaps,
        key: "gaps",
        heading: "Thời gian không tính tuổi đảng",
        aliases: &["Thời gian gián đoạn", "Gián đoạn sinh hoạt"],
        requirement: Requirement::Optional,
        format: "các khoảng, cách nhau bởi dấu chấm phẩy: từ ngày - đến ngày: lý do, ví dụ 01/02/1990 - 31/03/1992: Mất liên lạc",
        example: "",
    },
];

/// Headings of helper columns that rosters and this tool's own reports carry; read and ignored.
pub const IGNORED_HEADINGS: [&str; 10] = [
    "STT",
    "Tệp",
    "Số TT",
    "TT",
    "Ghi chú",
    "Kết quả kiểm tra",
    "Chi tiết lỗi",
    "Dòng gốc",
    "Tên gọi khác",
    "Đề nghị xóa",
];

/// The column of `field`.
pub fn column(field: Field) -> &'static Column {
    // COLUMNS holds every field once (a unit test checks it), so the search always succeeds;
    // the first column is an unreachable fallback that keeps this function total.
    COLUMNS
        .iter()
        .find(|column| column.field == field)
        .unwrap_or(&COLUMNS[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heading::normalize_heading;
    use std::collections::HashMap;

    #[test]
    fn every_field_has_one_column_and_no_heading_names_two_fields() {
        let mut seen: HashMap<String, Field> = HashMap::new();
        for (index, entry) in COLUMNS.iter().enumerate() {
            assert_eq!(column(entry.field).key, entry.key);
            assert!(COLUMNS[index + 1..].iter().all(|c| c.field != entry.field));
            for heading in std::iter::once(&entry.heading).chain(entry.aliases) {
                let key = normalize_heading(heading);
                if let Some(other) = seen.insert(key.clone(), entry.field) {
                    assert_eq!(other, entry.field, "{heading} ({key}) names two fields");
                }
            }
        }
        for heading in IGNORED_HEADINGS {
            assert!(!seen.contains_key(&normalize_heading(heading)), "{heading}");
        }
    }

    #[test]
    fn the_example_row_fills_every_required_column() {
        for column in COLUMNS {
            if column.requirement == Requirement::Required {
                assert!(!column.example.is_empty(), "{}", column.heading);
            }
        }
    }
}
