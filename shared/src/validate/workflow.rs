//! Workflow-wide rules: key (see `key.rs`), version, duplicate ids, field names, unused roles.

use super::blocks::for_each_role_ref;
use super::ctx::{de, en, map, set, Ctx};
use super::{Element, Finding};
use crate::expr::{self, SYSTEM_FIELD_AKTENZEICHEN};
use crate::model::{BlockKind, FieldType, ParamTarget, MAX_HISTORY_TTL_DAYS, OTHERWISE_PORT};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let w = ctx.w;
    super::key::check(&w.key, out);
    if !is_semver(&w.version) {
        out.push(
            Finding::new(
                "E_VERSION_INVALID",
                Element::property("version"),
                format!(
                    "Die Version {} ist keine Versionsnummer der Form x.y.z.",
                    de(&w.version)
                ),
                format!(
                    "The version {} is not a version number of the form x.y.z.",
                    en(&w.version)
                ),
            )
            .hint("Zum Beispiel „1.2.0“.", "For example “1.2.0”."),
        );
    }
    history_ttl(ctx, out);
    duplicate_ids(ctx, out);
    field_names(ctx, out);
    unused_roles(ctx, out);
    template_param_targets(ctx, out);
}

/// The engine history time to live: 1 day (the history outlives the case) to 30 years.
fn history_ttl(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(days) = ctx.w.history_time_to_live_days else {
        return;
    };
    if (1..=MAX_HISTORY_TTL_DAYS).contains(&days) {
        return;
    }
    out.push(
        Finding::new(
            "E_HISTORY_TTL_RANGE",
            Element::property("historyTimeToLiveDays"),
            format!("Die Aufbewahrung der Engine-Historie von {days} Tagen liegt nicht zwischen 1 und 10.950 Tagen (30 Jahre)."),
            format!("The engine history time to live of {days} days is not between 1 and 10,950 days (30 years)."),
        )
        .hint(
            "Üblich sind 180 Tage (die Vorgabe); die Akte selbst bewahrt die E-Akte auf.",
            "180 days (the default) is usual; the file itself is kept by the records system.",
        ),
    );
}

/// Semantic versioning 2.0: MAJOR.MINOR.PATCH[-pre][+build], numbers without leading zeros.
fn is_semver(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numeric = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) {
        return false;
    }
    if let Some(pre) = pre {
        let ok = pre
            .split('.')
            .all(|p| ident(p) && (!p.bytes().all(|b| b.is_ascii_digit()) || numeric(p)));
        if !ok {
            return false;
        }
    }
    if let Some(build) = build {
        if !build.split('.').all(ident) {
            return false;
        }
    }
    true
}

/// Does any value occur twice? Short lists without allocating.
fn has_repeat<'x>(items: impl Iterator<Item = &'x str> + Clone) -> bool {
    let (len, _) = items.size_hint();
    if len <= 16 {
        items
            .clone()
            .enumerate()
            .any(|(k, s)| items.clone().take(k).any(|t| t == s))
    } else {
        let mut seen = set::<&str>(len);
        items.into_iter().any(|s| !seen.insert(s))
    }
}

/// Values that occur more than once: (index of the first repeat, value, count), in order.
fn repeats<'x>(items: impl Iterator<Item = &'x str> + Clone) -> Vec<(usize, &'x str, usize)> {
    if !has_repeat(items.clone()) {
        return Vec::new();
    }
    let mut seen = map::<&str, (usize, usize)>(items.size_hint().0);
    let mut order: Vec<&str> = Vec::new();
    for (i, s) in items.enumerate() {
        let e = seen.entry(s).or_insert((usize::MAX, 0));
        e.1 += 1;
        if e.1 == 2 {
            e.0 = i;
            order.push(s);
        }
    }
    order
        .into_iter()
        .filter_map(|s| seen.get(s).map(|&(i, c)| (i, s, c)))
        .collect()
}

