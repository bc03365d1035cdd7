//! What the tutorial test checks besides the clicks: the screenshots of docs/bilder.toml
//! (taken at a page size of exactly 1280 × 800, with a note when the page is wider), and that
//! the built workflow equals the example file in substance.
//!
//! Every picture is taken on every run, but written only when it differs visibly from the
//! file in docs/src/bilder/ outside the `<time>` elements (the dates of requests and versions,
//! which change from run to run; see `visually_same`): a run on another day leaves the working
//! tree clean, a change of the screens shows up as changed pictures.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use fachwerk_e2e::Session;
use fachwerk_shared::{parse_workflow, Workflow};
use serde_json::Value;

use super::text;

/// The screenshots of docs/bilder.toml, taken into docs/src/bilder/.
pub struct Shots {
    wanted: Vec<String>,
    taken: BTreeSet<String>,
}

impl Shots {
    pub fn new() -> Result<Shots> {
        Ok(Shots {
            wanted: text::screenshot_names()?,
            taken: BTreeSet::new(),
        })
    }

    pub async fn take(&mut self, s: &Session, name: &str) -> Result<()> {
        if !self.wanted.iter().any(|w| w == name) {
            bail!("{name} is not listed in docs/bilder.toml");
        }
        // Let transitions and the live check settle, as a person would before looking.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let overflow = s.js(OVERFLOW_JS).await?;
        if overflow["px"].as_i64().unwrap_or(0) > 0 {
            eprintln!(
                "{name}: the page is {} px wider than the window; sticking out: {}",
                overflow["px"], overflow["culprits"]
            );
        }
        // The page as it first appears, not as WebDriver scrolled it sideways to click.
        s.js("window.scrollTo(0, window.scrollY); return 0;")
            .await?;
        let dir = text::docs().join("src/bilder");
        std::fs::create_dir_all(&dir)?;
        let file = dir.join(format!("{name}.png"));
        let png = s.driver.screenshot_as_png().await?;
        let old = std::fs::read(&file).ok();
        let same = match &old {
            Some(old) if *old == png => true,
            Some(old) => visually_same(s, old, &png).await?,
            None => false,
        };
        if !same {
            std::fs::write(&file, &png)?;
        }
        self.taken.insert(name.to_string());
        Ok(())
    }

    pub fn check_all_taken(&self) -> Result<()> {
        let missing: Vec<&String> = self
            .wanted
            .iter()
            .filter(|w| !self.taken.contains(*w))
            .collect();
        if !missing.is_empty() {
            bail!("screenshots of docs/bilder.toml not taken: {missing:?}");
        }
        Ok(())
    }
}

/// Whether two screenshots of the page show the same: the same size, and outside its `<time>`
/// elements (as shown now) at most 0.1 % of the pixels differ by more than 8 in a channel —
/// Chromium's software rasteriser rounds now and then and anti-aliases a slanted line
/// sometimes a little differently. The browser decodes both pictures.
async fn visually_same(s: &Session, old: &[u8], new: &[u8]) -> Result<bool> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let v = s
        .driver
        .execute(
            COMPARE_JS,
            vec![Value::from(b64.encode(old)), Value::from(b64.encode(new))],
        )
        .await?;
    let (differing, all) = (v.json()[0].as_i64(), v.json()[1].as_i64());
    match (differing, all) {
        (Some(d), Some(all)) => Ok(d >= 0 && d * 1000 <= all),
        _ => bail!("comparing screenshots: {}", v.json()),
    }
}

const COMPARE_JS: &str = r#"
const [a64, b64] = arguments;
const NOISE = 8;
const r = window.devicePixelRatio || 1;
const masks = [...document.querySelectorAll('time')].map(e => e.getBoundingClientRect())
  .filter(b => b.width > 0)
  .map(b => [Math.floor(b.left * r) - 1, Math.floor(b.top * r) - 1, Math.ceil(b.right * r) + 1, Math.ceil(b.bottom * r) + 1]);
const bitmap = t => createImageBitmap(new Blob([Uint8Array.from(atob(t), c => c.charCodeAt(0))], { type: 'image/png' }));
const pixels = img => {
  const c = new OffscreenCanvas(img.width, img.height).getContext('2d');
  c.drawImage(img, 0, 0);
  return c.getImageData(0, 0, img.width, img.height).data;
};
return (async () => {
  const [a, b] = [await bitmap(a64), await bitmap(b64)];
  if (a.width !== b.width || a.height !== b.height) return [-1, 0];
  const [pa, pb] = [pixels(a), pixels(b)];
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (masks.some(m => x >= m[0] && x < m[2] && y >= m[1] && y < m[3])) continue;
      const i = 4 * (y * a.width + x);
      if ([0, 1, 2, 3].some(k => Math.abs(pa[i + k] - pb[i + k]) > NOISE)) n++;
    }
  }
  return [n, a.width * a.height];
})();
"#;

/// How far the page sticks out to the right, and the outermost elements that do.
const OVERFLOW_JS: &str = r#"
const w = window.innerWidth;
const out = [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  const p = e.parentElement && e.parentElement.getBoundingClientRect();
  return r.width > 0 && r.right > w + 1 && (!p || p.right <= w + 1);
});
return {
  px: document.documentElement.scrollWidth - w,
  culprits: out.slice(0, 6).map(e => (e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + e.className)
    + ' right=' + Math.round(e.getBoundingClientRect().right)).join(', '),
};
"#;

