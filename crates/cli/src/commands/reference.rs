//! `partyctl provinces list|get|create|update`, `partyctl merges list|create` and
//! `partyctl reference <list>`: administrative units and code lists, served by the membership
//! server's ReferenceService.

use clap::{Args, Subcommand};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::{
    CreateMergeRequest, CreateProvinceRequest, GetProvinceRequest, GetReferenceListRequest,
    ListMergesRequest, ListMergesResponse, ListProvincesRequest, Province, ReferenceList,
    UnitLevel, UnitMerge, UpdateProvinceRequest,
};

use super::reports::emit;
use super::{Context, mask};
use crate::client::{self, request_id};
use crate::error::CliError;
use crate::output::{Fields, Table};
use crate::parse::{parse_date, parse_optional_date, parse_province, parse_unit_level};

/// `partyctl provinces …`.
#[derive(Debug, Subcommand)]
pub enum ProvinceCommand {
    /// Liệt kê các tỉnh, cả các tỉnh đã hết hiệu lực.
    List {
        /// Chỉ các tỉnh có hiệu lực vào ngày này.
        #[arg(long, value_parser = parse_date)]
        in_force_on: Option<String>,
    },
    /// Xem một tỉnh.
    Get {
        /// Mã tỉnh (15) hoặc provinces/15.
        #[arg(value_parser = parse_province)]
        province: String,
    },
    /// Tạo một tỉnh.
    Create(ProvinceCreateArgs),
    /// Sửa tên hoặc thời gian hiệu lực của một tỉnh.
    Update(ProvinceUpdateArgs),
}

