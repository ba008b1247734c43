//! The links pages: the list with the form for a new link, a link's page
//! with its QR code, clicks by day (table and chart) and branch copies, and
//! the public side: the redirect when it is not answered from memory, the
//! "this link has ended" page, and the QR code files.

use crate::common::actions::{CampaignAction, ACTIONS};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::actions::{self, Stats};
use super::api::branch_of;
use super::model::*;
use super::redirects;
use super::store;
use crate::auth::{Action, Scope};
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::directory::model::Branch;
use crate::directory::store as directory;
use crate::qr::Drawing;
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Query};
use crate::web::lists::Pager;
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

/// The public redirect, for what the in-memory path did not answer: a link
/// made moments ago by another instance, an ended link, or none at all.
pub async fn follow(
    State(app): State<AppState>,
    ctx: Ctx,
    method: axum::http::Method,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let mut conn = app.db.conn().await?;
    let link = store::by_slug(&mut conn, &slug).await?;
    drop(conn);
    let now = crate::common::clock::now();
    let Some(link) = link else {
        return missing(&app, ctx, &slug, false).await;
    };
    if link.expired(now) {
        return missing(&app, ctx, &slug, true).await;
    }
    redirects(&app)?.reload(&app.db).await?;
    match redirects(&app)?.live(&slug) {
        Some(target) => Ok(target.redirect(&method)),
        None => missing(&app, ctx, &slug, false).await,
    }
}

#[derive(Template)]
#[template(path = "links/missing.html")]
struct MissingPage {
    ctx: Ctx,
    /// The link existed and has ended (410), rather than never existed (404).
    ended: bool,
    /// The live link the typed one most likely meant.
    meant: Option<String>,
    /// The campaign's current links, appeals first.
    current: Vec<Link>,
}

