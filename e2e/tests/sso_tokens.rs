//! Issue 23, single sign-on: ID tokens are verified against the real provider's keys
//! (`oidc-provider` from npm, its JWKS read by discovery) through the code path the callback
//! uses (`Oidc::verify_id_token`). Tokens signed with the provider's key pass; a wrong
//! signature, a wrong audience, an expired token, a foreign issuer, a wrong nonce and a
//! tampered payload are refused. A started login is stored in the database and can be
//! finished once only.

use anyhow::Result;
use base64::Engine as _;
use chrono::{Duration, Utc};
use fachwerk_backend::db::{Database, Target};
use fachwerk_backend::oidc::{Oidc, OidcConfig, OidcError};
use fachwerk_e2e::oidc::{test_key_pem, wrong_key_pem, Provider, CLIENT_ID, KEY_ID};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, IssuerUrl, JsonWebKeyId, Nonce, StandardClaims,
    SubjectIdentifier,
};

const NONCE: &str = "n-0S6_WzA2Mj";

struct Claims<'a> {
    issuer: &'a str,
    audience: &'a str,
    /// Seconds from now.
    expires_in: i64,
    nonce: &'a str,
    key: &'a str,
}

fn sign(c: &Claims<'_>) -> Result<String> {
    let now = Utc::now();
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(c.issuer.to_string())?,
        vec![Audience::new(c.audience.to_string())],
        now + Duration::seconds(c.expires_in),
        now - Duration::seconds(7200),
        StandardClaims::new(SubjectIdentifier::new("erika".into())),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(c.nonce.to_string())));
    let key = CoreRsaPrivateSigningKey::from_pem(c.key, Some(JsonWebKeyId::new(KEY_ID.into())))
        .map_err(anyhow::Error::msg)?;
    Ok(CoreIdToken::new(
        claims,
        &key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )?
    .to_string())
}

fn refused(result: Result<fachwerk_backend::oidc::Identity, OidcError>, what: &str) {
    match result {
        Err(OidcError::InvalidToken(why)) => eprintln!("{what}: refused ({why})"),
        other => panic!("{what}: expected refusal as invalid token, got {other:?}"),
    }
}

#[tokio::test]
async fn id_tokens_are_verified_against_the_providers_keys() -> Result<()> {
    // The provider only needs a registered redirect URI; no Fachwerk server is involved.
    let fachwerk = "http://127.0.0.1:9";
    let provider = Provider::start(fachwerk).await?;
    let oidc = Oidc::new(OidcConfig::new(&provider.issuer, CLIENT_ID, fachwerk))?;
    let key = test_key_pem()?;
    let good = Claims {
        issuer: &provider.issuer,
        audience: CLIENT_ID,
        expires_in: 300,
        nonce: NONCE,
        key: &key,
    };

    let token = sign(&good)?;
    let identity = oidc.verify_id_token(&token, NONCE).await?;
    assert_eq!(identity.subject, "erika");
    assert_eq!(identity.issuer, provider.issuer);

    let wrong_key = wrong_key_pem()?;
    refused(
        oidc.verify_id_token(
            &sign(&Claims {
                key: &wrong_key,
                ..good
            })?,
            NONCE,
        )
        .await,
        "wrong signature",
    );
    refused(
        oidc.verify_id_token(
            &sign(&Claims {
                audience: "anderer-client",
                ..good
            })?,
            NONCE,
        )
        .await,
        "wrong audience",
    );
    refused(
        oidc.verify_id_token(
            &sign(&Claims {
                expires_in: -3600,
                ..good
            })?,
            NONCE,
        )
        .await,
        "expired",
    );
    refused(
        oidc.verify_id_token(
            &sign(&Claims {
                issuer: "http://127.0.0.1:1",
                ..good
            })?,
            NONCE,
        )
        .await,
        "foreign issuer",
    );
    refused(
        oidc.verify_id_token(&token, "eine-andere-nonce").await,
        "wrong nonce",
    );
    // The payload changed after signing (another subject): the signature no longer fits.
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = String::from_utf8(b64.decode(&parts[1])?)?.replace("\"erika\"", "\"ada\"");
    parts[1] = b64.encode(payload);
    refused(
        oidc.verify_id_token(&parts.join("."), NONCE).await,
        "tampered payload",
    );
    Ok(())
}

#[tokio::test]
async fn a_started_login_is_stored_and_taken_once() -> Result<()> {
    let fachwerk = "http://127.0.0.1:9";
    let provider = Provider::start(fachwerk).await?;
    let oidc = Oidc::new(OidcConfig::new(&provider.issuer, CLIENT_ID, fachwerk))?;
    let dir = tempfile::tempdir()?;
    let db = Database::open(&Target::Sqlite(dir.path().join("fachwerk.sqlite3"))).await?;

    let started = oidc.start(&db).await?;
    let url = &started.authorize_url;
    assert!(
        url.starts_with(&format!("{}/auth?", provider.issuer)),
        "{url}"
    );
    for part in [
        "response_type=code",
        "client_id=fachwerk",
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "scope=openid+profile",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fapi%2Foidc%2Fcallback",
    ] {
        assert!(url.contains(part), "{part} missing in {url}");
    }
    assert!(url.contains(&format!("state={}", started.state)), "{url}");

    // An unknown state is refused before the provider is asked.
    assert!(matches!(
        oidc.finish(&db, "unbekannt", "code").await,
        Err(OidcError::UnknownFlow)
    ));
    // A code the provider never issued: the provider refuses it …
    let first = oidc.finish(&db, &started.state, "erfundener-code").await;
    assert!(matches!(first, Err(OidcError::Denied(_))), "{first:?}");
    // … and the login is used up (no second try with the same state).
    assert!(matches!(
        oidc.finish(&db, &started.state, "erfundener-code").await,
        Err(OidcError::UnknownFlow)
    ));
    db.close().await;
    Ok(())
}
