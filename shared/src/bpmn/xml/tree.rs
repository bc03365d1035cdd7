//! The arena of a parsed document and the handles that read it (see the parent module).

use std::borrow::Cow;
use std::cell::OnceCell;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::{append, keep};

/// Index of the empty namespace (unprefixed attributes, no default namespace) in [`Doc::ns`].
pub(super) const NO_NS: u32 = 0;

/// A piece of the document, or with [`Span::OWNED`] set in `len`, the entry `start` of
/// [`Doc::owned`] (a value whose references or white space had to be replaced). Offsets fit
/// in 31 bits: the input is at most [`crate::bpmn::MAX_INPUT_BYTES`].
#[derive(Clone, Copy)]
pub(super) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    const OWNED: u32 = 1 << 31;

    /// `s`, which lies inside `text`.
    pub(super) fn of(text: &str, s: &str) -> Span {
        let start = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(s.len()).unwrap_or(0) & !Span::OWNED,
        }
    }

    /// `v` as a span of `text` if it lies inside it, else as a new entry of `owned`.
    pub(super) fn keep(text: &str, v: Cow<'_, str>, owned: &mut Vec<String>) -> Span {
        match v {
            Cow::Borrowed(s) if super::reborrow(text, s).is_some() => Span::of(text, s),
            v => {
                owned.push(v.into_owned());
                Span {
                    start: u32::try_from(owned.len() - 1).unwrap_or(u32::MAX),
                    len: Span::OWNED,
                }
            }
        }
    }

    /// Whether the span is the text `s` (lengths compared first: most names differ in length).
    fn is(self, doc: &Doc<'_>, s: &str) -> bool {
        self.len as usize == s.len() && self.get(doc) == s
    }

    fn get<'a>(self, doc: &'a Doc<'a>) -> &'a str {
        if self.len & Span::OWNED != 0 {
            return doc
                .owned
                .get(self.start as usize)
                .map_or("", String::as_str);
        }
        let start = self.start as usize;
        doc.text
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

/// One attribute, namespace resolved.
pub(super) struct AttrData {
    pub(super) ns: u32,
    pub(super) local: Span,
    pub(super) value: Span,
}

/// One element. Its descendants are the elements `index + 1 .. end`; its attributes are
/// `Doc::attrs[attrs ..]` up to the next element's.
pub(super) struct NodeData {
    pub(super) local: Span,
    pub(super) ns: u32,
    /// Byte offset of the start tag.
    pub(super) pos: u32,
    pub(super) end: u32,
    pub(super) attrs: u32,
    /// Byte range of the content between start and end tag (empty for `<x/>`).
    pub(super) content: u32,
    pub(super) content_end: u32,
}

/// A parsed document; [`Doc::root`] is its root element. Kept small (20 bytes an attribute,
/// 32 an element): fresh memory costs a page fault per 4 KiB, a large part of the time.
pub(crate) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) nodes: Vec<NodeData>,
    pub(super) attrs: Vec<AttrData>,
    /// Attribute values that are not a piece of the document.
    pub(super) owned: Vec<String>,
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

impl<'a> Element<'a> {
    /// Element `i` of `doc` (which must have it).
    pub(super) fn at(doc: &'a Doc<'a>, i: u32) -> Element<'a> {
        Element { doc, i }
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
    fn data(&self) -> &'a NodeData {
        &self.doc.nodes[self.i as usize]
    }

    fn attr_data(&self) -> &'a [AttrData] {
        let nodes = &self.doc.nodes;
        let start = nodes[self.i as usize].attrs as usize;
        let end = nodes
            .get(self.i as usize + 1)
            .map_or(self.doc.attrs.len(), |n| n.attrs as usize);
        self.doc.attrs.get(start..end).unwrap_or_default()
    }

    /// Namespace URI ("" for none).
    pub fn ns(&self) -> &'a str {
        &self.doc.ns[self.data().ns as usize]
    }

    /// Local name.
    pub fn local(&self) -> &'a str {
        self.data().local.get(self.doc)
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.data().local.is(self.doc, local) && self.ns() == ns
    }

    /// Unprefixed attribute.
    pub fn attr(&self, local: &str) -> Option<&'a str> {
        self.attr_data()
            .iter()
            .find(|a| a.ns == NO_NS && a.local.is(self.doc, local))
            .map(|a| a.value.get(self.doc))
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&'a str> {
        self.attr_data()
            .iter()
            .find(|a| a.local.is(self.doc, local) && self.doc.ns[a.ns as usize] == ns)
            .map(|a| a.value.get(self.doc))
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
            .line(doc.text, self.data().pos as usize)
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

/// Line numbers of byte offsets: the line breaks before each block of [`Lines::BLOCK`] bytes
/// are counted once, the rest of a block on each question (a few thousand questions at most,
/// one per import note; a list of all line starts cost more than all of them).
pub(super) struct Lines {
    before: Vec<usize>,
}

impl Lines {
    const BLOCK: usize = 4096;

    pub(super) fn new(text: &str) -> Lines {
        let mut n = 0;
        let before = text
            .as_bytes()
            .chunks(Lines::BLOCK)
            .map(|block| {
                let at = n;
                n += breaks(block);
                at
            })
            .collect();
        Lines { before }
    }

    /// 1-based line of byte offset `pos` of `text` (the text `self` was made from).
    pub(super) fn line(&self, text: &str, pos: usize) -> usize {
        let bytes = text.as_bytes();
        let pos = pos.min(bytes.len());
        let block = pos / Lines::BLOCK;
        let start = block * Lines::BLOCK;
        let before = self
            .before
            .get(block)
            .copied()
            .unwrap_or_else(|| breaks(bytes));
        before + breaks(bytes.get(start..pos).unwrap_or_default()) + 1
    }
}

/// Number of line breaks in `bytes`: 64 bytes at a time, counted in a byte (a loop the
/// compiler turns into vector compares and adds).
fn breaks(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(64);
    let mut n = 0;
    for chunk in &mut chunks {
        let in_chunk: u8 = chunk.iter().map(|&b| u8::from(b == b'\n')).sum();
        n += usize::from(in_chunk);
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_a_plain_count() {
        // Breaks anywhere, none at all, and texts over several blocks.
        let long: String = (0..3 * Lines::BLOCK + 17)
            .map(|i| {
                if i % 7 == 0 || i % 4093 == 1 {
                    '\n'
                } else {
                    'x'
                }
            })
            .collect();
        for text in [
            "",
            "abc",
            "\n",
            "a\nbcdefgh\n\nijklmnopq\nr",
            "ü\n€\n\u{a}\u{b}\u{c}",
            &long,
            &"\n".repeat(Lines::BLOCK + 1),
        ] {
            let lines = Lines::new(text);
            let mut plain = 1;
            for pos in 0..=text.len() + 1 {
                assert_eq!(lines.line(text, pos), plain, "{pos} in {text:?}");
                plain += usize::from(text.as_bytes().get(pos) == Some(&b'\n'));
            }
        }
    }
}
