//! Typed parameter forms, one per block type (the list editors are in `tables`).

use fachwerk_shared::{Assignee, Duration, Recipient};
use fachwerk_shared::{
    Aussonderungsart, BescheidChannel, BlockId, BlockKind, BlockType, Calendar, ContainerKind,
    EndResult, FieldType, FristKind, Include, NotifyChannel, PaymentMethod, PaymentTiming,
    RueckfrageChannel, SignatureLevel, TemplateKind, Trigger, Zeichnungszusatz,
};
use leptos::prelude::*;

use super::pickers::{assignee_picker, block_checks, block_picker, field_picker, recipient_picker};
use super::widgets::{
    checkbox, duration_field, enum_checks, enum_select, number_field, param_note, select,
    text_area, text_field,
};
use super::{tables, Editor};
use crate::i18n;
use crate::pure::params::set_outcome;

type Kind = Memo<Option<BlockKind>>;
pub type Id = StoredValue<BlockId>;

/// Key of a parsed field in `Editor::raw`: block id and parameter path.
pub fn key(id: Id, path: &str) -> String {
    format!("{}/{path}", id.get_value())
}

/// Empty text means "not set".
pub fn opt(v: String) -> Option<String> {
    let t = v.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Live findings on a parameter, shown under its field.
pub fn note(id: Id, path: &str) -> impl IntoView {
    param_note(id.get_value().0, path.to_string())
}

pub fn form(ed: Editor, id: BlockId, t: BlockType, kind: Kind) -> AnyView {
    let id = StoredValue::new(id);
    let body = match t {
        BlockType::Start => start(ed, id, kind),
        BlockType::Sachbearbeitung => sachbearbeitung(ed, id, kind),
        BlockType::VierAugen => vier_augen(ed, id, kind),
        BlockType::Mitzeichnung => tables::mitzeichnung(ed, id, kind),
        BlockType::Schlusszeichnung => schlusszeichnung(ed, id, kind),
        BlockType::Wertgrenzen => tables::wertgrenzen(ed, id, kind),
        BlockType::Komplexitaet => tables::komplexitaet(ed, id, kind),
        BlockType::Rueckfrage => rueckfrage(ed, id, kind),
        BlockType::Frist => frist(ed, id, kind),
        BlockType::Eskalation => eskalation(ed, id, kind),
        BlockType::Bescheid => bescheid(ed, id, kind),
        BlockType::Zahlung => zahlung(ed, id, kind),
        BlockType::Veraktung => veraktung(ed, id, kind),
        BlockType::Benachrichtigung => benachrichtigung(ed, id, kind),
        BlockType::Ende => ende(ed, id, kind),
    };
    view! { <div class="params">{body}</div> }.into_any()
}

fn start(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let trigger = param!(kind, Start, |p| p.trigger);
    view! {
        {enum_select(i18n::P_TRIGGER, Trigger::ALL, Trigger::tag, trigger, edit!(ed, id, Start, |p, v: Trigger| p.trigger = v))}
        {text_field(
            i18n::P_FORM_REF,
            param!(kind, Start, |p| p.form_ref.clone().unwrap_or_default()),
            edit!(ed, id, Start, |p, v: String| p.form_ref = opt(v)),
        )}
        {note(id, "formRef")}
        {move || {
            (trigger.get() == Trigger::Intern)
                .then(|| {
                    assignee_picker(
                        i18n::P_INITIATOR_ROLE,
                        param!(kind, Start, |p| p.initiator_role.clone()),
                        edit!(ed, id, Start, |p, v: Option<Assignee>| p.initiator_role = v),
                    )
                })
        }}
        {note(id, "initiatorRole")}
        {move || {
            (trigger.get() == Trigger::Timer)
                .then(|| {
                    text_field(
                        i18n::P_TIMER,
                        param!(kind, Start, |p| p.timer.clone().unwrap_or_default()),
                        edit!(ed, id, Start, |p, v: String| p.timer = opt(v)),
                    )
                })
        }}
        {note(id, "timer")}
        {checkbox(
            i18n::P_RECEIPT,
            param!(kind, Start, |p| p.eingangsbestaetigung),
            edit!(ed, id, Start, |p, v: bool| p.eingangsbestaetigung = v),
        )}
    }
    .into_any()
}

fn sachbearbeitung(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let has = |name: &'static str| {
        param!(kind, Sachbearbeitung, |p| p
            .outcomes
            .iter()
            .any(|o| o == name))
    };
    view! {
        {assignee_picker(
            i18n::P_ASSIGNEE,
            param!(kind, Sachbearbeitung, |p| p.assignee.clone()),
            edit!(ed, id, Sachbearbeitung, |p, v: Option<Assignee>| p.assignee = v),
        )}
        {note(id, "assignee")}
        {text_area(
            i18n::P_INSTRUCTIONS,
            param!(kind, Sachbearbeitung, |p| p.instructions.clone()),
            edit!(ed, id, Sachbearbeitung, |p, v: String| p.instructions = v),
        )}
        {note(id, "instructions")}
        <fieldset class="field checks">
            <legend>{move || ed.t(i18n::P_OUTCOMES)}</legend>
            {checkbox(
                i18n::P_OUTCOME_REJECT,
                has("reject"),
                edit!(ed, id, Sachbearbeitung, |p, v: bool| set_outcome(&mut p.outcomes, "reject", v)),
            )}
            {checkbox(
                i18n::P_OUTCOME_QUERY,
                has("rueckfrage"),
                edit!(ed, id, Sachbearbeitung, |p, v: bool| set_outcome(&mut p.outcomes, "rueckfrage", v)),
            )}
        </fieldset>
        {duration_field(
            key(id, "dueIn"),
            i18n::P_DUE_IN,
            param!(kind, Sachbearbeitung, |p| p.due_in.clone()),
            edit!(ed, id, Sachbearbeitung, |p, v: Option<Duration>| p.due_in = v),
        )}
        {text_field(
            i18n::P_FORM_REF,
            param!(kind, Sachbearbeitung, |p| p.form_ref.clone().unwrap_or_default()),
            edit!(ed, id, Sachbearbeitung, |p, v: String| p.form_ref = opt(v)),
        )}
    }
    .into_any()
}

