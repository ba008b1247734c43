//! Queries for accounts, sessions, tokens, throttling and the audit log, and
//! the account questions several areas ask: who the coordinators and a
//! branch's officers are (to tell them something), and which branches are
//! twinned with an officer's.

use sqlx::Row;

use super::{Account, Role, UserId};
use crate::common::clock;
use crate::common::ids::BranchId;
use crate::db::sql::{Value, Where};
use crate::db::{self, Conn, Db, DbError};
use crate::i18n::Lang;

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub branches: &'a [BranchId],
    /// The account's language, or `None` to follow the browser.
    pub lang: Option<Lang>,
}

/// What a login needs to know about an account.
pub struct LoginRecord {
    pub id: UserId,
    pub password_hash: String,
    pub disabled: bool,
}

/// A live session, with the account behind it.
pub struct SessionRecord {
    pub account: Account,
    pub lang: Option<Lang>,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn create_user(conn: &mut Conn, user: NewUser<'_>) -> Result<UserId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO users (email, name, role, password_hash, lang, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(user.email)
    .bind(user.name)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(user.lang.map(Lang::code))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let id = UserId(row.try_get("id")?);
    for branch in user.branches {
        sqlx::query("INSERT INTO user_branches (user_id, branch_id) VALUES ($1, $2)")
            .bind(id.0)
            .bind(branch.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

pub async fn admin_exists(db: &Db) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(db.read())
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<LoginRecord>, DbError> {
    let row = sqlx::query("SELECT id, password_hash, disabled FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db.read())
        .await?;
    row.map(|r| {
        Ok(LoginRecord {
            id: UserId(r.try_get("id")?),
            password_hash: r.try_get("password_hash")?,
            disabled: r.try_get::<i64, _>("disabled")? != 0,
        })
    })
    .transpose()
}

pub async fn find_id_by_email(db: &Db, email: &str) -> Result<Option<UserId>, DbError> {
    Ok(find_for_login(db, email).await?.map(|r| r.id))
}

pub async fn set_password_hash(db: &Db, user: UserId, hash: &str) -> Result<(), DbError> {
    db.write_one(
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(clock::now())
            .bind(user.0),
    )
    .await?;
    Ok(())
}

/// The zone an account reads times in; `None` for the default.
pub async fn set_time_zone(db: &Db, user: UserId, zone: Option<&str>) -> Result<(), DbError> {
    db.write_one(
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(zone.map(str::to_owned))
            .bind(user.0),
    )
    .await?;
    Ok(())
}

pub async fn set_lang(db: &Db, user: UserId, lang: Lang) -> Result<(), DbError> {
    db.write_one(
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(lang.code())
            .bind(user.0),
    )
    .await?;
    Ok(())
}

async fn branches_of(conn: &mut Conn, user: UserId) -> Result<Vec<BranchId>, DbError> {
    let rows =
        sqlx::query("SELECT branch_id FROM user_branches WHERE user_id = $1 ORDER BY branch_id")
            .bind(user.0)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok(BranchId(r.try_get("branch_id")?)))
        .collect()
}

fn account_from_row(
    row: &sqlx::any::AnyRow,
    branches: Vec<BranchId>,
) -> Result<Option<(Account, Option<Lang>)>, DbError> {
    if row.try_get::<i64, _>("disabled")? != 0 {
        return Ok(None);
    }
    let Some(role) = Role::parse(&row.try_get::<String, _>("role")?) else {
        return Ok(None);
    };
    let lang = row
        .try_get::<Option<String>, _>("lang")?
        .and_then(|l| Lang::from_code(&l));
    Ok(Some((
        Account {
            id: UserId(row.try_get("user_id")?),
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role,
            branches,
            time_zone: row
                .try_get::<Option<String>, _>("time_zone")?
                .filter(|z| !z.is_empty()),
            twins: Vec::new(),
        },
        lang,
    )))
}

pub async fn create_session(
    db: &Db,
    id_hash: &str,
    user: UserId,
    csrf_token: &str,
) -> Result<(), DbError> {
    let now = clock::now();
    db.write_one(
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id_hash)
        .bind(user.0)
        .bind(csrf_token)
        .bind(now),
    )
    .await?;
    Ok(())
}

pub async fn find_session(db: &Db, id_hash: &str) -> Result<Option<SessionRecord>, DbError> {
    let mut conn = db.conn().await?;
    let row = sqlx::query(
        "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at,
                u.email, u.name, u.role, u.lang, u.disabled, u.time_zone
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let branches = branches_of(&mut conn, UserId(row.try_get("user_id")?)).await?;
    let Some((mut account, lang)) = account_from_row(&row, branches)? else {
        return Ok(None);
    };
    account.twins = twins_of(&mut conn, &account.branches).await?;
    Ok(Some(SessionRecord {
        account,
        lang,
        csrf_token: row.try_get("csrf_token")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    }))
}

pub async fn touch_session(db: &Db, id_hash: &str) -> Result<(), DbError> {
    db.write_one(
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(clock::now())
            .bind(id_hash),
    )
    .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), DbError> {
    db.write_one(sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash))
        .await?;
    Ok(())
}

/// Ends every session of an account (password change, account disabled).
pub async fn delete_sessions_of(db: &Db, user: UserId) -> Result<(), DbError> {
    db.write_one(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0))
        .await?;
    Ok(())
}

/// Stores a new token's hash; `expires_at` (Unix seconds) ends it by itself.
pub async fn create_token(
    db: &Db,
    user: UserId,
    name: &str,
    token_hash: &str,
    expires_at: Option<i64>,
) -> Result<i64, DbError> {
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(token_hash)
    .bind(clock::now())
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(id)
}

/// An API token as its owner and administrators see it: never the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl TokenInfo {
    /// Whether it still lets its holder in.
    pub fn live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// An account's tokens, newest first.
pub async fn tokens_of(db: &Db, user: UserId) -> Result<Vec<TokenInfo>, DbError> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, last_used_at, expires_at, revoked_at
         FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(user.0)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                expires_at: r.try_get("expires_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Revokes one token, if it is live (and, with `owner`, if it is theirs).
/// The account it belonged to, or `None` when there was nothing to revoke.
pub async fn revoke_token(
    db: &Db,
    id: i64,
    owner: Option<UserId>,
) -> Result<Option<UserId>, DbError> {
    let mut tx = db.write().await?;
    let sql = match owner {
        Some(_) => {
            "UPDATE api_tokens SET revoked_at = $1
             WHERE id = $2 AND revoked_at IS NULL AND user_id = $3 RETURNING user_id"
        }
        None => {
            "UPDATE api_tokens SET revoked_at = $1
             WHERE id = $2 AND revoked_at IS NULL RETURNING user_id"
        }
    };
    let mut q = sqlx::query(sql).bind(clock::now()).bind(id);
    if let Some(u) = owner {
        q = q.bind(u.0);
    }
    let row = q.fetch_optional(&mut *tx).await?;
    tx.commit().await?;
    Ok(row.map(|r| r.try_get("user_id")).transpose()?.map(UserId))
}

/// Revokes every live token of an account: a new password, or the account
/// disabled. Revoked tokens stay revoked if the account is enabled again.
pub async fn revoke_tokens_of(conn: &mut Conn, user: UserId) -> Result<u64, DbError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(clock::now())
    .bind(user.0)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn find_token(
    db: &Db,
    token_hash: &str,
) -> Result<Option<(Account, Option<Lang>)>, DbError> {
    let mut conn = db.conn().await?;
    let row = sqlx::query(
        "SELECT t.user_id, t.last_used_at, u.email, u.name, u.role, u.lang, u.disabled, u.time_zone
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > $2)",
    )
    .bind(token_hash)
    .bind(clock::now())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = UserId(row.try_get("user_id")?);
    let branches = branches_of(&mut conn, user).await?;
    let mut found = account_from_row(&row, branches)?;
    if let Some((account, _)) = found.as_mut() {
        account.twins = twins_of(&mut conn, &account.branches).await?;
    }
    // Record use at most once a minute, not on every request.
    let now = clock::now();
    if row
        .try_get::<Option<i64>, _>("last_used_at")?
        .is_none_or(|t| t < now - 60)
    {
        drop(conn);
        db.write_one(
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash),
        )
        .await?;
    }
    Ok(found)
}

pub async fn audit(
    db: &Db,
    user: Option<UserId>,
    action: &str,
    detail: &str,
) -> Result<(), DbError> {
    db.write_one(
        sqlx::query("INSERT INTO audit_log (at, user_id, action, detail) VALUES ($1, $2, $3, $4)")
            .bind(clock::now())
            .bind(user.map(|u| u.0))
            .bind(action)
            .bind(detail),
    )
    .await?;
    Ok(())
}

/// Several rows of one action at once, in one statement: a list that shows
/// three at-risk branches writes three rows, one per branch, so the log can
/// be searched by record.
pub async fn audit_each(
    db: &Db,
    user: Option<UserId>,
    action: &str,
    details: &[String],
) -> Result<(), DbError> {
    if details.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..details.len())
        .map(|i| format!("($1, $2, $3, ${})", i + 4))
        .collect();
    let sql = format!(
        "INSERT INTO audit_log (at, user_id, action, detail) VALUES {}",
        rows.join(", ")
    );
    let mut q = sqlx::query(&sql)
        .bind(clock::now())
        .bind(user.map(|u| u.0))
        .bind(action);
    for d in details {
        q = q.bind(d.as_str());
    }
    db.write_one(q).await?;
    Ok(())
}

