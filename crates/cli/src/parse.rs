//! What a person types, made into what the services take: resource names (`02680` or
//! `communes/02680`), dates and months, enum values by name or Vietnamese label, statistics
//! scopes and breakdowns, award rounds, tallies, introducers, party-age gaps, badges and area
//! flags. Every function here is a clap value parser or is called by one command's request
//! builder, so that a typo is reported before any call. Owns no command and no clap definition;
//! imports nothing from the commands, so that every command may use it.

use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::reporting::v1::AwardRound;
use partyregistry_vocab::reference::label;
use partyregistry_vocab::{date, names, text};

use crate::error::CliError;

/// `02680` or `communes/02680` → `communes/02680`.
pub fn commune_name(value: &str) -> Result<String, CliError> {
    let code = value
        .trim()
        .strip_prefix("communes/")
        .unwrap_or(value.trim());
    if code == "-" || names::is_commune_code(code) {
        Ok(names::commune(code))
    } else {
        Err(CliError::usage(format!(
            "mã xã phải gồm 5 chữ số, ví dụ 02680 (nhận được: {value})"
        )))
    }
}

/// A cell given as its full name (`communes/02680/cells/tuong-1`) or as an id (`tuong-1`) with the
/// commune from `--commune`.
pub fn cell_name(value: &str, commune: Option<&str>) -> Result<String, CliError> {
    let value = value.trim();
    if value.starts_with("communes/") {
        return match names::parse_cell("cell", value) {
            Ok((code, id)) => Ok(names::cell(&code, &id)),
            Err(_) => Err(CliError::usage(format!(
                "tên chi bộ phải có dạng communes/MÃ_XÃ/cells/MÃ_CHI_BỘ: {value}"
            ))),
        };
    }
    if !names::is_cell_id(value) {
        return Err(CliError::usage(format!(
            "mã chi bộ chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối: {value}"
        )));
    }
    match commune {
        Some(commune) => {
            let commune = commune_name(commune)?;
            Ok(format!("{commune}/cells/{value}"))
        }
        None => Err(CliError::usage(format!(
            "cần --commune cho mã chi bộ {value}, hoặc viết đủ communes/MÃ_XÃ/cells/{value}"
        ))),
    }
}

/// `17` or `members/17` → `members/17`.
pub fn member_name(value: &str) -> Result<String, CliError> {
    let id = value
        .trim()
        .strip_prefix("members/")
        .unwrap_or(value.trim());
    match id.parse::<i64>() {
        Ok(id) if id > 0 => Ok(names::member(id)),
        _ => Err(CliError::usage(format!(
            "mã đảng viên phải là số dương hoặc members/SỐ (nhận được: {value})"
        ))),
    }
}

/// `12` or `candidates/12` → `candidates/12`. Candidate ids are assigned by the service; only
/// the shape is checked here.
pub fn candidate_name(value: &str) -> Result<String, CliError> {
    let id = value
        .trim()
        .strip_prefix("candidates/")
        .unwrap_or(value.trim());
    if !id.is_empty() && !id.contains('/') && !id.contains(char::is_whitespace) {
        Ok(format!("candidates/{id}"))
    } else {
        Err(CliError::usage(format!(
            "mã người vào Đảng phải có dạng candidates/MÃ hoặc MÃ (nhận được: {value})"
        )))
    }
}

