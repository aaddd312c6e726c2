//! The admission pipeline's commands and queries: candidates from source to member, the
//! regulation table and the holiday calendar as data, targets, plans and ratings. Each command is
//! one transaction through [`Membership::mutate`] and appends its change(s) to the same feed as
//! every other resource; the regulation table is read inside that transaction, so that every
//! replica judges a write by the versions committed before it.

use std::collections::HashMap;

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_rules::calendar::{reference_holidays, reference_make_up_days};
use partyregistry_rules::{CandidateStage, DayKind, RuleTable, RuleVersion};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;

use super::candidate_votes::{check_cell_vote_roll, check_vote_history};
use super::identity::Writer;
use super::members::admit_member;
use super::outbox::{CommandFuture, Written};
use super::{Membership, RequestKey, check_etag};
use crate::convert::{self, admission as convert_admission};
use crate::domain::admission::{
    self as rules_of, Advance, CANDIDATE_CLOSED, CELL_CLOSED, DATE_RULE, Eligibility,
    INTRODUCER_NOT_OFFICIAL, MEMBER_EXEMPT, MEMBER_NOT_ON_ROLL, RULE_VERSION_TAKEN,
};
use crate::domain::{AdmissionContext, AdmissionDates, AdmissionFields, Member, MemberStatus};
use crate::store::candidates::candidate_name;
use crate::store::holidays::holiday_name;
use crate::store::{CandidateFilter, CandidateRecord, RuleVersionRecord, Tx};

/// An admission decision for a candidate, as AdmitCandidate carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmitDecision {
    /// Date of the decision.
    pub decision_date: Date,
    /// Number of the decision.
    pub decision_number: String,
    /// The deciding body.
    pub deciding_body: String,
    /// The ceremony, if it has taken place.
    pub ceremony_date: Option<Date>,
    /// The day the cell received the decision, if given.
    pub decision_received_date: Option<Date>,
}

/// Checks the introducers a write names that the stored candidate did not: each must exist and
/// be an official member now.
async fn check_new_introducers(
    tx: &mut Tx,
    candidate: &pb::Candidate,
    previous: Option<&pb::Candidate>,
) -> Result<(), ApiError> {
    for (i, introducer) in candidate.introducers.iter().enumerate() {
        if introducer.youth_union_committee {
            continue;
        }
        let known = previous.is_some_and(|p| {
            p.introducers
                .iter()
                .any(|known| known.member == introducer.member)
        });
        if known {
            continue;
        }
        let field = format!("candidate.introducers[{i}].member");
        let id = names::parse_member(&field, &introducer.member)?;
        let member = tx.require_member(id).await?.member;
        if !rules_of::may_introduce_now(&member) {
            return Err(ApiError::precondition(
                INTRODUCER_NOT_OFFICIAL,
                field,
                format!(
                    "{} is {}; only official members introduce candidates",
                    introducer.member,
                    member.status.name()
                ),
            ));
        }
    }
    Ok(())
}

/// The eligibility of a stored candidate asked about on `on`, judged on the cell's vote day once
/// the cell has voted by then (else on `on`): the commune's area flags and each introducer's
/// standing that day.
async fn assess(
    tx: &mut Tx,
    record: &CandidateRecord,
    asked: Date,
    rules: &RuleTable,
) -> Result<Eligibility, ApiError> {
    let voted = convert_admission::progress(&record.candidate).cell_vote_date;
    let on = partyregistry_rules::judgement_day(voted, asked);
    let commune = tx.require_commune(&record.commune_code).await?.commune;
    let mut introducers: HashMap<String, Member> = HashMap::new();
    for introducer in &record.candidate.introducers {
        if introducer.youth_union_committee {
            continue;
        }
        if let Ok(id) = names::parse_member("", &introducer.member)
            && let Some(found) = tx.get_member(id).await?
        {
            introducers.insert(introducer.member.clone(), found.member);
        }
    }
    let mut facts = partyregistry_kit::admission::candidate_facts(
        &record.candidate,
        rules_of::flagged_on(&commune, on),
        |name| {
            introducers
                .get(name)
                .is_some_and(|member| rules_of::official_on(member, on))
        },
    )?;
    // A consent counts once decided, even after the vote (it must come before the decision);
    // the cell's unsuccessful votes count up to the day judged.
    facts.exceptions = partyregistry_kit::admission::exceptions_by(&record.candidate, asked);
    facts.failed_cell_votes =
        partyregistry_kit::admission::failed_cell_votes_by(&record.candidate, on);
    Ok(rules_of::assess(
        &record.candidate.name,
        &facts,
        (asked, on),
        rules,
    ))
}

