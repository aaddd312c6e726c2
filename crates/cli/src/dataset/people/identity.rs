//! Who a synthetic person is: the deterministic random source, names drawn by ethnicity and
//! gender, and citizen ids in the CCCD layout (random digits; no phone numbers are generated,
//! because a made-up number can ring a real person). Knows no commune and no cell.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use partyregistry_proto::membership::v1::Gender;

/// The seed of the generator: changing it changes every person (and the request ids' meaning in
/// an existing dev database), so it is fixed for good.
pub(in crate::dataset) const SEED: u64 = 0x4850_5448_414e_4822;

/// A calendar date. The generator passes days of at most 28 and the hand-written tables real
/// days (a unit test checks them), so the fallback is unreachable; it exists so that no code path
/// can panic.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// SplitMix64: a tiny, well-mixed generator whose output is the same on every platform.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high` (the modulo bias is irrelevant at these sizes).
    pub(crate) fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = (high - low + 1) as u64;
        low + (self.next_u64() % span) as i64
    }

    /// True with the given probability in percent.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items`, which are never empty (they are the constant tables below).
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let index = (self.next_u64() % items.len().max(1) as u64) as usize;
        items[index.min(items.len().saturating_sub(1))]
    }

    /// One of `items` by weight.
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.next_u64() % total.max(1);
        for (item, weight) in items {
            if roll < u64::from(*weight) {
                return *item;
            }
            roll -= u64::from(*weight);
        }
        items[items.len().saturating_sub(1)].0
    }
}

/// Ethnic groups of residents: the mix of a commune near Lào Cai city.
pub(in crate::dataset) const RESIDENT_ETHNICITIES: [(&str, u32); 7] = [
    ("01", 40),
    ("02", 18),
    ("09", 15),
    ("25", 9),
    ("08", 7),
    ("07", 6),
    ("40", 5),
];
/// Ethnic groups of teachers, police and officials, more often Kinh.
pub(in crate::dataset) const STAFF_ETHNICITIES: [(&str, u32); 5] =
    [("01", 62), ("02", 16), ("25", 10), ("09", 7), ("07", 5)];

pub(in crate::dataset) fn family_names(ethnicity: &str) -> &'static [&'static str] {
    match ethnicity {
        "02" => &["Hoàng", "Nông", "Lương", "Ma", "Vi", "Hà"],
        "09" => &["Bàn", "Đặng", "Triệu", "Lý", "Chảo"],
        "25" => &["Lò", "Vàng", "Hoàng", "Sần"],
        "08" => &["Giàng", "Vàng", "Sùng", "Thào", "Lù", "Lý"],
        "07" => &["Nông", "Hoàng", "Lục", "Vi"],
        "40" => &["Pờ", "Lý", "Vàng", "Sần"],
        "03" => &["Lò", "Tòng", "Lường", "Quàng", "Cầm", "Điêu"],
        "35" => &["Lỳ", "Chu", "Pờ", "Phìn", "Sừ"],
        "42" => &["Lò", "Tao", "Vàng", "Pòng"],
        _ => &[
            "Nguyễn", "Trần", "Phạm", "Lê", "Vũ", "Hoàng", "Đỗ", "Bùi", "Đặng", "Ngô",
        ],
    }
}

pub(in crate::dataset) fn given_names(ethnicity: &str, gender: Gender) -> &'static [&'static str] {
    match (ethnicity, gender) {
        ("08", Gender::Female) => &["Mỷ", "Súa", "Dế", "Pà", "Mai", "Sênh"],
        ("08", _) => &["Páo", "Chư", "Sình", "Dình", "Chứ", "Lử", "Pao"],
        ("09", Gender::Female) => &["Mẩy", "Xuân", "Dung", "Liên", "Hoa", "Vân"],
        ("09", _) => &["Phú", "Quẩy", "Chòi", "Kiềm", "Vần", "Sơn", "Lâm", "Tiến"],
        (_, Gender::Female) => &[
            "Hoa", "Lan", "Hương", "Mai", "Hằng", "Thủy", "Nga", "Thảo", "Linh", "Huyền", "Dung",
            "Yến", "Liên", "Nhung", "Phương", "Hà", "Loan", "Xuân", "Hạnh", "Oanh",
        ],
        _ => &[
            "Hùng", "Dũng", "Long", "Thắng", "Tuấn", "Cường", "Hải", "Sơn", "Phú", "Quý", "Bình",
            "Toàn", "Thành", "Hưng", "Tiến", "Lâm", "Vinh", "Hòa", "Kiên", "Trung", "Đức", "Phong",
            "Nam", "Việt", "Thịnh", "Khải",
        ],
    }
}

