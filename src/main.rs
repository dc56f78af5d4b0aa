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
    report(&format!("{message} (see `clinic2fa --help`)"), exit::USAGE, json);
    ExitCode::from(exit::USAGE)
}

fn report(message: &str, code: u8, json: bool) {
    if json {
        // Scripts asked for one JSON document on stdout; failures too.
        let _ = document(&serde_json::json!({"error": message, "exit_code": code}));
    }
    let _ = note(&format!("clinic2fa: {message}"));
}
