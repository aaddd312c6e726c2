//! Configuration of the membership service: flags with environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;

use partyregistry_kit::BoxError;
use partyregistry_kit::server::SecurityFlags;

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
    /// An OpenTelemetry collector (OTLP over gRPC, e.g. `http://localhost:4317`) to export a span
    /// per call to, with the trace context of callers continued and passed on.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// Where to serve Prometheus metrics (`GET /metrics`); off when not given.
    #[arg(long, env = "MEMBERSHIP_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// The server's certificate chain (PEM). With `--tls-key`, the service speaks TLS.
    #[arg(long, env = "MEMBERSHIP_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The server's private key (PEM).
    #[arg(long, env = "MEMBERSHIP_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// CA certificate(s) (PEM) of client certificates: when set, every client must present a
    /// certificate signed by it (mutual TLS).
    #[arg(long, env = "MEMBERSHIP_CLIENT_CA")]
    pub client_ca: Option<PathBuf>,
    /// Serve without TLS (local development only; logged as a warning).
    #[arg(long, env = "MEMBERSHIP_PLAINTEXT")]
    pub plaintext: bool,
    /// The HS256 shared secret (raw bytes) that signs bearer tokens.
    #[arg(long, env = "MEMBERSHIP_JWT_KEY_FILE")]
    pub jwt_key_file: Option<PathBuf>,
    /// The token issuer's Ed25519 public key (PEM, "PUBLIC KEY"), verifying EdDSA-signed tokens:
    /// the service can check tokens but never sign one. Instead of `--jwt-key-file`.
    #[arg(long, env = "MEMBERSHIP_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// The issuer (`iss`) bearer tokens must carry.
    #[arg(long, env = "MEMBERSHIP_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Static tokens (JSON: `{"tokens":[{"token":"…","claims":{…}}]}`) for small installations.
    #[arg(long, env = "MEMBERSHIP_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Ids (`jti`) of revoked tokens, one a line (`#` comments): such tokens are refused. The file
    /// is read again within a second of a change.
    #[arg(long, env = "MEMBERSHIP_REVOKED_TOKENS_FILE")]
    pub revoked_tokens_file: Option<PathBuf>,
    /// Accept calls without a token, each as an unrestricted `anonymous` caller (local
    /// development only; logged as a warning).
    #[arg(long, env = "MEMBERSHIP_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,
    /// Calls served at once; a call beyond them is refused at once with UNAVAILABLE.
    #[arg(long, env = "MEMBERSHIP_MAX_CONCURRENT_CALLS", default_value_t = partyregistry_kit::server::DEFAULT_MAX_CONCURRENT_CALLS)]
    pub max_concurrent_calls: usize,
    /// The longest a call may run, in seconds, before it ends with DEADLINE_EXCEEDED.
    #[arg(long, env = "MEMBERSHIP_CALL_TIMEOUT_SECONDS", default_value_t = partyregistry_kit::server::DEFAULT_CALL_TIMEOUT_SECONDS)]
    pub call_timeout_seconds: u64,
    /// The longest validity a signed token may have left, in days: a token whose expiry lies
    /// further ahead is refused.
    #[arg(long, env = "MEMBERSHIP_MAX_TOKEN_LIFETIME_DAYS", default_value_t = partyregistry_kit::auth::DEFAULT_MAX_TOKEN_LIFETIME_DAYS)]
    pub max_token_lifetime_days: u64,
    /// Server streams (`WatchChanges`, exports) open at once, counted apart from calls; one
    /// beyond them is refused at once with RESOURCE_EXHAUSTED.
    #[arg(long, env = "MEMBERSHIP_MAX_CONCURRENT_STREAMS", default_value_t = partyregistry_kit::server::DEFAULT_MAX_CONCURRENT_STREAMS)]
    pub max_concurrent_streams: usize,
    /// How long a call waits for a database connection, in seconds, before it is answered
    /// UNAVAILABLE (the database is down or every connection is busy).
    #[arg(long, env = "MEMBERSHIP_DB_ACQUIRE_TIMEOUT_SECONDS", default_value_t = partyregistry_kit::db::DEFAULT_ACQUIRE_TIMEOUT_SECONDS)]
    pub db_acquire_timeout_seconds: u64,
    /// How long a request id is remembered, in hours: a retry within it gets the first answer;
    /// afterwards the record is purged (hourly) and the id names a new request.
    #[arg(long, env = "MEMBERSHIP_REQUEST_RETENTION_HOURS", default_value_t = DEFAULT_REQUEST_RETENTION_HOURS)]
    pub request_retention_hours: u64,
    /// The list a bare ethnicity code (digits with `ethnicity_code_system` empty) is read in:
    /// `121-TCTK` (QĐ 121-TCTK/PPCĐ, 1979), for an installation whose clients all send that
    /// list's codes. Unset, such a code is refused: other lists number the groups differently
    /// (domain.md §3), so a code must name its list or come as the group's name.
    #[arg(long, env = "MEMBERSHIP_ETHNICITY_CODE_SYSTEM")]
    pub ethnicity_code_system: Option<String>,
}

