//! The designer's Web Worker: validates large workflows and imports files off the page's
//! thread, so dragging stays smooth meanwhile. Trunk builds this binary as a worker
//! (`data-type="worker"` in index.html: `fachwerk-worker_loader.js`, loaded on first use by
//! `worker_client.rs`). Every message is a JSON job; the answer is `pure::jobs::answer`, the
//! same function the page runs when no worker is available.

#[cfg(target_arch = "wasm32")]
fn main() {
    use fachwerk_frontend::pure::jobs;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            // A message that is not text gets the reply to an unreadable job (id 0).
            let text = ev.data().as_string().unwrap_or_default();
            let _ = reply_to.post_message(&JsValue::from_str(&jobs::answer(&text)));
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(jobs::READY));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("fachwerk-worker runs in the browser as the designer's Web Worker.");
    std::process::exit(2);
}
