//! Observability: `/api/ready` answers 200 with both checks passed and 503 naming the failed
//! one; `/metrics` is valid OpenMetrics text (checked strictly below), counts exactly the
//! requests the test made per matched route, publications and failed logins, and is shown
//! only to loopback or the metrics token; `--log-format json` writes one JSON object per line.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::server_support;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{send, workflow, Env, Resp};
use serde_json::{json, Value};

/// A GET from the given client address, as the server loop would hand it over.
async fn get_from(env: &Env, uri: &str, peer: &str, token: Option<&str>) -> Resp {
    let mut req = Request::builder().method(Method::GET).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let mut req = req.body(Body::empty()).unwrap();
    let peer: SocketAddr = peer.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    send(&env.app, req).await
}

// ---------------------------------------------------------------------------------------------
// A strict reader of the OpenMetrics text format (the subset a Prometheus client writes):
// metadata lines, samples with escaped label values, one family per name, samples of a family
// together and named after it, `# EOF` last.

#[derive(Debug, Default)]
struct Family {
    kind: String,
    help: bool,
}

/// `name{label=value,…}` (labels sorted by name, values unescaped) → value.
type Samples = BTreeMap<String, f64>;

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Parses `{a="x",b="y"}` (after the name); returns the labels and the rest of the line.
/// Label name and unescaped value, in the order written.
type Labels = Vec<(String, String)>;

fn labels(s: &str) -> Result<(Labels, &str), String> {
    let Some(mut rest) = s.strip_prefix('{') else {
        return Ok((Vec::new(), s));
    };
    let mut out = Vec::new();
    loop {
        if let Some(r) = rest.strip_prefix('}') {
            return Ok((out, r));
        }
        let eq = rest.find('=').ok_or("label without =")?;
        let name = &rest[..eq];
        if !is_name(name) || name.contains(':') {
            return Err(format!("bad label name {name:?}"));
        }
        rest = rest[eq + 1..]
            .strip_prefix('"')
            .ok_or("label value not quoted")?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next().ok_or("unterminated label value")? {
                (i, '"') => break i,
                (_, '\\') => match chars.next().ok_or("dangling escape")?.1 {
                    'n' => value.push('\n'),
                    c @ ('\\' | '"') => value.push(c),
                    c => return Err(format!("bad escape \\{c}")),
                },
                (_, '\n') => return Err("newline in label value".into()),
                (_, c) => value.push(c),
            }
        };
        out.push((name.to_string(), value));
        rest = &rest[end + 1..];
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else if !rest.starts_with('}') {
            return Err("labels not separated by ,".into());
        }
    }
}

