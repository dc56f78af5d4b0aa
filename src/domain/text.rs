//! Text someone typed, as a message quotes it back.

/// `text` in quotes, cut short when long: a 50 MB field in an import makes a short
/// message, not a 50 MB one.
pub fn shown(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}… ({} characters)", &text[..cut], text.chars().count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole_and_long_text_cut_with_its_length() {
        assert_eq!(shown("ann"), "\"ann\"");
        let long = "x".repeat(50_000_000);
        let s = shown(&long);
        assert!(s.len() < 80 && s.ends_with("(50000000 characters)"), "{s}");
    }
}
