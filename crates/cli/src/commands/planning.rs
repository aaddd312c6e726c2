//! The data the admission pipeline is measured against: `partyctl rules`, `holidays`, `targets`,
//! `plans` and `ratings`, through the AdmissionService.

use chrono::Datelike;
use partyregistry_proto::membership::v1::{
    CellPlan, CellRating, CreateRuleVersionRequest, DeleteHolidayRequest, GeneralEducation,
    Holiday, ListCellPlansRequest, ListCellRatingsRequest, ListHolidaysRequest,
    ListRuleVersionsRequest, ListTargetsRequest, MemberRating, RateCellRequest, RateMemberRequest,
    RatingLevel, RuleVersion, SetCellPlanRequest, SetHolidayRequest, SetTargetRequest, Target,
    UpdateRuleVersionRequest,
};
use partyregistry_vocab::date;

use super::Context;
use super::communes::mask;
use crate::args::{
    HolidayCommand, PlanCommand, PlanSetArgs, RatingCommand, RuleCommand, RuleNumbers,
    TargetCommand, TargetSetArgs,
};
use crate::client::{self, cell_name, commune_name, member_name, rule_version_name, short_id};
use crate::error::CliError;
use crate::output::{self, Fields, Table, enum_label};

fn this_year() -> i32 {
    date::today_in_vietnam().year()
}

fn education_label(level: i32) -> String {
    enum_label(level, |e: GeneralEducation| e.as_str_name())
}

/// The Vietnamese label of a rating level.
pub(crate) fn rating_label(level: i32) -> String {
    enum_label(level, |l: RatingLevel| l.as_str_name())
}

/// Runs one `rules` subcommand.
pub async fn rules(context: &Context, command: RuleCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        RuleCommand::List => {
            let response = admission
                .list_rule_versions(ListRuleVersionsRequest {})
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", rule_table(&response.rule_versions).render());
            Ok(())
        }
        RuleCommand::Create(args) => {
            // The numbers not given are those of the latest version: a new regulation usually
            // changes a few of them.
            let versions = admission
                .list_rule_versions(ListRuleVersionsRequest {})
                .await?
                .into_inner()
                .rule_versions;
            let mut version = versions.last().cloned().unwrap_or_default();
            version.name = String::new();
            version.etag = String::new();
            version.code = args.code;
            version.in_force_from = args.in_force_from;
            apply_numbers(&mut version, args.numbers);
            let request = CreateRuleVersionRequest {
                rule_version: Some(version),
                request_id: client::request_id(args.request_id.as_deref()),
            };
            let version = admission.create_rule_version(request).await?.into_inner();
            show_rule(context, &version)
        }
        RuleCommand::Update(args) => {
            let name = rule_version_name(&args.version)?;
            let etag = match &args.etag {
                Some(etag) => etag.clone(),
                None => admission
                    .list_rule_versions(ListRuleVersionsRequest {})
                    .await?
                    .into_inner()
                    .rule_versions
                    .into_iter()
                    .find(|v| v.name == name)
                    .map(|v| v.etag)
                    .ok_or_else(|| CliError::usage(format!("không có phiên bản {name}")))?,
            };
            let mut version = RuleVersion {
                name,
                etag,
                ..RuleVersion::default()
            };
            let mut paths = Vec::new();
            if let Some(code) = args.code {
                version.code = code;
                paths.push("code");
            }
            paths.extend(apply_numbers(&mut version, args.numbers));
            if paths.is_empty() {
                return Err(CliError::usage("không có trường nào cần sửa"));
            }
            let request = UpdateRuleVersionRequest {
                rule_version: Some(version),
                update_mask: Some(mask(&paths)),
            };
            let version = admission.update_rule_version(request).await?.into_inner();
            show_rule(context, &version)
        }
    }
}

