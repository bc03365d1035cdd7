//! German/English strings of the server features (accounts, drafts, publishing, history,
//! review). Same `T` pattern as `crate::i18n`.

use crate::i18n::T;

pub const LOGIN: T = T("Anmelden", "Log in");
pub const LOGOUT: T = T("Abmelden", "Log out");
pub const LOGIN_TITLE: T = T(
    "Am Fachwerk-Server anmelden",
    "Log in to the Fachwerk server",
);
pub const USERNAME: T = T("Benutzername", "User name");
pub const PASSWORD: T = T("Passwort", "Password");
pub const CANCEL: T = T("Abbrechen", "Cancel");
pub const CLOSE: T = T("Schließen", "Close");
pub const BAD_LOGIN: T = T(
    "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.",
    "Login failed: wrong user name or password.",
);
pub const LOGIN_EMPTY: T = T(
    "Bitte Benutzername und Passwort eingeben.",
    "Please enter user name and password.",
);
pub const LOGGED_IN_AS: T = T("Angemeldet als", "Logged in as");
pub const LOGGED_OUT: T = T("Sie sind abgemeldet.", "You are logged out.");
pub const ACCOUNT: T = T("Konto und Veröffentlichung", "Account and publishing");

pub const SAVE_DRAFT: T = T("Entwurf speichern", "Save draft");
pub const SUBMIT: T = T("Zur Freigabe einreichen", "Submit for approval");
pub const MY_DRAFTS: T = T("Meine Entwürfe", "My drafts");
pub const INBOX: T = T("Freigaben", "Approvals");
pub const HISTORY: T = T("Versionen", "Versions");
pub const REVIEW: T = T("Vergleich", "Compare");
pub const BACK: T = T("Zurück zum Editor", "Back to the editor");

pub const SAVED: T = T("Entwurf gespeichert", "Draft saved");
pub const REVISION: T = T("Revision", "revision");
pub const CONFLICT: T = T(
    "Speichern nicht möglich: Der Entwurf wurde inzwischen an anderer Stelle geändert (z. B. in einem anderen Fenster). Ihre Änderungen sind nicht verloren – sie bleiben hier im Editor geöffnet. Sie können sie als neuen Entwurf speichern.",
    "Cannot save: the draft was changed elsewhere in the meantime (e.g. in another window). Your changes are not lost – they stay open here in the editor. You can save them as a new draft.",
);
pub const SAVE_AS_NEW: T = T("Als neuen Entwurf speichern", "Save as a new draft");
pub const NOT_LOGGED_IN: T = T("Bitte zuerst anmelden.", "Please log in first.");
pub const NETWORK: T = T("Server nicht erreichbar", "Server not reachable");

pub const SUBMIT_TITLE: T = T("Zur Freigabe einreichen", "Submit for approval");
pub const NOTE: T = T("Änderungsvermerk", "Change note");
pub const NOTE_HINT: T = T(
    "Was wurde geändert und warum? Erscheint im Änderungsprotokoll.",
    "What changed and why? Goes into the changelog.",
);
pub const SUBMIT_CONFIRM: T = T("Einreichen", "Submit");
pub const SUBMIT_INVALID: T = T(
    "Der Ablauf kann so nicht zur Freigabe eingereicht werden. Der Server meldet:",
    "The workflow cannot be submitted like this. The server reports:",
);
pub const SUBMITTED: T = T(
    "Zur Freigabe eingereicht. Vorgeschlagene Version",
    "Submitted for approval. Suggested version",
);

pub const DRAFTS_EMPTY: T = T(
    "Sie haben keine gespeicherten Entwürfe.",
    "You have no saved drafts.",
);
pub const OPEN: T = T("Öffnen", "Open");
pub const DELETE: T = T("Löschen", "Delete");
pub const DELETE_CONFIRM: T = T("Wirklich löschen", "Really delete");
pub const DELETED: T = T("Entwurf gelöscht.", "Draft deleted.");
pub const OPENED_DRAFT: T = T("Entwurf geöffnet.", "Draft opened.");
pub const NAME: T = T("Name", "Name");
pub const KEY: T = T("Schlüssel", "Key");
pub const CHANGED_AT: T = T("Geändert", "Changed");
pub const ACTIONS: T = T("Aktionen", "Actions");
pub const LOADING: T = T("Wird geladen …", "Loading …");

pub const INBOX_EMPTY: T = T("Keine offenen Anträge.", "No open requests.");
pub const REQUESTER: T = T("Beantragt von", "Requested by");
pub const STATUS: T = T("Status", "Status");
pub const APPROVE: T = T("Freigeben", "Approve");
pub const REJECT: T = T("Ablehnen", "Reject");
pub const REJECT_COMMENT: T = T("Begründung der Ablehnung", "Reason for rejecting");
pub const REJECT_EMPTY: T = T("Bitte eine Begründung angeben.", "Please give a reason.");
pub const APPROVED: T = T(
    "Freigegeben und veröffentlicht als",
    "Approved and published as",
);
pub const REJECTED: T = T("Antrag abgelehnt.", "Request rejected.");
pub const REFUSED: T = T("Freigabe verweigert", "Approval refused");
pub const REFUSED_EN: &str = "You may not approve this request: the four-eyes principle forbids approving your own request, and approving needs the reviewer role.";
pub const OWN_REQUEST: T = T(
    "Das ist Ihr eigener Antrag. Nach dem Vier-Augen-Prinzip muss eine andere Person mit Freigaberecht ihn freigeben.",
    "This is your own request. Under the four-eyes principle another person with the reviewer role must approve it.",
);
pub const CHANGES: T = T("Änderungen", "Changes");
pub const NO_CHANGES: T = T("Keine inhaltlichen Änderungen.", "No content changes.");
pub const SUGGESTED: T = T("Vorgeschlagene Version", "Suggested version");
pub const FIRST_VERSION: T = T("Erste Fassung", "First version");
pub const SHOW_DIFF: T = T("Im Vergleich ansehen", "Show in comparison");

