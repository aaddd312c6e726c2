//! Who is calling and what they may see: bearer tokens (JWTs signed with HS256 or EdDSA — see
//! [`crate::signing`] — or a static token file for small installations) turned into a [`Caller`] with a geographic scope and a set of rights.
//!
//! The server layer ([`crate::server`]) verifies the token of every call and puts the `Caller`
//! into the request's extensions; handlers read it back with [`caller`]. This module decides only
//! who the caller is; what each method needs is decided by each service's authorisation table.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, AlgorithmFamily, Header, Validation, signature};
use serde::{Deserialize, Serialize};

use crate::BoxError;
use crate::error::ApiError;

/// Clock skew tolerated between the token issuer and this server, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

pub use crate::signing::MIN_KEY_BYTES;
use crate::signing::{Confirmation, SigningKey, VerificationKey};

/// The one message of every out-of-scope refusal on both services, whether or not the resource
/// exists, so that a refusal never tells which.
pub const OUT_OF_SCOPE: &str = "không có quyền truy cập tài nguyên này";

/// The audience of tokens for the membership service.
pub const MEMBERSHIP_AUDIENCE: &str = "membership";

/// The audience of tokens for the reporting service.
pub const REPORTING_AUDIENCE: &str = "reporting";

/// Default of `--max-token-lifetime-days`: a signed token whose expiry lies further ahead than
/// this is refused, so that a leaked long-lived token cannot outlive a year.
pub const DEFAULT_MAX_TOKEN_LIFETIME_DAYS: u64 = 365;

/// Subject of every call when the server runs with `--allow-unauthenticated`.
pub const ANONYMOUS: &str = "anonymous";

/// What a token allows, beyond its geographic scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Read aggregate reports (counts), with small cells suppressed.
    Aggregates,
    /// Read member and candidate records, personal fields cleared; implies `Aggregates`.
    Records,
    /// Read the personal fields (citizen ID, birth date, phone, address) of the records the caller
    /// may read; implies `Aggregates` but not `Records`.
    Personal,
    /// Create, change and delete within the scope.
    Write,
    /// Read the audit trail; implies nothing else.
    Admin,
}

impl Right {
    /// Every right, in order.
    pub const ALL: [Right; 5] = [
        Right::Aggregates,
        Right::Records,
        Right::Personal,
        Right::Write,
        Right::Admin,
    ];
}

/// The payload of a JWT, and the claims of one entry of a static token file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Claims {
    /// Issuer; must equal the configured issuer for a JWT. Ignored for static tokens.
    #[serde(default)]
    pub iss: String,
    /// Audiences: the services the token is for ([`MEMBERSHIP_AUDIENCE`],
    /// [`REPORTING_AUDIENCE`]); a service refuses a signed token that does not name it. Required
    /// in a JWT; not read from a static token, which is valid where its file is installed. A
    /// single string is read as a list of one.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aud: Vec<String>,
    /// Subject: who the token was issued to; recorded in the audit trail.
    pub sub: String,
    /// The token's id, by which it can be revoked (`--revoked-tokens-file`); `partyctl tokens
    /// issue` gives every token a random one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub jti: String,
    /// Expiry, Unix seconds. Required in a JWT; in a static token 0 means "never".
    #[serde(default)]
    pub exp: i64,
    /// Issue time, Unix seconds (informational).
    #[serde(default)]
    pub iat: i64,
    /// Sees every province.
    #[serde(default)]
    pub national: bool,
    /// Provinces seen in full, 2-digit statistics codes.
    #[serde(default)]
    pub provinces: Vec<String>,
    /// Single communes seen, 5-digit statistics codes.
    #[serde(default)]
    pub communes: Vec<String>,
    /// What the caller may do within its scope.
    #[serde(default)]
    pub rights: Vec<Right>,
    /// The client certificate the token is bound to, if any: the token is then accepted only over
    /// a mutual-TLS connection authenticated with that certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Confirmation>,
}

/// The verified caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's subject.
    pub subject: String,
    /// Sees every province.
    pub national: bool,
    /// Provinces seen in full, 2-digit codes.
    pub provinces: BTreeSet<String>,
    /// Single communes seen, 5-digit codes.
    pub communes: BTreeSet<String>,
    /// Rights as granted (implications are applied by [`Caller::has`]).
    pub rights: BTreeSet<Right>,
}

impl Caller {
    /// A national caller with every right: the caller of a server that allows unauthenticated
    /// calls, and of in-process tests.
    pub fn unrestricted(subject: &str) -> Self {
        Self {
            subject: subject.to_owned(),
            national: true,
            provinces: BTreeSet::new(),
            communes: BTreeSet::new(),
            rights: Right::ALL.into_iter().collect(),
        }
    }

