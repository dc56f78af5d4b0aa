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
use crate::domain::username::natural_cmp;
use crate::error::{Error, exit};
use crate::store::accounts::Candidates;
use crate::store::{self, accounts};
use crate::ui::output::{JsonList, JsonObject};
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
        let mut list = JsonList::start(&mut out)?;
        accounts::for_each(&store.db(), |a| {
            if keep(&a) {
                list.push(&views::AccountView::new(&a, &clinic, now))?;
            }
            Ok(())
        })?;
        list.finish()?;
        writeln!(out)?;
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
        // A table a page at a time: each page sized to its own rows, so a list of
        // any length is drawn in little memory.
        let (mut page, mut total, mut drawn) = (Vec::new(), 0, false);
        accounts::for_each(&store.db(), |a| {
            total += 1;
            if keep(&a) {
                page.push(a);
            }
            if page.len() == views::TABLE_PAGE {
                writeln!(out, "{}", views::accounts_table(&page, total, &clinic, now))?;
                page.clear();
                drawn = true;
            }
            Ok(())
        })?;
        if !page.is_empty() || !drawn {
            writeln!(out, "{}", views::accounts_table(&page, total, &clinic, now))?;
        }
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
        "authenticators": account.authenticators,
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

/// The lists the report names. Each takes the accounts a rule of the domain picks,
/// shown as an element of its JSON array; `candidates` is a cheap filter the store
/// may apply first, which never leaves out an account the rule picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    MustEnrol,
    Exempt,
    BypassPending,
    Locked,
    Disabled,
    Inactive,
    InGrace,
    OverridesEnding,
}

/// In the report's order.
const SECTIONS: [Section; 8] = [
    Section::MustEnrol,
    Section::Exempt,
    Section::BypassPending,
    Section::Locked,
    Section::Disabled,
    Section::Inactive,
    Section::InGrace,
    Section::OverridesEnding,
];

/// How far ahead `report` looks for overrides about to end: two weeks.
const OVERRIDES_ENDING_SOON: i64 = 14 * 86_400;

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::MustEnrol => "must_enrol",
            Section::Exempt => "exempt",
            Section::BypassPending => "bypass_pending",
            Section::Locked => "locked",
            Section::Disabled => "disabled",
            Section::Inactive => "inactive",
            Section::InGrace => "in_grace",
            Section::OverridesEnding => "overrides_ending",
        }
    }

    fn candidates(self) -> Candidates {
        match self {
            Section::Exempt => Candidates::PolicyExempt,
            Section::BypassPending => Candidates::WithBypass,
            Section::Locked => Candidates::WithLock,
            Section::Disabled => Candidates::Disabled,
            Section::OverridesEnding => Candidates::WithOverrideEnd,
            Section::MustEnrol | Section::Inactive | Section::InGrace => Candidates::All,
        }
    }

    /// `a`'s element in this list, if the list takes it.
    fn entry(self, a: &Account, clinic: &Clinic, now: Timestamp) -> Option<serde_json::Value> {
        let name = a.username.as_str();
        let timed = |key: &str, t: Timestamp| json!({"username": name, key: t.rfc3339()});
        match self {
            Section::MustEnrol => a.needs_enrolment(clinic, now).then(|| json!(name)),
            Section::Exempt => (a.policy_at(now) == Policy::Exempt).then(|| json!(name)),
            Section::BypassPending => a.bypass_at(now).map(|t| timed("expires_at", t)),
            Section::Locked => a.locked_at(now).map(|t| timed("locked_until", t)),
            Section::Disabled => a.disabled.then(|| json!(name)),
            Section::Inactive => (!a.disabled
                && a.inactive_for(i64::from(clinic.inactive_days) * 86_400, now))
            .then(|| timed("last_seen", a.last_seen())),
            Section::InGrace => a.enrolment_due(clinic, now).map(|t| timed("enrolment_due", t)),
            Section::OverridesEnding => a
                .override_until(now)
                .filter(|u| *u <= now.plus_seconds(OVERRIDES_ENDING_SOON))
                .map(|until| json!({"username": name, "policy": a.policy.as_str(), "until": until.rfc3339()})),
        }
    }
}

/// What one pass over the accounts counts, with the first few of each list (what a
/// person is shown; the rest is one filtered `user list` away).
#[derive(Debug, Default)]
struct Counts {
    accounts: u64,
    enrolled: u64,
    /// Active authenticators, over everyone, and the people with more than one.
    authenticators: u64,
    several_authenticators: u64,
    required: u64,
    /// Per section: how many, and the first [`views::REPORT_SHOWN`].
    sections: Vec<(u64, Vec<serde_json::Value>)>,
}

/// The username of a report entry (a name, or an object with one).
fn entry_name(entry: &serde_json::Value) -> &str {
    entry.as_str().or_else(|| entry["username"].as_str()).unwrap_or("")
}

