//! Id maps with a fast seeded hasher, and the declared exit ports of a block resolved once.

use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;

use super::Csr;
use crate::model::{Band, BescheidChannel, Block, BlockKind, Rule, Workflow, OTHERWISE_PORT};

/// Tags edge ids in the id map.
pub(super) const EDGE_TAG: usize = 1 << (usize::BITS - 1);

/// Maps keyed by ids with foldhash's fast, per-process seeded hasher (SipHash made id lookups
/// the largest cost of validating big workflows).
pub(crate) type Map<K, V> = HashMap<K, V, RandomState>;
pub(crate) type Set<K> = HashSet<K, RandomState>;

pub(crate) fn map<K, V>(capacity: usize) -> Map<K, V> {
    HashMap::with_capacity_and_hasher(capacity, RandomState::default())
}

pub(crate) fn set<K>(capacity: usize) -> Set<K> {
    HashSet::with_capacity_and_hasher(capacity, RandomState::default())
}

pub(super) const NO_PORT: u32 = u32::MAX;
pub(super) const DUP_PORT: u32 = u32::MAX;

/// Resolves every edge's port name against its source block's declared ports once, and counts
/// the edges per declared port.
#[inline(never)]
pub(super) fn resolve_ports(
    w: &Workflow,
    blocks: &[Block],
    out_edges: &Csr,
) -> (Vec<u32>, Vec<usize>, Vec<u32>) {
    let mut port_start = Vec::with_capacity(blocks.len() + 1);
    let mut total = 0usize;
    for b in blocks {
        port_start.push(total);
        total += Ports::of(&b.kind).len();
    }
    port_start.push(total);
    let mut port_count = vec![0u32; total];
    let mut edge_port = vec![NO_PORT; w.edges.len()];
    for (v, b) in blocks.iter().enumerate() {
        let ports = Ports::of(&b.kind);
        let start = port_start.get(v).copied().unwrap_or(0);
        let counts = port_count
            .get_mut(start..start + ports.len())
            .unwrap_or(&mut []);
        let out = out_edges.get(v);
        if ports.len() <= 16 {
            if !matches!(ports, Ports::Fixed(_)) {
                for (k, name) in ports.iter().enumerate() {
                    if ports.iter().take(k).any(|q| q == name) {
                        if let Some(c) = counts.get_mut(k) {
                            *c = DUP_PORT;
                        }
                    }
                }
            }
            for &e in out {
                let name = w.edges.get(e).map_or("", |x| x.port.as_str());
                if let Some(k) = ports.position(name) {
                    if let Some(c) = counts.get_mut(k) {
                        *c += 1;
                    }
                    if let Some(slot) = edge_port.get_mut(e) {
                        *slot = k as u32;
                    }
                }
            }
        } else {
            let mut first = map::<&str, usize>(ports.len());
            for (k, name) in ports.iter().enumerate() {
                if *first.entry(name).or_insert(k) != k {
                    if let Some(c) = counts.get_mut(k) {
                        *c = DUP_PORT;
                    }
                }
            }
            for &e in out {
                let name = w.edges.get(e).map_or("", |x| x.port.as_str());
                if let Some(&k) = first.get(name) {
                    if let Some(c) = counts.get_mut(k) {
                        *c += 1;
                    }
                    if let Some(slot) = edge_port.get_mut(e) {
                        *slot = k as u32;
                    }
                }
            }
        }
    }
    (edge_port, port_start, port_count)
}

// ---------------------------------------------------------------------------------------------
// Small shared helpers

