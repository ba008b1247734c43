//! One error type for every handler, and how it becomes a response.
//!
//! A handler returns `Err(AppError::…)`; the response carries the error as an
//! extension, and [`super::context`] renders it once it knows who asked and in
//! which language: JSON under `/api/`, a page everywhere else. Internal causes
//! are logged with their whole chain and never shown to the client.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::common::input::FieldErrors;
use crate::db::DbError;
use crate::i18n::Tr;

/// What a form page shows for a refused submission: the field errors, or a
/// conflict as an error on the whole form; anything else is not the form's
/// to show.
pub fn form_errors(e: AppError) -> Result<FieldErrors, AppError> {
    match e {
        AppError::Invalid(errors) => Ok(errors),
        AppError::Conflict { key, .. } => Ok(FieldErrors::one("form", key)),
        AppError::Duplicate { field, key } => Ok(FieldErrors::one(field, key)),
        other => Err(other),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read at all: bad JSON, bad query string.
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("no credentials")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Also for records the caller may not know exist.
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A conflict with the current state: a duplicate, a stale edit, a record
    /// still in use. `key` is the message id that explains it.
    #[error("conflict: {code}")]
    Conflict {
        code: &'static str,
        key: &'static str,
    },
    /// A record with the same unique value exists (a slug, a name, a
    /// reference). `field` is the value that must be unique; `key` the
    /// message id that says so.
    #[error("duplicate {field}")]
    Duplicate {
        field: &'static str,
        key: &'static str,
    },
    #[error("invalid fields")]
    Invalid(FieldErrors),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("rate limited")]
    RateLimited,
    #[error("overloaded")]
    Overloaded,
    #[error("timed out")]
    Timeout,
    /// Something that was here has ended (a short link past its date).
    #[error("gone")]
    Gone,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } | AppError::Duplicate { .. } => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Timeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Gone => StatusCode::GONE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code in the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Malformed(_) => "malformed",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict { code, .. } => code,
            AppError::Duplicate { .. } => "duplicate",
            AppError::Invalid(_) => "invalid",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::RateLimited => "rate_limited",
            AppError::Overloaded => "overloaded",
            AppError::Timeout => "timeout",
            AppError::Gone => "gone",
            AppError::Internal(_) => "internal",
        }
    }

    /// The human message in the viewer's language.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            AppError::Malformed(detail) => tr.t1("err-malformed", "arg", detail),
            AppError::Unauthenticated => tr.t("err-unauthenticated"),
            AppError::Forbidden => tr.t("err-forbidden"),
            AppError::Csrf => tr.t("err-csrf"),
            AppError::NotFound => tr.t("err-not-found"),
            AppError::MethodNotAllowed => tr.t("err-method-not-allowed"),
            AppError::Conflict { key, .. } | AppError::Duplicate { key, .. } => tr.t(key),
            AppError::Invalid(_) => tr.t("err-invalid"),
            AppError::PayloadTooLarge => tr.t("err-payload-too-large"),
            AppError::RateLimited => tr.t("err-rate-limited"),
            AppError::Overloaded => tr.t("err-overloaded"),
            AppError::Timeout => tr.t("err-timeout"),
            AppError::Gone => tr.t("err-gone"),
            AppError::Internal(_) => tr.t("err-internal"),
        }
    }

    pub fn conflict(code: &'static str, key: &'static str) -> AppError {
        AppError::Conflict { code, key }
    }

    /// The error a stale edit gets: someone else saved first.
    pub fn stale() -> AppError {
        AppError::conflict("stale", "err-stale")
    }

    /// For `map_err` on a write: a unique key's refusal is a duplicate of
    /// `field` (409, with `key` saying what is taken); any other database
    /// error stays internal. The one way a duplicate is answered.
    pub fn duplicate_of(
        field: &'static str,
        key: &'static str,
    ) -> impl FnOnce(DbError) -> AppError {
        move |e| {
            if e.is_unique_violation() {
                AppError::Duplicate { field, key }
            } else {
                e.into()
            }
        }
    }

    /// The fields to name in an error body: each refused field, or the one
    /// that must be unique.
    pub fn fields(&self, tr: &Tr) -> std::collections::BTreeMap<String, String> {
        match self {
            AppError::Invalid(fields) => fields.render(tr),
            AppError::Duplicate { field, key } => [((*field).to_owned(), tr.t(key))].into(),
            _ => Default::default(),
        }
    }

    /// The same error, for rendering after the response has left the handler.
    fn shareable(self) -> Arc<AppError> {
        Arc::new(self)
    }
}

/// Refused fields answer 422, each named.
impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> AppError {
        AppError::Invalid(errors)
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> AppError {
        AppError::Internal(Box::new(e))
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        AppError::Internal(Box::new(DbError::Sqlx(e)))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::Internal(Box::new(e))
    }
}

/// The marker the context layer looks for to render an error.
#[derive(Clone)]
pub struct ErrorMarker(pub Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            log_chain(cause.as_ref());
        }
        let status = self.status();
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(ErrorMarker(self.shareable()));
        response
    }
}

fn log_chain(cause: &(dyn std::error::Error + 'static)) {
    let mut chain = cause.to_string();
    let mut source = cause.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    tracing::error!(error = %chain, "internal error");
}

/// Errors that reach us without our marker (the router's own 404 and 405,
/// the body limit's 413, the timeout's 408, the load shedder's 503) become
/// ours, so that every error has the same shape.
pub fn from_bare_status(status: StatusCode) -> Option<AppError> {
    Some(match status {
        StatusCode::BAD_REQUEST => AppError::Malformed(String::new()),
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::REQUEST_TIMEOUT => AppError::Timeout,
        StatusCode::SERVICE_UNAVAILABLE => AppError::Overloaded,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::Malformed("unsupported content type".to_owned())
        }
        StatusCode::UNPROCESSABLE_ENTITY => AppError::Malformed(String::new()),
        s if s.is_server_error() => AppError::Internal("unexpected server error".into()),
        _ => return None,
    })
}
