//! A branch's request for a speaker, and the checks on what people type
//! into it.

use jiff::civil::DateTime;
use jiff::Timestamp;
use serde::Deserialize;

use super::*;
use crate::common::clock::zone;
use crate::common::ids::BranchId;
use crate::common::input::{
    count, email, flag, id, items, line, long_text, FieldErrors, Loose, TextList,
};

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

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    pub branch_id: Option<Loose>,
    /// RFC 3339 with an offset (an instant), or a local date-time without
    /// one, read in `time_zone`.
    pub starts_at: Option<String>,
    /// For forms: the local date and time, read in `time_zone`.
    pub date: Option<String>,
    pub time: Option<String>,
    /// An IANA zone name; the meeting stays at its wall-clock time there.
    pub time_zone: Option<String>,
    /// `earlier` or `later`, for a time the clocks pass twice.
    pub fold: Option<String>,
    /// From 15 minutes to a day.
    pub duration_minutes: Option<Loose>,
    /// `in_person`, `online` or `hybrid`.
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

/// Whether a date and time says its offset (`Z`, `+02:00`, `-05:00`) after
/// the date part.
fn names_an_offset(text: &str) -> bool {
    let text = text.trim();
    let after_date = text.get(10..).unwrap_or("");
    after_date.contains(['Z', 'z', '+', '-'])
}

/// Whether the offset a date and time carries, if any, is one a place on
/// Earth uses (within ±14 hours). The parser takes up to ±25:59.
fn offset_is_real(text: &str) -> bool {
    use jiff::fmt::temporal::{Pieces, PiecesOffset};
    match Pieces::parse(text.trim()).ok().and_then(|p| p.offset()) {
        Some(PiecesOffset::Numeric(n)) => n.offset().seconds().abs() <= 14 * 3600,
        _ => true,
    }
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
            Some(text) if !offset_is_real(text) => {
                errors.add("starts_at", "err-datetime");
                None
            }
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
                // An offset that is not one (+25:00) is an error, not a
                // wall-clock time with the offset dropped.
                Err(_) if names_an_offset(text) => {
                    errors.add("starts_at", "err-datetime");
                    None
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
