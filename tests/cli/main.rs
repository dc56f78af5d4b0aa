//! Integration tests: each drives the real binary in its own temp dir, with the
//! environment cleared so nothing of the developer's machine leaks in.

mod harness;
mod pg;

mod accounts;
mod browser;
mod clinic;
mod completions;
mod devices;
mod login;
mod messages;
mod page;
mod pam;
mod passwd;
mod policy;
mod postgres;
mod provisioning;
mod qr;
mod recovery;
mod reliability;
mod scale;
mod security;
mod service;
mod signin;
mod socket;
mod ssh;
mod storage;
mod terminal;
mod totp;
mod trust;
mod upgrade;

/// Twice the dev-profile sections were lost when a dependency was added, and debug
/// argon2 is ~30x slower: the suite's hundreds of hashes would crawl (style.md).
#[test]
fn argon2_and_blake2_stay_optimised_in_test_builds() {
    let manifest = include_str!("../../Cargo.toml");
    for package in ["argon2", "blake2", "sha2", "hmac", "postgres-protocol"] {
        let section = format!("[profile.dev.package.{package}]\nopt-level = 3");
        assert!(manifest.contains(&section), "Cargo.toml lost `{section}`");
    }
}

/// The layers only point down (style: commands → domain and store; store → domain
/// types; ui shows domain types): a module that reaches up is refused here.
#[test]
fn the_layers_only_point_down() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let forbidden: [(&str, &[&str]); 4] = [
        ("domain", &["crate::store", "crate::commands", "crate::ui", "crate::cli"]),
        // The sign-in pipeline, one for every door: no terminal, no arguments.
        ("pipeline", &["crate::commands", "crate::ui", "crate::cli"]),
        ("store", &["crate::commands", "crate::ui", "crate::cli"]),
        ("ui", &["crate::store", "crate::commands", "crate::cli"]),
    ];
    let mut found = Vec::new();
    for (layer, uses) in forbidden {
        let mut dirs = vec![src.join(layer)];
        while let Some(dir) = dirs.pop() {
            let entries: Vec<_> = if dir.is_file() {
                vec![dir.clone()]
            } else {
                std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect()
            };
            for path in entries {
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if uses.iter().any(|u| line.contains(u)) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "a layer reaches up:\n{}", found.join("\n"));
}

/// Tests that hold only for a SQLite file, left out when the suite runs again against
/// PostgreSQL: each reads or damages the file itself, or its folder, as an insider or a
/// bad disk would. `postgres.rs` proves what each stands for on a server.
const SQLITE_ONLY: &[&str] = &[
    "storage::",
    "reliability::a_killed_import_leaves_all_rows_or_none",
    "reliability::a_read_only_database",
    "reliability::a_full_disk_during_a_write",
    "security::no_secret_or_recovery_code_is_in_the_database_files_in_clear",
    "security::the_key_file_is_created_private_beside_the_database",
    "security::files_readable_by_others_get_a_warning",
    "security::a_head_written_down_shows_a_rollback_and_a_fork",
    "security::a_schema_set_back_to_before_sealing",
    "provisioning::a_passwords_file_that_cannot_be_written",
    "completions::",
    // These need the server themselves, and run in the first pass.
    "postgres::",
    "the_layers_only_point_down",
    "argon2_and_blake2_stay_optimised",
];

/// The whole end-to-end suite once more, every clinic on the PostgreSQL test server:
/// this test binary run again with `CLINIC2FA_TEST_ENGINE=postgres`, less the tests
/// that are about a SQLite file. Without a server it says so, once, and passes.
#[test]
fn the_suite_passes_on_postgresql() {
    use std::io::Write as _;
    if harness::engine() == harness::Engine::Postgres {
        return; // this is that run
    }
    if pg::Server::from_env().is_none() {
        harness::skip(
            "the PostgreSQL tests were SKIPPED: no server given. Start one with `eval \"$(bash tests/postgres/start.sh)\"` (as root), then run the tests again.",
            "CI=true but CLINIC2FA_TEST_POSTGRES is not set: .ci/run must start the test server",
        );
        return;
    }
    let mut run = std::process::Command::new(std::env::current_exe().unwrap());
    run.env("CLINIC2FA_TEST_ENGINE", "postgres").arg("--quiet");
    for skipped in SQLITE_ONLY {
        run.args(["--skip", skipped]);
    }
    let out = run.output().expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().rev().find(|l| l.starts_with("test result")).unwrap_or("");
    let _ = writeln!(std::io::stderr(), "note: the suite on PostgreSQL: {summary}");
    assert!(
        out.status.success(),
        "the suite failed on PostgreSQL:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
