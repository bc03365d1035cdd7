//! Working with the Fachwerk server: login, drafts, publication requests and their four-eyes
//! approval, version history and the review screen (issues #6 and #7).
//!
//! The header gets an account bar (`AccountBar`); the screens (`screens`, drawn by
//! `publishing_screen` here for the publishing app and by `crate::cases_app` for the case app)
//! fill the page below it. The designer shows none of them: its page is the editor, and opening
//! a draft or a version from the publishing app hands it over (`opening`).

mod drafts;
mod history;
mod inbox;
mod opening;
mod remote;
mod review;
mod routes;
mod templates;
mod text;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use fachwerk_shared::api::SessionInfo;

use crate::api;
use crate::editor::{use_editor, Editor};
use crate::i18n::{Lang, T};
use crate::pure::route::{App, Route};
use text as tx;

pub use routes::{sync as sync_routes, sync_drafts};

/// The review's read-only drawing, also the Vorgang screen's (`crate::cases`).
pub(crate) use review::pane as review_pane;

const DRAFT_KEY: &str = "fachwerk.server.draft";
/// How long a success message stays.
const MESSAGE_MS: u64 = 8000;

/// The server draft the open workflow was loaded from or saved to.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftRef {
    pub id: String,
    pub revision: u64,
    /// Key of the workflow when it was saved; a different key in the editor means a new draft.
    pub key: String,
}

/// Which screen lies over the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    #[default]
    Editor,
    Drafts,
    Inbox,
    History,
    Review,
    Templates,
    Organisation,
    NewCase,
    /// The Arbeitskorb (`crate::cases`).
    Korb,
    /// One case (`crate::cases`).
    Case,
}

/// State of the server features; `Copy`, shared through context.
#[derive(Clone, Copy)]
pub struct Srv {
    /// The app this page is (a route of the other one is a page load).
    pub app: App,
    pub me: RwSignal<Option<SessionInfo>>,
    /// The server has said whether someone is logged in (`me` is only meaningful then).
    pub session_known: RwSignal<bool>,
    /// Where the browser is (set from the router's location only).
    pub route: RwSignal<Route>,
    /// The screen the route shows.
    pub screen: Memo<Screen>,
    navigate: StoredValue<Option<routes::Navigate>>,
    pub draft: RwSignal<Option<DraftRef>>,
    /// (is_error, text) of the last action.
    pub msg: RwSignal<Option<(bool, String)>>,
    pub login_open: RwSignal<bool>,
    pub submit_open: RwSignal<bool>,
    /// The last save hit a newer revision on the server.
    pub conflict: RwSignal<bool>,
    pub busy: RwSignal<bool>,
}

impl Srv {
    fn new(app: App) -> Srv {
        let draft = crate::storage::get(DRAFT_KEY).and_then(|s| {
            let mut it = s.splitn(3, '|');
            Some(DraftRef {
                id: it.next()?.to_string(),
                revision: it.next()?.parse().ok()?,
                key: it.next()?.to_string(),
            })
        });
        let route = RwSignal::new(Route::Editor);
        Srv {
            app,
            me: RwSignal::new(None),
            session_known: RwSignal::new(false),
            route,
            screen: Memo::new(move |_| route.with(Screen::of)),
            navigate: StoredValue::new(None),
            draft: RwSignal::new(draft),
            msg: RwSignal::new(None),
            login_open: RwSignal::new(false),
            submit_open: RwSignal::new(false),
            conflict: RwSignal::new(false),
            busy: RwSignal::new(false),
        }
    }

    pub fn set_draft(self, d: Option<DraftRef>) {
        match &d {
            Some(d) => {
                crate::storage::set(DRAFT_KEY, &format!("{}|{}|{}", d.id, d.revision, d.key));
            }
            None => {
                crate::storage::set(DRAFT_KEY, "");
            }
        }
        self.draft.set(d);
    }

    /// Shows a success message; it goes away by itself after a few seconds (errors stay until
    /// dismissed or replaced), so nothing lingers over the work.
    pub fn ok(self, text: String) {
        self.msg.set(Some((false, text.clone())));
        set_timeout(
            move || {
                if self
                    .msg
                    .try_with_untracked(|m| m.as_ref().is_some_and(|m| !m.0 && m.1 == text))
                    .unwrap_or(false)
                {
                    self.msg.set(None);
                }
            },
            std::time::Duration::from_millis(MESSAGE_MS),
        );
    }

