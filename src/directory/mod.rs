//! The directory: unions (British and Ukrainian), their branches, and the
//! people at those branches.

pub mod actions;
pub mod api;
pub mod csv;
pub mod model;
pub mod pages;
pub mod store;

pub use model::{BranchId, PersonId, UnionId};

use crate::auth::Action::*;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::Route;

const LIST_QUERY: &[(&str, &str)] = &[("q", "Search in names")];

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("directory", summary, request, response, status)
}

fn list_doc(summary: &'static str, response: Schema) -> ApiDoc {
    ApiDoc {
        query: LIST_QUERY,
        list: true,
        ..doc(summary, None, Some(response), 200)
    }
}

pub fn routes() -> Vec<Route> {
    vec![
        // Pages.
        Route::get("/unions", ViewDirectory, pages::unions),
        Route::get("/unions/new", ManageUnions, pages::new_union),
        Route::post("/unions/new", ManageUnions, pages::create_union),
        Route::get("/unions/{id}", ViewDirectory, pages::union),
        Route::get("/unions/{id}/edit", ManageUnions, pages::edit_union_form),
        Route::post("/unions/{id}/edit", ManageUnions, pages::edit_union),
        Route::post("/unions/{id}/delete", ManageUnions, pages::delete_union),
        Route::get("/branches", ViewDirectory, pages::branches),
        Route::get("/branches/new", ManageBranches, pages::new_branch),
        Route::post("/branches/new", ManageBranches, pages::create_branch),
        Route::get("/branches/{id}", ViewDirectory, pages::branch),
        Route::get("/branches/{id}/edit", EditBranch, pages::edit_branch_form),
        Route::post("/branches/{id}/edit", EditBranch, pages::edit_branch),
        Route::post(
            "/branches/{id}/delete",
            ManageBranches,
            pages::delete_branch,
        ),
        Route::get("/people", ViewPeople, pages::people),
        Route::get("/people/new", ManagePeople, pages::new_person),
        Route::post("/people/new", ManagePeople, pages::create_person),
        Route::get("/people/{id}", ViewPeople, pages::person),
        Route::get("/people/{id}/edit", ManagePeople, pages::edit_person_form),
        Route::post("/people/{id}/edit", ManagePeople, pages::edit_person),
        Route::post("/people/{id}/delete", ManagePeople, pages::delete_person),
        // API.
        Route::get("/api/v1/unions", ViewDirectory, api::list_unions).doc(ApiDoc {
            query: &[
                ("q", "Search in English and Ukrainian names"),
                ("country", "GB or UA"),
            ],
            ..list_doc("List unions", schema::<api::UnionJson>())
        }),
        Route::post("/api/v1/unions", ManageUnions, api::create_union).doc(doc(
            "Create a union",
            Some(schema::<model::UnionInput>()),
            Some(schema::<api::UnionJson>()),
            201,
        )),
        Route::get("/api/v1/unions/{id}", ViewDirectory, api::get_union).doc(doc(
            "Read a union",
            None,
            Some(schema::<api::UnionJson>()),
            200,
        )),
        Route::patch("/api/v1/unions/{id}", ManageUnions, api::edit_union).doc(doc(
            "Edit a union (send only the fields that change, and its version)",
            Some(schema::<model::UnionInput>()),
            Some(schema::<api::UnionJson>()),
            200,
        )),
        Route::delete("/api/v1/unions/{id}", ManageUnions, api::delete_union).doc(doc(
            "Delete a union that has no branches",
            None,
            None,
            204,
        )),
        Route::get("/api/v1/branches", ViewDirectory, api::list_branches).doc(ApiDoc {
            query: &[
                ("q", "Search in names and region"),
                ("union_id", "Only this union's branches"),
                ("country", "GB or UA"),
                ("sector", "A sector code"),
                ("region", "A region, exactly"),
            ],
            ..list_doc("List branches", schema::<api::BranchJson>())
        }),
        Route::post("/api/v1/branches", ManageBranches, api::create_branch).doc(doc(
            "Create a branch",
            Some(schema::<model::BranchInput>()),
            Some(schema::<api::BranchJson>()),
            201,
        )),
        Route::get("/api/v1/branches/{id}", ViewDirectory, api::get_branch).doc(doc(
            "Read a branch",
            None,
            Some(schema::<api::BranchJson>()),
            200,
        )),
        Route::patch("/api/v1/branches/{id}", EditBranch, api::edit_branch).doc(doc(
            "Edit a branch (coordinators, or its own officers)",
            Some(schema::<model::BranchInput>()),
            Some(schema::<api::BranchJson>()),
            200,
        )),
        Route::delete("/api/v1/branches/{id}", ManageBranches, api::delete_branch).doc(doc(
            "Delete a branch that has no people",
            None,
            None,
            204,
        )),
        Route::get("/api/v1/people", ViewPeople, api::list_people).doc(ApiDoc {
            query: &[
                ("q", "Search in names and e-mail addresses"),
                ("branch_id", "Only this branch's people"),
            ],
            ..list_doc(
                "List the people the caller may see",
                schema::<api::PersonJson>(),
            )
        }),
        Route::post("/api/v1/people", ManagePeople, api::create_person).doc(doc(
            "Add a person at a branch",
            Some(schema::<model::PersonInput>()),
            Some(schema::<api::PersonJson>()),
            201,
        )),
        Route::get("/api/v1/people/{id}", ViewPeople, api::get_person).doc(doc(
            "Read a person",
            None,
            Some(schema::<api::PersonJson>()),
            200,
        )),
        Route::patch("/api/v1/people/{id}", ManagePeople, api::edit_person).doc(doc(
            "Edit a person",
            Some(schema::<model::PersonInput>()),
            Some(schema::<api::PersonJson>()),
            200,
        )),
        Route::delete("/api/v1/people/{id}", ManagePeople, api::delete_person).doc(doc(
            "Delete a person",
            None,
            None,
            204,
        )),
    ]
}