/// The last path segment of a resource name: `communes/02680/cells/tuong-1` → `tuong-1`.
pub fn short_id(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Checks a `YYYY-MM-DD` date on the command line, so that a typo is reported before any call.
pub fn parse_date(value: &str) -> Result<String, String> {
    date::parse(value)
        .map(date::format)
        .map_err(|e| format!("ngày không hợp lệ: {}", e.vietnamese()))
}

/// A W3C `traceparent`: version, 32 hex digits of trace id, 16 of parent id, 2 of flags, with
/// neither id all zeros (W3C Trace Context, section 3.2).
pub fn parse_trace_parent(value: &str) -> Result<String, String> {
    let parts: Vec<&str> = value.split('-').collect();
    let hex = |part: &str, digits: usize| {
        part.len() == digits && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let well_formed = matches!(
        parts.as_slice(),
        [version, trace, parent, flags]
            if hex(version, 2) && *version != "ff" && hex(trace, 32) && hex(parent, 16)
                && hex(flags, 2) && trace.bytes().any(|b| b != b'0')
                && parent.bytes().any(|b| b != b'0')
    );
    if well_formed {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "cần dạng 00-<32 chữ số hex>-<16 chữ số hex>-<2 chữ số hex>, chữ thường, mã khác 0 (nhận được: {value})"
        ))
    }
}

/// Like [`parse_date`] but an empty value is allowed: it clears an optional date on update.
pub fn parse_optional_date(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Ok(String::new())
    } else {
        parse_date(value)
    }
}

/// Finds the enum value a person meant: the proto name with or without its prefix, in any case,
/// with `-` for `_` (`lower-secondary`), or the Vietnamese label without diacritics (`nu`).
pub fn match_enum<T: Copy>(
    text: &str,
    prefix: &str,
    values: impl IntoIterator<Item = (T, &'static str)>,
) -> Result<T, String> {
    let wanted = text.trim().to_uppercase().replace(['-', ' '], "_");
    let folded = text::fold(text);
    let mut choices = Vec::new();
    for (value, name) in values {
        let short = name.strip_prefix(prefix).unwrap_or(name);
        if wanted == name || wanted == short || text::fold(label(name)) == folded {
            return Ok(value);
        }
        choices.push(short.to_lowercase().replace('_', "-"));
    }
    Err(format!(
        "giá trị không hợp lệ: {text} (chọn một trong: {})",
        choices.join(", ")
    ))
}

/// Defines a clap value parser for a generated enum, skipping its UNSPECIFIED zero value.
macro_rules! enum_parser {
    ($function:ident, $type:ty, $prefix:literal) => {
        #[doc = concat!("Parses a `", stringify!($type), "` value from the command line; see [`match_enum`].")]
        pub fn $function(text: &str) -> Result<$type, String> {
            let values = (1..64).filter_map(|number| <$type>::try_from(number).ok()).map(|value| (value, value.as_str_name()));
            match_enum(text, $prefix, values)
        }
    };
}

enum_parser!(parse_cell_kind, pb::CellKind, "CELL_KIND_");
enum_parser!(parse_gender, pb::Gender, "GENDER_");
enum_parser!(parse_education, pb::GeneralEducation, "GENERAL_EDUCATION_");
enum_parser!(parse_qualification, pb::Qualification, "QUALIFICATION_");
enum_parser!(
    parse_political_theory,
    pb::PoliticalTheory,
    "POLITICAL_THEORY_"
);
enum_parser!(parse_status, pb::MemberStatus, "MEMBER_STATUS_");
enum_parser!(parse_assignment, pb::Assignment, "ASSIGNMENT_");
enum_parser!(parse_transfer_kind, pb::TransferKind, "TRANSFER_KIND_");
enum_parser!(parse_departure_kind, pb::DepartureKind, "DEPARTURE_KIND_");
enum_parser!(
    parse_discipline_form,
    pb::DisciplineForm,
    "DISCIPLINE_FORM_"
);
enum_parser!(parse_area_kind, pb::AreaKind, "AREA_KIND_");

enum_parser!(
    parse_candidate_source,
    pb::CandidateSource,
    "CANDIDATE_SOURCE_"
);
enum_parser!(
    parse_candidate_stage,
    pb::CandidateStage,
    "CANDIDATE_STAGE_"
);
enum_parser!(
    parse_background_check,
    pb::BackgroundCheck,
    "BACKGROUND_CHECK_"
);
enum_parser!(parse_rating_level, pb::RatingLevel, "RATING_LEVEL_");
enum_parser!(parse_unit_level, pb::UnitLevel, "UNIT_LEVEL_");

/// `15` or `provinces/15` → `provinces/15`.
pub fn parse_province(value: &str) -> Result<String, String> {
    let code = value
        .trim()
        .strip_prefix("provinces/")
        .unwrap_or(value.trim());
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("provinces/{code}"))
    } else {
        Err(format!(
            "mã tỉnh phải gồm 2 chữ số, ví dụ 15 hoặc provinces/15 (nhận được: {value})"
        ))
    }
}

