//! Shared web plumbing: the application state, the request context (who is
//! asking, in which language, with which CSRF token), the route table that
//! ties each route to its permission, security headers and extractors.

pub mod cache;
pub mod context;
pub mod error;
pub mod extract;
pub mod lists;
pub mod routes;
pub mod throttle;

use std::sync::Arc;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::common::input::FieldErrors;
use crate::config::Config;
use crate::db::Db;

pub use context::Ctx;
pub use error::AppError;
pub use routes::Route;

/// What every handler can reach (shared behind one `Arc`, so that handing it
/// to each request's middleware costs one reference count).
pub struct Shared {
    pub db: Db,
    /// Read-only after start.
    pub config: Arc<Config>,
    /// Where links in e-mails and feeds point: `public_url`, or the address
    /// the server is listening on.
    pub base_url: Arc<str>,
    /// Public pages kept rendered for anonymous visitors.
    pub pages: Arc<cache::PageCache>,
    /// What an area keeps in memory for the life of the process (the short
    /// links' redirect table), one value per type, put in when the app is
    /// built. The web layer only holds them; each area reads its own.
    pub kept: axum::http::Extensions,
}

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }

    /// An area's value kept for the life of the process.
    pub fn kept<T: Send + Sync + 'static>(&self) -> Result<&T, AppError> {
        self.kept
            .get::<Arc<T>>()
            .map(|t| t.as_ref())
            .ok_or_else(|| {
                AppError::Internal(
                    format!("nothing of type {} kept", std::any::type_name::<T>()).into(),
                )
            })
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The escaper of `.xml` templates (the Atom feed; see `askama.toml`):
/// markup characters as XML's five named entities.
#[derive(Clone, Copy, Debug)]
pub struct Xml;

impl askama::filters::Escaper for Xml {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, text: &str) -> std::fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            dest.write_str(&rest[..at])?;
            dest.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&apos;",
            })?;
            rest = &rest[at + 1..];
        }
        dest.write_str(rest)
    }
}

/// Renders a page template.
pub fn page(template: impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// The status of a page with a form: 200, or 422 when it shows errors.
pub fn form_status(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Renders a page template with a status other than 200 (a form with errors).
pub fn page_with_status(status: StatusCode, template: impl Template) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// After a successful form post: "303 See Other" to the page to show.
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// A path to go back to after login or a language change: only paths on this
/// site, never `//other.host` or `https://…`.
pub fn safe_local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    ok.then_some(next)
}

/// Headers every response carries, errors included.
pub async fn security_headers(
    axum::extract::State(config): axum::extract::State<Arc<Config>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let over_tls = context::over_tls(&request, config.trust_proxy_headers);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if over_tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_the_five_markup_characters() {
        use askama::filters::Escaper;
        let mut out = String::new();
        Xml.write_escaped_str(&mut out, "a<b>&\"c'd ї").unwrap();
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;d ї");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_local_path("/branches?page=2"),
            Some("/branches?page=2")
        );
        assert_eq!(safe_local_path("//evil.example"), None);
        assert_eq!(safe_local_path("/\\evil.example"), None);
        assert_eq!(safe_local_path("https://evil.example"), None);
        assert_eq!(safe_local_path("/x\r\nSet-Cookie: a"), None);
    }
}
