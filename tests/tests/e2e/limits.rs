//! The limits at the edge: a server running as many calls as it may refuses the next one at once
//! with UNAVAILABLE while its health check still answers, and a call that runs past its time
//! limit ends with DEADLINE_EXCEEDED having written nothing.

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_kit::client::ClientSecurity;
use partyregistry_kit::server::{CALL_TOO_LONG, SERVER_FULL};
use partyregistry_proto::audit::v1::ListAuditEntriesRequest;
use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_tests::{Backend, TestDatabase, on_each_backend};
use sqlx::{Connection, Executor};
use tonic::Code;

use crate::fixtures;

on_each_backend! {
    a_full_server_sheds_calls_and_a_slow_call_times_out;
}

/// Another connection to the service's database holding what a new commune's insert needs, so
/// that the service's write waits for it.
struct WriteBlocker(sqlx::AnyConnection);

impl WriteBlocker {
    async fn hold(backend: Backend, url: &str) -> Result<Self, BoxError> {
        let mut connection = sqlx::AnyConnection::connect(url).await?;
        match backend {
            // The database-wide write lock.
            Backend::Sqlite => connection.execute("begin immediate").await?,
            // Reads go on; inserts into communes wait.
            Backend::Postgres => {
                connection
                    .execute("begin; lock table communes in exclusive mode")
                    .await?
            }
        };
        Ok(Self(connection))
    }

    async fn release(mut self) -> Result<(), BoxError> {
        self.0.execute("rollback").await?;
        self.0.close().await?;
        Ok(())
    }
}

async fn a_full_server_sheds_calls_and_a_slow_call_times_out(
    backend: Backend,
) -> Result<(), BoxError> {
    let database = TestDatabase::create(backend, "limits").await?;
    let mut config = partyregistry_membership::Config::for_database(&database.url);
    config.max_concurrent_calls = 1;
    // Shorter than SQLite's busy timeout (10 s), so that the write waits for the lock until the
    // server ends it; longer than the wait below for the refusal, even on a loaded machine.
    config.call_timeout_seconds = 6;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let running =
        partyregistry_tests::start_membership_with(config, listener, ClientSecurity::default())
            .await?;
    let mut client = partyregistry_tests::membership_client(&running).await?;
    fixtures::commune(&mut client, "02680").await?;
    let head = partyregistry_tests::feed_head(&mut client).await?;

    let blocker = WriteBlocker::hold(backend, &database.url).await?;
    let mut writer = client.clone();
    // The write itself is refused while a probe below holds the only call; it tries again.
    let slow = tokio::spawn(async move {
        loop {
            match writer
                .create_commune(fixtures::new_commune("02677", "10"))
                .await
            {
                Err(status) if status.message() == SERVER_FULL => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                answer => return answer,
            }
        }
    });

    // While the write waits, it holds the server's only call: the next one is refused at once.
    let refused = partyregistry_tests::poll(Duration::from_secs(5), || {
        let mut client = client.clone();
        async move {
            let answer = client
                .get_commune(pb::GetCommuneRequest {
                    name: "communes/02680".into(),
                })
                .await;
            match answer {
                Err(status) if status.code() == Code::Unavailable => {
                    if status.message() == SERVER_FULL {
                        Ok(true)
                    } else {
                        Err(format!("refused for another reason: {status:?}").into())
                    }
                }
                _ => Ok(false),
            }
        }
    })
    .await;
    if let Err(error) = refused {
        let write = if slow.is_finished() {
            format!("{:?}", slow.await?)
        } else {
            "still waiting".to_owned()
        };
        return Err(format!("no call was refused ({error}); the blocked write: {write}").into());
    }
    // Health checks are never refused.
    partyregistry_tests::wait_serving(&running.url(), &running.security).await?;

    let timed_out = slow
        .await?
        .expect_err("the write waits past its time limit");
    assert_eq!(timed_out.code(), Code::DeadlineExceeded, "{timed_out:?}");
    assert_eq!(timed_out.message(), CALL_TOO_LONG);
    blocker.release().await?;

    // The server takes calls again, and the write that ran out of time left nothing behind.
    let missing = client
        .get_commune(pb::GetCommuneRequest {
            name: "communes/02677".into(),
        })
        .await
        .expect_err("not created");
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(partyregistry_tests::feed_head(&mut client).await?, head);
    fixtures::commune(&mut client, "02677").await?;
    // The call that ran out of time is in the audit trail.
    let audit = AuditServiceClient::new(running.connect().await?);
    partyregistry_tests::poll(Duration::from_secs(15), || {
        let mut audit = audit.clone();
        async move {
            let entries = audit
                .list_audit_entries(ListAuditEntriesRequest {
                    filter: "outcome = \"DEADLINE_EXCEEDED\"".into(),
                    ..Default::default()
                })
                .await?
                .into_inner()
                .entries;
            Ok(entries.iter().any(|entry| {
                entry.method == "/partyregistry.membership.v1.MembershipService/CreateCommune"
                    && entry.detail == CALL_TOO_LONG
            }))
        }
    })
    .await?;

    running.stop().await?;
    database.remove().await;
    Ok(())
}
