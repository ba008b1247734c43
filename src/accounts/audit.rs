//! The audit log as administrators read it: who signed in, who changed an
//! account, who agreed to a twinning for a branch, and above all who was
//! shown which partner at risk, and when. Filtered by action, account,
//! record and dates, as a page and as the API.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::store::{self, AuditEntry, AuditFilter};
use crate::auth::Action;
use crate::common::clock;
use crate::common::input::{self, FieldErrors};
use crate::common::paging::Paging;
use crate::web::error::AppError;
use crate::web::extract::Query;
use crate::web::lists::{ListJson, Pager};
use crate::web::routes::{schema, ApiDoc};
use crate::web::{page_with_status, AppState, Ctx, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/admin/audit", Action::ViewAuditLog, audit_page),
        Route::get("/api/v1/audit-log", Action::ViewAuditLog, audit_api).doc(ApiDoc {
            query: &[
                (
                    "action",
                    "One action, such as `view_at_risk` or `login_failed`",
                ),
                (
                    "user",
                    "Part of the acting account's e-mail address or name",
                ),
                (
                    "record",
                    "One record as the log names it: `branch=5`, `person=12`",
                ),
                ("from", "From this day (YYYY-MM-DD, London time)"),
                ("to", "Up to and including this day"),
            ],
            list: true,
            ..ApiDoc::new(
                "accounts",
                "The audit log, newest first (administrators)",
                None,
                Some(schema::<AuditJson>()),
                200,
            )
        }),
    ]
}

/// The filters, as typed in the page's form or the API's query string.
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<String>,
    per_page: Option<String>,
}

impl AuditQuery {
    /// The filter, or what is wrong with the dates.
    fn filter(&self, errors: &mut FieldErrors) -> AuditFilter {
        let from = input::date(Some(&self.from), None, "from", errors);
        let to = input::date(Some(&self.to), None, "to", errors);
        AuditFilter {
            action: Some(self.action.clone()),
            user: Some(self.user.clone()),
            record: Some(self.record.clone()),
            from: from.map(clock::start_of),
            // Up to and including the last day chosen.
            until: to.and_then(|d| d.tomorrow().ok()).map(clock::start_of),
        }
    }
}

/// One row of the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditJson {
    pub id: i64,
    pub at: String,
    /// The account that acted; null for a visitor or the system.
    pub user_id: Option<i64>,
    pub user_email: Option<String>,
    pub action: String,
    /// What was acted on, as `key=value` words (`branch=5`, `person=12`).
    pub detail: String,
}

impl From<AuditEntry> for AuditJson {
    fn from(e: AuditEntry) -> AuditJson {
        AuditJson {
            id: e.id,
            at: clock::rfc3339(e.at),
            user_id: e.user_id.map(|u| u.0),
            user_email: e.user_email,
            action: e.action,
            detail: e.detail,
        }
    }
}

async fn audit_api(
    State(app): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let filter = q.filter(&mut errors);
    errors.into_result()?;
    let (rows, total) = store::list_audit(&app.db, &filter, paging).await?;
    Ok(ListJson::page(
        rows.into_iter().map(AuditJson::from),
        paging,
        total,
    ))
}

#[derive(Template)]
#[template(path = "accounts/audit.html")]
struct AuditPage {
    ctx: Ctx,
    query: AuditQuery,
    actions: Vec<String>,
    rows: Vec<AuditEntry>,
    errors: FieldErrors,
    pager: Pager,
}

impl AuditPage {
    /// When, in the reader's zone.
    fn when(&self, at: &i64) -> String {
        let zone = self
            .ctx
            .account()
            .and_then(|a| a.time_zone.clone())
            .unwrap_or_else(|| clock::CAMPAIGN_ZONE.to_owned());
        clock::format(&self.ctx.tr, *at, &zone)
    }

    /// Who acted: their name and address, or "—" for a visitor.
    fn who(&self, e: &AuditEntry) -> String {
        match (&e.user_name, &e.user_email) {
            (Some(n), Some(m)) => format!("{n} <{m}>"),
            _ => "—".to_owned(),
        }
    }
}

async fn audit_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse(query.page.as_deref(), None);
    let mut errors = FieldErrors::new();
    let filter = query.filter(&mut errors);
    let (rows, total) = if errors.is_empty() {
        store::list_audit(&app.db, &filter, paging).await?
    } else {
        (Vec::new(), 0)
    };
    let actions = store::audit_actions(&app.db).await?;
    let pager = Pager::new(
        paging,
        total,
        &[
            ("action", &query.action),
            ("user", &query.user),
            ("record", &query.record),
            ("from", &query.from),
            ("to", &query.to),
        ],
    );
    page_with_status(
        crate::web::form_status(&errors),
        AuditPage {
            ctx,
            query,
            actions,
            rows,
            errors,
            pager,
        },
    )
}
