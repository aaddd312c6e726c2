//! Paging of list commands: the `--page-size`, `--page-token` and `--all-pages` flags, the loop
//! that pulls pages, and the hint for the next page. Owns no command; each list command flattens
//! [`PageArgs`] into its own arguments.

use clap::Args;

use crate::error::CliError;

/// Paging of list commands.
#[derive(Debug, Clone, Args)]
pub struct PageArgs {
    /// Số bản ghi mỗi trang (mặc định của dịch vụ: 50, tối đa 500).
    #[arg(long)]
    pub page_size: Option<i32>,
    /// Mã trang tiếp theo từ lần gọi trước.
    #[arg(long)]
    pub page_token: Option<String>,
    /// Lấy tất cả các trang.
    #[arg(long)]
    pub all_pages: bool,
}

/// Pulls every page of a list call: `fetch` gets the page for a token and returns its items and
/// the next token. Stops after one page unless `all_pages`, and also if a server ever returned the
/// same token twice, so that a faulty server cannot make the CLI loop forever.
pub(crate) async fn collect_pages<T, F, Fut>(
    first_token: Option<String>,
    all_pages: bool,
    mut fetch: F,
) -> Result<(Vec<T>, String), CliError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, String), CliError>>,
{
    let mut items = Vec::new();
    let mut token = first_token.unwrap_or_default();
    loop {
        let (page, next) = fetch(token.clone()).await?;
        items.extend(page);
        if !all_pages || next.is_empty() || next == token {
            return Ok((items, next));
        }
        token = next;
    }
}

/// Prints the hint for the next page, when there is one.
pub(crate) fn print_next_page(token: &str) {
    if !token.is_empty() {
        println!("\nCòn trang sau: --page-token {token}  (hoặc --all-pages)");
    }
}
