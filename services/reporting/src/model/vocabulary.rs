//! Reporting's enums and how it spells them: in its tables, and as the keys of report buckets
//! (`CANDIDATE_STAGE_IDENTIFIED`, `RATING_LEVEL_GOOD`). The spellings are the contract's value
//! names, so that a stored row, a bucket key and the label looked up for it agree (a test in
//! `crate::ingest::projection` holds them to the contract). Stages, candidates' education
//! levels and exception kinds are the rules' own enums.

use partyregistry_rules::eligibility::ExceptionKind;
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

/// The spelling of an exception kind.
pub fn exception_key(kind: ExceptionKind) -> &'static str {
    match kind {
        ExceptionKind::OverAgeConsent => "EXCEPTION_KIND_OVER_AGE_CONSENT",
        ExceptionKind::VillageElderLiteracy => "EXCEPTION_KIND_VILLAGE_ELDER_LITERACY",
        ExceptionKind::EducationByVillage => "EXCEPTION_KIND_EDUCATION_BY_VILLAGE",
        ExceptionKind::EducationByPersonalSituation => {
            "EXCEPTION_KIND_EDUCATION_BY_PERSONAL_SITUATION"
        }
    }
}

/// The exception kind spelled `key`, if it is one (the unset kind is not).
pub fn exception_from_key(key: &str) -> Option<ExceptionKind> {
    ExceptionKind::ALL
        .into_iter()
        .find(|kind| exception_key(*kind) == key)
}

/// Every education level, lowest first.
pub const EDUCATIONS: [Education; 4] = [
    Education::Literate,
    Education::Primary,
    Education::LowerSecondary,
    Education::UpperSecondary,
];

/// The spellings of the qualification levels, lowest first, as a breakdown lists them: the
/// contract added sơ cấp and trung cấp at its end, after the merged value they replace.
pub const QUALIFICATION_ORDER: [&str; 8] = [
    "QUALIFICATION_NONE",
    "QUALIFICATION_VOCATIONAL",
    "QUALIFICATION_ELEMENTARY",
    "QUALIFICATION_INTERMEDIATE",
    "QUALIFICATION_COLLEGE",
    "QUALIFICATION_UNIVERSITY",
    "QUALIFICATION_MASTER",
    "QUALIFICATION_DOCTORATE",
];

/// The spelling of an education level: a member's level of the same name.
pub fn education_key(level: Education) -> &'static str {
    GeneralEducation::from(level).key()
}

/// The education level spelled `key`, if it is one (the unset level is not).
pub fn education_from_key(key: &str) -> Option<Education> {
    GeneralEducation::from_key(key).and_then(GeneralEducation::level)
}

impl From<Education> for GeneralEducation {
    fn from(level: Education) -> Self {
        match level {
            Education::Literate => Self::Literate,
            Education::Primary => Self::Primary,
            Education::LowerSecondary => Self::LowerSecondary,
            Education::UpperSecondary => Self::UpperSecondary,
        }
    }
}

impl GeneralEducation {
    /// The rules' level; `None` when unset.
    pub fn level(self) -> Option<Education> {
        match self {
            Self::Unspecified => None,
            Self::Literate => Some(Education::Literate),
            Self::Primary => Some(Education::Primary),
            Self::LowerSecondary => Some(Education::LowerSecondary),
            Self::UpperSecondary => Some(Education::UpperSecondary),
        }
    }
}

/// An enum of reporting's, each value with its one spelling: `ALL` in the contract's order (so
/// that the derived order is the order buckets are listed in), `key` and `from_key`.
macro_rules! spelled {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// Every spelling, in the same order.
            pub const KEYS: &'static [&'static str] = &[$($key,)*];

            /// The spelling of the value.
            pub fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)*
                }
            }

            /// The value spelled `key`, if it is one.
            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.key() == key)
            }
        }
    };
}