/// `partyctl provinces create`.
#[derive(Debug, Args)]
pub struct ProvinceCreateArgs {
    /// Mã tỉnh 2 chữ số.
    #[arg(long)]
    pub code: String,
    /// Tên có dấu, ví dụ "Tỉnh Lào Cai".
    #[arg(long)]
    pub display_name: String,
    /// Ngày bắt đầu hiệu lực.
    #[arg(long, value_parser = parse_date)]
    pub valid_from: String,
    /// Ngày cuối cùng còn hiệu lực.
    #[arg(long, value_parser = parse_date)]
    pub valid_to: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl provinces update`.
#[derive(Debug, Args)]
pub struct ProvinceUpdateArgs {
    /// Mã tỉnh (15) hoặc provinces/15.
    #[arg(value_parser = parse_province)]
    pub province: String,
    /// Tên mới.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Ngày bắt đầu hiệu lực mới.
    #[arg(long, value_parser = parse_date)]
    pub valid_from: Option<String>,
    /// Ngày cuối cùng còn hiệu lực; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub valid_to: Option<String>,
    /// Etag đã đọc; mặc định đọc lại tỉnh và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// `partyctl merges …`.
#[derive(Debug, Subcommand)]
pub enum MergeCommand {
    /// Các lần sáp nhập đã ghi, theo ngày có hiệu lực.
    List {
        /// Chỉ cấp này: province hoặc commune.
        #[arg(long, value_parser = parse_unit_level)]
        level: Option<pb::UnitLevel>,
    },
    /// Ghi nhận một lần sáp nhập: các đơn vị cũ kết thúc ngày hôm trước, đơn vị mới có từ ngày đó.
    Create(MergeCreateArgs),
}

/// `partyctl merges create`.
#[derive(Debug, Args)]
pub struct MergeCreateArgs {
    /// Cấp: province hoặc commune.
    #[arg(long, value_parser = parse_unit_level)]
    pub level: pb::UnitLevel,
    /// Mã đơn vị được sáp nhập; lặp lại hoặc ngăn bằng dấu phẩy.
    #[arg(long = "from", required = true, value_delimiter = ',')]
    pub predecessors: Vec<String>,
    /// Mã đơn vị sau sáp nhập.
    #[arg(long = "into")]
    pub successor: String,
    /// Ngày có hiệu lực (ngày đầu tiên của đơn vị mới).
    #[arg(long, value_parser = parse_date)]
    pub effective_date: String,
    /// Căn cứ pháp lý, ví dụ "Nghị quyết 1673/NQ-UBTVQH15".
    #[arg(long)]
    pub legal_basis: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// Which reference list `partyctl reference` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReferenceKindArg {
    /// 54 dân tộc.
    Ethnicity,
    /// Tôn giáo.
    Religion,
    /// Trình độ giáo dục phổ thông.
    GeneralEducation,
    /// Trình độ chuyên môn.
    Qualification,
    /// Trình độ lý luận chính trị.
    PoliticalTheory,
}

impl ReferenceKindArg {
    /// The contract's value.
    pub fn kind(self) -> pb::ReferenceListKind {
        match self {
            Self::Ethnicity => pb::ReferenceListKind::Ethnicity,
            Self::Religion => pb::ReferenceListKind::Religion,
            Self::GeneralEducation => pb::ReferenceListKind::GeneralEducation,
            Self::Qualification => pb::ReferenceListKind::Qualification,
            Self::PoliticalTheory => pb::ReferenceListKind::PoliticalTheory,
        }
    }
}

/// `partyctl reference`.
#[derive(Debug, Args)]
pub struct ReferenceArgs {
    /// Danh mục.
    #[arg(value_enum)]
    pub kind: ReferenceKindArg,
}

/// Runs one `provinces` subcommand.
pub async fn provinces(context: &Context, command: ProvinceCommand) -> Result<(), CliError> {
    let mut reference = client::reference(&context.membership, &context.security).await?;
    match command {
        ProvinceCommand::List { in_force_on } => {
            let response = reference
                .list_provinces(ListProvincesRequest {
                    in_force_on: in_force_on.unwrap_or_default(),
                })
                .await?
                .into_inner();
            emit(context, &response, |response| {
                province_table(&response.provinces).render()
            })
        }
        ProvinceCommand::Get { province } => {
            let province = reference
                .get_province(GetProvinceRequest { name: province })
                .await?
                .into_inner();
            emit(context, &province, |p| province_fields(p).render())
        }
        ProvinceCommand::Create(args) => {
            let province = reference
                .create_province(create_province_request(args))
                .await?
                .into_inner();
            emit(context, &province, |p| province_fields(p).render())
        }
        ProvinceCommand::Update(args) => {
            let etag = match &args.etag {
                Some(etag) => etag.clone(),
                None => {
                    reference
                        .get_province(GetProvinceRequest {
                            name: args.province.clone(),
                        })
                        .await?
                        .into_inner()
                        .etag
                }
            };
            let request = update_province_request(etag, args)?;
            let province = reference.update_province(request).await?.into_inner();
            emit(context, &province, |p| province_fields(p).render())
        }
    }
}

fn create_province_request(args: ProvinceCreateArgs) -> CreateProvinceRequest {
    CreateProvinceRequest {
        province: Some(Province {
            code: args.code,
            display_name: args.display_name,
            valid_from: args.valid_from,
            valid_to: args.valid_to.unwrap_or_default(),
            ..Province::default()
        }),
        request_id: request_id(args.request_id.as_deref()),
    }
}

/// The update with a mask of exactly the fields given.
fn update_province_request(
    etag: String,
    args: ProvinceUpdateArgs,
) -> Result<UpdateProvinceRequest, CliError> {
    let mut province = Province {
        name: args.province,
        etag,
        ..Province::default()
    };
    let mut paths = Vec::new();
    for (target, value, path) in [
        (
            &mut province.display_name,
            args.display_name,
            "display_name",
        ),
        (&mut province.valid_from, args.valid_from, "valid_from"),
        (&mut province.valid_to, args.valid_to, "valid_to"),
    ] {
        if let Some(value) = value {
            *target = value;
            paths.push(path);
        }
    }
    if paths.is_empty() {
        // An empty mask means "every field" to the service: refuse rather than blank the province.
        return Err(CliError::usage("không có trường nào cần sửa"));
    }
    Ok(UpdateProvinceRequest {
        province: Some(province),
        update_mask: Some(mask(&paths)),
    })
}

fn until(valid_to: &str) -> String {
    if valid_to.is_empty() {
        "nay".to_owned()
    } else {
        valid_to.to_owned()
    }
}

fn province_table(provinces: &[Province]) -> Table {
    let mut table = Table::new(["Mã", "Tên", "Hiệu lực từ", "Đến"]);
    for province in provinces {
        table.row([
            province.code.clone(),
            province.display_name.clone(),
            province.valid_from.clone(),
            until(&province.valid_to),
        ]);
    }
    table
}

fn province_fields(province: &Province) -> Fields {
    let mut fields = Fields::new();
    fields
        .add("Tên tài nguyên", &province.name)
        .add("Mã tỉnh", &province.code)
        .add("Tên", &province.display_name)
        .add("Hiệu lực từ", &province.valid_from)
        .add("Hiệu lực đến", &province.valid_to)
        .add("Etag", &province.etag);
    fields
}

/// Runs one `merges` subcommand.
pub async fn merges(context: &Context, command: MergeCommand) -> Result<(), CliError> {
    let mut reference = client::reference(&context.membership, &context.security).await?;
    match command {
        MergeCommand::List { level } => {
            let response = reference
                .list_merges(ListMergesRequest {
                    level: level.unwrap_or(UnitLevel::Unspecified) as i32,
                })
                .await?
                .into_inner();
            emit(context, &response, render_merges)
        }
        MergeCommand::Create(args) => {
            let merge = reference
                .create_merge(create_merge_request(args))
                .await?
                .into_inner();
            emit(context, &merge, |merge| {
                render_merges(&ListMergesResponse {
                    merges: vec![merge.clone()],
                })
            })
        }
    }
}

fn create_merge_request(args: MergeCreateArgs) -> CreateMergeRequest {
    let code = |value: &str| {
        let value = value.trim();
        value
            .strip_prefix("communes/")
            .or_else(|| value.strip_prefix("provinces/"))
            .unwrap_or(value)
            .to_owned()
    };
    CreateMergeRequest {
        merge: Some(UnitMerge {
            level: args.level as i32,
            predecessor_codes: args.predecessors.iter().map(|p| code(p)).collect(),
            successor_code: code(&args.successor),
            effective_date: args.effective_date,
            legal_basis: args.legal_basis.unwrap_or_default(),
            ..UnitMerge::default()
        }),
        request_id: request_id(args.request_id.as_deref()),
    }
}

fn level_label(level: i32) -> &'static str {
    match UnitLevel::try_from(level) {
        Ok(UnitLevel::Province) => "Tỉnh",
        Ok(UnitLevel::Commune) => "Xã",
        _ => "—",
    }
}

/// The merges, one line each.
pub fn render_merges(response: &ListMergesResponse) -> String {
    let mut table = Table::new(["Ngày hiệu lực", "Cấp", "Đơn vị cũ", "Đơn vị mới", "Căn cứ"]);
    for merge in &response.merges {
        table.row([
            merge.effective_date.clone(),
            level_label(merge.level).to_owned(),
            merge.predecessor_codes.join(", "),
            merge.successor_code.clone(),
            merge.legal_basis.clone(),
        ]);
    }
    table.render()
}

/// `partyctl reference <list>`.
pub async fn reference_list(context: &Context, args: ReferenceArgs) -> Result<(), CliError> {
    let mut reference = client::reference(&context.membership, &context.security).await?;
    let list = reference
        .get_reference_list(GetReferenceListRequest {
            kind: args.kind.kind() as i32,
        })
        .await?
        .into_inner();
    emit(context, &list, render_reference_list)
}

/// A code list with its code system and aliases.
pub fn render_reference_list(list: &ReferenceList) -> String {
    let mut out = format!("Hệ thống mã: {}\n\n", list.code_system);
    let mut table = Table::new(["Mã", "Tên", "Tên khác (khi nhập)"]);
    for entry in &list.entries {
        table.row([
            entry.code.clone(),
            entry.label.clone(),
            entry.aliases.join(", "),
        ]);
    }
    out.push_str(&table.render());
    out.push_str(&format!("\n{} mục\n", list.entries.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use partyregistry_proto::membership::v1::ReferenceEntry;

    #[test]
    fn province_update_masks_only_the_given_fields() {
        let request = update_province_request(
            "e".into(),
            ProvinceUpdateArgs {
                province: "provinces/10".into(),
                display_name: None,
                valid_from: None,
                valid_to: Some("2025-06-30".into()),
                etag: None,
            },
        )
        .expect("one field");
        assert_eq!(
            request.update_mask.map(|m| m.paths),
            Some(vec!["valid_to".to_owned()])
        );
        assert!(
            update_province_request(
                String::new(),
                ProvinceUpdateArgs {
                    province: "provinces/10".into(),
                    display_name: None,
                    valid_from: None,
                    valid_to: None,
                    etag: None,
                },
            )
            .is_err()
        );
    }

    #[test]
    fn merges_take_codes_or_names() {
        let request = create_merge_request(MergeCreateArgs {
            level: UnitLevel::Commune,
            predecessors: vec!["communes/02677".into(), "02680".into()],
            successor: "communes/02680".into(),
            effective_date: "2025-07-01".into(),
            legal_basis: Some("Nghị quyết 1673/NQ-UBTVQH15".into()),
            request_id: Some("m".into()),
        });
        let merge = request.merge.expect("merge");
        assert_eq!(merge.predecessor_codes, ["02677", "02680"]);
        assert_eq!(merge.successor_code, "02680");
        let text = render_merges(&ListMergesResponse {
            merges: vec![merge],
        });
        assert!(text.contains("02677, 02680") && text.contains("Xã"));
    }

    #[test]
    fn reference_lists_show_aliases() {
        let text = render_reference_list(&ReferenceList {
            kind: 1,
            code_system: "QĐ 121-TCTK/PPCĐ (1979)".into(),
            entries: vec![ReferenceEntry {
                code: "08".into(),
                label: "Mông".into(),
                aliases: vec!["Mèo".into(), "H'Mông".into()],
            }],
        });
        assert!(text.contains("Mèo, H'Mông") && text.contains("1 mục"));
    }
}