fn vier_augen(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {assignee_picker(
            i18n::P_FIRST_CHECK,
            param!(kind, VierAugen, |p| p.first_check.clone()),
            edit!(ed, id, VierAugen, |p, v: Option<Assignee>| p.first_check = v),
        )}
        {note(id, "firstCheck")}
        {block_picker(
            i18n::P_FIRST_CHECK_BLOCK,
            id.get_value(),
            param!(kind, VierAugen, |p| p.first_check_block.clone()),
            edit!(ed, id, VierAugen, |p, v: Option<BlockId>| p.first_check_block = v),
        )}
        {note(id, "firstCheckBlock")}
        {assignee_picker(
            i18n::P_SECOND_CHECK,
            param!(kind, VierAugen, |p| p.second_check.clone()),
            edit!(ed, id, VierAugen, |p, v: Option<Assignee>| p.second_check = v),
        )}
        {note(id, "secondCheck")}
        {block_checks(
            i18n::P_DISTINCT_FROM,
            id.get_value(),
            param!(kind, VierAugen, |p| p.distinct_from.clone()),
            edit!(ed, id, VierAugen, |p, v: Vec<BlockId>| p.distinct_from = v),
        )}
        {note(id, "distinctFrom")}
        {checkbox(
            i18n::P_EXCLUDE_INITIATOR,
            param!(kind, VierAugen, |p| p.exclude_initiator),
            edit!(ed, id, VierAugen, |p, v: bool| p.exclude_initiator = v),
        )}
    }
    .into_any()
}

fn schlusszeichnung(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {assignee_picker(
            i18n::P_SIGNER,
            param!(kind, Schlusszeichnung, |p| p.signer.clone()),
            edit!(ed, id, Schlusszeichnung, |p, v: Option<Assignee>| p.signer = v),
        )}
        {note(id, "signer")}
        {field_picker(
            i18n::P_AMOUNT_FIELD,
            &[FieldType::Money],
            param!(kind, Schlusszeichnung, |p| p.amount_field.clone()),
            edit!(ed, id, Schlusszeichnung, |p, v: Option<String>| p.amount_field = v),
        )}
        {note(id, "amountField")}
        {enum_select(
            i18n::P_SIGNATURE_LEVEL,
            SignatureLevel::ALL,
            SignatureLevel::tag,
            param!(kind, Schlusszeichnung, |p| p.signature_level),
            edit!(ed, id, Schlusszeichnung, |p, v: SignatureLevel| p.signature_level = v),
        )}
        {note(id, "signatureLevel")}
        {enum_select(
            i18n::P_ZUSATZ,
            Zeichnungszusatz::ALL,
            Zeichnungszusatz::tag,
            param!(kind, Schlusszeichnung, |p| p.zeichnungszusatz),
            edit!(ed, id, Schlusszeichnung, |p, v: Zeichnungszusatz| p.zeichnungszusatz = v),
        )}
    }
    .into_any()
}

