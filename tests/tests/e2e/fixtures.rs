//! Small synthetic fixtures written through the API.

use partyregistry_kit::BoxError;
use partyregistry_kit::client::Transport;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;

pub type Client = MembershipServiceClient<Transport>;

/// Creates commune `code` of province 10 with no area flags.
pub async fn commune(client: &mut Client, code: &str) -> Result<pb::Commune, BoxError> {
    commune_in(client, code, "10").await
}

/// Creates commune `code` of `province` with no area flags.
pub async fn commune_in(
    client: &mut Client,
    code: &str,
    province: &str,
) -> Result<pb::Commune, BoxError> {
    Ok(client
        .create_commune(new_commune(code, province))
        .await?
        .into_inner())
}

/// The request creating commune `code` of `province` with no area flags.
pub fn new_commune(code: &str, province: &str) -> pb::CreateCommuneRequest {
    pb::CreateCommuneRequest {
        commune: Some(pb::Commune {
            code: code.into(),
            display_name: format!("Xã Thử Nghiệm {code}"),
            province_code: province.into(),
            valid_from: "2008-01-01".into(),
            ..Default::default()
        }),
        request_id: String::new(),
    }
}

/// Creates a cell `id` of `kind` in commune `code`.
pub async fn cell(
    client: &mut Client,
    code: &str,
    id: &str,
    display_name: &str,
    kind: pb::CellKind,
) -> Result<pb::Cell, BoxError> {
    let cell = pb::Cell {
        display_name: display_name.into(),
        kind: kind as i32,
        open_date: "2000-01-01".into(),
        ..Default::default()
    };
    let request = pb::CreateCellRequest {
        parent: format!("communes/{code}"),
        cell_id: id.into(),
        cell: Some(cell),
        request_id: String::new(),
    };
    Ok(client.create_cell(request).await?.into_inner())
}

/// A valid new member of `cell`, probationary after a ceremony on `ceremony`.
pub fn new_member(
    cell: &str,
    full_name: &str,
    birth_date: &str,
    decision: &str,
    ceremony: &str,
) -> pb::Member {
    pb::Member {
        full_name: full_name.into(),
        gender: pb::Gender::Female as i32,
        birth_date: birth_date.into(),
        ethnicity_code: "09".into(),
        general_education: pb::GeneralEducation::UpperSecondary as i32,
        cell: cell.into(),
        admission: Some(pb::Admission {
            decision_date: decision.into(),
            decision_number: "01-QĐ/ĐU".into(),
            ceremony_date: ceremony.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A vote that passes: 6 of 9.
pub fn passing_vote() -> pb::VoteTally {
    pb::VoteTally {
        eligible: 9,
        present: 8,
        yes: 6,
        no: 2,
    }
}

/// The request that admits `member`.
pub fn admission(member: pb::Member, request_id: &str) -> pb::RecordAdmissionRequest {
    pb::RecordAdmissionRequest {
        member: Some(member),
        cell_vote: Some(passing_vote()),
        deciding_body: "Đảng ủy xã".into(),
        request_id: request_id.into(),
        cell_vote_date: String::new(),
    }
}

/// Admits a probationary member of `cell`.
pub async fn admit(
    client: &mut Client,
    cell: &str,
    full_name: &str,
) -> Result<pb::Member, BoxError> {
    let member = new_member(cell, full_name, "1995-04-12", "2022-03-01", "2022-03-20");
    Ok(client
        .record_admission(admission(member, ""))
        .await?
        .into_inner())
}

/// A commune `02680` with cells `a` (residential) and `b` (school), on a fresh membership
/// service; returns the two cell names.
pub async fn small_commune(client: &mut Client) -> Result<(String, String), BoxError> {
    commune(client, "02680").await?;
    let a = cell(
        client,
        "02680",
        "a",
        "Chi bộ thôn Ánh Dương",
        pb::CellKind::Residential,
    )
    .await?;
    let b = cell(
        client,
        "02680",
        "b",
        "Chi bộ Trường Tiểu học",
        pb::CellKind::School,
    )
    .await?;
    Ok((a.name, b.name))
}

/// A membership service on a fresh database, with a client.
pub struct Membership {
    pub client: Client,
    running: partyregistry_tests::Running,
    database: partyregistry_tests::TestDatabase,
}

impl Membership {
    /// Starts the membership service alone on `backend`.
    pub async fn start(
        backend: partyregistry_tests::Backend,
        label: &str,
    ) -> Result<Self, BoxError> {
        let database = partyregistry_tests::TestDatabase::create(backend, label).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let running = partyregistry_tests::start_membership(&database.url, listener).await?;
        let client = partyregistry_tests::membership_client(&running).await?;
        Ok(Self {
            client,
            running,
            database,
        })
    }

    /// A new transport to the service, for calls the generated client cannot make.
    pub async fn transport(&self) -> Result<partyregistry_kit::client::Transport, BoxError> {
        self.running.connect().await
    }

    /// The feed's head now.
    pub async fn head(&mut self) -> Result<i64, BoxError> {
        partyregistry_tests::feed_head(&mut self.client).await
    }

    /// Stops the service and removes its database.
    pub async fn finish(self) -> Result<(), BoxError> {
        self.running.stop().await?;
        self.database.remove().await;
        Ok(())
    }
}

/// Checks that `result` failed with `code` and a field violation (or precondition) naming
/// `field`.
pub fn assert_rejected<T: std::fmt::Debug>(
    result: Result<tonic::Response<T>, tonic::Status>,
    code: tonic::Code,
    field: &str,
) {
    use tonic_types::StatusExt;
    let status = result.expect_err("the request must be rejected");
    assert_eq!(status.code(), code, "{status:?}");
    let details = status.get_error_details();
    let fields: Vec<String> = details
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default();
    assert!(
        fields.iter().any(|f| f == field),
        "expected a violation of {field}, got {fields:?} ({status:?})"
    );
    assert!(
        details
            .error_info()
            .is_some_and(|info| !info.reason.is_empty()),
        "ErrorInfo with a reason is attached"
    );
}
