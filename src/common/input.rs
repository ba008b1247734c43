//! The one set of input checks. Every form and API body is read into an
//! area's `…Input` type with every field optional and loosely typed (a form
//! sends `"3"` where JSON sends `3`), then parsed with these checks into
//! values that cannot be invalid. Each check names the field it refuses and
//! why, as a message id, in [`FieldErrors`]; nothing here does I/O.
//!
//! Edits send only what changes: where a check takes `current`, an absent
//! value keeps the current one, and an empty one clears it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::i18n::Tr;
use crate::money::{Currency, Money};

/// Field name → message key (with an optional argument), in the order of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, FieldError>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// A message id in the locale files, such as `err-required`.
    pub key: &'static str,
    /// The value for the message's `$arg`, if it has one.
    pub arg: Option<String>,
}

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// One problem with one field.
    pub fn one(field: &str, key: &'static str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.add(field, key);
        errors
    }

    /// Records the first error for a field; later ones for the same field wait
    /// until the first is fixed.
    pub fn add(&mut self, field: &str, key: &'static str) {
        self.0
            .entry(field.to_owned())
            .or_insert(FieldError { key, arg: None });
    }

    pub fn add_with(&mut self, field: &str, key: &'static str, arg: impl ToString) {
        self.0.entry(field.to_owned()).or_insert(FieldError {
            key,
            arg: Some(arg.to_string()),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.get(field)
    }

    /// The message for a field in the viewer's language, or "" (for templates).
    pub fn message(&self, tr: &Tr, field: &str) -> String {
        self.get(field).map(|e| e.render(tr)).unwrap_or_default()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn render(&self, tr: &Tr) -> BTreeMap<String, String> {
        self.0
            .iter()
            .map(|(field, e)| (field.clone(), e.render(tr)))
            .collect()
    }

    /// Adds another check's errors, each field keeping its first problem.
    pub fn extend(&mut self, other: FieldErrors) {
        for (field, error) in other.0 {
            self.0.entry(field).or_insert(error);
        }
    }

    /// `Ok(())` when nothing was wrong, else the errors (a 422 in a handler).
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl FieldError {
    pub fn render(&self, tr: &Tr) -> String {
        match &self.arg {
            Some(arg) => tr.t1(self.key, "arg", arg),
            None => tr.t(self.key),
        }
    }
}

/// Declares a closed list of values, stored by code and shown through a
/// message id (`$prefix` + code).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        // Written by hand: the derive cannot read a `rename` that a macro
        // passes it, and listed the Rust names (`Gb`, `HigherEducation`)
        // instead of the codes the API sends (`GB`, `higher_education`).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                let code = code.trim();
                Self::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(code))
            }

            /// The message id of the value's name.
            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, $code)),+ }
            }
        }

        // Stored as its code, in a TEXT column; a code the list does not
        // know is a decoding error, never a silent default.
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::parse(&code).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($name), " {:?}"), code).into()
                })
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            &'static str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'static str as sqlx::Encode<'q, DB>>::encode_by_ref(&self.code(), buf)
            }
        }
    };
}

pub(crate) use vocabulary;

/// A number or a string holding one: JSON sends `3`, a form sends `"3"`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Loose {
    Int(i64),
    Bool(bool),
    Text(String),
}

impl Loose {
    pub fn as_text(&self) -> String {
        match self {
            Loose::Int(i) => i.to_string(),
            Loose::Bool(b) => b.to_string(),
            Loose::Text(t) => t.clone(),
        }
    }

    /// `None` for an empty value (an empty form field or select).
    pub fn int(&self) -> Option<Result<i64, ()>> {
        match self {
            Loose::Int(i) => Some(Ok(*i)),
            Loose::Text(t) if t.trim().is_empty() => None,
            Loose::Text(t) => Some(t.trim().parse().map_err(|_| ())),
            Loose::Bool(_) => Some(Err(())),
        }
    }

