//! The handbook (docs/) describes the server as it is: every HTTP path of the OpenAPI document,
//! every `fachwerk` command and every `serve` option with its environment variable has its
//! place in the reference, and nothing documented is missing from the program.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

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
