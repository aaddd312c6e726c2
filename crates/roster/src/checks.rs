//! Checks across the cells of a row (import-layouts §1.4): the admission dates in order, the
//! probation, the age at admission counted in months, and no date in the future. The numbers
//! come from the regulation in force on the day, as the membership service applies them, so that
//! a row refused here would be refused there too.

use partyregistry_rules::RuleTable;
use partyregistry_vocab::date::{self, Date};

use crate::cells::Standing;
use crate::columns::Field;
use crate::row::{Layout, Problem, RosterRow};

fn shown(day: Date) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// The problems of a parsed row as of `today`.
pub fn check_row(row: &RosterRow, layout: &Layout, rules: &RuleTable, today: Date) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |field: Field, value: Date, reason: String| {
        problems.push(Problem {
            row_number: row.row_number,
            column: layout.heading(field),
            value: shown(value),
            reason,
        });
    };
    let mut dated = vec![
        (Field::BirthDate, row.birth_date),
        (Field::CeremonyDate, row.ceremony_date),
    ];
    dated.extend(row.decision_date.map(|d| (Field::DecisionDate, d)));
    dated.extend(
        row.decision_received_date
            .map(|d| (Field::DecisionReceivedDate, d)),
    );
    dated.extend(row.official_date.map(|d| (Field::OfficialDate, d)));
    dated.extend(row.status_date.map(|d| (Field::StatusDate, d)));
    for (field, value) in &dated {
        if *value > today {
            problem(
                *field,
                *value,
                format!("ngày trong tương lai (hôm nay là {})", shown(today)),
            );
        }
    }
    let decision = row.decision_date.unwrap_or(row.ceremony_date);
    if row.birth_date >= decision {
        problem(
            Field::BirthDate,
            row.birth_date,
            "ngày sinh phải trước ngày vào Đảng".to_owned(),
        );
    }
    if let Some(decided) = row.decision_date
        && decided > row.ceremony_date
    {
        problem(
            Field::CeremonyDate,
            row.ceremony_date,
            format!(
                "ngày vào Đảng trước ngày quyết định kết nạp ({})",
                shown(decided)
            ),
        );
    }
    if let Some(received) = row.decision_received_date {
        if received < decision {
            problem(
                Field::DecisionReceivedDate,
                received,
                format!(
                    "ngày nhận quyết định trước ngày quyết định kết nạp ({})",
                    shown(decision)
                ),
            );
        } else if received > row.ceremony_date {
            problem(
                Field::DecisionReceivedDate,
                received,
                format!(
                    "ngày nhận quyết định sau ngày vào Đảng ({})",
                    shown(row.ceremony_date)
                ),
            );
        }
    }
    let version = rules.in_force_on(decision);
    let months = date::whole_months_between(row.birth_date, decision);
    if row.birth_date < decision && months < version.min_age_months {
        problem(
            if row.decision_date.is_some() {
                Field::DecisionDate
            } else {
                Field::CeremonyDate
            },
            decision,
            format!(
                "khi kết nạp mới {} tuổi {} tháng; phải đủ {} tuổi (tính theo tháng, {})",
                months.div_euclid(12),
                months.rem_euclid(12),
                version.min_age_months / 12,
                version.code
            ),
        );
    }
    if let Some(official) = row.official_date {
        let probation = rules.in_force_on(official).probation_months;
        let earliest = date::add_months(row.ceremony_date, probation);
        if official < earliest {
            problem(
                Field::OfficialDate,
                official,
                format!(
                    "ngày chính thức phải sau ngày vào Đảng ít nhất {probation} tháng (từ {})",
                    shown(earliest)
                ),
            );
        }
    }
    if let Some(left) = row.status_date
        && left < row.ceremony_date
    {
        problem(
            Field::StatusDate,
            left,
            "ngày rời khỏi hoặc miễn sinh hoạt trước ngày vào Đảng".to_owned(),
        );
    }
    if row.standing == Standing::Exempt && row.official_date.is_none() {
        problem(
            Field::Status,
            row.status_date.unwrap_or(row.ceremony_date),
            "chỉ đảng viên chính thức được miễn sinh hoạt".to_owned(),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::Departure;
    use crate::heading::{HeadingMatcher, Mapping};

    fn day(text: &str) -> Date {
        date::parse(text).expect("a test date")
    }

    fn row() -> RosterRow {
        crate::row::sample_row(4, "Lò Thị Mẫu", "1990-05-20", None)
    }

    fn check(row: &RosterRow) -> Vec<(String, String)> {
        let headings: Vec<String> = ["Sinh ngày", "Ngày vào Đảng", "Ngày chính thức"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        let uses = HeadingMatcher::new(&Mapping::default()).uses(&headings);
        let layout = Layout::new(headings, &uses);
        check_row(row, &layout, &RuleTable::reference(), day("2026-12-03"))
            .into_iter()
            .map(|p| (p.column, p.reason))
            .collect()
    }

    #[test]
    fn a_consistent_row_passes() {
        assert!(check(&row()).is_empty());
    }

    #[test]
    fn seventeen_years_at_admission_is_refused_by_months() {
        let mut young = row();
        young.birth_date = day("1994-06-02");
        let problems = check(&young);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "Ngày vào Đảng");
        assert!(problems[0].1.contains("17 tuổi 11 tháng"), "{problems:?}");
        young.birth_date = day("1994-06-01");
        assert!(check(&young).is_empty());
    }

    #[test]
    fn dates_out_of_order_or_in_the_future_are_refused() {
        let mut early = row();
        early.official_date = Some(day("2013-05-31"));
        assert_eq!(check(&early)[0].0, "Ngày chính thức");
        let mut future = row();
        future.ceremony_date = day("2027-01-01");
        future.official_date = None;
        assert!(
            check(&future)
                .iter()
                .any(|(_, reason)| reason.contains("tương lai"))
        );
        let mut born_late = row();
        born_late.birth_date = day("2013-01-01");
        assert!(check(&born_late).iter().any(|(c, _)| c == "Sinh ngày"));
        let mut left = row();
        left.standing = Standing::Left(Departure::Death);
        left.status_date = Some(day("2011-01-01"));
        assert_eq!(check(&left).len(), 1);
        let mut exempt_probationer = row();
        exempt_probationer.official_date = None;
        exempt_probationer.standing = Standing::Exempt;
        exempt_probationer.status_date = Some(day("2012-10-01"));
        assert_eq!(check(&exempt_probationer).len(), 1);
    }

    #[test]
    fn the_day_the_decision_was_received_lies_between_the_decision_and_the_ceremony() {
        let mut received = row();
        received.decision_date = Some(day("2012-05-10"));
        for (day_received, expected) in [
            ("2012-05-10", None),
            ("2012-06-01", None),
            ("2012-05-09", Some("trước ngày quyết định")),
            ("2012-06-02", Some("sau ngày vào Đảng")),
            ("2027-01-01", Some("tương lai")),
        ] {
            received.decision_received_date = Some(day(day_received));
            let problems = check(&received);
            match expected {
                None => assert!(problems.is_empty(), "{day_received}: {problems:?}"),
                Some(reason) => assert!(
                    problems
                        .iter()
                        .any(|(column, why)| column == "Ngày nhận quyết định kết nạp"
                            && why.contains(reason)),
                    "{day_received}: {problems:?}"
                ),
            }
        }
    }
}
