//! The shapes the contract fixes (JSON) and the ones people read (tables, summaries).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde_json::{Value, json};

use crate::domain::account::Account;
use crate::domain::settings::{Clinic, Setting};
use crate::domain::time::Timestamp;

fn time_or_null(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.rfc3339()))
}

/// The contract's user object.
pub fn account_json(account: &Account, clinic: &Clinic, now: Timestamp) -> Value {
    json!({
        "username": account.username.as_str(),
        "name": account.name,
        "role": account.role.as_str(),
        "disabled": account.disabled,
        "two_factor": {
            "policy": account.policy.as_str(),
            "required": account.requires_2fa(clinic),
            "enrolled": account.enrolled,
            "bypass": account.bypass_at(now).map(|t| json!({"expires_at": t.rfc3339()})),
            "recovery_codes_left": account.recovery_codes_left,
        },
        "locked_until": time_or_null(account.locked_at(now)),
        "created_at": account.created_at.rfc3339(),
        "last_login_at": time_or_null(account.last_login_at),
    })
}

/// The contract's `clinic show` object.
pub fn clinic_json(clinic: &Clinic) -> Value {
    let settings: serde_json::Map<String, Value> =
        Setting::ALL.iter().map(|s| (s.key().to_owned(), Value::from(clinic.get(*s)))).collect();
    json!({"name": clinic.name, "require_2fa": clinic.require_2fa, "settings": settings})
}

pub fn clinic_text(clinic: &Clinic) -> String {
    let mut table = key_value_table();
    table.add_row(vec!["name".to_owned(), clinic.name.clone()]);
    table.add_row(vec!["require-2fa".to_owned(), on_off(clinic.require_2fa).to_owned()]);
    for s in Setting::ALL {
        table.add_row(vec![s.key().to_owned(), clinic.get(s).to_string()]);
    }
    table.to_string()
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn key_value_table() -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// The people's `user list`: one row an account.
pub fn accounts_table(accounts: &[Account], clinic: &Clinic, now: Timestamp) -> String {
    if accounts.is_empty() {
        return "No accounts yet: add one with `clinic2fa user add USERNAME`.".to_owned();
    }
    let mut table = key_value_table();
    table.set_header(["username", "name", "role", "2FA policy", "required", "enrolled", "locked"]);
    for a in accounts {
        let locked = a.locked_at(now).map_or_else(|| "no".to_owned(), |t| format!("until {t}"));
        let mut username = a.username.to_string();
        if a.disabled {
            username.push_str(" (disabled)");
        }
        table.add_row(vec![
            username,
            a.name.clone().unwrap_or_default(),
            a.role.to_string(),
            a.policy.to_string(),
            yes_no(a.requires_2fa(clinic)).to_owned(),
            yes_no(a.enrolled).to_owned(),
            locked,
        ]);
    }
    table.to_string()
}

/// The people's `user show`.
pub fn account_text(a: &Account, clinic: &Clinic, now: Timestamp) -> String {
    let mut table = key_value_table();
    let mut row = |k: &str, v: String| {
        table.add_row(vec![k.to_owned(), v]);
    };
    row("username", a.username.to_string());
    row("name", a.name.clone().unwrap_or_default());
    row("role", a.role.to_string());
    row("disabled", yes_no(a.disabled).to_owned());
    row("2FA policy", a.policy.to_string());
    row("2FA required", yes_no(a.requires_2fa(clinic)).to_owned());
    row("enrolled", yes_no(a.enrolled).to_owned());
    row("recovery codes left", a.recovery_codes_left.to_string());
    row(
        "bypass",
        a.bypass_at(now).map_or_else(|| "none".to_owned(), |t| format!("pending, expires {t}")),
    );
    row("locked", a.locked_at(now).map_or_else(|| "no".to_owned(), |t| format!("until {t}")));
    row("created", a.created_at.to_string());
    row("last login", a.last_login_at.map_or_else(|| "never".to_owned(), |t| t.to_string()));
    table.to_string()
}

/// An audit entry as `audit --json` shows it.
pub fn audit_entry_json(entry: &crate::store::audit::Listed) -> Value {
    let r = &entry.record;
    json!({
        "seq": entry.seq,
        "at": Timestamp::from_unix(r.at).rfc3339(),
        "actor": r.actor,
        "action": r.action,
        "subject": r.subject,
        "outcome": r.outcome,
        "detail": r.detail,
    })
}

pub fn audit_table(entries: &[crate::store::audit::Listed]) -> String {
    if entries.is_empty() {
        return "No audit entries match.".to_owned();
    }
    let mut table = key_value_table();
    table.set_header(["#", "time", "actor", "action", "subject", "outcome", "detail"]);
    for entry in entries {
        let r = &entry.record;
        table.add_row(vec![
            entry.seq.map_or_else(|| "?".to_owned(), |s| s.to_string()),
            Timestamp::from_unix(r.at).rfc3339(),
            r.actor.clone(),
            r.action.clone(),
            r.subject.clone().unwrap_or_default(),
            r.outcome.clone(),
            r.detail.clone().unwrap_or_default(),
        ]);
    }
    table.to_string()
}
