//! Expressions: Komplexitäts-Weiche rules (blocks.md §2.7) and Zahlung amounts (§2.12).
//! Message texts are only built when there is a finding.

use super::blocks::{field_type_de, field_type_en, unknown_field};
use super::ctx::{de, en, Ctx};
use super::{Element, Finding};
use crate::expr::{self, Expr, ExprType, TypeErrorKind, Value};
use crate::model::{BlockKind, Field, KomplexitaetParams, Rule};

/// How many earlier rules are compared with each rule for `W_RULE_SHADOWED`, and how many
/// comparisons one router may use at most (bounded effort).
const SHADOW_WINDOW: usize = 64;
const SHADOW_BUDGET: usize = 4096;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for i in 0..ctx.n() {
        match ctx.kind(i) {
            Some(BlockKind::Komplexitaet(p)) => router(ctx, out, i, p),
            Some(BlockKind::Zahlung(p)) => amount(ctx, out, i, &p.amount),
            _ => {}
        }
    }
}

/// 1-based character column of a byte position, for messages.
fn column(src: &str, pos: usize) -> usize {
    src.get(..pos).map_or(pos, |s| s.chars().count()) + 1
}

/// The expression being checked, for messages and element paths.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Rule { k: usize, rule: &'a Rule },
    Amount { src: &'a str },
}

impl Subject<'_> {
    fn path(self) -> String {
        match self {
            Subject::Rule { k, .. } => format!("rules[{k}].condition"),
            Subject::Amount { .. } => "amount".into(),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Subject::Rule { .. } => "E_CONDITION_INVALID",
            Subject::Amount { .. } => "E_AMOUNT_INVALID",
        }
    }

    /// "Die Bedingung „x > 1“ der Regel „Lang“" / "The condition “x > 1” of rule “Lang”".
    fn what(self, ctx: &Ctx<'_>, i: usize) -> (String, String) {
        match self {
            Subject::Rule { rule, .. } => {
                let name = rule_name(rule);
                (
                    format!(
                        "Die Bedingung {} der Regel {}",
                        de(&rule.condition),
                        de(&name)
                    ),
                    format!(
                        "The condition {} of rule {}",
                        en(&rule.condition),
                        en(&name)
                    ),
                )
            }
            Subject::Amount { src } => (
                format!("Der Betrag {} von {}", de(src), de(&ctx.label(i))),
                format!("The amount {} of {}", en(src), en(&ctx.label_en(i))),
            ),
        }
    }

    fn example(self) -> (&'static str, &'static str) {
        match self {
            Subject::Rule { .. } => (
                "Beispiel: betragNetto > 1000 and dringend = true",
                "Example: betragNetto > 1000 and dringend = true",
            ),
            Subject::Amount { .. } => (
                "Zum Beispiel „50.00“, „gebuehr“ oder „flaecheQm * 2.5“.",
                "For example “50.00”, “gebuehr” or “flaecheQm * 2.5”.",
            ),
        }
    }
}

enum Checked {
    Valid(Expr, ExprType),
    Reported,
}

