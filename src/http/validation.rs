//! Turns poem-openapi's validator failures into the same precise problems the desk gives.
//!
//! The limits a request must respect are declared on the operations as poem-openapi validators,
//! so the spec states them and the framework checks them before a handler runs. Its messages
//! read like `field \`name\` verification failed. maxLength(100)`; this module rewrites them as
//! a `422` whose `errors` name the field and the rule in words ("must be at most 100
//! characters"), as the desk's own checks do.

use crate::api::{FieldProblem, Problem};

/// The field (or parameter) and words for a validator failure found in `reason`, if any.
pub fn field_problem(name: Option<&str>, reason: &str) -> Option<FieldProblem> {
    let at = reason.find("verification failed. ")?;
    let rule = &reason[at + "verification failed. ".len()..];
    let rule = rule.split(" (occurred while").next().unwrap_or(rule);
    let field = match name {
        Some(n) => n.to_string(),
        None => {
            let start = reason[..at].rfind("field `")? + "field `".len();
            let end = start + reason[start..].find('`')?;
            reason[start..end].to_string()
        }
    };
    Some(FieldProblem { field, message: words(rule.trim_end_matches('.')) })
}

/// Words for a query or header parameter poem-openapi could not read, from its schema.
pub fn param_problem(method: &str, path: &str, name: &str, reason: &str) -> FieldProblem {
    if let Some(f) = field_problem(Some(name), reason) {
        return f;
    }
    let schema = super::spec_index::operation(method, path).and_then(|op| super::spec_index::param_schema(op, name));
    let text = |k: &str| schema.and_then(|s| s.get(k)).and_then(serde_json::Value::as_str);
    let required = reason.contains("expects an input value") || reason.contains("required");
    let message = if required {
        "is required".to_string()
    } else if let Some(values) = schema.and_then(|s| s.get("enum")).and_then(serde_json::Value::as_array) {
        let names: Vec<&str> = values.iter().filter_map(serde_json::Value::as_str).collect();
        format!("must be {}", one_of(&names))
    } else if text("format") == Some("date") {
        "must be a date like 2026-01-31 (year-month-day)".to_string()
    } else if text("format") == Some("date-time") {
        "must be a date and time like 2026-01-31T09:00:00Z (RFC 3339)".to_string()
    } else if text("type") == Some("integer") {
        "must be a whole number in range".to_string()
    } else {
        format!("is not valid: {reason}")
    };
    FieldProblem { field: name.to_string(), message }
}

/// What a pattern of the spec asks for, in words: each pattern the operations declare has its
/// sentence here (a test checks that none is missing).
pub fn pattern_words(pattern: &str) -> String {
    let words = match pattern {
        r"\S" => "must not be blank",
        "^#[0-9a-fA-F]{6}$" => "must be a colour like #3b82f6",
        "^(en|it|es)$" => "must be en, it or es",
        "^(customer|bot)$" => "must be customer or bot",
        "^/*[A-Za-z0-9_-]{1,32}$" => "must be 1 to 32 letters, digits, - or _ (no spaces)",
        "^[!-~]+$" => "must be visible ASCII characters",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => "must be a date like 2026-01-31 (year-month-day)",
        "^[A-Za-z0-9+.*_-]{1,100}/[A-Za-z0-9+.*_-]{1,100}$" => "must be a MIME type like image/png or image/*",
        r"^[^@\s]+@[^@\s.](?:[^@\s]*[^@\s.])?$" | r"^\s*(?:[^@\s]+@[^@\s.](?:[^@\s]*[^@\s.])?)?\s*$" => {
            "must be an email address such as ana@example.com"
        }
        r"^\s*$|^[^0-9]*(?:[0-9][^0-9]*){5,20}$" => "must hold 5 to 20 digits, e.g. +39 02 1234 5678",
        r"^\s*(?:https?://\S*)?\s*$" => "must be an http(s) URL",
        r"^https?://[^\s/?#]+\S*$" => "must be an http:// or https:// URL, like https://example.com/hooks",
        "^[0-9a-f]{16}$" => "must be a next_cursor this API gave (16 hex digits)",
        "^[0-9]{1,10}$" => "must be a next_cursor this API gave (digits)",
        "^#[0-9a-fA-F]{6}$|^$" => "must be a colour like #3b82f6",
        other => return format!("must match the pattern {other}"),
    };
    words.to_string()
}

/// `["csv", "xlsx"]` → "csv or xlsx"; `["a", "b", "c"]` → "a, b or c".
pub fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A 422 problem listing invalid fields or parameters, worded as the desk words its own.
pub fn problem(fields: Vec<FieldProblem>) -> Problem {
    let n = fields.len();
    let list: Vec<String> = fields.iter().map(|f| format!("{} {}", f.field, f.message)).collect();
    let mut p =
        Problem::new(422, format!("{n} field{} invalid: {}", if n == 1 { " is" } else { "s are" }, list.join("; ")));
    p.errors = Some(fields);
    p
}

/// `maxLength(100)` → "must be at most 100 characters", and so on for each validator.
fn words(rule: &str) -> String {
    let (name, arg) = match rule.split_once('(') {
        Some((n, rest)) => (n, rest.strip_suffix(')').unwrap_or(rest)),
        None => (rule, ""),
    };
    let number = arg.split(',').next().unwrap_or("").trim();
    match name {
        "maxLength" => format!("must be at most {number} characters"),
        "minLength" if number == "1" => "must not be empty".to_string(),
        "minLength" => format!("must be at least {number} characters"),
        "maximum" => format!("must be at most {number}"),
        "minimum" => format!("must be at least {number}"),
        "maxItems" => format!("must have at most {number} items"),
        "minItems" => format!("must have at least {number} items"),
        "pattern" => pattern_words(arg.trim_matches('"')),
        _ => format!("must satisfy {rule}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_field_failure_names_the_field_and_the_limit() {
        let f = field_problem(None, "failed to parse \"CreateTeam\": field `name` verification failed. maxLength(100)")
            .expect("a validator failure");
        assert_eq!((f.field.as_str(), f.message.as_str()), ("name", "must be at most 100 characters"));
    }

    #[test]
    fn a_parameter_failure_names_the_parameter() {
        let f = field_problem(Some("limit"), "verification failed. maximum(500, exclusive: false)").expect("failure");
        assert_eq!((f.field.as_str(), f.message.as_str()), ("limit", "must be at most 500"));
        let blank = field_problem(Some("q"), "verification failed. pattern(\"\\S\")").expect("failure");
        assert_eq!(blank.message, "must not be blank");
    }

    #[test]
    fn every_pattern_of_the_spec_has_words() {
        let spec: serde_json::Value = serde_json::from_str(&crate::api::spec_json()).expect("JSON");
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(p) = m.get("pattern").and_then(serde_json::Value::as_str) {
                        out.push(p.to_string());
                    }
                    m.values().for_each(|c| walk(c, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
                _ => {}
            }
        }
        let mut patterns = Vec::new();
        walk(&spec, &mut patterns);
        assert!(!patterns.is_empty());
        for p in patterns {
            assert!(!pattern_words(&p).starts_with("must match the pattern"), "no words for {p}");
        }
    }

    #[test]
    fn other_parse_errors_are_left_alone() {
        assert!(field_problem(None, "failed to parse \"CreateTeam\": unknown field `x`.").is_none());
    }
}
