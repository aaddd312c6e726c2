//! Small-cell suppression for callers who may read aggregates only: which counts of people a
//! report hides so that nobody in a small group can be singled out, and how each report applies
//! it ([`SmallCells`]).
//!
//! Owns the suppression rule and its application to every reporting response. Does not own who
//! is suppressed (the caller's rights, decided by [`super::Access::protect`]).

use partyregistry_proto::audit::v1::{ListAuditEntriesResponse, VerifyAuditTrailResponse};
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, AdmissionsReport, Bucket, CellHealth, CellRatingSummary, CommuneReport,
    Freshness, ListBadgesDueResponse, ListDeadlinesResponse, MonthlyBriefing, Movements, Pipeline,
    RankCommunesResponse, Statistics,
};

/// The small-cell rule for a caller who may read aggregates only: a count with
/// `0 < count < min_cell_size` is hidden (shown as 0 and marked: a bucket's `suppressed`, a row's
/// `suppressed_fields`), and so is an average over so few people. Totals stay.
#[derive(Debug, Clone, Copy)]
pub struct Suppression {
    pub(super) min_cell_size: i64,
}

impl Suppression {
    fn small(self, count: i64) -> bool {
        0 < count && count < self.min_cell_size
    }

    /// Which of `counts`, adding up to a total the caller sees, to hide. Hiding only the small
    /// ones would let the caller subtract the shown ones from the total, so more are hidden (the
    /// smallest non-zero ones first) until at least two are hidden and together they hold at
    /// least `min_cell_size` people — or all are.
    pub fn partition(self, counts: &[i64]) -> Vec<bool> {
        let mut hidden: Vec<bool> = counts.iter().map(|&count| self.small(count)).collect();
        loop {
            let (parts, people) = counts
                .iter()
                .zip(&hidden)
                .filter(|(_, hidden)| **hidden)
                .fold((0, 0), |(parts, people), (count, _)| {
                    (parts + 1, people + count)
                });
            if parts == 0 || (parts >= 2 && people >= self.min_cell_size) {
                return hidden;
            }
            let next = counts
                .iter()
                .enumerate()
                .filter(|&(index, &count)| !hidden[index] && count > 0)
                .min_by_key(|&(_, &count)| count)
                .map(|(index, _)| index);
            match next {
                Some(index) => hidden[index] = true,
                None => return hidden,
            }
        }
    }

    /// A breakdown whose buckets add up to a total the caller sees.
    fn breakdown(self, buckets: &mut [Bucket]) {
        let counts: Vec<i64> = buckets.iter().map(|bucket| bucket.members).collect();
        for (bucket, hidden) in buckets.iter_mut().zip(self.partition(&counts)) {
            if hidden {
                hide_bucket(bucket);
            }
        }
    }

    /// Buckets whose counts overlap (one person in several), so add up to nothing shown: each
    /// is hidden when small.
    fn overlapping(self, buckets: &mut [Bucket]) {
        for bucket in buckets
            .iter_mut()
            .filter(|bucket| self.small(bucket.members))
        {
            hide_bucket(bucket);
        }
    }

    /// One figure of each of `rows`, adding up to a total the caller sees; `figure` gives a
    /// row's count and its list of suppressed fields.
    fn across_rows<R>(
        self,
        rows: &mut [R],
        field: &'static str,
        figure: impl Fn(&mut R) -> (&mut i64, &mut Vec<String>),
    ) {
        let counts: Vec<i64> = rows.iter_mut().map(|row| *figure(row).0).collect();
        for (row, hidden) in rows.iter_mut().zip(self.partition(&counts)) {
            if hidden {
                let (value, marks) = figure(row);
                hide_figure(field, value, marks);
            }
        }
    }

