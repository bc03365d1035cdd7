//! Icons as SVG path data on a 16×16 grid, drawn with a stroke (issue 14): emoji pictograms
//! show as empty boxes on office PCs without an emoji font; paths draw everywhere.

use fachwerk_shared::BlockType;

/// The pictogram of a block type, for the palette, the canvas, the review and the SVG export.
pub fn block_icon(t: BlockType) -> &'static str {
    match t {
        BlockType::Start => "M4 2.5L13 8L4 13.5Z",
        BlockType::Sachbearbeitung => "M3 13L3.5 10.5L11 3L13 5L5.5 12.5ZM9.5 4.5L11.5 6.5",
        BlockType::VierAugen => "M1 8Q8 1.5 15 8Q8 14.5 1 8ZM6 8A2 2 0 1 0 10 8A2 2 0 1 0 6 8Z",
        BlockType::Mitzeichnung => {
            "M1.5 11C4 3 6.5 4 5 9.5C4.5 12 8 6 9.5 8.5C10.5 10 12 7.5 14.5 7.5M1.5 14H14.5"
        }
        BlockType::Schlusszeichnung => ICON_CHECK,
        BlockType::Wertgrenzen => "M12.5 4A5 5 0 1 0 12.5 12M2.5 7H9M2.5 9.5H9",
        BlockType::Komplexitaet => "M8 14.5V8.5L3 3.5M8 8.5L13 3.5M3 7V3.5H6.5M13 7V3.5H9.5",
        BlockType::Rueckfrage => "M5 5.5A3 3 0 1 1 9.5 8C8 9 8 9.5 8 11M8 13V14.5",
        BlockType::Frist => "M2 8A6 6 0 1 0 14 8A6 6 0 1 0 2 8ZM8 4.5V8L10.5 10",
        BlockType::Eskalation => "M8 1.8L15 14H1ZM8 6V9.5M8 11.5V12.5",
        BlockType::Bescheid => {
            "M3.5 1.5H10L13 4.5V14.5H3.5ZM10 1.5V4.5H13M5.5 8H11M5.5 10.5H11M5.5 13H9"
        }
        BlockType::Zahlung => "M1.5 4.5H14.5V11.5H1.5ZM6 8A2 2 0 1 0 10 8A2 2 0 1 0 6 8Z",
        BlockType::Veraktung => "M1.5 3H14.5V6H1.5ZM2.5 6V13.5H13.5V6M6 8.5H10",
        BlockType::Benachrichtigung => "M1.5 3.5H14.5V12.5H1.5ZM1.5 3.5L8 9L14.5 3.5",
        BlockType::Ende => "M3.5 3.5H12.5V12.5H3.5Z",
    }
}

pub const ICON_CHECK: &str = "M2.5 8.5L6.5 12.5L13.5 3.5";
pub const ICON_PLAY: &str = "M4 2.5L13 8L4 13.5Z";
pub const ICON_UNDO: &str = "M5 2.5L2 5.5L5 8.5M2 5.5H10A4 4 0 0 1 10 13.5H6";
pub const ICON_REDO: &str = "M11 2.5L14 5.5L11 8.5M14 5.5H6A4 4 0 0 0 6 13.5H10";
pub const ICON_CONNECT: &str = "M1.5 12.5C6 12.5 6 4 10.5 4M10 1.5L13.5 4L10 6.5M1.5 12.5H3";
pub const ICON_SAVE: &str = "M2 2H12L14 4V14H2ZM5 2V6H11V2M4.5 14V9.5H11.5V14";
pub const ICON_SETTINGS: &str = "M8 5.5A2.5 2.5 0 1 0 8 10.5A2.5 2.5 0 1 0 8 5.5ZM8 1V3M8 13V15M1 8H3M13 8H15M3 3L4.5 4.5M11.5 11.5L13 13M3 13L4.5 11.5M11.5 4.5L13 3";
pub const ICON_MENU: &str = "M4 6L8 10L12 6";
pub const ICON_CLOSE: &str = "M3.5 3.5L12.5 12.5M12.5 3.5L3.5 12.5";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_type_has_its_own_icon() {
        let all = fachwerk_shared::catalog::all();
        let mut seen = std::collections::BTreeSet::new();
        for info in all {
            let d = block_icon(info.block_type);
            assert!(d.starts_with('M'), "{:?}: {d}", info.block_type);
            // Only path commands and numbers: no emoji, no text.
            assert!(
                d.chars().all(|c| "MLHVCQAZ0123456789. -".contains(c)),
                "{:?}: {d}",
                info.block_type
            );
            seen.insert(d);
        }
        assert_eq!(seen.len(), all.len(), "two block types share an icon");
    }
}
