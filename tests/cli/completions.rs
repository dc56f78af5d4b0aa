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
fn the_committed_man_pages_are_fresh_one_for_every_command() {
    let clinic = Clinic::uninitialised();
    let generated = clinic.ok(&["man"], None).0.stdout;
    assert!(String::from_utf8_lossy(&generated).contains(".TH clinic2fa"));
    let fresh = clinic.dir().join("man1");
    clinic.ok(&["man", "--dir", fresh.to_str().unwrap()], None);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = |dir: &Path| -> std::collections::BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read(e.path()).unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for (name, bytes) in pages(&fresh) {
            std::fs::write(committed.join(name), bytes).unwrap();
        }
    }
    let (now, kept) = (pages(&fresh), pages(&committed));
    assert_eq!(now.get("clinic2fa.1"), Some(&generated), "`man` prints the folder's top page");
    // Every page a page names (`clinic2fa\-audit\-verify(1)`) is shipped.
    for (name, page) in &now {
        for line in String::from_utf8_lossy(page).lines().filter(|l| l.ends_with("(1)")) {
            let named = format!("{}.1", line.trim_end_matches("(1)").replace("\\-", "-"));
            assert!(now.contains_key(&named), "{name} names {line}, which is not shipped");
        }
    }
    assert!(now.len() > 40, "a page for every command: {:?}", now.keys());
    // No word split at a line's end: every page is set without hyphenation...
    for (name, page) in &now {
        let text = String::from_utf8_lossy(page);
        assert!(text.contains("\n.nh\n.ad l\n"), "{name} would be hyphenated");
    }
    // ...and, where man is installed, none comes out split at 80 columns.
    if let Ok(out) = std::process::Command::new("man")
        .env("MANWIDTH", "80")
        .arg("-l")
        .arg(fresh.join("clinic2fa-user-grant-bypass.1"))
        .output()
    {
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(!shown.lines().any(|l| l.ends_with('‐') || l.ends_with('-')), "{shown}");
    }
    assert!(
        now == kept,
        "stale man/ pages: run `UPDATE_COMPLETIONS=1 cargo test completions` and commit"
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    Clinic::new().run(&["completions", "tcsh"], None).code(2).error_line(&["possible values"]);
}
