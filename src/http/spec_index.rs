//! The operations of the spec, looked up by method and path: the `Allow` header of a `405`
//! (RFC 9110 §15.5.6) and the JSON request body schema that [`super::strict`] checks.

use std::sync::LazyLock;

use serde_json::Value;

/// One path template of the spec, split into segments, with its operations by upper-case method.
struct PathEntry {
    segments: Vec<String>,
    operations: Vec<(String, &'static Value)>,
}

/// The spec the server serves ([`crate::api::SPEC_JSON`]), parsed once, with what the checks
/// read: no prose ([`drop_prose`]), no answers ([`keep_requests_only`]).
static SPEC: LazyLock<Value> = LazyLock::new(|| {
    let mut spec = serde_json::from_str(crate::api::SPEC_JSON).unwrap_or(Value::Null);
    drop_prose(&mut spec);
    keep_requests_only(&mut spec);
    spec
});

/// Removes the descriptions, summaries and titles, which no check reads: the parsed spec stays
/// in memory for the life of the process, and the prose is about two fifths of its text. Only text
/// values go, so a property that happens to be called `description` keeps its schema.
fn drop_prose(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, x| !(matches!(k.as_str(), "description" | "summary" | "title") && x.is_string()));
            map.values_mut().for_each(drop_prose);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_prose),
        _ => {}
    }
}

/// Removes what only describes answers: each operation's `responses`, and the component
/// schemas no request reaches (through its parameters and body, `$ref` after `$ref`). The checks
/// read requests only, and answers are most of the spec.
fn keep_requests_only(spec: &mut Value) {
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|ops| ops.values_mut()) {
            if let Some(op) = op.as_object_mut() {
                op.remove("responses");
            }
        }
    }
    let mut reached = std::collections::BTreeSet::new();
    let mut todo = Vec::new();
    crate::api::spec::collect_refs(spec.get("paths").unwrap_or(&Value::Null), &mut todo);
    let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    while let Some(name) = todo.pop() {
        if reached.insert(name.clone())
            && let Some(schema) = schemas.get(&name)
        {
            crate::api::spec::collect_refs(schema, &mut todo);
        }
    }
    schemas.retain(|name, _| reached.contains(name));
}

static PATHS: LazyLock<Vec<PathEntry>> = LazyLock::new(|| {
    let Some(paths) = SPEC.get("paths").and_then(Value::as_object) else { return Vec::new() };
    paths
        .iter()
        .map(|(template, ops)| PathEntry {
            segments: template.split('/').map(str::to_string).collect(),
            operations: ops
                .as_object()
                .map(|o| o.iter().map(|(m, op)| (m.to_uppercase(), op)).collect())
                .unwrap_or_default(),
        })
        .collect()
});

/// Parses the spec and indexes its paths now rather than on the first request.
pub fn warm() {
    LazyLock::force(&PATHS);
}

/// The path templates that fit `path` best: the router prefers literal segments, so
/// `/conversations/export` is not `/conversations/{id}`.
fn matching(path: &str) -> Vec<&'static PathEntry> {
    let asked: Vec<&str> = path.split('/').collect();
    let mut best = 0;
    let mut found = Vec::new();
    for entry in PATHS.iter() {
        let fits = entry.segments.len() == asked.len()
            && entry.segments.iter().zip(&asked).all(|(t, a)| t == a || (t.starts_with('{') && !a.is_empty()));
        if !fits {
            continue;
        }
        let literals = entry.segments.iter().filter(|t| !t.starts_with('{')).count() + 1;
        if literals > best {
            best = literals;
            found.clear();
        }
        if literals == best {
            found.push(entry);
        }
    }
    found
}

/// The methods allowed on `path`, comma-separated, or `None` when the spec has no such path.
pub fn allowed(path: &str) -> Option<String> {
    let mut methods: Vec<&str> =
        matching(path).iter().flat_map(|e| e.operations.iter().map(|(m, _)| m.as_str())).collect();
    if methods.is_empty() {
        return None;
    }
    methods.sort_unstable();
    methods.dedup();
    Some(methods.join(", "))
}

/// The operation `method path` reaches (the method in upper case), if the spec has it.
pub fn operation(method: &str, path: &str) -> Option<&'static Value> {
    matching(path).into_iter().flat_map(|e| e.operations.iter()).find(|(m, _)| m == method).map(|(_, op)| *op)
}

