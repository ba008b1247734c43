//! The one typed configuration of a running instance, built from the command
//! line and `SOLIDARNIST_*` environment variables by [`crate::cli`].

use std::net::SocketAddr;
use std::time::Duration;

/// The database every command uses when none is named: a SQLite file in the
/// working directory, created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://solidarnist.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Clone, Debug)]
pub struct Config {
    /// Where `serve` listens.
    pub addr: SocketAddr,
    /// `sqlite://…` or `postgres://…`; the scheme picks the backend.
    pub database_url: String,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy. Off by
    /// default, because otherwise any client could pick its own IP address and
    /// walk around the per-IP login throttle.
    pub trust_proxy_headers: bool,
    /// Requests handled at once; beyond this the server answers 503 at once
    /// instead of queueing without bound.
    pub max_concurrent_requests: usize,
    /// A request that takes longer than this is cut off.
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The address people reach this instance at, for links in e-mails and
    /// calendar feeds (no trailing slash). `None`: `http://` plus `addr`.
    pub public_url: Option<String>,
    /// Where e-mails go: `smtp://…`/`smtps://…`, or `None` for `.eml` files
    /// in `mail_dir` (for development).
    pub smtp_url: Option<String>,
    pub mail_dir: std::path::PathBuf,
    /// The sender of every e-mail.
    pub mail_from: String,
    /// How often the outbox worker looks for e-mails to send.
    pub outbox_interval: Duration,
    /// How often the scheduler runs the periodic jobs (reminders, renewals,
    /// quiet twinning links).
    pub jobs_interval: Duration,
    /// How often short-link clicks counted in memory are written to the
    /// database (a crash loses at most this much), and how often an instance
    /// looks for links changed by another.
    pub click_flush_interval: Duration,
}

impl Config {
    /// A configuration for tests and tools: loopback, port chosen by the OS.
    pub fn for_database(database_url: impl Into<String>) -> Config {
        Config {
            addr: "127.0.0.1:0".parse().expect("literal address"),
            database_url: database_url.into(),
            trust_proxy_headers: false,
            max_concurrent_requests: 256,
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
            public_url: None,
            smtp_url: None,
            mail_dir: std::env::temp_dir().join("solidarnist-test-mail"),
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            outbox_interval: Duration::from_secs(5),
            jobs_interval: Duration::from_secs(60),
            click_flush_interval: Duration::from_millis(200),
        }
    }
}

pub const DEFAULT_MAIL_FROM: &str = "Solidarnist <solidarnist@localhost>";
