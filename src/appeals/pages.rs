//! The appeals pages: the public list and appeal page with its progress in
//! every currency, pledge forms for branches and visitors (each carrying a
//! key of its own, so a double click records one pledge), and the
//! coordinators' forms and receipts.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::actions::{self, Full};
use super::model::*;
use super::store;
use crate::auth::{Action, Principal, Scope};
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::directory::model::Branch;
use crate::directory::store as directory;
use crate::money::{Currency, Money};
use crate::web::cache::{CSRF_SLOT, KEY_SLOT};
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Id};
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

#[derive(Template)]
#[template(path = "appeals/list.html")]
struct AppealsPage {
    ctx: Ctx,
    appeals: Vec<Full>,
}

impl AppealsPage {
    fn raised(&self, t: &Total) -> String {
        raised_text(&self.ctx.tr, t)
    }
}

/// "£1,250.00 received, £300.00 pledged" in the reader's language.
pub fn raised_text(tr: &crate::i18n::Tr, t: &Total) -> String {
    let received = Money {
        amount_minor: t.received_minor,
        currency: t.currency,
    };
    let pledged = Money {
        amount_minor: t.pledged_minor,
        currency: t.currency,
    };
    tr.with(
        "appeal-raised",
        &[
            ("received", received.display()),
            ("pledged", pledged.display()),
        ],
    )
}

pub async fn appeals(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let paging = Paging {
        page: 1,
        per_page: 100,
    };
    let (list, _) = store::list_appeals(&app.db, ctx.may(Action::ManageAppeals), paging).await?;
    let mut conn = app.db.conn().await?;
    let mut appeals = Vec::with_capacity(list.len());
    for appeal in list {
        let totals = store::totals(&mut conn, appeal.id).await?;
        appeals.push(Full { appeal, totals });
    }
    page(AppealsPage { ctx, appeals })
}

/// One currency's line on the appeal page.
pub struct Progress {
    pub total: Total,
    /// Received and pledged, as money, for display.
    pub received: Money,
    pub pledged: Money,
    /// Received against the target, when the target is in this currency.
    pub toward_target: Option<(i64, i64)>,
}

#[derive(Template)]
#[template(path = "appeals/appeal.html")]
struct AppealPage {
    ctx: Ctx,
    appeal: Appeal,
    progress: Vec<Progress>,
    branches_gave: i64,
    /// Branches this viewer may pledge for.
    own: Vec<Branch>,
    /// Donations the viewer may see (staff: all; officers: their branches').
    donations: Vec<Donation>,
    may_manage: bool,
    /// A fresh key for each pledge form on the page.
    form_key: String,
    /// The appeal's own short link, when the campaign made one: the QR code
    /// and the poster use it, so scans are counted.
    short_url: Option<(String, String)>,
    /// For coordinators: the appeal's short links and branch copies with
    /// their clicks.
    links: Vec<AppealLink>,
    errors: FieldErrors,
    pledged: bool,
    /// What was typed into a pledge form that came back with errors, so
    /// that nobody has to type it again.
    typed: Typed,
}

/// A pledge form's fields as typed.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    amount_text: String,
    currency: String,
    donor_name: String,
}

impl AppealPage {
    fn title(&self) -> &str {
        self.ctx.tr.pick(&self.appeal.title, &self.appeal.title_uk)
    }

    fn description(&self) -> &str {
        if self.ctx.lang == crate::i18n::Lang::Uk && !self.appeal.description_uk.is_empty() {
            &self.appeal.description_uk
        } else {
            &self.appeal.description
        }
    }

    /// A QR code of the appeal's short link if it has one (so scans are
    /// counted), else of the donation page, for slides and printed leaflets.
    fn donate_qr(&self) -> String {
        let target = self
            .short_url
            .as_ref()
            .map_or(self.appeal.donate_url.as_str(), |(url, _)| url.as_str());
        crate::qr::svg(target, &self.ctx.tr.t("appeal-qr-label")).unwrap_or_default()
    }

    /// The description, written in Markdown, as safe HTML.
    fn description_html(&self) -> String {
        crate::markdown::render(self.description())
    }

