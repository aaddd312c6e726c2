//! `MembershipApi`: thin gRPC handlers. Each parses and validates its request into domain values
//! ([`crate::convert`]), makes one call to [`crate::service::Membership`], and returns the proto.
//! `ImportRoster` (in `import`) takes a roster batch by batch. `writer` builds the
//! [`crate::service::Writer`] of a write that sets a citizen ID; `identity` serves the review
//! queue of identity conflicts. `WatchChanges` (in `feed`) replays the feed from the caller's cursor, then follows new
//! commits. The admission pipeline's handlers ([`AdmissionApi`]) and the reference handlers
//! ([`ReferenceApi`]) share the helpers and macros here.

use std::pin::Pin;
use std::sync::Arc;

use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use partyregistry_vocab::{date, names};
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::authz::{Authz, Grant, membership};
use crate::convert::{self, text_field};
use crate::domain::{
    AdmissionContext, AdmissionFields, CellKind, DepartureKind, Transfer, TransferKind,
};
use crate::filter::parse_member_filter;
use crate::service::{Membership, RequestKey, Step};
use crate::store::effective_page_size;
use writer::{audit_queued, writer_of};

const ERROR_DOMAIN: &str = "membership.partyregistry";

/// The membership service's gRPC handlers.
#[derive(Debug, Clone)]
pub struct MembershipApi {
    membership: Arc<Membership>,
    authz: Authz,
    shutdown: CancellationToken,
}

impl MembershipApi {
    /// Handlers over `membership`, authorised and audited by `authz`; open feed streams end when
    /// `shutdown` is cancelled.
    pub fn new(membership: Arc<Membership>, authz: Authz, shutdown: CancellationToken) -> Self {
        Self {
            membership,
            authz,
            shutdown,
        }
    }
}

fn status(error: ApiError) -> Status {
    error.into_status(ERROR_DOMAIN)
}

/// A request that carries an idempotency key.
trait Idempotent: Message + Clone {
    /// The caller's request id; empty for none.
    fn request_id(&self) -> &str;
    /// The same request without its request id: what a retry must repeat exactly.
    fn without_request_id(&self) -> Self;
}

macro_rules! idempotent {
    ($($request:ty),* $(,)?) => {
        $(
            impl Idempotent for $request {
                fn request_id(&self) -> &str {
                    &self.request_id
                }

                fn without_request_id(&self) -> Self {
                    Self { request_id: String::new(), ..self.clone() }
                }
            }
        )*
    };
}

idempotent!(
    pb::CreateCommuneRequest,
    pb::CreateCellRequest,
    pb::CreateMemberRequest,
    pb::RecordAdmissionRequest,
    pb::RecordCeremonyRequest,
    pb::RecognizeOfficialRequest,
    pb::TransferMemberRequest,
    pb::ExemptMemberRequest,
    pb::EndExemptionRequest,
    pb::RecordDepartureRequest,
    pb::RecordDisciplineRequest,
);

/// The idempotency key of a request sent to `method` by the caller `grant` admitted, if it has a
/// request id: ids are the caller's own.
fn request_key<R: Idempotent>(
    method: &'static str,
    request: &R,
    grant: &Grant,
) -> Result<Option<RequestKey>, ApiError> {
    let id = request.request_id();
    if id.is_empty() {
        return Ok(None);
    }
    if id.chars().count() > 100 {
        return Err(ApiError::invalid(
            "request_id",
            "must be at most 100 characters",
        ));
    }
    Ok(Some(RequestKey {
        caller: grant.caller.request_scope(),
        id: id.to_owned(),
        method,
        fingerprint: request.without_request_id().encode_to_vec(),
    }))
}

fn required<'a, T>(value: Option<&'a T>, field: &str) -> Result<&'a T, ApiError> {
    value.ok_or_else(|| ApiError::invalid(field, "is required"))
}

fn effective_date(field: &str, value: &str) -> Result<date::Date, ApiError> {
    if value.is_empty() {
        return Err(ApiError::invalid(field, "is required (YYYY-MM-DD)"));
    }
    date::parse(value).map_err(|error| ApiError::invalid(field, error.to_string()))
}

fn short_text(field: &str, value: &str, max: usize, required: bool) -> Result<String, ApiError> {
    let mut v = Violations::new();
    let text = text_field(&mut v, field, value, max, required);
    v.finish()?;
    Ok(text)
}

