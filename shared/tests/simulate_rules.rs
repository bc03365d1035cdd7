//! Probelauf rules: Mitzeichnung modes, delivery and deadlines, input errors, the step limit
//! (custom `Decisions`), the JSON form. Person rules: simulate_persons.rs.
#![allow(clippy::unwrap_used)]

mod common;

use common::template;

use fachwerk_shared::model::*;
use fachwerk_shared::simulate::*;
use fachwerk_shared::values::Money;
use fachwerk_shared::{parse_workflow, validate, Finding};
use serde_json::{json, Value};

fn input(v: Value) -> CaseInput {
    serde_json::from_value(v).unwrap()
}

fn beschaffung(amount: &str, extra: Value) -> CaseInput {
    let mut v = json!({
        "startDate": "2026-12-01",
        "fields": {"betragNetto": amount, "gegenstand": "Drucker", "haushaltsstelle": "1.11.01"},
        "persons": {"R-SB": ["Frau Meier", "Herr Schulz"], "R-FBL": ["Frau Meier", "Frau Yilmaz"], "R-BEDARF": ["Herr Klein"]}
    });
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input(v)
}

#[track_caller]
fn blocked(t: &Trace) -> (&str, BlockedCode, &str) {
    match &t.outcome {
        Outcome::Blocked {
            block,
            code,
            message_de,
            ..
        } => (block.as_str(), *code, message_de.as_str()),
        other => panic!("expected a block, got {other:?}\n{}", t.render_de()),
    }
}

#[track_caller]
fn ended(t: &Trace) {
    assert!(
        matches!(t.outcome, Outcome::Ended { .. }),
        "{:?}\n{}",
        t.outcome,
        t.render_de()
    );
}

#[test]
fn mitzeichnung_parallel_veto_cancels_open_participations() {
    let w = template("beschaffung");
    let t = simulate_scripted(
        &w,
        &beschaffung(
            "80000",
            json!({"choices": {"mitzeichnung": ["veto"]}, "durations": {"mitzeichnung#2": 5}}),
        ),
    );
    ended(&t);
    let gg: Vec<(&str, GgStatus, &str)> = t
        .geschaeftsgang
        .iter()
        .filter(|g| g.block.as_str() == "mitzeichnung")
        .map(|g| {
            (
                g.person.as_deref().unwrap_or("-"),
                g.status,
                g.vermerk.as_str(),
            )
        })
        .collect();
    assert_eq!(
        gg[0],
        (
            "Zentrale Vergabestelle 1",
            GgStatus::Erledigt,
            "Nichtmitzeichnung (Veto)"
        )
    );
    assert_eq!(
        gg[1],
        ("Kämmerei 1", GgStatus::Entfallen, "Beteiligung abgebrochen")
    );
    let step = t
        .steps
        .iter()
        .find(|s| s.block.as_str() == "mitzeichnung")
        .unwrap();
    assert_eq!(step.decision.port.as_deref(), Some("veto"));
    // Entered Fri 04.12., the veto comes after one working day; the Kämmerei (5 days) is cancelled.
    assert_eq!(
        (step.entered.to_string(), step.completed.to_string()),
        ("2026-12-04".into(), "2026-12-07".into())
    );
}

fn step_index(t: &Trace, id: &str) -> usize {
    t.steps.iter().position(|s| s.block.as_str() == id).unwrap()
}

fn with_mitzeichnung(w: &mut Workflow, f: impl FnOnce(&mut MitzeichnungParams)) {
    let b = w.block_mut(&BlockId::new("mitzeichnung")).unwrap();
    if let BlockKind::Mitzeichnung(p) = &mut b.kind {
        f(p);
    }
}

