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
    RankCommunesResponse, RankedCommune, RankingIndicator, Statistics,
};
use partyregistry_vocab::date;

use crate::model::vocabulary::CellKind;

/// The small-cell rule for a caller who may read aggregates only: a count with
/// `0 < count < min_cell_size` is hidden (shown as 0 and marked: a bucket's `suppressed`, a row's
/// `suppressed_fields`), and so is an average over so few people, and so are the counts that would
/// give a hidden one back by subtraction anywhere in the response ([`Suppression::partition`],
/// [`Suppression::nested`]). A unit of fewer than `min_cell_size` members, or one hidden beside
/// such a unit in its province's rows (`unit_hidden`), has every count of people hidden, its
/// totals included.
#[derive(Debug, Clone, Copy)]
pub struct Suppression {
    pub(super) min_cell_size: i64,
    /// The unit the response describes is hidden as a whole at every scope (decided over its
    /// province's communes, [`super::Access::protect`]).
    pub(super) unit_hidden: bool,
}

impl Suppression {
    /// The rule for `min_cell_size`, the unit of the response not hidden as a whole.
    pub fn new(min_cell_size: i64) -> Self {
        Self {
            min_cell_size,
            unit_hidden: false,
        }
    }

    fn small(self, count: i64) -> bool {
        0 < count && count < self.min_cell_size
    }

    /// Whether a unit of `total` members is hidden as a whole.
    fn whole_unit(self, total: i64) -> bool {
        self.unit_hidden || self.small(total)
    }

    /// Hides the line awaiting the ceremony, outside the roll's totals, when it is small or its
    /// unit is hidden as a whole (`unit_hidden`).
    fn awaiting_line(self, unit_hidden: bool, awaiting: &mut i64, marks: &mut Vec<String>) {
        if unit_hidden || self.small(*awaiting) {
            hide_figure("awaiting_ceremony_members", awaiting, marks);
        }
    }

    /// Which of `counts`, adding up to a total the caller sees, to hide. Hiding only the small
    /// ones would let the caller subtract the shown ones from the total, so more are hidden (the
    /// smallest non-zero ones first, the first of equal ones) until at least two are hidden and
    /// together they hold at least `min_cell_size` people — or all are.
    pub fn partition(self, counts: &[i64]) -> Vec<bool> {
        self.partition_with(counts, vec![false; counts.len()])
    }

