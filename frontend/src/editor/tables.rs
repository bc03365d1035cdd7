//! List editors: value bands (Wertgrenzen), routing rules (Komplexität), participants
//! (Mitzeichnung). Rows are keyed by index so editing one row keeps focus in it.

use std::collections::HashSet;

use fachwerk_shared::catalog;
use fachwerk_shared::{
    AmountBasis, Assignee, Band, BlockId, BlockKind, CommentRule, DecisionRule, Duration, Edge,
    FieldType, MitzeichnungMode, Money, Op, Participant, Rule,
};
use leptos::prelude::*;

use super::params::{key, note, opt, Id};
use super::pickers::{assignee_picker, field_picker};
use super::widgets::{
    checkbox, duration_field, enum_select, money_field, number_field, select, text_area,
    text_field, uid,
};
use super::Editor;
use crate::i18n::{self, Lang, T};
use crate::pure::params::set_upper;

type Kind = Memo<Option<BlockKind>>;

/// Edits parameters that define exit ports. Edges on a removed port are removed; edges on a
/// renamed port (`rename` = old, new) follow it. All in one undo step.
fn edit_ports(
    ed: Editor,
    id: &BlockId,
    rename: Option<(String, String)>,
    f: impl FnOnce(&mut BlockKind),
) {
    let Some(old) = ed
        .wf
        .with_untracked(|w| w.block(id).map(|b| b.kind.clone()))
    else {
        return;
    };
    let mut kind = old.clone();
    f(&mut kind);
    if kind == old {
        return;
    }
    let ports: HashSet<String> = catalog::ports(&kind).into_iter().map(|p| p.name).collect();
    let mut ops = vec![Op::SetParams {
        id: id.clone(),
        kind,
    }];
    ed.wf.with_untracked(|w| {
        for e in w.outgoing(id).filter(|e| !ports.contains(&e.port)) {
            ops.push(Op::Disconnect { id: e.id.clone() });
            if let Some((from, to)) = &rename {
                if &e.port == from && ports.contains(to) {
                    let waypoints = w.layout.edges.get(&e.id).cloned().unwrap_or_default();
                    ops.push(Op::Connect {
                        edge: Edge {
                            port: to.clone(),
                            ..e.clone()
                        },
                        waypoints,
                        index: None,
                    });
                }
            }
        }
    });
    ed.apply(super::interact::single_or_batch(ops));
}

/// A fresh port name `prefix{n}` not used by `taken`.
fn fresh_name(prefix: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| prefix.to_string())
}

fn remove_button(ed: Editor, label: Signal<String>, on: impl Fn() + 'static) -> impl IntoView {
    view! {
        <button type="button" class="remove" aria-label=move || format!("{} {}", ed.t(i18n::REMOVE), label.get()) on:click=move |_| on()>
            "✕"
        </button>
    }
}

pub fn wertgrenzen(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let count = Memo::new(move |_| {
        kind.with(|k| {
            if let Some(BlockKind::Wertgrenzen(p)) = k {
                p.bands.len()
            } else {
                0
            }
        })
    });
    let add = move |_| {
        edit_ports(ed, &id.get_value(), None, |k| {
            if let BlockKind::Wertgrenzen(p) = k {
                let taken: Vec<String> = p.bands.iter().map(|b| b.id.clone()).collect();
                let lower = p
                    .bands
                    .last()
                    .map_or(Money(0), |b| b.upper.unwrap_or(b.lower));
                p.bands.push(Band {
                    id: fresh_name("stufe", &taken),
                    lower,
                    upper: None,
                    label: String::new(),
                });
            }
        })
    };
    view! {
        {field_picker(
            i18n::P_AMOUNT_FIELD,
            &[FieldType::Money],
            param!(kind, Wertgrenzen, |p| Some(p.amount_field.clone())),
            edit!(ed, id, Wertgrenzen, |p, v: Option<String>| p.amount_field = v.unwrap_or_default()),
        )}
        {enum_select(
            i18n::P_BASIS,
            AmountBasis::ALL,
            AmountBasis::tag,
            param!(kind, Wertgrenzen, |p| p.basis),
            edit!(ed, id, Wertgrenzen, |p, v: AmountBasis| p.basis = v),
        )}
        <p class="field readonly">
            {move || ed.t(i18n::P_CURRENCY)}
            ": "
            {move || kind.with(|k| if let Some(BlockKind::Wertgrenzen(p)) = k { p.currency.clone() } else { String::new() })}
        </p>
        <fieldset class="table bands">
            <legend>{move || ed.t(i18n::P_BANDS)}</legend>
            <For each=move || 0..count.get() key=|i| *i let:i>
                {band_row(ed, id, kind, i)}
            </For>
            <button type="button" class="add" id="btn-add-band" on:click=add>
                {move || ed.t(i18n::P_ADD_BAND)}
            </button>
            {note(id, "bands")}
        </fieldset>
        {note(id, "currency")}
        {note(id, "amountField")}
    }
    .into_any()
}

