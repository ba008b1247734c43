//! Speakers and the requests for them: the life cycle of a booking, the
//! rules of time (a meeting is planned in a named zone and stays at its
//! wall-clock time), double-booking, and how speakers are ranked for a
//! request. Pure: no I/O.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::common::clock::{zone, KYIV};
use crate::common::input::{
    count, email, flag, id, is_language_code, items, line, long_text, FieldErrors, Loose, TextList,
};

use crate::common::ids::BranchId;
pub use crate::common::ids::{RequestId, SpeakerId};

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

    fn buffer_minutes(self) -> i64 {
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

/// When a meeting is, as planned: a wall-clock time in a named zone, and
/// the instant that is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTime {
    pub starts_at: Timestamp,
    pub zone: TimeZone,
    pub zone_name: String,
    pub duration_minutes: i64,
}

impl PlannedTime {
    pub fn ends_at(&self) -> Timestamp {
        self.starts_at
            .checked_add((self.duration_minutes * 60).seconds())
            .unwrap_or(self.starts_at)
    }

    /// The wall-clock start in the zone it was planned in, derived from the
    /// stored instant through the time-zone database.
    pub fn local_start(&self) -> DateTime {
        self.starts_at.to_zoned(self.zone.clone()).datetime()
    }
}

/// Which of two instants to take when a wall-clock time occurs twice (the
/// hour when clocks go back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    Earlier,
    Later,
}

/// Turns a wall-clock date and time in a named zone into an instant. A time
/// that does not exist (clocks go forward) is an error; a time that occurs
/// twice (clocks go back) is an error unless `fold` says which one.
pub fn plan(
    date: &str,
    time: &str,
    zone_name: &str,
    duration: Option<&Loose>,
    fold: Option<Fold>,
    now: Timestamp,
    errors: &mut FieldErrors,
) -> Option<PlannedTime> {
    let tz = zone(zone_name);
    if tz.is_none() {
        errors.add("time_zone", "err-time-zone");
    }
    let date: Option<Date> = date.trim().parse().ok();
    if date.is_none() {
        errors.add("date", "err-date");
    }
    let time: Option<jiff::civil::Time> = time.trim().parse().ok();
    if time.is_none() {
        errors.add("time", "err-time");
    }
    let duration_minutes = match duration.map(Loose::as_text) {
        None => {
            errors.add("duration_minutes", "err-required");
            None
        }
        Some(text) => match text.trim().parse::<i64>() {
            Ok(m) if (MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(&m) => Some(m),
            _ => {
                errors.add_with(
                    "duration_minutes",
                    "err-duration",
                    format!("{MIN_DURATION_MINUTES}–{MAX_DURATION_MINUTES}"),
                );
                None
            }
        },
    };
    let (tz, date, time, duration_minutes) = (tz?, date?, time?, duration_minutes?);
    let civil = date.to_datetime(time);
    let ambiguous = tz.to_ambiguous_timestamp(civil);
    let starts_at = match (ambiguous.offset(), fold) {
        (AmbiguousOffset::Unambiguous { .. }, _) => ambiguous.unambiguous().ok(),
        (AmbiguousOffset::Gap { .. }, _) => {
            errors.add("time", "err-time-gap");
            None
        }
        (AmbiguousOffset::Fold { .. }, None) => {
            errors.add("time", "err-time-fold");
            None
        }
        (AmbiguousOffset::Fold { .. }, Some(Fold::Earlier)) => ambiguous.earlier().ok(),
        (AmbiguousOffset::Fold { .. }, Some(Fold::Later)) => ambiguous.later().ok(),
    }?;
    if starts_at <= now {
        errors.add("date", "err-in-the-past");
        return None;
    }
    Some(PlannedTime {
        starts_at,
        zone: tz,
        zone_name: zone_name.trim().to_owned(),
        duration_minutes,
    })
}

/// A booking as far as double-booking is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: i64,
    pub ends_at: i64,
    pub format: Format,
}

