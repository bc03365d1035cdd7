//! The server's mail outbox as the tests read it: the .eml files under `outbox/mail` and the
//! applicant's one-time links in them.

use std::time::Duration;

use crate::Session;

/// A mail's text with quoted-printable soft line breaks and escaped '=' undone.
pub fn mail_text(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first `/{page}/{token}` link in `text`.
pub fn link(text: &str, page: &str) -> Option<String> {
    let marker = format!("/{page}/");
    let at = text.find(&marker)?;
    let token: String = text[at + marker.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    (!token.is_empty()).then(|| format!("/{page}/{token}"))
}

/// Waits (up to 30 s) for a mail in the outbox for which `pick` finds something.
pub async fn wait_for_mail<T>(s: &Session, pick: impl Fn(&str) -> Option<T>) -> anyhow::Result<T> {
    let dir = s.data_dir().join("outbox/mail");
    for _ in 0..300 {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = mail_text(&std::fs::read_to_string(e.path())?);
            if let Some(found) = pick(&text) {
                return Ok(found);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("no such mail in {}", dir.display())
}

/// The applicant's links of the Rückfrage mail: (answer path, status path).
pub async fn applicant_links(s: &Session) -> anyhow::Result<(String, String)> {
    wait_for_mail(s, |text| {
        let answer = link(text, "antwort").or_else(|| link(text, "rueckfrage"))?;
        Some((answer, link(text, "status")?))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_survive_quoted_printable() {
        let raw = "Bitte antworten: https://x.example/rueckfrage/ab=\r\nCD-9_z.\r\n\
                   Status: https://x.example/status/S1=3D";
        let text = mail_text(raw);
        assert_eq!(
            link(&text, "rueckfrage").as_deref(),
            Some("/rueckfrage/abCD-9_z")
        );
        assert_eq!(link(&text, "status").as_deref(), Some("/status/S1"));
        assert_eq!(link(&text, "antwort"), None);
    }
}
