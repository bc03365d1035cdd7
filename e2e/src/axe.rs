//! axe-core (4.14, from NODE_PATH) in the test browser: the violations of the whole page. No
//! rule is disabled.

use std::path::PathBuf;

use anyhow::Result;

use crate::{workspace, Session};

/// The source of axe-core; fails (never skips) when it is not installed.
pub fn source() -> Result<String> {
    let base = std::env::var_os("NODE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".tools/node/node_modules"));
    let path = base.join("axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("{}: {e} (npm i axe-core@4.14.1)", path.display()))
}

/// Runs axe on the whole document; returns "[label] rule: target" lines of every violation.
pub async fn violations(s: &Session, axe: &str, label: &str) -> Result<Vec<String>> {
    // The page's Content-Security-Policy forbids inline script elements, so axe is not added
    // as one: WebDriver evaluates the source itself, which the policy does not govern.
    s.driver
        .execute(
            format!("if (!window.axe) {{ {axe}\n; window.axe = window.axe || axe; }} return !!window.axe;"),
            Vec::new(),
        )
        .await?;
    let ret = s
        .driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v =>
               v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\n/g, ' ')).join(' | ')
             )), e => done(['axe failed: ' + e]));",
            Vec::new(),
        )
        .await?;
    let list: Vec<String> = serde_json::from_value(ret.json().clone())?;
    eprintln!("axe [{label}]: {} violations", list.len());
    for v in &list {
        eprintln!("  {v}");
    }
    Ok(list.into_iter().map(|v| format!("[{label}] {v}")).collect())
}