    pub fn fail(self, text: String) {
        self.msg.set(Some((true, text)));
    }

    pub fn open(self, screen: Screen) {
        self.msg.set(None);
        let route = match screen {
            Screen::Editor => self.editor_route(),
            Screen::Drafts => Route::Drafts,
            Screen::Inbox => Route::Inbox,
            Screen::History => Route::History(None),
            Screen::Review => Route::Review,
            Screen::Templates => Route::Templates,
            Screen::Organisation => Route::Organisation,
            Screen::NewCase => Route::NewCase,
            Screen::Korb | Screen::Case => Route::Korb,
        };
        self.go_focus(route, "srv-screen-title");
    }

    /// Back to the editor.
    pub fn close(self) {
        self.go_focus(self.editor_route(), "wf-title");
    }
}

/// Creates the server state of `app` and provides it to the whole app. Call once in the app's
/// shell, before its view; then `restore_session`.
pub fn provide(app: App) {
    provide_context(Srv::new(app));
}

/// Asks the server who is logged in (`Srv::me`, `Srv::session_known`).
pub fn restore_session(srv: Srv) {
    leptos::task::spawn_local(async move {
        if let Ok(Some(me)) = api::whoami().await {
            srv.me.set(Some(me));
        }
        srv.session_known.set(true);
    });
}

pub fn use_srv() -> Srv {
    expect_context::<Srv>()
}

pub fn tr(lang: RwSignal<Lang>, s: T) -> impl Fn() -> &'static str + Copy {
    move || s.get(lang.get())
}

/// Moves keyboard focus to an element after the next render.
pub fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        focus(id);
    });
}

/// Focuses the element `id` now; false if it is not there (or cannot take the focus).
pub(crate) fn focus(id: &str) -> bool {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}

/// Moves keyboard focus to an element once it is rendered (a freshly loaded page draws its
/// screen a few frames after start); gives up after about a second.
pub fn focus_when_there(id: String) {
    fn attempt(id: String, frames_left: u32) {
        if !focus(&id) && frames_left > 0 {
            request_animation_frame(move || attempt(id, frames_left - 1));
        }
    }
    request_animation_frame(move || attempt(id, 60));
}

/// Saves the editor's workflow as a draft: updates the open draft (with `If-Match`) or creates
/// one. On a conflict the editor keeps the user's work and offers to save it as a new draft.
/// Run from the editor's parts (`Editor::save_draft`).
pub async fn save_draft(srv: Srv, ed: Editor, force_new: bool) -> Option<DraftRef> {
    let lang = ed.lang.get_untracked();
    if srv.me.get_untracked().is_none() {
        srv.fail(tx::NOT_LOGGED_IN.get(lang).into());
        return None;
    }
    drafts::derive_key_on_first_save(srv, ed, force_new).await;
    let w = ed.wf.get_untracked();
    let target = srv
        .draft
        .get_untracked()
        .filter(|d| !force_new && d.key == w.key);
    srv.busy.set(true);
    let result = match &target {
        Some(d) => api::update_draft(&d.id, d.revision, &w).await,
        None => api::create_draft(&w).await,
    };
    srv.busy.set(false);
    match result {
        Ok(d) => {
            let r = DraftRef {
                id: d.id,
                revision: d.revision,
                key: w.key.clone(),
            };
            srv.set_draft(Some(r.clone()));
            srv.conflict.set(false);
            srv.ok(format!(
                "{} ({} {}).",
                tx::SAVED.get(lang),
                tx::REVISION.get(lang),
                r.revision
            ));
            Some(r)
        }
        Err(e) if e.status == 409 || e.status == 412 => {
            srv.conflict.set(true);
            srv.fail(tx::CONFLICT.get(lang).into());
            None
        }
        Err(e) => {
            srv.fail(e.message(lang));
            None
        }
    }
}

