//! Passwords: the contract's acceptance rules (here), and argon2id hashing to PHC
//! strings (`hashing`).
//!
//! Rules follow NIST SP 800-63B: a length floor, no composition rules, and a refusal of
//! passwords that are known to be common or that equal the username.

mod hashing;

pub use hashing::{
    LANES, MEMORY_KIB, PASSES, check_phc, hash, is_outdated, verify, verify_dummy, wiped_after,
};

use zeroize::Zeroizing;

use crate::domain::username::Username;
use crate::error::Error;

pub const MIN_CHARS: usize = 8;
pub const MAX_BYTES: usize = 1024;

/// A password held in memory that is wiped when dropped.
pub type Password = Zeroizing<String>;

/// Checks a new password against the contract's rules; the error says which one failed.
pub fn check_new(password: &str, username: &Username) -> Result<(), Error> {
    let refuse = |why: &str| Err(Error::Usage(format!("password refused: {why}")));
    if password.chars().count() < MIN_CHARS {
        return refuse(&format!("it must be at least {MIN_CHARS} characters long"));
    }
    if password.len() > MAX_BYTES {
        return refuse(&format!("it must be at most {MAX_BYTES} bytes long"));
    }
    if password.to_lowercase() == username.as_str() {
        return refuse("it must not be the username");
    }
    if is_common(password) {
        return refuse("it is on the list of commonly used passwords; choose a less guessable one");
    }
    Ok(())
}

/// ~100,000 commonly used passwords, one per line, in byte order (see data/README.md).
/// One string, not an array of strings, so starting the program costs nothing for it.
static COMMON: &str = include_str!("../../../data/common-passwords.txt");

/// Whether the password, or its lower-case form, is on the shipped list of commonly
/// used passwords.
fn is_common(password: &str) -> bool {
    is_listed(COMMON, password) || is_listed(COMMON, &password.to_lowercase())
}

/// Binary search over newline-separated, byte-ordered lines, without an index: each
/// probe widens to the line around the middle of the remaining range.
fn is_listed(list: &str, candidate: &str) -> bool {
    let bytes = list.as_bytes();
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid].iter().rposition(|&b| b == b'\n').map_or(lo, |p| lo + p + 1);
        let end = bytes[mid..hi].iter().position(|&b| b == b'\n').map_or(hi, |p| mid + p);
        match bytes[start..end].cmp(candidate.as_bytes()) {
            std::cmp::Ordering::Equal => return !candidate.is_empty(),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// A temporary password for an account made in bulk: 100 random bits as four groups
/// of five letters and digits, easy to read out and type once.
pub fn generate_temporary() -> anyhow::Result<Password> {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = zeroize::Zeroizing::new([0u8; 20]);
    getrandom::fill(bytes.as_mut())
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    let chars: Vec<char> =
        bytes.iter().map(|b| char::from(ALPHABET[usize::from(b & 31)])).collect();
    let groups: Vec<String> = chars.chunks(5).map(|c| c.iter().collect()).collect();
    Ok(Zeroizing::new(groups.join("-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Username {
        Username::parse("alice").unwrap()
    }

    #[test]
    fn accepts_a_long_uncommon_password() {
        assert!(check_new("correct horse battery", &alice()).is_ok());
        // 8 characters of multi-byte text count as 8, not as their bytes.
        assert!(check_new("ñandúñandú", &alice()).is_ok());
    }

    #[test]
    fn refuses_short_long_common_and_username() {
        let msg = |p: &str| check_new(p, &alice()).unwrap_err().to_string();
        assert!(msg("Xy7#q2").contains("at least 8 characters"));
        assert!(msg(&"x".repeat(1025)).contains("at most 1024 bytes"));
        assert!(msg("password1").contains("commonly used"));
        assert!(msg("Password1").contains("commonly used"));
        let long_name = Username::parse("alice.smith").unwrap();
        assert!(check_new("Alice.Smith", &long_name).unwrap_err().to_string().contains("username"));
    }

    #[test]
    fn the_shipped_list_is_in_byte_order_and_every_entry_is_found() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert!(lines.len() > 99_000);
        assert!(
            lines.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()),
            "sorted, no duplicates"
        );
        for word in lines.iter().step_by(97).chain([lines[0], lines[lines.len() - 1]].iter()) {
            assert!(is_listed(COMMON, word), "{word:?}");
        }
        for absent in ["", "zzzzzzzzzzzzzzzzzzzz~", "correct horse battery", "\u{0}"] {
            assert!(!is_listed(COMMON, absent), "{absent:?}");
        }
        assert!(is_listed("a\nb\nc\n", "c") && !is_listed("a\nb\nc\n", "bb"));
    }

    #[test]
    fn temporary_passwords_are_long_random_and_pass_the_rules() {
        let a = generate_temporary().unwrap();
        assert_eq!(a.len(), 23);
        assert_ne!(a, generate_temporary().unwrap());
        assert!(check_new(&a, &alice()).is_ok());
    }
}
