//! "Übernehmen" (import a template as a draft) and upstream updates (three-way merge of a
//! newer template version into a draft with lineage).

use std::collections::BTreeMap;

use fachwerk_shared::merge::{merge, resolve, Conflict, Merged, Side};
use fachwerk_shared::template::apply_template_params;
use fachwerk_shared::{parse_workflow, Lineage, Money, Workflow};

use super::{source_id, valid_id, Catalogue, Catalogues, FetchState, SourceError};
use crate::auth::Caller;
use crate::drafts::{BasedOn, Draft, DraftError, DraftStore};
use crate::fsutil::blocking;
use crate::repo::sources::{is_newer, read_version, TemplateVersion};
use crate::repo::valid_key;

/// What to import.
pub struct ImportSpec {
    /// `own` or a source id.
    pub source_id: String,
    pub key: String,
    /// `None`: the latest version.
    pub version: Option<String>,
    /// Template parameter id → amount ("12000.00" or "12.000,00").
    pub params: BTreeMap<String, String>,
    /// Key of the local draft, if it should differ from the template's.
    pub as_key: Option<String>,
}

/// The catalogue `id` (own or a source whose last fetch succeeded).
pub fn catalogue(cats: &Catalogues, id: &str) -> Result<Catalogue, SourceError> {
    if id == super::OWN {
        return Ok(cats.own.clone());
    }
    if !valid_id(id) {
        return Err(SourceError::NotFound);
    }
    let store = &cats.sources;
    let r = store.get(id)?.ok_or(SourceError::NotFound)?;
    let Some(cat) = r.catalogue.as_ref().filter(|_| r.usable()) else {
        return Err(SourceError::Conflict(format!(
            "Die Vorlagenquelle „{}“ ist nicht bereit: {}",
            r.url, r.message_de
        )));
    };
    Ok(Catalogue {
        id: r.id.clone(),
        url: r.url.clone(),
        name: cat.name.clone(),
        path: store.mirror_path(&r.id),
        publisher: cat.publisher.clone(),
        licence: cat.licence.clone(),
    })
}

async fn version_of(
    cat: &Catalogue,
    key: &str,
    version: Option<&str>,
) -> Result<Option<TemplateVersion>, SourceError> {
    let (path, key, version) = (cat.path.clone(), key.to_string(), version.map(String::from));
    Ok(blocking(move || Ok(read_version(&path, &key, version.as_deref())?)).await?)
}

fn parse_template(v: &TemplateVersion, key: &str) -> Result<Workflow, SourceError> {
    parse_workflow(&v.text).map_err(|e| {
        SourceError::Unusable(format!(
            "Version {} der Vorlage „{key}“ ist kein lesbarer Ablauf ({}: {}).",
            v.version, e.path, e.message
        ))
    })
}

/// Parses the parameter values and applies them; errors name the parameter (422).
fn apply_params(w: &Workflow, params: &BTreeMap<String, String>) -> Result<Workflow, SourceError> {
    let mut values = BTreeMap::new();
    for (id, text) in params {
        let Some(p) = w.template_params.iter().find(|p| &p.id == id) else {
            let known: Vec<&str> = w.template_params.iter().map(|p| p.id.as_str()).collect();
            return Err(SourceError::Unusable(format!(
                "Den Parameter „{id}“ hat die Vorlage nicht ({}).",
                if known.is_empty() {
                    "sie hat keine Parameter".to_string()
                } else {
                    format!("vorhanden: {}", known.join(", "))
                }
            )));
        };
        let amount = Money::parse(text)
            .map_err(|e| SourceError::Unusable(format!("Parameter „{}“ ({id}): {e}", p.label)))?;
        values.insert(id.clone(), amount);
    }
    apply_template_params(w, &values).map_err(|e| SourceError::Unusable(e.to_string()))
}

