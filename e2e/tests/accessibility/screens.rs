//! The walk over every screen at one size: axe, horizontal scroll, room; the designer's
//! Probelauf panel and settings dialog.

use std::time::Duration;

use fachwerk_e2e::a11y::{self, emulate, press, Viewport, ZOOM_200};
use fachwerk_e2e::axe::violations;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{out_dir, Session};

use super::fixtures::Fixtures;

/// One screen of the walk: label, path, what shows it is loaded, whether it is the canvas,
/// the element that must get room.
pub(super) struct Screen {
    label: &'static str,
    path: String,
    ready: &'static str,
    canvas: bool,
    room: Option<&'static str>,
}

pub(super) fn screens(f: &Fixtures) -> Vec<Screen> {
    let screen = |label, path: &str, ready, room| Screen {
        label,
        path: path.to_string(),
        ready,
        canvas: false,
        room,
    };
    let srv = Some("#srv-screen");
    vec![
        Screen {
            label: "Designer",
            path: "/".into(),
            ready: "#canvas g.block",
            canvas: true,
            room: Some("#canvas-wrap"),
        },
        screen(
            "Entwuerfe",
            "/entwuerfe",
            "#drafts-table, #drafts-empty",
            srv,
        ),
        screen("Freigaben", "/freigaben", "#inbox-list", srv),
        screen(
            "Freigabe",
            &format!("/freigaben/{}", f.request_a),
            "#pub-detail",
            srv,
        ),
        screen(
            "Vergleich",
            &format!("/freigaben/{}/vergleich", f.request_a),
            "#rv-change-list li",
            srv,
        ),
        screen("Vorlagen", "/vorlagen", "#tpl-table", srv),
        screen("Versionen", "/versionen", "#history-key", srv),
        screen("Arbeitskorb", "/arbeitskorb", "#korb-list", srv),
        screen(
            "Vorgang",
            &format!("/vorgang/{}", f.case_id),
            "#case-view",
            srv,
        ),
        screen("Organisation", "/organisation", "#org-persons", srv),
        screen("Vorgang-anlegen", "/vorgang/neu", "#newcase-workflow", srv),
        screen("Rueckfrage", &f.answer, "#query-question", None),
        screen("Status", &f.status, "#status-value", None),
    ]
}

/// Visits every screen at `v`: axe, horizontal scroll, room; the designer also with the
/// Probelauf panel and the settings dialog; screenshots at 200 %.
pub(super) async fn walk(
    s: &Session,
    axe: &str,
    v: Viewport,
    list: &[Screen],
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    emulate(s, v).await?;
    let shots = out_dir().join("a11y");
    std::fs::create_dir_all(&shots)?;
    for sc in list {
        let label = format!("{} @ {}", sc.label, v.name);
        s.driver.goto(format!("{}{}", s.base, sc.path)).await?;
        if let Err(e) = s.wait_for(sc.ready).await {
            problems.push(format!("[{label}] did not load: {e}"));
            continue;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        if v.name == ZOOM_200.name {
            s.driver
                .screenshot(&shots.join(format!("{}-200.png", sc.label.to_lowercase())))
                .await?;
        }
        problems.extend(violations(s, axe, &label).await?);
        if !sc.canvas {
            if let Some(o) = a11y::horizontal_overflow(s).await? {
                problems.push(format!("[{label}] horizontal scroll: {o}"));
            }
        }
        if let Some(css) = sc.room {
            if let Some(r) = a11y::room_for(s, css).await? {
                problems.push(format!("[{label}] {css} gets too little room: {r}"));
            }
        }
        if sc.canvas {
            if let Err(e) = designer_panels(s, axe, v, problems).await {
                problems.push(format!(
                    "[{label}] Probelauf or Einstellungen not usable: {e}"
                ));
            }
        }
    }
    Ok(())
}

/// The designer's Probelauf panel and its settings dialog at `v`.
async fn designer_panels(
    s: &Session,
    axe: &str,
    v: Viewport,
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    s.click_css("#btn-probelauf").await?;
    s.wait_for("#probelauf").await?;
    problems.extend(violations(s, axe, &format!("Probelauf @ {}", v.name)).await?);
    if let Some(o) = a11y::horizontal_overflow(s).await? {
        problems.push(format!("[Probelauf @ {}] horizontal scroll: {o}", v.name));
    }
    s.click_css("#btn-probelauf").await?;
    s.click_css("#wf-title").await?;
    s.wait_for("#settings-dialog").await?;
    if v.name == ZOOM_200.name {
        let shot = out_dir().join("a11y").join("einstellungen-200.png");
        s.driver.screenshot(&shot).await?;
    }
    problems.extend(violations(s, axe, &format!("Einstellungen @ {}", v.name)).await?);
    if let Some(o) = a11y::horizontal_overflow(s).await? {
        problems.push(format!(
            "[Einstellungen @ {}] horizontal scroll: {o}",
            v.name
        ));
    }
    press(s, Key::Escape, false).await?;
    Ok(())
}
