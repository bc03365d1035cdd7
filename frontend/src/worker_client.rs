//! The page's side of the Web Worker (`src/bin/fachwerk-worker.rs`): starts it on first use,
//! sends jobs (`pure::jobs`) and hands each reply to the caller that waits for it. Jobs sent
//! before the worker is listening wait in a queue. If the worker cannot run (no Worker in the
//! browser, its file missing, a crash), validations run on the page instead (slower for big
//! workflows, never a different answer); every other job gets `Reply::Unavailable`, since its
//! code is only in the worker (`jobs::validate_here`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::pure::jobs::{self, Job, Reply};

/// The worker's loader, written by Trunk; absolute, since pages live under paths such as
/// `/entwurf/{id}`.
const LOADER: &str = "/fachwerk-worker_loader.js";

type Done = Box<dyn FnOnce(Reply)>;

struct Waiting {
    /// The job's text (for validating here when the worker is gone).
    message: String,
    done: Done,
}

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
    waiting: HashMap<u64, Waiting>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

/// Runs `job` in the worker; `done` gets its reply later (never synchronously while the
/// worker works; at once when the job has to run on the page).
pub fn run(job: &Job<'_>, done: impl FnOnce(Reply) + 'static) {
    send(job, None, done);
}

/// [`run`] for async code: the reply of `job`, once it is there.
pub async fn ask(job: &Job<'_>) -> Reply {
    let slot: Rc<RefCell<Option<Reply>>> = Rc::default();
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
pub fn import_file(file: &web_sys::File, done: impl FnOnce(Reply) + 'static) {
    let name = file.name();
    send(&Job::ImportFile { name: &name }, Some(file), done);
}

fn send(job: &Job<'_>, file: Option<&web_sys::File>, done: impl FnOnce(Reply) + 'static) {
    let id = CLIENT.with_borrow_mut(|c| {
        c.next_id += 1;
        c.next_id
    });
    let message = match jobs::request(id, job) {
        Ok(m) => m,
        Err(message) => return done(Reply::BadRequest { message }),
    };
    if !start() {
        return done(jobs::validate_here(&message));
    }
    let data = match file {
        Some(f) => js_sys::Array::of2(&JsValue::from_str(&message), f).into(),
        None => JsValue::from_str(&message),
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
        c.waiting.insert(
            id,
            Waiting {
                message,
                done: Box::new(done),
            },
        );
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
        received(&ev.data().as_string().unwrap_or_default());
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

fn received(text: &str) {
    if text == jobs::READY {
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
    let Ok((id, reply)) = jobs::read_reply(text) else {
        leptos::logging::warn!("Fachwerk: unreadable reply from the Web Worker");
        return;
    };
    // Taken out first: `done` may send the next job.
    let waiting = CLIENT.with_borrow_mut(|c| c.waiting.remove(&id));
    if let Some(w) = waiting {
        (w.done)(reply);
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

/// The worker is gone: waiting validations run on the page, the other jobs are unavailable.
fn fail_all() {
    mark("failed");
    let waiting: Vec<Waiting> = CLIENT.with_borrow_mut(|c| {
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        c.queue.clear();
        let mut all: Vec<(u64, Waiting)> = c.waiting.drain().collect();
        all.sort_by_key(|(id, _)| *id);
        all.into_iter().map(|(_, w)| w).collect()
    });
    for w in waiting {
        (w.done)(jobs::validate_here(&w.message));
    }
}