#[test]
fn mitzeichnung_sequential_and_quorum() {
    let mut w = template("beschaffung");
    with_mitzeichnung(&mut w, |p| p.mode = MitzeichnungMode::Sequential);
    let t = simulate_scripted(
        &w,
        &beschaffung(
            "80000",
            json!({"choices": {"mitzeichnung": ["veto:2", "ok"]}}),
        ),
    );
    ended(&t);
    let first: Vec<&GeschaeftsgangEntry> = t
        .geschaeftsgang
        .iter()
        .filter(|g| g.block.as_str() == "mitzeichnung")
        .take(2)
        .collect();
    assert_eq!(
        (first[0].status, first[1].status),
        (GgStatus::Erledigt, GgStatus::Entfallen)
    );
    assert_eq!(first[1].person, None, "a later participant is never asked");
    // Sequential approvals: the second participant starts when the first is done.
    let all: Vec<&GeschaeftsgangEntry> = t
        .geschaeftsgang
        .iter()
        .filter(|g| g.block.as_str() == "mitzeichnung")
        .skip(2)
        .collect();
    assert_eq!(all[1].assigned, all[0].done.unwrap());

    let mut w = template("beschaffung");
    with_mitzeichnung(&mut w, |p| p.decision_rule = DecisionRule::Quorum { n: 1 });
    let t = simulate_scripted(
        &w,
        &beschaffung("80000", json!({"durations": {"mitzeichnung#1": 3}})),
    );
    ended(&t);
    let mz: Vec<&GeschaeftsgangEntry> = t
        .geschaeftsgang
        .iter()
        .filter(|g| g.block.as_str() == "mitzeichnung")
        .collect();
    assert_eq!(
        (mz[0].status, mz[1].status),
        (GgStatus::Entfallen, GgStatus::Erledigt),
        "the faster Kämmerei reaches the quorum"
    );
}

#[test]
fn postfach_abruf_and_letter_fiction() {
    let w = template("foerderantrag");
    let case = |choices: Value| {
        input(
            json!({"startDate": "2026-03-02", "land": "HE", "fields": {"foerderbetrag": "5000", "gesamtkosten": "9000", "bewilligungsEnde": "2026-06-30"}, "choices": choices}),
        )
    };
    let t = simulate_scripted(&w, &case(json!({"bescheid": ["zugestellt:3"]})));
    let s = &t.steps[step_index(&t, "bescheid")];
    assert_eq!(s.decision.port.as_deref(), Some("zugestellt"));
    assert_eq!(s.entered.to_string(), "2026-03-05");
    assert!(
        s.decision
            .explanation_de
            .contains("abgerufen am 08.03.2026 → bekannt gegeben am 09.03.2026"),
        "{}",
        s.decision.explanation_de
    );
    // Downloaded after the ten days: not notified, the letter follows.
    let t = simulate_scripted(&w, &case(json!({"bescheid": ["zugestellt:12"]})));
    assert_eq!(
        t.steps[step_index(&t, "bescheid")].decision.port.as_deref(),
        Some("nichtAbgerufen")
    );
    let brief = &t.steps[step_index(&t, "bescheid-brief")];
    // Posted Mon 16.03. (after the period ended Sun 15.03. → Mon 16.03.), notified on the 3rd day.
    assert_eq!(
        (brief.entered.to_string(), brief.completed.to_string()),
        ("2026-03-16".into(), "2026-03-19".into())
    );
}

