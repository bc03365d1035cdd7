//! Shared test helpers: proptest strategies for the whole model, an op-sequence generator and an
//! independent checker for the conventions that templates and synthetic workflows follow.
//! Include with `mod common;` from any test file.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use fachwerk_shared::catalog;
use fachwerk_shared::model::*;
use fachwerk_shared::ops::Op;
use fachwerk_shared::values::{Duration, Money};
use proptest::prelude::*;
use proptest::sample::select;

/// A template from `workflows/`, parsed.
pub fn template(name: &str) -> Workflow {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../workflows/{name}.json"));
    fachwerk_shared::parse_workflow(&std::fs::read_to_string(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Values

/// Any text: plain, German with quotes and symbols, or arbitrary unicode (incl. control chars).
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 äöüÄÖÜß€§.,:;()\"'\\\\/{}<>&\t\n-]{0,16}",
        1 => any::<String>().prop_map(|s| s.chars().take(16).collect()),
        1 => Just(String::new()),
    ]
}

pub fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// Money in a range that formats and parses exactly (± 10^11 euros).
pub fn money() -> impl Strategy<Value = Money> {
    prop_oneof![
        (-10_000_000_000_000i64..10_000_000_000_000i64).prop_map(Money),
        (0i64..100_000).prop_map(Money::euros),
        Just(Money(0)),
    ]
}

/// Durations as users write them: valid ISO 8601, zero, or arbitrary (invalid) text.
pub fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        3 => (1u32..400).prop_map(Duration::days),
        1 => (1u32..100).prop_map(|h| Duration::new(format!("PT{h}H"))),
        1 => (0u32..5, 0u32..12, 0u32..30).prop_map(|(y, m, d)| Duration::new(format!("P{y}Y{m}M{d}D"))),
        1 => Just(Duration::new("P0D")),
        1 => text().prop_map(Duration::new),
    ]
}

pub fn opt_duration() -> impl Strategy<Value = Option<Duration>> {
    proptest::option::of(duration())
}

pub fn role_id() -> impl Strategy<Value = RoleId> {
    prop_oneof![3 => "R-[A-Z]{1,4}".prop_map(RoleId), 1 => text().prop_map(RoleId)]
}

pub fn block_id() -> impl Strategy<Value = BlockId> {
    prop_oneof![3 => "[a-z][a-z0-9-]{0,8}".prop_map(BlockId), 1 => text().prop_map(BlockId)]
}

pub fn assignee() -> impl Strategy<Value = Assignee> {
    prop_oneof![
        3 => role_id().prop_map(Assignee::Role),
        1 => text().prop_map(Assignee::Person),
        1 => Just(Assignee::Initiator),
        1 => text().prop_map(Assignee::Expression),
    ]
}

pub fn opt_assignee() -> impl Strategy<Value = Option<Assignee>> {
    proptest::option::of(assignee())
}

pub fn recipient() -> impl Strategy<Value = Recipient> {
    prop_oneof![
        Just(Recipient::Applicant),
        role_id().prop_map(Recipient::Role),
        text().prop_map(Recipient::Person),
        Just(Recipient::Initiator),
        text().prop_map(Recipient::External),
    ]
}

// ---------------------------------------------------------------------------------------------
// Block parameters, one strategy per block type

pub fn start_params() -> impl Strategy<Value = StartParams> {
    (
        select(Trigger::ALL),
        opt_text(),
        opt_assignee(),
        opt_text(),
        any::<bool>(),
    )
        .prop_map(
            |(trigger, form_ref, initiator_role, timer, eingangsbestaetigung)| StartParams {
                trigger,
                form_ref,
                initiator_role,
                timer,
                eingangsbestaetigung,
            },
        )
}

pub fn outcomes() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        3 => proptest::sample::subsequence(vec!["ok", "reject", "rueckfrage"], 1..=3)
            .prop_map(|v| v.into_iter().map(String::from).collect()),
        1 => prop::collection::vec(text(), 0..4),
    ]
}

pub fn sachbearbeitung_params() -> impl Strategy<Value = SachbearbeitungParams> {
    (
        opt_assignee(),
        text(),
        outcomes(),
        opt_duration(),
        opt_text(),
    )
        .prop_map(|(assignee, instructions, outcomes, due_in, form_ref)| {
            SachbearbeitungParams {
                assignee,
                instructions,
                outcomes,
                due_in,
                form_ref,
            }
        })
}

