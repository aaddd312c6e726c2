//! The statistics a provincial office files: the point-in-time statistics with their
//! breakdowns, the movements over a period with their reconciliation, and the ranking of a
//! province's communes.
//!
//! Owns: these three documents. Does not own: the parts every report shares
//! (`super::tables`).

use partyregistry_proto::reporting::v1::{
    Movements, RankCommunesRequest, RankCommunesResponse, RankingIndicator, Reconciliation,
    Statistics,
};

use super::tables::{
    SUMMARY, average, bucket_table, code, count, figure, lowercase_first, pair, percent,
    push_freshness, push_total, sentences_table, slug, summary_table, vietnamese_date,
};
use crate::document::{Cell, Document, Table};
use crate::terminal::NOTHING;

/// `GetStatistics`: totals, one table per breakdown, the communes counted, and the notes.
pub fn statistics(statistics: &Statistics) -> Document {
    let mut document = Document::new(
        format!(
            "Thống kê đảng viên {} ngày {}",
            statistics.display_name,
            vietnamese_date(&statistics.as_of_date)
        ),
        slug(&format!(
            "thong ke {} {}",
            statistics.scope, statistics.as_of_date
        )),
    );
    let hidden = &statistics.suppressed_fields;
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Đơn vị", statistics.display_name.as_str()))
        .push_row(pair("Phạm vi", statistics.scope.as_str()))
        .push_row(pair("Ngày số liệu", Cell::date(&statistics.as_of_date)))
        .push_row(pair(
            "Tổng số đảng viên",
            figure(statistics.total_members, "total_members", hidden),
        ))
        .push_row(pair(
            "Đảng viên chính thức",
            figure(statistics.official_members, "official_members", hidden),
        ))
        .push_row(pair(
            "Đảng viên dự bị",
            figure(
                statistics.probationary_members,
                "probationary_members",
                hidden,
            ),
        ))
        .push_row(pair(
            "Đảng viên nữ",
            figure(statistics.women, "women", hidden),
        ))
        .push_row(pair(
            "Tuổi bình quân",
            average(statistics.average_age, hidden),
        ));
    push_freshness(&mut summary, statistics.freshness.as_ref());
    document.push(summary);
    for breakdown in &statistics.breakdowns {
        let title = if breakdown.title.is_empty() {
            breakdown.kind.as_str()
        } else {
            breakdown.title.as_str()
        };
        let by = lowercase_first(title);
        document.push(
            bucket_table(
                title,
                &format!("Đảng viên theo {by}"),
                title,
                "Số đảng viên",
                &breakdown.rows,
            )
            .captioned(format!("Theo {by}")),
        );
    }
    let mut units = Table::new(
        "Đơn vị",
        "Các xã được tính",
        &["Xã", "Mã xã", "Tỉnh", "Số đảng viên"],
    )
    // A terminal lists communes by code, as `partyctl` lists do.
    .terminal_columns(&[1, 0, 2, 3]);
    for unit in &statistics.units {
        units.push_row(vec![
            unit.display_name.as_str().into(),
            code(&unit.commune).into(),
            code(&unit.province).into(),
            figure(unit.members, "members", &unit.suppressed_fields),
        ]);
    }
    push_total(&mut units, 0, &[3]);
    document.push(units);
    if let Some(notes) = sentences_table("Ghi chú", "Ghi chú", &statistics.notes) {
        document.push(notes);
    }
    document
}

/// The reconciliation as one line a person can check by hand.
pub fn reconciliation_line(check: &Reconciliation) -> String {
    format!("ĐỐI CHIẾU: {}", reconciliation_sums(check))
}

