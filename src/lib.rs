//! clinic2fa: a clinic's staff accounts and their two-factor authentication (TOTP),
//! over one SQLite file or a shared PostgreSQL database.
//!
//! Layers, each calling only downwards: `cli` (clap types) → `commands` (one adapter
//! per command) → `pipeline` (the sign-in, one for every door) → `domain` (the rules, pure) and `store` (SQLite or
//! PostgreSQL); `ui` shows and asks.

pub mod cli;
pub mod commands;
pub mod domain;
pub mod error;
pub mod pipeline;
pub mod service;
pub mod store;
pub mod ui;
