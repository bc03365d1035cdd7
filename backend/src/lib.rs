//! `fachwerk-backend`: a thin axum server around `fachwerk-shared`. It re-validates everything
//! it receives and owns the data directory.

pub mod api;
pub mod cli;
pub mod config;
pub mod error;

pub use api::app;
pub use config::{AppState, Config};
pub use error::AppError;
