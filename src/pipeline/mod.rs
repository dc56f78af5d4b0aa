//! The sign-in pipeline, one for every door: the command line, the sign-in service's
//! HTTP API and PAM socket, and its enrolment page.
//!
//! A door begins a [`Conversation`] with what the person gave, and answers what it
//! asks ([`Ask`]: a code, a new password, a set-up to show and confirm, whether to
//! set up now) until it is [`Turn::Done`]. What happens at each step is decided by
//! the contract's rules (`domain::signin::decide`) and applied by [`attempt`], the one
//! place a sign-in's effects are written. The pipeline takes the clock and the caller
//! ([`Caller`]) and the store; it never prompts and never prints.

mod attempt;
mod conversation;

pub use attempt::{
    Attempted, Awaiting, Caller, Credential, Door, Materials, Offered, Prepared, Request, Started,
    Step, attempt,
};
pub use conversation::{
    Answer, Answered, Ask, Begin, CODE_TRIES, Conversation, Finished, SetUp, SetUpWhy, Turn, Wrong,
};

#[cfg(test)]
mod tests;
