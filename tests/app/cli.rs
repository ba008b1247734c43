//! The `solidarnist` binary itself: the commands of the interface contract,
//! run as a person or a script would run them.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::db_test;

fn solidarnist(database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_solidarnist"));
    cmd.env("SOLIDARNIST_DATABASE_URL", database_url)
        .env("RUST_LOG", "info");
    cmd
}

fn user_add(database_url: &str, email: &str, role: &str, password: &str) -> std::process::Output {
    let mut child = solidarnist(database_url)
        .args([
            "user",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

db_test!(user_add_and_token_create_work_as_the_contract_says, |app| {
    let url = app.database_url.clone();
    let out = user_add(
        &url,
        "cli-coordinator@test.example",
        "coordinator",
        "a passphrase from a script",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = user_add(&url, "cli-other@test.example", "coordinator", "short");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8 characters"));

    let out = solidarnist(&url)
        .args([
            "token",
            "create",
            "--email",
            "cli-coordinator@test.example",
            "--name",
            "script",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_owned();
    assert!(
        token.starts_with("sol_") && !token.contains(' '),
        "the token is alone on the last line: {stdout:?}"
    );

    let mut client = app.client();
    client.bearer = Some(token);
    let (status, _) = client.get_json("/api/v1/unions").await;
    assert_eq!(status, StatusCode::OK);
});

db_test!(import_reports_bad_rows_and_exits_nonzero, |app| {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unions.csv");
    std::fs::write(
        &file,
        "name,name_uk,country,kind\nGood,,GB,national_union\nBad,,XX,national_union\n",
    )
    .unwrap();
    let out = solidarnist(&app.database_url)
        .args(["import", "unions"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3, country"), "{stderr}");
    assert!(stderr.contains("nothing was imported"));

    std::fs::write(
        &file,
        "name,name_uk,country,kind\nGood,,GB,national_union\n",
    )
    .unwrap();
    let out = solidarnist(&app.database_url)
        .args(["import", "unions"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = solidarnist(&app.database_url)
        .args(["export", "unions"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Good,,GB,national_union"));
});

/// Starts `serve` on a free port and returns the child and its address.
fn serve(database_url: &str, extra: &[&str]) -> (std::process::Child, String, Vec<String>) {
    let mut child = solidarnist(database_url)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        lines.push(line.clone());
        if let Some(rest) = line.strip_prefix("Solidarnist is listening on http://") {
            let addr = rest.split(' ').next().unwrap().to_owned();
            return (child, addr, lines);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve never said where it listens: {lines:?}");
}

fn stop(mut child: std::process::Child) -> String {
    // SIGTERM, as a service manager would send.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

#[tokio::test]
#[cfg_attr(skip_sqlite, ignore = "SOLIDARNIST_TEST_DATABASE=postgres")]
async fn serve_prints_a_setup_link_answers_health_and_keeps_secrets_out_of_logs() {
    let app = crate::helpers::TestApp::spawn(solidarnist::db::Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let (child, addr, lines) = serve(&url, &[]);
    let setup = lines
        .iter()
        .find(|l| l.contains("/setup?token="))
        .expect("a setup link on a database without an admin");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let health: serde_json::Value = http
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");
    let link = setup.trim().replace(&format!("http://{addr}"), "");
    assert_eq!(
        http.get(format!("http://{addr}{link}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // A failed login with a canary password: logged as a failure, the canary nowhere.
    let out = user_add(
        &url,
        "canary@test.example",
        "coordinator",
        "the right passphrase",
    );
    assert!(out.status.success());
    let page = http
        .get(format!("http://{addr}/login"))
        .send()
        .await
        .unwrap();
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let csrf = crate::helpers::extract_csrf(&html).unwrap();
    let response = http
        .post(format!("http://{addr}/login"))
        .header("cookie", &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "canary@test.example"),
            ("password", "canary-secret-5d1e"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let stderr = stop(child);
    assert!(stderr.contains("authentication failed"), "{stderr}");
    assert!(stderr.contains("/login"), "the route is logged");
    for secret in [
        "canary-secret-5d1e",
        "the right passphrase",
        &csrf,
        &cookie[cookie.find('=').unwrap() + 1..],
    ] {
        assert!(!stderr.contains(secret), "a secret reached the log");
    }
    assert!(
        !stderr.contains(link.trim_start_matches("/setup?token=")),
        "the setup token stays out of the log"
    );
    drop(app);
}

#[tokio::test]
async fn serve_demo_prints_a_login_for_each_role() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let (child, addr, lines) = serve(&url, &["--demo"]);
    let text = lines.join("\n");
    assert!(text.contains("fictional"));
    for role in ["admin", "coordinator", "branch_officer", "speaker"] {
        assert!(
            lines.iter().any(|l| l.trim_start().starts_with(role)),
            "{role} login printed: {text}"
        );
    }
    assert!(!text.contains("/setup?token="), "the demo has its admin");
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("http://{addr}/"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    stop(child);
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let (child, addr, _) = serve(&url, &[]);
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // Half a request is in flight when the signal arrives…
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // …and it is still answered.
    stream
        .write_all(b"Connection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stop(child);
}

// A flag with a value out of range, or a kind that does not exist, is an
// error that says what is allowed, never quietly changed into something else.
#[tokio::test]
async fn bad_flag_values_are_refused_with_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("flags.db").display());
    for (args, expected) in [
        (vec!["serve", "--click-flush-ms", "5"], "10..=60000"),
        (
            vec!["serve", "--max-concurrent-requests", "0"],
            "1..=100000",
        ),
        (vec!["serve", "--request-timeout", "0"], "1..=3600"),
        (
            vec!["import", "donors", "x.csv"],
            "unions, branches, people, donations",
        ),
        (
            vec!["export", "everything"],
            "unions, branches, people, donations",
        ),
    ] {
        let out = solidarnist(&url).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert!(
        !dir.path().join("flags.db").exists(),
        "a refused command touches no database"
    );
}

// Contacts of people at risk leave the database only when asked for by
// name, into a file only its owner can read, and the audit log says so.
db_test!(exporting_people_at_risk_is_private_and_audited, |app| {
    use sqlx::Row;
    let union = app
        .union("FPU", solidarnist::directory::model::Country::Ua)
        .await;
    let branch = app.branch(union, "Near the front").await;
    let person = app.person(Some(branch), "Partner At Risk", true).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    // Already there, readable by everyone: the export makes it private.
    std::fs::write(&file, "old").unwrap();
    let audited = || async {
        sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'export_at_risk' AND detail LIKE $1")
            .bind(format!("person={person} %"))
            .fetch_one(app.db.read())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap()
    };
    let export = |extra: &[&str]| {
        let out = solidarnist(&app.database_url)
            .args(["export", "people", "--output"])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(&file).unwrap()
    };
    let without = export(&[]);
    assert!(without.contains("Partner At Risk") && !without.contains('@'));
    assert_eq!(audited().await, 0, "nothing at risk left the database");
    let with = export(&["--include-at-risk"]);
    assert!(with.contains("@people.example"), "{with}");
    assert_eq!(audited().await, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
});

// A command that only reads never makes a database: a mistyped path is an
// error that says so, and no file appears.
#[test]
fn read_only_commands_never_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("mistyped.db");
    let url = format!("sqlite://{}", missing.display());
    for args in [
        vec!["check"],
        vec!["export", "people"],
        vec!["export", "donations"],
        vec!["token", "list", "--email", "someone@test.example"],
    ] {
        let out = solidarnist(&url).args(&args).output().unwrap();
        assert!(
            !out.status.success(),
            "{args:?} succeeded on a missing database"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("cannot open the database"),
            "{args:?}: {stderr}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
}

// A backup taken while donations pour in restores into the other engine
// (SQLite into PostgreSQL, PostgreSQL into SQLite) with every table
// identical to the moment it was taken, and every donation acknowledged
// before it started in it; `check` passes there; a second restore into
// the now full database is refused.
db_test!(
    a_backup_taken_during_writes_restores_into_the_other_engine,
    |app| {
        use reqwest::header::HeaderMap;
        use reqwest::Method;
        use solidarnist::auth::Role;
        use solidarnist::db::Backend;
        let union = app
            .union("Backup union", solidarnist::directory::model::Country::Ua)
            .await;
        let branch = app.branch(union, "Backup branch").await;
        app.person(Some(branch), "Партнерка Backup", true).await;
        let (appeal, _) = app.appeal_with_pledge(branch).await;
        app.short_link().await;
        app.statement().await;
        let api = app.api_as(Role::Coordinator, &[]).await;

        // Donations keep arriving while the backup runs.
        let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(
            i64,
            std::time::Instant,
        )>::new()));
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..60 {
            let (api, acknowledged) = (api.clone(), acknowledged.clone());
            burst.spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(5 * i)).await;
                let mut headers = HeaderMap::new();
                headers.insert("idempotency-key", format!("burst-{i}").parse().unwrap());
                let r = api
                    .request(
                        Method::POST,
                        &format!("/api/v1/appeals/{appeal}/donations"),
                        headers,
                        Some(crate::helpers::Body::Json(serde_json::json!({
                            "amount": {"amount_minor": 100 + i as i64, "currency": "UAH"},
                            "donor_name": format!("Burst donor {i}")
                        }))),
                    )
                    .await;
                if r.status().is_success() {
                    let body: serde_json::Value = r.json().await.unwrap();
                    acknowledged
                        .lock()
                        .unwrap()
                        .push((body["id"].as_i64().unwrap(), std::time::Instant::now()));
                }
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("campaign.backup");
        let started = std::time::Instant::now();
        let (url, path) = (app.database_url.clone(), file.clone());
        let out = tokio::task::spawn_blocking(move || {
            solidarnist(&url).arg("backup").arg(&path).output().unwrap()
        })
        .await
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        while burst.join_next().await.is_some() {}
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a backup holds personal data: {mode:o}");
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let header: solidarnist::db::backup::Header =
            serde_json::from_str(text.lines().next().unwrap()).unwrap();
        let before: Vec<i64> = acknowledged
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, at)| *at < started)
            .map(|(id, _)| *id)
            .collect();
        assert!(
            !before.is_empty(),
            "some donations were acknowledged before the backup"
        );

        // Into the other engine (SQLite again when no PostgreSQL is configured).
        let other = match app.backend {
            Backend::Sqlite if std::env::var("SOLIDARNIST_TEST_POSTGRES_URL").is_ok() => {
                Backend::Postgres
            }
            _ => Backend::Sqlite,
        };
        let target = crate::helpers::TestApp::spawn(other).await;
        let out = solidarnist(&target.database_url)
            .arg("restore")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let restored = solidarnist::db::backup::checksums(&target.db)
            .await
            .unwrap();
        assert_eq!(restored, header.tables, "every table as it was backed up");
        let donations = header
            .tables
            .iter()
            .find(|t| t.name == "donations")
            .unwrap();
        assert!(
            donations.rows > before.len() as u64,
            "the pledge and the burst"
        );
        use sqlx::Row;
        for id in &before {
            let found = sqlx::query("SELECT COUNT(*) AS n FROM donations WHERE id = $1")
                .bind(id)
                .fetch_one(target.db.read())
                .await
                .unwrap()
                .try_get::<i64, _>("n")
                .unwrap();
            assert_eq!(
                found, 1,
                "donation {id} was acknowledged before the backup began"
            );
        }
        let out = solidarnist(&target.database_url)
            .arg("check")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        // New records on the target get new ids, past the restored ones.
        let (status, body) = target
        .api_as(Role::Coordinator, &[])
        .await
        .json(
            Method::POST,
            "/api/v1/unions",
            serde_json::json!({"name": "After restore", "country": "GB", "kind": "national_union"}),
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
        // Never into a database that holds a campaign.
        let out = solidarnist(&target.database_url)
            .arg("restore")
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    }
);

// An administrator upgrading checks which version is installed.
#[test]
fn version_says_which_release_is_installed() {
    let out = solidarnist("sqlite://unused.db")
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim(),
        format!("solidarnist {}", env!("CARGO_PKG_VERSION"))
    );
}
