//! The keys that sign and verify bearer tokens, and the binding of a token to a client
//! certificate.
//!
//! Two kinds of signature are accepted:
//! - **HS256**, a secret shared by the issuer and every service (`--jwt-key-file`, raw bytes): any
//!   service holding it could also sign.
//! - **EdDSA (Ed25519)**, RFC 8037: the issuer alone holds the private key (PKCS#8 PEM, `partyctl
//!   tokens issue --key-file`), the services hold only the public key (`--jwt-public-key-file`,
//!   SubjectPublicKeyInfo PEM), so that a compromised service cannot mint tokens.
//!
//! A verifier accepts exactly the algorithm of its key, so that a token signed with the other one
//! (for example HS256 with the public key's bytes as the secret) is refused.
//!
//! A token may also be bound to the client certificate of its holder (RFC 8705 §3: claim
//! `cnf.x5t#S256`, the base64url SHA-256 of the certificate's DER): over mutual TLS the server then
//! accepts it only on a connection authenticated with that certificate, so that a token copied
//! off one system is no key to another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};

use crate::BoxError;

/// The shortest HS256 key accepted: RFC 7518 §3.2 asks for a key at least as long as the hash.
pub const MIN_KEY_BYTES: usize = 32;

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): the algorithm identifier
/// 1.3.101.112 and a 33-byte bit string whose first byte counts the unused bits (none).
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// An Ed25519 public key is 32 bytes.
const ED25519_PUBLIC_KEY_BYTES: usize = 32;

/// The PEM label of a PKCS#8 private key.
const PRIVATE_KEY_LABEL: &str = "PRIVATE KEY";

/// The PEM label of a SubjectPublicKeyInfo.
const PUBLIC_KEY_LABEL: &str = "PUBLIC KEY";

/// What a service verifies signed tokens with.
#[derive(Clone, PartialEq, Eq)]
pub enum VerificationKey {
    /// The HS256 secret shared with the issuer.
    Shared(Vec<u8>),
    /// The issuer's Ed25519 public key, raw 32 bytes.
    Ed25519(Vec<u8>),
}

// Keys never reach a log line.
impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Shared(_) => "Shared(HS256)",
            Self::Ed25519(_) => "Ed25519(public)",
        })
    }
}

/// Refuses an HS256 secret shorter than [`MIN_KEY_BYTES`], whether it verifies or signs.
pub fn check_shared_secret(secret: &[u8]) -> Result<(), BoxError> {
    if secret.len() < MIN_KEY_BYTES {
        return Err(format!(
            "holds {} bytes; an HS256 key needs at least {MIN_KEY_BYTES}",
            secret.len()
        )
        .into());
    }
    Ok(())
}

impl VerificationKey {
    /// The shared secret of `--jwt-key-file`: raw bytes, at least [`MIN_KEY_BYTES`].
    pub fn shared(secret: Vec<u8>) -> Result<Self, BoxError> {
        check_shared_secret(&secret)?;
        Ok(Self::Shared(secret))
    }

    /// The public key of `--jwt-public-key-file`: an Ed25519 SubjectPublicKeyInfo in PEM.
    pub fn ed25519_public_pem(pem_text: &[u8]) -> Result<Self, BoxError> {
        let block = pem::parse(pem_text).map_err(|error| format!("is not PEM: {error}"))?;
        if block.tag() != PUBLIC_KEY_LABEL {
            return Err(format!(
                "holds a {:?} block; a \"{PUBLIC_KEY_LABEL}\" (Ed25519) block is needed",
                block.tag()
            )
            .into());
        }
        let der = block.contents();
        match der.strip_prefix(&ED25519_SPKI_PREFIX[..]) {
            Some(raw) if raw.len() == ED25519_PUBLIC_KEY_BYTES => Ok(Self::Ed25519(raw.to_vec())),
            _ => Err("is not an Ed25519 public key".into()),
        }
    }

