//! `partyctl dev`: the first thing a newcomer runs. Starts the membership and reporting services in
//! this one process on SQLite files under a data directory (created on first run), loads the
//! reference dataset of Hợp Thành when the commune is missing, prints the endpoints and a few
//! commands to try, and stops both services on Ctrl-C.
//!
//! Both services run in plaintext and without authentication, set explicitly here, and listen on
//! 127.0.0.1 only; the banner says so in one line.
//!
//! [`start`] and [`DevHandles`] are public so that tests can run the same set-up on port 0.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1::GetCommuneRequest;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic_health::pb::health_check_response::ServingStatus;

use crate::commands::health::{MEMBERSHIP_SERVICE, REPORTING_SERVICE, check};
use crate::dataset::{self, SeedSummary};
use crate::error::CliError;

/// How long the services get to become healthy: migrations on a slow disk take a few seconds.
const HEALTH_DEADLINE: Duration = Duration::from_secs(60);
/// How often health is polled while waiting.
const HEALTH_POLL: Duration = Duration::from_millis(100);

/// The one line that says what dev mode gives up: no TLS, no tokens, every caller unrestricted.
pub const DEV_WARNING: &str = "Cảnh báo: chế độ dev không mã hóa (plaintext) và không xác thực, mọi lệnh gọi đều được phép; chỉ dùng trên máy này, không dùng cho dữ liệu thật.";

/// Options of `partyctl dev`.
#[derive(Debug, Clone, clap::Args)]
pub struct DevOptions {
    /// Thư mục chứa các tệp SQLite (tạo mới ở lần chạy đầu).
    #[arg(long, default_value = "./data")]
    pub data_dir: PathBuf,
    /// Cổng của dịch vụ đảng viên (0: chọn cổng trống).
    #[arg(long, default_value_t = 50051)]
    pub membership_port: u16,
    /// Cổng của dịch vụ báo cáo (0: chọn cổng trống).
    #[arg(long, default_value_t = 50052)]
    pub reporting_port: u16,
    /// Cổng số liệu Prometheus (`/metrics`) của dịch vụ đảng viên; dịch vụ báo cáo dùng cổng kế
    /// tiếp. 0: tắt.
    #[arg(long, default_value_t = 9464)]
    pub metrics_port: u16,
}

/// The metrics address of the `offset`-th service of dev mode; `None` when metrics are off.
fn metrics_address(options: &DevOptions, offset: u16) -> Option<SocketAddr> {
    (options.metrics_port != 0)
        .then(|| options.metrics_port.checked_add(offset))
        .flatten()
        .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
}

type ServiceTask = JoinHandle<Result<(), BoxError>>;

/// The two running services.
pub struct DevHandles {
    /// `http://127.0.0.1:PORT` of the membership service.
    pub membership_url: String,
    /// `http://127.0.0.1:PORT` of the reporting service.
    pub reporting_url: String,
    /// What seeding did, when this start seeded (the commune was missing); `None` otherwise.
    pub seeded: Option<SeedSummary>,
    shutdown: CancellationToken,
    membership: ServiceTask,
    reporting: ServiceTask,
}

impl std::fmt::Debug for DevHandles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevHandles")
            .field("membership_url", &self.membership_url)
            .field("reporting_url", &self.reporting_url)
            .field("seeded", &self.seeded)
            .finish_non_exhaustive()
    }
}

