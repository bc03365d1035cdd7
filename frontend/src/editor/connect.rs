//! "Verbinden mit …": connect an exit of the selected block to another block without a mouse.

use fachwerk_shared::BlockId;
use leptos::prelude::*;

use wasm_bindgen::JsCast;

use super::settings::focus_later;
use super::{commands, use_editor, Editor};
use crate::i18n::{self, Lang};
use crate::pure::geometry::{port_text, ports_of};

pub fn open_connect(ed: Editor) {
    ed.connect_open.set(true);
    focus_later("connect-port");
}

/// Closes the dialog unused; the focus returns to whatever opened it (`crate::a11y`): the
/// block for Ctrl+K, the button or menu otherwise.
pub fn close(ed: Editor) {
    ed.connect_open.set(false);
}

/// Closes the dialog after connecting; focus stays on the canvas, on the block that was
/// connected.
fn done(ed: Editor) {
    ed.connect_open.set(false);
    let source = ed.selection.with_untracked(|s| s.iter().next().cloned());
    request_animation_frame(move || {
        let block = source.and_then(|id| {
            document()
                .query_selector(&format!("#canvas g.block[data-block-id=\"{}\"]", id.0))
                .ok()
                .flatten()
        });
        let target = block.or_else(|| document().get_element_by_id("canvas"));
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok()) {
            let _ = el.focus();
        }
    });
}

#[component]
pub fn ConnectDialog() -> impl IntoView {
    let ed = use_editor();
    let parts = crate::on_demand::use_parts();
    move || {
        ed.connect_open
            .get()
            .then(|| parts.show(|p| (p.connect_dialog)(ed)))
    }
}

/// (port name, text) of the block's exits; taken ones name their current target.
fn port_choices(ed: Editor, id: &BlockId, lang: Lang) -> Vec<(String, String, bool)> {
    ed.wf.with(|w| {
        let Some(b) = w.block(id) else {
            return Vec::new();
        };
        ports_of(b)
            .into_iter()
            .map(|p| {
                let target = w
                    .outgoing(id)
                    .find(|e| e.port == p.name)
                    .map(|e| w.block_label(&e.to));
                let text = match &target {
                    Some(t) => format!("{} → {t}", port_text(&p, lang)),
                    None => format!(
                        "{} ({})",
                        port_text(&p, lang),
                        i18n::NOT_CONNECTED.get(lang)
                    ),
                };
                (p.name, text, target.is_none())
            })
            .collect()
    })
}

/// The dialog's view (loaded on demand, `crate::on_demand`).
pub fn dialog(ed: Editor) -> AnyView {
    let source = ed.selection.with_untracked(|s| {
        if s.len() == 1 {
            s.iter().next().cloned()
        } else {
            None
        }
    });
    let lang = ed.lang.get_untracked();
    let ports = source
        .as_ref()
        .map(|id| port_choices(ed, id, lang))
        .unwrap_or_default();
    let first_free = ports
        .iter()
        .find(|p| p.2)
        .or(ports.first())
        .map(|p| p.0.clone())
        .unwrap_or_default();
    let port = RwSignal::new(first_free);
    let targets: Vec<(String, String)> = ed.wf.with_untracked(|w| {
        let mut v: Vec<(String, String)> = w
            .blocks
            .iter()
            .filter(|b| Some(&b.id) != source.as_ref())
            .map(|b| {
                (
                    b.id.0.clone(),
                    format!("{} ({})", w.block_label(&b.id), b.id),
                )
            })
            .collect();
        v.sort_by_key(|a| fachwerk_shared::lowercase::lower(&a.1));
        v
    });
    let target = RwSignal::new(targets.first().map(|t| t.0.clone()).unwrap_or_default());
    let usable = source.is_some() && !ports.is_empty() && !targets.is_empty();
    let apply = {
        let source = source.clone();
        move |_| {
            if let Some(from) = &source {
                let to = BlockId(target.get_untracked());
                if commands::connect(ed, from, &port.get_untracked(), &to) {
                    done(ed);
                }
            }
        }
    };
    let port_options = ports
        .into_iter()
        .map(|(name, text, _)| {
            let selected = port.get_untracked() == name;
            view! { <option value=name selected=selected>{text}</option> }
        })
        .collect_view();
    let target_options = targets
        .into_iter()
        .map(|(id, text)| view! { <option value=id>{text}</option> })
        .collect_view();
    view! {
        <div class="dialog-backdrop">
            <div id="connect-dialog" class="dialog small" role="dialog" aria-modal="true" aria-labelledby="connect-title">
                <h2 id="connect-title">{move || ed.t(i18n::CONNECT_TITLE)}</h2>
                {(!usable).then(|| view! { <p class="hint">{move || ed.t(i18n::CONNECT_NEEDS_BLOCK)}</p> })}
                <div class="field">
                    <label for="connect-port">{move || ed.t(i18n::CONNECT_PORT)}</label>
                    <select id="connect-port" on:change=move |ev| port.set(event_target_value(&ev))>{port_options}</select>
                </div>
                <div class="field">
                    <label for="connect-target">{move || ed.t(i18n::CONNECT_TARGET)}</label>
                    <select id="connect-target" on:change=move |ev| target.set(event_target_value(&ev))>{target_options}</select>
                </div>
                <div class="actions">
                    <button type="button" id="connect-apply" disabled=!usable on:click=apply>
                        {move || ed.t(i18n::CONNECT_APPLY)}
                    </button>
                    <button type="button" id="connect-cancel" on:click=move |_| close(ed)>
                        {move || ed.t(i18n::CANCEL)}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}
