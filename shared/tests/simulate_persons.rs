//! Probelauf person rules: Vier-Augen (first checker), initiator, distinctFrom over all earlier
//! performers (with a custom `Decisions`), forced persons outside the role, Zeichnungsbefugnis.
#![allow(clippy::unwrap_used)]

mod common;

use common::template;

use fachwerk_shared::model::*;
use fachwerk_shared::simulate::*;
use fachwerk_shared::values::Money;
use fachwerk_shared::{validate, Finding};
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
fn refused(t: &Trace) -> (&str, RefusedCode, &str, &str) {
    match &t.outcome {
        Outcome::Refused {
            block,
            code,
            message_de,
            message_en,
        } => (
            block.as_str(),
            *code,
            message_de.as_str(),
            message_en.as_str(),
        ),
        other => panic!("expected a refusal, got {other:?}\n{}", t.render_de()),
    }
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
fn vier_augen_picks_another_person_and_refuses_the_first_checker() {
    let w = template("beschaffung");
    let t = simulate_scripted(&w, &beschaffung("12400", json!({})));
    ended(&t);
    let check = t
        .steps
        .iter()
        .find(|s| s.block.as_str() == "preis-pruefen")
        .unwrap();
    assert_eq!(
        check.person.as_deref(),
        Some("Frau Yilmaz"),
        "Frau Meier did the first check"
    );

    let t = simulate_scripted(
        &w,
        &beschaffung("12400", json!({"actors": {"preis-pruefen": "Frau Meier"}})),
    );
    let (block, code, de, en) = refused(&t);
    assert_eq!(
        (block, code),
        ("preis-pruefen", RefusedCode::SameAsFirstCheck)
    );
    assert!(
        de.contains("Frau Meier darf „Preisvergleich gegenprüfen“ nicht übernehmen")
            && de.contains("Vier-Augen-Prinzip"),
        "{de}"
    );
    assert!(en.contains("four-eyes principle"), "{en}");

    // Nobody left: the only team leader did the first check herself.
    let t = simulate_scripted(
        &w,
        &beschaffung(
            "12400",
            json!({"persons": {"R-SB": ["Frau Meier"], "R-FBL": ["Frau Meier"]}}),
        ),
    );
    let (block, code, de) = blocked(&t);
    assert_eq!(
        (block, code),
        ("preis-pruefen", BlockedCode::NoEligiblePerson)
    );
    assert!(
        de.contains("Frau Meier: dieselbe Person hat bereits die Erstprüfung"),
        "{de}"
    );
}

#[test]
fn forced_person_outside_the_role_is_refused() {
    let w = template("beschaffung");
    let t = simulate_scripted(
        &w,
        &beschaffung(
            "80000",
            json!({"actors": {"schlusszeichnung": "Herr Schulz"}}),
        ),
    );
    let (block, code, de, _) = refused(&t);
    assert_eq!((block, code), ("schlusszeichnung", RefusedCode::NotInRole));
    assert!(
        de.contains("nicht in der Rolle „Bürgermeisterin / Bürgermeister“"),
        "{de}"
    );
}

#[test]
fn initiator_may_not_approve_own_travel_claim() {
    let w = template("reisekostenantrag");
    let case = json!({
        "startDate": "2026-10-26",
        "fields": {"erstattungsbetrag": "350.00", "reiseEnde": "2026-10-16", "reiseziel": "Köln"},
        "persons": {"R-DR": ["Herr Klein"], "R-TL": ["Herr Klein", "Frau Groß"]},
        "actors": {"anordnung-tl": "Herr Klein"}
    });
    let t = simulate_scripted(&w, &input(case.clone()));
    let (block, code, de, _) = refused(&t);
    assert_eq!((block, code), ("anordnung-tl", RefusedCode::Initiator));
    assert!(de.contains("wer den Fall angestoßen hat"), "{de}");
    // Explicit initiator who is the Reisekostenstelle's only clerk: the Festsetzung is fine, the
    // Anordnung by the same person is not (distinctFrom / first check).
    let mut c = case;
    c["initiator"] = json!("Frau Berger");
    c["persons"] = json!({"R-RK": ["Frau Berger"], "R-TL": ["Frau Berger"]});
    c["actors"] = json!({});
    let t = simulate_scripted(&w, &input(c));
    let (block, code, _) = blocked(&t);
    assert_eq!(
        (block, code),
        ("anordnung-tl", BlockedCode::NoEligiblePerson)
    );
}

/// Delegates to the script but lets the second visit of `angebote-einholen` be done by Herr Schulz.
struct SecondVisitBySchulz {
    inner: ScriptedDecisions,
    calls: u32,
}

impl Decisions for SecondVisitBySchulz {
    fn outcome(&mut self, b: &Block, visit: u32, ports: &[String]) -> String {
        self.inner.outcome(b, visit, ports)
    }
    fn vote(&mut self, b: &Block, visit: u32, i: usize) -> Vote {
        self.inner.vote(b, visit, i)
    }
    fn reply(&mut self, b: &Block, visit: u32) -> Option<u32> {
        self.inner.reply(b, visit)
    }
    fn delivery(&mut self, b: &Block, visit: u32) -> Option<u32> {
        self.inner.delivery(b, visit)
    }
    fn payment(&mut self, b: &Block, visit: u32) -> Option<u32> {
        self.inner.payment(b, visit)
    }
    fn actor(&mut self, b: &Block, slot: ActorSlot, c: &[String], e: &[String]) -> Option<String> {
        if b.id.as_str() == "angebote-einholen" {
            self.calls += 1;
            if self.calls == 2 {
                return Some("Herr Schulz".into());
            }
        }
        self.inner.actor(b, slot, c, e)
    }
    fn working_days(&mut self, b: &Block, visit: u32, p: Option<usize>) -> u32 {
        self.inner.working_days(b, visit, p)
    }
}

#[test]
fn distinct_from_covers_every_earlier_performer() {
    let w = template("beschaffung");
    // Visit 1: Meier prepares, Yilmaz rejects; visit 2: Schulz prepares; Meier may still not check.
    let case = beschaffung(
        "12400",
        json!({"choices": {"preis-pruefen": ["reject"]}, "actors": {"preis-pruefen": "Frau Meier"}}),
    );
    let mut d = SecondVisitBySchulz {
        inner: ScriptedDecisions::new(&case),
        calls: 0,
    };
    let t = simulate(&w, &case, &mut d);
    // The forced Frau Meier is refused already on the first visit (she did the first check).
    assert_eq!(refused(&t).1, RefusedCode::SameAsFirstCheck);

    let case = beschaffung("12400", json!({"choices": {"preis-pruefen": ["reject"]}}));
    let mut d = SecondVisitBySchulz {
        inner: ScriptedDecisions::new(&case),
        calls: 0,
    };
    let t = simulate(&w, &case, &mut d);
    ended(&t);
    let checks: Vec<&str> = t
        .steps
        .iter()
        .filter(|s| s.block.as_str() == "preis-pruefen")
        .map(|s| s.person.as_deref().unwrap())
        .collect();
    assert_eq!(
        checks,
        ["Frau Yilmaz", "Frau Yilmaz"],
        "Frau Meier is excluded on the second visit too (distinctFrom)"
    );

    // Meier is forced onto the second check after Schulz redid the price comparison: she is not
    // the last first checker, but she performed angebote-einholen before (distinctFrom).
    let case2 = beschaffung("12400", json!({"choices": {"preis-pruefen": ["reject"]}}));
    struct ForceMeierOnSecondCheck(SecondVisitBySchulz, u32);
    impl Decisions for ForceMeierOnSecondCheck {
        fn outcome(&mut self, b: &Block, v: u32, p: &[String]) -> String {
            self.0.outcome(b, v, p)
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
            if b.id.as_str() == "preis-pruefen" {
                self.1 += 1;
                if self.1 == 2 {
                    return Some("Frau Meier".into());
                }
            }
            self.0.actor(b, s, c, e)
        }
        fn working_days(&mut self, b: &Block, v: u32, p: Option<usize>) -> u32 {
            self.0.working_days(b, v, p)
        }
    }
    let mut d = ForceMeierOnSecondCheck(
        SecondVisitBySchulz {
            inner: ScriptedDecisions::new(&case2),
            calls: 0,
        },
        0,
    );
    let t = simulate(&w, &case2, &mut d);
    let (block, code, de, _) = refused(&t);
    assert_eq!(
        (block, code),
        ("preis-pruefen", RefusedCode::DistinctFrom),
        "{de}"
    );
    assert!(
        de.contains("„Vergleichsangebote einholen und auswerten“ bearbeitet"),
        "{de}"
    );
}

#[test]
fn signing_limit_refuses_the_schlusszeichnung() {
    let mut w = template("foerderantrag");
    let fbl = w
        .roles
        .iter_mut()
        .find(|r| r.id.as_str() == "R-FBL")
        .unwrap();
    fbl.signing_limit = Some(Money::euros(10_000));
    // Still a valid workflow: no Wertgrenzen-Weiche routes to the signer.
    assert!(!validate(&w).iter().any(Finding::is_error));
    let case = |amount: &str| {
        input(
            json!({"startDate": "2026-03-02", "fields": {"foerderbetrag": amount, "gesamtkosten": "40000", "bewilligungsEnde": "2026-06-30"}}),
        )
    };
    let t = simulate_scripted(&w, &case("12400.00"));
    let (block, code, de, en) = refused(&t);
    assert_eq!(
        (block, code),
        ("schlusszeichnung", RefusedCode::SigningLimit)
    );
    assert!(
        de.starts_with("Zeichnungsbefugnis 10.000 € reicht für 12.400 € nicht"),
        "{de}"
    );
    assert!(
        en.starts_with("Signing authority €10,000 does not cover €12,400"),
        "{en}"
    );
    ended(&simulate_scripted(&w, &case("10000")));
}
