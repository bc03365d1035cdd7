//! The flow graph: duplicate ids, reachability, dead ends, port wiring, cycles and
//! Eskalationen, and which finding wins where several apply.

use fachwerk_shared::validate::is_publishable;

use super::*;

#[test]
fn base_is_clean_and_publishable() {
    let f = validate(&base());
    assert!(f.is_empty(), "{f:?}");
    assert!(is_publishable(&f));
}

#[test]
fn the_sample_document_is_validated() {
    let text = r#"{"schemaVersion":1,"key":"beispiel","name":"Beispiel","version":"0.1.0",
      "fields":[{"name":"betragNetto","type":"money"}],
      "roles":[{"id":"R-SB","name":"Sachbearbeitung","signingLimit":"1000.00"}],
      "blocks":[{"id":"start","type":"start","label":"Antrag eingegangen"},
        {"id":"pruefen","type":"sachbearbeitung","label":"Antrag prüfen","params":{"assignee":{"kind":"role","ref":"R-SB"},"dueIn":"P14D"}},
        {"id":"wg","type":"wertgrenzen","label":"Wertgrenze","params":{"amountField":"betragNetto","bands":[
          {"id":"bis1000","lower":"0.00","upper":"1000.00"},{"id":"ueber1000","lower":"1000.00","upper":null}]}},
        {"id":"ende","type":"ende","label":"Erledigt"}],
      "edges":[{"id":"e1","from":"start","port":"next","to":"pruefen"}]}"#;
    let w = parse_workflow(text).unwrap();
    let f = validate(&w);
    // pruefen has no outgoing edge (dead end), wg and ende are unreachable.
    assert_eq!(codes(&f), set(&["E_DEAD_END", "E_UNREACHABLE"]));
    assert_eq!(f.iter().filter(|f| f.code == "E_UNREACHABLE").count(), 2);
    assert!(!is_publishable(&f));
}

#[test]
fn duplicate_ids_of_every_kind() {
    let mut w = base();
    w.roles.push(role("R-SB", None));
    w.fields = vec![field("x", FieldType::Int), field("x", FieldType::Int)];
    w.edges.push(edge("pruefen", "pruefen", "ok", "ende"));
    let f = validate(&w);
    let dups: Vec<&Finding> = f.iter().filter(|f| f.code == "E_DUPLICATE_ID").collect();
    assert_eq!(dups.len(), 3, "{f:#?}");
    assert!(dups.iter().any(|f| f.element.role.is_some()));
    assert!(dups.iter().any(|f| f.element.field.as_deref() == Some("x")));
    assert!(dups.iter().any(|f| f
        .element
        .edge
        .as_ref()
        .is_some_and(|e| e.as_str() == "pruefen")));

    // Blocks with the same id: reported once, the copy gets no graph findings.
    let mut w = base();
    w.blocks.push(sb("pruefen", &["ok"]));
    assert_eq!(codes_of(&w), set(&["E_DUPLICATE_ID"]));

    // Band ids, rule ids (incl. one named like the otherwise port), outcomes.
    let mut w = base();
    w.fields.push(field("betrag", FieldType::Money));
    w.blocks[1] = sb("pruefen", &["ok", "ok"]);
    w.blocks.push(Block::new(
        "wg",
        "WG",
        BlockKind::Wertgrenzen(WertgrenzenParams {
            amount_field: "betrag".into(),
            bands: vec![
                Band {
                    id: "a".into(),
                    lower: Money(0),
                    upper: Some(Money::euros(10)),
                    label: String::new(),
                },
                Band {
                    id: "a".into(),
                    lower: Money::euros(10),
                    upper: None,
                    label: String::new(),
                },
            ],
            ..Default::default()
        }),
    ));
    w.blocks.push(Block::new(
        "kx",
        "KX",
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules: vec![
                Rule {
                    id: "otherwise".into(),
                    label: String::new(),
                    condition: "betrag > 1".into(),
                },
                Rule {
                    id: "r".into(),
                    label: String::new(),
                    condition: "betrag > 2".into(),
                },
                Rule {
                    id: "r".into(),
                    label: String::new(),
                    condition: "betrag < 1".into(),
                },
            ],
            ..Default::default()
        }),
    ));
    let f = validate(&w);
    let params: BTreeSet<String> = f
        .iter()
        .filter(|f| f.code == "E_DUPLICATE_ID")
        .filter_map(|f| f.element.param.clone())
        .collect();
    assert_eq!(
        params,
        set(&["bands[1].id", "outcomes[1]", "rules[0].id", "rules[2].id"]),
        "{f:#?}"
    );
}

