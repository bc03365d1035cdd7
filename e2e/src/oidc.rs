//! The OpenID provider of the single sign-on tests: `e2e/oidc/provider.mjs` (npm
//! `oidc-provider`, from `NODE_PATH`) on a free loopback port, stopped on drop.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::{out_dir, workspace};

/// Client id and secret registered at the test provider for Fachwerk.
pub const CLIENT_ID: &str = "fachwerk";
pub const CLIENT_SECRET: &str = "test-client-secret";
/// Key id of the provider's signing key (`e2e/oidc/test-key.pem`).
pub const KEY_ID: &str = "fachwerk-test";

pub struct Provider {
    /// `http://127.0.0.1:<port>`.
    pub issuer: String,
    _child: tokio::process::Child,
}

impl Provider {
    /// Starts the provider with Fachwerk at `fachwerk_url` as its registered client.
    pub async fn start(fachwerk_url: &str) -> Result<Provider> {
        let script = workspace().join("e2e/oidc/provider.mjs");
        std::fs::create_dir_all(out_dir())?;
        let log = std::fs::File::create(out_dir().join("oidc-provider.log"))?;
        let mut child = tokio::process::Command::new("node")
            .arg(&script)
            .env("FACHWERK_URL", fachwerk_url)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .context("cannot start node (e2e/oidc/provider.mjs)")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    return Ok::<_, std::io::Error>(Some(issuer.trim().to_string()));
                }
            }
            Ok(None)
        })
        .await
        .context("the OpenID provider did not start within 30 s")??;
        let Some(issuer) = ready else {
            bail!(
                "the OpenID provider ended before it was ready (is oidc-provider on NODE_PATH? see {})",
                out_dir().join("oidc-provider.log").display()
            );
        };
        // Keep reading what it prints, so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Provider {
            issuer,
            _child: child,
        })
    }
}

/// The provider's private signing key (PKCS#1 PEM).
pub fn test_key_pem() -> Result<String> {
    Ok(std::fs::read_to_string(
        workspace().join("e2e/oidc/test-key.pem"),
    )?)
}

/// Another RSA key, which the provider does not know.
pub fn wrong_key_pem() -> Result<String> {
    Ok(std::fs::read_to_string(
        workspace().join("e2e/oidc/wrong-key.pem"),
    )?)
}
