//! `AdmissionApi`: the thin handlers of the admission pipeline, served by the membership server
//! beside `MembershipApi`. Each parses and validates its request ([`crate::convert::admission`]),
//! makes one call to [`Membership`], and returns the proto.

use std::pin::Pin;
use std::sync::Arc;

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::admission_service_server::AdmissionService;
use partyregistry_vocab::{date, names};
use tonic::{Request, Response, Status};

use super::{Idempotent, effective_date, request_key, required, short_text};
use crate::authz::{Authz, Grant, admission};
use crate::convert::admission::{
    CANDIDATE_UPDATABLE, RULE_VERSION_START, RULE_VERSION_UPDATABLE, candidate_from_proto,
    holiday_from_proto, parse_candidate, parse_holiday, parse_rule_version, plan_from_proto,
    target_from_proto,
};
use crate::convert::mask_paths;
use crate::domain::admission::{Advance, YEARS};
use crate::filter::parse_candidate_filter;
use crate::service::{AdmitDecision, Membership};
use crate::store::effective_page_size;

/// The admission pipeline's gRPC handlers.
#[derive(Debug, Clone)]
pub struct AdmissionApi {
    membership: Arc<Membership>,
    authz: Authz,
}

impl AdmissionApi {
    /// Handlers over `membership`, the same service object `MembershipApi` uses.
    /// Authorised and audited by `authz`.
    pub fn new(membership: Arc<Membership>, authz: Authz) -> Self {
        Self { membership, authz }
    }
}

idempotent!(
    pb::CreateCandidateRequest,
    pb::AdvanceCandidateRequest,
    pb::AdmitCandidateRequest,
    pb::CreateRuleVersionRequest,
);

/// An optional date field that must not be after today; empty means today.
fn day_or_today(field: &str, value: &str) -> Result<date::Date, ApiError> {
    let today = date::today_in_vietnam();
    if value.is_empty() {
        return Ok(today);
    }
    let day = effective_date(field, value)?;
    if day > today {
        return Err(ApiError::invalid(
            field,
            format!("{value} is in the future (today is {today} in Vietnam)"),
        ));
    }
    Ok(day)
}

fn year(field: &str, value: i32) -> Result<i32, ApiError> {
    if YEARS.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(
            field,
            format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
        ))
    }
}

impl AdmissionApi {
    async fn get_candidate_impl(
        &self,
        request: pb::GetCandidateRequest,
        _grant: &Grant,
    ) -> Result<pb::Candidate, ApiError> {
        let id = parse_candidate("name", &request.name)?;
        self.membership.candidate(id).await
    }

    async fn list_candidates_impl(
        &self,
        request: pb::ListCandidatesRequest,
        _grant: &Grant,
    ) -> Result<pb::ListCandidatesResponse, ApiError> {
        let code = names::parse_commune("parent", &request.parent)?;
        let size = effective_page_size(request.page_size)?;
        let filter = parse_candidate_filter(&request.filter, code)?;
        let (candidates, next_page_token) = self
            .membership
            .candidates(&filter, &request.page_token, size)
            .await?;
        Ok(pb::ListCandidatesResponse {
            candidates,
            next_page_token,
        })
    }

    /// `candidate` with a bare ethnicity code qualified by the list the server reads bare codes
    /// in, if it is configured with one.
    fn qualified(&self, candidate: &pb::Candidate) -> pb::Candidate {
        let mut candidate = candidate.clone();
        self.membership.bare_ethnicity_codes().qualify(
            &candidate.ethnicity_code,
            &mut candidate.ethnicity_code_system,
        );
        candidate
    }

    async fn create_candidate_impl(
        &self,
        request: pb::CreateCandidateRequest,
        grant: &Grant,
    ) -> Result<pb::Candidate, ApiError> {
        let key = request_key("CreateCandidate", &request, grant)?;
        let sent = &self.qualified(required(request.candidate.as_ref(), "candidate")?);
        let (candidate, cell) = candidate_from_proto(sent, date::today_in_vietnam())?;
        let stage_date = day_or_today("candidate.stage_date", &sent.stage_date)?;
        self.membership
            .create_candidate(candidate, cell, stage_date, key)
            .await
    }

