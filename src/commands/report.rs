//! Seeing the clinic's state: `user list` (filtered, streamed), `user explain`, and the
//! compliance `report`.

use std::io::{BufWriter, Write};

use serde_json::json;

use crate::cli::ListArgs;
use crate::commands::Context;
use crate::domain::account::Account;
use crate::domain::duration;
use crate::domain::explain;
use crate::domain::policy::Policy;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::store::{self, accounts};
use crate::ui::views;

/// `--csv` and `--json` each promise the whole of stdout: only one can have it.
fn one_format(ctx: &Context, csv: bool) -> Result<(), Error> {
    if csv && ctx.out.json {
        return Err(Error::Usage("--csv and --json both want stdout: choose one".into()));
    }
    Ok(())
}

fn keep(
    args: &ListArgs,
    inactive: Option<i64>,
    a: &Account,
    clinic: &Clinic,
    now: Timestamp,
) -> bool {
    args.role.is_none_or(|r| r == a.role)
        && inactive.is_none_or(|seconds| a.inactive_for(seconds, now))
        && (!args.needs_enrolment || a.needs_enrolment(clinic, now))
        && (!args.locked || a.locked_at(now).is_some())
        && (!args.bypass_pending || a.bypass_at(now).is_some())
        && (!args.exempt || a.policy_at(now) == Policy::Exempt)
}

/// `user list`: accounts are read and written one at a time for `--json` and `--csv`,
/// so a clinic of any size lists in little memory.
pub fn list(ctx: &Context, args: &ListArgs) -> anyhow::Result<u8> {
    one_format(ctx, args.csv)?;
    let inactive =
        args.inactive.as_deref().map(|d| duration::parse_span(d, "--inactive")).transpose()?;
    let store = ctx.open_store()?;
    let clinic = store::clinic::get(&store.db())?;
    let now = ctx.now;
    let keep = |a: &Account| keep(args, inactive, a, &clinic, now);
    let mut out = BufWriter::new(std::io::stdout().lock());
    if ctx.out.json {
        let mut first = true;
        out.write_all(b"[")?;
        accounts::for_each(&store.db(), |a| {
            if keep(&a) {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut out, &views::AccountView::new(&a, &clinic, now))?;
            }
            Ok(())
        })?;
        out.write_all(b"]\n")?;
    } else if args.csv {
        let mut csv = csv::Writer::from_writer(&mut out);
        csv.write_record(views::ACCOUNT_CSV_HEADER)?;
        accounts::for_each(&store.db(), |a| {
            if keep(&a) {
                csv.write_record(views::account_csv(&a, &clinic, now))?;
            }
            Ok(())
        })?;
        csv.flush()?;
    } else {
        let (mut shown, mut total) = (Vec::new(), 0);
        accounts::for_each(&store.db(), |a| {
            total += 1;
            if keep(&a) {
                shown.push(a);
            }
            Ok(())
        })?;
        writeln!(out, "{}", views::accounts_table(&shown, total, &clinic, now))?;
    }
    out.flush()?;
    Ok(exit::SUCCESS)
}

pub fn explain(ctx: &Context, username: &str) -> anyhow::Result<u8> {
    let username = Username::parse(username)?;
    let store = ctx.open_store()?;
    let clinic = store::clinic::get(&store.db())?;
    let account = accounts::get(&store.db(), &username)?;
    let e = explain::explain(&account, &clinic, ctx.now);
    let json = json!({
        "username": username.as_str(),
        "required": e.required,
        "decided_by": e.decided_by,
        "policy": account.policy_at(ctx.now).as_str(),
        "policy_until": account.override_until(ctx.now).map(Timestamp::rfc3339),
        "enrolment_due": account.enrolment_due(&clinic, ctx.now).map(Timestamp::rfc3339),
        "require_2fa_for": clinic.require_2fa_for.as_str(),
        "clinic_require_2fa": clinic.require_2fa(),
        "clinic_require_2fa_for": clinic.require_2fa_for.as_str(),
        "reason": e.reason,
        "enrolled": account.enrolled,
        "must_enrol": e.must_enrol,
        "next_login": e.next_login,
        "bypass": account.bypass_at(ctx.now).map(|t| json!({"expires_at": t.rfc3339()})),
        "locked_until": account.locked_at(ctx.now).map(Timestamp::rfc3339),
        "disabled": account.disabled,
        "password_change_required": account.must_change_password,
    });
    ctx.out.result(&json, || {
        format!("{username}: 2FA is {}.\nNext login asks for: {}.", e.reason, e.next_login)
    })?;
    Ok(exit::SUCCESS)
}

