//! The Rückfrage over the digital return channel, end to end on loopback: a case waits at a
//! Rückfrage, the mail goes to a real SMTP sink (Debian's `python3-aiosmtpd`) — first while
//! the sink is down (retried, then delivered), the link is taken from the received mail, the
//! applicant reads the question and answers once with a file (the case takes the "answered"
//! exit), a second use is refused with nothing stored, bad uploads are refused; a second case
//! takes the timeout exit when its reply period passes (test clock); a case without an
//! address shows up as a failed delivery that a clerk can retry. The test fails (never skips)
//! when the SMTP sink is missing.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::outputs::answer;
use common::Env;
use fachwerk_backend::cases::{CaseRuntime, RuntimeConfig};
use fachwerk_backend::users::Role;
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const TODAY: &str = "2026-03-02";
const KEY: &str = "nachweis";
const PUBLIC_URL: &str = "https://fachwerk.test";

/// start → Rückfrage (reply within 10 days) → "Antwort prüfen" (R-SB) → end; timeout → end.
fn workflow() -> String {
    let w = json!({
        "schemaVersion": 1, "key": KEY, "name": "Nachweis nachreichen",
        "description": "Test der Rückfrage über den Rückkanal.", "version": "1.0.0", "nextId": 10,
        "fields": [
            { "name": "email", "label": "E-Mail", "type": "text", "required": false },
            { "name": "gegenstand", "label": "Gegenstand", "type": "text", "required": true }
        ],
        "roles": [{ "id": "R-SB", "name": "Sachbearbeitung", "orgUnit": "Bürgeramt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "Antrag eingegangen", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "rueckfrage", "label": "Nachweis anfordern",
              "params": { "channel": "EMAIL", "template": "Bitte reichen Sie das Angebot für {{gegenstand}} nach.", "replyDeadline": "P10D" } },
            { "id": "b3", "type": "sachbearbeitung", "label": "Antwort prüfen",
              "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "Antwort prüfen", "outcomes": ["ok"] } },
            { "id": "b4", "type": "ende", "label": "Erledigt", "params": { "result": "ERLEDIGT" } },
            { "id": "b5", "type": "ende", "label": "Nach Aktenlage entschieden", "params": { "result": "ERLEDIGT" } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "reply", "to": "b3" },
            { "id": "e3", "from": "b2", "port": "timeout", "to": "b5" },
            { "id": "e4", "from": "b3", "port": "ok", "to": "b4" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 }, "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }, "b4": { "x": 720, "y": 0, "w": 160, "h": 64 },
            "b5": { "x": 480, "y": 120, "w": 160, "h": 64 }
        } }
    });
    common::valid_workflow(&w)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Debian's aiosmtpd as an SMTP sink writing every mail into a Maildir.
struct Sink {
    child: Child,
}

impl Sink {
    fn start(port: u16, maildir: &Path) -> Sink {
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3-aiosmtpd (cargo xtask test installs it)");
        let mut sink = Sink { child };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = sink.child.try_wait().unwrap() {
                let mut err = String::new();
                use std::io::Read;
                sink.child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                panic!("the SMTP sink (python3-aiosmtpd) did not start ({status}): {err}");
            }
            assert!(Instant::now() < deadline, "the SMTP sink did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        sink
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The mails the sink received (Maildir `new/`, in the order received, quoted-printable
/// decoded and joined), waiting up to 10 s for `n` of them.
fn mails(maildir: &Path, n: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut files: Vec<_> = std::fs::read_dir(maildir.join("new"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        if files.len() >= n || Instant::now() > deadline {
            let mut text = String::new();
            for f in files {
                text.push_str(&common::outputs::unquote(&std::fs::read(f).unwrap()));
                text.push_str("\n\n");
            }
            return text;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The token of the first link `{PUBLIC_URL}/{page}/…` in `text` after position `from`.
fn link(text: &str, page: &str, from: usize) -> String {
    let prefix = format!("{PUBLIC_URL}/{page}/");
    let at = text[from..].find(&prefix).expect(&prefix) + from + prefix.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

struct Office {
    env: Env,
    admin: String,
    clerk: String,
}

async fn office(smtp_port: u16) -> Office {
    let env = Env::with(|c| {
        c.runtime.today = Date::parse(TODAY);
        c.delivery.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
        c.delivery.public_url = PUBLIC_URL.into();
        c.delivery.mail_from = "vergabe@stadt.test".into();
        c.delivery.backoff = Duration::ZERO;
        c.delivery.max_attempts = 3;
    });
    let admin = env.token("admin", Role::Admin).await;
    let admin_id = env.state.users.get("admin").await.unwrap().unwrap().id;
    env.state
        .db
        .activate_workflow(KEY, "1.0.0", &workflow(), &admin_id)
        .await
        .unwrap();
    let clerk = env.token("sabine", Role::Editor).await;
    let r = env
        .post(
            "/api/persons",
            Some(&admin),
            json!({ "name": "Sabine Sachbearbeiterin", "account": "sabine",
                    "roles": [{ "workflow": KEY, "role": "R-SB" }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    Office { env, admin, clerk }
}

async fn start(o: &Office, email: Option<&str>) -> Value {
    let mut fields = json!({ "gegenstand": "Bürostühle" });
    if let Some(e) = email {
        fields["email"] = json!(e);
    }
    let r = o
        .env
        .post(
            "/api/cases",
            Some(&o.clerk),
            json!({ "workflow": KEY, "fields": fields }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let case = r.json();
    send_query_as_drafted(o, case["id"].as_str().unwrap()).await;
    case
}

/// The clerk sends the case's Rückfrage as the block drafts it (its template with the case's
/// fields): until then it waits in the outbox.
async fn send_query_as_drafted(o: &Office, id: &str) {
    let out = outputs(o, id).await;
    assert_eq!(out["deliveries"][0]["held"], true, "{out:#}");
    assert_eq!(
        o.env.state.deliveries.run_once(10).await.unwrap(),
        0,
        "held"
    );
    let view = o
        .env
        .get(&format!("/api/cases/{id}"), Some(&o.clerk))
        .await
        .json();
    let task = view["state"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["block"] == "b2")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/cases/{id}/queries/{task}");
    let draft = o.env.get(&path, Some(&o.clerk)).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    let draft = draft.json();
    assert_eq!(draft["sent"], false);
    // The end of the block's reply period (P10D), the latest one may set.
    assert!(
        draft["deadline"].as_str().is_some_and(|d| d > TODAY),
        "{draft:#}"
    );
    assert_eq!(draft["deadline"], draft["latestDeadline"]);
    assert_eq!(
        draft["text"],
        "Bitte reichen Sie das Angebot für Bürostühle nach."
    );
    let r = o
        .env
        .post(
            &path,
            Some(&o.clerk),
            json!({ "text": draft["text"], "documents": draft["documents"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["sent"], true);
}

async fn outputs(o: &Office, case: &str) -> Value {
    let r = o
        .env
        .get(&format!("/api/cases/{case}/outputs"), Some(&o.clerk))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rueckfrage_over_the_return_channel() {
    let port = free_port();
    let o = office(port).await;
    let deliveries = &o.env.state.deliveries;
    let case = start(&o, Some("antrag@example.org")).await;
    let id = case["id"].as_str().unwrap().to_string();
    let az = case["aktenzeichen"].as_str().unwrap().to_string();

    // The mail server is down: the attempt fails, the row waits for the next one.
    assert_eq!(deliveries.run_once(10).await.unwrap(), 0);
    let out = outputs(&o, &id).await;
    let row = &out["deliveries"][0];
    assert_eq!(row["status"], "pending", "{out:#}");
    assert_eq!(row["attempts"], 1);
    assert!(
        row["lastError"].as_str().unwrap().contains("SMTP"),
        "{row:#}"
    );

    // The sink comes up: the next round delivers it, once.
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("maildir");
    let _sink = Sink::start(port, &mbox);
    assert_eq!(deliveries.run_once(10).await.unwrap(), 1);
    assert_eq!(deliveries.run_once(10).await.unwrap(), 0, "sent once");
    let text = mails(&mbox, 1);
    assert!(text.contains("To: antrag@example.org"), "{text}");
    assert!(text.contains(&az), "{text}");
    assert!(text.contains("Bürostühle"), "{text}");
    let token = link(&text, "rueckfrage", 0);
    let status_token = link(&text, "status", 0);
    assert_eq!(token.len(), 64, "{text}");
    let out = outputs(&o, &id).await;
    let row = &out["deliveries"][0];
    assert_eq!(row["status"], "sent");
    assert_eq!(row["attempts"], 2);
    assert_eq!(row["sha256"].as_str().unwrap().len(), 64);
    let audit = o
        .env
        .get(&format!("/api/cases/{id}"), Some(&o.clerk))
        .await
        .json()["audit"]
        .clone();
    let sent = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "mailSent")
        .expect("mailSent in the audit");
    assert_eq!(sent["detail"]["sha256"], row["sha256"]);
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "querySent"));

    // The applicant's page.
    let q = o
        .env
        .get(&format!("/api/public/queries/{token}"), None)
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    let q = q.json();
    assert_eq!(q["aktenzeichen"], az.as_str());
    assert_eq!(
        q["question"],
        "Bitte reichen Sie das Angebot für Bürostühle nach."
    );
    assert!(q["deadline"].as_str().is_some(), "{q:#}");
    assert!(!q.to_string().contains("Sabine"), "no clerk names: {q:#}");

    // Bad uploads: refused, nothing stored, the link still works.
    let exe: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00";
    let r = answer(&o.env, &token, "Anbei", &[("angebot.pdf", exe)]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.json()["code"], "UPLOAD_TYPE");
    assert!(r.json()["detail"].as_str().unwrap().contains("angebot.pdf"));
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let r = answer(&o.env, &token, "Anbei", &[("gross.txt", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(outputs(&o, &id).await["documents"]
        .as_array()
        .unwrap()
        .is_empty());

    // The answer with a file: the case takes the "answered" exit.
    let pdf: &[u8] = b"%PDF-1.4\n% Angebot\n";
    let r = answer(
        &o.env,
        &token,
        "Anbei das Angebot.",
        &[("../../angebot.pdf", pdf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let receipt = r.json();
    assert_eq!(receipt["documents"][0]["name"], "angebot.pdf");
    assert_eq!(receipt["documents"][0]["mediaType"], "application/pdf");
    let view = o
        .env
        .get(&format!("/api/cases/{id}"), Some(&o.clerk))
        .await
        .json();
    assert!(
        view["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["block"] == "b3" && t["status"] == "open"),
        "{view:#}"
    );
    let doc = &outputs(&o, &id).await["documents"][0];
    let bytes = o
        .env
        .get(
            &format!("/api/cases/{id}/documents/{}", doc["id"].as_str().unwrap()),
            Some(&o.clerk),
        )
        .await;
    assert_eq!(bytes.status, StatusCode::OK);
    assert_eq!(bytes.text.as_bytes(), pdf);

    // A second use: 410 with German and English, nothing stored.
    let r = answer(&o.env, &token, "Noch einmal", &[("b.pdf", pdf)]).await;
    assert_eq!(r.status, StatusCode::GONE, "{}", r.text);
    assert_eq!(r.json()["code"], "LINK_USED");
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("bereits beantwortet"));
    assert!(r.json()["detailEn"]
        .as_str()
        .unwrap()
        .contains("answered already"));
    assert_eq!(
        outputs(&o, &id).await["documents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = o
        .env
        .get(&format!("/api/public/queries/{token}"), None)
        .await;
    assert_eq!(r.status, StatusCode::GONE);

    // The status page: steps in plain German, no persons.
    let s = o
        .env
        .get(&format!("/api/public/status/{status_token}"), None)
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let s = s.json();
    assert_eq!(s["workflowName"], "Nachweis nachreichen");
    assert_eq!(s["currentStep"]["label"], "Antwort prüfen");
    let done: Vec<_> = s["stepsDone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["label"].clone())
        .collect();
    assert!(done.contains(&json!("Nachweis anfordern")), "{s:#}");
    assert!(!s.to_string().contains("Sabine"), "{s:#}");
    let r = o
        .env
        .get(&format!("/api/public/status/{}", "0".repeat(64)), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "LINK_UNKNOWN");

    // A second case: no answer, its reply period passes (test clock) → the timeout exit, and
    // its link no longer takes an answer.
    let second = start(&o, Some("zwei@example.org")).await;
    let second_id = second["id"].as_str().unwrap().to_string();
    assert_eq!(deliveries.run_once(10).await.unwrap(), 1);
    let text = mails(&mbox, 2);
    let second_token = link(&text, "rueckfrage", text.find("zwei@example.org").unwrap());
    let later = CaseRuntime::new(
        o.env.state.db.clone(),
        RuntimeConfig {
            today: Date::parse("2026-04-01"),
            ..RuntimeConfig::default()
        },
    );
    assert!(later.fire_due_timers(100).await.unwrap() >= 1);
    let view = o
        .env
        .get(&format!("/api/cases/{second_id}"), Some(&o.clerk))
        .await
        .json();
    assert_eq!(view["status"], "ended", "{view:#}");
    assert!(
        view["route"].as_array().unwrap().contains(&json!("b5")),
        "{view:#}"
    );
    let r = answer(&o.env, &second_token, "Zu spät", &[]).await;
    assert_eq!(r.status, StatusCode::GONE, "{}", r.text);
    assert!(outputs(&o, &second_id).await["documents"]
        .as_array()
        .unwrap()
        .is_empty());

    // A case without an address: failed at once, shown to clerks, retried on request.
    let third = start(&o, None).await;
    let third_id = third["id"].as_str().unwrap();
    assert_eq!(deliveries.run_once(10).await.unwrap(), 0);
    let failed = o
        .env
        .get("/api/deliveries?status=failed", Some(&o.clerk))
        .await;
    assert_eq!(failed.status, StatusCode::OK, "{}", failed.text);
    let failed = failed.json();
    let row = failed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["caseId"] == third_id)
        .expect("the failed row is listed");
    assert!(
        row["lastError"].as_str().unwrap().contains("email"),
        "{row:#}"
    );
    let retry = o
        .env
        .post(
            &format!("/api/deliveries/{}/retry", row["id"].as_str().unwrap()),
            Some(&o.clerk),
            json!({}),
        )
        .await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
    assert_eq!(retry.json()["status"], "pending");
    let _ = &o.admin;
}
