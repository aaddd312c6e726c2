//! The roster import: one batch of communes, cells and members in one write transaction. Units
//! come first (created when missing, unchanged when identical, refused when they conflict), then
//! the members: each row is checked for scope, cell and row key, looked up among the rows the
//! import already brought in, validated by the domain's rules, compared with the other rows and
//! the stored members (same citizen ID; same name, birth date and commune), and the survivors
//! are written set-wise with their histories. Every created unit and member enters the feed in
//! the same commit, in one multi-row append. A dry run does all of it and rolls back.
//!
//! Rows outside the caller's scope are refused before anything is looked up for them, with the
//! same answer whether the unit they name exists or not.

use std::collections::{BTreeSet, HashMap, HashSet};

use partyregistry_kit::db::now_micros;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;

use super::Membership;
use super::identity::Writer;
use super::outbox::{Written, append_written};
use crate::convert;
use crate::domain::import::{
    ImportIssue, RosterHistory, RowOutcome, RowProblem, cell_id_for, cell_key, import_member,
    name_key,
};
use crate::domain::{AdmissionDates, Cell, CellKind, Commune, Member, MemberEvent, Person};
use crate::store::{EventRecord, ImportedRow, Tx};

/// A row of the batch: its source row number and what validating it gave.
#[derive(Debug, Clone)]
pub struct ImportRow<T> {
    /// The row of the source file.
    pub row_number: i64,
    /// The row's values, or the problems that keep it out.
    pub parsed: Result<T, Vec<RowProblem>>,
}

/// A cell as a roster names it.
#[derive(Debug, Clone)]
pub struct CellRow {
    /// Its commune.
    pub commune_code: String,
    /// Display name, NFC.
    pub display_name: String,
    /// Kind.
    pub kind: CellKind,
    /// Opening day.
    pub open_date: Date,
}

/// A member as a roster row holds them.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// The row's key within the import.
    pub row_key: String,
    /// The member's commune.
    pub commune_code: String,
    /// The display name of the member's cell.
    pub cell_display_name: String,
    /// Personal and statistical fields.
    pub person: Person,
    /// Admission dates.
    pub admission: AdmissionDates,
    /// Exemption, departure, party-age gaps, badges.
    pub history: RosterHistory,
}

/// One batch of an import.
#[derive(Debug, Clone)]
pub struct ImportBatch {
    /// The import's id.
    pub import_id: String,
    /// The caller's tenant: whose earlier rows count as already imported.
    pub tenant: String,
    /// Validate only.
    pub dry_run: bool,
    /// Communes to create when missing.
    pub communes: Vec<ImportRow<Commune>>,
    /// Cells to create when missing.
    pub cells: Vec<ImportRow<CellRow>>,
    /// Members.
    pub members: Vec<ImportRow<MemberRow>>,
}

/// What became of each row of a batch, in request order per kind.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Commune rows.
    pub communes: Vec<(i64, RowOutcome)>,
    /// Cell rows.
    pub cells: Vec<(i64, RowOutcome)>,
    /// Member rows.
    pub members: Vec<(i64, RowOutcome)>,
    /// The feed sequence of the batch's last change; 0 when nothing was written.
    pub feed_sequence: i64,
}

/// Whether the caller sees a commune, given its code and its province as stored (or as the
/// batch creates it).
pub type Sees<'a> = &'a (dyn Fn(&str, &str) -> bool + Send + Sync);

fn out_of_scope(field: &str) -> RowOutcome {
    RowOutcome::Rejected(vec![RowProblem::new(
        field,
        ImportIssue::OutOfScope,
        "outside the caller's scope, or no such unit",
    )])
}

fn conflict(field: &str) -> RowOutcome {
    RowOutcome::Rejected(vec![RowProblem::new(
        field,
        ImportIssue::Conflict,
        "the unit exists with another value",
    )])
}

/// The units known to the batch: stored or created by it, by code.
struct Units {
    communes: HashMap<String, Commune>,
    /// (commune code, cell key) → cell.
    cells: HashMap<(String, String), Cell>,
    /// (commune code, cell id) of every known cell.
    cell_ids: HashSet<(String, String)>,
}

impl Units {
    fn visible(&self, code: &str, sees: Sees<'_>) -> bool {
        self.communes
            .get(code)
            .is_some_and(|c| sees(code, &c.province_code))
    }