/// Creates a draft of `caller` from a template version, with parameters applied and lineage.
pub async fn import(
    cats: &Catalogues,
    drafts: &DraftStore,
    caller: &Caller,
    spec: ImportSpec,
) -> Result<Draft, SourceError> {
    caller.require_editor()?;
    let cat = catalogue(cats, &spec.source_id)?;
    let found = version_of(&cat, &spec.key, spec.version.as_deref()).await?;
    let v = found.ok_or_else(|| {
        SourceError::Missing(match &spec.version {
            Some(ver) => format!(
                "Version {ver} der Vorlage „{}“ gibt es in „{}“ nicht.",
                spec.key, cat.name
            ),
            None => format!(
                "Eine Vorlage „{}“ gibt es in „{}“ nicht.",
                spec.key, cat.name
            ),
        })
    })?;
    let template = parse_template(&v, &spec.key)?;
    let findings = fachwerk_shared::validate(&template);
    if findings.iter().any(|f| f.is_error()) {
        return Err(SourceError::Invalid(findings));
    }
    if template.key != spec.key {
        return Err(SourceError::Unusable(format!(
            "Die Vorlage „{}“ trägt den Schlüssel „{}“ und kann so nicht übernommen werden.",
            spec.key, template.key
        )));
    }
    let mut w = apply_params(&template, &spec.params)?;
    if let Some(k) = &spec.as_key {
        if !valid_key(k) {
            return Err(SourceError::BadValue {
                detail: format!("Der Schlüssel „{k}“ ist ungültig: erlaubt sind Kleinbuchstaben, Ziffern und „-“."),
                path: "asKey".into(),
            });
        }
        w.key = k.clone();
    }
    w.lineage = Some(Lineage {
        source: cat.url.clone(),
        key: spec.key.clone(),
        version: v.version.clone(),
        commit: v.commit.clone(),
        publisher: cat.publisher.clone(),
    });
    let based_on = cat.is_own().then(|| BasedOn {
        key: spec.key.clone(),
        version: v.version.clone(),
    });
    let draft = drafts.create(&caller.name, w, based_on).await?;
    tracing::info!(draft = %draft.id, source = %cat.url, key = %spec.key, version = %v.version, "template imported");
    Ok(draft)
}

/// A newer upstream version and the merge preview.
pub struct Available {
    pub lineage: Lineage,
    pub base: Workflow,
    pub theirs: Workflow,
    pub new: TemplateVersion,
    /// Conflicts resolved as "ours"; `lineage` already points at the new version.
    pub merged: Merged,
    /// Set if the source could not be fetched again and the last fetched state was used.
    pub warning_de: Option<String>,
}

/// What `check` found.
pub enum Upstream {
    /// The draft was not imported from a template.
    NoLineage,
    /// Nothing newer than the imported version.
    Current {
        lineage: Lineage,
        latest: String,
        warning_de: Option<String>,
    },
    Available(Box<Available>),
}

/// Finds the catalogue a lineage points to (re-fetching the source if `refresh`).
async fn lineage_catalogue(
    cats: &Catalogues,
    lineage: &Lineage,
    refresh: bool,
) -> Result<(Catalogue, Option<String>), SourceError> {
    let store = &cats.sources;
    let id = source_id(&lineage.source);
    let record = if refresh {
        store.refresh_if_stale(&id).await?
    } else {
        store.get(&id)?
    };
    let Some(r) = record else {
        if lineage.source == cats.own.url {
            return Ok((cats.own.clone(), None));
        }
        return Err(SourceError::Conflict(format!(
            "Die Vorlagenquelle „{}“, aus der dieser Entwurf stammt, ist nicht eingerichtet. Bitte sie unter „Vorlagenquellen“ hinzufügen.",
            lineage.source
        )));
    };
    let Some(cat) = &r.catalogue else {
        return Err(SourceError::Conflict(format!(
            "Die Vorlagenquelle „{}“ konnte nicht abgerufen werden: {}",
            r.url, r.message_de
        )));
    };
    let warning = (r.state == FetchState::Error).then(|| {
        format!(
            "Die Quelle konnte nicht neu abgerufen werden ({}); verglichen wird mit dem Stand vom {}.",
            r.message_de,
            r.last_success.as_deref().unwrap_or("letzten Abruf")
        )
    });
    Ok((
        Catalogue {
            id: r.id.clone(),
            url: r.url.clone(),
            name: cat.name.clone(),
            path: store.mirror_path(&r.id),
            publisher: cat.publisher.clone(),
            licence: cat.licence.clone(),
        },
        warning,
    ))
}

/// Whether the template a draft came from has a newer version, with the merge preview.
pub async fn check(
    cats: &Catalogues,
    draft: &Draft,
    refresh: bool,
) -> Result<Upstream, SourceError> {
    let Some(lineage) = draft.workflow.lineage.clone() else {
        return Ok(Upstream::NoLineage);
    };
    let (cat, warning_de) = lineage_catalogue(cats, &lineage, refresh).await?;
    let latest = version_of(&cat, &lineage.key, None).await?.ok_or_else(|| {
        SourceError::Conflict(format!(
            "Die Vorlage „{}“ gibt es in „{}“ nicht mehr.",
            lineage.key, lineage.source
        ))
    })?;
    if !is_newer(&latest.version, &lineage.version) {
        return Ok(Upstream::Current {
            lineage,
            latest: latest.version,
            warning_de,
        });
    }
    let base_version = version_of(&cat, &lineage.key, Some(&lineage.version))
        .await?
        .ok_or_else(|| {
            SourceError::Conflict(format!(
                "Version {} der Vorlage „{}“, auf der dieser Entwurf beruht, ist in der Quelle nicht mehr vorhanden; ein Abgleich ist nicht möglich.",
                lineage.version, lineage.key
            ))
        })?;
    let mut base = parse_template(&base_version, &lineage.key)?;
    let mut theirs = parse_template(&latest, &lineage.key)?;
    let ours = &draft.workflow;
    // Lineage is bookkeeping, not content: it must never conflict.
    base.lineage.clone_from(&ours.lineage);
    theirs.lineage.clone_from(&ours.lineage);
    let mut merged = merge(&base, ours, &theirs).map_err(|e| {
        SourceError::Unusable(format!(
            "Die neue Version der Vorlage lässt sich nicht automatisch mit dem Entwurf zusammenführen: {e}"
        ))
    })?;
    let next = Lineage {
        version: latest.version.clone(),
        commit: latest.commit.clone(),
        publisher: if cat.publisher.is_empty() {
            lineage.publisher.clone()
        } else {
            cat.publisher.clone()
        },
        ..lineage.clone()
    };
    merged.workflow.lineage = Some(next);
    Ok(Upstream::Available(Box::new(Available {
        lineage,
        base,
        theirs,
        new: latest,
        merged,
        warning_de,
    })))
}

