//! Gateways with conditions: value bands become a Wertgrenzen-Weiche, other conditions a
//! Komplexitäts-Weiche; the fields the conditions use are declared with a guessed type.

use super::*;

/// A FEEL condition of the form `f <= U`, `f > L and f <= U` or `f > L`, as (field, lower, upper).
pub(super) fn band_of(cond: &str) -> Option<(String, Option<Money>, Option<Money>)> {
    // Only `<`, `<=`, `>`, `>=` in the text give the comparisons of a band (most conditions,
    // such as `outcome = "ok"`, are not read twice).
    if !cond.contains(['<', '>']) {
        return None;
    }
    let canonical = crate::bpmn::plan::rule_condition(cond);
    let money = |s: &str| -> Option<Money> {
        let frac = s.split_once('.').map_or(0, |(_, f)| f.len());
        if frac > 2 || s.is_empty() {
            return None;
        }
        Money::parse(s).ok()
    };
    let t: Vec<&str> = canonical.split(' ').collect();
    match t.as_slice() {
        [f, "<=", u] if crate::expr::is_identifier(f) => {
            Some((f.to_string(), None, Some(money(u)?)))
        }
        [f, ">", l] if crate::expr::is_identifier(f) => {
            Some((f.to_string(), Some(money(l)?), None))
        }
        [f, ">", l, "and", g, "<=", u] if f == g && crate::expr::is_identifier(f) => {
            Some((f.to_string(), Some(money(l)?), Some(money(u)?)))
        }
        _ => None,
    }
}

/// Field types a condition suggests: a field used as a truth value (operand of `and`, `or`,
/// `not`, or the whole condition) is a bool, one compared with a literal has the literal's
/// type, one in arithmetic a number. The first suggestion per field wins.
pub(super) fn guess_types(e: &crate::expr::Expr) -> HashMap<String, FieldType> {
    use crate::expr::{BinOp, ExprKind};
    fn literal(k: &ExprKind) -> Option<FieldType> {
        match k {
            ExprKind::Bool(_) => Some(FieldType::Bool),
            ExprKind::Text(_) => Some(FieldType::Text),
            ExprKind::Number(_) => Some(FieldType::Int),
            ExprKind::Date(_) | ExprKind::Today => Some(FieldType::Date),
            _ => None,
        }
    }
    fn walk(e: &crate::expr::Expr, truth: bool, out: &mut HashMap<String, FieldType>) {
        match &e.kind {
            ExprKind::Field(f) if truth => {
                out.entry(f.clone()).or_insert(FieldType::Bool);
            }
            ExprKind::Not(i) => walk(i, true, out),
            ExprKind::Neg(i) => {
                if let Some(f) = i.as_field() {
                    out.entry(f.to_string()).or_insert(FieldType::Int);
                }
                walk(i, false, out);
            }
            ExprKind::Binary(op, l, r) => {
                let logic = matches!(op, BinOp::And | BinOp::Or);
                if op.is_comparison() {
                    for (a, b) in [(l, r), (r, l)] {
                        if let (Some(f), Some(t)) = (a.as_field(), literal(&b.kind)) {
                            out.entry(f.to_string()).or_insert(t);
                        }
                    }
                } else if !logic {
                    for side in [l, r] {
                        if let Some(f) = side.as_field() {
                            out.entry(f.to_string()).or_insert(FieldType::Int);
                        }
                    }
                }
                walk(l, logic, out);
                walk(r, logic, out);
            }
            _ => {}
        }
    }
    let mut out = HashMap::new();
    walk(e, true, &mut out);
    out
}

/// A flow whose condition is a value band: (field, lower, upper, flow).
pub(super) type BandFlow = (String, Option<Money>, Option<Money>, usize);

/// Whether a `language` attribute names an expression language the import reads.
fn readable_language(language: &str) -> bool {
    let l = language.to_ascii_lowercase();
    l.contains("feel") || l.contains("juel") || l.contains("/el")
}

