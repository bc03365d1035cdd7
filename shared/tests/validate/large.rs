//! Large workflows: a clean one of 10.000 blocks, and chains and cycles deep enough to
//! overflow a recursive walk.

use super::*;

/// A valid workflow of about `n` blocks: segments of case work, routers, checks and timers.
fn large(n: usize) -> Workflow {
    let mut w = Workflow::new("gross", "Groß");
    w.version = "1.0.0".into();
    w.roles = vec![
        role("R-SB", Some(1_000)),
        role("R-TL", None),
        role("R-KA", None),
    ];
    w.fields = vec![
        field("betrag", FieldType::Money),
        field("dauerTage", FieldType::Int),
    ];
    w.blocks.push(start());
    let mut prevs = vec![("start".to_string(), "next".to_string())];
    let mut k = 0usize;
    let mut e = 0usize;
    let mut connect = |w: &mut Workflow, from: &str, port: &str, to: &str| {
        e += 1;
        w.edges.push(edge(&format!("e{e}"), from, port, to));
    };
    while w.blocks.len() + 8 < n {
        k += 1;
        let sbid = format!("sb{k}");
        let kx = format!("kx{k}");
        let wg = format!("wg{k}");
        let sz_lo = format!("szlo{k}");
        let sz_hi = format!("szhi{k}");
        let mz = format!("mz{k}");
        let rf = format!("rf{k}");
        w.blocks.push(Block::new(
            &*sbid,
            "Prüfen",
            BlockKind::Sachbearbeitung(SachbearbeitingDefaults::with(&["ok", "rueckfrage"])),
        ));
        w.blocks.push(Block::new(
            &*rf,
            "Rückfrage",
            BlockKind::Rueckfrage(RueckfrageParams {
                template: "t".into(),
                reply_deadline: Some(Duration::days(14)),
                max_rounds: Some(3),
                ..Default::default()
            }),
        ));
        w.blocks.push(Block::new(
            &*kx,
            "Komplex?",
            BlockKind::Komplexitaet(KomplexitaetParams {
                rules: vec![Rule {
                    id: "lang".into(),
                    label: String::new(),
                    condition: "dauerTage > 30".into(),
                }],
                ..Default::default()
            }),
        ));
        w.blocks.push(Block::new(
            &*mz,
            "Mitzeichnung",
            BlockKind::Mitzeichnung(MitzeichnungParams {
                participants: vec![Participant {
                    assignee: Some(Assignee::Role(RoleId::new("R-KA"))),
                    label: "Kämmerei".into(),
                    mandatory: true,
                }],
                ..Default::default()
            }),
        ));
        w.blocks.push(Block::new(
            &*wg,
            "Wertgrenze",
            BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: "betrag".into(),
                bands: vec![
                    Band {
                        id: "lo".into(),
                        lower: Money(0),
                        upper: Some(Money::euros(1_000)),
                        label: String::new(),
                    },
                    Band {
                        id: "hi".into(),
                        lower: Money::euros(1_000),
                        upper: None,
                        label: String::new(),
                    },
                ],
                ..Default::default()
            }),
        ));
        let signer = |r: &str| {
            BlockKind::Schlusszeichnung(SchlusszeichnungParams {
                signer: Some(Assignee::Role(RoleId::new(r))),
                ..Default::default()
            })
        };
        w.blocks
            .push(Block::new(&*sz_lo, "Zeichnung SB", signer("R-SB")));
        w.blocks
            .push(Block::new(&*sz_hi, "Zeichnung TL", signer("R-TL")));
        for (from, port) in &prevs {
            connect(&mut w, from, port, &sbid);
        }
        connect(&mut w, &sbid, "rueckfrage", &rf);
        connect(&mut w, &rf, "reply", &sbid);
        connect(&mut w, &sbid, "ok", &kx);
        connect(&mut w, &kx, "lang", &mz);
        connect(&mut w, &kx, "otherwise", &wg);
        connect(&mut w, &mz, "ok", &wg);
        connect(&mut w, &mz, "veto", &sbid);
        connect(&mut w, &wg, "lo", &sz_lo);
        connect(&mut w, &wg, "hi", &sz_hi);
        connect(&mut w, &sz_lo, "reject", &sbid);
        connect(&mut w, &sz_hi, "reject", &sbid);
        // Rückfrage timeouts end the case.
        let end = format!("ende{k}");
        w.blocks.push(ende(&end));
        connect(&mut w, &rf, "timeout", &end);
        prevs = vec![(sz_lo, "ok".into()), (sz_hi, "ok".into())];
    }
    w.blocks.push(ende("ende"));
    for (from, port) in &prevs {
        connect(&mut w, from, port, "ende");
    }
    w
}

#[test]
fn a_large_workflow_validates_clean() {
    let w = large(10_000);
    assert!(w.blocks.len() > 9_900);
    let f = validate(&w);
    assert!(f.is_empty(), "{:?}", f.iter().take(5).collect::<Vec<_>>());
}

#[test]
fn long_chains_and_deep_cycles_do_not_overflow_the_stack() {
    // 50.000 blocks in one chain and one big cycle: everything is iterative.
    let mut w = base();
    w.blocks.truncate(1);
    let n = 50_000;
    for i in 0..n {
        w.blocks.push(Block::new(
            format!("f{i}"),
            "Warten",
            BlockKind::Frist(FristParams {
                duration: Some(Duration::days(1)),
                ..Default::default()
            }),
        ));
    }
    w.edges = vec![edge("e-start", "start", "next", "f0")];
    for i in 0..n {
        w.edges.push(edge(
            &format!("e{i}"),
            &format!("f{i}"),
            "next",
            &format!("f{}", (i + 1) % n),
        ));
    }
    w.blocks.push(ende("ende"));
    let f = validate(&w);
    assert_eq!(
        codes(&f),
        set(&["E_NO_EXIT_CYCLE", "E_UNREACHABLE", "W_ROLE_UNUSED"])
    );
}
