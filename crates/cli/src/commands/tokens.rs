//! `partyctl tokens issue`: signs a JWT for a scope — EdDSA with the issuer's Ed25519 private key
//! (the services hold only its public key), or HS256 with a key shared with the services — for
//! administrators setting up a provincial system and for tests. A token can be bound to the
//! client certificate of the system it is for (`--bind-certificate`).
//!
//! Only the shapes of codes are checked here (2-digit provinces, 5-digit communes): whether a
//! commune belongs to the token's provinces depends on the registry's data, so the servers check
//! it when they first see the token, and refuse and audit a token whose scope is inconsistent.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use partyregistry_kit::auth::{Claims, Right, sign_jwt};
use partyregistry_kit::signing::{Confirmation, SigningKey};

use crate::error::CliError;
use crate::parse::{parse_commune_code, parse_province_code};

/// `partyctl tokens …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Ký một mã truy cập JWT (EdDSA hoặc HS256) cho một phạm vi và in ra; máy chủ kiểm tra xã có thuộc tỉnh đã nêu.
    Issue(TokenIssueArgs),
}

/// `partyctl tokens issue`.
#[derive(Debug, Clone, Args)]
#[command(group(
    clap::ArgGroup::new("scope")
        .required(true)
        .multiple(true)
        .args(["national", "provinces", "communes"])
))]
pub struct TokenIssueArgs {
    /// Tệp khóa ký: khóa riêng Ed25519 (PEM, jwt-signing-key.pem do `certs init` tạo; máy chủ chỉ giữ khóa công khai) hoặc khóa bí mật HS256 dùng chung (byte thô, ít nhất 32 byte, jwt.key).
    #[arg(long, value_name = "FILE")]
    pub key_file: PathBuf,
    /// Gắn mã với chứng chỉ máy khách (PEM) của hệ thống được cấp: máy chủ chỉ nhận mã qua kết nối TLS hai chiều dùng đúng chứng chỉ này.
    #[arg(long, value_name = "CERT_FILE")]
    pub bind_certificate: Option<PathBuf>,
    /// Bên phát hành; phải trùng --jwt-issuer của các dịch vụ.
    #[arg(long)]
    pub issuer: String,
    /// Chủ thể (hệ thống hoặc người dùng), ghi vào nhật ký truy cập.
    #[arg(long)]
    pub subject: String,
    /// Dịch vụ nhận mã: membership (dữ liệu đảng viên) hoặc reporting (báo cáo); cả hai thì cách nhau bằng dấu phẩy. Mã của dịch vụ này không mở được dịch vụ kia.
    #[arg(long = "audience", required = true, value_delimiter = ',', value_parser = parse_audience)]
    pub audiences: Vec<String>,
    /// Phạm vi toàn quốc.
    #[arg(long, conflicts_with_all = ["provinces", "communes"])]
    pub national: bool,
    /// Mã tỉnh 2 chữ số trong phạm vi (15 hoặc provinces/15); lặp lại hoặc cách nhau bằng dấu phẩy.
    #[arg(long = "province", value_delimiter = ',', value_parser = parse_province_code)]
    pub provinces: Vec<String>,
    /// Mã xã 5 chữ số trong phạm vi (02680 hoặc communes/02680); lặp lại hoặc cách nhau bằng dấu phẩy.
    #[arg(long = "commune", value_delimiter = ',', value_parser = parse_commune_code)]
    pub communes: Vec<String>,
    /// Quyền, cách nhau bằng dấu phẩy: aggregates (số liệu tổng hợp), records (hồ sơ), personal (trường cá nhân), write (ghi), admin (nhật ký truy cập).
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_right)]
    pub rights: Vec<Right>,
    /// Thời hạn: số kèm đơn vị s, m, h, d hoặc w, ví dụ 30m, 24h, 7d, 1h 30m.
    #[arg(long, default_value = "24h", value_parser = parse_ttl)]
    pub ttl: std::time::Duration,
}

