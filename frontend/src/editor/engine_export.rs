//! "Für eine Prozess-Engine exportieren" (issue 21): the executable BPMN for Operaton /
//! Camunda 7 or Camunda 8, with the export notes shown before the download — what the engine
//! cannot enforce is never dropped silently. Camunda 8 also downloads the generated forms.

use fachwerk_shared::bpmn::Engine;
use leptos::prelude::*;

use super::exchange::export_in_worker;
use super::settings::focus_later;
use super::{use_editor, Editor};
use crate::i18n::{self, Lang};
use crate::pure::jobs::Exported;
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

/// The export the worker made for the engine chosen (or why it could not).
pub type Made = Option<(Engine, Result<Exported, (String, String)>)>;

/// Asks the worker for the export of `engine`; only the reply to the newest request counts
/// (another engine chosen meanwhile, or the dialog closed and opened again after an edit).
fn prepare(ed: Editor, engine: Engine, made: RwSignal<Made>, asked: StoredValue<u64>) {
    asked.update_value(|n| *n += 1);
    let mine = asked.get_value();
    made.set(None);
    export_in_worker(ed, suffix(engine), move |result| {
        if asked.get_value() == mine {
            made.set(Some((engine, result)));
        }
    });
}

fn download(ed: Editor, engine: Engine, made: RwSignal<Made>) {
    let key = ed.wf.with_untracked(|w| w.key.clone());
    let name = format!("{key}.{}.bpmn", suffix(engine));
    let ok = made.with_untracked(|m| match m {
        Some((e, Ok(export))) if *e == engine => {
            let mut ok = storage::download(&name, "application/bpmn+xml", &export.xml).is_ok();
            for f in &export.files {
                ok &= storage::download(&f.name, "application/json", &f.text).is_ok();
            }
            Some((ok, export.files.len()))
        }
        _ => None,
    });
    // Not made yet: the button is disabled then, so this is a click that came too early.
    let Some((ok, forms)) = ok else {
        return;
    };
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
    let made = RwSignal::new(None);
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| match ed.engine_export.get() {
        Some(engine) => prepare(ed, engine, made, asked),
        None => {
            asked.update_value(|n| *n += 1);
            made.set(None);
        }
    });
    let parts = crate::on_demand::use_parts();
    move || {
        ed.engine_export
            .get()
            .map(|engine| parts.show(|p| (p.engine_export_dialog)(ed, engine, made)))
    }
}

/// The notes and form files of the export, once the worker made it.
fn made_view(ed: Editor, engine: Engine, made: RwSignal<Made>) -> AnyView {
    let de = move || ed.lang.get() == Lang::De;
    let Some(result) = made.with(|m| match m {
        Some((e, r)) if *e == engine => Some(
            r.as_ref()
                .map(|x| (x.notes.clone(), x.files.len()))
                .map_err(Clone::clone),
        ),
        _ => None,
    }) else {
        return view! {
            <p id="engine-export-preparing" class="help" role="status">
                {move || if de() { "Der Export wird vorbereitet …" } else { "Preparing the export …" }}
            </p>
        }
        .into_any();
    };
    let (notes, form_count) = match result {
        Ok(x) => x,
        Err((msg_de, msg_en)) => {
            return view! {
                <p id="engine-export-error" class="error" role="alert">
                    {move || if de() { msg_de.clone() } else { msg_en.clone() }}
                </p>
            }
            .into_any()
        }
    };
    let label = |id: &str| {
        ed.wf.with_untracked(|w| {
            w.blocks
                .iter()
                .find(|b| b.id.0 == id)
                .map(|b| b.label.clone())
                .unwrap_or_default()
        })
    };
    let note_count = notes.len();
    let items = notes
        .into_iter()
        .map(|n| {
            let (msg_de, msg_en) = (n.message_de, n.message_en);
            let msg = move || if de() { msg_de.clone() } else { msg_en.clone() };
            view! {
                <li class="export-note">
                    <span class="where">{label(&n.block_id)}</span>
                    <span class="msg">{msg}</span>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <p id="engine-export-summary" class="help">{move || match (de(), note_count) {
            (true, 0) => "Die Engine kann alles ausdrücken, was dieser Ablauf verlangt.".to_string(),
            (false, 0) => "The engine can express everything this workflow requires.".to_string(),
            (true, n) => format!("{}, die die Engine nicht selbst durchsetzt – Task-Listener oder Worker müssen sie übernehmen:", i18n::count_noun(n, "Hinweis", "Hinweise")),
            (false, n) => format!("{} on what the engine does not enforce itself — task listeners or workers must take it over:", i18n::count_noun(n, "note", "notes")),
        }}</p>
        <ul id="engine-export-notes">{items}</ul>
        {(form_count > 0).then(|| view! {
            <p id="engine-export-forms" class="help">{move || if de() {
                format!("Dazu {}: je Benutzeraufgabe ein Formular mit den Fallvariablen, zusammen mit dem BPMN bereitzustellen.", i18n::count_noun(form_count, "Formulardatei", "Formulardateien"))
            } else {
                format!("Plus {}: one form per user task with the case fields, to deploy together with the BPMN.", i18n::count_noun(form_count, "form file", "form files"))
            }}</p>
        })}
    }
    .into_any()
}

/// The dialog's view (loaded on demand, `crate::on_demand`).
pub fn dialog(ed: Editor, engine: Engine, made: RwSignal<Made>) -> AnyView {
    let de = move || ed.lang.get() == Lang::De;
    let history = ed.wf.with_untracked(|w| w.history_ttl_days());
    let ready = move || made.with(|m| matches!(m, Some((e, Ok(_))) if *e == engine));
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
                aria-labelledby="engine-export-title" aria-busy=move || (!ready()).to_string()
                on:keydown=move |ev| {
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
                {move || made_view(ed, engine, made)}
                {(engine == Engine::Camunda7).then(|| view! {
                    <p id="engine-export-history" class="help">{move || if de() {
                        format!("Die Engine bewahrt die Historie eines abgeschlossenen Vorgangs {history} Tage auf (historyTimeToLive, unter Einstellungen änderbar).")
                    } else {
                        format!("The engine keeps the history of a finished case for {history} days (historyTimeToLive, changeable under Settings).")
                    }}</p>
                })}
                <div class="actions">
                    <button type="button" id="engine-export-download" class="primary"
                        disabled=move || !ready()
                        on:click=move |_| download(ed, engine, made)>
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
