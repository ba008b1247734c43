//! A speaker's profile and the checks on what people type into it.

use serde::Deserialize;

use super::*;
use crate::common::clock::KYIV;
use crate::common::input::{
    email, flag, is_language_code, items, line, long_text, FieldErrors, Loose, TextList,
};

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

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SpeakerInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub bio: Option<String>,
    /// Language codes (`en`, `uk`).
    pub languages: Option<TextList>,
    pub topics: Option<TextList>,
    /// An IANA zone name (`Europe/Kyiv`).
    pub time_zone: Option<String>,
    pub online: Option<Loose>,
    pub in_person: Option<Loose>,
    pub regions: Option<TextList>,
    /// `en` or `uk`: the language of their e-mails.
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
        let time_zone = match crate::common::clock::zone_name(&time_zone) {
            Some(canonical) => canonical,
            None => {
                errors.add("time_zone", "err-time-zone");
                time_zone
            }
        };
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