fn band_row(ed: Editor, id: Id, kind: Kind, i: usize) -> impl IntoView {
    let band = Memo::new(move |_| {
        kind.with(|k| {
            if let Some(BlockKind::Wertgrenzen(p)) = k {
                p.bands.get(i).cloned()
            } else {
                None
            }
        })
    });
    let name =
        Signal::derive(move || band.with(|b| b.as_ref().map(|b| b.id.clone()).unwrap_or_default()));
    let rename = Callback::new(move |v: String| {
        let v = v.trim().to_string();
        let old = name.get_untracked();
        if v.is_empty() || v == old {
            return;
        }
        edit_ports(ed, &id.get_value(), Some((old, v.clone())), |k| {
            if let BlockKind::Wertgrenzen(p) = k {
                if let Some(b) = p.bands.get_mut(i) {
                    b.id = v;
                }
            }
        });
    });
    let caption = Signal::derive(move || {
        let lang = ed.lang.get();
        band.with(|b| {
            b.as_ref().map_or(String::new(), |b| {
                let (de, en) = catalog::band_label(b.lower, b.upper, &b.label);
                if lang == Lang::De {
                    de
                } else {
                    en
                }
            })
        })
    });
    let remove = move || {
        edit_ports(ed, &id.get_value(), None, |k| {
            if let BlockKind::Wertgrenzen(p) = k {
                if i < p.bands.len() {
                    p.bands.remove(i);
                }
            }
        })
    };
    view! {
        <div class="row band" data-index=i>
            <p class="row-caption">{move || caption.get()}</p>
            {text_field(i18n::P_BAND_ID, name, rename)}
            {note(id, &format!("bands[{i}].id"))}
            {money_field(
                key(id, &format!("bands[{i}].lower")),
                i18n::P_BAND_LOWER,
                Signal::derive(move || band.with(|b| b.as_ref().map(|b| b.lower))),
                edit!(ed, id, Wertgrenzen, |p, v: Option<Money>| if let (Some(b), Some(m)) = (p.bands.get_mut(i), v) { b.lower = m }),
                false,
            )}
            {money_field(
                key(id, &format!("bands[{i}].upper")),
                i18n::P_BAND_UPPER,
                Signal::derive(move || band.with(|b| b.as_ref().and_then(|b| b.upper))),
                edit!(ed, id, Wertgrenzen, |p, v: Option<Money>| set_upper(&mut p.bands, i, v)),
                true,
            )}
            {text_field(
                i18n::P_BAND_LABEL,
                Signal::derive(move || band.with(|b| b.as_ref().map(|b| b.label.clone()).unwrap_or_default())),
                edit!(ed, id, Wertgrenzen, |p, v: String| if let Some(b) = p.bands.get_mut(i) { b.label = v.trim().to_string() }),
            )}
            {remove_button(ed, caption, remove)}
        </div>
    }
}

pub fn komplexitaet(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let count = Memo::new(move |_| {
        kind.with(|k| {
            if let Some(BlockKind::Komplexitaet(p)) = k {
                p.rules.len()
            } else {
                0
            }
        })
    });
    let add = move |_| {
        edit_ports(ed, &id.get_value(), None, |k| {
            if let BlockKind::Komplexitaet(p) = k {
                let taken: Vec<String> = p.rules.iter().map(|r| r.id.clone()).collect();
                p.rules.push(Rule {
                    id: fresh_name("regel", &taken),
                    label: String::new(),
                    condition: String::new(),
                });
            }
        })
    };
    view! {
        <fieldset class="table rules">
            <legend>{move || ed.t(i18n::P_RULES)}</legend>
            <For each=move || 0..count.get() key=|i| *i let:i>
                {rule_row(ed, id, kind, i)}
            </For>
            <button type="button" class="add" id="btn-add-rule" on:click=add>
                {move || ed.t(i18n::P_ADD_RULE)}
            </button>
            {note(id, "rules")}
        </fieldset>
        <p class="help">{move || ed.t(i18n::P_OTHERWISE)}</p>
        <p class="field readonly">{move || ed.t(i18n::value_label("FIRST_MATCH"))}</p>
    }
    .into_any()
}

