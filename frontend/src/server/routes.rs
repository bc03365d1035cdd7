//! The screens as URLs (issue 14): the location (kept by `leptos_router`) decides the screen;
//! opening a screen navigates, so Back and links work. Paths are read and written by
//! `crate::pure::route`.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use super::text as tx;
use super::{DraftRef, Screen, Srv};
use crate::api;
use crate::editor::{commands, Editor};
use crate::pure::route::Route;

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
        self.navigate(route, false);
    }

    /// Shows `route` in place of the current entry (e.g. the editor's URL after a save).
    pub fn replace_route(self, route: Route) {
        self.navigate(route, true);
    }

    fn navigate(self, route: Route, replace: bool) {
        let path = route.path();
        if self.route.with_untracked(|r| *r == route) {
            return;
        }
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

    /// The editor's route: with the open server draft, if any.
    pub fn editor_route(self) -> Route {
        self.draft
            .with_untracked(|d| d.as_ref().map(|d| Route::Draft(d.id.clone())))
            .unwrap_or(Route::Editor)
    }
}

/// Connects the server state to the router. Call once inside `<Router>`.
pub fn sync(ed: Editor, srv: Srv) {
    let location = use_location();
    let navigate = use_navigate();
    srv.navigate.set_value(Some(Arc::new(
        move |path: &str, options: NavigateOptions| navigate(path, options),
    )));
    Effect::new(move |_| {
        let route = Route::parse(&location.pathname.get()).unwrap_or_default();
        srv.route.set(route);
    });
    // The editor's URL names the open draft once it changes (not on load: a link wins).
    Effect::new(move |before: Option<Option<String>>| {
        let draft = srv.draft.with(|d| d.as_ref().map(|d| d.id.clone()));
        let on_editor = srv.route.with_untracked(Route::is_editor);
        if on_editor && before.is_some_and(|b| b != draft) {
            srv.replace_route(draft.clone().map(Route::Draft).unwrap_or(Route::Editor));
        }
        draft
    });
    // A link to a draft opens it once the login is known; logged out, the page says so.
    let opening = StoredValue::new(None::<String>);
    let was_logged_in = StoredValue::new(false);
    let open_draft = Action::new_local(move |id: &String| {
        let id = id.clone();
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
                    srv.ok(tx::OPENED_DRAFT.get(lang).into());
                }
                Err(e) => srv.fail(e.message(lang)),
            }
        }
    });
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
            open_draft.dispatch_local(id);
        }
    });
}
