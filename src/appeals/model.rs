//! Appeals and the donations and pledges made to them: the life cycle of a
//! donation, how each change moves the appeal's running totals, and the
//! checks on what people type. Pure: no I/O. Money is always minor units
//! with its currency; totals are kept per currency, never converted.

use serde::{Deserialize, Serialize};

use crate::common::input::{
    date, id, line, long_text as text, money, past_date, vocabulary, FieldErrors, Loose,
    LONG_TEXT_MAX,
};
use crate::money::{Currency, Money};

pub use crate::common::ids::{AppealId, DonationId};

vocabulary!(
    AppealStatus, "appeal-", {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
    }
);

vocabulary!(
    DonationStatus, "donation-", {
        Pledged => "pledged",
        Received => "received",
        Cancelled => "cancelled",
    }
);

/// What a donation changes: a pledge is received (money arrived) or
/// cancelled. Anything else is refused.
pub fn donation_transition(from: DonationStatus, to: DonationStatus) -> bool {
    matches!(
        (from, to),
        (DonationStatus::Pledged, DonationStatus::Received)
            | (DonationStatus::Pledged, DonationStatus::Cancelled)
    )
}

/// How one change moves an appeal's totals in one currency: outstanding
/// pledges, money received, and the number of donations that count (all
/// but cancelled ones).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TotalsDelta {
    pub pledged_minor: i64,
    pub received_minor: i64,
    pub count: i64,
}

pub fn delta(from: Option<DonationStatus>, to: DonationStatus, amount_minor: i64) -> TotalsDelta {
    let weight = |s: Option<DonationStatus>| match s {
        Some(DonationStatus::Pledged) => TotalsDelta {
            pledged_minor: amount_minor,
            received_minor: 0,
            count: 1,
        },
        Some(DonationStatus::Received) => TotalsDelta {
            pledged_minor: 0,
            received_minor: amount_minor,
            count: 1,
        },
        Some(DonationStatus::Cancelled) | None => TotalsDelta::default(),
    };
    let (before, after) = (weight(from), weight(Some(to)));
    TotalsDelta {
        pledged_minor: after.pledged_minor - before.pledged_minor,
        received_minor: after.received_minor - before.received_minor,
        count: after.count - before.count,
    }
}

