//! Reading the facts of the provincial statistics: the administrative units, and the member
//! histories of a set of communes, in one snapshot through a [`Reader`] so that a report that
//! resolves its units first and reads their members next sees one consistent state.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use partyregistry_rules::{DisciplineForm, RuleTable};
use partyregistry_vocab::date::Date;
use sqlx::{Any, AnyConnection, Row, Transaction};

use super::aggregates;
use super::queries::{admission_facts, rule_table};
use super::stored_members::{HISTORY_COLUMNS, history};
use super::{
    AdmissionWindow, Store, StoreError, StoredCursor, read_cursor, spelled, stint_of, stored_date,
    stored_optional_date,
};
use crate::model::admission::AdmissionFacts;
use crate::model::aggregate::{MovementCounts, RollCounts};
use crate::model::history::{EventFact, MemberHistory};
use crate::model::stint::Stint;
use crate::model::units::{CommuneUnit, Directory, Merge, ProvinceUnit};
use crate::model::vocabulary::{EventType, UnitLevel};

/// A read snapshot for the statistics: every statement sees the same state.
pub struct Reader {
    tx: Transaction<'static, Any>,
    units: UnitsCache,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reader")
    }
}

impl Store {
    /// Opens a read snapshot.
    pub async fn reader(&self) -> Result<Reader, StoreError> {
        Ok(Reader {
            tx: self.snapshot().await?,
            units: self.units.clone(),
        })
    }
}

/// The units directory as last read, with the `units_version` of the cursor row it was read at:
/// the projection bumps the version in the transaction of every commune, province or merge it
/// applies (and when it forgets everything), so a snapshot that reads the same version would read
/// the same directory. Saves every report reading every commune, province and merge again.
#[derive(Debug, Clone, Default)]
pub struct UnitsCache {
    last: Arc<Mutex<Option<VersionedUnits>>>,
}

/// A directory and the `units_version` it was read at.
type VersionedUnits = (i64, Arc<Directory>);

impl UnitsCache {
    fn get(&self, version: i64) -> Option<Arc<Directory>> {
        // A poisoned lock only means another report panicked while swapping the entry: the
        // entry is whole either way, and a miss reads the directory again.
        let last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        last.as_ref()
            .filter(|(read_at, _)| *read_at == version)
            .map(|(_, directory)| directory.clone())
    }

    fn put(&self, version: i64, directory: Arc<Directory>) {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A slower report that read an older version does not replace a newer entry.
        if last.as_ref().is_none_or(|(read_at, _)| *read_at <= version) {
            *last = Some((version, directory));
        }
    }
}

/// Members whose roll ever touched commune `$1`: a stint there, or admitted there.
const MEMBERS_OF_COMMUNE: &str = "select member_id from member_stints where commune_code = $1 \
     union select id from members where admitted_in_commune = $1";

impl Reader {
    /// The members on the roll of `communes` on `day`, by every breakdown: sums of the
    /// aggregate read model.
    pub async fn roll_counts(
        &mut self,
        communes: &[String],
        day: Date,
    ) -> Result<RollCounts, StoreError> {
        aggregates::roll_counts(&mut self.tx, communes, day).await
    }

    /// Members on the roll of each of `communes` on `day`, from the aggregate read model.
    pub async fn roll_totals(
        &mut self,
        communes: &[String],
        day: Date,
    ) -> Result<BTreeMap<String, i64>, StoreError> {
        aggregates::roll_totals(&mut self.tx, communes, day).await
    }

    /// Members on the roll of `communes` on `day` and members decided, awaiting the ceremony
    /// there, from the aggregate read model.
    pub async fn roll_lines(
        &mut self,
        communes: &[String],
        day: Date,
    ) -> Result<(i64, i64), StoreError> {
        aggregates::roll_lines(&mut self.tx, communes, day).await
    }

    /// What happened in `communes` over `from..=to`, from the aggregate read model.
    pub async fn movement_counts(
        &mut self,
        communes: &[String],
        from: Date,
        to: Date,
    ) -> Result<MovementCounts, StoreError> {
        aggregates::movement_counts(&mut self.tx, communes, from, to).await
    }

