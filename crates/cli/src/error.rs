//! The one error type of the CLI and how it is shown: to a person, the service's Vietnamese message
//! (`google.rpc.LocalizedMessage`) with the fields named by this program's own flags, then the
//! technical details; to a program (`--json`), one JSON object; and to both, an exit code per
//! class of failure ([`CliError::exit_code`]).

use partyregistry_kit::BoxError;
use partyregistry_kit::error::describe_status;
use tonic_types::StatusExt;

/// Every way a command can fail. `main` prints it and exits with [`CliError::exit_code`].
#[derive(Debug)]
pub enum CliError {
    /// A service answered with an error status; its details name the reason and the fields.
    Status(tonic::Status),
    /// A service could not be reached at `url`.
    Connect {
        /// The endpoint that was dialled.
        url: String,
        /// Why the connection failed.
        cause: String,
    },
    /// The command line is inconsistent in a way clap cannot see (for example a cell id without
    /// its commune).
    Usage(String),
    /// A health check found a service that is not serving; the text says which.
    NotServing(String),
    /// An audit trail's hash chain is broken; the text names the first bad entry.
    Tampered(String),
    /// Anything else: output encoding, start-up of the embedded services.
    Other(String),
}

/// The exit codes, one per class of failure; README's CLI section lists them.
pub mod exit {
    /// Anything else (an internal error, output that could not be written).
    pub const OTHER: u8 = 1;
    /// The command line is wrong (clap's own code for its errors too).
    pub const USAGE: u8 = 2;
    /// The service refused a value (INVALID_ARGUMENT).
    pub const INVALID: u8 = 3;
    /// What was named does not exist (NOT_FOUND).
    pub const NOT_FOUND: u8 = 4;
    /// It exists already, or changed meanwhile (ALREADY_EXISTS, ABORTED).
    pub const CONFLICT: u8 = 5;
    /// The rules forbid it in the present state (FAILED_PRECONDITION, OUT_OF_RANGE).
    pub const RULE: u8 = 6;
    /// Not authenticated or not permitted (UNAUTHENTICATED, PERMISSION_DENIED), or TLS refused.
    pub const ACCESS: u8 = 7;
    /// A service is unreachable, busy or not serving (UNAVAILABLE, RESOURCE_EXHAUSTED, a failed
    /// connection, a health check).
    pub const UNAVAILABLE: u8 = 8;
    /// The call ran out of time (DEADLINE_EXCEEDED).
    pub const TIMEOUT: u8 = 9;
    /// An audit trail failed its check: an entry was edited, deleted or moved.
    pub const TAMPERED: u8 = 10;
}

/// The flag of this program that sets a request field, where its name differs from the field's.
const FLAGS: &[(&str, &str)] = &[
    ("first_year", "--from"),
    ("last_year", "--to"),
    ("from_date", "--from"),
    ("to_date", "--to"),
    ("as_of_date", "--as-of"),
    ("age_band_upper_bounds", "--age-bands"),
    ("party_age_band_upper_bounds", "--party-age-bands"),
    ("breakdowns", "--breakdown"),
    ("ethnicity_code", "--ethnicity"),
    ("request_id", "--request-id"),
];

/// The flag that sets `field` (`member.birth_date` → `--birth-date`).
pub fn flag_of(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let bare = last.split('[').next().unwrap_or(last);
    FLAGS.iter().find(|(name, _)| *name == bare).map_or_else(
        || format!("--{}", bare.replace('_', "-")),
        |(_, flag)| (*flag).to_owned(),
    )
}

impl CliError {
    /// A usage error with a Vietnamese explanation.
    pub fn usage(text: impl Into<String>) -> Self {
        Self::Usage(text.into())
    }

