//! Block parameters: money thresholds and signing limits, four eyes, durations, reminders
//! and template parameters.

use super::*;

#[test]
fn threshold_messages_use_german_money_formatting() {
    let w = load("E_THRESHOLD_GAP.json");
    let f = validate(&w);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message_de
            .contains("Die Wertgrenzen 1.000 € und 1.200 € lassen eine Lücke"),
        "{}",
        f[0].message_de
    );
    assert!(
        f[0].message_en.contains("€1,000 and €1,200"),
        "{}",
        f[0].message_en
    );
    assert_eq!(f[0].element.param.as_deref(), Some("bands[1].lower"));
    assert!(f[0]
        .hint_de
        .as_deref()
        .is_some_and(|h| h.contains("1.000 €")));
}

#[test]
fn signing_limit_uses_the_highest_band_and_stops_at_the_next_router() {
    let mut w = load("E_SIGNING_LIMIT_BELOW_BAND.ok.json");
    assert!(validate(&w).is_empty());
    // R-TL limited to 25.000 € behind an unbounded band: error, naming the band.
    w.roles[1].signing_limit = Some(Money::euros(25_000));
    let f = validate(&w);
    assert_eq!(codes(&f), set(&["E_SIGNING_LIMIT_BELOW_BAND"]));
    assert!(f[0].message_de.contains("25.000 €"), "{}", f[0].message_de);
    assert!(
        f[0].message_de.contains("„über 1.000 €“"),
        "{}",
        f[0].message_de
    );
    assert_eq!(
        f[0].element.block.as_ref().map(BlockId::as_str),
        Some("sz_tl")
    );
    assert_eq!(f[0].element.role.as_ref().map(RoleId::as_str), Some("R-TL"));
    // A limit equal to the band's upper bound is enough ("bis zu").
    w.roles[0].signing_limit = Some(Money::euros(1_000));
    assert_eq!(validate(&w).len(), 1);
    w.roles[0].signing_limit = Some(Money::euros(999));
    assert_eq!(
        validate(&w)
            .iter()
            .filter(|f| f.code == "E_SIGNING_LIMIT_BELOW_BAND")
            .count(),
        2
    );
    w.roles[0].signing_limit = Some(Money::euros(1_000));

    // A second router behind the unbounded band: only its own bands count for sz_tl.
    w.roles.push(role("R-AL", None));
    w.blocks.push(Block::new(
        "wg2",
        "Zweite Wertgrenze",
        BlockKind::Wertgrenzen(WertgrenzenParams {
            amount_field: "betragNetto".into(),
            bands: vec![
                Band {
                    id: "bis20000".into(),
                    lower: Money(0),
                    upper: Some(Money::euros(20_000)),
                    label: String::new(),
                },
                Band {
                    id: "ueber20000".into(),
                    lower: Money::euros(20_000),
                    upper: None,
                    label: String::new(),
                },
            ],
            ..Default::default()
        }),
    ));
    w.blocks.push(Block::new(
        "sz_al",
        "Zeichnung Amtsleitung",
        BlockKind::Schlusszeichnung(SchlusszeichnungParams {
            signer: Some(Assignee::Role(RoleId::new("R-AL"))),
            ..Default::default()
        }),
    ));
    for e in &mut w.edges {
        if e.port == "ueber1000" {
            e.to = BlockId::new("wg2");
        }
    }
    w.edges.push(edge("x1", "wg2", "bis20000", "sz_tl"));
    w.edges.push(edge("x2", "wg2", "ueber20000", "sz_al"));
    w.edges.push(edge("x3", "sz_al", "ok", "ende"));
    w.edges.push(edge("x4", "sz_al", "reject", "pruefen"));
    let f = validate(&w);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn four_eyes_same_person_variants() {
    let mut w = load("E_FOUR_EYES_SAME_PERSON.ok.json");
    let set_va = |w: &mut Workflow, f: &dyn Fn(&mut VierAugenParams)| {
        if let Some(BlockKind::VierAugen(p)) = w.block_mut(&BlockId::new("va")).map(|b| &mut b.kind)
        {
            f(p);
        }
    };
    set_va(&mut w, &|p| p.second_check = Some(Assignee::Initiator));
    assert_eq!(codes_of(&w), set(&["E_FOUR_EYES_SAME_PERSON"]));
    set_va(&mut w, &|p| p.exclude_initiator = false);
    assert!(validate(&w).is_empty());
    // Second check fixed to the person who performs a block in distinctFrom.
    if let Some(BlockKind::Sachbearbeitung(p)) =
        w.block_mut(&BlockId::new("pruefen")).map(|b| &mut b.kind)
    {
        p.assignee = Some(Assignee::Person("k.schulz".into()));
    }
    set_va(&mut w, &|p| {
        p.second_check = Some(Assignee::Person("k.schulz".into()));
        p.distinct_from = vec![BlockId::new("pruefen")];
    });
    w.roles.clear();
    assert_eq!(codes_of(&w), set(&["E_FOUR_EYES_SAME_PERSON"]));
}

#[test]
fn duration_findings_name_the_value() {
    let mut w = base();
    if let BlockKind::Sachbearbeitung(p) = &mut w.blocks[1].kind {
        p.due_in = Some(Duration::new("14 Tage"));
    }
    let f = validate(&w);
    assert_eq!(codes(&f), set(&["E_DURATION_NOT_POSITIVE"]));
    assert!(f[0].message_de.contains("14 Tage"), "{}", f[0].message_de);
    assert!(f[0].message_en.contains("“14 Tage”"), "{}", f[0].message_en);
    assert_eq!(f[0].element.param.as_deref(), Some("dueIn"));
}

#[test]
fn reminder_comparison_is_certain_only() {
    let mut w = load("E_REMINDER_NOT_BEFORE_DEADLINE.ok.json");
    let set_rf = |w: &mut Workflow, reminder: &str, deadline: &str| {
        if let Some(BlockKind::Rueckfrage(p)) =
            w.block_mut(&BlockId::new("rf")).map(|b| &mut b.kind)
        {
            p.reminder_after = Some(Duration::new(reminder));
            p.reply_deadline = Some(Duration::new(deadline));
        }
    };
    set_rf(&mut w, "P1M", "P30D"); // a month may have 31 days: not certain
    assert!(validate(&w).is_empty());
    set_rf(&mut w, "P1M", "P27D");
    assert_eq!(codes_of(&w), set(&["E_REMINDER_NOT_BEFORE_DEADLINE"]));
    set_rf(&mut w, "PT336H", "P14D");
    assert_eq!(codes_of(&w), set(&["E_REMINDER_NOT_BEFORE_DEADLINE"]));
}

#[test]
fn template_params_must_target_a_declared_role_or_an_existing_band() {
    let mut w = base();
    w.template_params = vec![
        TemplateParam {
            id: "limit-sb".into(),
            label: "Zeichnungsbefugnis Sachbearbeitung".into(),
            target: ParamTarget::RoleSigningLimit {
                role: RoleId::new("R-SB"),
            },
            default: Money::parse("1000.00").unwrap(),
        },
        TemplateParam {
            id: "limit-fbl".into(),
            label: "Zeichnungsbefugnis Fachbereichsleitung".into(),
            target: ParamTarget::RoleSigningLimit {
                role: RoleId::new("R-FBL"),
            },
            default: Money::parse("5000.00").unwrap(),
        },
        TemplateParam {
            id: "grenze".into(),
            label: "Grenze Direktauftrag".into(),
            target: ParamTarget::BandUpper {
                block: BlockId::new("pruefen"),
                band: "bis1000".into(),
            },
            default: Money::parse("1000.00").unwrap(),
        },
    ];
    let f = validate(&w);
    assert_eq!(
        codes(&f),
        set(&["E_UNKNOWN_ROLE", "E_UNKNOWN_BLOCK"]),
        "{f:?}"
    );
    let role = f.iter().find(|f| f.code == "E_UNKNOWN_ROLE").unwrap();
    assert!(
        role.message_de
            .contains("„Zeichnungsbefugnis Fachbereichsleitung“"),
        "{}",
        role.message_de
    );
    assert!(role.message_de.contains("R-FBL"), "{}", role.message_de);
    let band = f.iter().find(|f| f.code == "E_UNKNOWN_BLOCK").unwrap();
    assert!(band.message_de.contains("bis1000"), "{}", band.message_de);
    // The templates' own parameters all resolve.
    w.template_params.truncate(1);
    assert!(validate(&w).is_empty());
}
