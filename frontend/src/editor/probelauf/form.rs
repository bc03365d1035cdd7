//! The Probelauf form: case values, persons per role, and the decision and person per step.

use fachwerk_shared::{BlockId, FieldType, RoleId};
use leptos::prelude::*;

use super::{edit_form, text, FieldRow};
use crate::editor::Editor;
use crate::i18n;
use crate::pure::probelauf::first_missing;

pub(super) fn field_input(
    ed: Editor,
    (name, caption, ty, values, required): FieldRow,
) -> impl IntoView {
    let sim = ed.sim;
    // The form's message names this field (a required one left empty).
    let invalid = {
        let name = name.clone();
        Memo::new(move |_| {
            sim.error.with(Option::is_some)
                && ed.wf.with(|w| {
                    sim.form
                        .with(|f| first_missing(w, f).is_some_and(|m| m == name))
                })
        })
    };
    let aria_invalid = move || invalid.get().then_some("true");
    let described = move || invalid.get().then_some("sim-error");
    let aria_required = required.then_some("true");
    let t = move |de: &'static str, en: &'static str| text(ed, de, en);
    let id = format!("sim-field-{name}");
    let key = name.clone();
    let value = Signal::derive(move || {
        sim.form
            .with(|f| f.fields.get(&key).cloned().unwrap_or_default())
    });
    let key2 = name.clone();
    let set = move |v: String| {
        let k = key2.clone();
        edit_form(ed, move |f| {
            f.fields.insert(k, v);
        })
    };
    let type_word = i18n::value_label(match ty {
        FieldType::Money => "money",
        FieldType::Date => "date",
        FieldType::Int => "int",
        FieldType::Bool => "bool",
        FieldType::Enum => "enum",
        FieldType::Text => "text",
    });
    let input = match ty {
            FieldType::Bool => view! {
                <select id=id.clone() data-field=name.clone() aria-required=aria_required aria-invalid=aria_invalid aria-describedby=described on:change=move |ev| set(event_target_value(&ev))>
                    <option value="" selected=move || value.get().is_empty()>{move || ed.t(i18n::NONE_OPTION)}</option>
                    <option value="true" selected=move || value.get() == "true">{t("ja", "yes")}</option>
                    <option value="false" selected=move || value.get() == "false">{t("nein", "no")}</option>
                </select>
            }
            .into_any(),
            FieldType::Enum => view! {
                <select id=id.clone() data-field=name.clone() aria-required=aria_required aria-invalid=aria_invalid aria-describedby=described on:change=move |ev| set(event_target_value(&ev))>
                    <option value="" selected=move || value.get().is_empty()>{move || ed.t(i18n::NONE_OPTION)}</option>
                    {values
                        .into_iter()
                        .map(|v| {
                            let v2 = v.clone();
                            view! { <option value=v.clone() selected=move || value.get() == v2>{v.clone()}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any(),
            FieldType::Date => view! {
                <input id=id.clone() type="date" data-field=name.clone() aria-required=aria_required aria-invalid=aria_invalid aria-describedby=described prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
            FieldType::Int => view! {
                <input id=id.clone() type="text" inputmode="numeric" data-field=name.clone() aria-required=aria_required aria-invalid=aria_invalid aria-describedby=described prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
            FieldType::Money => view! {
                <input id=id.clone() type="text" inputmode="decimal" data-field=name.clone() aria-required=aria_required aria-invalid=aria_invalid aria-describedby=described prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
            FieldType::Text => view! {
                <input id=id.clone() type="text" data-field=name.clone() aria-required=aria_required aria-invalid=aria_invalid aria-describedby=described prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
        };
    view! {
        <div class="field">
            <label for=id>
                {caption}
                {required.then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })}
                " "<span class="type-hint">"(" {move || ed.t(type_word)} ")"</span>
            </label>
            {input}
        </div>
    }
}

pub(super) fn role_input(ed: Editor, (rid, rname): (RoleId, String)) -> impl IntoView {
    let sim = ed.sim;
    let id = format!("sim-persons-{}", rid.0);
    let k = rid.0.clone();
    let value = Signal::derive(move || {
        sim.form
            .with(|f| f.persons.get(&k).cloned().unwrap_or_default())
    });
    let k2 = rid.0.clone();
    let placeholder = format!("{rname} 1, {rname} 2");
    view! {
        <div class="field">
            <label for=id.clone()>{rname}</label>
            <input id=id type="text" data-role=rid.0.clone() placeholder=placeholder prop:value=move || value.get() on:change=move |ev| {
                let v = event_target_value(&ev);
                let k = k2.clone();
                edit_form(ed, move |f| {
                    f.persons.insert(k, v);
                });
            } />
        </div>
    }
}

pub(super) fn decider_row(
    ed: Editor,
    (bid, block, ports): (String, BlockId, Vec<String>),
) -> impl IntoView {
    // The block and its exits as clerks read them ("Vier-Augen-Prüfung": "abgelehnt").
    let label = {
        let block = block.clone();
        move || ed.wf.with(|w| i18n::block_label(w, &block, ed.lang.get()))
    };
    let sim = ed.sim;
    let t = move |de: &'static str, en: &'static str| text(ed, de, en);
    let cid = format!("sim-choice-{bid}");
    let aid = format!("sim-actor-{bid}");
    let (k1, k2, k3, k4) = (bid.clone(), bid.clone(), bid.clone(), bid.clone());
    let choice = Signal::derive(move || {
        sim.form
            .with(|f| f.choices.get(&k1).cloned().unwrap_or_default())
    });
    let actor = move || {
        sim.form
            .with(|f| f.actors.get(&k3).cloned().unwrap_or_default())
    };
    view! {
        <fieldset class="field sim-decider" data-block-id=bid.clone()>
            <legend>{label}</legend>
            <label for=cid.clone()>{t("Ausgang", "Exit")}</label>
            <select id=cid on:change=move |ev| {
                let v = event_target_value(&ev);
                let k = k2.clone();
                edit_form(ed, move |f| {
                    f.choices.insert(k, v);
                });
            }>
                <option value="" selected=move || choice.get().is_empty()>{t("— Standard (positiv) —", "— default (positive) —")}</option>
                {ports
                    .into_iter()
                    .map(|p| {
                        let p2 = p.clone();
                        let (block, port) = (block.clone(), p.clone());
                        let text = move || ed.wf.with(|w| i18n::port_label(w, &block, &port, ed.lang.get()));
                        view! { <option value=p.clone() selected=move || choice.get() == p2>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <label for=aid.clone()>{t("Bearbeitet von (optional)", "Done by (optional)")}</label>
            <input id=aid type="text" prop:value=actor on:change=move |ev| {
                let v = event_target_value(&ev);
                let k = k4.clone();
                edit_form(ed, move |f| {
                    f.actors.insert(k, v);
                });
            } />
        </fieldset>
    }
}
