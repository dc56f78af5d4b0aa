//! QR codes drawn in the terminal with half blocks: one character cell is two modules
//! tall, so the code stays square and small enough for an 80×24 terminal.
//!
//! `qrcode`'s `Dense1x2` renderer draws the blocks; this module picks what makes the
//! code small (the lowest error-correction level, L: a screen is not a crumpled
//! label) and the quiet zone, and paints it black on white when colour is allowed, so
//! the code also scans on a dark terminal. Without colour (`NO_COLOR`, a pipe, a file)
//! the blocks alone still form the right pattern on dark-on-light text, and for
//! anything that renders the text as an image.

use qrcode::bits::Bits;
use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode, Version};

const DARK_ON_LIGHT: &str = "\x1b[30;107m";
const RESET: &str = "\x1b[0m";

/// How much blank border (in modules) is drawn around the code. The QR standard asks
/// for 4; phone scanners and zbar read 2, and at a terminal the two saved rows are what
/// keep the code and its prompt on one 80×24 screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuietZone {
    /// 4 modules: for output that may be printed or pasted anywhere.
    Standard,
    /// 2 modules: on a terminal, with blank cells around it.
    Terminal,
}

/// A QR code as lines of text.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub lines: Vec<String>,
    /// Columns each line takes.
    pub width: usize,
}

/// The QR code of `text`, as lines of half blocks.
pub fn render(text: &str, color: bool, zone: QuietZone) -> anyhow::Result<Drawn> {
    let code = encode(text).map_err(|e| anyhow::anyhow!("could not make a QR code: {e}"))?;
    let modules = code.width() + 2 * zone_modules(zone);
    // Dense1x2 draws dark modules as blocks, light ones as spaces.
    let drawn = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Dark)
        .light_color(Dense1x2::Light)
        .quiet_zone(false)
        .build();
    let pad = " ".repeat(zone_modules(zone));
    let blank = " ".repeat(modules);
    let rows = zone_modules(zone) / 2;
    let body = drawn.lines().map(|l| format!("{pad}{l}{pad}"));
    let lines = std::iter::repeat_n(blank.clone(), rows)
        .chain(body)
        .chain(std::iter::repeat_n(blank, rows))
        .map(|l| if color { format!("{DARK_ON_LIGHT}{l}{RESET}") } else { l })
        .collect();
    Ok(Drawn { lines, width: modules })
}

/// The QR code of `text` as an SVG element, for a web page: dark modules on white,
/// the standard quiet zone, sized by the page (its `viewBox` only), with a label for
/// screen readers.
pub fn svg(text: &str, label: &str) -> anyhow::Result<String> {
    use qrcode::render::svg;
    let code = encode(text).map_err(|e| anyhow::anyhow!("could not make a QR code: {e}"))?;
    let drawn = code
        .render::<svg::Color<'_>>()
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .build();
    // The renderer writes an XML declaration and a fixed size: the element alone, to
    // fill the space the page gives it.
    let start = drawn.find("<svg").ok_or_else(|| anyhow::anyhow!("no <svg> drawn"))?;
    let element = &drawn[start..];
    let open_end = element.find('>').ok_or_else(|| anyhow::anyhow!("no <svg> drawn"))?;
    let attrs = &element[4..open_end];
    let view_box = attrs
        .split("viewBox=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .ok_or_else(|| anyhow::anyhow!("the drawn QR code has no viewBox"))?;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"{view_box}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\">{}",
        &element[open_end + 1..]
    ))
}

/// The code, at level L. An otpauth URI's secret goes in alphanumeric mode and the rest
/// in byte mode, always the same segments: the general optimiser would also use
/// numeric mode for the digit runs of each random secret, and the same URI shape
/// would come out one size or the next by chance (fitting a 40-column terminal one
/// time in two).
fn encode(text: &str) -> qrcode::types::QrResult<QrCode> {
    let secret = text.find("secret=").map(|at| at + "secret=".len()).and_then(|start| {
        let end = text[start..].find('&').map_or(text.len(), |e| start + e);
        let alphanumeric = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit();
        text.as_bytes()[start..end].iter().all(alphanumeric).then_some((start, end))
    });
    let Some((start, end)) = secret else {
        return QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L);
    };
    let (before, key, after) = (&text[..start], &text[start..end], &text[end..]);
    for version in 1..=40 {
        let mut bits = Bits::new(Version::Normal(version));
        let fits = bits
            .push_byte_data(before.as_bytes())
            .and_then(|()| bits.push_alphanumeric_data(key.as_bytes()))
            .and_then(
                |()| if after.is_empty() { Ok(()) } else { bits.push_byte_data(after.as_bytes()) },
            )
            .and_then(|()| bits.push_terminator(EcLevel::L));
        if fits.is_ok() {
            return QrCode::with_bits(bits, EcLevel::L);
        }
    }
    Err(qrcode::types::QrError::DataTooLong)
}

fn zone_modules(zone: QuietZone) -> usize {
    match zone {
        QuietZone::Standard => 4,
        QuietZone::Terminal => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_output_has_no_escape_codes_and_coloured_output_resets_each_line() {
        let plain = render("otpauth://totp/x:y?secret=AAAA", false, QuietZone::Standard).unwrap();
        assert!(plain.lines.iter().all(|l| !l.contains('\x1b')));
        let coloured = render("otpauth://totp/x:y?secret=AAAA", true, QuietZone::Standard).unwrap();
        assert!(coloured.lines.iter().all(|l| l.starts_with(DARK_ON_LIGHT) && l.ends_with(RESET)));
        assert_eq!(plain.lines.len(), coloured.lines.len());
    }

    #[test]
    fn the_quiet_zone_is_blank_and_as_wide_as_chosen() {
        for (zone, modules) in [(QuietZone::Standard, 4), (QuietZone::Terminal, 2)] {
            let drawn = render("hello", false, zone).unwrap();
            let blank_rows = modules / 2;
            assert!(drawn.lines[..blank_rows].iter().all(|l| l.trim().is_empty()));
            assert!(
                drawn.lines[drawn.lines.len() - blank_rows..].iter().all(|l| l.trim().is_empty())
            );
            let pad = " ".repeat(modules);
            assert!(drawn.lines.iter().all(|l| l.starts_with(&pad) && l.ends_with(&pad)));
            assert!(drawn.lines.iter().all(|l| l.chars().count() == drawn.width));
        }
    }

    #[test]
    fn every_secret_gives_a_code_of_the_same_size() {
        let sizes: std::collections::HashSet<usize> = [
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            "22222222223333333333444444444477",
            "A2B3C4D5E6F7A2B3C4D5E6F7A2B3C4D5",
        ]
        .iter()
        .map(|key| {
            let uri = format!("otpauth://totp/Clinic:alice?secret={key}&issuer=Clinic");
            render(&uri, false, QuietZone::Terminal).unwrap().width
        })
        .collect();
        assert_eq!(sizes.len(), 1, "{sizes:?}");
    }

    #[test]
    fn an_otpauth_uri_for_a_usual_clinic_is_version_5_at_most() {
        let uri = "otpauth://totp/Sunny%20Vale%20Clinic:alice.smith?secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567&issuer=Sunny%20Vale%20Clinic";
        let drawn = render(uri, false, QuietZone::Terminal).unwrap();
        // 41 modules + 2×2 quiet zone: 45 columns, 23 rows, one row left for the prompt.
        assert!(
            drawn.width <= 45 && drawn.lines.len() <= 23,
            "{}×{}",
            drawn.width,
            drawn.lines.len()
        );
    }
}
