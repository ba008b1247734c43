//! The test harness: starts the real application on port 0 with a database
//! of its own (a temporary SQLite file, or a fresh PostgreSQL database when
//! `SOLIDARNIST_TEST_POSTGRES_URL` is set) and talks to it over HTTP.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use solidarnist::app::App;
use solidarnist::auth::{self, store, Role};
use solidarnist::config::Config;
use solidarnist::db::{Backend, Db};
use solidarnist::directory::model::*;
use solidarnist::directory::store as directory;
use tokio::sync::oneshot;

/// Declares a test that runs once on SQLite and once on PostgreSQL.
macro_rules! db_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            #[cfg_attr(skip_sqlite, ignore = "SOLIDARNIST_TEST_DATABASE=postgres")]
            async fn sqlite() {
                let $app = $crate::helpers::TestApp::spawn(solidarnist::db::Backend::Sqlite).await;
                $body
            }

            #[tokio::test]
            #[cfg_attr(
                not(test_postgres),
                ignore = "SOLIDARNIST_TEST_POSTGRES_URL is not set"
            )]
            #[cfg_attr(
                all(test_postgres, skip_postgres),
                ignore = "SOLIDARNIST_TEST_DATABASE=sqlite"
            )]
            async fn postgres() {
                let $app =
                    $crate::helpers::TestApp::spawn(solidarnist::db::Backend::Postgres).await;
                $body
            }
        }
    };
}
pub(crate) use db_test;

/// Like `db_test!`, for a test that starts the app itself (with settings of
/// its own): the body gets the backend to start it on.
macro_rules! backend_test {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            #[cfg_attr(skip_sqlite, ignore = "SOLIDARNIST_TEST_DATABASE=postgres")]
            async fn sqlite() {
                let $backend = solidarnist::db::Backend::Sqlite;
                $body
            }

            #[tokio::test]
            #[cfg_attr(
                not(test_postgres),
                ignore = "SOLIDARNIST_TEST_POSTGRES_URL is not set"
            )]
            #[cfg_attr(
                all(test_postgres, skip_postgres),
                ignore = "SOLIDARNIST_TEST_DATABASE=sqlite"
            )]
            async fn postgres() {
                let $backend = solidarnist::db::Backend::Postgres;
                $body
            }
        }
    };
}
pub(crate) use backend_test;

/// Starts the app with e-mail going to a real SMTP listener on loopback,
/// and the outbox worker looking every 100 ms.
pub async fn spawn_with_mail(backend: Backend) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::spawn_with(backend, move |c| {
        c.smtp_url = Some(url.clone());
        c.outbox_interval = std::time::Duration::from_millis(100);
    })
    .await;
    (app, sink)
}

pub const PASSWORD: &str = "a long enough test passphrase";

