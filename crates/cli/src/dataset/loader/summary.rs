//! What a seed run did: created and already present, per kind of record, and how that reads in
//! Vietnamese.

use crate::dataset::figures::{COMMUNE, COMMUNE_DISPLAY_NAME, MERGE_EFFECTIVE_DATE};

/// What a [`seed`](super::seed) run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeedSummary {
    /// Communes created by this run.
    pub communes_created: u32,
    /// Communes that were already there.
    pub communes_present: u32,
    /// Cells created by this run.
    pub cells_created: u32,
    /// Cells that were already there.
    pub cells_present: u32,
    /// Members admitted by this run.
    pub members_created: u32,
    /// Members that were already on the roll.
    pub members_present: u32,
    /// Targets set by this run.
    pub targets_created: u32,
    /// Targets that were already there.
    pub targets_present: u32,
    /// Cell plans set by this run.
    pub plans_created: u32,
    /// Cell plans that were already there.
    pub plans_present: u32,
    /// Candidates created by this run.
    pub candidates_created: u32,
    /// Candidates that were already there.
    pub candidates_present: u32,
    /// Cell ratings recorded by this run.
    pub cell_ratings_created: u32,
    /// Cell ratings that were already there.
    pub cell_ratings_present: u32,
    /// Member ratings recorded by this run.
    pub member_ratings_created: u32,
    /// Member ratings that were already there.
    pub member_ratings_present: u32,
    /// Tả Phời created by this run (0 or 1).
    pub ta_phoi_communes_created: u32,
    /// Tả Phời already there (0 or 1).
    pub ta_phoi_communes_present: u32,
    /// Tả Phời's cells created by this run.
    pub ta_phoi_cells_created: u32,
    /// Tả Phời's cells already there.
    pub ta_phoi_cells_present: u32,
    /// Tả Phời's members admitted by this run.
    pub ta_phoi_members_created: u32,
    /// Tả Phời's members already on a roll.
    pub ta_phoi_members_present: u32,
    /// Merges recorded by this run.
    pub merges_created: u32,
    /// Merges already recorded.
    pub merges_present: u32,
    /// Hợp Thành's cells for Tả Phời's villages created by this run.
    pub merged_cells_created: u32,
    /// Those cells already there.
    pub merged_cells_present: u32,
    /// Tả Phời members transferred to Hợp Thành by this run.
    pub transfers_made: u32,
    /// Tả Phời members already in Hợp Thành.
    pub transfers_present: u32,
    /// Tả Phời cells closed by this run.
    pub cells_closed: u32,
    /// Tả Phời cells already closed.
    pub cells_closed_present: u32,
    /// Party-age fields of Hợp Thành members set by this run.
    pub member_updates_made: u32,
    /// Party-age fields already set.
    pub member_updates_present: u32,
}

impl SeedSummary {
    /// True when the run created nothing: the dataset was complete already.
    pub fn nothing_created(&self) -> bool {
        self.communes_created == 0
            && self.cells_created == 0
            && self.members_created == 0
            && self.targets_created == 0
            && self.plans_created == 0
            && self.candidates_created == 0
            && self.cell_ratings_created == 0
            && self.member_ratings_created == 0
            && self.ta_phoi_communes_created == 0
            && self.ta_phoi_cells_created == 0
            && self.ta_phoi_members_created == 0
            && self.merges_created == 0
            && self.merged_cells_created == 0
            && self.transfers_made == 0
            && self.cells_closed == 0
            && self.member_updates_made == 0
    }

    /// The summary as Vietnamese text.
    pub fn render(&self) -> String {
        let mut out = format!("Dữ liệu mẫu {COMMUNE_DISPLAY_NAME} ({COMMUNE}):\n");
        for (what, created, present) in [
            ("xã", self.communes_created, self.communes_present),
            ("chi bộ", self.cells_created, self.cells_present),
            ("đảng viên", self.members_created, self.members_present),
            (
                "chỉ tiêu nhiệm kỳ",
                self.targets_created,
                self.targets_present,
            ),
            ("kế hoạch chi bộ", self.plans_created, self.plans_present),
            (
                "nguồn phát triển đảng viên",
                self.candidates_created,
                self.candidates_present,
            ),
            (
                "xếp loại chi bộ",
                self.cell_ratings_created,
                self.cell_ratings_present,
            ),
            (
                "xếp loại đảng viên",
                self.member_ratings_created,
                self.member_ratings_present,
            ),
        ] {
            out.push_str(&format!("  {what}: tạo mới {created}, đã có {present}\n"));
        }
        let merge_lines = [
            (
                "xã Tả Phời",
                self.ta_phoi_communes_created,
                self.ta_phoi_communes_present,
            ),
            (
                "chi bộ xã Tả Phời",
                self.ta_phoi_cells_created,
                self.ta_phoi_cells_present,
            ),
            (
                "đảng viên xã Tả Phời",
                self.ta_phoi_members_created,
                self.ta_phoi_members_present,
            ),
            ("sáp nhập", self.merges_created, self.merges_present),
            (
                "chi bộ mới của Hợp Thành (từ 2025-07-01)",
                self.merged_cells_created,
                self.merged_cells_present,
            ),
            (
                "chuyển sinh hoạt về Hợp Thành",
                self.transfers_made,
                self.transfers_present,
            ),
            (
                "chi bộ Tả Phời giải thể",
                self.cells_closed,
                self.cells_closed_present,
            ),
            (
                "tuổi đảng, huy hiệu",
                self.member_updates_made,
                self.member_updates_present,
            ),
        ];
        if merge_lines
            .iter()
            .any(|(_, created, present)| created + present > 0)
        {
            out.push_str(&format!(
                "Xã Tả Phời và sáp nhập vào {COMMUNE_DISPLAY_NAME} ngày {MERGE_EFFECTIVE_DATE}:\n"
            ));
            for (what, created, present) in merge_lines {
                out.push_str(&format!("  {what}: tạo mới {created}, đã có {present}\n"));
            }
        }
        out
    }
}
