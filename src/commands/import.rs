//! `user import FILE`: many accounts at once, all or none.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use serde_json::json;

use crate::cli::ImportFormat;
use crate::commands::{Context, audit_admin};
use crate::domain::audit::Action;
use crate::domain::import::{self, Format, Row, Secret};
use crate::domain::password::{self, Password};
use crate::domain::username::Username;
use crate::error::{Error, exit};
use crate::store::accounts;
use crate::ui::output::note;
use crate::ui::views;

/// What `user import` was asked to do.
#[derive(Debug)]
pub struct Request<'a> {
    pub file: &'a Path,
    pub dry_run: bool,
    pub format: Option<ImportFormat>,
    pub passwords_out: Option<&'a Path>,
}

pub fn run(ctx: &Context, request: &Request<'_>) -> anyhow::Result<u8> {
    let format = format_of(request)?;
    let bytes = std::fs::read(request.file)
        .with_context(|| format!("could not read {}", request.file.display()))?;
    let text = import::text_of(&bytes)?;
    let rows = import::read(text, format)?;
    let total = rows.len();
    let mut store = ctx.open_store()?;
    // Only the names this file brings are looked up, one index lookup each: an import
    // into a clinic of any size needs memory for the file alone.
    let mut existing = HashSet::new();
    for (_, raw) in &rows {
        let named = raw.username.as_deref().map(str::trim).and_then(|t| Username::parse(t).ok());
        if let Some(username) = named
            && accounts::exists(&store.db(), &username)?
        {
            existing.insert(username.to_string());
        }
    }
    let rows = match import::check(rows, &existing) {
        Ok(rows) => rows,
        Err(problems) => {
            if ctx.out.json {
                let errors: Vec<_> = problems
                    .iter()
                    .map(|p| match p.place {
                        import::Place::Line(n) => json!({"line": n, "reason": p.reason}),
                        import::Place::Index(n) => json!({"index": n, "reason": p.reason}),
                    })
                    .collect();
                ctx.out.document(&json!({"imported": 0, "errors": errors}))?;
            }
            // Reported here, not as an error, so stdout keeps exactly one document.
            for problem in &problems {
                note(&problem.to_string())?;
            }
            note(&format!(
                "clinic2fa: import refused: {} of {total} rows are wrong (listed above); nothing was imported",
                problems.len()
            ))?;
            return Ok(exit::USAGE);
        }
    };
    let temporary = rows.iter().filter(|r| matches!(r.secret, Secret::Temporary)).count();
    // What the real run would refuse about --passwords-out: a dry run says it and
    // goes on (it writes nothing, so it needs no file), a real run stops on it.
    let passwords_out_problem = match (temporary, request.passwords_out) {
        (0, _) => None,
        (_, None) => Some(format!(
            "{temporary} rows have no password: pass --passwords-out FILE to receive their temporary passwords"
        )),
        (_, Some(path)) if path.exists() => Some(format!(
            "{} already exists: choose a new --passwords-out file (it is never overwritten)",
            path.display()
        )),
        (_, Some(_)) => None,
    };
    if request.dry_run {
        let mut json =
            json!({"dry_run": true, "would_import": rows.len(), "temporary_passwords": temporary});
        if let Some(problem) = &passwords_out_problem {
            json["would_refuse"] = json!(problem);
        }
        ctx.out.result(&json, || {
            let mut text = format!(
                "Dry run, nothing changed: {} accounts would be imported ({temporary} with temporary passwords).",
                rows.len()
            );
            if let Some(problem) = &passwords_out_problem {
                text.push_str(&format!("\nThe real run would be refused as it stands: {problem}."));
            }
            text
        })?;
        return Ok(exit::SUCCESS);
    }
    if let Some(problem) = passwords_out_problem {
        return Err(Error::Usage(problem).into());
    }
    let passwords_out = request.passwords_out.filter(|_| temporary > 0);

    let prepared = prepare(rows)?;
    // The temporary passwords reach the admin before the accounts exist; if saving the
    // accounts fails, the file goes again.
    if let Some(path) = passwords_out {
        write_passwords(path, &prepared)?;
    }
    let saved = store.write(|tx| {
        for account in &prepared {
            accounts::insert(
                tx,
                &accounts::NewAccount {
                    username: &account.row.username,
                    name: account.row.name.as_deref(),
                    role: account.row.role,
                    policy: account.row.policy,
                    password_hash: &account.hash,
                    temporary_password: account.temporary.is_some(),
                    created_at: ctx.now,
                },
            )?;
            let detail = format!("import role={} 2fa={}", account.row.role, account.row.policy);
            audit_admin(
                ctx,
                tx,
                Action::UserAdd,
                Some(account.row.username.as_str()),
                Some(&detail),
            )?;
        }
        Ok(())
    });
    if let Err(e) = saved {
        if let Some(path) = passwords_out {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    let json = json!({
        "dry_run": false,
        "imported": prepared.len(),
        "temporary_passwords": temporary,
        "passwords_out": passwords_out.map(|p| p.display().to_string()),
    });
    ctx.out.result(&json, || {
        let mut text = format!("Imported {} accounts.", prepared.len());
        if let Some(path) = passwords_out {
            text.push_str(&format!(
                " {temporary} have temporary passwords, in {}: hand each to its owner; they choose their own at first sign-in.",
                path.display()
            ));
        }
        text
    })?;
    Ok(exit::SUCCESS)
}

fn format_of(request: &Request<'_>) -> Result<Format, Error> {
    if let Some(format) = request.format {
        return Ok(match format {
            ImportFormat::Csv => Format::Csv,
            ImportFormat::Json => Format::Json,
        });
    }
    let extension = request.file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("json") => Ok(Format::Json),
        _ => Err(Error::Usage(format!(
            "cannot tell the format of {} from its name: pass --format csv or --format json",
            request.file.display()
        ))),
    }
}

/// A checked row with its password hashed (and the temporary password, if made).
#[derive(Debug)]
struct Prepared {
    row: Row,
    hash: String,
    temporary: Option<Password>,
}

/// Hashes every password on all cores: argon2 is the import's whole cost.
fn prepare(rows: Vec<Row>) -> anyhow::Result<Vec<Prepared>> {
    let work: Vec<(Row, Option<Password>)> = rows
        .into_iter()
        .map(|row| {
            let temporary = match row.secret {
                Secret::Temporary => Some(password::generate_temporary()?),
                _ => None,
            };
            Ok((row, temporary))
        })
        .collect::<anyhow::Result<_>>()?;
    // Each password is an argon2 hash: 2,000 rows are tens of seconds.
    let progress = crate::ui::progress::Progress::new(work.len() as u64, "hashing passwords");
    let next = AtomicUsize::new(0);
    let workers =
        std::thread::available_parallelism().map_or(1, |n| n.get()).min(work.len().max(1));
    let hashes: Vec<Vec<(usize, String)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<Vec<(usize, String)>> {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((row, temporary)) = work.get(i) else { return Ok(done) };
                        let hash = match (&row.secret, temporary) {
                            (Secret::Hash(hash), _) => hash.clone(),
                            (Secret::Password(given), _) => password::hash(given)?,
                            (Secret::Temporary, Some(made)) => password::hash(made)?,
                            (Secret::Temporary, None) => unreachable!("made above"),
                        };
                        done.push((i, hash));
                        progress.tick();
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a hashing thread failed"))))
            .collect::<anyhow::Result<_>>()
    })?;
    progress.finish();
    let mut by_index: Vec<Option<String>> = vec![None; work.len()];
    for (i, hash) in hashes.into_iter().flatten() {
        by_index[i] = Some(hash);
    }
    Ok(work
        .into_iter()
        .zip(by_index)
        .map(|((row, temporary), hash)| Prepared {
            row,
            hash: hash.expect("every row hashed"),
            temporary,
        })
        .collect())
}

/// `username,password` lines, in a new file only its owner can read.
fn write_passwords(path: &Path, prepared: &[Prepared]) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not create {}", path.display()))?;
    let mut text = zeroize::Zeroizing::new(String::from("username,password\n"));
    for account in prepared {
        if let Some(temporary) = &account.temporary {
            // Neither can start like a formula (the username and password rules), but
            // every CSV the tool writes goes through the same guard.
            let cells = [account.row.username.to_string(), temporary.as_str().to_owned()]
                .map(|c| zeroize::Zeroizing::new(views::spreadsheet_safe(c)));
            text.push_str(&format!("{},{}\n", *cells[0], *cells[1]));
        }
    }
    if let Err(e) = file.write_all(text.as_bytes()).and_then(|()| file.sync_all()) {
        // Ours, and incomplete: left there it would block the retry (create_new).
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e).with_context(|| {
            format!("could not write {} (nothing was imported; it was removed)", path.display())
        });
    }
    Ok(())
}
