//! When a meeting is: a wall-clock time in a named zone, which stays that
//! wall-clock time across a clock change, and the instant it is.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, ToSpan};

use super::*;
use crate::common::clock::zone;
use crate::common::input::{FieldErrors, Loose};

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

/// How far ahead a meeting may be planned: further is a typing mistake
/// (and year 9999 would overflow the end of the meeting).
pub const MAX_YEARS_AHEAD: i64 = 3;

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
    let date: Option<Date> = if date.trim().is_empty() {
        errors.add("date", "err-date");
        None
    } else {
        crate::common::input::date(Some(date), None, "date", errors)
    };
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
    };
    // Every way to fail says which field: a parse never gives nothing
    // without saying why (which its callers would report as our fault).
    let Some(starts_at) = starts_at else {
        if errors.is_empty() {
            errors.add("date", "err-date");
        }
        return None;
    };
    if starts_at <= now {
        errors.add("date", "err-in-the-past");
        return None;
    }
    if starts_at.duration_since(now).as_secs() > MAX_YEARS_AHEAD * 366 * 86_400 {
        errors.add_with("date", "err-too-far-ahead", MAX_YEARS_AHEAD);
        return None;
    }
    // The zone as the time-zone database names it (`Europe/London`, not
    // however it was typed), so that feeds and pages show one spelling.
    let zone_name = tz.iana_name().unwrap_or(zone_name.trim()).to_owned();
    Some(PlannedTime {
        starts_at,
        zone: tz,
        zone_name,
        duration_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::clock::KYIV;

    #[test]
    fn a_meeting_in_year_9999_or_years_ahead_is_a_date_error() {
        for date in ["9999-12-31", "2100-01-01", "2030-01-01"] {
            let e = planned(date, "19:00", "Europe/London", None).unwrap_err();
            assert!(e.get("date").is_some(), "{date}: {e:?}");
        }
        let p = planned("2026-06-01", "19:00", "europe/london", None).unwrap();
        assert_eq!(p.zone_name, "Europe/London");
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
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
}