    /// A caller that sees nothing and may do nothing: what [`caller`] answers for a request that
    /// never passed the server layer, so that a wiring mistake fails closed.
    pub fn nobody() -> Self {
        Self {
            subject: String::new(),
            national: false,
            provinces: BTreeSet::new(),
            communes: BTreeSet::new(),
            rights: BTreeSet::new(),
        }
    }

    /// Builds the caller a set of verified claims describe.
    pub fn from_claims(claims: &Claims) -> Self {
        Self {
            subject: claims.sub.clone(),
            national: claims.national,
            provinces: claims.provinces.iter().cloned().collect(),
            communes: claims.communes.iter().cloned().collect(),
            rights: claims.rights.iter().copied().collect(),
        }
    }

    /// Whether the caller holds `right`. `Records` and `Personal` each imply `Aggregates`;
    /// `Personal` does not imply `Records`; `Admin` and `Write` imply nothing else.
    pub fn has(&self, right: Right) -> bool {
        self.rights.contains(&right)
            || (right == Right::Aggregates
                && (self.rights.contains(&Right::Records)
                    || self.rights.contains(&Right::Personal)))
    }

    /// PERMISSION_DENIED unless the caller holds `right`.
    pub fn require(&self, right: Right) -> Result<(), ApiError> {
        if self.has(right) {
            Ok(())
        } else {
            let name = match right {
                Right::Aggregates => "aggregates",
                Right::Records => "records",
                Right::Personal => "personal",
                Right::Write => "write",
                Right::Admin => "admin",
            };
            Err(ApiError::PermissionDenied(format!(
                "the token does not grant the {name} right"
            )))
        }
    }

    /// A commune is visible when the caller is national, lists the commune, or lists the province
    /// the commune belongs to today (after merges; the caller passes that province).
    pub fn sees_commune(&self, commune_code: &str, province_code: &str) -> bool {
        self.national
            || self.communes.contains(commune_code)
            || self.provinces.contains(province_code)
    }

    /// A province is visible as a whole only to a national caller or one that lists it; a caller
    /// scoped to some of its communes does not see the province as a whole.
    pub fn sees_province(&self, province_code: &str) -> bool {
        self.national || self.provinces.contains(province_code)
    }

    /// Whose request ids these are: a digest of the subject and the scope (national, provinces,
    /// communes, rights). Idempotency records are kept per digest, so that one caller's request id
    /// never answers, blocks or reveals another's — not even a token with the same subject but
    /// another scope, which may not read what the first one wrote.
    pub fn request_scope(&self) -> String {
        let described = serde_json::json!({
            "subject": self.subject,
            "national": self.national,
            "provinces": self.provinces,
            "communes": self.communes,
            "rights": self.rights,
        })
        .to_string();
        let digest = ring::digest::digest(&ring::digest::SHA256, described.as_bytes());
        hex::encode(digest.as_ref())
    }
}

/// The `aud` claim as JWTs carry it: one string or a list of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// How the server checks bearer tokens.
pub enum Verifier {
    /// JWTs signed for this service by this issuer, verified with `key`.
    Jwt {
        /// The HS256 secret or the issuer's Ed25519 public key.
        key: VerificationKey,
        /// The expected `iss`.
        issuer: String,
        /// The service's own audience, which `aud` must name.
        audience: String,
        /// The furthest ahead a token's expiry may lie (`--max-token-lifetime-days`).
        max_lifetime: std::time::Duration,
    },
    /// A fixed set of tokens and their claims.
    Static(HashMap<String, Claims>),
    /// Every call is accepted as [`Caller::unrestricted`] with subject [`ANONYMOUS`]
    /// (`--allow-unauthenticated`, local development only).
    Disabled,
}

// The secrets must never reach a log line.
impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Jwt {
                key,
                issuer,
                audience,
                max_lifetime,
            } => f
                .debug_struct("Jwt")
                .field("key", key)
                .field("issuer", issuer)
                .field("audience", audience)
                .field("max_lifetime", max_lifetime)
                .finish_non_exhaustive(),
            Self::Static(tokens) => write!(f, "Static({} tokens)", tokens.len()),
            Self::Disabled => f.write_str("Disabled"),
        }
    }
}

/// The token sources a service may be given: the file of the key that verifies signed tokens (an
/// HS256 secret or an Ed25519 public key), or a static token file, or none at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenSource<'a> {
    /// `--jwt-key-file`: the HS256 secret.
    pub jwt_key_file: Option<&'a Path>,
    /// `--jwt-public-key-file`: the issuer's Ed25519 public key.
    pub jwt_public_key_file: Option<&'a Path>,
    /// `--jwt-issuer`: the expected `iss` of signed tokens.
    pub jwt_issuer: Option<&'a str>,
    /// `--token-file`: static tokens.
    pub token_file: Option<&'a Path>,
    /// `--allow-unauthenticated`.
    pub allow_unauthenticated: bool,
}

