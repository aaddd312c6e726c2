//! The gate over an in-memory resolver and a SQLite audit trail: the order of the checks, the
//! scope rules (merges followed, names unreadable or unknown refused alike), the token's own
//! consistency under both kinds of resolver, carried requests, and which answers are audited.

use std::collections::{BTreeSet, HashMap};

use tonic::Code;

use super::*;
use crate::audit::AuditLog;
use crate::auth::{Caller, Right};
use crate::db::{Backend, Database};
use crate::error::ApiError;
use partyregistry_proto::audit::v1::{AuditEntry, ListAuditEntriesRequest};
use partyregistry_vocab::date::Date;
use partyregistry_vocab::names;

/// Commune 01001 lies in province 01, merged into 02; 02001 in 02; 03001 in 03.
fn units() -> (HashMap<String, String>, Vec<(String, String)>) {
    let communes = [("01001", "01"), ("02001", "02"), ("03001", "03")]
        .into_iter()
        .map(|(commune, province)| (commune.to_owned(), province.to_owned()))
        .collect();
    (communes, vec![("01".to_owned(), "02".to_owned())])
}

async fn place(target: &Target) -> Result<Option<RecordedPlace>, ApiError> {
    let (communes, _) = units();
    let Target::Commune(name) = target else {
        return Ok(None);
    };
    let Ok(code) = names::parse_commune("name", name) else {
        return Ok(None);
    };
    Ok(communes.get(&code).map(|province| RecordedPlace {
        commune: code.clone(),
        province: Some(province.clone()),
    }))
}

/// The record of the units.
#[derive(Debug, Clone)]
struct Record;

impl ScopeResolver for Record {
    const UNITS: Units = Units::Recorded;
    const SCOPE_MISMATCH: &'static str = "record mismatch";

    async fn recorded_place(&self, target: &Target) -> Result<Option<RecordedPlace>, ApiError> {
        place(target).await
    }

    async fn province_successions(&self, _day: Date) -> Result<Successions, ApiError> {
        Ok(Successions::from_merges(units().1))
    }
}

/// A read model of the units: communes it has not seen are known by name only.
#[derive(Debug, Clone)]
struct Follower;

impl ScopeResolver for Follower {
    const UNITS: Units = Units::Followed;
    const SCOPE_MISMATCH: &'static str = "follower mismatch";

    async fn recorded_place(&self, target: &Target) -> Result<Option<RecordedPlace>, ApiError> {
        Ok(place(target).await?.or_else(|| match target {
            Target::Commune(name) => Some(RecordedPlace {
                commune: names::parse_commune("name", name).ok()?,
                province: None,
            }),
            _ => None,
        }))
    }

    async fn province_successions(&self, _day: Date) -> Result<Successions, ApiError> {
        Ok(Successions::from_merges(units().1))
    }
}

/// A request naming `targets`.
struct Ask(Vec<Target>);

impl<R> Addressed<R> for Ask {
    fn targets(&self) -> Vec<Target> {
        self.0.clone()
    }
}

