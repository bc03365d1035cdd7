//! Peer check of the Probelauf: the BPMN export of every template (and of a few generated
//! workflows) runs in the npm `bpmn-engine` with the same case — FEEL conditions evaluated by
//! `@bpmn-io/feelin`, the same decisions (ports per block visit, Mitzeichnung votes, which
//! escalation timers fire) — and must take the same route as `fachwerk_shared::simulate`.
//!
//! Routes are compared in Fachwerk block ids (`Block_<id>` elements of the export; helper
//! elements ignored). A non-interrupting Eskalation runs in parallel to its task, so those are
//! compared as a set; everything else as a sequence.
//!
//! Needs node ≥ 20 and `npm install --prefix .tools/node bpmn-engine@25.0.1 @bpmn-io/feelin@6.1.1`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fachwerk_shared::bpmn::to_bpmn;
use fachwerk_shared::expr::Value;
use fachwerk_shared::generate::synthetic;
use fachwerk_shared::model::*;
use fachwerk_shared::parse_workflow;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Outcome, Trace};
use serde_json::{json, Map};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template(name: &str) -> Workflow {
    parse_workflow(
        &std::fs::read_to_string(workspace().join(format!("workflows/{name}.json"))).unwrap(),
    )
    .unwrap()
}

/// The case fields as engine variables: numbers as numbers (euros), dates and texts as strings.
fn variables(w: &Workflow, input: &CaseInput) -> serde_json::Value {
    let case = input.check(w).unwrap();
    let mut m = Map::new();
    for (k, v) in &case.values {
        let j = match v {
            Value::Null => continue,
            Value::Bool(b) => json!(b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(&n.to_string())
                .map(serde_json::Value::Number)
                .unwrap(),
            Value::Text(t) => json!(t),
            Value::Date(d) => json!(d.to_string()),
            Value::Duration(d) => json!(d.to_string()),
        };
        m.insert(k.clone(), j);
    }
    serde_json::Value::Object(m)
}

fn eskalation_of<'w>(w: &'w Workflow, id: &BlockId) -> Option<&'w EskalationParams> {
    match &w.block(id)?.kind {
        BlockKind::Eskalation(p) => Some(p),
        _ => None,
    }
}

/// The decisions of a simulated run, in the driver's format.
fn script(w: &Workflow, t: &Trace) -> serde_json::Value {
    let mut ports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut escalations: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let mut votes: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for s in &t.steps {
        let id = s.block.as_str().to_string();
        if let Some(p) = eskalation_of(w, &s.block) {
            let host = p.attached_to.clone().unwrap();
            let visit = ports.get(host.as_str()).map_or(0, Vec::len);
            let list = escalations.entry(host.0).or_default();
            list.resize(visit.max(list.len()), Vec::new());
            list[visit - 1].push(id);
            continue;
        }
        ports
            .entry(id.clone())
            .or_default()
            .push(s.decision.port.clone().unwrap_or_default());
        if let Some(BlockKind::Mitzeichnung(p)) = w.block(&s.block).map(|b| &b.kind) {
            let n = p.participants.len();
            let entries: Vec<_> = t
                .geschaeftsgang
                .iter()
                .filter(|g| g.block == s.block)
                .collect();
            let chunk = &entries[(s.visit as usize - 1) * n..s.visit as usize * n];
            let mut decided: Vec<_> = chunk.iter().filter(|g| g.decision.is_some()).collect();
            decided.sort_by_key(|g| (g.done, g.number));
            votes.entry(id).or_default().push(
                decided
                    .iter()
                    .map(|g| g.decision.clone().unwrap())
                    .collect(),
            );
        }
    }
    json!({"ports": ports, "escalations": escalations, "votes": votes})
}

/// Sequence without parallel escalation notifications, and those as a sorted list.
fn split<'a>(w: &Workflow, route: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let parallel = |id: &str| eskalation_of(w, &BlockId::new(id)).is_some_and(|p| !p.interrupting);
    let mut side: Vec<&str> = route.iter().copied().filter(|id| parallel(id)).collect();
    side.sort_unstable();
    (
        route.iter().copied().filter(|id| !parallel(id)).collect(),
        side,
    )
}

