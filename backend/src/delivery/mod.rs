//! Outputs leave the server: the effects of a case step that talk to the outside world become
//! outbox rows in the step's transaction ([`outbox_row`]); the worker ([`Deliveries`]) takes
//! due rows under a lease, delivers them (mail over SMTP or as `.eml` files), records what
//! left (SHA-256, size) in the case's audit, and retries with backoff. The applicant's links
//! (answer a Rückfrage once, see the status) are module [`public`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fachwerk_shared::api::{applicant_links, DeliveryKind};
use fachwerk_shared::engine::{Effect, Event, MessageKind, State, TaskKind, TimerKind};
use fachwerk_shared::model::Recipient;
use serde_json::json;

use crate::cases::CaseRuntime;
use crate::db::{ClaimedDelivery, Database, LinkPurpose, NewAudit, NewDelivery, SentOutput};
use crate::fsutil;

pub mod clerk;
mod compose;
mod documents;
pub mod mail;
mod preview;
pub mod public;

pub use mail::{MailError, MailTransport};

/// The case field holding the applicant's e-mail address.
pub const APPLICANT_EMAIL_FIELD: &str = "email";

/// Settings of the outputs (from `fachwerk serve`).
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// `--smtp-url smtp://host:port`; `None`: mails become `.eml` files in `mail_dir`.
    pub smtp_url: Option<String>,
    /// `--mail-from`.
    pub mail_from: String,
    /// `--authority`: who sends (the signature of the mails).
    pub authority: String,
    /// `--public-url`: the base of the links in mails (no trailing slash).
    pub public_url: String,
    /// `<data>/outbox/mail` (set when the server opens its data directory).
    pub mail_dir: PathBuf,
    /// `<data>/eakte-outbox`: the xdomea containers for the E-Akte (set like `mail_dir`).
    pub eakte_dir: PathBuf,
    /// How often the worker looks for due rows.
    pub interval: Duration,
    /// Wait before the second attempt; doubles per attempt up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Attempts before a row is marked failed.
    pub max_attempts: u32,
    /// How long a claimed row is reserved for its worker.
    pub lease: Duration,
}

impl Default for DeliveryConfig {
    fn default() -> DeliveryConfig {
        DeliveryConfig {
            smtp_url: None,
            mail_from: "fachwerk@localhost".into(),
            authority: "Ihre Verwaltung".into(),
            public_url: "http://localhost:8080".into(),
            mail_dir: PathBuf::from("outbox/mail"),
            eakte_dir: PathBuf::from("eakte-outbox"),
            interval: Duration::from_secs(5),
            backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            max_attempts: 10,
            lease: Duration::from_secs(300),
        }
    }
}

impl DeliveryConfig {
    /// The wait after `attempts` failed attempts.
    pub fn backoff_after(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(16));
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// A plain-German name of a message, for lists and the audit.
fn label(message: MessageKind) -> &'static str {
    match message {
        MessageKind::Benachrichtigung => "Benachrichtigung",
        MessageKind::Rueckfrage => "Rückfrage",
        MessageKind::Erinnerung => "Erinnerung an die Rückfrage",
        MessageKind::Bescheid => "Bescheid",
        MessageKind::Zahlungsaufforderung => "Zahlungsaufforderung",
        MessageKind::Eskalation => "Eskalation",
        MessageKind::Wiedervorlage => "Wiedervorlage",
    }
}

