//! A small, defensive XML tree reader on top of quick-xml: namespaces resolved, line numbers
//! kept, DTDs refused (no entity is ever expanded except the five predefined ones and
//! character references), size, depth and element count bounded. Never recursive, never panics.

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::{ImportError, MAX_DEPTH, MAX_ELEMENTS, MAX_INPUT_BYTES};

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// One attribute, namespace resolved (`ns` empty for unprefixed attributes).
#[derive(Debug, Clone)]
pub(crate) struct Attr<'a> {
    pub ns: Rc<str>,
    /// Local name, shared by all attributes and elements of that name.
    pub local: Rc<str>,
    /// Borrowed from the document unless entities or white space had to be replaced.
    pub value: Cow<'a, str>,
}

/// One element with its attributes, child elements and direct text content.
#[derive(Debug, Clone)]
pub(crate) struct Element<'a> {
    pub ns: Rc<str>,
    /// Local name, shared by all elements and attributes of that name.
    pub local: Rc<str>,
    pub attrs: Vec<Attr<'a>>,
    pub children: Vec<Element<'a>>,
    /// Direct text and CDATA content, concatenated (whitespace kept); borrowed from the
    /// document when it is one piece.
    pub text: Cow<'a, str>,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl<'a> Element<'a> {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        &*self.ns == ns && &*self.local == local
    }

    /// Unprefixed attribute.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && &*a.local == local)
            .map(|a| a.value.as_ref())
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| &*a.ns == ns && &*a.local == local)
            .map(|a| a.value.as_ref())
    }

    pub fn child(&self, ns: &str, local: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.is(ns, local))
    }

    pub fn children_named<'s>(
        &'s self,
        ns: &'s str,
        local: &'s str,
    ) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.is(ns, local))
    }
}

struct Open<'a> {
    el: Element<'a>,
    /// Namespace declarations made on this element: (prefix, uri); prefix "" = default.
    decls: Vec<(String, Rc<str>)>,
}

struct Lines {
    starts: Vec<usize>,
    /// Index into `starts` of the last answer: positions mostly grow, so most lookups only
    /// step forward from here instead of searching.
    cursor: std::cell::Cell<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        // Eight bytes at a time: a word without a line break (most of them) is skipped with
        // one test ("has a zero byte" on the word xor '\n' in every byte).
        const ONES: u64 = 0x0101_0101_0101_0101;
        const BREAKS: u64 = ONES * (b'\n' as u64);
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut words = bytes.chunks_exact(8);
        let mut base = 0usize;
        let mut scan = |chunk: &[u8], base: usize| {
            for (i, &b) in chunk.iter().enumerate() {
                if b == b'\n' {
                    starts.push(base + i + 1);
                }
            }
        };
        for w in &mut words {
            let x = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes) ^ BREAKS;
            if x.wrapping_sub(ONES) & !x & (ONES << 7) != 0 {
                scan(w, base);
            }
            base += 8;
        }
        scan(words.remainder(), base);
        Lines {
            starts,
            cursor: std::cell::Cell::new(0),
        }
    }

    /// 1-based line of byte offset `pos`.
    fn line(&self, pos: u64) -> usize {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX);
        let mut i = self.cursor.get();
        if self.starts.get(i).is_some_and(|&s| s <= pos) {
            // Step forward a few lines; fall back to a search for long jumps.
            let mut steps = 0;
            while steps < 8 && self.starts.get(i + 1).is_some_and(|&s| s <= pos) {
                i += 1;
                steps += 1;
            }
            if steps < 8 {
                self.cursor.set(i);
                return i + 1;
            }
        }
        let line = match self.starts.binary_search(&pos) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        self.cursor.set(line.saturating_sub(1));
        line
    }
}

fn resolve(stack: &[Open], prefix: &str) -> Option<Rc<str>> {
    if prefix == "xml" {
        return Some(Rc::from(XML_NS));
    }
    for o in stack.iter().rev() {
        if let Some((_, uri)) = o.decls.iter().rev().find(|(p, _)| p == prefix) {
            return Some(uri.clone());
        }
    }
    None
}

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