    fn currencies(&self) -> Vec<&'static str> {
        Currency::all().map(Currency::code).collect()
    }

    /// The currency the form shows chosen: the one typed, else the target's.
    fn is_target_currency(&self, code: &str) -> bool {
        if self.typed.currency.is_empty() {
            code == self.appeal.target.currency.code()
        } else {
            code == self.typed.currency
        }
    }

    fn is_open(&self) -> bool {
        self.appeal.status == AppealStatus::Open
    }
}

async fn appeal_page(
    app: &AppState,
    mut ctx: Ctx,
    id: AppealId,
    errors: FieldErrors,
    pledged: bool,
    typed: Typed,
) -> Result<Response, AppError> {
    // What an anonymous visitor sees is the same for all of them but for
    // their CSRF token and the forms' keys: render it once and keep it.
    let shared = matches!(ctx.principal, Principal::Anonymous)
        && errors.is_empty()
        && !pledged
        && ctx.here == format!("/appeals/{}", id.0);
    if !shared {
        let form_key = crate::auth::form_key();
        return Ok(
            render_appeal(app, ctx, id, errors, pledged, form_key, typed)
                .await?
                .into_response(),
        );
    }
    let cache = &app.pages;
    if let Some(kept) = cache.get(&ctx.here, ctx.lang) {
        return Ok(kept.fill(&ctx.csrf));
    }
    let generation = cache.current();
    let csrf = std::mem::replace(&mut ctx.csrf, CSRF_SLOT.to_owned());
    let (path, lang) = (ctx.here.clone(), ctx.lang);
    let (_, html) = render_appeal(
        app,
        ctx,
        id,
        errors,
        pledged,
        KEY_SLOT.to_owned(),
        Typed::default(),
    )
    .await?;
    let kept = cache.keep(&path, lang, generation, &html.0);
    Ok(kept.fill(&csrf))
}

async fn render_appeal(
    app: &AppState,
    ctx: Ctx,
    id: AppealId,
    errors: FieldErrors,
    pledged: bool,
    form_key: String,
    typed: Typed,
) -> Result<(StatusCode, Html<String>), AppError> {
    let full = actions::get_appeal(&app.db, &ctx.principal, id).await?;
    let mut conn = app.db.conn().await?;
    let branches_gave = store::giving_branches(&mut conn, id).await?;
    drop(conn);
    let target = full.appeal.target;
    let progress = full
        .totals
        .into_iter()
        .map(|t| Progress {
            received: Money {
                amount_minor: t.received_minor,
                currency: t.currency,
            },
            pledged: Money {
                amount_minor: t.pledged_minor,
                currency: t.currency,
            },
            toward_target: (t.currency == target.currency).then_some((
                t.received_minor.min(target.amount_minor),
                target.amount_minor,
            )),
            total: t,
        })
        .collect();
    let own = match ctx.principal.scope(Action::RecordDonations) {
        Scope::Nothing => Vec::new(),
        scope => directory::branches_by_scope(&app.db, &scope).await?,
    };
    let donations = if ctx.may(Action::RecordDonations) {
        let scope = actions::donation_scope(&ctx.principal);
        store::list_donations(
            &app.db,
            id,
            scope.as_deref(),
            Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
        )
        .await?
        .0
    } else {
        Vec::new()
    };
    let may_manage = ctx.may(Action::ManageAppeals);
    let mut conn = app.db.conn().await?;
    let all_links = store::short_links(&mut conn, id).await?;
    drop(conn);
    let now = crate::common::clock::now();
    let short_url = all_links
        .iter()
        .find(|l| l.branch_id.is_none() && l.live(now))
        .map(|l| (format!("{}/s/{}", app.base_url, l.slug), l.slug.clone()));
    let links = if ctx.may(Action::ManageLinks) {
        all_links
    } else {
        Vec::new()
    };
    let status = crate::web::form_status(&errors);
    let page = AppealPage {
        ctx,
        appeal: full.appeal,
        progress,
        branches_gave,
        own,
        donations,
        may_manage,
        form_key,
        short_url,
        links,
        errors,
        pledged,
        typed,
    };
    Ok((status, Html(page.render()?)))
}

