//! The Probelauf's pure parts: the form as typed, turning it into a case, the canvas marks of
//! a trace, the sentences of an outcome and the verdicts of the saved Probefälle.

use std::collections::{BTreeMap, HashSet};

use fachwerk_shared::simulate::{run_test_cases, CaseInput, Land, Outcome, Trace};
use fachwerk_shared::{BlockId, EdgeId, FieldType, Money, Workflow};

use crate::i18n::Lang;

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

/// Result of rerunning one saved Probefall (the worker's reply to `Job::RunCases`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseResult {
    pub name: String,
    pub pass: bool,
    pub detail_de: String,
    pub detail_en: String,
}

/// What the canvas highlights after the first `pos` steps of `trace`.
pub fn marks(w: &Workflow, trace: &Trace, pos: usize) -> SimMarks {
    let shown = &trace.steps[..pos.min(trace.steps.len())];
    let mut m = SimMarks {
        visited: shown.iter().map(|s| s.block.clone()).collect(),
        ..Default::default()
    };
    m.current = if pos >= trace.steps.len() && !matches!(trace.outcome, Outcome::Ended { .. }) {
        Some(trace.outcome.block().clone())
    } else {
        shown.last().map(|s| s.block.clone())
    };
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
    m
}

/// Reruns every saved Probefall against the workflow (shared's verdicts, in the UI's form).
/// It runs the simulation engine: only the worker calls it (`jobs::run`, `Job::RunCases`).
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

/// The first required case field the form leaves empty (its name).
pub fn first_missing(w: &Workflow, f: &SimForm) -> Option<String> {
    w.fields
        .iter()
        .find(|field| {
            field.required
                && f.fields
                    .get(&field.name)
                    .is_none_or(|v| v.trim().is_empty())
        })
        .map(|field| field.name.clone())
}

/// Builds the case input from the form; Err = (German, English) message, naming a field by its
/// label as the form shows it (never by its internal key).
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
        if field.required && raw.is_empty() {
            return Err((
                format!("„{label}“ ist ein Pflichtfeld – bitte ausfüllen."),
                format!("“{label}” is required – please fill it in."),
            ));
        }
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

/// The end of a run as a sentence.
pub fn outcome_text(t: &Trace, lang: Lang) -> String {
    match (&t.outcome, lang) {
        (Outcome::Ended { block, .. }, Lang::De) => format!(
            "Probelauf beendet nach {} bei „{}“.",
            crate::i18n::count_noun(t.steps.len(), "Schritt", "Schritten"),
            label_of(t, block, Lang::De)
        ),
        (Outcome::Ended { block, .. }, Lang::En) => format!(
            "Test run ended after {} at “{}”.",
            crate::i18n::count_noun(t.steps.len(), "step", "steps"),
            label_of(t, block, Lang::En)
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

fn label_of(t: &Trace, id: &BlockId, lang: Lang) -> String {
    t.steps.iter().rev().find(|s| &s.block == id).map_or_else(
        || id.0.clone(),
        |s| match lang {
            Lang::De => s.label.clone(),
            Lang::En => s.label_en.clone(),
        },
    )
}

#[cfg(test)]
mod tests {
    use fachwerk_shared::parse_workflow;
    use fachwerk_shared::simulate::simulate_scripted;

    use super::*;

    fn template() -> Workflow {
        parse_workflow(include_str!("../../../workflows/beschaffung.json")).expect("template")
    }

    #[test]
    fn an_unreadable_amount_names_the_field() {
        let w = template();
        let money = w
            .fields
            .iter()
            .find(|f| f.field_type == FieldType::Money)
            .expect("a money field");
        let mut form = SimForm::default();
        for f in w.fields.iter().filter(|f| f.required) {
            form.fields.insert(f.name.clone(), "x".into());
        }
        form.fields.insert(money.name.clone(), "zwölf".into());
        let (de, en) = case_input(&w, &form).expect_err("not an amount");
        assert!(
            de.contains(&money.label) || de.contains(&money.name),
            "{de}"
        );
        assert!(en.contains("not an amount (zwölf)"), "{en}");
        form.fields.insert(money.name.clone(), "1.500,50".into());
        let input = case_input(&w, &form).expect("an amount");
        assert_eq!(input.fields[&money.name], serde_json::json!("1500.50"));
    }

    #[test]
    fn a_missing_required_field_is_named_by_its_label() {
        let w = template();
        let money = w
            .fields
            .iter()
            .find(|f| f.required && f.field_type == FieldType::Money)
            .expect("a required money field");
        let mut form = SimForm::default();
        for f in &w.fields {
            form.fields.insert(f.name.clone(), "x".into());
        }
        form.fields.insert(money.name.clone(), "  ".into());
        assert_eq!(first_missing(&w, &form), Some(money.name.clone()));
        let (de, en) = case_input(&w, &form).expect_err("a required field is empty");
        assert_eq!(
            de,
            format!("„{}“ ist ein Pflichtfeld – bitte ausfüllen.", money.label)
        );
        assert!(en.contains(&money.label), "{en}");
        assert!(!de.contains(&money.name) && !en.contains(&money.name));
        form.fields.insert(money.name.clone(), "800".into());
        assert_eq!(first_missing(&w, &form), None);
        assert!(case_input(&w, &form).is_ok());
    }

    #[test]
    fn marks_follow_the_steps_shown() {
        let w = template();
        let mut form = SimForm {
            start_date: "2026-03-02".into(),
            ..Default::default()
        };
        for f in &w.fields {
            let value = match f.field_type {
                FieldType::Money => "1000".to_string(),
                FieldType::Int => "1".into(),
                FieldType::Bool => "false".into(),
                FieldType::Date => "2026-03-02".into(),
                FieldType::Enum => f.values.first().cloned().unwrap_or_default(),
                FieldType::Text => "x".into(),
            };
            form.fields.insert(f.name.clone(), value);
        }
        let input = case_input(&w, &form).expect("a filled form");
        let trace = simulate_scripted(&w, &input);
        assert!(trace.steps.len() >= 2, "{trace:?}");
        let first = marks(&w, &trace, 1);
        assert_eq!(first.current.as_ref(), Some(&trace.steps[0].block));
        assert!(first.edges.is_empty());
        let all = marks(&w, &trace, trace.steps.len());
        assert_eq!(all.visited.len(), {
            let ids: HashSet<_> = trace.steps.iter().map(|s| &s.block).collect();
            ids.len()
        });
        assert!(!all.edges.is_empty());
        assert_eq!(marks(&w, &trace, 0), SimMarks::default());
    }
}