/// Account bar in the header: login state, saving, and the server's screens in one menu.
/// `children`: the designer's own buttons (saving a draft), before the account menu.
#[component]
pub fn AccountBar(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    use crate::editor::menu::{Item, Menu};
    let lang = crate::shell::use_lang();
    let srv = use_srv();
    let t = move |s: T| tr(lang, s);
    let logged_in = move || srv.me.with(Option::is_some);
    let can_edit = move || {
        srv.me
            .with(|m| m.as_ref().is_some_and(|m| m.role.can_edit()))
    };
    let name = move || {
        srv.me
            .with(|m| m.as_ref().map(|m| m.username.clone()).unwrap_or_default())
    };
    // The role is part of the accessible name and the tooltip; the header shows the name only.
    let role = move || {
        srv.me.with(|m| {
            m.as_ref()
                .map(|m| format!(" ({})", tx::role_text(m.role, lang.get())))
                .unwrap_or_default()
        })
    };
    let logout = Action::new_local(move |_: &()| async move {
        let provider = api::logout().await.ok().flatten();
        // The open draft belongs to this account; the next one saves a new draft.
        srv.set_draft(None);
        if let Some(provider) = provider {
            // Single sign-on: end the session at the identity provider too (the page leaves).
            let _ = window().location().set_href(&provider);
            return;
        }
        srv.ok(tx::LOGGED_OUT.get(lang.get_untracked()).into());
        if Route::Editor.app() != srv.app {
            // The designer's page loads logged out; this one stays as it was until then.
            srv.go_focus(Route::Editor, "btn-login");
            return;
        }
        srv.me.set(None);
        srv.conflict.set(false);
        // The account menu is gone: the focus goes to "Anmelden" in its place.
        srv.go_focus(Route::Editor, "btn-login");
    });
    let on_editor = move || srv.screen.get() == Screen::Editor;
    let items = vec![
        Item::new("btn-submit", tx::SUBMIT, move || {
            srv.submit_open.set(true);
            focus_later("submit-note");
        })
        .visible(move || can_edit() && on_editor()),
        Item::new("btn-my-drafts", tx::MY_DRAFTS, move || {
            srv.open(Screen::Drafts)
        })
        .visible(can_edit),
        Item::new("btn-templates", tx::TEMPLATES, move || {
            srv.open(Screen::Templates)
        })
        .visible(can_edit),
        Item::new("btn-inbox", tx::INBOX, move || srv.open(Screen::Inbox)),
        Item::new("btn-history", tx::HISTORY, move || {
            srv.open(Screen::History)
        }),
        Item::new("btn-review", tx::REVIEW, move || srv.open(Screen::Review)),
        Item::new(
            "btn-new-case",
            crate::organisation::text::NEW_CASE,
            move || srv.open(Screen::NewCase),
        ),
        Item::new(
            "btn-organisation",
            crate::organisation::text::ORGANISATION,
            move || srv.open(Screen::Organisation),
        )
        .visible(move || {
            srv.me
                .with(|m| m.as_ref().is_some_and(|m| m.role.is_admin()))
        }),
        Item::new("btn-logout", tx::LOGOUT, move || {
            logout.dispatch_local(());
        }),
    ];
    view! {
        <nav class="srv-bar" aria-label=t(tx::ACCOUNT)>
            <crate::cases::KorbButton />
            {children.map(|c| c())}
            <div class="srv-account" hidden=move || !logged_in()>
                <Menu id="btn-account" label=crate::i18n::MENU_ACCOUNT items=items>
                    <span id="whoami" class="srv-who" title=move || format!("{} {}{}", t(tx::LOGGED_IN_AS)(), name(), role())>
                        <span class="sr-only">{t(tx::LOGGED_IN_AS)}" "</span>
                        {name}
                        <span class="sr-only">{role}</span>
                    </span>
                </Menu>
            </div>
            <Show when=move || !logged_in()>
                <button type="button" id="btn-login" on:click=move |_| {
                    srv.login_open.set(true);
                    focus_later("login-user");
                }>{t(tx::LOGIN)}</button>
            </Show>
        </nav>
    }
}

/// A screen's title and body, or `None` where the app shows no screen over its page.
pub type ScreenView = Option<(T, AnyView)>;

