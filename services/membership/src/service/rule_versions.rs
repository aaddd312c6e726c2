//! Corrections of the regulation table: a version's numbers and the day it came into force.
//! A version applies from its start until the next one starts, so the table is ordered and
//! without overlap by construction as long as no correction moves a start past a neighbour's;
//! a re-dating that would is refused, naming the field.

use partyregistry_kit::admission::rule_version_name;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_vocab::date::{self, Date};

use super::{Membership, check_etag};
use crate::convert::{self, admission as convert_admission};
use crate::domain::admission::RULE_VERSION_ORDER;
use crate::store::Tx;

/// The field a re-dating is reported against.
const START_FIELD: &str = "rule_version.in_force_from";

/// Refuses `to` as the new start of the version starting on `from` unless it lies strictly
/// between the starts of the versions before and after it: a re-dating corrects when a version
/// came into force, it never swaps two versions nor makes two start on one day.
async fn check_new_start(tx: &mut Tx, from: Date, to: Date) -> Result<(), ApiError> {
    let starts: Vec<Date> = tx
        .list_rule_versions()
        .await?
        .into_iter()
        .map(|r| r.rule.in_force_from)
        .collect();
    let previous = starts.iter().copied().filter(|s| *s < from).max();
    let next = starts.iter().copied().filter(|s| *s > from).min();
    let refuse = |neighbour: Date, side: &str| {
        Err(ApiError::precondition(
            RULE_VERSION_ORDER,
            START_FIELD,
            format!(
                "{} is not {side} {}, the start of the neighbouring version; versions keep \
                 their order and each starts on its own day",
                date::format(to),
                date::format(neighbour),
            ),
        ))
    };
    match (previous, next) {
        (Some(previous), _) if to <= previous => refuse(previous, "after"),
        (_, Some(next)) if to >= next => refuse(next, "before"),
        _ => Ok(()),
    }
}

impl Membership {
    /// Corrects the fields of a regulation version named in `paths`, if `etag` is current, and
    /// with `new_start` the day it came into force. A re-dated version changes its name
    /// (`ruleVersions/{in_force_from}`): the feed carries the old name as deleted, then the
    /// version under its new name, in one transaction. Events already recorded keep the code
    /// stamped on them; judgements made from now on pick the version by the new boundary.
    pub async fn update_rule_version(
        &self,
        in_force_from: Date,
        etag: &str,
        update: pb::RuleVersion,
        (paths, new_start): (Vec<&'static str>, Option<Date>),
    ) -> Result<pb::RuleVersion, ApiError> {
        let new_start = new_start.filter(|start| *start != in_force_from);
        let written = self
            .mutate_all(None, false, |tx, now| {
                let (etag, update, paths) = (etag.to_owned(), update.clone(), paths.clone());
                Box::pin(async move {
                    if new_start.is_some() {
                        // Serialised with every writer, so that two re-datings cannot each
                        // pass the order check against the other's old start.
                        tx.lock_head().await?;
                    }
                    let current = tx.require_rule_version(in_force_from).await?;
                    let stored = current.to_proto();
                    check_etag(&etag, current.version, &stored.name)?;
                    let mut rule = convert::apply_mask(
                        stored,
                        &update,
                        &paths,
                        convert_admission::merge_rule_version,
                        |merged| {
                            partyregistry_kit::admission::rule_version_from_proto(
                                merged,
                                "rule_version",
                            )
                        },
                    )?;
                    let mut written = Vec::new();
                    if let Some(to) = new_start {
                        check_new_start(tx, in_force_from, to).await?;
                        tx.redate_rule_version(in_force_from, to).await?;
                        rule.in_force_from = to;
                        written.push(
                            Resource::DeletedResource(rule_version_name(in_force_from)).into(),
                        );
                    }
                    let record = tx.update_rule_version(&rule, current.version, now).await?;
                    written.push(Resource::RuleVersion(record.to_proto()).into());
                    Ok(written)
                })
            })
            .await?;
        match written.into_iter().last() {
            Some(resource) => expect_resource!(resource, RuleVersion),
            None => Err(ApiError::Internal("a correction wrote nothing".into())),
        }
    }
}
