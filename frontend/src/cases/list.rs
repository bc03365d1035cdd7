//! The Arbeitskorb: the person's tasks in three tabs, with search, a workflow filter, due dates
//! in working days and one-click claiming. Long lists render only the rows in view (a window
//! over fixed-height rows), so 5,000 tasks open and filter as fast as 50.

use fachwerk_shared::api::Task;
use fachwerk_shared::simulate::Land;
use fachwerk_shared::values::Date;
use leptos::prelude::*;

use super::korb::{self, due_in, due_text, filter, haystack, split, window, Due, Tab};
use crate::api;
use crate::i18n::{Lang, T};
use crate::pure::route::Route;
use crate::server::{focus_later, tr, Srv};

/// Height of one row in pixels (the CSS `.korb-row` has the same).
const ROW_H: f64 = 56.0;
/// Rows rendered above and below the visible ones.
const EXTRA_ROWS: usize = 8;
/// The most tasks a tab loads: a whole Arbeitskorb.
const LOAD_LIMIT: u32 = 5000;

const SEARCH: T = T(
    "Suche (Aktenzeichen, Aufgabe, Ablauf)",
    "Search (file number, task, workflow)",
);
const ALL_WORKFLOWS: T = T("Alle Abläufe", "All workflows");
const WORKFLOW: T = T("Ablauf", "Workflow");
const CLAIM: T = T("Übernehmen", "Claim");
const OPEN: T = T("Öffnen", "Open");
const EMPTY: T = T("Keine Aufgaben.", "No tasks.");
const NO_MATCH: T = T(
    "Keine Aufgabe passt zur Suche.",
    "No task matches the search.",
);
const LOADING: T = T("Lädt …", "Loading …");
const NO_DUE: T = T("ohne Frist", "no deadline");
const CLAIMED: T = T("Übernommen:", "Claimed:");
const NOT_A_PERSON: T = T(
    "Ihr Konto gehört zu keiner Person der Organisation; ein Arbeitskorb braucht eine. Die Verwaltung ordnet das Konto unter „Organisation“ zu.",
    "Your account belongs to no person of the organisation; a work basket needs one. An administrator links the account under “Organisation”.",
);
const DESIGNER: T = T("Zum Designer", "To the designer");
const TABS: T = T("Aufgabenlisten", "Task lists");
const OWN_TASKS: T = T(" eigene Aufgaben", " own tasks");

/// The Arbeitskorb's data, shared by the screen and the count in the header.
#[derive(Clone, Copy)]
pub struct Korb {
    /// Meine Aufgaben, Aufgaben meiner Rollen, Vertretung; `None` until loaded.
    pub lists: RwSignal<Option<[Vec<Task>; 3]>>,
    /// Whether the account belongs to a person (`None`: not known yet).
    pub person: RwSignal<Option<bool>>,
    pub tab: RwSignal<Tab>,
    pub query: RwSignal<String>,
    pub workflow: RwSignal<String>,
    /// A reload is under way.
    pub loading: RwSignal<bool>,
    /// The number of own tasks where the lists are not loaded (see [`Load::COUNT`]).
    own_count: RwSignal<Option<usize>>,
}

/// What an app loads into the Arbeitskorb after a login. A function pointer, not a flag, so
/// that the apps which only count do not link the task lists' reader (issue 22, first load).
#[derive(Clone, Copy)]
pub struct Load(fn(Korb) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>);

impl Load {
    /// The three lists (the case app, which shows them).
    pub const LISTS: Load = Load(|k| Box::pin(reload(k)));
    /// Only the number of own tasks, for the header's button (the designer, the publishing
    /// app: a role's list may hold thousands of tasks).
    pub const COUNT: Load = Load(|k| Box::pin(count_own(k)));
}

pub fn use_korb() -> Korb {
    expect_context::<Korb>()
}

/// Creates the Arbeitskorb's state and, after each login, loads it; a person's start screen
/// at `/` is the Arbeitskorb (see `start_rule`). Call once in the app, after
/// `crate::server::provide`.
pub fn provide(srv: Srv, load: Load) {
    let k = Korb {
        lists: RwSignal::new(None),
        person: RwSignal::new(None),
        tab: RwSignal::new(Tab::Mine),
        query: RwSignal::new(String::new()),
        workflow: RwSignal::new(String::new()),
        loading: RwSignal::new(false),
        own_count: RwSignal::new(None),
    };
    provide_context(k);
    // `None` until the server has said; then who is logged in, if anyone.
    let who = Memo::new(move |_| {
        srv.session_known
            .get()
            .then(|| srv.me.with(|m| m.as_ref().map(|m| m.username.clone())))
    });
    Effect::new(move |_| {
        k.lists.set(None);
        k.own_count.set(None);
        k.person.set(None);
        match who.get() {
            None => {}
            // The next login chooses the start screen again.
            Some(None) => {
                crate::storage::session_set(STARTED_KEY, None);
            }
            Some(Some(who)) => leptos::task::spawn_local(async move {
                (load.0)(k).await;
                start_rule(k, srv, &who);
            }),
        }
    });
}

