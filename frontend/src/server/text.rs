//! German/English strings of the server features (accounts, drafts, publishing, history,
//! review). Same `T` pattern as `crate::i18n`.

use fachwerk_shared::api::{Role, Status};

use crate::i18n::T;

pub const LOGIN: T = T("Anmelden", "Log in");
pub const LOGIN_SSO: T = T("Mit Single Sign-on anmelden", "Sign in with SSO");
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
pub const NEW_PASSWORD: T = T("Neues Passwort", "New password");
pub const MUST_CHANGE_PASSWORD: T = T(
    "Ihr Passwort wurde von der Administration zurückgesetzt. Bitte jetzt ein neues wählen (mindestens 12 Zeichen, nicht leicht zu erraten).",
    "An administrator reset your password. Please choose a new one now (at least 12 characters, not easy to guess).",
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
pub const DRAFT_NEEDS_LOGIN: T = T(
    "Dieser Entwurf liegt auf dem Server. Bitte melden Sie sich an (oben rechts „Anmelden“), dann öffnet er sich.",
    "This draft is kept on the server. Please log in (“Log in” at the top right) and it opens.",
);
pub const NAME: T = T("Name", "Name");
pub const KEY: T = T("Schlüssel", "Key");
pub const CHANGED_AT: T = T("Geändert", "Changed");
pub const ACTIONS: T = T("Aktionen", "Actions");
pub const LOADING: T = T("Wird geladen …", "Loading …");

pub const INBOX_EMPTY: T = T("Keine offenen Anträge.", "No open requests.");
pub const PUSH_NOW: T = T("Jetzt erneut übertragen", "Push again now");
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
pub const FIRST_VERSION: T = T("Erstfassung", "First version");
pub const SHOW_DIFF: T = T("Im Vergleich ansehen", "Show in comparison");
pub const REQUEST_SNAPSHOT: T = T("Eingereichter Stand", "Submitted state");
pub const FIRST_VERSION_EMPTY: T = T(
    "Erstfassung (noch nichts veröffentlicht)",
    "First version (nothing published yet)",
);

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
pub const REVIEW_HELP: T = T(
    "Ziehen: Ansicht verschieben · Mausrad oder +/−: Zoom · Pfeiltasten: verschieben",
    "Drag: pan · Wheel or +/−: zoom · Arrow keys: pan",
);
pub const ZOOM_IN: T = T("Vergrößern", "Zoom in");
pub const ZOOM_OUT: T = T("Verkleinern", "Zoom out");
pub const FIT: T = T("Einpassen", "Fit");
pub const COMPARE_FAILED: T = T(
    "Der Vergleich ist intern fehlgeschlagen.",
    "The comparison failed internally.",
);
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

/// The version a request would publish, as people read it: "Erstfassung 1.0.0" for a first
/// version (no semver verdict: there is nothing to be compatible with), otherwise
/// "1.0.0 → 1.1.0 (Minor-Version (Erweiterung))".
pub fn release_text(
    base: Option<&str>,
    version: &str,
    bump: fachwerk_shared::diff::Bump,
    lang: crate::i18n::Lang,
) -> String {
    match base {
        None => format!("{} {version}", FIRST_VERSION.get(lang)),
        Some(base) => format!("{base} → {version} ({})", bump_text(bump, lang)),
    }
}

/// A role name as shown in the header.
pub fn role_text(role: Role, lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::De => role.name_de(),
        crate::i18n::Lang::En => match role {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        },
    }
}

/// A publication status as people read it.
pub fn status_text(status: Status, lang: crate::i18n::Lang) -> &'static str {
    let de = lang == crate::i18n::Lang::De;
    match status {
        Status::Pending if de => "wartet auf Freigabe",
        Status::Pending => "awaiting approval",
        Status::Published if de => "veröffentlicht",
        Status::Published => "published",
        Status::Rejected if de => "abgelehnt",
        Status::Rejected => "rejected",
        Status::Outdated if de => "veraltet",
        Status::Outdated => "outdated",
    }
}

