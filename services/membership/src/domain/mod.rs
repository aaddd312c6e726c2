//! The rules of the membership roll, in plain Rust: the values a member record holds, the
//! lifecycle state machine of domain.md §3, the admission pipeline's own rules (candidate
//! stages, votes, targets) and administrative units ([`units`]: provinces, merges). The numbers
//! come from the regulation version in force on each event's date: a
//! `partyregistry_rules::RuleTable` the store loads from its data.
//!
//! Nothing here knows about gRPC or SQL, and nothing here names the layers that do: the
//! conversions validate requests into these types and the store persists them.

pub mod admission;
mod error;
pub mod import;
mod lifecycle;
mod readmission;

pub use error::RuleError;
pub use lifecycle::*;
pub use readmission::*;

pub use partyregistry_rules::DisciplineForm;
use partyregistry_rules::RuleTable;
use partyregistry_vocab::date::Date;

/// Defines an enum whose values have stable names: the contracts' enum value names, also the
/// text stored in the database.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The stable name: the contract's enum value name.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// The value with this stable name.
            pub fn from_name(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

named_enum!(
    /// What a Party cell is attached to.
    CellKind {
        /// Residential area or village.
        Residential = "CELL_KIND_RESIDENTIAL",
        /// School.
        School = "CELL_KIND_SCHOOL",
        /// Commune police.
        Police = "CELL_KIND_POLICE",
        /// Commune military.
        Military = "CELL_KIND_MILITARY",
        /// Public agency.
        Agency = "CELL_KIND_AGENCY",
        /// Enterprise.
        Enterprise = "CELL_KIND_ENTERPRISE",
        /// Anything else.
        Other = "CELL_KIND_OTHER",
    }
);

named_enum!(
    /// Area classifications that relax the education requirement.
    AreaKind {
        /// Mountainous.
        Mountainous = "AREA_KIND_MOUNTAINOUS",
        /// Ethnic-minority area.
        EthnicMinority = "AREA_KIND_ETHNIC_MINORITY",
        /// Extremely difficult area.
        ExtremelyDifficult = "AREA_KIND_EXTREMELY_DIFFICULT",
    }
);

named_enum!(
    /// Gender on the member's file.
    Gender {
        /// Nam.
        Male = "GENDER_MALE",
        /// Nữ.
        Female = "GENDER_FEMALE",
    }
);

named_enum!(
    /// Highest completed general education.
    GeneralEducation {
        /// Tiểu học.
        Primary = "GENERAL_EDUCATION_PRIMARY",
        /// Trung học cơ sở.
        LowerSecondary = "GENERAL_EDUCATION_LOWER_SECONDARY",
        /// Trung học phổ thông.
        UpperSecondary = "GENERAL_EDUCATION_UPPER_SECONDARY",
    }
);

named_enum!(
    /// Professional qualification.
    Qualification {
        /// None.
        None = "QUALIFICATION_NONE",
        /// Sơ cấp or trung cấp, not told apart: records from before the two were split.
        Vocational = "QUALIFICATION_VOCATIONAL",
        /// Sơ cấp.
        Elementary = "QUALIFICATION_ELEMENTARY",
        /// Trung cấp.
        Intermediate = "QUALIFICATION_INTERMEDIATE",
        /// College.
        College = "QUALIFICATION_COLLEGE",
        /// University.
        University = "QUALIFICATION_UNIVERSITY",
        /// Master.
        Master = "QUALIFICATION_MASTER",
        /// Doctorate.
        Doctorate = "QUALIFICATION_DOCTORATE",
    }
);

named_enum!(
    /// Political theory level.
    PoliticalTheory {
        /// None.
        None = "POLITICAL_THEORY_NONE",
        /// Sơ cấp.
        Elementary = "POLITICAL_THEORY_ELEMENTARY",
        /// Trung cấp.
        Intermediate = "POLITICAL_THEORY_INTERMEDIATE",
        /// Cao cấp.
        Advanced = "POLITICAL_THEORY_ADVANCED",
    }
);

named_enum!(
    /// Local member or seconded official.
    Assignment {
        /// Local.
        Local = "ASSIGNMENT_LOCAL",
        /// Seconded (biệt phái).
        Seconded = "ASSIGNMENT_SECONDED",
    }
);

named_enum!(
    /// Where a member stands in the lifecycle.
    MemberStatus {
        /// Decision made, ceremony pending.
        Admitted = "MEMBER_STATUS_ADMITTED",
        /// Dự bị.
        Probationary = "MEMBER_STATUS_PROBATIONARY",
        /// Chính thức.
        Official = "MEMBER_STATUS_OFFICIAL",
        /// Official, exempt from work and meetings.
        Exempt = "MEMBER_STATUS_EXEMPT",
        /// Transferred out of the system.
        TransferredOut = "MEMBER_STATUS_TRANSFERRED_OUT",
        /// Died.
        Deceased = "MEMBER_STATUS_DECEASED",
        /// Removed from the roll.
        Removed = "MEMBER_STATUS_REMOVED",
        /// Resigned.
        Resigned = "MEMBER_STATUS_RESIGNED",
        /// Expelled.
        Expelled = "MEMBER_STATUS_EXPELLED",
    }
);

impl MemberStatus {
    /// Whether the member is still on a roll of this system (not departed, not transferred out).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Self::Admitted | Self::Probationary | Self::Official | Self::Exempt
        )
    }
}

