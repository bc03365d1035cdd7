//! Probefälle: saved cases rerun against the current workflow, a regression test for
//! non-programmers.

use serde::Serialize;

use super::{simulate_scripted, Outcome, Trace};
use crate::model::{BlockId, ExpectedOutcome, TestCase, Workflow};

/// The result of rerunning one saved case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestCaseResult {
    pub name: String,
    pub passed: bool,
    /// Why it failed (empty when passed).
    pub message_de: String,
    pub message_en: String,
    pub route: Vec<BlockId>,
}

fn outcome_kind(o: &Outcome) -> ExpectedOutcome {
    match o {
        Outcome::Ended { .. } => ExpectedOutcome::Ended,
        Outcome::Refused { .. } => ExpectedOutcome::Refused,
        Outcome::Blocked { .. } => ExpectedOutcome::Blocked,
    }
}

fn outcome_de(o: ExpectedOutcome) -> &'static str {
    match o {
        ExpectedOutcome::Ended => "endet regulär",
        ExpectedOutcome::Refused => "wird abgewiesen",
        ExpectedOutcome::Blocked => "bleibt stecken",
    }
}

fn outcome_en(o: ExpectedOutcome) -> &'static str {
    match o {
        ExpectedOutcome::Ended => "ends normally",
        ExpectedOutcome::Refused => "is refused",
        ExpectedOutcome::Blocked => "gets stuck",
    }
}

/// Records `trace` as a test case named `name`: the route and outcome it took become the
/// expectation.
pub fn record_test_case(name: &str, case: &super::CaseInput, trace: &Trace) -> TestCase {
    TestCase {
        name: name.to_string(),
        case: case.clone(),
        expect_route: trace.steps.iter().map(|s| s.block.clone()).collect(),
        expect_outcome: outcome_kind(&trace.outcome),
    }
}

/// Reruns `tc` against `w`: it passes when the route and the kind of outcome are unchanged.
pub fn run_test_case(w: &Workflow, tc: &TestCase) -> TestCaseResult {
    let trace = simulate_scripted(w, &tc.case);
    let route: Vec<BlockId> = trace.steps.iter().map(|s| s.block.clone()).collect();
    let got = outcome_kind(&trace.outcome);
    let (message_de, message_en) = if got != tc.expect_outcome {
        (
            format!(
                "Erwartet: Fall {}; jetzt: Fall {} ({}).",
                outcome_de(tc.expect_outcome),
                outcome_de(got),
                outcome_message_de(&trace.outcome)
            ),
            format!(
                "Expected: case {}; now: case {}.",
                outcome_en(tc.expect_outcome),
                outcome_en(got)
            ),
        )
    } else if route != tc.expect_route {
        let at = route
            .iter()
            .zip(&tc.expect_route)
            .position(|(a, b)| a != b)
            .unwrap_or(route.len().min(tc.expect_route.len()));
        let label = |id: Option<&BlockId>, none: &str| match id {
            Some(id) => w
                .block(id)
                .map(|b| format!("„{}“", b.label))
                .unwrap_or_else(|| format!("„{}“", id.as_str())),
            None => none.to_string(),
        };
        let (expected, now) = (tc.expect_route.get(at), route.get(at));
        (
            format!(
                "Weg weicht bei Schritt {} ab: erwartet {}, jetzt {}.",
                at + 1,
                label(expected, "Wegende"),
                label(now, "Wegende")
            ),
            format!(
                "Route differs at step {}: expected {}, now {}.",
                at + 1,
                label(expected, "end of route"),
                label(now, "end of route")
            ),
        )
    } else {
        (String::new(), String::new())
    };
    TestCaseResult {
        name: tc.name.clone(),
        passed: message_de.is_empty(),
        message_de,
        message_en,
        route,
    }
}

fn outcome_message_de(o: &Outcome) -> String {
    match o {
        Outcome::Ended { block, .. } => format!("Ende bei {}", block.as_str()),
        Outcome::Refused { message_de, .. } | Outcome::Blocked { message_de, .. } => {
            message_de.clone()
        }
    }
}

/// Reruns every saved case of `w`.
pub fn run_test_cases(w: &Workflow) -> Vec<TestCaseResult> {
    w.test_cases.iter().map(|tc| run_test_case(w, tc)).collect()
}