/// Parses and type-checks; reports problems with the subject's code (unknown fields as
/// `E_UNKNOWN_FIELD`).
fn parse_and_check(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
    i: usize,
    src: &str,
    subject: Subject<'_>,
) -> Checked {
    let id = ctx.id(i);
    let e = match expr::parse(src) {
        Ok(e) => e,
        Err(err) => {
            let col = column(src, err.pos);
            let (what_de, what_en) = subject.what(ctx, i);
            let (ex_de, ex_en) = subject.example();
            out.push(
                Finding::new(
                    subject.code(),
                    Element::param(id, subject.path()),
                    format!(
                        "{what_de} ist ungültig (Zeichen {col}): {}.",
                        err.message_de
                    ),
                    format!(
                        "{what_en} is invalid (character {col}): {}.",
                        err.message_en
                    ),
                )
                .hint(ex_de, ex_en),
            );
            return Checked::Reported;
        }
    };
    let lookup = |name: &str| -> Option<&Field> { ctx.field(name) };
    let errors = match expr::check_with(&e, &lookup) {
        Ok(t) => return Checked::Valid(e, t),
        Err(errors) => errors,
    };
    let mut unknown: Vec<&str> = Vec::new();
    let mut other_de: Vec<String> = Vec::new();
    let mut other_en: Vec<String> = Vec::new();
    for err in &errors {
        match &err.kind {
            TypeErrorKind::UnknownField(f) => {
                if !unknown.contains(&f.as_str()) {
                    unknown.push(f);
                }
            }
            _ => {
                let col = column(src, err.span.start);
                other_de.push(format!("Zeichen {col}: {}", err.message_de));
                other_en.push(format!("character {col}: {}", err.message_en));
            }
        }
    }
    let (what_de, what_en) = subject.what(ctx, i);
    for f in unknown {
        let mut finding =
            unknown_field(ctx, Element::param(id, subject.path()).with_field(f), i, f);
        finding.message_de = format!(
            "{what_de} verwendet die Fallvariable {}, die nicht deklariert ist.",
            de(f)
        );
        finding.message_en = format!(
            "{what_en} uses the case field {}, which is not declared.",
            en(f)
        );
        out.push(finding);
    }
    if !other_de.is_empty() {
        out.push(
            Finding::new(
                subject.code(),
                Element::param(id, subject.path()),
                format!("{what_de} passt nicht zusammen ({}).", other_de.join("; ")),
                format!("{what_en} does not type-check ({}).", other_en.join("; ")),
            )
            .hint(
                "Vergleichen Sie Zahlen mit Zahlen, Texte mit Texten in Anführungszeichen und Daten mit date(\"JJJJ-MM-TT\").",
                "Compare numbers with numbers, texts with quoted texts and dates with date(\"YYYY-MM-DD\").",
            ),
        );
    }
    Checked::Reported
}

/// The expression has the wrong type: `E_FIELD_TYPE` if it is just a field, else the subject's code.
fn wrong_type(ctx: &Ctx<'_>, i: usize, subject: Subject<'_>, e: &Expr, t: ExprType) -> Finding {
    let (want_de, want_en, yields_de, yields_en) = match subject {
        Subject::Rule { .. } => (
            "Ja/Nein (bool)",
            "bool",
            "statt wahr/falsch",
            "instead of true/false",
        ),
        Subject::Amount { .. } => (
            "ein Betrag oder eine Zahl",
            "money or a number",
            "statt einer Zahl",
            "instead of a number",
        ),
    };
    if let Some(name) = e.as_field() {
        let (t_de, t_en) = match ctx.field(name).map(|f| f.field_type) {
            Some(ft) => (field_type_de(ft), field_type_en(ft)),
            None => ("Text", "text"),
        };
        return Finding::new(
            "E_FIELD_TYPE",
            Element::param(ctx.id(i), subject.path()).with_field(name),
            format!(
                "In {} ist {} vom Typ {t_de}, erwartet wird {want_de}.",
                de(&ctx.label(i)),
                de(name)
            ),
            format!(
                "In {}, {} is of type {t_en}, expected {want_en}.",
                en(&ctx.label_en(i)),
                en(name)
            ),
        )
        .hint(
            "Wählen Sie ein passendes Feld oder formulieren Sie einen Vergleich.",
            "Choose a matching field or write a comparison.",
        );
    }
    let (what_de, what_en) = subject.what(ctx, i);
    let (ex_de, ex_en) = subject.example();
    Finding::new(
        subject.code(),
        Element::param(ctx.id(i), subject.path()),
        format!("{what_de} ergibt {} {yields_de}.", t.name_de()),
        format!("{what_en} yields a {} {yields_en}.", t.name_en()),
    )
    .hint(ex_de, ex_en)
}

fn rule_name(r: &Rule) -> String {
    if r.label.trim().is_empty() {
        r.id.clone()
    } else {
        r.label.clone()
    }
}

