//! The reader's state: nodes, flows, drafted blocks and roles, with the lookups every mapping
//! needs (timers, performers, labels), and the naming helpers.

use super::*;

pub(super) fn text_of(el: Element) -> String {
    let text = el.text();
    let t = text.trim();
    t.strip_prefix('=').map(str::trim).unwrap_or(t).to_string()
}

/// Lowercase ASCII slug: letters and digits, words joined by `-`.
pub(super) fn slug(s: &str) -> String {
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

/// The flows that became part of the workflow (edges or inside a block), by index.
#[derive(Default)]
pub(super) struct Used(Vec<bool>);

impl Used {
    pub(super) fn insert(&mut self, flow: usize) {
        if self.0.len() <= flow {
            self.0.resize(flow + 1, false);
        }
        self.0[flow] = true;
    }

    pub(super) fn contains(&self, flow: usize) -> bool {
        self.0.get(flow).copied().unwrap_or(false)
    }
}

impl Extend<usize> for Used {
    fn extend<I: IntoIterator<Item = usize>>(&mut self, flows: I) {
        for f in flows {
            self.insert(f);
        }
    }
}

/// Hands out unique names: the base itself, else `base-2`, `base-3` … (amortised constant time).
#[derive(Default)]
pub(super) struct Unique {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Unique {
    pub(super) fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub(super) fn take(&mut self, base: String) -> String {
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
    pub(super) fn note(&mut self, el: Element, de: impl Into<String>, en: impl Into<String>) {
        self.notes.push(note(el, de.into(), en.into()));
    }

    pub(super) fn bounds(&self, n: usize) -> Option<Bounds> {
        self.shapes
            .get(self.nodes[n].id)
            .and_then(|s| di_bounds(*s))
    }

    pub(super) fn union(&self, ns: &[usize]) -> Option<Bounds> {
        ns.iter()
            .filter_map(|n| self.bounds(*n))
            .reduce(|a, b| a.union(&b))
    }

    pub(super) fn event_def(&self, n: usize) -> Option<Element<'a>> {
        self.nodes[n]
            .el
            .children()
            .find(|c| c.ns() == BPMN_NS && c.local().ends_with("EventDefinition"))
    }

    pub(super) fn has_def(&self, n: usize, local: &str) -> bool {
        self.nodes[n].el.children().any(|c| c.is(BPMN_NS, local))
    }

    /// (kind, text) of a node's timer: kind is `timeDuration`, `timeDate` or `timeCycle`.
    pub(super) fn timer(&self, n: usize) -> Option<(&'a str, String)> {
        let def = self.nodes[n].el.child(BPMN_NS, "timerEventDefinition")?;
        def.children()
            .find(|c| c.ns() == BPMN_NS && c.local().starts_with("time"))
            .map(|c| (c.local(), text_of(c)))
    }

    pub(super) fn add(
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
            id: self.nodes[anchor].id.to_string(),
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
    pub(super) fn push_role(&mut self, role: Role) -> usize {
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
    pub(super) fn role_for(&mut self, name: &str) -> RoleId {
        // The answer for a name never changes (keys are only added, and a new role's keys
        // include the ones the name was looked up by), so it is kept.
        if let Some(&i) = self.role_of_name.get(name) {
            return self.roles[i].id.clone();
        }
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
            self.role_of_name.insert(name.to_string(), i);
            return self.roles[i].id.clone();
        }
        let id = RoleId::new(self.role_ids.take(name.to_string()));
        let i = self.push_role(Role {
            id: id.clone(),
            name: name.to_string(),
            org_unit: None,
            signing_limit: None,
        });
        self.role_of_name.insert(name.to_string(), i);
        id
    }

    /// The performer of a task: potentialOwner / humanPerformer, Camunda 7 or 8 attributes,
    /// else the lane.
    pub(super) fn assignee(&mut self, n: usize) -> Option<Assignee> {
        let el = self.nodes[n].el;
        for rr in el.children().filter(|c| {
            c.ns() == BPMN_NS
                && matches!(c.local(), "potentialOwner" | "humanPerformer" | "performer")
        }) {
            let text = rr
                .child(BPMN_NS, "resourceAssignmentExpression")
                .and_then(|r| {
                    r.children().find(|c| {
                        c.ns() == BPMN_NS && matches!(c.local(), "formalExpression" | "expression")
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
            .or_else(|| zeebe.and_then(|z| z.attr("candidateGroups")))
            .map(str::trim)
            .filter(|g| !g.is_empty());
        if let Some(raw) = groups {
            let Some(names) = group_names(raw) else {
                self.note(
                    el,
                    format!("Kandidatengruppen als Ausdruck „{raw}“: als Ausdruck übernommen, die Engine bestimmt die Gruppe erst zur Laufzeit; bitte eine Rolle wählen."),
                    format!("Candidate groups as an expression “{raw}”: imported as an expression, the engine determines the group only at run time; please choose a role."),
                );
                return Some(Assignee::Expression(raw.to_string()));
            };
            if names.len() > 1 {
                self.note(
                    el,
                    format!("Mehrere Kandidatengruppen ({}): eine Aufgabe in Fachwerk hat eine Rolle; übernommen wird „{}“.", names.join(", "), names[0]),
                    format!("Several candidate groups ({}): a task in Fachwerk has one role; “{}” is taken.", names.join(", "), names[0]),
                );
            }
            return Some(Assignee::Role(self.role_for(&names[0])));
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

    pub(super) fn first_out(&self, n: usize) -> Vec<(String, usize)> {
        self.nodes[n]
            .outgoing
            .first()
            .map(|f| vec![("next".to_string(), *f)])
            .unwrap_or_default()
    }

    pub(super) fn label(&self, n: usize, fallback: &str) -> String {
        let name = self.nodes[n].name.trim();
        if name.is_empty() {
            fallback.to_string()
        } else {
            name.to_string()
        }
    }

    pub(super) fn documentation(&self, n: usize) -> String {
        self.nodes[n]
            .el
            .child(BPMN_NS, "documentation")
            .map(|d| d.text().trim().to_string())
            .unwrap_or_default()
    }
}

/// Group names of a candidate-groups attribute: `a, b` (Camunda 7 and 8), `="a"` or
/// `=["a", "b"]` (Camunda 8 FEEL); `None` for an expression (`${gruppe}`, `=gruppe`).
pub(super) fn group_names(raw: &str) -> Option<Vec<String>> {
    let literal = |s: &str| {
        let s = s.trim();
        s.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .filter(|s| !s.contains('"') && !s.trim().is_empty())
            .map(|s| s.trim().to_string())
    };
    let names: Option<Vec<String>> = match raw.strip_prefix('=').map(str::trim) {
        Some(feel) => match feel.strip_prefix('[').and_then(|f| f.strip_suffix(']')) {
            Some(list) => list.split(',').map(literal).collect(),
            None => literal(feel).map(|n| vec![n]),
        },
        None if raw.contains("${") || raw.contains("#{") => None,
        None => Some(
            raw.split(',')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_string)
                .collect(),
        ),
    };
    names.filter(|n| !n.is_empty())
}

pub(super) fn is_task(kind: &str) -> bool {
    matches!(kind, "userTask" | "task" | "manualTask")
}

#[cfg(test)]
mod tests {
    use super::group_names;

    #[test]
    fn candidate_group_spellings() {
        let names = |raw: &str| group_names(raw).map(|v| v.join("|"));
        assert_eq!(names("einkauf").as_deref(), Some("einkauf"));
        assert_eq!(
            names(" einkauf , teamleitung ,").as_deref(),
            Some("einkauf|teamleitung")
        );
        assert_eq!(names("=\"einkauf\"").as_deref(), Some("einkauf"));
        assert_eq!(names("=[\"a\", \"b c\"]").as_deref(), Some("a|b c"));
        assert_eq!(names("=gruppe"), None);
        assert_eq!(names("=[gruppe]"), None);
        assert_eq!(names("${gruppe}"), None);
        assert_eq!(names("=[]"), None);
    }
}
