//! Reference lists shared by the services and the CLI: the 54 official ethnic groups with their
//! statistics-office codes, and Vietnamese labels of the contracts' enum values.

/// The 54 ethnic groups of Vietnam, in the order and with the codes of the national statistics
/// office's list.
pub const ETHNIC_GROUPS: [(&str, &str); 54] = [
    ("01", "Kinh"),
    ("02", "Tày"),
    ("03", "Thái"),
    ("04", "Hoa"),
    ("05", "Khơ-me"),
    ("06", "Mường"),
    ("07", "Nùng"),
    ("08", "Mông"),
    ("09", "Dao"),
    ("10", "Gia-rai"),
    ("11", "Ngái"),
    ("12", "Ê-đê"),
    ("13", "Ba-na"),
    ("14", "Xơ-đăng"),
    ("15", "Sán Chay"),
    ("16", "Cơ-ho"),
    ("17", "Chăm"),
    ("18", "Sán Dìu"),
    ("19", "Hrê"),
    ("20", "Mnông"),
    ("21", "Ra-glai"),
    ("22", "Xtiêng"),
    ("23", "Bru-Vân Kiều"),
    ("24", "Thổ"),
    ("25", "Giáy"),
    ("26", "Cơ-tu"),
    ("27", "Gié-Triêng"),
    ("28", "Mạ"),
    ("29", "Khơ-mú"),
    ("30", "Co"),
    ("31", "Tà-ôi"),
    ("32", "Chơ-ro"),
    ("33", "Kháng"),
    ("34", "Xinh-mun"),
    ("35", "Hà Nhì"),
    ("36", "Chu-ru"),
    ("37", "Lào"),
    ("38", "La Chí"),
    ("39", "La Ha"),
    ("40", "Phù Lá"),
    ("41", "La Hủ"),
    ("42", "Lự"),
    ("43", "Lô Lô"),
    ("44", "Chứt"),
    ("45", "Mảng"),
    ("46", "Pà Thẻn"),
    ("47", "Cơ Lao"),
    ("48", "Cống"),
    ("49", "Bố Y"),
    ("50", "Si La"),
    ("51", "Pu Péo"),
    ("52", "Brâu"),
    ("53", "Ơ Đu"),
    ("54", "Rơ-măm"),
];

/// The name of the ethnic group with `code`, if it is one of the 54.
pub fn ethnic_group(code: &str) -> Option<&'static str> {
    ETHNIC_GROUPS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Vietnamese label of an enum value of the contracts, by its full proto name
