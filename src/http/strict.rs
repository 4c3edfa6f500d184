//! Request bodies checked against the spec before they reach their operation: JSON types and
//! the declared limits, every offending field reported at once.
//!
//! The limits are declared on the operations as poem-openapi validators, so the spec states
//! them and the framework enforces them; but poem-openapi stops at the first failure, and it
//! reads a JSON number or boolean into a `String` field (`"name": false` becomes the name
//! "false") while the spec says `type: string`. This check walks a JSON body beside the
//! operation's request schema and lists each value of the wrong JSON type and each broken
//! limit (lengths, patterns, ranges, item and property counts, enums), as the desk lists its
//! own checks. `null` is a type too: it is accepted only where the schema says `nullable` (an
//! optional field is left out, not sent as `null`), and a missing required field is listed too.
//! Unknown fields are left to poem-openapi, which refuses them by name with a 400.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use serde_json::Value;

use super::spec_index;
use crate::api::FieldProblem;

/// Every problem of `body` against the JSON request schema of the operation `op` (none when
/// it takes no JSON or the body is not JSON, which poem-openapi then reports).
pub fn problems(op: &Value, body: &[u8]) -> Vec<FieldProblem> {
    let (Some(schema), Ok(value)) = (spec_index::json_body_schema(op), serde_json::from_slice(body)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    check(&value, schema, "", &mut out);
    out
}

/// Every problem of the query string of the operation `op` against its declared parameters: each
/// required one present, each given one of its type (enum, date, date-time, integer) and
/// within its limits. Unknown parameters are ignored, as the operations ignore them.
pub fn query_problems(op: &Value, query: &str) -> Vec<FieldProblem> {
    let given: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let mut out = Vec::new();
    for param in spec_index::query_params(op) {
        let Some(name) = param.get("name").and_then(Value::as_str) else { continue };
        let values: Vec<&str> = given.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
        if values.is_empty() {
            if param.get("required").and_then(Value::as_bool) == Some(true) {
                out.push(FieldProblem { field: name.to_string(), message: "is required".into() });
            }
            continue;
        }
        let Some(mut schema) = param.get("schema") else { continue };
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            schema = schema.get("items").unwrap_or(schema);
        }
        if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(spec_index::resolve) {
            schema = target;
        }
        for v in values {
            if let Some(p) = param_value_problem(name, v, schema) {
                out.push(p);
                break;
            }
        }
    }
    out
}

/// The problem of one parameter value read as its schema's type, if any.
fn param_value_problem(name: &str, v: &str, schema: &Value) -> Option<FieldProblem> {
    let text = |k: &str| schema.get(k).and_then(Value::as_str);
    let problem = |message: String| Some(FieldProblem { field: name.to_string(), message });
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return (!names.contains(&v))
            .then(|| problem(format!("must be {}, not {v:?}", super::validation::one_of(&names))))?;
    }
    match (text("type"), text("format")) {
        (Some("string"), Some("date")) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            if time::Date::parse(v, format).is_err() {
                return problem(format!("must be a date like 2026-01-31 (year-month-day), not {v:?}"));
            }
            None
        }
        (Some("string"), Some("date-time")) => {
            if time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).is_err() {
                return problem(format!("must be a date and time like 2026-01-31T09:00:00Z (RFC 3339), not {v:?}"));
            }
            None
        }
        (Some("integer"), _) => match v.parse::<i64>() {
            Err(_) => problem(format!("must be a whole number, not {v:?}")),
            Ok(n) => {
                let mut out = Vec::new();
                limits(&Value::from(n), schema, name, &mut out);
                out.into_iter().next()
            }
        },
        (Some("string"), _) => {
            let mut out = Vec::new();
            limits(&Value::from(v), schema, name, &mut out);
            out.into_iter().next()
        }
        _ => None,
    }
}

