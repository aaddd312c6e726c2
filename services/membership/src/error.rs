//! The one mapping of the domain's own errors to the API error the handlers answer with: a value
//! that can never be right is INVALID_ARGUMENT naming its field, a forbidden step is
//! FAILED_PRECONDITION with its reason, anything else INTERNAL.

use partyregistry_kit::error::ApiError;

use crate::domain::RuleError;

impl From<RuleError> for ApiError {
    fn from(error: RuleError) -> Self {
        match error {
            RuleError::Invalid { field, description } => ApiError::invalid(field, description),
            RuleError::Broken {
                reason,
                field,
                description,
            } => ApiError::precondition(reason, field, description),
            RuleError::Internal(message) => ApiError::Internal(message),
        }
    }
}
