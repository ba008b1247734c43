//! Builds the application from a [`Config`] and serves it until shutdown.
//! Tests start the real thing on port 0 through [`App::build`].

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Json, Router};
use bytes::Bytes;
use tokio::net::TcpListener;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::Action;
use crate::config::Config;
use crate::db::{Db, DbError};
use crate::web::error::AppError;
use crate::web::routes::{self, RouteInfo};
use crate::web::{self, AppState, Route};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not open the database")]
    Db(#[from] DbError),
    #[error("bad mail settings: {0}")]
    Mail(String),
    #[error("could not listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

pub struct App {
    listener: TcpListener,
    state: AppState,
    /// Sends the outbox while the server runs.
    worker: crate::outbox::Worker,
    /// Runs the areas' periodic jobs while the server runs.
    scheduler: crate::jobs::Scheduler,
    /// The short links, answered from memory in front of the app, with the
    /// clicks counted there written on a timer and at shutdown.
    links: Arc<crate::links::Redirects>,
}

/// Every route of the application, each with the action it performs.
pub fn all_routes() -> Vec<Route> {
    let mut routes = vec![
        Route::get("/healthz", Action::ViewPublic, healthz),
        Route::get("/api/v1/openapi.json", Action::ViewPublic, openapi).doc(routes::ApiDoc {
            summary: "This document",
            tag: "meta",
            status: 200,
            ..Default::default()
        }),
    ];
    routes.extend(crate::home::routes());
    routes.extend(crate::accounts::routes());
    routes.extend(crate::directory::routes());
    routes.extend(crate::speakers::routes());
    routes.extend(crate::twinning::routes());
    routes.extend(crate::appeals::routes());
    routes.extend(crate::affiliations::routes());
    routes.extend(crate::links::routes());
    routes.extend(crate::statements::routes());
    routes.extend(crate::outbox::pages::routes());
    routes
}

/// The OpenAPI document, made from the route table when first asked for
/// (building it at start-up would cost every instance its memory, for a
/// page few people read) and the same for every instance in the process.
async fn openapi() -> Response {
    static DOCUMENT: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    let json = DOCUMENT.get_or_init(|| {
        // Serialising a tree of JSON values cannot fail.
        serde_json::to_vec(&crate::openapi::document(&route_table()))
            .unwrap_or_default()
            .into()
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.clone(),
    )
        .into_response()
}

/// The route table without handlers, for the OpenAPI document and tests.
pub fn route_table() -> Vec<RouteInfo> {
    routes::describe(&all_routes())
}

impl App {
    /// Opens the database, brings its schema up to date and binds the listener.
    pub async fn build(config: Config) -> Result<App, StartError> {
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let transport = crate::outbox::Transport::from_config(
            config.smtp_url.as_deref(),
            config.mail_dir.clone(),
        )
        .map_err(StartError::Mail)?;
        let from = config
            .mail_from
            .parse()
            .map_err(|e| StartError::Mail(format!("mail sender {:?}: {e}", config.mail_from)))?;
        let bound = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let base_url: Arc<str> = config
            .public_url
            .clone()
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{bound}"))
            .into();
        let worker = crate::outbox::Worker {
            db: db.clone(),
            transport,
            from,
            interval: config.outbox_interval,
            name: format!("{}-{}", bound, crate::auth::random_hex(4)),
        };
        let scheduler = crate::jobs::Scheduler {
            db: db.clone(),
            base_url: base_url.to_string(),
            interval: config.jobs_interval,
        };
        let links = Arc::new(
            crate::links::Redirects::load(&db)
                .await
                .map_err(StartError::from)?,
        );
        let mut kept = axum::http::Extensions::new();
        kept.insert(links.clone());
        let state = AppState::new(crate::web::Shared {
            kept,
            pages: Arc::new(crate::web::cache::PageCache::new(db.changes())),
            db,
            config: Arc::new(config),
            base_url,
        });
        Ok(App {
            listener,
            state,
            worker,
            scheduler,
            links,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The outbox worker, for tools and tests that send without serving.
    pub fn worker(&self) -> &crate::outbox::Worker {
        &self.worker
    }

    /// Serves until `shutdown` completes; requests in flight then finish.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = router(self.state.clone(), self.links.clone());
        let worker = tokio::spawn(self.worker.run());
        let jobs = tokio::spawn(self.scheduler.run());
        let links = self.links;
        let clicks = tokio::spawn(links.clone().run(
            self.state.db.clone(),
            self.state.config.click_flush_interval,
        ));
        let result = serve_connections(self.listener, router, &self.state.config, shutdown).await;
        // What is queued and unsent stays in the table for the next start;
        // clicks counted since the last flush are written now.
        worker.abort();
        jobs.abort();
        clicks.abort();
        if let Err(e) = links.flush(&self.state.db).await {
            tracing::error!(error = %e, "could not write the last short-link clicks");
        }
        self.state.db.close().await;
        result
    }
}

/// Accepts connections and serves HTTP/1.1 on each until `shutdown`; then
/// stops accepting and lets the requests in flight finish.
///
/// Each connection holds one of `max_connections` slots: beyond them, new
/// connections wait in the listen queue instead of using up descriptors.
/// A client has `header_timeout` to send a request's headers, from when it
/// connects or finishes the request before (the timer axum's own loop does
/// not set), so a slow or silent client cannot hold a slot for ever; the
/// body and the answer are bounded by the request timeout.
async fn serve_connections(
    listener: TcpListener,
    router: Router,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before it was
                    // accepted: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request.map(axum::body::Body::new)
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The whole application: the short-link redirect in front, then every
/// route of the table behind the request context and the limits.
pub fn router(state: AppState, links: Arc<crate::links::Redirects>) -> Router {
    let config = state.config.clone();
    let app = routes::build(all_routes())
        .fallback(|| async { AppError::NotFound })
        .layer(CatchPanicLayer::new())
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::context::context,
        ))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                // Router::layer gives each route its own copy of a layer; the
                // global limit shares one semaphore between all of them.
                .layer(GlobalConcurrencyLimitLayer::new(
                    config.max_concurrent_requests,
                )),
        )
        .layer(middleware::from_fn_with_state(
            config.clone(),
            web::security_headers,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span));
    crate::links::in_front(links, app)
}

/// The span of a request names its method and path, never its query string,
/// which can carry a one-time setup token.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

/// Beyond the concurrency limit the server refuses at once, so that a burst
/// cannot queue requests until they all time out.
async fn overloaded(error: BoxError) -> Response {
    tracing::warn!(%error, "shedding load");
    let body = Json(serde_json::json!({"error": {
        "code": "overloaded",
        "message": "The server is busy. Please try again in a moment."
    }}));
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

async fn healthz(State(app): State<AppState>) -> Response {
    let database = app.db.backend().name();
    match sqlx::query("SELECT 1").execute(app.db.read()).await {
        Ok(_) => Json(serde_json::json!({"status": "ok", "database": database})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable", "database": database})),
            )
                .into_response()
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}
