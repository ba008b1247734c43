//! The OpenAPI document at `/api/v1/openapi.json`, generated from the route
//! table the app hands over (so every API route is in it) and from the JSON
//! types themselves.

use serde_json::{json, Map, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use crate::directory::api::{BranchBody, BranchJson, PersonBody, PersonJson, UnionBody, UnionJson};
use crate::web::routes::RouteInfo;

fn schema_of<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

fn components() -> Map<String, Value> {
    let mut schemas = Vec::new();
    schema_of::<UnionJson>(&mut schemas);
    schema_of::<UnionBody>(&mut schemas);
    schema_of::<BranchJson>(&mut schemas);
    schema_of::<BranchBody>(&mut schemas);
    schema_of::<PersonJson>(&mut schemas);
    schema_of::<PersonBody>(&mut schemas);
    schema_of::<crate::speakers::api::SpeakerJson>(&mut schemas);
    schema_of::<crate::speakers::api::SpeakerBody>(&mut schemas);
    schema_of::<crate::speakers::api::SpeakerRequestJson>(&mut schemas);
    schema_of::<crate::speakers::api::SpeakerRequestBody>(&mut schemas);
    schema_of::<crate::speakers::api::MatchJson>(&mut schemas);
    schema_of::<crate::speakers::api::VerbBody>(&mut schemas);
    schema_of::<crate::twinning::api::TwinningJson>(&mut schemas);
    schema_of::<crate::twinning::api::TwinningBody>(&mut schemas);
    schema_of::<crate::twinning::api::SuggestionJson>(&mut schemas);
    schema_of::<crate::twinning::api::ActivityJson>(&mut schemas);
    schema_of::<crate::twinning::api::ActivityBody>(&mut schemas);
    schema_of::<crate::twinning::api::NeedJson>(&mut schemas);
    schema_of::<crate::twinning::api::NeedBody>(&mut schemas);
    schema_of::<crate::twinning::api::AdoptBody>(&mut schemas);
    schema_of::<crate::appeals::api::AppealJson>(&mut schemas);
    schema_of::<crate::appeals::api::AppealBody>(&mut schemas);
    schema_of::<crate::appeals::api::DonationJson>(&mut schemas);
    schema_of::<crate::appeals::api::DonationBody>(&mut schemas);
    schema_of::<crate::affiliations::api::AffiliationJson>(&mut schemas);
    schema_of::<crate::affiliations::api::AffiliationBody>(&mut schemas);
    schema_of::<crate::links::api::LinkJson>(&mut schemas);
    schema_of::<crate::links::api::LinkBody>(&mut schemas);
    schema_of::<crate::links::api::CopyBodyDoc>(&mut schemas);
    schema_of::<crate::links::api::LinkStatsJson>(&mut schemas);
    schema_of::<crate::links::api::DayJson>(&mut schemas);
    schema_of::<crate::links::api::CopyStatsJson>(&mut schemas);
    schema_of::<crate::statements::api::StatementJson>(&mut schemas);
    schema_of::<crate::statements::api::StatementBody>(&mut schemas);
    let mut map: Map<String, Value> = schemas
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or(Value::Null)))
        .collect();
    map.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable machine-readable code"},
                    "message": {"type": "string", "description": "Human message in the caller's language"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"},
                               "description": "For 422: what is wrong with each field"}
                }
            }}
        }),
    );
    map
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema_ref("Error")}}})
}

fn operation(route: &RouteInfo) -> Option<Value> {
    let doc = route.doc.as_ref()?;
    let mut parameters: Vec<Value> = Vec::new();
    if route.path.contains("{id}") {
        parameters.push(
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}),
        );
    }
    for (name, description) in doc.query {
        parameters.push(json!({"name": name, "in": "query", "required": false,
                               "description": description, "schema": {"type": "string"}}));
    }
    let success = match doc.response {
        Some(name) if !doc.list => json!({"description": "OK",
            "content": {"application/json": {"schema": schema_ref(name)}}}),
        Some(name) => json!({"description": "One page of the list",
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["items", "page", "per_page", "total"],
            "properties": {
                "items": {"type": "array", "items": schema_ref(name)},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"}
            }
        }}}}),
        None => json!({"description": "Done"}),
    };
    let mut responses = Map::new();
    responses.insert(doc.status.to_string(), success);
    responses.insert("400".into(), error_response("Malformed request"));
    responses.insert("401".into(), error_response("No credentials"));
    responses.insert("403".into(), error_response("Not allowed"));
    if route.path.contains("{id}") {
        responses.insert(
            "404".into(),
            error_response("No such record, or not one the caller may see"),
        );
    }
    if doc.request.is_some() {
        responses.insert(
            "409".into(),
            error_response("Conflict: duplicate, or edited by someone else since"),
        );
        responses.insert("422".into(), error_response("Invalid fields"));
    }
    let mut op = json!({
        "summary": doc.summary,
        "tags": [doc.tag],
        "operationId": format!("{}_{}", route.method.as_str().to_lowercase(),
            route.path.trim_start_matches("/api/v1/").replace(['/', '{', '}', '-'], "_")),
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(request) = doc.request {
        op["requestBody"] = json!({"required": true,
            "content": {"application/json": {"schema": schema_ref(request)}}});
    }
    Some(op)
}

pub fn document(routes: &[RouteInfo]) -> Value {
    let mut paths = Map::new();
    for route in routes {
        if let Some(op) = operation(route) {
            let item = paths
                .entry(route.path.trim_start_matches("/api/v1").to_owned())
                .or_insert_with(|| json!({}));
            item[route.method.as_str().to_lowercase()] = op;
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Solidarnist API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of a Solidarnist instance. Authenticate with \
                `Authorization: Bearer <token>` (see `solidarnist token create`), or with the \
                session cookie plus an `X-CSRF-Token` header. Money is always \
                {\"amount_minor\", \"currency\"}; times are RFC 3339."
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": components(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearer": []}],
        "paths": paths,
    })
}