    /// The exit code of this failure's class (see [`exit`]).
    pub fn exit_code(&self) -> u8 {
        use tonic::Code;
        match self {
            Self::Status(status)
                if status.get_error_details().localized_message().is_none()
                    && transport_cause(&status_chain(status)).is_some() =>
            {
                exit::ACCESS
            }
            Self::Status(status) => match status.code() {
                Code::InvalidArgument => exit::INVALID,
                Code::NotFound => exit::NOT_FOUND,
                Code::AlreadyExists | Code::Aborted => exit::CONFLICT,
                Code::FailedPrecondition | Code::OutOfRange => exit::RULE,
                Code::Unauthenticated | Code::PermissionDenied => exit::ACCESS,
                Code::Unavailable | Code::ResourceExhausted | Code::Cancelled => exit::UNAVAILABLE,
                Code::DeadlineExceeded => exit::TIMEOUT,
                _ => exit::OTHER,
            },
            Self::Connect { cause, .. } if transport_cause(cause).is_some() => exit::ACCESS,
            Self::Connect { .. } | Self::NotServing(_) => exit::UNAVAILABLE,
            Self::Usage(_) => exit::USAGE,
            Self::Tampered(_) => exit::TAMPERED,
            Self::Other(_) => exit::OTHER,
        }
    }

