//! The metrics endpoints: after a few calls each service's `/metrics` shows its calls counted by
//! method and status, and reporting shows how far its projection follows the feed.

use std::net::SocketAddr;
use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_tests::{
    Backend, TestDatabase, feed_head, membership_client, on_each_backend, poll, reporting_client,
    start_membership_with, start_reporting_with, wait_caught_up,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fixtures;

on_each_backend! {
    each_service_counts_its_calls_and_reporting_its_lag;
}

/// A port free a moment ago, for an endpoint whose address the test must know in advance.
async fn free_address() -> Result<SocketAddr, BoxError> {
    Ok(tokio::net::TcpListener::bind("127.0.0.1:0")
        .await?
        .local_addr()?)
}

/// The text of `GET /metrics` at `address`.
async fn scrape(address: SocketAddr) -> Result<String, BoxError> {
    let mut socket = tokio::net::TcpStream::connect(address).await?;
    socket
        .write_all(b"GET /metrics HTTP/1.1\r\nhost: metrics\r\nconnection: close\r\n\r\n")
        .await?;
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), socket.read_to_string(&mut answer)).await??;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("metrics answered {answer}").into());
    }
    Ok(answer)
}

async fn each_service_counts_its_calls_and_reporting_its_lag(
    backend: Backend,
) -> Result<(), BoxError> {
    let membership_database = TestDatabase::create(backend, "metrics_membership").await?;
    let reporting_database = TestDatabase::create(backend, "metrics_reporting").await?;
    let membership_metrics = free_address().await?;
    let reporting_metrics = free_address().await?;

    let mut config = partyregistry_membership::Config::for_database(&membership_database.url);
    config.metrics_listen = Some(membership_metrics);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let membership = start_membership_with(config, listener, ClientSecurity::default()).await?;
    let mut client = membership_client(&membership).await?;
    fixtures::commune(&mut client, "03021").await?;
    let missing = client
        .get_commune(pb::GetCommuneRequest {
            name: "communes/03999".into(),
        })
        .await;
    assert_eq!(
        missing.map(|_| ()).map_err(|s| s.code()),
        Err(tonic::Code::NotFound)
    );

    let mut config =
        partyregistry_reporting::Config::new(&reporting_database.url, membership.url());
    config.metrics_listen = Some(reporting_metrics);
    let reporting = start_reporting_with(config, ClientSecurity::default()).await?;
    let mut reports = reporting_client(&reporting).await?;
    let head = feed_head(&mut client).await?;
    wait_caught_up(&mut reports, head).await?;

    let text = scrape(membership_metrics).await?;
    for expected in [
        r#"method="/partyregistry.membership.v1.MembershipService/CreateCommune""#,
        r#"code="NOT_FOUND""#,
        "partyregistry_call_seconds_bucket",
        "partyregistry_calls_in_flight",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    // The registry is the process's: other tests' services count beside this one, so the test
    // looks for the series, not for exact values.
    let counted = text.lines().any(|line| {
        line.starts_with("partyregistry_calls_total")
            && line.contains(r#"service="membership""#)
            && line.contains("/GetCommune\"")
            && line.contains(r#"code="NOT_FOUND""#)
    });
    assert!(counted, "the NOT_FOUND GetCommune counted:\n{text}");

    // The feed metrics follow the batches that brought reporting up to the head.
    poll(Duration::from_secs(30), || async move {
        let text = scrape(reporting_metrics).await?;
        Ok([
            "partyregistry_feed_applied_sequence{service=\"reporting\"}",
            "partyregistry_feed_lag_events{service=\"reporting\"}",
            "partyregistry_feed_lag_seconds{service=\"reporting\"}",
            "partyregistry_feed_applied_total{service=\"reporting\"}",
        ]
        .iter()
        .all(|series| text.contains(series)))
    })
    .await?;
    reports
        .get_freshness(partyregistry_proto::reporting::v1::GetFreshnessRequest {})
        .await?;
    let text = scrape(reporting_metrics).await?;
    assert!(
        text.contains("/partyregistry.reporting.v1.ReportingService/GetFreshness"),
        "{text}"
    );

    reporting.stop().await?;
    membership.stop().await?;
    membership_database.remove().await;
    reporting_database.remove().await;
    Ok(())
}
