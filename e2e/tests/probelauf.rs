//! Issue #9: the Probelauf panel. Opens the procurement template, runs it at 800 €, 12.400 € and
//! 80.000 € and compares the routes shown (list and canvas) with `simulate_scripted` computed
//! natively; steps one at a time; shows a refusal; saves a Probefall and sees the saved cases
//! rerun after an edit.

use std::collections::BTreeSet;
use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::parse_workflow;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Outcome, Trace};

const GEGENSTAND: &str = "Aktenvernichter";
const HAUSHALT: &str = "1.11.01/783100";

fn native(w: &fachwerk_shared::Workflow, start: &str, amount: &str) -> (CaseInput, Trace) {
    let mut input = CaseInput {
        start_date: start.to_string(),
        ..Default::default()
    };
    input.fields.insert("betragNetto".into(), amount.into());
    input.fields.insert("gegenstand".into(), GEGENSTAND.into());
    input
        .fields
        .insert("haushaltsstelle".into(), HAUSHALT.into());
    let t = simulate_scripted(w, &input);
    (input, t)
}

async fn type_into(s: &Session, css: &str, text: &str) -> anyhow::Result<()> {
    let el = s.wait_for(css).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    el.send_keys(Key::Tab).await?;
    Ok(())
}

/// The block ids of the steps listed in the panel.
async fn shown_route(s: &Session) -> anyhow::Result<Vec<String>> {
    let mut v = Vec::new();
    for li in s.driver.find_all(By::Css("#sim-steps li.sim-step")).await? {
        v.push(li.attr("data-block-id").await?.unwrap_or_default());
    }
    Ok(v)
}

async fn run_to_end(s: &Session) -> anyhow::Result<String> {
    s.driver.find(By::Id("btn-sim-run")).await?.click().await?;
    let outcome = s.wait_for("#sim-outcome").await?;
    Ok(outcome.attr("data-outcome").await?.unwrap_or_default())
}

async fn pass_flags(s: &Session) -> anyhow::Result<Vec<String>> {
    let mut v = Vec::new();
    for li in s.driver.find_all(By::Css("#testcases li.testcase")).await? {
        v.push(li.attr("data-pass").await?.unwrap_or_default());
    }
    Ok(v)
}

