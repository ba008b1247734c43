//! The OpenAPI document at `/api/v1/openapi.json`, generated from the route
//! table the app hands over: every API route is in it, and the schemas are
//! those of the very types each route's handler reads and answers.

use serde_json::{json, Map, Value};

use crate::web::routes::{RouteInfo, Schema, PAGING_QUERY};

/// Every schema the routes name, with the types inside them, and the error.
fn components(routes: &[RouteInfo]) -> Map<String, Value> {
    let mut schemas = Vec::new();
    for doc in routes.iter().filter_map(|r| r.doc.as_ref()) {
        for schema in [doc.request, doc.response].into_iter().flatten() {
            (schema.add)(&mut schemas);
        }
    }
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

fn schema_ref(schema: Schema) -> Value {
    named_ref(&(schema.name)())
}

fn named_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": named_ref("Error")}}})
}

fn operation(route: &RouteInfo) -> Option<Value> {
    let doc = route.doc.as_ref()?;
    let mut parameters: Vec<Value> = Vec::new();
    if route.path.contains("{id}") {
        parameters.push(
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}),
        );
    }
    // Every page of a list takes the same paging.
    let paging = if doc.list && !doc.whole {
        PAGING_QUERY
    } else {
        &[]
    };
    for (name, description) in doc.query.iter().chain(paging) {
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
    // What any call may be answered besides, by the layers every route
    // shares: a path or query holding characters no text may hold is 404
    // or 422 on every route, failed tokens are counted (429), and a busy or
    // slow server answers 503 or 408.
    let writes = route.method != axum::http::Method::GET;
    for (status, description, applies) in [
        ("400", "Malformed request", true),
        ("401", "No credentials", true),
        ("403", "Not allowed", true),
        ("404", "No such record, or not one the caller may see", true),
        ("408", "The request took too long", true),
        (
            "409",
            "Conflict: a duplicate, a record still in use, or a change someone else made first",
            writes,
        ),
        ("413", "The body is too large", doc.request.is_some()),
        ("422", "Invalid fields or parameters, each named", true),
        ("429", "Too many attempts; try again later", true),
        ("503", "The server is busy; try again in a moment", true),
    ] {
        if applies {
            responses.insert(status.into(), error_response(description));
        }
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
            "schemas": components(routes),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearer": []}],
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_names_a_schema_and_bodies_are_what_handlers_read() {
        let doc = document(&crate::app::route_table());
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in &found {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{r} is not in the document"
            );
        }
        let body = |path: &str, method: &str| {
            doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
                ["$ref"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(body("/unions", "post"), "#/components/schemas/UnionInput");
        assert_eq!(
            body("/appeals/{id}/donations", "post"),
            "#/components/schemas/DonationInput"
        );
        let donation = &doc["components"]["schemas"]["DonationInput"]["properties"];
        assert!(donation["reference"]["description"].is_string());
        assert!(donation["amount"].is_object());
    }
}
