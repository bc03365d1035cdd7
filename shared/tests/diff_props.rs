//! Properties of the semantic diff over generated workflows.
#![allow(clippy::unwrap_used)]

use fachwerk_shared::diff::{apply_content, diff, semantics, Bump};
use fachwerk_shared::generate::{modify, synthetic};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn diff_of_a_workflow_with_itself_is_empty(n in 3usize..120, seed in any::<u64>()) {
        let w = synthetic(n, seed);
        let d = diff(&w, &w);
        prop_assert!(d.changes.is_empty());
        prop_assert!(d.layout.is_empty());
        prop_assert_eq!(d.bump, Bump::None);
    }

    #[test]
    fn applying_the_content_changes_yields_the_new_semantics(n in 3usize..120, seed in any::<u64>(), pct in 1u32..40) {
        let a = synthetic(n, seed);
        let b = modify(&a, pct, seed ^ 0x5eed);
        let d = diff(&a, &b);
        let applied = apply_content(&a, &d).unwrap();
        prop_assert_eq!(semantics(&applied), semantics(&b));
    }

    #[test]
    fn diff_is_deterministic(n in 3usize..80, seed in any::<u64>()) {
        let a = synthetic(n, seed);
        let b = modify(&a, 10, seed.wrapping_add(1));
        prop_assert_eq!(diff(&a, &b), diff(&a, &b));
    }

    #[test]
    fn layout_only_changes_are_never_content(n in 3usize..80, seed in any::<u64>(), dx in -400i32..400) {
        let a = synthetic(n, seed);
        let mut b = a.clone();
        for r in b.layout.blocks.values_mut() {
            r.x += dx;
        }
        let d = diff(&a, &b);
        prop_assert!(d.changes.is_empty());
        prop_assert!(d.bump <= Bump::Patch);
    }
}

#[test]
fn every_template_against_its_modification_round_trips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let a = fachwerk_shared::parse_workflow(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for seed in 0..8 {
            let b = modify(&a, 30, seed);
            let d = diff(&a, &b);
            assert_eq!(
                semantics(&apply_content(&a, &d).unwrap()),
                semantics(&b),
                "{}",
                path.display()
            );
            assert!(d
                .changes
                .iter()
                .all(|c| !c.message_de.is_empty() && !c.message_en.is_empty()));
        }
    }
}