fn require_open(record: &CandidateRecord) -> Result<(), ApiError> {
    let stage = record.candidate.stage();
    if partyregistry_kit::admission::is_open(stage) {
        return Ok(());
    }
    Err(ApiError::precondition(
        CANDIDATE_CLOSED,
        "candidate.name",
        format!(
            "the candidate is {} and can no longer change",
            stage.as_str_name()
        ),
    ))
}

/// Checks the level and year of a rating request before any read.
fn check_rating(level: i32, year: i32) -> Result<(), ApiError> {
    convert_admission::rating_level("rating.level", level)?;
    match rules_of::rating_year_violation(year, date::today_in_vietnam()) {
        Some(problem) => Err(ApiError::invalid("rating.year", problem)),
        None => Ok(()),
    }
}

/// Requires the cell to exist and to have been open during `year` (plans and ratings are kept
/// per year of a cell).
async fn require_open_during(
    tx: &mut Tx,
    (commune_code, cell_id): (&str, &str),
    year: i32,
    field: &str,
) -> Result<(), ApiError> {
    let cell = tx.require_cell(commune_code, cell_id).await?.cell;
    if rules_of::cell_open_during(&cell, year) {
        return Ok(());
    }
    Err(ApiError::precondition(
        CELL_CLOSED,
        field,
        format!(
            "the cell did not exist during {year} (open {} to {})",
            date::format(cell.open_date),
            date::format_optional(cell.close_date)
        ),
    ))
}

