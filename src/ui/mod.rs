//! What people see: prompts, tables, JSON documents, and (later) QR codes.
//! Nothing here decides a rule; it only shows and asks.

pub mod enrolment;
pub mod escape;
pub mod output;
pub mod progress;
pub mod prompt;
pub mod qr;
pub mod signin;
pub mod table;
pub mod views;
