//! What the affiliations pages and API both do: take an application (and
//! say what it will cost), activate and lapse affiliations, and queue the
//! renewal reminders.

use jiff::ToSpan;

use super::model::*;
use super::store;
use crate::common::clock::today;
use crate::common::input::FieldErrors;
use crate::db::Db;
use crate::i18n::{Lang, Tr};
use crate::outbox::{self, Mail};
use crate::web::error::AppError;

/// Takes an application; the applicant gets an acknowledgement with the
/// fee, in the language they applied in, and coordinators are told.
pub async fn apply(
    db: &Db,
    input: &ApplicationInput,
    lang: Lang,
    base_url: &str,
) -> Result<Affiliation, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(&mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let bands = store::fee_bands_in(&mut tx).await?;
    let band = band_for(&bands, fields.members);
    let id = store::insert(&mut tx, &fields, band).await?;
    let affiliation = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let tr = Tr::new(lang);
    let fee = affiliation
        .fee
        .map(|f| f.display())
        .unwrap_or_else(|| tr.t("affiliation-fee-tbc"));
    outbox::enqueue(
        &mut tx,
        &Mail {
            kind: "affiliation_received",
            to: affiliation.contact_email.clone(),
            lang,
            // Nobody has confirmed this address yet: the message says only
            // what the campaign wrote, never words typed into the form, so
            // that the form cannot carry a stranger's text to any inbox.
            subject: tr.t("mail-application-subject"),
            body: [
                tr.t("mail-application-hello"),
                String::new(),
                tr.with(
                    "mail-application-body",
                    &[("members", fields.members.to_string()), ("fee", fee)],
                ),
                String::new(),
                tr.t("mail-signature"),
            ]
            .join("\n"),
        },
    )
    .await?;
    for (address, coordinator_lang) in crate::auth::store::coordinators(&mut tx).await? {
        let tr = Tr::new(coordinator_lang.unwrap_or(Lang::En));
        outbox::enqueue(
            &mut tx,
            &Mail {
                kind: "affiliation_new",
                to: address,
                lang: tr.lang,
                subject: tr.t1(
                    "mail-affiliation-new-subject",
                    "arg",
                    &affiliation.organisation,
                ),
                body: [
                    tr.t1(
                        "mail-view-action",
                        "arg",
                        format!("{}/affiliations", base_url.trim_end_matches('/')),
                    ),
                    String::new(),
                    tr.t("mail-signature"),
                ]
                .join("\n"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(affiliation)
}

/// Activates (from applied or lapsed: the next renewal is a year on) or
/// lapses an affiliation.
pub async fn set_status(
    db: &Db,
    id: AffiliationId,
    to: AffiliationStatus,
) -> Result<Affiliation, AppError> {
    let mut conn = db.conn().await?;
    let current = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    if !affiliation_transition(current.status, to) {
        return Err(AppError::conflict(
            "not_allowed_now",
            "err-affiliation-transition",
        ));
    }
    let renewal = (to == AffiliationStatus::Active)
        .then(|| today().checked_add(TERM_DAYS.days()).unwrap_or(today()));
    let mut tx = db.write().await?;
    if !store::set_status(&mut tx, id, current.status, to, renewal).await? {
        return Err(AppError::conflict("changed", "err-stale"));
    }
    let moved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(moved)
}

/// The worker's pass: a month before renewal, the affiliate is reminded once.
pub async fn queue_renewal_reminders(db: &Db) -> Result<usize, AppError> {
    let by = today()
        .checked_add(REMIND_DAYS_BEFORE.days())
        .unwrap_or(today());
    let mut tx = db.write().await?;
    let mut queued = 0;
    for a in store::due_for_reminder(&mut tx, by).await? {
        if !store::mark_reminded(&mut tx, a.id).await? {
            continue;
        }
        let tr = Tr::new(Lang::En);
        let fee = a
            .fee
            .map(|f| f.display())
            .unwrap_or_else(|| tr.t("affiliation-fee-tbc"));
        let renewal = a.renewal_on.clone().unwrap_or_default();
        outbox::enqueue(
            &mut tx,
            &Mail {
                kind: "affiliation_renewal",
                to: a.contact_email.clone(),
                lang: Lang::En,
                subject: tr.t1("mail-renewal-subject", "arg", &a.organisation),
                body: [
                    tr.t1("mail-affiliation-hello", "arg", &a.contact_name),
                    String::new(),
                    tr.with(
                        "mail-renewal-body",
                        &[
                            ("organisation", a.organisation.clone()),
                            ("date", renewal),
                            ("fee", fee),
                        ],
                    ),
                    String::new(),
                    tr.t("mail-signature"),
                ]
                .join("\n"),
            },
        )
        .await?;
        queued += 1;
    }
    tx.commit().await?;
    Ok(queued)
}
