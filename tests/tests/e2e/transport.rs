//! The transports a provincial system may use: requests compressed with gzip or zstd, and
//! gRPC-Web over plain HTTP/1.1 (a browser or an HTTP/1-only client), both answered like any call.

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_tests::{Backend, Pair, on_each_backend};
use prost::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::codec::CompressionEncoding;

use crate::fixtures;

on_each_backend! {
    compressed_requests_and_answers_round_trip;
    grpc_web_over_http1_answers_the_call;
}

async fn compressed_requests_and_answers_round_trip(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "compression").await?;
    let transport = pair.membership_service()?.connect().await?;
    for (code, encoding) in [
        ("03001", CompressionEncoding::Gzip),
        ("03002", CompressionEncoding::Zstd),
    ] {
        let mut client = MembershipServiceClient::new(transport.clone())
            .send_compressed(encoding)
            .accept_compressed(encoding);
        let created = client
            .create_commune(fixtures::new_commune(code, "10"))
            .await?;
        assert_eq!(
            created
                .metadata()
                .get("grpc-encoding")
                .map(|v| v.as_bytes()),
            Some(encoding.to_string().as_bytes()),
            "the answer is compressed as asked"
        );
        let read = client
            .get_commune(pb::GetCommuneRequest {
                name: format!("communes/{code}"),
            })
            .await?
            .into_inner();
        assert_eq!(read.display_name, format!("Xã Thử Nghiệm {code}"));
    }
    pair.membership
        .create_commune(fixtures::new_commune("03003", "10"))
        .await?;
    pair.finish().await
}

/// One gRPC-Web frame: a flag byte (0 data, 0x80 trailers), the length, the payload.
fn frames(mut body: &[u8]) -> Result<Vec<(u8, Vec<u8>)>, BoxError> {
    let mut found = Vec::new();
    while !body.is_empty() {
        let header = body.get(..5).ok_or("a truncated gRPC-Web frame header")?;
        let length = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
        let payload = body
            .get(5..5 + length)
            .ok_or("a truncated gRPC-Web frame")?;
        found.push((header[0], payload.to_vec()));
        body = &body[5 + length..];
    }
    Ok(found)
}

/// The body of an HTTP/1.1 answer, de-chunked when it came in chunks.
fn http1_body(answer: &[u8]) -> Result<(String, Vec<u8>), BoxError> {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("an HTTP answer without the end of its head")?;
    let head = String::from_utf8(answer[..split].to_vec())?;
    let mut rest = &answer[split + 4..];
    if !head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Ok((head, rest.to_vec()));
    }
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk without its size line")?;
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end])?.trim(), 16)?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok((head, body));
        }
        body.extend_from_slice(rest.get(..size).ok_or("a truncated chunk")?);
        rest = rest.get(size + 2..).ok_or("a chunk without its end")?;
    }
}

async fn grpc_web_over_http1_answers_the_call(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "grpc_web").await?;
    fixtures::commune(&mut pair.membership, "03011").await?;
    let request = pb::GetCommuneRequest {
        name: "communes/03011".into(),
    }
    .encode_to_vec();
    let mut body = vec![0u8];
    body.extend_from_slice(&u32::try_from(request.len())?.to_be_bytes());
    body.extend_from_slice(&request);
    let address = pair.membership_service()?.address;
    let mut socket = tokio::net::TcpStream::connect(address).await?;
    let head = format!(
        "POST /partyregistry.membership.v1.MembershipService/GetCommune HTTP/1.1\r\n\
         host: {address}\r\ncontent-type: application/grpc-web+proto\r\nx-grpc-web: 1\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(&body).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        socket.read_to_end(&mut answer),
    )
    .await??;
    let (head, body) = http1_body(&answer)?;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/grpc-web"),
        "{head}"
    );
    let frames = frames(&body)?;
    let data = frames
        .iter()
        .find(|(flag, _)| *flag == 0)
        .ok_or("no message in the answer")?;
    let commune = pb::Commune::decode(data.1.as_slice())?;
    assert_eq!(commune.code, "03011");
    let trailers = frames
        .iter()
        .find(|(flag, _)| *flag == 0x80)
        .ok_or("no trailers in the answer")?;
    let trailers = String::from_utf8(trailers.1.clone())?.to_ascii_lowercase();
    assert!(trailers.contains("grpc-status:0"), "{trailers}");
    pair.finish().await
}
