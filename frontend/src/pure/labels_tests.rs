//! Tests of the label placement (`labels`), natively.

use super::*;

fn want(exit: (i32, i32), text: &str) -> Want {
    Want {
        exit,
        text: text.into(),
        middle: None,
    }
}

fn drawn(w: &Want, p: &Placed) -> Bbox {
    Bbox::text(w.exit.0 + p.dx, w.exit.1 + p.dy, width(&p.text))
}

#[test]
fn a_label_with_room_stays_beside_its_exit() {
    let own = Bbox::block(0, 0, 160, 64);
    let p = place(&[own], &[want((160, 32), "Rückfrage")]);
    assert_eq!(p, vec![Placed::plain("Rückfrage")]);
}

#[test]
fn a_block_above_right_moves_the_label_below_the_line() {
    let own = Bbox::block(0, 0, 160, 64);
    // A neighbour 40 px right of the exit, reaching down to just above the exit's line.
    let neighbour = Bbox::block(200, -60, 160, 90);
    let w = want((160, 32), "über 25.000 €");
    let p = place(&[own, neighbour], std::slice::from_ref(&w));
    assert_eq!((p[0].dx, p[0].dy, p[0].cut), (10, 14, false), "{p:?}");
    assert!(!drawn(&w, &p[0]).overlaps(&neighbour));
}

#[test]
fn a_connection_label_moves_to_the_middle_when_its_exit_is_crowded() {
    let own = Bbox::block(0, 0, 160, 64);
    let neighbour = Bbox::block(190, 0, 160, 64);
    let w = Want {
        exit: (160, 32),
        text: "Vergleichsangebote".into(),
        middle: Some((300, 200)),
    };
    let p = place(&[own, neighbour], std::slice::from_ref(&w));
    assert!(!p[0].cut, "{p:?}");
    let b = drawn(&w, &p[0]);
    assert!(!b.overlaps(&neighbour) && !b.overlaps(&own), "{b:?}");
    assert_eq!(w.exit.1 + p[0].dy, 195);
}

#[test]
fn without_a_free_place_the_label_is_shortened_to_its_room() {
    let own = Bbox::block(0, 0, 160, 64);
    // 70 px between the exit and the next block, over the whole height.
    let neighbour = Bbox::block(230, -100, 160, 300);
    let w = want((160, 32), "Direktauftrag nach Preisvergleich");
    let p = place(&[own, neighbour], std::slice::from_ref(&w));
    assert!(p[0].cut, "{p:?}");
    assert!(
        p[0].text.ends_with('…') && p[0].text.starts_with("Dire"),
        "{p:?}"
    );
    assert!(!drawn(&w, &p[0]).overlaps(&neighbour), "{p:?}");
}

/// A shortened label is a prefix of its text with at least its first word (of a long first
/// word four letters) — never "…" alone.
fn assert_recognisable(text: &str, shown: &str) {
    if shown == text {
        return;
    }
    let kept = shown
        .strip_suffix('…')
        .unwrap_or_else(|| panic!("{shown:?} without …"));
    assert!(
        text.starts_with(kept),
        "{shown:?} is not the start of {text:?}"
    );
    let first = text.split_whitespace().next().unwrap_or_default();
    let start: String = first.chars().take(MIN_LETTERS).collect();
    let least = if first.chars().count() > LONG_WORD {
        start.as_str()
    } else {
        first
    };
    assert!(
        !least.is_empty() && kept.starts_with(least),
        "{shown:?} lost the first word of {text:?}"
    );
}

#[test]
fn a_shortened_label_keeps_its_first_word() {
    assert_eq!(shortened("abgelehnt", shortest("abgelehnt")), "abge…");
    assert_eq!(shortened("weiter", shortest("weiter")), "weiter");
    assert_eq!(shortened("ok", shortest("ok")), "ok");
    assert_eq!(shortened("bis 25.000 €", shortest("bis 25.000 €")), "bis…");
    assert_eq!(
        shortened("über 25.000 €", shortest("über 25.000 €")),
        "über…"
    );
    assert_eq!(
        shortened("Frist abgelaufen", shortest("Frist abgelaufen")),
        "Frist…"
    );
    assert_eq!(
        shortened("Vergleichsangebote", shortest("Vergleichsangebote")),
        "Verg…"
    );
}

#[test]
fn a_crowded_label_is_never_an_ellipsis_alone() {
    let own = Bbox::block(0, 0, 160, 64);
    // The next block 12 px right of the exit, over the whole height: no room at all.
    let neighbour = Bbox::block(172, -200, 160, 500);
    for text in [
        "weiter",
        "abgelehnt",
        "bis 25.000 €",
        "ok",
        "Direktauftrag nach Preisvergleich",
    ] {
        let w = want((160, 32), text);
        let p = place(&[own, neighbour], std::slice::from_ref(&w));
        assert!(p[0].text != "…" && !p[0].text.is_empty(), "{p:?}");
        assert_recognisable(text, &p[0].text);
        assert_eq!(p[0].cut, p[0].text != text, "{p:?}");
    }
}

