//! Speakers and the requests for them: the life cycle of a booking, the
//! rules of time (a meeting is planned in a named zone and stays at its
//! wall-clock time), double-booking, and how speakers are ranked for a
//! request, each in a file of its own. Pure: no I/O.

mod booking;
mod matching;
mod profile;
mod request;
mod time;

pub use booking::*;
pub use matching::*;
pub use profile::*;
pub use request::*;
pub use time::*;

pub use crate::common::ids::{RequestId, SpeakerId};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_verb_format_and_reason_has_words_in_both_languages() {
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
        assert_eq!(crate::i18n::missing_messages(keys), Vec::<String>::new());
    }
}