/// The publishing app's screens (`crate::mount_publishing`; the case app's: `crate::cases_app`).
pub fn publishing_screen(screen: Screen, srv: Srv) -> ScreenView {
    let lang = crate::shell::use_lang();
    Some(match screen {
        Screen::Drafts => (tx::MY_DRAFTS, drafts::drafts_screen(lang, srv).into_any()),
        Screen::Inbox => (tx::INBOX, inbox::inbox_screen(lang, srv).into_any()),
        Screen::History => (tx::HISTORY, history::history_screen(lang, srv).into_any()),
        Screen::Review => (
            tx::REVIEW_TITLE,
            review::review_screen(lang, srv).into_any(),
        ),
        Screen::Templates => (
            tx::TPL_TITLE,
            templates::templates_screen(lang, srv).into_any(),
        ),
        // Another app's screen while its page loads.
        _ => return None,
    })
}

/// The message line, the screen of the route (drawn by `screen`) and the login dialog; the
/// designer adds its "save as new draft" (`message_extra`). Mount after `AccountBar`.
pub fn screens(screen: fn(Screen, Srv) -> ScreenView, message_extra: AnyView) -> impl IntoView {
    let lang = crate::shell::use_lang();
    let srv = use_srv();
    let t = move |s: T| tr(lang, s);
    let top = move || {
        srv.screen.get();
        lang.get();
        let bottom = document()
            .get_element_by_id("topbar")
            .map(|e| e.get_bounding_client_rect().bottom())
            .unwrap_or(48.0);
        format!("top:{bottom:.0}px")
    };
    // Who is logged in: a screen is built for that person (what it offers depends on the role)
    // and built anew when someone logs in or out. On a page's first load that is one request
    // away; until then there is no screen.
    let person = Memo::new(move |_| {
        srv.session_known
            .get()
            .then(|| srv.me.with(|m| m.as_ref().map(|m| m.username.clone())))
    });
    let screen = move || {
        person.get()?;
        let (title, body) = screen(srv.screen.get(), srv)?;
        Some(view! {
            <section id="srv-screen" class="srv-screen" role="main" style=top aria-labelledby="srv-screen-title" on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    srv.close();
                }
            }>
                <div class="srv-screen-head">
                    <h2 id="srv-screen-title" tabindex="-1">{t(title)}</h2>
                    <button type="button" id="srv-close" on:click=move |_| srv.close()>{t(tx::BACK)}</button>
                </div>
                {body}
            </section>
        })
    };
    view! {
        <div class="srv-message-line">
            <p id="srv-message" role="status" aria-live="polite" class:srv-error=move || srv.msg.with(|m| m.as_ref().is_some_and(|m| m.0))>
                {move || crate::a11y::marked(srv.msg.with(|m| m.as_ref().map(|m| m.1.clone()).unwrap_or_default()))}
            </p>
            <Show when=move || srv.msg.with(Option::is_some)>
                <button type="button" id="srv-message-close" class="icon-only" aria-label=t(crate::i18n::DISMISS) title=t(crate::i18n::DISMISS) on:click=move |_| srv.msg.set(None)>
                    <crate::editor::menu::Icon d=crate::pure::icons::ICON_CLOSE />
                </button>
            </Show>
            {message_extra}
        </div>
        {screen}
        <LoginDialog />
    }
}

/// The designer's button that saves the editor's workflow as a server draft (in the account
/// bar, on the editor only).
#[component]
pub fn SaveDraftButton() -> impl IntoView {
    use crate::editor::menu::Icon;
    let ed = use_editor();
    let srv = use_srv();
    let t = move |s: T| tr(ed.lang, s);
    let can_edit = move || {
        srv.me
            .with(|m| m.as_ref().is_some_and(|m| m.role.can_edit()))
    };
    let save = Action::new_local(move |_: &()| ed.save_draft(srv, false));
    view! {
        <Show when=move || can_edit() && srv.screen.get() == Screen::Editor>
            <button type="button" id="btn-save-draft" class="icon-only" aria-label=t(tx::SAVE_DRAFT) title=t(tx::SAVE_DRAFT) aria-busy=move || srv.busy.get().to_string() on:click=move |_| { save.dispatch_local(()); }>
                <Icon d=crate::pure::icons::ICON_SAVE />
            </button>
        </Show>
    }
}

