//! Accounts as people manage them: everyone's own account page (password,
//! sessions), and the administrators' list where accounts are created,
//! disabled and enabled again.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::actions::{self, NewAccount};
use crate::auth::password::{self, Verified};
use crate::auth::{store, Action, Role, UserId};
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::db::limits::Slot;
use crate::directory::model::Branch;
use crate::directory::store as directory;
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Id};
use crate::web::{page_with_status, see_other, AppState, Ctx, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/account", Action::OwnAccount, account),
        Route::post("/account/password", Action::OwnAccount, change_password),
        Route::post("/account/time-zone", Action::OwnAccount, change_time_zone),
        Route::post("/account/tokens", Action::OwnAccount, create_token),
        Route::post(
            "/account/tokens/{id}/revoke",
            Action::OwnAccount,
            revoke_token,
        ),
        Route::get("/admin/accounts", Action::ManageAccounts, accounts),
        Route::post("/admin/accounts", Action::ManageAccounts, create_account),
        Route::get("/admin/accounts/{id}", Action::ManageAccounts, edit_account),
        Route::post("/admin/accounts/{id}", Action::ManageAccounts, save_account),
        Route::post(
            "/admin/accounts/{id}/disable",
            Action::ManageAccounts,
            disable,
        ),
        Route::post(
            "/admin/accounts/{id}/enable",
            Action::ManageAccounts,
            enable,
        ),
    ]
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    ctx: Ctx,
    branches: Vec<Branch>,
    /// The account's API tokens, newest first.
    tokens: Vec<store::TokenInfo>,
    /// A token just made, shown this once.
    new_token: Option<String>,
    errors: FieldErrors,
    changed: bool,
}

impl AccountPage {
    fn day(&self, at: Option<&i64>) -> String {
        at.map(|&t| crate::common::clock::day_of(t).to_string())
            .unwrap_or_else(|| "—".to_owned())
    }

    /// "live", "expired" or "revoked", in the reader's language.
    fn token_state(&self, t: &store::TokenInfo) -> String {
        let key = match (t.revoked_at, t.live(crate::common::clock::now())) {
            (Some(_), _) => "token-revoked",
            (None, false) => "token-expired",
            (None, true) => "token-live",
        };
        self.ctx.tr.t(key)
    }

    fn zone(&self) -> String {
        self.ctx
            .account()
            .and_then(|a| a.time_zone.clone())
            .unwrap_or_default()
    }
}

async fn own_branches(app: &AppState, ctx: &Ctx) -> Result<Vec<Branch>, AppError> {
    let mut out = Vec::new();
    for id in ctx
        .account()
        .map(|a| a.branches.clone())
        .unwrap_or_default()
    {
        if let Some(b) = directory::get_branch(&app.db, id).await? {
            out.push(b);
        }
    }
    Ok(out)
}

async fn account(
    State(app): State<AppState>,
    ctx: Ctx,
    crate::web::extract::Query(q): crate::web::extract::Query<ChangedQuery>,
) -> Result<Response, AppError> {
    let changed = q.changed.is_some();
    account_page(&app, ctx, StatusCode::OK, FieldErrors::new(), changed, None).await
}

