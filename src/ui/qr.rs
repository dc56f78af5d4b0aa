//! QR codes drawn in the terminal with half blocks: one character cell is two modules
//! tall, so the code stays square and small enough for an 80-column terminal.
//!
//! The block characters always mark the dark modules. With colour they are drawn black
//! on white, so the code also scans on a dark terminal; without colour (`NO_COLOR`, a
//! pipe, a file) the characters alone still form the right pattern on the usual dark
//! text on light paper, and for anything that renders the text as an image.

use qrcode::{Color, EcLevel, QrCode};

/// The quiet zone the QR standard requires around the code, in modules.
const QUIET_ZONE: usize = 4;
const DARK_ON_LIGHT: &str = "\x1b[30;107m";
const RESET: &str = "\x1b[0m";

/// The QR code of `text` as lines of half blocks, each ending in `\n`.
pub fn render(text: &str, color: bool) -> anyhow::Result<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| anyhow::anyhow!("could not make a QR code: {e}"))?;
    let width = code.width();
    let modules = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let dark = |x: usize, y: usize| -> bool {
        let inside = QUIET_ZONE..QUIET_ZONE + width;
        inside.contains(&x)
            && inside.contains(&y)
            && modules[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark
    };
    let mut out = String::with_capacity(size * size * 2);
    for y in (0..size).step_by(2) {
        if color {
            out.push_str(DARK_ON_LIGHT);
        }
        for x in 0..size {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        if color {
            out.push_str(RESET);
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_output_has_no_escape_codes_and_coloured_output_resets_each_line() {
        let plain = render("otpauth://totp/x:y?secret=AAAA", false).unwrap();
        assert!(!plain.contains('\x1b'));
        let coloured = render("otpauth://totp/x:y?secret=AAAA", true).unwrap();
        assert!(coloured.lines().all(|l| l.starts_with(DARK_ON_LIGHT) && l.ends_with(RESET)));
        assert_eq!(plain.lines().count(), coloured.lines().count());
    }

    #[test]
    fn the_quiet_zone_is_blank() {
        let plain = render("hello", false).unwrap();
        let lines: Vec<&str> = plain.lines().collect();
        assert!(lines[0].chars().all(|c| c == ' ') && lines[1].chars().all(|c| c == ' '));
        assert!(lines.iter().all(|l| l.starts_with("    ") && l.ends_with("    ")));
    }
}
