//! Helpers for the designer tests: the file input, captured downloads, block counts, waiting
//! for elements and running scripts.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use thirtyfour::prelude::*;

use crate::Session;

/// Replaces file downloads by a capture: every `<a download>` click records the file name and
/// its blob instead of saving it; [`Session::downloads`] reads them back.
const CAPTURE_DOWNLOADS_JS: &str = r#"
window.__downloads = [];
window.__blobByUrl = {};
const origCreate = URL.createObjectURL;
URL.createObjectURL = function (b) { const u = origCreate.call(URL, b); window.__blobByUrl[u] = b; return u; };
const origClick = HTMLAnchorElement.prototype.click;
HTMLAnchorElement.prototype.click = function () {
  if (this.download) { window.__downloads.push({ name: this.download, blob: window.__blobByUrl[this.href] }); return; }
  return origClick.call(this);
};
"#;

/// A file the page offered for download.
#[derive(Debug, Clone)]
pub struct Download {
    pub name: String,
    pub mime: String,
    pub text: String,
}

/// Where the repository's files are (templates, fixtures, node tools).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Session {
    /// Chooses `path` in the designer's (hidden) file input, as "Öffnen / Importieren" does.
    pub async fn choose_file(&self, path: &std::path::Path) -> Result<()> {
        let path = std::fs::canonicalize(path)
            .with_context(|| format!("cannot find {}", path.display()))?;
        let input = self.driver.find(By::Id("file-open")).await?;
        input
            .send_keys(path.to_string_lossy().to_string())
            .await
            .context("file input")?;
        Ok(())
    }

    /// Opens a file over the open workflow: the designer asks before replacing it; confirms
    /// "Ersetzen".
    pub async fn replace_with_file(&self, path: &std::path::Path) -> Result<()> {
        self.choose_file(path).await?;
        self.wait_for("#import-replace").await?.click().await?;
        Ok(())
    }

    /// Opens a workflow file and waits until the canvas shows `blocks` blocks.
    pub async fn open_workflow_file(&self, path: &std::path::Path, blocks: usize) -> Result<()> {
        self.choose_file(path).await?;
        self.wait_blocks(blocks).await
    }

    /// Waits until the workflow has `n` blocks (counted in the outline of the model, not only
    /// the ones rendered in view).
    pub async fn wait_blocks(&self, n: usize) -> Result<()> {
        for _ in 0..200 {
            let count = self.block_count().await?;
            if count == n {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!(
            "expected {n} blocks on the canvas, found {}",
            self.block_count().await?
        )
    }

    /// Blocks of the open workflow, read from the autosave copy in localStorage (the canvas
    /// only renders the blocks in view).
    pub async fn block_count(&self) -> Result<usize> {
        let v = self
            .js("const t = localStorage.getItem('fachwerk.autosave'); return t ? JSON.parse(t).blocks.length : 0;")
            .await?;
        Ok(v.as_u64().unwrap_or(0) as usize)
    }

    /// Blocks rendered on the canvas right now.
    pub async fn rendered_blocks(&self) -> Result<usize> {
        Ok(self
            .driver
            .find_all(By::Css("#canvas g.block"))
            .await?
            .len())
    }

    pub async fn capture_downloads(&self) -> Result<()> {
        self.driver
            .execute(CAPTURE_DOWNLOADS_JS, Vec::new())
            .await?;
        Ok(())
    }

    /// Files offered for download since [`Session::capture_downloads`].
    pub async fn downloads(&self) -> Result<Vec<Download>> {
        let ret = self
            .driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 Promise.all((window.__downloads || []).map(d => d.blob.text().then(t => ({ name: d.name, mime: d.blob.type, text: t }))))
                   .then(done, e => done({ error: String(e) }));",
                Vec::new(),
            )
            .await?;
        let v = ret.json().clone();
        let Some(list) = v.as_array() else {
            bail!("reading downloads failed: {v}");
        };
        Ok(list
            .iter()
            .map(|d| Download {
                name: d["name"].as_str().unwrap_or_default().to_string(),
                mime: d["mime"].as_str().unwrap_or_default().to_string(),
                text: d["text"].as_str().unwrap_or_default().to_string(),
            })
            .collect())
    }

    /// The number of errors the page reports in `#problem-count` (its `data-errors`).
    pub async fn error_count(&self) -> Result<usize> {
        let el = self.driver.find(By::Id("problem-count")).await?;
        let n = el.attr("data-errors").await?.unwrap_or_default();
        n.parse()
            .with_context(|| format!("#problem-count data-errors = {n:?}"))
    }

    /// Waits for an element with the CSS selector and returns it.
    pub async fn wait_for(&self, css: &str) -> Result<WebElement> {
        self.driver
            .query(By::Css(css))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// Runs a script and returns its JSON result.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self
            .driver
            .execute(script, Vec::new())
            .await?
            .json()
            .clone())
    }
}
