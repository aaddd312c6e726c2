//! Reference lists shared by the services and the CLI: the 54 official ethnic groups with their
//! statistics-office codes and import aliases, religions, the education, qualification and
//! political-theory levels, and Vietnamese labels of the contracts' enum values.
//!
//! Every list is data with its code system; [`reference_list`] returns one whole, and the
//! `*_code` functions map free text typed on import to a code, without regard to case,
//! diacritics, hyphens or spaces ("Ê-đê", "Ê Đê" and "ede" are one group).

use crate::text::fold;

mod ethnic_groups;

pub use ethnic_groups::{
    ETHNIC_GROUP_ALIASES, ETHNIC_GROUPS, ETHNICITY_CODE_SYSTEM, ETHNICITY_CODE_SYSTEM_ID,
    ethnic_group, ethnicity_code_system,
};

/// Religion code for a member who follows none.
pub const NO_RELIGION: &str = "00";
/// Religion code for a religion that is not on the list.
pub const OTHER_RELIGION: &str = "99";

/// The code system of [`RELIGIONS`]: the registry's own numbering, in the order of the
/// religions recognised by the State as the 2019 census listed them [A]; kept as data so that a
/// national list can replace it.
pub const RELIGION_CODE_SYSTEM: &str =
    "Danh mục tôn giáo của hệ thống: 00 không, 01–16 tôn giáo được Nhà nước công nhận, 99 khác";

/// Religions: code, Vietnamese name, other spellings accepted on import. `00` (none) first and
/// `99` (other) last. Ancestor worship and the other folk beliefs are beliefs (tín ngưỡng), not
/// religions: the Law on Belief and Religion (Luật Tín ngưỡng, tôn giáo 2016, art. 2) defines the
/// two apart, and a member who only worships their ancestors follows no religion, so those
/// spellings read as `00`, never as "other religion".
pub const RELIGIONS: [(&str, &str, &[&str]); 18] = [
    (
        "00",
        "Không",
        &[
            "Không có",
            "Không tôn giáo",
            "Không theo tôn giáo",
            "Không theo tôn giáo nào",
            "Không theo đạo",
            "Không đạo",
            "Không có đạo",
            "Chưa có",
            "-",
            "Thờ cúng tổ tiên",
            "Thờ cúng ông bà",
            "Thờ ông bà",
            "Đạo ông bà",
            "Tín ngưỡng dân gian",
        ],
    ),
    (
        "01",
        "Phật giáo",
        &["Phật", "Đạo Phật", "Theo Phật giáo", "Buddhism"],
    ),
    (
        "02",
        "Công giáo",
        &[
            "Thiên Chúa giáo",
            "Đạo Thiên Chúa",
            "Thiên Chúa",
            "Công giáo La Mã",
            "Catholic",
        ],
    ),
    (
        "03",
        "Tin Lành",
        &[
            "Đạo Tin Lành",
            "Tin Lành giáo",
            "Protestant",
            "Cơ đốc Tin Lành",
        ],
    ),
    (
        "04",
        "Cao Đài",
        &["Đạo Cao Đài", "Cao Đài giáo", "Đại Đạo Tam Kỳ Phổ Độ"],
    ),
    (
        "05",
        "Phật giáo Hòa Hảo",
        &["Hòa Hảo", "Đạo Hòa Hảo", "PGHH"],
    ),
    ("06", "Hồi giáo", &["Đạo Hồi", "Islam", "Hồi"]),
    ("07", "Tôn giáo Baha'i", &["Baha'i", "Bahai", "Bahá'í"]),
    (
        "08",
        "Tịnh độ Cư sĩ Phật hội Việt Nam",
        &["Tịnh độ Cư sĩ", "Tịnh độ Cư sỹ Phật hội Việt Nam"],
    ),
    (
        "09",
        "Cơ đốc Phục lâm",
        &["Phục lâm", "Cơ đốc Phục lâm Việt Nam", "Adventist"],
    ),
    ("10", "Phật giáo Tứ Ân Hiếu Nghĩa", &["Tứ Ân Hiếu Nghĩa"]),
    ("11", "Minh Sư Đạo", &[]),
    (
        "12",
        "Minh Lý Đạo - Tam Tông Miếu",
        &["Minh Lý Đạo", "Tam Tông Miếu"],
    ),
    (
        "13",
        "Bà-la-môn",
        &[
            "Bà-la-môn giáo",
            "Bàlamôn",
            "Đạo Bà-la-môn",
            "Hindu",
            "Ấn Độ giáo",
        ],
    ),
    (
        "14",
        "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ky-tô",
        &["Mormon", "Các Thánh hữu Ngày sau"],
    ),
    ("15", "Bửu Sơn Kỳ Hương", &[]),
    (
        "16",
        "Giáo hội Phật đường Nam Tông Minh Sư Đạo",
        &["Phật đường Nam Tông"],
    ),
    ("99", "Tôn giáo khác", &["Khác"]),
];