named_enum!(
    /// What happened to a member.
    EventType {
        /// Admission decision.
        AdmissionDecided = "EVENT_TYPE_ADMISSION_DECIDED",
        /// Ceremony.
        CeremonyHeld = "EVENT_TYPE_CEREMONY_HELD",
        /// Recognition as official.
        RecognizedOfficial = "EVENT_TYPE_RECOGNIZED_OFFICIAL",
        /// Joined by transfer from outside.
        TransferredIn = "EVENT_TYPE_TRANSFERRED_IN",
        /// Moved between cells of a commune.
        TransferredBetweenCells = "EVENT_TYPE_TRANSFERRED_BETWEEN_CELLS",
        /// Moved to another commune of the system.
        TransferredToCommune = "EVENT_TYPE_TRANSFERRED_TO_COMMUNE",
        /// Left the system by transfer.
        TransferredOut = "EVENT_TYPE_TRANSFERRED_OUT",
        /// Temporary transfer started.
        TemporaryTransferStarted = "EVENT_TYPE_TEMPORARY_TRANSFER_STARTED",
        /// Temporary transfer ended.
        TemporaryTransferEnded = "EVENT_TYPE_TEMPORARY_TRANSFER_ENDED",
        /// Exempted.
        Exempted = "EVENT_TYPE_EXEMPTED",
        /// Exemption ended.
        ExemptionEnded = "EVENT_TYPE_EXEMPTION_ENDED",
        /// Died.
        Died = "EVENT_TYPE_DIED",
        /// Removed.
        Removed = "EVENT_TYPE_REMOVED",
        /// Resigned.
        Resigned = "EVENT_TYPE_RESIGNED",
        /// Expelled.
        Expelled = "EVENT_TYPE_EXPELLED",
        /// Personal fields corrected.
        DetailsUpdated = "EVENT_TYPE_DETAILS_UPDATED",
        /// A Party discipline short of expulsion.
        Disciplined = "EVENT_TYPE_DISCIPLINED",
    }
);

named_enum!(
    /// Kinds of transfer.
    TransferKind {
        /// Between cells of a commune.
        BetweenCells = "TRANSFER_KIND_BETWEEN_CELLS",
        /// To another commune of the system.
        ToCommune = "TRANSFER_KIND_TO_COMMUNE",
        /// Out of the system.
        OutOfSystem = "TRANSFER_KIND_OUT_OF_SYSTEM",
        /// Temporarily away.
        TemporaryOut = "TRANSFER_KIND_TEMPORARY_OUT",
        /// Back from a temporary transfer.
        TemporaryReturn = "TRANSFER_KIND_TEMPORARY_RETURN",
    }
);

named_enum!(
    /// Ways of leaving the roll.
    DepartureKind {
        /// Death.
        Death = "DEPARTURE_KIND_DEATH",
        /// Removal.
        Removal = "DEPARTURE_KIND_REMOVAL",
        /// Resignation.
        Resignation = "DEPARTURE_KIND_RESIGNATION",
        /// Expulsion.
        Expulsion = "DEPARTURE_KIND_EXPULSION",
    }
);

/// A dated area classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaFlag {
    /// Which classification.
    pub kind: AreaKind,
    /// First day.
    pub valid_from: Date,
    /// Last day, if it ended.
    pub valid_to: Option<Date>,
}

/// A commune and its Party organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// 5-digit statistics code.
    pub code: String,
    /// Display name, NFC.
    pub display_name: String,
    /// 2-digit province code.
    pub province_code: String,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity.
    pub valid_to: Option<Date>,
    /// Dated area classifications.
    pub area_flags: Vec<AreaFlag>,
}

/// A Party cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Its commune.
    pub commune_code: String,
    /// The caller-chosen id.
    pub cell_id: String,
    /// Display name, NFC.
    pub display_name: String,
    /// What it is attached to.
    pub kind: CellKind,
    /// Founding day.
    pub open_date: Date,
    /// Dissolution day.
    pub close_date: Option<Date>,
}

impl Cell {
    /// Whether the cell exists on `date`.
    pub fn is_open_on(&self, date: Date) -> bool {
        self.open_date <= date && self.close_date.is_none_or(|close| date < close)
    }
}

