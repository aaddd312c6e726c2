//! The global flags of transport security and identity (`--ca`, `--cert`, `--key`, `--token`,
//! `--token-file`) and how they are read into the kit's [`ClientSecurity`]. Owns the checks a
//! person's files must pass before any call; does not own dialling (that is [`crate::client`]),
//! which only ever sees the [`ClientSecurity`] read here.

use std::path::{Path, PathBuf};

use clap::Args;
use partyregistry_kit::client::ClientSecurity;

use crate::error::CliError;

/// The global flags of transport security and identity. Files are read only by commands that
/// call a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct SecurityArgs {
    /// Tệp PEM chứng chỉ CA dùng để xác minh máy chủ (cần cho địa chỉ https://).
    #[arg(long, global = true, env = "PARTYCTL_CA", value_name = "PEM")]
    pub ca: Option<PathBuf>,
    /// Tệp PEM chứng chỉ máy khách (TLS hai chiều); đi kèm --key.
    #[arg(long, global = true, env = "PARTYCTL_CERT", value_name = "PEM")]
    pub cert: Option<PathBuf>,
    /// Tệp PEM khóa riêng của chứng chỉ máy khách.
    #[arg(long, global = true, env = "PARTYCTL_KEY", value_name = "PEM")]
    pub key: Option<PathBuf>,
    /// Mã truy cập (bearer token) gửi kèm mỗi lệnh gọi.
    #[arg(
        long,
        global = true,
        env = "PARTYCTL_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Tệp chứa mã truy cập (thay cho --token, để mã không hiện trong danh sách tiến trình).
    #[arg(long, global = true, env = "PARTYCTL_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// Reads the files the flags name into the kit's [`ClientSecurity`]. Every inconsistency is a
/// usage error before any call: a certificate without its key, two tokens, an empty token.
pub fn load_security(flags: &SecurityArgs) -> Result<ClientSecurity, CliError> {
    let ca_pem = flags
        .ca
        .as_deref()
        .map(|path| read_pem(path, "--ca"))
        .transpose()?;
    let identity = match (&flags.cert, &flags.key) {
        (Some(cert), Some(key)) => Some((read_pem(cert, "--cert")?, read_pem(key, "--key")?)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(CliError::usage(
                "--cert cần đi kèm --key (khóa riêng của chứng chỉ)",
            ));
        }
        (None, Some(_)) => {
            return Err(CliError::usage(
                "--key cần đi kèm --cert (chứng chỉ máy khách)",
            ));
        }
    };
    let token = match (&flags.token, &flags.token_file) {
        (Some(_), Some(_)) => {
            return Err(CliError::usage(
                "chỉ dùng một trong --token và --token-file (kể cả qua PARTYCTL_TOKEN, PARTYCTL_TOKEN_FILE)",
            ));
        }
        (Some(token), None) => Some(check_token(token, "--token")?),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!(
                    "không đọc được --token-file {}: {e}",
                    path.display()
                ))
            })?;
            Some(check_token(&text, "--token-file")?)
        }
        (None, None) => None,
    };
    Ok(ClientSecurity {
        ca_pem,
        identity,
        token,
    })
}

/// Reads a PEM file named by `flag`; a file without a PEM block is refused here, where the flag
/// can still be named, rather than deep inside the TLS handshake.
fn read_pem(path: &Path, flag: &str) -> Result<Vec<u8>, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::usage(format!("không đọc được {flag} {}: {e}", path.display())))?;
    if !bytes.windows(11).any(|window| window == b"-----BEGIN ") {
        return Err(CliError::usage(format!(
            "{flag} {} không phải tệp PEM",
            path.display()
        )));
    }
    Ok(bytes)
}

/// A token as sent in `authorization: Bearer …`: surrounding white space (the newline at the end
/// of a file) is dropped; anything else that cannot go into a header is refused.
fn check_token(token: &str, flag: &str) -> Result<String, CliError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(CliError::usage(format!("{flag}: mã truy cập rỗng")));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CliError::usage(format!(
            "{flag}: mã truy cập chỉ gồm ký tự ASCII, không có khoảng trắng"
        )));
    }
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("partyctl-client-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    }

    #[test]
    fn security_files_are_read_and_checked() {
        let dir = scratch("security");
        let pem = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        std::fs::write(dir.join("ca.pem"), pem).expect("written");
        std::fs::write(dir.join("token"), "eyJ.abc.def\n").expect("written");
        std::fs::write(dir.join("not-pem"), "hello").expect("written");
        let flags = SecurityArgs {
            ca: Some(dir.join("ca.pem")),
            cert: Some(dir.join("ca.pem")),
            key: Some(dir.join("ca.pem")),
            token: None,
            token_file: Some(dir.join("token")),
        };
        let security = load_security(&flags).expect("loads");
        assert_eq!(security.ca_pem.as_deref(), Some(&pem[..]));
        assert!(security.identity.is_some());
        assert_eq!(security.token.as_deref(), Some("eyJ.abc.def"));

        let usage = |flags: SecurityArgs| matches!(load_security(&flags), Err(CliError::Usage(_)));
        assert!(usage(SecurityArgs {
            key: None,
            ..flags.clone()
        }));
        assert!(usage(SecurityArgs {
            cert: None,
            ..flags.clone()
        }));
        assert!(usage(SecurityArgs {
            token: Some("x".into()),
            ..flags.clone()
        }));
        assert!(usage(SecurityArgs {
            ca: Some(dir.join("not-pem")),
            ..flags.clone()
        }));
        assert!(usage(SecurityArgs {
            ca: Some(dir.join("missing.pem")),
            ..flags.clone()
        }));
        assert!(usage(SecurityArgs {
            token: Some("has space".into()),
            token_file: None,
            ..flags.clone()
        }));
        assert!(usage(SecurityArgs {
            token: Some("  ".into()),
            token_file: None,
            ..flags.clone()
        }));
        assert!(load_security(&SecurityArgs::default()).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
