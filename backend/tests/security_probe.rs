//! The hostile-input probe of issue 16: the real `fachwerk serve` on a loopback port gets the
//! requests of the security review and must answer each as the fixed server does. Every
//! answer is printed (request → status), so a run documents the server's behaviour.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::live;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use live::{http, login, raw, Reply, Server};
use serde_json::json;

const ADMIN: &str = "Probe-Admin-Passwort-2026";
const EDITOR: (&str, &str) = ("erika", "Erika-Probe-Passwort-1");
const REVIEWER: (&str, &str) = ("rolf", "Rolf-Probe-Passwort-12");

/// Expected and actual answers, reported together at the end.
#[derive(Default)]
struct Probe {
    lines: Vec<String>,
    failures: Vec<String>,
}

impl Probe {
    fn expect(&mut self, what: &str, r: &Reply, status: u16) {
        let line = format!("{what} → {} {}", r.status, short(&r.body));
        if r.status != status {
            self.failures.push(format!("{line} (expected {status})"));
        }
        if r.status >= 400 && r.header("content-type") != Some("application/problem+json") {
            self.failures
                .push(format!("{what}: {} is not problem+json", r.status));
        }
        self.lines.push(line);
    }

    fn check(&mut self, what: &str, ok: bool) {
        self.lines
            .push(format!("{what}: {}", if ok { "ok" } else { "FAILED" }));
        if !ok {
            self.failures.push(what.to_string());
        }
    }
}

fn short(body: &str) -> String {
    let detail = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["detail"].as_str().map(String::from))
        .unwrap_or_default();
    detail.chars().take(90).collect()
}

fn bearer(token: &str) -> Vec<(&'static str, String)> {
    vec![("Authorization", format!("Bearer {token}"))]
}

