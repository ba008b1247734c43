//! Login, logout, first-admin setup and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::actions::{check_account, insert_account, NewAccount};
use crate::auth::password::{self, Verified};
use crate::auth::{store, Action, Role, UserId};
use crate::common::clock;
use crate::common::input::FieldErrors;
use crate::db::limits::{self, Events, Slot};
use crate::db::Db;
use crate::i18n::Lang;
use crate::web::context::{clear_cookie, cookie, LANG_COOKIE, SESSION_COOKIE};
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Query};
use crate::web::{page, page_with_status, safe_local_path, see_other, AppState, Ctx, Route};

/// The setting that holds the SHA-256 of the one-time setup token and its
/// expiry, as `hash:unix_seconds`.
const SETUP_TOKEN: &str = "setup_token";
const SETUP_TOKEN_LIFETIME_SECS: i64 = 24 * 60 * 60;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/login", Action::ViewPublic, login_form),
        Route::post("/login", Action::ViewPublic, login),
        Route::post("/logout", Action::OwnAccount, logout),
        Route::get("/setup", Action::ViewPublic, setup_form),
        Route::post("/setup", Action::ViewPublic, setup),
        Route::post("/lang", Action::ViewPublic, switch_language),
    ]
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    ctx: Ctx,
    email: String,
    next: String,
    error: Option<String>,
    /// Arrived from setting a new password through a reset link.
    reset: bool,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
    reset: Option<String>,
}

async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    let next = safe_local_path(&q.next).unwrap_or("/").to_owned();
    if ctx.signed_in() {
        return Ok(see_other(&next));
    }
    page(LoginPage {
        ctx,
        email: String::new(),
        next,
        error: None,
        reset: q.reset.is_some(),
    })
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Creates a session for an account and returns the cookie that carries it.
/// A new id at every login, so a session id planted before login is useless.
pub async fn start_session(db: &Db, user: UserId) -> Result<axum::http::HeaderValue, AppError> {
    let id = crate::auth::random_hex(16);
    let csrf = crate::auth::random_hex(16);
    store::create_session(db, &crate::auth::sha256_hex(&id), user, &csrf).await?;
    Ok(cookie(
        SESSION_COOKIE,
        &id,
        Some(crate::auth::SESSION_ABSOLUTE_SECS),
    ))
}

async fn login(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let email = crate::common::input::normalise_email(&form.email);
    let next = safe_local_path(&form.next).unwrap_or("/").to_owned();
    let account_scope = format!("account:{}", crate::auth::sha256_hex(&email));
    let ip_scope = ctx.client_ip.map(|ip| format!("ip:{ip}"));

    // An attempt takes its slot before the password is checked, counted and
    // recorded in one step: a burst of parallel guesses gets no more tries
    // than the limits allow. A correct password gives the slot back.
    let mut slots = vec![Slot {
        scope: account_scope.clone(),
        max: crate::auth::THROTTLE_PER_ACCOUNT,
    }];
    slots.extend(ip_scope.iter().map(|ip| Slot {
        scope: ip.clone(),
        max: crate::auth::THROTTLE_PER_IP,
    }));
    let taken = store::attempt_secret(&app.db, &slots).await?;
    let Some(taken) = taken else {
        tracing::warn!(route = "/login", ip = ?ctx.client_ip, "authentication refused: too many failures");
        let error = Some(ctx.tr.t("login-throttled"));
        return page_with_status(
            StatusCode::TOO_MANY_REQUESTS,
            LoginPage {
                ctx,
                email: form.email,
                next,
                error,
                reset: false,
            },
        );
    };

    let record = store::find_for_login(&app.db, &email).await?;
    // The account, when there is one, for the audit log and the log line;
    // never the e-mail address or password that were typed.
    let known = record.as_ref().map(|r| r.id);
    let password = form.password.clone();
    let outcome = match record {
        Some(r) if !r.disabled => {
            let hash = r.password_hash.clone();
            let verified = tokio::task::spawn_blocking(move || password::verify(&hash, &password))
                .await
                .map_err(|e| AppError::Internal(Box::new(e)))?;
            (verified != Verified::No).then_some((r.id, verified))
        }
        _ => {
            tokio::task::spawn_blocking(move || password::burn_time(&password))
                .await
                .map_err(|e| AppError::Internal(Box::new(e)))?;
            None
        }
    };

    let Some((user, verified)) = outcome else {
        // The slot taken above stays: it is this failure.
        store::audit(
            &app.db,
            known,
            "login_failed",
            &format!("ip={}", ip_text(&ctx)),
        )
        .await?;
        tracing::warn!(
            route = "/login",
            account = known.map(|u| u.0),
            ip = ?ctx.client_ip,
            "authentication failed: wrong e-mail or password"
        );
        let error = Some(ctx.tr.t("login-failed"));
        return page_with_status(
            StatusCode::UNAUTHORIZED,
            LoginPage {
                ctx,
                email: form.email,
                next,
                error,
                reset: false,
            },
        );
    };

    if verified == Verified::YesRehash {
        let password = form.password.clone();
        let hash = tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        store::set_password_hash(&app.db, user, &hash).await?;
    }
    store::secret_was_right(&app.db, taken).await?;
    limits::clear(&app.db, Events::Failures, &account_scope).await?;
    if let Some(old) = &ctx.session_hash {
        store::delete_session(&app.db, old).await?;
    }
    let session = start_session(&app.db, user).await?;
    store::audit(
        &app.db,
        Some(user),
        "login",
        &format!("ip={}", ip_text(&ctx)),
    )
    .await?;
    let mut response = see_other(&next);
    response.headers_mut().append(header::SET_COOKIE, session);
    Ok(response)
}

