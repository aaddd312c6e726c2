//! `WatchChanges`: replays the feed from the caller's cursor, then follows new commits, sending
//! only what the caller's grant covers (reference data to everyone; a member or candidate that
//! leaves the caller's scope as a `left_scope` notice) and auditing what was sent.

use std::pin::Pin;
use std::time::Duration;

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tonic::Status;

use crate::authz::{Authz, Grant, Reply};

use super::{MembershipApi, status};

/// Changes read from the database per round trip of a replay, and accounted for by one audit
/// entry: large, so that a follower replaying a province's history waits on few round trips.
const FEED_BATCH: i64 = 2_000;
/// An idle follower reads nothing: commits wake it (this process's through
/// [`crate::service::Membership::subscribe`], other processes' through PostgreSQL's
/// notifications), and it sends a heartbeat this often without touching the database.
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);

/// What the feed does with one change for one caller.
enum FeedDecision {
    /// Send it.
    Send,
    /// Leave it out: it is outside the caller's scope.
    Skip,
    /// Send a `left_scope` notice for this member or candidate instead.
    LeftScope(String),
}

/// The scope filter and audit counters of one `WatchChanges` stream.
struct FeedScope {
    caller: partyregistry_kit::auth::Caller,
    personal: bool,
    /// Commune code → whether the caller sees it, resolved once per stream.
    seen: std::collections::HashMap<String, bool>,
    /// Member or candidate name → commune code, for changes that name only a member.
    owners: std::collections::HashMap<String, String>,
    /// Changes sent since the last audit entry, and of those the member or candidate records.
    changes: u64,
    records: u64,
    people: Vec<String>,
    /// Changes and records sent since the stream began, for its closing entry.
    total_changes: u64,
    total_records: u64,
}

impl FeedScope {
    fn new(grant: &Grant) -> Self {
        Self {
            caller: grant.caller.clone(),
            personal: grant.caller.has(partyregistry_kit::auth::Right::Personal),
            seen: std::collections::HashMap::new(),
            owners: std::collections::HashMap::new(),
            changes: 0,
            records: 0,
            people: Vec::new(),
            total_changes: 0,
            total_records: 0,
        }
    }

    /// What `change` becomes for this caller: reference data always goes; a change of a
    /// commune's resources only when the commune is in scope; a change that moves a member or
    /// candidate out of the scope goes as a `left_scope` notice without the new state. The commune
    /// moved from is cleared when the caller does not see it.
    async fn decide(
        &mut self,
        authz: &Authz,
        grant: &Grant,
        change: &mut pb::Change,
    ) -> Result<FeedDecision, ApiError> {
        if grant.caller.national {
            return Ok(FeedDecision::Send);
        }
        let Some(commune) = self.commune_of(authz, change).await? else {
            return Ok(FeedDecision::Send);
        };
        let moved_from = std::mem::take(&mut change.moved_from_commune);
        let came_from_scope = !moved_from.is_empty() && self.sees(authz, &moved_from).await?;
        if self.sees(authz, &commune).await? {
            if came_from_scope {
                change.moved_from_commune = moved_from;
            }
            return Ok(FeedDecision::Send);
        }
        match &change.resource {
            Some(
                resource @ (pb::change::Resource::Member(_) | pb::change::Resource::Candidate(_)),
            ) if came_from_scope => Ok(FeedDecision::LeftScope(
                crate::service::resource_name(resource).to_owned(),
            )),
            _ => Ok(FeedDecision::Skip),
        }
    }

    /// Whether the caller sees commune `code`, resolved once per stream.
    async fn sees(&mut self, authz: &Authz, code: &str) -> Result<bool, ApiError> {
        if let Some(seen) = self.seen.get(code) {
            return Ok(*seen);
        }
        let seen = match authz.recorded_commune_place(code).await? {
            Some(recorded) => authz.sees_recorded(&self.caller, recorded).await?,
            None => false,
        };
        self.seen.insert(code.to_owned(), seen);
        Ok(seen)
    }

