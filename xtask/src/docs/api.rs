//! The handbook's HTTP API reference, generated from the OpenAPI document the server serves
//! at `GET /api/openapi.json` (read through `fachwerk openapi`, the same document): one page
//! per tag (method, path, summary, parameters, request and response schemas, sign-in) and one
//! page with every schema, in docs/src/referenz/api/.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use super::GENERATED;

/// The folder of the generated pages, relative to docs/.
pub const DIR: &str = "src/referenz/api";

/// The served document, from the server binary (`cargo run -p fachwerk-backend -- openapi`).
pub fn document(root: &Path) -> Result<Value> {
    let out = crate::cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "fachwerk-backend",
            "--bin",
            "fachwerk",
            "--",
            "openapi",
        ])
        .current_dir(root)
        .output()
        .context("cannot run `fachwerk openapi`")?;
    if !out.status.success() {
        bail!(
            "`fachwerk openapi` failed with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).context("`fachwerk openapi` printed no JSON")
}

/// The generated pages (relative to docs/) and their SUMMARY.md entries.
pub struct Pages {
    pub files: Vec<(PathBuf, String)>,
    pub summary: Vec<String>,
}

const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
/// Operations without a tag.
const UNTAGGED: &str = "Weitere";

/// File name of a tag's page: lowercase ASCII, umlauts spelled out.
pub fn slug(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.to_lowercase().chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    out.trim_matches('-').to_string()
}

/// Text from the document as Markdown: `<` and `>` outside code spans as entities, so that
/// `"<revision>"` is not read as an HTML tag.
fn prose(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                part.replace('<', "&lt;").replace('>', "&gt;")
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// Text for a Markdown table cell: one line, `|` escaped.
fn cell(s: &str) -> String {
    prose(&s.split_whitespace().collect::<Vec<_>>().join(" ")).replace('|', "\\|")
}

/// A schema as readable text; references link to the schema page.
pub fn type_text(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("[`{name}`](schemas.md#schema-{name})");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(v) = s.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = v.iter().map(type_text).collect();
            return parts.join(" oder ");
        }
    }
    if let Some([one]) = s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return type_text(one);
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut names: Vec<String> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "array" => format!(
                "Liste von {}",
                s.get("items").map_or("beliebigen Werten".into(), type_text)
            ),
            "object" => match s.get("additionalProperties") {
                Some(v @ Value::Object(_)) => format!("Objekt (Schlüssel → {})", type_text(v)),
                _ => "Objekt".into(),
            },
            "string" => {
                let mut t = "Text".to_string();
                if let Some(f) = s.get("format").and_then(Value::as_str) {
                    t = format!("Text ({f})");
                }
                if let Some(values) = s.get("enum").and_then(Value::as_array) {
                    let v: Vec<String> = values
                        .iter()
                        .map(|v| match v.as_str() {
                            Some(text) => format!("`{text}`"),
                            None => format!("`{v}`"),
                        })
                        .collect();
                    t = format!("{t}: {}", v.join(", "));
                }
                t
            }
            "integer" => "Ganzzahl".into(),
            "number" => "Zahl".into(),
            "boolean" => "Wahrheitswert".into(),
            other => other.to_string(),
        })
        .collect();
    if names.is_empty() {
        names.push("beliebig".into());
    }
    if types.contains(&"null") {
        names.push("`null`".into());
    }
    names.join(" oder ")
}

/// The common meaning of a status code, for responses the document does not describe.
fn status_text(code: &str) -> &'static str {
    match code {
        "200" => "Erfolg",
        "201" => "Angelegt",
        "202" => "Angenommen",
        "204" => "Erfolg, ohne Inhalt",
        "304" => "Nicht geändert",
        "400" => "Fehlerhafte Anfrage",
        "401" => "Nicht angemeldet",
        "403" => "Keine Berechtigung",
        "404" => "Nicht gefunden",
        "409" => "Konflikt mit dem Stand auf dem Server",
        "410" => "Nicht mehr gültig",
        "412" => "Stand hat sich geändert (If-Match)",
        "413" => "Zu groß",
        "415" => "Falscher Inhaltstyp",
        "422" => "Inhaltlich nicht verarbeitbar",
        "428" => "Kopf If-Match fehlt",
        "429" => "Zu viele Anfragen",
        "503" => "Nicht bereit",
        _ => "",
    }
}

