//! The spec as clients read it: poem-openapi's generated document, post-processed into the
//! shapes common client generators accept. Pure JSON rewriting; the operations stay the source.
//!
//! - A property that refers to an enum or object comes out of poem-openapi as
//!   `allOf: [{$ref}, {description}]` to carry its description; openapi-python-client refuses
//!   that ("Cannot take allOf a non-object") and drops whole operations. It becomes a plain
//!   `$ref`, the description kept beside it.
//! - `Idempotency-Key` is declared on the operations that honour it (POST, PUT, PATCH, DELETE,
//!   except uploads and imports, whose streamed bodies are not fingerprinted), optional, with
//!   the limits the server checks.
//! - Downloads list the media types they are served as (CSV or xlsx, text or HTML, any type
//!   for stored files), and the event stream describes one server-sent event (OpenAPI 3.0
//!   reads the schema of `text/event-stream` as that of each event).
//! - Request bodies refuse unknown fields (`deny_unknown_fields` on every request object and
//!   upload form), so their schemas say `additionalProperties: false`; every id they name has
//!   a `maxLength` ([`MAX_ID_CHARS`]).
//! - Rules poem-openapi has no validator for: auto-close is 0 or at least 300 s; contact
//!   attributes are text, numbers or booleans; `format: date` strings carry their pattern.
//! - The workspace time zone says `format: iana-time-zone` (any name of the IANA database).
//! - Responses link to the operations their ids feed (`api::links`).
//! - The API channel's operation names its own security scheme, `ApiToken`.
//! - Unsigned integer formats (`uint32`, `uint64`) say their minimum, so generators and fuzzers
//!   know a negative number is refused.

use serde_json::{Map, Value, json};

/// The header that makes a mutation safe to retry.
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The media types of the operations that answer with a file rather than JSON.
const DOWNLOADS: &[(&str, &[&str])] = &[
    (
        "exportConversations",
        &["text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ),
    ("getConversationTranscript", &["text/plain; charset=utf-8", "text/html; charset=utf-8"]),
    ("downloadAttachment", &["*/*"]),
    ("downloadWidgetAttachment", &["*/*"]),
    ("takeBackup", &["application/octet-stream"]),
];

/// Rewrites a generated spec in place.
pub fn post_process(spec: &mut Value) {
    unwrap_single_refs(spec);
    super::patterns::declare(spec);
    let mut request_schemas = Vec::new();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for ops in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, op) in ops.iter_mut() {
                idempotency_header(method, op);
                download_types(op);
                event_stream(op);
                if let Some(body) = op.get("requestBody") {
                    collect_refs(body, &mut request_schemas);
                    unsupported_media_type(op);
                }
                if let Some(form) = op.pointer_mut("/requestBody/content/multipart~1form-data/schema") {
                    form["additionalProperties"] = json!(false);
                }
            }
        }
    }
    close_request_objects(spec, request_schemas);
    for inbox in ["CreateInbox", "UpdateInbox"] {
        if let Some(secs) = spec.pointer_mut(&format!("/components/schemas/{inbox}/properties/auto_close_secs")) {
            secs["not"] = json!({"minimum": 1, "maximum": 299});
        }
    }
    // An import needs a file: an empty body is refused (422).
    if let Some(body) =
        spec.pointer_mut("/paths/~1api~1v1~1imports/post/requestBody/content/application~1octet-stream/schema")
    {
        body["minLength"] = json!(1);
    }
    if let Some(attrs) = spec.pointer_mut("/components/schemas/ContactBody/properties/attributes") {
        attrs["maxProperties"] = json!(100);
        attrs["additionalProperties"] = json!({
            "nullable": true,
            "description": "Text (at most 2000 characters), a number or a boolean; null removes the attribute.",
            "anyOf": [{"type": "string", "maxLength": 2000}, {"type": "number"}, {"type": "boolean"}]
        });
    }
    if let Some(types) = spec.pointer_mut("/components/schemas/SettingsBody/properties/allowed_upload_types/items") {
        // The pattern allows two parts of at most 100 characters and a slash.
        types["maxLength"] = json!(201);
    }
    if let Some(tz) = spec.pointer_mut("/components/schemas/SettingsBody/properties/time_zone") {
        // An enum of the ~600 names breaks openapi-python-client (GMT+0 and GMT0 make one key).
        tz["format"] = json!("iana-time-zone");
    }
    api_token_scheme(spec);
    super::links::add(spec);
}

/// The API channel takes API tokens only (a session token is a 403): its operation names a
/// scheme of its own, so generated clients and readers know which credential to send.
fn api_token_scheme(spec: &mut Value) {
    if let Some(schemes) = spec.pointer_mut("/components/securitySchemes").and_then(Value::as_object_mut) {
        schemes.insert(
            "ApiToken".to_string(),
            json!({"type": "http", "scheme": "bearer",
                   "description": "An API token from `POST /api/v1/tokens`, sent as `Authorization: Bearer <token>`; session tokens are refused."}),
        );
    }
    if let Some(op) = spec.pointer_mut("/paths/~1api~1v1~1channels~1api~1{inbox_id}~1messages/post") {
        op["security"] = json!([{"ApiToken": []}]);
    }
}

