//! The xdomea 3.1.0 Veraktung container: one ZIP per message, named like the message
//! (`{ProzessID}_{Nachrichtentyp}.zip`, xdomea.md § 2.7), holding the message XML
//! (`{ProzessID}_{Nachrichtentyp}.xml`) and, for the 0605, the primary files of the documents
//! it lists (`Dokument/Version/Format/Primaerdokument/Dateiname`).
//!
//! The messages are the engine's (`Effect::WriteFiling`) for the real case, turned into their
//! real-case form by [`fachwerk_shared::simulate::xdomea::for_case`]: the Probelauf's
//! document placeholders are replaced by the case's stored documents. A stored name is
//! untrusted: it is only ever used, sanitised ([`safe_file_name`]), as part of a name inside
//! the ZIP, never as a path.

use std::io::{Cursor, Write};

use fachwerk_shared::model::{BlockKind, Include, Workflow};
use fachwerk_shared::simulate::xdomea::{
    for_case, uuid, FiledDocument, XdomeaMessage, DATEIFORMAT_PDFA_CODE,
};
use fachwerk_shared::values::Date;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{Document, OutputError};

/// A document of the case as stored (uploaded by the applicant or rendered by Fachwerk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// The store's id (stable; seeds the Dokument's UUID).
    pub id: String,
    /// The name it was stored under (untrusted: from an upload).
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
    /// What it is: "Bescheid", "Antwort auf Rückfrage" …
    pub betreff: String,
    /// "Bescheid", "Anlage", "Antrag" …
    pub typ: String,
    /// Received or sent on.
    pub date: Date,
    /// From the applicant (Posteingang) rather than from the authority (Postausgang).
    pub incoming: bool,
    /// A PDF/A rendered by Fachwerk ([`super::render_bescheid`]).
    pub pdfa: bool,
    /// Carries an embedded signature or seal.
    pub signed: bool,
}

/// What one Veraktung files.
#[derive(Debug, Clone)]
pub struct FilingInput<'a> {
    /// The case's workflow version (the Veraktung block says whether documents go along).
    pub workflow: &'a Workflow,
    /// The messages of the `WriteFiling` effect, in sending order.
    pub messages: Vec<XdomeaMessage>,
    /// The case's documents to file with the 0605.
    pub documents: Vec<StoredDocument>,
    /// The day of the filing: the time stamp of the ZIP entries.
    pub date: Date,
}

/// A file name safe inside a ZIP and on any file system: ASCII letters, digits, `-`, `_` and
/// one `.` before the extension; umlauts and ß transliterated; at most 80 characters; never
/// empty, never hidden, never a path.
pub fn safe_file_name(name: &str) -> String {
    // Only the last path component of whatever the uploader's system sent.
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut out = String::new();
    for c in base.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() || c == '-' || c == '.' => out.push(c),
            _ => out.push('_'),
        }
    }
    // One dot at most (before the extension), none at the start.
    let (stem, ext) = match out.rfind('.') {
        Some(i) => (out[..i].replace('.', "_"), out[i + 1..].to_string()),
        None => (out.clone(), String::new()),
    };
    let mut stem: String = stem.trim_matches(['_', '-']).chars().take(70).collect();
    while stem.contains("__") {
        stem = stem.replace("__", "_");
    }
    if stem.is_empty() {
        stem = "Dokument".to_string();
    }
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{}", ext.to_ascii_lowercase())
    }
}

/// Extension for a media type of the upload allow-list; otherwise the name's own.
fn extension(media_type: &str, name: &str) -> String {
    let known = match media_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "text/plain" => "txt",
        "application/xml" | "text/xml" => "xml",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let safe = safe_file_name(name);
    match safe.rsplit_once('.') {
        Some((_, e)) if !e.is_empty() => e.to_string(),
        _ => "bin".to_string(),
    }
}

/// The format code of a document: PDF/A-2b for the Bescheid Fachwerk renders (the project's
/// placeholder code, like the Probelauf's), otherwise a placeholder naming the file type. The
/// codes of the XRepository list `urn:xoev-de:xdomea:codeliste:dateiformat` are not part of
/// the schema: a DMS's own list replaces them at the interface.
fn format_of(d: &StoredDocument, ext: &str) -> (String, String) {
    if d.pdfa {
        (DATEIFORMAT_PDFA_CODE.to_string(), "2b".to_string())
    } else {
        (
            format!("PLACEHOLDER-{}", ext.to_ascii_uppercase()),
            "1".to_string(),
        )
    }
}

