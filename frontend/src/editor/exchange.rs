//! Files in and out: open/import a workflow as canonical JSON or BPMN 2.0, export JSON, BPMN and
//! SVG. An import that fails never touches the open workflow; what an import could not map
//! exactly (`ImportNote`) is listed in a dialog.

use std::cell::Cell;

use fachwerk_shared::bpmn::ImportNote;
use fachwerk_shared::{to_canonical_json, Workflow};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::settings::focus_later;
use super::{commands, use_editor, Editor};
use crate::i18n::{self, Lang};
use crate::pure::jobs::{self, Exported, Imported, Job, Reply};
use crate::pure::svg_export;
use crate::{storage, worker_client};

/// What the last import did: its notes, or why it failed; or an import waiting for the
/// user's yes because it would replace the open work.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub file: String,
    pub notes: Vec<ImportNote>,
    /// (German, English) reason when the file could not be imported.
    pub error: Option<(String, String)>,
    /// The imported workflow, not yet applied: the dialog asks before replacing the open one.
    pub pending: Option<Box<Workflow>>,
}

/// Whether the open workflow holds work that an import would replace (a blank workflow does
/// not; Undo would bring it back either way, but asking first is what "Neu" does too).
fn has_work(w: &Workflow) -> bool {
    !w.blocks.is_empty() || !w.fields.is_empty() || !w.roles.is_empty()
}

/// Puts an imported workflow into the editor and reports its notes.
fn apply_import(ed: Editor, file: String, w: Workflow, notes: Vec<ImportNote>) {
    let lang = ed.lang.get_untracked();
    ed.replace(w);
    commands::fit(ed);
    if notes.is_empty() {
        ed.import_report.set(None);
        ed.say(i18n::MSG_OPENED);
        focus_later("menu-file");
    } else {
        ed.announce.set(match lang {
            Lang::De => format!(
                "Ablauf importiert, {} zum Import.",
                i18n::count_noun(notes.len(), "Hinweis", "Hinweise")
            ),
            Lang::En => format!(
                "Workflow imported, {}.",
                i18n::count_noun(notes.len(), "import note", "import notes")
            ),
        });
        ed.import_report.set(Some(ImportReport {
            file,
            notes,
            error: None,
            pending: None,
        }));
        focus_later("import-close");
    }
}

/// Handles the change event of the hidden file input: the chosen file is opened by the
/// editor's parts (`Command::Open`).
pub fn open_file(ed: Editor, ev: leptos::ev::Event) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    ed.run(super::commands::Command::Open(file));
}

/// Opens `file`: JSON on the page, BPMN in the worker.
pub(super) fn open(ed: Editor, file: web_sys::File) {
    let name = file.name();
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".bpmn") || lower.ends_with(".xml") {
        // BPMN in the worker, which reads the file itself: the page stays responsive and never
        // copies a large file's text.
        importing(ed, &name);
        worker_client::import_file(&file, move |reply| imported(ed, name, import_result(reply)));
        return;
    }
    leptos::task::spawn_local(async move {
        let text = match storage::read_file(file).await {
            Ok(text) => text,
            Err(e) => {
                let why = (
                    format!("Die Datei konnte nicht gelesen werden: {e}"),
                    format!("The file could not be read: {e}"),
                );
                return imported(ed, name, Err(why));
            }
        };
        if !jobs::looks_like_xml(&name, &text) {
            // Canonical JSON is read as fast here as in the worker, and without a copy.
            let result = jobs::import_json(&text).map(|w| (w, Vec::new()));
            return imported(ed, name, result);
        }
        // XML under another name: its text goes to the worker.
        importing(ed, &name);
        let file = name.clone();
        worker_client::run(
            &Job::Import {
                name: &name,
                text: &text,
            },
            move |reply| imported(ed, file, import_result(reply)),
        );
    });
}

fn importing(ed: Editor, name: &str) {
    ed.announce.set(match ed.lang.get_untracked() {
        Lang::De => format!("„{name}“ wird importiert …"),
        Lang::En => format!("Importing “{name}” …"),
    });
}

/// The worker's reply to an import as the workflow and its notes, or why not.
fn import_result(reply: Reply<Imported>) -> Result<(Workflow, Vec<ImportNote>), (String, String)> {
    match reply {
        Reply::Done(Imported::Read { workflow, notes }) => {
            Ok((*workflow, notes.into_iter().map(ImportNote::from).collect()))
        }
        Reply::Done(Imported::Failed { de, en }) => Err((de, en)),
        // Defects of the page, not of the file; said as such.
        Reply::BadRequest { message } => Err((
            format!("Der Import ist intern fehlgeschlagen: {message}"),
            format!("The import failed internally: {message}"),
        )),
        Reply::Unavailable => Err((
            jobs::UNAVAILABLE.0.to_string(),
            jobs::UNAVAILABLE.1.to_string(),
        )),
        _ => Err((
            "Der Import ist intern fehlgeschlagen.".to_string(),
            "The import failed internally.".to_string(),
        )),
    }
}

