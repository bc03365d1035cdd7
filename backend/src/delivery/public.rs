//! The applicant's side, without an account: a Rückfrage read and answered once through its
//! link, the case's status through any of its links. Uploads are checked by content against
//! an allow-list; their names are display names only, never paths.

use fachwerk_shared::api::{DocumentSource, PublicQuery, PublicStatus, QueryReceipt, UploadLimits};

use crate::cases::{AnswerOutcome, CaseError, CaseRuntime, QueryAnswer};
use crate::db::{token_hash, Database, LinkPurpose, NewDocument, StoredLink};
use crate::fsutil;

/// Largest file of an answer.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Most files per answer.
pub const MAX_FILES: usize = 5;
/// Longest answer text (characters).
pub const MAX_ANSWER_CHARS: usize = 10_000;
/// Request body limit of the answer route: the files plus room for the text and framing.
pub const BODY_LIMIT: usize = (MAX_FILE_BYTES as usize) * MAX_FILES + 256 * 1024;

const PDF: &str = "application/pdf";
const PNG: &str = "image/png";
const JPEG: &str = "image/jpeg";
const ODT: &str = "application/vnd.oasis.opendocument.text";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const TXT: &str = "text/plain";

pub fn limits() -> UploadLimits {
    UploadLimits {
        max_file_bytes: MAX_FILE_BYTES,
        max_files: u32::try_from(MAX_FILES).unwrap_or(u32::MAX),
        media_types: [PDF, PNG, JPEG, ODT, DOCX, TXT].map(String::from).to_vec(),
    }
}

/// Why a public request was refused. Every variant stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum PublicError {
    #[error(
        "Diesen Link gibt es nicht. Bitte prüfen Sie, ob Sie ihn vollständig übernommen haben."
    )]
    Unknown,
    #[error("Diese Rückfrage wurde bereits beantwortet; der Link gilt nur für eine Antwort.")]
    Used,
    #[error("Dieser Link ist abgelaufen.")]
    Expired,
    #[error("Diese Rückfrage ist nicht mehr offen (die Antwortfrist ist abgelaufen oder der Vorgang ist weitergegangen).")]
    Closed,
    #[error("Bitte schreiben Sie eine Antwort (höchstens {MAX_ANSWER_CHARS} Zeichen).")]
    Answer,
    #[error("Höchstens {MAX_FILES} Dateien je Antwort.")]
    TooManyFiles,
    /// `index`: the file (from 0) that is too large.
    #[error("Die Datei „{name}“ ist größer als 10 MB.")]
    TooLarge { index: usize, name: String },
    #[error("Die Datei „{name}“ hat keine erlaubte Art. Erlaubt sind PDF, PNG, JPEG, ODT, DOCX und Text.")]
    Type { index: usize, name: String },
    #[error(transparent)]
    Case(#[from] CaseError),
}

impl PublicError {
    /// Stable code (problem+json `code`).
    pub fn code(&self) -> &'static str {
        match self {
            PublicError::Unknown => "LINK_UNKNOWN",
            PublicError::Used => "LINK_USED",
            PublicError::Expired => "LINK_EXPIRED",
            PublicError::Closed => "QUERY_CLOSED",
            PublicError::Answer => "ANSWER_MISSING",
            PublicError::TooManyFiles => "TOO_MANY_FILES",
            PublicError::TooLarge { .. } => "UPLOAD_TOO_LARGE",
            PublicError::Type { .. } => "UPLOAD_TYPE",
            PublicError::Case(_) => "CASE",
        }
    }

    pub fn english(&self) -> String {
        match self {
            PublicError::Unknown => "This link does not exist. Please check that you copied all of it.".into(),
            PublicError::Used => "This question has been answered already; the link takes one answer only.".into(),
            PublicError::Expired => "This link has expired.".into(),
            PublicError::Closed => "This question is no longer open (the reply period ended or the case moved on).".into(),
            PublicError::Answer => format!("Please write an answer (at most {MAX_ANSWER_CHARS} characters)."),
            PublicError::TooManyFiles => format!("At most {MAX_FILES} files per answer."),
            PublicError::TooLarge { name, .. } => format!("The file {name:?} is larger than 10 MB."),
            PublicError::Type { name, .. } => format!("The file {name:?} is not of an allowed type. Allowed: PDF, PNG, JPEG, ODT, DOCX and text."),
            PublicError::Case(e) => e.to_string(),
        }
    }

    /// The offending part of the request (`answer`, `file[1]`).
    pub fn path(&self) -> Option<String> {
        match self {
            PublicError::Answer => Some("answer".into()),
            PublicError::TooManyFiles => Some("file".into()),
            PublicError::TooLarge { index, .. } | PublicError::Type { index, .. } => {
                Some(format!("file[{index}]"))
            }
            _ => None,
        }
    }
}