/// The outbox row of an effect, if it leaves the server: messages to the applicant or to an
/// external address. Messages to persons of the organisation reach them as tasks in the
/// Arbeitskorb and stay in the audit only. `state` is the case after the step.
pub fn outbox_row(state: &State, effect: &Effect) -> Option<NewDelivery> {
    if let Effect::WriteFiling { .. } = effect {
        return Some(NewDelivery {
            kind: DeliveryKind::Filing,
            label: "Veraktung (xdomea) an die E-Akte".into(),
            payload: json!({ "effect": effect }),
        });
    }
    let Effect::SendMessage {
        block,
        visit,
        message,
        to,
        ..
    } = effect
    else {
        return None;
    };
    if !matches!(to, Recipient::Applicant | Recipient::External(_)) {
        return None;
    }
    // The task the message belongs to (a Rückfrage's link answers it, a Zahlung's payment
    // request is recorded for it, a Bescheid's mail delivers it) and its period (reply,
    // payment).
    let task = state.tasks.iter().find(|t| {
        t.block == *block
            && t.visit == *visit
            && matches!(
                t.kind,
                TaskKind::Query | TaskKind::Payment | TaskKind::Notice
            )
    });
    let deadline = task.and_then(|t| {
        state
            .timers
            .iter()
            .find(|x| {
                matches!(x.kind, TimerKind::Antwortfrist | TimerKind::Zahlungsfrist)
                    && x.task.as_deref() == Some(&t.id)
            })
            .map(|x| x.due.to_string())
    });
    let to_whom = match to {
        Recipient::External(_) => "externe Stelle",
        _ => "antragstellende Person",
    };
    // A Rückfrage waits for the clerk, who writes what it asks in the Vorgang
    // (`crate::cases::CaseRuntime::send_query` releases it).
    let held = *message == MessageKind::Rueckfrage && task.is_some();
    Some(NewDelivery {
        kind: DeliveryKind::Mail,
        label: format!("{} an {to_whom}", label(*message)),
        payload: json!({
            "effect": effect,
            "task": task.map(|t| t.id.clone()),
            "deadline": deadline,
            "held": held,
        }),
    })
}

/// Why one delivery attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another attempt (the mail server is down …).
    #[error("{0}")]
    Transient(String),
    /// Another attempt cannot help (no address …): failed at once, a clerk must act.
    #[error("{0}")]
    Permanent(String),
}

impl From<MailError> for DeliveryError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::Address(m) => DeliveryError::Permanent(m),
            other => DeliveryError::Transient(other.to_string()),
        }
    }
}

impl From<crate::db::DbError> for DeliveryError {
    fn from(e: crate::db::DbError) -> Self {
        DeliveryError::Transient(e.to_string())
    }
}

impl From<crate::cases::CaseError> for DeliveryError {
    fn from(e: crate::cases::CaseError) -> Self {
        DeliveryError::Transient(e.to_string())
    }
}

/// The delivery worker. Cheap to clone.
#[derive(Clone)]
pub struct Deliveries {
    db: Database,
    cases: CaseRuntime,
    config: Arc<DeliveryConfig>,
    transport: Arc<MailTransport>,
}

/// Status links live a year past the mail (RFC 3339 text in, the same a year on out; only
/// compared as text, so 29 February needs no care).
fn a_year_later(rfc3339: &str) -> String {
    match rfc3339.get(..4).and_then(|y| y.parse::<u32>().ok()) {
        Some(year) => format!("{:04}{}", year + 1, &rfc3339[4..]),
        None => rfc3339.to_string(),
    }
}

/// A new link token and its page address.
fn new_link(base: &str, page: &str) -> Result<(String, String), DeliveryError> {
    let token = fsutil::secret_token().map_err(|e| DeliveryError::Transient(e.to_string()))?;
    let url = format!("{base}/{page}/{token}");
    Ok((token, url))
}

impl Deliveries {
    pub fn new(
        db: Database,
        cases: CaseRuntime,
        config: DeliveryConfig,
    ) -> Result<Deliveries, MailError> {
        let transport = MailTransport::new(&config)?;
        Ok(Deliveries {
            db,
            cases,
            config: Arc::new(config),
            transport: Arc::new(transport),
        })
    }

    pub fn config(&self) -> &DeliveryConfig {
        &self.config
    }