fn stem_of(name: &str) -> String {
    let safe = safe_file_name(name);
    match safe.rsplit_once('.') {
        Some((s, _)) => s.to_string(),
        None => safe,
    }
}

fn files_documents(w: &Workflow, m: &XdomeaMessage) -> bool {
    w.block(&m.block).is_some_and(|b| match &b.kind {
        BlockKind::Veraktung(p) => p.include.contains(&Include::Dokumente),
        _ => false,
    })
}

fn zip_time(d: Date) -> Result<DateTime, OutputError> {
    // ZIP (DOS) times start in 1980; the day of the filing at noon.
    DateTime::from_date_and_time(d.year().max(1980), d.month(), d.day(), 12, 0, 0)
        .map_err(|e| OutputError::Zip(format!("Datum {d}: {e}")))
}

/// The containers of one Veraktung, in sending order: per message a ZIP with its XML and,
/// for the 0605 of a block that includes DOKUMENTE, every document's primary file.
pub fn filing_container(f: &FilingInput<'_>) -> Result<Vec<Document>, OutputError> {
    if f.messages.is_empty() {
        return Err(OutputError::invalid(
            "messages",
            "die Veraktung hat keine Nachricht",
            "the filing has no message",
        ));
    }
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip_time(f.date)?)
        .unix_permissions(0o644);
    let mut out = Vec::new();
    for m in &f.messages {
        let with_docs = m.code == "0605" && files_documents(f.workflow, m);
        let mut filed = Vec::new();
        let mut files: Vec<(String, &[u8])> = Vec::new();
        if with_docs {
            for d in &f.documents {
                let ext = extension(&d.media_type, &d.name);
                let id = uuid(&[&m.file_name, "datei", &d.id]);
                let file_name = format!("{id}_{}.{ext}", stem_of(&d.name));
                let (format_code, format_version) = format_of(d, &ext);
                filed.push(FiledDocument {
                    key: d.id.clone(),
                    betreff: d.betreff.clone(),
                    typ: d.typ.clone(),
                    date: d.date,
                    incoming: d.incoming,
                    file_name: file_name.clone(),
                    original_name: Some(d.name.clone()),
                    format_code,
                    format_version,
                    signed: d.signed,
                });
                files.push((file_name, &d.bytes));
            }
        }
        let real = for_case(m, &filed);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let zip_err = |e: zip::result::ZipError| OutputError::Zip(e.to_string());
        let io_err = |e: std::io::Error| OutputError::Zip(e.to_string());
        zip.start_file(real.file_name.as_str(), options)
            .map_err(zip_err)?;
        zip.write_all(real.xml.as_bytes()).map_err(io_err)?;
        for (name, bytes) in files {
            zip.start_file(name.as_str(), options).map_err(zip_err)?;
            zip.write_all(bytes).map_err(io_err)?;
        }
        let bytes = zip.finish().map_err(zip_err)?.into_inner();
        let name = match real.file_name.strip_suffix(".xml") {
            Some(stem) => format!("{stem}.zip"),
            None => format!("{}.zip", real.file_name),
        };
        out.push(Document::new(name, "application/zip", bytes));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_never_become_paths() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("C:\\Users\\x\\Angebot Müller.PDF"),
            "Angebot_Mueller.pdf"
        );
        assert_eq!(safe_file_name(".htaccess"), "Dokument.htaccess");
        assert_eq!(safe_file_name(""), "Dokument");
        assert_eq!(safe_file_name("a..b...pdf"), "a_b.pdf");
        assert_eq!(
            safe_file_name("Straße & Söhne.tar.gz"),
            "Strasse_Soehne_tar.gz"
        );
        assert!(safe_file_name(&"x".repeat(500)).len() <= 80);
        assert_eq!(extension("application/x-unknown", "evil.sh"), "sh");
        assert_eq!(extension("image/jpeg", "foto.exe"), "jpg");
    }
}
