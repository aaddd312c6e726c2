//! `partyctl import` end to end: a generated country set imported through ImportRoster, imported
//! again (nothing created), counted by reporting exactly as the generator's manifest says; and a
//! dry run of a file with planted errors, each reported on its row and column, writing nothing.

use std::path::{Path, PathBuf};

use partyregistry_cli::commands::Context;
use partyregistry_cli::commands::import::report::{Refusal, Summary};
use partyregistry_cli::commands::import::{ImportArgs, execute};
use partyregistry_cli::synthetic::country::{CountryOptions, Manifest, generate};
use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_roster::write::{BOM, push_csv_line, template_headings};
use partyregistry_roster::{Mapping, ReadOptions, read_roster};
use partyregistry_tests::{Backend, Pair, feed_head, import_args, on_each_backend};
use partyregistry_vocab::date;

on_each_backend! {
    generated_rosters_import_once_and_report_as_the_manifest_says;
    a_dry_run_reports_every_planted_error_and_writes_nothing;
}

fn scratch(label: &str, backend: Backend) -> PathBuf {
    std::env::temp_dir().join(format!(
        "partyctl-import-{label}-{backend:?}-{}",
        std::process::id()
    ))
}

fn args(files: Vec<PathBuf>) -> ImportArgs {
    import_args(files, 250)
}

async fn import(context: &Context, args: &ImportArgs) -> Result<Summary, BoxError> {
    let imported = execute(context, args)
        .await?
        .ok_or("an import, not the template")?;
    Ok(imported.summary)
}

fn files_of(directory: &Path, manifest: &Manifest) -> Vec<PathBuf> {
    manifest
        .provinces
        .iter()
        .map(|province| directory.join(&province.file))
        .collect()
}

async fn generated_rosters_import_once_and_report_as_the_manifest_says(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "import_generated").await?;
    let directory = scratch("generated", backend);
    let today = date::today_in_vietnam();
    let options = CountryOptions {
        members: 700,
        provinces: 2,
        seed: 11,
        today,
    };
    let manifest = generate(&options, &directory, |_| {})?;
    let context = pair.cli_context()?;
    let files = files_of(&directory, &manifest);

    let first = import(&context, &args(files.clone())).await?;
    assert!(first.issues.is_empty(), "{:?}", &first.issues);
    assert_eq!(first.members.created, manifest.counts.rows);
    assert_eq!(first.communes.created, manifest.communes);
    assert_eq!(first.cells.created, manifest.cells);
    let head = feed_head(&mut pair.membership).await?;

    let again = import(&context, &args(files)).await?;
    assert_eq!(again.members.created, 0);
    assert_eq!(again.members.already_imported, manifest.counts.rows);
    assert_eq!(again.communes.unchanged, manifest.communes);
    assert_eq!(again.cells.unchanged, manifest.cells);
    assert_eq!(
        feed_head(&mut pair.membership).await?,
        head,
        "nothing written again"
    );

    pair.caught_up().await?;
    let mut on_roll = 0;
    for province in &manifest.provinces {
        for commune in &province.communes {
            let figures = pair
                .reports
                .get_commune_report(report::GetCommuneReportRequest {
                    commune: format!("communes/{}", commune.code),
                    as_of_date: date::format(today),
                })
                .await?
                .into_inner();
            assert_eq!(
                figures.total_members as u64, commune.counts.on_roll,
                "{}",
                commune.code
            );
            assert_eq!(figures.official_members as u64, commune.counts.official);
            assert_eq!(
                figures.probationary_members as u64,
                commune.counts.probationary
            );
            assert_eq!(figures.women as u64, commune.counts.women);
            on_roll += figures.total_members as u64;
        }
    }
    assert_eq!(on_roll, manifest.counts.on_roll);

    // A row repeating a stored member's citizen id is the service's duplicate: reported on its
    // row and column with the value read back from the file.
    let mapping = Mapping::default();
    let read = ReadOptions {
        sheet: None,
        mapping: &mapping,
        today,
    };
    let stored = read_roster(&directory.join(&manifest.provinces[0].file), &read)?;
    let taken = stored.rows[0]
        .citizen_id
        .clone()
        .ok_or("generated rows have ids")?;
    let path = directory.join("trung.csv");
    let mut text = String::from(BOM);
    push_csv_line(&mut text, &template_headings());
    push_csv_line(
        &mut text,
        &row(&person(
            "Lò Thị Trùng",
            "01/02/1980",
            &taken,
            "Chi bộ thôn 1",
            "Thái",
        )),
    );
    std::fs::write(&path, text)?;
    let mut dry = args(vec![path]);
    dry.dry_run = true;
    let checked = import(&context, &dry).await?;
    assert_eq!(checked.members.duplicates, 1);
    let issue = checked.issues.first().ok_or("the duplicate is reported")?;
    assert_eq!(
        (issue.row, issue.column.as_str()),
        (2, "Số định danh cá nhân")
    );
    assert_eq!(issue.value, taken);
    assert_eq!(issue.outcome, Refusal::Duplicate);
    std::fs::remove_dir_all(&directory).ok();
    pair.finish().await
}

/// A row in the template's layout, from `(heading, value)` pairs; other cells empty.
fn row(cells: &[(&str, &str)]) -> Vec<String> {
    template_headings()
        .iter()
        .map(|heading| {
            cells
                .iter()
                .find(|(h, _)| h == heading)
                .map_or(String::new(), |(_, value)| (*value).to_owned())
        })
        .collect()
}