impl Membership {
    /// Writes a yearly record of a cell (a plan or a rating) with `put`, once the cell is known
    /// to have been open during `year` (the year and its field). Without an etag the write
    /// creates or replaces the record, and a concurrent writer is retried.
    async fn put_cell_year<F>(
        &self,
        (commune_code, cell_id): (&str, &str),
        (year, field): (i32, &'static str),
        without_etag: bool,
        put: F,
    ) -> Result<Resource, ApiError>
    where
        F: for<'c> Fn(&'c mut Tx, (String, String), i64) -> CommandFuture<'c>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        self.mutate(None, without_etag, |tx, now| {
            let (commune_code, cell_id, put) =
                (commune_code.to_owned(), cell_id.to_owned(), put.clone());
            Box::pin(async move {
                require_open_during(tx, (&commune_code, &cell_id), year, field).await?;
                put(tx, (commune_code, cell_id), now).await
            })
        })
        .await
    }

    /// Creates the reference regulation versions and holidays when no version is stored yet, as
    /// ordinary changes so that the feed carries them. The check runs under the feed head's lock:
    /// replicas starting together seed once. Returns the number of changes written.
    pub async fn seed_reference_rules(&self) -> Result<usize, ApiError> {
        let written = self
            .mutate_all(None, true, |tx, now| {
                Box::pin(async move {
                    tx.lock_head().await?;
                    if tx.has_rule_versions().await? {
                        return Ok(Vec::new());
                    }
                    let mut written = Vec::new();
                    for rule in RuleTable::reference().versions() {
                        let record = tx.insert_rule_version(rule, now).await?;
                        written.push(Resource::RuleVersion(record.to_proto()).into());
                    }
                    let days_off = reference_holidays()
                        .into_iter()
                        .map(|(day, name)| (day, name, false));
                    let make_up = reference_make_up_days()
                        .into_iter()
                        .map(|(day, name)| (day, name, true));
                    for (day, name, make_up_working_day) in days_off.chain(make_up) {
                        let holiday = tx
                            .set_holiday(day, (name, make_up_working_day), now)
                            .await?;
                        written.push(Resource::Holiday(holiday).into());
                    }
                    Ok(written)
                })
            })
            .await?;
        if !written.is_empty() {
            tracing::info!(
                changes = written.len(),
                "seeded the reference rule table and holidays"
            );
        }
        Ok(written.len())
    }

    /// Reads a candidate.
    pub async fn candidate(&self, id: i64) -> Result<pb::Candidate, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(tx.require_candidate(id).await?.candidate)
    }

    /// Lists a commune's candidates; the commune (and the cell, if filtered on) must exist.
    pub async fn candidates(
        &self,
        filter: &CandidateFilter,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Candidate>, String), ApiError> {
        let mut tx = self.store.read().await?;
        tx.require_commune(&filter.commune_code).await?;
        if let Some(cell_id) = &filter.cell_id {
            tx.require_cell(&filter.commune_code, cell_id).await?;
        }
        let (records, next) = tx.list_candidates(filter, token, size).await?;
        Ok((records.into_iter().map(|r| r.candidate).collect(), next))
    }

    /// Records a new candidate, validated by [`convert::admission::candidate_from_proto`], at
    /// its stage (IDENTIFIED by default) reached on `stage_date`.
    pub async fn create_candidate(
        &self,
        candidate: pb::Candidate,
        cell: (String, String),
        stage_date: Date,
        request: Option<RequestKey>,
    ) -> Result<pb::Candidate, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let (mut candidate, (commune_code, cell_id)) = (candidate.clone(), cell.clone());
                Box::pin(async move {
                    tx.require_cell(&commune_code, &cell_id).await?;
                    if candidate.stage == 0 {
                        candidate.stage = pb::CandidateStage::Identified.into();
                    }
                    candidate.stage_date = date::format(stage_date);
                    candidate.admitted_member.clear();
                    candidate.closing_reason.clear();
                    let rules = tx.rule_table().await?;
                    let progress = convert_admission::progress(&candidate);
                    rules_of::check_initial_stage(&progress, stage_date, &rules)?;
                    match candidate.stage() {
                        pb::CandidateStage::CellApproved => {
                            let voted = rules_of::cell_vote_day(&progress, stage_date)?;
                            candidate.cell_vote_date = date::format(voted);
                        }
                        pb::CandidateStage::CommitteeApproved => {
                            rules_of::required_cell_vote_day(
                                &progress,
                                "candidate.cell_vote_date",
                            )?;
                        }
                        _ => {}
                    }
                    check_vote_history(&candidate, &rules)?;
                    check_new_introducers(tx, &candidate, None).await?;
                    if matches!(
                        candidate.stage(),
                        pb::CandidateStage::CellApproved | pb::CandidateStage::CommitteeApproved
                    ) {
                        check_cell_vote_roll(tx, (&commune_code, &cell_id), &candidate).await?;
                    }
                    if candidate.stage() == pb::CandidateStage::CommitteeApproved {
                        // Recorded as approved: the same condition AdvanceCandidate enforces.
                        let unsaved = CandidateRecord {
                            id: 0,
                            commune_code: commune_code.clone(),
                            cell_id: cell_id.clone(),
                            candidate: candidate.clone(),
                            version: 0,
                        };
                        let assessment = assess(tx, &unsaved, stage_date, &rules).await?;
                        rules_of::check_no_blockers(&assessment, "approved by the committee")?;
                    }
                    let record = tx
                        .insert_candidate((&commune_code, &cell_id), &candidate, now)
                        .await?;
                    Ok(Resource::Candidate(record.candidate))
                })
            })
            .await?;
        expect_resource!(resource, Candidate)
    }

    /// Updates the facts of a candidate named in `paths` from `update`, if `etag` is current.
    pub async fn update_candidate(
        &self,
        id: i64,
        etag: &str,
        update: pb::Candidate,
        paths: Vec<&'static str>,
    ) -> Result<pb::Candidate, ApiError> {
        let written = self
            .mutate_all(None, false, |tx, now| {
                let (etag, update, paths) = (etag.to_owned(), update.clone(), paths.clone());
                Box::pin(async move {
                    let current = tx.require_candidate(id).await?;
                    check_etag(&etag, current.version, &candidate_name(id))?;
                    require_open(&current)?;
                    let (candidate, (commune_code, cell_id)) = convert::apply_mask(
                        current.candidate.clone(),
                        &update,
                        &paths,
                        convert_admission::merge_candidate,
                        |merged| {
                            convert_admission::candidate_from_proto(
                                merged,
                                date::today_in_vietnam(),
                            )
                        },
                    )?;
                    tx.require_cell(&commune_code, &cell_id).await?;
                    check_vote_history(&candidate, &tx.rule_table().await?)?;
                    check_new_introducers(tx, &candidate, Some(&current.candidate)).await?;
                    let record = tx
                        .update_candidate(
                            id,
                            (&commune_code, &cell_id),
                            &candidate,
                            current.version,
                            now,
                        )
                        .await?;
                    Ok(vec![Written {
                        resource: Resource::Candidate(record.candidate),
                        events: Vec::new(),
                        previous_commune: Some(current.commune_code),
                    }])
                })
            })
            .await?;
        match written.into_iter().next() {
            Some(resource) => expect_resource!(resource, Candidate),
            None => Err(ApiError::Internal("a command wrote no resource".into())),
        }
    }

    /// Moves a candidate to another stage.
    pub async fn advance_candidate(
        &self,
        id: i64,
        advance: Advance,
        request: Option<RequestKey>,
    ) -> Result<pb::Candidate, ApiError> {
        rules_of::check_advance_request(&advance)?;
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let advance = advance.clone();
                Box::pin(async move {
                    let current = tx.require_candidate(id).await?;
                    let rules = tx.rule_table().await?;
                    let mut progress = convert_admission::progress(&current.candidate);
                    rules_of::advance(&mut progress, &advance, date::today_in_vietnam(), &rules)?;
                    let mut candidate = current.candidate.clone();
                    convert_admission::set_progress(&mut candidate, &progress);
                    check_vote_history(&candidate, &rules)?;
                    if advance.stage == Some(CandidateStage::CellApproved) {
                        let cell = (current.commune_code.as_str(), current.cell_id.as_str());
                        check_cell_vote_roll(tx, cell, &candidate).await?;
                    }
                    if advance.stage == Some(CandidateStage::CommitteeApproved) {
                        rules_of::required_cell_vote_day(&progress, "name")?;
                        let assessment = assess(tx, &current, advance.stage_date, &rules).await?;
                        rules_of::check_no_blockers(&assessment, "approved by the committee")?;
                    }
                    let record = tx
                        .update_candidate(
                            id,
                            (&current.commune_code, &current.cell_id),
                            &candidate,
                            current.version,
                            now,
                        )
                        .await?;
                    Ok(Resource::Candidate(record.candidate))
                })
            })
            .await?;
        expect_resource!(resource, Candidate)
    }

    /// The eligibility of a candidate on `on`.
    pub async fn check_eligibility(&self, id: i64, on: Date) -> Result<pb::Eligibility, ApiError> {
        let mut tx = self.store.read().await?;
        let record = tx.require_candidate(id).await?;
        let rules = tx.rule_table().await?;
        let assessment = assess(&mut tx, &record, on, &rules).await?;
        Ok(convert_admission::eligibility_to_proto(&assessment))
    }

    /// Admits a COMMITTEE_APPROVED candidate: the new member's change, then the closed
    /// candidate's, in one transaction. Returns the member.
    pub async fn admit_candidate(
        &self,
        id: i64,
        decision: AdmitDecision,
        (request, writer): (Option<RequestKey>, &Writer),
    ) -> Result<pb::Member, ApiError> {
        let written = self
            .mutate_all(request.as_ref(), true, |tx, now| {
                let (decision, writer) = (decision.clone(), writer.clone());
                writer.start_attempt();
                Box::pin(async move {
                    let current = tx.require_candidate(id).await?;
                    let progress = convert_admission::progress(&current.candidate);
                    rules_of::check_admissible(&progress)?;
                    let voted = rules_of::required_cell_vote_day(&progress, "name")?;
                    if let Ok(approved) = date::parse(&current.candidate.stage_date)
                        && decision.decision_date < approved
                    {
                        return Err(ApiError::precondition(
                            DATE_RULE,
                            "decision_date",
                            format!(
                                "{} is before the committee's approval ({})",
                                date::format(decision.decision_date),
                                date::format(approved)
                            ),
                        ));
                    }
                    let rules = tx.rule_table().await?;
                    let assessment = assess(tx, &current, decision.decision_date, &rules).await?;
                    rules_of::check_no_blockers(&assessment, "admitted")?;
                    let person = convert_admission::person_of_candidate(&current.candidate)?;
                    let admission = AdmissionDates {
                        decision_date: decision.decision_date,
                        decision_number: decision.decision_number,
                        ceremony_date: decision.ceremony_date,
                        official_date: None,
                        readmission: false,
                        previous_member: None,
                        first_decision_date: None,
                        decision_received_date: decision.decision_received_date,
                    };
                    let context = AdmissionContext {
                        cell_vote: convert_admission::tally(current.candidate.cell_vote.as_ref()),
                        cell_vote_date: Some(voted),
                        deciding_body: decision.deciding_body,
                        fields: AdmissionFields::ADMIT_CANDIDATE,
                        over_age_consent: partyregistry_kit::admission::exceptions_by(
                            &current.candidate,
                            decision.decision_date,
                        )
                        .contains(&partyregistry_rules::ExceptionKind::OverAgeConsent),
                    };
                    let (member, events) = admit_member(
                        tx,
                        person,
                        admission,
                        (&current.commune_code, &current.cell_id),
                        context,
                        &rules,
                        (&writer, now),
                    )
                    .await?;
                    let mut candidate = current.candidate.clone();
                    candidate.stage = pb::CandidateStage::Admitted.into();
                    candidate.stage_date = date::format(decision.decision_date);
                    candidate.admitted_member = names::member(member.member.id);
                    let closed = tx
                        .update_candidate(
                            id,
                            (&current.commune_code, &current.cell_id),
                            &candidate,
                            current.version,
                            now,
                        )
                        .await?;
                    Ok(vec![
                        Written {
                            resource: Resource::Member(convert::member_to_proto(&member)),
                            events,
                            previous_commune: None,
                        },
                        Resource::Candidate(closed.candidate).into(),
                    ])
                })
            })
            .await?;
        match written.into_iter().next() {
            Some(resource) => expect_resource!(resource, Member),
            None => Err(ApiError::Internal("an admission wrote nothing".into())),
        }
    }

    /// Every regulation version, oldest first.
    pub async fn rule_versions(&self) -> Result<Vec<pb::RuleVersion>, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .list_rule_versions()
            .await?
            .iter()
            .map(RuleVersionRecord::to_proto)
            .collect())
    }

    /// Adds a regulation version, before, between or after the stored ones: history gets
    /// corrected, not only appended (an earlier regulation found missing is inserted; the events
    /// already recorded keep the version stamped on them). Its start must be a day no version
    /// starts on.
    pub async fn create_rule_version(
        &self,
        rule: RuleVersion,
        request: Option<RequestKey>,
    ) -> Result<pb::RuleVersion, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let rule = rule.clone();
                Box::pin(async move {
                    // Serialised with every writer, so that two versions of the same start
                    // cannot both pass the check.
                    tx.lock_head().await?;
                    let taken = tx
                        .list_rule_versions()
                        .await?
                        .into_iter()
                        .any(|r| r.rule.in_force_from == rule.in_force_from);
                    if taken {
                        return Err(ApiError::precondition(
                            RULE_VERSION_TAKEN,
                            "rule_version.in_force_from",
                            format!(
                                "a version already starts on {}; correct it with UpdateRuleVersion",
                                date::format(rule.in_force_from)
                            ),
                        ));
                    }
                    let record = tx.insert_rule_version(&rule, now).await?;
                    Ok(Resource::RuleVersion(record.to_proto()))
                })
            })
            .await?;
        expect_resource!(resource, RuleVersion)
    }

    /// The holidays of `year`.
    pub async fn holidays(&self, year: i32) -> Result<Vec<pb::Holiday>, ApiError> {
        let (first, last) = rules_of::year_bounds(year)
            .filter(|_| rules_of::YEARS.contains(&year))
            .ok_or_else(|| ApiError::invalid("year", "must be a year from 1930 to 2200"))?;
        let mut tx = self.store.read().await?;
        tx.list_holidays(first, last).await
    }

    /// Creates or replaces the calendar day on `day`: a day off or a make-up working day.
    pub async fn set_holiday(
        &self,
        day: Date,
        display_name: String,
        kind: DayKind,
    ) -> Result<pb::Holiday, ApiError> {
        let make_up_working_day = kind == DayKind::MakeUpWorkingDay;
        let resource = self
            .mutate(None, true, |tx, now| {
                let display_name = display_name.clone();
                Box::pin(async move {
                    Ok(Resource::Holiday(
                        tx.set_holiday(day, (&display_name, make_up_working_day), now)
                            .await?,
                    ))
                })
            })
            .await?;
        expect_resource!(resource, Holiday)
    }

    /// Removes the holiday on `day`.
    pub async fn delete_holiday(&self, day: Date) -> Result<(), ApiError> {
        self.mutate(None, false, |tx, _now| {
            Box::pin(async move {
                tx.delete_holiday(day).await?;
                Ok(Resource::DeletedResource(holiday_name(day)))
            })
        })
        .await?;
        Ok(())
    }

    /// Creates or replaces a commune's target.
    pub async fn set_target(
        &self,
        commune_code: &str,
        target: pb::Target,
    ) -> Result<pb::Target, ApiError> {
        let retry = target.etag.is_empty();
        let resource = self
            .mutate(None, retry, |tx, now| {
                let (commune_code, target) = (commune_code.to_owned(), target.clone());
                Box::pin(async move {
                    tx.require_commune(&commune_code).await?;
                    Ok(Resource::Target(
                        tx.put_target(&commune_code, &target, now).await?,
                    ))
                })
            })
            .await?;
        expect_resource!(resource, Target)
    }

    /// A commune's targets.
    pub async fn targets(&self, commune_code: &str) -> Result<Vec<pb::Target>, ApiError> {
        let mut tx = self.store.read().await?;
        tx.require_commune(commune_code).await?;
        tx.list_targets(commune_code).await
    }

    /// Creates or replaces a cell's plan; the cell must be open during the plan's year.
    pub async fn set_cell_plan(
        &self,
        (commune_code, cell_id): (&str, &str),
        plan: pb::CellPlan,
    ) -> Result<pb::CellPlan, ApiError> {
        let year = (plan.year, "plan.year");
        let resource = self
            .put_cell_year((commune_code, cell_id), year, plan.etag.is_empty(), {
                move |tx, (commune_code, cell_id), now| {
                    let plan = plan.clone();
                    Box::pin(async move {
                        let cell = (commune_code.as_str(), cell_id.as_str());
                        let plan = tx.put_cell_plan(cell, &plan, now).await?;
                        Ok(Resource::CellPlan(plan))
                    })
                }
            })
            .await?;
        expect_resource!(resource, CellPlan)
    }

    /// The plans of a commune's cells for `year`.
    pub async fn cell_plans(
        &self,
        commune_code: &str,
        year: i32,
    ) -> Result<Vec<pb::CellPlan>, ApiError> {
        let mut tx = self.store.read().await?;
        tx.require_commune(commune_code).await?;
        tx.list_cell_plans(commune_code, year).await
    }

    /// Records or corrects a cell's rating; the cell must have been open during the year.
    pub async fn rate_cell(
        &self,
        (commune_code, cell_id): (&str, &str),
        rating: pb::CellRating,
    ) -> Result<pb::CellRating, ApiError> {
        check_rating(rating.level, rating.year)?;
        let year = (rating.year, "rating.year");
        let resource = self
            .put_cell_year((commune_code, cell_id), year, rating.etag.is_empty(), {
                move |tx, (commune_code, cell_id), now| {
                    let rating = rating.clone();
                    Box::pin(async move {
                        let cell = (commune_code.as_str(), cell_id.as_str());
                        let rating = tx.put_cell_rating(cell, &rating, now).await?;
                        Ok(Resource::CellRating(rating))
                    })
                }
            })
            .await?;
        expect_resource!(resource, CellRating)
    }

    /// The ratings of a commune's cells for `year`.
    pub async fn cell_ratings(
        &self,
        commune_code: &str,
        year: i32,
    ) -> Result<Vec<pb::CellRating>, ApiError> {
        let mut tx = self.store.read().await?;
        tx.require_commune(commune_code).await?;
        tx.list_cell_ratings(commune_code, year).await
    }

    /// Records or corrects a member's rating; exempt members are not rated, and the member must
    /// have been on a roll during the year.
    pub async fn rate_member(
        &self,
        member_id: i64,
        rating: pb::MemberRating,
    ) -> Result<pb::MemberRating, ApiError> {
        check_rating(rating.level, rating.year)?;
        let retry = rating.etag.is_empty();
        let resource = self
            .mutate(None, retry, |tx, now| {
                let rating = rating.clone();
                Box::pin(async move {
                    let member = tx.require_member(member_id).await?.member;
                    if member.status == MemberStatus::Exempt {
                        return Err(ApiError::precondition(
                            MEMBER_EXEMPT,
                            "parent",
                            "exempt members are not rated",
                        ));
                    }
                    if !rules_of::on_roll_during(&member, rating.year) {
                        return Err(ApiError::precondition(
                            MEMBER_NOT_ON_ROLL,
                            "rating.year",
                            format!("the member was not on a roll during {}", rating.year),
                        ));
                    }
                    Ok(Resource::MemberRating(
                        tx.put_member_rating(member_id, &rating, now).await?,
                    ))
                })
            })
            .await?;
        expect_resource!(resource, MemberRating)
    }
}
