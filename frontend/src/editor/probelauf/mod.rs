//! "Probelauf": run one case through the workflow with `fachwerk_shared::simulate`, step by
//! step, with the taken path on the canvas; save cases as Probefälle and rerun them after every
//! edit.

mod form;
mod trace;

use fachwerk_shared::simulate::{decision_ports, record_test_case, simulate_scripted, Land, Trace};
use fachwerk_shared::{BlockKind, FieldType, Op, RoleId, Workflow};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{use_editor, Editor};
use crate::i18n::Lang;
use crate::pure::probelauf::{
    case_input, first_missing, marks, outcome_text, run_cases, CaseResult, SimForm, SimMarks,
};

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
            trace.with(|t| match t {
                Some(t) => wf.with(|w| marks(w, t, p)),
                None => SimMarks::default(),
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
            // The field the message names gets the focus.
            let missing = ed
                .wf
                .with_untracked(|w| sim.form.with_untracked(|f| first_missing(w, f)));
            if let Some(name) = missing {
                request_animation_frame(move || {
                    if let Some(el) = document()
                        .get_element_by_id(&format!("sim-field-{name}"))
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                });
            }
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
            Lang::En => format!("Step {pos} of {n}: {} – {expl}", s.label_en),
        }
    };
    if let Some(cur) = trace.steps.get(pos.saturating_sub(1)) {
        super::commands::ensure_visible(ed, &cur.block);
    }
    sim.trace.set(Some(trace));
    sim.pos.set(pos);
    ed.announce.set(msg);
}

fn reset(ed: Editor) {
    ed.sim.trace.set(None);
    ed.sim.pos.set(0);
    ed.sim.error.set(None);
}

pub(super) fn edit_form(ed: Editor, f: impl FnOnce(&mut SimForm)) {
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

pub(super) fn remove_case(ed: Editor, i: usize) {
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

/// A UI text in the current language (tracked).
fn text(ed: Editor, de: &'static str, en: &'static str) -> impl Fn() -> &'static str + Copy {
    move || if ed.lang.get() == Lang::De { de } else { en }
}

/// Form description of one case field: (name, caption, type, enum values, required).
pub(super) type FieldRow = (String, String, FieldType, Vec<String>, bool);

#[component]
pub fn ProbelaufPanel() -> impl IntoView {
    let ed = use_editor();
    move || ed.sim.open.get().then(|| panel(ed))
}

fn panel(ed: Editor) -> impl IntoView {
    let sim = ed.sim;
    let t = move |de: &'static str, en: &'static str| text(ed, de, en);
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
                    (
                        f.name.clone(),
                        caption,
                        f.field_type,
                        f.values.clone(),
                        f.required,
                    )
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
                    (!ports.is_empty()).then(|| (b.id.0.clone(), b.id.clone(), ports))
                })
                .collect::<Vec<_>>()
        })
    });
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
                {move || fields.with(|f| f.iter().any(|r| r.4)).then(|| view! {
                    <p class="hint" id="sim-required-note">
                        <span class="required-mark" aria-hidden="true">"* "</span>
                        {t("Pflichtfeld", "required")}
                    </p>
                })}
                {move || fields.get().into_iter().map(|row| form::field_input(ed, row)).collect_view()}
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
                {move || roles.get().into_iter().map(|role| form::role_input(ed, role)).collect_view()}
            </details>
            <details class="sim-more">
                <summary>{t("Entscheidungen und Personen je Schritt", "Decisions and persons per step")}</summary>
                {move || deciders.get().into_iter().map(|d| form::decider_row(ed, d)).collect_view()}
            </details>
            <div class="actions">
                <button type="button" id="btn-sim-step" on:click=move |_| run(ed, true)>{t("Schritt", "Step")}</button>
                <button type="button" id="btn-sim-run" class="primary" on:click=move |_| run(ed, false)>{t("Bis zum Ende", "Run to the end")}</button>
                <button type="button" id="btn-sim-reset" on:click=move |_| reset(ed)>{t("Zurücksetzen", "Reset")}</button>
            </div>
            {trace::error(ed)}
            <ol id="sim-steps" aria-label=t("Schritte des Probelaufs", "Steps of the test run")>{trace::steps(ed)}</ol>
            {trace::outcome(ed)}
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
            <ul id="testcases" aria-live="polite">{trace::results(ed)}</ul>
        </section>
    }
}
