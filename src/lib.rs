//! Solidarnist runs a labour-movement Ukraine solidarity campaign: union
//! branches inviting speakers, twinning with Ukrainian branches, passing
//! motions, affiliating and raising money for aid appeals.
//!
//! # Layout
//!
//! The modules stand on floors. A module uses the floors below its own and
//! never one above; the modules of one floor never use each other (so no
//! campaign area uses another: what two areas share is in the kernel, or is
//! the directory, which stands on its own floor below them). The test in
//! `layers.rs` reads this map and every `crate::` path in `src/`, and fails
//! on an import that breaks it. An import that must go up a floor says why
//! in a comment starting `// Up a floor:` on the line before it; there is
//! none today.
//!
//! ## Floor 10: the command line
//!
//! - [`cli`]: the `solidarnist` commands; every flag also comes from `SOLIDARNIST_*`.
//!
//! ## Floor 9: the application
//!
//! - [`app`]: builds the application from a config, wires every area's routes, and serves.
//!
//! ## Floor 8: what draws on every area
//!
//! - [`jobs`]: the scheduler that runs each area's periodic jobs (reminders, renewals).
//! - [`openapi`]: the OpenAPI document, from the route table the app hands over.
//! - [`demo`]: the fictional demo data set, loaded through the areas' own actions.
//!
//! ## Floor 7: the campaign's areas
//!
//! - [`accounts`]: signing in, the first administrator's setup, accounts and their pages.
//! - [`speakers`]: speakers, requests for them, matching, bookings and calendars.
//! - [`twinning`]: links between British and Ukrainian branches, their log, and needs.
//! - [`appeals`]: aid appeals, donations and pledges, and their running totals.
//! - [`affiliations`]: applications to affiliate, the fee table and renewals.
//! - [`links`]: short links `/s/{slug}`, branch copies, clicks and QR codes.
//! - [`statements`]: statements and news in both languages, and their feed.
//! - [`home`]: the public home page and the guides to the six actions.
//!
//! ## Floor 6: the directory every area builds on
//!
//! - [`directory`]: unions, branches and the people at them.
//!
//! ## Floor 5: the e-mail queue
//!
//! - [`outbox`]: every e-mail, queued with the change that caused it and sent by a worker.
//!
//! ## Floor 4: the web layer
//!
//! - [`web`]: the route table, request context, errors, extractors, headers, kept pages.
//!
//! ## Floor 3: who may do what
//!
//! - [`auth`]: the permission model, sessions, API tokens, passwords and the audit log.
//!
//! ## Floor 2: the database
//!
//! - [`db`]: one pool over SQLite or PostgreSQL, the one path for writes, migrations.
//!
//! ## Floor 1: the kernel
//!
//! - [`common`]: typed ids, the input checks, the clock and "today", paging, import reports.
//!
//! ## Floor 0: the ground, which uses nothing of ours
//!
//! - [`i18n`]: English and Ukrainian messages.
//! - [`money`]: amounts in minor units with their currency, and the parser for typed ones.
//! - [`markdown`]: the safe subset of Markdown that statements and appeals are written in.
//! - [`qr`]: QR codes as SVG and PNG.
//! - [`config`]: the one typed configuration, built from flags and environment by `cli`.

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

/// Seeded random inputs for the property tests of the parsers; in the
/// tests only, never in the library people run.
#[cfg(test)]
#[path = "../tests/support/fuzz.rs"]
mod fuzz;

/// The test that keeps the floors above.
#[cfg(test)]
mod layers;
