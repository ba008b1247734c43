//! What the appeals pages and API both do: who sees which appeal and
//! donation, recording money exactly once, and moving pledges on — every
//! change to a donation moves the totals in the same transaction.

use super::model::*;
use super::store;
use crate::auth::{Action, Principal, Scope};
use crate::common::input::FieldErrors;
use crate::db::Db;
use crate::directory::store as directory;
use crate::web::error::AppError;

/// An appeal with its totals.
pub struct Full {
    pub appeal: Appeal,
    pub totals: Vec<Total>,
}

/// Visitors see open and closed appeals; the campaign sees drafts too.
pub async fn get_appeal(db: &Db, who: &Principal, id: AppealId) -> Result<Full, AppError> {
    let mut conn = db.conn().await?;
    let appeal = store::get_appeal(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if appeal.status == AppealStatus::Draft && !who.may(Action::ManageAppeals) {
        return Err(AppError::NotFound);
    }
    let totals = store::totals(&mut conn, id).await?;
    Ok(Full { appeal, totals })
}

fn duplicate_slug(e: crate::db::DbError) -> AppError {
    AppError::duplicate_of("slug", "err-slug-taken")(e)
}

pub async fn create_appeal(
    db: &Db,
    who: &Principal,
    input: &AppealInput,
) -> Result<Full, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_appeal(&mut tx, &fields)
        .await
        .map_err(duplicate_slug)?;
    tx.commit().await?;
    get_appeal(db, who, id).await
}

pub async fn edit_appeal(
    db: &Db,
    who: &Principal,
    id: AppealId,
    input: &AppealInput,
) -> Result<Full, AppError> {
    let current = get_appeal(db, who, id).await?.appeal;
    let mut errors = FieldErrors::new();
    let version = crate::common::input::parse_version(input.version.as_ref(), &mut errors)
        .unwrap_or(current.version);
    let fields = input.parse(Some(&current), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    if !store::update_appeal(db, id, version, &fields)
        .await
        .map_err(duplicate_slug)?
    {
        return Err(AppError::stale());
    }
    get_appeal(db, who, id).await
}

/// An idempotency key as stored: scoped to who sent it, so that the same
/// key from two callers names two requests (and one caller can never learn
/// of another's donation by guessing a key), with the fingerprint of the
/// request that first used it.
pub struct Idempotency {
    key: String,
    fingerprint: String,
}

impl Idempotency {
    /// The key `key`, as sent by `who` (a visitor's pledge form carries a
    /// key of its own, unguessable, made for that page).
    fn new(who: &Principal, key: &str, fields: &DonationFields, typed_day: bool) -> Idempotency {
        let scope = match who.account() {
            Some(a) => format!("account-{}", a.id),
            None => "visitor".to_owned(),
        };
        Idempotency {
            key: format!("{scope}:{key}"),
            fingerprint: fingerprint(fields, typed_day),
        }
    }
}

/// What makes two requests the same: the parsed fields, serialised in one
/// fixed order (the same whatever order a JSON body had, or whatever
/// spelling an amount was typed in). A day left out, which becomes today,
/// counts as left out, so a retry after midnight is still the same request.
fn fingerprint(f: &DonationFields, typed_day: bool) -> String {
    #[derive(serde::Serialize)]
    struct Canonical<'a> {
        amount_minor: i64,
        currency: &'a str,
        branch_id: Option<i64>,
        donor_name: &'a str,
        status: &'a str,
        received_on: Option<String>,
        reference: &'a str,
        notes: &'a str,
    }
    let canonical = Canonical {
        amount_minor: f.amount.amount_minor,
        currency: f.amount.currency.code(),
        branch_id: f.branch_id.map(|b| b.0),
        donor_name: &f.donor_name,
        status: f.status.code(),
        received_on: f.received_on.filter(|_| typed_day).map(|d| d.to_string()),
        reference: &f.reference,
        notes: &f.notes,
    };
    // Serialising a struct of strings and numbers cannot fail.
    let text = serde_json::to_string(&canonical).unwrap_or_default();
    crate::auth::sha256_hex(&text)
}

/// Records a donation or pledge. With an idempotency key, the same request
/// again returns the first donation (`false`: nothing new), and another
/// request under the same key is a conflict. Officers record their own
/// branch's donations only.
pub async fn record(
    db: &Db,
    who: &Principal,
    appeal: AppealId,
    input: &DonationInput,
    key: Option<&str>,
) -> Result<(Donation, bool), AppError> {
    let full = get_appeal(db, who, appeal).await?;
    let mut errors = FieldErrors::new();
    let fields = input.parse(crate::common::clock::today(), &mut errors);
    if let Some(f) = &fields {
        match f.branch_id {
            Some(b) if !who.may_at(Action::RecordDonations, Some(b)) => {
                errors.add("branch_id", "err-unknown-branch")
            }
            Some(b) if directory::get_branch(db, b).await?.is_none() => {
                errors.add("branch_id", "err-unknown-branch")
            }
            None if !who.may(Action::ConfirmReceipts) => errors.add("branch_id", "err-required"),
            _ => {}
        }
        if f.status == DonationStatus::Received && !who.may(Action::ConfirmReceipts) {
            errors.add("status", "err-receipts-by-coordinators");
        }
    }
    if full.appeal.status != AppealStatus::Open {
        return Err(AppError::conflict("appeal_not_open", "err-appeal-not-open"));
    }
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let typed_day = input.typed_day();
    let key = key.map(|k| Idempotency::new(who, k, &fields, typed_day));
    insert_once(db, appeal, &fields, key, who.account().map(|a| a.id)).await
}

