//! Loading a generated roster through the real import path: `partyctl generate`'s files imported
//! by `partyctl import`'s code into a running pair, until reporting has applied the whole feed.

use std::time::Instant;

use partyregistry_cli::synthetic::country::{CountryOptions, generate};
use partyregistry_kit::BoxError;
use partyregistry_kit::test_database::unique_test_name;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, ImportTimes, Pair, import_and_catch_up};
use partyregistry_vocab::date::{self, Date};

/// Members per `ImportRoster` call, as `partyctl import` sends them by default.
const BATCH: u64 = 2_000;
/// The size of commune measured: about a commune's roll.
pub const COMMUNE_MEMBERS: u64 = 1_700;

/// A pair holding a generated roster.
pub struct Loaded {
    pub pair: Pair,
    /// Members on the roll today in every generated province.
    pub members: u64,
    /// The day the generator counted to, and the reports are asked for.
    pub today: Date,
    /// The first generated province.
    pub province: String,
    /// Its members on the roll today.
    pub province_members: u64,
    /// Its commune whose roll today is nearest [`COMMUNE_MEMBERS`].
    pub commune: String,
    pub commune_members: u64,
}

/// Generates `members` members over the first `provinces` provinces, imports every file into a
/// fresh pair on `backend`, waits until reporting has applied the feed, and checks reporting's
/// count of the first province today against the manifest. Prints how long each step took.
pub async fn load(
    backend: Backend,
    members: u64,
    provinces: usize,
    label: &str,
) -> Result<Loaded, BoxError> {
    let today = date::today_in_vietnam();
    let directory = std::env::temp_dir().join(unique_test_name(label));
    let options = CountryOptions {
        members,
        provinces,
        seed: 1,
        today,
    };
    let started = Instant::now();
    let manifest = generate(&options, &directory, |_| {})?;
    let generated = started.elapsed().as_secs_f64();
    let files = manifest
        .provinces
        .iter()
        .map(|province| directory.join(&province.file))
        .collect();

    let mut pair = Pair::start(backend, label).await?;
    let times = import_and_catch_up(&mut pair, files, BATCH, manifest.counts.rows).await;
    std::fs::remove_dir_all(&directory).ok();
    let ImportTimes {
        import_seconds,
        head,
        catch_up_seconds,
    } = times?;
    let rows = manifest.counts.rows;
    println!(
        "{backend:?} {label}: {rows} members generated in {generated:.1} s; imported by partyctl import in {import_seconds:.1} s ({:.0} members/s); reporting applied the last of {head} changes {catch_up_seconds:.1} s later (load {:.0} members/s end to end)",
        rows as f64 / import_seconds,
        rows as f64 / (import_seconds + catch_up_seconds)
    );

    let first = manifest.provinces.first().ok_or("one province generated")?;
    let commune = first
        .communes
        .iter()
        .min_by_key(|c| c.counts.on_roll.abs_diff(COMMUNE_MEMBERS))
        .ok_or("the province has communes")?;
    let counted = pair
        .reports
        .get_statistics(report::GetStatisticsRequest {
            scope: format!("provinces/{}", first.code),
            as_of_date: date::format(today),
            ..Default::default()
        })
        .await?
        .into_inner()
        .total_members;
    if u64::try_from(counted).ok() != Some(first.counts.on_roll) {
        return Err(format!(
            "province {}: reporting counts {counted} members today, the manifest {}",
            first.code, first.counts.on_roll
        )
        .into());
    }
    Ok(Loaded {
        province: first.code.clone(),
        province_members: first.counts.on_roll,
        commune: commune.code.clone(),
        commune_members: commune.counts.on_roll,
        members: manifest.counts.on_roll,
        pair,
        today,
    })
}

impl Loaded {
    /// Up to `count` official members of the measured commune, in roster order.
    pub async fn officials(&mut self, count: i32) -> Result<Vec<pb::Member>, BoxError> {
        let members = self
            .pair
            .membership
            .list_members(pb::ListMembersRequest {
                parent: format!("communes/{}", self.commune),
                page_size: count,
                filter: "status = OFFICIAL".into(),
                ..Default::default()
            })
            .await?
            .into_inner()
            .members;
        if members.is_empty() {
            return Err(format!("commune {} has no official member", self.commune).into());
        }
        Ok(members)
    }
}