/// A friendly page for a short link that is mistyped or over: what it was
/// most likely meant to be, and the campaign's current links, instead of a
/// bare "not found" for someone who scanned a leaflet.
async fn missing(app: &AppState, ctx: Ctx, slug: &str, ended: bool) -> Result<Response, AppError> {
    let mut current = store::live_originals(&app.db, crate::common::clock::now(), 500).await?;
    let meant = if ended {
        None
    } else {
        closest_slug(slug, current.iter().map(|l| l.slug.as_str())).map(str::to_owned)
    };
    current.truncate(6);
    let status = if ended {
        axum::http::StatusCode::GONE
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    page_with_status(
        status,
        MissingPage {
            ctx,
            ended,
            meant,
            current,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct QrQuery {
    size: Option<String>,
    margin: Option<String>,
}

impl QrQuery {
    fn drawing(&self) -> Result<Drawing, AppError> {
        let number =
            |value: &Option<String>, name: &str, default: u32, min: u32, max: u32| match value
                .as_deref()
                .map(str::trim)
            {
                None | Some("") => Ok(default),
                Some(text) => text
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| {
                        AppError::Malformed(format!(
                            "{name} must be a whole number from {min} to {max}"
                        ))
                    }),
            };
        Ok(Drawing {
            size: number(
                &self.size,
                "size",
                Drawing::DEFAULT.size,
                Drawing::MIN_SIZE,
                Drawing::MAX_SIZE,
            )?,
            margin: number(
                &self.margin,
                "margin",
                Drawing::DEFAULT.margin,
                0,
                Drawing::MAX_MARGIN,
            )?,
        })
    }
}

async fn qr_target(app: &AppState, slug: &str) -> Result<String, AppError> {
    let mut conn = app.db.conn().await?;
    let link = store::by_slug(&mut conn, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(format!("{}/s/{}", app.base_url, link.slug))
}

fn image(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /s/{slug}/qr.svg`: the short address as a QR code, for print.
pub async fn qr_svg(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<QrQuery>,
) -> Result<Response, AppError> {
    let drawing = q.drawing()?;
    let url = qr_target(&app, &slug).await?;
    let svg = crate::qr::svg_file(&url, drawing).ok_or(AppError::NotFound)?;
    Ok(image("image/svg+xml", svg.into_bytes()))
}

/// `GET /s/{slug}/qr.png`: the same code as a PNG image.
pub async fn qr_png(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<QrQuery>,
) -> Result<Response, AppError> {
    let drawing = q.drawing()?;
    let url = qr_target(&app, &slug).await?;
    let png = crate::qr::png(&url, drawing).ok_or(AppError::NotFound)?;
    Ok(image("image/png", png))
}

#[derive(Template)]
#[template(path = "links/poster.html")]
struct PosterPage {
    ctx: Ctx,
    title: String,
    slug: String,
    short_url: String,
}

/// `GET /s/{slug}/poster`: an A5 poster of a link — title, QR code and short
/// address — that prints cleanly from any browser.
pub async fn poster(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let mut conn = app.db.conn().await?;
    let link = store::by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if link.expired(crate::common::clock::now()) {
        return Err(AppError::Gone);
    }
    // The title of the appeal or statement it promotes, in the reader's
    // language, else the action's.
    let promoted = store::promoted_titles(&mut conn, &link)
        .await?
        .map(|(en, uk)| ctx.tr.either(&en, &uk).to_owned());
    let action_title = link
        .action
        .as_deref()
        .and_then(CampaignAction::find)
        .map(|a| ctx.tr.t(&a.title_key()));
    let title = Some(link.title.clone())
        .filter(|t| !t.is_empty())
        .or(promoted)
        .or(action_title)
        .unwrap_or_default();
    page(PosterPage {
        title: if title.is_empty() {
            ctx.tr.t("poster-default-title")
        } else {
            title
        },
        short_url: format!("{}/s/{}", app.base_url, link.slug),
        slug: link.slug,
        ctx,
    })
}

#[derive(Template)]
#[template(path = "links/list.html")]
struct ListPage {
    ctx: Ctx,
    base_url: String,
    items: Vec<Link>,
    pager: Pager,
    form: LinkForm,
    errors: FieldErrors,
}

impl ListPage {
    fn ended(&self, l: &Link) -> bool {
        l.expired(crate::common::clock::now())
    }

    fn actions(&self) -> Vec<(String, String)> {
        action_choices(&self.ctx)
    }
}

/// The six actions, for a link's "promotes" choice.
fn action_choices(ctx: &Ctx) -> Vec<(String, String)> {
    ACTIONS
        .iter()
        .map(|a| (a.key.to_owned(), ctx.tr.t(&a.title_key())))
        .collect()
}

#[derive(Deserialize, Default, Clone)]
pub struct LinkForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    target_url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    appeal_id: String,
    #[serde(default)]
    statement_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    version: String,
}

impl LinkForm {
    fn input(&self) -> LinkInput {
        LinkInput {
            slug: Some(self.slug.clone()),
            target_url: Some(self.target_url.clone()),
            title: Some(self.title.clone()),
            appeal_id: Some(Loose::Text(self.appeal_id.clone())),
            statement_id: Some(Loose::Text(self.statement_id.clone())),
            action: Some(self.action.clone()),
            expires_on: Some(self.expires_on.clone()),
            version: (!self.version.is_empty()).then(|| Loose::Text(self.version.clone())),
        }
    }

    fn from_link(l: &Link) -> LinkForm {
        LinkForm {
            slug: l.slug.clone(),
            target_url: l.target_url.clone(),
            title: l.title.clone(),
            appeal_id: l.appeal_id.map(|a| a.0.to_string()).unwrap_or_default(),
            statement_id: l.statement_id.map(|s| s.0.to_string()).unwrap_or_default(),
            action: l.action.clone().unwrap_or_default(),
            expires_on: l.expires_on().map(|d| d.to_string()).unwrap_or_default(),
            version: l.version.to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<String>,
}

async fn list_page(
    app: &AppState,
    ctx: Ctx,
    page: Option<&str>,
    form: LinkForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let paging = Paging::parse(page, None);
    let own = actions::list_scope(&ctx.principal);
    let (items, total) = store::list(&app.db, own.as_deref(), paging).await?;
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        ListPage {
            ctx,
            base_url: app.base_url.to_string(),
            items,
            pager: Pager::new(paging, total, &[]),
            form,
            errors,
        },
    )
}

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    list_page(
        &app,
        ctx,
        q.page.as_deref(),
        LinkForm::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    match actions::create(&app.db, &ctx.principal, &form.input()).await {
        Ok(link) => {
            redirects(&app)?.reload(&app.db).await?;
            Ok(see_other(&format!("/links/{}", link.id)))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            list_page(&app, ctx, None, form, errors).await
        }
    }
}

/// One day's bar in the chart.
pub struct Bar {
    pub date: String,
    pub clicks: i64,
    pub x: usize,
    pub height: i64,
}

#[derive(Template)]
#[template(path = "links/show.html")]
struct ShowPage {
    ctx: Ctx,
    short_url: String,
    stats: Stats,
    /// The last 30 days, oldest first, with the chart's geometry.
    bars: Vec<Bar>,
    /// Branches the caller may make a copy for.
    branches: Vec<Branch>,
    form: LinkForm,
    errors: FieldErrors,
}

impl ShowPage {
    fn actions(&self) -> Vec<(String, String)> {
        action_choices(&self.ctx)
    }

    fn may_edit(&self) -> bool {
        self.ctx.may(Action::ManageLinks) && self.stats.link.parent_id.is_none()
    }

    fn sees_own_clicks(&self) -> bool {
        self.stats.link.branch_id.is_some() || self.ctx.may(Action::ManageLinks)
    }

    fn chart_label(&self) -> String {
        self.ctx.tr.t1(
            "link-chart-label",
            "arg",
            self.bars.iter().map(|b| b.clicks).sum::<i64>(),
        )
    }

    fn branch_name(&self, id: &Option<crate::directory::BranchId>) -> String {
        id.and_then(|id| self.branches.iter().find(|b| b.id == id))
            .map(|b| b.name.clone())
            .or_else(|| id.map(|id| format!("#{}", id.0)))
            .unwrap_or_default()
    }
}

/// Thirty days of clicks, ending today, scaled to a chart 100 high.
fn bars(daily: &[(String, i64)]) -> Vec<Bar> {
    let today = crate::common::clock::today();
    let days: Vec<(String, i64)> = (0..30)
        .rev()
        .filter_map(|back| today.checked_sub(jiff::Span::new().days(back)).ok())
        .map(|d| {
            let date = d.to_string();
            let clicks = daily
                .iter()
                .find(|(day, _)| *day == date)
                .map_or(0, |(_, n)| *n);
            (date, clicks)
        })
        .collect();
    let top = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    days.into_iter()
        .enumerate()
        .map(|(i, (date, clicks))| Bar {
            date,
            clicks,
            x: i * 10,
            height: clicks * 100 / top,
        })
        .collect()
}

async fn show_page(
    app: &AppState,
    ctx: Ctx,
    id: &str,
    form: Option<LinkForm>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let stats = actions::stats(&app.db, &ctx.principal, id).await?;
    let branches = match ctx.principal.scope(Action::BranchLinks) {
        Scope::Nothing => Vec::new(),
        scope => directory::branches_by_scope(&app.db, &scope).await?,
    };
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        ShowPage {
            short_url: format!("{}/s/{}", app.base_url, stats.link.slug),
            bars: bars(&stats.daily),
            form: form.unwrap_or_else(|| LinkForm::from_link(&stats.link)),
            ctx,
            stats,
            branches,
            errors,
        },
    )
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    show_page(&app, ctx, &id, None, FieldErrors::new()).await
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    match actions::edit(&app.db, &id, &form.input()).await {
        Ok(link) => {
            redirects(&app)?.reload(&app.db).await?;
            Ok(see_other(&format!("/links/{}", link.id)))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            show_page(&app, ctx, &id, Some(form), errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct CopyForm {
    #[serde(default)]
    branch_id: String,
}

pub async fn copy(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CopyForm>,
) -> Result<Response, AppError> {
    let made = match branch_of(Some(&Loose::Text(form.branch_id.clone()))) {
        Ok(branch) => actions::copy_for_branch(&app.db, &ctx.principal, &id, branch).await,
        Err(e) => Err(e),
    };
    match made {
        Ok((copy, _)) => {
            redirects(&app)?.reload(&app.db).await?;
            Ok(see_other(&format!("/links/{}", copy.id)))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            show_page(&app, ctx, &id, None, errors).await
        }
    }
}
