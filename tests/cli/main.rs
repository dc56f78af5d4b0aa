//! Integration tests: each drives the real binary in its own temp dir, with the
//! environment cleared so nothing of the developer's machine leaks in.

mod harness;

mod accounts;
mod clinic;
mod completions;
mod login;
mod passwd;
mod policy;
mod provisioning;
mod qr;
mod recovery;
mod reliability;
mod security;
mod storage;
mod terminal;
mod totp;