/// A right of a token: `aggregates`, `records`, `personal`, `write`, `admin`.
pub fn parse_right(value: &str) -> Result<Right, String> {
    match value.trim().to_lowercase().as_str() {
        "aggregates" => Ok(Right::Aggregates),
        "records" => Ok(Right::Records),
        "personal" => Ok(Right::Personal),
        "write" => Ok(Right::Write),
        "admin" => Ok(Right::Admin),
        _ => Err(format!(
            "quyền không hợp lệ: {value} (chọn trong: aggregates, records, personal, write, admin)"
        )),
    }
}

/// A service a token is for: `membership` or `reporting`.
pub fn parse_audience(value: &str) -> Result<String, String> {
    use partyregistry_kit::auth::{MEMBERSHIP_AUDIENCE, REPORTING_AUDIENCE};
    match value.trim().to_lowercase().as_str() {
        MEMBERSHIP_AUDIENCE => Ok(MEMBERSHIP_AUDIENCE.to_owned()),
        REPORTING_AUDIENCE => Ok(REPORTING_AUDIENCE.to_owned()),
        _ => Err(format!(
            "dịch vụ không hợp lệ: {value} (chọn trong: {MEMBERSHIP_AUDIENCE}, {REPORTING_AUDIENCE})"
        )),
    }
}

/// The longest token lifetime `tokens issue` signs: ten years, far beyond any sensible token, but
/// a bound that keeps the expiry arithmetic away from overflow.
const MAX_TTL_SECONDS: u64 = 3650 * 86_400;

/// A lifetime in humantime's notation (`30s`, `30m`, `24h`, `7d`, `2w`, `1h 30m`), positive and
/// at most [`MAX_TTL_SECONDS`].
pub fn parse_ttl(value: &str) -> Result<std::time::Duration, String> {
    let value = value.trim();
    let ttl = humantime::parse_duration(value).map_err(|_| {
        format!(
            "thời hạn phải là số dương kèm đơn vị s, m, h, d hoặc w, ví dụ 24h (nhận được: {value})"
        )
    })?;
    if ttl.is_zero() {
        return Err(format!("thời hạn phải lớn hơn 0 (nhận được: {value})"));
    }
    if ttl.as_secs() > MAX_TTL_SECONDS {
        return Err(format!("thời hạn tối đa 3650d (nhận được: {value})"));
    }
    Ok(ttl)
}

/// Runs one `tokens` subcommand.
pub fn run(command: TokenCommand, json: bool) -> Result<(), CliError> {
    match command {
        TokenCommand::Issue(args) => {
            let key = read_key(&args.key_file)?;
            let mut claims = claims(&args, now_seconds());
            if let Some(path) = &args.bind_certificate {
                claims.cnf = Some(read_binding(path)?);
            }
            claims.jti = partyregistry_kit::auth::new_token_id()
                .map_err(|e| CliError::Other(format!("không tạo được mã định danh: {e}")))?;
            let token = sign(&claims, &key)?;
            // The id goes to standard error, so that `> token` still captures the token alone.
            eprintln!(
                "Mã định danh của mã truy cập (jti, để thu hồi qua --revoked-tokens-file): {}",
                claims.jti
            );
            if json {
                // The shape of one entry of a static token file, so the output can be pasted there.
                let entry = serde_json::json!({ "token": token, "claims": claims });
                let text = serde_json::to_string_pretty(&entry)
                    .map_err(|e| CliError::Other(format!("không ghi được JSON: {e}")))?;
                println!("{text}");
            } else {
                println!("{token}");
            }
            Ok(())
        }
    }
}