pub async fn get_setting(db: &Db, key: &str) -> Result<Option<String>, DbError> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db.read())
        .await?;
    Ok(row.map(|r| r.try_get("value")).transpose()?)
}

pub async fn put_setting(conn: &mut Conn, key: &str, value: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete_setting(conn: &mut Conn, key: &str) -> Result<bool, DbError> {
    let done = sqlx::query("DELETE FROM settings WHERE key = $1")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An account as the administrators' list shows it.
pub struct AccountRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub branches: Vec<BranchId>,
}

/// Sets an account's role and the branches it acts for, replacing the old.
pub async fn set_role(
    conn: &mut Conn,
    user: UserId,
    role: Role,
    branches: &[BranchId],
) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(clock::now())
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM user_branches WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    for b in branches {
        sqlx::query("INSERT INTO user_branches (user_id, branch_id) VALUES ($1, $2)")
            .bind(user.0)
            .bind(b.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn list_accounts(db: &Db) -> Result<Vec<AccountRow>, DbError> {
    accounts_where(db, "ORDER BY role, email", None).await
}

/// One account as the administrators' pages show it.
pub async fn account_row(db: &Db, user: UserId) -> Result<Option<AccountRow>, DbError> {
    Ok(accounts_where(db, "WHERE id = $1", Some(user)).await?.pop())
}

async fn accounts_where(
    db: &Db,
    clause: &str,
    user: Option<UserId>,
) -> Result<Vec<AccountRow>, DbError> {
    let mut conn = db.conn().await?;
    let sql = format!("SELECT id, email, name, role, disabled FROM users {clause}");
    let mut query = sqlx::query(&sql);
    if let Some(u) = user {
        query = query.bind(u.0);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = UserId(row.try_get("id")?);
        let Some(role) = Role::parse(&row.try_get::<String, _>("role")?) else {
            continue;
        };
        out.push(AccountRow {
            id,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role,
            disabled: row.try_get::<i64, _>("disabled")? != 0,
            branches: branches_of(&mut conn, id).await?,
        });
    }
    Ok(out)
}

pub async fn password_hash_of(db: &Db, user: UserId) -> Result<Option<String>, DbError> {
    let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(db.read())
        .await?;
    Ok(row.map(|r| r.try_get("password_hash")).transpose()?)
}

/// Disables or re-enables an account; disabling ends its sessions and stops
/// its API tokens (both are refused for a disabled account).
pub async fn set_disabled(db: &Db, user: UserId, disabled: bool) -> Result<bool, DbError> {
    let mut tx = db.write().await?;
    let done = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
        .bind(db::flag(disabled))
        .bind(clock::now())
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        revoke_tokens_of(&mut tx, user).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() > 0)
}

/// How many enabled administrators there are: the last one may not be disabled.
pub async fn active_admins(db: &Db) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(db.read())
        .await?;
    Ok(row.try_get("n")?)
}

/// Coordinators' addresses, for e-mails that need one of them to act.
pub async fn coordinators(conn: &mut Conn) -> Result<Vec<(String, Option<Lang>)>, DbError> {
    let rows = sqlx::query(
        "SELECT email, lang FROM users WHERE role = 'coordinator' AND disabled = 0 ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    addressees(&rows)
}

/// The e-mail addresses and languages of a branch's officers, for the
/// e-mails about that branch.
pub async fn branch_officers(
    conn: &mut Conn,
    branch: BranchId,
) -> Result<Vec<(String, Option<Lang>)>, DbError> {
    let rows = sqlx::query(
        "SELECT u.email, u.lang FROM users u JOIN user_branches ub ON ub.user_id = u.id
         WHERE ub.branch_id = $1 AND u.disabled = 0 ORDER BY u.id",
    )
    .bind(branch)
    .fetch_all(&mut *conn)
    .await?;
    addressees(&rows)
}

/// Rows of `email, lang`: whom to write to, and in which language.
fn addressees(rows: &[sqlx::any::AnyRow]) -> Result<Vec<(String, Option<Lang>)>, DbError> {
    rows.iter()
        .map(|r| {
            let lang: Option<String> = r.try_get("lang")?;
            Ok((r.try_get("email")?, lang.and_then(|l| Lang::from_code(&l))))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The branches whose officers may see this branch's people because of a
/// link both sides have agreed to and that has not ended: its twins.
pub async fn twins_of(conn: &mut Conn, branches: &[BranchId]) -> Result<Vec<BranchId>, DbError> {
    if branches.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = branches.iter().map(|b| b.0).collect();
    let mut w = Where::new();
    let marks = vec!["?"; ids.len()].join(", ");
    w.and(
        &format!("(gb_branch_id IN ({marks}) OR ua_branch_id IN ({marks}))"),
        ids.iter().chain(ids.iter()).map(|&i| Value::Int(i)),
    );
    // Contacts open only once both sides have agreed, until the link ends.
    w.and("status <> ?", [Value::Text("ended".into())]);
    w.and("gb_agreed_at IS NOT NULL AND ua_agreed_at IS NOT NULL", []);
    let q = format!(
        "SELECT gb_branch_id, ua_branch_id FROM twinnings{}",
        w.sql()
    );
    let rows = w.bind(sqlx::query(&q)).fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for r in rows {
        for col in ["gb_branch_id", "ua_branch_id"] {
            let b = BranchId(r.try_get(col)?);
            if !branches.contains(&b) && !out.contains(&b) {
                out.push(b);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Which rows of the audit log to show.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// One action, such as `view_at_risk`.
    pub action: Option<String>,
    /// Part of the acting account's e-mail address or name.
    pub user: Option<String>,
    /// One record, as the log names it: `branch=5`, `person=12`.
    pub record: Option<String>,
    /// From this moment (inclusive) and before that one, in Unix seconds.
    pub from: Option<i64>,
    pub until: Option<i64>,
}

/// One row of the audit log, with the account that acted (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<UserId>,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub action: String,
    pub detail: String,
}

fn audit_entry(row: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        user_email: row.try_get("email")?,
        user_name: row.try_get("name")?,
        action: row.try_get("action")?,
        detail: row.try_get("detail")?,
    })
}

/// A page of the audit log, newest first.
pub async fn list_audit(
    db: &Db,
    filter: &AuditFilter,
    paging: crate::common::paging::Paging,
) -> Result<(Vec<AuditEntry>, i64), DbError> {
    let mut w = Where::new();
    if let Some(a) = filter
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        w.and("a.action = ?", [Value::Text(a.to_owned())]);
    }
    if let Some(u) = &filter.user {
        w.and_contains(
            "LOWER(COALESCE(u.email, '') || ' ' || COALESCE(u.name, ''))",
            u,
        );
    }
    if let Some(r) = filter
        .record
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        // A record is one whole word of the detail: branch=5, not branch=50.
        w.and(
            "(' ' || a.detail || ' ') LIKE ?",
            [Value::Text(format!("% {} %", like_literal(r)))],
        );
    }
    if let Some(from) = filter.from {
        w.and("a.at >= ?", [Value::Int(from)]);
    }
    if let Some(until) = filter.until {
        w.and("a.at < ?", [Value::Int(until)]);
    }
    db::sql::paged(
        db,
        "a.id, a.at, a.user_id, u.email, u.name, a.action, a.detail",
        " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id",
        &w,
        "a.at DESC, a.id DESC",
        paging,
        audit_entry,
    )
    .await
}

/// A typed record without `LIKE` wildcards (records never contain them),
/// so that it matches only itself.
fn like_literal(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect()
}

/// The actions the log holds, for the filter's choices.
pub async fn audit_actions(db: &Db) -> Result<Vec<String>, DbError> {
    let rows = sqlx::query("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(db.read())
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("action"))
        .collect::<Result<_, _>>()?)
}

/// Stores a new reset link's token hash, valid until `expires_at`.
pub async fn create_reset(
    db: &Db,
    user: UserId,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), DbError> {
    db.write_one(
        sqlx::query(
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(user.0)
        .bind(token_hash)
        .bind(clock::now())
        .bind(expires_at),
    )
    .await?;
    Ok(())
}

/// The enabled account a reset link is for, if the link is unused and
/// has not expired.
pub async fn live_reset(db: &Db, token_hash: &str) -> Result<Option<UserId>, DbError> {
    let row = sqlx::query(
        "SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(clock::now())
    .fetch_optional(db.read())
    .await?;
    Ok(row.map(|r| r.try_get("user_id")).transpose()?.map(UserId))
}

/// Uses a reset link, once: sets the new password hash, ends every
/// session, revokes every API token and spends every other reset link of
/// the account, in one transaction. `None` when the link was spent or
/// expired meanwhile (two tabs, one link).
pub async fn use_reset(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
) -> Result<Option<UserId>, DbError> {
    let now = clock::now();
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
           AND user_id IN (SELECT id FROM users WHERE disabled = 0)
         RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = UserId(row.try_get("user_id")?);
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    revoke_tokens_of(&mut tx, user).await?;
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(user))
}

/// An enabled account's id and language by e-mail address, for a reset link.
pub async fn enabled_account_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<(UserId, Option<Lang>)>, DbError> {
    let row = sqlx::query("SELECT id, lang FROM users WHERE email = $1 AND disabled = 0")
        .bind(email)
        .fetch_optional(db.read())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let lang: Option<String> = row.try_get("lang")?;
    Ok(Some((
        UserId(row.try_get("id")?),
        lang.as_deref().and_then(Lang::from_code),
    )))
}

/// Takes the slots of one attempt at a secret (a password, a setup or reset
/// link), counted over the throttle window and recorded before the secret
/// is checked; `None` past a limit. The slots stay as the failure, or go
/// back through [`secret_was_right`].
pub async fn attempt_secret(
    db: &Db,
    slots: &[crate::db::limits::Slot],
) -> Result<Option<crate::db::limits::Taken>, DbError> {
    crate::db::limits::take(
        db,
        crate::db::limits::Events::Failures,
        slots,
        super::THROTTLE_WINDOW_SECS,
        clock::now(),
    )
    .await
}

/// The secret was right: the attempt does not count.
pub async fn secret_was_right(db: &Db, taken: crate::db::limits::Taken) -> Result<(), DbError> {
    crate::db::limits::give_back(db, crate::db::limits::Events::Failures, taken).await
}

/// A limit per client address: `<what>:<address>`.
pub fn per_client(
    what: &str,
    client: Option<std::net::IpAddr>,
    max: i64,
) -> crate::db::limits::Slot {
    crate::db::limits::Slot {
        scope: format!(
            "{what}:{}",
            client.map(|ip| ip.to_string()).unwrap_or_default()
        ),
        max,
    }
}