/// Refuses to start a copy of a test on an engine this run leaves out.
/// Such copies are marked ignored when the tests are compiled (`build.rs`
/// reads the same variables), so this fails only a copy run anyway, with
/// `--include-ignored`: a test that did not run must never look passed.
fn require(backend: Backend) {
    let limited = std::env::var("SOLIDARNIST_TEST_DATABASE");
    let left_out = match limited.as_deref() {
        Ok("sqlite") => backend != Backend::Sqlite,
        Ok("postgres") => backend != Backend::Postgres,
        _ => false,
    };
    assert!(
        !left_out,
        "SOLIDARNIST_TEST_DATABASE leaves {} out of this run",
        backend.name()
    );
}

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub database_url: String,
    pub db: Db,
    pub backend: Backend,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<(String, String)>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Starts the app with a changed configuration.
    pub async fn spawn_with(backend: Backend, configure: impl Fn(&mut Config)) -> TestApp {
        require(backend);
        let (url, dir, pg_database) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let server = std::env::var("SOLIDARNIST_TEST_POSTGRES_URL").expect(
                    "SOLIDARNIST_TEST_POSTGRES_URL names a PostgreSQL server for this copy",
                );
                let name = format!("solidarnist_test_{}", auth::random_hex(8));
                on_server(&server, &format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create a test database");
                let (base, _) = server.rsplit_once('/').expect("the URL names a database");
                (format!("{base}/{name}"), None, Some((server.clone(), name)))
            }
        };
        let mut config = Config::for_database(url.clone());
        configure(&mut config);
        let (addr, db, shutdown, server) = start(config).await;
        TestApp {
            addr,
            database_url: url,
            db,
            backend,
            shutdown: Some(shutdown),
            server: Some(server),
            _dir: dir,
            pg_database,
        }
    }

    /// The address the app is served at, as short links print it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and starts a new one on the same database with a
    /// changed configuration.
    pub async fn restart_with(mut self, configure: impl Fn(&mut Config)) -> TestApp {
        self.halt().await;
        self.db.close().await;
        let mut config = Config::for_database(self.database_url.clone());
        configure(&mut config);
        let (addr, db, shutdown, server) = start(config).await;
        self.addr = addr;
        self.db = db;
        self.shutdown = Some(shutdown);
        self.server = Some(server);
        self
    }

    /// A second instance on the same database, as behind a load balancer.
    pub async fn another_instance(&self) -> TestApp {
        let (addr, db, shutdown, server) =
            start(Config::for_database(self.database_url.clone())).await;
        TestApp {
            addr,
            database_url: self.database_url.clone(),
            db,
            backend: self.backend,
            shutdown: Some(shutdown),
            server: Some(server),
            _dir: None,
            pg_database: None,
        }
    }

    /// Stops the server and starts a new one on the same database.
    pub async fn restart(mut self) -> TestApp {
        self.halt().await;
        self.db.close().await;
        let (addr, db, shutdown, server) =
            start(Config::for_database(self.database_url.clone())).await;
        self.addr = addr;
        self.db = db;
        self.shutdown = Some(shutdown);
        self.server = Some(server);
        self
    }

    /// A browser-like client with its own cookies, not signed in.
    pub fn client(&self) -> Client {
        Client {
            base: format!("http://{}", self.addr),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            cookies: Arc::new(Mutex::new(HashMap::new())),
            bearer: None,
        }
    }

    /// Creates an account with this role directly in the database.
    pub async fn user(&self, role: Role, branches: &[BranchId]) -> String {
        let email = format!("{}-{}@test.example", role.as_str(), auth::random_hex(4));
        solidarnist::cli::add_user(&self.db, &email, role.as_str(), branches, None, PASSWORD)
            .await
            .expect("the account is created");
        email
    }

    /// A client signed in through the login form as a new account with this role.
    pub async fn login_as(&self, role: Role, branches: &[BranchId]) -> Client {
        let email = self.user(role, branches).await;
        let client = self.client();
        let response = client.login(&email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login as {email}");
        client
    }

    /// A client that authenticates with an API token of a new account.
    pub async fn api_as(&self, role: Role, branches: &[BranchId]) -> Client {
        let email = self.user(role, branches).await;
        self.api_for(&email).await
    }

    pub async fn api_for(&self, email: &str) -> Client {
        let user = store::find_id_by_email(&self.db, email)
            .await
            .unwrap()
            .unwrap();
        let token = format!("{}{}", auth::TOKEN_PREFIX, auth::random_hex(20));
        store::create_token(&self.db, user, "test", &auth::sha256_hex(&token), None)
            .await
            .unwrap();
        let mut client = self.client();
        client.bearer = Some(token);
        client
    }

    pub async fn union(&self, name: &str, country: Country) -> UnionId {
        let mut tx = self.db.write().await.unwrap();
        let id = directory::insert_union(
            &mut tx,
            &UnionFields {
                name: name.into(),
                name_uk: None,
                country,
                kind: UnionKind::NationalUnion,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    pub async fn branch(&self, union: UnionId, name: &str) -> BranchId {
        let mut tx = self.db.write().await.unwrap();
        let id = directory::insert_branch(
            &mut tx,
            &BranchFields {
                union_id: union,
                name: name.into(),
                name_uk: None,
                region: "Wales".into(),
                sector: Sector::Health,
                size_band: SizeBand::From250,
                languages: vec!["en".into()],
                wished_region: String::new(),
                at_risk: false,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    pub async fn person(&self, branch: Option<BranchId>, name: &str, at_risk: bool) -> PersonId {
        let mut tx = self.db.write().await.unwrap();
        let id = directory::insert_person(
            &mut tx,
            &PersonFields {
                branch_id: branch,
                name: name.into(),
                email: Some(format!("{}@people.example", auth::random_hex(4))),
                phone: None,
                role: BranchRole::Secretary,
                at_risk,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn halt(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // Drop the test's PostgreSQL database from a thread of its own, since
        // Drop cannot wait on the test's runtime.
        if let Some((server, name)) = self.pg_database.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = on_server(&server, &drop).await;
                });
            })
            .join();
        }
    }
}

/// Runs one statement on the PostgreSQL test server itself (creating and
/// dropping the tests' databases), outside any app.
async fn on_server(server: &str, statement: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(server).await?;
    sqlx::query(statement).execute(&mut conn).await?;
    conn.close().await
}

async fn start(
    config: Config,
) -> (
    std::net::SocketAddr,
    Db,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let app = App::build(config).await.expect("the app starts");
    let addr = app.local_addr();
    let db = app.state().db.clone();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        app.run(async {
            let _ = rx.await;
        })
        .await
        .expect("the server runs");
    });
    (addr, db, tx, server)
}

/// An HTTP client that keeps its cookies like a browser (including the
/// `__Host-` ones, which need HTTPS in a real browser except on localhost).
#[derive(Clone)]
pub struct Client {
    pub base: String,
    http: reqwest::Client,
    cookies: Arc<Mutex<HashMap<String, String>>>,
    pub bearer: Option<String>,
}

impl Client {
    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        let jar = self.cookies.lock().unwrap();
        if !jar.is_empty() {
            let cookie = jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            h.insert(COOKIE, HeaderValue::from_str(&cookie).unwrap());
        }
        if let Some(token) = &self.bearer {
            h.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            );
        }
        h
    }

    fn keep_cookies(&self, response: &Response) {
        let mut jar = self.cookies.lock().unwrap();
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        extra: HeaderMap,
        body: Option<Body>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .headers(self.headers())
            .headers(extra);
        match body {
            Some(Body::Form(fields)) => request = request.form(&fields),
            Some(Body::Json(value)) => request = request.json(&value),
            Some(Body::Raw(content_type, bytes)) => {
                request = request.header("content-type", content_type).body(bytes);
            }
            None => {}
        }
        let response = request.send().await.expect("the request is answered");
        self.keep_cookies(&response);
        response
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, HeaderMap::new(), None)
            .await
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The CSRF token the site's forms carry for this client, read from a page.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get_text("/").await;
        extract_csrf(&html).expect("the page has a CSRF field")
    }

    /// Posts a form with its CSRF token, as a browser would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut all: Vec<(String, String)> = vec![("_csrf".into(), token)];
        all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.request(Method::POST, path, HeaderMap::new(), Some(Body::Form(all)))
            .await
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let all = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.request(Method::POST, path, HeaderMap::new(), Some(Body::Form(all)))
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_form(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }

    pub async fn json(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .request(method, path, HeaderMap::new(), Some(Body::Json(body)))
            .await;
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn delete(&self, path: &str) -> StatusCode {
        self.request(Method::DELETE, path, HeaderMap::new(), None)
            .await
            .status()
    }
}

