//! Integration tests: each starts the real application on port 0 with its own
//! database and talks to it over HTTP, once on SQLite and once on PostgreSQL.

mod helpers;
mod hostile;

/// The seeded random inputs the library's own property tests use too.
#[path = "../support/fuzz.rs"]
mod fuzz;

mod accessibility;
mod accounts;
mod affiliations;
mod appeals;
mod bursts;
mod cli;
mod csv_files;
mod directory;
mod links;
mod matrix;
mod platform;
mod security;
mod speakers;
mod statements;
mod twinning;
