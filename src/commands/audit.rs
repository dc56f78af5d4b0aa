//! `audit [--user U] [--since T] [--action A] [--limit N] [--csv]` and `audit verify`.

use std::io::Write as _;

use serde_json::json;

use crate::cli::{AuditArgs, AuditCommand};
use crate::commands::Context;
use crate::domain::audit as chain;
use crate::domain::duration;
use crate::domain::username::Username;
use crate::error::exit;
use crate::store;
use crate::store::audit::{self, Filter};
use crate::ui::output::{JsonList, note};
use crate::ui::views;

pub fn run(ctx: &Context, args: &AuditArgs) -> anyhow::Result<u8> {
    match &args.command {
        Some(AuditCommand::Verify { head }) => return verify(ctx, head.as_deref()),
        Some(AuditCommand::Head) => return head(ctx),
        None => {}
    }
    let user = args.user.as_deref().map(Username::parse).transpose()?;
    let now = ctx.now;
    let since = args.since.as_deref().map(|s| duration::parse_since(s, now)).transpose()?;
    let action = args.action.as_deref().map(action_named).transpose()?;
    let store = ctx.open_store()?;
    let filter =
        Filter { user: user.as_ref().map(Username::as_str), since, action, limit: args.limit };
    // Written as read: JSON one entry at a time, a table a page at a time.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if ctx.out.json {
        let mut list = JsonList::start(&mut out)?;
        audit::for_each_listed(&store.db(), &filter, |entry| {
            Ok(list.push(&views::audit_entry_json(&entry))?)
        })?;
        list.finish()?;
        writeln!(out)?;
    } else if args.csv {
        let mut csv = csv::Writer::from_writer(&mut out);
        csv.write_record(views::AUDIT_CSV_HEADER)?;
        audit::for_each_listed(&store.db(), &filter, |entry| {
            Ok(csv.write_record(views::audit_csv(&entry))?)
        })?;
        csv.flush()?;
    } else {
        let (mut page, mut count) = (Vec::new(), 0usize);
        audit::for_each_listed(&store.db(), &filter, |entry| {
            page.push(entry);
            count += 1;
            if page.len() == views::TABLE_PAGE {
                writeln!(out, "{}", views::audit_table(&page))?;
                page.clear();
            }
            Ok(())
        })?;
        if !page.is_empty() || count == 0 {
            writeln!(out, "{}", views::audit_table(&page))?;
        }
    }
    out.flush()?;
    Ok(exit::SUCCESS)
}

/// An action's stored name, as `--action` takes it; another word is refused with the
/// list to choose from.
fn action_named(name: &str) -> Result<&'static str, crate::error::Error> {
    let wanted = name.trim().to_ascii_lowercase();
    chain::Action::ALL.iter().map(|a| a.as_str()).find(|a| *a == wanted).ok_or_else(|| {
        let mut names: Vec<&str> = chain::Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        crate::error::Error::Usage(format!(
            "unknown action {}: give one of {}",
            crate::domain::text::shown(name),
            names.join(", ")
        ))
    })
}

/// `audit head`: the trail's newest entry number and its digest, alone on stdout (so
/// `HEAD=$(clinic2fa audit head)` works); the advice goes to stderr.
fn head(ctx: &Context) -> anyhow::Result<u8> {
    let store = ctx.open_store()?;
    let head = audit::head(&store.db())?;
    if !audit::head_is_sealed(&store.db(), &head) {
        return Err(crate::error::Error::Damaged(
            "the record of the audit trail's last entry was altered: run `clinic2fa audit verify`"
                .into(),
        )
        .into());
    }
    let token = chain::Anchor { seq: head.seq, seal: head.digest.clone() }.token();
    ctx.out.result(&json!({"seq": head.seq, "head": token}), || token.clone())?;
    if !ctx.out.json {
        note(&format!(
            "(audit trail head, entry #{}: write it down or send it off this machine; `clinic2fa audit verify --head {token}` checks the trail still holds it, across key rotations too)",
            head.seq
        ))?;
    }
    Ok(exit::SUCCESS)
}