pub const WORKFLOW: T = T("Ablauf", "Workflow");
pub const VERSION: T = T("Version", "Version");
pub const AUTHOR: T = T("Autor/in", "Author");
pub const APPROVER: T = T("Freigabe durch", "Approved by");
pub const DATE: T = T("Datum", "Date");
pub const VIEW: T = T("Ansehen", "View");
pub const EDIT: T = T("In Editor öffnen", "Open in editor");
pub const OPENED_VERSION: T = T(
    "Version in den Editor geladen. Speichern als Entwurf, um sie zu ändern.",
    "Version loaded into the editor. Save it as a draft to change it.",
);
pub const CHOOSE: T = T("– bitte wählen –", "– please choose –");

pub const REVIEW_TITLE: T = T("Versionen vergleichen", "Compare versions");
pub const OLD: T = T("Ältere Fassung", "Older version");
pub const NEW: T = T("Neuere Fassung", "Newer version");
pub const EDITOR_STATE: T = T("Aktueller Stand im Editor", "Current state in the editor");
pub const COMPARE: T = T("Vergleichen", "Compare");
pub const CONTENT_ONLY: T = T("nur inhaltliche Änderungen", "content changes only");
pub const SIDE_BY_SIDE: T = T("Nebeneinander", "Side by side");
pub const BUMP: T = T("Vorgeschlagener Versionssprung", "Suggested version step");
pub const CHANGE_LIST: T = T("Änderungsliste", "List of changes");
pub const LEGEND_ADDED: T = T("hinzugefügt", "added");
pub const LEGEND_REMOVED: T = T("entfernt", "removed");
pub const LEGEND_CHANGED: T = T("geändert", "changed");
pub const LEGEND_MOVED: T = T("nur verschoben", "moved only");
pub const READ_ONLY: T = T("Nur-Lese-Ansicht", "Read-only view");
pub const REVIEW_CANVAS: T = T("Vergleichsansicht", "Comparison view");
pub const OLD_PANE: T = T("Ältere Fassung (Zeichnung)", "Older version (drawing)");
pub const NEW_PANE: T = T("Neuere Fassung (Zeichnung)", "Newer version (drawing)");
pub const REVIEW_HELP: T = T(
    "Ziehen: Ansicht verschieben · Mausrad oder +/−: Zoom · Pfeiltasten: verschieben",
    "Drag: pan · Wheel or +/−: zoom · Arrow keys: pan",
);
pub const ZOOM_IN: T = T("Vergrößern", "Zoom in");
pub const ZOOM_OUT: T = T("Verkleinern", "Zoom out");
pub const FIT: T = T("Einpassen", "Fit");
pub const NOTHING_TO_COMPARE: T = T(
    "Bitte einen Ablauf und zwei Fassungen wählen.",
    "Please choose a workflow and two versions.",
);

/// German/English description of a semver step.
pub fn bump_text(b: fachwerk_shared::diff::Bump, lang: crate::i18n::Lang) -> &'static str {
    use fachwerk_shared::diff::Bump;
    match (b, lang) {
        (b, crate::i18n::Lang::De) => b.name_de(),
        (Bump::None, _) => "no new version needed",
        (Bump::Patch, _) => "patch version (fix)",
        (Bump::Minor, _) => "minor version (extension)",
        (Bump::Major, _) => "major version (incompatible change)",
    }
}

/// A role name as shown in the header.
pub fn role_text(role: &str, lang: crate::i18n::Lang) -> &'static str {
    let de = lang == crate::i18n::Lang::De;
    match role {
        "editor" => {
            if de {
                "Bearbeitung"
            } else {
                "editor"
            }
        }
        "reviewer" => {
            if de {
                "Freigabe"
            } else {
                "reviewer"
            }
        }
        "admin" => {
            if de {
                "Administration"
            } else {
                "admin"
            }
        }
        _ => "",
    }
}

/// A publication status as people read it.
pub fn status_text(status: &str, lang: crate::i18n::Lang) -> &'static str {
    let de = lang == crate::i18n::Lang::De;
    match status {
        "pending" => {
            if de {
                "wartet auf Freigabe"
            } else {
                "awaiting approval"
            }
        }
        "published" => {
            if de {
                "veröffentlicht"
            } else {
                "published"
            }
        }
        "rejected" => {
            if de {
                "abgelehnt"
            } else {
                "rejected"
            }
        }
        "outdated" => {
            if de {
                "veraltet"
            } else {
                "outdated"
            }
        }
        _ => "",
    }
}