    async fn update_candidate_impl(
        &self,
        request: pb::UpdateCandidateRequest,
        _grant: &Grant,
    ) -> Result<pb::Candidate, ApiError> {
        let update = &self.qualified(required(request.candidate.as_ref(), "candidate")?);
        let id = parse_candidate("candidate.name", &update.name)?;
        let paths = mask_paths(request.update_mask.as_ref(), CANDIDATE_UPDATABLE)?;
        self.membership
            .update_candidate(id, &update.etag, update.clone(), paths)
            .await
    }

    async fn advance_candidate_impl(
        &self,
        request: pb::AdvanceCandidateRequest,
        grant: &Grant,
    ) -> Result<pb::Candidate, ApiError> {
        let key = request_key("AdvanceCandidate", &request, grant)?;
        let id = parse_candidate("name", &request.name)?;
        let stage = pb::CandidateStage::try_from(request.stage)
            .map_err(|_| ApiError::invalid("stage", "is not a known value"))?;
        let advance = Advance {
            stage: partyregistry_kit::admission::stage(stage),
            stage_date: effective_date("stage_date", &request.stage_date)?,
            reason: short_text("reason", &request.reason, 200, false)?,
        };
        self.membership.advance_candidate(id, advance, key).await
    }

    async fn check_eligibility_impl(
        &self,
        request: pb::CheckEligibilityRequest,
        _grant: &Grant,
    ) -> Result<pb::Eligibility, ApiError> {
        let id = parse_candidate("name", &request.name)?;
        let on = if request.on_date.is_empty() {
            date::today_in_vietnam()
        } else {
            effective_date("on_date", &request.on_date)?
        };
        self.membership.check_eligibility(id, on).await
    }

    async fn admit_candidate_impl(
        &self,
        request: pb::AdmitCandidateRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("AdmitCandidate", &request, grant)?;
        let id = parse_candidate("name", &request.name)?;
        let decision = AdmitDecision {
            decision_date: effective_date("decision_date", &request.decision_date)?,
            decision_number: short_text("decision_number", &request.decision_number, 50, false)?,
            deciding_body: short_text("deciding_body", &request.deciding_body, 200, false)?,
            ceremony_date: date::parse_optional(&request.ceremony_date)
                .map_err(|error| ApiError::invalid("ceremony_date", error.to_string()))?,
            decision_received_date: date::parse_optional(&request.decision_received_date)
                .map_err(|error| ApiError::invalid("decision_received_date", error.to_string()))?,
        };
        let writer = super::writer::writer_of(&self.authz, grant, "AdmitCandidate").await?;
        let member = self
            .membership
            .admit_candidate(id, decision, (key, &writer))
            .await?;
        super::writer::audit_queued(&self.authz, grant, &writer);
        Ok(member)
    }

    async fn list_rule_versions_impl(
        &self,
        _request: pb::ListRuleVersionsRequest,
        _grant: &Grant,
    ) -> Result<pb::ListRuleVersionsResponse, ApiError> {
        Ok(pb::ListRuleVersionsResponse {
            rule_versions: self.membership.rule_versions().await?,
        })
    }

    async fn create_rule_version_impl(
        &self,
        request: pb::CreateRuleVersionRequest,
        grant: &Grant,
    ) -> Result<pb::RuleVersion, ApiError> {
        let key = request_key("CreateRuleVersion", &request, grant)?;
        let sent = required(request.rule_version.as_ref(), "rule_version")?;
        let rule = partyregistry_kit::admission::rule_version_from_proto(sent, "rule_version")?;
        self.membership.create_rule_version(rule, key).await
    }

