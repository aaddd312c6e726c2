//! What each message of the membership contracts addresses (the resources a request names, in
//! scope order) and which people a reply carries with which personal fields, for the kit's
//! authorisation gate.
//!
//! Owns these descriptions. Does not own the rules (the table in [`super::METHODS`]) nor where a
//! resource is recorded ([`super::resolver`]).

use partyregistry_kit::authz::{Addressed, Reply, Target};
use partyregistry_proto::audit::v1 as audit_pb;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;

use super::resolver::MembershipScope;

macro_rules! addressed {
    ($($request:ty => |$r:ident| $targets:expr;)*) => {
        $(
            impl Addressed<MembershipScope> for $request {
                fn targets(&self) -> Vec<Target> {
                    let $r = self;
                    $targets
                }
            }
        )*
    };
}

fn inner<T>(value: Option<&T>, name: impl Fn(&T) -> Target) -> Vec<Target> {
    vec![value.map_or(Target::Missing, name)]
}

addressed! {
    pb::GetCommuneRequest => |r| vec![Target::Commune(r.name.clone())];
    pb::ListCommunesRequest => |_r| Vec::new();
    pb::CreateCommuneRequest => |r| inner(r.commune.as_ref(), |c| Target::NewCommune {
        code: c.code.trim().to_owned(),
        province: c.province_code.trim().to_owned(),
    });
    // An update may move a commune to another province, or a candidate to another cell: the
    // destination must be in scope as well.
    pb::UpdateCommuneRequest => |r| {
        let mut targets = inner(r.commune.as_ref(), |c| Target::Commune(c.name.clone()));
        if let Some(c) = r.commune.as_ref().filter(|c| !c.province_code.trim().is_empty()) {
            targets.push(Target::NewCommune {
                code: c.name.strip_prefix("communes/").unwrap_or_default().to_owned(),
                province: c.province_code.trim().to_owned(),
            });
        }
        targets
    };
    pb::GetCellRequest => |r| vec![Target::Cell(r.name.clone())];
    pb::ListCellsRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::CreateCellRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::UpdateCellRequest => |r| inner(r.cell.as_ref(), |c| Target::Cell(c.name.clone()));
    pb::GetMemberRequest => |r| vec![Target::Member(r.name.clone())];
    pb::ListMembersRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::CreateMemberRequest => |r| inner(r.member.as_ref(), |m| Target::Cell(m.cell.clone()));
    pb::UpdateMemberRequest => |r| inner(r.member.as_ref(), |m| Target::Member(m.name.clone()));
    pb::RecordAdmissionRequest => |r| inner(r.member.as_ref(), |m| Target::Cell(m.cell.clone()));
    pb::RecordCeremonyRequest => |r| vec![Target::Member(r.name.clone())];
    pb::RecognizeOfficialRequest => |r| vec![Target::Member(r.name.clone())];
    // A transfer writes into the destination cell's commune too: both must be in scope.
    pb::TransferMemberRequest => |r| {
        let mut targets = vec![Target::Member(r.name.clone())];
        if !r.to_cell.is_empty() {
            targets.push(Target::Cell(r.to_cell.clone()));
        }
        targets
    };
    pb::ExemptMemberRequest => |r| vec![Target::Member(r.name.clone())];
    pb::RecordDisciplineRequest => |r| vec![Target::Member(r.name.clone())];
    pb::EndExemptionRequest => |r| vec![Target::Member(r.name.clone())];
    pb::RecordDepartureRequest => |r| vec![Target::Member(r.name.clone())];
    pb::ListMemberEventsRequest => |r| vec![Target::Member(r.parent.clone())];
    pb::WatchChangesRequest => |_r| Vec::new();
    pb::GetFeedHeadRequest => |_r| Vec::new();
    pb::ImportRosterRequest => |_r| Vec::new();
    pb::ListIdentityConflictsRequest => |_r| Vec::new();
    pb::ResolveIdentityConflictRequest => |_r| Vec::new();
    pb::GetCandidateRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::ListCandidatesRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::CreateCandidateRequest => |r| inner(r.candidate.as_ref(), |c| Target::Cell(c.cell.clone()));
    pb::UpdateCandidateRequest => |r| {
        let mut targets = inner(r.candidate.as_ref(), |c| Target::Candidate(c.name.clone()));
        if let Some(c) = r.candidate.as_ref().filter(|c| !c.cell.is_empty()) {
            targets.push(Target::Cell(c.cell.clone()));
        }
        targets
    };
    pb::AdvanceCandidateRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::CheckEligibilityRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::AdmitCandidateRequest => |r| vec![Target::Candidate(r.name.clone())];
    pb::ListRuleVersionsRequest => |_r| Vec::new();
    pb::CreateRuleVersionRequest => |_r| Vec::new();
    pb::UpdateRuleVersionRequest => |_r| Vec::new();
    pb::ListHolidaysRequest => |_r| Vec::new();
    pb::SetHolidayRequest => |_r| Vec::new();
    pb::DeleteHolidayRequest => |_r| Vec::new();
    pb::SetTargetRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::ListTargetsRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::SetCellPlanRequest => |r| vec![Target::Cell(r.parent.clone())];
    pb::ListCellPlansRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::RateCellRequest => |r| vec![Target::Cell(r.parent.clone())];
    pb::ListCellRatingsRequest => |r| vec![Target::Commune(r.parent.clone())];
    pb::RateMemberRequest => |r| vec![Target::Member(r.parent.clone())];
    pb::ListProvincesRequest => |_r| Vec::new();
    pb::GetProvinceRequest => |_r| Vec::new();
    pb::CreateProvinceRequest => |_r| Vec::new();
    pb::UpdateProvinceRequest => |_r| Vec::new();
    pb::ListMergesRequest => |_r| Vec::new();
    pb::CreateMergeRequest => |_r| Vec::new();
    pb::GetReferenceListRequest => |_r| Vec::new();
    audit_pb::ListAuditEntriesRequest => |_r| Vec::new();
    audit_pb::VerifyAuditTrailRequest => |_r| Vec::new();
}

