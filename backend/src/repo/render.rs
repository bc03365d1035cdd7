//! Texts of the published repository: the German README per workflow, CHANGELOG entries,
//! the catalogue README and `publiccode.yml`. Pure functions, no git.

use std::collections::{BTreeSet, VecDeque};
use std::fmt::Write as _;

use fachwerk_shared::catalog;
use fachwerk_shared::model::{Assignee, Block, BlockKind, BlockType, Recipient, Workflow};

/// One published workflow as listed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub name: String,
    pub version: String,
    pub description: String,
}

/// Who maintains the catalogue (publiccode.yml `maintenance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Maintenance {
    Internal,
    Community,
}

/// Catalogue-wide settings written into publiccode.yml.
#[derive(Debug, Clone)]
pub struct CatalogMeta {
    pub name: String,
    /// Where the repository is published (publiccode.yml `url`).
    pub url: String,
    pub maintenance: Maintenance,
    pub contact: String,
}

impl Default for CatalogMeta {
    fn default() -> Self {
        CatalogMeta {
            name: "Fachwerk-Ablaufkatalog".into(),
            url: "https://gitlab.opencode.de/fachwerk/ablaufkatalog.git".into(),
            maintenance: Maintenance::Internal,
            contact: "Fachwerk-Administration".into(),
        }
    }
}

/// A YAML scalar: a JSON string is a valid YAML double-quoted scalar.
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// `publiccode.yml` (standard version 0.4), rewritten on every publish so it stays valid.
pub fn publiccode(meta: &CatalogMeta, entries: &[Entry], release_date: &str) -> String {
    let mut s =
        String::from("# Von Fachwerk erzeugt und bei jeder Veröffentlichung neu geschrieben.\n");
    let _ = writeln!(s, "publiccodeYmlVersion: \"0.4\"");
    let _ = writeln!(s, "name: {}", yaml(&meta.name));
    let _ = writeln!(s, "url: {}", yaml(&meta.url));
    let _ = writeln!(s, "releaseDate: {}", yaml(release_date));
    s.push_str("platforms:\n  - web\ncategories:\n  - workflow-management\n");
    s.push_str("softwareType: configurationFiles\ndevelopmentStatus: stable\n");
    let names: Vec<String> = entries
        .iter()
        .map(|e| format!("{} ({})", e.name, e.version))
        .collect();
    let list_de = if names.is_empty() {
        "noch keine".to_string()
    } else {
        names.join(", ")
    };
    let (long_de, long_en) = (
        format!(
            "Dieser Katalog enthält Verwaltungsabläufe, die mit Fachwerk gestaltet, fachlich geprüft und im \
             Vier-Augen-Prinzip freigegeben wurden. Jeder Ablauf liegt als kanonisches JSON, als BPMN-2.0-Datei und \
             mit einer deutschen Beschreibung vor; jede Version ist als Git-Tag markiert und im CHANGELOG \
             beschrieben. Enthaltene Abläufe: {list_de}."
        ),
        format!(
            "This catalogue contains administrative workflows designed with Fachwerk, reviewed and approved under \
             the four-eyes principle. Each workflow is provided as canonical JSON, as a BPMN 2.0 file and with a \
             German description; every version is tagged in git and described in the CHANGELOG. Workflows: {}.",
            if names.is_empty() { "none yet".to_string() } else { names.join(", ") }
        ),
    );
    s.push_str("description:\n");
    for (lang, short, long, default_feature) in [
        (
            "de",
            "Veröffentlichte Verwaltungsabläufe (Fachwerk)",
            long_de,
            "Verwaltungsabläufe als BPMN 2.0",
        ),
        (
            "en",
            "Published administrative workflows (Fachwerk)",
            long_en,
            "Administrative workflows as BPMN 2.0",
        ),
    ] {
        let _ = writeln!(s, "  {lang}:");
        let _ = writeln!(s, "    shortDescription: {}", yaml(&truncate(short, 150)));
        let _ = writeln!(s, "    longDescription: {}", yaml(&truncate(&long, 10_000)));
        s.push_str("    features:\n");
        let _ = writeln!(s, "      - {}", yaml(default_feature));
        for e in entries {
            let _ = writeln!(
                s,
                "      - {}",
                yaml(&truncate(&format!("{} {}", e.name, e.version), 100))
            );
        }
    }
    s.push_str("legal:\n  license: EUPL-1.2\n");
    let kind = match meta.maintenance {
        Maintenance::Internal => "internal",
        Maintenance::Community => "community",
    };
    let _ = writeln!(
        s,
        "maintenance:\n  type: {kind}\n  contacts:\n    - name: {}",
        yaml(&meta.contact)
    );
    s.push_str("localisation:\n  localisationReady: false\n  availableLanguages:\n    - de\n");
    s
}

