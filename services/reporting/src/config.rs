//! Configuration of the reporting service: flags with environment fallbacks.

use std::net::SocketAddr;

/// How to start the reporting service.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "reporting",
    about = "The reporting service: projection of the membership feed and reports"
)]
pub struct Config {
    /// Database URL of the projection: `sqlite://PATH` (created on first run) or
    /// `postgres://USER@HOST/DB`. Never membership's own database.
    #[arg(
        long,
        env = "REPORTING_DATABASE_URL",
        default_value = "sqlite://./data/reporting.db"
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(long, env = "REPORTING_LISTEN", default_value = "127.0.0.1:50052")]
    pub listen: SocketAddr,
    /// URL of the membership service whose change feed is followed.
    #[arg(long, env = "MEMBERSHIP_URL", default_value = "http://127.0.0.1:50051")]
    pub membership_url: String,
    /// Log JSON lines instead of human-readable text.
    #[arg(long, env = "REPORTING_JSON_LOGS")]
    pub json_logs: bool,
}

impl Config {
    /// A configuration for an embedded or test instance: the given projection database, following
    /// the membership service at `membership_url`, listening on an ephemeral local port.
    pub fn new(database_url: impl Into<String>, membership_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            membership_url: membership_url.into(),
            json_logs: false,
        }
    }
}
