//! Engine dialects of the BPMN export: the plain export is untouched, the JUEL translation
//! decides like FEEL (checked with a small JUEL evaluator for the subset the printer emits),
//! and the import reads every such JUEL text back as the same FEEL condition.
#![allow(clippy::unwrap_used)]

use fachwerk_shared::bpmn::{to_bpmn, to_bpmn_for, Engine};
use fachwerk_shared::expr::{
    eval, fields_used, from_juel, parse, to_feel, to_juel, Date, Decimal, EvalContext, Value,
};
use fachwerk_shared::{parse_workflow, Workflow};

fn templates() -> Vec<Workflow> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../workflows");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v.iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| parse_workflow(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

#[test]
fn plain_is_the_plain_export_and_engines_add_their_namespaces() {
    for w in templates() {
        let (plain, notes) = to_bpmn_for(&w, Engine::Plain);
        assert_eq!(plain, to_bpmn(&w));
        assert!(notes.is_empty());
        let (c7, _) = to_bpmn_for(&w, Engine::Camunda7);
        assert!(c7.contains("xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\""));
        assert!(c7.contains("modeler:executionPlatform=\"Camunda Platform\""));
        assert!(c7.contains("camunda:candidateGroups="), "{}", w.key);
        assert!(!c7.contains("potentialOwner"));
        let (c8, _) = to_bpmn_for(&w, Engine::Camunda8);
        assert!(c8.contains("xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\""));
        assert!(c8.contains("<zeebe:assignmentDefinition candidateGroups="));
        assert!(!c8.contains("language=\"https://www.omg.org/spec/DMN"));
    }
}