    /// The one algorithm tokens must be signed with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Self::Shared(_) => Algorithm::HS256,
            Self::Ed25519(_) => Algorithm::EdDSA,
        }
    }

    /// The key in jsonwebtoken's terms.
    pub fn decoding_key(&self) -> DecodingKey {
        match self {
            Self::Shared(secret) => DecodingKey::from_secret(secret),
            Self::Ed25519(public) => DecodingKey::from_ed_der(public),
        }
    }
}

/// What the issuer signs tokens with.
#[derive(Clone, PartialEq, Eq)]
pub enum SigningKey {
    /// The HS256 secret shared with the services.
    Shared(Vec<u8>),
    /// An Ed25519 private key, PKCS#8 DER.
    Ed25519(Vec<u8>),
}

// Keys never reach a log line.
impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Shared(_) => "Shared(HS256)",
            Self::Ed25519(_) => "Ed25519(private)",
        })
    }
}

impl SigningKey {
    /// Reads a key file: a PEM PKCS#8 Ed25519 private key, or else the raw bytes of an HS256
    /// secret (at least [`MIN_KEY_BYTES`]).
    pub fn from_file_bytes(bytes: Vec<u8>) -> Result<Self, BoxError> {
        let text = String::from_utf8_lossy(&bytes);
        if text.trim_start().starts_with("-----BEGIN") {
            let block = pem::parse(&bytes).map_err(|error| format!("is not PEM: {error}"))?;
            if block.tag() != PRIVATE_KEY_LABEL {
                return Err(format!(
                    "holds a {:?} block; a \"{PRIVATE_KEY_LABEL}\" (Ed25519, PKCS#8) block is needed",
                    block.tag()
                )
                .into());
            }
            Ed25519KeyPair::from_pkcs8_maybe_unchecked(block.contents())
                .map_err(|_| "is not an Ed25519 private key")?;
            return Ok(Self::Ed25519(block.contents().to_vec()));
        }
        check_shared_secret(&bytes)?;
        Ok(Self::Shared(bytes))
    }

    /// The algorithm its tokens carry.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Self::Shared(_) => Algorithm::HS256,
            Self::Ed25519(_) => Algorithm::EdDSA,
        }
    }

    /// The key in jsonwebtoken's terms.
    pub fn encoding_key(&self) -> EncodingKey {
        match self {
            Self::Shared(secret) => EncodingKey::from_secret(secret),
            Self::Ed25519(pkcs8) => EncodingKey::from_ed_der(pkcs8),
        }
    }
}

/// A new Ed25519 key pair for token signing, as PEM texts: the private key (PKCS#8, for the
/// issuer alone) and the public key (SubjectPublicKeyInfo, for the services).
pub fn generate_ed25519_pem() -> Result<(String, String), BoxError> {
    let random = ring::rand::SystemRandom::new();
    let pkcs8 =
        Ed25519KeyPair::generate_pkcs8(&random).map_err(|_| "no randomness for an Ed25519 key")?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| "the generated Ed25519 key does not parse")?;
    let mut spki = ED25519_SPKI_PREFIX.to_vec();
    spki.extend_from_slice(pair.public_key().as_ref());
    Ok((
        pem::encode(&pem::Pem::new(PRIVATE_KEY_LABEL, pkcs8.as_ref().to_vec())),
        pem::encode(&pem::Pem::new(PUBLIC_KEY_LABEL, spki)),
    ))
}

/// Signs `message` with an Ed25519 PKCS#8 key (for the token provider).
pub(crate) fn ed25519_sign(pkcs8: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).ok()?;
    Some(pair.sign(message).as_ref().to_vec())
}

/// Whether `signature` is the Ed25519 signature of `message` by the raw `public_key`.
pub(crate) fn ed25519_verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    ring::signature::UnparsedPublicKey::new(&ED25519, public_key)
        .verify(message, signature)
        .is_ok()
}

