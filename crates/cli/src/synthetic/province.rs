//! The generated province itself: Lai Châu's code, its four communes and their cells, the 2025
//! merge, the dates the figures are counted on, and the calendar helpers that keep every generated
//! event off those dates.

use chrono::{Duration, NaiveDate};
use partyregistry_proto::membership::v1::CellKind;
use partyregistry_vocab::date;

use crate::dataset::people::identity::{SplitMix64, ymd};

/// The seed of `partyctl seed --synthetic-province` when none is given.
pub const DEFAULT_SEED: u64 = 2025;
/// Lai Châu's province code.
pub const PROVINCE_CODE: &str = "12";
/// Lai Châu's resource name.
pub const PROVINCE: &str = "provinces/12";
/// The first day of the merged commune.
pub const MERGE_DATE: &str = "2025-07-01";
/// The legal basis recorded on the merge.
pub const MERGE_LEGAL_BASIS: &str = "Nghị quyết 1670/NQ-UBTVQH15";
/// First day of the generated events.
pub const FIRST_EVENT_DATE: &str = "2015-01-01";
/// Nothing is generated after this day.
pub const LAST_DATE: &str = "2026-06-30";
/// The days the summary counts members on.
pub const COUNT_DATES: [&str; 6] = [
    "2014-12-31",
    "2019-12-31",
    "2024-12-31",
    "2025-06-30",
    "2025-07-01",
    "2026-06-30",
];

/// A commune of the generated province.
pub(in crate::synthetic) struct CommuneSpec {
    pub(in crate::synthetic) code: &'static str,
    pub(in crate::synthetic) display_name: &'static str,
    pub(in crate::synthetic) valid_from: (i32, u32, u32),
    /// (cell id, display name, kind).
    pub(in crate::synthetic) cells: [(&'static str, &'static str, CellKind); 3],
    /// Members admitted before 2015 (on the roll when the events begin).
    pub(in crate::synthetic) veterans: usize,
    /// Members admitted from 2015.
    pub(in crate::synthetic) newcomers: usize,
}

/// The four communes; the last two merge into [`SUCCESSOR`].
pub(in crate::synthetic) const COMMUNES: [CommuneSpec; 4] = [
    CommuneSpec {
        code: "03190",
        display_name: "Xã Sơn Bình",
        valid_from: (2004, 1, 1),
        cells: [
            ("ban-hon", "Chi bộ bản Hon", CellKind::Residential),
            ("ban-thang", "Chi bộ bản Thẳng", CellKind::Residential),
            (
                "truong-son-binh",
                "Chi bộ Trường THCS Sơn Bình",
                CellKind::School,
            ),
        ],
        veterans: 26,
        newcomers: 7,
    },
    CommuneSpec {
        code: "03193",
        display_name: "Xã Bản Giang",
        valid_from: (2004, 1, 1),
        cells: [
            ("ban-giang", "Chi bộ bản Giang", CellKind::Residential),
            ("na-luong", "Chi bộ bản Nà Lương", CellKind::Residential),
            (
                "cong-an-ban-giang",
                "Chi bộ Công an xã Bản Giang",
                CellKind::Police,
            ),
        ],
        veterans: 22,
        newcomers: 6,
    },
    CommuneSpec {
        code: "03196",
        display_name: "Xã Hồ Thầu",
        valid_from: (2004, 1, 1),
        cells: [
            ("ho-thau", "Chi bộ bản Hồ Thầu", CellKind::Residential),
            ("can-ho", "Chi bộ bản Căn Hồ", CellKind::Residential),
            (
                "truong-ho-thau",
                "Chi bộ Trường Tiểu học Hồ Thầu",
                CellKind::School,
            ),
        ],
        veterans: 18,
        newcomers: 5,
    },
    CommuneSpec {
        code: "03199",
        display_name: "Xã Nùng Nàng",
        valid_from: (2004, 1, 1),
        cells: [
            ("nung-nang", "Chi bộ bản Nùng Nàng", CellKind::Residential),
            (
                "lo-suoi-tung",
                "Chi bộ bản Lở Suối Tủng",
                CellKind::Residential,
            ),
            (
                "tram-y-te",
                "Chi bộ Trạm Y tế xã Nùng Nàng",
                CellKind::Agency,
            ),
        ],
        veterans: 16,
        newcomers: 4,
    },
];

/// The commune created by the merge.
pub(in crate::synthetic) const SUCCESSOR: CommuneSpec = CommuneSpec {
    code: "03226",
    display_name: "Xã Tả Lèng",
    valid_from: (2025, 7, 1),
    cells: [
        ("ho-thau", "Chi bộ bản Hồ Thầu", CellKind::Residential),
        ("nung-nang", "Chi bộ bản Nùng Nàng", CellKind::Residential),
        (
            "truong-ta-leng",
            "Chi bộ Trường PTDTBT Tả Lèng",
            CellKind::School,
        ),
    ],
    veterans: 0,
    newcomers: 3,
};

/// Indexes into [`COMMUNES`] of the merged pair.
pub(in crate::synthetic) const MERGED: [usize; 2] = [2, 3];

pub(in crate::synthetic) fn day(value: &str) -> NaiveDate {
    // The constants of this module are valid dates (a unit test checks them).
    date::parse(value).unwrap_or_default()
}

pub(in crate::synthetic) fn tuple(value: (i32, u32, u32)) -> NaiveDate {
    ymd(value.0, value.1, value.2)
}

/// A day between `from` and `to` (inclusive) that is none of the [`COUNT_DATES`] and not the
/// merge day.
pub(in crate::synthetic) fn random_day(
    rng: &mut SplitMix64,
    from: NaiveDate,
    to: NaiveDate,
) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    avoid_count_dates(from + Duration::days(rng.range(0, span)))
}

/// `value`, moved on by two days at a time while it is one of the [`COUNT_DATES`] or the merge
/// day.
pub(in crate::synthetic) fn avoid_count_dates(mut value: NaiveDate) -> NaiveDate {
    let avoided: Vec<NaiveDate> = COUNT_DATES
        .iter()
        .map(|d| day(d))
        .chain([day(MERGE_DATE)])
        .collect();
    while avoided.contains(&value) {
        value += Duration::days(2);
    }
    value
}

pub(in crate::synthetic) fn commune_spec(code: &str) -> &'static CommuneSpec {
    COMMUNES
        .iter()
        .find(|c| c.code == code)
        .unwrap_or(&SUCCESSOR)
}

/// The communes a member may move to on `on` from `from_code`.
pub(in crate::synthetic) fn destinations(
    from_code: &str,
    on: NaiveDate,
) -> Vec<&'static CommuneSpec> {
    let merged = on >= day(MERGE_DATE);
    COMMUNES
        .iter()
        .enumerate()
        .filter(|(index, _)| !(merged && MERGED.contains(index)))
        .map(|(_, spec)| spec)
        .chain(merged.then_some(&SUCCESSOR))
        .filter(|spec| spec.code != from_code)
        .collect()
}
