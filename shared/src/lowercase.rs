//! Lower case for German and English text without Unicode's case tables: `char::to_lowercase`
//! links a table of about 1,400 letters (12 KB, 4 KB gzip) into every page that calls it
//! (issue 22). Latin letters are what block names, workflow names and Aktenzeichen hold.

/// `c` in lower case if it is a Latin letter with a lower case (ASCII, Latin-1, `Ÿ`, `ẞ`);
/// any other character unchanged.
pub fn lower_char(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        // Latin-1's capitals sit 0x20 below their small letters; `×` is no letter.
        'À'..='Þ' if c != '×' => char::from_u32(u32::from(c) + 0x20).unwrap_or(c),
        'Ÿ' => 'ÿ',
        'ẞ' => 'ß',
        _ => c,
    }
}

/// `s` with [`lower_char`] applied to every character.
pub fn lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Agrees with Unicode's lower case on every letter it covers, and leaves the others alone.
    #[test]
    fn agrees_with_unicode_on_latin_letters() {
        for c in ('\u{0}'..='\u{24F}').chain(['ẞ']) {
            let unicode: Vec<char> = c.to_lowercase().collect();
            let covered =
                c.is_ascii() || ('\u{C0}'..='\u{DE}').contains(&c) || c == 'Ÿ' || c == 'ẞ';
            if covered {
                assert_eq!(vec![lower_char(c)], unicode, "{c:?}");
            } else {
                assert_eq!(lower_char(c), c, "{c:?}");
            }
        }
        assert_eq!(
            lower("Änderung der STRAßE, GROẞ"),
            "änderung der straße, groß"
        );
    }
}