/// What one walk over the trail found.
#[derive(Debug)]
struct Checked {
    /// The number of entries, or the first problem (kind, entry, message).
    trail: Result<i64, (&'static str, Option<i64>, String)>,
    pinned: usize,
    /// What the trail holds at the entry written down as its head.
    at_anchor: Option<chain::HeldAt>,
    /// Accounts whose seal does not verify, and whether the settings' does.
    damaged: Vec<String>,
    settings_ok: bool,
}

fn verify(ctx: &Context, anchor: Option<&str>) -> anyhow::Result<u8> {
    let anchor = anchor.map(chain::Anchor::parse).transpose()?;
    let store = ctx.open_store()?;
    let wanted = anchor.as_ref().map(|a| a.seq);
    // One snapshot: the head, the entries and the rows agree while others write. The
    // entries stream past the check, so a trail of any length needs little memory.
    let checked = store.snapshot(|db| {
        let head = audit::head(db)?;
        let mut walk = chain::Walk::new(db.keys);
        let (mut pinned, mut problem, mut at_anchor) = (0, None, None::<chain::HeldAt>);
        let mut recorded = Vec::new();
        audit::for_each_stored(db, |entry| {
            pinned += usize::from(entry.record.pinned_clock);
            if problem.is_some() {
                return Ok(());
            }
            problem = walk.step(&entry).err();
            if problem.is_none() && entry.seq == wanted {
                at_anchor = Some(chain::HeldAt {
                    digest: walk.digest().to_vec(),
                    seal: entry.seal.clone().unwrap_or_default(),
                    recorded: Vec::new(),
                });
            }
            // A key rotation records the head it found (sealed in its own entry).
            if entry.record.action == chain::Action::KeyRotate.as_str()
                && let Some(at) = wanted
                && let Some(old) = entry.record.detail.as_deref().and_then(rotated_head)
                && old.seq == at
            {
                recorded.push(old.seal);
            }
            Ok(())
        })?;
        if let Some(at) = &mut at_anchor {
            at.recorded = recorded;
        }
        let trail = match problem {
            Some(p) => Err(p),
            None => walk.finish(&head),
        };
        let (damaged, settings_ok) = store::seals::damaged(db)?;
        Ok(Checked {
            trail: trail.map_err(|p| (p.kind(), p.entry(), p.to_string())),
            pinned,
            at_anchor,
            damaged,
            settings_ok,
        })
    })?;
    let Checked { trail, pinned, at_anchor, damaged, settings_ok } = checked;
    let trail = match (trail, &anchor) {
        (Ok(entries), Some(anchor)) => {
            anchor.held_by(entries, at_anchor.as_ref()).map(|()| entries).map_err(|message| {
                let kind = if anchor.seq > entries { "truncated" } else { "forked" };
                (kind, Some(anchor.seq), message)
            })
        }
        (other, _) => other,
    };
    let rows_ok = damaged.is_empty() && settings_ok;
    match trail {
        Ok(entries) if rows_ok => {
            let json = json!({"intact": true, "entries": entries, "pinned_clock_entries": pinned, "damaged_accounts": [], "settings_intact": true});
            ctx.out.result(&json, || {
                let mut text = format!(
                    "Audit trail intact: {entries} entries, each sealed and chained to the one before. Every account and the clinic's settings carry their seals."
                );
                if pinned > 0 {
                    text.push_str(&format!(
                        "\n{pinned} of them were written under a pinned clock (CLINIC2FA_NOW): their times are what the pin said, not when they happened."
                    ));
                }
                text
            })?;
            Ok(exit::SUCCESS)
        }
        trail => {
            let problem = match &trail {
                Err((kind, entry, message)) => {
                    json!({"kind": kind, "entry": entry, "message": message})
                }
                Ok(_) => {
                    json!({"kind": "damaged-rows", "entry": null, "message": rows_message(&damaged, settings_ok)})
                }
            };
            if ctx.out.json {
                ctx.out.document(&json!({
                    "intact": false,
                    "problem": problem,
                    "damaged_accounts": damaged,
                    "settings_intact": settings_ok,
                }))?;
            }
            // One line: the trail's problem first, then the rows that do not verify.
            let mut line = match &trail {
                Err((_, _, message)) => format!("clinic2fa: audit trail altered: {message}"),
                Ok(_) => "clinic2fa:".to_owned(),
            };
            if !rows_ok {
                let sep = if trail.is_err() { "; and" } else { "" };
                line.push_str(&format!("{sep} {}", rows_message(&damaged, settings_ok)));
            }
            note(&line)?;
            Ok(exit::FAILURE)
        }
    }
}

/// The head a key rotation's entry recorded (`…; head before rotation SEQ:HEX`).
fn rotated_head(detail: &str) -> Option<chain::Anchor> {
    let (_, token) = detail.rsplit_once("head before rotation ")?;
    chain::Anchor::parse(token.trim()).ok()
}

fn rows_message(damaged: &[String], settings_ok: bool) -> String {
    let mut parts = Vec::new();
    if !damaged.is_empty() {
        parts.push(format!(
            "{} account(s) changed outside clinic2fa, nobody can sign in as them: {}",
            damaged.len(),
            damaged.join(", ")
        ));
    }
    if !settings_ok {
        parts.push("the clinic's settings were changed outside clinic2fa".to_owned());
    }
    format!("{}; restore from a backup (or remove and add the accounts again)", parts.join("; "))
}
