//! Showing a moment to a person: in their own zone, in the zone the meeting
//! was planned in, and for Ukrainian speakers in Kyiv time as well.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::i18n::{Lang, Tr};

/// The zone times are shown in when an account has not chosen one.
pub const DEFAULT_ZONE: &str = "Europe/London";

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
    if ukrainian && reader_zone != super::model::KYIV && planned_zone != super::model::KYIV {
        text.push_str(&format!(
            " ({})",
            tr.t1("time-kyiv", "arg", format(tr, seconds, super::model::KYIV))
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_in_the_readers_zone_and_kyiv() {
        let en = Tr::new(Lang::En);
        let t = "2026-11-03T19:00:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_second();
        assert_eq!(format(&en, t, "Europe/London"), "Tue 3 Nov 2026, 19:00 GMT");
        let uk = Tr::new(Lang::Uk);
        assert_eq!(format(&uk, t, "Europe/Kyiv"), "вт 03.11.2026, 21:00 EET");
        let text = for_reader(&uk, t, "Europe/London", "Europe/London", true);
        assert!(
            text.contains("19:00 GMT") && text.contains("21:00 EET"),
            "{text}"
        );
    }
}