/// A flow's `conditionExpression` as FEEL text: Camunda 8's `= …` without the `=`, Camunda 7's
/// JUEL `${…}` translated; otherwise the text as written. Second: why it is not FEEL-subset
/// text (JUEL outside the subset, a script language), German and English.
pub(super) fn read_condition(c: Element) -> (Option<String>, Option<(String, String)>) {
    let text = c.text();
    let raw = text.trim();
    if raw.is_empty() {
        return (None, None);
    }
    if let Some(language) = c.attr("language").map(str::trim).filter(|l| !l.is_empty()) {
        if !readable_language(language) {
            return (
                Some(raw.to_string()),
                Some((
                    format!("Bedingung in der Skriptsprache „{language}“ kann nicht übernommen werden; bitte als FEEL-Bedingung neu schreiben: {raw}"),
                    format!("Condition in the script language “{language}” cannot be imported; please rewrite it as a FEEL condition: {raw}"),
                )),
            );
        }
    }
    if let Some(feel) = raw.strip_prefix('=') {
        return (Some(feel.trim().to_string()), None);
    }
    if !raw.contains("${") && !raw.contains("#{") {
        return (Some(raw.to_string()), None);
    }
    match crate::expr::from_juel(raw) {
        Ok(e) => (Some(crate::expr::to_feel(&e)), None),
        Err(e) => (
            Some(raw.to_string()),
            Some((
                format!("JUEL-Bedingung „{raw}“ liegt außerhalb der FEEL-Teilmenge von Fachwerk (Zeichen {}): {}. Sie bleibt als Text stehen; bitte von Hand übertragen.", e.pos + 1, e.message_de),
                format!("JUEL condition “{raw}” is outside Fachwerk's FEEL subset (character {}): {}. It is kept as text; please translate it by hand.", e.pos + 1, e.message_en),
            )),
        ),
    }
}

/// Condition text of a flow for a rule, with a note when it is not in the FEEL subset.
pub(super) fn rule_text(cx: &mut Ctx, f: usize) -> String {
    let text = cx.flows[f].condition.clone().unwrap_or_default();
    let el = cx.flows[f].el;
    if let Some((de, en)) = cx.flows[f].condition_problem.clone() {
        cx.note(el, de, en);
        return text;
    }
    // Texts repeat (`outcome = "ok"` on every other gateway): each is parsed once.
    let checked = match cx.feel_errors.get(&text) {
        Some(r) => r.clone(),
        None => {
            let r = crate::expr::parse(&text).err();
            cx.feel_errors.insert(text.clone(), r.clone());
            r
        }
    };
    if let Some(e) = checked {
        cx.note(
            el,
            format!(
                "Bedingung „{text}“ liegt nicht in der unterstützten FEEL-Teilmenge: {}",
                e.message_de
            ),
            format!(
                "Condition “{text}” is not in the supported FEEL subset: {}",
                e.message_en
            ),
        );
    }
    text
}