pub(in crate::dataset) fn middle_name(
    rng: &mut SplitMix64,
    ethnicity: &str,
    gender: Gender,
) -> &'static str {
    match (ethnicity, gender) {
        ("08", Gender::Female) => "Thị",
        ("08", _) => rng.pick(&["A", "Seo", "Mí", "A"]),
        ("01", Gender::Female) => rng.weighted(&[
            ("Thị", 70),
            ("Thị Thu", 10),
            ("Thị Hồng", 8),
            ("Thu", 6),
            ("Ngọc", 6),
        ]),
        ("01", _) => rng.weighted(&[
            ("Văn", 55),
            ("Đức", 10),
            ("Minh", 10),
            ("Quang", 8),
            ("Hữu", 7),
            ("Xuân", 5),
            ("Ngọc", 5),
        ]),
        ("09", Gender::Male) => rng.weighted(&[("Văn", 70), ("Tả", 15), ("Kiềm", 15)]),
        (_, Gender::Female) => "Thị",
        _ => rng.weighted(&[("Văn", 85), ("Đức", 8), ("Minh", 7)]),
    }
}

/// A Vietnamese full name; about one Kinh name in twenty-five has no middle name, and some have
/// two middle words, because names are not always three words.
pub(crate) fn full_name(rng: &mut SplitMix64, ethnicity: &'static str, gender: Gender) -> String {
    let family = rng.pick(family_names(ethnicity));
    let given = rng.pick(given_names(ethnicity, gender));
    if ethnicity == "01" && rng.chance(4) {
        return format!("{family} {given}");
    }
    format!("{family} {} {given}", middle_name(rng, ethnicity, gender))
}

/// A 12-digit citizen id in the CCCD layout: province `010`, a digit for century and gender, the
/// two digits of the birth year, then six random digits. Unique within the dataset.
pub(in crate::dataset) fn citizen_id(
    rng: &mut SplitMix64,
    birth: NaiveDate,
    gender: Gender,
    used: &mut HashSet<String>,
) -> String {
    citizen_id_in(rng, "010", birth, gender, used)
}

/// [`citizen_id`] with the 3-digit province prefix of another province.
pub(crate) fn citizen_id_in(
    rng: &mut SplitMix64,
    province: &str,
    birth: NaiveDate,
    gender: Gender,
    used: &mut HashSet<String>,
) -> String {
    let mut id = String::new();
    // A clash among 172 draws from a million is rare; a few retries make it impossible in practice
    // and the generator is deterministic, so the unit test proves it for this seed.
    for _ in 0..20 {
        id = citizen_id_of(province, birth, gender, rng.range(0, 999_999) as u32);
        if used.insert(id.clone()) {
            break;
        }
    }
    id
}

/// The CCCD layout: the 3-digit province prefix, a digit for century and gender, the two digits
/// of the birth year, then the 6-digit `serial` (taken modulo a million).
pub(crate) fn citizen_id_of(
    province: &str,
    birth: NaiveDate,
    gender: Gender,
    serial: u32,
) -> String {
    let century_gender = match (birth.year() >= 2000, gender == Gender::Female) {
        (false, false) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (true, true) => 3,
    };
    format!(
        "{province}{century_gender}{:02}{:06}",
        birth.year().rem_euclid(100),
        serial % 1_000_000
    )
}
