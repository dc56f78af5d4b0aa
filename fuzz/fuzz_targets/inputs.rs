//! Every parser of typed input (usernames, codes, recovery codes, durations, times,
//! settings, clinic names, key files) on any text: no panic.
#![no_main]

use clinic2fa::domain::{duration, keys, recovery, settings, time, totp, username};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = username::Username::parse(text);
    let _ = totp::Code::parse(text);
    let _ = recovery::RecoveryCode::parse(text);
    let _ = duration::parse_bypass_duration(text);
    let _ = time::Timestamp::parse(text);
    let _ = settings::check_clinic_name(text);
    for setting in settings::Setting::ALL {
        let _ = setting.parse_value(text);
    }
    let _ = keys::MasterKey::from_file_text(text);
});