impl DevHandles {
    /// The token that stops both services when cancelled.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Waits until shutdown is requested or one service stops on its own (which is a failure),
    /// then stops both and reports the first error.
    pub async fn wait(mut self) -> Result<(), BoxError> {
        // Biased: on Ctrl-C the token is cancelled before the services finish, and a service that
        // ends because of it must not be mistaken for one that stopped on its own.
        let early = tokio::select! {
            biased;
            () = self.shutdown.cancelled() => None,
            result = &mut self.membership => Some(("membership", result)),
            result = &mut self.reporting => Some(("reporting", result)),
        };
        self.shutdown.cancel();
        match early {
            None => {
                let membership = join("membership", self.membership.await);
                let reporting = join("reporting", self.reporting.await);
                membership.and(reporting)
            }
            Some((name, result)) => {
                let other = if name == "membership" {
                    self.reporting.await
                } else {
                    self.membership.await
                };
                let stopped = join(name, result);
                // A service that stops by itself without an error is still a failure here: dev
                // mode runs until Ctrl-C.
                stopped?;
                join(
                    if name == "membership" {
                        "reporting"
                    } else {
                        "membership"
                    },
                    other,
                )?;
                Err(format!("dịch vụ {name} đã dừng bất ngờ").into())
            }
        }
    }

    /// Stops both services and waits for them.
    pub async fn stop(self) -> Result<(), BoxError> {
        self.shutdown.cancel();
        self.wait().await
    }
}

fn join(
    name: &str,
    result: Result<Result<(), BoxError>, tokio::task::JoinError>,
) -> Result<(), BoxError> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("dịch vụ {name}: {error}").into()),
        Err(error) => Err(format!("dịch vụ {name} dừng bất thường: {error}").into()),
    }
}

/// The `sqlite://` URL of a database file in the data directory.
fn sqlite_url(data_dir: &std::path::Path, file: &str) -> String {
    format!("sqlite://{}", data_dir.join(file).display())
}

/// Starts both services on the data directory, waits until both are healthy, and seeds the
/// reference dataset if commune 02680 is missing. On failure, whatever was started is stopped.
pub async fn start(options: &DevOptions) -> Result<DevHandles, BoxError> {
    std::fs::create_dir_all(&options.data_dir)
        .map_err(|e| format!("không tạo được thư mục {}: {e}", options.data_dir.display()))?;
    let shutdown = CancellationToken::new();

    let membership_listener = bind(options.membership_port).await?;
    let membership_address = membership_listener.local_addr()?;
    let membership_url = format!("http://{membership_address}");
    let mut membership_config = partyregistry_membership::Config::for_database(sqlite_url(
        &options.data_dir,
        "membership.db",
    ));
    membership_config.listen = membership_address;
    // Set here too, not only by the constructor: dev mode must never depend on a default for
    // running without TLS and without tokens.
    membership_config.plaintext = true;
    membership_config.allow_unauthenticated = true;
    membership_config.metrics_listen = metrics_address(options, 0);
    let membership = tokio::spawn(partyregistry_membership::run(
        membership_config,
        membership_listener,
        shutdown.clone(),
    ));

    // The reporting listener is bound now so that a busy port is reported before anything else
    // happens, but the service starts only once membership answers: its feed consumer would
    // otherwise begin with a round of connection errors.
    let reporting_listener = match bind(options.reporting_port).await {
        Ok(listener) => listener,
        Err(error) => {
            shutdown.cancel();
            let _ = membership.await;
            return Err(error);
        }
    };
    let reporting_address = reporting_listener.local_addr()?;
    let reporting_url = format!("http://{reporting_address}");

    if let Err(error) = wait_healthy(&membership_url, MEMBERSHIP_SERVICE, &membership).await {
        shutdown.cancel();
        let _ = membership.await;
        return Err(error);
    }
    let mut reporting_config = partyregistry_reporting::Config::new(
        sqlite_url(&options.data_dir, "reporting.db"),
        membership_url.clone(),
    );
    reporting_config.listen = reporting_address;
    reporting_config.plaintext = true;
    reporting_config.allow_unauthenticated = true;
    reporting_config.metrics_listen = metrics_address(options, 1);
    let reporting = tokio::spawn(partyregistry_reporting::run(
        reporting_config,
        reporting_listener,
        shutdown.clone(),
    ));
    let mut handles = DevHandles {
        membership_url,
        reporting_url,
        seeded: None,
        shutdown,
        membership,
        reporting,
    };

    let prepared = async {
        handles.seeded = seed_if_missing(&handles.membership_url).await?;
        wait_healthy(
            &handles.reporting_url,
            REPORTING_SERVICE,
            &handles.reporting,
        )
        .await
    };
    match prepared.await {
        Ok(()) => Ok(handles),
        Err(error) => {
            let _ = handles.stop().await;
            Err(error)
        }
    }
}