/// Refuses authentication flags that choose no token source, more than one, or half of the JWT
/// pair (a key file with `--jwt-issuer`). Reads no file.
pub fn check_flags(source: &TokenSource<'_>) -> Result<(), BoxError> {
    let TokenSource {
        jwt_key_file,
        jwt_public_key_file,
        jwt_issuer,
        token_file,
        allow_unauthenticated,
    } = *source;
    let signed = jwt_key_file.is_some() || jwt_public_key_file.is_some();
    if jwt_key_file.is_some() && jwt_public_key_file.is_some() {
        return Err("give only one of --jwt-key-file and --jwt-public-key-file".into());
    }
    let chosen = [signed, token_file.is_some(), allow_unauthenticated]
        .into_iter()
        .filter(|chosen| *chosen)
        .count();
    if chosen == 0 {
        return Err(
            "no authentication configured: give --jwt-public-key-file or --jwt-key-file with \
             --jwt-issuer, --token-file, or (local development only) --allow-unauthenticated"
                .into(),
        );
    }
    if chosen > 1 {
        return Err(
            "give only one of --jwt-public-key-file/--jwt-key-file, --token-file and \
             --allow-unauthenticated"
                .into(),
        );
    }
    if signed != jwt_issuer.is_some_and(|issuer| !issuer.is_empty()) {
        return Err("--jwt-public-key-file or --jwt-key-file and --jwt-issuer go together".into());
    }
    Ok(())
}

/// The static token file: `{"tokens":[{"token":"…","claims":{…}}]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    tokens: Vec<TokenEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    token: String,
    claims: Claims,
}

/// The shortest static token accepted: long enough that guessing is hopeless.
const MIN_STATIC_TOKEN_CHARS: usize = 16;

impl Verifier {
    /// Builds the verifier from the server flags: exactly one of `--jwt-public-key-file` or
    /// `--jwt-key-file` (with `--jwt-issuer`), `--token-file` or `--allow-unauthenticated`. Signed
    /// tokens must name `audience` and expire within `max_lifetime`.
    pub fn from_config(
        source: &TokenSource<'_>,
        audience: &str,
        max_lifetime: std::time::Duration,
    ) -> Result<Self, BoxError> {
        check_flags(source)?;
        let read = |flag: &str, path: &Path| {
            std::fs::read(path)
                .map_err(|error| format!("cannot read {flag} {}: {error}", path.display()))
        };
        let key = match (source.jwt_key_file, source.jwt_public_key_file) {
            (Some(path), _) => Some(
                VerificationKey::shared(read("--jwt-key-file", path)?)
                    .map_err(|error| format!("--jwt-key-file {} {error}", path.display()))?,
            ),
            (None, Some(path)) => Some(
                VerificationKey::ed25519_public_pem(&read("--jwt-public-key-file", path)?)
                    .map_err(|error| format!("--jwt-public-key-file {} {error}", path.display()))?,
            ),
            (None, None) => None,
        };
        if let Some(key) = key {
            let issuer = source
                .jwt_issuer
                .filter(|issuer| !issuer.is_empty())
                .ok_or("a JWT key file needs --jwt-issuer")?;
            return Ok(Self::Jwt {
                key,
                issuer: issuer.to_owned(),
                audience: audience.to_owned(),
                max_lifetime,
            });
        }
        if let Some(path) = source.token_file {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("cannot read --token-file {}: {error}", path.display()))?;
            return Self::from_token_file_text(&text)
                .map_err(|error| format!("--token-file {}: {error}", path.display()).into());
        }
        Ok(Self::Disabled)
    }

    /// Parses the JSON of a static token file.
    pub fn from_token_file_text(text: &str) -> Result<Self, BoxError> {
        let file: TokenFile = serde_json::from_str(text)?;
        let mut tokens = HashMap::new();
        for (index, entry) in file.tokens.into_iter().enumerate() {
            if entry.token.chars().count() < MIN_STATIC_TOKEN_CHARS {
                return Err(format!(
                    "tokens[{index}]: a token needs at least {MIN_STATIC_TOKEN_CHARS} characters"
                )
                .into());
            }
            check_scope(&entry.claims).map_err(|error| format!("tokens[{index}]: {error}"))?;
            if tokens.insert(entry.token, entry.claims).is_some() {
                return Err(format!("tokens[{index}]: the same token appears twice").into());
            }
        }
        Ok(Self::Static(tokens))
    }

    /// Whether every call is let through without a token.
    pub fn is_disabled(&self) -> bool {
        matches!(self, Self::Disabled)
    }

    /// Verifies a bearer token (without the `Bearer ` prefix). Missing, expired, tampered, wrongly
    /// signed, wrong-issuer, malformed and unknown tokens → UNAUTHENTICATED.
    pub fn verify(&self, bearer: Option<&str>) -> Result<Caller, ApiError> {
        self.verify_claims(bearer)
            .map(|claims| Caller::from_claims(&claims))
    }

    /// Like [`Verifier::verify`], returning the verified claims (with the token's id).
    pub fn verify_claims(&self, bearer: Option<&str>) -> Result<Claims, ApiError> {
        let token = || {
            bearer
                .filter(|token| !token.is_empty())
                .ok_or_else(|| ApiError::Unauthenticated("the call carries no bearer token".into()))
        };
        let claims = match self {
            Self::Disabled => {
                return Ok(Claims {
                    sub: ANONYMOUS.to_owned(),
                    national: true,
                    rights: Right::ALL.to_vec(),
                    ..Claims::default()
                });
            }
            Self::Jwt {
                key,
                issuer,
                audience,
                max_lifetime,
            } => {
                let claims = decode_jwt(token()?, key, issuer, audience)?;
                let furthest = now()
                    .saturating_add(i64::try_from(max_lifetime.as_secs()).unwrap_or(i64::MAX))
                    .saturating_add(LEEWAY_SECONDS as i64);
                if claims.exp > furthest {
                    return Err(ApiError::Unauthenticated(TOKEN_TOO_LONG.into()));
                }
                claims
            }
            Self::Static(tokens) => {
                let claims = find_static(tokens, token()?)
                    .ok_or_else(|| ApiError::Unauthenticated("unknown token".into()))?;
                if claims.exp != 0 && claims.exp.saturating_add(LEEWAY_SECONDS as i64) < now() {
                    return Err(ApiError::Unauthenticated("the token has expired".into()));
                }
                claims.clone()
            }
        };
        check_scope(&claims).map_err(ApiError::Unauthenticated)?;
        Ok(claims)
    }
}

