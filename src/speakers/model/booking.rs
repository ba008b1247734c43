//! A booking's life: the formats a meeting can take, the states a
//! request passes through and the verbs that move it.

use serde::{Deserialize, Serialize};

/// Time kept free around an in-person booking for travel, and around an
/// online one for a breath between meetings.
pub const TRAVEL_BUFFER_MINUTES: i64 = 120;
pub const ONLINE_BUFFER_MINUTES: i64 = 15;
/// A meeting lasts at least this long and less than a day.
pub const MIN_DURATION_MINUTES: i64 = 15;
pub const MAX_DURATION_MINUTES: i64 = 24 * 60 - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    InPerson,
    Online,
    Hybrid,
}

impl Format {
    pub const ALL: &'static [Format] = &[Format::InPerson, Format::Online, Format::Hybrid];

    pub fn code(self) -> &'static str {
        match self {
            Format::InPerson => "in_person",
            Format::Online => "online",
            Format::Hybrid => "hybrid",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.code() == s.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Format::InPerson => "format-in_person",
            Format::Online => "format-online",
            Format::Hybrid => "format-hybrid",
        }
    }

    /// Someone has to travel to the meeting.
    pub fn needs_travel(self) -> bool {
        self != Format::Online
    }

    pub(super) fn buffer_minutes(self) -> i64 {
        if self.needs_travel() {
            TRAVEL_BUFFER_MINUTES
        } else {
            ONLINE_BUFFER_MINUTES
        }
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Requested,
    Offered,
    Confirmed,
    Held,
    Reported,
    Declined,
    Cancelled,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::Requested,
        Status::Offered,
        Status::Confirmed,
        Status::Held,
        Status::Reported,
        Status::Declined,
        Status::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Offered => "offered",
            Status::Confirmed => "confirmed",
            Status::Held => "held",
            Status::Reported => "reported",
            Status::Declined => "declined",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|v| v.code() == s.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Status::Requested => "status-requested",
            Status::Offered => "status-offered",
            Status::Confirmed => "status-confirmed",
            Status::Held => "status-held",
            Status::Reported => "status-reported",
            Status::Declined => "status-declined",
            Status::Cancelled => "status-cancelled",
        }
    }

    /// A booking in these states holds the speaker's time.
    pub fn holds_speaker(self) -> bool {
        matches!(self, Status::Offered | Status::Confirmed)
    }
}

/// What can be done to a request: the `{verb}` of
/// `POST /api/v1/speaker-requests/{id}/{verb}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// A coordinator offers the booking to a speaker.
    Offer,
    /// The speaker accepts the offer.
    Accept,
    /// The speaker declines it; a coordinator can then offer another.
    Decline,
    /// A coordinator confirms on the speaker's behalf.
    Confirm,
    /// The branch or a coordinator calls it off.
    Cancel,
    /// The meeting took place.
    Hold,
    /// Attendance and a short report are recorded.
    Report,
}

impl Verb {
    pub const ALL: &'static [Verb] = &[
        Verb::Offer,
        Verb::Accept,
        Verb::Decline,
        Verb::Confirm,
        Verb::Cancel,
        Verb::Hold,
        Verb::Report,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Verb::Offer => "offer",
            Verb::Accept => "accept",
            Verb::Decline => "decline",
            Verb::Confirm => "confirm",
            Verb::Cancel => "cancel",
            Verb::Hold => "hold",
            Verb::Report => "report",
        }
    }

    pub fn parse(s: &str) -> Option<Verb> {
        Verb::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Verb::Offer => "verb-offer",
            Verb::Accept => "verb-accept",
            Verb::Decline => "verb-decline",
            Verb::Confirm => "verb-confirm",
            Verb::Cancel => "verb-cancel",
            Verb::Hold => "verb-hold",
            Verb::Report => "verb-report",
        }
    }
}

/// The life cycle, in one place: the state a verb leads to, or `None` when
/// the verb is not allowed from this state.
pub fn transition(from: Status, verb: Verb) -> Option<Status> {
    use Status::*;
    use Verb::*;
    match (from, verb) {
        (Requested | Declined, Offer) => Some(Offered),
        (Offered, Accept | Confirm) => Some(Confirmed),
        (Offered, Decline) => Some(Declined),
        (Requested | Offered | Confirmed | Declined, Cancel) => Some(Cancelled),
        (Confirmed, Hold) => Some(Held),
        (Held, Report) => Some(Reported),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_life_cycle_allows_exactly_these_moves() {
        use Status::*;
        use Verb::*;
        let allowed = [
            (Requested, Offer, Offered),
            (Declined, Offer, Offered),
            (Offered, Accept, Confirmed),
            (Offered, Confirm, Confirmed),
            (Offered, Decline, Declined),
            (Requested, Cancel, Cancelled),
            (Offered, Cancel, Cancelled),
            (Confirmed, Cancel, Cancelled),
            (Declined, Cancel, Cancelled),
            (Confirmed, Hold, Held),
            (Held, Report, Reported),
        ];
        for &from in Status::ALL {
            for &verb in Verb::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, v, _)| *f == from && *v == verb)
                    .map(|t| t.2);
                assert_eq!(transition(from, verb), expected, "{from:?} --{verb:?}-->");
            }
        }
    }

    #[test]
    fn finished_bookings_go_nowhere() {
        for &verb in Verb::ALL {
            assert_eq!(transition(Status::Reported, verb), None);
            assert_eq!(transition(Status::Cancelled, verb), None);
        }
    }
}
