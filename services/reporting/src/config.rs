//! Configuration of the reporting service: flags with environment fallbacks, and the checks that
//! refuse to start an insecure service by accident.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_kit::server::SecurityFlags;

use crate::grpc::access::Period;

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
    /// URL of the membership service whose change feed is followed (`https://…` with
    /// `--membership-ca`).
    #[arg(long, env = "MEMBERSHIP_URL", default_value = "http://127.0.0.1:50051")]
    pub membership_url: String,
    /// Log JSON lines instead of human-readable text.
    #[arg(long, env = "REPORTING_JSON_LOGS")]
    pub json_logs: bool,
    /// An OpenTelemetry collector (OTLP over gRPC, e.g. `http://localhost:4317`) to export a span
    /// per call to, with the trace context of callers continued and passed on.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// Where to serve Prometheus metrics (`GET /metrics`); off when not given.
    #[arg(long, env = "REPORTING_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// The server's certificate chain (PEM). With `--tls-key`, the service speaks TLS only.
    #[arg(long, env = "REPORTING_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The server's private key (PEM).
    #[arg(long, env = "REPORTING_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Mutual TLS: clients must present a certificate signed by this CA (PEM).
    #[arg(long, env = "REPORTING_CLIENT_CA")]
    pub client_ca: Option<PathBuf>,
    /// Serve without TLS, and follow membership without TLS. For local development only; the
    /// service warns at start-up.
    #[arg(long, env = "REPORTING_PLAINTEXT")]
    pub plaintext: bool,

    /// HS256 shared secret (the file's raw bytes) verifying bearer JWTs.
    #[arg(long, env = "REPORTING_JWT_KEY_FILE")]
    pub jwt_key_file: Option<PathBuf>,
    /// The token issuer's Ed25519 public key (PEM, "PUBLIC KEY"), verifying EdDSA-signed tokens:
    /// the service can check tokens but never sign one. Instead of `--jwt-key-file`.
    #[arg(long, env = "REPORTING_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// The issuer the JWTs must name.
    #[arg(long, env = "REPORTING_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Static tokens (JSON `{"tokens":[{"token":"…","claims":{…}}]}`) for small installations.
    #[arg(long, env = "REPORTING_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Ids (`jti`) of revoked tokens, one a line (`#` comments): such tokens are refused. The file
    /// is read again within a second of a change.
    #[arg(long, env = "REPORTING_REVOKED_TOKENS_FILE")]
    pub revoked_tokens_file: Option<PathBuf>,
    /// Accept calls without a token, each unrestricted (subject `anonymous`). For local
    /// development only; the service warns at start-up.
    #[arg(long, env = "REPORTING_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,
    /// Calls served at once; a call beyond them is refused at once with UNAVAILABLE.
    #[arg(long, env = "REPORTING_MAX_CONCURRENT_CALLS", default_value_t = partyregistry_kit::server::DEFAULT_MAX_CONCURRENT_CALLS)]
    pub max_concurrent_calls: usize,
    /// The longest a call may run, in seconds, before it ends with DEADLINE_EXCEEDED.
    #[arg(long, env = "REPORTING_CALL_TIMEOUT_SECONDS", default_value_t = partyregistry_kit::server::DEFAULT_CALL_TIMEOUT_SECONDS)]
    pub call_timeout_seconds: u64,
    /// The longest validity a signed token may have left, in days: a token whose expiry lies
    /// further ahead is refused.
    #[arg(long, env = "REPORTING_MAX_TOKEN_LIFETIME_DAYS", default_value_t = partyregistry_kit::auth::DEFAULT_MAX_TOKEN_LIFETIME_DAYS)]
    pub max_token_lifetime_days: u64,
    /// Server streams (`WatchChanges`, exports) open at once, counted apart from calls; one
    /// beyond them is refused at once with RESOURCE_EXHAUSTED.
    #[arg(long, env = "REPORTING_MAX_CONCURRENT_STREAMS", default_value_t = partyregistry_kit::server::DEFAULT_MAX_CONCURRENT_STREAMS)]
    pub max_concurrent_streams: usize,
    /// How long a call waits for a database connection, in seconds, before it is answered
    /// UNAVAILABLE (the database is down or every connection is busy).
    #[arg(long, env = "REPORTING_DB_ACQUIRE_TIMEOUT_SECONDS", default_value_t = partyregistry_kit::db::DEFAULT_ACQUIRE_TIMEOUT_SECONDS)]
    pub db_acquire_timeout_seconds: u64,

    /// A breakdown count of people below this is shown as 0 (marked suppressed) to callers who
    /// may read aggregates only.
    #[arg(long, env = "REPORTING_MIN_CELL_SIZE", default_value_t = 5)]
    pub min_cell_size: i64,
    /// Callers who may read aggregates only get reports as of the last day of a whole period of
    /// this length that has passed (`month`, `quarter` or `year`), and movements over whole
    /// such periods, so that reports a day apart cannot be subtracted.
    #[arg(
        long,
        env = "REPORTING_DISCLOSURE_PERIOD",
        value_enum,
        default_value_t = Period::Month
    )]
    pub disclosure_period: Period,

    /// The CA (PEM) that signed membership's certificate; the feed is followed over TLS.
    #[arg(long, env = "REPORTING_MEMBERSHIP_CA")]
    pub membership_ca: Option<PathBuf>,
    /// The client certificate (PEM) presented to membership (mutual TLS).
    #[arg(long, env = "REPORTING_MEMBERSHIP_CERT")]
    pub membership_cert: Option<PathBuf>,
    /// The key (PEM) of `--membership-cert`.
    #[arg(long, env = "REPORTING_MEMBERSHIP_KEY")]
    pub membership_key: Option<PathBuf>,
    /// A file holding the bearer token sent to membership (national scope, records and personal
    /// rights).
    #[arg(long, env = "REPORTING_MEMBERSHIP_TOKEN_FILE")]
    pub membership_token_file: Option<PathBuf>,
}

