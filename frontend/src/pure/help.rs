//! Links from the designer into the handbook (docs/, built by `cargo xtask docs`), which the
//! server serves under `/hilfe/`.

use fachwerk_shared::BlockType;

/// The handbook page that explains a finding code, e.g. `E_THRESHOLD_GAP`.
pub fn finding_page(code: &str) -> String {
    format!("/hilfe/referenz/befunde/{code}.html")
}

/// The handbook's reference page of a block type.
pub fn block_page(t: BlockType) -> String {
    format!("/hilfe/referenz/bausteine/{}.html", t.tag())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use fachwerk_shared::validate::CODES;

    use super::*;

    /// The Markdown source mdBook turns into the page at `url`.
    fn source_of(url: &str) -> PathBuf {
        let rel = url
            .strip_prefix("/hilfe/")
            .and_then(|r| r.strip_suffix(".html"))
            .unwrap_or_else(|| panic!("{url} is not a handbook page"));
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../docs/src/{rel}.md"))
    }

    #[test]
    fn every_finding_and_block_link_has_a_handbook_page() {
        let urls = CODES
            .iter()
            .map(|c| finding_page(c.code))
            .chain(BlockType::ALL.iter().map(|t| block_page(*t)));
        for url in urls {
            assert!(
                source_of(&url).is_file(),
                "{url}: no page {} (run `cargo xtask docs`)",
                source_of(&url).display()
            );
        }
    }
}
