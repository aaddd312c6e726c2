//! Errors for people (AIP-193): every status carries, beside the English developer message and
//! the `ErrorInfo` reason, a `google.rpc.LocalizedMessage` in Vietnamese (`vi-VN`) that names the
//! field as an office clerk knows it ("ngày sinh", not `member.birth_date`).
//!
//! The labels are data: one table from a request field's last segment to its Vietnamese name. A
//! field missing from it is named by its path, which is still precise.

/// The locale of the localized messages.
pub const LOCALE: &str = "vi-VN";

/// A request field's last path segment → its Vietnamese name.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("name", "tên tài nguyên"),
    ("parent", "đơn vị cha"),
    ("commune", "xã"),
    ("commune_code", "mã xã"),
    ("code", "mã"),
    ("province", "tỉnh"),
    ("province_code", "mã tỉnh"),
    ("cell", "chi bộ"),
    ("cell_id", "mã chi bộ"),
    ("to_cell", "chi bộ chuyển đến"),
    ("display_name", "tên"),
    ("kind", "loại"),
    ("scope", "phạm vi"),
    ("member", "đảng viên"),
    ("candidate", "quần chúng (nguồn kết nạp)"),
    ("full_name", "họ và tên"),
    ("family_name", "họ"),
    ("middle_name", "tên đệm"),
    ("given_name", "tên"),
    ("gender", "giới tính"),
    ("birth_date", "ngày sinh"),
    ("ethnicity_code", "dân tộc"),
    ("religion", "tôn giáo"),
    ("home_town", "quê quán"),
    ("citizen_id", "số định danh cá nhân"),
    ("phone", "số điện thoại"),
    ("address", "nơi ở hiện nay"),
    ("general_education", "trình độ giáo dục phổ thông"),
    ("qualification", "trình độ chuyên môn"),
    ("political_theory", "trình độ lý luận chính trị"),
    ("occupation", "nghề nghiệp"),
    ("youth_union", "đoàn viên"),
    ("card_number", "số thẻ đảng viên"),
    ("assignment", "đảng viên tại chỗ hay biệt phái"),
    ("admission", "thông tin kết nạp"),
    ("decision_date", "ngày quyết định kết nạp"),
    ("decision_number", "số quyết định"),
    ("deciding_body", "cấp ra quyết định"),
    (
        "decision_received_date",
        "ngày chi bộ nhận quyết định kết nạp",
    ),
    ("ceremony_date", "ngày lễ kết nạp"),
    ("official_date", "ngày công nhận chính thức"),
    ("effective_date", "ngày có hiệu lực"),
    ("joined_date", "ngày chuyển đến"),
    ("from_organization", "tổ chức đảng chuyển đi"),
    ("to_organization", "tổ chức đảng chuyển đến"),
    ("reason", "lý do"),
    ("form", "hình thức kỷ luật"),
    ("discipline_date", "ngày quyết định kỷ luật"),
    ("as_of_date", "ngày tính"),
    ("on_date", "ngày xét"),
    ("from_date", "từ ngày"),
    ("to_date", "đến ngày"),
    ("valid_from", "ngày bắt đầu hiệu lực"),
    ("valid_to", "ngày hết hiệu lực"),
    ("open_date", "ngày thành lập"),
    ("close_date", "ngày giải thể"),
    ("year", "năm"),
    ("first_year", "năm đầu"),
    ("last_year", "năm cuối"),
    ("month", "tháng"),
    ("stage", "bước"),
    ("stage_date", "ngày đạt bước"),
    ("cell_vote", "biểu quyết của chi bộ"),
    ("committee_vote", "biểu quyết của đảng ủy"),
    ("eligible", "số người có quyền biểu quyết"),
    ("present", "số người có mặt"),
    ("yes", "số phiếu tán thành"),
    ("no", "số phiếu không tán thành"),
    ("target", "chỉ tiêu"),
    ("admissions_per_year", "số kết nạp mỗi năm"),
    ("good_cells_percent", "tỷ lệ chi bộ tốt"),
    ("plan", "kế hoạch"),
    ("sources_to_develop", "số nguồn cần phát triển"),
    ("admissions", "số kết nạp"),
    ("rating", "xếp loại"),
    ("level", "mức xếp loại"),
    ("notes", "ghi chú"),
    ("rule_version", "phiên bản quy định"),
    ("holiday", "ngày nghỉ"),
    ("filter", "bộ lọc"),
    ("page_size", "số dòng mỗi trang"),
    ("page_token", "mã trang"),
    ("update_mask", "danh sách trường cập nhật"),
    ("etag", "phiên bản bản ghi (etag)"),
    ("request_id", "mã yêu cầu"),
    ("breakdowns", "các phân tổ"),
    ("age_band_upper_bounds", "các mốc nhóm tuổi"),
    ("party_age_band_upper_bounds", "các mốc tuổi đảng"),
    ("indicator", "chỉ tiêu xếp hạng"),
    ("round", "đợt trao huy hiệu"),
    ("party_age_gaps", "thời gian không tính tuổi đảng"),
    ("badges", "huy hiệu đã trao"),
    ("merge", "sáp nhập"),
    ("introducers", "người giới thiệu"),
    ("certificate", "giấy chứng nhận học lớp nhận thức"),
    ("papers_date", "ngày hoàn thành hồ sơ"),
    ("after_sequence", "số thứ tự thay đổi"),
    ("import_id", "mã lần nhập"),
    ("row_key", "khóa dòng"),
];

/// The Vietnamese name of a request field, from the last segment of its path (`members[3].birth_date`
/// → "ngày sinh"); the path itself when the table has no name for it.
pub fn field_label(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let bare = last.split('[').next().unwrap_or(last);
    FIELD_LABELS
        .iter()
        .find(|(name, _)| *name == bare)
        .map_or_else(|| field.to_owned(), |(_, label)| (*label).to_owned())
}

/// The Vietnamese name of a resource type (`partyregistry.membership.v1.Commune` → "xã").
pub fn resource_label(resource_type: &str) -> &'static str {
    match resource_type.rsplit('.').next().unwrap_or(resource_type) {
        "Commune" => "xã",
        "Cell" => "chi bộ",
        "Member" => "đảng viên",
        "Candidate" => "quần chúng (nguồn kết nạp)",
        "Province" => "tỉnh",
        "RuleVersion" => "phiên bản quy định",
        "Holiday" => "ngày nghỉ",
        "Target" => "chỉ tiêu",
        "CellPlan" => "kế hoạch chi bộ",
        "UnitMerge" => "sáp nhập",
        _ => "bản ghi",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_as_a_clerk_knows_them() {
        assert_eq!(field_label("member.birth_date"), "ngày sinh");
        assert_eq!(
            field_label("members[3].member.citizen_id"),
            "số định danh cá nhân"
        );
        assert_eq!(field_label("introducers[0]"), "người giới thiệu");
        assert_eq!(field_label("member.unheard_of"), "member.unheard_of");
    }
}
