//! Integration tests: each drives the real binary in its own temp dir, with the
//! environment cleared so nothing of the developer's machine leaks in.

mod harness;

mod accounts;
mod clinic;
mod completions;
mod login;
mod messages;
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

/// The layers only point down (style: commands → domain and store; store → domain
/// types; ui shows domain types): a module that reaches up is refused here.
#[test]
fn the_layers_only_point_down() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let forbidden: [(&str, &[&str]); 3] = [
        ("domain", &["crate::store", "crate::commands", "crate::ui", "crate::cli"]),
        ("store", &["crate::commands", "crate::ui", "crate::cli"]),
        ("ui", &["crate::store", "crate::commands", "crate::cli"]),
    ];
    let mut found = Vec::new();
    for (layer, uses) in forbidden {
        let mut dirs = vec![src.join(layer)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
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
