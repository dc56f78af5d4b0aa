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
    // Built as `generate_to` builds it, so the page on stdout is the folder's top one.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut out)?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&out)?;
        stdout.flush()?;
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        crate::error::Error::Usage(format!("cannot make the folder {}: {e}", dir.display()))
    })?;
    clap_mangen::generate_to(cmd, dir).map_err(|e| {
        crate::error::Error::Usage(format!(
            "cannot write the man pages into {}: {e}",
            dir.display()
        ))
    })?;
    let pages = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("clinic2fa"));
    crate::ui::output::note(&format!(
        "Wrote {} man pages into {}. man looks in PREFIX/share/man for each PREFIX/bin on PATH (~/.cargo/bin: ~/.cargo/share/man/man1); elsewhere, add the folder above man1 to MANPATH.",
        pages.count(),
        dir.display()
    ))?;
    Ok(())
}
