//! The one clock. Instants are stored as whole seconds since the Unix epoch,
//! UTC ([`now`]). Days without a time of their own — a donation's day, a
//! statement's date, an affiliation's renewal, the day a click is counted
//! on, the last day of a short link — are calendar days in the campaign's
//! zone, [`CAMPAIGN_ZONE`], and "today" ([`today`]) is today's date there,
//! for every area, form, API and import alike.
//!
//! Meetings are the exception that proves the rule: they keep the zone they
//! were planned in, and are shown to each reader in the reader's own zone
//! (and to Ukrainian readers in Kyiv time too).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::i18n::{Lang, Tr};

/// The campaign's home zone: where its calendar days begin and end, and the
/// zone times are shown in when an account has not chosen one.
pub const CAMPAIGN_ZONE: &str = "Europe/London";

/// The zone Ukrainian readers also see every time in.
pub const KYIV: &str = "Europe/Kyiv";

/// Now, as stored: whole seconds since the Unix epoch, UTC.
pub fn now() -> i64 {
    Timestamp::now().as_second()
}

/// Looks up an IANA zone in the time-zone database built into the binary.
pub fn zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    TimeZone::get(name).ok()
}

/// A zone's name as the time-zone database spells it (`Europe/London` for
/// `europe/london`), so that one zone is stored, shown and sent one way.
pub fn zone_name(name: &str) -> Option<String> {
    let tz = zone(name)?;
    Some(tz.iana_name().unwrap_or(name.trim()).to_owned())
}

fn campaign_zone() -> TimeZone {
    // The zone database is compiled in (jiff's `tzdb-bundle-always`), so the
    // campaign's zone is always there; UTC only guards a broken build.
    TimeZone::get(CAMPAIGN_ZONE).unwrap_or(TimeZone::UTC)
}

/// Today's date in the campaign's zone.
pub fn today() -> Date {
    day_of(now())
}

/// The campaign day an instant (Unix seconds) falls on.
pub fn day_of(seconds: i64) -> Date {
    let at = Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH);
    at.to_zoned(campaign_zone()).date()
}

/// The instant (Unix seconds) a campaign day begins.
pub fn start_of(day: Date) -> i64 {
    day.to_zoned(campaign_zone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or_else(|_| {
            // Only dates beyond jiff's range get here; read them in UTC.
            day.to_zoned(TimeZone::UTC)
                .map(|z| z.timestamp().as_second())
                .unwrap_or(i64::MAX)
        })
}

/// A timer for work done every `interval` (the outbox, the scheduler): the
/// first tick comes one interval from now, so that a server starting up
/// answers its first requests before anything else, and a tick missed
/// while busy is taken late rather than twice.
pub fn every(interval: std::time::Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// An instant as JSON carries it: RFC 3339 in UTC.
pub fn rfc3339(seconds: i64) -> String {
    Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// An instant in RFC 3339 with the offset of a zone (a meeting in the zone
/// it was planned in).
pub fn rfc3339_in(seconds: i64, zone_name: &str) -> String {
    let tz = zone(zone_name).unwrap_or(TimeZone::UTC);
    Timestamp::from_second(seconds)
        .map(|t| t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_default()
}

/// "Tue 3 Nov 2026, 19:00 GMT" / "вт, 03.11.2026, 19:00 GMT".
pub fn format(tr: &Tr, seconds: i64, zone_name: &str) -> String {
    let tz = TimeZone::get(zone_name).unwrap_or(TimeZone::UTC);
    let Ok(ts) = Timestamp::from_second(seconds) else {
        return String::new();
    };
    let zoned = ts.to_zoned(tz);
    let weekday = tr.t(WEEKDAYS[zoned.weekday().to_monday_zero_offset() as usize]);
    let abbreviation = zoned
        .time_zone()
        .to_offset_info(ts)
        .abbreviation()
        .to_string();
    let date = match tr.lang {
        Lang::En => zoned.strftime("%-d %b %Y").to_string(),
        Lang::Uk => zoned.strftime("%d.%m.%Y").to_string(),
    };
    format!(
        "{weekday} {date}, {} {abbreviation}",
        zoned.strftime("%H:%M")
    )
}

const WEEKDAYS: [&str; 7] = [
    "day-mon", "day-tue", "day-wed", "day-thu", "day-fri", "day-sat", "day-sun",
];

/// A meeting's time for one reader: in the reader's zone, with the planned
/// zone's wall clock beside it when that differs, and Kyiv time for
/// Ukrainian readers.
pub fn for_reader(
    tr: &Tr,
    seconds: i64,
    planned_zone: &str,
    reader_zone: &str,
    ukrainian: bool,
) -> String {
    let mut text = format(tr, seconds, reader_zone);
    if planned_zone != reader_zone {
        text.push_str(&format!(
            " ({})",
            tr.t1("time-there", "arg", format(tr, seconds, planned_zone))
        ));
    }
    if ukrainian && reader_zone != KYIV && planned_zone != KYIV {
        text.push_str(&format!(
            " ({})",
            tr.t1("time-kyiv", "arg", format(tr, seconds, KYIV))
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> i64 {
        rfc3339.parse::<Timestamp>().unwrap().as_second()
    }

    #[test]
    fn times_show_in_the_readers_zone_and_kyiv() {
        let en = Tr::new(Lang::En);
        let t = at("2026-11-03T19:00:00Z");
        assert_eq!(format(&en, t, "Europe/London"), "Tue 3 Nov 2026, 19:00 GMT");
        let uk = Tr::new(Lang::Uk);
        assert_eq!(format(&uk, t, "Europe/Kyiv"), "вт 03.11.2026, 21:00 EET");
        let text = for_reader(&uk, t, "Europe/London", "Europe/London", true);
        assert!(
            text.contains("19:00 GMT") && text.contains("21:00 EET"),
            "{text}"
        );
    }

    #[test]
    fn a_day_is_a_day_in_london_through_summer_time() {
        // 00:30 British Summer Time on 1 July is still 30 June in UTC: the
        // campaign's day is already 1 July.
        let summer_night = at("2026-06-30T23:30:00Z");
        assert_eq!(day_of(summer_night), jiff::civil::date(2026, 7, 1));
        assert_eq!(
            start_of(jiff::civil::date(2026, 7, 1)),
            at("2026-06-30T23:00:00Z")
        );
        // In winter London keeps UTC.
        assert_eq!(
            day_of(at("2026-12-01T23:30:00Z")),
            jiff::civil::date(2026, 12, 1)
        );
        assert_eq!(
            start_of(jiff::civil::date(2026, 12, 2)),
            at("2026-12-02T00:00:00Z")
        );
    }

    #[test]
    fn zones_are_looked_up_by_their_iana_names() {
        assert!(zone("Europe/Kyiv").is_some());
        assert!(zone(" Europe/London ").is_some());
        assert!(zone("Mars/Olympus").is_none());
        assert!(zone("").is_none());
        assert_eq!(
            zone_name(" europe/london ").as_deref(),
            Some("Europe/London")
        );
        assert_eq!(zone_name("EUROPE/KYIV").as_deref(), Some("Europe/Kyiv"));
    }
}
