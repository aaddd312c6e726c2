//! The roster import through its handler, on both backends: units and members created and fed,
//! re-sending answered from the imported rows, the dry run, rejected rows naming their fields,
//! duplicates within a batch and against stored members, and rows outside the caller's scope.

use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;

use super::{Server, TestDb, admin, call, commune_with_people, open, province_15};

on_both_backends! {
    a_batch_creates_units_and_members_and_feeds_them =>
        sqlite_a_batch_creates_units_and_members_and_feeds_them,
        postgres_a_batch_creates_units_and_members_and_feeds_them;
    a_dry_run_writes_nothing =>
        sqlite_a_dry_run_writes_nothing, postgres_a_dry_run_writes_nothing;
    rejected_rows_name_their_fields_and_do_not_stop_good_rows =>
        sqlite_rejected_rows_name_their_fields_and_do_not_stop_good_rows,
        postgres_rejected_rows_name_their_fields_and_do_not_stop_good_rows;
    duplicates_are_found_in_the_batch_and_among_stored_members =>
        sqlite_duplicates_are_found_in_the_batch_and_among_stored_members,
        postgres_duplicates_are_found_in_the_batch_and_among_stored_members;
    rows_outside_the_scope_are_refused_alike =>
        sqlite_rows_outside_the_scope_are_refused_alike,
        postgres_rows_outside_the_scope_are_refused_alike;
}

const COMMUNE: &str = "02905";
const CELL: &str = "Chi bộ thôn Làng Mới";

fn commune_row(row_number: i64) -> pb::ImportCommune {
    pb::ImportCommune {
        row_number,
        code: COMMUNE.into(),
        display_name: "Xã Phong Niên".into(),
        province_code: "15".into(),
        valid_from: "2025-07-01".into(),
    }
}

fn cell_row(row_number: i64, display_name: &str) -> pb::ImportCell {
    pb::ImportCell {
        row_number,
        commune_code: COMMUNE.into(),
        display_name: display_name.into(),
        kind: pb::CellKind::Residential.into(),
        open_date: "2025-07-01".into(),
    }
}