    /// A checkbox (`on`, or absent), a JSON boolean, or 0/1; `None` for
    /// anything else.
    pub fn flag(&self) -> Option<bool> {
        match self {
            Loose::Bool(b) => Some(*b),
            Loose::Int(0) => Some(false),
            Loose::Int(1) => Some(true),
            Loose::Text(t) => match t.trim() {
                "on" | "true" | "1" | "yes" => Some(true),
                "" | "off" | "false" | "0" | "no" => Some(false),
                _ => None,
            },
            Loose::Int(_) => None,
        }
    }
}

/// In the OpenAPI document: a number, `true`/`false`, or text holding one.
impl utoipa::PartialSchema for Loose {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Integer))
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(
                "A number or a yes/no, as JSON or as the text a form sends (\"3\", \"on\")",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Loose {}

/// A list sent as a JSON array or as comma-separated text (a form field).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum TextList {
    List(Vec<String>),
    Text(String),
}

impl TextList {
    pub fn items(&self) -> Vec<String> {
        match self {
            TextList::List(items) => items
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            TextList::Text(text) => split_list(text),
        }
    }
}

/// In the OpenAPI document: an array of strings, or one comma-separated string.
impl utoipa::PartialSchema for TextList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(
                "A list: an array of strings, or one string of comma-separated items",
            ))
            .into()
    }
}

impl utoipa::ToSchema for TextList {}

/// Splits a comma-separated list ("en, uk") into trimmed items.
/// A character no text we keep may hold: NUL and the other control
/// characters XML 1.0 forbids (tab, line feed and carriage return are
/// fine), and Unicode's non-characters. Such text would break a feed, a
/// page or a spreadsheet, and PostgreSQL refuses NUL outright.
pub fn unfit_char(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || (n & 0xFFFE) == 0xFFFE
}

/// Whether a text holds a character no text we keep may hold.
pub fn has_unfit_chars(text: &str) -> bool {
    text.chars().any(unfit_char)
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a
/// space) or path segment, refusing what is not UTF-8 instead of replacing
/// it: text is never stored lossy.
pub fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'%' => return None,
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The first field of a URL-encoded form or query string whose name or
/// value is not UTF-8 or holds an unfit character, with the field's name
/// as far as it can be read.
pub fn unfit_form_field(encoded: &str) -> Option<String> {
    for pair in encoded.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded_name = percent_decode(name, true);
        let field = decoded_name
            .as_deref()
            .filter(|n| !has_unfit_chars(n))
            .unwrap_or("form")
            .to_owned();
        match (decoded_name, percent_decode(value, true)) {
            (Some(n), Some(v)) if !has_unfit_chars(&n) && !has_unfit_chars(&v) => {}
            _ => return Some(field),
        }
    }
    None
}

pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A single line of text: the typed value, else the current one, trimmed;
/// required, no longer than `max` characters and free of control characters
/// (a line ends up in e-mail subjects, calendars and CSV cells), or an error
/// on `field`.
pub fn line(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    max: usize,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    let t = value.or(current).unwrap_or("").trim().to_owned();
    if t.is_empty() && required {
        errors.add(field, "err-required");
    } else if t.chars().count() > max {
        errors.add_with(field, "err-too-long", max);
    } else if t.chars().any(char::is_control) {
        errors.add(field, "err-control-chars");
    }
    t
}

/// [`line`] for a field that may be left empty: `None` when it is, or when
/// it is refused.
pub fn optional_line(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    checked_line(value, current, field, max, false, errors).filter(|t| !t.is_empty())
}

/// [`line`] for a field that must be filled: `None` when it is refused.
pub fn required_line(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    checked_line(value, current, field, max, true, errors)
}

