//! Browser IO: localStorage, sessionStorage, file download and file reading.

use wasm_bindgen::{JsCast, JsValue};

/// Autosave slot: the canonical JSON of the open workflow.
pub const AUTOSAVE_KEY: &str = "fachwerk.autosave";
/// Clipboard shared by all open Fachwerk tabs of this origin.
pub const CLIPBOARD_KEY: &str = "fachwerk.clipboard";
pub const LANG_KEY: &str = "fachwerk.lang";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

/// Stores a value; false if storage is unavailable or full.
pub fn set(key: &str, value: &str) -> bool {
    local().is_some_and(|s| s.set_item(key, value).is_ok())
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// A value kept for this tab only (sessionStorage): it outlives a page load, not the tab.
pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok()?
}

/// Keeps a value for this tab (`None` removes it); false if storage is unavailable or full.
pub fn session_set(key: &str, value: Option<&str>) -> bool {
    session().is_some_and(|s| match value {
        Some(v) => s.set_item(key, v).is_ok(),
        None => s.remove_item(key).is_ok(),
    })
}

/// Offers `text` as a file download.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(filename);
    a.set_attribute("style", "display:none")?;
    if let Some(body) = document.body() {
        body.append_child(&a)?;
        a.click();
        body.remove_child(&a)?;
    }
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Reads a chosen file as text.
pub async fn read_file(file: web_sys::File) -> Result<String, String> {
    let promise = file.text();
    let value = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?;
    value
        .as_string()
        .ok_or_else(|| "keine Textdatei".to_string())
}
