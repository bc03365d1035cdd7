//! Wertgrenzen-Weiche (blocks.md §2.6) and the signing limits behind its bands (§2.5).

use std::collections::VecDeque;

use super::blocks::field_ref;
use super::ctx::{de, en, money_de, money_en, Ctx, NONE};
use super::{Element, Finding};
use crate::catalog::band_label;
use crate::model::{Assignee, BlockKind, BlockType, FieldType, WertgrenzenParams};
use crate::values::Money;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for i in 0..ctx.n() {
        if let Some(BlockKind::Wertgrenzen(p)) = ctx.kind(i) {
            bands(ctx, out, i, p);
        }
    }
    signing_limits(ctx, out);
}

fn bands(ctx: &Ctx<'_>, out: &mut Vec<Finding>, i: usize, p: &WertgrenzenParams) {
    let id = ctx.id(i);
    field_ref(
        ctx,
        out,
        i,
        "amountField",
        &p.amount_field,
        &[FieldType::Money],
        "ein Betragsfeld (money)",
        "a money field",
    );
    if !p.currency.trim().eq_ignore_ascii_case("EUR") {
        out.push(
            Finding::new(
                "E_CURRENCY_UNSUPPORTED",
                Element::param(id, "currency"),
                format!(
                    "{} rechnet in {}; unterstützt wird nur EUR.",
                    de(&ctx.label(i)),
                    de(&p.currency)
                ),
                format!(
                    "{} uses the currency {}; only EUR is supported.",
                    en(&ctx.label_en(i)),
                    en(&p.currency)
                ),
            )
            .hint(
                "Stellen Sie die Währung auf EUR.",
                "Set the currency to EUR.",
            ),
        );
    }
    match p.bands.len() {
        0 => {
            out.push(
                Finding::new(
                    "E_THRESHOLD_NO_BANDS",
                    Element::param(id, "bands"),
                    format!("{} hat keine Wertgrenzen.", de(&ctx.label(i))),
                    format!("{} has no value bands.", en(&ctx.label_en(i))),
                )
                .hint(
                    "Legen Sie Wertgrenzen an, z. B. „bis 1.000 €“ und „über 1.000 €“.",
                    "Add bands, e.g. “up to €1,000” and “over €1,000”.",
                ),
            );
            return;
        }
        1 => out.push(
            Finding::new(
                "W_THRESHOLD_SINGLE_BAND",
                Element::param(id, "bands"),
                format!(
                    "{} hat nur eine Wertgrenze und verzweigt daher nicht.",
                    de(&ctx.label(i))
                ),
                format!(
                    "{} has only one band, so it does not branch.",
                    en(&ctx.label_en(i))
                ),
            )
            .hint(
                "Fügen Sie eine weitere Wertgrenze hinzu oder entfernen Sie die Weiche.",
                "Add another band or remove the router.",
            ),
        ),
        _ => {}
    }
    let name = |k: usize| {
        p.bands
            .get(k)
            .map(|b| band_label(b.lower, b.upper, &b.label))
            .unwrap_or_default()
    };

    // Per band: negative or empty bounds.
    let mut usable: Vec<(Money, Option<Money>, usize)> = Vec::new();
    for (k, b) in p.bands.iter().enumerate() {
        let zero = Money(0);
        if b.lower < zero || b.upper.is_some_and(|u| u < zero) {
            let (param, value) = if b.lower < zero {
                ("lower", b.lower)
            } else {
                ("upper", b.upper.unwrap_or(zero))
            };
            out.push(
                Finding::new(
                    "E_THRESHOLD_NEGATIVE",
                    Element::param(id, format!("bands[{k}].{param}")),
                    format!(
                        "In {} hat die Wertgrenze {} die negative Grenze {}.",
                        de(&ctx.label(i)),
                        de(&name(k).0),
                        money_de(value)
                    ),
                    format!(
                        "In {}, the band {} has the negative bound {}.",
                        en(&ctx.label_en(i)),
                        en(&name(k).1),
                        money_en(value)
                    ),
                )
                .hint("Beträge beginnen bei 0 €.", "Amounts start at €0."),
            );
            if b.upper.is_some_and(|u| u < zero) {
                continue;
            }
        } else if let Some(u) = b.upper.filter(|u| *u <= b.lower) {
            out.push(
                Finding::new(
                    "E_THRESHOLD_EMPTY_BAND",
                    Element::param(id, format!("bands[{k}].upper")),
                    format!(
                        "In {} ist die Wertgrenze {} leer: die Obergrenze {} liegt nicht über der Untergrenze {}.",
                        de(&ctx.label(i)),
                        de(&name(k).0),
                        money_de(u),
                        money_de(b.lower)
                    ),
                    format!(
                        "In {}, the band {} is empty: its upper bound {} is not above its lower bound {}.",
                        en(&ctx.label_en(i)),
                        en(&name(k).1),
                        money_en(u),
                        money_en(b.lower)
                    ),
                )
                .hint("Die Obergrenze muss größer als die Untergrenze sein.", "The upper bound must be greater than the lower bound."),
            );
            continue;
        }
        usable.push((b.lower.max(zero), b.upper, k));
    }

    // Order as written.
    for k in 1..p.bands.len() {
        let (Some(a), Some(b)) = (p.bands.get(k - 1), p.bands.get(k)) else {
            continue;
        };
        if b.lower < a.lower {
            out.push(
                Finding::new(
                    "E_THRESHOLD_NOT_ASCENDING",
                    Element::param(id, format!("bands[{k}].lower")),
                    format!(
                        "In {} steht {} (ab {}) nach {} (ab {}); die Wertgrenzen müssen aufsteigend sortiert sein.",
                        de(&ctx.label(i)),
                        de(&name(k).0),
                        money_de(b.lower),
                        de(&name(k - 1).0),
                        money_de(a.lower)
                    ),
                    format!(
                        "In {}, {} (from {}) comes after {} (from {}); bands must be sorted ascending.",
                        en(&ctx.label_en(i)),
                        en(&name(k).1),
                        money_en(b.lower),
                        en(&name(k - 1).1),
                        money_en(a.lower)
                    ),
                )
                .hint("Sortieren Sie die Wertgrenzen aufsteigend.", "Sort the bands in ascending order."),
            );
        }
    }

    // Coverage of [0, ∞) in sorted order: gaps and overlaps.
    usable.sort_by_key(|a| (a.0, a.1.is_none(), a.1, a.2));
    let Some(&(first_lower, first_upper, first_k)) = usable.first() else {
        return;
    };
    if first_lower > Money(0) {
        out.push(
            Finding::new(
                "E_THRESHOLD_GAP",
                Element::param(id, format!("bands[{first_k}].lower")),
                format!(
                    "In {} beginnt die erste Wertgrenze erst bei {}: Beträge von 0 € bis {} führen zu keinem Ausgang.",
                    de(&ctx.label(i)),
                    money_de(first_lower),
                    money_de(first_lower)
                ),
                format!(
                    "In {}, the first band only starts at {}: amounts from €0 to {} lead to no exit.",
                    en(&ctx.label_en(i)),
                    money_en(first_lower),
                    money_en(first_lower)
                ),
            )
            .hint(format!("Setzen Sie die Untergrenze von {} auf 0 €.", de(&name(first_k).0)), format!("Set the lower bound of {} to €0.", en(&name(first_k).1))),
        );
    }
    let mut covered = first_upper;
    let mut cover_k = first_k;
    for &(lower, upper, k) in usable.iter().skip(1) {
        match covered {
            None => out.push(overlap(ctx, i, &name(cover_k), &name(k), lower, upper, k)),
            Some(c) if lower < c => {
                let until = match upper {
                    Some(u) if u < c => Some(u),
                    _ => Some(c),
                };
                out.push(overlap(ctx, i, &name(cover_k), &name(k), lower, until, k));
            }
            Some(c) if lower > c => out.push(
                Finding::new(
                    "E_THRESHOLD_GAP",
                    Element::param(id, format!("bands[{k}].lower")),
                    format!(
                        "Die Wertgrenzen {} und {} lassen eine Lücke: Beträge über {} bis {} führen in {} zu keinem Ausgang.",
                        money_de(c),
                        money_de(lower),
                        money_de(c),
                        money_de(lower),
                        de(&ctx.label(i))
                    ),
                    format!(
                        "The thresholds {} and {} leave a gap: amounts over {} up to {} lead to no exit in {}.",
                        money_en(c),
                        money_en(lower),
                        money_en(c),
                        money_en(lower),
                        en(&ctx.label_en(i))
                    ),
                )
                .hint(
                    format!("Setzen Sie die Untergrenze von {} auf {}.", de(&name(k).0), money_de(c)),
                    format!("Set the lower bound of {} to {}.", en(&name(k).1), money_en(c)),
                ),
            ),
            Some(_) => {}
        }
        let extends = match (covered, upper) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(c), Some(u)) => u > c,
        };
        if extends {
            covered = upper;
            cover_k = k;
        }
    }
    if let Some(c) = covered {
        out.push(
            Finding::new(
                "E_THRESHOLD_GAP",
                Element::param(id, format!("bands[{cover_k}].upper")),
                format!("In {} führen Beträge über {} zu keinem Ausgang.", de(&ctx.label(i)), money_de(c)),
                format!("In {}, amounts over {} lead to no exit.", en(&ctx.label_en(i)), money_en(c)),
            )
            .hint(
                format!("Lassen Sie die Obergrenze von {} leer (ohne Grenze) oder fügen Sie eine Wertgrenze „über {}“ hinzu.", de(&name(cover_k).0), money_de(c)),
                format!("Leave the upper bound of {} empty (unlimited) or add a band “over {}”.", en(&name(cover_k).1), money_en(c)),
            ),
        );
    }
}