/// [`line`], or `None` when this check refused it.
fn checked_line(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    max: usize,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<String> {
    let before = errors.has(field);
    let t = line(value, current, field, max, required, errors);
    let refused = !before && errors.has(field);
    (!refused).then_some(t)
}

/// The most a text of many lines may hold unless a field says less.
pub const LONG_TEXT_MAX: usize = 20_000;

/// Text of many lines (a note, a description in Markdown): the typed value,
/// else the current one, trimmed; at most `max` characters, and no control
/// characters but line breaks and tabs.
pub fn long_text(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> String {
    let t = value.or(current).unwrap_or("").trim().to_owned();
    if t.chars().count() > max {
        errors.add_with(field, "err-too-long", max);
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(field, "err-control-chars");
    }
    t
}

/// One of a closed list (a vocabulary's `parse`), else the current value;
/// required.
pub fn choice<T: Copy>(
    value: Option<&str>,
    current: Option<T>,
    field: &str,
    parse: fn(&str) -> Option<T>,
    errors: &mut FieldErrors,
) -> Option<T> {
    match value.map(str::trim) {
        None if current.is_some() => current,
        None | Some("") => {
            errors.add(field, "err-required");
            None
        }
        Some(v) => parse(v).or_else(|| {
            errors.add(field, "err-choice");
            None
        }),
    }
}

/// A yes/no field (see [`Loose::flag`]); absent keeps the current value,
/// else no.
pub fn flag(
    value: Option<&Loose>,
    current: Option<bool>,
    field: &str,
    errors: &mut FieldErrors,
) -> bool {
    match value {
        None => current.unwrap_or(false),
        Some(v) => v.flag().unwrap_or_else(|| {
            errors.add(field, "err-wrong-type");
            false
        }),
    }
}

/// A reference to another record by its id (a branch, an appeal): empty is
/// none; anything but a positive number is refused with `unknown`, the
/// message that says no such record exists.
pub fn id<T: std::str::FromStr>(
    value: Option<&Loose>,
    field: &str,
    unknown: &'static str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let text = value?.as_text();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse().ok().or_else(|| {
        errors.add(field, unknown);
        None
    })
}

/// A count of people or things, from 1 to `max`; empty is none. People
/// type `1,200` or `1 200` for large numbers, so both separators are read.
pub fn count(
    value: Option<&Loose>,
    field: &str,
    max: i64,
    errors: &mut FieldErrors,
) -> Option<i64> {
    let text = value?.as_text().trim().replace([',', ' ', '\u{a0}'], "");
    if text.is_empty() {
        return None;
    }
    match text.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Some(n),
        _ => {
            errors.add_with(field, "err-range", format!("1–{}", group_thousands(max)));
            None
        }
    }
}

/// 10000000 → "10,000,000", for the range in a message.
fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount of money: `{"amount_minor", "currency"}` from JSON, or text as
/// people type it (`£20`, `1,250.50`) with the currency chosen beside it in
/// a form. Empty is none.
pub fn money(
    json: Option<Money>,
    typed: Option<&str>,
    currency: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Money> {
    let result = match (json, typed.map(str::trim).filter(|t| !t.is_empty())) {
        (Some(m), _) => Money::new(m.amount_minor, m.currency),
        (None, Some(text)) => Money::parse(text, currency.and_then(Currency::parse)),
        (None, None) => return None,
    };
    result.map_err(|e| errors.add(field, e.key())).ok()
}

/// A short list (topics, regions): at most 30 items of at most 80
/// characters, each a single line.
pub fn items(
    value: Option<&TextList>,
    current: Option<&Vec<String>>,
    field: &str,
    errors: &mut FieldErrors,
) -> Vec<String> {
    let items = value
        .map(TextList::items)
        .or_else(|| current.cloned())
        .unwrap_or_default();
    if items.len() > 30
        || items
            .iter()
            .any(|i| i.chars().count() > 80 || i.chars().any(char::is_control))
    {
        errors.add(field, "err-list");
    }
    items
}

/// Whether `code` looks like a language code: two or three lower-case letters.
pub fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase())
}

