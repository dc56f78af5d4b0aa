//! Where the service's sign-ins run: `slots` threads of their own, each with its own
//! database connection and its own argon2 memory (~19 MiB, kept and wiped between
//! checks: `domain::password`), fed by a bounded queue. Memory is therefore fixed at
//! start, whatever the callers do: a caller beyond the queue is told "busy" at once
//! rather than held, so a flood costs neither memory nor a growing wait for everyone.
//!
//! Threads of our own rather than tokio's blocking pool: that pool starts and ends
//! threads as load comes and goes, and each new thread would fault in argon2 memory
//! of its own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::commands::Context;
use crate::domain::time::Timestamp;
use crate::error::Error;
use crate::store::{KeyFile, Location, Store};

/// A job for a worker: run against its connection (opened if it has none).
type Work = Box<dyn FnOnce(&mut Connection) + Send>;

/// Where the database is, and each worker's connection to it.
struct Opener {
    location: Location,
    key_path: KeyFile,
    pinned_clock: bool,
    /// Counts the times the database could not be reached: a connection opened
    /// before the last one went with the server, and is opened again.
    outages: AtomicU64,
}

/// A worker's connection: opened at its first job, dropped after a failed one (so a
/// server that went away is connected to again).
pub struct Connection {
    store: Option<Store>,
    /// `Opener::outages` when it was opened.
    opened_after: u64,
    opener: Arc<Opener>,
}

impl Connection {
    fn run<T>(&mut self, work: impl FnOnce(&mut Store) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let location = &self.opener.location;
        let outages = self.opener.outages.load(Ordering::SeqCst);
        if self.opened_after != outages {
            self.store = None;
        }
        if self.store.is_none() {
            self.opened_after = outages;
            let opened = Store::open(location, &self.opener.key_path)
                .map_err(|e| location.explain(e))?
                .pin_clock(self.opener.pinned_clock);
            self.store = Some(opened);
        }
        let store = self.store.as_mut().expect("opened above");
        let result = work(store).map_err(|e| location.explain(e));
        match &result {
            Ok(_) => {}
            Err(e) if is_unavailable(e) => {
                self.store = None;
                self.opener.outages.fetch_add(1, Ordering::SeqCst);
            }
            Err(_) => self.store = None,
        }
        result
    }
}

/// Threads and the bounded queue in front of them.
struct Lane {
    queue: Option<SyncSender<Work>>,
    threads: Vec<JoinHandle<()>>,
}

impl Lane {
    fn start(
        name: &str,
        slots: usize,
        queue: usize,
        opener: &Arc<Opener>,
    ) -> std::io::Result<Lane> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Work>(queue);
        let receive = Arc::new(Mutex::new(receive));
        let threads = (0..slots)
            .map(|i| {
                let (receive, opener) = (Arc::clone(&receive), Arc::clone(opener));
                std::thread::Builder::new()
                    .name(format!("{name}-{i}"))
                    .spawn(move || worker(&receive, opener))
            })
            .collect::<std::io::Result<_>>()?;
        Ok(Lane { queue: Some(send), threads })
    }
}

fn worker(jobs: &Mutex<Receiver<Work>>, opener: Arc<Opener>) {
    let mut connection = Connection { store: None, opened_after: 0, opener };
    loop {
        // One waiting worker holds the lock while it waits; the others wait for it.
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(work) = job else { return }; // the service is stopping
        // A sign-in that panics (a bug) fails alone: its caller gets an error, this
        // worker opens a fresh connection and goes on, and the slot is not lost.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut connection)));
        if ran.is_err() {
            connection.store = None;
        }
    }
}

pub struct Workers {
    /// The sign-ins: `--max-concurrent` at once.
    signins: Lane,
    /// `GET /v1/health`: one at a time, on a connection of its own, so that the answer
    /// says whether the database can be reached even while every sign-in slot is busy.
    health: Lane,
    /// Opening an enrolment link (`GET /enrol/TOKEN`, no password checked): one at a
    /// time, on a connection of its own, so that a flood of made-up links is answered
    /// "busy" without taking a sign-in slot.
    links: Lane,
}