/// The refusal of a token whose expiry lies beyond the maximum lifetime.
pub const TOKEN_TOO_LONG: &str = "the token is valid for longer than this server accepts";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Looks a static token up by comparing SHA-256 digests of every entry without stopping early, so
/// that the time taken says nothing about how much of a token was right.
fn find_static<'a>(tokens: &'a HashMap<String, Claims>, presented: &str) -> Option<&'a Claims> {
    let presented = ring::digest::digest(&ring::digest::SHA256, presented.as_bytes());
    let mut found = None;
    for (token, claims) in tokens {
        let candidate = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let difference = candidate
            .as_ref()
            .iter()
            .zip(presented.as_ref())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if difference == 0 {
            found = Some(claims);
        }
    }
    found
}

/// A token's subject and scope must be well formed: a non-empty subject, 2-digit provinces and
/// 5-digit communes. Whether the communes lie in the listed provinces needs the service's commune
/// table and is checked by the service.
fn check_scope(claims: &Claims) -> Result<(), String> {
    if claims.sub.trim().is_empty() {
        return Err("the token has no subject".into());
    }
    let digits =
        |code: &str, len: usize| code.len() == len && code.bytes().all(|b| b.is_ascii_digit());
    if let Some(bad) = claims.provinces.iter().find(|code| !digits(code, 2)) {
        return Err(format!("the scope names a malformed province code {bad:?}"));
    }
    if let Some(bad) = claims.communes.iter().find(|code| !digits(code, 5)) {
        return Err(format!("the scope names a malformed commune code {bad:?}"));
    }
    Ok(())
}

fn decode_jwt(
    token: &str,
    key: &VerificationKey,
    issuer: &str,
    audience: &str,
) -> Result<Claims, ApiError> {
    install_provider();
    // Only the key's own algorithm: a token signed otherwise is refused before any signature
    // check, so that a public key can never be used as an HMAC secret.
    let mut validation = Validation::new(key.algorithm());
    validation.leeway = LEEWAY_SECONDS;
    validation.set_issuer(&[issuer]);
    // Tokens are per service: one for reporting is no key to membership, and the reverse.
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.validate_exp = true;
    // Checked only when present: a token may be issued ahead of its validity.
    validation.validate_nbf = true;
    jsonwebtoken::decode::<Claims>(token, &key.decoding_key(), &validation)
        .map(|data| data.claims)
        .map_err(|error| {
            let why = match error.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet",
                ErrorKind::InvalidIssuer => "the token was issued by someone else",
                ErrorKind::InvalidAudience => "the token is for another service",
                ErrorKind::InvalidSignature => "the token's signature does not match",
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    "the token is not signed with this server's algorithm"
                }
                ErrorKind::MissingRequiredClaim(_) => "the token lacks exp, iss, sub or aud",
                _ => "the token is malformed",
            };
            ApiError::Unauthenticated(why.into())
        })
}

/// A new random token id (`jti`): 128 bits, hex.
pub fn new_token_id() -> Result<String, BoxError> {
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| "no randomness for a token id")?;
    Ok(hex::encode(bytes))
}

/// Signs `claims` as an HS256 JWT with the shared secret `key` (for tests).
pub fn issue_jwt(claims: &Claims, key: &[u8]) -> Result<String, BoxError> {
    sign_jwt(claims, &SigningKey::Shared(key.to_vec()))
}

