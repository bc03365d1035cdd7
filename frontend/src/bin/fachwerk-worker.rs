//! The designer's Web Worker: validates large workflows, imports files and runs the
//! Probelauf (and a case's path) off the page's thread, so dragging stays smooth meanwhile.
//! Trunk builds this binary as a worker (`data-type="worker"` in index.html:
//! `fachwerk-worker_loader.js`, loaded on first use by `worker_client.rs`). Every message is a
//! JSON job (with a `File` beside it for a file to import, read here); the answer is
//! `pure::jobs::Worker::answer`, which keeps the copy of the workflow being checked.

#[cfg(target_arch = "wasm32")]
fn main() {
    use fachwerk_frontend::pure::jobs;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let worker = std::cell::RefCell::new(jobs::Worker::default());
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            // A job's text, or [text, File] for a file the worker reads itself. Anything else
            // gets the reply to an unreadable job (id 0).
            let (id, reply) = match data.dyn_ref::<js_sys::Array>() {
                Some(pair) => {
                    let message = pair.get(0).as_string().unwrap_or_default();
                    let text = pair
                        .get(1)
                        .dyn_into::<web_sys::Blob>()
                        .ok()
                        .and_then(|file| {
                            web_sys::FileReaderSync::new()
                                .ok()?
                                .read_as_text(&file)
                                .ok()
                        });
                    worker
                        .borrow_mut()
                        .answer_with_file(&message, text.as_deref())
                }
                None => worker
                    .borrow_mut()
                    .answer(&data.as_string().unwrap_or_default()),
            };
            // The id beside the text: the page finds the job without reading the reply, which
            // the job's own code reads (`jobs::Reply`).
            let message =
                js_sys::Array::of2(&JsValue::from_f64(id as f64), &JsValue::from_str(&reply));
            let _ = reply_to.post_message(&message);
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
