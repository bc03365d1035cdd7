//! An offline link checker over the built handbook: every internal `href`/`src` must name an
//! existing file and, with `#anchor`, an existing `id` in it; nothing may be loaded from the
//! network (no external scripts, styles, fonts or images). Screenshots that a browser test has
//! yet to produce may be missing if they are listed as pending (docs/bilder.toml).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Where the server mounts the handbook; mdBook writes it into absolute links (404 page).
pub const SITE_PREFIX: &str = "/hilfe/";

pub struct Report {
    pub pages: usize,
    pub links: usize,
    /// Pending files (book-relative) that are referenced but do not exist yet.
    pub missing_pending: BTreeSet<String>,
}

/// Checks the book; `pending` are book-relative paths that may be missing but must be linked.
pub fn check(book: &Path, pending: &BTreeSet<String>) -> Result<Report> {
    let mut html = Vec::new();
    collect(book, &mut html)?;
    if html.is_empty() {
        bail!("{} contains no HTML pages", book.display());
    }
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut texts = Vec::new();
    for path in &html {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        ids.insert(
            path.clone(),
            attribute_values(&text, "id").into_iter().collect(),
        );
        texts.push((path.clone(), text));
    }
    let mut problems = BTreeSet::new();
    let mut links = 0;
    let mut referenced = BTreeSet::new();
    let mut missing_pending = BTreeSet::new();
    for (page, text) in &texts {
        let shown = page
            .strip_prefix(book)
            .unwrap_or(page)
            .display()
            .to_string();
        let markup = text_without_scripts(text);
        for (attr, target) in attribute_values(&markup, "href")
            .into_iter()
            .map(|t| ("href", t))
            .chain(
                attribute_values(&markup, "src")
                    .into_iter()
                    .map(|t| ("src", t)),
            )
        {
            match classify(&target) {
                Target::Ignored => {}
                Target::External => {
                    if attr == "src" || loads_resource(text, &target) {
                        problems.insert(format!("{shown}: loads {target} from the network"));
                    }
                }
                Target::Internal { path, anchor } => {
                    links += 1;
                    let file = if path.is_empty() {
                        page.clone()
                    } else {
                        let Some(file) = resolve(book, page, &path) else {
                            problems.insert(format!("{shown}: broken link {target}"));
                            continue;
                        };
                        let rel = file
                            .strip_prefix(book)
                            .unwrap_or(&file)
                            .to_string_lossy()
                            .replace('\\', "/");
                        if !file.is_file() {
                            if pending.contains(&rel) {
                                missing_pending.insert(rel.clone());
                            } else {
                                problems.insert(format!("{shown}: broken link {target}"));
                            }
                        }
                        referenced.insert(rel);
                        file
                    };
                    if let Some(anchor) = anchor {
                        let found = ids.get(&file).is_some_and(|set| set.contains(&anchor));
                        if !found && file.extension().is_some_and(|e| e == "html") {
                            problems.insert(format!("{shown}: missing anchor {target}"));
                        }
                    }
                }
            }
        }
    }
    for p in pending.difference(&referenced) {
        problems.insert(format!("{p} is listed as pending but no page shows it"));
    }
    if !problems.is_empty() {
        let list: Vec<String> = problems.into_iter().collect();
        bail!(
            "{} link problems in the handbook:\n  {}",
            list.len(),
            list.join("\n  ")
        );
    }
    Ok(Report {
        pages: html.len(),
        links,
        missing_pending,
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("{} missing", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    Ok(())
}

enum Target {
    Ignored,
    External,
    Internal {
        path: String,
        anchor: Option<String>,
    },
}

fn classify(target: &str) -> Target {
    let t = target.trim();
    if t.is_empty() || t == "#" || t.starts_with("mailto:") || t.starts_with("javascript:") {
        return Target::Ignored;
    }
    if t.starts_with("http://") || t.starts_with("https://") || t.starts_with("//") {
        return Target::External;
    }
    // The server that serves the handbook (under /hilfe/) serves its API beside it.
    if t.starts_with("data:") || t.starts_with("/api/") {
        return Target::Ignored;
    }
    let without_query = |s: &str| s.split('?').next().unwrap_or("").to_string();
    match t.split_once('#') {
        Some((p, a)) => Target::Internal {
            path: without_query(p),
            anchor: (!a.is_empty()).then(|| percent_decode(a)),
        },
        None => Target::Internal {
            path: without_query(t),
            anchor: None,
        },
    }
}

/// A `<link href=…>` (stylesheet, font, icon) loads its target; an `<a href=…>` does not.
fn loads_resource(text: &str, target: &str) -> bool {
    text.match_indices(target).any(|(i, _)| {
        let tag_start = text[..i].rfind('<').unwrap_or(0);
        text[tag_start..i].starts_with("<link")
    })
}

/// The file a relative or site-absolute link points to (a folder means its index.html); `None`
/// if it leaves the book. The file may not exist.
fn resolve(book: &Path, page: &Path, link: &str) -> Option<PathBuf> {
    let link = percent_decode(link);
    let base = match link.strip_prefix(SITE_PREFIX) {
        Some(rest) => book.join(rest),
        None if link.starts_with('/') => return None,
        None => page.parent()?.join(&link),
    };
    let mut normal = PathBuf::new();
    for c in base.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    if !normal.starts_with(book) {
        return None;
    }
    Some(if normal.is_dir() {
        normal.join("index.html")
    } else {
        normal
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The page without the bodies of inline scripts (they build URLs from fragments); the
/// `<script …>` tags themselves stay, so their `src` is still checked.
fn text_without_scripts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<script") {
        let Some(tag_end) = rest[start..].find('>').map(|e| start + e + 1) else {
            break;
        };
        out.push_str(&rest[..tag_end]);
        match rest[tag_end..].find("</script>") {
            Some(end) => rest = &rest[tag_end + end..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Values of `name="…"` / `name='…'` attributes (HTML entities for `&` decoded).
fn attribute_values(text: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let needle = format!("{name}=");
    let mut from = 0;
    while let Some(pos) = text[from..].find(&needle) {
        let at = from + pos;
        from = at + needle.len();
        let preceded_by_space = text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        if !preceded_by_space {
            continue;
        }
        let rest = &text[from..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            out.push(rest[1..1 + end].replace("&amp;", "&"));
            from += end + 2;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_links_missing_anchors_and_network_loads() {
        let dir = std::env::temp_dir().join(format!("fachwerk-linkcheck-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap_or_default();
        let write = |p: &str, s: &str| std::fs::write(dir.join(p), s).unwrap_or_default();
        write(
            "index.html",
            r##"<a href="sub/a.html#da">ok</a> <a href="https://example.org">ext ok</a>
               <a href="/hilfe/sub/a.html">site ok</a> <a id="top" href="#top">self</a>"##,
        );
        write(
            "sub/a.html",
            r#"<h2 id="da">x</h2><a href="../index.html">up</a>"#,
        );
        let none = BTreeSet::new();
        let report = check(&dir, &none).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!((report.pages, report.links), (2, 4));

        write(
            "sub/b.html",
            r##"<a href="missing.html">x</a> <a href="a.html#nope">y</a>
               <script src="https://cdn.example/x.js"></script>
               <link rel="stylesheet" href="https://fonts.example/f.css">"##,
        );
        let err = check(&dir, &none)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(err.contains("4 link problems"), "{err}");
        assert!(err.contains("broken link missing.html"), "{err}");
        assert!(err.contains("missing anchor a.html#nope"), "{err}");
        assert!(err.contains("loads https://cdn.example/x.js"), "{err}");
        assert!(err.contains("loads https://fonts.example/f.css"), "{err}");
    }

    #[test]
    fn pending_screenshots_may_be_missing_but_must_be_shown() {
        let dir = std::env::temp_dir().join(format!("fachwerk-pending-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_default();
        std::fs::write(dir.join("index.html"), r#"<img src="bilder/a.png">"#).unwrap_or_default();
        let pending: BTreeSet<String> = ["bilder/a.png".to_string()].into();
        let report = check(&dir, &pending).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(report.missing_pending, pending);

        let more: BTreeSet<String> = ["bilder/a.png".into(), "bilder/b.png".into()].into();
        let err = check(&dir, &more)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("bilder/b.png is listed as pending"), "{err}");
        assert!(check(&dir, &BTreeSet::new()).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn attributes_need_a_leading_space_and_quotes() {
        assert_eq!(
            attribute_values(r#"<a data-href="x" href='y' id="z">"#, "href"),
            vec!["y".to_string()]
        );
        assert_eq!(percent_decode("a%C3%BCb"), "aüb");
    }
}
