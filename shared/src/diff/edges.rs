//! Changes of connections: added, removed, leading elsewhere.

use serde_json::Value;

use super::{Change, ChangeKind, Differ, Impact};
use crate::model::EdgeId;
use crate::ops::Op;
use crate::validate::{id_set, IdMap as HashMap, IdSet as HashSet};

impl Differ<'_> {
    pub(super) fn edges(&mut self) {
        let old: HashMap<&EdgeId, _> = self.old.edges.iter().map(|e| (&e.id, e)).collect();
        let mut new_ids: HashSet<&EdgeId> = id_set(self.new.edges.len());
        new_ids.extend(self.new.edges.iter().map(|e| &e.id));
        for e in &self.old.edges {
            if !new_ids.contains(&e.id) {
                let mut c = Change::new(
                    ChangeKind::EdgeRemoved,
                    Impact::Breaking,
                    format!(
                        "Verbindung von „{}“ ({}) nach „{}“ entfernt",
                        self.names.old_block(&e.from),
                        self.names.old_blocks.port(&e.from, &e.port).0,
                        self.names.old_block(&e.to)
                    ),
                    format!(
                        "Connection from “{}” ({}) to “{}” removed",
                        self.names.old_block_en(&e.from),
                        self.names.old_blocks.port(&e.from, &e.port).1,
                        self.names.old_block_en(&e.to)
                    ),
                );
                c.edge = Some(e.id.clone());
                c.block = Some(e.from.clone());
                self.changes.push(c);
                self.disconnects.push(Op::Disconnect { id: e.id.clone() });
            }
        }
        for (i, e) in self.new.edges.iter().enumerate() {
            match old.get(&e.id) {
                None => {
                    let mut c = Change::new(
                        ChangeKind::EdgeAdded,
                        Impact::Feature,
                        format!(
                            "Neue Verbindung von „{}“ ({}) nach „{}“",
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).0,
                            self.names.block(&e.to)
                        ),
                        format!(
                            "New connection from “{}” ({}) to “{}”",
                            self.names.block_en(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).1,
                            self.names.block_en(&e.to)
                        ),
                    );
                    c.edge = Some(e.id.clone());
                    c.block = Some(e.from.clone());
                    self.changes.push(c);
                    self.connects.push(Op::Connect {
                        edge: e.clone(),
                        waypoints: Vec::new(),
                        index: Some(i),
                    });
                }
                Some(o) if o.from != e.from || o.port != e.port => {
                    // A different source or port is a different connection.
                    let mut c = Change::new(
                        ChangeKind::EdgeRetargeted,
                        Impact::Breaking,
                        format!(
                            "Verbindung nach „{}“ geht jetzt von „{}“ ({}) aus",
                            self.names.block(&e.to),
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).0
                        ),
                        format!(
                            "Connection to “{}” now starts at “{}” ({})",
                            self.names.block_en(&e.to),
                            self.names.block_en(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).1
                        ),
                    );
                    c.edge = Some(e.id.clone());
                    c.block = Some(e.from.clone());
                    self.changes.push(c);
                    self.disconnects.push(Op::Disconnect { id: e.id.clone() });
                    self.connects.push(Op::Connect {
                        edge: e.clone(),
                        waypoints: Vec::new(),
                        index: Some(i),
                    });
                }
                Some(o) if o.to != e.to => {
                    let mut c = Change::new(
                        ChangeKind::EdgeRetargeted,
                        Impact::Feature,
                        format!(
                            "„{}“ ({}) führt jetzt zu „{}“ statt zu „{}“",
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).0,
                            self.names.block(&e.to),
                            self.names.old_block(&o.to)
                        ),
                        format!(
                            "“{}” ({}) now leads to “{}” instead of “{}”",
                            self.names.block_en(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).1,
                            self.names.block_en(&e.to),
                            self.names.old_block_en(&o.to)
                        ),
                    )
                    .values(
                        Some(Value::from(o.to.0.clone())),
                        Some(Value::from(e.to.0.clone())),
                    );
                    c.edge = Some(e.id.clone());
                    c.block = Some(e.from.clone());
                    self.changes.push(c);
                    self.disconnects.push(Op::Disconnect { id: e.id.clone() });
                    self.connects.push(Op::Connect {
                        edge: e.clone(),
                        waypoints: Vec::new(),
                        index: Some(i),
                    });
                }
                Some(_) => {}
            }
        }
    }
}