async fn wait_flags(s: &Session, want: &[&str]) -> anyhow::Result<()> {
    let mut got = Vec::new();
    for _ in 0..100 {
        got = pass_flags(s).await?;
        if got == want {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("test case flags {got:?}, wanted {want:?}")
}

#[tokio::test]
async fn probelauf_three_amounts_three_routes() -> anyhow::Result<()> {
    let path = workspace().join("workflows/beschaffung.json");
    let w = parse_workflow(&std::fs::read_to_string(&path)?)?;
    let s = Session::start().await?;
    s.open("/").await?;
    let d = &s.driver;
    s.open_workflow_file(&path, w.blocks.len()).await?;

    d.find(By::Id("btn-probelauf")).await?.click().await?;
    s.wait_for("#probelauf").await?;
    let start = d
        .find(By::Id("sim-start"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(start.len(), 10, "start date {start:?}");
    type_into(&s, "#sim-field-gegenstand", GEGENSTAND).await?;
    type_into(&s, "#sim-field-haushaltsstelle", HAUSHALT).await?;

    let mut routes = Vec::new();
    for (typed, canonical) in [
        ("800", "800.00"),
        ("12.400", "12400.00"),
        ("80.000,00", "80000.00"),
    ] {
        type_into(&s, "#sim-field-betragNetto", typed).await?;
        let outcome = run_to_end(&s).await?;
        let (_, t) = native(&w, &start, canonical);
        let want: Vec<String> = t.route().iter().map(|x| x.to_string()).collect();
        let got = shown_route(&s).await?;
        assert_eq!(got, want, "route at {typed} €");
        assert_eq!(outcome, "ended", "outcome at {typed} €: {:?}", t.outcome);
        // The router's decision is explained in German, as the engine words it.
        let router = t
            .steps
            .iter()
            .find(|st| st.block.as_str() == "wertgrenze")
            .expect("the route passes the Wertgrenzen-Weiche");
        let why = d
            .find(By::Css(
                "#sim-steps li.sim-step[data-block-id='wertgrenze'] .sim-step-why",
            ))
            .await?
            .text()
            .await?;
        assert_eq!(why, router.decision.explanation_de);
        // The taken path is highlighted on the canvas.
        let visited: BTreeSet<String> = want.iter().cloned().collect();
        let mut lit = BTreeSet::new();
        for g in d.find_all(By::Css("#canvas g.block.sim-visited")).await? {
            lit.insert(g.attr("data-block-id").await?.unwrap_or_default());
        }
        assert_eq!(lit, visited, "highlighted blocks at {typed} €");
        let taken = d.find_all(By::Css("#canvas g.edge.sim-taken")).await?.len();
        assert_eq!(taken, want.len() - 1, "highlighted edges at {typed} €");
        if typed == "12.400" {
            s.screenshot("probelauf-12400").await?;
        }
        routes.push(got);
    }
    assert_ne!(routes[0], routes[1]);
    assert_ne!(routes[1], routes[2]);
    assert_ne!(routes[0], routes[2]);

    // Step by step: the current step glows on the canvas.
    d.find(By::Id("btn-sim-reset")).await?.click().await?;
    d.find(By::Id("btn-sim-step")).await?.click().await?;
    let cur = s.wait_for("#canvas g.block.sim-current").await?;
    assert_eq!(cur.attr("data-block-id").await?.as_deref(), Some("start"));
    d.find(By::Id("btn-sim-step")).await?.click().await?;
    d.query(By::Css(
        "#canvas g.block.sim-current[data-block-id='bedarf-pruefen']",
    ))
    .wait(Duration::from_secs(5), Duration::from_millis(50))
    .first()
    .await?;
    assert_eq!(shown_route(&s).await?, vec!["start", "bedarf-pruefen"]);
    let status = d.find(By::Id("status-message")).await?.text().await?;
    assert!(status.starts_with("Schritt 2 von"), "status {status:?}");

    // A refusal: the same person checks the price comparison she made herself.
    type_into(&s, "#sim-field-betragNetto", "12.400").await?;
    for summary in d.find_all(By::Css("#probelauf details > summary")).await? {
        summary.click().await?;
    }
    type_into(&s, "#sim-persons-R-SB", "Erika Mustermann").await?;
    type_into(&s, "#sim-persons-R-FBL", "Erika Mustermann, Max Mustermann").await?;
    type_into(&s, "#sim-actor-preis-pruefen", "Erika Mustermann").await?;
    let outcome = run_to_end(&s).await?;
    assert_eq!(outcome, "refused");
    let mut input = native(&w, &start, "12400.00").0;
    input
        .persons
        .insert("R-SB".into(), vec!["Erika Mustermann".into()]);
    input.persons.insert(
        "R-FBL".into(),
        vec!["Erika Mustermann".into(), "Max Mustermann".into()],
    );
    input
        .actors
        .insert("preis-pruefen".into(), "Erika Mustermann".into());
    let t = simulate_scripted(&w, &input);
    let Outcome::Refused { message_de, .. } = &t.outcome else {
        panic!("native run not refused: {:?}", t.outcome);
    };
    let text = d.find(By::Id("sim-outcome")).await?.text().await?;
    assert!(
        text.contains("verweigert") && text.contains(message_de.as_str()),
        "{text:?} vs {message_de:?}"
    );
    let cur = d.find(By::Css("#canvas g.block.sim-current")).await?;
    assert_eq!(
        cur.attr("data-block-id").await?.as_deref(),
        Some("preis-pruefen")
    );
    s.screenshot("probelauf-verweigert").await?;

    // Saved cases: the template ships some; save one more, all pass.
    let shipped = w.test_cases.len();
    wait_flags(&s, &vec!["true"; shipped]).await?;
    type_into(&s, "#sim-case-name", "Verweigert: Preisprüfung durch Erika").await?;
    d.find(By::Id("btn-sim-save")).await?.click().await?;
    wait_flags(&s, &vec!["true"; shipped + 1]).await?;
    let names = d.find(By::Id("testcases")).await?.text().await?;
    assert!(names.contains("Verweigert: Preisprüfung durch Erika"));

    // An edit reruns them: without the direct order block the 800 € case fails.
    let block = d
        .find(By::Css(
            "#canvas g.block[data-block-id='direktauftrag-erteilen'] .block-body",
        ))
        .await?;
    block.click().await?;
    d.action_chain().send_keys(Key::Delete).perform().await?;
    s.wait_blocks(w.blocks.len() - 1).await?;
    let mut want: Vec<&str> = w
        .test_cases
        .iter()
        .map(|tc| {
            if tc
                .expect_route
                .iter()
                .any(|b| b.as_str() == "direktauftrag-erteilen")
            {
                "false"
            } else {
                "true"
            }
        })
        .collect();
    want.push("true");
    assert!(
        want.contains(&"false"),
        "a shipped case uses the direct order"
    );
    wait_flags(&s, &want).await?;
    d.find(By::Id("btn-sim-run-all")).await?.click().await?;
    let status = d.find(By::Id("status-message")).await?.text().await?;
    assert!(status.contains("Probefällen bestanden"), "{status:?}");
    // Undo the deletion: all pass again.
    d.find(By::Id("btn-undo")).await?.click().await?;
    wait_flags(&s, &vec!["true"; shipped + 1]).await?;

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
