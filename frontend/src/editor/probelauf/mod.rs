//! "Probelauf": run one case through the workflow with `fachwerk_shared::simulate`, step by
//! step, with the taken path on the canvas; save cases as Probefälle and rerun them after every
//! edit. The simulation runs in the Web Worker (`run.rs`).

mod form;
mod run;
mod trace;

use fachwerk_shared::simulate::{decision_ports, Land, Trace};
use fachwerk_shared::{BlockKind, FieldType, Op, RoleId, Workflow};
use leptos::prelude::*;

use self::run::{reset, run, run_all, save_case};
use super::{use_editor, Editor};
use crate::i18n::Lang;
use crate::pure::probelauf::{marks, CaseResult, SimForm, SimMarks};

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
    /// A case run is in the worker.
    pub running: RwSignal<bool>,
    /// The verdicts of the saved Probefälle (the worker's last rerun).
    pub results: RwSignal<Vec<CaseResult>>,
    /// A rerun is pending: the verdicts shown are not yet those of the workflow.
    pub results_pending: RwSignal<bool>,
    /// Why the saved Probefälle could not be rerun (German, English).
    pub results_error: RwSignal<Option<(String, String)>>,
    runs: StoredValue<run::Runs>,
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
            running: RwSignal::new(false),
            results: RwSignal::new(Vec::new()),
            results_pending: RwSignal::new(false),
            results_error: RwSignal::new(None),
            runs: StoredValue::new(run::Runs::default()),
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

pub(super) fn edit_form(ed: Editor, f: impl FnOnce(&mut SimForm)) {
    ed.sim.form.update(f);
    reset(ed);
}

/// Removes the saved case `i`, if it is still the one named `name` (the verdicts shown may be
/// those of a rerun still pending).
pub(super) fn remove_case(ed: Editor, i: usize, name: &str) {
    let mut cases = ed.wf.with_untracked(|w| w.test_cases.clone());
    if cases.get(i).is_some_and(|tc| tc.name == name) {
        let tc = cases.remove(i);
        if ed.apply(Op::SetTestCases { cases }) {
            ed.announce.set(match ed.lang.get_untracked() {
                Lang::De => format!("Probefall „{}“ entfernt.", tc.name),
                Lang::En => format!("Test case “{}” removed.", tc.name),
            });
        }
    }
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
    let parts = crate::on_demand::use_parts();
    move || {
        ed.sim
            .open
            .get()
            .then(|| parts.show(|p| (p.probelauf_panel)(ed)))
    }
}

/// The panel's view (loaded on demand, `crate::on_demand`).
pub fn panel(ed: Editor) -> AnyView {
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
    // The saved cases are rerun (in the worker) whenever the workflow changes.
    Effect::new(move |_| {
        ed.wf.track();
        run::cases_changed(ed);
    });
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
                <button type="button" id="btn-sim-run" class="primary" on:click=move |ev| if ev.detail() < 2 { run(ed, false) }>{t("Bis zum Ende", "Run to the end")}</button>
                <button type="button" id="btn-sim-reset" on:click=move |_| reset(ed)>{t("Zurücksetzen", "Reset")}</button>
            </div>
            {trace::error(ed)}
            <ol id="sim-steps" aria-label=t("Schritte des Probelaufs", "Steps of the test run") aria-busy=move || sim.running.get().then_some("true")>{trace::steps(ed)}</ol>
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
                <button type="button" id="btn-sim-save" on:click=move |ev| if ev.detail() < 2 { save_case(ed) }>{t("Als Probefall speichern", "Save as test case")}</button>
                <button type="button" id="btn-sim-run-all" disabled=move || n_cases() == 0 on:click=move |ev| if ev.detail() < 2 { run_all(ed) }>{t("Alle Probefälle ausführen", "Run all test cases")}</button>
            </div>
            {trace::results_error(ed)}
            <ul id="testcases" aria-live="polite" aria-busy=move || sim.results_pending.get().then_some("true")>{trace::results(ed)}</ul>
        </section>
    }
    .into_any()
}
