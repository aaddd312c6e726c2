//! The gRPC contracts of the service pair, compiled once for every crate of the workspace.
//!
//! Owns: the code generated from `proto/` and the encoded descriptor set used by server reflection.
//! Does not own: any behaviour; conversions to domain types live in each service.

/// `partyregistry.membership.v1`: the system of record.
pub mod membership {
    #[allow(clippy::all, clippy::pedantic, missing_docs)]
    pub mod v1 {
        tonic::include_proto!("partyregistry.membership.v1");
    }
}

/// `partyregistry.reporting.v1`: the read model and its reports.
pub mod reporting {
    #[allow(clippy::all, clippy::pedantic, missing_docs)]
    pub mod v1 {
        tonic::include_proto!("partyregistry.reporting.v1");
    }
}

/// `partyregistry.audit.v1`: the audit trail both servers keep.
pub mod audit {
    #[allow(clippy::all, clippy::pedantic, missing_docs)]
    pub mod v1 {
        tonic::include_proto!("partyregistry.audit.v1");
    }
}

/// The encoded `FileDescriptorSet` of every file above plus the `google.rpc` error details, for
/// server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("descriptor");
