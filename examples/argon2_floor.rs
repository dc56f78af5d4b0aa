//! The floor for a login: one argon2id verification with clinic2fa's parameters, done
//! by argon2's own `verify_password`, not by clinic2fa's code. Used by bench/login.py
//! and bench/run.sh.
//!
//! - `argon2_floor hash`: prints a PHC string for the benchmark password.
//! - `argon2_floor verify-once PHC`: one verification in a fresh process, timed from
//!   outside as a whole process, like a login.
//! - `argon2_floor [N]`: N verifications in one process, for context; prints their
//!   median and minimum in milliseconds.
//! - `argon2_floor ours N`: the same with clinic2fa's own `verify` (its argon2 memory
//!   kept and wiped between checks), to tell the hash from the rest of a sign-in.

use std::io::Write;
use std::time::Instant;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use clinic2fa::domain::password::{LANES, MEMORY_KIB, PASSES};

const PASSWORD: &[u8] = b"correct horse battery";

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn verify(phc: &PasswordHash) -> bool {
    argon2().verify_password(PASSWORD, phc).is_ok()
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
        Some("ours") => {
            let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(40);
            let phc = argon2().hash_password(PASSWORD).expect("hash").to_string();
            let password = std::str::from_utf8(PASSWORD).expect("ASCII");
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    assert!(clinic2fa::domain::password::verify(password, &phc).expect("memory"));
                    start.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            times.sort_by(f64::total_cmp);
            format!("median_ms={:.3} min_ms={:.3} runs={runs}", times[runs / 2], times[0])
        }
        runs => {
            let runs: usize = runs.and_then(|n| n.parse().ok()).unwrap_or(40);
            let phc = argon2().hash_password(PASSWORD).expect("hash");
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    assert!(verify(&phc));
                    start.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            times.sort_by(f64::total_cmp);
            format!("median_ms={:.3} min_ms={:.3} runs={runs}", times[runs / 2], times[0])
        }
    };
    writeln!(std::io::stdout().lock(), "{line}").expect("stdout");
}