#[derive(Deserialize, Default)]
pub struct ShownQuery {
    pledged: Option<String>,
}

pub async fn appeal(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    crate::web::extract::Query(q): crate::web::extract::Query<ShownQuery>,
) -> Result<Response, AppError> {
    appeal_page(
        &app,
        ctx,
        id,
        FieldErrors::new(),
        q.pledged.is_some(),
        Typed::default(),
    )
    .await
}

/// A pledge form, from a branch or a visitor.
#[derive(Deserialize, Default)]
pub struct PledgeForm {
    #[serde(default)]
    amount_text: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    branch_id: String,
    #[serde(default)]
    donor_name: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    received: Option<String>,
    /// The key the page issued with this form.
    #[serde(default)]
    idempotency_key: String,
    /// Left empty by people.
    #[serde(default)]
    website: String,
}

impl PledgeForm {
    fn typed(&self) -> Typed {
        Typed {
            amount_text: self.amount_text.clone(),
            currency: self.currency.clone(),
            donor_name: self.donor_name.clone(),
        }
    }

    fn input(&self) -> DonationInput {
        DonationInput {
            amount: None,
            amount_text: Some(self.amount_text.clone()),
            currency: Some(self.currency.clone()),
            branch_id: Some(Loose::Text(self.branch_id.clone())),
            donor_name: Some(self.donor_name.clone()),
            status: Some(
                if self.received.is_some() {
                    "received"
                } else {
                    "pledged"
                }
                .to_owned(),
            ),
            received_on: None,
            reference: Some(self.reference.clone()),
            notes: None,
        }
    }

    fn key(&self) -> Result<String, AppError> {
        let k = self.idempotency_key.trim();
        if k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(k.to_owned())
        } else {
            Err(AppError::Malformed(
                "the form is missing its key; reload the page".into(),
            ))
        }
    }
}

pub async fn pledge(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    Form(form): Form<PledgeForm>,
) -> Result<Response, AppError> {
    let key = form.key()?;
    let input = form.input();
    match actions::record(&app.db, &ctx.principal, id, &input, Some(&key)).await {
        Ok(_) => Ok(see_other(&format!("/appeals/{id}?pledged=1"))),
        Err(AppError::Conflict {
            code: "idempotency_key_reused",
            ..
        }) => Ok(see_other(&format!("/appeals/{id}?pledged=1"))),
        Err(e) => {
            let errors = form_errors(e)?;
            appeal_page(&app, ctx, id, errors, false, form.typed()).await
        }
    }
}

/// Pledges from visitors, per client address and hour.
const PUBLIC_PLEDGES: crate::web::throttle::Limit = crate::web::throttle::Limit {
    form: "public-pledge",
    max: 10,
    window_secs: 60 * 60,
};

pub async fn public_pledge(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    Form(form): Form<PledgeForm>,
) -> Result<Response, AppError> {
    if !form.website.is_empty() {
        return Ok(see_other(&format!("/appeals/{id}?pledged=1")));
    }
    let key = form.key()?;
    if !crate::web::throttle::allow(&app.db, &PUBLIC_PLEDGES, ctx.client_ip).await? {
        return Err(AppError::RateLimited);
    }
    match actions::public_pledge(&app.db, id, &form.input(), &key).await {
        Ok(_) => Ok(see_other(&format!("/appeals/{id}?pledged=1"))),
        Err(e) => {
            let errors = form_errors(e)?;
            appeal_page(&app, ctx, id, errors, false, form.typed()).await
        }
    }
}

async fn move_donation(
    app: AppState,
    ctx: Ctx,
    id: DonationId,
    to: DonationStatus,
) -> Result<Response, AppError> {
    let donation = actions::move_donation(&app.db, &ctx.principal, id, to).await;
    match donation {
        Ok(d) => Ok(see_other(&format!("/appeals/{}", d.appeal_id))),
        Err(e) => Err(e),
    }
}

