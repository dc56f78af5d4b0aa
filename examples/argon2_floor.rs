//! The floor for a login: one argon2id verification with clinic2fa's parameters, done
//! by argon2's own `verify_password` (its own allocation), not by clinic2fa's code.
//! Used by bench/run.sh and bench/login.py.
//!
//! - `argon2_floor [N]`: one verification to warm the memory, then N timed ones in the
//!   same process; prints their median and minimum, and each time, in milliseconds.
//!   Then (`ours=`) N timings of clinic2fa's own `password::verify` (huge pages that
//!   the thread keeps; the first call faults them in). The faster of the two is the
//!   floor: a login minus it is what is not hashing.
//! - `argon2_floor hash`: prints a PHC string for the benchmark password.
//! - `argon2_floor verify-once PHC`: one verification in a fresh process (its 19 MiB
//!   still untouched), timed from outside.

use std::io::Write;
use std::time::Instant;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use clinic2fa::domain::password::{self, LANES, MEMORY_KIB, PASSES};

const PASSWORD: &[u8] = b"correct horse battery";

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn verify(phc: &PasswordHash) -> bool {
    argon2().verify_password(PASSWORD, phc).is_ok()
}

/// Milliseconds each of `runs` calls of `f` took.
fn time_each(runs: usize, f: impl Fn()) -> Vec<f64> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let line = match args.first().map(String::as_str) {
        Some("hash") => argon2().hash_password(PASSWORD).expect("hash").to_string(),
        Some("verify-once") => {
            let phc = PasswordHash::new(args.get(1).expect("a PHC string")).expect("PHC");
            assert!(verify(&phc));
            return;
        }
        runs => {
            let runs: usize = runs.and_then(|n| n.parse().ok()).unwrap_or(40);
            let phc = argon2().hash_password(PASSWORD).expect("hash");
            let phc_string = phc.to_string();
            let ours = || assert!(password::verify("correct horse battery", &phc_string));
            assert!(verify(&phc)); // warms the allocator's 19 MiB
            let times = time_each(runs, || assert!(verify(&phc)));
            ours(); // warms ours
            let ours = time_each(runs, ours);
            let mut sorted = times.clone();
            sorted.sort_by(f64::total_cmp);
            let list =
                |v: &[f64]| v.iter().map(|t| format!("{t:.3}")).collect::<Vec<_>>().join(",");
            format!(
                "median_ms={:.3} min_ms={:.3} runs={runs} each={} ours={}",
                sorted[runs / 2],
                sorted[0],
                list(&times),
                list(&ours)
            )
        }
    };
    writeln!(std::io::stdout().lock(), "{line}").expect("stdout");
}
