//! Publishing, the pure half: from the request and the catalogue as it stands, the files to
//! write, the commit message and the tag. No git here; [`super::Repo::publish`] reads the
//! [`CatalogueState`] and applies the [`PublishPlan`].

use fachwerk_shared::bpmn::{to_bpmn_export, to_bpmn_for, Engine};
use fachwerk_shared::{to_canonical_json, Workflow};

use super::render::{self, CatalogMeta, Entry};
use super::{bpmn_for, valid_key, RepoError};

/// Placeholder paragraph for a publication without a note (keeps the message layout fixed).
pub(super) const NO_NOTE: &str = "(ohne Vermerk)";

/// Everything needed to publish one version.
pub struct Publish<'a> {
    /// The workflow, its `version` already set to the new version.
    pub workflow: &'a Workflow,
    /// The version the request was computed against (`None` = new workflow).
    pub base_version: Option<&'a str>,
    pub requester: &'a str,
    pub approver: &'a str,
    pub note: &'a str,
    /// German change sentences (from the semantic diff).
    pub changes: &'a [String],
    pub publication_id: Option<&'a str>,
}

/// The parts of the catalogue on `main` that a publish of one workflow reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueState {
    /// `version` of the workflow's `workflow.json` (`None`: not in the catalogue).
    pub current_version: Option<String>,
    /// The tag of the version to publish exists already.
    pub tag_exists: bool,
    /// The workflow's `CHANGELOG.md`.
    pub workflow_changelog: Option<String>,
    /// The catalogue's `CHANGELOG.md`.
    pub catalogue_changelog: Option<String>,
    /// Every published workflow.
    pub entries: Vec<Entry>,
    /// File names in the workflow's `forms/` folder (the Camunda Forms of the last version).
    pub form_files: Vec<String>,
}

/// One commit and one annotated tag (with the commit's message), ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishPlan {
    /// Path in the repository → new content (`None` removes the file).
    pub files: Vec<(String, Option<String>)>,
    pub message: String,
    /// `<key>/v<version>`.
    pub tag: String,
    pub version: String,
    /// Commit author.
    pub requester: String,
    /// Committer and tagger.
    pub approver: String,
}

/// The tag of `version` of `key`.
pub fn tag_name(key: &str, version: &str) -> String {
    format!("{key}/v{version}")
}

/// Plans publishing `p` onto `state`, dated `date` (YYYY-MM-DD). Fails with
/// [`RepoError::Outdated`] if the catalogue moved past the request.
pub fn plan(
    meta: &CatalogMeta,
    p: &Publish<'_>,
    state: &CatalogueState,
    date: &str,
) -> Result<PublishPlan, RepoError> {
    let w = p.workflow;
    if !valid_key(&w.key) {
        return Err(anyhow::anyhow!("invalid workflow key {:?}", w.key).into());
    }
    if state.current_version.as_deref() != p.base_version {
        return Err(RepoError::Outdated(match (&state.current_version, p.base_version) {
            (Some(c), Some(b)) => format!(
                "Der Antrag wurde gegen Version {b} berechnet, inzwischen ist Version {c} von „{}“ veröffentlicht. Bitte den Entwurf aktualisieren und neu beantragen.",
                w.key
            ),
            (Some(c), None) => format!("Einen Ablauf „{}“ gibt es inzwischen (Version {c}). Bitte neu beantragen.", w.key),
            (None, _) => format!("Der Ablauf „{}“ ist nicht mehr im Katalog. Bitte neu beantragen.", w.key),
        }));
    }
    if state.tag_exists {
        return Err(RepoError::Outdated(format!(
            "Version {} von „{}“ ist bereits veröffentlicht.",
            w.version, w.key
        )));
    }
    let note = normalize_note(p.note);
    let shown_note = if note == NO_NOTE { "" } else { note.as_str() };
    Ok(PublishPlan {
        files: files(meta, p, state, date, shown_note),
        message: message(p, &note),
        tag: tag_name(&w.key, &w.version),
        version: w.version.clone(),
        requester: p.requester.to_string(),
        approver: p.approver.to_string(),
    })
}

