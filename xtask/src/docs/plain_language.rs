//! The tutorial's reading level: plain German for clerks, short sentences.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// Longest sentence allowed in the tutorial: it is written for clerks in plain German, with
/// Leichte Sprache as the yardstick (short sentences, one statement each).
const TUTORIAL_MAX_WORDS: usize = 25;

pub(super) fn check_tutorial_sentences(dir: &Path) -> Result<()> {
    let mut too_long = Vec::new();
    let mut count = 0;
    let mut words_total = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path)?;
        for sentence in sentences(&text) {
            let words = sentence.split_whitespace().count();
            count += 1;
            words_total += words;
            if words > TUTORIAL_MAX_WORDS {
                too_long.push(format!("{}: {words} words: {sentence}", path.display()));
            }
        }
    }
    if !too_long.is_empty() {
        bail!(
            "tutorial sentences longer than {TUTORIAL_MAX_WORDS} words:\n  {}",
            too_long.join("\n  ")
        );
    }
    eprintln!(
        "xtask: tutorial: {count} sentences, {:.1} words on average, none over {TUTORIAL_MAX_WORDS}",
        words_total as f64 / count.max(1) as f64
    );
    Ok(())
}

/// The prose sentences of a Markdown page: paragraphs and list items, without headings, tables,
/// images, code blocks and link targets.
fn sentences(markdown: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let item = t.strip_prefix("- ").or_else(|| {
            t.split_once(". ")
                .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .map(|(_, rest)| rest)
        });
        let is_item = item.is_some();
        let skip = in_code || t.starts_with('#') || t.starts_with('|') || t.starts_with("![");
        if skip || t.is_empty() || is_item {
            units.push(std::mem::take(&mut current));
        }
        if !skip {
            current.push(' ');
            current.push_str(item.unwrap_or(t).trim_start_matches('>'));
        }
    }
    units.push(current);
    let mut out = Vec::new();
    for unit in units {
        let plain = strip_link_targets(&unit);
        let mut sentence = String::new();
        let mut chars = plain.chars().peekable();
        while let Some(c) = chars.next() {
            sentence.push(c);
            let ends = matches!(c, '.' | '!' | '?' | ':')
                && chars.peek().is_none_or(|n| n.is_whitespace());
            if ends {
                out.push(std::mem::take(&mut sentence));
            }
        }
        out.push(sentence);
    }
    out.into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.split_whitespace().count() > 1)
        .collect()
}

/// `[text](target)` → `text`.
fn strip_link_targets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        match rest[i..].find(')') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.replace('[', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_skip_tables_code_and_link_targets() {
        let md = "# Titel\n\nErster Satz. Zweiter [Satz](a/b.md) hier!\n\n| a | b |\n\n\
                  ```sh\nnicht zählen\n```\n- Punkt eins\n- Punkt zwei: weiter\n";
        assert_eq!(
            sentences(md),
            vec![
                "Erster Satz.",
                "Zweiter Satz hier!",
                "Punkt eins",
                "Punkt zwei:"
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
        );
    }
}
