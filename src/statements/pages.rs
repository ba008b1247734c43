//! The statements pages: the public list and page in the reader's language
//! (saying when it is a translation, and whether that was checked), the
//! Atom feed, and the coordinators' form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::actions;
use super::model::*;
use super::store;
use crate::common::clock::{self, rfc3339};
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::i18n::Lang;
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Query};
use crate::web::lists::Pager;
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

#[derive(Template)]
#[template(path = "statements/list.html")]
struct ListPage {
    ctx: Ctx,
    items: Vec<Statement>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<String>,
}

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse(q.page.as_deref(), None);
    let (items, total) = store::list(&app.db, paging).await?;
    page(ListPage {
        ctx,
        items,
        pager: Pager::new(paging, total, &[]),
    })
}

#[derive(Template)]
#[template(path = "statements/show.html")]
struct ShowPage {
    ctx: Ctx,
    s: Statement,
}

impl ShowPage {
    fn title(&self) -> &str {
        self.s.title_in(self.ctx.lang)
    }

    fn body_html(&self) -> String {
        crate::markdown::render(self.s.body_in(self.ctx.lang))
    }

    /// The note under the title: a translation, checked or not.
    fn translation_note(&self) -> Option<String> {
        if !self.s.translated_in(self.ctx.lang) {
            return None;
        }
        let from = self.ctx.tr.t(match self.s.original {
            Lang::En => "statement-from-en",
            Lang::Uk => "statement-from-uk",
        });
        Some(if self.s.translation_reviewed {
            self.ctx.tr.t1("statement-translated-reviewed", "arg", from)
        } else {
            self.ctx
                .tr
                .t1("statement-translated-unreviewed", "arg", from)
        })
    }

    /// Shown in the original language only because there is no translation yet.
    fn untranslated(&self) -> bool {
        self.ctx.lang != self.s.original && !self.s.translated_in(self.ctx.lang)
    }
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = actions::get(&app.db, &id).await?;
    page(ShowPage { ctx, s })
}

/// The Atom feed, escaped by the template like every page.
#[derive(Template)]
#[template(path = "statements/feed.xml")]
struct Feed {
    lang: &'static str,
    title: String,
    base: String,
    self_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

struct FeedEntry {
    title: String,
    url: String,
    published: String,
    updated: String,
    author: String,
    /// The statement rendered from Markdown: sent as text the reader's
    /// program shows as HTML (`type="html"`), so the template escapes it.
    html: String,
}

/// `GET /statements/feed.atom`: the newest fifty, in the reader's language
/// (`?lang=uk` for Ukrainian).
pub async fn feed(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let (items, _) = store::list(
        &app.db,
        Paging {
            page: 1,
            per_page: 50,
        },
    )
    .await?;
    let base = app.base_url.to_string();
    let lang = ctx.lang;
    let feed = Feed {
        lang: lang.code(),
        title: ctx.tr.t("statements-feed-title"),
        self_url: format!("{base}/statements/feed.atom?lang={}", lang.code()),
        updated: rfc3339(items.iter().map(|s| s.updated_at).max().unwrap_or(0)),
        entries: items
            .iter()
            .map(|s| FeedEntry {
                title: s.title_in(lang).to_owned(),
                url: format!("{base}/statements/{}", s.slug),
                published: rfc3339(clock::start_of(s.published_on)),
                updated: rfc3339(s.updated_at),
                author: s.source.clone(),
                html: crate::markdown::render(s.body_in(lang)),
            })
            .collect(),
        base,
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        feed.render()?,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "statements/form.html")]
struct FormPage {
    ctx: Ctx,
    /// The statement being edited; `None` for a new one.
    editing: Option<Statement>,
    form: StatementForm,
    errors: FieldErrors,
}

impl FormPage {
    fn langs(&self) -> Vec<(String, String)> {
        Lang::ALL
            .iter()
            .map(|l| (l.code().to_owned(), l.native_name().to_owned()))
            .collect()
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct StatementForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    title_uk: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    body_uk: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    source_url: String,
    #[serde(default)]
    published_on: String,
    #[serde(default)]
    original: String,
    #[serde(default)]
    translation_reviewed: Option<String>,
    #[serde(default)]
    version: String,
}

impl StatementForm {
    fn input(&self) -> StatementInput {
        StatementInput {
            slug: Some(self.slug.clone()),
            title: Some(self.title.clone()),
            title_uk: Some(self.title_uk.clone()),
            body: Some(self.body.clone()),
            body_uk: Some(self.body_uk.clone()),
            source: Some(self.source.clone()),
            source_url: Some(self.source_url.clone()),
            published_on: Some(self.published_on.clone()),
            original: Some(self.original.clone()),
            translation_reviewed: Some(Loose::Bool(self.translation_reviewed.is_some())),
            version: (!self.version.is_empty()).then(|| Loose::Text(self.version.clone())),
        }
    }

    fn from_statement(s: &Statement) -> StatementForm {
        StatementForm {
            slug: s.slug.clone(),
            title: s.title.clone(),
            title_uk: s.title_uk.clone(),
            body: s.body.clone(),
            body_uk: s.body_uk.clone(),
            source: s.source.clone(),
            source_url: s.source_url.clone(),
            published_on: s.published_on.to_string(),
            original: s.original.code().to_owned(),
            translation_reviewed: s.translation_reviewed.then(|| "on".to_owned()),
            version: s.version.to_string(),
        }
    }
}

fn form_page(
    ctx: Ctx,
    editing: Option<Statement>,
    form: StatementForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        FormPage {
            ctx,
            editing,
            form,
            errors,
        },
    )
}

pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    let form = StatementForm {
        original: "en".into(),
        published_on: crate::common::clock::today().to_string(),
        ..Default::default()
    };
    form_page(ctx, None, form, FieldErrors::new())
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<StatementForm>,
) -> Result<Response, AppError> {
    match actions::create(&app.db, &form.input()).await {
        Ok(s) => Ok(see_other(&format!("/statements/{}", s.slug))),
        Err(e) => form_page(ctx, None, form, form_errors(e)?),
    }
}

pub async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = actions::get(&app.db, &id).await?;
    let form = StatementForm::from_statement(&s);
    form_page(ctx, Some(s), form, FieldErrors::new())
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<StatementForm>,
) -> Result<Response, AppError> {
    match actions::edit(&app.db, &id, &form.input()).await {
        Ok(s) => Ok(see_other(&format!("/statements/{}", s.slug))),
        Err(e) => {
            let current = actions::get(&app.db, &id).await?;
            form_page(ctx, Some(current), form, form_errors(e)?)
        }
    }
}