    fn add_cell(&mut self, cell: Cell) {
        self.cell_ids
            .insert((cell.commune_code.clone(), cell.cell_id.clone()));
        self.cells.insert(
            (cell.commune_code.clone(), cell_key(&cell.display_name)),
            cell,
        );
    }
}

/// Loads the communes the batch names and the cells of those the caller sees.
async fn load_units(tx: &mut Tx, batch: &ImportBatch, sees: Sees<'_>) -> Result<Units, ApiError> {
    let codes: BTreeSet<String> = batch
        .communes
        .iter()
        .filter_map(|r| r.parsed.as_ref().ok().map(|c| c.code.clone()))
        .chain(
            batch
                .cells
                .iter()
                .filter_map(|r| r.parsed.as_ref().ok().map(|c| c.commune_code.clone())),
        )
        .chain(
            batch
                .members
                .iter()
                .filter_map(|r| r.parsed.as_ref().ok().map(|m| m.commune_code.clone())),
        )
        .collect();
    let mut units = Units {
        communes: HashMap::new(),
        cells: HashMap::new(),
        cell_ids: HashSet::new(),
    };
    for code in codes {
        if let Some(record) = tx.get_commune(&code).await? {
            units.communes.insert(code, record.commune);
        }
    }
    let visible: Vec<String> = units
        .communes
        .keys()
        .filter(|code| units.visible(code, sees))
        .cloned()
        .collect();
    for record in tx.cells_of_communes(&visible).await? {
        units.add_cell(record.cell);
    }
    Ok(units)
}

/// The first field in which `stored` and `sent` differ, as the row names it.
fn commune_difference(stored: &Commune, sent: &Commune) -> Option<&'static str> {
    if stored.province_code != sent.province_code {
        Some("province_code")
    } else if stored.display_name != sent.display_name {
        Some("display_name")
    } else if stored.valid_from != sent.valid_from {
        Some("valid_from")
    } else {
        None
    }
}

async fn import_communes(
    tx: &mut Tx,
    rows: &[ImportRow<Commune>],
    units: &mut Units,
    sees: Sees<'_>,
    (written, now): (&mut Vec<Written>, i64),
) -> Result<Vec<(i64, RowOutcome)>, ApiError> {
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        let outcome = match &row.parsed {
            Err(problems) => RowOutcome::Rejected(problems.clone()),
            Ok(commune) => match units.communes.get(&commune.code) {
                Some(stored) if !sees(&commune.code, &stored.province_code) => out_of_scope("code"),
                Some(stored) => match commune_difference(stored, commune) {
                    Some(field) => conflict(field),
                    None => RowOutcome::Unchanged(names::commune(&commune.code)),
                },
                None if !sees(&commune.code, &commune.province_code) => {
                    out_of_scope("province_code")
                }
                None => match super::units::require_commune_province(tx, &commune.province_code)
                    .await
                {
                    Err(ApiError::FailedPrecondition {
                        reason,
                        description,
                        ..
                    }) => RowOutcome::Rejected(vec![RowProblem::new(
                        "province_code",
                        ImportIssue::Rule(reason),
                        description,
                    )]),
                    Err(error) => return Err(error),
                    Ok(()) => {
                        let record = tx.insert_commune(commune, now).await?;
                        written.push(Resource::Commune(convert::commune_to_proto(&record)).into());
                        units.communes.insert(commune.code.clone(), commune.clone());
                        RowOutcome::Created(names::commune(&commune.code))
                    }
                },
            },
        };
        outcomes.push((row.row_number, outcome));
    }
    Ok(outcomes)
}