fn files(
    meta: &CatalogMeta,
    p: &Publish<'_>,
    state: &CatalogueState,
    date: &str,
    note: &str,
) -> Vec<(String, Option<String>)> {
    let w = p.workflow;
    let dir = format!("workflows/{}", w.key);
    let entry = |heading: String| render::ChangelogEntry {
        heading,
        date,
        requester: p.requester,
        approver: p.approver,
        note,
        changes: p.changes,
    };
    let workflow_changelog = render::prepend_changelog(
        state.workflow_changelog.as_deref(),
        &format!("Änderungen: {}", w.name),
        &entry(w.version.clone()),
    );
    let catalogue_changelog = render::prepend_changelog(
        state.catalogue_changelog.as_deref(),
        "Änderungen im Katalog",
        &entry(format!("{} {}", w.name, w.version)),
    );
    let readme = render::workflow_readme(
        w,
        &render::VersionNote {
            version: &w.version,
            date,
            note,
            changes: p.changes,
        },
    );
    let mut catalogue = state.entries.clone();
    catalogue.retain(|e| e.key != w.key);
    catalogue.push(Entry {
        key: w.key.clone(),
        name: w.name.clone(),
        version: w.version.clone(),
        description: w.description.clone(),
    });
    catalogue.sort_by(|a, b| a.key.cmp(&b.key));
    let camunda8 = to_bpmn_export(w, Engine::Camunda8);
    let mut files = vec![
        (format!("{dir}/workflow.json"), Some(to_canonical_json(w))),
        (format!("{dir}/workflow.bpmn"), bpmn_for(w)),
        (
            format!("{dir}/workflow.camunda7.bpmn"),
            Some(to_bpmn_for(w, Engine::Camunda7).0),
        ),
        (format!("{dir}/workflow.camunda8.bpmn"), Some(camunda8.xml)),
    ];
    // Forms of tasks that no longer exist go, so the folder deploys as it is.
    for stale in &state.form_files {
        if !camunda8.forms.iter().any(|f| &f.file_name() == stale) {
            files.push((format!("{dir}/forms/{stale}"), None));
        }
    }
    for form in camunda8.forms {
        files.push((format!("{dir}/forms/{}", form.file_name()), Some(form.json)));
    }
    files.extend([
        (format!("{dir}/README.md"), Some(readme)),
        (format!("{dir}/CHANGELOG.md"), Some(workflow_changelog)),
        ("CHANGELOG.md".to_string(), Some(catalogue_changelog)),
        (
            "README.md".to_string(),
            Some(render::catalogue_readme(meta, &catalogue)),
        ),
        (
            "publiccode.yml".to_string(),
            Some(render::publiccode(meta, &catalogue, date)),
        ),
    ]);
    files
}

/// Subject, note paragraph, change list and the trailers `Repo::published_requests` reads.
fn message(p: &Publish<'_>, note: &str) -> String {
    let w = p.workflow;
    let mut message = format!("{} {}: {}\n\n{note}\n\n", w.key, w.version, w.name);
    if !p.changes.is_empty() {
        message.push_str("Änderungen:\n");
        for c in p.changes {
            message.push_str(&format!("- {}\n", c.replace('\n', " ")));
        }
        message.push('\n');
    }
    message.push_str(&format!(
        "Fachwerk-Ablauf: {}\nFachwerk-Version: {}\n",
        w.key, w.version
    ));
    message.push_str(&format!(
        "Beantragt-von: {}\nFreigegeben-von: {}\n",
        p.requester, p.approver
    ));
    if let Some(id) = p.publication_id {
        message.push_str(&format!("Fachwerk-Antrag: {id}\n"));
    }
    message
}

