//! What the tutorial's pages say, read from docs/src/erste-schritte/*.md, so the browser test
//! does what the text tells a reader: its tables (blocks, roles, case fields, connections,
//! value bands), the problem message it quotes, and the screenshots listed in docs/bilder.toml.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use fachwerk_e2e::workspace;

pub fn docs() -> PathBuf {
    workspace().join("docs")
}

pub fn page(name: &str) -> Result<String> {
    let path = docs().join("src/erste-schritte").join(format!("{name}.md"));
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// A cell as the reader types it: without Markdown code marks and German quotes; a link as
/// its text.
fn plain(cell: &str) -> String {
    let c = cell.trim();
    let c = match (c.find("]("), c.strip_prefix('[')) {
        (Some(end), Some(_)) => &c[1..end],
        _ => c,
    };
    c.trim_matches(|ch| matches!(ch, '`' | '„' | '“'))
        .trim()
        .to_string()
}

/// The target of a link cell (`[Ende](../referenz/bausteine/ende.md)` → `ende`).
fn link_stem(cell: &str) -> Option<String> {
    let start = cell.find("](")? + 2;
    let end = cell[start..].find(')')? + start;
    let file = cell[start..end].rsplit('/').next()?;
    Some(file.trim_end_matches(".md").to_string())
}

/// Every table on `page` whose header row is `header`, as rows of raw cells.
fn tables(page: &str, header: &[&str]) -> Vec<Vec<Vec<String>>> {
    let mut out = Vec::new();
    let mut lines = page.lines().peekable();
    while let Some(line) = lines.next() {
        if cells(line)
            .iter()
            .map(String::as_str)
            .eq(header.iter().copied())
        {
            lines.next(); // |---|---|
            let mut rows = Vec::new();
            while let Some(row) = lines.next_if(|l| l.trim_start().starts_with('|')) {
                rows.push(cells(row));
            }
            out.push(rows);
        }
    }
    out
}

fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    if !t.starts_with('|') {
        return Vec::new();
    }
    t.trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

fn one_table(page: &str, header: &[&str]) -> Result<Vec<Vec<String>>> {
    let mut found = tables(page, header);
    if found.len() != 1 {
        bail!("expected one table {header:?}, found {}", found.len());
    }
    Ok(found.remove(0))
}

/// „2. Bausteine setzen“: (block type tag, label) per row.
pub fn blocks() -> Result<Vec<(String, String)>> {
    one_table(
        &page("bausteine")?,
        &["Baustein aus der Palette", "Bezeichnung"],
    )?
    .iter()
    .map(|r| {
        let tag = link_stem(&r[0]).with_context(|| format!("no link in {:?}", r[0]))?;
        Ok((tag, plain(&r[1])))
    })
    .collect()
}

/// „1. Ablauf anlegen“: (Kennung, Name) of the roles.
pub fn roles() -> Result<Vec<(String, String)>> {
    Ok(one_table(&page("anlegen")?, &["Kennung", "Name"])?
        .iter()
        .map(|r| (plain(&r[0]), plain(&r[1])))
        .collect())
}

/// A case field as the tutorial lists it.
pub struct FieldRow {
    pub name: String,
    pub caption: String,
    pub type_text: String,
    pub required: bool,
}

pub fn fields() -> Result<Vec<FieldRow>> {
    Ok(one_table(
        &page("anlegen")?,
        &["Name", "Beschriftung", "Typ", "Pflicht"],
    )?
    .iter()
    .map(|r| FieldRow {
        name: plain(&r[0]),
        caption: plain(&r[1]),
        type_text: plain(&r[2]),
        required: plain(&r[3]) == "ja",
    })
    .collect())
}

/// (from label, exit as shown, to label) of the connection tables on `page`.
pub fn connections(page_name: &str) -> Result<Vec<(String, String, String)>> {
    Ok(one_table(&page(page_name)?, &["Von", "Ausgang", "Nach"])?
        .iter()
        .map(|r| (plain(&r[0]), plain(&r[1]), plain(&r[2])))
        .collect())
}

/// A value band: exit name, "über", "bis" (None = left empty, unlimited).
pub struct BandRow {
    pub exit: String,
    pub over: String,
    pub up_to: Option<String>,
}

pub fn bands() -> Result<Vec<BandRow>> {
    Ok(one_table(&page("probleme")?, &["Ausgang", "über", "bis"])?
        .iter()
        .map(|r| BandRow {
            exit: plain(&r[0]),
            over: plain(&r[1]),
            up_to: Some(plain(&r[2])).filter(|u| !u.starts_with('*')),
        })
        .collect())
}

/// The problem message „3. Probleme lösen“ quotes (the block quote after „Unter Probleme“),
/// without its severity word.
pub fn quoted_problem() -> Result<String> {
    let text = page("probleme")?;
    let quote: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with('>'))
        .take_while(|l| l.trim_start().starts_with('>'))
        .map(|l| l.trim_start().trim_start_matches('>').trim())
        .collect();
    let joined = quote.join(" ");
    joined
        .strip_prefix("Fehler:")
        .map(|m| m.trim().to_string())
        .context("the quoted problem does not start with „Fehler:“")
}

/// The screenshot names of docs/bilder.toml (its `[name]` table headers).
pub fn screenshot_names() -> Result<Vec<String>> {
    let text = std::fs::read_to_string(docs().join("bilder.toml"))?;
    Ok(text
        .lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']'))
        .map(str::to_string)
        .collect())
}

#[test]
fn tables_read_as_the_reader_sees_them() {
    assert_eq!(plain(" `R-SB` "), "R-SB");
    assert_eq!(plain("„Bedarf prüfen“"), "Bedarf prüfen");
    assert_eq!(plain("[Ende](../referenz/bausteine/ende.md)"), "Ende");
    assert_eq!(
        link_stem("[Ende](../referenz/bausteine/ende.md)").as_deref(),
        Some("ende")
    );
    let page = "x\n\n| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\nnext\n";
    assert_eq!(
        tables(page, &["A", "B"]),
        vec![vec![
            vec!["1".to_string(), "2".into()],
            vec!["3".into(), "4".into()]
        ]]
    );
}