fn duplicate_ids(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let w = ctx.w;
    let hint = (
        "Vergeben Sie eine eindeutige Kennung.",
        "Choose a unique id.",
    );
    // Block ids: the context already knows which blocks repeat an earlier id.
    let repeated_blocks = if ctx.primary.iter().all(|&p| p) {
        Vec::new()
    } else {
        repeats(w.blocks.iter().map(|b| b.id.as_str()))
    };
    for (_, id, n) in repeated_blocks {
        out.push(
            Finding::new(
                "E_DUPLICATE_ID",
                Element::block(&id.into()),
                format!("Die Kennung {} ist an {n} Bausteine vergeben.", de(id)),
                format!("The id {} is used by {n} blocks.", en(id)),
            )
            .hint(hint.0, hint.1),
        );
    }
    if !ctx.edge_id_clash {
        return duplicate_param_ids(ctx, out);
    }
    for (_, id, n) in repeats(w.edges.iter().map(|e| e.id.as_str())) {
        out.push(
            Finding::new(
                "E_DUPLICATE_ID",
                Element::edge(&id.into()),
                format!("Die Kennung {} ist an {n} Verbindungen vergeben.", de(id)),
                format!("The id {} is used by {n} connections.", en(id)),
            )
            .hint(hint.0, hint.1),
        );
    }
    let mut reported = set::<&str>(0);
    for e in &w.edges {
        if ctx.block_index_str(e.id.as_str()).is_some() && reported.insert(e.id.as_str()) {
            out.push(
                Finding::new(
                    "E_DUPLICATE_ID",
                    Element::edge(&e.id),
                    format!(
                        "Die Verbindung {} hat dieselbe Kennung wie ein Baustein.",
                        de(e.id.as_str())
                    ),
                    format!(
                        "The connection {} has the same id as a block.",
                        en(e.id.as_str())
                    ),
                )
                .hint(hint.0, hint.1),
            );
        }
    }
    duplicate_param_ids(ctx, out);
}

