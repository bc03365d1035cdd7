//! German/English UI strings. German is the primary language; domain terms (Bescheid,
//! Mitzeichnung, …) stay German in the English UI because staff know them by these names.

use fachwerk_shared::api::FindingCounts;

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }
}

/// A string in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T(pub &'static str, pub &'static str);

impl T {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::De => self.0,
            Lang::En => self.1,
        }
    }
}

// Header and toolbar.
pub const APP_TITLE: T = T("Fachwerk", "Fachwerk");
pub const NEW: T = T("Neu", "New");
pub const OPEN: T = T("Öffnen / Importieren", "Open / Import");
pub const EXPORT_BPMN: T = T("BPMN 2.0 exportieren", "Export BPMN 2.0");
pub const EXPORT_ENGINE: T = T(
    "Für Prozess-Engine exportieren …",
    "Export for a process engine …",
);
pub const EXPORT_ENGINE_TITLE: T = T(
    "Für eine Prozess-Engine exportieren",
    "Export for a process engine",
);
pub const PROBELAUF: T = T("Probelauf", "Test run");
pub const EXPORT_JSON: T = T("JSON exportieren", "Export JSON");
pub const EXPORT_SVG: T = T("SVG exportieren", "Export SVG");
pub const UNDO: T = T("Rückgängig", "Undo");
pub const REDO: T = T("Wiederholen", "Redo");
pub const VALIDATE: T = T("Prüfen", "Check");
pub const LAYOUT: T = T("Anordnen", "Arrange");
pub const SETTINGS: T = T("Einstellungen", "Settings");
pub const LANG_SWITCH: T = T("English", "Deutsch");
pub const LANG_SWITCH_LABEL: T = T("Switch to English", "Auf Deutsch umschalten");
pub const ZOOM_IN: T = T("Vergrößern", "Zoom in");
pub const ZOOM_OUT: T = T("Verkleinern", "Zoom out");
pub const FIT: T = T("Einpassen", "Fit");
pub const CONNECT: T = T("Verbinden mit…", "Connect to…");
pub const DUPLICATE: T = T("Duplizieren", "Duplicate");
pub const COPY: T = T("Kopieren", "Copy");
pub const PASTE: T = T("Einfügen", "Paste");
pub const DELETE: T = T("Löschen", "Delete");
pub const TOOLBAR: T = T("Werkzeugleiste", "Toolbar");
pub const TEMPLATES_BROWSE: T = T("Vorlagen ansehen …", "Browse templates …");

// Palette.
pub const PALETTE: T = T("Bausteine", "Blocks");
pub const PALETTE_SEARCH: T = T("Bausteine suchen", "Search blocks");
pub const PALETTE_HINT: T = T(
    "Auf die Fläche ziehen oder mit Enter einfügen.",
    "Drag onto the canvas or press Enter to insert.",
);
pub const PALETTE_EMPTY: T = T(
    "Kein Baustein passt zur Suche.",
    "No block matches the search.",
);

// Canvas.
pub const CANVAS_LABEL: T = T("Ablauf-Zeichenfläche", "Workflow canvas");
/// Before the whole words of shortened exit labels (tooltip, a block's name).
pub const EXITS: T = T("Ausgänge:", "Exits:");
pub const CANVAS_HELP: T = T(
    "Ziehen: verschieben · Hintergrund oder Leertaste+Ziehen: Ansicht verschieben · Umschalt+Ziehen: Auswahlrahmen · Mausrad: Zoom · Tastatur: Tab wählt Bausteine, danach Verbindungen, Enter markiert, Pfeile verschieben, Strg+K verbindet, Entf löscht",
    "Drag: move · Background or Space+drag: pan · Shift+drag: select area · Wheel: zoom · Keyboard: Tab to a block, then to the connections, Enter selects, arrows move, Ctrl+K connects, Del deletes",
);
pub const MINIMAP: T = T("Übersichtskarte", "Minimap");
pub const NOT_CONNECTED: T = T("nicht verbunden", "not connected");

