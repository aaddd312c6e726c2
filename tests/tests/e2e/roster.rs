//! Rosters: Vietnamese collation by given name, diacritic-insensitive search, pagination and
//! filters, identical on both backends.

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_tests::{Backend, on_each_backend};

use crate::fixtures::{self, Membership};

on_each_backend! {
    roster_is_ordered_by_given_name_with_vietnamese_collation;
    name_search_ignores_diacritics_and_filters_combine;
}

const PEOPLE: [&str; 8] = [
    "Trần Văn Ước",
    "Lê Thị Ánh",
    "Đặng Hoàng Long",
    "Nguyễn Văn Dũng",
    "Bàn Thị Đào",
    "Lý An",
    "Hoàng Văn Ân",
    "Vàng A Ưng",
];

async fn roster_is_ordered_by_given_name_with_vietnamese_collation(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "roster").await?;
    let (a, _) = fixtures::small_commune(&mut service.client).await?;
    for person in PEOPLE {
        fixtures::admit(&mut service.client, &a, person).await?;
    }
    let mut names = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let request = pb::ListMembersRequest {
            parent: "communes/02680".into(),
            page_size: 3,
            page_token,
            filter: String::new(),
        };
        let page = service.client.list_members(request).await?.into_inner();
        names.extend(page.members.into_iter().map(|m| m.full_name));
        pages += 1;
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    // An < Ánh (a, then tones only at the second level) < Ân (a < â); Dũng < Đào (d < đ);
    // Ưng < Ước (n < ơ).
    assert_eq!(
        names,
        [
            "Lý An",
            "Lê Thị Ánh",
            "Hoàng Văn Ân",
            "Nguyễn Văn Dũng",
            "Bàn Thị Đào",
            "Đặng Hoàng Long",
            "Vàng A Ưng",
            "Trần Văn Ước"
        ]
    );
    let bad = pb::ListMembersRequest {
        parent: "communes/02680".into(),
        page_token: "not-a-token".into(),
        ..Default::default()
    };
    fixtures::assert_rejected(
        service.client.list_members(bad).await,
        tonic::Code::InvalidArgument,
        "page_token",
    );
    service.finish().await
}

async fn name_search_ignores_diacritics_and_filters_combine(
    backend: Backend,
) -> Result<(), BoxError> {
    let mut service = Membership::start(backend, "search").await?;
    let (a, b) = fixtures::small_commune(&mut service.client).await?;
    for person in PEOPLE {
        fixtures::admit(&mut service.client, &a, person).await?;
    }
    fixtures::admit(&mut service.client, &b, "Đặng Văn Hoàng").await?;
    let search = |filter: &str| pb::ListMembersRequest {
        parent: "communes/02680".into(),
        filter: filter.into(),
        ..Default::default()
    };
    let found = service
        .client
        .list_members(search(r#"name : "dang hoang long""#))
        .await?
        .into_inner()
        .members;
    assert_eq!(
        found
            .iter()
            .map(|m| m.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Đặng Hoàng Long"]
    );
    let found = service
        .client
        .list_members(search(r#"name : "DANG HOANG""#))
        .await?
        .into_inner()
        .members;
    assert_eq!(found.len(), 2);
    let found = service
        .client
        .list_members(search(&format!(r#"name : "hoang" AND cell = "{b}""#)))
        .await?
        .into_inner()
        .members;
    assert_eq!(
        found
            .iter()
            .map(|m| m.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Đặng Văn Hoàng"]
    );
    let found = service
        .client
        .list_members(search("status = OFFICIAL"))
        .await?
        .into_inner()
        .members;
    assert!(found.is_empty(), "everyone is probationary");
    let found = service
        .client
        .list_members(search("status = PROBATIONARY AND assignment = LOCAL"))
        .await?
        .into_inner()
        .members;
    assert_eq!(found.len(), PEOPLE.len() + 1);
    fixtures::assert_rejected(
        service
            .client
            .list_members(search("birth_date = 1990"))
            .await,
        tonic::Code::InvalidArgument,
        "filter",
    );
    service.finish().await
}
