//! The data the admission pipeline is measured against, one command per module, all through the
//! AdmissionService: [`rules`] (regulation versions), [`holidays`] (the working-day calendar),
//! [`targets`] (term targets), [`plans`] (cells' yearly plans) and [`ratings`] (yearly quality
//! ratings). Owns only what several of them share: the current year and the cell of a resource
//! name.

pub mod holidays;
pub mod plans;
pub mod ratings;
pub mod rules;
pub mod targets;

use chrono::Datelike;
use partyregistry_vocab::date;

fn this_year() -> i32 {
    date::today_in_vietnam().year()
}

/// `communes/02680/cells/tuong-1/plans/2022` → `tuong-1`.
fn cell_of(name: &str) -> &str {
    name.split('/').nth(3).unwrap_or(name)
}
