//! Ed25519 keys in the files every tool reads: PKCS#8 (`PRIVATE KEY`) and SubjectPublicKeyInfo
//! (`PUBLIC KEY`) in PEM, so that `openssl pkeyutl -verify` checks a bundle without Nuage.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

/// The DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Why a key cannot be read or made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("no PEM block `-----BEGIN {label}-----`")]
    NotPem { label: &'static str },
    #[error("the PEM block is not valid base64")]
    Base64,
    #[error("not an Ed25519 private key in PKCS#8 ({0})")]
    Private(String),
    #[error("not an Ed25519 public key (a 44-byte SubjectPublicKeyInfo)")]
    Public,
    #[error("the system's random generator failed")]
    Random,
}

/// A private key that signs bundles.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    pkcs8: Vec<u8>,
    public: PublicKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public.fingerprint())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new key from the system's random generator.
    pub fn generate() -> Result<Self, KeyError> {
        let doc =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Random)?;
        Self::from_pkcs8(doc.as_ref())
    }

    /// A key from its PKCS#8 DER (v1 as OpenSSL writes it, or v2 as ring does).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map_err(|e| KeyError::Private(e.to_string()))?;
        let public = PublicKey::from_raw(pair.public_key().as_ref())?;
        Ok(Self {
            pair,
            pkcs8: der.to_vec(),
            public,
        })
    }

    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        Self::from_pkcs8(&pem_decode(text, "PRIVATE KEY")?)
    }

    pub fn to_pem(&self) -> String {
        pem_encode("PRIVATE KEY", &self.pkcs8)
    }

    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The Ed25519 signature of `message` (deterministic: same key, same message, same bytes).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// A public key that checks bundles.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey([u8; 32]);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fingerprint())
    }
}

impl PublicKey {
    fn from_raw(raw: &[u8]) -> Result<Self, KeyError> {
        <[u8; 32]>::try_from(raw)
            .map(PublicKey)
            .map_err(|_| KeyError::Public)
    }

    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let der = pem_decode(text, "PUBLIC KEY")?;
        let raw = der.strip_prefix(&SPKI_PREFIX[..]).ok_or(KeyError::Public)?;
        Self::from_raw(raw)
    }

    pub fn to_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(&self.0);
        pem_encode("PUBLIC KEY", &der)
    }

    /// `SHA256:` and the hexadecimal SHA-256 of the 32 key bytes: how reports name a key.
    pub fn fingerprint(&self) -> String {
        format!("SHA256:{}", crate::sha256_hex(&self.0))
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(message, signature)
            .is_ok()
    }
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn pem_decode(text: &str, label: &'static str) -> Result<Vec<u8>, KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut lines = text.lines().map(str::trim);
    if !lines.any(|l| l == begin) {
        return Err(KeyError::NotPem { label });
    }
    let mut b64 = String::new();
    let mut closed = false;
    for line in lines {
        if line == end {
            closed = true;
            break;
        }
        b64.push_str(line);
    }
    if !closed {
        return Err(KeyError::NotPem { label });
    }
    STANDARD.decode(b64).map_err(|_| KeyError::Base64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_pem() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pem(&key.to_pem()).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        let public = PublicKey::from_pem(&key.public_key().to_pem()).unwrap();
        assert_eq!(public, key.public_key());
        let sig = key.sign(b"manifest");
        assert_eq!(sig, again.sign(b"manifest"), "Ed25519 is deterministic");
        assert!(public.verify(b"manifest", &sig));
        assert!(!public.verify(b"manifest!", &sig));
    }

    #[test]
    fn a_public_key_is_not_a_private_one() {
        let key = SigningKey::generate().unwrap();
        assert_eq!(
            SigningKey::from_pem(&key.public_key().to_pem()).unwrap_err(),
            KeyError::NotPem {
                label: "PRIVATE KEY"
            }
        );
        assert!(
            PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
                .is_err()
        );
    }
}
