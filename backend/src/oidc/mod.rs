//! Single sign-on with OpenID Connect (`openidconnect`): the authorization code flow with
//! PKCE against the provider found by discovery from its issuer URL, the ID token verified
//! against the provider's keys (signature, issuer, audience, expiry, nonce), and RP-initiated
//! logout. A started login is stored in the database (`oidc_flows`), so the provider may send
//! the browser back to any server process. Accounts get a stable id from `iss` + `sub`; their
//! role (and the roles of case processing of their person) follow the provider's groups at
//! every login. The HTTP side is `api::oidc`.

pub mod config;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use base64::Engine;
use fachwerk_shared::api::PersonInput;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IssuerUrl, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, TokenResponse,
};

pub use config::{OidcArgs, OidcConfig, Switch};

use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;

use crate::db::{Database, OidcFlow, PersonSave, SsoLogin, SsoRefused};
use crate::fsutil;
use crate::users::Account;

/// Path of the callback the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/api/oidc/callback";
/// Cookie that binds a started login to the browser that started it.
pub const FLOW_COOKIE: &str = "fachwerk_oidc";
/// Seconds a started login may take at the provider.
pub const FLOW_LIFETIME: i64 = 600;
/// How long the discovery document and the provider's keys are reused.
const METADATA_TTL: Duration = Duration::from_secs(300);
/// Timeout of each request to the provider.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error(
        "Der Identitätsanbieter ist nicht erreichbar oder antwortet nicht wie erwartet ({0})."
    )]
    Provider(String),
    #[error("Diese Anmeldung ist abgelaufen, wurde schon verwendet oder in einem anderen Browser begonnen. Bitte erneut anmelden.")]
    UnknownFlow,
    #[error("Der Identitätsanbieter hat die Anmeldung abgelehnt ({0}).")]
    Denied(String),
    #[error("Das ID-Token des Identitätsanbieters ist ungültig ({0}).")]
    InvalidToken(String),
    #[error("Ihre Gruppen beim Identitätsanbieter geben Ihnen keine Rolle in Fachwerk. Bitte wenden Sie sich an die Administration.")]
    NoRole,
    #[error(transparent)]
    Refused(#[from] SsoRefused),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::db::DbError> for OidcError {
    fn from(e: crate::db::DbError) -> Self {
        OidcError::Internal(e.into())
    }
}

/// What a verified ID token says about the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    /// `preferred_username` (else `email`), as the provider sent it.
    pub username: Option<String>,
    /// `name`, else the user name, else the subject.
    pub display_name: String,
    /// The groups claim (empty without one).
    pub groups: Vec<String>,
}

/// A login sent to the provider: where the browser goes, and the state for the flow cookie.
#[derive(Debug)]
pub struct Started {
    pub authorize_url: String,
    pub state: String,
}

/// A finished login: the account and the raw ID token (for the provider's logout).
#[derive(Debug)]
pub struct LoggedIn {
    pub account: Account,
    pub id_token: String,
}

