//! argon2id: hashing new passwords to PHC strings and verifying against stored ones.

use std::cell::{Cell, RefCell};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

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
    compute(&argon2, password.as_bytes(), salt.as_ref(), out.as_mut()).map_err(|e| match e {
        Failure::OutOfMemory => out_of_memory(MEMORY_KIB),
        Failure::Argon2(other) => failed(&other),
    })?;
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
/// used, so hashes made with older parameters (or imported ones) still verify; the same
/// steps as argon2's own `verify_password`, in memory wiped after use ([`compute`]).
///
/// A malformed string matches nothing. Memory that cannot be had is an error, never a
/// wrong password: it must not count toward anyone's lockout.
pub fn verify(password: &str, phc: &str) -> anyhow::Result<bool> {
    let Ok(stored) = PasswordHash::new(phc) else { return Ok(false) };
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else { return Ok(false) };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(stored.algorithm.as_str()), Params::try_from(&stored))
    else {
        return Ok(false);
    };
    let Ok(version) = stored.version.map(Version::try_from).transpose() else { return Ok(false) };
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut computed = Zeroizing::new(vec![0u8; expected.len()]);
    match compute(&argon2, password.as_bytes(), salt, &mut computed) {
        Ok(()) => Ok(bool::from(computed.ct_eq(expected.as_bytes()))),
        Err(Failure::OutOfMemory) => Err(out_of_memory(argon2.params().m_cost())),
        Err(Failure::Argon2(_)) => Ok(false),
    }
}

/// Why [`compute`] failed.
#[derive(Debug)]
enum Failure {
    OutOfMemory,
    Argon2(argon2::Error),
}

/// Runs argon2 in working memory of our own, wiped as soon as the hash is done.
///
/// argon2 would free its own memory unwiped, and the allocator keeps freed pages in
/// the process for the next allocation; the first blocks are one fast hash away from
/// the password, a guessing aid for whoever reads the process's memory later. Each
/// thread keeps its (wiped) memory for its next hash, so an import's workers do not
/// fault in and give back 19 MiB per account. Memory that cannot be had is
/// [`Failure::OutOfMemory`], never an abort.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), Failure> {
    let count = argon2.params().block_count();
    let ours = usize::try_from(MEMORY_KIB).unwrap_or(usize::MAX);
    if count > ours {
        // A bigger hash (imported): memory for this one alone, not kept.
        return run_in(&mut Vec::new(), count, argon2, password, salt, out);
    }
    MEMORY.with_borrow_mut(|blocks| run_in(blocks, count, argon2, password, salt, out))
}