/// After a save met a newer revision: the offer to save the work as a new draft instead.
#[component]
pub fn SaveAsNewButton() -> impl IntoView {
    let ed = use_editor();
    let srv = use_srv();
    let save_as_new = Action::new_local(move |_: &()| ed.save_draft(srv, true));
    view! {
        <Show when=move || srv.conflict.get()>
            <button type="button" id="btn-save-as-new" on:click=move |_| { save_as_new.dispatch_local(()); }>{tr(ed.lang, tx::SAVE_AS_NEW)}</button>
        </Show>
    }
}

pub use drafts::{submit, Outcome, SubmitDialog};

#[component]
fn LoginDialog() -> impl IntoView {
    let lang = crate::shell::use_lang();
    let srv = use_srv();
    let t = move |s: T| tr(lang, s);
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // After a forced reset: the one-time password, until a new one is chosen.
    let renew = RwSignal::new(None::<String>);
    let new_password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let close = move || {
        srv.login_open.set(false);
        error.set(None);
        password.set(String::new());
        renew.set(None);
        new_password.set(String::new());
        focus_later("btn-login");
    };
    let login = Action::new_local(move |(u, p): &(String, String)| {
        let (u, p) = (u.clone(), p.clone());
        async move {
            let lang = lang.get_untracked();
            srv.busy.set(true);
            let r = match renew.get_untracked() {
                Some(current) => {
                    api::change_password(&current, &new_password.get_untracked()).await
                }
                None => api::login(&u, &p).await,
            };
            srv.busy.set(false);
            match r {
                Ok(me) if me.must_change_password => {
                    renew.set(Some(p));
                    error.set(Some(tx::MUST_CHANGE_PASSWORD.get(lang).into()));
                    focus_later("login-new-password");
                }
                Ok(me) => {
                    renew.set(None);
                    new_password.set(String::new());
                    srv.me.set(Some(me));
                    srv.login_open.set(false);
                    error.set(None);
                    password.set(String::new());
                    srv.msg.set(None);
                    focus_later("btn-account");
                }
                Err(e) if e.status == 401 => error.set(Some(tx::BAD_LOGIN.get(lang).into())),
                Err(e) => error.set(Some(e.message(lang))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let (u, p) = (user.get_untracked(), password.get_untracked());
        if u.trim().is_empty() || p.is_empty() {
            error.set(Some(tx::LOGIN_EMPTY.get(lang).into()));
            return;
        }
        login.dispatch_local((u.trim().to_string(), p));
    };
    // Single sign-on and password login as the server offers them.
    let options =
        LocalResource::new(|| async { api::login_options().await.unwrap_or((false, true)) });
    let sso = move || options.get().is_some_and(|(sso, _)| sso);
    let password_login = move || options.get().is_none_or(|(_, password)| password);
    move || {
        srv.login_open.get().then(|| {
            view! {
                <div class="dialog-backdrop">
                    <div id="login-dialog" class="dialog small" role="dialog" aria-modal="true" aria-labelledby="login-title" on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            close();
                        }
                    }>
                        <h2 id="login-title">{t(tx::LOGIN_TITLE)}</h2>
                        <Show when=sso>
                            <p class="srv-actions"><a id="login-sso" class="button-link" href="/api/oidc/login" rel="external">{t(tx::LOGIN_SSO)}</a></p>
                        </Show>
                        <form on:submit=submit hidden=move || !password_login()>
                            <div class="field">
                                <label for="login-user">{t(tx::USERNAME)}</label>
                                <input id="login-user" type="text" autocomplete="username" required prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev)) />
                            </div>
                            <div class="field">
                                <label for="login-password">{t(tx::PASSWORD)}</label>
                                <input id="login-password" type="password" autocomplete="current-password" required prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                            </div>
                            {move || renew.get().is_some().then(|| view! {
                                <div class="field">
                                    <label for="login-new-password">{t(tx::NEW_PASSWORD)}</label>
                                    <input id="login-new-password" type="password" autocomplete="new-password" required prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev)) />
                                </div>
                            })}
                            <p id="login-error" class="srv-error" role="alert">{move || error.get().map(crate::a11y::marked)}</p>
                            <div class="srv-actions">
                                <button type="submit" id="login-submit" class="primary" aria-busy=move || srv.busy.get().to_string()>{t(tx::LOGIN)}</button>
                                <button type="button" id="login-cancel" on:click=move |_| close()>{t(tx::CANCEL)}</button>
                            </div>
                        </form>
                    </div>
                </div>
            }
        })
    }
}
