//! What the twinning pages and API both do: who sees and moves which link,
//! the checks on proposals, activities and needs, suggestions, and the
//! dormancy rule the worker applies.

use super::model::*;
use super::store::{self, Visible};
use crate::auth::{Action, Principal, Scope};
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::db::Db;
use crate::directory::model::{Branch, Country};
use crate::directory::store as directory;
use crate::i18n::{Lang, Tr};
use crate::outbox;
use crate::web::error::AppError;

pub fn visible_to(who: &Principal) -> Visible {
    match who.scope(Action::ViewTwinnings) {
        Scope::All => Visible::All,
        Scope::Branches(ids) => Visible::Branches(ids),
        Scope::Nothing => Visible::Branches(Vec::new()),
    }
}

fn may_see(who: &Principal, link: &Twinning) -> bool {
    match visible_to(who) {
        Visible::All => true,
        Visible::Branches(ids) => {
            ids.contains(&link.gb_branch_id) || ids.contains(&link.ua_branch_id)
        }
    }
}

/// A link the caller may see, as stored: for the checks before a change.
async fn fetch_link(db: &Db, who: &Principal, id: TwinningId) -> Result<Twinning, AppError> {
    let link = store::get_link(&mut *db.conn().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_see(who, &link) {
        Ok(link)
    } else {
        Err(AppError::NotFound)
    }
}

/// A link the caller may see, as they may see it (see [`Twinning::seen_by`]).
pub async fn get_link(db: &Db, who: &Principal, id: TwinningId) -> Result<Twinning, AppError> {
    let link = fetch_link(db, who, id).await?;
    let mut shown = shown_links(db, who, vec![link]).await?;
    shown.pop().ok_or(AppError::NotFound)
}

/// Links as this reader may see them, with every at-risk branch they were
/// shown written to the audit log.
pub async fn shown_links(
    db: &Db,
    who: &Principal,
    links: Vec<Twinning>,
) -> Result<Vec<Twinning>, AppError> {
    let seen: Vec<BranchId> = links.iter().flat_map(|l| l.at_risk_shown(who)).collect();
    crate::directory::actions::audit_branch_views(db, who, seen).await?;
    Ok(links.into_iter().map(|l| l.seen_by(who)).collect())
}

/// A page of the links the caller may see, as they may see them.
pub async fn list_links(
    db: &Db,
    who: &Principal,
    filter: &store::LinkFilter,
    paging: crate::common::paging::Paging,
) -> Result<(Vec<Twinning>, i64), AppError> {
    let (links, total) = store::list_links(db, &visible_to(who), filter, paging).await?;
    Ok((shown_links(db, who, links).await?, total))
}

/// A coordinator proposes a link between a British and a Ukrainian branch.
pub async fn propose(
    db: &Db,
    who: &Principal,
    gb: Option<BranchId>,
    ua: Option<BranchId>,
) -> Result<Twinning, AppError> {
    let mut errors = FieldErrors::new();
    let gb_branch = branch_on_side(db, gb, Country::Gb, "gb_branch_id", &mut errors).await?;
    let ua_branch = branch_on_side(db, ua, Country::Ua, "ua_branch_id", &mut errors).await?;
    errors.into_result()?;
    let (Some(gb), Some(ua)) = (gb_branch, ua_branch) else {
        return Err(AppError::Internal("checked branches missing".into()));
    };
    let mut tx = db.write().await?;
    let id = store::insert_link(&mut tx, gb.id, ua.id, who.account().map(|a| a.id))
        .await
        .map_err(AppError::duplicate_of(
            "ua_branch_id",
            "err-twinning-exists",
        ))?;
    tx.commit().await?;
    get_link(db, who, id).await
}

/// The branch named for one side of a link, if it exists and is on that side.
async fn branch_on_side(
    db: &Db,
    id: Option<BranchId>,
    side: Country,
    field: &str,
    errors: &mut FieldErrors,
) -> Result<Option<Branch>, AppError> {
    let Some(id) = id else {
        errors.add(field, "err-required");
        return Ok(None);
    };
    match directory::get_branch(db, id).await? {
        None => {
            errors.add(field, "err-unknown-branch");
            Ok(None)
        }
        Some(b) if b.country != side => {
            errors.add(field, "err-same-side");
            Ok(None)
        }
        Some(b) => Ok(Some(b)),
    }
}

/// Coordinators move any link; officers of either branch their own.
fn may_move(who: &Principal, link: &Twinning) -> bool {
    who.may_at(Action::MoveTwinnings, Some(link.gb_branch_id))
        || who.may_at(Action::MoveTwinnings, Some(link.ua_branch_id))
}

/// The side an agreement is for: an officer agrees for their own branch
/// (and may not name the other side); a coordinator must say which side
/// they act for.
fn agreeing_side(who: &Principal, link: &Twinning, named: Option<Side>) -> Result<Side, AppError> {
    let own: Vec<Side> = Side::ALL
        .iter()
        .copied()
        .filter(|&s| match who.account() {
            Some(a) => a.branches.contains(&link.branch(s)),
            None => false,
        })
        .collect();
    match (own.as_slice(), named) {
        ([side], None) => Ok(*side),
        (_, Some(side)) if own.contains(&side) => Ok(side),
        (_, Some(side)) if who.may(Action::ProposeTwinnings) => Ok(side),
        (_, Some(_)) => Err(AppError::Forbidden),
        (_, None) => Err(AppError::Invalid(FieldErrors::one(
            "side",
            "err-agree-side",
        ))),
    }
}

/// The side named in `?side=` (`gb` or `ua`), if any: a coordinator's choice.
pub fn named_side(text: Option<&str>) -> Result<Option<Side>, AppError> {
    let mut errors = FieldErrors::new();
    let side = match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => crate::common::input::choice(Some(t), None, "side", Side::parse, &mut errors),
    };
    errors.into_result()?;
    Ok(side)
}