/// Logs in and creates an API token.
async fn token(addr: SocketAddr, user: &str, password: &str) -> String {
    let r = login(addr, user, password).await;
    assert_eq!(r.status, 200, "{user}: {}", r.body);
    let cookie = r
        .all("set-cookie")
        .iter()
        .map(|c| c.split(';').next().unwrap())
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = r.json()["csrfToken"].as_str().unwrap().to_string();
    let h = [("Cookie", cookie), ("X-CSRF-Token", csrf)];
    let r = http(addr, "POST", "/api/tokens", &h, Some(r#"{"name":"probe"}"#)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

/// `fachwerk user add NAME --role reviewer` on the running server's data; returns a token.
fn add_user_on_the_command_line(server: &Server, name: &str, password: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fachwerk"))
        .args([
            "user",
            "add",
            name,
            "--role",
            "reviewer",
            "--password-stdin",
            "--data",
        ])
        .arg(server.data_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait().unwrap().success());
    let rt = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| rt.block_on(token(server.addr, name, password)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_the_fixed_answers() {
    let server = Server::start("127.0.0.1:0", &[], &[("FACHWERK_ADMIN_PASSWORD", ADMIN)]);
    let addr = server.addr;
    let mut p = Probe::default();

    // 9: a half-sent request is cut off (10 s header deadline) instead of held open.
    let slow = tokio::spawn(async move {
        let started = Instant::now();
        raw(addr, b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Le").await;
        started.elapsed()
    });

    let admin = token(addr, "admin", ADMIN).await;
    let new_user = |name: &str, role: &str, pw: &str| {
        json!({ "name": name, "role": role, "password": pw }).to_string()
    };

    // 5: weak passwords.
    for weak in ["1234567890", "password12"] {
        let r = http(
            addr,
            "POST",
            "/api/users",
            &bearer(&admin),
            Some(&new_user("schwach", "editor", weak)),
        )
        .await;
        p.expect(&format!("5 POST /api/users password {weak:?}"), &r, 400);
    }
    for (name, role, pw) in [
        (EDITOR.0, "editor", EDITOR.1),
        (REVIEWER.0, "reviewer", REVIEWER.1),
    ] {
        let r = http(
            addr,
            "POST",
            "/api/users",
            &bearer(&admin),
            Some(&new_user(name, role, pw)),
        )
        .await;
        p.expect(
            &format!("5 POST /api/users {name} (strong password)"),
            &r,
            201,
        );
    }
    let editor = token(addr, EDITOR.0, EDITOR.1).await;
    let reviewer = token(addr, REVIEWER.0, REVIEWER.1).await;

    // 1: template sources.
    let source = |url: &str| json!({ "url": url }).to_string();
    let r = http(
        addr,
        "POST",
        "/api/sources",
        &bearer(&editor),
        Some(&source("/etc")),
    )
    .await;
    p.expect("1 POST /api/sources /etc as editor", &r, 403);
    let mut answers = Vec::new();
    for url in [
        "/etc",
        "/nonexistent/x",
        "https://127.0.0.1:1/x.git",
        "https://127.0.0.1:8383/x.git",
        "https://169.254.169.254/",
    ] {
        let r = http(
            addr,
            "POST",
            "/api/sources",
            &bearer(&admin),
            Some(&source(url)),
        )
        .await;
        p.expect(&format!("1 POST /api/sources {url} as admin"), &r, 400);
        answers.push(r.json()["detail"].clone());
    }
    p.check(
        "1 /etc and /nonexistent/x answer alike",
        answers[0] == answers[1],
    );
    p.check(
        "1 loopback ports :1 and :8383 answer alike",
        answers[2] == answers[3],
    );
    let own = server.data_dir().join("catalog.git");
    let r = http(
        addr,
        "POST",
        "/api/sources",
        &bearer(&admin),
        Some(&source(own.to_str().unwrap())),
    )
    .await;
    p.expect("1 POST /api/sources own catalogue as admin", &r, 202);

    // 6: login CSRF.
    let body = json!({ "username": EDITOR.0, "password": EDITOR.1 }).to_string();
    let evil = [
        ("Origin", "https://evil.example".to_string()),
        ("Content-Type", "text/plain".to_string()),
    ];
    let r = http(addr, "POST", "/api/session", &evil, Some(&body)).await;
    p.expect(
        "6 POST /api/session text/plain from https://evil.example",
        &r,
        403,
    );
    p.check("6 no cookie set", r.all("set-cookie").is_empty());
    let plain = [("Content-Type", "text/plain".to_string())];
    let r = http(addr, "POST", "/api/session", &plain, Some(&body)).await;
    p.expect("6 POST /api/session text/plain without Origin", &r, 415);

    // 10: invalid key.
    let r = http(
        addr,
        "POST",
        "/api/drafts?from=urlaubsantrag%00",
        &bearer(&editor),
        None,
    )
    .await;
    p.expect("10 POST /api/drafts?from=urlaubsantrag%00", &r, 404);
    let r = http(
        addr,
        "GET",
        "/api/drafts/..%2F..%2Fusers.json",
        &bearer(&editor),
        None,
    )
    .await;
    p.expect("10 GET /api/drafts/..%2F..%2Fusers.json", &r, 404);

    // 8: four eyes against a self-made second account.
    let r = http(
        addr,
        "POST",
        "/api/users",
        &bearer(&admin),
        Some(&new_user(
            "zweitkonto",
            "reviewer",
            "Zweitkonto-Probe-Passwort-3",
        )),
    )
    .await;
    p.expect("8 admin creates a second reviewer account", &r, 201);
    let second = token(addr, "zweitkonto", "Zweitkonto-Probe-Passwort-3").await;
    let wf = common::workflow("probe", "x");
    let r = http(addr, "POST", "/api/drafts", &bearer(&admin), Some(&wf)).await;
    let draft = r.json()["id"].as_str().unwrap().to_string();
    let r = http(
        addr,
        "POST",
        "/api/publications",
        &bearer(&admin),
        Some(&json!({ "draftId": draft }).to_string()),
    )
    .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let approve = format!("/api/publications/{id}/approve");
    let r = http(addr, "POST", &approve, &bearer(&second), Some("{}")).await;
    p.expect("8 approval by an account the requester created", &r, 403);
    // Rolf was created by the admin too; an account from the command line is independent.
    let r = http(addr, "POST", &approve, &bearer(&reviewer), Some("{}")).await;
    p.expect(
        "8 approval by another account the requester created",
        &r,
        403,
    );
    let independent = add_user_on_the_command_line(&server, "pruefer", "Pruefer-Probe-Passwort-4");
    let r = http(addr, "POST", &approve, &bearer(&independent), Some("{}")).await;
    p.expect("8 approval by an independent reviewer", &r, 200);
    let r = http(
        addr,
        "GET",
        &format!("/api/publications/{id}"),
        &bearer(&independent),
        None,
    )
    .await;
    p.check(
        "8 the approval view names the requester's creator (none: first start)",
        r.json()["requester"] == "admin" && r.json().get("requesterCreatedBy").is_none(),
    );

    // 4: tokens are listed and die with logout.
    let r = http(addr, "GET", "/api/tokens", &bearer(&editor), None).await;
    p.expect("4 GET /api/tokens", &r, 200);
    p.check(
        "4 the token has an expiry",
        r.json()[0]["expiresAt"].is_string(),
    );
    let r = http(addr, "DELETE", "/api/session", &bearer(&editor), None).await;
    p.expect("4 DELETE /api/session with a token", &r, 204);
    let r = http(addr, "GET", "/api/drafts", &bearer(&editor), None).await;
    p.expect("4 the token after logout", &r, 401);

    // 9: headers.
    for path in ["/api/health", "/"] {
        let r = http(addr, "GET", path, &[], None).await;
        let csp = r.header("content-security-policy").unwrap_or_default();
        p.check(
            &format!("9 {path}: CSP with frame-ancestors 'none'"),
            csp.contains("frame-ancestors 'none'"),
        );
        p.check(
            &format!("9 {path}: nosniff"),
            r.header("x-content-type-options") == Some("nosniff"),
        );
        p.check(
            &format!("9 {path}: Referrer-Policy"),
            r.header("referrer-policy").is_some(),
        );
    }

    // 2: anonymous validation is limited per address; logged-in validation is not.
    let mut last = None;
    for _ in 0..=fachwerk_backend::security::ANONYMOUS_VALIDATIONS_PER_MINUTE {
        last = Some(http(addr, "POST", "/api/workflows/validate", &[], Some(&wf)).await);
    }
    let r = last.unwrap();
    p.expect("2 31st anonymous validation within a minute", &r, 429);
    p.check("2 Retry-After is sent", r.header("retry-after").is_some());
    let big = fachwerk_shared::to_canonical_json(&fachwerk_shared::generate::synthetic(3000, 1));
    let r = http(
        addr,
        "POST",
        "/api/workflows/validate",
        &bearer(&reviewer),
        Some(&big),
    )
    .await;
    p.expect("2 large validation when logged in", &r, 200);

    // 3: 30 wrong passwords, then the right one.
    let wrong = json!({ "username": REVIEWER.0, "password": "falsch-falsch-falsch" }).to_string();
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(
            http(addr, "POST", "/api/session", &[], Some(&wrong))
                .await
                .status,
        );
    }
    p.check(
        "3 wrong passwords end in 429",
        statuses.last() == Some(&429),
    );
    let r = login(addr, REVIEWER.0, REVIEWER.1).await;
    p.expect("3 the right password after 30 wrong ones", &r, 429);
    p.check(
        "3 German wait time",
        r.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("erneut versuchen"),
    );

    // Hostile bytes and sizes.
    let r = http(
        addr,
        "POST",
        "/api/workflows/validate",
        &bearer(&reviewer),
        Some("{\"schemaVersion\":1,"),
    )
    .await;
    p.expect("truncated JSON", &r, 400);
    let long_name = json!({ "username": "a".repeat(10_000), "password": "x\u{0}y" }).to_string();
    let r = http(addr, "POST", "/api/session", &[], Some(&long_name)).await;
    p.expect(
        "10 000-character user name with a NUL in the password",
        &r,
        401,
    );
    let huge = " ".repeat(3 * 1024 * 1024);
    let r = http(
        addr,
        "POST",
        "/api/workflows/validate",
        &bearer(&reviewer),
        Some(&huge),
    )
    .await;
    p.expect("3 MiB body", &r, 413);

    let held = slow.await.unwrap();
    p.check(
        &format!("9 half-sent request cut off after {held:?}"),
        held < Duration::from_secs(15),
    );

    eprintln!("{}", p.lines.join("\n"));
    assert!(p.failures.is_empty(), "{}", p.failures.join("\n"));
}