    /// [`Suppression::partition`], with `hidden` already hidden for another reason.
    fn partition_with(self, counts: &[i64], mut hidden: Vec<bool>) -> Vec<bool> {
        for (hidden, &count) in hidden.iter_mut().zip(counts) {
            *hidden |= self.small(count);
        }
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
            match smallest_shown(counts, &hidden) {
                Some(index) => hidden[index] = true,
                None => return hidden,
            }
        }
    }

    /// [`Suppression::partition_with`] over buckets, equal counts taken in the order of their
    /// keys rather than their places: the same buckets listed in another order (largest first in
    /// one report, by code in another) hide the same ones.
    fn buckets_with(self, buckets: &[Bucket], hidden: Vec<bool>) -> Vec<bool> {
        let mut order: Vec<usize> = (0..buckets.len()).collect();
        order.sort_by(|&a, &b| buckets[a].key.cmp(&buckets[b].key));
        let counts: Vec<i64> = order.iter().map(|&index| buckets[index].members).collect();
        let flags: Vec<bool> = order.iter().map(|&index| hidden[index]).collect();
        let mut result = vec![false; buckets.len()];
        for (&index, flag) in order.iter().zip(self.partition_with(&counts, flags)) {
            result[index] = flag;
        }
        result
    }

    /// Figures in two levels, each level adding up to the unit's total the caller sees: parents
    /// (cell kinds), and children (cells) each under the parent of index `parent_of` (none: a
    /// child of no listed parent), a shown parent being the sum of its children. Hidden until
    /// nothing hidden follows from the rest: each level by [`Suppression::partition`]; under a
    /// shown parent, its children too, and the parent itself when only one of them would be
    /// hidden (the parent would give it back); under a hidden parent, at least one child (else
    /// its children would add up to it).
    fn nested(
        self,
        parents: &[i64],
        parent_hidden: Vec<bool>,
        children: &[(Option<usize>, i64)],
        child_hidden: Vec<bool>,
    ) -> (Vec<bool>, Vec<bool>) {
        let child_counts: Vec<i64> = children.iter().map(|(_, count)| *count).collect();
        let (mut parent_hidden, mut child_hidden) = (parent_hidden, child_hidden);
        loop {
            let before = (parent_hidden.clone(), child_hidden.clone());
            parent_hidden = self.partition_with(parents, parent_hidden);
            child_hidden = self.partition_with(&child_counts, child_hidden);
            for (parent, hidden_parent) in parent_hidden.iter_mut().enumerate() {
                let under: Vec<usize> = (0..children.len())
                    .filter(|&child| children[child].0 == Some(parent))
                    .collect();
                let counts: Vec<i64> = under.iter().map(|&child| child_counts[child]).collect();
                let flags: Vec<bool> = under.iter().map(|&child| child_hidden[child]).collect();
                let flags = if *hidden_parent {
                    let mut flags = flags;
                    if !flags.iter().any(|hidden| *hidden)
                        && let Some(index) = smallest_shown(&counts, &flags)
                    {
                        flags[index] = true;
                    }
                    flags
                } else {
                    let flags = self.partition_with(&counts, flags);
                    if flags.iter().filter(|hidden| **hidden).count() == 1 {
                        *hidden_parent = true;
                    }
                    flags
                };
                for (&child, hidden) in under.iter().zip(flags) {
                    child_hidden[child] = hidden;
                }
            }
            if (parent_hidden.clone(), child_hidden.clone()) == before {
                return (parent_hidden, child_hidden);
            }
        }
    }

    /// The figures describing a whole unit: `official` and `probationary` add up to `total`, as
    /// do women and the others; each pair is hidden by [`Suppression::partition`] (with `women`
    /// already hidden when `women_hidden`). Returns whether `women` is hidden.
    fn totals(
        self,
        marks: &mut Vec<String>,
        total: i64,
        official: &mut i64,
        probationary: &mut i64,
        women: &mut i64,
        women_hidden: bool,
    ) -> bool {
        let status = self.partition(&[*official, *probationary]);
        if status[0] || status[1] {
            hide_figure("official_members", official, marks);
            hide_figure("probationary_members", probationary, marks);
        }
        let gender = self.partition_with(&[*women, total - *women], vec![women_hidden, false]);
        let hidden = gender[0] || gender[1];
        if hidden {
            hide_figure("women", women, marks);
        }
        hidden
    }

    /// Hides every figure of a unit's totals.
    fn whole(marks: &mut Vec<String>, figures: [(&'static str, &mut i64); 4], average: &mut f64) {
        for (field, value) in figures {
            hide_figure(field, value, marks);
        }
        *average = 0.0;
        marks.push("average_age".to_owned());
    }

    /// A breakdown whose buckets add up to a total the caller sees.
    fn breakdown(self, buckets: &mut [Bucket]) {
        let hidden = self.buckets_with(buckets, vec![false; buckets.len()]);
        for (bucket, hidden) in buckets.iter_mut().zip(hidden) {
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

/// The smallest non-zero count not yet hidden (the first of equal ones).
fn smallest_shown(counts: &[i64], hidden: &[bool]) -> Option<usize> {
    counts
        .iter()
        .enumerate()
        .filter(|&(index, &count)| !hidden[index] && count > 0)
        .min_by_key(|&(_, &count)| count)
        .map(|(index, _)| index)
}

/// Whether a row lists `field` among its suppressed fields.
pub(crate) fn is_hidden(marks: &[String], field: &str) -> bool {
    marks.iter().any(|mark| mark == field)
}

/// A response that applies [`Suppression`] to its counts of people.
pub trait SmallCells {
    /// Hides the counts of people the rule says to hide.
    fn small_cells(&mut self, rule: Suppression);

    /// The commune (`communes/{code}`) the response describes as a whole and the days it does,
    /// when it does: each is looked up among its province's communes, and when it is hidden
    /// there, the whole response is ([`Suppression::unit_hidden`]).
    fn units(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Small-cell suppression with the unit described not hidden as a whole.
pub fn suppress(response: &mut impl SmallCells, min_cell_size: i64) {
    response.small_cells(Suppression::new(min_cell_size));
}

/// The commune a scope string names, if it names one.
fn commune_scope(scope: &str) -> Option<String> {
    scope.starts_with("communes/").then(|| scope.to_owned())
}

/// Cells under their kinds: each cell's index among `kinds` (by key).
fn parents_of(kinds: &[String], cell_kinds: &[&str]) -> Vec<Option<usize>> {
    cell_kinds
        .iter()
        .map(|kind| kinds.iter().position(|key| key == kind))
        .collect()
}

impl SmallCells for CommuneReport {
    fn small_cells(&mut self, rule: Suppression) {
        let whole = rule.whole_unit(self.total_members);
        rule.awaiting_line(
            whole,
            &mut self.awaiting_ceremony_members,
            &mut self.suppressed_fields,
        );
        if whole {
            Suppression::whole(
                &mut self.suppressed_fields,
                [
                    ("total_members", &mut self.total_members),
                    ("official_members", &mut self.official_members),
                    ("probationary_members", &mut self.probationary_members),
                    ("women", &mut self.women),
                ],
                &mut self.average_age,
            );
            // `cells_by_kind` counts cells, not people.
            for buckets in [
                &mut self.by_cell_kind,
                &mut self.age_bands,
                &mut self.ethnicity,
                &mut self.general_education,
                &mut self.political_theory,
            ] {
                buckets.iter_mut().for_each(hide_bucket);
            }
            for cell in &mut self.cells {
                for (field, value) in [
                    ("members", &mut cell.members),
                    ("local_members", &mut cell.local_members),
                    ("seconded_members", &mut cell.seconded_members),
                ] {
                    hide_figure(field, value, &mut cell.suppressed_fields);
                }
            }
            return;
        }
        rule.totals(
            &mut self.suppressed_fields,
            self.total_members,
            &mut self.official_members,
            &mut self.probationary_members,
            &mut self.women,
            false,
        );
        rule.average(self.total_members, false, &mut self.average_age, None);
        for buckets in [
            &mut self.age_bands,
            &mut self.ethnicity,
            &mut self.general_education,
            &mut self.political_theory,
        ] {
            rule.breakdown(buckets);
        }
        // The cells' members add up to the commune's, and those of one kind to the kind's.
        let kinds: Vec<String> = self.by_cell_kind.iter().map(|b| b.key.clone()).collect();
        let kind_counts: Vec<i64> = self.by_cell_kind.iter().map(|b| b.members).collect();
        let cell_kinds: Vec<&str> = self.cells.iter().map(|c| c.kind.as_str()).collect();
        let children: Vec<(Option<usize>, i64)> = parents_of(&kinds, &cell_kinds)
            .into_iter()
            .zip(self.cells.iter().map(|c| c.members))
            .collect();
        let (kinds_hidden, cells_hidden) = rule.nested(
            &kind_counts,
            vec![false; kinds.len()],
            &children,
            vec![false; children.len()],
        );
        for (bucket, hidden) in self.by_cell_kind.iter_mut().zip(kinds_hidden) {
            if hidden {
                hide_bucket(bucket);
            }
        }
        for (cell, hidden) in self.cells.iter_mut().zip(cells_hidden) {
            if hidden {
                hide_figure("members", &mut cell.members, &mut cell.suppressed_fields);
            }
            rule.within_row(
                &mut cell.suppressed_fields,
                hidden,
                [
                    ("local_members", &mut cell.local_members),
                    ("seconded_members", &mut cell.seconded_members),
                ],
            );
        }
    }

    fn units(&self) -> Vec<(String, String)> {
        vec![(self.commune.clone(), self.as_of_date.clone())]
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
        // The same members per cell as the commune report, hidden by the same rule over the same
        // kinds (summed here from the cells, in the kinds' order), so that the two reports
        // together give nothing back; the open candidates add up to the pipeline's.
        let total: i64 = self.cells.iter().map(|row| row.members).sum();
        let mut kinds: Vec<String> = self.cells.iter().map(|row| row.kind.clone()).collect();
        kinds.sort_by_key(|key| CellKind::from_key(key));
        kinds.dedup();
        let kind_counts: Vec<i64> = kinds
            .iter()
            .map(|kind| {
                let rows = self.cells.iter().filter(|row| &row.kind == kind);
                rows.map(|row| row.members).sum()
            })
            .collect();
        let cell_kinds: Vec<&str> = self.cells.iter().map(|row| row.kind.as_str()).collect();
        let children: Vec<(Option<usize>, i64)> = parents_of(&kinds, &cell_kinds)
            .into_iter()
            .zip(self.cells.iter().map(|row| row.members))
            .collect();
        let whole = rule.whole_unit(total);
        let (_, cells_hidden) = rule.nested(
            &kind_counts,
            vec![whole; kinds.len()],
            &children,
            vec![whole; children.len()],
        );
        for (row, hidden) in self.cells.iter_mut().zip(cells_hidden) {
            if hidden || whole {
                hide_figure("members", &mut row.members, &mut row.suppressed_fields);
            }
        }
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

    fn units(&self) -> Vec<(String, String)> {
        vec![(self.commune.clone(), self.as_of_date.clone())]
    }
}

impl SmallCells for Statistics {
    fn small_cells(&mut self, rule: Suppression) {
        let female = |rows: &[Bucket]| rows.iter().position(|row| row.key == "GENDER_FEMALE");
        let whole = rule.whole_unit(self.total_members);
        rule.awaiting_line(
            whole,
            &mut self.awaiting_ceremony_members,
            &mut self.suppressed_fields,
        );
        if whole {
            Suppression::whole(
                &mut self.suppressed_fields,
                [
                    ("total_members", &mut self.total_members),
                    ("official_members", &mut self.official_members),
                    ("probationary_members", &mut self.probationary_members),
                    ("women", &mut self.women),
                ],
                &mut self.average_age,
            );
            for counted in &mut self.breakdowns {
                counted.rows.iter_mut().for_each(hide_bucket);
            }
            for unit in &mut self.units {
                hide_figure("members", &mut unit.members, &mut unit.suppressed_fields);
            }
            return;
        }
        let mut women_hidden = rule.totals(
            &mut self.suppressed_fields,
            self.total_members,
            &mut self.official_members,
            &mut self.probationary_members,
            &mut self.women,
            false,
        );
        rule.average(self.total_members, false, &mut self.average_age, None);
        for counted in &mut self.breakdowns {
            let mut forced = vec![false; counted.rows.len()];
            // The gender rows and `women` hide the same women.
            let female_row = (counted.kind == "gender")
                .then(|| female(&counted.rows))
                .flatten();
            if let Some(index) = female_row {
                forced[index] = women_hidden;
            }
            let hidden = rule.buckets_with(&counted.rows, forced);
            if let Some(index) = female_row {
                women_hidden |= hidden[index];
            }
            for (row, hidden) in counted.rows.iter_mut().zip(hidden) {
                if hidden {
                    hide_bucket(row);
                }
            }
        }
        if women_hidden {
            hide_figure("women", &mut self.women, &mut self.suppressed_fields);
        }
        // Each province's communes add up to the province's total, whatever the scope asked
        // for: hidden per province, so that a province's rows hide the same communes in its own
        // statistics, the country's and its ranking.
        let mut provinces: Vec<String> = self.units.iter().map(|u| u.province.clone()).collect();
        provinces.sort();
        provinces.dedup();
        for province in provinces {
            let rows: Vec<usize> = (0..self.units.len())
                .filter(|&index| self.units[index].province == province)
                .collect();
            let counts: Vec<i64> = rows
                .iter()
                .map(|&index| self.units[index].members)
                .collect();
            for (&index, hidden) in rows.iter().zip(rule.partition(&counts)) {
                if hidden {
                    let unit = &mut self.units[index];
                    hide_figure("members", &mut unit.members, &mut unit.suppressed_fields);
                }
            }
        }
    }

    fn units(&self) -> Vec<(String, String)> {
        commune_scope(&self.scope)
            .map(|commune| (commune, self.as_of_date.clone()))
            .into_iter()
            .collect()
    }
}

impl SmallCells for Movements {
    fn small_cells(&mut self, rule: Suppression) {
        let (at_start, at_end) = self
            .reconciliation
            .as_ref()
            .map_or((0, 0), |r| (r.members_at_start, r.members_at_end));
        if rule.unit_hidden || rule.small(at_start) || rule.small(at_end) {
            let marks = &mut self.suppressed_fields;
            if let Some(reconciliation) = &mut self.reconciliation {
                for (field, value) in [
                    ("members_at_start", &mut reconciliation.members_at_start),
                    ("members_at_end", &mut reconciliation.members_at_end),
                    ("movements_in", &mut reconciliation.movements_in),
                    ("movements_out", &mut reconciliation.movements_out),
                    ("awaiting_at_start", &mut reconciliation.awaiting_at_start),
                    ("awaiting_at_end", &mut reconciliation.awaiting_at_end),
                ] {
                    hide_figure(field, value, marks);
                }
            }
            for (field, value) in [
                ("ceremonies", &mut self.ceremonies),
                ("left_awaiting_ceremony", &mut self.left_awaiting_ceremony),
                ("recognized_official", &mut self.recognized_official),
                ("transferred_in", &mut self.transferred_in),
                ("transferred_out", &mut self.transferred_out),
                ("temporary_out", &mut self.temporary_out),
                ("temporary_returned", &mut self.temporary_returned),
                ("exempted", &mut self.exempted),
                ("died", &mut self.died),
                ("removed", &mut self.removed),
                ("expelled", &mut self.expelled),
                ("resigned", &mut self.resigned),
            ] {
                hide_figure(field, value, marks);
            }
            if let Some(admitted) = &mut self.admitted {
                for (field, value) in [
                    ("total", &mut admitted.total),
                    ("under_30", &mut admitted.under_30),
                    ("youth_union", &mut admitted.youth_union),
                    ("ethnic_minority", &mut admitted.ethnic_minority),
                    ("women", &mut admitted.women),
                    ("readmitted", &mut admitted.readmitted),
                ] {
                    hide_figure(field, value, &mut admitted.suppressed_fields);
                }
            }
            return;
        }
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

    fn units(&self) -> Vec<(String, String)> {
        // On the roll the day before the period and on its last day.
        let before = date::parse(&self.from_date)
            .ok()
            .and_then(|day| day.pred_opt())
            .map(date::format);
        commune_scope(&self.scope)
            .map(|commune| {
                let mut days = vec![(commune.clone(), self.to_date.clone())];
                days.extend(before.map(|day| (commune, day)));
                days
            })
            .unwrap_or_default()
    }
}

impl SmallCells for RankCommunesResponse {
    fn small_cells(&mut self, rule: Suppression) {
        // Members per commune are the rows of the province's statistics, hidden by the same
        // rule per province; the other indicators count admissions and cells.
        if self.indicator != RankingIndicator::Members as i32 {
            return;
        }
        let mut hidden = vec![false; self.communes.len()];
        let mut order: Vec<usize> = (0..self.communes.len()).collect();
        order.sort_by(|&a, &b| self.communes[a].commune.cmp(&self.communes[b].commune));
        let mut provinces: Vec<&str> = self.communes.iter().map(|c| c.province.as_str()).collect();
        provinces.sort_unstable();
        provinces.dedup();
        for province in provinces {
            let rows: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&index| self.communes[index].province == province)
                .collect();
            let counts: Vec<i64> = rows
                .iter()
                .map(|&index| self.communes[index].value.round() as i64)
                .collect();
            for (&index, small) in rows.iter().zip(rule.partition(&counts)) {
                hidden[index] = small;
            }
        }
        let (mut shown, mut withheld): (Vec<_>, Vec<_>) = self
            .communes
            .drain(..)
            .zip(hidden)
            .partition(|(_, hidden)| !*hidden);
        // The shown ones ranked again among themselves (a gap would place the hidden ones).
        let mut ranked: Vec<RankedCommune> = Vec::with_capacity(shown.len() + withheld.len());
        for (position, (mut commune, _)) in shown.drain(..).enumerate() {
            commune.rank = match ranked.last() {
                Some(last)
                    if last.has_value == commune.has_value && last.value == commune.value =>
                {
                    last.rank
                }
                _ => i32::try_from(position + 1).unwrap_or(i32::MAX),
            };
            ranked.push(commune);
        }
        for (mut commune, _) in withheld.drain(..) {
            commune.rank = 0;
            commune.value = 0.0;
            commune.has_value = false;
            commune.suppressed = true;
            commune.detail = HIDDEN_DETAIL.to_owned();
            ranked.push(commune);
        }
        self.communes = ranked;
    }
}

/// The detail of a hidden ranking value.
const HIDDEN_DETAIL: &str = "Ẩn (dưới ngưỡng)";

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
    // Records right needed.
    ListDeadlinesResponse,
    MonthlyBriefing,
    ListBadgesDueResponse,
    // No figures.
    Freshness,
    ListAuditEntriesResponse,
    VerifyAuditTrailResponse
);
