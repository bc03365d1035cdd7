//! `fachwerk-backend`: a thin axum server around `fachwerk-shared`. It re-validates everything
//! it receives and owns the data directory:
//!
//! ```text
//! data/
//!   catalog.git/      the published catalogue (bare git repository, Open CoDE layout)
//!   fachwerk.sqlite3  the state (module `db`): accounts, sessions, API tokens, drafts,
//!                     publication requests, template sources; or PostgreSQL (`--database`)
//!   sources/<id>/     bare mirror of each source (id = hash of its URL)
//!   json-backup-*/    the JSON files of release 0.1, after their one-time import
//! ```

pub mod api;
pub mod auth;
pub mod case_cli;
pub mod cases;
pub mod catalog_cli;
pub mod cli;
pub mod config;
pub mod db;
pub mod delivery;
pub mod drafts;
pub mod error;
pub mod frontend;
pub mod fsutil;
pub mod maintenance;
pub mod metrics;
pub mod oidc;
pub mod outputs;
pub mod publications;
pub mod repo;
pub mod security;
pub mod server;
pub mod sources;
pub mod tools;
pub mod users;
pub mod validate_cli;

pub use api::{app, openapi};
pub use config::{AppState, Config};
pub use error::AppError;
