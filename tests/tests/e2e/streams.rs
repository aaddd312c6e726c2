//! Server streams under limits: `WatchChanges` streams count against a limit of their own for
//! as long as they are open (one beyond it is refused with RESOURCE_EXHAUSTED while unary calls
//! go on), and an idle stream reads nothing from the database — commits wake it, on PostgreSQL
//! also those of another server on the same database.

use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_kit::streams::STREAMS_FULL;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::watch_changes_response::Event;
use partyregistry_tests::{Backend, Running, TestDatabase, on_each_backend, postgres_admin_url};
use sqlx::{Connection, Executor};
use std::time::Duration;
use tokio::net::TcpListener;
use tonic::Code;

use crate::feed::next_event;
use crate::fixtures;

on_each_backend! {
    streams_beyond_their_limit_are_refused_while_calls_go_on;
}

async fn start(url: &str, max_streams: usize) -> Result<Running, BoxError> {
    let mut config = partyregistry_membership::Config::for_database(url);
    config.max_concurrent_streams = max_streams;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    partyregistry_tests::start_membership_with(config, listener, ClientSecurity::default()).await
}

async fn open_stream(
    client: &mut fixtures::Client,
) -> Result<tonic::Streaming<pb::WatchChangesResponse>, tonic::Status> {
    client
        .watch_changes(pb::WatchChangesRequest { after_sequence: 0 })
        .await
        .map(tonic::Response::into_inner)
}

async fn streams_beyond_their_limit_are_refused_while_calls_go_on(
    backend: Backend,
) -> Result<(), BoxError> {
    let database = TestDatabase::create(backend, "streams").await?;
    let running = start(&database.url, 2).await?;
    let mut client = partyregistry_tests::membership_client(&running).await?;
    let mut first = open_stream(&mut client).await?;
    let mut second = open_stream(&mut client).await?;
    next_event(&mut first).await?;
    next_event(&mut second).await?;

    let refused = open_stream(&mut client)
        .await
        .expect_err("a third stream is over the limit");
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert_eq!(refused.message(), STREAMS_FULL);
    // Calls are not held back by the open streams.
    fixtures::commune(&mut client, "02680").await?;

    // A stream that ends gives its place back.
    drop(first);
    partyregistry_tests::poll(Duration::from_secs(10), || {
        let mut client = client.clone();
        async move {
            match open_stream(&mut client).await {
                Ok(_) => Ok(true),
                Err(status) if status.code() == Code::ResourceExhausted => Ok(false),
                Err(status) => Err(status.into()),
            }
        }
    })
    .await?;
    drop(second);
    running.stop().await?;
    database.remove().await;
    Ok(())
}

/// Waits for the stream's next heartbeat, skipping changes.
async fn next_heartbeat(
    stream: &mut tonic::Streaming<pb::WatchChangesResponse>,
) -> Result<pb::Heartbeat, BoxError> {
    loop {
        if let Event::Heartbeat(heartbeat) = next_event(stream).await? {
            return Ok(heartbeat);
        }
    }
}

/// With the feed's tables locked against every read, an idle stream still sends its heartbeats
/// (it reads nothing while idle); once they are free again, a commit made through another server
/// on the same database reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idle_stream_reads_nothing_and_wakes_on_another_servers_commit() -> Result<(), BoxError>
{
    if postgres_admin_url().is_none() {
        eprintln!("skipped: set TEST_DATABASE_URL to run on PostgreSQL");
        return Ok(());
    }
    let database = TestDatabase::create(Backend::Postgres, "idle_stream").await?;
    let followed = start(&database.url, 4).await?;
    let other = start(&database.url, 4).await?;
    let mut client = partyregistry_tests::membership_client(&followed).await?;
    let mut stream = open_stream(&mut client).await?;
    next_heartbeat(&mut stream).await?;

    let mut locker = sqlx::AnyConnection::connect(&database.url).await?;
    locker
        .execute("begin; lock table changes, feed_head in access exclusive mode")
        .await?;
    let idle = tokio::time::timeout(Duration::from_secs(20), next_heartbeat(&mut stream)).await;
    locker.execute("rollback").await?;
    locker.close().await?;
    idle.map_err(|_| "no heartbeat while the feed was locked: the idle stream read it")??;

    let mut writer = partyregistry_tests::membership_client(&other).await?;
    let created = fixtures::commune(&mut writer, "02680").await?;
    loop {
        if let Event::Change(change) = next_event(&mut stream).await?
            && matches!(&change.resource, Some(pb::change::Resource::Commune(c)) if c.name == created.name)
        {
            break;
        }
    }
    drop(stream);
    followed.stop().await?;
    other.stop().await?;
    database.remove().await;
    Ok(())
}