async fn import_cells(
    tx: &mut Tx,
    rows: &[ImportRow<CellRow>],
    units: &mut Units,
    sees: Sees<'_>,
    (written, now): (&mut Vec<Written>, i64),
) -> Result<Vec<(i64, RowOutcome)>, ApiError> {
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        let outcome = match &row.parsed {
            Err(problems) => RowOutcome::Rejected(problems.clone()),
            Ok(sent) if !units.visible(&sent.commune_code, sees) => out_of_scope("commune_code"),
            Ok(sent) => {
                let key = (sent.commune_code.clone(), cell_key(&sent.display_name));
                match units.cells.get(&key) {
                    Some(stored) if stored.kind != sent.kind => conflict("kind"),
                    Some(stored) if stored.open_date != sent.open_date => conflict("open_date"),
                    Some(stored) => {
                        RowOutcome::Unchanged(names::cell(&stored.commune_code, &stored.cell_id))
                    }
                    None => {
                        let cell_id = cell_id_for(&sent.display_name, |id| {
                            units
                                .cell_ids
                                .contains(&(sent.commune_code.clone(), id.to_owned()))
                        });
                        let cell = Cell {
                            commune_code: sent.commune_code.clone(),
                            cell_id,
                            display_name: sent.display_name.clone(),
                            kind: sent.kind,
                            open_date: sent.open_date,
                            close_date: None,
                        };
                        let record = tx.insert_cell(&cell, now).await?;
                        written.push(Resource::Cell(convert::cell_to_proto(&record)).into());
                        let name = names::cell(&cell.commune_code, &cell.cell_id);
                        units.add_cell(cell);
                        RowOutcome::Created(name)
                    }
                }
            }
        };
        outcomes.push((row.row_number, outcome));
    }
    Ok(outcomes)
}

/// A member row that passed every check so far, waiting for the duplicate search.
struct Candidate {
    index: usize,
    row_number: i64,
    row_key: String,
    member: Member,
    events: Vec<MemberEvent>,
}

/// Checks the member rows and writes the survivors; returns the outcomes in row order.
async fn import_members(
    tx: &mut Tx,
    batch: &ImportBatch,
    units: &Units,
    (sees, writer): (Sees<'_>, &Writer),
    (written, now): (&mut Vec<Written>, i64),
) -> Result<Vec<(i64, RowOutcome)>, ApiError> {
    let rows = &batch.members;
    let mut outcomes: Vec<Option<RowOutcome>> = vec![None; rows.len()];
    let mut keys_seen: HashSet<&str> = HashSet::new();
    let mut placed: Vec<(usize, &MemberRow, &Cell)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let member = match &row.parsed {
            Err(problems) => {
                outcomes[i] = Some(RowOutcome::Rejected(problems.clone()));
                continue;
            }
            Ok(member) => member,
        };
        if !units.visible(&member.commune_code, sees) {
            outcomes[i] = Some(out_of_scope("commune_code"));
            continue;
        }
        let key = (
            member.commune_code.clone(),
            cell_key(&member.cell_display_name),
        );
        let Some(cell) = units.cells.get(&key) else {
            outcomes[i] = Some(RowOutcome::Rejected(vec![RowProblem::new(
                "cell_display_name",
                ImportIssue::UnknownCell,
                "no such cell in the commune",
            )]));
            continue;
        };
        if !keys_seen.insert(&member.row_key) {
            outcomes[i] = Some(RowOutcome::Rejected(vec![RowProblem::new(
                "row_key",
                ImportIssue::RepeatedRowKey,
                "used by an earlier row of the batch",
            )]));
            continue;
        }
        placed.push((i, member, cell));
    }
    let row_keys: Vec<String> = placed.iter().map(|(_, m, _)| m.row_key.clone()).collect();
    let imported: HashMap<String, ImportedRow> = tx
        .imported_rows(&batch.tenant, &batch.import_id, &row_keys)
        .await?
        .into_iter()
        .map(|row| (row.row_key.clone(), row))
        .collect();
    let rules = tx.rule_table().await?;
    let today = date::today_in_vietnam();
    let mut candidates = Vec::new();
    for (i, row, cell) in placed {
        if let Some(earlier) = imported.get(&row.row_key) {
            outcomes[i] = Some(RowOutcome::AlreadyImported(earlier.resource_name.clone()));
            continue;
        }
        match import_member(
            row.person.clone(),
            row.admission.clone(),
            cell,
            row.history.clone(),
            today,
            &rules,
        ) {
            Err(error) => outcomes[i] = Some(RowOutcome::Rejected(vec![error.into()])),
            Ok((member, events)) => candidates.push(Candidate {
                index: i,
                row_number: rows[i].row_number,
                row_key: row.row_key.clone(),
                member,
                events,
            }),
        }
    }
    let (candidates, shared) = drop_duplicates(tx, candidates, &mut outcomes, sees).await?;
    let mut keyed: Vec<(usize, i64, String)> = Vec::with_capacity(candidates.len());
    let mut members: Vec<(Member, Vec<MemberEvent>)> = Vec::with_capacity(candidates.len());
    for c in candidates {
        keyed.push((c.index, c.row_number, c.row_key));
        members.push((c.member, c.events));
    }
    let mut records = tx.insert_members(&members, now).await?;
    // Rows whose citizen ID only records outside the caller's scope hold: imported like the
    // others (the report cannot tell them apart) and queued for review, one by one (they are rare).
    for (c, holders) in shared {
        let record = tx
            .insert_member(&c.member, true, now)
            .await?
            .ok_or_else(|| ApiError::Internal("a shared citizen ID met its uniqueness".into()))?;
        for event in &c.events {
            tx.insert_event(record.member.id, event, now).await?;
        }
        writer
            .queue_conflicts(tx, record.member.id, &holders, now)
            .await?;
        keyed.push((c.index, c.row_number, c.row_key));
        members.push((c.member, c.events));
        records.push(record);
    }
    let mut imported_rows = Vec::with_capacity(records.len());
    for ((index, row_number, row_key), (record, (_, events))) in
        keyed.into_iter().zip(records.iter().zip(&members))
    {
        let name = names::member(record.member.id);
        let events = events
            .iter()
            .zip(1..)
            .map(|(event, position)| {
                convert::event_to_proto(
                    record.member.id,
                    &EventRecord {
                        position,
                        event: event.clone(),
                        create_time_us: now,
                    },
                )
            })
            .collect();
        written.push(Written {
            resource: Resource::Member(convert::member_to_proto(record)),
            events,
            previous_commune: None,
        });
        imported_rows.push(ImportedRow {
            row_key,
            row_number,
            resource_name: name.clone(),
        });
        outcomes[index] = Some(RowOutcome::Created(name));
    }
    tx.record_imported_rows(&batch.tenant, &batch.import_id, &imported_rows, now)
        .await?;
    Ok(rows
        .iter()
        .zip(outcomes)
        .map(|(row, outcome)| {
            (
                row.row_number,
                outcome.unwrap_or_else(|| {
                    RowOutcome::Rejected(vec![RowProblem::new(
                        "",
                        ImportIssue::Invalid,
                        "row left without an outcome",
                    )])
                }),
            )
        })
        .collect())
}

