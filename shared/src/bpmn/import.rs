//! Reads BPMN 2.0 XML into a workflow.
//!
//! A Fachwerk export (recognised by `fw:workflow` in the process' extension elements) is read
//! back from the extension data, so the result equals the exported workflow. Two edits made in
//! another modeler are picked up: a changed element name becomes the block's label, and moved
//! or resized block shapes move/resize the block. Elements added in another tool are named in
//! notes. Any other BPMN file goes through the mapping in `foreign`.

use std::borrow::Cow;

use super::export::FwWorkflow;
use super::gather::{occurrence, ElInfo, Gathered, ShapeDi};
use super::read::{
    di_bounds, di_waypoints, diagram, is_read_child, note, unknown_element_note, unread_child_note,
};
use super::xml::{self, Element};
use super::{fast, foreign, ImportError, ImportNote, BPMN_NS, FW_NS};
use crate::model::Workflow;

/// Imports BPMN 2.0 XML. See the module documentation of [`crate::bpmn`].
pub fn from_bpmn(xml: &str) -> Result<(Workflow, Vec<ImportNote>), ImportError> {
    // A well-formed Fachwerk export is read in one streaming pass; anything else (errors,
    // other tools' files, unusual XML) takes the general path over the element tree.
    if let Some(r) = fast::import(xml) {
        return Ok(r);
    }
    from_bpmn_tree(xml)
}

/// The general path of [`from_bpmn`]: the element tree of [`xml::parse`].
pub(crate) fn from_bpmn_tree(xml: &str) -> Result<(Workflow, Vec<ImportNote>), ImportError> {
    let doc = xml::parse(xml)?;
    let root = doc.root();
    if !root.is(BPMN_NS, "definitions") {
        let detail = if root.local() == "definitions" {
            format!(
                "the root element <definitions> is in namespace {:?}, expected {BPMN_NS}",
                root.ns()
            )
        } else {
            format!(
                "the root element is <{}>, expected <definitions> in namespace {BPMN_NS}",
                root.local()
            )
        };
        return Err(ImportError::NotBpmn { detail });
    }
    let processes: Vec<Element> = root.children_named(BPMN_NS, "process").collect();
    if processes.is_empty() {
        return Err(ImportError::NoProcess);
    }
    let mut notes = Vec::new();
    for p in &processes {
        let Some(fw) = p
            .child(BPMN_NS, "extensionElements")
            .and_then(|x| x.child(FW_NS, "workflow"))
        else {
            continue;
        };
        match fachwerk(root, *p, fw) {
            Ok(r) => return Ok(r),
            Err(e) => notes.push(note(
                fw,
                format!("Die Fachwerk-Erweiterung ist beschädigt ({e}); die Datei wird wie BPMN aus einem anderen Werkzeug gelesen."),
                format!("The Fachwerk extension is damaged ({e}); the file is read like BPMN from another tool."),
            )),
        }
    }
    let (w, more) = foreign::import(root, &processes);
    notes.extend(more);
    Ok((w, notes))
}

/// Reads a Fachwerk export back. Errors only when the workflow extension itself is unusable.
fn fachwerk(
    root: Element,
    process: Element,
    fw: Element,
) -> Result<(Workflow, Vec<ImportNote>), String> {
    let meta: FwWorkflow = serde_json::from_str(&fw.text()).map_err(|e| e.to_string())?;
    let mut g = Gathered::new(meta);
    for el in process.children() {
        if el.ns() != BPMN_NS {
            g.note(unknown_element_note(el));
            continue;
        }
        if matches!(
            el.local(),
            "extensionElements" | "documentation" | "laneSet"
        ) {
            continue;
        }
        let info = ElInfo {
            id: el.attr("id").map(Cow::Borrowed),
            name: el.attr("name").map(Cow::Borrowed),
            local: el.local(),
            line: el.line(),
        };
        let ext = el.child(BPMN_NS, "extensionElements");
        let block = ext.and_then(|x| x.child(FW_NS, "block"));
        let edge = ext.and_then(|x| x.child(FW_NS, "edge"));
        let (block_text, edge_text) = (block.map(|b| b.text()), edge.map(|e| e.text()));
        g.element(
            info,
            block
                .zip(block_text.as_deref())
                .map(|(b, t)| (t, occurrence(b.attr("n")))),
            edge.zip(edge_text.as_deref())
                .map(|(e, t)| (t, occurrence(e.attr("n")))),
        );
        // Elements another tool added inside an exported one (the streaming reader leaves
        // such files to this path).
        for c in el.children().filter(|c| !is_read_child(*c, true)) {
            g.note(unread_child_note(c, el));
        }
    }
    let di = diagram(root);
    let shape = |id: &str| {
        di.shapes.get(id).map(|s| ShapeDi {
            rect: s.attr_ns(FW_NS, "rect").map(Cow::Borrowed),
            bounds: di_bounds(*s),
        })
    };
    let routed = |id: &str| {
        di.edges
            .get(id)
            .filter(|de| de.attr_ns(FW_NS, "routed") == Some("true"))
            .map(|de| di_waypoints(*de))
    };
    let orphans: Vec<&str> = di
        .planes
        .iter()
        .filter_map(|p| p.attr_ns(FW_NS, "orphanLayout"))
        .collect();
    Ok(g.assemble(shape, routed, &orphans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpmn::to_bpmn;
    use crate::generate::{modify, synthetic};

    fn same_as_tree(xml: &str) {
        let fast = fast::import(xml).expect("the streaming reader takes Fachwerk exports");
        let tree = from_bpmn_tree(xml).expect("the tree reader reads it");
        assert_eq!(fast.0, tree.0);
        assert_eq!(fast.1, tree.1);
    }

    #[test]
    fn streaming_and_tree_reader_agree_on_exports() {
        for (n, seed) in [(3, 1), (40, 2), (300, 3)] {
            let w = synthetic(n, seed);
            same_as_tree(&to_bpmn(&w));
            same_as_tree(&to_bpmn(&modify(&w, 20, seed)));
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if let Ok(w) = crate::parse_workflow(&text) {
                same_as_tree(&to_bpmn(&w));
            }
        }
    }

    #[test]
    fn edits_in_other_tools_are_read_alike() {
        let w = synthetic(40, 5);
        let xml = to_bpmn(&w);
        // A renamed element, a moved shape, an added element, a damaged block: all still
        // streamed, with the same notes as the tree reader.
        let first_name = xml.find(" name=\"").map(|i| i + 7).unwrap_or(0);
        let mut edited = xml.clone();
        edited.insert_str(first_name, "Umbenannt &amp; ");
        same_as_tree(&edited);
        let added = xml.replacen(
            "</bpmn:process>",
            "<bpmn:task id=\"Fremd_1\" name=\"fremd\"/>\n</bpmn:process>",
            1,
        );
        same_as_tree(&added);
        let bounds = xml.replacen("<dc:Bounds x=\"", "<dc:Bounds x=\"1", 1);
        same_as_tree(&bounds);
        let damaged = xml.replacen("<fw:block id=", "<fw:block broken=\"1\" id=", 1);
        same_as_tree(&damaged);
    }
}
