//! Opening a draft or a published version into the editor from the publishing app (issue 22).
//! The editor is another page there: the screen leaves what to open in the tab's session
//! storage and goes to the designer, which opens it on arrival — as one undo step over the work
//! the designer had restored, so "Rückgängig" brings that work back, as it did when both were
//! one page.

use leptos::prelude::*;

use crate::pure::route::{Opening, Route};
use crate::storage;

use super::Srv;

const KEY: &str = "fachwerk.handoff.open";

/// Asks the designer to open `what` and goes there (the focus to the workflow's title). The
/// address is the draft's own (`/entwurf/{id}`), or the editor's for a version.
pub fn open_in_editor(srv: Srv, what: Opening) {
    let route = match &what {
        Opening::Draft { id, .. } => Route::Draft(id.clone()),
        Opening::Version { .. } => Route::Editor,
    };
    storage::session_set(KEY, Some(&what.encode()));
    // The message belongs to the opening; this screen's last one stays behind.
    srv.msg.set(None);
    srv.go_focus(route, "wf-title");
}

/// What the page before asked the designer to open, taken once.
pub fn take() -> Option<Opening> {
    let text = storage::session_get(KEY)?;
    storage::session_set(KEY, None);
    Opening::decode(&text)
}