thread_local! {
    /// This thread's argon2 memory: always wiped between hashes.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    /// Inside [`wiped_after`]: the wipe waits for the end of its work.
    static DEFERRED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work`, wiping this thread's argon2 memory at its end instead of straight
/// after each hash. The service answers the caller inside `work` and wipes after:
/// the wipe is ~0.7 ms of writing 19 MiB, housekeeping nobody should wait for. The
/// wipe still comes before this thread does anything else, even if `work` panics.
pub fn wiped_after<T>(work: impl FnOnce() -> T) -> T {
    struct WipeOnDrop;
    impl Drop for WipeOnDrop {
        fn drop(&mut self) {
            DEFERRED.set(false);
            MEMORY.with_borrow_mut(|blocks| wipe(blocks));
        }
    }
    DEFERRED.set(true);
    let _wipe = WipeOnDrop;
    work()
}

/// Zeroes argon2 memory; `fill` (a memset) rather than `Zeroize`'s word-by-word
/// volatile writes, which take a fifth longer. The memory is kept (a thread-local, or
/// read by the caller's assertion), so the writes cannot be optimised away; the
/// `black_box` says so to the compiler in as many words.
fn wipe(blocks: &mut [Block]) {
    blocks.iter_mut().for_each(|b| b.as_mut().fill(0));
    std::hint::black_box(blocks);
}

fn run_in(
    blocks: &mut Vec<Block>,
    count: usize,
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), Failure> {
    if blocks.len() < count {
        blocks.try_reserve_exact(count - blocks.len()).map_err(|_| Failure::OutOfMemory)?;
        blocks.resize(count, Block::default());
    }
    let result = argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..]);
    if !DEFERRED.get() {
        wipe(blocks);
    }
    result.map_err(Failure::Argon2)
}

fn out_of_memory(kib: u32) -> anyhow::Error {
    anyhow::anyhow!(
        "could not check the password: the system refused the {} MiB it needs; free some memory (or raise this process's memory limit) and try again",
        kib.div_ceil(1024)
    )
}

/// Whether a stored hash was made with other parameters than today's (an older default,
/// an imported hash): it is then made again at the next successful sign-in, so that the
/// cost of checking a password is the same for every account.
pub fn is_outdated(phc: &str) -> bool {
    let Ok(stored) = PasswordHash::new(phc) else { return true };
    let current = Params::try_from(&stored)
        .is_ok_and(|p| p.m_cost() == MEMORY_KIB && p.t_cost() == PASSES && p.p_cost() == LANES);
    let output_len = stored.hash.as_ref().map(|h| h.len());
    !(current
        && stored.algorithm == ARGON2ID_IDENT
        && stored.version == Some(Version::V0x13.into())
        && output_len == Some(Params::DEFAULT_OUTPUT_LEN))
}

/// A hash of a random password nobody knows, with the current parameters. Verifying
/// against it when a username does not exist makes "no such user" take as long as
/// "wrong password", so timing does not reveal which accounts exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$6bW7o1k0r1b5n0f2ZJx3yA$Yl0m7c1rGeYB0JmK0g3a1n7GZk3y1G3lq7m2mJ8mX1E";

/// Spends the same work as [`verify`] and always fails (or fails to get memory).
pub fn verify_dummy(password: &str) -> anyhow::Result<bool> {
    verify(password, DUMMY_HASH).map(|_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_with_the_floor_parameters_and_verify() {
        use argon2::password_hash::PasswordVerifier;
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc).unwrap());
        assert!(!verify("correct horse batterY", &phc).unwrap());
        assert_ne!(phc, hash("correct horse battery").unwrap(), "salts must differ");
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
            // More memory than ours.
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
            assert!(verify("correct horse battery", phc).unwrap(), "{phc}");
            assert!(!verify("correct horse batter", phc).unwrap(), "{phc}");
        }
        let theirs = |password: &str, phc: &str| {
            PasswordHash::new(phc)
                .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        };
        for phc in reference.iter().chain(&malformed).chain([&DUMMY_HASH]) {
            for password in ["correct horse battery", "correct horse batter", ""] {
                assert_eq!(
                    verify(password, phc).unwrap(),
                    theirs(password, phc),
                    "{password:?} {phc}"
                );
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
        assert!(!verify_dummy("anything at all").unwrap());
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    #[test]
    fn the_memory_a_thread_keeps_is_wiped_after_every_hash() {
        hash("correct horse battery").unwrap();
        assert!(verify("correct horse battery", DUMMY_HASH).is_ok());
        MEMORY.with_borrow(|blocks| {
            assert_eq!(blocks.len(), MEMORY_KIB as usize, "kept for the next hash");
            assert!(blocks.iter().all(|b| b.as_ref().iter().all(|w| *w == 0)), "not wiped");
        });
    }

    fn wiped() -> bool {
        MEMORY.with_borrow(|blocks| blocks.iter().all(|b| b.as_ref().iter().all(|w| *w == 0)))
    }

    #[test]
    fn a_deferred_wipe_comes_at_the_end_of_the_work_even_a_panicking_one() {
        let during = wiped_after(|| {
            assert!(verify("correct horse battery", DUMMY_HASH).is_ok());
            wiped()
        });
        assert!(!during, "the wipe waited");
        assert!(wiped(), "and came at the end");
        let panicked = std::panic::catch_unwind(|| {
            wiped_after(|| {
                let _ = verify("correct horse battery", DUMMY_HASH);
                panic!("a sign-in that went wrong");
            })
        });
        assert!(panicked.is_err());
        assert!(wiped(), "wiped on the way out of a panic");
        let _ = verify("correct horse battery", DUMMY_HASH);
        assert!(wiped(), "and hashes after it are wiped at once again");
    }
}

#[cfg(test)]
mod upgrade_tests {
    use super::*;

    #[test]
    fn only_hashes_with_todays_parameters_are_current() {
        assert!(!is_outdated(&hash("correct horse battery").unwrap()));
        for old in [
            "$argon2id$v=19$m=32768,t=1,p=1$YmlnZ2Vyc2FsdGJpZ2dlcg$3NoXM8mOkv7yTUgAQgAZ0tqqVmJugub5i3Xuds/EI7Y",
            "$argon2i$v=19$m=4096,t=3,p=2$c2FsdHNhbHRzYWx0$m3GD89Iy/mrwslL5pEEq/Ady+iupNaY1",
            "$argon2id$v=19$m=19456,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$/HetJC6LZ4lnwgLB+wJSS2a9bFu2Kq4HxwNWzoJq2qU",
            "not a hash",
        ] {
            assert!(is_outdated(old), "{old}");
        }
    }
}
