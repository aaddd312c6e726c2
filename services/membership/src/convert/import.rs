//! The roster import's messages: each row of an `ImportRosterRequest` validated into the service's
//! rows (a bad row becomes its problems, never an error of the call), and the report shown back
//! as an `ImportRosterResponse` with every problem's field path (`members[3].member.birth_date`)
//! and its reason in Vietnamese. The wording of every reason lives here, once, by the problem's
//! code: the checks themselves are the ones CreateMember and RecordAdmission use, whose
//! descriptions are English.

use partyregistry_kit::error::{ApiError, FieldViolation, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date::Date;
use partyregistry_vocab::names;

use super::{
    admission_at, cell_from_proto, commune_from_proto, enum_field, optional_date,
    party_age_from_proto, person_from_proto, text_field,
};
use crate::domain::import::{ImportIssue, RosterHistory, RowOutcome, RowProblem};
use crate::domain::{self, DepartureKind};
use crate::service::{CellRow, ImportReport, ImportRow, MemberRow};

/// The problems recorded in `v`, with `prefix` (`commune.`) taken off their fields.
fn problems(v: Violations, prefix: &str) -> Vec<RowProblem> {
    match v.finish() {
        Ok(()) => Vec::new(),
        Err(error) => error_problems(error, prefix),
    }
}

fn error_problems(error: ApiError, prefix: &str) -> Vec<RowProblem> {
    let unprefixed = |field: &str| field.strip_prefix(prefix).unwrap_or(field).to_owned();
    match error {
        ApiError::InvalidArgument(violations) => violations
            .into_iter()
            .map(|FieldViolation { field, description }| {
                RowProblem::new(unprefixed(&field), ImportIssue::Invalid, description)
            })
            .collect(),
        ApiError::FailedPrecondition {
            reason,
            field,
            description,
        } => vec![RowProblem::new(
            unprefixed(&field),
            ImportIssue::Rule(reason),
            description,
        )],
        other => vec![RowProblem::new("", ImportIssue::Invalid, other.to_string())],
    }
}

fn commune_code(v: &mut Violations, field: &str, code: &str) -> String {
    let code = code.trim().to_owned();
    if !names::is_commune_code(&code) {
        v.add(field, "must be 5 digits");
    }
    code
}

/// A commune row of the request.
pub fn import_commune(row: &pb::ImportCommune) -> ImportRow<domain::Commune> {
    let commune = pb::Commune {
        code: row.code.clone(),
        display_name: row.display_name.clone(),
        province_code: row.province_code.clone(),
        valid_from: row.valid_from.clone(),
        ..Default::default()
    };
    ImportRow {
        row_number: row.row_number,
        parsed: commune_from_proto(&commune, row.code.trim())
            .map_err(|error| error_problems(error, "commune.")),
    }
}

/// A cell row of the request.
pub fn import_cell(row: &pb::ImportCell) -> ImportRow<CellRow> {
    let mut v = Violations::new();
    let code = commune_code(&mut v, "commune_code", &row.commune_code);
    let cell = pb::Cell {
        display_name: row.display_name.clone(),
        kind: row.kind,
        open_date: row.open_date.clone(),
        ..Default::default()
    };
    let parsed = cell_from_proto(&cell, &code, "");
    let mut found = problems(v, "");
    let parsed = match parsed {
        Ok(cell) if found.is_empty() => Ok(CellRow {
            commune_code: code,
            display_name: cell.display_name,
            kind: cell.kind,
            open_date: cell.open_date,
        }),
        Ok(_) => Err(found),
        Err(error) => {
            found.extend(error_problems(error, "cell."));
            Err(found)
        }
    };
    ImportRow {
        row_number: row.row_number,
        parsed,
    }
}

/// A member row of the request, checked as CreateMember checks a member: the person, the
/// admission (its decision date defaults to the ceremony date, which is required), party-age gaps
/// and badges against `today`, and the exemption and departure dates.
pub fn import_member(row: &pb::ImportMember, today: Date) -> ImportRow<MemberRow> {
    let mut v = Violations::new();
    let row_key = text_field(&mut v, "row_key", &row.row_key, 100, true);
    let commune_code = commune_code(&mut v, "commune_code", &row.commune_code);
    let cell_display_name = text_field(
        &mut v,
        "cell_display_name",
        &row.cell_display_name,
        100,
        true,
    );
    let member = row.member.clone().unwrap_or_default();
    if row.member.is_none() {
        v.add("member", "is required");
    }
    let person = person_from_proto(&member, &mut v);
    let mut sent = row.admission.clone();
    if let Some(admission) = sent.as_mut() {
        if admission.ceremony_date.trim().is_empty() {
            v.add("admission.ceremony_date", "is required (YYYY-MM-DD)");
        }
        if admission.decision_date.trim().is_empty() {
            admission.decision_date = admission.ceremony_date.clone();
        }
    }
    let admission = admission_at("admission", sent.as_ref(), &mut v);
    let (party_age_gaps, badges) = match &admission {
        Some(admission) => party_age_from_proto(&member, admission.decision_date, today, &mut v),
        None => (Vec::new(), Vec::new()),
    };
    let exempt_since = optional_date(&mut v, "exempt_since", &row.exempt_since);
    // Unset means the member is on the roll.
    let departure_kind = if row.departure_kind == 0 {
        None
    } else {
        enum_field(
            &mut v,
            "departure_kind",
            row.departure_kind,
            None,
            pb::DepartureKind::as_str_name,
            DepartureKind::from_name,
        )
    };
    let departure_date = optional_date(&mut v, "departure_date", &row.departure_date);
    let departure = match (departure_kind, departure_date) {
        (Some(kind), Some(on)) => Some((kind, on)),
        (Some(_), None) => {
            v.add("departure_date", "is required with departure_kind");
            None
        }
        (None, Some(_)) => {
            v.add("departure_kind", "is required with departure_date");
            None
        }
        (None, None) => None,
    };
    let found = problems(v, "");
    let parsed = match (person, admission) {
        (Some(person), Some(admission)) if found.is_empty() => Ok(MemberRow {
            row_key,
            commune_code,
            cell_display_name,
            person,
            admission,
            history: RosterHistory {
                exempt_since,
                departure,
                party_age_gaps,
                badges,
                seriously_ill: member.seriously_ill,
            },
        }),
        _ => Err(found),
    };
    ImportRow {
        row_number: row.row_number,
        parsed,
    }
}

/// The last name of a field path, without an index: `members[3].member.badges[0].years` →
/// `years`.
fn leaf(field: &str) -> &str {
    let last = field.rsplit('.').next().unwrap_or(field);
    last.split('[').next().unwrap_or(last)
}

/// Why a value can never be right, by the field it is in.
fn invalid_reason(field: &str) -> &'static str {
    match leaf(field) {
        "full_name" => "Họ và tên là bắt buộc, tối đa 100 ký tự",
        "family_name" | "middle_name" | "given_name" => {
            "Họ, tên đệm hoặc tên không hợp lệ (tối đa 50 ký tự; có họ thì phải có tên)"
        }
        "gender" => "Giới tính là bắt buộc (Nam hoặc Nữ)",
        "birth_date" => "Ngày sinh là bắt buộc, theo dạng YYYY-MM-DD",
        "ethnicity_code" => "Dân tộc phải là mã 2 chữ số của một trong 54 dân tộc (01–54)",
        "citizen_id" => "Số định danh cá nhân phải gồm đúng 12 chữ số",
        "phone" => "Số điện thoại tối đa 20 ký tự, chỉ gồm chữ số, dấu cách và dấu +",
        "general_education" => "Trình độ giáo dục phổ thông là bắt buộc",
        "qualification" | "political_theory" | "assignment" | "kind" | "departure_kind" => {
            "Giá trị không có trong danh mục"
        }
        "decision_date"
        | "decision_received_date"
        | "ceremony_date"
        | "official_date"
        | "open_date"
        | "valid_from"
        | "exempt_since"
        | "departure_date"
        | "from_date"
        | "to_date"
        | "award_date" => {
            "Ngày thiếu, sai dạng YYYY-MM-DD, ở tương lai hoặc sai thứ tự so với các ngày khác"
        }
        "years" => "Huy hiệu Đảng phải là 30, 40, 45, 50, …, 90 năm, mỗi mức một lần",
        "code" | "commune_code" => "Mã xã phải gồm đúng 5 chữ số",
        "province_code" => "Mã tỉnh phải gồm đúng 2 chữ số",
        "row_key" => "Khóa dòng là bắt buộc, tối đa 100 ký tự",
        "display_name" | "cell_display_name" => "Tên là bắt buộc, tối đa 100 ký tự",
        "member" | "admission" => "Thiếu thông tin bắt buộc",
        _ => "Giá trị quá dài, chứa ký tự điều khiển hoặc không hợp lệ",
    }
}

