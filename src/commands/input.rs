//! Passwords come from a hidden prompt when a person is at the terminal, else from
//! stdin with `--password-stdin`, never from a flag value.

use std::io::BufRead;

use zeroize::Zeroizing;

use crate::cli::PasswordInput;
use crate::commands::Context;
use crate::domain::password::{self, Password};
use crate::domain::username::Username;
use crate::error::Error;
use crate::ui::prompt;

/// Reads the next line of stdin, without its `\n` or `\r\n`.
fn stdin_line(what: &str) -> anyhow::Result<Password> {
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin().lock().read_line(&mut line)?;
    if read == 0 {
        return Err(Error::Usage(format!(
            "--password-stdin was given but stdin ended before the {what}: write it as a line on stdin"
        ))
        .into());
    }
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(Zeroizing::new(trimmed.to_owned()))
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
        stdin_line("password")
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
        stdin_line("new password")?
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
