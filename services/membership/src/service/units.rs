//! Administrative units: provinces and merges, each mutation one transaction with its change(s)
//! like every other command, and the reference provinces and merges created on first start.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_vocab::date::Date;

use super::outbox::Written;
use super::{Membership, RequestKey, check_etag};
use crate::convert::{self, units as convert_units};
use crate::domain::units::{
    self, PROVINCE_NOT_FOUND, Province, Span, UnitLevel, UnitMerge, province_name,
};
use crate::store::Tx;

/// Checks that the province a commune names exists (in force or not).
pub(super) async fn require_commune_province(
    tx: &mut Tx,
    province_code: &str,
) -> Result<(), ApiError> {
    if tx.get_province(province_code).await?.is_none() {
        return Err(ApiError::precondition(
            PROVINCE_NOT_FOUND,
            "commune.province_code",
            format!("{} does not exist", province_name(province_code)),
        ));
    }
    Ok(())
}

/// Records `merge` after checking it against the stored units: the merge's change, then one
/// change per predecessor it closes.
async fn record_merge(tx: &mut Tx, merge: &UnitMerge, now: i64) -> Result<Vec<Written>, ApiError> {
    let span_of_province = |p: &Province| Span {
        valid_from: p.valid_from,
        valid_to: p.valid_to,
    };
    let mut written = Vec::new();
    match merge.level {
        UnitLevel::Province => {
            let mut predecessors = Vec::new();
            for code in &merge.predecessor_codes {
                predecessors.push(tx.require_province(code).await?);
            }
            let successor = tx.require_province(&merge.successor_code).await?;
            let spans: Vec<Span> = predecessors
                .iter()
                .map(|p| span_of_province(&p.province))
                .collect();
            let to_close =
                units::check_merge(merge, &spans, span_of_province(&successor.province))?;
            let stored = tx.insert_merge(merge, now).await?;
            written.push(Resource::Merge(convert_units::merge_to_proto(&stored)).into());
            for i in to_close {
                let record = &predecessors[i];
                let closed = Province {
                    valid_to: merge.effective_date.pred_opt(),
                    ..record.province.clone()
                };
                let updated = tx.update_province(&closed, record.version, now).await?;
                written.push(Resource::Province(convert_units::province_to_proto(&updated)).into());
            }
        }
        UnitLevel::Commune => {
            let mut predecessors = Vec::new();
            for code in &merge.predecessor_codes {
                predecessors.push(tx.require_commune(code).await?);
            }
            let successor = tx.require_commune(&merge.successor_code).await?;
            let span = |c: &crate::domain::Commune| Span {
                valid_from: c.valid_from,
                valid_to: c.valid_to,
            };
            let spans: Vec<Span> = predecessors.iter().map(|c| span(&c.commune)).collect();
            let to_close = units::check_merge(merge, &spans, span(&successor.commune))?;
            let stored = tx.insert_merge(merge, now).await?;
            written.push(Resource::Merge(convert_units::merge_to_proto(&stored)).into());
            for i in to_close {
                let record = &predecessors[i];
                let closed = crate::domain::Commune {
                    valid_to: merge.effective_date.pred_opt(),
                    ..record.commune.clone()
                };
                let updated = tx.update_commune(&closed, record.version, now).await?;
                written.push(Resource::Commune(convert::commune_to_proto(&updated)).into());
            }
        }
    }
    Ok(written)
}

impl Membership {
    /// Creates the reference provinces and merges when no province is stored yet, as ordinary
    /// changes through the same code as CreateProvince and CreateMerge. The check runs under the
    /// feed head's lock: replicas starting together seed once. Returns the number of changes
    /// written.
    pub async fn seed_reference_units(&self) -> Result<usize, ApiError> {
        let provinces = units::reference_provinces()?;
        let merges = units::reference_merges()?;
        let written = self
            .mutate_all(None, true, |tx, now| {
                let (provinces, merges) = (provinces.clone(), merges.clone());
                Box::pin(async move {
                    tx.lock_head().await?;
                    if tx.has_provinces().await? {
                        return Ok(Vec::new());
                    }
                    let mut written: Vec<Written> = Vec::new();
                    for province in &provinces {
                        let record = tx.insert_province(province, now).await?;
                        written.push(
                            Resource::Province(convert_units::province_to_proto(&record)).into(),
                        );
                    }
                    for merge in &merges {
                        written.extend(record_merge(tx, merge, now).await?);
                    }
                    Ok(written)
                })
            })
            .await?;
        if !written.is_empty() {
            tracing::info!(
                changes = written.len(),
                "seeded the reference provinces and merges"
            );
        }
        Ok(written.len())
    }