/// Copies the numbers given into `version` and returns their mask paths.
fn apply_numbers(version: &mut RuleVersion, numbers: RuleNumbers) -> Vec<&'static str> {
    let mut paths = Vec::new();
    let mut number = |target: &mut i32, value: Option<i32>, path: &'static str| {
        if let Some(value) = value {
            *target = value;
            paths.push(path);
        }
    };
    number(
        &mut version.min_age_months,
        numbers.min_age_months,
        "min_age_months",
    );
    number(
        &mut version.max_age_months,
        numbers.max_age_months,
        "max_age_months",
    );
    number(
        &mut version.min_education,
        numbers.min_education.map(|e| e as i32),
        "min_education",
    );
    number(
        &mut version.min_education_flagged_area,
        numbers.min_education_flagged_area.map(|e| e as i32),
        "min_education_flagged_area",
    );
    number(
        &mut version.certificate_valid_months,
        numbers.certificate_valid_months,
        "certificate_valid_months",
    );
    number(
        &mut version.introducers_required,
        numbers.introducers_required,
        "introducers_required",
    );
    number(
        &mut version.introducer_min_months,
        numbers.introducer_min_months,
        "introducer_min_months",
    );
    number(
        &mut version.vote_numerator,
        numbers.vote_numerator,
        "vote_numerator",
    );
    number(
        &mut version.vote_denominator,
        numbers.vote_denominator,
        "vote_denominator",
    );
    number(
        &mut version.papers_valid_months,
        numbers.papers_valid_months,
        "papers_valid_months",
    );
    number(
        &mut version.probation_months,
        numbers.probation_months,
        "probation_months",
    );
    number(
        &mut version.decision_working_days,
        numbers.decision_working_days,
        "decision_working_days",
    );
    number(
        &mut version.decision_extension_working_days,
        numbers.decision_extension_working_days,
        "decision_extension_working_days",
    );
    number(
        &mut version.ceremony_working_days,
        numbers.ceremony_working_days,
        "ceremony_working_days",
    );
    number(
        &mut version.recognition_working_days,
        numbers.recognition_working_days,
        "recognition_working_days",
    );
    number(
        &mut version.min_temporary_transfer_months,
        numbers.min_temporary_transfer_months,
        "min_temporary_transfer_months",
    );
    number(
        &mut version.max_temporary_transfer_months,
        numbers.max_temporary_transfer_months,
        "max_temporary_transfer_months",
    );
    number(
        &mut version.max_study_transfer_months,
        numbers.max_study_transfer_months,
        "max_study_transfer_months",
    );
    paths
}

fn rule_table(versions: &[RuleVersion]) -> Table {
    let mut table = Table::new([
        "Quy định",
        "Hiệu lực từ",
        "Tuổi (tháng)",
        "Học vấn",
        "Vùng khó khăn",
        "Giấy CN (tháng)",
        "Người GT",
        "GT cùng (tháng)",
        "Biểu quyết",
        "Hồ sơ (tháng)",
        "Dự bị (tháng)",
        "QĐ kết nạp (ngày LV)",
        "Lễ (ngày LV)",
        "Công nhận (ngày LV)",
    ]);
    for v in versions {
        table.row([
            v.code.clone(),
            v.in_force_from.clone(),
            format!("{}–{}", v.min_age_months, v.max_age_months),
            education_label(v.min_education),
            education_label(v.min_education_flagged_area),
            v.certificate_valid_months.to_string(),
            v.introducers_required.to_string(),
            v.introducer_min_months.to_string(),
            format!("{}/{}", v.vote_numerator, v.vote_denominator),
            v.papers_valid_months.to_string(),
            v.probation_months.to_string(),
            format!(
                "{} (+{})",
                v.decision_working_days, v.decision_extension_working_days
            ),
            v.ceremony_working_days.to_string(),
            v.recognition_working_days.to_string(),
        ]);
    }
    table
}

