//! Affiliation to the campaign: who applies (a branch, a region or a
//! national body), the fee band their membership puts them in, and the
//! life of an affiliation from application to renewal. Pure: no I/O.

use serde::Deserialize;

use crate::common::input::{choice, count, email, line, vocabulary, FieldErrors, Loose};
use crate::money::Money;

pub use crate::common::ids::{AffiliationId, FeeBandId};

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

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplicationInput {
    /// `national`, `region` or `branch`.
    pub kind: Option<String>,
    pub organisation: Option<String>,
    pub union_name: Option<String>,
    /// How many members the applicant has (`1,200` is read as 1200).
    pub members: Option<Loose>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

impl ApplicationInput {
    pub fn parse(&self, errors: &mut FieldErrors) -> Option<ApplicationFields> {
        let kind = choice(
            self.kind.as_deref(),
            None,
            "kind",
            AffiliationKind::parse,
            errors,
        );
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
        let members = count(self.members.as_ref(), "members", 10_000_000, errors);
        if members.is_none() {
            errors.add("members", "err-required");
        }
        let contact_name = line(
            self.contact_name.as_deref(),
            None,
            "contact_name",
            200,
            true,
            errors,
        );
        let contact_email = email(self.contact_email.as_deref(), None, "contact_email", errors);
        if contact_email.is_none() {
            errors.add("contact_email", "err-required");
        }
        errors.is_empty().then_some(ApplicationFields {
            kind: kind?,
            organisation,
            union_name,
            members: members?,
            contact_name,
            contact_email: contact_email?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn kinds_and_statuses_have_names_in_both_languages() {
        let keys = AffiliationKind::ALL
            .iter()
            .map(|v| v.label_key())
            .chain(AffiliationStatus::ALL.iter().map(|v| v.label_key()));
        assert_eq!(crate::i18n::missing_messages(keys), Vec::<String>::new());
    }

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
