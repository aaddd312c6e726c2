//! `MembershipApi`: thin gRPC handlers. Each parses and validates its request into domain values
//! ([`crate::convert`]), makes one call to [`crate::service::Membership`], and returns the proto.
//! `WatchChanges` replays the feed from the caller's cursor, then follows new commits. The
//! admission pipeline's handlers ([`AdmissionApi`]) and the reference handlers ([`ReferenceApi`])
//! share the helpers and macros here.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_kit::{date, names};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::membership_service_server::MembershipService;
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::convert::{self, text_field};
use crate::domain::{
    AdmissionContext, AdmissionFields, CellKind, DepartureKind, Transfer, TransferKind,
};
use crate::filter::parse_member_filter;
use crate::service::{Membership, RequestKey, Step};
use crate::store::effective_page_size;

const ERROR_DOMAIN: &str = "membership.partyregistry";
/// Changes read from the database per round trip of a replay.
const FEED_BATCH: i64 = 500;
/// While idle, a follower checks the database this often (commits of other replicas do not wake
/// it) and sends a heartbeat every `HEARTBEAT_EVERY` checks.
const FEED_POLL: Duration = Duration::from_secs(1);
const HEARTBEAT_EVERY: u32 = 5;

/// The membership service's gRPC handlers.
#[derive(Debug, Clone)]
pub struct MembershipApi {
    membership: Arc<Membership>,
    shutdown: CancellationToken,
}

