//! `partyctl rules list|create|update`: the regulation versions (24-QĐ/TW, 294-QĐ/TW …) the
//! admission pipeline is checked and its deadlines counted against.

use clap::{Args, Subcommand};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::{
    CreateRuleVersionRequest, GeneralEducation, ListRuleVersionsRequest, RuleVersion,
    UpdateRuleVersionRequest,
};

use crate::client;
use crate::commands::{Context, mask};
use crate::error::CliError;
use crate::output::{self, Fields, Table, enum_label};
use crate::parse::{parse_date, parse_education, rule_version_name};

/// `partyctl rules …`.
#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Liệt kê các phiên bản quy định, cũ nhất trước.
    List,
    /// Thêm phiên bản có hiệu lực từ một ngày; các số không nêu lấy theo phiên bản mới nhất.
    Create(RuleCreateArgs),
    /// Sửa các con số của một phiên bản.
    Update(RuleUpdateArgs),
}

/// The numbers of a regulation version, every one optional on the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleNumbers {
    /// Tuổi tối thiểu, tính bằng tháng (216 = 18 tuổi).
    #[arg(long)]
    pub min_age_months: Option<i32>,
    /// Tuổi tối đa, tính bằng tháng (720 = 60 tuổi).
    #[arg(long)]
    pub max_age_months: Option<i32>,
    /// Trình độ học vấn tối thiểu.
    #[arg(long, value_parser = parse_education)]
    pub min_education: Option<pb::GeneralEducation>,
    /// Trình độ tối thiểu ở vùng đặc biệt khó khăn, miền núi, dân tộc thiểu số.
    #[arg(long, value_parser = parse_education)]
    pub min_education_flagged_area: Option<pb::GeneralEducation>,
    /// Số tháng giấy chứng nhận lớp nhận thức về Đảng còn giá trị.
    #[arg(long)]
    pub certificate_valid_months: Option<i32>,
    /// Số người giới thiệu.
    #[arg(long)]
    pub introducers_required: Option<i32>,
    /// Số tháng tối thiểu người giới thiệu công tác cùng.
    #[arg(long)]
    pub introducer_min_months: Option<i32>,
    /// Tử số của tỷ lệ biểu quyết (2 trong 2/3).
    #[arg(long)]
    pub vote_numerator: Option<i32>,
    /// Mẫu số của tỷ lệ biểu quyết (3 trong 2/3).
    #[arg(long)]
    pub vote_denominator: Option<i32>,
    /// Số tháng hồ sơ còn giá trị.
    #[arg(long)]
    pub papers_valid_months: Option<i32>,
    /// Số tháng dự bị.
    #[arg(long)]
    pub probation_months: Option<i32>,
    /// Số ngày làm việc để ra quyết định kết nạp.
    #[arg(long)]
    pub decision_working_days: Option<i32>,
    /// Số ngày làm việc được gia hạn (một lần).
    #[arg(long)]
    pub decision_extension_working_days: Option<i32>,
    /// Số ngày làm việc để tổ chức lễ kết nạp.
    #[arg(long)]
    pub ceremony_working_days: Option<i32>,
    /// Số ngày làm việc để công nhận chính thức sau khi hết dự bị.
    #[arg(long)]
    pub recognition_working_days: Option<i32>,
    /// Số tháng tối thiểu của sinh hoạt tạm thời.
    #[arg(long)]
    pub min_temporary_transfer_months: Option<i32>,
    /// Sinh hoạt tạm thời dưới số tháng này (trừ đi học).
    #[arg(long)]
    pub max_temporary_transfer_months: Option<i32>,
    /// Số tháng tối đa sinh hoạt tạm thời để đi học.
    #[arg(long)]
    pub max_study_transfer_months: Option<i32>,
}

/// `partyctl rules create`.
#[derive(Debug, Args)]
pub struct RuleCreateArgs {
    /// Số hiệu quy định, ví dụ 294-QĐ/TW.
    #[arg(long)]
    pub code: String,
    /// Ngày bắt đầu có hiệu lực.
    #[arg(long, value_parser = parse_date)]
    pub in_force_from: String,
    /// Các con số khác với phiên bản mới nhất.
    #[command(flatten)]
    pub numbers: RuleNumbers,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl rules update`.
#[derive(Debug, Args)]
pub struct RuleUpdateArgs {
    /// Ngày hiệu lực của phiên bản (2025-07-01) hoặc ruleVersions/2025-07-01.
    pub version: String,
    /// Số hiệu mới.
    #[arg(long)]
    pub code: Option<String>,
    /// Các con số cần sửa.
    #[command(flatten)]
    pub numbers: RuleNumbers,
    /// Etag đã đọc; mặc định đọc lại và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

fn education_label(level: i32) -> String {
    enum_label(level, |e: GeneralEducation| e.as_str_name())
}

/// Runs one `rules` subcommand.
pub async fn run(context: &Context, command: RuleCommand) -> Result<(), CliError> {
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
}