async fn bind(port: u16) -> Result<TcpListener, BoxError> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpListener::bind(address)
        .await
        .map_err(|e| format!("không mở được cổng {address}: {e} (cổng đang bận? dùng --membership-port/--reporting-port)").into())
}

/// Polls the health of `service` at `url` until SERVING, the deadline, or the end of its task.
async fn wait_healthy(url: &str, service: &str, task: &ServiceTask) -> Result<(), BoxError> {
    let deadline = tokio::time::Instant::now() + HEALTH_DEADLINE;
    let mut last = String::from("chưa trả lời");
    while tokio::time::Instant::now() < deadline {
        if task.is_finished() {
            return Err(format!("{service} dừng ngay khi khởi động (xem nhật ký ở trên)").into());
        }
        match check(
            url,
            service,
            Duration::from_secs(2),
            &crate::client::plaintext(),
        )
        .await
        {
            Ok(ServingStatus::Serving) => return Ok(()),
            Ok(status) => last = status.as_str_name().to_owned(),
            Err(error) => last = error,
        }
        tokio::time::sleep(HEALTH_POLL).await;
    }
    Err(format!(
        "{service} tại {url} không sẵn sàng sau {} giây: {last}",
        HEALTH_DEADLINE.as_secs()
    )
    .into())
}

/// Seeds when the reference commune does not exist yet (first start on a data directory).
async fn seed_if_missing(membership_url: &str) -> Result<Option<SeedSummary>, BoxError> {
    let mut client = crate::client::membership(membership_url, &crate::client::plaintext())
        .await
        .map_err(|e| e.to_string())?;
    match client
        .get_commune(GetCommuneRequest {
            name: dataset::COMMUNE.to_owned(),
        })
        .await
    {
        Ok(_) => Ok(None),
        Err(status) if status.code() == tonic::Code::NotFound => {
            tracing::info!("loading the reference dataset");
            let mut admission =
                crate::client::admission(membership_url, &crate::client::plaintext())
                    .await
                    .map_err(|e| e.to_string())?;
            let mut reference =
                crate::client::reference(membership_url, &crate::client::plaintext())
                    .await
                    .map_err(|e| e.to_string())?;
            // No bar: the services' own log lines share the terminal while the dataset loads.
            let progress = crate::progress::Progress::hidden();
            let summary = dataset::seed_all(&mut client, &mut admission, &mut reference, &progress)
                .await
                .map_err(|status| partyregistry_kit::error::describe_status(&status))?;
            Ok(Some(summary))
        }
        Err(status) => Err(partyregistry_kit::error::describe_status(&status).into()),
    }
}

/// The `--membership/--reporting` flags needed when the ports are not the defaults.
fn endpoint_flags(handles: &DevHandles) -> String {
    let mut flags = String::new();
    if handles.membership_url != "http://127.0.0.1:50051" {
        flags.push_str(&format!(" --membership {}", handles.membership_url));
    }
    if handles.reporting_url != "http://127.0.0.1:50052" {
        flags.push_str(&format!(" --reporting {}", handles.reporting_url));
    }
    flags
}

