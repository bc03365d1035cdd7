//! The mail transport: SMTP (`lettre`, `--smtp-url smtp://host:port`, plain SMTP to a relay on
//! the same host or network) or, without SMTP, one `.eml` file per mail in the mail outbox
//! directory (`<data>/outbox/mail/<delivery id>.eml`, written atomically).

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::DeliveryConfig;
use crate::fsutil;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address (sender, recipient) is not valid.
    #[error("{0}")]
    Address(String),
    #[error("--smtp-url: {0}")]
    Url(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("Mail-Ausgang {path}: {error}")]
    File { path: String, error: String },
}

pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// What left: checksum and size of the exact bytes, and where to.
pub struct Left {
    pub sha256: String,
    pub size: u64,
    /// `smtp` or the file written.
    pub transport: String,
}

/// `smtp://host:port` (port 25 when absent).
fn smtp_address(url: &str) -> Result<(String, u16), MailError> {
    let rest = url.trim().strip_prefix("smtp://").ok_or_else(|| {
        MailError::Url(format!(
            "„{url}“: erwartet smtp://host:port (expected smtp://host:port)"
        ))
    })?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| MailError::Url(format!("„{p}“ ist kein Port (not a port)")))?,
        ),
        None => (rest, 25),
    };
    if host.is_empty() || host.contains(['@', '/']) {
        return Err(MailError::Url(format!(
            "„{url}“: kein Rechnername (no host)"
        )));
    }
    Ok((host.trim_matches(['[', ']']).to_string(), port))
}

impl MailTransport {
    pub fn new(config: &DeliveryConfig) -> Result<MailTransport, MailError> {
        config
            .mail_from
            .parse::<Mailbox>()
            .map_err(|e| MailError::Address(format!("--mail-from „{}“: {e}", config.mail_from)))?;
        Ok(match &config.smtp_url {
            Some(url) => {
                let (host, port) = smtp_address(url)?;
                MailTransport::Smtp(
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                        .port(port)
                        .timeout(Some(SMTP_TIMEOUT))
                        .build(),
                )
            }
            None => MailTransport::Files(config.mail_dir.clone()),
        })
    }

    /// Sends `mail` (delivery `id`); the checksum is over the bytes that left.
    pub async fn send(&self, id: &str, mail: &Message) -> Result<Left, MailError> {
        let bytes = mail.formatted();
        let sha256 = fsutil::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        let transport = match self {
            MailTransport::Smtp(smtp) => {
                smtp.send_raw(mail.envelope(), &bytes)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                "smtp".to_string()
            }
            MailTransport::Files(dir) => {
                let path = dir.join(format!("{id}.eml"));
                let shown = path.display().to_string();
                let (dir, p) = (dir.clone(), path.clone());
                tokio::task::spawn_blocking(move || {
                    fsutil::ensure_dir(&dir)?;
                    fsutil::write_atomic(&p, &bytes)
                })
                .await
                .map_err(|e| MailError::File {
                    path: shown.clone(),
                    error: e.to_string(),
                })?
                .map_err(|e| MailError::File {
                    path: shown.clone(),
                    error: e.to_string(),
                })?;
                shown
            }
        };
        Ok(Left {
            sha256,
            size,
            transport,
        })
    }
}

/// A plain-text mail. `id` makes the Message-ID, so a receiver can tell a repeated mail.
pub fn build(
    from: &str,
    to: &str,
    subject: &str,
    text: &str,
    id: &str,
) -> Result<Message, MailError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| MailError::Address(format!("Absender „{from}“: {e}")))?;
    let to: Mailbox = to.parse().map_err(|e| {
        MailError::Address(format!("Die E-Mail-Adresse „{to}“ ist nicht gültig: {e}"))
    })?;
    // Quoted-printable: mostly readable German text, safe on every relay (lines of 76).
    let body = Body::new_with_encoding(text.to_string(), ContentTransferEncoding::QuotedPrintable)
        .map_err(|_| MailError::Address("Der Text der Nachricht ist nicht kodierbar.".into()))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{id}@fachwerk>")))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| MailError::Address(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        assert_eq!(
            smtp_address("smtp://127.0.0.1:2525").ok(),
            Some(("127.0.0.1".into(), 2525))
        );
        assert_eq!(
            smtp_address("smtp://mail.example").ok(),
            Some(("mail.example".into(), 25))
        );
        assert!(smtp_address("http://x:25").is_err());
        assert!(smtp_address("smtp://:25").is_err());
        assert!(smtp_address("smtp://x:port").is_err());
    }
}
