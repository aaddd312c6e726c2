//! Compiles `proto/` with the pure-Rust protox compiler (the build machines have no `protoc`) and
//! writes both the generated code and the encoded descriptor set that server reflection serves.

use prost::Message;
use std::path::PathBuf;

const PROTO_ROOT: &str = "../../proto";
const SERVICE_FILES: [&str; 3] = [
    "partyregistry/membership/v1/membership.proto",
    "partyregistry/reporting/v1/reporting.proto",
    "partyregistry/audit/v1/audit.proto",
];
/// Not used by the generated code, but served through reflection so that stock clients can decode
/// the `google.rpc` error details our services attach.
const DETAIL_FILES: [&str; 2] = ["google/rpc/status.proto", "google/rpc/error_details.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");
    let files: Vec<&str> = SERVICE_FILES
        .iter()
        .chain(DETAIL_FILES.iter())
        .copied()
        .collect();
    let descriptors = protox::compile(&files, [PROTO_ROOT])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("descriptor.bin"), descriptors.encode_to_vec())?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
