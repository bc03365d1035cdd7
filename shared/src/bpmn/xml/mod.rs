//! A small, defensive XML reader on top of quick-xml: namespaces resolved, line numbers
//! kept, DTDs refused (no entity is ever expanded except the five predefined ones and
//! character references), size, depth and element count bounded. Never recursive, never panics.
//!
//! The document becomes one flat arena ([`Doc`]): the elements in document order, each with
//! the index one past its last descendant (so children are found by skipping subtrees), the
//! attributes of all elements in one list, names and values borrowed from the input. An
//! [`Element`] is a copyable handle into it. Texts and line numbers are worked out only when
//! asked for: an element keeps the byte range of its content and of its start tag.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashSet;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::{ImportError, MAX_DEPTH, MAX_ELEMENTS, MAX_INPUT_BYTES};

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

mod tree;

use tree::{reference, AttrData, Lines, NodeData, Span, NO_NS};
pub(crate) use tree::{Doc, Element};

/// `s` as a slice of `text` with `text`'s lifetime, if it lies inside `text`.
pub(crate) fn reborrow<'a>(text: &'a str, s: &str) -> Option<&'a str> {
    let start = (s.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    text.get(start..start.checked_add(s.len())?)
        .filter(|t| t.as_ptr() == s.as_ptr())
}

/// `v` with `text`'s lifetime: borrowed if it lies inside `text`, else owned.
pub(crate) fn keep<'a>(text: &'a str, v: Cow<'_, str>) -> Cow<'a, str> {
    match reborrow(text, &v) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(v.into_owned()),
    }
}

/// Appends a piece of text; a text in one piece stays borrowed from the document.
pub(crate) fn append<'a>(buf: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if buf.is_empty() {
        *buf = piece;
    } else {
        buf.to_mut().push_str(&piece);
    }
}

/// Prefix and local part of a qualified name (a byte search: names are short, and
/// `split_once` sets up a searcher per call).
pub(crate) fn split_qname(q: &str) -> (&str, &str) {
    match q.bytes().position(|b| b == b':') {
        Some(i) => (q.get(..i).unwrap_or(""), q.get(i + 1..).unwrap_or("")),
        None => ("", q),
    }
}

fn not_xml(line: usize, detail: impl Into<String>) -> ImportError {
    ImportError::NotXml {
        line,
        detail: detail.into(),
    }
}

/// Index of namespace `uri`: one of the last few entries if equal, else a new one (a document
/// uses a handful; equal URIs under different indices are harmless, names are compared as text).
fn intern<'a>(ns: &mut Vec<Cow<'a, str>>, uri: Cow<'a, str>) -> u32 {
    if uri.is_empty() {
        return NO_NS;
    }
    let recent = ns.len().saturating_sub(32);
    if let Some(i) = ns.iter().skip(recent).position(|n| *n == uri) {
        return u32::try_from(recent + i).unwrap_or(NO_NS);
    }
    ns.push(uri);
    u32::try_from(ns.len() - 1).unwrap_or(NO_NS)
}

/// The namespace of `prefix` from the declarations in scope (innermost last).
fn resolve<'a>(
    decls: &[(&str, u32)],
    ns: &mut Vec<Cow<'a, str>>,
    prefix: &str,
    xml_ns: u32,
) -> u32 {
    if prefix == "xml" {
        return xml_ns;
    }
    match decls.iter().rev().find(|(p, _)| *p == prefix) {
        Some(&(_, uri)) => uri,
        None if prefix.is_empty() => NO_NS,
        None => intern(
            ns,
            Cow::Owned(format!("urn:fachwerk:unbound-prefix:{prefix}")),
        ),
    }
}

/// A byte offset as `u32` (the input is at most [`MAX_INPUT_BYTES`]).
fn offset(pos: u64) -> u32 {
    u32::try_from(pos).unwrap_or(u32::MAX)
}

