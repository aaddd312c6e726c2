//! The service as deployed: TLS towards its callers with static tokens, and TLS with a client
//! certificate and a bearer token towards a scripted membership feed. Also: the start-up refuses
//! a configuration without TLS or without a way to check tokens unless explicitly asked for.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use partyregistry_kit::client::{ClientSecurity, connect};
use partyregistry_kit::db;
use partyregistry_proto::membership::v1 as m;
use partyregistry_proto::membership::v1::membership_service_server::{
    MembershipService, MembershipServiceServer,
};
use partyregistry_proto::reporting::v1::reporting_service_client::ReportingServiceClient;
use partyregistry_proto::reporting::v1::{GetCommuneReportRequest, GetFreshnessRequest};
use partyregistry_reporting::{Config, run};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_util::sync::CancellationToken;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic::{Code, Request, Response, Status};

const MEMBERSHIP_TOKEN: &str = "membership-feed-token-0001";
const PROVINCE_15_TOKEN: &str = "province-15-aggregates-0001";
const PROVINCE_12_TOKEN: &str = "province-12-aggregates-0001";

/// A membership service that serves `WatchChanges` only: a commune of province 15 and a
/// heartbeat, recording the `authorization` header of each subscription.
#[derive(Clone)]
struct ScriptedFeed {
    authorizations: Arc<Mutex<Vec<String>>>,
    shutdown: CancellationToken,
}

/// Every method but `WatchChanges` is UNIMPLEMENTED. (A macro around the whole impl, so that
/// `async_trait` sees expanded methods.)
macro_rules! scripted_service {
    ($($method:ident($request:ty) -> $response:ty;)*) => {
        #[tonic::async_trait]
        impl MembershipService for ScriptedFeed {
            $(async fn $method(&self, _: Request<$request>) -> Result<Response<$response>, Status> {
                Err(Status::unimplemented("scripted feed"))
            })*

            type WatchChangesStream = ReceiverStream<Result<m::WatchChangesResponse, Status>>;

            async fn watch_changes(
                &self,
                request: Request<m::WatchChangesRequest>,
            ) -> Result<Response<Self::WatchChangesStream>, Status> {
                let authorization = request
                    .metadata()
                    .get("authorization")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                self.authorizations.lock().expect("lock").push(authorization.clone());
                if authorization != format!("Bearer {MEMBERSHIP_TOKEN}") {
                    return Err(Status::unauthenticated("wrong token"));
                }
                Ok(Response::new(self.watch()))
            }
        }
    };
}

scripted_service! {
    get_commune(m::GetCommuneRequest) -> m::Commune;
    list_communes(m::ListCommunesRequest) -> m::ListCommunesResponse;
    create_commune(m::CreateCommuneRequest) -> m::Commune;
    update_commune(m::UpdateCommuneRequest) -> m::Commune;
    get_cell(m::GetCellRequest) -> m::Cell;
    list_cells(m::ListCellsRequest) -> m::ListCellsResponse;
    create_cell(m::CreateCellRequest) -> m::Cell;
    update_cell(m::UpdateCellRequest) -> m::Cell;
    get_member(m::GetMemberRequest) -> m::Member;
    list_members(m::ListMembersRequest) -> m::ListMembersResponse;
    create_member(m::CreateMemberRequest) -> m::Member;
    update_member(m::UpdateMemberRequest) -> m::Member;
    record_admission(m::RecordAdmissionRequest) -> m::Member;
    record_ceremony(m::RecordCeremonyRequest) -> m::Member;
    recognize_official(m::RecognizeOfficialRequest) -> m::Member;
    transfer_member(m::TransferMemberRequest) -> m::Member;
    exempt_member(m::ExemptMemberRequest) -> m::Member;
    end_exemption(m::EndExemptionRequest) -> m::Member;
    record_departure(m::RecordDepartureRequest) -> m::Member;
    record_discipline(m::RecordDisciplineRequest) -> m::Member;
    list_member_events(m::ListMemberEventsRequest) -> m::ListMemberEventsResponse;
    get_feed_head(m::GetFeedHeadRequest) -> m::FeedHead;
    import_roster(m::ImportRosterRequest) -> m::ImportRosterResponse;
    list_identity_conflicts(m::ListIdentityConflictsRequest) -> m::ListIdentityConflictsResponse;
    resolve_identity_conflict(m::ResolveIdentityConflictRequest) -> m::IdentityConflict;
}

