//! Progress on stderr for work that can run past a couple of seconds (an import's
//! hashes, a copy's rows): drawn only when stderr is a terminal, so scripts, pipes and
//! `--json` readers see nothing of it, and cleared when the work ends.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A count of `total` things being done, e.g. "hashing passwords".
#[derive(Debug, Clone)]
pub struct Progress(ProgressBar);

impl Progress {
    pub fn new(total: u64, what: &str) -> Progress {
        // indicatif draws nothing to a stderr that is not a terminal.
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{msg}: {pos}/{len} [{bar:30}] {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_owned());
        Progress(bar)
    }

    /// Things done with no total known ahead, e.g. "copying rows": a running count.
    pub fn counting(what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{msg}: {pos} so far ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_message(what.to_owned());
        Progress(bar)
    }

    /// `n` more done.
    pub fn add(&self, n: u64) {
        self.0.inc(n);
    }

    /// The next of a few stages, by name.
    pub fn stage(&self, what: &str) {
        self.0.set_message(what.to_owned());
        self.0.inc(1);
    }

    /// One more done (any thread).
    pub fn tick(&self) {
        self.0.inc(1);
    }

    /// The work is over: the line goes.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
