//! The applicant's pages (issue 20), reached from a link in a message, without an account:
//! `/antwort/{token}` (also `/rueckfrage/{token}`) answers a Rückfrage once, `/status/{token}`
//! shows how far the case is.
//! They are mounted without the designer; this module reads their paths and checks files
//! before they are sent (the server decides; this only spares a useless upload).

use fachwerk_shared::api::applicant_links as links;

use crate::i18n::Lang;

/// An applicant page and its one-time token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicantPage {
    Answer(String),
    Status(String),
}

impl ApplicantPage {
    /// The page of a path; `None` for every other path (the designer's).
    pub fn parse(path: &str) -> Option<ApplicantPage> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let token = |t: &str| {
            (!t.is_empty()
                && t.len() <= 200
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')))
            .then(|| t.to_string())
        };
        match parts.as_slice() {
            [links::ANTWORT | links::RUECKFRAGE, t] => token(t).map(ApplicantPage::Answer),
            [links::STATUS, t] => token(t).map(ApplicantPage::Status),
            _ => None,
        }
    }

    pub fn path(&self) -> String {
        match self {
            ApplicantPage::Answer(t) => format!("/{}/{t}", links::ANTWORT),
            ApplicantPage::Status(t) => format!("/{}/{t}", links::STATUS),
        }
    }
}

/// A size for people: "10 MB", "512 KB", "900 Bytes".
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{},{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 512) / 1024)
    } else {
        format!("{bytes} Bytes")
    }
}

/// A short name of a media type for the hint ("PDF", "PNG", …).
pub fn type_name(media_type: &str) -> &str {
    match media_type {
        "application/pdf" => "PDF",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        "application/vnd.oasis.opendocument.text" => "ODT",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
        "text/plain" => "Text",
        other => other,
    }
}

/// Checks the chosen files against the page's limits before sending: how many, how large,
/// which type (by the browser's guess; the server looks at the content).
pub fn check_files(
    files: &[(String, u64, String)],
    max_files: usize,
    max_bytes: u64,
    media_types: &[String],
    lang: Lang,
) -> Result<(), String> {
    if files.len() > max_files {
        return Err(match lang {
            Lang::De => format!(
                "Bitte höchstens {max_files} Dateien anhängen (gewählt: {}).",
                files.len()
            ),
            Lang::En => format!(
                "Please attach at most {max_files} files (chosen: {}).",
                files.len()
            ),
        });
    }
    for (name, size, media_type) in files {
        if *size > max_bytes {
            return Err(match lang {
                Lang::De => format!(
                    "„{name}“ ist {} groß; erlaubt sind höchstens {} je Datei.",
                    human_size(*size),
                    human_size(max_bytes)
                ),
                Lang::En => format!(
                    "“{name}” is {}; at most {} per file are allowed.",
                    human_size(*size),
                    human_size(max_bytes)
                ),
            });
        }
        if !media_types.is_empty() && !media_types.iter().any(|m| m == media_type) {
            let allowed = media_types
                .iter()
                .map(|m| type_name(m))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(match lang {
                Lang::De => {
                    format!("„{name}“ hat keine erlaubte Dateiart. Erlaubt sind: {allowed}.")
                }
                Lang::En => format!("“{name}” is not an allowed kind of file. Allowed: {allowed}."),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicant_paths_carry_their_token() {
        assert_eq!(
            ApplicantPage::parse("/antwort/aB3-x_9"),
            Some(ApplicantPage::Answer("aB3-x_9".into()))
        );
        assert_eq!(
            ApplicantPage::parse("/rueckfrage/aB3"),
            Some(ApplicantPage::Answer("aB3".into()))
        );
        assert_eq!(
            ApplicantPage::parse("/status/tok?lang=en"),
            Some(ApplicantPage::Status("tok".into()))
        );
        for p in [
            ApplicantPage::Answer("t1".into()),
            ApplicantPage::Status("t2".into()),
        ] {
            assert_eq!(ApplicantPage::parse(&p.path()), Some(p.clone()));
        }
    }

    #[test]
    fn other_paths_are_the_designers() {
        for p in [
            "/",
            "/antwort",
            "/antwort/a/b",
            "/status/",
            "/status/a%2Fb",
            "/vorlagen",
        ] {
            assert_eq!(ApplicantPage::parse(p), None, "{p}");
        }
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(1536 * 1024), "1,5 MB");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(900), "900 Bytes");
    }

    #[test]
    fn files_are_checked_before_sending() {
        let types = vec!["application/pdf".to_string(), "image/png".to_string()];
        let ok = vec![("a.pdf".to_string(), 1000, "application/pdf".to_string())];
        assert_eq!(check_files(&ok, 5, 10_000, &types, Lang::De), Ok(()));
        let big = vec![(
            "scan.pdf".to_string(),
            20_000_000,
            "application/pdf".to_string(),
        )];
        let e = check_files(&big, 5, 10 * 1024 * 1024, &types, Lang::De)
            .err()
            .unwrap_or_default();
        assert!(e.contains("„scan.pdf“") && e.contains("10 MB"), "{e}");
        let exe = vec![(
            "x.exe".to_string(),
            10,
            "application/x-msdownload".to_string(),
        )];
        let e = check_files(&exe, 5, 10_000, &types, Lang::En)
            .err()
            .unwrap_or_default();
        assert!(e.contains("PDF, PNG"), "{e}");
        let many = vec![ok[0].clone(); 6];
        assert!(check_files(&many, 5, 10_000, &types, Lang::De)
            .err()
            .unwrap_or_default()
            .contains("höchstens 5"));
    }
}
