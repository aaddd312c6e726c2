//! `ReferenceApi`: the thin handlers of provinces, unit merges and reference lists, served by
//! the membership server beside `MembershipApi` and `AdmissionApi`.

use std::pin::Pin;
use std::sync::Arc;

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::reference_service_server::ReferenceService;
use partyregistry_vocab::date;
use tonic::{Request, Response, Status};

use super::{Idempotent, request_key, required};
use crate::authz::{Authz, Grant, reference};
use crate::convert::mask_paths;
use crate::convert::units::{
    PROVINCE_UPDATABLE, merge_from_proto, parse_province, province_from_proto, reference_list,
    unit_level,
};
use crate::service::Membership;

/// The reference service's gRPC handlers.
#[derive(Debug, Clone)]
pub struct ReferenceApi {
    membership: Arc<Membership>,
    authz: Authz,
}

impl ReferenceApi {
    /// Handlers over `membership`, the same service object `MembershipApi` uses.
    /// Authorised and audited by `authz`.
    pub fn new(membership: Arc<Membership>, authz: Authz) -> Self {
        Self { membership, authz }
    }
}

idempotent!(pb::CreateProvinceRequest, pb::CreateMergeRequest);

impl ReferenceApi {
    async fn list_provinces_impl(
        &self,
        request: pb::ListProvincesRequest,
        _grant: &Grant,
    ) -> Result<pb::ListProvincesResponse, ApiError> {
        let in_force_on = date::parse_optional(&request.in_force_on)
            .map_err(|error| ApiError::invalid("in_force_on", error.to_string()))?;
        Ok(pb::ListProvincesResponse {
            provinces: self.membership.provinces(in_force_on).await?,
        })
    }

    async fn get_province_impl(
        &self,
        request: pb::GetProvinceRequest,
        _grant: &Grant,
    ) -> Result<pb::Province, ApiError> {
        let code = parse_province("name", &request.name)?;
        self.membership.province(&code).await
    }

    async fn create_province_impl(
        &self,
        request: pb::CreateProvinceRequest,
        grant: &Grant,
    ) -> Result<pb::Province, ApiError> {
        let key = request_key("CreateProvince", &request, grant)?;
        let province = required(request.province.as_ref(), "province")?;
        let province = province_from_proto(province, province.code.trim())?;
        self.membership.create_province(province, key).await
    }

    async fn update_province_impl(
        &self,
        request: pb::UpdateProvinceRequest,
        _grant: &Grant,
    ) -> Result<pb::Province, ApiError> {
        let update = required(request.province.as_ref(), "province")?;
        let code = parse_province("province.name", &update.name)?;
        let paths = mask_paths(request.update_mask.as_ref(), PROVINCE_UPDATABLE)?;
        self.membership
            .update_province(&code, &update.etag, update.clone(), paths)
            .await
    }

    async fn list_merges_impl(
        &self,
        request: pb::ListMergesRequest,
        _grant: &Grant,
    ) -> Result<pb::ListMergesResponse, ApiError> {
        let level = unit_level("level", request.level, true)?;
        Ok(pb::ListMergesResponse {
            merges: self.membership.merges(level).await?,
        })
    }

    async fn create_merge_impl(
        &self,
        request: pb::CreateMergeRequest,
        grant: &Grant,
    ) -> Result<pb::UnitMerge, ApiError> {
        let key = request_key("CreateMerge", &request, grant)?;
        let merge = merge_from_proto(required(request.merge.as_ref(), "merge")?)?;
        self.membership.create_merge(merge, key).await
    }

    async fn get_reference_list_impl(
        &self,
        request: pb::GetReferenceListRequest,
        _grant: &Grant,
    ) -> Result<pb::ReferenceList, ApiError> {
        reference_list(request.kind)
    }
}

#[tonic::async_trait]
impl ReferenceService for ReferenceApi {
    handlers! {
        list_provinces[reference!("ListProvinces")](pb::ListProvincesRequest) -> pb::ListProvincesResponse => list_provinces_impl;
        get_province[reference!("GetProvince")](pb::GetProvinceRequest) -> pb::Province => get_province_impl;
        create_province[reference!("CreateProvince")](pb::CreateProvinceRequest) -> pb::Province => create_province_impl;
        update_province[reference!("UpdateProvince")](pb::UpdateProvinceRequest) -> pb::Province => update_province_impl;
        list_merges[reference!("ListMerges")](pb::ListMergesRequest) -> pb::ListMergesResponse => list_merges_impl;
        create_merge[reference!("CreateMerge")](pb::CreateMergeRequest) -> pb::UnitMerge => create_merge_impl;
        get_reference_list[reference!("GetReferenceList")](pb::GetReferenceListRequest) -> pb::ReferenceList => get_reference_list_impl;
    }
}