/// The claims of a token issued `now` (Unix seconds) for the command line's scope and rights.
/// Codes are kept in the order given, without repeats.
pub fn claims(args: &TokenIssueArgs, now: i64) -> Claims {
    let ttl = i64::try_from(args.ttl.as_secs()).unwrap_or(i64::MAX);
    let mut rights = args.rights.clone();
    rights.sort();
    rights.dedup();
    Claims {
        iss: args.issuer.trim().to_owned(),
        aud: unique(&args.audiences),
        sub: args.subject.trim().to_owned(),
        jti: String::new(),
        exp: now.saturating_add(ttl),
        iat: now,
        national: args.national,
        provinces: unique(&args.provinces),
        communes: unique(&args.communes),
        rights,
        cnf: None,
    }
}

/// Signs `claims` with `key`, refusing an empty issuer or subject: the servers would refuse the
/// token anyway, and an audit trail of empty subjects says nothing.
pub fn sign(claims: &Claims, key: &SigningKey) -> Result<String, CliError> {
    if claims.iss.is_empty() {
        return Err(CliError::usage("--issuer không được rỗng"));
    }
    if claims.sub.is_empty() {
        return Err(CliError::usage("--subject không được rỗng"));
    }
    sign_jwt(claims, key).map_err(|e| CliError::Other(format!("không ký được mã truy cập: {e}")))
}

/// Reads the signing key, as the services read theirs: a PEM Ed25519 private key, or the raw
/// bytes of an HS256 key.
pub fn read_key(path: &Path) -> Result<SigningKey, CliError> {
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::usage(format!("không đọc được --key-file {}: {e}", path.display()))
    })?;
    SigningKey::from_file_bytes(bytes).map_err(|e| {
        CliError::usage(format!(
            "--key-file {}: không phải khóa ký dùng được ({e})",
            path.display()
        ))
    })
}

/// The binding of a token to the client certificate in `path` (PEM).
pub fn read_binding(path: &Path) -> Result<Confirmation, CliError> {
    let pem = std::fs::read(path).map_err(|e| {
        CliError::usage(format!(
            "không đọc được --bind-certificate {}: {e}",
            path.display()
        ))
    })?;
    Confirmation::of_certificate_pem(&pem).map_err(|e| {
        CliError::usage(format!(
            "--bind-certificate {}: không phải chứng chỉ PEM ({e})",
            path.display()
        ))
    })
}

fn unique(codes: &[String]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    codes
        .iter()
        .filter(|code| seen.insert(code.as_str()))
        .cloned()
        .collect()
}