spelled! {
    /// The kind of a party cell.
    CellKind {
        /// The feed did not say.
        Unspecified = "CELL_KIND_UNSPECIFIED",
        /// A village or residential group.
        Residential = "CELL_KIND_RESIDENTIAL",
        /// A school.
        School = "CELL_KIND_SCHOOL",
        /// The police.
        Police = "CELL_KIND_POLICE",
        /// The military.
        Military = "CELL_KIND_MILITARY",
        /// A public agency.
        Agency = "CELL_KIND_AGENCY",
        /// An enterprise.
        Enterprise = "CELL_KIND_ENTERPRISE",
        /// Any other.
        Other = "CELL_KIND_OTHER",
    }
}

spelled! {
    /// A member's gender.
    Gender {
        /// The feed did not say.
        Unspecified = "GENDER_UNSPECIFIED",
        /// Male.
        Male = "GENDER_MALE",
        /// Female.
        Female = "GENDER_FEMALE",
    }
}

spelled! {
    /// A member's general education; candidates and the rules use [`Education`], which has no
    /// unset value.
    GeneralEducation {
        /// The feed did not say.
        Unspecified = "GENERAL_EDUCATION_UNSPECIFIED",
        /// Primary school.
        Primary = "GENERAL_EDUCATION_PRIMARY",
        /// Lower secondary school.
        LowerSecondary = "GENERAL_EDUCATION_LOWER_SECONDARY",
        /// Upper secondary school.
        UpperSecondary = "GENERAL_EDUCATION_UPPER_SECONDARY",
        /// Literate without a completed primary school (numbered after the others in the
        /// contract).
        Literate = "GENERAL_EDUCATION_LITERATE",
    }
}

spelled! {
    /// A member's political theory level; an unset level reads as none.
    PoliticalTheory {
        /// None.
        None = "POLITICAL_THEORY_NONE",
        /// Elementary.
        Elementary = "POLITICAL_THEORY_ELEMENTARY",
        /// Intermediate.
        Intermediate = "POLITICAL_THEORY_INTERMEDIATE",
        /// Advanced.
        Advanced = "POLITICAL_THEORY_ADVANCED",
    }
}

spelled! {
    /// A member's professional qualification; an unset one reads as none.
    Qualification {
        /// None.
        None = "QUALIFICATION_NONE",
        /// Sơ cấp or trung cấp, not told apart (records from before the two were split).
        Vocational = "QUALIFICATION_VOCATIONAL",
        /// College.
        College = "QUALIFICATION_COLLEGE",
        /// University.
        University = "QUALIFICATION_UNIVERSITY",
        /// Master's degree.
        Master = "QUALIFICATION_MASTER",
        /// Doctorate.
        Doctorate = "QUALIFICATION_DOCTORATE",
        /// Sơ cấp.
        Elementary = "QUALIFICATION_ELEMENTARY",
        /// Trung cấp.
        Intermediate = "QUALIFICATION_INTERMEDIATE",
    }
}

spelled! {
    /// Whether a member is a local member or a seconded official; an unset assignment reads as
    /// local.
    Assignment {
        /// A local member.
        Local = "ASSIGNMENT_LOCAL",
        /// A seconded official.
        Seconded = "ASSIGNMENT_SECONDED",
    }
}

spelled! {
    /// Where a member stands.
    MemberStatus {
        /// The feed did not say.
        Unspecified = "MEMBER_STATUS_UNSPECIFIED",
        /// Admission decided, ceremony pending.
        Admitted = "MEMBER_STATUS_ADMITTED",
        /// Probationary member.
        Probationary = "MEMBER_STATUS_PROBATIONARY",
        /// Official member.
        Official = "MEMBER_STATUS_OFFICIAL",
        /// Exempt from activities: official, whether or not the feed dated it.
        Exempt = "MEMBER_STATUS_EXEMPT",
        /// Transferred out of the registry.
        TransferredOut = "MEMBER_STATUS_TRANSFERRED_OUT",
        /// Deceased.
        Deceased = "MEMBER_STATUS_DECEASED",
        /// Removed from the roll.
        Removed = "MEMBER_STATUS_REMOVED",
        /// Resigned.
        Resigned = "MEMBER_STATUS_RESIGNED",
        /// Expelled.
        Expelled = "MEMBER_STATUS_EXPELLED",
    }
}

