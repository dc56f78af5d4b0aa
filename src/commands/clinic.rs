//! `clinic show | set-name | require-2fa | set`.

use serde_json::json;

use crate::cli::{ClinicCommand, RequireFor, SettingKey};
use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::domain::public_url;
use crate::domain::settings::{self, Clinic, Requirement};
use crate::error::exit;
use crate::store::{self, Db, Store};
use crate::ui::output::JsonObject;
use crate::ui::views;

pub fn run(ctx: &Context, cmd: ClinicCommand) -> anyhow::Result<u8> {
    let mut store = ctx.open_store()?;
    match cmd {
        ClinicCommand::Show => {}
        ClinicCommand::SetName { name } => {
            let name = settings::check_clinic_name(&name)?;
            change(ctx, &mut store, Action::ClinicSetName, &name, |tx| {
                store::clinic::set_name(tx, &name)
            })?;
        }
        ClinicCommand::Require2fa { state, dry_run } => {
            let who = match state {
                RequireFor::On => Requirement::Everyone,
                RequireFor::Admins => Requirement::Admins,
                RequireFor::Off => Requirement::Nobody,
            };
            if dry_run {
                return require_2fa_dry_run(ctx, &store, who);
            }
            change(ctx, &mut store, Action::ClinicRequire2fa, who.command_word(), |tx| {
                store::clinic::set_require_2fa_for(tx, who, ctx.now)
            })?;
            let clinic = show(ctx, &store)?;
            if !ctx.out.json {
                // What changed for people, not only the settings: who must now enrol.
                let (count, named) = must_enrol(ctx, &store, &clinic)?;
                let mut text = format!("Now {}.", enrolling(count, &named, ["has", "has", "have"]));
                if operator_must_enrol(ctx, &store, &clinic)? {
                    text.push_str(&format!(
                        " You ({}) are one of them: run `clinic2fa enrol {}` before you next sign in.",
                        ctx.operator, ctx.operator
                    ));
                }
                ctx.out.text(&text)?;
            }
            return Ok(exit::SUCCESS);
        }
        ClinicCommand::Set { setting: SettingKey::PublicUrl, value } => {
            let url = public_url::parse(&value)?;
            let detail = format!("public-url={}", url.as_deref().unwrap_or("none"));
            change(ctx, &mut store, Action::ClinicSet, &detail, |tx| {
                store::clinic::set_public_url(tx, url.as_deref())
            })?;
        }
        ClinicCommand::Set { setting: SettingKey::Number(setting), value } => {
            let value = setting.parse_value(&value)?;
            let detail = format!("{setting}={}", setting.shown_text(value));
            change(ctx, &mut store, Action::ClinicSet, &detail, |tx| {
                store::clinic::set(tx, setting, value)
            })?;
        }
    }
    show(ctx, &store)?;
    Ok(exit::SUCCESS)
}

/// The settings as they are now, and the address enrolment links start with.
fn show(ctx: &Context, store: &Store) -> anyhow::Result<Clinic> {
    let clinic = store::clinic::get(&store.db())?;
    let url = store::clinic::public_url(&store.db())?;
    ctx.out.result(&views::clinic_json(&clinic, url.as_deref()), || {
        views::clinic_text(&clinic, url.as_deref())
    })?;
    Ok(clinic)
}

/// Applies one change to the clinic and records it in the audit trail, together.
fn change(
    ctx: &Context,
    store: &mut Store,
    action: Action,
    detail: &str,
    mut apply: impl FnMut(&Db<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    store.write(|tx| {
        apply(tx)?;
        audit_admin(ctx, tx, action, None, Some(detail))
    })
}

/// How many must enrol at their next login under `clinic`'s rules, and the first few
/// of them by name (in little memory, a clinic of any size).
fn must_enrol(
    ctx: &Context,
    store: &Store,
    clinic: &Clinic,
) -> anyhow::Result<(usize, Vec<String>)> {
    let (mut count, mut named) = (0usize, Vec::new());
    store::accounts::for_each(&store.db(), |a| {
        if a.needs_enrolment(clinic, ctx.now) {
            if named.len() < views::REPORT_SHOWN {
                named.push(a.username.as_str().to_owned());
            }
            count += 1;
        }
        Ok(())
    })?;
    Ok((count, named))
}

/// Whether the admin running the command has an account of their login's name that
/// must enrol.
fn operator_must_enrol(ctx: &Context, store: &Store, clinic: &Clinic) -> anyhow::Result<bool> {
    let Ok(name) = crate::domain::username::Username::parse(&ctx.operator) else {
        return Ok(false);
    };
    Ok(store::accounts::find(&store.db(), &name)?
        .is_some_and(|a| a.needs_enrolment(clinic, ctx.now)))
}

/// "3 would have to enrol at their next login: ann, bob, cat", or "nobody would
/// have to enrol"; `verbs`: for nobody, one, several ("has", "has", "have").
fn enrolling(count: usize, named: &[String], verbs: [&str; 3]) -> String {
    match count {
        0 => format!("nobody {} to enrol", verbs[0]),
        n => {
            let verb = if n == 1 { verbs[1] } else { verbs[2] };
            let mut who = format!("{n} {verb} to enrol at their next login: {}", named.join(", "));
            if n > named.len() {
                who.push_str(&format!(" and {} more", n - named.len()));
            }
            who
        }
    }
}

/// Who would have to enrol at their next login under the clinic-wide rule `who`. The
/// names stream out as they are read (JSON), or the first few are named with a count
/// (text): a clinic of any size in little memory.
fn require_2fa_dry_run(ctx: &Context, store: &Store, who: Requirement) -> anyhow::Result<u8> {
    use std::io::Write as _;
    let clinic = Clinic { require_2fa_for: who, ..store::clinic::get(&store.db())? };
    let each_must_enrol = |visit: &mut dyn FnMut(&str) -> anyhow::Result<()>| {
        store::accounts::for_each(&store.db(), |a| {
            if a.needs_enrolment(&clinic, ctx.now) { visit(a.username.as_str()) } else { Ok(()) }
        })
    };
    if ctx.out.json {
        let head = json!({
            "dry_run": true,
            "require_2fa": clinic.require_2fa(),
            "require_2fa_for": who.as_str(),
        });
        let mut doc = JsonObject::start(std::io::BufWriter::new(std::io::stdout().lock()), &head)?;
        doc.list("must_enrol", |list| each_must_enrol(&mut |name| Ok(list.push(&name)?)))?;
        let mut out = doc.finish()?;
        writeln!(out)?;
        out.flush()?;
        return Ok(exit::SUCCESS);
    }
    let (count, named) = must_enrol(ctx, store, &clinic)?;
    let state = who.command_word();
    let who = enrolling(count, &named, ["would have"; 3]);
    ctx.out.text(&format!(
        "Dry run, nothing changed. With the clinic-wide requirement {state}, {who}."
    ))?;
    Ok(exit::SUCCESS)
}
