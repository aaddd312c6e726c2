//! The country's shape as data: for each of the 34 provinces of 2025, its population (the
//! weight of its share of members), its number of communes after 1 July 2025, whether it is a
//! city (wards and residential groups rather than villages) and its ethnic mix. Populations and
//! commune counts are rounded public figures of 2025 [A]; the ethnic mixes are regional
//! approximations [A] — the generator needs shapes, not statistics.

/// Ethnic mixes by region: ethnic-group code and weight.
pub(super) type EthnicMix = &'static [(&'static str, u32)];

/// Kinh lowlands, with a few Hoa and Mường.
const LOWLANDS: EthnicMix = &[("01", 97), ("04", 1), ("06", 2)];
/// The north-west: Thái, Mông, Dao, Hà Nhì, Giáy, Lự.
const NORTH_WEST: EthnicMix = &[
    ("03", 32),
    ("08", 24),
    ("01", 18),
    ("09", 10),
    ("35", 6),
    ("25", 4),
    ("29", 3),
    ("42", 3),
];
/// The north-east: Tày, Nùng, Dao, Mông, Sán Chay.
const NORTH_EAST: EthnicMix = &[
    ("02", 30),
    ("07", 20),
    ("01", 26),
    ("09", 10),
    ("08", 8),
    ("15", 4),
    ("18", 2),
];
/// Lào Cai and Tuyên Quang after their mergers: Kinh, Tày, Dao, Mông, Giáy, Phù Lá.
const NORTH_MOUNTAINS: EthnicMix = &[
    ("01", 40),
    ("02", 18),
    ("09", 14),
    ("08", 14),
    ("25", 5),
    ("40", 4),
    ("03", 5),
];
/// Thanh Hóa, Nghệ An, Phú Thọ: Kinh with Mường and Thái.
const NORTH_CENTRAL: EthnicMix = &[("01", 84), ("06", 9), ("03", 5), ("24", 1), ("29", 1)];
/// The central coast and its hills: Kinh with Cơ-tu, Xơ-đăng, Hrê, Bru-Vân Kiều.
const CENTRAL_COAST: EthnicMix = &[("01", 90), ("26", 3), ("14", 2), ("19", 2), ("23", 3)];
/// The Central Highlands: Kinh with Gia-rai, Ê-đê, Ba-na, Mnông, Cơ-ho.
const HIGHLANDS: EthnicMix = &[
    ("01", 62),
    ("10", 11),
    ("12", 9),
    ("13", 6),
    ("20", 4),
    ("16", 4),
    ("07", 2),
    ("02", 2),
];
/// The Mekong delta: Kinh with Khơ-me and Hoa.
const MEKONG: EthnicMix = &[("01", 88), ("05", 10), ("04", 2)];
/// The south-east: Kinh with Hoa, Chăm, Xtiêng.
const SOUTH_EAST: EthnicMix = &[("01", 92), ("04", 5), ("17", 1), ("22", 2)];

/// A province's shape.
#[derive(Debug, Clone, Copy)]
pub(super) struct ProvinceShape {
    /// Two-digit code.
    pub code: &'static str,
    /// Population in tens of thousands.
    pub population: u32,
    /// Communes and wards after 1 July 2025.
    pub communes: u32,
    /// A centrally governed city: wards and residential groups.
    pub city: bool,
    /// The ethnic mix of its members.
    pub ethnicities: EthnicMix,
}

const fn shape(
    code: &'static str,
    population: u32,
    communes: u32,
    city: bool,
    ethnicities: EthnicMix,
) -> ProvinceShape {
    ProvinceShape {
        code,
        population,
        communes,
        city,
        ethnicities,
    }
}

/// The 34 provinces, in code order (the membership service's reference provinces).
pub(super) const PROVINCES: [ProvinceShape; 34] = [
    shape("01", 870, 126, true, LOWLANDS),
    shape("04", 57, 56, false, NORTH_EAST),
    shape("08", 187, 124, false, NORTH_MOUNTAINS),
    shape("11", 65, 45, false, NORTH_WEST),
    shape("12", 49, 38, false, NORTH_WEST),
    shape("14", 130, 75, false, NORTH_WEST),
    shape("15", 178, 99, false, NORTH_MOUNTAINS),
    shape("19", 180, 92, false, NORTH_EAST),
    shape("20", 80, 65, false, NORTH_EAST),
    shape("22", 140, 54, false, LOWLANDS),
    shape("24", 360, 99, false, LOWLANDS),
    shape("25", 400, 148, false, NORTH_CENTRAL),
    shape("31", 470, 114, true, LOWLANDS),
    shape("33", 360, 104, false, LOWLANDS),
    shape("37", 440, 129, false, LOWLANDS),
    shape("38", 380, 166, false, NORTH_CENTRAL),
    shape("40", 350, 130, false, NORTH_CENTRAL),
    shape("42", 130, 69, false, LOWLANDS),
    shape("44", 190, 78, false, CENTRAL_COAST),
    shape("46", 120, 40, true, CENTRAL_COAST),
    shape("48", 310, 94, true, CENTRAL_COAST),
    shape("51", 220, 96, false, CENTRAL_COAST),
    shape("52", 360, 135, false, HIGHLANDS),
    shape("56", 220, 65, false, CENTRAL_COAST),
    shape("66", 330, 102, false, HIGHLANDS),
    shape("68", 390, 124, false, HIGHLANDS),
    shape("75", 450, 95, false, SOUTH_EAST),
    shape("79", 1400, 168, true, SOUTH_EAST),
    shape("80", 330, 96, false, MEKONG),
    shape("82", 440, 102, false, MEKONG),
    shape("86", 430, 124, false, MEKONG),
    shape("91", 490, 102, false, MEKONG),
    shape("92", 420, 103, true, MEKONG),
    shape("96", 260, 64, false, MEKONG),
];

/// Place-name words communes and villages are named from.
pub(super) const PLACE_WORDS: [&str; 40] = [
    "Tân", "An", "Hòa", "Bình", "Phú", "Thạnh", "Long", "Hưng", "Yên", "Thịnh", "Đông", "Tây",
    "Nam", "Bắc", "Trung", "Lợi", "Phước", "Mỹ", "Vĩnh", "Thuận", "Quang", "Minh", "Hồng", "Sơn",
    "Thủy", "Lâm", "Hải", "Đức", "Thành", "Kim", "Xuân", "Hợp", "Tiến", "Lạc", "Phong", "Định",
    "Khánh", "Cát", "Tường", "Hà",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provinces_are_the_reference_provinces_of_2025() {
        let reference: Vec<&str> = partyregistry_membership::domain::units::REFERENCE_PROVINCES
            .iter()
            .filter(|(_, _, _, until)| until.is_empty())
            .map(|(code, ..)| *code)
            .collect();
        let shaped: Vec<&str> = PROVINCES.iter().map(|p| p.code).collect();
        assert_eq!(shaped, reference);
        let communes: u32 = PROVINCES.iter().map(|p| p.communes).sum();
        assert!((3_200..=3_400).contains(&communes), "{communes}");
    }
}