/// Gives a download's `200` the media types it is served as, and drops the `Content-Type`
/// response header, which OpenAPI says to describe as content instead.
fn download_types(op: &mut Value) {
    let Some(ok) = op.pointer_mut("/responses/200") else { return };
    if let Some(headers) = ok.get_mut("headers").and_then(Value::as_object_mut) {
        headers.retain(|name, _| !name.eq_ignore_ascii_case("content-type"));
    }
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
    let Some((_, types)) = DOWNLOADS.iter().find(|(name, _)| *name == id) else { return };
    let content: Map<String, Value> =
        types.iter().map(|t| (t.to_string(), json!({"schema": {"type": "string", "format": "binary"}}))).collect();
    if let Some(ok) = op.pointer_mut("/responses/200") {
        ok["content"] = Value::Object(content);
    }
}

/// Documents the `415` an operation with a body gives for a body in another media type.
fn unsupported_media_type(op: &mut Value) {
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let Some(problem) = responses.get("413").and_then(|r| r.pointer("/content")).cloned() else { return };
    responses.entry("415").or_insert(json!({
        "description": "The body is not in the media type this operation takes (JSON, or multipart for uploads).",
        "content": problem
    }));
}

/// Describes one server-sent event: its `id` (the sequence number), its `event` (the kind)
/// and its `data`, a `LiveEvent` as JSON.
fn event_stream(op: &mut Value) {
    let customer = op.get("operationId").and_then(Value::as_str) == Some("streamWidgetEvents");
    let (kind, data) = if customer {
        ("`WidgetEvent.type`", "a `WidgetEvent` (see the schema of that name); typing events have no `id`")
    } else {
        ("`LiveEvent.type`", "a `LiveEvent` (see the schema of that name)")
    };
    let Some(schema) = op.pointer_mut("/responses/200/content/text~1event-stream/schema") else { return };
    *schema = json!({
        "type": "object",
        "description": "One server-sent event.",
        "required": ["data"],
        "properties": {
            "id": {"type": "string", "description": "The event's sequence number; send it back as `Last-Event-ID`."},
            "event": {"type": "string", "description": format!("The event's type, as in {kind}.")},
            "data": {"type": "string", "description": format!("The event as JSON: {data}.")},
            "retry": {"type": "integer", "description": "Milliseconds to wait before reconnecting."}
        }
    });
}

/// Merges the customer API's spec into the staff API's: its paths, schemas, security scheme
/// and tag. The customer API's schema names never clash with the staff API's (they start with
/// `Widget`, `Session`, `Rating`, `Typing` or `Customer`); a clash would keep the staff one.
pub fn merge(main: &mut Value, other: Value) {
    for (section, key) in [("paths", None), ("components", Some("schemas")), ("components", Some("securitySchemes"))] {
        let from = match key {
            Some(k) => other.get(section).and_then(|s| s.get(k)),
            None => other.get(section),
        };
        let Some(from) = from.and_then(Value::as_object).cloned() else { continue };
        let into = match key {
            Some(k) => &mut main[section][k],
            None => &mut main[section],
        };
        if !into.is_object() {
            *into = json!({});
        }
        if let Some(into) = into.as_object_mut() {
            for (name, v) in from {
                into.entry(name).or_insert(v);
            }
        }
    }
    if let (Some(tags), Some(more)) =
        (main.get_mut("tags").and_then(Value::as_array_mut), other.get("tags").and_then(Value::as_array))
    {
        tags.extend(more.iter().cloned());
    }
}

/// The names of the component schemas `v` refers to, pushed onto `out`.
pub(crate) fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(name) =
                map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_string());
            }
            map.values().for_each(|child| collect_refs(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, out)),
        _ => {}
    }
}

/// Longest id a request may name: ids are about 30 characters (`usr_` and 26 more); odd ones
/// kept from imports are still far below this.
pub const MAX_ID_CHARS: u64 = 100;

/// `maxLength` on every id a request object names (`…_id`, `reply_to`, and the items of id
/// lists), so no request can make the server look up, or echo back, a megabyte of id.
fn bound_ids(schema: &mut Value) {
    const ID_LISTS: [&str; 5] = ["ids", "members", "team_ids", "labels", "attachments"];
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
    for (name, prop) in props.iter_mut() {
        let target = if name.ends_with("_id") || name == "reply_to" {
            Some(prop)
        } else if ID_LISTS.contains(&name.as_str()) || name.ends_with("_ids") {
            prop.get_mut("items")
        } else {
            None
        };
        if let Some(t) = target.filter(|t| t.get("type").and_then(Value::as_str) == Some("string")) {
            t.as_object_mut().map(|o| o.entry("maxLength").or_insert(json!(MAX_ID_CHARS)));
        }
    }
}

