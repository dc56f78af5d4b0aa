//! `user enrol-link USERNAME [--expires-in DURATION]`: a one-time link to the sign-in
//! service's enrolment page, for an admin to send (see `domain::enrol_link`).

use serde_json::json;

use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::domain::enrol_link;
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::store::{self, accounts, enrol_links};

pub fn run(ctx: &Context, username: &str, expires_in: Option<&str>) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let seconds = enrol_link::lifetime(expires_in)?;
    let mut store = ctx.open_store()?;
    let expires_at = ctx.now.plus_seconds(seconds);
    let (url, token) = store.write(|tx| {
        let Some(base) = store::clinic::public_url(tx)? else {
            return Err(Error::Conflict(
                "no public-url for the links: set the address the sign-in service's page is reached at, `clinic2fa clinic set public-url https://signin.example.org`".into(),
            )
            .into());
        };
        let account = accounts::find(tx, &username)?.ok_or_else(|| {
            Error::NotFound(format!(
                "no user \"{username}\": `clinic2fa user list` shows the accounts"
            ))
        })?;
        if account.disabled {
            return Err(Error::Conflict(format!(
                "{username} is disabled and could not sign in at the link: `clinic2fa user enable {username}` first"
            ))
            .into());
        }
        let token = enrol_links::create(tx, &account, ctx.now, expires_at)?;
        // The trail says a link was made and until when; never the link itself.
        let detail = format!("until {}", expires_at.rfc3339());
        audit_admin(ctx, tx, Action::UserEnrolLink, Some(username.as_str()), Some(&detail))?;
        Ok((base, token))
    })?;
    let link = format!("{url}/enrol/{}", token.expose());
    let json = json!({"url": link, "expires_at": expires_at.rfc3339()});
    ctx.out.result(&json, || {
        format!(
            "Enrolment link for {username}, for one use until {expires_at}:\n\n    {link}\n\n\
             Send it to {username} only (it opens their enrolment page). They sign in there with their password, and a current code if they already have an authenticator. A new link ends this one."
        )
    })?;
    Ok(exit::SUCCESS)
}