pub enum Body {
    Form(Vec<(String, String)>),
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The ids of the records in a list response.
pub fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// A real SMTP server on loopback that accepts every message and keeps it.
#[derive(Clone, Default)]
pub struct SmtpSink {
    pub port: u16,
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = serve_smtp(stream, kept).await;
                });
            }
        });
        SmtpSink { port, messages }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages arrived (or ten seconds passed).
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.received()
    }
}

async fn serve_smtp(
    stream: tokio::net::TcpStream,
    kept: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    while let Some(line) = lines.next_line().await? {
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                write
                    .write_all(b"250-sink.test\r\n250 8BITMIME\r\n")
                    .await?
            }
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => write.write_all(b"250 OK\r\n").await?,
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut message = String::new();
                while let Some(l) = lines.next_line().await? {
                    if l == "." {
                        break;
                    }
                    message.push_str(l.strip_prefix('.').unwrap_or(&l));
                    message.push('\n');
                }
                kept.lock().unwrap().push(message);
                write.write_all(b"250 queued\r\n").await?;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 unknown\r\n").await?,
        }
    }
    Ok(())
}

/// Decodes a quoted-printable or base64 mail body enough to search it.
pub fn mail_text(raw: &str) -> String {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    let head = head.replace("\n ", " ").replace("\n\t", " ");
    let mut subject = String::new();
    for line in head.lines() {
        if let Some(s) = line.strip_prefix("Subject: ") {
            subject = decode_words(s);
        }
    }
    let body = if head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        use base64_decode::decode;
        String::from_utf8_lossy(&decode(&body.replace(['\n', '\r'], ""))).into_owned()
    } else if head.to_ascii_lowercase().contains("quoted-printable") {
        quoted_printable(body)
    } else {
        body.to_owned()
    };
    format!("{subject}\n{body}")
}