    /// The commune a change belongs to; `None` for reference data (provinces, merges, rule
    /// versions, holidays).
    async fn commune_of(
        &mut self,
        authz: &Authz,
        change: &pb::Change,
    ) -> Result<Option<String>, ApiError> {
        use pb::change::Resource;
        let from_name = |name: &str| -> Option<String> {
            name.strip_prefix("communes/")
                .map(|rest| rest.split('/').next().unwrap_or_default().to_owned())
        };
        let name = match &change.resource {
            Some(Resource::Commune(c)) => return Ok(Some(c.code.clone())),
            Some(Resource::Member(m)) => {
                if let Some(code) = from_name(&m.cell) {
                    self.owners.insert(m.name.clone(), code.clone());
                    return Ok(Some(code));
                }
                m.name.clone()
            }
            Some(Resource::Candidate(c)) => {
                if let Some(code) = from_name(&c.cell) {
                    self.owners.insert(c.name.clone(), code.clone());
                    return Ok(Some(code));
                }
                c.name.clone()
            }
            Some(Resource::Cell(c)) => c.name.clone(),
            Some(Resource::Target(t)) => t.name.clone(),
            Some(Resource::CellPlan(p)) => p.name.clone(),
            Some(Resource::CellRating(r)) => r.name.clone(),
            Some(Resource::MemberRating(r)) => r.name.clone(),
            Some(Resource::DeletedResource(name) | Resource::LeftScope(name)) => name.clone(),
            Some(
                Resource::RuleVersion(_)
                | Resource::Holiday(_)
                | Resource::Province(_)
                | Resource::Merge(_),
            )
            | None => return Ok(None),
        };
        if let Some(code) = from_name(&name) {
            return Ok(Some(code));
        }
        // `members/{id}…` or `candidates/{id}…`: the person's commune, as last seen on the feed
        // or looked up.
        let mut parts = name.splitn(3, '/');
        let (Some(kind), Some(id)) = (parts.next(), parts.next()) else {
            return Ok(None);
        };
        let person = format!("{kind}/{id}");
        if let Some(code) = self.owners.get(&person) {
            return Ok(Some(code.clone()));
        }
        let target = match kind {
            "members" => crate::authz::Target::Member(person.clone()),
            "candidates" => crate::authz::Target::Candidate(person.clone()),
            _ => return Ok(None),
        };
        // A person who cannot be found is not shown to a scoped consumer: an empty code is
        // never in scope.
        let code = authz
            .recorded_place_of(&target)
            .await?
            .map(|place| place.commune)
            .unwrap_or_default();
        self.owners.insert(person, code.clone());
        Ok(Some(code))
    }

    fn sent(&mut self, change: &pb::Change) {
        use crate::authz::Reply;
        self.changes += 1;
        self.total_changes += 1;
        let people = change.people();
        if !people.is_empty() {
            self.records += 1;
            self.total_records += 1;
            for name in people {
                if !self.people.contains(&name) {
                    self.people.push(name);
                }
            }
        }
    }

    /// Commits the audit entry of the records about to be sent (those counted since the last
    /// entry), before they are sent: records leave only with their entry stored. Fails with
    /// UNAVAILABLE when the trail cannot be written.
    async fn account_for_records(&mut self, grant: &Grant) -> Result<(), ApiError> {
        let detail = format!(
            "{} changes sent ({} member or candidate records)",
            self.changes, self.records
        );
        let people = std::mem::take(&mut self.people);
        grant
            .record_durably(people, self.personal, "OK", detail)
            .await?;
        self.changes = 0;
        self.records = 0;
        Ok(())
    }

    /// Writes the closing entry of the stream, with what it sent in all.
    async fn close(&mut self, grant: &Grant) {
        let detail = format!(
            "{} changes sent ({} member or candidate records); stream ended",
            self.total_changes, self.total_records
        );
        let people = std::mem::take(&mut self.people);
        grant
            .record(people, self.personal && self.records > 0, "OK", detail)
            .await;
    }
}

