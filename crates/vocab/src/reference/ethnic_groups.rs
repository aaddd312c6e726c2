//! The 54 ethnic groups of Vietnam as data: names and codes of the national statistics office's
//! list, and the other names and spellings older records and spreadsheets use.

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

/// The code system of [`ETHNIC_GROUPS`].
pub const ETHNICITY_CODE_SYSTEM: &str = "QĐ 121-TCTK/PPCĐ (1979)";

/// The short name of [`ETHNICITY_CODE_SYSTEM`] in the contracts' `ethnicity_code_system`.
pub const ETHNICITY_CODE_SYSTEM_ID: &str = "121-TCTK";

/// The code system named by `text`, when it is the one of [`ETHNIC_GROUPS`]: `121-TCTK`,
/// `121-TCTK/PPCĐ`, `QĐ 121-TCTK/PPCĐ` or [`ETHNICITY_CODE_SYSTEM`] in any case. Other lists
/// (domain.md §3: they number the groups differently) are not known here.
pub fn ethnicity_code_system(text: &str) -> Option<&'static str> {
    let upper = crate::text::normalize(text.trim()).to_uppercase();
    let bare = upper.strip_prefix("QĐ ").unwrap_or(&upper);
    let bare = bare.strip_suffix(" (1979)").unwrap_or(bare);
    matches!(bare, "121-TCTK" | "121-TCTK/PPCĐ").then_some(ETHNICITY_CODE_SYSTEM_ID)
}