/// Both sides of the reconciliation with their sums, and the verdict.
fn reconciliation_sums(check: &Reconciliation) -> String {
    let left = check.members_at_start + check.movements_in;
    let right = check.members_at_end + check.movements_out;
    let verdict = if check.balanced && left == right {
        "KHỚP".to_owned()
    } else {
        format!("KHÔNG KHỚP (chênh lệch {})", left - right)
    };
    format!(
        "đầu kỳ {} + tăng {} = {left}; cuối kỳ {} + giảm {} = {right} → {verdict}",
        check.members_at_start, check.movements_in, check.members_at_end, check.movements_out
    )
}

/// `GetMovements`: one table, from the members at the start through the movements in and out to
/// the members at the end, with the check that they reconcile.
pub fn movements(movements: &Movements) -> Document {
    let mut document = Document::new(
        format!(
            "Biến động đảng viên {} từ ngày {} đến ngày {}",
            movements.display_name,
            vietnamese_date(&movements.from_date),
            vietnamese_date(&movements.to_date)
        ),
        slug(&format!(
            "bien dong {} {} {}",
            movements.scope, movements.from_date, movements.to_date
        )),
    );
    let admitted = movements.admitted.clone().unwrap_or_default();
    // "Of which" rows: a file lists them under the admissions; a terminal, whose lines are read
    // one by one, names the admissions in each.
    let of_admitted = |label: &str, value: i64, field: &str| {
        pair(
            Cell::worded(
                format!("Trong đó: {label}"),
                format!("Kết nạp — trong đó {label}"),
            ),
            figure(value, field, &admitted.suppressed_fields),
        )
    };
    let reconciliation = movements.reconciliation.unwrap_or_default();
    let hidden = &movements.suppressed_fields;
    let moved = |value: i64, field: &str| figure(value, field, hidden);
    let mut table = summary_table("Biến động", "Biến động đảng viên và đối chiếu");
    table
        .push_row(pair("Đơn vị", movements.display_name.as_str()))
        .push_row(pair("Phạm vi", movements.scope.as_str()))
        .push_row(pair("Từ ngày", Cell::date(&movements.from_date)))
        .push_row(pair("Đến ngày", Cell::date(&movements.to_date)))
        .push_row(pair(
            "Đảng viên đầu kỳ",
            moved(reconciliation.members_at_start, "members_at_start"),
        ))
        .push_row(pair(
            "Kết nạp",
            figure(admitted.total, "total", &admitted.suppressed_fields),
        ))
        .push_row(of_admitted("dưới 30 tuổi", admitted.under_30, "under_30"))
        .push_row(of_admitted(
            "đoàn viên thanh niên",
            admitted.youth_union,
            "youth_union",
        ))
        .push_row(of_admitted(
            "dân tộc thiểu số",
            admitted.ethnic_minority,
            "ethnic_minority",
        ))
        .push_row(of_admitted("nữ", admitted.women, "women"))
        .push_row(of_admitted(
            "kết nạp lại",
            admitted.readmitted,
            "readmitted",
        ))
        .push_row(pair(
            "Chuyển sinh hoạt chính thức đến",
            moved(movements.transferred_in, "transferred_in"),
        ))
        .push_row(pair(
            "Cộng tăng",
            moved(reconciliation.movements_in, "movements_in"),
        ))
        .push_row(pair(
            "Chuyển sinh hoạt chính thức đi",
            moved(movements.transferred_out, "transferred_out"),
        ))
        .push_row(pair("Từ trần", moved(movements.died, "died")))
        .push_row(pair("Xóa tên", moved(movements.removed, "removed")))
        .push_row(pair("Khai trừ", moved(movements.expelled, "expelled")))
        .push_row(pair(
            "Xin ra khỏi Đảng",
            moved(movements.resigned, "resigned"),
        ))
        .push_row(pair(
            "Cộng giảm",
            moved(reconciliation.movements_out, "movements_out"),
        ))
        .push_row(pair(
            "Đảng viên cuối kỳ",
            moved(reconciliation.members_at_end, "members_at_end"),
        ))
        .push_row(pair(
            // A terminal spells the check out with its sums, so a reader can redo it.
            Cell::worded("Đối chiếu: đầu kỳ + tăng = cuối kỳ + giảm", "ĐỐI CHIẾU"),
            Cell::worded(
                if reconciliation.balanced {
                    "Khớp"
                } else {
                    "Không khớp"
                },
                reconciliation_sums(&reconciliation),
            ),
        ))
        .push_row(pair(
            "Công nhận đảng viên chính thức",
            moved(movements.recognized_official, "recognized_official"),
        ))
        .push_row(pair(
            "Chuyển sinh hoạt tạm thời đi",
            moved(movements.temporary_out, "temporary_out"),
        ))
        .push_row(pair(
            "Trở về sau sinh hoạt tạm thời",
            moved(movements.temporary_returned, "temporary_returned"),
        ))
        .push_row(pair(
            "Miễn công tác và sinh hoạt",
            moved(movements.exempted, "exempted"),
        ));
    for note in &movements.notes {
        table.push_row(pair("Ghi chú", note.as_str()));
    }
    push_freshness(&mut table, movements.freshness.as_ref());
    document.push(table);
    document
}

