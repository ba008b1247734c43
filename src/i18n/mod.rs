//! English and Ukrainian: every page and message exists in both.
//!
//! Messages live in `locales/en.ftl` and `locales/uk.ftl` (Project Fluent),
//! compiled into the binary. A unit test fails when a message exists in one
//! language and not the other.

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

const EN_FTL: &str = include_str!("../../locales/en.ftl");
const UK_FTL: &str = include_str!("../../locales/uk.ftl");

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Uk,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Uk];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Uk => "uk",
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Uk => "Українська",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "uk" | "ua" => Some(Lang::Uk),
            _ => None,
        }
    }

    /// The first language in an `Accept-Language` header that we speak,
    /// by the header's own order of preference.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut offers: Vec<(u16, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Lang::from_code(primary)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), parse_quality)?;
                (quality > 0).then_some((quality, position, lang))
            })
            .collect();
        offers.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        offers.first().map(|o| o.2)
    }

    fn ftl(self) -> &'static str {
        match self {
            Lang::En => EN_FTL,
            Lang::Uk => UK_FTL,
        }
    }
}

/// `q=0.8` as thousandths, without floating point.
fn parse_quality(q: &str) -> Option<u16> {
    let q = q.trim();
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    let whole: u16 = whole.parse().ok()?;
    let mut thousandths = 0u16;
    for (i, c) in frac.chars().take(3).enumerate() {
        thousandths += c.to_digit(10)? as u16 * [100, 10, 1][i];
    }
    Some((whole * 1000 + thousandths).min(1000))
}

struct Catalogue {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let bundles = Lang::ALL
            .into_iter()
            .map(|lang| {
                let resource =
                    FluentResource::try_new(lang.ftl().to_owned()).unwrap_or_else(|(_, errors)| {
                        panic!("locales/{}.ftl does not parse: {errors:?}", lang.code())
                    });
                let id = lang.code().parse().expect("language codes are valid tags");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Isolation marks would show up inside <input value="…"> and e-mails.
                bundle.set_use_isolating(false);
                bundle
                    .add_resource(resource)
                    .expect("each locale file defines each message once");
                (lang, bundle)
            })
            .collect();
        Catalogue { bundles }
    })
}

/// Translates for one viewer; templates call its `t` method with a message id.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// A message with one argument, such as a count or a name.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// A message with several text arguments.
    pub fn with(&self, key: &str, pairs: &[(&str, String)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in pairs {
            args.set(*name, FluentValue::from(value.clone()));
        }
        self.format(key, Some(&args))
    }

    /// A message with one numeric argument, so plural forms are chosen.
    pub fn count(&self, key: &str, name: &str, n: impl std::borrow::Borrow<i64>) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(*n.borrow()));
        self.format(key, Some(&args))
    }

    /// A name shown in the viewer's language where a translation exists.
    pub fn pick<'a>(&self, name: &'a str, name_uk: &'a Option<String>) -> &'a str {
        match (self.lang, name_uk) {
            (Lang::Uk, Some(uk)) if !uk.trim().is_empty() => uk,
            _ => name,
        }
    }

    /// Of a text kept in both languages, the reader's; the other when the
    /// reader's is empty (a translation not written yet, either way round).
    pub fn either<'a>(&self, en: &'a str, uk: &'a str) -> &'a str {
        match self.lang {
            Lang::Uk if !uk.trim().is_empty() => uk,
            _ if en.trim().is_empty() => uk,
            _ => en,
        }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &catalogue().bundles[&self.lang];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = self.lang.code(), "missing message");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "message formatted with errors");
        }
        text.into_owned()
    }
}

/// The message ids one locale file defines (for the parity test and tools).
pub fn message_ids(lang: Lang) -> Vec<String> {
    let resource = FluentResource::try_new(lang.ftl().to_owned()).unwrap_or_else(|(r, _)| r);
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// The keys that lack a message in either language, as `uk: key` (for the
/// tests of every vocabulary, role and action that is shown by name).
#[cfg(test)]
pub fn missing_messages<K: AsRef<str>>(keys: impl IntoIterator<Item = K>) -> Vec<String> {
    let ids: Vec<(Lang, Vec<String>)> = Lang::ALL.iter().map(|&l| (l, message_ids(l))).collect();
    let mut missing = Vec::new();
    for key in keys {
        for (lang, known) in &ids {
            if !known.iter().any(|i| i == key.as_ref()) {
                missing.push(format!("{}: {}", lang.code(), key.as_ref()));
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_message_exists_in_both_languages() {
        let en: BTreeSet<_> = message_ids(Lang::En).into_iter().collect();
        let uk: BTreeSet<_> = message_ids(Lang::Uk).into_iter().collect();
        let only_en: Vec<_> = en.difference(&uk).collect();
        let only_uk: Vec<_> = uk.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_uk.is_empty(),
            "missing in uk.ftl: {only_en:?}; missing in en.ftl: {only_uk:?}"
        );
    }

    #[test]
    fn both_locale_files_parse_cleanly() {
        for lang in Lang::ALL {
            assert!(
                FluentResource::try_new(lang.ftl().to_owned()).is_ok(),
                "{} does not parse",
                lang.code()
            );
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let en: BTreeSet<_> = message_ids(Lang::En).into_iter().collect();
        let mut missing = Vec::new();
        for path in source_files(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))) {
            let text = std::fs::read_to_string(&path).unwrap();
            for key in used_keys(&text) {
                if !en.contains(&key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys without a message: {missing:#?}");
    }

    fn source_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for dir in ["src", "templates"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(d).unwrap() {
                    let p = entry.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        out.push(p);
                    }
                }
            }
        }
        out
    }

    /// Literal keys passed to `t(…)`, `t1(…)` or `count(…)`.
    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for call in [".t(\"", ".t1(\"", ".count(\"", ".with(\""] {
            for (i, _) in text.match_indices(call) {
                let rest = &text[i + call.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn accept_language_follows_preference_order() {
        assert_eq!(
            Lang::from_accept_language("uk-UA,uk;q=0.9,en;q=0.8"),
            Some(Lang::Uk)
        );
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,uk;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de;q=1,uk;q=0.4,en;q=0.3"),
            Some(Lang::Uk)
        );
        assert_eq!(Lang::from_accept_language("fr,de"), None);
        assert_eq!(Lang::from_accept_language("uk;q=0,en"), Some(Lang::En));
    }

    #[test]
    fn names_fall_back_to_english() {
        let uk = Tr::new(Lang::Uk);
        assert_eq!(uk.pick("PCS", &Some("ПКС".into())), "ПКС");
        assert_eq!(uk.pick("PCS", &None), "PCS");
        assert_eq!(uk.pick("PCS", &Some("  ".into())), "PCS");
        assert_eq!(Tr::new(Lang::En).pick("PCS", &Some("ПКС".into())), "PCS");
    }
}
