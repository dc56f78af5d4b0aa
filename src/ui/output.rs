//! Where output goes. With `--json`, stdout carries exactly one JSON document and
//! everything meant for a person goes to stderr. Writes return errors instead of
//! panicking, so a closed pipe ends the program quietly.

use std::io::{self, IsTerminal, Write};

use serde_json::Value;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    /// Whether stdout may carry ANSI colour.
    pub color: bool,
}

impl Output {
    /// `color`: `Some` when the user chose (`--color always|never`), `None` for auto.
    pub fn new(json: bool, color: Option<bool>) -> Self {
        Output { json, color: color.unwrap_or_else(|| auto_color(io::stdout().is_terminal())) }
    }

    /// Prints a command's result: the JSON document under `--json`, else the text.
    pub fn result(&self, json: &Value, text: impl FnOnce() -> String) -> io::Result<()> {
        if self.json { self.document(json) } else { self.text(&text()) }
    }

    /// The one JSON document, compact, with a final newline.
    pub fn document(&self, value: &Value) -> io::Result<()> {
        document(value)
    }

    /// The terminal's columns and rows, when stdout is one that says its size (and
    /// no `--json`: then stdout is for the document).
    pub fn screen(&self) -> Option<(usize, usize)> {
        if self.json || !io::stdout().is_terminal() {
            return None;
        }
        let (terminal_size::Width(w), terminal_size::Height(h)) =
            terminal_size::terminal_size_of(io::stdout())?;
        (w > 0 && h > 0).then(|| (usize::from(w), usize::from(h)))
    }

    /// Text for a person on stdout (on stderr under `--json`, to keep stdout pure).
    pub fn text(&self, text: &str) -> io::Result<()> {
        if self.json {
            return note(text);
        }
        let mut out = io::stdout().lock();
        writeln!(out, "{}", text.trim_end_matches('\n'))?;
        out.flush()
    }
}

/// Writes one JSON document, compact, with a final newline, to stdout.
pub fn document(value: &Value) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()
}

/// A message for a person on stderr: hints, warnings, progress. Advisory: a reader
/// that went away (a closed pipe) does not stop the command or change its exit code.
pub fn note(text: &str) -> io::Result<()> {
    let mut err = io::stderr().lock();
    match writeln!(err, "{}", text.trim_end_matches('\n')) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Colour when nobody chose: a terminal, no `NO_COLOR`, and not a dumb terminal.
pub fn auto_color(is_terminal: bool) -> bool {
    is_terminal
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}