impl MembershipApi {
    /// Handlers over `membership`; open feed streams end when `shutdown` is cancelled.
    pub fn new(membership: Arc<Membership>, shutdown: CancellationToken) -> Self {
        Self {
            membership,
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
);

/// The idempotency key of a request sent to `method`, if it has a request id.
fn request_key<R: Idempotent>(
    method: &'static str,
    request: &R,
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

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchChangesResponse, Status>> + Send>>;

impl MembershipApi {
    async fn get_commune_impl(
        &self,
        request: pb::GetCommuneRequest,
    ) -> Result<pb::Commune, ApiError> {
        let code = names::parse_commune("name", &request.name)?;
        self.membership.commune(&code).await
    }

    async fn list_communes_impl(
        &self,
        request: pb::ListCommunesRequest,
    ) -> Result<pb::ListCommunesResponse, ApiError> {
        let size = effective_page_size(request.page_size)?;
        let province = crate::filter::parse_commune_filter(&request.filter)?;
        let (communes, next_page_token) = self
            .membership
            .communes(province.as_deref(), &request.page_token, size)
            .await?;
        Ok(pb::ListCommunesResponse {
            communes,
            next_page_token,
        })
    }

    async fn create_commune_impl(
        &self,
        request: pb::CreateCommuneRequest,
    ) -> Result<pb::Commune, ApiError> {
        let key = request_key("CreateCommune", &request)?;
        let commune = required(request.commune.as_ref(), "commune")?;
        let commune = convert::commune_from_proto(commune, commune.code.trim())?;
        self.membership.create_commune(commune, key).await
    }

    async fn update_commune_impl(
        &self,
        request: pb::UpdateCommuneRequest,
    ) -> Result<pb::Commune, ApiError> {
        let update = required(request.commune.as_ref(), "commune")?;
        let code = names::parse_commune("commune.name", &update.name)?;
        let paths = convert::mask_paths(request.update_mask.as_ref(), &convert::COMMUNE_UPDATABLE)?;
        self.membership
            .update_commune(&code, &update.etag, update.clone(), paths)
            .await
    }

    async fn get_cell_impl(&self, request: pb::GetCellRequest) -> Result<pb::Cell, ApiError> {
        let (code, id) = names::parse_cell("name", &request.name)?;
        self.membership.cell(&code, &id).await
    }

    async fn list_cells_impl(
        &self,
        request: pb::ListCellsRequest,
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

    async fn create_cell_impl(&self, request: pb::CreateCellRequest) -> Result<pb::Cell, ApiError> {
        let key = request_key("CreateCell", &request)?;
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

    async fn update_cell_impl(&self, request: pb::UpdateCellRequest) -> Result<pb::Cell, ApiError> {
        let update = required(request.cell.as_ref(), "cell")?;
        let (code, id) = names::parse_cell("cell.name", &update.name)?;
        let paths = convert::mask_paths(request.update_mask.as_ref(), &convert::CELL_UPDATABLE)?;
        self.membership
            .update_cell((&code, &id), &update.etag, update.clone(), paths)
            .await
    }

    async fn get_member_impl(&self, request: pb::GetMemberRequest) -> Result<pb::Member, ApiError> {
        let id = names::parse_member("name", &request.name)?;
        self.membership.member(id).await
    }

    async fn list_members_impl(
        &self,
        request: pb::ListMembersRequest,
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
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("CreateMember", &request)?;
        let member = required(request.member.as_ref(), "member")?;
        let mut v = Violations::new();
        let person = convert::person_from_proto(member, &mut v);
        let admission = convert::admission_from_proto(member.admission.as_ref(), &mut v);
        let cell = v.check(
            "member.cell",
            names::parse_cell("member.cell", &member.cell).map_err(|e| e.to_string()),
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
                self.membership
                    .create_member(person, admission, cell, (joined, from), key)
                    .await
            }
            _ => Err(ApiError::Internal(
                "validation passed without values".into(),
            )),
        }
    }

    async fn update_member_impl(
        &self,
        request: pb::UpdateMemberRequest,
    ) -> Result<pb::Member, ApiError> {
        let update = required(request.member.as_ref(), "member")?;
        let id = names::parse_member("member.name", &update.name)?;
        let paths = convert::mask_paths(request.update_mask.as_ref(), &convert::MEMBER_UPDATABLE)?;
        self.membership
            .update_member(id, &update.etag, update.clone(), paths)
            .await
    }

    async fn record_admission_impl(
        &self,
        request: pb::RecordAdmissionRequest,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordAdmission", &request)?;
        let member = required(request.member.as_ref(), "member")?;
        let mut v = Violations::new();
        let person = convert::person_from_proto(member, &mut v);
        let admission = convert::admission_from_proto(member.admission.as_ref(), &mut v);
        let cell = v.check(
            "member.cell",
            names::parse_cell("member.cell", &member.cell).map_err(|e| e.to_string()),
        );
        let cell_vote = convert::vote_from_proto(request.cell_vote.as_ref(), "cell_vote", &mut v);
        let deciding_body = text_field(&mut v, "deciding_body", &request.deciding_body, 200, false);
        v.finish()?;
        match (person, admission, cell) {
            (Some(person), Some(admission), Some(cell)) => {
                let context = AdmissionContext {
                    cell_vote,
                    deciding_body,
                    fields: AdmissionFields::RECORD_ADMISSION,
                };
                self.membership
                    .record_admission(person, admission, cell, context, key)
                    .await
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
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordCeremony", &request)?;
        let ceremony = effective_date("ceremony_date", &request.ceremony_date)?;
        self.step(&request.name, Step::Ceremony(ceremony), key)
            .await
    }

    async fn recognize_official_impl(
        &self,
        request: pb::RecognizeOfficialRequest,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecognizeOfficial", &request)?;
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
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("TransferMember", &request)?;
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
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("ExemptMember", &request)?;
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
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("EndExemption", &request)?;
        let effective_date = effective_date("effective_date", &request.effective_date)?;
        self.step(&request.name, Step::EndExemption(effective_date), key)
            .await
    }

    async fn record_departure_impl(
        &self,
        request: pb::RecordDepartureRequest,
    ) -> Result<pb::Member, ApiError> {
        let key = request_key("RecordDeparture", &request)?;
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

    async fn list_member_events_impl(
        &self,
        request: pb::ListMemberEventsRequest,
    ) -> Result<pb::ListMemberEventsResponse, ApiError> {
        let id = names::parse_member("parent", &request.parent)?;
        Ok(pb::ListMemberEventsResponse {
            events: self.membership.events(id).await?,
        })
    }

    /// Sends changes after `cursor` until the client goes away or the service shuts down.
    async fn follow_feed(
        self,
        mut cursor: i64,
        sender: mpsc::Sender<Result<pb::WatchChangesResponse, Status>>,
    ) {
        let mut commits = self.membership.subscribe();
        let mut idle_checks = 0u32;
        loop {
            let (changes, head) = match self.membership.changes_after(cursor, FEED_BATCH).await {
                Ok(page) => page,
                Err(error) => {
                    let _ = sender.send(Err(status(error))).await;
                    return;
                }
            };
            let caught_up = (changes.len() as i64) < FEED_BATCH;
            for change in changes {
                cursor = change.sequence;
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
            if idle_checks.is_multiple_of(HEARTBEAT_EVERY) {
                let heartbeat = pb::Heartbeat {
                    head_sequence: head.max(cursor),
                    time: Some(timestamp(partyregistry_kit::db::now_micros())),
                };
                let message = pb::WatchChangesResponse {
                    event: Some(pb::watch_changes_response::Event::Heartbeat(heartbeat)),
                };
                if sender.send(Ok(message)).await.is_err() {
                    return;
                }
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return,
                () = sender.closed() => return,
                changed = tokio::time::timeout(FEED_POLL, commits.changed()) => {
                    match changed {
                        Ok(Ok(())) => idle_checks = 0,
                        Ok(Err(_)) => return,
                        Err(_) => idle_checks = idle_checks.wrapping_add(1),
                    }
                }
            }
        }
    }
}

/// Unary handlers: unwrap the request, call the `_impl` method, map the error. Written out as
/// the boxed futures `async_trait` produces, because the attribute cannot see inside a macro.
macro_rules! handlers {
    ($($method:ident($request:ty) -> $response:ty => $implementation:ident;)*) => {
        $(
            fn $method<'life0, 'async_trait>(
                &'life0 self,
                request: Request<$request>,
            ) -> Pin<Box<dyn std::future::Future<Output = Result<Response<$response>, Status>> + Send + 'async_trait>>
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                Box::pin(async move { self.$implementation(request.into_inner()).await.map(Response::new).map_err(status) })
            }
        )*
    };
}

#[tonic::async_trait]
impl MembershipService for MembershipApi {
    handlers! {
        get_commune(pb::GetCommuneRequest) -> pb::Commune => get_commune_impl;
        list_communes(pb::ListCommunesRequest) -> pb::ListCommunesResponse => list_communes_impl;
        create_commune(pb::CreateCommuneRequest) -> pb::Commune => create_commune_impl;
        update_commune(pb::UpdateCommuneRequest) -> pb::Commune => update_commune_impl;
        get_cell(pb::GetCellRequest) -> pb::Cell => get_cell_impl;
        list_cells(pb::ListCellsRequest) -> pb::ListCellsResponse => list_cells_impl;
        create_cell(pb::CreateCellRequest) -> pb::Cell => create_cell_impl;
        update_cell(pb::UpdateCellRequest) -> pb::Cell => update_cell_impl;
        get_member(pb::GetMemberRequest) -> pb::Member => get_member_impl;
        list_members(pb::ListMembersRequest) -> pb::ListMembersResponse => list_members_impl;
        create_member(pb::CreateMemberRequest) -> pb::Member => create_member_impl;
        update_member(pb::UpdateMemberRequest) -> pb::Member => update_member_impl;
        record_admission(pb::RecordAdmissionRequest) -> pb::Member => record_admission_impl;
        record_ceremony(pb::RecordCeremonyRequest) -> pb::Member => record_ceremony_impl;
        recognize_official(pb::RecognizeOfficialRequest) -> pb::Member => recognize_official_impl;
        transfer_member(pb::TransferMemberRequest) -> pb::Member => transfer_member_impl;
        exempt_member(pb::ExemptMemberRequest) -> pb::Member => exempt_member_impl;
        end_exemption(pb::EndExemptionRequest) -> pb::Member => end_exemption_impl;
        record_departure(pb::RecordDepartureRequest) -> pb::Member => record_departure_impl;
        list_member_events(pb::ListMemberEventsRequest) -> pb::ListMemberEventsResponse => list_member_events_impl;
    }

    type WatchChangesStream = WatchStream;

    async fn watch_changes(
        &self,
        request: Request<pb::WatchChangesRequest>,
    ) -> Result<Response<Self::WatchChangesStream>, Status> {
        let after = request.into_inner().after_sequence;
        if after < 0 {
            return Err(status(ApiError::invalid(
                "after_sequence",
                "must not be negative",
            )));
        }
        let (sender, receiver) = mpsc::channel(64);
        tokio::spawn(self.clone().follow_feed(after, sender));
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}

pub mod admission;
pub mod reference;

pub use admission::AdmissionApi;
pub use reference::ReferenceApi;
