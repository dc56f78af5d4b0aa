//! Questions asked at a terminal. Callers decide whether the session is interactive;
//! these functions are only reached when it is.

use anyhow::Context as _;
use dialoguer::{Confirm, Password};
use zeroize::Zeroizing;

/// A hidden prompt for an existing password.
pub fn password(prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    let value = Password::new()
        .with_prompt(prompt)
        .allow_empty_password(true)
        .interact()
        .context("could not read the password from the terminal")?;
    Ok(Zeroizing::new(value))
}

/// A hidden prompt for a new password, asked twice, re-asked until `check` accepts it.
pub fn new_password(
    prompt: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> anyhow::Result<Zeroizing<String>> {
    let value = Password::new()
        .with_prompt(prompt)
        .with_confirmation("Repeat it", "The two entries differ; try again")
        .validate_with(|input: &String| check(input))
        .interact()
        .context("could not read the password from the terminal")?;
    Ok(Zeroizing::new(value))
}

/// A yes/no question that defaults to no.
pub fn confirm(question: &str) -> anyhow::Result<bool> {
    Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .context("could not read the answer from the terminal")
}

/// A visible prompt for a one-time code, re-asked until `check` accepts its form.
pub fn code(prompt: &str, check: impl Fn(&str) -> Result<(), String>) -> anyhow::Result<String> {
    dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .validate_with(|input: &String| check(input))
        .interact_text()
        .context("could not read the code from the terminal")
}