/// FEEL conditions of a plain export (flow and completion conditions).
fn feel_conditions(xml: &str) -> Vec<String> {
    let marker = "language=\"https://www.omg.org/spec/DMN/20191111/FEEL/\">";
    xml.split(marker)
        .skip(1)
        .map(|s| {
            s[..s.find('<').unwrap()]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(Decimal),
    Str(String),
}

/// Evaluates the JUEL subset `to_juel` emits: literals, identifiers, `! - * / + - < <= > >=
/// == != && ||` and parentheses, with JUEL's precedence.
struct Juel<'a> {
    t: Vec<String>,
    k: usize,
    env: &'a dyn Fn(&str) -> J,
}

fn tokens(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    let (mut v, mut i) = (Vec::new(), 0);
    while i < c.len() {
        let start = i;
        if c[i] == ' ' {
            i += 1;
            continue;
        } else if c[i] == '\'' {
            i += 1;
            while c[i] != '\'' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c[i].is_alphanumeric() || c[i] == '.' || c[i] == '_' {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '.' || c[i] == '_') {
                i += 1;
            }
        } else if i + 1 < c.len()
            && ["<=", ">=", "==", "!=", "&&", "||"].contains(&&*format!("{}{}", c[i], c[i + 1]))
        {
            i += 2;
        } else {
            i += 1;
        }
        v.push(c[start..i].iter().collect());
    }
    v
}

impl Juel<'_> {
    fn peek(&self) -> &str {
        self.t.get(self.k).map(String::as_str).unwrap_or("")
    }
    fn bin(&mut self, level: usize) -> J {
        const LEVELS: [&[&str]; 6] = [
            &["||"],
            &["&&"],
            &["==", "!="],
            &["<", "<=", ">", ">="],
            &["+", "-"],
            &["*", "/"],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut l = self.bin(level + 1);
        while LEVELS[level].contains(&self.peek()) {
            let op = self.t[self.k].clone();
            self.k += 1;
            let r = self.bin(level + 1);
            l = apply(&op, l, r);
        }
        l
    }
    fn unary(&mut self) -> J {
        let t = self.t[self.k].clone();
        self.k += 1;
        match t.as_str() {
            "!" => match self.unary() {
                J::Bool(b) => J::Bool(!b),
                _ => J::Null,
            },
            "-" => apply("-", J::Num(Decimal::parse("0").unwrap()), self.unary()),
            "(" => {
                let v = self.bin(0);
                assert_eq!(self.t[self.k], ")");
                self.k += 1;
                v
            }
            "true" => J::Bool(true),
            "false" => J::Bool(false),
            "null" => J::Null,
            s if s.starts_with('\'') => {
                J::Str(s[1..s.len() - 1].replace("\\'", "'").replace("\\\\", "\\"))
            }
            s if s.starts_with(|c: char| c.is_ascii_digit()) => J::Num(Decimal::parse(s).unwrap()),
            s => (self.env)(s),
        }
    }
}

/// JUEL semantics for set values: numbers compare numerically, `&&`/`||` on booleans.
fn apply(op: &str, l: J, r: J) -> J {
    match (op, &l, &r) {
        ("==", _, _) => J::Bool(l == r),
        ("!=", _, _) => J::Bool(l != r),
        // Short-circuit: the right side is not evaluated (a mismatch there does not count).
        ("&&", J::Bool(false), _) => J::Bool(false),
        ("||", J::Bool(true), _) => J::Bool(true),
        ("&&" | "||", J::Bool(_), J::Bool(b)) => J::Bool(*b),
        (_, J::Num(a), J::Num(b)) => {
            let v = |x: Value| match x {
                Value::Number(n) => J::Num(n),
                Value::Bool(b) => J::Bool(b),
                other => panic!("{other:?}"),
            };
            let feel = format!("a {} b", op);
            let e = parse(&feel).unwrap();
            let (a, b) = (*a, *b);
            let env = move |n: &str| Some(Value::Number(if n == "a" { a } else { b }));
            v(eval(
                &e,
                &EvalContext::on(Date::parse("2026-01-01").unwrap(), &env),
            )
            .unwrap())
        }
        (_, J::Str(a), J::Str(b)) if ["<", "<=", ">", ">="].contains(&op) => J::Bool(match op {
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            _ => a >= b,
        }),
        // A type mismatch: JUEL would throw; no decision.
        _ => J::Null,
    }
}

/// A small deterministic generator (xorshift), enough for test cases.
struct Rng(u64);

impl Rng {
    fn gen_range(&mut self, r: std::ops::Range<i64>) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        r.start + (self.0 % (r.end - r.start) as u64) as i64
    }
    fn gen_bool(&mut self, _p: f64) -> bool {
        self.gen_range(0..2) == 1
    }
    fn pick(&mut self, n: usize) -> usize {
        self.gen_range(0..n as i64) as usize
    }
}

fn random_value(rng: &mut Rng, name: &str) -> (Value, J) {
    let texts = ["ok", "reject", "veto", "A", "B", "it's"];
    match rng.gen_range(0..10) {
        0..=1 if !name.starts_with('n') => {
            let t = texts[rng.pick(texts.len())];
            (Value::Text(t.into()), J::Str(t.into()))
        }
        2 if !name.starts_with('n') => {
            let b = rng.gen_bool(0.5);
            (Value::Bool(b), J::Bool(b))
        }
        _ => {
            let n = Decimal::parse(&format!(
                "{}.{}",
                rng.gen_range(-2000..20000),
                rng.gen_range(0..2) * 5
            ))
            .unwrap();
            (Value::Number(n), J::Num(n))
        }
    }
}