/// Makes the note one paragraph (no blank lines), so the message layout stays parseable.
fn normalize_note(note: &str) -> String {
    let lines: Vec<&str> = note
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.is_empty() {
        NO_NOTE.to_string()
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::repo::{note_of, trailer};

    fn workflow(key: &str, version: &str) -> Workflow {
        let mut w = crate::repo::seeds::seed_workflows()
            .into_iter()
            .next()
            .unwrap();
        w.key = key.into();
        w.version = version.into();
        w
    }

    fn request<'a>(w: &'a Workflow, base: Option<&'a str>, changes: &'a [String]) -> Publish<'a> {
        Publish {
            workflow: w,
            base_version: base,
            requester: "erika",
            approver: "rudi",
            note: "Erste Zeile\n\n zweite Zeile  \n",
            changes,
            publication_id: Some("0000-antrag"),
        }
    }

    fn file<'p>(plan: &'p PublishPlan, path: &str) -> &'p str {
        plan.files
            .iter()
            .find(|(p, _)| p == path)
            .and_then(|(_, c)| c.as_deref())
            .unwrap()
    }

    #[test]
    fn executable_variants_and_their_forms_replace_stale_forms() {
        let w = workflow("sondernutzung", "1.1.0");
        let state = CatalogueState {
            current_version: Some("1.0.0".into()),
            form_files: vec!["fachwerk-sondernutzung-Weg.form".into()],
            ..CatalogueState::default()
        };
        let plan = plan(
            &CatalogMeta::default(),
            &request(&w, Some("1.0.0"), &[]),
            &state,
            "2026-12-03",
        )
        .unwrap();
        let export = to_bpmn_export(&w, Engine::Camunda8);
        assert!(!export.forms.is_empty());
        assert_eq!(
            file(&plan, "workflows/sondernutzung/workflow.camunda8.bpmn"),
            export.xml
        );
        assert!(
            file(&plan, "workflows/sondernutzung/workflow.camunda7.bpmn")
                .contains("camunda:historyTimeToLive")
        );
        for form in &export.forms {
            assert_eq!(
                file(
                    &plan,
                    &format!("workflows/sondernutzung/forms/{}", form.file_name())
                ),
                form.json
            );
        }
        assert!(plan.files.contains(&(
            "workflows/sondernutzung/forms/fachwerk-sondernutzung-Weg.form".into(),
            None
        )));
    }

    #[test]
    fn a_new_workflow_gets_its_files_a_tag_and_a_message_with_trailers() {
        let w = workflow("sondernutzung", "1.0.0");
        let changes = vec!["Erste veröffentlichte Fassung.".to_string()];
        let state = CatalogueState {
            entries: vec![Entry {
                key: "baumfaellung".into(),
                name: "Baumfällung".into(),
                version: "2.1.0".into(),
                description: String::new(),
            }],
            ..CatalogueState::default()
        };
        let plan = plan(
            &CatalogMeta::default(),
            &request(&w, None, &changes),
            &state,
            "2026-12-03",
        )
        .unwrap();
        assert_eq!(plan.tag, "sondernutzung/v1.0.0");
        assert_eq!(
            (plan.requester.as_str(), plan.approver.as_str()),
            ("erika", "rudi")
        );
        let paths: Vec<&str> = plan
            .files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| !p.contains("/forms/"))
            .collect();
        assert_eq!(
            paths,
            [
                "workflows/sondernutzung/workflow.json",
                "workflows/sondernutzung/workflow.bpmn",
                "workflows/sondernutzung/workflow.camunda7.bpmn",
                "workflows/sondernutzung/workflow.camunda8.bpmn",
                "workflows/sondernutzung/README.md",
                "workflows/sondernutzung/CHANGELOG.md",
                "CHANGELOG.md",
                "README.md",
                "publiccode.yml",
            ]
        );
        assert_eq!(
            file(&plan, "workflows/sondernutzung/workflow.json"),
            to_canonical_json(&w)
        );
        let readme = file(&plan, "README.md");
        assert!(
            readme.find("baumfaellung").unwrap() < readme.find("sondernutzung").unwrap(),
            "{readme}"
        );
        assert!(file(&plan, "CHANGELOG.md").starts_with("# Änderungen im Katalog\n\n"));
        assert!(
            plan.message.starts_with(&format!(
                "sondernutzung 1.0.0: {}\n\nErste Zeile\n zweite Zeile\n\n",
                w.name
            )),
            "{}",
            plan.message
        );
        assert!(plan
            .message
            .contains("Änderungen:\n- Erste veröffentlichte Fassung.\n"));
        assert_eq!(note_of(&plan.message), "Erste Zeile\n zweite Zeile");
        assert_eq!(
            trailer(&plan.message, "Fachwerk-Antrag"),
            Some("0000-antrag")
        );
        assert_eq!(trailer(&plan.message, "Fachwerk-Version"), Some("1.0.0"));
        assert_eq!(trailer(&plan.message, "Freigegeben-von"), Some("rudi"));
    }

    #[test]
    fn a_new_version_replaces_its_catalogue_entry_and_extends_the_changelog() {
        let w = workflow("sondernutzung", "1.1.0");
        let mut req = request(&w, Some("1.0.0"), &[]);
        req.note = " \n ";
        let state = CatalogueState {
            current_version: Some("1.0.0".into()),
            workflow_changelog: Some("# Änderungen: Alter Name\n\n## 1.0.0\n\nalt\n".into()),
            entries: vec![Entry {
                key: "sondernutzung".into(),
                name: "Alter Name".into(),
                version: "1.0.0".into(),
                description: String::new(),
            }],
            ..CatalogueState::default()
        };
        let plan = plan(&CatalogMeta::default(), &req, &state, "2026-12-03").unwrap();
        let changelog = file(&plan, "workflows/sondernutzung/CHANGELOG.md");
        assert!(
            changelog.starts_with(&format!("# Änderungen: {}\n\n", w.name)),
            "{changelog}"
        );
        assert!(changelog.ends_with("## 1.0.0\n\nalt\n"), "{changelog}");
        let readme = file(&plan, "README.md");
        assert!(
            !readme.contains("Alter Name") && readme.contains("1.1.0"),
            "{readme}"
        );
        assert!(
            plan.message.contains(&format!("\n\n{NO_NOTE}\n\n")),
            "{}",
            plan.message
        );
        assert!(!plan.message.contains("Änderungen:"));
        assert_eq!(note_of(&plan.message), "");
    }

    #[test]
    fn a_request_the_catalogue_moved_past_is_outdated() {
        let w = workflow("sondernutzung", "1.1.0");
        let meta = CatalogMeta::default();
        let outdated = |base: Option<&str>, state: CatalogueState| match plan(
            &meta,
            &request(&w, base, &[]),
            &state,
            "2026-12-03",
        ) {
            Err(RepoError::Outdated(message)) => message,
            other => panic!("expected Outdated, got {other:?}"),
        };
        let moved = CatalogueState {
            current_version: Some("1.2.0".into()),
            ..CatalogueState::default()
        };
        assert!(outdated(Some("1.0.0"), moved.clone()).contains("gegen Version 1.0.0 berechnet"));
        assert!(outdated(None, moved).contains("gibt es inzwischen (Version 1.2.0)"));
        assert!(
            outdated(Some("1.0.0"), CatalogueState::default()).contains("nicht mehr im Katalog")
        );
        let tagged = CatalogueState {
            current_version: Some("1.0.0".into()),
            tag_exists: true,
            ..CatalogueState::default()
        };
        assert!(outdated(Some("1.0.0"), tagged).contains("bereits veröffentlicht"));
        let bad_key = workflow("Kein Schlüssel", "1.0.0");
        let err = plan(
            &meta,
            &request(&bad_key, None, &[]),
            &CatalogueState::default(),
            "2026-12-03",
        );
        assert!(matches!(err, Err(RepoError::Other(_))));
    }
}