pub(super) fn router(cx: &mut Ctx, g: usize) {
    let el = cx.nodes[g].el;
    let default_id = el.attr("default").map(str::to_string);
    let outs = cx.nodes[g].outgoing.clone();
    let mut default = outs
        .iter()
        .copied()
        .find(|f| Some(cx.flows[*f].id) == default_id.as_deref());
    if default.is_none() {
        let unconditioned: Vec<usize> = outs
            .iter()
            .copied()
            .filter(|f| cx.flows[*f].condition.is_none())
            .collect();
        if let [only] = unconditioned.as_slice() {
            default = Some(*only);
        }
    }
    let conditional: Vec<usize> = outs
        .iter()
        .copied()
        .filter(|f| Some(*f) != default)
        .collect();
    let label = cx.label(g, "Weiche");

    // Value bands over one field?
    let bands: Option<Vec<BandFlow>> = conditional
        .iter()
        .map(|f| {
            cx.flows[*f]
                .condition
                .as_deref()
                .and_then(band_of)
                .map(|(field, l, u)| (field, l, u, *f))
        })
        .collect();
    if let Some(mut bands) = bands.filter(|b| !b.is_empty()) {
        let field = bands[0].0.clone();
        let unbounded = bands.iter().filter(|b| b.2.is_none()).count();
        if bands.iter().all(|b| b.0 == field)
            && ((unbounded == 0 && default.is_some()) || (unbounded == 1 && default.is_none()))
        {
            if let Some(d) = default {
                let top = bands.iter().filter_map(|b| b.2).max().unwrap_or_default();
                bands.push((field.clone(), Some(top), None, d));
            }
            bands.sort_by_key(|b| b.1.unwrap_or_default());
            let mut taken = Unique::default();
            let mut ports = Vec::new();
            let list: Vec<Band> = bands
                .iter()
                .enumerate()
                .map(|(k, (_, l, u, f))| {
                    let name = cx.flows[*f].name.to_string();
                    let id = taken.take(if name.is_empty() {
                        format!("band-{}", k + 1)
                    } else {
                        slug(&name)
                    });
                    ports.push((id.clone(), *f));
                    Band {
                        id,
                        lower: l.unwrap_or_default(),
                        upper: *u,
                        label: name,
                    }
                })
                .collect();
            let kind = BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: field,
                bands: list,
                ..WertgrenzenParams::default()
            });
            cx.add(g, label, kind, ports, &[]);
            return;
        }
    }

    let mut taken = Unique::default();
    taken.reserve(OTHERWISE_PORT);
    let mut rules = Vec::new();
    let mut ports = Vec::new();
    for (k, f) in conditional.iter().enumerate() {
        let name = cx.flows[*f].name.to_string();
        let id = taken.take(if name.is_empty() {
            format!("regel-{}", k + 1)
        } else {
            slug(&name)
        });
        if cx.flows[*f].condition.is_none() {
            let fel = cx.flows[*f].el;
            cx.note(
                fel,
                "Fluss ohne Bedingung: die Regel bleibt leer.",
                "Flow without a condition: the rule stays empty.",
            );
        }
        let condition = if cx.flows[*f].condition.is_some() {
            rule_text(cx, *f)
        } else {
            String::new()
        };
        rules.push(Rule {
            id: id.clone(),
            label: name,
            condition,
        });
        ports.push((id, *f));
    }
    match default {
        Some(d) => ports.push((OTHERWISE_PORT.to_string(), d)),
        None => cx.note(
            el,
            "Gateway ohne Standardfluss: der Ausgang „sonst“ bleibt offen.",
            "Gateway without a default flow: the “otherwise” exit stays unconnected.",
        ),
    }
    cx.add(
        g,
        label,
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules,
            evaluation: Evaluation::FirstMatch,
        }),
        ports,
        &[],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_from_conditions() {
        let e = crate::expr::parse(
            "art = \"Baustelle\" or fahrbahn and not(eilig) and 30 < dauer and x * 2 > 1 and d = date(\"2026-01-01\") and b = true",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let t = guess_types(&e);
        assert_eq!(t["art"], FieldType::Text);
        assert_eq!(t["fahrbahn"], FieldType::Bool);
        assert_eq!(t["eilig"], FieldType::Bool);
        assert_eq!(t["dauer"], FieldType::Int);
        assert_eq!(t["x"], FieldType::Int);
        assert_eq!(t["d"], FieldType::Date);
        assert_eq!(t["b"], FieldType::Bool);
        let whole = crate::expr::parse("genehmigt").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(guess_types(&whole)["genehmigt"], FieldType::Bool);
    }

    #[test]
    fn slugs_and_bands() {
        assert_eq!(slug("Über 25.000 € – Vergabe"), "ueber-25-000-vergabe");
        assert_eq!(slug("  "), "");
        assert_eq!(
            band_of("betragNetto > 1000 and betragNetto <= 25000"),
            Some((
                "betragNetto".into(),
                Some(Money::euros(1000)),
                Some(Money::euros(25000))
            ))
        );
        assert_eq!(
            band_of("betrag <= 1000.5"),
            Some(("betrag".into(), None, Some(Money(100_050))))
        );
        assert_eq!(band_of("betrag > 1000 and x <= 5"), None);
        assert_eq!(band_of("betrag < 1000"), None);
        assert_eq!(band_of("1000 >= betrag"), None);
        assert_eq!(band_of("outcome = \"ok\""), None);
    }
}