/// The account page, with what just happened on it.
async fn account_page(
    app: &AppState,
    ctx: Ctx,
    status: StatusCode,
    errors: FieldErrors,
    changed: bool,
    new_token: Option<String>,
) -> Result<Response, AppError> {
    let account = ctx.account().cloned().ok_or(AppError::Unauthenticated)?;
    let branches = own_branches(app, &ctx).await?;
    let tokens = store::tokens_of(&app.db, account.id).await?;
    page_with_status(
        status,
        AccountPage {
            ctx,
            branches,
            tokens,
            new_token,
            errors,
            changed,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct ChangedQuery {
    changed: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// A new password ends every session of the account, this one included, and
/// starts a fresh one here.
async fn change_password(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let account = ctx.account().cloned().ok_or(AppError::Unauthenticated)?;
    let mut errors = FieldErrors::new();
    // Guesses at the current password are limited as logins are: a slot is
    // taken before the check and given back when the password was right.
    let slot = Slot {
        scope: format!("password:{}", account.id.0),
        max: crate::auth::THROTTLE_PER_ACCOUNT,
    };
    let taken = store::attempt_secret(&app.db, &[slot]).await?;
    let Some(taken) = taken else {
        errors.add("current", "err-too-many-attempts");
        return account_page(
            &app,
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            errors,
            false,
            None,
        )
        .await;
    };
    let stored = store::password_hash_of(&app.db, account.id)
        .await?
        .unwrap_or_default();
    let current = form.current.clone();
    let verified = tokio::task::spawn_blocking(move || password::verify(&stored, &current))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))?;
    if verified == Verified::No {
        errors.add("current", "err-password-wrong");
    } else {
        store::secret_was_right(&app.db, taken).await?;
    }
    password::check_policy(&form.password, &account.email, "password", &mut errors);
    if form.password != form.password_confirm {
        errors.add("password_confirm", "err-password-mismatch");
    }
    if !errors.is_empty() {
        return account_page(
            &app,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            false,
            None,
        )
        .await;
    }
    let hash = actions::hash_password(form.password).await?;
    store::set_password_hash(&app.db, account.id, &hash).await?;
    // A new password ends every session and every API token: whoever knew
    // the old one may have made either.
    store::delete_sessions_of(&app.db, account.id).await?;
    let mut tx = app.db.write().await?;
    store::revoke_tokens_of(&mut tx, account.id).await?;
    tx.commit().await?;
    store::audit(&app.db, Some(account.id), "password_changed", "").await?;
    let session = super::pages::start_session(&app.db, account.id).await?;
    let mut response = see_other("/account?changed=1");
    response.headers_mut().append(header::SET_COOKIE, session);
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct ZoneForm {
    #[serde(default)]
    time_zone: String,
}

/// The zone times are shown in for this account.
async fn change_time_zone(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ZoneForm>,
) -> Result<Response, AppError> {
    let account = ctx.account().cloned().ok_or(AppError::Unauthenticated)?;
    let typed = form.time_zone.trim();
    let canonical = crate::common::clock::zone_name(typed);
    let zone = canonical.as_deref().unwrap_or(typed);
    if !typed.is_empty() && canonical.is_none() {
        let mut errors = FieldErrors::new();
        errors.add("time_zone", "err-time-zone");
        return account_page(
            &app,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            false,
            None,
        )
        .await;
    }
    store::set_time_zone(&app.db, account.id, Some(zone).filter(|z| !z.is_empty())).await?;
    Ok(see_other("/account"))
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    token_name: String,
    /// Days until it stops working by itself; empty for never.
    #[serde(default)]
    expires_in_days: String,
}

/// A new API token for one's own account, shown once on the page.
async fn create_token(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let account = ctx.account().cloned().ok_or(AppError::Unauthenticated)?;
    let mut errors = FieldErrors::new();
    let name = crate::common::input::required_line(
        Some(&form.token_name),
        None,
        "token_name",
        80,
        &mut errors,
    );
    let days = form.expires_in_days.trim();
    let expires_at = if days.is_empty() {
        None
    } else {
        match days.parse::<i64>() {
            Ok(d) if (1..=3650).contains(&d) => Some(crate::common::clock::now() + d * 86_400),
            _ => {
                errors.add_with("expires_in_days", "err-range", "1–3650");
                None
            }
        }
    };
    if !errors.is_empty() {
        return account_page(
            &app,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            false,
            None,
        )
        .await;
    }
    let name = name.unwrap_or_default();
    let token = format!(
        "{}{}",
        crate::auth::TOKEN_PREFIX,
        crate::auth::random_hex(20)
    );
    let id = store::create_token(
        &app.db,
        account.id,
        &name,
        &crate::auth::sha256_hex(&token),
        expires_at,
    )
    .await?;
    store::audit(
        &app.db,
        Some(account.id),
        "token_created",
        &format!("token={id}"),
    )
    .await?;
    account_page(
        &app,
        ctx,
        StatusCode::OK,
        FieldErrors::new(),
        false,
        Some(token),
    )
    .await
}

/// Revokes one of one's own tokens; another account's is "not found".
async fn revoke_token(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<i64>,
) -> Result<Response, AppError> {
    let account = ctx.account().cloned().ok_or(AppError::Unauthenticated)?;
    if store::revoke_token(&app.db, id, Some(account.id))
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    store::audit(
        &app.db,
        Some(account.id),
        "token_revoked",
        &format!("token={id}"),
    )
    .await?;
    Ok(see_other("/account#tokens"))
}

#[derive(Template)]
#[template(path = "accounts/accounts.html")]
struct AccountsPage {
    ctx: Ctx,
    accounts: Vec<store::AccountRow>,
    branches: Vec<Branch>,
    form: NewAccountForm,
    errors: FieldErrors,
}

impl AccountsPage {
    fn roles(&self) -> [Role; 4] {
        Role::ALL
    }

    fn branch_name(&self, id: &BranchId) -> String {
        self.branches
            .iter()
            .find(|b| b.id == *id)
            .map(|b| self.ctx.tr.pick(&b.name, &b.name_uk).to_owned())
            .unwrap_or_else(|| id.to_string())
    }

    fn chosen(&self, id: &BranchId) -> bool {
        self.form.branch_ids().contains(id)
    }
}

#[derive(Deserialize, Default)]
pub struct NewAccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    /// Branch ids, comma-separated (the form's checkboxes are joined by the
    /// handler, since a form sends one field per ticked box).
    #[serde(default)]
    branches: String,
    #[serde(default)]
    password: String,
}

impl NewAccountForm {
    fn branch_ids(&self) -> Vec<BranchId> {
        self.branches
            .split(',')
            .filter_map(|b| b.trim().parse().ok())
            .collect()
    }
}

async fn accounts_page(
    app: &AppState,
    ctx: Ctx,
    form: NewAccountForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let accounts = store::list_accounts(&app.db).await?;
    let branches = directory::branches_by_scope(&app.db, &crate::auth::Scope::All).await?;
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        AccountsPage {
            ctx,
            accounts,
            branches,
            form,
            errors,
        },
    )
}

async fn accounts(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    accounts_page(&app, ctx, NewAccountForm::default(), FieldErrors::new()).await
}

async fn create_account(
    State(app): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    // Several `branch` fields arrive for several ticked boxes.
    let pairs = form_pairs(&body)?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut form = NewAccountForm {
        email: field("email"),
        name: field("name"),
        role: field("role"),
        branches: pairs
            .iter()
            .filter(|(k, _)| k == "branch")
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(","),
        password: field("password"),
    };
    let branches = form.branch_ids();
    let created = actions::create_account(
        &app.db,
        ctx.account().map(|a| a.id),
        NewAccount {
            email: &form.email,
            name: Some(&form.name),
            role: &form.role,
            branches: &branches,
            password: &form.password,
            lang: None,
        },
    )
    .await;
    match created {
        Ok(_) => Ok(see_other("/admin/accounts")),
        Err(e) => {
            let errors = form_errors(e)?;
            form.password.clear();
            accounts_page(&app, ctx, form, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/account_edit.html")]
struct EditAccountPage {
    ctx: Ctx,
    account: store::AccountRow,
    /// The role and branches as chosen (the stored ones, or what was sent).
    role: String,
    chosen: Vec<BranchId>,
    branches: Vec<Branch>,
    errors: FieldErrors,
}

impl EditAccountPage {
    fn roles(&self) -> [Role; 4] {
        Role::ALL
    }

    fn chosen(&self, id: &BranchId) -> bool {
        self.chosen.contains(id)
    }
}

async fn edit_account_page(
    app: &AppState,
    ctx: Ctx,
    id: UserId,
    chosen: Option<(String, Vec<BranchId>)>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let account = store::account_row(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (role, chosen) =
        chosen.unwrap_or_else(|| (account.role.as_str().to_owned(), account.branches.clone()));
    let branches = directory::branches_by_scope(&app.db, &crate::auth::Scope::All).await?;
    page_with_status(
        crate::web::form_status(&errors),
        EditAccountPage {
            ctx,
            account,
            role,
            chosen,
            branches,
            errors,
        },
    )
}

/// An account's role and branches, for an administrator to change.
async fn edit_account(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UserId>,
) -> Result<Response, AppError> {
    edit_account_page(&app, ctx, id, None, FieldErrors::new()).await
}

async fn save_account(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UserId>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let pairs = form_pairs(&body)?;
    let role = pairs
        .iter()
        .find(|(k, _)| k == "role")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut errors = FieldErrors::new();
    let branches: Vec<BranchId> = pairs
        .iter()
        .filter(|(k, _)| k == "branch")
        .filter_map(|(_, v)| match v.trim().parse() {
            Ok(b) => Some(b),
            Err(_) => {
                errors.add("branches", "err-unknown-branch");
                None
            }
        })
        .collect();
    let result = match errors.is_empty() {
        true => {
            actions::change_role(&app.db, ctx.account().map(|a| a.id), id, &role, &branches).await
        }
        false => Err(errors.into()),
    };
    match result {
        Ok(()) => Ok(see_other("/admin/accounts")),
        Err(e) => {
            let errors = form_errors(e)?;
            edit_account_page(&app, ctx, id, Some((role, branches)), errors).await
        }
    }
}

/// A form's fields in order, a name as often as it was sent (one `branch`
/// per ticked box).
fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    crate::web::extract::check_encoded(body)?;
    serde_urlencoded::from_bytes(body).map_err(|e| AppError::Malformed(e.to_string()))
}

async fn set_disabled(
    app: &AppState,
    ctx: &Ctx,
    id: UserId,
    disabled: bool,
) -> Result<Response, AppError> {
    let target = store::account_row(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if disabled
        && target.role == Role::Admin
        && !target.disabled
        && store::active_admins(&app.db).await? <= 1
    {
        return Err(AppError::conflict("last_admin", "err-last-admin"));
    }
    store::set_disabled(&app.db, id, disabled).await?;
    let action = if disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    store::audit(
        &app.db,
        ctx.account().map(|a| a.id),
        action,
        &format!("account={id}"),
    )
    .await?;
    Ok(see_other("/admin/accounts"))
}

async fn disable(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UserId>,
) -> Result<Response, AppError> {
    set_disabled(&app, &ctx, id, true).await
}

async fn enable(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UserId>,
) -> Result<Response, AppError> {
    set_disabled(&app, &ctx, id, false).await
}
