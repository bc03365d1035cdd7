//! One catalogue of block types: names, help texts, palette groups and exit ports.
//! The palette, the inspector, the validator and the BPMN mapping all read this table.

use serde::Serialize;

use crate::model::{BescheidChannel, BlockId, BlockKind, BlockType, Workflow, OTHERWISE_PORT};

/// Palette groups, in palette order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PaletteGroup {
    Eingang,
    Bearbeitung,
    ZeichnungFreigabe,
    Weichen,
    Fristen,
    AusgangAkte,
}

impl PaletteGroup {
    pub const ALL: [PaletteGroup; 6] = [
        PaletteGroup::Eingang,
        PaletteGroup::Bearbeitung,
        PaletteGroup::ZeichnungFreigabe,
        PaletteGroup::Weichen,
        PaletteGroup::Fristen,
        PaletteGroup::AusgangAkte,
    ];

    pub fn name_de(self) -> &'static str {
        match self {
            PaletteGroup::Eingang => "Eingang",
            PaletteGroup::Bearbeitung => "Bearbeitung",
            PaletteGroup::ZeichnungFreigabe => "Zeichnung & Freigabe",
            PaletteGroup::Weichen => "Weichen",
            PaletteGroup::Fristen => "Fristen",
            PaletteGroup::AusgangAkte => "Ausgang & Akte",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PaletteGroup::Eingang => "Intake",
            PaletteGroup::Bearbeitung => "Processing",
            PaletteGroup::ZeichnungFreigabe => "Signing & approval",
            PaletteGroup::Weichen => "Routing",
            PaletteGroup::Fristen => "Deadlines",
            PaletteGroup::AusgangAkte => "Output & e-file",
        }
    }
}

/// Static description of a block type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BlockInfo {
    pub block_type: BlockType,
    pub name_de: &'static str,
    pub name_en: &'static str,
    pub help_de: &'static str,
    pub help_en: &'static str,
    pub group: PaletteGroup,
    /// A single pictogram character for the palette and canvas.
    pub icon: &'static str,
    /// Whether a person works on this block (can carry an Eskalation).
    pub human_task: bool,
}

#[allow(clippy::too_many_arguments)] // a table row; named fields would triple the table
const fn info_row(
    block_type: BlockType,
    name_de: &'static str,
    name_en: &'static str,
    help_de: &'static str,
    help_en: &'static str,
    group: PaletteGroup,
    icon: &'static str,
    human_task: bool,
) -> BlockInfo {
    BlockInfo {
        block_type,
        name_de,
        name_en,
        help_de,
        help_en,
        group,
        icon,
        human_task,
    }
}