/// Repeated role ids, field names, band ids, rule ids and outcomes.
fn duplicate_param_ids(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let w = ctx.w;
    let hint = (
        "Vergeben Sie eine eindeutige Kennung.",
        "Choose a unique id.",
    );
    for (_, id, n) in repeats(w.roles.iter().map(|r| r.id.as_str())) {
        out.push(
            Finding::new(
                "E_DUPLICATE_ID",
                Element::role(&id.into()),
                format!("Die Rollen-Kennung {} ist {n}-mal vergeben.", de(id)),
                format!("The role id {} is used {n} times.", en(id)),
            )
            .hint(hint.0, hint.1),
        );
    }
    for (_, name, n) in repeats(w.fields.iter().map(|f| f.name.as_str())) {
        out.push(
            Finding::new(
                "E_DUPLICATE_ID",
                Element::field(name),
                format!("Die Fallvariable {} ist {n}-mal deklariert.", de(name)),
                format!("The case field {} is declared {n} times.", en(name)),
            )
            .hint(
                "Benennen Sie eine der Variablen um.",
                "Rename one of the fields.",
            ),
        );
    }
    for b in &w.blocks {
        let label = || {
            ctx.block_index(&b.id)
                .map_or_else(|| b.id.0.clone(), |i| ctx.label(i))
        };
        let label_en = || {
            ctx.block_index(&b.id)
                .map_or_else(|| b.id.0.clone(), |i| ctx.label_en(i))
        };
        match &b.kind {
            BlockKind::Wertgrenzen(p) => {
                for (k, id, n) in repeats(p.bands.iter().map(|x| x.id.as_str())) {
                    out.push(
                        Finding::new(
                            "E_DUPLICATE_ID",
                            Element::param(&b.id, format!("bands[{k}].id")),
                            format!(
                                "In {} tragen {n} Wertgrenzen die Kennung {}.",
                                de(&label()),
                                de(id)
                            ),
                            format!("In {}, {n} bands have the id {}.", en(&label_en()), en(id)),
                        )
                        .hint(hint.0, hint.1),
                    );
                }
            }
            BlockKind::Komplexitaet(p) => {
                let ids = p
                    .rules
                    .iter()
                    .map(|r| r.id.as_str())
                    .chain(std::iter::once(OTHERWISE_PORT));
                for (k, id, n) in repeats(ids) {
                    let (msg_de, msg_en, param) = if id == OTHERWISE_PORT {
                        let k = p
                            .rules
                            .iter()
                            .position(|r| r.id == OTHERWISE_PORT)
                            .unwrap_or(k);
                        (
                            format!(
                                "In {} heißt eine Regel {} wie der Sonst-Ausgang.",
                                de(&label()),
                                de(id)
                            ),
                            format!(
                                "In {}, a rule is called {} like the otherwise exit.",
                                en(&label_en()),
                                en(id)
                            ),
                            format!("rules[{k}].id"),
                        )
                    } else {
                        (
                            format!(
                                "In {} tragen {n} Regeln die Kennung {}.",
                                de(&label()),
                                de(id)
                            ),
                            format!("In {}, {n} rules have the id {}.", en(&label_en()), en(id)),
                            format!("rules[{k}].id"),
                        )
                    };
                    out.push(
                        Finding::new(
                            "E_DUPLICATE_ID",
                            Element::param(&b.id, param),
                            msg_de,
                            msg_en,
                        )
                        .hint(hint.0, hint.1),
                    );
                }
            }
            BlockKind::Sachbearbeitung(p) => {
                for (k, id, n) in repeats(p.outcomes.iter().map(String::as_str)) {
                    out.push(
                        Finding::new(
                            "E_DUPLICATE_ID",
                            Element::param(&b.id, format!("outcomes[{k}]")),
                            format!(
                                "In {} ist das Ergebnis {} {n}-mal aufgeführt.",
                                de(&label()),
                                de(id)
                            ),
                            format!(
                                "In {}, the outcome {} is listed {n} times.",
                                en(&label_en()),
                                en(id)
                            ),
                        )
                        .hint(
                            "Entfernen Sie das doppelte Ergebnis.",
                            "Remove the duplicate outcome.",
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

fn field_names(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let mut seen = set::<&str>(ctx.w.fields.len());
    for f in &ctx.w.fields {
        if !seen.insert(f.name.as_str()) {
            continue;
        }
        if f.name == SYSTEM_FIELD_AKTENZEICHEN {
            if f.field_type != FieldType::Text {
                out.push(
                    Finding::new(
                        "E_FIELD_NAME_INVALID",
                        Element::field(&f.name),
                        "„aktenzeichen“ ist ein Systemfeld (Text) und kann nicht mit einem anderen Typ deklariert werden.",
                        "“aktenzeichen” is a system field (text) and cannot be declared with another type.",
                    )
                    .hint("Wählen Sie einen anderen Namen.", "Choose another name."),
                );
            }
            continue;
        }
        if !expr::is_identifier(&f.name) {
            let reserved = expr::RESERVED_WORDS.contains(&f.name.as_str());
            let (why_de, why_en) = if f.name.is_empty() {
                ("ist leer", "is empty")
            } else if reserved {
                ("ist ein reserviertes Wort", "is a reserved word")
            } else {
                (
                    "muss mit einem Buchstaben beginnen und darf nur Buchstaben, Ziffern und „_“ enthalten",
                    "must start with a letter and may only contain letters, digits and “_”",
                )
            };
            out.push(
                Finding::new(
                    "E_FIELD_NAME_INVALID",
                    Element::field(&f.name),
                    format!("Der Name der Fallvariable {} {why_de}; so lässt sie sich in Bedingungen nicht verwenden.", de(&f.name)),
                    format!("The case field name {} {why_en}; it cannot be used in conditions.", en(&f.name)),
                )
                .hint("Zum Beispiel „betragNetto“.", "For example “betragNetto”."),
            );
        }
    }
}

/// Template parameters must point at a declared role or an existing band, or an importer's
/// answer would go nowhere.
fn template_param_targets(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, p) in ctx.w.template_params.iter().enumerate() {
        match &p.target {
            ParamTarget::RoleSigningLimit { role } => {
                if ctx.w.role(role).is_some() {
                    continue;
                }
                out.push(
                    Finding::new(
                        "E_UNKNOWN_ROLE",
                        Element::property(&format!("templateParams[{i}].target.role"))
                            .with_role(role),
                        format!(
                            "Der Vorlagenparameter {} verweist auf die Rolle {}, die nicht angelegt ist.",
                            de(&p.label),
                            de(role.as_str())
                        ),
                        format!(
                            "The template parameter {} refers to the role {}, which is not declared.",
                            en(&p.label),
                            en(role.as_str())
                        ),
                    )
                    .hint(
                        "Legen Sie die Rolle an oder entfernen Sie den Parameter.",
                        "Declare the role or remove the parameter.",
                    ),
                );
            }
            ParamTarget::BandUpper { block, band } => {
                let found = ctx.w.block(block).is_some_and(|b| match &b.kind {
                    BlockKind::Wertgrenzen(params) => params.bands.iter().any(|x| &x.id == band),
                    _ => false,
                });
                if found {
                    continue;
                }
                out.push(
                    Finding::new(
                        "E_UNKNOWN_BLOCK",
                        Element::property(&format!("templateParams[{i}].target")),
                        format!(
                            "Der Vorlagenparameter {} verweist auf das Band {} der Wertgrenzen-Weiche {}, das es nicht gibt.",
                            de(&p.label),
                            de(band),
                            de(block.as_str())
                        ),
                        format!(
                            "The template parameter {} refers to band {} of the Wertgrenzen-Weiche {}, which does not exist.",
                            en(&p.label),
                            en(band),
                            en(block.as_str())
                        ),
                    )
                    .hint(
                        "Wählen Sie eine vorhandene Wertgrenzen-Weiche und ein Band, oder entfernen Sie den Parameter.",
                        "Choose an existing Wertgrenzen-Weiche and band, or remove the parameter.",
                    ),
                );
            }
        }
    }
}

fn unused_roles(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.w.roles.is_empty() {
        return;
    }
    // Mark roles as used; stop as soon as every declared role is.
    let mut used = vec![false; ctx.w.roles.len()];
    let mut position = map::<&str, usize>(ctx.w.roles.len());
    for (k, r) in ctx.w.roles.iter().enumerate() {
        position.entry(r.id.as_str()).or_insert(k);
    }
    let mut remaining = position.len();
    let mut last: Option<&str> = None;
    for b in &ctx.w.blocks {
        if remaining == 0 {
            break;
        }
        for_each_role_ref(&b.kind, |r| {
            if last == Some(r) {
                return;
            }
            last = Some(r);
            if let Some(&k) = position.get(r) {
                if let Some(u) = used.get_mut(k) {
                    if !*u {
                        *u = true;
                        remaining -= 1;
                    }
                }
            }
        });
    }
    let mut seen = set::<&str>(ctx.w.roles.len());
    for r in &ctx.w.roles {
        let is_used = position
            .get(r.id.as_str())
            .and_then(|&k| used.get(k))
            .copied()
            .unwrap_or(false);
        if !seen.insert(r.id.as_str()) || is_used {
            continue;
        }
        out.push(
            Finding::new(
                "W_ROLE_UNUSED",
                Element::role(&r.id),
                format!(
                    "Die Rolle {} wird in keinem Baustein verwendet.",
                    de(&r.name)
                ),
                format!("The role {} is not used by any block.", en(&r.name)),
            )
            .hint(
                "Weisen Sie die Rolle einer Aufgabe zu oder entfernen Sie sie.",
                "Assign the role to a task or remove it.",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_semver;

    #[test]
    fn semver() {
        for ok in [
            "0.1.0",
            "1.2.3",
            "10.20.30",
            "1.0.0-rc.1",
            "1.0.0+build.5",
            "1.0.0-alpha-1",
        ] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "v1.2.3", "1.2.3-", "1.2.3-01", "1.2.3+",
            " 1.2.3",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