fn location(loc: &str) -> &str {
    match loc {
        "path" => "Pfad",
        "query" => "Abfrage",
        "header" => "Kopf",
        "cookie" => "Cookie",
        other => other,
    }
}

/// Sign-in of an operation from its `security` list.
fn sign_in(op: &Value) -> String {
    let schemes: Vec<String> = op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().cloned())
        .collect();
    if schemes.is_empty() {
        return "keine (öffentlich lesbar)".into();
    }
    let names: Vec<&str> = schemes
        .iter()
        .map(|s| match s.as_str() {
            "session" => "Sitzungs-Cookie",
            "bearer" => "API-Schlüssel (`Authorization: Bearer …`)",
            other => other,
        })
        .collect();
    format!(
        "{} ([Anmeldung](../http-api.md#anmeldung-für-programme))",
        names.join(" oder ")
    )
}

/// Content of a request body or response: `type`, schema.
fn contents(v: &Value) -> Vec<String> {
    v.get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(mime, c)| match c.get("schema") {
            Some(s) => format!("`{mime}`: {}", type_text(s)),
            None => format!("`{mime}`"),
        })
        .collect()
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = writeln!(out, "## `{} {path}`\n", method.to_uppercase());
    let summary = op.get("summary").and_then(Value::as_str).unwrap_or("");
    let description = op.get("description").and_then(Value::as_str).unwrap_or("");
    for text in [summary, description] {
        if !text.trim().is_empty() {
            let _ = writeln!(out, "{}\n", prose(text.trim()));
        }
    }
    let _ = writeln!(out, "**Anmeldung:** {}\n", sign_in(op));
    let params: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if !params.is_empty() {
        out.push_str("| Parameter | Ort | Pflicht | Typ | Beschreibung |\n|---|---|---|---|---|\n");
        for p in params {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                p["name"].as_str().unwrap_or(""),
                location(p["in"].as_str().unwrap_or("")),
                if p["required"].as_bool().unwrap_or(false) {
                    "ja"
                } else {
                    "nein"
                },
                cell(&p.get("schema").map(type_text).unwrap_or_default()),
                cell(p["description"].as_str().unwrap_or("")),
            );
        }
        out.push('\n');
    }
    if let Some(body) = op.get("requestBody") {
        let required = body["required"].as_bool().unwrap_or(false);
        let _ = writeln!(
            out,
            "**Anfrage{}:** {}\n",
            if required { "" } else { " (freiwillig)" },
            contents(body).join("; ")
        );
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("| Status | Bedeutung | Inhalt |\n|---|---|---|\n");
        for (code, r) in responses {
            let described = r["description"].as_str().unwrap_or("").trim();
            let meaning = if described.is_empty() {
                status_text(code)
            } else {
                described
            };
            let _ = writeln!(
                out,
                "| {code} | {} | {} |",
                cell(meaning),
                cell(&contents(r).join("; "))
            );
        }
        out.push('\n');
    }
}

/// An operation: method, path, the operation object.
type Operation = (String, String, Value);
/// A tag: name, description, its operations.
type Tag = (String, String, Vec<Operation>);

/// The operations of the document by tag, in the document's tag order (untagged last).
fn by_tag(doc: &Value) -> Vec<Tag> {
    let mut tags: Vec<Tag> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or("").to_string(),
                t["description"].as_str().unwrap_or("").to_string(),
                Vec::new(),
            )
        })
        .collect();
    let empty = Map::new();
    for (path, item) in doc["paths"].as_object().unwrap_or(&empty) {
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let tag = op["tags"][0].as_str().unwrap_or(UNTAGGED).to_string();
            let i = match tags.iter().position(|t| t.0 == tag) {
                Some(i) => i,
                None => {
                    tags.push((tag, String::new(), Vec::new()));
                    tags.len() - 1
                }
            };
            tags[i]
                .2
                .push((method.to_string(), path.clone(), op.clone()));
        }
    }
    tags.retain(|t| !t.2.is_empty());
    tags
}