/// The text printed once both services are up.
pub fn banner(handles: &DevHandles, data_dir: &std::path::Path) -> String {
    let flags = endpoint_flags(handles);
    let membership_address = handles.membership_url.trim_start_matches("http://");
    let mut text = format!(
        "\npartyctl dev: hai dịch vụ đang chạy, dữ liệu trong {}\n  Dịch vụ đảng viên: {}\n  Dịch vụ báo cáo:   {}\n",
        data_dir.display(),
        handles.membership_url,
        handles.reporting_url
    );
    text.push_str(DEV_WARNING);
    text.push('\n');
    match &handles.seeded {
        Some(summary) => text.push_str(&format!(
            "\nĐã nạp dữ liệu mẫu: {} ({} chi bộ, {} đảng viên) và {} sáp nhập vào đó ngày 1/7/2025 ({} chi bộ, {} đảng viên; thêm {} chi bộ mới cho các thôn của xã này), tổng cộng {} chi bộ, {} đảng viên; người tổng hợp, không phải người thật.\n",
            dataset::COMMUNE_DISPLAY_NAME,
            summary.cells_created + summary.cells_present,
            summary.members_created + summary.members_present,
            dataset::TA_PHOI_DISPLAY_NAME,
            summary.ta_phoi_cells_created + summary.ta_phoi_cells_present,
            summary.ta_phoi_members_created + summary.ta_phoi_members_present,
            summary.merged_cells_created + summary.merged_cells_present,
            summary.cells_created
                + summary.cells_present
                + summary.ta_phoi_cells_created
                + summary.ta_phoi_cells_present
                + summary.merged_cells_created
                + summary.merged_cells_present,
            summary.members_created
                + summary.members_present
                + summary.ta_phoi_members_created
                + summary.ta_phoi_members_present,
        )),
        None => text.push_str(&format!("\nDữ liệu mẫu {} đã có sẵn.\n", dataset::COMMUNE_DISPLAY_NAME)),
    }
    text.push_str("\nThử các lệnh:\n");
    for command in [
        format!(
            "partyctl{flags} report commune --commune 02680 --as-of {}",
            dataset::REFERENCE_AS_OF
        ),
        format!("partyctl{flags} report admissions --commune 02680 --from 2021 --to 2022"),
        format!(
            "partyctl{flags} report progress --commune 02680 --year 2022 --as-of {}",
            dataset::REFERENCE_AS_OF
        ),
        format!("partyctl{flags} report briefing --commune 02680 --month 2022-07"),
        format!("partyctl{flags} report statistics --scope provinces/15 --as-of 2026-06-30"),
        format!(
            "partyctl{flags} report movements --scope communes/02680 --from 2025-01-01 --to 2025-12-31"
        ),
        format!("partyctl{flags} report badges --scope communes/02680 --year 2026"),
        // Into the temporary folder, not wherever the newcomer happens to stand.
        format!(
            "partyctl{flags} export statistics --scope provinces/15 --as-of 2026-06-30 --format xlsx --output {}",
            std::env::temp_dir().join("thong-ke.xlsx").display()
        ),
        format!("partyctl{flags} candidates list --commune 02680"),
        format!("partyctl{flags} cells list --commune 02680"),
        format!("partyctl{flags} members list --parent communes/02680 --name \"hoang\""),
        format!("partyctl{flags} members list --parent communes/02680 --cell tuong-1"),
        format!("partyctl{flags} health"),
        format!(
            "grpcurl -plaintext -d '{{\"name\": \"communes/02680\"}}' {membership_address} partyregistry.membership.v1.MembershipService/GetCommune"
        ),
    ] {
        text.push_str(&format!("  {command}\n"));
    }
    text.push_str("\nNhấn Ctrl-C để dừng.\n");
    text
}

/// Runs `partyctl dev` until Ctrl-C or SIGTERM.
pub async fn run(options: DevOptions) -> Result<(), CliError> {
    partyregistry_kit::telemetry::init_tracing(false, None);
    let handles = start(&options).await?;
    println!("{}", banner(&handles, &options.data_dir));
    partyregistry_kit::server::cancel_on_signal(handles.shutdown_token());
    handles.wait().await?;
    println!("Đã dừng.");
    Ok(())
}
