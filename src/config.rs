//! The one typed configuration of a running instance, built from the command
//! line and `SOLIDARNIST_*` environment variables by [`crate::cli`].

use std::net::SocketAddr;
use std::time::Duration;

/// The database every command uses when none is named: a SQLite file in the
/// working directory, created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://solidarnist.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// `Debug` shows every setting but the secrets: a URL's password becomes
/// `***` (see [`redacted`]).
#[derive(Clone)]
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
    /// A client must send a request's headers within this time after it
    /// connects or finishes its last request (slow or silent clients are
    /// closed).
    pub header_timeout: Duration,
    /// Connections open at once; beyond this new ones wait in the
    /// operating system's queue instead of using up file descriptors.
    pub max_connections: usize,
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

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &redacted(&self.database_url))
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("request_timeout", &self.request_timeout)
            .field("header_timeout", &self.header_timeout)
            .field("max_connections", &self.max_connections)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redacted))
            .field("mail_dir", &self.mail_dir)
            .field("mail_from", &self.mail_from)
            .field("outbox_interval", &self.outbox_interval)
            .field("jobs_interval", &self.jobs_interval)
            .field("click_flush_interval", &self.click_flush_interval)
            .finish()
    }
}

/// A URL with the password of its user part replaced by `***`
/// (`postgres://app:***@db/solidarnist`).
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = match userinfo.split_once(':') {
                Some((name, _password)) => format!("{name}:***"),
                None => userinfo.to_owned(),
            };
            format!("{scheme}://{user}@{host}{path}")
        }
        None => url.to_owned(),
    }
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
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_debug() {
        assert_eq!(
            redacted("postgres://app:s3cret@db.internal:5432/solidarnist?sslmode=require"),
            "postgres://app:***@db.internal:5432/solidarnist?sslmode=require"
        );
        assert_eq!(
            redacted("smtps://mailer@mail.example:465"),
            "smtps://mailer@mail.example:465"
        );
        assert_eq!(
            redacted("sqlite://solidarnist.db"),
            "sqlite://solidarnist.db"
        );
        let mut config = Config::for_database("postgres://app:s3cret@db/x");
        config.smtp_url = Some("smtp://u:pa55@mail.example:587?tls=required".into());
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("pa55"),
            "{shown}"
        );
        assert!(shown.contains("app:***@db"), "{shown}");
    }
}