/// The JSON schema of an operation's request body, when it takes JSON.
pub fn json_body_schema(op: &Value) -> Option<&Value> {
    let content = op.pointer("/requestBody/content")?.as_object()?;
    content.iter().find(|(media, _)| media.starts_with("application/json")).and_then(|(_, m)| m.get("schema"))
}

/// Whether an operation needs a bearer token (every operation but sign-in).
pub fn is_secured(op: &Value) -> bool {
    op.get("security").is_some()
}

/// An operation's query parameters as the spec declares them.
pub fn query_params(op: &Value) -> impl Iterator<Item = &Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
}

/// The schema of an operation's parameter `name`, with a `$ref` resolved (and the items of a
/// list parameter).
pub fn param_schema<'a>(op: &'a Value, name: &str) -> Option<&'a Value> {
    let param =
        op.get("parameters")?.as_array()?.iter().find(|p| p.get("name").and_then(Value::as_str) == Some(name))?;
    let schema = param.get("schema")?;
    let schema =
        schema.get("items").filter(|_| schema.get("type").and_then(Value::as_str) == Some("array")).unwrap_or(schema);
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(r),
        None => Some(schema),
    }
}

/// A component schema by its `$ref`.
pub fn resolve(reference: &str) -> Option<&'static Value> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    SPEC.pointer("/components/schemas").and_then(|s| s.get(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_templated_path_lists_its_methods() {
        assert_eq!(allowed("/api/v1/teams/team_1").as_deref(), Some("DELETE, GET, PATCH"));
        assert_eq!(allowed("/api/v1/auth/login").as_deref(), Some("POST"));
        assert_eq!(allowed("/api/v1/conversations/export").as_deref(), Some("GET"));
        assert_eq!(allowed("/api/v1/nothing/here"), None);
    }

    #[test]
    fn a_json_operation_has_its_body_schema() {
        let op = operation("POST", "/api/v1/teams").expect("createTeam");
        let reference = json_body_schema(op).expect("takes JSON")["$ref"].as_str().expect("a reference");
        assert!(resolve(reference).is_some_and(|s| s["properties"]["name"]["type"] == "string"));
        assert!(json_body_schema(operation("GET", "/api/v1/teams").expect("listTeams")).is_none());
        assert!(operation("PUT", "/api/v1/teams").is_none());
        assert!(is_secured(op) && !is_secured(operation("POST", "/api/v1/auth/login").expect("login")));
    }

    #[test]
    fn prose_goes_but_a_property_named_like_it_stays() {
        let mut v = serde_json::json!({"description": "words", "summary": "more", "properties": {
            "description": {"type": "string", "description": "a team's description", "maxLength": 500},
            "title": {"type": "string"}
        }});
        drop_prose(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"properties": {
                "description": {"type": "string", "maxLength": 500}, "title": {"type": "string"}
            }})
        );
        let team = resolve(
            json_body_schema(operation("POST", "/api/v1/teams").expect("createTeam")).expect("JSON")["$ref"]
                .as_str()
                .expect("a reference"),
        )
        .expect("resolves");
        assert!(team["properties"]["description"].is_object(), "the team's description property stays");
    }

    #[test]
    fn answers_go_and_what_requests_reach_stays() {
        let mut v = serde_json::json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "parameters": [{"name": "k", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "In": {"properties": {"x": {"$ref": "#/components/schemas/Deep"}}},
                "Deep": {"type": "string"}, "Kind": {"enum": ["a"]}, "Out": {"type": "object"}
            }}
        });
        keep_requests_only(&mut v);
        assert!(v.pointer("/paths/~1a/post/responses").is_none());
        let mut kept: Vec<&String> = v["components"]["schemas"].as_object().expect("schemas").keys().collect();
        kept.sort();
        assert_eq!(kept, ["Deep", "In", "Kind"]);
        // What the server really checks still resolves, nested objects included.
        let op = operation("POST", "/api/v1/channels/api/inb_1/messages").expect("pushChannelMessage");
        let body =
            resolve(json_body_schema(op).expect("JSON")["$ref"].as_str().expect("a reference")).expect("resolves");
        let contact = &body["properties"]["contact"];
        let contact = contact.get("$ref").and_then(Value::as_str).map_or(Some(contact), resolve);
        assert!(contact.is_some_and(|c| c["properties"]["external_id"].is_object()));
    }
}
