//! `clinic show | set-name | require-2fa | set`.

use serde_json::json;

use crate::cli::{ClinicCommand, RequireFor};
use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
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
        }
        ClinicCommand::Set { setting, value } => {
            let value = setting.parse_value(&value)?;
            let detail = format!("{setting}={}", setting.shown_text(value));
            change(ctx, &mut store, Action::ClinicSet, &detail, |tx| {
                store::clinic::set(tx, setting, value)
            })?;
        }
    }
    let clinic = store::clinic::get(&store.db())?;
    ctx.out.result(&views::clinic_json(&clinic), || views::clinic_text(&clinic))?;
    Ok(exit::SUCCESS)
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

/// Who would have to enrol at their next login under the clinic-wide rule `who`. The
/// names stream out as they are read (JSON), or the first few are named with a count
/// (text): a clinic of any size in little memory.
fn require_2fa_dry_run(ctx: &Context, store: &Store, who: Requirement) -> anyhow::Result<u8> {
    use std::io::Write as _;
    let clinic = Clinic { require_2fa_for: who, ..store::clinic::get(&store.db())? };
    let must_enrol = |visit: &mut dyn FnMut(&str) -> anyhow::Result<()>| {
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
        doc.list("must_enrol", |list| must_enrol(&mut |name| Ok(list.push(&name)?)))?;
        let mut out = doc.finish()?;
        writeln!(out)?;
        out.flush()?;
        return Ok(exit::SUCCESS);
    }
    let (mut count, mut named) = (0usize, Vec::new());
    must_enrol(&mut |name| {
        if named.len() < views::REPORT_SHOWN {
            named.push(name.to_owned());
        }
        count += 1;
        Ok(())
    })?;
    let state = who.command_word();
    let who = match count {
        0 => "nobody would have to enrol".to_owned(),
        n => {
            let mut who =
                format!("{n} would have to enrol at their next login: {}", named.join(", "));
            if n > named.len() {
                who.push_str(&format!(" and {} more", n - named.len()));
            }
            who
        }
    };
    ctx.out.text(&format!(
        "Dry run, nothing changed. With the clinic-wide requirement {state}, {who}."
    ))?;
    Ok(exit::SUCCESS)
}