static CATALOG: [BlockInfo; 15] = [
    info_row(
        BlockType::Start,
        "Antragseingang",
        "Application received",
        "Hier beginnt jeder Fall: Antrag, Posteingang oder interner Anstoß.",
        "Every case starts here: an application, incoming mail or an internal trigger.",
        PaletteGroup::Eingang,
        "▶",
        false,
    ),
    info_row(
        BlockType::Sachbearbeitung,
        "Sachbearbeitung",
        "Case work",
        "Eine Aufgabe im Postkorb einer Rolle, z. B. Antrag prüfen.",
        "A task in a role's inbox, e.g. check the application.",
        PaletteGroup::Bearbeitung,
        "✎",
        true,
    ),
    info_row(
        BlockType::VierAugen,
        "Vier-Augen-Prüfung",
        "Four-eyes check",
        "Zweite Prüfung durch eine andere Person als die erste.",
        "A second check by a different person than the first.",
        PaletteGroup::ZeichnungFreigabe,
        "👁",
        true,
    ),
    info_row(
        BlockType::Mitzeichnung,
        "Mitzeichnung",
        "Co-signing",
        "Beteiligte Stellen zeichnen mit – parallel oder nacheinander.",
        "Involved units co-sign, in parallel or one after another.",
        PaletteGroup::ZeichnungFreigabe,
        "✍",
        true,
    ),
    info_row(
        BlockType::Schlusszeichnung,
        "Schlusszeichnung",
        "Final sign-off",
        "Die abschließende Zeichnung durch die zeichnungsbefugte Person.",
        "The final signature by the person with signing authority.",
        PaletteGroup::ZeichnungFreigabe,
        "✔",
        true,
    ),
    info_row(
        BlockType::Wertgrenzen,
        "Wertgrenzen-Weiche",
        "Value threshold router",
        "Leitet den Fall nach Betrag in Wertgrenzen weiter (bis zu … €).",
        "Routes the case by amount into value bands (up to … €).",
        PaletteGroup::Weichen,
        "€",
        false,
    ),
    info_row(
        BlockType::Komplexitaet,
        "Komplexitäts-Weiche",
        "Complexity router",
        "Leitet einfache und schwierige Fälle nach Regeln auf verschiedene Wege.",
        "Routes simple and complex cases by rules onto different paths.",
        PaletteGroup::Weichen,
        "⑂",
        false,
    ),
    info_row(
        BlockType::Rueckfrage,
        "Rückfrage",
        "Query to applicant",
        "Fragt beim Antragsteller nach und wartet auf Antwort oder Fristablauf.",
        "Asks the applicant and waits for the reply or the deadline.",
        PaletteGroup::Fristen,
        "?",
        false,
    ),
    info_row(
        BlockType::Frist,
        "Frist / Wiedervorlage",
        "Deadline / resubmission",
        "Der Fall ruht bis zu einem Termin und wird dann wieder vorgelegt.",
        "The case rests until a date and is then resubmitted.",
        PaletteGroup::Fristen,
        "⏱",
        false,
    ),
    info_row(
        BlockType::Eskalation,
        "Eskalation",
        "Escalation",
        "Überwacht die Frist einer Aufgabe und informiert oder leitet um.",
        "Watches a task's deadline and notifies or re-routes.",
        PaletteGroup::Fristen,
        "⚠",
        false,
    ),
    info_row(
        BlockType::Bescheid,
        "Bescheid",
        "Decision notice",
        "Erstellt den Bescheid und gibt ihn bekannt (§ 41 VwVfG).",
        "Creates the decision notice and delivers it (§ 41 VwVfG).",
        PaletteGroup::AusgangAkte,
        "§",
        false,
    ),
    info_row(
        BlockType::Zahlung,
        "Zahlung",
        "Payment",
        "Fordert eine Gebühr an (ePayBL) und wartet auf den Zahlungseingang.",
        "Requests a fee (ePayBL) and waits for the payment.",
        PaletteGroup::AusgangAkte,
        "💶",
        false,
    ),
    info_row(
        BlockType::Veraktung,
        "Veraktung",
        "Filing to e-file",
        "Legt den Fall per xdomea in der E-Akte ab.",
        "Files the case into the e-file via xdomea.",
        PaletteGroup::AusgangAkte,
        "🗄",
        false,
    ),
    info_row(
        BlockType::Benachrichtigung,
        "Benachrichtigung",
        "Notification",
        "Schickt eine Nachricht, ohne zu warten.",
        "Sends a message without waiting.",
        PaletteGroup::AusgangAkte,
        "✉",
        false,
    ),
    info_row(
        BlockType::Ende,
        "Ende",
        "End",
        "Hier endet der Fall: erledigt, abgelehnt, zurückgenommen oder eingestellt.",
        "The case ends here: done, rejected, withdrawn or discontinued.",
        PaletteGroup::AusgangAkte,
        "■",
        false,
    ),
];

/// All block types in palette order.
pub fn all() -> &'static [BlockInfo] {
    &CATALOG
}

pub fn info(t: BlockType) -> &'static BlockInfo {
    CATALOG
        .iter()
        .find(|i| i.block_type == t)
        .unwrap_or(&CATALOG[0])
}

// Labels need the catalogue's names, so this method lives here: the model knows nothing of
// the catalogue.
impl Workflow {
    /// A human name for a block: its label, or its type's German name if the label is empty.
    pub fn block_label(&self, id: &BlockId) -> String {
        match self.block(id) {
            Some(b) if !b.label.trim().is_empty() => b.label.clone(),
            Some(b) => info(b.block_type()).name_de.to_string(),
            None => id.0.clone(),
        }
    }

    /// [`Workflow::block_label`] for English texts: a block without a name of its own is
    /// called by its type's English name.
    pub fn block_label_en(&self, id: &BlockId) -> String {
        match self.block(id) {
            Some(b) if !b.label.trim().is_empty() => b.label.clone(),
            Some(b) => info(b.block_type()).name_en.to_string(),
            None => id.0.clone(),
        }
    }
}

/// A named exit of a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    pub name: String,
    pub label_de: String,
    pub label_en: String,
}

fn port(name: &str, de: &str, en: &str) -> Port {
    Port {
        name: name.into(),
        label_de: de.into(),
        label_en: en.into(),
    }
}

