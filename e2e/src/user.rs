//! A person at the mouse and keyboard: every action goes through the page as a user's would
//! (clicks on what is visible, drags with the button held, typing into focused fields), and
//! each one is counted, so a test can say how much work a task takes.
//!
//! Counting rules: a click is one press of the mouse button; choosing from a drop-down list is
//! two clicks (open it, pick the entry); a drag is one press held while the mouse moves (it is
//! not also a click); a key press is one typed character or one special key (Tab, Enter) or one
//! chord (Ctrl+A). Opening a closed header menu to reach a command is a click of its own.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use thirtyfour::prelude::*;

use crate::Session;

/// What the user did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub clicks: usize,
    pub drags: usize,
    pub keys: usize,
}

impl Counts {
    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: Counts) -> Counts {
        Counts {
            clicks: self.clicks - earlier.clicks,
            drags: self.drags - earlier.drags,
            keys: self.keys - earlier.keys,
        }
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} clicks + {} drags + {} key presses",
            self.clicks, self.drags, self.keys
        )
    }
}

/// A counting user of one browser session.
pub struct User<'a> {
    pub s: &'a Session,
    pub counts: Counts,
}

const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

impl<'a> User<'a> {
    pub fn new(s: &'a Session) -> User<'a> {
        User {
            s,
            counts: Counts::default(),
        }
    }

    fn driver(&self) -> &WebDriver {
        &self.s.driver
    }

    /// Clicks the element matching `css`; a command in a closed header menu is reached by
    /// clicking the menu's button first.
    pub async fn click(&mut self, css: &str) -> Result<WebElement> {
        let el = self
            .driver()
            .query(By::Css(css))
            .wait(WAIT, POLL)
            .first()
            .await
            .with_context(|| format!("nothing to click at {css}"))?;
        if let Some(button) = crate::page::closed_menu_button(self.driver(), &el).await? {
            self.driver().find(By::Id(&button)).await?.click().await?;
            self.counts.clicks += 1;
        }
        self.click_el(&el).await?;
        Ok(el)
    }

    /// Clicks an element (WebDriver scrolls it into view first, as far as needed).
    pub async fn click_el(&mut self, el: &WebElement) -> Result<()> {
        el.click().await?;
        self.counts.clicks += 1;
        Ok(())
    }

    /// The browser's Back button.
    pub async fn browser_back(&mut self) -> Result<()> {
        self.driver().back().await?;
        self.counts.clicks += 1;
        Ok(())
    }

    /// Clicks the button (or link) inside `scope_css` whose visible text is `text`.
    pub async fn click_text(&mut self, scope_css: &str, text: &str) -> Result<()> {
        let scope = self.s.wait_for(scope_css).await?;
        for el in scope.find_all(By::Css("button, a, summary")).await? {
            if el.text().await?.trim() == text && el.is_displayed().await? {
                return self.click_el(&el).await;
            }
        }
        bail!("no button {text:?} in {scope_css}")
    }

    /// Types `text` into the focused element, then Tab (which commits the change).
    async fn keys(&mut self, text: &str) -> Result<()> {
        self.driver()
            .action_chain()
            .send_keys(text)
            .send_keys(Key::Tab)
            .perform()
            .await?;
        self.counts.keys += text.chars().count() + 1;
        Ok(())
    }

    /// Clicks into an empty field and types `text`, then Tab.
    pub async fn type_into(&mut self, el: &WebElement, text: &str) -> Result<()> {
        self.click_el(el).await?;
        self.keys(text).await
    }

    /// Clicks into a field, selects what is there (Ctrl+A) and types `text` over it, then Tab.
    pub async fn type_over(&mut self, el: &WebElement, text: &str) -> Result<()> {
        self.click_el(el).await?;
        self.driver()
            .action_chain()
            .key_down(Key::Control)
            .send_keys("a")
            .key_up(Key::Control)
            .perform()
            .await?;
        self.counts.keys += 1;
        self.keys(text).await
    }

    /// Types `text` into the field labelled `label` inside `scope`: over its content if it has
    /// any, and not at all if it already says `text`.
    pub async fn fill(&mut self, scope: &WebElement, label: &str, text: &str) -> Result<()> {
        let el = labelled(scope, label).await?;
        let current = el.prop("value").await?.unwrap_or_default();
        if current == text {
            return Ok(());
        }
        if current.is_empty() {
            self.type_into(&el, text).await
        } else {
            self.type_over(&el, text).await
        }
    }

    /// Picks the entry of the drop-down `select` whose text starts with `text` (two clicks).
    pub async fn choose_in(&mut self, select: &WebElement, text: &str) -> Result<()> {
        let mut seen = Vec::new();
        for option in select.find_all(By::Css("option")).await? {
            let t = option.text().await?;
            if t.trim().starts_with(text) {
                if option.is_selected().await? {
                    return Ok(());
                }
                option.click().await?;
                self.counts.clicks += 2;
                return Ok(());
            }
            seen.push(t);
        }
        bail!("no entry {text:?} in the list; it offers {seen:?}")
    }

    /// Picks `text` in the drop-down labelled `label` inside `scope`.
    pub async fn choose(&mut self, scope: &WebElement, label: &str, text: &str) -> Result<()> {
        let select = labelled(scope, label).await?;
        self.choose_in(&select, text).await
    }

    /// Ticks the checkbox labelled `label` inside `scope` (unless it is ticked already).
    pub async fn tick(&mut self, scope: &WebElement, label: &str) -> Result<()> {
        let el = labelled(scope, label).await?;
        if !el.is_selected().await? {
            self.click_el(&el).await?;
        }
        Ok(())
    }

    /// Drags a palette entry onto the canvas, the block's centre `(dx, dy)` from the canvas
    /// centre; returns the new block's id (the inspector shows the new block).
    pub async fn drag_from_palette(&mut self, tag: &str, dx: i64, dy: i64) -> Result<String> {
        let before = self.s.block_count().await?;
        let item = self
            .driver()
            .find(By::Css(format!(".palette-item[data-block-type='{tag}']")))
            .await
            .with_context(|| format!("no palette entry {tag}"))?;
        // Scrolled to in the palette's list, as with the mouse wheel.
        self.driver()
            .execute(
                "arguments[0].scrollIntoView({ block: 'nearest', inline: 'nearest' });",
                vec![item.to_json()?],
            )
            .await?;
        let canvas = self.driver().find(By::Id("canvas")).await?;
        self.driver()
            .action_chain()
            .move_to_element_center(&item)
            .click_and_hold()
            .move_by_offset(30, 5)
            .move_to_element_center(&canvas)
            .move_by_offset(dx, dy)
            .release()
            .perform()
            .await?;
        self.counts.drags += 1;
        self.s.wait_blocks(before + 1).await?;
        let form = self
            .s
            .wait_for(&format!("#inspector .block-form[data-block-type='{tag}']"))
            .await?;
        Ok(form.attr("data-block-id").await?.unwrap_or_default())
    }

    /// Drags from the exit of block `from` labelled `exit` (as the canvas shows it) onto the
    /// block `to`, and waits for the edge.
    pub async fn drag_connect(&mut self, from: &str, exit: &str, to: &str) -> Result<()> {
        let groups = self
            .driver()
            .find_all(By::Css(format!(
                "#canvas g.block[data-block-id='{from}'] g.port-group"
            )))
            .await?;
        let mut port = None;
        let mut seen = Vec::new();
        for g in groups {
            let Ok(label) = g.find(By::Css("text.port-label")).await else {
                continue;
            };
            let text = label.text().await?;
            if text.trim() == exit {
                port = Some(g.find(By::Css("circle.port")).await?);
                break;
            }
            seen.push(text);
        }
        let Some(port) = port else {
            bail!("block {from} has no open exit {exit:?}; it shows {seen:?}");
        };
        let name = port.attr("data-port").await?.unwrap_or_default();
        let target = self
            .driver()
            .find(By::Css(format!(
                "#canvas g.block[data-block-id='{to}'] .block-body"
            )))
            .await?;
        self.driver()
            .action_chain()
            .move_to_element_center(&port)
            .click_and_hold()
            .move_by_offset(15, 10)
            .move_to_element_center(&target)
            .release()
            .perform()
            .await?;
        self.counts.drags += 1;
        self.driver()
            .query(By::Css(format!(
                "#canvas g.edge[data-from='{from}'][data-port='{name}'][data-to='{to}']"
            )))
            .wait(Duration::from_secs(5), POLL)
            .first()
            .await
            .with_context(|| format!("no edge {from} –{exit}→ {to} after the drag"))?;
        Ok(())
    }

    /// Clicks a block on the canvas and waits for its form in the inspector.
    pub async fn select_block(&mut self, id: &str) -> Result<WebElement> {
        let body = self
            .driver()
            .find(By::Css(format!(
                "#canvas g.block[data-block-id='{id}'] .block-body"
            )))
            .await?;
        self.click_el(&body).await?;
        self.s
            .wait_for(&format!("#inspector .block-form[data-block-id='{id}']"))
            .await
    }
}

/// The form control labelled `label` inside `scope`: the text of its `<label>`, apart from a
/// hint in brackets after it („Betrag netto (Betrag)“) and the „*“ of a required field.
pub async fn labelled(scope: &WebElement, label: &str) -> Result<WebElement> {
    let mut seen = Vec::new();
    for l in scope.find_all(By::Css("label")).await? {
        let text = l.text().await?;
        let text = text.trim();
        let main = match text.rsplit_once(" (") {
            Some((main, hint)) if hint.ends_with(')') => main,
            _ => text,
        };
        // A required field's label ends in "*".
        let main = main.strip_suffix(" *").unwrap_or(main);
        if text == label || main == label {
            let id = l.attr("for").await?.unwrap_or_default();
            return Ok(scope.find(By::Id(&id)).await?);
        }
        seen.push(text.to_string());
    }
    bail!("no field labelled {label:?}; there are {seen:?}")
}
