//! The arena of a parsed document and the handles that read it (see the parent module).

use std::borrow::Cow;
use std::cell::OnceCell;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::{append, keep};

/// Index of the empty namespace (unprefixed attributes, no default namespace) in [`Doc::ns`].
pub(super) const NO_NS: u32 = 0;

/// One attribute, namespace resolved.
pub(super) struct AttrData<'a> {
    pub(super) ns: u32,
    pub(super) local: &'a str,
    /// Borrowed from the document unless entities or white space had to be replaced.
    pub(super) value: Cow<'a, str>,
}

/// One element. Its descendants are the elements `index + 1 .. end`.
pub(super) struct NodeData<'a> {
    pub(super) local: &'a str,
    pub(super) ns: u32,
    /// Byte offset of the start tag.
    pub(super) pos: u32,
    pub(super) end: u32,
    /// Its attributes: `Doc::attrs[attrs .. attrs_end]`.
    pub(super) attrs: u32,
    pub(super) attrs_end: u32,
    /// Byte range of the content between start and end tag (empty for `<x/>`).
    pub(super) content: u32,
    pub(super) content_end: u32,
}

/// A parsed document; [`Doc::root`] is its root element.
pub(crate) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) nodes: Vec<NodeData<'a>>,
    pub(super) attrs: Vec<AttrData<'a>>,
    /// Namespace URIs; elements and attributes refer to them by index. [`NO_NS`] is "".
    pub(super) ns: Vec<Cow<'a, str>>,
    /// Line starts, found on the first question for a line.
    pub(super) lines: OnceCell<Lines>,
}

impl<'a> Doc<'a> {
    pub fn root(&'a self) -> Element<'a> {
        Element { doc: self, i: 0 }
    }
}

/// An element of a [`Doc`]: its name, attributes, child elements, direct text and line.
#[derive(Clone, Copy)]
pub(crate) struct Element<'a> {
    doc: &'a Doc<'a>,
    i: u32,
}

impl PartialEq for Element<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.i == other.i && std::ptr::eq(self.doc, other.doc)
    }
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<{} xmlns={:?}> (line {})",
            self.local(),
            self.ns(),
            self.line()
        )
    }
}

impl<'a> Element<'a> {
    fn data(&self) -> &'a NodeData<'a> {
        &self.doc.nodes[self.i as usize]
    }

    fn attr_data(&self) -> &'a [AttrData<'a>] {
        let d = self.data();
        &self.doc.attrs[d.attrs as usize..d.attrs_end as usize]
    }

    /// Namespace URI ("" for none).
    pub fn ns(&self) -> &'a str {
        &self.doc.ns[self.data().ns as usize]
    }

    /// Local name.
    pub fn local(&self) -> &'a str {
        self.data().local
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local() == local && self.ns() == ns
    }

    /// Unprefixed attribute.
    pub fn attr(&self, local: &str) -> Option<&'a str> {
        self.attr_data()
            .iter()
            .find(|a| a.ns == NO_NS && a.local == local)
            .map(|a| a.value.as_ref())
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&'a str> {
        self.attr_data()
            .iter()
            .find(|a| a.local == local && self.doc.ns[a.ns as usize] == ns)
            .map(|a| a.value.as_ref())
    }

    /// Child elements in document order.
    pub fn children(&self) -> Children<'a> {
        Children {
            doc: self.doc,
            next: self.i + 1,
            end: self.data().end,
        }
    }

    pub fn child(&self, ns: &str, local: &str) -> Option<Element<'a>> {
        self.children().find(|c| c.is(ns, local))
    }

    pub fn children_named<'s>(
        &self,
        ns: &'s str,
        local: &'s str,
    ) -> impl Iterator<Item = Element<'a>> + 's
    where
        'a: 's,
    {
        self.children().filter(move |c| c.is(ns, local))
    }

    /// 1-based line of the start tag.
    pub fn line(&self) -> usize {
        let doc = self.doc;
        doc.lines
            .get_or_init(|| Lines::new(doc.text))
            .line(u64::from(self.data().pos))
    }

    /// Direct text and CDATA content, concatenated (whitespace kept, references resolved);
    /// borrowed from the document when it is one piece.
    pub fn text(&self) -> Cow<'a, str> {
        let d = self.data();
        let text = self.doc.text;
        let content = text
            .get(d.content as usize..d.content_end as usize)
            .unwrap_or_default();
        if !content.bytes().any(|b| matches!(b, b'<' | b'&' | b'\r')) {
            return Cow::Borrowed(content);
        }
        direct_text(text, content)
    }
}

/// The child elements of an element.
pub(crate) struct Children<'a> {
    doc: &'a Doc<'a>,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        self.next = self.doc.nodes.get(i as usize).map_or(self.end, |n| n.end);
        Some(Element { doc: self.doc, i })
    }
}

/// The text of an element's `content` that is not inside a child element: text and CDATA
/// pieces with references resolved, read again with the same reader as [`parse`] (the content
/// was checked there, so nothing can fail here; a failure would only end the text early).
fn direct_text<'a>(text: &'a str, content: &'a str) -> Cow<'a, str> {
    let mut reader = Reader::from_str(content);
    reader.config_mut().trim_text(false);
    let mut out: Cow<'a, str> = Cow::Borrowed("");
    let mut depth = 0usize;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 => {
                append(&mut out, keep(text, t.xml_content(XmlVersion::Implicit1_0)));
            }
            Event::CData(t) if depth == 0 => {
                append(&mut out, keep(text, t.xml_content(XmlVersion::Implicit1_0)));
            }
            Event::GeneralRef(r) if depth == 0 => {
                if let Some(c) = reference(&r) {
                    out.to_mut().push_str(&c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// What a reference (`&#10;`, `&amp;`) stands for; `None` for anything but a character of XML
/// or one of the five predefined entities.
pub(super) fn reference(r: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if r.is_char_ref() {
        match r.resolve_char_ref() {
            Ok(Some(c)) if crate::bpmn::is_xml_char(c) => Some(c.to_string()),
            _ => None,
        }
    } else {
        resolve_predefined_entity(&r.xml_content(XmlVersion::Implicit1_0)).map(str::to_string)
    }
}

pub(super) struct Lines {
    starts: Vec<usize>,
    /// Index into `starts` of the last answer: positions mostly grow, so most lookups only
    /// step forward from here instead of searching.
    cursor: std::cell::Cell<usize>,
}

impl Lines {
    pub(super) fn new(text: &str) -> Lines {
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
    pub(super) fn line(&self, pos: u64) -> usize {
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
}