/// A statistics scope: `country`, `provinces/15` (or `15`), `communes/02680` (or `02680`).
pub fn parse_scope(value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed == "country" || text::fold(trimmed) == "ca nuoc" {
        return Ok("country".to_owned());
    }
    if trimmed.starts_with("provinces/") || trimmed.len() == 2 {
        return parse_province(trimmed);
    }
    commune_name(trimmed)
        .ok()
        .filter(|name| name != "communes/-")
        .ok_or_else(|| {
            format!(
                "phạm vi phải là country, provinces/MÃ_TỈNH hoặc communes/MÃ_XÃ (nhận được: {value})"
            )
        })
}

/// The breakdowns the statistics know, as the contract spells them.
pub const BREAKDOWNS: [&str; 8] = [
    "ethnicity",
    "religion",
    "age",
    "general_education",
    "qualification",
    "political_theory",
    "party_age",
    "gender",
];

/// A breakdown name (`general-education` or `general_education`). Unknown names are refused here
/// so that a typo costs no call.
pub fn parse_breakdown(value: &str) -> Result<String, String> {
    let wanted = value.trim().to_lowercase().replace('-', "_");
    if BREAKDOWNS.contains(&wanted.as_str()) {
        Ok(wanted)
    } else {
        Err(format!(
            "tiêu chí không hợp lệ: {value} (chọn trong: {})",
            BREAKDOWNS.join(", ").replace('_', "-")
        ))
    }
}

/// An award round: `3-2`, `19-5`, `2-9`, `7-11` (also with `/`), or the contract's name.
pub fn parse_award_round(value: &str) -> Result<AwardRound, String> {
    let day = value.trim().replace('/', "-");
    let round = match day.as_str() {
        "3-2" | "03-02" => Some(AwardRound::February3),
        "19-5" | "19-05" => Some(AwardRound::May19),
        "2-9" | "02-09" => Some(AwardRound::September2),
        "7-11" | "07-11" => Some(AwardRound::November7),
        _ => None,
    };
    match round {
        Some(round) => Ok(round),
        None => {
            let values = (1..5)
                .filter_map(|number| AwardRound::try_from(number).ok())
                .map(|round| (round, round.as_str_name()));
            match_enum(value, "AWARD_ROUND_", values)
                .map_err(|_| format!("đợt không hợp lệ: {value} (chọn 3-2, 19-5, 2-9 hoặc 7-11)"))
        }
    }
}

/// A period that does not count towards party age: `FROM:TO[:REASON]`.
pub fn parse_party_age_gap(value: &str) -> Result<pb::PartyAgeGap, String> {
    let mut parts = value.splitn(3, ':');
    let (Some(from), Some(to)) = (parts.next(), parts.next()) else {
        return Err(
            "cần dạng TỪ_NGÀY:ĐẾN_NGÀY[:LÝ_DO], ví dụ 2000-01-01:2000-12-31:Mất liên lạc"
                .to_owned(),
        );
    };
    let (from_date, to_date) = (parse_date(from)?, parse_date(to)?);
    if to_date < from_date {
        return Err(format!("ngày cuối {to_date} trước ngày đầu {from_date}"));
    }
    Ok(pb::PartyAgeGap {
        from_date,
        to_date,
        reason: parts.next().unwrap_or_default().trim().to_owned(),
    })
}