fn quoted_printable(s: &str) -> String {
    let joined = s.replace("=\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 2047 encoded words in a header (`=?utf-8?b?…?=`).
fn decode_words(s: &str) -> String {
    let mut out = String::new();
    for word in s.split_whitespace() {
        if let Some(inner) = word.strip_prefix("=?").and_then(|w| w.strip_suffix("?=")) {
            let parts: Vec<&str> = inner.splitn(3, '?').collect();
            if parts.len() == 3 && parts[1].eq_ignore_ascii_case("b") {
                out.push_str(&String::from_utf8_lossy(&base64_decode::decode(parts[2])));
                continue;
            }
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A small base64 decoder, so the tests need no crate for it.
pub mod base64_decode {
    pub fn decode(s: &str) -> Vec<u8> {
        const TABLE: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let mut buf = 0u32;
        let mut bits = 0;
        for c in s.bytes() {
            let Some(v) = TABLE.iter().position(|&t| t == c) else {
                continue;
            };
            buf = (buf << 6) | v as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
                buf &= (1 << bits) - 1;
            }
        }
        out
    }
}

impl TestApp {
    /// A speaker profile, linked to the account `user_email` if given.
    pub async fn speaker(
        &self,
        name: &str,
        user_email: Option<&str>,
        languages: &[&str],
    ) -> solidarnist::speakers::SpeakerId {
        use solidarnist::speakers::model::SpeakerFields;
        let user = match user_email {
            Some(e) => store::find_id_by_email(&self.db, e).await.unwrap(),
            None => None,
        };
        let fields = SpeakerFields {
            name: name.into(),
            email: Some(format!("{}@speakers.example", auth::random_hex(4))),
            bio: String::new(),
            languages: languages.iter().map(|l| l.to_string()).collect(),
            topics: vec!["energy".into(), "rescue workers".into()],
            time_zone: "Europe/Kyiv".into(),
            online: true,
            in_person: false,
            regions: vec![],
            lang: if languages.contains(&"en") {
                solidarnist::i18n::Lang::En
            } else {
                solidarnist::i18n::Lang::Uk
            },
        };
        let mut tx = self.db.write().await.unwrap();
        let id = solidarnist::speakers::store::insert_speaker(
            &mut tx,
            &fields,
            user,
            &auth::random_hex(16),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A request at `branch`, starting `hours_from_now`, offered to
    /// `speaker` when one is given.
    pub async fn speaker_request(
        &self,
        branch: BranchId,
        hours_from_now: i64,
        speaker: Option<solidarnist::speakers::SpeakerId>,
    ) -> solidarnist::speakers::RequestId {
        use solidarnist::speakers::model::*;
        use solidarnist::speakers::store as speakers;
        let start =
            jiff::Timestamp::from_second(solidarnist::common::clock::now() + hours_from_now * 3600)
                .unwrap();
        let fields = RequestFields {
            branch_id: Some(branch),
            contact_name: String::new(),
            contact_email: None,
            branch_text: String::new(),
            planned: PlannedTime {
                starts_at: start,
                zone: jiff::tz::TimeZone::get("Europe/London").unwrap(),
                zone_name: "Europe/London".into(),
                duration_minutes: 60,
            },
            format: Format::Online,
            place: String::new(),
            meeting_link: String::new(),
            audience: None,
            interpretation: true,
            topics: vec!["energy".into()],
            notes: String::new(),
        };
        let mut tx = self.db.write().await.unwrap();
        let id = speakers::insert_request(&mut tx, &fields, None)
            .await
            .unwrap();
        if let Some(s) = speaker {
            speakers::move_request(
                &mut tx,
                id,
                Status::Requested,
                Status::Offered,
                Some(s),
                None,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        id
    }

    /// A proposed link between a British and a Ukrainian branch.
    pub async fn twinning(&self, gb: BranchId, ua: BranchId) -> solidarnist::twinning::TwinningId {
        let mut tx = self.db.write().await.unwrap();
        let id = solidarnist::twinning::store::insert_link(&mut tx, gb, ua, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// An open need of a Ukrainian branch.
    pub async fn need(&self, branch: BranchId) -> solidarnist::twinning::NeedId {
        use solidarnist::twinning::model::{NeedFields, Urgency};
        let fields = NeedFields {
            branch_id: branch,
            title: "Two thermal imagers".into(),
            description: String::new(),
            quantity: 2,
            cost: None,
            urgency: Urgency::Urgent,
        };
        let mut tx = self.db.write().await.unwrap();
        let id = solidarnist::twinning::store::insert_need(&mut tx, &fields)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// An open appeal with a pledge from `branch`: (appeal id, donation id).
    pub async fn appeal_with_pledge(&self, branch: BranchId) -> (i64, i64) {
        use solidarnist::appeals::model::*;
        use solidarnist::money::{Currency, Money};
        let fields = AppealFields {
            slug: format!("appeal-{}", auth::random_hex(4)),
            title: "Test appeal".into(),
            title_uk: None,
            description: String::new(),
            description_uk: String::new(),
            beneficiary: "Rescue workers".into(),
            target: Money {
                amount_minor: 100_000,
                currency: Currency::GBP,
            },
            opens_on: None,
            closes_on: None,
            donate_url: String::new(),
            status: AppealStatus::Open,
        };
        let mut tx = self.db.write().await.unwrap();
        let appeal = solidarnist::appeals::store::insert_appeal(&mut tx, &fields)
            .await
            .unwrap();
        let pledge = DonationFields {
            amount: Money {
                amount_minor: 2_500,
                currency: Currency::GBP,
            },
            branch_id: Some(branch),
            donor_name: String::new(),
            status: DonationStatus::Pledged,
            received_on: None,
            reference: String::new(),
            notes: String::new(),
        };
        let donation =
            solidarnist::appeals::store::insert_donation(&mut tx, appeal, &pledge, None, None)
                .await
                .unwrap();
        solidarnist::appeals::store::apply_delta(
            &mut tx,
            appeal,
            Currency::GBP,
            delta(None, DonationStatus::Pledged, 2_500),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (appeal.0, donation.0)
    }

    /// An application to affiliate, as a visitor would make it.
    /// A statement in English with a Ukrainian translation: its id.
    pub async fn statement(&self) -> i64 {
        let input = solidarnist::statements::model::StatementInput {
            title: Some(format!("Statement {}", solidarnist::auth::random_hex(4))),
            body: Some("We stand with Ukrainian workers.".into()),
            title_uk: Some("Заява".into()),
            body_uk: Some("Ми з українськими працівниками.".into()),
            source: Some("The campaign".into()),
            ..Default::default()
        };
        solidarnist::statements::actions::create(&self.db, &input)
            .await
            .unwrap()
            .id
            .0
    }

    /// A short link to an outside page: its id and slug.
    pub async fn short_link(&self) -> (i64, String) {
        let input = solidarnist::links::model::LinkInput {
            slug: Some(format!("leaflet-{}", solidarnist::auth::random_hex(4))),
            target_url: Some("https://donate.example/donetsk".into()),
            ..Default::default()
        };
        let link = solidarnist::links::actions::create(
            &self.db,
            &solidarnist::auth::Principal::Anonymous,
            &input,
        )
        .await
        .unwrap();
        (link.id.0, link.slug)
    }

    pub async fn affiliation(&self) -> i64 {
        let input = solidarnist::affiliations::model::ApplicationInput {
            kind: Some("branch".into()),
            organisation: Some(format!("Applicant {}", solidarnist::auth::random_hex(4))),
            union_name: Some("UNISON".into()),
            members: Some(solidarnist::common::input::Loose::Int(120)),
            contact_name: Some("Applicant".into()),
            contact_email: Some("applicant@test.example".into()),
        };
        solidarnist::affiliations::actions::apply(
            &self.db,
            &input,
            solidarnist::i18n::Lang::En,
            "http://s.test",
        )
        .await
        .unwrap()
        .id
        .0
    }

    /// The e-mails queued so far, newest first.
    pub async fn outbox(&self) -> Vec<solidarnist::outbox::store::Entry> {
        solidarnist::outbox::store::recent(&self.db, 500)
            .await
            .unwrap()
    }
}