/// Local names of one document, each allocated once: a small cache indexed by length and
/// first and last byte (a document uses a few dozen names; a collision only costs a new
/// allocation, every entry holds exactly its name).
struct Names {
    slots: Vec<Option<Rc<str>>>,
}

impl Names {
    const SLOTS: usize = 256;

    fn new() -> Names {
        Names {
            slots: vec![None; Names::SLOTS],
        }
    }

    fn get(&mut self, local: &str) -> Rc<str> {
        let b = local.as_bytes();
        let first = usize::from(b.first().copied().unwrap_or(0));
        let last = usize::from(b.last().copied().unwrap_or(0));
        let slot = (b.len().wrapping_mul(31) ^ first.wrapping_mul(7) ^ last) % Names::SLOTS;
        match self.slots.get_mut(slot) {
            Some(Some(name)) if &**name == local => name.clone(),
            Some(entry) => entry.insert(Rc::from(local)).clone(),
            None => Rc::from(local),
        }
    }
}

fn not_xml(line: usize, detail: impl Into<String>) -> ImportError {
    ImportError::NotXml {
        line,
        detail: detail.into(),
    }
}

/// Parses a whole document into its root element.
pub(crate) fn parse(text: &str) -> Result<Element<'_>, ImportError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            size: text.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let empty_ns: Rc<str> = Rc::from("");
    let mut stack: Vec<Open> = Vec::new();
    // Scratch lists of one start tag, kept across tags (not allocated per element).
    let mut raw_attrs: Vec<(&str, Cow<'_, str>)> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    // Local names, each allocated once per document.
    let mut names = Names::new();
    let mut name = |local: &str| names.get(local);
    let mut root: Option<Element> = None;
    let mut count: usize = 0;
    loop {
        let before = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| not_xml(lines.line(reader.error_position()), e.to_string()))?;
        let line = lines.line(before);
        match event {
            Event::DocType(_) => return Err(ImportError::DtdForbidden { line }),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Start(ref s) | Event::Empty(ref s) => {
                if root.is_some() {
                    return Err(not_xml(line, "content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(ImportError::TooDeep {
                        line,
                        limit: MAX_DEPTH,
                    });
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(ImportError::TooManyElements {
                        limit: MAX_ELEMENTS,
                    });
                }
                let qname: &str = s.name().0;
                let mut decls: Vec<(String, Rc<str>)> = Vec::new();
                raw_attrs.clear();
                // Attribute names seen so far; a set only for unusually many attributes.
                keys.clear();
                let mut seen: HashSet<&str> = HashSet::new();
                let mut attrs_iter = s.attributes();
                attrs_iter.with_checks(false);
                for a in attrs_iter {
                    let a = a.map_err(|e| not_xml(line, e.to_string()))?;
                    let key: &str = reborrow(text, a.key.0)
                        .ok_or_else(|| not_xml(line, "attribute name outside the document"))?;
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
                        return Err(not_xml(line, format!("duplicate attribute {key}")));
                    }
                    let value = keep(
                        text,
                        a.normalized_value_with(
                            XmlVersion::Implicit1_0,
                            1,
                            resolve_predefined_entity,
                        )
                        .map_err(|e| not_xml(line, e.to_string()))?,
                    );
                    if key == "xmlns" {
                        decls.push((String::new(), Rc::from(&*value)));
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        decls.push((p.to_string(), Rc::from(&*value)));
                    } else {
                        raw_attrs.push((key, value));
                    }
                }
                let mut open = Open {
                    el: Element {
                        ns: empty_ns.clone(),
                        local: empty_ns.clone(),
                        attrs: Vec::new(),
                        children: Vec::new(),
                        text: Cow::Borrowed(""),
                        line,
                    },
                    decls,
                };
                stack.push(open);
                // Resolve with this element's own declarations in scope.
                let (prefix, local) = split_qname(qname);
                let ns = match resolve(&stack, prefix) {
                    Some(ns) => ns,
                    None if prefix.is_empty() => empty_ns.clone(),
                    None => Rc::from(format!("urn:fachwerk:unbound-prefix:{prefix}").as_str()),
                };
                let mut attrs = Vec::with_capacity(raw_attrs.len());
                for (key, value) in raw_attrs.drain(..) {
                    let (p, l) = split_qname(key);
                    let ans = if p.is_empty() {
                        empty_ns.clone()
                    } else {
                        resolve(&stack, p).unwrap_or_else(|| {
                            Rc::from(format!("urn:fachwerk:unbound-prefix:{p}").as_str())
                        })
                    };
                    attrs.push(Attr {
                        ns: ans,
                        local: name(l),
                        value,
                    });
                }
                open = match stack.pop() {
                    Some(o) => o,
                    None => return Err(not_xml(line, "internal stack error")),
                };
                open.el.ns = ns;
                open.el.local = name(local);
                open.el.attrs = attrs;
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root, open.el);
                } else {
                    stack.push(open);
                }
            }
            Event::End(_) => match stack.pop() {
                Some(o) => close(&mut stack, &mut root, o.el),
                None => return Err(not_xml(line, "end tag without start tag")),
            },
            Event::Text(t) => {
                let content = t.xml_content(XmlVersion::Implicit1_0);
                match stack.last_mut() {
                    Some(o) => append(&mut o.el.text, keep(text, content)),
                    None if content.trim().is_empty() => {}
                    None => return Err(not_xml(line, "text outside the root element")),
                }
            }
            Event::CData(t) => {
                let content = t.xml_content(XmlVersion::Implicit1_0);
                match stack.last_mut() {
                    Some(o) => append(&mut o.el.text, keep(text, content)),
                    None => return Err(not_xml(line, "CDATA outside the root element")),
                }
            }
            Event::GeneralRef(r) => {
                let resolved: String = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) if super::is_xml_char(c) => c.to_string(),
                        _ => {
                            return Err(not_xml(
                                line,
                                format!(
                                    "invalid character reference &{};",
                                    &*r.xml_content(XmlVersion::Implicit1_0)
                                ),
                            ))
                        }
                    }
                } else {
                    let name = r.xml_content(XmlVersion::Implicit1_0);
                    match resolve_predefined_entity(&name) {
                        Some(v) => v.to_string(),
                        None => {
                            return Err(not_xml(
                                line,
                                format!(
                                    "undefined entity &{name}; (DTD entities are not supported)"
                                ),
                            ))
                        }
                    }
                };
                match stack.last_mut() {
                    Some(o) => o.el.text.to_mut().push_str(&resolved),
                    None => return Err(not_xml(line, "reference outside the root element")),
                }
            }
            Event::Eof => {
                if let Some(o) = stack.last() {
                    return Err(not_xml(
                        lines.line(before),
                        format!("unexpected end of file inside <{}>", o.el.local),
                    ));
                }
                return root.ok_or_else(|| not_xml(line, "no root element"));
            }
        }
    }
}

