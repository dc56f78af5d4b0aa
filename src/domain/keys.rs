//! The clinic's master key and the keys derived from it.
//!
//! One 256-bit master key lives in a file outside the database. HKDF-SHA256 derives a
//! separate key for each job, so no key is ever used for two purposes:
//! - sealing TOTP secrets with XChaCha20-Poly1305 (random 192-bit nonces, so no
//!   nonce bookkeeping), each bound by associated data to its account row;
//! - the HMAC-SHA256 chain that makes the audit trail tamper-evident;
//! - a check value stored in the database, so a wrong key is caught at once;
//! - the HMAC-SHA256 seals over the rows that decide a sign-in (accounts, their
//!   credentials, the clinic's settings), so a row copied, planted or set back by
//!   someone with the database alone is caught when it is read.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;
/// First byte of every sealed blob: the format, so it can change later.
const SEALED_V1: u8 = 1;
const KEY_FILE_HEADER: &str = "clinic2fa-key-v1";

/// The master key, wiped from memory when dropped.
pub struct MasterKey(Zeroizing<[u8; KEY_BYTES]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    /// 256 fresh bits from the operating system's CSPRNG.
    pub fn generate() -> anyhow::Result<Self> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        Ok(MasterKey(bytes))
    }

    /// The key file's content: a header naming the format, then the key in hex.
    pub fn to_file_text(&self) -> Zeroizing<String> {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        Zeroizing::new(format!("{KEY_FILE_HEADER} {hex}\n"))
    }

    /// Reads a key file's content; `None` if it is not one.
    pub fn from_file_text(text: &str) -> Option<Self> {
        let hex = text.trim().strip_prefix(KEY_FILE_HEADER)?.trim();
        if hex.len() != KEY_BYTES * 2 || !hex.is_ascii() {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(MasterKey(bytes))
    }

    /// The keys for each job.
    pub fn derive(&self) -> Keys {
        let hkdf = Hkdf::<Sha256>::new(Some(b"clinic2fa"), self.0.as_ref());
        let expand = |info: &[u8]| {
            let mut out = Zeroizing::new([0u8; KEY_BYTES]);
            hkdf.expand(info, out.as_mut()).expect("32 bytes is a valid HKDF length");
            out
        };
        Keys {
            seal: expand(b"clinic2fa/seal/totp-secrets/v1"),
            audit: expand(b"clinic2fa/mac/audit-trail/v1"),
            check: expand(b"clinic2fa/check/v1"),
            rows: expand(b"clinic2fa/mac/rows/v1"),
        }
    }
}

/// A sealed blob could not be opened: wrong key, or the blob was changed or moved.
#[derive(Debug, thiserror::Error)]
#[error(
    "a stored secret could not be decrypted: the key file does not match, or the database was altered"
)]
pub struct OpenError;

/// The derived keys, wiped from memory when dropped.
pub struct Keys {
    seal: Zeroizing<[u8; KEY_BYTES]>,
    audit: Zeroizing<[u8; KEY_BYTES]>,
    check: Zeroizing<[u8; KEY_BYTES]>,
    rows: Zeroizing<[u8; KEY_BYTES]>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    /// Encrypts and authenticates `plaintext`; `context` (which row, which slot) is
    /// authenticated too, so a blob copied to another account or slot fails to open.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce)
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        let cipher = XChaCha20Poly1305::new_from_slice(self.seal.as_ref())
            .map_err(|_| anyhow::anyhow!("bad key length"))?;
        let sealed = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: context })
            .map_err(|_| anyhow::anyhow!("could not encrypt a secret"))?;
        let mut blob = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        blob.push(SEALED_V1);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&sealed);
        Ok(blob)
    }

    /// Decrypts a blob made by [`Keys::seal`] with the same `context`.
    pub fn open(&self, blob: &[u8], context: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let (&version, rest) = blob.split_first().ok_or(OpenError)?;
        if version != SEALED_V1 || rest.len() < NONCE_BYTES {
            return Err(OpenError);
        }
        let (nonce, sealed) = rest.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError)?;
        let cipher =
            XChaCha20Poly1305::new_from_slice(self.seal.as_ref()).map_err(|_| OpenError)?;
        cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: context })
            .map(Zeroizing::new)
            .map_err(|_| OpenError)
    }

    /// The value stored in the database to recognise this key.
    pub fn check_value(&self) -> [u8; 32] {
        self.mac(&self.check, &[b"key check"])
    }

    /// Whether `stored` is this key's check value (compared in constant time).
    pub fn matches_check(&self, stored: &[u8]) -> bool {
        self.check_value().ct_eq(stored).into()
    }

    /// HMAC-SHA256 with the audit key over length-prefixed parts (so no two different
    /// lists of parts can give the same input).
    pub fn audit_mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.mac(&self.audit, parts)
    }

    /// HMAC-SHA256 with the row key over length-prefixed parts: a row's seal.
    pub fn row_mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.mac(&self.rows, parts)
    }

    fn mac(&self, key: &[u8; KEY_BYTES], parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).expect("any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_nonsense_is_refused() {
        let key = MasterKey::generate().unwrap();
        let text = key.to_file_text();
        assert!(text.starts_with("clinic2fa-key-v1 ") && text.len() == 17 + 64 + 1);
        let again = MasterKey::from_file_text(&text).unwrap();
        assert_eq!(again.0.as_ref(), key.0.as_ref());
        for bad in [
            "",
            "clinic2fa-key-v1",
            "clinic2fa-key-v1 abcd",
            "SQLite format 3",
            &text.replace('a', "g"),
        ] {
            assert!(MasterKey::from_file_text(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn sealed_secrets_open_only_with_the_same_key_and_context() {
        let keys = MasterKey::generate().unwrap().derive();
        let blob = keys.seal(b"twenty bytes secret!", b"account 1").unwrap();
        assert_eq!(blob.len(), 1 + 24 + 20 + 16);
        assert!(!blob.windows(20).any(|w| w == b"twenty bytes secret!"));
        assert_eq!(keys.open(&blob, b"account 1").unwrap().as_slice(), b"twenty bytes secret!");
        assert!(keys.open(&blob, b"account 2").is_err(), "bound to its row");
        let other = MasterKey::generate().unwrap().derive();
        assert!(other.open(&blob, b"account 1").is_err(), "bound to its key");
        let mut flipped = blob.clone();
        flipped[30] ^= 1;
        assert!(keys.open(&flipped, b"account 1").is_err(), "authenticated");
        assert_ne!(blob, keys.seal(b"twenty bytes secret!", b"account 1").unwrap(), "fresh nonce");
    }

    #[test]
    fn each_job_gets_its_own_key_and_the_check_recognises_the_key() {
        let keys = MasterKey::generate().unwrap().derive();
        assert_ne!(keys.seal.as_ref(), keys.audit.as_ref());
        assert_ne!(keys.audit.as_ref(), keys.check.as_ref());
        assert_ne!(keys.rows.as_ref(), keys.audit.as_ref());
        assert!(keys.matches_check(&keys.check_value()));
        assert!(!MasterKey::generate().unwrap().derive().matches_check(&keys.check_value()));
        assert_ne!(keys.audit_mac(&[b"ab", b"c"]), keys.audit_mac(&[b"a", b"bc"]));
    }
}