/// The identity of a person for the duplicate search: commune, birth date, name key.
fn identity(member: &Member) -> (String, Date, String) {
    (
        member.commune_code.clone(),
        member.person.birth_date,
        name_key(&member.person.full_name),
    )
}

/// Sets the outcome of every candidate that repeats an earlier row of the batch or a stored
/// member, and returns the others: those to write, and those to write sharing their citizen ID
/// with the records (not superseded) outside the caller's scope that hold it. A stored member
/// is a duplicate when the caller sees it, by its citizen ID or by name, birth date and commune
/// (the candidates' communes are in scope); both answer with row 0 and never name the stored
/// member. One the caller does not see makes no difference to the row's outcome: the same
/// person recorded elsewhere is queued for review instead (see `service::identity`).
async fn drop_duplicates(
    tx: &mut Tx,
    candidates: Vec<Candidate>,
    outcomes: &mut [Option<RowOutcome>],
    sees: Sees<'_>,
) -> Result<(Vec<Candidate>, Vec<(Candidate, Vec<i64>)>), ApiError> {
    let duplicate = |of_row: i64, field: &str, issue: ImportIssue| RowOutcome::Duplicate {
        of_row,
        problem: RowProblem::new(field, issue, "the same person"),
    };
    let mut by_citizen: HashMap<String, i64> = HashMap::new();
    let mut by_identity: HashMap<(String, Date, String), i64> = HashMap::new();
    let mut unique = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let citizen = candidate.member.person.citizen_id.clone();
        if let Some(&first) = citizen.as_ref().and_then(|id| by_citizen.get(id)) {
            outcomes[candidate.index] = Some(duplicate(
                first,
                "member.citizen_id",
                ImportIssue::SameCitizenId,
            ));
            continue;
        }
        let person = identity(&candidate.member);
        if let Some(&first) = by_identity.get(&person) {
            outcomes[candidate.index] = Some(duplicate(
                first,
                "member.full_name",
                ImportIssue::SamePerson,
            ));
            continue;
        }
        if let Some(id) = citizen {
            by_citizen.insert(id, candidate.row_number);
        }
        by_identity.insert(person, candidate.row_number);
        unique.push(candidate);
    }
    let citizen_ids: Vec<String> = unique
        .iter()
        .filter_map(|c| c.member.person.citizen_id.clone())
        .collect();
    let stored_citizens: Vec<String> = tx.stored_citizen_ids(&citizen_ids).await?;
    // Who holds them: seen (a duplicate) or not (the row shares its ID with each active one).
    let mut holders: HashMap<String, (bool, Vec<i64>)> = HashMap::new();
    for holder in tx.citizen_id_holders(&stored_citizens, 0).await? {
        let (seen, unseen) = holders.entry(holder.citizen_id.clone()).or_default();
        if sees(&holder.commune_code, &holder.province_code) {
            *seen = true;
        } else if !holder.superseded {
            unseen.push(holder.member_id);
        }
    }
    let births: Vec<(String, Date)> = unique
        .iter()
        .map(|c| (c.member.commune_code.clone(), c.member.person.birth_date))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let stored_people: HashSet<(String, Date, String)> = tx
        .members_born(&births)
        .await?
        .into_iter()
        .map(|s| (s.commune_code, s.birth_date, name_key(&s.full_name)))
        .collect();
    let mut kept = Vec::with_capacity(unique.len());
    let mut shared = Vec::new();
    for candidate in unique {
        let held = candidate
            .member
            .person
            .citizen_id
            .as_ref()
            .and_then(|id| holders.get(id));
        if held.is_some_and(|(seen, _)| *seen) {
            outcomes[candidate.index] = Some(duplicate(
                0,
                "member.citizen_id",
                ImportIssue::SameCitizenId,
            ));
        } else if stored_people.contains(&identity(&candidate.member)) {
            outcomes[candidate.index] =
                Some(duplicate(0, "member.full_name", ImportIssue::SamePerson));
        } else if let Some((_, unseen)) = held.filter(|(_, unseen)| !unseen.is_empty()) {
            let unseen = unseen.clone();
            shared.push((candidate, unseen));
        } else {
            kept.push(candidate);
        }
    }
    Ok((kept, shared))
}

