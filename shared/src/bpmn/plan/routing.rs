//! The elements of the routing and waiting blocks: Wertgrenzen- and Komplexitäts-Weiche,
//! Rückfrage, Frist.

use super::builder::{exit, BlockKeys, BlockMap, Builder, SHAPES};
use super::text::*;
use super::*;

impl Builder<'_> {
    /// Wertgrenzen, Komplexität, Rückfrage, Frist.
    pub(super) fn routing_block(&mut self, keys: BlockKeys, rect: Rect, map: &mut BlockMap) {
        let BlockKeys {
            i,
            esc,
            primary_id,
            name,
            label_ref,
        } = keys;
        let h = |kind: &str| format!("Helper_{kind}_{esc}");
        let hf = |kind: &str| format!("HelperFlow_{kind}_{esc}");
        let (task, event, gw, bgw) = SHAPES;
        let w = self.w;
        match &w.blocks[i].kind {
            BlockKind::Wertgrenzen(p) => {
                let g = self.node(primary_id, NodeKind::ExclusiveGateway, name, i, true, None);
                self.place(rect, &[(vec![g], vec![bgw])]);
                let last = p.bands.len().saturating_sub(1);
                for (k, band) in p.bands.iter().enumerate() {
                    let label =
                        xml_safe(&catalog::band_label(band.lower, band.upper, &band.label).0);
                    let mut attrs = vec![
                        ("id", xml_safe(&band.id)),
                        ("lower", band.lower.to_canonical()),
                    ];
                    if let Some(u) = band.upper {
                        attrs.push(("upper", u.to_canonical()));
                    }
                    attrs.push(("basis", p.basis.tag().into()));
                    let default = k == last && band.upper.is_none();
                    map.exits.push(Exit {
                        port: band.id.clone(),
                        node: g,
                        condition: if default {
                            None
                        } else {
                            Some(band_condition(&p.amount_field, band, k == 0))
                        },
                        default,
                        name: Some(label),
                        readable: vec![Readable {
                            name: "band",
                            attrs,
                        }],
                    });
                }
                map.entry = g;
                map.fallback = g;
            }
            BlockKind::Komplexitaet(p) => {
                let g = self.node(primary_id, NodeKind::ExclusiveGateway, name, i, true, None);
                self.place(rect, &[(vec![g], vec![bgw])]);
                for r in &p.rules {
                    let label = if r.label.trim().is_empty() {
                        xml_safe(&r.id)
                    } else {
                        xml_safe(&r.label)
                    };
                    map.exits.push(Exit {
                        port: r.id.clone(),
                        node: g,
                        condition: Some(rule_condition(&r.condition)),
                        default: false,
                        name: Some(label),
                        readable: vec![Readable {
                            name: "rule",
                            attrs: vec![("id", xml_safe(&r.id))],
                        }],
                    });
                }
                map.exits.push(Exit {
                    port: OTHERWISE_PORT.to_string(),
                    node: g,
                    condition: None,
                    default: true,
                    name: Some(port_name_de(OTHERWISE_PORT)),
                    readable: Vec::new(),
                });
                map.entry = g;
                map.fallback = g;
            }
            BlockKind::Rueckfrage(p) => {
                let t = self.node(primary_id, NodeKind::SendTask, name, i, true, None);
                let g = self.node(
                    h("wait"),
                    NodeKind::EventBasedGateway,
                    "Antwort oder Fristablauf?".into(),
                    i,
                    false,
                    None,
                );
                let r = self.node(
                    h("reply"),
                    NodeKind::IntermediateCatchEvent,
                    "Antwort eingegangen".into(),
                    i,
                    false,
                    None,
                );
                let m = self.message(
                    &format!("Message_reply_{esc}"),
                    format!("Antwort auf Rückfrage: {label_ref}"),
                );
                self.nodes[r].event = Some(EventDef::Message(m));
                let o = self.node(
                    h("timeout"),
                    NodeKind::IntermediateCatchEvent,
                    "Antwortfrist abgelaufen".into(),
                    i,
                    false,
                    None,
                );
                self.nodes[o].event = Some(EventDef::Timer(
                    p.reply_deadline
                        .as_ref()
                        .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0))),
                ));
                self.nodes[t].readable.push(Readable {
                    name: "channel",
                    attrs: vec![("value", p.channel.tag().into())],
                });
                self.helper_flow(hf("wait"), t, g);
                self.helper_flow(hf("reply"), g, r);
                self.helper_flow(hf("timeout"), g, o);
                self.place(
                    rect,
                    &[
                        (vec![t], vec![task]),
                        (vec![g], vec![gw]),
                        (vec![r, o], vec![event, event]),
                    ],
                );
                map.entry = t;
                map.exits.push(exit("reply", r));
                map.exits.push(exit("timeout", o));
                map.fallback = o;
            }
            BlockKind::Frist(p) => {
                let e = self.node(
                    primary_id,
                    NodeKind::IntermediateCatchEvent,
                    name,
                    i,
                    true,
                    role_of(&p.notify),
                );
                let timer = match p.kind {
                    FristKind::Warten => p
                        .duration
                        .as_ref()
                        .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0))),
                    FristKind::WiedervorlageAm => match (&p.date_field, &p.offset) {
                        (Some(f), Some(o)) => Timer::Date(format!(
                            "{} + duration({})",
                            xml_safe(f),
                            feel_string(&xml_safe(&o.0))
                        )),
                        (Some(f), None) => Timer::Date(xml_safe(f)),
                        _ => Timer::Unset,
                    },
                };
                self.nodes[e].event = Some(EventDef::Timer(timer));
                self.nodes[e].readable.push(Readable {
                    name: "calendar",
                    attrs: vec![("value", p.calendar.tag().into())],
                });
                self.place(rect, &[(vec![e], vec![event])]);
                map.entry = e;
                map.exits.push(exit("next", e));
                map.fallback = e;
            }
            // Built by the other groups (see `Builder::block`).
            _ => {}
        }
    }
}