/// An uploaded file as received.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser sent (display only).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The media type of `bytes` by their content, if allowed.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"%PDF-") {
        Some(PDF)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(JPEG)
    } else if bytes.starts_with(b"PK\x03\x04") {
        // ODF: the first entry is the uncompressed `mimetype`; OOXML: names are stored plainly
        // in the local headers.
        if bytes.get(30..38) == Some(b"mimetype") && contains(ODT.as_bytes()) {
            Some(ODT)
        } else if contains(b"[Content_Types].xml") && contains(b"word/document.xml") {
            Some(DOCX)
        } else {
            None
        }
    } else if !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|t| {
            !t.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        })
    {
        Some(TXT)
    } else {
        None
    }
}

/// A display name from what the browser sent: the last path segment, without control
/// characters, at most 120 characters; `datei-N` when nothing is left.
pub fn clean_name(name: &str, index: usize) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        format!("datei-{}", index + 1)
    } else {
        cleaned
    }
}

/// The link of `token` if it exists and has not expired.
async fn live_link(
    db: &Database,
    cases: &CaseRuntime,
    token: &str,
) -> Result<(String, StoredLink), PublicError> {
    // Tokens are 64 hex digits; anything else cannot be one (and is not looked up).
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PublicError::Unknown);
    }
    let hash = token_hash(token);
    let link = db
        .link(&hash)
        .await
        .map_err(CaseError::from)?
        .ok_or(PublicError::Unknown)?;
    if link.expires_at < cases.clock_now() {
        return Err(PublicError::Expired);
    }
    Ok((hash, link))
}

