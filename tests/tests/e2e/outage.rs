//! A database outage: the membership service on PostgreSQL reached through a TCP proxy that the
//! test cuts (every open connection closed, new ones dropped at once) and restores. While the
//! database is out of reach, calls are answered UNAVAILABLE with RetryInfo well within their
//! deadline and health says NOT_SERVING; once it is back, health says SERVING and calls succeed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_kit::error::{DATABASE_UNAVAILABLE, RETRY_UNAVAILABLE_AFTER};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_tests::{Backend, Running, TestDatabase, postgres_admin_url};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_types::StatusExt;

use crate::fixtures;

/// A TCP proxy to the database that can be cut and restored.
struct CuttableProxy {
    address: SocketAddr,
    open: Arc<AtomicBool>,
    cuts: Arc<watch::Sender<u64>>,
    accepting: JoinHandle<()>,
}

impl CuttableProxy {
    async fn start(target: SocketAddr) -> Result<Self, BoxError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let open = Arc::new(AtomicBool::new(true));
        let cuts = Arc::new(watch::Sender::new(0_u64));
        let accepting = tokio::spawn({
            let open = open.clone();
            let cuts = cuts.clone();
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if !open.load(Ordering::SeqCst) {
                        // The database is "down": the connection closes before a byte flows.
                        continue;
                    }
                    let mut cut = cuts.subscribe();
                    tokio::spawn(async move {
                        let Ok(mut outbound) = TcpStream::connect(target).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                            _ = cut.changed() => {}
                        }
                    });
                }
            }
        });
        Ok(Self {
            address,
            open,
            cuts,
            accepting,
        })
    }

    /// Closes every open connection and refuses new ones.
    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|generation| *generation += 1);
    }

    /// Lets new connections through again.
    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.cut();
        self.accepting.abort();
    }
}

async fn health(running: &Running) -> Result<i32, BoxError> {
    let channel = running.connect().await?;
    let answer = HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest {
            service: partyregistry_membership::SERVICE_NAME.into(),
        })
        .await?;
    Ok(answer.into_inner().status)
}

async fn wait_health(running: &Running, wanted: ServingStatus) -> Result<(), BoxError> {
    partyregistry_tests::poll(Duration::from_secs(10), || async {
        Ok(health(running).await? == wanted as i32)
    })
    .await
    .map_err(|error| format!("health never became {wanted:?}: {error}").into())
}

/// A call that would hang past this deadline ends DEADLINE_EXCEEDED instead of UNAVAILABLE.
fn with_deadline<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(Duration::from_secs(10));
    request
}

fn assert_unavailable_with_retry(status: &tonic::Status) {
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert_eq!(status.message(), DATABASE_UNAVAILABLE);
    let retry = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay);
    assert_eq!(retry, Some(RETRY_UNAVAILABLE_AFTER), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_database_is_unavailable_and_not_serving_until_it_returns() -> Result<(), BoxError> {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: set TEST_DATABASE_URL to run on PostgreSQL");
        return Ok(());
    }
    let database = TestDatabase::create(Backend::Postgres, "outage").await?;
    let (before_host, rest) = database
        .url
        .split_once('@')
        .ok_or("the test URL names a host")?;
    let (host, name) = rest
        .split_once('/')
        .ok_or("the test URL names a database")?;
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    let target = tokio::net::lookup_host(host.as_str())
        .await?
        .next()
        .ok_or("the database host resolves")?;
    let proxy = CuttableProxy::start(target).await?;
    let mut config = partyregistry_membership::Config::for_database(format!(
        "{before_host}@{}/{name}",
        proxy.address
    ));
    config.db_acquire_timeout_seconds = 2;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let running =
        partyregistry_tests::start_membership_with(config, listener, ClientSecurity::default())
            .await?;
    let mut client = partyregistry_tests::membership_client(&running).await?;
    fixtures::commune(&mut client, "02680").await?;

    proxy.cut();
    let read = client
        .get_commune(with_deadline(pb::GetCommuneRequest {
            name: "communes/02680".into(),
        }))
        .await
        .expect_err("no database, no answer");
    assert_unavailable_with_retry(&read);
    let write = client
        .create_commune(with_deadline(fixtures::new_commune("02677", "10")))
        .await
        .expect_err("no database, nothing written");
    assert_unavailable_with_retry(&write);
    wait_health(&running, ServingStatus::NotServing).await?;

    proxy.restore();
    wait_health(&running, ServingStatus::Serving).await?;
    let commune = client
        .get_commune(with_deadline(pb::GetCommuneRequest {
            name: "communes/02680".into(),
        }))
        .await?
        .into_inner();
    assert_eq!(commune.name, "communes/02680");
    fixtures::commune(&mut client, "02677").await?;

    running.stop().await?;
    drop(proxy);
    database.remove().await;
    Ok(())
}
