//! The shapes the contract fixes (JSON) and the ones people read (tables, summaries).

use serde_json::{Value, json};

use crate::domain::account::Account;
use crate::domain::device::Device;
use crate::domain::policy::Policy;
use crate::domain::settings::{Clinic, Setting};
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::ui::escape::for_terminal;
use crate::ui::table::PeopleTable;

/// The contract's user object, in its field order. Borrowed and serialised straight to
/// the output, so listing many accounts builds no JSON tree per row.
#[derive(Debug, serde::Serialize)]
pub struct AccountView<'a> {
    username: &'a str,
    name: Option<&'a str>,
    role: &'static str,
    disabled: bool,
    two_factor: TwoFactorView,
    locked_until: Option<String>,
    created_at: String,
    last_login_at: Option<String>,
}

#[derive(Debug, serde::Serialize)]
struct TwoFactorView {
    policy: &'static str,
    required: bool,
    enrolled: bool,
    /// How many authenticators are active.
    authenticators: u32,
    bypass: Option<BypassView>,
    recovery_codes_left: u32,
    policy_until: Option<String>,
    enrolment_due: Option<String>,
}

#[derive(Debug, serde::Serialize)]
struct BypassView {
    expires_at: String,
}

impl<'a> AccountView<'a> {
    pub fn new(account: &'a Account, clinic: &Clinic, now: Timestamp) -> Self {
        AccountView {
            username: account.username.as_str(),
            name: account.name.as_deref(),
            role: account.role.as_str(),
            disabled: account.disabled,
            two_factor: TwoFactorView {
                policy: account.policy_at(now).as_str(),
                required: account.requires_2fa(clinic, now),
                enrolled: account.enrolled,
                authenticators: account.authenticators,
                bypass: account.bypass_at(now).map(|t| BypassView { expires_at: t.rfc3339() }),
                recovery_codes_left: account.recovery_codes_left,
                policy_until: account.override_until(now).map(Timestamp::rfc3339),
                enrolment_due: account.enrolment_due(clinic, now).map(Timestamp::rfc3339),
            },
            locked_until: account.locked_at(now).map(Timestamp::rfc3339),
            created_at: account.created_at.rfc3339(),
            last_login_at: account.last_login_at.map(Timestamp::rfc3339),
        }
    }
}

/// The contract's user object as a JSON value.
pub fn account_json(account: &Account, clinic: &Clinic, now: Timestamp) -> Value {
    serde_json::to_value(AccountView::new(account, clinic, now)).expect("plain data serialises")
}

/// The contract's `clinic show` object.
/// `clinic show`: the settings, and the address enrolment links start with.
pub fn clinic_json(clinic: &Clinic, public_url: Option<&str>) -> Value {
    let mut settings: serde_json::Map<String, Value> =
        Setting::ALL.iter().map(|s| (s.key().to_owned(), s.shown(clinic.get(*s)))).collect();
    // Only once set: the contract's shape of a clinic without one stays as it was.
    if let Some(url) = public_url {
        settings.insert("public-url".to_owned(), json!(url));
    }
    json!({
        "name": clinic.name,
        "require_2fa": clinic.require_2fa(),
        "require_2fa_for": clinic.require_2fa_for.as_str(),
        "settings": settings,
    })
}