fn parse_openmetrics(text: &str) -> Result<Samples, String> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut samples = Samples::new();
    let lines: Vec<&str> = text
        .strip_suffix('\n')
        .ok_or("no final newline")?
        .split('\n')
        .collect();
    if lines.last() != Some(&"# EOF") {
        return Err("the last line is not # EOF".into());
    }
    for (n, line) in lines[..lines.len() - 1].iter().enumerate() {
        let fail = |m: String| format!("line {}: {m}: {line:?}", n + 1);
        if let Some(meta) = line.strip_prefix("# ") {
            let mut parts = meta.splitn(3, ' ');
            let (kw, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let rest = parts.next().unwrap_or("");
            if !is_name(name) {
                return Err(fail("bad metric name".into()));
            }
            if current.as_deref() != Some(name) {
                if families.contains_key(name) {
                    return Err(fail("family declared twice".into()));
                }
                families.insert(name.to_string(), Family::default());
                current = Some(name.to_string());
            }
            let f = families.get_mut(name).unwrap();
            match kw {
                "TYPE" => {
                    let known = [
                        "counter",
                        "gauge",
                        "histogram",
                        "summary",
                        "info",
                        "stateset",
                        "gaugehistogram",
                        "unknown",
                    ];
                    if !known.contains(&rest) || !f.kind.is_empty() {
                        return Err(fail("bad or repeated TYPE".into()));
                    }
                    f.kind = rest.to_string();
                }
                "HELP" => f.help = true,
                "UNIT" => {}
                _ => return Err(fail("unknown metadata".into())),
            }
            continue;
        }
        let name_end = line
            .find(['{', ' '])
            .ok_or_else(|| fail("no value".into()))?;
        let name = &line[..name_end];
        let (mut labels, rest) = labels(&line[name_end..]).map_err(fail)?;
        let value = rest
            .strip_prefix(' ')
            .ok_or_else(|| fail("no space before value".into()))?;
        let value = value.split(' ').next().unwrap_or("");
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().map_err(|_| fail(format!("bad value {v:?}")))?,
        };
        let family = current
            .clone()
            .ok_or_else(|| fail("sample before any family".into()))?;
        let kind = families[&family].kind.clone();
        let suffixes: &[&str] = match kind.as_str() {
            "counter" => &["_total", "_created"],
            "gauge" | "unknown" => &[""],
            "histogram" => &["_bucket", "_sum", "_count", "_created"],
            _ => &[
                "", "_bucket", "_sum", "_count", "_created", "_total", "_info",
            ],
        };
        if !suffixes.iter().any(|s| name == format!("{family}{s}")) {
            return Err(fail(format!(
                "sample does not belong to the {kind} {family}"
            )));
        }
        if kind == "histogram"
            && name.ends_with("_bucket")
            && !labels.iter().any(|(k, _)| k == "le")
        {
            return Err(fail("bucket without le".into()));
        }
        // The key lists the labels by name, whatever order the writer chose.
        labels.sort();
        let key = format!(
            "{name}{{{}}}",
            labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        if samples.insert(key, value).is_some() {
            return Err(fail("duplicate sample".into()));
        }
    }
    for (name, f) in &families {
        if f.kind.is_empty() || !f.help {
            return Err(format!("{name} lacks TYPE or HELP"));
        }
    }
    Ok(samples)
}