// Inspector.
pub const INSPECTOR: T = T("Eigenschaften", "Properties");
pub const NOTHING_SELECTED: T = T(
    "Nichts ausgewählt. Wählen Sie einen Baustein auf der Fläche oder in der Gliederung.",
    "Nothing selected. Select a block on the canvas or in the outline.",
);
pub const LABEL: T = T("Bezeichnung", "Label");
pub const BLOCK_ID: T = T("Kennung", "Id");
pub const NONE_OPTION: T = T("— keine Angabe —", "— none —");
pub const UNLIMITED: T = T("unbegrenzt", "unlimited");
pub const ADD: T = T("Hinzufügen", "Add");
pub const REMOVE: T = T("Entfernen", "Remove");
pub const EDGE: T = T("Verbindung", "Connection");
pub const EDGE_FROM: T = T("Von", "From");
pub const EDGE_TO: T = T("Nach", "To");
pub const EXIT: T = T("Ausgang", "Exit");

// Problems.
pub const PROBLEMS: T = T("Probleme", "Problems");
pub const NO_PROBLEMS: T = T("Keine Probleme gefunden.", "No problems found.");
pub const CHECKING: T = T("Wird geprüft …", "Checking …");
pub const SERVER_CHECK: T = T("Server-Prüfung", "Server check");
pub const SERVER_RUNNING: T = T("Server-Prüfung läuft …", "Server check running …");
pub const SERVER_NOT_RUN: T = T(
    "Noch nicht geprüft. „Prüfen“ sendet den Ablauf an den Server.",
    "Not checked yet. “Check” sends the workflow to the server.",
);
pub const OUTLINE: T = T("Gliederung", "Outline");
pub const OUTLINE_EMPTY: T = T("Der Ablauf ist noch leer.", "The workflow is still empty.");

// Settings dialog.
pub const WF_NAME: T = T("Name des Ablaufs", "Workflow name");
pub const WF_DESCRIPTION: T = T("Beschreibung", "Description");
pub const ROLES: T = T("Rollen", "Roles");
pub const ROLE_ID: T = T("Kennung", "Id");
pub const ROLE_NAME: T = T("Name", "Name");
pub const SIGNING_LIMIT: T = T("Zeichnungsbefugnis bis", "Signing limit up to");
pub const FIELDS: T = T("Fallvariablen", "Case fields");
pub const FIELD_NAME: T = T("Name", "Name");
pub const FIELD_LABEL: T = T("Beschriftung", "Caption");
pub const FIELD_TYPE: T = T("Typ", "Type");
pub const FIELD_VALUES: T = T("Werte (durch Komma getrennt)", "Values (comma separated)");
pub const REQUIRED: T = T("Pflicht", "Required");
pub const CLOSE: T = T("Schließen", "Close");
pub const CANCEL: T = T("Abbrechen", "Cancel");
pub const CONNECT_TITLE: T = T("Verbinden mit …", "Connect to …");
pub const CONNECT_PORT: T = T("Ausgang", "Exit");
pub const CONNECT_TARGET: T = T("Ziel", "Target");
pub const CONNECT_APPLY: T = T("Verbinden", "Connect");
pub const CONNECT_NEEDS_BLOCK: T = T(
    "Wählen Sie zuerst genau einen Baustein mit Ausgängen aus.",
    "First select exactly one block that has exits.",
);

// Messages.
pub const MSG_AUTOSAVE_FAILED: T = T(
    "Automatische Sicherung im Browser nicht möglich (Speicher voll oder gesperrt). Bitte „Entwurf speichern“ oder als JSON exportieren.",
    "Automatic backup in the browser failed (storage full or blocked). Please use “Save draft” or export as JSON.",
);
pub const MSG_RESTORED: T = T(
    "Gespeicherter Ablauf wiederhergestellt.",
    "Saved workflow restored.",
);
pub const MSG_NEW: T = T(
    "Neuer Ablauf angelegt. „Rückgängig“ stellt den vorherigen wieder her.",
    "New workflow created. “Undo” brings back the previous one.",
);
pub const MSG_OPENED: T = T("Ablauf geöffnet.", "Workflow opened.");
pub const MSG_UNDONE: T = T("Rückgängig gemacht.", "Undone.");
pub const MSG_REDONE: T = T("Wiederholt.", "Redone.");
pub const MSG_NOTHING_TO_PASTE: T = T("Die Zwischenablage ist leer.", "The clipboard is empty.");
pub const MSG_COPIED: T = T("In die Zwischenablage kopiert.", "Copied to the clipboard.");
pub const MSG_DELETED: T = T("Auswahl gelöscht.", "Selection deleted.");
pub const MSG_ARRANGED: T = T("Ablauf angeordnet.", "Workflow arranged.");
pub const MSG_CONNECTED: T = T("Verbunden.", "Connected.");