fn router(ctx: &Ctx<'_>, out: &mut Vec<Finding>, i: usize, p: &KomplexitaetParams) {
    let id = ctx.id(i);
    if p.rules.is_empty() {
        out.push(
            Finding::new(
                "W_ROUTER_NO_RULES",
                Element::param(id, "rules"),
                format!(
                    "{} hat keine Regeln; alle Fälle gehen den Weg „sonst“.",
                    de(&ctx.label(i))
                ),
                format!(
                    "{} has no rules; every case takes the “otherwise” path.",
                    en(&ctx.label_en(i))
                ),
            )
            .hint(
                "Fügen Sie eine Regel hinzu oder entfernen Sie die Weiche.",
                "Add a rule or remove the router.",
            ),
        );
        return;
    }
    // Per rule: the parsed condition if it is a valid boolean, and whether it is constant true.
    let mut valid: Vec<(Option<Expr>, bool)> = Vec::with_capacity(p.rules.len());
    for (k, rule) in p.rules.iter().enumerate() {
        let subject = Subject::Rule { k, rule };
        if rule.condition.trim().is_empty() {
            out.push(
                Finding::new(
                    "E_CONDITION_INVALID",
                    Element::param(id, subject.path()),
                    format!(
                        "Die Regel {} von {} hat keine Bedingung.",
                        de(&rule_name(rule)),
                        de(&ctx.label(i))
                    ),
                    format!(
                        "The rule {} of {} has no condition.",
                        en(&rule_name(rule)),
                        en(&ctx.label_en(i))
                    ),
                )
                .hint("Beispiel: dauerTage > 30", "Example: dauerTage > 30"),
            );
            valid.push((None, false));
            continue;
        }
        match parse_and_check(ctx, out, i, &rule.condition, subject) {
            Checked::Valid(e, ExprType::Bool) => {
                let constant = expr::constant_truth(&e) == Some(true);
                valid.push((Some(e), constant));
            }
            Checked::Valid(e, t) => {
                out.push(wrong_type(ctx, i, subject, &e, t));
                valid.push((None, false));
            }
            Checked::Reported => valid.push((None, false)),
        }
    }

    let last = p.rules.len() - 1;
    for (k, rule) in p.rules.iter().enumerate() {
        if k < last && valid.get(k).is_some_and(|v| v.1) {
            out.push(
                Finding::new(
                    "W_RULE_CONSTANT_TRUE",
                    Element::param(id, Subject::Rule { k, rule }.path()),
                    format!(
                        "Die Regel {} von {} trifft immer zu; die Regeln danach und „sonst“ werden nie erreicht.",
                        de(&rule_name(rule)),
                        de(&ctx.label(i))
                    ),
                    format!(
                        "The rule {} of {} is always true; the rules after it and “otherwise” are never reached.",
                        en(&rule_name(rule)),
                        en(&ctx.label_en(i))
                    ),
                )
                .hint("Machen Sie die Regel zur letzten oder geben Sie ihr eine echte Bedingung.", "Make it the last rule or give it a real condition."),
            );
        }
    }
    if p.rules.len() < 2 {
        return;
    }
    let first_constant = valid.iter().position(|v| v.1).unwrap_or(usize::MAX);
    // Each condition is analysed once; pairs are compared within a window and a budget, so
    // that a router with thousands of rules stays cheap (the check is sound, not complete).
    let prepared: Vec<Option<expr::Prepared<'_>>> = valid
        .iter()
        .map(|(e, constant)| e.as_ref().filter(|_| !constant).map(expr::prepare))
        .collect();
    let mut budget = SHADOW_BUDGET;
    for (j, later) in prepared.iter().enumerate() {
        let Some(later) = later else { continue };
        if j > first_constant || budget == 0 {
            continue;
        }
        let from = j.saturating_sub(SHADOW_WINDOW);
        let earlier = (from..j).find(|&k| {
            budget = budget.saturating_sub(1);
            budget > 0
                && prepared
                    .get(k)
                    .and_then(Option::as_ref)
                    .is_some_and(|e| e.subsumes(later))
        });
        let Some(k) = earlier else { continue };
        let (Some(rj), Some(rk)) = (p.rules.get(j), p.rules.get(k)) else {
            continue;
        };
        out.push(
            Finding::new(
                "W_RULE_SHADOWED",
                Element::param(id, Subject::Rule { k: j, rule: rj }.path()),
                format!(
                    "Die Regel {} ({}) greift nie: Immer wenn sie zutrifft, trifft schon die frühere Regel {} ({}) zu.",
                    de(&rule_name(rj)),
                    rj.condition.trim(),
                    de(&rule_name(rk)),
                    rk.condition.trim()
                ),
                format!(
                    "The rule {} ({}) never fires: whenever it is true, the earlier rule {} ({}) is true already.",
                    en(&rule_name(rj)),
                    rj.condition.trim(),
                    en(&rule_name(rk)),
                    rk.condition.trim()
                ),
            )
            .hint(
                format!("Stellen Sie {} vor {} oder schärfen Sie die Bedingungen.", de(&rule_name(rj)), de(&rule_name(rk))),
                format!("Move {} before {} or tighten the conditions.", en(&rule_name(rj)), en(&rule_name(rk))),
            ),
        );
    }
}

