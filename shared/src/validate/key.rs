//! The workflow key rule, once: validation reports it (`E_KEY_FORMAT`) and the backend's
//! repository calls [`is_valid_key`] before using a key as a folder and tag name.

use super::ctx::{de, en};
use super::{Element, Finding};

/// Longest allowed key (folder and tag names stay readable).
pub const MAX_KEY_LEN: usize = 64;

/// Keys that name routes of the HTTP API (`/api/workflows/validate`).
pub const RESERVED_KEYS: &[&str] = &["validate"];

/// A key is 1 to 64 lowercase letters (a–z), digits and `-`, neither starting nor ending with
/// `-`, and not a reserved word.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !key.starts_with('-')
        && !key.ends_with('-')
        && !RESERVED_KEYS.contains(&key)
}

/// The key a workflow gets from its name on first save: lowercase, German umlauts and ß
/// spelled out (ä → ae, ö → oe, ü → ue, ß → ss), other accents dropped, every other run of
/// characters a single `-`. Always valid ([`is_valid_key`]); "ablauf" when nothing is left.
pub fn key_from_name(name: &str) -> String {
    let mut key = String::new();
    let push = |c: char, key: &mut String| {
        if c == '-' {
            if !key.is_empty() && !key.ends_with('-') {
                key.push('-');
            }
        } else {
            key.push(c);
        }
    };
    for c in name.chars().map(crate::lowercase::lower_char) {
        let spelled: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' => "o",
            'ù' | 'ú' | 'û' => "u",
            'ý' | 'ÿ' => "y",
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => {
                push(c, &mut key);
                continue;
            }
            _ => "-",
        };
        for c in spelled.chars() {
            push(c, &mut key);
        }
    }
    key.truncate(MAX_KEY_LEN);
    let key = key.trim_matches('-');
    match key {
        "" => "ablauf".to_string(),
        k if RESERVED_KEYS.contains(&k) => format!("{k}-ablauf"),
        k => k.to_string(),
    }
}

/// `base`, or `base-2`, `base-3` … whichever is not `taken` first (still a valid key).
pub fn unique_key(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let stem: String = base.chars().take(MAX_KEY_LEN - suffix.len()).collect();
            format!("{}{suffix}", stem.trim_end_matches('-'))
        })
        .find(|k| !taken(k))
        .unwrap_or_else(|| base.to_string())
}

pub(super) fn check(key: &str, out: &mut Vec<Finding>) {
    if is_valid_key(key) {
        return;
    }
    out.push(
        Finding::new(
            "E_KEY_FORMAT",
            Element::property("key"),
            format!(
                "Der Schlüssel {} ist ungültig: erlaubt sind 1 bis {MAX_KEY_LEN} Kleinbuchstaben (a–z), Ziffern und „-“, nicht am Anfang oder Ende; „validate“ ist reserviert.",
                de(key)
            ),
            format!(
                "The key {} is invalid: use 1 to {MAX_KEY_LEN} lowercase letters (a–z), digits and “-”, not at the start or end; “validate” is reserved.",
                en(key)
            ),
        )
        .hint(
            "Zum Beispiel „reisekosten-antrag“.",
            "For example “reisekosten-antrag”.",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_one_rule() {
        let long = "a".repeat(MAX_KEY_LEN);
        for ok in [
            "a",
            "reise-kosten",
            "sondernutzung-2026",
            "0",
            long.as_str(),
        ] {
            assert!(is_valid_key(ok), "{ok:?}");
        }
        let too_long = "a".repeat(MAX_KEY_LEN + 1);
        for bad in [
            "",
            "-a",
            "a-",
            "-",
            "Reise",
            "reise kosten",
            "reise_kosten",
            "straße",
            "validate",
            too_long.as_str(),
        ] {
            assert!(!is_valid_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn keys_come_from_names() {
        for (name, key) in [
            ("Beschaffung", "beschaffung"),
            ("Größe & Gebühr: Änderung", "groesse-gebuehr-aenderung"),
            ("Öffentliche Straßen", "oeffentliche-strassen"),
            ("  Reisekosten (Inland) 2026 ", "reisekosten-inland-2026"),
            ("Café-Erlaubnis", "cafe-erlaubnis"),
            ("!!!", "ablauf"),
            ("Validate", "validate-ablauf"),
        ] {
            assert_eq!(key_from_name(name), key, "{name:?}");
        }
        let long = key_from_name(&"Überprüfung ".repeat(20));
        assert!(is_valid_key(&long) && long.len() <= MAX_KEY_LEN, "{long}");
        for name in ["", "-", "ÄÖÜ", "a--b", "日本語", "x".repeat(200).as_str()] {
            assert!(is_valid_key(&key_from_name(name)), "{name:?}");
        }
    }

    #[test]
    fn unique_keys_count_up() {
        let taken = ["beschaffung", "beschaffung-2"];
        assert_eq!(unique_key("urlaub", |k| taken.contains(&k)), "urlaub");
        assert_eq!(
            unique_key("beschaffung", |k| taken.contains(&k)),
            "beschaffung-3"
        );
        let long = "a".repeat(MAX_KEY_LEN);
        let next = unique_key(&long, |k| k == long);
        assert!(is_valid_key(&next) && next.ends_with("-2"), "{next}");
    }
}