impl Slot {
    /// Whether two bookings of one speaker collide: they overlap, or the
    /// time between them is shorter than the travel (or rest) either needs.
    pub fn clashes_with(&self, other: &Slot) -> bool {
        let gap = self.starts_at.max(other.starts_at) - self.ends_at.min(other.ends_at);
        let needed = self
            .format
            .buffer_minutes()
            .max(other.format.buffer_minutes())
            * 60;
        gap < needed
    }
}

/// A weekly window a speaker is usually free in, in their home zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i8,
    pub start_minute: i32,
    pub end_minute: i32,
}

/// What the matching screen knows about a speaker.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub home_zone: TimeZone,
    pub online: bool,
    pub in_person: bool,
    /// Regions they travel to; empty means anywhere.
    pub regions: Vec<String>,
    pub windows: Vec<Window>,
    /// Days they are away, as (first, last) inclusive, in their home zone.
    pub blackouts: Vec<(Date, Date)>,
    /// Their offered and confirmed bookings.
    pub bookings: Vec<Slot>,
}

/// What a request asks for, as the ranking sees it.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub slot: Slot,
    pub topics: Vec<String>,
    pub region: Option<String>,
    /// English↔Ukrainian interpretation will be provided.
    pub interpretation: bool,
}

/// One reason for or against a speaker, as a message id and an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub key: &'static str,
    pub arg: Option<String>,
}

impl Reason {
    fn new(key: &'static str) -> Reason {
        Reason { key, arg: None }
    }

    fn with(key: &'static str, arg: impl Into<String>) -> Reason {
        Reason {
            key,
            arg: Some(arg.into()),
        }
    }
}

/// How well a speaker fits a request: whether they can do it at all, a
/// score to rank those who can, and the reasons in words.
#[derive(Clone, Debug)]
pub struct Fit {
    pub available: bool,
    pub score: i64,
    pub reasons: Vec<Reason>,
}

fn lower(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Scores a speaker for a request. A speaker who is booked, away, outside
/// their hours, cannot do the format or cannot be understood is not
/// available; among the available, shared topics count most, then a
/// region they travel to, then speaking English themselves.
pub fn fit(candidate: &Candidate, wanted: &Wanted) -> Fit {
    let mut reasons = Vec::new();
    let mut available = true;
    let mut score = 0;

    if candidate
        .bookings
        .iter()
        .any(|b| b.clashes_with(&wanted.slot))
    {
        available = false;
        reasons.push(Reason::new("fit-booked"));
    }

    let start = Timestamp::from_second(wanted.slot.starts_at).unwrap_or(Timestamp::UNIX_EPOCH);
    let end = Timestamp::from_second(wanted.slot.ends_at).unwrap_or(Timestamp::UNIX_EPOCH);
    let local_start = start.to_zoned(candidate.home_zone.clone());
    let local_end = end.to_zoned(candidate.home_zone.clone());
    let day = local_start.date();
    if candidate
        .blackouts
        .iter()
        .any(|(first, last)| *first <= day && day <= *last)
    {
        available = false;
        reasons.push(Reason::new("fit-away"));
    }
    if !candidate.windows.is_empty() {
        let weekday = local_start.weekday().to_monday_one_offset();
        let from = i32::from(local_start.hour()) * 60 + i32::from(local_start.minute());
        let same_day = local_end.date() == day;
        let to = if same_day {
            i32::from(local_end.hour()) * 60 + i32::from(local_end.minute())
        } else {
            24 * 60
        };
        let inside = candidate
            .windows
            .iter()
            .any(|w| w.weekday == weekday && w.start_minute <= from && to <= w.end_minute);
        if inside {
            reasons.push(Reason::with(
                "fit-in-hours",
                local_start.strftime("%H:%M").to_string(),
            ));
        } else {
            available = false;
            reasons.push(Reason::with(
                "fit-out-of-hours",
                local_start.strftime("%a %H:%M").to_string(),
            ));
        }
    }

    let can_format = match wanted.slot.format {
        Format::Online => candidate.online,
        Format::InPerson => candidate.in_person,
        Format::Hybrid => candidate.online || candidate.in_person,
    };
    if !can_format {
        available = false;
        reasons.push(Reason::new("fit-wrong-format"));
    }

    let languages = lower(&candidate.languages);
    let speaks_english = languages.iter().any(|l| l == "en");
    if speaks_english {
        score += 10;
        reasons.push(Reason::new("fit-speaks-english"));
    } else if wanted.interpretation && languages.iter().any(|l| l == "uk") {
        reasons.push(Reason::new("fit-with-interpretation"));
    } else {
        available = false;
        reasons.push(Reason::new("fit-needs-interpretation"));
    }

    let theirs = lower(&candidate.topics);
    let shared: Vec<String> = lower(&wanted.topics)
        .into_iter()
        .filter(|t| theirs.contains(t))
        .collect();
    if !shared.is_empty() {
        score += 40 * shared.len() as i64;
        reasons.push(Reason::with("fit-topics", shared.join(", ")));
    } else if !wanted.topics.is_empty() {
        reasons.push(Reason::new("fit-no-topics"));
    }

    if wanted.slot.format.needs_travel() {
        if let Some(region) = wanted
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            let regions = lower(&candidate.regions);
            if regions.is_empty() || regions.iter().any(|r| r == &region.to_lowercase()) {
                score += 20;
                reasons.push(Reason::with("fit-travels", region));
            } else if wanted.slot.format == Format::InPerson {
                available = false;
                reasons.push(Reason::with("fit-not-travelling", region));
            }
        }
    }

    Fit {
        available,
        score,
        reasons,
    }
}

