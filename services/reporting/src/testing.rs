//! Test helpers shared by the unit tests: requests carrying a caller (as the kit's server layer
//! would put it there) and handlers over a test store.

use std::sync::Arc;

use partyregistry_kit::audit::AuditLog;
use partyregistry_kit::auth::Caller;
use tonic::Request;

use crate::config::DEFAULT_MIN_CELL_SIZE;
use crate::grpc::access::Access;
use crate::grpc::api::ReportingApi;
use crate::ingest::consumer::FeedState;
use crate::store::Store;

/// `message` from an unrestricted caller.
pub fn request<T>(message: T) -> Request<T> {
    request_as(&Caller::unrestricted("test"), message)
}

/// `message` from `caller`.
pub fn request_as<T>(caller: &Caller, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(caller.clone());
    request
}

/// The access decisions over `store`, auditing into its database.
pub fn access(store: &Store) -> Access {
    Access::new(
        store.clone(),
        AuditLog::new(store.database()),
        DEFAULT_MIN_CELL_SIZE,
    )
}

/// The handlers over `store`.
pub fn api(store: &Store, feed: Arc<FeedState>) -> ReportingApi {
    ReportingApi::new(store.clone(), feed, access(store))
}