fn rueckfrage(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {enum_select(
            i18n::P_CHANNEL,
            RueckfrageChannel::ALL,
            RueckfrageChannel::tag,
            param!(kind, Rueckfrage, |p| p.channel),
            edit!(ed, id, Rueckfrage, |p, v: RueckfrageChannel| p.channel = v),
        )}
        {text_area(
            i18n::P_TEMPLATE,
            param!(kind, Rueckfrage, |p| p.template.clone()),
            edit!(ed, id, Rueckfrage, |p, v: String| p.template = v),
        )}
        {note(id, "template")}
        {duration_field(
            key(id, "replyDeadline"),
            i18n::P_REPLY_DEADLINE,
            param!(kind, Rueckfrage, |p| p.reply_deadline.clone()),
            edit!(ed, id, Rueckfrage, |p, v: Option<Duration>| p.reply_deadline = v),
        )}
        {duration_field(
            key(id, "reminderAfter"),
            i18n::P_REMINDER,
            param!(kind, Rueckfrage, |p| p.reminder_after.clone()),
            edit!(ed, id, Rueckfrage, |p, v: Option<Duration>| p.reminder_after = v),
        )}
        {number_field(
            key(id, "maxRounds"),
            i18n::P_MAX_ROUNDS,
            param!(kind, Rueckfrage, |p| p.max_rounds),
            edit!(ed, id, Rueckfrage, |p, v: Option<u32>| p.max_rounds = v),
        )}
    }
    .into_any()
}

fn frist(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let fk = param!(kind, Frist, |p| p.kind);
    view! {
        {enum_select(i18n::P_FRIST_KIND, FristKind::ALL, FristKind::tag, fk, edit!(ed, id, Frist, |p, v: FristKind| p.kind = v))}
        {move || match fk.get() {
            FristKind::Warten => {
                duration_field(
                    key(id, "duration"),
                    i18n::P_DURATION,
                    param!(kind, Frist, |p| p.duration.clone()),
                    edit!(ed, id, Frist, |p, v: Option<Duration>| p.duration = v),
                )
            }
            FristKind::WiedervorlageAm => {
                view! {
                    {field_picker(
                        i18n::P_DATE_FIELD,
                        &[FieldType::Date],
                        param!(kind, Frist, |p| p.date_field.clone()),
                        edit!(ed, id, Frist, |p, v: Option<String>| p.date_field = v),
                    )}
                    {note(id, "dateField")}
                    {duration_field(
                        key(id, "offset"),
                        i18n::P_OFFSET,
                        param!(kind, Frist, |p| p.offset.clone()),
                        edit!(ed, id, Frist, |p, v: Option<Duration>| p.offset = v),
                    )}
                }
                    .into_any()
            }
        }}
        {enum_select(
            i18n::P_CALENDAR,
            Calendar::ALL,
            Calendar::tag,
            param!(kind, Frist, |p| p.calendar),
            edit!(ed, id, Frist, |p, v: Calendar| p.calendar = v),
        )}
        {assignee_picker(
            i18n::P_NOTIFY,
            param!(kind, Frist, |p| p.notify.clone()),
            edit!(ed, id, Frist, |p, v: Option<Assignee>| p.notify = v),
        )}
        {note(id, "notify")}
    }
    .into_any()
}

