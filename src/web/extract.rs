//! Extractors that turn bad input into our errors instead of axum's plain
//! text: malformed JSON is a 400, JSON of the wrong shape is a 422 naming
//! the field, and an id that is not a positive number names no record (404).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::AppError;
use crate::common::input::FieldErrors;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let ct = ct.split(';').next().unwrap_or("").trim();
                ct == "application/json" || ct.ends_with("+json")
            });
        if !is_json {
            return Err(AppError::Malformed(
                "expected Content-Type: application/json".to_owned(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Syntax errors are 400; a value of the wrong type is 422 on its field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| AppError::Malformed(e.to_string()))?;
    if !value.is_object() {
        return Err(AppError::Malformed("expected a JSON object".to_owned()));
    }
    if let Some(field) = unfit_json_field(&value, "") {
        return Err(AppError::Invalid(FieldErrors::one(
            &field,
            "err-characters",
        )));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let mut errors = FieldErrors::new();
        let field = if path == "." { "body" } else { path.as_str() };
        errors.add(field, "err-wrong-type");
        AppError::Invalid(errors)
    })
}

/// The path of the first string in a JSON value (a key or a value) that
/// holds a character no text we keep may hold.
fn unfit_json_field(value: &serde_json::Value, at: &str) -> Option<String> {
    use crate::common::input::has_unfit_chars;
    let here = || {
        if at.is_empty() {
            "body".to_owned()
        } else {
            at.to_owned()
        }
    };
    match value {
        serde_json::Value::String(s) if has_unfit_chars(s) => Some(here()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| unfit_json_field(v, &format!("{}[{i}]", here()))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if has_unfit_chars(k) {
                Some(here())
            } else {
                unfit_json_field(v, &path)
            }
        }),
        _ => None,
    }
}

/// Refuses a URL-encoded body (or query string) that is not UTF-8 or holds
/// a character no text we keep may hold, naming the field: nothing is
/// stored lossy, and nothing reaches a page, feed or file that breaks it.
pub fn check_encoded(encoded: &[u8]) -> Result<(), AppError> {
    let field = match std::str::from_utf8(encoded) {
        Ok(text) => crate::common::input::unfit_form_field(text),
        Err(_) => Some("form".to_owned()),
    };
    match field {
        Some(field) => Err(AppError::Invalid(FieldErrors::one(
            &field,
            "err-characters",
        ))),
        None => Ok(()),
    }
}

/// A URL-encoded form body. Form structs take every field as text (with
/// `#[serde(default)]`), so that parsing, and its errors, happen in our code.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        check_encoded(&bytes)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|e| AppError::Malformed(e.to_string()))
    }
}

/// A query string; like forms, query structs take text and parse it themselves.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        check_encoded(parts.uri.query().unwrap_or("").as_bytes())?;
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|e| AppError::Malformed(e.to_string()))
    }
}

/// The `{id}` in a path, as a typed id; anything else is a 404.
pub struct Id<T>(pub T);

impl<S: Send + Sync, T: std::str::FromStr> FromRequestParts<S> for Id<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        raw.parse().map(Id).map_err(|_| AppError::NotFound)
    }
}

/// An optional query parameter that must parse when given: empty is absent,
/// anything unreadable is a field error.
pub fn optional_param<T: std::str::FromStr>(
    value: &Option<String>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    v.parse().ok().or_else(|| {
        errors.add(field, "err-wrong-type");
        None
    })
}

/// A yes-or-no query parameter: `true`/`false` (or `1`/`0`); anything
/// else is an error naming it, not a quiet "no".
pub fn optional_flag(
    value: &Option<String>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<bool> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty())? {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => {
            errors.add(field, "err-flag");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        name: Option<String>,
        size: Option<i64>,
    }

    #[test]
    fn json_errors_are_400_for_syntax_and_422_for_shape() {
        assert!(matches!(
            parse_json::<Body>(b"{"),
            Err(AppError::Malformed(_))
        ));
        assert!(matches!(
            parse_json::<Body>(b"[1]"),
            Err(AppError::Malformed(_))
        ));
        match parse_json::<Body>(br#"{"size":"big"}"#) {
            Err(AppError::Invalid(e)) => assert!(e.has("size")),
            other => panic!("expected a field error, got {other:?}"),
        }
        assert!(parse_json::<Body>(br#"{"name":"x"}"#).is_ok());
    }
}