/// Signs `claims` with `key` (HS256 or EdDSA), for `partyctl tokens issue` and tests.
pub fn sign_jwt(claims: &Claims, key: &SigningKey) -> Result<String, BoxError> {
    if let SigningKey::Shared(secret) = key {
        crate::signing::check_shared_secret(secret)?;
    }
    check_scope(claims)?;
    install_provider();
    Ok(jsonwebtoken::encode(
        &Header::new(key.algorithm()),
        claims,
        &key.encoding_key(),
    )?)
}

/// The caller of a request, put into the request's extensions by the server layer. A request that
/// did not pass the layer (a wiring mistake, or a handler called directly in a test without
/// inserting a caller) gets [`Caller::nobody`], so that it sees nothing.
pub fn caller<T>(request: &tonic::Request<T>) -> Caller {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or_else(Caller::nobody)
}

// jsonwebtoken 10 leaves the choice of cryptography to the application. ring is already linked
// for TLS, so the provider below supports HS256 and EdDSA (Ed25519) with it and refuses every
// other algorithm (RSA and EC keys are never accepted).

struct Hs256(ring::hmac::Key);

impl signature::Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        Ok(ring::hmac::sign(&self.0, message).as_ref().to_vec())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl signature::Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, message: &[u8], tag: &Vec<u8>) -> Result<(), signature::Error> {
        // ring compares in constant time.
        ring::hmac::verify(&self.0, message, tag).map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

/// An Ed25519 private key (PKCS#8 DER) that signs.
struct Ed25519Signer(Vec<u8>);

impl signature::Signer<Vec<u8>> for Ed25519Signer {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        crate::signing::ed25519_sign(&self.0, message).ok_or_else(signature::Error::new)
    }
}

impl JwtSigner for Ed25519Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDSA
    }
}

/// An Ed25519 public key (raw 32 bytes) that verifies.
struct Ed25519Verifier(Vec<u8>);

impl signature::Verifier<Vec<u8>> for Ed25519Verifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        if crate::signing::ed25519_verify(&self.0, message, signature) {
            Ok(())
        } else {
            Err(signature::Error::new())
        }
    }
}

impl JwtVerifier for Ed25519Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDSA
    }
}

static HS256_AND_EDDSA: CryptoProvider = CryptoProvider {
    signer_factory: |algorithm, key| match algorithm {
        Algorithm::HS256 => Ok(Box::new(Hs256(ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            key.try_get_hmac_secret()?,
        )))),
        Algorithm::EdDSA if key.family() == AlgorithmFamily::Ed => {
            Ok(Box::new(Ed25519Signer(key.inner().to_vec())))
        }
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    },
    verifier_factory: |algorithm, key| match algorithm {
        Algorithm::HS256 => Ok(Box::new(Hs256(ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            key.try_get_hmac_secret()?,
        )))),
        Algorithm::EdDSA if key.family() == AlgorithmFamily::Ed => {
            Ok(Box::new(Ed25519Verifier(key.as_bytes().to_vec())))
        }
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    },
    jwk_utils: JwkUtils::new_unimplemented(),
};

