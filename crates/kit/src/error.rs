//! The one error type of both services and its mapping to a gRPC status with `google.rpc`
//! details. Internal causes are logged here and never sent to the caller.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field in the request, for example `member.birth_date`.
    pub field: String,
    /// What is wrong, in English.
    pub description: String,
}

impl FieldViolation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// Every failure a service reports. Each variant maps to one gRPC code and carries a stable
/// `ErrorInfo.reason`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed: INVALID_ARGUMENT with a BadRequest detail.
    #[error("invalid request: {}", describe(.0))]
    InvalidArgument(Vec<FieldViolation>),
    /// The resource does not exist: NOT_FOUND with a ResourceInfo detail.
    #[error("{resource_type} {name} not found")]
    NotFound {
        /// Fully qualified message name of the resource type.
        resource_type: &'static str,
        /// The resource name asked for.
        name: String,
    },
    /// The resource exists already: ALREADY_EXISTS.
    #[error("{resource_type} {name} already exists")]
    AlreadyExists {
        /// Fully qualified message name of the resource type.
        resource_type: &'static str,
        /// The conflicting resource name or key.
        name: String,
    },
    /// The request is well formed but the rules or the resource's state forbid it:
    /// FAILED_PRECONDITION with the rule as the reason and the field named.
    #[error("{description}")]
    FailedPrecondition {
        /// Stable reason, UPPER_SNAKE_CASE, for example `ILLEGAL_TRANSITION`.
        reason: &'static str,
        /// The field whose value breaks the rule.
        field: String,
        /// What rule is broken, in English.
        description: String,
    },
    /// The etag does not match the stored one (or a concurrent writer won): ABORTED.
    #[error("{name} was modified concurrently; read it again and retry")]
    Aborted {
        /// The resource name.
        name: String,
    },
    /// The caller may not do this, or the resource is outside its scope (whether or not it exists):
    /// PERMISSION_DENIED.
    #[error("{0}")]
    PermissionDenied(String),
    /// The call carries no valid token: UNAUTHENTICATED.
    #[error("{0}")]
    Unauthenticated(String),
    /// The service cannot answer now: UNAVAILABLE.
    #[error("{0}")]
    Unavailable(String),
    /// The call ran past the server's time limit: DEADLINE_EXCEEDED.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// A bug or an infrastructure failure; the cause is logged, the caller sees INTERNAL.
    #[error("internal error: {0}")]
    Internal(String),
}

fn describe(violations: &[FieldViolation]) -> String {
    violations
        .iter()
        .map(|v| format!("{}: {}", v.field, v.description))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation::new(field, description)])
    }

    /// A rule or state violation on `field`.
    pub fn precondition(
        reason: &'static str,
        field: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self::FailedPrecondition {
            reason,
            field: field.into(),
            description: description.into(),
        }
    }

    /// The stable reason sent in `ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::InvalidArgument(_) => "INVALID_ARGUMENT",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::AlreadyExists { .. } => "ALREADY_EXISTS",
            Self::FailedPrecondition { reason, .. } => reason,
            Self::Aborted { .. } => "ETAG_MISMATCH",
            Self::PermissionDenied(_) => "PERMISSION_DENIED",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::DeadlineExceeded(_) => "DEADLINE_EXCEEDED",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// Converts to a status whose details name the offending fields or resource. `domain` is the
    /// ErrorInfo domain, for example `membership.partyregistry`.
    pub fn into_status(self, domain: &str) -> Status {
        let reason = self.reason();
        let mut details =
            ErrorDetails::with_error_info(reason, domain, std::collections::HashMap::new());
        details.set_localized_message(crate::localized::LOCALE, crate::localized::message(&self));
        let code = match &self {
            Self::InvalidArgument(violations) => {
                for v in violations {
                    details.add_bad_request_violation(v.field.clone(), v.description.clone());
                }
                Code::InvalidArgument
            }
            Self::NotFound {
                resource_type,
                name,
            } => {
                details.set_resource_info(*resource_type, name.clone(), "", "not found");
                Code::NotFound
            }
            Self::AlreadyExists {
                resource_type,
                name,
            } => {
                details.set_resource_info(*resource_type, name.clone(), "", "already exists");
                Code::AlreadyExists
            }
            Self::FailedPrecondition {
                field, description, ..
            } => {
                details.add_bad_request_violation(field.clone(), description.clone());
                details.add_precondition_failure_violation(
                    reason,
                    field.clone(),
                    description.clone(),
                );
                Code::FailedPrecondition
            }
            Self::Aborted { name } => {
                details.add_bad_request_violation(
                    "etag",
                    format!("{name} has changed since it was read"),
                );
                Code::Aborted
            }
            Self::PermissionDenied(_) => Code::PermissionDenied,
            Self::Unauthenticated(_) => Code::Unauthenticated,
            Self::Unavailable(_) => Code::Unavailable,
            Self::DeadlineExceeded(_) => Code::DeadlineExceeded,
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                return Status::with_error_details(Code::Internal, "internal error", details);
            }
        };
        Status::with_error_details(code, self.to_string(), details)
    }
}

