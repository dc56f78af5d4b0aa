//! Passwords: the contract's acceptance rules, and argon2id hashing to PHC strings.
//!
//! Rules follow NIST SP 800-63B: a length floor, no composition rules, and a refusal of
//! passwords that are known to be common or that equal the username.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::domain::username::Username;
use crate::error::Error;

pub const MIN_CHARS: usize = 8;
pub const MAX_BYTES: usize = 1024;

/// argon2id with OWASP's recommended floor: 19 MiB, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

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
static COMMON: &str = include_str!("../../data/common-passwords.txt");

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

/// Checks a hash given in an import: an argon2id PHC string at least as strong as
/// ours, so accounts moved in are not weaker than accounts made here.
pub fn check_phc(phc: &str) -> Result<(), Error> {
    let refuse = |why: &str| Err(Error::Usage(format!("password_hash refused: {why}")));
    let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(phc) else {
        return refuse("not a PHC string like $argon2id$v=19$m=19456,t=2,p=1$...");
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return refuse("only argon2id hashes are accepted");
    }
    match Params::try_from(&parsed) {
        Ok(p) if p.m_cost() >= MEMORY_KIB && p.t_cost() >= PASSES => Ok(()),
        Ok(_) => refuse(&format!("parameters weaker than m={MEMORY_KIB},t={PASSES}")),
        Err(_) => refuse("unreadable argon2 parameters"),
    }
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

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes with a fresh random salt, returning a PHC string (`$argon2id$v=19$m=...`).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let phc = hasher()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))?;
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string. The string's own parameters are
/// used, so hashes made with older parameters still verify.
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// A hash of a random password nobody knows, with the current parameters. Verifying
/// against it when a username does not exist makes "no such user" take as long as
/// "wrong password", so timing does not reveal which accounts exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$6bW7o1k0r1b5n0f2ZJx3yA$Yl0m7c1rGeYB0JmK0g3a1n7GZk3y1G3lq7m2mJ8mX1E";

/// Spends the same work as [`verify`] and always fails.
pub fn verify_dummy(password: &str) -> bool {
    let _ = verify(password, DUMMY_HASH);
    false
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
    fn hashes_are_argon2id_phc_with_the_floor_parameters_and_verify() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert_ne!(phc, hash("correct horse battery").unwrap(), "salts must differ");
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

    #[test]
    fn imported_hashes_must_be_argon2id_at_our_strength() {
        assert!(check_phc(&hash("correct horse battery").unwrap()).is_ok());
        assert!(check_phc("$argon2i$v=19$m=19456,t=2,p=1$6bW7o1k0r1b5n0f2ZJx3yA$Yl0m7c1rGeYB0JmK0g3a1n7GZk3y1G3lq7m2mJ8mX1E").is_err());
        assert!(check_phc("$argon2id$v=19$m=4096,t=2,p=1$6bW7o1k0r1b5n0f2ZJx3yA$Yl0m7c1rGeYB0JmK0g3a1n7GZk3y1G3lq7m2mJ8mX1E").is_err());
        assert!(check_phc("plaintext").is_err());
    }

    #[test]
    fn dummy_hash_costs_what_a_real_one_does() {
        // Same parameters as live hashes, or the timing equaliser is a lie.
        let live = hash("anything at all").unwrap();
        let params = |s: &str| s.split('$').nth(3).map(str::to_owned);
        assert_eq!(params(DUMMY_HASH), params(&live));
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_dummy("anything at all"));
    }
}
