//! The palette's block search: which block types match a query and which one Enter inserts.

use fachwerk_shared::catalog::{self, BlockInfo};
use fachwerk_shared::lowercase::lower;
use fachwerk_shared::BlockType;

use crate::i18n::Lang;

/// How well `info` matches the lower-case query `q` (lower is better); `None`: no match.
fn rank(info: &BlockInfo, q: &str, lang: Lang) -> Option<u8> {
    let (name, other) = match lang {
        Lang::De => (info.name_de, info.name_en),
        Lang::En => (info.name_en, info.name_de),
    };
    let name = lower(name);
    if name == q {
        return Some(0);
    }
    if name.starts_with(q) {
        return Some(1);
    }
    if name.split([' ', '-', '/']).any(|w| w.starts_with(q)) {
        return Some(2);
    }
    if name.contains(q) || lower(info.block_type.tag()).contains(q) {
        return Some(3);
    }
    if lower(other).contains(q) {
        return Some(4);
    }
    [info.help_de, info.help_en]
        .iter()
        .any(|s| lower(s).contains(q))
        .then_some(5)
}

/// Whether the block type is shown for the query (an empty query shows all).
pub fn matches(info: &BlockInfo, query: &str) -> bool {
    let q = lower(query.trim());
    q.is_empty()
        || [Lang::De, Lang::En]
            .iter()
            .any(|&l| rank(info, &q, l).is_some())
}

/// The best match for the query, the one Enter inserts: by rank, then palette order.
pub fn best_match(query: &str, lang: Lang) -> Option<BlockType> {
    let q = lower(query.trim());
    if q.is_empty() {
        return None;
    }
    catalog::all()
        .iter()
        .enumerate()
        .filter_map(|(i, info)| rank(info, &q, lang).map(|r| (r, i, info.block_type)))
        .min()
        .map(|(_, _, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_picks_the_name_that_starts_with_the_query() {
        // "frei" is in Schlusszeichnung's help too; the name wins.
        assert_eq!(best_match("Frist", Lang::De), Some(BlockType::Frist));
        assert_eq!(best_match("vier", Lang::De), Some(BlockType::VierAugen));
        assert_eq!(best_match("end", Lang::De), Some(BlockType::Ende));
    }

    #[test]
    fn several_matches_still_give_one() {
        let q = "zeichnung";
        let shown = catalog::all().iter().filter(|i| matches(i, q)).count();
        assert!(shown >= 2, "the query should match several blocks");
        assert_eq!(best_match(q, Lang::De), Some(BlockType::Mitzeichnung));
    }

    #[test]
    fn capitals_and_umlauts_match_either_way() {
        assert_eq!(
            best_match("RÜCKFRAGE", Lang::De),
            Some(BlockType::Rueckfrage)
        );
        assert_eq!(
            best_match("Komplexität", Lang::De),
            Some(BlockType::Komplexitaet)
        );
        assert_eq!(
            best_match("VIERAUGEN", Lang::De),
            Some(BlockType::VierAugen)
        );
    }

    #[test]
    fn english_names_rank_in_english() {
        assert_eq!(best_match("pay", Lang::En), Some(BlockType::Zahlung));
        assert_eq!(best_match("", Lang::En), None);
        assert_eq!(best_match("qqqq", Lang::En), None);
    }
}