/// German and English label of a well-known port name; unknown names read as themselves.
pub fn port_label(name: &str) -> (String, String) {
    let (de, en) = match name {
        "next" => ("weiter", "next"),
        "ok" => ("ok", "ok"),
        "reject" => ("abgelehnt", "rejected"),
        "rueckfrage" => ("Rückfrage", "query"),
        "veto" => ("Veto", "veto"),
        "reply" => ("Antwort", "reply"),
        "timeout" => ("Frist abgelaufen", "timed out"),
        "escalated" => ("eskaliert", "escalated"),
        "zugestellt" => ("zugestellt", "delivered"),
        "nichtAbgerufen" => ("nicht abgerufen", "not downloaded"),
        "bezahlt" => ("bezahlt", "paid"),
        "nichtBezahlt" => ("nicht bezahlt", "not paid"),
        "fehler" => ("Fehler", "error"),
        OTHERWISE_PORT => ("sonst", "otherwise"),
        other => (other, other),
    };
    (de.to_string(), en.to_string())
}

fn named(name: &str) -> Port {
    let (de, en) = port_label(name);
    Port {
        name: name.into(),
        label_de: de,
        label_en: en,
    }
}

/// The exit ports a block declares with its current parameters, in display order.
pub fn ports(kind: &BlockKind) -> Vec<Port> {
    match kind {
        BlockKind::Start(_) | BlockKind::Frist(_) | BlockKind::Benachrichtigung(_) => {
            vec![named("next")]
        }
        BlockKind::Sachbearbeitung(p) => p.outcomes.iter().map(|o| named(o)).collect(),
        BlockKind::VierAugen(_) | BlockKind::Schlusszeichnung(_) => {
            vec![named("ok"), named("reject")]
        }
        BlockKind::Mitzeichnung(_) => vec![named("ok"), named("veto")],
        BlockKind::Wertgrenzen(p) => p
            .bands
            .iter()
            .map(|b| {
                let (de, en) = band_label(b.lower, b.upper, &b.label);
                port(&b.id, &de, &en)
            })
            .collect(),
        BlockKind::Komplexitaet(p) => p
            .rules
            .iter()
            .map(|r| {
                let label = if r.label.is_empty() {
                    r.id.as_str()
                } else {
                    r.label.as_str()
                };
                port(&r.id, label, label)
            })
            .chain(std::iter::once(named(OTHERWISE_PORT)))
            .collect(),
        BlockKind::Rueckfrage(_) => vec![named("reply"), named("timeout")],
        BlockKind::Eskalation(p) => {
            if p.interrupting {
                vec![named("escalated")]
            } else {
                Vec::new()
            }
        }
        BlockKind::Bescheid(p) => {
            let mut v = vec![named("zugestellt")];
            if p.channel == BescheidChannel::PostfachAbruf {
                v.push(named("nichtAbgerufen"));
            }
            v
        }
        BlockKind::Zahlung(_) => vec![named("bezahlt"), named("nichtBezahlt")],
        BlockKind::Veraktung(_) => vec![named("ok"), named("fehler")],
        BlockKind::Ende(_) => Vec::new(),
    }
}

/// "bis 1.000 €", "über 25.000 €", "1.000 € bis 25.000 €" unless the band has its own label.
pub fn band_label(
    lower: crate::values::Money,
    upper: Option<crate::values::Money>,
    own: &str,
) -> (String, String) {
    if !own.trim().is_empty() {
        return (own.to_string(), own.to_string());
    }
    match upper {
        Some(u) if lower.cents() == 0 => (
            format!("bis {}", u.to_german()),
            format!("up to {}", u.to_english()),
        ),
        Some(u) => (
            format!("über {} bis {}", lower.to_german(), u.to_german()),
            format!("over {} up to {}", lower.to_english(), u.to_english()),
        ),
        None => (
            format!("über {}", lower.to_german()),
            format!("over {}", lower.to_english()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_covers_every_block_type_once() {
        for t in BlockType::ALL {
            assert_eq!(
                all().iter().filter(|i| i.block_type == *t).count(),
                1,
                "{t:?}"
            );
        }
        assert_eq!(all().len(), BlockType::ALL.len());
    }

    #[test]
    fn every_group_has_blocks() {
        for g in PaletteGroup::ALL {
            assert!(all().iter().any(|i| i.group == g), "{g:?} is empty");
        }
    }
}