#[test]
fn frist_kinds_and_calendars() {
    let text = json!({
        "schemaVersion": 1, "key": "frist-test", "name": "Frist", "version": "1.0.0",
        "fields": [{"name": "termin", "type": "date", "required": true}],
        "roles": [{"id": "R-REG", "name": "Registratur"}],
        "blocks": [
            {"id": "s", "type": "start", "params": {"trigger": "ONLINE_ANTRAG"}},
            {"id": "w", "type": "frist", "params": {"kind": "WARTEN", "duration": "P5D", "calendar": "ARBEITSTAGE"}},
            {"id": "wv", "type": "frist", "params": {"kind": "WIEDERVORLAGE_AM", "dateField": "termin", "offset": "P1D", "calendar": "KALENDERTAGE", "notify": {"kind": "role", "ref": "R-REG"}}},
            {"id": "v", "type": "veraktung", "params": {"target": "dms", "aktenplanKennzeichen": "1.2.3", "include": ["DOKUMENTE", "GESCHAEFTSGANG", "PROTOKOLL"], "zda": true}},
            {"id": "e", "type": "ende"}
        ],
        "edges": [
            {"id": "e1", "from": "s", "port": "next", "to": "w"}, {"id": "e2", "from": "w", "port": "next", "to": "wv"},
            {"id": "e3", "from": "wv", "port": "next", "to": "v"}, {"id": "e4", "from": "v", "port": "ok", "to": "e"},
            {"id": "e5", "from": "v", "port": "fehler", "to": "e"}
        ]
    });
    let w = parse_workflow(&text.to_string()).unwrap();
    let errors: Vec<_> = validate(&w).into_iter().filter(Finding::is_error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Thu 30.04.2026 + 5 working days in NW: 1 May is a holiday → Fri 08.05.
    let t = simulate_scripted(
        &w,
        &input(json!({"startDate": "2026-04-30", "fields": {"termin": "2026-05-23"}})),
    );
    ended(&t);
    assert_eq!(t.steps[1].completed.to_string(), "2026-05-08");
    // 23.05. + 1 day = Sun 24.05. (Pfingstsonntag) → Tue 26.05. (Pfingstmontag in between).
    assert_eq!(t.steps[2].completed.to_string(), "2026-05-26");
    assert_eq!(t.steps[2].person.as_deref(), Some("Registratur 1"));
    assert!(t.steps[2]
        .decision
        .explanation_de
        .contains("§ 31 Abs. 3 VwVfG"));
    // A date already passed: the case continues at once.
    let t = simulate_scripted(
        &w,
        &input(json!({"startDate": "2026-04-30", "fields": {"termin": "2026-01-01"}})),
    );
    assert_eq!(t.steps[2].entered, t.steps[2].completed);
    // Brandenburg counts Pfingstsonntag as a holiday; same result, different reason.
    let t = simulate_scripted(
        &w,
        &input(
            json!({"startDate": "2026-04-30", "land": "BB", "fields": {"termin": "2026-05-23"}}),
        ),
    );
    assert!(
        t.steps[2]
            .decision
            .explanation_de
            .contains("Pfingstsonntag"),
        "{}",
        t.steps[2].decision.explanation_de
    );
}

#[test]
fn case_input_errors_name_the_field() {
    let w = template("beschaffung");
    let check = |v: Value| input(v).check(&w).unwrap_err();
    let base = json!({"startDate": "2026-12-01", "fields": {"betragNetto": "100", "gegenstand": "x", "haushaltsstelle": "y"}});
    let with = |path: &str, value: Value| {
        let mut v = base.clone();
        let mut cur = &mut v;
        let parts: Vec<&str> = path.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            cur = cur
                .as_object_mut()
                .unwrap()
                .entry(p.to_string())
                .or_insert(json!({}));
        }
        cur[parts[parts.len() - 1]] = value;
        v
    };
    let e = check(with("fields.betragNetto", json!(12400.5)));
    assert_eq!(e.path, "fields.betragNetto");
    assert!(e.message_de.contains("Gleitkommazahl"), "{}", e.message_de);
    assert_eq!(
        check(with("fields.betragNetto", json!("1.000,00"))).path,
        "fields.betragNetto"
    );
    assert_eq!(
        check(with("fields.betragNetto", json!("-5"))).path,
        "fields.betragNetto"
    );
    assert_eq!(
        check(with("fields.unbekannt", json!(1))).path,
        "fields.unbekannt"
    );
    assert_eq!(
        check(with("fields.liefertermin", json!("31.12.2026"))).path,
        "fields.liefertermin"
    );
    assert_eq!(
        check(with("startDate", json!("2026-13-01"))).path,
        "startDate"
    );
    assert_eq!(
        check(with("persons.R-XX", json!(["A"]))).path,
        "persons.R-XX"
    );
    assert_eq!(
        check(with("choices.bedarf-pruefen", json!(["vielleicht"]))).path,
        "choices.bedarf-pruefen[0]"
    );
    assert_eq!(
        check(with("choices.wertgrenze", json!(["direktauftrag"]))).path,
        "choices.wertgrenze"
    );
    assert_eq!(
        check(with("actors.wertgrenze", json!("Frau Meier"))).path,
        "actors.wertgrenze"
    );
    assert_eq!(
        check(with("choices.nix", json!(["ok"]))).path,
        "choices.nix"
    );
    let mut missing = base.clone();
    missing["fields"]
        .as_object_mut()
        .unwrap()
        .remove("gegenstand");
    assert_eq!(check(missing).path, "fields.gegenstand");
    // Integers are whole euros; optional fields may be null.
    let ok = input(with("fields.betragNetto", json!(12400)))
        .check(&w)
        .unwrap();
    assert_eq!(
        ok.value("betragNetto"),
        fachwerk_shared::expr::Value::money(Money::euros(12_400))
    );
    // simulate reports an invalid input as a blocked run.
    let t = simulate_scripted(&w, &input(with("fields.betragNetto", json!(1.5))));
    assert_eq!(blocked(&t).1, BlockedCode::InvalidInput);
    // Enum values are checked against the declared values.
    let wb = template("beschwerdemanagement");
    let e = input(json!({"startDate": "2026-12-01", "fields": {"dienstaufsicht": false, "kategorie": "LAERM"}})).check(&wb).unwrap_err();
    assert_eq!(e.path, "fields.kategorie");
    assert!(e.message_de.contains("VERKEHR"), "{}", e.message_de);
}

