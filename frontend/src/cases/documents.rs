//! "Dokument hinzufügen" in the Vorgang: a clerk uploads files to the case (the server checks
//! them like the applicant's: type by content, 10 MB, five at most); they are listed with the
//! case's documents and recorded in the history.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::organisation::text as tx;
use crate::server::{focus_later, tr};

const FILE_INPUT: &str = "case-upload-file";

/// The chosen files of the upload input.
fn chosen_files() -> Vec<web_sys::File> {
    let Some(input) = document()
        .get_element_by_id(FILE_INPUT)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

fn clear_input() {
    if let Some(input) = document()
        .get_element_by_id(FILE_INPUT)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.set_value("");
    }
}

/// The upload form of case `case_id`; `done` runs after files were stored.
#[component]
pub fn DocumentUpload(case_id: String, done: Callback<()>) -> impl IntoView {
    let ui_lang = crate::shell::use_lang();
    let t = move |s: crate::i18n::T| tr(ui_lang, s);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let upload = Action::new_local(move |case_id: &String| {
        let case_id = case_id.clone();
        async move {
            let lang = ui_lang.get_untracked();
            let files = chosen_files();
            let r = if files.is_empty() {
                Err(tx::NO_FILE.get(lang).to_string())
            } else {
                api::add_documents(&case_id, &files)
                    .await
                    .map_err(|e| e.detail_in(lang))
            };
            busy.set(false);
            match r {
                Ok(docs) => {
                    clear_input();
                    let names: Vec<String> = docs.into_iter().map(|d| d.name).collect();
                    let text = match lang {
                        crate::i18n::Lang::De => format!("Hinzugefügt: {}", names.join(", ")),
                        crate::i18n::Lang::En => format!("Added: {}", names.join(", ")),
                    };
                    message.set(Some((true, text)));
                    done.run(());
                }
                Err(e) => {
                    message.set(Some((false, e)));
                    focus_later("case-upload-message");
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        message.set(None);
        upload.dispatch_local(case_id.clone());
    };
    view! {
        <form id="case-upload" class="case-upload" on:submit=on_submit>
            <label for=FILE_INPUT>{t(tx::ADD_DOCUMENT)}</label>
            <input id=FILE_INPUT type="file" multiple aria-describedby="case-upload-hint"
                accept=".pdf,.png,.jpg,.jpeg,.odt,.docx,.txt,application/pdf,image/png,image/jpeg,text/plain" />
            <span id="case-upload-hint" class="srv-muted">{t(tx::UPLOAD_HINT)}</span>
            <div class="srv-actions">
                <button type="submit" id="case-upload-send" disabled=move || busy.get()>
                    {move || if busy.get() { tx::UPLOADING.get(ui_lang.get()) } else { tx::UPLOAD.get(ui_lang.get()) }}
                </button>
            </div>
            <p id="case-upload-message" tabindex="-1" role="status"
                class:srv-error=move || message.with(|m| m.as_ref().is_some_and(|m| !m.0))>
                {move || message.get().map(|m| m.1)}
            </p>
        </form>
    }
}
