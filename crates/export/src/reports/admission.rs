//! The reports of admission work in one commune: the year's progress against the target, the
//! candidate pipeline by stage and blocker, and the deadlines to watch.
//!
//! Owns: these three documents, and the parts of them the monthly briefing reuses (the progress
//! summary and reasons, a deadline table). Does not own: the parts every report shares
//! (`super::tables`).

use partyregistry_proto::reporting::v1::{
    AdmissionProgress, Deadline, ListDeadlinesRequest, ListDeadlinesResponse, Pipeline,
};
use partyregistry_vocab::reference;

use super::tables::{
    NO_TARGET, SUMMARY, bucket_label, bucket_table, count, figure, pair, push_freshness,
    push_total, sentences_table, slug, summary_table, vietnamese_date, yes_no,
};
use crate::document::{Cell, Chart, ChartKind, ChartSeries, Document, Table};

/// `GetAdmissionProgress`: the figures and the verdict, the reasons, and month by month the
/// admissions, their running total and the target, with the chart of admissions against the
/// target.
pub fn admission_progress(progress: &AdmissionProgress) -> Document {
    let mut document = Document::new(
        format!(
            "Tiến độ kết nạp đảng viên năm {} — {} (đến ngày {})",
            progress.year,
            progress.commune,
            vietnamese_date(&progress.as_of_date)
        ),
        slug(&format!(
            "tien do ket nap {} {} {}",
            progress.commune, progress.year, progress.as_of_date
        )),
    );
    document.caption = Some(format!(
        "TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN NĂM {} — {}\nTính đến ngày {}",
        progress.year,
        progress.commune,
        vietnamese_date(&progress.as_of_date)
    ));
    document.push(progress_summary(progress));
    if let Some(reasons) = progress_reasons(progress) {
        document.push(reasons);
    }

    let mut months = Table::new(
        "Theo tháng",
        format!("Kết nạp theo tháng năm {}", progress.year),
        &["Tháng", "Kết nạp trong tháng", "Lũy kế", "Chỉ tiêu năm"],
    );
    let mut cumulative = 0_i64;
    for month in 0..12 {
        let admitted = progress.by_month.get(month).copied().unwrap_or(0);
        cumulative += admitted;
        months.push_row(vec![
            Cell::worded(format!("Tháng {}", month + 1), format!("T{}", month + 1)),
            admitted.into(),
            cumulative.into(),
            if progress.has_target {
                progress.target.into()
            } else {
                Cell::Empty
            },
        ]);
    }
    let table = document.push(months);
    document.chart = Some(Chart {
        title: format!("Kết nạp so với chỉ tiêu năm {}", progress.year),
        table,
        category_column: 0,
        series: vec![
            ChartSeries {
                column: 1,
                kind: ChartKind::Column,
            },
            ChartSeries {
                column: 2,
                kind: ChartKind::Line,
            },
            ChartSeries {
                column: 3,
                kind: ChartKind::Line,
            },
        ],
        x_axis: "Tháng".into(),
        y_axis: "Số đảng viên".into(),
    });
    document
}

/// The figures of a year's progress and the verdict on its target.
pub fn progress_summary(progress: &AdmissionProgress) -> Table {
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Xã", progress.commune.as_str()))
        .push_row(pair("Năm", progress.year))
        .push_row(pair("Ngày đánh giá", Cell::date(&progress.as_of_date)))
        .push_row(pair(
            Cell::worded("Chỉ tiêu kết nạp trong năm", "Chỉ tiêu kết nạp cả năm"),
            if progress.has_target {
                Cell::from(progress.target)
            } else {
                Cell::from(NO_TARGET)
            },
        ))
        .push_row(pair("Đã kết nạp", progress.admitted))
        .push_row(pair("Còn phải kết nạp", progress.remaining))
        .push_row(pair(
            "Quần chúng đủ điều kiện",
            progress.eligible_candidates,
        ))
        .push_row(pair(
            "Tổng số nguồn đang theo dõi",
            progress.open_candidates,
        ))
        .push_row(pair("Khả năng cao nhất", progress.best_case))
        .push_row(pair("Nguy cơ không đạt chỉ tiêu", yes_no(progress.at_risk)))
        .push_row(pair("Đánh giá", verdict(progress)));
    push_freshness(&mut summary, progress.freshness.as_ref());
    summary
}

/// Why the target is at risk, when the service says.
pub fn progress_reasons(progress: &AdmissionProgress) -> Option<Table> {
    sentences_table("Lý do", "Lý do có nguy cơ không đạt", &progress.reasons)
}

/// The verdict on a year's target, in one line.
fn verdict(progress: &AdmissionProgress) -> String {
    if !progress.has_target {
        return "Chưa có chỉ tiêu cho năm này".to_owned();
    }
    if progress.remaining == 0 {
        return "ĐÃ ĐẠT CHỈ TIÊU".to_owned();
    }
    if progress.at_risk {
        format!(
            "CÓ NGUY CƠ KHÔNG ĐẠT CHỈ TIÊU: nhiều nhất đạt {}/{}, thiếu {}",
            progress.best_case,
            progress.target,
            i64::from(progress.target) - progress.best_case
        )
    } else {
        format!(
            "Có thể đạt chỉ tiêu nếu kết nạp đủ {} người còn lại",
            progress.remaining
        )
    }
}

