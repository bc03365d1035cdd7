//! The screens as URLs (issue 14): the location (kept by `leptos_router`) decides the screen;
//! opening a screen navigates, so Back and links work. Paths are read and written by
//! `crate::pure::route`.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use super::text as tx;
use super::{focus_later, focus_when_there, DraftRef, Screen, Srv};
use crate::api;
use crate::editor::{commands, Editor};
use crate::pure::route::{App, Opening, Route};

/// How the app navigates; set once inside the router.
pub type Navigate = Arc<dyn Fn(&str, NavigateOptions) + Send + Sync>;

impl Screen {
    /// The screen a route shows.
    pub fn of(route: &Route) -> Screen {
        match route {
            Route::Editor | Route::Draft(_) => Screen::Editor,
            Route::Drafts => Screen::Drafts,
            Route::Inbox | Route::Request(_) => Screen::Inbox,
            Route::RequestReview(_)
            | Route::Review
            | Route::Compare { .. }
            | Route::Version { .. } => Screen::Review,
            Route::History(_) => Screen::History,
            Route::Templates => Screen::Templates,
            Route::Organisation => Screen::Organisation,
            Route::NewCase => Screen::NewCase,
            Route::Korb => Screen::Korb,
            Route::Case(_) => Screen::Case,
        }
    }
}

impl Srv {
    /// Goes to `route` (a new history entry, so Back returns).
    pub fn go(self, route: Route) {
        self.navigate(route, false, None);
    }

    /// Goes to `route` and moves the keyboard focus to the element `focus` there.
    pub fn go_focus(self, route: Route, focus: &'static str) {
        self.navigate(route, false, Some(focus));
    }

    /// Shows `route` in place of the current entry (e.g. the editor's URL after a save).
    pub fn replace_route(self, route: Route) {
        self.navigate(route, true, None);
    }

    /// Shows `route` (in place of the current entry if `replace`), then focuses `focus`. A
    /// route of the other app is a page load; the focus and the message line go along
    /// (`crate::shell::leave`).
    pub fn navigate(self, route: Route, replace: bool, focus: Option<&'static str>) {
        let path = route.path();
        if route.app() != self.app {
            crate::shell::leave(&path, replace, focus, self.msg.get_untracked());
            return;
        }
        if self.route.with_untracked(|r| *r != route) {
            let options = NavigateOptions {
                replace,
                ..NavigateOptions::default()
            };
            self.navigate.with_value(|n| {
                if let Some(n) = n {
                    n(&path, options);
                }
            });
        }
        if let Some(id) = focus {
            focus_later(id);
        }
    }

    /// The editor's route: with the open server draft, if any.
    pub fn editor_route(self) -> Route {
        self.draft
            .with_untracked(|d| d.as_ref().map(|d| Route::Draft(d.id.clone())))
            .unwrap_or(Route::Editor)
    }
}

/// Connects the server state to the router. Call once inside `<Router>`, in either app.
pub fn sync(srv: Srv) {
    let location = use_location();
    let navigate = use_navigate();
    srv.navigate.set_value(Some(Arc::new(
        move |path: &str, options: NavigateOptions| navigate(path, options),
    )));
    let home = match srv.app {
        App::Designer => Route::Editor,
        App::Cases => Route::Korb,
        App::Publishing => Route::Inbox,
    };
    Effect::new(move |_| {
        let route = Route::parse(&location.pathname.get());
        match route {
            // A link inside the page to the other app's screen: the router has shown its
            // address already, the server gives that app.
            Some(route) if route.app() != srv.app => {
                let _ = window().location().reload();
            }
            route => srv.route.set(route.unwrap_or_else(|| home.clone())),
        }
    });
    // What the page before left (a change of app): its focus and message.
    let (focus, message) = crate::shell::arrive();
    if let Some((error, text)) = message {
        if error {
            srv.fail(text);
        } else {
            srv.ok(text);
        }
    }
    if let Some(id) = focus {
        focus_when_there(id);
    }
}

/// The designer's part of the routes: its URL names the open server draft, a link to a draft
/// opens it, and so does what the publishing app handed over (`super::opening`). Call once
/// after [`sync`].
pub fn sync_drafts(ed: Editor, srv: Srv) {
    // The editor's URL names the open draft once it changes (not on load: a link wins).
    Effect::new(move |before: Option<Option<String>>| {
        let draft = srv.draft.with(|d| d.as_ref().map(|d| d.id.clone()));
        let on_editor = srv.route.with_untracked(Route::is_editor);
        if on_editor && before.is_some_and(|b| b != draft) {
            srv.replace_route(draft.clone().map(Route::Draft).unwrap_or(Route::Editor));
        }
        draft
    });
    // The draft being opened: the link below must not open it a second time.
    let opening = StoredValue::new(None::<String>);
    // The draft (with the message to show) goes into the editor as one undo step.
    let open_draft = Action::new_local(move |(id, message): &(String, Option<String>)| {
        let (id, message) = (id.clone(), message.clone());
        async move {
            let lang = ed.lang.get_untracked();
            match api::get_draft(&id).await {
                Ok(d) => {
                    srv.set_draft(Some(DraftRef {
                        id: d.id,
                        revision: d.revision,
                        key: d.workflow.key.clone(),
                    }));
                    ed.replace(d.workflow);
                    request_animation_frame(move || commands::fit(ed));
                    srv.ok(message.unwrap_or_else(|| tx::OPENED_DRAFT.get(lang).into()));
                }
                Err(e) => {
                    // Not opened (e.g. the session ended on the way here): the address still
                    // names the draft, and logging in opens it.
                    opening.set_value(None);
                    srv.fail(e.message(lang));
                }
            }
        }
    });
    let open_version =
        Action::new_local(move |(key, version, message): &(String, String, String)| {
            let (key, version, message) = (key.clone(), version.clone(), message.clone());
            async move {
                match api::get_version(&key, &version).await {
                    Ok(w) => {
                        srv.set_draft(None);
                        ed.replace(w);
                        request_animation_frame(move || commands::fit(ed));
                        srv.ok(message);
                    }
                    Err(e) => srv.fail(e.message(ed.lang.get_untracked())),
                }
            }
        });
    match super::opening::take() {
        Some(Opening::Draft { id, message }) => {
            opening.set_value(Some(id.clone()));
            open_draft.dispatch_local((id, Some(message)));
        }
        Some(Opening::Version {
            key,
            version,
            message,
        }) => {
            open_version.dispatch_local((key, version, message));
        }
        None => {}
    }
    // A link to a draft opens it once the login is known; logged out, the page says so.
    let was_logged_in = StoredValue::new(false);
    Effect::new(move |_| {
        let Route::Draft(id) = srv.route.get() else {
            return;
        };
        let logged_in = srv.me.with(Option::is_some);
        // The hint is for arriving logged out (a link); after "Abmelden" the logout's own
        // message stays.
        if logged_in {
            was_logged_in.set_value(true);
        } else if srv.session_known.get() && !was_logged_in.get_value() {
            srv.fail(tx::DRAFT_NEEDS_LOGIN.get(ed.lang.get_untracked()).into());
        }
        let open = srv
            .draft
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.id == id));
        if logged_in && !open && opening.get_value().as_deref() != Some(id.as_str()) {
            opening.set_value(Some(id.clone()));
            open_draft.dispatch_local((id, None));
        }
    });
}
