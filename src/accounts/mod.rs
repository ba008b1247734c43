//! People's accounts as they use them: signing in and out, the one-time
//! setup of the first administrator, the language switch, everyone's own
//! account page, and the administrators' list of accounts. The permission
//! model and the sessions these pages create live below, in `auth`.

pub mod actions;
pub mod admin;
pub mod audit;
pub mod pages;
pub mod reset;

use crate::web::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = pages::routes();
    routes.extend(admin::routes());
    routes.extend(audit::routes());
    routes.extend(reset::routes());
    routes
}
