//! Configuration of the membership service: flags with environment fallbacks.

use std::net::SocketAddr;

/// How to start the membership service.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "membership",
    about = "The membership service: system of record and change feed"
)]
pub struct Config {
    /// Database URL: `sqlite://PATH` (created on first run) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "MEMBERSHIP_DATABASE_URL",
        default_value = "sqlite://./data/membership.db"
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(long, env = "MEMBERSHIP_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Log JSON lines instead of human-readable text.
    #[arg(long, env = "MEMBERSHIP_JSON_LOGS")]
    pub json_logs: bool,
}

impl Config {
    /// A configuration for an embedded or test instance on the given database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            json_logs: false,
        }
    }
}
