//! `partyctl cells list|get|create|update`.

use clap::{Args, Subcommand};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::{
    Cell, CellKind, CreateCellRequest, GetCellRequest, ListCellsRequest, ListCellsResponse,
    UpdateCellRequest,
};

use super::paging::{PageArgs, collect_pages, print_next_page};
use super::{Context, mask};
use crate::client::{self, enum_name, request_id};
use crate::error::CliError;
use crate::output::{self, Fields, Table, label};
use crate::parse::{
    cell_name, commune_name, parse_cell_kind, parse_date, parse_optional_date, short_id,
};

/// `partyctl cells …`.
#[derive(Debug, Subcommand)]
pub enum CellCommand {
    /// Liệt kê các chi bộ của một xã.
    List {
        /// Mã xã (02680) hoặc communes/02680.
        #[arg(long, alias = "parent")]
        commune: String,
        /// Chỉ các chi bộ loại này (residential, school, police, …).
        #[arg(long, value_parser = parse_cell_kind)]
        kind: Option<pb::CellKind>,
        /// Phân trang.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Xem một chi bộ.
    Get {
        /// communes/02680/cells/tuong-1, hoặc tuong-1 kèm --commune.
        cell: String,
        /// Mã xã khi chỉ ghi mã chi bộ.
        #[arg(long)]
        commune: Option<String>,
    },
    /// Tạo một chi bộ.
    Create(CellCreateArgs),
    /// Sửa một chi bộ; chỉ các trường được nêu trên dòng lệnh được cập nhật.
    Update(CellUpdateArgs),
}

/// `partyctl cells create`.
#[derive(Debug, Args)]
pub struct CellCreateArgs {
    /// Mã xã (02680) hoặc communes/02680.
    #[arg(long, alias = "parent")]
    pub commune: String,
    /// Mã chi bộ: chữ thường không dấu, chữ số, dấu gạch nối, ví dụ tuong-1.
    #[arg(long = "id")]
    pub cell_id: String,
    /// Tên chi bộ có dấu, ví dụ "Chi bộ thôn Tượng 1".
    #[arg(long)]
    pub display_name: String,
    /// Loại chi bộ (residential, school, police, military, agency, enterprise, other).
    #[arg(long, value_parser = parse_cell_kind)]
    pub kind: pb::CellKind,
    /// Ngày thành lập.
    #[arg(long, value_parser = parse_date)]
    pub open_date: String,
    /// Ngày giải thể.
    #[arg(long, value_parser = parse_date)]
    pub close_date: Option<String>,
    /// Khóa chống trùng.
    #[arg(long)]
    pub request_id: Option<String>,
}

/// `partyctl cells update`.
#[derive(Debug, Args)]
pub struct CellUpdateArgs {
    /// communes/02680/cells/tuong-1, hoặc tuong-1 kèm --commune.
    pub cell: String,
    /// Mã xã khi chỉ ghi mã chi bộ.
    #[arg(long)]
    pub commune: Option<String>,
    /// Tên mới.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Loại mới.
    #[arg(long, value_parser = parse_cell_kind)]
    pub kind: Option<pb::CellKind>,
    /// Ngày thành lập mới.
    #[arg(long, value_parser = parse_date)]
    pub open_date: Option<String>,
    /// Ngày giải thể; chuỗi rỗng để xóa.
    #[arg(long, value_parser = parse_optional_date)]
    pub close_date: Option<String>,
    /// Etag đã đọc; mặc định đọc lại chi bộ và dùng etag hiện tại.
    #[arg(long)]
    pub etag: Option<String>,
}

/// Runs one `cells` subcommand.
pub async fn run(context: &Context, command: CellCommand) -> Result<(), CliError> {
    let mut membership = client::membership(&context.membership, &context.security).await?;
    match command {
        CellCommand::List {
            commune,
            kind,
            page,
        } => {
            let parent = commune_name(&commune)?;
            let filter = kind
                .map(|kind| format!("kind = {}", kind.as_str_name()))
                .unwrap_or_default();
            let (cells, next_page_token) =
                collect_pages(page.page_token, page.all_pages, |page_token| {
                    let request = ListCellsRequest {
                        parent: parent.clone(),
                        page_size: page.page_size.unwrap_or_default(),
                        page_token,
                        filter: filter.clone(),
                    };
                    let mut membership = membership.clone();
                    async move {
                        let response = membership.list_cells(request).await?.into_inner();
                        Ok((response.cells, response.next_page_token))
                    }
                })
                .await?;
            let response = ListCellsResponse {
                cells,
                next_page_token,
            };
            if context.json {
                return output::print_json(&response);
            }
            print!("{}", list_table(&response.cells).render());
            print_next_page(&response.next_page_token);
            Ok(())
        }
        CellCommand::Get { cell, commune } => {
            let name = cell_name(&cell, commune.as_deref())?;
            let cell = membership
                .get_cell(GetCellRequest { name })
                .await?
                .into_inner();
            show(context, &cell)
        }
        CellCommand::Create(args) => {
            let request = create_request(args)?;
            let cell = membership.create_cell(request).await?.into_inner();
            show(context, &cell)
        }
        CellCommand::Update(args) => {
            let name = cell_name(&args.cell, args.commune.as_deref())?;
            let etag = match &args.etag {
                Some(etag) => etag.clone(),
                None => {
                    membership
                        .get_cell(GetCellRequest { name: name.clone() })
                        .await?
                        .into_inner()
                        .etag
                }
            };
            let request = update_request(name, etag, args)?;
            let cell = membership.update_cell(request).await?.into_inner();
            show(context, &cell)
        }
    }
}

fn create_request(args: CellCreateArgs) -> Result<CreateCellRequest, CliError> {
    Ok(CreateCellRequest {
        parent: commune_name(&args.commune)?,
        cell_id: args.cell_id,
        cell: Some(Cell {
            display_name: args.display_name,
            kind: args.kind as i32,
            open_date: args.open_date,
            close_date: args.close_date.unwrap_or_default(),
            ..Cell::default()
        }),
        request_id: request_id(args.request_id.as_deref()),
    })
}

/// Builds the update with a mask of exactly the fields given on the command line.
fn update_request(
    name: String,
    etag: String,
    args: CellUpdateArgs,
) -> Result<UpdateCellRequest, CliError> {
    let mut cell = Cell {
        name,
        etag,
        ..Cell::default()
    };
    let mut paths = Vec::new();
    if let Some(value) = args.display_name {
        cell.display_name = value;
        paths.push("display_name");
    }
    if let Some(value) = args.kind {
        cell.kind = value as i32;
        paths.push("kind");
    }
    if let Some(value) = args.open_date {
        cell.open_date = value;
        paths.push("open_date");
    }
    if let Some(value) = args.close_date {
        cell.close_date = value;
        paths.push("close_date");
    }
    if paths.is_empty() {
        // An empty mask means "every field" to the service: refuse rather than blank the cell.
        return Err(CliError::usage("không có trường nào cần sửa"));
    }
    Ok(UpdateCellRequest {
        cell: Some(cell),
        update_mask: Some(mask(&paths)),
    })
}

fn show(context: &Context, cell: &Cell) -> Result<(), CliError> {
    if context.json {
        return output::print_json(cell);
    }
    print!("{}", details(cell).render());
    Ok(())
}

/// The Vietnamese label of a cell's kind.
pub(crate) fn kind_label(kind: i32) -> String {
    label(&enum_name(kind, |k: CellKind| k.as_str_name())).to_owned()
}

fn list_table(cells: &[Cell]) -> Table {
    let mut table = Table::new([
        "Mã chi bộ",
        "Chi bộ",
        "Loại",
        "Ngày thành lập",
        "Ngày giải thể",
    ]);
    for cell in cells {
        table.row([
            short_id(&cell.name).to_owned(),
            cell.display_name.clone(),
            kind_label(cell.kind),
            cell.open_date.clone(),
            cell.close_date.clone(),
        ]);
    }
    table
}

fn details(cell: &Cell) -> Fields {
    let mut fields = Fields::new();
    fields
        .add("Tên tài nguyên", &cell.name)
        .add("Chi bộ", &cell.display_name)
        .add("Loại", kind_label(cell.kind))
        .add("Ngày thành lập", &cell.open_date)
        .add("Ngày giải thể", &cell.close_date)
        .add("Etag", &cell.etag)
        .add("Tạo lúc", output::timestamp(cell.create_time.as_ref()))
        .add("Cập nhật lúc", output::timestamp(cell.update_time.as_ref()));
    fields
}