/// The personal fields of a member: everything UpdateMember may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Full name as typed, NFC.
    pub full_name: String,
    /// Họ.
    pub family_name: String,
    /// Tên đệm.
    pub middle_name: String,
    /// Tên.
    pub given_name: String,
    /// Gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: Date,
    /// Ethnic group code, `01`..`54`.
    pub ethnicity_code: String,
    /// Religion; empty for none.
    pub religion: String,
    /// Home town.
    pub home_town: String,
    /// Citizen ID (12 digits), if known.
    pub citizen_id: Option<String>,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: String,
    /// General education.
    pub general_education: GeneralEducation,
    /// Qualification.
    pub qualification: Qualification,
    /// Political theory.
    pub political_theory: PoliticalTheory,
    /// Occupation.
    pub occupation: String,
    /// Youth Union member.
    pub youth_union: bool,
    /// Party card number.
    pub card_number: String,
    /// Local or seconded.
    pub assignment: Assignment,
}

/// The three admission dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionDates {
    /// Decision date.
    pub decision_date: Date,
    /// Decision number.
    pub decision_number: String,
    /// Ceremony date.
    pub ceremony_date: Option<Date>,
    /// Official date.
    pub official_date: Option<Date>,
    /// A re-admission of someone who left the roll earlier.
    pub readmission: bool,
    /// For a re-admission, the earlier record of the same person (its member id).
    pub previous_member: Option<i64>,
    /// For a re-admission, the person's first admission decision: party age counts from it,
    /// less the gaps (the time away among them).
    pub first_decision_date: Option<Date>,
    /// The day the cell received the decision; the ceremony's working days run from it. `None`
    /// while not known.
    pub decision_received_date: Option<Date>,
}

impl AdmissionDates {
    /// The day party age counts from: the first admission decision of the person.
    pub fn party_age_start(&self) -> Date {
        self.first_decision_date.unwrap_or(self.decision_date)
    }
}

/// A member as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Service-assigned id; 0 before the first insert.
    pub id: i64,
    /// Personal fields.
    pub person: Person,
    /// Admission dates.
    pub admission: AdmissionDates,
    /// Lifecycle status.
    pub status: MemberStatus,
    /// Current commune.
    pub commune_code: String,
    /// Current cell.
    pub cell_id: String,
    /// Day the member joined the current cell.
    pub cell_since: Date,
    /// Away on a temporary transfer.
    pub temporarily_away: bool,
    /// Planned end of the temporary transfer.
    pub away_until: Option<Date>,
    /// Day the member joined this roll by transfer, if they did.
    pub joined_date: Option<Date>,
    /// Day the member left the roll.
    pub left_date: Option<Date>,
    /// The resource name of the cell where a commune of this system admitted them; kept whole so
    /// that a later transfer to another commune does not move the admission with the member.
    pub admitted_in_cell: Option<String>,
    /// Periods that do not count towards party age, in the order given.
    pub party_age_gaps: Vec<PartyAgeGap>,
    /// Seriously ill: a badge may be handed early.
    pub seriously_ill: bool,
    /// Badges already handed over, in the order given.
    pub badges: Vec<BadgeAward>,
    /// Party disciplines, oldest first: each also recorded as an event of the member's.
    pub disciplines: Vec<Discipline>,
}

/// A Party discipline short of expulsion recorded on a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discipline {
    /// The form.
    pub form: DisciplineForm,
    /// The day of the decision.
    pub decision_date: Date,
    /// The deciding body.
    pub deciding_body: String,
    /// The decision's number.
    pub decision_number: String,
}

/// A period that does not count towards party age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyAgeGap {
    /// First day.
    pub from_date: Date,
    /// Last day.
    pub to_date: Date,
    /// Why.
    pub reason: String,
}

/// A Party badge handed to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeAward {
    /// Years of party age it marks.
    pub years: i32,
    /// The day it was handed over.
    pub award_date: Date,
}

/// The years of party age a badge can mark.
pub const BADGE_YEARS: [i32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

/// A vote of a cell or committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteTally {
    /// Entitled to vote.
    pub eligible: i64,
    /// Present.
    pub present: i64,
    /// In favour.
    pub yes: i64,
    /// Against.
    pub no: i64,
}

/// An event to append to a member's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEvent {
    /// What happened.
    pub event_type: EventType,
    /// When it took effect.
    pub effective_date: Date,
    /// Decision number.
    pub decision_number: String,
    /// Deciding body.
    pub deciding_body: String,
    /// From organisation.
    pub from_organization: String,
    /// To organisation.
    pub to_organization: String,
    /// Reason.
    pub reason: String,
    /// Vote, if one was taken.
    pub vote: Option<VoteTally>,
    /// Regulation in force on the effective date; empty before the earliest version.
    pub rule_version: String,
    /// For a discipline, its form.
    pub discipline_form: Option<DisciplineForm>,
}

impl MemberEvent {
    /// An event with only its type and date; the code of the regulation in force that day is
    /// filled in (none before the earliest version).
    pub fn on(event_type: EventType, effective_date: Date, rules: &RuleTable) -> Self {
        Self {
            event_type,
            effective_date,
            decision_number: String::new(),
            deciding_body: String::new(),
            from_organization: String::new(),
            to_organization: String::new(),
            reason: String::new(),
            vote: None,
            rule_version: rules.code_on(effective_date).unwrap_or_default().to_owned(),
            discipline_form: None,
        }
    }
}

pub mod identity;
pub mod units;