/// `additionalProperties: false` on every object schema a request body reaches.
fn close_request_objects(spec: &mut Value, mut todo: Vec<String>) {
    let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(schema) = schemas.get_mut(&name) else { continue };
        collect_refs(schema, &mut todo);
        if schema.get("type").and_then(Value::as_str) == Some("object") && schema.get("properties").is_some() {
            schema["additionalProperties"] = json!(false);
        }
        bound_ids(schema);
    }
}

/// `{description, allOf: [{$ref}, {description}]}` → `{$ref, description}`; recursively, and
/// unsigned integers get `minimum: 0`.
fn unwrap_single_refs(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(r) = single_ref(map) {
                map.remove("allOf");
                map.insert("$ref".to_string(), Value::String(r));
            }
            let integer = map.get("type").and_then(Value::as_str) == Some("integer");
            let largest = match map.get("format").and_then(Value::as_str) {
                Some("uint8") => Some(u64::from(u8::MAX)),
                Some("uint16") => Some(u64::from(u16::MAX)),
                Some("uint32") => Some(u64::from(u32::MAX)),
                Some("uint64") => Some(u64::MAX),
                _ => None,
            };
            if let (true, Some(largest)) = (integer, largest) {
                map.entry("minimum").or_insert(json!(0));
                map.entry("maximum").or_insert(json!(largest));
            }
            // `format: date` is only a note to JSON Schema; the pattern makes it a rule.
            // poem-openapi names `time::Date` `naive-date`; OpenAPI's name is `date`.
            let date = matches!(map.get("format").and_then(Value::as_str), Some("date" | "naive-date"));
            if date && map.get("type").and_then(Value::as_str) == Some("string") {
                map.insert("format".to_string(), json!("date"));
                map.entry("pattern").or_insert(json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
            }
            for child in map.values_mut() {
                unwrap_single_refs(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_single_refs),
        _ => {}
    }
}

/// The `$ref` of an `allOf` whose other members only repeat a description.
fn single_ref(map: &Map<String, Value>) -> Option<String> {
    let all = map.get("allOf")?.as_array()?;
    let mut reference = None;
    for member in all {
        let m = member.as_object()?;
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            if reference.is_some() || m.len() != 1 {
                return None;
            }
            reference = Some(r.to_string());
        } else if m.keys().any(|k| k != "description") {
            return None;
        }
    }
    reference
}

/// Keeps the idempotency header on mutations only, optional, with its limits.
fn idempotency_header(method: &str, op: &mut Value) {
    let is_key = |p: &Value| {
        p.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(IDEMPOTENCY_KEY))
            && p.get("in").and_then(Value::as_str) == Some("header")
    };
    // Streamed bodies (uploads, imports) are never held to be fingerprinted, so a key is not
    // honoured there (a retried upload stores the same bytes once; a retried import imports
    // nothing twice).
    let streamed = ["multipart~1form-data", "application~1octet-stream"]
        .iter()
        .any(|t| op.pointer(&format!("/requestBody/content/{t}")).is_some());
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else { return };
    if streamed || !matches!(method, "post" | "put" | "patch" | "delete") {
        params.retain(|p| !is_key(p));
    } else if let Some(p) = params.iter_mut().find(|p| is_key(p)) {
        p["name"] = json!(IDEMPOTENCY_KEY);
        p["required"] = json!(false);
        p["schema"] = json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"});
    }
    if params.is_empty()
        && let Some(o) = op.as_object_mut()
    {
        o.remove("parameters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enum_reference_loses_its_all_of_and_keeps_its_description() {
        let mut v = json!({"properties": {"role": {"description": "Role.",
            "allOf": [{"$ref": "#/components/schemas/RoleDto"}, {"description": "Role."}]}}});
        post_process(&mut v);
        assert_eq!(v["properties"]["role"], json!({"description": "Role.", "$ref": "#/components/schemas/RoleDto"}));
    }

    #[test]
    fn an_all_of_that_merges_two_objects_is_left_alone() {
        let original = json!({"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]});
        let mut v = original.clone();
        post_process(&mut v);
        assert_eq!(v, original);
    }

    #[test]
    fn the_idempotency_key_is_optional_on_mutations_and_absent_on_reads() {
        let header = json!({"name": "IDEMPOTENCY-KEY", "in": "header", "required": true, "schema": {"type": "string"}});
        let mut v =
            json!({"paths": {"/x": {"get": {"parameters": [header.clone()]}, "post": {"parameters": [header]}}}});
        post_process(&mut v);
        assert!(v["paths"]["/x"]["get"].get("parameters").is_none());
        let p = &v["paths"]["/x"]["post"]["parameters"][0];
        assert_eq!((p["name"].as_str(), p["required"].as_bool()), (Some("Idempotency-Key"), Some(false)));
        assert_eq!(p["schema"]["maxLength"], 255);
    }

    #[test]
    fn unsigned_integers_say_their_minimum() {
        let mut v = json!({"type": "integer", "format": "uint32"});
        post_process(&mut v);
        assert_eq!(v["minimum"], 0);
    }
}
