//! The implementations of the commands, one module per command or group of commands: each
//! defines its clap arguments, builds its request from them, makes one or a few calls, and prints
//! the answer as a table or as JSON. Shared pieces of arguments live beside them ([`paging`],
//! [`identity`]); this module holds only what every command shares: the [`Context`] of the
//! global flags and the update [`mask`]. Owns no dispatch: [`crate::run`] picks the command, so
//! that no command module depends on the list of all commands.

pub mod aggregates;
pub mod audit;
pub mod candidates;
pub mod cells;
pub mod certs;
pub mod communes;
pub mod completions;
pub mod export;
pub mod generate;
pub mod health;
pub mod identity;
pub mod import;
pub mod lifecycle;
pub mod members;
pub mod paging;
pub mod planning;
pub mod reference;
pub mod reports;
pub mod seed;
pub mod statistics;
pub mod tokens;
pub mod watch;

use std::sync::Arc;

use partyregistry_kit::client::ClientSecurity;

/// What every command that calls a service needs from the global flags. Its debug print shows
/// whether a token and keys are set, never them.
#[derive(Debug, Clone)]
pub struct Context {
    /// Endpoint of the membership service.
    pub membership: String,
    /// Endpoint of the reporting service.
    pub reporting: String,
    /// Print canonical protobuf JSON instead of tables.
    pub json: bool,
    /// The CA, client certificate and token, read once; shared by every client of the command.
    pub security: Arc<ClientSecurity>,
}

/// The update mask of an update command: the paths of the fields given on its command line.
pub(crate) fn mask(paths: &[&str]) -> prost_types::FieldMask {
    prost_types::FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    }
}
