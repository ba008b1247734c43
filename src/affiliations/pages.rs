//! The affiliations pages: the public application form with the fee table,
//! the public list of affiliates, and the coordinators' list where
//! applications are activated, lapsed and the fees set.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::actions;
use super::model::*;
use super::store;
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::money::Money;
use crate::web::error::AppError;
use crate::web::extract::{Form, Id, Query};
use crate::web::lists::Pager;
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    union_name: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    /// Left empty by people.
    #[serde(default)]
    website: String,
}

impl ApplyForm {
    fn input(&self) -> ApplicationInput {
        ApplicationInput {
            kind: Some(self.kind.clone()),
            organisation: Some(self.organisation.clone()),
            union_name: Some(self.union_name.clone()),
            members: Some(Loose::Text(self.members.clone())),
            contact_name: Some(self.contact_name.clone()),
            contact_email: Some(self.contact_email.clone()),
        }
    }
}

#[derive(Template)]
#[template(path = "affiliations/apply.html")]
struct ApplyPage {
    ctx: Ctx,
    bands: Vec<FeeBand>,
    form: ApplyForm,
    errors: FieldErrors,
    /// The fee the applicant was quoted, once the application is in.
    applied: Option<String>,
}

impl ApplyPage {
    fn kinds(&self) -> Vec<(String, String)> {
        AffiliationKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), self.ctx.tr.t(k.label_key())))
            .collect()
    }

    fn band_range(&self, b: &FeeBand) -> String {
        match b.max_members {
            Some(max) => format!("{}–{}", b.min_members, max),
            None => format!("{}+", b.min_members),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct AppliedQuery {
    applied: Option<String>,
}

pub async fn apply_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AppliedQuery>,
) -> Result<Response, AppError> {
    let bands = store::fee_bands(&app.db).await?;
    // The address says which fee was quoted; anyone can write an address, so
    // only a fee from the table is repeated back, anything else reads "to be
    // confirmed".
    let applied = q.applied.map(|quoted| {
        bands
            .iter()
            .map(|b| b.fee.display())
            .find(|fee| *fee == quoted)
            .unwrap_or_else(|| "tbc".to_owned())
    });
    page(ApplyPage {
        ctx,
        bands,
        form: ApplyForm {
            kind: "branch".into(),
            ..Default::default()
        },
        errors: FieldErrors::new(),
        applied,
    })
}

/// Applications from visitors, per client address and hour.
const APPLICATIONS: crate::web::throttle::Limit = crate::web::throttle::Limit {
    form: "affiliate",
    max: 10,
    window_secs: 60 * 60,
};

pub async fn apply(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ApplyForm>,
) -> Result<Response, AppError> {
    if !form.website.is_empty() {
        return Ok(see_other("/affiliate?applied=1"));
    }
    if !crate::web::throttle::allow(&app.db, &APPLICATIONS, ctx.client_ip).await? {
        return Err(AppError::RateLimited);
    }
    match actions::apply(&app.db, &form.input(), ctx.lang, &app.base_url).await {
        Ok(a) => {
            let fee = a.fee.map(|f| f.display()).unwrap_or_else(|| "tbc".into());
            Ok(see_other(&format!(
                "/affiliate?applied={}",
                urlencoding(&fee)
            )))
        }
        Err(AppError::Invalid(errors)) => {
            let bands = store::fee_bands(&app.db).await?;
            page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                ApplyPage {
                    ctx,
                    bands,
                    form,
                    errors,
                    applied: None,
                },
            )
        }
        Err(e) => Err(e),
    }
}

fn urlencoding(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_owned()
}

#[derive(Template)]
#[template(path = "affiliations/affiliates.html")]
struct AffiliatesPage {
    ctx: Ctx,
    affiliates: Vec<Affiliation>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<String>,
    status: Option<String>,
}

/// The public list: active affiliates, national bodies first.
pub async fn affiliates(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse(q.page.as_deref(), Some("100"));
    let (affiliates, total) = store::list(&app.db, Some(AffiliationStatus::Active), paging).await?;
    page(AffiliatesPage {
        ctx,
        affiliates,
        pager: Pager::new(paging, total, &[]),
    })
}

#[derive(Template)]
#[template(path = "affiliations/manage.html")]
struct ManagePage {
    ctx: Ctx,
    items: Vec<Affiliation>,
    pager: Pager,
    status: String,
    bands: Vec<FeeBand>,
    errors: FieldErrors,
}

impl ManagePage {
    fn statuses(&self) -> &'static [AffiliationStatus] {
        AffiliationStatus::ALL
    }

    fn may_activate(&self, a: &Affiliation) -> bool {
        affiliation_transition(a.status, AffiliationStatus::Active)
    }

    fn may_lapse(&self, a: &Affiliation) -> bool {
        affiliation_transition(a.status, AffiliationStatus::Lapsed)
    }

    fn fee_field(&self, b: &FeeBand) -> String {
        format!("fee-{}", b.id)
    }

    fn fee_text(&self, b: &FeeBand) -> String {
        b.fee.display()
    }
}

async fn manage_page(
    app: &AppState,
    ctx: Ctx,
    q: PageQuery,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let status = q.status.as_deref().and_then(AffiliationStatus::parse);
    let paging = Paging::parse(q.page.as_deref(), None);
    let (items, total) = store::list(&app.db, status, paging).await?;
    let code = status.map(|s| s.code().to_owned()).unwrap_or_default();
    let pager = Pager::new(paging, total, &[("status", code.as_str())]);
    let bands = store::fee_bands(&app.db).await?;
    let code_status = crate::web::form_status(&errors);
    page_with_status(
        code_status,
        ManagePage {
            ctx,
            items,
            pager,
            status: code,
            bands,
            errors,
        },
    )
}

pub async fn manage(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    manage_page(&app, ctx, q, FieldErrors::new()).await
}

pub async fn activate(
    State(app): State<AppState>,
    Id(id): Id<AffiliationId>,
) -> Result<Response, AppError> {
    actions::set_status(&app.db, id, AffiliationStatus::Active).await?;
    Ok(see_other("/affiliations"))
}

pub async fn lapse(
    State(app): State<AppState>,
    Id(id): Id<AffiliationId>,
) -> Result<Response, AppError> {
    actions::set_status(&app.db, id, AffiliationStatus::Lapsed).await?;
    Ok(see_other("/affiliations"))
}

#[derive(Deserialize)]
pub struct FeeForm {
    #[serde(default)]
    fee: String,
}

/// Sets one band's yearly fee; new applications are quoted from it.
pub async fn set_fee(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<FeeBandId>,
    Form(form): Form<FeeForm>,
) -> Result<Response, AppError> {
    let bands = store::fee_bands(&app.db).await?;
    let band = bands
        .iter()
        .find(|b| b.id == id)
        .ok_or(AppError::NotFound)?;
    match Money::parse(&form.fee, Some(band.fee.currency)) {
        Ok(fee) => {
            store::set_fee(&app.db, id, fee).await?;
            Ok(see_other("/affiliations"))
        }
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add(&format!("fee-{id}"), e.key());
            manage_page(&app, ctx, PageQuery::default(), errors).await
        }
    }
}