#[test]
fn juel_decides_like_feel_on_1000_random_cases_per_condition() {
    let mut conditions: Vec<String> = templates()
        .iter()
        .flat_map(|w| feel_conditions(&to_bpmn(w)))
        .collect();
    assert!(conditions.len() > 20, "{conditions:?}");
    let mut rng = Rng(0x2021_1203);
    let atoms = [
        "nx", "ny", "3", "2.5", "s", "\"ok\"", "b", "true", "nx * 2", "ny - nx",
    ];
    let ops = ["=", "!=", "<", "<=", ">", ">="];
    for _ in 0..200 {
        let mut c = format!(
            "{} {} {}",
            atoms[rng.pick(2)],
            ops[rng.pick(6)],
            atoms[rng.pick(atoms.len())]
        );
        for _ in 0..rng.gen_range(0..3) {
            let next = format!(
                "{} {} {}",
                atoms[rng.pick(atoms.len())],
                ops[rng.pick(6)],
                atoms[rng.pick(atoms.len())]
            );
            c = match rng.gen_range(0..3) {
                0 => format!("({c}) or {next}"),
                1 => format!("not({c}) and {next}"),
                _ => format!("{c} and ({next})"),
            };
        }
        conditions.push(c);
    }
    let today = Date::parse("2026-12-03").unwrap();
    let (mut compared, mut refused) = (0, 0);
    for c in &conditions {
        let e = parse(c).unwrap();
        let Ok(juel) = to_juel(&e) else {
            assert!(
                c.contains("date(") || c.contains("duration(") || c.contains("today()"),
                "{c}"
            );
            refused += 1;
            continue;
        };
        // The import's reader inverts the translation: a Camunda 7 condition comes back as
        // the FEEL it was made from.
        let back = from_juel(&format!("${{{juel}}}")).unwrap_or_else(|err| panic!("{juel}: {err}"));
        assert_eq!(to_feel(&back), to_feel(&e), "{c} / {juel}");
        let fields = fields_used(&e);
        for _ in 0..1000 {
            let vals: Vec<(String, (Value, J))> = fields
                .iter()
                .map(|f| (f.clone(), random_value(&mut rng, f)))
                .collect();
            let feel_env = |n: &str| vals.iter().find(|(f, _)| f == n).map(|(_, v)| v.0.clone());
            let Ok(feel) = eval(&e, &EvalContext::on(today, &feel_env)) else {
                continue; // a type mismatch: the engine's form types prevent it
            };
            let juel_env = |n: &str| {
                vals.iter()
                    .find(|(f, _)| f == n)
                    .map(|(_, v)| v.1.clone())
                    .unwrap()
            };
            let mut j = Juel {
                t: tokens(&juel),
                k: 0,
                env: &juel_env,
            };
            let decided = j.bin(0);
            assert_eq!(j.k, j.t.len(), "{juel}");
            assert_eq!(
                feel == Value::Bool(true),
                decided == J::Bool(true),
                "{c} / {juel} with {vals:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 100_000, "{compared}");
    assert!(refused < conditions.len());
}

/// Fachwerk's own executable exports come back as the workflow they were made from: the
/// engine attributes sit beside Fachwerk's extension, which the import reads first.
#[test]
fn executable_exports_round_trip() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bpmn/alle-bausteine.json"
    );
    let mut all = templates();
    all.push(parse_workflow(&std::fs::read_to_string(fixture).unwrap()).unwrap());
    for w in all {
        for engine in [Engine::Camunda7, Engine::Camunda8] {
            let (xml, _) = to_bpmn_for(&w, engine);
            let (back, notes) = fachwerk_shared::bpmn::from_bpmn(&xml)
                .unwrap_or_else(|e| panic!("{} {engine:?}: import failed: {e}", w.key));
            assert!(notes.is_empty(), "{} {engine:?}: notes {notes:#?}", w.key);
            assert_eq!(
                fachwerk_shared::to_canonical_json(&back),
                fachwerk_shared::to_canonical_json(&w),
                "{} {engine:?}",
                w.key
            );
        }
    }
}

/// Camunda 8: every user task links to a generated form; each form has one keyed input per
/// declared case field (typed) plus the outcome its gateways test, and every linked form id
/// is among the generated forms.
#[test]
fn camunda8_user_tasks_link_generated_forms() {
    for w in templates() {
        let e = fachwerk_shared::bpmn::to_bpmn_export(&w, Engine::Camunda8);
        let user_tasks = e.xml.matches("<bpmn:userTask ").count();
        assert!(user_tasks > 0, "{}", w.key);
        assert_eq!(
            e.forms.len(),
            user_tasks,
            "{}: one form per user task",
            w.key
        );
        for form in &e.forms {
            assert!(
                e.xml
                    .contains(&format!("<zeebe:formDefinition formId=\"{}\"", form.id)),
                "{}: {} not linked",
                w.key,
                form.id
            );
            let json: serde_json::Value = serde_json::from_str(&form.json).unwrap();
            assert_eq!(json["id"], form.id.as_str());
            assert_eq!(json["executionPlatform"], "Camunda Cloud");
            let components = json["components"].as_array().unwrap();
            for f in &w.fields {
                let c = components
                    .iter()
                    .find(|c| c["key"] == f.name.as_str())
                    .unwrap_or_else(|| panic!("{}: {} lacks {}", w.key, form.id, f.name));
                let expected = match f.field_type {
                    fachwerk_shared::FieldType::Money | fachwerk_shared::FieldType::Int => "number",
                    fachwerk_shared::FieldType::Date => "datetime",
                    fachwerk_shared::FieldType::Bool => "checkbox",
                    fachwerk_shared::FieldType::Enum => "select",
                    fachwerk_shared::FieldType::Text => "textfield",
                };
                assert_eq!(c["type"], expected, "{}: {}", w.key, f.name);
                assert_eq!(
                    c["validate"]["required"].as_bool().unwrap_or(false),
                    f.required,
                    "{}: {}",
                    w.key,
                    f.name
                );
            }
            let keyed = components.iter().filter(|c| c.get("key").is_some()).count();
            let outcome = usize::from(components.iter().any(|c| c["key"] == "outcome"));
            assert_eq!(keyed, w.fields.len() + outcome, "{}: {}", w.key, form.id);
        }
        // The other dialects generate no forms.
        for engine in [Engine::Plain, Engine::Camunda7] {
            assert!(fachwerk_shared::bpmn::to_bpmn_export(&w, engine)
                .forms
                .is_empty());
        }
    }
}

/// Every export note every template produces, per engine (the list the closing note
/// asks for; a change shows up in review as a snapshot diff).
#[test]
fn export_notes_of_every_template() {
    let mut out = String::new();
    for w in templates() {
        for (engine, name) in [
            (Engine::Camunda7, "Camunda 7"),
            (Engine::Camunda8, "Camunda 8"),
        ] {
            let (_, notes) = to_bpmn_for(&w, engine);
            out.push_str(&format!("{} / {name}: {}\n", w.key, notes.len()));
            for n in notes {
                let block = if n.block_id.is_empty() {
                    "(Ablauf)"
                } else {
                    n.block_id.as_str()
                };
                out.push_str(&format!(
                    "  - {block}: {}\n    {}\n",
                    n.message_de, n.message_en
                ));
            }
        }
    }
    insta::assert_snapshot!("export_notes", out);
}

/// The history time to live is the workflow's own (default 180 days) and survives the round
/// trip through both executable dialects.
#[test]
fn history_time_to_live_is_per_workflow() {
    let mut w = templates().remove(0);
    assert_eq!(w.history_time_to_live_days, None);
    let (c7, _) = to_bpmn_for(&w, Engine::Camunda7);
    assert!(c7.contains("camunda:historyTimeToLive=\"P180D\""));
    w.history_time_to_live_days = Some(3650);
    let (c7, _) = to_bpmn_for(&w, Engine::Camunda7);
    assert!(c7.contains("camunda:historyTimeToLive=\"P3650D\""));
    assert!(!c7.contains("P180D"));
    for engine in [Engine::Plain, Engine::Camunda7, Engine::Camunda8] {
        let (xml, _) = to_bpmn_for(&w, engine);
        let (back, _) = fachwerk_shared::bpmn::from_bpmn(&xml).unwrap();
        assert_eq!(back.history_time_to_live_days, Some(3650), "{engine:?}");
    }
    let json = fachwerk_shared::to_canonical_json(&w);
    assert!(json.contains("\"historyTimeToLiveDays\": 3650"), "{json}");
    assert_eq!(parse_workflow(&json).unwrap(), w);
}