    /// Figures of one row adding up to another figure of the row: hidden all together when
    /// that figure is (else they would give it back), by [`Suppression::partition`] otherwise.
    fn within_row<const N: usize>(
        self,
        marks: &mut Vec<String>,
        whole_hidden: bool,
        figures: [(&'static str, &mut i64); N],
    ) {
        let counts = figures.each_ref().map(|(_, value)| **value);
        let hidden = if whole_hidden {
            vec![true; N]
        } else {
            self.partition(&counts)
        };
        for ((field, value), hidden) in figures.into_iter().zip(hidden) {
            if hidden {
                hide_figure(field, value, marks);
            }
        }
    }

    /// A figure whose complement the caller does not see (a subset of a shown total): hidden
    /// when small, or when `whole_hidden` (the row's total it is part of is hidden).
    fn subset(
        self,
        whole_hidden: bool,
        field: &'static str,
        value: &mut i64,
        marks: &mut Vec<String>,
    ) {
        if whole_hidden || self.small(*value) {
            hide_figure(field, value, marks);
        }
    }

    /// An average over `members` people (the average age of one person is their age): cleared
    /// when `members` is small or hidden (`members_hidden`), and listed as `average_age` among
    /// the row's `marks` if it has any.
    fn average(
        self,
        members: i64,
        members_hidden: bool,
        value: &mut f64,
        marks: Option<&mut Vec<String>>,
    ) {
        if members_hidden || self.small(members) {
            *value = 0.0;
            if let Some(marks) = marks {
                marks.push("average_age".to_owned());
            }
        }
    }
}

fn hide_bucket(bucket: &mut Bucket) {
    bucket.members = 0;
    bucket.suppressed = true;
}

fn hide_figure(field: &'static str, value: &mut i64, marks: &mut Vec<String>) {
    *value = 0;
    if !is_hidden(marks, field) {
        marks.push(field.to_owned());
    }
}

/// Whether a row lists `field` among its suppressed fields.
pub(crate) fn is_hidden(marks: &[String], field: &str) -> bool {
    marks.iter().any(|mark| mark == field)
}

/// A response that applies [`Suppression`] to its counts of people.
pub trait SmallCells {
    /// Hides the counts of people the rule says to hide.
    fn small_cells(&mut self, rule: Suppression);
}

/// Small-cell suppression, the one entry for every report.
pub fn suppress(response: &mut impl SmallCells, min_cell_size: i64) {
    response.small_cells(Suppression { min_cell_size });
}

impl SmallCells for CommuneReport {
    fn small_cells(&mut self, rule: Suppression) {
        rule.average(self.total_members, false, &mut self.average_age, None);
        // `cells_by_kind` counts cells, not people.
        for buckets in [
            &mut self.by_cell_kind,
            &mut self.age_bands,
            &mut self.ethnicity,
            &mut self.general_education,
            &mut self.political_theory,
        ] {
            rule.breakdown(buckets);
        }
        // The cells' members add up to the commune's; each cell's are local plus seconded.
        rule.across_rows(&mut self.cells, "members", |cell| {
            (&mut cell.members, &mut cell.suppressed_fields)
        });
        for cell in &mut self.cells {
            let members_hidden = is_hidden(&cell.suppressed_fields, "members");
            rule.within_row(
                &mut cell.suppressed_fields,
                members_hidden,
                [
                    ("local_members", &mut cell.local_members),
                    ("seconded_members", &mut cell.seconded_members),
                ],
            );
        }
    }
}

impl SmallCells for Pipeline {
    fn small_cells(&mut self, rule: Suppression) {
        rule.breakdown(&mut self.by_stage);
        rule.overlapping(&mut self.by_blocker);
        // The cells' open candidates add up to the commune's; each cell's stages add up to its.
        rule.across_rows(&mut self.cells, "open_candidates", |cell| {
            (&mut cell.open_candidates, &mut cell.suppressed_fields)
        });
        for cell in &mut self.cells {
            let open_hidden = is_hidden(&cell.suppressed_fields, "open_candidates");
            rule.subset(
                open_hidden,
                "eligible_candidates",
                &mut cell.eligible_candidates,
                &mut cell.suppressed_fields,
            );
            if open_hidden {
                cell.by_stage.iter_mut().for_each(hide_bucket);
            } else {
                rule.breakdown(&mut cell.by_stage);
            }
            rule.overlapping(&mut cell.by_blocker);
        }
    }
}

impl SmallCells for CellHealth {
    fn small_cells(&mut self, rule: Suppression) {
        // The same members per cell as the commune report, hidden by the same rule; the open
        // candidates add up to the pipeline's.
        rule.across_rows(&mut self.cells, "members", |row| {
            (&mut row.members, &mut row.suppressed_fields)
        });
        rule.across_rows(&mut self.cells, "open_candidates", |row| {
            (&mut row.open_candidates, &mut row.suppressed_fields)
        });
        for row in &mut self.cells {
            let members_hidden = is_hidden(&row.suppressed_fields, "members");
            rule.average(
                row.members,
                members_hidden,
                &mut row.average_age,
                Some(&mut row.suppressed_fields),
            );
            for (field, value) in [
                ("seconded_members", &mut row.seconded_members),
                ("ageing_members", &mut row.ageing_members),
            ] {
                rule.subset(members_hidden, field, value, &mut row.suppressed_fields);
            }
        }
    }
}

impl SmallCells for Statistics {
    fn small_cells(&mut self, rule: Suppression) {
        rule.average(self.total_members, false, &mut self.average_age, None);
        for counted in &mut self.breakdowns {
            rule.breakdown(&mut counted.rows);
        }
        rule.across_rows(&mut self.units, "members", |unit| {
            (&mut unit.members, &mut unit.suppressed_fields)
        });
    }
}

impl SmallCells for Movements {
    fn small_cells(&mut self, rule: Suppression) {
        // Of whom the admissions were: overlapping subsets of the admitted, each shown against
        // the total only. The movement totals feed the reconciliation and stay.
        if let Some(admitted) = &mut self.admitted {
            for (field, value) in [
                ("under_30", &mut admitted.under_30),
                ("youth_union", &mut admitted.youth_union),
                ("ethnic_minority", &mut admitted.ethnic_minority),
                ("women", &mut admitted.women),
                ("readmitted", &mut admitted.readmitted),
            ] {
                rule.subset(false, field, value, &mut admitted.suppressed_fields);
            }
        }
    }
}

/// Responses with no count below their totals, or read only by callers with the records right
/// (who are never suppressed): nothing to hide.
macro_rules! no_small_cells {
    ($($response:ty),*) => {
        $(impl SmallCells for $response {
            fn small_cells(&mut self, _rule: Suppression) {}
        })*
    };
}

no_small_cells!(
    // Commune totals per year and month.
    AdmissionsReport,
    // Commune totals of the year.
    AdmissionProgress,
    // Counts cells, not people.
    CellRatingSummary,
    // Per-commune totals.
    RankCommunesResponse,
    // Records right needed.
    ListDeadlinesResponse,
    MonthlyBriefing,
    ListBadgesDueResponse,
    // No figures.
    Freshness,
    ListAuditEntriesResponse,
    VerifyAuditTrailResponse
);