/// Other names and spellings of each ethnic group found in older records and spreadsheets, by
/// code, in the order of [`ETHNIC_GROUPS`]. Names the statistics office lists for two groups
/// (Trại, Xá, Xá Khao, Chil, Ca-tang, Mun Di, Xá Lá Vàng, Lao/Lào) are left out: they cannot
/// decide an import on their own.
pub const ETHNIC_GROUP_ALIASES: [(&str, &[&str]); 54] = [
    ("01", &["Việt", "Kinh (Việt)", "Việt (Kinh)"]),
    ("02", &["Ngạn", "Phén", "Thu Lao", "Pa Dí"]),
    (
        "03",
        &[
            "Thái Trắng",
            "Thái Đen",
            "Thái Đỏ",
            "Tày Khao",
            "Tày Đăm",
            "Tày Mười",
            "Tày Thanh",
            "Hàng Tổng",
            "Pu Thay",
            "Thổ Đà Bắc",
        ],
    ),
    (
        "04",
        &[
            "Hán",
            "Triều Châu",
            "Phúc Kiến",
            "Quảng Đông",
            "Hải Nam",
            "Xạ Phạng",
        ],
    ),
    ("05", &["Khmer", "Khơ-me Crôm", "Khmer Krom", "Cur", "Cul"]),
    ("06", &["Mol", "Mual"]),
    (
        "07",
        &[
            "Xuồng",
            "Giang",
            "Nùng An",
            "Phàn Sinh",
            "Nùng Cháo",
            "Nùng Lòi",
            "Quý Rim",
            "Khèn Lài",
        ],
    ),
    (
        "08",
        &[
            "Mèo",
            "Mẹo",
            "H'Mông",
            "Hmông",
            "Hmong",
            "Mông Đơ",
            "Mông Lềnh",
            "Mông Đu",
            "Mèo Hoa",
            "Mèo Xanh",
            "Mèo Đỏ",
            "Mèo Đen",
            "Na Mẻo",
        ],
    ),
    (
        "09",
        &[
            "Mán",
            "Động",
            "Dìu Miền",
            "Kiềm Miền",
            "Dao Đỏ",
            "Dao Tiền",
            "Dao Quần Chẹt",
            "Dao Quần Trắng",
            "Dao Thanh Y",
            "Dao Lô Gang",
            "Dao Làn Tẻn",
            "Dao Áo Dài",
            "Đại Bản",
            "Tiểu Bản",
            "Cóc Ngáng",
            "Cóc Mùn",
            "Sơn Đầu",
        ],
    ),
    (
        "10",
        &["Jrai", "Giơ-rai", "Tơ-buăn", "Chơ-rai", "Hơ-bau", "Hđrung"],
    ),
    ("11", &["Xín", "Lê", "Đản", "Khách Gia"]),
    (
        "12",
        &[
            "Ede", "Ra-đê", "Rhade", "Đê", "Kpạ", "A-đham", "Krung", "Ktul", "Bih",
        ],
    ),
    (
        "13",
        &[
            "Bahnar",
            "Gơ-lar",
            "Tơ-lô",
            "Giơ-lâng",
            "Rơ-ngao",
            "Krem",
            "Roh",
            "Kpăng Công",
        ],
    ),
    (
        "14",
        &[
            "Sedang", "Xơ-teng", "Hđang", "Tơ-đra", "Mơ-nâm", "Ha-lăng", "Ca-dong", "Kmrâng",
        ],
    ),
    (
        "15",
        &["Cao Lan", "Sán Chỉ", "Mán Cao Lan", "Hờn Bạn", "Sơn Tử"],
    ),
    (
        "16",
        &[
            "K'Ho", "Koho", "Xrê", "Nốp", "Tu-lốp", "Cơ-don", "Lạt", "Trinh",
        ],
    ),
    ("17", &["Chàm", "Chiêm Thành", "Hroi"]),
    ("18", &["Sán Dẻo", "Trại Đất", "Mán Quần Cộc"]),
    ("19", &["H'rê", "Chăm Rê", "Chom", "Krẹ Lũy"]),
    (
        "20",
        &[
            "M'Nông",
            "Pnông",
            "Nông",
            "Pré",
            "Bu-đâng",
            "Biat",
            "Gar",
            "Rơ-lam",
        ],
    ),
    ("21", &["Raglai", "Ra-clây", "Rai", "Noang", "La-oang"]),
    ("22", &["Xa-điêng", "Stiêng"]),
    ("23", &["Bru", "Vân Kiều", "Măng Coong", "Tri", "Khùa"]),
    (
        "24",
        &[
            "Kẹo",
            "Mọn",
            "Cuối",
            "Đan Lai",
            "Ly Hà",
            "Tày Pọng",
            "Con Kha",
        ],
    ),
    ("25", &["Nhắng", "Dẩng", "Pầu Thìn Nu Nà", "Cùi Chu"]),
    ("26", &["Ca-tu", "Ca Tu", "Phương"]),
    (
        "27",
        &["Gié", "Triêng", "Đgiéh", "Ta-riêng", "Ve", "Veh", "La-ve"],
    ),
    ("28", &["Châu Mạ", "Mạ Ngăn", "Mạ Xóp", "Mạ Tô", "Mạ Krung"]),
    (
        "29",
        &["Khmu", "Xá Cẩu", "Mứn Xen", "Pu Thênh", "Tềnh", "Tày Hay"],
    ),
    ("30", &["Cor", "Col", "Cùa", "Trầu"]),
    ("31", &["Tôi-ôi", "Pa-co", "Pa-hi", "Ba-hi"]),
    ("32", &["Dơ-ro", "Châu-ro"]),
    (
        "33",
        &[
            "Xá Súa",
            "Xá Dón",
            "Xá Dẩng",
            "Xá Hốc",
            "Xá Ái",
            "Xá Bung",
            "Quảng Lâm",
        ],
    ),
    ("34", &["Puộc", "Pụa"]),
    ("35", &["U Ni", "Xá U Ni"]),
    ("36", &["Chơ-ru"]),
    ("37", &["Lào Bốc", "Lào Nọi"]),
    ("38", &["Cù Tê", "La Quả"]),
    ("39", &["Khlá Phlạo"]),
    ("40", &["Bồ Khô Pạ", "Mu Di", "Pạ Xá", "Phó", "Va Xơ"]),
    ("41", &["Pu Đang", "Khù Xung", "Cò Xung", "Khả Quy"]),
    ("42", &["Lừ", "Nhuồn Duôn"]),
    ("43", &["Lolo", "Mun Di"]),
    ("44", &["Rục", "Sách", "Mày", "Arem", "Mã Liềng"]),
    ("45", &["Mảng Ư"]),
    ("46", &["Pà Hưng", "Tống"]),
    ("47", &["Cờ Lao"]),
    ("48", &["Xắm Khống", "Mấng Nhé", "Xá Xeng"]),
    ("49", &["Chủng Chá", "Trọng Gia", "Tu Dí", "Tu Din"]),
    ("50", &["Cù Dề Xừ", "Khả Pẻ"]),
    ("51", &["Ka Pèo", "Pen Ti Lô Lô"]),
    ("52", &["Brao"]),
    ("53", &["Tày Hạt"]),
    ("54", &["Romam"]),
];