impl MembershipApi {
    /// `member` with a bare ethnicity code qualified by the list the server reads bare codes in,
    /// if it is configured with one ([`convert::BareEthnicityCodes`]).
    fn qualified(&self, member: &pb::Member) -> pb::Member {
        let mut member = member.clone();
        self.membership
            .bare_ethnicity_codes()
            .qualify(&member.ethnicity_code, &mut member.ethnicity_code_system);
        member
    }

    async fn get_commune_impl(
        &self,
        request: pb::GetCommuneRequest,
        _grant: &Grant,
    ) -> Result<pb::Commune, ApiError> {
        let code = names::parse_commune("name", &request.name)?;
        let mut commune = self.membership.commune(&code).await?;
        let successors = self.authz.province_successors().await?;
        commune.current_province_code = crate::authz::follow(&successors, &commune.province_code);
        Ok(commune)
    }

    /// A scoped caller gets only the communes it sees: store pages are read and filtered until
    /// the page is full, and the token continues after the last commune returned.
    async fn list_communes_impl(
        &self,
        request: pb::ListCommunesRequest,
        grant: &Grant,
    ) -> Result<pb::ListCommunesResponse, ApiError> {
        let size = effective_page_size(request.page_size)?;
        let province = crate::filter::parse_commune_filter(&request.filter)?;
        let successors = self.authz.province_successors().await?;
        let with_current_province = |mut commune: pb::Commune| {
            commune.current_province_code =
                crate::authz::follow(&successors, &commune.province_code);
            commune
        };
        if grant.caller.national {
            let (communes, next_page_token) = self
                .membership
                .communes(province.as_deref(), &request.page_token, size)
                .await?;
            return Ok(pb::ListCommunesResponse {
                communes: communes.into_iter().map(with_current_province).collect(),
                next_page_token,
            });
        }
        let mut token = request.page_token.clone();
        let mut communes = Vec::new();
        let mut more = false;
        loop {
            let (page, next) = self
                .membership
                .communes(province.as_deref(), &token, size)
                .await?;
            for commune in page {
                let commune = with_current_province(commune);
                if grant
                    .caller
                    .sees_commune(&commune.code, &commune.current_province_code)
                {
                    if communes.len() as i64 == size {
                        more = true;
                        break;
                    }
                    communes.push(commune);
                }
            }
            if more || next.is_empty() {
                break;
            }
            token = next;
        }
        let next_page_token = match communes.last() {
            Some(last) if more => crate::store::page_token(&[], &last.code),
            _ => String::new(),
        };
        Ok(pb::ListCommunesResponse {
            communes,
            next_page_token,
        })
    }

    async fn create_commune_impl(
        &self,
        request: pb::CreateCommuneRequest,
        grant: &Grant,
    ) -> Result<pb::Commune, ApiError> {
        let key = request_key("CreateCommune", &request, grant)?;
        let commune = required(request.commune.as_ref(), "commune")?;
        let commune = convert::commune_from_proto(commune, commune.code.trim())?;
        self.membership.create_commune(commune, key).await
    }

    async fn update_commune_impl(
        &self,
        request: pb::UpdateCommuneRequest,
        _grant: &Grant,
    ) -> Result<pb::Commune, ApiError> {
        let update = required(request.commune.as_ref(), "commune")?;
        let code = names::parse_commune("commune.name", &update.name)?;
        let paths = convert::mask_paths(request.update_mask.as_ref(), convert::COMMUNE_UPDATABLE)?;
        self.membership
            .update_commune(&code, &update.etag, update.clone(), paths)
            .await
    }

    async fn get_cell_impl(
        &self,
        request: pb::GetCellRequest,
        _grant: &Grant,
    ) -> Result<pb::Cell, ApiError> {
        let (code, id) = names::parse_cell("name", &request.name)?;
        self.membership.cell(&code, &id).await
    }

    async fn list_cells_impl(
        &self,
        request: pb::ListCellsRequest,
        _grant: &Grant,
    ) -> Result<pb::ListCellsResponse, ApiError> {
        let code = names::parse_commune("parent", &request.parent)?;
        let size = effective_page_size(request.page_size)?;
        let kind: Option<CellKind> = crate::filter::parse_cell_filter(&request.filter)?;
        let (cells, next_page_token) = self
            .membership
            .cells(&code, kind, &request.page_token, size)
            .await?;
        Ok(pb::ListCellsResponse {
            cells,
            next_page_token,
        })
    }