/// The account whose start screen this tab has chosen (sessionStorage: the designer and the
/// case app are separate pages, and "Zum Designer" must not bring the Arbeitskorb back).
const STARTED_KEY: &str = "fachwerk.korb.started";

/// The start screen rule: someone whose account belongs to a person of the organisation and
/// who is not designing (at `/` with no server draft open) starts in the Arbeitskorb — once
/// per login and tab (a session restored in a new tab counts as a login); the designer stays
/// one click away ("Zum Designer").
fn start_rule(k: Korb, srv: Srv, who: &str) {
    if crate::storage::session_get(STARTED_KEY).as_deref() == Some(who) {
        return;
    }
    // Without a tab storage the rule stays out: it could not tell a later "Zum Designer".
    if !crate::storage::session_set(STARTED_KEY, Some(who)) {
        return;
    }
    let at_start = srv.route.with_untracked(|r| *r == Route::Editor);
    let designing = srv.draft.with_untracked(Option::is_some);
    if k.person.get_untracked() == Some(true) && at_start && !designing {
        srv.navigate(Route::Korb, true, Some("srv-screen-title"));
    }
}

/// Loads the three lists (a failed load leaves the lists empty and says why in the message
/// line).
pub async fn reload(k: Korb) {
    k.loading.set(true);
    load(k).await;
    k.loading.set(false);
}

async fn load(k: Korb) {
    let mine = api::list_tasks("mine", LOAD_LIMIT).await;
    match mine {
        Err(e) if e.is_no_person() => {
            k.person.set(Some(false));
            k.lists.set(Some(Default::default()));
        }
        Err(_) => {
            k.lists.set(Some(Default::default()));
        }
        Ok(mine) => {
            let roles = api::list_tasks("roles", LOAD_LIMIT)
                .await
                .unwrap_or_default();
            let deputy = api::list_tasks("deputy", LOAD_LIMIT)
                .await
                .unwrap_or_default();
            k.person.set(Some(true));
            k.lists.set(Some(split(mine, roles, deputy)));
        }
    }
}

/// Counts the own tasks (see [`Load::COUNT`]); a failed count shows none.
async fn count_own(k: Korb) {
    match api::count_tasks("mine", LOAD_LIMIT).await {
        Err(e) if e.is_no_person() => k.person.set(Some(false)),
        Err(_) => k.own_count.set(Some(0)),
        Ok(n) => {
            k.person.set(Some(true));
            k.own_count.set(Some(n));
        }
    }
}

/// Today on the server's clock (as the last task list or case said: a server with a test
/// clock counts from its day), else the browser's (`None` only if neither gives a date).
pub(super) fn today() -> Option<Date> {
    if let Some(day) = api::server_today().as_deref().and_then(Date::parse) {
        return Some(day);
    }
    let d = js_sys::Date::new_0();
    Date::new(
        u16::try_from(d.get_full_year()).ok()?,
        u8::try_from(d.get_month() + 1).ok()?,
        u8::try_from(d.get_date()).ok()?,
    )
}

/// The Arbeitskorb button of the header: the name and the number of the person's own tasks.
#[component]
pub fn KorbButton() -> impl IntoView {
    let ui_lang = crate::shell::use_lang();
    let srv = crate::server::use_srv();
    let k = use_korb();
    let t = move |s: T| tr(ui_lang, s);
    let count = move || {
        k.own_count
            .get()
            .or_else(|| k.lists.with(|l| l.as_ref().map(|l| l[0].len())))
            .unwrap_or(0)
    };
    let label = move || {
        let n = count();
        match ui_lang.get() {
            Lang::De => format!("Arbeitskorb, {n} eigene Aufgaben"),
            Lang::En => format!("Work basket, {n} own tasks"),
        }
    };
    view! {
        <Show when=move || k.person.get() == Some(true)>
            <button type="button" id="btn-korb" title=label
                aria-current=move || (srv.route.get() == Route::Korb).then_some("page")
                on:click=move |_| {
                    srv.go_focus(Route::Korb, "srv-screen-title");
                }>
                {t(super::KORB_TITLE)}
                " "
                <span class="korb-count">{count}</span>
                <span class="sr-only">{t(OWN_TASKS)}</span>
            </button>
        </Show>
    }
}

