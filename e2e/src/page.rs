//! Helpers on the pages: logging in through the UI, waiting for text, clicking (also inside
//! header menus), window size, the header's layout, cut block labels, picking from a list.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use thirtyfour::prelude::*;

use crate::Session;

impl Session {
    /// Logs in through the UI's login dialog and waits for the header to name the user.
    pub async fn ui_login(&self, user: &str, password: &str) -> Result<()> {
        let d = &self.driver;
        d.find(By::Id("btn-login")).await?.click().await?;
        let u = d
            .query(By::Id("login-user"))
            .wait(Duration::from_secs(5), Duration::from_millis(50))
            .first()
            .await?;
        // The dialog keeps the last user name: replace it.
        u.send_keys(Key::Control + "a").await?;
        u.send_keys(user).await?;
        d.find(By::Id("login-password"))
            .await?
            .send_keys(password)
            .await?;
        d.find(By::Id("login-submit")).await?.click().await?;
        if let Err(e) = self.wait_text_in("#whoami", user, 10).await {
            let shown = match d.find(By::Id("login-error")).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::from("(no login dialog)"),
            };
            let _ = self.screenshot("login-failed").await;
            bail!("{e}; login dialog says {shown:?}");
        }
        Ok(())
    }

    /// Waits until the element matching `css` contains `needle`; returns its text.
    pub async fn wait_text_in(&self, css: &str, needle: &str, secs: u64) -> Result<String> {
        let mut last = String::new();
        for _ in 0..(secs * 10) {
            if let Ok(el) = self.driver.find(By::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} did not show {needle:?} within {secs} s (last text: {last:?})")
    }

    /// Waits for an element and clicks it. A command inside a closed header menu is reached
    /// as a user would: the menu's button is clicked first.
    pub async fn click_css(&self, css: &str) -> Result<()> {
        let el = self
            .driver
            .query(By::Css(css))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("no {css}"))?;
        if let Some(button) = closed_menu_button(&self.driver, &el).await? {
            self.driver.find(By::Id(&button)).await?.click().await?;
        }
        el.click().await?;
        Ok(())
    }

    /// Sets the browser window to `w` × `h` CSS pixels (the viewport, headless).
    pub async fn window_size(&self, w: u32, h: u32) -> Result<()> {
        self.driver.set_window_rect(0, 0, w, h).await?;
        Ok(())
    }

    /// The header's layout: (height, spread of the tops of its visible controls, controls
    /// that stick out of the window). One row: a small spread and nothing sticking out.
    pub async fn header_layout(&self) -> Result<(f64, f64, Vec<String>)> {
        let v = self.js(HEADER_LAYOUT_JS).await?;
        let outside = v["outside"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok((
            v["height"].as_f64().unwrap_or(0.0),
            v["spread"].as_f64().unwrap_or(f64::MAX),
            outside,
        ))
    }

    /// Block names and type lines on the canvas that run past their block's edge (cut by a
    /// clip, or drawn over the border) instead of being shortened with "…".
    pub async fn labels_cut_without_ellipsis(&self) -> Result<Vec<String>> {
        let v = self.js(CUT_LABELS_JS).await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until `select_css` offers `value`, then selects it.
    pub async fn select_value(&self, select_css: &str, value: &str) -> Result<()> {
        let option = format!("{select_css} option[value='{value}']");
        self.driver
            .query(By::Css(&option))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("no option {value} in {select_css}"))?;
        let el = self.driver.find(By::Css(select_css)).await?;
        thirtyfour::components::SelectElement::new(&el)
            .await?
            .select_by_value(value)
            .await?;
        Ok(())
    }
}

const HEADER_LAYOUT_JS: &str = r#"
const bar = document.getElementById('topbar').getBoundingClientRect();
const controls = [...document.querySelectorAll('#topbar button, #topbar h1')]
  .filter(e => e.getClientRects().length > 0 && !e.closest('[role=menu]') && !e.classList.contains('skip-link'));
const tops = controls.map(e => e.getBoundingClientRect().top);
const outside = controls
  .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 0.5 || r.bottom > bar.bottom + 0.5; })
  .map(e => e.id || e.textContent.trim());
return { height: bar.height, spread: Math.max(...tops) - Math.min(...tops), outside };
"#;

const CUT_LABELS_JS: &str = r#"
const cut = [];
for (const g of document.querySelectorAll('#canvas g.block')) {
  const body = g.querySelector('.block-body').getBoundingClientRect();
  for (const t of g.querySelectorAll('text.block-label, text.block-type')) {
    const text = t.textContent.trim();
    if (!text) continue;
    // The whole text box (a clip does not shrink it) must end inside the block: a long name
    // is shortened with "…", never cut by the block's edge.
    if (t.getBoundingClientRect().right > body.right + 0.5) cut.push(text);
  }
}
return cut;
"#;

/// The id of the button that opens the closed header menu `el` is in (`None`: not in a
/// closed menu).
pub(crate) async fn closed_menu_button(
    driver: &WebDriver,
    el: &WebElement,
) -> Result<Option<String>> {
    Ok(driver
        .execute(
            "const m = arguments[0].closest('[role=menu]');
             return m && m.hidden ? m.getAttribute('aria-labelledby') : null;",
            vec![el.to_json()?],
        )
        .await?
        .json()
        .as_str()
        .map(str::to_string))
}