pub(super) type WatchStream =
    Pin<Box<dyn Stream<Item = Result<pb::WatchChangesResponse, Status>> + Send>>;

impl MembershipApi {
    /// Follows the feed for one stream, auditing it: before each page that carries member or
    /// candidate records, an entry naming them, committed before they are sent; when the stream
    /// ends, one with the counts of the whole stream in `detail`.
    pub(super) async fn watch(
        self,
        cursor: i64,
        sender: mpsc::Sender<Result<pb::WatchChangesResponse, Status>>,
        grant: Grant,
    ) {
        let mut feed = FeedScope::new(&grant);
        self.follow_feed(cursor, sender, &grant, &mut feed).await;
        feed.close(&grant).await;
    }

    /// Sends changes after `cursor` until the client goes away or the service shuts down: only
    /// those in the caller's scope (reference data to everyone), personal fields cleared without
    /// the right.
    async fn follow_feed(
        &self,
        mut cursor: i64,
        sender: mpsc::Sender<Result<pb::WatchChangesResponse, Status>>,
        grant: &Grant,
        feed: &mut FeedScope,
    ) {
        let mut commits = self.membership.subscribe();
        loop {
            let (changes, head) = match self.membership.changes_after(cursor, FEED_BATCH).await {
                Ok(page) => page,
                Err(error) => {
                    let _ = sender.send(Err(status(error))).await;
                    return;
                }
            };
            metrics::gauge!("partyregistry_feed_head_sequence", "service" => "membership")
                .set(head as f64);
            let caught_up = (changes.len() as i64) < FEED_BATCH;
            let mut outgoing = Vec::with_capacity(changes.len());
            for mut change in changes {
                cursor = change.sequence;
                match feed.decide(&self.authz, grant, &mut change).await {
                    Ok(FeedDecision::Send) => {}
                    Ok(FeedDecision::Skip) => continue,
                    Ok(FeedDecision::LeftScope(name)) => {
                        change = pb::Change {
                            sequence: change.sequence,
                            commit_time: change.commit_time.take(),
                            resource: Some(pb::change::Resource::LeftScope(name)),
                            ..Default::default()
                        };
                    }
                    Err(error) => {
                        let _ = sender.send(Err(status(error))).await;
                        return;
                    }
                }
                if !feed.personal {
                    change.redact();
                }
                feed.sent(&change);
                outgoing.push(change);
            }
            // The page's records leave only once their audit entry is committed.
            if feed.records > 0
                && let Err(error) = feed.account_for_records(grant).await
            {
                let _ = sender.send(Err(status(error))).await;
                return;
            }
            for change in outgoing {
                let message = pb::WatchChangesResponse {
                    event: Some(pb::watch_changes_response::Event::Change(change)),
                };
                if sender.send(Ok(message)).await.is_err() {
                    return;
                }
            }
            if !caught_up {
                continue;
            }
            // Caught up: a heartbeat now, then one every HEARTBEAT_INTERVAL until a commit wakes
            // the stream to read again.
            let mut head = head.max(cursor);
            loop {
                let heartbeat = pb::Heartbeat {
                    head_sequence: head,
                    time: Some(timestamp(partyregistry_kit::db::now_micros())),
                };
                let message = pb::WatchChangesResponse {
                    event: Some(pb::watch_changes_response::Event::Heartbeat(heartbeat)),
                };
                if sender.send(Ok(message)).await.is_err() {
                    return;
                }
                tokio::select! {
                    () = self.shutdown.cancelled() => return,
                    () = sender.closed() => return,
                    changed = tokio::time::timeout(HEARTBEAT_INTERVAL, commits.changed()) => {
                        match changed {
                            Ok(Ok(())) => break,
                            Ok(Err(_)) => return,
                            // Nothing committed meanwhile: the head is where it was.
                            Err(_) => head = head.max(*commits.borrow()),
                        }
                    }
                }
            }
        }
    }
}