    async fn create_cell_impl(
        &self,
        request: pb::CreateCellRequest,
        grant: &Grant,
    ) -> Result<pb::Cell, ApiError> {
        let key = request_key("CreateCell", &request, grant)?;
        let code = names::parse_commune("parent", &request.parent)?;
        if !names::is_cell_id(&request.cell_id) {
            return Err(ApiError::invalid(
                "cell_id",
                "must be 1 to 40 lower-case ASCII letters, digits and hyphens",
            ));
        }
        let cell = convert::cell_from_proto(
            required(request.cell.as_ref(), "cell")?,
            &code,
            &request.cell_id,
        )?;
        self.membership.create_cell(cell, key).await
    }

    async fn update_cell_impl(
        &self,
        request: pb::UpdateCellRequest,
        _grant: &Grant,
    ) -> Result<pb::Cell, ApiError> {
        let update = required(request.cell.as_ref(), "cell")?;
        let (code, id) = names::parse_cell("cell.name", &update.name)?;
        let paths = convert::mask_paths(request.update_mask.as_ref(), convert::CELL_UPDATABLE)?;
        self.membership
            .update_cell((&code, &id), &update.etag, update.clone(), paths)
            .await
    }

    async fn get_member_impl(
        &self,
        request: pb::GetMemberRequest,
        _grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let id = names::parse_member("name", &request.name)?;
        self.membership.member(id).await
    }

    async fn list_members_impl(
        &self,
        request: pb::ListMembersRequest,
        _grant: &Grant,
    ) -> Result<pb::ListMembersResponse, ApiError> {
        let commune = if request.parent == "communes/-" {
            None
        } else {
            Some(names::parse_commune("parent", &request.parent)?)
        };
        let size = effective_page_size(request.page_size)?;
        let filter = parse_member_filter(&request.filter, commune)?;
        let (members, next_page_token) = self
            .membership
            .members(&filter, &request.page_token, size)
            .await?;
        Ok(pb::ListMembersResponse {
            members,
            next_page_token,
        })
    }

    async fn create_member_impl(
        &self,
        request: pb::CreateMemberRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("CreateMember", &request, grant)?;
        let member = &self.qualified(required(request.member.as_ref(), "member")?);
        let mut v = Violations::new();
        let person = convert::person_from_proto(member, &mut v);
        let admission = convert::admission_from_proto(member.admission.as_ref(), &mut v);
        let cell = v.check(
            "member.cell",
            names::parse_cell("member.cell", &member.cell)
                .map_err(|e| ApiError::from(e).to_string()),
        );
        let joined = v.check(
            "joined_date",
            effective_date("joined_date", &request.joined_date).map_err(|e| e.to_string()),
        );
        let from = text_field(
            &mut v,
            "from_organization",
            &request.from_organization,
            200,
            true,
        );
        v.finish()?;
        match (person, admission, cell, joined) {
            (Some(person), Some(admission), Some(cell), Some(joined)) => {
                let writer = writer_of(&self.authz, grant, "CreateMember").await?;
                let member = self
                    .membership
                    .create_member(person, admission, cell, (joined, from), (key, &writer))
                    .await?;
                audit_queued(&self.authz, grant, &writer);
                Ok(member)
            }
            _ => Err(ApiError::Internal(
                "validation passed without values".into(),
            )),
        }
    }

    async fn update_member_impl(
        &self,
        request: pb::UpdateMemberRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let update = &self.qualified(required(request.member.as_ref(), "member")?);
        let id = names::parse_member("member.name", &update.name)?;
        let paths = convert::member_mask_paths(request.update_mask.as_ref())?;
        let writer = writer_of(&self.authz, grant, "UpdateMember").await?;
        let member = self
            .membership
            .update_member(id, &update.etag, update.clone(), (paths, &writer))
            .await?;
        audit_queued(&self.authz, grant, &writer);
        Ok(member)
    }

    async fn record_admission_impl(
        &self,
        request: pb::RecordAdmissionRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordAdmission", &request, grant)?;
        let member = &self.qualified(required(request.member.as_ref(), "member")?);
        let mut v = Violations::new();
        let person = convert::person_from_proto(member, &mut v);
        let admission = convert::admission_from_proto(member.admission.as_ref(), &mut v);
        let cell = v.check(
            "member.cell",
            names::parse_cell("member.cell", &member.cell)
                .map_err(|e| ApiError::from(e).to_string()),
        );
        let cell_vote = convert::vote_from_proto(request.cell_vote.as_ref(), "cell_vote", &mut v);
        let deciding_body = text_field(&mut v, "deciding_body", &request.deciding_body, 200, false);
        let cell_vote_date = v
            .check(
                "cell_vote_date",
                date::parse_optional(&request.cell_vote_date),
            )
            .flatten();
        v.finish()?;
        match (person, admission, cell) {
            (Some(person), Some(admission), Some(cell)) => {
                let context = AdmissionContext {
                    cell_vote,
                    cell_vote_date,
                    deciding_body,
                    fields: AdmissionFields::RECORD_ADMISSION,
                    over_age_consent: false,
                };
                let writer = writer_of(&self.authz, grant, "RecordAdmission").await?;
                let member = self
                    .membership
                    .record_admission(person, admission, cell, context, (key, &writer))
                    .await?;
                audit_queued(&self.authz, grant, &writer);
                Ok(member)
            }
            _ => Err(ApiError::Internal(
                "validation passed without values".into(),
            )),
        }
    }