/// Root README: what the repository is, and the list of workflows.
pub fn catalogue_readme(meta: &CatalogMeta, entries: &[Entry]) -> String {
    let mut s = format!("# {}\n\n", meta.name);
    s.push_str(
        "Veröffentlichte Verwaltungsabläufe, erstellt mit Fachwerk. Jeder Ablauf liegt in `workflows/<schlüssel>/` als \
         `workflow.json` (kanonisches JSON), `workflow.bpmn` (BPMN 2.0), `workflow.camunda7.bpmn` und \
         `workflow.camunda8.bpmn` (ausführbar in Operaton/Camunda 7 bzw. Camunda 8, dazu die Formulare in `forms/`) \
         und `README.md` (Beschreibung); Versionen sind \
         als Tags `<schlüssel>/v<version>` markiert.\n\n",
    );
    if entries.is_empty() {
        s.push_str("Noch keine Abläufe veröffentlicht.\n");
        return s;
    }
    s.push_str("| Ablauf | Schlüssel | Version |\n|---|---|---|\n");
    for e in entries {
        let _ = writeln!(
            s,
            "| [{}](workflows/{}/README.md) | `{}` | {} |",
            cell(&e.name),
            e.key,
            e.key,
            e.version
        );
    }
    s
}

/// One CHANGELOG entry (German), newest first in the file.
pub struct ChangelogEntry<'a> {
    pub heading: String,
    pub date: &'a str,
    pub requester: &'a str,
    pub approver: &'a str,
    pub note: &'a str,
    pub changes: &'a [String],
}

impl ChangelogEntry<'_> {
    fn render(&self) -> String {
        let mut s = format!("## {} – {}\n\n", self.heading, self.date);
        if !self.note.trim().is_empty() {
            let _ = writeln!(s, "{}\n", self.note.trim());
        }
        for c in self.changes {
            let _ = writeln!(s, "- {c}");
        }
        let _ = writeln!(
            s,
            "\nBeantragt von {}, freigegeben von {}.\n",
            self.requester, self.approver
        );
        s
    }
}

/// Inserts `entry` below the title of an existing changelog (or starts one).
pub fn prepend_changelog(
    existing: Option<&str>,
    title: &str,
    entry: &ChangelogEntry<'_>,
) -> String {
    // The old title (which may have named the workflow differently) is replaced.
    let rest = match existing {
        Some(e) if e.starts_with("# ") => e.split_once("\n\n").map_or("", |(_, rest)| rest),
        Some(e) => e,
        None => "",
    };
    format!("# {title}\n\n{}{rest}", entry.render())
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn assignee(w: &Workflow, a: &Option<Assignee>) -> String {
    match a {
        None => "nicht festgelegt".into(),
        Some(Assignee::Role(id)) => w
            .role(id)
            .map_or_else(|| format!("Rolle {id}"), |r| r.name.clone()),
        Some(Assignee::Person(p)) => format!("Person „{p}“"),
        Some(Assignee::Initiator) => "die Person, die den Vorgang begonnen hat".into(),
        Some(Assignee::Expression(e)) => format!("ermittelt aus `{e}`"),
    }
}

fn duration(d: &Option<fachwerk_shared::Duration>) -> Option<String> {
    d.as_ref().map(|d| d.to_german())
}

/// Blocks in the order a case meets them (breadth-first from the start), then the rest.
fn step_order(w: &Workflow) -> Vec<&Block> {
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    let mut queue: VecDeque<&Block> = w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Start)
        .collect();
    while let Some(b) = queue.pop_front() {
        if !seen.insert(b.id.clone()) {
            continue;
        }
        order.push(b);
        queue.extend(w.outgoing(&b.id).filter_map(|e| w.block(&e.to)));
    }
    order.extend(w.blocks.iter().filter(|b| !seen.contains(&b.id)));
    order
}