/// `GetPipeline`: totals, by stage, by blocker, and per cell with a column per stage.
pub fn pipeline(pipeline: &Pipeline) -> Document {
    let mut document = Document::new(
        format!(
            "Nguồn kết nạp đảng viên — {} ngày {}",
            pipeline.commune,
            vietnamese_date(&pipeline.as_of_date)
        ),
        slug(&format!(
            "nguon ket nap {} {}",
            pipeline.commune, pipeline.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Xã", pipeline.commune.as_str()))
        .push_row(pair("Ngày đánh giá", Cell::date(&pipeline.as_of_date)))
        .push_row(pair("Nguồn đang theo dõi", pipeline.open_candidates))
        .push_row(pair("Nguồn không vướng mắc", pipeline.eligible_candidates));
    push_freshness(&mut summary, pipeline.freshness.as_ref());
    document.push(summary);
    document.push(bucket_table(
        "Theo giai đoạn",
        "Quần chúng theo giai đoạn",
        "Giai đoạn",
        "Số quần chúng",
        &pipeline.by_stage,
    ));
    document.push(bucket_table(
        "Vướng mắc",
        "Vướng mắc của nguồn đang theo dõi",
        "Vướng mắc",
        "Số quần chúng",
        &pipeline.by_blocker,
    ));

    let stage_labels: Vec<String> = pipeline.by_stage.iter().map(bucket_label).collect();
    let mut headers = vec!["Chi bộ", "Nguồn đang theo dõi", "Nguồn không vướng mắc"];
    headers.extend(stage_labels.iter().map(String::as_str));
    headers.extend(["Vướng mắc", "Mã chi bộ"]);
    let mut cells = Table::new("Chi bộ", "Nguồn kết nạp theo chi bộ", &headers);
    for cell in &pipeline.cells {
        let mut row: Vec<Cell> = vec![
            cell.display_name.as_str().into(),
            figure(
                cell.open_candidates,
                "open_candidates",
                &cell.suppressed_fields,
            ),
            figure(
                cell.eligible_candidates,
                "eligible_candidates",
                &cell.suppressed_fields,
            ),
        ];
        row.extend(pipeline.by_stage.iter().map(|stage| {
            Cell::from(
                cell.by_stage
                    .iter()
                    .find(|b| b.key == stage.key)
                    .map_or(0, |b| b.members),
            )
        }));
        row.push(
            cell.by_blocker
                .iter()
                .map(|b| format!("{}: {}", bucket_label(b), b.members))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        );
        row.push(cell.cell.as_str().into());
        cells.push_row(row);
    }
    let counted: Vec<usize> = (1..3 + stage_labels.len()).collect();
    push_total(&mut cells, 0, &counted);
    document.push(cells);
    document
}

/// `ListDeadlines`: the response does not repeat the commune nor the days, so they come from
/// the request.
pub fn deadlines(request: &ListDeadlinesRequest, response: &ListDeadlinesResponse) -> Document {
    let day = if request.as_of_date.is_empty() {
        String::new()
    } else {
        format!(" ngày {}", vietnamese_date(&request.as_of_date))
    };
    let mut document = Document::new(
        format!("Thời hạn cần theo dõi — {}{day}", request.commune),
        slug(&format!(
            "thoi han {} {}",
            request.commune, request.as_of_date
        )),
    );
    let mut summary = summary_table(SUMMARY, SUMMARY);
    summary
        .push_row(pair("Xã", request.commune.as_str()))
        .push_row(pair("Ngày đánh giá", Cell::date(&request.as_of_date)))
        .push_row(pair("Đến ngày", Cell::date(&request.until_date)))
        .push_row(pair("Số thời hạn", count(response.deadlines.len())))
        .push_row(pair("Đã quá hạn", response.overdue));
    push_freshness(&mut summary, response.freshness.as_ref());
    document.push(summary);
    document.push(deadline_table(&response.deadlines).terminal_columns(&[0, 1, 2, 3, 4, 6, 7]));
    if !response.deadlines.is_empty() {
        document.remarks.push(format!(
            "{} thời hạn, {} quá hạn (tính theo ngày làm việc).",
            response.deadlines.len(),
            response.overdue
        ));
    }
    document
}

/// Deadlines, one per row: what is due, for whom, when, and how many working days are left.
pub fn deadline_table(deadlines: &[Deadline]) -> Table {
    let mut table = Table::new(
        "Thời hạn",
        "Danh sách thời hạn",
        &[
            "Việc",
            "Họ và tên",
            "Chi bộ",
            "Ngày bắt đầu",
            "Hạn cuối",
            "Quá hạn",
            "Số ngày làm việc còn lại",
            "Quy định",
            "Mã hồ sơ",
        ],
    );
    for deadline in deadlines {
        table.push_row(vec![
            reference::label(deadline.kind().as_str_name()).into(),
            deadline.full_name.as_str().into(),
            deadline.cell.as_str().into(),
            Cell::date(&deadline.start_date),
            Cell::date(&deadline.due_date),
            yes_no(deadline.overdue),
            Cell::worded(deadline.working_days_left, deadline_status(deadline)),
            deadline.rule_version.as_str().into(),
            deadline.subject.as_str().into(),
        ]);
    }
    table
}

/// "còn 12 ngày LV" / "QUÁ HẠN 3 ngày LV" (working days), marked provisional when the count
/// runs through a year whose calendar is not loaded.
fn deadline_status(deadline: &Deadline) -> String {
    let status = if deadline.overdue || deadline.working_days_left < 0 {
        format!(
            "QUÁ HẠN {} ngày LV",
            deadline.working_days_left.unsigned_abs()
        )
    } else {
        format!("còn {} ngày LV", deadline.working_days_left)
    };
    if deadline.calendar_missing_years.is_empty() {
        return status;
    }
    let years: Vec<String> = deadline
        .calendar_missing_years
        .iter()
        .map(i32::to_string)
        .collect();
    format!(
        "{status} (tạm tính: chưa có lịch ngày nghỉ năm {})",
        years.join(", ")
    )
}
