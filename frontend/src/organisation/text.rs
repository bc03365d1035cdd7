//! German/English strings of the Organisation screen and "Vorgang anlegen".

use crate::i18n::T;

pub const ORGANISATION: T = T("Organisation", "Organisation");
pub const NEW_CASE: T = T("Vorgang anlegen", "Start a case");
pub const PERSONS: T = T("Personen", "Persons");
pub const NAME: T = T("Name", "Name");
pub const ACCOUNT: T = T("Benutzerkonto", "Account");
pub const NO_ACCOUNT: T = T("— kein Konto —", "— no account —");
pub const ROLES: T = T("Rollen", "Roles");
pub const SIGNING_LIMIT: T = T("Zeichnungsbefugnis (Wertgrenze)", "Signing limit");
pub const SIGNING_LIMIT_HELP: T = T(
    "Betrag in Euro, z. B. 25.000 €; leer = keine persönliche Wertgrenze",
    "Amount in euros, e.g. 25,000; empty = no personal limit",
);
pub const DEPUTY: T = T("Vertretung", "Deputy");
pub const NO_DEPUTY: T = T("— keine Vertretung —", "— no deputy —");
pub const ABSENT: T = T(
    "abwesend (die Vertretung übernimmt)",
    "absent (the deputy takes over)",
);
pub const ABSENT_SHORT: T = T("abwesend", "absent");
pub const PRESENT: T = T("anwesend", "present");
pub const EDIT: T = T("Bearbeiten", "Edit");
pub const NEW_PERSON: T = T("Person anlegen", "Add a person");
pub const EDIT_PERSON: T = T("Person bearbeiten", "Edit person");
pub const SAVE: T = T("Speichern", "Save");
pub const SAVED: T = T("Gespeichert", "Saved");
pub const CANCEL: T = T("Abbrechen", "Cancel");
pub const NONE: T = T("keine", "none");
pub const NO_PERSONS: T = T(
    "Noch keine Personen. Legen Sie die erste mit dem Formular an.",
    "No persons yet. Add the first one with the form.",
);
pub const NO_WORKFLOWS: T = T(
    "Kein Ablauf ist in Betrieb. Rollen gibt es erst, wenn ein veröffentlichter Ablauf in Betrieb genommen ist.",
    "No workflow is in operation. Roles exist once a published workflow is taken into operation.",
);
pub const NAME_MISSING: T = T(
    "„Name“: bitte den Namen der Person eingeben.",
    "“Name”: please enter the person's name.",
);
pub const LOADING: T = T("Wird geladen …", "Loading …");
pub const ADMIN_ONLY: T = T(
    "Die Organisation pflegt die Administration. Bitte als Administrator anmelden.",
    "Administrators manage the organisation. Please log in as an administrator.",
);
pub const WORKFLOW: T = T("Ablauf", "Workflow");
pub const CHOOSE_WORKFLOW: T = T("— Ablauf wählen —", "— choose a workflow —");
pub const START: T = T("Vorgang starten", "Start the case");
pub const NO_FIELDS: T = T(
    "Dieser Ablauf deklariert keine Falldaten.",
    "This workflow declares no case fields.",
);
pub const STARTED: T = T("Vorgang angelegt", "Case started");
pub const NEW_CASE_INTRO: T = T(
    "Für Anträge auf Papier oder am Telefon: Ablauf wählen, Falldaten eintragen, starten.",
    "For applications on paper or by phone: choose the workflow, enter the case data, start.",
);
pub const REQUIRED_NOTE: T = T("* Pflichtfeld", "* required");
pub const PERSONS_TABLE: T = T("Personen der Organisation", "Persons of the organisation");
pub const DOCUMENTS: T = T("Dokumente", "Documents");
pub const NO_DOCUMENTS: T = T("Noch keine Dokumente.", "No documents yet.");
pub const PAYMENTS: T = T("Zahlungen", "Payments");
pub const AMOUNT: T = T("Betrag", "Amount");
pub const STATE: T = T("Stand", "State");
pub const MARK_PAID: T = T("als bezahlt markieren", "mark as paid");
pub const PAID_ON: T = T("bezahlt am", "paid on");
pub const DELIVERIES: T = T("Ausgänge", "Outgoing");
pub const WHAT: T = T("Was", "What");
pub const RETRY: T = T("erneut senden", "send again");
pub const DELIVERY_PENDING: T = T("wartet auf Versand", "waiting to be sent");
pub const DELIVERY_SENT: T = T("versandt", "sent");
pub const DELIVERY_FAILED: T = T("fehlgeschlagen", "failed");
pub const DELIVERY_HELD: T = T(
    "wartet auf den Text der Sachbearbeitung",
    "waiting for the clerk's text",
);
pub const CONFIRM_PAID_YES: T = T("Ja, als bezahlt markieren", "Yes, mark as paid");
pub const ADD_DOCUMENT: T = T("Dokument hinzufügen", "Add a document");
pub const UPLOAD: T = T("Hochladen", "Upload");
pub const UPLOADING: T = T("Wird hochgeladen …", "Uploading …");
pub const UPLOAD_HINT: T = T(
    "PDF, PNG, JPEG, ODT, DOCX oder Text; je Datei höchstens 10 MB, bis zu 5 Dateien. Jedes Dokument steht danach im Verlauf.",
    "PDF, PNG, JPEG, ODT, DOCX or text; at most 10 MB per file, up to 5 files. Each document then appears in the history.",
);
pub const NO_FILE: T = T("Bitte wählen Sie eine Datei.", "Please choose a file.");
