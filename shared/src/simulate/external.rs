//! Blocks that wait for the outside world or the calendar: Rückfrage (reply or deadline),
//! Frist / Wiedervorlage, Bescheid (§ 41 VwVfG delivery) and Zahlung.

use super::calendar::{self, add_days, de};
use super::decisions::Decisions;
use super::engine::{blocked, Flow, Run};
use super::text::{money_de, money_en};
use super::xdomea;
use super::BlockedCode;
use crate::expr::{self, EvalContext, Value};
use crate::model::*;
use crate::values::{DurationParts, Money};

impl<D: Decisions> Run<'_, D> {
    pub(super) fn rueckfrage(&mut self, b: &Block, visit: u32, p: &RueckfrageParams) -> Flow {
        let mut s = self.new_step(b, visit);
        if let Some(max) = p.max_rounds {
            if visit > max {
                return self.leave(
                    s,
                    "timeout",
                    format!("Höchstens {max} Rückfragerunde(n): Runde {visit} wird nicht mehr gestellt → Frist abgelaufen"),
                    format!("At most {max} round(s) of queries: round {visit} is not sent → timed out"),
                );
            }
        }
        let parts = self.duration(b, p.reply_deadline.as_ref(), "replyDeadline")?;
        let dl = self.deadline(&parts, Calendar::Kalendertage);
        s.due = Some(dl.date);
        let channel = p.channel.tag();
        self.doc(
            b,
            format!("Rückfrage „{}“", p.template),
            "Rückfrage",
            false,
            None,
        );
        let reply = self
            .d
            .reply(b, visit)
            .map(|days| add_days(self.now, i64::from(days)));
        let mut de_t = format!(
            "Rückfrage am {} über {channel} gesendet; Antwortfrist bis {}{}",
            de(self.now),
            de(dl.date),
            dl.note_de()
        );
        let mut en_t = format!(
            "Query sent on {} via {channel}; reply deadline {}{}",
            self.now,
            dl.date,
            dl.note_en()
        );
        let answered = reply.filter(|r| *r <= dl.date);
        if let Some(rem) = p.reminder_after.as_ref().and_then(|r| r.parse().ok()) {
            let rem_date = calendar::end_of(self.now, &rem, Calendar::Kalendertage, self.case.land);
            if answered.is_none_or(|a| a > rem_date) && rem_date < dl.date {
                de_t.push_str(&format!("; Erinnerung am {}", de(rem_date)));
                en_t.push_str(&format!("; reminder on {rem_date}"));
            }
        }
        match answered {
            Some(r) => {
                s.completed = r;
                self.now = r;
                self.doc(
                    b,
                    format!("Antwort auf Rückfrage „{}“", p.template),
                    "Antwort",
                    true,
                    None,
                );
                de_t.push_str(&format!("; Antwort am {} eingegangen", de(r)));
                en_t.push_str(&format!("; reply received on {r}"));
                self.leave(s, "reply", de_t, en_t)
            }
            None => {
                s.completed = dl.date;
                match reply {
                    Some(late) => {
                        de_t.push_str(&format!(
                            "; die Antwort käme erst am {} → Frist abgelaufen",
                            de(late)
                        ));
                        en_t.push_str(&format!(
                            "; the reply would only come on {late} → timed out"
                        ));
                    }
                    None => {
                        de_t.push_str("; keine Antwort → Frist abgelaufen");
                        en_t.push_str("; no reply → timed out");
                    }
                }
                self.leave(s, "timeout", de_t, en_t)
            }
        }
    }

    pub(super) fn frist(&mut self, b: &Block, visit: u32, p: &FristParams) -> Flow {
        let mut s = self.new_step(b, visit);
        let land = self.case.land;
        let cal_de = match p.calendar {
            Calendar::Kalendertage => "Kalendertage",
            Calendar::Arbeitstage => "Arbeitstage",
        };
        let (dl, mut de_t, mut en_t) = match p.kind {
            FristKind::Warten => {
                let parts = self.duration(b, p.duration.as_ref(), "duration")?;
                let dl = self.deadline(&parts, p.calendar);
                let (d_de, d_en) = p
                    .duration
                    .as_ref()
                    .map(|d| (d.to_german(), d.to_english()))
                    .unwrap_or_default();
                let t = (
                    format!(
                        "Wartefrist {d_de} ({cal_de}) ab {} bis {}{}",
                        de(self.now),
                        de(dl.date),
                        dl.note_de()
                    ),
                    format!(
                        "Waiting {d_en} ({}) from {} until {}{}",
                        p.calendar.tag(),
                        self.now,
                        dl.date,
                        dl.note_en()
                    ),
                );
                (dl, t.0, t.1)
            }
            FristKind::WiedervorlageAm => {
                let name = p.date_field.clone().unwrap_or_default();
                if self
                    .w
                    .field(&name)
                    .is_none_or(|f| f.field_type != FieldType::Date)
                {
                    return Err(blocked(
                        &b.id,
                        BlockedCode::InvalidBlock,
                        format!("„{}“: „{name}“ ist kein deklariertes Datumsfeld", s.label),
                        format!("{:?}: {name:?} is not a declared date field", s.label),
                    ));
                }
                let Value::Date(base) = self.case.value(&name) else {
                    return Err(blocked(
                        &b.id,
                        BlockedCode::MissingValue,
                        format!(
                            "„{}“: das Datumsfeld „{name}“ hat in diesem Fall keinen Wert",
                            s.label
                        ),
                        format!(
                            "{:?}: the date field {name:?} has no value in this case",
                            s.label
                        ),
                    ));
                };
                let offset = match &p.offset {
                    Some(o) => self.duration(b, Some(o), "offset")?,
                    None => DurationParts::default(),
                };
                let dl = calendar::shifted(calendar::end_of(base, &offset, p.calendar, land), land);
                let off = p.offset.as_ref().map(|o| (o.to_german(), o.to_english()));
                let (off_de, off_en) = off.map_or((String::new(), String::new()), |(d, e)| {
                    (format!(" + {d} ({cal_de})"), format!(" + {e}"))
                });
                (
                    dl.clone(),
                    format!(
                        "Wiedervorlage am {name} = {}{off_de}: {}{}",
                        de(base),
                        de(dl.date),
                        dl.note_de()
                    ),
                    format!(
                        "Resubmission on {name} = {base}{off_en}: {}{}",
                        dl.date,
                        dl.note_en()
                    ),
                )
            }
        };
        if dl.date <= self.now {
            de_t.push_str(&format!(
                "; der Termin ist am {} bereits erreicht, es geht sofort weiter",
                de(self.now)
            ));
            en_t.push_str(&format!(
                "; the date has already passed on {}, the case continues at once",
                self.now
            ));
        } else {
            s.completed = dl.date;
        }
        s.due = Some(dl.date);
        if let Some(a) = &p.notify {
            if let Ok((people, role)) = self.candidates(b, Some(a)) {
                s.person = people.first().cloned();
                s.role_name = role
                    .as_ref()
                    .and_then(|r| self.w.role(r))
                    .map(|r| r.name.clone());
                s.role = role;
                if let Some(person) = &s.person {
                    de_t.push_str(&format!("; Wiedervorlage an {person}"));
                    en_t.push_str(&format!("; resubmitted to {person}"));
                }
            }
        }
        self.leave(s, "next", de_t, en_t)
    }

    pub(super) fn bescheid(&mut self, b: &Block, visit: u32, p: &BescheidParams) -> Flow {
        let mut s = self.new_step(b, visit);
        let land = self.case.land;
        self.doc(
            b,
            format!("Bescheid „{}“", p.template),
            "Bescheid",
            false,
            Some(p.signature_level),
        );
        let sent = self.now;
        match p.channel {
            BescheidChannel::PostfachAbruf => {
                let parts = match &p.abruf_frist {
                    Some(f) => self.duration(b, Some(f), "abrufFrist")?,
                    None => DurationParts {
                        days: 10,
                        ..Default::default()
                    },
                };
                let dl = self.deadline(&parts, Calendar::Kalendertage);
                s.due = Some(dl.date);
                let de_t = format!(
                    "Bescheid am {} zum Abruf bereitgestellt, Abruffrist bis {}{}",
                    de(sent),
                    de(dl.date),
                    dl.note_de()
                );
                let en_t = format!(
                    "Notice provided for download on {sent}, download period until {}{}",
                    dl.date,
                    dl.note_en()
                );
                match self
                    .d
                    .delivery(b, visit)
                    .map(|d| add_days(sent, i64::from(d)))
                {
                    Some(on) if on <= dl.date => {
                        s.completed = on;
                        let known = add_days(on, 1);
                        self.leave(
                            s,
                            "zugestellt",
                            format!("{de_t}; abgerufen am {} → bekannt gegeben am {} (§ 41 Abs. 2a Satz 3 VwVfG: Tag nach dem Abruf)", de(on), de(known)),
                            format!("{en_t}; downloaded on {on} → notified on {known} (§ 41(2a) sentence 3 VwVfG: the day after the download)"),
                        )
                    }
                    _ => {
                        s.completed = dl.date;
                        self.leave(
                            s,
                            "nichtAbgerufen",
                            format!("{de_t}; nicht abgerufen → Bereitstellung beendet, Bekanntgabe nicht bewirkt (§ 41 Abs. 2a Satz 4 und 5 VwVfG)"),
                            format!("{en_t}; not downloaded → provision ended, not notified (§ 41(2a) sentences 4 and 5 VwVfG)"),
                        )
                    }
                }
            }
            BescheidChannel::Brief | BescheidChannel::Email => {
                if p.fiktion_tage == 0 {
                    return Err(blocked(
                        &b.id,
                        BlockedCode::InvalidBlock,
                        "fiktionTage ist 0",
                        "fiktionTage is 0",
                    ));
                }
                let dl = calendar::bekanntgabe_fiktion(sent, p.fiktion_tage, land);
                s.due = Some(dl.date);
                s.completed = dl.date;
                let (how_de, how_en) = match p.channel {
                    BescheidChannel::Brief => ("per Post aufgegeben", "posted"),
                    _ => ("per E-Mail übermittelt", "sent by e-mail"),
                };
                self.leave(
                    s,
                    "zugestellt",
                    format!(
                        "Bescheid am {} {how_de}; gilt am {}. Tag danach als bekannt gegeben (§ 41 Abs. 2 VwVfG): {}{}",
                        de(sent),
                        p.fiktion_tage,
                        de(dl.date),
                        dl.note_de()
                    ),
                    format!(
                        "Notice {how_en} on {sent}; deemed notified on day {} after that (§ 41(2) VwVfG): {}{}",
                        p.fiktion_tage,
                        dl.date,
                        dl.note_en()
                    ),
                )
            }
            BescheidChannel::FoermlicheZustellung => {
                let on = add_days(sent, i64::from(self.d.delivery(b, visit).unwrap_or(1)));
                s.completed = on;
                self.leave(
                    s,
                    "zugestellt",
                    format!("Bescheid am {} zur förmlichen Zustellung gegeben; zugestellt am {} (Zustellungsurkunde)", de(sent), de(on)),
                    format!("Notice handed over for formal service on {sent}; served on {on} (certificate of service)"),
                )
            }
        }
    }

    pub(super) fn zahlung(&mut self, b: &Block, visit: u32, p: &ZahlungParams) -> Flow {
        let mut s = self.new_step(b, visit);
        let e = expr::parse(&p.amount).map_err(|e| {
            blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!("„{}“: Betrag: {}", s.label, e.message_de),
                format!("{:?}: amount: {}", s.label, e.message_en),
            )
        })?;
        let case = self.case;
        let amount = match expr::eval(&e, &EvalContext::on(self.now, &|f| case.lookup(f)))
            .map_err(|err| self.value_error(b, &err, "der Betrag"))?
        {
            Value::Number(n) => Money(
                i64::try_from((n.units() + n.units().signum() * 5_000) / 10_000)
                    .unwrap_or(i64::MAX),
            ),
            Value::Null => {
                return Err(blocked(
                    &b.id,
                    BlockedCode::MissingValue,
                    format!(
                        "„{}“: der Betrag „{}“ hat in diesem Fall keinen Wert",
                        s.label, p.amount
                    ),
                    format!(
                        "{:?}: the amount {:?} has no value in this case",
                        s.label, p.amount
                    ),
                ))
            }
            other => {
                return Err(blocked(
                    &b.id,
                    BlockedCode::InvalidBlock,
                    format!("„{}“: der Betrag ist keine Zahl ({other})", s.label),
                    format!("{:?}: the amount is not a number ({other})", s.label),
                ))
            }
        };
        if amount.cents() <= 0 {
            return self.leave(
                s,
                "bezahlt",
                format!("Gebühr {}: nichts zu zahlen", money_de(amount)),
                format!("Fee {}: nothing to pay", money_en(amount)),
            );
        }
        let kz = match p.kassenzeichen_field.as_ref().map(|f| case.value(f)) {
            Some(Value::Text(t)) if !t.trim().is_empty() => t,
            _ => format!(
                "KZ-{}",
                &xdomea::uuid(&[
                    &self.w.key,
                    &case.case_id,
                    b.id.as_str(),
                    &visit.to_string()
                ])[..8]
                    .to_uppercase()
            ),
        };
        let parts = self.duration(b, p.pay_deadline.as_ref(), "payDeadline")?;
        let dl = self.deadline(&parts, Calendar::Kalendertage);
        s.due = Some(dl.date);
        let de_t = format!(
            "Gebühr {} angefordert (Kassenzeichen {kz}), zahlbar bis {}{}",
            money_de(amount),
            de(dl.date),
            dl.note_de()
        );
        let en_t = format!(
            "Fee {} requested (reference {kz}), payable until {}{}",
            money_en(amount),
            dl.date,
            dl.note_en()
        );
        match self
            .d
            .payment(b, visit)
            .map(|d| add_days(self.now, i64::from(d)))
        {
            Some(on) if on <= dl.date => {
                s.completed = on;
                self.now = on;
                self.doc(
                    b,
                    format!("Zahlungseingang {} (Kassenzeichen {kz})", money_de(amount)),
                    "Zahlungsbeleg",
                    true,
                    None,
                );
                self.leave(
                    s,
                    "bezahlt",
                    format!("{de_t}; bezahlt am {}", de(on)),
                    format!("{en_t}; paid on {on}"),
                )
            }
            _ => {
                s.completed = dl.date;
                self.leave(
                    s,
                    "nichtBezahlt",
                    format!("{de_t}; nicht fristgerecht bezahlt"),
                    format!("{en_t}; not paid in time"),
                )
            }
        }
    }
}