impl Membership {
    /// Imports one batch (see the module documentation) for `writer`, whose scope decides what
    /// the batch may touch and which stored members it is compared with.
    pub async fn import_roster(
        &self,
        batch: ImportBatch,
        writer: &Writer,
    ) -> Result<ImportReport, ApiError> {
        let sees_commune = |code: &str, province: &str| writer.sees(code, province);
        let sees: Sees<'_> = &sees_commune;
        writer.start_attempt();
        let mut tx = self.store.begin().await?;
        let now = now_micros();
        let mut written: Vec<Written> = Vec::new();
        let mut units = load_units(&mut tx, &batch, sees).await?;
        let communes = import_communes(
            &mut tx,
            &batch.communes,
            &mut units,
            sees,
            (&mut written, now),
        )
        .await?;
        let cells =
            import_cells(&mut tx, &batch.cells, &mut units, sees, (&mut written, now)).await?;
        let mut members =
            import_members(&mut tx, &batch, &units, (sees, writer), (&mut written, now)).await?;
        let sequence = append_written(&mut tx, &written, now).await?;
        if batch.dry_run {
            // Dropping the transaction rolls everything back; the ids the members were given
            // are not theirs, so they are not shown.
            drop(tx);
            writer.start_attempt();
            for (_, outcome) in &mut members {
                if let RowOutcome::Created(name) = outcome {
                    name.clear();
                }
            }
            return Ok(ImportReport {
                communes,
                cells,
                members,
                feed_sequence: 0,
            });
        }
        tx.commit().await?;
        self.store.bulk_committed(written.len());
        if sequence > 0 {
            tracing::info!(sequence, changes = written.len(), "roster batch committed");
            self.head.send_replace(sequence);
            super::outbox::note_commit(sequence);
        }
        Ok(ImportReport {
            communes,
            cells,
            members,
            feed_sequence: sequence,
        })
    }
}