/// The Arbeitskorb screen.
pub fn korb_screen(ui_lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let k = use_korb();
    let t = move |s: T| tr(ui_lang, s);
    if k.lists.with_untracked(Option::is_some) {
        leptos::task::spawn_local(reload(k));
    }
    let scroll_top = RwSignal::new(0.0f64);
    let view_h = RwSignal::new(600.0f64);
    // (search text, workflow) of each task of the open tab, lowercased once per list.
    let hay = Memo::new(move |_| {
        let tab = k.tab.get() as usize;
        k.lists.with(|l| {
            l.as_ref().map_or_else(Vec::new, |l| {
                l[tab]
                    .iter()
                    .map(|t| (haystack(t), t.workflow.clone()))
                    .collect::<Vec<_>>()
            })
        })
    });
    let shown = Memo::new(move |_| {
        let q = k.query.get();
        let wf = k.workflow.get();
        hay.with(|h| filter(h, &q, &wf))
    });
    let workflows = Memo::new(move |_| {
        let mut v: Vec<String> = k.lists.with(|l| {
            l.iter()
                .flatten()
                .flatten()
                .map(|t| t.workflow.clone())
                .collect()
        });
        v.sort();
        v.dedup();
        v
    });
    let claim = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let lang = ui_lang.get_untracked();
            match api::claim_task(&id).await {
                Ok(task) => {
                    srv.ok(match lang {
                        Lang::De => format!("„{}“ ({}) übernommen.", task.label, task.aktenzeichen),
                        Lang::En => format!("Claimed “{}” ({}).", task.label, task.aktenzeichen),
                    });
                    reload(k).await;
                }
                Err(e) => {
                    srv.fail(e.detail_in(lang));
                    reload(k).await;
                }
            }
        }
    });
    let select_tab = move |tab: Tab| {
        k.tab.set(tab);
        scroll_top.set(0.0);
        if let Some(el) = document().get_element_by_id("korb-scroll") {
            el.set_scroll_top(0);
        }
    };
    let tab_keys = move |ev: leptos::ev::KeyboardEvent| {
        let i = k.tab.get_untracked() as usize;
        let next = match ev.key().as_str() {
            "ArrowRight" => (i + 1) % 3,
            "ArrowLeft" => (i + 2) % 3,
            "Home" => 0,
            "End" => 2,
            _ => return,
        };
        ev.prevent_default();
        let tab = Tab::ALL[next];
        select_tab(tab);
        focus_later(tab.id());
    };
    let tabs = Tab::ALL
        .iter()
        .map(|&tab| {
            let selected = move || k.tab.get() == tab;
            let n = move || {
                k.lists
                    .with(|l| l.as_ref().map_or(0, |l| l[tab as usize].len()))
            };
            view! {
                <button type="button" role="tab" id=tab.id() aria-controls="korb-panel"
                    aria-selected=move || selected().to_string()
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| select_tab(tab)
                    on:keydown=tab_keys>
                    {move || tab.label(ui_lang.get())}
                    " "
                    <span class="korb-count">{n}</span>
                </button>
            }
        })
        .collect::<Vec<_>>();
    let row = move |pos: usize, task: Task, lang: Lang, total: usize| {
        let tab = k.tab.get_untracked();
        let due = task
            .due
            .as_deref()
            .and_then(Date::parse)
            .zip(today())
            .map(|(d, today)| due_in(d, today, Land::default()));
        let overdue = matches!(due, Some(Due::Overdue(_)));
        let due_line = due.map_or_else(|| NO_DUE.get(lang).to_string(), |d| due_text(d, lang));
        let due_date = task
            .due
            .as_deref()
            .map(|d| format!(" ({})", korb::date_text(d, lang)))
            .unwrap_or_default();
        let case_id = task.case_id.clone();
        let id = task.id.clone();
        let open_label = format!("{} {}", OPEN.get(lang), task.aktenzeichen);
        let claim_label = format!("{} {}", CLAIM.get(lang), task.aktenzeichen);
        let claimable = tab != Tab::Mine && task.claimed_by.is_none();
        let claimed = task.claimed_by.clone().filter(|_| tab != Tab::Mine).map(
            |c| view! { <span class="korb-claimed">{format!("{} {c}", CLAIMED.get(lang))}</span> },
        );
        view! {
            <li class="korb-row" class:korb-overdue=overdue data-task-id=task.id.clone() data-case-id=task.case_id.clone()
                aria-setsize=total aria-posinset=pos + 1>
                <div class="korb-main">
                    <button type="button" class="korb-open linklike" aria-label=open_label on:click=move |_| srv.go(Route::Case(case_id.clone()))>
                        {task.aktenzeichen.clone()}
                    </button>
                    <span class="korb-label">{task.label.clone()}</span>
                </div>
                <div class="korb-meta">
                    <span class="korb-workflow">{task.workflow.clone()}</span>
                    <span class="korb-due" class:srv-error=overdue>{format!("{due_line}{due_date}")}</span>
                    {claimed}
                </div>
                <div class="srv-row-actions">
                    {claimable.then(|| view! {
                        <button type="button" class="korb-claim" aria-label=claim_label disabled=move || claim.pending().get() on:click=move |_| { claim.dispatch_local(id.clone()); }>
                            {CLAIM.get(lang)}
                        </button>
                    })}
                </div>
            </li>
        }
    };
    let rows = move || {
        let lang = ui_lang.get();
        let tab = k.tab.get() as usize;
        let (top, h) = (scroll_top.get(), view_h.get());
        shown.with(|idx| {
            let (start, end) = window(idx.len(), top, h, ROW_H, EXTRA_ROWS);
            k.lists.with(|l| {
                let Some(l) = l else { return Vec::new() };
                idx[start..end]
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &j)| {
                        l[tab]
                            .get(j)
                            .map(|t| row(start + i, t.clone(), lang, idx.len()))
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let list_style = move || {
        let n = shown.with(Vec::len);
        let (start, _) = window(n, scroll_top.get(), view_h.get(), ROW_H, EXTRA_ROWS);
        format!(
            "height:{:.0}px;padding-top:{:.0}px",
            ROW_H * n as f64,
            ROW_H * start as f64
        )
    };
    let summary = move || {
        let lang = ui_lang.get();
        if k.lists.with(Option::is_none) {
            return LOADING.get(lang).to_string();
        }
        let all = hay.with(Vec::len);
        let n = shown.with(Vec::len);
        if all == 0 {
            EMPTY.get(lang).to_string()
        } else if n == 0 {
            NO_MATCH.get(lang).to_string()
        } else if n == all {
            match (lang, n) {
                (Lang::De, 1) => "1 Aufgabe".to_string(),
                (Lang::De, n) => format!("{n} Aufgaben"),
                (Lang::En, 1) => "1 task".to_string(),
                (Lang::En, n) => format!("{n} tasks"),
            }
        } else {
            match lang {
                Lang::De => format!("{n} von {all} Aufgaben"),
                Lang::En => format!("{n} of {all} tasks"),
            }
        }
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            scroll_top.set(f64::from(el.scroll_top()));
            view_h.set(f64::from(el.client_height()));
        }
    };
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id("korb-scroll") {
            view_h.set(f64::from(el.client_height()));
        }
    });
    view! {
        <Show when=move || k.person.get() == Some(false)>
            <p id="korb-no-person" class="srv-hint">{t(NOT_A_PERSON)}</p>
        </Show>
        <div class="korb-head">
            <div role="tablist" class="korb-tabs" aria-label=t(TABS)>{tabs}</div>
            <button type="button" id="btn-korb-designer" on:click=move |_| srv.close()>{t(DESIGNER)}</button>
        </div>
        <div class="korb-filters">
            <div class="field">
                <label for="korb-search">{t(SEARCH)}</label>
                <input id="korb-search" type="search" autocomplete="off" prop:value=move || k.query.get() on:input=move |ev| {
                    k.query.set(event_target_value(&ev));
                    scroll_top.set(0.0);
                    if let Some(el) = document().get_element_by_id("korb-scroll") {
                        el.set_scroll_top(0);
                    }
                } />
            </div>
            <div class="field">
                <label for="korb-workflow">{t(WORKFLOW)}</label>
                <select id="korb-workflow" prop:value=move || k.workflow.get() on:change=move |ev| k.workflow.set(event_target_value(&ev))>
                    <option value="">{t(ALL_WORKFLOWS)}</option>
                    {move || workflows.get().into_iter().map(|w| view! { <option value=w.clone()>{w.clone()}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <p id="korb-summary" class="srv-muted" role="status" aria-live="polite">{summary}</p>
        </div>
        <div id="korb-panel" role="tabpanel" aria-labelledby=move || k.tab.get().id() aria-busy=move || k.loading.get().to_string()>
            <div id="korb-scroll" class="korb-scroll" on:scroll=on_scroll>
                <ul id="korb-list" class="korb-list" style=list_style>{rows}</ul>
            </div>
        </div>
    }
}
