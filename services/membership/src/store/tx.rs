//! The seam between the commands and the database: a [`Store`] hands out [`Tx`]s, and a `Tx`
//! owns its connection and offers every statement of the store as a method, so that the layers
//! above never name a connection or a query.
//!
//! The statements themselves are functions of the resource modules ([`super::organisations`],
//! [`super::members`], …) on a bare connection, where the storage conformance tests call them
//! directly; the table at the end of this file lists which of them a `Tx` offers.

use partyregistry_kit::db::{Database, PlannerStatistics};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::{RuleTable, RuleVersion};
use partyregistry_vocab::date::Date;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use tokio::sync::OwnedMutexGuard;

use super::group::{GroupedWrite, WriteGroups};
use super::identity::{CitizenIdHolder, PlacedConflict};
use super::import::{ImportedRow, StoredIdentity};
use super::units::ProvinceRecord;
use super::{
    CandidateFilter, CandidateRecord, CellRecord, CommuneRecord, EventRecord, MemberFilter,
    MemberRecord, RuleVersionRecord, StoredChange, StoredRequest, candidates, feed, holidays,
    identity, import, members, organisations, planning, ratings, rules, scope, units,
};
use crate::domain::admission::CellRoll;
use crate::domain::identity::{ConflictState, IdentityConflict, NewConflict};
use crate::domain::units::{Province, UnitLevel, UnitMerge};
use crate::domain::{Cell, CellKind, Commune, Member, MemberEvent};

/// The membership database.
#[derive(Debug, Clone)]
pub struct Store {
    database: Database,
    groups: WriteGroups,
    /// The statistics of the tables a roster import grows (see [`Store::bulk_committed`]).
    imported: PlannerStatistics,
}

/// The tables a roster import grows, the members first (whose size paces their analysis).
const IMPORTED_TABLES: &[&str] = &["members", "member_events", "imported_rows", "changes"];

impl Store {
    /// Wraps a connected, migrated database.
    pub fn new(database: Database) -> Self {
        Self {
            groups: WriteGroups::new(database.clone()),
            imported: PlannerStatistics::new(IMPORTED_TABLES),
            database,
        }
    }

    /// Records that a committed import batch wrote `rows` rows (members, units), so that the
    /// planner's statistics of the tables it grows are refreshed as it goes (see
    /// [`PlannerStatistics`]): the batch's lookups by citizen id and by row key stay on their
    /// indexes however large the import makes the tables.
    pub fn bulk_committed(&self, rows: usize) {
        self.imported.committed(&self.database, rows);
    }

    /// The database, for other writers to it (the audit trail), which share its writer lock.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The pool, for statements run outside a [`Tx`].
    pub fn pool(&self) -> &AnyPool {
        &self.database.pool
    }

    /// Starts a write transaction, serialised with every other writer of the process on SQLite.
    pub async fn begin(&self) -> Result<Tx, ApiError> {
        let writer = self.database.lock_writer().await;
        Ok(Tx {
            session: Session::Write(self.database.pool.begin().await?),
            _writer: writer,
        })
    }

    /// Starts a command's writes in the group commit (see [`super::group`]): its statements run
    /// in the group's transaction after those of the commands before it, and
    /// [`Tx::commit`] returns once the group's commit is durable.
    pub async fn begin_command(&self) -> Result<Tx, ApiError> {
        Ok(Tx {
            session: Session::Grouped(self.groups.join().await?),
            _writer: None,
        })
    }

    /// Folds into the rows of the members an earlier version stored what it kept beside them
    /// (see [`members::fold_legacy_extras`]), in a transaction of its own; run at start, before
    /// serving. Returns how many members were folded: none once done.
    pub async fn fold_legacy_member_lists(&self) -> Result<u64, ApiError> {
        let mut tx = self.begin().await?;
        let folded = members::fold_legacy_extras(tx.conn()).await?;
        tx.commit().await?;
        Ok(folded)
    }

    /// How many commands wait to join the group commit, for tests that line commands up.
    #[cfg(test)]
    pub fn commands_queued(&self) -> usize {
        self.groups.queued()
    }

    /// A connection for reads: each statement sees what was committed when it runs, and nothing
    /// is held between statements (no transaction, no writer lock).
    pub async fn read(&self) -> Result<Tx, ApiError> {
        Ok(Tx {
            session: Session::Read(self.database.pool.acquire().await?),
            _writer: None,
        })
    }
}

