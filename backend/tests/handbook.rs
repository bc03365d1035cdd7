//! The handbook (docs/): the server serves the built book under `/hilfe/`, and the book
//! describes the server as it is – every HTTP path of the OpenAPI document, every `fachwerk`
//! command and every `serve` option with its environment variable has its place in the
//! reference, and nothing documented is missing from the program.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use fachwerk_backend::{app, AppState, Config};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A server with a built frontend and a small built handbook.
fn app_with_handbook(dir: &tempfile::TempDir) -> axum::Router {
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("dist/index.html", "<title>Designer</title>");
    write("book/index.html", "<title>Willkommen</title>");
    write("book/404.html", "<title>Seite nicht gefunden</title>");
    write(
        "book/referenz/befunde/E_THRESHOLD_GAP.html",
        "<title>E_THRESHOLD_GAP</title>",
    );
    let mut config = Config::new(dir.path().join("data"));
    config.dist_dir = Some(dir.path().join("dist"));
    config.docs_dir = Some(dir.path().join("book"));
    config.hash_cost = fachwerk_backend::users::HashCost::TESTING;
    app(AppState::new(config))
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        location,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[tokio::test]
async fn the_handbook_is_served_under_hilfe_beside_the_designer() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_handbook(&dir);

    let (status, _, body) = get(&app, "/hilfe/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Willkommen"), "{body}");

    let (status, _, body) = get(&app, "/hilfe/referenz/befunde/E_THRESHOLD_GAP.html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("E_THRESHOLD_GAP"), "{body}");

    // Relative links need the trailing slash.
    let (status, location, _) = get(&app, "/hilfe").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location, "/hilfe/");

    // A missing page is a real 404 with the handbook's own page, not the designer.
    let (status, _, body) = get(&app, "/hilfe/referenz/befunde/E_GIBT_ES_NICHT.html").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Seite nicht gefunden"), "{body}");

    // The designer still answers everything else.
    let (status, _, body) = get(&app, "/irgendwo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Designer"), "{body}");
}

/// `cargo xtask run` starts the server before the book is built: /hilfe/ says so, and serves
/// the book as soon as it is there, without a restart.
#[tokio::test]
async fn a_handbook_built_after_the_start_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(
        dir.path().join("dist/index.html"),
        "<title>Designer</title>",
    )
    .unwrap();
    let mut config = Config::new(dir.path().join("data"));
    config.dist_dir = Some(dir.path().join("dist"));
    config.docs_dir = Some(dir.path().join("book"));
    config.hash_cost = fachwerk_backend::users::HashCost::TESTING;
    let app = app(AppState::new(config));

    let (status, _, body) = get(&app, "/hilfe/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("Das Handbuch ist noch nicht da"), "{body}");
    assert!(body.contains("lang=\"en\""), "{body}");

    std::fs::create_dir_all(dir.path().join("book")).unwrap();
    std::fs::write(
        dir.path().join("book/index.html"),
        "<title>Willkommen</title>",
    )
    .unwrap();
    let (status, _, body) = get(&app, "/hilfe/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Willkommen"), "{body}");
}

#[tokio::test]
async fn the_handbook_may_run_its_inline_scripts_the_designer_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_handbook(&dir);
    let csp = |uri: &'static str| {
        let app = app.clone();
        async move {
            let res = app
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            res.headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        }
    };
    // mdBook's pages set the theme and their path to the root in small inline scripts.
    let handbook = csp("/hilfe/").await;
    assert!(
        handbook.contains("script-src 'self' 'unsafe-inline'"),
        "{handbook}"
    );
    assert!(handbook.contains("frame-ancestors 'none'"), "{handbook}");
    let designer = csp("/irgendwo").await;
    let script_src = designer
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{designer}");
}

fn page(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/src")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fachwerk"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "fachwerk {args:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Words starting with `prefix` up to the next backtick, space or closing bracket.
fn mentions(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i..]
                .split(|c: char| c == '`' || c == ']' || c == ',' || c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Long options (`--data`) mentioned in a text.
fn flags(text: &str) -> BTreeSet<String> {
    mentions(text, "--")
        .into_iter()
        .filter(|f| f.chars().nth(2).is_some_and(|c| c.is_ascii_lowercase()))
        .map(|f| {
            f.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string()
        })
        .collect()
}

#[test]
fn every_api_path_is_in_the_http_reference_and_back() {
    let doc = serde_json::to_value(fachwerk_backend::openapi::document()).unwrap();
    let served: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let documented = mentions(&page("referenz/http-api.md"), "/api/");
    let missing: Vec<_> = served.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&served).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/src/referenz/http-api.md: add {missing:?}; remove or fix {unknown:?}"
    );
}

/// `fachwerk openapi` prints the served document, and the reference pages generated from it
/// (`cargo xtask docs`, docs/src/referenz/api/) have a section for every operation and schema.
#[test]
fn the_generated_api_reference_covers_the_served_document() {
    let doc = serde_json::to_value(fachwerk_backend::openapi::document()).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&help(&["openapi"])).unwrap();
    assert_eq!(printed, doc);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/src/referenz/api");
    let mut pages = String::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        pages.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    let methods = ["get", "post", "put", "patch", "delete"];
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if !methods.contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let heading = format!("## `{} {path}`", method.to_uppercase());
            assert!(
                pages.contains(&heading),
                "docs/src/referenz/api lacks {heading}: run `cargo xtask docs`"
            );
        }
    }
    assert_eq!(
        pages.matches("\n## `").count(),
        operations,
        "stale operations in the pages"
    );
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(
            pages.contains(&format!("<a id=\"schema-{name}\"></a>")),
            "docs/src/referenz/api/schemas.md lacks {name}: run `cargo xtask docs`"
        );
    }
}

#[test]
fn every_command_has_a_section_in_the_command_line_reference() {
    let text = help(&["--help"]);
    let commands: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 6, "{text}");
    let reference = page("referenz/kommandozeile.md");
    for c in commands {
        assert!(
            reference.contains(&format!("## `fachwerk {c}")),
            "docs/src/referenz/kommandozeile.md has no section for `fachwerk {c}`"
        );
    }
}

#[test]
fn every_serve_option_and_variable_is_in_the_configuration_page() {
    let text = help(&["serve", "--help"]);
    let options: BTreeSet<String> = flags(&text).into_iter().filter(|o| o != "--help").collect();
    let variables = mentions(&text, "FACHWERK_")
        .into_iter()
        .map(|v| v.trim_end_matches('=').to_string())
        .collect::<BTreeSet<_>>();
    assert!(
        options.contains("--data") && variables.contains("FACHWERK_DATA"),
        "{text}"
    );
    let config = page("betrieb/konfiguration.md");
    let documented_options = flags(&config);
    for o in &options {
        assert!(
            documented_options.contains(o),
            "docs/src/betrieb/konfiguration.md lacks the option {o}"
        );
    }
    for v in &variables {
        assert!(
            config.contains(&format!("`{v}`")),
            "docs/src/betrieb/konfiguration.md lacks the variable {v}"
        );
    }
    for o in documented_options {
        assert!(
            options.contains(&o),
            "docs/src/betrieb/konfiguration.md documents {o}, which `fachwerk serve` lacks"
        );
    }
}
