//! Workflow settings dialog: name, key, description, the engine history time to live, roles
//! and case fields.

use fachwerk_shared::validate::key::is_valid_key;
use fachwerk_shared::{
    Field, FieldType, Money, Op, Role, RoleId, Workflow, DEFAULT_HISTORY_TTL_DAYS,
    MAX_HISTORY_TTL_DAYS,
};
use leptos::prelude::*;

use super::widgets::{checkbox, money_field, parsed_field, select, text_area, text_field};
use super::{use_editor, Editor};
use crate::i18n::{self, Lang, T};

const FIELD_TYPES: [(FieldType, &str); 6] = [
    (FieldType::Money, "money"),
    (FieldType::Date, "date"),
    (FieldType::Int, "int"),
    (FieldType::Bool, "bool"),
    (FieldType::Enum, "enum"),
    (FieldType::Text, "text"),
];

/// Moves keyboard focus to an element after the next render, or into a part of
/// `crate::on_demand` once that is there.
pub fn focus_later(id: &'static str) {
    use crate::server::focus;
    request_animation_frame(move || {
        if !focus(id) {
            // A dialog of the parts still loading (`crate::on_demand`): once they are there.
            crate::on_demand::after_arrival(move || {
                request_animation_frame(move || {
                    focus(id);
                })
            });
        }
    });
}

pub fn open_settings(ed: Editor) {
    ed.settings_open.set(true);
    focus_later("wf-name");
}

/// Closes the dialog; the focus returns to whatever opened it (`crate::a11y`).
pub fn close(ed: Editor) {
    ed.settings_open.set(false);
}

#[component]
pub fn SettingsDialog() -> impl IntoView {
    let ed = use_editor();
    let parts = crate::on_demand::use_parts();
    move || {
        ed.settings_open
            .get()
            .then(|| parts.show(|p| (p.settings_dialog)(ed)))
    }
}

