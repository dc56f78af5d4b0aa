//! The clinic's rules as plain functions and types: no terminal, no SQL, no clap.
//! Time is always passed in, so every rule can be tested with a fixed clock.

pub mod account;
pub mod audit;
pub mod client;
pub mod device;
pub mod duration;
pub mod enrol_link;
pub mod explain;
#[cfg(test)]
pub mod fixtures;
pub mod import;
pub mod keys;
pub mod password;
pub mod policy;
#[cfg(test)]
mod properties;
pub mod public_url;
pub mod recovery;
pub mod settings;
pub mod signin;
pub mod text;
pub mod time;
pub mod totp;
pub mod username;
