//! Configuration of single sign-on: the `--oidc-…` flags of `fachwerk serve` and what they
//! become. The client secret comes from a file or the environment, never from a flag (flags
//! are visible in the process list), and is never logged.

use std::path::PathBuf;

use anyhow::{bail, Context};
use fachwerk_shared::api::{Role, RoleMembership};

/// Environment variable with the client secret (alternative to `--oidc-client-secret-file`).
pub const CLIENT_SECRET_ENV: &str = "FACHWERK_OIDC_CLIENT_SECRET";

/// The `fachwerk serve` flags for single sign-on and local accounts.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OidcArgs {
    /// OpenID Connect issuer of the identity provider for single sign-on, e.g.
    /// https://login.example.de/realms/verwaltung (its discovery document is read from
    /// <issuer>/.well-known/openid-configuration). Without it: no single sign-on.
    #[arg(long, env = "FACHWERK_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Client id of Fachwerk at the identity provider.
    #[arg(long, env = "FACHWERK_OIDC_CLIENT_ID", default_value = "fachwerk")]
    pub oidc_client_id: String,
    /// File with the client secret, or the environment variable FACHWERK_OIDC_CLIENT_SECRET
    /// holds it. Without either Fachwerk is a public client (PKCE only).
    #[arg(long, env = "FACHWERK_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// The ID token claim that lists the user's groups.
    #[arg(long, env = "FACHWERK_OIDC_GROUPS_CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,
    /// A group and the Fachwerk role its members get, GROUP=editor|reviewer|admin
    /// (repeatable; in the environment comma-separated). Of several, admin wins over
    /// reviewer, reviewer over editor; a user in no mapped group cannot log in.
    #[arg(
        long = "oidc-role",
        env = "FACHWERK_OIDC_ROLES",
        value_name = "GROUP=ROLE",
        value_delimiter = ','
    )]
    pub oidc_roles: Vec<String>,
    /// A group and a role of case processing its members hold, GROUP=WORKFLOW:ROLE, e.g.
    /// sachbearbeitung=beschaffung:R-SB (repeatable; in the environment comma-separated).
    /// When given, the roles of SSO persons follow their groups at every login.
    #[arg(
        long = "oidc-org-role",
        env = "FACHWERK_OIDC_ORG_ROLES",
        value_name = "GROUP=WORKFLOW:ROLE",
        value_delimiter = ','
    )]
    pub oidc_org_roles: Vec<String>,
    /// A scope to request besides `openid profile` (repeatable), e.g. `groups`.
    #[arg(
        long = "oidc-scope",
        env = "FACHWERK_OIDC_SCOPES",
        value_name = "SCOPE",
        value_delimiter = ','
    )]
    pub oidc_scopes: Vec<String>,
    /// Log in with local accounts and passwords: on (default) or off (single sign-on only;
    /// needs --oidc-issuer).
    #[arg(long, env = "FACHWERK_LOCAL_ACCOUNTS", value_enum, default_value_t = Switch::On)]
    pub local_accounts: Switch,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Switch {
    #[default]
    On,
    Off,
}

/// Single sign-on with one OpenID Connect provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    /// `None`: a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Public address of Fachwerk (`--public-url`): the redirect URI is
    /// `<public_url>/api/oidc/callback`, and the provider sends the browser back to
    /// `<public_url>/` after logging out.
    pub public_url: String,
    pub groups_claim: String,
    /// Group → Fachwerk role.
    pub roles: Vec<(String, Role)>,
    /// Group → role of case processing.
    pub org_roles: Vec<(String, RoleMembership)>,
    /// Scopes besides `openid profile`.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("public_url", &self.public_url)
            .field("groups_claim", &self.groups_claim)
            .field("roles", &self.roles)
            .field("org_roles", &self.org_roles)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl OidcConfig {
    /// A configuration without group mappings and secret (tests and embedding).
    pub fn new(issuer: &str, client_id: &str, public_url: &str) -> OidcConfig {
        OidcConfig {
            issuer: issuer.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            client_secret: None,
            public_url: public_url.trim_end_matches('/').to_string(),
            groups_claim: "groups".into(),
            roles: Vec::new(),
            org_roles: Vec::new(),
            scopes: Vec::new(),
        }
    }

    /// The Fachwerk role of a user in `groups`: the highest mapped one.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        let rank = |r: &Role| match r {
            Role::Editor => 0,
            Role::Reviewer => 1,
            Role::Admin => 2,
        };
        self.roles
            .iter()
            .filter(|(g, _)| groups.iter().any(|m| same_group(g, m)))
            .map(|(_, r)| *r)
            .max_by_key(rank)
    }

    /// The roles of case processing of a user in `groups`, sorted, each once.
    pub fn org_roles_for(&self, groups: &[String]) -> Vec<RoleMembership> {
        let mut out: Vec<RoleMembership> = self
            .org_roles
            .iter()
            .filter(|(g, _)| groups.iter().any(|m| same_group(g, m)))
            .map(|(_, r)| r.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Keycloak sends groups as paths (`/fachwerk-redaktion`) unless told otherwise: a leading
/// slash does not matter.
fn same_group(configured: &str, claimed: &str) -> bool {
    configured.trim_start_matches('/') == claimed.trim_start_matches('/')
}

impl OidcArgs {
    /// The single sign-on configuration (`None` without an issuer) and whether local
    /// accounts may log in. `public_url` is the server's public address.
    pub fn resolve(self, public_url: &str) -> anyhow::Result<(Option<OidcConfig>, bool)> {
        let secret_env = std::env::var(CLIENT_SECRET_ENV).ok();
        self.resolve_with(public_url, secret_env)
    }

    fn resolve_with(
        self,
        public_url: &str,
        secret_env: Option<String>,
    ) -> anyhow::Result<(Option<OidcConfig>, bool)> {
        let local = self.local_accounts == Switch::On;
        let Some(issuer) = self.oidc_issuer.filter(|i| !i.trim().is_empty()) else {
            if !local {
                bail!("--local-accounts off needs single sign-on (--oidc-issuer): otherwise nobody could log in");
            }
            return Ok((None, true));
        };
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            bail!("--oidc-issuer must be an http(s) URL, not {issuer:?}");
        }
        let mut config = OidcConfig::new(issuer.trim(), self.oidc_client_id.trim(), public_url);
        config.client_secret = match (&self.oidc_client_secret_file, secret_env) {
            (Some(file), _) => Some(
                std::fs::read_to_string(file)
                    .with_context(|| format!("reading the client secret from {}", file.display()))?
                    .trim()
                    .to_string(),
            ),
            (None, Some(secret)) => Some(secret.trim().to_string()),
            (None, None) => None,
        }
        .filter(|s| !s.is_empty());
        config.groups_claim = self.oidc_groups_claim.trim().to_string();
        for mapping in &self.oidc_roles {
            let (group, role) = split_mapping(mapping, "--oidc-role")?;
            let role = match role {
                "editor" => Role::Editor,
                "reviewer" => Role::Reviewer,
                "admin" => Role::Admin,
                other => bail!(
                    "--oidc-role {mapping:?}: unknown role {other:?} (editor, reviewer or admin)"
                ),
            };
            config.roles.push((group.to_string(), role));
        }
        for mapping in &self.oidc_org_roles {
            let (group, target) = split_mapping(mapping, "--oidc-org-role")?;
            let Some((workflow, role)) = target
                .split_once(':')
                .filter(|(w, r)| !w.is_empty() && !r.is_empty())
            else {
                bail!("--oidc-org-role {mapping:?}: expected GROUP=WORKFLOW:ROLE");
            };
            config.org_roles.push((
                group.to_string(),
                RoleMembership {
                    workflow: workflow.to_string(),
                    role: role.to_string(),
                },
            ));
        }
        if config.roles.is_empty() {
            bail!("single sign-on needs at least one --oidc-role GROUP=ROLE: without it nobody could log in with it");
        }
        config.scopes = self
            .oidc_scopes
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "openid" && s != "profile")
            .collect();
        Ok((Some(config), local))
    }
}

