//! The floor for a login: argon2id verification with clinic2fa's parameters. Used by
//! bench/run.sh.
//!
//! - `argon2_floor [N]`: N verifications in one process (warm memory after the first);
//!   prints their median and minimum in milliseconds.
//! - `argon2_floor hash`: prints a PHC string for the benchmark password.
//! - `argon2_floor verify-once PHC`: one verification in a fresh process, the floor
//!   for a whole-process login (timed from outside).

use std::io::Write;
use std::time::Instant;

use clinic2fa::domain::password;

const PASSWORD: &str = "correct horse battery";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let line = match args.first().map(String::as_str) {
        Some("hash") => password::hash(PASSWORD).expect("hash"),
        Some("verify-once") => {
            assert!(password::verify(PASSWORD, args.get(1).expect("a PHC string")));
            return;
        }
        runs => {
            let runs: usize = runs.and_then(|n| n.parse().ok()).unwrap_or(40);
            let phc = password::hash(PASSWORD).expect("hash");
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    assert!(password::verify(PASSWORD, &phc));
                    start.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            times.sort_by(f64::total_cmp);
            format!("median_ms={:.3} min_ms={:.3} runs={runs}", times[runs / 2], times[0])
        }
    };
    writeln!(std::io::stdout().lock(), "{line}").expect("stdout");
}
