//! The elements of the delivering blocks: Bescheid, Zahlung, Veraktung, Benachrichtigung, Ende.

use super::builder::{exit, BlockKeys, BlockMap, Builder, SHAPES};
use super::*;

impl Builder<'_> {
    /// Bescheid, Zahlung, Veraktung, Benachrichtigung, Ende.
    pub(super) fn service_block(&mut self, keys: BlockKeys, rect: Rect, map: &mut BlockMap) {
        let BlockKeys {
            i,
            esc,
            primary_id,
            name,
            label_ref,
        } = keys;
        let h = |kind: &str| format!("Helper_{kind}_{esc}");
        let hf = |kind: &str| format!("HelperFlow_{kind}_{esc}");
        let (task, event, _, _) = SHAPES;
        let w = self.w;
        match &w.blocks[i].kind {
            BlockKind::Bescheid(p) => {
                let r = self.node(
                    h("render"),
                    NodeKind::ServiceTask,
                    "Bescheid erstellen".into(),
                    i,
                    false,
                    None,
                );
                let s = self.node(primary_id, NodeKind::SendTask, name, i, true, None);
                self.nodes[s].readable.push(Readable {
                    name: "channel",
                    attrs: vec![("value", p.channel.tag().into())],
                });
                self.helper_flow(hf("render"), r, s);
                map.entry = r;
                if p.channel == BescheidChannel::PostfachAbruf {
                    let a = self.node(
                        h("abruf"),
                        NodeKind::ReceiveTask,
                        "Abruf abwarten".into(),
                        i,
                        false,
                        None,
                    );
                    let m = self.message(
                        &format!("Message_abruf_{esc}"),
                        format!("Abrufquittung: {label_ref}"),
                    );
                    self.nodes[a].message_ref = Some(m);
                    self.helper_flow(hf("abruf"), s, a);
                    self.place(
                        rect,
                        &[
                            (vec![r], vec![task]),
                            (vec![s], vec![task]),
                            (vec![a], vec![task]),
                        ],
                    );
                    let t = self.node(
                        h("abruffrist"),
                        NodeKind::BoundaryEvent,
                        "Abruffrist abgelaufen".into(),
                        i,
                        false,
                        None,
                    );
                    let frist = p
                        .abruf_frist
                        .as_ref()
                        .map_or_else(|| "P10D".to_string(), |d| xml_safe(&d.0));
                    self.nodes[t].event = Some(EventDef::Timer(Timer::Duration(frist)));
                    self.attach(t, a, true);
                    map.exits.push(exit("zugestellt", a));
                    map.exits.push(exit("nichtAbgerufen", t));
                    map.fallback = a;
                } else {
                    self.place(rect, &[(vec![r], vec![task]), (vec![s], vec![task])]);
                    map.exits.push(exit("zugestellt", s));
                    map.fallback = s;
                }
            }
            BlockKind::Zahlung(p) => {
                let s = self.node(primary_id, NodeKind::ServiceTask, name, i, true, None);
                let r = self.node(
                    h("payment"),
                    NodeKind::ReceiveTask,
                    "Zahlungseingang abwarten".into(),
                    i,
                    false,
                    None,
                );
                let m = self.message(
                    &format!("Message_payment_{esc}"),
                    format!("Zahlungseingang: {label_ref}"),
                );
                self.nodes[r].message_ref = Some(m);
                self.helper_flow(hf("payment"), s, r);
                self.place(rect, &[(vec![s], vec![task]), (vec![r], vec![task])]);
                let t = self.node(
                    h("paydeadline"),
                    NodeKind::BoundaryEvent,
                    "Zahlungsfrist abgelaufen".into(),
                    i,
                    false,
                    None,
                );
                self.nodes[t].event = Some(EventDef::Timer(
                    p.pay_deadline
                        .as_ref()
                        .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0))),
                ));
                self.attach(t, r, true);
                map.entry = s;
                map.exits.push(exit("bezahlt", r));
                map.exits.push(exit("nichtBezahlt", t));
                map.fallback = r;
            }
            BlockKind::Veraktung(p) => {
                let s = self.node(primary_id, NodeKind::ServiceTask, name, i, true, None);
                self.nodes[s].readable.push(Readable {
                    name: "xdomea",
                    attrs: vec![
                        ("aktenplanKennzeichen", xml_safe(&p.aktenplan_kennzeichen)),
                        ("zdA", p.zda.to_string()),
                    ],
                });
                self.place(rect, &[(vec![s], vec![task])]);
                let e = self.node(
                    h("fehler"),
                    NodeKind::BoundaryEvent,
                    "Übernahme fehlgeschlagen".into(),
                    i,
                    false,
                    None,
                );
                if !self.errors.iter().any(|(id, _, _)| id == "Error_xdomea") {
                    self.errors.push((
                        "Error_xdomea".into(),
                        "xdomea-Übernahme fehlgeschlagen".into(),
                        "FVDaten.ImportBestaetigen.0630".into(),
                    ));
                }
                self.nodes[e].event = Some(EventDef::Error("Error_xdomea".into()));
                self.attach(e, s, true);
                map.entry = s;
                map.exits.push(exit("ok", s));
                map.exits.push(exit("fehler", e));
                map.fallback = s;
            }
            BlockKind::Benachrichtigung(p) => {
                let lane = match &p.recipient {
                    Some(Recipient::Role(r)) => Some(r.clone()),
                    _ => None,
                };
                let s = self.node(primary_id, NodeKind::SendTask, name, i, true, lane);
                self.place(rect, &[(vec![s], vec![task])]);
                map.entry = s;
                map.exits.push(exit("next", s));
                map.fallback = s;
            }
            BlockKind::Ende(p) => {
                let e = self.node(primary_id, NodeKind::EndEvent, name, i, true, None);
                if p.terminate {
                    self.nodes[e].event = Some(EventDef::Terminate);
                }
                self.nodes[e].readable.push(Readable {
                    name: "result",
                    attrs: vec![("value", p.result.tag().into())],
                });
                self.place(rect, &[(vec![e], vec![event])]);
                map.entry = e;
                map.fallback = e;
            }
            // Built by the other groups (see `Builder::block`).
            _ => {}
        }
    }
}