/// One side agrees to twin; the link is agreed, and each branch's officers
/// may read the other's people, only once both sides have. A coordinator
/// agreeing for a branch is recorded in the audit log.
pub async fn agree(
    db: &Db,
    who: &Principal,
    id: TwinningId,
    side: Option<Side>,
) -> Result<Twinning, AppError> {
    let link = fetch_link(db, who, id).await?;
    if !may_move(who, &link) {
        return Err(AppError::NotFound);
    }
    let side = agreeing_side(who, &link, side)?;
    match super::model::agree(&link, side) {
        Err(AgreeRefusal::NotNow) => {
            return Err(AppError::conflict("not_allowed_now", "err-transition"))
        }
        Err(AgreeRefusal::AlreadyAgreed) => {
            return Err(AppError::conflict("already_agreed", "err-already-agreed"))
        }
        Ok(_) => {}
    }
    let mut tx = db.write().await?;
    if !store::record_agreement(&mut tx, id, side).await? {
        return Err(AppError::conflict("changed", "err-stale"));
    }
    tx.commit().await?;
    let for_own_branch = who
        .account()
        .is_some_and(|a| a.branches.contains(&link.branch(side)));
    if !for_own_branch {
        crate::auth::store::audit(
            db,
            who.account().map(|a| a.id),
            "twinning_agreed_for",
            &format!(
                "twinning={id} side={} branch={}",
                side.code(),
                link.branch(side)
            ),
        )
        .await?;
    }
    get_link(db, who, id).await
}

/// Moves a link by any verb but `agree` (which records a side: see [`agree`]).
pub async fn act(
    db: &Db,
    who: &Principal,
    id: TwinningId,
    verb: LinkVerb,
) -> Result<Twinning, AppError> {
    if verb == LinkVerb::Agree {
        return agree(db, who, id, None).await;
    }
    let link = fetch_link(db, who, id).await?;
    if !may_move(who, &link) {
        return Err(AppError::NotFound);
    }
    let Some(to) = link_transition(link.status, verb) else {
        return Err(AppError::conflict("not_allowed_now", "err-transition"));
    };
    let mut tx = db.write().await?;
    if !store::move_link(&mut tx, id, link.status, to).await? {
        return Err(AppError::conflict("changed", "err-stale"));
    }
    tx.commit().await?;
    get_link(db, who, id).await
}

