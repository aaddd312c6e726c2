//! The errors of the gRPC face: the `ErrorInfo` domain every status carries, and how a scope that
//! cannot be resolved reads to the caller.
//!
//! Owns the mapping of report-layer refusals to [`ApiError`]. Does not own the status conversion
//! itself (the kit's `ApiError::into_status`).

use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date;

use crate::report::units::{Scope, UnitError};
use crate::store::StoreError;

/// The `ErrorInfo` domain of this service's errors.
pub const ERROR_DOMAIN: &str = "reporting.partyregistry";

/// The resource type named by NOT_FOUND for an unknown commune.
pub(crate) const COMMUNE_TYPE: &str = "partyregistry.membership.v1.Commune";
/// The resource type named by NOT_FOUND for an unknown province.
const PROVINCE_TYPE: &str = "partyregistry.membership.v1.Province";
/// The reason of FAILED_PRECONDITION for a unit asked for after its end.
const UNIT_ENDED: &str = "UNIT_ENDED";

/// The error of a scope that cannot be resolved: NOT_FOUND names the scope; an ended unit names
/// `scope_field`, a day before any data `day_field`.
pub(crate) fn unit_error(
    error: UnitError,
    scope: &Scope,
    scope_field: &str,
    day_field: &str,
) -> ApiError {
    match error {
        UnitError::NotFound { province } => ApiError::NotFound {
            resource_type: if province {
                PROVINCE_TYPE
            } else {
                COMMUNE_TYPE
            },
            name: scope.name(),
        },
        UnitError::Ended(message) => ApiError::precondition(UNIT_ENDED, scope_field, message),
        UnitError::BeforeData(day) => ApiError::invalid(
            day_field,
            format!(
                "{} is before any data of {}",
                date::format(day),
                scope.name()
            ),
        ),
    }
}

/// The one mapping of the store's errors to the API's: a database failure is the kit's mapping
/// of the driver's error (a busy pool is UNAVAILABLE, anything else INTERNAL); an unreadable
/// stored value is INTERNAL. Causes go to the log, never to the caller.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Database(error) => ApiError::from(error),
            unreadable @ StoreError::Unreadable { .. } => {
                ApiError::Internal(unreadable.to_string())
            }
        }
    }
}
