//! Shortening names to the room a block gives them: cut at a character with an ellipsis, never
//! mid-glyph by a clip (issue 14). The width is estimated per character from the font size,
//! erring wide, so the shortened text fits in every common sans-serif face.

/// Estimated advance of `c` in units of the font size (bold sans-serif, rounded up).
fn advance(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | 'I' => 0.32,
        ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '/' | '-' => 0.42,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.95,
        '…' => 1.0,
        c if c.is_ascii_digit() => 0.62,
        c if c.is_uppercase() => 0.76,
        _ => 0.64,
    }
}

/// Estimated width of `text` at `font_px`.
pub fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().map(advance).sum::<f64>() * font_px
}

/// `text` as it fits into `max_px` at `font_px`: whole, or cut with "…" (true when cut).
pub fn fit_text(text: &str, max_px: f64, font_px: f64) -> (String, bool) {
    if text_width(text, font_px) <= max_px {
        return (text.to_string(), false);
    }
    let budget = max_px - advance('…') * font_px;
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += advance(c) * font_px;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    (out, true)
}

/// `text` in at most `max_lines` lines of `max_px`, broken after spaces, hyphens and slashes
/// ("Wertgrenzen-" / "Weiche"); what does not fit ends in "…" (true when anything was cut).
pub fn fit_lines(text: &str, max_px: f64, font_px: f64, max_lines: usize) -> (Vec<String>, bool) {
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if matches!(c, ' ' | '-' | '/') {
            pieces.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut rest = pieces.into_iter().peekable();
    while let Some(piece) = rest.next() {
        let joined = format!("{line}{piece}");
        if line.is_empty() || text_width(joined.trim_end(), font_px) <= max_px {
            line = joined;
            continue;
        }
        if lines.len() + 1 == max_lines {
            // The last line takes the rest and is shortened.
            let tail: String = std::iter::once(piece).chain(rest).collect();
            line.push_str(&tail);
            break;
        }
        lines.push(std::mem::take(&mut line));
        line = piece;
    }
    lines.push(line);
    let mut cut = false;
    let lines = lines
        .into_iter()
        .map(|l| {
            let (s, c) = fit_text(l.trim_end(), max_px, font_px);
            cut |= c;
            s
        })
        .collect();
    (lines, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_lines_keep_a_compound_name_whole() {
        let (lines, cut) = fit_lines("Wertgrenzen-Weiche", 120.0, 13.0, 2);
        assert_eq!(lines, vec!["Wertgrenzen-", "Weiche"]);
        assert!(!cut);
        assert_eq!(
            fit_lines("Ende", 120.0, 13.0, 2),
            (vec!["Ende".to_string()], false)
        );
    }

    #[test]
    fn the_last_line_takes_the_rest_with_an_ellipsis() {
        let (lines, cut) = fit_lines(
            "Prüfung der Unterlagen durch die Fachabteilung",
            120.0,
            13.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(cut);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, 13.0) <= 120.0),
            "{lines:?}"
        );
        let (one, _) = fit_lines("Prüfung der Unterlagen", 60.0, 13.0, 1);
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn short_names_stay_whole() {
        assert_eq!(fit_text("Ende", 140.0, 13.0), ("Ende".into(), false));
    }

    #[test]
    fn long_names_end_in_an_ellipsis_within_the_room() {
        let (s, cut) = fit_text("Wertgrenzen-Weiche für Beschaffungen", 140.0, 13.0);
        assert!(cut);
        assert!(s.ends_with('…'), "{s}");
        assert!(s.starts_with("Wertgrenzen"), "{s}");
        assert!(text_width(&s, 13.0) <= 140.0, "{s}");
    }

    #[test]
    fn no_room_leaves_the_ellipsis_alone() {
        assert_eq!(
            fit_text("Vier-Augen-Prüfung", 5.0, 13.0),
            ("…".into(), true)
        );
    }

    #[test]
    fn wide_letters_count_wider() {
        assert!(text_width("WWW", 13.0) > text_width("iii", 13.0) * 2.0);
    }
}
