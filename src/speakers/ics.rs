//! Calendar feeds (iCalendar, RFC 5545) of a speaker's or a branch's
//! bookings. Each event keeps the zone it was planned in (`TZID`), and the
//! feed carries a `VTIMEZONE` for each zone it uses, built from the
//! time-zone database for the years its events span, so that a client
//! without that zone still places every event at the right instant.

use std::collections::BTreeMap;

use jiff::tz::{Dst, TimeZone};
use jiff::{Timestamp, ToSpan};

use super::model::{Request, Status};

/// One event in a feed.
pub struct Event<'a> {
    pub request: &'a Request,
    pub summary: String,
    pub description: String,
}

/// Escapes text for a property value (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn local(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%Y%m%dT%H%M%S")
        .to_string()
}

fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn offset(o: jiff::tz::Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)
}

/// The `VTIMEZONE` of one zone, with every transition from a year before
/// `from` to a year after `to`.
fn vtimezone(name: &str, tz: &TimeZone, from: Timestamp, to: Timestamp, lines: &mut Vec<String>) {
    lines.push("BEGIN:VTIMEZONE".into());
    lines.push(format!("TZID:{name}"));
    // Timestamps add hours, not days (a day is not always 24 hours).
    let year = (366 * 24).hours();
    let start = from.checked_sub(year).unwrap_or(from);
    let end = to.checked_add(year).unwrap_or(to);
    let mut transitions: Vec<_> = tz.preceding(start).take(1).collect();
    transitions.extend(tz.following(start).take_while(|t| t.timestamp() <= end));
    if transitions.is_empty() {
        let o = tz.to_offset(from);
        lines.extend([
            "BEGIN:STANDARD".into(),
            "DTSTART:19700101T000000".into(),
            format!("TZOFFSETFROM:{}", offset(o)),
            format!("TZOFFSETTO:{}", offset(o)),
            "END:STANDARD".into(),
        ]);
    }
    for t in transitions {
        let at = t.timestamp();
        let before = tz.to_offset(at.checked_sub(1.second()).unwrap_or(at));
        let kind = if t.dst() == Dst::Yes {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the wall-clock time of the change in the offset before it.
        let wall = at
            .to_zoned(TimeZone::fixed(before))
            .strftime("%Y%m%dT%H%M%S")
            .to_string();
        lines.push(format!("BEGIN:{kind}"));
        lines.push(format!("DTSTART:{wall}"));
        lines.push(format!("TZOFFSETFROM:{}", offset(before)));
        lines.push(format!("TZOFFSETTO:{}", offset(t.offset())));
        if !t.abbreviation().is_empty() {
            lines.push(format!("TZNAME:{}", text(t.abbreviation())));
        }
        lines.push(format!("END:{kind}"));
    }
    lines.push("END:VTIMEZONE".into());
}

/// A whole feed. `name` is the calendar's title; `host` makes event UIDs
/// unique to this instance.
pub fn calendar(name: &str, host: &str, events: &[Event<'_>], now: Timestamp) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Solidarnist//Speakers//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(name)),
    ];
    let mut zones: BTreeMap<&str, (TimeZone, Timestamp, Timestamp)> = BTreeMap::new();
    for e in events {
        let Ok(tz) = TimeZone::get(&e.request.time_zone) else {
            continue;
        };
        let start = Timestamp::from_second(e.request.starts_at).unwrap_or(now);
        let entry = zones
            .entry(e.request.time_zone.as_str())
            .or_insert((tz, start, start));
        entry.1 = entry.1.min(start);
        entry.2 = entry.2.max(start);
    }
    for (zone_name, (tz, from, to)) in &zones {
        vtimezone(zone_name, tz, *from, *to, &mut lines);
    }
    for e in events {
        let r = e.request;
        let Some((tz, _, _)) = zones.get(r.time_zone.as_str()) else {
            continue;
        };
        let start = Timestamp::from_second(r.starts_at).unwrap_or(now);
        let end = Timestamp::from_second(r.ends_at()).unwrap_or(now);
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:speaker-request-{}@{}", r.id, text(host)));
        lines.push(format!("DTSTAMP:{}", utc(now)));
        lines.push(format!("DTSTART;TZID={}:{}", r.time_zone, local(start, tz)));
        lines.push(format!("DTEND;TZID={}:{}", r.time_zone, local(end, tz)));
        lines.push(format!("SUMMARY:{}", text(&e.summary)));
        if !r.place.is_empty() {
            lines.push(format!("LOCATION:{}", text(&r.place)));
        } else if !r.meeting_link.is_empty() {
            lines.push(format!("LOCATION:{}", text(&r.meeting_link)));
        }
        if !e.description.is_empty() {
            lines.push(format!("DESCRIPTION:{}", text(&e.description)));
        }
        let status = match r.status {
            Status::Confirmed | Status::Held | Status::Reported => "CONFIRMED",
            Status::Cancelled | Status::Declined => "CANCELLED",
            Status::Requested | Status::Offered => "TENTATIVE",
        };
        lines.push(format!("STATUS:{status}"));
        lines.push(format!("SEQUENCE:{}", r.version));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "Солідарність ".repeat(10)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.starts_with("SUMMARY:Солідарність"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn london_has_both_of_its_offsets() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let t: Timestamp = "2026-11-03T19:00:00Z".parse().unwrap();
        let mut lines = Vec::new();
        vtimezone("Europe/London", &tz, t, t, &mut lines);
        let joined = lines.join("\n");
        assert!(joined.contains("TZOFFSETTO:+0100"));
        assert!(joined.contains("TZOFFSETTO:+0000"));
        assert!(
            joined.contains("DTSTART:20261025T020000"),
            "the change back in 2026:\n{joined}"
        );
    }
}