impl ScriptedFeed {
    fn watch(&self) -> ReceiverStream<Result<m::WatchChangesResponse, Status>> {
        let (sender, receiver) = mpsc::channel(4);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            let commune = m::Change {
                moved_from_commune: String::new(),
                trace_parent: String::new(),
                sequence: 1,
                commit_time: Some(db::timestamp(1_650_000_000_000_000)),
                resource: Some(m::change::Resource::Commune(m::Commune {
                    name: "communes/02680".into(),
                    code: "02680".into(),
                    display_name: "Xã Hợp Thành".into(),
                    province_code: "15".into(),
                    valid_from: "2020-01-01".into(),
                    ..m::Commune::default()
                })),
                events: Vec::new(),
            };
            let events = [
                m::watch_changes_response::Event::Change(commune),
                m::watch_changes_response::Event::Heartbeat(m::Heartbeat {
                    head_sequence: 1,
                    time: None,
                }),
            ];
            for event in events {
                let message = m::WatchChangesResponse { event: Some(event) };
                if sender.send(Ok(message)).await.is_err() {
                    return;
                }
            }
            shutdown.cancelled().await;
        });
        ReceiverStream::new(receiver)
    }
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key generation"))
        .expect("CA certificate")
}

/// A certificate and key (PEM) for `name`, signed by `issuer`.
fn leaf(issuer: &CertifiedIssuer<'static, KeyPair>, name: &str, client: bool) -> (String, String) {
    let key = KeyPair::generate().expect("key generation");
    let mut params = CertificateParams::new(vec![name.to_owned()]).expect("valid name");
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![if client {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    let cert = params.signed_by(&key, issuer).expect("leaf certificate");
    (cert.pem(), key.serialize_pem())
}

/// A directory of files for one test, removed at the end.
struct Files(PathBuf);

impl Files {
    fn new(label: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("reporting_{label}_{}_{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        Self(dir)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("file is written");
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn token_file(files: &Files) -> PathBuf {
    let entry = |token: &str, subject: &str, province: &str| {
        format!(
            r#"{{"token":"{token}","claims":{{"iss":"test","sub":"{subject}","exp":4102444800,"provinces":["{province}"],"rights":["aggregates"]}}}}"#
        )
    };
    files.write(
        "tokens.json",
        &format!(
            r#"{{"tokens":[{},{}]}}"#,
            entry(PROVINCE_15_TOKEN, "tinh-15", "15"),
            entry(PROVINCE_12_TOKEN, "tinh-12", "12")
        ),
    )
}

async fn serve_feed(
    feed: ScriptedFeed,
    tls: ServerTlsConfig,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let shutdown = feed.shutdown.clone();
    let task = tokio::spawn(async move {
        Server::builder()
            .tls_config(tls)
            .expect("TLS configuration")
            .add_service(MembershipServiceServer::new(feed))
            .serve_with_incoming_shutdown(
                TcpListenerStream::new(listener),
                shutdown.cancelled_owned(),
            )
            .await
            .expect("scripted feed serves");
    });
    (format!("https://127.0.0.1:{}", address.port()), task)
}

#[tokio::test]
async fn consumer_follows_membership_over_mutual_tls_with_its_token_and_serves_over_tls() {
    let files = Files::new("secure");
    let authority = ca("Test CA");
    let ca_path = files.write("ca.pem", &authority.pem());
    let (membership_cert, membership_key) = leaf(&authority, "127.0.0.1", false);
    let (reporting_cert, reporting_key) = leaf(&authority, "127.0.0.1", false);
    let (client_cert, client_key) = leaf(&authority, "reporting", true);

    // Membership demands a client certificate from the test CA and the feed token.
    let feed = ScriptedFeed {
        authorizations: Arc::default(),
        shutdown: CancellationToken::new(),
    };
    let feed_tls = ServerTlsConfig::new()
        .identity(Identity::from_pem(&membership_cert, &membership_key))
        .client_ca_root(Certificate::from_pem(authority.pem()));
    let (membership_url, feed_task) = serve_feed(feed.clone(), feed_tls).await;

    let mut config = Config::new(
        format!("sqlite://{}", files.path("reporting.db").display()),
        membership_url,
    );
    config.plaintext = false;
    config.allow_unauthenticated = false;
    config.tls_cert = Some(files.write("reporting.pem", &reporting_cert));
    config.tls_key = Some(files.write("reporting.key", &reporting_key));
    config.token_file = Some(token_file(&files));
    config.membership_ca = Some(ca_path.clone());
    config.membership_cert = Some(files.write("client.pem", &client_cert));
    config.membership_key = Some(files.write("client.key", &client_key));
    config.membership_token_file = Some(files.write("membership-token", MEMBERSHIP_TOKEN));

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("address").port()
    );
    let shutdown = CancellationToken::new();
    let service = tokio::spawn(run(config, listener, shutdown.clone()));

    let security = |token: Option<&str>| ClientSecurity {
        ca_pem: Some(authority.pem().into_bytes()),
        identity: None,
        token: token.map(str::to_owned),
    };
    let mut client = None;
    for _ in 0..100 {
        if let Ok(transport) = connect(&url, &security(Some(PROVINCE_15_TOKEN))).await {
            client = Some(ReportingServiceClient::new(transport));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut client = client.expect("reporting answers over TLS");

    // The consumer reaches membership through mutual TLS with its token and applies the feed.
    let mut caught_up = false;
    for _ in 0..200 {
        let freshness = client
            .get_freshness(GetFreshnessRequest {})
            .await
            .expect("freshness with a valid token")
            .into_inner();
        if freshness.connected && freshness.last_applied_sequence == 1 {
            caught_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(caught_up, "the consumer follows the feed over TLS");
    let seen = feed.authorizations.lock().expect("lock").clone();
    assert!(
        seen.iter()
            .all(|a| *a == format!("Bearer {MEMBERSHIP_TOKEN}")),
        "{seen:?}"
    );

    // A token of province 15 reads its commune; one of province 12 is refused; no token is
    // unauthenticated.
    let report = GetCommuneReportRequest {
        commune: "communes/02680".into(),
        as_of_date: "2026-06-30".into(),
    };
    client
        .get_commune_report(report.clone())
        .await
        .expect("in scope");
    let mut other = ReportingServiceClient::new(
        connect(&url, &security(Some(PROVINCE_12_TOKEN)))
            .await
            .expect("connects"),
    );
    let status = other
        .get_commune_report(report.clone())
        .await
        .expect_err("another province");
    assert_eq!(status.code(), Code::PermissionDenied);
    let mut anonymous =
        ReportingServiceClient::new(connect(&url, &security(None)).await.expect("connects"));
    let status = anonymous
        .get_commune_report(report)
        .await
        .expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
    // A plain-text client gets nothing from a TLS server.
    let plain = ClientSecurity {
        token: Some(PROVINCE_15_TOKEN.into()),
        ..ClientSecurity::default()
    };
    let plain_url = url.replacen("https://", "http://", 1);
    if let Ok(transport) = connect(&plain_url, &plain).await {
        let mut plain_client = ReportingServiceClient::new(transport);
        assert!(
            plain_client
                .get_freshness(GetFreshnessRequest {})
                .await
                .is_err()
        );
    }

    shutdown.cancel();
    service
        .await
        .expect("service task")
        .expect("service stops cleanly");
    feed.shutdown.cancel();
    let _ = feed_task.await;
    files.remove();
}

async fn start_error(config: Config) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    run(config, listener, CancellationToken::new())
        .await
        .expect_err("refused at start-up")
        .to_string()
}

fn database_url(files: &Files) -> String {
    format!("sqlite://{}", files.path("refused.db").display())
}

fn exists(path: &Path) -> bool {
    path.exists()
}

#[tokio::test]
async fn start_up_without_tls_or_tokens_is_refused_unless_asked_for() {
    let files = Files::new("refused");
    let mut config = Config::new(database_url(&files), "http://127.0.0.1:1");
    config.plaintext = false;
    let error = start_error(config).await;
    assert!(
        error.contains("--tls-cert") && error.contains("--plaintext"),
        "{error}"
    );

    let mut config = Config::new(database_url(&files), "http://127.0.0.1:1");
    config.allow_unauthenticated = false;
    let error = start_error(config).await;
    assert!(error.contains("--allow-unauthenticated"), "{error}");

    let mut config = Config::new(database_url(&files), "https://127.0.0.1:1");
    config.plaintext = false;
    config.tls_cert = Some(files.write("cert.pem", "not used"));
    config.tls_key = Some(files.write("key.pem", "not used"));
    let error = start_error(config).await;
    assert!(error.contains("--membership-ca"), "{error}");
    // Nothing was opened or written.
    assert!(!exists(&files.path("refused.db")));
    files.remove();
}
