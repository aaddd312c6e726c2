//! The gRPC face of the reporting service, the top floor: requests are read here, facts come from
//! [`crate::store`], figures from [`crate::report`], and only here do reporting's answers meet
//! tonic.
//!
//! - [`api`]: [`api::ReportingApi`], one method per report: validate the request, read the
//!   facts in one snapshot, hand them to the report.
//! - [`service`]: the generated service traits, every call through the access checks.
//! - [`request`]: reading scopes, days and years from requests.
//! - [`error`]: the `ErrorInfo` domain and the errors of unresolvable scopes.
//!
//! Authorisation and the audit (`crate::grpc::access`) and the file export (`crate::grpc::export`) belong to
//! this floor too. Every error leaves as an [`partyregistry_kit::error::ApiError`] mapped to a
//! status with `google.rpc` details.

pub mod access;
pub mod api;
pub mod catch_up;
pub mod error;
pub mod export;
pub mod request;
pub mod service;