/// Default of `--request-retention-hours`: a week, far longer than any client retries.
pub const DEFAULT_REQUEST_RETENTION_HOURS: u64 = 7 * 24;

impl Config {
    /// A configuration for an embedded or test instance on the given database: plain text and
    /// no authentication, both set explicitly, and bare ethnicity codes read in the 1979 list
    /// (the reference data and test fixtures use its codes).
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            json_logs: false,
            otlp_endpoint: None,
            metrics_listen: None,
            tls_cert: None,
            tls_key: None,
            client_ca: None,
            plaintext: true,
            jwt_key_file: None,
            jwt_public_key_file: None,
            jwt_issuer: None,
            token_file: None,
            revoked_tokens_file: None,
            allow_unauthenticated: true,
            max_concurrent_calls: partyregistry_kit::server::DEFAULT_MAX_CONCURRENT_CALLS,
            call_timeout_seconds: partyregistry_kit::server::DEFAULT_CALL_TIMEOUT_SECONDS,
            max_token_lifetime_days: partyregistry_kit::auth::DEFAULT_MAX_TOKEN_LIFETIME_DAYS,
            max_concurrent_streams: partyregistry_kit::server::DEFAULT_MAX_CONCURRENT_STREAMS,
            db_acquire_timeout_seconds: partyregistry_kit::db::DEFAULT_ACQUIRE_TIMEOUT_SECONDS,
            request_retention_hours: DEFAULT_REQUEST_RETENTION_HOURS,
            ethnicity_code_system: Some(
                partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned(),
            ),
        }
    }

    /// How bare ethnicity codes are read: `--ethnicity-code-system`, which must name the 1979
    /// list if given.
    pub fn bare_ethnicity_codes(&self) -> Result<crate::convert::BareEthnicityCodes, BoxError> {
        match self.ethnicity_code_system.as_deref() {
            None => Ok(crate::convert::BareEthnicityCodes::Refused),
            Some(text) => partyregistry_vocab::reference::ethnicity_code_system(text)
                .map(|_| crate::convert::BareEthnicityCodes::In1979List)
                .ok_or_else(|| {
                    format!(
                        "--ethnicity-code-system {text:?}: only {} ({}) is known",
                        partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID,
                        partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM
                    )
                    .into()
                }),
        }
    }

    /// The security flags as the kit reads them.
    pub fn security_flags(&self) -> SecurityFlags<'_> {
        partyregistry_kit::security_flags_of!(self, partyregistry_kit::auth::MEMBERSHIP_AUDIENCE)
    }

    /// Refuses a configuration that would serve without TLS or without authentication unless
    /// each was explicitly asked for.
    pub fn check(&self) -> Result<(), BoxError> {
        if self.request_retention_hours == 0 {
            return Err("--request-retention-hours must be at least 1".into());
        }
        self.bare_ethnicity_codes()?;
        self.security_flags().check()
    }
}
