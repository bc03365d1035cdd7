//! Helpers for the accessibility suite (issue 25, `tests/accessibility.rs`): the three viewports
//! (through Chrome's device emulation, so 200 % zoom is 683×384 CSS px at a device pixel ratio
//! of 2 and screenshots have the real 1366×768 pixels), reflow measurements and focus checks.

use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::Session;

/// A window as the suite sees it.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    /// Used in labels and screenshot names.
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub scale: f64,
}

/// The common office laptop.
pub const DESKTOP: Viewport = Viewport {
    name: "1366",
    width: 1366,
    height: 768,
    scale: 1.0,
};
/// The same laptop at 200 % zoom.
pub const ZOOM_200: Viewport = Viewport {
    name: "200",
    width: 683,
    height: 384,
    scale: 2.0,
};
/// WCAG 1.4.10's reflow width.
pub const NARROW: Viewport = Viewport {
    name: "320",
    width: 320,
    height: 640,
    scale: 1.0,
};

/// Emulates `v` for this and all following pages of the session.
pub async fn emulate(s: &Session, v: Viewport) -> Result<()> {
    s.driver
        .cdp()
        .send_raw(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": v.width, "height": v.height, "deviceScaleFactor": v.scale, "mobile": false }),
    )
    .await
    .context("Emulation.setDeviceMetricsOverride")?;
    Ok(())
}

const OVERFLOW_JS: &str = r#"
const w = document.documentElement.clientWidth;
const sw = document.scrollingElement.scrollWidth;
if (sw <= w + 1) return null;
const wide = [];
for (const e of document.body.querySelectorAll('*')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.right <= w + 1) continue;
  const p = e.parentElement && e.parentElement.getBoundingClientRect();
  if (p && p.right > w + 1) continue;
  wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + [...e.classList].join('.') : '') + ' (' + Math.round(r.right) + ' px)');
  if (wide.length >= 5) break;
}
return 'page ' + sw + ' px wide in a ' + w + ' px window: ' + wide.join(', ');
"#;

/// The page is wider than the window (a horizontal scroll): what sticks out.
pub async fn horizontal_overflow(s: &Session) -> Result<Option<String>> {
    let v = s.js(OVERFLOW_JS).await?;
    Ok(v.as_str().map(str::to_string))
}

const ROOM_JS: &str = r#"
const el = document.querySelector(arguments[0]);
if (!el) return 'missing';
window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY);
const r = el.getBoundingClientRect();
const visible = Math.min(window.innerHeight, r.bottom) - Math.max(0, r.top);
const needed = Math.min(r.height, window.innerHeight * 0.5);
const head = document.getElementById('topbar');
const hh = head ? head.getBoundingClientRect().height : 0;
window.scrollTo(0, 0);
return visible + 1 >= needed ? null : Math.round(visible) + ' px of ' + Math.round(r.height) + ' px shown in a ' + window.innerHeight + ' px window (header ' + Math.round(hh) + ' px)';
"#;

/// Scrolled to it, the element `css` (a screen, the canvas) gets at least half of the window
/// (or its whole height when smaller): the header does not eat the window.
pub async fn room_for(s: &Session, css: &str) -> Result<Option<String>> {
    let v = s
        .driver
        .execute(ROOM_JS, vec![json!(css)])
        .await?
        .json()
        .clone();
    Ok(v.as_str().map(str::to_string))
}

/// The focused element as `tag#id.class`; `body` when the focus is lost.
pub async fn focused(s: &Session) -> Result<String> {
    let v = s
        .js("const a = document.activeElement; if (!a || a === document.body) return 'body';
             return a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.getAttribute('class') ? '.' + a.getAttribute('class').trim().split(/\\s+/).join('.') : '');")
        .await?;
    Ok(v.as_str().unwrap_or("body").to_string())
}

/// Whether the focused element matches `css`.
pub async fn focus_matches(s: &Session, css: &str) -> Result<bool> {
    let v = s
        .driver
        .execute(
            "const a = document.activeElement; return !!(a && a !== document.body && a.matches(arguments[0]));",
            vec![json!(css)],
        )
        .await?;
    Ok(v.json().as_bool().unwrap_or(false))
}

