//! partyctl
