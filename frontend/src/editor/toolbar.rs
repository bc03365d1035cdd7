//! The editor's tools in the header (issue 14): the commands grouped in the menus Datei,
//! Bearbeiten and Ansicht (with their shortcuts), the frequent ones as icon buttons. One row at
//! 1366 px; the buttons keep their width whatever the counts say.

use fachwerk_shared::Workflow;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::commands::{self, Command};
use super::connect::open_connect;
use super::menu::{Icon, Item, Menu};
use super::settings::open_settings;
use super::{probelauf, use_editor};
use crate::i18n::{self, T};
use crate::pure::icons;
use crate::server::{use_srv, Screen};

pub fn blank() -> Workflow {
    Workflow::new("neuer-ablauf", "Neuer Ablauf")
}

fn open_file_chooser() {
    if let Some(el) = document()
        .get_element_by_id("file-open")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        el.click();
    }
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let ed = use_editor();
    let srv = use_srv();
    let t = move |s: T| move || ed.t(s);
    let can_undo = move || ed.history.with(|h| h.can_undo());
    let can_redo = move || ed.history.with(|h| h.can_redo());
    let has_selection = move || ed.selection.with(|s| !s.is_empty());
    let running = move || {
        ed.server
            .with(|s| matches!(s, crate::api::ServerState::Running))
    };
    let file = vec![
        Item::new("btn-new", i18n::NEW, move || {
            ed.replace(blank());
            ed.view.set(Default::default());
            ed.say(i18n::MSG_NEW);
        }),
        Item::new("btn-open", i18n::OPEN, open_file_chooser),
        Item::new("btn-export-json", i18n::EXPORT_JSON, move || {
            ed.run(Command::ExportJson)
        }),
        Item::new("btn-export-bpmn", i18n::EXPORT_BPMN, move || {
            ed.run(Command::ExportBpmn)
        }),
        Item::new("btn-export-engine", i18n::EXPORT_ENGINE, move || {
            super::engine_export::open(ed)
        }),
        Item::new("btn-export-svg", i18n::EXPORT_SVG, move || {
            ed.run(Command::ExportSvg)
        }),
        // Anyone may browse the templates read only; logged in, the account menu has them.
        Item::new("btn-templates-public", i18n::TEMPLATES_BROWSE, move || {
            srv.open(Screen::Templates)
        })
        .visible(move || srv.me.with(Option::is_none)),
    ];
    let edit = vec![
        Item::new("menu-undo", i18n::UNDO, move || ed.undo())
            .keys(i18n::KEYS_UNDO, "Control+Z")
            .enabled(can_undo),
        Item::new("menu-redo", i18n::REDO, move || ed.redo())
            .keys(i18n::KEYS_REDO, "Control+Y")
            .enabled(can_redo),
        Item::new("menu-connect", i18n::CONNECT, move || open_connect(ed))
            .keys(i18n::KEYS_CONNECT, "Control+K"),
        Item::new("btn-copy", i18n::COPY, move || ed.run(Command::Copy))
            .keys(i18n::KEYS_COPY, "Control+C")
            .enabled(has_selection),
        Item::new("btn-paste", i18n::PASTE, move || ed.run(Command::Paste))
            .keys(i18n::KEYS_PASTE, "Control+V"),
        Item::new("btn-duplicate", i18n::DUPLICATE, move || {
            ed.run(Command::Duplicate)
        })
        .keys(i18n::KEYS_DUPLICATE, "Control+D")
        .enabled(has_selection),
        Item::new("btn-delete", i18n::DELETE, move || {
            commands::delete_selection(ed);
        })
        .keys(i18n::KEYS_DELETE, "Delete"),
        Item::new("menu-settings", i18n::SETTINGS, move || open_settings(ed)),
    ];
    let view_items = vec![
        Item::new("btn-layout", i18n::LAYOUT, move || ed.run(Command::Arrange)),
        Item::new("menu-fit", i18n::FIT, move || commands::fit(ed)),
        Item::new("menu-zoom-in", i18n::ZOOM_IN, move || {
            commands::zoom_center(ed, 1.2)
        }),
        Item::new("menu-zoom-out", i18n::ZOOM_OUT, move || {
            commands::zoom_center(ed, 1.0 / 1.2)
        }),
    ];
    view! {
        <div class="toolbar" role="toolbar" aria-label=t(i18n::TOOLBAR)>
            <Menu id="menu-file" label=i18n::MENU_FILE items=file />
            <Menu id="menu-edit" label=i18n::MENU_EDIT items=edit />
            <Menu id="menu-view" label=i18n::MENU_VIEW items=view_items />
            <span class="sep" aria-hidden="true"></span>
            <button type="button" id="btn-undo" class="icon-only" disabled=move || !can_undo() aria-keyshortcuts="Control+Z"
                aria-label=t(i18n::UNDO) title=move || format!("{} ({})", ed.t(i18n::UNDO), ed.t(i18n::KEYS_UNDO)) on:click=move |_| ed.undo()>
                <Icon d=icons::ICON_UNDO />
            </button>
            <button type="button" id="btn-redo" class="icon-only" disabled=move || !can_redo() aria-keyshortcuts="Control+Y"
                aria-label=t(i18n::REDO) title=move || format!("{} ({})", ed.t(i18n::REDO), ed.t(i18n::KEYS_REDO)) on:click=move |_| ed.redo()>
                <Icon d=icons::ICON_REDO />
            </button>
            <button type="button" id="btn-connect" aria-keyshortcuts="Control+K"
                title=move || format!("{} ({})", ed.t(i18n::CONNECT), ed.t(i18n::KEYS_CONNECT)) on:click=move |_| open_connect(ed)>
                <Icon d=icons::ICON_CONNECT />
                <span>{t(i18n::CONNECT_SHORT)}</span>
            </button>
            <button type="button" id="btn-validate" class="primary" aria-busy=move || running().to_string() on:click=move |_| ed.run(Command::ServerCheck)>
                <Icon d=icons::ICON_CHECK />
                <span>{t(i18n::VALIDATE)}</span>
            </button>
            <button type="button" id="btn-probelauf" aria-controls="sidebar" aria-expanded=move || ed.sim.open.get().to_string() on:click=move |_| probelauf::toggle(ed)>
                <Icon d=icons::ICON_PLAY />
                <span>{t(i18n::PROBELAUF)}</span>
            </button>
            <button type="button" id="btn-settings" class="icon-only" aria-label=t(i18n::SETTINGS) title=t(i18n::SETTINGS) on:click=move |_| open_settings(ed)>
                <Icon d=icons::ICON_SETTINGS />
            </button>
        </div>
    }
}