impl Config {
    /// A configuration for an embedded or test instance: the given projection database, following
    /// the membership service at `membership_url`, listening on an ephemeral local port, in plain
    /// text and without authentication (both asked for explicitly here, as the flags would).
    pub fn new(database_url: impl Into<String>, membership_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            membership_url: membership_url.into(),
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
            min_cell_size: DEFAULT_MIN_CELL_SIZE,
            disclosure_period: Period::Month,
            membership_ca: None,
            membership_cert: None,
            membership_key: None,
            membership_token_file: None,
        }
    }

    /// The security flags as the kit reads them.
    pub fn security_flags(&self) -> SecurityFlags<'_> {
        partyregistry_kit::security_flags_of!(self, partyregistry_kit::auth::REPORTING_AUDIENCE)
    }

    /// Refuses a configuration that asks for neither TLS nor plain text, for both, or for half
    /// of a pair, before anything is opened. (The files themselves are read and checked by
    /// [`Config::membership_security`] and the kit's `ServerSecurity::from_flags`.)
    pub fn check(&self) -> Result<(), BoxError> {
        self.security_flags().check()?;
        if self.membership_ca.is_none() && !self.plaintext {
            return Err(
                "no TLS configured for membership: give --membership-ca, or \
                 --plaintext for local development"
                    .into(),
            );
        }
        if self.min_cell_size < 1 {
            return Err("--min-cell-size must be at least 1".into());
        }
        Ok(())
    }

    /// How the consumer connects to membership: TLS with `--membership-ca` (and a client
    /// certificate with `--membership-cert/--membership-key`), plain text only with `--plaintext`,
    /// with the token of `--membership-token-file`.
    pub fn membership_security(&self) -> Result<ClientSecurity, BoxError> {
        let ca_pem = self
            .membership_ca
            .as_deref()
            .map(|ca| read(ca, "--membership-ca"))
            .transpose()?;
        if ca_pem.is_none() && !self.plaintext {
            return Err(
                "no TLS configured for membership: give --membership-ca, or \
                 --plaintext for local development"
                    .into(),
            );
        }
        let identity = match (&self.membership_cert, &self.membership_key) {
            (Some(cert), Some(key)) => Some((
                read(cert, "--membership-cert")?,
                read(key, "--membership-key")?,
            )),
            (None, None) => None,
            _ => return Err("--membership-cert and --membership-key go together".into()),
        };
        if identity.is_some() && ca_pem.is_none() {
            return Err("--membership-cert needs --membership-ca".into());
        }
        let token = self
            .membership_token_file
            .as_deref()
            .map(|file| {
                let bytes = read(file, "--membership-token-file")?;
                let token = String::from_utf8(bytes)
                    .map_err(|_| "--membership-token-file is not UTF-8 text")?
                    .trim()
                    .to_owned();
                if token.is_empty() {
                    return Err::<_, BoxError>("--membership-token-file is empty".into());
                }
                Ok(token)
            })
            .transpose()?;
        Ok(ClientSecurity {
            ca_pem,
            identity,
            token,
        })
    }
}