fn rule_row(ed: Editor, id: Id, kind: Kind, i: usize) -> impl IntoView {
    let rule = Memo::new(move |_| {
        kind.with(|k| {
            if let Some(BlockKind::Komplexitaet(p)) = k {
                p.rules.get(i).cloned()
            } else {
                None
            }
        })
    });
    let get = move |f: fn(&Rule) -> String| {
        Signal::derive(move || rule.with(|r| r.as_ref().map(f).unwrap_or_default()))
    };
    let name = get(|r| r.id.clone());
    let condition = get(|r| r.condition.clone());
    let rename = Callback::new(move |v: String| {
        let v = v.trim().to_string();
        let old = name.get_untracked();
        if v.is_empty() || v == old {
            return;
        }
        edit_ports(ed, &id.get_value(), Some((old, v.clone())), |k| {
            if let BlockKind::Komplexitaet(p) = k {
                if let Some(r) = p.rules.get_mut(i) {
                    r.id = v;
                }
            }
        });
    });
    let set_condition = edit!(ed, id, Komplexitaet, |p, v: String| if let Some(r) =
        p.rules.get_mut(i)
    {
        r.condition = v.trim().to_string()
    });
    let insert_id = uid("ins");
    let fields = move || {
        let lang = ed.lang.get();
        let mut v = vec![
            view! { <option value="">{i18n::P_INSERT_FIELD.get(lang)}"…"</option> }.into_any(),
        ];
        ed.wf.with(|w| {
            v.extend(w.fields.iter().map(|f| {
                let text = format!(
                    "{} ({})",
                    f.name,
                    i18n::value_label(field_type_tag(f.field_type)).get(lang)
                );
                view! { <option value=f.name.clone()>{text}</option> }.into_any()
            }))
        });
        v
    };
    let on_insert = move |ev: web_sys::Event| {
        let name = event_target_value(&ev);
        if name.is_empty() {
            return;
        }
        let cur = condition.get_untracked();
        let sep = if cur.is_empty() || cur.ends_with(' ') {
            ""
        } else {
            " "
        };
        set_condition.run(format!("{cur}{sep}{name}"));
        if let Some(sel) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok())
        {
            sel.set_value("");
        }
    };
    let remove = move || {
        edit_ports(ed, &id.get_value(), None, |k| {
            if let BlockKind::Komplexitaet(p) = k {
                if i < p.rules.len() {
                    p.rules.remove(i);
                }
            }
        })
    };
    let caption = get(|r| {
        if r.label.is_empty() {
            r.id.clone()
        } else {
            r.label.clone()
        }
    });
    view! {
        <div class="row rule" data-index=i>
            {text_field(i18n::P_RULE_ID, name, rename)}
            {note(id, &format!("rules[{i}].id"))}
            {text_field(
                i18n::P_RULE_LABEL,
                get(|r| r.label.clone()),
                edit!(ed, id, Komplexitaet, |p, v: String| if let Some(r) = p.rules.get_mut(i) { r.label = v.trim().to_string() }),
            )}
            {text_area(i18n::P_CONDITION, condition, set_condition)}
            {note(id, &format!("rules[{i}].condition"))}
            <div class="field">
                <label for=insert_id.clone() class="sr-only">{move || ed.t(i18n::P_INSERT_FIELD)}</label>
                <select id=insert_id class="insert-field" on:change=on_insert>{fields}</select>
            </div>
            {remove_button(ed, caption, remove)}
        </div>
    }
}

fn field_type_tag(t: FieldType) -> &'static str {
    match t {
        FieldType::Money => "money",
        FieldType::Date => "date",
        FieldType::Int => "int",
        FieldType::Bool => "bool",
        FieldType::Enum => "enum",
        FieldType::Text => "text",
    }
}

