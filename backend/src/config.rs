//! Server configuration and shared state.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use crate::auth::{Sessions, Tokens};
use crate::drafts::DraftStore;
use crate::fsutil;
use crate::publications::PublicationStore;
use crate::repo::push::Pusher;
use crate::repo::{CatalogMeta, Repo};
use crate::security::Security;
use crate::sources::{Catalogues, SourceError};
use crate::users::{Bootstrap, HashCost, UserStore};

/// Environment variable with the password of the first admin (first start only).
pub const ADMIN_PASSWORD_ENV: &str = "FACHWERK_ADMIN_PASSWORD";

/// File in the data directory with the generated password of the first admin.
pub const ADMIN_PASSWORD_FILE: &str = "admin-passwort.txt";

/// Where the server listens, where it keeps its data, and which frontend it serves.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// Built frontend (Trunk's `dist/`); `None` serves only the API.
    pub dist_dir: Option<PathBuf>,
    /// Largest accepted request body.
    pub body_limit: usize,
    /// Remote to mirror the catalogue to after each publish (git URL or path).
    pub remote: Option<String>,
    /// Mark cookies `Secure` (when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Password for the bootstrap admin; falls back to `FACHWERK_ADMIN_PASSWORD`, else generated.
    pub admin_password: Option<String>,
    /// Catalogue settings for publiccode.yml.
    pub catalog: CatalogMeta,
    /// Cost of new password hashes (lower it only in tests).
    pub hash_cost: HashCost,
    /// Origins besides the `Host` itself that may send state-changing requests (a proxy
    /// that rewrites `Host`), e.g. `https://fachwerk.example.de`.
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` names the client (for throttling and the log).
    pub trusted_proxies: Vec<IpAddr>,
    /// Folders below which local template sources may lie (besides the own catalogue).
    pub source_roots: Vec<PathBuf>,
    /// Hosts allowed as template sources even though they resolve to internal addresses.
    pub source_allow_hosts: Vec<String>,
    /// Lifetime of new API tokens (and the longest one a user may ask for).
    pub token_lifetime_days: u32,
}

impl Config {
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            dist_dir: None,
            body_limit: Config::DEFAULT_BODY_LIMIT,
            remote: None,
            secure_cookies: false,
            admin_password: None,
            catalog: CatalogMeta::default(),
            hash_cost: HashCost::STANDARD,
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            source_roots: Vec::new(),
            source_allow_hosts: Vec::new(),
            token_lifetime_days: crate::auth::DEFAULT_TOKEN_LIFETIME_DAYS,
        }
    }
}

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub repo: Arc<Repo>,
    pub users: Arc<UserStore>,
    pub tokens: Arc<Tokens>,
    pub sessions: Arc<Sessions>,
    pub drafts: Arc<DraftStore>,
    pub publications: Arc<PublicationStore>,
    pub pusher: Pusher,
    pub security: Arc<Security>,
}

impl AppState {
    /// Opens the data directory, creating it on first start: the catalogue repository (seeded
    /// with the templates), the stores, and the `admin` account. Blocking; call it before
    /// serving. The push task is started if a remote is configured and a runtime is present.
    pub fn open(config: Config) -> anyhow::Result<AppState> {
        let dir = config.data_dir.clone();
        fsutil::ensure_dir(&dir)?;
        fsutil::restrict_dir(&dir)?;
        let repo = Repo::open_or_init(&dir.join("catalog.git"), config.catalog.clone())
            .context("catalogue repository")?;
        let users = UserStore::open(&dir, config.hash_cost).context("users.json")?;
        let password = config
            .admin_password
            .clone()
            .or_else(|| std::env::var(ADMIN_PASSWORD_ENV).ok());
        match users
            .bootstrap_admin(password.as_deref())
            .context("creating the admin account")?
        {
            Bootstrap::Generated(pw) => {
                // Never on stdout: logs are read by more people than the operator.
                let file = dir.join(ADMIN_PASSWORD_FILE);
                fsutil::write_atomic(&file, format!("{pw}\n").as_bytes())?;
                println!(
                    "Anmeldung: admin – das erste Passwort steht in {} (nur für den Eigentümer lesbar); bitte nach der Anmeldung ändern und die Datei löschen.",
                    file.display()
                );
            }
            Bootstrap::Created => println!("Anmeldung: admin (vorgegebenes Passwort)"),
            Bootstrap::Existing => {}
        }
        let tokens = Tokens::open(&dir, config.token_lifetime_days).context("tokens.json")?;
        let drafts = DraftStore::open(&dir).context("drafts")?;
        let publications = PublicationStore::open(&dir).context("publications")?;
        publications
            .reconcile(&repo)
            .context("reconciling publications with the catalogue")?;
        let pusher = match &config.remote {
            Some(remote) => Pusher::start(repo.path().to_path_buf(), remote.clone()),
            None => Pusher::disabled(),
        };
        Ok(AppState {
            security: Arc::new(Security::new(&config)),
            config: Arc::new(config),
            repo: Arc::new(repo),
            users: Arc::new(users),
            tokens: Arc::new(tokens),
            sessions: Arc::new(Sessions::default()),
            drafts: Arc::new(drafts),
            publications: Arc::new(publications),
            pusher,
        })
    }

    /// The own catalogue and the template sources of this data directory.
    pub fn catalogues(&self) -> Result<Catalogues, SourceError> {
        Catalogues::open(
            &self.config.catalog,
            &self.repo,
            &self.config.data_dir,
            &self.security.sources,
        )
    }

    /// Like [`AppState::open`], for tests and embedding.
    ///
    /// # Panics
    /// If the data directory cannot be opened or created.
    pub fn new(config: Config) -> AppState {
        match AppState::open(config) {
            Ok(state) => state,
            Err(e) => panic!("cannot open the data directory: {e:#}"),
        }
    }
}