/// What a [`Tx`] runs its statements on.
enum Session {
    /// A transaction, committed by [`Tx::commit`] and rolled back when dropped before.
    Write(Transaction<'static, Any>),
    /// A pooled connection for reads.
    Read(PoolConnection<Any>),
    /// A command's part of a group commit.
    Grouped(GroupedWrite),
}

/// A unit of work on the store: a write transaction from [`Store::begin`] (on SQLite it also
/// holds the process's writer lock), a command's writes in a group commit from
/// [`Store::begin_command`], or a read connection from [`Store::read`].
pub struct Tx {
    session: Session,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    /// The connection to run statements on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        match &mut self.session {
            Session::Write(tx) => tx,
            Session::Read(conn) => conn,
            Session::Grouped(write) => write.conn(),
        }
    }

    /// Commits everything written in the transaction (for a command in a group commit: once the
    /// group's commit is durable); nothing to do for a read connection.
    pub async fn commit(self) -> Result<(), ApiError> {
        match self.session {
            Session::Write(tx) => tx.commit().await?,
            Session::Grouped(write) => write.settle(true).await?,
            Session::Read(_) => {}
        }
        Ok(())
    }

    /// Rolls back everything written in the transaction. A command in a group commit then waits
    /// until the group's commit is durable, since what it read may be the writes of the commands
    /// before it: an answer given from them must not precede them.
    pub async fn rollback(self) -> Result<(), ApiError> {
        match self.session {
            Session::Write(tx) => tx.rollback().await?,
            Session::Grouped(write) => write.settle(false).await?,
            Session::Read(_) => {}
        }
        Ok(())
    }
}

/// The statements a command in a group commit shares with its group (see [`super::group`]).
impl Tx {
    /// [`feed::append_changes`] on this unit of work, announcing the feed's new head: at once in a
    /// transaction of its own, at the group's commit for a command in a group.
    pub async fn append_changes(
        &mut self,
        changes: Vec<(String, Vec<u8>)>,
        commit_time_us: i64,
    ) -> Result<i64, ApiError> {
        let head = feed::append_changes(self.conn(), changes, commit_time_us).await?;
        if head == 0 {
            return Ok(head);
        }
        match &mut self.session {
            Session::Grouped(write) => write.appended(head),
            _ => feed::announce(self.conn(), head).await?,
        }
        Ok(head)
    }

    /// [`rules::rule_table`] on this unit of work; a command in a group reads the group's copy.
    pub async fn rule_table(&mut self) -> Result<RuleTable, ApiError> {
        match &mut self.session {
            Session::Grouped(write) => write.rule_table().await,
            _ => rules::rule_table(self.conn()).await,
        }
    }

    /// Notes a write of the rule table, which a group's copy of it no longer reflects.
    fn wrote_rules(&mut self) {
        if let Session::Grouped(write) = &mut self.session {
            write.wrote_rules();
        }
    }

    /// [`rules::insert_rule_version`] on this unit of work.
    pub async fn insert_rule_version(
        &mut self,
        rule: &RuleVersion,
        now: i64,
    ) -> Result<RuleVersionRecord, ApiError> {
        self.wrote_rules();
        rules::insert_rule_version(self.conn(), rule, now).await
    }

    /// [`rules::update_rule_version`] on this unit of work.
    pub async fn update_rule_version(
        &mut self,
        rule: &RuleVersion,
        expected_version: i64,
        now: i64,
    ) -> Result<RuleVersionRecord, ApiError> {
        self.wrote_rules();
        rules::update_rule_version(self.conn(), rule, expected_version, now).await
    }

    /// [`rules::redate_rule_version`] on this unit of work.
    pub async fn redate_rule_version(&mut self, from: Date, to: Date) -> Result<(), ApiError> {
        self.wrote_rules();
        rules::redate_rule_version(self.conn(), from, to).await
    }
}

/// Offers each listed statement `module::name(conn, args…)` as `Tx::name(&mut self, args…)`.
macro_rules! statements {
    ($($module:ident { $(fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)* })*) => {
        impl Tx {
            $($(
                #[doc = concat!("[`", stringify!($module), "::", stringify!($name), "`] on this unit of work.")]
                pub async fn $name(&mut self, $($arg: $ty),*) -> Result<$ret, ApiError> {
                    $module::$name(self.conn(), $($arg),*).await
                }
            )*)*
        }
    };
}

