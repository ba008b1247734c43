//! The outbox: every e-mail is written to the `outbox` table in the same
//! transaction as the change that caused it, and a background worker sends
//! it afterwards, over SMTP or, for development, into a folder of files.
//!
//! Several instances may run the worker against one database. A worker
//! claims due rows by writing its name and a lease into them, with the
//! "not claimed, or lease expired" condition in the `UPDATE`'s own `WHERE`:
//! PostgreSQL re-checks that condition on the locked row before updating
//! it, and SQLite runs writers one at a time, so each row goes to exactly
//! one worker on both engines. A worker that dies mid-send loses its lease
//! and the row is tried again: delivery is at least once, never twice
//! while the worker lives.

pub mod pages;
pub mod store;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::{Conn, Db, DbError};
use crate::i18n::Lang;

/// An e-mail to queue.
#[derive(Clone, Debug)]
pub struct Mail {
    /// What the e-mail is about (`offer`, `confirmation`, …), for the log.
    pub kind: &'static str,
    pub to: String,
    pub lang: Lang,
    pub subject: String,
    pub body: String,
}

/// Queues an e-mail inside the caller's transaction.
pub async fn enqueue(conn: &mut Conn, mail: &Mail) -> Result<(), DbError> {
    store::insert(conn, mail).await
}

/// How e-mails leave.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Each e-mail as an `.eml` file in this folder.
    Files(PathBuf),
}

impl Transport {
    /// `smtp://user:pass@host:port` (`?tls=required` for STARTTLS) or
    /// `smtps://…`; without a URL, files in `mail_dir`.
    pub fn from_config(smtp_url: Option<&str>, mail_dir: PathBuf) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Transport::Smtp(b.timeout(Some(Duration::from_secs(30))).build()))
                .map_err(|e| format!("SMTP URL: {e}")),
            None => Ok(Transport::Files(mail_dir)),
        }
    }

    async fn send(&self, message: Message, id: i64) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                let path = dir.join(format!("{id:08}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// The worker's settings.
#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub transport: Transport,
    /// The sender of every e-mail.
    pub from: Mailbox,
    /// How often to look for due e-mails.
    pub interval: Duration,
    /// This worker's name in claims: unique per process.
    pub name: String,
}

/// Attempts before an e-mail is given up on (and shown as failed).
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claim lasts; longer than any one send takes.
const LEASE_SECS: i64 = 120;
const BATCH: i64 = 20;

/// Seconds to wait before attempt `n` (1-based) is retried: 30 s, 2 min,
/// 8 min, … capped at 6 hours.
pub fn backoff(attempts: i64) -> i64 {
    let exp = (attempts.clamp(1, 10) - 1) as u32;
    (30 * 4i64.pow(exp)).min(6 * 60 * 60)
}

impl Worker {
    /// Sends what is queued, every `interval`, until the task is dropped.
    pub async fn run(self) {
        let mut tick = crate::common::clock::every(self.interval);
        loop {
            tick.tick().await;
            if let Err(e) = self.send_due().await {
                tracing::warn!(error = %e, "outbox pass failed");
            }
        }
    }

    /// Claims and sends one batch of due e-mails; returns how many were sent.
    pub async fn send_due(&self) -> Result<usize, DbError> {
        let now = crate::common::clock::now();
        let claimed = store::claim(&self.db, &self.name, now, now + LEASE_SECS, BATCH).await?;
        let mut sent = 0;
        for row in claimed {
            let result = match self.message(&row) {
                Ok(message) => self.transport.send(message, row.id).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    store::mark_sent(&self.db, row.id, &self.name).await?;
                    tracing::info!(id = row.id, kind = %row.kind, "e-mail sent");
                    sent += 1;
                }
                Err(error) => {
                    let attempts = row.attempts + 1;
                    let give_up = attempts >= MAX_ATTEMPTS;
                    let next = crate::common::clock::now() + backoff(attempts);
                    store::mark_failed(
                        &self.db, row.id, &self.name, attempts, next, give_up, &error,
                    )
                    .await?;
                    tracing::warn!(id = row.id, kind = %row.kind, attempts, give_up, %error, "e-mail not sent");
                }
            }
        }
        Ok(sent)
    }

    fn message(&self, row: &store::Queued) -> Result<Message, String> {
        let to: Mailbox = row
            .to_address
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn retries_back_off_and_level_out() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 120);
        assert_eq!(backoff(3), 480);
        assert_eq!(backoff(9), 6 * 60 * 60);
        assert_eq!(backoff(100), 6 * 60 * 60);
    }
}