/// Why a rule refuses a row, by the rule's stable reason.
fn rule_reason(reason: &str) -> &'static str {
    match reason {
        domain::DATE_RULE => {
            "Ngày trái quy định: sai thứ tự (quyết định, nhận quyết định, kết nạp, chính thức), chưa đủ thời gian dự bị hoặc ở tương lai"
        }
        domain::AGE_OUT_OF_RANGE => "Tuổi khi kết nạp chưa đủ theo quy định",
        domain::ILLEGAL_TRANSITION => {
            "Trạng thái không cho phép bước này (chỉ đảng viên chính thức được miễn sinh hoạt, xin ra hay bị khai trừ)"
        }
        domain::CELL_CLOSED => "Chi bộ không hoạt động vào ngày này",
        domain::units::PROVINCE_NOT_FOUND => "Không có tỉnh, thành phố với mã này",
        _ => "Trái quy định",
    }
}

/// The reason of a problem, in Vietnamese, for the office that fixes the file.
pub fn reason(problem: &RowProblem) -> &'static str {
    match problem.issue {
        ImportIssue::Invalid => invalid_reason(&problem.field),
        ImportIssue::Rule(code) => rule_reason(code),
        ImportIssue::OutOfScope => "Đơn vị nằm ngoài phạm vi được phép nhập, hoặc không tồn tại",
        ImportIssue::Conflict => "Đơn vị đã có với giá trị khác ở trường này",
        ImportIssue::UnknownCell => {
            "Xã chưa có chi bộ này: khai báo chi bộ trong lô này hoặc một lô trước"
        }
        ImportIssue::RepeatedRowKey => "Khóa dòng trùng với một dòng trước trong lô",
        ImportIssue::SameCitizenId => "Trùng số định danh cá nhân với một đảng viên khác",
        ImportIssue::SamePerson => "Trùng họ tên, ngày sinh và xã với một đảng viên khác",
    }
}

