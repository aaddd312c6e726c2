//! The one error type of the CLI and how it is shown to the person at the terminal: statuses from
//! the services are explained through their `google.rpc` details, everything else in one line.

use partyregistry_kit::BoxError;
use partyregistry_kit::error::describe_status;

/// Every way a command can fail. `main` prints it and exits with code 1.
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
    /// Anything else: output encoding, start-up of the embedded services.
    Other(String),
}

impl CliError {
    /// A usage error with a Vietnamese explanation.
    pub fn usage(text: impl Into<String>) -> Self {
        Self::Usage(text.into())
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(status) if status.code() == tonic::Code::Unimplemented => write!(
                f,
                "{} (dịch vụ ở địa chỉ này không có lệnh gọi này: kiểm tra --membership và --reporting)",
                describe_status(status)
            ),
            Self::Status(status) => write!(f, "{}", describe_status(status)),
            Self::Connect { url, cause } => write!(f, "không kết nối được tới {url}: {cause}"),
            Self::Usage(text) => write!(f, "tham số không hợp lệ: {text}"),
            Self::NotServing(text) => write!(f, "dịch vụ chưa sẵn sàng: {text}"),
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