    async fn step(
        &self,
        name: &str,
        step: Step,
        key: Option<RequestKey>,
    ) -> Result<pb::Member, ApiError> {
        let id = names::parse_member("name", name)?;
        self.membership.apply_step(id, step, key).await
    }

    async fn record_ceremony_impl(
        &self,
        request: pb::RecordCeremonyRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordCeremony", &request, grant)?;
        let step = Step::Ceremony {
            ceremony_date: effective_date("ceremony_date", &request.ceremony_date)?,
            decision_received_date: date::parse_optional(&request.decision_received_date)
                .map_err(|error| ApiError::invalid("decision_received_date", error.to_string()))?,
        };
        self.step(&request.name, step, key).await
    }

    async fn recognize_official_impl(
        &self,
        request: pb::RecognizeOfficialRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecognizeOfficial", &request, grant)?;
        let official_date = effective_date("official_date", &request.official_date)?;
        let decision_number = short_text("decision_number", &request.decision_number, 50, false)?;
        let mut v = Violations::new();
        let vote = convert::vote_from_proto(request.cell_vote.as_ref(), "cell_vote", &mut v);
        v.finish()?;
        let vote = vote.ok_or_else(|| ApiError::invalid("cell_vote", "is required"))?;
        self.step(
            &request.name,
            Step::Recognize {
                official_date,
                decision_number,
                vote,
            },
            key,
        )
        .await
    }

    async fn transfer_member_impl(
        &self,
        request: pb::TransferMemberRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("TransferMember", &request, grant)?;
        let effective_date = effective_date("effective_date", &request.effective_date)?;
        let decision_number = short_text("decision_number", &request.decision_number, 50, false)?;
        let kind = pb::TransferKind::try_from(request.kind)
            .ok()
            .and_then(|k| TransferKind::from_name(k.as_str_name()))
            .ok_or_else(|| {
                ApiError::invalid("kind", "is required: one of the TransferKind values")
            })?;
        let transfer = match kind {
            TransferKind::BetweenCells => {
                Transfer::BetweenCells(names::parse_cell("to_cell", &request.to_cell)?)
            }
            TransferKind::ToCommune => {
                Transfer::ToCommune(names::parse_cell("to_cell", &request.to_cell)?)
            }
            TransferKind::OutOfSystem => Transfer::OutOfSystem(short_text(
                "to_organization",
                &request.to_organization,
                200,
                true,
            )?),
            TransferKind::TemporaryOut => Transfer::TemporaryOut {
                to_organization: short_text(
                    "to_organization",
                    &request.to_organization,
                    200,
                    true,
                )?,
                away_until: self::effective_date("away_until", &request.away_until)?,
                for_study: request.for_study,
            },
            TransferKind::TemporaryReturn => Transfer::TemporaryReturn,
        };
        self.step(
            &request.name,
            Step::Transfer {
                transfer,
                effective_date,
                decision_number,
            },
            key,
        )
        .await
    }

    async fn exempt_member_impl(
        &self,
        request: pb::ExemptMemberRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("ExemptMember", &request, grant)?;
        let effective_date = effective_date("effective_date", &request.effective_date)?;
        let reason = short_text("reason", &request.reason, 200, true)?;
        self.step(
            &request.name,
            Step::Exempt {
                effective_date,
                reason,
            },
            key,
        )
        .await
    }

    async fn end_exemption_impl(
        &self,
        request: pb::EndExemptionRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("EndExemption", &request, grant)?;
        let effective_date = effective_date("effective_date", &request.effective_date)?;
        self.step(&request.name, Step::EndExemption(effective_date), key)
            .await
    }