impl From<partyregistry_vocab::names::NameError> for ApiError {
    fn from(error: partyregistry_vocab::names::NameError) -> Self {
        Self::invalid(error.field, error.description)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::PoolTimedOut = error {
            return Self::Unavailable("the database is busy; retry later".into());
        }
        Self::Internal(format!("database: {error}"))
    }
}

/// Collects field violations while a request is validated, so that every bad field is reported at
/// once rather than one per round trip.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    /// Records the error of `result`, if any, under `field`, and returns its value.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// Ok when nothing was recorded.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::InvalidArgument(self.0))
        }
    }
}

/// Reads the details of a status sent by one of our services: the reason and the field
/// violations, for clients that print errors.
pub fn describe_status(status: &Status) -> String {
    let details = status.get_error_details();
    let mut text = format!("{:?}: {}", status.code(), status.message());
    if let Some(info) = details.error_info() {
        text.push_str(&format!(" [{}]", info.reason));
    }
    if let Some(bad_request) = details.bad_request() {
        for v in &bad_request.field_violations {
            text.push_str(&format!("\n  - {}: {}", v.field, v.description));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_names_every_field() {
        let mut violations = Violations::new();
        violations.add("member.birth_date", "must be a date");
        violations.add("member.full_name", "must not be empty");
        let status = violations
            .finish()
            .expect_err("two violations")
            .into_status("test");
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        let fields: Vec<_> = details
            .bad_request()
            .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["member.birth_date", "member.full_name"]);
        assert_eq!(
            details.error_info().map(|i| i.reason.as_str()),
            Some("INVALID_ARGUMENT")
        );
    }

    #[test]
    fn access_errors_map_to_their_codes_and_reasons() {
        for (error, code, reason) in [
            (
                ApiError::PermissionDenied("out of scope".into()),
                Code::PermissionDenied,
                "PERMISSION_DENIED",
            ),
            (
                ApiError::Unauthenticated("no token".into()),
                Code::Unauthenticated,
                "UNAUTHENTICATED",
            ),
        ] {
            let status = error.into_status("test");
            assert_eq!(status.code(), code);
            assert_eq!(
                status
                    .get_error_details()
                    .error_info()
                    .map(|i| (i.reason.clone(), i.domain.clone())),
                Some((reason.to_owned(), "test".to_owned()))
            );
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let status = ApiError::Internal("password=secret".into()).into_status("test");
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
    }

    #[test]
    fn precondition_carries_the_rule_as_reason() {
        let status = ApiError::precondition("ILLEGAL_TRANSITION", "name", "already official")
            .into_status("test");
        assert_eq!(status.code(), Code::FailedPrecondition);
        assert_eq!(
            status
                .get_error_details()
                .error_info()
                .map(|i| i.reason.as_str()),
            Some("ILLEGAL_TRANSITION")
        );
    }
}