fn details(w: &Workflow, b: &Block) -> Vec<String> {
    let mut d = Vec::new();
    match &b.kind {
        BlockKind::Start(p) => d.push(format!("Auslöser: {}", p.trigger.tag())),
        BlockKind::Sachbearbeitung(p) => {
            d.push(format!("zuständig: {}", assignee(w, &p.assignee)));
            if !p.instructions.trim().is_empty() {
                d.push(format!("Verfügung: {}", p.instructions.trim()));
            }
            d.extend(duration(&p.due_in).map(|x| format!("Bearbeitungsfrist: {x}")));
        }
        BlockKind::VierAugen(p) => {
            d.push(format!("Erstprüfung: {}", assignee(w, &p.first_check)));
            d.push(format!("Zweitprüfung: {}", assignee(w, &p.second_check)));
        }
        BlockKind::Mitzeichnung(p) => {
            let names: Vec<String> = p
                .participants
                .iter()
                .map(|x| {
                    if x.label.is_empty() {
                        assignee(w, &x.assignee)
                    } else {
                        x.label.clone()
                    }
                })
                .collect();
            d.push(format!(
                "Mitzeichnende: {} ({})",
                names.join(", "),
                p.mode.tag()
            ));
        }
        BlockKind::Schlusszeichnung(p) => {
            d.push(format!("zeichnet: {}", assignee(w, &p.signer)));
            d.extend(
                p.amount_field
                    .as_ref()
                    .map(|f| format!("Betrag aus `{f}` wird gegen die Zeichnungsbefugnis geprüft")),
            );
            d.push(format!("Signaturniveau: {}", p.signature_level.tag()));
        }
        BlockKind::Wertgrenzen(p) => d.push(format!(
            "Betragsfeld `{}` ({}), siehe Wertgrenzen",
            p.amount_field,
            p.basis.tag()
        )),
        BlockKind::Komplexitaet(p) => {
            for r in &p.rules {
                d.push(format!(
                    "Regel „{}“: `{}`",
                    if r.label.is_empty() { &r.id } else { &r.label },
                    r.condition
                ));
            }
        }
        BlockKind::Rueckfrage(p) => {
            d.push(format!("Kanal: {}", p.channel.tag()));
            d.extend(duration(&p.reply_deadline).map(|x| format!("Antwortfrist: {x}")));
        }
        BlockKind::Frist(p) => d.extend(duration(&p.duration).map(|x| format!("Dauer: {x}"))),
        BlockKind::Eskalation(p) => {
            d.extend(
                p.attached_to
                    .as_ref()
                    .map(|a| format!("überwacht: {}", w.block_label(a))),
            );
            d.extend(duration(&p.after).map(|x| format!("nach: {x}")));
            d.push(format!("an: {}", assignee(w, &p.escalate_to)));
        }
        BlockKind::Bescheid(p) => d.push(format!(
            "Zustellung: {}, Signatur: {}",
            p.channel.tag(),
            p.signature_level.tag()
        )),
        BlockKind::Zahlung(p) => d.push(format!("Betrag: `{}`", p.amount)),
        BlockKind::Veraktung(p) => d.push(format!("Aktenplan: {}", p.aktenplan_kennzeichen)),
        BlockKind::Benachrichtigung(p) => {
            let to = match &p.recipient {
                None => "nicht festgelegt".to_string(),
                Some(Recipient::Applicant) => "Antragstellende".into(),
                Some(Recipient::Role(id)) => assignee(w, &Some(Assignee::Role(id.clone()))),
                Some(Recipient::Person(x)) => format!("Person „{x}“"),
                Some(Recipient::Initiator) => "Initiator".into(),
                Some(Recipient::External(x)) => x.clone(),
            };
            d.push(format!("an: {to}"));
        }
        BlockKind::Ende(p) => d.push(format!("Ergebnis: {}", p.result.tag())),
    }
    d
}

