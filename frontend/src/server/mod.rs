//! Working with the Fachwerk server: login, drafts, publication requests and their four-eyes
//! approval, version history and the review screen (issues #6 and #7).
//!
//! The header gets an account bar (`AccountBar`); the other screens (`Screens`) lie over the
//! editor's workspace while open and never touch its workflow unless the user opens something
//! into the editor.

mod drafts;
mod history;
mod inbox;
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
use crate::pure::route::Route;
use text as tx;

pub use routes::sync as sync_routes;

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
    fn new() -> Srv {
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

    pub fn open(self, ed: Editor, screen: Screen) {
        ed.clear_selection();
        self.msg.set(None);
        self.go(match screen {
            Screen::Editor => self.editor_route(),
            Screen::Drafts => Route::Drafts,
            Screen::Inbox => Route::Inbox,
            Screen::History => Route::History(None),
            Screen::Review => Route::Review,
            Screen::Templates => Route::Templates,
            Screen::Organisation => Route::Organisation,
            Screen::NewCase => Route::NewCase,
            Screen::Korb | Screen::Case => Route::Korb,
        });
        focus_later("srv-screen-title");
    }

    /// Back to the editor.
    pub fn close(self) {
        self.go(self.editor_route());
        focus_later("wf-title");
    }
}

/// Creates the server state, provides it to the whole app and restores the login session.
/// Call once in `App`, before its view.
pub fn provide() {
    let srv = Srv::new();
    provide_context(srv);
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
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Saves the editor's workflow as a draft: updates the open draft (with `If-Match`) or creates
/// one. On a conflict the editor keeps the user's work and offers to save it as a new draft.
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
#[component]
pub fn AccountBar() -> impl IntoView {
    use crate::editor::menu::{Icon, Item, Menu};
    let ed = use_editor();
    let srv = use_srv();
    let t = move |s: T| tr(ed.lang, s);
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
                .map(|m| format!(" ({})", tx::role_text(m.role, ed.lang.get())))
                .unwrap_or_default()
        })
    };
    let logout = Action::new_local(move |_: &()| async move {
        if let Ok(Some(provider)) = api::logout().await {
            // Single sign-on: end the session at the identity provider too.
            let _ = window().location().set_href(&provider);
        }
        srv.me.set(None);
        // The open draft belongs to this account; the next one saves a new draft.
        srv.set_draft(None);
        srv.conflict.set(false);
        srv.go(Route::Editor);
        srv.ok(tx::LOGGED_OUT.get(ed.lang.get_untracked()).into());
        // The account menu is gone: the focus goes to "Anmelden" in its place.
        focus_later("btn-login");
    });
    let save = Action::new_local(move |_: &()| save_draft(srv, ed, false));
    let on_editor = move || srv.screen.get() == Screen::Editor;
    let items = vec![
        Item::new("btn-submit", tx::SUBMIT, move || {
            srv.submit_open.set(true);
            focus_later("submit-note");
        })
        .visible(move || can_edit() && on_editor()),
        Item::new("btn-my-drafts", tx::MY_DRAFTS, move || {
            srv.open(ed, Screen::Drafts)
        })
        .visible(can_edit),
        Item::new("btn-templates", tx::TEMPLATES, move || {
            srv.open(ed, Screen::Templates)
        })
        .visible(can_edit),
        Item::new("btn-inbox", tx::INBOX, move || srv.open(ed, Screen::Inbox)),
        Item::new("btn-history", tx::HISTORY, move || {
            srv.open(ed, Screen::History)
        }),
        Item::new("btn-review", tx::REVIEW, move || {
            srv.open(ed, Screen::Review)
        }),
        Item::new(
            "btn-new-case",
            crate::organisation::text::NEW_CASE,
            move || srv.open(ed, Screen::NewCase),
        ),
        Item::new(
            "btn-organisation",
            crate::organisation::text::ORGANISATION,
            move || srv.open(ed, Screen::Organisation),
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
            <Show when=move || logged_in() && can_edit() && on_editor()>
                <button type="button" id="btn-save-draft" class="icon-only" aria-label=t(tx::SAVE_DRAFT) title=t(tx::SAVE_DRAFT) aria-busy=move || srv.busy.get().to_string() on:click=move |_| { save.dispatch_local(()); }>
                    <Icon d=crate::pure::icons::ICON_SAVE />
                </button>
            </Show>
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

/// Dialogs, the message line and the screens over the workspace. Mount after `AccountBar`.
#[component]
pub fn Screens() -> impl IntoView {
    let ed = use_editor();
    let srv = use_srv();
    let t = move |s: T| tr(ed.lang, s);
    let save_as_new = Action::new_local(move |_: &()| save_draft(srv, ed, true));
    let top = move || {
        srv.screen.get();
        ed.lang.get();
        let bottom = document()
            .get_element_by_id("topbar")
            .map(|e| e.get_bounding_client_rect().bottom())
            .unwrap_or(48.0);
        format!("top:{bottom:.0}px")
    };
    let screen = move || {
        let s = srv.screen.get();
        let (title, body) = match s {
            Screen::Editor => return None,
            Screen::Drafts => (tx::MY_DRAFTS, drafts::drafts_screen(ed, srv).into_any()),
            Screen::Inbox => (tx::INBOX, inbox::inbox_screen(ed, srv).into_any()),
            Screen::History => (tx::HISTORY, history::history_screen(ed, srv).into_any()),
            Screen::Review => (tx::REVIEW_TITLE, review::review_screen(ed, srv).into_any()),
            Screen::Templates => (
                tx::TPL_TITLE,
                templates::templates_screen(ed, srv).into_any(),
            ),
            Screen::Organisation => (
                crate::organisation::text::ORGANISATION,
                crate::organisation::organisation_screen(ed, srv).into_any(),
            ),
            Screen::NewCase => (
                crate::organisation::text::NEW_CASE,
                crate::organisation::new_case_screen(ed, srv).into_any(),
            ),
            Screen::Korb => (
                crate::cases::KORB_TITLE,
                crate::cases::korb_screen(ed, srv).into_any(),
            ),
            Screen::Case => (
                crate::cases::CASE_TITLE,
                crate::cases::case_screen(ed, srv).into_any(),
            ),
        };
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
            <Show when=move || srv.conflict.get()>
                <button type="button" id="btn-save-as-new" on:click=move |_| { save_as_new.dispatch_local(()); }>{t(tx::SAVE_AS_NEW)}</button>
            </Show>
        </div>
        {screen}
        <LoginDialog />
        <drafts::SubmitDialog />
    }
}

#[component]
fn LoginDialog() -> impl IntoView {
    let ed = use_editor();
    let srv = use_srv();
    let t = move |s: T| tr(ed.lang, s);
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
            let lang = ed.lang.get_untracked();
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
        let lang = ed.lang.get_untracked();
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
