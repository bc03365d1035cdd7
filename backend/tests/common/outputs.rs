//! Checks of rendered outputs, shared by the renderer tests (`outputs_bescheid.rs`,
//! `outputs_filing.rs`) and the end-to-end outputs test: unpacking an xdomea container and
//! validating its messages against the official xdomea 3.1.0 XSD (Debian's python3-xmlschema,
//! as `shared/tests/simulate_xdomea.rs` does), a PDF's text (poppler's `pdftotext`) and its
//! structure (`qpdf --check`). A missing tool or schema fails the test, it never skips.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{header, Method, Request};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The official schema: `$XDOMEA_XSD`, else `../shared/domain/xdomea-xsd/3.1.0/xdomea.xsd`
/// next to the repository.
pub fn xdomea_schema() -> PathBuf {
    let p = std::env::var_os("XDOMEA_XSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/domain/xdomea-xsd/3.1.0/xdomea.xsd"));
    assert!(
        p.exists(),
        "the official xdomea 3.1.0 XSD is missing at {} (set XDOMEA_XSD)",
        p.display()
    );
    p
}

/// Debian's Python (where python3-xmlschema is installed); `$FACHWERK_PYTHON` overrides.
fn python() -> PathBuf {
    std::env::var_os("FACHWERK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/python3"))
}

/// The entries of a ZIP, by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable ZIP");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("a readable ZIP entry");
        let mut b = Vec::new();
        f.read_to_end(&mut b).expect("entry bytes");
        out.insert(f.name().to_string(), b);
    }
    out
}

/// Validates each `(name, xml)` against the official XSD; panics with the validator's report
/// unless every one has 0 errors. `broken` (if any) must be rejected, proving the validator
/// really validates.
pub fn assert_valid_xdomea(messages: &[(String, Vec<u8>)], broken: Option<&[u8]>) {
    let xsd = xdomea_schema();
    let present = Command::new(python())
        .args(["-c", "import xmlschema"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        present,
        "python3 with the xmlschema package is needed (cargo xtask test installs python3-xmlschema)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (i, (name, xml)) in messages.iter().enumerate() {
        // The name is only a label here: written under a fixed, numbered name.
        let p = dir.path().join(format!("{i:03}.xml"));
        std::fs::write(&p, xml).expect("write message");
        files.push((name.clone(), p));
    }
    let script = repo().join("shared/tests/fixtures/simulate/validate_xdomea.py");
    let mut cmd = Command::new(python());
    cmd.arg(&script).arg(&xsd);
    for (_, p) in &files {
        cmd.arg(p);
    }
    if let Some(b) = broken {
        let p = dir.path().join("broken.xml");
        std::fs::write(&p, b).expect("write broken");
        cmd.arg("--invalid").arg(p);
    }
    let out = cmd.output().expect("run the xdomea validator");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schema validation failed ({:?}):\n{report}{}",
        files.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        report
            .lines()
            .filter(|l| l.starts_with("0 errors: "))
            .count(),
        files.len(),
        "{report}"
    );
}

/// The `Dateiname`s a message references.
pub fn referenced_files(xml: &str) -> Vec<String> {
    xml.split("<xdomea:Dateiname>")
        .skip(1)
        .filter_map(|s| {
            s.split_once("</xdomea:Dateiname>")
                .map(|(n, _)| n.to_string())
        })
        .collect()
}

fn tool(name: &str, package: &str) -> Command {
    // Found on PATH (`-v` prints the version for pdftotext; qpdf only complains about it).
    let present = Command::new(name)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        present,
        "`{name}` is needed (Debian package {package}; cargo xtask test installs it)"
    );
    Command::new(name)
}

/// The text of a PDF, by poppler's `pdftotext` (layout off, UTF-8).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("doc.pdf");
    std::fs::write(&p, pdf).expect("write pdf");
    let out = tool("pdftotext", "poppler-utils")
        .args(["-enc", "UTF-8"])
        .arg(&p)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// The fonts of a PDF, by poppler's `pdffonts`: (name, embedded, subset, has ToUnicode).
pub fn pdf_fonts(pdf: &[u8]) -> Vec<(String, bool, bool, bool)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("doc.pdf");
    std::fs::write(&p, pdf).expect("write pdf");
    let out = tool("pdffonts", "poppler-utils")
        .arg(&p)
        .output()
        .expect("run pdffonts");
    assert!(out.status.success(), "pdffonts failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            // name … emb sub uni objectID generation
            let n = cols.len();
            (n >= 6).then(|| {
                (
                    cols[0].to_string(),
                    cols[n - 5] == "yes",
                    cols[n - 4] == "yes",
                    cols[n - 3] == "yes",
                )
            })
        })
        .collect()
}

/// `qpdf --check` passes (exit 0, no warnings).
pub fn assert_qpdf_check(pdf: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("doc.pdf");
    std::fs::write(&p, pdf).expect("write pdf");
    let out = tool("qpdf", "qpdf")
        .arg("--check")
        .arg(&p)
        .output()
        .expect("run qpdf");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "qpdf --check failed:\n{report}");
    assert!(
        report.contains("No syntax or stream encoding errors found"),
        "{report}"
    );
}

/// Quoted-printable decoded (soft line breaks joined, `=XX` as bytes).
pub fn unquote(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            let rest = &raw[i + 1..];
            if rest.starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if rest.starts_with(b"\n") {
                i += 2;
                continue;
            }
            if let Some(byte) = rest
                .get(..2)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `multipart/form-data` body as the applicant's page sends it: the answer and files.
pub fn multipart(answer: &str, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----fachwerk-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"answer\"\r\n\r\n{answer}\r\n"
        )
        .as_bytes(),
    );
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Answers the Rückfrage of `token` on the public route, as the applicant's page does.
pub async fn answer(
    env: &super::Env,
    token: &str,
    text: &str,
    files: &[(&str, &[u8])],
) -> super::Resp {
    let (content_type, body) = multipart(text, files);
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/public/queries/{token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    super::send(&env.app, req).await
}