/// Shows what reading a file gave: the workflow (asking first if it would replace work), or
/// why it could not be imported.
fn imported(
    ed: Editor,
    name: String,
    result: Result<(Workflow, Vec<ImportNote>), (String, String)>,
) {
    let lang = ed.lang.get_untracked();
    match result {
        Ok((w, notes)) if ed.wf.with_untracked(has_work) => {
            ed.import_report.set(Some(ImportReport {
                file: name,
                notes,
                error: None,
                pending: Some(Box::new(w)),
            }));
            focus_later("import-cancel");
        }
        Ok((w, notes)) => apply_import(ed, name, w, notes),
        Err((de, en)) => {
            ed.announce.set(match lang {
                Lang::De => format!("Import fehlgeschlagen: {de}"),
                Lang::En => format!("Import failed: {en}"),
            });
            ed.import_report.set(Some(ImportReport {
                file: name,
                notes: Vec::new(),
                error: Some((de, en)),
                pending: None,
            }));
            focus_later("import-close");
        }
    }
}

fn download(ed: Editor, name: String, mime: &str, text: &str) {
    if storage::download(&name, mime, text).is_err() {
        ed.announce
            .set("Export fehlgeschlagen / export failed".into());
    } else {
        ed.announce.set(match ed.lang.get_untracked() {
            Lang::De => format!("„{name}“ exportiert."),
            Lang::En => format!("“{name}” exported."),
        });
    }
}

pub(super) fn export_json(ed: Editor) {
    let (name, json) = ed
        .wf
        .with_untracked(|w| (format!("{}.json", w.key), to_canonical_json(w)));
    download(ed, name, "application/json", &json);
}

thread_local! {
    /// An export is being made: a second click (a double click) waits for it instead of
    /// starting another download.
    static EXPORTING: Cell<bool> = const { Cell::new(false) };
}

/// Makes the BPMN of the open workflow for `engine` (`plain`, `camunda7`, `camunda8`) in the
/// worker (BPMN export is not part of the page's first load) and hands it to `done`, or why
/// not (German, English).
pub fn export_in_worker(
    ed: Editor,
    engine: &str,
    done: impl FnOnce(Result<Exported, (String, String)>) + 'static,
) {
    ed.wf.with_untracked(|w| {
        worker_client::run(
            &Job::Export {
                workflow: w,
                engine,
            },
            move |reply: Reply<Exported>| {
                done(match reply {
                    Reply::Done(export) => Ok(export),
                    Reply::Unavailable => Err((
                        jobs::UNAVAILABLE.0.to_string(),
                        jobs::UNAVAILABLE.1.to_string(),
                    )),
                    Reply::BadRequest { message } => Err((
                        format!("Der Export ist intern fehlgeschlagen: {message}"),
                        format!("The export failed internally: {message}"),
                    )),
                    _ => Err((
                        "Der Export ist intern fehlgeschlagen.".to_string(),
                        "The export failed internally.".to_string(),
                    )),
                })
            },
        )
    });
}

pub(super) fn export_bpmn(ed: Editor) {
    if EXPORTING.replace(true) {
        return;
    }
    let name = ed.wf.with_untracked(|w| format!("{}.bpmn", w.key));
    export_in_worker(ed, "plain", move |result| {
        EXPORTING.set(false);
        match result {
            Ok(e) => download(ed, name, "application/bpmn+xml", &e.xml),
            Err((de, en)) => ed.announce.set(match ed.lang.get_untracked() {
                Lang::De => de,
                Lang::En => en,
            }),
        }
    });
}

pub(super) fn export_svg(ed: Editor) {
    let lang = ed.lang.get_untracked();
    let (name, svg) = ed
        .wf
        .with_untracked(|w| (format!("{}.svg", w.key), svg_export::export(w, lang)));
    download(ed, name, "image/svg+xml", &svg);
}

/// Closes the dialog; the focus returns to whatever opened it (`crate::a11y`).
pub fn close(ed: Editor) {
    ed.import_report.set(None);
}

/// The dialog with the import notes or the import error.
#[component]
pub fn ImportDialog() -> impl IntoView {
    let ed = use_editor();
    let parts = crate::on_demand::use_parts();
    move || {
        ed.import_report
            .get()
            .map(|r| parts.show(|p| (p.import_dialog)(ed, r)))
    }
}