fn amount(ctx: &Ctx<'_>, out: &mut Vec<Finding>, i: usize, src: &str) {
    let id = ctx.id(i);
    let subject = Subject::Amount { src };
    if src.trim().is_empty() {
        out.push(
            Finding::new(
                "E_AMOUNT_INVALID",
                Element::param(id, "amount"),
                format!("Für {} ist kein Betrag angegeben.", de(&ctx.label(i))),
                format!("{} has no amount.", en(&ctx.label_en(i))),
            )
            .hint(
                "Zum Beispiel „50.00“ oder ein Betragsfeld wie „gebuehr“.",
                "For example “50.00” or a money field such as “gebuehr”.",
            ),
        );
        return;
    }
    let e = match parse_and_check(ctx, out, i, src, subject) {
        Checked::Reported => return,
        Checked::Valid(e, ExprType::Number) => e,
        Checked::Valid(e, t) => {
            out.push(wrong_type(ctx, i, subject, &e, t));
            return;
        }
    };
    if !expr::fields_used(&e).is_empty() {
        return;
    }
    let problem = match expr::eval(&e, &expr::EvalContext::without_today(&|_| None)) {
        Ok(Value::Number(n)) if n.is_negative() || n.is_zero() => Some((
            format!(
                "{} ist {}; ein zu zahlender Betrag muss größer als 0 € sein.",
                de(src),
                n.to_german()
            ),
            format!(
                "{} is {}; an amount to pay must be greater than €0.",
                en(src),
                n
            ),
        )),
        Ok(Value::Number(n)) if n.to_money().is_none() => Some((
            format!(
                "{} ({}) enthält Bruchteile eines Cents.",
                de(src),
                n.to_german()
            ),
            format!("{} ({}) contains fractions of a cent.", en(src), n),
        )),
        Ok(_) => None,
        Err(err) => Some((
            format!(
                "{} lässt sich nicht berechnen: {}.",
                de(src),
                err.message_de()
            ),
            format!("{} cannot be computed: {err}.", en(src)),
        )),
    };
    if let Some((d, e)) = problem {
        out.push(
            Finding::new(
                "E_AMOUNT_INVALID",
                Element::param(id, "amount"),
                format!("Der Betrag von {}: {d}", de(&ctx.label(i))),
                format!("The amount of {}: {e}", en(&ctx.label_en(i))),
            )
            .hint(
                "Geben Sie einen positiven Betrag in Euro mit höchstens zwei Nachkommastellen an.",
                "Enter a positive amount in euros with at most two decimals.",
            ),
        );
    }
}