/// (`CELL_KIND_SCHOOL`); the name itself when it has no label.
pub fn label(value: &str) -> &str {
    match value {
        "CELL_KIND_RESIDENTIAL" => "Khu dân cư",
        "CELL_KIND_SCHOOL" => "Nhà trường",
        "CELL_KIND_POLICE" => "Công an",
        "CELL_KIND_MILITARY" => "Quân sự",
        "CELL_KIND_AGENCY" => "Cơ quan",
        "CELL_KIND_ENTERPRISE" => "Doanh nghiệp",
        "CELL_KIND_OTHER" => "Khác",
        "GENDER_MALE" => "Nam",
        "GENDER_FEMALE" => "Nữ",
        "GENERAL_EDUCATION_PRIMARY" => "Tiểu học",
        "GENERAL_EDUCATION_LOWER_SECONDARY" => "Trung học cơ sở",
        "GENERAL_EDUCATION_UPPER_SECONDARY" => "Trung học phổ thông",
        "QUALIFICATION_NONE" => "Chưa qua đào tạo",
        "QUALIFICATION_VOCATIONAL" => "Sơ cấp, trung cấp",
        "QUALIFICATION_COLLEGE" => "Cao đẳng",
        "QUALIFICATION_UNIVERSITY" => "Đại học",
        "QUALIFICATION_MASTER" => "Thạc sĩ",
        "QUALIFICATION_DOCTORATE" => "Tiến sĩ",
        "POLITICAL_THEORY_NONE" => "Chưa qua đào tạo",
        "POLITICAL_THEORY_ELEMENTARY" => "Sơ cấp",
        "POLITICAL_THEORY_INTERMEDIATE" => "Trung cấp",
        "POLITICAL_THEORY_ADVANCED" => "Cao cấp",
        "MEMBER_STATUS_ADMITTED" => "Đã có quyết định kết nạp",
        "MEMBER_STATUS_PROBATIONARY" => "Dự bị",
        "MEMBER_STATUS_OFFICIAL" => "Chính thức",
        "MEMBER_STATUS_EXEMPT" => "Miễn công tác và sinh hoạt",
        "MEMBER_STATUS_TRANSFERRED_OUT" => "Đã chuyển đi",
        "MEMBER_STATUS_DECEASED" => "Đã từ trần",
        "MEMBER_STATUS_REMOVED" => "Xóa tên",
        "MEMBER_STATUS_RESIGNED" => "Xin ra khỏi Đảng",
        "MEMBER_STATUS_EXPELLED" => "Khai trừ",
        "ASSIGNMENT_LOCAL" => "Tại chỗ",
        "ASSIGNMENT_SECONDED" => "Biệt phái",
        "AREA_KIND_MOUNTAINOUS" => "Miền núi",
        "AREA_KIND_ETHNIC_MINORITY" => "Vùng dân tộc thiểu số",
        "AREA_KIND_EXTREMELY_DIFFICULT" => "Vùng đặc biệt khó khăn",
        "EVENT_TYPE_ADMISSION_DECIDED" => "Quyết định kết nạp",
        "EVENT_TYPE_CEREMONY_HELD" => "Lễ kết nạp",
        "EVENT_TYPE_RECOGNIZED_OFFICIAL" => "Công nhận đảng viên chính thức",
        "EVENT_TYPE_TRANSFERRED_IN" => "Chuyển đến",
        "EVENT_TYPE_TRANSFERRED_BETWEEN_CELLS" => "Chuyển chi bộ",
        "EVENT_TYPE_TRANSFERRED_TO_COMMUNE" => "Chuyển sang xã khác",
        "EVENT_TYPE_TRANSFERRED_OUT" => "Chuyển sinh hoạt chính thức đi",
        "EVENT_TYPE_TEMPORARY_TRANSFER_STARTED" => "Chuyển sinh hoạt tạm thời",
        "EVENT_TYPE_TEMPORARY_TRANSFER_ENDED" => "Trở về sau sinh hoạt tạm thời",
        "EVENT_TYPE_EXEMPTED" => "Miễn công tác và sinh hoạt",
        "EVENT_TYPE_EXEMPTION_ENDED" => "Thôi miễn công tác và sinh hoạt",
        "EVENT_TYPE_DIED" => "Từ trần",
        "EVENT_TYPE_REMOVED" => "Xóa tên",
        "EVENT_TYPE_RESIGNED" => "Xin ra khỏi Đảng",
        "EVENT_TYPE_EXPELLED" => "Khai trừ",
        "EVENT_TYPE_DETAILS_UPDATED" => "Cập nhật thông tin",
        "TRANSFER_KIND_BETWEEN_CELLS" => "Chuyển chi bộ trong xã",
        "TRANSFER_KIND_TO_COMMUNE" => "Chuyển sang xã khác",
        "TRANSFER_KIND_OUT_OF_SYSTEM" => "Chuyển sinh hoạt chính thức ra ngoài",
        "TRANSFER_KIND_TEMPORARY_OUT" => "Chuyển sinh hoạt tạm thời",
        "TRANSFER_KIND_TEMPORARY_RETURN" => "Trở về sau sinh hoạt tạm thời",
        "DEPARTURE_KIND_DEATH" => "Từ trần",
        "DEPARTURE_KIND_REMOVAL" => "Xóa tên",
        "DEPARTURE_KIND_RESIGNATION" => "Xin ra khỏi Đảng",
        "DEPARTURE_KIND_EXPULSION" => "Khai trừ",
        "CANDIDATE_SOURCE_YOUTH_UNION" => "Đoàn viên thanh niên",
        "CANDIDATE_SOURCE_DEMOBILISED_SOLDIER" => "Quân nhân xuất ngũ",
        "CANDIDATE_SOURCE_SCHOOL" => "Nhà trường",
        "CANDIDATE_SOURCE_OTHER" => "Nguồn khác",
        "CANDIDATE_STAGE_IDENTIFIED" => "Quần chúng ưu tú",
        "CANDIDATE_STAGE_CLASS_DONE" => "Đã học lớp nhận thức về Đảng",
        "CANDIDATE_STAGE_DOSSIER" => "Đang hoàn thiện hồ sơ",
        "CANDIDATE_STAGE_VERIFIED" => "Đã thẩm tra lý lịch",
        "CANDIDATE_STAGE_CELL_APPROVED" => "Chi bộ đề nghị kết nạp",
        "CANDIDATE_STAGE_COMMITTEE_APPROVED" => "Đảng ủy đồng ý kết nạp",
        "CANDIDATE_STAGE_ADMITTED" => "Đã kết nạp",
        "CANDIDATE_STAGE_WITHDRAWN" => "Rút khỏi nguồn",
        "CANDIDATE_STAGE_INELIGIBLE" => "Không đủ điều kiện",
        "BACKGROUND_CHECK_IN_PROGRESS" => "Đang thẩm tra",
        "BACKGROUND_CHECK_PASSED" => "Thẩm tra đạt",
        "BACKGROUND_CHECK_FAILED" => "Thẩm tra không đạt",
        "RATING_LEVEL_EXCELLENT" => "Hoàn thành xuất sắc nhiệm vụ",
        "RATING_LEVEL_GOOD" => "Hoàn thành tốt nhiệm vụ",
        "RATING_LEVEL_COMPLETED" => "Hoàn thành nhiệm vụ",
        "RATING_LEVEL_NOT_COMPLETED" => "Không hoàn thành nhiệm vụ",
        "DEADLINE_KIND_ADMISSION_DECISION" => "Quyết định kết nạp",
        "DEADLINE_KIND_CEREMONY" => "Lễ kết nạp",
        "DEADLINE_KIND_RECOGNITION" => "Công nhận chính thức",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethnic_codes_are_unique_and_complete() {
        for (index, (code, _)) in ETHNIC_GROUPS.iter().enumerate() {
            assert_eq!(code.parse::<usize>().ok(), Some(index + 1));
        }
        assert_eq!(ethnic_group("09"), Some("Dao"));
        assert_eq!(ethnic_group("55"), None);
    }
}