pub fn vier_augen_params() -> impl Strategy<Value = VierAugenParams> {
    (
        opt_assignee(),
        proptest::option::of(block_id()),
        opt_assignee(),
        prop::collection::vec(block_id(), 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(first_check, first_check_block, second_check, distinct_from, exclude_initiator)| {
                VierAugenParams {
                    first_check,
                    first_check_block,
                    second_check,
                    distinct_from,
                    exclude_initiator,
                }
            },
        )
}

pub fn participant() -> impl Strategy<Value = Participant> {
    (opt_assignee(), text(), any::<bool>()).prop_map(|(assignee, label, mandatory)| Participant {
        assignee,
        label,
        mandatory,
    })
}

pub fn mitzeichnung_params() -> impl Strategy<Value = MitzeichnungParams> {
    (
        prop::collection::vec(participant(), 0..4),
        select(MitzeichnungMode::ALL),
        prop_oneof![
            Just(DecisionRule::AllApprove),
            any::<u32>().prop_map(|n| DecisionRule::Quorum { n })
        ],
        opt_duration(),
        select(CommentRule::ALL),
    )
        .prop_map(
            |(participants, mode, decision_rule, due_in, comment)| MitzeichnungParams {
                participants,
                mode,
                decision_rule,
                due_in,
                comment,
            },
        )
}

pub fn schlusszeichnung_params() -> impl Strategy<Value = SchlusszeichnungParams> {
    (
        opt_assignee(),
        opt_text(),
        select(SignatureLevel::ALL),
        select(Zeichnungszusatz::ALL),
    )
        .prop_map(
            |(signer, amount_field, signature_level, zeichnungszusatz)| SchlusszeichnungParams {
                signer,
                amount_field,
                signature_level,
                zeichnungszusatz,
            },
        )
}

pub fn band() -> impl Strategy<Value = Band> {
    (text(), money(), proptest::option::of(money()), text()).prop_map(
        |(id, lower, upper, label)| Band {
            id,
            lower,
            upper,
            label,
        },
    )
}

pub fn wertgrenzen_params() -> impl Strategy<Value = WertgrenzenParams> {
    (
        text(),
        select(AmountBasis::ALL),
        prop_oneof![Just("EUR".to_string()), text()],
        prop::collection::vec(band(), 0..4),
    )
        .prop_map(|(amount_field, basis, currency, bands)| WertgrenzenParams {
            amount_field,
            basis,
            currency,
            bands,
        })
}

pub fn rule() -> impl Strategy<Value = Rule> {
    (
        text(),
        text(),
        prop_oneof![
            Just("fahrbahnBetroffen = true or dauerTage > 30".to_string()),
            Just("betragNetto > 25000".to_string()),
            text(),
        ],
    )
        .prop_map(|(id, label, condition)| Rule {
            id,
            label,
            condition,
        })
}

pub fn komplexitaet_params() -> impl Strategy<Value = KomplexitaetParams> {
    (prop::collection::vec(rule(), 0..4), select(Evaluation::ALL))
        .prop_map(|(rules, evaluation)| KomplexitaetParams { rules, evaluation })
}

pub fn rueckfrage_params() -> impl Strategy<Value = RueckfrageParams> {
    (
        select(RueckfrageChannel::ALL),
        text(),
        opt_duration(),
        opt_duration(),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(
            |(channel, template, reply_deadline, reminder_after, max_rounds)| RueckfrageParams {
                channel,
                template,
                reply_deadline,
                reminder_after,
                max_rounds,
            },
        )
}

pub fn frist_params() -> impl Strategy<Value = FristParams> {
    (
        select(FristKind::ALL),
        opt_duration(),
        opt_text(),
        opt_duration(),
        select(Calendar::ALL),
        opt_assignee(),
    )
        .prop_map(
            |(kind, duration, date_field, offset, calendar, notify)| FristParams {
                kind,
                duration,
                date_field,
                offset,
                calendar,
                notify,
            },
        )
}

pub fn eskalation_params() -> impl Strategy<Value = EskalationParams> {
    (
        proptest::option::of(block_id()),
        opt_duration(),
        any::<bool>(),
        opt_assignee(),
    )
        .prop_map(
            |(attached_to, after, interrupting, escalate_to)| EskalationParams {
                attached_to,
                after,
                interrupting,
                escalate_to,
            },
        )
}

pub fn bescheid_params() -> impl Strategy<Value = BescheidParams> {
    (
        text(),
        select(SignatureLevel::ALL),
        select(BescheidChannel::ALL),
        opt_duration(),
        any::<u32>(),
    )
        .prop_map(
            |(template, signature_level, channel, abruf_frist, fiktion_tage)| BescheidParams {
                template,
                signature_level,
                channel,
                abruf_frist,
                fiktion_tage,
            },
        )
}

pub fn zahlung_params() -> impl Strategy<Value = ZahlungParams> {
    (
        prop_oneof![
            Just("50.00".to_string()),
            Just("flaecheQm * 2.5".to_string()),
            text()
        ],
        opt_text(),
        prop::collection::vec(select(PaymentMethod::ALL), 0..4),
        select(PaymentTiming::ALL),
        opt_duration(),
    )
        .prop_map(
            |(amount, kassenzeichen_field, methods, timing, pay_deadline)| ZahlungParams {
                amount,
                kassenzeichen_field,
                methods,
                timing,
                pay_deadline,
            },
        )
}

pub fn veraktung_params() -> impl Strategy<Value = VeraktungParams> {
    (
        text(),
        text(),
        (select(ContainerKind::ALL), text())
            .prop_map(|(kind, field)| ContainerRule { kind, field }),
        prop::collection::vec(select(Include::ALL), 0..4),
        any::<bool>(),
        proptest::option::of(any::<u32>()),
        proptest::option::of(select(Aussonderungsart::ALL)),
    )
        .prop_map(
            |(
                target,
                aktenplan_kennzeichen,
                container_rule,
                include,
                zda,
                aufbewahrungsdauer_jahre,
                aussonderungsart,
            )| VeraktungParams {
                target,
                aktenplan_kennzeichen,
                container_rule,
                include,
                zda,
                aufbewahrungsdauer_jahre,
                aussonderungsart,
            },
        )
}

pub fn benachrichtigung_params() -> impl Strategy<Value = BenachrichtigungParams> {
    (
        proptest::option::of(recipient()),
        select(NotifyChannel::ALL),
        text(),
        select(TemplateKind::ALL),
    )
        .prop_map(
            |(recipient, channel, template, template_kind)| BenachrichtigungParams {
                recipient,
                channel,
                template,
                template_kind,
            },
        )
}

pub fn ende_params() -> impl Strategy<Value = EndeParams> {
    (select(EndResult::ALL), any::<bool>())
        .prop_map(|(result, terminate)| EndeParams { result, terminate })
}

/// Any block type with arbitrary parameters.
pub fn block_kind() -> impl Strategy<Value = BlockKind> {
    prop_oneof![
        start_params().prop_map(BlockKind::Start),
        sachbearbeitung_params().prop_map(BlockKind::Sachbearbeitung),
        vier_augen_params().prop_map(BlockKind::VierAugen),
        mitzeichnung_params().prop_map(BlockKind::Mitzeichnung),
        schlusszeichnung_params().prop_map(BlockKind::Schlusszeichnung),
        wertgrenzen_params().prop_map(BlockKind::Wertgrenzen),
        komplexitaet_params().prop_map(BlockKind::Komplexitaet),
        rueckfrage_params().prop_map(BlockKind::Rueckfrage),
        frist_params().prop_map(BlockKind::Frist),
        eskalation_params().prop_map(BlockKind::Eskalation),
        bescheid_params().prop_map(BlockKind::Bescheid),
        zahlung_params().prop_map(BlockKind::Zahlung),
        veraktung_params().prop_map(BlockKind::Veraktung),
        benachrichtigung_params().prop_map(BlockKind::Benachrichtigung),
        ende_params().prop_map(BlockKind::Ende),
    ]
}

pub fn field_type() -> impl Strategy<Value = FieldType> {
    select(vec![
        FieldType::Money,
        FieldType::Date,
        FieldType::Int,
        FieldType::Bool,
        FieldType::Enum,
        FieldType::Text,
    ])
}

pub fn rect() -> impl Strategy<Value = Rect> {
    (any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>()).prop_map(|(x, y, w, h)| Rect {
        x,
        y,
        w,
        h,
    })
}

pub fn point() -> impl Strategy<Value = Point> {
    (any::<i32>(), any::<i32>()).prop_map(|(x, y)| Point { x, y })
}

/// Non-empty waypoint lists (an empty list is the same as none, see the ops report).
pub fn waypoints() -> impl Strategy<Value = Vec<Point>> {
    prop::collection::vec(point(), 1..3)
}

pub fn field() -> impl Strategy<Value = Field> {
    (
        text(),
        text(),
        field_type(),
        prop::collection::vec(text(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(name, label, field_type, values, required)| Field {
            name,
            label,
            field_type,
            values,
            required,
        })
}

pub fn role() -> impl Strategy<Value = Role> {
    (role_id(), text(), opt_text(), proptest::option::of(money())).prop_map(
        |(id, name, org_unit, signing_limit)| Role {
            id,
            name,
            org_unit,
            signing_limit,
        },
    )
}

/// Makes `base` unique by appending `#i` (the part after the last '#' is always the index).
fn unique(base: &str, i: usize) -> String {
    format!("{base}#{i}")
}

/// Arbitrary, internally consistent workflows: unique ids and names, edges between existing
/// blocks, layout only for existing blocks and edges, waypoint lists non-empty. Parameters and
/// references inside parameters are arbitrary (they need not validate).
pub fn workflow() -> impl Strategy<Value = Workflow> {
    let header = (
        text(),
        text(),
        text(),
        text(),
        any::<u64>(),
        0u32..=fachwerk_shared::model::SCHEMA_VERSION,
        proptest::option::of(any::<u32>()),
    );
    let blocks = prop::collection::vec(
        (
            block_id(),
            text(),
            block_kind(),
            proptest::option::of(rect()),
        ),
        0..8,
    );
    let edges = prop::collection::vec(
        (
            text(),
            any::<usize>(),
            any::<usize>(),
            text(),
            proptest::option::of(waypoints()),
        ),
        0..10,
    );
    (
        header,
        prop::collection::vec(field(), 0..4),
        prop::collection::vec(role(), 0..4),
        blocks,
        edges,
    )
        .prop_map(
            |(
                (key, name, description, version, next_id, schema_version, history_ttl),
                fields,
                roles,
                blocks,
                edges,
            )| {
                let mut w = Workflow::new(key, name);
                w.description = description;
                w.version = version;
                w.next_id = next_id;
                w.schema_version = schema_version;
                w.history_time_to_live_days = history_ttl;
                w.fields = fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut f)| {
                        f.name = unique(&f.name, i);
                        f
                    })
                    .collect();
                w.roles = roles
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut r)| {
                        r.id = RoleId(unique(&r.id.0, i));
                        r
                    })
                    .collect();
                for (i, (id, label, kind, rect)) in blocks.into_iter().enumerate() {
                    let id = BlockId(unique(&id.0, i));
                    if let Some(r) = rect {
                        w.layout.blocks.insert(id.clone(), r);
                    }
                    w.blocks.push(Block { id, label, kind });
                }
                if !w.blocks.is_empty() {
                    let n = w.blocks.len();
                    for (i, (id, from, to, port, points)) in edges.into_iter().enumerate() {
                        let id = EdgeId(unique(&id, i));
                        if let Some(p) = points {
                            w.layout.edges.insert(id.clone(), p);
                        }
                        w.edges.push(Edge {
                            id,
                            from: w.blocks[from % n].id.clone(),
                            port,
                            to: w.blocks[to % n].id.clone(),
                        });
                    }
                }
                w
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Op sequences

/// Picks an existing element by index, or names one that does not exist.
#[derive(Debug, Clone, Copy)]
pub struct Sel {
    pub index: usize,
    pub missing: bool,
}

pub fn sel() -> impl Strategy<Value = Sel> {
    (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(index, missing)| Sel { index, missing })
}

/// An op described relative to whatever workflow it is applied to.
#[derive(Debug, Clone)]
pub enum OpSpec {
    AddBlock {
        label: String,
        kind: BlockKind,
        rect: Option<Rect>,
        index: Option<usize>,
        reuse_id: Option<Sel>,
    },
    RemoveBlock(Sel),
    MoveBlock(Sel, Rect),
    Unplace(Sel),
    SetParams(Sel, BlockKind),
    RenameBlock(Sel, String),
    Connect {
        from: Sel,
        to: Sel,
        port: String,
        waypoints: Vec<Point>,
        index: Option<usize>,
        reuse_id: Option<Sel>,
    },
    Disconnect(Sel),
    Retarget(Sel, Sel),
    SetWaypoints(Sel, Vec<Point>),
    SetInfo(String, String),
    SetKey(String),
    SetHistoryTtl(Option<u32>),
    SetNextId(u64),
    AddRole {
        role: Role,
        index: Option<usize>,
        reuse_id: Option<Sel>,
    },
    RemoveRole(Sel),
    UpdateRole(Sel, Role),
    AddField {
        field: Field,
        index: Option<usize>,
        reuse_name: Option<Sel>,
    },
    RemoveField(Sel),
    UpdateField {
        which: Sel,
        field: Field,
        rename_to: Option<Sel>,
    },
    Batch(Vec<OpSpec>),
}

fn reuse() -> impl Strategy<Value = Option<Sel>> {
    proptest::option::weighted(0.15, sel())
}

fn index() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(0usize..12)
}

fn leaf_op() -> impl Strategy<Value = OpSpec> {
    prop_oneof![
        (
            text(),
            block_kind(),
            proptest::option::of(rect()),
            index(),
            reuse()
        )
            .prop_map(|(label, kind, rect, index, reuse_id)| OpSpec::AddBlock {
                label,
                kind,
                rect,
                index,
                reuse_id
            }),
        sel().prop_map(OpSpec::RemoveBlock),
        (sel(), rect()).prop_map(|(s, r)| OpSpec::MoveBlock(s, r)),
        sel().prop_map(OpSpec::Unplace),
        (sel(), block_kind()).prop_map(|(s, k)| OpSpec::SetParams(s, k)),
        (sel(), text()).prop_map(|(s, t)| OpSpec::RenameBlock(s, t)),
        (
            sel(),
            sel(),
            text(),
            prop::collection::vec(point(), 0..3),
            index(),
            reuse()
        )
            .prop_map(
                |(from, to, port, waypoints, index, reuse_id)| OpSpec::Connect {
                    from,
                    to,
                    port,
                    waypoints,
                    index,
                    reuse_id
                }
            ),
        sel().prop_map(OpSpec::Disconnect),
        (sel(), sel()).prop_map(|(a, b)| OpSpec::Retarget(a, b)),
        (sel(), prop::collection::vec(point(), 0..3)).prop_map(|(s, p)| OpSpec::SetWaypoints(s, p)),
        (text(), text()).prop_map(|(a, b)| OpSpec::SetInfo(a, b)),
        prop_oneof![Just("neuer-ablauf".to_string()), "[a-z0-9-]{1,12}", text()]
            .prop_map(OpSpec::SetKey),
        prop::option::of(0u32..20_000).prop_map(OpSpec::SetHistoryTtl),
        (0u64..40).prop_map(OpSpec::SetNextId),
        (role(), index(), reuse()).prop_map(|(role, index, reuse_id)| OpSpec::AddRole {
            role,
            index,
            reuse_id
        }),
        sel().prop_map(OpSpec::RemoveRole),
        (sel(), role()).prop_map(|(s, r)| OpSpec::UpdateRole(s, r)),
        (field(), index(), reuse()).prop_map(|(field, index, reuse_name)| OpSpec::AddField {
            field,
            index,
            reuse_name
        }),
        sel().prop_map(OpSpec::RemoveField),
        (sel(), field(), reuse()).prop_map(|(which, field, rename_to)| OpSpec::UpdateField {
            which,
            field,
            rename_to
        }),
    ]
}

/// Single ops and batches of them (batches may contain failing ops: all or nothing).
pub fn op_spec() -> impl Strategy<Value = OpSpec> {
    prop_oneof![5 => leaf_op(), 1 => prop::collection::vec(leaf_op(), 0..5).prop_map(OpSpec::Batch)]
}

const MISSING: &str = "gibt-es-nicht\u{2205}";

fn pick<T: Clone>(items: &[T], s: Sel, missing: impl FnOnce() -> T) -> T {
    if s.missing || items.is_empty() {
        missing()
    } else {
        items[s.index % items.len()].clone()
    }
}

/// Turns a spec into a concrete op for `w`; `fresh` numbers new ids.
pub fn resolve(spec: &OpSpec, w: &Workflow, fresh: &mut u64) -> Op {
    let block_ids: Vec<BlockId> = w.blocks.iter().map(|b| b.id.clone()).collect();
    let edge_ids: Vec<EdgeId> = w.edges.iter().map(|e| e.id.clone()).collect();
    let role_ids: Vec<RoleId> = w.roles.iter().map(|r| r.id.clone()).collect();
    let field_names: Vec<String> = w.fields.iter().map(|f| f.name.clone()).collect();
    let mut new_id = |prefix: &str| {
        *fresh += 1;
        format!("{prefix}-neu-{fresh}")
    };
    let block = |s: Sel| pick(&block_ids, s, || BlockId::new(MISSING));
    let edge = |s: Sel| pick(&edge_ids, s, || EdgeId::new(MISSING));
    let role_id = |s: Sel| pick(&role_ids, s, || RoleId::new(MISSING));
    let field_name = |s: Sel| pick(&field_names, s, || MISSING.to_string());
    match spec.clone() {
        OpSpec::AddBlock {
            label,
            kind,
            rect,
            index,
            reuse_id,
        } => {
            let id = match reuse_id {
                Some(s) => block(s),
                None => BlockId(new_id("b")),
            };
            Op::AddBlock {
                block: Block { id, label, kind },
                rect,
                index,
            }
        }
        OpSpec::RemoveBlock(s) => Op::RemoveBlock { id: block(s) },
        OpSpec::MoveBlock(s, to) => Op::MoveBlock { id: block(s), to },
        OpSpec::Unplace(s) => Op::Unplace { id: block(s) },
        OpSpec::SetParams(s, kind) => Op::SetParams { id: block(s), kind },
        OpSpec::RenameBlock(s, label) => Op::RenameBlock {
            id: block(s),
            label,
        },
        OpSpec::Connect {
            from,
            to,
            port,
            waypoints,
            index,
            reuse_id,
        } => {
            let id = match reuse_id {
                Some(s) => edge(s),
                None => EdgeId(new_id("e")),
            };
            Op::Connect {
                edge: Edge {
                    id,
                    from: block(from),
                    port,
                    to: block(to),
                },
                waypoints,
                index,
            }
        }
        OpSpec::Disconnect(s) => Op::Disconnect { id: edge(s) },
        OpSpec::Retarget(s, to) => Op::Retarget {
            id: edge(s),
            to: block(to),
        },
        OpSpec::SetWaypoints(s, points) => Op::SetWaypoints {
            id: edge(s),
            points,
        },
        OpSpec::SetInfo(name, description) => Op::SetInfo { name, description },
        OpSpec::SetKey(key) => Op::SetKey { key },
        OpSpec::SetHistoryTtl(days) => Op::SetHistoryTimeToLive { days },
        OpSpec::SetNextId(next_id) => Op::SetNextId { next_id },
        OpSpec::AddRole {
            mut role,
            index,
            reuse_id,
        } => {
            role.id = match reuse_id {
                Some(s) => role_id(s),
                None => RoleId(new_id("R")),
            };
            Op::AddRole { role, index }
        }
        OpSpec::RemoveRole(s) => Op::RemoveRole { id: role_id(s) },
        OpSpec::UpdateRole(s, mut role) => {
            role.id = role_id(s);
            Op::UpdateRole { role }
        }
        OpSpec::AddField {
            mut field,
            index,
            reuse_name,
        } => {
            field.name = match reuse_name {
                Some(s) => field_name(s),
                None => new_id("f"),
            };
            Op::AddField { field, index }
        }
        OpSpec::RemoveField(s) => Op::RemoveField {
            name: field_name(s),
        },
        OpSpec::UpdateField {
            which,
            mut field,
            rename_to,
        } => {
            let name = field_name(which);
            field.name = match rename_to {
                Some(s) => field_name(s),
                None if which.index % 2 == 0 => name.clone(),
                None => new_id("f"),
            };
            Op::UpdateField { name, field }
        }
        OpSpec::Batch(specs) => Op::Batch(specs.iter().map(|s| resolve(s, w, fresh)).collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Conventions checker (independent of `validate`)

/// Roles a block refers to.
pub fn roles_of<'a>(kind: &'a BlockKind) -> Vec<&'a RoleId> {
    let mut out = Vec::new();
    let mut add = |a: &'a Option<Assignee>| {
        if let Some(Assignee::Role(r)) = a {
            out.push(r)
        }
    };
    match kind {
        BlockKind::Start(p) => add(&p.initiator_role),
        BlockKind::Sachbearbeitung(p) => add(&p.assignee),
        BlockKind::VierAugen(p) => {
            add(&p.first_check);
            add(&p.second_check);
        }
        BlockKind::Mitzeichnung(p) => p.participants.iter().for_each(|x| add(&x.assignee)),
        BlockKind::Schlusszeichnung(p) => add(&p.signer),
        BlockKind::Frist(p) => add(&p.notify),
        BlockKind::Eskalation(p) => add(&p.escalate_to),
        BlockKind::Benachrichtigung(p) => {
            if let Some(Recipient::Role(r)) = &p.recipient {
                out.push(r)
            }
        }
        _ => {}
    }
    out
}

fn durations_of(kind: &BlockKind) -> Vec<(&'static str, &Duration)> {
    let mut v: Vec<(&'static str, &Option<Duration>)> = Vec::new();
    match kind {
        BlockKind::Sachbearbeitung(p) => v.push(("dueIn", &p.due_in)),
        BlockKind::Mitzeichnung(p) => v.push(("dueIn", &p.due_in)),
        BlockKind::Rueckfrage(p) => {
            v.push(("replyDeadline", &p.reply_deadline));
            v.push(("reminderAfter", &p.reminder_after));
        }
        BlockKind::Frist(p) => {
            v.push(("duration", &p.duration));
            v.push(("offset", &p.offset));
        }
        BlockKind::Eskalation(p) => v.push(("after", &p.after)),
        BlockKind::Bescheid(p) => v.push(("abrufFrist", &p.abruf_frist)),
        BlockKind::Zahlung(p) => v.push(("payDeadline", &p.pay_deadline)),
        _ => {}
    }
    v.into_iter()
        .filter_map(|(n, d)| d.as_ref().map(|d| (n, d)))
        .collect()
}

/// Successors of each block, Eskalationen counted as successors of the task they watch.
fn successors(w: &Workflow) -> BTreeMap<BlockId, Vec<BlockId>> {
    let mut succ: BTreeMap<BlockId, Vec<BlockId>> = BTreeMap::new();
    for e in &w.edges {
        succ.entry(e.from.clone()).or_default().push(e.to.clone());
    }
    for x in &w.blocks {
        if let BlockKind::Eskalation(p) = &x.kind {
            if let Some(a) = &p.attached_to {
                succ.entry(a.clone()).or_default().push(x.id.clone());
            }
        }
    }
    succ
}

fn reach(
    succ: &BTreeMap<BlockId, Vec<BlockId>>,
    from: &BlockId,
    without: Option<&BTreeSet<BlockId>>,
) -> BTreeSet<BlockId> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([from.clone()]);
    while let Some(b) = queue.pop_front() {
        if without.is_some_and(|s| s.contains(&b)) || seen.contains(&b) {
            continue;
        }
        if let Some(next) = succ.get(&b) {
            queue.extend(next.iter().cloned());
        }
        seen.insert(b);
    }
    seen
}

/// True when every path from `start` to `target` passes through one of `via`.
fn dominated(
    succ: &BTreeMap<BlockId, Vec<BlockId>>,
    start: &BlockId,
    via: &BTreeSet<BlockId>,
    target: &BlockId,
) -> bool {
    !reach(succ, start, Some(via)).contains(target)
}

/// The house conventions of template and synthetic workflows, checked without `validate`:
/// stricter than the validator where the spec leaves room (e.g. signing limits are checked
/// against every band a Schlusszeichnung is reachable from, not only the nearest). Returns one
/// line per problem; empty means fine. `check_layout` adds the layout rules (grid, no overlaps).
pub fn convention_problems(w: &Workflow, check_layout: bool) -> Vec<String> {
    let mut p = Vec::new();
    let ids: BTreeSet<&BlockId> = w.blocks.iter().map(|b| &b.id).collect();
    let roles: BTreeMap<&RoleId, &Role> = w.roles.iter().map(|r| (&r.id, r)).collect();
    let field_type = |name: &str| w.field(name).map(|f| f.field_type);
    let starts: Vec<&Block> = w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Start)
        .collect();
    if starts.len() != 1 {
        p.push(format!("{} start blocks", starts.len()));
    }
    if ids.len() != w.blocks.len() {
        p.push("duplicate block ids".into());
    }
    let edge_ids: BTreeSet<&EdgeId> = w.edges.iter().map(|e| &e.id).collect();
    if edge_ids.len() != w.edges.len() {
        p.push("duplicate edge ids".into());
    }

    // Wiring.
    for b in &w.blocks {
        let ports = catalog::ports(&b.kind);
        for port in &ports {
            let n = w.outgoing(&b.id).filter(|e| e.port == port.name).count();
            if n != 1 {
                p.push(format!("{}: port {} has {n} edges", b.id, port.name));
            }
        }
        for e in w.outgoing(&b.id) {
            if !ports.iter().any(|x| x.name == e.port) {
                p.push(format!(
                    "{}: edge {} leaves through unknown port {}",
                    b.id, e.id, e.port
                ));
            }
        }
        if matches!(b.block_type(), BlockType::Start | BlockType::Eskalation)
            && w.incoming(&b.id).next().is_some()
        {
            p.push(format!("{}: has incoming edges", b.id));
        }
    }
    for e in &w.edges {
        if !ids.contains(&e.from) || !ids.contains(&e.to) {
            p.push(format!("edge {} dangles", e.id));
        }
    }

    // Reachability both ways.
    let succ = successors(w);
    let mut pred: BTreeMap<BlockId, Vec<BlockId>> = BTreeMap::new();
    for (from, tos) in &succ {
        for to in tos {
            pred.entry(to.clone()).or_default().push(from.clone());
        }
    }
    let mut to_end = BTreeSet::new();
    for b in w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Ende)
    {
        to_end.extend(reach(&pred, &b.id, None));
    }
    if let [start] = starts.as_slice() {
        let reached = reach(&succ, &start.id, None);
        for b in &w.blocks {
            if !reached.contains(&b.id) {
                p.push(format!("{}: unreachable", b.id));
                continue;
            }
            let exempt = matches!(&b.kind, BlockKind::Eskalation(e) if !e.interrupting);
            if !exempt && !to_end.contains(&b.id) {
                p.push(format!("{}: no Ende reachable", b.id));
            }
        }
        // Vier-Augen references dominate; Bescheide are signed or preceded by a Zeichnung.
        let signers: BTreeSet<BlockId> = w
            .blocks
            .iter()
            .filter(|b| {
                matches!(
                    b.block_type(),
                    BlockType::Schlusszeichnung | BlockType::VierAugen
                )
            })
            .map(|b| b.id.clone())
            .collect();
        for b in &w.blocks {
            match &b.kind {
                BlockKind::VierAugen(va) => {
                    for r in va.first_check_block.iter().chain(va.distinct_from.iter()) {
                        if !dominated(&succ, &start.id, &BTreeSet::from([r.clone()]), &b.id) {
                            p.push(format!("{}: reference {r} does not dominate", b.id));
                        }
                    }
                    if va.first_check_block.is_none() && va.first_check.is_none() {
                        p.push(format!("{}: no first check", b.id));
                    }
                }
                BlockKind::Bescheid(bp)
                    if !matches!(
                        bp.signature_level,
                        SignatureLevel::Qes | SignatureLevel::Siegel
                    ) && !dominated(&succ, &start.id, &signers, &b.id) =>
                {
                    p.push(format!("{}: Bescheid unsigned", b.id))
                }
                BlockKind::Schlusszeichnung(_) => {
                    let tasks: BTreeSet<BlockId> = w
                        .blocks
                        .iter()
                        .filter(|b| b.block_type() == BlockType::Sachbearbeitung)
                        .map(|b| b.id.clone())
                        .collect();
                    if !dominated(&succ, &start.id, &tasks, &b.id) {
                        p.push(format!(
                            "{}: Schlusszeichnung without preceding Sachbearbeitung",
                            b.id
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    // Signing limits against every band a Schlusszeichnung can be reached from.
    for b in &w.blocks {
        if let BlockKind::Wertgrenzen(wg) = &b.kind {
            for band in &wg.bands {
                for e in w.outgoing(&b.id).filter(|e| e.port == band.id) {
                    for x in reach(&succ, &e.to, None) {
                        let Some(BlockKind::Schlusszeichnung(sz)) = w.block(&x).map(|x| &x.kind)
                        else {
                            continue;
                        };
                        let limit = match &sz.signer {
                            Some(Assignee::Role(r)) => roles.get(r).and_then(|r| r.signing_limit),
                            _ => None,
                        };
                        let too_low = match (limit, band.upper) {
                            (Some(l), Some(u)) => l < u,
                            (Some(_), None) => true,
                            (None, _) => false,
                        };
                        if too_low {
                            p.push(format!("{x}: signer limit below band {}/{}", b.id, band.id));
                        }
                    }
                }
            }
            let mut prev: Option<Money> = Some(Money(0));
            for band in &wg.bands {
                if Some(band.lower) != prev {
                    p.push(format!("{}: bands not contiguous at {}", b.id, band.id));
                }
                prev = band.upper;
            }
            if prev.is_some() {
                p.push(format!("{}: last band bounded", b.id));
            }
            if field_type(&wg.amount_field) != Some(FieldType::Money) {
                p.push(format!(
                    "{}: amount field {} not a declared money field",
                    b.id, wg.amount_field
                ));
            }
        }
    }

    // Per block conventions.
    let authors: BTreeSet<&RoleId> = w
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Sachbearbeitung(s) => match &s.assignee {
                Some(Assignee::Role(r)) => Some(r),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut used_roles = BTreeSet::new();
    for b in &w.blocks {
        for r in roles_of(&b.kind) {
            used_roles.insert(r);
            if !roles.contains_key(r) {
                p.push(format!("{}: unknown role {r}", b.id));
            }
        }
        for (name, d) in durations_of(&b.kind) {
            match d.parse() {
                Ok(parts) if !parts.is_zero() => {}
                _ => p.push(format!(
                    "{}: {name} {:?} is not a positive ISO 8601 duration",
                    b.id, d.0
                )),
            }
        }
        match &b.kind {
            BlockKind::Sachbearbeitung(s) if s.assignee.is_none() => {
                p.push(format!("{}: no assignee", b.id))
            }
            BlockKind::Mitzeichnung(m) => {
                let mut seen = BTreeSet::new();
                for part in &m.participants {
                    if let Some(Assignee::Role(r)) = &part.assignee {
                        if authors.contains(r) {
                            p.push(format!("{}: participant {r} also does case work", b.id));
                        }
                        if !seen.insert(r) {
                            p.push(format!("{}: participant {r} twice", b.id));
                        }
                    }
                }
                if m.participants.is_empty() {
                    p.push(format!("{}: no participants", b.id));
                }
            }
            BlockKind::Schlusszeichnung(s) => {
                if let Some(f) = &s.amount_field {
                    if field_type(f) != Some(FieldType::Money) {
                        p.push(format!("{}: amount field {f} not money", b.id));
                    }
                }
            }
            BlockKind::Rueckfrage(r) => {
                if r.max_rounds.is_none() {
                    p.push(format!("{}: no maxRounds", b.id));
                }
                let secs = |d: &Option<Duration>| {
                    d.as_ref()
                        .and_then(|d| d.parse().ok())
                        .map(|p| p.approx_seconds())
                };
                if let (Some(rem), Some(dl)) = (secs(&r.reminder_after), secs(&r.reply_deadline)) {
                    if rem >= dl {
                        p.push(format!("{}: reminder not before deadline", b.id));
                    }
                }
                if r.reply_deadline.is_none() || r.template.trim().is_empty() {
                    p.push(format!("{}: deadline or template missing", b.id));
                }
            }
            BlockKind::Frist(f) => {
                let ok = match f.kind {
                    FristKind::Warten => f.duration.is_some() && f.date_field.is_none(),
                    FristKind::WiedervorlageAm => {
                        f.duration.is_none()
                            && f.date_field.as_deref().and_then(field_type) == Some(FieldType::Date)
                    }
                };
                if !ok {
                    p.push(format!("{}: Frist parameters inconsistent", b.id));
                }
            }
            BlockKind::Eskalation(e) => {
                let on_task = e
                    .attached_to
                    .as_ref()
                    .and_then(|a| w.block(a))
                    .is_some_and(|a| catalog::info(a.block_type()).human_task);
                if !on_task || e.after.is_none() || e.escalate_to.is_none() {
                    p.push(format!("{}: Eskalation incomplete", b.id));
                }
            }
            BlockKind::Bescheid(bp) => {
                if bp.template.trim().is_empty() || bp.fiktion_tage == 0 {
                    p.push(format!("{}: Bescheid incomplete", b.id));
                }
                if bp.channel == BescheidChannel::PostfachAbruf && bp.abruf_frist.is_none() {
                    p.push(format!("{}: no abrufFrist", b.id));
                }
            }
            BlockKind::Zahlung(z) => {
                if z.methods.is_empty() || z.pay_deadline.is_none() || z.amount.trim().is_empty() {
                    p.push(format!("{}: Zahlung incomplete", b.id));
                }
                let a = z.amount.trim();
                let is_number = a.parse::<f64>().is_ok_and(|x| x > 0.0);
                if !is_number && field_type(a) != Some(FieldType::Money) {
                    p.push(format!(
                        "{}: amount {a} neither a number nor a money field",
                        b.id
                    ));
                }
            }
            BlockKind::Veraktung(v) => {
                if v.target.trim().is_empty() || v.aktenplan_kennzeichen.trim().is_empty() {
                    p.push(format!("{}: Veraktung incomplete", b.id));
                }
                if v.zda && !v.include.contains(&Include::Protokoll) {
                    p.push(format!("{}: zdA without Gesamtprotokoll", b.id));
                }
                if v.container_rule.field != "aktenzeichen"
                    && field_type(&v.container_rule.field).is_none()
                {
                    p.push(format!(
                        "{}: container field {} not declared",
                        b.id, v.container_rule.field
                    ));
                }
                for e in w.outgoing(&b.id) {
                    let next = w.block(&e.to).map(|x| x.block_type());
                    // After filing only an Ende, or the retry task that leads straight back.
                    let retry = w.outgoing(&e.to).all(|x| x.to == b.id)
                        && next == Some(BlockType::Sachbearbeitung);
                    if next != Some(BlockType::Ende) && !(e.port == "fehler" && retry) {
                        p.push(format!("{}: {} leads to a non-Ende block", b.id, e.port));
                    }
                }
            }
            BlockKind::Benachrichtigung(n) => {
                if n.recipient.is_none() || n.template.trim().is_empty() {
                    p.push(format!("{}: Benachrichtigung incomplete", b.id));
                }
                if n.template_kind == TemplateKind::Entscheidung
                    && n.recipient == Some(Recipient::Applicant)
                {
                    p.push(format!("{}: decision as notification", b.id));
                }
            }
            BlockKind::Komplexitaet(k) => {
                for r in &k.rules {
                    for word in r.condition.split(|c: char| !c.is_alphanumeric()) {
                        let known = ["true", "false", "and", "or", "not", ""].contains(&word)
                            || word.parse::<f64>().is_ok();
                        if !known && field_type(word).is_none() {
                            p.push(format!("{}: rule {} uses undeclared {word}", b.id, r.id));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Every Ende is reached from a Veraktung only (filing is the last step).
    for b in w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Ende)
    {
        for e in w.incoming(&b.id) {
            if w.block(&e.from).map(|x| x.block_type()) != Some(BlockType::Veraktung) {
                p.push(format!(
                    "{}: reached from {} which is not a Veraktung",
                    b.id, e.from
                ));
            }
        }
    }
    for r in &w.roles {
        if !used_roles.contains(&r.id) {
            p.push(format!("role {} unused", r.id));
        }
    }
    // Ids: nextId beyond every numeric suffix.
    for id in w
        .blocks
        .iter()
        .map(|b| b.id.0.as_str())
        .chain(w.edges.iter().map(|e| e.id.0.as_str()))
    {
        let digits: String = id
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Ok(n) = digits.parse::<u64>() {
            if n > w.next_id {
                p.push(format!("id {id} beyond nextId {}", w.next_id));
            }
        }
    }
    if check_layout {
        p.extend(layout_problems(w));
    }
    p
}

/// Every block has a rect on the 20 px grid; no two rects overlap.
pub fn layout_problems(w: &Workflow) -> Vec<String> {
    let mut p = Vec::new();
    let mut rects = Vec::new();
    for b in &w.blocks {
        match w.layout.blocks.get(&b.id) {
            None => p.push(format!("{}: no layout", b.id)),
            Some(r) => {
                if r.x % 20 != 0 || r.y % 20 != 0 || r.w <= 0 || r.h <= 0 {
                    p.push(format!("{}: rect {r:?} off the 20 px grid", b.id));
                }
                rects.push((&b.id, *r));
            }
        }
    }
    for k in w.layout.blocks.keys() {
        if w.block(k).is_none() {
            p.push(format!("layout for unknown block {k}"));
        }
    }
    rects.sort_by_key(|(_, r)| (r.x, r.y));
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in rects[i + 1..]
            .iter()
            .take_while(|(_, rb)| rb.x < ra.x + ra.w)
        {
            if rb.y < ra.y + ra.h && ra.y < rb.y + rb.h {
                p.push(format!("{a} and {b} overlap"));
            }
        }
    }
    p
}

/// Every declared port has exactly one edge and no edge uses an undeclared port.
pub fn ports_wired(w: &Workflow) -> bool {
    let mut count: BTreeMap<(&BlockId, &str), usize> = BTreeMap::new();
    for e in &w.edges {
        *count.entry((&e.from, e.port.as_str())).or_default() += 1;
    }
    let mut declared = 0;
    for b in &w.blocks {
        for p in catalog::ports(&b.kind) {
            if count.get(&(&b.id, p.name.as_str())) != Some(&1) {
                return false;
            }
            declared += 1;
        }
    }
    // Each declared port has one edge; any further edge uses an undeclared port.
    declared == w.edges.len()
}
