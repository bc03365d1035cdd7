//! Template exchange between administrations. A *source* is another authority's published
//! catalogue (an Open CoDE-style git repository); it is fetched into a bare mirror under
//! `data/sources/<id>/`, where `<id>` is a hash of the URL (user strings never become paths).
//! Records and the last fetch result live in `data/sources.json`.
//!
//! Templates of the own catalogue and of every ready source can be imported as a draft
//! ("Übernehmen", with template parameters applied and `lineage` set), and a draft with lineage
//! can take in a newer upstream version by a three-way merge (`upstream`).
//!
//! Addresses: `https://` URLs (fetched with the git program, since git2 is built without
//! network support), `file://` URLs and absolute paths on the server (git2). Everything else
//! (ssh, git, http, relative paths) is refused.

use std::path::{Path, PathBuf};

use fachwerk_shared::api::{CatalogueSummary, ErrorSummary, TemplateInfo, OWN_SOURCE};
use fachwerk_shared::parse_workflow;

use std::sync::Arc;

use fachwerk_shared::Finding;

use crate::auth::Denied;
use crate::db::Database;
use crate::drafts::DraftError;
use crate::fsutil;
use crate::repo::sources::{self as git_sources, FetchError, FetchErrorKind, Transport};
use crate::repo::{CatalogMeta, Repo};
use crate::security::sources::SourcePolicy;

mod store;
pub mod upstream;

pub use store::{FetchState, Removed, SourceRecord, SourceStore};

/// Id of the own catalogue in template listings and imports.
pub const OWN: &str = OWN_SOURCE;
/// At most this many validation messages are kept per template.
const MAX_MESSAGES: usize = 5;

/// Why a source, a template or an upstream update cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("Diese Vorlagenquelle gibt es nicht.")]
    NotFound,
    /// A template or template version that does not exist.
    #[error("{0}")]
    Missing(String),
    /// An address Fachwerk does not fetch from.
    #[error("{0}")]
    BadUrl(String),
    /// A malformed request value at `path`.
    #[error("{detail}")]
    BadValue { detail: String, path: String },
    /// The source or the draft is not in a state that allows this (not ready, being fetched,
    /// nothing to merge, undecided conflicts).
    #[error("{0}")]
    Conflict(String),
    /// The template (or the merge) cannot be used as it is.
    #[error("{0}")]
    Unusable(String),
    /// The template has validation errors.
    #[error("Der Ablauf enthält Fehler")]
    Invalid(Vec<Finding>),
    /// The draft moved on since the caller read it.
    #[error("{0}")]
    Stale(String),
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// A checked source address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceUrl {
    /// The address as stored and shown (trimmed, without a trailing '/').
    pub url: String,
    pub transport: Transport,
}

fn bad_url(detail: String) -> SourceError {
    SourceError::BadUrl(detail)
}

impl SourceUrl {
    /// Checks an address: `https://host/…` (no credentials), `file:///abs/path` or `/abs/path`.
    pub fn parse(input: &str) -> Result<SourceUrl, SourceError> {
        let url = input.trim().trim_end_matches('/').to_string();
        if url.is_empty() {
            return Err(bad_url(
                "Bitte die Adresse eines Git-Repositorys angeben.".into(),
            ));
        }
        if url.len() > 2000 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(bad_url(
                "Die Adresse enthält Leer- oder Steuerzeichen oder ist zu lang.".into(),
            ));
        }
        let transport = if let Some(rest) = url.strip_prefix("https://") {
            let authority = rest.split('/').next().unwrap_or_default();
            if authority.is_empty() {
                return Err(bad_url(format!("In der Adresse „{url}“ fehlt der Server.")));
            }
            if authority.contains('@') {
                return Err(bad_url(
                    "Zugangsdaten gehören nicht in die Adresse: Vorlagenkataloge müssen öffentlich lesbar sein.".into(),
                ));
            }
            Transport::Cli(url.clone())
        } else if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(bad_url(format!(
                    "„{url}“: Eine file://-Adresse braucht einen absoluten Pfad (file:///pfad/zum/repo)."
                )));
            }
            Transport::Local(PathBuf::from(path))
        } else if url.starts_with('/') {
            Transport::Local(PathBuf::from(&url))
        } else {
            let scheme = url
                .split_once("://")
                .map(|(s, _)| format!("„{s}://“"))
                .unwrap_or_else(|| "diese Form".into());
            return Err(bad_url(format!(
                "Die Adresse „{url}“ wird nicht unterstützt ({scheme}). Erlaubt sind https://-Adressen, file://-Adressen und absolute Pfade auf dem Server; ssh, git und unverschlüsseltes http werden nicht unterstützt."
            )));
        };
        Ok(SourceUrl { url, transport })
    }

    /// The source id: the first 16 hex digits of the SHA-256 of the address.
    pub fn id(&self) -> String {
        source_id(&self.url)
    }
}