/// Asks before an import replaces the open workflow.
fn confirm_dialog(ed: Editor, file: String, notes: Vec<ImportNote>, w: Workflow) -> AnyView {
    let de = move || ed.lang.get() == Lang::De;
    let open_name = ed.wf.with_untracked(|w| w.name.clone());
    let new_name = w.name.clone();
    let text = {
        let file = file.clone();
        move || {
            if de() {
                format!("„{file}“ („{new_name}“) ersetzt den geöffneten Ablauf „{open_name}“. Nicht gespeicherte Änderungen bringt danach nur „Rückgängig“ zurück.")
            } else {
                format!("“{file}” (“{new_name}”) replaces the open workflow “{open_name}”. Unsaved changes can then only be brought back with “Undo”.")
            }
        }
    };
    let imported = StoredValue::new((file, notes, w));
    let replace = move |_| {
        let (file, notes, w) = imported.get_value();
        apply_import(ed, file, w, notes);
    };
    view! {
        <div class="dialog-backdrop">
            <div id="import-dialog" class="dialog small" role="alertdialog" aria-modal="true" aria-labelledby="import-title" aria-describedby="import-body" on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close(ed);
                }
            }>
                <h2 id="import-title">{move || if de() { "Geöffneten Ablauf ersetzen?" } else { "Replace the open workflow?" }}</h2>
                <p id="import-body">{text}</p>
                <div class="actions">
                    <button type="button" id="import-replace" class="primary" on:click=replace>
                        {move || if de() { "Ersetzen" } else { "Replace" }}
                    </button>
                    <button type="button" id="import-cancel" on:click=move |_| close(ed)>
                        {move || ed.t(i18n::CANCEL)}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// The dialog's view (loaded on demand, `crate::on_demand`).
pub fn dialog(ed: Editor, r: ImportReport) -> AnyView {
    if let Some(w) = r.pending {
        return confirm_dialog(ed, r.file, r.notes, *w);
    }
    let lang = ed.lang;
    let de = move || lang.get() == Lang::De;
    let file = r.file.clone();
    let failed = r.error.is_some();
    let title = move || match (failed, de()) {
        (true, true) => "Import fehlgeschlagen",
        (true, false) => "Import failed",
        (false, true) => "Hinweise zum Import",
        (false, false) => "Import notes",
    };
    let role = if failed { "alertdialog" } else { "dialog" };
    let body = match r.error {
        Some((msg_de, msg_en)) => {
            let file = file.clone();
            view! {
                <p id="import-error" class="import-error">
                    {move || {
                        if de() {
                            format!("Die Datei „{file}“ konnte nicht importiert werden. {msg_de}")
                        } else {
                            format!("The file “{file}” could not be imported. {msg_en}")
                        }
                    }}
                </p>
                <p class="help">
                    {move || {
                        if de() {
                            "Ihr geöffneter Ablauf bleibt unverändert."
                        } else {
                            "Your open workflow is unchanged."
                        }
                    }}
                </p>
            }
            .into_any()
        }
        None => {
            let n = r.notes.len();
            let file = file.clone();
            let items = r
                .notes
                .into_iter()
                .map(|note| {
                    let ImportNote {
                        element_id,
                        element_type,
                        line,
                        message_de,
                        message_en,
                    } = note;
                    let eid = element_id.clone();
                    let where_ = move || {
                        let mut parts = Vec::new();
                        if !element_type.is_empty() {
                            parts.push(format!("<{element_type}>"));
                        }
                        if !element_id.is_empty() {
                            parts.push(format!("„{element_id}“"));
                        }
                        if line > 0 {
                            parts.push(if de() {
                                format!("Zeile {line}")
                            } else {
                                format!("line {line}")
                            });
                        }
                        if parts.is_empty() {
                            if de() {
                                "ganze Datei".to_string()
                            } else {
                                "whole file".to_string()
                            }
                        } else {
                            parts.join(", ")
                        }
                    };
                    let msg = move || {
                        if de() {
                            message_de.clone()
                        } else {
                            message_en.clone()
                        }
                    };
                    view! {
                        <li class="import-note" data-element-id=eid data-line=line.to_string()>
                            <span class="where">{where_}</span>
                            <span class="msg">{msg}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <p class="help">
                    {move || {
                        if de() {
                            let what = i18n::count_noun(n, "Element konnte", "Elemente konnten");
                            format!("„{file}“ wurde importiert. {what} nicht genau übernommen werden:")
                        } else {
                            let what = i18n::count_noun(n, "element", "elements");
                            format!("“{file}” was imported. {what} could not be taken over exactly:")
                        }
                    }}
                </p>
                <ul id="import-notes">{items}</ul>
            }
            .into_any()
        }
    };
    view! {
        <div class="dialog-backdrop" on:click=move |ev| {
            if ev.target() == ev.current_target() {
                close(ed);
            }
        }>
            <div id="import-dialog" class="dialog" role=role aria-modal="true" aria-labelledby="import-title" aria-describedby="import-body">
                <h2 id="import-title">{title}</h2>
                <div id="import-body">{body}</div>
                <div class="actions">
                    <button type="button" id="import-close" class="primary" on:click=move |_| close(ed)>
                        {move || ed.t(i18n::CLOSE)}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}
