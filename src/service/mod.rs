//! `clinic2fa serve`: the sign-in service. One long-lived process holds the database
//! and its key file and signs people in for the PAM module (the Unix socket,
//! [`socket`]), the clinic's applications (the HTTP API, [`http`]) and staff setting
//! up an authenticator from a browser (the enrolment page, [`page`]), with the rules
//! of `clinic2fa login`: every sign-in goes through the one pipeline
//! (`crate::pipeline`), through the doors in [`socket`], [`door`] and [`page`].
//!
//! The runtime: tokio, with hyper for HTTP/1.1. The network side is asynchronous so
//! that a thousand slow or idle clients cost a few kilobytes each, not a thread each;
//! the sign-ins themselves (an argon2 check of ~19 MiB, then a database transaction)
//! run on threads of their own, never more than `--max-concurrent` at once
//! ([`workers`]), so memory stays bounded whatever the callers do.

mod door;
mod http;
mod limits;
mod page;
mod socket;
mod workers;

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::sync::Arc;

use crate::cli::ServeArgs;
use crate::commands::Context;
use crate::error::{Error, exit};
use crate::store::Location;

/// The most sign-ins waiting for a free slot, per slot, before callers are told the
/// service is busy: a burst queues, a flood is turned away.
const QUEUE_PER_SLOT: usize = 16;

pub fn run(ctx: &Context, args: &ServeArgs) -> anyhow::Result<u8> {
    let listen = match &args.listen {
        Some(text) => Some(listen_address(text, args.tls_cert.is_some())?),
        None => None,
    };
    let slots = match args.max_concurrent {
        Some(0) => {
            return Err(Error::Usage(
                "--max-concurrent 0 would never sign anyone in: give 1 or more".into(),
            )
            .into());
        }
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
    };
    if let Location::File(db) = &ctx.location {
        refuse_if_others_read(db)?;
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(http::tls_config(cert, key)?),
        _ => None,
    };
    // Opened once here, so that a wrong key, a damaged or newer database is refused at
    // start (and the schema is brought up to date once), not at the first sign-in; and
    // so that the key file is known (a server's is found by the clinic's id), to be
    // refused if others can read it.
    let store = crate::store::Store::open(&ctx.location, &ctx.key_file)?;
    let key_path = store.key_path().to_owned();
    refuse_if_others_read(&key_path)?;
    let mut store = ctx.settle(store)?;
    if let Some(url) = &args.public_url {
        keep_public_url(ctx, &mut store, url)?;
    }
    drop(store);
    let workers = Arc::new(workers::Workers::start(ctx, key_path, slots, slots * QUEUE_PER_SLOT)?);
    // Two threads for the network: the work is on the workers' threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(2)
        .enable_all()
        .build()?;
    let pinned = ctx.pinned_clock.then_some(ctx.now);
    let socket = args.socket.clone();
    let served = runtime.block_on(http::serve(socket, listen, tls, Arc::clone(&workers), pinned));
    drop(runtime);
    // The workers finish and close their connections in their own threads (a
    // PostgreSQL client closes by running a runtime of its own, which tokio refuses
    // inside another).
    if let Ok(workers) = Arc::try_unwrap(workers) {
        workers.stop();
    }
    served?;
    Ok(exit::SUCCESS)
}

/// `--public-url`: the clinic's public-url from now on, so that the links `user
/// enrol-link` prints lead here. Recorded (and audited) only when it changes.
fn keep_public_url(
    ctx: &Context,
    store: &mut crate::store::Store,
    url: &str,
) -> anyhow::Result<()> {
    let url = crate::domain::public_url::parse(url)
        .map_err(|e| Error::Usage(format!("--{e}")))?
        .ok_or_else(|| {
            Error::Usage(
                "--public-url none: give the page's address, or leave --public-url out".into(),
            )
        })?;
    if crate::store::clinic::public_url(&store.db())?.as_deref() == Some(url.as_str()) {
        return Ok(());
    }
    let detail = format!("public-url={url} (serve --public-url)");
    store.write(|tx| {
        crate::store::clinic::set_public_url(tx, Some(&url))?;
        crate::commands::audit_admin(
            ctx,
            tx,
            crate::domain::audit::Action::ClinicSet,
            None,
            Some(&detail),
        )
    })?;
    http::log(&format!("enrolment links now start with {url}"));
    Ok(())
}

/// `--listen`: plain HTTP only on a loopback address, where nobody on the network can
/// read the passwords it carries.
fn listen_address(text: &str, tls: bool) -> anyhow::Result<SocketAddr> {
    let addr: SocketAddr = text.parse().map_err(|_| {
        Error::Usage(format!(
            "--listen {}: not an address and port; give one like 127.0.0.1:8080 or [::1]:8080",
            crate::domain::text::shown(text)
        ))
    })?;
    if !tls && !addr.ip().is_loopback() {
        return Err(Error::Usage(format!(
            "--listen {addr}: plain HTTP would carry passwords over the network; listen on a loopback address (127.0.0.1) behind a TLS proxy, or give --tls-cert FILE --tls-key FILE"
        ))
        .into());
    }
    Ok(addr)
}

/// The service alone may read the database and its key: refused, not warned about, at
/// start.
fn refuse_if_others_read(file: &Path) -> anyhow::Result<()> {
    let Ok(meta) = std::fs::metadata(file) else { return Ok(()) };
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(Error::Conflict(format!(
            "{} can be read or written by other users (mode {:o}); the service refuses to start on it: `chmod 600 {}`, owned by the service's user",
            file.display(),
            mode & 0o777,
            file.display()
        ))
        .into());
    }
    Ok(())
}