/// A visitor's pledge from the public page: a name if they give one, no
/// branch, always a pledge, and always under the form's own key.
pub async fn public_pledge(
    db: &Db,
    appeal: AppealId,
    input: &DonationInput,
    key: &str,
) -> Result<(Donation, bool), AppError> {
    let visitor = Principal::Anonymous;
    let full = get_appeal(db, &visitor, appeal).await?;
    if full.appeal.status != AppealStatus::Open {
        return Err(AppError::conflict("appeal_not_open", "err-appeal-not-open"));
    }
    let mut errors = FieldErrors::new();
    let input = DonationInput {
        branch_id: None,
        status: None,
        received_on: None,
        reference: None,
        ..input.clone()
    };
    let fields = input.parse(crate::common::clock::today(), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let key = Idempotency::new(&visitor, key, &fields, false);
    insert_once(db, appeal, &fields, Some(key), None).await
}

/// Writes a donation and moves the totals, in one transaction, unless its
/// key says it was written before: then the first donation (`false`), or a
/// conflict when the key came with another request. Without a key, a
/// reference already recorded for the appeal is a duplicate.
async fn insert_once(
    db: &Db,
    appeal: AppealId,
    fields: &DonationFields,
    key: Option<Idempotency>,
    by: Option<crate::common::ids::UserId>,
) -> Result<(Donation, bool), AppError> {
    let stored_key = key
        .as_ref()
        .map(|k| (k.key.as_str(), k.fingerprint.as_str()));
    let mut tx = db.write().await?;
    match store::insert_donation(&mut tx, appeal, fields, stored_key, by).await {
        Ok(id) => {
            store::apply_delta(
                &mut tx,
                appeal,
                fields.amount.currency,
                delta(None, fields.status, fields.amount.amount_minor),
            )
            .await?;
            let donation = store::get_donation(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await?;
            Ok((donation, true))
        }
        Err(e) if e.is_unique_violation() => {
            drop(tx);
            let mut conn = db.conn().await?;
            let first = match &key {
                Some(k) => store::by_key(&mut conn, appeal, &k.key).await?,
                None => None,
            };
            // Not the key, so the reference: that money is already recorded.
            let (Some((id, first_fingerprint)), Some(key)) = (first, key) else {
                return Err(AppError::duplicate_of("reference", "err-reference-taken")(
                    e,
                ));
            };
            if first_fingerprint != key.fingerprint {
                return Err(AppError::conflict(
                    "idempotency_key_reused",
                    "err-idempotency-reused",
                ));
            }
            let donation = store::get_donation(&mut conn, id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((donation, false))
        }
        Err(e) => Err(e.into()),
    }
}

/// Which donations of an appeal a caller sees: coordinators all of them,
/// officers their own branches'.
pub fn donation_scope(who: &Principal) -> Option<Vec<crate::directory::BranchId>> {
    match who.scope(Action::RecordDonations) {
        Scope::All => None,
        Scope::Branches(ids) => Some(ids),
        Scope::Nothing => Some(Vec::new()),
    }
}

/// A coordinator confirms a pledge received, or cancels it.
pub async fn move_donation(
    db: &Db,
    who: &Principal,
    id: DonationId,
    to: DonationStatus,
) -> Result<Donation, AppError> {
    let mut conn = db.conn().await?;
    let donation = store::get_donation(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let own = who.may_at(Action::RecordDonations, donation.branch_id);
    if !own {
        return Err(AppError::NotFound);
    }
    // Officers may cancel their own branch's pledge; receipts are the treasurer's.
    if to == DonationStatus::Received && !who.may(Action::ConfirmReceipts) {
        return Err(AppError::Forbidden);
    }
    if !donation_transition(donation.status, to) {
        return Err(AppError::conflict(
            "not_allowed_now",
            "err-donation-transition",
        ));
    }
    let today = crate::common::clock::today();
    let received_on = (to == DonationStatus::Received).then_some(today);
    let mut tx = db.write().await?;
    if !store::move_donation(&mut tx, id, donation.status, to, received_on).await? {
        return Err(AppError::conflict("changed", "err-stale"));
    }
    store::apply_delta(
        &mut tx,
        donation.appeal_id,
        donation.amount.currency,
        delta(Some(donation.status), to, donation.amount.amount_minor),
    )
    .await?;
    let moved = store::get_donation(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(moved)
}
