//! The members due a Party badge in a year: the counts per round and badge, and the list.
//!
//! Owns: this document and the names of the award rounds. Does not own: the parts every report
//! shares (`super::tables`).

use partyregistry_proto::reporting::v1::{AwardRound, ListBadgesDueRequest, ListBadgesDueResponse};
use partyregistry_vocab::reference;

use super::tables::{
    SUMMARY, YES, count, lowercase_first, pair, push_freshness, push_total, slug, summary_table,
};
use crate::document::{Cell, Document, Table};

/// `ListBadgesDue`: counts per round and badge, then the list. The response does not repeat the
/// scope nor the year, so they come from the request.
pub fn badges_due(request: &ListBadgesDueRequest, response: &ListBadgesDueResponse) -> Document {
    let round = request.round();
    let round_text = if round == AwardRound::Unspecified {
        String::new()
    } else {
        format!(", {}", lowercase_first(&round_name(round)))
    };
    let round_slug = match round {
        AwardRound::Unspecified => "",
        AwardRound::February3 => "03-02",
        AwardRound::May19 => "19-05",
        AwardRound::September2 => "02-09",
        AwardRound::November7 => "07-11",
    };
    let mut document = Document::new(
        format!(
            "Đảng viên được xét tặng Huy hiệu Đảng năm {}{round_text} — {}",
            request.year, request.scope
        ),
        slug(&format!(
            "huy hieu dang {} {} {round_slug}",
            request.scope, request.year
        )),
    );
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Phạm vi", request.scope.as_str()))
        .push_row(pair("Năm", request.year))
        .push_row(pair("Đợt", round_name(round)))
        .push_row(pair("Số đảng viên", count(response.badges.len())))
        .push_row(pair(
            "Trong đó: tặng sớm do ốm nặng",
            count(
                response
                    .badges
                    .iter()
                    .filter(|b| b.early_reason == "SERIOUSLY_ILL")
                    .count(),
            ),
        ))
        .push_row(pair(
            "Trong đó: truy tặng",
            count(response.badges.iter().filter(|b| b.deceased).count()),
        ));
    let mut badge_years: Vec<i32> = response.badges.iter().map(|b| b.badge_years).collect();
    badge_years.sort_unstable_by(|a, b| b.cmp(a));
    badge_years.dedup();
    for years in badge_years {
        let members = response
            .badges
            .iter()
            .filter(|b| b.badge_years == years)
            .count();
        summary.push_row(pair(format!("Huy hiệu {years} năm"), count(members)));
    }
    push_freshness(&mut summary, response.freshness.as_ref());
    document.push(summary);

    // The list is ordered by round, then badge years: equal pairs are adjacent.
    let mut groups = Table::new(
        "Theo đợt",
        "Số đảng viên theo đợt và loại huy hiệu",
        &[
            "Đợt",
            "Ngày trao",
            "Huy hiệu (năm tuổi Đảng)",
            "Số đảng viên",
        ],
    );
    let mut previous: Option<(i32, i32)> = None;
    for badge in &response.badges {
        let key = (badge.round, badge.badge_years);
        if previous == Some(key) {
            if let Some(Cell::Integer(members)) = groups.rows.last_mut().and_then(|r| r.get_mut(3))
            {
                *members += 1;
            }
        } else {
            groups.push_row(vec![
                round_name(badge.round()).into(),
                Cell::date(&badge.round_date),
                badge.badge_years.into(),
                1_i64.into(),
            ]);
            previous = Some(key);
        }
    }
    push_total(&mut groups, 0, &[3]);
    document.push(groups);

    let mut list = Table::new(
        "Danh sách",
        "Danh sách đảng viên được xét tặng Huy hiệu Đảng",
        &[
            "STT",
            "Họ và tên",
            "Chi bộ",
            "Huy hiệu (năm tuổi Đảng)",
            "Đợt",
            "Ngày trao",
            "Ngày đủ tuổi Đảng",
            "Tuổi Đảng (tháng)",
            "Tặng sớm",
            "Đã từ trần",
            "Mã đảng viên",
        ],
    );
    for (index, badge) in response.badges.iter().enumerate() {
        let months = badge.party_age_months;
        list.push_row(vec![
            count(index + 1),
            badge.full_name.as_str().into(),
            badge.cell.as_str().into(),
            badge.badge_years.into(),
            round_name(badge.round()).into(),
            Cell::date(&badge.round_date),
            Cell::date(&badge.milestone_date),
            // A spreadsheet sums months; a person reads years and months.
            Cell::worded(
                months,
                format!(
                    "{} năm {} tháng",
                    months.div_euclid(12),
                    months.rem_euclid(12)
                ),
            ),
            early_reason_label(&badge.early_reason).into(),
            if badge.deceased {
                YES.into()
            } else {
                Cell::Empty
            },
            badge.member.as_str().into(),
        ]);
    }
    document.push(list);
    document
}

/// The day of an award round as people say it: `3/2`, `19/5`, `2/9`, `7/11`; any other value
/// by its enum name, or its number when it has none.
pub fn round_label(round: i32) -> String {
    match AwardRound::try_from(round) {
        Ok(round) => round_day(round).unwrap_or(round.as_str_name()).to_owned(),
        Err(_) => round.to_string(),
    }
}

fn round_day(round: AwardRound) -> Option<&'static str> {
    match round {
        AwardRound::Unspecified => None,
        AwardRound::February3 => Some("3/2"),
        AwardRound::May19 => Some("19/5"),
        AwardRound::September2 => Some("2/9"),
        AwardRound::November7 => Some("7/11"),
    }
}

/// A round by name: `Đợt 3/2`; all four when none is named.
fn round_name(round: AwardRound) -> String {
    match round_day(round) {
        Some(day) => format!("Đợt {day}"),
        None => "Cả bốn đợt".to_owned(),
    }
}

fn early_reason_label(reason: &str) -> &str {
    match reason {
        "SERIOUSLY_ILL" => "Ốm nặng",
        "POSTHUMOUS" => "Truy tặng",
        other => reference::label(other),
    }
}
