//! The twinning pages: links and their activity log, suggestions for a
//! branch, the coordinators' matching board with its balance view, and
//! needs, whose open list is public.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::actions::{self, Ranked};
use super::model::*;
use super::store::{self, LinkFilter, NeedFilter};
use crate::auth::{Action, Scope};
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::directory::model::{Branch, Country, Sector};
use crate::directory::store as directory;
use crate::money::Currency;
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Id, Query};
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

// ---- links ----

#[derive(Template)]
#[template(path = "twinning/list.html")]
struct LinksPage {
    ctx: Ctx,
    status: String,
    links: Vec<Twinning>,
}

impl LinksPage {
    fn statuses(&self) -> &'static [LinkStatus] {
        LinkStatus::ALL
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    skip: String,
}

pub async fn links(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = LinkFilter {
        status: LinkStatus::parse(&q.status),
        branch_id: None,
    };
    let paging = Paging {
        page: 1,
        per_page: Paging::MAX_PER_PAGE,
    };
    let (links, _) = actions::list_links(&app.db, &ctx.principal, &filter, paging).await?;
    page(LinksPage {
        ctx,
        status: q.status,
        links,
    })
}

#[derive(Template)]
#[template(path = "twinning/link.html")]
struct LinkPage {
    ctx: Ctx,
    link: Twinning,
    activities: Vec<Activity>,
    verbs: Vec<LinkVerb>,
    /// The agreements this viewer may give: for their own branch (no side
    /// named), or, for a coordinator, for each branch that has not agreed.
    agreements: Vec<Option<Side>>,
    may_log: bool,
    form: ActivityForm,
    errors: FieldErrors,
}

impl LinkPage {
    /// "Agreed on 3 Dec 2026" or "Waiting for its agreement", for a side.
    fn agreement(&self, side: &Side) -> String {
        match self.link.agreed_at(*side) {
            Some(at) => self.ctx.tr.t1(
                "twinning-agreed-on",
                "arg",
                crate::common::clock::day_of(at).to_string(),
            ),
            None => self.ctx.tr.t("twinning-not-agreed"),
        }
    }

    fn sides(&self) -> &'static [Side] {
        Side::ALL
    }

    fn kinds(&self) -> &'static [ActivityKind] {
        ActivityKind::ALL
    }

    fn currencies(&self) -> Vec<&'static str> {
        Currency::all().map(Currency::code).collect()
    }
}

/// The activity form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ActivityForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    happened_on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    amount_text: String,
    #[serde(default)]
    currency: String,
}

async fn link_page(
    app: &AppState,
    ctx: Ctx,
    id: TwinningId,
    form: ActivityForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let link = actions::get_link(&app.db, &ctx.principal, id).await?;
    let activities = store::activities(&app.db, id).await?;
    let may_log = ctx
        .principal
        .may_at(Action::MoveTwinnings, Some(link.gb_branch_id))
        || ctx
            .principal
            .may_at(Action::MoveTwinnings, Some(link.ua_branch_id));
    let verbs = if may_log {
        LinkVerb::ALL
            .iter()
            .copied()
            .filter(|&v| v != LinkVerb::Agree && link_transition(link.status, v).is_some())
            .collect()
    } else {
        Vec::new()
    };
    let waiting =
        |side: &Side| link.status == LinkStatus::Introduced && link.agreed_at(*side).is_none();
    let own: Vec<Side> = Side::ALL
        .iter()
        .copied()
        .filter(|&s| {
            ctx.account()
                .is_some_and(|a| a.branches.contains(&link.branch(s)))
        })
        .collect();
    let agreements: Vec<Option<Side>> = if own.len() == 1 {
        own.iter().filter(|s| waiting(s)).map(|_| None).collect()
    } else if ctx.may(Action::ProposeTwinnings) {
        Side::ALL
            .iter()
            .filter(|s| waiting(s))
            .map(|&s| Some(s))
            .collect()
    } else {
        Vec::new()
    };
    let may_log = may_log && link.status != LinkStatus::Ended;
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        LinkPage {
            ctx,
            link,
            activities,
            verbs,
            agreements,
            may_log,
            form,
            errors,
        },
    )
}

