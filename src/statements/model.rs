//! Statements and news: what the campaign and the Ukrainian union
//! federations say, in English and Ukrainian, written in Markdown. Each keeps
//! which language it was written in and whether its translation has been
//! checked, so readers know what they are reading. Pure: no I/O.

use serde::Deserialize;

use crate::common::input::{
    date, flag, is_web_address, line, long_text, slug_problem, FieldErrors, Loose, LONG_TEXT_MAX,
};
use crate::i18n::Lang;

pub use crate::common::ids::StatementId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub id: StatementId,
    pub slug: String,
    pub title: String,
    pub title_uk: String,
    pub body: String,
    pub body_uk: String,
    /// Who issued it: "FPU", "KVPU", "the campaign".
    pub source: String,
    pub source_url: String,
    pub published_on: jiff::civil::Date,
    /// The language it was written in; the other is a translation.
    pub original: Lang,
    pub translation_reviewed: bool,
    pub version: i64,
    pub updated_at: i64,
}

impl Statement {
    /// The title in `lang`, or in the original when there is no translation.
    pub fn title_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Uk if !self.title_uk.is_empty() => &self.title_uk,
            Lang::En if self.title.is_empty() => &self.title_uk,
            Lang::Uk => &self.title,
            Lang::En => &self.title,
        }
    }

    /// The body in `lang`, or in the original when there is no translation.
    pub fn body_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Uk if !self.body_uk.is_empty() => &self.body_uk,
            Lang::En if self.body.is_empty() => &self.body_uk,
            Lang::Uk => &self.body,
            Lang::En => &self.body,
        }
    }

    /// Is what `lang` shows a translation, rather than the original?
    pub fn translated_in(&self, lang: Lang) -> bool {
        lang != self.original && !self.body_in(lang).is_empty() && {
            let shown_is_original = match self.original {
                Lang::En => self.body_in(lang) == self.body,
                Lang::Uk => self.body_in(lang) == self.body_uk,
            };
            !shown_is_original
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct StatementInput {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub title_uk: Option<String>,
    pub body: Option<String>,
    pub body_uk: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub published_on: Option<String>,
    /// `en` or `uk`.
    pub original: Option<String>,
    pub translation_reviewed: Option<Loose>,
    pub version: Option<Loose>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementFields {
    pub slug: String,
    pub title: String,
    pub title_uk: String,
    pub body: String,
    pub body_uk: String,
    pub source: String,
    pub source_url: String,
    pub published_on: jiff::civil::Date,
    pub original: Lang,
    pub translation_reviewed: bool,
}

impl StatementInput {
    pub fn parse(
        &self,
        current: Option<&Statement>,
        today: jiff::civil::Date,
        errors: &mut FieldErrors,
    ) -> Option<StatementFields> {
        let title = line(
            self.title.as_deref(),
            current.map(|s| s.title.as_str()),
            "title",
            300,
            false,
            errors,
        );
        let title_uk = line(
            self.title_uk.as_deref(),
            current.map(|s| s.title_uk.as_str()),
            "title_uk",
            300,
            false,
            errors,
        );
        let body = long_text(
            self.body.as_deref(),
            current.map(|s| s.body.as_str()),
            "body",
            LONG_TEXT_MAX,
            errors,
        );
        let body_uk = long_text(
            self.body_uk.as_deref(),
            current.map(|s| s.body_uk.as_str()),
            "body_uk",
            LONG_TEXT_MAX,
            errors,
        );
        let original = match self.original.as_deref().map(str::trim) {
            None | Some("") => current.map_or(Lang::En, |s| s.original),
            Some(code) => Lang::from_code(code).unwrap_or_else(|| {
                errors.add("original", "err-choice");
                Lang::En
            }),
        };
        // The original needs its title and body; the translation may follow.
        let (t, b, tf, bf) = match original {
            Lang::En => (&title, &body, "title", "body"),
            Lang::Uk => (&title_uk, &body_uk, "title_uk", "body_uk"),
        };
        if t.is_empty() && !errors.has(tf) {
            errors.add(tf, "err-required");
        }
        if b.is_empty() && !errors.has(bf) {
            errors.add(bf, "err-required");
        }
        let source = line(
            self.source.as_deref(),
            current.map(|s| s.source.as_str()),
            "source",
            200,
            true,
            errors,
        );
        let source_url = line(
            self.source_url.as_deref(),
            current.map(|s| s.source_url.as_str()),
            "source_url",
            2_000,
            false,
            errors,
        );
        if !source_url.is_empty() && !errors.has("source_url") && !is_web_address(&source_url) {
            errors.add("source_url", "err-link-target");
        }
        let current_date = current.map(|s| s.published_on.to_string());
        let published_on = date(
            self.published_on.as_deref(),
            current_date.as_deref(),
            "published_on",
            errors,
        )
        .unwrap_or(today);
        let translation_reviewed = flag(
            self.translation_reviewed.as_ref(),
            current.map(|s| s.translation_reviewed),
            "translation_reviewed",
            errors,
        );
        let slug = match (current, self.slug.as_deref().map(str::trim)) {
            (Some(s), None | Some("")) => s.slug.clone(),
            (_, Some(s)) if !s.is_empty() => {
                if let Some(problem) = slug_problem(s) {
                    errors.add("slug", problem);
                }
                s.to_owned()
            }
            _ => slugify(
                if original == Lang::En {
                    &title
                } else {
                    &title_uk
                },
                published_on,
            ),
        };
        errors.is_empty().then_some(StatementFields {
            slug,
            title,
            title_uk,
            body,
            body_uk,
            source,
            source_url,
            published_on,
            original,
            translation_reviewed,
        })
    }
}

/// A readable address from a title: Latin letters and digits, hyphens
/// between words, with the date in front so that two statements with one
/// title do not collide; Cyrillic titles give the date alone.
pub fn slugify(title: &str, on: jiff::civil::Date) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = on.to_string();
    if !words.is_empty() {
        slug.push('-');
        slug.push_str(&words.join("-"));
    }
    slug.truncate(60);
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 20)
    }

    #[test]
    fn the_original_needs_its_words_and_the_translation_may_wait() {
        let input = StatementInput {
            title_uk: Some("Заява ФПУ".into()),
            body_uk: Some("Текст".into()),
            original: Some("uk".into()),
            source: Some("FPU".into()),
            ..Default::default()
        };
        let mut errors = FieldErrors::new();
        let f = input.parse(None, day(), &mut errors).unwrap();
        assert_eq!(f.slug, "2026-11-20");
        assert_eq!(f.original, Lang::Uk);
        let missing = StatementInput {
            original: Some("en".into()),
            source: Some("FPU".into()),
            ..Default::default()
        };
        let mut errors = FieldErrors::new();
        assert!(missing.parse(None, day(), &mut errors).is_none());
        assert!(errors.has("title") && errors.has("body"));
    }

    #[test]
    fn slugs_come_from_titles() {
        assert_eq!(
            slugify("Solidarity with miners in Pavlohrad!", day()),
            "2026-11-20-solidarity-with-miners-in-pavlohrad"
        );
    }
}