/// The code system of the level lists: the enum of the contract the codes are value names of.
pub const GENERAL_EDUCATION_CODE_SYSTEM: &str = "partyregistry.membership.v1.GeneralEducation";
/// See [`GENERAL_EDUCATION_CODE_SYSTEM`].
pub const QUALIFICATION_CODE_SYSTEM: &str = "partyregistry.membership.v1.Qualification";
/// See [`GENERAL_EDUCATION_CODE_SYSTEM`].
pub const POLITICAL_THEORY_CODE_SYSTEM: &str = "partyregistry.membership.v1.PoliticalTheory";

/// General education levels, lowest first, with the ways records write them (the 10-year
/// system of the North before 1981 wrote "7/10" and "10/10"). Labels come from [`label`].
pub const GENERAL_EDUCATION_LEVELS: [(&str, &[&str]); 4] = [
    // Literate without a completed primary school: the level of the village-elder exception
    // (Hướng dẫn 01-HD/TW (2021), 1.2: "biết đọc, biết viết chữ quốc ngữ").
    (
        "GENERAL_EDUCATION_LITERATE",
        &["Biết chữ", "Biết đọc biết viết", "Chưa tốt nghiệp tiểu học"],
    ),
    (
        "GENERAL_EDUCATION_PRIMARY",
        &["Cấp 1", "5/12", "4/10", "TH"],
    ),
    (
        "GENERAL_EDUCATION_LOWER_SECONDARY",
        &["Cấp 2", "9/12", "7/10", "THCS"],
    ),
    (
        "GENERAL_EDUCATION_UPPER_SECONDARY",
        &["Cấp 3", "12/12", "10/10", "THPT"],
    ),
];

/// Professional qualification levels, lowest first. Labels come from [`label`]. Sơ cấp and
/// trung cấp are kept apart (domain.md §3); `QUALIFICATION_VOCATIONAL` is the older value that
/// merged them, kept for records written before the split and for a text that names neither
/// level ("công nhân kỹ thuật" was trained at either before Luật Giáo dục nghề nghiệp 2014).
pub const QUALIFICATION_LEVELS: [(&str, &[&str]); 8] = [
    (
        "QUALIFICATION_NONE",
        &["Không", "Chưa qua đào tạo chuyên môn"],
    ),
    (
        "QUALIFICATION_VOCATIONAL",
        &["Sơ cấp, trung cấp", "Công nhân kỹ thuật"],
    ),
    ("QUALIFICATION_ELEMENTARY", &["Sơ cấp nghề"]),
    (
        "QUALIFICATION_INTERMEDIATE",
        &[
            "Trung cấp nghề",
            "Trung cấp chuyên nghiệp",
            "Trung học chuyên nghiệp",
            "THCN",
            "TC",
        ],
    ),
    ("QUALIFICATION_COLLEGE", &["CĐ"]),
    (
        "QUALIFICATION_UNIVERSITY",
        &["ĐH", "Cử nhân", "Kỹ sư", "Bác sĩ"],
    ),
    (
        "QUALIFICATION_MASTER",
        &["ThS", "Thạc sỹ", "Bác sĩ chuyên khoa I"],
    ),
    (
        "QUALIFICATION_DOCTORATE",
        &["TS", "Tiến sỹ", "Phó Giáo sư", "Giáo sư"],
    ),
];

/// Political theory levels, lowest first; a bachelor's degree in politics counts as advanced.
/// Labels come from [`label`].
pub const POLITICAL_THEORY_LEVELS: [(&str, &[&str]); 4] = [
    ("POLITICAL_THEORY_NONE", &["Không"]),
    (
        "POLITICAL_THEORY_ELEMENTARY",
        &["Sơ cấp lý luận chính trị", "SC"],
    ),
    (
        "POLITICAL_THEORY_INTERMEDIATE",
        &["Trung cấp lý luận chính trị", "TC"],
    ),
    (
        "POLITICAL_THEORY_ADVANCED",
        &[
            "Cao cấp lý luận chính trị",
            "Cử nhân chính trị",
            "Cao cấp, cử nhân",
            "Cử nhân",
            "CC",
        ],
    ),
];

