//! Reporting's enums and how it spells them: in its tables, and as the keys of report buckets
//! (`CANDIDATE_STAGE_IDENTIFIED`, `RATING_LEVEL_GOOD`). The spellings are the contract's value
//! names, so that a stored row, a bucket key and the label looked up for it agree. Stages and
//! education levels are the rules' own enums.

use partyregistry_rules::{CandidateStage, Education};

/// Every stage in the pipeline's order, closed stages last.
pub const STAGES: [CandidateStage; 9] = [
    CandidateStage::Identified,
    CandidateStage::ClassDone,
    CandidateStage::Dossier,
    CandidateStage::Verified,
    CandidateStage::CellApproved,
    CandidateStage::CommitteeApproved,
    CandidateStage::Admitted,
    CandidateStage::Withdrawn,
    CandidateStage::Ineligible,
];

/// The spelling of a stage.
pub fn stage_key(stage: CandidateStage) -> &'static str {
    match stage {
        CandidateStage::Identified => "CANDIDATE_STAGE_IDENTIFIED",
        CandidateStage::ClassDone => "CANDIDATE_STAGE_CLASS_DONE",
        CandidateStage::Dossier => "CANDIDATE_STAGE_DOSSIER",
        CandidateStage::Verified => "CANDIDATE_STAGE_VERIFIED",
        CandidateStage::CellApproved => "CANDIDATE_STAGE_CELL_APPROVED",
        CandidateStage::CommitteeApproved => "CANDIDATE_STAGE_COMMITTEE_APPROVED",
        CandidateStage::Admitted => "CANDIDATE_STAGE_ADMITTED",
        CandidateStage::Withdrawn => "CANDIDATE_STAGE_WITHDRAWN",
        CandidateStage::Ineligible => "CANDIDATE_STAGE_INELIGIBLE",
    }
}

/// The stage spelled `key`, if it is one.
pub fn stage_from_key(key: &str) -> Option<CandidateStage> {
    STAGES.into_iter().find(|stage| stage_key(*stage) == key)
}

/// Every education level, lowest first.
pub const EDUCATIONS: [Education; 3] = [
    Education::Primary,
    Education::LowerSecondary,
    Education::UpperSecondary,
];

/// The spelling of an education level.
pub fn education_key(level: Education) -> &'static str {
    match level {
        Education::Primary => "GENERAL_EDUCATION_PRIMARY",
        Education::LowerSecondary => "GENERAL_EDUCATION_LOWER_SECONDARY",
        Education::UpperSecondary => "GENERAL_EDUCATION_UPPER_SECONDARY",
    }
}

/// The education level spelled `key`, if it is one.
pub fn education_from_key(key: &str) -> Option<Education> {
    EDUCATIONS
        .into_iter()
        .find(|level| education_key(*level) == key)
}

/// The cell kinds in the contract's order, the unset kind first: the order kind buckets are
/// listed in.
pub const CELL_KINDS: [&str; 8] = [
    "CELL_KIND_UNSPECIFIED",
    "CELL_KIND_RESIDENTIAL",
    "CELL_KIND_SCHOOL",
    "CELL_KIND_POLICE",
    "CELL_KIND_MILITARY",
    "CELL_KIND_AGENCY",
    "CELL_KIND_ENTERPRISE",
    "CELL_KIND_OTHER",
];

/// A male member's gender.
pub const MALE: &str = "GENDER_MALE";
/// A female member's gender.
pub const FEMALE: &str = "GENDER_FEMALE";

/// The political theory levels, none first (an unset level is stored as none).
pub const POLITICAL_THEORY_LEVELS: [&str; 4] = [
    "POLITICAL_THEORY_NONE",
    "POLITICAL_THEORY_ELEMENTARY",
    "POLITICAL_THEORY_INTERMEDIATE",
    "POLITICAL_THEORY_ADVANCED",
];

/// The professional qualifications, none first (an unset one is stored as none).
pub const QUALIFICATION_LEVELS: [&str; 6] = [
    "QUALIFICATION_NONE",
    "QUALIFICATION_VOCATIONAL",
    "QUALIFICATION_COLLEGE",
    "QUALIFICATION_UNIVERSITY",
    "QUALIFICATION_MASTER",
    "QUALIFICATION_DOCTORATE",
];

/// A seconded member's assignment.
pub const SECONDED: &str = "ASSIGNMENT_SECONDED";
/// An exempt member's status: official, whether or not the feed dated it.
pub const EXEMPT: &str = "MEMBER_STATUS_EXEMPT";
/// A deceased member's status.
pub const DECEASED: &str = "MEMBER_STATUS_DECEASED";

/// The unit level of province merges.
pub const PROVINCE_LEVEL: &str = "UNIT_LEVEL_PROVINCE";
/// The unit level of commune merges.
pub const COMMUNE_LEVEL: &str = "UNIT_LEVEL_COMMUNE";

/// A yearly rating of a cell or a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RatingLevel {
    /// Completed its tasks excellently.
    Excellent,
    /// Completed its tasks well.
    Good,
    /// Completed its tasks.
    Completed,
    /// Did not complete its tasks.
    NotCompleted,
}

impl RatingLevel {
    /// The four levels, best first.
    pub const ALL: [Self; 4] = [
        Self::Excellent,
        Self::Good,
        Self::Completed,
        Self::NotCompleted,
    ];

    /// The spelling of the level.
    pub fn key(self) -> &'static str {
        match self {
            Self::Excellent => "RATING_LEVEL_EXCELLENT",
            Self::Good => "RATING_LEVEL_GOOD",
            Self::Completed => "RATING_LEVEL_COMPLETED",
            Self::NotCompleted => "RATING_LEVEL_NOT_COMPLETED",
        }
    }

    /// The level spelled `key`, if it is one.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_reads_back() {
        for stage in STAGES {
            assert_eq!(stage_from_key(stage_key(stage)), Some(stage));
        }
        for level in EDUCATIONS {
            assert_eq!(education_from_key(education_key(level)), Some(level));
        }
        for level in RatingLevel::ALL {
            assert_eq!(RatingLevel::from_key(level.key()), Some(level));
        }
        assert_eq!(stage_from_key("CANDIDATE_STAGE_UNSPECIFIED"), None);
    }
}
