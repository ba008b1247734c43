//! The request context: who is asking (session cookie or API token), in which
//! language, and the CSRF token their forms carry. One middleware resolves it
//! for every request, refuses state changes without a valid CSRF token, and
//! renders every error once it knows how the caller wants it.

use crate::db::limits::{self, Events, Slot};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use askama::Template;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;

use super::error::{from_bare_status, AppError, ErrorMarker};
use super::AppState;
use crate::auth::{self, store, Account, Action, Principal};
use crate::i18n::{Lang, Tr};

pub const SESSION_COOKIE: &str = "__Host-solidarnist-session";
pub const CSRF_COOKIE: &str = "__Host-solidarnist-csrf";
pub const LANG_COOKIE: &str = "__Host-solidarnist-lang";
/// The hidden form field and the header that carry the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is asking, and how to talk to them.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub principal: Principal,
    pub lang: Lang,
    pub tr: Tr,
    /// The token this caller's forms must send back.
    pub csrf: String,
    /// Authenticated by an API token rather than a session.
    pub via_token: bool,
    /// The hash of the session id, when signed in through a session.
    pub session_hash: Option<String>,
    /// The client's address, for throttling and the audit log.
    pub client_ip: Option<IpAddr>,
    /// Path and query of this request, for "back to where I was".
    pub here: String,
}

impl Ctx {
    pub fn account(&self) -> Option<&Account> {
        self.principal.account()
    }

    pub fn may(&self, action: Action) -> bool {
        self.principal.may(action)
    }

    /// Shorthands for templates.
    pub fn may_view_people(&self) -> bool {
        self.may(Action::ViewPeople)
    }

    pub fn may_manage_directory(&self) -> bool {
        self.may(Action::ManageBranches)
    }

    pub fn may_manage_speakers(&self) -> bool {
        self.may(Action::ManageSpeakers)
    }

    pub fn may_view_requests(&self) -> bool {
        self.signed_in()
    }

    pub fn may_manage_appeals(&self) -> bool {
        self.may(Action::ManageAppeals)
    }

    pub fn may_manage_affiliations(&self) -> bool {
        self.may(Action::ManageAffiliations)
    }

    pub fn may_manage_links(&self) -> bool {
        self.may(Action::ManageLinks)
    }

    pub fn may_manage_statements(&self) -> bool {
        self.may(Action::ManageStatements)
    }

    pub fn may_use_links(&self) -> bool {
        self.may(Action::BranchLinks)
    }

    pub fn may_propose_twinnings(&self) -> bool {
        self.may(Action::ProposeTwinnings)
    }

    pub fn may_view_twinnings(&self) -> bool {
        self.may(Action::ViewTwinnings)
    }

    pub fn is_speaker(&self) -> bool {
        self.account()
            .is_some_and(|a| a.role == crate::auth::Role::Speaker)
    }

    pub fn may_view_outbox(&self) -> bool {
        self.may(Action::ViewOutbox)
    }

    pub fn may_manage_accounts(&self) -> bool {
        self.may(Action::ManageAccounts)
    }

    pub fn signed_in(&self) -> bool {
        self.account().is_some()
    }

    pub fn langs(&self) -> [Lang; 2] {
        Lang::ALL
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Ctx, AppError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("request context missing".into()))
    }
}

pub fn parse_cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// A `__Host-` cookie: Secure, whole site, no Domain, so no subdomain can set it.
pub fn cookie(name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax{age}"
    ))
    .expect("cookie values are hex or language codes")
}