type Provider = ProviderMetadataWithLogout;
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Single sign-on with one provider. Discovery is read on first use (the server starts
/// while the provider is down) and again after [`METADATA_TTL`] or when a token is signed
/// with a key the cached set lacks.
pub struct Oidc {
    config: OidcConfig,
    http: Http,
    cache: tokio::sync::Mutex<Option<(Instant, Arc<Provider>)>>,
}

impl Oidc {
    pub fn new(config: OidcConfig) -> anyhow::Result<Oidc> {
        Ok(Oidc {
            config,
            http: Http::new()?,
            cache: tokio::sync::Mutex::new(None),
        })
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    async fn provider(&self, fresh: bool) -> Result<Arc<Provider>, OidcError> {
        let mut cache = self.cache.lock().await;
        if let Some((at, provider)) = cache.as_ref() {
            if !fresh && at.elapsed() < METADATA_TTL {
                return Ok(Arc::clone(provider));
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| OidcError::Provider(format!("issuer: {e}")))?;
        let provider = Provider::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Provider(error_chain(&e)))?;
        let provider = Arc::new(provider);
        *cache = Some((Instant::now(), Arc::clone(&provider)));
        Ok(provider)
    }

    fn client(&self, provider: &Provider) -> Result<Client, OidcError> {
        let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", self.config.public_url))
            .map_err(|e| OidcError::Internal(anyhow::anyhow!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            provider.clone(),
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a login: stores state, nonce and PKCE verifier, and answers where to send the
    /// browser.
    pub async fn start(&self, db: &Database) -> Result<Started, OidcError> {
        let provider = self.provider(false).await?;
        let client = self.client(&provider)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let flow = OidcFlow {
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        let expires = fsutil::unix_now() + FLOW_LIFETIME;
        db.store_oidc_flow(&fsutil::sha256_hex(state.secret()), &flow, expires)
            .await?;
        Ok(Started {
            authorize_url: url.to_string(),
            state: state.secret().clone(),
        })
    }

    /// Finishes a login the provider sent back: takes the stored flow (once), redeems the
    /// code with the PKCE verifier, verifies the ID token, and maps the user to an account.
    pub async fn finish(
        &self,
        db: &Database,
        state: &str,
        code: &str,
    ) -> Result<LoggedIn, OidcError> {
        let flow = db
            .take_oidc_flow(&fsutil::sha256_hex(state))
            .await?
            .ok_or(OidcError::UnknownFlow)?;
        let provider = self.provider(false).await?;
        let client = self.client(&provider)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Denied(error_chain(&e)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::InvalidToken("keines erhalten".into()))?
            .to_string();
        let identity = self.verify_id_token(&id_token, &flow.nonce).await?;
        let account = self.account_for(db, &identity).await?;
        Ok(LoggedIn { account, id_token })
    }

    /// Verifies an ID token as the callback does: signed by a key of the provider (read
    /// again once if the token names an unknown one), issued by the issuer for this client,
    /// not expired, with this nonce.
    pub async fn verify_id_token(&self, raw: &str, nonce: &str) -> Result<Identity, OidcError> {
        let token: CoreIdToken = raw
            .parse()
            .map_err(|e: serde_json::Error| OidcError::InvalidToken(e.to_string()))?;
        let nonce = Nonce::new(nonce.to_string());
        let provider = self.provider(false).await?;
        let verified = match self.check(&provider, &token, &nonce) {
            Err(e) if e.is_key_problem() => {
                let provider = self.provider(true).await?;
                self.check(&provider, &token, &nonce)
            }
            other => other,
        };
        verified.map_err(|e| OidcError::InvalidToken(e.0))?;
        let claims = payload(raw)?;
        let text = |key: &str| {
            claims
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty())
        };
        let subject = text("sub").ok_or_else(|| OidcError::InvalidToken("sub fehlt".into()))?;
        let username = text("preferred_username").or_else(|| text("email"));
        let display_name = text("name")
            .or_else(|| username.clone())
            .unwrap_or_else(|| subject.clone());
        let groups = match claims.get(&self.config.groups_claim) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|g| g.as_str().map(str::to_string))
                .collect(),
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(Identity {
            issuer: text("iss").unwrap_or_else(|| self.config.issuer.clone()),
            subject,
            username,
            display_name,
            groups,
        })
    }

    fn check(&self, provider: &Provider, token: &CoreIdToken, nonce: &Nonce) -> Result<(), Check> {
        let client = self.client(provider).map_err(|e| Check(e.to_string()))?;
        let verifier = client.id_token_verifier();
        let checked = token
            .claims(&verifier, nonce)
            .map(drop)
            .map_err(|e| Check(error_chain(&e)));
        checked
    }

    /// The account of a verified user: created at the first login with an id from issuer
    /// and subject, given the role of the user's groups at each one; with group → role of
    /// case processing mappings, the person's roles follow the groups too.
    pub async fn account_for(
        &self,
        db: &Database,
        identity: &Identity,
    ) -> Result<Account, OidcError> {
        let role = self
            .config
            .role_for(&identity.groups)
            .ok_or(OidcError::NoRole)?;
        let id = account_id(&identity.issuer, &identity.subject);
        let mut names = Vec::new();
        if let Some(name) = identity.username.as_deref().and_then(account_name) {
            names.push(name);
        }
        names.push(format!("sso-{}", &id[4..12]));
        let login = SsoLogin {
            account_id: &id,
            issuer: &identity.issuer,
            subject: &identity.subject,
            names: &names,
            role,
        };
        let account = db.sso_login(&login).await??;
        if !self.config.org_roles.is_empty() {
            let person = db.person_of_account(&account.id).await?;
            let input = PersonInput {
                name: person
                    .as_ref()
                    .map_or_else(|| identity.display_name.clone(), |p| p.name.clone()),
                account: Some(account.name.clone()),
                signing_limit: person.as_ref().and_then(|p| p.signing_limit.clone()),
                deputy: person.as_ref().and_then(|p| p.deputy.clone()),
                absent: person.as_ref().is_some_and(|p| p.absent),
                roles: self.config.org_roles_for(&identity.groups),
            };
            match db
                .save_person(person.as_ref().map(|p| p.id.as_str()), &input)
                .await?
            {
                PersonSave::Saved(_) => {}
                PersonSave::Rejected(why) => {
                    return Err(OidcError::Internal(anyhow::anyhow!("person: {why}")))
                }
                PersonSave::NotFound => {
                    return Err(OidcError::Internal(anyhow::anyhow!("person vanished")))
                }
            }
        }
        Ok(account)
    }

    /// Where to send the browser to log out at the provider as well (`None` if it has no
    /// end_session_endpoint).
    pub async fn logout_url(&self, id_token: &str) -> Result<Option<String>, OidcError> {
        let provider = self.provider(false).await?;
        let Some(end) = provider.additional_metadata().end_session_endpoint.clone() else {
            return Ok(None);
        };
        let mut request =
            LogoutRequest::from(end).set_client_id(ClientId::new(self.config.client_id.clone()));
        if let Ok(token) = id_token.parse::<CoreIdToken>() {
            request = request.set_id_token_hint(&token);
        }
        if let Ok(back) = PostLogoutRedirectUrl::new(format!("{}/", self.config.public_url)) {
            request = request.set_post_logout_redirect_uri(back);
        }
        Ok(Some(request.http_get_url().to_string()))
    }
}

/// A failed ID token check, with its reason.
struct Check(String);

impl Check {
    /// The token may be signed with a key the provider added since the keys were read.
    fn is_key_problem(&self) -> bool {
        let m = self.0.to_ascii_lowercase();
        m.contains("key") || m.contains("signature")
    }
}

/// The stable account id of a provider's user: from issuer and subject, never the name.
pub fn account_id(issuer: &str, subject: &str) -> String {
    let hash = fsutil::sha256_hex(&format!("{}\n{subject}", issuer.trim_end_matches('/')));
    format!("sso-{}", &hash[..32])
}

/// A user name of the provider as a Fachwerk account name (lower case; other characters
/// than letters, digits, `.`, `_`, `-` become `-`); `None` if nothing usable remains.
pub fn account_name(username: &str) -> Option<String> {
    let name: String = username
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    let name = name.trim_start_matches(['.', '-']).to_string();
    (!name.is_empty() && name.chars().any(|c| c.is_ascii_alphanumeric())).then_some(name)
}

/// The claims of a (verified) JWT as JSON: the configurable groups claim is read from them.
fn payload(raw: &str) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    let part = raw
        .split('.')
        .nth(1)
        .ok_or_else(|| OidcError::InvalidToken("kein JWT".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| OidcError::InvalidToken(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| OidcError::InvalidToken(e.to_string()))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The provider's HTTP client for `openidconnect`: HTTP/1.1 over rustls (ring) with the
/// system's CA certificates (`SSL_CERT_FILE` names others), no redirects (they would let an
/// answer lead requests elsewhere), a timeout and a size limit per answer.
struct Http(LegacyClient<Connector, Full<Bytes>>);

/// Largest answer read from the provider (discovery documents and key sets are small).
const MAX_ANSWER: usize = 1024 * 1024;

impl Http {
    fn new() -> anyhow::Result<Http> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            // Certificates rustls cannot use are skipped, as browsers do.
            let _ = roots.add(cert);
        }
        if roots.is_empty() {
            tracing::warn!("no CA certificates found: https to the identity provider will fail");
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| anyhow::anyhow!("TLS for single sign-on: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Http(
            LegacyClient::builder(TokioExecutor::new()).build(https),
        ))
    }
}

#[derive(Debug, thiserror::Error)]
enum HttpError {
    #[error("{0}")]
    Client(#[from] hyper_util::client::legacy::Error),
    #[error("{0}")]
    Http(#[from] openidconnect::http::Error),
    #[error("Antwort nicht lesbar oder größer als 1 MiB: {0}")]
    Body(String),
    #[error("keine Antwort nach {} Sekunden", HTTP_TIMEOUT.as_secs())]
    Timeout,
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = request.map(|body| Full::new(Bytes::from(body)));
            let exchange = async {
                let response = self.0.request(request).await?;
                let (parts, body) = response.into_parts();
                let body = Limited::new(body, MAX_ANSWER)
                    .collect()
                    .await
                    .map_err(|e| HttpError::Body(e.to_string()))?
                    .to_bytes()
                    .to_vec();
                Ok(HttpResponse::from_parts(parts, body))
            };
            tokio::time::timeout(HTTP_TIMEOUT, exchange)
                .await
                .map_err(|_| HttpError::Timeout)?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names() {
        let a = account_id("https://login.example.de/realms/v", "f81d4fae");
        assert_eq!(
            a,
            account_id("https://login.example.de/realms/v/", "f81d4fae")
        );
        assert_ne!(
            a,
            account_id("https://login.example.de/realms/w", "f81d4fae")
        );
        assert_ne!(
            a,
            account_id("https://login.example.de/realms/v", "f81d4faf")
        );
        assert!(a.starts_with("sso-") && a.len() == 36);
        assert_eq!(
            account_name("Erika.Mustermann").as_deref(),
            Some("erika.mustermann")
        );
        assert_eq!(
            account_name("erika@example.de").as_deref(),
            Some("erika-example.de")
        );
        assert_eq!(account_name(" Jörg ").as_deref(), Some("j-rg"));
        assert_eq!(account_name("--"), None);
        assert_eq!(account_name(""), None);
    }
}
