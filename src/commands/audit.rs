//! `audit [--user U] [--since T] [--limit N]` and `audit verify`.

use serde_json::{Value, json};

use crate::cli::{AuditArgs, AuditCommand};
use crate::commands::Context;
use crate::domain::audit as chain;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;
use crate::error::exit;
use crate::store::audit::{self, Filter};
use crate::ui::output::note;
use crate::ui::views;

pub fn run(ctx: &Context, args: &AuditArgs) -> anyhow::Result<u8> {
    if let Some(AuditCommand::Verify) = args.command {
        return verify(ctx);
    }
    let user = args.user.as_deref().map(Username::parse).transpose()?;
    let since = args.since.as_deref().map(Timestamp::parse).transpose()?;
    let store = ctx.open_store()?;
    let filter = Filter { user: user.as_ref().map(Username::as_str), since, limit: args.limit };
    let entries = audit::list(store.conn(), &filter)?;
    let json = Value::Array(entries.iter().map(views::audit_entry_json).collect());
    ctx.out.result(&json, || views::audit_table(&entries))?;
    Ok(exit::SUCCESS)
}

fn verify(ctx: &Context) -> anyhow::Result<u8> {
    let store = ctx.open_store()?;
    let db = store.db();
    let head = audit::head(&db)?;
    match chain::verify(db.keys, audit::all_stored(&db)?, &head) {
        Ok(entries) => {
            ctx.out.result(&json!({"intact": true, "entries": entries}), || {
                format!("Audit trail intact: {entries} entries, each sealed and chained to the one before.")
            })?;
            Ok(exit::SUCCESS)
        }
        Err(problem) => {
            if ctx.out.json {
                ctx.out.document(&json!({
                    "intact": false,
                    "problem": {"kind": problem.kind(), "entry": problem.entry(), "message": problem.to_string()},
                }))?;
            }
            note(&format!("clinic2fa: audit trail altered: {problem}"))?;
            Ok(exit::FAILURE)
        }
    }
}
