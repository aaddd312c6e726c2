//! Following the membership feed into the projection: [`consumer`] keeps the connection and the
//! batches, [`projection`] reads each change of the contract into reporting's own rows
//! ([`crate::model::rows`]), which the store writes.
//!
//! The only floor besides the gRPC edge that speaks `membership.v1`. Does not own the SQL
//! (`crate::store`) nor anything a report computes (`crate::report`).

pub mod consumer;
pub mod projection;