/// A synthetic official member of row `row_number`, admitted in 2010.
fn member_row(row_number: i64, full_name: &str, citizen_id: &str) -> pb::ImportMember {
    pb::ImportMember {
        row_number,
        row_key: format!("r{row_number}"),
        commune_code: COMMUNE.into(),
        cell_display_name: CELL.into(),
        member: Some(pb::Member {
            full_name: full_name.into(),
            gender: pb::Gender::Female.into(),
            birth_date: "1985-04-0".to_owned() + &((row_number % 9) + 1).to_string(),
            ethnicity_code: "01".into(),
            citizen_id: citizen_id.into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            card_number: "001085000123".into(),
            badges: Vec::new(),
            disciplines: Vec::new(),
            ..Default::default()
        }),
        admission: Some(pb::Admission {
            ceremony_date: "2010-05-19".into(),
            official_date: "2011-05-19".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn batch(import_id: &str, members: Vec<pb::ImportMember>) -> pb::ImportRosterRequest {
    pb::ImportRosterRequest {
        import_id: import_id.into(),
        communes: vec![commune_row(1)],
        cells: vec![cell_row(2, CELL), cell_row(3, "Chi bộ Trường Tiểu học")],
        members,
        dry_run: false,
    }
}

async fn import(server: &Server, request: pb::ImportRosterRequest) -> pb::ImportRosterResponse {
    server
        .api
        .import_roster(call(&province_15(), request))
        .await
        .expect("the batch is answered")
        .into_inner()
}

fn outcome(result: &pb::ImportRowResult) -> pb::ImportOutcome {
    pb::ImportOutcome::try_from(result.outcome).unwrap_or_default()
}

/// The results of the member rows (after the commune and the two cells).
fn members(response: &pb::ImportRosterResponse) -> &[pb::ImportRowResult] {
    &response.results[3..]
}

async fn a_batch_creates_units_and_members_and_feeds_them(server: &Server) {
    let before = server.membership.changes_after(0, 1).await.expect("head").1;
    let mut probationary = member_row(5, "Lò Thị Thanh", "");
    probationary.admission = Some(pb::Admission {
        decision_date: "2025-03-01".into(),
        decision_received_date: "2025-03-10".into(),
        ceremony_date: "2025-03-19".into(),
        ..Default::default()
    });
    let mut exempt = member_row(6, "Hoàng Văn Đức", "001050000006");
    exempt.exempt_since = "2020-01-01".into();
    let mut deceased = member_row(7, "Vàng A Páo", "");
    deceased.departure_kind = pb::DepartureKind::Death.into();
    deceased.departure_date = "2023-08-09".into();
    let sent = batch(
        "roster-a",
        vec![
            member_row(4, "Đặng Thị Hoa", "001085000004"),
            probationary,
            exempt,
            deceased,
        ],
    );
    let response = import(server, sent.clone()).await;
    assert_eq!(response.created, 7, "{response:?}");
    assert_eq!((response.rejected, response.duplicates), (0, 0));
    assert!(response.feed_sequence > before);
    assert_eq!(
        response.results[1].name,
        format!("communes/{COMMUNE}/cells/chi-bo-thon-lang-moi")
    );
    let (changes, head) = server
        .membership
        .changes_after(before, 100)
        .await
        .expect("the feed is read");
    assert_eq!(head, response.feed_sequence);
    assert_eq!(changes.len(), 7, "one change per created unit and member");
    let statuses: Vec<(String, i32)> = changes
        .iter()
        .filter_map(|c| match &c.resource {
            Some(Resource::Member(m)) => Some((m.full_name.clone(), m.status)),
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("Đặng Thị Hoa".to_owned(), pb::MemberStatus::Official as i32),
            (
                "Lò Thị Thanh".to_owned(),
                pb::MemberStatus::Probationary as i32
            ),
            ("Hoàng Văn Đức".to_owned(), pb::MemberStatus::Exempt as i32),
            ("Vàng A Páo".to_owned(), pb::MemberStatus::Deceased as i32),
        ]
    );
    let received: Vec<&str> = changes
        .iter()
        .filter_map(|c| match &c.resource {
            Some(Resource::Member(m)) => m.admission.as_ref(),
            _ => None,
        })
        .map(|a| a.decision_received_date.as_str())
        .collect();
    assert_eq!(received, ["", "2025-03-10", "", ""]);
    let deceased_change = changes.last().expect("the last change is a member");
    let event_types: Vec<i32> = deceased_change.events.iter().map(|e| e.r#type).collect();
    assert_eq!(
        event_types,
        vec![
            pb::EventType::AdmissionDecided as i32,
            pb::EventType::CeremonyHeld as i32,
            pb::EventType::RecognizedOfficial as i32,
            pb::EventType::Died as i32,
        ]
    );

    // The same batch again creates nothing: units unchanged, members answered by name.
    let again = import(server, sent).await;
    assert_eq!(
        (again.created, again.unchanged, again.already_imported),
        (0, 3, 4)
    );
    assert_eq!(again.feed_sequence, 0);
    for (first, second) in members(&response).iter().zip(members(&again)) {
        assert_eq!(outcome(second), pb::ImportOutcome::AlreadyImported);
        assert_eq!(first.name, second.name);
    }
    let head_after = server.membership.changes_after(0, 1).await.expect("head").1;
    assert_eq!(head_after, head, "nothing was appended");
}

async fn a_dry_run_writes_nothing(server: &Server) {
    let before = server.membership.changes_after(0, 1).await.expect("head").1;
    let mut sent = batch("roster-dry", vec![member_row(4, "Đặng Thị Hoa", "")]);
    sent.dry_run = true;
    let response = import(server, sent.clone()).await;
    assert_eq!(
        (response.created, response.feed_sequence),
        (4, 0),
        "{response:?}"
    );
    assert!(members(&response)[0].name.is_empty(), "no id is promised");
    let head = server.membership.changes_after(0, 1).await.expect("head").1;
    assert_eq!(head, before);
    let commune = server
        .api
        .get_commune(call(
            &admin(),
            pb::GetCommuneRequest {
                name: format!("communes/{COMMUNE}"),
            },
        ))
        .await;
    assert_eq!(
        commune.map(|_| ()).map_err(|s| s.code()),
        Err(tonic::Code::NotFound)
    );
    // The real run afterwards creates the rows the dry run announced.
    sent.dry_run = false;
    assert_eq!(import(server, sent).await.created, 4);
}

async fn rejected_rows_name_their_fields_and_do_not_stop_good_rows(server: &Server) {
    let mut bad_date = member_row(4, "Nguyễn Thị Lan", "");
    if let Some(member) = bad_date.member.as_mut() {
        member.birth_date = "1985-13-40".into();
    }
    let mut too_young = member_row(5, "Phạm Văn Bình", "");
    if let Some(member) = too_young.member.as_mut() {
        member.birth_date = "1993-06-01".into();
    }
    let mut unknown_cell = member_row(6, "Trần Văn Cường", "");
    unknown_cell.cell_display_name = "Chi bộ không có".into();
    let mut bad_ethnicity = member_row(7, "Lý Thị Dung", "");
    if let Some(member) = bad_ethnicity.member.as_mut() {
        member.ethnicity_code = "99".into();
    }
    let mut early_official = member_row(8, "Vũ Văn Em", "");
    if let Some(admission) = early_official.admission.as_mut() {
        admission.official_date = "2010-09-01".into();
    }
    let mut late_receipt = member_row(10, "Hà Văn Hùng", "");
    if let Some(admission) = late_receipt.admission.as_mut() {
        admission.decision_received_date = "2010-05-20".into();
    }
    let good = member_row(9, "Đỗ Thị Giang", "001085000009");
    let response = import(
        server,
        batch(
            "roster-bad",
            vec![
                bad_date,
                too_young,
                unknown_cell,
                bad_ethnicity,
                early_official,
                late_receipt,
                good,
            ],
        ),
    )
    .await;
    assert_eq!(
        (response.created, response.rejected),
        (4, 6),
        "{response:?}"
    );
    let fields: Vec<(i64, String)> = members(&response)
        .iter()
        .flat_map(|r| r.problems.iter().map(|p| (r.row_number, p.field.clone())))
        .collect();
    assert_eq!(
        fields,
        vec![
            (4, "members[0].member.birth_date".to_owned()),
            (5, "members[1].member.birth_date".to_owned()),
            (6, "members[2].cell_display_name".to_owned()),
            (7, "members[3].member.ethnicity_code".to_owned()),
            (8, "members[4].admission.official_date".to_owned()),
            (10, "members[5].admission.decision_received_date".to_owned()),
        ]
    );
    assert!(
        members(&response)
            .iter()
            .flat_map(|r| &r.problems)
            .all(|p| !p.reason.is_empty() && !p.reason.is_ascii()),
        "every reason is worded in Vietnamese"
    );
    assert_eq!(outcome(&members(&response)[6]), pb::ImportOutcome::Created);
}

async fn duplicates_are_found_in_the_batch_and_among_stored_members(server: &Server) {
    let first = import(
        server,
        batch(
            "roster-dup",
            vec![
                member_row(4, "Đặng Thị Hoa", "001085000004"),
                member_row(5, "Lò Văn Sáng", "001085000004"),
                member_row(6, "Đặng Thị Hoa", ""),
                member_row(13, "ĐẶNG  THỊ HOA", ""),
            ],
        ),
    )
    .await;
    let results = members(&first);
    assert_eq!(outcome(&results[0]), pb::ImportOutcome::Created);
    assert_eq!(
        (outcome(&results[1]), results[1].duplicate_of_row),
        (pb::ImportOutcome::Duplicate, 4),
        "same citizen ID"
    );
    assert_eq!(results[1].problems[0].field, "members[1].member.citizen_id");
    // Row 6 has another birth day (the fixture derives it from the row number); row 13 the
    // same as row 4, its name in capitals with a double space.
    assert_eq!(outcome(&results[2]), pb::ImportOutcome::Created);
    assert_eq!(
        (outcome(&results[3]), results[3].duplicate_of_row),
        (pb::ImportOutcome::Duplicate, 4),
        "same name, birth date and commune"
    );
    // Another file with the same people: stored duplicates, row 0, nobody named.
    let second = import(
        server,
        batch(
            "roster-dup-2",
            vec![
                member_row(4, "Lê Văn Khác", "001085000004"),
                member_row(6, "Đặng Thị Hoa", ""),
                member_row(7, "Mai Thị Mới", ""),
            ],
        ),
    )
    .await;
    let results = members(&second);
    for result in &results[..2] {
        assert_eq!(
            (
                outcome(result),
                result.duplicate_of_row,
                result.name.as_str()
            ),
            (pb::ImportOutcome::Duplicate, 0, "")
        );
    }
    assert_eq!(outcome(&results[2]), pb::ImportOutcome::Created);
}

async fn rows_outside_the_scope_are_refused_alike(server: &Server) {
    commune_with_people(server, "03100", "12").await;
    let mut elsewhere = member_row(4, "Đặng Thị Hoa", "");
    elsewhere.commune_code = "03100".into();
    elsewhere.cell_display_name = "Chi bộ thôn Ánh Dương".into();
    let mut nowhere = member_row(5, "Lò Văn Sáng", "");
    nowhere.commune_code = "04444".into();
    let mut other_province = commune_row(1);
    other_province.code = "03101".into();
    other_province.province_code = "12".into();
    let mut sent = batch(
        "roster-scope",
        vec![elsewhere, nowhere, member_row(6, "Mai Thị Mới", "")],
    );
    sent.communes.push(other_province);
    let response = import(server, sent).await;
    let refused: Vec<(&str, &str)> = response
        .results
        .iter()
        .filter(|r| outcome(r) == pb::ImportOutcome::Rejected)
        .map(|r| (r.problems[0].field.as_str(), r.problems[0].reason.as_str()))
        .collect();
    assert_eq!(refused.len(), 3, "{response:?}");
    assert_eq!(refused[0].0, "communes[1].province_code");
    assert_eq!(refused[1].0, "members[0].commune_code");
    assert_eq!(refused[2].0, "members[1].commune_code");
    assert_eq!(
        refused[1].1, refused[2].1,
        "an existing commune and a missing one look alike"
    );
    assert_eq!(
        response.created, 4,
        "the commune, both cells and the member in scope"
    );
}
