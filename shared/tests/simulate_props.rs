//! Property: on a VALID workflow (generate::synthetic of many sizes and seeds, and every
//! template) any case input with random field values, staffing, forced persons and decisions
//! ends in an Ende, or is refused / blocked only for a reason that depends on the case (person
//! rules, staffing, a missing optional value) — never for a structural reason (unwired port,
//! unknown role, no matching band, unexecutable block). A structural block here is a validation
//! bug; the failure message prints the workflow and the case to reproduce it.
#![allow(clippy::unwrap_used)]

mod random_cases;

use fachwerk_shared::generate::synthetic;
use fachwerk_shared::model::*;
use fachwerk_shared::simulate::*;
use proptest::prelude::*;
use random_cases::{random_case, templates, valid};

/// Checks the trace's shape: consecutive steps follow edges, dates never go back, an Ended
/// outcome matches the last step.
fn check_shape(w: &Workflow, t: &Trace) -> Result<(), String> {
    let start = w
        .blocks
        .iter()
        .find(|b| b.block_type() == BlockType::Start)
        .unwrap();
    if t.steps.first().map(|s| &s.block) != Some(&start.id) {
        return Err("does not begin at the Start".into());
    }
    let mut expected: Option<BlockId> = None;
    let mut last_done = None;
    for s in &t.steps {
        let b = w.block(&s.block).ok_or("unknown block in trace")?;
        if s.entered > s.completed {
            return Err(format!("{} completed before it was entered", s.block));
        }
        let is_escalation = b.block_type() == BlockType::Eskalation;
        if !is_escalation {
            if let Some(x) = expected.take() {
                if x != s.block {
                    return Err(format!("{} follows, but the edge leads to {x}", s.block));
                }
            }
            if last_done.is_some_and(|d| s.entered < d) {
                return Err(format!(
                    "{} entered before the previous step was done",
                    s.block
                ));
            }
            last_done = Some(s.completed);
        }
        if let Some(port) = &s.decision.port {
            expected = w
                .outgoing(&s.block)
                .find(|e| &e.port == port)
                .map(|e| e.to.clone());
            if is_escalation {
                last_done = Some(s.completed);
            }
        }
    }
    if let Outcome::Ended { block, result } = &t.outcome {
        let last = t.steps.last().ok_or("no steps")?;
        match w.block(block).map(|b| &b.kind) {
            Some(BlockKind::Ende(p)) if &last.block == block && p.result == *result => {}
            _ => return Err("Ended does not match the last step".into()),
        }
    }
    let veraktungen = t
        .steps
        .iter()
        .filter(|s| {
            matches!(
                w.block(&s.block).map(|b| b.block_type()),
                Some(BlockType::Veraktung)
            )
        })
        .count();
    if t.xdomea.iter().filter(|m| m.code == "0605").count() != veraktungen {
        return Err("one 0605 per Veraktung expected".into());
    }
    serde_json::to_string(t).map_err(|e| e.to_string())?;
    Ok(())
}

fn check(w: &Workflow, case: &CaseInput, clean: bool) -> Result<(), TestCaseError> {
    let t = simulate_scripted(w, case);
    let show = || {
        format!(
            "workflow {} ({} blocks), case:\n{}\n{}",
            w.key,
            w.blocks.len(),
            serde_json::to_string(case).unwrap(),
            t.render_de()
        )
    };
    if let Err(e) = check_shape(w, &t) {
        return Err(TestCaseError::fail(format!("{e}\n{}", show())));
    }
    match &t.outcome {
        Outcome::Ended { .. } => {}
        Outcome::Refused { code, .. } => prop_assert!(
            !clean,
            "refused ({code:?}) with default staffing\n{}",
            show()
        ),
        Outcome::Blocked { code, .. } => {
            prop_assert!(
                !code.is_structural(),
                "STRUCTURAL block on a valid workflow (validation bug?)\n{}",
                show()
            );
            prop_assert!(
                *code != BlockedCode::InvalidInput,
                "generated input rejected\n{}",
                show()
            );
            prop_assert!(
                *code != BlockedCode::StepLimit,
                "step limit with bounded choices\n{}",
                show()
            );
            if clean {
                prop_assert!(
                    *code == BlockedCode::MissingValue,
                    "blocked ({code:?}) with default staffing\n{}",
                    show()
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn synthetic_workflows_end_or_stop_for_case_reasons(n in 3usize..80, wseed in 0u64..10_000, cseed: u64, clean: bool) {
        let w = synthetic(n, wseed);
        prop_assume!(valid(&w));
        check(&w, &random_case(&w, cseed, clean), clean)?;
    }

    #[test]
    fn templates_end_or_stop_for_case_reasons(which in 0usize..64, cseed: u64, clean: bool) {
        let all = templates();
        let w = &all[which % all.len()];
        check(w, &random_case(w, cseed, clean), clean)?;
    }
}

/// Generated workflows must be valid in the first place (else the property above skips them).
#[test]
fn synthetic_workflows_are_valid() {
    let mut invalid = Vec::new();
    for n in [3, 5, 10, 25, 60, 150] {
        for seed in 0..20 {
            let w = synthetic(n, seed);
            if !valid(&w) {
                invalid.push(format!("synthetic({n}, {seed})"));
            }
        }
    }
    assert!(invalid.is_empty(), "{invalid:?}");
}

/// Large synthetic workflows run to an Ende with default staffing and random decisions.
#[test]
fn default_runs_of_large_synthetic_workflows_end() {
    for seed in 0..30 {
        let w = synthetic(120, seed);
        let case = random_case(&w, seed, true);
        let t = simulate_scripted(&w, &case);
        assert!(
            matches!(t.outcome, Outcome::Ended { .. }),
            "synthetic(120, {seed}): {:?}\n{}",
            t.outcome,
            t.render_de()
        );
    }
}