/// "Basiert auf „beschaffung“ Version 1.1.0 aus <source> (Commit 1a2b3c4), herausgegeben von …."
pub fn lineage_line(l: &fachwerk_shared::Lineage) -> String {
    let short: String = l.commit.chars().take(7).collect();
    let mut line = format!(
        "Basiert auf „{}“ Version {} aus {} (Commit {short})",
        l.key, l.version, l.source
    );
    if !l.publisher.trim().is_empty() {
        line.push_str(&format!(", herausgegeben von {}", l.publisher.trim()));
    }
    line.push('.');
    line.replace(['\n', '\r'], " ")
}

/// What the README says about this version.
pub struct VersionNote<'a> {
    pub version: &'a str,
    pub date: &'a str,
    pub note: &'a str,
    pub changes: &'a [String],
}

/// The generated German README of a workflow: purpose, roles, steps, thresholds, version.
pub fn workflow_readme(w: &Workflow, v: &VersionNote<'_>) -> String {
    let mut s = format!("# {}\n\n", w.name);
    let _ = writeln!(
        s,
        "Version **{}** vom {} · Schlüssel `{}`\n",
        v.version, v.date, w.key
    );
    if let Some(l) = &w.lineage {
        let _ = writeln!(s, "{}\n", lineage_line(l));
    }
    s.push_str("## Zweck\n\n");
    let purpose = if w.description.trim().is_empty() {
        "Keine Beschreibung hinterlegt."
    } else {
        w.description.trim()
    };
    let _ = writeln!(s, "{purpose}\n");

    s.push_str("## Rollen\n\n");
    if w.roles.is_empty() {
        s.push_str("Keine Rollen festgelegt.\n\n");
    } else {
        s.push_str("| Rolle | Organisationseinheit | Zeichnungsbefugnis |\n|---|---|---|\n");
        for r in &w.roles {
            let limit = r.signing_limit.map_or_else(
                || "unbegrenzt".to_string(),
                |m| format!("bis {}", m.to_german()),
            );
            let _ = writeln!(
                s,
                "| {} (`{}`) | {} | {} |",
                cell(&r.name),
                r.id,
                cell(r.org_unit.as_deref().unwrap_or("–")),
                limit
            );
        }
        s.push('\n');
    }

    s.push_str("## Schritte\n\n");
    for (i, b) in step_order(w).into_iter().enumerate() {
        let kind = catalog::info(b.block_type()).name_de;
        let marker = format!("{}. ", i + 1);
        // Sub-items are indented by the marker's width so they nest (CommonMark).
        let pad = " ".repeat(marker.len());
        let _ = writeln!(s, "{marker}**{}** ({kind})", cell(&w.block_label(&b.id)));
        for d in details(w, b) {
            let _ = writeln!(s, "{pad}- {}", d.replace('\n', " "));
        }
        for e in w.outgoing(&b.id) {
            let (port, _) = catalog::port_label(&e.port);
            let _ = writeln!(s, "{pad}- {port} → {}", cell(&w.block_label(&e.to)));
        }
    }
    s.push('\n');

    let bands: Vec<(&Block, &fachwerk_shared::model::WertgrenzenParams)> = w
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Wertgrenzen(p) => Some((b, p)),
            _ => None,
        })
        .collect();
    if !bands.is_empty() {
        s.push_str("## Wertgrenzen\n\n");
        for (b, p) in bands {
            let _ = writeln!(
                s,
                "### {}\n\nBetragsfeld `{}` ({}, {})\n",
                cell(&w.block_label(&b.id)),
                p.amount_field,
                p.basis.tag(),
                p.currency
            );
            s.push_str("| Band | Bereich | weiter mit |\n|---|---|---|\n");
            for band in &p.bands {
                let (range, _) = catalog::band_label(band.lower, band.upper, "");
                let next = w
                    .outgoing(&b.id)
                    .find(|e| e.port == band.id)
                    .map(|e| w.block_label(&e.to))
                    .unwrap_or_else(|| "–".into());
                let name = if band.label.is_empty() {
                    band.id.as_str()
                } else {
                    band.label.as_str()
                };
                let _ = writeln!(s, "| {} | {} | {} |", cell(name), range, cell(&next));
            }
            s.push('\n');
        }
    }

    if !w.fields.is_empty() {
        s.push_str(
            "## Fallvariablen\n\n| Name | Bezeichnung | Typ | Pflicht |\n|---|---|---|---|\n",
        );
        for f in &w.fields {
            let ty = serde_json::to_value(f.field_type)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| `{}` | {} | {ty} | {} |",
                f.name,
                cell(&f.label),
                if f.required { "ja" } else { "nein" }
            );
        }
        s.push('\n');
    }

    let _ = writeln!(s, "## Änderungen in Version {}\n", v.version);
    if !v.note.trim().is_empty() {
        let _ = writeln!(s, "{}\n", v.note.trim());
    }
    for c in v.changes {
        let _ = writeln!(s, "- {c}");
    }
    s.push_str("\nFrühere Versionen: siehe [CHANGELOG.md](CHANGELOG.md) und die Tags dieses Repositorys.\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publiccode_has_the_required_keys() {
        let entries = vec![Entry {
            key: "a".into(),
            name: "Ablauf \"A\"".into(),
            version: "1.0.0".into(),
            description: String::new(),
        }];
        let y = publiccode(&CatalogMeta::default(), &entries, "2026-11-26");
        for key in [
            "publiccodeYmlVersion: \"0.4\"",
            "softwareType: configurationFiles",
            "legal:\n  license: EUPL-1.2",
            "  type: internal",
            "localisationReady:",
            "availableLanguages:\n    - de",
            "releaseDate: \"2026-11-26\"",
            "Ablauf \\\"A\\\" 1.0.0",
        ] {
            assert!(y.contains(key), "{key} missing in\n{y}");
        }
    }

    #[test]
    fn the_readme_names_the_template_an_adaptation_is_based_on() {
        let mut w = Workflow::new("beschaffung", "Beschaffung");
        let v = VersionNote {
            version: "1.1.0",
            date: "2026-11-26",
            note: "",
            changes: &[],
        };
        assert!(!workflow_readme(&w, &v).contains("Basiert auf"));
        w.lineage = Some(fachwerk_shared::Lineage {
            source: "https://gitlab.opencode.de/adorf/katalog.git".into(),
            key: "beschaffung".into(),
            version: "1.0.0".into(),
            commit: "0123456789abcdef".into(),
            publisher: "Stadt Adorf".into(),
        });
        let readme = workflow_readme(&w, &v);
        assert!(
            readme.contains("Basiert auf „beschaffung“ Version 1.0.0 aus https://gitlab.opencode.de/adorf/katalog.git (Commit 0123456), herausgegeben von Stadt Adorf."),
            "{readme}"
        );
    }

    #[test]
    fn changelog_entries_stack_newest_first() {
        let changes = vec!["Schritt „X“ hinzugefügt".to_string()];
        let e = |h: &str| ChangelogEntry {
            heading: h.into(),
            date: "2026-11-26",
            requester: "a",
            approver: "b",
            note: "",
            changes: &changes,
        };
        let one = prepend_changelog(None, "Änderungen", &e("1.0.0"));
        let two = prepend_changelog(Some(&one), "Änderungen", &e("1.1.0"));
        assert!(two.starts_with("# Änderungen\n\n## 1.1.0"));
        assert!(two.find("## 1.1.0").unwrap_or(0) < two.find("## 1.0.0").unwrap_or(0));
        assert_eq!(two.matches("# Änderungen\n").count(), 1);
    }
}