fn check(value: &Value, schema: &Value, at: &str, out: &mut Vec<FieldProblem>) {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(spec_index::resolve) {
        return check(value, target, at, out);
    }
    if value.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
            out.push(wrong(at, schema, value));
        }
        return;
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let fits = any.iter().any(|s| {
            let mut scratch = Vec::new();
            check(value, s, at, &mut scratch);
            scratch.is_empty()
        });
        if !fits {
            out.push(FieldProblem { field: name(at), message: "is not one of the accepted kinds of value".into() });
        }
        return;
    }
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        let fits = match ty {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !fits {
            return out.push(wrong(at, schema, value));
        }
    }
    let before = out.len();
    limits(value, schema, at, out);
    if out.len() > before {
        return;
    }
    match value {
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(v, item, &format!("{at}[{i}]"), out);
                }
            }
        }
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties").filter(|a| a.is_object());
            for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(k) = required.as_str().filter(|k| !map.contains_key(*k)) {
                    let field = if at.is_empty() { k.to_string() } else { format!("{at}.{k}") };
                    out.push(FieldProblem { field, message: "is required".into() });
                }
            }
            for (k, v) in map {
                let field = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                if let Some(s) = props.and_then(|p| p.get(k)).or(extra) {
                    check(v, s, &field, out);
                }
            }
        }
        _ => {}
    }
}

