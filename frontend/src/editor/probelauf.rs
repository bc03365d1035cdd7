//! "Probelauf": run one case through the workflow with `fachwerk_shared::simulate`, step by
//! step, with the taken path on the canvas; save cases as Probefälle and rerun them after every
//! edit.

use std::collections::{BTreeMap, HashSet};

use fachwerk_shared::simulate::{
    decision_ports, record_test_case, run_test_cases, simulate_scripted, CaseInput, Land, Outcome,
    Trace,
};
use fachwerk_shared::{BlockId, BlockKind, EdgeId, FieldType, Money, Op, RoleId, Workflow};
use leptos::prelude::*;

use super::{use_editor, Editor};
use crate::i18n::{self, Lang};

/// What the user typed into the Probelauf form (raw text, checked when the run starts).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimForm {
    pub fields: BTreeMap<String, String>,
    pub start_date: String,
    pub land: Land,
    /// Role id → names, comma separated.
    pub persons: BTreeMap<String, String>,
    /// Block id → forced exit.
    pub choices: BTreeMap<String, String>,
    /// Block id → forced person.
    pub actors: BTreeMap<String, String>,
    pub name: String,
}

/// Blocks and edges to highlight on the canvas.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimMarks {
    pub current: Option<BlockId>,
    pub visited: HashSet<BlockId>,
    pub edges: HashSet<EdgeId>,
}

/// Result of rerunning one saved Probefall.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub name: String,
    pub pass: bool,
    pub detail_de: String,
    pub detail_en: String,
}

/// The Probelauf state; `Copy`, part of the editor.
#[derive(Clone, Copy)]
pub struct Sim {
    pub open: RwSignal<bool>,
    pub form: RwSignal<SimForm>,
    pub trace: RwSignal<Option<Trace>>,
    /// Number of steps shown so far.
    pub pos: RwSignal<usize>,
    /// Error of the form (unparsable amount …), in both languages.
    pub error: RwSignal<Option<(String, String)>>,
    pub marks: Memo<SimMarks>,
    pub results: Memo<Vec<CaseResult>>,
}

impl Sim {
    pub fn new(wf: RwSignal<Workflow>) -> Sim {
        let trace: RwSignal<Option<Trace>> = RwSignal::new(None);
        let pos = RwSignal::new(0usize);
        let marks = Memo::new(move |_| {
            let p = pos.get();
            trace.with(|t| {
                let Some(t) = t else {
                    return SimMarks::default();
                };
                let shown = &t.steps[..p.min(t.steps.len())];
                let mut m = SimMarks {
                    visited: shown.iter().map(|s| s.block.clone()).collect(),
                    ..Default::default()
                };
                m.current = if p >= t.steps.len() && !matches!(t.outcome, Outcome::Ended { .. }) {
                    Some(t.outcome.block().clone())
                } else {
                    shown.last().map(|s| s.block.clone())
                };
                wf.with(|w| {
                    for pair in shown.windows(2) {
                        let (a, b) = (&pair[0], &pair[1]);
                        let Some(port) = &a.decision.port else {
                            continue;
                        };
                        if let Some(e) = w
                            .edges
                            .iter()
                            .find(|e| e.from == a.block && &e.port == port && e.to == b.block)
                        {
                            m.edges.insert(e.id.clone());
                        }
                    }
                });
                m
            })
        });
        let results = Memo::new(move |_| wf.with(run_cases));
        Sim {
            open: RwSignal::new(false),
            form: RwSignal::new(SimForm {
                start_date: today(),
                ..Default::default()
            }),
            trace,
            pos,
            error: RwSignal::new(None),
            marks,
            results,
        }
    }
}

fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Reruns every saved Probefall against the workflow (shared's verdicts, in the UI's form).
pub fn run_cases(w: &Workflow) -> Vec<CaseResult> {
    run_test_cases(w)
        .into_iter()
        .map(|r| {
            let steps = r.route.len();
            let (de, en) = if r.passed {
                (
                    format!("bestanden ({steps} Schritte)"),
                    format!("passed ({steps} steps)"),
                )
            } else {
                (r.message_de, r.message_en)
            };
            CaseResult {
                name: r.name,
                pass: r.passed,
                detail_de: de,
                detail_en: en,
            }
        })
        .collect()
}