#[test]
fn unreachable_blocks_only_get_e_unreachable_among_graph_findings() {
    let mut w = base();
    // An island with unwired ports, a multiple port and a missing template.
    w.blocks.push(Block::new(
        "insel",
        "Insel",
        BlockKind::Rueckfrage(RueckfrageParams {
            reply_deadline: Some(Duration::days(14)),
            ..Default::default()
        }),
    ));
    w.blocks.push(ende("ende2"));
    w.edges.push(edge("e3", "insel", "reply", "ende"));
    w.edges.push(edge("e4", "insel", "reply", "ende2"));
    let f = validate(&w);
    let on_island: BTreeSet<String> = f
        .iter()
        .filter(|f| {
            f.element
                .block
                .as_ref()
                .is_some_and(|b| b.as_str() == "insel")
        })
        .map(|f| f.code.clone())
        .collect();
    // Parameter finding stays; no E_PORT_MULTIPLE, no E_RUECKFRAGE_NO_TIMEOUT (port part).
    assert_eq!(
        on_island,
        set(&["E_TEMPLATE_MISSING", "E_UNREACHABLE"]),
        "{f:#?}"
    );

    // The parameter part of a composite code survives unreachability.
    w.blocks[3] = Block::new(
        "insel",
        "Insel",
        BlockKind::Rueckfrage(RueckfrageParams {
            template: "t".into(),
            ..Default::default()
        }),
    );
    let f = validate(&w);
    let rf: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == "E_RUECKFRAGE_NO_TIMEOUT")
        .collect();
    assert_eq!(rf.len(), 1);
    assert_eq!(rf[0].element.param.as_deref(), Some("replyDeadline"));
    assert_eq!(rf[0].element.port, None);
}

#[test]
fn dead_end_suppresses_unwired_ports_and_no_end_suppresses_dead_ends() {
    let mut w = base();
    w.blocks[1] = sb("pruefen", &["ok", "reject"]);
    w.blocks
        .push(sb("sackgasse", &["ok", "reject", "rueckfrage"]));
    w.edges.push(edge("e3", "pruefen", "reject", "sackgasse"));
    assert_eq!(codes_of(&w), set(&["E_DEAD_END"]));
    // Without any Ende, E_NO_END stands for the dead ends.
    let mut w = base();
    w.blocks = vec![start(), sb("pruefen", &["ok", "reject"])];
    w.edges.truncate(1);
    assert_eq!(codes_of(&w), set(&["E_NO_END"]));
}