fn person<'a>(
    name: &'a str,
    birth: &'a str,
    citizen_id: &'a str,
    cell: &'a str,
    ethnicity: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("Mã tỉnh", "15"),
        ("Mã xã", "49001"),
        ("Tên xã", "Xã Thử Nghiệm"),
        ("Chi bộ", cell),
        ("Họ và tên", name),
        ("Giới tính", "Nữ"),
        ("Sinh ngày", birth),
        ("Dân tộc", ethnicity),
        ("Số định danh cá nhân", citizen_id),
        ("Giáo dục phổ thông", "12/12"),
        ("Ngày vào Đảng", "20/09/2010"),
        ("Ngày chính thức", "20/09/2011"),
    ]
}

async fn a_dry_run_reports_every_planted_error_and_writes_nothing(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "import_planted").await?;
    let directory = scratch("planted", backend);
    std::fs::create_dir_all(&directory)?;
    let path = directory.join("loi.csv");
    let lines = [
        person(
            "Lò Thị Một",
            "01/02/1980",
            "015180000001",
            "Chi bộ thôn 1",
            "Thái",
        ),
        person(
            "Lò Thị Hai",
            "31/02/1981",
            "015181000002",
            "Chi bộ thôn 1",
            "Thái",
        ),
        person(
            "Lò Thị Ba",
            "01/02/1982",
            "015182000003",
            "Chi bộ thôn 1",
            "Người Sao Hỏa",
        ),
        person(
            "Lò Thị Bốn",
            "01/02/1983",
            "015180000001",
            "Chi bộ thôn 1",
            "Thái",
        ),
        person("Lò Thị Năm", "01/02/1984", "015184000005", "", "Thái"),
        person(
            "Lò Thị Sáu",
            "01/03/1993",
            "015193000006",
            "Chi bộ thôn 1",
            "Thái",
        ),
    ];
    let mut text = String::from(BOM);
    push_csv_line(&mut text, &template_headings());
    for cells in &lines {
        push_csv_line(&mut text, &row(cells));
    }
    std::fs::write(&path, text)?;
    let report_path = directory.join("bao-cao.csv");
    let head = feed_head(&mut pair.membership).await?;
    let context = pair.cli_context()?;
    let mut dry = args(vec![path.clone()]);
    dry.dry_run = true;
    dry.report = Some(report_path.clone());
    let summary = import(&context, &dry).await?;

    let shown = path.display().to_string();
    let found: Vec<(usize, &str, Refusal)> = summary
        .issues
        .iter()
        .map(|issue| {
            assert_eq!(issue.file, shown);
            (issue.row, issue.column.as_str(), issue.outcome)
        })
        .collect();
    assert_eq!(
        found,
        [
            (3, "Sinh ngày", Refusal::Rejected),
            (4, "Dân tộc", Refusal::Rejected),
            (6, "Chi bộ", Refusal::Rejected),
            (7, "Ngày vào Đảng", Refusal::Rejected),
            (5, "Số định danh cá nhân", Refusal::Duplicate),
        ]
    );
    let seventeen = &summary.issues[3];
    assert!(seventeen.reason.contains("17 tuổi"), "{}", seventeen.reason);
    assert_eq!(summary.issues[4].duplicate_of_row, Some(2));
    assert!(summary.issues[1].reason.contains("Người Sao Hỏa"));
    assert_eq!(
        summary.members.created, 1,
        "only the first row would be created"
    );
    assert_eq!(summary.members.rejected, 4);
    assert_eq!(summary.members.duplicates, 1);
    assert!(summary.dry_run);

    assert_eq!(
        feed_head(&mut pair.membership).await?,
        head,
        "a dry run writes nothing"
    );
    let stored = pair
        .membership
        .get_commune(partyregistry_proto::membership::v1::GetCommuneRequest {
            name: "communes/49001".into(),
        })
        .await;
    assert_eq!(stored.err().map(|s| s.code()), Some(tonic::Code::NotFound));

    let report_text = std::fs::read_to_string(&report_path)?;
    let report_lines: Vec<&str> = report_text.lines().collect();
    assert_eq!(
        report_lines.len(),
        1 + 5,
        "the heading and the five refused rows"
    );
    assert!(report_lines[0].contains("Chi tiết lỗi"));
    assert!(
        report_lines
            .iter()
            .any(|line| line.contains("Người Sao Hỏa"))
    );
    // The report is a roster itself: read again, the rows still to fix show the same problems,
    // and the duplicate (whose first row was fine and is not in the report) reads as a good row.
    let xlsx_path = directory.join("bao-cao.xlsx");
    let mut dry_xlsx = args(vec![path.clone()]);
    dry_xlsx.dry_run = true;
    dry_xlsx.report = Some(xlsx_path.clone());
    import(&context, &dry_xlsx).await?;
    let mapping = Mapping::default();
    let read = ReadOptions {
        sheet: None,
        mapping: &mapping,
        today: date::today_in_vietnam(),
    };
    for report_file in [&report_path, &xlsx_path] {
        let again = read_roster(report_file, &read)?;
        let columns: Vec<&str> = again.problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(
            columns,
            ["Sinh ngày", "Dân tộc", "Chi bộ", "Ngày vào Đảng"],
            "{}",
            report_file.display()
        );
        assert_eq!(again.rows.len(), 1);
        assert_eq!(again.rows[0].full_name, "Lò Thị Bốn");
    }

    // --all-or-nothing: the same file writes nothing either.
    let mut strict = args(vec![path]);
    strict.all_or_nothing = true;
    let stopped = import(&context, &strict).await?;
    assert!(stopped.stopped_by_all_or_nothing);
    assert_eq!(feed_head(&mut pair.membership).await?, head);
    std::fs::remove_dir_all(&directory).ok();
    pair.finish().await
}
