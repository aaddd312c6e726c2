//! The reference dataset: the Party organisation of Hợp Thành commune (Lào Cai) as the 2022
//! newspaper article describes it, with SYNTHETIC people.
//!
//! Every count of the article is reproduced exactly as of [`REFERENCE_AS_OF`]: 16 cells (12
//! residential, 3 school, 1 police), 172 members, 6 admissions in 2021 and 2 in 2022, and the cell
//! of Tượng 1 with 9 members of whom 4 are local and 5 seconded, with no admission for years. The
//! people are made up by a small deterministic generator (no `rand`: the data must be the same on
//! every machine and every run); citizen ids follow the CCCD layout with the Lào Cai prefix `010`
//! but are random digits, and no phone numbers are generated because a made-up number can ring a
//! real person.
//!
//! The admission story of the article is part of it: the commune's term target (6 admissions a
//! year, 80 % of cells rated good or better), the 2021 ratings of the 16 cells, the cells' 2022
//! plans, and eight admission sources as of [`REFERENCE_AS_OF`] — four who finished the awareness
//! class in 2022 (two of them with primary education only), two demobilised soldiers without
//! their unit's referral letter, two Youth Union members working away — with none in Tượng 1.
//!
//! Since the 2025 reform the dataset also holds the neighbouring commune of Tả Phời (02677, 40
//! synthetic members in 4 cells), the recorded merge of Tả Phời and Hợp Thành into Hợp Thành on
//! 1 July 2025, the transfer of Tả Phời's members into new cells of Hợp Thành opened that day
//! (Tả Phời's cells closed), and the party-age fields (a gap, a serious illness, badges handed) of
//! a few Hợp Thành members. None of it changes what the article's figures describe: Tả Phời's
//! admissions end in 2019 and its members reach Hợp Thành only in 2025.
//!
//! The data is loaded through the gRPC API with stable request ids, so seeding twice creates
//! nothing twice, and the end-to-end tests can check the reports against the figures:
//! [`seed`] loads Hợp Thành as of 2022, [`seed_all`] everything.
//!
//! # Layout
//! - [`figures`]: the article's counts and those of Tả Phời, written by hand: the oracle.
//! - [`people`]: the deterministic generator of the synthetic people, as requests ([`Dataset`]).
//! - [`loader`]: the gRPC calls that load those requests, and the [`SeedSummary`] of a run.
//!
//! Imports run one way: `loader` → `people` → `figures`. Everything the end-to-end tests use is
//! re-exported here.

pub mod figures;
pub mod loader;
pub mod people;
#[cfg(test)]
mod tests;

pub use figures::*;
pub use loader::summary::SeedSummary;
pub use loader::{seed, seed_all};
pub use people::admission::{SeedCandidate, SeedMemberRating};
pub use people::ta_phoi::{PartyAgeFields, SeedMemberUpdate, TaPhoi, first_round_on_or_after};
pub use people::{Dataset, reference_dataset, reference_dataset_on};