/// A JSON value for a German sentence.
fn shown(v: &Option<serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => "(nicht vorhanden)".into(),
        // Amounts in canonical form ("25000.00") read better as "25.000 €".
        Some(serde_json::Value::String(s)) => match s.split_once('.') {
            Some((i, c))
                if c.len() == 2
                    && !i.is_empty()
                    && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                Money::parse(s).map_or_else(|_| format!("„{s}“"), Money::to_german)
            }
            _ => format!("„{s}“"),
        },
        Some(other) => other.to_string(),
    }
}

/// "„…upper“: Vorlage 25000.00 → 20000.00, hier 30000.00."
pub fn conflict_de(c: &Conflict) -> String {
    format!(
        "„{}“: in der Vorlage von {} auf {} geändert, im Entwurf auf {}",
        c.location,
        shown(&c.base),
        shown(&c.theirs),
        shown(&c.ours)
    )
}

/// Performs the merge with a side chosen for every conflict and saves it as the next revision
/// of the draft (if it is still at `expected`).
pub async fn merge_into_draft(
    cats: &Catalogues,
    drafts: &DraftStore,
    draft: &Draft,
    expected: u64,
    choices: &[(usize, Side)],
    expected_version: Option<&str>,
) -> Result<Draft, SourceError> {
    let available = match check(cats, draft, false).await? {
        Upstream::Available(a) => a,
        Upstream::NoLineage => {
            return Err(SourceError::Conflict(
                "Dieser Entwurf stammt nicht aus einer Vorlage; es gibt nichts zusammenzuführen.".into(),
            ))
        }
        Upstream::Current { latest, .. } => {
            return Err(SourceError::Conflict(format!(
                "Der Entwurf beruht schon auf der neuesten Version {latest} der Vorlage; es gibt nichts zusammenzuführen."
            )))
        }
    };
    if let Some(v) = expected_version.filter(|v| *v != available.new.version) {
        return Err(SourceError::Conflict(format!(
            "Die Vorschau galt für Version {v}; inzwischen gibt es Version {} der Vorlage. Bitte die Vorschau neu laden.",
            available.new.version
        )));
    }
    let conflicts = &available.merged.conflicts;
    if let Some((i, _)) = choices.iter().find(|(i, _)| *i >= conflicts.len()) {
        return Err(SourceError::BadValue {
            detail: format!(
                "Konflikt {i} gibt es nicht (die Zusammenführung hat {} Konflikte).",
                conflicts.len()
            ),
            path: "choices".into(),
        });
    }
    let open: Vec<String> = conflicts
        .iter()
        .enumerate()
        .filter(|(i, _)| !choices.iter().any(|(c, _)| c == i))
        .map(|(i, c)| format!("{i}: {}", conflict_de(c)))
        .collect();
    if !open.is_empty() {
        return Err(SourceError::Conflict(format!(
            "Für {} von {} Konflikten fehlt die Entscheidung, welche Fassung gilt (\"ours\" = Entwurf, \"theirs\" = Vorlage): {}.",
            open.len(),
            conflicts.len(),
            open.join("; ")
        )));
    }
    let mut workflow = resolve(&available.merged, choices).map_err(|e| {
        SourceError::Unusable(format!("Die Auswahl ergibt keinen gültigen Ablauf: {e}"))
    })?;
    workflow
        .lineage
        .clone_from(&available.merged.workflow.lineage);
    match drafts.update(&draft.id, expected, workflow).await {
        Ok(d) => {
            tracing::info!(draft = %d.id, version = %available.new.version, "upstream version merged");
            Ok(d)
        }
        Err(DraftError::Stale { current, expected }) => Err(SourceError::Stale(format!(
            "Der Entwurf wurde inzwischen geändert (Revision {current}, erwartet {expected}). Bitte neu laden."
        ))),
        Err(e) => Err(e.into()),
    }
}