    /// The failure as one JSON object, for `--json`: the class, the Vietnamese message, and for a
    /// service's answer its code, reason, English message and the fields with their flags.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::json!({
            "error": {
                "exit_code": self.exit_code(),
                "message": self.to_string(),
            }
        });
        if let Self::Status(status) = self {
            let details = status.get_error_details();
            value["error"]["code"] = format!("{:?}", status.code()).into();
            value["error"]["developer_message"] = status.message().into();
            if let Some(info) = details.error_info() {
                value["error"]["reason"] = info.reason.clone().into();
            }
            if let Some(localized) = details.localized_message() {
                value["error"]["message"] = localized.message.clone().into();
            }
            let fields: Vec<serde_json::Value> = details
                .bad_request()
                .map(|bad| {
                    bad.field_violations
                        .iter()
                        .map(|v| {
                            serde_json::json!({
                                "field": v.field,
                                "flag": flag_of(&v.field),
                                "description": v.description,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            value["error"]["fields"] = fields.into();
        }
        value
    }
}

/// Why a connection failed, in words, for the causes a person can mend from the command line:
/// what the transport's error chain says (rustls' alerts and verification errors, h2 when one side
/// speaks TLS and the other not) and the flag to look at. Matched on the chain's text, since the
/// causes arrive boxed through hyper and tonic.
const TRANSPORT_CAUSES: &[(&str, &str)] = &[
    (
        "CertificateRequired",
        "máy chủ đòi chứng chỉ máy khách (TLS hai chiều): thêm --cert và --key, chứng chỉ do CA của tỉnh cấp",
    ),
    (
        "UnknownCA",
        "máy chủ không nhận chứng chỉ máy khách: --cert không do CA mà máy chủ tin cấp",
    ),
    (
        "DecryptError",
        "máy chủ không nhận chứng chỉ máy khách: --cert không do CA mà máy chủ tin cấp",
    ),
    (
        "BadCertificate",
        "máy chủ không nhận chứng chỉ máy khách (--cert, --key): chứng chỉ hỏng, hết hạn hoặc không dùng cho máy khách",
    ),
    (
        "UnknownIssuer",
        "không xác minh được chứng chỉ máy chủ bằng --ca: máy chủ dùng chứng chỉ do CA khác cấp",
    ),
    (
        "BadSignature",
        "không xác minh được chứng chỉ máy chủ bằng --ca: máy chủ dùng chứng chỉ do CA khác cấp",
    ),
    (
        "NotValidForName",
        "chứng chỉ máy chủ không mang tên máy trong địa chỉ: kiểm tra tên máy trong --membership / --reporting",
    ),
    (
        "certificate expired",
        "chứng chỉ máy chủ đã hết hạn (hoặc đồng hồ máy này sai)",
    ),
    (
        "InvalidContentType",
        "máy chủ không dùng TLS: dùng địa chỉ http:// thay cho https://",
    ),
    (
        "frame with invalid size",
        "máy chủ dùng TLS: dùng địa chỉ https:// với --ca",
    ),
    (
        "h2 protocol error",
        "máy chủ dùng TLS hoặc không phải dịch vụ gRPC: kiểm tra http:// hay https:// và cổng",
    ),
];

/// Closes of the connection before any answer that carry no reason: the client may lose the race
/// with the server's TLS alert (a refused client certificate) and see only the close, and a
/// plaintext call to a TLS port ends the same way. Explained with the flags to check, without
/// claiming a cause: a service going away closes connections too, so the exit code stays the
/// status's own.
const BARE_CLOSES: &[&str] = &["broken pipe", "connection closed", "connection reset"];
const CLOSED_BEFORE_ANSWER: &str = "kết nối bị đóng trước khi dịch vụ trả lời: với địa chỉ https:// máy chủ có thể đòi hoặc không nhận chứng chỉ máy khách (xem --cert, --key); với http:// máy chủ có thể dùng TLS (cần https:// và --ca); hoặc dịch vụ vừa dừng";

/// The explanation of a transport failure whose error chain is `chain`, if it is one of
/// [`TRANSPORT_CAUSES`].
pub fn transport_cause(chain: &str) -> Option<&'static str> {
    TRANSPORT_CAUSES
        .iter()
        .find(|(cause, _)| chain.contains(cause))
        .map(|(_, explanation)| *explanation)
}

/// `first`, then every cause from `source` down, each once: hyper and tonic wrap the same cause
/// twice with the same words.
fn cause_chain(first: String, mut source: Option<&dyn std::error::Error>) -> String {
    let mut parts = vec![first];
    while let Some(cause) = source {
        let part = cause.to_string();
        if parts.last() != Some(&part) {
            parts.push(part);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// An error and every cause under it.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    cause_chain(error.to_string(), error.source())
}

/// The status's message and every cause under it (the transport's, for a call that got no
/// answer).
fn status_chain(status: &tonic::Status) -> String {
    cause_chain(
        status.message().to_owned(),
        std::error::Error::source(status),
    )
}

/// A service's answer for a person: its Vietnamese message, the flags to look at, then the
/// technical details for whoever supports them. A call that failed in the transport (no answer
/// from the service) is explained from its causes where they are known.
fn describe_for_people(status: &tonic::Status) -> String {
    let details = status.get_error_details();
    let Some(localized) = details.localized_message() else {
        let chain = status_chain(status);
        return match transport_cause(&chain) {
            Some(explanation) => format!(
                "{explanation}
  (chi tiết kỹ thuật: {:?}: {chain})",
                status.code()
            ),
            None if BARE_CLOSES.iter().any(|close| chain.contains(close)) => format!(
                "{CLOSED_BEFORE_ANSWER}
  (chi tiết kỹ thuật: {:?}: {chain})",
                status.code()
            ),
            // The causes under the message, for whoever supports the installation.
            None if chain.len() > status.message().len() => {
                format!("{}: {chain}", describe_status(status))
            }
            None => describe_status(status),
        };
    };
    let mut text = localized.message.clone();
    match status.code() {
        tonic::Code::Unauthenticated => {
            text.push_str(
                " Xem tham số --token hoặc --token-file (mã mới: partyctl tokens issue).",
            );
        }
        tonic::Code::PermissionDenied => {
            text.push_str(" Xem quyền và phạm vi của mã trong --token hoặc --token-file.");
        }
        _ => {}
    }
    if let Some(bad) = details.bad_request() {
        let mut flags: Vec<String> = bad
            .field_violations
            .iter()
            .map(|v| flag_of(&v.field))
            .collect();
        flags.dedup();
        if !flags.is_empty() {
            text.push_str(&format!(" Xem tham số {}.", flags.join(", ")));
        }
    }
    text.push_str(&format!(
        "
  (chi tiết kỹ thuật: {})",
        describe_status(status)
    ));
    text
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(status) if status.code() == tonic::Code::Unimplemented => write!(
                f,
                "{} (dịch vụ ở địa chỉ này không có lệnh gọi này: kiểm tra --membership và --reporting)",
                describe_for_people(status)
            ),
            Self::Status(status) => write!(f, "{}", describe_for_people(status)),
            Self::Connect { url, cause } => match transport_cause(cause) {
                Some(explanation) => write!(
                    f,
                    "không kết nối được tới {url}: {explanation}\n  (chi tiết kỹ thuật: {cause})"
                ),
                None => write!(f, "không kết nối được tới {url}: {cause}"),
            },
            Self::Usage(text) => write!(f, "tham số không hợp lệ: {text}"),
            Self::NotServing(text) => write!(f, "dịch vụ chưa sẵn sàng: {text}"),
            Self::Tampered(text) => write!(f, "nhật ký truy cập không còn nguyên vẹn: {text}"),
            Self::Other(text) => write!(f, "{text}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<tonic::Status> for CliError {
    fn from(status: tonic::Status) -> Self {
        Self::Status(status)
    }
}

impl From<BoxError> for CliError {
    fn from(error: BoxError) -> Self {
        Self::Other(error.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        Self::Other(format!("lỗi vào/ra: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use partyregistry_kit::error::{ApiError, Violations};

    use super::*;

    #[test]
    fn a_refused_value_names_the_flag_in_vietnamese_and_in_json() {
        let mut violations = Violations::new();
        violations.add("last_year", "must not be before first_year");
        let status = violations
            .finish()
            .expect_err("one violation")
            .into_status("test");
        let error = CliError::Status(status);
        assert_eq!(error.exit_code(), exit::INVALID);
        let text = error.to_string();
        assert!(
            text.starts_with("Yêu cầu chưa hợp lệ: «năm cuối»"),
            "{text}"
        );
        assert!(text.contains("Xem tham số --to."), "{text}");
        let json = error.to_json();
        assert_eq!(json["error"]["code"], "InvalidArgument");
        assert_eq!(json["error"]["fields"][0]["flag"], "--to");
        assert_eq!(json["error"]["exit_code"], 3);
    }

    #[test]
    fn each_class_has_its_exit_code() {
        let missing = ApiError::NotFound {
            resource_type: "partyregistry.membership.v1.Commune",
            name: "communes/99999".into(),
        };
        let error = CliError::Status(missing.into_status("test"));
        assert_eq!(error.exit_code(), exit::NOT_FOUND);
        assert!(
            error
                .to_string()
                .starts_with("Không tìm thấy xã communes/99999.")
        );
        let unreachable = CliError::Connect {
            url: "http://127.0.0.1:1".into(),
            cause: "connection refused".into(),
        };
        assert_eq!(unreachable.exit_code(), exit::UNAVAILABLE);
        assert_eq!(CliError::usage("x").exit_code(), exit::USAGE);
    }

    #[test]
    fn tls_mistakes_are_explained_with_the_flag_to_mend() {
        let wrong_ca = CliError::Connect {
            url: "https://localhost:50051".into(),
            cause: "transport error: invalid peer certificate: BadSignature".into(),
        };
        assert_eq!(wrong_ca.exit_code(), exit::ACCESS);
        let text = wrong_ca.to_string();
        assert!(
            text.contains("không xác minh được chứng chỉ máy chủ bằng --ca"),
            "{text}"
        );
        assert!(
            text.contains("BadSignature"),
            "the cause stays in the details: {text}"
        );
        for (chain, flag) in [
            ("received fatal alert: CertificateRequired", "--cert"),
            ("received fatal alert: DecryptError", "--cert"),
            (
                "connection error detected: frame with invalid size",
                "https://",
            ),
            (
                "received corrupt message of type InvalidContentType",
                "http://",
            ),
        ] {
            let explanation = transport_cause(chain).unwrap_or_default();
            assert!(explanation.contains(flag), "{chain}: {explanation}");
        }
        assert_eq!(
            transport_cause("tcp connect error: Connection refused"),
            None
        );
    }

    #[test]
    fn a_close_before_any_answer_names_the_flags_to_check_and_keeps_its_class() {
        let closed = CliError::Status(tonic::Status::unknown(
            "transport error: connection error: stream closed because of a broken pipe",
        ));
        let text = closed.to_string();
        assert!(
            text.starts_with("kết nối bị đóng trước khi dịch vụ trả lời"),
            "{text}"
        );
        for flag in ["--cert", "--key", "https://", "--ca"] {
            assert!(text.contains(flag), "{flag}: {text}");
        }
        assert!(
            text.contains("broken pipe"),
            "the cause stays in the details: {text}"
        );
        assert_eq!(closed.exit_code(), exit::OTHER);
        let cancelled = CliError::Status(tonic::Status::cancelled(
            "operation was canceled: connection closed",
        ));
        assert!(cancelled.to_string().starts_with("kết nối bị đóng"));
        assert_eq!(cancelled.exit_code(), exit::UNAVAILABLE);
    }
}