/// `GET /api/public/queries/{token}`.
pub async fn query(
    db: &Database,
    cases: &CaseRuntime,
    token: &str,
) -> Result<PublicQuery, PublicError> {
    let (_, link) = live_link(db, cases, token).await?;
    if link.purpose != LinkPurpose::Query {
        return Err(PublicError::Unknown);
    }
    if link.used_at.is_some() {
        return Err(PublicError::Used);
    }
    let status = cases.public_status(&link.case_id).await?;
    let text = |k: &str| link.detail[k].as_str().map(str::to_string);
    Ok(PublicQuery {
        aktenzeichen: status.aktenzeichen,
        workflow_name: status.workflow_name,
        question: text("question").unwrap_or_default(),
        requested_documents: link.detail["documents"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        deadline: text("deadline"),
        limits: limits(),
        status_token: token.to_string(),
    })
}

/// Checks an answer before anything is stored.
fn check(answer: &str, files: &[Upload]) -> Result<Vec<NewDocument>, PublicError> {
    let answer = answer.trim();
    if answer.is_empty() || answer.chars().count() > MAX_ANSWER_CHARS {
        return Err(PublicError::Answer);
    }
    check_files(files)
}

/// Checks uploaded files (count, size, type by content) before anything is stored: the
/// documents to store, or why not.
pub fn check_files(files: &[Upload]) -> Result<Vec<NewDocument>, PublicError> {
    if files.len() > MAX_FILES {
        return Err(PublicError::TooManyFiles);
    }
    let mut out = Vec::with_capacity(files.len());
    for (index, f) in files.iter().enumerate() {
        let name = clean_name(&f.name, index);
        if u64::try_from(f.bytes.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
            return Err(PublicError::TooLarge { index, name });
        }
        let media_type = sniff(&f.bytes).ok_or_else(|| PublicError::Type {
            index,
            name: name.clone(),
        })?;
        out.push(NewDocument {
            name,
            media_type: media_type.to_string(),
            source: DocumentSource::Upload,
            data: f.bytes.clone(),
        });
    }
    Ok(out)
}

/// `POST /api/public/queries/{token}`.
pub async fn answer(
    db: &Database,
    cases: &CaseRuntime,
    token: &str,
    answer: &str,
    files: &[Upload],
) -> Result<QueryReceipt, PublicError> {
    let (hash, link) = live_link(db, cases, token).await?;
    if link.purpose != LinkPurpose::Query {
        return Err(PublicError::Unknown);
    }
    if link.used_at.is_some() {
        return Err(PublicError::Used);
    }
    let documents = check(answer, files)?;
    let task = link.task.clone().ok_or(PublicError::Unknown)?;
    let outcome = cases
        .answer_query(&QueryAnswer {
            token_hash: hash,
            case_id: link.case_id.clone(),
            task,
            text: answer.trim().to_string(),
            documents,
        })
        .await?;
    let ids = match outcome {
        AnswerOutcome::Done(ids) => ids,
        AnswerOutcome::Used => return Err(PublicError::Used),
        AnswerOutcome::Closed => return Err(PublicError::Closed),
    };
    let status = cases.public_status(&link.case_id).await?;
    let documents = db
        .documents(&link.case_id)
        .await
        .map_err(CaseError::from)?
        .into_iter()
        .filter(|d| ids.contains(&d.id))
        .collect();
    Ok(QueryReceipt {
        aktenzeichen: status.aktenzeichen,
        received_at: fsutil::now_rfc3339(),
        documents,
        status_token: token.to_string(),
    })
}

/// `GET /api/public/status/{token}`: any link of the case that has not expired.
pub async fn status(
    db: &Database,
    cases: &CaseRuntime,
    token: &str,
) -> Result<PublicStatus, PublicError> {
    let (_, link) = live_link(db, cases, token).await?;
    Ok(cases.public_status(&link.case_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_content_not_by_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(PDF));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(PNG));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(JPEG));
        assert_eq!(sniff("Grüße\nzeile 2\n".as_bytes()), Some(TXT));
        assert_eq!(sniff(b"MZ\x90\x00\x03"), None, "an executable");
        assert_eq!(sniff(b"PK\x03\x04 some other zip"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"text with \x00 nul"), None);
    }

    #[test]
    fn names_are_never_paths() {
        assert_eq!(clean_name("../../etc/passwd", 0), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\angebot.pdf", 0), "angebot.pdf");
        assert_eq!(clean_name("..", 2), "datei-3");
        assert_eq!(clean_name(".bashrc", 0), "bashrc");
        assert_eq!(clean_name("a\u{0}b\nc.txt", 0), "abc.txt");
    }

    #[test]
    fn answers_are_checked_before_anything_is_stored() {
        let file = |name: &str, bytes: &[u8]| Upload {
            name: name.into(),
            bytes: bytes.to_vec(),
        };
        assert!(matches!(check("  ", &[]), Err(PublicError::Answer)));
        let big = vec![b'a'; usize::try_from(MAX_FILE_BYTES).unwrap_or(0) + 1];
        assert!(matches!(
            check("ok", &[file("a.txt", b"hallo"), file("b.txt", &big)]),
            Err(PublicError::TooLarge { index: 1, .. })
        ));
        let e = check("ok", &[file("rechnung.pdf", b"MZ\x90\x00")]).err();
        assert!(
            matches!(e, Some(PublicError::Type { index: 0, .. })),
            "{e:?}"
        );
        let many: Vec<_> = (0..6).map(|i| file(&format!("{i}.txt"), b"x")).collect();
        assert!(matches!(check("ok", &many), Err(PublicError::TooManyFiles)));
        let ok = check("ok", &[file("../x.pdf", b"%PDF-1.4")])
            .ok()
            .unwrap_or_default();
        assert_eq!(ok[0].name, "x.pdf");
        assert_eq!(ok[0].media_type, PDF);
    }
}
