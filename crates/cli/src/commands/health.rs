//! `partyctl health`: the standard `grpc.health.v1` check of one or both services, usable as a
//! container health check (exit code 0 only when every checked service is SERVING).

use std::time::Duration;

use clap::Args;
use partyregistry_kit::client::ClientSecurity;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use super::Context;
use crate::client;
use crate::error::CliError;

/// Which services `partyctl health` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HealthTarget {
    /// Dịch vụ đảng viên.
    Membership,
    /// Dịch vụ báo cáo.
    Reporting,
    /// Cả hai.
    Both,
}

/// `partyctl health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Dịch vụ cần kiểm tra.
    #[arg(long, value_enum, default_value_t = HealthTarget::Both)]
    pub service: HealthTarget,
    /// Thời gian chờ tối đa cho mỗi dịch vụ, tính bằng giây.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

/// The gRPC service name the membership service reports health for.
pub use partyregistry_membership::SERVICE_NAME as MEMBERSHIP_SERVICE;
/// The gRPC service name the reporting service reports health for.
pub use partyregistry_reporting::SERVICE_NAME as REPORTING_SERVICE;

/// Asks `url` for the health of `service`, within `timeout`, over the same TLS as every other
/// call (health itself needs no token; one that is given is sent and ignored). Any failure
/// (unreachable, handshake refused, unknown service, timeout) is reported as the text to print,
/// so that one call never hides another.
pub async fn check(
    url: &str,
    service: &str,
    timeout: Duration,
    security: &ClientSecurity,
) -> Result<ServingStatus, String> {
    let call = async {
        let transport = client::transport(url, security)
            .await
            .map_err(|e| e.to_string())?;
        let response = HealthClient::new(transport)
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .map_err(|status| partyregistry_kit::error::describe_status(&status))?;
        Ok(ServingStatus::try_from(response.into_inner().status).unwrap_or(ServingStatus::Unknown))
    };
    match tokio::time::timeout(timeout, call).await {
        Ok(result) => result,
        Err(_) => Err(format!("quá {} giây không trả lời", timeout.as_secs())),
    }
}

/// Runs `health`.
pub async fn run(context: &Context, args: HealthArgs) -> Result<(), CliError> {
    let timeout = Duration::from_secs(args.timeout.max(1));
    let mut targets = Vec::new();
    if matches!(args.service, HealthTarget::Membership | HealthTarget::Both) {
        targets.push((
            "membership",
            context.membership.as_str(),
            MEMBERSHIP_SERVICE,
        ));
    }
    if matches!(args.service, HealthTarget::Reporting | HealthTarget::Both) {
        targets.push(("reporting", context.reporting.as_str(), REPORTING_SERVICE));
    }
    let mut failures = Vec::new();
    let mut report = serde_json::Map::new();
    for (short, url, service) in targets {
        let (text, serving) = match check(url, service, timeout, &context.security).await {
            Ok(status) => (
                status.as_str_name().to_owned(),
                status == ServingStatus::Serving,
            ),
            Err(error) => (error, false),
        };
        if !serving {
            failures.push(format!("{short} ({url}): {text}"));
        }
        if context.json {
            report.insert(short.to_owned(), serde_json::Value::String(text));
        } else {
            println!("{short:<10} {url:<28} {text}");
        }
    }
    if context.json {
        println!("{}", serde_json::Value::Object(report));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::NotServing(failures.join("; ")))
    }
}
