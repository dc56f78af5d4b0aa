//! The committed completion scripts must match what the binary generates.
//! Refresh them with: `UPDATE_COMPLETIONS=1 cargo test completions`.

use std::path::Path;

use crate::harness::Clinic;

const FILES: [(&str, &str); 5] = [
    ("bash", "clinic2fa.bash"),
    ("zsh", "_clinic2fa"),
    ("fish", "clinic2fa.fish"),
    ("elvish", "clinic2fa.elv"),
    ("powershell", "_clinic2fa.ps1"),
];

#[test]
fn committed_completions_are_fresh() {
    let clinic = Clinic::uninitialised();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in FILES {
        let generated = clinic.ok(&["completions", shell], None).0.stdout;
        assert!(!generated.is_empty(), "{shell}");
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &generated).unwrap();
        } else if std::fs::read(&path).ok().as_ref() != Some(&generated) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions {stale:?}: run `UPDATE_COMPLETIONS=1 cargo test completions` and commit"
    );
}

#[test]
fn the_committed_man_page_is_fresh() {
    let clinic = Clinic::uninitialised();
    let generated = clinic.ok(&["man"], None).0.stdout;
    assert!(String::from_utf8_lossy(&generated).contains(".TH clinic2fa"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join("clinic2fa.1");
    if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    assert!(
        std::fs::read(&path).ok().as_ref() == Some(&generated),
        "stale man/clinic2fa.1: run `UPDATE_COMPLETIONS=1 cargo test completions` and commit"
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    Clinic::new().run(&["completions", "tcsh"], None).code(2).error_line(&["possible values"]);
}
