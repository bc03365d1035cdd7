//! The typed form of a case's declared fields (issue 20), shared by "Vorgang anlegen" and the
//! Vorgang screen: money in German notation, dates as TT.MM.JJJJ, whole numbers, yes/no, a
//! choice of values and text, each with its label, a required mark and a help line; an error
//! names the field and stays next to it. Parsing and formatting live in
//! `crate::pure::case_values` (tested natively).

use std::collections::BTreeMap;

use fachwerk_shared::model::{Field, FieldType};
use leptos::prelude::*;
use serde_json::Value;

use crate::i18n::Lang;
use crate::pure::case_values;

/// The state of a case form: the text of every field and its error, if any.
#[derive(Clone, Copy)]
pub struct CaseForm {
    fields: StoredValue<Vec<Field>>,
    texts: RwSignal<BTreeMap<String, String>>,
    errors: RwSignal<BTreeMap<String, String>>,
}

impl CaseForm {
    /// A form for `fields`, filled with `values` (as the case API holds them).
    pub fn new(fields: Vec<Field>, values: &BTreeMap<String, Value>, lang: Lang) -> CaseForm {
        let texts = fields
            .iter()
            .map(|f| {
                let text = values
                    .get(&f.name)
                    .map(|v| case_values::display(f, v, lang))
                    .unwrap_or_default();
                (f.name.clone(), text)
            })
            .collect();
        CaseForm {
            fields: StoredValue::new(fields),
            texts: RwSignal::new(texts),
            errors: RwSignal::new(BTreeMap::new()),
        }
    }

    fn set_text(&self, name: &str, text: String) {
        self.texts.update(|t| {
            t.insert(name.to_string(), text);
        });
    }

    fn check(&self, f: &Field, lang: Lang) -> Result<Option<Value>, String> {
        let text = self
            .texts
            .with_untracked(|t| t.get(&f.name).cloned().unwrap_or_default());
        let result = case_values::parse(f, &text, lang);
        self.errors.update(|e| match &result {
            Ok(_) => {
                e.remove(&f.name);
            }
            Err(msg) => {
                e.insert(f.name.clone(), msg.clone());
            }
        });
        result
    }

    /// Checks every field. All good: the values for the case API (empty optional fields left
    /// out). Otherwise every bad field shows its error, focus goes to the first one, and its
    /// error is returned.
    pub fn values(&self, lang: Lang, id_prefix: &str) -> Result<BTreeMap<String, Value>, String> {
        let mut out = BTreeMap::new();
        let mut first: Option<(String, String)> = None;
        for f in self.fields.get_value() {
            match self.check(&f, lang) {
                Ok(Some(v)) => {
                    out.insert(f.name.clone(), v);
                }
                Ok(None) => {}
                Err(e) => {
                    if first.is_none() {
                        first = Some((f.name.clone(), e));
                    }
                }
            }
        }
        match first {
            None => Ok(out),
            Some((name, e)) => {
                let id = field_id(id_prefix, &name);
                request_animation_frame(move || {
                    use wasm_bindgen::JsCast;
                    if let Some(el) = document()
                        .get_element_by_id(&id)
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                });
                Err(e)
            }
        }
    }
}

/// The element id of a field's input.
pub fn field_id(prefix: &str, name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{safe}")
}

/// The inputs of a case form, one per declared field. `readonly` shows the values without
/// letting them change.
#[component]
pub fn CaseFields(
    form: CaseForm,
    lang: RwSignal<Lang>,
    #[prop(into)] id_prefix: String,
    #[prop(optional)] readonly: bool,
) -> impl IntoView {
    form.fields
        .get_value()
        .into_iter()
        .map(|f| field_view(form, lang, &id_prefix, f, readonly))
        .collect::<Vec<_>>()
}

fn field_view(
    form: CaseForm,
    lang: RwSignal<Lang>,
    prefix: &str,
    f: Field,
    readonly: bool,
) -> impl IntoView {
    let id = field_id(prefix, &f.name);
    let help_id = format!("{id}-help");
    let err_id = format!("{id}-error");
    let described = format!("{help_id} {err_id}");
    let name = f.name.clone();
    let text = {
        let name = name.clone();
        move || {
            form.texts
                .with(|t| t.get(&name).cloned().unwrap_or_default())
        }
    };
    let error = {
        let name = name.clone();
        move || form.errors.with(|e| e.get(&name).cloned())
    };
    let invalid = {
        let error = error.clone();
        move || error().is_some()
    };
    let aria_invalid = {
        let invalid = invalid.clone();
        move || invalid().to_string()
    };
    let on_input = {
        let name = name.clone();
        move |ev: leptos::ev::Event| form.set_text(&name, event_target_value(&ev))
    };
    // Leaving a field checks it and shows money and dates in the reader's notation.
    let on_change = {
        let f = f.clone();
        move |_: leptos::ev::Event| {
            let l = lang.get_untracked();
            if let Ok(Some(v)) = form.check(&f, l) {
                if matches!(f.field_type, FieldType::Money | FieldType::Date) {
                    form.set_text(&f.name, case_values::display(&f, &v, l));
                }
            }
        }
    };
    let help = {
        let f = f.clone();
        move || case_values::help(&f, lang.get())
    };
    let input = match f.field_type {
        FieldType::Bool => {
            let name = name.clone();
            view! {
                <input id=id.clone() type="checkbox" disabled=readonly aria-describedby=described.clone()
                    prop:checked=move || text() == "true"
                    on:change=move |ev| form.set_text(&name, event_target_checked(&ev).to_string()) />
            }
            .into_any()
        }
        FieldType::Enum => {
            let options = f
                .values
                .iter()
                .map(|v| {
                    let value = v.clone();
                    let text = text.clone();
                    view! { <option value=v.clone() selected=move || text() == value>{v.clone()}</option> }
                })
                .collect::<Vec<_>>();
            view! {
                <select id=id.clone() disabled=readonly required=f.required aria-invalid=aria_invalid aria-describedby=described.clone() on:change=move |ev| { on_input(ev.clone()); on_change(ev); }>
                    <option value="" selected=move || text().is_empty()>{move || if lang.get() == Lang::De { "— bitte wählen —" } else { "— please choose —" }}</option>
                    {options}
                </select>
            }
            .into_any()
        }
        t => {
            let mode = match t {
                FieldType::Money => "decimal",
                FieldType::Int => "numeric",
                _ => "text",
            };
            view! {
                <input id=id.clone() type="text" inputmode=mode readonly=readonly required=f.required
                    aria-invalid=aria_invalid aria-describedby=described.clone()
                    prop:value=text on:input=on_input on:change=on_change />
            }
            .into_any()
        }
    };
    let caption = f.caption().to_string();
    view! {
        <div class="field case-field" class:invalid=invalid data-field=name.clone()>
            <label for=id>
                {caption}
                {f.required.then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })}
            </label>
            {input}
            <span class="field-help" id=help_id>{help}</span>
            <span class="field-error" id=err_id role="alert">{error}</span>
        </div>
    }
}