pub fn clear_cookie(name: &str) -> HeaderValue {
    cookie(name, "", Some(0))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn is_hex_secret(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn client_ip(request: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        // The proxy appends the address it saw; anything before that is the
        // client's own claim.
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Whether the client reached us over TLS, as a trusted proxy says.
pub fn over_tls(request: &Request, trust_proxy: bool) -> bool {
    trust_proxy
        && request
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

pub async fn context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    // What answers a form or an API write repeats what was sent: personal.
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
    let here = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let trust_proxy = state.config.trust_proxy_headers;
    let client_ip = client_ip(&request, trust_proxy);
    let cookies = parse_cookies(request.headers());
    let mut set_cookies: Vec<HeaderValue> = Vec::new();

    let mut ctx = Ctx {
        principal: Principal::Anonymous,
        lang: Lang::En,
        tr: Tr::new(Lang::En),
        csrf: String::new(),
        via_token: false,
        session_hash: None,
        client_ip,
        here,
    };
    let mut user_lang = None;
    let mut session_csrf = None;

    if let Some(token) = bearer(request.headers()) {
        // Unknown tokens are counted per client address; past the limit a
        // client is refused before its token is looked up. (The check is a
        // read, not a taken slot: a token has 160 random bits, so the few
        // extra guesses a burst gets before the count catches up are worth
        // nothing, and a known token costs no write.)
        let scope = format!(
            "token:{}",
            client_ip.map(|ip| ip.to_string()).unwrap_or_default()
        );
        let window = auth::THROTTLE_WINDOW_SECS;
        let now = crate::common::clock::now();
        match limits::recent(&state.db, Events::Failures, &scope, window, now).await {
            Ok(n) if n >= auth::THROTTLE_PER_IP => {
                return finish(
                    AppError::RateLimited.into_response(),
                    &ctx,
                    is_api,
                    set_cookies,
                )
            }
            Ok(_) => {}
            Err(e) => return finish(AppError::from(e).into_response(), &ctx, is_api, set_cookies),
        }
        match store::find_token(&state.db, &auth::sha256_hex(token)).await {
            Ok(Some((account, lang))) => {
                ctx.principal = Principal::Account(account);
                ctx.via_token = true;
                user_lang = lang;
            }
            Ok(None) => {
                tracing::warn!(route = %ctx.here, ip = ?client_ip, "authentication failed: unknown API token");
                let slot = Slot {
                    scope,
                    max: auth::THROTTLE_PER_IP,
                };
                if let Err(e) =
                    limits::take(&state.db, Events::Failures, &[slot], window, now).await
                {
                    return finish(AppError::from(e).into_response(), &ctx, is_api, set_cookies);
                }
                return finish(
                    AppError::Unauthenticated.into_response(),
                    &ctx,
                    is_api,
                    set_cookies,
                );
            }
            Err(e) => return finish(AppError::from(e).into_response(), &ctx, is_api, set_cookies),
        }
    } else if let Some(session_id) = cookies.get(SESSION_COOKIE) {
        let hash = auth::sha256_hex(session_id);
        match store::find_session(&state.db, &hash).await {
            Ok(Some(session)) if session_alive(&session) => {
                if crate::common::clock::now() - session.last_seen_at > 60 {
                    if let Err(e) = store::touch_session(&state.db, &hash).await {
                        tracing::warn!(error = %e, "could not record session activity");
                    }
                }
                ctx.principal = Principal::Account(session.account);
                ctx.session_hash = Some(hash);
                user_lang = session.lang;
                session_csrf = Some(session.csrf_token);
            }
            Ok(found) => {
                if found.is_some() {
                    if let Err(e) = store::delete_session(&state.db, &hash).await {
                        tracing::warn!(error = %e, "could not delete an expired session");
                    }
                }
                set_cookies.push(clear_cookie(SESSION_COOKIE));
            }
            Err(e) => return finish(AppError::from(e).into_response(), &ctx, is_api, set_cookies),
        }
    }

    ctx.lang = query_lang(request.uri().query())
        .or(user_lang)
        .or_else(|| cookies.get(LANG_COOKIE).and_then(|c| Lang::from_code(c)))
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    ctx.tr = Tr::new(ctx.lang);

    // A path or query that is not UTF-8 or holds NUL or another character
    // no text may hold names no record, and never reaches a handler or the
    // database (PostgreSQL refuses NUL with an error, not a row).
    let path_fit = request.uri().path().split('/').all(|segment| {
        crate::common::input::percent_decode(segment, false)
            .is_some_and(|s| !crate::common::input::has_unfit_chars(&s))
    });
    if !path_fit {
        return finish(
            AppError::NotFound.into_response(),
            &ctx,
            is_api,
            set_cookies,
        );
    }
    if let Err(e) = super::extract::check_encoded(request.uri().query().unwrap_or("").as_bytes()) {
        return finish(e.into_response(), &ctx, is_api, set_cookies);
    }

    ctx.csrf = match (session_csrf, cookies.get(CSRF_COOKIE)) {
        (Some(token), _) => token,
        (None, Some(token)) if is_hex_secret(token) => token.clone(),
        (None, _) => {
            // A visitor's first request: 128 bits from the thread's CSPRNG
            // (seeded by the operating system), like a form's key, so that
            // a crowd opening the same page costs no system call each.
            let token = auth::form_key();
            set_cookies.push(cookie(CSRF_COOKIE, &token, None));
            token
        }
    };

    // CSRF guards what a cookie authorises. An API call with neither token
    // nor session has nothing to forge; the route gate answers it with 401.
    let nothing_to_forge = is_api && ctx.principal == Principal::Anonymous;
    if !is_safe(request.method()) && !ctx.via_token && !nothing_to_forge {
        request = match check_csrf(request, &ctx, state.config.max_body_bytes).await {
            Ok(request) => request,
            Err(e) => {
                tracing::warn!(route = %ctx.here, ip = ?client_ip, "request refused: CSRF check failed");
                return finish(e.into_response(), &ctx, is_api, set_cookies);
            }
        };
    }

    request.extensions_mut().insert(ctx.clone());
    let response = next.run(request).await;
    let mut response = finish(response, &ctx, is_api, set_cookies);
    if writes {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn session_alive(session: &store::SessionRecord) -> bool {
    let now = crate::common::clock::now();
    now - session.last_seen_at < auth::SESSION_IDLE_SECS
        && now - session.created_at < auth::SESSION_ABSOLUTE_SECS
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::from_code)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A state change must come from our own pages: the browser's fetch metadata
/// and Origin must not say otherwise, and the token must match — from the
/// `X-CSRF-Token` header, or the `_csrf` field of a form.
async fn check_csrf(request: Request, ctx: &Ctx, limit: usize) -> Result<Request, AppError> {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return Err(AppError::Csrf);
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest);
        if host.is_none() || origin_host != host {
            return Err(AppError::Csrf);
        }
    }
    if let Some(token) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if auth::constant_time_eq(token, &ctx.csrf) {
            Ok(request)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::Csrf)?;
    let token = fields
        .iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.as_str());
    match token {
        Some(token) if auth::constant_time_eq(token, &ctx.csrf) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Csrf),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a Ctx,
    status: u16,
    message: String,
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(serde::Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    fields: std::collections::BTreeMap<String, String>,
}

/// Renders an error (ours, or a bare status from the router or a layer) the
/// way this caller wants it, and adds the cookies the context decided on.
fn finish(
    mut response: Response,
    ctx: &Ctx,
    is_api: bool,
    set_cookies: Vec<HeaderValue>,
) -> Response {
    let marker = response.extensions().get::<ErrorMarker>().cloned();
    let error = match marker {
        Some(ErrorMarker(e)) => Some(e),
        None if response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|ct| {
                // Bare errors from axum and tower come as text/plain or without a body.
                ct.as_bytes().starts_with(b"text/plain")
            }) =>
        {
            from_bare_status(response.status()).map(std::sync::Arc::new)
        }
        None => None,
    };
    if let Some(error) = error {
        response = render_error(&error, ctx, is_api);
    }
    for c in set_cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    no_store_if_private(&mut response, ctx);
    response
}

/// No cache, shared or the browser's own, keeps an answer given to someone
/// signed in (it may hold people's details, and is theirs alone) or one
/// that sets a cookie (a session, a form's token).
fn no_store_if_private(response: &mut Response, ctx: &Ctx) {
    let headers = response.headers_mut();
    if ctx.signed_in() || headers.contains_key(header::SET_COOKIE) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

fn render_error(error: &AppError, ctx: &Ctx, is_api: bool) -> Response {
    let status = error.status();
    let message = error.message(&ctx.tr);
    if is_api {
        let fields = error.fields(&ctx.tr);
        let body = ErrorBody {
            error: ErrorDetail {
                code: error.code(),
                message,
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return response;
    }
    if matches!(error, AppError::Unauthenticated) {
        let next: String = form_urlencoded_component(&ctx.here);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    // A form that is not shown again (a button on a list) explains itself here.
    let message = match error {
        AppError::Invalid(fields) => {
            let details: Vec<String> = fields.render(&ctx.tr).into_values().collect();
            format!("{message} {}", details.join(" "))
        }
        _ => message,
    };
    let page = ErrorPage {
        ctx,
        status: status.as_u16(),
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            status.into_response()
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn form_urlencoded_component(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_parse_from_one_or_many_headers() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; b=2"));
        h.append(header::COOKIE, HeaderValue::from_static("c=3"));
        let c = parse_cookies(&h);
        assert_eq!(c.get("a").map(String::as_str), Some("1"));
        assert_eq!(c.get("c").map(String::as_str), Some("3"));
    }

    #[test]
    fn the_lang_query_overrides_for_one_page() {
        assert_eq!(query_lang(Some("page=2&lang=uk")), Some(Lang::Uk));
        assert_eq!(query_lang(Some("lang=xx")), None);
        assert_eq!(query_lang(None), None);
    }

    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(form_urlencoded_component("/a?b=c&d"), "%2Fa%3Fb%3Dc%26d");
    }
}
