//! Campaign short links: `/s/{slug}` on our own domain, pointing at a
//! donation page, an appeal, a statement or an action. A branch can have its
//! own copy of a link, so that a leaflet's QR code credits the branch that
//! handed it out. Pure: no I/O.

use serde::Deserialize;

use crate::appeals::AppealId;
use crate::db::typed_id;
use crate::directory::model::Loose;
use crate::directory::BranchId;
use crate::web::error::FieldErrors;
use crate::web::fields::line;

typed_id!(
    /// A short link, or a branch's copy of one.
    LinkId
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub id: LinkId,
    pub slug: String,
    pub target_url: String,
    /// What the link is for, as the campaign's own pages name it.
    pub title: String,
    pub appeal_id: Option<AppealId>,
    pub statement_id: Option<crate::statements::StatementId>,
    /// The campaign action it promotes (a key of `home::ACTIONS`).
    pub action: Option<String>,
    /// The link this one is a branch's copy of.
    pub parent_id: Option<LinkId>,
    /// The branch a copy credits.
    pub branch_id: Option<BranchId>,
    /// Unix seconds from which the link answers "gone".
    pub expires_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
}

impl Link {
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| now >= t)
    }

    /// The day the link last works, as typed in the form.
    pub fn expires_on(&self) -> Option<jiff::civil::Date> {
        let t = jiff::Timestamp::from_second(self.expires_at? - 1).ok()?;
        Some(t.to_zoned(jiff::tz::TimeZone::UTC).date())
    }
}

/// Words a slug may not be: the site's own paths and words that would
/// mislead on a leaflet.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "app",
    "login",
    "logout",
    "new",
    "edit",
    "static",
    "setup",
    "qr",
    "s",
    "stats",
    "links",
    "www",
    "help",
    "support",
    "account",
    "donate-now",
    "official",
    "security",
];

/// Why a slug cannot be used, as a message id; `None` when it can.
pub fn slug_problem(slug: &str) -> Option<&'static str> {
    if slug.is_empty() {
        Some("err-required")
    } else if !slug.is_ascii() {
        // Cyrillic "а" looks like Latin "a": a leaflet must say what it means.
        Some("err-slug-ascii")
    } else if !(2..=60).contains(&slug.len())
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || slug.starts_with('-')
        || slug.ends_with('-')
        || slug.contains("--")
    {
        Some("err-link-slug")
    } else if RESERVED.contains(&slug) {
        Some("err-slug-reserved")
    } else {
        None
    }
}

/// Whether `url` is an absolute web address a redirect may send people to.
pub fn valid_target(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http"))
        && !host.is_empty()
        && !host.contains('@')
        && url.len() <= 2_000
        && url.bytes().all(|b| b.is_ascii_graphic())
}

/// Letters for generated slugs: no 0/o, 1/l/i, which people misread from paper.
const SLUG_LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh random slug of six characters.
pub fn generated_slug() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..6)
        .map(|_| char::from(SLUG_LETTERS[rng.gen_range(0..SLUG_LETTERS.len())]))
        .collect()
}

/// The slug of a branch's copy of a link.
pub fn variant_slug(parent: &str, branch: BranchId) -> String {
    format!("{parent}-b{}", branch.0)
}

/// A link as a form or an API body gives it; absent fields keep their value
/// on an edit.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LinkInput {
    pub slug: Option<String>,
    pub target_url: Option<String>,
    pub title: Option<String>,
    pub appeal_id: Option<Loose>,
    pub statement_id: Option<Loose>,
    /// One of `speaker`, `twinning`, `national`, `donate`, `motion`, `network`.
    pub action: Option<String>,
    /// `YYYY-MM-DD`: the last day the link works; empty for never.
    pub expires_on: Option<String>,
    pub version: Option<Loose>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkFields {
    pub slug: String,
    pub target_url: String,
    pub title: String,
    pub appeal_id: Option<AppealId>,
    pub statement_id: Option<crate::statements::StatementId>,
    pub action: Option<String>,
    pub expires_at: Option<i64>,
}

