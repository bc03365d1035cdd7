//! Maps BPMN from other tools (bpmn-js, Camunda Modeler 7/8, Signavio) onto blocks.
//!
//! | BPMN | block |
//! |---|---|
//! | `startEvent` (message / timer / none) | Start (ONLINE_ANTRAG / TIMER / INTERN) |
//! | `endEvent` (terminate) | Ende (terminate) |
//! | `userTask`, `task`, `manualTask` | Sachbearbeitung (role from `potentialOwner`, Camunda candidate groups, or lane) |
//! | `serviceTask`, `scriptTask`, `businessRuleTask`, `callActivity`, `subProcess` | Sachbearbeitung placeholder + note |
//! | `userTask` with `multiInstanceLoopCharacteristics` | Mitzeichnung (PARALLEL / SEQUENTIAL) |
//! | `parallelGateway` split → one task per branch → `parallelGateway` join | Mitzeichnung PARALLEL (one participant per task) |
//! | `exclusiveGateway` with ≥ 2 outgoing flows | Wertgrenzen-Weiche if every condition is a band over one field, else Komplexitäts-Weiche (conditions kept as FEEL text, default flow → `otherwise`) |
//! | `exclusiveGateway` with one outgoing flow (merge) | none: its flows are joined |
//! | [`sendTask` →] `eventBasedGateway` → message catch + timer catch | Rückfrage (reply / timeout) |
//! | [`sendTask` →] `receiveTask` + interrupting timer boundary event | Rückfrage |
//! | `sendTask`, message `intermediateThrowEvent` | Benachrichtigung |
//! | timer `intermediateCatchEvent` | Frist (`timeDuration` → WARTEN) |
//! | timer `boundaryEvent` | Eskalation (`cancelActivity` → interrupting) |
//! | lanes | roles |
//! | DI bounds / waypoints | layout |
//!
//! Everything else (other gateways, data objects, annotations, other event types, flows that
//! lead nowhere) is named in an [`ImportNote`].

use std::collections::{HashMap, HashSet};

use super::read::{di_bounds, di_waypoints, diagram, note};
use super::xml::Element;
use super::{geometry::Bounds, ImportNote, BPMN_NS};
use crate::model::*;
use crate::values::{Duration, Money};

const CAMUNDA_NS: &str = "http://camunda.org/schema/1.0/bpmn";
const ZEEBE_NS: &str = "http://camunda.org/schema/zeebe/1.0";

const FLOW_NODES: &[&str] = &[
    "startEvent",
    "endEvent",
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "subProcess",
    "adHocSubProcess",
    "transaction",
    "callActivity",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "complexGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
];

/// What a BPMN node became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Undecided,
    /// The node is (the anchor of) block `b`.
    Block(usize),
    /// The node is part of block `b` (flows into it lead to `b`).
    Absorbed(usize),
    /// The node disappears; flows into it continue along its first outgoing flow.
    Pass,
    /// The node is not imported; flows into it lead nowhere.
    Dropped,
    /// Kept for the Eskalation of boundary event `n` (a notify → end path).
    Reserved(usize),
}

struct Node<'a> {
    el: &'a Element,
    id: String,
    kind: &'a str,
    name: String,
    incoming: Vec<usize>,
    outgoing: Vec<usize>,
    boundaries: Vec<usize>,
    host: Option<usize>,
    lane: Option<usize>,
    fate: Fate,
}

struct FlowRef<'a> {
    el: &'a Element,
    id: String,
    source: usize,
    target: usize,
    name: String,
    condition: Option<String>,
}

struct Draft {
    /// The node the block is anchored at (document order of blocks).
    anchor: usize,
    id: String,
    label: String,
    kind: BlockKind,
    /// Ports with the BPMN flow that leaves for them.
    ports: Vec<(String, usize)>,
    bounds: Option<Bounds>,
}

struct Ctx<'a> {
    nodes: Vec<Node<'a>>,
    flows: Vec<FlowRef<'a>>,
    drafts: Vec<Draft>,
    roles: Vec<Role>,
    role_keys: HashMap<String, usize>,
    role_ids: Unique,
    lane_roles: Vec<usize>,
    notes: Vec<ImportNote>,
    used: HashSet<usize>,
    shapes: HashMap<&'a str, &'a Element>,
}

fn text_of(el: &Element) -> String {
    let t = el.text.trim();
    t.strip_prefix('=').map(str::trim).unwrap_or(t).to_string()
}

/// Lowercase ASCII slug: letters and digits, words joined by `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        let c = match c {
            'ä' | 'Ä' => Some("ae"),
            'ö' | 'Ö' => Some("oe"),
            'ü' | 'Ü' => Some("ue"),
            'ß' => Some("ss"),
            _ => None,
        }
        .map(str::to_string)
        .unwrap_or_else(|| c.to_ascii_lowercase().to_string());
        for c in c.chars() {
            if c.is_ascii_alphanumeric() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
            } else {
                dash = true;
            }
        }
    }
    out.truncate(60);
    out.trim_end_matches('-').to_string()
}

/// Hands out unique names: the base itself, else `base-2`, `base-3` … (amortised constant time).
#[derive(Default)]
struct Unique {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Unique {
    fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    fn take(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "ausgang".to_string()
        } else {
            base
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        let mut k = self.next.get(&base).copied().unwrap_or(2);
        let candidate = loop {
            let c = format!("{base}-{k}");
            k += 1;
            if !self.taken.contains(&c) {
                break c;
            }
        };
        self.next.insert(base, k);
        self.taken.insert(candidate.clone());
        candidate
    }
}

impl<'a> Ctx<'a> {
    fn note(&mut self, el: &Element, de: impl Into<String>, en: impl Into<String>) {
        self.notes.push(note(el, de.into(), en.into()));
    }

    fn bounds(&self, n: usize) -> Option<Bounds> {
        self.shapes
            .get(self.nodes[n].id.as_str())
            .and_then(|s| di_bounds(s))
    }

    fn union(&self, ns: &[usize]) -> Option<Bounds> {
        ns.iter()
            .filter_map(|n| self.bounds(*n))
            .reduce(|a, b| a.union(&b))
    }

    fn event_def(&self, n: usize) -> Option<&'a Element> {
        self.nodes[n]
            .el
            .children
            .iter()
            .find(|c| &*c.ns == BPMN_NS && c.local.ends_with("EventDefinition"))
    }

    fn has_def(&self, n: usize, local: &str) -> bool {
        self.nodes[n]
            .el
            .children
            .iter()
            .any(|c| c.is(BPMN_NS, local))
    }

    /// (kind, text) of a node's timer: kind is `timeDuration`, `timeDate` or `timeCycle`.
    fn timer(&self, n: usize) -> Option<(&'a str, String)> {
        let def = self.nodes[n].el.child(BPMN_NS, "timerEventDefinition")?;
        def.children
            .iter()
            .find(|c| &*c.ns == BPMN_NS && c.local.starts_with("time"))
            .map(|c| (c.local.as_str(), text_of(c)))
    }

    fn add(
        &mut self,
        anchor: usize,
        label: String,
        kind: BlockKind,
        ports: Vec<(String, usize)>,
        members: &[usize],
    ) -> usize {
        let b = self.drafts.len();
        let mut all = vec![anchor];
        all.extend_from_slice(members);
        let bounds = self.union(&all);
        self.drafts.push(Draft {
            anchor,
            id: self.nodes[anchor].id.clone(),
            label,
            kind,
            ports,
            bounds,
        });
        self.nodes[anchor].fate = Fate::Block(b);
        for m in members {
            self.nodes[*m].fate = Fate::Absorbed(b);
        }
        for (_, f) in &self.drafts[b].ports {
            self.used.insert(*f);
        }
        b
    }