/// Clears a member's personal fields.
fn redact_member(member: &mut pb::Member) {
    member.citizen_id.clear();
    member.birth_date.clear();
    member.phone.clear();
    member.address.clear();
}

/// Clears a candidate's personal fields.
fn redact_candidate(candidate: &mut pb::Candidate) {
    candidate.citizen_id.clear();
    candidate.birth_date.clear();
}

/// Reduces a member to what identifies the record.
fn withhold_member(member: &mut pb::Member) {
    *member = pb::Member {
        name: std::mem::take(&mut member.name),
        etag: std::mem::take(&mut member.etag),
        update_time: member.update_time.take(),
        ..Default::default()
    };
}

/// Reduces a candidate to what identifies the record.
fn withhold_candidate(candidate: &mut pb::Candidate) {
    *candidate = pb::Candidate {
        name: std::mem::take(&mut candidate.name),
        etag: std::mem::take(&mut candidate.etag),
        update_time: candidate.update_time.take(),
        ..Default::default()
    };
}

impl Reply<MembershipScope> for pb::Member {
    fn people(&self) -> Vec<String> {
        vec![self.name.clone()]
    }
    fn redact(&mut self) {
        redact_member(self);
    }
    fn withhold(&mut self) {
        withhold_member(self);
    }
}

impl Reply<MembershipScope> for pb::ListMembersResponse {
    fn people(&self) -> Vec<String> {
        self.members.iter().map(|m| m.name.clone()).collect()
    }
    fn redact(&mut self) {
        self.members.iter_mut().for_each(redact_member);
    }
    fn withhold(&mut self) {
        self.members.iter_mut().for_each(withhold_member);
    }
}

/// The audit entry of an import names the members it created; the reply holds no personal field.
impl Reply<MembershipScope> for pb::ImportRosterResponse {
    fn people(&self) -> Vec<String> {
        self.results
            .iter()
            .filter(|r| r.name.starts_with("members/"))
            .map(|r| r.name.clone())
            .collect()
    }
}

impl Reply<MembershipScope> for pb::Candidate {
    fn people(&self) -> Vec<String> {
        vec![self.name.clone()]
    }
    fn redact(&mut self) {
        redact_candidate(self);
    }
    fn withhold(&mut self) {
        withhold_candidate(self);
    }
}

impl Reply<MembershipScope> for pb::ListCandidatesResponse {
    fn people(&self) -> Vec<String> {
        self.candidates.iter().map(|c| c.name.clone()).collect()
    }
    fn redact(&mut self) {
        self.candidates.iter_mut().for_each(redact_candidate);
    }
    fn withhold(&mut self) {
        self.candidates.iter_mut().for_each(withhold_candidate);
    }
}

impl Reply<MembershipScope> for pb::Change {
    fn people(&self) -> Vec<String> {
        match &self.resource {
            Some(Resource::Member(m)) => vec![m.name.clone()],
            Some(Resource::Candidate(c)) => vec![c.name.clone()],
            _ => Vec::new(),
        }
    }
    fn redact(&mut self) {
        match &mut self.resource {
            Some(Resource::Member(m)) => redact_member(m),
            Some(Resource::Candidate(c)) => redact_candidate(c),
            _ => {}
        }
    }
    fn withhold(&mut self) {
        self.events.clear();
        match &mut self.resource {
            Some(Resource::Member(m)) => withhold_member(m),
            Some(Resource::Candidate(c)) => withhold_candidate(c),
            _ => {}
        }
    }
}

/// Reduces a conflict to its name and state.
fn withhold_conflict(conflict: &mut pb::IdentityConflict) {
    *conflict = pb::IdentityConflict {
        name: std::mem::take(&mut conflict.name),
        state: conflict.state,
        ..Default::default()
    };
}

/// A conflict names two members and no personal field.
impl Reply<MembershipScope> for pb::IdentityConflict {
    fn people(&self) -> Vec<String> {
        vec![self.member.clone(), self.existing_member.clone()]
    }
    fn withhold(&mut self) {
        withhold_conflict(self);
    }
}

impl Reply<MembershipScope> for pb::ListIdentityConflictsResponse {
    fn people(&self) -> Vec<String> {
        self.identity_conflicts
            .iter()
            .flat_map(|c| [c.member.clone(), c.existing_member.clone()])
            .collect()
    }
    fn withhold(&mut self) {
        self.identity_conflicts
            .iter_mut()
            .for_each(withhold_conflict);
    }
}

macro_rules! no_people {
    ($($reply:ty),* $(,)?) => { $(impl Reply<MembershipScope> for $reply {})* };
}

no_people!(
    (),
    pb::Commune,
    pb::ListCommunesResponse,
    pb::Cell,
    pb::ListCellsResponse,
    pb::ListMemberEventsResponse,
    pb::FeedHead,
    pb::Eligibility,
    pb::RuleVersion,
    pb::ListRuleVersionsResponse,
    pb::Holiday,
    pb::ListHolidaysResponse,
    pb::Target,
    pb::ListTargetsResponse,
    pb::CellPlan,
    pb::ListCellPlansResponse,
    pb::CellRating,
    pb::ListCellRatingsResponse,
    pb::MemberRating,
    pb::Province,
    pb::ListProvincesResponse,
    pb::UnitMerge,
    pb::ListMergesResponse,
    pb::ReferenceList,
    audit_pb::ListAuditEntriesResponse,
    audit_pb::VerifyAuditTrailResponse,
);