#[test]
fn a_crowded_label_goes_where_it_covers_least() {
    let own = Bbox::block(0, 0, 160, 64);
    // Above the exit's line a block right beside it; below it only an earlier label.
    let above = Bbox::block(172, -100, 160, 128);
    let wants = [
        want((160, 60), "Zeitablauf der Frist"),
        want((160, 32), "abgelehnt"),
    ];
    let p = place(&[own, above], &wants);
    let first = drawn(&wants[0], &p[0]);
    let second = drawn(&wants[1], &p[1]);
    assert!(
        !second.overlaps(&above),
        "a label covers less than a block: {p:?}"
    );
    assert_eq!(p[1].dy, BELOW, "{p:?}");
    assert_recognisable("abgelehnt", &p[1].text);
    assert!(first.y0 >= second.y0, "{first:?} {second:?}");
}

#[test]
fn a_connection_label_is_shortened_where_most_of_it_shows() {
    let own = Bbox::block(0, 0, 160, 64);
    // No room beside the exit; at the connection's middle 90 px between two blocks.
    let neighbour = Bbox::block(172, -200, 160, 500);
    let left = Bbox::block(400, 300, 100, 40);
    let right = Bbox::block(590, 300, 100, 40);
    let w = Want {
        exit: (160, 32),
        text: "Direktauftrag nach Preisvergleich".into(),
        middle: Some((545, 325)),
    };
    let p = place(&[own, neighbour, left, right], std::slice::from_ref(&w));
    let b = drawn(&w, &p[0]);
    assert!(p[0].cut && b.x0 > 500 && b.x1 < 590, "{p:?} {b:?}");
    assert!(p[0].text.chars().count() > 6, "{p:?}");
    assert_recognisable(&w.text, &p[0].text);
}

#[test]
fn labels_keep_apart_from_each_other() {
    let own = Bbox::block(0, 0, 160, 104);
    // Three exits 20 px apart; a block right of the lower two pushes their labels down,
    // where they must not cover each other.
    let neighbour = Bbox::block(200, 30, 160, 40);
    let wants = [
        want((160, 32), "bis 1.000 €"),
        want((160, 52), "bis 25.000 €"),
        want((160, 72), "über 25.000 €"),
    ];
    let placed = place(&[own, neighbour], &wants);
    let boxes: Vec<Bbox> = wants
        .iter()
        .zip(&placed)
        .map(|(w, p)| drawn(w, p))
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        assert!(!a.overlaps(&neighbour), "{i}: {a:?}");
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "{a:?} {b:?}");
        }
    }
}

#[test]
fn far_apart_boxes_share_no_cell_query() {
    let mut g = Grid::default();
    g.insert(Bbox::block(-1000, -1000, 10, 10));
    assert!(!g.hits(&Bbox::block(1000, 1000, 10, 10)));
    assert!(g.hits(&Bbox::block(-995, -995, 10, 10)));
}

mod workflow_tests {
    use fachwerk_shared::{parse_workflow, BlockId, Rect};

    use super::*;

    #[test]
    fn no_exit_label_of_a_crowded_template_covers_a_block() {
        let mut w =
            parse_workflow(include_str!("../../../workflows/beschaffung.json")).expect("template");
        // Four blocks a row, 50 px apart: too close for the band labels.
        let ids: Vec<BlockId> = w.blocks.iter().map(|b| b.id.clone()).collect();
        for (i, id) in ids.iter().enumerate() {
            let i = i32::try_from(i).unwrap_or(0);
            w.layout
                .blocks
                .insert(id.clone(), Rect::at((i % 4) * 210, (i / 4) * 160));
        }
        w.layout.edges.clear();
        let placed = exit_labels(&w, &ids, Lang::De);
        let boxes: Vec<(BlockId, Bbox)> = w
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let r = block_rect(&w, i, &b.id);
                let h = visual_height(&r, ports_of(b).len());
                (b.id.clone(), Bbox::block(r.x, r.y, r.w, h))
            })
            .collect();
        let mut labels = 0;
        let mut cut = 0;
        for (i, b) in w.blocks.iter().enumerate() {
            let r = block_rect(&w, i, &b.id);
            let h = visual_height(&r, ports_of(b).len());
            let n = ports_of(b).len();
            let at = placed.get(&b.id).cloned().unwrap_or_default();
            assert_eq!(at.len(), n, "one label per exit of {}", b.id.0);
            for (k, p) in at.iter().enumerate() {
                let (x, y) = (r.x + r.w + p.dx, r.y + port_offset(k, n, h) + p.dy);
                let label = Bbox::text(x, y, width(&p.text));
                for (other, bbox) in &boxes {
                    assert!(
                        !label.overlaps(bbox),
                        "label {:?} of {} covers {}",
                        p.text,
                        b.id.0,
                        other.0
                    );
                }
                let whole = port_text(&ports_of(b)[k], Lang::De);
                super::assert_recognisable(&whole, &p.text);
                labels += 1;
                cut += usize::from(p.cut);
            }
        }
        assert!(labels > 20, "{labels} labels");
        assert!(cut < labels, "some labels keep their whole text");
        let sz = placed
            .get(&BlockId("schlusszeichnung".into()))
            .expect("drawn");
        assert_eq!(sz.len(), 2, "ok and abgelehnt");
    }

    #[test]
    fn connections_are_named_by_label_ends_and_exit() {
        assert_eq!(
            connection_name(
                "bis 1.0…",
                "Wertgrenze",
                "bis 1.000 €",
                "Direktauftrag",
                Lang::De
            ),
            "bis 1.0…: Verbindung von „Wertgrenze“ (bis 1.000 €) nach „Direktauftrag“"
        );
        assert_eq!(
            connection_name("ok", "Check", "ok", "End", Lang::En),
            "ok: connection from “Check” (ok) to “End”"
        );
    }
}
