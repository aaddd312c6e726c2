//! Commands and queries on communes and cells.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;

use super::units;
use super::{Membership, RequestKey, check_etag};
use crate::convert;
use crate::domain::{self, Cell, Commune};

impl Membership {
    /// Creates a commune.
    pub async fn create_commune(
        &self,
        commune: Commune,
        request: Option<RequestKey>,
    ) -> Result<pb::Commune, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let commune = commune.clone();
                Box::pin(async move {
                    units::require_commune_province(tx, &commune.province_code).await?;
                    let record = tx.insert_commune(&commune, now).await?;
                    Ok(Resource::Commune(convert::commune_to_proto(&record)))
                })
            })
            .await?;
        expect_resource!(resource, Commune)
    }

    /// Updates the fields of a commune named in `paths` from `update`, if `etag` is current.
    pub async fn update_commune(
        &self,
        code: &str,
        etag: &str,
        update: pb::Commune,
        paths: Vec<&'static str>,
    ) -> Result<pb::Commune, ApiError> {
        let resource = self
            .mutate(None, false, |tx, now| {
                let (code, etag, update, paths) = (
                    code.to_owned(),
                    etag.to_owned(),
                    update.clone(),
                    paths.clone(),
                );
                Box::pin(async move {
                    let current = tx.require_commune(&code).await?;
                    check_etag(
                        &etag,
                        current.version,
                        &partyregistry_vocab::names::commune(&code),
                    )?;
                    let commune = convert::apply_mask(
                        convert::commune_to_proto(&current),
                        &update,
                        &paths,
                        convert::merge_commune,
                        |merged| convert::commune_from_proto(merged, &code),
                    )?;
                    if commune.province_code != current.commune.province_code {
                        units::require_commune_province(tx, &commune.province_code).await?;
                    }
                    let updated = tx.update_commune(&commune, current.version, now).await?;
                    Ok(Resource::Commune(convert::commune_to_proto(&updated)))
                })
            })
            .await?;
        expect_resource!(resource, Commune)
    }

    /// Creates a cell.
    pub async fn create_cell(
        &self,
        cell: Cell,
        request: Option<RequestKey>,
    ) -> Result<pb::Cell, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let cell = cell.clone();
                Box::pin(async move {
                    let record = tx.insert_cell(&cell, now).await?;
                    Ok(Resource::Cell(convert::cell_to_proto(&record)))
                })
            })
            .await?;
        expect_resource!(resource, Cell)
    }

    /// Updates the fields of a cell named in `paths` from `update`, if `etag` is current.
    pub async fn update_cell(
        &self,
        (commune_code, cell_id): (&str, &str),
        etag: &str,
        update: pb::Cell,
        paths: Vec<&'static str>,
    ) -> Result<pb::Cell, ApiError> {
        let resource = self
            .mutate(None, false, |tx, now| {
                let (commune_code, cell_id, etag, update, paths) = (
                    commune_code.to_owned(),
                    cell_id.to_owned(),
                    etag.to_owned(),
                    update.clone(),
                    paths.clone(),
                );
                Box::pin(async move {
                    let current = tx.require_cell(&commune_code, &cell_id).await?;
                    check_etag(
                        &etag,
                        current.version,
                        &partyregistry_vocab::names::cell(&commune_code, &cell_id),
                    )?;
                    let cell = convert::apply_mask(
                        convert::cell_to_proto(&current),
                        &update,
                        &paths,
                        convert::merge_cell,
                        |merged| convert::cell_from_proto(merged, &commune_code, &cell_id),
                    )?;
                    let updated = tx.update_cell(&cell, current.version, now).await?;
                    Ok(Resource::Cell(convert::cell_to_proto(&updated)))
                })
            })
            .await?;
        expect_resource!(resource, Cell)
    }

    /// Reads a commune.
    pub async fn commune(&self, code: &str) -> Result<pb::Commune, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert::commune_to_proto(&tx.require_commune(code).await?))
    }

    /// Lists communes.
    pub async fn communes(
        &self,
        province: Option<&str>,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Commune>, String), ApiError> {
        let mut tx = self.store.read().await?;
        let (records, next) = tx.list_communes(province, token, size).await?;
        Ok((
            records.iter().map(convert::commune_to_proto).collect(),
            next,
        ))
    }

    /// Reads a cell.
    pub async fn cell(&self, commune_code: &str, cell_id: &str) -> Result<pb::Cell, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert::cell_to_proto(
            &tx.require_cell(commune_code, cell_id).await?,
        ))
    }

    /// Lists a commune's cells.
    pub async fn cells(
        &self,
        commune_code: &str,
        kind: Option<domain::CellKind>,
        token: &str,
        size: i64,
    ) -> Result<(Vec<pb::Cell>, String), ApiError> {
        let mut tx = self.store.read().await?;
        let (records, next) = tx.list_cells(commune_code, kind, token, size).await?;
        Ok((records.iter().map(convert::cell_to_proto).collect(), next))
    }
}
