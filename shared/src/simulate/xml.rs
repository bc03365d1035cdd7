//! A tiny indenting XML writer with escaping, and deterministic v4-shaped UUIDs from a hash.

/// Writes elements of one namespace prefix, indented by two spaces.
pub(super) struct Xml {
    out: String,
    prefix: &'static str,
    stack: Vec<String>,
}

/// Escapes text and attribute values; drops characters XML 1.0 does not allow.
pub(super) fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' | '\n' | '\r' => s.push(c),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => s.push(c),
        }
    }
    s
}

impl Xml {
    pub fn new(prefix: &'static str) -> Xml {
        Xml {
            out: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string(),
            prefix,
            stack: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.stack.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", escape(v)));
        }
        self.out.push('>');
    }

    fn qualified(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    /// Opens a prefixed element.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let q = self.qualified(name);
        self.start_tag(&q, attrs);
        self.out.push('\n');
        self.stack.push(q);
    }

    /// Opens the document element with its namespace declaration (`name` already prefixed).
    pub fn open_root(&mut self, name: &str, ns: &str) {
        let decl = format!("xmlns:{}", self.prefix);
        self.start_tag(name, &[(&decl, ns)]);
        self.out.push('\n');
        self.stack.push(name.to_string());
    }

    pub fn close(&mut self) {
        if let Some(q) = self.stack.pop() {
            self.indent();
            self.out.push_str(&format!("</{q}>\n"));
        }
    }

    /// A prefixed element with text content.
    pub fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_attrs(name, &[], text);
    }

    pub fn leaf_attrs(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        let q = self.qualified(name);
        self.start_tag(&q, attrs);
        self.out.push_str(&format!("{}</{q}>\n", escape(text)));
    }

    /// A code element (`<xdomea:X listURI=… listVersionID=…><code>…</code></xdomea:X>`);
    /// `code` is unqualified in the XÖV code types.
    pub fn code(&mut self, name: &str, list_uri: &str, version: &str, code: &str) {
        let q = self.qualified(name);
        self.start_tag(&q, &[("listURI", list_uri), ("listVersionID", version)]);
        self.out
            .push_str(&format!("<code>{}</code></{q}>\n", escape(code)));
    }

    /// A writer for elements that go `depth` levels deep into a document written by
    /// [`Xml::new`] (no declaration; [`Xml::fragment_text`] returns the text).
    pub fn fragment(prefix: &'static str, depth: usize) -> Xml {
        Xml {
            out: String::new(),
            prefix,
            stack: vec![String::new(); depth],
        }
    }

    /// The elements written into a [`Xml::fragment`] (those still open stay open).
    pub fn fragment_text(self) -> String {
        self.out
    }

    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        self.out
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A UUID of version-4 shape derived deterministically from `parts` (two FNV-1a lanes,
/// SplitMix64 finalisation); the same parts always give the same UUID.
pub fn uuid(parts: &[&str]) -> String {
    let mut h1: u64 = 0xCBF2_9CE4_8422_2325;
    let mut h2: u64 = 0x6C62_272E_07BB_0142;
    for p in parts {
        // 0xFF never occurs in UTF-8, so it separates parts unambiguously.
        for b in p.bytes().chain(std::iter::once(0xFF)) {
            h1 = (h1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
            h2 = (h2 ^ u64::from(b).rotate_left(17))
                .wrapping_mul(0x0000_0100_0000_01B3)
                .rotate_left(7);
        }
    }
    let a = mix(h1 ^ mix(h2));
    let b = mix(h2.wrapping_add(0x9E37_79B9_7F4A_7C15) ^ a);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex: String = bytes.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_shaped_and_deterministic() {
        let u = uuid(&["beschaffung", "2026/1"]);
        assert_eq!(u, uuid(&["beschaffung", "2026/1"]));
        assert_ne!(u, uuid(&["beschaffung2026/1"]));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
