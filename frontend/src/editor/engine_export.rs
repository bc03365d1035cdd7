//! "Für eine Prozess-Engine exportieren" (issue 21): the executable BPMN for Operaton /
//! Camunda 7 or Camunda 8, with the export notes shown before the download — what the engine
//! cannot enforce is never dropped silently. Camunda 8 also downloads the generated forms.

use fachwerk_shared::bpmn::{to_bpmn_export, Engine};
use leptos::prelude::*;

use super::settings::focus_later;
use super::{use_editor, Editor};
use crate::i18n::{self, Lang};
use crate::storage;

pub fn open(ed: Editor) {
    ed.engine_export.set(Some(Engine::Camunda7));
    focus_later("engine-camunda7");
}

/// Closes the dialog; the focus returns to whatever opened it (`crate::a11y`).
fn close(ed: Editor) {
    ed.engine_export.set(None);
}

fn suffix(engine: Engine) -> &'static str {
    match engine {
        Engine::Camunda8 => "camunda8",
        _ => "camunda7",
    }
}

fn download(ed: Editor, engine: Engine) {
    let (key, export) = ed
        .wf
        .with_untracked(|w| (w.key.clone(), to_bpmn_export(w, engine)));
    let name = format!("{key}.{}.bpmn", suffix(engine));
    let mut ok = storage::download(&name, "application/bpmn+xml", &export.xml).is_ok();
    for form in &export.forms {
        ok &= storage::download(&form.file_name(), "application/json", &form.json).is_ok();
    }
    let forms = export.forms.len();
    ed.announce.set(match (ok, ed.lang.get_untracked()) {
        (false, _) => "Export fehlgeschlagen / export failed".into(),
        (true, Lang::De) if forms > 0 => format!("„{name}“ und {forms} Formulare exportiert."),
        (true, Lang::De) => format!("„{name}“ exportiert."),
        (true, Lang::En) if forms > 0 => format!("“{name}” and {forms} forms exported."),
        (true, Lang::En) => format!("“{name}” exported."),
    });
    close(ed);
}

/// The dialog: engine choice, the notes of that export, download.
#[component]
pub fn EngineExportDialog() -> impl IntoView {
    let ed = use_editor();
    move || ed.engine_export.get().map(|engine| dialog(ed, engine))
}

fn dialog(ed: Editor, engine: Engine) -> AnyView {
    let de = move || ed.lang.get() == Lang::De;
    let export = ed.wf.with_untracked(|w| {
        let e = to_bpmn_export(w, engine);
        let label = |id: &str| {
            w.blocks
                .iter()
                .find(|b| b.id.0 == id)
                .map(|b| b.label.clone())
                .unwrap_or_default()
        };
        let notes: Vec<(String, String, String)> = e
            .notes
            .iter()
            .map(|n| {
                (
                    label(&n.block_id),
                    n.message_de.clone(),
                    n.message_en.clone(),
                )
            })
            .collect();
        let forms: Vec<String> = e.forms.iter().map(|f| f.file_name()).collect();
        (notes, forms)
    });
    let (notes, forms) = export;
    let history = ed.wf.with_untracked(|w| w.history_ttl_days());
    let note_count = notes.len();
    let items = notes
        .into_iter()
        .map(|(block, msg_de, msg_en)| {
            let msg = move || if de() { msg_de.clone() } else { msg_en.clone() };
            view! {
                <li class="export-note">
                    <span class="where">{block}</span>
                    <span class="msg">{msg}</span>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let form_count = forms.len();
    let choice =
        move |e: Engine, id: &'static str, de_label: &'static str, en_label: &'static str| {
            view! {
                <label class="radio">
                    <input type="radio" name="engine" id=id checked=engine == e
                        on:change=move |_| {
                            ed.engine_export.set(Some(e));
                            focus_later(id);
                        } />
                    {move || if de() { de_label } else { en_label }}
                </label>
            }
        };
    view! {
        <div class="dialog-backdrop" on:click=move |ev| {
            if ev.target() == ev.current_target() {
                close(ed);
            }
        }>
            <div id="engine-export-dialog" class="dialog" role="dialog" aria-modal="true"
                aria-labelledby="engine-export-title" on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        close(ed);
                    }
                }>
                <h2 id="engine-export-title">{move || ed.t(i18n::EXPORT_ENGINE_TITLE)}</h2>
                <fieldset>
                    <legend>{move || if de() { "Prozess-Engine" } else { "Process engine" }}</legend>
                    {choice(Engine::Camunda7, "engine-camunda7", "Operaton / Camunda 7", "Operaton / Camunda 7")}
                    {choice(Engine::Camunda8, "engine-camunda8", "Camunda 8 (Zeebe)", "Camunda 8 (Zeebe)")}
                </fieldset>
                <p id="engine-export-summary" class="help">{move || match (de(), note_count) {
                    (true, 0) => "Die Engine kann alles ausdrücken, was dieser Ablauf verlangt.".to_string(),
                    (false, 0) => "The engine can express everything this workflow requires.".to_string(),
                    (true, n) => format!("{}, die die Engine nicht selbst durchsetzt – Task-Listener oder Worker müssen sie übernehmen:", i18n::count_noun(n, "Hinweis", "Hinweise")),
                    (false, n) => format!("{} on what the engine does not enforce itself — task listeners or workers must take it over:", i18n::count_noun(n, "note", "notes")),
                }}</p>
                <ul id="engine-export-notes">{items}</ul>
                {(engine == Engine::Camunda7).then(|| view! {
                    <p id="engine-export-history" class="help">{move || if de() {
                        format!("Die Engine bewahrt die Historie eines abgeschlossenen Vorgangs {history} Tage auf (historyTimeToLive, unter Einstellungen änderbar).")
                    } else {
                        format!("The engine keeps the history of a finished case for {history} days (historyTimeToLive, changeable under Settings).")
                    }}</p>
                })}
                {(form_count > 0).then(|| view! {
                    <p id="engine-export-forms" class="help">{move || if de() {
                        format!("Dazu {}: je Benutzeraufgabe ein Formular mit den Fallvariablen, zusammen mit dem BPMN bereitzustellen.", i18n::count_noun(form_count, "Formulardatei", "Formulardateien"))
                    } else {
                        format!("Plus {}: one form per user task with the case fields, to deploy together with the BPMN.", i18n::count_noun(form_count, "form file", "form files"))
                    }}</p>
                })}
                <div class="actions">
                    <button type="button" id="engine-export-download" class="primary"
                        on:click=move |_| download(ed, engine)>
                        {move || if de() { "Herunterladen" } else { "Download" }}
                    </button>
                    <button type="button" id="engine-export-cancel" on:click=move |_| close(ed)>
                        {move || ed.t(i18n::CANCEL)}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}
