//! Storage conformance of the membership store, run directly (no gRPC) on each backend: the same
//! calls must give the same results on SQLite and PostgreSQL.

use partyregistry_kit::BoxError;
use partyregistry_kit::db;
use partyregistry_kit::error::ApiError;
use partyregistry_membership::domain::{Cell, CellKind, Commune};
use partyregistry_membership::store::{Store, feed, organisations};
use partyregistry_tests::{Backend, TestDatabase, on_each_backend};
use partyregistry_vocab::date;

on_each_backend! {
    store_round_trips_and_checks_versions;
    store_feed_is_ordered_and_requests_are_unique;
    store_rolls_back_everything_of_a_failed_transaction;
}

async fn open(backend: Backend, label: &str) -> Result<(Store, TestDatabase), BoxError> {
    let database = TestDatabase::create(backend, label).await?;
    let connected = db::connect(&database.url, &partyregistry_membership::MIGRATIONS).await?;
    Ok((Store::new(connected), database))
}

fn commune(code: &str, display_name: &str) -> Result<Commune, BoxError> {
    Ok(Commune {
        code: code.into(),
        display_name: display_name.into(),
        province_code: "15".into(),
        valid_from: date::parse("2025-07-01")?,
        valid_to: None,
        area_flags: Vec::new(),
    })
}

fn cell(id: &str, display_name: &str) -> Result<Cell, BoxError> {
    Ok(Cell {
        commune_code: "02680".into(),
        cell_id: id.into(),
        display_name: display_name.into(),
        kind: CellKind::Residential,
        open_date: date::parse("2025-07-01")?,
        close_date: None,
    })
}

async fn store_round_trips_and_checks_versions(backend: Backend) -> Result<(), BoxError> {
    let (store, database) = open(backend, "store_versions").await?;
    let mut tx = store.begin().await?;
    organisations::insert_commune(tx.conn(), &commune("02680", "Xã Hợp Thành")?, 1).await?;
    for (id, name) in [
        ("c", "Chi bộ Đông"),
        ("a", "Chi bộ Dương"),
        ("b", "Chi bộ Ánh"),
        ("d", "Chi bộ Ân"),
    ] {
        organisations::insert_cell(tx.conn(), &cell(id, name)?, 1).await?;
    }
    tx.commit().await?;

    let mut tx = store.begin().await?;
    let duplicate =
        organisations::insert_commune(tx.conn(), &commune("02680", "Xã khác")?, 2).await;
    assert!(
        matches!(duplicate, Err(ApiError::AlreadyExists { .. })),
        "{duplicate:?}"
    );
    drop(tx);

    let mut tx = store.begin().await?;
    let renamed = commune("02680", "Xã Hợp Thành mới")?;
    let updated = organisations::update_commune(tx.conn(), &renamed, 1, 3).await?;
    assert_eq!(
        (updated.version, updated.commune.display_name.as_str()),
        (2, "Xã Hợp Thành mới")
    );
    let stale = organisations::update_commune(tx.conn(), &renamed, 1, 4).await;
    assert!(matches!(stale, Err(ApiError::Aborted { .. })), "{stale:?}");
    tx.commit().await?;

    let mut conn = store.pool().acquire().await?;
    let (first, token) = organisations::list_cells(&mut conn, "02680", None, "", 3).await?;
    let (rest, last) = organisations::list_cells(&mut conn, "02680", None, &token, 3).await?;
    let names: Vec<_> = first
        .iter()
        .chain(rest.iter())
        .map(|c| c.cell.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Chi bộ Ánh", "Chi bộ Ân", "Chi bộ Dương", "Chi bộ Đông"],
        "Vietnamese order"
    );
    assert!(last.is_empty());
    drop(conn);
    database.remove().await;
    Ok(())
}

async fn store_feed_is_ordered_and_requests_are_unique(backend: Backend) -> Result<(), BoxError> {
    let (store, database) = open(backend, "store_feed").await?;
    for (i, payload) in [b"one".as_slice(), b"two", b"three"]
        .into_iter()
        .enumerate()
    {
        let mut tx = store.begin().await?;
        let sequence = tx
            .append_changes(
                vec![("communes/02680".to_owned(), payload.to_vec())],
                10 + i as i64,
            )
            .await?;
        assert_eq!(sequence, i as i64 + 1);
        assert!(feed::claim_request(tx.conn(), "c", &format!("r{i}"), "Test", payload, 1).await?);
        feed::settle_request(tx.conn(), "c", &format!("r{i}"), sequence).await?;
        tx.commit().await?;
    }
    let mut conn = store.pool().acquire().await?;
    assert_eq!(feed::head(&mut conn).await?, 3);
    let after_one = feed::changes_after(&mut conn, 1, 10).await?;
    assert_eq!(
        after_one.iter().map(|c| c.sequence).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(after_one[0].payload, b"two");
    let found = feed::find_request(&mut conn, "c", "r1")
        .await?
        .ok_or("request r1 is recorded")?;
    assert_eq!((found.method.as_str(), found.sequence), ("Test", 2));
    drop(conn);
    let mut tx = store.begin().await?;
    assert!(
        !feed::claim_request(tx.conn(), "c", "r1", "Test", b"two", 1).await?,
        "an id is recorded once per caller"
    );
    assert!(
        feed::claim_request(tx.conn(), "other", "r1", "Test", b"two", 1).await?,
        "another caller's id is its own"
    );
    drop(tx);
    database.remove().await;
    Ok(())
}

async fn store_rolls_back_everything_of_a_failed_transaction(
    backend: Backend,
) -> Result<(), BoxError> {
    let (store, database) = open(backend, "store_rollback").await?;
    let mut tx = store.begin().await?;
    organisations::insert_commune(tx.conn(), &commune("02680", "Xã Hợp Thành")?, 1).await?;
    tx.append_changes(vec![("communes/02680".to_owned(), b"x".to_vec())], 1)
        .await?;
    drop(tx);
    let mut conn = store.pool().acquire().await?;
    assert!(
        organisations::get_commune(&mut conn, "02680")
            .await?
            .is_none()
    );
    assert_eq!(
        feed::head(&mut conn).await?,
        0,
        "the sequence is not consumed"
    );
    drop(conn);
    database.remove().await;
    Ok(())
}
