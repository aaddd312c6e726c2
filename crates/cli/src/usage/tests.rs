use super::*;
use crate::error::exit;

fn mistake(args: &[&str]) -> CliError {
    match parse(std::iter::once("partyctl").chain(args.iter().copied())) {
        Err(NotRun::Mistake(error)) => error,
        other => panic!("{args:?} should be refused, got {other:?}"),
    }
}

fn shown(args: &[&str]) -> String {
    match parse(std::iter::once("partyctl").chain(args.iter().copied())) {
        Err(NotRun::Shown(text)) => text,
        other => panic!("{args:?} should show a text, got {other:?}"),
    }
}

#[test]
fn the_localized_command_is_consistent() {
    command().debug_assert();
}

#[test]
fn help_is_laid_out_in_vietnamese_at_every_level() {
    for args in [
        &["--help"][..],
        &["report", "--help"],
        &["report", "commune", "-h"],
        &["members", "list", "--help"],
    ] {
        let help = shown(args);
        for word in ["Cách dùng: partyctl", "Tùy chọn:", "In trợ giúp"] {
            assert!(help.contains(word), "{args:?}: {word} missing in\n{help}");
        }
        for english in [
            "Usage:",
            "Options:",
            "Commands:",
            "Arguments:",
            "Print help",
        ] {
            assert!(!help.contains(english), "{args:?}: {english} in\n{help}");
        }
    }
    let root = shown(&["--help"]);
    assert!(root.contains("Lệnh:") && root.contains("<LỆNH>"), "{root}");
    assert!(root.contains("In số phiên bản"), "{root}");
    assert!(shown(&["--version"]).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_unknown_flag_is_named_with_the_likely_one() {
    let error = mistake(&["report", "commune", "--comune", "02680"]);
    assert_eq!(error.exit_code(), exit::USAGE);
    let text = error.to_string();
    assert!(text.contains("không có tham số --comune"), "{text}");
    assert!(text.contains("có phải là --commune"), "{text}");
    assert!(
        text.contains("Cách dùng: partyctl report commune"),
        "{text}"
    );
    assert!(
        text.contains("Xem thêm: partyctl report commune --help"),
        "{text}"
    );
}

#[test]
fn a_value_outside_the_list_names_the_flag_and_the_allowed_values() {
    let text = mistake(&["export", "commune", "--commune", "02680", "--format", "pdf"]).to_string();
    assert!(
        text.contains("giá trị «pdf» không hợp lệ cho --format"),
        "{text}"
    );
    assert!(text.contains("csv") && text.contains("xlsx"), "{text}");
}

#[test]
fn a_value_the_parser_refuses_gives_the_parsers_reason() {
    let text = mistake(&[
        "report",
        "commune",
        "--commune",
        "02680",
        "--as-of",
        "31/02/2022",
    ])
    .to_string();
    assert!(
        text.contains("giá trị «31/02/2022» không hợp lệ cho --as-of"),
        "{text}"
    );
    assert!(text.contains("ngày không hợp lệ"), "{text}");
}

#[test]
fn missing_arguments_and_commands_are_named() {
    let text = mistake(&["report", "commune"]).to_string();
    assert!(text.contains("thiếu tham số bắt buộc: --commune"), "{text}");
    let text = mistake(&["reprot"]).to_string();
    assert!(text.contains("không có lệnh «reprot»"), "{text}");
    assert!(
        text.contains("có phải là lệnh") && text.contains("report?"),
        "{text}"
    );
    assert!(
        mistake(&["report"])
            .to_string()
            .contains("cần chọn một lệnh")
    );
}

#[test]
fn a_mistake_prints_as_json_with_the_usage_exit_code() {
    let json = mistake(&["--json", "report", "commune", "--comune", "1"]).to_json();
    assert_eq!(json["error"]["exit_code"], exit::USAGE);
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--comune"))
    );
}