pub fn source_id(url: &str) -> String {
    fsutil::sha256_hex(url)[..16].to_string()
}

/// Source ids are 16 lowercase hex digits (anything else is not looked up).
pub fn valid_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The fields Fachwerk uses from a publiccode.yml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publiccode {
    pub name: String,
    pub publisher: String,
    pub licence: String,
}

/// Reads `name`, the publisher and the licence from a publiccode.yml (nested YAML maps).
pub fn parse_publiccode(text: &str) -> Result<Publiccode, FetchError> {
    use serde_yaml_ng::Value;
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| {
        FetchError::new(
            FetchErrorKind::InvalidPubliccode,
            format!("Die publiccode.yml ist kein gültiges YAML: {e}"),
        )
    })?;
    if !doc.is_mapping() {
        return Err(FetchError::new(
            FetchErrorKind::InvalidPubliccode,
            "Die publiccode.yml enthält keine Zuordnung von Schlüsseln zu Werten.",
        ));
    }
    let text_at = |path: &[&str]| -> Option<String> {
        let mut v = &doc;
        for p in path {
            v = match p.parse::<usize>() {
                Ok(i) => v.get(i)?,
                Err(_) => v.get(*p)?,
            };
        }
        v.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let name = text_at(&["name"]).unwrap_or_default();
    let publisher = [
        &["legal", "repoOwner"][..],
        &["legal", "mainCopyrightOwner"],
        &["organisation", "name"],
        &["maintenance", "contractors", "0", "name"],
        &["maintenance", "contacts", "0", "name"],
    ]
    .iter()
    .find_map(|p| text_at(p))
    .unwrap_or_else(|| name.clone());
    Ok(Publiccode {
        name,
        publisher,
        licence: text_at(&["legal", "license"]).unwrap_or_default(),
    })
}

/// Checks one template text: parse, validate, key = folder name.
fn check_template(key: &str, text: &str) -> (Option<fachwerk_shared::Workflow>, ErrorSummary) {
    let w = match parse_workflow(text) {
        Ok(w) => w,
        Err(e) => {
            let at = if e.path.is_empty() {
                String::new()
            } else {
                format!(" bei „{}“", e.path)
            };
            let message = format!(
                "Die workflow.json ist kein lesbarer Ablauf{at}: {}",
                e.message
            );
            return (
                None,
                ErrorSummary {
                    count: 1,
                    messages: vec![message],
                },
            );
        }
    };
    let mut messages: Vec<String> = fachwerk_shared::validate(&w)
        .into_iter()
        .filter(|f| f.is_error())
        .map(|f| f.message_de)
        .collect();
    if w.key != key {
        messages.push(format!(
            "Der Schlüssel im Ablauf („{}“) passt nicht zum Ordnernamen („{key}“).",
            w.key
        ));
    }
    let count = messages.len();
    messages.truncate(MAX_MESSAGES);
    (Some(w), ErrorSummary { count, messages })
}

/// Reads and checks a catalogue (blocking): publiccode.yml and every template.
pub fn summarize(mirror: &Path) -> Result<CatalogueSummary, FetchError> {
    let cat = git_sources::read_catalogue(mirror)?;
    let pc = parse_publiccode(&cat.publiccode)?;
    let templates = cat
        .templates
        .into_iter()
        .map(|t| {
            let (latest, errors, workflow) = match &t.latest {
                Ok(v) => {
                    let (w, errors) = check_template(&t.key, &v.text);
                    (Some(v), errors, w)
                }
                Err(message) => (
                    None,
                    ErrorSummary {
                        count: 1,
                        messages: vec![message.clone()],
                    },
                    None,
                ),
            };
            TemplateInfo {
                name: workflow
                    .as_ref()
                    .map_or_else(|| t.key.clone(), |w| w.name.clone()),
                description: workflow
                    .as_ref()
                    .map(|w| w.description.clone())
                    .unwrap_or_default(),
                version: latest.map(|v| v.version.clone()).unwrap_or_default(),
                commit: latest.map(|v| v.commit.clone()).unwrap_or_default(),
                valid: workflow.is_some() && errors.count == 0,
                template_params: workflow.map(|w| w.template_params).unwrap_or_default(),
                versions: t.versions,
                key: t.key,
                errors,
            }
        })
        .collect();
    Ok(CatalogueSummary {
        name: pc.name,
        publisher: pc.publisher,
        licence: pc.licence,
        commit: cat.commit,
        templates,
    })
}

