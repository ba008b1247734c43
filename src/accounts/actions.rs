//! What the administrators' page, `solidarnist user add` and the demo data
//! set all do to make an account: check everything a person could get
//! wrong, each problem named on its field, hash the password off the async
//! runtime, and record who made the account in the audit log.

use crate::auth::{password, store, Role, UserId};
use crate::common::ids::BranchId;
use crate::common::input::{is_plausible_email, line, normalise_email, FieldErrors};
use crate::db::{Conn, Db};
use crate::directory::store as directory;
use crate::i18n::Lang;
use crate::web::error::AppError;

/// A new account as a person asks for it.
pub struct NewAccount<'a> {
    pub email: &'a str,
    /// Shown to others; the part of the address before `@` when left out.
    pub name: Option<&'a str>,
    /// `admin`, `coordinator`, `branch_officer` or `speaker`.
    pub role: &'a str,
    /// The branches a branch officer acts for (and only they have some).
    pub branches: &'a [BranchId],
    pub password: &'a str,
    /// The account's language, or `None` to follow the browser.
    pub lang: Option<Lang>,
}

/// Hashing is slow on purpose; it runs beside the async runtime.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))
}

/// A new account whose every field passed the checks, its password hashed.
pub struct CheckedAccount {
    email: String,
    name: String,
    role: Role,
    branches: Vec<BranchId>,
    password_hash: String,
    lang: Option<Lang>,
}

/// Checks a new account: each problem named on its field.
pub async fn check_account(db: &Db, new: NewAccount<'_>) -> Result<CheckedAccount, AppError> {
    let mut errors = FieldErrors::new();
    let email = normalise_email(new.email);
    if !is_plausible_email(&email) {
        errors.add("email", "err-email");
    }
    let typed_name = new.name.filter(|n| !n.trim().is_empty());
    let name = match typed_name {
        Some(n) => line(Some(n), None, "name", 200, true, &mut errors),
        None => email.split('@').next().unwrap_or("").to_owned(),
    };
    let role = check_role(db, new.role, new.branches, &mut errors).await?;
    password::check_policy(new.password, &email, "password", &mut errors);
    let (Some(role), true) = (role, errors.is_empty()) else {
        return Err(errors.into());
    };
    Ok(CheckedAccount {
        password_hash: hash_password(new.password.to_owned()).await?,
        email,
        name,
        role,
        branches: new.branches.to_vec(),
        lang: new.lang,
    })
}

/// A role and the branches that go with it: only a branch officer has
/// branches, and needs at least one, each of them real.
async fn check_role(
    db: &Db,
    role: &str,
    branches: &[BranchId],
    errors: &mut FieldErrors,
) -> Result<Option<Role>, AppError> {
    let role = Role::parse(role);
    match role {
        None => errors.add("role", "err-choice"),
        Some(Role::BranchOfficer) if branches.is_empty() => {
            errors.add("branches", "err-officer-needs-branch")
        }
        Some(Role::BranchOfficer) => {}
        Some(_) if !branches.is_empty() => errors.add("branches", "err-only-officers-branches"),
        Some(_) => {}
    }
    for b in branches {
        if directory::get_branch(db, *b).await?.is_none() {
            errors.add("branches", "err-unknown-branch");
        }
    }
    Ok(role)
}

/// An administrator changes an account's role and branches; it takes
/// effect on the account's next request, sessions and tokens included.
/// The last active administrator keeps the role.
pub async fn change_role(
    db: &Db,
    by: Option<UserId>,
    user: UserId,
    role: &str,
    branches: &[BranchId],
) -> Result<(), AppError> {
    let current = store::account_row(db, user)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let role = check_role(db, role, branches, &mut errors).await?;
    let (Some(role), true) = (role, errors.is_empty()) else {
        return Err(errors.into());
    };
    if current.role == Role::Admin
        && role != Role::Admin
        && !current.disabled
        && store::active_admins(db).await? <= 1
    {
        return Err(AppError::conflict("last_admin", "err-last-admin"));
    }
    let mut tx = db.write().await?;
    store::set_role(&mut tx, user, role, branches).await?;
    tx.commit().await?;
    let ids: Vec<String> = branches.iter().map(|b| b.to_string()).collect();
    store::audit(
        db,
        by,
        "account_changed",
        &format!(
            "account={user} role={} branches={}",
            role.as_str(),
            ids.join(",")
        ),
    )
    .await?;
    Ok(())
}

/// Writes a checked account inside the caller's transaction; an address
/// already in use is a duplicate.
pub async fn insert_account(conn: &mut Conn, a: &CheckedAccount) -> Result<UserId, AppError> {
    store::create_user(
        conn,
        store::NewUser {
            email: &a.email,
            name: &a.name,
            role: a.role,
            password_hash: &a.password_hash,
            branches: &a.branches,
            lang: a.lang,
        },
    )
    .await
    .map_err(AppError::duplicate_of("email", "err-account-exists"))
}

/// Creates an account. `by` is the administrator who made it (none for the
/// command line and the demo), for the audit log.
pub async fn create_account(
    db: &Db,
    by: Option<UserId>,
    new: NewAccount<'_>,
) -> Result<UserId, AppError> {
    let account = check_account(db, new).await?;
    let mut tx = db.write().await?;
    let id = insert_account(&mut tx, &account).await?;
    tx.commit().await?;
    store::audit(
        db,
        by,
        "account_created",
        &format!("account={id} role={}", account.role.as_str()),
    )
    .await?;
    Ok(id)
}