    /// Seeds everything a new database starts with: the rule table and holidays, then the
    /// provinces and merges. Returns the number of changes written.
    pub async fn seed_reference_data(&self) -> Result<usize, ApiError> {
        Ok(self.seed_reference_rules().await? + self.seed_reference_units().await?)
    }

    /// Provinces by code; with `in_force_on`, only those in force that day.
    pub async fn provinces(
        &self,
        in_force_on: Option<Date>,
    ) -> Result<Vec<pb::Province>, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .list_provinces(in_force_on)
            .await?
            .iter()
            .map(convert_units::province_to_proto)
            .collect())
    }

    /// Reads a province.
    pub async fn province(&self, code: &str) -> Result<pb::Province, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(convert_units::province_to_proto(
            &tx.require_province(code).await?,
        ))
    }

    /// Creates a province.
    pub async fn create_province(
        &self,
        province: Province,
        request: Option<RequestKey>,
    ) -> Result<pb::Province, ApiError> {
        let resource = self
            .mutate(request.as_ref(), true, |tx, now| {
                let province = province.clone();
                Box::pin(async move {
                    let record = tx.insert_province(&province, now).await?;
                    Ok(Resource::Province(convert_units::province_to_proto(
                        &record,
                    )))
                })
            })
            .await?;
        expect_resource!(resource, Province)
    }

    /// Updates the fields of a province named in `paths` from `update`, if `etag` is current.
    pub async fn update_province(
        &self,
        code: &str,
        etag: &str,
        update: pb::Province,
        paths: Vec<&'static str>,
    ) -> Result<pb::Province, ApiError> {
        let resource = self
            .mutate(None, false, |tx, now| {
                let (code, etag, update, paths) = (
                    code.to_owned(),
                    etag.to_owned(),
                    update.clone(),
                    paths.clone(),
                );
                Box::pin(async move {
                    let current = tx.require_province(&code).await?;
                    check_etag(&etag, current.version, &province_name(&code))?;
                    let province = convert::apply_mask(
                        convert_units::province_to_proto(&current),
                        &update,
                        &paths,
                        convert_units::merge_province,
                        |merged| convert_units::province_from_proto(merged, &code),
                    )?;
                    let updated = tx.update_province(&province, current.version, now).await?;
                    Ok(Resource::Province(convert_units::province_to_proto(
                        &updated,
                    )))
                })
            })
            .await?;
        expect_resource!(resource, Province)
    }

    /// Merges by effective date, optionally of one level.
    pub async fn merges(&self, level: Option<UnitLevel>) -> Result<Vec<pb::UnitMerge>, ApiError> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .list_merges(level)
            .await?
            .iter()
            .map(convert_units::merge_to_proto)
            .collect())
    }

    /// Records a merge; open predecessors end the day before its effective date, in the same
    /// transaction, and their changes follow the merge's.
    pub async fn create_merge(
        &self,
        merge: UnitMerge,
        request: Option<RequestKey>,
    ) -> Result<pb::UnitMerge, ApiError> {
        let written = self
            .mutate_all(request.as_ref(), true, |tx, now| {
                let merge = merge.clone();
                Box::pin(async move {
                    // Serialised with every writer: two merges of the same unit cannot both see
                    // it open.
                    tx.lock_head().await?;
                    record_merge(tx, &merge, now).await
                })
            })
            .await?;
        match written.into_iter().next() {
            Some(resource) => expect_resource!(resource, Merge),
            None => Err(super::other_resource_type()),
        }
    }
}