/// An appeal's totals in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Total {
    pub currency: Currency,
    pub pledged_minor: i64,
    pub received_minor: i64,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appeal {
    pub id: AppealId,
    pub slug: String,
    pub title: String,
    pub title_uk: Option<String>,
    pub description: String,
    pub description_uk: String,
    pub beneficiary: String,
    pub target: Money,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub donate_url: String,
    pub status: AppealStatus,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppealFields {
    pub slug: String,
    pub title: String,
    pub title_uk: Option<String>,
    pub description: String,
    pub description_uk: String,
    pub beneficiary: String,
    pub target: Money,
    pub opens_on: Option<jiff::civil::Date>,
    pub closes_on: Option<jiff::civil::Date>,
    pub donate_url: String,
    pub status: AppealStatus,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AppealInput {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub title_uk: Option<String>,
    pub description: Option<String>,
    pub description_uk: Option<String>,
    pub beneficiary: Option<String>,
    pub target: Option<Money>,
    pub target_text: Option<String>,
    pub target_currency: Option<String>,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub donate_url: Option<String>,
    pub status: Option<String>,
    pub version: Option<Loose>,
}

/// Words a slug may not be: paths of the site itself.
const RESERVED_SLUGS: &[&str] = &[
    "new", "edit", "api", "admin", "static", "login", "logout", "setup", "s", "needs", "events",
];

/// A slug is lower-case letters, digits and single hyphens, 3 to 60 long.
pub fn valid_slug(slug: &str) -> bool {
    (3..=60).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && !RESERVED_SLUGS.contains(&slug)
}

/// One of an appeal's short links (made in the links area, which names the
/// appeal it is for): the original, or a branch's copy, with its clicks.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AppealLink {
    pub id: crate::common::ids::LinkId,
    pub slug: String,
    /// The branch a copy credits; `None` for the original.
    pub branch_id: Option<crate::common::ids::BranchId>,
    pub branch_name: String,
    pub expires_at: Option<i64>,
    pub clicks: i64,
}

impl AppealLink {
    pub fn live(&self, now: i64) -> bool {
        self.expires_at.is_none_or(|t| now < t)
    }
}

/// An amount that must be given: JSON `{"amount_minor", "currency"}`, or
/// text and a currency.
fn required_money(
    json: Option<Money>,
    typed: Option<&str>,
    currency: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Money> {
    let amount = money(json, typed, currency, field, errors);
    if amount.is_none() {
        errors.add(field, "err-required");
    }
    amount
}

impl AppealInput {
    pub fn parse(
        &self,
        current: Option<&Appeal>,
        errors: &mut FieldErrors,
    ) -> Option<AppealFields> {
        let slug = line(
            self.slug.as_deref(),
            current.map(|a| a.slug.as_str()),
            "slug",
            60,
            true,
            errors,
        )
        .to_lowercase();
        if !slug.is_empty() && !valid_slug(&slug) {
            errors.add("slug", "err-slug");
        }
        let title = line(
            self.title.as_deref(),
            current.map(|a| a.title.as_str()),
            "title",
            200,
            true,
            errors,
        );
        let title_uk = line(
            self.title_uk.as_deref(),
            current.and_then(|a| a.title_uk.as_deref()),
            "title_uk",
            200,
            false,
            errors,
        );
        let beneficiary = line(
            self.beneficiary.as_deref(),
            current.map(|a| a.beneficiary.as_str()),
            "beneficiary",
            300,
            true,
            errors,
        );
        let description = text(
            self.description.as_deref(),
            current.map(|a| a.description.as_str()),
            "description",
            LONG_TEXT_MAX,
            errors,
        );
        let description_uk = text(
            self.description_uk.as_deref(),
            current.map(|a| a.description_uk.as_str()),
            "description_uk",
            LONG_TEXT_MAX,
            errors,
        );
        let target = if self.target.is_none() && self.target_text.is_none() {
            current.map(|a| a.target).or_else(|| {
                errors.add("target", "err-required");
                None
            })
        } else {
            required_money(
                self.target,
                self.target_text.as_deref(),
                self.target_currency.as_deref(),
                "target",
                errors,
            )
        };
        let opens_on = date(
            self.opens_on.as_deref(),
            current.and_then(|a| a.opens_on.as_deref()),
            "opens_on",
            errors,
        );
        let closes_on = date(
            self.closes_on.as_deref(),
            current.and_then(|a| a.closes_on.as_deref()),
            "closes_on",
            errors,
        );
        if let (Some(o), Some(c)) = (opens_on, closes_on) {
            if c < o {
                errors.add("closes_on", "err-closes-before-opens");
            }
        }
        let donate_url = line(
            self.donate_url.as_deref(),
            current.map(|a| a.donate_url.as_str()),
            "donate_url",
            500,
            false,
            errors,
        );
        if !donate_url.is_empty()
            && !donate_url.starts_with("https://")
            && !donate_url.starts_with("http://")
        {
            errors.add("donate_url", "err-url");
        }
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => current.map(|a| a.status).unwrap_or(AppealStatus::Draft),
            Some(s) => AppealStatus::parse(s).unwrap_or_else(|| {
                errors.add("status", "err-choice");
                AppealStatus::Draft
            }),
        };
        errors.is_empty().then_some(AppealFields {
            slug,
            title,
            title_uk: Some(title_uk).filter(|t| !t.is_empty()),
            description,
            description_uk,
            beneficiary,
            target: target?,
            opens_on,
            closes_on,
            donate_url,
            status,
        })
    }
}

/// A donation as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Donation {
    pub id: DonationId,
    pub appeal_id: AppealId,
    pub amount: Money,
    pub branch_id: Option<crate::directory::BranchId>,
    pub branch_name: Option<String>,
    pub donor_name: String,
    pub status: DonationStatus,
    pub received_on: Option<String>,
    pub reference: String,
    pub notes: String,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DonationFields {
    pub amount: Money,
    pub branch_id: Option<crate::directory::BranchId>,
    pub donor_name: String,
    pub status: DonationStatus,
    pub received_on: Option<jiff::civil::Date>,
    pub reference: String,
    pub notes: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DonationInput {
    /// `{"amount_minor", "currency"}`.
    pub amount: Option<Money>,
    pub amount_text: Option<String>,
    pub currency: Option<String>,
    /// The giving branch; coordinators may leave it out for a person or an anonymous gift.
    pub branch_id: Option<Loose>,
    pub donor_name: Option<String>,
    /// `pledged` (the default) or `received`.
    pub status: Option<String>,
    /// YYYY-MM-DD, not in the future; for money received, today when left out.
    pub received_on: Option<String>,
    /// The payment's own reference; the same reference twice in one appeal is a duplicate.
    pub reference: Option<String>,
    pub notes: Option<String>,
}

impl DonationInput {
    /// Whether the request names the day the money came (else it is today).
    pub fn typed_day(&self) -> bool {
        self.received_on
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty())
    }

    pub fn parse(
        &self,
        today: jiff::civil::Date,
        errors: &mut FieldErrors,
    ) -> Option<DonationFields> {
        let amount = required_money(
            self.amount,
            self.amount_text.as_deref(),
            self.currency.as_deref(),
            "amount",
            errors,
        );
        let branch_id = id(
            self.branch_id.as_ref(),
            "branch_id",
            "err-unknown-branch",
            errors,
        );
        let donor_name = line(
            self.donor_name.as_deref(),
            None,
            "donor_name",
            200,
            false,
            errors,
        );
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") | Some("pledged") => DonationStatus::Pledged,
            Some("received") => DonationStatus::Received,
            Some(_) => {
                errors.add("status", "err-choice");
                DonationStatus::Pledged
            }
        };
        // Money received is dated, the day it came if not given; a pledge
        // has a date only if one is given.
        let typed_day = self.received_on.as_deref().filter(|d| !d.trim().is_empty());
        let received_on = if typed_day.is_some() || status == DonationStatus::Received {
            past_date(typed_day, "received_on", today, errors)
        } else {
            None
        };
        let reference = line(
            self.reference.as_deref(),
            None,
            "reference",
            100,
            false,
            errors,
        );
        let notes = text(self.notes.as_deref(), None, "notes", LONG_TEXT_MAX, errors);
        errors.is_empty().then_some(DonationFields {
            amount: amount?,
            branch_id,
            donor_name,
            status,
            received_on,
            reference,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pledges_move_on() {
        use DonationStatus::*;
        for &from in DonationStatus::ALL {
            for &to in DonationStatus::ALL {
                let expected = from == Pledged && (to == Received || to == Cancelled);
                assert_eq!(
                    donation_transition(from, to),
                    expected,
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn totals_move_with_every_change() {
        use DonationStatus::*;
        assert_eq!(
            delta(None, Pledged, 500),
            TotalsDelta {
                pledged_minor: 500,
                received_minor: 0,
                count: 1
            }
        );
        assert_eq!(
            delta(None, Received, 500),
            TotalsDelta {
                pledged_minor: 0,
                received_minor: 500,
                count: 1
            }
        );
        assert_eq!(
            delta(Some(Pledged), Received, 500),
            TotalsDelta {
                pledged_minor: -500,
                received_minor: 500,
                count: 0
            }
        );
        assert_eq!(
            delta(Some(Pledged), Cancelled, 500),
            TotalsDelta {
                pledged_minor: -500,
                received_minor: 0,
                count: -1
            }
        );
    }

    #[test]
    fn slugs_are_plain_and_not_reserved() {
        assert!(valid_slug("donetsk-rescue-workers"));
        assert!(!valid_slug("Donetsk"));
        assert!(!valid_slug("two words"));
        assert!(!valid_slug("a/b"));
        assert!(!valid_slug("-edge"));
        assert!(!valid_slug("new"));
        assert!(!valid_slug("dоnetsk"), "a Cyrillic о that looks Latin");
    }

    #[test]
    fn donations_name_each_bad_field() {
        let today: jiff::civil::Date = "2026-11-26".parse().unwrap();
        let mut e = FieldErrors::new();
        let input = DonationInput {
            amount_text: Some("12.345".into()),
            currency: Some("GBP".into()),
            status: Some("maybe".into()),
            received_on: Some("2030-01-01".into()),
            ..Default::default()
        };
        input.parse(today, &mut e);
        assert_eq!(e.get("amount").unwrap().key, "err-decimals");
        assert!(e.has("status") && e.has("received_on"));
        let mut e = FieldErrors::new();
        let ok = DonationInput {
            amount_text: Some("£250".into()),
            status: Some("received".into()),
            ..Default::default()
        };
        let f = ok.parse(today, &mut e).unwrap();
        assert_eq!(
            (f.amount.amount_minor, f.received_on),
            (25_000, Some(today))
        );
    }
}