fn show_rule(context: &Context, v: &RuleVersion) -> Result<(), CliError> {
    if context.json {
        return output::print_json(v);
    }
    let mut fields = Fields::new();
    fields
        .add("Tên tài nguyên", &v.name)
        .add("Quy định", &v.code)
        .add("Hiệu lực từ", &v.in_force_from)
        .add("Tuổi tối thiểu (tháng)", v.min_age_months.to_string())
        .add("Tuổi tối đa (tháng)", v.max_age_months.to_string())
        .add("Học vấn tối thiểu", education_label(v.min_education))
        .add(
            "Học vấn tối thiểu (vùng khó khăn)",
            education_label(v.min_education_flagged_area),
        )
        .add(
            "Giấy chứng nhận có giá trị (tháng)",
            v.certificate_valid_months.to_string(),
        )
        .add("Số người giới thiệu", v.introducers_required.to_string())
        .add(
            "Người giới thiệu công tác cùng (tháng)",
            v.introducer_min_months.to_string(),
        )
        .add(
            "Tỷ lệ biểu quyết",
            format!("{}/{}", v.vote_numerator, v.vote_denominator),
        )
        .add(
            "Hồ sơ có giá trị (tháng)",
            v.papers_valid_months.to_string(),
        )
        .add("Thời gian dự bị (tháng)", v.probation_months.to_string())
        .add(
            "Quyết định kết nạp (ngày làm việc)",
            v.decision_working_days.to_string(),
        )
        .add(
            "Gia hạn (ngày làm việc)",
            v.decision_extension_working_days.to_string(),
        )
        .add(
            "Lễ kết nạp (ngày làm việc)",
            v.ceremony_working_days.to_string(),
        )
        .add(
            "Công nhận chính thức (ngày làm việc)",
            v.recognition_working_days.to_string(),
        )
        .add(
            "Sinh hoạt tạm thời (tháng)",
            format!(
                "{}–{} (đi học: {})",
                v.min_temporary_transfer_months,
                v.max_temporary_transfer_months,
                v.max_study_transfer_months
            ),
        )
        .add("Etag", &v.etag);
    print!("{}", fields.render());
    Ok(())
}