fn row_result(
    list: &str,
    index: usize,
    row_number: i64,
    outcome: &RowOutcome,
) -> pb::ImportRowResult {
    let field = |problem: &RowProblem| {
        if problem.field.is_empty() {
            format!("{list}[{index}]")
        } else {
            format!("{list}[{index}].{}", problem.field)
        }
    };
    let shown = |problem: &RowProblem| pb::ImportProblem {
        field: field(problem),
        reason: reason(problem).to_owned(),
    };
    let (kind, problems, name, duplicate_of_row) = match outcome {
        RowOutcome::Created(name) => (pb::ImportOutcome::Created, Vec::new(), name.clone(), 0),
        RowOutcome::Unchanged(name) => (pb::ImportOutcome::Unchanged, Vec::new(), name.clone(), 0),
        RowOutcome::AlreadyImported(name) => (
            pb::ImportOutcome::AlreadyImported,
            Vec::new(),
            name.clone(),
            0,
        ),
        RowOutcome::Duplicate { of_row, problem } => (
            pb::ImportOutcome::Duplicate,
            vec![shown(problem)],
            String::new(),
            *of_row,
        ),
        RowOutcome::Rejected(problems) => (
            pb::ImportOutcome::Rejected,
            problems.iter().map(shown).collect(),
            String::new(),
            0,
        ),
    };
    pb::ImportRowResult {
        row_number,
        outcome: kind as i32,
        problems,
        name,
        duplicate_of_row,
    }
}

/// The response to a batch: one result per row, communes, cells, then members, and the counts.
pub fn import_report_to_proto(report: &ImportReport) -> pb::ImportRosterResponse {
    let mut response = pb::ImportRosterResponse {
        feed_sequence: report.feed_sequence,
        ..Default::default()
    };
    for (list, rows) in [
        ("communes", &report.communes),
        ("cells", &report.cells),
        ("members", &report.members),
    ] {
        for (index, (row_number, outcome)) in rows.iter().enumerate() {
            match outcome {
                RowOutcome::Created(_) => response.created += 1,
                RowOutcome::Unchanged(_) => response.unchanged += 1,
                RowOutcome::AlreadyImported(_) => response.already_imported += 1,
                RowOutcome::Duplicate { .. } => response.duplicates += 1,
                RowOutcome::Rejected(_) => response.rejected += 1,
            }
            response
                .results
                .push(row_result(list, index, *row_number, outcome));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_a_member_has_a_vietnamese_reason() {
        for field in [
            "members[3].member.birth_date",
            "members[0].member.badges[1].years",
            "members[2].admission.ceremony_date",
        ] {
            let problem = RowProblem::new(field, ImportIssue::Invalid, "");
            assert_ne!(reason(&problem), invalid_reason("unknown"), "{field}");
        }
    }

    #[test]
    fn a_member_row_without_ceremony_names_the_field() {
        let row = pb::ImportMember {
            row_number: 7,
            row_key: "7".into(),
            commune_code: "02680".into(),
            cell_display_name: "Chi bộ thôn Tượng 1".into(),
            member: Some(pb::Member {
                full_name: "Hoàng Văn Thử".into(),
                gender: pb::Gender::Male as i32,
                birth_date: "1990-01-02".into(),
                ethnicity_code: "01".into(),
                general_education: pb::GeneralEducation::UpperSecondary as i32,
                ..Default::default()
            }),
            admission: Some(pb::Admission::default()),
            ..Default::default()
        };
        let parsed = import_member(&row, Date::from_ymd_opt(2026, 1, 1).unwrap_or_default());
        let fields: Vec<String> = parsed
            .parsed
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert!(
            fields.contains(&"admission.ceremony_date".to_owned()),
            "{fields:?}"
        );
    }
}
