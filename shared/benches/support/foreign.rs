//! Shared by the benches: a Fachwerk export turned into what another tool would write.

use fachwerk_shared::bpmn::FW_NS;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// `xml` (an export, whose Fachwerk data all use the `fw:` prefix declared on the root) without
/// the Fachwerk data: `fw:` elements with their content, `fw:` attributes and the declaration.
pub fn without_fachwerk_data(xml: &str) -> std::io::Result<Vec<u8>> {
    let bad = |e: quick_xml::Error| std::io::Error::other(e.to_string());
    let is_fw = |name: &str| name.starts_with("fw:");
    let mut reader = Reader::from_str(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len()));
    let mut skip_depth = 0usize;
    let keep_attrs = |s: &BytesStart<'_>| -> std::io::Result<BytesStart<'static>> {
        let mut out = BytesStart::new(s.name().as_ref().to_owned());
        for a in s.attributes() {
            let a = a.map_err(|e| bad(e.into()))?;
            let key = a.key.as_ref();
            let fw_decl = key == "xmlns:fw" && a.value.as_ref() == FW_NS;
            if !is_fw(key) && !fw_decl {
                out.push_attribute(a);
            }
        }
        Ok(out)
    };
    loop {
        let event = reader.read_event().map_err(bad)?;
        match event {
            Event::Eof => break,
            Event::Start(s) if skip_depth > 0 || is_fw(s.name().as_ref()) => skip_depth += 1,
            Event::End(_) if skip_depth > 0 => skip_depth -= 1,
            Event::Empty(s) if skip_depth > 0 || is_fw(s.name().as_ref()) => {}
            _ if skip_depth > 0 => {}
            Event::Start(s) => writer.write_event(Event::Start(keep_attrs(&s)?))?,
            Event::Empty(s) => writer.write_event(Event::Empty(keep_attrs(&s)?))?,
            e => writer.write_event(e)?,
        }
    }
    Ok(writer.into_inner())
}
