//! Who can speak at a meeting: double-booking, speakers' hours and days
//! away, and the ranking of speakers for a request with its reasons.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::clock::KYIV;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
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
}
