//! Server configuration and shared state.

use std::path::PathBuf;
use std::sync::Arc;

/// Where the server listens, where it keeps its data, and which frontend it serves.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// Built frontend (Trunk's `dist/`); `None` serves only the API.
    pub dist_dir: Option<PathBuf>,
    /// Largest accepted request body.
    pub body_limit: usize,
}

impl Config {
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config { data_dir: data_dir.into(), dist_dir: None, body_limit: Config::DEFAULT_BODY_LIMIT }
    }
}

/// State shared by all handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(config: Config) -> AppState {
        AppState { config: Arc::new(config) }
    }
}