/// Always rejects the Vier-Augen check: the loop never ends.
struct AlwaysReject(ScriptedDecisions);

impl Decisions for AlwaysReject {
    fn outcome(&mut self, b: &Block, v: u32, p: &[String]) -> String {
        if b.id.as_str() == "preis-pruefen" {
            "reject".into()
        } else {
            self.0.outcome(b, v, p)
        }
    }
    fn vote(&mut self, b: &Block, v: u32, i: usize) -> Vote {
        self.0.vote(b, v, i)
    }
    fn reply(&mut self, b: &Block, v: u32) -> Option<u32> {
        self.0.reply(b, v)
    }
    fn delivery(&mut self, b: &Block, v: u32) -> Option<u32> {
        self.0.delivery(b, v)
    }
    fn payment(&mut self, b: &Block, v: u32) -> Option<u32> {
        self.0.payment(b, v)
    }
    fn actor(&mut self, b: &Block, s: ActorSlot, c: &[String], e: &[String]) -> Option<String> {
        self.0.actor(b, s, c, e)
    }
    fn working_days(&mut self, _: &Block, _: u32, _: Option<usize>) -> u32 {
        0
    }
}

#[test]
fn endless_loops_stop_at_the_step_limit() {
    let w = template("beschaffung");
    let case = beschaffung("5000", json!({}));
    let t = simulate(&w, &case, &mut AlwaysReject(ScriptedDecisions::new(&case)));
    assert_eq!(blocked(&t).1, BlockedCode::StepLimit);
    assert_eq!(t.steps.len(), MAX_STEPS);
    assert!(!BlockedCode::StepLimit.is_structural());
}

#[test]
fn trace_json_is_camel_case() {
    let w = template("beschaffung");
    let t = simulate_scripted(
        &w,
        &beschaffung("12400", json!({"actors": {"preis-pruefen": "Frau Meier"}})),
    );
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(v["outcome"]["kind"], "refused");
    assert_eq!(v["outcome"]["code"], "SAME_AS_FIRST_CHECK");
    assert!(v["outcome"]["messageDe"]
        .as_str()
        .unwrap()
        .contains("Frau Meier"));
    let step = &v["steps"][1];
    for key in [
        "block",
        "label",
        "blockType",
        "visit",
        "person",
        "role",
        "roleName",
        "decision",
        "entered",
        "due",
        "completed",
    ] {
        assert!(step.get(key).is_some(), "missing {key} in {step}");
    }
    assert!(step["decision"]["explanationEn"].is_string());
    assert_eq!(v["geschaeftsgang"][0]["status"], "erledigt");
    assert_eq!(v["workflowKey"], "beschaffung");
}