/// What the report counts and lists.
#[derive(Debug, Default)]
struct Compliance {
    accounts: u64,
    enrolled: u64,
    required: u64,
    exempt: Vec<String>,
    must_enrol: Vec<String>,
    bypass_pending: Vec<(String, Timestamp)>,
    locked: Vec<(String, Timestamp)>,
    disabled: Vec<String>,
    /// Enabled accounts with no sign-in for `inactive-days`: who they are, and since
    /// when (their last sign-in, or their making).
    inactive: Vec<(String, Timestamp)>,
    /// Who must enrol but may still sign in with the password alone, and until when.
    in_grace: Vec<(String, Timestamp)>,
    /// Overrides (`--until`) that end within [`OVERRIDES_ENDING_SOON`].
    overrides_ending: Vec<(String, &'static str, Timestamp)>,
}

/// How far ahead `report` looks for overrides about to end: two weeks.
const OVERRIDES_ENDING_SOON: i64 = 14 * 86_400;

impl Compliance {
    fn add(&mut self, a: &Account, clinic: &Clinic, now: Timestamp) {
        let name = a.username.to_string();
        self.accounts += 1;
        self.enrolled += u64::from(a.enrolled);
        self.required += u64::from(a.requires_2fa(clinic, now));
        if a.policy_at(now) == Policy::Exempt {
            self.exempt.push(name.clone());
        }
        if a.disabled {
            self.disabled.push(name.clone());
        } else if a.needs_enrolment(clinic, now) {
            self.must_enrol.push(name.clone());
            if let Some(due) = a.enrolment_due(clinic, now) {
                self.in_grace.push((name.clone(), due));
            }
        }
        if let Some(until) = a.bypass_at(now) {
            self.bypass_pending.push((name.clone(), until));
        }
        if !a.disabled && a.inactive_for(i64::from(clinic.inactive_days) * 86_400, now) {
            self.inactive.push((name.clone(), a.last_seen()));
        }
        if let Some(until) =
            a.override_until(now).filter(|u| *u <= now.plus_seconds(OVERRIDES_ENDING_SOON))
        {
            self.overrides_ending.push((name.clone(), a.policy.as_str(), until));
        }
        if let Some(until) = a.locked_at(now) {
            self.locked.push((name, until));
        }
    }
}

/// `report`: counts and the lists behind the ones an admin acts on; `--csv` gives one
/// line per account with its status instead.
pub fn report(ctx: &Context, csv: bool) -> anyhow::Result<u8> {
    one_format(ctx, csv)?;
    let store = ctx.open_store()?;
    let clinic = store::clinic::get(&store.db())?;
    let now = ctx.now;
    if csv {
        let mut out = BufWriter::new(std::io::stdout().lock());
        let mut writer = csv::Writer::from_writer(&mut out);
        let mut header = views::ACCOUNT_CSV_HEADER.to_vec();
        header.push("status");
        writer.write_record(&header)?;
        accounts::for_each(&store.db(), |a| {
            let mut record = views::account_csv(&a, &clinic, now);
            record.push(a.status(&clinic, now).to_owned());
            writer.write_record(&record)?;
            Ok(())
        })?;
        writer.flush()?;
        drop(writer);
        out.flush()?;
        return Ok(exit::SUCCESS);
    }
    let mut c = Compliance::default();
    accounts::for_each(&store.db(), |a| {
        c.add(&a, &clinic, now);
        Ok(())
    })?;
    let pairs = |list: &[(String, Timestamp)], key: &str| -> Vec<serde_json::Value> {
        list.iter().map(|(u, t)| json!({"username": u, key: t.rfc3339()})).collect()
    };
    let json = json!({
        "clinic": clinic.name,
        "require_2fa": clinic.require_2fa(),
        "require_2fa_for": clinic.require_2fa_for.as_str(),
        "generated_at": now.rfc3339(),
        "counts": {
            "accounts": c.accounts,
            "enrolled": c.enrolled,
            "required": c.required,
            "required_not_enrolled": c.must_enrol.len(),
            "exempt": c.exempt.len(),
            "bypass_pending": c.bypass_pending.len(),
            "locked": c.locked.len(),
            "disabled": c.disabled.len(),
            "inactive": c.inactive.len(),
        },
        "inactive_days": clinic.inactive_days,
        "must_enrol": c.must_enrol,
        "exempt": c.exempt,
        "bypass_pending": pairs(&c.bypass_pending, "expires_at"),
        "locked": pairs(&c.locked, "locked_until"),
        "disabled": c.disabled,
        "inactive": pairs(&c.inactive, "last_seen"),
        "in_grace": pairs(&c.in_grace, "enrolment_due"),
        "overrides_ending": c.overrides_ending.iter().map(|(u, policy, until)| {
            json!({"username": u, "policy": policy, "until": until.rfc3339()})
        }).collect::<Vec<_>>(),
    });
    ctx.out.result(&json, || views::report_text(&json))?;
    Ok(exit::SUCCESS)
}