/// `RankCommunes`: the ranking; the year and day come from the request, which the response does
/// not repeat.
pub fn ranking(request: &RankCommunesRequest, response: &RankCommunesResponse) -> Document {
    let indicator = response.indicator();
    let indicator_slug = match indicator {
        RankingIndicator::Members => "dang vien",
        RankingIndicator::AdmissionsAgainstTarget => "ket nap",
        RankingIndicator::GoodCellsPercent => "chi bo tot",
        RankingIndicator::Unspecified => "",
    };
    let period = if request.year != 0 {
        request.year.to_string()
    } else {
        request.as_of_date.clone()
    };
    let mut document = Document::new(
        format!(
            "Xếp hạng các xã của {} theo {}",
            response.province,
            lowercase_first(indicator_label(indicator))
        ),
        slug(&format!(
            "xep hang {} {indicator_slug} {period}",
            response.province
        )),
    );
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Tỉnh", response.province.as_str()))
        .push_row(pair("Chỉ tiêu xếp hạng", indicator_label(indicator)))
        .push_row(pair(
            "Năm",
            if request.year != 0 {
                Cell::from(request.year)
            } else {
                Cell::Empty
            },
        ))
        .push_row(pair("Ngày", Cell::date(&request.as_of_date)))
        .push_row(pair("Số xã", count(response.communes.len())));
    push_freshness(&mut summary, response.freshness.as_ref());
    document.push(summary);
    let mut table = Table::new(
        "Xếp hạng",
        format!(
            "Xếp hạng theo {}",
            lowercase_first(indicator_label(indicator))
        ),
        &[
            "Hạng",
            "Xã",
            indicator_label(indicator),
            "Cách tính",
            "Mã xã",
        ],
    );
    for commune in &response.communes {
        table.push_row(vec![
            commune.rank.into(),
            commune.display_name.as_str().into(),
            match (commune.has_value, indicator) {
                // A hidden value is shown as such, never as a real zero or a missing one.
                _ if commune.suppressed => Cell::Suppressed,
                // A terminal marks the missing value, which a blank would hide.
                (false, _) => Cell::worded(Cell::Empty, NOTHING),
                (true, RankingIndicator::Members) => Cell::decimal(commune.value, 0),
                (true, _) => percent(commune.value),
            },
            commune.detail.as_str().into(),
            commune.commune.as_str().into(),
        ]);
    }
    document.push(table);
    document
}

fn indicator_label(indicator: RankingIndicator) -> &'static str {
    match indicator {
        RankingIndicator::Unspecified => "Chỉ tiêu",
        RankingIndicator::Members => "Số đảng viên",
        RankingIndicator::AdmissionsAgainstTarget => "Kết nạp so với chỉ tiêu (%)",
        RankingIndicator::GoodCellsPercent => "Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ trở lên (%)",
    }
}