fn ip_text(ctx: &Ctx) -> String {
    ctx.client_ip.map(|ip| ip.to_string()).unwrap_or_default()
}

async fn logout(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if let Some(hash) = &ctx.session_hash {
        store::delete_session(&app.db, hash).await?;
    }
    if let Some(a) = ctx.account() {
        store::audit(&app.db, Some(a.id), "logout", "").await?;
    }
    let mut response = see_other("/");
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(response)
}

/// Makes a new one-time setup token if the instance has no admin yet, and
/// returns it (to be printed by `serve`). Any earlier token stops working.
pub async fn issue_setup_token(db: &Db) -> Result<Option<String>, crate::db::DbError> {
    if store::admin_exists(db).await? {
        return Ok(None);
    }
    let token = crate::auth::random_hex(16);
    let expires = crate::common::clock::now() + SETUP_TOKEN_LIFETIME_SECS;
    let value = format!("{}:{expires}", crate::auth::sha256_hex(&token));
    let mut tx = db.write().await?;
    store::put_setting(&mut tx, SETUP_TOKEN, &value).await?;
    tx.commit().await?;
    Ok(Some(token))
}

/// Whether the setup link's token is the live one. Wrong tokens are
/// counted per client address as failed logins are, the slot taken before
/// the check: past the limit the answer is 429, right token or not.
async fn setup_token_valid(
    db: &Db,
    client: Option<std::net::IpAddr>,
    token: &str,
) -> Result<bool, AppError> {
    let slot = store::per_client("setup", client, crate::auth::THROTTLE_PER_IP);
    let Some(taken) = store::attempt_secret(db, &[slot]).await? else {
        return Err(AppError::RateLimited);
    };
    let Some(stored) = store::get_setting(db, SETUP_TOKEN).await? else {
        return Ok(false);
    };
    let Some((hash, expires)) = stored.split_once(':') else {
        return Ok(false);
    };
    let fresh = expires.parse::<i64>().is_ok_and(|e| e > clock::now());
    let valid = fresh
        && crate::auth::constant_time_eq(hash, &crate::auth::sha256_hex(token))
        && !store::admin_exists(db).await?;
    if valid {
        store::secret_was_right(db, taken).await?;
    }
    Ok(valid)
}

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage {
    ctx: Ctx,
    token: String,
    form: SetupForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn setup_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    if !setup_token_valid(&app.db, ctx.client_ip, &q.token).await? {
        return Err(AppError::NotFound);
    }
    let form = SetupForm::default();
    page(SetupPage {
        ctx,
        token: q.token,
        form,
        errors: FieldErrors::new(),
    })
}

async fn setup(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    if !setup_token_valid(&app.db, ctx.client_ip, &form.token).await? {
        return Err(AppError::NotFound);
    }
    // The first administrator is checked as every account is, and must
    // give a name and type the password twice.
    let mut errors = FieldErrors::new();
    if form.name.trim().is_empty() {
        errors.add("name", "err-required");
    }
    if form.password != form.password_confirm {
        errors.add("password_confirm", "err-password-mismatch");
    }
    let checked = check_account(
        &app.db,
        NewAccount {
            email: &form.email,
            name: Some(&form.name),
            role: Role::Admin.as_str(),
            branches: &[],
            password: &form.password,
            lang: Some(ctx.lang),
        },
    )
    .await;
    let account = match checked {
        Ok(account) if errors.is_empty() => account,
        Ok(_) => return setup_again(ctx, form, errors),
        Err(e) => {
            errors.extend(form_errors(e)?);
            return setup_again(ctx, form, errors);
        }
    };
    let mut tx = app.db.write().await?;
    // Deleting the token inside the transaction makes it single-use even if
    // two people submit the form at once.
    if !store::delete_setting(&mut tx, SETUP_TOKEN).await? {
        return Err(AppError::NotFound);
    }
    let user = insert_account(&mut tx, &account).await?;
    tx.commit().await?;
    store::audit(
        &app.db,
        Some(user),
        "setup_admin",
        &format!("ip={}", ip_text(&ctx)),
    )
    .await?;
    let session = start_session(&app.db, user).await?;
    let mut response = see_other("/");
    response.headers_mut().append(header::SET_COOKIE, session);
    Ok(response)
}

/// The setup form again, with its problems and without the passwords.
fn setup_again(ctx: Ctx, mut form: SetupForm, errors: FieldErrors) -> Result<Response, AppError> {
    form.password.clear();
    form.password_confirm.clear();
    let token = form.token.clone();
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        SetupPage {
            ctx,
            token,
            form,
            errors,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
}

async fn switch_language(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LangForm>,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&form.lang).unwrap_or(ctx.lang);
    if let Some(a) = ctx.account() {
        store::set_lang(&app.db, a.id, lang).await?;
    }
    // Drop a `lang=` override from the page we go back to.
    let next = safe_local_path(&form.next).unwrap_or("/");
    let next = strip_lang_param(next);
    let mut response = see_other(&next);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(LANG_COOKIE, lang.code(), Some(365 * 24 * 60 * 60)),
    );
    Ok(response.into_response())
}

fn strip_lang_param(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("lang="))
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::strip_lang_param;

    #[test]
    fn the_language_override_is_dropped_on_return() {
        assert_eq!(
            strip_lang_param("/branches?lang=uk&page=2"),
            "/branches?page=2"
        );
        assert_eq!(strip_lang_param("/?lang=en"), "/");
        assert_eq!(strip_lang_param("/people"), "/people");
    }
}
