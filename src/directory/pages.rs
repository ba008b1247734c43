//! The directory's pages: lists with search, filters and paging; detail
//! pages; forms that keep what was typed and show each error by its field.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::actions;
use super::model::*;
use super::store::{self, BranchFilter, PersonFilter, UnionFilter};
use crate::auth::Action;
use crate::common::input::{FieldErrors, Loose};
use crate::common::paging::Paging;
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Id, Query};
use crate::web::lists::Pager;
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

/// Filters and page number of a list page, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub union_id: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub branch_id: String,
    pub page: Option<String>,
}

/// Everything that varies between the form pages of the three records.
pub struct FormPage<I> {
    pub input: I,
    pub errors: FieldErrors,
    /// Where the form posts to.
    pub action: String,
    /// Editing an existing record (else creating one).
    pub editing: bool,
}

// ---- unions ----

#[derive(Template)]
#[template(path = "directory/unions.html")]
struct UnionsPage {
    ctx: Ctx,
    query: ListQuery,
    unions: Vec<Union>,
    pager: Pager,
}

pub async fn unions(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse(query.page.as_deref(), None);
    let filter = UnionFilter {
        q: Some(query.q.clone()),
        country: Country::parse(&query.country),
    };
    let (unions, total) = store::list_unions(&app.db, &filter, paging).await?;
    let pager = Pager::new(
        paging,
        total,
        &[("q", &query.q), ("country", &query.country)],
    );
    page(UnionsPage {
        ctx,
        query,
        unions,
        pager,
    })
}

#[derive(Template)]
#[template(path = "directory/union.html")]
struct UnionPage {
    ctx: Ctx,
    union: Union,
    branches: Vec<Branch>,
    pager: Pager,
}