impl Counts {
    fn add(&mut self, a: &Account, clinic: &Clinic, now: Timestamp) {
        if self.sections.is_empty() {
            self.sections = vec![(0, Vec::new()); SECTIONS.len()];
        }
        self.accounts += 1;
        self.enrolled += u64::from(a.enrolled);
        self.authenticators += u64::from(a.authenticators);
        self.several_authenticators += u64::from(a.authenticators > 1);
        self.required += u64::from(a.requires_2fa(clinic, now));
        for (section, (count, first)) in SECTIONS.iter().zip(&mut self.sections) {
            if let Some(entry) = section.entry(a, clinic, now) {
                *count += 1;
                // The first names as people read them (staff2 before staff10), kept
                // to a few whatever the clinic's size.
                let full = first.len() == views::REPORT_SHOWN;
                if full
                    && first.last().is_some_and(|last| {
                        natural_cmp(entry_name(&entry), entry_name(last)).is_ge()
                    })
                {
                    continue;
                }
                let at = first
                    .partition_point(|x| natural_cmp(entry_name(x), entry_name(&entry)).is_lt());
                first.insert(at, entry);
                first.truncate(views::REPORT_SHOWN);
            }
        }
    }

    fn of(&self, section: Section) -> u64 {
        SECTIONS
            .iter()
            .position(|s| *s == section)
            .and_then(|i| self.sections.get(i))
            .map_or(0, |s| s.0)
    }

    /// The report's fields before its lists.
    fn head(&self, clinic: &Clinic, now: Timestamp) -> serde_json::Value {
        json!({
            "clinic": clinic.name,
            "require_2fa": clinic.require_2fa(),
            "require_2fa_for": clinic.require_2fa_for.as_str(),
            "generated_at": now.rfc3339(),
            "counts": {
                "accounts": self.accounts,
                "enrolled": self.enrolled,
                "authenticators": self.authenticators,
                "several_authenticators": self.several_authenticators,
                "required": self.required,
                "required_not_enrolled": self.of(Section::MustEnrol),
                "exempt": self.of(Section::Exempt),
                "bypass_pending": self.of(Section::BypassPending),
                "locked": self.of(Section::Locked),
                "disabled": self.of(Section::Disabled),
                "inactive": self.of(Section::Inactive),
            },
            "inactive_days": clinic.inactive_days,
        })
    }
}

/// `report`: counts and the lists behind the ones an admin acts on; `--csv` gives one
/// line per account with its status instead. Everything is read from one snapshot and
/// written as it is read, so a clinic of any size reports in little memory: the JSON
/// takes one pass for the counts, then one for each list.
pub fn report(ctx: &Context, csv: bool) -> anyhow::Result<u8> {
    one_format(ctx, csv)?;
    let store = ctx.open_store()?;
    let now = ctx.now;
    // A million accounts are read more than once: a count of them, at a terminal.
    let progress = crate::ui::progress::Progress::counting("reading accounts");
    let done = store.snapshot(|db| {
        let clinic = store::clinic::get(db)?;
        let mut out = BufWriter::new(std::io::stdout().lock());
        if csv {
            let mut writer = csv::Writer::from_writer(&mut out);
            let mut header = views::ACCOUNT_CSV_HEADER.to_vec();
            header.push("status");
            writer.write_record(&header)?;
            accounts::for_each(db, |a| {
                let mut record = views::account_csv(&a, &clinic, now);
                record.push(a.status(&clinic, now).to_owned());
                writer.write_record(&record)?;
                Ok(())
            })?;
            writer.flush()?;
            drop(writer);
            return Ok(out.flush()?);
        }
        let mut counts = Counts::default();
        accounts::for_each(db, |a| {
            progress.tick();
            counts.add(&a, &clinic, now);
            Ok(())
        })?;
        progress.finish();
        let head = counts.head(&clinic, now);
        if !ctx.out.json {
            let mut shown = head.clone();
            let mut totals = Vec::new();
            for (section, (count, first)) in SECTIONS.iter().zip(&counts.sections) {
                shown[section.key()] = serde_json::Value::Array(first.clone());
                totals.push((section.key(), *count));
            }
            writeln!(out, "{}", views::report_text(&shown, &totals))?;
            return Ok(out.flush()?);
        }
        // The head's fields, then each list streamed in as its own pass reads it.
        let mut report = JsonObject::start(&mut out, &head)?;
        for section in SECTIONS {
            report.list(section.key(), |list| {
                accounts::for_each_candidate(db, section.candidates(), |a| {
                    match section.entry(&a, &clinic, now) {
                        Some(entry) => Ok(list.push(&entry)?),
                        None => Ok(()),
                    }
                })
            })?;
        }
        writeln!(report.finish()?)?;
        Ok(out.flush()?)
    });
    progress.finish();
    done?;
    Ok(exit::SUCCESS)
}
