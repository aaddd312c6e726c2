//! Server streams under a limit of their own. A unary call holds one of the server's call
//! permits until it is answered; a server stream (`WatchChanges`, `ExportReport`) answers its
//! headers at once and then runs for as long as the client stays, so it is counted apart: the
//! server's layer takes a stream permit for each call of a streaming method and keeps it in the
//! response body ([`Guarded`]) until the stream ends. A stream beyond the limit is refused at once
//! with RESOURCE_EXHAUSTED.

use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};
use prost::Message;
use tokio::sync::OwnedSemaphorePermit;

/// The message of a stream refused because the server runs as many as it may.
pub const STREAMS_FULL: &str = "máy chủ đang mở tối đa số luồng cho phép; hãy thử lại sau (too many open streams, retry later)";

/// The paths (`/package.Service/Method`) of the server-streaming methods of `service_names`, as
/// the contracts' descriptor set declares them.
pub fn streaming_paths(service_names: &[&str]) -> HashSet<String> {
    // The descriptor set is compiled into the binary by the proto crate's build script: it only
    // fails to decode if that build is broken, and then no method is known to stream.
    let Ok(set) = prost_types::FileDescriptorSet::decode(partyregistry_proto::FILE_DESCRIPTOR_SET)
    else {
        tracing::error!("the descriptor set does not decode: streams are not limited");
        return HashSet::new();
    };
    let mut paths = HashSet::new();
    for file in &set.file {
        for service in &file.service {
            let full_name = format!("{}.{}", file.package(), service.name());
            if !service_names.contains(&full_name.as_str()) {
                continue;
            }
            for method in &service.method {
                if method.server_streaming() {
                    paths.insert(format!("/{full_name}/{}", method.name()));
                }
            }
        }
    }
    paths
}

/// A response body that holds a stream permit until the body is dropped (the stream ended, the
/// client went away, or the server shut down). Bodies of other calls hold none.
pub struct Guarded<B> {
    inner: Pin<Box<B>>,
    _permit: Option<OwnedSemaphorePermit>,
}

impl<B> Guarded<B> {
    /// `inner`, holding `permit` (if any) for as long as it lives.
    pub fn new(inner: B, permit: Option<OwnedSemaphorePermit>) -> Self {
        Self {
            inner: Box::pin(inner),
            _permit: permit,
        }
    }
}

impl<B: Default> Default for Guarded<B> {
    fn default() -> Self {
        Self::new(B::default(), None)
    }
}

impl<B: Body> Body for Guarded<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        // `Guarded` is Unpin (its body is boxed), so the pin can be opened.
        self.get_mut().inner.as_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_and_exports_are_streams_and_unary_methods_are_not() {
        let membership = streaming_paths(&["partyregistry.membership.v1.MembershipService"]);
        assert!(membership.contains("/partyregistry.membership.v1.MembershipService/WatchChanges"));
        assert!(!membership.contains("/partyregistry.membership.v1.MembershipService/GetMember"));
        let reporting = streaming_paths(&["partyregistry.reporting.v1.ReportingService"]);
        assert!(reporting.contains("/partyregistry.reporting.v1.ReportingService/ExportReport"));
        assert!(
            reporting
                .iter()
                .all(|path| path.starts_with("/partyregistry.reporting.v1.ReportingService/"))
        );
    }
}
