//! The route table: every route names its method, path and the [`Action`]
//! it performs. The router is built from this table, each route behind a
//! layer that asks the permission model first, and the same table feeds the
//! OpenAPI document and the route × role test — so a route cannot exist
//! without a permission, a document entry and a row in that test.

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;

use super::context::Ctx;
use super::error::AppError;
use super::AppState;
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use crate::auth::Action;

/// A JSON type as the OpenAPI document shows it: its name, and how to add
/// its schema (with those of the types inside it) to the document. Routes
/// name the very types their handlers read and answer, so the document
/// cannot drift from the code.
#[derive(Clone, Copy, Debug)]
pub struct Schema {
    pub name: fn() -> String,
    pub add: fn(&mut Vec<(String, RefOr<utoipa::openapi::schema::Schema>)>),
}

fn name_of<T: ToSchema>() -> String {
    T::name().into_owned()
}

fn add_schema<T: ToSchema>(out: &mut Vec<(String, RefOr<utoipa::openapi::schema::Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

/// The schema of `T`, for a route's [`ApiDoc`].
pub fn schema<T: ToSchema>() -> Schema {
    Schema {
        name: name_of::<T>,
        add: add_schema::<T>,
    }
}

/// What the OpenAPI document says about an API route.
#[derive(Clone, Debug, Default)]
pub struct ApiDoc {
    pub summary: &'static str,
    pub tag: &'static str,
    /// The type the handler reads from the request body.
    pub request: Option<Schema>,
    /// The type of the success response, and its status.
    pub response: Option<Schema>,
    pub status: u16,
    /// Query parameters the route takes (a list's filters; the paging of a
    /// list is added to every list).
    pub query: &'static [(&'static str, &'static str)],
    /// The response is a page of a list: `{"items", "page", "per_page", "total"}`.
    pub list: bool,
    /// …which comes whole, in one page (a ranking): it takes no paging.
    pub whole: bool,
}

/// The query parameters of every paged list.
pub const PAGING_QUERY: &[(&str, &str)] = &[
    ("page", "Page number, from 1"),
    ("per_page", "Items per page, 1–200 (default 25)"),
];

impl ApiDoc {
    /// An API route's entry in the OpenAPI document, under `tag`.
    pub fn new(
        tag: &'static str,
        summary: &'static str,
        request: Option<Schema>,
        response: Option<Schema>,
        status: u16,
    ) -> ApiDoc {
        ApiDoc {
            summary,
            tag,
            request,
            response,
            status,
            query: &[],
            list: false,
            whole: false,
        }
    }
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub action: Action,
    pub doc: Option<ApiDoc>,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new(
        method: Method,
        path: &'static str,
        action: Action,
        handler: MethodRouter<AppState>,
    ) -> Route {
        Route {
            method,
            path,
            action,
            doc: None,
            handler,
        }
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        action: Action,
        h: H,
    ) -> Route {
        Route::new(Method::GET, path, action, axum::routing::get(h))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        action: Action,
        h: H,
    ) -> Route {
        Route::new(Method::POST, path, action, axum::routing::post(h))
    }

    pub fn patch<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        action: Action,
        h: H,
    ) -> Route {
        Route::new(Method::PATCH, path, action, axum::routing::patch(h))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        action: Action,
        h: H,
    ) -> Route {
        Route::new(Method::DELETE, path, action, axum::routing::delete(h))
    }

    /// Documents an API route in the OpenAPI document.
    pub fn doc(mut self, doc: ApiDoc) -> Route {
        self.doc = Some(doc);
        self
    }
}

/// A route's identity, without its handler: for the OpenAPI document and tests.
#[derive(Clone, Debug)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub action: Action,
    pub doc: Option<ApiDoc>,
}

pub fn describe(routes: &[Route]) -> Vec<RouteInfo> {
    routes
        .iter()
        .map(|r| RouteInfo {
            method: r.method.clone(),
            path: r.path,
            action: r.action,
            doc: r.doc.clone(),
        })
        .collect()
}

pub fn build(routes: Vec<Route>) -> Router<AppState> {
    routes.into_iter().fold(Router::new(), |router, route| {
        let guarded = route
            .handler
            .route_layer(middleware::from_fn_with_state(route.action, require));
        router.route(route.path, guarded)
    })
}

/// The gate in front of every handler: may this caller perform the route's
/// action at all? Which records they may reach is the handler's next question.
async fn require(State(action): State<Action>, request: Request, next: Next) -> Response {
    let Some(ctx) = request.extensions().get::<Ctx>() else {
        return AppError::Internal("request context missing".into()).into_response();
    };
    if ctx.may(action) {
        return next.run(request).await;
    }
    let error = if ctx.signed_in() {
        AppError::Forbidden
    } else {
        AppError::Unauthenticated
    };
    tracing::warn!(
        route = %ctx.here,
        account = ctx.account().map(|a| a.id.0),
        ip = ?ctx.client_ip,
        ?action,
        "access refused"
    );
    error.into_response()
}