/// Runs one `holidays` subcommand.
pub async fn holidays(context: &Context, command: HolidayCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        HolidayCommand::List { year } => {
            let response = admission
                .list_holidays(ListHolidaysRequest {
                    year: year.unwrap_or_else(this_year),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            let mut table = Table::new(["Ngày", "Thứ", "Ngày lễ"]);
            for holiday in &response.holidays {
                table.row([
                    holiday.date.clone(),
                    weekday(&holiday.date),
                    holiday.display_name.clone(),
                ]);
            }
            print!("{}", table.render());
            println!("\n{} ngày nghỉ lễ", response.holidays.len());
            Ok(())
        }
        HolidayCommand::Set { date, display_name } => {
            let holiday = admission
                .set_holiday(SetHolidayRequest {
                    holiday: Some(Holiday {
                        date,
                        display_name,
                        ..Holiday::default()
                    }),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&holiday);
            }
            println!(
                "Đã ghi ngày nghỉ lễ {} {}",
                holiday.date, holiday.display_name
            );
            Ok(())
        }
        HolidayCommand::Delete { date } => {
            admission
                .delete_holiday(DeleteHolidayRequest {
                    name: format!("holidays/{date}"),
                })
                .await?;
            if context.json {
                println!("{{}}");
            } else {
                println!("Đã bỏ ngày nghỉ lễ {date}");
            }
            Ok(())
        }
    }
}

/// The Vietnamese weekday of a `YYYY-MM-DD` date; empty when it does not parse.
fn weekday(day: &str) -> String {
    match date::parse(day) {
        Ok(day) => match day.weekday() {
            chrono::Weekday::Mon => "Thứ Hai",
            chrono::Weekday::Tue => "Thứ Ba",
            chrono::Weekday::Wed => "Thứ Tư",
            chrono::Weekday::Thu => "Thứ Năm",
            chrono::Weekday::Fri => "Thứ Sáu",
            chrono::Weekday::Sat => "Thứ Bảy",
            chrono::Weekday::Sun => "Chủ Nhật",
        }
        .to_owned(),
        Err(_) => String::new(),
    }
}

/// Runs one `targets` subcommand.
pub async fn targets(context: &Context, command: TargetCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        TargetCommand::List { commune } => {
            let response = admission
                .list_targets(ListTargetsRequest {
                    parent: commune_name(&commune)?,
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", target_table(&response.targets).render());
            Ok(())
        }
        TargetCommand::Set(args) => {
            let request = target_request(args)?;
            let target = admission.set_target(request).await?.into_inner();
            if context.json {
                return output::print_json(&target);
            }
            print!("{}", target_table(std::slice::from_ref(&target)).render());
            Ok(())
        }
    }
}

fn target_request(args: TargetSetArgs) -> Result<SetTargetRequest, CliError> {
    Ok(SetTargetRequest {
        parent: commune_name(&args.commune)?,
        target: Some(Target {
            first_year: args.first_year,
            last_year: args.last_year,
            admissions_per_year: args.admissions_per_year,
            good_cells_percent: args.good_cells_percent,
            ..Target::default()
        }),
    })
}

fn target_table(targets: &[Target]) -> Table {
    let mut table = Table::new([
        "Nhiệm kỳ",
        "Kết nạp mỗi năm",
        "Chi bộ hoàn thành tốt trở lên",
        "Tên tài nguyên",
    ]);
    for target in targets {
        table.row([
            format!("{}–{}", target.first_year, target.last_year),
            target.admissions_per_year.to_string(),
            format!("{} %", target.good_cells_percent),
            target.name.clone(),
        ]);
    }
    table
}

/// Runs one `plans` subcommand.
pub async fn plans(context: &Context, command: PlanCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        PlanCommand::List { commune, year } => {
            let response = admission
                .list_cell_plans(ListCellPlansRequest {
                    parent: commune_name(&commune)?,
                    year: year.unwrap_or_else(this_year),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", plan_table(&response.plans).render());
            let sources: i64 = response
                .plans
                .iter()
                .map(|p| i64::from(p.sources_to_develop))
                .sum();
            let admissions: i64 = response.plans.iter().map(|p| i64::from(p.admissions)).sum();
            println!(
                "\nCộng: {} nguồn cần phát triển, {} đảng viên dự kiến kết nạp",
                sources, admissions
            );
            Ok(())
        }
        PlanCommand::Set(args) => {
            let request = plan_request(args)?;
            let plan = admission.set_cell_plan(request).await?.into_inner();
            if context.json {
                return output::print_json(&plan);
            }
            print!("{}", plan_table(std::slice::from_ref(&plan)).render());
            Ok(())
        }
    }
}

fn plan_request(args: PlanSetArgs) -> Result<SetCellPlanRequest, CliError> {
    Ok(SetCellPlanRequest {
        parent: cell_name(&args.cell, args.commune.as_deref())?,
        plan: Some(CellPlan {
            year: args.year,
            sources_to_develop: args.sources,
            admissions: args.admissions,
            notes: args.notes.unwrap_or_default(),
            ..CellPlan::default()
        }),
    })
}

/// `communes/02680/cells/tuong-1/plans/2022` → `tuong-1`.
fn cell_of(name: &str) -> &str {
    name.split('/').nth(3).unwrap_or(name)
}

fn plan_table(plans: &[CellPlan]) -> Table {
    let mut table = Table::new([
        "Chi bộ",
        "Năm",
        "Nguồn cần phát triển",
        "Dự kiến kết nạp",
        "Ghi chú",
    ]);
    for plan in plans {
        table.row([
            cell_of(&plan.name).to_owned(),
            plan.year.to_string(),
            plan.sources_to_develop.to_string(),
            plan.admissions.to_string(),
            plan.notes.clone(),
        ]);
    }
    table
}

/// Runs one `ratings` subcommand.
pub async fn ratings(context: &Context, command: RatingCommand) -> Result<(), CliError> {
    let mut admission = client::admission(&context.membership, &context.security).await?;
    match command {
        RatingCommand::Cells { commune, year } => {
            let response = admission
                .list_cell_ratings(ListCellRatingsRequest {
                    parent: commune_name(&commune)?,
                    year,
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", cell_rating_table(&response.ratings).render());
            let good = response
                .ratings
                .iter()
                .filter(|r| {
                    r.level == RatingLevel::Excellent as i32 || r.level == RatingLevel::Good as i32
                })
                .count();
            println!(
                "\n{} chi bộ được xếp loại, {} hoàn thành tốt nhiệm vụ trở lên",
                response.ratings.len(),
                good
            );
            Ok(())
        }
        RatingCommand::Cell {
            cell,
            commune,
            year,
            level,
        } => {
            let rating = admission
                .rate_cell(RateCellRequest {
                    parent: cell_name(&cell, commune.as_deref())?,
                    rating: Some(CellRating {
                        year,
                        level: level as i32,
                        ..CellRating::default()
                    }),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&rating);
            }
            print!(
                "{}",
                cell_rating_table(std::slice::from_ref(&rating)).render()
            );
            Ok(())
        }
        RatingCommand::Member {
            member,
            year,
            level,
        } => {
            let rating = admission
                .rate_member(RateMemberRequest {
                    parent: member_name(&member)?,
                    rating: Some(MemberRating {
                        year,
                        level: level as i32,
                        ..MemberRating::default()
                    }),
                })
                .await?
                .into_inner();
            if context.json {
                return output::print_json(&rating);
            }
            println!(
                "Đảng viên {} năm {}: {}",
                rating
                    .name
                    .split("/ratings/")
                    .next()
                    .map(short_id)
                    .unwrap_or_default(),
                rating.year,
                rating_label(rating.level)
            );
            Ok(())
        }
    }
}

fn cell_rating_table(ratings: &[CellRating]) -> Table {
    let mut table = Table::new(["Chi bộ", "Năm", "Xếp loại"]);
    for rating in ratings {
        table.row([
            cell_of(&rating.name).to_owned(),
            rating.year.to_string(),
            rating_label(rating.level),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_numbers_fill_exactly_the_given_paths() {
        let mut version = RuleVersion::default();
        let paths = apply_numbers(
            &mut version,
            RuleNumbers {
                probation_months: Some(12),
                min_education: Some(GeneralEducation::LowerSecondary),
                ..RuleNumbers::default()
            },
        );
        assert_eq!(paths, ["min_education", "probation_months"]);
        assert_eq!(version.probation_months, 12);
        assert_eq!(
            version.min_education,
            GeneralEducation::LowerSecondary as i32
        );
    }

    #[test]
    fn plans_and_ratings_show_the_cell_id() {
        assert_eq!(
            cell_of("communes/02680/cells/tuong-1/plans/2022"),
            "tuong-1"
        );
        let table = cell_rating_table(&[CellRating {
            name: "communes/02680/cells/tuong-1/ratings/2021".into(),
            year: 2021,
            level: RatingLevel::Completed as i32,
            etag: String::new(),
        }])
        .render();
        assert!(table.contains("tuong-1") && table.contains("Hoàn thành nhiệm vụ"));
    }

    #[test]
    fn holidays_show_the_weekday() {
        assert_eq!(weekday("2022-09-02"), "Thứ Sáu");
        assert_eq!(weekday("x"), "");
    }

    #[test]
    fn target_request_names_the_commune() {
        let request = target_request(TargetSetArgs {
            commune: "02680".into(),
            first_year: 2020,
            last_year: 2025,
            admissions_per_year: 6,
            good_cells_percent: 80,
        })
        .expect("valid");
        assert_eq!(request.parent, "communes/02680");
        assert_eq!(request.target.map(|t| t.admissions_per_year), Some(6));
    }
}
