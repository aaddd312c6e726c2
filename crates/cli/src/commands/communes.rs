//! `partyctl communes list|get|create|update`.

use clap::{Args, Subcommand};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::{
    AreaKind, Commune, CreateCommuneRequest, GetCommuneRequest, ListCommunesRequest,
    ListCommunesResponse, UpdateCommuneRequest,
};

use super::paging::{PageArgs, collect_pages, print_next_page};
use super::{Context, mask};
use crate::client::{self, enum_name, request_id};
use crate::error::CliError;
use crate::output::{self, Fields, Table, label};
use crate::parse::{commune_name, parse_area_flag, parse_date, parse_optional_date};

/// `partyctl communes …`.
#[derive(Debug, Subcommand)]
pub enum CommuneCommand {
    /// Liệt kê các xã.
    List {
        /// Chỉ các xã của tỉnh có mã này, ví dụ 10.
        #[arg(long)]
        province: Option<String>,
        /// Phân trang.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Xem một xã.
    Get {
        /// Mã xã (02680) hoặc communes/02680.
        commune: String,
    },
    /// Tạo một xã.
    Create(CommuneCreateArgs),
    /// Sửa một xã; chỉ các trường được nêu trên dòng lệnh được cập nhật.
    Update(CommuneUpdateArgs),
}

/// `partyctl communes create`.
#[derive(Debug, Args)]
pub struct CommuneCreateArgs {
    /// Mã xã 5 chữ số của Tổng cục Thống kê.
    #[arg(long)]
    pub code: String,
    /// Tên xã có dấu, ví dụ "Xã Hợp Thành".
    #[arg(long)]
    pub display_name: String,
    /// Mã tỉnh 2 chữ số.
    #[arg(long)]
    pub province_code: String,
    /// Ngày bắt đầu hiệu lực (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub valid_from: String,
    /// Ngày hết hiệu lực (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub valid_to: Option<String>,
    /// Phân loại vùng LOẠI:TỪ_NGÀY hoặc LOẠI:TỪ_NGÀY:ĐẾN_NGÀY, ví dụ mountainous:2008-01-01; lặp lại được.
    #[arg(long = "area-flag", value_parser = parse_area_flag)]
    pub area_flags: Vec<pb::AreaFlag>,
    /// Khóa chống trùng: chạy lại với cùng khóa trả về kết quả lần đầu.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl communes update`.
#[derive(Debug, Args)]
pub struct CommuneUpdateArgs {
    /// Mã xã (02680) hoặc communes/02680.
    pub commune: String,
    /// Tên xã mới.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Mã tỉnh mới.
    #[arg(long)]
    pub province_code: Option<String>,
    /// Ngày bắt đầu hiệu lực mới.
    #[arg(long, value_parser = parse_date)]
    pub valid_from: Option<String>,
    /// Ngày hết hiệu lực; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub valid_to: Option<String>,
    /// Thay toàn bộ phân loại vùng bằng các giá trị này (LOẠI:TỪ_NGÀY hoặc LOẠI:TỪ_NGÀY:ĐẾN_NGÀY).
    #[arg(long = "area-flag", value_parser = parse_area_flag)]
    pub area_flags: Vec<pb::AreaFlag>,
    /// Xóa mọi phân loại vùng.
    #[arg(long, conflicts_with = "area_flags")]
    pub clear_area_flags: bool,
    /// Etag đã đọc; mặc định đọc lại xã và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// Runs one `communes` subcommand.
pub async fn run(context: &Context, command: CommuneCommand) -> Result<(), CliError> {
    let mut membership = client::membership(&context.membership, &context.security).await?;
    match command {
        CommuneCommand::List { province, page } => {
            let filter = province
                .map(|code| format!("province_code = \"{code}\""))
                .unwrap_or_default();
            let (communes, next_page_token) =
                collect_pages(page.page_token, page.all_pages, |page_token| {
                    let request = ListCommunesRequest {
                        page_size: page.page_size.unwrap_or_default(),
                        page_token,
                        filter: filter.clone(),
                    };
                    let mut membership = membership.clone();
                    async move {
                        let response = membership.list_communes(request).await?.into_inner();
                        Ok((response.communes, response.next_page_token))
                    }
                })
                .await?;
            let response = ListCommunesResponse {
                communes,
                next_page_token,
            };
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", list_table(&response.communes).render());
            print_next_page(&response.next_page_token);
            Ok(())
        }
        CommuneCommand::Get { commune } => {
            let name = commune_name(&commune)?;
            let commune = membership
                .get_commune(GetCommuneRequest { name })
                .await?
                .into_inner();
            show(context, &commune)
        }
        CommuneCommand::Create(args) => {
            let request = create_request(args);
            let commune = membership.create_commune(request).await?.into_inner();
            show(context, &commune)
        }
        CommuneCommand::Update(args) => {
            let name = commune_name(&args.commune)?;
            let etag = match &args.etag {
                Some(etag) => etag.clone(),
                None => {
                    membership
                        .get_commune(GetCommuneRequest { name: name.clone() })
                        .await?
                        .into_inner()
                        .etag
                }
            };
            let request = update_request(name, etag, args)?;
            let commune = membership.update_commune(request).await?.into_inner();
            show(context, &commune)
        }
    }
}

fn create_request(args: CommuneCreateArgs) -> CreateCommuneRequest {
    CreateCommuneRequest {
        commune: Some(Commune {
            code: args.code,
            display_name: args.display_name,
            province_code: args.province_code,
            valid_from: args.valid_from,
            valid_to: args.valid_to.unwrap_or_default(),
            area_flags: args.area_flags,
            ..Commune::default()
        }),
        request_id: request_id(args.request_id.as_deref()),
    }
}

/// Builds the update with a mask of exactly the fields given on the command line.
fn update_request(
    name: String,
    etag: String,
    args: CommuneUpdateArgs,
) -> Result<UpdateCommuneRequest, CliError> {
    let mut commune = Commune {
        name,
        etag,
        ..Commune::default()
    };
    let mut paths = Vec::new();
    if let Some(value) = args.display_name {
        commune.display_name = value;
        paths.push("display_name");
    }
    if let Some(value) = args.province_code {
        commune.province_code = value;
        paths.push("province_code");
    }
    if let Some(value) = args.valid_from {
        commune.valid_from = value;
        paths.push("valid_from");
    }
    if let Some(value) = args.valid_to {
        commune.valid_to = value;
        paths.push("valid_to");
    }
    if !args.area_flags.is_empty() || args.clear_area_flags {
        commune.area_flags = args.area_flags;
        paths.push("area_flags");
    }
    if paths.is_empty() {
        // An empty mask means "every field" to the service: refuse rather than blank the commune.
        return Err(CliError::usage("không có trường nào cần sửa"));
    }
    Ok(UpdateCommuneRequest {
        commune: Some(commune),
        update_mask: Some(mask(&paths)),
    })
}

fn show(context: &Context, commune: &Commune) -> Result<(), CliError> {
    if context.json {
        return output::print_json(commune);
    }
    print!("{}", details(commune).render());
    Ok(())
}

fn list_table(communes: &[Commune]) -> Table {
    let mut table = Table::new(["Mã xã", "Tên xã", "Mã tỉnh", "Hiệu lực từ", "Hiệu lực đến"]);
    for commune in communes {
        table.row([
            commune.code.clone(),
            commune.display_name.clone(),
            commune.province_code.clone(),
            commune.valid_from.clone(),
            commune.valid_to.clone(),
        ]);
    }
    table
}

fn details(commune: &Commune) -> Fields {
    let mut fields = Fields::new();
    fields
        .add("Tên tài nguyên", &commune.name)
        .add("Mã xã", &commune.code)
        .add("Tên xã", &commune.display_name)
        .add("Mã tỉnh", &commune.province_code)
        .add("Hiệu lực từ", &commune.valid_from)
        .add("Hiệu lực đến", &commune.valid_to);
    let flags: Vec<String> = commune
        .area_flags
        .iter()
        .map(|flag| {
            let kind = enum_name(flag.kind, |k: AreaKind| k.as_str_name());
            let until = if flag.valid_to.is_empty() {
                "nay".to_owned()
            } else {
                flag.valid_to.clone()
            };
            format!("{} ({} – {until})", label(&kind), flag.valid_from)
        })
        .collect();
    fields
        .add("Phân loại vùng", flags.join("; "))
        .add("Etag", &commune.etag)
        .add("Tạo lúc", output::timestamp(commune.create_time.as_ref()))
        .add(
            "Cập nhật lúc",
            output::timestamp(commune.update_time.as_ref()),
        );
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_mask_holds_exactly_the_given_fields() {
        let args = CommuneUpdateArgs {
            commune: "02680".into(),
            display_name: Some("Xã Hợp Thành".into()),
            province_code: None,
            valid_from: None,
            valid_to: Some(String::new()),
            area_flags: Vec::new(),
            clear_area_flags: false,
            etag: None,
        };
        let request =
            update_request("communes/02680".into(), "e1".into(), args).expect("two fields");
        assert_eq!(
            request.update_mask.map(|m| m.paths),
            Some(vec!["display_name".to_owned(), "valid_to".to_owned()])
        );
        assert_eq!(request.commune.map(|c| c.etag), Some("e1".to_owned()));
    }

    #[test]
    fn update_without_fields_is_refused() {
        let args = CommuneUpdateArgs {
            commune: "02680".into(),
            display_name: None,
            province_code: None,
            valid_from: None,
            valid_to: None,
            area_flags: Vec::new(),
            clear_area_flags: false,
            etag: None,
        };
        assert!(update_request("communes/02680".into(), String::new(), args).is_err());
    }
}