pub async fn receive(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<DonationId>,
) -> Result<Response, AppError> {
    move_donation(app, ctx, id, DonationStatus::Received).await
}

pub async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<DonationId>,
) -> Result<Response, AppError> {
    move_donation(app, ctx, id, DonationStatus::Cancelled).await
}

#[derive(Template)]
#[template(path = "appeals/form.html")]
struct AppealForm {
    ctx: Ctx,
    action: String,
    editing: bool,
    form: AppealFormValues,
    errors: FieldErrors,
}

impl AppealForm {
    fn currencies(&self) -> Vec<&'static str> {
        Currency::all().map(Currency::code).collect()
    }

    fn statuses(&self) -> &'static [AppealStatus] {
        AppealStatus::ALL
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct AppealFormValues {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    title_uk: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    description_uk: String,
    #[serde(default)]
    beneficiary: String,
    #[serde(default)]
    target_text: String,
    #[serde(default)]
    target_currency: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    donate_url: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    version: String,
}

impl AppealFormValues {
    fn input(&self) -> AppealInput {
        let t = |s: &String| Some(s.clone());
        AppealInput {
            slug: t(&self.slug),
            title: t(&self.title),
            title_uk: t(&self.title_uk),
            description: t(&self.description),
            description_uk: t(&self.description_uk),
            beneficiary: t(&self.beneficiary),
            target: None,
            target_text: t(&self.target_text),
            target_currency: t(&self.target_currency),
            opens_on: t(&self.opens_on),
            closes_on: t(&self.closes_on),
            donate_url: t(&self.donate_url),
            status: t(&self.status),
            version: Some(Loose::Text(self.version.clone())).filter(|_| !self.version.is_empty()),
        }
    }

    fn from_appeal(a: &Appeal) -> AppealFormValues {
        AppealFormValues {
            slug: a.slug.clone(),
            title: a.title.clone(),
            title_uk: a.title_uk.clone().unwrap_or_default(),
            description: a.description.clone(),
            description_uk: a.description_uk.clone(),
            beneficiary: a.beneficiary.clone(),
            target_text: a.target.major_text(),
            target_currency: a.target.currency.code().to_owned(),
            opens_on: a.opens_on.clone().unwrap_or_default(),
            closes_on: a.closes_on.clone().unwrap_or_default(),
            donate_url: a.donate_url.clone(),
            status: a.status.code().to_owned(),
            version: a.version.to_string(),
        }
    }
}

pub async fn new_appeal(ctx: Ctx) -> Result<Response, AppError> {
    let form = AppealFormValues {
        target_currency: "GBP".into(),
        status: "draft".into(),
        ..Default::default()
    };
    page(AppealForm {
        ctx,
        action: "/appeals/new".into(),
        editing: false,
        form,
        errors: FieldErrors::new(),
    })
}

pub async fn create_appeal(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AppealFormValues>,
) -> Result<Response, AppError> {
    match actions::create_appeal(&app.db, &ctx.principal, &form.input()).await {
        Ok(full) => Ok(see_other(&format!("/appeals/{}", full.appeal.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                AppealForm {
                    ctx,
                    action: "/appeals/new".into(),
                    editing: false,
                    form,
                    errors,
                },
            )
        }
    }
}

pub async fn edit_appeal_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
) -> Result<Response, AppError> {
    let full = actions::get_appeal(&app.db, &ctx.principal, id).await?;
    let form = AppealFormValues::from_appeal(&full.appeal);
    page(AppealForm {
        ctx,
        action: format!("/appeals/{id}/edit"),
        editing: true,
        form,
        errors: FieldErrors::new(),
    })
}

pub async fn edit_appeal(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    Form(form): Form<AppealFormValues>,
) -> Result<Response, AppError> {
    match actions::edit_appeal(&app.db, &ctx.principal, id, &form.input()).await {
        Ok(_) => Ok(see_other(&format!("/appeals/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                AppealForm {
                    ctx,
                    action: format!("/appeals/{id}/edit"),
                    editing: true,
                    form,
                    errors,
                },
            )
        }
    }
}
