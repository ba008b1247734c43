//! The `solidarnist` command line. Every flag can also be set from the
//! environment as `SOLIDARNIST_<FLAG>`; secrets can come from a file named
//! by `SOLIDARNIST_<FLAG>_FILE`.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accounts::actions::NewAccount;
use crate::app::{shutdown_signal, App};
use crate::auth::{self, store};
use crate::common::ids::BranchId;
use crate::config::{Config, DEFAULT_ADDR, DEFAULT_DATABASE_URL};
use crate::db::Db;
use crate::directory;
use crate::directory::csv::Kind;

// The arguments hold secrets (a database URL with its password, the SMTP
// URL), so none of these derive Debug: nothing can print them by mistake.
#[derive(Parser)]
#[command(
    name = "solidarnist",
    version,
    about = "Run a labour-movement Ukraine solidarity campaign"
)]
struct Cli {
    /// Log format: plain text for people, JSON for log collectors.
    #[arg(
        long,
        global = true,
        env = "SOLIDARNIST_LOG_FORMAT",
        default_value = "plain"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LogFormat {
    Plain,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the web application.
    Serve(ServeArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import unions, branches or people from a CSV file (all or nothing),
    /// or donations (in batches; run it again to resume).
    Import {
        kind: DataKind,
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Recompute kept totals from their rows and report any difference (exit 1 if one is found).
    Check {
        #[command(flatten)]
        db: DbArgs,
    },
    /// A consistent copy of the whole database, taken while it serves, in
    /// one file either engine can restore (written readable by you only).
    Backup {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load a backup into an empty database of either engine (SQLite to
    /// PostgreSQL is how an instance outgrows one machine).
    Restore {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Export unions, branches, people or donations as CSV.
    Export {
        kind: DataKind,
        /// Donations: only this appeal's (its id or slug).
        #[arg(long)]
        appeal: Option<String>,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Include contact details of people marked at risk (left out by default).
        #[arg(long)]
        include_at_risk: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// What an import or export reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DataKind {
    Unions,
    Branches,
    People,
    /// Donations and pledges, for the treasurer.
    Donations,
}

impl DataKind {
    /// The directory's kind, or `None` for donations.
    fn directory(self) -> Option<Kind> {
        match self {
            DataKind::Unions => Some(Kind::Unions),
            DataKind::Branches => Some(Kind::Branches),
            DataKind::People => Some(Kind::People),
            DataKind::Donations => None,
        }
    }
}

#[derive(Args)]
struct DbArgs {
    /// sqlite://FILE or postgres://USER@HOST/DB [default: sqlite://solidarnist.db]
    #[arg(long, env = "SOLIDARNIST_DATABASE_URL")]
    database_url: Option<String>,
}

impl DbArgs {
    /// The flag, else the environment, else a file named by
    /// `SOLIDARNIST_DATABASE_URL_FILE` (for a URL with a password), else the default.
    fn url(&self) -> Result<String, String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        if let Ok(path) = std::env::var("SOLIDARNIST_DATABASE_URL_FILE") {
            return std::fs::read_to_string(&path)
                .map(|s| s.trim().to_owned())
                .map_err(|e| format!("cannot read SOLIDARNIST_DATABASE_URL_FILE ({path}): {e}"));
        }
        Ok(DEFAULT_DATABASE_URL.to_owned())
    }
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SOLIDARNIST_ADDR", default_value = DEFAULT_ADDR)]
    addr: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
    /// Load the fictional demo data set into an empty database and print its logins.
    #[arg(long, env = "SOLIDARNIST_DEMO")]
    demo: bool,
    /// Trust X-Forwarded-For and X-Forwarded-Proto (only behind your own reverse proxy).
    #[arg(long, env = "SOLIDARNIST_TRUST_PROXY_HEADERS")]
    trust_proxy_headers: bool,
    /// Requests served at once (1–100000); more get 503 straight away.
    #[arg(
        long,
        env = "SOLIDARNIST_MAX_CONCURRENT_REQUESTS",
        default_value_t = 512,
        value_parser = clap::value_parser!(u32).range(1..=100_000)
    )]
    max_concurrent_requests: u32,
    /// Connections open at once (16–1000000); more wait to be accepted.
    #[arg(
        long,
        env = "SOLIDARNIST_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_parser = clap::value_parser!(u32).range(16..=1_000_000)
    )]
    max_connections: u32,
    /// Seconds (1–300) a client has to send a request's headers.
    #[arg(
        long,
        env = "SOLIDARNIST_HEADER_TIMEOUT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=300)
    )]
    header_timeout: u64,
    /// Milliseconds (10–60000) between writes of short-link click counts
    /// (and looks for links changed by other instances); a crash loses at
    /// most this much.
    #[arg(
        long,
        env = "SOLIDARNIST_CLICK_FLUSH_MS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(10..=60_000)
    )]
    click_flush_ms: u64,
    /// Seconds (1–3600) before a request is cut off.
    #[arg(
        long,
        env = "SOLIDARNIST_REQUEST_TIMEOUT",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    request_timeout: u64,
    /// Largest request body, in bytes (1024–1073741824).
    #[arg(
        long,
        env = "SOLIDARNIST_MAX_BODY_BYTES",
        default_value_t = 1024 * 1024,
        value_parser = clap::value_parser!(u32).range(1024..=1024 * 1024 * 1024)
    )]
    max_body_bytes: u32,
    /// The address people reach this instance at, for links in e-mails
    /// (default: http:// plus --addr).
    #[arg(long, env = "SOLIDARNIST_PUBLIC_URL")]
    public_url: Option<String>,
    /// smtp://user:pass@host:587?tls=required or smtps://…; without it,
    /// e-mails are written as files into --mail-dir.
    #[arg(long, env = "SOLIDARNIST_SMTP_URL")]
    smtp_url: Option<String>,
    /// Where e-mails are written when no SMTP server is set.
    #[arg(long, env = "SOLIDARNIST_MAIL_DIR", default_value = "mail")]
    mail_dir: PathBuf,
    /// The sender of every e-mail.
    #[arg(long, env = "SOLIDARNIST_MAIL_FROM", default_value = crate::config::DEFAULT_MAIL_FROM)]
    mail_from: String,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input.
    Add {
        #[arg(long, env = "SOLIDARNIST_EMAIL")]
        email: String,
        /// admin, coordinator, branch_officer or speaker
        #[arg(long)]
        role: String,
        /// A branch a branch officer acts for (repeat for several).
        #[arg(long = "branch")]
        branches: Vec<i64>,
        /// Display name (default: the part of the e-mail before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Print a one-time link, valid for a day, that sets a new password
    /// for the account (to pass on to its owner by a safe way).
    ResetPassword {
        #[arg(long, env = "SOLIDARNIST_EMAIL")]
        email: String,
        /// The address people reach the site at.
        #[arg(
            long,
            env = "SOLIDARNIST_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an account; it is printed once, alone on the last line.
    Create {
        #[arg(long, env = "SOLIDARNIST_EMAIL")]
        email: String,
        /// What the token is for, to recognise it later.
        #[arg(long, default_value = "cli")]
        name: String,
        /// The token stops working after this many days (default: never).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_in_days: Option<u32>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// An account's tokens: id, name, created, last used, expiry, state.
    List {
        #[arg(long, env = "SOLIDARNIST_EMAIL")]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token by its id (from `token list`); it never works again.
    Revoke {
        id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // Colours only for a person at a terminal: a log file or collector gets
    // plain text (and each request's span costs less to record).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Plain => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// An error's whole chain, for a person at a terminal.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The account with this e-mail address, or the error a person can act on.
async fn account_of(db: &Db, email: &str) -> Result<(String, auth::UserId), String> {
    let email = crate::common::input::normalise_email(email);
    let user = store::find_id_by_email(db, &email)
        .await
        .map_err(|e| chain(&e))?
        .ok_or_else(|| format!("no account with the e-mail {email}"))?;
    Ok((email, user))
}

async fn open(db: &DbArgs) -> Result<Db, String> {
    let url = db.url()?;
    let db = Db::connect(&url).await.map_err(|e| chain(&e))?;
    db.migrate().await.map_err(|e| chain(&e))?;
    Ok(db)
}

/// For commands that only read: the database must exist and be current.
async fn open_existing(db: &DbArgs) -> Result<Db, String> {
    let url = db.url()?;
    Db::connect_existing(&url)
        .await
        .map_err(|e| format!("cannot open the database: {}", chain(&e)))
}

async fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::User(UserCommand::Add {
            email,
            role,
            branches,
            name,
            password_stdin: _,
            db,
        }) => {
            let db = open(&db).await?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = line.trim_end_matches(['\r', '\n']).to_owned();
            let branches: Vec<BranchId> = branches.into_iter().map(BranchId).collect();
            let id = add_user(&db, &email, &role, &branches, name.as_deref(), &password).await?;
            println!(
                "created account {id} for {}",
                crate::common::input::normalise_email(&email)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::ResetPassword {
            email,
            public_url,
            db,
        }) => {
            let db = open(&db).await?;
            let (email, user) = account_of(&db, &email).await?;
            let base = public_url.trim_end_matches('/');
            let link =
                crate::accounts::reset::issue(&db, base, user, crate::accounts::reset::ISSUED_SECS)
                    .await
                    .map_err(|e| format!("{e}"))?;
            store::audit(
                &db,
                None,
                "password_reset_issued",
                &format!("account={}", user.0),
            )
            .await
            .map_err(|e| chain(&e))?;
            println!("A one-time link for {email}, valid for 24 hours:");
            println!("{link}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create {
            email,
            name,
            expires_in_days,
            db,
        }) => {
            let db = open(&db).await?;
            let (email, user) = account_of(&db, &email).await?;
            let token = format!("{}{}", auth::TOKEN_PREFIX, auth::random_hex(20));
            let expires_at =
                expires_in_days.map(|d| crate::common::clock::now() + i64::from(d) * 86_400);
            store::create_token(&db, user, &name, &auth::sha256_hex(&token), expires_at)
                .await
                .map_err(|e| chain(&e))?;
            match expires_at {
                Some(at) => println!(
                    "API token {name:?} for {email}, until {} (shown once; store it safely):",
                    crate::common::clock::rfc3339(at)
                ),
                None => println!("API token {name:?} for {email} (shown once; store it safely):"),
            }
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::List { email, db }) => {
            let db = open_existing(&db).await?;
            let (email, user) = account_of(&db, &email).await?;
            let tokens = store::tokens_of(&db, user).await.map_err(|e| chain(&e))?;
            if tokens.is_empty() {
                println!("{email} has no API tokens");
                return Ok(ExitCode::SUCCESS);
            }
            let day = |t: Option<i64>| {
                t.map(|t| crate::common::clock::day_of(t).to_string())
                    .unwrap_or_else(|| "-".into())
            };
            let now = crate::common::clock::now();
            println!(
                "{:>6}  {:<24}  {:<10}  {:<10}  {:<10}  state",
                "id", "name", "created", "last used", "expires"
            );
            for t in tokens {
                let state = match (t.revoked_at, t.live(now)) {
                    (Some(_), _) => "revoked",
                    (None, false) => "expired",
                    (None, true) => "live",
                };
                println!(
                    "{:>6}  {:<24}  {:<10}  {:<10}  {:<10}  {state}",
                    t.id,
                    t.name,
                    day(Some(t.created_at)),
                    day(t.last_used_at),
                    day(t.expires_at)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Revoke { id, db }) => {
            let db = open(&db).await?;
            match store::revoke_token(&db, id, None)
                .await
                .map_err(|e| chain(&e))?
            {
                Some(user) => {
                    store::audit(
                        &db,
                        None,
                        "token_revoked",
                        &format!("token={id} account={}", user.0),
                    )
                    .await
                    .map_err(|e| chain(&e))?;
                    println!("token {id} revoked");
                    Ok(ExitCode::SUCCESS)
                }
                None => Err(format!("no live token with the id {id}")),
            }
        }
        Command::Import {
            kind: DataKind::Donations,
            file,
            db,
        } => {
            let db = open(&db).await?;
            let input = std::fs::File::open(&file)
                .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
            let size = input.metadata().ok().map(|m| m.len());
            let report = crate::appeals::csv::import(&db, input, size, true)
                .await
                .map_err(|e| chain(&e))?;
            println!(
                "imported {} donations; {} already recorded (same appeal and reference)",
                report.inserted, report.skipped
            );
            if report.errors.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "stopped at a batch with errors; fix these rows and run the import again to go on:"
            );
            for e in &report.errors {
                eprintln!("  line {}, {}: {}", e.line, e.field, e.message);
            }
            Ok(ExitCode::FAILURE)
        }
        Command::Import { kind, file, db } => {
            let kind = kind.directory().ok_or("donations are imported above")?;
            let db = open(&db).await?;
            let input = std::fs::File::open(&file)
                .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
            let report = directory::csv::import(&db, kind, input)
                .await
                .map_err(|e| chain(&e))?;
            if report.errors.is_empty() {
                println!(
                    "imported {} rows; {} already present",
                    report.inserted, report.skipped
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("nothing was imported; fix these rows and run the import again:");
                for e in &report.errors {
                    eprintln!("  line {}, {}: {}", e.line, e.field, e.message);
                }
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Backup { file, db } => {
            let db = open_existing(&db).await?;
            let out = private_file(&file)?;
            let mut out = std::io::BufWriter::new(out);
            let bar = rows_bar("backing up");
            let header = crate::db::backup::backup(&db, &mut out, &mut |p| advance(&bar, p))
                .await
                .map_err(|e| chain(&e))?;
            bar.finish_and_clear();
            let rows: u64 = header.tables.iter().map(|t| t.rows).sum();
            eprintln!(
                "backed up {rows} rows of {} tables (schema {}) to {}",
                header.tables.len(),
                header.schema,
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, db } => {
            let db = open(&db).await?;
            let input = std::fs::File::open(&file)
                .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
            let bar = rows_bar("restoring");
            let header =
                crate::db::backup::restore(&db, std::io::BufReader::new(input), &mut |p| {
                    advance(&bar, p)
                })
                .await
                .map_err(|e| chain(&e))?;
            bar.finish_and_clear();
            let rows: u64 = header.tables.iter().map(|t| t.rows).sum();
            eprintln!(
                "restored {rows} rows of {} tables, each matching its checksum",
                header.tables.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { db } => {
            let db = open_existing(&db).await?;
            let differences = crate::appeals::store::check_totals(&db)
                .await
                .map_err(|e| chain(&e))?;
            if differences.is_empty() {
                println!("appeal totals agree with their donations");
                return Ok(ExitCode::SUCCESS);
            }
            for d in &differences {
                println!(
                    "appeal {} {}: kept pledged {} received {} count {}, but the donations say pledged {} received {} count {}",
                    d.appeal, d.currency, d.kept.0, d.kept.1, d.kept.2, d.counted.0, d.counted.1, d.counted.2
                );
            }
            println!("{} difference(s) found", differences.len());
            Ok(ExitCode::FAILURE)
        }
        Command::Export {
            kind: DataKind::Donations,
            output,
            appeal,
            db,
            ..
        } => {
            let db = open_existing(&db).await?;
            let appeal = match appeal {
                None => None,
                Some(a) => Some(
                    crate::appeals::store::find_appeal(&db, &a)
                        .await
                        .map_err(|e| chain(&e))?
                        .ok_or_else(|| format!("no appeal {a:?}"))?,
                ),
            };
            let count = match output {
                Some(path) => {
                    let file = private_file(&path)?;
                    crate::appeals::csv::export(&db, appeal, std::io::BufWriter::new(file)).await
                }
                None => crate::appeals::csv::export(&db, appeal, std::io::stdout().lock()).await,
            }
            .map_err(|e| chain(&e))?;
            eprintln!("exported {count} donations");
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            kind,
            output,
            include_at_risk,
            db,
            ..
        } => {
            let kind = kind.directory().ok_or("donations are exported above")?;
            let db = open_existing(&db).await?;
            let count = match output {
                Some(path) => {
                    let file = private_file(&path)?;
                    directory::csv::export(
                        &db,
                        kind,
                        std::io::BufWriter::new(file),
                        include_at_risk,
                    )
                    .await
                }
                None => {
                    directory::csv::export(&db, kind, std::io::stdout().lock(), include_at_risk)
                        .await
                }
            }
            .map_err(|e| chain(&e))?;
            eprintln!("exported {count} rows");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A progress bar counting rows, on standard error.
fn rows_bar(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

fn advance(bar: &indicatif::ProgressBar, p: crate::db::backup::Progress) {
    match p {
        crate::db::backup::Progress::Total(n) => bar.set_length(n),
        crate::db::backup::Progress::Done(n) => bar.inc(n),
    }
}

/// A file for an export of personal data, readable and writable by its
/// owner only (mode 0600), also when it was there before with more.
fn private_file(path: &std::path::Path) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options
            .open(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot make {} private: {e}", path.display()))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// A secret read from the file an environment variable names, if it names one.
fn secret_file(variable: &str) -> Result<Option<String>, String> {
    match std::env::var(variable) {
        Ok(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|e| format!("cannot read {variable} ({path}): {e}")),
        Err(_) => Ok(None),
    }
}

/// Creates an account, as the administrators' page does; each problem is
/// named in English for the person at the terminal.
pub async fn add_user(
    db: &Db,
    email: &str,
    role: &str,
    branches: &[BranchId],
    name: Option<&str>,
    password: &str,
) -> Result<auth::UserId, String> {
    let new = NewAccount {
        email,
        name,
        role,
        branches,
        password,
        lang: None,
    };
    crate::accounts::actions::create_account(db, None, new)
        .await
        .map_err(|e| terminal_words(&e, email, role))
}

/// The problems with a new account, said the way the command line asks
/// (flags, not form fields).
fn terminal_words(e: &crate::web::AppError, email: &str, role: &str) -> String {
    let email = crate::common::input::normalise_email(email);
    let tr = crate::i18n::Tr::new(crate::i18n::Lang::En);
    let problem = |field: &str, key: &str| -> Option<String> {
        Some(match (field, key) {
            ("email", "err-account-exists") => format!("there is already an account for {email}"),
            ("email", _) => format!("{email:?} is not an e-mail address"),
            ("role", _) => {
                format!("unknown role {role:?}: use admin, coordinator, branch_officer or speaker")
            }
            ("branches", "err-officer-needs-branch") => {
                "a branch officer needs at least one --branch".to_owned()
            }
            ("branches", "err-only-officers-branches") => {
                "only branch officers are attached to branches".to_owned()
            }
            ("branches", _) => "a --branch names no branch".to_owned(),
            _ => return None,
        })
    };
    let mut lines = Vec::new();
    match e {
        crate::web::AppError::Invalid(fields) => {
            for field in ["email", "name", "role", "branches", "password"] {
                if let Some(f) = fields.get(field) {
                    lines.push(
                        problem(field, f.key)
                            .unwrap_or_else(|| format!("{field}: {}", f.render(&tr))),
                    );
                }
            }
        }
        crate::web::AppError::Duplicate { field, key } => {
            lines.extend(problem(field, key));
        }
        other => lines.push(chain(other)),
    }
    lines.join("\n")
}

async fn serve(args: ServeArgs) -> Result<ExitCode, String> {
    let config = Config {
        addr: args.addr,
        database_url: args.db.url()?,
        trust_proxy_headers: args.trust_proxy_headers,
        max_concurrent_requests: args.max_concurrent_requests as usize,
        request_timeout: Duration::from_secs(args.request_timeout),
        header_timeout: Duration::from_secs(args.header_timeout),
        max_connections: args.max_connections as usize,
        max_body_bytes: args.max_body_bytes as usize,
        public_url: args.public_url,
        smtp_url: match args.smtp_url {
            Some(url) => Some(url),
            None => secret_file("SOLIDARNIST_SMTP_URL_FILE")?,
        },
        mail_dir: args.mail_dir,
        mail_from: args.mail_from,
        outbox_interval: Duration::from_secs(5),
        jobs_interval: Duration::from_secs(60),
        click_flush_interval: Duration::from_millis(args.click_flush_ms),
    };
    let app = App::build(config).await.map_err(|e| chain(&e))?;
    let addr = app.local_addr();
    let db = app.state().db.clone();
    if args.demo {
        let base_url = app.state().base_url.to_string();
        match crate::demo::load(&db, &base_url)
            .await
            .map_err(|e| chain(&e))?
        {
            Some(logins) => {
                println!("Loaded the demo data set. Everything in it is fictional.");
                println!("Demo logins (shown once):");
                for login in logins {
                    println!(
                        "  {:<15} {:<40} {}",
                        login.role.as_str(),
                        login.email,
                        login.password
                    );
                }
            }
            None => println!("The database already holds data; the demo data set was not loaded."),
        }
    }
    if let Some(token) = crate::accounts::pages::issue_setup_token(&db)
        .await
        .map_err(|e| chain(&e))?
    {
        println!("No admin account yet. Create the first one within 24 hours at:");
        println!("  http://{addr}/setup?token={token}");
    }
    println!(
        "Solidarnist is listening on http://{addr} ({} database)",
        db.backend().name()
    );
    if std::io::stdout().is_terminal() {
        println!("Press Ctrl-C to stop.");
    }
    app.run(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