fn eskalation(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {block_picker(
            i18n::P_ATTACHED_TO,
            id.get_value(),
            param!(kind, Eskalation, |p| p.attached_to.clone()),
            edit!(ed, id, Eskalation, |p, v: Option<BlockId>| p.attached_to = v),
        )}
        {note(id, "attachedTo")}
        {duration_field(
            key(id, "after"),
            i18n::P_AFTER,
            param!(kind, Eskalation, |p| p.after.clone()),
            edit!(ed, id, Eskalation, |p, v: Option<Duration>| p.after = v),
        )}
        {checkbox(
            i18n::P_INTERRUPTING,
            param!(kind, Eskalation, |p| p.interrupting),
            edit!(ed, id, Eskalation, |p, v: bool| p.interrupting = v),
        )}
        {note(id, "interrupting")}
        {assignee_picker(
            i18n::P_ESCALATE_TO,
            param!(kind, Eskalation, |p| p.escalate_to.clone()),
            edit!(ed, id, Eskalation, |p, v: Option<Assignee>| p.escalate_to = v),
        )}
        {note(id, "escalateTo")}
    }
    .into_any()
}

fn bescheid(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let channel = param!(kind, Bescheid, |p| p.channel);
    view! {
        {text_area(
            i18n::P_TEMPLATE,
            param!(kind, Bescheid, |p| p.template.clone()),
            edit!(ed, id, Bescheid, |p, v: String| p.template = v),
        )}
        {enum_select(
            i18n::P_SIGNATURE_LEVEL,
            SignatureLevel::ALL,
            SignatureLevel::tag,
            param!(kind, Bescheid, |p| p.signature_level),
            edit!(ed, id, Bescheid, |p, v: SignatureLevel| p.signature_level = v),
        )}
        {enum_select(
            i18n::P_CHANNEL,
            BescheidChannel::ALL,
            BescheidChannel::tag,
            channel,
            edit!(ed, id, Bescheid, |p, v: BescheidChannel| p.channel = v),
        )}
        {note(id, "channel")}
        {move || {
            (channel.get() == BescheidChannel::PostfachAbruf)
                .then(|| {
                    duration_field(
                        key(id, "abrufFrist"),
                        i18n::P_ABRUF_FRIST,
                        param!(kind, Bescheid, |p| p.abruf_frist.clone()),
                        edit!(ed, id, Bescheid, |p, v: Option<Duration>| p.abruf_frist = v),
                    )
                })
        }}
        {number_field(
            key(id, "fiktionTage"),
            i18n::P_FIKTION,
            param!(kind, Bescheid, |p| Some(p.fiktion_tage)),
            edit!(ed, id, Bescheid, |p, v: Option<u32>| p.fiktion_tage = v.unwrap_or(3)),
        )}
    }
    .into_any()
}

fn zahlung(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {text_field(
            i18n::P_AMOUNT,
            param!(kind, Zahlung, |p| p.amount.clone()),
            edit!(ed, id, Zahlung, |p, v: String| p.amount = v.trim().to_string()),
        )}
        {note(id, "amount")}
        {field_picker(
            i18n::P_KASSENZEICHEN,
            &[FieldType::Text],
            param!(kind, Zahlung, |p| p.kassenzeichen_field.clone()),
            edit!(ed, id, Zahlung, |p, v: Option<String>| p.kassenzeichen_field = v),
        )}
        {note(id, "kassenzeichenField")}
        {enum_checks(
            i18n::P_METHODS,
            PaymentMethod::ALL,
            PaymentMethod::tag,
            param!(kind, Zahlung, |p| p.methods.clone()),
            edit!(ed, id, Zahlung, |p, v: Vec<PaymentMethod>| p.methods = v),
        )}
        {note(id, "methods")}
        {enum_select(
            i18n::P_TIMING,
            PaymentTiming::ALL,
            PaymentTiming::tag,
            param!(kind, Zahlung, |p| p.timing),
            edit!(ed, id, Zahlung, |p, v: PaymentTiming| p.timing = v),
        )}
        {duration_field(
            key(id, "payDeadline"),
            i18n::P_PAY_DEADLINE,
            param!(kind, Zahlung, |p| p.pay_deadline.clone()),
            edit!(ed, id, Zahlung, |p, v: Option<Duration>| p.pay_deadline = v),
        )}
    }
    .into_any()
}

const AUSSONDERUNG_NONE: &str = "";