/// The confirmation claim of a token bound to a client certificate (RFC 8705 §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The base64url (unpadded) SHA-256 thumbprint of the certificate's DER.
    #[serde(rename = "x5t#S256")]
    pub certificate_thumbprint: String,
}

impl Confirmation {
    /// The binding to the certificate `der`.
    pub fn of_certificate(der: &[u8]) -> Self {
        Self {
            certificate_thumbprint: certificate_thumbprint(der),
        }
    }

    /// Binds to the first certificate of a PEM chain (a client's `--cert` file).
    pub fn of_certificate_pem(pem_text: &[u8]) -> Result<Self, BoxError> {
        let block = pem::parse(pem_text).map_err(|error| format!("is not PEM: {error}"))?;
        if block.tag() != "CERTIFICATE" {
            return Err(format!("holds a {:?} block, not a certificate", block.tag()).into());
        }
        Ok(Self::of_certificate(block.contents()))
    }
}

/// `x5t#S256` of a certificate: base64url, unpadded, of the SHA-256 of its DER.
pub fn certificate_thumbprint(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, der))
}

/// The refusal of a bound token on a connection without the certificate it is bound to.
pub const TOKEN_BOUND_ELSEWHERE: &str =
    "the token is bound to a client certificate this connection did not present";

/// A token bound to a client certificate (`binding`, its `cnf` claim) passes only when `presented`
/// (the DER of the connection's client certificate) is that one; an unbound token passes as before.
pub fn check_binding(
    binding: Option<&Confirmation>,
    presented: Option<Vec<u8>>,
) -> Result<(), crate::error::ApiError> {
    let Some(confirmation) = binding else {
        return Ok(());
    };
    // Certificates are not secret, so neither are their thumbprints: a plain comparison.
    let thumbprint = presented.as_deref().map(certificate_thumbprint);
    if thumbprint.as_deref() == Some(confirmation.certificate_thumbprint.as_str()) {
        Ok(())
    } else {
        Err(crate::error::ApiError::Unauthenticated(
            TOKEN_BOUND_ELSEWHERE.into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pair_reads_back_and_signs_what_its_public_key_verifies() {
        let (private, public) = generate_ed25519_pem().expect("a key pair");
        let SigningKey::Ed25519(pkcs8) =
            SigningKey::from_file_bytes(private.into_bytes()).expect("the private key")
        else {
            panic!("an Ed25519 signing key was expected");
        };
        let VerificationKey::Ed25519(raw) =
            VerificationKey::ed25519_public_pem(public.as_bytes()).expect("the public key")
        else {
            panic!("an Ed25519 verification key was expected");
        };
        let signature = ed25519_sign(&pkcs8, b"message").expect("a signature");
        assert!(ed25519_verify(&raw, b"message", &signature));
        assert!(!ed25519_verify(&raw, b"messagf", &signature));
    }

    #[test]
    fn key_files_of_the_wrong_kind_are_refused_with_a_reason() {
        let (private, public) = generate_ed25519_pem().expect("a key pair");
        let error = VerificationKey::ed25519_public_pem(private.as_bytes()).expect_err("private");
        assert!(error.to_string().contains("PRIVATE KEY"), "{error}");
        let error = SigningKey::from_file_bytes(public.into_bytes()).expect_err("public");
        assert!(error.to_string().contains("PUBLIC KEY"), "{error}");
        let error = SigningKey::from_file_bytes(b"short".to_vec()).expect_err("short secret");
        assert!(error.to_string().contains("at least 32"), "{error}");
        assert!(VerificationKey::ed25519_public_pem(b"not pem").is_err());
    }

    #[test]
    fn the_thumbprint_is_unpadded_base64url_of_the_sha256() {
        // SHA-256 of the empty input, RFC 4648 §5 alphabet, no padding: 43 characters.
        assert_eq!(
            certificate_thumbprint(b""),
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }
}