pub async fn union(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UnionId>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let union = store::get_union(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let paging = Paging::parse(query.page.as_deref(), None);
    let filter = BranchFilter {
        union_id: Some(id),
        ..Default::default()
    };
    let (branches, total) = actions::list_branches(&app.db, &ctx.principal, filter, paging).await?;
    let pager = Pager::new(paging, total, &[]);
    page(UnionPage {
        ctx,
        union,
        branches,
        pager,
    })
}

#[derive(Template)]
#[template(path = "directory/union_form.html")]
struct UnionForm {
    ctx: Ctx,
    form: FormPage<UnionInput>,
}

pub async fn new_union(ctx: Ctx) -> Result<Response, AppError> {
    let form = FormPage {
        input: UnionInput::default(),
        errors: FieldErrors::new(),
        action: "/unions/new".into(),
        editing: false,
    };
    page(UnionForm { ctx, form })
}

pub async fn create_union(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(input): Form<UnionInput>,
) -> Result<Response, AppError> {
    match actions::create_union(&app.db, &input).await {
        Ok(union) => Ok(see_other(&format!("/unions/{}", union.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            let form = FormPage {
                input,
                errors,
                action: "/unions/new".into(),
                editing: false,
            };
            page_with_status(
                crate::web::form_status(&form.errors),
                UnionForm { ctx, form },
            )
        }
    }
}

pub async fn edit_union_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UnionId>,
) -> Result<Response, AppError> {
    let union = store::get_union(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = FormPage {
        input: UnionInput::from(&union),
        errors: FieldErrors::new(),
        action: format!("/unions/{id}/edit"),
        editing: true,
    };
    page(UnionForm { ctx, form })
}

pub async fn edit_union(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<UnionId>,
    Form(input): Form<UnionInput>,
) -> Result<Response, AppError> {
    match actions::edit_union(&app.db, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/unions/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            let form = FormPage {
                input,
                errors,
                action: format!("/unions/{id}/edit"),
                editing: true,
            };
            page_with_status(
                crate::web::form_status(&form.errors),
                UnionForm { ctx, form },
            )
        }
    }
}

pub async fn delete_union(
    State(app): State<AppState>,
    Id(id): Id<UnionId>,
) -> Result<Response, AppError> {
    actions::delete_union(&app.db, id).await?;
    Ok(see_other("/unions"))
}

// ---- branches ----

#[derive(Template)]
#[template(path = "directory/branches.html")]
struct BranchesPage {
    ctx: Ctx,
    query: ListQuery,
    branches: Vec<Branch>,
    unions: Vec<Union>,
    regions: Vec<String>,
    pager: Pager,
}

pub async fn branches(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse(query.page.as_deref(), None);
    let filter = BranchFilter {
        q: Some(query.q.clone()),
        union_id: query.union_id.parse().ok(),
        country: Country::parse(&query.country),
        sector: Sector::parse(&query.sector),
        region: Some(query.region.clone()),
        at_risk_known: None,
    };
    let (branches, total) = actions::list_branches(&app.db, &ctx.principal, filter, paging).await?;
    let unions = store::all_unions(&app.db).await?;
    let regions = actions::regions(&app.db, &ctx.principal).await?;
    let pager = Pager::new(
        paging,
        total,
        &[
            ("q", &query.q),
            ("union_id", &query.union_id),
            ("country", &query.country),
            ("sector", &query.sector),
            ("region", &query.region),
        ],
    );
    page(BranchesPage {
        ctx,
        query,
        branches,
        unions,
        regions,
        pager,
    })
}

#[derive(Template)]
#[template(path = "directory/branch.html")]
struct BranchPage {
    ctx: Ctx,
    branch: Branch,
    /// `None` when the viewer may not see this branch's people.
    people: Option<Vec<Person>>,
    may_edit: bool,
    /// The branch's calendar feed, for its officers and coordinators.
    calendar: Option<String>,
}

pub async fn branch(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<BranchId>,
) -> Result<Response, AppError> {
    let branch = actions::get_branch(&app.db, &ctx.principal, id).await?;
    let people = if ctx.principal.may_at(Action::ViewPeople, Some(id)) {
        let filter = PersonFilter {
            branch_id: Some(id),
            ..Default::default()
        };
        let scope = ctx.principal.scope(Action::ViewPeople);
        let paging = Paging {
            page: 1,
            per_page: Paging::MAX_PER_PAGE,
        };
        Some(
            store::list_people(&app.db, &scope, &filter, paging)
                .await?
                .0,
        )
    } else {
        None
    };
    let may_edit = ctx.principal.may_at(Action::EditBranch, Some(id));
    let calendar = if ctx.principal.may_at(Action::RequestSpeakers, Some(id)) {
        let token = store::branch_feed_token(&app.db, id).await?;
        Some(format!(
            "{}/branches/{id}/calendar.ics?token={token}",
            app.base_url
        ))
    } else {
        None
    };
    page(BranchPage {
        ctx,
        branch,
        people,
        may_edit,
        calendar,
    })
}

#[derive(Template)]
#[template(path = "directory/branch_form.html")]
struct BranchForm {
    ctx: Ctx,
    form: FormPage<BranchInput>,
    unions: Vec<Union>,
}

async fn branch_form(
    app: &AppState,
    ctx: Ctx,
    form: FormPage<BranchInput>,
) -> Result<Response, AppError> {
    let unions = store::all_unions(&app.db).await?;
    page_with_status(
        crate::web::form_status(&form.errors),
        BranchForm { ctx, form, unions },
    )
}

#[derive(Deserialize, Default)]
pub struct NewBranchQuery {
    #[serde(default)]
    union_id: String,
}

pub async fn new_branch(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewBranchQuery>,
) -> Result<Response, AppError> {
    let input = BranchInput {
        union_id: Some(Loose::Text(q.union_id)),
        ..Default::default()
    };
    let form = FormPage {
        input,
        errors: FieldErrors::new(),
        action: "/branches/new".into(),
        editing: false,
    };
    branch_form(&app, ctx, form).await
}

/// An unticked checkbox sends nothing; on a branch form that means "no".
fn branch_checkbox(mut input: BranchInput) -> BranchInput {
    input.at_risk.get_or_insert(Loose::Bool(false));
    input
}

pub async fn create_branch(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(input): Form<BranchInput>,
) -> Result<Response, AppError> {
    let input = branch_checkbox(input);
    match actions::create_branch(&app.db, &input).await {
        Ok(branch) => Ok(see_other(&format!("/branches/{}", branch.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            let form = FormPage {
                input,
                errors,
                action: "/branches/new".into(),
                editing: false,
            };
            branch_form(&app, ctx, form).await
        }
    }
}

pub async fn edit_branch_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<BranchId>,
) -> Result<Response, AppError> {
    if !ctx.principal.may_at(Action::EditBranch, Some(id)) {
        return Err(AppError::NotFound);
    }
    let branch = store::get_branch(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = FormPage {
        input: BranchInput::from(&branch),
        errors: FieldErrors::new(),
        action: format!("/branches/{id}/edit"),
        editing: true,
    };
    branch_form(&app, ctx, form).await
}

pub async fn edit_branch(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<BranchId>,
    Form(input): Form<BranchInput>,
) -> Result<Response, AppError> {
    let input = branch_checkbox(input);
    match actions::edit_branch(&app.db, &ctx.principal, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/branches/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            let form = FormPage {
                input,
                errors,
                action: format!("/branches/{id}/edit"),
                editing: true,
            };
            branch_form(&app, ctx, form).await
        }
    }
}

pub async fn delete_branch(
    State(app): State<AppState>,
    Id(id): Id<BranchId>,
) -> Result<Response, AppError> {
    actions::delete_branch(&app.db, id).await?;
    Ok(see_other("/branches"))
}

// ---- people ----

#[derive(Template)]
#[template(path = "directory/people.html")]
struct PeoplePage {
    ctx: Ctx,
    query: ListQuery,
    people: Vec<Person>,
    branches: Vec<Branch>,
    pager: Pager,
}

pub async fn people(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse(query.page.as_deref(), None);
    let scope = ctx.principal.scope(Action::ViewPeople);
    let filter = PersonFilter {
        q: Some(query.q.clone()),
        branch_id: query.branch_id.parse().ok(),
    };
    let (people, total) = store::list_people(&app.db, &scope, &filter, paging).await?;
    actions::audit_views(&app.db, &ctx.principal, &people).await?;
    let branches = store::branches_by_scope(&app.db, &scope).await?;
    let pager = Pager::new(
        paging,
        total,
        &[("q", &query.q), ("branch_id", &query.branch_id)],
    );
    page(PeoplePage {
        ctx,
        query,
        people,
        branches,
        pager,
    })
}

#[derive(Template)]
#[template(path = "directory/person.html")]
struct PersonPage {
    ctx: Ctx,
    person: Person,
}

pub async fn person(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
) -> Result<Response, AppError> {
    let person = actions::get_person(&app.db, &ctx.principal, id).await?;
    page(PersonPage { ctx, person })
}

#[derive(Template)]
#[template(path = "directory/person_form.html")]
struct PersonForm {
    ctx: Ctx,
    form: FormPage<PersonInput>,
    branches: Vec<Branch>,
}

async fn person_form(
    app: &AppState,
    ctx: Ctx,
    form: FormPage<PersonInput>,
) -> Result<Response, AppError> {
    let branches =
        store::branches_by_scope(&app.db, &ctx.principal.scope(Action::ManagePeople)).await?;
    page_with_status(
        crate::web::form_status(&form.errors),
        PersonForm {
            ctx,
            form,
            branches,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct NewPersonQuery {
    #[serde(default)]
    branch_id: String,
}

pub async fn new_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewPersonQuery>,
) -> Result<Response, AppError> {
    let input = PersonInput {
        branch_id: Some(Loose::Text(q.branch_id)),
        ..Default::default()
    };
    let form = FormPage {
        input,
        errors: FieldErrors::new(),
        action: "/people/new".into(),
        editing: false,
    };
    person_form(&app, ctx, form).await
}

/// An unticked checkbox sends nothing; on a form that means "no".
fn with_checkbox(mut input: PersonInput) -> PersonInput {
    input.at_risk.get_or_insert(Loose::Bool(false));
    input
}

pub async fn create_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(input): Form<PersonInput>,
) -> Result<Response, AppError> {
    let input = with_checkbox(input);
    match actions::create_person(&app.db, &ctx.principal, &input).await {
        Ok(person) => Ok(see_other(&format!("/people/{}", person.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            let form = FormPage {
                input,
                errors,
                action: "/people/new".into(),
                editing: false,
            };
            person_form(&app, ctx, form).await
        }
    }
}

pub async fn edit_person_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
) -> Result<Response, AppError> {
    let person = actions::get_person(&app.db, &ctx.principal, id).await?;
    if !ctx.principal.may_at(Action::ManagePeople, person.branch_id) {
        return Err(AppError::NotFound);
    }
    let form = FormPage {
        input: PersonInput::from(&person),
        errors: FieldErrors::new(),
        action: format!("/people/{id}/edit"),
        editing: true,
    };
    person_form(&app, ctx, form).await
}

pub async fn edit_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
    Form(input): Form<PersonInput>,
) -> Result<Response, AppError> {
    let input = with_checkbox(input);
    match actions::edit_person(&app.db, &ctx.principal, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/people/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            let form = FormPage {
                input,
                errors,
                action: format!("/people/{id}/edit"),
                editing: true,
            };
            person_form(&app, ctx, form).await
        }
    }
}

pub async fn delete_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
) -> Result<Response, AppError> {
    actions::delete_person(&app.db, &ctx.principal, id).await?;
    Ok(see_other("/people"))
}

// The choices the forms and filters offer, as (code, label in the viewer's
// language) pairs for the `select` macro.

type Options = Vec<(String, String)>;

fn labelled<T: Copy>(
    ctx: &Ctx,
    values: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
) -> Options {
    values
        .iter()
        .map(|&v| (code(v).to_owned(), ctx.tr.t(key(v))))
        .collect()
}

fn branch_choices(ctx: &Ctx, branches: &[Branch]) -> Options {
    branches
        .iter()
        .map(|b| {
            (
                b.id.to_string(),
                ctx.tr.pick(&b.name, &b.name_uk).to_owned(),
            )
        })
        .collect()
}

impl UnionForm {
    fn kinds(&self) -> Options {
        labelled(
            &self.ctx,
            UnionKind::ALL,
            UnionKind::code,
            UnionKind::label_key,
        )
    }
}

impl BranchesPage {
    fn sectors(&self) -> &'static [Sector] {
        Sector::ALL
    }
}

impl BranchForm {
    fn union_options(&self) -> Options {
        self.unions
            .iter()
            .map(|u| {
                (
                    u.id.to_string(),
                    self.ctx.tr.pick(&u.name, &u.name_uk).to_owned(),
                )
            })
            .collect()
    }

    fn sectors(&self) -> Options {
        labelled(&self.ctx, Sector::ALL, Sector::code, Sector::label_key)
    }

    fn sizes(&self) -> Options {
        labelled(
            &self.ctx,
            SizeBand::ALL,
            SizeBand::code,
            SizeBand::label_key,
        )
    }
}

impl PersonForm {
    fn branch_options(&self) -> Options {
        branch_choices(&self.ctx, &self.branches)
    }

    fn roles(&self) -> Options {
        labelled(
            &self.ctx,
            BranchRole::ALL,
            BranchRole::code,
            BranchRole::label_key,
        )
    }
}
