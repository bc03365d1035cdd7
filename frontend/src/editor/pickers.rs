//! Pickers that offer what the workflow declares: roles, case fields, other blocks.

use fachwerk_shared::catalog;
use fachwerk_shared::{Assignee, BlockId, FieldType, Recipient, RoleId};
use leptos::prelude::*;

use super::widgets::{select, text_field, uid};
use super::{use_editor, Editor};
use crate::i18n::{self, Lang, T};

/// Options for the declared roles (+ the current one if it is not declared).
fn role_options(ed: Editor, current: Option<&RoleId>, lang: Lang) -> Vec<(String, String)> {
    ed.wf.with(|w| {
        let mut v: Vec<(String, String)> = w
            .roles
            .iter()
            .map(|r| {
                (
                    format!("role:{}", r.id.0),
                    format!("{} ({})", r.name, r.id.0),
                )
            })
            .collect();
        if let Some(id) = current.filter(|id| w.role(id).is_none()) {
            v.push((
                format!("role:{}", id.0),
                format!("{} ({})", id.0, i18n::A_ROLE_UNKNOWN.get(lang)),
            ));
        }
        v
    })
}

/// A reference picker: none, roles, and fixed kinds; kinds in `with_text` get a text field.
fn ref_picker(
    label: T,
    fixed: &'static [(&'static str, T)],
    with_text: &'static [&'static str],
    value: Signal<(String, String)>,
    commit: Callback<(String, String)>,
) -> AnyView {
    let ed = use_editor();
    let options = Signal::derive(move || {
        let lang = ed.lang.get();
        let (kind, text) = value.get();
        let current_role = (kind == "role").then(|| RoleId(text.clone()));
        let mut v = vec![(String::new(), i18n::NONE_OPTION.get(lang).to_string())];
        v.extend(role_options(ed, current_role.as_ref(), lang));
        v.extend(
            fixed
                .iter()
                .map(|(k, t)| (k.to_string(), t.get(lang).to_string())),
        );
        v
    });
    let current = Signal::derive(move || {
        let (kind, text) = value.get();
        if kind == "role" {
            format!("role:{text}")
        } else {
            kind
        }
    });
    let on_select = Callback::new(move |v: String| match v.strip_prefix("role:") {
        Some(role) => commit.run(("role".into(), role.into())),
        None => {
            let keep = if with_text.contains(&v.as_str()) {
                value.get_untracked().1
            } else {
                String::new()
            };
            commit.run((v, keep));
        }
    });
    let needs_text = Memo::new(move |_| value.with(|(k, _)| with_text.contains(&k.as_str())));
    let text = Signal::derive(move || value.get().1);
    let on_text = Callback::new(move |t: String| commit.run((value.get_untracked().0, t)));
    view! {
        <div class="picker">
            {select(label, options, current, on_select)}
            {move || needs_text.get().then(|| text_field(i18n::P_REF_TEXT, text, on_text))}
        </div>
    }
    .into_any()
}

const ASSIGNEE_KINDS: &[(&str, T)] = &[
    ("initiator", i18n::A_INITIATOR),
    ("person", i18n::A_PERSON),
    ("expression", i18n::A_EXPRESSION),
];

pub fn assignee_picker(
    label: T,
    value: Signal<Option<Assignee>>,
    commit: Callback<Option<Assignee>>,
) -> AnyView {
    let encoded = Signal::derive(move || match value.get() {
        None => (String::new(), String::new()),
        Some(Assignee::Role(r)) => ("role".into(), r.0),
        Some(Assignee::Person(p)) => ("person".into(), p),
        Some(Assignee::Initiator) => ("initiator".into(), String::new()),
        Some(Assignee::Expression(e)) => ("expression".into(), e),
    });
    let decode = Callback::new(move |(kind, text): (String, String)| {
        let a = match kind.as_str() {
            "role" => Some(Assignee::Role(RoleId(text))),
            "person" => Some(Assignee::Person(text)),
            "initiator" => Some(Assignee::Initiator),
            "expression" => Some(Assignee::Expression(text)),
            _ => None,
        };
        commit.run(a);
    });
    ref_picker(
        label,
        ASSIGNEE_KINDS,
        &["person", "expression"],
        encoded,
        decode,
    )
}

const RECIPIENT_KINDS: &[(&str, T)] = &[
    ("applicant", i18n::A_APPLICANT),
    ("initiator", i18n::A_INITIATOR),
    ("person", i18n::A_PERSON),
    ("external", i18n::A_EXTERNAL),
];

