//! The module's arguments in a PAM service file:
//! `[socket=PATH] [mode=full|code] [failmode=secure|open] [timeout=SECONDS] [notext]`.

use std::path::PathBuf;
use std::time::Duration;

use clinic2fa_protocol::Mode;

/// Where `clinic2fa serve` listens unless told otherwise (the unit's RuntimeDirectory).
pub const DEFAULT_SOCKET: &str = "/run/clinic2fa/clinic2fa.sock";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub socket: PathBuf,
    pub mode: Mode,
    pub failmode: FailMode,
    /// How long the service may take to connect or to say its next line (not the
    /// person: they take as long as the service lets them).
    pub timeout: Duration,
    /// `notext`: the application takes PAM's text and shows nobody (a VPN plugin,
    /// RADIUS), and PAM has no way to tell: no set-up is begun at its prompt, so a
    /// bypass is kept for a login that can show one.
    pub no_text: bool,
}

/// What the module answers when the service cannot be reached or is too slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// `PAM_AUTHINFO_UNAVAIL`: nobody gets in through this module.
    Secure,
    /// `PAM_IGNORE`: the stack decides without this module.
    Open,
}

impl Options {
    /// The arguments as given; the error names the one that is wrong (for the log:
    /// a mistyped service file is refused, never half-read).
    pub fn parse<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<Options, String> {
        let mut options = Options {
            socket: PathBuf::from(DEFAULT_SOCKET),
            mode: Mode::Full,
            failmode: FailMode::Secure,
            timeout: DEFAULT_TIMEOUT,
            no_text: false,
        };
        for arg in args {
            let (name, value) = arg.split_once('=').unwrap_or((arg, ""));
            match (name, value) {
                ("socket", path) if path.starts_with('/') => options.socket = PathBuf::from(path),
                ("notext", "") => options.no_text = true,
                ("mode", "full") => options.mode = Mode::Full,
                ("mode", "code") => options.mode = Mode::Code,
                ("failmode", "secure") => options.failmode = FailMode::Secure,
                ("failmode", "open") => options.failmode = FailMode::Open,
                ("timeout", seconds) => match seconds.parse::<u64>() {
                    Ok(s @ 1..=300) => options.timeout = Duration::from_secs(s),
                    _ => return Err(format!("{arg}: give timeout=SECONDS, 1 to 300")),
                },
                ("socket", _) => return Err(format!("{arg}: give socket=/absolute/path")),
                ("mode" | "failmode", _) => {
                    return Err(format!("{arg}: mode is full or code; failmode is secure or open"));
                }
                _ => {
                    return Err(format!(
                        "unknown option {arg:?}: the options are socket=PATH, mode=full|code, failmode=secure|open, timeout=SECONDS, notext"
                    ));
                }
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_each_option() {
        let none = Options::parse([]).unwrap();
        assert_eq!(none.socket, PathBuf::from(DEFAULT_SOCKET));
        assert_eq!(
            (none.mode, none.failmode, none.timeout),
            (Mode::Full, FailMode::Secure, DEFAULT_TIMEOUT)
        );
        let all = Options::parse(["socket=/tmp/s.sock", "mode=code", "failmode=open", "timeout=3"])
            .unwrap();
        assert_eq!(all.socket, PathBuf::from("/tmp/s.sock"));
        assert_eq!(
            (all.mode, all.failmode, all.timeout),
            (Mode::Code, FailMode::Open, Duration::from_secs(3))
        );
    }

    #[test]
    fn a_mistyped_option_is_named() {
        for (arg, says) in [
            ("failmode=opne", "failmode=opne"),
            ("timeout=0", "1 to 300"),
            ("timeout=ten", "timeout=SECONDS"),
            ("socket=relative.sock", "absolute"),
            ("debug", "unknown option \"debug\""),
        ] {
            let error = Options::parse([arg]).unwrap_err();
            assert!(error.contains(says), "{arg}: {error}");
        }
    }
}
