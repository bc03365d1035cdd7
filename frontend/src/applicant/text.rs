//! German/English strings of the applicant's pages: plain language, no internal terms.

use crate::i18n::T;

pub const SERVICE: T = T(
    "Ihr Antrag – Online-Dienst",
    "Your application – online service",
);
pub const LOADING: T = T("Wird geladen …", "Loading …");
pub const QUERY_TITLE: T = T(
    "Rückfrage zu Ihrem Antrag",
    "A question about your application",
);
pub const AKTENZEICHEN: T = T("Aktenzeichen", "File number (Aktenzeichen)");
pub const WHAT_WE_NEED: T = T("Was wir von Ihnen brauchen", "What we need from you");
pub const DOCUMENTS_ASKED: T = T("Bitte senden Sie uns:", "Please send us:");
pub const DEADLINE: T = T("Bitte antworten Sie bis zum", "Please answer by");
pub const YOUR_ANSWER: T = T("Ihre Antwort", "Your answer");
pub const ANSWER_MISSING: T = T(
    "„Ihre Antwort“: bitte schreiben Sie uns eine kurze Antwort.",
    "“Your answer”: please write a short answer.",
);
pub const FILES: T = T("Dateien anhängen (freiwillig)", "Attach files (optional)");
pub const SEND: T = T("Antwort senden", "Send answer");
pub const SENDING: T = T("Wird gesendet …", "Sending …");
pub const THANKS_TITLE: T = T(
    "Vielen Dank – Ihre Antwort ist da",
    "Thank you – we have your answer",
);
pub const THANKS: T = T(
    "Wir haben Ihre Antwort erhalten und bearbeiten Ihren Antrag weiter. Bitte geben Sie bei Fragen das Aktenzeichen an:",
    "We have received your answer and continue with your application. Please quote the file number with any question:",
);
pub const FILES_RECEIVED: T = T("Empfangene Dateien", "Files received");
pub const TO_STATUS: T = T(
    "Stand Ihres Antrags ansehen",
    "See where your application stands",
);
pub const LINK_USED: T = T(
    "Diese Rückfrage wurde bereits beantwortet. Der Link gilt nur einmal. Den Stand Ihres Antrags sehen Sie über den Status-Link in unserer Nachricht.",
    "This question has already been answered. The link works only once. The status link in our message shows where your application stands.",
);
pub const LINK_UNKNOWN: T = T(
    "Dieser Link ist unbekannt oder abgelaufen. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.",
    "This link is unknown or has expired. Please check that you copied all of it.",
);
pub const TOO_LARGE: T = T(
    "Die Dateien sind zu groß. Nichts wurde gespeichert.",
    "The files are too large. Nothing was stored.",
);
pub const WRONG_TYPE: T = T(
    "Eine Datei hat keine erlaubte Dateiart. Nichts wurde gespeichert.",
    "A file is not an allowed kind of file. Nothing was stored.",
);
pub const FAILED: T = T(
    "Das hat nicht geklappt. Bitte versuchen Sie es später noch einmal.",
    "That did not work. Please try again later.",
);
pub const STATUS_TITLE: T = T("Stand Ihres Antrags", "Where your application stands");
pub const STEPS_DONE: T = T("Erledigt", "Done");
pub const NO_STEPS_DONE: T = T("Noch keine Schritte erledigt.", "No steps done yet.");
pub const CURRENT_STEP: T = T("Jetzt", "Now");
pub const STATUS_OPEN: T = T("in Bearbeitung", "in progress");
pub const STATUS_ENDED: T = T("abgeschlossen", "completed");
pub const STATUS_BLOCKED: T = T(
    "in Klärung – wir melden uns bei Ihnen",
    "being clarified – we will contact you",
);
pub const UPDATED: T = T("Zuletzt geändert am", "Last changed on");
pub const STATE: T = T("Stand", "Status");
pub const NO_PAGE: T = T(
    "Diese Adresse ist kein gültiger Link. Bitte öffnen Sie den Link aus Ihrer Nachricht vollständig.",
    "This address is not a valid link. Please open the whole link from your message.",
);