    async fn record_departure_impl(
        &self,
        request: pb::RecordDepartureRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordDeparture", &request, grant)?;
        let kind = pb::DepartureKind::try_from(request.kind)
            .ok()
            .and_then(|k| DepartureKind::from_name(k.as_str_name()))
            .ok_or_else(|| {
                ApiError::invalid("kind", "is required: one of the DepartureKind values")
            })?;
        let effective_date = effective_date("effective_date", &request.effective_date)?;
        let decision_number = short_text("decision_number", &request.decision_number, 50, false)?;
        let reason = short_text("reason", &request.reason, 200, false)?;
        self.step(
            &request.name,
            Step::Depart {
                kind,
                effective_date,
                decision_number,
                reason,
            },
            key,
        )
        .await
    }

    async fn record_discipline_impl(
        &self,
        request: pb::RecordDisciplineRequest,
        grant: &Grant,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordDiscipline", &request, grant)?;
        let mut v = Violations::new();
        let form = convert::discipline_form_from_proto(request.form);
        if form.is_none() {
            v.add(
                "form",
                "is required: one of the DisciplineForm values (expulsion is RecordDeparture)",
            );
        }
        let decision_date = if request.discipline_date.is_empty() {
            v.add("discipline_date", "is required (YYYY-MM-DD)");
            None
        } else {
            v.check("discipline_date", date::parse(&request.discipline_date))
        };
        let deciding_body = text_field(&mut v, "deciding_body", &request.deciding_body, 200, true);
        let decision_number = text_field(
            &mut v,
            "decision_number",
            &request.decision_number,
            50,
            true,
        );
        let reason = text_field(&mut v, "reason", &request.reason, 200, false);
        v.finish()?;
        let (Some(form), Some(decision_date)) = (form, decision_date) else {
            return Err(ApiError::Internal(
                "validation passed without values".into(),
            ));
        };
        self.step(
            &request.name,
            Step::Discipline {
                record: crate::domain::Discipline {
                    form,
                    decision_date,
                    deciding_body,
                    decision_number,
                },
                reason,
            },
            key,
        )
        .await
    }

    async fn get_feed_head_impl(
        &self,
        _request: pb::GetFeedHeadRequest,
        _grant: &Grant,
    ) -> Result<pb::FeedHead, ApiError> {
        Ok(pb::FeedHead {
            head_sequence: self.membership.feed_head().await?,
        })
    }

    async fn list_member_events_impl(
        &self,
        request: pb::ListMemberEventsRequest,
        _grant: &Grant,
    ) -> Result<pb::ListMemberEventsResponse, ApiError> {
        let id = names::parse_member("parent", &request.parent)?;
        Ok(pb::ListMemberEventsResponse {
            events: self.membership.events(id).await?,
        })
    }
}

/// The response metadata carrying the feed sequence a call committed at (see the contract's
/// read-your-writes convention).
pub const FEED_SEQUENCE_HEADER: &str = "x-feed-sequence";

/// `response` with the feed sequence of the call's last commit, when it committed one.
pub(crate) fn with_feed_sequence<T>(
    mut response: Response<T>,
    committed: Option<i64>,
) -> Response<T> {
    if let Some(sequence) = committed {
        response
            .metadata_mut()
            .insert(FEED_SEQUENCE_HEADER, sequence.into());
    }
    response
}

/// Unary handlers. Every one goes through the same steps, so none can skip them: the caller the
/// server layer verified, [`Authz::check`] against the method's rule in [`crate::authz::METHODS`]
/// (before the request is validated or anything is looked up), the `_impl` method with the feed
/// sequence of what it committed noted, then [`Grant::finish`] (personal fields cleared without
/// the right, audit entry). Written out as the boxed futures `async_trait` produces, because the
/// attribute cannot see inside a macro.
macro_rules! handlers {
    ($($method:ident[$full:expr]($request:ty) -> $response:ty => $implementation:ident;)*) => {
        $(
            fn $method<'life0, 'async_trait>(
                &'life0 self,
                request: Request<$request>,
            ) -> Pin<Box<dyn std::future::Future<Output = Result<Response<$response>, Status>> + Send + 'async_trait>>
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                Box::pin(async move {
                    let caller = partyregistry_kit::auth::caller(&request);
                    let grant = self.authz.check($full, &caller, request.get_ref()).await?;
                    let (result, committed) = crate::service::noting_commits(
                        self.$implementation(request.into_inner(), &grant),
                    )
                    .await;
                    grant
                        .finish(result)
                        .await
                        .map(|answer| $crate::grpc::with_feed_sequence(Response::new(answer), committed))
                })
            }
        )*
    };
}