/// A speaker as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Speaker {
    pub id: SpeakerId,
    pub user_id: Option<crate::auth::UserId>,
    pub name: String,
    pub email: Option<String>,
    pub bio: String,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub time_zone: String,
    pub online: bool,
    pub in_person: bool,
    pub regions: Vec<String>,
    pub lang: crate::i18n::Lang,
    pub feed_token: String,
    pub version: i64,
}

impl Speaker {
    /// Ukrainian speakers see every time in Kyiv time too.
    pub fn is_ukrainian(&self) -> bool {
        self.time_zone == KYIV || self.languages.iter().any(|l| l == "uk")
    }
}

/// The validated fields of a speaker's profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeakerFields {
    pub name: String,
    pub email: Option<String>,
    pub bio: String,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub time_zone: String,
    pub online: bool,
    pub in_person: bool,
    pub regions: Vec<String>,
    pub lang: crate::i18n::Lang,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SpeakerInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub bio: Option<String>,
    pub languages: Option<TextList>,
    pub topics: Option<TextList>,
    pub time_zone: Option<String>,
    pub online: Option<Loose>,
    pub in_person: Option<Loose>,
    pub regions: Option<TextList>,
    pub lang: Option<String>,
    pub version: Option<Loose>,
}

impl SpeakerInput {
    pub fn parse(
        &self,
        current: Option<&Speaker>,
        errors: &mut FieldErrors,
    ) -> Option<SpeakerFields> {
        let name = line(
            self.name.as_deref(),
            current.map(|s| s.name.as_str()),
            "name",
            200,
            false,
            errors,
        );
        if name.is_empty() {
            errors.add("name", "err-required");
        }
        let email = email(
            self.email.as_deref(),
            current.and_then(|s| s.email.as_deref()),
            "email",
            errors,
        );
        let bio = long_text(
            self.bio.as_deref(),
            current.map(|s| s.bio.as_str()),
            "bio",
            4000,
            errors,
        );
        let languages: Vec<String> = items(
            self.languages.as_ref(),
            current.map(|s| &s.languages),
            "languages",
            errors,
        )
        .into_iter()
        .map(|l| l.to_lowercase())
        .collect();
        if languages.is_empty() {
            errors.add("languages", "err-required");
        } else if !languages.iter().all(|l| is_language_code(l)) {
            errors.add("languages", "err-language-codes");
        }
        let topics = items(
            self.topics.as_ref(),
            current.map(|s| &s.topics),
            "topics",
            errors,
        );
        let regions = items(
            self.regions.as_ref(),
            current.map(|s| &s.regions),
            "regions",
            errors,
        );
        let time_zone = self
            .time_zone
            .as_deref()
            .or(current.map(|s| s.time_zone.as_str()))
            .unwrap_or("")
            .trim()
            .to_owned();
        if zone(&time_zone).is_none() {
            errors.add("time_zone", "err-time-zone");
        }
        let online = flag(
            self.online.as_ref(),
            current.map(|s| s.online),
            "online",
            errors,
        );
        let in_person = flag(
            self.in_person.as_ref(),
            current.map(|s| s.in_person),
            "in_person",
            errors,
        );
        if !online && !in_person && !errors.has("online") && !errors.has("in_person") {
            errors.add("online", "err-no-format");
        }
        let lang = match &self.lang {
            Some(code) => crate::i18n::Lang::from_code(code).unwrap_or_else(|| {
                errors.add("lang", "err-choice");
                crate::i18n::Lang::En
            }),
            None => current.map(|s| s.lang).unwrap_or_else(|| {
                if languages.iter().any(|l| l == "uk") && !languages.iter().any(|l| l == "en") {
                    crate::i18n::Lang::Uk
                } else {
                    crate::i18n::Lang::En
                }
            }),
        };
        errors.is_empty().then_some(SpeakerFields {
            name,
            email,
            bio,
            languages,
            topics,
            time_zone,
            online,
            in_person,
            regions,
            lang,
        })
    }
}