pub async fn link(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
) -> Result<Response, AppError> {
    let form = ActivityForm {
        currency: "GBP".into(),
        ..Default::default()
    };
    link_page(&app, ctx, id, form, FieldErrors::new()).await
}

pub async fn log_activity(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
    Form(form): Form<ActivityForm>,
) -> Result<Response, AppError> {
    let input = ActivityInput {
        kind: Some(form.kind.clone()),
        happened_on: Some(form.happened_on.clone()),
        note: Some(form.note.clone()),
        amount: None,
        amount_text: Some(form.amount_text.clone()),
        currency: Some(form.currency.clone()),
    };
    match actions::log_activity(&app.db, &ctx.principal, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/twinnings/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            link_page(&app, ctx, id, form, errors).await
        }
    }
}

async fn move_link(
    app: AppState,
    ctx: Ctx,
    id: TwinningId,
    verb: LinkVerb,
) -> Result<Response, AppError> {
    match actions::act(&app.db, &ctx.principal, id, verb).await {
        Ok(_) => Ok(see_other(&format!("/twinnings/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            link_page(&app, ctx, id, ActivityForm::default(), errors).await
        }
    }
}

macro_rules! verb_page {
    ($name:ident, $verb:expr) => {
        pub async fn $name(
            State(app): State<AppState>,
            ctx: Ctx,
            Id(id): Id<TwinningId>,
        ) -> Result<Response, AppError> {
            move_link(app, ctx, id, $verb).await
        }
    };
}

verb_page!(introduce, LinkVerb::Introduce);
/// Agreeing, for one's own branch, or for a branch a coordinator names.
pub async fn agree(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
    Query(q): Query<super::api::SideQuery>,
) -> Result<Response, AppError> {
    let result = match actions::named_side(q.side.as_deref()) {
        Ok(side) => actions::agree(&app.db, &ctx.principal, id, side).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/twinnings/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            link_page(&app, ctx, id, ActivityForm::default(), errors).await
        }
    }
}
verb_page!(activate, LinkVerb::Activate);
verb_page!(pause, LinkVerb::Pause);
verb_page!(end, LinkVerb::End);

#[derive(Deserialize, Default)]
pub struct ProposeForm {
    #[serde(default)]
    gb_branch_id: String,
    #[serde(default)]
    ua_branch_id: String,
}

pub async fn propose(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ProposeForm>,
) -> Result<Response, AppError> {
    let gb = form.gb_branch_id.trim().parse().ok();
    let ua = form.ua_branch_id.trim().parse().ok();
    // A proposal comes from the board or a suggestions list; if it fails,
    // the error page says why (each field's message included).
    let link = actions::propose(&app.db, &ctx.principal, gb, ua).await?;
    Ok(see_other(&format!("/twinnings/{}", link.id)))
}

// ---- suggestions and the board ----

#[derive(Template)]
#[template(path = "twinning/suggestions.html")]
struct SuggestionsPage {
    ctx: Ctx,
    branch: Branch,
    ranked: Vec<Ranked>,
}

impl SuggestionsPage {
    fn reason(&self, r: &Reason) -> String {
        actions::reason_text(&self.ctx.tr, r)
    }

    /// The proposal form needs the British branch first.
    fn pair(&self, other: &Branch) -> (BranchId, BranchId) {
        if self.branch.country == Country::Gb {
            (self.branch.id, other.id)
        } else {
            (other.id, self.branch.id)
        }
    }
}

pub async fn suggestions(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<BranchId>,
) -> Result<Response, AppError> {
    let ranked = actions::suggestions(&app.db, &ctx.principal, id, &ctx.tr, 20).await?;
    let branch = crate::directory::actions::get_branch(&app.db, &ctx.principal, id).await?;
    page(SuggestionsPage {
        ctx,
        branch,
        ranked,
    })
}

/// A branch without a live link, and the best counterpart for it.
pub struct Unmatched {
    pub branch: Branch,
    pub best: Option<Ranked>,
}

#[derive(Template)]
#[template(path = "twinning/board.html")]
struct BoardPage {
    ctx: Ctx,
    query: ListQuery,
    gb: Vec<Unmatched>,
    ua: Vec<Branch>,
    by_union: Vec<(String, Option<String>, i64, i64)>,
    by_sector: Vec<(String, i64, i64)>,
    regions: Vec<String>,
}

impl BoardPage {
    fn sectors(&self) -> &'static [Sector] {
        Sector::ALL
    }

    fn sector_name(&self, code: &str) -> String {
        Sector::parse(code)
            .map(|s| self.ctx.tr.t(s.label_key()))
            .unwrap_or_else(|| code.to_owned())
    }

    fn reason(&self, r: &Reason) -> String {
        actions::reason_text(&self.ctx.tr, r)
    }

    fn skip_link(&self, id: &BranchId) -> String {
        let mut skip = self.query.skip.clone();
        if !skip.is_empty() {
            skip.push(',');
        }
        skip.push_str(&id.to_string());
        let pairs = [
            ("sector", self.query.sector.as_str()),
            ("region", self.query.region.as_str()),
            ("skip", skip.as_str()),
        ];
        format!(
            "/twinnings/board?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

/// How many unmatched branches of each side the board shows at once.
const BOARD_ROWS: usize = 30;

pub async fn board(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let sector = Sector::parse(&query.sector);
    let region = query.region.trim().to_owned();
    let skipped: Vec<BranchId> = query
        .skip
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let all = store::candidates(&app.db, None).await?;
    let matches = |c: &Candidate| {
        c.links == 0
            && sector.is_none_or(|s| c.sector == s)
            && (region.is_empty() || c.region == region)
            && !skipped.contains(&c.id)
    };
    let label = |s: Sector| ctx.tr.t(s.label_key());
    let mut gb = Vec::new();
    for c in all
        .iter()
        .filter(|c| c.country == Country::Gb && matches(c))
        .take(BOARD_ROWS)
    {
        let Some(branch) = directory::get_branch(&app.db, c.id).await? else {
            continue;
        };
        let best = super::model::suggestions(c, &all, &[], 1, &label)
            .into_iter()
            .next();
        let best = match best {
            Some(s) => directory::get_branch(&app.db, s.branch)
                .await?
                .map(|b| Ranked {
                    branch: b,
                    suggestion: s,
                }),
            None => None,
        };
        gb.push(Unmatched { branch, best });
    }

    let mut ua = Vec::new();
    for c in all
        .iter()
        .filter(|c| c.country == Country::Ua && matches(c))
        .take(BOARD_ROWS)
    {
        if let Some(b) = directory::get_branch(&app.db, c.id).await? {
            ua.push(b);
        }
    }
    let by_union = store::balance_by_union(&app.db).await?;
    let by_sector = store::balance_by_sector(&app.db).await?;
    // Only coordinators reach the board, and see every branch; what they
    // were shown of branches at risk is in the audit log all the same.
    let mut shown: Vec<&Branch> = ua.iter().collect();
    for u in &gb {
        shown.push(&u.branch);
        shown.extend(u.best.as_ref().map(|r| &r.branch));
    }
    let shown_at_risk: Vec<BranchId> = shown.iter().filter(|b| b.at_risk).map(|b| b.id).collect();
    crate::directory::actions::audit_branch_views(&app.db, &ctx.principal, shown_at_risk).await?;
    let regions = crate::directory::actions::regions(&app.db, &ctx.principal).await?;
    page(BoardPage {
        ctx,
        query,
        gb,
        ua,
        by_union,
        by_sector,
        regions,
    })
}

// ---- needs ----

#[derive(Template)]
#[template(path = "twinning/needs.html")]
struct NeedsPage {
    ctx: Ctx,
    needs: Vec<Need>,
    /// Branches the viewer may adopt a need for.
    own: Vec<Branch>,
    may_post: bool,
}

pub async fn needs(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let filter = NeedFilter {
        status: Some(NeedStatus::Open),
        branch_id: None,
    };
    let paging = Paging {
        page: 1,
        per_page: Paging::MAX_PER_PAGE,
    };
    let (needs, _) = actions::list_needs(&app.db, &ctx.principal, &filter, paging).await?;
    let own = adoptable_for(&app, &ctx).await?;
    let may_post = ctx.may(Action::PostNeeds);
    page(NeedsPage {
        ctx,
        needs,
        own,
        may_post,
    })
}

async fn adoptable_for(app: &AppState, ctx: &Ctx) -> Result<Vec<Branch>, AppError> {
    match ctx.principal.scope(Action::AdoptNeeds) {
        Scope::Nothing => Ok(Vec::new()),
        scope => Ok(directory::branches_by_scope(&app.db, &scope).await?),
    }
}

#[derive(Template)]
#[template(path = "twinning/need.html")]
struct NeedPage {
    ctx: Ctx,
    need: Need,
    own: Vec<Branch>,
    may_deliver: bool,
    errors: FieldErrors,
}

async fn need_page(
    app: &AppState,
    ctx: Ctx,
    id: NeedId,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let need = actions::get_need(&app.db, id).await?;
    if !ctx.signed_in() && need.status != NeedStatus::Open {
        return Err(AppError::NotFound);
    }
    let own = adoptable_for(app, &ctx).await?;
    let may_deliver = need.status == NeedStatus::Adopted
        && (ctx.principal.may_at(Action::AdoptNeeds, need.adopted_by)
            || ctx
                .principal
                .may_at(Action::PostNeeds, Some(need.branch_id)));
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        NeedPage {
            ctx,
            need,
            own,
            may_deliver,
            errors,
        },
    )
}

pub async fn need(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<NeedId>,
) -> Result<Response, AppError> {
    need_page(&app, ctx, id, FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
pub struct AdoptForm {
    #[serde(default)]
    branch_id: String,
}

pub async fn adopt(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<NeedId>,
    Form(form): Form<AdoptForm>,
) -> Result<Response, AppError> {
    let branch = form.branch_id.trim().parse().ok();
    match actions::adopt_need(&app.db, &ctx.principal, id, branch).await {
        Ok(_) => Ok(see_other(&format!("/needs/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            need_page(&app, ctx, id, errors).await
        }
    }
}

pub async fn deliver(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<NeedId>,
) -> Result<Response, AppError> {
    match actions::deliver_need(&app.db, &ctx.principal, id).await {
        Ok(_) => Ok(see_other(&format!("/needs/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            need_page(&app, ctx, id, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "twinning/need_form.html")]
struct NeedForm {
    ctx: Ctx,
    form: NeedFormValues,
    errors: FieldErrors,
    branches: Vec<Branch>,
}

impl NeedForm {
    fn urgencies(&self) -> &'static [Urgency] {
        Urgency::ALL
    }

    fn currencies(&self) -> Vec<&'static str> {
        Currency::all().map(Currency::code).collect()
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct NeedFormValues {
    #[serde(default)]
    branch_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    cost_text: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    urgency: String,
}

async fn need_form(
    app: &AppState,
    ctx: Ctx,
    form: NeedFormValues,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let branches: Vec<Branch> =
        directory::branches_by_scope(&app.db, &ctx.principal.scope(Action::PostNeeds))
            .await?
            .into_iter()
            .filter(|b| b.country == Country::Ua)
            .collect();
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        NeedForm {
            ctx,
            form,
            errors,
            branches,
        },
    )
}

pub async fn new_need(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let form = NeedFormValues {
        quantity: "1".into(),
        currency: "UAH".into(),
        urgency: "soon".into(),
        ..Default::default()
    };
    need_form(&app, ctx, form, FieldErrors::new()).await
}

pub async fn post_need(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NeedFormValues>,
) -> Result<Response, AppError> {
    let input = NeedInput {
        branch_id: Some(Loose::Text(form.branch_id.clone())),
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        quantity: Some(Loose::Text(form.quantity.clone())),
        cost: None,
        cost_text: Some(form.cost_text.clone()),
        currency: Some(form.currency.clone()),
        urgency: Some(form.urgency.clone()),
    };
    match actions::post_need(&app.db, &ctx.principal, &input).await {
        Ok(need) => Ok(see_other(&format!("/needs/{}", need.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            need_form(&app, ctx, form, errors).await
        }
    }
}
