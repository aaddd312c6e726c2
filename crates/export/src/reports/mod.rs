//! Every answer of the reporting service that can be shown or exported, as a [`Document`]: one
//! plain function per report, response (and, where the response does not repeat it, request) in,
//! document out. The reporting service's export writes these documents as files and `partyctl`
//! prints the same documents on the terminal, so both say the same thing under the same labels.
//!
//! Each Vietnamese label is written here once. Where a terminal words a value otherwise than a
//! file (a share as `75.0 %`, a month as `T1`, a total as `Cộng`), the cell carries both forms
//! ([`Cell::Worded`]); a count hidden by small-cell suppression is a [`Cell::Suppressed`] that
//! each writer words itself.
//!
//! # Layout
//! - `tables`: the parts every document is made of — summary pairs, breakdowns with shares and
//!   totals, how fresh the data is, Vietnamese dates and ASCII file names.
//! - `commune`: the commune report, the admissions by month, the cell ratings and cell health.
//! - `admission`: the admission progress, the candidate pipeline and the deadlines.
//! - `statistics`: the statistics, the movements and the ranking of communes.
//! - `badges`: the Party badges due.
//!
//! Owns: what each report's document says. Does not own: computing or suppressing a report (the
//! reporting service does, before it reaches here) nor how a document is written (the writers).
//!
//! [`Document`]: crate::Document
//! [`Cell::Worded`]: crate::Cell::Worded
//! [`Cell::Suppressed`]: crate::Cell::Suppressed

mod admission;
mod badges;
mod commune;
mod statistics;
mod tables;

pub use admission::{
    admission_progress, deadline_table, deadlines, pipeline, progress_reasons, progress_summary,
};
pub use badges::{badges_due, round_label};
pub use commune::{admissions_report, cell_health, cell_rating_summary, commune_report};
pub use statistics::{movements, ranking, reconciliation_lines, statistics};
pub use tables::{SHOWN_TOTAL_LABEL, TOTAL_LABEL, slug};

#[cfg(test)]
mod tests;
