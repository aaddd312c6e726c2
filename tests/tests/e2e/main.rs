//! End-to-end tests of the service pair over real gRPC, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL. One binary, so the suite links once.

mod admission;
mod audit_chain;
mod bad_input;
mod feed;
mod fixtures;
mod horizontal;
mod identity;
mod import;
mod import_files;
mod import_kill;
mod limits;
mod metrics;
mod outage;
mod read_your_writes;
mod reference_dataset;
mod restore;
mod roster;
mod secure;
mod statistics;
mod storage;
mod streams;
mod tokens;
mod transport;
mod units;
