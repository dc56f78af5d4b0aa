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

/// A JSON array written an element at a time, for lists of any length in little
/// memory: `[`, the elements with commas between, `]`.
#[derive(Debug)]
pub struct JsonList<W: Write> {
    out: W,
    empty: bool,
}

impl<W: Write> JsonList<W> {
    /// Writes the opening `[`.
    pub fn start(mut out: W) -> io::Result<Self> {
        out.write_all(b"[")?;
        Ok(JsonList { out, empty: true })
    }

    pub fn push(&mut self, element: &impl serde::Serialize) -> io::Result<()> {
        if !self.empty {
            self.out.write_all(b",")?;
        }
        self.empty = false;
        serde_json::to_writer(&mut self.out, element).map_err(io::Error::from)
    }

    /// Writes the closing `]`; the writer, to go on.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"]")?;
        Ok(self.out)
    }
}

/// A JSON object whose fields after `head`'s are lists, each written an element at a
/// time: a document whose long lists stream.
#[derive(Debug)]
pub struct JsonObject<W: Write> {
    out: W,
    empty: bool,
}

impl<W: Write> JsonObject<W> {
    /// Writes `head`'s fields (an object), leaving the object open.
    pub fn start(mut out: W, head: &Value) -> anyhow::Result<Self> {
        let text = serde_json::to_string(head)?;
        let open = text.strip_suffix('}').unwrap_or(&text);
        out.write_all(open.as_bytes())?;
        Ok(JsonObject { out, empty: open.ends_with('{') })
    }

    /// One more field, `key`, whose array `fill` writes.
    pub fn list(
        &mut self,
        key: &str,
        fill: impl FnOnce(&mut JsonList<&mut W>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        write!(self.out, "{}{}:", if self.empty { "" } else { "," }, Value::from(key))?;
        self.empty = false;
        let mut list = JsonList::start(&mut self.out)?;
        fill(&mut list)?;
        list.finish()?;
        Ok(())
    }

    /// Closes the object; the writer, to go on.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"}")?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_list_is_the_json_of_the_whole() {
        let mut list = JsonList::start(Vec::new()).unwrap();
        for n in [1, 2, 3] {
            list.push(&serde_json::json!({"n": n})).unwrap();
        }
        let bytes = list.finish().unwrap();
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed, serde_json::json!([{"n": 1}, {"n": 2}, {"n": 3}]));
        assert_eq!(JsonList::start(Vec::new()).unwrap().finish().unwrap(), b"[]");

        let mut doc = JsonObject::start(Vec::new(), &serde_json::json!({"a": 1})).unwrap();
        doc.list("names", |l| Ok(l.push(&"x")?)).unwrap();
        doc.list("none", |_| Ok(())).unwrap();
        let doc = doc.finish().unwrap();
        let parsed: Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(parsed, serde_json::json!({"a": 1, "names": ["x"], "none": []}));
        let mut doc = JsonObject::start(Vec::new(), &serde_json::json!({})).unwrap();
        doc.list("k", |_| Ok(())).unwrap();
        assert_eq!(doc.finish().unwrap(), b"{\"k\":[]}");
    }
}