/// The dialog's view (loaded on demand, `crate::on_demand`).
pub fn dialog(ed: Editor) -> AnyView {
    let name = move || ed.wf.with(|w| w.name.clone());
    let description = Signal::derive(move || ed.wf.with(|w| w.description.clone()));
    let set_name = move |ev| {
        let n = event_target_value(&ev).trim().to_string();
        if !n.is_empty() && n != name() {
            ed.apply(Op::SetInfo {
                name: n,
                description: description.get_untracked(),
            });
        }
    };
    let set_description = Callback::new(move |d: String| {
        if d != description.get_untracked() {
            ed.apply(Op::SetInfo {
                name: ed.wf.with_untracked(|w| w.name.clone()),
                description: d,
            });
        }
    });
    view! {
        <div class="dialog-backdrop" on:click=move |ev| {
            if ev.target() == ev.current_target() {
                close(ed);
            }
        }>
            <div id="settings-dialog" class="dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title">
                <h2 id="settings-title">{move || ed.t(i18n::SETTINGS)}</h2>
                <div class="field">
                    <label for="wf-name">{move || ed.t(i18n::WF_NAME)}</label>
                    <input id="wf-name" type="text" prop:value=name on:change=set_name />
                </div>
                {key_field(ed)}
                {text_area(i18n::WF_DESCRIPTION, description, set_description)}
                {history_ttl_field(ed)}
                <RolesEditor />
                <FieldsEditor />
                <div class="actions">
                    <button type="button" id="btn-settings-close" on:click=move |_| close(ed)>
                        {move || ed.t(i18n::CLOSE)}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// The workflow key (file names, the catalogue folder, Aktenzeichen): editable until the
/// workflow is published, then fixed. A key the catalogue has for another workflow is
/// refused here already (the server refuses it too).
fn key_field(ed: Editor) -> impl IntoView {
    let srv = crate::server::use_srv();
    let catalogue = LocalResource::new(crate::api::list_workflows);
    let (opened_key, version) = ed.wf.with_untracked(|w| (w.key.clone(), w.version.clone()));
    // Saved on the server as this key, or opened from a published version.
    let ours = srv
        .draft
        .with_untracked(|d| d.as_ref().is_some_and(|d| d.key == opened_key))
        || version != Workflow::new("x", "x").version;
    let in_catalogue = move |key: &str| {
        catalogue
            .get()
            .and_then(Result::ok)
            .is_some_and(|c| c.iter().any(|w| w.key == key))
    };
    let fixed = {
        let opened_key = opened_key.clone();
        Memo::new(move |_| ours && in_catalogue(&opened_key))
    };
    let error = RwSignal::new(None::<String>);
    let key = move || ed.wf.with(|w| w.key.clone());
    let set_key = move |ev| {
        let new = event_target_value(&ev).trim().to_string();
        let lang = ed.lang.get_untracked();
        let old = ed.wf.with_untracked(|w| w.key.clone());
        if new == old {
            error.set(None);
            return;
        }
        if !is_valid_key(&new) {
            error.set(Some(
                T(
                    "Erlaubt sind 1 bis 64 Kleinbuchstaben (a–z), Ziffern und „-“, nicht am Anfang oder Ende; zum Beispiel „reisekosten-antrag“.",
                    "Use 1 to 64 lowercase letters (a–z), digits and “-”, not at the start or end; for example “reisekosten-antrag”.",
                )
                .get(lang)
                .to_string(),
            ));
            return;
        }
        if in_catalogue(&new) {
            error.set(Some(match lang {
                Lang::De => format!("Den Schlüssel „{new}“ hat im Katalog schon ein anderer Ablauf. Bitte einen anderen wählen."),
                Lang::En => format!("The catalogue already has a different workflow with the key “{new}”. Please choose another one."),
            }));
            return;
        }
        error.set(None);
        if ed.apply(Op::SetKey { key: new.clone() }) {
            // The open draft keeps its id: the next save stores the new key in it.
            if let Some(d) = srv.draft.get_untracked().filter(|d| d.key == old) {
                srv.set_draft(Some(crate::server::DraftRef { key: new, ..d }));
            }
        }
    };
    view! {
        <div class="field">
            <label for="wf-key">{move || ed.t(T("Schlüssel", "Key"))}</label>
            <input id="wf-key" type="text" spellcheck="false" autocomplete="off" prop:value=key readonly=move || fixed.get()
                aria-invalid=move || error.with(Option::is_some).to_string() aria-describedby="wf-key-hint wf-key-error" on:change=set_key />
            <p id="wf-key-hint" class="hint">
                {move || if fixed.get() {
                    ed.t(T(
                        "Veröffentlicht: Der Schlüssel bleibt fest, Dateien, Katalog und Aktenzeichen verwenden ihn.",
                        "Published: the key stays fixed; files, the catalogue and file numbers use it.",
                    ))
                } else {
                    ed.t(T(
                        "Für Dateinamen, den Katalog und Aktenzeichen. Beim ersten Speichern aus dem Namen gebildet; änderbar bis zur Veröffentlichung.",
                        "For file names, the catalogue and file numbers. Made from the name on first save; can be changed until published.",
                    ))
                }}
            </p>
            <p id="wf-key-error" class="param-finding error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// Days a process engine keeps a finished case's history (Camunda 7 `historyTimeToLive`);
/// empty: the default of 180 days.
fn history_ttl_field(ed: Editor) -> impl IntoView {
    let display = Signal::derive(move || {
        ed.wf
            .with(|w| w.history_time_to_live_days)
            .map(|d| d.to_string())
            .unwrap_or_default()
    });
    let try_commit = Callback::new(move |t: String| {
        let t = t.trim().to_string();
        let days = if t.is_empty() {
            None
        } else {
            match t.parse::<u32>() {
                Ok(d) if (1..=MAX_HISTORY_TTL_DAYS).contains(&d) => Some(d),
                _ => {
                    return Err(match ed.lang.get_untracked() {
                        Lang::De => format!("„{t}“: bitte eine ganze Zahl von 1 bis 10.950 Tagen (30 Jahre) oder leer für {DEFAULT_HISTORY_TTL_DAYS} Tage."),
                        Lang::En => format!("“{t}”: please enter a whole number from 1 to 10,950 days (30 years), or nothing for {DEFAULT_HISTORY_TTL_DAYS} days."),
                    })
                }
            }
        };
        if days != ed.wf.with_untracked(|w| w.history_time_to_live_days) {
            ed.apply(Op::SetHistoryTimeToLive { days });
        }
        Ok(())
    });
    view! {
        <div class="history-ttl">
            {parsed_field(
                "historyTimeToLiveDays".to_string(),
                T("Aufbewahrung der Engine-Historie (Tage)", "Engine history time to live (days)"),
                display,
                try_commit,
                Some(T("180 (Vorgabe)", "180 (default)")),
            )}
            <p class="hint">
                {move || ed.t(T(
                    "Für den Export nach Camunda 7 / Operaton (historyTimeToLive): so lange bewahrt die Engine die Historie eines abgeschlossenen Vorgangs auf. Leer: 180 Tage.",
                    "For the export to Camunda 7 / Operaton (historyTimeToLive): how long the engine keeps the history of a finished case. Empty: 180 days.",
                ))}
            </p>
        </div>
    }
}

#[component]
fn RolesEditor() -> impl IntoView {
    let ed = use_editor();
    let count = Memo::new(move |_| ed.wf.with(|w| w.roles.len()));
    let new_id = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let add = move |_| {
        let id = new_id.get_untracked().trim().to_string();
        let name = new_name.get_untracked().trim().to_string();
        let lang = ed.lang.get_untracked();
        if id.is_empty() {
            error.set(Some(
                T(
                    "Bitte eine Kennung angeben, z. B. R-TL.",
                    "Please enter an id, e.g. R-TL.",
                )
                .get(lang),
            ));
            return;
        }
        if ed
            .wf
            .with_untracked(|w| w.role(&RoleId(id.clone())).is_some())
        {
            error.set(Some(
                T(
                    "Diese Kennung ist schon vergeben.",
                    "This id is already taken.",
                )
                .get(lang),
            ));
            return;
        }
        let role = Role {
            id: RoleId(id.clone()),
            name: if name.is_empty() { id } else { name },
            org_unit: None,
            signing_limit: None,
        };
        if ed.apply(Op::AddRole { role, index: None }) {
            new_id.set(String::new());
            new_name.set(String::new());
            error.set(None);
        }
    };
    view! {
        <section class="roles">
            <h3>{move || ed.t(i18n::ROLES)}</h3>
            <For each=move || 0..count.get() key=|i| *i let:i>
                {role_row(ed, i)}
            </For>
            <div class="row new-role">
                <div class="field">
                    <label for="new-role-id">{move || ed.t(i18n::ROLE_ID)}</label>
                    <input id="new-role-id" type="text" prop:value=move || new_id.get() on:input=move |ev| new_id.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="new-role-name">{move || ed.t(i18n::ROLE_NAME)}</label>
                    <input id="new-role-name" type="text" prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                </div>
                <button type="button" class="add" id="btn-add-role" on:click=add>{move || ed.t(i18n::ADD)}</button>
                <span class="field-error" role="alert">{move || error.get()}</span>
            </div>
        </section>
    }
}

fn role_row(ed: Editor, i: usize) -> impl IntoView {
    let role = Memo::new(move |_| ed.wf.with(|w| w.roles.get(i).cloned()));
    let update = move |f: &dyn Fn(&mut Role)| {
        if let Some(mut r) = role.get_untracked() {
            let old = r.clone();
            f(&mut r);
            if r != old {
                ed.apply(Op::UpdateRole { role: r });
            }
        }
    };
    let set_name =
        Callback::new(move |v: String| update(&|r: &mut Role| r.name = v.trim().to_string()));
    let set_limit =
        Callback::new(move |v: Option<Money>| update(&|r: &mut Role| r.signing_limit = v));
    let remove = move |_| {
        if let Some(r) = role.get_untracked() {
            ed.apply(Op::RemoveRole { id: r.id });
        }
    };
    let rid = move || role.with(|r| r.as_ref().map(|r| r.id.0.clone()).unwrap_or_default());
    view! {
        <div class="row role" data-role-id=rid>
            <code class="role-id">{rid}</code>
            {text_field(i18n::ROLE_NAME, Signal::derive(move || role.with(|r| r.as_ref().map(|r| r.name.clone()).unwrap_or_default())), set_name)}
            {money_field(
                format!("role/{}/signingLimit", rid()),
                i18n::SIGNING_LIMIT,
                Signal::derive(move || role.with(|r| r.as_ref().and_then(|r| r.signing_limit))),
                set_limit,
                true,
            )}
            <button type="button" class="remove" aria-label=move || format!("{} {}", ed.t(i18n::REMOVE), rid()) on:click=remove>
                "✕"
            </button>
        </div>
    }
}

#[component]
fn FieldsEditor() -> impl IntoView {
    let ed = use_editor();
    let count = Memo::new(move |_| ed.wf.with(|w| w.fields.len()));
    let new_name = RwSignal::new(String::new());
    let new_type = RwSignal::new("money".to_string());
    let error = RwSignal::new(None::<&'static str>);
    let add = move |_| {
        let name = new_name.get_untracked().trim().to_string();
        let lang = ed.lang.get_untracked();
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            error.set(Some(
                T(
                    "Name: Buchstaben und Ziffern, mit Buchstaben beginnend, z. B. betragNetto.",
                    "Name: letters and digits, starting with a letter, e.g. betragNetto.",
                )
                .get(lang),
            ));
            return;
        }
        let field_type = FIELD_TYPES
            .iter()
            .find(|(_, t)| *t == new_type.get_untracked())
            .map_or(FieldType::Text, |f| f.0);
        let field = Field {
            name,
            label: String::new(),
            field_type,
            values: Vec::new(),
            required: false,
        };
        if ed.apply(Op::AddField { field, index: None }) {
            new_name.set(String::new());
            error.set(None);
        } else {
            error.set(Some(
                T("Diesen Namen gibt es schon.", "This name already exists.").get(lang),
            ));
        }
    };
    let type_options = Signal::derive(move || {
        let lang = ed.lang.get();
        FIELD_TYPES
            .iter()
            .map(|(_, t)| (t.to_string(), i18n::value_label(t).get(lang).to_string()))
            .collect::<Vec<_>>()
    });
    view! {
        <section class="fields">
            <h3>{move || ed.t(i18n::FIELDS)}</h3>
            <For each=move || 0..count.get() key=|i| *i let:i>
                {field_row(ed, i, type_options)}
            </For>
            <div class="row new-field">
                <div class="field">
                    <label for="new-field-name">{move || ed.t(i18n::FIELD_NAME)}</label>
                    <input id="new-field-name" type="text" prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                </div>
                {select(i18n::FIELD_TYPE, type_options, new_type.into(), Callback::new(move |v: String| new_type.set(v)))}
                <button type="button" class="add" id="btn-add-field" on:click=add>{move || ed.t(i18n::ADD)}</button>
                <span class="field-error" role="alert">{move || error.get()}</span>
            </div>
        </section>
    }
}

fn field_row(ed: Editor, i: usize, type_options: Signal<Vec<(String, String)>>) -> impl IntoView {
    let field = Memo::new(move |_| ed.wf.with(|w| w.fields.get(i).cloned()));
    let update = move |f: &dyn Fn(&mut Field)| {
        if let Some(mut x) = field.get_untracked() {
            let old = x.clone();
            f(&mut x);
            if x != old {
                ed.apply(Op::UpdateField {
                    name: old.name,
                    field: x,
                });
            }
        }
    };
    let get = move |f: fn(&Field) -> String| {
        Signal::derive(move || field.with(|x| x.as_ref().map(f).unwrap_or_default()))
    };
    let is_enum =
        move || field.with(|x| x.as_ref().is_some_and(|x| x.field_type == FieldType::Enum));
    let remove = move |_| {
        if let Some(x) = field.get_untracked() {
            ed.apply(Op::RemoveField { name: x.name });
        }
    };
    let name = get(|x| x.name.clone());
    view! {
        <div class="row field-row" data-field=move || name.get()>
            {text_field(i18n::FIELD_NAME, name, Callback::new(move |v: String| {
                let v = v.trim().to_string();
                if !v.is_empty() {
                    update(&|x: &mut Field| x.name = v.clone());
                }
            }))}
            {text_field(i18n::FIELD_LABEL, get(|x| x.label.clone()), Callback::new(move |v: String| update(&|x: &mut Field| x.label = v.trim().to_string())))}
            {select(
                i18n::FIELD_TYPE,
                type_options,
                get(|x| FIELD_TYPES.iter().find(|(t, _)| *t == x.field_type).map_or("text", |f| f.1).to_string()),
                Callback::new(move |v: String| {
                    if let Some((t, _)) = FIELD_TYPES.iter().find(|(_, s)| *s == v) {
                        update(&|x: &mut Field| x.field_type = *t);
                    }
                }),
            )}
            {checkbox(
                i18n::REQUIRED,
                Signal::derive(move || field.with(|x| x.as_ref().is_some_and(|x| x.required))),
                Callback::new(move |v: bool| update(&|x: &mut Field| x.required = v)),
            )}
            {move || {
                is_enum()
                    .then(|| {
                        text_field(
                            i18n::FIELD_VALUES,
                            get(|x| x.values.join(", ")),
                            Callback::new(move |v: String| {
                                let values: Vec<String> = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                                update(&|x: &mut Field| x.values = values.clone());
                            }),
                        )
                    })
            }}
            <button type="button" class="remove" aria-label=move || format!("{} {}", ed.t(i18n::REMOVE), name.get()) on:click=remove>
                "✕"
            </button>
        </div>
    }
}