    /// Adds a role and the keys it is found by (id, name ignoring ASCII case, slugs).
    fn push_role(&mut self, role: Role) -> usize {
        let i = self.roles.len();
        for key in [
            format!("id:{}", role.id.0),
            format!("n:{}", role.name.to_ascii_lowercase()),
            format!("s:{}", slug(&role.name)),
            format!("s:{}", slug(&role.id.0)),
        ] {
            if key != "s:" {
                self.role_keys.entry(key).or_insert(i);
            }
        }
        self.role_ids.reserve(&role.id.0);
        self.roles.push(role);
        i
    }

    /// The role a group name refers to: an existing one by id, name or slug, else a new one.
    fn role_for(&mut self, name: &str) -> RoleId {
        let keys = [
            format!("id:{name}"),
            format!("n:{}", name.to_ascii_lowercase()),
            format!("s:{}", slug(name)),
        ];
        if let Some(&i) = keys
            .iter()
            .filter(|k| k.as_str() != "s:")
            .find_map(|k| self.role_keys.get(k))
        {
            return self.roles[i].id.clone();
        }
        let id = RoleId::new(self.role_ids.take(name.to_string()));
        self.push_role(Role {
            id: id.clone(),
            name: name.to_string(),
            org_unit: None,
            signing_limit: None,
        });
        id
    }

    /// The performer of a task: potentialOwner / humanPerformer, Camunda 7 or 8 attributes,
    /// else the lane.
    fn assignee(&mut self, n: usize) -> Option<Assignee> {
        let el = self.nodes[n].el;
        for rr in el.children.iter().filter(|c| {
            &*c.ns == BPMN_NS
                && matches!(
                    c.local.as_str(),
                    "potentialOwner" | "humanPerformer" | "performer"
                )
        }) {
            let text = rr
                .child(BPMN_NS, "resourceAssignmentExpression")
                .and_then(|r| {
                    r.children.iter().find(|c| {
                        &*c.ns == BPMN_NS
                            && matches!(c.local.as_str(), "formalExpression" | "expression")
                    })
                })
                .map(text_of)
                .or_else(|| rr.child(BPMN_NS, "resourceRef").map(text_of))
                .unwrap_or_default();
            let first = text
                .split(',')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            if first.is_empty() {
                continue;
            }
            if let Some(g) = first
                .strip_prefix("group(")
                .and_then(|r| r.strip_suffix(')'))
            {
                return Some(Assignee::Role(self.role_for(g.trim())));
            }
            if let Some(u) = first
                .strip_prefix("user(")
                .and_then(|r| r.strip_suffix(')'))
            {
                return Some(Assignee::Person(u.trim().to_string()));
            }
            if first == "${initiator}" {
                return Some(Assignee::Initiator);
            }
            if first.contains("${") || first.contains('(') {
                return Some(Assignee::Expression(first));
            }
            return Some(Assignee::Role(self.role_for(&first)));
        }
        let zeebe = el
            .child(BPMN_NS, "extensionElements")
            .and_then(|x| x.child(ZEEBE_NS, "assignmentDefinition"));
        let groups = el
            .attr_ns(CAMUNDA_NS, "candidateGroups")
            .or_else(|| zeebe.and_then(|z| z.attr("candidateGroups")));
        if let Some(g) = groups.and_then(|g| g.split(',').map(str::trim).find(|g| !g.is_empty())) {
            let g = g
                .trim_start_matches('=')
                .trim()
                .trim_matches('"')
                .to_string();
            return Some(Assignee::Role(self.role_for(&g)));
        }
        let person = el
            .attr_ns(CAMUNDA_NS, "assignee")
            .or_else(|| zeebe.and_then(|z| z.attr("assignee")));
        if let Some(p) = person.map(str::trim).filter(|p| !p.is_empty()) {
            return Some(if p == "${initiator}" {
                Assignee::Initiator
            } else {
                Assignee::Person(p.to_string())
            });
        }
        self.nodes[n]
            .lane
            .map(|l| Assignee::Role(self.roles[self.lane_roles[l]].id.clone()))
    }

    fn first_out(&self, n: usize) -> Vec<(String, usize)> {
        self.nodes[n]
            .outgoing
            .first()
            .map(|f| vec![("next".to_string(), *f)])
            .unwrap_or_default()
    }

    fn label(&self, n: usize, fallback: &str) -> String {
        let name = self.nodes[n].name.trim();
        if name.is_empty() {
            fallback.to_string()
        } else {
            name.to_string()
        }
    }

    fn documentation(&self, n: usize) -> String {
        self.nodes[n]
            .el
            .child(BPMN_NS, "documentation")
            .map(|d| d.text.trim().to_string())
            .unwrap_or_default()
    }
}

fn is_task(kind: &str) -> bool {
    matches!(kind, "userTask" | "task" | "manualTask")
}

/// A FEEL condition of the form `f <= U`, `f > L and f <= U` or `f > L`, as (field, lower, upper).
fn band_of(cond: &str) -> Option<(String, Option<Money>, Option<Money>)> {
    let canonical = super::plan::rule_condition(cond);
    let money = |s: &str| -> Option<Money> {
        let frac = s.split_once('.').map_or(0, |(_, f)| f.len());
        if frac > 2 || s.is_empty() {
            return None;
        }
        Money::parse(s).ok()
    };
    let t: Vec<&str> = canonical.split(' ').collect();
    match t.as_slice() {
        [f, "<=", u] if crate::expr::is_identifier(f) => {
            Some((f.to_string(), None, Some(money(u)?)))
        }
        [f, ">", l] if crate::expr::is_identifier(f) => {
            Some((f.to_string(), Some(money(l)?), None))
        }
        [f, ">", l, "and", g, "<=", u] if f == g && crate::expr::is_identifier(f) => {
            Some((f.to_string(), Some(money(l)?), Some(money(u)?)))
        }
        _ => None,
    }
}

