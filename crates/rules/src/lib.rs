//! The admission regulations, in plain Rust shared by both services: the membership service
//! applies them when it records a step, the reporting service when it assesses a pipeline or a
//! deadline for any date.
//!
//! # Layout
//! - [`table`]: regulation versions (every number the rules use) and the table that picks the
//!   version in force on a date. The versions are data: the membership service stores them and
//!   lets administrators edit them.
//! - [`calendar`]: working days (Monday to Friday minus public holidays, kept as data) and the
//!   deadlines counted in them.
//! - [`eligibility`]: what stands between a candidate and admission on a date.
//! - [`party_age`]: party age less its gaps, and the day it reaches a milestone.
//! - [`stage`]: the pipeline's stages in order, and the next step at each.
//!
//! Owns no storage and no protocol: callers gather the facts and pass them in.

pub mod calendar;
pub mod eligibility;
pub mod party_age;
pub mod stage;
pub mod table;

pub use calendar::{Calendar, DayKind, DeadlineKind};
pub use eligibility::{
    Blocker, BlockerCode, CandidateFacts, ExceptionKind, IntroducerFacts, Vote, judgement_day,
};
pub use stage::CandidateStage;
pub use table::{DisciplineForm, Education, RuleTable, RuleVersion};
