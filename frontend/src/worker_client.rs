//! The page's side of the Web Worker (`src/bin/fachwerk-worker.rs`): starts it on first use,
//! sends jobs (`pure::jobs`) and hands each reply to the caller that waits for it. Jobs sent
//! before the worker is listening wait in a queue. If the worker cannot run (no Worker in the
//! browser, its file missing, a crash), every job gets `Reply::Unavailable`: validations then
//! run on the page (`editor::checks`; slower for big workflows, never a different answer), the
//! other jobs' code is only in the worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::pure::jobs::{self, Imported, Job, Reply};

/// The worker's loader, written by Trunk; absolute, since pages live under paths such as
/// `/entwurf/{id}`.
const LOADER: &str = "/fachwerk-worker_loader.js";

/// Takes the reply's text; `None`: the worker is unavailable.
type Done = Box<dyn FnOnce(Option<&str>)>;

#[derive(Default)]
struct Client {
    worker: Option<web_sys::Worker>,
    /// The worker said it listens.
    ready: bool,
    /// It cannot be used: validations run on the page, other jobs are unavailable.
    broken: bool,
    next_id: u64,
    /// Messages waiting for `ready` (the job's text, or the text and its file).
    queue: Vec<JsValue>,
    waiting: HashMap<u64, Done>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

/// Runs `job` in the worker; `done` gets its reply, read as the job's output `T`, later (never
/// synchronously while the worker works; at once when the worker is unavailable).
pub fn run<T: DeserializeOwned + 'static>(job: &Job<'_>, done: impl FnOnce(Reply<T>) + 'static) {
    send(job, None, done);
}

/// [`run`] for async code: the reply of `job`, once it is there.
pub async fn ask<T: DeserializeOwned + 'static>(job: &Job<'_>) -> Reply<T> {
    let slot: Rc<RefCell<Option<Reply<T>>>> = Rc::default();
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |ok, _| resolve = Some(ok));
    let kept = Rc::clone(&slot);
    run(job, move |reply| {
        *kept.borrow_mut() = Some(reply);
        if let Some(ok) = resolve {
            let _ = ok.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    let reply = slot.borrow_mut().take();
    reply.unwrap_or(Reply::Unavailable)
}

/// Imports `file` in the worker, which reads it itself: the page never copies its text.
pub fn import_file(file: &web_sys::File, done: impl FnOnce(Reply<Imported>) + 'static) {
    let name = file.name();
    send(&Job::ImportFile { name: &name }, Some(file), done);
}

fn send<T: DeserializeOwned + 'static>(
    job: &Job<'_>,
    file: Option<&web_sys::File>,
    done: impl FnOnce(Reply<T>) + 'static,
) {
    let id = CLIENT.with_borrow_mut(|c| {
        c.next_id += 1;
        c.next_id
    });
    let message = match jobs::request(id, job) {
        Ok(m) => m,
        Err(message) => return done(Reply::BadRequest { message }),
    };
    if !start() {
        return done(Reply::Unavailable);
    }
    // Read here, in the caller's code: only the pages that send a job link its output's reader.
    let read = move |text: Option<&str>| done(text.map_or(Reply::Unavailable, jobs::read_reply));
    post(id, &message, file, Box::new(read));
}

fn post(id: u64, message: &str, file: Option<&web_sys::File>, done: Done) {
    let data = match file {
        Some(f) => js_sys::Array::of2(&JsValue::from_str(message), f).into(),
        None => JsValue::from_str(message),
    };
    CLIENT.with_borrow_mut(|c| {
        if c.ready {
            if let Some(w) = &c.worker {
                if w.post_message(&data).is_err() {
                    c.broken = true;
                }
            }
        } else {
            c.queue.push(data);
        }
        c.waiting.insert(id, done);
    });
    if CLIENT.with_borrow(|c| c.broken) {
        fail_all();
    }
}

/// Starts the worker unless it runs or failed; false when it cannot be used.
fn start() -> bool {
    if CLIENT.with_borrow(|c| c.broken) {
        return false;
    }
    if CLIENT.with_borrow(|c| c.worker.is_some()) {
        return true;
    }
    let Ok(worker) = web_sys::Worker::new(LOADER) else {
        CLIENT.with_borrow_mut(|c| c.broken = true);
        mark("failed");
        return false;
    };
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
        received(&ev.data());
    });
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        ev.prevent_default();
        leptos::logging::warn!("Fachwerk: the Web Worker failed; validations run on the page");
        CLIENT.with_borrow_mut(|c| c.broken = true);
        fail_all();
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
    // The worker lives as long as the page.
    on_message.forget();
    on_error.forget();
    CLIENT.with_borrow_mut(|c| c.worker = Some(worker));
    true
}

/// A message of the worker: [`jobs::READY`], or a job's id and its reply's text.
fn received(data: &JsValue) {
    if data.as_string().as_deref() == Some(jobs::READY) {
        let sent = CLIENT.with_borrow_mut(|c| {
            c.ready = true;
            let queue = std::mem::take(&mut c.queue);
            let w = c.worker.clone();
            queue
                .iter()
                .all(|m| w.as_ref().is_some_and(|w| w.post_message(m).is_ok()))
        });
        if sent {
            mark("running");
        } else {
            CLIENT.with_borrow_mut(|c| c.broken = true);
            fail_all();
        }
        return;
    }
    let reply = data.dyn_ref::<js_sys::Array>().and_then(|pair| {
        let id = pair.get(0).as_f64()? as u64;
        Some((id, pair.get(1).as_string()?))
    });
    let Some((id, text)) = reply else {
        leptos::logging::warn!("Fachwerk: unreadable reply from the Web Worker");
        return;
    };
    // Taken out first: `done` may send the next job.
    let waiting = CLIENT.with_borrow_mut(|c| c.waiting.remove(&id));
    if let Some(done) = waiting {
        done(Some(&text));
    }
}

/// Shows the worker's state on the page's root element (`data-worker`: running, failed),
/// for whoever looks into the page, such as the browser tests.
fn mark(state: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-worker", state);
    }
}

/// The worker is gone: every waiting job is unavailable.
fn fail_all() {
    mark("failed");
    let waiting: Vec<Done> = CLIENT.with_borrow_mut(|c| {
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        c.queue.clear();
        let mut all: Vec<(u64, Done)> = c.waiting.drain().collect();
        all.sort_by_key(|(id, _)| *id);
        all.into_iter().map(|(_, done)| done).collect()
    });
    for done in waiting {
        done(None);
    }
}