pub fn recipient_picker(
    label: T,
    value: Signal<Option<Recipient>>,
    commit: Callback<Option<Recipient>>,
) -> AnyView {
    let encoded = Signal::derive(move || match value.get() {
        None => (String::new(), String::new()),
        Some(Recipient::Applicant) => ("applicant".into(), String::new()),
        Some(Recipient::Role(r)) => ("role".into(), r.0),
        Some(Recipient::Person(p)) => ("person".into(), p),
        Some(Recipient::Initiator) => ("initiator".into(), String::new()),
        Some(Recipient::External(e)) => ("external".into(), e),
    });
    let decode = Callback::new(move |(kind, text): (String, String)| {
        let r = match kind.as_str() {
            "applicant" => Some(Recipient::Applicant),
            "role" => Some(Recipient::Role(RoleId(text))),
            "person" => Some(Recipient::Person(text)),
            "initiator" => Some(Recipient::Initiator),
            "external" => Some(Recipient::External(text)),
            _ => None,
        };
        commit.run(r);
    });
    ref_picker(
        label,
        RECIPIENT_KINDS,
        &["person", "external"],
        encoded,
        decode,
    )
}

/// Declared case fields of the given types (all types if `types` is empty).
pub fn field_picker(
    label: T,
    types: &'static [FieldType],
    value: Signal<Option<String>>,
    commit: Callback<Option<String>>,
) -> AnyView {
    let ed = use_editor();
    let options = Signal::derive(move || {
        let lang = ed.lang.get();
        let current = value.get();
        ed.wf.with(|w| {
            let mut v = vec![(String::new(), i18n::NONE_OPTION.get(lang).to_string())];
            v.extend(
                w.fields
                    .iter()
                    .filter(|f| types.is_empty() || types.contains(&f.field_type))
                    // Clerk words: the label; the technical name only when there is none.
                    .map(|f| (f.name.clone(), f.caption().to_string())),
            );
            if let Some(c) = current.filter(|c| !c.is_empty() && w.field(c).is_none()) {
                v.push((c.clone(), format!("{c} ({})", i18n::F_UNDECLARED.get(lang))));
            }
            v
        })
    });
    let current = Signal::derive(move || value.get().unwrap_or_default());
    let on = Callback::new(move |v: String| commit.run((!v.is_empty()).then_some(v)));
    select(label, options, current, on)
}

/// Blocks with a human task (for Vier-Augen and Eskalation), excluding `own`.
fn human_tasks(ed: Editor, own: &BlockId) -> Vec<(BlockId, String)> {
    ed.wf.with(|w| {
        w.blocks
            .iter()
            .filter(|b| &b.id != own && catalog::info(b.block_type()).human_task)
            .map(|b| (b.id.clone(), w.block_label(&b.id)))
            .collect()
    })
}

pub fn block_picker(
    label: T,
    own: BlockId,
    value: Signal<Option<BlockId>>,
    commit: Callback<Option<BlockId>>,
) -> AnyView {
    let ed = use_editor();
    let options = Signal::derive(move || {
        let mut v = vec![(String::new(), ed.t(i18n::NONE_OPTION).to_string())];
        v.extend(
            human_tasks(ed, &own)
                .into_iter()
                .map(|(id, l)| (id.0.clone(), format!("{l} ({id})"))),
        );
        if let Some(c) = value.get().filter(|c| ed.wf.with(|w| w.block(c).is_none())) {
            v.push((c.0.clone(), c.0.clone()));
        }
        v
    });
    let current = Signal::derive(move || value.get().map(|b| b.0).unwrap_or_default());
    let on = Callback::new(move |v: String| commit.run((!v.is_empty()).then_some(BlockId(v))));
    select(label, options, current, on)
}

/// Checkboxes over the human-task blocks.
pub fn block_checks(
    label: T,
    own: BlockId,
    value: Signal<Vec<BlockId>>,
    commit: Callback<Vec<BlockId>>,
) -> AnyView {
    let ed = use_editor();
    let list = move || {
        human_tasks(ed, &own)
            .into_iter()
            .map(|(id, l)| {
                let fid = uid("f");
                let checked = {
                    let id = id.clone();
                    move || value.with(|v| v.contains(&id))
                };
                let on_change = move |ev| {
                    let on = event_target_checked(&ev);
                    let mut v = value.get_untracked();
                    v.retain(|x| x != &id);
                    if on {
                        v.push(id.clone());
                    }
                    commit.run(v);
                };
                view! {
                    <span class="check-item">
                        <input id=fid.clone() type="checkbox" prop:checked=checked on:change=on_change />
                        <label for=fid>{l}</label>
                    </span>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="field checks">
            <legend>{move || ed.t(label)}</legend>
            {list}
        </fieldset>
    }
    .into_any()
}