/// Exit port names of a block, as `catalog::ports` declares them, without allocating.
#[derive(Clone, Copy)]
pub(in crate::validate) enum Ports<'a> {
    Fixed(&'static [&'static str]),
    Outcomes(&'a [String]),
    Bands(&'a [Band]),
    /// Rule ids, then `otherwise`.
    Rules(&'a [Rule]),
}

impl<'a> Ports<'a> {
    pub fn of(kind: &'a BlockKind) -> Ports<'a> {
        match kind {
            BlockKind::Start(_) | BlockKind::Frist(_) | BlockKind::Benachrichtigung(_) => {
                Ports::Fixed(&["next"])
            }
            BlockKind::Sachbearbeitung(p) => Ports::Outcomes(&p.outcomes),
            BlockKind::VierAugen(_) | BlockKind::Schlusszeichnung(_) => {
                Ports::Fixed(&["ok", "reject"])
            }
            BlockKind::Mitzeichnung(_) => Ports::Fixed(&["ok", "veto"]),
            BlockKind::Wertgrenzen(p) => Ports::Bands(&p.bands),
            BlockKind::Komplexitaet(p) => Ports::Rules(&p.rules),
            BlockKind::Rueckfrage(_) => Ports::Fixed(&["reply", "timeout"]),
            BlockKind::Eskalation(p) if p.interrupting => Ports::Fixed(&["escalated"]),
            BlockKind::Eskalation(_) | BlockKind::Ende(_) => Ports::Fixed(&[]),
            BlockKind::Bescheid(p) if p.channel == BescheidChannel::PostfachAbruf => {
                Ports::Fixed(&["zugestellt", "nichtAbgerufen"])
            }
            BlockKind::Bescheid(_) => Ports::Fixed(&["zugestellt"]),
            BlockKind::Zahlung(_) => Ports::Fixed(&["bezahlt", "nichtBezahlt"]),
            BlockKind::Veraktung(_) => Ports::Fixed(&["ok", "fehler"]),
        }
    }

    pub fn len(self) -> usize {
        match self {
            Ports::Fixed(f) => f.len(),
            Ports::Outcomes(o) => o.len(),
            Ports::Bands(b) => b.len(),
            Ports::Rules(r) => r.len() + 1,
        }
    }

    pub fn get(self, k: usize) -> Option<&'a str> {
        match self {
            Ports::Fixed(f) => f.get(k).copied(),
            Ports::Outcomes(o) => o.get(k).map(String::as_str),
            Ports::Bands(b) => b.get(k).map(|b| b.id.as_str()),
            Ports::Rules(r) if k == r.len() => Some(OTHERWISE_PORT),
            Ports::Rules(r) => r.get(k).map(|r| r.id.as_str()),
        }
    }

    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        (0..self.len()).filter_map(move |k| self.get(k))
    }

    /// Index of the first port called `name`.
    pub fn position(self, name: &str) -> Option<usize> {
        match self {
            Ports::Fixed(f) => f.iter().position(|p| same(p, name)),
            Ports::Outcomes(o) => o.iter().position(|p| same(p, name)),
            Ports::Bands(b) => b.iter().position(|b| same(&b.id, name)),
            Ports::Rules(r) => {
                r.iter()
                    .position(|r| same(&r.id, name))
                    .or(same(name, OTHERWISE_PORT).then_some(r.len()))
            }
        }
    }
}

/// String equality without a `memcmp` call for the short ids and port names used here.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::model::*;
    use crate::values::Money;

    #[test]
    fn port_names_match_the_catalogue() {
        let mut kinds: Vec<BlockKind> = BlockType::ALL.iter().map(|t| t.default_kind()).collect();
        kinds.push(BlockKind::Eskalation(EskalationParams {
            interrupting: true,
            ..Default::default()
        }));
        kinds.push(BlockKind::Bescheid(BescheidParams {
            channel: BescheidChannel::PostfachAbruf,
            ..Default::default()
        }));
        kinds.push(BlockKind::Sachbearbeitung(SachbearbeitungParams {
            outcomes: vec!["ok".into(), "reject".into(), "rueckfrage".into()],
            ..Default::default()
        }));
        kinds.push(BlockKind::Wertgrenzen(WertgrenzenParams {
            bands: vec![Band {
                id: "a".into(),
                lower: Money(0),
                upper: None,
                label: String::new(),
            }],
            ..Default::default()
        }));
        kinds.push(BlockKind::Komplexitaet(KomplexitaetParams {
            rules: vec![Rule {
                id: "r".into(),
                label: String::new(),
                condition: "x".into(),
            }],
            ..Default::default()
        }));
        for k in &kinds {
            let from_catalog: Vec<String> = catalog::ports(k).into_iter().map(|p| p.name).collect();
            assert_eq!(
                Ports::of(k).iter().collect::<Vec<_>>(),
                from_catalog,
                "{k:?}"
            );
        }
    }
}
