//! Campaign short links: `/s/{slug}` on our own domain, pointing at a
//! donation page, an appeal, a statement or an action. A branch can have its
//! own copy of a link, so that a leaflet's QR code credits the branch that
//! handed it out. Pure: no I/O.

use serde::Deserialize;

use crate::common::actions::CampaignAction;
use crate::common::clock;
use crate::common::ids::{AppealId, BranchId, StatementId};
use crate::common::input::{id, is_web_address, line, slug_problem, FieldErrors, Loose};

pub use crate::common::ids::LinkId;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Link {
    pub id: LinkId,
    pub slug: String,
    pub target_url: String,
    /// What the link is for, as the campaign's own pages name it.
    pub title: String,
    pub appeal_id: Option<AppealId>,
    pub statement_id: Option<StatementId>,
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

/// The slug a mistyped one was most likely meant to be: the closest by
/// edits (a letter added, dropped, changed or two swapped), at most two
/// edits away and closer than any other.
pub fn closest_slug<'a>(typed: &str, slugs: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for slug in slugs {
        let d = edits(&typed, slug);
        match best {
            _ if d > 2 => {}
            Some((b, _)) if d > b => {}
            Some((b, _)) if d == b => tied = true,
            _ => {
                best = Some((d, slug));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, s)| s)
}

/// Optimal string alignment distance between two short texts.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

impl Link {
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| now >= t)
    }

    /// The day the link last works, as typed in the form.
    pub fn expires_on(&self) -> Option<jiff::civil::Date> {
        Some(clock::day_of(self.expires_at? - 1))
    }
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
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    /// Lower-case letters, digits and hyphens; generated when absent.
    pub slug: Option<String>,
    /// An absolute http(s) address.
    pub target_url: Option<String>,
    pub title: Option<String>,
    /// The appeal the link is for.
    pub appeal_id: Option<Loose>,
    /// The statement the link promotes.
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
    pub statement_id: Option<StatementId>,
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
        if !target_url.is_empty() && !errors.has("target_url") && !is_web_address(&target_url) {
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
            Some(v) => id(Some(v), "appeal_id", "err-number", errors),
        };
        let statement_id = match &self.statement_id {
            None => current.and_then(|l| l.statement_id),
            Some(v) => id(Some(v), "statement_id", "err-wrong-type", errors),
        };
        let action = match self.action.as_deref().map(str::trim) {
            None => current.and_then(|l| l.action.clone()),
            Some("") => None,
            Some(key) if CampaignAction::find(key).is_some() => Some(key.to_owned()),
            Some(_) => {
                errors.add("action", "err-choice");
                None
            }
        };
        let expires_at = match self.expires_on.as_deref().map(str::trim) {
            None => current.and_then(|l| l.expires_at),
            Some("") => None,
            Some(text) => match text.parse::<jiff::civil::Date>() {
                // The link works to the end of that day.
                Ok(date) => date.tomorrow().ok().map(clock::start_of),
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
        assert!(is_web_address("https://donate.example/x?y=1#z"));
        assert!(is_web_address("http://example.org"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("/appeals/1"));
        assert!(!is_web_address("//evil.example"));
        assert!(!is_web_address("https://"));
        assert!(!is_web_address("https://user@evil.example"));
        assert!(!is_web_address("https://a.example/with space"));
        assert!(!is_web_address("ftp://files.example"));
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

    #[test]
    fn a_mistyped_slug_finds_the_one_it_was_meant_to_be() {
        let slugs = ["donetsk-rescue-workers", "leaflet-2026", "speakers"];
        assert_eq!(
            closest_slug("donetsk-rescue-workerz", slugs),
            Some("donetsk-rescue-workers")
        );
        assert_eq!(closest_slug("Leaflet-2062", slugs), Some("leaflet-2026"));
        assert_eq!(closest_slug("speaker", slugs), Some("speakers"));
        assert_eq!(closest_slug("something-else", slugs), None);
        assert_eq!(
            closest_slug("ab", ["ac", "ad"]),
            None,
            "a tie suggests nothing"
        );
    }
}
