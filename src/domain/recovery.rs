//! Recovery codes: ten single-use look-up secrets (NIST SP 800-63B §5.1.2) issued when
//! an authenticator is confirmed, for the day the phone is lost.
//!
//! Each holds 80 random bits, shown once as `abcd-efgh-ijkl-mnop` and stored only as
//! a keyed look-up value: HMAC-SHA256 under a random key the database keeps sealed
//! with the key file, over the account and the code. Without the key file nothing can
//! be tried offline against a stolen database (80 bits need no slow hash behind a
//! key), and checking a code costs one HMAC, whatever the password or the account's
//! state: no timing tells a right password from a wrong one. Codes issued before
//! (argon2id hashes) still work, checked as before.

use std::fmt;

use zeroize::Zeroizing;

use crate::domain::password;
use crate::error::Error;

pub const COUNT: usize = 10;
const BYTES: usize = 10; // 80 bits
const CHARS: usize = 16; // base32 of 80 bits
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(Zeroizing<String>);

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

impl RecoveryCode {
    fn generate() -> anyhow::Result<Self> {
        let mut bytes = Zeroizing::new([0u8; BYTES]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
        // 80 bits = 16 groups of 5 bits, most significant first.
        let value = bytes.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        let text = (0..CHARS)
            .rev()
            .map(|i| char::from(ALPHABET[((value >> (5 * i)) & 31) as usize]))
            .collect();
        Ok(RecoveryCode(Zeroizing::new(text)))
    }

    /// A fresh set of [`COUNT`] codes.
    pub fn generate_set() -> anyhow::Result<Vec<RecoveryCode>> {
        (0..COUNT).map(|_| Self::generate()).collect()
    }

    /// Each code's argon2 hash (the way codes were stored before look-up values), in
    /// order, one worker per core (this thread being one):
    /// ten hashes one after another are a noticeable wait, and ten at once would hold
    /// ten times argon2's 19 MiB.
    pub fn hash_all(codes: &[RecoveryCode]) -> anyhow::Result<Vec<String>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut chunks = codes.chunks(codes.len().div_ceil(cores).max(1));
        let own = chunks.next_back().unwrap_or_default();
        let hash =
            |chunk: &[RecoveryCode]| chunk.iter().map(RecoveryCode::hash).collect::<Vec<_>>();
        std::thread::scope(|scope| {
            let workers: Vec<_> = chunks.map(|chunk| scope.spawn(move || hash(chunk))).collect();
            let last = hash(own);
            let mut hashes = Vec::with_capacity(codes.len());
            for worker in workers {
                let done = worker.join().map_err(|_| anyhow::anyhow!("a hashing thread failed"))?;
                hashes.extend(done);
            }
            hashes.extend(last);
            hashes.into_iter().collect()
        })
    }

    /// A code as typed: case, spaces and dashes do not matter.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let text: Zeroizing<String> = Zeroizing::new(
            input.chars().filter(|c| *c != ' ' && *c != '-').flat_map(char::to_lowercase).collect(),
        );
        if text.len() != CHARS || !text.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(Error::Usage(
                "a recovery code is 16 letters and digits, like abcd-efgh-ijkl-mnop".into(),
            ));
        }
        Ok(RecoveryCode(text))
    }

    /// Grouped for reading and writing down: `abcd-efgh-ijkl-mnop`.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c))
            .collect::<Vec<_>>()
            .join("-")
    }

    /// The code's look-up value for account `account_id` under the clinic's look-up key.
    pub fn lookup(&self, key: &[u8], account_id: i64) -> [u8; 32] {
        use hmac::{KeyInit as _, Mac as _};
        let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(key).expect("any key length");
        mac.update(b"clinic2fa recovery code v1");
        mac.update(&account_id.to_be_bytes());
        mac.update(self.0.as_bytes());
        mac.finalize().into_bytes().into()
    }

    pub fn hash(&self) -> anyhow::Result<String> {
        password::hash(&self.0)
    }

    /// Whether this is the code behind `phc`; an error only when argon2 gets no memory.
    pub fn matches(&self, phc: &str) -> anyhow::Result<bool> {
        password::verify(&self.0, phc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_distinct_80_bit_codes() {
        let set = RecoveryCode::generate_set().unwrap();
        assert_eq!(set.len(), 10);
        let mut shown: Vec<String> = set.iter().map(RecoveryCode::grouped).collect();
        assert!(shown.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3), "{shown:?}");
        shown.sort();
        shown.dedup();
        assert_eq!(shown.len(), 10);
    }

    #[test]
    fn typing_is_forgiving_about_case_spaces_and_dashes() {
        let code = RecoveryCode::generate().unwrap();
        let shouted = code.grouped().to_uppercase().replace('-', " ");
        assert_eq!(RecoveryCode::parse(&shouted).unwrap(), code);
        assert!(RecoveryCode::parse("abcd-efgh-ijkl").is_err());
        assert!(RecoveryCode::parse("abcd-efgh-ijkl-mno1").is_err());
    }

    #[test]
    fn a_set_is_hashed_in_order() {
        let set = RecoveryCode::generate_set().unwrap();
        let hashes = RecoveryCode::hash_all(&set).unwrap();
        assert_eq!(hashes.len(), set.len());
        for (code, hash) in set.iter().zip(&hashes) {
            assert!(code.matches(hash).unwrap());
        }
    }

    #[test]
    fn look_ups_are_bound_to_the_key_the_account_and_the_code() {
        let [a, b] = [RecoveryCode::generate().unwrap(), RecoveryCode::generate().unwrap()];
        let typed = RecoveryCode::parse(&a.grouped().to_uppercase()).unwrap();
        assert_eq!(a.lookup(b"k", 1), typed.lookup(b"k", 1));
        assert_ne!(a.lookup(b"k", 1), a.lookup(b"k", 2), "bound to the account");
        assert_ne!(a.lookup(b"k", 1), a.lookup(b"j", 1), "bound to the key");
        assert_ne!(a.lookup(b"k", 1), b.lookup(b"k", 1));
    }

    #[test]
    fn hashes_verify_only_their_own_code() {
        let [a, b] = [RecoveryCode::generate().unwrap(), RecoveryCode::generate().unwrap()];
        let phc = a.hash().unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(a.matches(&phc).unwrap());
        assert!(!b.matches(&phc).unwrap());
    }
}