/// Sizes the window so that the page gets `w` × `h` CSS pixels (the window's own frame
/// comes on top).
pub async fn viewport(s: &Session, w: i64, h: i64) -> Result<()> {
    let mut inner = Value::Null;
    for _ in 0..20 {
        inner = s
            .js("return [window.innerWidth, window.innerHeight, window.outerWidth, window.outerHeight];")
            .await?;
        let n = |i: usize| inner[i].as_i64().unwrap_or(0);
        if (n(0), n(1)) == (w, h) {
            return Ok(());
        }
        let (ow, oh) = (n(2) + w - n(0), n(3) + h - n(1));
        s.driver.set_window_rect(0, 0, ow as u32, oh as u32).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bail!("cannot size the page to {w} × {h}: {inner}")
}

/// Replaces every string in `v` that `map` names.
fn rename(v: &mut Value, map: &BTreeMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(n) = map.get(s.as_str()) {
                *s = n.clone();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename(x, map)),
        Value::Object(o) => o.values_mut().for_each(|x| rename(x, map)),
        _ => {}
    }
}

/// Renames the ids of `built` to those of `example`, matching blocks by label and edges by
/// (from, exit, to): the designer numbers ids in the order of the user's actions.
fn with_ids_of(example: &Workflow, built: &Workflow) -> Result<Workflow> {
    let by_label: BTreeMap<&str, &str> = example
        .blocks
        .iter()
        .map(|b| (b.label.as_str(), b.id.0.as_str()))
        .collect();
    let mut blocks = BTreeMap::new();
    for b in &built.blocks {
        let id = by_label
            .get(b.label.as_str())
            .with_context(|| format!("built block {:?} is not in the example", b.label))?;
        blocks.insert(b.id.0.clone(), id.to_string());
    }
    let mut edges = BTreeMap::new();
    for e in &built.edges {
        let (from, to) = (&blocks[&e.from.0], &blocks[&e.to.0]);
        let same = example
            .edges
            .iter()
            .find(|x| &x.from.0 == from && x.port == e.port && &x.to.0 == to)
            .with_context(|| {
                format!("built edge {from} –{}→ {to} is not in the example", e.port)
            })?;
        edges.insert(e.id.0.clone(), same.id.0.clone());
    }
    let mut v = serde_json::to_value(built)?;
    for b in v["blocks"].as_array_mut().into_iter().flatten() {
        rename(b, &blocks);
    }
    for e in v["edges"].as_array_mut().into_iter().flatten() {
        rename(&mut e["id"], &edges);
        rename(&mut e["from"], &blocks);
        rename(&mut e["to"], &blocks);
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("layout");
        o.remove("testCases");
    }
    Ok(parse_workflow(&v.to_string())?)
}

/// What `built` changes against `example` in substance (after matching ids), in German.
fn differences(example: &Workflow, built: &Workflow) -> Result<Vec<String>> {
    let built = with_ids_of(example, built)?;
    let d = fachwerk_shared::diff::diff(example, &built);
    let mut out: Vec<String> = d.changes.iter().map(|c| c.message_de.clone()).collect();
    if out.is_empty()
        && fachwerk_shared::diff::semantics(example) != fachwerk_shared::diff::semantics(&built)
    {
        out.push("gleiche Änderungsliste, aber andere Semantik".into());
    }
    Ok(out)
}

fn example() -> Result<Workflow> {
    let path = text::docs().join("beispiele/beschaffung-uebung.json");
    Ok(parse_workflow(&std::fs::read_to_string(&path)?)?)
}

pub fn assert_same_as_example(built: &Workflow) -> Result<()> {
    let changes = differences(&example()?, built)?;
    if !changes.is_empty() {
        bail!("the tutorial builds another workflow than docs/beispiele/beschaffung-uebung.json: {changes:#?}");
    }
    Ok(())
}

#[test]
fn the_example_matches_itself_renumbered_but_not_changed() -> Result<()> {
    let example = example()?;
    // The designer numbers in the order of the user's actions: other ids, same workflow.
    let mut v = serde_json::to_value(&example)?;
    let mut map = BTreeMap::new();
    for (i, b) in example.blocks.iter().enumerate() {
        map.insert(b.id.0.clone(), format!("b{}", 40 - i));
    }
    for (i, e) in example.edges.iter().enumerate() {
        map.insert(e.id.0.clone(), format!("e{}", 60 + i));
    }
    rename(&mut v, &map);
    let renumbered = parse_workflow(&v.to_string())?;
    assert_ne!(renumbered.blocks[0].id, example.blocks[0].id);
    assert_eq!(differences(&example, &renumbered)?, Vec::<String>::new());

    // A parameter, a missing connection, another name: each is a difference.
    let mut changed = v.clone();
    changed["blocks"][1]["params"]["dueIn"] = "P6D".into();
    assert_eq!(
        differences(&example, &parse_workflow(&changed.to_string())?)?.len(),
        1
    );
    let mut changed = v.clone();
    if let Some(edges) = changed["edges"].as_array_mut() {
        edges.pop();
    }
    assert!(!differences(&example, &parse_workflow(&changed.to_string())?)?.is_empty());
    let mut changed = v;
    changed["roles"][0]["name"] = "Bedarfsträger".into();
    assert!(!differences(&example, &parse_workflow(&changed.to_string())?)?.is_empty());
    Ok(())
}