/// Runs the driver with a wall-clock limit (a synchronous loop inside bpmn-engine cannot be
/// stopped from within the script); returns its stdout.
fn run_node(spec: &Path, node_modules: &Path) -> Result<String, String> {
    let mut child = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg(workspace().join("e2e/interop/bpmn-engine-run.mjs"))
        .arg(spec)
        .env("NODE_PATH", node_modules)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("node: {e}"))?;
    let started = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("bpmn-engine did not finish within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

struct Peer {
    dir: PathBuf,
    node_modules: PathBuf,
    n: usize,
}

impl Peer {
    fn new(test: &str) -> Peer {
        let node_modules = workspace().join(".tools/node/node_modules");
        for pkg in ["bpmn-engine", "@bpmn-io/feelin"] {
            assert!(
                node_modules.join(pkg).is_dir(),
                "{} missing: npm install --prefix .tools/node bpmn-engine@25.0.1 @bpmn-io/feelin@6.1.1",
                node_modules.join(pkg).display()
            );
        }
        let dir = std::env::temp_dir().join(format!(
            "fachwerk-bpmn-engine-peer-{}-{test}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Peer {
            dir,
            node_modules,
            n: 0,
        }
    }

    /// Runs one case both ways; returns a mismatch description, if any.
    fn check(&mut self, name: &str, w: &Workflow, case: serde_json::Value) -> Result<(), String> {
        let input: CaseInput = serde_json::from_value(case).unwrap();
        let t = simulate_scripted(w, &input);
        if !matches!(t.outcome, Outcome::Ended { .. }) {
            return Err(format!(
                "{name}: the Probelauf did not end: {:?}",
                t.outcome
            ));
        }
        self.n += 1;
        let bpmn = self.dir.join(format!("{}-{}.bpmn", self.n, w.key));
        std::fs::write(&bpmn, to_bpmn(w)).unwrap();
        let mut spec = script(w, &t);
        spec["bpmn"] = json!(bpmn);
        spec["variables"] = variables(w, &input);
        let spec_path = self.dir.join(format!("{}-{}.json", self.n, w.key));
        std::fs::write(&spec_path, serde_json::to_string_pretty(&spec).unwrap()).unwrap();
        let out = run_node(&spec_path, &self.node_modules)
            .map_err(|e| format!("{name}: {e} (script: {})", spec_path.display()))?;
        let result: serde_json::Value = serde_json::from_str(out.trim())
            .map_err(|e| format!("{name}: no JSON from bpmn-engine ({e}): {out}"))?;
        let engine_route: Vec<&str> = result["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let sim_route = t.route();
        let (sim_seq, sim_par) = split(w, &sim_route);
        let (eng_seq, eng_par) = split(w, &engine_route);
        if result["state"] != "completed" || sim_seq != eng_seq || sim_par != eng_par {
            return Err(format!(
                "{name}: routes differ (bpmn-engine state {}, error {})\n  simulate:    {sim_route:?}\n  bpmn-engine: {engine_route:?}\n  script: {}",
                result["state"], result["error"], spec_path.display()
            ));
        }
        Ok(())
    }
}

fn cases() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    let beschaffung = |amount: &str, extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-12-01", "fields": {"betragNetto": amount, "gegenstand": "Drucker", "haushaltsstelle": "1.11.01"}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let beschwerde = |da: bool, extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-12-01", "fields": {"dienstaufsicht": da, "kategorie": "VERKEHR"}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let foerder = |extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-03-02", "fields": {"foerderbetrag": "15000", "gesamtkosten": 40000, "bewilligungsEnde": "2026-06-30"}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let gewerbe = |e: bool, extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-05-11", "fields": {"erlaubnispflichtig": e, "betriebsbeginn": "2026-06-01", "rechtsform": "GMBH"}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let reise = |amount: &str, extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-10-26", "fields": {"erstattungsbetrag": amount, "reiseEnde": "2026-10-16", "reiseziel": "Köln"}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let sonder = |fb: bool, tage: i64, extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-04-01", "fields": {"fahrbahnBetroffen": fb, "dauerTage": tage, "flaecheQm": 12, "beginn": "2026-05-04", "gebuehr": "84.00"}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let urlaub = |extra: serde_json::Value| {
        let mut v = json!({"startDate": "2026-12-21", "land": "BE", "fields": {"personalnummer": "P-1", "urlaubsbeginn": "2027-01-04", "urlaubsende": "2027-01-08", "arbeitstage": 5}});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    vec![
        (
            "beschaffung 800",
            "beschaffung",
            beschaffung("800.00", json!({})),
        ),
        (
            "beschaffung 1000 (band bound)",
            "beschaffung",
            beschaffung("1000.00", json!({})),
        ),
        (
            "beschaffung 12400 with reject loop",
            "beschaffung",
            beschaffung(
                "12400.00",
                json!({"choices": {"preis-pruefen": ["reject"]}}),
            ),
        ),
        (
            "beschaffung 80000 veto + filing error",
            "beschaffung",
            beschaffung(
                "80000.00",
                json!({"choices": {"mitzeichnung": ["approve,veto:3"], "veraktung": ["fehler"]}}),
            ),
        ),
        (
            "beschaffung rejected",
            "beschaffung",
            beschaffung("500", json!({"choices": {"bedarf-pruefen": ["reject"]}})),
        ),
        (
            "beschwerde standard",
            "beschwerdemanagement",
            beschwerde(false, json!({})),
        ),
        (
            "beschwerde dienstaufsicht",
            "beschwerdemanagement",
            beschwerde(true, json!({})),
        ),
        (
            "beschwerde reminder",
            "beschwerdemanagement",
            beschwerde(false, json!({"durations": {"stellungnahme": 12}})),
        ),
        (
            "beschwerde taken away",
            "beschwerdemanagement",
            beschwerde(false, json!({"durations": {"stellungnahme": 30}})),
        ),
        ("foerder standard", "foerderantrag", foerder(json!({}))),
        (
            "foerder rueckfrage + letter",
            "foerderantrag",
            foerder(
                json!({"choices": {"antrag-pruefen": ["rueckfrage", "rueckfrage"], "nachforderung": ["reply:3", "timeout"], "bescheid": ["nichtAbgerufen"]}}),
            ),
        ),
        (
            "foerder veto",
            "foerderantrag",
            foerder(json!({"choices": {"mitzeichnung": ["approve,veto"]}})),
        ),
        (
            "foerder rejected",
            "foerderantrag",
            foerder(json!({"choices": {"antrag-pruefen": ["reject"]}})),
        ),
        (
            "gewerbe standard",
            "gewerbeanmeldung",
            gewerbe(false, json!({})),
        ),
        (
            "gewerbe erlaubnis",
            "gewerbeanmeldung",
            gewerbe(true, json!({})),
        ),
        (
            "gewerbe unpaid + timeout",
            "gewerbeanmeldung",
            gewerbe(
                false,
                json!({"choices": {"gebuehr": ["nichtBezahlt"], "anzeige-pruefen": ["rueckfrage"], "nachfrage": ["timeout"]}}),
            ),
        ),
        (
            "gewerbe max rounds",
            "gewerbeanmeldung",
            gewerbe(
                false,
                json!({"choices": {"anzeige-pruefen": ["rueckfrage", "rueckfrage", "rueckfrage"]}}),
            ),
        ),
        (
            "reise teamleitung",
            "reisekostenantrag",
            reise("350.40", json!({})),
        ),
        (
            "reise amtsleitung",
            "reisekostenantrag",
            reise("9000", json!({})),
        ),
        (
            "reise 7500 (band bound)",
            "reisekostenantrag",
            reise("7500.00", json!({"choices": {"anordnung-tl": ["reject"]}})),
        ),
        (
            "reise rejected",
            "reisekostenantrag",
            reise("120", json!({"choices": {"antrag-pruefen": ["reject"]}})),
        ),
        (
            "sonder simple",
            "sondernutzungserlaubnis",
            sonder(false, 10, json!({})),
        ),
        (
            "sonder complex (dauerTage)",
            "sondernutzungserlaubnis",
            sonder(false, 40, json!({})),
        ),
        (
            "sonder complex (fahrbahn)",
            "sondernutzungserlaubnis",
            sonder(true, 3, json!({"choices": {"gebuehr": ["nichtBezahlt"]}})),
        ),
        (
            "sonder eingestellt",
            "sondernutzungserlaubnis",
            sonder(
                true,
                3,
                json!({"choices": {"antrag-pruefen": ["rueckfrage"], "nachforderung": ["timeout"]}}),
            ),
        ),
        (
            "sonder abgelehnt",
            "sondernutzungserlaubnis",
            sonder(false, 3, json!({"choices": {"antrag-pruefen": ["reject"]}})),
        ),
        ("urlaub standard", "urlaubsantrag", urlaub(json!({}))),
        (
            "urlaub rejected",
            "urlaubsantrag",
            urlaub(json!({"choices": {"genehmigen": ["reject"], "personalakte": ["fehler"]}})),
        ),
        (
            "urlaub reminder",
            "urlaubsantrag",
            urlaub(json!({"durations": {"genehmigen": 4}})),
        ),
    ]
}

#[test]
fn bpmn_engine_takes_the_probelauf_routes_on_every_template() {
    let mut peer = Peer::new("templates");
    let mut failures = Vec::new();
    let mut per_template: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, key, case) in cases() {
        let w = template(key);
        *per_template.entry(key).or_default() += 1;
        if let Err(e) = peer.check(name, &w, case) {
            failures.push(e);
        }
    }
    assert!(per_template.values().all(|n| *n >= 3), "{per_template:?}");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        peer.n,
        failures.join("\n")
    );
    std::fs::remove_dir_all(&peer.dir).ok();
}

#[test]
fn bpmn_engine_takes_the_probelauf_routes_on_generated_workflows() {
    let mut peer = Peer::new("generated");
    let mut failures = Vec::new();
    // bpmn-engine propagates dead paths ("discard") through every exclusive merge; with three
    // or more chained routers whose branches re-merge this grows exponentially and the run does
    // not finish (synthetic(45, 7): 3 Wertgrenzen + 1 Komplexität; synthetic(45, 1): a
    // Komplexität followed by a long chain of split/merge diamonds; both > 60 s). So: small
    // generated workflows (≤ 35 blocks) with one or two routers.
    let routers = |w: &Workflow| {
        w.blocks
            .iter()
            .filter(|b| {
                matches!(
                    b.block_type(),
                    BlockType::Wertgrenzen | BlockType::Komplexitaet
                )
            })
            .count()
    };
    let picked: Vec<(usize, u64)> = (0..200u64)
        .flat_map(|seed| [25usize, 30, 35].map(|n| (n, seed)))
        .filter(|(n, seed)| (1..=2).contains(&routers(&synthetic(*n, *seed))))
        .take(5)
        .collect();
    assert_eq!(picked.len(), 5);
    for (n, seed) in picked {
        let w = synthetic(n, seed);
        let slow: Map<String, serde_json::Value> = w
            .blocks
            .iter()
            .filter_map(|b| eskalation_of(&w, &b.id))
            .filter_map(|p| p.attached_to.clone())
            .map(|h| (h.0, json!(25)))
            .collect();
        for (i, amount) in ["800.00", "12400.00", "80000.00"].iter().enumerate() {
            let case = json!({
                "startDate": "2026-11-02",
                "land": "NW",
                "fields": {"betragNetto": amount, "gebuehr": "50.00", "fahrbahnBetroffen": i == 1, "erlaubnispflichtig": i == 2,
                           "dauerTage": 20 + 40 * i, "flaecheQm": 10 * i, "wiedervorlageAm": "2027-01-15"},
                "durations": if i == 2 { serde_json::Value::Object(slow.clone()) } else { json!({}) }
            });
            if let Err(e) = peer.check(&format!("synthetic({n}, {seed}) #{i}"), &w, case) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        peer.n,
        failures.join("\n")
    );
    std::fs::remove_dir_all(&peer.dir).ok();
}

#[test]
fn driver_script_exists() {
    assert!(Path::new(&workspace().join("e2e/interop/bpmn-engine-run.mjs")).is_file());
}
