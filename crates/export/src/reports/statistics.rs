//! The statistics a provincial office files: the point-in-time statistics with their
//! breakdowns, the movements over a period with their reconciliation, and the ranking of a
//! province's communes.
//!
//! Owns: these three documents. Does not own: the parts every report shares
//! (`super::tables`).

use partyregistry_proto::reporting::v1::{
    Movements, RankCommunesRequest, RankCommunesResponse, RankingIndicator, Statistics,
};

use super::tables::{
    SUMMARY, average, awaiting_ceremony, bucket_table, code, count, figure, lowercase_first, pair,
    percent, push_freshness, push_total, sentences_table, slug, summary_table, vietnamese_date,
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
        ))
        .push_row(awaiting_ceremony(
            statistics.awaiting_ceremony_members,
            hidden,
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

/// One of the two checks of a period's movements, spelled out so that a person can redo it by
/// hand: what a line started with and took in against what it ended with and gave out.
struct Check {
    /// How a file labels it: the equation in words.
    label: &'static str,
    /// How a terminal labels it.
    heading: &'static str,
    /// Whether it holds.
    holds: bool,
    /// Both sides with their terms and sums, and the verdict.
    sums: String,
}

impl Check {
    /// The check as a row of the movements table: the verdict in a file, the sums on a terminal.
    fn row(&self) -> Vec<Cell> {
        pair(
            Cell::worded(self.label, self.heading),
            Cell::worded(
                if self.holds {
                    "Khớp"
                } else {
                    "Không khớp"
                },
                self.sums.as_str(),
            ),
        )
    }
}

/// A term of a check: the word a terminal writes before it, and its value.
type Term = (&'static str, i64);

/// A check before its verdict: how it is labelled and the terms of each side.
struct Equation<'a> {
    label: &'static str,
    heading: &'static str,
    left: &'a [Term],
    right: &'a [Term],
}

/// The checks of the movements: the roll (members at the start + ceremonies and transfers in =
/// members at the end + movements out), then the line awaiting the ceremony (awaiting at the
/// start + admissions = ceremonies + those who left before theirs + awaiting at the end).
fn checks(movements: &Movements) -> [Check; 2] {
    let reconciliation = movements.reconciliation.unwrap_or_default();
    let admitted = movements.admitted.as_ref().map_or(0, |a| a.total);
    let equations = [
        Equation {
            label: "Đối chiếu: đầu kỳ + tăng = cuối kỳ + giảm",
            heading: "ĐỐI CHIẾU",
            left: &[
                ("đầu kỳ", reconciliation.members_at_start),
                ("tăng", reconciliation.movements_in),
            ],
            right: &[
                ("cuối kỳ", reconciliation.members_at_end),
                ("giảm", reconciliation.movements_out),
            ],
        },
        Equation {
            label: "Đối chiếu chờ lễ kết nạp: đầu kỳ + kết nạp = lễ kết nạp + rời trước lễ + cuối kỳ",
            heading: "ĐỐI CHIẾU CHỜ LỄ KẾT NẠP",
            left: &[
                ("chờ lễ đầu kỳ", reconciliation.awaiting_at_start),
                ("kết nạp", admitted),
            ],
            right: &[
                ("lễ kết nạp", movements.ceremonies),
                ("rời trước lễ", movements.left_awaiting_ceremony),
                ("chờ lễ cuối kỳ", reconciliation.awaiting_at_end),
            ],
        },
    ];
    let sum = |terms: &[Term]| terms.iter().map(|(_, value)| value).sum::<i64>();
    let differences = equations
        .each_ref()
        .map(|equation| sum(equation.left) - sum(equation.right));
    // The service answers for both checks at once. When it finds the movements unbalanced and
    // neither check shows where (a hidden figure reads as 0), neither is said to hold.
    let unexplained = !reconciliation.balanced && differences.iter().all(|&d| d == 0);
    let side = |terms: &[Term]| {
        let words: Vec<String> = terms
            .iter()
            .map(|(word, value)| format!("{word} {value}"))
            .collect();
        format!("{} = {}", words.join(" + "), sum(terms))
    };
    std::array::from_fn(|index| {
        let equation = &equations[index];
        let difference = differences[index];
        let holds = difference == 0 && !unexplained;
        let verdict = if holds {
            "KHỚP".to_owned()
        } else {
            format!("KHÔNG KHỚP (chênh lệch {difference})")
        };
        Check {
            label: equation.label,
            heading: equation.heading,
            holds,
            sums: format!(
                "{}; {} → {verdict}",
                side(equation.left),
                side(equation.right)
            ),
        }
    })
}

/// Each check of the movements as one line a person can redo by hand: the roll, then the line
/// awaiting the ceremony.
pub fn reconciliation_lines(movements: &Movements) -> [String; 2] {
    checks(movements).map(|check| format!("{}: {}", check.heading, check.sums))
}

/// `GetMovements`: one table, from the members on the roll at the start through the movements in
/// and out to the members at the end, then the line awaiting the ceremony from its start through
/// the admissions, the ceremonies and those who left before theirs to its end, each with the
/// check that it reconciles.
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
    let [roll, awaiting] = checks(movements);
    let mut table = summary_table("Biến động", "Biến động đảng viên và đối chiếu");
    table
        .push_row(pair("Đơn vị", movements.display_name.as_str()))
        .push_row(pair("Phạm vi", movements.scope.as_str()))
        .push_row(pair("Từ ngày", Cell::date(&movements.from_date)))
        .push_row(pair("Đến ngày", Cell::date(&movements.to_date)))
        // The roll: members enter it at their ceremony or by a transfer in.
        .push_row(pair(
            "Đảng viên đầu kỳ",
            moved(reconciliation.members_at_start, "members_at_start"),
        ))
        .push_row(pair(
            "Lễ kết nạp (vào danh sách)",
            moved(movements.ceremonies, "ceremonies"),
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
        .push_row(roll.row())
        // The line awaiting the ceremony: admitted on the day of the decision, off the roll
        // until the ceremony.
        .push_row(pair(
            "Chờ lễ kết nạp đầu kỳ",
            moved(reconciliation.awaiting_at_start, "awaiting_at_start"),
        ))
        .push_row(pair(
            "Kết nạp (theo ngày quyết định)",
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
            "Rời trước lễ kết nạp",
            moved(movements.left_awaiting_ceremony, "left_awaiting_ceremony"),
        ))
        .push_row(pair(
            "Chờ lễ kết nạp cuối kỳ",
            moved(reconciliation.awaiting_at_end, "awaiting_at_end"),
        ))
        .push_row(awaiting.row())
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