fn schemas_page(doc: &Value) -> String {
    let mut out = format!(
        "{GENERATED}\n\n# Datenformate der Schnittstelle\n\n\
         Jedes Schema, das die [HTTP-Schnittstelle](index.md) in Anfragen und Antworten verwendet, \
         wie es im OpenAPI-Dokument des Servers steht. Beschreibungen stammen aus dem Programmcode.\n\n"
    );
    let empty = Map::new();
    let schemas = doc["components"]["schemas"].as_object().unwrap_or(&empty);
    for (name, s) in schemas {
        let _ = writeln!(out, "<a id=\"schema-{name}\"></a>\n\n## {name}\n");
        if let Some(d) = s["description"].as_str().filter(|d| !d.trim().is_empty()) {
            let _ = writeln!(out, "{}\n", prose(d.trim()));
        }
        let props = s["properties"].as_object();
        match props {
            Some(props) if !props.is_empty() => {
                let required: Vec<&str> = s["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                out.push_str("| Feld | Typ | Pflicht | Beschreibung |\n|---|---|---|---|\n");
                for (p, ps) in props {
                    let _ = writeln!(
                        out,
                        "| `{p}` | {} | {} | {} |",
                        cell(&type_text(ps)),
                        if required.contains(&p.as_str()) {
                            "ja"
                        } else {
                            "nein"
                        },
                        cell(ps["description"].as_str().unwrap_or("")),
                    );
                }
                out.push('\n');
            }
            _ => {
                let _ = writeln!(out, "Typ: {}\n", type_text(s));
            }
        }
    }
    out
}

/// The pages: an overview, one page per tag, the schemas.
pub fn pages(doc: &Value) -> Result<Pages> {
    let tags = by_tag(doc);
    if tags.is_empty() {
        bail!("the OpenAPI document has no operations");
    }
    let version = doc["info"]["version"].as_str().unwrap_or("");
    let mut index = format!(
        "{GENERATED}\n\n# Referenz der HTTP-Schnittstelle\n\n\
         Alle Pfade, die der Server unter `/api` anbietet, nach Bereichen; erzeugt aus dem \
         OpenAPI-Dokument, das der Server selbst unter \
         [`/api/openapi.json`](/api/openapi.json) ausliefert (Version {version}). \
         Wie Programme sich anmelden und wie Fehler aussehen, steht unter \
         [HTTP-Schnittstelle](../http-api.md).\n\n\
         | Bereich | Aufrufe | Wofür |\n|---|---|---|\n"
    );
    let mut files = Vec::new();
    let mut summary =
        vec!["  - [Referenz der HTTP-Schnittstelle](referenz/api/index.md)".to_string()];
    for (tag, description, ops) in &tags {
        let file = format!("{}.md", slug(tag));
        let _ = writeln!(
            index,
            "| [{tag}]({file}) | {} | {} |",
            ops.len(),
            cell(description)
        );
        let mut page = format!("{GENERATED}\n\n# {tag}\n\n");
        if !description.is_empty() {
            let _ = writeln!(page, "{}.\n", prose(description));
        }
        page.push_str(
            "Pfade relativ zur Adresse des Servers. Schemas: [Datenformate](schemas.md). \
             Fehler kommen als `application/problem+json` (RFC 9457).\n\n",
        );
        for (method, path, op) in ops {
            operation(&mut page, method, path, op);
        }
        files.push((PathBuf::from(DIR).join(&file), page));
        summary.push(format!("    - [{tag}](referenz/api/{file})"));
    }
    index.push_str("\nDie Datenformate der Anfragen und Antworten: [Datenformate](schemas.md).\n");
    files.push((PathBuf::from(DIR).join("index.md"), index));
    files.push((PathBuf::from(DIR).join("schemas.md"), schemas_page(doc)));
    summary.push("    - [Datenformate](referenz/api/schemas.md)".into());
    Ok(Pages { files, summary })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1.2.3"},
            "tags": [{"name": "Abläufe", "description": "Der Katalog"}, {"name": "Leer"}],
            "paths": {
                "/api/workflows/{key}": {
                    "get": {
                        "tags": ["Abläufe"],
                        "summary": "One workflow.",
                        "parameters": [
                            {"name": "key", "in": "path", "required": true, "schema": {"type": "string"}},
                            {"name": "If-Match", "in": "header", "required": false, "description": "\"<revision>\" as in `ETag: \"<revision>\"`", "schema": {"type": "string"}}
                        ],
                        "responses": {
                            "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}}},
                            "404": {"description": "", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
                        }
                    },
                    "put": {
                        "tags": ["Abläufe"],
                        "security": [{"session": []}, {"bearer": []}],
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Summary"}}}}},
                        "responses": {"204": {"description": "Stored | replaced"}}
                    }
                },
                "/api/health": {"get": {"responses": {"200": {"description": "ok"}}}}
            },
            "components": {"schemas": {
                "Summary": {"type": "object", "required": ["key"], "properties": {
                    "key": {"type": "string", "description": "The key."},
                    "version": {"type": ["string", "null"]},
                    "state": {"type": "string", "enum": ["a", "b"]}
                }},
                "ProblemDetails": {"type": "object"}
            }}
        })
    }

    #[test]
    fn renders_operations_by_tag_with_schemas_and_sign_in() {
        let p = pages(&doc()).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<String> = p.files.iter().map(|f| f.0.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "src/referenz/api/ablaeufe.md",
                "src/referenz/api/weitere.md",
                "src/referenz/api/index.md",
                "src/referenz/api/schemas.md"
            ]
        );
        let ablaeufe = &p.files[0].1;
        assert!(ablaeufe.starts_with(GENERATED));
        assert!(ablaeufe.contains("## `GET /api/workflows/{key}`\n\nOne workflow."));
        assert!(ablaeufe.contains("| `key` | Pfad | ja | Text |  |"));
        // Angle brackets outside code would be read as an HTML tag.
        assert!(ablaeufe.contains(
            "| `If-Match` | Kopf | nein | Text | \"&lt;revision&gt;\" as in `ETag: \"<revision>\"` |"
        ));
        assert!(ablaeufe.contains(
            "| 200 | Erfolg | `application/json`: [`Summary`](schemas.md#schema-Summary) |"
        ));
        assert!(ablaeufe.contains("| 404 | Nicht gefunden |"));
        assert!(ablaeufe.contains("**Anmeldung:** keine (öffentlich lesbar)"));
        assert!(ablaeufe.contains("**Anmeldung:** Sitzungs-Cookie oder API-Schlüssel"));
        assert!(ablaeufe.contains("**Anfrage:** `application/json`: Liste von [`Summary`]"));
        assert!(ablaeufe.contains("| 204 | Stored \\| replaced |  |"));
        // The empty tag gets no page; the untagged operation lands on "Weitere".
        assert!(p.files[1].1.contains("## `GET /api/health`"));
        let index = &p.files[2].1;
        assert!(
            index.contains("[`/api/openapi.json`](/api/openapi.json) ausliefert (Version 1.2.3)")
        );
        assert!(index.contains("| [Abläufe](ablaeufe.md) | 2 | Der Katalog |"));
        let schemas = &p.files[3].1;
        assert!(schemas.contains("<a id=\"schema-Summary\"></a>\n\n## Summary"));
        assert!(schemas.contains("| `key` | Text | ja | The key. |"));
        assert!(schemas.contains("| `version` | Text oder `null` | nein |  |"));
        assert!(schemas.contains("| `state` | Text: `a`, `b` | nein |  |"));
        assert_eq!(p.summary.len(), 4);
    }

    #[test]
    fn slugs_spell_out_umlauts() {
        assert_eq!(slug("Veröffentlichung"), "veroeffentlichung");
        assert_eq!(slug("Ausgänge & Zahlungen"), "ausgaenge-zahlungen");
    }
}