    /// Every commune, province and merge, as of this snapshot: from the cache when no unit
    /// changed since it was read.
    pub async fn directory(&mut self) -> Result<Arc<Directory>, StoreError> {
        let version: i64 = sqlx::query("select units_version from feed_cursor where id = 1")
            .fetch_one(&mut *self.tx)
            .await?
            .try_get(0)?;
        if let Some(directory) = self.units.get(version) {
            return Ok(directory);
        }
        let directory = Arc::new(self.read_directory().await?);
        self.units.put(version, directory.clone());
        Ok(directory)
    }

    async fn read_directory(&mut self) -> Result<Directory, StoreError> {
        let connection: &mut AnyConnection = &mut self.tx;
        let rows = sqlx::query(
            "select code, display_name, province_code, valid_from, valid_to from communes order by code",
        )
        .fetch_all(&mut *connection)
        .await?;
        let communes = rows
            .iter()
            .map(|row| {
                Ok(CommuneUnit {
                    code: row.try_get(0)?,
                    display_name: row.try_get(1)?,
                    province_code: row.try_get(2)?,
                    valid_from: stored_optional_date(row.try_get(3)?)?,
                    valid_to: stored_optional_date(row.try_get(4)?)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let rows = sqlx::query(
            "select code, display_name, valid_from, valid_to from provinces order by code",
        )
        .fetch_all(&mut *connection)
        .await?;
        let provinces = rows
            .iter()
            .map(|row| {
                Ok(ProvinceUnit {
                    code: row.try_get(0)?,
                    display_name: row.try_get(1)?,
                    valid_from: stored_date(&row.try_get::<String, _>(2)?)?,
                    valid_to: stored_optional_date(row.try_get(3)?)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let rows = sqlx::query(
            "select m.merge_id, m.level, m.successor_code, m.effective_date, p.predecessor_code \
             from unit_merges m join unit_merge_predecessors p on p.merge_id = m.merge_id \
             order by m.effective_date, m.merge_id, p.position",
        )
        .fetch_all(&mut *connection)
        .await?;
        let mut merges: Vec<(String, Merge)> = Vec::new();
        for row in &rows {
            let id: String = row.try_get(0)?;
            let predecessor: String = row.try_get(4)?;
            match merges.last_mut() {
                Some((last, merge)) if *last == id => merge.predecessors.push(predecessor),
                _ => merges.push((
                    id,
                    Merge {
                        level: spelled(row, 1, UnitLevel::from_key)?,
                        successor: row.try_get(2)?,
                        effective_date: stored_date(&row.try_get::<String, _>(3)?)?,
                        predecessors: vec![predecessor],
                    },
                )),
            }
        }
        Ok(Directory {
            communes,
            provinces,
            merges: merges.into_iter().map(|(_, merge)| merge).collect(),
        }
        .with_merge_ends())
    }

    /// The histories of every member whose roll ever touched one of `communes`: profile, stints
    /// (in every commune), gaps, badges and events.
    pub async fn histories(
        &mut self,
        communes: &[String],
    ) -> Result<Vec<MemberHistory>, StoreError> {
        let connection: &mut AnyConnection = &mut self.tx;
        let mut members: BTreeMap<i64, MemberHistory> = BTreeMap::new();
        for commune in communes {
            let rows = sqlx::query(&format!(
                "select {HISTORY_COLUMNS} from members where id in ({MEMBERS_OF_COMMUNE})"
            ))
            .bind(commune)
            .fetch_all(&mut *connection)
            .await?;
            let mut added = false;
            for row in &rows {
                let member = history(row)?;
                if let std::collections::btree_map::Entry::Vacant(entry) = members.entry(member.id)
                {
                    entry.insert(member);
                    added = true;
                }
            }
            if !added {
                continue;
            }
            let rows = sqlx::query(&format!(
                "select member_id, commune_code, cell_id, from_date, to_date from member_stints \
                 where member_id in ({MEMBERS_OF_COMMUNE}) order by member_id, from_date"
            ))
            .bind(commune)
            .fetch_all(&mut *connection)
            .await?;
            let mut stints: BTreeMap<i64, Vec<Stint>> = BTreeMap::new();
            for row in &rows {
                stints
                    .entry(row.try_get(0)?)
                    .or_default()
                    .push(stint_of(row, 1)?);
            }
            let rows = sqlx::query(&format!(
                "select member_id, from_date, to_date from member_party_age_gaps \
                 where member_id in ({MEMBERS_OF_COMMUNE}) order by member_id, position"
            ))
            .bind(commune)
            .fetch_all(&mut *connection)
            .await?;
            let mut gaps: BTreeMap<i64, Vec<(Date, Date)>> = BTreeMap::new();
            for row in &rows {
                gaps.entry(row.try_get(0)?).or_default().push((
                    stored_date(&row.try_get::<String, _>(1)?)?,
                    stored_date(&row.try_get::<String, _>(2)?)?,
                ));
            }
            let rows = sqlx::query(&format!(
                "select member_id, years from member_badges \
                 where member_id in ({MEMBERS_OF_COMMUNE}) order by member_id, years"
            ))
            .bind(commune)
            .fetch_all(&mut *connection)
            .await?;
            let mut badges: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
            for row in &rows {
                let years: i64 = row.try_get(1)?;
                badges
                    .entry(row.try_get(0)?)
                    .or_default()
                    .push(i32::try_from(years).unwrap_or(i32::MAX));
            }
            let rows = sqlx::query(&format!(
                "select member_id, form, decision_date from member_disciplines \
                 where member_id in ({MEMBERS_OF_COMMUNE}) order by member_id, position"
            ))
            .bind(commune)
            .fetch_all(&mut *connection)
            .await?;
            let mut disciplines: BTreeMap<i64, Vec<(DisciplineForm, Date)>> = BTreeMap::new();
            for row in &rows {
                disciplines.entry(row.try_get(0)?).or_default().push((
                    spelled(row, 1, DisciplineForm::from_key)?,
                    stored_date(&row.try_get::<String, _>(2)?)?,
                ));
            }
            let rows = sqlx::query(&format!(
                "select member_id, event_type, effective_date from member_events \
                 where member_id in ({MEMBERS_OF_COMMUNE}) order by member_id, effective_date, sequence"
            ))
            .bind(commune)
            .fetch_all(&mut *connection)
            .await?;
            let mut events: BTreeMap<i64, Vec<EventFact>> = BTreeMap::new();
            for row in &rows {
                events.entry(row.try_get(0)?).or_default().push(EventFact {
                    event_type: spelled(row, 1, EventType::from_key)?,
                    date: stored_date(&row.try_get::<String, _>(2)?)?,
                });
            }
            for (id, member) in &mut members {
                // Members read for an earlier commune keep what they have.
                if member.stints.is_empty()
                    && let Some(found) = stints.remove(id)
                {
                    member.stints = found;
                }
                if member.gaps.is_empty()
                    && let Some(found) = gaps.remove(id)
                {
                    member.gaps = found;
                }
                if member.badges.is_empty()
                    && let Some(found) = badges.remove(id)
                {
                    member.badges = found;
                }
                if member.disciplines.is_empty()
                    && let Some(found) = disciplines.remove(id)
                {
                    member.disciplines = found;
                }
                if member.events.is_empty()
                    && let Some(found) = events.remove(id)
                {
                    member.events = found;
                }
            }
        }
        Ok(members.into_values().collect())
    }

    /// The regulation versions, for the rules that depend on the day of a fact (a discipline's
    /// badge deferral).
    pub async fn rules(&mut self) -> Result<RuleTable, StoreError> {
        rule_table(&mut self.tx).await
    }

    /// The facts of a commune's admission reports; `None` if the commune was never on the feed.
    pub async fn admission_facts(
        &mut self,
        commune_code: &str,
        window: AdmissionWindow,
    ) -> Result<Option<AdmissionFacts>, StoreError> {
        admission_facts(&mut self.tx, commune_code, window).await
    }

    /// Reads the cursor in the snapshot and closes it.
    pub async fn finish(mut self) -> Result<StoredCursor, StoreError> {
        let cursor = read_cursor(&mut self.tx).await?;
        self.tx.commit().await?;
        Ok(cursor)
    }
}
