//! Lays a letter out on A4 pages (DIN 5008-like: letterhead, address window, info block,
//! text, page numbers) and writes it as PDF/A-2b with krilla. Text is wrapped by the font's
//! advance widths (skrifa); the PDF text is real text, so it can be searched and copied.

use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::outputs::{Addressee, Authority, OutputError};
use fachwerk_shared::values::Date;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// Left margin 25 mm, right 20 mm, bottom margin above the page number.
const LEFT: f32 = 70.87;
const RIGHT: f32 = PAGE_W - 56.69;
const BOTTOM: f32 = PAGE_H - 70.0;
/// The info block (Aktenzeichen, Datum …) on the right of the address window.
const INFO_X: f32 = 355.0;

/// The parts of a letter, in reading order.
pub(super) struct Letter<'a> {
    pub sender: &'a Authority,
    pub recipient: &'a Addressee,
    pub info: Vec<(String, String)>,
    pub heading: String,
    pub body: String,
    pub bekanntgabe: String,
    pub belehrung: String,
    pub signature: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
}

/// One line of text placed on a page.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    face: Face,
    text: String,
}

/// Width of text in points, from the font's advance widths.
struct Measure<'f> {
    font: FontRef<'f>,
    upem: f32,
}

impl<'f> Measure<'f> {
    fn new(data: &'f [u8]) -> Result<Self, OutputError> {
        let font = FontRef::new(data).map_err(|e| OutputError::Pdf(format!("font: {e}")))?;
        let upem = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Ok(Measure { font, upem })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let metrics = self
            .font
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        let units: f32 = text
            .chars()
            .map(|c| {
                metrics
                    .advance_width(charmap.map(c).unwrap_or_default())
                    .unwrap_or(0.0)
            })
            .sum();
        units / self.upem.max(1.0) * size
    }
}

/// Pages of placed lines; starts a new page when a line would run into the bottom margin.
struct Pages<'m> {
    pages: Vec<Vec<Placed>>,
    y: f32,
    regular: &'m Measure<'m>,
    bold: &'m Measure<'m>,
}

impl Pages<'_> {
    fn line(&mut self, x: f32, size: f32, face: Face, text: &str) {
        let lead = size * 1.35;
        if self.y + lead > BOTTOM {
            self.pages.push(Vec::new());
            self.y = 70.0;
        }
        self.y += lead;
        if let Some(p) = self.pages.last_mut() {
            p.push(Placed {
                x,
                y: self.y,
                size,
                face,
                text: text.to_string(),
            });
        }
    }

    /// A paragraph wrapped to the text width; blank lines in `text` separate paragraphs.
    fn paragraph(&mut self, size: f32, face: Face, text: &str) {
        let m = if face == Face::Bold {
            self.bold
        } else {
            self.regular
        };
        for (i, para) in text.split('\n').enumerate() {
            if para.trim().is_empty() {
                if i > 0 {
                    self.y += size * 0.6;
                }
                continue;
            }
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if !line.is_empty() && m.width(&candidate, size) > RIGHT - LEFT {
                    self.line(LEFT, size, face, &line);
                    line = word.to_string();
                } else {
                    line = candidate;
                }
            }
            if !line.is_empty() {
                self.line(LEFT, size, face, &line);
            }
        }
    }

    fn gap(&mut self, pt: f32) {
        self.y += pt;
    }
}

fn layout(l: &Letter<'_>, regular: &Measure<'_>, bold: &Measure<'_>) -> Vec<Vec<Placed>> {
    let mut p = Pages {
        pages: vec![Vec::new()],
        y: 42.0,
        regular,
        bold,
    };
    // Letterhead.
    p.line(LEFT, 15.0, Face::Bold, &l.sender.name);
    for a in &l.sender.address {
        p.line(LEFT, 9.0, Face::Regular, a);
    }
    // Return address and recipient in the address window (45 mm from the top).
    p.y = p.y.max(120.0);
    let window_top = p.y;
    let mut back = vec![l.sender.name.clone()];
    back.extend(l.sender.address.iter().cloned());
    p.line(LEFT, 7.0, Face::Regular, &back.join(" · "));
    p.gap(4.0);
    p.line(LEFT, 11.0, Face::Regular, &l.recipient.name);
    for a in &l.recipient.address {
        p.line(LEFT, 11.0, Face::Regular, a);
    }
    let window_bottom = p.y;
    // Info block to the right of the window.
    p.y = window_top;
    for (k, v) in &l.info {
        p.line(INFO_X, 9.0, Face::Bold, k);
        p.y -= 9.0 * 1.35;
        let x = INFO_X + 70.0;
        p.line(x, 9.0, Face::Regular, v);
    }
    p.y = p.y.max(window_bottom).max(250.0);
    p.gap(14.0);
    p.paragraph(13.0, Face::Bold, &l.heading);
    p.gap(10.0);
    p.paragraph(11.0, Face::Regular, &l.body);
    p.gap(10.0);
    p.paragraph(11.0, Face::Bold, "Bekanntgabe");
    p.paragraph(11.0, Face::Regular, &l.bekanntgabe);
    p.gap(10.0);
    p.paragraph(11.0, Face::Bold, "Rechtsbehelfsbelehrung");
    p.paragraph(11.0, Face::Regular, &l.belehrung);
    p.gap(16.0);
    for s in &l.signature {
        p.paragraph(11.0, Face::Regular, s);
    }
    p.pages
}

fn pdf_err(what: &str, e: impl std::fmt::Debug) -> OutputError {
    OutputError::Pdf(format!("{what}: {e:?}"))
}

/// The letter as PDF/A-2b bytes; `date` is the creation date, `doc_id` the document id.
pub(super) fn render(
    l: &Letter<'_>,
    regular_data: &'static [u8],
    bold_data: &'static [u8],
    date: Date,
    doc_id: &str,
) -> Result<Vec<u8>, OutputError> {
    let regular_m = Measure::new(regular_data)?;
    let bold_m = Measure::new(bold_data)?;
    let pages = layout(l, &regular_m, &bold_m);
    let regular = Font::new(regular_data.into(), 0).ok_or_else(|| pdf_err("font", "Regular"))?;
    let bold = Font::new(bold_data.into(), 0).ok_or_else(|| pdf_err("font", "Bold"))?;
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| pdf_err("PDF/A-2b", e))?;
    let mut doc = Document::new_with(SerializeSettings {
        configuration,
        ..Default::default()
    });
    doc.set_metadata(
        Metadata::new()
            .title(l.heading.clone())
            .authors(vec![l.sender.name.clone()])
            .creator("Fachwerk".to_string())
            .producer("Fachwerk".to_string())
            .language("de-DE".to_string())
            .document_id(doc_id.to_string())
            .creation_date(
                DateTime::new(date.year())
                    .month(date.month())
                    .day(date.day())
                    .hour(12)
                    .minute(0)
                    .second(0)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0),
            ),
    );
    let total = pages.len();
    for (n, lines) in pages.iter().enumerate() {
        let settings =
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| pdf_err("page", "A4"))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for t in lines {
            let font = if t.face == Face::Bold {
                &bold
            } else {
                &regular
            };
            surface.draw_text(
                Point::from_xy(t.x, t.y),
                font.clone(),
                t.size,
                &t.text,
                false,
                TextDirection::Auto,
            );
        }
        let footer = format!("Seite {} von {total}", n + 1);
        let w = regular_m.width(&footer, 8.0);
        surface.draw_text(
            Point::from_xy(RIGHT - w, PAGE_H - 40.0),
            regular.clone(),
            8.0,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| pdf_err("export", e))
}