fn install_provider() {
    // Fails only when a provider is already installed: ours, by an earlier call.
    let _ = HS256_AND_EDDSA.install_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::EncodingKey;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const ISSUER: &str = "partyregistry-test";

    fn claims() -> Claims {
        Claims {
            iss: ISSUER.into(),
            aud: vec![MEMBERSHIP_AUDIENCE.into()],
            sub: "province-15".into(),
            jti: String::new(),
            exp: now() + 3600,
            iat: now(),
            national: false,
            provinces: vec!["15".into()],
            communes: vec![],
            rights: vec![Right::Records],
            cnf: None,
        }
    }

    const LIFETIME: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

    fn jwt_verifier() -> Verifier {
        Verifier::Jwt {
            key: VerificationKey::Shared(KEY.to_vec()),
            issuer: ISSUER.into(),
            audience: MEMBERSHIP_AUDIENCE.into(),
            max_lifetime: LIFETIME,
        }
    }

    #[test]
    fn tokens_for_another_service_or_too_long_a_life_are_refused() {
        let verifier = jwt_verifier();
        let sign = |claims: &Claims| issue_jwt(claims, KEY).expect("signs");
        assert!(verifier.verify(Some(&sign(&claims()))).is_ok());
        let for_reporting = Claims {
            aud: vec![REPORTING_AUDIENCE.into()],
            ..claims()
        };
        assert!(matches!(
            verifier.verify(Some(&sign(&for_reporting))),
            Err(ApiError::Unauthenticated(why)) if why == "the token is for another service"
        ));
        let for_nobody = Claims {
            aud: Vec::new(),
            ..claims()
        };
        assert_unauthenticated(verifier.verify(Some(&sign(&for_nobody))));
        let for_both = Claims {
            aud: vec![REPORTING_AUDIENCE.into(), MEMBERSHIP_AUDIENCE.into()],
            ..claims()
        };
        assert!(verifier.verify(Some(&sign(&for_both))).is_ok());
        let century = Claims {
            exp: now() + 100 * 365 * 86_400,
            ..claims()
        };
        assert!(matches!(
            verifier.verify(Some(&sign(&century))),
            Err(ApiError::Unauthenticated(why)) if why == TOKEN_TOO_LONG
        ));
        let just_within = Claims {
            exp: now() + LIFETIME.as_secs() as i64 - 60,
            ..claims()
        };
        assert!(verifier.verify(Some(&sign(&just_within))).is_ok());
        // A single string is an audience too.
        let parsed: Claims =
            serde_json::from_str(r#"{"sub":"s","aud":"membership"}"#).expect("parses");
        assert_eq!(parsed.aud, [MEMBERSHIP_AUDIENCE]);
    }

    fn assert_unauthenticated(result: Result<Caller, ApiError>) {
        match result {
            Err(ApiError::Unauthenticated(_)) => {}
            other => panic!("expected UNAUTHENTICATED, got {other:?}"),
        }
    }

    // A tiny unpadded base64url encoder, so that the tests can forge tokens without another crate.
    fn b64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn valid_jwt_yields_its_caller() {
        let token = issue_jwt(&claims(), KEY).expect("valid claims");
        let caller = jwt_verifier().verify(Some(&token)).expect("valid token");
        assert_eq!(caller.subject, "province-15");
        assert!(caller.sees_province("15"));
        assert!(!caller.sees_province("12"));
        assert!(caller.has(Right::Records));
    }

    #[test]
    fn missing_token_is_unauthenticated() {
        assert_unauthenticated(jwt_verifier().verify(None));
        assert_unauthenticated(jwt_verifier().verify(Some("")));
    }

    #[test]
    fn expired_jwt_is_unauthenticated() {
        let mut expired = claims();
        expired.exp = now() - 2 * LEEWAY_SECONDS as i64;
        let token = issue_jwt(&expired, KEY).expect("valid claims");
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
    }

    #[test]
    fn jwt_without_expiry_is_unauthenticated() {
        let mut forever = claims();
        forever.exp = 0;
        let token = issue_jwt(&forever, KEY).expect("valid claims");
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
    }

    #[test]
    fn jwt_before_its_not_before_time_is_unauthenticated() {
        install_provider();
        let mut payload = serde_json::to_value(claims()).expect("claims serialise");
        payload["nbf"] = serde_json::json!(now() + 3600);
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &payload,
            &EncodingKey::from_secret(KEY),
        )
        .expect("signs");
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
        // A string where a number belongs is refused rather than ignored.
        payload["nbf"] = serde_json::json!("later");
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &payload,
            &EncodingKey::from_secret(KEY),
        )
        .expect("signs");
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
    }

    #[test]
    fn tampered_payload_is_unauthenticated() {
        let token = issue_jwt(&claims(), KEY).expect("valid claims");
        let parts: Vec<&str> = token.split('.').collect();
        let mut national = claims();
        national.national = true;
        let payload = b64(&serde_json::to_vec(&national).expect("claims serialise"));
        let forged = format!("{}.{}.{}", parts[0], payload, parts[2]);
        assert_unauthenticated(jwt_verifier().verify(Some(&forged)));
    }

    #[test]
    fn wrong_key_is_unauthenticated() {
        let token = issue_jwt(&claims(), b"another key, also thirty-two bytes!").expect("valid");
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
    }

    #[test]
    fn wrong_issuer_is_unauthenticated() {
        let mut other = claims();
        other.iss = "someone-else".into();
        let token = issue_jwt(&other, KEY).expect("valid claims");
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
    }

    #[test]
    fn unsigned_and_other_algorithm_tokens_are_unauthenticated() {
        let payload = b64(&serde_json::to_vec(&claims()).expect("claims serialise"));
        for header in [
            r#"{"alg":"none","typ":"JWT"}"#,
            r#"{"alg":"None"}"#,
            r#"{"alg":"HS512","typ":"JWT"}"#,
            r#"{"alg":"RS256","typ":"JWT"}"#,
        ] {
            let head = b64(header.as_bytes());
            for signature in ["", "AAAA"] {
                let forged = format!("{head}.{payload}.{signature}");
                assert_unauthenticated(jwt_verifier().verify(Some(&forged)));
            }
        }
        // A correct HS256 tag under a header that names another algorithm is refused too.
        let head = b64(br#"{"alg":"HS384","typ":"JWT"}"#);
        let signing_input = format!("{head}.{payload}");
        let tag = ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, KEY),
            signing_input.as_bytes(),
        );
        let forged = format!("{signing_input}.{}", b64(tag.as_ref()));
        assert_unauthenticated(jwt_verifier().verify(Some(&forged)));
    }

    #[test]
    fn garbage_is_unauthenticated() {
        for token in ["x", "a.b.c", "...", "Bearer abc"] {
            assert_unauthenticated(jwt_verifier().verify(Some(token)));
        }
    }

    #[test]
    fn static_tokens_are_looked_up() {
        let verifier = Verifier::from_token_file_text(
            r#"{"tokens":[
                {"token":"tok-national-000001","claims":{"sub":"national","national":true,"rights":["aggregates"]}},
                {"token":"tok-expired-0000001","claims":{"sub":"old","exp":1000,"provinces":["15"]}}
            ]}"#,
        )
        .expect("valid file");
        let caller = verifier
            .verify(Some("tok-national-000001"))
            .expect("known token");
        assert_eq!(caller.subject, "national");
        assert!(caller.national);
        assert_unauthenticated(verifier.verify(Some("tok-national-000002")));
        assert_unauthenticated(verifier.verify(Some("tok-national-00000")));
        assert_unauthenticated(verifier.verify(Some("tok-expired-0000001")));
        assert_unauthenticated(verifier.verify(None));
    }

    #[test]
    fn bad_token_files_are_refused() {
        for text in [
            r#"{"tokens":[{"token":"short","claims":{"sub":"a"}}]}"#,
            r#"{"tokens":[{"token":"long-enough-token-1","claims":{"sub":""}}]}"#,
            r#"{"tokens":[{"token":"long-enough-token-1","claims":{"sub":"a","provinces":["1"]}}]}"#,
            r#"{"tokens":[{"token":"long-enough-token-1","claims":{"sub":"a","communes":["1234"]}}]}"#,
            r#"{"tokens":[{"token":"long-enough-token-1","claims":{"sub":"a","rights":["everything"]}}]}"#,
            r#"{"tokens":[{"token":"long-enough-token-1","claims":{"sub":"a"}},{"token":"long-enough-token-1","claims":{"sub":"b"}}]}"#,
            r#"{"tokenz":[]}"#,
        ] {
            assert!(Verifier::from_token_file_text(text).is_err(), "{text}");
        }
    }

    #[test]
    fn from_config_needs_exactly_one_mode() {
        let config =
            |source: TokenSource<'_>| Verifier::from_config(&source, MEMBERSHIP_AUDIENCE, LIFETIME);
        assert!(config(TokenSource::default()).is_err());
        let dir = std::env::temp_dir().join(format!("kit-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir is writable");
        let key = dir.join("key");
        std::fs::write(&key, KEY).expect("temp dir is writable");
        let short = dir.join("short");
        std::fs::write(&short, b"short").expect("temp dir is writable");
        let (private, public) = crate::signing::generate_ed25519_pem().expect("a key pair");
        let public_key = dir.join("public.pem");
        std::fs::write(&public_key, public).expect("temp dir is writable");
        let private_key = dir.join("private.pem");
        std::fs::write(&private_key, private).expect("temp dir is writable");
        let signed = |jwt_key_file, jwt_public_key_file| TokenSource {
            jwt_key_file,
            jwt_public_key_file,
            jwt_issuer: Some(ISSUER),
            ..TokenSource::default()
        };
        assert!(
            config(TokenSource {
                jwt_issuer: None,
                ..signed(Some(&key), None)
            })
            .is_err()
        );
        assert!(config(signed(Some(&short), None)).is_err());
        assert!(
            config(TokenSource {
                allow_unauthenticated: true,
                ..signed(Some(&key), None)
            })
            .is_err()
        );
        assert!(config(signed(Some(&key), Some(&public_key))).is_err());
        // A private key where the public one belongs is refused: services hold public keys only.
        assert!(config(signed(None, Some(&private_key))).is_err());
        assert!(matches!(
            config(signed(Some(&key), None)),
            Ok(Verifier::Jwt {
                key: VerificationKey::Shared(_),
                ..
            })
        ));
        assert!(matches!(
            config(signed(None, Some(&public_key))),
            Ok(Verifier::Jwt {
                key: VerificationKey::Ed25519(_),
                ..
            })
        ));
        assert!(matches!(
            config(TokenSource {
                allow_unauthenticated: true,
                ..TokenSource::default()
            }),
            Ok(Verifier::Disabled)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A verifier holding only the public half of a fresh Ed25519 pair, and the private half.
    fn eddsa() -> (Verifier, SigningKey) {
        let (private, public) = crate::signing::generate_ed25519_pem().expect("a key pair");
        let verifier = Verifier::Jwt {
            key: VerificationKey::ed25519_public_pem(public.as_bytes()).expect("public key"),
            issuer: ISSUER.into(),
            audience: MEMBERSHIP_AUDIENCE.into(),
            max_lifetime: LIFETIME,
        };
        let signing = SigningKey::from_file_bytes(private.into_bytes()).expect("private key");
        (verifier, signing)
    }

    #[test]
    fn eddsa_tokens_verify_with_the_public_key_alone() {
        let (verifier, signing) = eddsa();
        let token = sign_jwt(&claims(), &signing).expect("signs");
        let caller = verifier.verify(Some(&token)).expect("verifies");
        assert_eq!(caller.subject, "province-15");
        // Another pair's signature, a tampered payload, and HS256 are all refused.
        let (_, stranger) = eddsa();
        assert_unauthenticated(
            verifier.verify(Some(&sign_jwt(&claims(), &stranger).expect("signs"))),
        );
        let parts: Vec<&str> = token.split('.').collect();
        let mut national = claims();
        national.national = true;
        let payload = b64(&serde_json::to_vec(&national).expect("claims serialise"));
        assert_unauthenticated(
            verifier.verify(Some(&format!("{}.{payload}.{}", parts[0], parts[2]))),
        );
        assert_unauthenticated(verifier.verify(Some(&issue_jwt(&claims(), KEY).expect("signs"))));
        // And an EdDSA token means nothing to an HS256 service.
        assert_unauthenticated(jwt_verifier().verify(Some(&token)));
    }

    #[test]
    fn the_public_key_used_as_an_hmac_secret_is_refused() {
        let (private, public) = crate::signing::generate_ed25519_pem().expect("a key pair");
        let verifier = Verifier::Jwt {
            key: VerificationKey::ed25519_public_pem(public.as_bytes()).expect("public key"),
            issuer: ISSUER.into(),
            audience: MEMBERSHIP_AUDIENCE.into(),
            max_lifetime: LIFETIME,
        };
        drop(private);
        let VerificationKey::Ed25519(raw) =
            VerificationKey::ed25519_public_pem(public.as_bytes()).expect("public key")
        else {
            panic!("an Ed25519 key was expected");
        };
        // The classic confusion: HS256 keyed with the public key's bytes (or its PEM text).
        for secret in [raw.repeat(2), public.into_bytes()] {
            let forged = issue_jwt(&claims(), &secret).expect("signs");
            assert_unauthenticated(verifier.verify(Some(&forged)));
        }
    }

    #[test]
    fn disabled_verifier_lets_everyone_in_unrestricted() {
        let caller = Verifier::Disabled.verify(None).expect("disabled");
        assert_eq!(caller, Caller::unrestricted(ANONYMOUS));
    }

    #[test]
    fn rights_imply_aggregates_only() {
        let with = |rights: &[Right]| Caller {
            rights: rights.iter().copied().collect(),
            ..Caller::nobody()
        };
        assert!(with(&[Right::Records]).has(Right::Aggregates));
        assert!(with(&[Right::Personal]).has(Right::Aggregates));
        assert!(!with(&[Right::Personal]).has(Right::Records));
        assert!(!with(&[Right::Records]).has(Right::Personal));
        assert!(!with(&[Right::Admin]).has(Right::Aggregates));
        assert!(!with(&[Right::Admin]).has(Right::Records));
        assert!(!with(&[Right::Write]).has(Right::Records));
        assert!(!with(&[Right::Aggregates]).has(Right::Records));
        assert!(with(&[Right::Admin]).require(Right::Admin).is_ok());
        assert!(matches!(
            with(&[Right::Records]).require(Right::Admin),
            Err(ApiError::PermissionDenied(_))
        ));
        let all = Caller::unrestricted("x");
        assert!(Right::ALL.iter().all(|right| all.has(*right)));
        assert!(Right::ALL.iter().all(|right| !Caller::nobody().has(*right)));
    }

    #[test]
    fn scopes_decide_what_is_seen() {
        let province = Caller {
            provinces: ["15".to_owned()].into(),
            ..Caller::nobody()
        };
        assert!(province.sees_province("15"));
        assert!(!province.sees_province("12"));
        assert!(province.sees_commune("15001", "15"));
        assert!(!province.sees_commune("12001", "12"));

        let commune = Caller {
            communes: ["12001".to_owned()].into(),
            ..Caller::nobody()
        };
        assert!(commune.sees_commune("12001", "12"));
        assert!(!commune.sees_commune("12002", "12"));
        assert!(!commune.sees_province("12"));

        let national = Caller {
            national: true,
            ..Caller::nobody()
        };
        assert!(national.sees_province("99") && national.sees_commune("99999", "99"));
        assert!(!Caller::nobody().sees_commune("12001", "12"));
    }

    #[test]
    fn requests_without_a_caller_see_nothing() {
        let mut request = tonic::Request::new(());
        assert_eq!(caller(&request), Caller::nobody());
        request
            .extensions_mut()
            .insert(Caller::unrestricted("test"));
        assert_eq!(caller(&request).subject, "test");
    }
}