/// Which reference list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// [`ETHNIC_GROUPS`].
    Ethnicity,
    /// [`RELIGIONS`].
    Religion,
    /// [`GENERAL_EDUCATION_LEVELS`].
    GeneralEducation,
    /// [`QUALIFICATION_LEVELS`].
    Qualification,
    /// [`POLITICAL_THEORY_LEVELS`].
    PoliticalTheory,
}

/// One entry of a reference list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The code: `08`, `01`, `GENERAL_EDUCATION_PRIMARY`.
    pub code: &'static str,
    /// Vietnamese name, NFC.
    pub label: &'static str,
    /// Other spellings accepted on import.
    pub aliases: &'static [&'static str],
}

/// A whole reference list with its code system, entries in code order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeList {
    /// Which list.
    pub kind: ListKind,
    /// The code system the codes belong to.
    pub code_system: &'static str,
    /// The entries.
    pub entries: Vec<Entry>,
}

/// Entries of an enum-level list, labelled by [`label`].
fn levels(list: &[(&'static str, &'static [&'static str])]) -> Vec<Entry> {
    list.iter()
        .map(|(code, aliases)| Entry {
            code,
            label: label(code),
            aliases,
        })
        .collect()
}

/// The reference list of `kind`.
pub fn reference_list(kind: ListKind) -> CodeList {
    let (code_system, entries) = match kind {
        ListKind::Ethnicity => (
            ETHNICITY_CODE_SYSTEM,
            ETHNIC_GROUPS
                .iter()
                .zip(ETHNIC_GROUP_ALIASES.iter())
                .map(|((code, name), (_, aliases))| Entry {
                    code,
                    label: name,
                    aliases,
                })
                .collect(),
        ),
        ListKind::Religion => (
            RELIGION_CODE_SYSTEM,
            RELIGIONS
                .iter()
                .map(|(code, name, aliases)| Entry {
                    code,
                    label: name,
                    aliases,
                })
                .collect(),
        ),
        ListKind::GeneralEducation => (
            GENERAL_EDUCATION_CODE_SYSTEM,
            levels(&GENERAL_EDUCATION_LEVELS),
        ),
        ListKind::Qualification => (QUALIFICATION_CODE_SYSTEM, levels(&QUALIFICATION_LEVELS)),
        ListKind::PoliticalTheory => (
            POLITICAL_THEORY_CODE_SYSTEM,
            levels(&POLITICAL_THEORY_LEVELS),
        ),
    };
    CodeList {
        kind,
        code_system,
        entries,
    }
}

/// The matching key of a name: folded (no case, no diacritics, đ → d) and with everything but
/// letters and digits removed, so hyphens, apostrophes, brackets and spaces do not matter
/// ("H'Mông" = "hmong", "Bà-la-môn" = "Bàlamôn"). A leading "dân tộc" or "người" is dropped.
fn match_key(text: &str) -> String {
    let folded = fold(text);
    let rest = ["dan toc ", "nguoi "]
        .iter()
        .find_map(|prefix| folded.strip_prefix(prefix))
        .unwrap_or(&folded);
    rest.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The code of the entry of `kind` whose code, label or alias matches `free_text` (see
/// [`match_key`]); a 1- or 2-digit number is read as a code, so "8" finds `08` in lists with
/// numeric codes.
pub fn lookup(kind: ListKind, free_text: &str) -> Option<&'static str> {
    let trimmed = free_text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let list = reference_list(kind);
    if let Ok(number) = trimmed.parse::<u8>()
        && trimmed.len() <= 2
    {
        let code = format!("{number:02}");
        return list
            .entries
            .iter()
            .find(|entry| entry.code == code)
            .map(|entry| entry.code);
    }
    if let Some(entry) = list.entries.iter().find(|entry| entry.code == trimmed) {
        return Some(entry.code);
    }
    let key = match_key(trimmed);
    if key.is_empty() {
        // Punctuation only ("-", "…"): only an alias spelled exactly so can match it.
        return list
            .entries
            .iter()
            .find(|entry| entry.aliases.contains(&trimmed))
            .map(|entry| entry.code);
    }
    list.entries
        .iter()
        .find(|entry| {
            match_key(entry.label) == key || entry.aliases.iter().any(|a| match_key(a) == key)
        })
        .map(|entry| entry.code)
}

/// The code of the ethnic group named by `free_text`: its code ("08", "8"), its name ("Mông",
/// "mong") or an alias ("Mèo", "H'Mông", "Kinh (Việt)"), without regard to diacritics.
pub fn ethnic_group_code(free_text: &str) -> Option<&'static str> {
    lookup(ListKind::Ethnicity, free_text)
}

/// The religion code of free text as members' files record it: empty or "không" → `00`, a
/// recognised religion by name, alias or code → its code, anything else → `99` (other).
pub fn religion_code(free_text: &str) -> &'static str {
    if free_text.trim().is_empty() {
        return NO_RELIGION;
    }
    lookup(ListKind::Religion, free_text).unwrap_or(OTHER_RELIGION)
}

/// The Vietnamese name of religion `code`; "Tôn giáo khác" for a code not on the list.
pub fn religion_label(code: &str) -> &'static str {
    RELIGIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .or_else(|| RELIGIONS.iter().find(|(c, _, _)| *c == OTHER_RELIGION))
        .map_or("Tôn giáo khác", |(_, name, _)| *name)
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
        "GENERAL_EDUCATION_LITERATE" => "Biết đọc, biết viết",
        "GENERAL_EDUCATION_PRIMARY" => "Tiểu học",
        "GENERAL_EDUCATION_LOWER_SECONDARY" => "Trung học cơ sở",
        "GENERAL_EDUCATION_UPPER_SECONDARY" => "Trung học phổ thông",
        "QUALIFICATION_NONE" => "Chưa qua đào tạo",
        "QUALIFICATION_VOCATIONAL" => "Sơ cấp hoặc trung cấp (chưa phân biệt)",
        "QUALIFICATION_ELEMENTARY" => "Sơ cấp",
        "QUALIFICATION_INTERMEDIATE" => "Trung cấp",
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
        "EVENT_TYPE_DISCIPLINED" => "Kỷ luật",
        "DISCIPLINE_FORM_REPRIMAND" => "Khiển trách",
        "DISCIPLINE_FORM_WARNING" => "Cảnh cáo",
        "DISCIPLINE_FORM_DISMISSAL" => "Cách chức",
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

    #[test]
    fn ethnic_aliases_follow_the_groups() {
        for ((code, _), (alias_code, _)) in ETHNIC_GROUPS.iter().zip(ETHNIC_GROUP_ALIASES.iter()) {
            assert_eq!(code, alias_code);
        }
    }

    #[test]
    fn every_key_names_one_entry() {
        for kind in [
            ListKind::Ethnicity,
            ListKind::Religion,
            ListKind::GeneralEducation,
            ListKind::Qualification,
            ListKind::PoliticalTheory,
        ] {
            let list = reference_list(kind);
            let mut seen = std::collections::HashMap::new();
            for entry in &list.entries {
                for name in std::iter::once(&entry.label).chain(entry.aliases) {
                    let key = match_key(name);
                    if key.is_empty() {
                        continue;
                    }
                    if let Some(other) = seen.insert(key.clone(), entry.code) {
                        assert_eq!(other, entry.code, "{kind:?}: {name} ({key}) is ambiguous");
                    }
                    assert_eq!(lookup(kind, name), Some(entry.code), "{kind:?}: {name}");
                }
            }
        }
    }

    #[test]
    fn the_1979_list_is_named_in_several_ways_and_no_other_list_is_known() {
        for text in [
            "121-TCTK",
            "121-tctk",
            " 121-TCTK/PPCĐ ",
            "QĐ 121-TCTK/PPCĐ",
            ETHNICITY_CODE_SYSTEM,
        ] {
            assert_eq!(ethnicity_code_system(text), Some("121-TCTK"), "{text}");
        }
        for text in ["", "1979", "QĐ 1019/QĐ-TCTK", "ISO 3166"] {
            assert_eq!(ethnicity_code_system(text), None, "{text}");
        }
    }

    #[test]
    fn ethnic_group_code_accepts_codes_names_and_aliases() {
        assert_eq!(ethnic_group_code("08"), Some("08"));
        assert_eq!(ethnic_group_code("8"), Some("08"));
        assert_eq!(ethnic_group_code("Mông"), Some("08"));
        assert_eq!(ethnic_group_code("Mèo"), Some("08"));
        assert_eq!(ethnic_group_code("meo"), Some("08"));
        assert_eq!(ethnic_group_code("H'Mông"), Some("08"));
        assert_eq!(ethnic_group_code("Kinh (Việt)"), Some("01"));
        assert_eq!(ethnic_group_code("dân tộc Kinh"), Some("01"));
        assert_eq!(ethnic_group_code("Thái Đen"), Some("03"));
        assert_eq!(ethnic_group_code("thai trang"), Some("03"));
        assert_eq!(ethnic_group_code("Ê Đê"), Some("12"));
        assert_eq!(ethnic_group_code("ede"), Some("12"));
        assert_eq!(ethnic_group_code("Khmer"), Some("05"));
        assert_eq!(ethnic_group_code("Dao Đỏ"), Some("09"));
        assert_eq!(ethnic_group_code("Lào"), Some("37"));
        // Decomposed input, as some keyboards type it.
        assert_eq!(ethnic_group_code("Ta\u{300}y"), Some("02"));
        assert_eq!(ethnic_group_code("55"), None);
        assert_eq!(ethnic_group_code("Martian"), None);
        assert_eq!(ethnic_group_code(""), None);
    }

    #[test]
    fn religion_code_folds_and_defaults() {
        assert_eq!(religion_code(""), "00");
        assert_eq!(religion_code("  "), "00");
        assert_eq!(religion_code("Không"), "00");
        assert_eq!(religion_code("KHONG"), "00");
        assert_eq!(religion_code("không tôn giáo"), "00");
        assert_eq!(religion_code("-"), "00");
        assert_eq!(religion_code("Phật giáo"), "01");
        assert_eq!(religion_code("phat giao"), "01");
        assert_eq!(religion_code("Đạo Phật"), "01");
        assert_eq!(religion_code("Thiên Chúa giáo"), "02");
        assert_eq!(religion_code("Tin lành"), "03");
        assert_eq!(religion_code("Cao Đài"), "04");
        assert_eq!(religion_code("Hoà Hảo"), "05");
        assert_eq!(religion_code("Phật giáo Hòa Hảo"), "05");
        assert_eq!(religion_code("Hồi giáo"), "06");
        assert_eq!(religion_code("Bàlamôn"), "13");
        assert_eq!(religion_code("02"), "02");
        // A belief, not a religion.
        assert_eq!(religion_code("Thờ cúng tổ tiên"), "00");
        assert_eq!(religion_code("tho cung to tien"), "00");
        assert_eq!(religion_code("Đạo ông bà"), "00");
        assert_eq!(religion_label("00"), "Không");
        assert_eq!(religion_label("05"), "Phật giáo Hòa Hảo");
        assert_eq!(religion_label("99"), "Tôn giáo khác");
        assert_eq!(religion_label("77"), "Tôn giáo khác");
    }

    #[test]
    fn level_lists_use_the_contract_labels() {
        let education = reference_list(ListKind::GeneralEducation);
        assert_eq!(education.entries.len(), 4);
        assert_eq!(education.entries[0].label, "Biết đọc, biết viết");
        assert_eq!(education.entries[1].label, "Tiểu học");
        assert_eq!(
            lookup(ListKind::GeneralEducation, "biết chữ"),
            Some("GENERAL_EDUCATION_LITERATE")
        );
        assert_eq!(
            lookup(ListKind::GeneralEducation, "Tiểu học"),
            Some("GENERAL_EDUCATION_PRIMARY")
        );
        assert_eq!(
            lookup(ListKind::GeneralEducation, "10/10"),
            Some("GENERAL_EDUCATION_UPPER_SECONDARY")
        );
        assert_eq!(
            lookup(ListKind::Qualification, "Đại học"),
            Some("QUALIFICATION_UNIVERSITY")
        );
        assert_eq!(
            lookup(ListKind::PoliticalTheory, "cao cap"),
            Some("POLITICAL_THEORY_ADVANCED")
        );
        for kind in [
            ListKind::GeneralEducation,
            ListKind::Qualification,
            ListKind::PoliticalTheory,
        ] {
            for entry in reference_list(kind).entries {
                assert_ne!(entry.label, entry.code, "{} has no label", entry.code);
            }
        }
        let ethnicity = reference_list(ListKind::Ethnicity);
        assert_eq!(ethnicity.entries.len(), 54);
        assert_eq!(ethnicity.code_system, ETHNICITY_CODE_SYSTEM);
        let religions = reference_list(ListKind::Religion);
        assert_eq!(religions.entries.first().map(|e| e.code), Some("00"));
        assert_eq!(religions.entries.last().map(|e| e.code), Some("99"));
    }

    #[test]
    fn labels_are_nfc() {
        use unicode_normalization::UnicodeNormalization;
        for kind in [ListKind::Ethnicity, ListKind::Religion] {
            for entry in reference_list(kind).entries {
                for name in std::iter::once(&entry.label).chain(entry.aliases) {
                    assert_eq!(name.nfc().collect::<String>(), *name);
                }
            }
        }
    }
}