/// A request for a speaker, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: RequestId,
    pub branch_id: Option<BranchId>,
    pub branch_name: Option<String>,
    pub branch_name_uk: Option<String>,
    pub requested_by: Option<crate::auth::UserId>,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub branch_text: String,
    pub starts_at: i64,
    pub time_zone: String,
    pub duration_minutes: i64,
    pub format: Format,
    pub place: String,
    pub meeting_link: String,
    pub audience: Option<i64>,
    pub interpretation: bool,
    pub topics: Vec<String>,
    pub notes: String,
    pub status: Status,
    pub speaker_id: Option<SpeakerId>,
    pub speaker_name: Option<String>,
    pub attendance: Option<i64>,
    pub report: String,
    pub version: i64,
}

impl Request {
    pub fn ends_at(&self) -> i64 {
        self.starts_at + self.duration_minutes * 60
    }

    pub fn slot(&self) -> Slot {
        Slot {
            starts_at: self.starts_at,
            ends_at: self.ends_at(),
            format: self.format,
        }
    }
}

/// The validated fields of a new request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFields {
    pub branch_id: Option<BranchId>,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub branch_text: String,
    pub planned: PlannedTime,
    pub format: Format,
    pub place: String,
    pub meeting_link: String,
    pub audience: Option<i64>,
    pub interpretation: bool,
    pub topics: Vec<String>,
    pub notes: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RequestInput {
    pub branch_id: Option<Loose>,
    /// RFC 3339 with an offset (an instant), or a local date-time without
    /// one, read in `time_zone`.
    pub starts_at: Option<String>,
    /// For forms: the local date and time, read in `time_zone`.
    pub date: Option<String>,
    pub time: Option<String>,
    pub time_zone: Option<String>,
    /// `earlier` or `later`, for a time the clocks pass twice.
    pub fold: Option<String>,
    pub duration_minutes: Option<Loose>,
    pub format: Option<String>,
    pub place: Option<String>,
    pub meeting_link: Option<String>,
    pub audience: Option<Loose>,
    pub interpretation: Option<Loose>,
    pub topics: Option<TextList>,
    pub notes: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub branch_text: Option<String>,
}