/// A badge already handed: `YEARS:DATE`, for example `30:2025-11-07`.
pub fn parse_badge(value: &str) -> Result<pb::BadgeAward, String> {
    let usage = "cần dạng SỐ_NĂM:NGÀY_TRAO, ví dụ 30:2025-11-07";
    let (years, day) = value.split_once(':').ok_or_else(|| usage.to_owned())?;
    let years = years
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| *y > 0)
        .ok_or_else(|| format!("số năm tuổi đảng không hợp lệ: {years}"))?;
    Ok(pb::BadgeAward {
        years,
        award_date: parse_date(day)?,
    })
}

/// Checks a `YYYY-MM` month on the command line.
pub fn parse_month(value: &str) -> Result<String, String> {
    let value = value.trim();
    match date::parse(&format!("{value}-01")) {
        Ok(first) if value.len() == 7 => Ok(date::format(first)[..7].to_owned()),
        _ => Err(format!(
            "tháng phải có dạng YYYY-MM, ví dụ 2022-07 (nhận được: {value})"
        )),
    }
}

/// An introducer on the command line: `MEMBER:MONTHS` (`17:24` or `members/17:24`: member 17 has
/// worked 24 months with the candidate), or `doan` / `youth-union` for the Youth Union committee.
pub fn parse_introducer(value: &str) -> Result<pb::Introducer, String> {
    let folded = text::fold(value).replace(['-', '_'], " ");
    if matches!(
        folded.trim(),
        "doan" | "youth union" | "bch doan" | "youth union committee"
    ) {
        return Ok(pb::Introducer {
            youth_union_committee: true,
            ..pb::Introducer::default()
        });
    }
    let Some((member, months)) = value.rsplit_once(':') else {
        return Err(
            "cần dạng ĐẢNG_VIÊN:SỐ_THÁNG (ví dụ 17:24) hoặc doan cho Ban Chấp hành Đoàn".to_owned(),
        );
    };
    let member = member_name(member).map_err(|e| e.to_string())?;
    let months = months
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|m| *m >= 0)
        .ok_or_else(|| format!("số tháng công tác cùng không hợp lệ: {months}"))?;
    Ok(pb::Introducer {
        member,
        youth_union_committee: false,
        months_worked_together: months,
    })
}

/// A vote tally `ELIGIBLE:PRESENT:YES[:NO]`, for example `9:8:7`; NO defaults to the present who
/// did not vote yes.
pub fn parse_tally(value: &str) -> Result<pb::VoteTally, String> {
    let numbers: Result<Vec<i32>, _> = value.split(':').map(|n| n.trim().parse::<i32>()).collect();
    let usage = "cần dạng CÓ_QUYỀN:CÓ_MẶT:TÁN_THÀNH[:KHÔNG_TÁN_THÀNH], ví dụ 9:8:7";
    match numbers.map_err(|_| usage.to_owned())?.as_slice() {
        [eligible, present, yes] => Ok(pb::VoteTally {
            eligible: *eligible,
            present: *present,
            yes: *yes,
            no: present.saturating_sub(*yes).max(0),
        }),
        [eligible, present, yes, no] => Ok(pb::VoteTally {
            eligible: *eligible,
            present: *present,
            yes: *yes,
            no: *no,
        }),
        _ => Err(usage.to_owned()),
    }
}

/// A regulation version given as its date of entry into force (`2025-07-01`) or as its name
/// (`ruleVersions/2025-07-01`).
pub fn rule_version_name(value: &str) -> Result<String, CliError> {
    let day = value
        .trim()
        .strip_prefix("ruleVersions/")
        .unwrap_or(value.trim());
    parse_date(day)
        .map(|day| format!("ruleVersions/{day}"))
        .map_err(|e| CliError::usage(format!("phiên bản quy định {value}: {e}")))
}