    /// One round: claims the due rows and delivers them; returns how many left the server.
    pub async fn run_once(&self, limit: i64) -> Result<usize, crate::db::DbError> {
        let now = fsutil::unix_now();
        let lease = i64::try_from(self.config.lease.as_secs()).unwrap_or(300);
        let mut sent = 0;
        for row in self.db.claim_deliveries(now, lease, limit).await? {
            match self.deliver(&row).await {
                Ok(true) => sent += 1,
                Ok(false) => tracing::warn!(delivery = %row.id, "lease lost before recording"),
                Err(e) => {
                    let attempts = row.attempts + 1;
                    let retry_at = match &e {
                        DeliveryError::Transient(_) if attempts < self.config.max_attempts => {
                            let wait = self.config.backoff_after(attempts).as_secs();
                            Some(fsutil::unix_now() + i64::try_from(wait).unwrap_or(3600))
                        }
                        _ => None,
                    };
                    tracing::warn!(delivery = %row.id, attempts, error = %e, retry = retry_at.is_some(), "delivery failed");
                    self.db
                        .delivery_failed(&row.id, row.revision, &e.to_string(), retry_at)
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    /// Runs rounds every `interval` until the task is aborted.
    pub async fn worker(self) {
        loop {
            match self.run_once(100).await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "outputs delivered"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "delivering outputs failed"),
            }
            tokio::time::sleep(self.config.interval).await;
        }
    }

    /// Delivers one claimed row; false when the lease was lost before it was recorded.
    async fn deliver(&self, row: &ClaimedDelivery) -> Result<bool, DeliveryError> {
        match row.kind {
            DeliveryKind::Mail => self.deliver_mail(row).await,
            DeliveryKind::Filing => self.deliver_filing(row).await,
            DeliveryKind::Document => Err(DeliveryError::Permanent(
                "Dokumente stellt dieser Server nicht einzeln zu.".into(),
            )),
        }
    }

    async fn deliver_mail(&self, row: &ClaimedDelivery) -> Result<bool, DeliveryError> {
        let effect: Effect = serde_json::from_value(row.payload["effect"].clone())
            .map_err(|e| DeliveryError::Permanent(format!("Ausgang unlesbar: {e}")))?;
        let Effect::SendMessage { message, to, .. } = &effect else {
            return Err(DeliveryError::Permanent(
                "Ausgang ist keine Nachricht.".into(),
            ));
        };
        let task = row.payload["task"].as_str().map(str::to_string);
        let deadline = row.payload["deadline"].as_str().map(str::to_string);
        let stored =
            self.db.case(&row.case_id).await?.ok_or_else(|| {
                DeliveryError::Permanent("Den Vorgang gibt es nicht mehr.".into())
            })?;
        let state: State = serde_json::from_str(&stored.state)
            .map_err(|e| DeliveryError::Permanent(format!("Vorgang unlesbar: {e}")))?;
        let fields = state.current_fields();
        let address = match to {
            Recipient::External(a) => a.trim().to_string(),
            _ => fields
                .get(APPLICANT_EMAIL_FIELD)
                .and_then(|v| v.as_str())
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
        };
        if address.is_empty() {
            return Err(DeliveryError::Permanent(format!(
                "Keine E-Mail-Adresse: das Fallfeld „{APPLICANT_EMAIL_FIELD}“ ist leer."
            )));
        }
        let w = self
            .cases
            .workflow_of(&stored.summary.workflow, &stored.summary.version)
            .await?;
        let base = self.config.public_url.trim_end_matches('/');
        // Links: only their hashes are stored; the tokens leave in this mail.
        let (status_token, status_url) = new_link(base, applicant_links::STATUS)?;
        let far = a_year_later(&self.cases.clock_now());
        self.db
            .insert_link(
                &crate::db::token_hash(&status_token),
                &row.case_id,
                None,
                LinkPurpose::Status,
                &json!({}),
                &far,
            )
            .await?;
        let mut answer_url = None;
        let mut composed = None;
        let mut deadline = deadline;
        if let (MessageKind::Rueckfrage | MessageKind::Erinnerung, Some(task)) = (message, &task) {
            // What the clerk wrote (and the deadline they set); a reminder repeats the
            // Rückfrage that went out.
            let written = match message {
                MessageKind::Erinnerung => self
                    .db
                    .query_rows(&row.case_id, task)
                    .await?
                    .into_iter()
                    .rev()
                    .map(|r| r.payload)
                    .find(|p| p["question"].is_string()),
                _ => Some(row.payload.clone()).filter(|p| p["question"].is_string()),
            };
            if let Some(d) = written.as_ref().and_then(|p| p["deadline"].as_str()) {
                deadline = Some(d.to_string());
            }
            let written = written.as_ref().and_then(compose::Question::of_payload);
            let (token, url) = new_link(base, applicant_links::RUECKFRAGE)?;
            let expires = match &deadline {
                // The link works until the end of the day the reply period ends.
                Some(d) => format!("{d}T23:59:59Z"),
                None => far.clone(),
            };
            let written_by_clerk = written.is_some();
            let question = match written {
                Some(q) => q,
                None => compose::question(&w, &effect, &fields)
                    .map_err(|e| DeliveryError::Permanent(e.to_string()))?,
            };
            self.db
                .insert_link(
                    &crate::db::token_hash(&token),
                    &row.case_id,
                    Some(task),
                    LinkPurpose::Query,
                    &json!({ "question": question.text, "documents": question.documents,
                             "deadline": deadline }),
                    &expires,
                )
                .await?;
            answer_url = Some(url);
            composed = written_by_clerk.then_some(question);
        }
        let payment = match (message, &task) {
            (MessageKind::Zahlungsaufforderung, Some(task)) => Some(
                self.payment_request(&stored, &effect, task, deadline.as_deref())
                    .await?,
            ),
            (MessageKind::Zahlungsaufforderung, None) => {
                return Err(DeliveryError::Permanent(
                    "Die Zahlung ist nicht mehr offen.".into(),
                ))
            }
            _ => None,
        };
        let (attachments, bekanntgabe) = match message {
            MessageKind::Bescheid => {
                let (pdf, day) = self.bescheid(&stored, &state, &w, &effect).await?;
                (vec![pdf], Some(day))
            }
            _ => (Vec::new(), None),
        };
        let (subject, text) = compose::message(&compose::Input {
            workflow: &w,
            authority: &self.config.authority,
            aktenzeichen: &stored.summary.aktenzeichen,
            effect: &effect,
            fields: &fields,
            status_url: &status_url,
            answer_url: answer_url.as_deref(),
            deadline: deadline.as_deref(),
            payment,
            bekanntgabe,
            question: composed.as_ref(),
        })
        .map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        let mail = mail::build(
            &self.config.mail_from,
            &address,
            (&subject, &text),
            &attachments,
            &row.id,
        )?;
        let left = self.transport.send(&row.id, &mail).await?;
        let audit = NewAudit {
            kind: "mailSent",
            detail: json!({
                "delivery": row.id, "message": message, "to": address,
                "subject": subject, "sha256": left.sha256, "size": left.size,
                "attachments": attachments.iter().map(|a| json!({
                    "file": a.file_name, "sha256": a.sha256, "size": a.bytes.len() })).collect::<Vec<_>>(),
                "bekanntgabe": bekanntgabe.map(|d| d.to_string()),
                "transport": left.transport,
            }),
            account_id: None,
            person_id: None,
        };
        let recorded = self
            .db
            .delivery_sent(
                &row.id,
                row.revision,
                &SentOutput {
                    sha256: left.sha256,
                    size: left.size,
                    audit,
                },
            )
            .await?;
        if recorded && *message == MessageKind::Bescheid {
            if let Some(task) = task.clone() {
                let delivered = Event::NoticeDelivered { task };
                if let Err(e) = self
                    .cases
                    .outside_event(&row.case_id, &delivered, "noticeDelivered")
                    .await
                {
                    tracing::warn!(case = %row.case_id, error = %e, "notice sent, not recorded in the case");
                }
            }
        }
        if recorded && *message == MessageKind::Rueckfrage {
            if let Some(task) = task {
                // The mail left and is recorded; a refusal here (the case moved on) changes
                // nothing about that.
                let sent = Event::QuerySent { task };
                if let Err(e) = self
                    .cases
                    .outside_event(&row.case_id, &sent, "querySent")
                    .await
                {
                    tracing::warn!(case = %row.case_id, error = %e, "query sent, not recorded in the case");
                }
            }
        }
        Ok(recorded)
    }
}
