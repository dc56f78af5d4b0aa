//! `audit [--user U] [--since T] [--limit N]` and `audit verify`.

use std::io::Write as _;

use serde_json::json;

use crate::cli::{AuditArgs, AuditCommand};
use crate::commands::Context;
use crate::domain::audit as chain;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::exit;
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
    let since = args.since.as_deref().map(Timestamp::parse).transpose()?;
    let store = ctx.open_store()?;
    let filter = Filter { user: user.as_ref().map(Username::as_str), since, limit: args.limit };
    // Written as read: JSON one entry at a time, a table a page at a time.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if ctx.out.json {
        let mut list = JsonList::start(&mut out)?;
        audit::for_each_listed(&store.db(), &filter, |entry| {
            Ok(list.push(&views::audit_entry_json(&entry))?)
        })?;
        list.finish()?;
        writeln!(out)?;
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

/// `audit head`: the newest entry's number and seal, one line to keep elsewhere.
fn head(ctx: &Context) -> anyhow::Result<u8> {
    let store = ctx.open_store()?;
    let seq = audit::head(&store.db())?.seq;
    let seal = audit::seal_of(&store.db(), seq)?.unwrap_or_default();
    let token = chain::Anchor { seq, seal }.token();
    ctx.out.result(&json!({"seq": seq, "head": token}), || {
        format!("{token}\n(audit trail head, entry #{seq}: write it down or send it off this machine; `clinic2fa audit verify --head {token}` checks the trail still holds it)")
    })?;
    Ok(exit::SUCCESS)
}

fn verify(ctx: &Context, anchor: Option<&str>) -> anyhow::Result<u8> {
    let anchor = anchor.map(chain::Anchor::parse).transpose()?;
    let store = ctx.open_store()?;
    // One snapshot: the head and the entries agree while others write. The entries
    // stream past the check, so a trail of any length needs little memory.
    let (checked, pinned) = store.snapshot(|db| {
        let head = audit::head(db)?;
        let mut walk = chain::Walk::new(db.keys);
        let (mut pinned, mut problem) = (0, None);
        audit::for_each_stored(db, |entry| {
            pinned += usize::from(entry.record.pinned_clock);
            if problem.is_none() {
                problem = walk.step(&entry).err();
            }
            Ok(())
        })?;
        let checked = match problem {
            Some(p) => Err(p),
            None => walk.finish(&head),
        };
        Ok((checked.map_err(|p| (p.kind(), p.entry(), p.to_string())), pinned))
    })?;
    let checked = match (checked, &anchor) {
        (Ok(entries), Some(anchor)) => {
            let found = audit::seal_of(&store.db(), anchor.seq)?;
            anchor.held_by(entries, found.as_deref()).map(|()| entries).map_err(|message| {
                let kind = if anchor.seq > entries { "truncated" } else { "forked" };
                (kind, Some(anchor.seq), message)
            })
        }
        (other, _) => other,
    };
    match checked {
        Ok(entries) => {
            let json = json!({"intact": true, "entries": entries, "pinned_clock_entries": pinned});
            ctx.out.result(&json, || {
                let mut text = format!(
                    "Audit trail intact: {entries} entries, each sealed and chained to the one before."
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
        Err((kind, entry, message)) => {
            if ctx.out.json {
                ctx.out.document(&json!({
                    "intact": false,
                    "problem": {"kind": kind, "entry": entry, "message": message},
                }))?;
            }
            note(&format!("clinic2fa: audit trail altered: {message}"))?;
            Ok(exit::FAILURE)
        }
    }
}