/// After an action: waits two frames' worth, then `Some(problem)` when the focus is on
/// `<body>` (lost) or, with `want`, not on an element matching it.
pub async fn focus_after(s: &Session, action: &str, want: Option<&str>) -> Result<Option<String>> {
    let mut last = String::new();
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        last = focused(s).await?;
        let ok = match want {
            Some(css) => focus_matches(s, css).await?,
            None => last != "body",
        };
        if ok {
            return Ok(None);
        }
    }
    Ok(Some(match want {
        Some(css) => format!("after {action} the focus is on {last}, not on {css}"),
        None => format!("after {action} the focus is lost to <body>"),
    }))
}

/// Presses Tab `forward` times, then Shift+Tab `back` times; `Some(problem)` as soon as the
/// focus is outside the element `dialog` (a modal dialog) or the dialog lets nothing be
/// focused.
pub async fn tab_stays_in(
    s: &Session,
    dialog: &str,
    forward: usize,
    back: usize,
) -> Result<Option<String>> {
    for i in 0..forward + back {
        let chain = s.driver.action_chain();
        if i < forward {
            chain.send_keys(Key::Tab).perform().await?;
        } else {
            chain
                .key_down(Key::Shift)
                .send_keys(Key::Tab)
                .key_up(Key::Shift)
                .perform()
                .await?;
        }
        if !focus_inside(s, dialog).await? {
            let key = if i < forward { "Tab" } else { "Shift+Tab" };
            return Ok(Some(format!(
                "{key} no. {} left the open dialog {dialog} to {}",
                i + 1,
                focused(s).await?
            )));
        }
    }
    Ok(None)
}

/// Whether the focus is inside the element `css`.
pub async fn focus_inside(s: &Session, css: &str) -> Result<bool> {
    let v = s
        .driver
        .execute(
            "const a = document.activeElement; return !!(a && a.closest(arguments[0]));",
            vec![json!(css)],
        )
        .await?;
    Ok(v.json().as_bool().unwrap_or(false))
}

/// `Some(problem)` unless everything in the body outside `dialog` is inert.
pub async fn rest_is_inert(s: &Session, dialog: &str) -> Result<Option<String>> {
    let v = s
        .driver
        .execute(
            "const d = document.querySelector(arguments[0]);
             if (!d) return 'no ' + arguments[0];
             const open = [...document.body.children].filter(c => !c.contains(d) && !c.inert && !['SCRIPT', 'NOSCRIPT'].includes(c.tagName));
             return open.length ? 'not inert beside ' + arguments[0] + ': ' + open.map(c => c.tagName.toLowerCase() + (c.id ? '#' + c.id : '')).join(', ') : null;",
            vec![json!(dialog)],
        )
        .await?;
    Ok(v.json().as_str().map(str::to_string))
}

/// Focuses the element `css` from script (as a keyboard user who tabbed there would).
pub async fn focus_on(s: &Session, css: &str) -> Result<()> {
    let el = s.wait_for(css).await?;
    s.driver
        .execute("arguments[0].focus();", vec![el.to_json()?])
        .await?;
    Ok(())
}

/// Presses one key (with Control when `ctrl`).
pub async fn press(s: &Session, key: Key, ctrl: bool) -> Result<()> {
    let chain = s.driver.action_chain();
    if ctrl {
        chain
            .key_down(Key::Control)
            .send_keys(key)
            .key_up(Key::Control)
            .perform()
            .await?;
    } else {
        chain.send_keys(key).perform().await?;
    }
    Ok(())
}

/// Presses Control + a letter.
pub async fn ctrl(s: &Session, letter: &str) -> Result<()> {
    s.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys(letter)
        .key_up(Key::Control)
        .perform()
        .await?;
    Ok(())
}

/// Focusable elements of the header toolbar that Tab reaches (roving tabindex: exactly one).
pub async fn toolbar_tab_stops(s: &Session) -> Result<Vec<String>> {
    let v = s
        .js("return [...document.querySelectorAll('#topbar [role=toolbar] button')]
               .filter(b => !b.closest('[role=menu]') && !b.disabled && b.tabIndex >= 0 && b.getClientRects().length)
               .map(b => b.id);")
        .await?;
    Ok(serde_json::from_value(v)?)
}
