//! The audit trail on both backends: listing, group commit, append-only guards, the chain.

use super::*;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

#[test]
fn filters_parse() {
    assert_eq!(parse_filter(""), Ok(vec![]));
    assert_eq!(
        parse_filter(r#"subject = "a \"b\"" AND outcome="OK""#),
        Ok(vec![
            (Field::Subject, r#"a "b""#.to_owned()),
            (Field::Outcome, "OK".to_owned())
        ])
    );
    assert_eq!(
        parse_filter(r#"method = "x AND y""#),
        Ok(vec![(Field::Method, "x AND y".to_owned())])
    );
    for bad in [
        r#"subject = a"#,
        r#"subject = "a""#.trim_end_matches('"'),
        r#"name = "a""#,
        r#"subject = "a" subject = "b""#,
        r#"subject = "a" AND subject = "b""#,
        r#"subject = "a" AND"#,
        r#"subject = "a" OR outcome = "OK""#,
        r#"subject != "a""#,
        r#"subject = "\n""#,
    ] {
        assert!(parse_filter(bad).is_err(), "{bad}");
    }
}

#[test]
fn page_tokens_parse() {
    assert_eq!(parse_page_token(""), Ok(i64::MAX));
    assert_eq!(parse_page_token("a42"), Ok(42));
    for bad in ["42", "a", "a-1", "a0", "a+4", "ax"] {
        assert!(parse_page_token(bad).is_err(), "{bad}");
    }
}

#[test]
fn code_names_are_upper_snake_case() {
    assert_eq!(code_name(Code::Ok), "OK");
    assert_eq!(code_name(Code::PermissionDenied), "PERMISSION_DENIED");
    assert_eq!(code_name(Code::Unauthenticated), "UNAUTHENTICATED");
}

/// A temporary SQLite database holding the audit table, and its file.
pub(crate) async fn sqlite_pool() -> (AnyPool, std::path::PathBuf) {
    sqlx::any::install_default_drivers();
    let path = std::env::temp_dir().join(format!(
        "kit-audit-{}-{}.db",
        std::process::id(),
        now_micros()
    ));
    let pool = AnyPoolOptions::new()
        .max_connections(2)
        .connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("temporary SQLite database opens");
    pool.execute(AUDIT_TABLE_SQL)
        .await
        .expect("audit DDL runs on SQLite");
    pool.execute(AUDIT_CHAIN_SQL)
        .await
        .expect("chain DDL runs on SQLite");
    (pool, path)
}

fn record(subject: &str, method: &str, outcome: &str) -> AuditRecord {
    AuditRecord {
        subject: subject.into(),
        method: method.into(),
        resources: vec!["members/1".into(), "communes/15001".into()],
        personal_fields: subject == "alice",
        outcome: outcome.into(),
        detail: String::new(),
    }
}

/// The same story on each backend: record, list newest first, page, filter, reject bad input.
async fn trail_lists_newest_first(log: &AuditLog) {
    for i in 0..7 {
        let subject = if i % 2 == 0 { "alice" } else { "bob" };
        let outcome = if i == 3 { "PERMISSION_DENIED" } else { "OK" };
        log.record(record(subject, &format!("/s/M{i}"), outcome))
            .await;
    }
    let all = log
        .list(&audit_pb::ListAuditEntriesRequest::default())
        .await
        .expect("list");
    let methods: Vec<_> = all.entries.iter().map(|e| e.method.as_str()).collect();
    assert_eq!(
        methods,
        [
            "/s/M6", "/s/M5", "/s/M4", "/s/M3", "/s/M2", "/s/M1", "/s/M0"
        ]
    );
    assert!(all.next_page_token.is_empty());
    let first = &all.entries[0];
    assert_eq!(first.name, "auditEntries/7");
    assert_eq!(first.resources, ["members/1", "communes/15001"]);
    assert!(first.personal_fields);
    assert!(first.time.is_some());

    let mut pages = Vec::new();
    let mut token = String::new();
    loop {
        let page = log
            .list(&audit_pb::ListAuditEntriesRequest {
                page_size: 3,
                page_token: token.clone(),
                filter: String::new(),
            })
            .await
            .expect("page");
        pages.push(page.entries.len());
        token = page.next_page_token;
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(pages, [3, 3, 1]);

    let bob = log
        .list(&audit_pb::ListAuditEntriesRequest {
            filter: r#"subject = "bob" AND outcome = "OK""#.into(),
            ..Default::default()
        })
        .await
        .expect("filtered");
    let methods: Vec<_> = bob.entries.iter().map(|e| e.method.as_str()).collect();
    assert_eq!(methods, ["/s/M5", "/s/M1"]);
    let denied = log
        .list(&audit_pb::ListAuditEntriesRequest {
            filter: r#"outcome = "PERMISSION_DENIED""#.into(),
            ..Default::default()
        })
        .await
        .expect("filtered");
    assert_eq!(denied.entries.len(), 1);

    for request in [
        audit_pb::ListAuditEntriesRequest {
            page_size: -1,
            ..Default::default()
        },
        audit_pb::ListAuditEntriesRequest {
            page_token: "garbage".into(),
            ..Default::default()
        },
        audit_pb::ListAuditEntriesRequest {
            filter: "subject = bob".into(),
            ..Default::default()
        },
    ] {
        assert!(matches!(
            log.list(&request).await,
            Err(ApiError::InvalidArgument(_))
        ));
    }
}

/// Concurrent calls never collide on an id, and each returns only once its own entry is
/// committed (whichever batch carried it).
async fn concurrent_records_all_land(log: &AuditLog) {
    let entries = |filter: String| {
        let log = log.clone();
        async move {
            log.list(&audit_pb::ListAuditEntriesRequest {
                page_size: 500,
                filter,
                ..Default::default()
            })
            .await
            .expect("list")
            .entries
        }
    };
    let before = entries(String::new()).await.len();
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move {
                let method = format!("/c/{i}");
                log.record(record("carol", &method, "OK")).await;
                log.list(&audit_pb::ListAuditEntriesRequest {
                    filter: format!("method = \"{method}\""),
                    ..Default::default()
                })
                .await
                .expect("list")
                .entries
                .len()
            })
        })
        .collect();
    for call in calls {
        assert_eq!(
            call.await.expect("call task"),
            1,
            "committed before returning"
        );
    }
    let after = entries(String::new()).await;
    assert_eq!(after.len(), before + 64);
    let names: std::collections::BTreeSet<_> = after.iter().map(|e| &e.name).collect();
    assert_eq!(names.len(), after.len(), "ids are unique");
}

/// Every way of rewriting the trail is refused by the database, and the entries stay; a
/// second `open` (a restart) installs the guards again without error.
async fn entries_cannot_be_rewritten(pool: &AnyPool, backend: Backend) {
    let count = || async {
        sqlx::query("select count(*) as n from audit_entries")
            .fetch_one(pool)
            .await
            .expect("count")
            .get::<i64, _>("n")
    };
    let before = count().await;
    assert!(before > 0);
    let mut attempts = vec![
        "update audit_entries set subject = 'mallory'",
        "delete from audit_entries",
    ];
    if backend == Backend::Postgres {
        attempts.push("truncate audit_entries");
    }
    for attempt in attempts {
        let error = pool
            .execute(attempt)
            .await
            .expect_err("the trail refuses to be rewritten");
        assert!(
            error.to_string().contains("append-only"),
            "{attempt}: {error}"
        );
    }
    assert_eq!(count().await, before);
    AuditLog::open(&Database::new(pool.clone(), backend))
        .await
        .expect("guards reinstall on restart");
}

#[tokio::test]
async fn sqlite_trail_records_and_lists() {
    let (pool, path) = sqlite_pool().await;
    let log = AuditLog::open(&Database::new(pool.clone(), Backend::Sqlite))
        .await
        .expect("append-only guards install on SQLite");
    trail_lists_newest_first(&log).await;
    concurrent_records_all_land(&log).await;
    entries_cannot_be_rewritten(&pool, Backend::Sqlite).await;
    let verified = log.verify().await.expect("verify");
    assert!(verified.intact(), "{verified:?}");
    assert_eq!((verified.checked, verified.head_id), (71, 71));
    pool.close().await;
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn record_without_table_does_not_fail() {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite opens");
    // No table: the write fails, is logged, and record returns normally.
    AuditLog::new(&Database::new(pool, Backend::Sqlite))
        .record(record("alice", "/s/M", "OK"))
        .await;
}

#[tokio::test]
async fn postgres_trail_records_and_lists() {
    if crate::test_database::postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL audit test skipped");
        return;
    }
    let database = crate::test_database::TestDatabase::create(Backend::Postgres, "kit_audit")
        .await
        .expect("test database is created");
    let pool = AnyPool::connect(&database.url)
        .await
        .expect("test database opens");
    pool.execute(AUDIT_TABLE_SQL)
        .await
        .expect("audit DDL runs on PostgreSQL");
    pool.execute(AUDIT_CHAIN_SQL)
        .await
        .expect("chain DDL runs on PostgreSQL");
    let log = AuditLog::open(&Database::new(pool.clone(), Backend::Postgres))
        .await
        .expect("append-only guards install on PostgreSQL");
    trail_lists_newest_first(&log).await;
    concurrent_records_all_land(&log).await;
    entries_cannot_be_rewritten(&pool, Backend::Postgres).await;
    let verified = log.verify().await.expect("verify");
    assert!(verified.intact(), "{verified:?}");
    assert_eq!((verified.checked, verified.head_id), (71, 71));
    pool.close().await;
    database.remove().await;
}

/// A new trail in `pool` (any earlier one dropped) holding six entries.
async fn fresh_trail(pool: &AnyPool, backend: Backend) -> AuditLog {
    for table in ["audit_entries", "audit_head"] {
        pool.execute(format!("drop table if exists {table}").as_str())
            .await
            .expect("old trail dropped");
    }
    pool.execute(AUDIT_TABLE_SQL).await.expect("audit DDL");
    pool.execute(AUDIT_CHAIN_SQL).await.expect("chain DDL");
    let log = AuditLog::open(&Database::new(pool.clone(), backend))
        .await
        .expect("guards install");
    for i in 0..6 {
        log.record(record("alice", &format!("/t/M{i}"), "OK")).await;
    }
    log
}

/// What someone who can run DDL does first: drops the append-only guards.
async fn drop_guards(pool: &AnyPool, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &[
            "drop trigger audit_entries_no_update",
            "drop trigger audit_entries_no_delete",
        ],
        Backend::Postgres => &["drop trigger audit_entries_no_change on audit_entries"],
    };
    for statement in statements {
        pool.execute(*statement).await.expect("guard dropped");
    }
}

