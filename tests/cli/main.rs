//! Integration tests: each drives the real binary in its own temp dir, with the
//! environment cleared so nothing of the developer's machine leaks in.

mod harness;

mod accounts;
mod clinic;
mod completions;
mod login;
mod passwd;
mod policy;
mod provisioning;
mod qr;
mod recovery;
mod reliability;
mod security;
mod signin;
mod storage;
mod terminal;
mod totp;

/// Twice the dev-profile sections were lost when a dependency was added, and debug
/// argon2 is ~30x slower: the suite's hundreds of hashes would crawl (style.md).
#[test]
fn argon2_and_blake2_stay_optimised_in_test_builds() {
    let manifest = include_str!("../../Cargo.toml");
    for package in ["argon2", "blake2"] {
        let section = format!("[profile.dev.package.{package}]\nopt-level = 3");
        assert!(manifest.contains(&section), "Cargo.toml lost `{section}`");
    }
}
