//! argon2id: hashing new passwords to PHC strings and verifying against stored ones,
//! in memory that each thread keeps (see `memory`).

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Params, Version};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::memory::HashMemory;
use crate::error::Error;

/// argon2id with OWASP's recommended floor: 19 MiB, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

/// Checks a hash given in an import: an argon2id PHC string at least as strong as
/// ours, so accounts moved in are not weaker than accounts made here.
pub fn check_phc(phc: &str) -> Result<(), Error> {
    let refuse = |why: &str| Err(Error::Usage(format!("password_hash refused: {why}")));
    let Ok(parsed) = PasswordHash::new(phc) else {
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

/// Hashes with a fresh random salt, returning a PHC string (`$argon2id$v=19$m=...`).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let failed = |e: &dyn std::fmt::Display| anyhow::anyhow!("could not hash the password: {e}");
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).map_err(|e| failed(&e))?;
    let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
    getrandom::fill(&mut salt).map_err(|e| failed(&e))?;
    let salt = Salt::new(&salt).map_err(|e| failed(&e))?;
    let mut out = Zeroizing::new([0u8; Params::DEFAULT_OUTPUT_LEN]);
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    compute(&argon2, password.as_bytes(), &salt, out.as_mut()).map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(salt),
        hash: Some(Output::new(out.as_ref()).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string. The string's own parameters are
/// used, so hashes made with older parameters (or imported ones) still verify. The
/// same steps as argon2's own `verify_password`, in [`compute`]'s memory.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(stored) = PasswordHash::new(phc) else { return false };
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else { return false };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(stored.algorithm.as_str()), Params::try_from(&stored))
    else {
        return false;
    };
    let Ok(version) = stored.version.map(Version::try_from).transpose() else { return false };
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut computed = Zeroizing::new(vec![0u8; expected.len()]);
    compute(&argon2, password.as_bytes(), salt, &mut computed).is_ok()
        && bool::from(computed.ct_eq(expected.as_bytes()))
}

thread_local! {
    /// The memory argon2 works in, kept by each thread from one hash to the next: an
    /// import's workers hash thousands of passwords, and pages already faulted in
    /// spare the kernel zeroing 19 MiB each time. argon2 writes every block in its
    /// first pass before it reads it, so what an earlier hash left there never counts.
    /// (What it holds is derived from a password the way a stored hash is, and tells
    /// no more than the stored hash does.)
    static MEMORY: RefCell<Option<HashMemory>> = const { RefCell::new(None) };
}

/// Runs `argon2` into `out`, in this thread's [`HashMemory`]. A hash that needs more
/// than ours (an imported one with a larger `m`) gets memory of its own, not kept.
/// Where no memory can be mapped, argon2 allocates its own as usual.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    let needed = argon2.params().block_count();
    let ours = usize::try_from(MEMORY_KIB).unwrap_or(usize::MAX);
    if needed > ours {
        return fill(HashMemory::new(needed).as_mut(), argon2, password, salt, out);
    }
    MEMORY.with_borrow_mut(|kept| {
        if kept.is_none() {
            *kept = HashMemory::new(ours);
        }
        fill(kept.as_mut(), argon2, password, salt, out)
    })
}

fn fill(
    memory: Option<&mut HashMemory>,
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    match memory {
        Some(memory) => {
            memory.run(|blocks| argon2.hash_password_into_with_memory(password, salt, out, blocks))
        }
        None => argon2.hash_password_into(password, salt, out),
    }
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

    #[test]
    fn hashes_are_argon2id_phc_with_the_floor_parameters_and_verify() {
        use argon2::password_hash::PasswordVerifier;
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert_ne!(phc, hash("correct horse battery").unwrap(), "salts must differ");
        // Made in this thread's kept memory, read by argon2 in its own.
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse battery", &parsed).is_ok());
        assert_eq!(parsed.salt.unwrap().len(), 16);
    }

    /// Hashes made by the reference implementation (Debian's `argon2` command), with
    /// other algorithms, versions, lanes and lengths: `verify` must give the same answer
    /// as argon2's own `verify_password`, for the right password and a wrong one.
    #[test]
    fn verify_agrees_with_the_reference_and_with_argon2s_own_verifier() {
        use argon2::password_hash::PasswordVerifier;
        let reference = [
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$/HetJC6LZ4lnwgLB+wJSS2a9bFu2Kq4HxwNWzoJq2qU",
            "$argon2i$v=19$m=4096,t=3,p=2$c2FsdHNhbHRzYWx0$m3GD89Iy/mrwslL5pEEq/Ady+iupNaY1",
            "$argon2d$v=16$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$YHRsQX0VbDmBRuK0zX/Djw",
            // More memory than ours: mapped for this hash alone.
            "$argon2id$v=19$m=32768,t=1,p=1$YmlnZ2Vyc2FsdGJpZ2dlcg$3NoXM8mOkv7yTUgAQgAZ0tqqVmJugub5i3Xuds/EI7Y",
        ];
        let malformed = [
            "",
            "plaintext",
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA",
            "$argon2id$v=42$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$/HetJC6LZ4lnwgLB+wJSS2a9bFu2Kq4HxwNWzoJq2qU",
            "$scrypt$ln=16,r=8,p=1$c29tZXNhbHRzb21lc2FsdA$/HetJC6LZ4lnwgLB+wJSS2a9bFu2Kq4HxwNWzoJq2qU",
        ];
        for phc in reference {
            assert!(verify("correct horse battery", phc), "{phc}");
            assert!(!verify("correct horse batter", phc), "{phc}");
        }
        let theirs = |password: &str, phc: &str| {
            PasswordHash::new(phc)
                .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        };
        for phc in reference.iter().chain(&malformed).chain([&DUMMY_HASH]) {
            for password in ["correct horse battery", "correct horse batter", ""] {
                assert_eq!(verify(password, phc), theirs(password, phc), "{password:?} {phc}");
            }
        }
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