pub fn mitzeichnung(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let count = Memo::new(move |_| {
        kind.with(|k| {
            if let Some(BlockKind::Mitzeichnung(p)) = k {
                p.participants.len()
            } else {
                0
            }
        })
    });
    let add = edit!(ed, id, Mitzeichnung, |p, _v: ()| p.participants.push(
        Participant {
            assignee: None,
            label: String::new(),
            mandatory: true
        }
    ));
    let rule = param!(kind, Mitzeichnung, |p| p.decision_rule);
    let rule_options = Signal::derive(move || {
        let lang = ed.lang.get();
        ["ALL_APPROVE", "QUORUM"]
            .iter()
            .map(|t| (t.to_string(), i18n::value_label(t).get(lang).to_string()))
            .collect()
    });
    let rule_value = Signal::derive(move || match rule.get() {
        DecisionRule::AllApprove => "ALL_APPROVE".to_string(),
        DecisionRule::Quorum { .. } => "QUORUM".to_string(),
    });
    let set_rule = edit!(ed, id, Mitzeichnung, |p, v: String| {
        p.decision_rule = if v == "QUORUM" {
            match p.decision_rule {
                DecisionRule::Quorum { n } => DecisionRule::Quorum { n },
                DecisionRule::AllApprove => DecisionRule::Quorum { n: 1 },
            }
        } else {
            DecisionRule::AllApprove
        }
    });
    view! {
        <fieldset class="table participants">
            <legend>{move || ed.t(i18n::P_PARTICIPANTS)}</legend>
            <For each=move || 0..count.get() key=|i| *i let:i>
                {participant_row(ed, id, kind, i)}
            </For>
            <button type="button" class="add" id="btn-add-participant" on:click=move |_| add.run(())>
                {move || ed.t(i18n::ADD)}
            </button>
            {note(id, "participants")}
        </fieldset>
        {enum_select(
            i18n::P_MODE,
            MitzeichnungMode::ALL,
            MitzeichnungMode::tag,
            param!(kind, Mitzeichnung, |p| p.mode),
            edit!(ed, id, Mitzeichnung, |p, v: MitzeichnungMode| p.mode = v),
        )}
        {select(i18n::P_DECISION_RULE, rule_options, rule_value, set_rule)}
        {move || {
            matches!(rule.get(), DecisionRule::Quorum { .. })
                .then(|| {
                    number_field(
                        key(id, "decisionRule.n"),
                        i18n::P_QUORUM_N,
                        Signal::derive(move || match rule.get() {
                            DecisionRule::Quorum { n } => Some(n),
                            DecisionRule::AllApprove => None,
                        }),
                        edit!(ed, id, Mitzeichnung, |p, v: Option<u32>| p.decision_rule = DecisionRule::Quorum { n: v.unwrap_or(1) }),
                    )
                })
        }}
        {duration_field(
            key(id, "dueIn"),
            i18n::P_DUE_PER_PARTICIPANT,
            param!(kind, Mitzeichnung, |p| p.due_in.clone()),
            edit!(ed, id, Mitzeichnung, |p, v: Option<Duration>| p.due_in = v),
        )}
        {enum_select(
            i18n::P_COMMENT,
            CommentRule::ALL,
            CommentRule::tag,
            param!(kind, Mitzeichnung, |p| p.comment),
            edit!(ed, id, Mitzeichnung, |p, v: CommentRule| p.comment = v),
        )}
    }
    .into_any()
}

fn participant_row(ed: Editor, id: Id, kind: Kind, i: usize) -> impl IntoView {
    let part = Memo::new(move |_| {
        kind.with(|k| {
            if let Some(BlockKind::Mitzeichnung(p)) = k {
                p.participants.get(i).cloned()
            } else {
                None
            }
        })
    });
    let label = Signal::derive(move || {
        part.with(|p| p.as_ref().map(|p| p.label.clone()).unwrap_or_default())
    });
    let remove = edit!(
        ed,
        id,
        Mitzeichnung,
        |p, _v: ()| if i < p.participants.len() {
            p.participants.remove(i);
        }
    );
    let caption = Signal::derive(move || {
        let l = label.get();
        if l.is_empty() {
            format!("{} {}", ed.t(T("Beteiligte Stelle", "Participant")), i + 1)
        } else {
            l
        }
    });
    view! {
        <div class="row participant" data-index=i>
            {assignee_picker(
                i18n::P_PARTICIPANT,
                Signal::derive(move || part.with(|p| p.as_ref().and_then(|p| p.assignee.clone()))),
                edit!(ed, id, Mitzeichnung, |p, v: Option<Assignee>| if let Some(x) = p.participants.get_mut(i) { x.assignee = v }),
            )}
            {note(id, &format!("participants[{i}].assignee"))}
            {text_field(
                i18n::P_BAND_LABEL,
                label,
                edit!(ed, id, Mitzeichnung, |p, v: String| if let Some(x) = p.participants.get_mut(i) { x.label = opt(v).unwrap_or_default() }),
            )}
            {checkbox(
                i18n::P_MANDATORY,
                Signal::derive(move || part.with(|p| p.as_ref().is_some_and(|p| p.mandatory))),
                edit!(ed, id, Mitzeichnung, |p, v: bool| if let Some(x) = p.participants.get_mut(i) { x.mandatory = v }),
            )}
            {remove_button(ed, caption, move || remove.run(()))}
        </div>
    }
}
