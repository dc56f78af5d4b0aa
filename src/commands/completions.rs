//! `completions SHELL` and `man`: generated from the clap types, so they never drift.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

pub fn print(shell: Shell) -> anyhow::Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "clinic2fa", &mut out);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

/// The man page, in roff, on stdout; with `dir`, every command's page written there
/// (`clinic2fa.1`, `clinic2fa-user.1`, `clinic2fa-user-add.1`, ...), the pages the top
/// one's SEE ALSO names.
pub fn man(dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    // Built as clap_mangen's generate_to builds it: the page on stdout is the folder's
    // top one.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = dir else {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&page(&cmd)?)?;
        stdout.flush()?;
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        crate::error::Error::Usage(format!("cannot make the folder {}: {e}", dir.display()))
    })?;
    let mut written = 0;
    write_pages(&cmd, dir, &mut written).map_err(|e| {
        crate::error::Error::Usage(format!(
            "cannot write the man pages into {}: {e}",
            dir.display()
        ))
    })?;
    crate::ui::output::note(&format!(
        "Wrote {written} man pages into {}. man looks in PREFIX/share/man for each PREFIX/bin on PATH (~/.cargo/bin: ~/.cargo/share/man/man1); elsewhere, add the folder above man1 to MANPATH.",
        dir.display()
    ))?;
    Ok(())
}

/// `cmd`'s page and each of its subcommands', into `dir`.
fn write_pages(
    cmd: &clap::Command,
    dir: &std::path::Path,
    written: &mut usize,
) -> anyhow::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    let name = clap_mangen::Man::new(cmd.clone()).get_filename();
    std::fs::write(dir.join(name), page(cmd)?)?;
    *written += 1;
    Ok(())
}

/// One command's page, set without hyphenation and ragged right: groff would split
/// words (`de‐` / `nied`) and stretch lines to fill them.
fn page(cmd: &clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    let text = String::from_utf8(out)?;
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(at) = lines.iter().position(|l| l.starts_with(".TH ")) {
        lines.insert(at + 1, ".nh");
        lines.insert(at + 2, ".ad l");
    }
    Ok((lines.join("\n") + "\n").into_bytes())
}
