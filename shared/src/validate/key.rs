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
}
