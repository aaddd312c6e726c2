//! Following administrative merges: the unit a code stands for today is the code itself, or the
//! unit it was merged into, followed through successive merges. Both services' authorization
//! asks it of the province a commune is recorded in, and the reports of the units a scope counts;
//! each fetches the merges from its own database and this walk decides.
//!
//! Owns the walk and the choice among recorded merges. Does not own storage (each service's store
//! reads the merges in effect) nor the validity of units (a report's own business).

use std::collections::HashMap;

/// The most successive merges followed from one unit. Chains are short; recorded merges never
/// form a cycle, and one that did would stop here rather than loop.
pub const MAX_MERGE_CHAIN: usize = 64;

/// Which unit took over another by a merge: what [`follow_merges`] walks.
pub trait Succession {
    /// The unit `code` was merged into, when a merge that counts ended it; `None` while `code`
    /// stands.
    fn successor(&self, code: &str) -> Option<&str>;
}

/// `code`, or the unit it became through the merges of `succession`, followed step by step. A
/// unit that continues under its own code is not its own successor.
pub fn follow_merges(succession: &impl Succession, code: &str) -> String {
    let mut current = code;
    for _ in 0..MAX_MERGE_CHAIN {
        match succession.successor(current) {
            Some(next) if next != current => current = next,
            _ => break,
        }
    }
    current.to_owned()
}

/// The merges of one level of units in effect on a day, as predecessor → successor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Successions {
    successors: HashMap<String, String>,
}

impl Successions {
    /// From `(predecessor, successor)` pairs of the merges in effect, in the order they took
    /// effect: a unit named in several merges counts the latest. A unit that continues under its
    /// own code is left out.
    pub fn from_merges(merges: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            successors: merges
                .into_iter()
                .filter(|(predecessor, successor)| predecessor != successor)
                .collect(),
        }
    }

    /// `code` today: see [`follow_merges`].
    pub fn follow(&self, code: &str) -> String {
        follow_merges(self, code)
    }
}

impl Succession for Successions {
    fn successor(&self, code: &str) -> Option<&str> {
        self.successors.get(code).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn successions(pairs: &[(&str, &str)]) -> Successions {
        Successions::from_merges(
            pairs
                .iter()
                .map(|(from, to)| ((*from).to_owned(), (*to).to_owned())),
        )
    }

    #[test]
    fn merges_are_followed() {
        let successors = successions(&[("01", "02"), ("02", "03"), ("09", "08"), ("08", "09")]);
        assert_eq!(successors.follow("01"), "03");
        assert_eq!(successors.follow("05"), "05");
        // A cycle ends.
        let _ = successors.follow("09");
    }

    #[test]
    fn the_latest_merge_of_a_unit_counts_and_a_continuing_unit_is_its_own() {
        let successors = successions(&[("01", "02"), ("01", "04"), ("04", "04")]);
        assert_eq!(successors.follow("01"), "04");
        assert_eq!(successors.follow("04"), "04");
    }
}