impl LinkInput {
    /// Checks every field against `current` (on an edit), naming each problem.
    pub fn parse(&self, current: Option<&Link>, errors: &mut FieldErrors) -> Option<LinkFields> {
        let slug = match (current, self.slug.as_deref().map(str::trim)) {
            // A printed slug never changes: the leaflets are out there.
            (Some(link), _) => link.slug.clone(),
            (None, None | Some("")) => generated_slug(),
            (None, Some(s)) => {
                if let Some(problem) = slug_problem(s) {
                    errors.add("slug", problem);
                }
                s.to_owned()
            }
        };
        let target_url = line(
            self.target_url.as_deref(),
            current.map(|l| l.target_url.as_str()),
            "target_url",
            2_000,
            true,
            errors,
        );
        if !target_url.is_empty() && !errors.has("target_url") && !valid_target(&target_url) {
            errors.add("target_url", "err-link-target");
        }
        let title = line(
            self.title.as_deref(),
            current.map(|l| l.title.as_str()),
            "title",
            200,
            false,
            errors,
        );
        let appeal_id = match &self.appeal_id {
            None => current.and_then(|l| l.appeal_id),
            Some(v) => match v.int() {
                None => None,
                Some(Ok(id)) => Some(AppealId(id)),
                Some(Err(())) => {
                    errors.add("appeal_id", "err-number");
                    None
                }
            },
        };
        let statement_id = match &self.statement_id {
            None => current.and_then(|l| l.statement_id),
            Some(v) => match v.int() {
                None => None,
                Some(Ok(id)) => Some(crate::statements::StatementId(id)),
                Some(Err(())) => {
                    errors.add("statement_id", "err-wrong-type");
                    None
                }
            },
        };
        let action = match self.action.as_deref().map(str::trim) {
            None => current.and_then(|l| l.action.clone()),
            Some("") => None,
            Some(key) if crate::home::ACTIONS.iter().any(|a| a.key == key) => Some(key.to_owned()),
            Some(_) => {
                errors.add("action", "err-choice");
                None
            }
        };
        let expires_at = match self.expires_on.as_deref().map(str::trim) {
            None => current.and_then(|l| l.expires_at),
            Some("") => None,
            Some(text) => match text.parse::<jiff::civil::Date>() {
                // The link works to the end of that day (UTC).
                Ok(date) => date
                    .tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                    .map(|z| z.timestamp().as_second()),
                Err(_) => {
                    errors.add("expires_on", "err-date");
                    None
                }
            },
        };
        errors.is_empty().then_some(LinkFields {
            slug,
            target_url,
            title,
            appeal_id,
            statement_id,
            action,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_ascii_and_not_reserved() {
        assert_eq!(slug_problem("donetsk-rescue"), None);
        assert_eq!(slug_problem("ab"), None);
        assert_eq!(slug_problem("with space"), Some("err-link-slug"));
        assert_eq!(slug_problem("a/b"), Some("err-link-slug"));
        assert_eq!(slug_problem("Upper"), Some("err-link-slug"));
        assert_eq!(slug_problem("-edge"), Some("err-link-slug"));
        assert_eq!(
            slug_problem("d\u{43e}nate"),
            Some("err-slug-ascii"),
            "Cyrillic o"
        );
        assert_eq!(slug_problem("admin"), Some("err-slug-reserved"));
        assert_eq!(slug_problem(""), Some("err-required"));
        let g = generated_slug();
        assert_eq!(g.len(), 6);
        assert_eq!(slug_problem(&g), None);
    }

    #[test]
    fn targets_are_absolute_web_addresses() {
        assert!(valid_target("https://donate.example/x?y=1#z"));
        assert!(valid_target("http://example.org"));
        assert!(!valid_target("javascript:alert(1)"));
        assert!(!valid_target("/appeals/1"));
        assert!(!valid_target("//evil.example"));
        assert!(!valid_target("https://"));
        assert!(!valid_target("https://user@evil.example"));
        assert!(!valid_target("https://a.example/with space"));
        assert!(!valid_target("ftp://files.example"));
    }

    #[test]
    fn a_link_works_to_the_end_of_its_last_day() {
        let input = LinkInput {
            slug: Some("leaflet".into()),
            target_url: Some("https://donate.example".into()),
            expires_on: Some("2026-12-31".into()),
            ..Default::default()
        };
        let mut errors = FieldErrors::new();
        let f = input.parse(None, &mut errors).unwrap();
        let end = jiff::Timestamp::from_second(f.expires_at.unwrap()).unwrap();
        assert_eq!(end.to_string(), "2027-01-01T00:00:00Z");
        let link = Link {
            id: LinkId(1),
            slug: f.slug,
            target_url: f.target_url,
            title: f.title,
            appeal_id: None,
            statement_id: None,
            action: None,
            parent_id: None,
            branch_id: None,
            expires_at: f.expires_at,
            version: 1,
            created_at: 0,
        };
        assert_eq!(link.expires_on().unwrap().to_string(), "2026-12-31");
        assert!(!link.expired(end.as_second() - 1));
        assert!(link.expired(end.as_second()));
    }
}