/// The default of `--min-cell-size`.
pub const DEFAULT_MIN_CELL_SIZE: i64 = 5;

/// Reads a configured file, naming the flag on failure.
fn read(path: &Path, flag: &str) -> Result<Vec<u8>, BoxError> {
    std::fs::read(path).map_err(|error| format!("{flag} {}: {error}", path.display()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, contents: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("reporting-config-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("temporary file is written");
        path
    }

    #[test]
    fn flags_parse_with_their_defaults() {
        use clap::{CommandFactory, Parser};
        Config::command().debug_assert();
        let config = Config::try_parse_from([
            "reporting",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
            "--client-ca",
            "clients.pem",
            "--token-file",
            "tokens.json",
            "--membership-ca",
            "ca.pem",
            "--membership-token-file",
            "membership-token",
        ])
        .expect("flags parse");
        assert_eq!(config.min_cell_size, 5);
        assert_eq!(config.disclosure_period, Period::Month);
        assert!(!config.plaintext && !config.allow_unauthenticated);
        assert_eq!(config.client_ca.as_deref(), Some(Path::new("clients.pem")));
        config.check().expect("a complete secure configuration");
        let config = Config::try_parse_from(["reporting", "--min-cell-size", "10", "--plaintext"])
            .expect("flags parse");
        assert_eq!((config.min_cell_size, config.plaintext), (10, true));
        let config = Config::try_parse_from(["reporting", "--disclosure-period", "quarter"])
            .expect("flags parse");
        assert_eq!(config.disclosure_period, Period::Quarter);
        assert!(Config::try_parse_from(["reporting", "--disclosure-period", "week"]).is_err());
    }

    #[test]
    fn new_config_is_plaintext_and_unauthenticated_explicitly() {
        let config = Config::new("sqlite::memory:", "http://127.0.0.1:1");
        assert!(config.plaintext && config.allow_unauthenticated);
        assert_eq!(config.min_cell_size, 5);
        assert!(config.membership_token_file.is_none());
        config.check().expect("plain text allowed");
        let security = config
            .membership_security()
            .expect("plain text hop allowed");
        assert!(security.ca_pem.is_none() && security.identity.is_none());
        assert!(security.token.is_none());
    }

    #[test]
    fn config_without_tls_or_plaintext_is_refused() {
        let mut config = Config::new("sqlite::memory:", "http://127.0.0.1:1");
        config.plaintext = false;
        let error = config.check().expect_err("refused").to_string();
        assert!(
            error.contains("--tls-cert") && error.contains("--plaintext"),
            "{error}"
        );
        let error = config
            .membership_security()
            .expect_err("refused")
            .to_string();
        assert!(error.contains("--membership-ca"), "{error}");
        config.tls_cert = Some("cert.pem".into());
        let error = config.check().expect_err("half a pair").to_string();
        assert!(error.contains("--tls-key"), "{error}");
        config.tls_key = Some("key.pem".into());
        let error = config
            .check()
            .expect_err("no TLS to membership")
            .to_string();
        assert!(error.contains("--membership-ca"), "{error}");
        config.membership_ca = Some("ca.pem".into());
        config.check().expect("complete");
        config.plaintext = true;
        assert!(config.check().is_err(), "TLS and plain text together");
    }

    #[test]
    fn membership_security_reads_ca_identity_and_token() {
        let mut config = Config::new("sqlite::memory:", "https://membership:50051");
        config.plaintext = false;
        config.membership_ca = Some(temp_file("ca.pem", "CA"));
        config.membership_cert = Some(temp_file("cert.pem", "CERT"));
        config.membership_key = Some(temp_file("key.pem", "KEY"));
        config.membership_token_file = Some(temp_file("token", "secret-token\n"));
        let security = config.membership_security().expect("complete");
        assert_eq!(security.ca_pem.as_deref(), Some(&b"CA"[..]));
        assert_eq!(security.identity, Some((b"CERT".to_vec(), b"KEY".to_vec())));
        assert_eq!(security.token.as_deref(), Some("secret-token"));

        config.membership_key = None;
        assert!(config.membership_security().is_err());
    }
}
