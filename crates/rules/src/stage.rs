//! The stages a candidate passes on the way to admission: the order of the steps and what a cell
//! secretary does at each.

use crate::eligibility::BlockerCode;

/// Where a candidate stands in the admission pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CandidateStage {
    /// Identified as a source (quần chúng ưu tú).
    Identified,
    /// Finished the Party awareness class.
    ClassDone,
    /// Dossier being prepared.
    Dossier,
    /// Background verified.
    Verified,
    /// The cell voted for admission.
    CellApproved,
    /// The commune committee voted for admission; the decision is pending.
    CommitteeApproved,
    /// Admitted: a member record exists.
    Admitted,
    /// Left the pipeline of their own accord.
    Withdrawn,
    /// Found ineligible.
    Ineligible,
}

impl CandidateStage {
    /// Whether a candidate at this stage is still in the pipeline.
    pub fn is_open(self) -> bool {
        use CandidateStage::*;
        matches!(
            self,
            Identified | ClassDone | Dossier | Verified | CellApproved | CommitteeApproved
        )
    }

    /// The stage after this one on the way to admission; `None` from a closed stage.
    pub fn next(self) -> Option<Self> {
        use CandidateStage::*;
        match self {
            Identified => Some(ClassDone),
            ClassDone => Some(Dossier),
            Dossier => Some(Verified),
            Verified => Some(CellApproved),
            CellApproved => Some(CommitteeApproved),
            CommitteeApproved => Some(Admitted),
            Admitted | Withdrawn | Ineligible => None,
        }
    }

    /// What a cell secretary should do next for a candidate at this stage, in Vietnamese: remove
    /// the first blocker when there is one, otherwise take the stage's next step.
    pub fn next_step(self, first_blocker: Option<BlockerCode>) -> String {
        use CandidateStage::*;
        if let Some(blocker) = first_blocker.filter(|_| self.is_open()) {
            return format!("Tháo gỡ vướng mắc — {}", blocker.label());
        }
        match self {
            Identified => "Cử đi học lớp bồi dưỡng nhận thức về Đảng",
            ClassDone => "Hướng dẫn hoàn thiện hồ sơ xin vào Đảng",
            Dossier => "Thẩm tra lý lịch",
            Verified => "Chi bộ họp xét, biểu quyết đề nghị kết nạp",
            CellApproved => "Đảng ủy xã xét, biểu quyết kết nạp",
            CommitteeApproved => "Ra quyết định và tổ chức lễ kết nạp",
            Admitted => "Đã kết nạp",
            Withdrawn | Ineligible => "Không còn trong nguồn",
        }
        .to_owned()
    }
}
