//! `fachwerk-backend`: a thin axum server around `fachwerk-shared`. It re-validates everything
//! it receives and owns the data directory:
//!
//! ```text
//! data/
//!   catalog.git/      the published catalogue (bare git repository, Open CoDE layout)
//!   drafts/           one JSON file per draft (atomic writes, revision numbers)
//!   publications/     one JSON file per publication request
//!   users.json        accounts with argon2id password hashes
//!   tokens.json       API tokens (SHA-256 hashes)
//!   sources.json      template sources (other catalogues) and their last fetch
//!   sources/<id>/     bare mirror of each source (id = hash of its URL)
//! ```

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod drafts;
pub mod error;
pub mod fsutil;
pub mod publications;
pub mod repo;
pub mod security;
pub mod server;
pub mod sources;
pub mod tools;
pub mod users;

pub use api::{app, openapi};
pub use config::{AppState, Config};
pub use error::AppError;
