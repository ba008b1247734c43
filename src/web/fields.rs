//! Checks shared by every form and API body that takes a line of text.

use super::error::FieldErrors;

/// A single line of text: the typed value, else the current one, trimmed;
/// required, no longer than `max` characters and free of control characters,
/// or an error on `field`.
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

/// Text of many lines (Markdown): the typed value, else the current one,
/// trimmed; at most 20,000 characters, no control characters but line breaks
/// and tabs.
pub fn long_text(
    value: Option<&str>,
    current: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> String {
    let t = value.or(current).unwrap_or("").trim().to_owned();
    if t.chars().count() > 20_000 {
        errors.add_with(field, "err-too-long", 20_000);
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(field, "err-control-chars");
    }
    t
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
    t.parse().map_err(|_| errors.add(field, "err-date")).ok()
}