/// Every slot busy and the queue full: try again shortly.
#[derive(Debug)]
pub struct Busy;

/// Which lane a job runs in.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    SignIn,
    Health,
    Link,
}

const HEALTH_QUEUE: usize = 64;
const LINK_QUEUE: usize = 64;

impl Workers {
    /// `key_path`: the key file the service was started with, found by opening the
    /// database once.
    pub fn start(
        ctx: &Context,
        key_path: PathBuf,
        slots: usize,
        queue: usize,
    ) -> anyhow::Result<Workers> {
        let opener = Arc::new(Opener {
            location: ctx.location.clone(),
            key_path: KeyFile::Named(key_path),
            pinned_clock: ctx.pinned_clock,
            outages: AtomicU64::new(0),
        });
        Ok(Workers {
            signins: Lane::start("signin", slots, queue, &opener)?,
            health: Lane::start("health", 1, HEALTH_QUEUE, &opener)?,
            links: Lane::start("link", 1, LINK_QUEUE, &opener)?,
        })
    }

    /// Runs `work` on a worker of its lane, with that worker's connection. Its error,
    /// if any, is explained as the CLI explains it (a server that cannot be reached
    /// becomes `Error::Unavailable`).
    pub async fn run<T, F>(&self, job: Job, work: F) -> Result<anyhow::Result<T>, Busy>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> anyhow::Result<T> + Send + 'static,
    {
        let lane = match job {
            Job::SignIn => &self.signins,
            Job::Health => &self.health,
            Job::Link => &self.links,
        };
        let Some(queue) = &lane.queue else { return Err(Busy) };
        let (answer, answered) = tokio::sync::oneshot::channel();
        let work: Work = Box::new(move |connection: &mut Connection| {
            // The caller has its answer before the argon2 memory is wiped.
            crate::domain::password::wiped_after(|| {
                let _ = answer.send(connection.run(work));
            });
        });
        match queue.try_send(work) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => return Err(Busy),
        }
        Ok(answered
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("a sign-in stopped unexpectedly"))))
    }

    /// Lets the workers finish their queue and stop, closing their connections.
    pub fn stop(mut self) {
        for lane in [&mut self.signins, &mut self.health, &mut self.links] {
            lane.queue = None;
            for thread in lane.threads.drain(..) {
                let _ = thread.join();
            }
        }
    }
}

/// The database cannot be reached (rather than refused this one request).
pub fn is_unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|c| matches!(c.downcast_ref::<Error>(), Some(Error::Unavailable(_))))
}

/// "Now" for one sign-in: the clock, or the pinned one (`CLINIC2FA_NOW`, for tests and
/// simulations: the same for every sign-in the service runs).
pub fn now(pinned: Option<Timestamp>) -> Timestamp {
    pinned.unwrap_or_else(Timestamp::system_now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_that_panics_fails_alone_and_its_worker_goes_on() {
        let opener = Arc::new(Opener {
            location: Location::File(PathBuf::from("/nonexistent/clinic2fa.db")),
            key_path: KeyFile::Named(PathBuf::from("/nonexistent/clinic2fa.db.key")),
            pinned_clock: false,
            outages: AtomicU64::new(0),
        });
        let mut lane = Lane::start("test", 1, 4, &opener).expect("a thread");
        let queue = lane.queue.as_ref().expect("open");
        let (told, answers) = std::sync::mpsc::channel::<&str>();
        let first = told.clone();
        queue
            .send(Box::new(move |_: &mut Connection| {
                let _keep = first; // dropped unanswered as the job unwinds
                panic!("a bug in one sign-in");
            }))
            .expect("queued");
        queue.send(Box::new(move |_: &mut Connection| told.send("next").unwrap())).expect("queued");
        assert_eq!(answers.recv(), Ok("next"), "the one worker outlived the panic");
        lane.queue = None;
        lane.threads.drain(..).for_each(|t| t.join().expect("the worker ended cleanly"));
    }
}