fn split_mapping<'a>(mapping: &'a str, flag: &str) -> anyhow::Result<(&'a str, &'a str)> {
    match mapping.rsplit_once('=') {
        Some((group, target)) if !group.trim().is_empty() && !target.trim().is_empty() => {
            Ok((group.trim(), target.trim()))
        }
        _ => bail!("{flag} {mapping:?}: expected GROUP=…"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args() -> OidcArgs {
        OidcArgs {
            oidc_issuer: Some("https://login.example.de/realms/verwaltung/".into()),
            oidc_client_id: "fachwerk".into(),
            oidc_groups_claim: "groups".into(),
            oidc_roles: vec![
                "fachwerk-redaktion=editor".into(),
                "fachwerk-freigabe=reviewer".into(),
                "/fachwerk-admin=admin".into(),
            ],
            oidc_org_roles: vec!["sachbearbeitung=beschaffung:R-SB".into()],
            ..OidcArgs::default()
        }
    }

    #[test]
    fn mappings_and_secret() {
        let (config, local) = args()
            .resolve_with("https://fachwerk.example.de/", Some("geheim\n".into()))
            .unwrap();
        let config = config.unwrap();
        assert!(local);
        assert_eq!(config.issuer, "https://login.example.de/realms/verwaltung");
        assert_eq!(config.public_url, "https://fachwerk.example.de");
        assert_eq!(config.client_secret.as_deref(), Some("geheim"));
        assert!(!format!("{config:?}").contains("geheim"));
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(config.role_for(&groups(&["andere"])), None);
        assert_eq!(
            config.role_for(&groups(&["/fachwerk-redaktion"])),
            Some(Role::Editor)
        );
        assert_eq!(
            config.role_for(&groups(&["fachwerk-redaktion", "fachwerk-freigabe"])),
            Some(Role::Reviewer)
        );
        assert_eq!(
            config.role_for(&groups(&["fachwerk-admin", "fachwerk-redaktion"])),
            Some(Role::Admin)
        );
        assert_eq!(
            config.org_roles_for(&groups(&["sachbearbeitung", "sachbearbeitung"])),
            vec![RoleMembership {
                workflow: "beschaffung".into(),
                role: "R-SB".into()
            }]
        );
        assert!(config
            .org_roles_for(&groups(&["fachwerk-admin"]))
            .is_empty());
    }

    #[test]
    fn refused_configurations() {
        let off = OidcArgs {
            local_accounts: Switch::Off,
            ..OidcArgs::default()
        };
        assert!(off.resolve_with("http://x", None).is_err());
        assert_eq!(
            OidcArgs::default().resolve_with("http://x", None).unwrap(),
            (None, true)
        );
        let mut bad = args();
        bad.oidc_roles = vec!["gruppe=chef".into()];
        assert!(bad.resolve_with("http://x", None).is_err());
        let mut bad = args();
        bad.oidc_org_roles = vec!["gruppe=ohne-rolle".into()];
        assert!(bad.resolve_with("http://x", None).is_err());
        let mut none = args();
        none.oidc_roles.clear();
        assert!(none.resolve_with("http://x", None).is_err());
        let (config, local) = OidcArgs {
            local_accounts: Switch::Off,
            ..args()
        }
        .resolve_with("http://x", None)
        .unwrap();
        assert!(!local && config.unwrap().client_secret.is_none());
    }
}