pub fn clinic_text(clinic: &Clinic, public_url: Option<&str>) -> String {
    let mut table = PeopleTable::new();
    table.row(vec!["name".to_owned(), clinic.name.clone()]);
    table.row(vec!["require-2fa".to_owned(), clinic.require_2fa_for.command_word().to_owned()]);
    for s in Setting::ALL {
        table.row(vec![s.key().to_owned(), s.shown_text(clinic.get(s))]);
    }
    table.row(vec!["public-url".to_owned(), public_url.unwrap_or("none").to_owned()]);
    table.render()
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// `user grant-bypass`, for a person: until when, and what the one sign-in will do.
pub fn bypass_granted_text(account: &Account, clinic: &Clinic, now: Timestamp) -> String {
    let username = &account.username;
    let until = account.bypass_at(now).map(|t| t.to_string()).unwrap_or_default();
    let then = match (account.enrolled, account.requires_2fa(clinic, now)) {
        (true, true) => "That sign-in removes their old authenticator, and they set up a new one.",
        (true, false) => {
            "That sign-in removes their old authenticator; 2FA does not apply to them, so setting up a new one is up to them."
        }
        (false, true) => {
            "They have no authenticator to remove; after that sign-in they must set one up."
        }
        (false, false) => "They have no authenticator, and 2FA does not apply to them.",
    };
    format!(
        "{username} can sign in once without 2FA until {until}. {then} Their 2FA setting stays {}.",
        account.policy_at(now)
    )
}

/// `user revoke-bypass`, for a person: whether there was one to withdraw.
pub fn bypass_revoked_text(username: &Username, revoked: bool) -> String {
    if revoked {
        format!("Revoked the pending bypass of {username}: their next sign-in needs 2FA as usual.")
    } else {
        format!("{username} had no pending bypass: nothing to revoke.")
    }
}

/// `user 2fa set`, for a person: the new setting, and what it does not do.
pub fn policy_set_text(account: &Account, policy: Policy) -> String {
    let username = &account.username;
    let mut text = match account.policy_until {
        Some(until) => format!(
            "{username}'s 2FA setting is now {policy} until {until}; then clinic-default again, by itself."
        ),
        None => format!("{username}'s 2FA setting is now {policy}."),
    };
    if policy == Policy::Exempt && account.enrolled {
        text.push_str(&format!(
            " {username} still has an authenticator, so their sign-ins still ask for its code until they turn it off (`clinic2fa unenrol {username}`). For a lost phone, grant a one-time sign-in instead: `clinic2fa user grant-bypass {username}`."
        ));
    }
    text
}

/// The people's `user list`: one row an account. `total`: how many accounts there are
/// in all, so an empty list says whether the clinic or the filter is empty.
pub fn accounts_table(
    accounts: &[Account],
    total: usize,
    clinic: &Clinic,
    now: Timestamp,
) -> String {
    if accounts.is_empty() {
        return match total {
            0 => "No accounts yet: add one with `clinic2fa user add USERNAME`.".to_owned(),
            1 => "No account matches these filters (there is 1 account in all).".to_owned(),
            n => format!("No account matches these filters (there are {n} accounts in all)."),
        };
    }
    // The policy's name is never cut (`clinic-defa…`): the name column gives way.
    let mut table = PeopleTable::new()
        .header(["username", "name", "role", "2FA policy", "required", "enrolled", "locked"])
        .keep_whole(3);
    for a in accounts {
        let locked = a.locked_at(now).map_or_else(|| "no".to_owned(), |t| format!("until {t}"));
        let mut username = a.username.to_string();
        if a.disabled {
            username.push_str(" (disabled)");
        }
        table.row(vec![
            username,
            a.name.clone().unwrap_or_default(),
            a.role.to_string(),
            a.policy_at(now).to_string(),
            yes_no(a.requires_2fa(clinic, now)).to_owned(),
            a.enrolment_due(clinic, now)
                .map_or_else(|| yes_no(a.enrolled).to_owned(), |due| format!("no, due {due}")),
            locked,
        ]);
    }
    table.render()
}

/// The people's `user show`.
pub fn account_text(a: &Account, clinic: &Clinic, now: Timestamp) -> String {
    let mut table = PeopleTable::new();
    let mut row = |k: &str, v: String| {
        table.row(vec![k.to_owned(), v]);
    };
    row("username", a.username.to_string());
    row("name", a.name.clone().unwrap_or_default());
    row("role", a.role.to_string());
    row("disabled", yes_no(a.disabled).to_owned());
    row(
        "2FA policy",
        match a.override_until(now) {
            Some(until) => format!("{} until {until}, then clinic-default", a.policy),
            None => a.policy_at(now).to_string(),
        },
    );
    row("2FA required", yes_no(a.requires_2fa(clinic, now)).to_owned());
    row(
        "enrolled",
        match a.enrolment_due(clinic, now) {
            Some(due) => format!("no: must set up 2FA before {due}"),
            None => yes_no(a.enrolled).to_owned(),
        },
    );
    row("authenticators", a.authenticators.to_string());
    row("recovery codes left", a.recovery_codes_left.to_string());
    row(
        "bypass",
        a.bypass_at(now).map_or_else(|| "none".to_owned(), |t| format!("pending, expires {t}")),
    );
    row("locked", a.locked_at(now).map_or_else(|| "no".to_owned(), |t| format!("until {t}")));
    row("created", a.created_at.to_string());
    row("last login", a.last_login_at.map_or_else(|| "never".to_owned(), |t| t.to_string()));
    table.render()
}

/// An audit entry as `audit --json` shows it.
pub fn audit_entry_json(entry: &crate::domain::audit::Listed) -> Value {
    let r = &entry.record;
    json!({
        "seq": entry.seq,
        "at": Timestamp::from_unix(r.at).rfc3339(),
        "actor": r.actor,
        "action": r.action,
        "subject": r.subject,
        "outcome": r.outcome,
        "detail": r.detail,
        "pinned_clock": r.pinned_clock,
    })
}

/// `audit --csv`: the JSON entry's fields, in its order.
pub const AUDIT_CSV_HEADER: [&str; 8] =
    ["seq", "at", "actor", "action", "subject", "outcome", "detail", "pinned_clock"];

pub fn audit_csv(entry: &crate::domain::audit::Listed) -> [String; 8] {
    let r = &entry.record;
    [
        entry.seq.map(|s| s.to_string()).unwrap_or_default(),
        Timestamp::from_unix(r.at).rfc3339(),
        r.actor.clone(),
        r.action.clone(),
        r.subject.clone().unwrap_or_default(),
        r.outcome.clone(),
        r.detail.clone().unwrap_or_default(),
        r.pinned_clock.to_string(),
    ]
}

/// `user 2fa list --json`: one object per authenticator.
pub fn authenticators_json(devices: &[Device]) -> Value {
    Value::Array(
        devices
            .iter()
            .map(|d| {
                serde_json::json!({
                    "name": d.name.as_str(),
                    "added_at": d.added_at.rfc3339(),
                    "last_used_at": d.last_used_at.map(Timestamp::rfc3339),
                })
            })
            .collect(),
    )
}

/// `user 2fa list`: the person's authenticators, oldest first.
pub fn authenticators_table(username: &Username, devices: &[Device]) -> String {
    if devices.is_empty() {
        return format!(
            "{username} has no authenticator set up: `clinic2fa enrol {username}` sets one up."
        );
    }
    let mut table = PeopleTable::new().header(["authenticator", "added", "last used"]);
    for d in devices {
        table.row(vec![
            d.name.to_string(),
            d.added_at.to_string(),
            d.last_used_at.map_or_else(|| "never".to_owned(), |t| t.to_string()),
        ]);
    }
    table.render()
}

/// After `user 2fa remove`: what is left.
pub fn authenticator_removed_text(username: &Username, removed: &str, left: &[Device]) -> String {
    let removed = crate::domain::text::shown(removed);
    if left.is_empty() {
        return format!(
            "Removed {username}'s authenticator {removed}, their last, with their recovery codes: where 2FA applies they set one up at their next sign-in (`clinic2fa enrol {username}`)."
        );
    }
    let names: Vec<&str> = left.iter().map(|d| d.name.as_str()).collect();
    format!(
        "Removed {username}'s authenticator {removed}; still signing in: {}. Their recovery codes and 2FA setting are unchanged.",
        names.join(", ")
    )
}

pub fn audit_table(entries: &[crate::domain::audit::Listed]) -> String {
    if entries.is_empty() {
        return "No audit entries match.".to_owned();
    }
    // An action's name is never cut (`user.grant-b…`): the detail gives way.
    let mut table = PeopleTable::new()
        .header(["#", "time", "actor", "action", "subject", "outcome", "detail"])
        .keep_whole(3);
    for entry in entries {
        let r = &entry.record;
        table.row(vec![
            entry.seq.map_or_else(|| "?".to_owned(), |s| s.to_string()),
            if r.pinned_clock {
                format!("{} (pinned clock)", Timestamp::from_unix(r.at))
            } else {
                Timestamp::from_unix(r.at).to_string()
            },
            r.actor.clone(),
            r.action.clone(),
            r.subject.clone().unwrap_or_default(),
            r.outcome.clone(),
            r.detail.clone().unwrap_or_default(),
        ]);
    }
    table.render()
}

pub const ACCOUNT_CSV_HEADER: [&str; 13] = [
    "username",
    "name",
    "role",
    "disabled",
    "policy",
    "required",
    "enrolled",
    "recovery_codes_left",
    "bypass_expires_at",
    "locked_until",
    "password_change_required",
    "created_at",
    "last_login_at",
];

/// A cell a spreadsheet shows as text. One it would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's list for CSV injection) gets
/// a leading `'`, which spreadsheets take as "text" and do not show.
pub fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell }
}

