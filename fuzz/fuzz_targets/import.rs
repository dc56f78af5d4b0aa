//! The import parser (CSV and JSON) and its row checks, on any bytes: no panic.
#![no_main]

use std::collections::HashSet;

use clinic2fa::domain::import::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let existing: HashSet<String> = ["alice".to_owned()].into();
    for format in [Format::Csv, Format::Json] {
        if let Ok(rows) = import::read(text, format) {
            let _ = import::check(rows, &existing);
        }
    }
});