/// A request carrying another method's request.
struct Export(Option<(&'static str, Ask)>);

impl<R> Addressed<R> for Export {
    fn targets(&self) -> Vec<Target> {
        Vec::new()
    }

    fn carried(&self) -> Option<(&'static str, &dyn Addressed<R>)> {
        self.0
            .as_ref()
            .map(|(method, ask)| (*method, ask as &dyn Addressed<R>))
    }
}

/// A reply carrying one person with a personal field.
struct Person {
    name: String,
    phone: String,
}

impl<R> Reply<R> for Person {
    fn people(&self) -> Vec<String> {
        vec![self.name.clone()]
    }

    fn redact(&mut self) {
        self.phone.clear();
    }
}

const GET: &str = "/t.v1.S/Get";
const READ: &str = "/t.v1.S/Read";
const REPORT: &str = "/t.v1.S/Report";
const EXPORT: &str = "/t.v1.S/Export";
const SET: &str = "/t.v1.S/Set";

const TABLE: &[(&str, Rule)] = &[
    (
        GET,
        Rule {
            right: Some(Right::Aggregates),
            scope: Scope::Addressed,
            audit: Audit::Failures,
        },
    ),
    (
        READ,
        Rule {
            right: Some(Right::Records),
            scope: Scope::Addressed,
            audit: Audit::Every,
        },
    ),
    (
        REPORT,
        Rule {
            right: Some(Right::Aggregates),
            scope: Scope::Addressed,
            audit: Audit::Refusals,
        },
    ),
    (
        EXPORT,
        Rule {
            right: None,
            scope: Scope::Carried(Right::Aggregates),
            audit: Audit::Every,
        },
    ),
    (
        SET,
        Rule {
            right: Some(Right::Write),
            scope: Scope::National,
            audit: Audit::Every,
        },
    ),
];

async fn audit_log() -> (AuditLog, std::path::PathBuf) {
    let (pool, path) = crate::audit::tests::sqlite_pool().await;
    (AuditLog::new(&Database::new(pool, Backend::Sqlite)), path)
}

async fn entries(log: &AuditLog) -> Vec<AuditEntry> {
    log.list(&ListAuditEntriesRequest {
        page_size: 500,
        ..Default::default()
    })
    .await
    .expect("the trail lists")
    .entries
}

fn caller(provinces: &[&str], communes: &[&str], rights: &[Right]) -> Caller {
    Caller {
        subject: "s".to_owned(),
        national: false,
        provinces: provinces.iter().map(|p| (*p).to_owned()).collect(),
        communes: communes.iter().map(|c| (*c).to_owned()).collect(),
        rights: rights.iter().copied().collect(),
    }
}

fn commune(code: &str) -> Target {
    Target::Commune(names::commune(code))
}

fn refusal<T: std::fmt::Debug>(result: Result<T, tonic::Status>) -> (Code, String) {
    let status = result.expect_err("refused");
    (status.code(), status.message().to_owned())
}

#[tokio::test]
async fn scopes_are_decided_and_refusals_audited() {
    let (log, path) = audit_log().await;
    let gate = Gate::new(TABLE, Record, log.clone(), "t.partyregistry");
    let province_2 = caller(&["02"], &[], &[Right::Records]);

    // Recorded in 01, which became 02: in scope; 03 is not, nor an unknown or unreadable name.
    assert!(
        gate.check(GET, &province_2, &Ask(vec![commune("01001")]))
            .await
            .is_ok()
    );
    for targets in [
        vec![commune("03001")],
        vec![commune("09999")],
        vec![Target::Commune("nonsense".into())],
        vec![commune("02001"), commune("03001")],
        vec![Target::Country],
        vec![Target::Province("03".into())],
        vec![Target::Missing],
        vec![],
    ] {
        assert_eq!(
            refusal(gate.check(GET, &province_2, &Ask(targets.clone())).await),
            (Code::PermissionDenied, OUT_OF_SCOPE.to_owned()),
            "{targets:?}"
        );
    }
    assert!(
        gate.check(GET, &province_2, &Ask(vec![Target::Province("02".into())]))
            .await
            .is_ok()
    );
    // A commune listed by the token, and a new commune put in a seen province.
    let one_commune = caller(&[], &["03001"], &[Right::Aggregates]);
    assert!(
        gate.check(GET, &one_commune, &Ask(vec![commune("03001")]))
            .await
            .is_ok()
    );
    let new_commune = Target::NewCommune {
        code: "01999".into(),
        province: "01".into(),
    };
    assert!(
        gate.check(GET, &province_2, &Ask(vec![new_commune]))
            .await
            .is_ok()
    );
    // The right before the scope; national writes need a national token.
    let (code, message) = refusal(
        gate.check(READ, &one_commune, &Ask(vec![commune("03001")]))
            .await,
    );
    assert_eq!(
        (code, message.contains("records")),
        (Code::PermissionDenied, true)
    );
    let writer = caller(&["02"], &[], &[Right::Write]);
    assert_eq!(
        refusal(gate.check(SET, &writer, &Ask(vec![])).await),
        (Code::PermissionDenied, OUT_OF_SCOPE.to_owned())
    );
    let national = Caller::unrestricted("n");
    assert!(gate.check(SET, &national, &Ask(vec![])).await.is_ok());
    assert!(
        gate.check(GET, &national, &Ask(vec![commune("09999")]))
            .await
            .is_ok()
    );
    // No verified caller, or a method without a rule.
    assert_eq!(
        refusal(gate.check(GET, &Caller::nobody(), &Ask(vec![])).await).0,
        Code::Unauthenticated
    );
    assert_eq!(
        refusal(gate.check("/t.v1.S/Other", &national, &Ask(vec![])).await).0,
        Code::PermissionDenied
    );

    // Every refusal is in the trail, with the names the request addressed.
    let trail = entries(&log).await;
    assert!(trail.iter().any(|e| e.method == GET
        && e.outcome == "PERMISSION_DENIED"
        && e.resources == ["communes/03001"]
        && e.detail == OUT_OF_SCOPE));
    assert!(
        trail
            .iter()
            .any(|e| e.outcome == "UNAUTHENTICATED" && e.subject.is_empty())
    );
    assert!(trail.iter().all(|e| e.outcome != "OK"));
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_token_naming_a_commune_outside_its_provinces_is_unauthenticated() {
    let (log, path) = audit_log().await;
    let record = Gate::new(TABLE, Record, log.clone(), "t.partyregistry");
    let follower = Gate::new(TABLE, Follower, log.clone(), "t.partyregistry");
    let ask = Ask(vec![commune("02001")]);

    // 01001 lies in 02 today: consistent.
    let consistent = caller(&["02"], &["01001"], &[Right::Aggregates]);
    assert!(record.check(GET, &consistent, &ask).await.is_ok());
    assert!(follower.check(GET, &consistent, &ask).await.is_ok());
    let outside = caller(&["02"], &["03001"], &[Right::Aggregates]);
    assert_eq!(
        refusal(record.check(GET, &outside, &ask).await),
        (Code::Unauthenticated, "record mismatch".to_owned())
    );
    assert_eq!(
        refusal(follower.check(GET, &outside, &ask).await),
        (Code::Unauthenticated, "follower mismatch".to_owned())
    );
    // A commune nobody knows: the record refuses it, a follower waits to learn of it.
    let unknown = caller(&["02"], &["09999"], &[Right::Aggregates]);
    assert_eq!(
        refusal(record.check(GET, &unknown, &ask).await).0,
        Code::Unauthenticated
    );
    assert!(follower.check(GET, &unknown, &ask).await.is_ok());
    // A follower knows a commune by name: the caller listing it sees it, nobody else.
    let listed = caller(&[], &["09999"], &[Right::Aggregates]);
    assert!(
        follower
            .check(GET, &listed, &Ask(vec![commune("09999")]))
            .await
            .is_ok()
    );
    assert_eq!(
        refusal(
            follower
                .check(GET, &listed, &Ask(vec![commune("09998")]))
                .await
        )
        .0,
        Code::PermissionDenied
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn carried_requests_follow_the_rule_inside() {
    let (log, path) = audit_log().await;
    let gate = Gate::new(TABLE, Record, log.clone(), "t.partyregistry");
    let aggregates = caller(&["02"], &[], &[Right::Aggregates]);
    let export = |method, targets| Export(Some((method, Ask(targets))));

    let grant = gate
        .check(EXPORT, &aggregates, &export(GET, vec![commune("02001")]))
        .await
        .expect("the report inside is in scope");
    assert_eq!(grant.resources, ["communes/02001"]);
    assert_eq!(grant.rule.audit, Audit::Every);
    let (code, message) = refusal(
        gate.check(EXPORT, &aggregates, &export(READ, vec![commune("02001")]))
            .await,
    );
    assert_eq!(
        (code, message.contains("records")),
        (Code::PermissionDenied, true)
    );
    assert_eq!(
        refusal(
            gate.check(EXPORT, &aggregates, &export(GET, vec![commune("03001")]))
                .await
        )
        .1,
        OUT_OF_SCOPE
    );
    // Nothing carried: a national caller with the least right goes on to hear what is missing.
    assert_eq!(
        refusal(gate.check(EXPORT, &aggregates, &Export(None)).await).1,
        OUT_OF_SCOPE
    );
    let national = Caller {
        national: true,
        ..caller(&[], &[], &[Right::Aggregates])
    };
    assert!(gate.check(EXPORT, &national, &Export(None)).await.is_ok());
    let admin = Caller {
        national: true,
        ..caller(&[], &[], &[Right::Admin])
    };
    assert_eq!(
        refusal(gate.check(EXPORT, &admin, &Export(None)).await).0,
        Code::PermissionDenied
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn answers_are_shaped_and_audited_as_the_rule_says() {
    let (log, path) = audit_log().await;
    let gate = Gate::new(TABLE, Record, log.clone(), "t.partyregistry");
    let person = || Person {
        name: "members/1".into(),
        phone: "0900000000".into(),
    };
    let ask = || Ask(vec![commune("02001")]);
    let reader = caller(&["02"], &[], &[Right::Records]);
    let personal = caller(&["02"], &[], &[Right::Records, Right::Personal]);

    let read = gate.check(READ, &reader, &ask()).await.expect("in scope");
    let answered = read.finish(Ok(person())).await.expect("answered");
    assert!(answered.phone.is_empty(), "personal fields cleared");
    let read = gate.check(READ, &personal, &ask()).await.expect("in scope");
    let answered = read.finish(Ok(person())).await.expect("answered");
    assert_eq!(answered.phone, "0900000000");
    let failed: Result<Person, ApiError> = Err(ApiError::invalid("phone", "0900000000 is bad"));
    assert_eq!(
        read.finish(failed)
            .await
            .map(|_| ())
            .expect_err("failed")
            .code(),
        Code::InvalidArgument
    );

    // Failures only, and refusals only.
    let get = gate.check(GET, &reader, &ask()).await.expect("in scope");
    get.finish(Ok(person())).await.expect("answered");
    get.finish::<Person>(Err(ApiError::NotFound {
        resource_type: "t.v1.Thing",
        name: "things/1".into(),
    }))
    .await
    .map(|_| ())
    .expect_err("not found");
    let report = gate.check(REPORT, &reader, &ask()).await.expect("in scope");
    report
        .finish::<Person>(Err(ApiError::Internal("database: gone".into())))
        .await
        .map(|_| ())
        .expect_err("internal");

    let trail = entries(&log).await;
    let of = |method: &str| -> Vec<(String, bool, String, BTreeSet<String>)> {
        trail
            .iter()
            .filter(|e| e.method == method)
            .rev()
            .map(|e| {
                (
                    e.outcome.clone(),
                    e.personal_fields,
                    e.detail.clone(),
                    e.resources.iter().cloned().collect(),
                )
            })
            .collect()
    };
    let both: BTreeSet<String> = ["communes/02001".to_owned(), "members/1".to_owned()].into();
    let scope: BTreeSet<String> = ["communes/02001".to_owned()].into();
    assert_eq!(
        of(READ),
        [
            ("OK".to_owned(), false, String::new(), both.clone()),
            ("OK".to_owned(), true, String::new(), both),
            (
                "INVALID_ARGUMENT".to_owned(),
                false,
                "invalid fields: phone".to_owned(),
                scope.clone()
            ),
        ]
    );
    assert_eq!(
        of(GET),
        [(
            "NOT_FOUND".to_owned(),
            false,
            "not found: things/1".to_owned(),
            scope
        )]
    );
    assert!(of(REPORT).is_empty());
    let _ = std::fs::remove_file(&path);
}
