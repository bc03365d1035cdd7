//! Imports every template's BPMN export — plain, Camunda 7 and Camunda 8 — into the bpmn-js
//! Modeler (the canvas of Camunda Modeler) in headless Chromium: zero import warnings, no page
//! errors, and exactly one shape per block. The Camunda Forms generated for the Camunda 8 user
//! tasks render in the form viewer Camunda uses (`@bpmn-io/form-js`) without errors, with one
//! keyed input per declared case field (plus the outcome) and the fields' labels. Block shapes are recognised by their id prefix `Block_` (helper elements of the
//! mapping are `Helper_…`, see `fachwerk_shared::bpmn`).
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver` (or CHROMIUM / CHROMEDRIVER) and bpmn-js in
//! `<workspace>/.tools/node/node_modules`. It does not need the Fachwerk app (no FACHWERK_DIST):
//! it serves `e2e/interop/` at `/` and `.tools/node/node_modules/` at `/node_modules/` itself and
//! starts its own chromedriver, like `fachwerk_e2e::Session` does for the app.
#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use fachwerk_e2e::peer_pages;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::thirtyfour::ChromiumLikeCapabilities;
use fachwerk_shared::bpmn::{to_bpmn_export, Engine};
use fachwerk_shared::{parse_workflow, Workflow};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start listening on port {port}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_open_in_bpmn_js_and_their_forms_render_in_form_js() {
    let root = workspace();
    assert!(
        root.join(".tools/node/node_modules/bpmn-js/dist/bpmn-modeler.development.js")
            .is_file(),
        "bpmn-js missing: npm install --prefix .tools/node bpmn-js@18.31.1"
    );
    assert!(
        root.join(".tools/node/node_modules/@bpmn-io/form-js/dist/form-viewer.umd.js")
            .is_file(),
        "form-js missing: cargo xtask installs NODE_PEERS into .tools/node"
    );
    let mut workflows: Vec<(String, Workflow)> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("workflows"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.push(root.join("shared/tests/fixtures/bpmn/alle-bausteine.json"));
    for f in files {
        let w = parse_workflow(&std::fs::read_to_string(&f).unwrap()).unwrap();
        workflows.push((f.file_stem().unwrap().to_string_lossy().to_string(), w));
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(peer_pages::serve)).await;
    });

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let chromedriver_bin =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let _chromedriver = tokio::process::Command::new(&chromedriver_bin)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {chromedriver_bin}: {e}"));
    wait_for_port(port).await;
    let profile = tempfile::tempdir().unwrap();
    let mut caps = DesiredCapabilities::chrome();
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
        .unwrap();
    if let Ok(bin) = std::env::var("CHROMIUM") {
        caps.set_binary(&bin).unwrap();
    }
    let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
        .await
        .unwrap();
    driver
        .set_script_timeout(Duration::from_secs(60))
        .await
        .unwrap();

    let mut failures = Vec::new();
    let mut forms_checked = 0;
    for (name, w) in &workflows {
        for (engine, suffix) in [
            (Engine::Plain, ""),
            (Engine::Camunda7, "-camunda7"),
            (Engine::Camunda8, "-camunda8"),
        ] {
            let export = to_bpmn_export(w, engine);
            open_page(&driver, &format!("http://{addr}/bpmn-js.html")).await;
            let r = call(&driver, "importXml", export.xml).await;
            let errors = page_errors(&driver).await;
            let warnings = r["warnings"].as_array().cloned().unwrap_or_default();
            let blocks = r["blockShapeCount"].as_u64().unwrap_or(0);
            eprintln!("{name}{suffix}: {} blocks, bpmn-js: {r}", w.blocks.len());
            if !r["error"].is_null()
                || !warnings.is_empty()
                || blocks != w.blocks.len() as u64
                || errors.as_array().is_some_and(|e| !e.is_empty())
            {
                failures.push(format!("{name}{suffix}: {r} page errors {errors}"));
            }
            if std::env::var_os("FACHWERK_E2E_OUT").is_some() {
                let _ = driver
                    .screenshot(
                        &fachwerk_e2e::out_dir().join(format!("bpmn-js-{name}{suffix}.png")),
                    )
                    .await;
            }
            for form in &export.forms {
                open_page(&driver, &format!("http://{addr}/form-js.html")).await;
                let r = call(&driver, "renderForm", form.json.clone()).await;
                let errors = page_errors(&driver).await;
                let keys: Vec<&str> = r["keys"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|k| k.as_str()).collect())
                    .unwrap_or_default();
                let labels = r["labels"].to_string();
                let mut problems = Vec::new();
                for f in &w.fields {
                    if !keys.contains(&f.name.as_str()) {
                        problems.push(format!("no input for {}", f.name));
                    }
                    if !labels.contains(f.caption()) {
                        problems.push(format!("no label {:?}", f.caption()));
                    }
                }
                let outcome = usize::from(keys.contains(&"outcome"));
                if keys.len() != w.fields.len() + outcome {
                    problems.push(format!("{} keyed inputs", keys.len()));
                }
                if !r["error"].is_null() || errors.as_array().is_some_and(|e| !e.is_empty()) {
                    problems.push(format!("error {} page errors {errors}", r["error"]));
                }
                if !problems.is_empty() {
                    failures.push(format!("{name} form {}: {}", form.id, problems.join("; ")));
                }
                forms_checked += 1;
            }
        }
    }
    eprintln!("{forms_checked} Camunda forms rendered in form-js");
    assert!(forms_checked > 0, "no Camunda 8 forms were generated");
    driver.quit().await.unwrap();
    server.abort();
    assert!(
        failures.is_empty(),
        "bpmn-js import problems:\n{}",
        failures.join("\n")
    );
}

/// Loads a test page and waits for its `window.__ready`.
async fn open_page(driver: &WebDriver, url: &str) {
    driver.goto(url).await.unwrap();
    for _ in 0..200 {
        if driver
            .execute("return window.__ready === true;", Vec::new())
            .await
            .unwrap()
            .json()
            == &serde_json::Value::Bool(true)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not load");
}

/// Calls the page's async function `name` with one string argument.
async fn call(driver: &WebDriver, name: &str, arg: String) -> serde_json::Value {
    driver
        .execute_async(
            &format!("const done = arguments[arguments.length - 1]; window.{name}(arguments[0]).then(done, (e) => done({{ error: String(e) }}));"),
            vec![serde_json::Value::String(arg)],
        )
        .await
        .unwrap()
        .json()
        .clone()
}

async fn page_errors(driver: &WebDriver) -> serde_json::Value {
    driver
        .execute("return (window.__errors || []).map(String);", Vec::new())
        .await
        .unwrap()
        .json()
        .clone()
}