fn overlap(
    ctx: &Ctx<'_>,
    i: usize,
    a: &(String, String),
    b: &(String, String),
    from: Money,
    to: Option<Money>,
    k: usize,
) -> Finding {
    let (range_de, range_en) = match to {
        Some(t) => (
            format!("über {} bis {}", money_de(from), money_de(t)),
            format!("over {} up to {}", money_en(from), money_en(t)),
        ),
        None => (
            format!("über {}", money_de(from)),
            format!("over {}", money_en(from)),
        ),
    };
    let fix = to.map_or_else(
        || (String::new(), String::new()),
        |t| {
            (
                format!(" auf {}", money_de(t)),
                format!(" to {}", money_en(t)),
            )
        },
    );
    Finding::new(
        "E_THRESHOLD_OVERLAP",
        Element::param(ctx.id(i), format!("bands[{k}].lower")),
        format!("In {} überschneiden sich die Wertgrenzen {} und {}: Beträge {range_de} passen zu beiden.", de(&ctx.label(i)), de(&a.0), de(&b.0)),
        format!("In {}, the bands {} and {} overlap: amounts {range_en} match both.", en(&ctx.label_en(i)), en(&a.1), en(&b.1)),
    )
    .hint(
        format!("Setzen Sie die Untergrenze von {}{} oder begrenzen Sie {}.", de(&b.0), fix.0, de(&a.0)),
        format!("Set the lower bound of {}{} or limit {}.", en(&b.1), fix.1, en(&a.1)),
    )
}

