//! Typed ids for every kind of record, in one place: an id of one kind can
//! never be passed where another kind's is expected, and an area that
//! refers to another area's record (a short link to an appeal, a donation
//! from a branch) needs only this file, not the other area. An id is read
//! from and bound to a `BIGINT` column as it is.

/// Declares a typed id: a positive integer that names one kind of record.
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            /// Ids are positive integers; anything else names no record.
            fn from_str(s: &str) -> Result<Self, ()> {
                match s.parse::<i64>() {
                    Ok(n) if n > 0 => Ok($name(n)),
                    _ => Err(()),
                }
            }
        }
    };
}

typed_id!(
    /// An account that can log in.
    UserId
);
typed_id!(
    /// A union, British or Ukrainian.
    UnionId
);
typed_id!(
    /// A branch of a union.
    BranchId
);
typed_id!(
    /// A person known to the campaign.
    PersonId
);
typed_id!(
    /// A campaign or Ukrainian trade-union speaker.
    SpeakerId
);
typed_id!(
    /// A branch's request for a speaker, and the booking it becomes.
    RequestId
);
typed_id!(
    /// A link between two branches.
    TwinningId
);
typed_id!(
    /// An entry in a twinning link's activity log.
    ActivityId
);
typed_id!(
    /// Something a Ukrainian branch needs.
    NeedId
);
typed_id!(
    /// An aid appeal.
    AppealId
);
typed_id!(
    /// A donation or pledge to an appeal.
    DonationId
);
typed_id!(
    /// An application to affiliate, or an affiliation.
    AffiliationId
);
typed_id!(
    /// A row of the affiliation fee table.
    FeeBandId
);
typed_id!(
    /// A short link, or a branch's copy of one.
    LinkId
);
typed_id!(
    /// A statement or news item.
    StatementId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_numbers() {
        assert_eq!("7".parse::<BranchId>(), Ok(BranchId(7)));
        assert!("0".parse::<BranchId>().is_err());
        assert!("-3".parse::<AppealId>().is_err());
        assert!("x".parse::<AppealId>().is_err());
        assert_eq!(BranchId(12).to_string(), "12");
    }
}
