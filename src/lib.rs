//! Solidarnist runs a labour-movement Ukraine solidarity campaign: union
//! branches inviting speakers, twinning with Ukrainian branches, passing
//! motions, affiliating and raising money for aid appeals.
//!
//! # Layout
//!
//! Campaign areas, one module each:
//!
//! - [`directory`]: unions, branches and the people at them.
//! - [`speakers`]: speakers, requests for them, matching, bookings and calendars.
//! - [`twinning`]: links between British and Ukrainian branches, their log, and needs.
//! - [`appeals`]: aid appeals, donations and pledges, and their running totals.
//! - [`home`]: the public home page with the campaign's six actions.
//!
//! Shared plumbing beside them:
//!
//! - [`cli`]: the `solidarnist` command line; every flag also comes from `SOLIDARNIST_*`.
//! - [`config`]: the one typed configuration built from flags and environment.
//! - [`app`]: builds the HTTP application from a config and serves it until shutdown.
//! - [`db`]: the connection pool for SQLite or PostgreSQL and the migrations.
//! - [`auth`]: accounts, passwords, sessions, CSRF, API tokens and the permission model.
//! - [`web`]: page layout, error responses, extractors, security headers.
//! - [`outbox`]: every e-mail, queued with the change that caused it and sent by a worker.
//! - [`i18n`]: English and Ukrainian messages.
//! - [`money`]: amounts in minor units with their currency, and the parser for typed ones.
//! - [`demo`]: the fictional demo data set.
//! - [`openapi`]: the OpenAPI document, generated from the route table.

pub mod accounts;
pub mod affiliations;
pub mod app;
pub mod appeals;
pub mod auth;
pub mod cli;
pub mod common;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
#[doc(hidden)]
pub mod fuzz;
pub mod home;
pub mod i18n;
pub mod jobs;
pub mod links;
pub mod markdown;
pub mod money;
pub mod openapi;
pub mod outbox;
pub mod qr;
pub mod speakers;
pub mod statements;
pub mod twinning;
pub mod web;
