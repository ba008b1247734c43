//! Affiliation to the campaign: who applies (a branch, a region or a
//! national body), the fee band their membership puts them in, and the
//! life of an affiliation from application to renewal. Pure: no I/O.

use serde::Deserialize;

use crate::db::typed_id;
use crate::directory::model::{vocabulary, Loose};
use crate::money::Money;
use crate::web::error::FieldErrors;
use crate::web::fields::line;

typed_id!(
    /// An application or affiliation.
    AffiliationId
);
typed_id!(
    /// A row of the fee table.
    FeeBandId
);

vocabulary!(
    AffiliationKind, "affiliation-kind-", {
        National => "national",
        Region => "region",
        Branch => "branch",
    }
);

vocabulary!(
    AffiliationStatus, "affiliation-", {
        Applied => "applied",
        Active => "active",
        Lapsed => "lapsed",
    }
);

/// How long an affiliation runs before it is due for renewal, and how long
/// before that the reminder goes.
pub const TERM_DAYS: i64 = 365;
pub const REMIND_DAYS_BEFORE: i64 = 30;

/// Moves an affiliation may make: activated on application (or renewed
/// after lapsing), and lapsed when unpaid.
pub fn affiliation_transition(from: AffiliationStatus, to: AffiliationStatus) -> bool {
    use AffiliationStatus::*;
    matches!(
        (from, to),
        (Applied, Active) | (Lapsed, Active) | (Active, Lapsed)
    )
}

/// A row of the fee table: members from `min_members` to `max_members`
/// (no upper bound when `None`) pay `fee` a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeBand {
    pub id: FeeBandId,
    pub name: String,
    pub min_members: i64,
    pub max_members: Option<i64>,
    pub fee: Money,
}

/// The band a membership falls in, if the table covers it.
pub fn band_for(bands: &[FeeBand], members: i64) -> Option<&FeeBand> {
    bands
        .iter()
        .filter(|b| b.min_members <= members && b.max_members.is_none_or(|max| members <= max))
        .max_by_key(|b| b.min_members)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affiliation {
    pub id: AffiliationId,
    pub kind: AffiliationKind,
    pub organisation: String,
    pub union_name: String,
    pub members: i64,
    pub contact_name: String,
    pub contact_email: String,
    pub fee: Option<Money>,
    pub fee_band: Option<String>,
    pub status: AffiliationStatus,
    pub renewal_on: Option<String>,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationFields {
    pub kind: AffiliationKind,
    pub organisation: String,
    pub union_name: String,
    pub members: i64,
    pub contact_name: String,
    pub contact_email: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApplicationInput {
    pub kind: Option<String>,
    pub organisation: Option<String>,
    pub union_name: Option<String>,
    pub members: Option<Loose>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

impl ApplicationInput {
    pub fn parse(&self, errors: &mut FieldErrors) -> Option<ApplicationFields> {
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("kind", "err-required");
                None
            }
            Some(k) => AffiliationKind::parse(k).or_else(|| {
                errors.add("kind", "err-choice");
                None
            }),
        };
        let organisation = line(
            self.organisation.as_deref(),
            None,
            "organisation",
            200,
            true,
            errors,
        );
        let union_name = line(
            self.union_name.as_deref(),
            None,
            "union_name",
            200,
            true,
            errors,
        );
        let members = match self.members.as_ref().map(Loose::as_text) {
            None => {
                errors.add("members", "err-required");
                None
            }
            Some(t) if t.trim().is_empty() => {
                errors.add("members", "err-required");
                None
            }
            Some(t) => match t.trim().replace([',', ' '], "").parse::<i64>() {
                Ok(n) if (1..=10_000_000).contains(&n) => Some(n),
                _ => {
                    errors.add_with("members", "err-range", "1–10,000,000");
                    None
                }
            },
        };
        let contact_name = line(
            self.contact_name.as_deref(),
            None,
            "contact_name",
            200,
            true,
            errors,
        );
        let contact_email =
            crate::auth::normalise_email(self.contact_email.as_deref().unwrap_or(""));
        if contact_email.is_empty() {
            errors.add("contact_email", "err-required");
        } else if !crate::auth::is_plausible_email(&contact_email) {
            errors.add("contact_email", "err-email");
        }
        errors.is_empty().then_some(ApplicationFields {
            kind: kind?,
            organisation,
            union_name,
            members: members?,
            contact_name,
            contact_email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn band(id: i64, min: i64, max: Option<i64>, fee: i64) -> FeeBand {
        FeeBand {
            id: FeeBandId(id),
            name: format!("band {id}"),
            min_members: min,
            max_members: max,
            fee: Money {
                amount_minor: fee,
                currency: Currency::GBP,
            },
        }
    }

    #[test]
    fn membership_picks_its_fee_band() {
        let bands = [
            band(1, 1, Some(99), 2_500),
            band(2, 100, Some(999), 5_000),
            band(3, 1_000, None, 10_000),
        ];
        assert_eq!(band_for(&bands, 40).unwrap().id, FeeBandId(1));
        assert_eq!(band_for(&bands, 100).unwrap().id, FeeBandId(2));
        assert_eq!(band_for(&bands, 250_000).unwrap().id, FeeBandId(3));
        assert!(
            band_for(&bands[1..], 40).is_none(),
            "a table with a gap says so"
        );
    }

    #[test]
    fn the_life_of_an_affiliation() {
        use AffiliationStatus::*;
        for &from in AffiliationStatus::ALL {
            for &to in AffiliationStatus::ALL {
                let expected = matches!(
                    (from, to),
                    (Applied, Active) | (Lapsed, Active) | (Active, Lapsed)
                );
                assert_eq!(
                    affiliation_transition(from, to),
                    expected,
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn applications_name_each_bad_field() {
        let mut e = FieldErrors::new();
        let input = ApplicationInput {
            kind: Some("guild".into()),
            members: Some(Loose::Int(0)),
            contact_email: Some("x".into()),
            ..Default::default()
        };
        input.parse(&mut e);
        for field in [
            "kind",
            "organisation",
            "union_name",
            "members",
            "contact_name",
            "contact_email",
        ] {
            assert!(e.has(field), "{field}");
        }
        let mut e = FieldErrors::new();
        let ok = ApplicationInput {
            kind: Some("branch".into()),
            organisation: Some("Eastbrook Health branch".into()),
            union_name: Some("UNISON".into()),
            members: Some(Loose::Text("1,200".into())),
            contact_name: Some("Sam".into()),
            contact_email: Some("Sam@Example.org".into()),
        };
        let f = ok.parse(&mut e).unwrap();
        assert_eq!(
            (f.members, f.contact_email.as_str()),
            (1200, "sam@example.org")
        );
    }
}