#[test]
fn the_reader_is_strict() {
    let good = "# HELP a_x An x.\n# TYPE a_x counter\na_x_total{r=\"/a\\\"b\"} 3\n# EOF\n";
    assert_eq!(parse_openmetrics(good).unwrap()["a_x_total{r=/a\"b}"], 3.0);
    for bad in [
        "# HELP a_x An x.\n# TYPE a_x counter\na_x_total 3\n",
        "# HELP a_x An x.\n# TYPE a_x counter\na_x 3\n# EOF\n",
        "# HELP a_x An x.\n# TYPE a_x counter\na_x_total{r=/a} 3\n# EOF\n",
        "# HELP a_x An x.\n# TYPE a_x counter\na_x_total three\n# EOF\n",
        "# TYPE a_x counter\na_x_total 3\n# EOF\n",
        "# HELP a_x An x.\n# TYPE a_x gauge\n# HELP b B.\n# TYPE b gauge\n# HELP a_x again\n# EOF\n",
    ] {
        assert!(parse_openmetrics(bad).is_err(), "accepted {bad:?}");
    }
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ready_names_the_failed_check() {
    let env = Env::new();
    let r = env.get("/api/ready", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({ "status": "ready", "checks": [
            { "name": "database", "ok": true }, { "name": "catalog", "ok": true } ] })
    );

    // The catalogue gone (a lost mount): not ready, and the reason names it.
    let moved = env.dir.path().join("catalog-weg.git");
    std::fs::rename(env.catalog(), &moved).unwrap();
    let r = env.get("/api/ready", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    let body = r.json();
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["checks"][0], json!({ "name": "database", "ok": true }));
    assert_eq!(body["checks"][1]["ok"], false);
    assert!(
        !body["checks"][1]["reason"].as_str().unwrap().is_empty(),
        "{body}"
    );
    // Liveness is not readiness: the process still answers /api/health.
    assert_eq!(env.get("/api/health", None).await.status, StatusCode::OK);
    std::fs::rename(&moved, env.catalog()).unwrap();
    assert_eq!(env.get("/api/ready", None).await.status, StatusCode::OK);

    // The database gone: not ready, the reason names the database error.
    env.state.db.close().await;
    let r = env.get("/api/ready", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    let body = r.json();
    assert_eq!(body["checks"][0]["ok"], false);
    assert!(
        body["checks"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("database"),
        "{body}"
    );
    assert_eq!(body["checks"][1], json!({ "name": "catalog", "ok": true }));
}

#[tokio::test]
async fn metrics_parse_and_count_the_requests_made() {
    let env = Env::new();
    let users = env.users().await;
    for _ in 0..3 {
        assert_eq!(env.get("/api/health", None).await.status, StatusCode::OK);
    }
    env.publish(
        &users.editor,
        &users.reviewer,
        &workflow("metrik", "Messwerte"),
        "erste",
    )
    .await;
    // Two addresses, one route.
    for key in ["metrik", "gibt-es-nicht"] {
        env.get(&format!("/api/workflows/{key}"), None).await;
    }
    assert_eq!(
        env.get("/api/kein/weg", None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = env
        .post(
            "/api/session",
            None,
            json!({ "username": "erika", "password": "falsch" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    // Refused by the guard before any handler (foreign Origin): counted all the same.
    let foreign = Request::builder()
        .method(Method::POST)
        .uri("/api/drafts")
        .header(header::ORIGIN, "https://fremd.example")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {}", users.editor))
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(send(&env.app, foreign).await.status, StatusCode::FORBIDDEN);

    let r = get_from(&env, "/metrics", "127.0.0.1:50000", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r
        .header("content-type")
        .starts_with("application/openmetrics-text"));
    let m = parse_openmetrics(&r.text).unwrap_or_else(|e| panic!("{e}\n{}", r.text));
    let count = |key: &str| {
        *m.get(key)
            .unwrap_or_else(|| panic!("no {key} in\n{}", r.text))
    };
    assert_eq!(
        count("fachwerk_http_requests_total{method=GET,route=/api/health,status=200}"),
        3.0
    );
    assert_eq!(
        count("fachwerk_http_request_duration_seconds_count{method=GET,route=/api/health}"),
        3.0
    );
    assert_eq!(
        count(
            "fachwerk_http_request_duration_seconds_bucket{le=+Inf,method=GET,route=/api/health}"
        ),
        3.0
    );
    assert_eq!(
        count("fachwerk_http_requests_total{method=GET,route=/api/workflows/{key},status=200}"),
        1.0
    );
    assert_eq!(
        count("fachwerk_http_requests_total{method=GET,route=/api/workflows/{key},status=404}"),
        1.0
    );
    assert_eq!(
        count("fachwerk_http_requests_total{method=GET,route=unmatched,status=404}"),
        1.0
    );
    assert_eq!(
        count("fachwerk_http_requests_total{method=POST,route=/api/drafts,status=201}"),
        1.0
    );
    assert_eq!(count("fachwerk_http_requests_total{method=POST,route=/api/publications/{id}/approve,status=200}"), 1.0);
    assert_eq!(
        count("fachwerk_http_requests_total{method=POST,route=/api/session,status=401}"),
        1.0
    );
    assert_eq!(
        count("fachwerk_http_requests_total{method=POST,route=/api/drafts,status=403}"),
        1.0
    );
    assert_eq!(count("fachwerk_publications_total{}"), 1.0);
    assert_eq!(count("fachwerk_login_failures_total{}"), 1.0);
    assert_eq!(count("fachwerk_open_cases{}"), 0.0);
    assert_eq!(count("fachwerk_overdue_tasks{}"), 0.0);
    assert_eq!(count("fachwerk_database_up{}"), 1.0);
    // Only the requests of this test: 3 + draft + request + approval + 2 + 1 + login + foreign.
    let total: f64 = m
        .iter()
        .filter(|(k, _)| k.starts_with("fachwerk_http_requests_total{"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(total, 11.0, "{}", r.text);

    // The scrape itself is counted by the next one.
    let r = get_from(&env, "/metrics", "[::1]:50000", None).await;
    let m = parse_openmetrics(&r.text).unwrap();
    assert_eq!(
        m["fachwerk_http_requests_total{method=GET,route=/metrics,status=200}"],
        1.0
    );
}

#[tokio::test]
async fn metrics_are_for_loopback_or_the_token_holder() {
    let env = Env::with(|c| c.metrics_token = Some("mess-schluessel-1".into()));
    let remote = "192.0.2.7:40000";
    assert_eq!(
        get_from(&env, "/metrics", remote, None).await.status,
        StatusCode::FORBIDDEN
    );
    let wrong = get_from(&env, "/metrics", remote, Some("mess-schluessel-2")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(
        wrong.json()["detail"]
            .as_str()
            .unwrap()
            .contains("--metrics-token"),
        "{}",
        wrong.text
    );
    let r = get_from(&env, "/metrics", remote, Some("mess-schluessel-1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    parse_openmetrics(&r.text).unwrap();
    // No socket address at all (not from the server loop): refused, never assumed local.
    assert_eq!(
        env.get("/metrics", None).await.status,
        StatusCode::FORBIDDEN
    );

    // Without a configured token only loopback reads them.
    let env = Env::new();
    let r = get_from(&env, "/metrics", remote, Some("")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_served_instance_logs_json_and_shows_metrics_over_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("out.log");
    let (mut child, addr) = server_support::start_with_env(
        &dir.path().join("data"),
        &log,
        &["--log-format", "json"],
        &[("RUST_LOG", "info")],
    );
    server_support::wait_ready(addr).await;
    let r = server_support::http(addr, "GET", "/api/ready", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let r = server_support::http(addr, "GET", "/metrics", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let m = parse_openmetrics(&r.body).unwrap();
    assert_eq!(
        m["fachwerk_http_requests_total{method=GET,route=/api/ready,status=200}"],
        1.0
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let text = std::fs::read_to_string(&log).unwrap();
    let json_lines: Vec<Value> = text
        .lines()
        .filter(|l| !l.starts_with("Fachwerk läuft") && !l.starts_with("Anmeldung:"))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        json_lines
            .iter()
            .any(|l| l["level"] == "INFO" && l["message"] == "opening the database"),
        "{text}"
    );
}

/// The case gauges end to end: a leave request started on 2 March 2026 (through the API, by a
/// clerk) is one open case with one task on its Frist; the same database scraped by an instance
/// whose today is 1 June 2026 counts that task overdue, the first instance (today 2 March) not.
#[tokio::test]
async fn metrics_count_open_cases_and_overdue_tasks() {
    let env = Env::with(|c| c.runtime.today = fachwerk_shared::values::Date::parse("2026-03-02"));
    let u = env.users().await;
    let r = env
        .post(
            "/api/workflows/urlaubsantrag/versions/1.0.0/activate",
            Some(&u.admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let person = json!({ "name": "Erika Muster", "account": "erika",
                         "roles": [{ "workflow": "urlaubsantrag", "role": "R-BESCH" }] });
    let r = env.post("/api/persons", Some(&u.admin), person).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let fields = json!({ "personalnummer": "4711", "urlaubsbeginn": "2026-03-16",
                         "urlaubsende": "2026-03-20", "arbeitstage": 5 });
    let r = env
        .post(
            "/api/cases",
            Some(&u.editor),
            json!({ "workflow": "urlaubsantrag", "fields": fields }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    let gauges = |env: &Env| {
        let app = env.app.clone();
        async move {
            let mut req = Request::builder()
                .uri("/metrics")
                .body(Body::empty())
                .unwrap();
            let peer: SocketAddr = "127.0.0.1:50001".parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(peer));
            let r = send(&app, req).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            let m = parse_openmetrics(&r.text).unwrap_or_else(|e| panic!("{e}\n{}", r.text));
            (m["fachwerk_open_cases{}"], m["fachwerk_overdue_tasks{}"])
        }
    };
    assert_eq!(gauges(&env).await, (1.0, 0.0));

    let mut later = fachwerk_backend::Config::new(env.data());
    later.admin_password = Some(common::ADMIN_PASSWORD.into());
    later.runtime.today = fachwerk_shared::values::Date::parse("2026-06-01");
    let later = fachwerk_backend::AppState::new(later);
    let later = Env {
        dir: tempfile::tempdir().unwrap(),
        app: fachwerk_backend::app(later.clone()),
        state: later,
    };
    assert_eq!(gauges(&later).await, (1.0, 1.0));
}
