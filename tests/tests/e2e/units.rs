//! A commune keeps the province it was recorded under and is shown, beside it, in the province it
//! belongs to today, following the province merges.

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_tests::{Backend, Pair, on_each_backend};

use crate::fixtures;

on_each_backend! {
    a_commune_shows_its_province_today;
}

async fn a_commune_shows_its_province_today(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "units").await?;
    // The reference merges move province 10 (the former Lào Cai) into 15 on 2025-07-01.
    fixtures::commune_in(&mut pair.membership, "03031", "10").await?;
    fixtures::commune_in(&mut pair.membership, "03032", "15").await?;
    let moved = pair
        .membership
        .get_commune(pb::GetCommuneRequest {
            name: "communes/03031".into(),
        })
        .await?
        .into_inner();
    assert_eq!(
        (
            moved.province_code.as_str(),
            moved.current_province_code.as_str()
        ),
        ("10", "15")
    );
    let listed = pair
        .membership
        .list_communes(pb::ListCommunesRequest::default())
        .await?
        .into_inner();
    let provinces: Vec<(&str, &str, &str)> = listed
        .communes
        .iter()
        .map(|c| {
            (
                c.code.as_str(),
                c.province_code.as_str(),
                c.current_province_code.as_str(),
            )
        })
        .collect();
    assert_eq!(provinces, [("03031", "10", "15"), ("03032", "15", "15")]);
    pair.finish().await
}
