//! Server configuration and shared state.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use crate::auth::{Sessions, Tokens};
use crate::cases::{CaseRuntime, RuntimeConfig};
use crate::db::{import_json_files, Database, Target};
use crate::delivery::{Deliveries, DeliveryConfig};
use crate::drafts::DraftStore;
use crate::fsutil;
use crate::metrics::Metrics;
use crate::oidc::Oidc;
use crate::publications::PublicationStore;
use crate::repo::push::{Pusher, RemoteAuth};
use crate::repo::{CatalogMeta, Repo};
use crate::security::Security;
use crate::sources::{Catalogues, SourceError, SourceStore};
use crate::users::{Bootstrap, HashCost, UserStore};

/// Environment variable with the password of the first admin (first start only).
pub const ADMIN_PASSWORD_ENV: &str = "FACHWERK_ADMIN_PASSWORD";

/// File in the data directory with the generated password of the first admin.
pub const ADMIN_PASSWORD_FILE: &str = "admin-passwort.txt";

/// Where the server listens, where it keeps its data, and which frontend it serves.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `--database`: a PostgreSQL URL or `sqlite:PATH`; `None`: `fachwerk.sqlite3` in the data
    /// directory.
    pub database: Option<String>,
    /// Built frontend (Trunk's `dist/`); `None`: the embedded one, if any.
    pub dist_dir: Option<PathBuf>,
    /// The frontend compiled into the binary (or a test's); served when `dist_dir` is `None`.
    pub embedded_dist: Option<crate::frontend::EmbeddedDist>,
    /// Built handbook (mdBook's `docs/book`), served under `/hilfe/`; `None`: no handbook.
    pub docs_dir: Option<PathBuf>,
    /// Largest accepted request body.
    pub body_limit: usize,
    /// Remote to push the catalogue to after each publish (git URL or path).
    pub remote: Option<String>,
    /// How to authenticate at the remote (a token sent in a header, never in the URL).
    pub remote_auth: Option<RemoteAuth>,
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
    /// Case processing: the Aktenzeichen pattern and the test clock.
    pub runtime: RuntimeConfig,
    /// Outputs: mail transport, sender, the base of the applicant's links, retries.
    pub delivery: DeliveryConfig,
    /// Bearer token that may read `/metrics` from other hosts than loopback.
    pub metrics_token: Option<String>,
    /// Single sign-on with an OpenID Connect provider (`None`: none).
    pub oidc: Option<crate::oidc::OidcConfig>,
    /// Local accounts may log in with their password (`--local-accounts`).
    pub local_accounts: bool,
}

impl Config {
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            database: None,
            dist_dir: None,
            embedded_dist: None,
            docs_dir: None,
            body_limit: Config::DEFAULT_BODY_LIMIT,
            remote: None,
            remote_auth: None,
            secure_cookies: false,
            admin_password: None,
            catalog: CatalogMeta::default(),
            hash_cost: HashCost::STANDARD,
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            source_roots: Vec::new(),
            source_allow_hosts: Vec::new(),
            token_lifetime_days: crate::auth::DEFAULT_TOKEN_LIFETIME_DAYS,
            runtime: RuntimeConfig::default(),
            delivery: DeliveryConfig::default(),
            metrics_token: None,
            oidc: None,
            local_accounts: true,
        }
    }
}

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub repo: Arc<Repo>,
    pub db: Database,
    pub users: UserStore,
    pub tokens: Tokens,
    pub sessions: Sessions,
    pub drafts: DraftStore,
    pub publications: Arc<PublicationStore>,
    pub pusher: Pusher,
    pub security: Arc<Security>,
    pub cases: CaseRuntime,
    /// The delivery worker (started by `serve`) and the mail transport.
    pub deliveries: Deliveries,
    /// Prometheus metrics of this process (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// Single sign-on, if configured.
    pub oidc: Option<Arc<Oidc>>,
}

impl AppState {
    /// Opens the data directory and the database, creating them on first start: the
    /// catalogue repository (seeded with the templates), the schema, the one-time import of
    /// the JSON files of earlier releases, and the `admin` account; requests the catalogue
    /// has published are recorded as such. Blocking; call it before serving (also fine from
    /// inside a runtime). The push task is started if a remote is configured and a runtime is
    /// present.
    pub fn open(config: Config) -> anyhow::Result<AppState> {
        let dir = config.data_dir.clone();
        fsutil::ensure_dir(&dir)?;
        fsutil::restrict_dir(&dir)?;
        let repo = Arc::new(
            Repo::open_or_init(&dir.join("catalog.git"), config.catalog.clone())
                .context("catalogue repository")?,
        );
        let target = Target::parse(config.database.as_deref(), &dir)?;
        tracing::info!(database = %target.describe(), "opening the database");
        let password = config
            .admin_password
            .clone()
            .or_else(|| std::env::var(ADMIN_PASSWORD_ENV).ok());
        let cost = config.hash_cost;
        let token_lifetime_days = config.token_lifetime_days;
        let (db, bootstrap) = Database::open_blocking(&target, |db| {
            let (dir, repo) = (dir.clone(), Arc::clone(&repo));
            async move {
                import_json_files(&db, &dir)
                    .await
                    .context("importing the JSON files of the data directory")?;
                // Tokens from before tokens expired get the default lifetime from now.
                Tokens::new(db.clone(), token_lifetime_days)
                    .expire_unlimited()
                    .await
                    .context("giving API tokens an expiry")?;
                let bootstrap = UserStore::new(db.clone(), cost)
                    .bootstrap_admin(password.as_deref())
                    .await
                    .context("creating the admin account")?;
                PublicationStore::new(db.clone())
                    .reconcile(&repo)
                    .await
                    .context("reconciling publications with the catalogue")?;
                SourceStore::interrupt_stale_fetches(&db).await?;
                anyhow::Ok(bootstrap)
            }
        })?;
        match bootstrap {
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
        let pusher = match &config.remote {
            Some(remote) => Pusher::start(
                db.clone(),
                repo.path().to_path_buf(),
                remote.clone(),
                config.remote_auth.clone(),
            ),
            None => Pusher::disabled(),
        };
        let cases = CaseRuntime::new(db.clone(), config.runtime.clone());
        let mut delivery = config.delivery.clone();
        delivery.mail_dir = dir.join("outbox").join("mail");
        delivery.eakte_dir = dir.join("eakte-outbox");
        let deliveries = Deliveries::new(db.clone(), cases.clone(), delivery)?;
        let oidc = match &config.oidc {
            Some(c) => Some(Arc::new(Oidc::new(c.clone())?)),
            None => None,
        };
        Ok(AppState {
            oidc,
            deliveries,
            users: UserStore::new(db.clone(), config.hash_cost),
            tokens: Tokens::new(db.clone(), config.token_lifetime_days),
            sessions: Sessions::new(db.clone()),
            drafts: DraftStore::new(db.clone()),
            publications: Arc::new(PublicationStore::new(db.clone())),
            cases,
            security: Arc::new(Security::new(&config, db.clone())),
            db,
            config: Arc::new(config),
            repo,
            pusher,
            metrics: Arc::new(Metrics::new()),
        })
    }

    /// The own catalogue and the template sources of this data directory.
    pub fn catalogues(&self) -> Result<Catalogues, SourceError> {
        Catalogues::open(
            &self.config.catalog,
            &self.repo,
            &self.config.data_dir,
            &self.db,
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
