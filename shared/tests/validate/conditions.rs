//! Routing conditions and payment amounts: unknown fields, types, parse positions, shadowing.

use super::*;

fn router_with(conds: &[&str], fields: Vec<Field>) -> Workflow {
    let mut w = base();
    w.fields = fields;
    w.blocks[1] = sb("pruefen", &["ok"]);
    let rules: Vec<Rule> = conds
        .iter()
        .enumerate()
        .map(|(k, c)| Rule {
            id: format!("r{k}"),
            label: String::new(),
            condition: c.to_string(),
        })
        .collect();
    w.blocks.push(Block::new(
        "kx",
        "KX",
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules: rules.clone(),
            ..Default::default()
        }),
    ));
    w.edges[1] = edge("e2", "pruefen", "ok", "kx");
    for r in &rules {
        w.edges
            .push(edge(&format!("e-{}", r.id), "kx", &r.id, "ende"));
    }
    w.edges.push(edge("e-o", "kx", "otherwise", "ende"));
    w
}

#[test]
fn conditions_report_unknown_fields_types_and_positions() {
    let fields = || {
        vec![
            field("x", FieldType::Int),
            field("flag", FieldType::Bool),
            field("name", FieldType::Text),
        ]
    };
    let f = validate(&router_with(&["y > 1"], fields()));
    assert_eq!(codes(&f), set(&["E_UNKNOWN_FIELD"]));
    assert_eq!(f[0].element.field.as_deref(), Some("y"));
    assert_eq!(f[0].element.param.as_deref(), Some("rules[0].condition"));

    let f = validate(&router_with(&["name"], fields()));
    assert_eq!(codes(&f), set(&["E_FIELD_TYPE"]));

    let f = validate(&router_with(&["x + 1"], fields()));
    assert_eq!(codes(&f), set(&["E_CONDITION_INVALID"]));

    let f = validate(&router_with(&["x > \"a\""], fields()));
    assert_eq!(codes(&f), set(&["E_CONDITION_INVALID"]));
    assert!(f[0].message_de.contains("Zeichen 1"), "{}", f[0].message_de);

    let f = validate(&router_with(&["flag = true and x > > 3"], fields()));
    assert_eq!(codes(&f), set(&["E_CONDITION_INVALID"]));
    assert!(
        f[0].message_de.contains("Zeichen 21"),
        "{}",
        f[0].message_de
    );
    assert!(
        f[0].message_en.contains("character 21"),
        "{}",
        f[0].message_en
    );

    // The system field is always available; `==` is accepted.
    assert!(validate(&router_with(&["aktenzeichen == \"A-1\"", "flag"], fields())).is_empty());
}

#[test]
fn shadowing_is_only_reported_when_certain() {
    let fields = || {
        vec![
            field("x", FieldType::Int),
            field("y", FieldType::Int),
            field("flag", FieldType::Bool),
        ]
    };
    let shadowed = |conds: &[&str]| {
        validate(&router_with(conds, fields()))
            .into_iter()
            .filter(|f| f.code == "W_RULE_SHADOWED")
            .filter_map(|f| f.element.param)
            .collect::<Vec<_>>()
    };
    assert_eq!(shadowed(&["x > 30", "x > 50"]), vec!["rules[1].condition"]);
    assert_eq!(
        shadowed(&["x > 30", "y > 1", "x > 40 and flag"]),
        vec!["rules[2].condition"]
    );
    assert!(shadowed(&["x > 50", "x > 30"]).is_empty());
    assert!(shadowed(&["x > 30", "y > 50"]).is_empty());
    assert!(shadowed(&["x > 30 and y > 1", "x > 50"]).is_empty());
    assert!(
        shadowed(&["x < 10", "x >= 10", "x > 3"]).is_empty(),
        "unions are not claimed"
    );
    // A constant-true rule is reported as such; the rules after it are not also "shadowed".
    let f = validate(&router_with(&["true", "x > 1", "x > 2"], fields()));
    assert_eq!(codes(&f), set(&["W_RULE_CONSTANT_TRUE"]));
}

#[test]
fn payment_amounts() {
    let with_amount = |amount: &str| {
        let mut w = load("E_PAYMENT_NO_METHOD.ok.json");
        w.fields = vec![
            field("gebuehr", FieldType::Money),
            field("flaecheQm", FieldType::Int),
            field("name", FieldType::Text),
        ];
        if let Some(BlockKind::Zahlung(p)) =
            w.block_mut(&BlockId::new("zahlung")).map(|b| &mut b.kind)
        {
            p.amount = amount.into();
        }
        codes_of(&w)
    };
    assert!(with_amount("50.00").is_empty());
    assert!(with_amount("gebuehr").is_empty());
    assert!(with_amount("flaecheQm * 2.5").is_empty());
    assert_eq!(with_amount(""), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("0"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("-5"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(
        with_amount("10 / 3"),
        set(&["E_AMOUNT_INVALID"]),
        "fractions of a cent"
    );
    assert_eq!(with_amount("1 / 0"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("50 €"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("name"), set(&["E_FIELD_TYPE"]));
    assert_eq!(with_amount("gebuehr > 1"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("gebuehrr"), set(&["E_UNKNOWN_FIELD"]));
}