#[test]
fn specific_port_codes_replace_e_port_unwired() {
    // Rückfrage without deadline and without timeout edge: one finding.
    let mut w = base();
    w.blocks[1] = sb("pruefen", &["ok", "rueckfrage"]);
    w.blocks.push(Block::new(
        "rf",
        "Rückfrage",
        BlockKind::Rueckfrage(RueckfrageParams {
            template: "t".into(),
            max_rounds: Some(2),
            ..Default::default()
        }),
    ));
    w.edges.push(edge("e3", "pruefen", "rueckfrage", "rf"));
    w.edges.push(edge("e4", "rf", "reply", "pruefen"));
    let f = validate(&w);
    assert_eq!(codes(&f), set(&["E_RUECKFRAGE_NO_TIMEOUT"]), "{f:#?}");
    assert_eq!(f[0].element.port.as_deref(), Some("timeout"));
    assert_eq!(f[0].element.param.as_deref(), Some("replyDeadline"));

    // Komplexitäts-Weiche without any edge: dead end plus the router's own code, no E_PORT_UNWIRED.
    let mut w = base();
    w.fields.push(field("x", FieldType::Int));
    w.blocks[1] = sb("pruefen", &["ok", "reject"]);
    w.blocks.push(Block::new(
        "kx",
        "KX",
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules: vec![Rule {
                id: "r".into(),
                label: String::new(),
                condition: "x > 1".into(),
            }],
            ..Default::default()
        }),
    ));
    w.edges.push(edge("e3", "pruefen", "reject", "kx"));
    assert_eq!(codes_of(&w), set(&["E_DEAD_END", "E_ROUTER_NO_DEFAULT"]));
    // With the rule port wired only: E_ROUTER_NO_DEFAULT alone.
    w.edges.push(edge("e4", "kx", "r", "ende"));
    assert_eq!(codes_of(&w), set(&["E_ROUTER_NO_DEFAULT"]));
}

#[test]
fn exitless_cycle_with_an_unwired_port_reports_the_port() {
    let mut w = base();
    w.blocks[1] = sb("pruefen", &["ok", "reject"]);
    w.blocks.push(sb("nochmal", &["ok", "reject"]));
    w.edges = vec![
        edge("e1", "start", "next", "pruefen"),
        edge("e2", "pruefen", "ok", "nochmal"),
        edge("e3", "nochmal", "ok", "pruefen"),
        edge("e4", "pruefen", "reject", "nochmal"),
    ];
    // The Ende is unreachable, the cycle's missing exit is nochmal.reject.
    assert_eq!(codes_of(&w), set(&["E_PORT_UNWIRED", "E_UNREACHABLE"]));
    w.edges.push(edge("e5", "nochmal", "reject", "pruefen"));
    assert_eq!(codes_of(&w), set(&["E_NO_EXIT_CYCLE", "E_UNREACHABLE"]));
    // A self-loop without exit is a cycle too.
    let mut w = base();
    w.edges[1] = edge("e2", "pruefen", "ok", "pruefen");
    assert_eq!(codes_of(&w), set(&["E_NO_EXIT_CYCLE", "E_UNREACHABLE"]));
}

#[test]
fn eskalation_reachability_and_dead_end_exemption() {
    let mut w = base();
    w.roles.push(role("R-TL", None));
    let esk = |interrupting: bool, attached: Option<&str>| {
        BlockKind::Eskalation(EskalationParams {
            attached_to: attached.map(BlockId::new),
            after: Some(Duration::days(3)),
            interrupting,
            escalate_to: Some(Assignee::Role(RoleId::new("R-TL"))),
        })
    };
    w.blocks
        .push(Block::new("esk", "Eskalation", esk(false, Some("pruefen"))));
    assert!(validate(&w).is_empty());
    // Interrupting without an escalated edge: the block is a dead end.
    w.blocks[3].kind = esk(true, Some("pruefen"));
    assert_eq!(codes_of(&w), set(&["E_DEAD_END"]));
    w.edges.push(edge("e3", "esk", "escalated", "ende"));
    assert!(validate(&w).is_empty());
    // Attached to nothing / to a missing block: the specific codes, not E_UNREACHABLE.
    w.blocks[3].kind = esk(true, None);
    assert_eq!(codes_of(&w), set(&["E_ESKALATION_NOT_ON_TASK"]));
    w.blocks[3].kind = esk(true, Some("weg"));
    assert_eq!(codes_of(&w), set(&["E_UNKNOWN_BLOCK"]));
    // Non-interrupting with an outgoing edge: that port does not exist.
    w.blocks[3].kind = esk(false, Some("pruefen"));
    assert_eq!(codes_of(&w), set(&["E_PORT_UNKNOWN"]));
}
