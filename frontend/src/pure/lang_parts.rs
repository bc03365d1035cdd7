//! German text inside the English UI (issue 25, WCAG 3.1.2 "Language of parts"): the server
//! words most of its refusals in German only. The English UI translates the fixed problem
//! titles and shows a German detail marked as German: the text carries it between the Unicode
//! isolates FSI (U+2068) and PDI (U+2069), which are invisible, and the view wraps that part in
//! an element with `lang="de"` (`crate::a11y::marked`), so screen readers pronounce it as
//! German.

const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// `text` marked as German.
pub fn german(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{FSI}{text}{PDI}")
}

/// The parts of a text: (is German, text), in order; empty parts are left out.
pub fn parts(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(FSI) {
        let (before, after) = rest.split_at(start);
        let after = &after[FSI.len_utf8()..];
        let (inner, tail) = match after.find(PDI) {
            Some(end) => (&after[..end], &after[end + PDI.len_utf8()..]),
            None => (after, ""),
        };
        if !before.is_empty() {
            out.push((false, before.to_string()));
        }
        if !inner.is_empty() {
            out.push((true, inner.to_string()));
        }
        rest = tail;
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string()));
    }
    out
}

/// The English of a problem title the server sends (`backend/src/error.rs`).
pub fn title_en(title: &str) -> Option<&'static str> {
    Some(match title {
        "Nicht zulässig" => "Not allowed",
        "Ungültige Anfrage" => "Invalid request",
        "Ablauf ungültig" => "Invalid workflow",
        "Nicht gefunden" => "Not found",
        "Konflikt" => "Conflict",
        "Nicht angemeldet" => "Not logged in",
        "Anmeldung fehlgeschlagen" => "Login failed",
        "Keine Berechtigung" => "Not permitted",
        "Anfrage abgewiesen" => "Request rejected",
        "Zu viele Anfragen" => "Too many requests",
        "Falscher Inhaltstyp" => "Wrong content type",
        "Anfrage zu groß" => "Request too large",
        "Nicht durchführbar" => "Cannot be done",
        "Veralteter Stand" => "Outdated revision",
        "Vorbedingung fehlt" => "Precondition missing",
        "Interner Fehler" => "Internal error",
        _ => return None,
    })
}

/// A title in English: translated when known, else marked as German.
pub fn title_in_english(title: &str) -> String {
    title_en(title).map_or_else(|| german(title), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_parts_are_found_between_the_isolates() {
        let text = format!(
            "The server refused (HTTP 409): Conflict: {}",
            german("Der Entwurf wurde inzwischen geändert.")
        );
        assert_eq!(
            parts(&text),
            vec![
                (
                    false,
                    "The server refused (HTTP 409): Conflict: ".to_string()
                ),
                (true, "Der Entwurf wurde inzwischen geändert.".to_string()),
            ]
        );
        assert_eq!(parts("plain"), vec![(false, "plain".to_string())]);
        assert_eq!(parts(""), Vec::new());
        assert_eq!(
            parts(&format!("{}, {}!", german("a"), german("b"))),
            vec![
                (true, "a".to_string()),
                (false, ", ".to_string()),
                (true, "b".to_string()),
                (false, "!".to_string())
            ]
        );
        // An unclosed isolate runs to the end.
        assert_eq!(
            parts("x \u{2068}y"),
            vec![(false, "x ".into()), (true, "y".into())]
        );
        assert_eq!(german(""), "");
    }

    #[test]
    fn every_title_of_the_server_has_an_english_one() {
        let source = include_str!("../../../backend/src/error.rs");
        let start = source.find("fn title(&self)").expect("title()");
        let body = &source[start..start + source[start..].find("\n    }\n").expect("end")];
        let titles: Vec<&str> = body
            .split("=> \"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert!(titles.len() >= 15, "{titles:?}");
        for t in titles {
            assert!(title_en(t).is_some(), "no English title for {t:?}");
        }
        assert_eq!(title_in_english("Konflikt"), "Conflict");
        assert_eq!(title_in_english("Neu"), german("Neu"));
    }
}