/// Parses a whole document.
pub(crate) fn parse(text: &str) -> Result<Doc<'_>, ImportError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            size: text.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Lines are only counted for an error.
    let line_of = |pos: u64| {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX);
        Lines::new(text).line(text, pos)
    };
    let mut reader = Reader::from_str(text);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut doc = Doc {
        text,
        // About one element per 75 bytes in BPMN files.
        nodes: Vec::with_capacity(text.len() / 80),
        attrs: Vec::with_capacity(text.len() / 50),
        owned: Vec::new(),
        ns: vec![Cow::Borrowed("")],
        lines: OnceCell::new(),
    };
    let xml_ns = intern(&mut doc.ns, Cow::Borrowed(XML_NS));
    // Open elements: (index, namespace declarations in scope before it).
    let mut open: Vec<(u32, usize)> = Vec::new();
    // Namespace declarations in scope: (prefix, namespace); prefix "" = default.
    let mut decls: Vec<(&str, u32)> = Vec::new();
    // Scratch lists of one start tag, kept across tags (not allocated per element).
    let mut raw_attrs: Vec<(&str, Span)> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    // Attribute names of a start tag with unusually many attributes.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut closed_root = false;
    loop {
        let before = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| not_xml(line_of(reader.error_position()), e.to_string()))?;
        match event {
            Event::DocType(_) => {
                return Err(ImportError::DtdForbidden {
                    line: line_of(before),
                })
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Start(ref s) | Event::Empty(ref s) => {
                if closed_root {
                    return Err(not_xml(line_of(before), "content after the root element"));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(ImportError::TooDeep {
                        line: line_of(before),
                        limit: MAX_DEPTH,
                    });
                }
                if doc.nodes.len() >= MAX_ELEMENTS {
                    return Err(ImportError::TooManyElements {
                        limit: MAX_ELEMENTS,
                    });
                }
                let qname: &str = reborrow(text, s.name().0)
                    .ok_or_else(|| not_xml(line_of(before), "element name outside the document"))?;
                let scope = decls.len();
                raw_attrs.clear();
                // Attribute names seen so far; a set only for unusually many attributes.
                keys.clear();
                seen.clear();
                let mut attrs_iter = s.attributes();
                attrs_iter.with_checks(false);
                for a in attrs_iter {
                    let a = a.map_err(|e| not_xml(line_of(before), e.to_string()))?;
                    let key: &str = reborrow(text, a.key.0).ok_or_else(|| {
                        not_xml(line_of(before), "attribute name outside the document")
                    })?;
                    let duplicate = if keys.len() < 16 {
                        let d = keys.contains(&key);
                        keys.push(key);
                        if keys.len() == 16 {
                            seen.extend(keys.iter().copied());
                        }
                        d
                    } else {
                        !seen.insert(key)
                    };
                    if duplicate {
                        return Err(not_xml(
                            line_of(before),
                            format!("duplicate attribute {key}"),
                        ));
                    }
                    let value = keep(
                        text,
                        a.normalized_value_with(
                            XmlVersion::Implicit1_0,
                            1,
                            resolve_predefined_entity,
                        )
                        .map_err(|e| not_xml(line_of(before), e.to_string()))?,
                    );
                    if key == "xmlns" {
                        decls.push(("", intern(&mut doc.ns, value)));
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        decls.push((p, intern(&mut doc.ns, value)));
                    } else {
                        raw_attrs.push((key, Span::keep(text, value, &mut doc.owned)));
                    }
                }
                // Names are resolved with this element's own declarations in scope.
                let (prefix, local) = split_qname(qname);
                let ns = resolve(&decls, &mut doc.ns, prefix, xml_ns);
                let attrs = offset(doc.attrs.len() as u64);
                for (key, value) in raw_attrs.drain(..) {
                    // Unprefixed attributes are in no namespace, not the default one.
                    let (p, l) = split_qname(key);
                    let ns = if p.is_empty() {
                        NO_NS
                    } else {
                        resolve(&decls, &mut doc.ns, p, xml_ns)
                    };
                    doc.attrs.push(AttrData {
                        ns,
                        local: Span::of(text, l),
                        value,
                    });
                }
                let i = offset(doc.nodes.len() as u64);
                let content = offset(reader.buffer_position());
                doc.nodes.push(NodeData {
                    local: Span::of(text, local),
                    ns,
                    pos: offset(before),
                    end: i + 1,
                    attrs,
                    content,
                    content_end: content,
                });
                if matches!(event, Event::Empty(_)) {
                    decls.truncate(scope);
                    closed_root |= open.is_empty();
                } else {
                    open.push((i, scope));
                }
            }
            Event::End(_) => match open.pop() {
                Some((i, scope)) => {
                    decls.truncate(scope);
                    let end = offset(doc.nodes.len() as u64);
                    if let Some(n) = doc.nodes.get_mut(i as usize) {
                        n.end = end;
                        n.content_end = offset(before);
                    }
                    closed_root |= open.is_empty();
                }
                None => return Err(not_xml(line_of(before), "end tag without start tag")),
            },
            // Text inside elements is read on demand (`Element::text`).
            Event::Text(t) => {
                if open.is_empty() && !t.xml_content(XmlVersion::Implicit1_0).trim().is_empty() {
                    return Err(not_xml(line_of(before), "text outside the root element"));
                }
            }
            Event::CData(_) => {
                if open.is_empty() {
                    return Err(not_xml(line_of(before), "CDATA outside the root element"));
                }
            }
            Event::GeneralRef(r) => {
                if reference(&r).is_none() {
                    let content = r.xml_content(XmlVersion::Implicit1_0);
                    let detail = if r.is_char_ref() {
                        format!("invalid character reference &{content};")
                    } else {
                        format!("undefined entity &{content}; (DTD entities are not supported)")
                    };
                    return Err(not_xml(line_of(before), detail));
                }
                if open.is_empty() {
                    return Err(not_xml(
                        line_of(before),
                        "reference outside the root element",
                    ));
                }
            }
            Event::Eof => {
                if let Some(&(i, _)) = open.last() {
                    let local = Element::at(&doc, i).local();
                    return Err(not_xml(
                        line_of(before),
                        format!("unexpected end of file inside <{local}>"),
                    ));
                }
                if doc.nodes.is_empty() {
                    return Err(not_xml(line_of(before), "no root element"));
                }
                return Ok(doc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_lines_and_text() {
        let doc = "<?xml version=\"1.0\"?>\n<a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\">\n  <c x=\"1 &amp; 2&#10;\">t&lt;<![CDATA[<x>]]></c>\n</a:r>";
        let d = parse(doc).expect("parses");
        let r = d.root();
        assert!(r.is("urn:a", "r"));
        let c = r.children().next().expect("a child");
        assert!(c.is("urn:d", "c"));
        assert_eq!(c.attr("x"), Some("1 & 2\n"));
        assert_eq!(c.text(), "t<<x>");
        assert_eq!(c.line(), 3);
    }

    #[test]
    fn children_skip_subtrees_and_declarations_stay_in_scope() {
        let doc = "<r xmlns=\"urn:r\"><a xmlns:p=\"urn:p\"><p:b><c/></p:b>x<!-- - -->y<d/></a><p:e q:f=\"1\" g=\"2\"/><g/></r>";
        let d = parse(doc).expect("parses");
        let r = d.root();
        let names: Vec<&str> = r.children().map(|c| c.local()).collect();
        assert_eq!(names, ["a", "e", "g"]);
        let a = r.child("urn:r", "a").expect("a child a");
        let inner: Vec<&str> = a.children().map(|c| c.local()).collect();
        assert_eq!(inner, ["b", "d"]);
        assert!(a.child("urn:p", "b").is_some());
        assert_eq!(a.text(), "xy");
        // `p` is declared on <a> only: on its sibling the prefix is unbound, which is kept.
        let e = r.children().nth(1).expect("a child e");
        assert_eq!(e.ns(), "urn:fachwerk:unbound-prefix:p");
        assert_eq!(e.attr_ns("urn:fachwerk:unbound-prefix:q", "f"), Some("1"));
        assert_eq!(e.attr("f"), None);
        assert_eq!(e.attr("g"), Some("2"));
        assert_eq!(r.children().last().map(|g| g.ns()), Some("urn:r"));
    }

    #[test]
    fn text_is_read_on_demand_as_the_parser_reads_it() {
        let d = parse("<r>a&amp;b<![CDATA[<&>]]>&#x41;\r\nc<x>inner</x>d<y/></r>").expect("parses");
        assert_eq!(d.root().text(), "a&b<&>A\ncd");
        let d = parse("<r>\n  plain  </r>").expect("parses");
        assert!(matches!(d.root().text(), Cow::Borrowed("\n  plain  ")));
        let d = parse("<r><e/></r>").expect("parses");
        assert_eq!(d.root().text(), "");
        assert_eq!(
            d.root().children().next().map(|e| e.text()),
            Some(Cow::Borrowed(""))
        );
    }

    #[test]
    fn refuses_too_many_elements() {
        let mut doc = String::from("<r>");
        doc.push_str(&"<a/>".repeat(MAX_ELEMENTS));
        doc.push_str("</r>");
        assert!(matches!(
            parse(&doc),
            Err(ImportError::TooManyElements { .. })
        ));
    }

    #[test]
    fn refuses_dtd_entities_and_broken_input() {
        assert!(matches!(
            parse("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>"),
            Err(ImportError::DtdForbidden { .. })
        ));
        assert!(matches!(
            parse("<x>&a;</x>"),
            Err(ImportError::NotXml { .. })
        ));
        assert!(matches!(
            parse("<x><y></x>"),
            Err(ImportError::NotXml { .. })
        ));
        assert!(matches!(parse("<x>"), Err(ImportError::NotXml { .. })));
        assert!(matches!(parse(""), Err(ImportError::NotXml { .. })));
        assert!(matches!(
            parse("<x a='1' a='2'/>"),
            Err(ImportError::NotXml { .. })
        ));
        assert!(matches!(parse("<x/><y/>"), Err(ImportError::NotXml { .. })));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(&deep), Err(ImportError::TooDeep { .. })));
    }
}
