//! Gateways with conditions: value bands become a Wertgrenzen-Weiche, other conditions a
//! Komplexitäts-Weiche; the fields the conditions use are declared with a guessed type.

use super::*;

/// A FEEL condition of the form `f <= U`, `f > L and f <= U` or `f > L`, as (field, lower, upper).
pub(super) fn band_of(cond: &str) -> Option<(String, Option<Money>, Option<Money>)> {
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

pub(super) fn guess_type(canonical: &str, field: &str) -> FieldType {
    if canonical == field || canonical == format!("not({field})") {
        return FieldType::Bool;
    }
    for op in [" = ", " != ", " <= ", " >= ", " < ", " > "] {
        let needle = format!("{field}{op}");
        if let Some(pos) = canonical.find(&needle) {
            let rest = &canonical[pos + needle.len()..];
            if rest.starts_with("true") || rest.starts_with("false") {
                return FieldType::Bool;
            }
            if rest.starts_with('"') {
                return FieldType::Text;
            }
            if rest.starts_with("date(") {
                return FieldType::Date;
            }
            if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                return FieldType::Int;
            }
        }
    }
    FieldType::Text
}

/// A flow whose condition is a value band: (field, lower, upper, flow).
pub(super) type BandFlow = (String, Option<Money>, Option<Money>, usize);

/// Condition text of a flow for a rule: FEEL as written; JUEL `${…}` unwrapped with a note.
pub(super) fn rule_text(cx: &mut Ctx, f: usize) -> String {
    let raw = cx.flows[f].condition.clone().unwrap_or_default();
    let el = cx.flows[f].el;
    let text = match raw
        .strip_prefix("${")
        .or_else(|| raw.strip_prefix("#{"))
        .and_then(|r| r.strip_suffix('}'))
    {
        Some(inner) => {
            cx.note(
                el,
                "JUEL-Ausdruck als FEEL-Text übernommen; bitte prüfen.",
                "JUEL expression imported as FEEL text; please check.",
            );
            inner
                .trim()
                .replace("==", "=")
                .replace("&&", "and")
                .replace("||", "or")
        }
        None => raw,
    };
    if let Err(e) = crate::expr::parse(&text) {
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
        .find(|f| Some(&cx.flows[*f].id) == default_id.as_ref());
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
                    let name = cx.flows[*f].name.clone();
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
        let name = cx.flows[*f].name.clone();
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
    }
}