pub async fn log_activity(
    db: &Db,
    who: &Principal,
    id: TwinningId,
    input: &ActivityInput,
) -> Result<Activity, AppError> {
    let link = fetch_link(db, who, id).await?;
    if !may_move(who, &link) {
        return Err(AppError::NotFound);
    }
    if link.status == LinkStatus::Ended {
        return Err(AppError::conflict("ended", "err-link-ended"));
    }
    let mut errors = FieldErrors::new();
    let fields = input.parse(crate::common::clock::today(), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let (by, name) = match who.account() {
        Some(a) => (Some(a.id), a.name.clone()),
        None => (None, String::new()),
    };
    let mut tx = db.write().await?;
    let activity = store::insert_activity(&mut tx, id, &fields, by, &name).await?;
    tx.commit().await?;
    store::activities(db, id)
        .await?
        .into_iter()
        .find(|a| a.id == activity)
        .ok_or(AppError::NotFound)
}

/// A counterpart, ranked, with the branch it is.
pub struct Ranked {
    pub branch: Branch,
    pub suggestion: Suggestion,
}

/// The best counterparts for a branch the caller may look after.
pub async fn suggestions(
    db: &Db,
    who: &Principal,
    branch: BranchId,
    tr: &Tr,
    limit: usize,
) -> Result<Vec<Ranked>, AppError> {
    if !who.may_at(Action::ViewTwinnings, Some(branch)) {
        return Err(AppError::NotFound);
    }
    let Some(me) = store::candidate(db, branch).await? else {
        return Err(AppError::NotFound);
    };
    let other_side = if me.country == Country::Gb {
        Country::Ua
    } else {
        Country::Gb
    };
    let others = store::candidates(db, Some(other_side)).await?;
    let already = store::linked_with(db, branch).await?;
    let label = |s: crate::directory::model::Sector| tr.t(s.label_key());
    let ranked = super::model::suggestions(&me, &others, &already, limit, &label);
    let mut out = Vec::with_capacity(ranked.len());
    for mut suggestion in ranked {
        if let Some(b) = directory::get_branch(db, suggestion.branch).await? {
            let branch = b.seen_by(who);
            if branch.withheld {
                // The region would say where a withheld branch is.
                suggestion.reasons.retain(|r| r.key != "why-region");
            }
            out.push(Ranked { branch, suggestion });
        }
    }
    crate::directory::actions::audit_branch_views(
        db,
        who,
        out.iter()
            .filter(|r| r.branch.at_risk && !r.branch.withheld)
            .map(|r| r.branch.id),
    )
    .await?;
    Ok(out)
}

/// The words of a reason in a reader's language.
pub fn reason_text(tr: &Tr, r: &Reason) -> String {
    match &r.arg {
        Some(arg) => tr.t1(r.key, "arg", arg),
        None => tr.t(r.key),
    }
}

// ---- needs ----

pub async fn post_need(db: &Db, who: &Principal, input: &NeedInput) -> Result<Need, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(&mut errors);
    if let Some(f) = &fields {
        if !who.may_at(Action::PostNeeds, Some(f.branch_id)) {
            errors.add("branch_id", "err-unknown-branch");
        } else {
            match directory::get_branch(db, f.branch_id).await? {
                None => errors.add("branch_id", "err-unknown-branch"),
                Some(b) if b.country != Country::Ua => {
                    errors.add("branch_id", "err-needs-ukrainian")
                }
                Some(_) => {}
            }
        }
    }
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_need(&mut tx, &fields).await?;
    let need = store::get_need(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(need)
}

/// A page of needs. Asked for the needs of an at-risk branch they may not
/// know, a reader gets none: the answer would tie the branch to its needs.
pub async fn list_needs(
    db: &Db,
    who: &Principal,
    filter: &store::NeedFilter,
    paging: crate::common::paging::Paging,
) -> Result<(Vec<Need>, i64), AppError> {
    if let Some(b) = filter.branch_id {
        if let Some(branch) = directory::get_branch(db, b).await? {
            if !branch.identity_shown_to(who) {
                return Ok((Vec::new(), 0));
            }
        }
    }
    Ok(store::list_needs(db, filter, paging).await?)
}

pub async fn get_need(db: &Db, id: NeedId) -> Result<Need, AppError> {
    store::get_need(&mut *db.conn().await?, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn adopt_need(
    db: &Db,
    who: &Principal,
    id: NeedId,
    by: Option<BranchId>,
) -> Result<Need, AppError> {
    let need = get_need(db, id).await?;
    let mut errors = FieldErrors::new();
    match by {
        None => errors.add("branch_id", "err-required"),
        Some(b) if !who.may_at(Action::AdoptNeeds, Some(b)) => {
            errors.add("branch_id", "err-unknown-branch")
        }
        Some(b) if b == need.branch_id => errors.add("branch_id", "err-own-need"),
        Some(b) if directory::get_branch(db, b).await?.is_none() => {
            errors.add("branch_id", "err-unknown-branch")
        }
        Some(_) => {}
    }
    errors.into_result()?;
    let by = by.ok_or(AppError::Internal("checked branch missing".into()))?;
    let mut tx = db.write().await?;
    if !store::adopt_need(&mut tx, id, by).await? {
        return Err(AppError::conflict("not_open", "err-need-not-open"));
    }
    let need = store::get_need(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(need)
}

/// The adopting branch, the branch in need or a coordinator marks it delivered.
pub async fn deliver_need(db: &Db, who: &Principal, id: NeedId) -> Result<Need, AppError> {
    let need = get_need(db, id).await?;
    let may = who.may_at(Action::AdoptNeeds, need.adopted_by)
        || who.may_at(Action::PostNeeds, Some(need.branch_id));
    if !may {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.write().await?;
    if !store::deliver_need(&mut tx, id).await? {
        return Err(AppError::conflict("not_adopted", "err-need-not-adopted"));
    }
    let need = store::get_need(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(need)
}

/// The worker's dormancy pass: active links quiet for ninety days turn
/// dormant, and coordinators hear of each, in their own language.
pub async fn mark_dormant(db: &Db, base_url: &str) -> Result<usize, AppError> {
    let now = crate::common::clock::now();
    let cutoff = now - DORMANT_AFTER_DAYS * 24 * 60 * 60;
    let mut tx = db.write().await?;
    let quiet = store::quiet_active_links(&mut tx, cutoff).await?;
    let mut changed = 0;
    for link in quiet {
        if !is_due_dormant(link.status, link.last_activity_at, now)
            || !store::make_dormant(&mut tx, link.id).await?
        {
            continue;
        }
        changed += 1;
        for (address, lang) in crate::auth::store::coordinators(&mut tx).await? {
            let tr = Tr::new(lang.unwrap_or(Lang::En));
            let pair = [
                ("gb", link.gb_branch_name.clone()),
                (
                    "ua",
                    tr.pick(&link.ua_branch_name, &link.ua_branch_name_uk)
                        .to_owned(),
                ),
            ];
            let mail = outbox::Mail {
                kind: "twinning_dormant",
                to: address,
                lang: tr.lang,
                subject: tr.with("mail-dormant-subject", &pair),
                body: [
                    tr.with("mail-dormant-intro", &pair),
                    String::new(),
                    tr.t1(
                        "mail-view-action",
                        "arg",
                        format!("{}/twinnings/{}", base_url.trim_end_matches('/'), link.id),
                    ),
                    String::new(),
                    tr.t("mail-signature"),
                ]
                .join("\n"),
            };
            outbox::enqueue(&mut tx, &mail).await?;
        }
    }
    tx.commit().await?;
    Ok(changed)
}