// Templates ("Vorlagen", issue #8).
pub const TEMPLATES: T = T("Vorlagen", "Templates");
pub const TPL_TITLE: T = T("Vorlagen und Quellen", "Templates and sources");
pub const TPL_ADD_TITLE: T = T("Quelle hinzufügen", "Add a source");
pub const TPL_URL: T = T(
    "Adresse des Katalogs (Git-URL oder Pfad auf dem Server)",
    "Address of the catalogue (git URL or path on the server)",
);
pub const TPL_URL_HINT: T = T(
    "Zum Beispiel https://gitlab.opencode.de/stadt/ablaufkatalog.git oder /srv/kataloge/adorf.git",
    "For example https://gitlab.opencode.de/town/workflow-catalogue.git or /srv/catalogues/adorf.git",
);
pub const TPL_ADD: T = T("Quelle hinzufügen", "Add source");
pub const TPL_URL_EMPTY: T = T(
    "Bitte die Adresse einer Quelle eingeben.",
    "Please enter the address of a source.",
);
pub const TPL_FETCHING: T = T("Quelle wird abgerufen …", "Fetching the source …");
pub const TPL_OBJECTS: T = T("Objekte empfangen", "objects received");
pub const TPL_FETCH_FAILED: T = T(
    "Die Quelle konnte nicht abgerufen werden",
    "The source could not be fetched",
);
pub const TPL_FETCHED: T = T("Quelle abgerufen", "Source fetched");
pub const TPL_SOURCES: T = T("Quellen", "Sources");
pub const TPL_NO_SOURCES: T = T(
    "Noch keine Quellen anderer Behörden eingerichtet.",
    "No sources of other authorities set up yet.",
);
pub const TPL_REFETCH: T = T("Erneut abrufen", "Fetch again");
pub const TPL_LIST: T = T("Verfügbare Vorlagen", "Available templates");
pub const TPL_NONE: T = T("Keine Vorlagen gefunden.", "No templates found.");
pub const TPL_SOURCE: T = T("Quelle", "Source");
pub const TPL_OWN: T = T("Eigener Katalog", "Own catalogue");
pub const TPL_PUBLISHER: T = T("Herausgeber", "Publisher");
pub const TPL_LICENCE: T = T("Lizenz", "Licence");
pub const TPL_CHECK: T = T("Prüfung", "Validation");
pub const TPL_VALID: T = T("gültig", "valid");
pub const TPL_INVALID: T = T(
    "fehlerhaft – kann nicht übernommen werden",
    "broken – cannot be imported",
);
pub const TPL_IMPORT: T = T("Übernehmen", "Import");
pub const TPL_PARAMS_TITLE: T = T("Vorlage übernehmen", "Import template");
pub const TPL_PARAMS_HINT: T = T(
    "Diese Vorlage fragt nach Werten Ihrer Behörde (Beträge in Euro, z. B. 25000,00). Vorbelegt sind die Werte der Vorlage.",
    "This template asks for your authority's values (amounts in euros, e.g. 25000.00). The template's values are prefilled.",
);
pub const TPL_NO_PARAMS: T = T(
    "Die Vorlage wird als neuer Entwurf übernommen und im Editor geöffnet.",
    "The template becomes a new draft and opens in the editor.",
);
pub const TPL_IMPORT_CONFIRM: T = T("Als Entwurf übernehmen", "Import as draft");
pub const TPL_IMPORTED: T = T(
    "Vorlage als Entwurf übernommen und geöffnet",
    "Template imported as a draft and opened",
);
pub const TPL_DRAFTS: T = T("Übernommene Entwürfe", "Imported drafts");
pub const TPL_NO_DRAFTS: T = T(
    "Sie haben keine Entwürfe, die aus einer Vorlage stammen.",
    "You have no drafts imported from a template.",
);
pub const TPL_BASED_ON: T = T("Beruht auf", "Based on");
pub const TPL_UPDATE: T = T("Aktualisierung verfügbar", "Update available");
pub const TPL_CURRENT: T = T("aktuell", "up to date");
pub const TPL_SHOW_UPDATE: T = T("Aktualisierung ansehen", "Review update");
pub const TPL_MERGE_TITLE: T = T("Aktualisierung übernehmen", "Take in the update");
pub const TPL_UPSTREAM_CHANGES: T = T("Änderungen der Vorlage", "Changes in the template");
pub const TPL_LOCAL_CHANGES: T = T("Ihre Änderungen", "Your changes");
pub const TPL_AUTO: T = T(
    "Alle Änderungen, die sich nicht widersprechen, werden automatisch zusammengeführt.",
    "All changes that do not contradict each other are combined automatically.",
);
pub const TPL_CONFLICTS: T = T(
    "Konflikte: beide Seiten haben denselben Wert verschieden geändert. Bitte je Konflikt wählen.",
    "Conflicts: both sides changed the same value differently. Please choose for each conflict.",
);
pub const TPL_OURS: T = T("Ihren Wert behalten", "Keep your value");
pub const TPL_THEIRS: T = T("Wert der Vorlage übernehmen", "Take the template's value");
pub const TPL_ABSENT: T = T("(nicht vorhanden)", "(absent)");
pub const TPL_BASE_VALUE: T = T("Ursprünglich", "Originally");
pub const TPL_MERGE: T = T("Zusammenführen und speichern", "Merge and save");
pub const TPL_CHOOSE_ALL: T = T(
    "Bitte für jeden Konflikt eine Seite wählen.",
    "Please choose a side for every conflict.",
);
pub const TPL_MERGED: T = T(
    "Aktualisierung übernommen und als Entwurf gespeichert",
    "Update taken in and saved as a draft",
);
pub const TPL_YOUR_DRAFT: T = T("Ihr Entwurf", "your draft");
pub const TPL_TO_VERSION: T = T("Version", "version");