/// `E_SIGNING_LIMIT_BELOW_BAND`: walk forward from each band's target (stopping at the next
/// Wertgrenzen-Weiche or Ende) and compare the highest band reaching a Schlusszeichnung with its
/// signer's limit. Bands are processed from the highest upper bound down, so every block is
/// visited once and keeps the highest band that reaches it.
fn signing_limits(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let mut seeds: Vec<(Option<Money>, usize, usize, usize)> = Vec::new();
    for w in 0..ctx.n() {
        let Some(BlockKind::Wertgrenzen(p)) = ctx.kind(w) else {
            continue;
        };
        if !ctx.live(w) {
            continue;
        }
        // Each edge knows its port's index, which is the band's index.
        for &e in ctx.out_edges(w) {
            let (Some(k), Some(&t)) = (ctx.edge_port(e), ctx.edge_to.get(e)) else {
                continue;
            };
            if let (Some(b), true) = (p.bands.get(k), t != NONE) {
                seeds.push((b.upper, w, k, t));
            }
        }
    }
    if seeds.is_empty() {
        return;
    }
    // Highest first; unbounded (None) is the highest.
    seeds.sort_unstable_by_key(|s| (std::cmp::Reverse((s.0.is_none(), s.0)), s.1, s.2, s.3));
    let n = ctx.n();
    let mut reached_by = vec![NONE; n];
    let mut queue: VecDeque<usize> = VecDeque::new();
    let stop = |v: usize| {
        matches!(
            ctx.block_type(v),
            Some(BlockType::Wertgrenzen | BlockType::Ende) | None
        )
    };
    for (s, &(_, _, _, t)) in seeds.iter().enumerate() {
        if stop(t) || reached_by.get(t).copied() != Some(NONE) {
            continue;
        }
        reached_by[t] = s;
        queue.push_back(t);
        while let Some(v) = queue.pop_front() {
            for &x in ctx.fwd.get(v) {
                if x < n && !stop(x) && reached_by[x] == NONE {
                    reached_by[x] = s;
                    queue.push_back(x);
                }
            }
        }
    }
    for (i, &s) in reached_by.iter().enumerate() {
        if s == NONE || !ctx.live(i) {
            continue;
        }
        let Some(BlockKind::Schlusszeichnung(p)) = ctx.kind(i) else {
            continue;
        };
        let Some(Assignee::Role(r)) = &p.signer else {
            continue;
        };
        let Some(role) = ctx.role(r.as_str()) else {
            continue;
        };
        let Some(limit) = role.signing_limit else {
            continue;
        };
        let Some(&(upper, w, k, _)) = seeds.get(s) else {
            continue;
        };
        if upper.is_some_and(|u| u <= limit) {
            continue;
        }
        let Some(BlockKind::Wertgrenzen(wp)) = ctx.kind(w) else {
            continue;
        };
        let Some(band) = wp.bands.get(k) else {
            continue;
        };
        let (b_de, b_en) = band_label(band.lower, band.upper, &band.label);
        let (reach_de, reach_en) = match upper {
            Some(u) => (
                format!("Beträge bis {}", money_de(u)),
                format!("amounts up to {}", money_en(u)),
            ),
            None => (
                "Beträge ohne Obergrenze".to_string(),
                "amounts without upper limit".to_string(),
            ),
        };
        out.push(
            Finding::new(
                "E_SIGNING_LIMIT_BELOW_BAND",
                Element::param(ctx.id(i), "signer").with_role(r),
                format!(
                    "{} liegt hinter der Wertgrenze {} von {} ({reach_de}), aber die Rolle {} darf nur bis {} zeichnen.",
                    de(&ctx.label(i)),
                    de(&b_de),
                    de(&ctx.label(w)),
                    de(&role.name),
                    money_de(limit)
                ),
                format!(
                    "{} lies behind the band {} of {} ({reach_en}), but the role {} may only sign up to {}.",
                    en(&ctx.label_en(i)),
                    en(&b_en),
                    en(&ctx.label_en(w)),
                    en(&role.name),
                    money_en(limit)
                ),
            )
            .hint(
                "Leiten Sie höhere Beträge zu einer Schlusszeichnung mit ausreichender Zeichnungsbefugnis oder erhöhen Sie die Befugnis der Rolle.",
                "Route higher amounts to a sign-off with sufficient signing authority or raise the role's limit.",
            ),
        );
    }
}
