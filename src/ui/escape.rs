//! Text from the database or the environment, made safe to print on a terminal.
//!
//! A name, an audit detail or an actor can hold anything someone with the file wrote
//! into it: escape sequences that clear or rewrite the screen, a line break that splits
//! a table row, a bidirectional override that shows `exe.gnp` as `png.exe`. Shown to a
//! person, each such character is written as `\u{…}` instead.

use std::borrow::Cow;

/// Whether `c` would act on the terminal rather than be shown: a control character, or
/// a bidirectional formatting character (Unicode's embeddings, overrides, isolates and
/// marks).
fn acts(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that would act on the terminal written as `\u{…}`.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if acts(c) { format!("\\u{{{:x}}}", u32::from(c)) } else { c.to_string() })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_written_out_and_the_rest_left_alone() {
        assert_eq!(for_terminal("\u{1b}[2Jroot"), "\\u{1b}[2Jroot");
        assert_eq!(for_terminal("a\nb\rc\td"), "a\\u{a}b\\u{d}c\\u{9}d");
        assert_eq!(for_terminal("invoice\u{202E}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(for_terminal("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert!(matches!(for_terminal("Zoë Ødegård, 東京"), Cow::Borrowed(_)));
    }
}