#[tonic::async_trait]
impl MembershipService for MembershipApi {
    handlers! {
        get_commune[membership!("GetCommune")](pb::GetCommuneRequest) -> pb::Commune => get_commune_impl;
        list_communes[membership!("ListCommunes")](pb::ListCommunesRequest) -> pb::ListCommunesResponse => list_communes_impl;
        create_commune[membership!("CreateCommune")](pb::CreateCommuneRequest) -> pb::Commune => create_commune_impl;
        update_commune[membership!("UpdateCommune")](pb::UpdateCommuneRequest) -> pb::Commune => update_commune_impl;
        get_cell[membership!("GetCell")](pb::GetCellRequest) -> pb::Cell => get_cell_impl;
        list_cells[membership!("ListCells")](pb::ListCellsRequest) -> pb::ListCellsResponse => list_cells_impl;
        create_cell[membership!("CreateCell")](pb::CreateCellRequest) -> pb::Cell => create_cell_impl;
        update_cell[membership!("UpdateCell")](pb::UpdateCellRequest) -> pb::Cell => update_cell_impl;
        get_member[membership!("GetMember")](pb::GetMemberRequest) -> pb::Member => get_member_impl;
        list_members[membership!("ListMembers")](pb::ListMembersRequest) -> pb::ListMembersResponse => list_members_impl;
        create_member[membership!("CreateMember")](pb::CreateMemberRequest) -> pb::Member => create_member_impl;
        update_member[membership!("UpdateMember")](pb::UpdateMemberRequest) -> pb::Member => update_member_impl;
        record_admission[membership!("RecordAdmission")](pb::RecordAdmissionRequest) -> pb::Member => record_admission_impl;
        record_ceremony[membership!("RecordCeremony")](pb::RecordCeremonyRequest) -> pb::Member => record_ceremony_impl;
        recognize_official[membership!("RecognizeOfficial")](pb::RecognizeOfficialRequest) -> pb::Member => recognize_official_impl;
        transfer_member[membership!("TransferMember")](pb::TransferMemberRequest) -> pb::Member => transfer_member_impl;
        exempt_member[membership!("ExemptMember")](pb::ExemptMemberRequest) -> pb::Member => exempt_member_impl;
        end_exemption[membership!("EndExemption")](pb::EndExemptionRequest) -> pb::Member => end_exemption_impl;
        record_departure[membership!("RecordDeparture")](pb::RecordDepartureRequest) -> pb::Member => record_departure_impl;
        record_discipline[membership!("RecordDiscipline")](pb::RecordDisciplineRequest) -> pb::Member => record_discipline_impl;
        list_member_events[membership!("ListMemberEvents")](pb::ListMemberEventsRequest) -> pb::ListMemberEventsResponse => list_member_events_impl;
        get_feed_head[membership!("GetFeedHead")](pb::GetFeedHeadRequest) -> pb::FeedHead => get_feed_head_impl;
        import_roster[membership!("ImportRoster")](pb::ImportRosterRequest) -> pb::ImportRosterResponse => import_roster_impl;
        list_identity_conflicts[membership!("ListIdentityConflicts")](pb::ListIdentityConflictsRequest) -> pb::ListIdentityConflictsResponse => list_identity_conflicts_impl;
        resolve_identity_conflict[membership!("ResolveIdentityConflict")](pb::ResolveIdentityConflictRequest) -> pb::IdentityConflict => resolve_identity_conflict_impl;
    }

    type WatchChangesStream = feed::WatchStream;

    async fn watch_changes(
        &self,
        request: Request<pb::WatchChangesRequest>,
    ) -> Result<Response<Self::WatchChangesStream>, Status> {
        let caller = partyregistry_kit::auth::caller(&request);
        let grant = self
            .authz
            .check(membership!("WatchChanges"), &caller, request.get_ref())
            .await?;
        let after = request.into_inner().after_sequence;
        if after < 0 {
            let refused: Result<(), ApiError> =
                Err(ApiError::invalid("after_sequence", "must not be negative"));
            grant.finish(refused).await?;
        }
        let (sender, receiver) = mpsc::channel(64);
        tokio::spawn(self.clone().watch(after, sender, grant));
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}

pub mod admission;
pub mod audit;
mod feed;
mod identity;
mod import;
pub mod reference;
mod writer;

pub use admission::AdmissionApi;
pub use audit::AuditApi;
pub use reference::ReferenceApi;

#[cfg(test)]
mod tests;
