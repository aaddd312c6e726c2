//! Revocation of tokens by their id (`jti`), from `--revoked-tokens-file`: one token id a line,
//! `#` starts a comment. The file is read at start-up (a missing or unreadable file stops it) and
//! read again every [`RELOAD_INTERVAL`] when it changed, so that an operator revokes a leaked
//! token by adding its id, without a restart. A token whose id is listed is refused
//! UNAUTHENTICATED and the refusal is audited like any other.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use tokio_util::sync::CancellationToken;

use crate::BoxError;
use crate::auth::Claims;
use crate::error::ApiError;

/// How often the revocation file is checked for changes.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// The refusal of a revoked token.
pub const TOKEN_REVOKED: &str = "the token has been revoked";

/// The token ids refused by this server.
#[derive(Debug, Clone, Default)]
pub struct Revocations {
    ids: Arc<RwLock<HashSet<String>>>,
    file: Option<PathBuf>,
}

/// A version of the file, to notice a change without reading it.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn parse(text: &str) -> HashSet<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Revocations {
    /// The ids listed in `file` (`--revoked-tokens-file`), or none without one.
    pub fn load(file: Option<&Path>) -> Result<Self, BoxError> {
        let Some(path) = file else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path).map_err(|error| {
            format!(
                "cannot read --revoked-tokens-file {}: {error}",
                path.display()
            )
        })?;
        Ok(Self {
            ids: Arc::new(RwLock::new(parse(&text))),
            file: Some(path.to_owned()),
        })
    }

    /// Refuses claims whose token id is revoked.
    pub fn check(&self, claims: Claims) -> Result<Claims, ApiError> {
        if claims.jti.is_empty() {
            return Ok(claims);
        }
        let revoked = self
            .ids
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&claims.jti);
        if revoked {
            return Err(ApiError::Unauthenticated(TOKEN_REVOKED.into()));
        }
        Ok(claims)
    }

    /// Reads the file again whenever it changes, until `shutdown`. An unreadable file keeps the
    /// last list (and is logged): a half-written file must not un-revoke anything.
    pub fn follow(&self, shutdown: CancellationToken) {
        let Some(path) = self.file.clone() else {
            return;
        };
        let ids = self.ids.clone();
        tokio::spawn(async move {
            let mut seen = stamp(&path);
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(RELOAD_INTERVAL) => {}
                }
                let now = stamp(&path);
                if now == seen {
                    continue;
                }
                match tokio::fs::read_to_string(&path).await {
                    Ok(text) => {
                        let parsed = parse(&text);
                        tracing::info!(revoked = parsed.len(), "revoked token ids reloaded");
                        *ids.write().unwrap_or_else(PoisonError::into_inner) = parsed;
                        seen = now;
                    }
                    Err(error) => tracing::warn!(%error, "cannot read the revoked token ids"),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_ids_are_refused_and_comments_ignored() {
        let ids = parse("# leaked 2026-01-02\n  t-1  \n\nt-2 # laptop stolen\n");
        assert_eq!(ids, HashSet::from(["t-1".to_owned(), "t-2".to_owned()]));
        let revocations = Revocations {
            ids: Arc::new(RwLock::new(ids)),
            file: None,
        };
        let with_id = |jti: &str| Claims {
            sub: "s".into(),
            jti: jti.into(),
            ..Claims::default()
        };
        assert!(matches!(
            revocations.check(with_id("t-1")),
            Err(ApiError::Unauthenticated(why)) if why == TOKEN_REVOKED
        ));
        assert!(revocations.check(with_id("t-3")).is_ok());
        assert!(revocations.check(with_id("")).is_ok());
    }
}
