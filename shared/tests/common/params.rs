//! Strategies for block parameters, one per block type, and for any `BlockKind`.

use fachwerk_shared::model::*;
use proptest::prelude::*;
use proptest::sample::select;

use super::*;

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
