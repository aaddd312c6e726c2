//! Revocation by token id: adding a token's `jti` to the revoked-tokens file both services
//! follow makes them refuse it (UNAUTHENTICATED, audited) within seconds, without a restart,
//! while other tokens go on working.

use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_kit::auth::{Claims, Right};
use partyregistry_kit::revocation::TOKEN_REVOKED;
use partyregistry_proto::audit::v1 as audit;
use partyregistry_proto::audit::v1::audit_service_client::AuditServiceClient;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_client::MembershipServiceClient;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, REVOKED_TOKENS, Running, Secrets};
use tonic::Code;

/// Whether a membership call with `token` is refused as revoked (`Ok(false)` while it passes).
async fn membership_refuses(
    membership: &Running,
    secrets: &Secrets,
    token: &str,
) -> Result<bool, BoxError> {
    let answer = MembershipServiceClient::new(
        membership
            .connect_as(&secrets.client(Some(token.to_owned())))
            .await?,
    )
    .list_communes(pb::ListCommunesRequest::default())
    .await;
    match answer {
        Ok(_) => Ok(false),
        Err(status) if status.code() == Code::Unauthenticated => {
            assert_eq!(status.message(), TOKEN_REVOKED, "{status:?}");
            Ok(true)
        }
        Err(status) => Err(status.into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_revoked_token_is_refused_by_both_services_without_a_restart() -> Result<(), BoxError> {
    let secrets = Secrets::create("revocation")?;
    let mut pair = Pair::start_secured(Backend::Sqlite, "revocation", &secrets).await?;
    let token_with_id = |jti: &str| {
        secrets.token(Claims {
            sub: "tinh-15-he-thong".into(),
            jti: jti.into(),
            provinces: vec!["15".into()],
            rights: vec![Right::Aggregates, Right::Records],
            ..Claims::default()
        })
    };
    let leaked = token_with_id("ma-bi-lo-1")?;
    let kept = token_with_id("ma-con-dung-2")?;
    let membership = pair.membership_service()?;
    assert!(!membership_refuses(membership, &secrets, &leaked).await?);

    std::fs::write(
        secrets.path(REVOKED_TOKENS),
        "# lộ trên máy tính xách tay\nma-bi-lo-1\n",
    )?;
    partyregistry_tests::poll(Duration::from_secs(15), || {
        membership_refuses(membership, &secrets, &leaked)
    })
    .await?;
    assert!(!membership_refuses(membership, &secrets, &kept).await?);

    let reporting = pair.reporting_service();
    partyregistry_tests::poll(Duration::from_secs(15), || async {
        let answer = partyregistry_tests::ReportingClient::new(
            reporting
                .connect_as(&secrets.client(Some(leaked.clone())))
                .await?,
        )
        .get_freshness(report::GetFreshnessRequest {})
        .await;
        Ok(matches!(answer, Err(status) if status.code() == Code::Unauthenticated))
    })
    .await?;

    let refusals = AuditServiceClient::new(membership.connect().await?)
        .list_audit_entries(audit::ListAuditEntriesRequest {
            filter: r#"outcome = "UNAUTHENTICATED""#.into(),
            page_size: 500,
            ..Default::default()
        })
        .await?
        .into_inner()
        .entries;
    assert!(
        refusals.iter().any(|entry| entry.detail == TOKEN_REVOKED),
        "the refusal is audited"
    );
    pair.caught_up().await?;
    pair.finish().await?;
    secrets.remove();
    Ok(())
}