/// Language codes (`en, uk`), lower-cased: at most `max` of them.
pub fn language_codes(
    value: Option<&TextList>,
    current: Option<&Vec<String>>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Vec<String> {
    let languages: Vec<String> = value
        .map(TextList::items)
        .or_else(|| current.cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.to_lowercase())
        .collect();
    if languages.len() > max || !languages.iter().all(|l| is_language_code(l)) {
        errors.add(field, "err-language-codes");
    }
    languages
}

/// A date (`YYYY-MM-DD`), the typed one else the current one; empty is none.
pub fn date(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<jiff::civil::Date> {
    let t = value.or(current).unwrap_or("").trim();
    if t.is_empty() {
        return None;
    }
    let day: jiff::civil::Date = t.parse().map_err(|_| errors.add(field, "err-date")).ok()?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&day.year()) {
        errors.add_with(field, "err-date-range", format!("{FIRST_YEAR}–{LAST_YEAR}"));
        return None;
    }
    Some(day)
}

/// The years a date typed anywhere may fall in: the campaign's records
/// start long after the first and end long before the last; outside them a
/// date is a typing mistake, and year 9999 overflows arithmetic on it.
pub const FIRST_YEAR: i16 = 1900;
pub const LAST_YEAR: i16 = 2100;

/// A date that happened: empty is `today`; a date after `today` is refused.
pub fn past_date(
    value: Option<&str>,
    field: &str,
    today: jiff::civil::Date,
    errors: &mut FieldErrors,
) -> Option<jiff::civil::Date> {
    match date(value, None, field, errors) {
        Some(d) if d > today => {
            errors.add(field, "err-in-the-future");
            None
        }
        Some(d) => Some(d),
        None if errors.has(field) => None,
        None => Some(today),
    }
}

/// The version an edit was based on, if it says.
pub fn parse_version(value: Option<&Loose>, errors: &mut FieldErrors) -> Option<i64> {
    match value?.int()? {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errors.add("version", "err-wrong-type");
            None
        }
    }
}

/// E-mail addresses are compared and stored trimmed and lower-cased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible e-mail address: something@something.something, no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// An optional e-mail address: the typed one else the current one, a
/// single line, normalised; empty is none, an implausible one is refused.
pub fn email(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    let e = normalise_email(&optional_line(value, current, field, 254, errors)?);
    if !is_plausible_email(&e) {
        errors.add(field, "err-email");
    }
    Some(e)
}

/// Whether `url` is an absolute web address we may send people to.
pub fn is_web_address(url: &str) -> bool {
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

/// Words an address on the site (`/s/{slug}`, `/statements/{slug}`) may not
/// be: the site's own paths, and words that would mislead on a leaflet.
const RESERVED_SLUGS: &[&str] = &[
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

/// Why a slug cannot be part of an address, as a message id; `None` when it can.
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
    } else if RESERVED_SLUGS.contains(&slug) {
        Some("err-slug-reserved")
    } else {
        None
    }
}

