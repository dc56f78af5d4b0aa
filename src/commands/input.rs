//! Passwords come from a hidden prompt when a person is at the terminal, else from
//! stdin with `--password-stdin`, never from a flag value.

use std::io::{BufRead, IsTerminal};

use zeroize::Zeroizing;

use crate::cli::PasswordInput;
use crate::commands::Context;
use crate::commands::signin::Offered;
use crate::domain::password::{self, Password};
use crate::domain::recovery::RecoveryCode;
use crate::domain::username::Username;
use crate::error::Error;
use crate::ui::prompt;

/// Reads the next line of stdin, without its `\n` or `\r\n`, for `flag`.
///
/// A terminal on stdin is refused: the line would be echoed as it is typed. Bytes
/// that are not UTF-8 are refused too (a usage error, not a wrong password).
fn stdin_line(flag: &str, what: &str) -> anyhow::Result<Password> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Error::Usage(format!(
            "{flag} reads the {what} from a pipe or file, but stdin is a terminal, where typing it would show it: leave out {flag} to be asked without echo"
        ))
        .into());
    }
    let mut line = Zeroizing::new(Vec::new());
    let read = stdin.lock().read_until(b'\n', &mut line)?;
    if read == 0 {
        return Err(Error::Usage(format!(
            "{flag} was given but stdin ended before the {what}: write it as a line on stdin"
        ))
        .into());
    }
    let trimmed = line.strip_suffix(b"\n").unwrap_or(&line);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    match std::str::from_utf8(trimmed) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(_) => Err(Error::Usage(format!(
            "the {what} read for {flag} is not valid UTF-8 text: check the encoding of what is piped in"
        ))
        .into()),
    }
}

fn no_terminal(what: &str) -> anyhow::Error {
    Error::Usage(format!(
        "the {what} is needed and there is no terminal to ask on: pass --password-stdin and write it as the first line of stdin"
    ))
    .into()
}

/// The account's current password, for signing in.
pub fn current_password(ctx: &Context, input: &PasswordInput) -> anyhow::Result<Password> {
    if input.password_stdin {
        stdin_line("--password-stdin", "password")
    } else if ctx.interactive {
        prompt::password("Password")
    } else {
        Err(no_terminal("password"))
    }
}

/// A new password for `username`, checked against the password rules. At a terminal
/// it is asked twice and re-asked until it passes.
pub fn new_password(
    ctx: &Context,
    input: &PasswordInput,
    username: &Username,
) -> anyhow::Result<Password> {
    changed_password(ctx, input, username, None)
}

/// A new password replacing `current` (which it must differ from), or a first one.
pub fn changed_password(
    ctx: &Context,
    input: &PasswordInput,
    username: &Username,
    current: Option<&str>,
) -> anyhow::Result<Password> {
    let check = |candidate: &str| -> Result<(), Error> {
        password::check_new(candidate, username)?;
        if current == Some(candidate) {
            return Err(Error::Usage(
                "password refused: it is the current password; choose a new one".into(),
            ));
        }
        Ok(())
    };
    let value = if input.password_stdin {
        stdin_line("--password-stdin", "new password")?
    } else if ctx.interactive {
        prompt::new_password(&format!("New password for {username}"), |candidate| {
            check(candidate).map_err(|e| e.to_string())
        })?
    } else {
        return Err(no_terminal("new password"));
    };
    check(&value)?;
    Ok(value)
}

/// The second factor, once the passwords are read: `None` (from `--recovery-code -`)
/// is read from the next line of stdin, or asked for without echo at a terminal, so a
/// recovery code never has to appear in the process's arguments.
pub fn offered(ctx: &Context, parsed: Option<Offered>) -> anyhow::Result<Offered> {
    if let Some(offered) = parsed {
        return Ok(offered);
    }
    let typed = if ctx.interactive {
        prompt::password("Recovery code")?
    } else {
        stdin_line("--recovery-code -", "recovery code")?
    };
    Ok(Offered::RecoveryCode(RecoveryCode::parse(&typed)?))
}
