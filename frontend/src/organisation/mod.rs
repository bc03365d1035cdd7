//! The organisation (issue 20, admin, `/organisation`): the persons who work on cases, the
//! account each logs in with, their roles per workflow in operation (the roles the workflow
//! declares), a personal signing limit (Zeichnungsbefugnis) and a deputy while absent
//! (Vertretung). A table with an edit button per row and one form for adding and editing; also
//! "Vorgang anlegen" (`new_case`).

mod new_case;
mod outputs;
pub mod text;

use std::collections::BTreeSet;

use fachwerk_shared::api::{Person, PersonInput, RoleMembership};
use fachwerk_shared::model::Role;
use leptos::prelude::*;

use crate::api;
use crate::i18n::{Lang, T};
use crate::pure::case_values::{parse_money, show_money};
use crate::server::{focus_later, tr, Srv};
use fachwerk_shared::values::Money;
use text as tx;

pub use new_case::new_case_screen;
pub use outputs::CaseOutputs;

/// A workflow in operation with the roles its active version declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveWorkflow {
    pub key: String,
    pub version: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub fields: Vec<fachwerk_shared::model::Field>,
}

/// The active version of every workflow in operation, read with its roles and case fields.
pub async fn active_workflows() -> Result<Vec<ActiveWorkflow>, api::ApiError> {
    let mut out = Vec::new();
    for r in api::runtime_workflows().await? {
        if !r.active {
            continue;
        }
        let w = api::get_version(&r.key, &r.version).await?;
        out.push(ActiveWorkflow {
            key: r.key,
            version: r.version,
            // The document's name: the runtime list may carry none.
            name: if w.name.trim().is_empty() {
                r.name
            } else {
                w.name
            },
            roles: w.roles,
            fields: w.fields,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The form's state; `editing` is the id of the person being edited, `None` for a new one.
#[derive(Clone, Copy)]
struct PersonForm {
    editing: RwSignal<Option<String>>,
    name: RwSignal<String>,
    account: RwSignal<String>,
    limit: RwSignal<String>,
    deputy: RwSignal<String>,
    absent: RwSignal<bool>,
    roles: RwSignal<BTreeSet<(String, String)>>,
    name_error: RwSignal<Option<String>>,
    limit_error: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

impl PersonForm {
    fn new() -> PersonForm {
        PersonForm {
            editing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            account: RwSignal::new(String::new()),
            limit: RwSignal::new(String::new()),
            deputy: RwSignal::new(String::new()),
            absent: RwSignal::new(false),
            roles: RwSignal::new(BTreeSet::new()),
            name_error: RwSignal::new(None),
            limit_error: RwSignal::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    fn load(&self, p: Option<&Person>, lang: Lang) {
        self.editing.set(p.map(|p| p.id.clone()));
        self.name.set(p.map(|p| p.name.clone()).unwrap_or_default());
        self.account
            .set(p.and_then(|p| p.account.clone()).unwrap_or_default());
        self.limit.set(
            p.and_then(|p| p.signing_limit.as_deref())
                .and_then(|l| Money::parse(l).ok())
                .map(|m| show_money(m, lang))
                .unwrap_or_default(),
        );
        self.deputy
            .set(p.and_then(|p| p.deputy.clone()).unwrap_or_default());
        self.absent.set(p.is_some_and(|p| p.absent));
        self.roles.set(
            p.map(|p| {
                p.roles
                    .iter()
                    .map(|r| (r.workflow.clone(), r.role.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        );
        self.name_error.set(None);
        self.limit_error.set(None);
        self.error.set(None);
    }

    /// The input for the API, or the errors shown next to the fields.
    fn input(&self, lang: Lang) -> Option<PersonInput> {
        let name = self.name.get_untracked().trim().to_string();
        self.name_error.set(
            name.is_empty()
                .then(|| tx::NAME_MISSING.get(lang).to_string()),
        );
        let limit_text = self.limit.get_untracked();
        let limit = if limit_text.trim().is_empty() {
            Ok(None)
        } else {
            match parse_money(&limit_text, lang) {
                Ok(m) if m.cents() < 0 => Err(match lang {
                    Lang::De => "„Zeichnungsbefugnis“: der Betrag darf nicht negativ sein.".into(),
                    Lang::En => "“Signing limit”: the amount must not be negative.".into(),
                }),
                Ok(m) => Ok(Some(m.to_canonical())),
                Err(e) => Err(match lang {
                    Lang::De => format!("„Zeichnungsbefugnis“: {e}. Beispiel: 25.000 €"),
                    Lang::En => {
                        format!("“Signing limit”: “{limit_text}” is not an amount. Example: 25,000")
                    }
                }),
            }
        };
        self.limit_error.set(limit.as_ref().err().cloned());
        if name.is_empty() {
            focus_later("person-name");
            return None;
        }
        let Ok(signing_limit) = limit else {
            focus_later("person-limit");
            return None;
        };
        let opt = |s: String| Some(s).filter(|s| !s.is_empty());
        Some(PersonInput {
            name,
            account: opt(self.account.get_untracked()),
            signing_limit,
            deputy: opt(self.deputy.get_untracked()),
            absent: self.absent.get_untracked(),
            roles: self
                .roles
                .get_untracked()
                .into_iter()
                .map(|(workflow, role)| RoleMembership { workflow, role })
                .collect(),
        })
    }
}

pub fn organisation_screen(ui_lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ui_lang, s);
    let is_admin = move || {
        srv.me
            .with(|m| m.as_ref().is_some_and(|m| m.role.is_admin()))
    };
    move || {
        if is_admin() {
            persons_view(ui_lang, srv).into_any()
        } else {
            view! { <p id="org-admin-only" class="srv-error">{t(tx::ADMIN_ONLY)}</p> }.into_any()
        }
    }
}

fn persons_view(ui_lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ui_lang, s);
    let persons = LocalResource::new(api::list_persons);
    let users = LocalResource::new(api::list_users);
    let workflows = LocalResource::new(active_workflows);
    Effect::new(move || {
        let lang = ui_lang.get_untracked();
        for e in [
            persons.get().and_then(Result::err),
            users.get().and_then(Result::err),
            workflows.get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        {
            srv.fail(e.message(lang));
        }
    });
    let form = PersonForm::new();
    let person_list = move || persons.get().and_then(Result::ok).unwrap_or_default();
    let workflow_list = move || workflows.get().and_then(Result::ok).unwrap_or_default();
    let name_of = move |id: &str| {
        person_list()
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| p.name)
            .unwrap_or_else(|| id.to_string())
    };
    let role_names = move |p: &Person| {
        let wfs = workflow_list();
        p.roles
            .iter()
            .map(|m| {
                let w = wfs.iter().find(|w| w.key == m.workflow);
                let role = w
                    .and_then(|w| w.roles.iter().find(|r| r.id.as_str() == m.role))
                    .map(|r| r.name.clone())
                    .unwrap_or_else(|| m.role.clone());
                let wname = w
                    .map(|w| w.name.clone())
                    .unwrap_or_else(|| m.workflow.clone());
                format!("{role} ({wname})")
            })
            .collect::<Vec<_>>()
    };

    let save = Action::new_local(move |input: &PersonInput| {
        let input = input.clone();
        async move {
            let lang = ui_lang.get_untracked();
            let result = match form.editing.get_untracked() {
                Some(id) => api::update_person(&id, &input).await,
                None => api::create_person(&input).await,
            };
            form.busy.set(false);
            match result {
                Ok(p) => {
                    srv.ok(format!("{}: {}", tx::SAVED.get(lang), p.name));
                    form.load(None, lang);
                    persons.refetch();
                    focus_later("org-persons-title");
                }
                Err(e) => {
                    form.error.set(Some(e.message(lang)));
                    focus_later("person-error");
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A double click sends once: the second click finds the form busy.
        if form.busy.get_untracked() {
            return;
        }
        let lang = ui_lang.get_untracked();
        form.error.set(None);
        if let Some(input) = form.input(lang) {
            form.busy.set(true);
            save.dispatch_local(input);
        }
    };

    let rows = move || {
        let list = person_list();
        if persons.get().is_none() {
            return view! { <p>{t(tx::LOADING)}</p> }.into_any();
        }
        if list.is_empty() {
            return view! { <p id="org-empty">{t(tx::NO_PERSONS)}</p> }.into_any();
        }
        let lang = ui_lang.get();
        let rows = list
            .into_iter()
            .map(|p| {
                let roles = role_names(&p);
                let roles = if roles.is_empty() {
                    tx::NONE.get(lang).to_string()
                } else {
                    roles.join(", ")
                };
                let limit = p
                    .signing_limit
                    .as_deref()
                    .and_then(|l| Money::parse(l).ok())
                    .map(|m| show_money(m, lang))
                    .unwrap_or_else(|| "—".into());
                let deputy = p.deputy.as_deref().map(name_of).unwrap_or_else(|| "—".into());
                let presence = if p.absent { tx::ABSENT_SHORT } else { tx::PRESENT };
                let edit_label = format!("{}: {}", tx::EDIT.get(lang), p.name);
                let person = p.clone();
                view! {
                    <tr class="person-row" data-person-id=p.id.clone() class:person-absent=p.absent>
                        <th scope="row">{p.name.clone()}</th>
                        <td>{p.account.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class="person-roles">{roles}</td>
                        <td class="person-limit">{limit}</td>
                        <td class="person-deputy">{deputy}</td>
                        <td class="person-presence">{presence.get(lang)}</td>
                        <td class="srv-row-actions">
                            <button type="button" class="person-edit" aria-label=edit_label on:click=move |_| {
                                form.load(Some(&person), ui_lang.get_untracked());
                                focus_later("person-name");
                            }>{tx::EDIT.get(lang)}</button>
                        </td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <table id="org-persons" class="srv-table">
                <caption class="sr-only">{t(tx::PERSONS_TABLE)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(tx::NAME)}</th>
                        <th scope="col">{t(tx::ACCOUNT)}</th>
                        <th scope="col">{t(tx::ROLES)}</th>
                        <th scope="col">{t(tx::SIGNING_LIMIT)}</th>
                        <th scope="col">{t(tx::DEPUTY)}</th>
                        <th scope="col">{t(tx::ABSENT_SHORT)}</th>
                        <th scope="col"><span class="sr-only">{t(tx::EDIT)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    let account_options = move || {
        users
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|u| {
                let name = u.name.clone();
                view! { <option value=u.name.clone() selected=move || form.account.get() == name>{u.name.clone()}</option> }
            })
            .collect::<Vec<_>>()
    };
    let deputy_options = move || {
        let me = form.editing.get();
        person_list()
            .into_iter()
            .filter(|p| Some(&p.id) != me.as_ref())
            .map(|p| {
                let id = p.id.clone();
                view! { <option value=p.id.clone() selected=move || form.deputy.get() == id>{p.name.clone()}</option> }
            })
            .collect::<Vec<_>>()
    };
    let role_groups = move || {
        let wfs = workflow_list();
        if workflows.get().is_some() && wfs.is_empty() {
            return view! { <p id="org-no-workflows">{t(tx::NO_WORKFLOWS)}</p> }.into_any();
        }
        wfs.into_iter()
            .map(|w| {
                let boxes = w
                    .roles
                    .iter()
                    .map(|r| {
                        let pair = (w.key.clone(), r.id.as_str().to_string());
                        let (p1, p2) = (pair.clone(), pair.clone());
                        let id = format!("person-role-{}-{}", w.key, r.id.as_str());
                        let label_for = id.clone();
                        view! {
                            <label class="check-row" for=label_for>
                                <input type="checkbox" id=id class="person-role" data-workflow=w.key.clone() data-role=r.id.as_str().to_string()
                                    prop:checked=move || form.roles.with(|s| s.contains(&p1))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.roles.update(|s| {
                                            if on { s.insert(p2.clone()); } else { s.remove(&p2); }
                                        });
                                    } />
                                " " {r.name.clone()} " " <code>{r.id.as_str().to_string()}</code>
                            </label>
                        }
                    })
                    .collect::<Vec<_>>();
                view! {
                    <fieldset class="person-roles-group">
                        <legend>{format!("{} ({}, {})", w.name, w.key, w.version)}</legend>
                        {boxes}
                    </fieldset>
                }
            })
            .collect::<Vec<_>>()
            .into_any()
    };
    let form_title = move || {
        if form.editing.with(Option::is_some) {
            t(tx::EDIT_PERSON)()
        } else {
            t(tx::NEW_PERSON)()
        }
    };

    view! {
        <div class="org-screen">
            <h3 id="org-persons-title" tabindex="-1">{t(tx::PERSONS)}</h3>
            {rows}
            <form id="person-form" class="org-form" novalidate on:submit=submit aria-labelledby="person-form-title">
                <h3 id="person-form-title">{form_title}</h3>
                <div class="field" class:invalid=move || form.name_error.with(Option::is_some)>
                    <label for="person-name">{t(tx::NAME)}<span class="required-mark" aria-hidden="true">" *"</span></label>
                    <input id="person-name" type="text" required autocomplete="off"
                        aria-invalid=move || form.name_error.with(Option::is_some).to_string()
                        aria-describedby="person-name-error"
                        prop:value=move || form.name.get() on:input=move |ev| form.name.set(event_target_value(&ev)) />
                    <span class="field-error" id="person-name-error" role="alert">{move || form.name_error.get()}</span>
                </div>
                <div class="field">
                    <label for="person-account">{t(tx::ACCOUNT)}</label>
                    <select id="person-account" on:change=move |ev| form.account.set(event_target_value(&ev))>
                        <option value="" selected=move || form.account.with(String::is_empty)>{t(tx::NO_ACCOUNT)}</option>
                        {account_options}
                    </select>
                </div>
                <div class="field" class:invalid=move || form.limit_error.with(Option::is_some)>
                    <label for="person-limit">{t(tx::SIGNING_LIMIT)}</label>
                    <input id="person-limit" type="text" inputmode="decimal" autocomplete="off"
                        aria-invalid=move || form.limit_error.with(Option::is_some).to_string()
                        aria-describedby="person-limit-help person-limit-error"
                        prop:value=move || form.limit.get() on:input=move |ev| form.limit.set(event_target_value(&ev)) />
                    <span class="field-help" id="person-limit-help">{t(tx::SIGNING_LIMIT_HELP)}</span>
                    <span class="field-error" id="person-limit-error" role="alert">{move || form.limit_error.get()}</span>
                </div>
                <div class="field">
                    <label for="person-deputy">{t(tx::DEPUTY)}</label>
                    <select id="person-deputy" on:change=move |ev| form.deputy.set(event_target_value(&ev))>
                        <option value="" selected=move || form.deputy.with(String::is_empty)>{t(tx::NO_DEPUTY)}</option>
                        {deputy_options}
                    </select>
                </div>
                <label class="check-row" for="person-absent">
                    <input type="checkbox" id="person-absent" prop:checked=move || form.absent.get() on:change=move |ev| form.absent.set(event_target_checked(&ev)) />
                    " " {t(tx::ABSENT)}
                </label>
                <h4>{t(tx::ROLES)}</h4>
                {role_groups}
                <p id="person-error" class="srv-error" role="alert" tabindex="-1">{move || form.error.get()}</p>
                <div class="srv-actions">
                    <button type="submit" id="person-save" class="primary" aria-busy=move || form.busy.get().to_string() disabled=move || form.busy.get()>{t(tx::SAVE)}</button>
                    <button type="button" id="person-cancel" on:click=move |_| form.load(None, ui_lang.get_untracked())>{t(tx::CANCEL)}</button>
                </div>
            </form>
        </div>
    }
}