/// `KIND:FROM[:TO]`, for example `mountainous:2008-01-01` → an area flag.
pub fn parse_area_flag(value: &str) -> Result<pb::AreaFlag, String> {
    let parts: Vec<&str> = value.split(':').collect();
    let (kind, from, to) = match parts.as_slice() {
        [kind, from] => (kind, from, ""),
        [kind, from, to] => (kind, from, *to),
        _ => {
            return Err(
                "cần dạng LOẠI:TỪ_NGÀY[:ĐẾN_NGÀY], ví dụ mountainous:2008-01-01".to_owned(),
            );
        }
    };
    Ok(pb::AreaFlag {
        kind: parse_area_kind(kind)? as i32,
        valid_from: parse_date(from)?,
        valid_to: parse_optional_date(to)?,
    })
}

/// `15` or `provinces/15` → `15`: tokens and certificates carry the bare code.
pub fn parse_province_code(value: &str) -> Result<String, String> {
    parse_province(value).map(|name| name.trim_start_matches("provinces/").to_owned())
}

/// `02680` or `communes/02680` → `02680`.
pub fn parse_commune_code(value: &str) -> Result<String, String> {
    let code = value
        .trim()
        .strip_prefix("communes/")
        .unwrap_or(value.trim());
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(format!(
            "mã xã phải gồm 5 chữ số, ví dụ 02680 hoặc communes/02680 (nhận được: {value})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_parents_follow_the_w3c_format() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(parse_trace_parent(good).as_deref(), Ok(good));
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(parse_trace_parent(bad).is_err(), "{bad}");
        }
        let fresh = crate::client::new_trace_parent();
        assert_eq!(parse_trace_parent(&fresh).as_deref(), Ok(fresh.as_str()));
        assert_ne!(fresh, crate::client::new_trace_parent());
        assert_eq!(
            crate::client::trace_id(good),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
    }

    #[test]
    fn enums_accept_names_short_names_and_labels() {
        assert_eq!(parse_cell_kind("SCHOOL"), Ok(pb::CellKind::School));
        assert_eq!(
            parse_cell_kind("CELL_KIND_POLICE"),
            Ok(pb::CellKind::Police)
        );
        assert_eq!(
            parse_education("lower-secondary"),
            Ok(pb::GeneralEducation::LowerSecondary)
        );
        assert_eq!(parse_gender("nữ"), Ok(pb::Gender::Female));
        assert_eq!(parse_gender("nu"), Ok(pb::Gender::Female));
        assert_eq!(parse_assignment("biet phai"), Ok(pb::Assignment::Seconded));
        let error = parse_gender("x").expect_err("not a gender");
        assert!(
            error.contains("male") && error.contains("female"),
            "{error}"
        );
        assert!(parse_gender("unspecified").is_err());
    }

    #[test]
    fn names_accept_short_and_full_forms() {
        assert_eq!(
            commune_name("02680").ok(),
            Some("communes/02680".to_owned())
        );
        assert_eq!(
            commune_name("communes/02680").ok(),
            Some("communes/02680".to_owned())
        );
        assert!(commune_name("2680").is_err());
        assert_eq!(
            cell_name("tuong-1", Some("02680")).ok(),
            Some("communes/02680/cells/tuong-1".to_owned())
        );
        assert_eq!(
            cell_name("communes/02680/cells/tuong-1", None).ok(),
            Some("communes/02680/cells/tuong-1".to_owned())
        );
        assert!(cell_name("tuong-1", None).is_err());
        assert!(cell_name("Tượng 1", Some("02680")).is_err());
        assert_eq!(member_name("17").ok(), Some("members/17".to_owned()));
        assert_eq!(
            member_name("members/17").ok(),
            Some("members/17".to_owned())
        );
        assert!(member_name("members/x").is_err());
        assert!(member_name("0").is_err());
    }

    #[test]
    fn area_flags_parse_with_optional_end() {
        let flag = parse_area_flag("mountainous:2008-01-01").expect("valid");
        assert_eq!(flag.kind, pb::AreaKind::Mountainous as i32);
        assert_eq!(flag.valid_to, "");
        assert!(parse_area_flag("mountainous").is_err());
        assert!(parse_area_flag("mountainous:2008-13-01").is_err());
    }

    #[test]
    fn admission_values_parse() {
        assert_eq!(
            parse_candidate_stage("class-done"),
            Ok(pb::CandidateStage::ClassDone)
        );
        assert_eq!(
            parse_candidate_source("demobilised-soldier"),
            Ok(pb::CandidateSource::DemobilisedSoldier)
        );
        assert_eq!(parse_rating_level("good"), Ok(pb::RatingLevel::Good));
        assert_eq!(
            parse_rating_level("hoan thanh tot nhiem vu"),
            Ok(pb::RatingLevel::Good)
        );
        assert_eq!(
            parse_background_check("passed"),
            Ok(pb::BackgroundCheck::Passed)
        );
        assert_eq!(parse_month("2022-07"), Ok("2022-07".to_owned()));
        assert!(parse_month("2022-13").is_err());
        assert!(parse_month("2022-7").is_err());
        assert_eq!(candidate_name("5").ok(), Some("candidates/5".to_owned()));
        assert!(candidate_name("a/b").is_err());
    }

    #[test]
    fn tallies_and_rule_versions_parse() {
        let tally = parse_tally("9:8:7").expect("valid");
        assert_eq!(
            (tally.eligible, tally.present, tally.yes, tally.no),
            (9, 8, 7, 1)
        );
        assert_eq!(parse_tally("9:9:6:2").expect("valid").no, 2);
        assert!(parse_tally("9:8").is_err());
        assert!(parse_tally("a:b:c").is_err());
        assert_eq!(
            rule_version_name("2025-07-01").ok(),
            Some("ruleVersions/2025-07-01".to_owned())
        );
        assert!(rule_version_name("ruleVersions/x").is_err());
    }

    #[test]
    fn introducers_parse_members_and_the_youth_union() {
        let introducer = parse_introducer("members/17:24").expect("valid");
        assert_eq!(introducer.member, "members/17");
        assert_eq!(introducer.months_worked_together, 24);
        assert!(!introducer.youth_union_committee);
        assert!(
            parse_introducer("Đoàn")
                .expect("committee")
                .youth_union_committee
        );
        assert!(parse_introducer("17").is_err());
        assert!(parse_introducer("17:-1").is_err());
    }

    #[test]
    fn statistics_values_parse() {
        assert_eq!(parse_scope("15").as_deref(), Ok("provinces/15"));
        assert_eq!(parse_scope("provinces/15").as_deref(), Ok("provinces/15"));
        assert_eq!(parse_scope("02680").as_deref(), Ok("communes/02680"));
        assert_eq!(parse_scope("country").as_deref(), Ok("country"));
        assert!(parse_scope("communes/-").is_err());
        assert!(parse_scope("provinces/150").is_err());
        assert_eq!(
            parse_breakdown("general-education").as_deref(),
            Ok("general_education")
        );
        assert!(parse_breakdown("star-sign").is_err());
        assert_eq!(parse_award_round("2-9"), Ok(AwardRound::September2));
        assert_eq!(parse_award_round("19/5"), Ok(AwardRound::May19));
        assert_eq!(parse_award_round("november-7"), Ok(AwardRound::November7));
        assert!(parse_award_round("1-1").is_err());
        let gap = parse_party_age_gap("2000-01-01:2000-12-31:Mất liên lạc").expect("valid");
        assert_eq!(
            (
                gap.from_date.as_str(),
                gap.to_date.as_str(),
                gap.reason.as_str()
            ),
            ("2000-01-01", "2000-12-31", "Mất liên lạc")
        );
        assert!(parse_party_age_gap("2000-12-31:2000-01-01").is_err());
        assert!(parse_party_age_gap("2000-12-31").is_err());
        let badge = parse_badge("30:2025-11-07").expect("valid");
        assert_eq!((badge.years, badge.award_date.as_str()), (30, "2025-11-07"));
        assert!(parse_badge("x:2025-11-07").is_err());
        assert_eq!(parse_unit_level("commune"), Ok(pb::UnitLevel::Commune));
    }
}