/// What search matches on: every name a record goes by, lower-cased in Rust
/// (SQLite's `LOWER` knows only ASCII, and our names are Cyrillic as often).
pub fn search_key(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_trimmed_required_bounded_and_single() {
        let mut e = FieldErrors::new();
        assert_eq!(line(Some("  a  "), None, "f", 5, true, &mut e), "a");
        assert!(e.is_empty());
        line(Some(" "), None, "f", 5, true, &mut e);
        assert_eq!(e.get("f").unwrap().key, "err-required");
        let mut e = FieldErrors::new();
        line(Some("abcdef"), None, "f", 5, true, &mut e);
        assert_eq!(e.get("f").unwrap().key, "err-too-long");
        let mut e = FieldErrors::new();
        line(Some("a\nb"), None, "f", 5, false, &mut e);
        assert_eq!(e.get("f").unwrap().key, "err-control-chars");
        let mut e = FieldErrors::new();
        assert_eq!(line(None, Some("kept"), "f", 5, true, &mut e), "kept");
    }

    #[test]
    fn optional_lines_are_none_when_empty_or_refused() {
        let mut e = FieldErrors::new();
        assert_eq!(optional_line(Some(""), Some("x"), "f", 5, &mut e), None);
        assert_eq!(optional_line(Some("toolong"), None, "f", 5, &mut e), None);
        assert!(e.has("f"));
        let mut e = FieldErrors::new();
        assert_eq!(
            optional_line(None, Some("x"), "f", 5, &mut e).as_deref(),
            Some("x")
        );
        assert_eq!(required_line(Some(""), None, "g", 5, &mut e), None);
        assert_eq!(e.get("g").unwrap().key, "err-required");
    }

    #[test]
    fn long_text_keeps_line_breaks_but_no_other_controls() {
        let mut e = FieldErrors::new();
        long_text(Some("a\nb\tc"), None, "f", 100, &mut e);
        assert!(e.is_empty());
        long_text(Some("a\u{7}b"), None, "f", 100, &mut e);
        assert_eq!(e.get("f").unwrap().key, "err-control-chars");
    }

    #[test]
    fn flags_read_checkboxes_and_json_and_refuse_anything_else() {
        let mut e = FieldErrors::new();
        for (v, expected) in [
            (Loose::Text("on".into()), true),
            (Loose::Bool(true), true),
            (Loose::Int(0), false),
            (Loose::Text(String::new()), false),
        ] {
            assert_eq!(flag(Some(&v), None, "f", &mut e), expected);
        }
        assert!(e.is_empty());
        assert!(flag(None, Some(true), "f", &mut e));
        flag(Some(&Loose::Text("maybe".into())), None, "f", &mut e);
        assert_eq!(e.get("f").unwrap().key, "err-wrong-type");
    }

    #[test]
    fn dates_that_happened_are_not_in_the_future() {
        let today: jiff::civil::Date = "2026-11-26".parse().unwrap();
        let mut e = FieldErrors::new();
        assert_eq!(past_date(None, "d", today, &mut e), Some(today));
        assert_eq!(
            past_date(Some("2026-11-25"), "d", today, &mut e),
            today.yesterday().ok()
        );
        assert!(e.is_empty());
        assert_eq!(past_date(Some("2026-11-27"), "d", today, &mut e), None);
        assert_eq!(e.get("d").unwrap().key, "err-in-the-future");
        assert_eq!(past_date(Some("26/11"), "x", today, &mut e), None);
        assert_eq!(e.get("x").unwrap().key, "err-date");
    }

    #[test]
    fn emails_are_checked_loosely_but_sanely() {
        assert!(is_plausible_email("olena@example.org"));
        assert!(is_plausible_email("тест@приклад.укр"));
        assert!(!is_plausible_email("olena@example"));
        assert!(!is_plausible_email("@example.org"));
        assert!(!is_plausible_email("ol ena@example.org"));
        assert!(!is_plausible_email("olena"));
        assert_eq!(normalise_email("  Olena@Example.ORG "), "olena@example.org");
        let mut e = FieldErrors::new();
        assert_eq!(email(Some(" "), Some("a@b.c"), "email", &mut e), None);
        email(Some("nope"), None, "email", &mut e);
        assert_eq!(e.get("email").unwrap().key, "err-email");
    }

    #[test]
    fn web_addresses_are_absolute_http_without_credentials() {
        assert!(is_web_address("https://donate.example.org/a?b=c"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("https://user@evil.example"));
        assert!(!is_web_address("https:///nohost"));
        assert!(!is_web_address("https://a.example/ space"));
    }

    #[test]
    fn slugs_are_plain_ascii_words_and_not_our_own_paths() {
        assert_eq!(slug_problem("donetsk-2026"), None);
        assert_eq!(slug_problem("донецьк"), Some("err-slug-ascii"));
        assert_eq!(slug_problem("-x"), Some("err-link-slug"));
        assert_eq!(slug_problem("admin"), Some("err-slug-reserved"));
    }

    #[test]
    fn ids_and_counts_are_positive_numbers_or_nothing() {
        let mut e = FieldErrors::new();
        let branch: Option<crate::common::ids::BranchId> = id(
            Some(&Loose::Text(" 3 ".into())),
            "branch_id",
            "err-unknown-branch",
            &mut e,
        );
        assert_eq!(branch, Some(crate::common::ids::BranchId(3)));
        let none: Option<crate::common::ids::BranchId> = id(
            Some(&Loose::Text(String::new())),
            "branch_id",
            "err-unknown-branch",
            &mut e,
        );
        assert_eq!(none, None);
        assert!(e.is_empty());
        let bad: Option<crate::common::ids::BranchId> = id(
            Some(&Loose::Int(-1)),
            "branch_id",
            "err-unknown-branch",
            &mut e,
        );
        assert_eq!(bad, None);
        assert_eq!(e.get("branch_id").unwrap().key, "err-unknown-branch");
        assert_eq!(
            count(Some(&Loose::Text("1,200".into())), "n", 10_000_000, &mut e),
            Some(1200)
        );
        assert_eq!(count(Some(&Loose::Int(0)), "m", 10_000_000, &mut e), None);
        assert_eq!(e.get("m").unwrap().arg.as_deref(), Some("1–10,000,000"));
    }

    #[test]
    fn money_comes_as_json_or_as_typed_text() {
        let mut e = FieldErrors::new();
        let typed = money(None, Some("£20"), None, "amount", &mut e).unwrap();
        assert_eq!(typed.amount_minor, 2000);
        assert_eq!(money(None, Some(" "), Some("GBP"), "amount", &mut e), None);
        assert!(e.is_empty());
        money(None, Some("abc"), None, "amount", &mut e);
        assert!(e.has("amount"));
    }

    #[test]
    fn search_keys_fold_case_in_both_scripts() {
        assert_eq!(
            search_key(&[Some("Kyiv Metro"), Some("Київський Метрополітен"), None]),
            "kyiv metro київський метрополітен"
        );
    }

    #[test]
    fn lists_come_as_arrays_or_comma_separated_text() {
        assert_eq!(
            TextList::Text(" en, uk ,,".into()).items(),
            vec!["en".to_owned(), "uk".to_owned()]
        );
        let mut e = FieldErrors::new();
        assert_eq!(
            language_codes(
                Some(&TextList::Text("EN, uk".into())),
                None,
                "l",
                10,
                &mut e
            ),
            vec!["en".to_owned(), "uk".to_owned()]
        );
        language_codes(
            Some(&TextList::Text("english".into())),
            None,
            "l",
            10,
            &mut e,
        );
        assert!(e.has("l"));
    }

    #[test]
    fn text_that_cannot_live_in_xml_or_html_is_found() {
        assert!(has_unfit_chars("a\u{0}b"));
        assert!(
            has_unfit_chars("\u{FFFF}")
                && has_unfit_chars("\u{FDD0}")
                && has_unfit_chars("\u{1FFFE}")
        );
        assert!(has_unfit_chars("\u{1B}[31m"));
        assert!(!has_unfit_chars("tab\tline\nreturn\r — Київ £5 😀"));
        assert_eq!(percent_decode("a%20b+c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("%D0%9A", false).as_deref(), Some("К"));
        assert_eq!(percent_decode("%FF", true), None, "not UTF-8");
        assert_eq!(percent_decode("50%", true), None);
        assert_eq!(percent_decode("%+1", true), None);
        assert_eq!(
            unfit_form_field("name=ok&email=a%00b"),
            Some("email".into())
        );
        assert_eq!(unfit_form_field("name=%C3%28"), Some("name".into()));
        assert_eq!(unfit_form_field("name=Olena&note=%E2%80%94"), None);
    }
}