fn now_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;
    use partyregistry_kit::auth::{Right, Verifier};
    use partyregistry_kit::signing::VerificationKey;

    fn issue_args(line: &[&str]) -> TokenIssueArgs {
        let mut full = vec!["partyctl", "tokens", "issue"];
        full.extend_from_slice(line);
        match Cli::try_parse_from(full).expect("parses").command {
            Command::Tokens(TokenCommand::Issue(args)) => args,
            other => panic!("unexpected {other:?}"),
        }
    }

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn shared() -> SigningKey {
        SigningKey::Shared(KEY.to_vec())
    }

    #[test]
    fn issued_tokens_verify_with_the_same_key_and_issuer() {
        let args = issue_args(&[
            "--key-file",
            "jwt.key",
            "--issuer",
            "partyregistry",
            "--subject",
            "lai-chau",
            "--audience",
            "membership",
            "--province",
            "15",
            "--commune",
            "communes/02680",
            "--rights",
            "aggregates,records",
            "--rights",
            "personal",
            "--ttl",
            "1h",
        ]);
        let now = chrono::Utc::now().timestamp();
        let claims = claims(&args, now);
        assert_eq!(claims.exp - claims.iat, 3600);
        assert_eq!(claims.provinces, ["15"]);
        assert_eq!(claims.communes, ["02680"]);
        let token = sign(&claims, &shared()).expect("signs");

        let verifier = Verifier::Jwt {
            key: VerificationKey::Shared(KEY.to_vec()),
            issuer: "partyregistry".to_owned(),
            audience: "membership".to_owned(),
            max_lifetime: std::time::Duration::from_secs(86_400),
        };
        let caller = verifier.verify(Some(&token)).expect("verifies");
        assert_eq!(caller.subject, "lai-chau");
        assert!(!caller.national);
        assert_eq!(caller.provinces.into_iter().collect::<Vec<_>>(), ["15"]);
        assert_eq!(caller.communes.into_iter().collect::<Vec<_>>(), ["02680"]);
        assert_eq!(
            caller.rights.into_iter().collect::<Vec<_>>(),
            [Right::Aggregates, Right::Records, Right::Personal]
        );

        let other_issuer = Verifier::Jwt {
            key: VerificationKey::Shared(KEY.to_vec()),
            issuer: "someone-else".to_owned(),
            audience: "membership".to_owned(),
            max_lifetime: std::time::Duration::from_secs(86_400),
        };
        assert!(other_issuer.verify(Some(&token)).is_err());
        let other_key = Verifier::Jwt {
            key: VerificationKey::Shared(b"another key of thirty-two bytes!".to_vec()),
            issuer: "partyregistry".to_owned(),
            audience: "membership".to_owned(),
            max_lifetime: std::time::Duration::from_secs(86_400),
        };
        assert!(other_key.verify(Some(&token)).is_err());
    }

    #[test]
    fn national_tokens_verify_as_national() {
        let args = issue_args(&[
            "--key-file",
            "k",
            "--issuer",
            "partyregistry",
            "--subject",
            "trung-uong",
            "--audience",
            "membership",
            "--national",
            "--rights",
            "admin",
        ]);
        let token = sign(&claims(&args, chrono::Utc::now().timestamp()), &shared()).expect("signs");
        let verifier = Verifier::Jwt {
            key: VerificationKey::Shared(KEY.to_vec()),
            issuer: "partyregistry".to_owned(),
            audience: "membership".to_owned(),
            max_lifetime: std::time::Duration::from_secs(86_400),
        };
        let caller = verifier.verify(Some(&token)).expect("verifies");
        assert!(caller.national);
        assert!(caller.has(Right::Admin));
        assert!(!caller.has(Right::Records));
    }

    #[test]
    fn expired_tokens_do_not_verify() {
        let args = issue_args(&[
            "--key-file",
            "k",
            "--issuer",
            "i",
            "--subject",
            "s",
            "--audience",
            "membership",
            "--province",
            "15",
            "--rights",
            "aggregates",
            "--ttl",
            "1m",
        ]);
        let long_ago = chrono::Utc::now().timestamp() - 86_400;
        let token = sign(&claims(&args, long_ago), &shared()).expect("signs");
        let verifier = Verifier::Jwt {
            key: VerificationKey::Shared(KEY.to_vec()),
            issuer: "i".to_owned(),
            audience: "membership".to_owned(),
            max_lifetime: std::time::Duration::from_secs(86_400),
        };
        assert!(verifier.verify(Some(&token)).is_err());
    }

    #[test]
    fn short_keys_and_empty_subjects_are_refused() {
        let args = issue_args(&[
            "--key-file",
            "k",
            "--issuer",
            "i",
            "--subject",
            " ",
            "--audience",
            "membership",
            "--province",
            "15",
            "--rights",
            "aggregates",
        ]);
        let claims = claims(&args, 0);
        assert!(matches!(sign(&claims, &shared()), Err(CliError::Usage(_))));
        let good = Claims {
            sub: "s".to_owned(),
            ..claims
        };
        assert!(sign(&good, &SigningKey::Shared(b"short".to_vec())).is_err());
        assert!(sign(&good, &shared()).is_ok());
    }

    #[test]
    fn the_command_line_checks_scope_rights_and_lifetime() {
        let base = [
            "partyctl",
            "tokens",
            "issue",
            "--key-file",
            "k",
            "--issuer",
            "i",
            "--subject",
            "s",
            "--audience",
            "membership",
        ];
        let parses = |extra: &[&str]| {
            let mut line = base.to_vec();
            line.extend_from_slice(extra);
            Cli::try_parse_from(line).is_ok()
        };
        assert!(parses(&["--province", "15,12", "--rights", "aggregates"]));
        assert!(parses(&["--commune", "02680", "--rights", "write"]));
        // No scope at all, or national and provincial at once.
        assert!(!parses(&["--rights", "aggregates"]));
        assert!(!parses(&[
            "--national",
            "--province",
            "15",
            "--rights",
            "admin"
        ]));
        // Shapes of codes, rights and lifetimes.
        assert!(!parses(&["--province", "150", "--rights", "aggregates"]));
        assert!(!parses(&["--commune", "2680", "--rights", "aggregates"]));
        assert!(!parses(&["--province", "15", "--rights", "everything"]));
        assert!(!parses(&["--province", "15"]));
        assert!(!parses(&[
            "--province",
            "15",
            "--rights",
            "records",
            "--ttl",
            "0h"
        ]));
        assert!(!parses(&[
            "--province",
            "15",
            "--rights",
            "records",
            "--ttl",
            "24"
        ]));
        assert!(!parses(&[
            "--province",
            "15",
            "--rights",
            "records",
            "--ttl",
            "3651d"
        ]));
        assert!(parses(&[
            "--province",
            "15",
            "--rights",
            "records",
            "--ttl",
            "7d"
        ]));
    }

    #[test]
    fn key_files_shorter_than_the_hash_are_refused() {
        let dir = std::env::temp_dir().join(format!("partyctl-tokens-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let short = dir.join("short.key");
        std::fs::write(&short, b"secret").expect("written");
        assert!(matches!(read_key(&short), Err(CliError::Usage(_))));
        let good = dir.join("good.key");
        std::fs::write(&good, KEY).expect("written");
        assert_eq!(read_key(&good).expect("reads"), shared());
        assert!(read_key(&dir.join("missing.key")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ed25519_signed_and_bound_tokens_verify_with_the_public_key() {
        let generated = crate::certs::generate("15", &[], 1).expect("generates");
        let dir = std::env::temp_dir().join(format!("partyctl-eddsa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let private = dir.join("jwt-signing-key.pem");
        std::fs::write(&private, &generated.jwt_signing_key_pem).expect("written");
        let client = dir.join("client-15.pem");
        std::fs::write(&client, &generated.client_pem).expect("written");
        let key = read_key(&private).expect("an Ed25519 private key");
        let mut claims = claims(
            &issue_args(&[
                "--key-file",
                "jwt-signing-key.pem",
                "--issuer",
                "partyregistry",
                "--subject",
                "lai-chau",
                "--audience",
                "membership",
                "--province",
                "15",
                "--rights",
                "records",
            ]),
            chrono::Utc::now().timestamp(),
        );
        claims.cnf = Some(read_binding(&client).expect("a certificate"));
        let token = sign(&claims, &key).expect("signs");
        let verifier = Verifier::Jwt {
            key: VerificationKey::ed25519_public_pem(generated.jwt_public_key_pem.as_bytes())
                .expect("the public key"),
            issuer: "partyregistry".to_owned(),
            audience: "membership".to_owned(),
            max_lifetime: std::time::Duration::from_secs(86_400),
        };
        let verified = verifier.verify_claims(Some(&token)).expect("verifies");
        assert_eq!(verified.sub, "lai-chau");
        assert_eq!(verified.cnf, claims.cnf);
        // The private key is no certificate, and the public key signs nothing.
        assert!(matches!(read_binding(&private), Err(CliError::Usage(_))));
        let public = dir.join("jwt-public-key.pem");
        std::fs::write(&public, &generated.jwt_public_key_pem).expect("written");
        assert!(matches!(read_key(&public), Err(CliError::Usage(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