/// An untouched trail verifies; an edited, deleted (in the middle or at the end) or reordered
/// entry is named as the first bad one; entries from before the chain are counted, not checked.
async fn tampering_is_caught(pool: &AnyPool, backend: Backend) {
    let log = fresh_trail(pool, backend).await;
    let verified = log.verify().await.expect("verify");
    assert!(verified.intact(), "{verified:?}");
    assert_eq!(
        (verified.checked, verified.unchained, verified.head_id),
        (6, 0, 6)
    );
    assert_eq!(verified.head_hash.len(), 64);

    // A second writer on the same database (another process of the service): each writer finds
    // the head moved by the other and chains onto it.
    let other = AuditLog::new(&Database::new(pool.clone(), backend));
    for i in 0..4 {
        let writer = if i % 2 == 0 { &other } else { &log };
        writer
            .record_durably(record("carol", &format!("/t/O{i}"), "OK"))
            .await
            .expect("stored");
    }
    let verified = log.verify().await.expect("verify");
    assert!(verified.intact(), "{verified:?}");
    assert_eq!((verified.checked, verified.head_id), (10, 10));

    let tampers: [(&[&str], i64, &str); 5] = [
        (
            &["insert into audit_entries \
               (id, time_us, subject, method, resources, personal_fields, outcome, detail) \
               values (7, 7, 'x', '/s/M', '[]', 0, 'OK', '')"],
            7,
            "cấp số",
        ),
        (
            &["update audit_entries set detail = 'đã xem' where id = 3"],
            3,
            "sửa",
        ),
        (&["delete from audit_entries where id = 4"], 4, "xoá"),
        (&["delete from audit_entries where id = 6"], 6, "xoá"),
        (
            &[
                "update audit_entries set id = -1 where id = 2",
                "update audit_entries set id = 2 where id = 5",
                "update audit_entries set id = 5 where id = -1",
            ],
            2,
            "nối tiếp",
        ),
    ];
    for (statements, bad_id, why) in tampers {
        let log = fresh_trail(pool, backend).await;
        drop_guards(pool, backend).await;
        for statement in statements {
            pool.execute(*statement).await.expect("tampered");
        }
        let verified = log.verify().await.expect("verify");
        let (id, problem) = verified.first_bad.clone().expect("tampering found");
        assert_eq!(id, bad_id, "{statements:?}: {problem}");
        assert!(problem.contains(why), "{statements:?}: {problem}");
    }

    // A trail from before the chain: its two entries are counted as unchained, and the chain
    // starts after them.
    for table in ["audit_entries", "audit_head"] {
        pool.execute(format!("drop table if exists {table}").as_str())
            .await
            .expect("old trail dropped");
    }
    pool.execute(AUDIT_TABLE_SQL).await.expect("audit DDL");
    pool.execute(
        "insert into audit_entries \
         (id, time_us, subject, method, resources, personal_fields, outcome, detail) values \
         (1, 1, 'a', '/s/M', '[]', 0, 'OK', ''), (2, 2, 'b', '/s/M', '[]', 1, 'OK', '')",
    )
    .await
    .expect("earlier entries");
    pool.execute("update audit_head set last_id = 2")
        .await
        .expect("earlier head");
    pool.execute(AUDIT_CHAIN_SQL).await.expect("chain DDL");
    let log = AuditLog::open(&Database::new(pool.clone(), backend))
        .await
        .expect("guards install");
    for i in 0..3 {
        log.record(record("bob", &format!("/t/N{i}"), "OK")).await;
    }
    let verified = log.verify().await.expect("verify");
    assert!(verified.intact(), "{verified:?}");
    assert_eq!(
        (verified.checked, verified.unchained, verified.head_id),
        (3, 2, 5)
    );
}

#[tokio::test]
async fn sqlite_tampering_is_caught() {
    let (pool, path) = sqlite_pool().await;
    tampering_is_caught(&pool, Backend::Sqlite).await;
    pool.close().await;
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn postgres_tampering_is_caught() {
    if crate::test_database::postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL audit test skipped");
        return;
    }
    let database = crate::test_database::TestDatabase::create(Backend::Postgres, "kit_chain")
        .await
        .expect("test database is created");
    let pool = AnyPool::connect(&database.url)
        .await
        .expect("test database opens");
    tampering_is_caught(&pool, Backend::Postgres).await;
    pool.close().await;
    database.remove().await;
}

/// When the batch cannot be committed, every caller waiting on it is refused: none is told its
/// entry is stored.
#[tokio::test]
async fn a_failed_commit_fails_every_waiting_call() {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite opens");
    let log = AuditLog::new(&Database::new(pool, Backend::Sqlite));
    let calls: Vec<_> = (0..32)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move {
                log.record_durably(record("alice", &format!("/f/{i}"), "OK"))
                    .await
            })
        })
        .collect();
    for call in calls {
        assert!(matches!(
            call.await.expect("call task"),
            Err(ApiError::Unavailable(_))
        ));
    }
}