fn veraktung(ed: Editor, id: Id, kind: Kind) -> AnyView {
    let aus_options = Signal::derive(move || {
        let lang = ed.lang.get();
        let mut v = vec![(
            AUSSONDERUNG_NONE.to_string(),
            i18n::NONE_OPTION.get(lang).to_string(),
        )];
        v.extend(Aussonderungsart::ALL.iter().map(|a| {
            (
                a.tag().to_string(),
                i18n::value_label(a.tag()).get(lang).to_string(),
            )
        }));
        v
    });
    view! {
        {text_field(
            i18n::P_TARGET,
            param!(kind, Veraktung, |p| p.target.clone()),
            edit!(ed, id, Veraktung, |p, v: String| p.target = v.trim().to_string()),
        )}
        {note(id, "target")}
        {text_field(
            i18n::P_AKTENPLAN,
            param!(kind, Veraktung, |p| p.aktenplan_kennzeichen.clone()),
            edit!(ed, id, Veraktung, |p, v: String| p.aktenplan_kennzeichen = v.trim().to_string()),
        )}
        {note(id, "aktenplanKennzeichen")}
        {enum_select(
            i18n::P_CONTAINER,
            ContainerKind::ALL,
            ContainerKind::tag,
            param!(kind, Veraktung, |p| p.container_rule.kind),
            edit!(ed, id, Veraktung, |p, v: ContainerKind| p.container_rule.kind = v),
        )}
        {field_picker(
            i18n::P_CONTAINER_FIELD,
            &[FieldType::Text],
            param!(kind, Veraktung, |p| Some(p.container_rule.field.clone())),
            edit!(ed, id, Veraktung, |p, v: Option<String>| p.container_rule.field = v.unwrap_or_default()),
        )}
        {enum_checks(
            i18n::P_INCLUDE,
            Include::ALL,
            Include::tag,
            param!(kind, Veraktung, |p| p.include.clone()),
            edit!(ed, id, Veraktung, |p, v: Vec<Include>| p.include = v),
        )}
        {note(id, "include")}
        {checkbox(i18n::P_ZDA, param!(kind, Veraktung, |p| p.zda), edit!(ed, id, Veraktung, |p, v: bool| p.zda = v))}
        {number_field(
            key(id, "aufbewahrungsdauerJahre"),
            i18n::P_RETENTION,
            param!(kind, Veraktung, |p| p.aufbewahrungsdauer_jahre),
            edit!(ed, id, Veraktung, |p, v: Option<u32>| p.aufbewahrungsdauer_jahre = v),
        )}
        {select(
            i18n::P_AUSSONDERUNG,
            aus_options,
            param!(kind, Veraktung, |p| p.aussonderungsart.map(|a| a.tag().to_string()).unwrap_or_default()),
            edit!(
                ed, id, Veraktung, |p, v: String| p.aussonderungsart = Aussonderungsart::ALL.iter().copied().find(|a| a.tag() == v)
            ),
        )}
    }
    .into_any()
}

fn benachrichtigung(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {recipient_picker(
            i18n::P_RECIPIENT,
            param!(kind, Benachrichtigung, |p| p.recipient.clone()),
            edit!(ed, id, Benachrichtigung, |p, v: Option<Recipient>| p.recipient = v),
        )}
        {note(id, "recipient")}
        {enum_select(
            i18n::P_CHANNEL,
            NotifyChannel::ALL,
            NotifyChannel::tag,
            param!(kind, Benachrichtigung, |p| p.channel),
            edit!(ed, id, Benachrichtigung, |p, v: NotifyChannel| p.channel = v),
        )}
        {text_area(
            i18n::P_TEMPLATE,
            param!(kind, Benachrichtigung, |p| p.template.clone()),
            edit!(ed, id, Benachrichtigung, |p, v: String| p.template = v),
        )}
        {enum_select(
            i18n::P_TEMPLATE_KIND,
            TemplateKind::ALL,
            TemplateKind::tag,
            param!(kind, Benachrichtigung, |p| p.template_kind),
            edit!(ed, id, Benachrichtigung, |p, v: TemplateKind| p.template_kind = v),
        )}
        {note(id, "templateKind")}
    }
    .into_any()
}

fn ende(ed: Editor, id: Id, kind: Kind) -> AnyView {
    view! {
        {enum_select(
            i18n::P_RESULT,
            EndResult::ALL,
            EndResult::tag,
            param!(kind, Ende, |p| p.result),
            edit!(ed, id, Ende, |p, v: EndResult| p.result = v),
        )}
        {checkbox(i18n::P_TERMINATE, param!(kind, Ende, |p| p.terminate), edit!(ed, id, Ende, |p, v: bool| p.terminate = v))}
    }
    .into_any()
}
