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
        let text = fitted(text.trim_end_matches('\n'), columns_of(io::stdout()));
        writeln!(out, "{text}")?;
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
    let text = fitted(text.trim_end_matches('\n'), columns_of(io::stderr()));
    match writeln!(err, "{text}") {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A terminal's width in columns; `None` for a file, a pipe, or one that says none.
fn columns_of(stream: impl std::os::fd::AsFd + IsTerminal) -> Option<usize> {
    if !stream.is_terminal() {
        return None;
    }
    let (terminal_size::Width(w), _) = terminal_size::terminal_size_of(stream)?;
    (w >= 20).then_some(usize::from(w))
}

/// `text` with each line longer than `columns` wrapped at spaces, its indentation kept
/// on the lines it wraps onto; never a word split (a link stays whole, and the
/// terminal folds it). Lines of a drawing (a table, a QR code) are left as drawn: they
/// were made to fit. Not a terminal (`None`): unchanged, for scripts.
pub fn fitted(text: &str, columns: Option<usize>) -> String {
    let Some(columns) = columns else { return text.to_owned() };
    let drawing = |line: &str| line.contains(['█', '▀', '▄', '│', '┆', '─', '┌', '└']);
    text.split('\n')
        .map(|line| {
            if textwrap::core::display_width(line) <= columns || drawing(line) {
                return line.to_owned();
            }
            let indent: String = line.chars().take_while(|c| *c == ' ').collect();
            let options = textwrap::Options::new(columns)
                .break_words(false)
                .word_splitter(textwrap::WordSplitter::NoHyphenation)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .subsequent_indent(&indent);
            textwrap::fill(line, options)
        })
        .collect::<Vec<_>>()
        .join("\n")
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

#[cfg(test)]
mod fitted_tests {
    use super::fitted;

    #[test]
    fn long_lines_wrap_at_spaces_keeping_indentation_and_whole_words() {
        let text = "alice: 2FA is required: the per-user setting is clinic-default and the clinic-wide requirement is on.\n    key:     ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567 ABCD EFGH\nshort";
        let wrapped = fitted(text, Some(40));
        assert!(wrapped.lines().all(|l| l.chars().count() <= 40), "{wrapped}");
        assert!(wrapped.contains("clinic-wide"), "no word split: {wrapped}");
        assert!(wrapped.lines().any(|l| l.starts_with("    ") && !l.contains("key:")), "{wrapped}");
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert!(wrapped.ends_with("\nshort"));
    }

    #[test]
    fn links_drawings_and_pipes_are_left_alone() {
        let link = format!("Open: otpauth://totp/Clinic:alice?secret={}", "A".repeat(60));
        let wrapped = fitted(&link, Some(40));
        assert!(wrapped.lines().any(|l| l.starts_with("otpauth://") && l.len() > 40), "{wrapped}");
        let qr = format!("  {}", "█▀ ".repeat(30));
        assert_eq!(fitted(&qr, Some(40)), qr);
        let prose = "word ".repeat(40);
        assert_eq!(fitted(&prose, None), prose);
    }
}