/// Imports a BPMN file that Fachwerk did not write.
pub(crate) fn import(root: &Element, processes: &[&Element]) -> (Workflow, Vec<ImportNote>) {
    let di = diagram(root);
    let mut notes: Vec<ImportNote> = Vec::new();

    // Which process: the first one that has flow nodes (pools without content are skipped).
    let has_nodes = |p: &Element| {
        p.children
            .iter()
            .any(|c| &*c.ns == BPMN_NS && FLOW_NODES.contains(&c.local.as_str()))
    };
    let process = processes
        .iter()
        .copied()
        .find(|p| has_nodes(p))
        .unwrap_or(processes[0]);
    for p in processes {
        if !std::ptr::eq(*p, process) && has_nodes(p) {
            notes.push(note(
                p,
                "Die Datei enthält mehrere Prozesse; nur der erste mit Inhalt wird übernommen."
                    .into(),
                "The file contains several processes; only the first one with content is imported."
                    .into(),
            ));
        }
    }
    for el in &root.children {
        if el.is(BPMN_NS, "collaboration") {
            for mf in el.children_named(BPMN_NS, "messageFlow") {
                notes.push(note(
                    mf,
                    "Nachrichtenflüsse zwischen Pools werden nicht übernommen.".into(),
                    "Message flows between pools are not imported.".into(),
                ));
            }
        }
    }

    let mut cx = Ctx {
        nodes: Vec::new(),
        flows: Vec::new(),
        drafts: Vec::new(),
        roles: Vec::new(),
        role_keys: HashMap::new(),
        role_ids: Unique::default(),
        lane_roles: Vec::new(),
        notes,
        used: HashSet::new(),
        shapes: di.shapes.clone(),
    };

    // Nodes and flows.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut flow_els = Vec::new();
    for el in &process.children {
        let local = el.local.as_str();
        if &*el.ns != BPMN_NS {
            cx.note(
                el,
                format!("Unbekanntes Element „{local}“ wird nicht übernommen."),
                format!("Unknown element “{local}” is not imported."),
            );
            continue;
        }
        if FLOW_NODES.contains(&local) {
            let id = el.attr("id").unwrap_or_default().to_string();
            if id.is_empty() || index.contains_key(id.as_str()) {
                cx.note(
                    el,
                    "Element ohne eindeutige Id wird nicht übernommen.",
                    "Element without a unique id is not imported.",
                );
                continue;
            }
            index.insert(el.attr("id").unwrap_or_default(), cx.nodes.len());
            cx.nodes.push(Node {
                el,
                id,
                kind: local,
                name: el.attr("name").unwrap_or_default().trim().to_string(),
                incoming: Vec::new(),
                outgoing: Vec::new(),
                boundaries: Vec::new(),
                host: None,
                lane: None,
                fate: Fate::Undecided,
            });
            note_unmapped_children(&mut cx, el);
        } else if local == "sequenceFlow" {
            flow_els.push(el);
        } else if !matches!(local, "extensionElements" | "documentation" | "laneSet") {
            cx.note(
                el,
                format!("Das Element „{local}“ hat keine Entsprechung in Fachwerk und wird nicht übernommen."),
                format!("The element “{local}” has no counterpart in Fachwerk and is not imported."),
            );
        }
    }
    for el in flow_els {
        note_unmapped_children(&mut cx, el);
        let s = el.attr("sourceRef").and_then(|s| index.get(s)).copied();
        let t = el.attr("targetRef").and_then(|t| index.get(t)).copied();
        let (Some(s), Some(t)) = (s, t) else {
            cx.note(
                el,
                "Sequenzfluss mit unbekanntem Start oder Ziel wird nicht übernommen.",
                "Sequence flow with an unknown source or target is not imported.",
            );
            continue;
        };
        let condition = el
            .child(BPMN_NS, "conditionExpression")
            .map(text_of)
            .filter(|c| !c.is_empty());
        let k = cx.flows.len();
        cx.flows.push(FlowRef {
            el,
            id: el.attr("id").unwrap_or_default().to_string(),
            source: s,
            target: t,
            name: el.attr("name").unwrap_or_default().trim().to_string(),
            condition,
        });
        cx.nodes[s].outgoing.push(k);
        cx.nodes[t].incoming.push(k);
    }
    for n in 0..cx.nodes.len() {
        if cx.nodes[n].kind == "boundaryEvent" {
            match cx.nodes[n]
                .el
                .attr("attachedToRef")
                .and_then(|h| index.get(h))
                .copied()
            {
                Some(h) => {
                    cx.nodes[n].host = Some(h);
                    cx.nodes[h].boundaries.push(n);
                }
                None => {
                    let el = cx.nodes[n].el;
                    cx.note(
                        el,
                        "Randereignis ohne Aktivität wird nicht übernommen.",
                        "Boundary event without an activity is not imported.",
                    );
                    cx.nodes[n].fate = Fate::Dropped;
                }
            }
        }
    }

    // Lanes → roles (nested lanes: the innermost lane wins).
    let mut lane_stack: Vec<&Element> = process
        .children_named(BPMN_NS, "laneSet")
        .flat_map(|s| s.children_named(BPMN_NS, "lane"))
        .collect();
    let mut lanes: Vec<&Element> = Vec::new();
    while let Some(l) = lane_stack.pop() {
        lanes.push(l);
        for cs in l.children_named(BPMN_NS, "childLaneSet") {
            lane_stack.extend(cs.children_named(BPMN_NS, "lane"));
        }
    }
    lanes.sort_by_key(|l| l.line);
    for (li, lane) in lanes.iter().enumerate() {
        let name = lane.attr("name").unwrap_or_default().trim().to_string();
        let lid = lane.attr("id").unwrap_or_default().to_string();
        let base = if name.is_empty() {
            format!("R-{}", slug(&lid).to_uppercase())
        } else {
            format!("R-{}", slug(&name).to_uppercase())
        };
        let id = cx.role_ids.take(base);
        let r = cx.push_role(Role {
            id: RoleId::new(id),
            name: if name.is_empty() { lid } else { name },
            org_unit: None,
            signing_limit: None,
        });
        cx.lane_roles.push(r);
        for r in lane.children_named(BPMN_NS, "flowNodeRef") {
            if let Some(&n) = index.get(r.text.trim()) {
                cx.nodes[n].lane = Some(li);
            }
        }
    }

    patterns(&mut cx);
    singles(&mut cx);
    eskalations(&mut cx);

    // Edges: each port's flow, followed through pass-through nodes.
    let mut edges = Vec::new();
    let mut edge_layout = Vec::new();
    let mut order: Vec<usize> = (0..cx.drafts.len()).collect();
    order.sort_by_key(|b| cx.drafts[*b].anchor);
    for &b in &order {
        let ports = cx.drafts[b].ports.clone();
        for (port, f) in ports {
            let mut flow = f;
            let mut seen = HashSet::new();
            let mut hops = 0;
            let target = loop {
                cx.used.insert(flow);
                let t = cx.flows[flow].target;
                match cx.nodes[t].fate {
                    Fate::Block(tb) | Fate::Absorbed(tb) => break Some(tb),
                    Fate::Pass if seen.insert(t) => match cx.nodes[t].outgoing.first() {
                        Some(next) => {
                            flow = *next;
                            hops += 1;
                        }
                        None => break None,
                    },
                    _ => break None,
                }
            };
            let fel = cx.flows[f].el;
            match target {
                Some(tb) => {
                    let id = cx.flows[f].id.clone();
                    edges.push(Edge {
                        id: EdgeId::new(id.clone()),
                        from: BlockId::new(cx.drafts[b].id.clone()),
                        port,
                        to: BlockId::new(cx.drafts[tb].id.clone()),
                    });
                    if hops == 0 {
                        let pts = di
                            .edges
                            .get(id.as_str())
                            .map(|e| di_waypoints(e))
                            .unwrap_or_default();
                        if pts.len() > 2 {
                            edge_layout.push((EdgeId::new(id), pts[1..pts.len() - 1].to_vec()));
                        }
                    }
                }
                None => cx.note(
                    fel,
                    format!(
                        "Ausgang „{port}“ führt zu keinem übernommenen Element und bleibt offen."
                    ),
                    format!("Exit “{port}” leads to no imported element and stays unconnected."),
                ),
            }
        }
    }
    for (k, f) in cx.flows.iter().enumerate() {
        if !cx.used.contains(&k) {
            let de = format!(
                "Sequenzfluss von „{}“ nach „{}“ wird nicht übernommen.",
                cx.nodes[f.source].id, cx.nodes[f.target].id
            );
            let en = format!(
                "Sequence flow from “{}” to “{}” is not imported.",
                cx.nodes[f.source].id, cx.nodes[f.target].id
            );
            cx.notes.push(note(f.el, de, en));
        }
    }

    // Fields used in conditions.
    let mut fields: Vec<Field> = Vec::new();
    let mut field_names: HashSet<String> = HashSet::new();
    for d in &cx.drafts {
        match &d.kind {
            BlockKind::Wertgrenzen(p) if !field_names.contains(&p.amount_field) => {
                field_names.insert(p.amount_field.clone());
                fields.push(Field {
                    name: p.amount_field.clone(),
                    label: p.amount_field.clone(),
                    field_type: FieldType::Money,
                    values: Vec::new(),
                    required: false,
                });
            }
            BlockKind::Komplexitaet(p) => {
                for r in &p.rules {
                    let Ok(e) = crate::expr::parse(&r.condition) else {
                        continue;
                    };
                    let canonical = crate::expr::to_feel(&e);
                    for name in crate::expr::fields_used(&e) {
                        if name == crate::expr::SYSTEM_FIELD_AKTENZEICHEN
                            || !field_names.insert(name.clone())
                        {
                            continue;
                        }
                        let field_type = guess_type(&canonical, &name);
                        fields.push(Field {
                            label: name.clone(),
                            name,
                            field_type,
                            values: Vec::new(),
                            required: false,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    if !fields.is_empty() {
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        cx.notes.push(ImportNote {
            element_id: String::new(),
            element_type: String::new(),
            line: 0,
            message_de: format!(
                "Fallvariablen aus den Bedingungen abgeleitet (Typen bitte prüfen): {}",
                names.join(", ")
            ),
            message_en: format!(
                "Case fields derived from the conditions (please check the types): {}",
                names.join(", ")
            ),
        });
    }

    let pname = process
        .attr("name")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let participant_name = root
        .children_named(BPMN_NS, "collaboration")
        .flat_map(|c| c.children_named(BPMN_NS, "participant"))
        .find(|p| p.attr("processRef") == process.attr("id"))
        .and_then(|p| p.attr("name"))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let pid = process.attr("id").unwrap_or("prozess");
    let name = pname
        .or(participant_name)
        .or(root.attr("name"))
        .unwrap_or(pid)
        .to_string();
    let key = {
        let k = slug(&name);
        if k.is_empty() {
            "importiert".to_string()
        } else {
            k
        }
    };
    let mut w = Workflow::new(key, name);
    w.description = process
        .child(BPMN_NS, "documentation")
        .map(|d| d.text.trim().to_string())
        .unwrap_or_default();
    w.fields = fields;
    w.roles = cx.roles;
    let mut drafts: Vec<Option<Draft>> = cx.drafts.into_iter().map(Some).collect();
    for d in order
        .iter()
        .filter_map(|b| drafts.get_mut(*b).and_then(Option::take))
    {
        if let Some(b) = d.bounds {
            w.layout.blocks.insert(
                BlockId::new(d.id.clone()),
                Rect {
                    x: b.x,
                    y: b.y,
                    w: b.w,
                    h: b.h,
                },
            );
        }
        w.blocks.push(Block {
            id: BlockId::new(d.id),
            label: d.label,
            kind: d.kind,
        });
    }
    for (id, pts) in edge_layout {
        w.layout.edges.insert(id, pts);
    }
    w.edges = edges;
    let mut notes = cx.notes;
    notes.sort_by_key(|n| n.line);
    (w, notes)
}

/// Children of a flow node or sequence flow that the mapping reads (event definitions too).
const MAPPED_CHILDREN: &[&str] = &[
    "incoming",
    "outgoing",
    "documentation",
    "extensionElements",
    "potentialOwner",
    "humanPerformer",
    "performer",
    "conditionExpression",
];

/// Names every child of `el` that the mapping does not read (data associations, properties,
/// I/O specifications, loop characteristics …); the content of such a child goes with it.
/// The inner elements of a sub-process are summed up in the note on the sub-process itself.
fn note_unmapped_children(cx: &mut Ctx, el: &Element) {
    let kind = el.local.as_str();
    let container = matches!(kind, "subProcess" | "adHocSubProcess" | "transaction");
    for c in &el.children {
        let local = c.local.as_str();
        let mapped = &*c.ns == BPMN_NS
            && (MAPPED_CHILDREN.contains(&local)
                || local.ends_with("EventDefinition")
                || (local == "multiInstanceLoopCharacteristics" && is_task(kind))
                || (container && (FLOW_NODES.contains(&local) || local == "sequenceFlow")));
        if !mapped {
            let parent = el.attr("id").unwrap_or_default();
            cx.note(
                c,
                format!("Das Element „{local}“ in „{parent}“ hat keine Entsprechung in Fachwerk und wird samt Inhalt nicht übernommen."),
                format!("The element “{local}” in “{parent}” has no counterpart in Fachwerk and is not imported, nor is its content."),
            );
        }
    }
}

fn guess_type(canonical: &str, field: &str) -> FieldType {
    if canonical == field || canonical == format!("not({field})") {
        return FieldType::Bool;
    }
    for op in [" = ", " != ", " <= ", " >= ", " < ", " > "] {
        let needle = format!("{field}{op}");
        if let Some(pos) = canonical.find(&needle) {
            let rest = &canonical[pos + needle.len()..];
            if rest.starts_with("true") || rest.starts_with("false") {
                return FieldType::Bool;
            }
            if rest.starts_with('"') {
                return FieldType::Text;
            }
            if rest.starts_with("date(") {
                return FieldType::Date;
            }
            if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                return FieldType::Int;
            }
        }
    }
    FieldType::Text
}

/// Multi-element patterns: parallel co-signing, Rückfrage with event-based gateway or with a
/// receive task and a timer.
fn patterns(cx: &mut Ctx) {
    for g in 0..cx.nodes.len() {
        if cx.nodes[g].fate != Fate::Undecided {
            continue;
        }
        match cx.nodes[g].kind {
            "parallelGateway" => mitzeichnung_pattern(cx, g),
            "eventBasedGateway" => rueckfrage_event_pattern(cx, g),
            "receiveTask" => rueckfrage_receive_pattern(cx, g),
            _ => {}
        }
    }
    for b in 0..cx.nodes.len() {
        if cx.nodes[b].fate == Fate::Undecided
            && cx.nodes[b].kind == "boundaryEvent"
            && cx.nodes[b].el.attr("cancelActivity") == Some("false")
        {
            reserve_notify_path(cx, b);
        }
    }
}

/// After a non-interrupting timer: "notify → end" or just "end" belongs to the Eskalation.
fn reserve_notify_path(cx: &mut Ctx, b: usize) {
    if cx.timer(b).is_none() {
        return;
    }
    let [f] = cx.nodes[b].outgoing.as_slice() else {
        return;
    };
    let x = cx.flows[*f].target;
    let free = |cx: &Ctx, k: usize| {
        cx.nodes[k].incoming.len() == 1
            && cx.nodes[k].fate == Fate::Undecided
            && cx.nodes[k].boundaries.is_empty()
    };
    if cx.nodes[x].kind == "endEvent" && free(cx, x) {
        cx.nodes[x].fate = Fate::Reserved(b);
    } else if matches!(
        cx.nodes[x].kind,
        "sendTask" | "task" | "userTask" | "serviceTask"
    ) && free(cx, x)
    {
        if let [g] = cx.nodes[x].outgoing.as_slice() {
            let y = cx.flows[*g].target;
            if cx.nodes[y].kind == "endEvent" && free(cx, y) {
                cx.nodes[x].fate = Fate::Reserved(b);
                cx.nodes[y].fate = Fate::Reserved(b);
            }
        }
    }
}

fn mitzeichnung_pattern(cx: &mut Ctx, g: usize) {
    let outs = cx.nodes[g].outgoing.clone();
    if outs.len() < 2 {
        return;
    }
    let mut tasks = Vec::new();
    let mut join = None;
    for f in &outs {
        let t = cx.flows[*f].target;
        let n = &cx.nodes[t];
        // A reminder (non-interrupting timer) on a branch keeps the routing: it becomes an
        // Eskalation on the Mitzeichnung. Anything that can take a branch away cannot be mapped.
        let reminders_only = n.boundaries.iter().all(|b| {
            cx.nodes[*b].el.attr("cancelActivity") == Some("false") && cx.timer(*b).is_some()
        });
        if !is_task(n.kind)
            || n.incoming.len() != 1
            || n.outgoing.len() != 1
            || !reminders_only
            || n.fate != Fate::Undecided
        {
            return;
        }
        let j = cx.flows[n.outgoing[0]].target;
        if cx.nodes[j].kind != "parallelGateway" || join.is_some_and(|x| x != j) {
            return;
        }
        join = Some(j);
        tasks.push(t);
    }
    let Some(j) = join else { return };
    if cx.nodes[j].incoming.len() != tasks.len() || cx.nodes[j].outgoing.len() > 1 {
        return;
    }
    let participants: Vec<Participant> = tasks
        .iter()
        .map(|t| Participant {
            assignee: cx.assignee(*t),
            label: cx.label(*t, "Beteiligung"),
            mandatory: true,
        })
        .collect();
    let ports: Vec<(String, usize)> = cx.nodes[j]
        .outgoing
        .first()
        .map(|f| vec![("ok".to_string(), *f)])
        .unwrap_or_default();
    let label = if !cx.nodes[g].name.is_empty() {
        cx.nodes[g].name.clone()
    } else {
        cx.label(j, "Mitzeichnung")
    };
    let mut members = tasks.clone();
    members.push(j);
    let internal: Vec<usize> = outs
        .iter()
        .copied()
        .chain(tasks.iter().map(|t| cx.nodes[*t].outgoing[0]))
        .collect();
    let kind = BlockKind::Mitzeichnung(MitzeichnungParams {
        participants,
        mode: MitzeichnungMode::Parallel,
        ..MitzeichnungParams::default()
    });
    cx.add(g, label, kind, ports, &members);
    cx.used.extend(internal);
    let el = cx.nodes[g].el;
    cx.note(
        el,
        "Parallele Verzweigung als Mitzeichnung (PARALLEL) übernommen; der Ausgang „veto“ hat im BPMN-Modell keine Entsprechung und bleibt offen.",
        "Parallel split imported as co-signing (PARALLEL); the “veto” exit has no counterpart in the BPMN model and stays unconnected.",
    );
}

/// A send task directly in front of `n` that can be merged into the Rückfrage.
fn sender_before(cx: &Ctx, n: usize) -> Option<usize> {
    let [f] = cx.nodes[n].incoming.as_slice() else {
        return None;
    };
    let s = cx.flows[*f].source;
    let sn = &cx.nodes[s];
    let sends = sn.kind == "sendTask"
        || (sn.kind == "intermediateThrowEvent"
            && sn.el.child(BPMN_NS, "messageEventDefinition").is_some());
    (sends && sn.outgoing.len() == 1 && sn.boundaries.is_empty() && sn.fate == Fate::Undecided)
        .then_some(s)
}

fn rueckfrage_event_pattern(cx: &mut Ctx, g: usize) {
    let outs = cx.nodes[g].outgoing.clone();
    if outs.len() != 2 {
        return;
    }
    let (mut reply, mut timeout) = (None, None);
    for f in &outs {
        let t = cx.flows[*f].target;
        if cx.nodes[t].incoming.len() != 1 || cx.nodes[t].fate != Fate::Undecided {
            return;
        }
        let catch = cx.nodes[t].kind == "intermediateCatchEvent";
        if (catch && cx.has_def(t, "messageEventDefinition"))
            || (cx.nodes[t].kind == "receiveTask" && cx.nodes[t].boundaries.is_empty())
        {
            reply = Some(t);
        } else if catch && cx.has_def(t, "timerEventDefinition") {
            timeout = Some(t);
        }
    }
    let (Some(r), Some(t)) = (reply, timeout) else {
        return;
    };
    let sender = sender_before(cx, g);
    let anchor = sender.unwrap_or(g);
    let mut members = vec![r, t];
    if sender.is_some() {
        members.push(g);
    }
    let deadline = cx
        .timer(t)
        .filter(|(k, _)| *k == "timeDuration")
        .map(|(_, d)| Duration::new(d));
    let mut ports = Vec::new();
    if let Some(f) = cx.nodes[r].outgoing.first() {
        ports.push(("reply".to_string(), *f));
    }
    if let Some(f) = cx.nodes[t].outgoing.first() {
        ports.push(("timeout".to_string(), *f));
    }
    let label = cx.label(anchor, "Rückfrage");
    let template = sender.map(|s| cx.documentation(s)).unwrap_or_default();
    let kind = BlockKind::Rueckfrage(RueckfrageParams {
        template,
        reply_deadline: deadline,
        ..RueckfrageParams::default()
    });
    let mut internal = outs;
    if let Some(s) = sender {
        internal.extend(cx.nodes[s].outgoing.iter().copied());
    }
    cx.add(anchor, label, kind, ports, &members);
    cx.used.extend(internal);
}

fn rueckfrage_receive_pattern(cx: &mut Ctx, r: usize) {
    let timers: Vec<usize> = cx.nodes[r]
        .boundaries
        .iter()
        .copied()
        .filter(|b| {
            cx.nodes[*b]
                .el
                .child(BPMN_NS, "timerEventDefinition")
                .is_some()
        })
        .collect();
    let interrupting = timers
        .iter()
        .copied()
        .find(|b| cx.nodes[*b].el.attr("cancelActivity") != Some("false"));
    let Some(t) = interrupting else { return };
    let sender = sender_before(cx, r);
    let anchor = sender.unwrap_or(r);
    let reminder = timers
        .iter()
        .copied()
        .find(|b| cx.nodes[*b].el.attr("cancelActivity") == Some("false"));
    let mut members = vec![t];
    if sender.is_some() {
        members.push(r);
    }
    if let Some(m) = reminder {
        members.push(m);
        if !cx.nodes[m].outgoing.is_empty() {
            let el = cx.nodes[m].el;
            cx.note(el, "Der Pfad nach der Erinnerung wird nicht übernommen (die Rückfrage erinnert selbst).", "The path after the reminder is not imported (the Rückfrage block reminds by itself).");
        }
    }
    let duration = |b: usize| {
        cx.timer(b)
            .filter(|(k, _)| *k == "timeDuration")
            .map(|(_, d)| Duration::new(d))
    };
    let mut ports = Vec::new();
    if let Some(f) = cx.nodes[r].outgoing.first() {
        ports.push(("reply".to_string(), *f));
    }
    if let Some(f) = cx.nodes[t].outgoing.first() {
        ports.push(("timeout".to_string(), *f));
    }
    let label = cx.label(anchor, "Rückfrage");
    let template = sender.map(|s| cx.documentation(s)).unwrap_or_default();
    let kind = BlockKind::Rueckfrage(RueckfrageParams {
        template,
        reply_deadline: duration(t),
        reminder_after: reminder.and_then(duration),
        ..RueckfrageParams::default()
    });
    let internal: Vec<usize> = sender
        .map(|s| cx.nodes[s].outgoing.clone())
        .unwrap_or_default();
    cx.add(anchor, label, kind, ports, &members);
    cx.used.extend(internal);
}

fn singles(cx: &mut Ctx) {
    for n in 0..cx.nodes.len() {
        if cx.nodes[n].fate != Fate::Undecided {
            continue;
        }
        let el = cx.nodes[n].el;
        let kind = cx.nodes[n].kind;
        match kind {
            "startEvent" => {
                let (trigger, timer) = if cx.has_def(n, "messageEventDefinition") {
                    (Trigger::OnlineAntrag, None)
                } else if let Some((_, t)) = cx.timer(n) {
                    (Trigger::Timer, Some(t))
                } else {
                    if let Some(def) = cx.event_def(n) {
                        cx.note(
                            def,
                            format!(
                                "Startereignis-Typ „{}“ wird als interner Start übernommen.",
                                def.local
                            ),
                            format!(
                                "Start event type “{}” is imported as an internal start.",
                                def.local
                            ),
                        );
                    }
                    (Trigger::Intern, None)
                };
                let form_ref = el.attr_ns(CAMUNDA_NS, "formKey").map(str::to_string);
                let label = cx.label(n, "Start");
                let ports = cx.first_out(n);
                cx.add(
                    n,
                    label,
                    BlockKind::Start(StartParams {
                        trigger,
                        form_ref,
                        initiator_role: None,
                        timer,
                        eingangsbestaetigung: false,
                    }),
                    ports,
                    &[],
                );
            }
            "endEvent" => {
                let terminate = cx.has_def(n, "terminateEventDefinition");
                if let Some(def) = cx
                    .event_def(n)
                    .filter(|d| d.local != "terminateEventDefinition")
                {
                    cx.note(
                        def,
                        format!(
                            "Endereignis-Typ „{}“ wird als einfaches Ende übernommen.",
                            def.local
                        ),
                        format!("End event type “{}” is imported as a plain end.", def.local),
                    );
                }
                let label = cx.label(n, "Ende");
                cx.add(
                    n,
                    label,
                    BlockKind::Ende(EndeParams {
                        result: EndResult::Erledigt,
                        terminate,
                    }),
                    Vec::new(),
                    &[],
                );
            }
            "userTask" | "task" | "manualTask" | "serviceTask" | "scriptTask"
            | "businessRuleTask" | "callActivity" | "subProcess" | "adHocSubProcess"
            | "transaction" => {
                if !is_task(kind) {
                    let inner = el
                        .children
                        .iter()
                        .filter(|c| &*c.ns == BPMN_NS && FLOW_NODES.contains(&c.local.as_str()))
                        .count();
                    let (de, en) = if inner > 0 {
                        (
                            format!("„{kind}“ als Sachbearbeitung übernommen; seine {inner} inneren Elemente werden nicht übernommen."),
                            format!("“{kind}” imported as case work; its {inner} inner elements are not imported."),
                        )
                    } else {
                        (
                            format!("„{kind}“ als Sachbearbeitung übernommen (bitte prüfen)."),
                            format!("“{kind}” imported as case work (please check)."),
                        )
                    };
                    cx.note(el, de, en);
                }
                let assignee = cx.assignee(n);
                let multi = el.child(BPMN_NS, "multiInstanceLoopCharacteristics");
                let label = cx.label(n, "Sachbearbeitung");
                if let (Some(mi), true) = (multi, is_task(kind)) {
                    let mode = if mi.attr("isSequential") == Some("true") {
                        MitzeichnungMode::Sequential
                    } else {
                        MitzeichnungMode::Parallel
                    };
                    let ports = cx.nodes[n]
                        .outgoing
                        .first()
                        .map(|f| vec![("ok".to_string(), *f)])
                        .unwrap_or_default();
                    let participants = vec![Participant {
                        assignee,
                        label: label.clone(),
                        mandatory: true,
                    }];
                    cx.add(
                        n,
                        label,
                        BlockKind::Mitzeichnung(MitzeichnungParams {
                            participants,
                            mode,
                            ..MitzeichnungParams::default()
                        }),
                        ports,
                        &[],
                    );
                    continue;
                }
                let outs = cx.nodes[n].outgoing.clone();
                let mut taken = Unique::default();
                let mut ports = Vec::new();
                for (k, f) in outs.iter().enumerate() {
                    let port = if k == 0 {
                        taken.take("ok".into())
                    } else {
                        taken.take(slug(&cx.flows[*f].name))
                    };
                    ports.push((port, *f));
                }
                if outs.len() > 1 {
                    cx.note(el, "Aktivität mit mehreren ausgehenden Flüssen: jeder Fluss wird ein Ergebnis der Sachbearbeitung.", "Activity with several outgoing flows: each flow becomes an outcome of the case work.");
                }
                let outcomes = if ports.is_empty() {
                    vec!["ok".to_string()]
                } else {
                    ports.iter().map(|(p, _)| p.clone()).collect()
                };
                let form_ref = el.attr_ns(CAMUNDA_NS, "formKey").map(str::to_string);
                let instructions = cx.documentation(n);
                let params = SachbearbeitungParams {
                    assignee,
                    instructions,
                    outcomes,
                    due_in: None,
                    form_ref,
                };
                cx.add(n, label, BlockKind::Sachbearbeitung(params), ports, &[]);
            }
            "sendTask" | "intermediateThrowEvent" => {
                if kind == "intermediateThrowEvent" && !cx.has_def(n, "messageEventDefinition") {
                    let what = cx.event_def(n).map_or_else(
                        || "ohne Ereignisdefinition".to_string(),
                        |d| d.local.clone(),
                    );
                    cx.note(
                        el,
                        format!("Zwischenereignis ({what}) wird übergangen."),
                        format!("Intermediate event ({what}) is skipped."),
                    );
                    cx.nodes[n].fate = Fate::Pass;
                    continue;
                }
                let label = cx.label(n, "Benachrichtigung");
                let ports = cx.first_out(n);
                let template = cx.documentation(n);
                cx.add(
                    n,
                    label,
                    BlockKind::Benachrichtigung(BenachrichtigungParams {
                        template,
                        ..BenachrichtigungParams::default()
                    }),
                    ports,
                    &[],
                );
            }
            "receiveTask" => {
                cx.note(el, "Empfangsaufgabe ohne Zeitgrenze als Rückfrage übernommen; der Ausgang „timeout“ bleibt offen.", "Receive task without a deadline imported as Rückfrage; the “timeout” exit stays unconnected.");
                let label = cx.label(n, "Rückfrage");
                let ports = cx.nodes[n]
                    .outgoing
                    .first()
                    .map(|f| vec![("reply".to_string(), *f)])
                    .unwrap_or_default();
                cx.add(
                    n,
                    label,
                    BlockKind::Rueckfrage(RueckfrageParams::default()),
                    ports,
                    &[],
                );
            }
            "intermediateCatchEvent" => {
                if let Some((tk, t)) = cx.timer(n) {
                    let params = match tk {
                        "timeDuration" => FristParams {
                            kind: FristKind::Warten,
                            duration: Some(Duration::new(t)),
                            ..FristParams::default()
                        },
                        "timeDate" if crate::expr::is_identifier(&t) => FristParams {
                            kind: FristKind::WiedervorlageAm,
                            date_field: Some(t),
                            ..FristParams::default()
                        },
                        _ => {
                            cx.note(el, format!("Zeitangabe „{t}“ ({tk}) passt nicht zur Frist; bitte Dauer eintragen."), format!("Timer “{t}” ({tk}) does not fit the Frist block; please enter a duration."));
                            FristParams::default()
                        }
                    };
                    let label = cx.label(n, "Frist");
                    let ports = cx.first_out(n);
                    cx.add(n, label, BlockKind::Frist(params), ports, &[]);
                } else if cx.has_def(n, "messageEventDefinition") {
                    cx.note(el, "Nachrichten-Zwischenereignis als Rückfrage übernommen; der Ausgang „timeout“ bleibt offen.", "Message catch event imported as Rückfrage; the “timeout” exit stays unconnected.");
                    let label = cx.label(n, "Rückfrage");
                    let ports = cx.nodes[n]
                        .outgoing
                        .first()
                        .map(|f| vec![("reply".to_string(), *f)])
                        .unwrap_or_default();
                    cx.add(
                        n,
                        label,
                        BlockKind::Rueckfrage(RueckfrageParams::default()),
                        ports,
                        &[],
                    );
                } else {
                    let what = cx.event_def(n).map_or_else(
                        || "ohne Ereignisdefinition".to_string(),
                        |d| d.local.clone(),
                    );
                    cx.note(
                        el,
                        format!("Zwischenereignis ({what}) wird übergangen."),
                        format!("Intermediate event ({what}) is skipped."),
                    );
                    cx.nodes[n].fate = Fate::Pass;
                }
            }
            "exclusiveGateway" | "inclusiveGateway" | "complexGateway" => {
                if kind != "exclusiveGateway" {
                    cx.note(el, format!("„{kind}“ wird wie ein exklusives Gateway behandelt (nur der erste zutreffende Weg)."), format!("“{kind}” is treated like an exclusive gateway (only the first matching path)."));
                }
                if cx.nodes[n].outgoing.len() <= 1 {
                    cx.nodes[n].fate = Fate::Pass;
                    if let Some(f) = cx.nodes[n].outgoing.first() {
                        cx.used.insert(*f);
                    }
                    continue;
                }
                router(cx, n);
            }
            "parallelGateway" | "eventBasedGateway" => {
                let outs = cx.nodes[n].outgoing.clone();
                if outs.len() > 1 {
                    unmappable_split(cx, n);
                    continue;
                } else if kind == "parallelGateway" && cx.nodes[n].incoming.len() > 1 {
                    cx.note(
                        el,
                        "Parallele Zusammenführung wird als einfache Zusammenführung übernommen.",
                        "Parallel join is imported as a simple merge.",
                    );
                }
                cx.nodes[n].fate = Fate::Pass;
                if let Some(f) = outs.first() {
                    cx.used.insert(*f);
                }
            }
            _ => {}
        }
    }
}

/// A split that no block can represent. Following only one of its paths would route
/// differently from the original, so none is followed: flows into the split lead nowhere (the
/// exit in front stays open), and the elements of its branches are kept unconnected, each named
/// in a note. Validation then reports the workflow as incomplete.
fn unmappable_split(cx: &mut Ctx, g: usize) {
    cx.nodes[g].fate = Fate::Dropped;
    let parallel = cx.nodes[g].kind == "parallelGateway";
    // The branches: up to the join of a parallel split, only the first element otherwise.
    let mut region = Vec::new();
    let mut queue: Vec<usize> = cx.nodes[g]
        .outgoing
        .iter()
        .map(|f| cx.flows[*f].target)
        .collect();
    let mut seen: HashSet<usize> = HashSet::from([g]);
    while let Some(k) = queue.pop() {
        if !seen.insert(k) {
            continue;
        }
        region.push(k);
        let node = &cx.nodes[k];
        let join = node.kind == "parallelGateway" && node.incoming.len() > 1;
        if parallel && !join {
            queue.extend(node.outgoing.iter().map(|f| cx.flows[*f].target));
            queue.extend(node.boundaries.iter().copied());
        }
    }
    region.sort_by_key(|k| cx.nodes[*k].el.line);
    let gname = cx.label(g, &cx.nodes[g].id.clone());
    let ids: Vec<String> = region.iter().map(|k| cx.nodes[*k].id.clone()).collect();
    let el = cx.nodes[g].el;
    let (what_de, what_en) = if parallel {
        ("parallele", "parallel")
    } else {
        ("ereignisbasierte", "event-based")
    };
    cx.note(
        el,
        format!("Die {what_de} Verzweigung kann nicht abgebildet werden (z. B. weil ein Zweig ein unterbrechendes Randereignis hat). Damit der Ablauf nicht anders läuft als das Original, wird sie nicht verbunden; die Elemente ihrer Zweige bleiben unverbunden erhalten: {}", ids.join(", ")),
        format!("The {what_en} split cannot be mapped (e.g. because a branch has an interrupting boundary event). So that the workflow does not route differently from the original, it is not connected; the elements of its branches are kept unconnected: {}", ids.join(", ")),
    );
    for k in region {
        let el = cx.nodes[k].el;
        cx.note(
            el,
            format!("Liegt in einem Zweig der nicht abbildbaren {what_de}n Verzweigung „{gname}“ und bleibt unverbunden."),
            format!("Lies on a branch of the {what_en} split “{gname}” that cannot be mapped, and stays unconnected."),
        );
    }
}

/// A flow whose condition is a value band: (field, lower, upper, flow).
type BandFlow = (String, Option<Money>, Option<Money>, usize);

/// Condition text of a flow for a rule: FEEL as written; JUEL `${…}` unwrapped with a note.
fn rule_text(cx: &mut Ctx, f: usize) -> String {
    let raw = cx.flows[f].condition.clone().unwrap_or_default();
    let el = cx.flows[f].el;
    let text = match raw
        .strip_prefix("${")
        .or_else(|| raw.strip_prefix("#{"))
        .and_then(|r| r.strip_suffix('}'))
    {
        Some(inner) => {
            cx.note(
                el,
                "JUEL-Ausdruck als FEEL-Text übernommen; bitte prüfen.",
                "JUEL expression imported as FEEL text; please check.",
            );
            inner
                .trim()
                .replace("==", "=")
                .replace("&&", "and")
                .replace("||", "or")
        }
        None => raw,
    };
    if let Err(e) = crate::expr::parse(&text) {
        cx.note(
            el,
            format!(
                "Bedingung „{text}“ liegt nicht in der unterstützten FEEL-Teilmenge: {}",
                e.message_de
            ),
            format!(
                "Condition “{text}” is not in the supported FEEL subset: {}",
                e.message_en
            ),
        );
    }
    text
}

fn router(cx: &mut Ctx, g: usize) {
    let el = cx.nodes[g].el;
    let default_id = el.attr("default").map(str::to_string);
    let outs = cx.nodes[g].outgoing.clone();
    let mut default = outs
        .iter()
        .copied()
        .find(|f| Some(&cx.flows[*f].id) == default_id.as_ref());
    if default.is_none() {
        let unconditioned: Vec<usize> = outs
            .iter()
            .copied()
            .filter(|f| cx.flows[*f].condition.is_none())
            .collect();
        if let [only] = unconditioned.as_slice() {
            default = Some(*only);
        }
    }
    let conditional: Vec<usize> = outs
        .iter()
        .copied()
        .filter(|f| Some(*f) != default)
        .collect();
    let label = cx.label(g, "Weiche");

    // Value bands over one field?
    let bands: Option<Vec<BandFlow>> = conditional
        .iter()
        .map(|f| {
            cx.flows[*f]
                .condition
                .as_deref()
                .and_then(band_of)
                .map(|(field, l, u)| (field, l, u, *f))
        })
        .collect();
    if let Some(mut bands) = bands.filter(|b| !b.is_empty()) {
        let field = bands[0].0.clone();
        let unbounded = bands.iter().filter(|b| b.2.is_none()).count();
        if bands.iter().all(|b| b.0 == field)
            && ((unbounded == 0 && default.is_some()) || (unbounded == 1 && default.is_none()))
        {
            if let Some(d) = default {
                let top = bands.iter().filter_map(|b| b.2).max().unwrap_or_default();
                bands.push((field.clone(), Some(top), None, d));
            }
            bands.sort_by_key(|b| b.1.unwrap_or_default());
            let mut taken = Unique::default();
            let mut ports = Vec::new();
            let list: Vec<Band> = bands
                .iter()
                .enumerate()
                .map(|(k, (_, l, u, f))| {
                    let name = cx.flows[*f].name.clone();
                    let id = taken.take(if name.is_empty() {
                        format!("band-{}", k + 1)
                    } else {
                        slug(&name)
                    });
                    ports.push((id.clone(), *f));
                    Band {
                        id,
                        lower: l.unwrap_or_default(),
                        upper: *u,
                        label: name,
                    }
                })
                .collect();
            let kind = BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: field,
                bands: list,
                ..WertgrenzenParams::default()
            });
            cx.add(g, label, kind, ports, &[]);
            return;
        }
    }

    let mut taken = Unique::default();
    taken.reserve(OTHERWISE_PORT);
    let mut rules = Vec::new();
    let mut ports = Vec::new();
    for (k, f) in conditional.iter().enumerate() {
        let name = cx.flows[*f].name.clone();
        let id = taken.take(if name.is_empty() {
            format!("regel-{}", k + 1)
        } else {
            slug(&name)
        });
        if cx.flows[*f].condition.is_none() {
            let fel = cx.flows[*f].el;
            cx.note(
                fel,
                "Fluss ohne Bedingung: die Regel bleibt leer.",
                "Flow without a condition: the rule stays empty.",
            );
        }
        let condition = if cx.flows[*f].condition.is_some() {
            rule_text(cx, *f)
        } else {
            String::new()
        };
        rules.push(Rule {
            id: id.clone(),
            label: name,
            condition,
        });
        ports.push((id, *f));
    }
    match default {
        Some(d) => ports.push((OTHERWISE_PORT.to_string(), d)),
        None => cx.note(
            el,
            "Gateway ohne Standardfluss: der Ausgang „sonst“ bleibt offen.",
            "Gateway without a default flow: the “otherwise” exit stays unconnected.",
        ),
    }
    cx.add(
        g,
        label,
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules,
            evaluation: Evaluation::FirstMatch,
        }),
        ports,
        &[],
    );
}

/// Boundary events: timers become Eskalation blocks on their host's block.
fn eskalations(cx: &mut Ctx) {
    let mut reserved_for: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, node) in cx.nodes.iter().enumerate() {
        if let Fate::Reserved(b) = node.fate {
            reserved_for.entry(b).or_default().push(k);
        }
    }
    for n in 0..cx.nodes.len() {
        if cx.nodes[n].fate != Fate::Undecided || cx.nodes[n].kind != "boundaryEvent" {
            continue;
        }
        let el = cx.nodes[n].el;
        let host_block = cx.nodes[n].host.and_then(|h| match cx.nodes[h].fate {
            Fate::Block(b) => Some(b),
            // A reminder on one branch of a parallel co-signing (see `mitzeichnung_pattern`).
            Fate::Absorbed(b) if matches!(cx.drafts[b].kind, BlockKind::Mitzeichnung(_)) => {
                cx.note(
                    el,
                    format!("Die Erinnerung an „{}“ wird eine Eskalation der ganzen Mitzeichnung: sie wird auch ausgelöst, wenn nur noch andere Beteiligte offen sind.", cx.nodes[h].name),
                    format!("The reminder on “{}” becomes an Eskalation of the whole co-signing: it also fires when only other participants are still open.", cx.nodes[h].name),
                );
                Some(b)
            }
            _ => None,
        });
        let timer = cx.timer(n);
        let (Some(hb), Some((tk, t))) = (host_block, timer) else {
            for k in reserved_for.get(&n).cloned().unwrap_or_default() {
                cx.nodes[k].fate = Fate::Dropped;
                let kel = cx.nodes[k].el;
                cx.note(
                    kel,
                    "Element nach einem nicht übernommenen Randereignis wird nicht übernommen.",
                    "Element after a boundary event that is not imported is not imported.",
                );
            }
            let what = cx.event_def(n).map_or_else(
                || "ohne Ereignisdefinition".to_string(),
                |d| d.local.clone(),
            );
            cx.note(
                el,
                format!(
                    "Randereignis ({what}) wird nicht übernommen; sein Pfad bleibt unverbunden."
                ),
                format!("Boundary event ({what}) is not imported; its path stays unconnected."),
            );
            cx.nodes[n].fate = Fate::Dropped;
            continue;
        };
        if tk != "timeDuration" {
            cx.note(el, format!("Zeitangabe „{t}“ ({tk}) passt nicht zur Eskalation; bitte Dauer eintragen."), format!("Timer “{t}” ({tk}) does not fit the Eskalation block; please enter a duration."));
        }
        let interrupting = el.attr("cancelActivity") != Some("false");
        let mut members = Vec::new();
        let mut ports = Vec::new();
        let mut escalate_to = None;
        if interrupting {
            ports = cx.nodes[n]
                .outgoing
                .first()
                .map(|f| vec![("escalated".to_string(), *f)])
                .unwrap_or_default();
        } else {
            let reserved: Vec<usize> = reserved_for.get(&n).cloned().unwrap_or_default();
            if let Some(x) = reserved
                .iter()
                .copied()
                .find(|k| cx.nodes[*k].kind != "endEvent")
            {
                escalate_to = cx.assignee(x);
            }
            for k in &reserved {
                cx.used.extend(cx.nodes[*k].incoming.iter().copied());
            }
            members = reserved;
            if members.is_empty() && !cx.nodes[n].outgoing.is_empty() {
                cx.note(
                    el,
                    "Der Pfad nach dem nicht unterbrechenden Zeitereignis wird nicht übernommen.",
                    "The path after the non-interrupting timer is not imported.",
                );
            }
        }
        let after = (tk == "timeDuration").then(|| Duration::new(t));
        let label = cx.label(n, "Eskalation");
        let attached_to = Some(BlockId::new(cx.drafts[hb].id.clone()));
        let kind = BlockKind::Eskalation(EskalationParams {
            attached_to,
            after,
            interrupting,
            escalate_to,
        });
        cx.add(n, label, kind, ports, &members);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_bands() {
        assert_eq!(slug("Über 25.000 € – Vergabe"), "ueber-25-000-vergabe");
        assert_eq!(slug("  "), "");
        assert_eq!(
            band_of("betragNetto > 1000 and betragNetto <= 25000"),
            Some((
                "betragNetto".into(),
                Some(Money::euros(1000)),
                Some(Money::euros(25000))
            ))
        );
        assert_eq!(
            band_of("betrag <= 1000.5"),
            Some(("betrag".into(), None, Some(Money(100_050))))
        );
        assert_eq!(band_of("betrag > 1000 and x <= 5"), None);
        assert_eq!(band_of("betrag < 1000"), None);
    }
}