spelled! {
    /// What a recorded member event was.
    EventType {
        /// The feed did not say.
        Unspecified = "EVENT_TYPE_UNSPECIFIED",
        /// Admission decided.
        AdmissionDecided = "EVENT_TYPE_ADMISSION_DECIDED",
        /// Ceremony held.
        CeremonyHeld = "EVENT_TYPE_CEREMONY_HELD",
        /// Recognised as official.
        RecognizedOfficial = "EVENT_TYPE_RECOGNIZED_OFFICIAL",
        /// Transferred in.
        TransferredIn = "EVENT_TYPE_TRANSFERRED_IN",
        /// Moved between cells.
        TransferredBetweenCells = "EVENT_TYPE_TRANSFERRED_BETWEEN_CELLS",
        /// Moved to another commune.
        TransferredToCommune = "EVENT_TYPE_TRANSFERRED_TO_COMMUNE",
        /// Transferred out.
        TransferredOut = "EVENT_TYPE_TRANSFERRED_OUT",
        /// A temporary transfer started.
        TemporaryTransferStarted = "EVENT_TYPE_TEMPORARY_TRANSFER_STARTED",
        /// A temporary transfer ended.
        TemporaryTransferEnded = "EVENT_TYPE_TEMPORARY_TRANSFER_ENDED",
        /// Exempted from activities.
        Exempted = "EVENT_TYPE_EXEMPTED",
        /// The exemption ended.
        ExemptionEnded = "EVENT_TYPE_EXEMPTION_ENDED",
        /// Died.
        Died = "EVENT_TYPE_DIED",
        /// Removed from the roll.
        Removed = "EVENT_TYPE_REMOVED",
        /// Resigned.
        Resigned = "EVENT_TYPE_RESIGNED",
        /// Expelled.
        Expelled = "EVENT_TYPE_EXPELLED",
        /// Details corrected.
        DetailsUpdated = "EVENT_TYPE_DETAILS_UPDATED",
        /// A Party discipline short of expulsion.
        Disciplined = "EVENT_TYPE_DISCIPLINED",
    }
}

spelled! {
    /// The level of merged administrative units.
    UnitLevel {
        /// Provinces.
        Province = "UNIT_LEVEL_PROVINCE",
        /// Communes.
        Commune = "UNIT_LEVEL_COMMUNE",
    }
}

/// The values an empty record holds until the feed says otherwise.
macro_rules! unset_by_default {
    ($($name:ident => $default:ident,)*) => {
        $(impl Default for $name {
            fn default() -> Self {
                Self::$default
            }
        })*
    };
}

unset_by_default! {
    Gender => Unspecified,
    GeneralEducation => Unspecified,
    PoliticalTheory => None,
    Qualification => None,
    MemberStatus => Unspecified,
}

spelled! {
    /// A yearly rating of a cell or a member, best first.
    RatingLevel {
        /// Completed its tasks excellently.
        Excellent = "RATING_LEVEL_EXCELLENT",
        /// Completed its tasks well.
        Good = "RATING_LEVEL_GOOD",
        /// Completed its tasks.
        Completed = "RATING_LEVEL_COMPLETED",
        /// Did not complete its tasks.
        NotCompleted = "RATING_LEVEL_NOT_COMPLETED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qualification_order_lists_every_level_once() {
        let mut ordered = QUALIFICATION_ORDER.to_vec();
        ordered.sort_unstable();
        let mut keys = Qualification::KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(ordered, keys);
    }

    #[test]
    fn every_spelling_reads_back() {
        for stage in STAGES {
            assert_eq!(stage_from_key(stage_key(stage)), Some(stage));
        }
        for level in EDUCATIONS {
            assert_eq!(education_from_key(education_key(level)), Some(level));
        }
        for level in RatingLevel::ALL {
            assert_eq!(RatingLevel::from_key(level.key()), Some(*level));
        }
        for kind in EventType::ALL {
            assert_eq!(EventType::from_key(kind.key()), Some(*kind));
        }
        assert_eq!(stage_from_key("CANDIDATE_STAGE_UNSPECIFIED"), None);
    }
}