/// Builds the case input from the form; Err = (German, English) message.
pub fn case_input(w: &Workflow, f: &SimForm) -> Result<CaseInput, (String, String)> {
    let mut input = CaseInput {
        start_date: f.start_date.trim().to_string(),
        land: f.land,
        ..Default::default()
    };
    for field in &w.fields {
        let raw = f.fields.get(&field.name).map(|s| s.trim()).unwrap_or("");
        let label = if field.label.trim().is_empty() {
            field.name.clone()
        } else {
            field.label.clone()
        };
        let value = match field.field_type {
            FieldType::Bool => match raw {
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                _ => continue,
            },
            _ if raw.is_empty() => continue,
            FieldType::Money => match Money::parse(raw) {
                Ok(m) => serde_json::Value::String(m.to_canonical()),
                Err(e) => {
                    return Err((
                        format!("{label}: {e}"),
                        format!("{label}: not an amount ({raw})"),
                    ))
                }
            },
            FieldType::Int => match raw.replace('.', "").parse::<i64>() {
                Ok(n) => serde_json::Value::from(n),
                Err(_) => {
                    return Err((
                        format!("{label}: „{raw}“ ist keine ganze Zahl"),
                        format!("{label}: {raw:?} is not an integer"),
                    ))
                }
            },
            _ => serde_json::Value::String(raw.to_string()),
        };
        input.fields.insert(field.name.clone(), value);
    }
    for role in &w.roles {
        let names: Vec<String> = f
            .persons
            .get(&role.id.0)
            .map(|s| {
                s.split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if !names.is_empty() {
            input.persons.insert(role.id.clone(), names);
        }
    }
    for b in &w.blocks {
        if let Some(c) = f.choices.get(&b.id.0).filter(|c| !c.is_empty()) {
            input.choices.insert(b.id.0.clone(), vec![c.clone()]);
        }
        if let Some(a) = f
            .actors
            .get(&b.id.0)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            input.actors.insert(b.id.0.clone(), a.to_string());
        }
    }
    Ok(input)
}

/// Runs the form's case; `advance` = one more step, else to the end.
pub fn run(ed: Editor, advance: bool) {
    let sim = ed.sim;
    let built = ed
        .wf
        .with_untracked(|w| sim.form.with_untracked(|f| case_input(w, f)));
    let input = match built {
        Ok(i) => i,
        Err(e) => {
            sim.error.set(Some(e));
            sim.trace.set(None);
            sim.pos.set(0);
            return;
        }
    };
    sim.error.set(None);
    let trace = ed.wf.with_untracked(|w| simulate_scripted(w, &input));
    let n = trace.steps.len();
    let pos = if advance {
        (sim.pos.get_untracked() + 1).min(n)
    } else {
        n
    };
    let lang = ed.lang.get_untracked();
    let msg = if pos >= n {
        outcome_text(&trace, lang)
    } else {
        let s = &trace.steps[pos.saturating_sub(1)];
        let expl = if lang == Lang::De {
            &s.decision.explanation_de
        } else {
            &s.decision.explanation_en
        };
        match lang {
            Lang::De => format!("Schritt {pos} von {n}: {} – {expl}", s.label),
            Lang::En => format!("Step {pos} of {n}: {} – {expl}", s.label),
        }
    };
    if let Some(cur) = trace.steps.get(pos.saturating_sub(1)) {
        super::commands::ensure_visible(ed, &cur.block);
    }
    sim.trace.set(Some(trace));
    sim.pos.set(pos);
    ed.announce.set(msg);
}

fn outcome_text(t: &Trace, lang: Lang) -> String {
    match (&t.outcome, lang) {
        (Outcome::Ended { block, .. }, Lang::De) => format!(
            "Probelauf beendet nach {} Schritten bei „{}“.",
            t.steps.len(),
            label_of(t, block)
        ),
        (Outcome::Ended { block, .. }, Lang::En) => format!(
            "Test run ended after {} steps at “{}”.",
            t.steps.len(),
            label_of(t, block)
        ),
        (Outcome::Refused { message_de, .. }, Lang::De) => {
            format!("Probelauf abgebrochen – verweigert: {message_de}")
        }
        (Outcome::Refused { message_en, .. }, Lang::En) => {
            format!("Test run stopped – refused: {message_en}")
        }
        (Outcome::Blocked { message_de, .. }, Lang::De) => {
            format!("Probelauf kann nicht weiter: {message_de}")
        }
        (Outcome::Blocked { message_en, .. }, Lang::En) => {
            format!("Test run cannot go on: {message_en}")
        }
    }
}

fn label_of(t: &Trace, id: &BlockId) -> String {
    t.steps
        .iter()
        .rev()
        .find(|s| &s.block == id)
        .map_or_else(|| id.0.clone(), |s| s.label.clone())
}

fn reset(ed: Editor) {
    ed.sim.trace.set(None);
    ed.sim.pos.set(0);
    ed.sim.error.set(None);
}

fn edit_form(ed: Editor, f: impl FnOnce(&mut SimForm)) {
    ed.sim.form.update(f);
    reset(ed);
}

fn save_case(ed: Editor) {
    let sim = ed.sim;
    let built = ed
        .wf
        .with_untracked(|w| sim.form.with_untracked(|f| case_input(w, f)));
    let Ok(input) = built else {
        run(ed, false);
        return;
    };
    let trace = ed.wf.with_untracked(|w| simulate_scripted(w, &input));
    let mut cases = ed.wf.with_untracked(|w| w.test_cases.clone());
    let typed = sim.form.with_untracked(|f| f.name.trim().to_string());
    let name = if typed.is_empty() {
        format!("Probefall {}", cases.len() + 1)
    } else {
        typed
    };
    cases.push(record_test_case(&name, &input, &trace));
    if ed.apply(Op::SetTestCases { cases }) {
        sim.form.update(|f| f.name.clear());
        ed.announce.set(match ed.lang.get_untracked() {
            Lang::De => format!("Probefall „{name}“ gespeichert."),
            Lang::En => format!("Test case “{name}” saved."),
        });
    }
}

fn remove_case(ed: Editor, i: usize) {
    let mut cases = ed.wf.with_untracked(|w| w.test_cases.clone());
    if i < cases.len() {
        let tc = cases.remove(i);
        if ed.apply(Op::SetTestCases { cases }) {
            ed.announce.set(match ed.lang.get_untracked() {
                Lang::De => format!("Probefall „{}“ entfernt.", tc.name),
                Lang::En => format!("Test case “{}” removed.", tc.name),
            });
        }
    }
}

fn run_all(ed: Editor) {
    let results = ed.wf.with_untracked(run_cases);
    let ok = results.iter().filter(|r| r.pass).count();
    ed.announce.set(match ed.lang.get_untracked() {
        Lang::De => format!("{ok} von {} Probefällen bestanden.", results.len()),
        Lang::En => format!("{ok} of {} test cases passed.", results.len()),
    });
}

pub fn toggle(ed: Editor) {
    let open = !ed.sim.open.get_untracked();
    ed.sim.open.set(open);
    if open {
        super::settings::focus_later("sim-title");
    } else {
        reset(ed);
    }
}

/// Form description of one case field: (name, caption, type, enum values).
type FieldRow = (String, String, FieldType, Vec<String>);

#[component]
pub fn ProbelaufPanel() -> impl IntoView {
    let ed = use_editor();
    move || ed.sim.open.get().then(|| panel(ed))
}

fn panel(ed: Editor) -> impl IntoView {
    let sim = ed.sim;
    let t = move |de: &'static str, en: &'static str| {
        move || if ed.lang.get() == Lang::De { de } else { en }
    };
    let fields = Memo::new(move |_| {
        ed.wf.with(|w| {
            w.fields
                .iter()
                .map(|f| {
                    let caption = if f.label.trim().is_empty() {
                        f.name.clone()
                    } else {
                        f.label.clone()
                    };
                    (f.name.clone(), caption, f.field_type, f.values.clone())
                })
                .collect::<Vec<FieldRow>>()
        })
    });
    let roles = Memo::new(move |_| {
        ed.wf.with(|w| {
            w.roles
                .iter()
                .map(|r| (r.id.clone(), r.name.clone()))
                .collect::<Vec<(RoleId, String)>>()
        })
    });
    // Blocks where a person decides: (id, label, ports).
    let deciders = Memo::new(move |_| {
        ed.wf.with(|w| {
            w.blocks
                .iter()
                .filter(|b| !matches!(b.kind, BlockKind::Ende(_)))
                .filter_map(|b| {
                    let ports = decision_ports(&b.kind);
                    (!ports.is_empty()).then(|| (b.id.0.clone(), w.block_label(&b.id), ports))
                })
                .collect::<Vec<_>>()
        })
    });
    let field_input = move |(name, caption, ty, values): FieldRow| {
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
                <select id=id.clone() data-field=name.clone() on:change=move |ev| set(event_target_value(&ev))>
                    <option value="" selected=move || value.get().is_empty()>{move || ed.t(i18n::NONE_OPTION)}</option>
                    <option value="true" selected=move || value.get() == "true">{t("ja", "yes")}</option>
                    <option value="false" selected=move || value.get() == "false">{t("nein", "no")}</option>
                </select>
            }
            .into_any(),
            FieldType::Enum => view! {
                <select id=id.clone() data-field=name.clone() on:change=move |ev| set(event_target_value(&ev))>
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
                <input id=id.clone() type="date" data-field=name.clone() prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
            FieldType::Int => view! {
                <input id=id.clone() type="text" inputmode="numeric" data-field=name.clone() prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
            FieldType::Money => view! {
                <input id=id.clone() type="text" inputmode="decimal" data-field=name.clone() prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
            FieldType::Text => view! {
                <input id=id.clone() type="text" data-field=name.clone() prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev)) />
            }
            .into_any(),
        };
        view! {
            <div class="field">
                <label for=id>{caption}" "<span class="type-hint">"(" {move || ed.t(type_word)} ")"</span></label>
                {input}
            </div>
        }
    };
    let role_input = move |(rid, rname): (RoleId, String)| {
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
    };
    let decider_row = move |(bid, label, ports): (String, String, Vec<String>)| {
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
                            view! { <option value=p.clone() selected=move || choice.get() == p2>{p.clone()}</option> }
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
    };
    let steps = move || {
        let lang = ed.lang.get();
        let p = sim.pos.get();
        sim.trace.with(|t| {
            let Some(t) = t else { return Vec::new() };
            t.steps
                .iter()
                .take(p)
                .enumerate()
                .map(|(i, s)| {
                    let expl = if lang == Lang::De {
                        s.decision.explanation_de.clone()
                    } else {
                        s.decision.explanation_en.clone()
                    };
                    let who = match (&s.person, &s.role_name) {
                        (Some(p), Some(r)) => format!("{p} ({r})"),
                        (Some(p), None) => p.clone(),
                        _ => String::new(),
                    };
                    let dates = if s.entered == s.completed {
                        s.entered.to_string()
                    } else {
                        format!("{} – {}", s.entered, s.completed)
                    };
                    let current = i + 1 == p;
                    view! {
                        <li class="sim-step" class:current=current data-block-id=s.block.0.clone() data-port=s.decision.port.clone().unwrap_or_default()>
                            <span class="sim-step-title">{format!("{}. {}", i + 1, s.label)}</span>
                            <span class="sim-step-meta">{format!("{} · {dates}{}", s.block_type, if who.is_empty() { String::new() } else { format!(" · {who}") })}</span>
                            <span class="sim-step-why">{expl}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let outcome = move || {
        let lang = ed.lang.get();
        let p = sim.pos.get();
        sim.trace.with(|t| {
            let t = t.as_ref()?;
            (p >= t.steps.len()).then(|| {
                let kind = match &t.outcome {
                    Outcome::Ended { .. } => "ended",
                    Outcome::Refused { .. } => "refused",
                    Outcome::Blocked { .. } => "blocked",
                };
                view! {
                    <p id="sim-outcome" class=format!("sim-outcome {kind}") data-outcome=kind>
                        {outcome_text(t, lang)}
                    </p>
                }
            })
        })
    };
    let error = move || {
        sim.error.get().map(|(de, en)| {
            let msg = if ed.lang.get() == Lang::De { de } else { en };
            view! { <p id="sim-error" class="field-error" role="alert">{msg}</p> }
        })
    };
    let results = move || {
        let lang = ed.lang.get();
        sim.results
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let detail = if lang == Lang::De { r.detail_de } else { r.detail_en };
                let word = match (r.pass, lang) {
                    (true, Lang::De) => "✓ bestanden",
                    (false, Lang::De) => "✗ fehlgeschlagen",
                    (true, Lang::En) => "✓ passed",
                    (false, Lang::En) => "✗ failed",
                };
                let name = r.name.clone();
                view! {
                    <li class="testcase" class:pass=r.pass class:fail=!r.pass data-pass=r.pass.to_string()>
                        <span class="tc-name">{r.name}</span>
                        " "
                        <span class="tc-status">{word}</span>
                        <span class="tc-detail">{detail}</span>
                        <button type="button" class="remove" aria-label=move || format!("{} {}", ed.t(i18n::REMOVE), name) on:click=move |_| remove_case(ed, i)>"×"</button>
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };
    let land_options = move || {
        let cur = sim.form.with(|f| f.land);
        Land::ALL
            .iter()
            .map(|&l| {
                let code = format!("{l:?}");
                view! { <option value=code.clone() selected={l == cur}>{l.name_de()}</option> }
            })
            .collect::<Vec<_>>()
    };
    let n_cases = move || ed.wf.with(|w| w.test_cases.len());
    view! {
        <section id="probelauf" aria-labelledby="sim-title">
            <h2 id="sim-title" tabindex="-1">{t("Probelauf", "Test run")}</h2>
            <p class="help">{t(
                "Einen Fall mit erfundenen Werten und Personen durch den Ablauf schicken.",
                "Send a case with made-up values and persons through the workflow.",
            )}</p>
            <fieldset class="field">
                <legend>{t("Falldaten", "Case data")}</legend>
                {move || fields.get().into_iter().map(field_input).collect_view()}
                {move || fields.with(|f| f.is_empty()).then(|| view! { <p class="empty">{t("Der Ablauf deklariert keine Fallvariablen.", "The workflow declares no case fields.")}</p> })}
                <div class="field">
                    <label for="sim-start">{t("Eingangsdatum", "Start date")}</label>
                    <input id="sim-start" type="date" prop:value=move || sim.form.with(|f| f.start_date.clone()) on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit_form(ed, move |f| f.start_date = v);
                    } />
                </div>
                <div class="field">
                    <label for="sim-land">{t("Land (Feiertage)", "Land (public holidays)")}</label>
                    <select id="sim-land" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(l) = Land::ALL.iter().copied().find(|l| format!("{l:?}") == v) {
                            edit_form(ed, move |f| f.land = l);
                        }
                    }>{land_options}</select>
                </div>
            </fieldset>
            <details class="sim-more">
                <summary>{t("Personen je Rolle", "Persons per role")}</summary>
                <p class="help">{t("Erfundene Namen, durch Komma getrennt; leer = Platzhalter.", "Made-up names, comma separated; empty = placeholders.")}</p>
                {move || roles.get().into_iter().map(role_input).collect_view()}
            </details>
            <details class="sim-more">
                <summary>{t("Entscheidungen und Personen je Schritt", "Decisions and persons per step")}</summary>
                {move || deciders.get().into_iter().map(decider_row).collect_view()}
            </details>
            <div class="actions">
                <button type="button" id="btn-sim-step" on:click=move |_| run(ed, true)>{t("Schritt", "Step")}</button>
                <button type="button" id="btn-sim-run" class="primary" on:click=move |_| run(ed, false)>{t("Bis zum Ende", "Run to the end")}</button>
                <button type="button" id="btn-sim-reset" on:click=move |_| reset(ed)>{t("Zurücksetzen", "Reset")}</button>
            </div>
            {error}
            <ol id="sim-steps" aria-label=t("Schritte des Probelaufs", "Steps of the test run")>{steps}</ol>
            {outcome}
            <h3>{t("Probefälle", "Test cases")}</h3>
            <div class="field">
                <label for="sim-case-name">{t("Name des Probefalls", "Name of the test case")}</label>
                <input id="sim-case-name" type="text" prop:value=move || sim.form.with(|f| f.name.clone()) on:change=move |ev| {
                    let v = event_target_value(&ev);
                    sim.form.update(|f| f.name = v);
                } />
            </div>
            <div class="actions">
                <button type="button" id="btn-sim-save" on:click=move |_| save_case(ed)>{t("Als Probefall speichern", "Save as test case")}</button>
                <button type="button" id="btn-sim-run-all" disabled=move || n_cases() == 0 on:click=move |_| run_all(ed)>{t("Alle Probefälle ausführen", "Run all test cases")}</button>
            </div>
            <ul id="testcases" aria-live="polite">{results}</ul>
        </section>
    }
}