/// The limits of one value: lengths, pattern, enum, range, counts.
fn limits(value: &Value, schema: &Value, at: &str, out: &mut Vec<FieldProblem>) {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let mut fail = |message: String| out.push(FieldProblem { field: name(at), message });
    match value {
        Value::String(s) => {
            let n = s.chars().count();
            match (num("minLength"), num("maxLength")) {
                (Some(1.0), _) if n == 0 => fail("must not be empty".into()),
                (Some(min), _) if (n as f64) < min => fail(format!("must be at least {min} characters")),
                (_, Some(max)) if (n as f64) > max => fail(format!("must be at most {max} characters")),
                _ => {
                    if let Some(p) = schema.get("pattern").and_then(Value::as_str)
                        && !matches(p, s)
                    {
                        fail(super::validation::pattern_words(p));
                    }
                }
            }
            if schema.get("format").and_then(Value::as_str) == Some("iana-time-zone")
                && crate::domain::report::time_zone(s).is_none()
            {
                fail("must be an IANA time zone such as Europe/Rome or UTC".into());
            }
            if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                && !allowed.iter().any(|a| a.as_str() == Some(s))
            {
                let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                fail(format!("must be {}, not {s:?}", super::validation::one_of(&names)));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if let Some(min) = num("minimum").filter(|m| x < *m) {
                fail(format!("must be at least {min}"));
            } else if let Some(max) = num("maximum").filter(|m| x > *m) {
                fail(format!("must be at most {max}"));
            } else if let Some(not) = schema.get("not") {
                let (lo, hi) = (not.get("minimum").and_then(Value::as_f64), not.get("maximum").and_then(Value::as_f64));
                if let (Some(lo), Some(hi)) = (lo, hi)
                    && (lo..=hi).contains(&x)
                {
                    fail(format!("must not be between {lo} and {hi}"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(min) = num("minItems").filter(|m| (items.len() as f64) < *m) {
                fail(format!("must have at least {min} items"));
            } else if let Some(max) = num("maxItems").filter(|m| (items.len() as f64) > *m) {
                fail(format!("must have at most {max} items"));
            }
        }
        Value::Object(map) => {
            if let Some(max) = num("maxProperties").filter(|m| (map.len() as f64) > *m) {
                fail(format!("must have at most {max} entries"));
            }
        }
        _ => {}
    }
}

/// Whether `text` matches the spec's `pattern` (compiled once per pattern).
fn matches(pattern: &str, text: &str) -> bool {
    static CACHE: LazyLock<Mutex<HashMap<String, Option<Regex>>>> = LazyLock::new(Mutex::default);
    let Ok(mut cache) = CACHE.lock() else { return true };
    let re = cache.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).ok());
    re.as_ref().is_none_or(|re| re.is_match(text))
}

fn name(at: &str) -> String {
    if at.is_empty() { "body".to_string() } else { at.to_string() }
}

fn wrong(at: &str, schema: &Value, value: &Value) -> FieldProblem {
    let expected = match schema.get("type").and_then(Value::as_str) {
        Some("string") => "text",
        Some("integer") => "a whole number",
        Some("number") => "a number",
        Some("boolean") => "true or false",
        Some("array") => "a list",
        Some("object") => "an object",
        _ => "of another type",
    };
    let given = match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    FieldProblem { field: name(at), message: format!("must be {expected}, not {given}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> &'static Value {
        spec_index::operation(method, path).expect("an operation of the spec")
    }

    fn fields(p: &[FieldProblem]) -> Vec<(&str, &str)> {
        p.iter().map(|f| (f.field.as_str(), f.message.as_str())).collect()
    }

    #[test]
    fn every_bad_query_parameter_is_listed() {
        let p = query_problems(op("GET", "/api/v1/reports/conversations"), "group_by=day");
        assert_eq!(
            fields(&p),
            [("from", "is required"), ("to", "is required"), ("group_by", "must be agent, team or inbox, not \"day\"")]
        );
        let p = query_problems(op("GET", "/api/v1/reports/conversations"), "from=2026-02-30&to=2026-03-01");
        assert_eq!(fields(&p), [("from", "must be a date like 2026-01-31 (year-month-day), not \"2026-02-30\"")]);
        let p = query_problems(
            op("GET", "/api/v1/conversations"),
            "limit=0&status=open&status=lost&created_from=yesterday",
        );
        let names: Vec<&str> = p.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["status", "created_from", "limit"]);
        assert!(query_problems(op("GET", "/api/v1/conversations"), "limit=20&status=open&view=mine&x=1").is_empty());
    }

    #[test]
    fn missing_fields_and_unknown_time_zones_are_listed() {
        let p = problems(op("POST", "/api/v1/users"), br#"{"email": "a@b.c", "role": "agent"}"#);
        assert_eq!(fields(&p), [("name", "is required"), ("password", "is required")]);
        let p = problems(op("PATCH", "/api/v1/settings"), br#"{"language": "fr", "time_zone": "nowhere"}"#);
        assert_eq!(p.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["language", "time_zone"]);
        assert!(problems(op("PATCH", "/api/v1/settings"), br#"{"time_zone": "Europe/Rome"}"#).is_empty());
    }

    #[test]
    fn a_boolean_where_text_is_declared_is_refused() {
        let p = problems(op("POST", "/api/v1/teams"), br#"{"name": false}"#);
        assert_eq!(fields(&p), [("name", "must be text, not true or false")]);
    }

    #[test]
    fn every_broken_limit_is_listed() {
        let p = problems(op("POST", "/api/v1/tokens"), br#"{"name": " ", "expires_in_days": 0}"#);
        assert_eq!(fields(&p), [("name", "must not be blank"), ("expires_in_days", "must be at least 1")]);
        let p =
            problems(op("PATCH", "/api/v1/inboxes/inb_1"), br#"{"offer_timeout_secs": 601, "auto_close_secs": 60}"#);
        assert_eq!(
            fields(&p),
            [("offer_timeout_secs", "must be at most 600"), ("auto_close_secs", "must not be between 1 and 299")]
        );
    }

    #[test]
    fn nested_values_and_list_items_are_checked() {
        let p = problems(op("PATCH", "/api/v1/teams/team_1"), br#"{"members": ["usr_1", 7]}"#);
        assert_eq!(fields(&p), [("members[1]", "must be text, not a number")]);
        let p =
            problems(op("POST", "/api/v1/channels/api/inb_1/messages"), br#"{"contact": {"name": 5}, "text": "hi"}"#);
        assert_eq!(fields(&p), [("contact.name", "must be text, not a number")]);
    }

    #[test]
    fn null_is_refused_unless_the_schema_says_nullable() {
        let p = problems(op("POST", "/api/v1/teams"), br#"{"name": "Support", "description": null}"#);
        assert_eq!(fields(&p), [("description", "must be text, not null")]);
        assert!(
            problems(op("PATCH", "/api/v1/contacts/ct_1"), br#"{"attributes": {"vip": true, "n": 3, "x": null}}"#)
                .is_empty()
        );
        assert_eq!(
            fields(&problems(op("POST", "/api/v1/me/heartbeat"), b"null")),
            [("body", "must be an object, not null")]
        );
    }
}
