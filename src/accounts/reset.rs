//! Setting a new password with a one-time link: an administrator issues
//! one (`solidarnist user reset-password`), or a person asks for one by
//! e-mail at `/reset`. The page answers the same for known and unknown
//! addresses, asking is limited per address and per client (silently: the
//! answer does not change), a link works once and for a short while, and
//! using it ends every session and API token of the account.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::password;
use crate::auth::{store, Action, UserId};
use crate::common::clock;
use crate::common::input::{is_plausible_email, normalise_email, FieldErrors};
use crate::db::limits::{self, Events, Slot};
use crate::db::Db;
use crate::i18n::Tr;
use crate::outbox::{self, Mail};
use crate::web::error::AppError;
use crate::web::extract::{Form, Query};
use crate::web::{page_with_status, AppState, Ctx, Route};

/// How long a link asked for by e-mail works.
pub const ASKED_FOR_SECS: i64 = 60 * 60;
/// How long a link an administrator issues works: long enough to pass on.
pub const ISSUED_SECS: i64 = 24 * 60 * 60;
/// Requests per address, and per client, in an hour.
const PER_ADDRESS: i64 = 3;
const PER_CLIENT: i64 = 10;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/reset", Action::ViewPublic, reset_page),
        Route::post("/reset/request", Action::ViewPublic, request_link),
        Route::post("/reset", Action::ViewPublic, set_password),
    ]
}

/// Makes a reset link for an account, valid for `valid_secs`; the token is
/// stored only as its hash.
pub async fn issue(
    db: &Db,
    base_url: &str,
    user: UserId,
    valid_secs: i64,
) -> Result<String, AppError> {
    let token = crate::auth::random_hex(32);
    store::create_reset(
        db,
        user,
        &crate::auth::sha256_hex(&token),
        clock::now() + valid_secs,
    )
    .await?;
    Ok(format!("{base_url}/reset?token={token}"))
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    ctx: Ctx,
    /// The link's token when it is live: the page asks for a new password.
    token: Option<String>,
    /// The link was spent, expired or mistyped.
    dead_link: bool,
    /// A link was asked for: the same words whoever asked.
    sent: bool,
    email: String,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Whether a link's token is live. Wrong tokens count as failed attempts
/// per client, the slot taken before the check; past the limit, 429.
async fn live(
    db: &Db,
    client: Option<std::net::IpAddr>,
    token: &str,
) -> Result<Option<UserId>, AppError> {
    let slot = store::per_client("reset", client, crate::auth::THROTTLE_PER_IP);
    let Some(taken) = store::attempt_secret(db, &[slot]).await? else {
        return Err(AppError::RateLimited);
    };
    let user = store::live_reset(db, &crate::auth::sha256_hex(token)).await?;
    if user.is_some() {
        store::secret_was_right(db, taken).await?;
    }
    Ok(user)
}

fn show(
    ctx: Ctx,
    status: StatusCode,
    page: impl FnOnce(Ctx) -> ResetPage,
) -> Result<Response, AppError> {
    page_with_status(status, page(ctx))
}

/// `/reset`: the form to ask for a link, or, with a live link's token, the
/// form for the new password.
async fn reset_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let token = q.token.trim().to_owned();
    let dead_link = !token.is_empty() && live(&app.db, ctx.client_ip, &token).await?.is_none();
    let status = if dead_link {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    show(ctx, status, |ctx| ResetPage {
        ctx,
        token: (!token.is_empty() && !dead_link).then_some(token),
        dead_link,
        sent: false,
        email: String::new(),
        errors: FieldErrors::new(),
    })
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    email: String,
}

/// Sends a link to the address if it is an enabled account's, within the
/// limits; the answer is the same in every case.
async fn request_link(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    let email = normalise_email(&form.email);
    if !is_plausible_email(&email) {
        let mut errors = FieldErrors::new();
        errors.add("email", "err-email");
        return show(ctx, StatusCode::UNPROCESSABLE_ENTITY, |ctx| ResetPage {
            ctx,
            token: None,
            dead_link: false,
            sent: false,
            email: form.email,
            errors,
        });
    }
    let mut slots = vec![Slot {
        scope: format!("reset-ask:{}", crate::auth::sha256_hex(&email)),
        max: PER_ADDRESS,
    }];
    slots.extend(ctx.client_ip.map(|ip| Slot {
        scope: format!("reset-ask:{ip}"),
        max: PER_CLIENT,
    }));
    let allowed = limits::take(&app.db, Events::Submissions, &slots, 60 * 60, clock::now())
        .await?
        .is_some();
    if allowed {
        if let Some((user, lang)) = store::enabled_account_by_email(&app.db, &email).await? {
            let link = issue(&app.db, &app.base_url, user, ASKED_FOR_SECS).await?;
            let tr = Tr::new(lang.unwrap_or(ctx.lang));
            let mut tx = app.db.write().await?;
            outbox::enqueue(&mut tx, &reset_mail(&tr, &email, &link)).await?;
            tx.commit().await?;
            store::audit(&app.db, Some(user), "password_reset_asked", "").await?;
        }
    } else {
        tracing::warn!(route = "/reset/request", ip = ?ctx.client_ip, "reset link not sent: asked too often");
    }
    show(ctx, StatusCode::OK, |ctx| ResetPage {
        ctx,
        token: None,
        dead_link: false,
        sent: true,
        email: String::new(),
        errors: FieldErrors::new(),
    })
}

/// The e-mail that carries a link, in the account's language.
fn reset_mail(tr: &Tr, to: &str, link: &str) -> Mail {
    Mail {
        kind: "password_reset",
        to: to.to_owned(),
        lang: tr.lang,
        subject: tr.t("mail-reset-subject"),
        body: [
            tr.t("mail-reset-hello"),
            String::new(),
            tr.t("mail-reset-body"),
            String::new(),
            link.to_owned(),
            String::new(),
            tr.t("mail-reset-not-you"),
            String::new(),
            tr.t("mail-signature"),
        ]
        .join("\n"),
    }
}

#[derive(Deserialize, Default)]
pub struct NewPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Sets the new password through a live link, once.
async fn set_password(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, AppError> {
    let token = form.token.trim().to_owned();
    let Some(user) = live(&app.db, ctx.client_ip, &token).await? else {
        return show(ctx, StatusCode::GONE, |ctx| ResetPage {
            ctx,
            token: None,
            dead_link: true,
            sent: false,
            email: String::new(),
            errors: FieldErrors::new(),
        });
    };
    let email = store::account_row(&app.db, user)
        .await?
        .map(|a| a.email)
        .unwrap_or_default();
    let mut errors = FieldErrors::new();
    password::check_policy(&form.password, &email, "password", &mut errors);
    if form.password != form.password_confirm {
        errors.add("password_confirm", "err-password-mismatch");
    }
    if !errors.is_empty() {
        return show(ctx, StatusCode::UNPROCESSABLE_ENTITY, |ctx| ResetPage {
            ctx,
            token: Some(token),
            dead_link: false,
            sent: false,
            email: String::new(),
            errors,
        });
    }
    let hash = super::actions::hash_password(form.password).await?;
    let Some(user) = store::use_reset(&app.db, &crate::auth::sha256_hex(&token), &hash).await?
    else {
        return show(ctx, StatusCode::GONE, |ctx| ResetPage {
            ctx,
            token: None,
            dead_link: true,
            sent: false,
            email: String::new(),
            errors: FieldErrors::new(),
        });
    };
    store::audit(&app.db, Some(user), "password_reset", "").await?;
    Ok(crate::web::see_other("/login?reset=1"))
}
