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