    async fn update_rule_version_impl(
        &self,
        request: pb::UpdateRuleVersionRequest,
        _grant: &Grant,
    ) -> Result<pb::RuleVersion, ApiError> {
        let update = required(request.rule_version.as_ref(), "rule_version")?;
        let in_force_from = parse_rule_version("rule_version.name", &update.name)?;
        // `in_force_from` is corrected only when the mask names it: an empty mask keeps the
        // start, since re-dating renames the version.
        let named = request
            .update_mask
            .as_ref()
            .is_some_and(|mask| !mask.paths.is_empty());
        let allowed: Vec<&'static str> = RULE_VERSION_UPDATABLE
            .iter()
            .copied()
            .chain(named.then_some(RULE_VERSION_START))
            .collect();
        let mut paths = mask_paths(request.update_mask.as_ref(), &allowed)?;
        let new_start = if paths.contains(&RULE_VERSION_START) {
            paths.retain(|path| *path != RULE_VERSION_START);
            Some(date::parse(&update.in_force_from).map_err(|error| {
                ApiError::invalid("rule_version.in_force_from", error.to_string())
            })?)
        } else {
            None
        };
        self.membership
            .update_rule_version(
                in_force_from,
                &update.etag,
                update.clone(),
                (paths, new_start),
            )
            .await
    }

    async fn list_holidays_impl(
        &self,
        request: pb::ListHolidaysRequest,
        _grant: &Grant,
    ) -> Result<pb::ListHolidaysResponse, ApiError> {
        Ok(pb::ListHolidaysResponse {
            holidays: self
                .membership
                .holidays(year("year", request.year)?)
                .await?,
        })
    }

    async fn set_holiday_impl(
        &self,
        request: pb::SetHolidayRequest,
        _grant: &Grant,
    ) -> Result<pb::Holiday, ApiError> {
        let (day, display_name, kind) = holiday_from_proto(request.holiday.as_ref())?;
        self.membership.set_holiday(day, display_name, kind).await
    }

    async fn delete_holiday_impl(
        &self,
        request: pb::DeleteHolidayRequest,
        _grant: &Grant,
    ) -> Result<(), ApiError> {
        let day = parse_holiday("name", &request.name)?;
        self.membership.delete_holiday(day).await
    }

    async fn set_target_impl(
        &self,
        request: pb::SetTargetRequest,
        _grant: &Grant,
    ) -> Result<pb::Target, ApiError> {
        let code = names::parse_commune("parent", &request.parent)?;
        let target = target_from_proto(request.target.as_ref())?;
        self.membership.set_target(&code, target).await
    }

    async fn list_targets_impl(
        &self,
        request: pb::ListTargetsRequest,
        _grant: &Grant,
    ) -> Result<pb::ListTargetsResponse, ApiError> {
        let code = names::parse_commune("parent", &request.parent)?;
        Ok(pb::ListTargetsResponse {
            targets: self.membership.targets(&code).await?,
        })
    }

    async fn set_cell_plan_impl(
        &self,
        request: pb::SetCellPlanRequest,
        _grant: &Grant,
    ) -> Result<pb::CellPlan, ApiError> {
        let (code, cell_id) = names::parse_cell("parent", &request.parent)?;
        let plan = plan_from_proto(request.plan.as_ref())?;
        self.membership.set_cell_plan((&code, &cell_id), plan).await
    }

    async fn list_cell_plans_impl(
        &self,
        request: pb::ListCellPlansRequest,
        _grant: &Grant,
    ) -> Result<pb::ListCellPlansResponse, ApiError> {
        let code = names::parse_commune("parent", &request.parent)?;
        Ok(pb::ListCellPlansResponse {
            plans: self
                .membership
                .cell_plans(&code, year("year", request.year)?)
                .await?,
        })
    }

    async fn rate_cell_impl(
        &self,
        request: pb::RateCellRequest,
        _grant: &Grant,
    ) -> Result<pb::CellRating, ApiError> {
        let (code, cell_id) = names::parse_cell("parent", &request.parent)?;
        let rating = required(request.rating.as_ref(), "rating")?;
        self.membership
            .rate_cell((&code, &cell_id), rating.clone())
            .await
    }

