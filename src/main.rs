//! The binary: parse, run, print an error once on one line, exit with its code.

use std::process::ExitCode;

use clap::Parser;
use clinic2fa::cli::Cli;
use clinic2fa::error::{exit, exit_code_of, is_broken_pipe};
use clinic2fa::ui::output::{document, note};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let json = cli.global.json;
    match clinic2fa::commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let code = exit_code_of(&err);
            // `{:#}` joins the context chain on one line; never a backtrace.
            report(&format!("{err:#}"), code, json);
            ExitCode::from(code)
        }
    }
}

/// Help and version go to stdout as clap prints them; real usage errors become the
/// same one-line `clinic2fa:` message as every other error.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = err.print();
        return ExitCode::SUCCESS;
    }
    // clap spreads one error over several lines (the problem, possible values, a tip);
    // keep those, drop the usage synopsis and the pointer to --help, join on one line.
    let rendered = err.render().to_string();
    let message = rendered
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join(" ");
    let json = std::env::args().any(|a| a == "--json");
    let hint = nested_hint(err).unwrap_or_else(|| format!("see `{} --help`", command_path()));
    report(&format!("{message} ({hint})"), exit::USAGE, json);
    ExitCode::from(exit::USAGE)
}

/// The command the error is about (`clinic2fa user grant-bypass`), found by walking the
/// arguments down the command tree: its own `--help` says what it takes.
fn command_path() -> String {
    use clap::CommandFactory;
    let mut command = clinic2fa::cli::Cli::command();
    let mut path = vec!["clinic2fa".to_owned()];
    for arg in std::env::args().skip(1).filter(|a| !a.starts_with('-')) {
        let Some(sub) = command.find_subcommand(&arg).cloned() else { continue };
        path.push(sub.get_name().to_owned());
        command = sub;
    }
    path.join(" ")
}

/// A command typed at the top level that lives one level down (`clinic2fa grant-bypass`
/// is `clinic2fa user grant-bypass`): says where it is.
fn nested_hint(err: &clap::Error) -> Option<String> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue};
    let Some(ContextValue::String(typed)) = err.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let cli = clinic2fa::cli::Cli::command();
    cli.get_subcommands().find_map(|group| {
        group
            .get_subcommands()
            .any(|sub| sub.get_name() == typed)
            .then(|| format!("did you mean `clinic2fa {} {typed}`?", group.get_name()))
    })
}

fn report(message: &str, code: u8, json: bool) {
    if json {
        // Scripts asked for one JSON document on stdout; failures too.
        let _ = document(&serde_json::json!({"error": message, "exit_code": code}));
    }
    let _ = note(&format!("clinic2fa: {message}"));
}