/// A catalogue templates are read from: the own one or a fetched source.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// `own` or the source id.
    pub id: String,
    /// The address recorded as `lineage.source`.
    pub url: String,
    pub name: String,
    /// The bare repository to read (`catalog.git` or the mirror).
    pub path: PathBuf,
    pub publisher: String,
    pub licence: String,
}

impl Catalogue {
    pub fn own(meta: &CatalogMeta, repo: &Repo) -> Catalogue {
        Catalogue {
            id: OWN.into(),
            url: meta.url.clone(),
            name: meta.name.clone(),
            path: repo.path().to_path_buf(),
            publisher: meta.contact.clone(),
            licence: "EUPL-1.2".into(),
        }
    }

    pub fn is_own(&self) -> bool {
        self.id == OWN
    }
}

/// Where templates come from: the own catalogue and the registered sources.
#[derive(Clone)]
pub struct Catalogues {
    pub own: Catalogue,
    pub sources: Arc<SourceStore>,
}

impl Catalogues {
    /// The catalogues of the data directory `data_dir` with its own catalogue `repo` and the
    /// sources recorded in `db`.
    pub fn open(
        meta: &CatalogMeta,
        repo: &Repo,
        data_dir: &Path,
        db: &Database,
        policy: &SourcePolicy,
    ) -> Result<Catalogues, SourceError> {
        Ok(Catalogues {
            own: Catalogue::own(meta, repo),
            sources: SourceStore::of(data_dir, db, policy)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn addresses_are_checked() {
        let ok = SourceUrl::parse(" https://gitlab.opencode.de/stadt/katalog.git/ ").unwrap();
        assert_eq!(ok.url, "https://gitlab.opencode.de/stadt/katalog.git");
        assert!(matches!(ok.transport, Transport::Cli(_)));
        let f = SourceUrl::parse("file:///srv/katalog.git").unwrap();
        assert_eq!(f.transport, Transport::Local("/srv/katalog.git".into()));
        let p = SourceUrl::parse("/srv/katalog.git").unwrap();
        assert_eq!(p.transport, Transport::Local("/srv/katalog.git".into()));
        assert_ne!(f.id(), p.id());
        assert!(valid_id(&p.id()));
        for bad in [
            "ssh://git@host/a.git",
            "git@host:a.git",
            "http://host/a.git",
            "git://host/a.git",
            "relativ/pfad",
            "file://relativ",
            "https://user:pw@host/a.git",
            "https:///a.git",
            "",
            "/pfad mit leerzeichen",
        ] {
            let e = SourceUrl::parse(bad).unwrap_err();
            assert!(matches!(e, SourceError::BadUrl(_)), "{bad}");
        }
        let e = SourceUrl::parse("ssh://git@host/a.git")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("nicht unterstützt") && e.contains("ssh://"),
            "{e}"
        );
    }

    #[test]
    fn publiccode_fields_are_read_from_nested_maps() {
        let pc = parse_publiccode(
            "publiccodeYmlVersion: \"0.4\"\nname: Katalog\nlegal:\n  license: EUPL-1.2\n  repoOwner: Stadt Adorf\nmaintenance:\n  type: internal\n  contacts:\n    - name: Frau Muster\n",
        )
        .unwrap();
        assert_eq!(pc.publisher, "Stadt Adorf");
        assert_eq!(pc.licence, "EUPL-1.2");
        let pc =
            parse_publiccode("name: K\nmaintenance:\n  contacts:\n    - name: \"Frau Muster\"\n")
                .unwrap();
        assert_eq!(pc.publisher, "Frau Muster");
        assert_eq!(parse_publiccode("name: K\n").unwrap().publisher, "K");
        let e = parse_publiccode("name: [unclosed").unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::InvalidPubliccode);
        assert!(parse_publiccode("- a\n- b\n").is_err());
    }
}