    async fn list_cell_ratings_impl(
        &self,
        request: pb::ListCellRatingsRequest,
        _grant: &Grant,
    ) -> Result<pb::ListCellRatingsResponse, ApiError> {
        let code = names::parse_commune("parent", &request.parent)?;
        Ok(pb::ListCellRatingsResponse {
            ratings: self
                .membership
                .cell_ratings(&code, year("year", request.year)?)
                .await?,
        })
    }

    async fn rate_member_impl(
        &self,
        request: pb::RateMemberRequest,
        _grant: &Grant,
    ) -> Result<pb::MemberRating, ApiError> {
        let id = names::parse_member("parent", &request.parent)?;
        let rating = required(request.rating.as_ref(), "rating")?;
        self.membership.rate_member(id, rating.clone()).await
    }
}

#[tonic::async_trait]
impl AdmissionService for AdmissionApi {
    handlers! {
        get_candidate[admission!("GetCandidate")](pb::GetCandidateRequest) -> pb::Candidate => get_candidate_impl;
        list_candidates[admission!("ListCandidates")](pb::ListCandidatesRequest) -> pb::ListCandidatesResponse => list_candidates_impl;
        create_candidate[admission!("CreateCandidate")](pb::CreateCandidateRequest) -> pb::Candidate => create_candidate_impl;
        update_candidate[admission!("UpdateCandidate")](pb::UpdateCandidateRequest) -> pb::Candidate => update_candidate_impl;
        advance_candidate[admission!("AdvanceCandidate")](pb::AdvanceCandidateRequest) -> pb::Candidate => advance_candidate_impl;
        check_eligibility[admission!("CheckEligibility")](pb::CheckEligibilityRequest) -> pb::Eligibility => check_eligibility_impl;
        admit_candidate[admission!("AdmitCandidate")](pb::AdmitCandidateRequest) -> pb::Member => admit_candidate_impl;
        list_rule_versions[admission!("ListRuleVersions")](pb::ListRuleVersionsRequest) -> pb::ListRuleVersionsResponse => list_rule_versions_impl;
        create_rule_version[admission!("CreateRuleVersion")](pb::CreateRuleVersionRequest) -> pb::RuleVersion => create_rule_version_impl;
        update_rule_version[admission!("UpdateRuleVersion")](pb::UpdateRuleVersionRequest) -> pb::RuleVersion => update_rule_version_impl;
        list_holidays[admission!("ListHolidays")](pb::ListHolidaysRequest) -> pb::ListHolidaysResponse => list_holidays_impl;
        set_holiday[admission!("SetHoliday")](pb::SetHolidayRequest) -> pb::Holiday => set_holiday_impl;
        delete_holiday[admission!("DeleteHoliday")](pb::DeleteHolidayRequest) -> () => delete_holiday_impl;
        set_target[admission!("SetTarget")](pb::SetTargetRequest) -> pb::Target => set_target_impl;
        list_targets[admission!("ListTargets")](pb::ListTargetsRequest) -> pb::ListTargetsResponse => list_targets_impl;
        set_cell_plan[admission!("SetCellPlan")](pb::SetCellPlanRequest) -> pb::CellPlan => set_cell_plan_impl;
        list_cell_plans[admission!("ListCellPlans")](pb::ListCellPlansRequest) -> pb::ListCellPlansResponse => list_cell_plans_impl;
        rate_cell[admission!("RateCell")](pb::RateCellRequest) -> pb::CellRating => rate_cell_impl;
        list_cell_ratings[admission!("ListCellRatings")](pb::ListCellRatingsRequest) -> pb::ListCellRatingsResponse => list_cell_ratings_impl;
        rate_member[admission!("RateMember")](pb::RateMemberRequest) -> pb::MemberRating => rate_member_impl;
    }
}