fn close<'a>(stack: &mut [Open<'a>], root: &mut Option<Element<'a>>, el: Element<'a>) {
    match stack.last_mut() {
        Some(parent) => parent.el.children.push(el),
        None => *root = Some(el),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_match_a_plain_search() {
        // Breaks at every offset within and across eight-byte words, and none at all.
        for text in [
            "",
            "abc",
            "\n",
            "a\nbcdefgh\n\nijklmnopq\nr",
            "12345678\n12345678\n\n\n\n\n\n\n\n\n1234567\n",
            "ü\n€\n\u{a}\u{b}\u{c}",
        ] {
            let expected: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            assert_eq!(Lines::new(text).starts, expected, "{text:?}");
        }
    }

    #[test]
    fn parses_namespaces_lines_and_text() {
        let doc = "<?xml version=\"1.0\"?>\n<a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\">\n  <c x=\"1 &amp; 2&#10;\">t&lt;<![CDATA[<x>]]></c>\n</a:r>";
        let r = parse(doc).expect("parses");
        assert!(r.is("urn:a", "r"));
        let c = &r.children[0];
        assert!(c.is("urn:d", "c"));
        assert_eq!(c.attr("x"), Some("1 & 2\n"));
        assert_eq!(c.text, "t<<x>");
        assert_eq!(c.line, 3);
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