statements! {
    organisations {
        fn get_commune(code: &str) -> Option<CommuneRecord>;
        fn require_commune(code: &str) -> CommuneRecord;
        fn insert_commune(commune: &Commune, now: i64) -> CommuneRecord;
        fn update_commune(commune: &Commune, expected_version: i64, now: i64) -> CommuneRecord;
        fn list_communes(province_code: Option<&str>, page_token: &str, page_size: i64) -> (Vec<CommuneRecord>, String);
        fn get_cell(commune_code: &str, cell_id: &str) -> Option<CellRecord>;
        fn require_cell(commune_code: &str, cell_id: &str) -> CellRecord;
        fn insert_cell(cell: &Cell, now: i64) -> CellRecord;
        fn cells_of_communes(codes: &[String]) -> Vec<CellRecord>;
        fn update_cell(cell: &Cell, expected_version: i64, now: i64) -> CellRecord;
        fn list_cells(commune_code: &str, kind: Option<CellKind>, page_token: &str, page_size: i64) -> (Vec<CellRecord>, String);
    }
    members {
        fn get_member(id: i64) -> Option<MemberRecord>;
        fn require_member(id: i64) -> MemberRecord;
        fn insert_member(member: &Member, shared: bool, now: i64) -> Option<MemberRecord>;
        fn update_member_citizen_id(member: &Member, current_and_shared: (&MemberRecord, bool), now: i64) -> Option<MemberRecord>;
        fn insert_members(members: &[(Member, Vec<MemberEvent>)], now: i64) -> Vec<MemberRecord>;
        fn update_member(member: &Member, current: &MemberRecord, now: i64) -> MemberRecord;
        fn list_members(filter: &MemberFilter, page_token: &str, page_size: i64) -> (Vec<MemberRecord>, String);
        fn insert_event(member_id: i64, event: &MemberEvent, now: i64) -> i64;
        fn list_events(member_id: i64) -> Vec<EventRecord>;
        fn cell_roll_on(cell: (&str, &str), day: Date) -> CellRoll;
        fn mark_superseded(id: i64) -> ();
    }
    candidates {
        fn get_candidate(id: i64) -> Option<CandidateRecord>;
        fn require_candidate(id: i64) -> CandidateRecord;
        fn insert_candidate(cell: (&str, &str), candidate: &pb::Candidate, now: i64) -> CandidateRecord;
        fn update_candidate(id: i64, cell: (&str, &str), candidate: &pb::Candidate, expected_version: i64, now: i64) -> CandidateRecord;
        fn list_candidates(filter: &CandidateFilter, page_token: &str, page_size: i64) -> (Vec<CandidateRecord>, String);
    }
    rules {
        fn list_rule_versions() -> Vec<RuleVersionRecord>;
        fn require_rule_version(in_force_from: Date) -> RuleVersionRecord;
        fn has_rule_versions() -> bool;
    }
    holidays {
        fn set_holiday(day: Date, name_and_kind: (&str, bool), now: i64) -> pb::Holiday;
        fn delete_holiday(day: Date) -> ();
        fn list_holidays(from: Date, to: Date) -> Vec<pb::Holiday>;
    }
    planning {
        fn put_target(commune_code: &str, target: &pb::Target, now: i64) -> pb::Target;
        fn list_targets(commune_code: &str) -> Vec<pb::Target>;
        fn put_cell_plan(cell: (&str, &str), plan: &pb::CellPlan, now: i64) -> pb::CellPlan;
        fn list_cell_plans(commune_code: &str, year: i32) -> Vec<pb::CellPlan>;
    }
    ratings {
        fn put_cell_rating(cell: (&str, &str), rating: &pb::CellRating, now: i64) -> pb::CellRating;
        fn list_cell_ratings(commune_code: &str, year: i32) -> Vec<pb::CellRating>;
        fn put_member_rating(member_id: i64, rating: &pb::MemberRating, now: i64) -> pb::MemberRating;
    }
    units {
        fn has_provinces() -> bool;
        fn get_province(code: &str) -> Option<ProvinceRecord>;
        fn require_province(code: &str) -> ProvinceRecord;
        fn list_provinces(in_force_on: Option<Date>) -> Vec<ProvinceRecord>;
        fn insert_province(province: &Province, now: i64) -> ProvinceRecord;
        fn update_province(province: &Province, expected_version: i64, now: i64) -> ProvinceRecord;
        fn insert_merge(merge: &UnitMerge, now: i64) -> UnitMerge;
        fn list_merges(level: Option<UnitLevel>) -> Vec<UnitMerge>;
    }
    scope {
        fn commune_province(code: &str) -> Option<String>;
        fn member_place(id: i64) -> Option<(String, String)>;
        fn candidate_place(id: i64) -> Option<(String, String)>;
        fn province_successions(day: Date) -> Vec<(String, String)>;
    }
    import {
        fn imported_rows(tenant: &str, import_id: &str, row_keys: &[String]) -> Vec<ImportedRow>;
        fn record_imported_rows(tenant: &str, import_id: &str, rows: &[ImportedRow], now: i64) -> ();
        fn stored_citizen_ids(citizen_ids: &[String]) -> Vec<String>;
        fn members_born(keys: &[(String, Date)]) -> Vec<StoredIdentity>;
    }
    identity {
        fn citizen_id_holders(citizen_ids: &[String], except: i64) -> Vec<CitizenIdHolder>;
        fn share_citizen_id(a: i64, b: i64) -> bool;
        fn unshare_citizen_id(id: i64) -> ();
        fn insert_conflicts(conflicts: &[NewConflict], now: i64) -> Vec<IdentityConflict>;
        fn get_conflict(id: i64) -> Option<PlacedConflict>;
        fn list_conflicts(state: Option<ConflictState>, before: i64, limit: i64) -> Vec<PlacedConflict>;
        fn close_conflict(id: i64, closing: (ConflictState, &str, &str), now: i64) -> bool;
    }
    feed {
        fn lock_head() -> ();
        fn changes_after(after_sequence: i64, limit: i64) -> Vec<StoredChange>;
        fn change(sequence: i64) -> Option<StoredChange>;
        fn head() -> i64;
        fn find_request(caller: &str, request_id: &str) -> Option<StoredRequest>;
        fn claim_request(caller: &str, request_id: &str, method: &str, fingerprint: &[u8], now: i64) -> bool;
        fn settle_request(caller: &str, request_id: &str, sequence: i64) -> ();
        fn purge_requests(before_us: i64) -> u64;
    }
}