impl RequestInput {
    /// Parses a new request. Which branch the caller may name is checked by
    /// the caller; here only the form of each field.
    pub fn parse(&self, now: Timestamp, errors: &mut FieldErrors) -> Option<RequestFields> {
        let branch_id = id(
            self.branch_id.as_ref(),
            "branch_id",
            "err-unknown-branch",
            errors,
        );
        let zone_name = self.time_zone.clone().unwrap_or_default();
        let fold = match self.fold.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("earlier") => Some(Fold::Earlier),
            Some("later") => Some(Fold::Later),
            Some(_) => {
                errors.add("fold", "err-choice");
                None
            }
        };
        let planned = match &self.starts_at {
            Some(text) => match text.trim().parse::<Timestamp>() {
                // An instant with its offset: the zone only decides how it is shown.
                Ok(instant) => {
                    let tz = zone(&zone_name);
                    if tz.is_none() {
                        errors.add("time_zone", "err-time-zone");
                    }
                    let civil = tz
                        .as_ref()
                        .map(|tz| instant.to_zoned(tz.clone()).datetime());
                    let (date, time) = civil
                        .map(|c| (c.date().to_string(), c.time().to_string()))
                        .unwrap_or_default();
                    let fold = fold.or(Some(Fold::Earlier));
                    plan(
                        &date,
                        &time,
                        &zone_name,
                        self.duration_minutes.as_ref(),
                        fold,
                        now,
                        errors,
                    )
                    .map(|p| PlannedTime {
                        starts_at: instant,
                        ..p
                    })
                }
                Err(_) => match text.trim().parse::<DateTime>() {
                    Ok(civil) => plan(
                        &civil.date().to_string(),
                        &civil.time().to_string(),
                        &zone_name,
                        self.duration_minutes.as_ref(),
                        fold,
                        now,
                        errors,
                    ),
                    Err(_) => {
                        errors.add("starts_at", "err-datetime");
                        None
                    }
                },
            },
            None => plan(
                self.date.as_deref().unwrap_or(""),
                self.time.as_deref().unwrap_or(""),
                &zone_name,
                self.duration_minutes.as_ref(),
                fold,
                now,
                errors,
            ),
        };
        let format = match self.format.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("format", "err-required");
                None
            }
            Some(f) => Format::parse(f).or_else(|| {
                errors.add("format", "err-choice");
                None
            }),
        };
        let place = line(self.place.as_deref(), None, "place", 300, false, errors);
        let meeting_link = line(
            self.meeting_link.as_deref(),
            None,
            "meeting_link",
            500,
            false,
            errors,
        );
        let web_address =
            meeting_link.starts_with("https://") || meeting_link.starts_with("http://");
        if !meeting_link.is_empty() && !web_address {
            errors.add("meeting_link", "err-url");
        }
        if format.is_some_and(Format::needs_travel) && place.is_empty() {
            errors.add("place", "err-place-needed");
        }
        let audience = count(self.audience.as_ref(), "audience", 100_000, errors);
        let interpretation = flag(self.interpretation.as_ref(), None, "interpretation", errors);
        let topics = items(self.topics.as_ref(), None, "topics", errors);
        let notes = long_text(self.notes.as_deref(), None, "notes", 4000, errors);
        let contact_name = line(
            self.contact_name.as_deref(),
            None,
            "contact_name",
            200,
            false,
            errors,
        );
        let contact_email = email(self.contact_email.as_deref(), None, "contact_email", errors);
        let branch_text = line(
            self.branch_text.as_deref(),
            None,
            "branch_text",
            200,
            false,
            errors,
        );
        let (planned, format) = (planned?, format?);
        errors.is_empty().then_some(RequestFields {
            branch_id,
            contact_name,
            contact_email,
            branch_text,
            planned,
            format,
            place,
            meeting_link,
            audience,
            interpretation,
            topics,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

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

    fn planned(
        date: &str,
        time: &str,
        zone: &str,
        fold: Option<Fold>,
    ) -> Result<PlannedTime, FieldErrors> {
        let mut e = FieldErrors::new();
        let p = plan(
            date,
            time,
            zone,
            Some(&Loose::Int(90)),
            fold,
            ts("2026-01-01T00:00:00Z"),
            &mut e,
        );
        p.filter(|_| e.is_empty()).ok_or(e)
    }

    #[test]
    fn seven_pm_in_london_stays_seven_pm_across_the_clock_change() {
        // British Summer Time ends on 25 October 2026.
        let before = planned("2026-10-20", "19:00", "Europe/London", None).unwrap();
        let after = planned("2026-11-03", "19:00", "Europe/London", None).unwrap();
        assert_eq!(before.starts_at, ts("2026-10-20T18:00:00Z"));
        assert_eq!(after.starts_at, ts("2026-11-03T19:00:00Z"));
        assert_eq!(after.local_start().to_string(), "2026-11-03T19:00:00");
        // And in Kyiv that is 21:00 on both dates (both countries moved).
        let kyiv = TimeZone::get(KYIV).unwrap();
        assert_eq!(
            after
                .starts_at
                .to_zoned(kyiv.clone())
                .strftime("%H:%M")
                .to_string(),
            "21:00"
        );
        assert_eq!(
            before
                .starts_at
                .to_zoned(kyiv)
                .strftime("%H:%M")
                .to_string(),
            "21:00"
        );
    }

    #[test]
    fn a_time_skipped_by_the_clocks_is_refused() {
        // Clocks go forward at 01:00 GMT on 29 March 2026: 01:30 does not exist.
        let e = planned("2026-03-29", "01:30", "Europe/London", None).unwrap_err();
        assert_eq!(e.get("time").unwrap().key, "err-time-gap");
    }

    #[test]
    fn a_time_that_happens_twice_needs_a_choice() {
        // Clocks go back at 02:00 BST on 25 October 2026: 01:30 happens twice.
        let e = planned("2026-10-25", "01:30", "Europe/London", None).unwrap_err();
        assert_eq!(e.get("time").unwrap().key, "err-time-fold");
        let first = planned("2026-10-25", "01:30", "Europe/London", Some(Fold::Earlier)).unwrap();
        let second = planned("2026-10-25", "01:30", "Europe/London", Some(Fold::Later)).unwrap();
        assert_eq!(
            second.starts_at.as_second() - first.starts_at.as_second(),
            3600
        );
    }

    #[test]
    fn bad_dates_zones_and_durations_are_named() {
        let mut e = FieldErrors::new();
        let now = ts("2026-01-01T00:00:00Z");
        plan(
            "2026-02-30",
            "25:00",
            "Europe/Atlantis",
            Some(&Loose::Int(0)),
            None,
            now,
            &mut e,
        );
        for field in ["date", "time", "time_zone", "duration_minutes"] {
            assert!(e.has(field), "{field}");
        }
        let mut e = FieldErrors::new();
        plan(
            "2026-05-01",
            "19:00",
            "Europe/Kyiv",
            Some(&Loose::Int(24 * 60)),
            None,
            now,
            &mut e,
        );
        assert!(e.has("duration_minutes"), "a day or more is refused");
        let mut e = FieldErrors::new();
        plan(
            "2025-05-01",
            "19:00",
            "Europe/Kyiv",
            Some(&Loose::Int(60)),
            None,
            now,
            &mut e,
        );
        assert_eq!(e.get("date").unwrap().key, "err-in-the-past");
    }

    fn slot(start: &str, minutes: i64, format: Format) -> Slot {
        let s = ts(start).as_second();
        Slot {
            starts_at: s,
            ends_at: s + minutes * 60,
            format,
        }
    }

    #[test]
    fn bookings_clash_within_the_travel_buffer() {
        let a = slot("2026-05-01T18:00:00Z", 90, Format::InPerson);
        assert!(a.clashes_with(&slot("2026-05-01T18:30:00Z", 60, Format::Online)));
        // Two hours after an in-person meeting ends is far enough…
        assert!(!a.clashes_with(&slot("2026-05-01T21:30:00Z", 60, Format::InPerson)));
        // …one hour is not.
        assert!(a.clashes_with(&slot("2026-05-01T20:30:00Z", 60, Format::Online)));
        // Online meetings need only a quarter of an hour between them.
        let b = slot("2026-05-01T18:00:00Z", 60, Format::Online);
        assert!(!b.clashes_with(&slot("2026-05-01T19:15:00Z", 60, Format::Online)));
        assert!(b.clashes_with(&slot("2026-05-01T19:05:00Z", 60, Format::Online)));
    }

    fn candidate() -> Candidate {
        Candidate {
            languages: vec!["uk".into(), "en".into()],
            topics: vec!["Energy".into(), "Miners".into()],
            home_zone: TimeZone::get(KYIV).unwrap(),
            online: true,
            in_person: false,
            regions: vec![],
            windows: vec![],
            blackouts: vec![],
            bookings: vec![],
        }
    }

    fn wanted(format: Format) -> Wanted {
        Wanted {
            slot: slot("2026-11-03T19:00:00Z", 90, format),
            topics: vec!["energy".into()],
            region: Some("Wales".into()),
            interpretation: false,
        }
    }

    #[test]
    fn a_free_speaker_with_the_topic_ranks_with_reasons() {
        let f = fit(&candidate(), &wanted(Format::Online));
        assert!(f.available);
        assert_eq!(f.score, 50);
        let keys: Vec<_> = f.reasons.iter().map(|r| r.key).collect();
        assert!(keys.contains(&"fit-topics") && keys.contains(&"fit-speaks-english"));
    }

    #[test]
    fn booked_away_or_wrong_format_speakers_are_unavailable() {
        let mut c = candidate();
        c.bookings
            .push(slot("2026-11-03T19:30:00Z", 60, Format::Online));
        assert!(!fit(&c, &wanted(Format::Online)).available);

        let mut c = candidate();
        c.blackouts
            .push(("2026-11-01".parse().unwrap(), "2026-11-05".parse().unwrap()));
        assert!(!fit(&c, &wanted(Format::Online)).available);

        assert!(!fit(&candidate(), &wanted(Format::InPerson)).available);
    }

    #[test]
    fn hours_are_read_in_the_speakers_own_zone() {
        // 19:00 UTC on a Tuesday is 21:00 in Kyiv.
        let mut c = candidate();
        c.windows = vec![Window {
            weekday: 2,
            start_minute: 18 * 60,
            end_minute: 23 * 60,
        }];
        assert!(fit(&c, &wanted(Format::Online)).available);
        c.windows = vec![Window {
            weekday: 2,
            start_minute: 9 * 60,
            end_minute: 20 * 60,
        }];
        let f = fit(&c, &wanted(Format::Online));
        assert!(!f.available);
        assert!(f.reasons.iter().any(|r| r.key == "fit-out-of-hours"));
    }

    #[test]
    fn ukrainian_only_speakers_need_interpretation() {
        let mut c = candidate();
        c.languages = vec!["uk".into()];
        assert!(!fit(&c, &wanted(Format::Online)).available);
        let mut w = wanted(Format::Online);
        w.interpretation = true;
        let f = fit(&c, &w);
        assert!(f.available);
        assert!(f.reasons.iter().any(|r| r.key == "fit-with-interpretation"));
    }

    #[test]
    fn every_state_verb_format_and_reason_has_words_in_both_languages() {
        use crate::i18n::{message_ids, Lang};
        let mut keys: Vec<&str> = Vec::new();
        keys.extend(Status::ALL.iter().map(|s| s.label_key()));
        keys.extend(Verb::ALL.iter().map(|v| v.label_key()));
        keys.extend(Format::ALL.iter().map(|f| f.label_key()));
        keys.extend([
            "fit-booked",
            "fit-away",
            "fit-in-hours",
            "fit-out-of-hours",
            "fit-wrong-format",
            "fit-speaks-english",
            "fit-with-interpretation",
            "fit-needs-interpretation",
            "fit-topics",
            "fit-no-topics",
            "fit-travels",
            "fit-not-travelling",
        ]);
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            for key in &keys {
                assert!(
                    ids.iter().any(|i| i == key),
                    "{key} missing in {}",
                    lang.code()
                );
            }
        }
    }
}