/// One account as a CSV record, in [`ACCOUNT_CSV_HEADER`] order, every cell
/// spreadsheet-safe.
pub fn account_csv(a: &Account, clinic: &Clinic, now: Timestamp) -> Vec<String> {
    let time = |t: Option<Timestamp>| t.map(Timestamp::rfc3339).unwrap_or_default();
    let cells = vec![
        a.username.to_string(),
        a.name.clone().unwrap_or_default(),
        a.role.to_string(),
        a.disabled.to_string(),
        a.policy_at(now).to_string(),
        a.requires_2fa(clinic, now).to_string(),
        a.enrolled.to_string(),
        a.recovery_codes_left.to_string(),
        time(a.bypass_at(now)),
        time(a.locked_at(now)),
        a.must_change_password.to_string(),
        a.created_at.rfc3339(),
        time(a.last_login_at),
    ];
    cells.into_iter().map(spreadsheet_safe).collect()
}

/// The people's `report`, from its JSON document.
/// How many names of each list the report shows a person.
pub const REPORT_SHOWN: usize = 20;

/// Rows of a people's table drawn at a time: a list of any length in pages.
pub const TABLE_PAGE: usize = 500;

/// The report for a person: `report` holds the first [`REPORT_SHOWN`] of each list,
/// `totals` how many each has in all.
pub fn report_text(report: &Value, totals: &[(&str, u64)]) -> String {
    let counts = &report["counts"];
    let mut table = PeopleTable::new();
    for (label, key) in [
        ("accounts", "accounts"),
        ("enrolled", "enrolled"),
        ("authenticators", "authenticators"),
        ("with more than one", "several_authenticators"),
        ("2FA required", "required"),
        ("required, not enrolled", "required_not_enrolled"),
        ("exempt", "exempt"),
        ("bypass pending", "bypass_pending"),
        ("locked", "locked"),
        ("disabled", "disabled"),
    ] {
        table.row(vec![label.to_owned(), counts[key].to_string()]);
    }
    let names = |key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => {
                            let (label, time) = [
                                ("until", "expires_at"),
                                ("until", "locked_until"),
                                ("since", "last_seen"),
                                ("until", "until"),
                                ("due", "enrolment_due"),
                            ]
                            .into_iter()
                            .find_map(|(label, key)| Some((label, other.get(key)?)))
                            .unwrap_or(("", &Value::Null));
                            let time = time
                                .as_str()
                                .and_then(|t| Timestamp::parse(t).ok())
                                .map(|t| t.to_string())
                                .unwrap_or_default();
                            let username = other["username"].as_str().unwrap_or_default();
                            format!("{username} ({label} {time})")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut text = format!(
        "{}: clinic-wide 2FA requirement {}\n{}",
        for_terminal(report["clinic"].as_str().unwrap_or_default()),
        match report["require_2fa_for"].as_str() {
            Some("everyone") => "on",
            Some("admins") => "admins only",
            _ => "off",
        },
        table.render()
    );
    // A screenful: the rest is one filtered `user list` away.
    const SHOWN: usize = REPORT_SHOWN;
    let days = report["inactive_days"].as_u64().unwrap_or_default();
    for (title, key, filter) in [
        (
            "Must set up 2FA at their next login".to_owned(),
            "must_enrol",
            "--needs-enrolment".to_owned(),
        ),
        (
            "In their enrolment grace (password alone until then)".to_owned(),
            "in_grace",
            "--needs-enrolment".to_owned(),
        ),
        ("Exempt from 2FA".to_owned(), "exempt", "--exempt".to_owned()),
        ("One-time bypass pending".to_owned(), "bypass_pending", "--bypass-pending".to_owned()),
        ("Locked".to_owned(), "locked", "--locked".to_owned()),
        (
            "2FA overrides ending within 14 days (then clinic-default)".to_owned(),
            "overrides_ending",
            "--exempt".to_owned(),
        ),
        (
            format!("No sign-in for {days} days or more (a leaver? `clinic2fa user disable`)"),
            "inactive",
            format!("--inactive {days}d"),
        ),
    ] {
        let list = names(key);
        if list.is_empty() {
            continue;
        }
        let total = totals.iter().find(|(k, _)| *k == key).map_or(list.len() as u64, |t| t.1);
        text.push_str(&format!("\n{title}: {}", list[..list.len().min(SHOWN)].join(", ")));
        if total > SHOWN as u64 {
            text.push_str(&format!(
                " and {} more (`clinic2fa user list {filter}`)",
                total - SHOWN as u64
            ));
        }
    }
    text
}

/// `client add`: the token, shown this once.
pub fn client_added_text(name: &crate::domain::client::ClientName, token: &str) -> String {
    format!(
        "Added the client {name}. Its token, shown only now (only a hash of it is kept):\n\n    {token}\n\nPut it in the application's settings; it sends it as `Authorization: Bearer TOKEN` to the sign-in service. A lost token cannot be shown again: `clinic2fa client remove {name}`, then add it again."
    )
}

pub fn clients_json(clients: &[crate::domain::client::Client]) -> Value {
    Value::Array(
        clients
            .iter()
            .map(|c| serde_json::json!({"name": c.name.as_str(), "created_at": c.created_at.rfc3339()}))
            .collect(),
    )
}

/// `client list`.
pub fn clients_table(clients: &[crate::domain::client::Client]) -> String {
    if clients.is_empty() {
        return "No clients: `clinic2fa client add NAME` allows an application to call the sign-in service.".to_owned();
    }
    let mut table = PeopleTable::new().header(["client", "added"]);
    for c in clients {
        table.row(vec![c.name.to_string(), c.created_at.to_string()]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_text_and_others_left_alone() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(formula.into()), format!("'{formula}"));
        }
        for plain in ["Alice", "", "2026-11-27T17:00:00Z", "a=b", "O'Brien"] {
            assert_eq!(spreadsheet_safe(plain.into()), plain);
        }
    }
}