/// A block's name in `lang`: its own label, or its type's name in that language.
pub fn block_label(
    w: &fachwerk_shared::Workflow,
    id: &fachwerk_shared::BlockId,
    lang: Lang,
) -> String {
    match lang {
        Lang::De => w.block_label(id),
        Lang::En => w.block_label_en(id),
    }
}

/// An exit's name in `lang` as the catalogue words it ("abgelehnt", not `reject`); a band's or
/// rule's label for a router.
pub fn port_label(
    w: &fachwerk_shared::Workflow,
    id: &fachwerk_shared::BlockId,
    port: &str,
    lang: Lang,
) -> String {
    let (de, en) = w
        .block(id)
        .and_then(|b| {
            fachwerk_shared::catalog::ports(&b.kind)
                .into_iter()
                .find(|p| p.name == port)
        })
        .map(|p| (p.label_de, p.label_en))
        .unwrap_or_else(|| fachwerk_shared::catalog::port_label(port));
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

/// A count with the noun in singular or plural: "1 Element", "2 Elemente".
pub fn count_noun(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 Fehler, 1 Warnung" / "2 errors, 1 warning".
pub fn counts(lang: Lang, FindingCounts { errors, warnings }: FindingCounts) -> String {
    match lang {
        Lang::De => {
            let w = if warnings == 1 {
                "Warnung"
            } else {
                "Warnungen"
            };
            match (errors, warnings) {
                (0, 0) => "keine Fehler".to_string(),
                (0, n) => format!("keine Fehler, {n} {w}"),
                (e, 0) => format!("{e} Fehler"),
                (e, n) => format!("{e} Fehler, {n} {w}"),
            }
        }
        Lang::En => {
            let e = if errors == 1 { "error" } else { "errors" };
            let w = if warnings == 1 { "warning" } else { "warnings" };
            match (errors, warnings) {
                (0, 0) => "no errors".to_string(),
                (0, n) => format!("no errors, {n} {w}"),
                (n, 0) => format!("{n} {e}"),
                (n, m) => format!("{n} {e}, {m} {w}"),
            }
        }
    }
}

/// Display names of parameter enum values (by their JSON tag) and field types.
pub fn value_label(tag: &'static str) -> T {
    match tag {
        "ONLINE_ANTRAG" => T("Online-Antrag", "Online application"),
        "POSTEINGANG" => T("Posteingang", "Incoming mail"),
        "INTERN" => T("Intern", "Internal"),
        "TIMER" => T("Zeitgesteuert", "Timer"),
        "PARALLEL" => T("parallel", "in parallel"),
        "SEQUENTIAL" => T("nacheinander", "one after another"),
        "OPTIONAL" => T("freiwillig", "optional"),
        "REQUIRED_ON_VETO" => T("Pflicht bei Veto", "required on veto"),
        "NAME" => T("Name (einfach)", "Name (simple)"),
        "FORTGESCHRITTEN" => T("fortgeschrittene Signatur", "advanced signature"),
        "QES" => T("qualifizierte Signatur (QES)", "qualified signature (QES)"),
        "SIEGEL" => T("Siegel", "Seal"),
        "OHNE" => T("ohne Zusatz", "none"),
        "IV" => T("i. V.", "i. V."),
        "IA" => T("i. A.", "i. A."),
        "NETTO" => T("netto", "net"),
        "BRUTTO" => T("brutto", "gross"),
        "FIRST_MATCH" => T("erste passende Regel", "first matching rule"),
        "POSTFACH" => T("Postfach", "Postfach (mailbox)"),
        "PORTAL" => T("Portal", "Portal"),
        "EMAIL" => T("E-Mail", "E-mail"),
        "BRIEF" => T("Brief", "Letter"),
        "INTERN_POSTKORB" => T("interner Postkorb", "internal inbox"),
        "WARTEN" => T("Warten (Dauer)", "Wait (duration)"),
        "WIEDERVORLAGE_AM" => T("Wiedervorlage am (Datum)", "Resubmit on (date)"),
        "KALENDERTAGE" => T("Kalendertage", "calendar days"),
        "ARBEITSTAGE" => T("Arbeitstage", "working days"),
        "POSTFACH_ABRUF" => T("Postfach zum Abruf", "Postfach for download"),
        "FOERMLICHE_ZUSTELLUNG" => T("förmliche Zustellung", "formal service"),
        "GIROPAY" => T("Online-Überweisung", "Online transfer"),
        "KREDITKARTE" => T("Kreditkarte", "Credit card"),
        "PAYPAL" => T("PayPal", "PayPal"),
        "LASTSCHRIFT" => T("Lastschrift", "Direct debit"),
        "RECHNUNG" => T("Rechnung", "Invoice"),
        "VOR_BEARBEITUNG" => T("vor der Bearbeitung", "before processing"),
        "MIT_BESCHEID" => T("mit dem Bescheid", "with the Bescheid"),
        "NEUER_VORGANG_IN_AKTE" => T("neuer Vorgang in Akte", "new Vorgang in file"),
        "BESTEHENDE_AKTE" => T("bestehende Akte", "existing file"),
        "DOKUMENTE" => T("Dokumente", "Documents"),
        "GESCHAEFTSGANG" => T("Geschäftsgang", "Routing history"),
        "PROTOKOLL" => T("Protokoll", "Log"),
        "A" => T("A – archivwürdig", "A – archive"),
        "B" => T("B – bewerten", "B – appraise"),
        "V" => T("V – vernichten", "V – destroy"),
        "INBOX" => T("Postkorb", "Inbox"),
        "XTA" => T("XTA", "XTA"),
        "HINWEIS" => T("Hinweis", "Notice"),
        "INFO" => T("Information", "Information"),
        "ENTSCHEIDUNG" => T("Entscheidung", "Decision"),
        "ERLEDIGT" => T("erledigt", "done"),
        "ABGELEHNT" => T("abgelehnt", "rejected"),
        "ZURUECKGENOMMEN" => T("zurückgenommen", "withdrawn"),
        "EINGESTELLT" => T("eingestellt", "discontinued"),
        "ALL_APPROVE" => T(
            "alle Pflichtbeteiligten stimmen zu",
            "all mandatory participants approve",
        ),
        "QUORUM" => T("Quorum (mindestens n)", "quorum (at least n)"),
        "money" => T("Betrag", "Amount"),
        "date" => T("Datum", "Date"),
        "int" => T("Ganzzahl", "Integer"),
        "bool" => T("Ja/Nein", "Yes/No"),
        "enum" => T("Auswahl", "Choice"),
        "text" => T("Text", "Text"),
        other => T(other, other),
    }
}

// Parameter labels in the inspector.
pub const P_TRIGGER: T = T("Auslöser", "Trigger");
pub const P_FORM_REF: T = T("Formular / FIM-Schema", "Form / FIM schema");
pub const P_INITIATOR_ROLE: T = T("Wer stößt den Fall an?", "Who starts the case?");
pub const P_TIMER: T = T(
    "Zeitplan (ISO 8601, z. B. R/P1M)",
    "Schedule (ISO 8601, e.g. R/P1M)",
);
pub const P_RECEIPT: T = T(
    "Eingangsbestätigung senden",
    "Send acknowledgement of receipt",
);
pub const P_ASSIGNEE: T = T("Zuständig", "Assigned to");
pub const P_INSTRUCTIONS: T = T("Verfügungstext", "Instructions");
pub const P_OUTCOMES: T = T("Ausgänge", "Exits");
pub const P_OUTCOME_REJECT: T = T("„abgelehnt“ möglich", "“rejected” possible");
pub const P_OUTCOME_QUERY: T = T("„Rückfrage“ möglich", "“query” possible");
pub const P_DUE_IN: T = T("Bearbeitungsfrist", "Due within");
pub const P_FIRST_CHECK: T = T("Erste Prüfung durch", "First check by");
pub const P_FIRST_CHECK_BLOCK: T = T(
    "… oder wer diesen Schritt erledigt hat",
    "… or whoever did this step",
);
pub const P_SECOND_CHECK: T = T("Zweite Prüfung durch", "Second check by");
pub const P_DISTINCT_FROM: T = T("Nicht dieselbe Person wie bei", "Not the same person as in");
pub const P_EXCLUDE_INITIATOR: T = T(
    "Antragsteller darf nicht selbst freigeben",
    "Applicant may not approve their own case",
);
pub const P_PARTICIPANTS: T = T("Beteiligte", "Participants");
pub const P_PARTICIPANT: T = T("Beteiligte Stelle", "Participant");
pub const P_MANDATORY: T = T("Pflicht", "Mandatory");
pub const P_MODE: T = T("Reihenfolge", "Order");
pub const P_DECISION_RULE: T = T("Entscheidungsregel", "Decision rule");
pub const P_QUORUM_N: T = T("Mindestzahl Zustimmungen", "Minimum approvals");
pub const P_DUE_PER_PARTICIPANT: T = T("Frist je Beteiligtem", "Deadline per participant");
pub const P_COMMENT: T = T("Begründung", "Comment");
pub const P_SIGNER: T = T("Zeichnet", "Signed by");
pub const P_AMOUNT_FIELD: T = T("Betragsfeld", "Amount field");
pub const P_SIGNATURE_LEVEL: T = T("Signaturniveau", "Signature level");
pub const P_ZUSATZ: T = T("Zeichnungszusatz", "Signature suffix");
pub const P_BASIS: T = T("Betragsbasis", "Amount basis");
pub const P_CURRENCY: T = T("Währung", "Currency");
pub const P_BANDS: T = T("Wertgrenzen", "Value bands");
pub const P_BAND_ID: T = T("Ausgang", "Exit");
pub const P_BAND_LOWER: T = T("über", "over");
pub const P_BAND_UPPER: T = T("bis", "up to");
pub const P_BAND_LABEL: T = T("Bezeichnung", "Label");
pub const P_ADD_BAND: T = T("Wertgrenze hinzufügen", "Add value band");
pub const P_RULES: T = T(
    "Regeln (die erste passende gilt)",
    "Rules (first match wins)",
);
pub const P_RULE_ID: T = T("Ausgang", "Exit");
pub const P_RULE_LABEL: T = T("Bezeichnung", "Label");
pub const P_CONDITION: T = T("Bedingung (FEEL)", "Condition (FEEL)");
pub const P_INSERT_FIELD: T = T("Fallvariable einfügen", "Insert case field");
pub const P_ADD_RULE: T = T("Regel hinzufügen", "Add rule");
pub const P_OTHERWISE: T = T("Sonst: Ausgang „sonst“", "Otherwise: exit “otherwise”");
pub const P_CHANNEL: T = T("Kanal", "Channel");
pub const P_TEMPLATE: T = T("Vorlage / Text", "Template / text");
pub const P_REPLY_DEADLINE: T = T("Antwortfrist", "Reply deadline");
pub const P_REMINDER: T = T("Erinnerung nach", "Reminder after");
pub const P_MAX_ROUNDS: T = T("Höchstens so viele Rückfragen", "Maximum number of queries");
pub const P_FRIST_KIND: T = T("Art", "Kind");
pub const P_DURATION: T = T("Dauer", "Duration");
pub const P_DATE_FIELD: T = T("Datumsfeld", "Date field");
pub const P_OFFSET: T = T("Versatz", "Offset");
pub const P_CALENDAR: T = T("Zählweise", "Counting");
pub const P_NOTIFY: T = T("Benachrichtigen", "Notify");
pub const P_ATTACHED_TO: T = T("Überwachte Aufgabe", "Watched task");
pub const P_AFTER: T = T("Eskalieren nach", "Escalate after");
pub const P_INTERRUPTING: T = T(
    "Aufgabe entziehen und umleiten",
    "Take the task away and re-route",
);
pub const P_ESCALATE_TO: T = T("Eskalieren an", "Escalate to");
pub const P_ABRUF_FRIST: T = T("Abruffrist", "Download period");
pub const P_FIKTION: T = T("Bekanntgabefiktion (Tage)", "Deemed notification (days)");
pub const P_AMOUNT: T = T(
    "Betrag (Ausdruck, z. B. gebuehr)",
    "Amount (expression, e.g. gebuehr)",
);
pub const P_KASSENZEICHEN: T = T(
    "Kassenzeichen aus Feld (leer = automatisch)",
    "Payment reference from field (empty = automatic)",
);
pub const P_METHODS: T = T("Zahlarten", "Payment methods");
pub const P_TIMING: T = T("Zeitpunkt", "Timing");
pub const P_PAY_DEADLINE: T = T("Zahlungsfrist", "Payment deadline");
pub const P_TARGET: T = T("DMS-Ziel", "DMS target");
pub const P_AKTENPLAN: T = T("Aktenplan-Kennzeichen", "File plan code");
pub const P_CONTAINER: T = T("Ablage", "Filing");
pub const P_CONTAINER_FIELD: T = T("Feld mit Aktenzeichen", "Field holding the file number");
pub const P_INCLUDE: T = T("Übernehmen", "Include");
pub const P_ZDA: T = T("zdA-Verfügung senden", "Send zdA order");
pub const P_RETENTION: T = T("Aufbewahrung (Jahre)", "Retention (years)");
pub const P_AUSSONDERUNG: T = T("Aussonderungsart", "Disposal");
pub const P_RECIPIENT: T = T("Empfänger", "Recipient");
pub const P_TEMPLATE_KIND: T = T("Art der Nachricht", "Message kind");
pub const P_RESULT: T = T("Ergebnis", "Result");
pub const P_TERMINATE: T = T("Auch parallele Zweige beenden", "End parallel branches too");
pub const P_REF_TEXT: T = T("Angabe", "Value");
pub const A_ROLE_UNKNOWN: T = T("unbekannte Rolle", "unknown role");
pub const A_INITIATOR: T = T("Antragsteller / Initiator", "Applicant / initiator");
pub const A_APPLICANT: T = T("Antragsteller", "Applicant");
pub const A_PERSON: T = T("Bestimmte Person …", "Specific person …");
pub const A_EXPRESSION: T = T(
    "Aus Fallvariablen (Ausdruck) …",
    "From case fields (expression) …",
);
pub const A_EXTERNAL: T = T("Externe Adresse …", "External address …");
pub const F_UNDECLARED: T = T("nicht deklariert", "not declared");
pub const BLOCK_FINDINGS: T = T("Probleme dieses Bausteins", "Problems of this block");
/// Link text into the handbook (a finding's or a block's page under /hilfe/).
pub const LEARN_MORE: T = T("Mehr erfahren", "Learn more");
pub const N_SELECTED: T = T("Bausteine ausgewählt", "blocks selected");

// Header menus and shortcuts as shown (issue 14).
pub const CONNECT_SHORT: T = T("Verbinden", "Connect");
pub const MENU_FILE: T = T("Datei", "File");
pub const MENU_EDIT: T = T("Bearbeiten", "Edit");
pub const MENU_VIEW: T = T("Ansicht", "View");
pub const MENU_ACCOUNT: T = T("Konto", "Account");
pub const KEYS_UNDO: T = T("Strg+Z", "Ctrl+Z");
pub const KEYS_REDO: T = T("Strg+Y", "Ctrl+Y");
pub const KEYS_CONNECT: T = T("Strg+K", "Ctrl+K");
pub const KEYS_COPY: T = T("Strg+C", "Ctrl+C");
pub const KEYS_PASTE: T = T("Strg+V", "Ctrl+V");
pub const KEYS_DUPLICATE: T = T("Strg+D", "Ctrl+D");
pub const KEYS_DELETE: T = T("Entf", "Del");
pub const DISMISS: T = T("Meldung schließen", "Dismiss message");
pub const TO_EDITOR: T = T("Zum Editor", "To the editor");

#[cfg(test)]
mod tests {
    #[test]
    fn counts_use_the_singular_for_one() {
        assert_eq!(count_noun(1, "Element", "Elemente"), "1 Element");
        assert_eq!(count_noun(0, "Element", "Elemente"), "0 Elemente");
        assert_eq!(count_noun(2, "step", "steps"), "2 steps");
    }

    use super::*;

    #[test]
    fn counts_read_naturally() {
        let c = |errors, warnings| FindingCounts { errors, warnings };
        assert_eq!(counts(Lang::De, c(0, 0)), "keine Fehler");
        assert_eq!(counts(Lang::De, c(2, 1)), "2 Fehler, 1 Warnung");
        assert_eq!(counts(Lang::De, c(0, 3)), "keine Fehler, 3 Warnungen");
        assert_eq!(counts(Lang::En, c(1, 2)), "1 error, 2 warnings");
    }
}
